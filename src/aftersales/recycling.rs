//! The end of a device's life: devices beyond repair handed to an approved collection point
//! (DEEE) in a batch, each with how its data was destroyed (its erasure record in force, or
//! the storage physically destroyed; nothing for a device that holds no user data). A recycled
//! device can never be sold, lent or exchanged again: the state machine has no way out.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{next_number, refused, Destruction};
use crate::device::{DeviceKind, DeviceState, StockAction};
use crate::error::{Code, Result};
use crate::journal;
use crate::operators::Actor;
use crate::protocol::{EventBody, RecycledDevice, RecyclingFacts};
use crate::refurbishing::holds_user_data;
use crate::stock;
use crate::store::aftersales::{self as sql, BatchRow, NewBatch};
use crate::store::{self, Store};

/// One device of a batch to record: its tag (or serial, IMEI), how its data was destroyed
/// (none: an erasure when it holds data, else « sans donnée ») and, for a physical destruction,
/// how and by whom.
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct RecycledInput {
    pub tag: String,
    #[serde(default)]
    pub destruction: String,
    #[serde(default)]
    pub detail: String,
}

/// A recycling batch to record, as typed.
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct RecyclingInput {
    pub collection_point: String,
    /// AAAA-MM-JJ or JJ/MM/AAAA; empty: today.
    pub handed_on: String,
    /// The collection point's slip number (bordereau).
    pub reference: String,
    pub devices: Vec<RecycledInput>,
}

/// A device that may go to recycling: in the centre, not on sale to a family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RecyclingCandidate {
    pub tag: String,
    pub kind: DeviceKind,
    pub state: DeviceState,
    pub designation: String,
    pub holds_data: bool,
    /// The reference of its erasure record in force.
    pub erasure: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RecycledView {
    pub tag: String,
    pub kind: DeviceKind,
    pub designation: String,
    pub serial: Option<String>,
    pub destruction: Destruction,
    pub destruction_label: String,
    /// The erasure certificate's reference and method, for an erasure.
    pub erasure: Option<String>,
    pub detail: String,
}

/// A recycling batch as the screens and its printed list show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RecyclingBatch {
    pub number: String,
    pub collection_point: String,
    pub handed_on: NaiveDate,
    pub reference: String,
    pub at: String,
    pub operator: String,
    pub devices: Vec<RecycledView>,
}

#[derive(Serialize)]
struct Entry<'a> {
    number: &'a str,
    uuid: &'a str,
    collection_point: &'a str,
    handed_on: &'a str,
    reference: &'a str,
    devices: Vec<EntryDevice>,
}

#[derive(Serialize)]
struct EntryDevice {
    tag: String,
    destruction: Destruction,
    erasure: Option<String>,
    detail: String,
}

/// What a batch's journal entry says, from its rows (the journal's check compares the two).
pub(crate) fn entry_of(store_conn: &store::Db, batch: &BatchRow) -> Result<serde_json::Value> {
    let devices = sql::recycled_in(store_conn, batch.id)?
        .into_iter()
        .map(|d| EntryDevice {
            tag: d.tag,
            destruction: d.destruction,
            erasure: d.erasure.map(|(reference, _)| reference),
            detail: d.detail,
        })
        .collect();
    Ok(serde_json::to_value(Entry {
        number: &batch.number,
        uuid: &batch.uuid,
        collection_point: &batch.collection_point,
        handed_on: &batch.handed_on,
        reference: &batch.reference,
        devices,
    })
    .expect("an entry serialises"))
}

/// The devices that may go to recycling: out of order first, then received or on sale.
pub fn candidates(store: &Store) -> Result<Vec<RecyclingCandidate>> {
    let mut out = Vec::new();
    for state in [DeviceState::Defective, DeviceState::Received, DeviceState::Available] {
        let query = stock::StockQuery {
            state: Some(state),
            limit: 2000,
            ..Default::default()
        };
        for d in stock::list(store, &query)? {
            out.push(RecyclingCandidate {
                erasure: crate::store::records::erasure_in_force(store.db(), d.id)?.map(|(_, r)| r),
                holds_data: holds_user_data(d.kind),
                designation: format!("{} {}", d.brand, d.model).trim().to_string(),
                tag: d.tag.to_string(),
                kind: d.kind,
                state: d.state,
            });
        }
    }
    Ok(out)
}

/// Records a batch handed to a collection point (a manager's act): every device leaves the
/// stock for good, with how its data was destroyed. Refused whole, with every problem named,
/// when a device is not in the centre, is named twice, holds data with no erasure in force and
/// no physical destruction described, or when the collection point, the slip's number or the
/// date (never in the future) is missing.
pub fn record(store: &mut Store, input: &RecyclingInput, actor: &Actor) -> Result<RecyclingBatch> {
    crate::operators::require_manager(store.db(), actor)?;
    let collection_point = input.collection_point.trim();
    let reference = input.reference.trim();
    let mut problems = Vec::new();
    if collection_point.chars().count() < 3 {
        problems.push("le point de collecte agréé (nom et commune)".to_string());
    }
    if reference.is_empty() {
        problems.push("le numéro du bordereau remis par le point de collecte".to_string());
    }
    let today = crate::local::today();
    let handed_on = match input.handed_on.trim() {
        "" => Some(today),
        text => crate::refurbishing::parse_date(text),
    };
    match handed_on {
        None => problems.push(format!(
            "« {} » n'est pas une date (AAAA-MM-JJ)",
            input.handed_on.trim()
        )),
        Some(day) if day > today => problems.push("la date de remise ne peut pas être dans le futur".into()),
        Some(_) => {}
    }
    if input.devices.is_empty() {
        problems.push("au moins un appareil".into());
    }
    let mut devices = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for item in &input.devices {
        let device = match stock::find_by_code(store, &item.tag) {
            Ok(d) => d,
            Err(e) => {
                problems.push(e.to_string());
                continue;
            }
        };
        let tag = device.tag.to_string();
        if !seen.insert(tag.clone()) {
            problems.push(format!("{tag} est nommé deux fois"));
            continue;
        }
        if device.state.apply(StockAction::Recycle).is_err() {
            problems.push(format!(
                "{tag} est « {} » : seul un appareil présent au centre (réceptionné, en vente ou défectueux) part au recyclage",
                device.state.label()
            ));
            continue;
        }
        let data = holds_user_data(device.kind);
        let destruction = match item.destruction.trim() {
            "" if data => Destruction::Erasure,
            "" => Destruction::NoData,
            text => match Destruction::parse(text) {
                Ok(d) => d,
                Err(e) => {
                    problems.push(format!("{tag} : {e}"));
                    continue;
                }
            },
        };
        let detail = item.detail.trim().to_string();
        let erasure = crate::store::records::erasure_in_force(store.db(), device.id)?;
        match destruction {
            Destruction::NoData if data => problems.push(format!(
                "{tag} est un(e) {} : il garde des données, il faut un effacement ou la destruction du stockage",
                device.kind.label().to_lowercase()
            )),
            Destruction::Erasure if erasure.is_none() => problems.push(format!(
                "{tag} n'a pas d'effacement en vigueur : enregistrez-le (Stock › Relevés) ou décrivez la destruction physique du stockage"
            )),
            Destruction::Physical if detail.chars().count() < 3 => problems.push(format!(
                "{tag} : décrivez la destruction du stockage (comment, par qui)"
            )),
            _ => {}
        }
        let erasure = erasure.filter(|_| destruction == Destruction::Erasure);
        devices.push((device, destruction, erasure, detail));
    }
    if !problems.is_empty() {
        return Err(refused(
            Code::Invalid,
            format!(
                "Lot de recyclage non enregistré. Il manque ou ne va pas :\n  - {}",
                problems.join("\n  - ")
            ),
        ));
    }
    let handed_on = handed_on.expect("checked above");
    let operator = actor.name();
    devices.sort_by(|a, b| a.0.tag.cmp(&b.0.tag));
    let number = store.with_tx(|tx| {
        let now = store::now_text();
        let number = next_number(tx, "DEEE", &now)?;
        let uuid = Uuid::now_v7().to_string();
        let day = handed_on.to_string();
        // The entry says what the rows will say (the journal's check reads them back the same way).
        let entry = Entry {
            number: &number,
            uuid: &uuid,
            collection_point,
            handed_on: &day,
            reference,
            devices: devices
                .iter()
                .map(|(d, destruction, erasure, detail)| EntryDevice {
                    tag: d.tag.to_string(),
                    destruction: *destruction,
                    erasure: erasure.as_ref().map(|(_, r)| r.clone()),
                    detail: detail.clone(),
                })
                .collect(),
        };
        let journal_seq = journal::append(tx, "recycling", operator, &now, &entry)?;
        let batch_id = sql::insert_batch(
            tx,
            &NewBatch {
                uuid: &uuid,
                number: &number,
                collection_point,
                handed_on: &day,
                reference,
                at: &now,
                operator,
                journal_seq,
            },
        )?;
        let why = format!("Lot de recyclage n° {number} ({collection_point})");
        for (device, destruction, erasure, detail) in &devices {
            sql::insert_recycled(
                tx,
                batch_id,
                device.id,
                *destruction,
                erasure.as_ref().map(|(id, _)| *id),
                detail,
            )?;
            stock::transition_in(tx, device.clone(), StockAction::Recycle, operator, &why, &now)?;
        }
        let batch = view(tx, sql::batch_by_number(tx, &number)?.expect("just written"))?;
        queue_event(tx, &batch, &uuid)?;
        Ok(number)
    })?;
    tracing::info!(numero = %number, appareils = devices.len(), "lot de recyclage enregistré");
    get(store, &number)
}

/// A batch by its number.
pub fn get(store: &Store, number: &str) -> Result<RecyclingBatch> {
    let batch = sql::batch_by_number(store.db(), number.trim())?.ok_or_else(|| {
        refused(
            Code::NotFound,
            format!("Aucun lot de recyclage n° {} sur ce poste.", number.trim()),
        )
    })?;
    view(store.db(), batch)
}

fn view(conn: &store::Db, batch: BatchRow) -> Result<RecyclingBatch> {
    let devices = sql::recycled_in(conn, batch.id)?
        .into_iter()
        .map(|d| RecycledView {
            designation: format!("{} {}", d.brand, d.model).trim().to_string(),
            destruction_label: d.destruction.label().to_string(),
            erasure: d.erasure.map(|(reference, method)| format!("{reference} ({method})")),
            tag: d.tag,
            kind: d.kind,
            serial: d.serial,
            destruction: d.destruction,
            detail: d.detail,
        })
        .collect();
    Ok(RecyclingBatch {
        handed_on: NaiveDate::parse_from_str(&batch.handed_on, "%Y-%m-%d").unwrap_or_default(),
        number: batch.number,
        collection_point: batch.collection_point,
        reference: batch.reference,
        at: batch.at,
        operator: batch.operator,
        devices,
    })
}

/// Recycling batches, latest first.
pub fn list(store: &Store) -> Result<Vec<RecyclingBatch>> {
    sql::batches(store.db(), 200)?
        .into_iter()
        .map(|b| view(store.db(), b))
        .collect()
}

/// What the hub receives of a batch: the devices and how their data was destroyed.
fn queue_event(tx: &store::Db, batch: &RecyclingBatch, uuid: &str) -> Result<()> {
    let facts = RecyclingFacts {
        number: batch.number.clone(),
        collection_point: batch.collection_point.clone(),
        handed_on: batch.handed_on.to_string(),
        reference: batch.reference.clone(),
        devices: batch
            .devices
            .iter()
            .map(|d| RecycledDevice {
                tag: d.tag.clone(),
                destruction: d.destruction.code().to_string(),
            })
            .collect(),
    };
    crate::store::sync::queue(tx, uuid, &batch.at, &EventBody::Recycling(Box::new(facts)))
}
