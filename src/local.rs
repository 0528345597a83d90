//! The local machine: who is at the desk, and where the database lives: `--db PATH`, else `COMPTOIR_DB`, else the OS app-data folder
//! (`~/.local/share/comptoir/` on Linux, `%APPDATA%\Comptoir\Comptoir\data\` on Windows,
//! `~/Library/Application Support/fr.Comptoir.Comptoir/` on macOS).

use std::path::PathBuf;

pub const DB_ENV: &str = "COMPTOIR_DB";
pub const DB_FILE: &str = "comptoir.sqlite";

/// The database path to use, from an explicit choice, the environment, or the OS default.
pub fn database_path(explicit: Option<PathBuf>) -> PathBuf {
    explicit
        .or_else(|| std::env::var_os(DB_ENV).filter(|v| !v.is_empty()).map(PathBuf::from))
        .unwrap_or_else(default_database_path)
}

/// The OS app-data folder's database (the current folder if the OS gives none).
pub fn default_database_path() -> PathBuf {
    directories::ProjectDirs::from("fr", "Comptoir", "Comptoir")
        .map(|dirs| dirs.data_dir().join(DB_FILE))
        .unwrap_or_else(|| PathBuf::from(DB_FILE))
}

/// Who is at the desk, as written in the history: an explicit name, else `COMPTOIR_OPERATOR`,
/// else the OS user name. (Operator profiles with a PIN come with the operators issue.)
pub fn operator_name(explicit: Option<String>) -> String {
    explicit
        .or_else(|| std::env::var("COMPTOIR_OPERATOR").ok())
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "poste local".to_string())
}

/// The folder of programme files beside the database (`programmes/*.toml`), read with the
/// shipped default programme.
pub fn programmes_folder(database: &std::path::Path) -> PathBuf {
    database
        .parent()
        .map(|p| p.join("programmes"))
        .unwrap_or_else(|| PathBuf::from("programmes"))
}

/// Today, on this machine's clock (the only place the core reads the calendar).
pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// The first instant of a local day, as stored timestamps are written (RFC 3339, UTC, ms), so
/// that a range of local days compares with stored timestamps (and uses their index).
pub fn start_of_day(day: chrono::NaiveDate) -> String {
    use chrono::TimeZone;
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight");
    chrono::Local
        .from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_else(|| chrono::Utc.from_utc_datetime(&midnight))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The local day of a stored timestamp (RFC 3339); `None` when it is not a timestamp.
pub fn local_day(stamp: &str) -> Option<chrono::NaiveDate> {
    chrono::DateTime::parse_from_rfc3339(stamp)
        .ok()
        .map(|t| t.with_timezone(&chrono::Local).date_naive())
}

/// The local day of a stored timestamp (RFC 3339), as French read it (30/11/2026); the text as
/// it is when it is not a timestamp.
pub fn day_fr(stamp: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(stamp)
        .map(|t| t.with_timezone(&chrono::Local).format("%d/%m/%Y").to_string())
        .unwrap_or_else(|_| stamp.to_string())
}
