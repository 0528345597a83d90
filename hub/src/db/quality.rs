//! What the network learns after the sale: each centre's warranty returns (kept by the
//! centre's return id, opened then ended) and recycling batches, and the failure rates by
//! refurbisher and model the coordinators read (`comptoir-hub quality`; the network's console
//! will show the same rows).

use super::sales::{claim, release, LineKey, Outcome};
use super::*;
use comptoir_common::protocol::{LoanFacts, RecyclingFacts, ReturnFacts};
use serde::Serialize;

/// Keeps a return (its opening, then its end). An exchange moves the sale line to the device
/// handed over, as a line correction does: the device taken back is out of order at the centre.
pub(crate) fn record_return(tx: &Connection, centre: &str, ret: &ReturnFacts, at: &str) -> Result<Outcome> {
    let before: Option<Option<String>> = tx
        .prepare_cached("SELECT outcome FROM warranty_returns WHERE centre_id = ?1 AND return_id = ?2")?
        .query_row(params![centre, ret.return_id], |r| r.get(0))
        .optional()?;
    tx.prepare_cached(
        "INSERT INTO warranty_returns (centre_id, return_id, opened_on, sale_uuid, line_no, tag, kind, category, brand,
             model, refurbisher, fault, months_since_delivery, in_guarantee, presumed, outcome, closed_on, new_tag,
             received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
         ON CONFLICT (centre_id, return_id) DO UPDATE SET outcome = excluded.outcome,
             closed_on = excluded.closed_on, new_tag = excluded.new_tag, received_at = excluded.received_at",
    )?
    .execute(params![
        centre,
        ret.return_id,
        ret.opened_on,
        ret.sale,
        ret.line_no,
        ret.tag,
        ret.kind.code(),
        ret.category.map(|c| c.code()),
        ret.brand,
        ret.model,
        ret.refurbisher,
        ret.fault,
        ret.months_since_delivery,
        ret.in_guarantee,
        ret.presumed,
        ret.outcome,
        ret.closed_on,
        ret.new_tag,
        at
    ])?;
    let mut outcome = Outcome::default();
    let newly_exchanged = before.flatten().is_none() && ret.outcome.as_deref() == Some("exchanged");
    if let (true, Some(new_tag)) = (newly_exchanged, &ret.new_tag) {
        let line: LineKey = (centre.to_string(), ret.sale.clone(), i64::from(ret.line_no));
        tx.prepare_cached("UPDATE sale_lines SET tag = ?4 WHERE centre_id = ?1 AND sale_uuid = ?2 AND line_no = ?3")?
            .execute(params![centre, ret.sale, ret.line_no, new_tag])?;
        let how = format!(
            "échange sous garantie au centre {centre} ({}) : {} repris, {new_tag} remis",
            ret.closed_on.as_deref().unwrap_or_default(),
            ret.tag
        );
        release(tx, &line, &ret.tag, &how, at)?;
        tx.prepare_cached(
            "UPDATE devices SET state = 'defective', sold_centre = NULL, sold_sale = NULL, sold_line = NULL,
             state_before_sale = NULL, updated_at = ?2 WHERE tag = ?1 AND centre_id = ?3",
        )?
        .execute(params![ret.tag, at, centre])?;
        claim(tx, &line, new_tag, at, &mut outcome)?;
    }
    Ok(outcome)
}

/// Keeps a recycling batch; its devices of this centre leave the network's stock for good.
pub(crate) fn record_recycling(
    tx: &Connection,
    centre: &str,
    batch: &RecyclingFacts,
    at: &str,
) -> Result<(AckStatus, Option<String>, Option<i64>)> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO recycling_batches (centre_id, number, collection_point, handed_on, reference, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        centre,
        batch.number,
        batch.collection_point,
        batch.handed_on,
        batch.reference,
        at
    ])?;
    let mut unknown = Vec::new();
    for device in &batch.devices {
        tx.prepare_cached(
            "INSERT OR IGNORE INTO recycled_devices (centre_id, number, tag, destruction) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![centre, batch.number, device.tag, device.destruction])?;
        let moved = tx
            .prepare_cached(
                "UPDATE devices SET state = 'recycled', sold_centre = NULL, sold_sale = NULL, sold_line = NULL,
                 updated_at = ?2 WHERE tag = ?1 AND centre_id = ?3",
            )?
            .execute(params![device.tag, at, centre])?;
        if moved == 0 {
            unknown.push(device.tag.clone());
        }
    }
    let message = (!unknown.is_empty()).then(|| {
        format!(
            "Appareils inconnus du hub ou d'un autre centre, gardés dans le lot : {}",
            unknown.join(", ")
        )
    });
    Ok((AckStatus::Accepted, message, None))
}

/// Keeps a loan (its lending, then its end); the network's stock shows the device lent, back
/// on sale, or lost (a loan turned into a sale moves it with the sale's own event).
pub(crate) fn record_loan(
    tx: &Connection,
    centre: &str,
    loan: &LoanFacts,
    at: &str,
) -> Result<(AckStatus, Option<String>, Option<i64>)> {
    tx.prepare_cached(
        "INSERT INTO loans (centre_id, loan_id, tag, kind, category, programme, person_ref, publics, lent_on, due_on,
             status, ended_on, condition, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
         ON CONFLICT (centre_id, loan_id) DO UPDATE SET status = excluded.status, ended_on = excluded.ended_on,
             condition = excluded.condition, received_at = excluded.received_at",
    )?
    .execute(params![
        centre,
        loan.loan_id,
        loan.tag,
        loan.kind.code(),
        loan.category.map(|c| c.code()),
        loan.programme,
        loan.person,
        serde_json::to_string(&loan.publics).expect("publics serialise"),
        loan.lent_on,
        loan.due_on,
        loan.status,
        loan.ended_on,
        loan.condition,
        at
    ])?;
    let state = match loan.status.as_str() {
        "out" => Some("lent"),
        "returned" => Some("available"),
        "lost" => Some("lost"),
        _ => None,
    };
    let mut message = None;
    if let Some(state) = state {
        let moved = tx
            .prepare_cached("UPDATE devices SET state = ?2, updated_at = ?3 WHERE tag = ?1 AND centre_id = ?4")?
            .execute(params![loan.tag, state, at, centre])?;
        if moved == 0 {
            message = Some(format!(
                "{} est inconnu du hub ou d'un autre centre : prêt gardé.",
                loan.tag
            ));
        }
    }
    Ok((AckStatus::Accepted, message, None))
}

/// Returns against devices sold, for one refurbisher and model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailureRate {
    pub refurbisher: String,
    pub kind: String,
    pub brand: String,
    pub model: String,
    /// Devices of this model handed over by a sale (or taken back by an exchange).
    pub sold: i64,
    pub returns: i64,
    pub in_guarantee: i64,
    pub open: i64,
    pub repaired: i64,
    pub exchanged: i64,
    pub refunded: i64,
    /// Returns per hundred devices sold.
    pub rate_percent: f64,
    /// Median months from delivery to the return.
    pub median_months: Option<i64>,
}

/// Failure rates by refurbisher and model, the most returned first.
pub fn failure_rates(conn: &Connection) -> Result<Vec<FailureRate>> {
    let mut stmt = conn.prepare(
        "WITH sold_tags AS (
             SELECT tag FROM sale_lines WHERE tag IS NOT NULL UNION SELECT tag FROM warranty_returns
         ),
         sold AS (
             SELECT coalesce(json_extract(d.device, '$.refurbisher'), '') AS refurbisher, d.kind AS kind,
                    coalesce(json_extract(d.device, '$.brand'), '') AS brand,
                    coalesce(json_extract(d.device, '$.model'), '') AS model, count(*) AS n
             FROM sold_tags t JOIN devices d ON d.tag = t.tag GROUP BY 1, 2, 3, 4
         ),
         returned AS (
             SELECT coalesce(refurbisher, '') AS refurbisher, kind, brand, model, count(*) AS n,
                    -- `IS`, never `=`: an open return's outcome is NULL, and a sum of NULLs is NULL.
                    sum(in_guarantee IS 1) AS covered, sum(outcome IS NULL) AS open,
                    sum(outcome IS 'repaired') AS repaired, sum(outcome IS 'exchanged') AS exchanged,
                    sum(outcome IS 'refunded') AS refunded
             FROM warranty_returns GROUP BY 1, 2, 3, 4
         )
         SELECT r.refurbisher, r.kind, r.brand, r.model, coalesce(s.n, 0), r.n, r.covered, r.open, r.repaired,
                r.exchanged, r.refunded
         FROM returned r LEFT JOIN sold s
             ON s.refurbisher = r.refurbisher AND s.kind = r.kind AND s.brand = r.brand AND s.model = r.model
         ORDER BY r.n DESC, r.refurbisher, r.brand, r.model",
    )?;
    let rows = stmt.query_map([], |r| {
        let sold: i64 = r.get(4)?;
        let returns: i64 = r.get(5)?;
        Ok(FailureRate {
            refurbisher: r.get(0)?,
            kind: r.get(1)?,
            brand: r.get(2)?,
            model: r.get(3)?,
            sold,
            returns,
            in_guarantee: r.get(6)?,
            open: r.get(7)?,
            repaired: r.get(8)?,
            exchanged: r.get(9)?,
            refunded: r.get(10)?,
            rate_percent: if sold > 0 {
                (returns as f64 * 1000.0 / sold as f64).round() / 10.0
            } else {
                0.0
            },
            median_months: None,
        })
    })?;
    let mut out: Vec<FailureRate> = rows.collect::<rusqlite::Result<_>>()?;
    let mut months = conn.prepare_cached(
        "SELECT months_since_delivery FROM warranty_returns
         WHERE coalesce(refurbisher, '') = ?1 AND kind = ?2 AND brand = ?3 AND model = ?4 ORDER BY 1",
    )?;
    for row in &mut out {
        let values: Vec<i64> = months
            .query_map(params![row.refurbisher, row.kind, row.brand, row.model], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        row.median_months = values.get(values.len() / 2).copied();
    }
    Ok(out)
}
