//! The Comptoir window: a thin Tauri 2 shell. Each command calls one core function and maps
//! its error to `{code, message}` (French) for the UI. No business rule lives here.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tauri::{Manager, State};

use comptoir::beneficiary::{
    self, Catalogue, NewPerson, Person, PersonDecision, PersonInput, PersonSummary, Prescriber,
};
use comptoir::centre::{self, CentreInput, CentreSettings, Paper};
use comptoir::device::{self, AssetTag, Category, DeviceKind, DeviceState, StockAction, Term, Vocabulary};
use comptoir::diagnostic::{self, Advice, Answers, Place, ScreenWish, Use};
use comptoir::documents::{self, Document, DocumentKind};
use comptoir::journal::{self, Verification};
use comptoir::operators::Actor;
use comptoir::pos::{
    self, CashReport, CreditNote, PaymentMethod, Quote, SaleInput, SaleRecord, SaleRequest, SaleSummary, SessionInfo,
};
use comptoir::printing::{self, PrintJob, Printer};
use comptoir::programme::{LegalCaps, Programme};
use comptoir::stock::{self, Device, DeviceDetail, StockQuery, StockSummary};
use comptoir::vault::{self, OsKeyring};
use comptoir::{backup, desk, local, sync, Error, Money, Store};

/// The app's state: the store (or why it could not be opened) and who is at the desk.
struct App {
    store: Result<Mutex<Store>, UiError>,
    /// The programmes (shipped, beside the database, published by the hub), or why one of
    /// them is refused. Reloaded when a sync brings programmes.
    programmes: std::sync::RwLock<Result<Vec<Programme>, UiError>>,
    /// Who is at the desk: the core's attendance (a profile's PIN, the lock, the idle time).
    /// None only when the store could not be opened.
    attendance: Option<desk::Attendance>,
    /// Where the log files are (None: the folder could not be made; the app runs unlogged).
    log_folder: Option<PathBuf>,
    /// The daily work Comptoir does by itself (purge, daily backup).
    maintenance: Mutex<desk::Maintenance>,
    database: PathBuf,
    /// The journal's verification, made once (at the first screen's request): afterwards the
    /// chain only grows through this process's own appends.
    journal: std::sync::OnceLock<Reply<Verification>>,
    /// When this process started, for the launch-to-first-paint figure.
    started: std::time::Instant,
    painted: std::sync::OnceLock<u128>,
}

/// What the UI receives when something goes wrong: a stable code and a French message.
#[derive(Debug, Clone, Serialize)]
struct UiError {
    code: &'static str,
    message: String,
}

impl From<comptoir::Error> for UiError {
    fn from(err: comptoir::Error) -> Self {
        // The code only: a message may quote what was typed (a name, a phone).
        tracing::warn!(code = err.code(), "action refusée");
        UiError {
            code: err.code(),
            message: err.to_string(),
        }
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

    fn journal(&self) -> Reply<Verification> {
        self.journal
            .get_or_init(|| self.with_store(|store| journal::verify_store(store)))
            .clone()
    }

    /// An act: the store, and who does it, as the core's attendance says (refused while the
    /// window is locked or idle).
    fn act<T>(&self, f: impl FnOnce(&mut Store, &Actor) -> comptoir::Result<T>) -> Reply<T> {
        self.with_store(|store| {
            let actor = self.attendance()?.actor(store)?;
            f(store, &actor)
        })
    }

    fn attendance(&self) -> comptoir::Result<&desk::Attendance> {
        self.attendance.as_ref().ok_or_else(|| Error::Refused {
            code: "unavailable",
            message: "La base de données n'est pas ouverte.".into(),
        })
    }

    fn presence(&self) -> Reply<desk::Presence> {
        self.with_store(|store| self.attendance()?.presence(store))
    }

    fn programmes(&self) -> Reply<Vec<Programme>> {
        self.programmes.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn reload_programmes(&self) {
        let loaded = self.with_store(|store| {
            sync::programmes(
                store,
                Some(&local::programmes_folder(&self.database)),
                &LegalCaps::shipped(),
            )
        });
        *self.programmes.write().unwrap_or_else(|p| p.into_inner()) = loaded;
    }
}

/// Codes and labels the people screens offer.
#[derive(Serialize)]
struct PeopleVocabulary {
    catalogue: Catalogue,
    prescribers: Vec<Term>,
    uses: Vec<Term>,
    places: Vec<Term>,
    screens: Vec<Term>,
    programmes: Vec<Named>,
}

/// A programme's id and name.
#[derive(Serialize)]
struct Named {
    code: String,
    label: String,
}

#[derive(Serialize)]
struct AppInfo {
    database: String,
    operator: String,
    today: String,
    vocabulary: Vocabulary,
    people: PeopleVocabulary,
    /// Set when the database could not be opened: the UI shows it instead of the stock.
    startup_error: Option<UiError>,
    /// Set when a programme file is refused: the people screens show it.
    programmes_error: Option<UiError>,
    /// Set when the journal's chain does not verify: a blocking warning at start.
    journal_alert: Option<String>,
    /// The receipt papers the settings offer.
    papers: Vec<Term>,
    /// The operators' roles.
    roles: Vec<Term>,
    /// A fresh install: the first-run form is shown.
    first_run: bool,
    /// Where the log files are (Réglages shows it).
    log_folder: Option<String>,
}

#[tauri::command]
fn app_info(app: State<'_, App>) -> AppInfo {
    let loaded = app.programmes();
    let programmes = loaded.as_deref().unwrap_or(&[]);
    AppInfo {
        database: app.database.display().to_string(),
        operator: app.presence().map(|p| p.current).unwrap_or_default(),
        today: local::today().to_string(),
        vocabulary: device::vocabulary(),
        people: PeopleVocabulary {
            catalogue: Catalogue::of(programmes),
            prescribers: device::terms::<Prescriber>(),
            uses: device::terms::<Use>(),
            places: device::terms::<Place>(),
            screens: device::terms::<ScreenWish>(),
            programmes: programmes
                .iter()
                .map(|p| Named {
                    code: p.id.clone(),
                    label: p.name.clone(),
                })
                .collect(),
        },
        startup_error: app.store.as_ref().err().cloned(),
        programmes_error: loaded.as_ref().err().cloned(),
        journal_alert: app.journal().ok().filter(|v| !v.is_intact()).map(|v| v.message()),
        papers: device::terms::<Paper>(),
        roles: device::terms::<comptoir::operators::Role>(),
        first_run: app.with_store(|store| comptoir::setup::needed(store)).unwrap_or(false),
        log_folder: app.log_folder.as_ref().map(|f| f.display().to_string()),
    }
}

#[tauri::command]
fn people_search(app: State<'_, App>, text: String) -> Reply<Vec<PersonSummary>> {
    app.with_store(|store| beneficiary::search(store, &text, 50))
}

#[tauri::command]
fn person_show(app: State<'_, App>, id: i64) -> Reply<Person> {
    app.with_store(|store| beneficiary::get(store, id))
}

/// Creates a person, or updates one when `id` is given. A likely duplicate comes back as the
/// error `likely_duplicate` unless `force`.
#[tauri::command]
fn person_save(app: State<'_, App>, id: Option<i64>, input: PersonInput, force: bool) -> Reply<Person> {
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
}

#[tauri::command]
fn proof_add(app: State<'_, App>, id: i64, kind: String, issued: String) -> Reply<Person> {
    let catalogue = Catalogue::of(&app.programmes()?);
    app.act(|store, actor| {
        beneficiary::add_proof(store, id, &kind, &issued, actor, &catalogue, local::today())?;
        beneficiary::get(store, id)
    })
}

#[tauri::command]
fn eligibility_check(app: State<'_, App>, id: i64, kind: Option<DeviceKind>) -> Reply<PersonDecision> {
    let programmes = app.programmes()?;
    app.with_store(|store| beneficiary::check(store, &programmes, id, local::today(), kind))
}

#[tauri::command]
fn eligibility_override(
    app: State<'_, App>,
    id: i64,
    programme: String,
    reason: String,
    kind: Option<DeviceKind>,
) -> Reply<PersonDecision> {
    let programmes = app.programmes()?;
    app.act(|store, actor| {
        beneficiary::override_decision(store, &programmes, id, &programme, &reason, actor, local::today(), kind)
    })
}

/// Merges the duplicate record into the one shown (a manager's act; reason required).
#[tauri::command]
fn person_merge(app: State<'_, App>, keep: i64, duplicate: i64, reason: String) -> Reply<Person> {
    app.act(|store, actor| {
        beneficiary::merge(store, keep, duplicate, actor, &reason)?;
        beneficiary::get(store, keep)
    })
}

/// The point of sale as it stands: the open permanence, the journal's verification (made once
/// at start; a broken chain blocks selling in the UI), this register's identity.
#[derive(Serialize)]
struct PosState {
    session: Option<SessionInfo>,
    journal: Verification,
    journal_message: String,
    centre_code: String,
    register_code: String,
    payment_methods: Vec<Term>,
}

#[tauri::command]
fn pos_state(app: State<'_, App>) -> Reply<PosState> {
    let journal = app.journal()?;
    app.with_store(|store| {
        let (centre_code, register_code) = pos::register_identity(store)?;
        Ok(PosState {
            session: pos::current_session(store)?,
            journal_message: journal.message(),
            journal,
            centre_code,
            register_code,
            payment_methods: device::terms::<PaymentMethod>(),
        })
    })
}

#[tauri::command]
fn session_open(app: State<'_, App>, float: String) -> Reply<CashReport> {
    app.act(|store, actor| {
        let float = Money::parse(&float)?;
        pos::open_session(store, actor, float)?;
        pos::x_report(store)
    })
}

#[tauri::command]
fn session_report(app: State<'_, App>) -> Reply<CashReport> {
    app.with_store(|store| pos::x_report(store))
}

#[tauri::command]
async fn session_close(
    handle: tauri::AppHandle,
    counted: BTreeMap<String, String>,
    comment: String,
) -> Reply<CashReport> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| {
            let mut parsed = BTreeMap::new();
            for (method, amount) in counted.iter().filter(|(_, a)| !a.trim().is_empty()) {
                let amount = Money::parse(amount)?;
                parsed.insert(PaymentMethod::parse(method)?, amount);
            }
            // The closing, then its backup (the core's policy: a failed backup does not undo
            // the closing; the top bar shows the age of the last good one).
            let closed = desk::close_session(store, actor, parsed, &comment)?;
            if closed.backup.error.is_some() {
                tracing::warn!("sauvegarde de clôture manquée");
            }
            Ok(closed.report)
        })
    })
    .await
}

#[tauri::command]
fn sale_quote(app: State<'_, App>, code: String, programme: Option<String>) -> Reply<Quote> {
    let programmes = app.programmes()?;
    app.with_store(|store| pos::quote(store, &programmes, &LegalCaps::shipped(), &code, programme.as_deref()))
}

#[tauri::command]
fn sale_create(app: State<'_, App>, input: SaleInput) -> Reply<SaleRecord> {
    let programmes = app.programmes()?;
    app.act(|store, actor| {
        let request = SaleRequest::try_from(input)?;
        pos::create_sale(store, &programmes, &LegalCaps::shipped(), &request, actor)
    })
}

#[tauri::command]
fn sale_cancel(
    app: State<'_, App>,
    receipt: String,
    line: Option<usize>,
    reason: String,
    refund: PaymentMethod,
    defective: bool,
) -> Reply<CreditNote> {
    app.act(|store, actor| pos::cancel_sale(store, &receipt, line, &reason, refund, defective, actor))
}

#[tauri::command]
fn sales_list(app: State<'_, App>) -> Reply<Vec<SaleSummary>> {
    app.with_store(|store| pos::list_sales(store, 200))
}

#[tauri::command]
fn sale_show(app: State<'_, App>, receipt: String) -> Reply<SaleRecord> {
    app.with_store(|store| pos::sale(store, &receipt))
}

#[tauri::command]
fn diagnostic_advise(app: State<'_, App>, answers: Answers) -> Reply<Advice> {
    app.with_store(|store| diagnostic::advise(store, &answers))
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
    let query = StockQuery {
        kind: query.kind,
        category: query.category,
        state: query.state,
        text: query.text,
        ..StockQuery::default()
    };
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
    app.act(|store, actor| {
        let tag = AssetTag::parse(&tag)?;
        stock::change_state(store, &tag, action, actor, &reason)?;
        stock::detail(store, tag.as_str())
    })
}

/// The centre's settings, valid, and as the form shows them.
#[derive(Serialize)]
struct CentreView {
    settings: CentreSettings,
    form: CentreInput,
    missing: Vec<&'static str>,
    papers: Vec<Term>,
}

fn centre_view(store: &Store) -> comptoir::Result<CentreView> {
    let settings = centre::load(store)?;
    Ok(CentreView {
        form: CentreInput::from(&settings),
        missing: settings.missing(),
        papers: device::terms::<Paper>(),
        settings,
    })
}

#[tauri::command]
fn centre_show(app: State<'_, App>) -> Reply<CentreView> {
    app.with_store(|store| centre_view(store))
}

#[tauri::command]
fn centre_save(app: State<'_, App>, input: CentreInput) -> Reply<CentreView> {
    app.act(|store, actor| {
        centre::save(store, &input, actor)?;
        centre_view(store)
    })
}

#[tauri::command]
fn centre_logo(app: State<'_, App>, bytes: Option<Vec<u8>>) -> Reply<CentreView> {
    app.act(|store, actor| {
        match bytes {
            Some(bytes) => centre::set_logo(store, &bytes, actor)?,
            None => centre::remove_logo(store, actor)?,
        }
        centre_view(store)
    })
}

#[tauri::command]
fn printers_list() -> Reply<Vec<Printer>> {
    Ok(printing::printers()?)
}

/// A document made and kept in the documents folder; printed when asked. A printing failure
/// is returned beside the document, which stays for a retry.
#[derive(Serialize)]
struct Made {
    #[serde(flatten)]
    document: Document,
    printed: Option<PrintJob>,
    print_error: Option<UiError>,
}

impl App {
    fn documents_folder(&self) -> PathBuf {
        documents::folder(&self.database)
    }

    fn keep_and_print(&self, store: &Store, document: Document, print: bool) -> comptoir::Result<Made> {
        let path = document.save_in(&self.documents_folder())?;
        let (printed, print_error) = if print {
            let printer = centre::load(store)?.printer;
            match printing::print(&path, printer.as_deref(), &document.title) {
                Ok(job) => (Some(job), None),
                Err(e) => (None, Some(UiError::from(e))),
            }
        } else {
            (None, None)
        };
        Ok(Made {
            document,
            printed,
            print_error,
        })
    }
}

/// A receipt, onboarding sheet, credit note or closing report (a reprint is a numbered copy).
#[tauri::command]
fn document_make(
    app: State<'_, App>,
    kind: DocumentKind,
    reference: String,
    paper: Option<Paper>,
    print: bool,
) -> Reply<Made> {
    app.act(|store, actor| {
        let document = match kind {
            DocumentKind::Receipt => documents::receipt(store, &reference, paper, actor)?,
            DocumentKind::Onboarding => documents::onboarding(store, &reference)?,
            DocumentKind::CreditNote => documents::credit_note(store, &reference, actor)?,
            DocumentKind::Closing => documents::closing(store, &reference, actor)?,
            DocumentKind::Notice => documents::notice(store)?,
            DocumentKind::PersonData => {
                let id = reference.parse().map_err(|_| Error::PersonNotFound(0))?;
                documents::person_export(store, &comptoir::privacy::export(store, id)?)?
            }
            DocumentKind::Report => {
                return Err(Error::Refused {
                    code: "invalid",
                    message: "Un bilan se fait depuis l'écran des bilans.".into(),
                })
            }
            DocumentKind::RecoverySheet => {
                return Err(Error::Refused {
                    code: "invalid",
                    message: "La phrase de secours s'imprime depuis Réglages › Sauvegardes et clé.".into(),
                })
            }
        };
        app.keep_and_print(store, document, print)
    })
}

/// After a sale, in one action: the receipt and the onboarding sheet, printed.
#[tauri::command]
fn sale_documents(app: State<'_, App>, receipt: String, print: bool) -> Reply<Vec<Made>> {
    app.act(|store, actor| {
        documents::after_sale(store, &receipt, actor)?
            .into_iter()
            .map(|d| app.keep_and_print(store, d, print))
            .collect()
    })
}

/// Prints again a document already made (after a printer failure).
#[tauri::command]
fn document_print(app: State<'_, App>, file_name: String, title: String) -> Reply<PrintJob> {
    let path = documents::path_in(&app.documents_folder(), &file_name)?;
    let printer = app.with_store(|store| centre::load(store))?.printer;
    Ok(printing::print(&path, printer.as_deref(), &title)?)
}

#[tauri::command]
fn document_open(app: State<'_, App>, file_name: String) -> Reply<()> {
    Ok(printing::open(&documents::path_in(
        &app.documents_folder(),
        &file_name,
    )?)?)
}

/// « Enregistrer sous… »: the system's save dialog, then a copy. None when cancelled.
#[tauri::command]
async fn document_save_as(handle: tauri::AppHandle, file_name: String) -> Reply<Option<String>> {
    use tauri_plugin_dialog::DialogExt;
    let app = handle.state::<App>();
    let from = documents::path_in(&app.documents_folder(), &file_name)?;
    let chosen = handle
        .dialog()
        .file()
        .set_title("Enregistrer le document")
        .set_file_name(&file_name)
        .add_filter("Document PDF", &["pdf"])
        .blocking_save_file();
    let Some(chosen) = chosen else { return Ok(None) };
    let to = chosen.into_path().map_err(|e| UiError {
        code: "invalid",
        message: format!("Emplacement inutilisable : {e}"),
    })?;
    printing::save_as(&from, &to)?;
    Ok(Some(to.display().to_string()))
}

/// The dashboard: each active programme's progress to its targets, and the stock on sale.
#[tauri::command]
fn dashboard(app: State<'_, App>) -> Reply<comptoir::reports::Dashboard> {
    let programmes = app.programmes()?;
    app.with_store(|store| comptoir::reports::dashboard(store, &programmes, local::today()))
}

/// A funder's report, as PDF or CSV, kept in the documents folder like the other documents.
#[tauri::command]
fn report_make(app: State<'_, App>, programme: String, from: String, to: String, csv: bool) -> Reply<Made> {
    let programmes = app.programmes()?;
    let day = |text: &str| {
        beneficiary::parse_date(text).ok_or_else(|| UiError {
            code: "invalid",
            message: format!("« {text} » n'est pas une date."),
        })
    };
    let (from, to) = (day(&from)?, day(&to)?);
    app.with_store(|store| {
        let programme = comptoir::reports::find_programme(&programmes, &programme)?;
        let report = comptoir::reports::build(store, programme, from, to)?;
        let mut document = documents::funder_report(store, &report)?;
        if csv {
            document.pdf = comptoir::reports::to_csv(&report);
            document.file_name = document.file_name.replace(".pdf", ".csv");
            document.title = document.title.replacen("Bilan", "Export CSV", 1);
        }
        app.keep_and_print(store, document, false)
    })
}

#[derive(Serialize)]
struct PrivacyView {
    retention_months: u32,
    register: Vec<comptoir::privacy::RegisterEntry>,
}

#[tauri::command]
fn privacy_register(app: State<'_, App>, months: Option<u32>) -> Reply<PrivacyView> {
    app.act(|store, actor| {
        if let Some(m) = months {
            comptoir::privacy::set_retention_months(store, m, actor)?;
        }
        let retention_months = comptoir::privacy::retention_months(store)?;
        Ok(PrivacyView {
            retention_months,
            register: comptoir::privacy::register(retention_months),
        })
    })
}

/// The information notice's text, shown on the person's form.
#[tauri::command]
fn privacy_notice(app: State<'_, App>) -> Reply<String> {
    app.with_store(|store| comptoir::privacy::notice(store))
}

/// Who the retention rule anonymises now (`dry_run`), or does it.
#[tauri::command]
fn privacy_purge(app: State<'_, App>, dry_run: bool) -> Reply<comptoir::privacy::PurgeReport> {
    app.act(|store, actor| comptoir::privacy::purge(store, local::today(), dry_run, actor))
}

/// Everything held about a person: the readable PDF and the JSON, in the documents folder.
#[tauri::command]
fn privacy_export(app: State<'_, App>, id: i64) -> Reply<Vec<Made>> {
    app.with_store(|store| {
        let data = comptoir::privacy::export(store, id)?;
        let pdf = documents::person_export(store, &data)?;
        let mut json = pdf.clone();
        json.pdf = serde_json::to_vec_pretty(&data).expect("an export serialises");
        json.file_name = pdf.file_name.replace(".pdf", ".json");
        json.title = format!("{} (JSON)", pdf.title);
        Ok(vec![
            app.keep_and_print(store, pdf, false)?,
            app.keep_and_print(store, json, false)?,
        ])
    })
}

#[tauri::command]
fn privacy_erase(app: State<'_, App>, id: i64, reason: String) -> Reply<Person> {
    app.act(|store, actor| {
        comptoir::privacy::erase(store, id, &reason, actor)?;
        beneficiary::get(store, id)
    })
}

/// The profiles, who is at the desk, and whether a PIN must be entered first (the core's
/// attendance says; the page only shows it).
#[derive(Serialize)]
struct Desk {
    profiles: Vec<comptoir::operators::Operator>,
    current: String,
    locked: bool,
    idle_minutes: u32,
    roles: Vec<Term>,
}

fn desk(app: &App) -> Reply<Desk> {
    let presence = app.presence()?;
    Ok(Desk {
        profiles: app.with_store(|store| comptoir::operators::list(store))?,
        current: presence.current,
        locked: presence.locked,
        idle_minutes: presence.idle_minutes,
        roles: device::terms::<comptoir::operators::Role>(),
    })
}

#[tauri::command]
fn operators_list(app: State<'_, App>) -> Reply<Desk> {
    desk(&app)
}

/// The quick switch: a profile and its PIN (hashed off the window's thread; wrong PINs are
/// counted by the core).
#[tauri::command]
async fn operator_switch(handle: tauri::AppHandle, name: String, pin: String) -> Reply<Desk> {
    off_the_window(handle, move |app| {
        app.with_store(|store| app.attendance()?.switch(store, &name, &pin))?;
        desk(app)
    })
    .await
}

/// « Ouvrir le dossier des journaux » (Réglages): the log files a volunteer can send.
#[tauri::command]
async fn log_folder_open(handle: tauri::AppHandle) -> Reply<()> {
    off_the_window(handle, |app| {
        let folder = app.log_folder.clone().ok_or_else(|| UiError {
            code: "unavailable",
            message: "Le dossier des journaux n'a pas pu être créé sur ce poste.".into(),
        })?;
        Ok(printing::open_folder(&folder)?)
    })
    .await
}

/// Someone used the window: the idle time starts again (never unlocks).
#[tauri::command]
fn desk_activity(app: State<'_, App>) {
    if let Ok(attendance) = app.attendance() {
        attendance.touch_at(std::time::Instant::now());
    }
}

/// « Verrouiller » : nobody at the desk until a PIN.
#[tauri::command]
fn desk_lock(app: State<'_, App>) -> Reply<Desk> {
    app.with_store(|store| app.attendance()?.lock(store))?;
    desk(&app)
}

#[tauri::command]
async fn operator_add(
    handle: tauri::AppHandle,
    name: String,
    role: comptoir::operators::Role,
    pin: String,
) -> Reply<Desk> {
    off_the_window(handle, move |app| {
        let first = !app.with_store(|store| comptoir::operators::any(store))?;
        app.act(|store, actor| comptoir::operators::add(store, &name, role, &pin, actor))?;
        if first {
            // The first profile is the manager at the desk now.
            app.with_store(|store| app.attendance()?.switch(store, &name, &pin))?;
        }
        desk(app)
    })
    .await
}

/// A manager gives a profile a new PIN (forgotten, or locked after five wrong ones).
#[tauri::command]
async fn operator_reset_pin(handle: tauri::AppHandle, name: String, pin: String) -> Reply<Desk> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| comptoir::operators::reset_pin(store, &name, &pin, actor))?;
        desk(app)
    })
    .await
}

#[tauri::command]
fn operator_disable(app: State<'_, App>, name: String) -> Reply<Desk> {
    app.act(|store, actor| comptoir::operators::disable(store, &name, actor))?;
    desk(&app)
}

/// The idle time after which the window locks (a manager, in Réglages).
#[tauri::command]
fn idle_lock_save(app: State<'_, App>, minutes: u32) -> Reply<Desk> {
    app.act(|store, actor| desk::set_idle_minutes(store, minutes, actor))?;
    app.attendance()?.set_idle(minutes);
    desk(&app)
}

/// The first run: the centre, its first manager (now at the desk) and its programme.
#[tauri::command]
async fn first_run(handle: tauri::AppHandle, input: comptoir::setup::FirstRun) -> Reply<Desk> {
    off_the_window(handle, move |app| {
        let folder = local::programmes_folder(&app.database);
        app.with_store(|store| comptoir::setup::first_run(store, &folder, &input))?;
        app.with_store(|store| app.attendance()?.switch(store, &input.manager, &input.pin))?;
        app.reload_programmes();
        desk(app)
    })
    .await
}

/// The sync status line: last success, events waiting, last error, conflicts.
#[tauri::command]
fn sync_status(app: State<'_, App>) -> Reply<sync::Status> {
    app.with_store(|store| sync::status(store))
}

fn sync_client(app: &App, waiting: desk::Waiting) -> Reply<sync::Client> {
    app.with_store(|store| desk::sync_client(store, waiting))
}

/// One round now (« Synchroniser »): off the window's thread, the store locked only between
/// network calls.
fn sync_round(app: &App, waiting: desk::Waiting) -> Reply<sync::RoundReport> {
    let client = sync_client(app, waiting)?;
    let store = app.store.as_ref().map_err(Clone::clone)?;
    let report = sync::round(store, &client)?;
    if report.programmes > 0 {
        app.reload_programmes();
    }
    Ok(report)
}

/// Runs network work off the window's thread (reqwest's blocking client must not run on the
/// async runtime).
async fn off_the_window<T>(handle: tauri::AppHandle, work: impl FnOnce(&App) -> Reply<T> + Send + 'static) -> Reply<T>
where
    T: Send + 'static,
{
    tauri::async_runtime::spawn_blocking(move || work(&handle.state::<App>()))
        .await
        .map_err(|e| UiError {
            code: "internal",
            message: e.to_string(),
        })?
}

#[tauri::command]
async fn sync_now(handle: tauri::AppHandle) -> Reply<sync::RoundReport> {
    off_the_window(handle, |app| sync_round(app, desk::Waiting::Person)).await
}

/// Saves the hub's address and the centre, and the token when one is typed (to the keyring).
#[tauri::command]
fn hub_save(app: State<'_, App>, url: String, centre: String, token: Option<String>) -> Reply<sync::Status> {
    let config = sync::HubConfig::parse(&url, &centre)?;
    app.act(|store, actor| {
        sync::set_config(store, &config, actor)?;
        if let Some(token) = token.filter(|t| !t.trim().is_empty()) {
            desk::set_hub_token(store, &token, actor)?;
        }
        sync::status(store)
    })
}

/// « Tester la connexion »: the address, the token and the centre.
#[tauri::command]
async fn hub_test(handle: tauri::AppHandle) -> Reply<sync::protocol::Health> {
    off_the_window(handle, |app| Ok(sync_client(app, desk::Waiting::Person)?.test()?)).await
}

/// Background work: the daily backup, the daily retention purge, and sync every 5 minutes while the hub answers; after a failure, waits longer each
/// time (1, 2, 4… up to 30 minutes, with jitter). Does nothing while no hub is configured.
fn background_sync(handle: tauri::AppHandle) {
    std::thread::spawn(move || {
        let mut failures = 0u32;
        std::thread::sleep(Duration::from_secs(20));
        loop {
            let app = handle.state::<App>();
            // The core's daily maintenance: the retention purge once a day for a window left
            // open, the daily backup when the last good one is a day old.
            let _ = app.with_store(|store| {
                let mut maintenance = app.maintenance.lock().unwrap_or_else(|p| p.into_inner());
                Ok(maintenance.run(store, local::today(), std::time::Instant::now()))
            });
            let configured = app.with_store(|store| sync::config(store)).ok().flatten().is_some();
            let wait = if !configured {
                Duration::from_secs(60)
            } else {
                match sync_round(&app, desk::Waiting::Background) {
                    Ok(_) => {
                        failures = 0;
                        Duration::from_secs(300)
                    }
                    Err(_) => {
                        failures += 1;
                        sync::backoff(Duration::from_secs(60), failures).min(Duration::from_secs(1800))
                    }
                }
            };
            std::thread::sleep(wait);
        }
    });
}

/// What the top bar and the settings show about data at rest.
#[derive(Serialize)]
struct Safety {
    backup: backup::Status,
    recent: Vec<comptoir::store::vault::BackupRecord>,
    encrypted: bool,
    phrase_pending: bool,
}

fn safety(app: &App) -> Reply<Safety> {
    app.with_store(|store| {
        Ok(Safety {
            backup: backup::status(store, chrono::Utc::now())?,
            recent: comptoir::store::vault::recent(store, 10)?,
            encrypted: store.key().is_some(),
            phrase_pending: vault::phrase_pending(store)?,
        })
    })
}

#[tauri::command]
fn safety_status(app: State<'_, App>) -> Reply<Safety> {
    safety(&app)
}

/// « Sauvegarder maintenant », off the window's thread.
#[tauri::command]
async fn backup_now(handle: tauri::AppHandle) -> Reply<backup::Made> {
    off_the_window(handle, |app| {
        app.act(|store, actor| desk::backup_now(store, None, actor))
    })
    .await
}

/// « Choisir le dossier… » (a manager): the system's folder dialog. None when cancelled.
#[tauri::command]
async fn backup_folder_choose(handle: tauri::AppHandle) -> Reply<Option<Safety>> {
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
    let folder = chosen.into_path().map_err(|e| UiError {
        code: "invalid",
        message: format!("Dossier inutilisable : {e}"),
    })?;
    app.act(|store, actor| backup::set_folder(store, Some(&folder), actor))?;
    safety(&app).map(Some)
}

#[tauri::command]
fn backup_folder_default(app: State<'_, App>) -> Reply<Safety> {
    app.act(|store, actor| backup::set_folder(store, None, actor))?;
    safety(&app)
}

/// « Restaurer une sauvegarde… » (a manager): the file dialog, the checks, then Comptoir
/// starts again on the restored database. False when cancelled.
#[tauri::command]
async fn backup_restore(handle: tauri::AppHandle, phrase: Option<String>) -> Reply<bool> {
    use tauri_plugin_dialog::DialogExt;
    let app = handle.state::<App>();
    if app.store.is_ok() {
        app.act(|store, actor| desk::require_manager(store, actor))?;
    }
    let Some(chosen) = handle
        .dialog()
        .file()
        .set_title("Sauvegarde à restaurer")
        .add_filter("Sauvegarde Comptoir", &["sqlite"])
        .blocking_pick_file()
    else {
        return Ok(false);
    };
    let file = chosen.into_path().map_err(|e| UiError {
        code: "invalid",
        message: format!("Fichier inutilisable : {e}"),
    })?;
    let database = app.database.clone();
    let phrase = phrase.filter(|p| !p.trim().is_empty());
    let restored = match &app.store {
        Ok(store) => {
            // The live database is closed while it is replaced; reopened as it was on refusal.
            let mut guard = store.lock().unwrap_or_else(|p| p.into_inner());
            let live = std::mem::replace(&mut *guard, Store::open_in_memory()?);
            drop(live);
            let result = backup::restore(&database, &file, &OsKeyring, phrase.as_deref());
            if result.is_err() {
                *guard = vault::open(&database, &OsKeyring)?;
            }
            result?
        }
        Err(_) => backup::restore(&database, &file, &OsKeyring, phrase.as_deref())?,
    };
    tracing::info!(entrees = restored.journal_entries, "sauvegarde restaurée");
    handle.restart();
}

/// The recovery phrase (a manager, or the single user of a desk without profiles).
#[tauri::command]
fn recovery_phrase(app: State<'_, App>) -> Reply<Vec<String>> {
    app.act(|store, actor| vault::recovery_phrase(store, &OsKeyring, actor))
}

#[tauri::command]
fn recovery_phrase_noted(app: State<'_, App>) -> Reply<Safety> {
    app.act(|store, actor| vault::acknowledge_phrase(store, actor))?;
    safety(&app)
}

/// Prints the recovery sheet from a temporary file, removed once handed to the printer.
#[tauri::command]
fn recovery_phrase_print(app: State<'_, App>) -> Reply<PrintJob> {
    let (document, printer) = app.act(|store, actor| {
        Ok((
            documents::recovery_sheet(store, &OsKeyring, actor)?,
            centre::load(store)?.printer,
        ))
    })?;
    let dir = tempfile::tempdir().map_err(|source| Error::Io {
        path: std::env::temp_dir(),
        source,
    })?;
    let path = document.save_in(dir.path())?;
    let job = printing::print(&path, printer.as_deref(), &document.title);
    drop(dir);
    Ok(job?)
}

/// The keyring lost the key: the recovery phrase puts it back, then Comptoir starts again.
#[tauri::command]
fn key_recover(handle: tauri::AppHandle, phrase: String) -> Reply<()> {
    let app = handle.state::<App>();
    vault::recover(&app.database, &phrase, &OsKeyring)?;
    handle.restart();
}

/// The page has painted its first screen: the time since launch, logged once (the figure
/// `scripts/measure-app` reads).
#[tauri::command]
fn first_paint(app: State<'_, App>) -> u128 {
    *app.painted.get_or_init(|| {
        let ms = app.started.elapsed().as_millis();
        eprintln!("comptoir: première image {ms} ms après le lancement");
        tracing::info!(ms, "première image");
        ms
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
    let log_folder = comptoir::logging::init_app(comptoir::logging::log_folder()).ok();
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "démarrage de Comptoir");
    // Encrypted with the key in the OS keyring (created at first run; a plain database from an
    // earlier version is encrypted in place). A file that is not Comptoir's is refused untouched.
    let store = desk::open(&database, &OsKeyring);
    // With profiles, nobody is at the desk until a PIN is entered.
    let attendance = store
        .as_ref()
        .ok()
        .and_then(|store| desk::Attendance::new(store, &local::operator_name(None)).ok());
    let app = App {
        store: store.map(Mutex::new).map_err(UiError::from),
        programmes: std::sync::RwLock::new(Ok(Vec::new())),
        attendance,
        maintenance: Mutex::new(desk::Maintenance::new()),
        database,
        log_folder,
        journal: std::sync::OnceLock::new(),
        started,
        painted: std::sync::OnceLock::new(),
    };
    app.reload_programmes();
    // Retention: who has had no contact for the configured period is anonymised at start.
    let _ = app.with_store(|store| {
        let mut report = desk::MaintenanceReport::default();
        app.maintenance
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .purge(store, local::today(), &mut report);
        Ok(())
    });

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
        .invoke_handler(tauri::generate_handler![
            app_info,
            stock_list,
            stock_show,
            stock_summary,
            stock_apply,
            people_search,
            person_show,
            person_save,
            person_merge,
            proof_add,
            eligibility_check,
            eligibility_override,
            diagnostic_advise,
            pos_state,
            session_open,
            session_report,
            session_close,
            sale_quote,
            sale_create,
            sale_cancel,
            sales_list,
            sale_show,
            centre_show,
            centre_save,
            centre_logo,
            printers_list,
            document_make,
            sale_documents,
            document_print,
            document_open,
            document_save_as,
            dashboard,
            report_make,
            operators_list,
            first_run,
            operator_switch,
            operator_add,
            operator_disable,
            operator_reset_pin,
            desk_activity,
            desk_lock,
            idle_lock_save,
            log_folder_open,
            privacy_register,
            privacy_notice,
            privacy_purge,
            privacy_export,
            privacy_erase,
            sync_status,
            sync_now,
            hub_save,
            hub_test,
            safety_status,
            backup_now,
            backup_folder_choose,
            backup_folder_default,
            backup_restore,
            recovery_phrase,
            recovery_phrase_noted,
            recovery_phrase_print,
            key_recover,
            first_paint,
        ])
        .setup(|app| {
            background_sync(app.handle().clone());
            Ok(())
        })
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("Comptoir n'a pas pu ouvrir sa fenêtre");
}
