//! Documents: make, print, open, save as; the funders' reports.

use crate::app::*;

/// A document made and kept in the documents folder; printed when asked. A printing failure
/// is returned beside the document, which stays for a retry.
#[derive(Serialize)]
pub(crate) struct Made {
    #[serde(flatten)]
    document: Document,
    printed: Option<PrintJob>,
    print_error: Option<UiError>,
}

impl App {
    pub(crate) fn documents_folder(&self) -> PathBuf {
        documents::folder(&self.database)
    }

    pub(crate) fn keep_and_print(&self, store: &Store, document: Document, print: bool) -> comptoir::Result<Made> {
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
pub(crate) async fn document_make(
    handle: tauri::AppHandle,
    kind: DocumentKind,
    reference: String,
    paper: Option<Paper>,
    print: bool,
) -> Reply<Made> {
    off_the_window(handle, move |app| {
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
    })
    .await
}

/// After a sale, in one action: the receipt and the onboarding sheet, printed.
#[tauri::command]
pub(crate) async fn sale_documents(handle: tauri::AppHandle, receipt: String, print: bool) -> Reply<Vec<Made>> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| {
            documents::after_sale(store, &receipt, actor)?
                .into_iter()
                .map(|d| app.keep_and_print(store, d, print))
                .collect()
        })
    })
    .await
}

/// Prints again a document already made (after a printer failure).
#[tauri::command]
pub(crate) async fn document_print(handle: tauri::AppHandle, file_name: String, title: String) -> Reply<PrintJob> {
    off_the_window(handle, move |app| {
        let path = documents::path_in(&app.documents_folder(), &file_name)?;
        let printer = app.with_store(|store| centre::load(store))?.printer;
        Ok(printing::print(&path, printer.as_deref(), &title)?)
    })
    .await
}

#[tauri::command]
pub(crate) async fn document_open(handle: tauri::AppHandle, file_name: String) -> Reply<()> {
    off_the_window(handle, move |app| {
        Ok(printing::open(&documents::path_in(
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
    let to = chosen.into_path().map_err(|e| UiError {
        code: "invalid",
        message: format!("Emplacement inutilisable : {e}"),
    })?;
    printing::save_as(&from, &to)?;
    Ok(Some(to.display().to_string()))
}

/// The dashboard: each active programme's progress to its targets, and the stock on sale.
#[tauri::command]
pub(crate) async fn dashboard(handle: tauri::AppHandle) -> Reply<comptoir::reports::Dashboard> {
    off_the_window(handle, move |app| {
        let programmes = app.programmes()?;
        app.read(|store| comptoir::reports::dashboard(store, &programmes, local::today()))
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
    })
    .await
}
