//! A restore of an older backup, declared: the journal then resumes from the network's last
//! head for this register (named in a « reprise après restauration » entry), and receipt
//! numbers continue after the last one the network knows, so no number is issued twice.
//! Until a manager declares it, no permanence opens.

use super::*;
use crate::error::Code;
use crate::store::sync as sync_sql;
use crate::sync::{JOURNAL_BEHIND, JOURNAL_RESUMES};

/// What the declaration did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RestoreDeclared {
    /// The network's head the journal resumes from.
    pub hub_entries: i64,
    /// This journal's entries before the declaration.
    pub local_entries: i64,
    /// The next receipt number of this register this year.
    pub next_receipt: String,
}

/// Refused while the network has more of this register's journal than this PC (an older
/// backup restored and not declared).
pub(super) fn require_declared(store: &Store) -> Result<()> {
    match crate::sync::restore_warning(store)? {
        None => Ok(()),
        Some(warning) => Err(refused(Code::RestoreUndeclared, warning)),
    }
}

/// Declares the restore (a manager): the « reprise après restauration » entry, the receipt
/// counter moved past the network's last number, and the journal's new branch for the hub.
pub fn declare_restore(store: &mut Store, actor: &Actor) -> Result<RestoreDeclared> {
    crate::operators::require_manager(store.db(), actor)?;
    let hub = crate::sync::journal_behind(store)?.ok_or_else(|| {
        refused(
            Code::Invalid,
            "Rien à déclarer : le journal de ce poste atteint ce que le réseau a reçu de cette caisse.",
        )
    })?;
    let (centre, register) = register_identity(store)?;
    let operator = actor.name();
    store.with_tx(|tx| {
        let now = store::now_text();
        let local = crate::store::journal::head(tx)?;
        let series = format!("{centre}-{register}-{}", &now[..4]);
        let last = hub.last_receipt_seq.unwrap_or(0);
        sql::raise_counter(tx, &series, last)?;
        journal::append(
            tx,
            "restore_resumption",
            operator,
            &now,
            &serde_json::json!({
                "hub_entries": hub.entries,
                "hub_hash": hub.hash,
                "hub_received_at": hub.received_at,
                "local_entries": local.as_ref().map_or(0, |(n, _)| *n),
                "local_hash": local.as_ref().map(|(_, h)| h.clone()),
                "last_receipt_seq": hub.last_receipt_seq,
            }),
        )?;
        let resumes = crate::protocol::Resumption {
            entries: hub.entries,
            hash: hub.hash.clone(),
        };
        sync_sql::set_setting(
            tx,
            JOURNAL_RESUMES,
            &serde_json::to_string(&resumes).expect("serialises"),
        )?;
        sync_sql::set_setting(tx, JOURNAL_BEHIND, "")?;
        tracing::info!(entrees_reseau = hub.entries, "reprise après restauration déclarée");
        Ok(RestoreDeclared {
            hub_entries: hub.entries,
            local_entries: local.map_or(0, |(n, _)| n),
            next_receipt: format!("{series}-{:06}", sql::peek_next(tx, &series)?),
        })
    })
}
