//! Réglages › Programmes and `comptoir programme`: which programmes are in force and where
//! each comes from (shipped with Comptoir, a file of the centre, published by the network),
//! and a programme file added or replaced — checked first, errors by line, the previous file
//! kept as a copy.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::operators::Actor;
use crate::programme::{LegalCaps, Programme};
use crate::store::Store;

/// Where a programme in force comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
#[ts(export)]
pub enum Origin {
    Shipped,
    Centre,
    Network,
}

impl Origin {
    pub fn label(self) -> &'static str {
        match self {
            Origin::Shipped => "livré avec Comptoir",
            Origin::Centre => "fichier du centre",
            Origin::Network => "publié par le réseau",
        }
    }
}

/// A programme in force, as Réglages lists it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ProgrammeInfo {
    pub id: String,
    pub name: String,
    pub funder: String,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    /// Whether it runs today.
    pub active: bool,
    pub origin: Origin,
    pub origin_label: &'static str,
    /// The centre's file that holds it.
    pub file: Option<String>,
}

/// The centre's programme files: each one's id and file name.
fn centre_files(folder: &Path, caps: &LegalCaps) -> Vec<(String, PathBuf)> {
    crate::programme::files_in(folder)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|path| Programme::load(&path, caps).ok().map(|p| (p.id, path)))
        .collect()
}

/// The programmes in force (as the eligibility engine and the cash desk use them), each with
/// where it comes from.
pub fn view(store: &Store, database: &Path, today: NaiveDate) -> Result<Vec<ProgrammeInfo>> {
    let caps = LegalCaps::shipped();
    let programmes = super::programmes(store, database)?;
    let local = centre_files(&crate::local::programmes_folder(database), &caps);
    let network: Vec<String> = crate::store::sync::hub_programmes(store.db())?
        .into_iter()
        .filter_map(|(name, content)| Programme::parse(&content, &name, &caps).ok().map(|p| p.id))
        .collect();
    Ok(programmes
        .into_iter()
        .map(|p| {
            let file = local.iter().find(|(id, _)| *id == p.id).map(|(_, path)| path);
            let from_network = network.contains(&p.id);
            // The network's « defaut » replaces the shipped one and a local one; any other id
            // in a centre's file is the centre's.
            let origin = match (file, from_network) {
                (_, true) if p.id == "defaut" => Origin::Network,
                (Some(_), _) => Origin::Centre,
                (None, true) => Origin::Network,
                (None, false) => Origin::Shipped,
            };
            ProgrammeInfo {
                active: p.active_on(today),
                origin,
                origin_label: origin.label(),
                file: file
                    .filter(|_| origin == Origin::Centre)
                    .and_then(|f| f.file_name())
                    .map(|f| f.to_string_lossy().into_owned()),
                id: p.id,
                name: p.name,
                funder: p.funder,
                start: p.start,
                end: p.end,
            }
        })
        .collect())
}

/// Adds a programme file to the centre's folder, or replaces the one holding the same
/// programme (a manager). The file is checked first (a refusal names its line and changes
/// nothing); a replaced file is kept beside, renamed `….toml.avant-AAAAMMJJ-HHMMSS`. Then the
/// programmes in force.
pub fn install(
    store: &Store,
    database: &Path,
    file_name: &str,
    content: &str,
    actor: &Actor,
    today: NaiveDate,
) -> Result<Vec<ProgrammeInfo>> {
    crate::operators::require_manager(store.db(), actor)?;
    let caps = LegalCaps::shipped();
    let name = crate::programme::file_name_of(file_name)?;
    let programme = Programme::parse(content, &name, &caps)?;
    let folder = crate::local::programmes_folder(database);
    std::fs::create_dir_all(&folder).map_err(|source| Error::Io {
        path: folder.clone(),
        source,
    })?;
    // The file that holds this programme now, else the name given.
    let target = centre_files(&folder, &caps)
        .into_iter()
        .find(|(id, _)| *id == programme.id)
        .map(|(_, path)| path)
        .unwrap_or_else(|| folder.join(&name));
    let kept = if target.exists() {
        let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
        let copy = PathBuf::from(format!("{}.avant-{stamp}", target.display()));
        std::fs::rename(&target, &copy).map_err(|source| Error::Io {
            path: target.clone(),
            source,
        })?;
        Some(copy)
    } else {
        None
    };
    let written = std::fs::write(&target, content.as_bytes()).map_err(|source| Error::Io {
        path: target.clone(),
        source,
    });
    // The whole set must still load (two files of one id, say): else the previous file is back.
    let loads = written.and_then(|_| crate::programme::load_all(Some(&folder), &caps).map_err(Error::from));
    if let Err(e) = loads {
        let _ = std::fs::remove_file(&target);
        if let Some(copy) = &kept {
            let _ = std::fs::rename(copy, &target);
        }
        return Err(e);
    }
    tracing::info!(remplace = kept.is_some(), "fichier de programme installé");
    view(store, database, today)
}
