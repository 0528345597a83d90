//! Réglages › Réseau and `comptoir hub` / `sync`: the hub's address, its token in the OS
//! keyring, the sync client (a person waiting gives up sooner than the background worker),
//! one sync round through the writer.

use super::refused;
use crate::error::Code;
use crate::error::Result;
use crate::operators::{self, Actor};
use crate::store::{Store, Writer};
use crate::sync;

pub use crate::sync::protocol::Health;
use crate::sync::set_config;
/// The window names it so (its TypeScript type).
pub use crate::sync::Status as SyncStatus;
pub use crate::sync::{backoff, config, status, Client, HubConfig, RoundReport, Status};

/// Who waits for the hub: a person (gives up within 20 s on a silent hub) or the background
/// worker (more patient, retries more).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    Person,
    Background,
}

/// The sync client for this centre's hub, its token from the OS keyring.
pub fn sync_client(store: &Store, waiting: Waiting) -> Result<sync::Client> {
    let config = sync::config(store)?.ok_or_else(|| {
        refused(
            Code::NotConfigured,
            "Aucun hub n'est configuré : réglez son adresse et le centre (Réglages › Réseau, ou comptoir hub set-url https://… --centre ID), puis le jeton.",
        )
    })?;
    let token = sync::token::load(&config)?;
    match waiting {
        Waiting::Person => sync::Client::foreground(config, token),
        Waiting::Background => sync::Client::new(config, token),
    }
}

/// One sync round: the writer is held between the hub's answers, never during a request.
pub fn sync_round(w: &impl Writer, waiting: Waiting) -> Result<sync::RoundReport> {
    let client = w.write(|s| sync_client(s, waiting))?;
    sync::round(w, &client)
}

pub use crate::journal::HubCheck;

/// « Vérifier avec le réseau » (`comptoir journal verify --against-hub`): this post's journal
/// checked against the heads the hub kept for its register. The store is held only to read.
pub fn verify_with_hub(w: &impl Writer, waiting: Waiting) -> Result<crate::journal::HubCheck> {
    let (client, register) = w.write(|s| Ok((sync_client(s, waiting)?, crate::pos::register_identity(s)?.1)))?;
    let heads = client.journal_heads(&register)?;
    w.write(|s| crate::journal::anchor::check(s.db(), &register, &heads.heads))
}

/// `comptoir archive verify FILE --hub`: the archive checked against the public keys the hub
/// received from its register (never against the key inside the file).
pub fn verify_archive_with_hub(
    w: &impl Writer,
    path: &std::path::Path,
    waiting: Waiting,
) -> Result<crate::archive::ArchiveCheck> {
    let register = crate::archive::register_of(path)?;
    let client = w.write(|s| sync_client(s, waiting))?;
    let keys = client.journal_heads(&register)?.public_keys;
    let mut last = refused(
        Code::NotFound,
        format!(
            "Le hub n'a reçu aucune clé d'archive de la caisse {register} : synchronisez-la, ou donnez --public-key."
        ),
    );
    for key in keys {
        match crate::archive::verify(path, &key) {
            Ok(check) => return Ok(check),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Saves the hub's token in the OS keyring (a manager).
pub fn set_hub_token(store: &Store, token: &str, actor: &Actor) -> Result<()> {
    operators::require_manager(store.db(), actor)?;
    let config = sync::config(store)?.ok_or_else(|| {
        refused(
            Code::NotConfigured,
            "Réglez d'abord l'adresse du hub et le centre (Réglages › Réseau, ou comptoir hub set-url https://… --centre ID).",
        )
    })?;
    sync::token::store(&config, token)
}

/// Forgets this post's hub token (a manager).
pub fn forget_hub_token(store: &Store, actor: &Actor) -> Result<()> {
    operators::require_manager(store.db(), actor)?;
    if let Some(config) = sync::config(store)? {
        sync::token::forget(&config)?;
    }
    Ok(())
}

/// Saves the hub's address and the centre (a manager), and the token when one is typed (to
/// the keyring); then the sync status.
pub fn save_hub(store: &mut Store, url: &str, centre: &str, token: Option<&str>, actor: &Actor) -> Result<Status> {
    let config = HubConfig::parse(url, centre)?;
    set_config(store, &config, actor)?;
    if let Some(token) = token.map(str::trim).filter(|t| !t.is_empty()) {
        set_hub_token(store, token, actor)?;
    }
    status(store)
}
