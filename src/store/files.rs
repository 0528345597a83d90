//! The database file itself: what a file on disk is (missing, plain SQLite, encrypted, foreign,
//! never opened when it is a folder, a device or a pipe), and the in-place encryption of a plain
//! database (copy, `sqlcipher_export`, verify, swap), with the leftovers of an interruption.

use crate::error::Code;
use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::error::{Error, Result};
use crate::store::key::DbKey;
use crate::store::not_a_database;

const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

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
pub(crate) fn remove_leftovers(path: &Path) -> Result<()> {
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
                code: Code::EncryptionFailed,
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
