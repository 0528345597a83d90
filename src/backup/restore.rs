//! Restoring a backup: every check on a staged copy first (it opens with this machine's key or
//! the old machine's phrase, integrity, schema not newer, journal chain, same centre when the
//! live database has sales), re-keyed for this machine, the replaced database kept aside.

use super::*;
use crate::error::Code;

/// What a restore did.
#[derive(Debug, Clone, Serialize)]
pub struct Restored {
    pub from: PathBuf,
    pub journal_entries: i64,
    pub journal_head: String,
    pub centre: Option<String>,
    /// The database that was replaced, kept aside (encrypted as it was).
    pub previous_kept_as: Option<PathBuf>,
}

/// Restores `file` as the database at `live`, which must not be open. The backup opens with
/// the key of this machine, or with `phrase` (the recovery phrase of the machine that made it).
/// Everything is checked on a copy first: it opens, is whole, its schema is not newer, its
/// journal chain holds, and it is this centre's (when the live database already has sales).
/// Then the live database is kept aside and the checked copy takes its place.
pub fn restore(live: &Path, file: &Path, keys: &dyn KeyStore, phrase: Option<&str>) -> Result<Restored> {
    let result = restore_checked(live, file, keys, phrase);
    match &result {
        Ok(r) => tracing::info!(entrees = r.journal_entries, "sauvegarde restaurée"),
        Err(e) => tracing::warn!(code = e.code().as_str(), "restauration refusée"),
    }
    result
}

fn restore_checked(live: &Path, file: &Path, keys: &dyn KeyStore, phrase: Option<&str>) -> Result<Restored> {
    let live_key = keys.load(live)?;
    let key = match phrase {
        Some(phrase) => DbKey::from_phrase(phrase)?,
        None => live_key.clone().ok_or_else(|| {
            refused(
                Code::NoKey,
                "Ce poste n'a pas encore de clé : restaurez avec la phrase de secours du poste qui a \
                 fait la sauvegarde (--phrase)."
                    .into(),
            )
        })?,
    };
    match vault::file_state(file)? {
        FileState::Missing => {
            return Err(refused(
                Code::Invalid,
                format!("La sauvegarde {} est introuvable ou vide.", file.display()),
            ))
        }
        FileState::Plain | FileState::Foreign => {
            return Err(refused(
                Code::Invalid,
                format!("{} n'est pas une sauvegarde chiffrée de Comptoir.", file.display()),
            ))
        }
        FileState::Encrypted => {}
    }
    // Work on a copy beside the live database: what is checked is what goes in place.
    if let Some(parent) = live.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| Error::Io {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    let staging = vault::sibling(live, ".restauration-en-cours");
    let result = stage(live, file, &staging, &key, live_key.as_ref(), phrase.is_some());
    let checked = match result {
        Ok(checked) => checked,
        Err(e) => {
            let _ = std::fs::remove_file(&staging);
            return Err(e);
        }
    };
    // The live database goes aside (renamed with its WAL, never lost), then the copy in place.
    let previous_kept_as = if live.exists() {
        if let Some(key) = &live_key {
            if let Ok(conn) = copies::open_file(live, Some(key), false) {
                // Before the file is moved aside; a failure leaves the WAL beside it, moved too.
                let _ = copies::truncate_wal(&conn);
            }
        }
        let aside = vault::sibling(
            live,
            &format!(".avant-restauration-{}", Local::now().format("%Y%m%d-%H%M%S")),
        );
        std::fs::hard_link(live, &aside)
            .or_else(|_| std::fs::copy(live, &aside).map(|_| ()))
            .map_err(|source| Error::Io {
                path: aside.clone(),
                source,
            })?;
        for suffix in ["-wal", "-shm"] {
            let from = vault::sibling(live, suffix);
            if from.exists() {
                let _ = std::fs::rename(&from, vault::sibling(&aside, suffix));
            }
        }
        Some(aside)
    } else {
        None
    };
    std::fs::rename(&staging, live).map_err(|source| Error::Io {
        path: live.to_path_buf(),
        source,
    })?;
    if let Some(dir) = live.parent() {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    if live_key.is_none() {
        keys.save(live, &key)?;
    }
    Ok(Restored {
        from: file.to_path_buf(),
        journal_entries: checked.0,
        journal_head: checked.1,
        centre: checked.2,
        previous_kept_as,
    })
}

/// Copies the backup to `staging` and checks it there; re-keys it to this machine's key.
fn stage(
    live: &Path,
    file: &Path,
    staging: &Path,
    key: &DbKey,
    live_key: Option<&DbKey>,
    with_phrase: bool,
) -> Result<(i64, String, Option<String>)> {
    let _ = std::fs::remove_file(staging);
    std::fs::copy(file, staging).map_err(|source| Error::Io {
        path: file.to_path_buf(),
        source,
    })?;
    let damaged = |detail: String| {
        refused(
            Code::BadBackup,
            format!(
                "La sauvegarde {} est abîmée ou incomplète ({detail}) : elle n'a pas été restaurée ; \
                 la base actuelle n'a pas été touchée.",
                file.display()
            ),
        )
    };
    let conn = copies::open_file(staging, Some(key), false)?;
    if !copies::readable(&conn) {
        let hint = if with_phrase {
            "cette phrase de secours ne l'ouvre pas (autre centre ?)"
        } else {
            "elle ne s'ouvre pas avec la clé de ce poste : elle vient d'un autre centre, ou d'un autre \
             poste (restaurez alors avec la phrase de secours de ce poste-là : --phrase), ou elle est \
             abîmée"
        };
        return Err(refused(
            Code::BadBackup,
            format!(
                "Sauvegarde {} refusée : {hint}. La base actuelle n'a pas été touchée.",
                file.display()
            ),
        ));
    }
    let check = copies::integrity(&conn).map_err(|e| damaged(e.to_string()))?;
    if check != "ok" {
        return Err(damaged(check));
    }
    let version = copies::user_version(&conn)?;
    if version > crate::store::schema_version() {
        return Err(refused(
            Code::DatabaseTooNew,
            format!(
                "La sauvegarde {} a été faite par une version plus récente de Comptoir : installez-la \
                 d'abord. La base actuelle n'a pas été touchée.",
                file.display()
            ),
        ));
    }
    let journal = crate::journal::verify(&conn).map_err(|e| damaged(e.to_string()))?;
    if let Some(broken) = &journal.broken {
        return Err(refused(
            Code::JournalBroken,
            format!(
                "La sauvegarde {} a un journal altéré (entrée n° {} : {}) : elle n'a pas été \
                 restaurée ; la base actuelle n'a pas été touchée.",
                file.display(),
                broken.seq,
                broken.reason
            ),
        ));
    }
    let centre = crate::store::centre::load(&conn)
        .ok()
        .and_then(|c| Some(c.name).filter(|n| !n.trim().is_empty()));
    // Another centre's backup does not replace a database that already has sales.
    if let Some(live_key) = live_key.filter(|_| live.exists()) {
        if let Some((live_centre, live_sales)) = live_identity(live, live_key) {
            let differs = match (&live_centre, &centre) {
                (Some(a), Some(b)) => crate::text::fold(a) != crate::text::fold(b),
                _ => false,
            };
            if live_sales > 0 && differs {
                return Err(refused(
                    Code::OtherCentre,
                    format!(
                        "Cette sauvegarde est celle de « {} », pas de « {} » : elle n'a pas été \
                         restaurée ; la base actuelle n'a pas été touchée.",
                        centre.clone().unwrap_or_default(),
                        live_centre.unwrap_or_default()
                    ),
                ));
            }
        }
    }
    // A backup made on another machine gets this machine's key.
    if let Some(live_key) = live_key.filter(|k| *k != key) {
        copies::rekey(&conn, live_key)?;
        drop(conn);
        if !vault::key_opens(staging, live_key) {
            return Err(damaged("changement de clé impossible".into()));
        }
    } else {
        drop(conn);
    }
    std::fs::File::open(staging)
        .and_then(|f| f.sync_all())
        .map_err(|source| Error::Io {
            path: staging.to_path_buf(),
            source,
        })?;
    Ok((journal.entries, journal.last_hash, centre))
}

/// The centre name and the number of sales of the live database, if it opens.
fn live_identity(live: &Path, key: &DbKey) -> Option<(Option<String>, i64)> {
    let conn = copies::open_file(live, Some(key), true).ok()?;
    let sales = crate::store::pos::sales_count(&conn).ok()?;
    let name = crate::store::centre::load(&conn)
        .ok()
        .map(|c| c.name)
        .filter(|n| !n.trim().is_empty());
    Some((name, sales))
}
