//! The core's error: every message is French, says what is wrong and, where it can, what to
//! do next. `code()` is the stable part the UI and the CLI's JSON branch on.

use std::path::PathBuf;

use crate::device::{AssetTag, IllegalTransition, ParseError};
use crate::model::people::{FieldError, PersonSummary};
use crate::model::refusals::{ImportRejected, ProgrammeError};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(#[from] ParseError),

    #[error("{0}")]
    InvalidAmount(#[from] crate::money::MoneyParseError),

    #[error("Aucun appareil ne correspond à « {0} ». Vérifiez l'identifiant, le numéro de série ou l'IMEI.")]
    NotFound(String),

    #[error("Appareil {tag} : {source}.")]
    IllegalTransition { tag: AssetTag, source: IllegalTransition },

    #[error("{0}")]
    ReasonRequired(String),

    #[error("{0}")]
    ImportRejected(#[from] ImportRejected),

    #[error("{}", fields_message(.0))]
    InvalidFields(Vec<FieldError>),

    #[error("Aucune personne n'a le numéro {0}.")]
    PersonNotFound(i64),

    #[error("La fiche n° {id} a été fusionnée dans la fiche n° {into} : utilisez celle-ci.")]
    Merged { id: i64, into: i64 },

    #[error("{}", duplicates_message(.0))]
    LikelyDuplicate(Vec<PersonSummary>),

    #[error("{0}")]
    Programme(#[from] ProgrammeError),

    /// A point-of-sale act refused (not eligible, price out of band, no open permanence…).
    #[error("{message}")]
    Refused { code: &'static str, message: String },

    #[error(
        "La base de données {path} a été écrite par une version plus récente de Comptoir \
         (schéma {found} ; cette version connaît au plus le schéma {supported}). Elle n'a pas été \
         modifiée. Pour l'ouvrir, installez la dernière version de Comptoir."
    )]
    DatabaseTooNew { path: PathBuf, found: i64, supported: i64 },

    #[error("Le fichier {path} n'est pas une base de données Comptoir lisible : {detail}")]
    NotADatabase { path: PathBuf, detail: String },

    #[error("Erreur de la base de données : {}.", crate::text::sqlite_error_fr(.0))]
    Database(#[from] rusqlite::Error),

    #[error("Mise à jour du schéma impossible : {0}")]
    Migration(#[from] rusqlite_migration::Error),

    #[error("Fichier {} : {}.", .path.display(), crate::text::io_error_fr(.source))]
    Io { path: PathBuf, source: std::io::Error },
}

impl Error {
    /// A stable, machine-readable code, for the UI and `--json` output.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid(_) | Error::InvalidAmount(_) => "invalid",
            Error::NotFound(_) => "not_found",
            Error::IllegalTransition { .. } => "illegal_transition",
            Error::ReasonRequired(_) => "reason_required",
            Error::ImportRejected(_) => "import_rejected",
            Error::InvalidFields(_) => "invalid",
            Error::PersonNotFound(_) => "not_found",
            Error::Merged { .. } => "merged",
            Error::LikelyDuplicate(_) => "likely_duplicate",
            Error::Programme(_) => "programme_invalid",
            Error::Refused { code, .. } => code,
            Error::DatabaseTooNew { .. } => "database_too_new",
            Error::NotADatabase { .. } => "not_a_database",
            Error::Database(_) | Error::Migration(_) => "database",
            Error::Io { .. } => "io",
        }
    }
}

fn fields_message(errors: &[FieldError]) -> String {
    let mut text = String::from("À corriger :");
    for e in errors {
        text.push_str(&format!("\n  - {}", e.message));
    }
    text
}

fn duplicates_message(matches: &[PersonSummary]) -> String {
    let mut text = String::from("Cette personne semble déjà enregistrée :");
    for m in matches {
        text.push_str(&format!("\n  - {m}"));
    }
    text.push_str("\nOuvrez la fiche existante ; si c'est bien une autre personne, confirmez la création.");
    text
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
