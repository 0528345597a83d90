//! SQL of the journal: its head, an append, and its entries in order.

use super::Db;
use rusqlite::{params, OptionalExtension};

use crate::error::Result;

/// One entry as stored (also as a period archive holds it: `src/archive.rs`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct JournalRow {
    pub seq: i64,
    pub uuid: String,
    /// 1: entries written before schema 15 (the uuid outside the hash); 2: the uuid hashed too.
    pub hash_version: i64,
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

/// The first entry's timestamp: when the register made its first act.
pub fn first_at(conn: &Db) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT at FROM journal ORDER BY seq LIMIT 1", [], |r| r.get(0))
        .optional()?)
}

pub fn insert(conn: &Db, row: &JournalRow) -> Result<()> {
    conn.execute(
        "INSERT INTO journal (seq, uuid, kind, at, operator, content, prev_hash, hash, hash_version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            row.seq,
            row.uuid,
            row.kind,
            row.at,
            row.operator,
            row.content,
            row.prev_hash,
            row.hash,
            row.hash_version
        ],
    )?;
    Ok(())
}

const COLUMNS: &str = "seq, kind, at, operator, content, prev_hash, hash, uuid, hash_version";

/// An entry from [`COLUMNS`].
fn journal_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<JournalRow> {
    Ok(JournalRow {
        seq: r.get(0)?,
        kind: r.get(1)?,
        at: r.get(2)?,
        operator: r.get(3)?,
        content: r.get(4)?,
        prev_hash: r.get(5)?,
        hash: r.get(6)?,
        uuid: r.get(7)?,
        hash_version: r.get(8)?,
    })
}

/// One entry by its number.
pub fn entry(conn: &Db, seq: i64) -> Result<Option<JournalRow>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM journal WHERE seq = ?1"),
            [seq],
            journal_row,
        )
        .optional()?)
}

/// Calls `visit` with each entry in order, until it returns `false`.
pub fn each(conn: &Db, mut visit: impl FnMut(JournalRow) -> bool) -> Result<()> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM journal ORDER BY seq"))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if !visit(journal_row(r)?) {
            break;
        }
    }
    Ok(())
}

/// Entries newest first, from before `before` (a sequence number; none: the last), at most
/// `limit`, those of `kind` and of `operator` when given, dated from `from` to before `to`
/// (UTC timestamps) when given; and how many entries match in all.
pub fn entries(
    conn: &Db,
    kind: Option<&str>,
    operator: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    before: Option<i64>,
    limit: usize,
) -> Result<(Vec<JournalRow>, i64)> {
    let filter = "(?1 IS NULL OR kind = ?1) AND (?2 IS NULL OR operator = ?2)
         AND (?3 IS NULL OR at >= ?3) AND (?4 IS NULL OR at < ?4)";
    let total: i64 = conn.query_row(
        &format!("SELECT count(*) FROM journal WHERE {filter}"),
        params![kind, operator, from, to],
        |r| r.get(0),
    )?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM journal
         WHERE {filter} AND (?5 IS NULL OR seq < ?5) ORDER BY seq DESC LIMIT ?6"
    ))?;
    let rows = stmt.query_map(params![kind, operator, from, to, before, limit as i64], journal_row)?;
    Ok((rows.collect::<rusqlite::Result<_>>()?, total))
}

/// The names that wrote in the journal, for the list's filter.
pub fn operators(conn: &Db) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT DISTINCT operator FROM journal ORDER BY operator")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The entries written from `from` to before `to` (UTC timestamps), and the entry `also`, in
/// order (a period's archive: its entries and its closing).
pub fn between(conn: &Db, from: &str, to: &str, also: i64) -> Result<Vec<JournalRow>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM journal WHERE (at >= ?1 AND at < ?2) OR seq = ?3 ORDER BY seq"
    ))?;
    let rows = stmt.query_map(params![from, to, also], journal_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
