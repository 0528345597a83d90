//! The people at the desk: each médiateur has a profile and a 4–6 digit PIN (only an argon2
//! hash is kept) to switch quickly between them; a manager (« responsable ») is required for
//! overrides, credit notes, closings, erasure and settings. With no profile at all the install
//! is single-user (whoever is at the desk may do everything, as before profiles existed); the
//! first profile created must be a manager.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use serde::Serialize;

use crate::device::code_enum;
use crate::error::{Error, Result};
use crate::store::{self, operators as sql, Store};
use crate::text::fold;

code_enum! {
    /// What a profile may do.
    pub enum Role, "rôle" {
        Mediator => "mediator", "Médiateur·rice", ["mediateur", "mediatrice"];
        Manager => "manager", "Responsable", ["responsable"];
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Operator {
    pub name: String,
    pub role: Role,
    pub active: bool,
}

fn refused(code: &'static str, message: impl Into<String>) -> Error {
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
        return Err(refused(
            "invalid",
            "Le code PIN fait 4 à 6 chiffres (ni lettres ni espaces).",
        ));
    }
    Ok(())
}

/// Whether profiles exist (else the install is single-user).
pub fn any(store: &Store) -> Result<bool> {
    Ok(sql::count_active(store.conn())? > 0)
}

pub fn list(store: &Store) -> Result<Vec<Operator>> {
    sql::list(store.conn())
}

/// Refuses unless `who` may act as a manager: any profile-less install, or an active manager.
pub fn require_manager(conn: &rusqlite::Connection, who: &str) -> Result<()> {
    if sql::count_active(conn)? == 0 {
        return Ok(());
    }
    match sql::by_key(conn, &key(who))? {
        Some((op, _)) if op.active && op.role == Role::Manager => Ok(()),
        _ => Err(refused(
            "manager_required",
            format!(
                "Réservé à un·e responsable : « {who} » ne peut pas le faire. Changez d'opérateur (code PIN d'un·e responsable)."
            ),
        )),
    }
}

/// Adds a profile. The first one must be a manager; later ones are added by a manager.
pub fn add(store: &mut Store, name: &str, role: Role, pin: &str, by: &str) -> Result<Operator> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.chars().count() < 2 || name.chars().count() > 40 {
        return Err(refused("invalid", "Le nom d'un opérateur fait 2 à 40 caractères."));
    }
    check_pin(pin)?;
    let first = !any(store)?;
    if first && role != Role::Manager {
        return Err(refused(
            "invalid",
            "Le premier profil doit être celui d'un·e responsable (il ou elle ajoutera les autres).",
        ));
    }
    if !first {
        require_manager(store.conn(), by)?;
    }
    if sql::by_key(store.conn(), &key(&name))?.is_some() {
        return Err(refused("invalid", format!("Un profil « {name} » existe déjà.")));
    }
    let salt = SaltString::generate(&mut OsRng);
    let hash = Argon2::default()
        .hash_password(pin.trim().as_bytes(), &salt)
        .map_err(|e| refused("internal", format!("Hachage du PIN impossible : {e}")))?
        .to_string();
    let now = store::now_text();
    store.with_tx(|tx| sql::insert(tx, &name, &key(&name), role, &hash, &now, by))?;
    Ok(Operator {
        name,
        role,
        active: true,
    })
}

/// Disables a profile (never the last active manager).
pub fn disable(store: &mut Store, name: &str, by: &str) -> Result<()> {
    require_manager(store.conn(), by)?;
    let Some((op, _)) = sql::by_key(store.conn(), &key(name))? else {
        return Err(refused("not_found", format!("Aucun profil « {name} ».")));
    };
    if op.role == Role::Manager && op.active && sql::count_active_managers(store.conn())? <= 1 {
        return Err(refused(
            "invalid",
            "C'est le dernier profil de responsable actif : ajoutez-en un autre avant de le désactiver.",
        ));
    }
    let now = store::now_text();
    store.with_tx(|tx| sql::disable(tx, &key(name), &now, by).map(|_| ()))
}

/// The profile whose PIN this is (for the quick switch).
pub fn verify(store: &Store, name: &str, pin: &str) -> Result<Operator> {
    let wrong = || refused("wrong_pin", format!("Profil « {name} » ou code PIN incorrect."));
    let Some((op, hash)) = sql::by_key(store.conn(), &key(name))? else {
        return Err(wrong());
    };
    if !op.active {
        return Err(refused("disabled", format!("Le profil « {} » est désactivé.", op.name)));
    }
    let parsed = PasswordHash::new(&hash).map_err(|_| wrong())?;
    Argon2::default()
        .verify_password(pin.trim().as_bytes(), &parsed)
        .map_err(|_| wrong())?;
    Ok(op)
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
