//! `comptoir document`: receipts, onboarding sheets, credit notes, closing reports, printing.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde::Serialize;

use comptoir::centre::{self, Paper};
use comptoir::{documents, printing, Error, Store};

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
    print: bool,
    /// Imprimante (par défaut : celle des Réglages, sinon celle du système).
    #[arg(long)]
    printer: Option<String>,
}

pub(crate) fn run(
    store: &mut Store,
    database: &Path,
    command: DocumentCommand,
    json: bool,
    who: &mut Who,
) -> Result<(), Error> {
    let (document, out, print) = match command {
        DocumentCommand::Receipt {
            receipt,
            out,
            format,
            print,
        } => {
            let actor = who.get(store)?;
            (documents::receipt(store, &receipt, format, &actor)?, out, print)
        }
        DocumentCommand::Onboarding { receipt, out, print } => (documents::onboarding(store, &receipt)?, out, print),
        DocumentCommand::CreditNote { number, out, print } => {
            let actor = who.get(store)?;
            (documents::credit_note(store, &number, &actor)?, out, print)
        }
        DocumentCommand::Closing { id, out, print } => {
            let actor = who.get(store)?;
            (documents::closing(store, &id, &actor)?, out, print)
        }
        DocumentCommand::Print { file, printer } => {
            let printer = printer.or(centre::load(store)?.printer);
            let title = file
                .file_name()
                .map(|f| f.to_string_lossy().to_string())
                .unwrap_or_default();
            let job = printing::print(&file, printer.as_deref(), &title)?;
            output(json, &job, || print_message(&job));
            return Ok(());
        }
        DocumentCommand::Printers => {
            let printers = printing::printers()?;
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
    let path = match out {
        Some(path) => {
            documents::write_file(&path, &document.pdf)?;
            path
        }
        None => document.save_in(&documents::folder(database))?,
    };
    let job = if print.print {
        let printer = print.printer.or(centre::load(store)?.printer);
        Some(printing::print(&path, printer.as_deref(), &document.title)?)
    } else {
        None
    };
    #[derive(Serialize)]
    struct Made<'a> {
        #[serde(flatten)]
        document: &'a documents::Document,
        path: String,
        print: Option<printing::PrintJob>,
    }
    let made = Made {
        document: &document,
        path: path.display().to_string(),
        print: job.clone(),
    };
    output(json, &made, || {
        let mut lines = vec![format!(
            "{}{} : {} ({} page{}, {} Ko)",
            document.title,
            documents::copy_mark(document.copy)
                .map(|m| format!(" — {m}"))
                .unwrap_or_default(),
            path.display(),
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

fn print_message(job: &printing::PrintJob) -> String {
    format!(
        "Envoyé à l'imprimante {}{}.",
        job.printer.as_deref().unwrap_or("par défaut"),
        job.job
            .as_deref()
            .map(|j| format!(" (travail {j})"))
            .unwrap_or_default()
    )
}
