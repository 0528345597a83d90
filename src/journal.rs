//! The journal: every act of the point of sale (permanence opened or closed, sale, credit note,
//! closing, reprint, override) as an append-only entry holding a canonical serialisation of its
//! content and the SHA-256 of that content chained with the previous entry's hash. The
//! database refuses UPDATE and DELETE on it; `verify` recomputes the chain and names the first
//! entry that does not hold.

use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::Result;
use crate::store::journal::{self as sql, JournalRow};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The canonical form of a content: JSON with object keys sorted (serde_json's default map is
/// ordered), no spaces.
pub fn canonical(content: &impl Serialize) -> String {
    let value = serde_json::to_value(content).expect("journal content serialises");
    serde_json::to_string(&value).expect("a JSON value serialises")
}

/// The chained hash of an entry.
pub fn chain_hash(prev_hash: &str, seq: i64, kind: &str, at: &str, operator: &str, content: &str) -> String {
    let mut h = Sha256::new();
    for part in [prev_hash, &seq.to_string(), kind, at, operator, content] {
        h.update(part.as_bytes());
        h.update(b"\n");
    }
    format!("{:x}", h.finalize())
}

/// Appends an entry inside the caller's transaction and returns its sequence number.
pub fn append(conn: &crate::store::Db, kind: &str, operator: &str, at: &str, content: &impl Serialize) -> Result<i64> {
    let (seq, prev) = match sql::head(conn)? {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let content = canonical(content);
    let hash = chain_hash(&prev, seq, kind, at, operator, &content);
    let row = JournalRow {
        seq,
        kind: kind.to_string(),
        at: at.to_string(),
        operator: operator.to_string(),
        content,
        prev_hash: prev,
        hash,
    };
    sql::insert(conn, &row, &Uuid::now_v7().to_string())?;
    Ok(seq)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Broken {
    pub seq: i64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
                "JOURNAL ALTÉRÉ : l'entrée n° {} ne correspond pas à la chaîne ({}). Ne vendez plus sur ce poste et prévenez le responsable.",
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
    sql::each(conn, |row| {
        let reason = if row.seq != expected_seq {
            Some(format!("numéro attendu {expected_seq} : une entrée manque"))
        } else if row.prev_hash != prev {
            Some("elle ne suit pas l'entrée précédente".to_string())
        } else if chain_hash(&prev, row.seq, &row.kind, &row.at, &row.operator, &row.content) != row.hash {
            Some("son contenu a été modifié".to_string())
        } else {
            None
        };
        if let Some(reason) = reason {
            broken = Some(Broken { seq: row.seq, reason });
            return false;
        }
        prev = row.hash;
        entries += 1;
        expected_seq += 1;
        true
    })?;
    Ok(Verification {
        entries,
        last_hash: prev,
        broken,
    })
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
                    append(
                        tx,
                        "sale",
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
