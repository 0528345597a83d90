//! Whole copies of the database file: the online backup from a connection of its own (the
//! writer is never held by a backup), and the checks made on a copy before it is trusted
//! (it opens with its key, integrity, schema version, sales count, a new key for this machine).

use super::Db;
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::error::Result;
use crate::store::key::DbKey;

/// A connection to the database file at `path`, with its key (read-only when `read_only`).
pub fn open_file(path: &Path, key: Option<&DbKey>, read_only: bool) -> rusqlite::Result<Db> {
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let conn = Connection::open_with_flags(path, flags)?;
    if let Some(key) = key {
        key.apply(&conn)?;
    }
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(Db(conn))
}

/// Copies the database at `source` into the new file `target`, through a read connection of
/// its own: in WAL mode the copy reads one consistent snapshot while the centre keeps writing.
/// `progress(copied pages, total pages)` is called once the pages are copied.
pub fn online_copy(
    source: &Path,
    key: Option<&DbKey>,
    target: &Path,
    progress: &mut dyn FnMut(i32, i32),
) -> rusqlite::Result<()> {
    let from = open_file(source, key, true)?;
    let mut to = Connection::open(target)?;
    if let Some(key) = key {
        key.apply(&to)?;
    }
    let backup = rusqlite::backup::Backup::new(&from.0, &mut to)?;
    loop {
        // One step for the whole file: a single read transaction, so no write of the centre
        // restarts the copy.
        let step = backup.step(-1)?;
        let p = backup.progress();
        progress(p.pagecount - p.remaining, p.pagecount);
        match step {
            rusqlite::backup::StepResult::Done => return Ok(()),
            rusqlite::backup::StepResult::More => {}
            rusqlite::backup::StepResult::Busy | rusqlite::backup::StepResult::Locked => {
                std::thread::sleep(std::time::Duration::from_millis(50))
            }
            _ => {}
        }
    }
}

/// Whether the key opens the file (its schema can be read).
pub fn readable(conn: &Db) -> bool {
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))
        .is_ok()
}

/// SQLite's own check of every page: "ok", or what is wrong.
pub fn integrity(conn: &Db) -> rusqlite::Result<String> {
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
}

pub fn user_version(conn: &Db) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// Writes the WAL back into the file and empties it.
pub fn truncate_wal(conn: &Db) -> Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}

/// Gives a copy this machine's key.
pub fn rekey(conn: &Db, key: &DbKey) -> Result<()> {
    conn.execute_batch("PRAGMA journal_mode = DELETE;")?;
    conn.execute_batch(&format!("PRAGMA rekey = {};", key.literal().as_str()))?;
    conn.execute_batch("PRAGMA journal_mode = WAL;")?;
    Ok(())
}
