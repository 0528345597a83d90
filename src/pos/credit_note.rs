//! Credit notes: a sale, or one of its lines, cancelled by a new document that names the
//! receipt it cancels; the devices go back on sale or to after-sales service.

use super::*;
use crate::error::Code;

/// Cancels a sale (or one of its lines, `line` counting from 1) by a credit note that names
/// the receipt it cancels; the devices go back on sale (or to after-sales service when
/// `defective`), and stop counting for the buyer's limits.
pub fn cancel_sale(
    store: &mut Store,
    receipt: &str,
    line: Option<usize>,
    reason: &str,
    refund: PaymentMethod,
    defective: bool,
    actor: &Actor,
) -> Result<CreditNote> {
    crate::operators::require_manager(store.db(), actor)?;
    let plan = plan_cancel(store, receipt, line, reason)?;
    let identity = register_identity(store)?;
    store.with_tx(|tx| write_cancel(tx, &plan, refund, defective, actor.name(), &identity))
}

/// A credit note checked and ready to write: the sale, the lines it cancels (from 1), why.
pub(crate) struct CancelPlan {
    pub original: SaleRecord,
    pub line: Option<usize>,
    pub lines: Vec<usize>,
    pub amount: Money,
    pub reason: String,
}

/// Checks a credit note before anything is written: the sale exists and is not already
/// cancelled, the line exists and is not, a reason is given.
pub(crate) fn plan_cancel(store: &Store, receipt: &str, line: Option<usize>, reason: &str) -> Result<CancelPlan> {
    let original = sale(store, receipt)?;
    if original.fully_cancelled() {
        return Err(refused(
            Code::AlreadyCancelled,
            format!(
                "La vente {} est déjà annulée ({}).",
                original.receipt,
                original.cancelled_by.clone().unwrap_or_default()
            ),
        ));
    }
    let cancelled: Vec<(usize, &SaleLine)> = match line {
        None => original
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.cancelled_by.is_none())
            .map(|(i, l)| (i + 1, l))
            .collect(),
        Some(n) => {
            let l = original.lines.get(n.wrapping_sub(1)).ok_or_else(|| {
                refused(
                    Code::Invalid,
                    format!(
                        "La vente {} n'a pas de ligne {n} (elle en a {}).",
                        original.receipt,
                        original.lines.len()
                    ),
                )
            })?;
            if let Some(by) = &l.cancelled_by {
                return Err(refused(
                    Code::AlreadyCancelled,
                    format!("La ligne {n} de la vente {} est déjà annulée ({by}).", original.receipt),
                ));
            }
            vec![(n, l)]
        }
    };
    if reason.trim().len() < 3 {
        return Err(Error::ReasonRequired(format!(
            "Indiquez pourquoi la vente {} est annulée.",
            original.receipt
        )));
    }
    let amount = Money::from_cents(cancelled.iter().map(|(_, l)| l.total().cents()).sum());
    let lines = cancelled.iter().map(|(n, _)| *n).collect();
    Ok(CancelPlan {
        line,
        lines,
        amount,
        reason: reason.trim().to_string(),
        original,
    })
}

/// Writes a credit note planned by [`plan_cancel`] inside the caller's transaction (a credit
/// note alone, or a warranty return refunded): its number, its journal entry, its event, and
/// each device the family held for a cancelled line (the one sold, or the one a warranty
/// exchange gave in its place) back in stock.
pub(crate) fn write_cancel(
    tx: &store::Db,
    plan: &CancelPlan,
    refund: PaymentMethod,
    defective: bool,
    operator: &str,
    (centre, register): &(String, String),
) -> Result<CreditNote> {
    let original = &plan.original;
    let session = require_open(tx)?;
    let now = store::now_text();
    let series = format!("{centre}-{register}-{}-AV", &now[..4]);
    let number = format!("{series}-{:06}", issue_number(tx, &series)?);
    let note = CreditNote {
        number: number.clone(),
        cancels: original.receipt.clone(),
        line: plan.line,
        reason: plan.reason.clone(),
        refund_method: refund,
        amount: plan.amount,
        at: now.clone(),
    };
    let seq = journal::append(tx, "credit_note", operator, &now, &note)?;
    let uuid = Uuid::now_v7().to_string();
    sql::insert_credit_note(
        tx,
        &uuid,
        &number,
        original.id,
        plan.line,
        session.id,
        &now,
        operator,
        &note.reason,
        refund,
        plan.amount,
        seq,
    )?;
    if !crate::centre::load_in(tx)?.missing().is_empty() {
        crate::store::centre::add_waiting(tx, "credit_note", &number, &now)?;
    }
    crate::sync::events::queue_credit_note(
        tx,
        &uuid,
        &now,
        register,
        original,
        &plan.lines,
        plan.amount.cents(),
        refund,
    )?;
    for n in &plan.lines {
        let line = &original.lines[n - 1];
        let Some(sold) = line.device_id else { continue };
        let held = crate::store::aftersales::exchanged_holder(tx, original.id, *n as i64)?.unwrap_or(sold);
        let device = devices::by_id(tx, held)?.expect("a sold device exists");
        let why = format!("Avoir {number} (annule le ticket n° {})", original.receipt);
        let back = stock::transition_in(tx, device, StockAction::CreditNote, operator, &why, &now)?;
        // A family used it: its data must be erased again before it is sold again.
        crate::store::records::clear_erasure(tx, back.id)?;
        if defective {
            stock::transition_in(
                tx,
                back,
                StockAction::MarkDefective,
                operator,
                &format!("{why} : {}", note.reason),
                &now,
            )?;
        }
    }
    Ok(note)
}
