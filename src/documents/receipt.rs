//! The receipt / purchase sheet: A4 with signature boxes, or an 80 mm roll with the same facts.

use super::layout::{line_height, text_width, Align, Canvas};
use super::{copy_mark, missing_notice, Seller};
use crate::centre::Paper;
use crate::device::DeviceKind;
use crate::provenance::DonorKind;
use crate::text::format_timestamp;

use serde::Serialize;

use crate::beneficiary;
use crate::error::Result;
use crate::money::Money;
use crate::pos::{self, PaymentMethod};
use crate::stock;
use crate::store::Store;

/// One line of a receipt, with what identifies the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceiptLine {
    pub kind: DeviceKind,
    /// Brand and model, or the item's label.
    pub designation: String,
    pub tag: Option<String>,
    pub serial: Option<String>,
    pub imei: Option<String>,
    pub battery_serial: Option<String>,
    pub charger_serial: Option<String>,
    pub os: Option<String>,
    pub quantity: u32,
    pub unit_price: Money,
    pub total: Money,
    pub cancelled_by: Option<String>,
    /// Its tax (as its sale fixed it).
    pub tax: Option<crate::tax::LineTax>,
    /// Where the device came from (none: unknown).
    pub provenance: Option<crate::provenance::DonorKind>,
    /// Its erasure certificate's reference when it was sold.
    pub erasure_ref: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceiptPayment {
    pub method: PaymentMethod,
    pub amount: Money,
    pub reference: Option<String>,
}

/// Everything a receipt shows.
#[derive(Debug, Clone)]
pub struct ReceiptFacts {
    pub seller: Seller,
    pub receipt: String,
    /// As stored (RFC 3339, UTC); printed in local time.
    pub at: String,
    pub operator: String,
    pub buyer_first_name: Option<String>,
    pub buyer: Option<String>,
    pub programme: Option<String>,
    pub lines: Vec<ReceiptLine>,
    pub payments: Vec<ReceiptPayment>,
    pub total: Money,
    pub change: Money,
    pub copy: u32,
    /// The tax status's mention the sale was recorded under.
    pub mention: String,
    /// The sale's VAT by rate (statuses liable to VAT; none under the margin scheme's used
    /// goods, whose VAT is never shown).
    pub tax: crate::tax::TaxTotals,
}

pub(super) fn person_names(store: &Store, id: Option<i64>) -> Result<(Option<String>, Option<String>)> {
    let Some(id) = id else { return Ok((None, None)) };
    // An anonymised buyer: the till data stays, their name is gone from it.
    if crate::store::privacy::is_anonymised(store.db(), id)? {
        return Ok((None, Some("Personne anonymisée".into())));
    }
    let person = beneficiary::get(store, id)?;
    let first = person.fields.first_name.trim().to_string();
    let full = format!("{} {}", first, person.fields.last_name.trim().to_uppercase())
        .trim()
        .to_string();
    Ok((
        Some(first).filter(|s| !s.is_empty()),
        Some(full).filter(|s| !s.is_empty()),
    ))
}

/// Gathers a sale's receipt facts (copy 0: the caller decides the copy number).
pub fn receipt_facts(store: &Store, receipt: &str) -> Result<ReceiptFacts> {
    let sale = pos::sale(store, receipt)?;
    let (buyer_first_name, buyer) = person_names(store, sale.person_id)?;
    let seller = Seller::load(store)?;
    let taxes = sale.line_taxes(&seller.settings);
    let mut lines = Vec::new();
    for (line, tax) in sale.lines.iter().zip(taxes) {
        let device = match &line.tag {
            Some(tag) => Some(stock::find_by_code(store, tag)?),
            None => None,
        };
        let designation = match &device {
            Some(d) => format!("{} {}", d.brand, d.model).trim().to_string(),
            None => line.label.clone(),
        };
        lines.push(ReceiptLine {
            kind: line.kind,
            designation,
            tag: line.tag.clone(),
            serial: device.as_ref().and_then(|d| d.serial.clone()),
            imei: device.as_ref().and_then(|d| d.imei.clone()),
            battery_serial: device.as_ref().and_then(|d| d.specs.battery_serial.clone()),
            charger_serial: device.as_ref().and_then(|d| d.specs.charger_serial.clone()),
            os: device.as_ref().and_then(|d| d.specs.os.clone()),
            quantity: line.quantity,
            unit_price: line.unit_price,
            total: line.total(),
            cancelled_by: line.cancelled_by.clone(),
            tax,
            provenance: line.provenance,
            erasure_ref: line.erasure_ref.clone(),
        });
    }
    Ok(ReceiptFacts {
        mention: sale.mention(&seller.settings),
        tax: sale.tax_totals(&seller.settings, None),
        seller,
        receipt: sale.receipt.clone(),
        at: sale.at.clone(),
        operator: sale.operator.clone(),
        buyer_first_name,
        buyer,
        programme: sale.programme_name.clone(),
        lines,
        payments: sale
            .payments
            .iter()
            .map(|p| ReceiptPayment {
                method: p.method,
                amount: p.amount,
                reference: p.reference.clone(),
            })
            .collect(),
        total: sale.total,
        change: sale.change(),
        copy: 0,
    })
}

pub(super) const STATE: &str = "Occasion – reconditionné";
pub(super) const GUARANTEE: &str = "Garantie légale de conformité : 2 ans (articles L217-3 et suivants du Code de la \
     consommation). Pour ce bien d'occasion, tout défaut de conformité qui apparaît dans les 12 mois suivant \
     la délivrance est présumé exister au moment de la vente (article L217-7).";
pub(super) const DELIVERY: &str = "Je prends livraison de ce matériel et de ses accessoires ce jour.";

/// A line of right-hand header text: (text, size, bold).
pub(super) type HeaderLine = (String, f32, bool);

/// The seller's block (logo, name, address, SIRET, what is missing) on the left and the
/// document's own header on the right; the cursor ends below the taller of the two.
pub(super) fn header(canvas: &mut Canvas, seller: &Seller, right: &[HeaderLine]) {
    let top = canvas.y;
    let right_x = canvas.left() + canvas.content_width() * 0.55;
    let right_w = canvas.right() - right_x;
    let mut left_x = canvas.left();
    let left_w_total = right_x - canvas.left() - 5.0;
    let mut logo_bottom = top;
    if let Some(image) = seller.logo_image() {
        let (w, h) = canvas.image(left_x, top, 30.0, 20.0, image);
        left_x += w + 4.0;
        logo_bottom = top + h;
    }
    let left_w = canvas.left() + left_w_total - left_x;
    let settings = &seller.settings;
    match &settings.name {
        Some(name) => canvas.paragraph_in(left_x, left_w, name, 13.0, true, Align::Left),
        None => canvas.paragraph_in(left_x, left_w, "Association (nom à compléter)", 13.0, true, Align::Left),
    }
    for line in &settings.address {
        canvas.paragraph_in(left_x, left_w, line, 10.0, false, Align::Left);
    }
    if let Some(siret) = &settings.siret {
        canvas.paragraph_in(
            left_x,
            left_w,
            &format!("SIRET : {}", siret.display()),
            10.0,
            false,
            Align::Left,
        );
    }
    if let Some(notice) = missing_notice(&settings.missing()) {
        canvas.space(1.0);
        canvas.paragraph_in(left_x, left_w, &notice, 9.0, true, Align::Left);
    }
    let left_bottom = canvas.y.max(logo_bottom);
    canvas.y = top;
    for (text, size, bold) in right {
        canvas.paragraph_in(right_x, right_w, text, *size, *bold, Align::Right);
    }
    canvas.y = canvas.y.max(left_bottom) + 4.0;
    canvas.hline(0.8);
    canvas.space(4.0);
}

/// What identifies a device, as one wrapped paragraph.
pub(super) fn identification(line: &ReceiptLine) -> String {
    let mut parts = Vec::new();
    if let Some(tag) = &line.tag {
        parts.push(format!("Identifiant réseau : {tag}"));
    }
    if let Some(serial) = &line.serial {
        parts.push(format!("N° de série : {serial}"));
    }
    if let Some(imei) = &line.imei {
        parts.push(format!("IMEI : {imei}"));
    }
    if let Some(battery) = &line.battery_serial {
        parts.push(format!("Batterie : {battery}"));
    }
    if let Some(charger) = &line.charger_serial {
        parts.push(format!("Chargeur : {charger}"));
    }
    parts.join(" · ")
}

/// The device's state, where it came from, and the proof its data was erased: « reconditionné »
/// only with an erasure certificate for the kinds that held a family's data.
pub(super) fn state(line: &ReceiptLine) -> String {
    let provenance = match line.provenance {
        Some(DonorKind::Public) => "don d'un organisme public",
        Some(DonorKind::Company) => "don d'entreprise",
        Some(DonorKind::Individual) => "don de particulier",
        Some(DonorKind::Purchase) => "achat",
        None => "non renseignée",
    };
    let erasure = match &line.erasure_ref {
        Some(reference) => format!(" · Certificat d'effacement : {reference}"),
        None if crate::refurbishing::holds_user_data(line.kind) => " · Sans certificat d'effacement".into(),
        None => String::new(),
    };
    let state = if line.erasure_ref.is_some() || !crate::refurbishing::holds_user_data(line.kind) {
        STATE
    } else {
        "Occasion"
    };
    format!("État : {state} · Provenance : {provenance}{erasure}")
}

/// The line's title: "Ordinateur portable — Dell Latitude 5480".
pub(super) fn title(line: &ReceiptLine) -> String {
    if line.designation.is_empty() || line.designation == line.kind.label() {
        line.kind.label().to_string()
    } else {
        format!("{} — {}", line.kind.label(), line.designation)
    }
}

fn is_device(line: &ReceiptLine) -> bool {
    line.tag.is_some() && !matches!(line.kind, DeviceKind::SimCard | DeviceKind::DataTopUp)
}

fn when(facts: &ReceiptFacts) -> String {
    format_timestamp(&facts.at)
}

pub fn render_receipt(facts: &ReceiptFacts, paper: Paper) -> Canvas {
    match paper {
        Paper::A4 => a4(facts),
        Paper::Roll80 => roll(facts),
    }
}

fn a4(facts: &ReceiptFacts) -> Canvas {
    let mut c = Canvas::a4();
    c.set_continuation(format!("Ticket de vente n° {} (suite)", facts.receipt));
    let mut right: Vec<HeaderLine> = vec![
        ("TICKET DE VENTE".into(), 15.0, true),
        (format!("N° {}", facts.receipt), 11.0, true),
        (format!("Le {}", when(facts)), 10.0, false),
        (format!("Médiateur : {}", facts.operator), 10.0, false),
    ];
    if let Some(mark) = copy_mark(facts.copy) {
        right.insert(0, (mark, 15.0, true));
    }
    header(&mut c, &facts.seller, &right);

    c.field(
        "Acheteur",
        facts.buyer.as_deref().unwrap_or("(vente sans bénéficiaire)"),
        11.0,
    );
    if let Some(programme) = &facts.programme {
        c.field("Programme", programme, 10.0);
    }
    c.space(4.0);

    // The table: designation (wrapped), quantity, unit price, total.
    let (left, right_edge) = (c.left(), c.right());
    let total_w = 28.0;
    let unit_w = 28.0;
    let qty_w = 12.0;
    let desc_w = c.content_width() - total_w - unit_w - qty_w - 6.0;
    let qty_x = left + desc_w + 2.0;
    let unit_x = qty_x + qty_w + 2.0;
    let total_x = right_edge - total_w;
    let head_y = c.y;
    c.line_in(left, desc_w, "Désignation", 10.0, true, Align::Left);
    c.y = head_y;
    c.line_in(qty_x, qty_w, "Qté", 10.0, true, Align::Right);
    c.y = head_y;
    c.line_in(unit_x, unit_w, "Prix unitaire", 10.0, true, Align::Right);
    c.y = head_y;
    c.line_in(total_x, total_w, "Total", 10.0, true, Align::Right);
    c.space(1.0);
    c.hline(0.5);
    c.space(2.0);
    for line in &facts.lines {
        let mut blocks: Vec<(String, f32, bool)> = vec![(title(line), 10.0, true)];
        if is_device(line) {
            blocks.push((state(line), 9.0, false));
        }
        let id = identification(line);
        if !id.is_empty() {
            blocks.push((id, 9.0, false));
        }
        if let Some(by) = &line.cancelled_by {
            blocks.push((format!("Ligne annulée par l'avoir {by}"), 9.0, true));
        }
        let height: f32 = blocks.iter().map(|(t, s, b)| Canvas::measure(t, *s, *b, desc_w)).sum();
        c.ensure(height + 2.0);
        let row_y = c.y;
        c.line_in(qty_x, qty_w, &line.quantity.to_string(), 10.0, false, Align::Right);
        c.y = row_y;
        c.line_in(unit_x, unit_w, &line.unit_price.to_string(), 10.0, false, Align::Right);
        c.y = row_y;
        c.line_in(total_x, total_w, &line.total.to_string(), 10.0, false, Align::Right);
        c.y = row_y;
        for (text, size, bold) in &blocks {
            c.paragraph_in(left, desc_w, text, *size, *bold, Align::Left);
        }
        c.space(2.0);
    }
    c.hline(0.5);
    c.space(2.0);
    totals(&mut c, facts, 11.0);
    c.space(4.0);
    mentions(&mut c, facts, 9.5);
    c.space(3.0);

    signature_boxes(
        &mut c,
        &facts.seller,
        DELIVERY,
        "Signature de l'acheteur",
        "Signature du médiateur",
    );
    c
}

/// Two signature boxes under a sentence, kept together on one page: the family's on the
/// left, the centre's on the right (with the centre's name).
pub(super) fn signature_boxes(c: &mut Canvas, seller: &Seller, sentence: &str, left: &str, right: &str) {
    let box_h = 28.0;
    let width = c.content_width();
    c.ensure(Canvas::measure(sentence, 11.0, true, width) + line_height(11.0) + box_h + 4.0);
    c.paragraph(sentence, 11.0, true);
    c.space(2.0);
    let gap = 8.0;
    let box_w = (width - gap) / 2.0;
    let top = c.y;
    let seller_label = match &seller.settings.name {
        Some(name) => format!("Pour {name}"),
        None => "Pour l'association".to_string(),
    };
    c.rect(c.left(), top, box_w, box_h, None);
    c.rect(c.left() + box_w + gap, top, box_w, box_h, None);
    c.y = top + 1.5;
    c.paragraph_in(c.left() + 2.0, box_w - 4.0, left, 9.0, true, Align::Left);
    c.y = top + 1.5;
    let x2 = c.left() + box_w + gap + 2.0;
    c.paragraph_in(x2, box_w - 4.0, right, 9.0, true, Align::Left);
    c.paragraph_in(x2, box_w - 4.0, &seller_label, 8.0, false, Align::Left);
    c.y = top + box_h + 2.0;
}

/// Total, payments and change, right-aligned.
fn totals(c: &mut Canvas, facts: &ReceiptFacts, size: f32) {
    let label_w = c.content_width() * 0.65;
    let amount_x = c.left() + label_w;
    let amount_w = c.content_width() - label_w;
    let row = |c: &mut Canvas, label: &str, amount: String, bold: bool, size: f32| {
        let lines = super::layout::wrap(label, size, bold, label_w - 2.0);
        c.ensure(line_height(size) * lines.len() as f32);
        let y = c.y;
        c.line_in(amount_x, amount_w, &amount, size, bold, Align::Right);
        c.y = y;
        for l in lines {
            c.line_in(c.left(), label_w - 2.0, &l, size, bold, Align::Right);
        }
    };
    row(c, "Total à payer", facts.total.to_string(), true, size + 1.0);
    for p in &facts.payments {
        let mut label = format!("Payé : {}", p.method.label());
        if let Some(reference) = &p.reference {
            label.push_str(&format!(" (réf. {reference})"));
        }
        row(c, &label, p.amount.to_string(), false, size);
    }
    if facts.change.cents() > 0 {
        row(c, "Rendu en espèces", facts.change.to_string(), false, size);
    }
    // VAT by rate, taken out of the prices (never for the margin scheme's used goods). When
    // the taxed lines are not the whole ticket (used goods under the margin scheme beside new
    // items), the line says on how much it is: it is not the whole ticket's VAT.
    let taxed: i64 = facts.tax.by_rate.iter().map(|r| r.ttc.cents()).sum();
    for r in &facts.tax.by_rate {
        let label = if taxed == facts.total.cents() {
            format!("dont TVA {} (HT {})", r.rate, r.ht)
        } else {
            format!(
                "dont TVA {} sur {} d'articles taxés sur leur prix (HT {})",
                r.rate, r.ttc, r.ht
            )
        };
        row(c, &label, r.vat.to_string(), false, size - 1.0);
    }
}

fn mentions(c: &mut Canvas, facts: &ReceiptFacts, size: f32) {
    if !facts.mention.is_empty() {
        c.paragraph(&facts.mention, size, false);
        c.space(1.0);
    }
    c.paragraph(GUARANTEE, size, false);
    c.space(1.0);
    // « Reconditionné » only when every device that held data has its erasure certificate.
    let all_refurbished = facts
        .lines
        .iter()
        .all(|l| !is_device(l) || l.erasure_ref.is_some() || !crate::refurbishing::holds_user_data(l.kind));
    let state = if all_refurbished { STATE } else { "voir chaque article" };
    c.paragraph(
        &format!("État des appareils : {state}. Prix solidaires réservés aux publics du programme."),
        size,
        false,
    );
}

fn roll(facts: &ReceiptFacts) -> Canvas {
    let mut c = Canvas::roll_80mm();
    let s = &facts.seller.settings;
    if let Some(image) = facts.seller.logo_image() {
        let x = c.left() + (c.content_width() - 30.0) / 2.0;
        let (_, h) = c.image(x, c.y, 30.0, 15.0, image);
        c.space(h + 2.0);
    }
    if let Some(mark) = copy_mark(facts.copy) {
        c.line(&mark, 11.0, true, Align::Center);
    }
    let (x, w) = (c.left(), c.content_width());
    c.paragraph_in(
        x,
        w,
        s.name.as_deref().unwrap_or("Association (nom à compléter)"),
        10.0,
        true,
        Align::Center,
    );
    for line in &s.address {
        c.paragraph_in(x, w, line, 8.0, false, Align::Center);
    }
    if let Some(siret) = &s.siret {
        c.paragraph_in(x, w, &format!("SIRET : {}", siret.display()), 8.0, false, Align::Center);
    }
    if let Some(notice) = missing_notice(&s.missing()) {
        c.paragraph_in(x, w, &notice, 7.5, true, Align::Center);
    }
    c.space(2.0);
    c.hline(0.5);
    c.space(2.0);
    c.paragraph_in(x, w, "TICKET DE VENTE", 10.0, true, Align::Center);
    c.paragraph_in(x, w, &format!("N° {}", facts.receipt), 8.5, true, Align::Center);
    c.paragraph(&format!("Le {}", when(facts)), 8.0, false);
    c.paragraph(&format!("Médiateur : {}", facts.operator), 8.0, false);
    c.paragraph(
        &format!(
            "Acheteur : {}",
            facts.buyer.as_deref().unwrap_or("(vente sans bénéficiaire)")
        ),
        8.0,
        false,
    );
    if let Some(programme) = &facts.programme {
        c.paragraph(&format!("Programme : {programme}"), 8.0, false);
    }
    c.space(1.5);
    c.hline(0.5);
    c.space(1.5);
    for line in &facts.lines {
        c.paragraph(&title(line), 8.5, true);
        if is_device(line) {
            c.paragraph(&state(line), 7.5, false);
        }
        let id = identification(line);
        if !id.is_empty() {
            c.paragraph(&id, 7.5, false);
        }
        if let Some(by) = &line.cancelled_by {
            c.paragraph(&format!("Ligne annulée par l'avoir {by}"), 7.5, true);
        }
        let amount = format!("{} × {} = {}", line.quantity, line.unit_price, line.total);
        let amount_w = text_width(&amount, 8.5, false);
        c.line_in(c.right() - amount_w, amount_w, &amount, 8.5, false, Align::Right);
        c.space(1.0);
    }
    c.hline(0.5);
    c.space(1.5);
    totals(&mut c, facts, 8.5);
    c.space(2.0);
    mentions(&mut c, facts, 7.5);
    c.space(2.0);
    c.paragraph(DELIVERY, 8.0, true);
    c.space(3.0);
    c.paragraph("Signature de l'acheteur :", 8.0, false);
    c.space(12.0);
    c.hline(0.3);
    c.space(3.0);
    c.paragraph("Signature du médiateur :", 8.0, false);
    c.space(12.0);
    c.hline(0.3);
    c
}
