//! SQL of the erasure and test records (`device_records`), their certificate files
//! (`certificates`), and the devices' pointers to the records in force.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension};

use super::Db;
use crate::device::{DeviceKind, DeviceState};
use crate::error::Result;
use crate::refurbishing::{Erasure, Records, Test};

/// An erasure record as stored, with its certificate file's facts when one was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasureRow {
    pub id: i64,
    pub erasure: Erasure,
    /// SHA-256, file name and size of the certificate file.
    pub certificate: Option<(String, String, i64)>,
    pub recorded_at: String,
    pub operator: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestRow {
    pub id: i64,
    pub test: Test,
    pub recorded_at: String,
    pub operator: String,
}

/// A device of a kind that holds user data, in the centre, lacking a record in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LackingRow {
    pub device_id: i64,
    pub tag: String,
    pub kind: DeviceKind,
    pub state: DeviceState,
    pub brand: String,
    pub model: String,
    /// The delivery file it came in: id, file name, when.
    pub batch: Option<(i64, String, String)>,
    pub has_erasure: bool,
    pub has_test: bool,
}

/// Keeps the certificate file once, whatever the number of devices or records it serves.
pub fn insert_certificate(conn: &Db, sha256: &str, file_name: &str, bytes: &[u8], now: &str) -> Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO certificates (sha256, file_name, bytes, added_at) VALUES (?1, ?2, ?3, ?4)",
        params![sha256, file_name, bytes, now],
    )?;
    Ok(())
}

pub fn certificate(conn: &Db, sha256: &str) -> Result<Option<(String, Vec<u8>)>> {
    Ok(conn
        .query_row(
            "SELECT file_name, bytes FROM certificates WHERE sha256 = ?1",
            [sha256],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

pub fn insert_erasure(conn: &Db, e: &Erasure, certificate: Option<&str>, now: &str, operator: &str) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO device_records (kind, method, done_on, done_by, reference, certificate, recorded_at, operator)
         VALUES ('erasure', ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        e.method,
        e.on.to_string(),
        e.by,
        e.reference,
        certificate,
        now,
        operator
    ])?;
    Ok(conn.last_insert_rowid())
}

pub fn insert_test(conn: &Db, t: &Test, now: &str, operator: &str) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO device_records (kind, done_on, done_by, reference, grade, recorded_at, operator)
         VALUES ('test', ?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![t.on.to_string(), t.by, t.reference, t.grade, now, operator])?;
    Ok(conn.last_insert_rowid())
}

/// Makes `erasure` / `test` the records in force of the device (None leaves one as it is).
pub fn attach(conn: &Db, device_id: i64, erasure: Option<i64>, test: Option<i64>) -> Result<()> {
    conn.execute(
        "UPDATE devices SET erasure_record = coalesce(?2, erasure_record), test_record = coalesce(?3, test_record)
         WHERE id = ?1",
        params![device_id, erasure, test],
    )?;
    Ok(())
}

/// The device came back from a family: its erasure record no longer holds.
pub fn clear_erasure(conn: &Db, device_id: i64) -> Result<()> {
    conn.execute("UPDATE devices SET erasure_record = NULL WHERE id = ?1", [device_id])?;
    Ok(())
}

/// Writes the records a new device arrived with, one row per distinct record of an import
/// (`seen` remembers them across its lines), and returns their ids (erasure, test) for the
/// device's own row: the device is then inserted once, pointing at them.
pub fn write_new(
    conn: &Db,
    records: &Records,
    seen: &mut Seen,
    now: &str,
    operator: &str,
) -> Result<(Option<i64>, Option<i64>)> {
    let erasure = match &records.erasure {
        None => None,
        Some(e) => Some(match seen.erasures.get(e) {
            Some(id) => *id,
            None => {
                let id = insert_erasure(conn, e, None, now, operator)?;
                seen.erasures.insert(e.clone(), id);
                id
            }
        }),
    };
    let test = match &records.test {
        None => None,
        Some(t) => Some(match seen.tests.get(t) {
            Some(id) => *id,
            None => {
                let id = insert_test(conn, t, now, operator)?;
                seen.tests.insert(t.clone(), id);
                id
            }
        }),
    };
    Ok((erasure, test))
}

/// The records already written by one import.
#[derive(Debug, Default)]
pub struct Seen {
    erasures: HashMap<Erasure, i64>,
    tests: HashMap<Test, i64>,
}

/// The records in force of a device.
pub fn of_device(conn: &Db, device_id: i64) -> Result<(Option<ErasureRow>, Option<TestRow>)> {
    let erasure = conn
        .query_row(
            "SELECT r.id, r.method, r.done_on, r.done_by, r.reference, r.certificate, c.file_name, length(c.bytes),
                    r.recorded_at, r.operator
             FROM devices d JOIN device_records r ON r.id = d.erasure_record
             LEFT JOIN certificates c ON c.sha256 = r.certificate WHERE d.id = ?1",
            [device_id],
            |r| {
                let certificate = match r.get::<_, Option<String>>(5)? {
                    Some(sha) => Some((sha, r.get(6)?, r.get(7)?)),
                    None => None,
                };
                Ok(ErasureRow {
                    id: r.get(0)?,
                    erasure: Erasure {
                        method: r.get(1)?,
                        on: r.get(2)?,
                        by: r.get(3)?,
                        reference: r.get(4)?,
                    },
                    certificate,
                    recorded_at: r.get(8)?,
                    operator: r.get(9)?,
                })
            },
        )
        .optional()?;
    let test = conn
        .query_row(
            "SELECT r.id, r.done_on, r.done_by, r.reference, r.grade, r.recorded_at, r.operator
             FROM devices d JOIN device_records r ON r.id = d.test_record WHERE d.id = ?1",
            [device_id],
            |r| {
                Ok(TestRow {
                    id: r.get(0)?,
                    test: Test {
                        on: r.get(1)?,
                        by: r.get(2)?,
                        reference: r.get(3)?,
                        grade: r.get(4)?,
                    },
                    recorded_at: r.get(5)?,
                    operator: r.get(6)?,
                })
            },
        )
        .optional()?;
    Ok((erasure, test))
}

/// The certificate's reference of the erasure record in force, and whether a test is recorded.
pub fn in_force(conn: &Db, device_id: i64) -> Result<(Option<String>, bool)> {
    Ok(conn.query_row(
        "SELECT r.reference, d.test_record IS NOT NULL FROM devices d
         LEFT JOIN device_records r ON r.id = d.erasure_record WHERE d.id = ?1",
        [device_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// The erasure record in force of a device: its id and reference.
pub fn erasure_in_force(conn: &Db, device_id: i64) -> Result<Option<(i64, String)>> {
    Ok(conn
        .query_row(
            "SELECT r.id, r.reference FROM devices d JOIN device_records r ON r.id = d.erasure_record WHERE d.id = ?1",
            [device_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

const KINDS_WITH_DATA: &str = "('laptop', 'desktop', 'tablet', 'smartphone')";

/// The devices of kinds that hold user data, received or on sale, lacking a record: by batch
/// (delivery file), then tag.
pub fn lacking(conn: &Db) -> Result<Vec<LackingRow>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT d.id, d.tag, d.kind, d.state, d.brand, d.model, i.id, i.file_name, i.imported_at,
                d.erasure_record IS NOT NULL, d.test_record IS NOT NULL
         FROM devices d LEFT JOIN imports i ON i.id = d.import_id
         WHERE d.kind IN {KINDS_WITH_DATA} AND d.state IN ('received', 'available', 'reserved')
           AND (d.erasure_record IS NULL OR d.test_record IS NULL)
         ORDER BY i.id IS NULL, i.id, d.tag"
    ))?;
    let rows = stmt.query_map([], |r| {
        let batch = match r.get::<_, Option<i64>>(6)? {
            Some(id) => Some((id, r.get(7)?, r.get(8)?)),
            None => None,
        };
        Ok(LackingRow {
            device_id: r.get(0)?,
            tag: r.get(1)?,
            kind: r.get(2)?,
            state: r.get(3)?,
            brand: r.get(4)?,
            model: r.get(5)?,
            batch,
            has_erasure: r.get(9)?,
            has_test: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The devices of a batch (delivery file) of kinds that hold user data and are still in the
/// centre (not sold, not sent back): id and tag.
pub fn of_batch(conn: &Db, import_id: i64) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT id, tag FROM devices WHERE import_id = ?1 AND kind IN {KINDS_WITH_DATA}
           AND state IN ('allocated', 'received', 'available', 'reserved', 'defective') ORDER BY tag"
    ))?;
    let rows = stmt.query_map([import_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A batch's file name and when it was imported.
pub fn batch(conn: &Db, import_id: i64) -> Result<Option<(String, String)>> {
    Ok(conn
        .query_row(
            "SELECT file_name, imported_at FROM imports WHERE id = ?1",
            [import_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}
