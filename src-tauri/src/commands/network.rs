//! The network: sync status, a round now, the hub's settings and test.

use crate::app::*;

/// The sync status line: last success, events waiting, last error, conflicts.
#[tauri::command]
pub(crate) async fn sync_status(handle: tauri::AppHandle) -> Reply<network::SyncStatus> {
    off_the_window(handle, move |app| app.read(|store| network::status(store))).await
}

pub(crate) fn sync_client(app: &App, waiting: network::Waiting) -> Reply<network::Client> {
    app.with_store(|store| network::sync_client(store, waiting))
}

/// One round now (« Synchroniser »): off the window's thread, the store locked only between
/// network calls.
pub(crate) fn sync_round(app: &App, waiting: network::Waiting) -> Reply<network::RoundReport> {
    let report = network::sync_round(app.writer()?, waiting)?;
    if report.programmes > 0 {
        app.reload_programmes();
    }
    Ok(report)
}

#[tauri::command]
pub(crate) async fn sync_now(handle: tauri::AppHandle) -> Reply<network::RoundReport> {
    off_the_window(handle, |app| sync_round(app, network::Waiting::Person)).await
}

/// « Vérifier avec le réseau »: the journal checked against the heads the hub kept.
#[tauri::command]
pub(crate) async fn journal_verify_hub(handle: tauri::AppHandle) -> Reply<network::HubCheck> {
    off_the_window(handle, |app| {
        Ok(network::verify_with_hub(app.writer()?, network::Waiting::Person)?)
    })
    .await
}

/// Saves the hub's address and the centre, and the token when one is typed (to the keyring).
#[tauri::command]
pub(crate) async fn hub_save(
    handle: tauri::AppHandle,
    url: String,
    centre: String,
    token: Option<String>,
) -> Reply<network::SyncStatus> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| network::save_hub(store, &url, &centre, token.as_deref(), actor))
    })
    .await
}

/// « Tester la connexion »: the address, the token and the centre.
#[tauri::command]
pub(crate) async fn hub_test(handle: tauri::AppHandle) -> Reply<network::Health> {
    off_the_window(handle, |app| Ok(sync_client(app, network::Waiting::Person)?.test()?)).await
}
