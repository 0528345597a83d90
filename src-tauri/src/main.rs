//! The Comptoir window: a thin Tauri 2 shell. Each command calls one core function and maps
//! its error to `{code, message}` (French) for the UI. No business rule lives here.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::path::PathBuf;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tauri::{Manager, State};

use comptoir::device::{self, AssetTag, Category, DeviceKind, DeviceState, StockAction, Vocabulary};
use comptoir::stock::{self, Device, DeviceDetail, StockQuery, StockSummary};
use comptoir::{local, Store};

/// The app's state: the store (or why it could not be opened) and who is at the desk.
struct App {
    store: Result<Mutex<Store>, UiError>,
    operator: String,
    database: PathBuf,
}

/// What the UI receives when something goes wrong: a stable code and a French message.
#[derive(Debug, Clone, Serialize)]
struct UiError {
    code: &'static str,
    message: String,
}

impl From<comptoir::Error> for UiError {
    fn from(err: comptoir::Error) -> Self {
        eprintln!("comptoir: {err:?}");
        UiError { code: err.code(), message: err.to_string() }
    }
}

type Reply<T> = Result<T, UiError>;

impl App {
    fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> comptoir::Result<T>) -> Reply<T> {
        let store = self.store.as_ref().map_err(Clone::clone)?;
        // A poisoned lock only means an earlier command panicked; the SQLite state is still
        // consistent (every write is one transaction), so carry on with it.
        let mut guard = store.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(f(&mut guard)?)
    }
}

#[derive(Serialize)]
struct AppInfo {
    database: String,
    operator: String,
    vocabulary: Vocabulary,
    /// Set when the database could not be opened: the UI shows it instead of the stock.
    startup_error: Option<UiError>,
}

#[tauri::command]
fn app_info(app: State<'_, App>) -> AppInfo {
    AppInfo {
        database: app.database.display().to_string(),
        operator: app.operator.clone(),
        vocabulary: device::vocabulary(),
        startup_error: app.store.as_ref().err().cloned(),
    }
}

#[derive(Deserialize)]
struct ListQuery {
    kind: Option<DeviceKind>,
    category: Option<Category>,
    state: Option<DeviceState>,
    text: Option<String>,
}

#[tauri::command]
fn stock_list(app: State<'_, App>, query: ListQuery) -> Reply<Vec<Device>> {
    let query = StockQuery { kind: query.kind, category: query.category, state: query.state, text: query.text, ..StockQuery::default() };
    app.with_store(|store| stock::list(store, &query))
}

/// A device's page, from its tag, serial or IMEI (what a scanner types).
#[tauri::command]
fn stock_show(app: State<'_, App>, code: String) -> Reply<DeviceDetail> {
    app.with_store(|store| stock::detail(store, &code))
}

#[tauri::command]
fn stock_summary(app: State<'_, App>) -> Reply<StockSummary> {
    app.with_store(|store| stock::summary(store))
}

/// Check-in, put on sale, defect or return; then the device's page as it now is.
#[tauri::command]
fn stock_apply(app: State<'_, App>, tag: String, action: StockAction, reason: String) -> Reply<DeviceDetail> {
    app.with_store(|store| {
        let tag = AssetTag::parse(&tag)?;
        stock::change_state(store, &tag, action, &app.operator, &reason)?;
        stock::detail(store, tag.as_str())
    })
}

/// `--db PATH` on the command line, like the CLI; else `COMPTOIR_DB`; else the OS default.
fn database_from_args() -> PathBuf {
    let mut args = std::env::args_os().skip(1);
    let mut explicit = None;
    while let Some(arg) = args.next() {
        if arg == "--db" {
            explicit = args.next().map(PathBuf::from);
        } else if let Some(value) = arg.to_str().and_then(|a| a.strip_prefix("--db=")) {
            explicit = Some(PathBuf::from(value));
        }
    }
    local::database_path(explicit)
}

fn main() {
    let database = database_from_args();
    let store = Store::open(&database).map(Mutex::new).map_err(UiError::from);
    let app = App { store, operator: local::operator_name(None), database };

    tauri::Builder::default()
        // First: a second launch hands over to the running window, so that two processes
        // never write one database.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .manage(app)
        .invoke_handler(tauri::generate_handler![app_info, stock_list, stock_show, stock_summary, stock_apply])
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("Comptoir n'a pas pu ouvrir sa fenêtre");
}
