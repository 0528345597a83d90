//! The documents of after the sale: the deposit slip (« bon de dépôt ») and the outcome slip
//! of a warranty return, the exchange document (« bon d'échange ») with the onboarding sheet of
//! the device handed over, and the list of a recycling batch. Each carries the centre's
//! identity, its number and its date; a second issue is a numbered, journaled copy.

use super::layout::{Align, Canvas};
use super::receipt::{header, person_names, signature_boxes, HeaderLine};
use super::{copy_mark, file_name, issue, onboarding, Document, DocumentKind, OnboardingFacts, Seller};
use crate::aftersales::recycling::{self, RecyclingBatch};
use crate::aftersales::returns::{self, WarrantyReturn};
use crate::aftersales::{Guarantee, Outcome};
use crate::error::{Code, Error, Result};
use crate::operators::Actor;
use crate::stock;
use crate::store::Store;
use crate::text::format_timestamp;

fn day(date: chrono::NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// A document's own header (its title, number, date, who made it, the copy mark): every
/// after-sales and loan document shares it.
pub(super) fn right_header(title: &str, number: &str, at: &str, operator: &str, copy: u32) -> Vec<HeaderLine> {
    let mut right: Vec<HeaderLine> = vec![
        (title.to_string(), 14.0, true),
        (format!("N° {number}"), 11.0, true),
        (format!("Le {}", format_timestamp(at)), 10.0, false),
        (format!("Médiateur : {operator}"), 10.0, false),
    ];
    if let Some(mark) = copy_mark(copy) {
        right.insert(0, (mark, 15.0, true));
    }
    right
}

/// The device, where it was handed over and the fault told, as both slips show them.
fn device_block(c: &mut Canvas, ret: &WarrantyReturn, buyer: Option<&str>) {
    c.field("Déposant", buyer.unwrap_or("(vente sans bénéficiaire)"), 11.0);
    c.field(
        "Appareil",
        &format!("{} — {}", ret.designation, ret.kind.label().to_lowercase()),
        11.0,
    );
    c.field("Étiquette", &ret.tag, 11.0);
    if let Some(serial) = &ret.serial {
        c.field("N° de série", serial, 11.0);
    }
    c.field(
        "Remis le",
        &format!(
            "{} (ticket n° {}, ligne {})",
            day(ret.delivered_on),
            ret.receipt,
            ret.line
        ),
        11.0,
    );
    c.field(
        "Panne signalée",
        &format!("{} — « {} »", ret.fault_label, ret.fault),
        11.0,
    );
}

fn buyer(store: &Store, ret: &WarrantyReturn) -> Result<Option<String>> {
    Ok(person_names(store, ret.person_id)?.1)
}

/// A warranty return's deposit slip, by the return's number.
pub fn return_slip(store: &mut Store, number: &str, actor: &Actor) -> Result<Document> {
    crate::operators::require_present(store.db(), actor)?;
    let ret = returns::get(store, number)?;
    let seller = Seller::load(store)?;
    let buyer = buyer(store, &ret)?;
    let copy = issue(store, DocumentKind::ReturnSlip, &ret.number, actor.name())?;
    let mut c = Canvas::a4();
    c.set_continuation(format!("Bon de dépôt n° {} (suite)", ret.number));
    let right = right_header("BON DE DÉPÔT (SAV)", &ret.number, &ret.opened_at, &ret.opened_by, copy);
    header(&mut c, &seller, &right);
    c.paragraph(
        if ret.in_guarantee {
            "Appareil déposé au titre de la garantie légale de conformité (Code de la consommation, articles L.217-3 et suivants)."
        } else {
            "Appareil déposé pour examen, hors garantie légale de conformité (Code de la consommation, article L.217-3)."
        },
        11.0,
        true,
    );
    c.space(2.0);
    device_block(&mut c, &ret, buyer.as_deref());
    c.space(2.0);
    for sentence in deposit_sentences(&ret) {
        c.paragraph(&sentence, 10.0, false);
        c.space(1.0);
    }
    c.space(1.0);
    c.paragraph("Accessoires déposés avec l'appareil (à compléter) :", 10.0, false);
    c.space(7.0);
    c.hline(0.3);
    c.space(3.0);
    signature_boxes(
        &mut c,
        &seller,
        "Appareil déposé ce jour, tel que décrit ci-dessus.",
        "Signature de la famille",
        "Signature du médiateur",
    );
    Ok(Document::from_canvas(
        DocumentKind::ReturnSlip,
        &ret.number,
        format!("Bon de dépôt {}", ret.number),
        file_name("bon-de-depot", &ret.number, copy),
        copy,
        seller.missing(),
        c,
    ))
}

/// What the deposit slip tells the family of their rights, by case (docs/apres-vente.md):
/// presumed (within 12 months of delivery, L.217-7), in guarantee but no longer presumed (the
/// family shows the defect existed at delivery), out of guarantee (no legal remedy promised).
pub(crate) fn deposit_sentences(ret: &WarrantyReturn) -> Vec<String> {
    let mut out = vec![ret.guarantee_text.clone()];
    if ret.in_guarantee {
        out.push(format!(
            "Le centre met l'appareil en conformité, par réparation ou échange, au plus tard le {} (30 jours après la \
             demande, article L.217-10). À défaut, ou si la mise en conformité est impossible, vous pouvez obtenir une \
             réduction du prix ou le remboursement (article L.217-14).",
            day(ret.deadline)
        ));
    } else {
        out.push(
            "Le centre examine l'appareil et vous dira ce qu'il peut faire ; la loi ne l'oblige plus à le réparer, à \
             l'échanger ni à le rembourser."
                .to_string(),
        );
    }
    out
}

/// What the family is told of the outcome.
fn outcome_text(ret: &WarrantyReturn) -> Option<String> {
    let end = ret.outcome.as_ref()?;
    Some(match end.outcome {
        Outcome::Repaired => match end.guarantee_after.filter(|_| ret.in_guarantee) {
            Some(g) => format!(
                "Appareil réparé et rendu. Sa garantie légale de conformité est prolongée de six mois, jusqu'au {} \
                 (article L.217-13).",
                day(g.ends_on)
            ),
            None => {
                "Appareil réparé et rendu, hors garantie légale de conformité : cette réparation ne la prolonge pas \
                     (article L.217-13)."
                    .to_string()
            }
        },
        Outcome::Exchanged => format!(
            "Appareil échangé, sans frais, contre l'appareil {} (bon d'échange n° {}).",
            end.new_tag.clone().unwrap_or_default(),
            end.exchange_number.clone().unwrap_or_default()
        ),
        Outcome::Refunded => format!(
            "Appareil repris et remboursé par l'avoir n° {}.",
            end.credit_note.clone().unwrap_or_default()
        ),
    })
}

/// A warranty return's outcome slip (once it has ended), by the return's number.
pub fn outcome_slip(store: &mut Store, number: &str, actor: &Actor) -> Result<Document> {
    crate::operators::require_present(store.db(), actor)?;
    let ret = returns::get(store, number)?;
    let (Some(end), Some(told)) = (ret.outcome.clone(), outcome_text(&ret)) else {
        return Err(Error::Refused {
            code: Code::Invalid,
            message: format!(
                "Le retour n° {} est en cours : sa fiche de fin s'imprime quand il est terminé.",
                ret.number
            ),
        });
    };
    let seller = Seller::load(store)?;
    let buyer = buyer(store, &ret)?;
    let copy = issue(store, DocumentKind::OutcomeSlip, &ret.number, actor.name())?;
    let mut c = Canvas::a4();
    c.set_continuation(format!("Fin du retour n° {} (suite)", ret.number));
    let right = right_header("FIN DE RETOUR (SAV)", &ret.number, &end.at, &end.operator, copy);
    header(&mut c, &seller, &right);
    c.paragraph(
        &format!("Retour sous garantie déposé le {}.", format_timestamp(&ret.opened_at)),
        11.0,
        true,
    );
    c.space(2.0);
    device_block(&mut c, &ret, buyer.as_deref());
    c.field("Diagnostic", &end.diagnosis, 11.0);
    c.field("Issue", &end.label, 11.0);
    c.space(2.0);
    c.paragraph(&told, 11.0, true);
    c.space(4.0);
    signature_boxes(
        &mut c,
        &seller,
        "Je reconnais avoir reçu ce qui est indiqué ci-dessus.",
        "Signature de la famille",
        "Signature du médiateur",
    );
    Ok(Document::from_canvas(
        DocumentKind::OutcomeSlip,
        &ret.number,
        format!("Fin de retour {}", ret.number),
        file_name("fin-de-retour", &ret.number, copy),
        copy,
        seller.missing(),
        c,
    ))
}

fn exchange_return(store: &Store, exchange_number: &str) -> Result<WarrantyReturn> {
    let row = crate::store::aftersales::return_by_exchange(store.db(), exchange_number.trim())?.ok_or_else(|| {
        Error::Refused {
            code: Code::NotFound,
            message: format!("Aucun échange n° {} sur ce poste.", exchange_number.trim()),
        }
    })?;
    returns::get(store, &row.number)
}

/// A warranty exchange's document, by the exchange's number: the device taken back, the one
/// handed over at no charge, and the guarantee the new one carries.
pub fn exchange(store: &mut Store, exchange_number: &str, actor: &Actor) -> Result<Document> {
    crate::operators::require_present(store.db(), actor)?;
    let ret = exchange_return(store, exchange_number)?;
    let end = ret.outcome.clone().expect("an exchange ended its return");
    let number = end.exchange_number.clone().expect("an exchange has its number");
    let new_tag = end.new_tag.clone().expect("an exchange names its device");
    let new = stock::find_by_code(store, &new_tag)?;
    let (reference, _) = crate::store::records::in_force(store.db(), new.id)?;
    let seller = Seller::load(store)?;
    let buyer = buyer(store, &ret)?;
    let copy = issue(store, DocumentKind::Exchange, &number, actor.name())?;
    let handed = crate::local::local_day(&end.at).unwrap_or_else(crate::local::today);
    let guarantee = Guarantee::new(handed, 0);
    let mut c = Canvas::a4();
    c.set_continuation(format!("Bon d'échange n° {number} (suite)"));
    let right = right_header("BON D'ÉCHANGE", &number, &end.at, &end.operator, copy);
    header(&mut c, &seller, &right);
    c.paragraph(
        &format!(
            "Échange sous garantie légale de conformité, sans frais, pour le retour n° {} (ticket n° {}).",
            ret.number, ret.receipt
        ),
        11.0,
        true,
    );
    c.space(2.0);
    c.field("Famille", buyer.as_deref().unwrap_or("(vente sans bénéficiaire)"), 11.0);
    c.space(2.0);
    c.line("Appareil repris", 11.0, true, Align::Left);
    c.hline(0.5);
    c.field("Appareil", &ret.designation, 10.5);
    c.field("Étiquette", &ret.tag, 10.5);
    if let Some(serial) = &ret.serial {
        c.field("N° de série", serial, 10.5);
    }
    c.field("Diagnostic", &end.diagnosis, 10.5);
    c.space(2.0);
    c.line("Appareil remis", 11.0, true, Align::Left);
    c.hline(0.5);
    c.field("Appareil", format!("{} {}", new.brand, new.model).trim(), 10.5);
    c.field("Étiquette", new.tag.as_str(), 10.5);
    if let Some(serial) = &new.serial {
        c.field("N° de série", serial, 10.5);
    }
    if let Some(imei) = &new.imei {
        c.field("IMEI", imei, 10.5);
    }
    if let Some(category) = new.category {
        c.field("Catégorie", category.label(), 10.5);
    }
    c.field(
        "État",
        if reference.is_some() {
            "Occasion – reconditionné"
        } else {
            "Occasion"
        },
        10.5,
    );
    if let Some(reference) = &reference {
        c.field("Certificat d'effacement", reference, 10.5);
    }
    c.field("Montant", "0,00 € (échange gratuit)", 10.5);
    c.space(2.0);
    c.paragraph(
        &format!(
            "Garantie de l'appareil remis : garantie légale de conformité de 2 ans à compter de ce jour, jusqu'au {} \
             (articles L.217-3 et L.217-13) ; tout défaut qui apparaît avant le {} est présumé exister à la remise \
             (bien d'occasion, article L.217-7).",
            day(guarantee.ends_on),
            day(guarantee.presumed_until)
        ),
        10.0,
        false,
    );
    c.space(4.0);
    signature_boxes(
        &mut c,
        &seller,
        "Je rends l'appareil repris et reçois l'appareil remis, avec ses accessoires.",
        "Signature de la famille",
        "Signature du médiateur",
    );
    Ok(Document::from_canvas(
        DocumentKind::Exchange,
        &number,
        format!("Bon d'échange {number}"),
        file_name("bon-d-echange", &number, copy),
        copy,
        seller.missing(),
        c,
    ))
}

/// The onboarding sheet of the device an exchange handed over (none when its kind gets none).
pub fn exchange_onboarding(store: &Store, exchange_number: &str) -> Result<Option<Document>> {
    let ret = exchange_return(store, exchange_number)?;
    let end = ret.outcome.clone().expect("an exchange ended its return");
    let number = end.exchange_number.clone().expect("an exchange has its number");
    let new = stock::find_by_code(store, end.new_tag.as_deref().unwrap_or_default())?;
    let seller = Seller::load(store)?;
    let (first_name, _) = person_names(store, ret.person_id)?;
    let designation = format!("{} {}", new.brand, new.model).trim().to_string();
    let Some(profile) = super::profile_for(new.kind, new.specs.os.as_deref(), &new.brand) else {
        return Ok(None);
    };
    let mut accessories = Vec::new();
    if new.specs.charger_serial.is_some() || new.kind == crate::device::DeviceKind::Laptop {
        accessories.push("son chargeur".to_string());
    }
    let sheet = OnboardingFacts {
        first_name,
        profile,
        kind: new.kind,
        designation,
        tag: Some(new.tag.to_string()),
        os: new.specs.os.clone(),
        accessories,
    };
    let canvas = super::render_onboarding(&seller, &[sheet]);
    Ok(Some(Document::from_canvas(
        DocumentKind::Onboarding,
        &number,
        format!("Fiche de prise en main {number}"),
        file_name("fiche-prise-en-main", &number, 0),
        0,
        onboarding::missing(&seller.settings),
        canvas,
    )))
}

/// The printed list of a recycling batch, by its number.
pub fn recycling_list(store: &mut Store, number: &str, actor: &Actor) -> Result<Document> {
    crate::operators::require_present(store.db(), actor)?;
    let batch: RecyclingBatch = recycling::get(store, number)?;
    let seller = Seller::load(store)?;
    let copy = issue(store, DocumentKind::RecyclingList, &batch.number, actor.name())?;
    let mut c = Canvas::a4();
    c.set_continuation(format!("Lot de recyclage n° {} (suite)", batch.number));
    let right = right_header(
        "LOT DE RECYCLAGE (DEEE)",
        &batch.number,
        &batch.at,
        &batch.operator,
        copy,
    );
    header(&mut c, &seller, &right);
    c.field("Point de collecte", &batch.collection_point, 11.0);
    c.field("Remis le", &day(batch.handed_on), 11.0);
    c.field("Bordereau n°", &batch.reference, 11.0);
    c.field("Appareils", &batch.devices.len().to_string(), 11.0);
    c.space(3.0);
    let w = c.content_width();
    let cols = [
        (0.0, 0.22, "Étiquette"),
        (0.22, 0.36, "Appareil"),
        (0.58, 0.42, "Données"),
    ];
    let head_y = c.y;
    for (x, width, label) in cols {
        c.y = head_y;
        c.line_in(c.left() + x * w, width * w - 2.0, label, 10.0, true, Align::Left);
    }
    c.hline(0.5);
    c.space(1.0);
    for d in &batch.devices {
        let device = match &d.serial {
            Some(serial) => format!("{} — {} (n° {serial})", d.designation, d.kind.label().to_lowercase()),
            None => format!("{} — {}", d.designation, d.kind.label().to_lowercase()),
        };
        let data = match (&d.erasure, d.detail.is_empty()) {
            (Some(erasure), _) => format!("{} : {erasure}", d.destruction_label),
            (None, false) => format!("{} : {}", d.destruction_label, d.detail),
            (None, true) => d.destruction_label.clone(),
        };
        let texts = [d.tag.clone(), device, data];
        let height = cols
            .iter()
            .zip(&texts)
            .map(|((_, width, _), text)| Canvas::measure(text, 9.5, false, width * w - 2.0))
            .fold(0.0, f32::max);
        c.ensure(height + 1.5);
        let top = c.y;
        let mut bottom = top;
        for ((x, width, _), text) in cols.iter().zip(&texts) {
            c.y = top;
            c.paragraph_in(c.left() + x * w, width * w - 2.0, text, 9.5, false, Align::Left);
            bottom = bottom.max(c.y);
        }
        c.y = bottom + 1.5;
    }
    c.hline(0.5);
    c.space(3.0);
    c.paragraph(
        "Ces appareils sont remis à un point de collecte agréé des déchets d'équipements électriques et électroniques \
         (DEEE). Ils ne seront plus vendus, prêtés ni échangés.",
        10.0,
        false,
    );
    c.space(4.0);
    signature_boxes(
        &mut c,
        &seller,
        &format!("Lot remis au point de collecte le {}.", day(batch.handed_on)),
        "Signature du point de collecte",
        "Signature du médiateur",
    );
    Ok(Document::from_canvas(
        DocumentKind::RecyclingList,
        &batch.number,
        format!("Lot de recyclage {}", batch.number),
        file_name("lot-de-recyclage", &batch.number, copy),
        copy,
        seller.missing(),
        c,
    ))
}
