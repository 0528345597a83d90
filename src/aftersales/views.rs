//! What the screens, the slips and the command line show of warranty returns: a device before
//! its return is opened (the guarantee as the law sets it), and a return with its age, its
//! deadline and its end.

use chrono::NaiveDate;
use serde::Serialize;

use super::{refused, FaultCategory, Guarantee, Outcome};
use crate::device::{DeviceKind, DeviceState};
use crate::error::{Code, Error, Result};
use crate::model::stock::Device;
use crate::stock;
use crate::store::aftersales::{self as sql, DeliveryRow, ReturnRow};
use crate::store::{devices, Db, Store};

/// A device a family could bring back, before the return is opened: what the screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ReturnPreview {
    pub tag: String,
    pub kind: DeviceKind,
    pub designation: String,
    pub serial: Option<String>,
    pub receipt: String,
    /// The sale line that handed it over (from 1).
    pub line: u32,
    pub delivered_on: NaiveDate,
    /// The exchange that handed it over, when it was one.
    pub by_exchange: Option<String>,
    pub guarantee: Guarantee,
    pub in_guarantee: bool,
    pub presumed: bool,
    pub guarantee_text: String,
    /// The last day to remedy, if the return is opened today (L.217-10).
    pub deadline: NaiveDate,
    /// What the screen says of the deadline, in French: the legal 30 days in guarantee, none
    /// out of it (the deposit slip says the same, `documents::aftersales::deposit_sentences`).
    pub deadline_text: String,
    /// A return of this device still open.
    pub open_return: Option<String>,
}

/// How a return ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ReturnEnd {
    pub outcome: Outcome,
    pub label: String,
    pub diagnosis: String,
    pub at: String,
    pub operator: String,
    pub exchange_number: Option<String>,
    pub new_tag: Option<String>,
    pub credit_note: Option<String>,
    /// The guarantee after a repair (six months longer).
    pub guarantee_after: Option<Guarantee>,
}

/// A warranty return as the screens, the slips and the command line show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct WarrantyReturn {
    pub number: String,
    pub tag: String,
    pub kind: DeviceKind,
    pub designation: String,
    pub serial: Option<String>,
    pub refurbisher: Option<String>,
    pub receipt: String,
    pub line: u32,
    #[serde(skip)]
    #[ts(skip)]
    pub person_id: Option<i64>,
    pub delivered_on: NaiveDate,
    /// The guarantee as it stood when the return was opened.
    pub guarantee: Guarantee,
    pub in_guarantee: bool,
    pub presumed: bool,
    pub guarantee_text: String,
    pub opened_at: String,
    pub opened_by: String,
    pub fault_category: FaultCategory,
    pub fault_label: String,
    pub fault: String,
    /// The last day to remedy (thirty days from the opening, L.217-10).
    pub deadline: NaiveDate,
    /// Days left before the deadline today (negative: past it); none once ended.
    pub days_left: Option<i64>,
    /// Days since the opening.
    pub age_days: i64,
    pub outcome: Option<ReturnEnd>,
    /// Where it stands, in French.
    pub status: String,
}

pub(super) fn designation(device: &Device) -> String {
    format!("{} {}", device.brand, device.model).trim().to_string()
}

fn delivered_on(delivery: &DeliveryRow) -> NaiveDate {
    crate::local::local_day(&delivery.delivered_at).unwrap_or_else(crate::local::today)
}

fn not_sold_here(device: &Device) -> Error {
    refused(
        Code::NotFound,
        format!(
            "{} n'a pas été remis à une famille par ce poste (il est « {} ») : pas de retour sous garantie. \
             Un appareil vendu par un autre centre y retourne.",
            device.tag,
            device.state.label()
        ),
    )
}

pub(super) fn preview_of(conn: &Db, device: &Device, today: NaiveDate) -> Result<ReturnPreview> {
    if device.state != DeviceState::Sold {
        return Err(not_sold_here(device));
    }
    let delivery = sql::delivery(conn, device.id)?.ok_or_else(|| not_sold_here(device))?;
    let delivered = delivered_on(&delivery);
    let guarantee = super::guarantee_of(conn, device.id, &delivery.delivered_at, None)?;
    let deadline = super::remedy_deadline(today);
    Ok(ReturnPreview {
        tag: device.tag.to_string(),
        kind: device.kind,
        designation: designation(device),
        serial: device.serial.clone(),
        receipt: delivery.receipt.clone(),
        line: delivery.line_no as u32,
        delivered_on: delivered,
        by_exchange: delivery.exchange.clone(),
        in_guarantee: guarantee.covers(today),
        presumed: guarantee.presumed(today),
        guarantee_text: guarantee.sentence(today),
        deadline_text: if guarantee.covers(today) {
            format!(
                "Si le retour est ouvert aujourd'hui : réparer ou échanger au plus tard le {} (30 jours, art. L.217-10).",
                deadline.format("%d/%m/%Y")
            )
        } else {
            "Hors garantie : aucun délai légal ; le centre examine l'appareil et dit ce qu'il peut faire.".to_string()
        },
        guarantee,
        deadline,
        open_return: sql::open_return_of(conn, device.id)?,
    })
}

/// The devices a return could be opened for: the one a tag, serial or IMEI names, or those a
/// receipt handed over (the ones its family still holds).
pub fn candidates(store: &Store, code: &str) -> Result<Vec<ReturnPreview>> {
    let today = crate::local::today();
    let code = code.trim();
    if let Ok(sale) = crate::pos::sale(store, code) {
        let mut out = Vec::new();
        for (i, line) in sale.lines.iter().enumerate() {
            let Some(sold) = line.device_id else { continue };
            if line.cancelled_by.is_some() {
                continue;
            }
            let held = sql::exchanged_holder(store.db(), sale.id, i as i64 + 1)?.unwrap_or(sold);
            let device = devices::by_id(store.db(), held)?.expect("a sale line's device exists");
            if device.state == DeviceState::Sold {
                out.push(preview_of(store.db(), &device, today)?);
            }
        }
        if out.is_empty() {
            return Err(refused(
                Code::NotFound,
                format!(
                    "Le ticket {} ne remet plus aucun appareil à la famille (annulé, ou sans appareil).",
                    sale.receipt
                ),
            ));
        }
        return Ok(out);
    }
    let device = stock::find_by_code(store, code)?;
    Ok(vec![preview_of(store.db(), &device, today)?])
}

fn view(conn: &Db, r: ReturnRow, today: NaiveDate) -> Result<WarrantyReturn> {
    let delivered = crate::local::local_day(&r.delivered_at).unwrap_or(today);
    let opened = crate::local::local_day(&r.opened_at).unwrap_or(today);
    // The guarantee as it stood at the opening: the repairs of the returns opened before it.
    let guarantee = super::guarantee_of(conn, r.device_id, &r.delivered_at, Some(&r.opened_at))?;
    let repairs_before = guarantee.repairs;
    let deadline = super::remedy_deadline(opened);
    let outcome = r.outcome.as_ref().map(|o| ReturnEnd {
        outcome: o.outcome,
        label: o.outcome.label().to_string(),
        diagnosis: o.diagnosis.clone(),
        at: o.at.clone(),
        operator: o.operator.clone(),
        exchange_number: o.exchange_number.clone(),
        new_tag: o.new_tag.clone(),
        credit_note: o.credit_note.clone(),
        // A repair under the guarantee lengthens it; one after it ended, nothing.
        guarantee_after: (o.outcome == Outcome::Repaired)
            .then(|| Guarantee::new(delivered, repairs_before + u32::from(guarantee.covers(opened)))),
    });
    let days_left = outcome.is_none().then(|| (deadline - today).num_days());
    let status = match (&outcome, days_left) {
        (Some(end), _) => format!(
            "Terminé le {} : {}",
            crate::local::day_fr(&end.at),
            end.label.to_lowercase()
        ),
        (None, Some(d)) if d < 0 => format!(
            "En cours : délai de 30 jours dépassé de {} jour(s) (le {})",
            -d,
            deadline.format("%d/%m/%Y")
        ),
        (None, Some(d)) => format!(
            "En cours : {d} jour(s) pour réparer ou échanger (au plus tard le {})",
            deadline.format("%d/%m/%Y")
        ),
        (None, None) => String::new(),
    };
    Ok(WarrantyReturn {
        designation: format!("{} {}", r.brand, r.model).trim().to_string(),
        number: r.number,
        tag: r.tag,
        kind: r.kind,
        serial: r.serial,
        refurbisher: r.refurbisher,
        receipt: r.receipt,
        line: r.line_no as u32,
        person_id: r.person_id,
        delivered_on: delivered,
        in_guarantee: guarantee.covers(opened),
        presumed: guarantee.presumed(opened),
        guarantee_text: guarantee.sentence(opened),
        guarantee,
        opened_at: r.opened_at,
        opened_by: r.opened_by,
        fault_category: r.fault_category,
        fault_label: r.fault_category.label().to_string(),
        fault: r.fault,
        deadline,
        days_left,
        age_days: (today - opened).num_days(),
        outcome,
        status,
    })
}

/// A return by its number.
pub fn get(store: &Store, number: &str) -> Result<WarrantyReturn> {
    let row = sql::return_by_number(store.db(), number.trim())?.ok_or_else(|| {
        refused(
            Code::NotFound,
            format!("Aucun retour n° {} sur ce poste.", number.trim()),
        )
    })?;
    view(store.db(), row, crate::local::today())
}

/// Returns, the open ones first (oldest first, with their age and deadline), then the ended
/// ones (latest first); only the open ones when `open_only`.
pub fn list(store: &Store, open_only: bool) -> Result<Vec<WarrantyReturn>> {
    let today = crate::local::today();
    sql::returns(store.db(), open_only, 500)?
        .into_iter()
        .map(|r| view(store.db(), r, today))
        .collect()
}
