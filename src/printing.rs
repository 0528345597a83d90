//! Printing and opening documents through the operating system: CUPS (`lp`, `lpstat`) on Linux
//! and macOS, the shell's print verb on Windows; the desktop's viewer to open a file. A printer
//! that is absent or refuses the job gives a French message; the PDF stays where it is, so the
//! job can be retried.

use crate::error::Code;
use std::path::Path;
use std::process::{Command, Output};

use serde::Serialize;

use crate::error::{Error, Result};

fn refused(message: String) -> Error {
    Error::Refused {
        code: Code::PrintFailed,
        message,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Printer {
    pub name: String,
    pub is_default: bool,
}

/// A job accepted by the print system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PrintJob {
    pub printer: Option<String>,
    /// The job's identifier ("Bureau-42" on CUPS), when the system gives one.
    pub job: Option<String>,
}

fn run(program: &str, args: &[&str]) -> Result<Output> {
    Command::new(program).args(args).output().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            refused(format!(
                "Le système d'impression n'est pas installé sur ce poste (commande « {program} » introuvable). \
                 Sous Linux, installez CUPS (paquets cups et cups-client). Le document est gardé : \
                 ouvrez-le pour l'imprimer autrement, ou réessayez."
            ))
        } else {
            refused(format!(
                "Impression impossible ({program}) : {}",
                crate::text::io_error_fr(&e)
            ))
        }
    })
}

fn stderr_text(output: &Output) -> String {
    let text = String::from_utf8_lossy(&output.stderr).trim().to_string();
    if text.is_empty() {
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    } else {
        text
    }
}

/// The printers the system knows, the default one first.
pub fn printers() -> Result<Vec<Printer>> {
    if cfg!(windows) {
        let out = run(
            "powershell",
            &[
                "-NoProfile",
                "-Command",
                "Get-Printer | Select-Object -ExpandProperty Name",
            ],
        )?;
        return Ok(String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|name| Printer {
                name: name.to_string(),
                is_default: false,
            })
            .collect());
    }
    let out = run("lpstat", &["-e"])?;
    if !out.status.success() {
        let detail = stderr_text(&out);
        return Err(refused(format!(
            "Impossible de lister les imprimantes : {}. Le service d'impression (CUPS) est-il démarré ?",
            if detail.is_empty() { "aucune réponse" } else { &detail }
        )));
    }
    let default = run("lpstat", &["-d"])
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .split(':')
                .nth(1)
                .map(|s| s.trim().to_string())
        })
        .filter(|s| !s.is_empty());
    let mut printers: Vec<Printer> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|name| Printer {
            name: name.to_string(),
            is_default: default.as_deref() == Some(name),
        })
        .collect();
    printers.sort_by_key(|p| !p.is_default);
    Ok(printers)
}

/// Sends a PDF to `printer` (none: the system's default printer).
pub fn print(path: &Path, printer: Option<&str>, title: &str) -> Result<PrintJob> {
    if !path.is_file() {
        return Err(refused(format!(
            "Le document {} n'existe plus : refaites-le.",
            path.display()
        )));
    }
    let file = path.to_string_lossy().to_string();
    if cfg!(windows) {
        // The shell's print verb: the PDF viewer registered for .pdf prints it.
        let script = match printer {
            Some(p) => format!(
                "Start-Process -FilePath '{}' -Verb PrintTo -ArgumentList '\"{}\"' -Wait",
                file.replace('\'', "''"),
                p.replace('\'', "''")
            ),
            None => format!(
                "Start-Process -FilePath '{}' -Verb Print -Wait",
                file.replace('\'', "''")
            ),
        };
        let out = run("powershell", &["-NoProfile", "-Command", &script])?;
        if !out.status.success() {
            return Err(refused(format!(
                "L'impression a échoué : {}. Le document est gardé ({}) : réessayez ou ouvrez-le.",
                stderr_text(&out),
                path.display()
            )));
        }
        return Ok(PrintJob {
            printer: printer.map(String::from),
            job: None,
        });
    }
    let mut args = Vec::new();
    if let Some(p) = printer {
        args.extend(["-d", p]);
    }
    args.extend(["-t", title, "--", &file]);
    let out = run("lp", &args)?;
    if !out.status.success() {
        let detail = stderr_text(&out);
        let hint = if detail.contains("does not exist") || detail.contains("n'existe pas") {
            format!(
                "l'imprimante « {} » n'existe pas sur ce poste (choisissez-en une autre dans Réglages)",
                printer.unwrap_or("par défaut")
            )
        } else if detail.contains("No default destination") || detail.contains("pas de destination") {
            "aucune imprimante par défaut n'est définie (choisissez-en une dans Réglages)".to_string()
        } else if detail.contains("not accepting") {
            format!(
                "l'imprimante « {} » refuse les travaux pour le moment",
                printer.unwrap_or("par défaut")
            )
        } else {
            detail
        };
        return Err(refused(format!(
            "L'impression a échoué : {hint}. Le document est gardé ({}) : réessayez ou ouvrez-le.",
            path.display()
        )));
    }
    // "request id is Bureau-42 (1 file(s))"
    let stdout = String::from_utf8_lossy(&out.stdout);
    let job = stdout
        .split_whitespace()
        .skip_while(|w| *w != "is")
        .nth(1)
        .map(String::from);
    Ok(PrintJob {
        printer: printer.map(String::from),
        job,
    })
}

/// Opens a file in the desktop's viewer.
pub fn open(path: &Path) -> Result<()> {
    if !path.is_file() {
        return Err(refused(format!(
            "Le document {} n'existe plus : refaites-le.",
            path.display()
        )));
    }
    launch(path)
}

/// Opens a folder in the desktop's file manager (the log folder, from Réglages).
pub fn open_folder(path: &Path) -> Result<()> {
    if !path.is_dir() {
        return Err(refused(format!("Le dossier {} n'existe pas.", path.display())));
    }
    launch(path)
}

fn launch(path: &Path) -> Result<()> {
    let file = path.to_string_lossy().to_string();
    let (program, args): (&str, Vec<&str>) = if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", &file])
    } else if cfg!(target_os = "macos") {
        ("open", vec![&file])
    } else {
        ("xdg-open", vec![&file])
    };
    Command::new(program)
        .args(&args)
        .spawn()
        .map(|_| ())
        .map_err(|e| Error::Refused {
            code: Code::OpenFailed,
            message: format!(
                "Impossible d'ouvrir le document ({program} : {}). Il est enregistré ici : {}",
                crate::text::io_error_fr(&e),
                path.display()
            ),
        })
}

/// Copies a document to where the user chose ("Enregistrer sous…").
pub fn save_as(from: &Path, to: &Path) -> Result<()> {
    let bytes = std::fs::read(from).map_err(|source| Error::Io {
        path: from.to_path_buf(),
        source,
    })?;
    crate::documents::write_file(to, &bytes)
}
