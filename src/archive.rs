//! Signed period archives (issue 21, part 4). At each monthly and yearly closing, the period's
//! journal entries (each with its full content: a sale's lines, payments and totals, a credit
//! note, a permanence's Z…) and the closing are written to a JSON file in the backup folder's
//! `archives/`, signed with this register's Ed25519 key (derived from the database's secret:
//! the recovery phrase restores it). `verify` checks a file on any machine, with no database,
//! against a public key given from outside the file (printed on each yearly closing, or the
//! one the hub received): a key inside the file alone is never trusted.
//!
//! Format (`comptoir-archive/1`): `{"archive": {format, centre, register, period, start, end,
//! made_at, public_key, closing, entries: [{seq, uuid, hash_version, kind, at, operator,
//! content, prev_hash, hash}]}, "signature": hex}`; the signature is over the archive's
//! canonical JSON (keys sorted, no spaces). Archives are never removed by Comptoir (till data
//! is kept six years at least).

use std::path::{Path, PathBuf};

use ed25519_dalek::{Signature, Signer, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::error::{Code, Error, Result};
use crate::journal;
use crate::pos::{Closing, Period};
use crate::store::journal::{self as sql, JournalRow};
use crate::store::Store;

pub const FORMAT: &str = "comptoir-archive/1";

/// An entry as archived: the journal's row, every column (its content as hashed).
pub type ArchivedEntry = JournalRow;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Archive {
    pub format: String,
    pub centre: String,
    pub register: String,
    pub period: String,
    pub start: String,
    pub end: String,
    pub made_at: String,
    pub public_key: String,
    pub closing: serde_json::Value,
    pub entries: Vec<ArchivedEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignedArchive {
    pub archive: Archive,
    pub signature: String,
}

fn refused(code: Code, message: impl Into<String>) -> Error {
    Error::Refused {
        code,
        message: message.into(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let text = text.trim();
    if text.len() != N * 2 {
        return None;
    }
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// This register's public key for its archives (hex), when its database has a key.
pub fn public_key(store: &Store) -> Option<String> {
    store
        .key()
        .map(|k| hex(k.archive_signing_key().verifying_key().as_bytes()))
}

/// Where this register's archives go: `archives/` in the backup folder.
pub fn folder(store: &Store) -> Result<PathBuf> {
    Ok(crate::backup::folder(store)?.0.join("archives"))
}

/// After a monthly or yearly closing: its signed archive, written 0600 in `archives/`. None for
/// a day's closing, or a database without a key (a test's plain file): nothing to sign with.
pub fn after_closing(store: &Store, closing: &Closing) -> Result<Option<PathBuf>> {
    if closing.period == Period::Day {
        return Ok(None);
    }
    let Some(key) = store.key() else {
        tracing::warn!("archive non signée : base sans clé");
        return Ok(None);
    };
    let signing = key.archive_signing_key();
    let (centre, register) = crate::pos::register_identity(store)?;
    let closing_seq = crate::store::witness::closing_head(store.db(), &closing.key)?
        .map(|(seq, _)| seq)
        .ok_or_else(|| {
            refused(
                Code::NotFound,
                format!("La clôture « {} » n'est pas au journal.", closing.key),
            )
        })?;
    let from = crate::local::start_of_day(closing.start);
    let to = crate::local::start_of_day(closing.end + chrono::Duration::days(1));
    let entries = sql::between(store.db(), &from, &to, closing_seq)?;
    let archive = Archive {
        format: FORMAT.into(),
        centre: centre.clone(),
        register: register.clone(),
        period: closing.key.clone(),
        start: closing.start.to_string(),
        end: closing.end.to_string(),
        made_at: crate::store::now_text(),
        public_key: hex(signing.verifying_key().as_bytes()),
        closing: serde_json::to_value(closing).expect("a closing serialises"),
        entries,
    };
    let signature = signing.sign(journal::canonical(&archive).as_bytes());
    let signed = SignedArchive {
        archive,
        signature: hex(&signature.to_bytes()),
    };
    let dir = folder(store)?;
    crate::documents::private_folder(&dir, true)?;
    let path = dir.join(format!(
        "archive-{centre}-{register}-{}.json",
        closing.key.replace(':', "-")
    ));
    crate::documents::write_file(
        &path,
        serde_json::to_string_pretty(&signed)
            .expect("an archive serialises")
            .as_bytes(),
    )?;
    tracing::info!(entrees = signed.archive.entries.len(), "archive de période signée");
    Ok(Some(path))
}

/// What checking an archive found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArchiveCheck {
    pub period: String,
    pub register: String,
    pub entries: usize,
    pub message: String,
}

/// Checks an archive file against `public_key` (hex, from outside the file): its signature,
/// then each entry's hash and the chain between consecutive entries. Refused, naming the
/// period, when anything does not hold.
pub fn verify(path: &Path, public_key: &str) -> Result<ArchiveCheck> {
    let signed = read(path)?;
    let a = &signed.archive;
    let broken = |why: String| {
        refused(
            Code::JournalBroken,
            format!("Archive {} (caisse {}) refusée : {why}.", a.period, a.register),
        )
    };
    if a.format != FORMAT {
        return Err(broken(format!("format « {} » inconnu", a.format)));
    }
    let key = unhex::<32>(public_key)
        .and_then(|k| VerifyingKey::from_bytes(&k).ok())
        .ok_or_else(|| {
            refused(
                Code::Invalid,
                "La clé publique donnée n'est pas une clé Ed25519 (64 caractères hexadécimaux).",
            )
        })?;
    if a.public_key.trim() != public_key.trim().to_ascii_lowercase() {
        return Err(broken("elle est signée par une autre clé que celle donnée".into()));
    }
    let signature = unhex::<64>(&signed.signature)
        .map(|s| Signature::from_bytes(&s))
        .ok_or_else(|| broken("sa signature est illisible".into()))?;
    key.verify(journal::canonical(a).as_bytes(), &signature)
        .map_err(|_| broken("sa signature ne correspond pas à son contenu : elle a été modifiée".into()))?;
    let mut previous: Option<&ArchivedEntry> = None;
    for e in &a.entries {
        if journal::entry_hash(&e.prev_hash, e).as_deref() != Some(e.hash.as_str()) {
            return Err(broken(format!(
                "l'entrée n° {} ne correspond pas à son empreinte",
                e.seq
            )));
        }
        if let Some(p) = previous.filter(|p| p.seq + 1 == e.seq) {
            if p.hash != e.prev_hash {
                return Err(broken(format!("l'entrée n° {} ne suit pas la précédente", e.seq)));
            }
        }
        previous = Some(e);
    }
    Ok(ArchiveCheck {
        period: a.period.clone(),
        register: a.register.clone(),
        entries: a.entries.len(),
        message: format!(
            "Archive {} de la caisse {} authentique : {} entrée(s), signature et empreintes vérifiées.",
            a.period,
            a.register,
            a.entries.len()
        ),
    })
}

/// The register an archive file says it is from (to ask the hub for that register's keys; the
/// file's own key is never used).
pub fn register_of(path: &Path) -> Result<String> {
    Ok(read(path)?.archive.register)
}

/// An archive file, parsed (nothing checked yet).
fn read(path: &Path) -> Result<SignedArchive> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_slice(&bytes).map_err(|_| {
        refused(
            Code::Invalid,
            format!("{} n'est pas une archive de Comptoir lisible.", path.display()),
        )
    })
}
