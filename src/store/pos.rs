//! SQL of the point of sale: settings, permanences, receipt counters, sales, lines, payments,
//! credit notes.

use super::Db;
use std::collections::BTreeMap;

use rusqlite::{params, OptionalExtension};

use crate::device::DeviceKind;
use crate::error::Result;
use crate::model::pos::{CreditNote, PaymentMethod, SaleLine, SalePayment, SessionInfo};
use crate::money::Money;

pub use super::sales::{list_sales, programme_names, sale};

pub fn setting(conn: &Db, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

pub fn set_setting(conn: &Db, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

fn session_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SessionInfo> {
    Ok(SessionInfo {
        id: r.get(0)?,
        opened_at: r.get(1)?,
        opened_by: r.get(2)?,
        float: Money::from_cents(r.get(3)?),
        float_text: Money::from_cents(r.get(3)?).to_string(),
        closed_at: r.get(4)?,
        closed_by: r.get(5)?,
    })
}

const SESSION: &str = "SELECT id, opened_at, opened_by, float_cents, closed_at, closed_by FROM cash_sessions";

pub fn open_session(conn: &Db) -> Result<Option<SessionInfo>> {
    Ok(conn
        .query_row(&format!("{SESSION} WHERE closed_at IS NULL"), [], session_from_row)
        .optional()?)
}

pub fn session(conn: &Db, id: i64) -> Result<Option<SessionInfo>> {
    Ok(conn
        .query_row(&format!("{SESSION} WHERE id = ?1"), [id], session_from_row)
        .optional()?)
}

pub fn insert_session(conn: &Db, uuid: &str, at: &str, operator: &str, float: Money) -> Result<i64> {
    conn.execute(
        "INSERT INTO cash_sessions (uuid, opened_at, opened_by, float_cents) VALUES (?1, ?2, ?3, ?4)",
        params![uuid, at, operator, float.cents()],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn close_session(conn: &Db, id: i64, at: &str, operator: &str, seq: i64) -> Result<()> {
    conn.execute(
        "UPDATE cash_sessions SET closed_at = ?2, closed_by = ?3, close_seq = ?4 WHERE id = ?1",
        params![id, at, operator, seq],
    )?;
    Ok(())
}

/// Moves a series' counter up to `last` (never down): after a declared restore, numbers
/// continue after the last one the network knows.
pub fn raise_counter(conn: &Db, series: &str, last: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO receipt_counters (series, last) VALUES (?1, ?2)
         ON CONFLICT (series) DO UPDATE SET last = max(last, excluded.last)",
        params![series, last],
    )?;
    Ok(())
}

/// The number the series would give next (nothing written).
pub fn peek_next(conn: &Db, series: &str) -> Result<i64> {
    Ok(conn
        .query_row(
            "SELECT last + 1 FROM receipt_counters WHERE series = ?1",
            [series],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(1))
}

/// The next number of a gapless series (inside the caller's transaction).
pub fn next_number(conn: &Db, series: &str) -> Result<i64> {
    conn.execute(
        "INSERT INTO receipt_counters (series, last) VALUES (?1, 1) ON CONFLICT (series) DO UPDATE SET last = last + 1",
        [series],
    )?;
    Ok(
        conn.query_row("SELECT last FROM receipt_counters WHERE series = ?1", [series], |r| {
            r.get(0)
        })?,
    )
}

pub fn sale_by_uuid(conn: &Db, uuid: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT receipt FROM sales WHERE uuid = ?1", [uuid], |r| r.get(0))
        .optional()?)
}

#[allow(clippy::too_many_arguments)]
pub fn insert_sale(
    conn: &Db,
    uuid: &str,
    receipt: &str,
    session_id: i64,
    person_id: Option<i64>,
    programme: Option<(&str, &str)>,
    at: &str,
    operator: &str,
    total: Money,
    change: Money,
    seq: i64,
    tax: Option<(crate::tax::TaxStatus, &str)>,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO sales (uuid, receipt, session_id, person_id, programme, programme_name, at, operator, total_cents, change_cents, journal_seq,
                            tax_status, tax_mention)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            uuid,
            receipt,
            session_id,
            person_id,
            programme.map(|p| p.0),
            programme.map(|p| p.1),
            at,
            operator,
            total.cents(),
            change.cents(),
            seq,
            tax.map(|t| t.0.code()),
            tax.map(|t| t.1)
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn insert_line(conn: &Db, sale_id: i64, line_no: usize, device_id: Option<i64>, line: &SaleLine) -> Result<()> {
    conn.execute(
        "INSERT INTO sale_lines (sale_id, line_no, device_id, kind, category, label, quantity, unit_cents,
                                 vat_rate, vat_cents, margin_cents, erasure_ref)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            sale_id,
            line_no as i64,
            device_id,
            line.kind,
            line.category,
            line.label,
            line.quantity as i64,
            line.unit_price.cents(),
            line.vat_rate.map(|r| r.hundredths()),
            line.vat.map(|v| v.cents()),
            line.margin.map(|m| m.cents()),
            line.erasure_ref
        ],
    )?;
    Ok(())
}

pub fn insert_payment(conn: &Db, sale_id: i64, p: &SalePayment) -> Result<()> {
    conn.execute(
        "INSERT INTO payments (sale_id, method, amount_cents, reference) VALUES (?1, ?2, ?3, ?4)",
        params![sale_id, p.method, p.amount.cents(), p.reference],
    )?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
/// What a sale equips the person with, so that the frequency limits count it.
pub fn insert_sale_equipment(
    conn: &Db,
    person_id: i64,
    date: chrono::NaiveDate,
    kind: DeviceKind,
    sale_id: i64,
    line_no: usize,
    receipt: &str,
    operator: &str,
    now: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO equipment_received (uuid, person_id, date, kind, source, recorded_by, recorded_at, sale_id, sale_line)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            uuid::Uuid::now_v7().to_string(),
            person_id,
            date,
            kind,
            format!("Vente {receipt}"),
            operator,
            now,
            sale_id,
            line_no as i64
        ],
    )?;
    Ok(())
}

/// A sale line moved to another device (the sale's own rows stay as written).
#[allow(clippy::too_many_arguments)]
pub fn insert_line_correction(
    conn: &Db,
    uuid: &str,
    sale_id: i64,
    line_no: usize,
    from_device: i64,
    to_device: i64,
    label: &str,
    at: &str,
    operator: &str,
    reason: &str,
    seq: i64,
) -> Result<()> {
    conn.execute(
        "INSERT INTO line_corrections (uuid, sale_id, line_no, from_device_id, to_device_id, label, at, operator, reason, journal_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![uuid, sale_id, line_no as i64, from_device, to_device, label, at, operator, reason, seq],
    )?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub fn insert_credit_note(
    conn: &Db,
    uuid: &str,
    number: &str,
    sale_id: i64,
    line_no: Option<usize>,
    session_id: i64,
    at: &str,
    operator: &str,
    reason: &str,
    refund: PaymentMethod,
    amount: Money,
    seq: i64,
) -> Result<()> {
    conn.execute(
        "INSERT INTO credit_notes (uuid, number, sale_id, line_no, session_id, at, operator, reason, refund_method, amount_cents, journal_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![uuid, number, sale_id, line_no.map(|l| l as i64), session_id, at, operator, reason, refund, amount.cents(), seq],
    )?;
    Ok(())
}

/// Per payment method, what came in (payments of the session's sales) minus what went out
/// (refunds of its credit notes); with the counts.
/// A permanence's sales (count, total), credit notes (count, total) and net takings per method.
pub fn session_totals(conn: &Db, session_id: i64) -> Result<(i64, Money, i64, Money, BTreeMap<PaymentMethod, Money>)> {
    let mut by_method: BTreeMap<PaymentMethod, Money> = BTreeMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT p.method, sum(p.amount_cents) FROM payments p JOIN sales s ON s.id = p.sale_id
         WHERE s.session_id = ?1 GROUP BY p.method",
    )?;
    for row in stmt.query_map([session_id], |r| {
        Ok((r.get::<_, PaymentMethod>(0)?, r.get::<_, i64>(1)?))
    })? {
        let (m, cents) = row?;
        *by_method.entry(m).or_default() = Money::from_cents(cents);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT refund_method, sum(amount_cents) FROM credit_notes WHERE session_id = ?1 GROUP BY refund_method",
    )?;
    for row in stmt.query_map([session_id], |r| {
        Ok((r.get::<_, PaymentMethod>(0)?, r.get::<_, i64>(1)?))
    })? {
        let (m, cents) = row?;
        let entry = by_method.entry(m).or_default();
        *entry = Money::from_cents(entry.cents() - cents);
    }
    let (sales, total, change): (i64, i64, i64) = conn.query_row(
        "SELECT count(*), coalesce(sum(total_cents), 0), coalesce(sum(change_cents), 0) FROM sales WHERE session_id = ?1",
        [session_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    if change > 0 {
        let cash = by_method.entry(PaymentMethod::Cash).or_default();
        *cash = Money::from_cents(cash.cents() - change);
    }
    let (credit_notes, credit_total): (i64, i64) = conn.query_row(
        "SELECT count(*), coalesce(sum(amount_cents), 0) FROM credit_notes WHERE session_id = ?1",
        [session_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok((
        sales,
        Money::from_cents(total),
        credit_notes,
        Money::from_cents(credit_total),
        by_method,
    ))
}

pub fn closing_exists(conn: &Db, key: &str) -> Result<bool> {
    Ok(
        conn.query_row("SELECT count(*) FROM closings WHERE period_key = ?1", [key], |r| {
            r.get::<_, i64>(0)
        })? > 0,
    )
}

/// The local days before `today` with a sale or a credit note, from `since` (a UTC timestamp;
/// none: from the first), in order.
pub fn activity_days(conn: &Db, since: Option<&str>, today: chrono::NaiveDate) -> Result<Vec<chrono::NaiveDate>> {
    let since = since.unwrap_or("");
    let mut stmt = conn.prepare_cached(
        "SELECT d FROM (
             SELECT DISTINCT date(at, 'localtime') AS d FROM sales WHERE at >= ?1
             UNION SELECT DISTINCT date(at, 'localtime') FROM credit_notes WHERE at >= ?1
         ) WHERE d < ?2 ORDER BY d",
    )?;
    let rows = stmt.query_map(params![since, today], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether a sale or a credit note is dated (local time) from `start` to `end` included.
pub fn has_activity(conn: &Db, start: chrono::NaiveDate, end: chrono::NaiveDate) -> Result<bool> {
    let lo = (start - chrono::Duration::days(1)).to_string();
    let hi = (end + chrono::Duration::days(2)).to_string();
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sales WHERE at >= ?3 AND at < ?4 AND date(at, 'localtime') BETWEEN ?1 AND ?2)
             OR EXISTS (SELECT 1 FROM credit_notes WHERE at >= ?3 AND at < ?4 AND date(at, 'localtime') BETWEEN ?1 AND ?2)",
        params![start, end, lo, hi],
        |r| r.get(0),
    )?)
}

/// The closings made, newest first: when, by whom, and their journal entry's content.
pub fn closings(conn: &Db, limit: usize) -> Result<Vec<(String, String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT j.at, j.operator, j.content FROM closings c JOIN journal j ON j.seq = c.journal_seq
         ORDER BY c.journal_seq DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn insert_closing(conn: &Db, key: &str, seq: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO closings (period_key, journal_seq) VALUES (?1, ?2)",
        params![key, seq],
    )?;
    Ok(())
}

/// Figures of the sales and credit notes dated (local time) from `start` to `end` included:
/// (sales count, sales total, credit notes count, credit total, net per method, net per
/// programme), and the perpetual grand total up to `end`.
#[allow(clippy::type_complexity)]
pub fn period_figures(
    conn: &Db,
    start: chrono::NaiveDate,
    end: chrono::NaiveDate,
) -> Result<(
    i64,
    Money,
    i64,
    Money,
    BTreeMap<PaymentMethod, Money>,
    BTreeMap<String, Money>,
    Money,
)> {
    // The index on `at` narrows the rows (UTC timestamps, a day of slack each side for any
    // time zone); the local days are then checked exactly.
    let lo = (start - chrono::Duration::days(1)).to_string();
    let hi = (end + chrono::Duration::days(2)).to_string();
    let (sales, total, change): (i64, i64, i64) = conn.query_row(
        "SELECT count(*), coalesce(sum(total_cents), 0), coalesce(sum(change_cents), 0) FROM sales
         WHERE at >= ?3 AND at < ?4 AND date(at, 'localtime') BETWEEN ?1 AND ?2",
        params![start, end, lo, hi],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let (notes, refunded): (i64, i64) = conn.query_row(
        "SELECT count(*), coalesce(sum(amount_cents), 0) FROM credit_notes WHERE at >= ?3 AND at < ?4 AND date(at, 'localtime') BETWEEN ?1 AND ?2",
        params![start, end, lo, hi],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut by_method: BTreeMap<PaymentMethod, Money> = BTreeMap::new();
    let mut add = |m: PaymentMethod, cents: i64| {
        let e = by_method.entry(m).or_default();
        *e = Money::from_cents(e.cents() + cents);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT p.method, sum(p.amount_cents) FROM payments p JOIN sales s ON s.id = p.sale_id
         WHERE s.at >= ?3 AND s.at < ?4 AND date(s.at, 'localtime') BETWEEN ?1 AND ?2 GROUP BY p.method",
    )?;
    for row in stmt.query_map(params![start, end, lo, hi], |r| {
        Ok((r.get::<_, PaymentMethod>(0)?, r.get::<_, i64>(1)?))
    })? {
        let (m, c) = row?;
        add(m, c);
    }
    if change > 0 {
        add(PaymentMethod::Cash, -change);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT refund_method, sum(amount_cents) FROM credit_notes WHERE at >= ?3 AND at < ?4 AND date(at, 'localtime') BETWEEN ?1 AND ?2 GROUP BY refund_method",
    )?;
    for row in stmt.query_map(params![start, end, lo, hi], |r| {
        Ok((r.get::<_, PaymentMethod>(0)?, r.get::<_, i64>(1)?))
    })? {
        let (m, c) = row?;
        add(m, -c);
    }
    let mut by_programme: BTreeMap<String, Money> = BTreeMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(programme, ''), sum(total_cents) FROM sales WHERE at >= ?3 AND at < ?4 AND date(at, 'localtime') BETWEEN ?1 AND ?2 GROUP BY 1
         UNION ALL
         SELECT coalesce(s.programme, ''), -sum(c.amount_cents) FROM credit_notes c JOIN sales s ON s.id = c.sale_id
         WHERE c.at >= ?3 AND c.at < ?4 AND date(c.at, 'localtime') BETWEEN ?1 AND ?2 GROUP BY 1",
    )?;
    for row in stmt.query_map(params![start, end, lo, hi], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })? {
        let (p, c) = row?;
        let key = if p.is_empty() {
            "(sans programme)".to_string()
        } else {
            p
        };
        let e = by_programme.entry(key).or_default();
        *e = Money::from_cents(e.cents() + c);
    }
    // Everything before the slack day counts without converting its time; only the rows near
    // the period's end are placed on their local day.
    let grand: i64 = conn.query_row(
        "SELECT (SELECT coalesce(sum(total_cents), 0) FROM sales WHERE at < ?2)
              + (SELECT coalesce(sum(total_cents), 0) FROM sales WHERE at >= ?2 AND at < ?3 AND date(at, 'localtime') <= ?1)
              - (SELECT coalesce(sum(amount_cents), 0) FROM credit_notes WHERE at < ?2)
              - (SELECT coalesce(sum(amount_cents), 0) FROM credit_notes WHERE at >= ?2 AND at < ?3 AND date(at, 'localtime') <= ?1)",
        params![end, (end - chrono::Duration::days(1)).to_string(), hi],
        |r| r.get(0),
    )?;
    Ok((
        sales,
        Money::from_cents(total),
        notes,
        Money::from_cents(refunded),
        by_method,
        by_programme,
        Money::from_cents(grand),
    ))
}

/// A credit note by its number, with who made it.
pub fn credit_note(conn: &Db, number: &str) -> Result<Option<(CreditNote, String)>> {
    Ok(conn
        .query_row(
            "SELECT c.number, s.receipt, c.line_no, c.reason, c.refund_method, c.amount_cents, c.at, c.operator
             FROM credit_notes c JOIN sales s ON s.id = c.sale_id WHERE c.number = ?1",
            [number],
            |r| {
                Ok((
                    CreditNote {
                        number: r.get(0)?,
                        cancels: r.get(1)?,
                        line: r.get::<_, Option<i64>>(2)?.map(|l| l as usize),
                        reason: r.get(3)?,
                        refund_method: r.get(4)?,
                        amount: Money::from_cents(r.get(5)?),
                        at: r.get(6)?,
                    },
                    r.get(7)?,
                ))
            },
        )
        .optional()?)
}

/// The journal entry (content) that closed a permanence, if it is closed.
pub fn session_close_entry(conn: &Db, session_id: i64) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT j.content FROM cash_sessions s JOIN journal j ON j.seq = s.close_seq WHERE s.id = ?1",
            [session_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// The journal entry (content) of a period closing, by its key (`day:2026-11-22`).
pub fn closing_entry(conn: &Db, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT j.content FROM closings c JOIN journal j ON j.seq = c.journal_seq WHERE c.period_key = ?1",
            [key],
            |r| r.get(0),
        )
        .optional()?)
}

/// How many sales this register has recorded.
pub fn sales_count(conn: &Db) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM sales", [], |r| r.get(0))?)
}
