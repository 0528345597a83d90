//! The funder's report, as the centres and the network build it: for a programme and a
//! period, what was distributed (devices by kind and category, counted items), the people
//! equipped by public against the programme's targets, the money taken by payment method, the
//! part covered by the funder, the credit notes and the loans. [`Counts`] are the raw figures
//! (a centre's store or the hub's database counts them; a network's are the sum of its
//! centres'); [`Report::from_counts`] masks them: a cell that would count one or two people
//! shows « < 3 », so that nobody can be singled out. As CSV for French spreadsheets here; as
//! PDF with [`pdf`] (feature `pdf`).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

use crate::device::{Category, DeviceKind};
use crate::money::{Money, PaymentMethod};
use crate::programme::Programme;

#[cfg(feature = "pdf")]
pub mod pdf;

/// A count of people: shown as is from 3 on, or 0; else « < 3 ». Only people are masked (the
/// rule protects them, not devices or money): devices, sales and amounts are shown as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ts_rs::TS)]
#[ts(export, type = "number | \"< 3\"")]
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
    /// Devices, not people: never masked.
    pub count: i64,
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
    pub devices_total: i64,
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

/// The raw figures of a report, before any masking: what a centre's store or the hub's
/// database counts over a period and a programme. A network's figures are the sum
/// ([`Counts::add`]) of its centres' (people are counted once per centre).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Sales of the period (a sale later cancelled counts: its credit note counts too).
    pub sales: i64,
    /// Devices not cancelled by a credit note, by kind and category.
    pub devices: BTreeMap<(DeviceKind, Option<Category>), i64>,
    /// Counted items (SIM cards, accessories) by kind.
    pub items: BTreeMap<DeviceKind, i64>,
    /// People equipped (at least one line not cancelled), and by public (a person of two
    /// publics counts in each).
    pub people: i64,
    pub by_public: BTreeMap<String, i64>,
    /// Cents kept by payment method (cash net of the change given back).
    pub takings: BTreeMap<PaymentMethod, i64>,
    pub credit_notes: i64,
    pub credit_cents: i64,
    /// Loans by kind: lent, returned, lost, turned into a sale.
    pub loans: BTreeMap<DeviceKind, [i64; 4]>,
}

impl Counts {
    /// Adds another centre's figures to these.
    pub fn add(&mut self, other: &Counts) {
        self.sales += other.sales;
        for (k, n) in &other.devices {
            *self.devices.entry(*k).or_default() += n;
        }
        for (k, n) in &other.items {
            *self.items.entry(*k).or_default() += n;
        }
        self.people += other.people;
        for (k, n) in &other.by_public {
            *self.by_public.entry(k.clone()).or_default() += n;
        }
        for (k, n) in &other.takings {
            *self.takings.entry(*k).or_default() += n;
        }
        self.credit_notes += other.credit_notes;
        self.credit_cents += other.credit_cents;
        for (k, n) in &other.loans {
            let row = self.loans.entry(*k).or_default();
            for i in 0..4 {
                row[i] += n[i];
            }
        }
    }
}

impl Report {
    /// The report of `programme` from `from` to `to` out of its raw figures: « < 3 » for one or
    /// two people, progress to each public's target, totals. Rows in the order of their codes.
    pub fn from_counts(programme: &Programme, from: NaiveDate, to: NaiveDate, counts: &Counts) -> Report {
        let mut devices: Vec<DeviceRow> = counts
            .devices
            .iter()
            .map(|((kind, category), n)| DeviceRow {
                kind: *kind,
                category: *category,
                count: *n,
            })
            .collect();
        devices.sort_by_key(|d| (d.kind.code(), d.category.map(|c| c.code())));
        let mut items: Vec<ItemRow> = counts
            .items
            .iter()
            .map(|(kind, quantity)| ItemRow {
                kind: *kind,
                quantity: *quantity,
            })
            .collect();
        items.sort_by_key(|i| i.kind.code());
        let publics = programme
            .publics
            .values()
            .map(|p| {
                let people = Cell::of(counts.by_public.get(&p.code).copied().unwrap_or(0));
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
        let takings: BTreeMap<PaymentMethod, Money> = counts
            .takings
            .iter()
            .map(|(m, c)| (*m, Money::from_cents(*c)))
            .collect();
        let takings_total = Money::from_cents(counts.takings.values().sum());
        let mut loans: Vec<LoanRow> = counts
            .loans
            .iter()
            .map(|(kind, [lent, returned, lost, sold])| LoanRow {
                kind: *kind,
                lent: *lent,
                returned: *returned,
                lost: *lost,
                sold: *sold,
            })
            .collect();
        loans.sort_by_key(|l| l.kind.code());
        Report {
            programme_id: programme.id.clone(),
            programme: programme.name.clone(),
            funder: programme.funder.clone(),
            from,
            to,
            sales: counts.sales,
            devices,
            devices_total: counts.devices.values().sum(),
            items,
            people: Cell::of(counts.people),
            publics,
            funder_part: takings.get(&PaymentMethod::Funder).copied().unwrap_or_default(),
            takings,
            takings_total,
            credit_notes: counts.credit_notes,
            credit_total: Money::from_cents(counts.credit_cents),
            net: Money::from_cents(takings_total.cents() - counts.credit_cents),
            loans,
        }
    }
}

/// The legend of a chart of people by public, naming only what it draws: the filled bar, a
/// frame when a public has a target, « < 3 » when a count is masked (the funder's PDF and the
/// network's dashboard draw the same chart).
pub fn chart_legend(publics: &[PublicRow]) -> Vec<&'static str> {
    let mut parts = vec!["Barre pleine : personnes équipées"];
    if publics.iter().any(|p| p.target.is_some_and(|t| t > 0)) {
        parts.push("cadre : objectif du programme");
    }
    if publics.iter().any(|p| p.people == Cell::FewerThanThree) {
        parts.push("« < 3 » : une ou deux personnes (nombre masqué)");
    }
    parts
}

/// "1234,50": no € sign and no thousands separator, so that a spreadsheet reads a number.
fn amount(m: Money) -> String {
    let cents = m.cents();
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{},{:02}", cents.abs() / 100, cents.abs() % 100)
}

/// A CSV cell, quoted when it holds `;`, `"` or a line break.
fn csv_field(s: &str) -> String {
    let s = neutralise_formula(s);
    if s.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// A cell a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return: a programme named `=HYPERLINK(…)`, a funder `+cmd|…`) is written as text,
/// behind an apostrophe (OWASP « CSV injection »). A plain negative number (`-60,00`) stays a
/// number.
fn neutralise_formula(s: &str) -> String {
    let number = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.');
    let risky = match s.chars().next() {
        Some('=' | '+' | '@' | '\t' | '\r') => true,
        Some('-') => !number(&s[1..]),
        _ => false,
    };
    if risky {
        format!("'{s}")
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
            &d.count.to_string(),
            "",
            "",
        ));
    }
    rows.push(row(
        "Appareils distribués",
        "Total",
        "",
        &report.devices_total.to_string(),
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
pub fn csv_bytes<R: AsRef<[String]>>(rows: &[R]) -> Vec<u8> {
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
        // Formulas are written as text (issue 33, item 11); negative amounts stay numbers.
        assert_eq!(
            csv_field("=HYPERLINK(\"http://x\")"),
            "\"'=HYPERLINK(\"\"http://x\"\")\""
        );
        assert_eq!(csv_field("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
        assert_eq!(csv_field("@SUM(1)"), "'@SUM(1)");
        assert_eq!(csv_field("-2+3"), "'-2+3");
        assert_eq!(csv_field("\tx"), "'\tx");
        assert_eq!(csv_field("-60,00"), "-60,00");
        assert_eq!(csv_field("-"), "'-");
    }
}
