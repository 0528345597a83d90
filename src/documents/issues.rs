//! Issuing a receipt, credit note or closing report: the first issue is the original, every
//! later one a numbered copy written in the journal; a receipt's or credit note's original waits
//! while the centre's identity or tax status is missing, and is issued once they are saved.

use serde::Serialize;

use super::{credit_note, receipt, Document, DocumentKind, Seller};
use crate::error::{Code, Error, Result};
use crate::journal;
use crate::operators::Actor;
use crate::store::{self, centre as sql, Store};

/// A receipt or credit note is issued whole or not yet: its original waits (noted, printed as
/// soon as Réglages are complete) while the centre's name, address, SIRET or tax status is
/// missing. Copies of an original already issued are never refused.
pub(super) fn require_whole(store: &mut Store, kind: DocumentKind, reference: &str, seller: &Seller) -> Result<()> {
    let missing = seller.missing();
    if missing.is_empty() || sql::issues_count(store.db(), kind.code(), reference)? > 0 {
        return Ok(());
    }
    store.with_tx(|tx| sql::add_waiting(tx, kind.code(), reference, &store::now_text()))?;
    Err(Error::Refused {
        code: Code::NotConfigured,
        message: waiting_message(kind, reference, &missing),
    })
}

/// Why a document's original waits, in French, and what to do.
pub fn waiting_message(kind: DocumentKind, reference: &str, missing: &[String]) -> String {
    format!(
        "{} {reference} est enregistré, mais son original attend que Réglages › Centre soit complet : {}. \
         Il s'imprimera dès que ces réglages seront enregistrés (`comptoir centre set`).",
        match kind {
            DocumentKind::CreditNote => "L'avoir",
            _ => "Le ticket",
        },
        missing.join(", ")
    )
}

/// Issues the originals that waited for the centre's identity, oldest first, once it is
/// complete (none otherwise): each is issued as an original, and no longer waits.
pub fn issue_waiting(store: &mut Store, actor: &Actor) -> Result<Vec<Document>> {
    if !Seller::load(store)?.missing().is_empty() {
        return Ok(Vec::new());
    }
    let mut made = Vec::new();
    for (kind, reference) in sql::waiting(store.db())? {
        let document = match DocumentKind::parse(&kind) {
            Ok(DocumentKind::Receipt) => receipt(store, &reference, None, actor)?,
            Ok(DocumentKind::CreditNote) => credit_note(store, &reference, actor)?,
            _ => {
                store.with_tx(|tx| sql::remove_waiting(tx, &kind, &reference))?;
                continue;
            }
        };
        made.push(document);
    }
    Ok(made)
}

/// Records that a document is issued and returns its copy number: 0 the first time, then
/// 1, 2… Each copy is journaled (who reprinted what, when).
pub(super) fn issue(store: &mut Store, kind: DocumentKind, reference: &str, operator: &str) -> Result<u32> {
    store.with_tx(|tx| {
        let copy = sql::issues_count(tx, kind.code(), reference)?;
        let now = store::now_text();
        let seq = if copy > 0 {
            #[derive(Serialize)]
            struct Reprint<'a> {
                document: &'a str,
                reference: &'a str,
                copy: u32,
            }
            let entry = Reprint {
                document: kind.code(),
                reference,
                copy,
            };
            Some(journal::append(tx, "document_copy", operator, &now, &entry)?)
        } else {
            None
        };
        // A sale recorded before its centre had a tax status takes the one in force as its
        // receipt's original is issued, once.
        if kind == DocumentKind::Receipt && copy == 0 {
            crate::pos::fix_tax(tx, reference, operator)?;
        }
        sql::insert_issue(tx, kind.code(), reference, copy, &now, operator, seq)?;
        sql::remove_waiting(tx, kind.code(), reference)?;
        Ok(copy)
    })
}

/// Why a receipt's original waits, if it does (the command line says it after the sale).
pub fn waiting_note(store: &Store, receipt: &str) -> Result<Option<String>> {
    if !sql::is_waiting(store.db(), DocumentKind::Receipt.code(), receipt)? {
        return Ok(None);
    }
    let missing = Seller::load(store)?.missing();
    Ok(Some(waiting_message(DocumentKind::Receipt, receipt, &missing)))
}
