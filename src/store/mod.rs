//! The store: one SQLite file, opened with the pragmas that keep money and stock safe, migrated
//! at open. All SQL of the project lives under this module, one file per table.

use crate::error::Code;
pub mod aftersales;
pub mod centre;
pub mod copies;
pub mod devices;
pub mod donors;
pub mod files;
pub mod imports;
pub mod journal;
pub mod key;
pub mod loans;
pub mod operators;
pub mod people;
pub mod pos;
pub mod privacy;
pub mod records;
pub mod reports;
pub mod sales;
pub mod stock_index;
pub mod sync;
pub mod vault;
pub mod witness;

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use ref_cast::RefCast;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use rusqlite_migration::{Migrations, M};

use crate::error::{Error, Result};
use crate::store::key::DbKey;

/// Embedded migrations, in order. A shipped one is never edited; a new one is appended.
const MIGRATION_SQL: &[&str] = &[
    include_str!("../../migrations/0001_stock.sql"),
    include_str!("../../migrations/0002_people.sql"),
    include_str!("../../migrations/0003_sales.sql"),
    include_str!("../../migrations/0004_documents.sql"),
    include_str!("../../migrations/0005_sync.sql"),
    include_str!("../../migrations/0006_reports.sql"),
    include_str!("../../migrations/0007_privacy.sql"),
    include_str!("../../migrations/0008_operators.sql"),
    include_str!("../../migrations/0009_backups.sql"),
    include_str!("../../migrations/0010_pins.sql"),
    include_str!("../../migrations/0011_stock_filters.sql"),
    include_str!("../../migrations/0012_stock_generation.sql"),
    include_str!("../../migrations/0013_programme_names.sql"),
    include_str!("../../migrations/0014_hub_v2.sql"),
    include_str!("../../migrations/0015_journal_v2.sql"),
    include_str!("../../migrations/0016_tax_status.sql"),
    include_str!("../../migrations/0017_provenance.sql"),
    include_str!("../../migrations/0018_refurbishing.sql"),
    include_str!("../../migrations/0019_after_sales.sql"),
    include_str!("../../migrations/0020_loan_programme_name.sql"),
    include_str!("../../migrations/0021_bulk_import.sql"),
];
const MIGRATION_COUNT: i64 = MIGRATION_SQL.len() as i64;

static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::new(
        MIGRATION_SQL
            .iter()
            .enumerate()
            .map(|(i, sql)| match i + 1 {
                19 => M::up_with_hook(sql, widen_checks),
                _ => M::up(sql),
            })
            .collect(),
    )
});

/// Schema 19's hook: a device may also be lent, lost or recycled, and the documents of after
/// the sale are issued (and copied) like receipts. SQLite cannot alter a CHECK; loosening one
/// follows its documented procedure (« Making Other Kinds Of Table Schema Changes »,
/// lang_altertable.html): the table's declared SQL rewritten with `writable_schema`,
/// `schema_version` raised by one, then `integrity_check`, all inside the migration's
/// transaction. Every existing row meets the wider CHECKs, and no index or trigger changes.
fn widen_checks(tx: &rusqlite::Transaction) -> rusqlite_migration::HookResult {
    use rusqlite_migration::HookError;
    const WIDER: &[(&str, &str, &str)] = &[
        (
            "devices",
            "'sold','returned','defective')",
            "'sold','returned','defective','lent','lost','recycled')",
        ),
        (
            "document_issues",
            "('receipt', 'credit_note', 'closing')",
            "('receipt', 'credit_note', 'closing', 'return_slip', 'outcome_slip', 'exchange',
                          'recycling_list', 'loan_agreement', 'loan_return')",
        ),
    ];
    let version: i64 = tx.pragma_query_value(None, "schema_version", |r| r.get(0))?;
    tx.pragma_update(None, "writable_schema", "ON")?;
    for (table, before, after) in WIDER {
        let sql: String = tx.query_row(
            "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1",
            [table],
            |r| r.get(0),
        )?;
        if !sql.contains(before) {
            return Err(HookError::Hook(format!(
                "la table {table} n'a pas la contrainte attendue de son premier schéma"
            )));
        }
        tx.execute(
            "UPDATE sqlite_schema SET sql = ?1 WHERE type = 'table' AND name = ?2",
            [sql.replacen(before, after, 1), table.to_string()],
        )?;
    }
    tx.pragma_update(None, "schema_version", version + 1)?;
    tx.pragma_update(None, "writable_schema", "OFF")?;
    let check: String = tx.pragma_query_value(None, "integrity_check", |r| r.get(0))?;
    if check != "ok" {
        return Err(HookError::Hook(format!(
            "contrôle d'intégrité après le schéma 19 : {check}"
        )));
    }
    Ok(())
}

/// The schema version this build writes (the number of migrations it knows).
pub fn schema_version() -> i64 {
    MIGRATION_COUNT
}

/// Access to the one writer of a centre's database, held only for the time of `f`: the app
/// shares it between threads (`Mutex<Store>`), the command line owns it (`RefCell<&mut
/// Store>`). Work that waits (a hub's answer, a backup's copy) runs between two calls, never
/// inside one.
pub trait Writer {
    fn write<T>(&self, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T>;
}

impl Writer for std::sync::Mutex<Store> {
    fn write<T>(&self, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        // A poisoned lock only means an earlier act panicked; every write is one transaction,
        // so the database is consistent.
        let mut guard = self.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }
}

impl<W: Writer> Writer for std::sync::Arc<W> {
    fn write<T>(&self, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        (**self).write(f)
    }
}

impl Writer for std::cell::RefCell<&mut Store> {
    fn write<T>(&self, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        f(&mut self.borrow_mut())
    }
}

/// An open connection, or the transaction of [`Store::with_tx`], as the services hold it: they
/// hand it to the store's functions, and cannot run SQL on it (its connection is private to
/// `src/store/`).
#[derive(ref_cast::RefCast)]
#[repr(transparent)]
pub struct Db(Connection);

/// What the store's functions call on a [`Db`]: `rusqlite::Connection`'s own methods, visible
/// only inside `src/store/`.
impl Db {
    pub(in crate::store) fn execute<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize> {
        self.0.execute(sql, params)
    }

    pub(in crate::store) fn execute_batch(&self, sql: &str) -> rusqlite::Result<()> {
        self.0.execute_batch(sql)
    }

    pub(in crate::store) fn prepare(&self, sql: &str) -> rusqlite::Result<rusqlite::Statement<'_>> {
        self.0.prepare(sql)
    }

    pub(in crate::store) fn prepare_cached(&self, sql: &str) -> rusqlite::Result<rusqlite::CachedStatement<'_>> {
        self.0.prepare_cached(sql)
    }

    pub(in crate::store) fn query_row<T, P, F>(&self, sql: &str, params: P, f: F) -> rusqlite::Result<T>
    where
        P: rusqlite::Params,
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    {
        self.0.query_row(sql, params, f)
    }

    pub(in crate::store) fn last_insert_rowid(&self) -> i64 {
        self.0.last_insert_rowid()
    }

    pub(in crate::store) fn pragma_query_value<T, F>(
        &self,
        schema: Option<&str>,
        name: &str,
        f: F,
    ) -> rusqlite::Result<T>
    where
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    {
        self.0.pragma_query_value(schema, name, f)
    }
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    key: Option<DbKey>,
    /// The stock list's in-memory index, when this process shares one (the window).
    stock_index: Option<std::sync::Arc<stock_index::SharedStockIndex>>,
}

impl Store {
    /// Opens (or creates) the database at `path` and brings it to the current schema.
    ///
    /// A database written by a newer Comptoir is refused before anything is written to it.
    ///
    /// A plain database (tests, benchmarks, the hub's tests): the app and the CLI open theirs
    /// through [`crate::vault::open`], encrypted.
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_with_key(path, None)
    }

    /// Opens the database at `path` encrypted with `key` (SQLCipher), or plain with `None`.
    pub fn open_with_key(path: &Path, key: Option<&DbKey>) -> Result<Store> {
        if path.exists() {
            check_not_newer(path, key)?;
        } else if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| Error::Io {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        if !path.exists() {
            create_private(path)?;
        }
        let conn = Connection::open(path).map_err(|e| not_a_database(path, e))?;
        if let Some(key) = key {
            key.apply(&conn)?;
        }
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            key: key.cloned(),
            stock_index: None,
        };
        store.configure()?;
        store.migrate()?;
        store.checkpoint()?;
        Ok(store)
    }

    /// A read-only connection to the database at `path` (already opened and migrated by the
    /// writer): in WAL mode it reads while the writer writes. Nothing is written through it.
    pub fn open_reader(path: &Path, key: Option<&DbKey>) -> Result<Store> {
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .map_err(|e| not_a_database(path, e))?;
        if let Some(key) = key {
            key.apply(&conn)?;
        }
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "query_only", true)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            key: key.cloned(),
            stock_index: None,
        })
    }

    /// A private database in memory, for unit tests.
    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory()?;
        let mut store = Store {
            conn,
            path: PathBuf::from(":memory:"),
            key: None,
            stock_index: None,
        };
        store.configure()?;
        store.migrate()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Answers the stock list's text searches from `index`, shared by this process's
    /// connections (the window: it searches again and again; the command line does not).
    pub fn share_stock_index(&mut self, index: std::sync::Arc<stock_index::SharedStockIndex>) {
        self.stock_index = Some(index);
    }

    pub(crate) fn stock_index(&self) -> Option<&stock_index::SharedStockIndex> {
        self.stock_index.as_deref()
    }

    /// The encryption key this store was opened with (none: a plain database).
    pub fn key(&self) -> Option<&DbKey> {
        self.key.as_ref()
    }

    fn configure(&self) -> Result<()> {
        // WAL: readers never block the writer; FULL: a committed sale or stock change survives
        // a power cut; foreign keys: history rows always point at a device.
        self.conn
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| not_a_database(&self.path, e))?;
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        // Up to 32 MiB of pages kept in memory (taken only as pages are read): a large import
        // into a large stock touches every index, and SQLCipher decrypts each page it reads again.
        self.conn.pragma_update(None, "cache_size", -32_768)?;
        // Deleted or overwritten content is zeroed on disk: an erased name leaves no trace.
        self.conn.pragma_update(None, "secure_delete", "ON")?;
        // Checkpoints copy the WAL back into the database file; SQLite runs one inside the
        // commit that crosses the threshold. A sale touches a dozen pages, so the default
        // (1,000 pages) would put one in about every hundredth sale. 8,000 pages (32 MB) keeps
        // them out of the sales of a permanence; `checkpoint` runs at quiet moments instead.
        self.conn.pragma_update(None, "wal_autocheckpoint", 8000)?;
        self.conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(())
    }

    fn migrate(&mut self) -> Result<()> {
        let found: i64 = self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if found > 0 && found < MIGRATION_COUNT && self.path.as_os_str() != ":memory:" {
            self.copy_before_upgrade(found)?;
        }
        MIGRATIONS.to_latest(&mut self.conn)?;
        Ok(())
    }

    /// Before a newer Comptoir changes the schema: a whole copy of the database as it was
    /// (`<file>.avant-mise-a-jour-v<N>`, encrypted with the same key), made with the online
    /// backup API so that the WAL's content is in it. Kept until someone removes it.
    fn copy_before_upgrade(&self, found: i64) -> Result<()> {
        let copy = crate::store::files::sibling(&self.path, &format!(".avant-mise-a-jour-v{found}"));
        if copy.exists() {
            return Ok(());
        }
        let partial = crate::store::files::sibling(&self.path, &format!(".avant-mise-a-jour-v{found}.partiel"));
        let _ = std::fs::remove_file(&partial);
        create_private(&partial)?;
        {
            let mut dst = Connection::open(&partial)?;
            if let Some(key) = &self.key {
                key.apply(&dst)?;
            }
            rusqlite::backup::Backup::new(&self.conn, &mut dst)?.run_to_completion(
                1024,
                std::time::Duration::ZERO,
                None,
            )?;
        }
        std::fs::rename(&partial, &copy).map_err(|source| Error::Io { path: copy, source })?;
        Ok(())
    }

    /// Runs `f` in an IMMEDIATE transaction: everything it writes commits together, or nothing
    /// does (the error is returned and the store is left as it was).
    pub fn with_tx<T>(&mut self, f: impl FnOnce(&Db) -> Result<T>) -> Result<T> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(Db::ref_cast(&tx))?;
        tx.commit()?;
        Ok(value)
    }

    /// Copies the WAL back into the database file, at a quiet moment (opening, closing of a
    /// permanence). Never needed for safety: committed data is durable in the WAL already.
    pub fn checkpoint(&self) -> Result<()> {
        self.conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Writes the WAL back into the file and empties it, so that deleted pages leave the disk.
    pub fn truncate_wal(&self) -> Result<()> {
        copies::truncate_wal(self.db())
    }

    /// The connection: the store's own, never handed out (the services hold a [`Db`]).
    pub(in crate::store) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The database as the services hold it, to hand to the store's functions: no SQL can be
    /// run on it outside `src/store/`.
    #[cfg(not(feature = "test-support"))]
    pub(crate) fn db(&self) -> &Db {
        Db::ref_cast(&self.conn)
    }

    /// The database as the services hold it (test builds: tests call the store's functions).
    #[cfg(feature = "test-support")]
    pub fn db(&self) -> &Db {
        Db::ref_cast(&self.conn)
    }

    /// The connection itself, for tests that read and tamper with rows directly: only in test
    /// builds (feature `test-support`), never in a shipped one.
    #[cfg(any(test, feature = "test-support"))]
    pub fn sql(&self) -> &Connection {
        &self.conn
    }
}

/// Creates an empty file that only this user can read (the people's data is in it; SQLite gives
/// its WAL the same permissions).
pub(crate) fn create_private(path: &Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Reads the schema version through a read-only connection, so that a database from a newer
/// Comptoir is never touched (not even by a journal-mode change).
fn check_not_newer(path: &Path, key: Option<&DbKey>) -> Result<()> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| not_a_database(path, e))?;
    if let Some(key) = key {
        key.apply(&conn)?;
    }
    let found: i64 = match conn.pragma_query_value(None, "user_version", |row| row.get(0)) {
        Ok(found) => found,
        Err(e) => {
            return Err(match (key, crate::store::files::file_state(path)?) {
                (Some(_), _) => Error::Refused {
                    code: Code::WrongKey,
                    message: format!(
                        "La base {} ne s'ouvre pas avec la clé de ce poste (autre poste, autre \
                         centre, ou fichier abîmé). Elle n'a pas été modifiée.",
                        path.display()
                    ),
                },
                (None, crate::store::files::FileState::Encrypted) => Error::Refused {
                    code: Code::Encrypted,
                    message: format!("La base {} est chiffrée : elle s'ouvre avec sa clé.", path.display()),
                },
                _ => not_a_database(path, e),
            })
        }
    };
    if found > MIGRATION_COUNT {
        return Err(Error::DatabaseTooNew {
            path: path.to_path_buf(),
            found,
            supported: MIGRATION_COUNT,
        });
    }
    Ok(())
}

/// What a plain (unencrypted) SQLite file holds, seen before Comptoir changes anything in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlainSchema {
    /// Comptoir's own tables, at this schema version (at most ours).
    Comptoir(i64),
    /// Comptoir's tables at a version this build does not know.
    Newer(i64),
    /// Another program's database (or an empty one): never to be changed by Comptoir.
    Foreign,
}

/// The tables Comptoir's migrations make up to `version`.
fn tables_at(version: i64) -> Result<std::collections::BTreeSet<String>> {
    let conn = Connection::open_in_memory()?;
    for sql in MIGRATION_SQL.iter().take(version.max(0) as usize) {
        conn.execute_batch(sql)?;
    }
    table_names(&conn)
}

fn table_names(conn: &Connection) -> Result<std::collections::BTreeSet<String>> {
    let mut stmt = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")?;
    let names = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(names.collect::<rusqlite::Result<_>>()?)
}

/// Reads a plain SQLite file's schema through an immutable, read-only connection (no lock, no
/// journal, no shared-memory file: the file and its folder stay as they were), and says whether
/// it is Comptoir's: a `user_version` Comptoir wrote and exactly the tables its migrations made.
pub fn plain_schema(path: &Path) -> Result<PlainSchema> {
    let uri = format!("file:{}?immutable=1", uri_path(path));
    let conn = Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| not_a_database(path, e))?;
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| not_a_database(path, e))?;
    let found = table_names(&conn).map_err(|_| Error::NotADatabase {
        path: path.to_path_buf(),
        detail: "son schéma ne se lit pas".into(),
    })?;
    Ok(if version < 1 {
        PlainSchema::Foreign
    } else if version <= MIGRATION_COUNT {
        if found == tables_at(version)? {
            PlainSchema::Comptoir(version)
        } else {
            PlainSchema::Foreign
        }
    } else if tables_at(MIGRATION_COUNT)?.is_subset(&found) {
        PlainSchema::Newer(version)
    } else {
        PlainSchema::Foreign
    })
}

/// A path as an SQLite URI's path: absolute, with the characters a URI reserves escaped.
fn uri_path(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = String::new();
    for c in absolute.to_string_lossy().chars() {
        match c {
            '%' | '?' | '#' => out.push_str(&format!("%{:02X}", c as u32)),
            '\\' => out.push('/'),
            c => out.push(c),
        }
    }
    if cfg!(windows) && !out.starts_with('/') {
        out.insert(0, '/');
    }
    out
}

pub(crate) fn not_a_database(path: &Path, e: rusqlite::Error) -> Error {
    Error::NotADatabase {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
}

/// The current instant as stored: RFC 3339, UTC, milliseconds.
pub(crate) fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid_and_counted() {
        MIGRATIONS.validate().unwrap();
        let store = Store::open_in_memory().unwrap();
        let v: i64 = store
            .conn()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, schema_version());
    }
}
