//! The centre's hub token, in the OS keyring (Secret Service on Linux, Keychain on macOS,
//! Credential Manager on Windows). Never in the database, a file, a log or a message: when no
//! keyring is available, the error says so and nothing is written elsewhere.

use crate::error::Code;
use keyring::Entry;

use super::HubConfig;
use crate::error::{Error, Result};

const SERVICE: &str = "Comptoir (hub du réseau)";

fn keyring_error(e: keyring::Error) -> Error {
    let detail = match &e {
        keyring::Error::NoStorageAccess(inner) | keyring::Error::PlatformFailure(inner) => inner.to_string(),
        other => other.to_string(),
    };
    Error::Refused {
        code: Code::Keyring,
        message: format!(
            "Le trousseau du système est indisponible ({detail}). Le jeton du hub n'est jamais enregistré en clair : \
             ouvrez une session de bureau (trousseau GNOME ou KWallet sous Linux) puis recommencez."
        ),
    }
}

fn entry(config: &HubConfig) -> Result<Entry> {
    Entry::new(SERVICE, &config.keyring_user()).map_err(keyring_error)
}

/// Stores the token (trimmed; it must look like one).
pub fn store(config: &HubConfig, token: &str) -> Result<()> {
    let token = token.trim();
    if token.len() < 16 || token.chars().any(char::is_whitespace) {
        return Err(Error::Refused {
            code: Code::Invalid,
            message: "Ce n'est pas un jeton de hub (une seule ligne, au moins 16 caractères).".into(),
        });
    }
    entry(config)?.set_password(token).map_err(keyring_error)
}

/// The token, or a French message saying how to set it.
pub fn load(config: &HubConfig) -> Result<String> {
    match entry(config)?.get_password() {
        Ok(token) => Ok(token),
        Err(keyring::Error::NoEntry) => Err(Error::Refused {
            code: Code::NoToken,
            message: format!(
                "Aucun jeton n'est enregistré pour le centre {} sur ce poste : enregistrez celui que le réseau a donné (`comptoir hub set-token`, ou Réglages › Hub).",
                config.centre
            ),
        }),
        Err(e) => Err(keyring_error(e)),
    }
}

pub fn forget(config: &HubConfig) -> Result<()> {
    match entry(config)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(keyring_error(e)),
    }
}

/// Whether the keyring really keeps secrets (and is not an in-memory stand-in).
pub fn is_persistent() -> bool {
    !matches!(
        keyring::default::default_credential_builder().persistence(),
        keyring::credential::CredentialPersistence::EntryOnly | keyring::credential::CredentialPersistence::ProcessOnly
    )
}
