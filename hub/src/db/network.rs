//! The coordinators' acts on the network's stock that the first command line did not have:
//! move devices from one centre to another, recall a whole model. Each is all or nothing, in
//! one transaction, and tells the centres concerned through their feeds.

use super::*;

/// The states in which a device at a centre may leave it for another: not sold, lent, lost,
/// recycled, reserved for a sale, or already recalled.
const MOVABLE: [&str; 4] = ["allocated", "received", "available", "defective"];

/// Moves devices from the centres that hold them to `to`: each recalled from its centre and
/// allocated to `to` (both feeds told). Returns (tag, the centre it left). Refused whole when
/// one tag is unknown, not at a centre, already at `to`, or in a state that cannot move.
pub fn move_devices(conn: &mut Connection, tags: &[String], to: &str) -> Result<Vec<(String, String)>> {
    let tx = conn.savepoint()?;
    let to = require_centre(&tx, to)?;
    if tags.is_empty() {
        return Err(HubError::Invalid("Aucun appareil choisi.".into()));
    }
    let mut moved = Vec::new();
    let mut problems = Vec::new();
    for tag in tags {
        let tag = tag.trim().to_uppercase();
        let row: Option<(Option<String>, String, String)> = tx
            .query_row(
                "SELECT centre_id, state, device FROM devices WHERE tag = ?1",
                [&tag],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        match row {
            None => problems.push(format!("{tag} : appareil inconnu du hub")),
            Some((None, _, _)) => problems.push(format!(
                "{tag} est au stock du réseau : attribuez-le plutôt qu'il ne soit déplacé"
            )),
            Some((Some(from), _, _)) if from == to => problems.push(format!("{tag} est déjà au centre {to}")),
            Some((Some(from), state, _)) if !MOVABLE.contains(&state.as_str()) => problems.push(format!(
                "{tag} ne peut pas quitter le centre {from} (état : {})",
                state_label(&state)
            )),
            Some((Some(from), _, device)) => moved.push((tag, from, device)),
        }
    }
    if !problems.is_empty() {
        return Err(HubError::Invalid(format!(
            "Rien n'a été déplacé : {}.",
            problems.join(" ; ")
        )));
    }
    let at = now();
    for (tag, from, device) in &moved {
        let device: WireDevice = stored("L'appareil", tag, device)?;
        tx.execute(
            "UPDATE devices SET centre_id = ?2, state = 'allocated', updated_at = ?3 WHERE tag = ?1",
            params![tag, to, at],
        )?;
        push_change(&tx, from, &Change::Recall { tag: tag.clone() }, &at)?;
        push_change(
            &tx,
            &to,
            &Change::Allocate {
                device: Box::new(device),
            },
            &at,
        )?;
    }
    tx.commit()?;
    Ok(moved.into_iter().map(|(tag, from, _)| (tag, from)).collect())
}

/// What recalling a model did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ModelRecall {
    /// Devices taken back from their centres (tag, centre): each centre told.
    pub from_centres: Vec<(String, String)>,
    /// Devices of the network's stock set aside (no centre had them).
    pub from_stock: usize,
    /// Devices left where they are, with why: sold (the family keeps it: a warranty return
    /// follows), lent (recalled when it comes back), lost, recycled, already recalled.
    pub left: Vec<(String, String)>,
}

/// Recalls every device of a brand and model (case ignored): those at centres and not in a
/// family's hands are recalled, those of the network's stock set aside. Refused when no
/// device of the hub is of that model.
pub fn recall_model(conn: &mut Connection, brand: &str, model: &str) -> Result<ModelRecall> {
    let (brand, model) = (brand.trim(), model.trim());
    if brand.is_empty() || model.is_empty() {
        return Err(HubError::Invalid("Donnez la marque et le modèle à rappeler.".into()));
    }
    let tx = conn.savepoint()?;
    let rows: Vec<(String, Option<String>, String)> = {
        let mut stmt = tx.prepare(
            "SELECT tag, centre_id, state FROM devices
             WHERE brand = ?1 COLLATE NOCASE AND model = ?2 COLLATE NOCASE ORDER BY tag",
        )?;
        let rows = stmt.query_map(params![brand, model], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    if rows.is_empty() {
        return Err(HubError::Invalid(format!(
            "Aucun appareil {brand} {model} au réseau : rien n'a été rappelé."
        )));
    }
    let at = now();
    let mut done = ModelRecall::default();
    for (tag, centre, state) in rows {
        match (centre, state.as_str()) {
            (None, "stock") => {
                tx.execute(
                    "UPDATE devices SET state = 'recalled', updated_at = ?2 WHERE tag = ?1",
                    params![tag, at],
                )?;
                done.from_stock += 1;
            }
            (Some(centre), s) if MOVABLE.contains(&s) || s == "reserved" => {
                tx.execute(
                    "UPDATE devices SET state = 'recalled', updated_at = ?2 WHERE tag = ?1",
                    params![tag, at],
                )?;
                push_change(&tx, &centre, &Change::Recall { tag: tag.clone() }, &at)?;
                done.from_centres.push((tag, centre));
            }
            (_, s) => done.left.push((tag, state_label(s).to_string())),
        }
    }
    tx.commit()?;
    Ok(done)
}

/// A hub state in French, as the console says it.
pub fn state_label(state: &str) -> &str {
    match state {
        "stock" => "au stock du réseau",
        "allocated" => "attribué, pas encore reçu",
        "recalled" => "rappelé",
        other => comptoir_common::device::DeviceState::parse(other)
            .map(|s| s.label())
            .unwrap_or(other),
    }
}
