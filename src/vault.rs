//! Data at rest: the database is encrypted with SQLCipher under a random key made on this
//! machine at first run. The key lives in the OS keyring (Secret Service, Keychain, Credential
//! Manager), never in a file; a **recovery phrase** of 12 French words encodes it, so that the
//! database (or a backup) opens on another machine when the keyring is lost.
//!
//! The key is 128 random bits (the phrase's entropy, BIP-39 with its checksum, French word
//! list); SQLCipher gets the 256-bit raw key derived from it with SHA-256, so opening costs no
//! key stretching. A plain database from an earlier version is migrated in place: a copy first,
//! the encrypted file verified against the plain one, the plain file removed only then.

use crate::operators::Actor;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::store::Store;

const ENTROPY_BYTES: usize = 16;
pub const PHRASE_WORDS: usize = 12;
const KEY_DOMAIN: &[u8] = b"comptoir/sqlcipher-key/v1";
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// The key of one database: the random entropy behind the recovery phrase.
#[derive(Clone, PartialEq, Eq)]
pub struct DbKey(Zeroizing<[u8; ENTROPY_BYTES]>);

impl fmt::Debug for DbKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DbKey(…)")
    }
}

impl DbKey {
    /// A new random key, from the OS's random source.
    pub fn generate() -> Result<DbKey> {
        let mut bytes = Zeroizing::new([0u8; ENTROPY_BYTES]);
        getrandom::fill(bytes.as_mut()).map_err(|e| Error::Refused {
            code: "random",
            message: format!("Le système ne fournit pas de hasard pour créer la clé ({e})."),
        })?;
        Ok(DbKey(bytes))
    }

    /// The key from its recovery phrase: 12 words of the French BIP-39 list, in order, accents
    /// and capitals optional, separated by spaces, commas or line breaks (numbers are ignored).
    pub fn from_phrase(phrase: &str) -> Result<DbKey> {
        let list = bip39::Language::French.word_list();
        let words: Vec<&str> = phrase
            .split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == '.' || c == '-')
            .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()))
            .collect();
        if words.len() != PHRASE_WORDS {
            return Err(bad_phrase(format!(
                "la phrase de secours compte {PHRASE_WORDS} mots, {} ont été saisis",
                words.len()
            )));
        }
        let mut canonical = Vec::with_capacity(PHRASE_WORDS);
        for (i, word) in words.iter().enumerate() {
            let wanted = plain_word(word);
            let found = list
                .iter()
                .find(|w| plain_word(w) == wanted)
                .ok_or_else(|| bad_phrase(format!("le mot n° {} « {word} » n'est pas un mot de la liste", i + 1)))?;
            canonical.push(*found);
        }
        let mnemonic = bip39::Mnemonic::parse_in(bip39::Language::French, canonical.join(" "))
            .map_err(|_| bad_phrase("les mots existent mais pas dans cet ordre : vérifiez chaque mot".into()))?;
        let entropy = mnemonic.to_entropy();
        let mut bytes = Zeroizing::new([0u8; ENTROPY_BYTES]);
        bytes.copy_from_slice(&entropy);
        Ok(DbKey(bytes))
    }

    /// The 12 words of the recovery phrase, in order.
    pub fn phrase(&self) -> Vec<String> {
        bip39::Mnemonic::from_entropy_in(bip39::Language::French, self.0.as_ref())
            .expect("16 bytes make a 12-word phrase")
            .words()
            .map(|w| w.nfc().collect())
            .collect()
    }

    fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(self.0.iter().map(|b| format!("{b:02x}")).collect())
    }

    fn from_hex(text: &str) -> Option<DbKey> {
        let text = text.trim();
        if text.len() != ENTROPY_BYTES * 2 {
            return None;
        }
        let mut bytes = Zeroizing::new([0u8; ENTROPY_BYTES]);
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(DbKey(bytes))
    }

    /// The SQLCipher raw key (hex of the derived 256-bit key), as `x'…'`.
    pub(crate) fn literal(&self) -> Zeroizing<String> {
        let mut hasher = Sha256::new();
        hasher.update(KEY_DOMAIN);
        hasher.update(self.0.as_ref());
        let raw = hasher.finalize();
        Zeroizing::new(format!(
            "\"x'{}'\"",
            raw.iter().map(|b| format!("{b:02x}")).collect::<String>()
        ))
    }

    /// Gives `conn` this key: the first statement on a connection to an encrypted database.
    pub fn apply(&self, conn: &Connection) -> rusqlite::Result<()> {
        conn.execute_batch(&format!("PRAGMA key = {};", self.literal().as_str()))
    }

    /// Attaches `path` as schema `alias`, encrypted with this key.
    pub(crate) fn attach(&self, conn: &Connection, path: &Path, alias: &str) -> rusqlite::Result<()> {
        conn.execute(
            &format!("ATTACH DATABASE ?1 AS {alias} KEY {}", self.literal().as_str()),
            [path.to_string_lossy()],
        )?;
        Ok(())
    }
}

fn plain_word(word: &str) -> String {
    word.nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

fn bad_phrase(detail: String) -> Error {
    Error::Refused {
        code: "bad_phrase",
        message: format!("Phrase de secours refusée : {detail}. Rien n'a été modifié."),
    }
}

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
                code: "keyring",
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
                code: "keyring",
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
        code: "keyring",
        message: format!(
            "Le trousseau du système est indisponible ({detail}). La clé de la base n'est jamais \
             enregistrée en clair : ouvrez une session de bureau (trousseau GNOME ou KWallet sous \
             Linux) puis recommencez."
        ),
    }
}

/// What a file on disk is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    Missing,
    Plain,
    /// Not a plain SQLite header, and whole pages: encrypted (or random bytes).
    Encrypted,
    /// Neither: not a database at all (a text file, a truncated copy).
    Foreign,
}

pub fn file_state(path: &Path) -> Result<FileState> {
    let mut header = [0u8; 16];
    // A folder, a device or a pipe is never opened (reading a pipe would wait forever).
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => {
            return Err(Error::NotADatabase {
                path: path.to_path_buf(),
                detail: if meta.is_dir() {
                    "c'est un dossier. Donnez le chemin d'un fichier de base (par exemple comptoir.sqlite dans ce dossier).".into()
                } else {
                    "ce n'est pas un fichier ordinaire (périphérique ou tube) ; Comptoir n'y touche pas.".into()
                },
            })
        }
        _ => {}
    }
    match std::fs::File::open(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(FileState::Missing),
        Err(source) => Err(Error::Io {
            path: path.to_path_buf(),
            source,
        }),
        Ok(mut file) => {
            let mut read = 0;
            while read < header.len() {
                match file.read(&mut header[read..]) {
                    Ok(0) => break,
                    Ok(n) => read += n,
                    Err(source) => {
                        return Err(Error::Io {
                            path: path.to_path_buf(),
                            source,
                        })
                    }
                }
            }
            let len = file.metadata().map(|m| m.len()).unwrap_or(0);
            Ok(match read {
                0 => FileState::Missing,
                _ if &header == SQLITE_HEADER => FileState::Plain,
                // SQLCipher writes whole pages (512 to 65,536 bytes).
                _ if len >= 512 && len % 512 == 0 => FileState::Encrypted,
                _ => FileState::Foreign,
            })
        }
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
                code: "no_key",
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
        code: "no_key",
        message: format!(
            "La clé de la base {} n'est pas dans le trousseau de ce poste : comptoir key recover.",
            path.display()
        ),
    })
}

/// Names of the temporary files beside the database.
pub(crate) fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

const PLAIN_COPY: &str = ".avant-chiffrement";
const ENCRYPTING: &str = ".chiffrement-en-cours";

/// After an interrupted migration: the half-written encrypted file goes; the plain copy goes
/// only if the database itself is the verified encrypted one.
fn remove_leftovers(path: &Path) -> Result<()> {
    let partial = sibling(path, ENCRYPTING);
    if partial.exists() {
        std::fs::remove_file(&partial).map_err(|source| Error::Io { path: partial, source })?;
    }
    let copy = sibling(path, PLAIN_COPY);
    if copy.exists() {
        match file_state(path)? {
            FileState::Encrypted => {
                std::fs::remove_file(&copy).map_err(|source| Error::Io { path: copy, source })?;
            }
            // The rename never happened: the database is still the plain one (or was lost and
            // the copy is all there is).
            FileState::Missing => {
                std::fs::rename(&copy, path).map_err(|source| Error::Io { path: copy, source })?;
            }
            FileState::Plain => {
                std::fs::remove_file(&copy).map_err(|source| Error::Io { path: copy, source })?;
            }
            // Something else took the database's place: touch nothing.
            FileState::Foreign => {}
        }
    }
    Ok(())
}

/// Counts that must be equal between a database and its copy.
fn fingerprint(conn: &Connection, schema: &str) -> Result<Vec<(String, i64)>> {
    let tables: Vec<String> = conn
        .prepare(&format!(
            "SELECT name FROM {schema}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ))?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for table in tables {
        let n: i64 = conn.query_row(&format!("SELECT count(*) FROM {schema}.\"{table}\""), [], |r| r.get(0))?;
        out.push((table, n));
    }
    let head: String = conn
        .query_row(
            &format!("SELECT coalesce((SELECT hash FROM {schema}.journal ORDER BY seq DESC LIMIT 1), '')"),
            [],
            |r| r.get(0),
        )
        .unwrap_or_default();
    out.push((format!("journal head {head}"), 0));
    Ok(out)
}

/// Encrypts the plain database at `path` with `key`, in place: plain copy, export, verify,
/// swap, and only then the plain copy is removed.
pub fn encrypt_in_place(path: &Path, key: &DbKey) -> Result<()> {
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |source| Error::Io { path: p, source }
    };
    // 1. The plain database, brought to one file (its WAL copied back).
    let plain = Connection::open(path).map_err(|e| not_a_database(path, e))?;
    plain
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .map_err(|e| not_a_database(path, e))?;
    // 2. A copy first.
    let copy = sibling(path, PLAIN_COPY);
    std::fs::copy(path, &copy).map_err(io(&copy))?;
    std::fs::File::open(&copy)
        .and_then(|f| f.sync_all())
        .map_err(io(&copy))?;
    // 3. Export into a new encrypted file.
    let target = sibling(path, ENCRYPTING);
    let _ = std::fs::remove_file(&target);
    crate::store::create_private(&target)?;
    key.attach(&plain, &target, "chiffree")?;
    let version: i64 = plain.pragma_query_value(None, "user_version", |r| r.get(0))?;
    plain.query_row("SELECT sqlcipher_export('chiffree')", [], |_| Ok(()))?;
    plain.execute_batch(&format!("PRAGMA chiffree.user_version = {version};"))?;
    let expected = fingerprint(&plain, "main")?;
    plain.execute_batch("DETACH DATABASE chiffree")?;
    drop(plain);
    // 4. Verify the encrypted file on its own: it opens with the key, is whole, holds the same.
    {
        let enc = Connection::open(&target)?;
        key.apply(&enc)?;
        let check: String = enc.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        let found = fingerprint(&enc, "main")?;
        if check != "ok" || found != expected {
            drop(enc);
            let _ = std::fs::remove_file(&target);
            let _ = std::fs::remove_file(&copy);
            return Err(Error::Refused {
                code: "encryption_failed",
                message: format!(
                    "Le chiffrement de la base {} n'a pas donné une copie identique : la base en \
                     clair est restée telle quelle.",
                    path.display()
                ),
            });
        }
        enc.execute_batch("PRAGMA journal_mode = WAL;")?;
    }
    std::fs::File::open(&target)
        .and_then(|f| f.sync_all())
        .map_err(io(&target))?;
    // 5. Swap, then the plain files go.
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(sibling(path, suffix));
    }
    std::fs::rename(&target, path).map_err(io(path))?;
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
    std::fs::remove_file(&copy).map_err(io(&copy))?;
    Ok(())
}

fn not_a_database(path: &Path, e: rusqlite::Error) -> Error {
    Error::NotADatabase {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
}

/// Whether `key` opens the encrypted database file at `path` (read-only, nothing written).
pub fn key_opens(path: &Path, key: &DbKey) -> bool {
    let Ok(conn) = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY) else {
        return false;
    };
    key.apply(&conn).is_ok()
        && conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))
            .is_ok()
}

/// `comptoir key recover`: checks that the phrase opens the database at `path`, then puts its
/// key in this machine's keyring. A wrong phrase changes nothing.
pub fn recover(path: &Path, phrase: &str, keys: &dyn KeyStore) -> Result<()> {
    let key = DbKey::from_phrase(phrase)?;
    match file_state(path)? {
        FileState::Missing => Err(Error::Refused {
            code: "no_database",
            message: format!(
                "Il n'y a pas de base à {} : copiez-y le fichier de l'ancien poste, ou restaurez une \
                 sauvegarde (comptoir backup restore FICHIER --phrase).",
                path.display()
            ),
        }),
        FileState::Plain => Err(Error::Refused {
            code: "invalid",
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
    crate::operators::require_manager(store.conn(), actor)?;
    Ok(key_of(store.path(), keys)?.phrase())
}

/// Someone noted the phrase: it is no longer shown at start.
pub fn acknowledge_phrase(store: &mut Store, actor: &Actor) -> Result<()> {
    let by = actor.name();
    crate::operators::require_manager(store.conn(), actor)?;
    crate::store::vault::acknowledge(store, by)
}

#[cfg(test)]
mod tests {
    use super::*;

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
