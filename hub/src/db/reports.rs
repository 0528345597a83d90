//! The network's figures for a funder: the same [`Counts`] a centre's store counts, over the
//! sales, credit notes and loans the centres sent, for a programme, a period (the centres'
//! local dates, both included) and a set of centres. People are counted once per centre by
//! their pseudonymous reference (a person's references differ between centres: nothing links
//! them), so the network's figures are the sum of its centres'; a person counts under the
//! publics its latest sale of the period gave (as a centre counts its people's current
//! publics). Each figure is read from a covering index of the report rows (the sale's
//! programme, date, person reference and publics copied on each line and payment).

use super::*;
use comptoir_common::device::{Category, DeviceKind};
use comptoir_common::money::PaymentMethod;
use comptoir_common::programme::{LegalCaps, Programme};
use comptoir_common::report::Counts;

/// Which centres a network report covers: territory is where the centres are (the
/// département a centre declared); nothing about where buyers live reaches the hub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    Departement(String),
    Centres(Vec<String>),
}

/// The centres of a scope (ids, in order); refused when a named centre is unknown or a
/// département has none.
pub fn scope_centres(conn: &Connection, scope: &Scope) -> Result<Vec<String>> {
    let ids = |departement: Option<&str>| -> Result<Vec<String>> {
        let mut stmt =
            conn.prepare_cached("SELECT id FROM centres WHERE ?1 IS NULL OR departement = ?1 ORDER BY id")?;
        let rows = stmt.query_map([departement], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    match scope {
        Scope::All => ids(None),
        Scope::Departement(d) => {
            let found = ids(Some(d.trim()))?;
            if found.is_empty() {
                return Err(HubError::Invalid(format!(
                    "Aucun centre n'a déclaré le département « {} ».",
                    d.trim()
                )));
            }
            Ok(found)
        }
        Scope::Centres(list) => {
            let mut found: Vec<String> = list.iter().map(|c| require_centre(conn, c)).collect::<Result<_>>()?;
            found.sort();
            found.dedup();
            if found.is_empty() {
                return Err(HubError::Invalid("Choisissez au moins un centre.".into()));
            }
            Ok(found)
        }
    }
}

/// The programmes published to the network, as parsed (a file the caps now refuse is left
/// out: it could not be published today).
pub fn programmes(conn: &Connection) -> Result<Vec<Programme>> {
    let mut stmt = conn.prepare_cached("SELECT name, content FROM programmes ORDER BY name")?;
    let rows: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let caps = LegalCaps::shipped();
    Ok(rows
        .into_iter()
        .filter_map(|(name, content)| Programme::parse(&content, &name, &caps).ok())
        .collect())
}

fn bad_row(what: &str, value: &str) -> HubError {
    HubError::Invalid(format!("Donnée reçue illisible ({what} « {value} »)."))
}

/// The raw figures of `programme` from `from` to `to` (`AAAA-MM-JJ`, both included) over
/// `centres`.
pub fn counts(conn: &Connection, programme: &str, from: &str, to: &str, centres: &[String]) -> Result<Counts> {
    // Every centre: no filter (the list would only slow the scan down).
    let all: i64 = conn.query_row("SELECT count(*) FROM centres", [], |r| r.get(0))?;
    let centres =
        (centres.len() as i64 != all).then(|| serde_json::to_string(centres).expect("a list of ids serialises"));
    let p = params![programme, from, to, centres];
    let in_scope = "(?4 IS NULL OR centre_id IN (SELECT value FROM json_each(?4)))";
    let mut counts = Counts::default();
    // Each query reads one covering index of the report rows (schema 7), never the sales.
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT kind, category, sum(CASE WHEN tag IS NOT NULL THEN quantity ELSE 0 END),
                sum(CASE WHEN tag IS NULL THEN quantity ELSE 0 END)
         FROM sale_lines
         WHERE programme = ?1 AND date >= ?2 AND date <= ?3 AND cancelled_by IS NULL AND {in_scope}
         GROUP BY kind, category"
    ))?;
    let rows = stmt.query_map(p, |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
        ))
    })?;
    for row in rows {
        let (kind, category, devices, items) = row?;
        let kind = DeviceKind::parse(&kind).map_err(|_| bad_row("type", &kind))?;
        let category = match category {
            Some(c) => Some(Category::parse(&c).map_err(|_| bad_row("catégorie", &c))?),
            None => None,
        };
        if devices > 0 {
            *counts.devices.entry((kind, category)).or_default() += devices;
        }
        if items > 0 {
            *counts.items.entry(kind).or_default() += items;
        }
    }
    // People equipped (a line no credit note cancelled), each under the publics of its latest
    // such line in the period: one row per set of publics.
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT publics, count(*) FROM (
             SELECT max(date), publics FROM sale_lines
             WHERE programme = ?1 AND date >= ?2 AND date <= ?3 AND cancelled_by IS NULL
               AND person_ref IS NOT NULL AND {in_scope}
             GROUP BY centre_id, person_ref)
         GROUP BY publics"
    ))?;
    let rows = stmt.query_map(p, |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    for row in rows {
        let (publics, n) = row?;
        counts.people += n;
        let publics: Vec<String> = serde_json::from_str(&publics).map_err(|_| bad_row("publics", &publics))?;
        for public in publics {
            *counts.by_public.entry(public).or_default() += n;
        }
    }
    counts.sales = conn.query_row(
        &format!("SELECT count(*) FROM sales WHERE programme = ?1 AND date >= ?2 AND date <= ?3 AND {in_scope}"),
        p,
        |r| r.get(0),
    )?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT method, sum(amount_cents) FROM sale_payments
         WHERE programme = ?1 AND date >= ?2 AND date <= ?3 AND {in_scope} GROUP BY method"
    ))?;
    let rows = stmt.query_map(p, |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    for row in rows {
        let (method, cents) = row?;
        let method = PaymentMethod::parse(&method).map_err(|_| bad_row("moyen de paiement", &method))?;
        *counts.takings.entry(method).or_default() += cents;
    }
    (counts.credit_notes, counts.credit_cents) = conn.query_row(
        &format!(
            "SELECT count(*), coalesce(sum(amount_cents), 0) FROM credit_notes
             WHERE programme = ?1 AND date >= ?2 AND date <= ?3 AND {in_scope}"
        ),
        p,
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT kind,
                count(CASE WHEN lent_on >= ?2 AND lent_on <= ?3 THEN 1 END),
                count(CASE WHEN status = 'returned' AND ended_on >= ?2 AND ended_on <= ?3 THEN 1 END),
                count(CASE WHEN status = 'lost' AND ended_on >= ?2 AND ended_on <= ?3 THEN 1 END),
                count(CASE WHEN status = 'sold' AND ended_on >= ?2 AND ended_on <= ?3 THEN 1 END)
         FROM loans WHERE programme = ?1 AND {in_scope} GROUP BY kind"
    ))?;
    let rows = stmt.query_map(p, |r| {
        Ok((r.get::<_, String>(0)?, [r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?]))
    })?;
    for row in rows {
        let (kind, n) = row?;
        counts
            .loans
            .insert(DeviceKind::parse(&kind).map_err(|_| bad_row("type", &kind))?, n);
    }
    Ok(counts)
}
