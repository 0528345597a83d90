//! The events a centre pushes: each checked, recorded once per (centre, id), applied to the
//! network's stock; a refused one is acknowledged and never stored.

use super::*;
use crate::check::checked;

/// Records a batch of events from a centre, in one transaction; one acknowledgement each.
pub fn record_events(conn: &mut Connection, centre: &str, events: &[Event]) -> Result<Vec<Ack>> {
    let tx = conn.transaction()?;
    let received_at = now();
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
            });
            continue;
        }
        let (status, message) = apply_event(&tx, centre, &event, &received_at)?;
        if status == AckStatus::Refused {
            acks.push(Ack {
                uuid: event.uuid.clone(),
                status,
                message,
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
        });
    }
    tx.commit()?;
    Ok(acks)
}

fn apply_event(tx: &Connection, centre: &str, event: &Event, at: &str) -> Result<(AckStatus, Option<String>)> {
    let owner = |tag: &str| -> Result<Option<(Option<String>, String)>> {
        Ok(tx
            .prepare_cached("SELECT centre_id, state FROM devices WHERE tag = ?1")?
            .query_row([tag], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    };
    let set_state = |tag: &str, state: &str| -> Result<()> {
        tx.prepare_cached("UPDATE devices SET state = ?2, updated_at = ?3 WHERE tag = ?1")?
            .execute(params![tag, state, at])?;
        Ok(())
    };
    let not_yours = |tag: &str| {
        Ok((
            AckStatus::Refused,
            Some(format!("{tag} appartient à un autre centre : événement refusé.")),
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
                    Ok((AckStatus::Accepted, None))
                }
                Some((Some(c), _)) if c == centre => Ok((AckStatus::Accepted, None)),
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
                None => Ok((AckStatus::Refused, Some(format!("{tag} est inconnu du hub.")))),
                Some((Some(c), current)) if c == centre => {
                    if current == "recalled" && state != "returned" {
                        Ok((AckStatus::Accepted, Some(format!("{tag} est rappelé par le réseau."))))
                    } else {
                        set_state(tag, state)?;
                        Ok((AckStatus::Accepted, None))
                    }
                }
                Some(_) => not_yours(tag),
            }
        }
        EventBody::Sold { tag: Some(tag), .. } => match owner(tag)? {
            None => Ok((AckStatus::Refused, Some(format!("{tag} est inconnu du hub.")))),
            Some((Some(c), current)) if c == centre => {
                set_state(tag, "sold")?;
                if current == "recalled" {
                    let message = format!(
                        "{tag} a été rappelé par le réseau mais vendu hors ligne par le centre {centre} : la vente est maintenue."
                    );
                    tx.execute(
                        "INSERT INTO conflicts (centre_id, tag, event_uuid, message, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![centre, tag, event.uuid, message, at],
                    )?;
                    Ok((AckStatus::Conflict, Some(message)))
                } else {
                    Ok((AckStatus::Accepted, None))
                }
            }
            Some(_) => not_yours(tag),
        },
        EventBody::Sold { tag: None, .. } | EventBody::Cancelled { .. } => Ok((AckStatus::Accepted, None)),
    }
}
