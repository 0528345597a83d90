//! A restore of an older backup, declared: the journal then resumes from the network's last
//! head for this register (named in a « reprise après restauration » entry), and receipt and
//! credit note numbers continue after the last ones issued (those the network knows, and those
//! of the database the restore replaced), so no number is issued twice. Until a manager
//! declares it, no permanence opens.
//!
//! Two witnesses say a restore happened: the hub (its furthest head for this register, which
//! this journal does not reach: `sync.journal_behind`), and the restore itself, when it
//! replaced a database whose journal went further (`backup::ReplacedJournal`).

use std::collections::BTreeMap;

use super::*;
use crate::backup::{ReplacedJournal, RESTORE_REPLACED};
use crate::error::Code;
use crate::protocol::HubHead;
use crate::store::sync as sync_sql;
use crate::sync::{JOURNAL_BEHIND, JOURNAL_RESUMES};

/// What the declaration did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RestoreDeclared {
    /// The network's head the journal resumes from (its entry count), when it has one.
    pub resumes_from: Option<i64>,
    /// This journal's entries before the declaration.
    pub local_entries: i64,
    /// The next receipt number of this register this year.
    pub next_receipt: String,
    /// What was done, in French.
    pub message: String,
}

/// The hub's head this journal does not reach (an undeclared restore), if any.
pub fn journal_behind(store: &Store) -> Result<Option<HubHead>> {
    journal_behind_in(store.db())
}

fn journal_behind_in(conn: &crate::store::Db) -> Result<Option<HubHead>> {
    Ok(sync_sql::setting(conn, JOURNAL_BEHIND)?
        .filter(|s| !s.is_empty())
        .and_then(|s| serde_json::from_str(&s).ok()))
}

/// What to say when an older backup was restored and not declared (the network's head is
/// ahead of this journal, or the restore replaced a further journal), if one was.
pub fn restore_warning(store: &Store) -> Result<Option<String>> {
    restore_warning_in(store.db())
}

fn restore_warning_in(conn: &crate::store::Db) -> Result<Option<String>> {
    let entries = crate::store::journal::head(conn)?.map_or(0, |(n, _)| n);
    let wait = "Aucune permanence ne s'ouvre, et aucun ticket, avoir, échange, prêt, dépôt SAV ni bordereau de \
                recyclage n'est numéroté, tant qu'un responsable n'a pas déclaré la reprise (Caisse, « Déclarer la \
                reprise », ou `comptoir journal declare-restore`)";
    if let Some(hub) = journal_behind_in(conn)? {
        return Ok(Some(format!(
            "Ce poste a un journal de {entries} entrée(s), mais le réseau a reçu de cette caisse un journal de {} \
             entrée(s) (le {}) : une sauvegarde plus ancienne a été restaurée. {wait} ; les numéros de ticket \
             reprendront après le dernier connu du réseau.",
            hub.entries,
            crate::text::format_timestamp(&hub.received_at)
        )));
    }
    if let Some(replaced) = crate::backup::replaced(conn)? {
        return Ok(Some(format!(
            "Une sauvegarde plus ancienne a été restaurée le {} : ce poste a un journal de {entries} entrée(s), la base \
             remplacée en avait {}. {wait} ; les numéros de ticket et d'avoir reprendront après les derniers émis.",
            crate::text::format_timestamp(&replaced.restored_at),
            replaced.entries
        )));
    }
    Ok(None)
}

/// Refused while an older backup was restored and not declared.
pub(super) fn require_declared(store: &Store) -> Result<()> {
    require_declared_in(store.db())
}

fn require_declared_in(conn: &crate::store::Db) -> Result<()> {
    match restore_warning_in(conn)? {
        None => Ok(()),
        Some(warning) => Err(refused(Code::RestoreUndeclared, warning)),
    }
}

/// The next number of a gapless series (receipts, credit notes, exchanges, loans, warranty
/// deposits, recycling lists), in the caller's transaction: the one way a number is issued (a
/// tidy test reads every call), refused while an older backup was restored and not declared,
/// whatever the surface that asks (window, command line, or any later act).
/// Invariant: a number is never issued twice.
pub(crate) fn issue_number(tx: &crate::store::Db, series: &str) -> Result<i64> {
    require_declared_in(tx)?;
    sql::next_number(tx, series)
}

/// Declares the restore (a manager): the « reprise après restauration » entry, the numbering
/// moved past every number already issued, and the journal's new branch for the hub.
pub fn declare_restore(store: &mut Store, actor: &Actor) -> Result<RestoreDeclared> {
    crate::operators::require_manager(store.db(), actor)?;
    let hub = journal_behind(store)?;
    let replaced = crate::backup::replaced(store.db())?;
    if hub.is_none() && replaced.is_none() {
        return Err(refused(
            Code::Invalid,
            "Rien à déclarer : le journal de ce poste atteint ce que le réseau a reçu de cette caisse.",
        ));
    }
    let (centre, register) = register_identity(store)?;
    let operator = actor.name();
    store.with_tx(|tx| {
        let now = store::now_text();
        let local = crate::store::journal::head(tx)?;
        let series = format!("{centre}-{register}-{}", &now[..4]);
        let raised = raise_counters(tx, &series, hub.as_ref(), replaced.as_ref())?;
        // Where the journal resumes for the network: the hub's head when it told; else the last
        // head it acknowledged from the replaced journal, when this journal does not reach it.
        let resumes = match (&hub, &replaced) {
            (Some(h), _) => Some((h.entries, h.hash.clone())),
            (None, Some(ReplacedJournal { sent: Some((n, h)), .. })) => {
                let reaches = crate::store::journal::entry(tx, *n)?.is_some_and(|row| &row.hash == h);
                (!reaches).then(|| (*n, h.clone()))
            }
            _ => None,
        };
        journal::append(
            tx,
            "restore_resumption",
            operator,
            &now,
            &serde_json::json!({
                "hub_entries": resumes.as_ref().map(|r| r.0),
                "hub_hash": resumes.as_ref().map(|r| r.1.clone()),
                "hub_received_at": hub.as_ref().map(|h| h.received_at.clone()),
                "local_entries": local.as_ref().map_or(0, |(n, _)| *n),
                "local_hash": local.as_ref().map(|(_, h)| h.clone()),
                "last_receipt_seq": hub.as_ref().and_then(|h| h.last_receipt_seq),
                "replaced_entries": replaced.as_ref().map(|r| r.entries),
                "replaced_hash": replaced.as_ref().map(|r| r.hash.clone()),
                "counters": raised,
            }),
        )?;
        if let Some((entries, hash)) = &resumes {
            let resumption = crate::protocol::Resumption {
                entries: *entries,
                hash: hash.clone(),
            };
            sync_sql::set_setting(
                tx,
                JOURNAL_RESUMES,
                &serde_json::to_string(&resumption).expect("serialises"),
            )?;
        }
        sync_sql::set_setting(tx, JOURNAL_BEHIND, "")?;
        sync_sql::set_setting(tx, RESTORE_REPLACED, "")?;
        tracing::info!(
            entrees_reseau = resumes.as_ref().map(|r| r.0),
            "reprise après restauration déclarée"
        );
        let local_entries = local.map_or(0, |(n, _)| n);
        let next_receipt = format!("{series}-{:06}", sql::peek_next(tx, &series)?);
        let message = match &resumes {
            Some((n, _)) => format!(
                "Reprise déclarée : le journal repart après l'entrée n° {n} reçue par le réseau ; prochain ticket : \
                 {next_receipt}."
            ),
            None => format!("Reprise déclarée : la numérotation continue ; prochain ticket : {next_receipt}."),
        };
        Ok(RestoreDeclared {
            resumes_from: resumes.map(|r| r.0),
            local_entries,
            next_receipt,
            message,
        })
    })
}

/// Moves every numbering series past the numbers already issued: this year's receipts past the
/// network's last, and each series past the replaced database's last. The series raised.
fn raise_counters(
    tx: &store::Db,
    series: &str,
    hub: Option<&HubHead>,
    replaced: Option<&ReplacedJournal>,
) -> Result<BTreeMap<String, i64>> {
    let mut raise: BTreeMap<String, i64> = replaced.map(|r| r.counters.clone()).unwrap_or_default();
    if let Some(last) = hub.and_then(|h| h.last_receipt_seq) {
        let kept = raise.entry(series.to_string()).or_insert(last);
        *kept = (*kept).max(last);
    }
    for (series, last) in &raise {
        sql::raise_counter(tx, series, *last)?;
    }
    Ok(raise)
}
