//! Sales as the hub keeps them, and the conflicts between registers: a device is sold by the
//! first sale line of its own centre that reaches the hub; another line selling it is a
//! conflict, kept whole (both sales stay) and told to every register of the centres concerned
//! through their feeds, until a line correction or a credit note settles it (or, for a device
//! of another centre, a coordinator cedes it to the seller).
//!
//! Invariant: a device changes hands only by its own centre's lines or a coordinator's act.

use super::*;
use comptoir_common::protocol::{ConflictNotice, CreditNoteFacts, LineCorrection, SaleFacts};

/// A sale line: (centre, sale id, line number from 1).
pub(crate) type LineKey = (String, String, i64);

/// What recording an event's sale lines found.
#[derive(Default)]
pub(crate) struct Outcome {
    /// The first conflict it opened, with its message.
    pub conflict: Option<(i64, String)>,
    /// Tags the hub does not know (kept, said in the acknowledgement).
    pub unknown: Vec<String>,
}

impl Outcome {
    pub(crate) fn ack(self) -> (AckStatus, Option<String>, Option<i64>) {
        match self.conflict {
            Some((id, message)) => (AckStatus::Conflict, Some(message), Some(id)),
            None if !self.unknown.is_empty() => (
                AckStatus::Accepted,
                Some(format!("Inconnu(s) du hub : {}.", self.unknown.join(", "))),
                None,
            ),
            None => (AckStatus::Accepted, None, None),
        }
    }
}

/// How a sale line is named in a message: « le ticket n° 42 de la caisse R1 du centre C01
/// (2026-12-02) », or « une vente du centre C01 (2026-12-02, caisse inconnue) » for `/v1`.
fn describe(tx: &Connection, (centre, sale, line): &LineKey) -> Result<String> {
    let row: Option<(String, Option<String>, Option<i64>)> = tx
        .prepare_cached("SELECT date, register, receipt_seq FROM sales WHERE centre_id = ?1 AND uuid = ?2")?
        .query_row(params![centre, sale], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(match row {
        Some((date, Some(register), Some(seq))) => {
            format!("la ligne {line} du ticket n° {seq} de la caisse {register} du centre {centre} ({date})")
        }
        Some((date, _, _)) => format!("une vente du centre {centre} ({date}, caisse inconnue)"),
        None => format!("une vente du centre {centre}"),
    })
}

/// Opens a conflict and tells it to the centres concerned (each once): the second line's,
/// the first line's, and `owner` (the centre the device belongs to), when they differ.
#[allow(clippy::too_many_arguments)]
pub(super) fn open_conflict(
    tx: &Connection,
    kind: &str,
    second: &LineKey,
    first: Option<&LineKey>,
    owner: Option<&str>,
    tag: Option<&str>,
    message: &str,
    at: &str,
) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO conflicts (centre_id, tag, event_uuid, message, at, kind, sale_uuid, line_no,
                                first_centre, first_sale, first_line, owner_centre)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?3, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        second.0,
        tag,
        second.1,
        message,
        at,
        kind,
        second.2,
        first.map(|f| &f.0),
        first.map(|f| &f.1),
        first.map(|f| f.2),
        owner
    ])?;
    let id = tx.last_insert_rowid();
    let notice = Change::Conflict(Box::new(ConflictNotice {
        id,
        kind: kind.to_string(),
        tag: tag.map(str::to_string),
        message: message.to_string(),
    }));
    for centre in concerned(&second.0, first.map(|f| f.0.as_str()), owner) {
        push_change(tx, &centre, &notice, at)?;
    }
    Ok(id)
}

/// The centres a conflict concerns, each once.
fn concerned(second: &str, first: Option<&str>, owner: Option<&str>) -> Vec<String> {
    let mut centres = vec![second.to_string()];
    for c in [first, owner].into_iter().flatten() {
        if !centres.iter().any(|k| k == c) {
            centres.push(c.to_string());
        }
    }
    centres
}

/// Closes a conflict and tells the centres concerned.
fn close_conflict(tx: &Connection, id: i64, how: &str, at: &str) -> Result<()> {
    let (centre, first, owner): (String, Option<String>, Option<String>) = tx.query_row(
        "UPDATE conflicts SET closed_at = ?2, closed_how = ?3 WHERE id = ?1 AND closed_at IS NULL
         RETURNING centre_id, first_centre, owner_centre",
        params![id, at, how],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let closed = Change::ConflictClosed {
        id,
        how: how.to_string(),
    };
    for centre in concerned(&centre, first.as_deref(), owner.as_deref()) {
        push_change(tx, &centre, &closed, at)?;
    }
    Ok(())
}

/// The sale line `line` takes device `tag`, unless another line holds it already (a conflict
/// between registers of the centre). A device the network recalled is taken all the same, with
/// a conflict. A device of another centre (or of the network's stock) is not: a centre's token
/// changes only what that centre holds, so the device stays with its owner and the line waits,
/// in an `other_centre` conflict, for its centre's correction or credit note, or for a
/// coordinator to cede the device to it ([`cede_to_seller`]).
pub(crate) fn claim(tx: &Connection, line: &LineKey, tag: &str, at: &str, outcome: &mut Outcome) -> Result<()> {
    let device: Option<(Option<String>, String, Option<String>, Option<String>, Option<i64>)> = tx
        .prepare_cached("SELECT centre_id, state, sold_centre, sold_sale, sold_line FROM devices WHERE tag = ?1")?
        .query_row([tag], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .optional()?;
    let Some((owner, state, sold_centre, sold_sale, sold_line)) = device else {
        outcome.unknown.push(tag.to_string());
        return Ok(());
    };
    if owner.as_deref() != Some(line.0.as_str()) {
        let held = match (sold_centre, sold_sale, sold_line) {
            (Some(c), Some(s), Some(l)) => format!(", déjà vendu par {}", describe(tx, &(c, s, l))?),
            _ => String::new(),
        };
        let message = format!(
            "{tag} appartient {}{held} : il y reste. {} le nomme ; la vente est gardée, cette ligne en \
             attente. Si l'étiquette a été mal scannée, un responsable corrige la ligne (« Corriger une \
             ligne ») ou fait un avoir ; sinon la coordination du réseau peut céder l'appareil au centre {} \
             (console, page Conflits).",
            owner
                .as_deref()
                .map_or("au stock du réseau".to_string(), |o| format!("au centre {o}")),
            capitalised(&describe(tx, line)?),
            line.0
        );
        let id = open_conflict(
            tx,
            "other_centre",
            line,
            None,
            owner.as_deref(),
            Some(tag),
            &message,
            at,
        )?;
        outcome.conflict.get_or_insert((id, message));
        return Ok(());
    }
    let opened = match (sold_centre, sold_sale, sold_line) {
        (Some(c), Some(s), Some(l)) if (c.as_str(), s.as_str(), l) != (line.0.as_str(), line.1.as_str(), line.2) => {
            let first = (c, s, l);
            let message = format!(
                "{tag} est vendu deux fois : d'abord par {}, puis par {}. Les deux ventes sont gardées. \
                 Si une étiquette a été mal scannée, un responsable corrige la ligne du ticket concerné \
                 (onglet Caisse, liste des ventes, « Corriger une ligne » ; ou `comptoir sale correct-line`) en y mettant \
                 l'appareil réellement remis ; sinon il fait un avoir.",
                describe(tx, &first)?,
                describe(tx, line)?
            );
            let id = open_conflict(tx, "double_sale", line, Some(&first), None, Some(tag), &message, at)?;
            Some((id, message))
        }
        (Some(_), Some(_), Some(_)) => None, // this very line, again
        _ => {
            tx.prepare_cached(
                "UPDATE devices SET state = 'sold', state_before_sale = ?6, sold_centre = ?2, sold_sale = ?3,
                 sold_line = ?4, updated_at = ?5 WHERE tag = ?1",
            )?
            .execute(params![tag, line.0, line.1, line.2, at, state])?;
            if state == "recalled" {
                let message = format!(
                    "{tag} a été rappelé par le réseau mais vendu hors ligne par {} : la vente est maintenue.",
                    describe(tx, line)?
                );
                Some((
                    open_conflict(tx, "recall", line, None, None, Some(tag), &message, at)?,
                    message,
                ))
            } else {
                None
            }
        }
    };
    if let Some(opened) = opened {
        outcome.conflict.get_or_insert(opened);
    }
    Ok(())
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A coordinator's settlement of an `other_centre` conflict: the device leaves its owner (told
/// by a recall) for the centre whose sale line named it, and that line holds it (sold). Refused
/// when the conflict is settled already, or the device was sold meanwhile by another line.
/// Returns the device's tag, the centre it left (none: the network's stock) and the seller.
pub fn cede_to_seller(conn: &mut Connection, conflict: i64) -> Result<(String, Option<String>, String)> {
    let tx = conn.savepoint()?;
    type Row = (
        String,
        String,
        Option<String>,
        Option<String>,
        Option<i64>,
        Option<String>,
    );
    let row: Option<Row> = tx
        .query_row(
            "SELECT centre_id, kind, tag, sale_uuid, line_no, closed_at FROM conflicts WHERE id = ?1",
            [conflict],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )
        .optional()?;
    let Some((seller, kind, Some(tag), Some(sale), Some(line_no), closed)) = row else {
        return Err(HubError::Invalid(format!("Le conflit n° {conflict} n'existe pas.")));
    };
    if kind != "other_centre" {
        return Err(HubError::Invalid(format!(
            "Le conflit n° {conflict} ne porte pas sur un appareil d'un autre centre : il se règle au centre."
        )));
    }
    if closed.is_some() {
        return Err(HubError::Invalid(format!("Le conflit n° {conflict} est déjà réglé.")));
    }
    let (owner, sold_centre, sold_sale, sold_line): (Option<String>, Option<String>, Option<String>, Option<i64>) = tx
        .query_row(
            "SELECT centre_id, sold_centre, sold_sale, sold_line FROM devices WHERE tag = ?1",
            [&tag],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
    if let (Some(c), Some(s), Some(l)) = (sold_centre, sold_sale, sold_line) {
        return Err(HubError::Invalid(format!(
            "{tag} est déjà vendu par {} : il ne peut pas être cédé. Le centre {seller} corrige sa ligne ou fait un avoir.",
            describe(&tx, &(c, s, l))?
        )));
    }
    let at = now();
    tx.execute(
        "UPDATE devices SET centre_id = ?2, state = 'sold', state_before_sale = 'available', sold_centre = ?2,
         sold_sale = ?3, sold_line = ?4, updated_at = ?5 WHERE tag = ?1",
        params![tag, seller, sale, line_no, at],
    )?;
    if let Some(from) = owner.as_deref().filter(|o| *o != seller) {
        push_change(&tx, from, &Change::Recall { tag: tag.clone() }, &at)?;
    }
    close_conflict(
        &tx,
        conflict,
        &format!("la coordination a cédé {tag} au centre {seller} : la vente est gardée"),
        &at,
    )?;
    tx.commit()?;
    Ok((tag, owner, seller))
}

/// The sale line `line` lets go of device `tag` (cancelled, or corrected to another device):
/// the conflicts it was part of close; the device goes to the line that was in conflict with
/// it, if any, else back on sale at its centre.
pub(crate) fn release(tx: &Connection, line: &LineKey, tag: &str, how: &str, at: &str) -> Result<()> {
    let holder: Option<(Option<String>, Option<String>, Option<i64>)> = tx
        .prepare_cached("SELECT sold_centre, sold_sale, sold_line FROM devices WHERE tag = ?1")?
        .query_row([tag], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let holds = holder.as_ref().is_some_and(|(c, s, l)| {
        c.as_deref() == Some(line.0.as_str()) && s.as_deref() == Some(line.1.as_str()) && *l == Some(line.2)
    });
    let open: Vec<(i64, String, String, i64)> = tx
        .prepare_cached(
            "SELECT id, centre_id, sale_uuid, line_no FROM conflicts
             WHERE tag = ?1 AND closed_at IS NULL AND kind = 'double_sale'
               AND ((centre_id = ?2 AND sale_uuid = ?3 AND line_no = ?4)
                 OR (first_centre = ?2 AND first_sale = ?3 AND first_line = ?4))
             ORDER BY id",
        )?
        .query_map(params![tag, line.0, line.1, line.2], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    // Conflicts where this line is the second: they close, the holder keeps the device.
    // Where it is the first: the earliest second line becomes the holder.
    let successor = open
        .iter()
        .find(|(_, c, s, l)| (c, s, *l) != (&line.0, &line.1, line.2))
        .map(|(_, c, s, l)| (c.clone(), s.clone(), *l));
    let other_conflicts: Vec<(i64, String, String, i64)> = tx
        .prepare_cached(
            "SELECT id, centre_id, sale_uuid, line_no FROM conflicts WHERE tag = ?1 AND closed_at IS NULL AND kind <> 'double_sale'
               AND centre_id = ?2 AND sale_uuid = ?3 AND line_no = ?4",
        )?
        .query_map(params![tag, line.0, line.1, line.2], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (id, ..) in open.iter().chain(&other_conflicts) {
        close_conflict(tx, *id, how, at)?;
    }
    if holds {
        match &successor {
            Some((c, s, l)) => {
                tx.prepare_cached(
                    "UPDATE devices SET sold_centre = ?2, sold_sale = ?3, sold_line = ?4, updated_at = ?5 WHERE tag = ?1",
                )?
                .execute(params![tag, c, s, l, at])?;
                // The other lines still in conflict with the old holder are now with the new one.
                tx.prepare_cached(
                    "UPDATE conflicts SET first_centre = ?2, first_sale = ?3, first_line = ?4
                     WHERE tag = ?1 AND closed_at IS NULL AND kind = 'double_sale'",
                )?
                .execute(params![tag, c, s, l])?;
            }
            None => {
                // Back as it was before the sale (on sale at its centre, most often).
                tx.prepare_cached(
                    "UPDATE devices SET state = coalesce(state_before_sale, 'available'), state_before_sale = NULL,
                     sold_centre = NULL, sold_sale = NULL, sold_line = NULL, updated_at = ?2 WHERE tag = ?1",
                )?
                .execute(params![tag, at])?;
            }
        }
    }
    Ok(())
}

fn insert_sale(tx: &Connection, centre: &str, uuid: &str, facts: &SaleFacts, protocol: &str, at: &str) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO sales (centre_id, uuid, date, register, receipt_seq, person_ref, publics, programme, protocol, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        centre,
        uuid,
        facts.date,
        (!facts.register.is_empty()).then_some(&facts.register),
        (facts.receipt_seq > 0).then_some(facts.receipt_seq),
        facts.person,
        serde_json::to_string(&facts.publics).expect("publics serialise"),
        facts.programme,
        protocol,
        at
    ])?;
    for line in &facts.lines {
        tx.prepare_cached(
            "INSERT INTO sale_lines (centre_id, sale_uuid, line_no, kind, category, quantity, unit_cents, tag,
                                     programme, date, person_ref, publics)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, programme, date, person_ref, publics
             FROM sales WHERE centre_id = ?1 AND uuid = ?2",
        )?
        .execute(params![
            centre,
            uuid,
            line.line_no,
            line.kind.code(),
            line.category.map(|c| c.code()),
            line.quantity,
            line.unit_cents,
            line.tag
        ])?;
        super::progress::add_line(tx, centre, facts, line)?;
    }
    for payment in &facts.payments {
        tx.prepare_cached(
            "INSERT INTO sale_payments (centre_id, sale_uuid, method, amount_cents, programme, date)
             SELECT ?1, ?2, ?3, ?4, programme, date FROM sales WHERE centre_id = ?1 AND uuid = ?2
             ON CONFLICT DO UPDATE SET amount_cents = amount_cents + excluded.amount_cents",
        )?
        .execute(params![centre, uuid, payment.method, payment.amount_cents])?;
    }
    Ok(())
}

/// A whole sale (`/v2`), or one `/v1` sale line (`protocol` = `v1`: its register, receipt,
/// person and payments are unknown).
pub(crate) fn record_sale(
    tx: &Connection,
    centre: &str,
    uuid: &str,
    facts: &SaleFacts,
    protocol: &str,
    at: &str,
) -> Result<Outcome> {
    insert_sale(tx, centre, uuid, facts, protocol, at)?;
    let mut outcome = Outcome::default();
    for line in &facts.lines {
        if let Some(tag) = &line.tag {
            claim(
                tx,
                &(centre.to_string(), uuid.to_string(), i64::from(line.line_no)),
                tag,
                at,
                &mut outcome,
            )?;
        }
    }
    Ok(outcome)
}

/// A credit note: its lines are cancelled and let go of their devices.
pub(crate) fn record_credit_note(
    tx: &Connection,
    centre: &str,
    uuid: &str,
    note: &CreditNoteFacts,
    at: &str,
) -> Result<Outcome> {
    tx.prepare_cached(
        "INSERT INTO credit_notes (centre_id, uuid, sale_uuid, date, register, lines, programme, amount_cents, refund)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        centre,
        uuid,
        note.sale,
        note.date,
        note.register,
        serde_json::to_string(&note.lines).expect("lines serialise"),
        note.programme,
        note.amount_cents,
        note.refund
    ])?;
    let mut outcome = Outcome::default();
    for line_no in &note.lines {
        super::progress::cancel_line(tx, centre, &note.sale, *line_no)?;
        let tag: Option<Option<String>> = tx
            .prepare_cached(
                "UPDATE sale_lines SET cancelled_by = ?4 WHERE centre_id = ?1 AND sale_uuid = ?2 AND line_no = ?3
                 RETURNING tag",
            )?
            .query_row(params![centre, note.sale, line_no, uuid], |r| r.get(0))
            .optional()?;
        match tag {
            Some(Some(tag)) => {
                let how = format!("avoir du centre {centre} ({}) sur la ligne {line_no}", note.date);
                release(
                    tx,
                    &(centre.to_string(), note.sale.clone(), i64::from(*line_no)),
                    &tag,
                    &how,
                    at,
                )?;
            }
            Some(None) => {}
            None => outcome
                .unknown
                .push(format!("ligne {line_no} de la vente {}", note.sale)),
        }
    }
    Ok(outcome)
}

/// A line correction: the line lets go of the device it named and takes the one really
/// handed over (which may open a conflict of its own).
pub(crate) fn record_correction(tx: &Connection, centre: &str, fix: &LineCorrection, at: &str) -> Result<Outcome> {
    let line: LineKey = (centre.to_string(), fix.sale.clone(), i64::from(fix.line_no));
    let updated = tx
        .prepare_cached("UPDATE sale_lines SET tag = ?4 WHERE centre_id = ?1 AND sale_uuid = ?2 AND line_no = ?3")?
        .execute(params![centre, fix.sale, fix.line_no, fix.to_tag])?;
    let mut outcome = Outcome::default();
    if updated == 0 {
        outcome
            .unknown
            .push(format!("ligne {} de la vente {}", fix.line_no, fix.sale));
    }
    let how = format!(
        "ligne corrigée par le centre {centre} ({}) : {} remplacé par {}",
        fix.date, fix.from_tag, fix.to_tag
    );
    release(tx, &line, &fix.from_tag, &how, at)?;
    claim(tx, &line, &fix.to_tag, at, &mut outcome)?;
    Ok(outcome)
}

/// Whether the device is held by a `/v2` sale line (whose credit notes and corrections move it:
/// a bare « back in stock » then changes nothing).
pub(crate) fn held_by_v2_sale(tx: &Connection, tag: &str) -> Result<bool> {
    Ok(tx
        .prepare_cached(
            "SELECT 1 FROM devices d JOIN sales s ON s.centre_id = d.sold_centre AND s.uuid = d.sold_sale
             WHERE d.tag = ?1 AND s.protocol = 'v2'",
        )?
        .query_row([tag], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Keeps what the network may know of the centre's settings.
pub fn record_centre(tx: &Connection, centre: &str, facts: &CentreFacts, at: &str) -> Result<()> {
    tx.prepare_cached(
        "UPDATE centres SET declared_name = ?2, commune = ?3, postcode = ?4, departement = ?5, settings_at = ?6 WHERE id = ?1",
    )?
    .execute(params![centre, facts.name, facts.commune, facts.postcode, facts.departement, at])?;
    Ok(())
}
