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

/// Per kind of device: (received in the range, sold in the range and not cancelled, taken back
/// by a credit note in the range, given back to the network in the range, on sale at the end,
/// out of order at the end).
pub fn movements(conn: &Db, donor: &str, from: &str, to: &str) -> Result<BTreeMap<String, [i64; 6]>> {
    let queries = [
        "SELECT d.kind, count(DISTINCT d.id) FROM devices d JOIN device_events e ON e.device_id = d.id
         WHERE d.donor = ?1 AND e.to_state = 'received' AND e.at >= ?2 AND e.at < ?3 GROUP BY 1",
        "SELECT d.kind, count(*) FROM sales s JOIN sale_lines l ON l.sale_id = s.id JOIN devices d ON d.id = l.device_id
         WHERE d.donor = ?1 AND s.at >= ?2 AND s.at < ?3
           AND NOT EXISTS (SELECT 1 FROM credit_notes c
                           WHERE c.sale_id = s.id AND (c.line_no IS NULL OR c.line_no = l.line_no))
         GROUP BY 1",
        "SELECT d.kind, count(*) FROM credit_notes c
         JOIN sale_lines l ON l.sale_id = c.sale_id AND (c.line_no IS NULL OR c.line_no = l.line_no)
         JOIN devices d ON d.id = l.device_id
         WHERE d.donor = ?1 AND c.at >= ?2 AND c.at < ?3 GROUP BY 1",
        "SELECT d.kind, count(DISTINCT d.id) FROM devices d JOIN device_events e ON e.device_id = d.id
         WHERE d.donor = ?1 AND e.to_state = 'returned' AND e.at >= ?2 AND e.at < ?3 GROUP BY 1",
        "SELECT d.kind, count(*) FROM devices d WHERE d.donor = ?1 AND ?2 = ?2
           AND (SELECT e.to_state FROM device_events e WHERE e.device_id = d.id AND e.at < ?3
                ORDER BY e.id DESC LIMIT 1) = 'available' GROUP BY 1",
        "SELECT d.kind, count(*) FROM devices d WHERE d.donor = ?1 AND ?2 = ?2
           AND (SELECT e.to_state FROM device_events e WHERE e.device_id = d.id AND e.at < ?3
                ORDER BY e.id DESC LIMIT 1) = 'defective' GROUP BY 1",
    ];
    let mut out: BTreeMap<String, [i64; 6]> = BTreeMap::new();
    for (i, sql) in queries.iter().enumerate() {
        let mut stmt = conn.prepare_cached(sql)?;
        let rows = stmt.query_map(params![donor, from, to], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        for row in rows {
            let (kind, n) = row?;
            out.entry(kind).or_default()[i] = n;
        }
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
