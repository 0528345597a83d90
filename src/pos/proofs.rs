//! What a manager may override at the cash desk, and the refurbishing records a device that
//! held a family's data needs before it is sold (décret 2022-190): an erasure record and a
//! functional test record, or a manager's written reason, journaled with the sale.

use super::*;
use crate::error::Code;

/// A written override is a manager's act, with a reason of a few words at least.
pub(super) fn check_overrides(store: &Store, request: &SaleRequest, actor: &Actor) -> Result<()> {
    let overrides = [
        (
            &request.reserved_override,
            "Vendre un appareil hors des publics que son donateur a choisis demande une raison écrite.",
        ),
        (
            &request.records_override,
            "Vendre un appareil sans relevé d'effacement ou de test demande une raison écrite.",
        ),
    ];
    for (reason, missing) in overrides {
        if let Some(reason) = reason {
            crate::operators::require_manager(store.db(), actor)?;
            if reason.trim().chars().count() < 5 {
                return Err(Error::ReasonRequired(missing.into()));
            }
        }
    }
    Ok(())
}

/// Each device line gets the reference of its erasure certificate in force; a computer, tablet
/// or phone lacking its erasure or test record refuses the sale, naming what is missing,
/// unless a manager wrote why (`SaleRequest::records_override`).
pub(super) fn check_records(store: &Store, lines: &mut [SaleLine], request: &SaleRequest) -> Result<()> {
    let mut lacking = Vec::new();
    for line in lines.iter_mut() {
        let (Some(id), Some(tag)) = (line.device_id, line.tag.as_ref()) else {
            continue;
        };
        let (missing, reference) = crate::records::missing_for_sale(store.db(), id, line.kind)?;
        line.erasure_ref = reference;
        if !missing.is_empty() {
            lacking.push(format!("  - {tag} : {}", missing.join(" et ")));
        }
    }
    if lacking.is_empty() || request.records_override.is_some() {
        return Ok(());
    }
    Err(refused(
        Code::RecordsMissing,
        format!(
            "Vente refusée : un appareil reconditionné se vend avec la preuve que les données de ses anciens \
             utilisateurs ont été effacées et qu'il a été testé. Il manque :\n{}\nSaisissez les relevés dans \
             Stock › Relevés (pour tout son lot), ou un responsable peut vendre quand même, avec une raison écrite.",
            lacking.join("\n")
        ),
    ))
}
