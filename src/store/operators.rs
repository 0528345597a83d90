//! SQL of the operators' profiles: their PIN hashes, the count of wrong PINs in a row and the
//! lock that follows.

use super::Db;
use rusqlite::{params, OptionalExtension};

use crate::error::Result;
use crate::model::operators::{Operator, Role};

crate::store::devices::sql_code!(Role);

pub fn count_active(conn: &Db) -> Result<i64> {
    Ok(
        conn.query_row("SELECT count(*) FROM operators WHERE disabled_at IS NULL", [], |r| {
            r.get(0)
        })?,
    )
}

pub fn count_active_managers(conn: &Db) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM operators WHERE disabled_at IS NULL AND role = 'manager'",
        [],
        |r| r.get(0),
    )?)
}

/// A profile as stored: its PIN hash, and the wrong PINs typed in a row.
pub struct OperatorRow {
    pub operator: Operator,
    pub pin_hash: String,
    pub failed_pins: i64,
    /// RFC 3339 UTC: the profile refuses every PIN until then.
    pub locked_until: Option<String>,
}

const COLUMNS: &str = "name, role, disabled_at, pin_hash, failed_pins, locked_until";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<OperatorRow> {
    Ok(OperatorRow {
        operator: Operator {
            name: r.get(0)?,
            role: r.get(1)?,
            active: r.get::<_, Option<String>>(2)?.is_none(),
        },
        pin_hash: r.get(3)?,
        failed_pins: r.get(4)?,
        locked_until: r.get(5)?,
    })
}

/// A profile by name key.
pub fn by_key(conn: &Db, key: &str) -> Result<Option<OperatorRow>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM operators WHERE name_key = ?1"),
            [key],
            row,
        )
        .optional()?)
}

pub fn list(conn: &Db) -> Result<Vec<Operator>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM operators ORDER BY disabled_at IS NOT NULL, name"
    ))?;
    let rows = stmt.query_map([], row)?;
    Ok(rows.map(|r| r.map(|o| o.operator)).collect::<rusqlite::Result<_>>()?)
}

pub fn insert(conn: &Db, name: &str, key: &str, role: Role, hash: &str, now: &str, by: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO operators (name, name_key, role, pin_hash, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![name, key, role, hash, now, by],
    )?;
    Ok(())
}

pub fn disable(conn: &Db, key: &str, now: &str, by: &str) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE operators SET disabled_at = ?2, disabled_by = ?3 WHERE name_key = ?1 AND disabled_at IS NULL",
        params![key, now, by],
    )?)
}

/// Records a wrong PIN: the count in a row, and the lock when it is reached.
pub fn record_wrong_pin(conn: &Db, key: &str, failed: i64, locked_until: Option<&str>) -> Result<()> {
    conn.execute(
        "UPDATE operators SET failed_pins = ?2, locked_until = ?3 WHERE name_key = ?1",
        params![key, failed, locked_until],
    )?;
    Ok(())
}

/// A right PIN: the count starts again.
pub fn clear_wrong_pins(conn: &Db, key: &str) -> Result<()> {
    conn.execute(
        "UPDATE operators SET failed_pins = 0, locked_until = NULL WHERE name_key = ?1 AND (failed_pins <> 0 OR locked_until IS NOT NULL)",
        [key],
    )?;
    Ok(())
}

/// A manager's reset: the new PIN's hash, the count and the lock cleared.
pub fn reset_pin(conn: &Db, key: &str, hash: &str, now: &str, by: &str) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE operators SET pin_hash = ?2, failed_pins = 0, locked_until = NULL, pin_reset_at = ?3, pin_reset_by = ?4 WHERE name_key = ?1",
        params![key, hash, now, by],
    )?)
}
