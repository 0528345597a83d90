//! Le stock and `comptoir stock`: the list and its filters, a device's page, the counts, its
//! moves, a delivery file's import.

use std::path::Path;

use crate::error::{Error, Result};
use crate::operators::Actor;
use crate::stock;
use crate::store::Store;

pub use crate::delivery::ImportReport;
pub use crate::device::{
    terms, vocabulary, AssetTag, Category, DeviceKind, DeviceState, StockAction, Term, Vocabulary,
};
pub use crate::stock::{detail, list, summary, Device, DeviceDetail, StockQuery, StockSummary};

/// Check-in, put on sale, defect or return; then the device's page as it now is.
pub fn apply(store: &mut Store, tag: &str, action: StockAction, actor: &Actor, reason: &str) -> Result<DeviceDetail> {
    let tag = AssetTag::parse(tag)?;
    stock::change_state(store, &tag, action, actor, reason)?;
    stock::detail(store, tag.as_str())
}

/// Imports a delivery file (all or nothing), named in the history by its file name.
pub fn import(store: &mut Store, file: &Path, actor: &Actor) -> Result<ImportReport> {
    let bytes = std::fs::read(file).map_err(|source| Error::Io {
        path: file.to_path_buf(),
        source,
    })?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    crate::delivery::import(store, &bytes, &name, actor)
}
