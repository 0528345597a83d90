//! The registers' journal heads: the anchor of each register's journal outside its PC. Every
//! head a push carries is kept on the journal's branch (0, then one more after each restore a
//! manager declared); a head behind the furthest one of its branch, or another hash at a count
//! already seen, is not kept and opens a `journal` conflict. A push learns the furthest head of
//! its branch, and the last receipt number the hub knows for the register this year.

use super::sales::open_conflict;
use super::*;
use comptoir_common::protocol::{HeadSeen, HubHead};

/// The branch a head belongs to: 0 for a journal never restored; for one that declares the
/// hub's head it resumes from, the branch that starts there (made now when that head is the
/// furthest the hub knows for the register). None: a resumption from a head the hub never had
/// as its furthest (a conflict).
fn branch_of(tx: &Connection, centre: &str, head: &JournalHead, at: &str) -> Result<Option<i64>> {
    let Some(resumes) = &head.resumes else {
        return Ok(Some(0));
    };
    let known: Option<i64> = tx
        .prepare_cached(
            "SELECT branch FROM journal_branches WHERE centre_id = ?1 AND register = ?2
               AND resumes_entries = ?3 AND resumes_hash = ?4",
        )?
        .query_row(params![centre, head.register, resumes.entries, resumes.hash], |r| {
            r.get(0)
        })
        .optional()?;
    if known.is_some() {
        return Ok(known);
    }
    let latest: i64 = tx
        .prepare_cached("SELECT coalesce(max(branch), 0) FROM journal_heads WHERE centre_id = ?1 AND register = ?2")?
        .query_row(params![centre, head.register], |r| r.get(0))?;
    let furthest = furthest(tx, centre, &head.register, latest)?;
    if furthest
        .as_ref()
        .is_some_and(|f| f.entries == resumes.entries && f.hash == resumes.hash)
    {
        tx.prepare_cached(
            "INSERT INTO journal_branches (centre_id, register, branch, resumes_entries, resumes_hash, declared_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            centre,
            head.register,
            latest + 1,
            resumes.entries,
            resumes.hash,
            at
        ])?;
        return Ok(Some(latest + 1));
    }
    Ok(None)
}

/// The furthest head of a register's branch.
fn furthest(conn: &Connection, centre: &str, register: &str, branch: i64) -> Result<Option<HeadSeen>> {
    Ok(conn
        .prepare_cached(
            "SELECT entries, hash, received_at FROM journal_heads WHERE centre_id = ?1 AND register = ?2 AND branch = ?3
             ORDER BY entries DESC LIMIT 1",
        )?
        .query_row(params![centre, register, branch], |r| {
            Ok(HeadSeen {
                entries: r.get(0)?,
                hash: r.get(1)?,
                received_at: r.get(2)?,
            })
        })
        .optional()?)
}

/// A `journal` conflict about a register, opened once per message.
fn journal_conflict(tx: &Connection, centre: &str, message: &str, at: &str) -> Result<()> {
    let said: bool = tx
        .prepare_cached(
            "SELECT count(*) > 0 FROM conflicts WHERE kind = 'journal' AND centre_id = ?1 AND message = ?2",
        )?
        .query_row(params![centre, message], |r| r.get(0))?;
    if !said {
        let line = (centre.to_string(), String::new(), 0);
        open_conflict(tx, "journal", &line, None, None, None, message, at)?;
    }
    Ok(())
}

/// Keeps a register's journal head (and its archive key); returns the furthest head of its
/// branch as the hub now holds it.
pub fn record_head(tx: &Connection, centre: &str, head: &JournalHead, at: &str) -> Result<Option<HubHead>> {
    if let Some(key) = &head.signing_key {
        tx.prepare_cached(
            "INSERT OR IGNORE INTO register_keys (centre_id, register, public_key, received_at) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![centre, head.register, key, at])?;
    }
    let Some(branch) = branch_of(tx, centre, head, at)? else {
        let message = format!(
            "La caisse {} du centre {centre} déclare reprendre son journal après l'entrée n° {} d'une empreinte que le hub \
             n'a pas comme dernier état connu : reprise refusée. Vérifiez le journal avec le réseau.",
            head.register,
            head.resumes.as_ref().map_or(0, |r| r.entries)
        );
        journal_conflict(tx, centre, &message, at)?;
        return Ok(None);
    };
    let known: Option<String> = tx
        .prepare_cached(
            "SELECT hash FROM journal_heads WHERE centre_id = ?1 AND register = ?2 AND branch = ?3 AND entries = ?4",
        )?
        .query_row(params![centre, head.register, branch, head.entries], |r| r.get(0))
        .optional()?;
    let furthest_entries = furthest(tx, centre, &head.register, branch)?.map(|f| f.entries);
    match known {
        // Behind what the hub saw: not kept (the anchor stays the furthest head), said once.
        None if furthest_entries.is_some_and(|f| f > head.entries) => {
            let message = format!(
                "Le journal de la caisse {} du centre {centre} est revenu à {} entrée(s) alors que le hub en a vu {} : \
                 des entrées ont été supprimées, ou une sauvegarde ancienne a été restaurée. Vérifiez le journal avec le réseau \
                 (Bilans › Journal › « Vérifier avec le réseau ») ; après une restauration, un responsable la déclare.",
                head.register,
                head.entries,
                furthest_entries.unwrap_or_default()
            );
            journal_conflict(tx, centre, &message, at)?;
        }
        None => {
            tx.prepare_cached(
                "INSERT INTO journal_heads (centre_id, register, branch, entries, hash, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![centre, head.register, branch, head.entries, head.hash, at])?;
        }
        Some(hash) if hash != head.hash => {
            let message = format!(
                "Le journal de la caisse {} du centre {centre} n'a plus, à l'entrée {}, l'empreinte que le hub a reçue : \
                 il a été réécrit ou restauré d'une sauvegarde ancienne. Vérifiez-le (Bilans › Journal › Vérifier).",
                head.register, head.entries
            );
            journal_conflict(tx, centre, &message, at)?;
        }
        Some(_) => {}
    }
    let year = &at[..4];
    let last_receipt_seq: Option<i64> = tx
        .prepare_cached(
            "SELECT max(receipt_seq) FROM sales WHERE centre_id = ?1 AND register = ?2 AND substr(date, 1, 4) = ?3",
        )?
        .query_row(params![centre, head.register, year], |r| r.get(0))?;
    Ok(furthest(tx, centre, &head.register, branch)?.map(|f| HubHead {
        entries: f.entries,
        hash: f.hash,
        received_at: f.received_at,
        last_receipt_seq,
    }))
}

/// The heads of a register's journal on its current branch (the latest), in order.
pub fn journal_heads(conn: &Connection, centre: &str, register: &str) -> Result<Vec<HeadSeen>> {
    let mut stmt = conn.prepare_cached(
        "SELECT entries, hash, received_at FROM journal_heads WHERE centre_id = ?1 AND register = ?2
           AND branch = (SELECT coalesce(max(branch), 0) FROM journal_heads WHERE centre_id = ?1 AND register = ?2)
         ORDER BY entries",
    )?;
    let rows = stmt.query_map(params![centre, register], |r| {
        Ok(HeadSeen {
            entries: r.get(0)?,
            hash: r.get(1)?,
            received_at: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The public keys a register's archives were signed with.
pub fn register_keys(conn: &Connection, centre: &str, register: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT public_key FROM register_keys WHERE centre_id = ?1 AND register = ?2 ORDER BY received_at",
    )?;
    let rows = stmt.query_map(params![centre, register], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
