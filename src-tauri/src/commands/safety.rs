//! Data at rest: backups, restore, the recovery phrase and sheet, the key recovered.

use crate::app::*;

/// What the top bar and the settings show about data at rest.
pub(crate) fn safety(app: &App) -> Reply<safety::SafetyView> {
    app.read(|store| safety::view(store))
}

#[tauri::command]
pub(crate) async fn safety_status(handle: tauri::AppHandle) -> Reply<safety::SafetyView> {
    off_the_window(handle, move |app| safety(&app)).await
}

/// « Sauvegarder maintenant », off the window's thread.
#[tauri::command]
pub(crate) async fn backup_now(handle: tauri::AppHandle) -> Reply<safety::BackupMade> {
    off_the_window(handle, |app| {
        let actor = app.actor()?;
        Ok(safety::backup_now(app.writer()?, None, &actor)?)
    })
    .await
}

/// « Choisir le dossier… » (a manager): the system's folder dialog. None when cancelled.
#[tauri::command]
pub(crate) async fn backup_folder_choose(handle: tauri::AppHandle) -> Reply<Option<safety::SafetyView>> {
    use tauri_plugin_dialog::DialogExt;
    let app = handle.state::<App>();
    app.act(|store, actor| desk::require_manager(store, actor))?;
    let Some(chosen) = handle
        .dialog()
        .file()
        .set_title("Dossier des sauvegardes")
        .blocking_pick_folder()
    else {
        return Ok(None);
    };
    let folder = chosen
        .into_path()
        .map_err(|e| Failure::new(Code::Invalid, format!("Dossier inutilisable : {e}")))?;
    Ok(Some(app.act(|store, actor| {
        safety::change_folder(store, Some(&folder), actor)
    })?))
}

#[tauri::command]
pub(crate) async fn backup_folder_default(handle: tauri::AppHandle) -> Reply<safety::SafetyView> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| safety::change_folder(store, None, actor))
    })
    .await
}

/// « Restaurer une sauvegarde… » (a manager): the file dialog, the checks, then Comptoir
/// starts again on the restored database. False when cancelled. A backup older than this
/// database is refused with the warning (`older_backup`); `older` then restores the file
/// chosen for it (« Restaurer quand même »), without a second dialog.
#[tauri::command]
pub(crate) async fn backup_restore(handle: tauri::AppHandle, phrase: Option<String>, older: bool) -> Reply<bool> {
    use tauri_plugin_dialog::DialogExt;
    let app = handle.state::<App>();
    if app.store.is_ok() {
        app.act(|store, actor| desk::require_manager(store, actor))?;
    }
    let chosen = app.chosen_backup.lock().unwrap_or_else(|p| p.into_inner()).take();
    let file = match chosen.filter(|_| older) {
        Some(file) => file,
        None => {
            let Some(chosen) = handle
                .dialog()
                .file()
                .set_title("Sauvegarde à restaurer")
                .add_filter("Sauvegarde Comptoir", &["sqlite"])
                .blocking_pick_file()
            else {
                return Ok(false);
            };
            chosen
                .into_path()
                .map_err(|e| Failure::new(Code::Invalid, format!("Fichier inutilisable : {e}")))?
        }
    };
    let older = if older {
        safety::Older::Confirmed
    } else {
        safety::Older::Refuse
    };
    let database = app.database.clone();
    let phrase = phrase.filter(|p| !p.trim().is_empty());
    let restored = match &app.store {
        Ok(store) => {
            // The live database is closed while it is replaced; reopened as it was on refusal.
            let mut guard = store.lock().unwrap_or_else(|p| p.into_inner());
            safety::restore_over(&mut guard, &database, &file, phrase.as_deref(), older)
        }
        Err(_) => safety::restore(&database, &file, &OsKeyring, phrase.as_deref(), older),
    };
    let restored = match restored {
        Ok(restored) => restored,
        Err(e) => {
            if e.code() == Code::OlderBackup {
                *app.chosen_backup.lock().unwrap_or_else(|p| p.into_inner()) = Some(file);
            }
            return Err(e.into());
        }
    };
    tracing::info!(entrees = restored.journal_entries, "sauvegarde restaurée");
    handle.restart();
}

/// The recovery phrase (a manager, or the single user of a desk without profiles).
#[tauri::command]
pub(crate) async fn recovery_phrase(handle: tauri::AppHandle) -> Reply<Vec<String>> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| safety::recovery_phrase(store, &OsKeyring, actor))
    })
    .await
}

#[tauri::command]
pub(crate) async fn recovery_phrase_noted(handle: tauri::AppHandle) -> Reply<safety::SafetyView> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| safety::acknowledge_phrase(store, actor))?;
        safety(&app)
    })
    .await
}

/// Prints the recovery sheet from a temporary file, removed once handed to the printer.
#[tauri::command]
pub(crate) async fn recovery_phrase_print(handle: tauri::AppHandle) -> Reply<PrintJob> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| safety::print_recovery_sheet(store, actor))
    })
    .await
}

/// The keyring lost the key: the recovery phrase puts it back, then Comptoir starts again.
#[tauri::command]
pub(crate) async fn key_recover(handle: tauri::AppHandle, phrase: String) -> Reply<()> {
    off_the_window(handle.clone(), move |app| {
        Ok(safety::recover(&app.database, &phrase, &OsKeyring)?)
    })
    .await?;
    handle.restart();
}
