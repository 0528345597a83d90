//! The daily work Comptoir does by itself, whoever is at the desk.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use serde::Serialize;

use super::safety::{self, BackupOutcome};
use crate::backup;
use crate::operators::Actor;
use crate::store::Writer;

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
    /// Closings made for periods that had ended.
    pub closings: usize,
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
                tracing::warn!(code = e.code().as_str(), "purge de conservation manquée");
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
                let outcome = BackupOutcome::of(safety::backup(w, None, backup::Reason::Daily));
                self.backup_failed_at = outcome.error.is_some().then_some(now);
                report.backup = Some(outcome);
            }
            Ok(_) => {}
            Err(e) => report.errors.push(format!("Sauvegarde quotidienne : {e}")),
        }
    }

    /// The closings of the periods that have ended (days, months, financial years).
    pub fn closings(&mut self, w: &impl Writer, report: &mut MaintenanceReport) {
        match w.write(super::pos::catch_up_closings) {
            Ok(made) => report.closings = made.len(),
            Err(e) => {
                tracing::warn!(code = e.code().as_str(), "clôtures automatiques manquées");
                report.errors.push(format!("Clôtures automatiques : {e}"));
            }
        }
    }

    /// One pass at `now`: the closings, the purge, the backup.
    pub fn run(&mut self, w: &impl Writer, today: NaiveDate, now: Instant) -> MaintenanceReport {
        let mut report = MaintenanceReport::default();
        self.closings(w, &mut report);
        self.purge(w, today, &mut report);
        self.backup(w, now, &mut report);
        report
    }
}
