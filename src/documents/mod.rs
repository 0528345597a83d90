//! Documents handed out: the receipt / purchase sheet (A4 or 80 mm roll), the onboarding sheet
//! made for the device sold, the credit note, and the permanence (X/Z) and period closing
//! reports, as PDF files with an embedded font.
//!
//! Each document is built in two steps: its *facts* are gathered from the store (a plain
//! struct, see [`ReceiptFacts`]), then laid out on a [`layout::Canvas`] by a pure function. A
//! receipt, credit note or closing report issued a second time is a duplicate: it is marked
//! « COPIE n° k » and the reprint is written in the journal.

use crate::error::Code;
mod aftersales;
mod donor;
mod funder;
mod issues;
pub mod layout;
mod loans;
mod onboarding;
mod privacy;
mod receipt;
mod recovery;
mod reports;

use crate::operators::Actor;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::centre::{self, CentreSettings, Paper};
use crate::device::code_enum;
use crate::error::{Error, Result};
use crate::store::Store;

pub use aftersales::{exchange, exchange_onboarding, outcome_slip, recycling_list, return_slip};
pub use donor::{donor_report, render_donor_report};
pub use funder::render_funder_report;
use issues::{issue, require_whole};
pub use issues::{issue_waiting, waiting_message, waiting_note};
pub use loans::{loan_agreement, loan_return};

pub use onboarding::{profile_for, render_onboarding, OnboardingFacts, Profile};
pub use receipt::{receipt_facts, render_receipt, ReceiptFacts, ReceiptLine, ReceiptPayment};
pub use reports::{render_closing, render_credit_note, render_session_report, ClosingFacts, CreditNoteFacts};

code_enum! {
    /// The documents Comptoir prints.
    pub enum DocumentKind, "document" {
        Receipt => "receipt", "Ticket de vente", ["ticket", "recu"];
        Onboarding => "onboarding", "Fiche de prise en main", ["fiche", "prise en main"];
        CreditNote => "credit_note", "Avoir", ["avoir", "credit-note"];
        Closing => "closing", "Rapport de clôture", ["cloture", "z"];
        Report => "report", "Bilan pour le financeur", ["bilan"];
        Notice => "notice", "Notice d'information (RGPD)", ["notice", "rgpd"];
        PersonData => "person_data", "Données d'une personne", ["donnees"];
        RecoverySheet => "recovery_sheet", "Phrase de secours", ["phrase"];
        ReturnSlip => "return_slip", "Bon de dépôt (SAV)", ["bon de depot", "depot"];
        OutcomeSlip => "outcome_slip", "Fin de retour (SAV)", ["fin de retour", "fin sav"];
        Exchange => "exchange", "Bon d'échange", ["echange", "bon d'echange"];
        RecyclingList => "recycling_list", "Lot de recyclage", ["recyclage", "deee"];
        LoanAgreement => "loan_agreement", "Convention de prêt", ["convention", "pret"];
        LoanReturn => "loan_return", "Retour de prêt", ["retour de pret"];
    }
}

/// A document made: its PDF bytes and what the UI needs to say about it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Document {
    pub kind: DocumentKind,
    pub reference: String,
    pub title: String,
    pub file_name: String,
    /// 0 for the original; k for « COPIE n° k » (documents with no copies are always 0).
    pub copy: u32,
    /// Settings the document needed and did not find, in French.
    pub missing: Vec<String>,
    pub pages: usize,
    /// Text found outside the printable box (always empty unless there is a layout bug).
    pub violations: Vec<String>,
    #[serde(skip)]
    pub pdf: Vec<u8>,
}

impl Document {
    fn from_canvas(
        kind: DocumentKind,
        reference: &str,
        title: String,
        file_name: String,
        copy: u32,
        missing: Vec<String>,
        canvas: layout::Canvas,
    ) -> Document {
        let pages = canvas.page_count();
        let violations = canvas.violations();
        Document {
            kind,
            reference: reference.to_string(),
            file_name,
            copy,
            missing,
            pages,
            violations,
            pdf: canvas.into_pdf(&title),
            title,
        }
    }

    /// Writes the PDF into `folder` (created if needed) and returns its path.
    pub fn save_in(&self, folder: &Path) -> Result<PathBuf> {
        private_folder(folder, true)?;
        let path = folder.join(&self.file_name);
        write_file(&path, &self.pdf)?;
        Ok(path)
    }
}

/// Writes a file whole or not at all, readable by its owner only (0600): a private temporary
/// file beside it, renamed into place. A failed write (a full disk, a folder in the way)
/// leaves nothing behind: the temporary file goes when dropped.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".comptoir-")
        .suffix(".partiel")
        .tempfile_in(parent)
        .map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// Creates `folder` and its missing parents readable by their owner only (0700); an existing
/// folder is left as it is, unless `tighten` (Comptoir's own folders: `documents/`).
pub fn private_folder(folder: &Path, tighten: bool) -> Result<()> {
    let io = |source| Error::Io {
        path: folder.to_path_buf(),
        source,
    };
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        builder.mode(0o700);
        builder.create(folder).map_err(io)?;
        if tighten {
            std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o700)).map_err(io)?;
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tighten;
        builder.create(folder).map_err(io)?;
    }
    Ok(())
}

/// Where documents are kept: `documents/` beside the database.
pub fn folder(database: &Path) -> PathBuf {
    database
        .parent()
        .map(|p| p.join("documents"))
        .unwrap_or_else(|| PathBuf::from("documents"))
}

fn decode_image(bytes: &[u8]) -> std::result::Result<layout::RawImage, String> {
    layout::RawImage::decode_from_bytes(bytes, &mut Vec::new())
}

/// Checks that an image decodes (for the logo).
pub fn check_image(bytes: &[u8]) -> Result<()> {
    decode_image(bytes).map(|_| ()).map_err(|e| Error::Refused {
        code: Code::Invalid,
        message: format!("Image illisible : {e}"),
    })
}

/// Who sells: the centre's settings and logo.
#[derive(Debug, Clone)]
pub struct Seller {
    pub settings: CentreSettings,
    pub logo: Option<Vec<u8>>,
}

impl Seller {
    pub fn load(store: &Store) -> Result<Seller> {
        Ok(Seller {
            settings: centre::load(store)?,
            logo: centre::logo(store)?,
        })
    }

    fn missing(&self) -> Vec<String> {
        self.settings.missing().into_iter().map(String::from).collect()
    }

    /// The logo, decoded for a page (none when there is none; it was checked when set).
    fn logo_image(&self) -> Option<layout::RawImage> {
        self.logo.as_deref().and_then(|bytes| decode_image(bytes).ok())
    }
}

/// A receipt's or a credit note's number as it appears in its documents' file names.
pub fn safe_reference(reference: &str) -> String {
    reference
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' })
        .collect()
}

fn file_name(stem: &str, reference: &str, copy: u32) -> String {
    let safe = safe_reference(reference);
    if copy > 0 {
        format!("{stem}-{safe}-copie-{copy}.pdf")
    } else {
        format!("{stem}-{safe}.pdf")
    }
}

/// The receipt of a sale, A4 or 80 mm roll (`None`: the paper chosen in the settings). The
/// first issue is the original; every later one a numbered, journaled copy.
pub fn receipt(store: &mut Store, receipt: &str, paper: Option<Paper>, actor: &Actor) -> Result<Document> {
    crate::operators::require_present(store.db(), actor)?;
    let operator = actor.name();
    let facts = receipt_facts(store, receipt)?;
    receipt_from(store, facts, paper, operator)
}

/// The receipt of gathered facts: issued (original or numbered copy), then laid out.
fn receipt_from(store: &mut Store, mut facts: ReceiptFacts, paper: Option<Paper>, operator: &str) -> Result<Document> {
    let paper = paper.unwrap_or(facts.seller.settings.paper);
    require_whole(store, DocumentKind::Receipt, &facts.receipt, &facts.seller)?;
    facts.copy = issue(store, DocumentKind::Receipt, &facts.receipt, operator)?;
    let missing = facts.seller.missing();
    let canvas = render_receipt(&facts, paper);
    let stem = match paper {
        Paper::A4 => "ticket",
        Paper::Roll80 => "ticket-80mm",
    };
    Ok(Document::from_canvas(
        DocumentKind::Receipt,
        &facts.receipt,
        format!("Ticket de vente {}", facts.receipt),
        file_name(stem, &facts.receipt, facts.copy),
        facts.copy,
        missing,
        canvas,
    ))
}

/// The onboarding sheet of a sale (one page per device that needs one), or of the device a
/// warranty exchange handed over (by the exchange's number).
pub fn onboarding(store: &Store, receipt: &str) -> Result<Document> {
    // The device a warranty exchange handed over gets its own sheet, by the exchange's number.
    if crate::store::aftersales::return_by_exchange(store.db(), receipt.trim())?.is_some() {
        return exchange_onboarding(store, receipt)?.ok_or_else(|| Error::Refused {
            code: Code::Invalid,
            message: format!("L'appareil remis par l'échange {receipt} n'a pas de fiche de prise en main."),
        });
    }
    let facts = receipt_facts(store, receipt)?;
    onboarding_from(&facts).ok_or_else(|| Error::Refused {
        code: Code::Invalid,
        message: format!(
            "La vente {} ne contient ni ordinateur, ni téléphone, ni tablette : pas de fiche de prise en main.",
            facts.receipt
        ),
    })
}

/// The sheet of gathered facts; none when the sale holds no device that needs one.
fn onboarding_from(facts: &ReceiptFacts) -> Option<Document> {
    let sheets: Vec<OnboardingFacts> = OnboardingFacts::of_sale(facts);
    if sheets.is_empty() {
        return None;
    }
    let canvas = render_onboarding(&facts.seller, &sheets);
    Some(Document::from_canvas(
        DocumentKind::Onboarding,
        &facts.receipt,
        format!("Fiche de prise en main {}", facts.receipt),
        file_name("fiche-prise-en-main", &facts.receipt, 0),
        0,
        onboarding::missing(&facts.seller.settings),
        canvas,
    ))
}

/// A credit note, by its number.
pub fn credit_note(store: &mut Store, number: &str, actor: &Actor) -> Result<Document> {
    crate::operators::require_present(store.db(), actor)?;
    let operator = actor.name();
    let mut facts = CreditNoteFacts::load(store, number)?;
    require_whole(
        store,
        DocumentKind::CreditNote,
        &facts.note.number,
        &facts.receipt.seller,
    )?;
    facts.copy = issue(store, DocumentKind::CreditNote, &facts.note.number, operator)?;
    let missing = facts.receipt.seller.missing();
    let canvas = render_credit_note(&facts);
    Ok(Document::from_canvas(
        DocumentKind::CreditNote,
        &facts.note.number.clone(),
        format!("Avoir {}", facts.note.number),
        file_name("avoir", &facts.note.number, facts.copy),
        facts.copy,
        missing,
        canvas,
    ))
}

/// A closing report: `reference` is a permanence number (its Z report once closed, else its X
/// report), or a period closing key (`day:2026-11-22`, `month:2026-11`, `year:2026`).
pub fn closing(store: &mut Store, reference: &str, actor: &Actor) -> Result<Document> {
    crate::operators::require_present(store.db(), actor)?;
    let operator = actor.name();
    let reference = reference.trim();
    let mut facts = ClosingFacts::load(store, reference)?;
    let final_report = facts.is_final();
    if final_report {
        facts.copy = issue(store, DocumentKind::Closing, reference, operator)?;
    }
    let missing = facts.seller.missing();
    let (canvas, title, stem) = match &facts.report {
        reports::Report::Session(_) => (
            render_session_report(&facts),
            format!("Rapport de permanence {reference}"),
            if final_report {
                "rapport-z-permanence"
            } else {
                "rapport-x-permanence"
            },
        ),
        reports::Report::Period(_) => (render_closing(&facts), format!("Clôture {reference}"), "cloture"),
    };
    Ok(Document::from_canvas(
        DocumentKind::Closing,
        reference,
        title,
        file_name(stem, reference, facts.copy),
        facts.copy,
        missing,
        canvas,
    ))
}

/// The copy mark printed on duplicates.
pub fn copy_mark(copy: u32) -> Option<String> {
    (copy > 0).then(|| format!("COPIE n° {copy}"))
}

/// How the missing settings are named on a document.
pub fn missing_notice(missing: &[&str]) -> Option<String> {
    (!missing.is_empty()).then(|| format!("À compléter dans Réglages : {}.", missing.join(", ")))
}

/// What a family takes home after a sale, in one action: the receipt (on the paper chosen in
/// the settings) and, when the sale holds a computer, a phone or a tablet, its onboarding sheet.
/// A receipt whose original waits for Réglages is not made; `waiting` says why.
pub fn after_sale(store: &mut Store, receipt: &str, actor: &Actor) -> Result<AfterSale> {
    crate::operators::require_present(store.db(), actor)?;
    let operator = actor.name();
    let facts = receipt_facts(store, receipt)?;
    let sheet = onboarding_from(&facts);
    let mut made = Vec::new();
    let mut waiting = None;
    match receipt_from(store, facts, None, operator) {
        Ok(document) => made.push(document),
        Err(e) if e.code() == Code::NotConfigured => waiting = Some(e.to_string()),
        Err(e) => return Err(e),
    }
    made.extend(sheet);
    Ok(AfterSale {
        documents: made,
        waiting,
    })
}

/// The documents made after a sale, and why its receipt waits, if it does.
#[derive(Debug, Clone)]
pub struct AfterSale {
    pub documents: Vec<Document>,
    pub waiting: Option<String>,
}

/// A document of `folder` by its file name only (no folder part, no `..`): the UI names the
/// documents it prints or opens, it never gives a path.
pub fn path_in(folder: &Path, file_name: &str) -> Result<PathBuf> {
    let plain = !file_name.is_empty()
        && !file_name.contains(['/', '\\', ':'])
        && !file_name.starts_with('.')
        && [".pdf", ".csv", ".json"].iter().any(|e| file_name.ends_with(e));
    if !plain {
        return Err(Error::Refused {
            code: Code::Invalid,
            message: format!("« {file_name} » n'est pas un document de Comptoir."),
        });
    }
    Ok(folder.join(file_name))
}

/// The funder's report of a programme over a period, as PDF.
pub fn funder_report(store: &Store, report: &crate::reports::Report) -> Result<Document> {
    let seller = Seller::load(store)?;
    let canvas = render_funder_report(&seller, report);
    let reference = format!("{}-{}-{}", report.programme_id, report.from, report.to);
    Ok(Document::from_canvas(
        DocumentKind::Report,
        &reference,
        format!(
            "Bilan {} du {} au {}",
            report.programme,
            report.from.format("%d/%m/%Y"),
            report.to.format("%d/%m/%Y")
        ),
        file_name("bilan", &reference, 0),
        0,
        seller.missing(),
        canvas,
    ))
}

/// The information notice (art. 13), printable.
pub fn notice(store: &Store) -> Result<Document> {
    let seller = Seller::load(store)?;
    let canvas = privacy::render_notice(&seller, &crate::privacy::notice(store)?);
    Ok(Document::from_canvas(
        DocumentKind::Notice,
        "rgpd",
        "Notice d'information sur les données personnelles".into(),
        "notice-donnees-personnelles.pdf".into(),
        0,
        seller.missing(),
        canvas,
    ))
}

/// Everything held about one person, readable (art. 15).
pub fn person_export(store: &Store, data: &crate::privacy::PersonExport) -> Result<Document> {
    let seller = Seller::load(store)?;
    let canvas = privacy::render_person_export(&seller, data);
    let reference = data.person.id.to_string();
    Ok(Document::from_canvas(
        DocumentKind::PersonData,
        &reference,
        format!("Données de la fiche n° {reference}"),
        format!("personne-{reference}.pdf"),
        0,
        seller.missing(),
        canvas,
    ))
}

/// The recovery phrase on paper, for a manager. Never kept in the documents folder: whoever
/// prints it writes it to a temporary file and removes it once printed.
pub fn recovery_sheet(store: &Store, keys: &dyn crate::vault::KeyStore, actor: &Actor) -> Result<Document> {
    crate::operators::require_present(store.db(), actor)?;
    let words = crate::vault::recovery_phrase(store, keys, actor)?;
    let seller = Seller::load(store)?;
    let today = crate::local::today().format("%d/%m/%Y").to_string();
    let canvas = recovery::render_recovery_sheet(&seller, &words, &store.path().display().to_string(), &today);
    Ok(Document::from_canvas(
        DocumentKind::RecoverySheet,
        "cle",
        "Phrase de secours".into(),
        "phrase-de-secours.pdf".into(),
        0,
        Vec::new(),
        canvas,
    ))
}
