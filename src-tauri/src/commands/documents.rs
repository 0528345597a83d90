//! Documents: make, print, open, save as; the funders' reports.

use crate::app::*;

pub(crate) use comptoir::desk::documents::Made;
use comptoir::desk::documents::{Destination, Printing};

impl App {
    pub(crate) fn documents_folder(&self) -> PathBuf {
        documents::folder(&self.database)
    }

    /// Keeps each of `documents` ([`App::keep`]).
    pub(crate) fn keep_all(&self, store: &Store, documents: Vec<Document>, print: bool) -> desk::Result<Vec<Made>> {
        documents.into_iter().map(|d| self.keep(store, d, print)).collect()
    }

    /// Keeps `document` in the documents folder, printed when asked (a failure beside it).
    pub(crate) fn keep(&self, store: &Store, document: Document, print: bool) -> desk::Result<Made> {
        let folder = self.documents_folder();
        documents::keep(
            store,
            document,
            Destination::Folder(&folder),
            &Printing::on_default(print),
        )
    }
}

/// A receipt, onboarding sheet, credit note or closing report (a reprint is a numbered copy).
#[tauri::command]
pub(crate) async fn document_make(
    handle: tauri::AppHandle,
    kind: DocumentKind,
    reference: String,
    paper: Option<Paper>,
    print: bool,
) -> Reply<Made> {
    off_the_window(handle, move |app| {
        let folder = app.documents_folder();
        app.act(|store, actor| {
            let to = Destination::Folder(&folder);
            documents::issue(
                store,
                kind,
                &reference,
                paper,
                to,
                &Printing::on_default(print),
                Some(actor),
            )
        })
    })
    .await
}

/// After a sale, in one action: the receipt and the onboarding sheet, printed; a receipt whose
/// original waits for Réglages is named in `waiting`.
#[tauri::command]
pub(crate) async fn sale_documents(handle: tauri::AppHandle, receipt: String, print: bool) -> Reply<SaleDocuments> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| {
            let after = documents::after_sale(store, &receipt, actor)?;
            Ok(SaleDocuments {
                made: app.keep_all(store, after.documents, print)?,
                waiting: after.waiting,
            })
        })
    })
    .await
}

/// What « Imprimer le ticket et la fiche » made, and why the receipt waits, if it does.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct SaleDocuments {
    pub made: Vec<Made>,
    pub waiting: Option<String>,
}

/// Prints again a document already made (after a printer failure).
#[tauri::command]
pub(crate) async fn document_print(handle: tauri::AppHandle, file_name: String, title: String) -> Reply<PrintJob> {
    off_the_window(handle, move |app| {
        let folder = app.documents_folder();
        app.read(|store| documents::reprint(store, &folder, &file_name, &title))
    })
    .await
}

#[tauri::command]
pub(crate) async fn document_open(handle: tauri::AppHandle, file_name: String) -> Reply<()> {
    off_the_window(handle, move |app| {
        Ok(documents::open(&documents::path_in(
            &app.documents_folder(),
            &file_name,
        )?)?)
    })
    .await
}

/// « Enregistrer sous… »: the system's save dialog, then a copy. None when cancelled.
#[tauri::command]
pub(crate) async fn document_save_as(handle: tauri::AppHandle, file_name: String) -> Reply<Option<String>> {
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
    let to = chosen
        .into_path()
        .map_err(|e| Failure::new(Code::Invalid, format!("Emplacement inutilisable : {e}")))?;
    documents::save_as(&from, &to)?;
    Ok(Some(to.display().to_string()))
}

/// The dashboard: each active programme's progress to its targets, and the stock on sale.
#[tauri::command]
pub(crate) async fn dashboard(handle: tauri::AppHandle) -> Reply<documents::Dashboard> {
    off_the_window(handle, move |app| {
        let programmes = app.programmes()?;
        app.read(|store| documents::dashboard(store, &programmes, desk::today()))
    })
    .await
}

/// A funder's report, as PDF or CSV, kept in the documents folder like the other documents.
#[tauri::command]
pub(crate) async fn report_make(
    handle: tauri::AppHandle,
    programme: String,
    from: String,
    to: String,
    csv: bool,
) -> Reply<Made> {
    off_the_window(handle, move |app| {
        let programmes = app.programmes()?;
        let (from, to) = (day(&from)?, day(&to)?);
        app.read(|store| {
            let report = documents::report(store, &programmes, &programme, from, to)?;
            let document = documents::report_document(store, &report, csv)?;
            app.keep(store, document, false)
        })
    })
    .await
}

/// The donors of the stock, for the donor report's list.
#[tauri::command]
pub(crate) async fn donors_list(handle: tauri::AppHandle) -> Reply<Vec<documents::Donor>> {
    off_the_window(handle, move |app| app.read(documents::donors)).await
}

/// A donor's report over a period (dates as typed): its PDF, or its CSV export.
#[tauri::command]
pub(crate) async fn donor_report_make(
    handle: tauri::AppHandle,
    donor: String,
    from: String,
    to: String,
    csv: bool,
) -> Reply<Made> {
    off_the_window(handle, move |app| {
        let programmes = app.programmes()?;
        let (from, to) = (day(&from)?, day(&to)?);
        app.read(|store| {
            let report = documents::donor_report(store, &programmes, &donor, from, to)?;
            let document = documents::donor_report_document(store, &report, csv)?;
            app.keep(store, document, false)
        })
    })
    .await
}

/// A day as typed in a report's form (JJ/MM/AAAA or AAAA-MM-JJ).
fn day(text: &str) -> Result<chrono::NaiveDate, Failure> {
    people::parse_date(text).ok_or_else(|| Failure::new(Code::Invalid, format!("« {text} » n'est pas une date.")))
}
