//! Réglages › Centre and Profils, and `comptoir centre` / `operator`: the centre's identity on
//! its documents, its logo, the profiles and their PINs, the first run's setup.

pub use crate::centre::{load, CentreInput, CentreSettings, Paper};
use crate::centre::{remove_logo, save, set_logo};
pub use crate::operators::{add as add_profile, any, disable, list, reset_pin, Operator, Role};
pub use crate::setup::{first_run, needed as first_run_needed, FirstRun};

use serde::Serialize;

use crate::device::Term;
use crate::error::Result;
use crate::operators::Actor;
use crate::store::Store;

/// Réglages › Centre: the settings, valid, and as the form shows them; what the documents
/// lack; the papers a receipt can be printed on.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct CentreView {
    pub settings: CentreSettings,
    pub form: CentreInput,
    pub missing: Vec<&'static str>,
    pub papers: Vec<Term>,
    /// The tax statuses a structure chooses from.
    pub tax_statuses: Vec<Term>,
    /// The kinds of items a VAT rate is set for (code and label).
    pub item_kinds: Vec<Term>,
    /// The receipts and credit notes whose original waits for these settings.
    pub waiting: Vec<String>,
    /// What saving the settings issued and printed (the originals that waited).
    pub issued: Vec<super::documents::Made>,
    /// While no tax status is chosen: what the window asks a manager, in French.
    pub ask: Option<String>,
}

pub fn view(store: &Store) -> Result<CentreView> {
    let settings = load(store)?;
    Ok(CentreView {
        form: CentreInput::from(&settings),
        missing: settings.missing(),
        papers: crate::device::terms::<Paper>(),
        tax_statuses: crate::device::terms::<crate::tax::TaxStatus>(),
        item_kinds: crate::device::terms::<crate::device::DeviceKind>(),
        waiting: crate::store::centre::waiting(store.db())?
            .into_iter()
            .map(|(_, r)| r)
            .collect(),
        issued: Vec::new(),
        ask: settings.tax_status.is_none().then(|| match &settings.custom_mention {
            Some(mention) => format!(
                "Le régime de TVA de la structure n'est pas choisi : un ou une responsable le choisit dans Réglages › \
                 Centre (votre comptable le confirme). En attendant, la mention « {mention} » est gardée ; les tickets \
                 des nouvelles ventes attendent ce choix."
            ),
            None => "Le régime de TVA de la structure n'est pas choisi : un ou une responsable le choisit dans \
                     Réglages › Centre (votre comptable le confirme) ; les tickets attendent ce choix."
                .to_string(),
        }),
        settings,
    })
}

/// Saves the centre's settings (a manager), then the form as it now is. Once they are
/// complete, the originals that waited for them are issued, kept in the documents folder and
/// printed (a printer's failure is told beside each, the file kept for a retry).
pub fn save_form(store: &mut Store, input: &CentreInput, actor: &Actor) -> Result<CentreView> {
    save(store, input, actor)?;
    let folder = crate::documents::folder(store.path());
    let mut issued = Vec::new();
    for document in crate::documents::issue_waiting(store, actor)? {
        let made = super::documents::keep(
            store,
            document,
            super::documents::Destination::Folder(&folder),
            &super::documents::Printing::on_default(true),
        )?;
        tracing::info!(document = %made.document.reference, "original en attente émis");
        issued.push(made);
    }
    Ok(CentreView { issued, ..view(store)? })
}

/// Sets the logo (PNG or JPEG), or removes it with `None` (a manager), then the form.
pub fn change_logo(store: &mut Store, bytes: Option<&[u8]>, actor: &Actor) -> Result<CentreView> {
    match bytes {
        Some(bytes) => set_logo(store, bytes, actor)?,
        None => remove_logo(store, actor)?,
    }
    view(store)
}
