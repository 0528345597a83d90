//! SQL of after the sale: warranty returns and their outcome, the delivery a device's
//! guarantee runs from, and recycling batches.

use rusqlite::{params, OptionalExtension, Row};

use super::Db;
use crate::device::{Category, DeviceKind};
use crate::error::Result;
use comptoir_common::aftersales::{Destruction, FaultCategory, Outcome};

/// How a sold device reached its holder: a sale line (read through its corrections) or a
/// warranty exchange, the latest of the two.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRow {
    pub sale_id: i64,
    pub sale_uuid: String,
    pub line_no: i64,
    pub receipt: String,
    pub person_id: Option<i64>,
    /// When it was handed over (RFC 3339).
    pub delivered_at: String,
    /// The exchange that handed it over, if it was one.
    pub exchange: Option<String>,
}

/// The delivery of a device now in the hands of a family, if it was handed over here (its sale
/// lines found by the device's index, then read through their latest correction).
pub fn delivery(conn: &Db, device_id: i64) -> Result<Option<DeliveryRow>> {
    let by_sale = conn
        .prepare_cached(
            "WITH lines (sale_id, line_no) AS (
                 SELECT sale_id, line_no FROM sale_lines WHERE device_id = ?1
                 UNION SELECT sale_id, line_no FROM line_corrections WHERE to_device_id = ?1
             )
             SELECT l.sale_id, s.uuid, l.line_no, s.receipt, s.person_id, s.at, NULL
             FROM lines c JOIN sale_lines l ON l.sale_id = c.sale_id AND l.line_no = c.line_no
             JOIN sales s ON s.id = l.sale_id
             LEFT JOIN line_corrections k
                 ON k.id = (SELECT max(id) FROM line_corrections WHERE sale_id = l.sale_id AND line_no = l.line_no)
             WHERE coalesce(k.to_device_id, l.device_id) = ?1
               AND NOT EXISTS (SELECT 1 FROM credit_notes c
                               WHERE c.sale_id = l.sale_id AND (c.line_no IS NULL OR c.line_no = l.line_no))
             ORDER BY s.id DESC LIMIT 1",
        )?
        .query_row([device_id], delivery_from_row)
        .optional()?;
    let by_exchange = conn
        .prepare_cached(
            "SELECT r.sale_id, s.uuid, r.line_no, s.receipt, s.person_id, o.at, o.exchange_number
             FROM warranty_outcomes o JOIN warranty_returns r ON r.id = o.return_id
             JOIN sales s ON s.id = r.sale_id
             WHERE o.new_device_id = ?1
               AND NOT EXISTS (SELECT 1 FROM credit_notes c
                               WHERE c.sale_id = r.sale_id AND (c.line_no IS NULL OR c.line_no = r.line_no))
             ORDER BY o.at DESC LIMIT 1",
        )?
        .query_row([device_id], delivery_from_row)
        .optional()?;
    Ok(match (by_sale, by_exchange) {
        (Some(a), Some(b)) => Some(if b.delivered_at > a.delivered_at { b } else { a }),
        (a, b) => a.or(b),
    })
}

fn delivery_from_row(r: &Row<'_>) -> rusqlite::Result<DeliveryRow> {
    Ok(DeliveryRow {
        sale_id: r.get(0)?,
        sale_uuid: r.get(1)?,
        line_no: r.get(2)?,
        receipt: r.get(3)?,
        person_id: r.get(4)?,
        delivered_at: r.get(5)?,
        exchange: r.get(6)?,
    })
}

/// The device a family holds for a sale line when warranty exchanges replaced the one sold (the
/// latest exchange's), if any.
pub fn exchanged_holder(conn: &Db, sale_id: i64, line_no: i64) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(
            "SELECT o.new_device_id FROM warranty_outcomes o JOIN warranty_returns r ON r.id = o.return_id
             WHERE r.sale_id = ?1 AND r.line_no = ?2 AND o.outcome = 'exchanged'
             ORDER BY o.at DESC, r.id DESC LIMIT 1",
        )?
        .query_row(params![sale_id, line_no], |r| r.get(0))
        .optional()?)
}

/// Whether a sale line has a warranty return (its device can no longer be corrected).
pub fn line_has_returns(conn: &Db, sale_id: i64, line_no: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM warranty_returns WHERE sale_id = ?1 AND line_no = ?2 LIMIT 1")?
        .query_row(params![sale_id, line_no], |_| Ok(()))
        .optional()?
        .is_some())
}

/// When the returns of a device handed over at `delivered_at` that ended in a repair were
/// opened, in order.
pub fn repaired_openings(conn: &Db, device_id: i64, delivered_at: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.opened_at FROM warranty_returns r JOIN warranty_outcomes o ON o.return_id = r.id
         WHERE r.device_id = ?1 AND r.delivered_at = ?2 AND o.outcome = 'repaired' ORDER BY r.opened_at",
    )?;
    let rows = stmt.query_map(params![device_id, delivered_at], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A warranty return being opened.
pub struct NewReturn<'a> {
    pub uuid: &'a str,
    pub number: &'a str,
    pub device_id: i64,
    pub sale_id: i64,
    pub line_no: i64,
    pub delivered_at: &'a str,
    pub at: &'a str,
    pub operator: &'a str,
    pub fault_category: FaultCategory,
    pub fault: &'a str,
    pub journal_seq: i64,
}

pub fn insert_return(conn: &Db, r: &NewReturn<'_>) -> Result<i64> {
    conn.execute(
        "INSERT INTO warranty_returns (uuid, number, device_id, sale_id, line_no, delivered_at, opened_at,
             opened_by, fault_category, fault, journal_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            r.uuid,
            r.number,
            r.device_id,
            r.sale_id,
            r.line_no,
            r.delivered_at,
            r.at,
            r.operator,
            r.fault_category,
            r.fault,
            r.journal_seq
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// How a return ended, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeRow {
    pub uuid: String,
    pub outcome: Outcome,
    pub diagnosis: String,
    pub at: String,
    pub operator: String,
    pub exchange_number: Option<String>,
    pub new_device_id: Option<i64>,
    pub new_tag: Option<String>,
    pub credit_note: Option<String>,
    pub journal_seq: i64,
}

pub fn insert_outcome(conn: &Db, return_id: i64, o: &OutcomeRow) -> Result<()> {
    conn.execute(
        "INSERT INTO warranty_outcomes (return_id, uuid, outcome, diagnosis, at, operator, exchange_number,
             new_device_id, credit_note, journal_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            return_id,
            o.uuid,
            o.outcome,
            o.diagnosis,
            o.at,
            o.operator,
            o.exchange_number,
            o.new_device_id,
            o.credit_note,
            o.journal_seq
        ],
    )?;
    Ok(())
}

/// A warranty return as stored, with its device, its sale and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnRow {
    pub id: i64,
    pub uuid: String,
    pub number: String,
    pub device_id: i64,
    pub tag: String,
    pub kind: DeviceKind,
    pub category: Option<Category>,
    pub brand: String,
    pub model: String,
    pub serial: Option<String>,
    pub refurbisher: Option<String>,
    pub sale_id: i64,
    pub sale_uuid: String,
    pub line_no: i64,
    pub receipt: String,
    pub person_id: Option<i64>,
    pub delivered_at: String,
    pub opened_at: String,
    pub opened_by: String,
    pub fault_category: FaultCategory,
    pub fault: String,
    pub journal_seq: i64,
    pub outcome: Option<OutcomeRow>,
}

const RETURN_COLUMNS: &str = "r.id, r.uuid, r.number, r.device_id, d.tag, d.kind, d.category, d.brand, d.model,
    d.serial, d.refurbisher, r.sale_id, s.uuid, r.line_no, s.receipt, s.person_id, r.delivered_at, r.opened_at,
    r.opened_by, r.fault_category, r.fault, r.journal_seq,
    o.uuid, o.outcome, o.diagnosis, o.at, o.operator, o.exchange_number, o.new_device_id, n.tag, o.credit_note,
    o.journal_seq";

const RETURN_FROM: &str = "FROM warranty_returns r JOIN devices d ON d.id = r.device_id
    JOIN sales s ON s.id = r.sale_id
    LEFT JOIN warranty_outcomes o ON o.return_id = r.id
    LEFT JOIN devices n ON n.id = o.new_device_id";

fn return_from_row(r: &Row<'_>) -> rusqlite::Result<ReturnRow> {
    let outcome = match r.get::<_, Option<String>>(22)? {
        None => None,
        Some(uuid) => Some(OutcomeRow {
            uuid,
            outcome: r.get(23)?,
            diagnosis: r.get(24)?,
            at: r.get(25)?,
            operator: r.get(26)?,
            exchange_number: r.get(27)?,
            new_device_id: r.get(28)?,
            new_tag: r.get(29)?,
            credit_note: r.get(30)?,
            journal_seq: r.get(31)?,
        }),
    };
    Ok(ReturnRow {
        id: r.get(0)?,
        uuid: r.get(1)?,
        number: r.get(2)?,
        device_id: r.get(3)?,
        tag: r.get(4)?,
        kind: r.get(5)?,
        category: r.get(6)?,
        brand: r.get(7)?,
        model: r.get(8)?,
        serial: r.get(9)?,
        refurbisher: r.get(10)?,
        sale_id: r.get(11)?,
        sale_uuid: r.get(12)?,
        line_no: r.get(13)?,
        receipt: r.get(14)?,
        person_id: r.get(15)?,
        delivered_at: r.get(16)?,
        opened_at: r.get(17)?,
        opened_by: r.get(18)?,
        fault_category: r.get(19)?,
        fault: r.get(20)?,
        journal_seq: r.get(21)?,
        outcome,
    })
}

pub fn return_by_number(conn: &Db, number: &str) -> Result<Option<ReturnRow>> {
    let sql = format!("SELECT {RETURN_COLUMNS} {RETURN_FROM} WHERE r.number = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([number], return_from_row)
        .optional()?)
}

/// The return a warranty exchange ended, by the exchange's number.
pub fn return_by_exchange(conn: &Db, exchange_number: &str) -> Result<Option<ReturnRow>> {
    let sql = format!("SELECT {RETURN_COLUMNS} {RETURN_FROM} WHERE o.exchange_number = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([exchange_number], return_from_row)
        .optional()?)
}

/// The return of a device still open (deposited, no outcome yet), if any.
pub fn open_return_of(conn: &Db, device_id: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT r.number FROM warranty_returns r
             WHERE r.device_id = ?1 AND NOT EXISTS (SELECT 1 FROM warranty_outcomes o WHERE o.return_id = r.id)",
        )?
        .query_row([device_id], |r| r.get(0))
        .optional()?)
}

/// Returns, the open ones first (oldest first), then the ended ones (latest first); all of
/// them when `open_only` is false.
pub fn returns(conn: &Db, open_only: bool, limit: usize) -> Result<Vec<ReturnRow>> {
    let sql = format!(
        "SELECT {RETURN_COLUMNS} {RETURN_FROM}
         WHERE (?1 = 0 OR o.return_id IS NULL)
         ORDER BY (o.return_id IS NOT NULL), CASE WHEN o.return_id IS NULL THEN r.id ELSE -r.id END
         LIMIT ?2"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![open_only, limit as i64], return_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A recycling batch being written.
pub struct NewBatch<'a> {
    pub uuid: &'a str,
    pub number: &'a str,
    pub collection_point: &'a str,
    pub handed_on: &'a str,
    pub reference: &'a str,
    pub at: &'a str,
    pub operator: &'a str,
    pub journal_seq: i64,
}

pub fn insert_batch(conn: &Db, b: &NewBatch<'_>) -> Result<i64> {
    conn.execute(
        "INSERT INTO recycling_batches (uuid, number, collection_point, handed_on, reference, at, operator, journal_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            b.uuid,
            b.number,
            b.collection_point,
            b.handed_on,
            b.reference,
            b.at,
            b.operator,
            b.journal_seq
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn insert_recycled(
    conn: &Db,
    batch_id: i64,
    device_id: i64,
    destruction: Destruction,
    erasure_record: Option<i64>,
    detail: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO recycled_devices (batch_id, device_id, destruction, erasure_record, detail)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![batch_id, device_id, destruction, erasure_record, detail],
    )?;
    Ok(())
}

/// A recycling batch as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRow {
    pub id: i64,
    pub uuid: String,
    pub number: String,
    pub collection_point: String,
    pub handed_on: String,
    pub reference: String,
    pub at: String,
    pub operator: String,
    pub journal_seq: i64,
}

/// A device of a recycling batch, with how its data was destroyed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecycledRow {
    pub tag: String,
    pub kind: DeviceKind,
    pub brand: String,
    pub model: String,
    pub serial: Option<String>,
    pub destruction: Destruction,
    /// The erasure record's reference and method, when it was an erasure.
    pub erasure: Option<(String, String)>,
    pub detail: String,
}

fn batch_from_row(r: &Row<'_>) -> rusqlite::Result<BatchRow> {
    Ok(BatchRow {
        id: r.get(0)?,
        uuid: r.get(1)?,
        number: r.get(2)?,
        collection_point: r.get(3)?,
        handed_on: r.get(4)?,
        reference: r.get(5)?,
        at: r.get(6)?,
        operator: r.get(7)?,
        journal_seq: r.get(8)?,
    })
}

const BATCH_COLUMNS: &str = "id, uuid, number, collection_point, handed_on, reference, at, operator, journal_seq";

/// Recycling batches, latest first.
pub fn batches(conn: &Db, limit: usize) -> Result<Vec<BatchRow>> {
    let sql = format!("SELECT {BATCH_COLUMNS} FROM recycling_batches ORDER BY id DESC LIMIT ?1");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([limit as i64], batch_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn batch_by_number(conn: &Db, number: &str) -> Result<Option<BatchRow>> {
    let sql = format!("SELECT {BATCH_COLUMNS} FROM recycling_batches WHERE number = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([number], batch_from_row)
        .optional()?)
}

/// The devices of a batch, in tag order.
pub fn recycled_in(conn: &Db, batch_id: i64) -> Result<Vec<RecycledRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.tag, d.kind, d.brand, d.model, d.serial, x.destruction, e.reference, e.method, x.detail
         FROM recycled_devices x JOIN devices d ON d.id = x.device_id
         LEFT JOIN device_records e ON e.id = x.erasure_record
         WHERE x.batch_id = ?1 ORDER BY d.tag",
    )?;
    let rows = stmt.query_map([batch_id], |r| {
        let reference: Option<String> = r.get(6)?;
        let method: Option<String> = r.get(7)?;
        Ok(RecycledRow {
            tag: r.get(0)?,
            kind: r.get(1)?,
            brand: r.get(2)?,
            model: r.get(3)?,
            serial: r.get(4)?,
            destruction: r.get(5)?,
            erasure: reference.map(|reference| (reference, method.unwrap_or_default())),
            detail: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
