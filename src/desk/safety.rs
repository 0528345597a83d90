//! Réglages › Sauvegardes et clé, and `comptoir backup` / `key`: backups (made through the
//! writer, copied and checked on connections of their own), their folder and list, a restore,
//! the recovery phrase, the journal's verification.

use std::path::Path;

use serde::Serialize;

use crate::backup;
use crate::error::Result;
use crate::operators::{self, Actor};
use crate::store::{Store, Writer};

use crate::backup::set_folder;
/// The window names it so (its TypeScript type).
pub use crate::backup::Made as BackupMade;
pub use crate::backup::{list, restore, status, BackupFile, Made, Older, Reason, Restored, Status};
pub use crate::store::vault::BackupRecord;
pub use crate::vault::{acknowledge_phrase, phrase_pending, recover, recovery_phrase, OsKeyring};

/// The last `limit` backups made, newest first.
pub fn recent(store: &Store, limit: i64) -> Result<Vec<BackupRecord>> {
    crate::store::vault::recent(store, limit)
}

/// A backup's outcome beside the act that asked for it: a failed backup never undoes the act.
#[derive(Debug, Clone, Serialize)]
pub struct BackupOutcome {
    /// The file made, when it was.
    pub file: Option<String>,
    /// Why it failed, in French.
    pub error: Option<String>,
}

impl BackupOutcome {
    pub(super) fn of(result: Result<backup::Made>) -> BackupOutcome {
        match result {
            Ok(made) => BackupOutcome {
                file: Some(made.record.file),
                error: None,
            },
            Err(e) => BackupOutcome {
                file: None,
                error: Some(e.to_string()),
            },
        }
    }
}

/// A backup through the writer: the plan and the record hold it a moment; the copy and its
/// checks run between, on connections of their own, so the centre keeps working meanwhile.
pub fn backup(w: &impl Writer, to: Option<&Path>, reason: backup::Reason) -> Result<backup::Made> {
    backup::through(w, to, reason, &mut |_, _| {})
}

/// « Sauvegarder maintenant »: anyone at the desk.
pub fn backup_now(w: &impl Writer, to: Option<&Path>, actor: &Actor) -> Result<backup::Made> {
    w.write(|s| operators::require_present(s.db(), actor))?;
    backup(w, to, backup::Reason::Manual)
}

/// Restores `file` over the open database at `database`: the live connection is closed while
/// the file is replaced, and reopened as it was when the restore is refused.
pub fn restore_over(
    live: &mut Store,
    database: &Path,
    file: &Path,
    phrase: Option<&str>,
    older: Older,
) -> Result<Restored> {
    drop(std::mem::replace(live, Store::open_in_memory()?));
    let result = backup::restore(database, file, &OsKeyring, phrase, older);
    if result.is_err() {
        *live = crate::vault::open(database, &OsKeyring)?;
    }
    result
}

/// Prints the recovery sheet (a manager) from a temporary file, removed once handed to the
/// printer: the phrase is never left on the disk.
pub fn print_recovery_sheet(store: &mut Store, actor: &Actor) -> Result<crate::printing::PrintJob> {
    let document = crate::documents::recovery_sheet(store, &OsKeyring, actor)?;
    let dir = tempfile::tempdir().map_err(|source| crate::error::Error::Io {
        path: std::env::temp_dir(),
        source,
    })?;
    let path = document.save_in(dir.path())?;
    super::documents::print_file(store, &path, None, &document.title)
}

/// What the top bar and Réglages › Sauvegardes et clé show about data at rest.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SafetyView {
    pub backup: Status,
    pub recent: Vec<BackupRecord>,
    /// Each recent backup in French (« 02/12/2026 17:20 — quotidienne — 1 234 Ko — 1 850
    /// entrées de journal — fichier »), newest first.
    pub recent_lines: Vec<String>,
    pub encrypted: bool,
    pub phrase_pending: bool,
}

pub fn view(store: &Store) -> Result<SafetyView> {
    let recent = recent(store, 10)?;
    Ok(SafetyView {
        backup: status(store, chrono::Utc::now())?,
        recent_lines: recent
            .iter()
            .map(|b| {
                format!(
                    "{} — {} — {} Ko — {} entrées de journal — {}",
                    crate::text::format_timestamp(&b.made_at),
                    b.reason,
                    (b.bytes + 512) / 1024,
                    b.journal_entries,
                    b.file
                )
            })
            .collect(),
        recent,
        encrypted: store.key().is_some(),
        phrase_pending: phrase_pending(store)?,
    })
}

/// Sets the backup folder, or back to the default with `None` (a manager), then the view.
pub fn change_folder(store: &mut Store, folder: Option<&Path>, actor: &Actor) -> Result<SafetyView> {
    set_folder(store, folder, actor)?;
    view(store)
}
