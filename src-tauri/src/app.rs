//! The app's state (the writer, the readers, who is at the desk, the programmes), the error
//! the page receives, and the one way commands run their work off the window's thread.

pub(crate) use std::collections::BTreeMap;
pub(crate) use std::path::PathBuf;
pub(crate) use std::sync::Mutex;
pub(crate) use std::time::Duration;

pub(crate) use serde::{Deserialize, Serialize};
pub(crate) use tauri::{Manager, State};

// The shell reaches the core only through its workflow layer, one module per screen.
pub(crate) use comptoir::desk::centre::{self, CentreInput, Paper};
pub(crate) use comptoir::desk::documents::{self, Document, DocumentKind, PrintJob, Printer};
pub(crate) use comptoir::desk::people::{self, Advice, Answers, Catalogue, PersonDecision, PersonInput, PersonSummary};
pub(crate) use comptoir::desk::pos::{
    self, CashReport, CreditNote, LegalCaps, LineCorrected, PaymentMethod, Quote, SaleInput, SaleRecord, SaleRequest,
    SaleSummary, Verification,
};
pub(crate) use comptoir::desk::safety::{self, OsKeyring};
pub(crate) use comptoir::desk::stock::{
    self, Category, Device, DeviceDetail, DeviceKind, DeviceState, StockAction, StockQuery, StockSummary, Term,
    Vocabulary,
};
pub(crate) use comptoir::desk::{self, network, privacy, Actor, Code, Error, Money, Programme, Store, Writer};

/// The app's state: the store (or why it could not be opened) and who is at the desk.
pub(crate) struct App {
    /// The one writer (WAL): acts, and the short steps of backups and syncs.
    pub(crate) store: Result<Mutex<Store>, Failure>,
    /// Read-only connections, opened on demand: searches and screens are served while the
    /// writer is busy (an import, a report, a sync's page).
    pub(crate) readers: Mutex<Vec<Store>>,
    /// The stock list's in-memory index, shared by the writer and the readers (rebuilt by the
    /// first search after the stock changed).
    pub(crate) stock_index: std::sync::Arc<desk::SharedStockIndex>,
    /// The programmes (shipped, beside the database, published by the hub), or why one of
    /// them is refused. Reloaded when a sync brings programmes.
    pub(crate) programmes: std::sync::RwLock<Result<Vec<Programme>, Failure>>,
    /// Who is at the desk: the core's attendance (a profile's PIN, the lock, the idle time).
    /// None only when the store could not be opened.
    pub(crate) attendance: Option<desk::Attendance>,
    /// Where the log files are (None: the folder could not be made; the app runs unlogged).
    pub(crate) log_folder: Option<PathBuf>,
    /// The daily work Comptoir does by itself (purge, daily backup).
    pub(crate) maintenance: Mutex<desk::Maintenance>,
    pub(crate) database: PathBuf,
    /// The backup chosen for a restore that warned it is older than this database: « Restaurer
    /// quand même » restores this file, not another one picked later.
    pub(crate) chosen_backup: Mutex<Option<PathBuf>>,
    /// The journal's verification, made once (at the first screen's request): afterwards the
    /// chain only grows through this process's own appends.
    pub(crate) journal: std::sync::OnceLock<Reply<Verification>>,
    /// When this process started, for the launch-to-first-paint figure.
    pub(crate) started: std::time::Instant,
    pub(crate) painted: std::sync::OnceLock<u128>,
}

/// What the page receives when something goes wrong: the core's `Failure` (a code from
/// `Code`, the French message, each field's message).
pub(crate) use desk::Failure;

pub(crate) type Reply<T> = Result<T, Failure>;

impl App {
    pub(crate) fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> desk::Result<T>) -> Reply<T> {
        Ok(self.writer()?.write(f)?)
    }

    /// The writer, for the core's workflow functions that take it between steps.
    pub(crate) fn writer(&self) -> Reply<&Mutex<Store>> {
        self.store.as_ref().map_err(Clone::clone)
    }

    /// A read on a connection of its own (taken from the pool, or opened), never waiting for
    /// the writer.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Store) -> desk::Result<T>) -> Reply<T> {
        let pooled = self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let reader = match pooled {
            Some(reader) => reader,
            None => {
                let (path, key) = self.with_store(|s| Ok((s.path().to_path_buf(), s.key().cloned())))?;
                let mut reader = Store::open_reader(&path, key.as_ref())?;
                reader.share_stock_index(self.stock_index.clone());
                reader
            }
        };
        let result = f(&reader);
        self.readers.lock().unwrap_or_else(|p| p.into_inner()).push(reader);
        Ok(result?)
    }

    /// Who acts now, as the core's attendance says (refused while locked or idle).
    pub(crate) fn actor(&self) -> Reply<Actor> {
        self.with_store(|store| self.attendance()?.actor(store))
    }

    pub(crate) fn journal(&self) -> Reply<Verification> {
        self.journal
            .get_or_init(|| self.with_store(|store| pos::verify_store(store)))
            .clone()
    }

    /// An act: the store, and who does it, as the core's attendance says (refused while the
    /// window is locked or idle).
    pub(crate) fn act<T>(&self, f: impl FnOnce(&mut Store, &Actor) -> desk::Result<T>) -> Reply<T> {
        self.with_store(|store| {
            let actor = self.attendance()?.actor(store)?;
            f(store, &actor)
        })
    }

    pub(crate) fn attendance(&self) -> desk::Result<&desk::Attendance> {
        self.attendance.as_ref().ok_or_else(|| Error::Refused {
            code: Code::Unavailable,
            message: "La base de données n'est pas ouverte.".into(),
        })
    }

    pub(crate) fn presence(&self) -> Reply<desk::Presence> {
        self.with_store(|store| self.attendance()?.presence(store))
    }

    pub(crate) fn programmes(&self) -> Reply<Vec<Programme>> {
        self.programmes.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// A person's page, its codes named with the programmes' labels.
    pub(crate) fn page(&self, person: people::Person) -> Reply<people::PersonPage> {
        Ok(people::page(person, &people::Catalogue::of(&self.programmes()?)))
    }

    pub(crate) fn reload_programmes(&self) {
        let loaded = self.with_store(|store| desk::programmes(store, &self.database));
        *self.programmes.write().unwrap_or_else(|p| p.into_inner()) = loaded;
    }
}

/// Runs a command's work off the window's thread (reqwest's blocking client must not run on the
/// async runtime).
pub(crate) async fn off_the_window<T>(
    handle: tauri::AppHandle,
    work: impl FnOnce(&App) -> Reply<T> + Send + 'static,
) -> Reply<T>
where
    T: Send + 'static,
{
    tauri::async_runtime::spawn_blocking(move || work(&handle.state::<App>()))
        .await
        .map_err(|e| Failure::new(Code::Internal, e.to_string()))?
}
