//! The workflow layer: what the window and the command line call, and nothing else of the
//! core. It opens a centre's database safely, says who acts (an [`Actor`] only the core makes:
//! a profile's PIN, a single-user install, or Comptoir itself), and holds once the policies
//! both shells share: the backup made at each closing, the daily maintenance (retention purge,
//! daily backup), the sync client (a person waiting gives up sooner than the background
//! worker), programme loading and date parsing.

pub mod aftersales;
pub mod attendance;
pub mod centre;
pub mod documents;
pub mod loans;
mod maintenance;
pub mod network;
pub mod people;
pub mod pos;
pub mod privacy;
pub mod programmes;
pub mod safety;
pub mod stock;

use std::path::Path;

use chrono::NaiveDate;

use crate::operators;
use crate::programme::LegalCaps;
use crate::store;
use crate::sync;
use crate::vault::{self, KeyStore};

pub use attendance::{Attendance, DeskView, Presence, DEFAULT_IDLE_MINUTES};
pub use maintenance::{Maintenance, MaintenanceReport};

// What every screen and command shares: the errors, the store the shells hold (opened by
// [`open`]), who acts, money, the day and how the core writes times and folds text.
pub use crate::demo::load as load_demo;
pub use crate::error::{Code, Error, Failure, Result};
pub use crate::local::{database_path, operator_name, programmes_folder, today};
pub use crate::logging::{init_app, init_cli, log_folder};
pub use crate::money::Money;
pub use crate::operators::Actor;
pub use crate::programme::Programme;
pub use crate::store::stock_index::SharedStockIndex;
pub use crate::store::{schema_version, Store, Writer};
pub use crate::text::{fold, format_timestamp};

/// A whole number as a form's field holds it (« 15 »), within `range`; else an error tied to
/// `field`, in French. The window parses no number: it sends what was typed.
pub fn parse_whole(text: &str, field: &str, range: std::ops::RangeInclusive<u32>) -> Result<u32> {
    crate::text::parse_whole(text, range).map_err(|message| {
        Error::InvalidFields(vec![crate::model::people::FieldError {
            field: field.to_string(),
            message,
        }])
    })
}

pub(crate) fn refused(code: Code, message: impl Into<String>) -> Error {
    Error::Refused {
        code,
        message: message.into(),
    }
}

/// Opens the centre's database at `path`, encrypted with its key from `keys`. A file that is
/// not Comptoir's (another program's database, the hub's, a folder, a device, a pipe) is
/// refused before anything reads or writes it.
pub fn open(path: &Path, keys: &dyn KeyStore) -> Result<Store> {
    vault::open(path, keys)
}

/// The programmes of this centre: the shipped default, the files beside the database, and
/// those the hub published.
pub fn programmes(store: &Store, database: &Path) -> Result<Vec<Programme>> {
    sync::programmes(
        store,
        Some(&crate::local::programmes_folder(database)),
        &LegalCaps::shipped(),
    )
}

/// A file's bytes and its name (a delivery file, a programme file, a logo: the history and
/// the refusals name it).
pub fn read_file(file: &Path) -> Result<(Vec<u8>, String)> {
    let bytes = std::fs::read(file).map_err(|source| Error::Io {
        path: file.to_path_buf(),
        source,
    })?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok((bytes, name))
}

/// A day typed by a person (AAAA-MM-JJ or JJ/MM/AAAA); none: today.
pub fn parse_day(text: Option<&str>) -> Result<NaiveDate> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(crate::local::today()),
        Some(t) => crate::beneficiary::parse_date(t).ok_or_else(|| {
            refused(
                Code::Invalid,
                format!("« {t} » n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA)."),
            )
        }),
    }
}

/// Who acts on the command line: the profile named by `name` with its PIN (asked only when
/// profiles exist, through `pin`), or the single user of an install without profiles (`label`,
/// written in the history). With profiles and no name, the refusal lists them.
pub fn actor_from_pin(
    store: &mut Store,
    name: Option<&str>,
    label: &str,
    pin: impl FnOnce(&str) -> Result<String>,
) -> Result<Actor> {
    if !operators::any(store)? {
        return operators::single_user(store, name.unwrap_or(label));
    }
    let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
        let profiles: Vec<String> = operators::list(store)?
            .into_iter()
            .filter(|o| o.active)
            .map(|o| format!("{} ({})", o.name, o.role.label().to_lowercase()))
            .collect();
        return Err(refused(
            Code::ProfileRequired,
            format!(
                "Cette action demande un profil et son code PIN : ajoutez --operator NOM (le PIN est lu sur l'entrée standard ou dans COMPTOIR_PIN). Profils : {}.",
                profiles.join(", ")
            ),
        ));
    };
    let pin = pin(name)?;
    operators::sign_in(store, name, &pin)
}

/// Refuses unless `actor` may do a manager's act now (before a dialog that leads to one).
pub fn require_manager(store: &Store, actor: &Actor) -> Result<()> {
    operators::require_manager(store.db(), actor)
}

/// The idle time after which the window locks, in minutes (Réglages).
pub fn idle_minutes(store: &Store) -> Result<u32> {
    Ok(store::pos::setting(store.db(), IDLE_KEY)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_IDLE_MINUTES))
}

const IDLE_KEY: &str = "idle_lock_minutes";

/// Sets the idle time (a manager): 1 to 120 minutes.
pub fn set_idle_minutes(store: &mut Store, minutes: u32, actor: &Actor) -> Result<()> {
    operators::require_manager(store.db(), actor)?;
    if !(1..=120).contains(&minutes) {
        return Err(refused(
            Code::Invalid,
            format!("Verrouillage après {minutes} minute(s) : entre 1 et 120 minutes (10 conseillées)."),
        ));
    }
    store.with_tx(|tx| store::pos::set_setting(tx, IDLE_KEY, &minutes.to_string()))
}
