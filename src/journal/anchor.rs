//! The journal checked against the network's anchor: the heads of this register's journal the
//! hub kept (entry count and hash at each push). A journal that no longer has an entry the hub
//! saw was cut (a tail deleted, an older backup restored); one whose entry has another hash
//! there was rewritten, even if its own chain was recomputed.

use serde::Serialize;

use crate::error::Result;
use crate::protocol::HeadSeen;
use crate::store::{journal as sql, Db};

/// What the check against the hub found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct HubCheck {
    /// Entries in this post's journal.
    pub entries: i64,
    /// The furthest head the hub kept for this register (0: none yet).
    pub hub_entries: i64,
    /// How many of the hub's heads were compared.
    pub heads_checked: usize,
    pub agrees: bool,
    /// What it means, in French.
    pub message: String,
}

/// Compares the journal with the heads the hub kept.
pub fn check(conn: &Db, register: &str, heads: &[HeadSeen]) -> Result<HubCheck> {
    let entries = sql::head(conn)?.map_or(0, |(seq, _)| seq);
    let hub_entries = heads.iter().map(|h| h.entries).max().unwrap_or(0);
    let mut problem = None;
    for head in heads {
        if head.entries == 0 {
            continue;
        }
        if head.entries > entries {
            problem = Some(format!(
                "le réseau a vu ce journal à {} entrées (le {}), il n'en a plus que {entries} : des entrées ont été \
                 supprimées, ou une sauvegarde plus ancienne a été restaurée",
                head.entries,
                crate::text::format_timestamp(&head.received_at)
            ));
            break;
        }
        match sql::entry(conn, head.entries)? {
            Some(row) if row.hash == head.hash => {}
            _ => {
                problem = Some(format!(
                    "l'entrée n° {} n'a plus l'empreinte que le réseau a reçue le {} : le journal a été réécrit",
                    head.entries,
                    crate::text::format_timestamp(&head.received_at)
                ));
                break;
            }
        }
    }
    let message = match &problem {
        None if heads.is_empty() => format!(
            "Le réseau n'a encore reçu aucune tête du journal de la caisse {register} : synchronisez d'abord."
        ),
        None => format!(
            "Journal conforme au réseau : les {} empreinte(s) reçues par le hub pour la caisse {register} (jusqu'à l'entrée n° {hub_entries}) sont dans ce journal de {entries} entrée(s).",
            heads.len()
        ),
        Some(p) => format!(
            "JOURNAL NON CONFORME AU RÉSEAU (caisse {register}) : {p}. Ne vendez plus sur ce poste et prévenez le responsable."
        ),
    };
    Ok(HubCheck {
        entries,
        hub_entries,
        heads_checked: heads.len(),
        agrees: problem.is_none(),
        message,
    })
}
