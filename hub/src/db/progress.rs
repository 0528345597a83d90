//! The programmes' progress, kept as sales and credit notes arrive (schema 7): per person of a
//! centre, the lines no credit note cancelled and the publics of its latest sale; per set of
//! publics, the people counting (a line not cancelled); per kind and category, the devices and
//! items handed over. The dashboard reads these few rows instead of a year of sale lines. Invariant: they are what `reports::counts` would count over every
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
        let publics = serde_json::to_string(&facts.publics).expect("publics serialise");
        let before = person_row(tx, programme, centre, person)?;
        // The person's publics are those of its latest sale.
        let (now_publics, now_date, lines) = match &before {
            Some((p, d, n)) if *d > facts.date => (p.clone(), d.clone(), n + 1),
            Some((_, _, n)) => (publics.clone(), facts.date.clone(), n + 1),
            None => (publics.clone(), facts.date.clone(), 1),
        };
        tx.prepare_cached(
            "INSERT INTO progress_people (programme, centre_id, person_ref, publics, last_date, lines)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT DO UPDATE SET publics = excluded.publics, last_date = excluded.last_date,
                 lines = excluded.lines",
        )?
        .execute(params![programme, centre, person, now_publics, now_date, lines])?;
        // Counted under its former publics while it had a line not cancelled: moved.
        if let Some((p, _, _)) = before.filter(|(_, _, n)| *n > 0) {
            count_people(tx, programme, &p, -1)?;
        }
        count_people(tx, programme, &now_publics, 1)?;
    }
    Ok(())
}

/// A person's progress row: its publics, last date, lines not cancelled.
fn person_row(tx: &Connection, programme: &str, centre: &str, person: &str) -> Result<Option<(String, String, i64)>> {
    Ok(tx
        .prepare_cached(
            "SELECT publics, last_date, lines FROM progress_people
             WHERE programme = ?1 AND centre_id = ?2 AND person_ref = ?3",
        )?
        .query_row(params![programme, centre, person], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?)
}

/// One more (or one fewer) person counting under a programme's set of publics.
fn count_people(tx: &Connection, programme: &str, publics: &str, n: i64) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO progress_publics (programme, publics, people) VALUES (?1, ?2, ?3)
         ON CONFLICT DO UPDATE SET people = people + excluded.people",
    )?
    .execute(params![programme, publics, n])?;
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
        // Its last line not cancelled: the person no longer counts.
        if let Some((publics, _, 0)) = person_row(tx, &programme, centre, &person)? {
            count_people(tx, &programme, &publics, -1)?;
        }
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
         DELETE FROM progress_publics;
         INSERT INTO progress_people (programme, centre_id, person_ref, publics, last_date, lines)
             SELECT programme, centre_id, person_ref, publics, max(date), count(*) FROM sale_lines
             WHERE cancelled_by IS NULL AND person_ref IS NOT NULL AND programme IS NOT NULL
             GROUP BY programme, centre_id, person_ref;
         INSERT INTO progress_goods (programme, kind, category, devices, items)
             SELECT programme, kind, coalesce(category, ''),
                    sum(CASE WHEN tag IS NOT NULL THEN quantity ELSE 0 END),
                    sum(CASE WHEN tag IS NULL THEN quantity ELSE 0 END)
             FROM sale_lines WHERE cancelled_by IS NULL AND programme IS NOT NULL
             GROUP BY programme, kind, coalesce(category, '');
         INSERT INTO progress_publics (programme, publics, people)
             SELECT programme, publics, count(*) FROM progress_people WHERE lines > 0
             GROUP BY programme, publics;",
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
    let mut stmt =
        conn.prepare_cached("SELECT publics, people FROM progress_publics WHERE programme = ?1 AND people > 0")?;
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

#[cfg(test)]
mod tests {
    use super::super::{open, reports, sales};
    use super::*;
    use comptoir_common::protocol::CreditNoteFacts;

    fn sale(date: &str, publics: &[&str], tag: &str) -> SaleFacts {
        SaleFacts {
            date: date.into(),
            register: "R1".into(),
            receipt_seq: 1,
            person: Some("P1".into()),
            publics: publics.iter().map(|p| p.to_string()).collect(),
            programme: Some("defaut".into()),
            lines: vec![WireLine {
                line_no: 1,
                kind: DeviceKind::Laptop,
                category: Some(Category::B),
                quantity: 1,
                unit_cents: 9000,
                tag: Some(tag.into()),
                provenance: None,
            }],
            payments: vec![],
        }
    }

    /// What the report counts over every date, for the progress's figures.
    fn report(conn: &Connection) -> Counts {
        let mut c = reports::counts(conn, "defaut", "2000-01-01", "2100-12-31", &["C01".into()]).unwrap();
        (c.sales, c.takings, c.credit_notes, c.credit_cents, c.loans) = Default::default();
        c
    }

    #[test]
    fn a_persons_progress_follows_its_latest_publics_and_its_credit_notes() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open(&dir.path().join("hub.sqlite")).unwrap();
        super::super::create_centre(&conn, "C01", "Centre").unwrap();
        let tx = conn.transaction().unwrap();
        let at = "2026-05-01T10:00:00.000Z";
        sales::record_sale(&tx, "C01", "s1", &sale("2026-03-01", &["rsa"], "T1"), "v2", at).unwrap();
        assert_eq!(progress(&tx, "defaut").unwrap(), report(&tx));
        assert_eq!(progress(&tx, "defaut").unwrap().by_public.get("rsa"), Some(&1));
        // A later sale with more publics: the person moves to them, counted once.
        sales::record_sale(
            &tx,
            "C01",
            "s2",
            &sale("2026-04-01", &["rsa", "etudiant"], "T2"),
            "v2",
            at,
        )
        .unwrap();
        // An earlier sale arriving late does not change its publics.
        sales::record_sale(
            &tx,
            "C01",
            "s0",
            &sale("2026-02-01", &["demandeur_emploi"], "T0"),
            "v2",
            at,
        )
        .unwrap();
        let now = progress(&tx, "defaut").unwrap();
        assert_eq!(now, report(&tx));
        assert_eq!((now.people, now.by_public.len()), (1, 2));
        assert_eq!(now.devices.values().sum::<i64>(), 3);
        // Every line cancelled: the person no longer counts; once only per line.
        for (uuid, sale) in [("a1", "s1"), ("a2", "s2"), ("a0", "s0"), ("a0bis", "s0")] {
            let note = CreditNoteFacts {
                date: "2026-05-01".into(),
                register: "R1".into(),
                sale: sale.into(),
                lines: vec![1],
                programme: Some("defaut".into()),
                amount_cents: 9000,
                refund: "cash".into(),
            };
            sales::record_credit_note(&tx, "C01", uuid, &note, at).unwrap();
        }
        let none = progress(&tx, "defaut").unwrap();
        assert_eq!(none, report(&tx));
        assert_eq!((none.people, none.devices.len(), none.by_public.len()), (0, 0, 0));
    }
}
