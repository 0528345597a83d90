//! The events a centre pushes: each checked, recorded once per (centre, id), applied to the
//! network's stock; a refused one is acknowledged and never stored.

use super::sales::{self, held_by_v2_sale, record_correction, record_credit_note, record_sale};
use super::*;
use crate::check::checked;
use comptoir_common::protocol::{HubHead, SaleFacts, WireLine};

/// Records a push from a centre, in one transaction: the register's journal head and the
/// centre's settings (both checked by the caller), then each event; one acknowledgement each.
pub fn record_events(
    conn: &mut Connection,
    centre: &str,
    events: &[Event],
    journal: Option<&JournalHead>,
    settings: Option<&CentreFacts>,
) -> Result<(Vec<Ack>, Option<HubHead>)> {
    let tx = conn.savepoint()?;
    let received_at = now();
    let hub_head = match journal {
        Some(head) => super::heads::record_head(&tx, centre, head, &received_at)?,
        None => None,
    };
    if let Some(facts) = settings {
        sales::record_centre(&tx, centre, facts, &received_at)?;
    }
    let mut acks = Vec::with_capacity(events.len());
    for event in events {
        // Checked before it is looked up or stored; a refused event is acknowledged, never
        // stored (the protocol's word).
        let event = match checked(event) {
            Ok(event) => event,
            Err(refusal) => {
                acks.push(Ack {
                    uuid: event.uuid.chars().take(64).collect(),
                    status: AckStatus::Refused,
                    message: Some(refusal),
                    conflict: None,
                });
                continue;
            }
        };
        let known: Option<String> = tx
            .prepare_cached("SELECT status FROM events WHERE centre_id = ?1 AND uuid = ?2")?
            .query_row(params![centre, event.uuid], |r| r.get(0))
            .optional()?;
        if known.is_some() {
            acks.push(Ack {
                uuid: event.uuid.clone(),
                status: AckStatus::Duplicate,
                message: None,
                conflict: None,
            });
            continue;
        }
        let (status, message, conflict) = apply_event(&tx, centre, &event, &received_at)?;
        if status == AckStatus::Refused {
            acks.push(Ack {
                uuid: event.uuid.clone(),
                status,
                message,
                conflict: None,
            });
            continue;
        }
        tx.prepare_cached(
            "INSERT INTO events (centre_id, uuid, at, received_at, type, event, status, message)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            centre,
            event.uuid,
            event.at,
            received_at,
            kind_of(&event.body),
            serde_json::to_string(&event.body).expect("an event serialises"),
            match status {
                AckStatus::Accepted => "accepted",
                AckStatus::Duplicate => "duplicate",
                AckStatus::Conflict => "conflict",
                AckStatus::Refused => "refused",
            },
            message
        ])?;
        acks.push(Ack {
            uuid: event.uuid.clone(),
            status,
            message,
            conflict,
        });
    }
    tx.commit()?;
    Ok((acks, hub_head))
}

/// An acknowledgement's status, message and conflict number.
type Applied = (AckStatus, Option<String>, Option<i64>);

fn apply_event(tx: &Connection, centre: &str, event: &Event, at: &str) -> Result<Applied> {
    let owner = |tag: &str| -> Result<Option<(Option<String>, String)>> {
        Ok(tx
            .prepare_cached("SELECT centre_id, state FROM devices WHERE tag = ?1")?
            .query_row([tag], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    };
    let not_yours = |tag: &str| {
        Ok((
            AckStatus::Refused,
            Some(format!("{tag} appartient à un autre centre : événement refusé.")),
            None,
        ))
    };
    match &event.body {
        EventBody::LocalStock { device } => {
            // A tag the network already knows is the network's: a centre cannot claim it.
            match owner(&device.tag)? {
                None => {
                    tx.prepare_cached(
                        "INSERT INTO devices (tag, kind, category, device, centre_id, state, updated_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, 'received', ?6)",
                    )?
                    .execute(params![
                        device.tag,
                        device.kind.code(),
                        device.category.map(|c| c.code()),
                        serde_json::to_string(device).expect("a device serialises"),
                        centre,
                        at
                    ])?;
                    Ok((AckStatus::Accepted, None, None))
                }
                Some((Some(c), _)) if c == centre => Ok((AckStatus::Accepted, None, None)),
                Some(_) => not_yours(&device.tag),
            }
        }
        EventBody::Received { tag }
        | EventBody::Available { tag }
        | EventBody::Defective { tag }
        | EventBody::Returned { tag }
        | EventBody::BackInStock { tag } => {
            let state = match &event.body {
                EventBody::Received { .. } => "received",
                EventBody::Available { .. } | EventBody::BackInStock { .. } => "available",
                EventBody::Defective { .. } => "defective",
                _ => "returned",
            };
            match owner(tag)? {
                None => Ok((AckStatus::Refused, Some(format!("{tag} est inconnu du hub.")), None)),
                // A device a /v2 sale line holds moves only with that line's credit note or
                // correction (its « back in stock » included).
                Some((Some(c), _)) if c == centre && held_by_v2_sale(tx, tag)? => Ok((AckStatus::Accepted, None, None)),
                Some((Some(c), current)) if c == centre => {
                    if current == "recalled" && state != "returned" {
                        Ok((
                            AckStatus::Accepted,
                            Some(format!("{tag} est rappelé par le réseau.")),
                            None,
                        ))
                    } else {
                        tx.prepare_cached(
                            "UPDATE devices SET state = ?2, sold_centre = NULL, sold_sale = NULL, sold_line = NULL,
                             updated_at = ?3 WHERE tag = ?1",
                        )?
                        .execute(params![tag, state, at])?;
                        Ok((AckStatus::Accepted, None, None))
                    }
                }
                // A device moved to another centre: the one it left sends it back (its
                // « returned » after the hub's recall), which changes nothing here.
                Some(_) if state == "returned" && recalled_from(tx, centre, tag)? => {
                    Ok((AckStatus::Accepted, None, None))
                }
                Some(_) => not_yours(tag),
            }
        }
        // A /v1 sale line: one sale of one line, its register, receipt, person and payments
        // unknown. A device another centre owns is refused, as /v1 always did.
        EventBody::Sold {
            date,
            tag,
            kind,
            category,
            quantity,
            price_cents,
            programme,
            publics,
        } => {
            if let Some(tag) = tag {
                match owner(tag)? {
                    None => return Ok((AckStatus::Refused, Some(format!("{tag} est inconnu du hub.")), None)),
                    Some((Some(c), _)) if c == centre => {}
                    Some(_) => return not_yours(tag),
                }
            }
            let facts = SaleFacts {
                date: date.clone(),
                register: String::new(),
                receipt_seq: 0,
                person: None,
                publics: publics.clone(),
                programme: programme.clone(),
                lines: vec![WireLine {
                    line_no: 1,
                    kind: *kind,
                    category: *category,
                    quantity: *quantity,
                    unit_cents: *price_cents,
                    tag: tag.clone(),
                    provenance: None,
                }],
                payments: Vec::new(),
            };
            Ok(record_sale(tx, centre, &event.uuid, &facts, "v1", at)?.ack())
        }
        EventBody::Cancelled { .. } => Ok((AckStatus::Accepted, None, None)),
        EventBody::Sale(facts) => Ok(record_sale(tx, centre, &event.uuid, facts, "v2", at)?.ack()),
        EventBody::CreditNote(note) => Ok(record_credit_note(tx, centre, &event.uuid, note, at)?.ack()),
        EventBody::LineCorrected(fix) => Ok(record_correction(tx, centre, fix, at)?.ack()),
        EventBody::WarrantyReturn(ret) => {
            // A return (or the device an exchange handed over) names a device the hub knows.
            for tag in std::iter::once(&ret.tag).chain(ret.new_tag.as_ref()) {
                if owner(tag)?.is_none() {
                    return Ok((AckStatus::Refused, Some(format!("{tag} est inconnu du hub.")), None));
                }
            }
            Ok(super::quality::record_return(tx, centre, ret, at)?.ack())
        }
        EventBody::Recycling(batch) => super::quality::record_recycling(tx, centre, batch, at),
        EventBody::Loan(loan) => super::quality::record_loan(tx, centre, loan, at),
    }
}

/// Whether the hub recalled `tag` from `centre` (a move to another centre, or a recall).
fn recalled_from(tx: &Connection, centre: &str, tag: &str) -> Result<bool> {
    Ok(tx
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM changes WHERE centre_id = ?1
                            AND json_extract(change, '$.type') = 'recall' AND json_extract(change, '$.tag') = ?2)",
        )?
        .query_row(params![centre, tag], |r| r.get(0))?)
}
