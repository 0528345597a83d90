//! After the sale: warranty returns (repaired, exchanged or refunded) and the end of a device's
//! life in a recycling batch. Each act is one transaction with its journal entry, its rows and
//! the event the hub receives (no name); a refused act writes nothing. The rules of the
//! guarantee are pure and shared with the hub (`comptoir_common::aftersales`).

pub use comptoir_common::aftersales::*;

pub mod recycling;
pub mod returns;
mod views;

use crate::error::{Code, Error};

fn refused(code: Code, message: impl Into<String>) -> Error {
    Error::Refused {
        code,
        message: message.into(),
    }
}

/// The next number of a register's series of `kind` for the year of `now`
/// (`C01-R1-2026-SAV-000001`): gapless, like the receipts'.
pub(crate) fn next_number(tx: &crate::store::Db, kind: &str, now: &str) -> crate::error::Result<String> {
    let (centre, register) = crate::pos::register_identity_in(tx)?;
    let series = format!("{centre}-{register}-{}-{kind}", &now[..4]);
    Ok(format!("{series}-{:06}", crate::pos::issue_number(tx, &series)?))
}

/// The guarantee of a device handed over at `delivered_at` (a stored timestamp), lengthened by
/// each repair of a return opened while it still ran (L.217-13: a repair outside the guarantee
/// extends nothing), counting the returns opened before `before` only when given.
pub(crate) fn guarantee_of(
    conn: &crate::store::Db,
    device_id: i64,
    delivered_at: &str,
    before: Option<&str>,
) -> crate::error::Result<Guarantee> {
    let delivered = crate::local::local_day(delivered_at).unwrap_or_else(crate::local::today);
    let mut guarantee = Guarantee::new(delivered, 0);
    for opened in crate::store::aftersales::repaired_openings(conn, device_id, delivered_at)? {
        if before.is_some_and(|b| opened.as_str() >= b) {
            break;
        }
        let day = crate::local::local_day(&opened).unwrap_or(delivered);
        if guarantee.covers(day) {
            guarantee = Guarantee::new(delivered, guarantee.repairs + 1);
        }
    }
    Ok(guarantee)
}
