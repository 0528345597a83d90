//! SQL of the `imports` table: which delivery files were already taken in.

use super::Db;
use rusqlite::{params, OptionalExtension};

use crate::error::Result;

pub fn already_imported(conn: &Db, sha256: &str) -> Result<Option<(String, String)>> {
    Ok(conn
        .query_row(
            "SELECT file_name, imported_at FROM imports WHERE sha256 = ?1",
            [sha256],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

pub fn record(
    conn: &Db,
    sha256: &str,
    file_name: &str,
    now: &str,
    operator: &str,
    created: usize,
    unchanged: usize,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO imports (sha256, file_name, imported_at, operator, created, unchanged)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![sha256, file_name, now, operator, created as i64, unchanged as i64],
    )?;
    Ok(conn.last_insert_rowid())
}
