//! The loan agreement (« convention de prêt ») signed when a device is lent, and the return
//! slip signed when it comes back: the centre's identity, the loan's number, the dates.

use super::aftersales::right_header;
use super::layout::Canvas;
use super::receipt::{header, signature_boxes};
use super::{file_name, issue, Document, DocumentKind, Seller};
use crate::error::{Code, Error, Result};
use crate::loans::{self, Loan};
use crate::operators::Actor;
use crate::stock;
use crate::store::Store;
use crate::text::format_timestamp;

fn device_fields(c: &mut Canvas, store: &Store, loan: &Loan) -> Result<()> {
    let device = stock::find_by_code(store, &loan.tag)?;
    c.field(
        "Appareil",
        &format!("{} — {}", loan.designation, loan.kind.label().to_lowercase()),
        11.0,
    );
    c.field("Étiquette", &loan.tag, 11.0);
    if let Some(serial) = &device.serial {
        c.field("N° de série", serial, 11.0);
    }
    if let Some(imei) = &device.imei {
        c.field("IMEI", imei, 11.0);
    }
    if let Some(charger) = &device.specs.charger_serial {
        c.field("Chargeur", &format!("n° {charger}"), 11.0);
    } else if loan.kind == crate::device::DeviceKind::Laptop {
        c.field("Accessoires", "son chargeur", 11.0);
    }
    Ok(())
}

/// The loan agreement, by the loan's number: who borrows what, until when, the deposit, the
/// commitments, and both signatures.
pub fn loan_agreement(store: &mut Store, number: &str, actor: &Actor) -> Result<Document> {
    crate::operators::require_present(store.db(), actor)?;
    let loan = loans::get(store, number)?;
    let seller = Seller::load(store)?;
    let copy = issue(store, DocumentKind::LoanAgreement, &loan.number, actor.name())?;
    let centre = seller.settings.name.clone().unwrap_or_else(|| "le centre".into());
    let mut c = Canvas::a4();
    c.set_continuation(format!("Convention de prêt n° {} (suite)", loan.number));
    header(
        &mut c,
        &seller,
        &right_header("CONVENTION DE PRÊT", &loan.number, &loan.lent_at, &loan.operator, copy),
    );
    c.paragraph(
        &format!("{centre} prête gratuitement l'appareil ci-dessous à l'emprunteur, pour le temps indiqué."),
        11.0,
        true,
    );
    c.space(2.0);
    c.field("Emprunteur", &loan.person, 11.0);
    c.field("Programme", &loan.programme_name, 11.0);
    device_fields(&mut c, store, &loan)?;
    c.field("Prêté le", &format_timestamp(&loan.lent_at), 11.0);
    c.field(
        "À rendre au plus tard le",
        &loan.due_on.format("%d/%m/%Y").to_string(),
        11.0,
    );
    c.field("Dépôt de garantie", &loan.deposit_text, 11.0);
    c.space(3.0);
    for commitment in [
        format!("L'appareil reste la propriété de {centre}. Il est prêté à l'emprunteur pour son usage personnel et ne peut être ni vendu, ni prêté à un tiers."),
        format!(
            "L'emprunteur le rend au plus tard le {}, avec ses accessoires. Son état est vérifié au retour, devant lui.",
            loan.due_on.format("%d/%m/%Y")
        ),
        "Les données personnelles que l'emprunteur enregistre sur l'appareil sont effacées au retour : il les sauvegarde avant de le rendre.".to_string(),
        format!(
            "Le dépôt de garantie est rendu au retour de l'appareil en bon état et complet. Un appareil non rendu après le {} est déclaré perdu : le dépôt est alors conservé.",
            loan.lost_after.format("%d/%m/%Y")
        ),
        "L'emprunteur peut, s'il y est éligible, acheter l'appareil au prix solidaire du programme : le prêt devient alors une vente.".to_string(),
    ] {
        c.paragraph(&format!("• {commitment}"), 10.0, false);
        c.space(1.0);
    }
    c.space(3.0);
    signature_boxes(
        &mut c,
        &seller,
        "Fait en deux exemplaires. Lu et approuvé.",
        "Signature de l'emprunteur",
        "Signature du médiateur",
    );
    Ok(Document::from_canvas(
        DocumentKind::LoanAgreement,
        &loan.number,
        format!("Convention de prêt {}", loan.number),
        file_name("convention-de-pret", &loan.number, copy),
        copy,
        seller.missing(),
        c,
    ))
}

/// The return slip of a loan given back: the condition found, the deposit, both signatures.
pub fn loan_return(store: &mut Store, number: &str, actor: &Actor) -> Result<Document> {
    crate::operators::require_present(store.db(), actor)?;
    let loan = loans::get(store, number)?;
    let Some(end) = loan.end.clone().filter(|e| e.how == "returned") else {
        return Err(Error::Refused {
            code: Code::Invalid,
            message: format!(
                "Le prêt n° {} n'a pas été rendu : pas d'attestation de retour.",
                loan.number
            ),
        });
    };
    let seller = Seller::load(store)?;
    let copy = issue(store, DocumentKind::LoanReturn, &loan.number, actor.name())?;
    let mut c = Canvas::a4();
    c.set_continuation(format!("Retour du prêt n° {} (suite)", loan.number));
    header(
        &mut c,
        &seller,
        &right_header("RETOUR DE PRÊT", &loan.number, &end.at, &end.operator, copy),
    );
    c.field("Emprunteur", &loan.person, 11.0);
    device_fields(&mut c, store, &loan)?;
    c.field("Prêté le", &format_timestamp(&loan.lent_at), 11.0);
    c.field("À rendre le", &loan.due_on.format("%d/%m/%Y").to_string(), 11.0);
    c.field("Rendu le", &format_timestamp(&end.at), 11.0);
    c.field("État au retour", end.condition_label.as_deref().unwrap_or(""), 11.0);
    if !end.notes.is_empty() {
        c.field("Constat", &end.notes, 11.0);
    }
    c.field(
        "Dépôt de garantie",
        &format!("{} : {}", loan.deposit_text, end.deposit),
        11.0,
    );
    c.space(4.0);
    signature_boxes(
        &mut c,
        &seller,
        "État de l'appareil constaté ensemble au retour.",
        "Signature de l'emprunteur",
        "Signature du médiateur",
    );
    Ok(Document::from_canvas(
        DocumentKind::LoanReturn,
        &loan.number,
        format!("Retour de prêt {}", loan.number),
        file_name("retour-de-pret", &loan.number, copy),
        copy,
        seller.missing(),
        c,
    ))
}
