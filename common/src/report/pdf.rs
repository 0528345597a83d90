//! The funder's report as PDF pages, under the header of whoever prints it (a centre's
//! identity, or the network's): the figures in tables, and a bar chart of the people equipped
//! by public against the targets. Aggregates only.

use super::{Cell, Report};
use crate::layout::{line_height, Align, Canvas};

/// The report's figures, chart and tables, after the printer's header.
pub fn body(c: &mut Canvas, report: &Report) {
    c.field("Financeur", &report.funder, 11.0);
    c.field("Ventes", &report.sales.to_string(), 11.0);
    c.field("Personnes équipées", &report.people.text(), 11.0);
    c.field("Appareils distribués", &report.devices_total.to_string(), 11.0);
    c.space(2.0);
    c.paragraph(
        "Chiffres agrégés, sans aucun nom. Un nombre de une ou deux personnes est remplacé par « < 3 » \
         (seuls les nombres de personnes sont masqués : appareils, ventes et montants sont donnés tels quels).",
        8.5,
        false,
    );
    c.space(4.0);

    // The chart: one bar per public, people equipped against the target (the publics' only
    // table: each bar's value is written beside it, and the total below).
    c.ensure(12.0 + report.publics.len() as f32 * 11.0);
    c.line("Personnes équipées par public", 12.0, true, Align::Left);
    c.space(2.0);
    let label_w = 55.0;
    let bar_x = c.left() + label_w + 2.0;
    let bar_w = c.content_width() - label_w - 2.0 - 40.0;
    let scale = report
        .publics
        .iter()
        .map(|p| {
            let n = match p.people {
                Cell::Count(n) => n,
                Cell::FewerThanThree => 2,
            };
            n.max(p.target.unwrap_or(0) as i64)
        })
        .max()
        .unwrap_or(0)
        .max(1) as f32;
    for p in &report.publics {
        let top = c.y;
        let label_x = c.left();
        c.paragraph_in(label_x, label_w, &p.label, 9.5, false, Align::Left);
        let n = match p.people {
            Cell::Count(n) => n as f32,
            Cell::FewerThanThree => 0.0,
        };
        let h = 6.0;
        if let Some(t) = p.target.filter(|t| *t > 0) {
            // The target: an outlined bar.
            c.rect(bar_x, top, bar_w * t as f32 / scale, h, None);
        }
        if n > 0.0 {
            c.rect(bar_x, top, bar_w * n / scale, h, Some(0.35));
        }
        if p.people == Cell::FewerThanThree {
            // A masked count is said on its bar, never drawn as a real 0.
            let y = c.y;
            c.y = top + 0.6;
            c.line_in(bar_x + 1.0, 20.0, "< 3", 8.5, true, Align::Left);
            c.y = y;
        }
        let value = match (p.target, p.progress) {
            (Some(t), Some(pct)) => format!("{} / {t} ({pct} %)", p.people.text()),
            (Some(t), None) => format!("{} / {t}", p.people.text()),
            _ => p.people.text(),
        };
        let y = c.y;
        c.y = top;
        c.line_in(c.right() - 38.0, 38.0, &value, 9.5, false, Align::Right);
        c.y = y.max(top + h) + 3.0;
    }
    c.ensure(2.0 * line_height(10.0));
    let total_y = c.y;
    c.paragraph_in(
        c.left(),
        label_w,
        "Total des personnes équipées",
        9.5,
        true,
        Align::Left,
    );
    let after = c.y;
    c.y = total_y;
    c.line_in(c.right() - 38.0, 38.0, &report.people.text(), 9.5, true, Align::Right);
    c.y = after.max(c.y) + 1.0;
    // The legend names only what is drawn.
    let mut legend = super::chart_legend(&report.publics);
    legend.push("une personne de plusieurs publics compte dans chacun, et une fois au total");
    c.paragraph(&format!("{}.", legend.join(" ; ")), 8.0, false);
    c.space(4.0);

    let mut devices: Vec<(String, String)> = report
        .devices
        .iter()
        .map(|d| {
            let label = match d.category {
                Some(cat) => format!("{} — catégorie {}", d.kind.label(), cat.code()),
                None => d.kind.label().to_string(),
            };
            (label, d.count.to_string())
        })
        .collect();
    devices.push(("Total".into(), report.devices_total.to_string()));
    table(c, "Appareils distribués (hors avoirs)", &devices);
    if !report.items.is_empty() {
        let items: Vec<(String, String)> = report
            .items
            .iter()
            .map(|i| (i.kind.label().to_string(), i.quantity.to_string()))
            .collect();
        table(c, "Articles (cartes SIM, recharges, accessoires)", &items);
    }
    let mut money: Vec<(String, String)> = report
        .takings
        .iter()
        .map(|(m, a)| (m.label().to_string(), a.to_string()))
        .collect();
    money.push(("Total encaissé".into(), report.takings_total.to_string()));
    money.push((
        format!("dont part du financeur : {}", report.funder),
        report.funder_part.to_string(),
    ));
    money.push((
        format!("Avoirs ({})", report.credit_notes),
        crate::money::Money::from_cents(-report.credit_total.cents()).to_string(),
    ));
    money.push(("Net".into(), report.net.to_string()));
    table(c, "Encaissements par moyen de paiement", &money);
    if !report.loans.is_empty() {
        let loans: Vec<(String, String)> = report
            .loans
            .iter()
            .flat_map(|l| {
                [
                    ("prêtés", l.lent),
                    ("rendus", l.returned),
                    ("déclarés perdus", l.lost),
                    ("vendus à l'emprunteur", l.sold),
                ]
                .into_iter()
                .map(move |(what, n)| (format!("{} — {what}", l.kind.label()), n.to_string()))
            })
            .collect();
        table(c, "Prêts de la période (hors ventes)", &loans);
    }
}

/// A titled table of labels (wrapped on the left) and values (on the right), kept with its
/// first rows on one page; the funder's and the donor's reports share it.
pub fn table(c: &mut Canvas, title: &str, rows: &[(String, String)]) {
    c.ensure(line_height(11.0) + 2.0 + rows.len().min(3) as f32 * line_height(10.0));
    c.line(title, 11.0, true, Align::Left);
    c.hline(0.5);
    c.space(1.0);
    let w = c.content_width();
    for (label, value) in rows {
        // A row's label and value stay on one page.
        c.ensure(Canvas::measure(label, 10.0, false, w - 45.0).max(line_height(10.0)));
        let y = c.y;
        let x = c.left();
        c.paragraph_in(x, w - 45.0, label, 10.0, false, Align::Left);
        let after = c.y;
        c.y = y;
        c.line_in(x + w - 43.0, 43.0, value, 10.0, false, Align::Right);
        c.y = after.max(c.y);
    }
    c.space(3.0);
}
