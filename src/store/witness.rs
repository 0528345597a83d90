//! SQL of the journal's check of the records: each record that makes a total or moves a device,
//! as its tables hold it now, to be compared with the journal entry that wrote it.

use super::Db;
use rusqlite::params;

use crate::error::Result;

/// A sale as its rows say now.
pub struct SaleRows {
    pub journal_seq: i64,
    pub uuid: String,
    pub receipt: String,
    pub session_id: i64,
    pub person_id: Option<i64>,
    pub programme: Option<String>,
    pub total_cents: i64,
    pub change_cents: i64,
    /// (tag as sold, kind, category, quantity, unit cents), by line number.
    pub lines: Vec<(Option<String>, String, Option<String>, i64, i64)>,
    /// (VAT rate, VAT cents, margin cents), by line number.
    pub line_taxes: Vec<(Option<i64>, Option<i64>, Option<i64>)>,
    /// (method, amount cents, reference), in the order written.
    pub payments: Vec<(String, i64, Option<String>)>,
    /// The tax status and mention it was recorded under.
    pub tax: (Option<String>, Option<String>),
}

pub fn sales(conn: &Db) -> Result<Vec<SaleRows>> {
    let mut stmt = conn.prepare(
        "SELECT id, journal_seq, uuid, receipt, session_id, person_id, programme, total_cents, change_cents,
                tax_status, tax_mention
         FROM sales ORDER BY id",
    )?;
    let mut sales: Vec<(i64, SaleRows)> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                SaleRows {
                    journal_seq: r.get(1)?,
                    uuid: r.get(2)?,
                    receipt: r.get(3)?,
                    session_id: r.get(4)?,
                    person_id: r.get(5)?,
                    programme: r.get(6)?,
                    total_cents: r.get(7)?,
                    change_cents: r.get(8)?,
                    lines: Vec::new(),
                    line_taxes: Vec::new(),
                    payments: Vec::new(),
                    tax: (r.get(9)?, r.get(10)?),
                },
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let index: std::collections::HashMap<i64, usize> = sales.iter().enumerate().map(|(i, (id, _))| (*id, i)).collect();
    let mut stmt = conn.prepare(
        "SELECT l.sale_id, d.tag, l.kind, l.category, l.quantity, l.unit_cents, l.vat_rate, l.vat_cents, l.margin_cents
         FROM sale_lines l LEFT JOIN devices d ON d.id = l.device_id ORDER BY l.sale_id, l.line_no",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if let Some(i) = index.get(&r.get::<_, i64>(0)?) {
            let sale = &mut sales[*i].1;
            sale.lines.push((r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?));
            sale.line_taxes.push((r.get(6)?, r.get(7)?, r.get(8)?));
        }
    }
    let mut stmt =
        conn.prepare("SELECT sale_id, method, amount_cents, reference FROM payments ORDER BY sale_id, rowid")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if let Some(i) = index.get(&r.get::<_, i64>(0)?) {
            sales[*i].1.payments.push((r.get(1)?, r.get(2)?, r.get(3)?));
        }
    }
    Ok(sales.into_iter().map(|(_, s)| s).collect())
}

/// A credit note as its row says now: (journal seq, number, the receipt it cancels, line,
/// reason, refund method, amount cents, at).
pub type CreditNoteRow = (i64, String, String, Option<i64>, String, String, i64, String);

pub fn credit_notes(conn: &Db) -> Result<Vec<CreditNoteRow>> {
    let mut stmt = conn.prepare(
        "SELECT c.journal_seq, c.number, s.receipt, c.line_no, c.reason, c.refund_method, c.amount_cents, c.at
         FROM credit_notes c JOIN sales s ON s.id = c.sale_id ORDER BY c.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
            r.get(7)?,
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A permanence as its row says now: (uuid, opened at, opened by, float cents, close seq).
pub type SessionRow = (String, String, String, i64, Option<i64>);

pub fn sessions(conn: &Db) -> Result<Vec<SessionRow>> {
    let mut stmt =
        conn.prepare("SELECT uuid, opened_at, opened_by, float_cents, close_seq FROM cash_sessions ORDER BY id")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The closings: (period key, journal seq).
pub fn closings(conn: &Db) -> Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare("SELECT period_key, journal_seq FROM closings")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A line correction as its row says now: (journal seq, receipt, line, from tag, to tag, reason).
pub type CorrectionRow = (i64, String, i64, String, String, String);

pub fn corrections(conn: &Db) -> Result<Vec<CorrectionRow>> {
    let mut stmt = conn.prepare(
        "SELECT k.journal_seq, s.receipt, k.line_no, f.tag, t.tag, k.reason FROM line_corrections k
         JOIN sales s ON s.id = k.sale_id JOIN devices f ON f.id = k.from_device_id
         JOIN devices t ON t.id = k.to_device_id ORDER BY k.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The entries of `kind`: (seq, at, operator, content).
pub fn entries_of(conn: &Db, kind: &str) -> Result<Vec<(i64, String, String, String)>> {
    let mut stmt = conn.prepare("SELECT seq, at, operator, content FROM journal WHERE kind = ?1 ORDER BY seq")?;
    let rows = stmt.query_map(params![kind], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The journal entry (number, hash) that closed permanence `session_id`, if it is closed.
pub fn session_close_head(conn: &Db, session_id: i64) -> Result<Option<(i64, String)>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row(
            "SELECT j.seq, j.hash FROM cash_sessions s JOIN journal j ON j.seq = s.close_seq WHERE s.id = ?1",
            [session_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// The journal entry (number, hash) of a period closing, by its key.
pub fn closing_head(conn: &Db, key: &str) -> Result<Option<(i64, String)>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row(
            "SELECT j.seq, j.hash FROM closings c JOIN journal j ON j.seq = c.journal_seq WHERE c.period_key = ?1",
            [key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}
