//! Data at rest: the database is encrypted with SQLCipher under a random key made on this
//! machine at first run. The key lives in the OS keyring (Secret Service, Keychain, Credential
//! Manager), never in a file; a **recovery phrase** of 12 French words encodes it, so that the
//! database (or a backup) opens on another machine when the keyring is lost.
//!
//! The key is 128 random bits (the phrase's entropy, BIP-39 with its checksum, French word
//! list); SQLCipher gets the 256-bit raw key derived from it with SHA-256, so opening costs no
//! key stretching. A plain database from an earlier version is migrated in place: a copy first,
//! the encrypted file verified against the plain one, the plain file removed only then.

use crate::error::Code;
use crate::operators::Actor;
use std::path::Path;

use crate::error::{Error, Result};
use crate::store::Store;

use crate::store::files::remove_leftovers;
pub(crate) use crate::store::files::sibling;
pub use crate::store::files::{encrypt_in_place, file_state, key_opens, FileState};
use crate::store::key::bad_phrase;
pub use crate::store::key::{DbKey, PHRASE_WORDS};

/// Where the keys are kept, one per database file.
pub trait KeyStore {
    fn load(&self, db: &Path) -> Result<Option<DbKey>>;
    fn save(&self, db: &Path, key: &DbKey) -> Result<()>;
    fn forget(&self, db: &Path) -> Result<()>;
}

/// The OS keyring (the `keyring` crate): an entry per database, named by its absolute path.
pub struct OsKeyring;

const SERVICE: &str = "Comptoir (clé de la base)";

impl OsKeyring {
    fn entry(db: &Path) -> Result<keyring::Entry> {
        keyring::Entry::new(SERVICE, &account(db)).map_err(keyring_error)
    }
}

/// The keyring account of a database: its absolute path (a key per database file).
pub fn account(db: &Path) -> String {
    std::path::absolute(db)
        .unwrap_or_else(|_| db.to_path_buf())
        .display()
        .to_string()
}

impl KeyStore for OsKeyring {
    fn load(&self, db: &Path) -> Result<Option<DbKey>> {
        match Self::entry(db)?.get_password() {
            Ok(text) => DbKey::from_hex(&text).map(Some).ok_or_else(|| Error::Refused {
                code: Code::Keyring,
                message: "Le trousseau du système contient pour cette base une clé illisible : \
                          saisissez la phrase de secours (comptoir key recover)."
                    .into(),
            }),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(e)),
        }
    }

    fn save(&self, db: &Path, key: &DbKey) -> Result<()> {
        let entry = Self::entry(db)?;
        entry.set_password(key.to_hex().as_str()).map_err(keyring_error)?;
        // Read back: a keyring that accepts and forgets would lose the database.
        match entry.get_password() {
            Ok(text) if DbKey::from_hex(&text).as_ref() == Some(key) => Ok(()),
            Ok(_) | Err(_) => Err(Error::Refused {
                code: Code::Keyring,
                message: "Le trousseau du système n'a pas gardé la clé de la base : rien n'a été chiffré.".into(),
            }),
        }
    }

    fn forget(&self, db: &Path) -> Result<()> {
        match Self::entry(db)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error(e)),
        }
    }
}

fn keyring_error(e: keyring::Error) -> Error {
    let detail = match &e {
        keyring::Error::NoStorageAccess(inner) | keyring::Error::PlatformFailure(inner) => inner.to_string(),
        other => other.to_string(),
    };
    Error::Refused {
        code: Code::Keyring,
        message: format!(
            "Le trousseau du système est indisponible ({detail}). La clé de la base n'est jamais \
             enregistrée en clair : ouvrez une session de bureau (trousseau GNOME ou KWallet sous \
             Linux) puis recommencez."
        ),
    }
}

/// The store of this machine: opened with its key from `keys`; created encrypted with a new key
/// when missing; migrated to encryption when plain.
pub fn open(path: &Path, keys: &dyn KeyStore) -> Result<Store> {
    remove_leftovers(path)?;
    let state = file_state(path)?;
    tracing::debug!(etat = ?state, "ouverture de la base");
    match state {
        FileState::Missing => {
            let key = match keys.load(path)? {
                Some(key) => key,
                None => {
                    let key = DbKey::generate()?;
                    keys.save(path, &key)?;
                    key
                }
            };
            // An empty file from an interrupted first start goes; nothing was in it.
            if path.exists() {
                let _ = std::fs::remove_file(path);
            }
            Store::open_with_key(path, Some(&key))
        }
        FileState::Plain => {
            // Only Comptoir's own plain database (an earlier version's) is encrypted in place;
            // another program's SQLite file, or the hub's, is left exactly as it is.
            match crate::store::plain_schema(path)? {
                crate::store::PlainSchema::Comptoir(_) => {}
                crate::store::PlainSchema::Newer(found) => {
                    return Err(Error::DatabaseTooNew {
                        path: path.to_path_buf(),
                        found,
                        supported: crate::store::schema_version(),
                    })
                }
                crate::store::PlainSchema::Foreign => {
                    return Err(Error::NotADatabase {
                        path: path.to_path_buf(),
                        detail: "c'est une base SQLite d'une autre application (ses tables ne sont pas celles de Comptoir). Elle n'a pas été modifiée ; vérifiez le chemin donné à --db.".into(),
                    })
                }
            }
            let key = match keys.load(path)? {
                Some(key) => key,
                None => {
                    let key = DbKey::generate()?;
                    keys.save(path, &key)?;
                    key
                }
            };
            encrypt_in_place(path, &key)?;
            Store::open_with_key(path, Some(&key))
        }
        FileState::Foreign => Err(Error::NotADatabase {
            path: path.to_path_buf(),
            detail: "ni une base SQLite, ni une base chiffrée".into(),
        }),
        FileState::Encrypted => {
            let key = keys.load(path)?.ok_or_else(|| Error::Refused {
                code: Code::NoKey,
                message: format!(
                    "La base {} est chiffrée et sa clé n'est pas dans le trousseau de ce poste \
                     (nouveau poste, ou trousseau réinitialisé). Saisissez la phrase de secours \
                     notée à l'installation (au démarrage de Comptoir, ou comptoir key recover).",
                    path.display()
                ),
            })?;
            Store::open_with_key(path, Some(&key))
        }
    }
}

/// The key of the database at `path`, from the keyring.
pub fn key_of(path: &Path, keys: &dyn KeyStore) -> Result<DbKey> {
    keys.load(path)?.ok_or_else(|| Error::Refused {
        code: Code::NoKey,
        message: format!(
            "La clé de la base {} n'est pas dans le trousseau de ce poste : comptoir key recover.",
            path.display()
        ),
    })
}

/// `comptoir key recover`: checks that the phrase opens the database at `path`, then puts its
/// key in this machine's keyring. A wrong phrase changes nothing.
pub fn recover(path: &Path, phrase: &str, keys: &dyn KeyStore) -> Result<()> {
    let key = DbKey::from_phrase(phrase)?;
    match file_state(path)? {
        FileState::Missing => Err(Error::Refused {
            code: Code::NoDatabase,
            message: format!(
                "Il n'y a pas de base à {} : copiez-y le fichier de l'ancien poste, ou restaurez une \
                 sauvegarde (comptoir backup restore FICHIER --phrase).",
                path.display()
            ),
        }),
        FileState::Plain => Err(Error::Refused {
            code: Code::Invalid,
            message: "Cette base n'est pas chiffrée : elle n'a pas besoin de phrase de secours.".into(),
        }),
        FileState::Foreign => Err(Error::NotADatabase {
            path: path.to_path_buf(),
            detail: "ni une base SQLite, ni une base chiffrée".into(),
        }),
        FileState::Encrypted => {
            if !key_opens(path, &key) {
                return Err(bad_phrase(format!(
                    "elle n'ouvre pas la base {} (phrase d'un autre poste ou d'un autre centre ?)",
                    path.display()
                )));
            }
            keys.save(path, &key)
        }
    }
}

/// Whether the recovery phrase still waits to be noted by someone.
pub fn phrase_pending(store: &Store) -> Result<bool> {
    crate::store::vault::phrase_acknowledged(store).map(|at| at.is_none())
}

/// The recovery phrase of the open database, for a manager (or the single user of a desk
/// without profiles).
pub fn recovery_phrase(store: &Store, keys: &dyn KeyStore, actor: &Actor) -> Result<Vec<String>> {
    crate::operators::require_manager(store.db(), actor)?;
    Ok(key_of(store.path(), keys)?.phrase())
}

/// Someone noted the phrase: it is no longer shown at start.
pub fn acknowledge_phrase(store: &mut Store, actor: &Actor) -> Result<()> {
    let by = actor.name();
    crate::operators::require_manager(store.db(), actor)?;
    crate::store::vault::acknowledge(store, by)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::key::plain_word;

    #[test]
    fn the_phrase_gives_back_the_key_with_or_without_accents() {
        let key = DbKey::generate().unwrap();
        let words = key.phrase();
        assert_eq!(words.len(), PHRASE_WORDS);
        assert_eq!(DbKey::from_phrase(&words.join(" ")).unwrap(), key);
        let typed: Vec<String> = words
            .iter()
            .enumerate()
            .map(|(i, w)| format!("{}. {}", i + 1, plain_word(w).to_uppercase()))
            .collect();
        assert_eq!(DbKey::from_phrase(&typed.join("\n")).unwrap(), key);
    }

    #[test]
    fn the_french_list_stays_unique_without_accents() {
        let list = bip39::Language::French.word_list();
        let mut plain: Vec<String> = list.iter().map(|w| plain_word(w)).collect();
        plain.sort();
        plain.dedup();
        assert_eq!(plain.len(), 2048);
    }

    #[test]
    fn a_wrong_phrase_is_refused_with_the_reason() {
        let key = DbKey::generate().unwrap();
        let mut words = key.phrase();
        let err = DbKey::from_phrase(&words[..11].join(" ")).unwrap_err();
        assert!(err.to_string().contains("11 ont été saisis"), "{err}");
        words[3] = "ordinateur".into();
        let err = DbKey::from_phrase(&words.join(" ")).unwrap_err();
        assert!(err.to_string().contains("mot n° 4"), "{err}");
        // Two words swapped: each exists, the checksum tells.
        let mut words = key.phrase();
        words.swap(0, 1);
        if words[0] != words[1] {
            let err = DbKey::from_phrase(&words.join(" "));
            // One swap in 16 keeps the 4-bit checksum right; then it is another key.
            assert!(err.is_err() || err.unwrap() != key);
        }
    }

    #[test]
    fn keys_round_trip_through_hex_and_never_print() {
        let key = DbKey::generate().unwrap();
        assert_eq!(DbKey::from_hex(&key.to_hex()).unwrap(), key);
        assert_eq!(format!("{key:?}"), "DbKey(…)");
        assert_ne!(DbKey::generate().unwrap(), key);
    }
}
