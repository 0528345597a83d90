//! `comptoir archive`: the signed period archives — check one on any machine (with the key
//! printed on a yearly closing, no database needed), or against the keys the hub received;
//! show this register's public key.

use std::path::PathBuf;

use clap::Subcommand;

use comptoir::desk::{network, pos, Code, Error, Store};

use super::output::output;

#[derive(Subcommand)]
pub(crate) enum ArchiveCommand {
    /// Vérifie une archive de période signée (signature, empreintes, chaîne), sans base de
    /// données avec --public-key ; --hub prend les clés que le hub du réseau a reçues.
    Verify {
        file: PathBuf,
        /// La clé publique de la caisse (64 caractères hexadécimaux, imprimée sur chaque
        /// clôture annuelle).
        #[arg(long, conflicts_with = "hub", required_unless_present = "hub")]
        public_key: Option<String>,
        #[arg(long)]
        hub: bool,
    },
    /// La clé publique de cette caisse pour ses archives signées.
    Key,
}

/// `archive verify FILE --public-key KEY`: no database is opened.
pub(crate) fn verify_offline(file: &std::path::Path, key: &str, json: bool) -> Result<(), Error> {
    let check = pos::verify_archive(file, key)?;
    output(json, &check, || check.message.clone());
    Ok(())
}

pub(crate) fn run(store: &mut Store, command: ArchiveCommand, json: bool) -> Result<(), Error> {
    match command {
        ArchiveCommand::Verify {
            file,
            public_key: Some(key),
            ..
        } => verify_offline(&file, &key, json),
        ArchiveCommand::Verify { file, .. } => {
            let check =
                network::verify_archive_with_hub(&std::cell::RefCell::new(store), &file, network::Waiting::Person)?;
            output(json, &check, || check.message.clone());
            Ok(())
        }
        ArchiveCommand::Key => {
            let key = pos::archive_public_key(store).ok_or_else(|| Error::Refused {
                code: Code::Invalid,
                message: "Cette base n'a pas de clé (base de test non chiffrée) : pas d'archive signée.".into(),
            })?;
            let value = serde_json::json!({ "public_key": key });
            output(json, &value, || {
                format!("Clé publique des archives de cette caisse : {key}")
            });
            Ok(())
        }
    }
}
