//! Loans: an available device lent to a person under a programme that lends (`[loans]`: how
//! long, which kinds), with a due date and an optional deposit (a cheque kept uncashed, or cash:
//! journaled and shown in the X/Z report as deposits held, apart from takings). A loan ends
//! once: given back (its condition checked; the data erased again before anything else), lost
//! (a manager, after the « lost after » date a manager sets; the deposit kept), or turned into a
//! sale (the sale's own checks; a cash deposit may count as payment). Each act is one
//! transaction with its journal entry and its event for the hub (no name).

mod acts;
mod view;

#[cfg(any(test, feature = "test-support"))]
pub use acts::lend_as_of;
pub use acts::{convert, declare_lost, give_back, lend, set_lost_after};
pub(crate) use acts::{deadline_entry, end_by_sale, end_entry, lend_on, lent_entry, LentDevice};
pub(crate) use view::open_of;
pub use view::{get, list, of_person, overdue, Loan, LoanEnd};

use serde::Deserialize;

use crate::error::{Code, Error};

/// Days after the due date before a loan may be declared lost, unless a manager sets another
/// date.
pub const LOST_AFTER_DAYS: u64 = 30;

fn refused(code: Code, message: impl Into<String>) -> Error {
    Error::Refused {
        code,
        message: message.into(),
    }
}

/// A loan to record, as typed: the device, the person, the programme, the due date (empty: the
/// longest the programme allows), the deposit (empty or 0: none), its method (espèces,
/// chèque) and the cheque's number.
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct LoanInput {
    pub tag: String,
    pub person_id: i64,
    pub programme: String,
    #[serde(default)]
    pub due_on: String,
    #[serde(default)]
    pub deposit: String,
    #[serde(default)]
    pub deposit_method: String,
    #[serde(default)]
    pub deposit_reference: String,
}

/// A loan given back: its condition (bon état, abîmé, accessoires manquants), notes, and
/// whether the deposit is kept (a manager, for a device damaged or incomplete).
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct GiveBackInput {
    pub number: String,
    pub condition: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub keep_deposit: bool,
}

/// A loan turned into a sale: the price, the programme (none: the loan's), the payments as
/// typed, and whether a cash deposit counts as payment.
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ConvertInput {
    pub number: String,
    #[serde(default)]
    pub programme: Option<String>,
    pub price: String,
    #[serde(default)]
    pub payments: Vec<crate::pos::PaymentInput>,
    #[serde(default)]
    pub use_deposit: bool,
}

/// How a deposit may be paid: its code and label.
pub const DEPOSIT_METHODS: [(&str, &str); 2] = [("cash", "Espèces"), ("cheque", "Chèque (gardé sans être encaissé)")];

/// A device's condition when it comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    Good,
    Damaged,
    AccessoriesMissing,
}

impl Condition {
    pub const ALL: [Condition; 3] = [Condition::Good, Condition::Damaged, Condition::AccessoriesMissing];

    pub fn parse(text: &str) -> crate::error::Result<Condition> {
        match crate::text::fold(text).as_str() {
            "good" | "bon etat" | "bon" => Ok(Condition::Good),
            "damaged" | "abime" | "endommage" => Ok(Condition::Damaged),
            "accessories_missing" | "accessoires manquants" | "incomplet" => Ok(Condition::AccessoriesMissing),
            _ => Err(refused(
                Code::Invalid,
                format!(
                    "État au retour « {} » inconnu : bon état, abîmé ou accessoires manquants.",
                    text.trim()
                ),
            )),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Condition::Good => "good",
            Condition::Damaged => "damaged",
            Condition::AccessoriesMissing => "accessories_missing",
        }
    }

    pub fn label_of(code: &str) -> &'static str {
        match code {
            "good" => "Bon état",
            "damaged" => "Abîmé",
            "accessories_missing" => "Accessoires manquants",
            _ => "",
        }
    }
}
