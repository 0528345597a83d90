//! The Comptoir window: a thin Tauri 2 shell. Each command calls one core function and maps
//! its error to `{code, message}` (French) for the UI. No business rule lives here.
//! One file per screen under `commands/`; the state in `app.rs`; the worker in `worker.rs`.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod app;
mod commands;
mod worker;

use app::*;
use commands::{
    aftersales::*, documents::*, info::*, loans::*, network::*, people::*, pos::*, safety::*, settings::*, stock::*,
};
use worker::background_sync;

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
    desk::database_path(explicit)
}

/// On a small screen (a netbook, a 1366×768 laptop) the window takes the whole screen: it is
/// maximised, and placed over the screen where no window manager maximises it.
fn fill_small_screen(window: &tauri::WebviewWindow) {
    let Ok(Some(monitor)) = window.current_monitor() else {
        return;
    };
    let size = monitor.size();
    let logical = size.to_logical::<f64>(monitor.scale_factor());
    if logical.width <= 1440.0 || logical.height <= 900.0 {
        let _ = window.set_position(*monitor.position());
        let _ = window.set_size(*size);
        let _ = window.maximize();
    }
}

fn main() {
    let started = std::time::Instant::now();
    // A cash desk's screens need no GPU compositing: without it WebKitGTK's web process takes
    // about 100 MB less and paints sooner on a modest PC (figures in scripts/measure-app).
    // Kept if the person running Comptoir chose otherwise.
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        // First statement of main: no other thread exists yet to read the environment.
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
    let database = database_from_args();
    // The log a volunteer can send: a file a day in the OS log folder, kept 30 days.
    let log_folder = desk::init_app(desk::log_folder()).ok();
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "démarrage de Comptoir");
    // Encrypted with the key in the OS keyring (created at first run; a plain database from an
    // earlier version is encrypted in place). A file that is not Comptoir's is refused untouched.
    let stock_index = desk::SharedStockIndex::new();
    let store = desk::open(&database, &OsKeyring).map(|mut store| {
        store.share_stock_index(stock_index.clone());
        store
    });
    // With profiles, nobody is at the desk until a PIN is entered.
    let attendance = store
        .as_ref()
        .ok()
        .and_then(|store| desk::Attendance::new(store, &desk::operator_name(None)).ok());
    let app = App {
        store: store.map(Mutex::new).map_err(Failure::from),
        readers: Mutex::new(Vec::new()),
        stock_index,
        programmes: std::sync::RwLock::new(Ok(Vec::new())),
        attendance,
        maintenance: Mutex::new(desk::Maintenance::new()),
        database,
        log_folder,
        journal: std::sync::OnceLock::new(),
        started,
        painted: std::sync::OnceLock::new(),
        chosen_backup: Mutex::new(None),
    };
    app.reload_programmes();

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
        .plugin(tauri_plugin_dialog::init())
        .manage(app)
        // Every `#[tauri::command]` under commands/, listed by build.rs (the one list).
        .invoke_handler(include!(concat!(env!("OUT_DIR"), "/handler.rs")))
        .setup(|app| {
            if let Some(window) = app.get_webview_window("main") {
                fill_small_screen(&window);
            }
            background_sync(app.handle().clone());
            Ok(())
        })
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("Comptoir n'a pas pu ouvrir sa fenêtre");
}
