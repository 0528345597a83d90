//! The operating log (`tracing`): what Comptoir did, for a volunteer helping a centre. The app
//! writes a file a day in the OS log folder, kept 30 days; the command line writes to stderr
//! with `-v`. No name, phone, e-mail, token, key, PIN or phrase is ever logged: events carry
//! codes, counts and durations, never a person's data or an error's French text (which may
//! quote what was typed).

use crate::error::Code;
use std::path::PathBuf;

use tracing_subscriber::EnvFilter;

/// How many daily files are kept.
pub const KEPT_DAYS: usize = 30;

/// The environment variable that overrides the log folder (tests, a portable install).
pub const LOG_DIR_ENV: &str = "COMPTOIR_LOG_DIR";

fn filter(default: &str) -> EnvFilter {
    EnvFilter::try_from_env("COMPTOIR_LOG").unwrap_or_else(|_| EnvFilter::new(default))
}

/// The command line: nothing unless `-v`, then Comptoir's events on stderr.
pub fn init_cli(verbose: bool) {
    if !verbose {
        return;
    }
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter("comptoir=debug,comptoir_hub=debug,warn"))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}

/// The OS log folder: `~/.local/state/comptoir/logs` on Linux, `%LOCALAPPDATA%\Comptoir\Comptoir\data\logs`
/// on Windows, `~/Library/Logs/Comptoir` on macOS (or `COMPTOIR_LOG_DIR`).
pub fn log_folder() -> PathBuf {
    if let Some(dir) = std::env::var_os(LOG_DIR_ENV).filter(|v| !v.is_empty()) {
        return PathBuf::from(dir);
    }
    #[cfg(target_os = "macos")]
    if let Some(home) = directories::BaseDirs::new() {
        return home.home_dir().join("Library/Logs/Comptoir");
    }
    directories::ProjectDirs::from("fr", "Comptoir", "Comptoir")
        .map(|d| d.state_dir().unwrap_or_else(|| d.data_local_dir()).join("logs"))
        .unwrap_or_else(|| PathBuf::from("logs"))
}

/// The app: a file a day (`comptoir.AAAA-MM-JJ.log`) in `folder`, the oldest removed past
/// [`KEPT_DAYS`]. Returns the folder, or why it could not be made (the app then runs unlogged).
pub fn init_app(folder: PathBuf) -> crate::Result<PathBuf> {
    std::fs::create_dir_all(&folder).map_err(|source| crate::Error::Io {
        path: folder.clone(),
        source,
    })?;
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("comptoir")
        .filename_suffix("log")
        .max_log_files(KEPT_DAYS)
        .build(&folder)
        .map_err(|e| crate::Error::Refused {
            code: Code::Io,
            message: format!("Journal de fonctionnement impossible dans {} : {e}", folder.display()),
        })?;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter("comptoir=info,comptoir_app=info,warn"))
        .with_writer(std::sync::Mutex::new(appender))
        .with_ansi(false)
        .with_target(false)
        .try_init();
    Ok(folder)
}
