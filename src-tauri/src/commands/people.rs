//! The people screen: search, a person, proofs, eligibility and overrides, merges, the needs questionnaire.

use crate::app::*;

#[tauri::command]
pub(crate) async fn people_search(handle: tauri::AppHandle, text: String) -> Reply<Vec<PersonSummary>> {
    off_the_window(handle, move |app| app.read(|store| people::search(store, &text, 50))).await
}

#[tauri::command]
pub(crate) async fn person_show(handle: tauri::AppHandle, id: i64) -> Reply<people::PersonPage> {
    off_the_window(handle, move |app| {
        let person = app.read(|store| people::get(store, id))?;
        app.page(person)
    })
    .await
}

/// Creates a person, or updates one when `id` is given. A likely duplicate comes back as the
/// error `likely_duplicate` unless `force`.
#[tauri::command]
pub(crate) async fn person_save(
    handle: tauri::AppHandle,
    id: Option<i64>,
    input: PersonInput,
    force: bool,
) -> Reply<people::PersonPage> {
    off_the_window(handle, move |app| {
        let catalogue = Catalogue::of(&app.programmes()?);
        let person =
            app.act(|store, actor| people::save(store, &catalogue, id, &input, force, actor, desk::today()))?;
        Ok(people::page(person, &catalogue))
    })
    .await
}

#[tauri::command]
pub(crate) async fn proof_add(
    handle: tauri::AppHandle,
    id: i64,
    kind: String,
    issued: String,
) -> Reply<people::PersonPage> {
    off_the_window(handle, move |app| {
        let catalogue = Catalogue::of(&app.programmes()?);
        let person =
            app.act(|store, actor| people::record_proof(store, &catalogue, id, &kind, &issued, actor, desk::today()))?;
        Ok(people::page(person, &catalogue))
    })
    .await
}

#[tauri::command]
pub(crate) async fn eligibility_check(
    handle: tauri::AppHandle,
    id: i64,
    kind: Option<DeviceKind>,
) -> Reply<PersonDecision> {
    off_the_window(handle, move |app| {
        let programmes = app.programmes()?;
        app.read(|store| people::check(store, &programmes, id, desk::today(), kind))
    })
    .await
}

#[tauri::command]
pub(crate) async fn eligibility_override(
    handle: tauri::AppHandle,
    id: i64,
    programme: String,
    reason: String,
    kind: Option<DeviceKind>,
) -> Reply<PersonDecision> {
    off_the_window(handle, move |app| {
        let programmes = app.programmes()?;
        app.act(|store, actor| {
            people::override_decision(store, &programmes, id, &programme, &reason, actor, desk::today(), kind)
        })
    })
    .await
}

/// Merges the duplicate record into the one shown (a manager's act; reason required).
#[tauri::command]
pub(crate) async fn person_merge(
    handle: tauri::AppHandle,
    keep: i64,
    duplicate: String,
    reason: String,
) -> Reply<people::PersonPage> {
    off_the_window(handle, move |app| {
        let duplicate = desk::parse_whole(&duplicate, "duplicate", 1..=u32::MAX)?;
        let person = app.act(|store, actor| people::merge_into(store, keep, i64::from(duplicate), &reason, actor))?;
        app.page(person)
    })
    .await
}

#[tauri::command]
pub(crate) async fn diagnostic_advise(handle: tauri::AppHandle, answers: Answers) -> Reply<Advice> {
    off_the_window(handle, move |app| app.read(|store| people::advise(store, &answers))).await
}

/// Equipment the household received elsewhere (kind, date, from whom); then the person's file.
#[tauri::command]
pub(crate) async fn equipment_add(
    handle: tauri::AppHandle,
    id: i64,
    kind: DeviceKind,
    date: String,
    source: String,
) -> Reply<people::PersonPage> {
    off_the_window(handle, move |app| {
        let person =
            app.act(|store, actor| people::record_equipment(store, id, kind, &date, &source, actor, desk::today()))?;
        app.page(person)
    })
    .await
}
