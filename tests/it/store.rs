use sha2::{Digest, Sha256};

use comptoir::store::schema_version;
use comptoir::Store;

use crate::TestDb;

#[test]
fn a_new_database_is_created_in_wal_with_foreign_keys_and_full_sync() {
    let db = TestDb::new();
    let store = db.open();
    let conn = store.sql();
    let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    let fk: i64 = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
    let sync: i64 = conn.pragma_query_value(None, "synchronous", |r| r.get(0)).unwrap();
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!((mode.as_str(), fk, sync, version), ("wal", 1, 2, schema_version()));
}

#[test]
fn reopening_keeps_the_data_and_the_schema() {
    let db = TestDb::new();
    {
        let mut store = db.open();
        comptoir::demo::load(&mut store, &comptoir::operators::Actor::test("test")).unwrap();
    }
    let store = db.open();
    let n: i64 = store
        .sql()
        .query_row("SELECT count(*) FROM devices", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, comptoir::demo::devices().len() as i64);
}

#[test]
fn a_database_from_a_newer_version_is_refused_and_left_untouched() {
    let db = TestDb::new();
    {
        let mut store = db.open();
        comptoir::demo::load(&mut store, &comptoir::operators::Actor::test("test")).unwrap();
        store
            .sql()
            .pragma_update(None, "user_version", schema_version() + 3)
            .unwrap();
        // Back to a rollback journal, so that only the main file holds the data.
        store.sql().pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let before = Sha256::digest(std::fs::read(&db.path).unwrap());
    let err = Store::open(&db.path).err().expect("a newer database must be refused");
    assert_eq!(err.code(), "database_too_new");
    let message = err.to_string();
    assert!(
        message.contains("version plus récente") && message.contains("n'a pas été modifiée"),
        "{message}"
    );
    assert_eq!(
        Sha256::digest(std::fs::read(&db.path).unwrap()),
        before,
        "the file must not change"
    );
    assert!(
        !db.path.with_extension("sqlite-wal").exists(),
        "not even a WAL file may appear"
    );
}

#[test]
fn a_file_that_is_not_a_database_is_refused_clearly() {
    let db = TestDb::new();
    std::fs::write(
        &db.path,
        b"ceci n'est pas une base SQLite, juste du texte assez long pour un en-tete",
    )
    .unwrap();
    let err = Store::open(&db.path).err().unwrap();
    assert_eq!(err.code(), "not_a_database");
    assert!(
        err.to_string().contains("n'est pas une base de données Comptoir"),
        "{err}"
    );
}

#[test]
fn history_and_devices_cannot_be_rewritten_or_deleted() {
    let db = TestDb::new();
    let mut store = db.open();
    comptoir::demo::load(&mut store, &comptoir::operators::Actor::test("test")).unwrap();
    let conn = store.sql();
    for sql in [
        "UPDATE device_events SET reason = 'effacé' WHERE id = 1",
        "DELETE FROM device_events WHERE id = 1",
        "DELETE FROM devices WHERE id = 1",
    ] {
        let err = conn.execute(sql, []).unwrap_err().to_string();
        assert!(
            err.contains("append-only") || err.contains("never deleted"),
            "{sql}: {err}"
        );
    }
}

#[test]
fn the_database_folder_is_created_when_missing() {
    let db = TestDb::new();
    let nested = db.dir.path().join("a/b/comptoir.sqlite");
    Store::open(&nested).unwrap();
    assert!(nested.exists());
}

/// A database of the previous schema (what the last migration added removed, its version
/// lowered), as an earlier Comptoir left it: its journal entries hashed the older way (version
/// 1, the uuid outside the hash), which this test recomputes as that Comptoir wrote them.
fn make_previous_version(db: &TestDb) -> i64 {
    let store = db.open();
    let previous = 14;
    let conn = store.sql();
    conn.execute_batch("DROP TRIGGER journal_no_update;").unwrap();
    // Undoes 0016 and after (the tax status, provenance): columns, tables, settings, and what
    // sales' entries say of the tax (a sale written before had none).
    crate::undo_migrations_after_15(conn);
    conn.execute_batch("DELETE FROM settings WHERE key IN ('centre.tax_status', 'centre.vat_rates');")
        .unwrap();
    // The demo's loans and recycling (schema 19) had no tables then: their entries become
    // reprints' entries, which no table answers for (the chain is recomputed below).
    conn.execute_batch(
        "UPDATE journal SET kind = 'document_copy'
         WHERE kind IN ('warranty_return', 'warranty_outcome', 'recycling', 'loan', 'loan_end', 'loan_deadline');",
    )
    .unwrap();
    let sales: Vec<(i64, String)> = conn
        .prepare("SELECT seq, content FROM journal WHERE kind = 'sale'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (seq, content) in sales {
        let mut c: serde_json::Value = serde_json::from_str(&content).unwrap();
        let o = c.as_object_mut().unwrap();
        o.remove("tax_status");
        o.remove("tax_mention");
        for line in o["lines"].as_array_mut().unwrap() {
            for key in ["vat_rate", "vat", "margin"] {
                line.as_object_mut().unwrap().remove(key);
            }
        }
        conn.execute(
            "UPDATE journal SET content = ?2 WHERE seq = ?1",
            rusqlite::params![seq, c.to_string()],
        )
        .unwrap();
    }
    let rows: Vec<(i64, String, String, String, String)> = conn
        .prepare("SELECT seq, kind, at, operator, content FROM journal ORDER BY seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut prev = comptoir::journal::GENESIS.to_string();
    for (seq, kind, at, operator, content) in rows {
        let hash = comptoir::journal::chain_hash(&prev, seq, &kind, &at, &operator, &content);
        conn.execute(
            "UPDATE journal SET prev_hash = ?2, hash = ?3 WHERE seq = ?1",
            rusqlite::params![seq, prev, hash],
        )
        .unwrap();
        prev = hash;
    }
    conn.execute_batch(&format!(
        // Undoes 0015 (the journal's hash version, the triggers on permanences and receipt
        // counters).
        "CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal BEGIN
             SELECT RAISE(ABORT, 'journal is append-only: corrections are new entries');
         END;
         ALTER TABLE journal DROP COLUMN hash_version;
         DROP TRIGGER cash_sessions_closed_no_update; DROP TRIGGER cash_sessions_no_delete;
         DROP TRIGGER receipt_counters_never_back; DROP TRIGGER receipt_counters_no_delete;
         PRAGMA user_version = {previous};"
    ))
    .unwrap();
    previous
}

#[test]
fn an_upgrade_keeps_a_copy_of_the_database_as_it_was_before_migrating() {
    let db = TestDb::new();
    {
        let mut store = db.open();
        comptoir::demo::load(&mut store, &comptoir::operators::Actor::test("test")).unwrap();
    }
    let previous = make_previous_version(&db);
    let head = comptoir::journal::verify(db.open().db()).unwrap().last_hash;
    // Opened by this version: migrated, after a copy.
    let copy = db
        .dir
        .path()
        .join(format!("centre.sqlite.avant-mise-a-jour-v{previous}"));
    assert!(copy.exists(), "the copy before the upgrade");
    let version: i64 = rusqlite::Connection::open(&copy)
        .unwrap()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, previous, "the copy is the database as it was");
    let store = db.open();
    let now: i64 = store
        .sql()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(now, comptoir::store::schema_version());
    assert_eq!(comptoir::journal::verify(store.db()).unwrap().last_hash, head);
    let copied = Store::open(&copy).unwrap();
    assert_eq!(comptoir::journal::verify(copied.db()).unwrap().last_hash, head);
    // The entries written before keep their hash version (1); new ones hash their uuid (2),
    // and the chain across both verifies.
    let mut store = db.open();
    comptoir::pos::open_session(
        &mut store,
        &comptoir::operators::Actor::test("sophie"),
        comptoir::Money::ZERO,
    )
    .unwrap();
    let versions: Vec<i64> = store
        .sql()
        .prepare("SELECT DISTINCT hash_version FROM journal ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(versions, [1, 2]);
    assert!(comptoir::journal::verify(store.db()).unwrap().is_intact());
}

#[cfg(unix)]
#[test]
fn the_database_file_is_readable_by_its_user_only() {
    use std::os::unix::fs::PermissionsExt;
    let db = TestDb::new();
    let mut store = db.open();
    comptoir::demo::load(&mut store, &comptoir::operators::Actor::test("test")).unwrap();
    for suffix in ["", "-wal"] {
        let path = std::path::PathBuf::from(format!("{}{suffix}", db.path.display()));
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", path.display());
    }
}
