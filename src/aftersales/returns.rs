//! Warranty returns (« SAV »): a family brings back a device sold here. The return is opened
//! from a receipt or by scanning the device; the screen shows the sale date, the guarantee's
//! end, whether the twelve-month presumption applies and the thirty-day deadline to remedy; it
//! ends once, repaired (the guarantee lengthened by six months), exchanged for an available
//! device of the same kind and a category as good or better (a numbered exchange, at no charge)
//! or refunded (a credit note). A return past the guarantee is allowed, and says so.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::views::preview_of;
pub use super::views::{candidates, get, list, ReturnEnd, ReturnPreview, WarrantyReturn};
use super::{next_number, refused, FaultCategory, Outcome};
use crate::device::{DeviceState, StockAction};
use crate::error::{Code, Error, Result};
use crate::journal;
use crate::model::pos::{CreditNote, PaymentMethod};
use crate::model::stock::Device;
use crate::operators::Actor;
use crate::protocol::{EventBody, ReturnFacts};
use crate::stock;
use crate::store::aftersales::{self as sql, NewReturn, OutcomeRow, ReturnRow};
use crate::store::{self, devices, Db, Store};

/// A return to open: the device (tag, serial or IMEI), the fault's category and the fault as
/// the family tells it. Shells pass what was typed; the core parses.
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ReturnInput {
    pub tag: String,
    pub fault_category: String,
    pub fault: String,
}

/// How to end a return: `outcome` (repaired, exchanged, refunded), the diagnosis, the device
/// handed over for an exchange, the refund's method for a refund.
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct OutcomeInput {
    pub number: String,
    pub outcome: String,
    pub diagnosis: String,
    #[serde(default)]
    pub new_tag: Option<String>,
    #[serde(default)]
    pub refund_method: Option<String>,
}

/// A return ended, with the credit note a refund made.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Closed {
    #[serde(rename = "return")]
    pub ret: WarrantyReturn,
    pub credit_note: Option<CreditNote>,
}

#[derive(Serialize)]
struct OpenedEntry<'a> {
    number: &'a str,
    uuid: &'a str,
    tag: &'a str,
    receipt: &'a str,
    line: i64,
    delivered_at: &'a str,
    fault_category: FaultCategory,
    fault: &'a str,
}

#[derive(Serialize)]
struct OutcomeEntry<'a> {
    number: &'a str,
    uuid: &'a str,
    outcome: Outcome,
    diagnosis: &'a str,
    exchange_number: Option<&'a str>,
    new_tag: Option<&'a str>,
    credit_note: Option<&'a str>,
}

/// What a return's journal entries say: its opening, then its end.
pub(crate) fn opened_entry(r: &ReturnRow) -> serde_json::Value {
    serde_json::to_value(OpenedEntry {
        number: &r.number,
        uuid: &r.uuid,
        tag: &r.tag,
        receipt: &r.receipt,
        line: r.line_no,
        delivered_at: &r.delivered_at,
        fault_category: r.fault_category,
        fault: &r.fault,
    })
    .expect("an entry serialises")
}

pub(crate) fn outcome_entry(number: &str, o: &OutcomeRow) -> serde_json::Value {
    serde_json::to_value(OutcomeEntry {
        number,
        uuid: &o.uuid,
        outcome: o.outcome,
        diagnosis: &o.diagnosis,
        exchange_number: o.exchange_number.as_deref(),
        new_tag: o.new_tag.as_deref(),
        credit_note: o.credit_note.as_deref(),
    })
    .expect("an entry serialises")
}

/// Opens a warranty return for a device sold here (its deposit slip's number is returned in
/// the view). Refused for a device not handed over by this register, one whose return is
/// already open, an unknown fault category or no description of the fault.
pub fn open(store: &mut Store, input: &ReturnInput, actor: &Actor) -> Result<WarrantyReturn> {
    crate::operators::require_present(store.db(), actor)?;
    let fault_category = FaultCategory::parse(&input.fault_category)?;
    let fault = input.fault.trim();
    if fault.chars().count() < 3 {
        return Err(Error::ReasonRequired(
            "Notez la panne telle que la famille la décrit (3 caractères au moins).".into(),
        ));
    }
    let device = stock::find_by_code(store, &input.tag)?;
    let preview = preview_of(store.db(), &device, crate::local::today())?;
    if let Some(number) = preview.open_return {
        return Err(refused(
            Code::Invalid,
            format!("Un retour est déjà ouvert pour {} : n° {number}.", device.tag),
        ));
    }
    let delivery = sql::delivery(store.db(), device.id)?.expect("previewed");
    let operator = actor.name();
    let number = store.with_tx(|tx| {
        let now = store::now_text();
        let number = next_number(tx, "SAV", &now)?;
        let uuid = Uuid::now_v7().to_string();
        let mut row = NewReturn {
            uuid: &uuid,
            number: &number,
            device_id: device.id,
            sale_id: delivery.sale_id,
            line_no: delivery.line_no,
            delivered_at: &delivery.delivered_at,
            at: &now,
            operator,
            fault_category,
            fault,
            journal_seq: 0,
        };
        let entry = OpenedEntry {
            number: &number,
            uuid: &uuid,
            tag: device.tag.as_str(),
            receipt: &delivery.receipt,
            line: delivery.line_no,
            delivered_at: &delivery.delivered_at,
            fault_category,
            fault,
        };
        row.journal_seq = journal::append(tx, "warranty_return", operator, &now, &entry)?;
        sql::insert_return(tx, &row)?;
        stock::note_in(
            tx,
            &device,
            operator,
            format!("Retour sous garantie n° {number} : {}", fault_category.label()),
            &now,
        )?;
        let opened = sql::return_by_number(tx, &number)?.expect("just written");
        queue_event(tx, &opened, &uuid, &now)?;
        Ok(number)
    })?;
    tracing::info!(numero = %number, "retour sous garantie ouvert");
    get(store, &number)
}

/// Ends a return, once: repaired (anyone present), exchanged or refunded (a manager). The
/// device must still be the family's; an exchange needs an available device of the same kind,
/// a category as good or better, and its erasure and test records; a refund needs an open
/// permanence and the refund's method.
pub fn close(store: &mut Store, input: &OutcomeInput, actor: &Actor) -> Result<Closed> {
    crate::operators::require_present(store.db(), actor)?;
    let outcome = Outcome::parse(&input.outcome)?;
    let ret = sql::return_by_number(store.db(), input.number.trim())?.ok_or_else(|| {
        refused(
            Code::NotFound,
            format!("Aucun retour n° {} sur ce poste.", input.number.trim()),
        )
    })?;
    if let Some(end) = &ret.outcome {
        return Err(refused(
            Code::AlreadyClosed,
            format!(
                "Le retour n° {} est déjà terminé ({}, le {}).",
                ret.number,
                end.outcome.label().to_lowercase(),
                crate::local::day_fr(&end.at)
            ),
        ));
    }
    let diagnosis = input.diagnosis.trim();
    if diagnosis.chars().count() < 3 {
        return Err(Error::ReasonRequired(format!(
            "Notez le diagnostic du retour n° {} (3 caractères au moins).",
            ret.number
        )));
    }
    let device = devices::by_id(store.db(), ret.device_id)?.expect("a returned device exists");
    if device.state != DeviceState::Sold {
        return Err(refused(
            Code::Unavailable,
            format!(
                "{} n'est plus chez la famille (il est « {} ») : le retour n° {} ne peut que rester tel quel.",
                device.tag,
                device.state.label(),
                ret.number
            ),
        ));
    }
    let operator = actor.name();
    let mut credit_note = None;
    match outcome {
        Outcome::Repaired => {
            store.with_tx(|tx| {
                let now = store::now_text();
                let end = end_row(outcome, diagnosis, &now, operator, None, None);
                finish(tx, &ret, end, &now, operator)?;
                stock::note_in(
                    tx,
                    &device,
                    operator,
                    format!("Réparé sous garantie (retour n° {}), rendu à la famille", ret.number),
                    &now,
                )
            })?;
        }
        Outcome::Exchanged => {
            crate::operators::require_manager(store.db(), actor)?;
            let new = exchange_device(store, &device, input.new_tag.as_deref())?;
            store.with_tx(|tx| {
                let now = store::now_text();
                let number = next_number(tx, "EC", &now)?;
                let why = format!("Échange sous garantie n° {number} (retour n° {})", ret.number);
                let back = stock::transition_in(tx, device.clone(), StockAction::TakeBack, operator, &why, &now)?;
                // A family used it: its data must be erased again before anything else.
                crate::store::records::clear_erasure(tx, back.id)?;
                stock::transition_in(tx, new.clone(), StockAction::HandOver, operator, &why, &now)?;
                let end = end_row(
                    outcome,
                    diagnosis,
                    &now,
                    operator,
                    Some((number.clone(), new.id, new.tag.to_string())),
                    None,
                );
                finish(tx, &ret, end, &now, operator)
            })?;
        }
        Outcome::Refunded => {
            crate::operators::require_manager(store.db(), actor)?;
            let method = match input.refund_method.as_deref().map(str::trim) {
                Some(m) if !m.is_empty() => PaymentMethod::parse(m)?,
                _ => {
                    return Err(refused(
                        Code::Invalid,
                        "Indiquez comment la famille est remboursée (espèces, carte, chèque, virement).",
                    ))
                }
            };
            let plan = crate::pos::plan_cancel(
                store,
                &ret.receipt,
                Some(ret.line_no as usize),
                &format!("Retour sous garantie n° {} : {diagnosis}", ret.number),
            )?;
            let identity = crate::pos::register_identity(store)?;
            let note = store.with_tx(|tx| {
                let note = crate::pos::write_cancel(tx, &plan, method, true, operator, &identity)?;
                let end = end_row(outcome, diagnosis, &note.at, operator, None, Some(note.number.clone()));
                finish(tx, &ret, end, &note.at, operator)?;
                Ok(note)
            })?;
            credit_note = Some(note);
        }
    }
    tracing::info!(numero = %ret.number, issue = outcome.code(), "retour sous garantie terminé");
    Ok(Closed {
        ret: get(store, &ret.number)?,
        credit_note,
    })
}

fn end_row(
    outcome: Outcome,
    diagnosis: &str,
    now: &str,
    operator: &str,
    exchange: Option<(String, i64, String)>,
    credit_note: Option<String>,
) -> OutcomeRow {
    let (exchange_number, new_device_id, new_tag) = match exchange {
        Some((n, id, tag)) => (Some(n), Some(id), Some(tag)),
        None => (None, None, None),
    };
    OutcomeRow {
        uuid: Uuid::now_v7().to_string(),
        outcome,
        diagnosis: diagnosis.to_string(),
        at: now.to_string(),
        operator: operator.to_string(),
        exchange_number,
        new_device_id,
        new_tag,
        credit_note,
        journal_seq: 0,
    }
}

/// Writes a return's end: its journal entry, its row, its event.
fn finish(tx: &Db, ret: &ReturnRow, mut end: OutcomeRow, now: &str, operator: &str) -> Result<()> {
    end.journal_seq = journal::append(tx, "warranty_outcome", operator, now, &outcome_entry(&ret.number, &end))?;
    sql::insert_outcome(tx, ret.id, &end)?;
    let ended = sql::return_by_number(tx, &ret.number)?.expect("just written");
    queue_event(tx, &ended, &end.uuid, now)
}

/// The device handed over in an exchange: available, of the same kind, a category as good or
/// better, with its erasure and test records.
fn exchange_device(store: &Store, old: &Device, new_tag: Option<&str>) -> Result<Device> {
    let code = new_tag.map(str::trim).filter(|t| !t.is_empty()).ok_or_else(|| {
        refused(
            Code::Invalid,
            "Scannez l'appareil remis en échange (même type, catégorie égale ou meilleure).",
        )
    })?;
    let new = stock::find_by_code(store, code)?;
    if new.state != DeviceState::Available {
        return Err(refused(Code::Unavailable, stock::not_on_sale(&new)));
    }
    if new.kind != old.kind {
        return Err(refused(
            Code::Invalid,
            format!(
                "{} est un(e) {} et l'appareil rendu un(e) {} : l'échange se fait contre le même type d'appareil.",
                new.tag,
                new.kind.label().to_lowercase(),
                old.kind.label().to_lowercase()
            ),
        ));
    }
    if let Some(wanted) = old.category {
        if new.category.is_none_or(|c| c < wanted) {
            return Err(refused(
                Code::Invalid,
                format!(
                    "{} est de catégorie {} : l'appareil remis en échange doit être de catégorie {} ou meilleure.",
                    new.tag,
                    new.category.map_or("inconnue", |c| c.label()),
                    wanted.label()
                ),
            ));
        }
    }
    let (missing, _) = crate::records::missing_for_sale(store.db(), new.id, new.kind)?;
    if !missing.is_empty() {
        return Err(refused(
            Code::RecordsMissing,
            format!(
                "{} ne peut pas être remis : il manque {}. Saisissez-le(s) dans Stock › Relevés, ou choisissez un autre appareil.",
                new.tag,
                missing.join(" et ")
            ),
        ));
    }
    Ok(new)
}

/// What the hub receives of a return (no name, no fault text), at its opening and at its end.
fn queue_event(tx: &Db, r: &ReturnRow, event_uuid: &str, now: &str) -> Result<()> {
    let opened = crate::local::local_day(&r.opened_at).unwrap_or_else(crate::local::today);
    // As the guarantee stood when the return was opened.
    let guarantee = super::guarantee_of(tx, r.device_id, &r.delivered_at, Some(&r.opened_at))?;
    let facts = ReturnFacts {
        return_id: r.uuid.clone(),
        opened_on: opened.to_string(),
        sale: r.sale_uuid.clone(),
        line_no: r.line_no as u32,
        tag: r.tag.clone(),
        kind: r.kind,
        category: r.category,
        brand: r.brand.clone(),
        model: r.model.clone(),
        refurbisher: r.refurbisher.clone(),
        fault: r.fault_category.code().to_string(),
        months_since_delivery: guarantee.months_at(opened),
        in_guarantee: guarantee.covers(opened),
        presumed: guarantee.presumed(opened),
        outcome: r.outcome.as_ref().map(|o| o.outcome.code().to_string()),
        closed_on: r
            .outcome
            .as_ref()
            .and_then(|o| crate::local::local_day(&o.at))
            .map(|d| d.to_string()),
        new_tag: r.outcome.as_ref().and_then(|o| o.new_tag.clone()),
    };
    crate::store::sync::queue(tx, event_uuid, now, &EventBody::WarrantyReturn(Box::new(facts)))
}
