//! SQL of the centre's settings (rows `centre.*` of `settings`), its logo, and the register of
//! documents issued (original and copies).

use super::Db;
use rusqlite::{params, OptionalExtension};

use crate::error::Result;
use crate::model::centre::CentreInput;
use crate::store::pos::{set_setting, setting};

const PREFIX: &str = "centre.";

pub fn load(conn: &Db) -> Result<CentreInput> {
    let get = |key: &str| -> Result<String> { Ok(setting(conn, &format!("{PREFIX}{key}"))?.unwrap_or_default()) };
    Ok(CentreInput {
        name: get("name")?,
        address: get("address")?,
        siret: get("siret")?,
        tax_status: get("tax_status")?,
        vat_rates: serde_json::from_str(&get("vat_rates")?).unwrap_or_default(),
        vat_mention: get("vat_mention")?,
        help_phone: get("help_phone")?,
        help_email: get("help_email")?,
        help_hours: get("help_hours")?,
        help_url: get("help_url")?,
        printer: get("printer")?,
        paper: get("paper")?,
    })
}

pub fn save(conn: &Db, input: &CentreInput) -> Result<()> {
    let rates = serde_json::to_string(&input.vat_rates).expect("a map of strings serialises");
    let fields = [
        ("tax_status", &input.tax_status),
        ("vat_rates", &rates),
        ("name", &input.name),
        ("address", &input.address),
        ("siret", &input.siret),
        ("vat_mention", &input.vat_mention),
        ("help_phone", &input.help_phone),
        ("help_email", &input.help_email),
        ("help_hours", &input.help_hours),
        ("help_url", &input.help_url),
        ("printer", &input.printer),
        ("paper", &input.paper),
    ];
    for (key, value) in fields {
        set_setting(conn, &format!("{PREFIX}{key}"), value)?;
    }
    Ok(())
}

pub fn logo(conn: &Db) -> Result<Option<Vec<u8>>> {
    Ok(conn
        .query_row("SELECT bytes FROM centre_logo WHERE id = 1", [], |r| r.get(0))
        .optional()?)
}

pub fn set_logo(conn: &Db, media_type: &str, bytes: &[u8], now: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO centre_logo (id, media_type, bytes, updated_at) VALUES (1, ?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET media_type = excluded.media_type, bytes = excluded.bytes,
             updated_at = excluded.updated_at",
        params![media_type, bytes, now],
    )?;
    Ok(())
}

pub fn remove_logo(conn: &Db) -> Result<()> {
    conn.execute("DELETE FROM centre_logo", [])?;
    Ok(())
}

/// The number of times a document was issued already (0: never).
pub fn issues_count(conn: &Db, kind: &str, reference: &str) -> Result<u32> {
    Ok(conn.query_row(
        "SELECT count(*) FROM document_issues WHERE kind = ?1 AND reference = ?2",
        params![kind, reference],
        |r| r.get(0),
    )?)
}

pub fn insert_issue(
    conn: &Db,
    kind: &str,
    reference: &str,
    copy: u32,
    at: &str,
    operator: &str,
    journal_seq: Option<i64>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO document_issues (kind, reference, copy, at, operator, journal_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![kind, reference, copy, at, operator, journal_seq],
    )?;
    Ok(())
}

/// Notes that a document's original waits for the centre's identity (once).
pub fn add_waiting(conn: &Db, kind: &str, reference: &str, since: &str) -> Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO documents_waiting (kind, reference, since) VALUES (?1, ?2, ?3)",
        params![kind, reference, since],
    )?;
    Ok(())
}

/// The documents whose original waits, oldest first: (kind, reference).
pub fn waiting(conn: &Db) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare("SELECT kind, reference FROM documents_waiting ORDER BY since, rowid")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether one document's original waits (one look-up, whatever the number waiting).
pub fn is_waiting(conn: &Db, kind: &str, reference: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM documents_waiting WHERE kind = ?1 AND reference = ?2")?
        .exists(params![kind, reference])?)
}

pub fn remove_waiting(conn: &Db, kind: &str, reference: &str) -> Result<()> {
    conn.execute(
        "DELETE FROM documents_waiting WHERE kind = ?1 AND reference = ?2",
        params![kind, reference],
    )?;
    Ok(())
}
