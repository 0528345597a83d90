//! The funder's report: for a programme and a period, what was distributed (devices by kind and
//! category, counted items), the people equipped by public against the programme's targets,
//! the money taken by payment method, the part covered by the funder, and the credit notes.
//! Aggregates only: never a name; a cell that would count one or two people shows « < 3 »,
//! so that nobody can be singled out. As PDF (with a bar chart) or CSV for French spreadsheets.

use crate::error::Code;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

use crate::device::{Category, DeviceKind};
use crate::error::{Error, Result};
use crate::money::Money;
use crate::pos::PaymentMethod;
use crate::programme::Programme;
use crate::store::{reports as sql, Store};

/// A count of people (or of what they received): shown as is from 3 on, or 0; else « < 3 ».
#[derive(Debug, Clone, Copy, PartialEq, Eq, ts_rs::TS)]
#[ts(export)]
pub enum Cell {
    Count(i64),
    FewerThanThree,
}

impl Cell {
    pub fn of(n: i64) -> Cell {
        if (1..3).contains(&n) {
            Cell::FewerThanThree
        } else {
            Cell::Count(n)
        }
    }

    pub fn text(self) -> String {
        match self {
            Cell::Count(n) => n.to_string(),
            Cell::FewerThanThree => "< 3".to_string(),
        }
    }
}

impl Serialize for Cell {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Cell::Count(n) => s.serialize_i64(*n),
            Cell::FewerThanThree => s.serialize_str("< 3"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceRow {
    pub kind: DeviceKind,
    pub category: Option<Category>,
    pub count: Cell,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemRow {
    pub kind: DeviceKind,
    pub quantity: i64,
}

/// Loans of the period, apart from sales: lent, given back, declared lost, turned into a sale
/// (the sale counts among the sales too).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoanRow {
    pub kind: DeviceKind,
    pub lent: i64,
    pub returned: i64,
    pub lost: i64,
    pub sold: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PublicRow {
    pub public: String,
    pub label: String,
    pub people: Cell,
    pub target: Option<u32>,
    /// People equipped / target, in whole percent (none without a target, or when masked).
    pub progress: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub programme_id: String,
    pub programme: String,
    pub funder: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub sales: i64,
    pub devices: Vec<DeviceRow>,
    pub devices_total: Cell,
    pub items: Vec<ItemRow>,
    pub people: Cell,
    pub publics: Vec<PublicRow>,
    pub takings: BTreeMap<PaymentMethod, Money>,
    pub takings_total: Money,
    /// What the funder covers (payments « prise en charge du financeur »).
    pub funder_part: Money,
    pub credit_notes: i64,
    pub credit_total: Money,
    /// Takings less credit notes.
    pub net: Money,
    /// Loans, apart from sales.
    pub loans: Vec<LoanRow>,
}

/// A programme by id or name (accents and case ignored).
pub fn find_programme<'a>(programmes: &'a [Programme], name: &str) -> Result<&'a Programme> {
    let folded = crate::text::fold(name);
    programmes
        .iter()
        .find(|p| crate::text::fold(&p.id) == folded || crate::text::fold(&p.name) == folded)
        .ok_or_else(|| Error::Refused {
            code: Code::NotFound,
            message: format!(
                "Programme inconnu : « {name} ». Programmes : {}.",
                programmes
                    .iter()
                    .map(|p| format!("{} ({})", p.id, p.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
}

/// The UTC bounds of the local days `from` to `to` (included), as stored timestamps compare;
/// a period that ends before it starts is refused.
pub(crate) fn bounds(from: NaiveDate, to: NaiveDate) -> Result<(String, String)> {
    if to < from {
        return Err(Error::Refused {
            code: Code::Invalid,
            message: format!(
                "La période va du {} au {} : la fin est avant le début.",
                from.format("%d/%m/%Y"),
                to.format("%d/%m/%Y")
            ),
        });
    }
    Ok((
        crate::local::start_of_day(from),
        crate::local::start_of_day(to.succ_opt().unwrap_or(to)),
    ))
}

/// The report of a programme from `from` to `to` (local dates, both included).
pub fn build(store: &Store, programme: &Programme, from: NaiveDate, to: NaiveDate) -> Result<Report> {
    let (start, end) = bounds(from, to)?;
    let conn = store.db();
    let id = Some(programme.id.as_str());
    let mut devices = Vec::new();
    let mut items = Vec::new();
    let mut devices_total = 0;
    for (kind, category, is_device, quantity) in sql::lines(conn, &start, &end, id)? {
        let kind = DeviceKind::parse(&kind)?;
        let category = category.as_deref().map(Category::parse).transpose()?;
        if is_device {
            devices_total += quantity;
            devices.push(DeviceRow {
                kind,
                category,
                count: Cell::of(quantity),
            });
        } else {
            items.push(ItemRow { kind, quantity });
        }
    }
    let (people, by_public) = sql::people(conn, &start, &end, id)?;
    let publics = programme
        .publics
        .values()
        .map(|p| {
            let n = by_public.get(&p.code).copied().unwrap_or(0);
            let people = Cell::of(n);
            PublicRow {
                public: p.code.clone(),
                label: p.label.clone(),
                people,
                target: p.target,
                progress: match (people, p.target) {
                    (Cell::Count(n), Some(t)) if t > 0 => Some((n * 100 / t as i64) as u32),
                    _ => None,
                },
            }
        })
        .collect();
    let (sales, takings) = sql::takings(conn, &start, &end, id)?;
    let takings: BTreeMap<PaymentMethod, Money> = takings.into_iter().map(|(m, c)| (m, Money::from_cents(c))).collect();
    let takings_total = Money::from_cents(takings.values().map(|m| m.cents()).sum());
    let (credit_notes, credit_cents) = sql::credit_notes(conn, &start, &end, id)?;
    Ok(Report {
        programme_id: programme.id.clone(),
        programme: programme.name.clone(),
        funder: programme.funder.clone(),
        from,
        to,
        sales,
        devices,
        devices_total: Cell::of(devices_total),
        items,
        people: Cell::of(people),
        publics,
        funder_part: takings.get(&PaymentMethod::Funder).copied().unwrap_or_default(),
        takings,
        takings_total,
        credit_notes,
        credit_total: Money::from_cents(credit_cents),
        net: Money::from_cents(takings_total.cents() - credit_cents),
        loans: crate::store::loans::counts_between(conn, &start, &end, &programme.id)?
            .into_iter()
            .map(|(kind, lent, returned, lost, sold)| LoanRow {
                kind,
                lent,
                returned,
                lost,
                sold,
            })
            .collect(),
    })
}

/// "1234,50": no € sign and no thousands separator, so that a spreadsheet reads a number.
fn amount(m: Money) -> String {
    let cents = m.cents();
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{},{:02}", cents.abs() / 100, cents.abs() % 100)
}

/// A CSV cell, quoted when it holds `;`, `"` or a line break.
fn csv_field(s: &str) -> String {
    if s.contains([';', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The CSV for French spreadsheets: `;`, UTF-8 with BOM, decimal commas, dates JJ/MM/AAAA.
pub fn to_csv(report: &Report) -> Vec<u8> {
    let mut rows: Vec<[String; 6]> = vec![[
        "Rubrique".into(),
        "Détail".into(),
        "Catégorie".into(),
        "Nombre".into(),
        "Montant (€)".into(),
        "Objectif / avancement".into(),
    ]];
    let row = |a: &str, b: &str, c: &str, n: &str, m: &str, o: &str| -> [String; 6] {
        [a.into(), b.into(), c.into(), n.into(), m.into(), o.into()]
    };
    rows.push(row("Programme", &report.programme, &report.funder, "", "", ""));
    rows.push(row(
        "Période",
        &format!(
            "du {} au {}",
            report.from.format("%d/%m/%Y"),
            report.to.format("%d/%m/%Y")
        ),
        "",
        "",
        "",
        "",
    ));
    for d in &report.devices {
        rows.push(row(
            "Appareils distribués",
            d.kind.label(),
            d.category.map(|c| c.code()).unwrap_or(""),
            &d.count.text(),
            "",
            "",
        ));
    }
    rows.push(row(
        "Appareils distribués",
        "Total",
        "",
        &report.devices_total.text(),
        "",
        "",
    ));
    for i in &report.items {
        rows.push(row("Articles", i.kind.label(), "", &i.quantity.to_string(), "", ""));
    }
    rows.push(row("Personnes équipées", "Total", "", &report.people.text(), "", ""));
    for p in &report.publics {
        let objective = match (p.target, p.progress) {
            (Some(t), Some(pct)) => format!("{t} ({pct} %)"),
            (Some(t), None) => t.to_string(),
            _ => String::new(),
        };
        rows.push(row(
            "Personnes équipées",
            &p.label,
            "",
            &p.people.text(),
            "",
            &objective,
        ));
    }
    for (method, m) in &report.takings {
        rows.push(row("Encaissements", method.label(), "", "", &amount(*m), ""));
    }
    rows.push(row(
        "Encaissements",
        "Total",
        "",
        &report.sales.to_string(),
        &amount(report.takings_total),
        "",
    ));
    rows.push(row(
        "Part du financeur",
        &report.funder,
        "",
        "",
        &amount(report.funder_part),
        "",
    ));
    rows.push(row(
        "Avoirs",
        "Total",
        "",
        &report.credit_notes.to_string(),
        &amount(report.credit_total),
        "",
    ));
    rows.push(row(
        "Net",
        "Encaissements moins avoirs",
        "",
        "",
        &amount(report.net),
        "",
    ));
    for l in &report.loans {
        for (what, n) in [
            ("prêtés", l.lent),
            ("rendus", l.returned),
            ("perdus", l.lost),
            ("vendus à l'emprunteur", l.sold),
        ] {
            rows.push(row("Prêts (hors ventes)", l.kind.label(), what, &n.to_string(), "", ""));
        }
    }
    csv_bytes(&rows)
}

/// Rows as a CSV file for French spreadsheets: UTF-8 with BOM, `;`, CRLF.
pub(crate) fn csv_bytes<R: AsRef<[String]>>(rows: &[R]) -> Vec<u8> {
    let mut out = "\u{feff}".to_string();
    for r in rows {
        out.push_str(&r.as_ref().iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(";"));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_or_two_people_are_never_shown() {
        assert_eq!(Cell::of(0).text(), "0");
        assert_eq!(Cell::of(1).text(), "< 3");
        assert_eq!(Cell::of(2).text(), "< 3");
        assert_eq!(Cell::of(3).text(), "3");
        assert_eq!(serde_json::to_string(&Cell::of(2)).unwrap(), "\"< 3\"");
        assert_eq!(serde_json::to_string(&Cell::of(12)).unwrap(), "12");
    }

    #[test]
    fn amounts_are_written_for_a_french_spreadsheet() {
        assert_eq!(amount(Money::from_cents(123450)), "1234,50");
        assert_eq!(amount(Money::from_cents(-5)), "-0,05");
        assert_eq!(csv_field("a;b"), "\"a;b\"");
        assert_eq!(csv_field("dit \"oui\""), "\"dit \"\"oui\"\"\"");
        assert_eq!(csv_field("Étudiant"), "Étudiant");
    }
}

/// A programme's progress since it started (to its end, or today).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Progress {
    pub programme_id: String,
    pub programme: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub people: Cell,
    pub devices: Cell,
    pub publics: Vec<PublicRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct StockRow {
    pub kind: DeviceKind,
    pub category: Option<Category>,
    pub available: i64,
}

/// The dashboard: each active programme's progress to its targets, and the stock on sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Dashboard {
    pub programmes: Vec<Progress>,
    pub stock: Vec<StockRow>,
    /// Loans past their due date, the latest due first.
    pub loans_overdue: Vec<crate::loans::Loan>,
}

pub fn dashboard(store: &Store, programmes: &[Programme], today: NaiveDate) -> Result<Dashboard> {
    let mut progress = Vec::new();
    for p in programmes {
        if p.start > today || p.end.is_some_and(|e| e < today) {
            continue;
        }
        let report = build(store, p, p.start, p.end.unwrap_or(today).min(today))?;
        progress.push(Progress {
            programme_id: report.programme_id,
            programme: report.programme,
            from: report.from,
            to: report.to,
            people: report.people,
            devices: report.devices_total,
            publics: report.publics,
        });
    }
    let mut stock = Vec::new();
    for (kind, category, available) in sql::available(store.db())? {
        stock.push(StockRow {
            kind: DeviceKind::parse(&kind)?,
            category: category.as_deref().map(Category::parse).transpose()?,
            available,
        });
    }
    Ok(Dashboard {
        programmes: progress,
        stock,
        loans_overdue: crate::loans::overdue(store)?,
    })
}
