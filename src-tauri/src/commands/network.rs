//! The network: sync status, a round now, the hub's settings and test.

use crate::app::*;

/// The sync status line: last success, events waiting, last error, conflicts.
#[tauri::command]
pub(crate) async fn sync_status(handle: tauri::AppHandle) -> Reply<sync::Status> {
    off_the_window(handle, move |app| app.read(|store| sync::status(store))).await
}

pub(crate) fn sync_client(app: &App, waiting: desk::Waiting) -> Reply<sync::Client> {
    app.with_store(|store| desk::sync_client(store, waiting))
}

/// One round now (« Synchroniser »): off the window's thread, the store locked only between
/// network calls.
pub(crate) fn sync_round(app: &App, waiting: desk::Waiting) -> Reply<sync::RoundReport> {
    let report = desk::sync_round(app.writer()?, waiting)?;
    if report.programmes > 0 {
        app.reload_programmes();
    }
    Ok(report)
}

#[tauri::command]
pub(crate) async fn sync_now(handle: tauri::AppHandle) -> Reply<sync::RoundReport> {
    off_the_window(handle, |app| sync_round(app, desk::Waiting::Person)).await
}

/// Saves the hub's address and the centre, and the token when one is typed (to the keyring).
#[tauri::command]
pub(crate) async fn hub_save(
    handle: tauri::AppHandle,
    url: String,
    centre: String,
    token: Option<String>,
) -> Reply<sync::Status> {
    off_the_window(handle, move |app| {
        let config = sync::HubConfig::parse(&url, &centre)?;
        app.act(|store, actor| {
            sync::set_config(store, &config, actor)?;
            if let Some(token) = token.filter(|t| !t.trim().is_empty()) {
                desk::set_hub_token(store, &token, actor)?;
            }
            sync::status(store)
        })
    })
    .await
}

/// « Tester la connexion »: the address, the token and the centre.
#[tauri::command]
pub(crate) async fn hub_test(handle: tauri::AppHandle) -> Reply<sync::protocol::Health> {
    off_the_window(handle, |app| Ok(sync_client(app, desk::Waiting::Person)?.test()?)).await
}
