//! The people's data on paper: the information notice (art. 13) and one person's export
//! (art. 15), in plain French.

use super::layout::{Align, Canvas};
use super::receipt::header;
use super::Seller;
use crate::privacy::PersonExport;
use crate::text::format_timestamp;

pub fn render_notice(seller: &Seller, text: &str) -> Canvas {
    let mut c = Canvas::a4();
    header(
        &mut c,
        seller,
        &[
            ("INFORMATION".into(), 13.0, true),
            ("Protection des données".into(), 10.0, false),
        ],
    );
    let mut paragraphs = text.split("\n\n");
    if let Some(title) = paragraphs.next() {
        c.paragraph(title.trim(), 18.0, true);
        c.space(3.0);
    }
    for p in paragraphs {
        c.paragraph(p.trim(), 12.0, false);
        c.space(3.0);
    }
    c.space(6.0);
    c.paragraph("Notice remise le : ____ / ____ / ________", 11.0, false);
    c
}

pub fn render_person_export(seller: &Seller, data: &PersonExport) -> Canvas {
    let mut c = Canvas::a4();
    let p = &data.person;
    c.set_continuation(format!("Données de la fiche n° {} (suite)", p.id));
    header(
        &mut c,
        seller,
        &[
            ("VOS DONNÉES".into(), 13.0, true),
            (format!("Fiche n° {}", p.id), 11.0, true),
            (
                format!("Extraites le {}", format_timestamp(&data.exported_at)),
                9.0,
                false,
            ),
        ],
    );
    let f = &p.fields;
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    c.line("Identité et contact", 12.0, true, Align::Left);
    c.field("Nom", &f.last_name, 11.0);
    c.field("Prénom", &f.first_name, 11.0);
    c.field(
        "Date de naissance",
        &f.birth_date
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or("—".into()),
        11.0,
    );
    c.field("Téléphone", &opt(&f.phone), 11.0);
    c.field("E-mail", &opt(&f.email), 11.0);
    c.field(
        "Code postal, commune",
        &format!("{} {}", opt(&f.postcode), opt(&f.commune)),
        11.0,
    );
    c.field("Foyer", &opt(&f.household), 11.0);
    c.field(
        "Publics",
        &if f.publics.is_empty() {
            "—".into()
        } else {
            f.publics.join(", ")
        },
        11.0,
    );
    c.field(
        "Notice d'information remise le",
        &f.rgpd_informed_on
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or("—".into()),
        11.0,
    );
    if !f.notes.is_empty() {
        c.field("Notes", &f.notes, 11.0);
    }
    c.field("Fiche créée le", &format_timestamp(&p.created_at), 11.0);
    c.space(3.0);
    c.line("Justificatifs vus", 12.0, true, Align::Left);
    if p.proofs.is_empty() {
        c.paragraph("Aucun.", 11.0, false);
    }
    for proof in &p.proofs {
        c.paragraph(
            &format!(
                "{} du {}, vu par {}",
                proof.kind,
                proof.issued.format("%d/%m/%Y"),
                proof.checked_by
            ),
            11.0,
            false,
        );
    }
    c.space(3.0);
    c.line("Achats", 12.0, true, Align::Left);
    if data.sales.is_empty() {
        c.paragraph("Aucun.", 11.0, false);
    }
    for sale in &data.sales {
        let lines: Vec<String> = sale
            .lines
            .iter()
            .map(|l| format!("{} × {} ({})", l.quantity, l.label, l.unit_price))
            .collect();
        c.paragraph(
            &format!(
                "Ticket {} du {} : {} — total {}",
                sale.receipt,
                format_timestamp(&sale.at),
                lines.join(", "),
                sale.total
            ),
            11.0,
            false,
        );
    }
    c.space(3.0);
    c.line("Prêts", 12.0, true, Align::Left);
    if data.loans.is_empty() {
        c.paragraph("Aucun.", 11.0, false);
    }
    for loan in &data.loans {
        c.paragraph(
            &format!(
                "Prêt {} : {} ({}), prêté le {}, à rendre le {} ; dépôt : {} — {}",
                loan.number,
                loan.designation,
                loan.tag,
                format_timestamp(&loan.lent_at),
                loan.due_on.format("%d/%m/%Y"),
                loan.deposit_text,
                loan.status
            ),
            11.0,
            false,
        );
    }
    c
}
