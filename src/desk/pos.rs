//! La caisse and `comptoir session` / `sale` / `closing` / `register` / `journal`: the
//! permanence (its closing backed up at once), quotes, sales, credit notes, period closings,
//! this register's identity.

use std::collections::BTreeMap;

use serde::Serialize;

use super::safety::{self, BackupOutcome};
use crate::backup;
use crate::error::Result;
use crate::money::Money;
use crate::operators::Actor;
use crate::pos;
use crate::store::{Store, Writer};

pub use crate::journal::{verify_store, Verification};
pub use crate::pos::{
    cancel_sale, close_ended_periods, close_period, closings, create_sale, current_session, fiscal_year_first_month,
    list_sales, quote, register_identity, sale, set_fiscal_year_first_month, set_register_identity, x_report,
    CashReport, Closing, ClosingSummary, CreditNote, DeviceRequest, ItemRequest, PaymentMethod, Period, Quote,
    SaleInput, SalePayment, SaleRecord, SaleRequest, SaleSummary, SessionInfo, CENTRE_CODE, REGISTER_CODE,
};
pub use crate::programme::LegalCaps;

/// Opens the permanence with its float, then the cash desk as it stands.
pub fn open_session(store: &mut Store, actor: &Actor, float: Money) -> Result<CashReport> {
    pos::open_session(store, actor, float)?;
    pos::x_report(store)
}

/// The closings the till rules require, made by Comptoir itself for every period that has
/// ended (see [`close_ended_periods`]): at the app's start, by its worker after midnight, and
/// by each command that opens the database. Logged with their count.
pub fn catch_up_closings(store: &mut Store) -> Result<Vec<Closing>> {
    let made = close_ended_periods(store, crate::local::today())?;
    if !made.is_empty() {
        tracing::info!(clotures = made.len(), "clôtures automatiques");
    }
    Ok(made)
}

/// The amounts counted at the closing, as typed per payment method (empty ones left out).
pub fn parse_counted<'a>(
    counted: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<BTreeMap<PaymentMethod, Money>> {
    let mut parsed = BTreeMap::new();
    for (method, amount) in counted.into_iter().filter(|(_, a)| !a.trim().is_empty()) {
        let amount = Money::parse(amount)?;
        parsed.insert(PaymentMethod::parse(method)?, amount);
    }
    Ok(parsed)
}

/// A closed permanence, and the backup made right after it.
#[derive(Debug, Clone, Serialize)]
pub struct Closed {
    #[serde(flatten)]
    pub report: CashReport,
    pub backup: BackupOutcome,
}

/// Closes the permanence (a manager), then backs the database up: each closing is backed up,
/// and a failed backup does not undo the closing (the status shows the last good one's age).
pub fn close_session(
    w: &impl Writer,
    actor: &Actor,
    counted: BTreeMap<PaymentMethod, Money>,
    comment: &str,
) -> Result<Closed> {
    let report = w.write(|s| pos::close_session(s, actor, counted, comment))?;
    let backup = BackupOutcome::of(safety::backup(w, None, backup::Reason::Closing));
    Ok(Closed { report, backup })
}

/// La caisse as it stands: the open permanence, the journal's verification (a broken chain
/// blocks selling), this register's identity, the payment methods.
#[derive(Debug, Clone, Serialize)]
pub struct PosState {
    pub session: Option<SessionInfo>,
    pub journal: Verification,
    pub journal_message: String,
    pub centre_code: String,
    pub register_code: String,
    pub payment_methods: Vec<crate::device::Term>,
}

/// The cash desk's state, with the journal's verification made once by the caller.
pub fn state(store: &Store, journal: Verification) -> Result<PosState> {
    let (centre_code, register_code) = register_identity(store)?;
    Ok(PosState {
        session: current_session(store)?,
        journal_message: journal.message(),
        journal,
        centre_code,
        register_code,
        payment_methods: crate::device::terms::<PaymentMethod>(),
    })
}

/// Les clôtures (Bilans): those made, newest first, and the first month of the financial year.
#[derive(Debug, Clone, Serialize)]
pub struct ClosingsView {
    pub closings: Vec<ClosingSummary>,
    pub fiscal_year_first_month: u32,
}

pub fn closings_view(store: &Store) -> Result<ClosingsView> {
    Ok(ClosingsView {
        closings: closings(store, 100)?,
        fiscal_year_first_month: fiscal_year_first_month(store)?,
    })
}

/// Sets the first month of the financial year (a manager), then the view.
pub fn save_fiscal_year(store: &mut Store, month: u32, actor: &Actor) -> Result<ClosingsView> {
    set_fiscal_year_first_month(store, month, actor)?;
    closings_view(store)
}
