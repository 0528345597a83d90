//! Text: folding, numbers typed in French, dates shown are `comptoir_common::text` (shared with
//! the hub); here, the system's and the database's errors said in French.

pub use comptoir_common::text::*;

/// A system error (file, folder, disk) said in French: what happened, never the OS's English.
pub fn io_error_fr(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    // ENOSPC, EROFS, ENOTDIR, EISDIR, ENOTEMPTY, EXDEV by number: stable on Linux and macOS.
    #[cfg(unix)]
    match e.raw_os_error() {
        Some(28) => return "le disque est plein".into(),
        Some(30) => return "le support est en lecture seule".into(),
        Some(20) => return "un élément du chemin n'est pas un dossier".into(),
        Some(21) => return "c'est un dossier, pas un fichier".into(),
        Some(39) | Some(66) => return "le dossier n'est pas vide".into(),
        Some(18) => return "déplacement impossible entre deux disques".into(),
        Some(36) | Some(63) => return "le nom est trop long".into(),
        _ => {}
    }
    let text = match e.kind() {
        K::NotFound => "fichier ou dossier introuvable",
        K::PermissionDenied => "accès refusé (droits insuffisants)",
        K::AlreadyExists => "il existe déjà",
        K::InvalidInput | K::InvalidData => "contenu ou nom invalide",
        K::TimedOut => "délai dépassé",
        K::WriteZero | K::UnexpectedEof => "fichier incomplet",
        K::Interrupted => "opération interrompue",
        K::BrokenPipe => "le programme lecteur s'est arrêté",
        K::OutOfMemory => "mémoire insuffisante",
        K::Unsupported => "opération non prise en charge par ce système",
        K::ConnectionRefused => "connexion refusée",
        K::ConnectionReset | K::ConnectionAborted => "connexion coupée",
        K::AddrInUse => "adresse déjà utilisée",
        _ => "",
    };
    match (text, e.raw_os_error()) {
        ("", Some(code)) => format!("erreur du système (code {code})"),
        ("", None) => "erreur du système".into(),
        (text, _) => text.to_string(),
    }
}

/// An SQLite error said in French (the engine's own words are English).
pub fn sqlite_error_fr(e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode as C;
    match e {
        rusqlite::Error::SqliteFailure(f, _) => match f.code {
            C::DatabaseBusy | C::DatabaseLocked => "la base est occupée par un autre programme ; réessayez".into(),
            C::DiskFull => "le disque est plein".into(),
            C::ReadOnly => "la base est en lecture seule".into(),
            C::CannotOpen => "la base ne peut pas être ouverte (dossier absent ou droits insuffisants)".into(),
            C::NotADatabase => "ce fichier n'est pas une base lisible (autre format, ou autre clé)".into(),
            C::DatabaseCorrupt => "la base est abîmée ; restaurez une sauvegarde".into(),
            C::SystemIoFailure => "erreur de lecture ou d'écriture sur le disque".into(),
            C::ConstraintViolation => "une règle de la base a refusé l'écriture".into(),
            C::PermissionDenied => "accès refusé".into(),
            _ => format!("erreur interne de la base (code {})", f.extended_code),
        },
        rusqlite::Error::QueryReturnedNoRows => "aucune ligne trouvée".into(),
        _ => "erreur interne de la base".into(),
    }
}
