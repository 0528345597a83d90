//! SQL of recorded sales as screens and documents read them: a sale with its lines (as
//! corrected), its payments and its tax facts; the list; the programmes' names.

use super::Db;
use std::collections::BTreeMap;

use rusqlite::OptionalExtension;

use crate::device::{Category, DeviceKind};
use crate::error::Result;
use crate::model::pos::{SaleLine, SalePayment, SaleRecord, SaleSummary};
use crate::money::Money;
use crate::tax::Rate;

/// The rates a sale's tax was fixed with (`{"laptop": 2000, …}`); unreadable entries are left
/// to the normal rate.
pub fn fixed_rates(json: &str) -> BTreeMap<DeviceKind, Rate> {
    serde_json::from_str::<BTreeMap<String, u32>>(json)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(kind, rate)| Some((DeviceKind::parse(&kind).ok()?, Rate::try_from(rate).ok()?)))
        .collect()
}

/// Fixes the tax of a sale recorded without one (once; nothing if it has one or was fixed).
#[allow(clippy::too_many_arguments)]
pub fn fix_tax(
    conn: &Db,
    receipt: &str,
    status: Option<&str>,
    mention: &str,
    rates: &str,
    at: &str,
    seq: i64,
) -> Result<()> {
    conn.execute(
        "INSERT INTO sale_tax_fixed (sale_id, status, mention, rates, at, journal_seq)
         SELECT id, ?2, ?3, ?4, ?5, ?6 FROM sales s
         WHERE receipt = ?1 AND tax_status IS NULL
           AND NOT EXISTS (SELECT 1 FROM sale_tax_fixed f WHERE f.sale_id = s.id)",
        rusqlite::params![receipt, status, mention, rates, at, seq],
    )?;
    Ok(())
}

/// Whether a sale's tax is still open: recorded without a status and not fixed since.
pub fn tax_open(conn: &Db, receipt: &str) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT count(*) FROM sales s WHERE receipt = ?1 AND tax_status IS NULL
           AND NOT EXISTS (SELECT 1 FROM sale_tax_fixed f WHERE f.sale_id = s.id)",
        [receipt],
        |r| r.get::<_, i64>(0),
    )? > 0)
}

/// A rate as stored (hundredths of a percent).
fn rate(value: Option<u32>) -> rusqlite::Result<Option<Rate>> {
    value
        .map(|v| {
            Rate::try_from(v).map_err(|e| rusqlite::Error::InvalidColumnType(0, e, rusqlite::types::Type::Integer))
        })
        .transpose()
}

pub fn sale(conn: &Db, receipt: &str) -> Result<Option<SaleRecord>> {
    let head = conn
        .query_row(
            "SELECT s.id, s.uuid, s.receipt, s.session_id, s.person_id, s.programme, s.at, s.operator, s.total_cents,
                    (SELECT group_concat(number, ', ') FROM credit_notes c WHERE c.sale_id = s.id),
                    coalesce(s.programme_name, s.programme), coalesce(s.tax_status, f.status),
                    coalesce(s.tax_mention, f.mention), f.rates
             FROM sales s LEFT JOIN sale_tax_fixed f ON f.sale_id = s.id WHERE s.receipt = ?1",
            [receipt],
            |r| {
                Ok(SaleRecord {
                    id: r.get(0)?,
                    uuid: r.get(1)?,
                    receipt: r.get(2)?,
                    session_id: r.get(3)?,
                    person_id: r.get(4)?,
                    programme: r.get(5)?,
                    at: r.get(6)?,
                    operator: r.get(7)?,
                    total: Money::from_cents(r.get(8)?),
                    cancelled_by: r.get(9)?,
                    programme_name: r.get(10)?,
                    tax_status: r.get(11)?,
                    tax_mention: r.get(12)?,
                    tax_fixed: r.get::<_, Option<String>>(13)?.map(|json| fixed_rates(&json)),
                    lines: Vec::new(),
                    payments: Vec::new(),
                })
            },
        )
        .optional()?;
    let Some(mut sale) = head else { return Ok(None) };
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(k.to_device_id, l.device_id), d.tag, l.kind, l.category, coalesce(k.label, l.label), l.quantity,
                l.unit_cents,
                (SELECT number FROM credit_notes c WHERE c.sale_id = l.sale_id AND (c.line_no IS NULL OR c.line_no = l.line_no)),
                CASE WHEN k.id IS NOT NULL THEN (SELECT tag FROM devices WHERE id = l.device_id) END,
                l.vat_rate, l.vat_cents, l.margin_cents, d.donor_kind,
                CASE WHEN k.id IS NULL THEN l.erasure_ref
                     ELSE (SELECT reference FROM device_records WHERE id = d.erasure_record) END
         FROM sale_lines l
         LEFT JOIN line_corrections k
             ON k.id = (SELECT max(id) FROM line_corrections WHERE sale_id = l.sale_id AND line_no = l.line_no)
         LEFT JOIN devices d ON d.id = coalesce(k.to_device_id, l.device_id)
         WHERE l.sale_id = ?1 ORDER BY l.line_no",
    )?;
    sale.lines = stmt
        .query_map([sale.id], |r| {
            Ok(SaleLine {
                device_id: r.get(0)?,
                tag: r.get(1)?,
                kind: r.get::<_, DeviceKind>(2)?,
                category: r.get::<_, Option<Category>>(3)?,
                label: r.get(4)?,
                quantity: r.get::<_, i64>(5)? as u32,
                unit_price: Money::from_cents(r.get(6)?),
                cancelled_by: r.get(7)?,
                corrected_from: r.get(8)?,
                vat_rate: rate(r.get(9)?)?,
                vat: r.get::<_, Option<i64>>(10)?.map(Money::from_cents),
                margin: r.get::<_, Option<i64>>(11)?.map(Money::from_cents),
                provenance: r.get(12)?,
                erasure_ref: r.get(13)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt =
        conn.prepare_cached("SELECT method, amount_cents, reference FROM payments WHERE sale_id = ?1 ORDER BY rowid")?;
    sale.payments = stmt
        .query_map([sale.id], |r| {
            Ok(SalePayment {
                method: r.get(0)?,
                amount: Money::from_cents(r.get(1)?),
                reference: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(sale))
}

/// Each programme's name as its latest sale recorded it (closings total by programme code).
pub fn programme_names(conn: &Db) -> Result<BTreeMap<String, String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT programme, programme_name FROM sales
         WHERE id IN (SELECT max(id) FROM sales WHERE programme_name IS NOT NULL GROUP BY programme)",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn list_sales(conn: &Db, limit: usize) -> Result<Vec<SaleSummary>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.receipt, s.at, s.operator, s.person_id, s.programme, s.total_cents,
                (SELECT group_concat(number, ', ') FROM credit_notes c WHERE c.sale_id = s.id)
         FROM sales s ORDER BY s.id DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit as i64], |r| {
        Ok(SaleSummary {
            receipt: r.get(0)?,
            at: r.get(1)?,
            operator: r.get(2)?,
            person_id: r.get(3)?,
            programme: r.get(4)?,
            total: Money::from_cents(r.get(5)?),
            total_text: Money::from_cents(r.get(5)?).to_string(),
            cancelled_by: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whose lines tax totals read: a permanence's, or the local days of a period.
#[derive(Debug, Clone, Copy)]
pub enum TaxScope {
    Session(i64),
    Period(chrono::NaiveDate, chrono::NaiveDate),
}

/// A line as tax totals read it: +1 sold, −1 cancelled by a credit note in scope.
pub struct TaxRow {
    pub kind: DeviceKind,
    pub tagged: bool,
    pub ttc_cents: i64,
    pub tax: Option<crate::tax::LineTax>,
    pub sign: i64,
    /// A sale recorded without a status whose tax was fixed since: (status, rates).
    pub fixed: Option<(Option<crate::tax::TaxStatus>, BTreeMap<DeviceKind, Rate>)>,
}

/// The lines of the sales in scope, the lines the credit notes in scope cancelled, and the
/// distinct mentions the sales in scope were recorded under.
pub fn tax_rows(conn: &Db, scope: TaxScope) -> Result<(Vec<TaxRow>, Vec<String>)> {
    let (on_sale, on_note, args): (&str, &str, Vec<String>) = match scope {
        TaxScope::Session(id) => ("s.session_id = ?1", "c.session_id = ?1", vec![id.to_string()]),
        TaxScope::Period(start, end) => (
            // As the closings' figures: UTC bounds with a day of slack, then local days.
            "s.at >= ?3 AND s.at < ?4 AND date(s.at, 'localtime') BETWEEN ?1 AND ?2",
            "c.at >= ?3 AND c.at < ?4 AND date(c.at, 'localtime') BETWEEN ?1 AND ?2",
            vec![
                start.to_string(),
                end.to_string(),
                (start - chrono::Duration::days(1)).to_string(),
                (end + chrono::Duration::days(2)).to_string(),
            ],
        ),
    };
    let sql = format!(
        "SELECT l.kind, l.device_id IS NOT NULL, l.quantity * l.unit_cents, l.vat_rate, l.vat_cents, l.margin_cents, 1,
                f.sale_id IS NOT NULL, f.status, f.rates
         FROM sale_lines l JOIN sales s ON s.id = l.sale_id LEFT JOIN sale_tax_fixed f ON f.sale_id = l.sale_id
         WHERE {on_sale}
         UNION ALL
         SELECT l.kind, l.device_id IS NOT NULL, l.quantity * l.unit_cents, l.vat_rate, l.vat_cents, l.margin_cents, -1,
                f.sale_id IS NOT NULL, f.status, f.rates
         FROM credit_notes c JOIN sale_lines l ON l.sale_id = c.sale_id
              AND (c.line_no = l.line_no
                   OR (c.line_no IS NULL AND NOT EXISTS (
                        SELECT 1 FROM credit_notes e WHERE e.sale_id = c.sale_id AND e.line_no = l.line_no AND e.id < c.id)))
              LEFT JOIN sale_tax_fixed f ON f.sale_id = l.sale_id
         WHERE {on_note}"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(&args), |r| {
            let vat: Option<i64> = r.get(4)?;
            Ok(TaxRow {
                kind: r.get(0)?,
                tagged: r.get(1)?,
                ttc_cents: r.get(2)?,
                tax: match vat {
                    Some(vat) => Some(crate::tax::LineTax {
                        rate: rate(r.get(3)?)?,
                        vat: Money::from_cents(vat),
                        margin: r.get::<_, Option<i64>>(5)?.map(Money::from_cents),
                    }),
                    None => None,
                },
                sign: r.get(6)?,
                fixed: match r.get::<_, bool>(7)? {
                    true => Some((r.get(8)?, fixed_rates(&r.get::<_, String>(9)?))),
                    false => None,
                },
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut stmt = conn.prepare(&format!(
        "SELECT DISTINCT coalesce(s.tax_mention, f.mention) FROM sales s LEFT JOIN sale_tax_fixed f ON f.sale_id = s.id
         WHERE coalesce(s.tax_mention, f.mention) IS NOT NULL AND {on_sale} ORDER BY s.id"
    ))?;
    let mentions = stmt
        .query_map(rusqlite::params_from_iter(&args), |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok((rows, mentions))
}
