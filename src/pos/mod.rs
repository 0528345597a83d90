//! The offline point of sale: permanences (cash sessions) with X and Z reports, sales at the
//! solidarity price, and credit notes. Every act is one transaction that also appends its
//! journal entry; a refused act writes nothing.

use crate::error::Code;
mod buyer;
mod cart;
mod closing;
mod correction;
mod credit_note;
mod input;
mod payments;
mod permanence;
mod proofs;
mod restore;
mod sale;
mod tax;

pub use cart::*;
pub use closing::*;
pub use correction::*;
pub use credit_note::*;
pub use input::*;
use permanence::require_open;
pub use permanence::*;
pub use restore::*;
pub use sale::*;
pub use tax::*;

pub use crate::model::pos::{CreditNote, PaymentMethod, SaleLine, SalePayment, SaleRecord, SaleSummary, SessionInfo};

use crate::operators::Actor;
use std::collections::BTreeMap;

use serde::Serialize;
use uuid::Uuid;

use crate::beneficiary;
use crate::device::{code_enum, AssetTag, Category, DeviceKind, DeviceState, StockAction};
use crate::eligibility::Verdict;
use crate::error::{Error, Result};
use crate::journal;
use crate::money::Money;
use crate::programme::{LegalCaps, Programme};
use crate::stock;
use crate::store::{self, devices, pos as sql, Store};

pub const CENTRE_CODE: &str = "centre_code";
pub const REGISTER_CODE: &str = "register_code";

fn refused(code: Code, message: impl Into<String>) -> Error {
    Error::Refused {
        code,
        message: message.into(),
    }
}

/// This register's identity in receipt numbers: centre code and register code (C01, R1 by
/// default). Two installs of one centre must have different register codes.
pub fn register_identity(store: &Store) -> Result<(String, String)> {
    register_identity_in(store.db())
}

/// [`register_identity`] inside a transaction.
pub(crate) fn register_identity_in(conn: &store::Db) -> Result<(String, String)> {
    Ok((
        sql::setting(conn, CENTRE_CODE)?.unwrap_or_else(|| "C01".into()),
        sql::setting(conn, REGISTER_CODE)?.unwrap_or_else(|| "R1".into()),
    ))
}

/// A centre or register code as typed: 1 to 8 letters and digits, in capitals.
pub fn check_code(value: &str) -> Result<String> {
    let value = value.trim().to_uppercase();
    if value.is_empty() || value.len() > 8 || !value.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(refused(
            Code::Invalid,
            format!("« {value} » : un code de centre ou de caisse a 1 à 8 lettres ou chiffres (ex. C01, R2)."),
        ));
    }
    Ok(value)
}

/// Sets the centre or register code: 1 to 8 letters and digits; refused once this register
/// has sales (its receipt series cannot change).
pub fn set_register_identity(store: &mut Store, key: &str, value: &str, actor: &Actor) -> Result<()> {
    crate::operators::require_present(store.db(), actor)?;
    if ![CENTRE_CODE, REGISTER_CODE].contains(&key) {
        return Err(refused(
            Code::Invalid,
            format!("réglage « {key} » inconnu ({CENTRE_CODE}, {REGISTER_CODE})"),
        ));
    }
    let value = check_code(value)?;
    let has_sales = sql::sales_count(store.db())?;
    if has_sales > 0 {
        return Err(refused(
            Code::Invalid,
            "Des ventes existent déjà sur ce poste : la série de ses numéros de ticket ne peut plus changer.",
        ));
    }
    store.with_tx(|tx| sql::set_setting(tx, key, &value))
}
