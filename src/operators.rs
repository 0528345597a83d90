//! The people at the desk: each médiateur has a profile and a 4–6 digit PIN (only an argon2
//! hash is kept) to switch quickly between them; a manager (« responsable ») is required for
//! overrides, credit notes, closings, erasure and settings. With no profile at all the install
//! is single-user (whoever is at the desk may do everything, as before profiles existed); the
//! first profile created must be a manager.

use crate::error::Code;
pub use crate::model::operators::{Operator, Role};

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::store::{self, operators as sql, Store};
use crate::text::fold;

fn refused(code: Code, message: impl Into<String>) -> Error {
    Error::Refused {
        code,
        message: message.into(),
    }
}

fn key(name: &str) -> String {
    fold(name)
}

/// A PIN: 4 to 6 digits.
pub fn check_pin(pin: &str) -> Result<()> {
    let pin = pin.trim();
    if !(4..=6).contains(&pin.len()) || !pin.chars().all(|c| c.is_ascii_digit()) {
        // A form's field: the window shows it beside the PIN typed.
        return Err(Error::InvalidFields(vec![crate::model::people::FieldError {
            field: "pin".into(),
            message: "Le code PIN fait 4 à 6 chiffres (ni lettres ni espaces).".into(),
        }]));
    }
    Ok(())
}

/// How many wrong PINs in a row lock a profile, and for how long.
pub const PIN_TRIES: i64 = 5;
pub const PIN_LOCK_MINUTES: i64 = 5;

/// The name under which Comptoir's own acts (automatic closings, purges, backups) are written.
pub const SYSTEM_NAME: &str = "Comptoir (automatique)";

/// Who acts. Only the core makes one: [`sign_in`] after a profile's PIN, [`single_user`] on an
/// install with no profile, or the system actor for Comptoir's own acts. Every act that writes
/// takes one, and the journal's « who » is its name: a shell cannot put another name there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    name: String,
    #[serde(skip)]
    kind: ActorKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ActorKind {
    /// A profile whose PIN was checked, with its role at that moment.
    Profile(Role),
    /// No profile exists: whoever is at the desk (the name is only a label).
    SingleUser,
    /// Comptoir itself.
    System,
}

impl Actor {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The profile's role; `None` for a single-user install or Comptoir itself.
    pub fn role(&self) -> Option<Role> {
        match self.kind {
            ActorKind::Profile(role) => Some(role),
            _ => None,
        }
    }

    pub fn is_system(&self) -> bool {
        self.kind == ActorKind::System
    }

    /// Comptoir's own acts (automatic closings, retention purge, backups).
    pub(crate) fn system() -> Actor {
        Actor::internal(SYSTEM_NAME)
    }

    /// A test double for « who acts », compiled only for the test suites and benchmarks
    /// (feature `test-support`, never in a shipped binary): it may do every act, like Comptoir
    /// itself. Tests of the PIN and of the roles sign in with [`sign_in`] instead.
    #[cfg(any(test, feature = "test-support"))]
    pub fn test(name: &str) -> Actor {
        Actor::internal(name)
    }

    /// Comptoir writing under another name: the installation form, the demo centre's
    /// invented médiateurs. Never made from what a shell passes.
    pub(crate) fn internal(name: &str) -> Actor {
        Actor {
            name: name.into(),
            kind: ActorKind::System,
        }
    }
}

/// Whether profiles exist (else the install is single-user).
pub fn any(store: &Store) -> Result<bool> {
    Ok(sql::count_active(store.db())? > 0)
}

pub fn list(store: &Store) -> Result<Vec<Operator>> {
    sql::list(store.db())
}

fn names_with(conn: &crate::store::Db, role: Option<Role>) -> Result<String> {
    let names: Vec<String> = sql::list(conn)?
        .into_iter()
        .filter(|o| o.active && role.is_none_or(|r| o.role == r))
        .map(|o| o.name)
        .collect();
    Ok(names.join(", "))
}

/// The refusal of a name without a PIN once profiles exist; it lists them.
fn profile_required(conn: &crate::store::Db) -> Result<Error> {
    Ok(refused(
        Code::ProfileRequired,
        format!(
            "Ce poste a des profils : choisissez le vôtre et saisissez son code PIN (profils : {}).",
            names_with(conn, None)?
        ),
    ))
}

/// The actor of a single-user install: refused once a profile exists (then a PIN is needed).
/// `label` (the OS user, or a name given on the command line) is only written in the history.
pub fn single_user(store: &Store, label: &str) -> Result<Actor> {
    if any(store)? {
        return Err(profile_required(store.db())?);
    }
    let label = label.split_whitespace().collect::<Vec<_>>().join(" ");
    Ok(Actor {
        name: if label.is_empty() { "poste local".into() } else { label },
        kind: ActorKind::SingleUser,
    })
}

/// Refuses unless the actor may still act: a profile that is still active, a single-user
/// actor while no profile exists, or Comptoir itself.
pub fn require_present(conn: &crate::store::Db, actor: &Actor) -> Result<()> {
    match actor.kind {
        ActorKind::System => Ok(()),
        ActorKind::SingleUser if sql::count_active(conn)? == 0 => Ok(()),
        ActorKind::SingleUser => Err(profile_required(conn)?),
        ActorKind::Profile(_) => match sql::by_key(conn, &key(&actor.name))? {
            Some(row) if row.operator.active => Ok(()),
            _ => Err(refused(
                Code::Disabled,
                format!("Le profil « {} » est désactivé.", actor.name),
            )),
        },
    }
}

/// Refuses unless the actor may do a manager's act: a single-user install, Comptoir itself, or
/// a profile that is an active manager now (its role is read again, not trusted from the PIN).
pub fn require_manager(conn: &crate::store::Db, actor: &Actor) -> Result<()> {
    require_present(conn, actor)?;
    match actor.kind {
        ActorKind::System | ActorKind::SingleUser => Ok(()),
        ActorKind::Profile(_) => match sql::by_key(conn, &key(&actor.name))? {
            Some(row) if row.operator.role == Role::Manager => Ok(()),
            _ => Err(refused(
                Code::ManagerRequired,
                format!(
                    "Réservé à un·e responsable : « {} » ne peut pas le faire. Changez de profil avec le code PIN d'un·e responsable ({}).",
                    actor.name,
                    names_with(conn, Some(Role::Manager))?
                ),
            )),
        },
    }
}

fn hash_pin(pin: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(pin.trim().as_bytes(), &salt)
        .map_err(|e| refused(Code::Internal, format!("Hachage du PIN impossible : {e}")))?
        .to_string())
}

fn clean_name(name: &str) -> Result<String> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.chars().count() < 2 || name.chars().count() > 40 || name.chars().any(char::is_control) {
        return Err(refused(Code::Invalid, "Le nom d'un opérateur fait 2 à 40 caractères."));
    }
    Ok(name)
}

/// Adds a profile. The first one must be a manager (on a single-user install, whoever is at
/// the desk creates it); later ones are added by a manager.
pub fn add(store: &mut Store, name: &str, role: Role, pin: &str, by: &Actor) -> Result<Operator> {
    let name = clean_name(name)?;
    check_pin(pin)?;
    let first = !any(store)?;
    if first && role != Role::Manager {
        return Err(refused(
            Code::Invalid,
            "Le premier profil doit être celui d'un·e responsable (il ou elle ajoutera les autres).",
        ));
    }
    if !first {
        require_manager(store.db(), by)?;
    }
    if sql::by_key(store.db(), &key(&name))?.is_some() {
        return Err(refused(Code::Invalid, format!("Un profil « {name} » existe déjà.")));
    }
    let hash = hash_pin(pin)?;
    let now = store::now_text();
    store.with_tx(|tx| sql::insert(tx, &name, &key(&name), role, &hash, &now, by.name()))?;
    Ok(Operator {
        name,
        role,
        active: true,
    })
}

/// Disables a profile (never the last active manager).
pub fn disable(store: &mut Store, name: &str, by: &Actor) -> Result<()> {
    require_manager(store.db(), by)?;
    let Some(row) = sql::by_key(store.db(), &key(name))? else {
        return Err(refused(Code::NotFound, format!("Aucun profil « {name} ».")));
    };
    let op = row.operator;
    if op.role == Role::Manager && op.active && sql::count_active_managers(store.db())? <= 1 {
        return Err(refused(
            Code::Invalid,
            "C'est le dernier profil de responsable actif : ajoutez-en un autre avant de le désactiver.",
        ));
    }
    let now = store::now_text();
    store.with_tx(|tx| sql::disable(tx, &key(name), &now, by.name()).map(|_| ()))
}

/// A manager gives a profile a new PIN (forgotten, or the profile locked): the wrong-PIN count
/// and the lock are cleared.
pub fn reset_pin(store: &mut Store, name: &str, new_pin: &str, by: &Actor) -> Result<Operator> {
    require_manager(store.db(), by)?;
    check_pin(new_pin)?;
    let Some(row) = sql::by_key(store.db(), &key(name))? else {
        return Err(refused(Code::NotFound, format!("Aucun profil « {} ».", name.trim())));
    };
    let hash = hash_pin(new_pin)?;
    let now = store::now_text();
    store.with_tx(|tx| sql::reset_pin(tx, &key(name), &hash, &now, by.name()).map(|_| ()))?;
    Ok(row.operator)
}

fn local_time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&chrono::Local).format("%H h %M").to_string()
}

/// The actor whose PIN this is (the quick switch, or `--operator` with its PIN on the command
/// line). Wrong PINs are counted in the database: [`PIN_TRIES`] in a row lock the profile for
/// [`PIN_LOCK_MINUTES`] minutes, whichever shell they were typed in.
pub fn sign_in(store: &mut Store, name: &str, pin: &str) -> Result<Actor> {
    sign_in_at(store, name, pin, chrono::Utc::now())
}

/// [`sign_in`] at a given instant (tests of the lock's end).
pub fn sign_in_at(store: &mut Store, name: &str, pin: &str, now: chrono::DateTime<chrono::Utc>) -> Result<Actor> {
    let name_key = key(name);
    let Some(row) = sql::by_key(store.db(), &name_key)? else {
        return Err(refused(
            Code::UnknownProfile,
            format!(
                "Aucun profil « {} ». Profils : {}.",
                name.trim(),
                names_with(store.db(), None)?
            ),
        ));
    };
    let op = row.operator;
    if !op.active {
        return Err(refused(
            Code::Disabled,
            format!("Le profil « {} » est désactivé.", op.name),
        ));
    }
    let locked_until = row
        .locked_until
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&chrono::Utc))
        .filter(|until| *until > now);
    if let Some(until) = locked_until {
        return Err(refused(
            Code::ProfileLocked,
            format!(
                "Le profil « {} » est bloqué jusqu'à {} après {PIN_TRIES} codes PIN incorrects. Réessayez ensuite, ou demandez à un·e responsable de réinitialiser son code.",
                op.name,
                local_time(until)
            ),
        ));
    }
    let right = PasswordHash::new(&row.pin_hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(pin.trim().as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false);
    if right {
        store.with_tx(|tx| sql::clear_wrong_pins(tx, &name_key))?;
        return Ok(Actor {
            name: op.name,
            kind: ActorKind::Profile(op.role),
        });
    }
    // A lock that has ended starts a new count.
    let before = if row.locked_until.is_some() { 0 } else { row.failed_pins };
    let failed = before + 1;
    let lock = (failed >= PIN_TRIES).then(|| now + chrono::Duration::minutes(PIN_LOCK_MINUTES));
    let lock_text = lock.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
    store.with_tx(|tx| {
        sql::record_wrong_pin(
            tx,
            &name_key,
            if lock.is_some() { 0 } else { failed },
            lock_text.as_deref(),
        )
    })?;
    Err(match lock {
        Some(until) => refused(
            Code::ProfileLocked,
            format!(
                "Code PIN incorrect. Après {PIN_TRIES} essais manqués, le profil « {} » est bloqué jusqu'à {}. Un·e responsable peut réinitialiser son code.",
                op.name,
                local_time(until)
            ),
        ),
        None => {
            let left = PIN_TRIES - failed;
            refused(
                Code::WrongPin,
                format!(
                    "Code PIN incorrect pour « {} » : encore {left} essai{} avant que ce profil soit bloqué {PIN_LOCK_MINUTES} minutes.",
                    op.name,
                    if left > 1 { "s" } else { "" }
                ),
            )
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_is_four_to_six_digits() {
        assert!(check_pin("1234").is_ok());
        assert!(check_pin("123456").is_ok());
        for bad in ["123", "1234567", "12a4", "12 34", ""] {
            assert!(check_pin(bad).is_err(), "{bad}");
        }
        assert!(check_pin("123").unwrap_err().to_string().contains("4 à 6 chiffres"));
    }
}
