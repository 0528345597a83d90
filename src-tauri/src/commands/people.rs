//! The people screen: search, a person, proofs, eligibility and overrides, merges, the needs questionnaire.

use crate::app::*;

#[tauri::command]
pub(crate) async fn people_search(handle: tauri::AppHandle, text: String) -> Reply<Vec<PersonSummary>> {
    off_the_window(handle, move |app| {
        app.read(|store| beneficiary::search(store, &text, 50))
    })
    .await
}

#[tauri::command]
pub(crate) async fn person_show(handle: tauri::AppHandle, id: i64) -> Reply<Person> {
    off_the_window(handle, move |app| app.read(|store| beneficiary::get(store, id))).await
}

/// Creates a person, or updates one when `id` is given. A likely duplicate comes back as the
/// error `likely_duplicate` unless `force`.
#[tauri::command]
pub(crate) async fn person_save(
    handle: tauri::AppHandle,
    id: Option<i64>,
    input: PersonInput,
    force: bool,
) -> Reply<Person> {
    off_the_window(handle, move |app| {
        let catalogue = Catalogue::of(&app.programmes()?);
        app.act(|store, actor| {
            let person = NewPerson::parse(&input, &catalogue, local::today()).map_err(Error::InvalidFields)?;
            let id = match id {
                Some(id) => {
                    beneficiary::update(store, id, &person, actor)?;
                    id
                }
                None => beneficiary::add(store, &person, force, actor)?,
            };
            beneficiary::get(store, id)
        })
    })
    .await
}

#[tauri::command]
pub(crate) async fn proof_add(handle: tauri::AppHandle, id: i64, kind: String, issued: String) -> Reply<Person> {
    off_the_window(handle, move |app| {
        let catalogue = Catalogue::of(&app.programmes()?);
        app.act(|store, actor| {
            beneficiary::add_proof(store, id, &kind, &issued, actor, &catalogue, local::today())?;
            beneficiary::get(store, id)
        })
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
        app.read(|store| beneficiary::check(store, &programmes, id, local::today(), kind))
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
            beneficiary::override_decision(store, &programmes, id, &programme, &reason, actor, local::today(), kind)
        })
    })
    .await
}

/// Merges the duplicate record into the one shown (a manager's act; reason required).
#[tauri::command]
pub(crate) async fn person_merge(handle: tauri::AppHandle, keep: i64, duplicate: i64, reason: String) -> Reply<Person> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| {
            beneficiary::merge(store, keep, duplicate, actor, &reason)?;
            beneficiary::get(store, keep)
        })
    })
    .await
}

#[tauri::command]
pub(crate) async fn diagnostic_advise(handle: tauri::AppHandle, answers: Answers) -> Reply<Advice> {
    off_the_window(handle, move |app| app.read(|store| diagnostic::advise(store, &answers))).await
}
