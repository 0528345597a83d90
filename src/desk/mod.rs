//! The workflow layer: what the window and the command line call, and nothing else of the
//! core. It opens a centre's database safely, says who acts (an [`Actor`] only the core makes:
//! a profile's PIN, a single-user install, or Comptoir itself), and holds once the policies
//! both shells share: the backup made at each closing, the daily maintenance (retention purge,
//! daily backup), the sync client (a person waiting gives up sooner than the background
//! worker), programme loading and date parsing.

pub mod attendance;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use serde::Serialize;

use crate::backup;
use crate::error::{Error, Result};
use crate::money::Money;
use crate::operators::{self, Actor};
use crate::pos::{self, CashReport, PaymentMethod};
use crate::programme::{LegalCaps, Programme};
use crate::store::{self, Store, Writer};
use crate::sync;
use crate::vault::{self, KeyStore};

pub use attendance::{Attendance, Presence, DEFAULT_IDLE_MINUTES};

fn refused(code: &'static str, message: impl Into<String>) -> Error {
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

/// A day typed by a person (AAAA-MM-JJ or JJ/MM/AAAA); none: today.
pub fn parse_day(text: Option<&str>) -> Result<NaiveDate> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(crate::local::today()),
        Some(t) => crate::beneficiary::parse_date(t).ok_or_else(|| {
            refused(
                "invalid",
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
            "profile_required",
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
    operators::require_manager(store.conn(), actor)
}

/// The idle time after which the window locks, in minutes (Réglages).
pub fn idle_minutes(store: &Store) -> Result<u32> {
    Ok(store::pos::setting(store.conn(), IDLE_KEY)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_IDLE_MINUTES))
}

const IDLE_KEY: &str = "idle_lock_minutes";

/// Sets the idle time (a manager): 1 to 120 minutes.
pub fn set_idle_minutes(store: &mut Store, minutes: u32, actor: &Actor) -> Result<()> {
    operators::require_manager(store.conn(), actor)?;
    if !(1..=120).contains(&minutes) {
        return Err(refused(
            "invalid",
            format!("Verrouillage après {minutes} minute(s) : entre 1 et 120 minutes (10 conseillées)."),
        ));
    }
    store.with_tx(|tx| store::pos::set_setting(tx, IDLE_KEY, &minutes.to_string()))
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
    fn of(result: Result<backup::Made>) -> BackupOutcome {
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
    let started = Instant::now();
    let result = (|| {
        let job = w.write(|s| backup::plan(s, to, reason))?;
        let copied = backup::copy(&job, &mut |_, _| {})?;
        w.write(|s| backup::finish(s, copied))
    })();
    backup::log_outcome(reason, started, &result);
    result
}

/// A closed permanence, and the backup made right after it.
#[derive(Debug, Clone, Serialize)]
pub struct Closed {
    #[serde(flatten)]
    pub report: CashReport,
    pub backup: BackupOutcome,
}

/// Closes the permanence (a manager), then backs the database up: each closing is backed up,
/// and a failed backup does not undo the closing (the status shows the last good one's age).
pub fn close_session(
    w: &impl Writer,
    actor: &Actor,
    counted: BTreeMap<PaymentMethod, Money>,
    comment: &str,
) -> Result<Closed> {
    let report = w.write(|s| pos::close_session(s, actor, counted, comment))?;
    let backup = BackupOutcome::of(backup(w, None, backup::Reason::Closing));
    Ok(Closed { report, backup })
}

/// « Sauvegarder maintenant »: anyone at the desk.
pub fn backup_now(w: &impl Writer, to: Option<&Path>, actor: &Actor) -> Result<backup::Made> {
    w.write(|s| operators::require_present(s.conn(), actor))?;
    backup(w, to, backup::Reason::Manual)
}

/// The daily work Comptoir does by itself, as « Comptoir (automatique) »: the retention purge
/// once a day, and the daily backup when the last good one is a day old (retried every 30
/// minutes while it fails, e.g. the USB stick is out).
pub struct Maintenance {
    purged_on: Option<NaiveDate>,
    backup_failed_at: Option<Instant>,
}

/// What one pass of the maintenance did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MaintenanceReport {
    pub people_anonymised: usize,
    pub backup: Option<BackupOutcome>,
    pub errors: Vec<String>,
}

impl Default for Maintenance {
    fn default() -> Self {
        Maintenance::new()
    }
}

impl Maintenance {
    pub fn new() -> Maintenance {
        Maintenance {
            purged_on: None,
            backup_failed_at: None,
        }
    }

    /// The retention purge, once a day (the app runs it at start, then its worker).
    pub fn purge(&mut self, w: &impl Writer, today: NaiveDate, report: &mut MaintenanceReport) {
        if self.purged_on == Some(today) {
            return;
        }
        match w.write(|s| crate::privacy::purge(s, today, false, &Actor::system())) {
            Ok(purge) => {
                self.purged_on = Some(today);
                report.people_anonymised = purge.people.len();
                tracing::info!(personnes = purge.people.len(), "purge de conservation");
            }
            Err(e) => {
                tracing::warn!(code = e.code(), "purge de conservation manquée");
                report.errors.push(format!("Purge de conservation : {e}"));
            }
        }
    }

    /// The daily backup when the last good one is a day old; after a failure, not again for
    /// 30 minutes.
    pub fn backup(&mut self, w: &impl Writer, now: Instant, report: &mut MaintenanceReport) {
        let retry = self
            .backup_failed_at
            .is_none_or(|t| now.saturating_duration_since(t) >= Duration::from_secs(1800));
        match w.write(|s| backup::due(s, chrono::Utc::now())) {
            Ok(true) if retry => {
                let outcome = BackupOutcome::of(backup(w, None, backup::Reason::Daily));
                self.backup_failed_at = outcome.error.is_some().then_some(now);
                report.backup = Some(outcome);
            }
            Ok(_) => {}
            Err(e) => report.errors.push(format!("Sauvegarde quotidienne : {e}")),
        }
    }

    /// One pass of both at `now`.
    pub fn run(&mut self, w: &impl Writer, today: NaiveDate, now: Instant) -> MaintenanceReport {
        let mut report = MaintenanceReport::default();
        self.purge(w, today, &mut report);
        self.backup(w, now, &mut report);
        report
    }
}

/// Who waits for the hub: a person (gives up within 20 s on a silent hub) or the background
/// worker (more patient, retries more).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    Person,
    Background,
}

/// The sync client for this centre's hub, its token from the OS keyring.
pub fn sync_client(store: &Store, waiting: Waiting) -> Result<sync::Client> {
    let config = sync::config(store)?.ok_or_else(|| {
        refused(
            "not_configured",
            "Aucun hub n'est configuré : réglez son adresse et le centre (Réglages › Réseau, ou comptoir hub set-url https://… --centre ID), puis le jeton.",
        )
    })?;
    let token = sync::token::load(&config)?;
    match waiting {
        Waiting::Person => sync::Client::foreground(config, token),
        Waiting::Background => sync::Client::new(config, token),
    }
}

/// One sync round: the writer is held between the hub's answers, never during a request.
pub fn sync_round(w: &impl Writer, waiting: Waiting) -> Result<sync::RoundReport> {
    let client = w.write(|s| sync_client(s, waiting))?;
    sync::round(w, &client)
}

/// Saves the hub's token in the OS keyring (a manager).
pub fn set_hub_token(store: &Store, token: &str, actor: &Actor) -> Result<()> {
    operators::require_manager(store.conn(), actor)?;
    let config = sync::config(store)?.ok_or_else(|| {
        refused(
            "not_configured",
            "Réglez d'abord l'adresse du hub et le centre (Réglages › Réseau, ou comptoir hub set-url https://… --centre ID).",
        )
    })?;
    sync::token::store(&config, token)
}

/// Forgets this post's hub token (a manager).
pub fn forget_hub_token(store: &Store, actor: &Actor) -> Result<()> {
    operators::require_manager(store.conn(), actor)?;
    if let Some(config) = sync::config(store)? {
        sync::token::forget(&config)?;
    }
    Ok(())
}
