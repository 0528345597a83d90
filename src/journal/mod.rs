//! The journal: every act of the point of sale (permanence opened or closed, sale, credit note,
//! line correction, closing, reprint, override) as an append-only entry holding a canonical
//! serialisation of its content and the SHA-256 of the entry (its uuid too, from hash version
//! 2) chained with the previous entry's hash. The database refuses UPDATE and DELETE on it;
//! `verify` recomputes the chain, then checks that every record that makes a total or moves a
//! device still says what its entry says (`records.rs`), and names the first that does not hold.

use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::Result;
use crate::store::journal::{self as sql, JournalRow};

pub mod anchor;
mod records;

pub use anchor::HubCheck;

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The canonical form of a content: JSON with object keys sorted (serde_json's default map is
/// ordered), no spaces.
pub fn canonical(content: &impl Serialize) -> String {
    let value = serde_json::to_value(content).expect("journal content serialises");
    serde_json::to_string(&value).expect("a JSON value serialises")
}

/// The hash version new entries are written with: 2 hashes the entry's uuid too.
pub const HASH_VERSION: i64 = 2;

/// The chained hash of an entry of hash version 1 (written before schema 15: its uuid is
/// outside the hash). Kept to verify those entries as they were written.
pub fn chain_hash(prev_hash: &str, seq: i64, kind: &str, at: &str, operator: &str, content: &str) -> String {
    hash_parts(&[prev_hash, &seq.to_string(), kind, at, operator, content])
}

/// The chained hash of an entry of hash version 2: every column but the hash itself.
pub fn chain_hash_v2(
    prev_hash: &str,
    seq: i64,
    uuid: &str,
    kind: &str,
    at: &str,
    operator: &str,
    content: &str,
) -> String {
    hash_parts(&["v2", prev_hash, &seq.to_string(), uuid, kind, at, operator, content])
}

fn hash_parts(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for part in parts {
        h.update(part.as_bytes());
        h.update(b"\n");
    }
    format!("{:x}", h.finalize())
}

/// The hash an entry should have after `prev`, by its hash version (none for an unknown one).
pub fn entry_hash(prev: &str, row: &JournalRow) -> Option<String> {
    match row.hash_version {
        1 => Some(chain_hash(
            prev,
            row.seq,
            &row.kind,
            &row.at,
            &row.operator,
            &row.content,
        )),
        2 => Some(chain_hash_v2(
            prev,
            row.seq,
            &row.uuid,
            &row.kind,
            &row.at,
            &row.operator,
            &row.content,
        )),
        _ => None,
    }
}

/// Appends an entry inside the caller's transaction and returns its sequence number.
pub fn append(conn: &crate::store::Db, kind: &str, operator: &str, at: &str, content: &impl Serialize) -> Result<i64> {
    let (seq, prev) = match sql::head(conn)? {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let content = canonical(content);
    let uuid = Uuid::now_v7().to_string();
    let hash = chain_hash_v2(&prev, seq, &uuid, kind, at, operator, &content);
    let row = JournalRow {
        seq,
        uuid,
        hash_version: HASH_VERSION,
        kind: kind.to_string(),
        at: at.to_string(),
        operator: operator.to_string(),
        content,
        prev_hash: prev,
        hash,
    };
    sql::insert(conn, &row)?;
    Ok(seq)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Broken {
    pub seq: i64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Verification {
    pub entries: i64,
    pub last_hash: String,
    /// The first entry that does not hold, if any.
    pub broken: Option<Broken>,
}

impl Verification {
    pub fn is_intact(&self) -> bool {
        self.broken.is_none()
    }

    /// A French sentence for people.
    pub fn message(&self) -> String {
        match &self.broken {
            None => format!("Journal intègre : {} entrée(s), chaîne vérifiée.", self.entries),
            Some(b) => format!(
                "JOURNAL ALTÉRÉ : entrée n° {} : {}. Ne vendez plus sur ce poste et prévenez le responsable.",
                b.seq, b.reason
            ),
        }
    }
}

/// [`verify`] on the centre's database (what the window and `journal verify` call).
pub fn verify_store(store: &crate::store::Store) -> Result<Verification> {
    verify(store.db())
}

/// Recomputes the whole chain, in order, and stops at the first entry that does not hold.
pub fn verify(conn: &crate::store::Db) -> Result<Verification> {
    let mut expected_seq = 1i64;
    let mut prev = GENESIS.to_string();
    let mut entries = 0;
    let mut broken = None;
    let mut version = 1;
    sql::each(conn, |row| {
        let reason = if row.seq != expected_seq {
            Some(format!("numéro attendu {expected_seq} : une entrée manque"))
        } else if row.prev_hash != prev {
            Some("elle ne suit pas l'entrée précédente".to_string())
        } else if row.hash_version < version {
            // Once entries hash their uuid, none may go back to the older way.
            Some("sa version de calcul est revenue en arrière".to_string())
        } else if entry_hash(&prev, &row).as_deref() != Some(row.hash.as_str()) {
            Some("son contenu a été modifié".to_string())
        } else {
            None
        };
        version = row.hash_version;
        if let Some(reason) = reason {
            broken = Some(Broken { seq: row.seq, reason });
            return false;
        }
        prev = row.hash;
        entries += 1;
        expected_seq += 1;
        true
    })?;
    // The chain holds: do the records still say what their entries say?
    if broken.is_none() {
        broken = records::check(conn)?;
    }
    Ok(Verification {
        entries,
        last_hash: prev,
        broken,
    })
}

/// The kinds of entry, with their French names (the list's filter).
pub const KINDS: &[(&str, &str)] = &[
    ("sale", "Vente"),
    ("credit_note", "Avoir"),
    ("line_correction", "Correction de ligne"),
    ("restore_resumption", "Reprise après restauration"),
    ("tax_status", "Régime de TVA"),
    ("sale_tax", "TVA d'une vente fixée"),
    ("session_open", "Ouverture de permanence"),
    ("session_close", "Fermeture de permanence (Z)"),
    ("closing", "Clôture"),
    ("document_copy", "Réimpression (copie)"),
    ("override", "Dérogation"),
    ("warranty_return", "Retour sous garantie"),
    ("warranty_outcome", "Fin d'un retour (réparé, échangé, remboursé)"),
    ("recycling", "Lot de recyclage"),
    ("loan", "Prêt"),
    ("loan_end", "Fin d'un prêt (rendu, perdu, vendu)"),
    ("loan_deadline", "Date de perte d'un prêt"),
    ("anonymisation", "Anonymisation"),
];

/// What the journal's list shows: entries of one kind, by one name, over some days.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct JournalFilter {
    pub kind: Option<String>,
    pub operator: Option<String>,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    /// The page after the one that ended with this entry (its number).
    pub before: Option<i64>,
    /// Entries per page (50 when none).
    pub limit: Option<usize>,
}

/// One entry as people read it: a sentence, and its whole content.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct JournalEntry {
    pub seq: i64,
    pub kind: String,
    pub kind_label: String,
    pub at: String,
    pub operator: String,
    pub summary: String,
    pub content: serde_json::Value,
    pub hash: String,
}

/// A page of the journal, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct JournalPage {
    pub entries: Vec<JournalEntry>,
    /// How many entries match the filter in all.
    pub total: i64,
    /// The filter's `before` for the next page, when there is one.
    pub next_before: Option<i64>,
}

fn summary(kind: &str, c: &serde_json::Value) -> String {
    let text = |key: &str| c.get(key).and_then(|v| v.as_str()).unwrap_or("?").to_string();
    let euros = |key: &str| {
        c.get(key)
            .and_then(|v| v.as_i64())
            .map(|cents| crate::money::Money::from_cents(cents).to_string())
            .unwrap_or_else(|| "?".into())
    };
    match kind {
        "sale" => format!("Ticket {} : {}", text("receipt"), euros("total_cents")),
        "credit_note" => format!(
            "Avoir {} annulant {} : {}",
            text("number"),
            text("cancels"),
            euros("amount")
        ),
        "line_correction" => format!(
            "Ticket {}, ligne {} : {} remplacé par {} ({})",
            text("receipt"),
            c.get("line").and_then(|v| v.as_i64()).unwrap_or(0),
            text("from"),
            text("to"),
            text("reason")
        ),
        "tax_status" => format!("Régime de TVA : {}", text("mention")),
        "sale_tax" => format!("Ticket {} : {}", text("receipt"), text("mention")),
        "restore_resumption" => {
            let local = c.get("local_entries").and_then(|v| v.as_i64()).unwrap_or(0);
            match c.get("hub_entries").and_then(|v| v.as_i64()) {
                Some(hub) => format!(
                    "Reprise après restauration : le journal repart après l'entrée n° {hub} reçue par le réseau (il en avait {local} ici)"
                ),
                None => format!(
                    "Reprise après restauration : la base remplacée avait {} entrée(s), il en restait {local} ; la numérotation continue",
                    c.get("replaced_entries").and_then(|v| v.as_i64()).unwrap_or(0)
                ),
            }
        }
        "session_open" => format!("Fond de caisse : {}", euros("float_cents")),
        "session_close" => "Rapport Z de la permanence".to_string(),
        "closing" => format!("Clôture {} : net {}", text("key"), euros("net")),
        "document_copy" => format!(
            "{} {} — copie n° {}",
            text("document"),
            text("reference"),
            c.get("copy").and_then(|v| v.as_i64()).unwrap_or(0)
        ),
        "override" => format!(
            "Fiche n° {} : dérogation au programme {} ({})",
            c.get("person_id").and_then(|v| v.as_i64()).unwrap_or(0),
            text("programme"),
            text("reason")
        ),
        "anonymisation" => format!(
            "{} personne(s) anonymisée(s)",
            c.get("people").and_then(|v| v.as_array()).map_or(0, |a| a.len())
        ),
        other => other.to_string(),
    }
}

/// The journal's entries matching `filter`, newest first, a page at a time.
pub fn list(store: &crate::store::Store, filter: &JournalFilter) -> Result<JournalPage> {
    let limit = filter.limit.unwrap_or(50).clamp(1, 500);
    let from = filter.from.map(crate::local::start_of_day);
    let to = filter
        .to
        .map(|d| crate::local::start_of_day(d + chrono::Duration::days(1)));
    let kind = filter.kind.as_deref().filter(|k| !k.is_empty());
    let operator = filter.operator.as_deref().filter(|o| !o.is_empty());
    let (rows, total) = sql::entries(
        store.db(),
        kind,
        operator,
        from.as_deref(),
        to.as_deref(),
        filter.before,
        limit,
    )?;
    let next_before = (rows.len() == limit).then(|| rows.last().map(|r| r.seq)).flatten();
    let entries = rows
        .into_iter()
        .map(|row| {
            let content: serde_json::Value = serde_json::from_str(&row.content).unwrap_or(serde_json::Value::Null);
            JournalEntry {
                seq: row.seq,
                kind_label: KINDS
                    .iter()
                    .find(|(code, _)| *code == row.kind)
                    .map_or_else(|| row.kind.clone(), |(_, label)| label.to_string()),
                summary: summary(&row.kind, &content),
                kind: row.kind,
                at: row.at,
                operator: row.operator,
                content,
                hash: row.hash,
            }
        })
        .collect();
    Ok(JournalPage {
        entries,
        total,
        next_before,
    })
}

/// The names that wrote in the journal (the list's filter).
pub fn operators(store: &crate::store::Store) -> Result<Vec<String>> {
    sql::operators(store.db())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    fn tamper(store: &Store, sql: &str) {
        // Only possible by going around the triggers, as someone editing the file would.
        let conn = store.sql();
        conn.execute_batch("DROP TRIGGER journal_no_update; DROP TRIGGER journal_no_delete;")
            .unwrap();
        conn.execute_batch(sql).unwrap();
    }

    fn filled() -> Store {
        let mut store = Store::open_in_memory().unwrap();
        store
            .with_tx(|tx| {
                for i in 0..5 {
                    // A kind with no record behind it: these tests are about the chain alone.
                    append(
                        tx,
                        "essai",
                        "amina",
                        "2026-11-22T10:00:00.000Z",
                        &serde_json::json!({"n": i, "total": 8000}),
                    )?;
                }
                Ok(())
            })
            .unwrap();
        store
    }

    #[test]
    fn an_intact_chain_verifies() {
        let store = filled();
        let v = verify(store.db()).unwrap();
        assert!(v.is_intact(), "{v:?}");
        assert_eq!(v.entries, 5);
    }

    #[test]
    fn the_database_refuses_to_edit_or_delete_entries() {
        let store = filled();
        for sql in [
            "UPDATE journal SET content = '{}' WHERE seq = 2",
            "DELETE FROM journal WHERE seq = 5",
        ] {
            let err = store.sql().execute(sql, []).unwrap_err().to_string();
            assert!(err.contains("append-only"), "{err}");
        }
    }

    #[test]
    fn every_kind_of_tampering_names_the_first_broken_entry() {
        let cases = [
            (
                "content edited",
                "UPDATE journal SET content = replace(content, '8000', '1') WHERE seq = 3",
                3,
                "modifié",
            ),
            ("entry deleted", "DELETE FROM journal WHERE seq = 2", 3, "manque"),
            (
                "hash recomputed without the chain",
                "UPDATE journal SET prev_hash = 'x' WHERE seq = 4",
                4,
                "précédente",
            ),
            (
                "operator changed",
                "UPDATE journal SET operator = 'julien' WHERE seq = 1",
                1,
                "modifié",
            ),
        ];
        for (description, sql, seq, needle) in cases {
            let store = filled();
            tamper(&store, sql);
            let v = verify(store.db()).unwrap();
            let broken = v
                .broken
                .clone()
                .unwrap_or_else(|| panic!("{description}: not detected"));
            assert_eq!(broken.seq, seq, "{description}");
            assert!(broken.reason.contains(needle), "{description}: {}", broken.reason);
            assert!(v.message().contains("ALTÉRÉ"));
        }
    }

    #[test]
    fn canonical_form_sorts_keys() {
        assert_eq!(
            canonical(&serde_json::json!({"b": 1, "a": {"d": 2, "c": 3}})),
            r#"{"a":{"c":3,"d":2},"b":1}"#
        );
    }
}
