//! Who is at the window's desk: the profile that entered its PIN last, or nobody (locked). The
//! window asks this for the actor of every act, so a locked window is refused by the core,
//! whatever the page shows. The lock comes back after an idle time set in Réglages.

use crate::error::Code;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::operators::{self, Actor};
use crate::store::Store;

/// The idle time after which the window locks itself, by default.
pub const DEFAULT_IDLE_MINUTES: u32 = 10;

pub struct Attendance {
    /// Written in the history when the install is single-user (the OS user).
    label: String,
    inner: Mutex<Inner>,
}

struct Inner {
    actor: Option<Actor>,
    last_activity: Instant,
    idle: Duration,
}

/// What the window shows of the desk.
#[derive(Debug, Clone, Serialize)]
pub struct Presence {
    /// The name at the desk; empty when locked.
    pub current: String,
    pub locked: bool,
    pub idle_minutes: u32,
}

impl Attendance {
    /// Nobody at the desk until a PIN when profiles exist; the OS user otherwise.
    pub fn new(store: &Store, label: &str) -> Result<Attendance> {
        let idle = Duration::from_secs(60 * u64::from(super::idle_minutes(store)?));
        Ok(Attendance {
            label: label.to_string(),
            inner: Mutex::new(Inner {
                actor: operators::single_user(store, label).ok(),
                last_activity: Instant::now(),
                idle,
            }),
        })
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The actor of the act about to be done, at `now`: refused when nobody is at the desk, or
    /// when the desk stayed idle longer than the idle time (it locks then).
    pub fn actor_at(&self, store: &Store, now: Instant) -> Result<Actor> {
        let mut inner = self.inner();
        if !operators::any(store)? {
            let actor = operators::single_user(store, &self.label)?;
            inner.actor = Some(actor.clone());
            inner.last_activity = now;
            return Ok(actor);
        }
        if inner.actor.is_some() && now.saturating_duration_since(inner.last_activity) > inner.idle {
            inner.actor = None;
            return Err(locked(&format!(
                "Le poste s'est verrouillé après {} minute(s) sans activité : choisissez votre profil et saisissez votre code PIN.",
                inner.idle.as_secs() / 60
            )));
        }
        let Some(actor) = inner.actor.clone() else {
            return Err(locked(
                "Le poste est verrouillé : choisissez votre profil et saisissez votre code PIN.",
            ));
        };
        if let Err(e) = operators::require_present(store.db(), &actor) {
            inner.actor = None;
            return Err(locked(&e.to_string()));
        }
        inner.last_activity = now;
        Ok(actor)
    }

    pub fn actor(&self, store: &Store) -> Result<Actor> {
        self.actor_at(store, Instant::now())
    }

    /// Someone used the window (a key, a click): the idle time starts again. Does not unlock.
    pub fn touch_at(&self, now: Instant) {
        let mut inner = self.inner();
        if inner.actor.is_some() && now.saturating_duration_since(inner.last_activity) <= inner.idle {
            inner.last_activity = now;
        }
    }

    /// The quick switch: the profile whose PIN this is comes to the desk.
    pub fn switch(&self, store: &mut Store, name: &str, pin: &str) -> Result<Actor> {
        let actor = operators::sign_in(store, name, pin)?;
        let mut inner = self.inner();
        inner.actor = Some(actor.clone());
        inner.last_activity = Instant::now();
        Ok(actor)
    }

    /// « Verrouiller »: nobody at the desk until a PIN (only when profiles exist).
    pub fn lock(&self, store: &Store) -> Result<()> {
        if operators::any(store)? {
            self.inner().actor = None;
        }
        Ok(())
    }

    pub fn set_idle(&self, minutes: u32) {
        self.inner().idle = Duration::from_secs(60 * u64::from(minutes));
    }

    /// What the window shows, at `now` (an idle desk shows as locked).
    pub fn presence_at(&self, store: &Store, now: Instant) -> Result<Presence> {
        let profiles = operators::any(store)?;
        let mut inner = self.inner();
        if profiles && now.saturating_duration_since(inner.last_activity) > inner.idle {
            inner.actor = None;
        }
        if profiles
            && inner
                .actor
                .as_ref()
                .is_some_and(|a| a.role().is_none() && !a.is_system())
        {
            // A profile was created since: the single user's turn is over.
            inner.actor = None;
        }
        let current = match (&inner.actor, profiles) {
            (Some(actor), _) => actor.name().to_string(),
            (None, false) => self.label.clone(),
            (None, true) => String::new(),
        };
        Ok(Presence {
            locked: profiles && inner.actor.is_none(),
            current,
            idle_minutes: (inner.idle.as_secs() / 60) as u32,
        })
    }

    pub fn presence(&self, store: &Store) -> Result<Presence> {
        self.presence_at(store, Instant::now())
    }
}

fn locked(message: &str) -> Error {
    Error::Refused {
        code: Code::DeskLocked,
        message: message.to_string(),
    }
}

/// Réglages › Profils as it stands: the profiles, who is at the desk, whether a PIN must be
/// entered first, the idle time, the roles a profile can have.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct DeskView {
    pub profiles: Vec<crate::operators::Operator>,
    pub current: String,
    pub locked: bool,
    pub idle_minutes: u32,
    pub roles: Vec<crate::device::Term>,
}

impl Attendance {
    pub fn view(&self, store: &Store) -> Result<DeskView> {
        let presence = self.presence(store)?;
        Ok(DeskView {
            profiles: crate::operators::list(store)?,
            current: presence.current,
            locked: presence.locked,
            idle_minutes: presence.idle_minutes,
            roles: crate::device::terms::<crate::operators::Role>(),
        })
    }

    /// Adds a profile (a manager; anyone for the first one, which is a manager): the first
    /// profile is then the one at the desk.
    pub fn add_profile(
        &self,
        store: &mut Store,
        name: &str,
        role: crate::operators::Role,
        pin: &str,
        actor: &Actor,
    ) -> Result<DeskView> {
        let first = !crate::operators::any(store)?;
        crate::operators::add(store, name, role, pin, actor)?;
        if first {
            self.switch(store, name, pin)?;
        }
        self.view(store)
    }

    /// The idle time after which the window locks (a manager): stored, and applied now.
    pub fn set_idle_minutes(&self, store: &mut Store, minutes: u32, actor: &Actor) -> Result<DeskView> {
        super::set_idle_minutes(store, minutes, actor)?;
        self.set_idle(minutes);
        self.view(store)
    }

    /// The first run (the centre, its first manager, its programme file), then that manager
    /// at the desk.
    pub fn first_run(
        &self,
        store: &mut Store,
        programmes_folder: &std::path::Path,
        input: &crate::setup::FirstRun,
    ) -> Result<DeskView> {
        crate::setup::first_run(store, programmes_folder, input)?;
        self.switch(store, &input.manager, &input.pin)?;
        self.view(store)
    }
}
