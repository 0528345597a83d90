//! Restoring a backup: every check on a staged copy first (it opens with this machine's key or
//! the old machine's phrase, integrity, schema not newer, journal chain, same centre when the
//! live database has sales), re-keyed for this machine, the replaced database kept aside.

use std::collections::BTreeMap;

use super::*;
use crate::error::Code;
use crate::store::{journal as journal_sql, sync as sync_sql, Db};

/// Whether a backup whose journal does not reach the live database's may replace it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Older {
    /// Refused with the warning (`older_backup`): what would be replaced, and what follows.
    Refuse,
    /// The manager read the warning and confirmed.
    Confirmed,
}

/// The setting (`sync.` prefix) of a restored database that holds what the restore replaced,
/// until a manager declares the restore.
pub const RESTORE_REPLACED: &str = "restore_replaced";

/// What a restore of an older backup replaced: the replaced journal's head, the last head the
/// network acknowledged from it, and every numbering series' last number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ReplacedJournal {
    pub entries: i64,
    pub hash: String,
    /// The last head the network acknowledged from that journal (`entries`, `hash`).
    pub sent: Option<(i64, String)>,
    /// Every series' last number (receipts, credit notes) in the replaced database.
    pub counters: BTreeMap<String, i64>,
    pub restored_at: String,
}

/// What an older restore replaced, until the restore is declared.
pub fn replaced(conn: &Db) -> Result<Option<ReplacedJournal>> {
    Ok(sync_sql::setting(conn, RESTORE_REPLACED)?
        .filter(|s| !s.is_empty())
        .and_then(|s| serde_json::from_str(&s).ok()))
}

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
///
/// A backup whose journal does not reach the live one (older, or another branch) is refused
/// with a warning unless `older` is [`Older::Confirmed`]; then the restored database holds what
/// it replaced ([`ReplacedJournal`]): no permanence opens until a manager declares the restore,
/// and numbering continues after the replaced database's last numbers.
pub fn restore(live: &Path, file: &Path, keys: &dyn KeyStore, phrase: Option<&str>, older: Older) -> Result<Restored> {
    let result = restore_checked(live, file, keys, phrase, older);
    match &result {
        Ok(r) => tracing::info!(entrees = r.journal_entries, "sauvegarde restaurée"),
        Err(e) => tracing::warn!(code = e.code().as_str(), "restauration refusée"),
    }
    result
}

fn restore_checked(
    live: &Path,
    file: &Path,
    keys: &dyn KeyStore,
    phrase: Option<&str>,
    older: Older,
) -> Result<Restored> {
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
    let result = stage(live, file, &staging, &key, live_key.as_ref(), phrase.is_some(), older);
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
    older: Older,
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
    // The live database, read once (when it opens with this machine's key).
    let live_conn = live_key
        .filter(|_| live.exists())
        .and_then(|key| copies::open_file(live, Some(key), true).ok());
    // Another centre's backup does not replace a database that already has sales.
    if let Some(live_conn) = &live_conn {
        if let Some((live_centre, live_sales)) = live_identity(live_conn) {
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
    // A backup that would take away part of the live journal: warned, or confirmed and noted.
    if let Some(live_conn) = &live_conn {
        if let Some(lost) = replaced_by(live_conn, &conn)? {
            match older {
                Older::Refuse => return Err(refused(Code::OlderBackup, older_warning(file, &conn, &lost)?)),
                Older::Confirmed => sync_sql::set_setting(
                    &conn,
                    RESTORE_REPLACED,
                    &serde_json::to_string(&lost.replaced).expect("serialises"),
                )?,
            }
        }
    }
    drop(live_conn);
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

/// The centre name and the number of sales of the live database, if they read.
fn live_identity(conn: &Db) -> Option<(Option<String>, i64)> {
    let sales = crate::store::pos::sales_count(conn).ok()?;
    let name = crate::store::centre::load(conn)
        .ok()
        .map(|c| c.name)
        .filter(|n| !n.trim().is_empty());
    Some((name, sales))
}

/// The live database's journal a backup does not reach, and what goes with it.
struct Lost {
    replaced: ReplacedJournal,
    sales: i64,
}

/// What the live database (`conn`) has that the staged backup does not reach: None when the
/// backup's journal holds the live head (the same journal, or further), or it has none.
fn replaced_by(conn: &Db, staged: &Db) -> Result<Option<Lost>> {
    let Ok(Some((entries, hash))) = journal_sql::head(conn) else {
        return Ok(None);
    };
    if journal_sql::entry(staged, entries)?.is_some_and(|row| row.hash == hash) {
        return Ok(None);
    }
    let parse = |s: String| {
        let (n, h) = s.split_once(':')?;
        Some((n.parse::<i64>().ok()?, h.to_string())).filter(|(n, h)| *n > 0 && !h.is_empty())
    };
    let mut sent = sync_sql::setting(conn, crate::sync::JOURNAL_SENT)?.and_then(parse);
    let mut counters: BTreeMap<String, i64> = sync_sql::counters(conn)?.into_iter().collect();
    // The live database was itself an older restore not yet declared: what it replaced counts.
    if let Some(before) = replaced(conn)? {
        if before.sent.as_ref().map(|s| s.0) > sent.as_ref().map(|s| s.0) {
            sent = before.sent;
        }
        for (series, last) in before.counters {
            let kept = counters.entry(series).or_insert(last);
            *kept = (*kept).max(last);
        }
    }
    Ok(Some(Lost {
        replaced: ReplacedJournal {
            entries,
            hash,
            sent,
            counters,
            restored_at: now_text(),
        },
        sales: crate::store::pos::sales_count(conn)?,
    }))
}

/// The French warning before an older backup replaces the live database.
fn older_warning(file: &Path, staged: &Db, lost: &Lost) -> Result<String> {
    let (entries, last_at) = match journal_sql::head(staged)? {
        Some((n, _)) => (n, journal_sql::entry(staged, n)?.map(|r| r.at).unwrap_or_default()),
        None => (0, String::new()),
    };
    let until = if last_at.is_empty() {
        String::new()
    } else {
        format!(", jusqu'au {}", crate::text::format_timestamp(&last_at))
    };
    let sent = match &lost.replaced.sent {
        Some((n, _)) => format!(" Le réseau a déjà reçu le journal de cette caisse jusqu'à l'entrée n° {n}."),
        None => String::new(),
    };
    Ok(format!(
        "La sauvegarde {} est plus ancienne que la base actuelle (ou vient d'une autre branche) : son journal a \
         {entries} entrée(s){until} et {} vente(s) ; la base actuelle a {} entrée(s) et {} vente(s).{sent} Restaurée, \
         elle remplacerait tout ce qui a été fait depuis (la base actuelle reste gardée à côté) ; ensuite, aucune \
         permanence ne s'ouvrira avant qu'un responsable déclare la reprise, et les numéros de ticket et d'avoir \
         continueront après les derniers émis. Pour restaurer quand même, confirmez (« Restaurer quand même » dans \
         la fenêtre, `--older` en ligne de commande).",
        file.display(),
        crate::store::pos::sales_count(staged)?,
        lost.replaced.entries,
        lost.sales,
    ))
}
