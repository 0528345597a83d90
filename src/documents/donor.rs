//! The donor report as PDF: the centre's identity, the report's number and period, what became
//! of the donor's devices by kind, and the people equipped by public. Aggregates only.

use super::layout::{Align, Canvas};
use super::receipt::header;
use super::{file_name, Document, DocumentKind, Seller};
use crate::donors::{DonorCounts, DonorReport, COLUMNS};
use crate::error::Result;
use crate::store::Store;

/// The donor report of [`crate::donors::build`], as a document (its number is its reference).
pub fn donor_report(store: &Store, report: &DonorReport) -> Result<Document> {
    let seller = Seller::load(store)?;
    let canvas = render_donor_report(&seller, report);
    Ok(Document::from_canvas(
        DocumentKind::Report,
        &report.number,
        format!(
            "Rapport au donateur {} du {} au {}",
            report.donor,
            report.from.format("%d/%m/%Y"),
            report.to.format("%d/%m/%Y")
        ),
        file_name("donateur", &report.number, 0),
        0,
        seller.missing(),
        canvas,
    ))
}

/// A table row: the label, then the ten counts.
fn cells(label: &str, counts: &DonorCounts) -> [String; 11] {
    let columns = counts.columns();
    std::array::from_fn(|i| match i {
        0 => label.to_string(),
        _ => columns[i - 1].to_string(),
    })
}

pub fn render_donor_report(seller: &Seller, report: &DonorReport) -> Canvas {
    let mut c = Canvas::a4();
    c.set_continuation(format!("Rapport au donateur {} (suite)", report.donor));
    header(
        &mut c,
        seller,
        &[
            ("RAPPORT AU DONATEUR".into(), 13.0, true),
            (format!("N° {}", report.number), 9.0, false),
            (
                format!(
                    "du {} au {}",
                    report.from.format("%d/%m/%Y"),
                    report.to.format("%d/%m/%Y")
                ),
                10.0,
                false,
            ),
        ],
    );
    c.field("Donateur", &report.donor, 11.0);
    let kinds: Vec<&str> = report.kinds.iter().map(|k| k.label()).collect();
    c.field("Provenance", &kinds.join(", "), 11.0);
    if !report.conventions.is_empty() {
        c.field("Convention", &report.conventions.join(", "), 11.0);
    }
    c.field("Appareils reçus", &report.total.received.to_string(), 11.0);
    c.field("Appareils vendus", &report.total.sold.to_string(), 11.0);
    c.field("Personnes équipées", &report.people.text(), 11.0);
    c.space(2.0);
    c.paragraph(
        "Chiffres agrégés, sans aucun nom. Un nombre de une ou deux personnes est remplacé par « < 3 ». \
         Reçus : les appareils du donateur entrés au centre pendant la période ; chacun est compté une fois, \
         là où il en est à la fin de la période : vendu ; repris (vendu puis rendu par la famille contre un \
         avoir, de retour au centre) ; rendu au réseau ; en vente ; prêté ; hors service ; recyclé ; perdu \
         (prêt non rendu) ; pas encore en vente. Ces colonnes ont pour somme les reçus.",
        8.5,
        false,
    );
    c.space(4.0);

    // What became of the devices, by kind: a label column and ten numbers.
    c.line("Ce que sont devenus les appareils reçus", 11.0, true, Align::Left);
    c.hline(0.5);
    c.space(1.0);
    let label_w = c.content_width() * 0.19;
    let col_w = (c.content_width() - label_w) / 10.0;
    let row = |c: &mut Canvas, values: &[String; 11], bold: bool, size: f32| {
        c.ensure(9.0);
        let y = c.y;
        c.paragraph_in(c.left(), label_w - 1.0, &values[0], size, bold, Align::Left);
        let mut after = c.y;
        for (i, v) in values[1..].iter().enumerate() {
            c.y = y;
            let x = c.left() + label_w + col_w * i as f32;
            c.paragraph_in(x, col_w - 0.8, v, size, bold, Align::Right);
            after = after.max(c.y);
        }
        c.y = after + 0.5;
    };
    let head: [String; 11] = std::array::from_fn(|i| match i {
        0 => "Type".to_string(),
        _ => COLUMNS[i - 1].to_string(),
    });
    row(&mut c, &head, true, 7.0);
    for r in &report.rows {
        row(&mut c, &cells(r.kind.label(), &r.counts), false, 9.0);
    }
    row(&mut c, &cells("Total", &report.total), true, 9.0);
    c.space(4.0);

    let mut lines: Vec<(String, String)> = report
        .publics
        .iter()
        .map(|p| (p.label.clone(), p.people.text()))
        .collect();
    lines.push(("Total des personnes équipées".into(), report.people.text()));
    comptoir_common::report::pdf::table(&mut c, "Personnes équipées par public", &lines);
    c.paragraph(
        "Une personne relevant de plusieurs publics compte dans chacun ; le total la compte une fois.",
        8.0,
        false,
    );
    c
}
