//! Réglages › Données personnelles and `comptoir privacy`: the retention time and its purge,
//! a person's access (export) and erasure, the register of processing, the notice.

use crate::privacy::set_retention_months;
pub use crate::privacy::{
    export, export_to, notice, purge, register, retention_months, PersonExport, PurgeReport, RegisterEntry,
};

use crate::documents::{self, Document};
use crate::error::Result;
use crate::model::people::Person;
use crate::operators::Actor;
use crate::store::Store;

/// Everything held about a person, as two documents: the readable PDF and the JSON.
pub fn export_documents(store: &Store, id: i64) -> Result<Vec<Document>> {
    let data = crate::privacy::export(store, id)?;
    let pdf = documents::person_export(store, &data)?;
    let mut json = pdf.clone();
    json.pdf = serde_json::to_vec_pretty(&data).expect("an export serialises");
    json.file_name = pdf.file_name.replace(".pdf", ".json");
    json.title = format!("{} (JSON)", pdf.title);
    Ok(vec![pdf, json])
}

/// Erases (anonymises) a person at their request; then their file as it now is.
pub fn erase_person(store: &mut Store, id: i64, reason: &str, actor: &Actor) -> Result<Person> {
    crate::privacy::erase(store, id, reason, actor)?;
    crate::beneficiary::get(store, id)
}

/// Réglages › Données personnelles: the retention time and the register it gives.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PrivacyView {
    pub retention_months: u32,
    pub register: Vec<RegisterEntry>,
}

/// The retention time, changed first when `months` is given (a manager), and the register.
pub fn retention(store: &mut Store, months: Option<u32>, actor: &Actor) -> Result<PrivacyView> {
    if let Some(months) = months {
        set_retention_months(store, months, actor)?;
    }
    let retention_months = retention_months(store)?;
    Ok(PrivacyView {
        retention_months,
        register: register(retention_months),
    })
}
