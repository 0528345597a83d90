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
}

pub fn view(store: &Store) -> Result<CentreView> {
    let settings = load(store)?;
    Ok(CentreView {
        form: CentreInput::from(&settings),
        missing: settings.missing(),
        papers: crate::device::terms::<Paper>(),
        settings,
    })
}

/// Saves the centre's settings (a manager), then the form as it now is.
pub fn save_form(store: &mut Store, input: &CentreInput, actor: &Actor) -> Result<CentreView> {
    save(store, input, actor)?;
    view(store)
}

/// Sets the logo (PNG or JPEG), or removes it with `None` (a manager), then the form.
pub fn change_logo(store: &mut Store, bytes: Option<&[u8]>, actor: &Actor) -> Result<CentreView> {
    match bytes {
        Some(bytes) => set_logo(store, bytes, actor)?,
        None => remove_logo(store, actor)?,
    }
    view(store)
}
