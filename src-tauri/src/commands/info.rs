//! The first screen: what the page needs to start (vocabularies, who is at the desk, warnings), and the first-paint figure.

use crate::app::*;

#[derive(Serialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct AppInfo {
    database: String,
    operator: String,
    today: String,
    vocabulary: Vocabulary,
    people: people::PeopleVocabulary,
    /// Set when the database could not be opened: the UI shows it instead of the stock.
    startup_error: Option<Failure>,
    /// Set when a programme file is refused: the people screens show it.
    programmes_error: Option<Failure>,
    /// Set when the journal's chain does not verify: a blocking warning at start.
    journal_alert: Option<String>,
    /// The receipt papers the settings offer.
    papers: Vec<Term>,
    /// The operators' roles.
    roles: Vec<Term>,
    /// A fresh install: the first-run form is shown.
    first_run: bool,
    /// Where the log files are (Réglages shows it).
    log_folder: Option<String>,
}

#[tauri::command]
pub(crate) async fn app_info(handle: tauri::AppHandle) -> Reply<AppInfo> {
    off_the_window(handle, move |app| {
        Ok({
            let loaded = app.programmes();
            let programmes = loaded.as_deref().unwrap_or(&[]);
            AppInfo {
                database: app.database.display().to_string(),
                operator: app.presence().map(|p| p.current).unwrap_or_default(),
                today: desk::today().to_string(),
                vocabulary: stock::vocabulary(),
                people: people::vocabulary(programmes),
                startup_error: app.store.as_ref().err().cloned(),
                programmes_error: loaded.as_ref().err().cloned(),
                journal_alert: app.journal().ok().filter(|v| !v.is_intact()).map(|v| v.message()),
                papers: stock::terms::<Paper>(),
                roles: stock::terms::<centre::Role>(),
                first_run: app.with_store(|store| centre::first_run_needed(store)).unwrap_or(false),
                log_folder: app.log_folder.as_ref().map(|f| f.display().to_string()),
            }
        })
    })
    .await
}

/// The page has painted its first screen: the time since launch, logged once (the figure
/// `scripts/measure-app` reads).
#[tauri::command]
pub(crate) async fn first_paint(handle: tauri::AppHandle) -> Reply<u128> {
    off_the_window(handle, |app| {
        Ok(*app.painted.get_or_init(|| {
            let ms = app.started.elapsed().as_millis();
            eprintln!("comptoir: première image {ms} ms après le lancement");
            tracing::info!(ms, "première image");
            ms
        }))
    })
    .await
}
