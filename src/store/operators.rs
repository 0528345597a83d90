//! SQL of the operators' profiles.

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;
use crate::operators::{Operator, Role};

crate::store::devices::sql_code!(Role);

pub fn count_active(conn: &Connection) -> Result<i64> {
    Ok(
        conn.query_row("SELECT count(*) FROM operators WHERE disabled_at IS NULL", [], |r| {
            r.get(0)
        })?,
    )
}

pub fn count_active_managers(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM operators WHERE disabled_at IS NULL AND role = 'manager'",
        [],
        |r| r.get(0),
    )?)
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(Operator, String)> {
    Ok((
        Operator {
            name: r.get(0)?,
            role: r.get(1)?,
            active: r.get::<_, Option<String>>(2)?.is_none(),
        },
        r.get(3)?,
    ))
}

/// A profile and its PIN hash, by name key.
pub fn by_key(conn: &Connection, key: &str) -> Result<Option<(Operator, String)>> {
    Ok(conn
        .query_row(
            "SELECT name, role, disabled_at, pin_hash FROM operators WHERE name_key = ?1",
            [key],
            row,
        )
        .optional()?)
}

pub fn list(conn: &Connection) -> Result<Vec<Operator>> {
    let mut stmt =
        conn.prepare("SELECT name, role, disabled_at, pin_hash FROM operators ORDER BY disabled_at IS NOT NULL, name")?;
    let rows = stmt.query_map([], row)?;
    Ok(rows.map(|r| r.map(|(o, _)| o)).collect::<rusqlite::Result<_>>()?)
}

pub fn insert(conn: &Connection, name: &str, key: &str, role: Role, hash: &str, now: &str, by: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO operators (name, name_key, role, pin_hash, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![name, key, role, hash, now, by],
    )?;
    Ok(())
}

pub fn disable(conn: &Connection, key: &str, now: &str, by: &str) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE operators SET disabled_at = ?2, disabled_by = ?3 WHERE name_key = ?1 AND disabled_at IS NULL",
        params![key, now, by],
    )?)
}
