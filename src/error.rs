//! The core's error: every message is French, says what is wrong and, where it can, what to
//! do next. `code()` is the stable part the UI and the CLI's JSON branch on.

use std::path::PathBuf;

use crate::device::{AssetTag, IllegalTransition, ParseError};
use crate::model::people::{FieldError, PersonSummary};
use crate::model::refusals::{ImportRejected, ProgrammeError};

/// Why the core refused or failed: the stable code the window and `--json` branch on (the
/// French message says the rest). One enum, so that a new code is a compile-time change of the
/// window's contract (ui/src/gen/Code.ts), never a free string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Code {
    AboveLegalCap,
    AlreadyAnonymised,
    AlreadyCancelled,
    AlreadyClosed,
    BackupFailed,
    BackupFolder,
    BadBackup,
    BadPhrase,
    CommentRequired,
    Database,
    DatabaseTooNew,
    DeskLocked,
    Disabled,
    Encrypted,
    EncryptionFailed,
    HubError,
    HubForbidden,
    HubGarbage,
    HubOther,
    HubRefused,
    HubUnauthorized,
    HubUnreachable,
    IllegalTransition,
    ImportRejected,
    Internal,
    Invalid,
    Io,
    JournalBroken,
    Keyring,
    LikelyDuplicate,
    ManagerRequired,
    Merged,
    NoDatabase,
    NoKey,
    NoOpenSession,
    NoToken,
    NotADatabase,
    NotConfigured,
    NotEligible,
    NotEnded,
    NotFound,
    /// A backup older than (or diverging from) the live database, restored only once confirmed.
    OlderBackup,
    OpenFailed,
    OtherCentre,
    PaymentMismatch,
    PersonRequired,
    PinRequired,
    PriceOutOfBand,
    PriceRequired,
    PrintFailed,
    ProfileLocked,
    ProfileRequired,
    ProgrammeInvalid,
    Random,
    ReasonRequired,
    RecordsMissing,
    /// An older backup was restored and no manager declared it yet.
    RestoreUndeclared,
    SessionAlreadyOpen,
    Unavailable,
    UnknownProfile,
    /// The command line's arguments do not parse.
    Usage,
    WrongKey,
    WrongPin,
}

impl Code {
    /// The code as `--json`, the logs and the window read it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Code::AboveLegalCap => "above_legal_cap",
            Code::AlreadyAnonymised => "already_anonymised",
            Code::AlreadyCancelled => "already_cancelled",
            Code::AlreadyClosed => "already_closed",
            Code::BackupFailed => "backup_failed",
            Code::BackupFolder => "backup_folder",
            Code::BadBackup => "bad_backup",
            Code::BadPhrase => "bad_phrase",
            Code::CommentRequired => "comment_required",
            Code::Database => "database",
            Code::DatabaseTooNew => "database_too_new",
            Code::DeskLocked => "desk_locked",
            Code::Disabled => "disabled",
            Code::Encrypted => "encrypted",
            Code::EncryptionFailed => "encryption_failed",
            Code::HubError => "hub_error",
            Code::HubForbidden => "hub_forbidden",
            Code::HubGarbage => "hub_garbage",
            Code::HubOther => "hub_other",
            Code::HubRefused => "hub_refused",
            Code::HubUnauthorized => "hub_unauthorized",
            Code::HubUnreachable => "hub_unreachable",
            Code::IllegalTransition => "illegal_transition",
            Code::ImportRejected => "import_rejected",
            Code::Internal => "internal",
            Code::Invalid => "invalid",
            Code::Io => "io",
            Code::JournalBroken => "journal_broken",
            Code::Keyring => "keyring",
            Code::LikelyDuplicate => "likely_duplicate",
            Code::ManagerRequired => "manager_required",
            Code::Merged => "merged",
            Code::NoDatabase => "no_database",
            Code::NoKey => "no_key",
            Code::NoOpenSession => "no_open_session",
            Code::NoToken => "no_token",
            Code::NotADatabase => "not_a_database",
            Code::NotConfigured => "not_configured",
            Code::NotEligible => "not_eligible",
            Code::NotEnded => "not_ended",
            Code::NotFound => "not_found",
            Code::OlderBackup => "older_backup",
            Code::OpenFailed => "open_failed",
            Code::OtherCentre => "other_centre",
            Code::PaymentMismatch => "payment_mismatch",
            Code::PersonRequired => "person_required",
            Code::PinRequired => "pin_required",
            Code::PriceOutOfBand => "price_out_of_band",
            Code::PriceRequired => "price_required",
            Code::PrintFailed => "print_failed",
            Code::ProfileLocked => "profile_locked",
            Code::ProfileRequired => "profile_required",
            Code::ProgrammeInvalid => "programme_invalid",
            Code::Random => "random",
            Code::ReasonRequired => "reason_required",
            Code::RecordsMissing => "records_missing",
            Code::RestoreUndeclared => "restore_undeclared",
            Code::SessionAlreadyOpen => "session_already_open",
            Code::Unavailable => "unavailable",
            Code::UnknownProfile => "unknown_profile",
            Code::Usage => "usage",
            Code::WrongKey => "wrong_key",
            Code::WrongPin => "wrong_pin",
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

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
    Refused { code: Code, message: String },

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
    pub fn code(&self) -> Code {
        match self {
            Error::Invalid(_) | Error::InvalidAmount(_) => Code::Invalid,
            Error::NotFound(_) => Code::NotFound,
            Error::IllegalTransition { .. } => Code::IllegalTransition,
            Error::ReasonRequired(_) => Code::ReasonRequired,
            Error::ImportRejected(_) => Code::ImportRejected,
            Error::InvalidFields(_) => Code::Invalid,
            Error::PersonNotFound(_) => Code::NotFound,
            Error::Merged { .. } => Code::Merged,
            Error::LikelyDuplicate(_) => Code::LikelyDuplicate,
            Error::Programme(_) => Code::ProgrammeInvalid,
            Error::Refused { code, .. } => *code,
            Error::DatabaseTooNew { .. } => Code::DatabaseTooNew,
            Error::NotADatabase { .. } => Code::NotADatabase,
            Error::Database(_) | Error::Migration(_) => Code::Database,
            Error::Io { .. } => Code::Io,
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

/// What the window (and the command line's `--json`) receive when the core refuses or fails:
/// the code, the French message, and for a form the message of each field it names (the
/// form shows each beside its field, and the banner only for a failure of no field).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Failure {
    pub code: Code,
    pub message: String,
    pub fields: Vec<FieldError>,
}

impl From<&Error> for Failure {
    fn from(err: &Error) -> Self {
        Failure {
            code: err.code(),
            message: err.to_string(),
            fields: match err {
                Error::InvalidFields(fields) => fields.clone(),
                _ => Vec::new(),
            },
        }
    }
}

impl From<Error> for Failure {
    fn from(err: Error) -> Self {
        // The code only: a message may quote what was typed (a name, a phone).
        tracing::warn!(code = err.code().as_str(), "action refusée");
        Failure::from(&err)
    }
}

impl Failure {
    /// A failure of no field (the shell's own: the window's worker stopped).
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Failure {
            code,
            message: message.into(),
            fields: Vec::new(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
