//! `comptoir document`: receipts, onboarding sheets, credit notes, closing reports, printing.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use comptoir::desk::documents::{self, Destination, Document, DocumentKind, Made, Paper, PrintJob, Printing};
use comptoir::desk::{Error, Store};

use super::output::output;
use super::Who;

#[derive(Subcommand)]
pub(crate) enum DocumentCommand {
    /// Le ticket de vente (A4 avec signatures, ou rouleau 80 mm). Une réimpression est une copie numérotée.
    Receipt {
        receipt: String,
        /// Fichier PDF à écrire (par défaut : le dossier documents/ à côté de la base).
        #[arg(long)]
        out: Option<PathBuf>,
        /// a4 ou 80mm (par défaut : le format des Réglages).
        #[arg(long, value_parser = Paper::parse)]
        format: Option<Paper>,
        #[command(flatten)]
        print: PrintArgs,
    },
    /// La fiche de prise en main de l'appareil vendu.
    Onboarding {
        receipt: String,
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        print: PrintArgs,
    },
    /// Un avoir, par son numéro.
    CreditNote {
        number: String,
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        print: PrintArgs,
    },
    /// Le rapport d'une permanence (son numéro) ou d'une clôture (day:AAAA-MM-JJ, month:AAAA-MM, year:AAAA).
    Closing {
        id: String,
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        print: PrintArgs,
    },
    /// Le bon de dépôt d'un retour sous garantie, par son numéro.
    ReturnSlip {
        number: String,
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        print: PrintArgs,
    },
    /// La fiche de fin d'un retour sous garantie (réparé, échangé, remboursé), par son numéro.
    OutcomeSlip {
        number: String,
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        print: PrintArgs,
    },
    /// Le bon d'un échange sous garantie, par son numéro (EC).
    Exchange {
        number: String,
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        print: PrintArgs,
    },
    /// La liste d'un lot de recyclage, par son numéro (DEEE).
    Recycling {
        number: String,
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        print: PrintArgs,
    },
    /// Imprime un PDF déjà fait.
    Print {
        file: PathBuf,
        /// Imprimante (par défaut : celle des Réglages, sinon celle du système).
        #[arg(long)]
        printer: Option<String>,
    },
    /// Les imprimantes de ce poste.
    Printers,
}

#[derive(clap::Args)]
pub(crate) struct PrintArgs {
    /// L'envoie aussi à l'imprimante.
    #[arg(long)]
    pub print: bool,
    /// Imprimante (par défaut : celle des Réglages, sinon celle du système).
    #[arg(long)]
    pub printer: Option<String>,
}

pub(crate) fn run(
    store: &mut Store,
    database: &Path,
    command: DocumentCommand,
    json: bool,
    who: &mut Who,
) -> Result<(), Error> {
    let (kind, reference, paper, out, print) = match command {
        DocumentCommand::Receipt {
            receipt,
            out,
            format,
            print,
        } => (DocumentKind::Receipt, receipt, format, out, print),
        DocumentCommand::Onboarding { receipt, out, print } => (DocumentKind::Onboarding, receipt, None, out, print),
        DocumentCommand::CreditNote { number, out, print } => (DocumentKind::CreditNote, number, None, out, print),
        DocumentCommand::Closing { id, out, print } => (DocumentKind::Closing, id, None, out, print),
        DocumentCommand::ReturnSlip { number, out, print } => (DocumentKind::ReturnSlip, number, None, out, print),
        DocumentCommand::OutcomeSlip { number, out, print } => (DocumentKind::OutcomeSlip, number, None, out, print),
        DocumentCommand::Exchange { number, out, print } => (DocumentKind::Exchange, number, None, out, print),
        DocumentCommand::Recycling { number, out, print } => (DocumentKind::RecyclingList, number, None, out, print),
        DocumentCommand::Print { file, printer } => {
            let title = file
                .file_name()
                .map(|f| f.to_string_lossy().to_string())
                .unwrap_or_default();
            let job = documents::print_file(store, &file, printer, &title)?;
            output(json, &job, || print_message(&job));
            return Ok(());
        }
        DocumentCommand::Printers => {
            let printers = documents::printers()?;
            output(json, &printers, || {
                if printers.is_empty() {
                    return "Aucune imprimante n'est installée sur ce poste.".into();
                }
                printers
                    .iter()
                    .map(|p| format!("{}{}", p.name, if p.is_default { " (par défaut)" } else { "" }))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
            return Ok(());
        }
    };
    // A recorded document (a numbered copy) needs who makes it; the others none.
    let actor = if documents::records_its_issue(kind) {
        Some(who.get(store)?)
    } else {
        None
    };
    let folder = documents::folder(database);
    let to = match &out {
        Some(file) => Destination::File(file),
        None => Destination::Folder(&folder),
    };
    let printing = Printing {
        print: print.print,
        printer: print.printer,
    };
    let made = documents::issue(store, kind, &reference, paper, to, &printing, actor.as_ref())?;
    // A printing failure ends the command in error, the file kept for `document print`.
    made.printing_result()?;
    let (document, path, job) = (&made.document, &made.path, &made.printed);
    output(json, &made, || {
        let mut lines = vec![format!(
            "{}{} : {} ({} page{}, {} Ko)",
            document.title,
            documents::copy_mark(document.copy)
                .map(|m| format!(" — {m}"))
                .unwrap_or_default(),
            path,
            document.pages,
            if document.pages > 1 { "s" } else { "" },
            document.pdf.len().div_ceil(1024)
        )];
        if !document.missing.is_empty() {
            lines.push(format!(
                "Attention, il manque {} : complétez-les avec `comptoir centre set`.",
                document.missing.join(", ")
            ));
        }
        if let Some(job) = &job {
            lines.push(print_message(job));
        }
        lines.join("\n")
    });
    Ok(())
}

/// Keeps documents in the documents folder, printed when asked; a printing failure ends the
/// command in error once everything is written.
pub(crate) fn keep_all(
    store: &Store,
    database: &Path,
    made: Vec<Document>,
    print: &PrintArgs,
) -> Result<Vec<Made>, Error> {
    let folder = documents::folder(database);
    let printing = Printing {
        print: print.print,
        printer: print.printer.clone(),
    };
    made.into_iter()
        .map(|d| documents::keep(store, d, Destination::Folder(&folder), &printing))
        .collect()
}

pub(crate) fn print_message(job: &PrintJob) -> String {
    format!(
        "Envoyé à l'imprimante {}{}.",
        job.printer.as_deref().unwrap_or("par défaut"),
        job.job
            .as_deref()
            .map(|j| format!(" (travail {j})"))
            .unwrap_or_default()
    )
}
