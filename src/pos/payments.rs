//! A sale's payments: they add up to the total, and only cash is given back.

use super::*;
use crate::error::Code;

/// The payments add up to the total; only cash may be given back. Returns the change.
pub(super) fn check_payments(request: &SaleRequest, total: Money) -> Result<Money> {
    if request.payments.is_empty() && total != Money::ZERO {
        return Err(refused(
            Code::PaymentMismatch,
            format!("Aucun paiement pour un total de {total}."),
        ));
    }
    let paid = Money::total(request.payments.iter().map(|p| p.amount))
        .ok_or_else(|| refused(Code::Invalid, "La somme des paiements est trop grande."))?;
    let cash = Money::total(
        request
            .payments
            .iter()
            .filter(|p| p.method == PaymentMethod::Cash)
            .map(|p| p.amount),
    )
    .ok_or_else(|| refused(Code::Invalid, "La somme des paiements est trop grande."))?;
    if request.payments.iter().any(|p| p.amount.cents() <= 0) {
        return Err(refused(
            Code::PaymentMismatch,
            "Chaque paiement doit être un montant positif.",
        ));
    }
    if paid < total {
        return Err(refused(
            Code::PaymentMismatch,
            format!(
                "Il manque {} : total {total}, payé {paid}.",
                Money::from_cents(total.cents() - paid.cents())
            ),
        ));
    }
    let change = Money::from_cents(paid.cents() - total.cents());
    if change > cash {
        return Err(refused(
            Code::PaymentMismatch,
            format!("Payé {paid} pour un total de {total} : seul un paiement en espèces peut être rendu ({change} de trop)."),
        ));
    }

    Ok(change)
}
