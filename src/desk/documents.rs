//! Documents and `comptoir document` / `report`: receipts, onboarding sheets, credit notes,
//! closing reports and funders' reports, each kept as a file and printed when asked; the
//! dashboard.

use crate::error::Code;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use super::refused;
use crate::centre;
use crate::documents;
use crate::error::{Error, Failure, Result};
use crate::operators::Actor;
use crate::printing;
use crate::programme::Programme;
use crate::reports;
use crate::store::Store;

pub use crate::centre::Paper;
pub use crate::documents::{after_sale, copy_mark, folder, notice, path_in, waiting_note, Document, DocumentKind};
pub use crate::printing::{open, open_folder, printers, save_as, PrintJob, Printer};
pub use crate::reports::{dashboard, Dashboard, Report};

/// A document written, and printed when asked. A printing failure is returned beside the
/// document, which stays (in the documents folder, or the file asked for) for a retry.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Made {
    #[serde(flatten)]
    pub document: Document,
    /// Where it was written.
    pub path: String,
    pub printed: Option<PrintJob>,
    /// Why the printing failed (the document stays, for a retry).
    pub print_error: Option<Failure>,
}

impl Made {
    /// The printing's failure as an error (the command line ends on it, the file kept).
    pub fn printing_result(&self) -> Result<()> {
        match &self.print_error {
            Some(failure) => Err(refused(failure.code, failure.message.clone())),
            None => Ok(()),
        }
    }
}

/// Where a document goes: the documents folder beside the database, or a file chosen.
pub enum Destination<'a> {
    Folder(&'a Path),
    File(&'a Path),
}

/// Whether to print, and on which printer (none: the one of Réglages, else the system's).
pub struct Printing {
    pub print: bool,
    pub printer: Option<String>,
}

impl Printing {
    pub const NO: Printing = Printing {
        print: false,
        printer: None,
    };

    pub fn on_default(print: bool) -> Printing {
        Printing { print, printer: None }
    }
}

/// Writes `document` where asked, then prints it when asked.
pub fn keep(store: &Store, document: Document, to: Destination<'_>, printing: &Printing) -> Result<Made> {
    let path: PathBuf = match to {
        Destination::Folder(folder) => document.save_in(folder)?,
        Destination::File(file) => {
            documents::write_file(file, &document.pdf)?;
            file.to_path_buf()
        }
    };
    let (printed, print_error) = if printing.print {
        match print_file(store, &path, printing.printer.clone(), &document.title) {
            Ok(job) => (Some(job), None),
            Err(e) => (None, Some(Failure::from(&e))),
        }
    } else {
        (None, None)
    };
    Ok(Made {
        path: path.display().to_string(),
        document,
        printed,
        print_error,
    })
}

/// Prints a file already made, on `printer` (none: the one of Réglages, else the system's).
pub fn print_file(store: &Store, path: &Path, printer: Option<String>, title: &str) -> Result<PrintJob> {
    let printer = match printer {
        Some(p) => Some(p),
        None => centre::load(store)?.printer,
    };
    printing::print(path, printer.as_deref(), title)
}

/// Prints again a document of the documents folder (after a printer failure).
pub fn reprint(store: &Store, folder: &Path, file_name: &str, title: &str) -> Result<PrintJob> {
    print_file(store, &documents::path_in(folder, file_name)?, None, title)
}

/// Whether making a document of `kind` is recorded (a receipt, a credit note or a closing
/// report: each issue is a numbered, journaled copy), and so needs who acts.
pub fn records_its_issue(kind: DocumentKind) -> bool {
    matches!(
        kind,
        DocumentKind::Receipt
            | DocumentKind::CreditNote
            | DocumentKind::Closing
            | DocumentKind::ReturnSlip
            | DocumentKind::OutcomeSlip
            | DocumentKind::Exchange
            | DocumentKind::RecyclingList
            | DocumentKind::LoanAgreement
            | DocumentKind::LoanReturn
    )
}

/// Makes a document of `kind` for `reference` (a receipt's or credit note's number, a
/// permanence or a period for a closing, a person's number, a return's, an exchange's or a
/// recycling batch's number). A reprint is a numbered copy,
/// recorded with who made it: `actor` is needed for those kinds ([`records_its_issue`]).
fn make(
    store: &mut Store,
    kind: DocumentKind,
    reference: &str,
    paper: Option<Paper>,
    actor: Option<&Actor>,
) -> Result<Document> {
    let who = || {
        actor.ok_or_else(|| {
            refused(
                Code::ProfileRequired,
                "Ce document est enregistré : il faut savoir qui le fait.",
            )
        })
    };
    match kind {
        DocumentKind::Receipt => documents::receipt(store, reference, paper, who()?),
        DocumentKind::Onboarding => documents::onboarding(store, reference),
        DocumentKind::CreditNote => documents::credit_note(store, reference, who()?),
        DocumentKind::Closing => documents::closing(store, reference, who()?),
        DocumentKind::Notice => documents::notice(store),
        DocumentKind::ReturnSlip => documents::return_slip(store, reference, who()?),
        DocumentKind::OutcomeSlip => documents::outcome_slip(store, reference, who()?),
        DocumentKind::Exchange => documents::exchange(store, reference, who()?),
        DocumentKind::RecyclingList => documents::recycling_list(store, reference, who()?),
        DocumentKind::LoanAgreement => documents::loan_agreement(store, reference, who()?),
        DocumentKind::LoanReturn => documents::loan_return(store, reference, who()?),
        DocumentKind::PersonData => {
            let id = reference.parse().map_err(|_| Error::PersonNotFound(0))?;
            documents::person_export(store, &crate::privacy::export(store, id)?)
        }
        DocumentKind::Report => Err(refused(Code::Invalid, "Un bilan se fait depuis l'écran des bilans.")),
        DocumentKind::RecoverySheet => Err(refused(
            Code::Invalid,
            "La phrase de secours s'imprime depuis Réglages › Sauvegardes et clé.",
        )),
    }
}

/// Makes a document ([`make`]) and keeps it where asked, printed when asked ([`keep`]).
pub fn issue(
    store: &mut Store,
    kind: DocumentKind,
    reference: &str,
    paper: Option<Paper>,
    to: Destination<'_>,
    printing: &Printing,
    actor: Option<&Actor>,
) -> Result<Made> {
    let document = make(store, kind, reference, paper, actor)?;
    keep(store, document, to, printing)
}

/// A funder's report over `from`..=`to` for the programme named `programme` (its id or name).
pub fn report(
    store: &Store,
    programmes: &[Programme],
    programme: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Report> {
    reports::build(store, reports::find_programme(programmes, programme)?, from, to)
}

/// A funder's report as a document: its PDF, or its CSV export.
pub fn report_document(store: &Store, report: &Report, csv: bool) -> Result<Document> {
    let mut document = documents::funder_report(store, report)?;
    if csv {
        document.pdf = reports::to_csv(report);
        document.file_name = document.file_name.replace(".pdf", ".csv");
        document.title = document.title.replacen("Bilan", "Export CSV", 1);
    }
    Ok(document)
}

pub use crate::donors::{Donor, DonorReport, COLUMNS as DONOR_COLUMNS};

/// The donors of the stock (for the window's list).
pub fn donors(store: &Store) -> Result<Vec<Donor>> {
    crate::donors::donors(store)
}

/// A donor's report over `from`..=`to` (the donor's name, accents and case ignored).
pub fn donor_report(
    store: &Store,
    programmes: &[Programme],
    donor: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<DonorReport> {
    crate::donors::build(store, programmes, donor, from, to)
}

/// A donor's report as a document: its PDF, or its CSV export.
pub fn donor_report_document(store: &Store, report: &DonorReport, csv: bool) -> Result<Document> {
    let mut document = documents::donor_report(store, report)?;
    if csv {
        document.pdf = crate::donors::to_csv(report);
        document.file_name = document.file_name.replace(".pdf", ".csv");
        document.title = document.title.replacen("Rapport", "Export CSV du rapport", 1);
    }
    Ok(document)
}
