//! Réglages: the centre, printers, personal data, the profiles at the desk and the lock.

use crate::app::*;
use crate::commands::documents::Made;

#[tauri::command]
pub(crate) async fn centre_show(handle: tauri::AppHandle) -> Reply<centre::CentreView> {
    off_the_window(handle, move |app| app.read(|store| centre::view(store))).await
}

#[tauri::command]
pub(crate) async fn centre_save(handle: tauri::AppHandle, input: CentreInput) -> Reply<centre::CentreView> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| centre::save_form(store, &input, actor))
    })
    .await
}

#[tauri::command]
pub(crate) async fn centre_logo(handle: tauri::AppHandle, bytes: Option<Vec<u8>>) -> Reply<centre::CentreView> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| centre::change_logo(store, bytes.as_deref(), actor))
    })
    .await
}

#[tauri::command]
pub(crate) async fn printers_list(handle: tauri::AppHandle) -> Reply<Vec<Printer>> {
    // `lpstat` is a process: off the window's thread too.
    off_the_window(handle, |_| Ok(documents::printers()?)).await
}

#[tauri::command]
pub(crate) async fn privacy_register(handle: tauri::AppHandle, months: Option<String>) -> Reply<privacy::PrivacyView> {
    off_the_window(handle, move |app| {
        let months = months
            .map(|m| desk::parse_whole(&m, "retention_months", 1..=600))
            .transpose()?;
        app.act(|store, actor| privacy::retention(store, months, actor))
    })
    .await
}

/// The information notice's text, shown on the person's form.
#[tauri::command]
pub(crate) async fn privacy_notice(handle: tauri::AppHandle) -> Reply<String> {
    off_the_window(handle, move |app| app.read(|store| privacy::notice(store))).await
}

/// Who the retention rule anonymises now (`dry_run`), or does it.
#[tauri::command]
pub(crate) async fn privacy_purge(handle: tauri::AppHandle, dry_run: bool) -> Reply<privacy::PurgeReport> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| privacy::purge(store, desk::today(), dry_run, actor))
    })
    .await
}

/// Everything held about a person: the readable PDF and the JSON, in the documents folder.
#[tauri::command]
pub(crate) async fn privacy_export(handle: tauri::AppHandle, id: i64) -> Reply<Vec<Made>> {
    off_the_window(handle, move |app| {
        app.read(|store| {
            privacy::export_documents(store, id)?
                .into_iter()
                .map(|d| app.keep(store, d, false))
                .collect()
        })
    })
    .await
}

#[tauri::command]
pub(crate) async fn privacy_erase(handle: tauri::AppHandle, id: i64, reason: String) -> Reply<people::PersonPage> {
    off_the_window(handle, move |app| {
        let person = app.act(|store, actor| privacy::erase_person(store, id, &reason, actor))?;
        app.page(person)
    })
    .await
}

/// The profiles, who is at the desk, and whether a PIN must be entered first (the core's
/// attendance says; the page only shows it).
pub(crate) fn desk(app: &App) -> Reply<desk::DeskView> {
    app.with_store(|store| app.attendance()?.view(store))
}

#[tauri::command]
pub(crate) async fn operators_list(handle: tauri::AppHandle) -> Reply<desk::DeskView> {
    off_the_window(handle, move |app| desk(&app)).await
}

/// The quick switch: a profile and its PIN (hashed off the window's thread; wrong PINs are
/// counted by the core).
#[tauri::command]
pub(crate) async fn operator_switch(handle: tauri::AppHandle, name: String, pin: String) -> Reply<desk::DeskView> {
    off_the_window(handle, move |app| {
        app.with_store(|store| app.attendance()?.switch(store, &name, &pin))?;
        desk(app)
    })
    .await
}

/// « Ouvrir le dossier des journaux » (Réglages): the log files a volunteer can send.
#[tauri::command]
pub(crate) async fn log_folder_open(handle: tauri::AppHandle) -> Reply<()> {
    off_the_window(handle, |app| {
        let folder = app.log_folder.clone().ok_or_else(|| {
            Failure::new(
                Code::Unavailable,
                "Le dossier des journaux n'a pas pu être créé sur ce poste.",
            )
        })?;
        Ok(documents::open_folder(&folder)?)
    })
    .await
}

/// Someone used the window: the idle time starts again (never unlocks).
#[tauri::command]
pub(crate) fn desk_activity(app: State<'_, App>) {
    if let Ok(attendance) = app.attendance() {
        attendance.touch_at(std::time::Instant::now());
    }
}

/// « Verrouiller » : nobody at the desk until a PIN.
#[tauri::command]
pub(crate) async fn desk_lock(handle: tauri::AppHandle) -> Reply<desk::DeskView> {
    off_the_window(handle, |app| {
        app.with_store(|store| app.attendance()?.lock(store))?;
        desk(app)
    })
    .await
}

#[tauri::command]
pub(crate) async fn operator_add(
    handle: tauri::AppHandle,
    name: String,
    role: centre::Role,
    pin: String,
) -> Reply<desk::DeskView> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| app.attendance()?.add_profile(store, &name, role, &pin, actor))
    })
    .await
}

/// A manager gives a profile a new PIN (forgotten, or locked after five wrong ones).
#[tauri::command]
pub(crate) async fn operator_reset_pin(handle: tauri::AppHandle, name: String, pin: String) -> Reply<desk::DeskView> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| centre::reset_pin(store, &name, &pin, actor))?;
        desk(app)
    })
    .await
}

#[tauri::command]
pub(crate) async fn operator_disable(handle: tauri::AppHandle, name: String) -> Reply<desk::DeskView> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| centre::disable(store, &name, actor))?;
        desk(&app)
    })
    .await
}

/// The idle time after which the window locks (a manager, in Réglages).
#[tauri::command]
pub(crate) async fn idle_lock_save(handle: tauri::AppHandle, minutes: String) -> Reply<desk::DeskView> {
    off_the_window(handle, move |app| {
        let minutes = desk::parse_whole(&minutes, "idle_minutes", 0..=480)?;
        app.act(|store, actor| app.attendance()?.set_idle_minutes(store, minutes, actor))
    })
    .await
}

/// The first run: the centre, its first manager (now at the desk) and its programme.
#[tauri::command]
pub(crate) async fn first_run(handle: tauri::AppHandle, input: centre::FirstRun) -> Reply<desk::DeskView> {
    off_the_window(handle, move |app| {
        let folder = desk::programmes_folder(&app.database);
        let view = app.with_store(|store| app.attendance()?.first_run(store, &folder, &input))?;
        app.reload_programmes();
        Ok(view)
    })
    .await
}

/// Réglages › Programmes: those in force, and where each comes from.
#[tauri::command]
pub(crate) async fn programmes_show(handle: tauri::AppHandle) -> Reply<Vec<desk::programmes::ProgrammeInfo>> {
    off_the_window(handle, move |app| {
        app.read(|store| desk::programmes::view(store, &app.database, desk::today()))
    })
    .await
}

/// Adds or replaces a programme file (a manager; checked first, the previous one kept); the
/// window's programmes are read again.
#[tauri::command]
pub(crate) async fn programme_install(
    handle: tauri::AppHandle,
    name: String,
    content: String,
) -> Reply<Vec<desk::programmes::ProgrammeInfo>> {
    off_the_window(handle, move |app| {
        let view = app.act(|store, actor| {
            desk::programmes::install(store, &app.database, &name, &content, actor, desk::today())
        })?;
        app.reload_programmes();
        Ok(view)
    })
    .await
}
