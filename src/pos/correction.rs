//! A sale line corrected: the device really handed over was another one than the line names
//! (most often a mis-scanned tag, found when the hub reports the same device sold by two
//! registers). A manager's act, with a reason, journaled; the sale's rows stay as written and
//! the correction is a new row that the sale is read through.

use super::*;
use crate::error::Code;

/// What a correction did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct LineCorrected {
    pub receipt: String,
    /// From 1.
    pub line: usize,
    pub from_tag: String,
    pub to_tag: String,
    pub at: String,
}

/// Moves line `line` (from 1) of sale `receipt` to the device `to_tag`, really handed over:
/// the device the line named goes back on sale, the other one is sold. Refused unless the line
/// names a device and is not cancelled, the new device is on sale here and of the same kind
/// (else: a credit note, then a new sale), and a reason is given.
pub fn correct_line(
    store: &mut Store,
    receipt: &str,
    line: usize,
    to_tag: &str,
    reason: &str,
    actor: &Actor,
) -> Result<LineCorrected> {
    let operator = actor.name();
    crate::operators::require_manager(store.db(), actor)?;
    let original = sale(store, receipt)?;
    let current = original.lines.get(line.wrapping_sub(1)).ok_or_else(|| {
        refused(
            Code::Invalid,
            format!(
                "La vente {} n'a pas de ligne {line} (elle en a {}).",
                original.receipt,
                original.lines.len()
            ),
        )
    })?;
    let from_tag = current.tag.clone().ok_or_else(|| {
        refused(
            Code::Invalid,
            format!(
                "La ligne {line} de la vente {} ne nomme pas d'appareil : il n'y a pas d'étiquette à corriger.",
                original.receipt
            ),
        )
    })?;
    if let Some(by) = &current.cancelled_by {
        return Err(refused(
            Code::AlreadyCancelled,
            format!("La ligne {line} de la vente {} est annulée ({by}).", original.receipt),
        ));
    }
    // After a warranty return, the line's device is the family's by the return's own record.
    if crate::store::aftersales::line_has_returns(store.db(), original.id, line as i64)? {
        return Err(refused(
            Code::Invalid,
            format!(
                "La ligne {line} de la vente {} a un retour sous garantie : elle ne se corrige plus (faites un avoir).",
                original.receipt
            ),
        ));
    }
    // The device typed or scanned: its tag, serial or IMEI.
    let device = crate::stock::find_in(store.db(), to_tag).map_err(|e| match e {
        Error::NotFound(_) => refused(
            Code::NotFound,
            format!(
                "Aucun appareil ne porte l'étiquette, le numéro de série ou l'IMEI « {} » dans le stock de ce poste.",
                to_tag.trim()
            ),
        ),
        e => e,
    })?;
    let to = device.tag.clone();
    if to.as_str() == from_tag {
        return Err(refused(
            Code::Invalid,
            format!("La ligne {line} nomme déjà {to} : rien à corriger."),
        ));
    }
    if device.state != DeviceState::Available {
        return Err(refused(
            Code::Unavailable,
            format!(
                "{to} est « {} » : seul un appareil en vente peut remplacer celui de la ligne.",
                device.state.label()
            ),
        ));
    }
    if device.kind != current.kind {
        return Err(refused(
            Code::Invalid,
            format!(
                "{to} est un(e) {} et la ligne vend un(e) {} : faites un avoir puis une nouvelle vente.",
                device.kind.label().to_lowercase(),
                current.kind.label().to_lowercase()
            ),
        ));
    }
    if reason.trim().chars().count() < 3 {
        return Err(Error::ReasonRequired(format!(
            "Indiquez pourquoi la ligne {line} de la vente {} est corrigée.",
            original.receipt
        )));
    }
    let reason = reason.trim().to_string();
    let register = register_identity(store)?.1;
    let label = format!("{} {}", device.brand, device.model).trim().to_string();
    store.with_tx(|tx| {
        let now = store::now_text();
        let content = serde_json::json!({
            "receipt": original.receipt,
            "line": line,
            "from": from_tag,
            "to": to.as_str(),
            "reason": reason,
        });
        let seq = journal::append(tx, "line_correction", operator, &now, &content)?;
        let from = devices::by_tag(tx, &AssetTag::parse(&from_tag)?)?.expect("a sold device exists");
        let uuid = Uuid::now_v7().to_string();
        sql::insert_line_correction(
            tx,
            &uuid,
            original.id,
            line,
            from.id,
            device.id,
            &label,
            &now,
            operator,
            &reason,
            seq,
        )?;
        crate::sync::events::queue_line_correction(
            tx,
            &uuid,
            &now,
            &register,
            &original,
            line,
            &from_tag,
            to.as_str(),
        )?;
        let why = format!("Ticket n° {}, ligne {line} corrigée : {reason}", original.receipt);
        stock::transition_in(tx, from, StockAction::CreditNote, operator, &why, &now)?;
        let reserved = stock::transition_in(tx, device, StockAction::Reserve, operator, &why, &now)?;
        stock::transition_in(tx, reserved, StockAction::Sell, operator, &why, &now)?;
        tracing::info!(ligne = line, "ligne de vente corrigée");
        Ok(LineCorrected {
            receipt: original.receipt.clone(),
            line,
            from_tag: from_tag.clone(),
            to_tag: to.to_string(),
            at: now,
        })
    })
}
