//! `comptoir backup` and `key`: backups (now, list, folder, restore) and the database key
//! (recovery phrase, recovery on another post).

use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde::Serialize;

use comptoir::desk::safety::{self, Older, OsKeyring};
use comptoir::desk::{self, Error, Store};

use super::output::{note, output, read_line_stdin};
use super::Who;

/// `key recover`: works without opening the database (its key is what is missing).
pub(crate) fn recover(path: &Path, json: bool) -> Result<(), Error> {
    note("Saisissez les 12 mots de la phrase de secours, puis Entrée :");
    let phrase = read_line_stdin()?;
    safety::recover(path, &phrase, &OsKeyring)?;
    output(json, &serde_json::json!({"recovered": true}), || {
        format!(
            "Clé retrouvée : la base {} s'ouvre de nouveau sur ce poste.",
            path.display()
        )
    });
    Ok(())
}

/// `backup restore`: a manager of the live database (when it opens) replaces it with a backup,
/// checked on a copy first.
pub(crate) fn restore(
    path: &Path,
    file: &Path,
    phrase: bool,
    older: bool,
    json: bool,
    who: &mut Who,
) -> Result<(), Error> {
    if path.exists() {
        if let Ok(mut live) = desk::open(path, &OsKeyring) {
            let actor = who.get(&mut live)?;
            desk::require_manager(&live, &actor)?;
        }
    }
    let phrase = if phrase {
        note("Phrase de secours du poste qui a fait la sauvegarde (12 mots), puis Entrée :");
        Some(read_line_stdin()?)
    } else {
        None
    };
    let older = if older { Older::Confirmed } else { Older::Refuse };
    let restored = safety::restore(path, file, &OsKeyring, phrase.as_deref(), older)?;
    // Open it once: migrations to this version run now, after the restore's own checks.
    desk::open(path, &OsKeyring)?;
    output(json, &restored, || {
        let mut text = format!(
            "Sauvegarde restaurée : {} ({} entrées de journal, chaîne vérifiée).",
            restored.from.display(),
            restored.journal_entries
        );
        if let Some(previous) = &restored.previous_kept_as {
            text.push_str(&format!("\nL'ancienne base est gardée dans {}.", previous.display()));
        }
        text
    });
    Ok(())
}

pub(crate) fn key(store: &mut Store, cmd: KeyCommand, json: bool, who: &mut Who) -> Result<(), Error> {
    match cmd {
        KeyCommand::Recover => unreachable!("handled before the database is opened"),
        KeyCommand::Phrase { print: true } => {
            let actor = who.get(store)?;
            let job = safety::print_recovery_sheet(store, &actor)?;
            output(json, &job, || {
                format!(
                    "Feuille de secours envoyée à l'imprimante {}.",
                    job.printer.as_deref().unwrap_or("par défaut")
                )
            });
        }
        KeyCommand::Phrase { print: false } => {
            let actor = who.get(store)?;
            let words = safety::recovery_phrase(store, &OsKeyring, &actor)?;
            output(json, &words, || {
                let mut text = String::from("Phrase de secours de cette base (à garder hors du poste, sous clé) :\n");
                for (i, w) in words.iter().enumerate() {
                    text.push_str(&format!("{:>2}. {w}\n", i + 1));
                }
                text.push_str("Une fois notée : comptoir key noted");
                text
            });
        }
        KeyCommand::Noted => {
            let actor = who.get(store)?;
            safety::acknowledge_phrase(store, &actor)?;
            output(json, &serde_json::json!({"noted": true}), || {
                "Phrase de secours notée.".into()
            });
        }
    }
    Ok(())
}

#[derive(Subcommand)]
pub(crate) enum BackupCommand {
    /// Sauvegarde la base maintenant (dans le dossier réglé, ou --to DOSSIER).
    Now {
        #[arg(long)]
        to: Option<PathBuf>,
    },
    /// Les sauvegardes du dossier, et l'âge de la dernière.
    List {
        /// Un autre dossier que celui réglé.
        #[arg(long)]
        from: Option<PathBuf>,
    },
    /// Règle le dossier des sauvegardes (clé USB, partage), ou revient au dossier par défaut.
    Folder {
        path: Option<PathBuf>,
        #[arg(long, conflicts_with = "path")]
        default: bool,
    },
    /// Restaure une sauvegarde (vérifiée avant de remplacer quoi que ce soit).
    Restore {
        file: PathBuf,
        /// La sauvegarde vient d'un autre poste : demander sa phrase de secours (sur l'entrée standard).
        #[arg(long)]
        phrase: bool,
        /// La sauvegarde est plus ancienne que la base actuelle : la restaurer quand même (après
        /// l'avertissement ; la reprise sera à déclarer avant la prochaine permanence).
        #[arg(long)]
        older: bool,
    },
}

#[derive(Subcommand)]
pub(crate) enum KeyCommand {
    /// Le trousseau de ce poste a perdu la clé : la retrouver avec la phrase de secours (entrée standard).
    Recover,
    /// Affiche la phrase de secours (responsable) ; avec --print, imprime la feuille de secours
    /// (le fichier temporaire est effacé aussitôt).
    Phrase {
        #[arg(long)]
        print: bool,
    },
    /// La phrase de secours a été notée : ne plus la présenter au démarrage.
    Noted,
}

pub(crate) fn backup(store: &mut Store, cmd: BackupCommand, json: bool, who: &mut Who) -> Result<(), Error> {
    match cmd {
        BackupCommand::Now { to } => {
            let actor = who.get(store)?;
            let made = safety::backup_now(&std::cell::RefCell::new(store), to.as_deref(), &actor)?;
            output(json, &made, || {
                format!(
                    "Sauvegarde faite et vérifiée : {} ({} Ko, {} entrées de journal).",
                    made.record.file,
                    made.record.bytes / 1024,
                    made.record.journal_entries
                )
            });
        }
        BackupCommand::List { from } => {
            let status = safety::status(store, chrono::Utc::now())?;
            let dir = from.unwrap_or_else(|| PathBuf::from(&status.folder));
            let files = safety::list(&dir)?;
            #[derive(Serialize)]
            struct Listing {
                status: safety::Status,
                files: Vec<safety::BackupFile>,
            }
            let listing = Listing { status, files };
            output(json, &listing, || {
                let mut lines = vec![listing.status.message.clone(), format!("Dossier : {}", dir.display())];
                if listing.files.is_empty() {
                    lines.push("Aucune sauvegarde dans ce dossier.".into());
                }
                for f in &listing.files {
                    lines.push(format!(
                        "{}  {:>8} Ko  {}",
                        f.made_at.format("%d/%m/%Y %H:%M:%S"),
                        f.bytes / 1024,
                        f.path.display()
                    ));
                }
                lines.join("\n")
            });
        }
        BackupCommand::Folder { path, default } => {
            if path.is_some() || default {
                let actor = who.get(store)?;
                safety::change_folder(store, path.as_deref(), &actor)?;
            }
            let status = safety::status(store, chrono::Utc::now())?;
            output(json, &status, || {
                format!("Dossier des sauvegardes : {}\n{}", status.folder, status.message)
            });
        }
        BackupCommand::Restore { .. } => unreachable!("handled before the database opens"),
    }
    Ok(())
}
