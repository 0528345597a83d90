//! The cash desk: the permanence, quotes, sales, credit notes.

use crate::app::*;

/// The point of sale as it stands (the journal's verification made once, at the first ask).
#[tauri::command]
pub(crate) async fn pos_state(handle: tauri::AppHandle) -> Reply<pos::PosState> {
    off_the_window(handle, move |app| {
        let journal = app.journal()?;
        app.read(|store| pos::state(store, journal))
    })
    .await
}

#[tauri::command]
pub(crate) async fn session_open(handle: tauri::AppHandle, float: String) -> Reply<CashReport> {
    off_the_window(handle, move |app| {
        let float = Money::parse(&float).map_err(Error::from)?;
        app.act(|store, actor| pos::open_session(store, actor, float))
    })
    .await
}

#[tauri::command]
pub(crate) async fn session_report(handle: tauri::AppHandle) -> Reply<CashReport> {
    off_the_window(handle, move |app| app.read(|store| pos::x_report(store))).await
}

#[tauri::command]
pub(crate) async fn session_close(
    handle: tauri::AppHandle,
    counted: BTreeMap<String, String>,
    comment: String,
) -> Reply<CashReport> {
    off_the_window(handle, move |app| {
        let parsed = pos::parse_counted(counted.iter().map(|(m, a)| (m.as_str(), a.as_str())))?;
        // The closing, then its backup (the core's policy: a failed backup does not undo the
        // closing; the top bar shows the age of the last good one). The writer is held for
        // the closing and the backup's record, not for the copy.
        let actor = app.actor()?;
        Ok(pos::close_session(app.writer()?, &actor, parsed, &comment)?.report)
    })
    .await
}

#[tauri::command]
pub(crate) async fn sale_quote(handle: tauri::AppHandle, code: String, programme: Option<String>) -> Reply<Quote> {
    off_the_window(handle, move |app| {
        let programmes = app.programmes()?;
        app.read(|store| pos::quote(store, &programmes, &LegalCaps::shipped(), &code, programme.as_deref()))
    })
    .await
}

/// The cart as the form holds it, quoted by the core: each line's band and total, the sale's
/// total, what is paid, the change (the window computes nothing).
#[tauri::command]
pub(crate) async fn sale_cart(handle: tauri::AppHandle, input: SaleInput) -> Reply<pos::CartQuote> {
    off_the_window(handle, move |app| {
        let programmes = app.programmes()?;
        app.read(|store| pos::quote_cart(store, &programmes, &LegalCaps::shipped(), &input))
    })
    .await
}

#[tauri::command]
pub(crate) async fn sale_create(handle: tauri::AppHandle, input: SaleInput) -> Reply<SaleRecord> {
    off_the_window(handle, move |app| {
        let programmes = app.programmes()?;
        app.act(|store, actor| {
            let request = SaleRequest::try_from(input)?;
            pos::create_sale(store, &programmes, &LegalCaps::shipped(), &request, actor)
        })
    })
    .await
}

#[tauri::command]
pub(crate) async fn sale_cancel(
    handle: tauri::AppHandle,
    receipt: String,
    line: Option<usize>,
    reason: String,
    refund: PaymentMethod,
    defective: bool,
) -> Reply<CreditNote> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| pos::cancel_sale(store, &receipt, line, &reason, refund, defective, actor))
    })
    .await
}

#[tauri::command]
pub(crate) async fn sale_correct_line(
    handle: tauri::AppHandle,
    receipt: String,
    line: usize,
    to_tag: String,
    reason: String,
) -> Reply<LineCorrected> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| pos::correct_line(store, &receipt, line, &to_tag, &reason, actor))
    })
    .await
}

#[tauri::command]
pub(crate) async fn sales_list(handle: tauri::AppHandle) -> Reply<Vec<SaleSummary>> {
    off_the_window(handle, move |app| app.read(|store| pos::list_sales(store, 200))).await
}

#[tauri::command]
pub(crate) async fn sale_show(handle: tauri::AppHandle, receipt: String) -> Reply<SaleRecord> {
    off_the_window(handle, move |app| app.read(|store| pos::sale(store, &receipt))).await
}

/// The closings made (Comptoir makes them as each period ends), and the financial year's first
/// month.
#[tauri::command]
pub(crate) async fn closings_list(handle: tauri::AppHandle) -> Reply<pos::ClosingsView> {
    off_the_window(handle, move |app| app.read(|store| pos::closings_view(store))).await
}

/// The first month of the financial year (a manager).
#[tauri::command]
pub(crate) async fn fiscal_year_save(handle: tauri::AppHandle, month: String) -> Reply<pos::ClosingsView> {
    off_the_window(handle, move |app| {
        let month = desk::parse_whole(&month, "fiscal_month", 1..=12)?;
        app.act(|store, actor| pos::save_fiscal_year(store, month, actor))
    })
    .await
}

/// Le journal: its state (the verification made at start, the last full check), and the
/// filters' choices.
#[tauri::command]
pub(crate) async fn journal_state(handle: tauri::AppHandle) -> Reply<pos::JournalState> {
    off_the_window(handle, move |app| {
        let verification = app.journal()?;
        app.read(|store| pos::journal_state(store, &verification))
    })
    .await
}

/// « Vérifier »: the whole chain now (who did it is recorded).
#[tauri::command]
pub(crate) async fn journal_verify(handle: tauri::AppHandle) -> Reply<pos::JournalState> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| pos::verify_journal(store, actor))
    })
    .await
}

/// « Déclarer la reprise » after an older backup was restored (a manager).
#[tauri::command]
pub(crate) async fn journal_declare_restore(handle: tauri::AppHandle) -> Reply<pos::RestoreDeclared> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| pos::declare_restore(store, actor))
    })
    .await
}

/// A page of the journal's entries, newest first, filtered.
#[tauri::command]
pub(crate) async fn journal_list(handle: tauri::AppHandle, filter: pos::JournalQuery) -> Reply<pos::JournalPage> {
    off_the_window(handle, move |app| app.read(|store| pos::journal_page(store, &filter))).await
}

/// This register's codes in receipt numbers (Réglages).
#[tauri::command]
pub(crate) async fn register_show(handle: tauri::AppHandle) -> Reply<pos::RegisterView> {
    off_the_window(handle, move |app| app.read(|store| pos::register_view(store))).await
}

/// Sets the centre and register codes (refused once this register has sales).
#[tauri::command]
pub(crate) async fn register_save(
    handle: tauri::AppHandle,
    centre_code: String,
    register_code: String,
) -> Reply<pos::RegisterView> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| pos::save_register(store, &centre_code, &register_code, actor))
    })
    .await
}
