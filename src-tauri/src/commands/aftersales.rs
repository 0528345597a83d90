//! L'après-vente: warranty returns (opened, listed, ended with their documents) and recycling
//! batches.

use crate::app::*;
use crate::commands::documents::Made;
use comptoir::desk::aftersales::{
    self, Choices, Closed, OutcomeInput, RecyclingBatch, RecyclingCandidate, RecyclingInput, ReturnInput,
    ReturnPreview, WarrantyReturn,
};

/// A return opened, with its deposit slip.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct ReturnOpened {
    #[serde(rename = "return")]
    pub ret: WarrantyReturn,
    pub made: Vec<Made>,
}

/// A return ended, with its documents (outcome slip; exchange and onboarding sheet; credit note).
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct ReturnClosed {
    pub closed: Closed,
    pub made: Vec<Made>,
}

/// A recycling batch recorded, with its printed list.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct RecyclingRecorded {
    pub batch: RecyclingBatch,
    pub made: Vec<Made>,
}

#[tauri::command]
pub(crate) async fn aftersales_choices() -> Reply<Choices> {
    Ok(aftersales::choices())
}

/// What a return would cover: the device a code names, or those a receipt handed over.
#[tauri::command]
pub(crate) async fn return_candidates(handle: tauri::AppHandle, code: String) -> Reply<Vec<ReturnPreview>> {
    off_the_window(handle, move |app| {
        app.read(|store| aftersales::return_candidates(store, &code))
    })
    .await
}

#[tauri::command]
pub(crate) async fn return_open(handle: tauri::AppHandle, input: ReturnInput, print: bool) -> Reply<ReturnOpened> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| {
            let ret = aftersales::open_return(store, &input, actor)?;
            let docs = aftersales::deposit_documents(store, &ret.number, actor)?;
            let made = app.keep_all(store, docs, print)?;
            Ok(ReturnOpened { ret, made })
        })
    })
    .await
}

#[tauri::command]
pub(crate) async fn return_close(handle: tauri::AppHandle, input: OutcomeInput, print: bool) -> Reply<ReturnClosed> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| {
            let closed = aftersales::close_return(store, &input, actor)?;
            let docs = aftersales::outcome_documents(store, &closed.ret.number, actor)?;
            let made = app.keep_all(store, docs, print)?;
            Ok(ReturnClosed { closed, made })
        })
    })
    .await
}

/// Returns: the open ones (age, deadline), and the ended ones too when `all`.
#[tauri::command]
pub(crate) async fn returns_list(handle: tauri::AppHandle, all: bool) -> Reply<Vec<WarrantyReturn>> {
    off_the_window(handle, move |app| {
        app.read(|store| aftersales::warranty_returns(store, !all))
    })
    .await
}

#[tauri::command]
pub(crate) async fn recycling_candidates(handle: tauri::AppHandle) -> Reply<Vec<RecyclingCandidate>> {
    off_the_window(handle, move |app| {
        app.read(|store| aftersales::recycling_candidates(store))
    })
    .await
}

#[tauri::command]
pub(crate) async fn recycling_record(
    handle: tauri::AppHandle,
    input: RecyclingInput,
    print: bool,
) -> Reply<RecyclingRecorded> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| {
            let batch = aftersales::record_recycling(store, &input, actor)?;
            let docs = aftersales::recycling_documents(store, &batch.number, actor)?;
            let made = app.keep_all(store, docs, print)?;
            Ok(RecyclingRecorded { batch, made })
        })
    })
    .await
}

#[tauri::command]
pub(crate) async fn recycling_list(handle: tauri::AppHandle) -> Reply<Vec<RecyclingBatch>> {
    off_the_window(handle, move |app| {
        app.read(|store| aftersales::recycling_batches(store))
    })
    .await
}
