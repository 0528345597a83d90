//! Integration tests of the core on real SQLite files, and of the `comptoir` CLI binary.
//! One test binary with modules builds faster than many.

mod aftersales;
mod archive;
mod cli;
mod closings;
mod contract;
mod corrections;
mod crash;
mod desk;
mod documents;
mod donors;
mod import;
mod intake;
mod journal;
mod keyring;
mod loans;
mod operators;
mod papers;
mod people;
mod pos;
mod printing;
mod privacy;
mod provenance;
mod records;
mod reports;
mod restore;
mod stock;
mod store;
mod tax;
mod tidy;
mod vault;
mod window;

use std::path::{Path, PathBuf};

use comptoir::Store;

/// A fresh database file in its own temporary folder (removed when the guard drops).
pub struct TestDb {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

/// The key a test made goes from the keyring with the test's folder.
impl Drop for TestDb {
    fn drop(&mut self) {
        if comptoir::vault::file_state(&self.path).ok() == Some(comptoir::vault::FileState::Encrypted) {
            let _ = comptoir::vault::KeyStore::forget(&comptoir::vault::OsKeyring, &self.path);
        }
    }
}

impl Default for TestDb {
    fn default() -> Self {
        TestDb::new()
    }
}

impl TestDb {
    pub fn new() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("centre.sqlite");
        TestDb { dir, path }
    }

    /// The database plain (most core tests).
    pub fn open(&self) -> Store {
        Store::open(&self.path).unwrap()
    }

    /// The database as the app and the CLI open it: encrypted, its key in the OS keyring (the
    /// real Secret Service the test command starts).
    pub fn open_encrypted(&self) -> Store {
        comptoir::vault::open(&self.path, &comptoir::vault::OsKeyring).unwrap()
    }

    pub fn file(&self, name: &str, content: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        path
    }
}

pub fn sample_delivery() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples/livraison-exemple.csv")).unwrap()
}

/// Everything the stock tables hold, to prove that a refused operation changed nothing.
pub fn snapshot(store: &Store) -> Vec<String> {
    let mut out = Vec::new();
    for sql in [
        "SELECT tag || '|' || state || '|' || updated_at FROM devices ORDER BY id",
        "SELECT uuid || '|' || to_state FROM device_events ORDER BY id",
        "SELECT sha256 || '|' || created FROM imports ORDER BY id",
    ] {
        let mut stmt = store.sql().prepare(sql).unwrap();
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
        out.extend(rows.map(Result::unwrap));
        out.push("--".into());
    }
    out
}

/// The `comptoir` binary on the test's database, as a script would run it.
pub fn comptoir(db: &TestDb, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_comptoir"))
        .arg("--db")
        .arg(&db.path)
        .args(args)
        .env_remove("COMPTOIR_DB")
        .env("COMPTOIR_OPERATOR", "amina")
        .output()
        .unwrap()
}

/// A command's JSON answer (it must have succeeded).
pub fn json(output: &std::process::Output) -> serde_json::Value {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// A command's JSON refusal on stderr (it must have failed).
pub fn refusal(output: &std::process::Output) -> serde_json::Value {
    assert!(!output.status.success(), "{}", String::from_utf8_lossy(&output.stdout));
    serde_json::from_slice(&output.stderr).unwrap()
}

/// Undoes the migrations after schema 15 on a database of this version (their tables,
/// columns and settings), for tests that open a database as an earlier version left it.
pub fn undo_migrations_after_15(conn: &rusqlite::Connection) {
    // 0021: the free-text index and the stock's generation moved by their triggers alone, and
    // schema 1's two indexes.
    let schema_1 = include_str!("../../migrations/0001_stock.sql");
    let start = schema_1.find("CREATE TRIGGER devices_fts_insert").unwrap();
    let trigger = &schema_1[start..start + schema_1[start..].find("END;").unwrap() + "END;".len()];
    let schema_12 = include_str!("../../migrations/0012_stock_generation.sql");
    let start = schema_12.find("CREATE TRIGGER stock_generation_insert").unwrap();
    let generation = &schema_12[start..start + schema_12[start..].find("END;").unwrap() + "END;".len()];
    conn.execute_batch(&format!(
        "DROP TABLE bulk_insert; DROP TRIGGER devices_fts_insert; {trigger}
         DROP TRIGGER stock_generation_insert; {generation}
         CREATE INDEX devices_filters ON devices (state, kind, category);
         CREATE INDEX devices_kind ON devices (kind, category);"
    ))
    .unwrap();
    // The local stock's event as schema 5 wrote it, taken from that migration (schema 18
    // replaced it with one that names the provenance columns dropped below).
    let schema_5 = include_str!("../../migrations/0005_sync.sql");
    let start = schema_5.find("CREATE TRIGGER outbox_local_stock").unwrap();
    let trigger = &schema_5[start..start + schema_5[start..].find("END;").unwrap() + "END;".len()];
    conn.execute_batch(&format!("DROP TRIGGER outbox_local_stock; {trigger}"))
        .unwrap();
    // 0019: after the sale; the device states of schema 1 (the way its hook widened them).
    let version: i64 = conn.pragma_query_value(None, "schema_version", |r| r.get(0)).unwrap();
    conn.execute_batch(
        "UPDATE devices SET state = 'defective' WHERE state IN ('lent', 'lost', 'recycled');
         DROP TABLE loan_ends; DROP TABLE loan_deadlines; DROP TABLE loans;
         DROP TABLE recycled_devices; DROP TABLE recycling_batches;
         DROP TABLE warranty_outcomes; DROP TABLE warranty_returns;
         PRAGMA writable_schema = ON;
         UPDATE sqlite_schema SET sql = replace(sql, ',''lent'',''lost'',''recycled'')', ')')
         WHERE type = 'table' AND name = 'devices';
         UPDATE sqlite_schema SET sql = replace(sql, ', ''return_slip'', ''outcome_slip'', ''exchange'',
                          ''recycling_list'', ''loan_agreement'', ''loan_return'')', ')')
         WHERE type = 'table' AND name = 'document_issues';",
    )
    .unwrap();
    conn.pragma_update(None, "schema_version", version + 1).unwrap();
    conn.pragma_update(None, "writable_schema", "OFF").unwrap();
    conn.execute_batch(
        // 0018: erasure and test records.
        "DROP INDEX devices_donor_name; DROP INDEX sale_lines_device;
         DROP INDEX devices_import; ALTER TABLE devices DROP COLUMN import_id;
         ALTER TABLE devices DROP COLUMN erasure_record; ALTER TABLE devices DROP COLUMN test_record;
         ALTER TABLE sale_lines DROP COLUMN erasure_ref;
         DROP TABLE device_records; DROP TABLE certificates;
         -- 0017: provenance.
         DROP INDEX devices_donor;
         ALTER TABLE devices DROP COLUMN donor_kind; ALTER TABLE devices DROP COLUMN donor;
         ALTER TABLE devices DROP COLUMN convention; ALTER TABLE devices DROP COLUMN reserved_publics;
         ALTER TABLE devices DROP COLUMN acquisition_cents;
         -- 0016: the tax status.
         DROP TABLE documents_waiting; DROP TABLE sale_tax_fixed;
         ALTER TABLE sales DROP COLUMN tax_status; ALTER TABLE sales DROP COLUMN tax_mention;
         ALTER TABLE sale_lines DROP COLUMN vat_rate; ALTER TABLE sale_lines DROP COLUMN vat_cents;
         ALTER TABLE sale_lines DROP COLUMN margin_cents;",
    )
    .unwrap();
    conn.pragma_update(None, "user_version", 15).unwrap();
}

/// Receives the devices `tags` (imported « attribués ») and puts them on sale, as `actor`.
pub fn put_on_sale(store: &mut Store, tags: &[&str], name: &str) {
    use comptoir::device::{AssetTag, StockAction};
    let actor = comptoir::operators::Actor::test(name);
    for tag in tags {
        let tag = AssetTag::parse(tag).unwrap();
        for action in [StockAction::Receive, StockAction::MakeAvailable] {
            comptoir::stock::change_state(store, &tag, action, &actor, "").unwrap();
        }
    }
    record_refurbishing(store, tags, name);
}

/// Records the erasure and the functional test of the devices `tags` (as the refurbisher's
/// certificate and report say), so that they may be sold.
pub fn record_refurbishing(store: &mut Store, tags: &[&str], actor: &str) {
    let actor = comptoir::operators::Actor::test(actor);
    let tags: Vec<String> = tags.iter().map(|t| t.to_string()).collect();
    for (kind, reference) in [("erasure", "CERT-TEST-1"), ("test", "RAPPORT-TEST-1")] {
        let input = comptoir::records::RecordInput {
            kind: kind.into(),
            tags: tags.clone(),
            method: "NIST 800-88 purge".into(),
            on: "2026-01-15".into(),
            by: "Atelier de test".into(),
            reference: reference.into(),
            ..Default::default()
        };
        comptoir::records::record(store, &input, &actor).unwrap();
    }
}
