//! The network report and dashboard, as the console and `comptoir-hub report` make them: the
//! centres' own `Report` from the hub's `Counts` (`db::reports`), for a programme, a period
//! and a scope; its PDF under the network's header (the centres' page layout); the dashboard's
//! figures. No HTTP here: the console and the command line format what these return.

use chrono::NaiveDate;

use crate::db;
use crate::db::reports::{self as sql, Scope};
use comptoir_common::layout::{Align, Canvas};
use comptoir_common::programme::Programme;
use comptoir_common::report::Report;

/// A report asked for, checked: the programme, the period, the scope.
pub struct Asked {
    pub programme: Programme,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub scope: Scope,
}

fn date(text: &str, what: &str) -> Result<NaiveDate, String> {
    comptoir_common::refurbishing::parse_date(text)
        .ok_or_else(|| format!("{what} « {} » n'est pas une date (JJ/MM/AAAA).", text.trim()))
}

impl Asked {
    /// A report asked for as typed: the programme's id among `programmes`, the first and last
    /// days (AAAA-MM-JJ or JJ/MM/AAAA), the scope; refused in French.
    pub fn parse(
        programmes: &[Programme],
        programme: &str,
        from: &str,
        to: &str,
        scope: Scope,
    ) -> Result<Asked, String> {
        let programme = programmes
            .iter()
            .find(|p| p.id == programme.trim())
            .cloned()
            .ok_or_else(|| format!("Programme inconnu : « {} ».", programme.trim()))?;
        let (from, to) = (date(from, "Début")?, date(to, "Fin")?);
        if to < from {
            return Err("La fin de la période est avant son début.".into());
        }
        Ok(Asked {
            programme,
            from,
            to,
            scope,
        })
    }
}

/// A report built: the figures, and how the scope is said (with the centres it covers).
pub struct Built {
    pub report: Report,
    pub scope_text: String,
}

/// Builds the network report of `asked` (the hub's database only).
pub fn build(conn: &rusqlite::Connection, asked: &Asked) -> db::Result<Built> {
    let centres = sql::scope_centres(conn, &asked.scope)?;
    let counts = sql::counts(
        conn,
        &asked.programme.id,
        &asked.from.to_string(),
        &asked.to.to_string(),
        &centres,
    )?;
    Ok(Built {
        report: Report::from_counts(&asked.programme, asked.from, asked.to, &counts),
        scope_text: scope_text(&asked.scope, &centres),
    })
}

/// How a scope is said, with the centres it covers.
fn scope_text(scope: &Scope, centres: &[String]) -> String {
    match scope {
        Scope::All => format!("tous les centres du réseau ({})", centres.len()),
        Scope::Departement(d) => format!("les centres du département {d} ({})", centres.join(", ")),
        Scope::Centres(_) => format!("les centres {}", centres.join(", ")),
    }
}

/// The network report as PDF: the network's header, then the centres' report pages.
pub fn pdf(built: &Built) -> Vec<u8> {
    let report = &built.report;
    let mut c = Canvas::a4();
    c.set_continuation(format!("Bilan du réseau — {} (suite)", report.programme));
    c.line("Réseau Comptoir — bilan du réseau", 10.0, false, Align::Left);
    c.line("BILAN POUR LE FINANCEUR", 13.0, true, Align::Left);
    c.line(&report.programme, 11.0, true, Align::Left);
    c.line(
        &format!(
            "du {} au {}",
            report.from.format("%d/%m/%Y"),
            report.to.format("%d/%m/%Y")
        ),
        10.0,
        false,
        Align::Left,
    );
    c.paragraph(&format!("Périmètre : {}.", built.scope_text), 10.0, false);
    c.paragraph(
        "Les personnes sont comptées une fois par centre (référence pseudonyme du centre) ; le lieu est celui des centres, jamais celui des personnes.",
        8.5,
        false,
    );
    c.space(3.0);
    comptoir_common::report::pdf::body(&mut c, report);
    c.into_pdf(&format!("Bilan du réseau {}", report.programme))
}

/// What the dashboard shows: each programme under way, network-wide — its people by public and
/// its devices so far, from the progress the hub keeps as sales arrive (`db::progress`; the
/// report's money is not read) — and the stock on hand by kind (coordinators only).
pub struct Dashboard {
    pub programmes: Vec<Report>,
    pub stock: Vec<(String, i64, i64)>,
}

/// The dashboard's figures for `programmes` on `today` (the hub's database only).
pub fn dashboard(
    conn: &rusqlite::Connection,
    programmes: &[Programme],
    today: NaiveDate,
    with_stock: bool,
) -> db::Result<Dashboard> {
    let mut reports = Vec::new();
    for p in programmes {
        if p.start > today || p.end.is_some_and(|e| e < today) {
            continue;
        }
        let to = p.end.unwrap_or(today).min(today);
        reports.push(Report::from_counts(
            p,
            p.start,
            to,
            &db::progress::progress(conn, &p.id)?,
        ));
    }
    let stock = if with_stock {
        db::stock_on_hand(conn)?
    } else {
        Vec::new()
    };
    Ok(Dashboard {
        programmes: reports,
        stock,
    })
}
