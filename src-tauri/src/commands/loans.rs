//! Les prêts: lend (with the agreement), give back (with the return slip), the « lost after »
//! date, declare lost, turn into a sale (with the receipt and onboarding sheet).

use crate::app::*;
use crate::commands::documents::Made;
use comptoir::desk::loans::{self, ConvertInput, GiveBackInput, Loan, LoanInput};

/// A loan after an act, with the documents it made.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct LoanDone {
    pub loan: Loan,
    pub made: Vec<Made>,
}

/// Loans: the open ones, and the ended ones too when `all`.
#[tauri::command]
pub(crate) async fn loans_list(handle: tauri::AppHandle, all: bool) -> Reply<Vec<Loan>> {
    off_the_window(handle, move |app| app.read(|store| loans::loans(store, !all))).await
}

#[tauri::command]
pub(crate) async fn loan_lend(handle: tauri::AppHandle, input: LoanInput, print: bool) -> Reply<LoanDone> {
    off_the_window(handle, move |app| {
        let programmes = app.programmes()?;
        app.act(|store, actor| {
            let loan = loans::lend(store, &programmes, &input, actor)?;
            let docs = loans::lend_documents(store, &loan.number, actor)?;
            let made = app.keep_all(store, docs, print)?;
            Ok(LoanDone { loan, made })
        })
    })
    .await
}

#[tauri::command]
pub(crate) async fn loan_give_back(handle: tauri::AppHandle, input: GiveBackInput, print: bool) -> Reply<LoanDone> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| {
            let loan = loans::give_back_loan(store, &input, actor)?;
            let docs = loans::give_back_documents(store, &loan.number, actor)?;
            let made = app.keep_all(store, docs, print)?;
            Ok(LoanDone { loan, made })
        })
    })
    .await
}

#[tauri::command]
pub(crate) async fn loan_lost_after(handle: tauri::AppHandle, number: String, date: String) -> Reply<Loan> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| loans::set_lost_after(store, &number, &date, actor))
    })
    .await
}

#[tauri::command]
pub(crate) async fn loan_declare_lost(handle: tauri::AppHandle, number: String) -> Reply<Loan> {
    off_the_window(handle, move |app| {
        app.act(|store, actor| loans::declare_lost(store, &number, actor))
    })
    .await
}

/// A loan turned into a sale, with the receipt and onboarding sheet.
#[tauri::command]
pub(crate) async fn loan_convert(handle: tauri::AppHandle, input: ConvertInput, print: bool) -> Reply<LoanDone> {
    off_the_window(handle, move |app| {
        let programmes = app.programmes()?;
        app.act(|store, actor| {
            let sale = loans::convert_loan(store, &programmes, &LegalCaps::shipped(), &input, actor)?;
            let after = documents::after_sale(store, &sale.receipt, actor)?;
            let made = app.keep_all(store, after.documents, print)?;
            Ok(LoanDone {
                loan: loans::loan(store, &input.number)?,
                made,
            })
        })
    })
    .await
}
