//! The programmes' progress, kept as sales and credit notes arrive (schema 7): per person of a
//! centre, the lines no credit note cancelled and the publics of its latest sale; per kind and
//! category, the devices and items handed over. The dashboard reads these few rows instead of
//! a year of sale lines. Invariant: they are what `reports::counts` would count over every
//! date (a test compares them), changed only here, in the transaction that records the sale
//! or the credit note.

use super::*;
use comptoir_common::device::{Category, DeviceKind};
use comptoir_common::protocol::{SaleFacts, WireLine};
use comptoir_common::report::Counts;

/// A sale's line counts toward its programme's progress.
pub(super) fn add_line(tx: &Connection, centre: &str, facts: &SaleFacts, line: &WireLine) -> Result<()> {
    let Some(programme) = &facts.programme else {
        return Ok(());
    };
    goods(
        tx,
        programme,
        line.kind.code(),
        line.category.map(|c| c.code()),
        line.tag.is_some(),
        i64::from(line.quantity),
    )?;
    if let Some(person) = &facts.person {
        tx.prepare_cached(
            "INSERT INTO progress_people (programme, centre_id, person_ref, publics, last_date, lines)
             VALUES (?1, ?2, ?3, ?4, ?5, 1)
             ON CONFLICT DO UPDATE SET lines = lines + 1,
                 publics = CASE WHEN excluded.last_date >= last_date THEN excluded.publics ELSE publics END,
                 last_date = max(last_date, excluded.last_date)",
        )?
        .execute(params![
            programme,
            centre,
            person,
            serde_json::to_string(&facts.publics).expect("publics serialise"),
            facts.date
        ])?;
    }
    Ok(())
}

/// A sale line a credit note is about to cancel stops counting (once: a line already
/// cancelled is left).
pub(super) fn cancel_line(tx: &Connection, centre: &str, sale: &str, line_no: u32) -> Result<()> {
    let line: Option<(Option<String>, Option<String>, String, Option<String>, bool, i64)> = tx
        .prepare_cached(
            "SELECT programme, person_ref, kind, category, tag IS NOT NULL, quantity FROM sale_lines
             WHERE centre_id = ?1 AND sale_uuid = ?2 AND line_no = ?3 AND cancelled_by IS NULL",
        )?
        .query_row(params![centre, sale, line_no], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
        })
        .optional()?;
    let Some((Some(programme), person, kind, category, is_device, quantity)) = line else {
        return Ok(());
    };
    goods(tx, &programme, &kind, category.as_deref(), is_device, -quantity)?;
    if let Some(person) = person {
        tx.prepare_cached(
            "UPDATE progress_people SET lines = lines - 1 WHERE programme = ?1 AND centre_id = ?2 AND person_ref = ?3",
        )?
        .execute(params![programme, centre, person])?;
    }
    Ok(())
}

fn goods(tx: &Connection, programme: &str, kind: &str, category: Option<&str>, is_device: bool, n: i64) -> Result<()> {
    let (devices, items) = if is_device { (n, 0) } else { (0, n) };
    tx.prepare_cached(
        "INSERT INTO progress_goods (programme, kind, category, devices, items) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT DO UPDATE SET devices = devices + excluded.devices, items = items + excluded.items",
    )?
    .execute(params![programme, kind, category.unwrap_or(""), devices, items])?;
    Ok(())
}

/// Recomputes the progress from the sale lines (what schema 7's migration does once): for
/// rows written other than by recording sales, as the scale benchmark writes its network.
pub fn rebuild(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "DELETE FROM progress_people;
         DELETE FROM progress_goods;
         INSERT INTO progress_people (programme, centre_id, person_ref, publics, last_date, lines)
             SELECT programme, centre_id, person_ref, publics, max(date), count(*) FROM sale_lines
             WHERE cancelled_by IS NULL AND person_ref IS NOT NULL AND programme IS NOT NULL
             GROUP BY programme, centre_id, person_ref;
         INSERT INTO progress_goods (programme, kind, category, devices, items)
             SELECT programme, kind, coalesce(category, ''),
                    sum(CASE WHEN tag IS NOT NULL THEN quantity ELSE 0 END),
                    sum(CASE WHEN tag IS NULL THEN quantity ELSE 0 END)
             FROM sale_lines WHERE cancelled_by IS NULL AND programme IS NOT NULL
             GROUP BY programme, kind, coalesce(category, '');",
    )?;
    Ok(())
}

/// A programme's progress over the whole network, every date: devices, items, people and
/// people by public (the publics of each person's latest sale), as [`Counts`] (money left at
/// zero).
pub fn progress(conn: &Connection, programme: &str) -> Result<Counts> {
    let mut counts = Counts::default();
    let mut stmt =
        conn.prepare_cached("SELECT kind, category, devices, items FROM progress_goods WHERE programme = ?1")?;
    let rows = stmt.query_map([programme], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
        ))
    })?;
    for row in rows {
        let (kind, category, devices, items) = row?;
        let bad = |what: &str, v: &str| HubError::Invalid(format!("Donnée reçue illisible ({what} « {v} »)."));
        let kind = DeviceKind::parse(&kind).map_err(|_| bad("type", &kind))?;
        let category = match category.as_str() {
            "" => None,
            c => Some(Category::parse(c).map_err(|_| bad("catégorie", c))?),
        };
        if devices > 0 {
            counts.devices.insert((kind, category), devices);
        }
        if items > 0 {
            *counts.items.entry(kind).or_default() += items;
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT publics, count(*) FROM progress_people WHERE programme = ?1 AND lines > 0 GROUP BY publics",
    )?;
    let rows = stmt.query_map([programme], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    for row in rows {
        let (publics, n) = row?;
        counts.people += n;
        let publics: Vec<String> = serde_json::from_str(&publics)
            .map_err(|_| HubError::Invalid(format!("Donnée reçue illisible (publics « {publics} »).")))?;
        for public in publics {
            *counts.by_public.entry(public).or_default() += n;
        }
    }
    Ok(counts)
}
