//! SQL of the donor reports: what became of one donor's devices over a range (UTC bounds of
//! local days), and the people who bought them, by public. Aggregates only.

use std::collections::BTreeMap;

use rusqlite::params;

use super::Db;
use crate::error::Result;

/// Each donor of the stock: its name, provenance kind, and number of devices.
pub fn donors(conn: &Db) -> Result<Vec<(String, String, i64)>> {
    let mut stmt = conn.prepare(
        "SELECT donor, donor_kind, count(*) FROM devices WHERE donor IS NOT NULL AND donor_kind IS NOT NULL
         GROUP BY donor, donor_kind ORDER BY donor, donor_kind",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The conventions named on the donor's devices.
pub fn conventions(conn: &Db, donor: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT DISTINCT convention FROM devices WHERE donor = ?1 AND coalesce(convention, '') <> '' ORDER BY 1",
    )?;
    let rows = stmt.query_map([donor], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Per kind of device, the donor's devices received in the range (their first check-in), each
/// in one column by where it stands at the range's end (its last move before it): [received,
/// sold, taken back by a credit note, given back, on sale, lent, out of order, recycled, lost,
/// checked in and not yet on sale]. One row a device, one column a row: the columns after the
/// first add up to it.
pub fn movements(conn: &Db, donor: &str, from: &str, to: &str) -> Result<BTreeMap<String, [i64; 10]>> {
    let mut stmt = conn.prepare_cached(
        "WITH cohort AS (
             SELECT d.id, d.kind,
                    (SELECT e.to_state FROM device_events e WHERE e.device_id = d.id AND e.at < ?3
                     ORDER BY e.id DESC LIMIT 1) AS state,
                    EXISTS (SELECT 1 FROM credit_notes c JOIN sale_lines l ON l.sale_id = c.sale_id
                                AND (c.line_no IS NULL OR c.line_no = l.line_no)
                            WHERE l.device_id = d.id AND c.at < ?3) AS taken_back
             FROM devices d
             WHERE d.donor = ?1
               AND (SELECT min(e.at) FROM device_events e WHERE e.device_id = d.id AND e.to_state = 'received')
                   >= ?2
               AND (SELECT min(e.at) FROM device_events e WHERE e.device_id = d.id AND e.to_state = 'received')
                   < ?3)
         SELECT kind,
                CASE
                    WHEN state = 'sold' THEN 1
                    WHEN state = 'returned' THEN 3
                    WHEN state = 'lent' THEN 5
                    WHEN state = 'recycled' THEN 7
                    WHEN state = 'lost' THEN 8
                    WHEN taken_back THEN 2
                    WHEN state IN ('available', 'reserved') THEN 4
                    WHEN state = 'defective' THEN 6
                    ELSE 9
                END AS col,
                count(*)
         FROM cohort GROUP BY 1, 2",
    )?;
    let mut out: BTreeMap<String, [i64; 10]> = BTreeMap::new();
    let rows = stmt.query_map(params![donor, from, to], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)? as usize,
            r.get::<_, i64>(2)?,
        ))
    })?;
    for row in rows {
        let (kind, col, n) = row?;
        let counts = out.entry(kind).or_default();
        counts[0] += n;
        counts[col] += n;
    }
    Ok(out)
}

/// The people who bought one of the donor's devices in the range (a line not cancelled): in
/// all, and by public.
pub fn people(conn: &Db, donor: &str, from: &str, to: &str) -> Result<(i64, BTreeMap<String, i64>)> {
    let equipped = "SELECT DISTINCT s.person_id AS id
         FROM sales s JOIN sale_lines l ON l.sale_id = s.id JOIN devices d ON d.id = l.device_id
         WHERE d.donor = ?1 AND s.at >= ?2 AND s.at < ?3 AND s.person_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM credit_notes c
                           WHERE c.sale_id = s.id AND (c.line_no IS NULL OR c.line_no = l.line_no))";
    super::reports::people_by_public(conn, equipped, params![donor, from, to])
}
