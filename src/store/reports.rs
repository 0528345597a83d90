//! SQL of the funders' reports: aggregates only, over sales dated in a range (UTC bounds of
//! local days), net of the lines that credit notes cancelled.

use super::Db;
use std::collections::BTreeMap;

use rusqlite::params;

use crate::error::Result;
use crate::model::pos::PaymentMethod;

/// (kind, category, is a device, quantity).
pub type LineRow = (String, Option<String>, bool, i64);

/// Lines of the range that no credit note cancelled.
pub fn lines(conn: &Db, from: &str, to: &str, programme: Option<&str>) -> Result<Vec<LineRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.kind, l.category, l.device_id IS NOT NULL, sum(l.quantity)
         FROM sales s JOIN sale_lines l ON l.sale_id = s.id
         WHERE s.at >= ?1 AND s.at < ?2 AND (?3 IS NULL OR s.programme = ?3)
           AND NOT EXISTS (SELECT 1 FROM credit_notes c
                           WHERE c.sale_id = s.id AND (c.line_no IS NULL OR c.line_no = l.line_no))
         GROUP BY 1, 2, 3 ORDER BY 1, 2",
    )?;
    let rows = stmt.query_map(params![from, to, programme], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// People equipped in the range (at least one line not cancelled): in all, and by public.
pub fn people(conn: &Db, from: &str, to: &str, programme: Option<&str>) -> Result<(i64, BTreeMap<String, i64>)> {
    let equipped = "SELECT DISTINCT s.person_id AS id
         FROM sales s JOIN sale_lines l ON l.sale_id = s.id
         WHERE s.at >= ?1 AND s.at < ?2 AND (?3 IS NULL OR s.programme = ?3) AND s.person_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM credit_notes c
                           WHERE c.sale_id = s.id AND (c.line_no IS NULL OR c.line_no = l.line_no))";
    people_by_public(conn, equipped, params![from, to, programme])
}

/// The people `equipped` selects (one `id` per person): their number, and their number by
/// public (a person of two publics counts in each).
pub(super) fn people_by_public(
    conn: &Db,
    equipped: &str,
    params: impl rusqlite::Params + Copy,
) -> Result<(i64, BTreeMap<String, i64>)> {
    let total: i64 = conn.query_row(&format!("SELECT count(*) FROM ({equipped})"), params, |r| r.get(0))?;
    let mut stmt = conn.prepare_cached(&format!(
        "WITH equipped AS ({equipped})
         SELECT pp.public, count(*) FROM equipped e JOIN person_publics pp ON pp.person_id = e.id
         GROUP BY pp.public ORDER BY pp.public"
    ))?;
    let by_public = stmt
        .query_map(params, |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok((total, by_public))
}

/// Money taken in the range per payment method (change given back deducted from cash).
pub fn takings(
    conn: &Db,
    from: &str,
    to: &str,
    programme: Option<&str>,
) -> Result<(i64, BTreeMap<PaymentMethod, i64>)> {
    let mut by_method: BTreeMap<PaymentMethod, i64> = BTreeMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT p.method, sum(p.amount_cents) FROM sales s JOIN payments p ON p.sale_id = s.id
         WHERE s.at >= ?1 AND s.at < ?2 AND (?3 IS NULL OR s.programme = ?3) GROUP BY 1",
    )?;
    for row in stmt.query_map(params![from, to, programme], |r| {
        Ok((r.get::<_, PaymentMethod>(0)?, r.get::<_, i64>(1)?))
    })? {
        let (m, c) = row?;
        *by_method.entry(m).or_default() += c;
    }
    let (sales, change): (i64, i64) = conn.query_row(
        "SELECT count(*), coalesce(sum(change_cents), 0) FROM sales
         WHERE at >= ?1 AND at < ?2 AND (?3 IS NULL OR programme = ?3)",
        params![from, to, programme],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if change > 0 {
        *by_method.entry(PaymentMethod::Cash).or_default() -= change;
    }
    Ok((sales, by_method))
}

/// Credit notes dated in the range, for sales of the programme: count and amount.
pub fn credit_notes(conn: &Db, from: &str, to: &str, programme: Option<&str>) -> Result<(i64, i64)> {
    Ok(conn.query_row(
        "SELECT count(*), coalesce(sum(c.amount_cents), 0) FROM credit_notes c JOIN sales s ON s.id = c.sale_id
         WHERE c.at >= ?1 AND c.at < ?2 AND (?3 IS NULL OR s.programme = ?3)",
        params![from, to, programme],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// Devices on sale now, by kind and category.
pub fn available(conn: &Db) -> Result<Vec<(String, Option<String>, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, category, count(*) FROM devices WHERE state = 'available' GROUP BY 1, 2 ORDER BY 1, 2",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
