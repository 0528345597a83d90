//! The `/v2` events the point of sale queues for the hub, in the transaction of the act they
//! report: a whole sale, a credit note naming its lines, a line correction. What they carry is
//! all the hub receives about a sale (see `hub/openapi.yaml` and the register of processing):
//! the day, the register, the receipt's sequence number, a pseudonymous person reference, the
//! person's publics, the programme, the lines and the amounts by payment method.

use crate::error::Result;
use crate::model::pos::{PaymentMethod, SaleRecord};
use crate::protocol::{CreditNoteFacts, EventBody, LineCorrection, SaleFacts, WireLine, WirePayment};
use crate::store::{sync as sql, Db};

/// The receipt's number in its series (`C01-R1-2026-000042` → 42).
fn receipt_seq(receipt: &str) -> i64 {
    receipt.rsplit('-').next().and_then(|n| n.parse().ok()).unwrap_or(0)
}

fn date_of(at: &str) -> String {
    at.chars().take(10).collect()
}

/// A reference for a person the hub has never been told about: random (UUID v4, 122 random
/// bits), nothing of who they are, not even when they were registered.
fn fresh_person_ref() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// A person's reference for the hub and their publics (the reference made now if they have
/// none).
pub(crate) fn person_for_hub(tx: &Db, person_id: i64) -> Result<(String, Vec<String>)> {
    sql::person_for_hub(tx, person_id, &fresh_person_ref())
}

/// The sale as the hub receives it.
pub(crate) fn sale_facts(tx: &Db, sale: &SaleRecord, register: &str) -> Result<SaleFacts> {
    let (person, publics) = match sale.person_id {
        Some(id) => {
            let (reference, publics) = sql::person_for_hub(tx, id, &fresh_person_ref())?;
            (Some(reference), publics)
        }
        None => (None, Vec::new()),
    };
    let mut payments: Vec<WirePayment> = Vec::new();
    for p in &sale.payments {
        match payments.iter_mut().find(|w| w.method == p.method.code()) {
            Some(w) => w.amount_cents += p.amount.cents(),
            None => payments.push(WirePayment {
                method: p.method.code().to_string(),
                amount_cents: p.amount.cents(),
            }),
        }
    }
    // Cash is stored as tendered: what the centre kept is net of the change given back.
    let change = sale.change().cents();
    if let Some(cash) = payments.iter_mut().find(|w| w.method == PaymentMethod::Cash.code()) {
        cash.amount_cents -= change;
    }
    payments.retain(|w| w.amount_cents > 0);
    Ok(SaleFacts {
        date: date_of(&sale.at),
        register: register.to_string(),
        receipt_seq: receipt_seq(&sale.receipt),
        person,
        publics,
        programme: sale.programme.clone(),
        lines: sale
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| WireLine {
                line_no: i as u32 + 1,
                kind: l.kind,
                category: l.category,
                quantity: l.quantity,
                unit_cents: l.unit_price.cents(),
                tag: l.tag.clone(),
                provenance: l.provenance,
            })
            .collect(),
        payments,
    })
}

/// Queues the sale just written (its event's id is the sale's id).
pub(crate) fn queue_sale(tx: &Db, sale: &SaleRecord, register: &str) -> Result<()> {
    let facts = sale_facts(tx, sale, register)?;
    sql::queue(tx, &sale.uuid, &sale.at, &EventBody::Sale(Box::new(facts)))
}

/// Queues a credit note: the sale it cancels (by the sale's id), its lines (from 1).
#[allow(clippy::too_many_arguments)]
pub(crate) fn queue_credit_note(
    tx: &Db,
    uuid: &str,
    at: &str,
    register: &str,
    sale: &SaleRecord,
    lines: &[usize],
    amount_cents: i64,
    refund: PaymentMethod,
) -> Result<()> {
    let facts = CreditNoteFacts {
        date: date_of(at),
        register: register.to_string(),
        sale: sale.uuid.clone(),
        lines: lines.iter().map(|l| *l as u32).collect(),
        programme: sale.programme.clone(),
        amount_cents,
        refund: refund.code().to_string(),
    };
    sql::queue(tx, uuid, at, &EventBody::CreditNote(Box::new(facts)))
}

/// Queues a line correction (the reason stays here, in the journal).
#[allow(clippy::too_many_arguments)]
pub(crate) fn queue_line_correction(
    tx: &Db,
    uuid: &str,
    at: &str,
    register: &str,
    sale: &SaleRecord,
    line_no: usize,
    from_tag: &str,
    to_tag: &str,
) -> Result<()> {
    let facts = LineCorrection {
        date: date_of(at),
        register: register.to_string(),
        sale: sale.uuid.clone(),
        line_no: line_no as u32,
        from_tag: from_tag.to_string(),
        to_tag: to_tag.to_string(),
    };
    sql::queue(tx, uuid, at, &EventBody::LineCorrected(Box::new(facts)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_receipt_sequence_is_the_last_part_of_its_number() {
        assert_eq!(receipt_seq("C01-R2-2026-000042"), 42);
        assert_eq!(receipt_seq("C01-R2-2026-AV-000003"), 3);
    }

    #[test]
    fn a_person_reference_is_random_and_says_nothing() {
        let (a, b) = (fresh_person_ref(), fresh_person_ref());
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
    }
}
