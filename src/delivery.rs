//! Delivery files into a centre's stock: the preview (what an import would do) and the import
//! itself. The file's parser is `comptoir_common::delivery` (shared with the hub).

pub use comptoir_common::delivery::*;

use serde::Serialize;

use crate::device::{DeviceState, NewDevice};
use crate::operators::Actor;
use crate::stock::insert_new;
use crate::store::{self, devices, imports, Store};

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ImportReport {
    pub file_name: String,
    pub sha256: String,
    /// Devices added to the stock, as allocated (to be checked in by scanning).
    pub created: usize,
    /// Devices already in the stock with the same description.
    pub unchanged: usize,
    /// The very same file was imported before: nothing was done.
    pub already_imported_at: Option<String>,
    pub ignored_columns: Vec<String>,
}

struct Plan<'a> {
    fresh: Vec<(u64, &'a NewDevice)>,
    unchanged: usize,
    already_imported_at: Option<String>,
    errors: Vec<LineError>,
}

fn plan<'a>(db: &crate::store::Db, delivery: &'a Delivery) -> crate::error::Result<Plan<'a>> {
    let mut plan = Plan {
        fresh: Vec::new(),
        unchanged: 0,
        already_imported_at: None,
        errors: Vec::new(),
    };
    if let Some((_, at)) = imports::already_imported(db, &delivery.sha256)? {
        plan.already_imported_at = Some(at);
        plan.unchanged = delivery.devices.len();
        return Ok(plan);
    }
    for (line, device) in &delivery.devices {
        match devices::by_tag(db, &device.tag)? {
            Some(existing) if existing.same_description(device) => plan.unchanged += 1,
            Some(existing) => plan.errors.push(line_error(
                *line,
                Some("tag"),
                format!(
                    "l'identifiant {} existe déjà dans le stock avec une autre description ({} {} {})",
                    device.tag,
                    existing.kind.label(),
                    existing.brand,
                    existing.model
                ),
            )),
            None => {
                if let Some(imei) = &device.imei {
                    if let Some(other) = devices::by_imei(db, imei.as_str())? {
                        plan.errors.push(line_error(
                            *line,
                            Some("imei"),
                            format!("l'IMEI {imei} est déjà celui de l'appareil {}", other.tag),
                        ));
                        continue;
                    }
                }
                plan.fresh.push((*line, device));
            }
        }
    }
    Ok(plan)
}

/// A device a delivery file would add, as the preview lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PreviewLine {
    pub line: u64,
    pub tag: String,
    pub kind: crate::device::DeviceKind,
    pub category: Option<crate::device::Category>,
    pub brand: String,
    pub model: String,
    /// The IMEI, else the serial number.
    pub identifier: Option<String>,
}

/// What importing a file would do, before anything is written: every error by line and
/// column (then the import would refuse the whole file), or the devices it would add and how
/// many it would leave as they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Preview {
    pub file_name: String,
    pub to_add: Vec<PreviewLine>,
    pub unchanged: usize,
    pub already_imported_at: Option<String>,
    pub ignored_columns: Vec<String>,
    pub errors: Vec<LineError>,
}

/// Reads `bytes` as a delivery file and says what its import would do; writes nothing.
pub fn preview(store: &Store, bytes: &[u8], file_name: &str) -> crate::error::Result<Preview> {
    let delivery = match parse(bytes, file_name) {
        Ok(delivery) => delivery,
        Err(rejected) => {
            return Ok(Preview {
                file_name: rejected.file_name,
                to_add: Vec::new(),
                unchanged: 0,
                already_imported_at: None,
                ignored_columns: Vec::new(),
                errors: rejected.errors,
            })
        }
    };
    let plan = plan(store.db(), &delivery)?;
    Ok(Preview {
        to_add: plan
            .fresh
            .iter()
            .map(|(line, d)| PreviewLine {
                line: *line,
                tag: d.tag.to_string(),
                kind: d.kind,
                category: d.category,
                brand: d.brand.clone(),
                model: d.model.clone(),
                identifier: d
                    .imei
                    .as_ref()
                    .map(|i| i.as_str().to_string())
                    .or_else(|| d.serial.as_ref().map(|s| s.as_str().to_string())),
            })
            .collect(),
        unchanged: plan.unchanged,
        already_imported_at: plan.already_imported_at,
        ignored_columns: delivery.ignored_columns.clone(),
        errors: plan.errors,
        file_name: delivery.file_name.clone(),
    })
}

/// Imports a delivery file into the stock, all or nothing. New devices enter as allocated:
/// each is then checked in by scanning its tag. The plan is the one [`preview`] shows, read
/// again inside the transaction that writes it, so what is written is what was checked.
pub fn import(store: &mut Store, bytes: &[u8], file_name: &str, actor: &Actor) -> crate::error::Result<ImportReport> {
    crate::operators::require_present(store.db(), actor)?;
    let operator = actor.name();
    let delivery = parse(bytes, file_name)?;
    store.with_tx(|tx| {
        let plan = plan(tx, &delivery)?;
        let mut report = ImportReport {
            file_name: delivery.file_name.clone(),
            sha256: delivery.sha256.clone(),
            created: 0,
            unchanged: plan.unchanged,
            already_imported_at: plan.already_imported_at,
            ignored_columns: delivery.ignored_columns.clone(),
        };
        if report.already_imported_at.is_some() {
            return Ok(report);
        }
        if !plan.errors.is_empty() {
            return Err(reject(&delivery.file_name, plan.errors).into());
        }
        let now = store::now_text();
        let reason = format!("Importé depuis « {} »", delivery.file_name);
        // The file is the batch its devices came in: an erasure or test record may cover it.
        let batch = imports::record(
            tx,
            &delivery.sha256,
            &delivery.file_name,
            &now,
            operator,
            plan.fresh.len(),
            report.unchanged,
        )?;
        let mut seen = Default::default();
        let fresh: Vec<&NewDevice> = plan.fresh.iter().map(|(_, d)| *d).collect();
        let created = devices::in_bulk(tx, || {
            let state = DeviceState::Allocated;
            insert_new(tx, &fresh, state, operator, &reason, &now, &mut seen, Some(batch))
        })?;
        report.created = created.len();
        Ok(report)
    })
}
