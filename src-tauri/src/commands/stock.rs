//! The stock screen: list, a device, counts, its moves.

use crate::app::*;

#[derive(Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct ListQuery {
    kind: Option<DeviceKind>,
    category: Option<Category>,
    state: Option<DeviceState>,
    text: Option<String>,
}

#[tauri::command]
pub(crate) async fn stock_list(handle: tauri::AppHandle, query: ListQuery) -> Reply<Vec<Device>> {
    off_the_window(handle, move |app| {
        let query = StockQuery {
            kind: query.kind,
            category: query.category,
            state: query.state,
            text: query.text,
            ..StockQuery::default()
        };
        app.read(|store| stock::list(store, &query))
    })
    .await
}

/// A device's page, from its tag, serial or IMEI (what a scanner types).
#[tauri::command]
pub(crate) async fn stock_show(handle: tauri::AppHandle, code: String) -> Reply<DeviceDetail> {
    off_the_window(handle, move |app| app.read(|store| stock::detail(store, &code))).await
}

#[tauri::command]
pub(crate) async fn stock_summary(handle: tauri::AppHandle) -> Reply<StockSummary> {
    off_the_window(handle, move |app| app.read(|store| stock::summary(store))).await
}

/// Check-in, put on sale, defect or return; then the device's page as it now is.
#[tauri::command]
pub(crate) async fn stock_apply(
    handle: tauri::AppHandle,
    tag: String,
    action: StockAction,
    reason: String,
) -> Reply<DeviceDetail> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| stock::apply(store, &tag, action, actor, &reason))
    })
    .await
}

/// A delivery file chosen in the page (its bytes and name): what its import would do, with
/// every error by line and column; nothing is written.
#[tauri::command]
pub(crate) async fn delivery_preview(handle: tauri::AppHandle, name: String, bytes: Vec<u8>) -> Reply<stock::Preview> {
    off_the_window(handle, move |app| {
        app.read(|store| stock::preview(store, &bytes, &name))
    })
    .await
}

/// Imports the delivery file, all or nothing.
#[tauri::command]
pub(crate) async fn delivery_import(
    handle: tauri::AppHandle,
    name: String,
    bytes: Vec<u8>,
) -> Reply<stock::ImportReport> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| stock::import(store, &bytes, &name, actor))
    })
    .await
}

/// A device typed by hand (a scanner may fill the tag and the serial); then its page.
#[tauri::command]
pub(crate) async fn device_add(handle: tauri::AppHandle, fields: BTreeMap<String, String>) -> Reply<DeviceDetail> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| stock::add(store, &fields, actor))
    })
    .await
}

/// The computers, tablets and phones received or on sale that lack an erasure or test record,
/// by batch (delivery file).
#[tauri::command]
pub(crate) async fn records_lacking(handle: tauri::AppHandle) -> Reply<Vec<stock::LackingBatch>> {
    off_the_window(handle, move |app| app.read(stock::lacking)).await
}

/// Records an erasure (with its certificate file, if chosen) or a functional test for a batch
/// or chosen devices.
#[tauri::command]
pub(crate) async fn device_record(handle: tauri::AppHandle, input: stock::RecordInput) -> Reply<stock::Recorded> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| stock::record(store, &input, actor))
    })
    .await
}
