//! Le stock and `comptoir stock`: the list and its filters, a device's page, the counts, its
//! moves, a delivery file's import.

use crate::error::{Error, Result};
use crate::operators::Actor;
use crate::stock;
use crate::store::Store;

pub use crate::delivery::{ImportReport, Preview, PreviewLine};
pub use crate::device::{
    terms, vocabulary, AssetTag, Category, DeviceKind, DeviceState, StockAction, Term, Vocabulary,
};
pub use crate::stock::{detail, list, summary, Device, DeviceDetail, StockQuery, StockSummary};

/// Check-in, put on sale, defect or return; then the device's page as it now is.
pub fn apply(store: &mut Store, tag: &str, action: StockAction, actor: &Actor, reason: &str) -> Result<DeviceDetail> {
    // The tag, serial or IMEI a scanner reads.
    let tag = stock::find_by_code(store, tag)?.tag;
    stock::change_state(store, &tag, action, actor, reason)?;
    stock::detail(store, tag.as_str())
}

/// What importing a delivery file would do (every error by line and column, or the devices
/// it would add and leave); nothing is written.
pub fn preview(store: &Store, bytes: &[u8], name: &str) -> Result<Preview> {
    crate::delivery::preview(store, bytes, name)
}

/// Imports a delivery file (all or nothing), named in the history by its file name.
pub fn import(store: &mut Store, bytes: &[u8], name: &str, actor: &Actor) -> Result<ImportReport> {
    crate::delivery::import(store, bytes, name, actor)
}

/// A device typed in the form, its fields named as a delivery file's columns (`tag`, `kind`,
/// `category`, `brand`, `model`, `serial`, `imei`, `cpu`, `ram_gb`, `storage_kind`,
/// `storage_gb`, `screen_inches`, `os`, `refurbisher`, `erasure_certificate`…).
pub type DeviceForm = std::collections::BTreeMap<String, String>;

/// Adds a device by hand (checked as a delivery file's row; a tag, IMEI or serial already in
/// the stock is refused beside its field, naming that device); it enters as received. Then
/// its page.
pub fn add(store: &mut Store, form: &DeviceForm, actor: &Actor) -> Result<DeviceDetail> {
    let device = crate::delivery::parse_form(form).map_err(Error::InvalidFields)?;
    let added = stock::add_by_hand(store, &device, actor)?;
    stock::detail(store, added.tag.as_str())
}

pub use crate::records::{Lacking, LackingBatch, RecordInput, Recorded};

/// Records an erasure or a functional test for a batch (delivery file) or chosen devices, with
/// the certificate file if any (a PDF of 5 MB at most, kept inside the database).
pub fn record(store: &mut Store, input: &RecordInput, actor: &Actor) -> Result<Recorded> {
    crate::records::record(store, input, actor)
}

/// The computers, tablets and phones received or on sale that lack a record, by batch.
pub fn lacking(store: &Store) -> Result<Vec<LackingBatch>> {
    crate::records::lacking(store)
}

/// Writes a device's erasure certificate into `out` (0600); its name and size.
pub fn save_certificate(store: &Store, tag: &str, out: &std::path::Path) -> Result<(String, usize)> {
    let (name, bytes) = crate::records::certificate(store, tag)?;
    crate::documents::write_file(out, &bytes)?;
    Ok((name, bytes.len()))
}
