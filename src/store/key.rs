//! The database key: 128 random bits made on this machine, the 12-word French recovery phrase
//! that encodes them, and the raw 256-bit SQLCipher key derived from them (applied here, with
//! the SQL that gives it to SQLCipher). Wiped from memory when dropped; never printed.

use crate::error::Code;
use std::fmt;
use std::path::Path;

use rusqlite::Connection;
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

pub(crate) const ENTROPY_BYTES: usize = 16;
pub const PHRASE_WORDS: usize = 12;
const KEY_DOMAIN: &[u8] = b"comptoir/sqlcipher-key/v1";
const SIGNING_DOMAIN: &[u8] = b"comptoir/archive-signing/v1";

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
            code: Code::Random,
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

    pub(crate) fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(self.0.iter().map(|b| format!("{b:02x}")).collect())
    }

    pub(crate) fn from_hex(text: &str) -> Option<DbKey> {
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

    /// The key that signs this register's period archives (Ed25519): another derivation of the
    /// same secret as the database key, so the recovery phrase restores it on a new PC.
    pub fn archive_signing_key(&self) -> ed25519_dalek::SigningKey {
        let mut hasher = Sha256::new();
        hasher.update(SIGNING_DOMAIN);
        hasher.update(self.0.as_ref());
        let seed = Zeroizing::new(<[u8; 32]>::from(hasher.finalize()));
        ed25519_dalek::SigningKey::from_bytes(&seed)
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

pub(crate) fn plain_word(word: &str) -> String {
    word.nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

pub(crate) fn bad_phrase(detail: String) -> Error {
    Error::Refused {
        code: Code::BadPhrase,
        message: format!("Phrase de secours refusée : {detail}. Rien n'a été modifié."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recovery_phrase_restores_the_archive_key_which_is_not_the_database_key() {
        let key = DbKey::generate().unwrap();
        let restored = DbKey::from_phrase(&key.phrase().join(" ")).unwrap();
        let public = key.archive_signing_key().verifying_key();
        assert_eq!(restored.archive_signing_key().verifying_key(), public);
        let other = DbKey::generate().unwrap();
        assert_ne!(other.archive_signing_key().verifying_key(), public);
        // Another derivation of the same secret: the signing seed is not the SQLCipher key.
        let seed: String = key
            .archive_signing_key()
            .to_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(!key.literal().contains(&seed));
    }
}
