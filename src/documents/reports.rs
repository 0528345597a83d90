//! The credit note, and the permanence (X/Z) and period closing reports. A closed report is
//! read back from its journal entry, so that a reprint shows exactly what was recorded.

use crate::error::Code;
use std::collections::BTreeMap;

use super::layout::{Align, Canvas};
use super::receipt::{header, identification, title, HeaderLine};
use super::{copy_mark, receipt_facts, ReceiptFacts, Seller};
use crate::error::{Error, Result};
use crate::money::Money;
use crate::pos::{self, CashReport, Closing, CreditNote, PaymentMethod};
use crate::store::{pos as sql, Store};
use crate::text::format_timestamp;

fn refused(message: String) -> Error {
    Error::Refused {
        code: Code::NotFound,
        message,
    }
}

/// A credit note and the sale it cancels.
#[derive(Debug, Clone)]
pub struct CreditNoteFacts {
    pub note: CreditNote,
    pub operator: String,
    pub receipt: ReceiptFacts,
    pub copy: u32,
}

impl CreditNoteFacts {
    pub fn load(store: &Store, number: &str) -> Result<CreditNoteFacts> {
        let (note, operator) = sql::credit_note(store.db(), number.trim())?
            .ok_or_else(|| refused(format!("Aucun avoir ne porte le numéro « {} ».", number.trim())))?;
        let receipt = receipt_facts(store, &note.cancels)?;
        Ok(CreditNoteFacts {
            note,
            operator,
            receipt,
            copy: 0,
        })
    }
}

pub fn render_credit_note(facts: &CreditNoteFacts) -> Canvas {
    let note = &facts.note;
    let mut c = Canvas::a4();
    c.set_continuation(format!("Avoir n° {} (suite)", note.number));
    let mut right: Vec<HeaderLine> = vec![
        ("AVOIR".into(), 15.0, true),
        (format!("N° {}", note.number), 11.0, true),
        (format!("Le {}", format_timestamp(&note.at)), 10.0, false),
        (format!("Médiateur : {}", facts.operator), 10.0, false),
    ];
    if let Some(mark) = copy_mark(facts.copy) {
        right.insert(0, (mark, 15.0, true));
    }
    header(&mut c, &facts.receipt.seller, &right);
    let sale = &facts.receipt;
    c.paragraph(
        &format!(
            "Annule le ticket n° {} du {}{}.",
            sale.receipt,
            format_timestamp(&sale.at),
            match note.line {
                Some(n) => format!(" (ligne {n})"),
                None => String::new(),
            }
        ),
        12.0,
        true,
    );
    c.space(2.0);
    c.field(
        "Acheteur",
        sale.buyer.as_deref().unwrap_or("(vente sans bénéficiaire)"),
        11.0,
    );
    c.field("Motif", &note.reason, 11.0);
    c.space(3.0);
    c.line("Lignes annulées", 11.0, true, Align::Left);
    c.hline(0.5);
    c.space(2.0);
    let amount_w = 30.0;
    let desc_w = c.content_width() - amount_w - 4.0;
    let cancelled = sale.lines.iter().enumerate().filter(|(i, l)| match note.line {
        Some(n) => *i + 1 == n,
        None => l.cancelled_by.as_deref() == Some(note.number.as_str()),
    });
    for (_, line) in cancelled {
        let id = identification(line);
        let height = Canvas::measure(&title(line), 10.0, true, desc_w) + Canvas::measure(&id, 9.0, false, desc_w);
        c.ensure(height);
        let y = c.y;
        c.line_in(
            c.right() - amount_w,
            amount_w,
            &Money::from_cents(-line.total.cents()).to_string(),
            10.0,
            false,
            Align::Right,
        );
        c.y = y;
        let x = c.left();
        c.paragraph_in(x, desc_w, &title(line), 10.0, true, Align::Left);
        if !id.is_empty() {
            c.paragraph_in(x, desc_w, &id, 9.0, false, Align::Left);
        }
        c.space(2.0);
    }
    c.hline(0.5);
    c.space(2.0);
    let y = c.y;
    c.line_in(
        c.left(),
        c.content_width() - amount_w - 4.0,
        "Montant de l'avoir",
        12.0,
        true,
        Align::Right,
    );
    c.y = y;
    c.line_in(
        c.right() - amount_w,
        amount_w,
        &note.amount.to_string(),
        12.0,
        true,
        Align::Right,
    );
    c.field("Remboursé par", note.refund_method.label(), 11.0);
    // The VAT of the cancelled lines, by rate, as their sale fixed it (never the margin
    // scheme's, which documents never show).
    let cancelled_tax = crate::tax::TaxTotals::of(
        sale.lines
            .iter()
            .enumerate()
            .filter(|(i, l)| match note.line {
                Some(n) => *i + 1 == n,
                None => l.cancelled_by.as_deref() == Some(note.number.as_str()),
            })
            .filter_map(|(_, l)| {
                Some(crate::tax::TaxedLine {
                    ttc: l.total,
                    tax: l.tax?,
                    sign: -1,
                })
            }),
    );
    for r in &cancelled_tax.by_rate {
        c.field(
            &format!("dont TVA {}", r.rate),
            &format!("{} (HT {})", r.vat, r.ht),
            10.0,
        );
    }
    c.space(4.0);
    if !sale.mention.is_empty() {
        c.paragraph(&sale.mention, 9.5, false);
    }
    c.space(6.0);
    c.ensure(30.0);
    c.paragraph("Signature de l'acheteur (remboursement reçu) :", 10.0, true);
    c.space(18.0);
    c.hline(0.3);
    c
}

/// What a closing report shows.
#[derive(Debug, Clone)]
pub enum Report {
    Session(CashReport),
    Period(Closing),
}

#[derive(Debug, Clone)]
pub struct ClosingFacts {
    pub seller: Seller,
    pub reference: String,
    pub report: Report,
    pub copy: u32,
    /// The journal entry that recorded this Z or closing (a provisional X has none): printed,
    /// with a QR code, as the journal's anchor on paper.
    pub anchor: Option<JournalAnchor>,
    /// The programmes' names by code (the totals by programme are kept by code).
    pub programme_names: BTreeMap<String, String>,
}

/// The journal at the moment of a Z or a closing: its register, the entry's number and hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalAnchor {
    pub register: String,
    pub entries: i64,
    pub hash: String,
    /// On a yearly closing: the public key that checks this register's signed archives.
    pub public_key: Option<String>,
}

impl JournalAnchor {
    /// What the QR code holds: enough to compare with the journal or the hub later.
    pub fn qr_text(&self) -> String {
        format!(
            "comptoir-journal;caisse={};entree={};sha256={}",
            self.register, self.entries, self.hash
        )
    }

    /// The line printed under the totals.
    pub fn line(&self) -> String {
        let short = |h: &str| format!("{}…{}", &h[..h.len().min(12)], &h[h.len().saturating_sub(12)..]);
        format!(
            "Journal de la caisse {} : entrée n° {}, empreinte {}",
            self.register,
            self.entries,
            short(&self.hash)
        )
    }
}

impl ClosingFacts {
    pub fn load(store: &Store, reference: &str) -> Result<ClosingFacts> {
        let report = if let Ok(id) = reference.parse::<i64>() {
            match sql::session_close_entry(store.db(), id)? {
                Some(content) => {
                    let mut z: CashReport = serde_json::from_str(&content).map_err(|e| {
                        refused(format!(
                            "Le rapport Z de la permanence {id} est illisible dans le journal : {e}"
                        ))
                    })?;
                    // The entry is written as the permanence closes: when and by whom it closed
                    // are on the permanence's row.
                    if let Some(session) = sql::session(store.db(), id)? {
                        z.session = session;
                    }
                    Report::Session(z)
                }
                None => match pos::current_session(store)? {
                    Some(open) if open.id == id => Report::Session(pos::x_report(store)?),
                    _ => return Err(refused(format!("Aucune permanence ne porte le numéro {id}."))),
                },
            }
        } else {
            let content = sql::closing_entry(store.db(), reference)?.ok_or_else(|| {
                refused(format!(
                    "Aucune clôture « {reference} » (exemples : une permanence « 12 », une clôture « day:2026-11-22 », « month:2026-11 », « year:2026 »)."
                ))
            })?;
            Report::Period(serde_json::from_str(&content).map_err(|e| {
                refused(format!(
                    "La clôture « {reference} » est illisible dans le journal : {e}"
                ))
            })?)
        };
        let head = match &report {
            Report::Session(z) => crate::store::witness::session_close_head(store.db(), z.session.id)?,
            Report::Period(_) => crate::store::witness::closing_head(store.db(), reference)?,
        };
        let register = pos::register_identity(store)?.1;
        let yearly = matches!(&report, Report::Period(k) if k.period == pos::Period::Year);
        Ok(ClosingFacts {
            seller: Seller::load(store)?,
            reference: reference.to_string(),
            report,
            copy: 0,
            anchor: head.map(|(entries, hash)| JournalAnchor {
                register,
                entries,
                hash,
                public_key: yearly.then(|| crate::archive::public_key(store)).flatten(),
            }),
            programme_names: pos::programme_names(store)?,
        })
    }

    /// A Z report or a period closing (an X report is provisional and has no copies).
    pub fn is_final(&self) -> bool {
        match &self.report {
            Report::Session(r) => r.session.closed_at.is_some(),
            Report::Period(_) => true,
        }
    }
}

/// A table of amounts by payment method: columns are (heading, values).
fn method_table(c: &mut Canvas, columns: &[(&str, &BTreeMap<PaymentMethod, Money>)]) {
    let label_w = 62.0;
    let col_w = (c.content_width() - label_w) / columns.len().max(1) as f32;
    let y = c.y;
    c.line_in(c.left(), label_w, "Moyen de paiement", 10.0, true, Align::Left);
    for (i, (heading, _)) in columns.iter().enumerate() {
        c.y = y;
        c.line_in(
            c.left() + label_w + i as f32 * col_w,
            col_w,
            heading,
            10.0,
            true,
            Align::Right,
        );
    }
    c.hline(0.5);
    c.space(1.0);
    for method in PaymentMethod::ALL {
        if columns.iter().all(|(_, m)| !m.contains_key(method)) {
            continue;
        }
        let y = c.y;
        c.line_in(c.left(), label_w, method.label(), 10.0, false, Align::Left);
        for (i, (_, values)) in columns.iter().enumerate() {
            c.y = y;
            let value = values.get(method).map(|m| m.to_string()).unwrap_or_else(|| "—".into());
            c.line_in(
                c.left() + label_w + i as f32 * col_w,
                col_w,
                &value,
                10.0,
                false,
                Align::Right,
            );
        }
    }
    c.space(2.0);
}

fn report_header(c: &mut Canvas, facts: &ClosingFacts, mut right: Vec<HeaderLine>) {
    if let Some(mark) = copy_mark(facts.copy) {
        right.insert(0, (mark, 15.0, true));
    }
    header(c, &facts.seller, &right);
}

pub fn render_session_report(facts: &ClosingFacts) -> Canvas {
    let Report::Session(r) = &facts.report else {
        return render_closing(facts);
    };
    let mut c = Canvas::a4();
    let z = r.session.closed_at.is_some();
    let title = if z {
        "RAPPORT Z — CLÔTURE DE PERMANENCE"
    } else {
        "RAPPORT X — PROVISOIRE"
    };
    c.set_continuation(format!("Permanence n° {} (suite)", r.session.id));
    report_header(
        &mut c,
        facts,
        vec![
            (title.into(), 13.0, true),
            (format!("Permanence n° {}", r.session.id), 11.0, true),
            (
                format!("Édité le {}", format_timestamp(&crate::store::now_text())),
                9.0,
                false,
            ),
        ],
    );
    c.field(
        "Ouverte",
        &format!(
            "le {} par {}",
            format_timestamp(&r.session.opened_at),
            r.session.opened_by
        ),
        11.0,
    );
    if let (Some(at), Some(by)) = (&r.session.closed_at, &r.session.closed_by) {
        c.field("Clôturée", &format!("le {} par {}", format_timestamp(at), by), 11.0);
    }
    c.field("Fond de caisse", &r.session.float.to_string(), 11.0);
    c.field(
        "Ventes",
        &format!("{} pour un total de {}", r.sales, r.sales_total),
        11.0,
    );
    c.field(
        "Avoirs",
        &format!("{} pour un total de {}", r.credit_notes, r.credit_total),
        11.0,
    );
    c.field("Net de la permanence", &r.net.to_string(), 11.0);
    c.space(4.0);
    let mut columns: Vec<(&str, &BTreeMap<PaymentMethod, Money>)> =
        vec![("Encaissé net", &r.by_method), ("Attendu", &r.expected)];
    if let Some(counted) = &r.counted {
        columns.push(("Compté", counted));
    }
    if let Some(diff) = &r.differences {
        columns.push(("Écart", diff));
    }
    method_table(&mut c, &columns);
    if let Some(comment) = &r.comment {
        c.field("Commentaire sur l'écart", comment, 11.0);
    }
    if let Some(deposits) = r.deposits.as_ref().filter(|d| {
        d.received != Money::ZERO || d.returned != Money::ZERO || d.held_cash != Money::ZERO || d.cheques > 0
    }) {
        c.space(2.0);
        c.paragraph(&deposits.text, 10.0, false);
    }
    tax_block(&mut c, r.tax.as_ref(), &facts.seller.settings.vat_mention);
    if z {
        c.space(3.0);
        c.paragraph(
            "Ce rapport reprend l'écriture de clôture enregistrée dans le journal inaltérable de la caisse.",
            9.0,
            false,
        );
        anchor_block(&mut c, facts);
    }
    c.space(8.0);
    c.ensure(25.0);
    c.paragraph("Signature du responsable :", 10.0, true);
    c.space(15.0);
    c.hline(0.3);
    c
}

pub fn render_closing(facts: &ClosingFacts) -> Canvas {
    let Report::Period(k) = &facts.report else {
        return render_session_report(facts);
    };
    let mut c = Canvas::a4();
    c.set_continuation(format!("Clôture {} (suite)", k.key));
    let period = k.label();
    report_header(
        &mut c,
        facts,
        vec![
            (format!("CLÔTURE — {}", k.period.label().to_uppercase()), 13.0, true),
            (period.clone(), 11.0, true),
            (
                format!("Édité le {}", format_timestamp(&crate::store::now_text())),
                9.0,
                false,
            ),
        ],
    );
    c.field(
        "Période",
        &format!("du {} au {}", k.start.format("%d/%m/%Y"), k.end.format("%d/%m/%Y")),
        11.0,
    );
    c.field(
        "Ventes",
        &format!("{} pour un total de {}", k.sales, k.sales_total),
        11.0,
    );
    c.field(
        "Avoirs",
        &format!("{} pour un total de {}", k.credit_notes, k.credit_total),
        11.0,
    );
    c.field("Net de la période", &k.net.to_string(), 11.0);
    c.field("Grand total perpétuel", &k.grand_total.to_string(), 11.0);
    c.space(4.0);
    method_table(&mut c, &[("Net", &k.by_method)]);
    if !k.by_programme.is_empty() {
        c.line("Par programme", 10.0, true, Align::Left);
        c.hline(0.5);
        c.space(1.0);
        let w = c.content_width();
        for (programme, amount) in &k.by_programme {
            let y = c.y;
            let x = c.left();
            let name = facts.programme_names.get(programme).unwrap_or(programme);
            c.paragraph_in(x, w - 40.0, name, 10.0, false, Align::Left);
            let after = c.y;
            c.y = y;
            c.line_in(x + w - 38.0, 38.0, &amount.to_string(), 10.0, false, Align::Right);
            c.y = after.max(c.y);
        }
    }
    tax_block(&mut c, k.tax.as_ref(), &facts.seller.settings.vat_mention);
    c.space(3.0);
    c.paragraph(
        "Ce rapport reprend l'écriture de clôture enregistrée dans le journal inaltérable de la caisse.",
        9.0,
        false,
    );
    anchor_block(&mut c, facts);
    c
}

/// The tax status's mentions, then the VAT by rate and, under the margin scheme, the margin
/// base and the VAT due on it. Reports written before schema 16 print the centre's mention.
fn tax_block(c: &mut Canvas, tax: Option<&pos::TillTax>, fallback: &str) {
    let mentions: Vec<String> = match tax {
        Some(t) if !t.mentions.is_empty() => t.mentions.clone(),
        _ => vec![fallback.to_string()]
            .into_iter()
            .filter(|m| !m.is_empty())
            .collect(),
    };
    let lines = tax.map(|t| t.totals.lines()).unwrap_or_default();
    if mentions.is_empty() && lines.is_empty() {
        return;
    }
    c.space(2.0);
    if !lines.is_empty() {
        c.line("TVA", 10.0, true, Align::Left);
        c.hline(0.5);
        c.space(1.0);
        for line in &lines {
            c.paragraph(line, 10.0, false);
        }
    }
    for mention in &mentions {
        c.paragraph(mention, 9.0, false);
    }
}

/// The journal's anchor on paper: the entry that recorded the report, its hash, and a QR code
/// of both (a journal later cut or rewritten no longer leads to it).
fn anchor_block(c: &mut Canvas, facts: &ClosingFacts) {
    let Some(anchor) = &facts.anchor else { return };
    let qr = 24.0;
    c.ensure(qr + 4.0);
    c.space(3.0);
    let top = c.y;
    let (x, w) = (c.left(), c.content_width() - qr - 4.0);
    c.paragraph_in(x, w, &anchor.line(), 9.0, true, Align::Left);
    c.space(0.6);
    c.paragraph_in(
        x,
        w,
        "Gardez ce rapport : cette empreinte prouve, plus tard, que le journal n'a pas été réécrit depuis \
         (Caisse › Journal, ou « comptoir journal verify »).",
        8.5,
        false,
        Align::Left,
    );
    if let Some(key) = &anchor.public_key {
        c.space(0.6);
        c.paragraph_in(
            x,
            w,
            &format!("Clé publique des archives signées de la caisse (comptoir archive verify) : {key}"),
            8.0,
            false,
            Align::Left,
        );
    }
    c.qr(c.right() - qr, top, qr, &anchor.qr_text());
    c.y = c.y.max(top + qr);
}
