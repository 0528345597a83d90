//! SQL of sync: the outbox, the cursor, conflicts, and the programmes the hub published.

use super::Db;
use crate::error::Code;
use rusqlite::params;

use crate::error::Result;
use crate::model::sync::Conflict;
use crate::protocol::{Ack, AckStatus, Event, EventBody};

const PREFIX: &str = "sync.";

pub fn setting(conn: &Db, key: &str) -> Result<Option<String>> {
    super::pos::setting(conn, &format!("{PREFIX}{key}"))
}

pub fn set_setting(conn: &Db, key: &str, value: &str) -> Result<()> {
    super::pos::set_setting(conn, &format!("{PREFIX}{key}"), value)
}

/// Every gapless series' last number (receipts, credit notes): what a restore of an older
/// backup carries over, so that no number is issued twice.
pub fn counters(conn: &Db) -> Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare("SELECT series, last FROM receipt_counters ORDER BY series")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The cursor (0 before the first change) and the hub it belongs to.
pub fn cursor(conn: &Db) -> Result<(i64, Option<String>)> {
    let cursor = setting(conn, "cursor")?.and_then(|c| c.parse().ok()).unwrap_or(0);
    Ok((cursor, setting(conn, "hub_id")?.filter(|h| !h.is_empty())))
}

pub fn set_cursor(conn: &Db, cursor: i64, hub_id: &str) -> Result<()> {
    set_setting(conn, "cursor", &cursor.to_string())?;
    set_setting(conn, "hub_id", hub_id)
}

pub fn reset_cursor(conn: &Db) -> Result<()> {
    set_setting(conn, "cursor", "0")?;
    set_setting(conn, "hub_id", "")
}

/// The oldest events the hub has not acknowledged yet.
pub fn pending(conn: &Db, limit: usize) -> Result<Vec<Event>> {
    let mut stmt =
        conn.prepare_cached("SELECT uuid, created_at, event FROM outbox WHERE acked_at IS NULL ORDER BY id LIMIT ?1")?;
    let rows = stmt.query_map([limit as i64], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
    })?;
    let mut events = Vec::new();
    for row in rows {
        let (uuid, at, event) = row?;
        let body = serde_json::from_str(&event).map_err(|e| crate::error::Error::Refused {
            code: Code::Database,
            message: format!("Événement {uuid} illisible dans la file d'envoi : {e}"),
        })?;
        events.push(Event { uuid, at, body });
    }
    Ok(events)
}

pub fn waiting(conn: &Db) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM outbox WHERE acked_at IS NULL", [], |r| r.get(0))?)
}

pub fn ack(conn: &Db, ack: &Ack, now: &str) -> Result<()> {
    let status = match ack.status {
        AckStatus::Accepted => "accepted",
        AckStatus::Duplicate => "duplicate",
        AckStatus::Conflict => "conflict",
        AckStatus::Refused => "refused",
    };
    conn.execute(
        "UPDATE outbox SET acked_at = ?2, ack = ?3, ack_message = ?4 WHERE uuid = ?1 AND acked_at IS NULL",
        params![ack.uuid, now, status, ack.message],
    )?;
    Ok(())
}

pub fn insert_conflict(conn: &Db, at: &str, tag: Option<&str>, message: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO sync_conflicts (at, tag, message) VALUES (?1, ?2, ?3)",
        params![at, tag, message],
    )?;
    Ok(())
}

/// A conflict the hub numbered (from an acknowledgement or the feed): recorded once.
pub fn insert_hub_conflict(
    conn: &Db,
    hub_id: i64,
    kind: Option<&str>,
    at: &str,
    tag: Option<&str>,
    message: &str,
) -> Result<bool> {
    let inserted = conn.execute(
        "INSERT OR IGNORE INTO sync_conflicts (hub_id, kind, at, tag, message) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![hub_id, kind, at, tag, message],
    )? == 1;
    // The acknowledgement brought it without its kind and its tag: the feed's copy says them.
    conn.execute(
        "UPDATE sync_conflicts SET kind = coalesce(kind, ?2), tag = coalesce(tag, ?3)
         WHERE hub_id = ?1 AND (kind IS NULL OR tag IS NULL)",
        params![hub_id, kind, tag],
    )?;
    Ok(inserted)
}

/// The hub settled its conflict `hub_id` (a conflict not yet known here is recorded closed).
pub fn close_hub_conflict(conn: &Db, hub_id: i64, at: &str, how: &str) -> Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO sync_conflicts (hub_id, at, tag, message) VALUES (?1, ?2, NULL, ?3)",
        params![hub_id, at, how],
    )?;
    conn.execute(
        "UPDATE sync_conflicts SET closed_at = ?2, closed_how = ?3 WHERE hub_id = ?1 AND closed_at IS NULL",
        params![hub_id, at, how],
    )?;
    Ok(())
}

/// The open conflicts first, then the latest settled ones (50 in all).
pub fn conflicts(conn: &Db) -> Result<Vec<Conflict>> {
    let mut stmt = conn.prepare(
        "SELECT at, tag, message, hub_id, closed_at, closed_how FROM sync_conflicts
         ORDER BY closed_at IS NOT NULL, id DESC LIMIT 50",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Conflict {
            at: r.get(0)?,
            tag: r.get(1)?,
            message: r.get(2)?,
            hub_id: r.get(3)?,
            closed_at: r.get(4)?,
            closed_how: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Conflicts that wait for a fix (a line correction or a credit note), not yet settled.
pub fn open_conflicts(conn: &Db) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM sync_conflicts WHERE closed_at IS NULL AND kind IN ('double_sale', 'other_centre')",
        [],
        |r| r.get(0),
    )?)
}

/// Queues an event for the hub (inside the caller's transaction).
pub fn queue(conn: &Db, uuid: &str, at: &str, event: &EventBody) -> Result<()> {
    conn.prepare_cached("INSERT INTO outbox (uuid, created_at, event) VALUES (?1, ?2, ?3)")?
        .execute(params![
            uuid,
            at,
            serde_json::to_string(event).expect("an event serialises")
        ])?;
    Ok(())
}

/// The person's reference for the hub (made now if they have none: 128 random bits, nothing
/// of who they are), and their publics. A merged person is counted as the one kept.
pub fn person_for_hub(conn: &Db, person_id: i64, fresh_ref: &str) -> Result<(String, Vec<String>)> {
    let id: i64 = conn.query_row(
        "SELECT coalesce(merged_into, id) FROM people WHERE id = ?1",
        [person_id],
        |r| r.get(0),
    )?;
    conn.execute(
        "UPDATE people SET hub_ref = ?2 WHERE id = ?1 AND hub_ref IS NULL",
        params![id, fresh_ref],
    )?;
    let hub_ref: String = conn.query_row("SELECT hub_ref FROM people WHERE id = ?1", [id], |r| r.get(0))?;
    let mut stmt = conn.prepare_cached("SELECT public FROM person_publics WHERE person_id = ?1 ORDER BY public")?;
    let publics = stmt.query_map([id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok((hub_ref, publics))
}

pub fn upsert_programme(conn: &Db, name: &str, content: &str, now: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO hub_programmes (name, content, received_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (name) DO UPDATE SET content = excluded.content, received_at = excluded.received_at",
        params![name, content, now],
    )?;
    Ok(())
}

pub fn hub_programmes(conn: &Db) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare("SELECT name, content FROM hub_programmes ORDER BY name")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Marks the transaction as applying the hub's changes (the outbox triggers stay silent).
pub fn begin_applying(conn: &Db) -> Result<()> {
    conn.execute("INSERT INTO sync_applying (flag) VALUES (1)", [])?;
    Ok(())
}

pub fn end_applying(conn: &Db) -> Result<()> {
    conn.execute("DELETE FROM sync_applying", [])?;
    Ok(())
}
