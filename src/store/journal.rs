//! SQL of the journal: its head, an append, and its entries in order.

use super::Db;
use rusqlite::{params, OptionalExtension};

use crate::error::Result;

/// One entry as stored.
pub struct JournalRow {
    pub seq: i64,
    pub kind: String,
    pub at: String,
    pub operator: String,
    pub content: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The last entry's sequence number and hash.
pub fn head(conn: &Db) -> Result<Option<(i64, String)>> {
    Ok(conn
        .query_row("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?)
}

pub fn insert(conn: &Db, row: &JournalRow, uuid: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO journal (seq, uuid, kind, at, operator, content, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![row.seq, uuid, row.kind, row.at, row.operator, row.content, row.prev_hash, row.hash],
    )?;
    Ok(())
}

/// Calls `visit` with each entry in order, until it returns `false`.
pub fn each(conn: &Db, mut visit: impl FnMut(JournalRow) -> bool) -> Result<()> {
    let mut stmt =
        conn.prepare("SELECT seq, kind, at, operator, content, prev_hash, hash FROM journal ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let row = JournalRow {
            seq: r.get(0)?,
            kind: r.get(1)?,
            at: r.get(2)?,
            operator: r.get(3)?,
            content: r.get(4)?,
            prev_hash: r.get(5)?,
            hash: r.get(6)?,
        };
        if !visit(row) {
            break;
        }
    }
    Ok(())
}
