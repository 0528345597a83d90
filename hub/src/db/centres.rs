//! Centres: created (with the programmes already published to the whole network in their
//! feed), their tokens renewed or revoked.

use super::*;

/// Creates a centre and returns its token (shown once: only its hash is kept).
pub fn create_centre(conn: &Connection, id: &str, name: &str) -> Result<String> {
    let id = id.trim().to_uppercase();
    if id.is_empty() || id.len() > 32 || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(HubError::Invalid(format!(
            "« {id} » : un identifiant de centre est fait de lettres, de chiffres et de tirets."
        )));
    }
    let name = comptoir_common::text::display_name("Le nom du centre", name, 120).map_err(HubError::Invalid)?;
    let exists: i64 = conn.query_row("SELECT count(*) FROM centres WHERE id = ?1", [&id], |r| r.get(0))?;
    if exists > 0 {
        return Err(HubError::Invalid(format!(
            "Le centre {id} existe déjà (nouveau jeton : centre token {id})."
        )));
    }
    let token = new_token();
    // A savepoint: a transaction of its own, or nested in a console act's (with its audit line).
    conn.execute_batch("SAVEPOINT create_centre")?;
    let made = add_centre(conn, &id, &name, &token);
    let end = if made.is_ok() {
        "RELEASE create_centre"
    } else {
        "ROLLBACK TO create_centre; RELEASE create_centre"
    };
    conn.execute_batch(end)?;
    made.map(|()| token)
}

/// The centre's row and, in its feed, the programmes published to the whole network.
fn add_centre(tx: &Connection, id: &str, name: &str, token: &str) -> Result<()> {
    let at = now();
    tx.execute(
        "INSERT INTO centres (id, name, token_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![id, name, hash_token(token), at],
    )?;
    // The programmes published to the whole network and still in force: in the new centre's
    // feed from its first pull, as if it had existed when they were published.
    let today = chrono::Utc::now().date_naive();
    let mut stmt =
        tx.prepare("SELECT name, content FROM programmes WHERE all_centres = 1 ORDER BY published_at, name")?;
    let published: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    drop(stmt);
    for (name, content) in published {
        let in_force = comptoir_common::programme::Programme::parse(
            &content,
            &name,
            &comptoir_common::programme::LegalCaps::shipped(),
        )
        .is_ok_and(|p| p.end.is_none_or(|end| end >= today));
        if in_force {
            push_change(tx, id, &Change::Programme { name, content }, &at)?;
        }
    }
    Ok(())
}

fn new_token() -> String {
    format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}

/// A new token for a centre; the old one stops working at once.
pub fn renew_token(conn: &Connection, id: &str) -> Result<String> {
    let token = new_token();
    let n = conn.execute(
        "UPDATE centres SET token_hash = ?2, revoked_at = NULL WHERE id = ?1",
        params![id.to_uppercase(), hash_token(&token)],
    )?;
    if n == 0 {
        return Err(HubError::Invalid(format!("Aucun centre {id}.")));
    }
    Ok(token)
}

pub fn revoke(conn: &Connection, id: &str) -> Result<()> {
    let n = conn.execute(
        "UPDATE centres SET revoked_at = ?2 WHERE id = ?1",
        params![id.to_uppercase(), now()],
    )?;
    if n == 0 {
        return Err(HubError::Invalid(format!("Aucun centre {id}.")));
    }
    Ok(())
}
