//! Backups: copies of the live database made with SQLite's online backup API into a folder
//! (a USB stick, a share), encrypted with the same key, verified before they take their name,
//! rotated (7 daily, 4 weekly, 12 monthly). Restore checks a backup's integrity and its
//! journal chain on a copy before anything is replaced, and keeps the replaced database aside.

use crate::error::Code;
mod restore;

pub use restore::*;

use crate::operators::Actor;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, Local, NaiveDateTime, Utc};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::store::vault::{self as sql, BackupRecord};
use crate::store::{copies, now_text, Store};
use crate::vault::{self, DbKey, FileState, KeyStore};

const PREFIX: &str = "comptoir-sauvegarde-";
const SUFFIX: &str = ".sqlite";
/// Past this age, the last good backup is a warning everywhere it is shown.
pub const WARN_AFTER_HOURS: i64 = 48;
/// The automatic backup runs when the last good one is older than this.
pub const DAILY_HOURS: i64 = 24;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Reason {
    Daily,
    Closing,
    Manual,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Daily => "quotidienne",
            Reason::Closing => "clôture",
            Reason::Manual => "manuelle",
        }
    }
}

/// The default folder: `sauvegardes/` beside the database (on the same disk: a USB stick or a
/// share is better, and the status says so).
pub fn default_folder(db: &Path) -> PathBuf {
    db.parent()
        .map(|p| p.join("sauvegardes"))
        .unwrap_or_else(|| PathBuf::from("sauvegardes"))
}

/// The configured folder, or the default one.
pub fn folder(store: &Store) -> Result<(PathBuf, bool)> {
    Ok(match sql::backup_folder(store)? {
        Some(folder) => (PathBuf::from(folder), false),
        None => (default_folder(store.path()), true),
    })
}

/// Sets the backup folder (a manager's setting); `None` goes back to the default. The folder
/// must exist and take a file now.
pub fn set_folder(store: &mut Store, folder: Option<&Path>, actor: &Actor) -> Result<()> {
    let by = actor.name();
    crate::operators::require_manager(store.db(), actor)?;
    if let Some(folder) = folder {
        if !folder.is_absolute() {
            return Err(refused(
                Code::Invalid,
                format!("« {} » : donnez le chemin complet du dossier.", folder.display()),
            ));
        }
        writable(folder)?;
    }
    sql::set_backup_folder(store, folder.map(|f| f.to_string_lossy()).as_deref(), by)
}

fn refused(code: Code, message: String) -> Error {
    Error::Refused { code, message }
}

/// Whether `folder` exists and takes a file (written and removed).
fn writable(folder: &Path) -> Result<()> {
    if !folder.is_dir() {
        return Err(refused(
            Code::BackupFolder,
            format!(
                "Le dossier de sauvegarde {} est introuvable (clé USB absente ou débranchée ?).",
                folder.display()
            ),
        ));
    }
    let probe = folder.join(".comptoir-essai");
    std::fs::write(&probe, b"essai")
        .and_then(|_| std::fs::remove_file(&probe))
        .map_err(|e| {
            refused(
                Code::BackupFolder,
                format!(
                    "Le dossier de sauvegarde {} refuse l'écriture ({}).",
                    folder.display(),
                    crate::text::io_error_fr(&e)
                ),
            )
        })
}

/// A backup file found in a folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupFile {
    pub path: PathBuf,
    /// Local time, from the file's name.
    pub made_at: NaiveDateTime,
    pub bytes: u64,
}

fn parse_name(name: &str) -> Option<NaiveDateTime> {
    let stem = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let stamp = stem.get(..15)?;
    let rest = &stem[15..];
    if !(rest.is_empty() || (rest.starts_with('-') && rest[1..].chars().all(|c| c.is_ascii_digit()))) {
        return None;
    }
    NaiveDateTime::parse_from_str(stamp, "%Y%m%d-%H%M%S").ok()
}

/// The backups in `dir`, newest first (other files are never touched).
pub fn list(dir: &Path) -> Result<Vec<BackupFile>> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        refused(
            Code::BackupFolder,
            format!(
                "Le dossier de sauvegarde {} est illisible ({}) : clé USB absente ?",
                dir.display(),
                crate::text::io_error_fr(&e)
            ),
        )
    })?;
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if let Some(made_at) = parse_name(&name) {
            let bytes = entry.metadata().map(|m| m.len()).unwrap_or(0);
            out.push(BackupFile {
                path: entry.path(),
                made_at,
                bytes,
            });
        }
    }
    out.sort_by(|a, b| b.made_at.cmp(&a.made_at).then(b.path.cmp(&a.path)));
    Ok(out)
}

/// Which of `times` (newest first) rotation keeps: the newest; the newest of each of the 7 most
/// recent days, of the 4 most recent ISO weeks, and of the 12 most recent months.
pub fn kept(times: &[NaiveDateTime]) -> Vec<bool> {
    let mut keep = vec![false; times.len()];
    if let Some(first) = keep.first_mut() {
        *first = true;
    }
    let mut pick = |key: &dyn Fn(&NaiveDateTime) -> (i32, u32), count: usize| {
        let mut seen: Vec<(i32, u32)> = Vec::new();
        for (i, t) in times.iter().enumerate() {
            let k = key(t);
            if !seen.contains(&k) {
                if seen.len() == count {
                    break;
                }
                seen.push(k);
                keep[i] = true;
            }
        }
    };
    pick(&|t| (t.year(), t.ordinal()), 7);
    pick(
        &|t| {
            let w = t.iso_week();
            (w.year(), w.week())
        },
        4,
    );
    pick(&|t| (t.year(), t.month()), 12);
    keep
}

/// Removes the backups rotation does not keep; returns them.
pub fn rotate(dir: &Path) -> Result<Vec<PathBuf>> {
    let files = list(dir)?;
    let times: Vec<NaiveDateTime> = files.iter().map(|f| f.made_at).collect();
    let mut removed = Vec::new();
    for (file, keep) in files.into_iter().zip(kept(&times)) {
        if !keep && std::fs::remove_file(&file.path).is_ok() {
            removed.push(file.path);
        }
    }
    Ok(removed)
}

/// What a backup did.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export, rename = "BackupMade")]
pub struct Made {
    pub record: BackupRecord,
    pub removed_by_rotation: Vec<PathBuf>,
}

/// Makes a backup of `store` into `to` (else the configured folder), verifies it, records it,
/// rotates the folder. On any failure the partial file goes and the live database is untouched.
pub fn make(store: &mut Store, to: Option<&Path>, reason: Reason) -> Result<Made> {
    make_with_progress(store, to, reason, &mut |_, _| {})
}

/// [`make`], calling `progress(copied pages, total pages)` between steps.
pub fn make_with_progress(
    store: &mut Store,
    to: Option<&Path>,
    reason: Reason,
    progress: &mut dyn FnMut(i32, i32),
) -> Result<Made> {
    through(&std::cell::RefCell::new(store), to, reason, progress)
}

/// A backup through a writer: the plan and the record hold it a moment; the copy and its
/// checks run between, on connections of their own, so the centre keeps working meanwhile.
pub fn through(
    w: &impl crate::store::Writer,
    to: Option<&Path>,
    reason: Reason,
    progress: &mut dyn FnMut(i32, i32),
) -> Result<Made> {
    let started = std::time::Instant::now();
    let result = (|| {
        let job = w.write(|s| plan(s, to, reason))?;
        let copied = copy(&job, progress)?;
        w.write(|s| finish(s, copied))
    })();
    log_outcome(reason, started, &result);
    result
}

/// The log line of a backup, made or missed (its size, time and reason; never a path).
pub fn log_outcome(reason: Reason, started: std::time::Instant, result: &Result<Made>) {
    match result {
        Ok(made) => tracing::info!(
            raison = reason.as_str(),
            octets = made.record.bytes,
            ms = started.elapsed().as_millis() as u64,
            "sauvegarde faite et vérifiée"
        ),
        Err(e) => tracing::warn!(raison = reason.as_str(), code = e.code().as_str(), "sauvegarde manquée"),
    }
}

/// A backup about to be made: where it goes, and the file it copies. Taken from the store in a
/// moment; the copy itself needs no store.
pub struct Job {
    dir: PathBuf,
    source: PathBuf,
    key: Option<DbKey>,
    reason: Reason,
}

/// A checked copy, under its final name, not yet recorded.
pub struct Copied {
    dir: PathBuf,
    file: PathBuf,
    entries: i64,
    head: String,
    reason: Reason,
}

/// Where the backup goes (`to`, else the configured folder, made if it is the default one) and
/// whether it can be written.
pub fn plan(store: &Store, to: Option<&Path>, reason: Reason) -> Result<Job> {
    let (dir, is_default) = match to {
        Some(dir) => (dir.to_path_buf(), false),
        None => folder(store)?,
    };
    if is_default {
        std::fs::create_dir_all(&dir).map_err(|source| Error::Io {
            path: dir.clone(),
            source,
        })?;
    }
    writable(&dir)?;
    Ok(Job {
        dir,
        source: store.path().to_path_buf(),
        key: store.key().cloned(),
        reason,
    })
}

/// The copy and its checks, through connections of their own (the store is not needed, so the
/// app's writer is free meanwhile). The partial file goes on any failure.
pub fn copy(job: &Job, progress: &mut dyn FnMut(i32, i32)) -> Result<Copied> {
    let dir = &job.dir;
    let stamp = Local::now().format("%Y%m%d-%H%M%S").to_string();
    let mut name = format!("{PREFIX}{stamp}{SUFFIX}");
    let mut n = 2;
    while dir.join(&name).exists() {
        name = format!("{PREFIX}{stamp}-{n}{SUFFIX}");
        n += 1;
    }
    let final_path = dir.join(&name);
    let partial = dir.join(format!(".{name}.partiel"));
    let copied = copy_verified(job, &partial, progress).and_then(|verified| {
        std::fs::rename(&partial, &final_path).map_err(|e| copy_failed(dir, &e.to_string(), e.raw_os_error()))?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(verified)
    });
    match copied {
        Ok((entries, head)) => Ok(Copied {
            dir: dir.clone(),
            file: final_path,
            entries,
            head,
            reason: job.reason,
        }),
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

/// Records the backup in the store, then rotates its folder.
pub fn finish(store: &mut Store, copied: Copied) -> Result<Made> {
    let bytes = std::fs::metadata(&copied.file).map(|m| m.len() as i64).unwrap_or(0);
    let record = BackupRecord {
        made_at: now_text(),
        file: copied.file.display().to_string(),
        bytes,
        journal_entries: copied.entries,
        journal_head: copied.head,
        reason: copied.reason.as_str().to_string(),
    };
    sql::record(store, &record)?;
    let removed_by_rotation = rotate(&copied.dir).unwrap_or_default();
    Ok(Made {
        record,
        removed_by_rotation,
    })
}

fn copy_failed(dir: &Path, detail: &str, os_error: Option<i32>) -> Error {
    let full = os_error == Some(28) || detail.contains("full") || detail.contains("disk I/O") && !dir.exists();
    let message = if !dir.exists() {
        format!(
            "Le dossier de sauvegarde {} a disparu pendant la copie (clé USB retirée ?). La sauvegarde \
             n'a pas été faite ; la base du centre n'a pas été touchée.",
            dir.display()
        )
    } else if full {
        format!(
            "Plus de place dans {} : la sauvegarde n'a pas été faite ; la base du centre n'a pas été \
             touchée. Libérez de la place ou changez de clé USB.",
            dir.display()
        )
    } else {
        let why = match os_error {
            Some(code) if code > 0 && code < 200 => crate::text::io_error_fr(&std::io::Error::from_raw_os_error(code)),
            _ => "erreur pendant la copie".to_string(),
        };
        format!(
            "La sauvegarde dans {} a échoué ({why}) ; la base du centre n'a pas été touchée.",
            dir.display()
        )
    };
    refused(Code::BackupFailed, message)
}

/// The online backup into `partial`, then checks on the copy: integrity and journal chain.
fn copy_verified(job: &Job, partial: &Path, progress: &mut dyn FnMut(i32, i32)) -> Result<(i64, String)> {
    let dir = partial.parent().unwrap_or(Path::new("."));
    let fail = |e: rusqlite::Error| {
        let code = match &e {
            rusqlite::Error::SqliteFailure(f, _) => Some(f.extended_code),
            _ => None,
        };
        let detail = e.to_string();
        // SQLITE_FULL (13): the disk is full.
        copy_failed(
            dir,
            &detail,
            if code.map(|c| c & 0xff) == Some(13) {
                Some(28)
            } else {
                None
            },
        )
    };
    crate::store::create_private(partial).map_err(|e| copy_failed(dir, &e.to_string(), None))?;
    copies::online_copy(&job.source, job.key.as_ref(), partial, progress).map_err(fail)?;
    let copy = copies::open_file(partial, job.key.as_ref(), false).map_err(fail)?;
    let check = copies::integrity(&copy).map_err(fail)?;
    if check != "ok" {
        return Err(copy_failed(dir, &format!("copie incohérente : {check}"), None));
    }
    let journal = crate::journal::verify(&copy)?;
    drop(copy);
    std::fs::File::open(partial)
        .and_then(|f| f.sync_all())
        .map_err(|e| copy_failed(dir, &e.to_string(), e.raw_os_error()))?;
    Ok((journal.entries, journal.last_hash))
}

/// The age of the last good backup, always shown.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export, rename = "BackupStatus")]
pub struct Status {
    pub folder: String,
    pub folder_is_default: bool,
    pub last: Option<BackupRecord>,
    pub age_hours: Option<i64>,
    /// No backup, or the last one is older than 48 hours.
    pub warning: bool,
    /// A French sentence for the status bar.
    pub message: String,
    /// The top bar's words (« Sauvegarde : il y a 3 h », « Sauvegarde : aucune »).
    pub short: String,
}

pub fn status(store: &Store, now: DateTime<Utc>) -> Result<Status> {
    let (dir, is_default) = folder(store)?;
    let last = sql::recent(store, 1)?.into_iter().next();
    let age_hours = last.as_ref().and_then(|b| {
        DateTime::parse_from_rfc3339(&b.made_at)
            .ok()
            .map(|t| (now - t.with_timezone(&Utc)).num_hours().max(0))
    });
    let warning = age_hours.is_none_or(|h| h >= WARN_AFTER_HOURS);
    let age_text = |h: i64| match h {
        0 => "il y a moins d'une heure".to_string(),
        1..=47 => format!("il y a {h} h"),
        _ => format!("il y a {} jours", h / 24),
    };
    let mut message = match age_hours {
        None => "Aucune sauvegarde n'a encore été faite.".to_string(),
        Some(h) => format!("Dernière sauvegarde {}.", age_text(h)),
    };
    if warning {
        message.push_str(" Branchez le support de sauvegarde et sauvegardez maintenant.");
    }
    if is_default {
        message.push_str(" (Dossier sur ce poste : choisissez une clé USB ou un partage dans Réglages.)");
    }
    let short = match age_hours {
        None => "Sauvegarde : aucune".to_string(),
        Some(0) => "Sauvegarde : à l'instant".to_string(),
        Some(h @ 1..=47) => format!("Sauvegarde : il y a {h} h"),
        Some(h) => format!("Sauvegarde : il y a {} j", h / 24),
    };
    Ok(Status {
        short,
        folder: dir.display().to_string(),
        folder_is_default: is_default,
        last,
        age_hours,
        warning,
        message,
    })
}

/// Whether the automatic daily backup is due.
pub fn due(store: &Store, now: DateTime<Utc>) -> Result<bool> {
    Ok(status(store, now)?.age_hours.is_none_or(|h| h >= DAILY_HOURS))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn names_parse_and_others_are_ignored() {
        assert_eq!(
            parse_name("comptoir-sauvegarde-20261123-153012.sqlite"),
            Some(at("2026-11-23 15:30") + chrono::Duration::seconds(12))
        );
        assert!(parse_name("comptoir-sauvegarde-20261123-153012-2.sqlite").is_some());
        assert!(parse_name("comptoir-sauvegarde-20261123-153012.sqlite-wal").is_none());
        assert!(parse_name("photo.sqlite").is_none());
        assert!(parse_name(".comptoir-sauvegarde-20261123-153012.sqlite.partiel").is_none());
    }

    #[test]
    fn rotation_keeps_7_days_4_weeks_12_months() {
        // Two backups a day (closing and daily) for 400 days.
        let start = at("2025-10-20 18:00");
        let mut times: Vec<NaiveDateTime> = (0..400)
            .flat_map(|d| {
                let day = start + chrono::Duration::days(d);
                [day, day + chrono::Duration::hours(2)]
            })
            .collect();
        times.reverse();
        let keep = kept(&times);
        let kept_times: Vec<NaiveDateTime> = times.iter().zip(&keep).filter(|(_, k)| **k).map(|(t, _)| *t).collect();
        // The newest of each of the last 7 days, the newest of each week and month beyond.
        assert_eq!(kept_times[0], times[0]);
        let days: std::collections::BTreeSet<_> = kept_times.iter().map(|t| t.date()).collect();
        assert_eq!(kept_times.len(), days.len(), "one per day at most");
        let newest_day = times[0].date();
        for d in 0..7 {
            assert!(days.contains(&(newest_day - chrono::Duration::days(d))), "day -{d}");
        }
        let months: std::collections::BTreeSet<_> = kept_times.iter().map(|t| (t.year(), t.month())).collect();
        assert_eq!(months.len(), 12);
        // 7 days + at most 4 weeks + 12 months, overlapping.
        assert!(
            kept_times.len() <= 7 + 4 + 12 && kept_times.len() >= 12 + 3,
            "{}",
            kept_times.len()
        );
        // Nothing older than a year is kept.
        assert!(kept_times.iter().all(|t| *t > times[0] - chrono::Duration::days(366)));
    }

    #[test]
    fn few_backups_are_all_kept() {
        let times = vec![at("2026-11-23 10:00"), at("2026-11-22 10:00"), at("2026-11-20 10:00")];
        assert_eq!(kept(&times), vec![true, true, true]);
        // Two the same day: the older one goes.
        let times = vec![at("2026-11-23 18:00"), at("2026-11-23 10:00")];
        assert_eq!(kept(&times), vec![true, false]);
    }
}
