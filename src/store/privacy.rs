//! SQL of personal data: last contact, anonymisation, and what one person's records hold.

use super::Db;
use rusqlite::params;

use crate::error::Result;

/// People not anonymised whose last contact (record created or changed, proof seen, sale,
/// loan lent or ended, warranty return) is before `cutoff` (an RFC 3339 UTC timestamp), and
/// who have no loan out: (id, last contact).
pub fn inactive_since(conn: &Db, cutoff: &str) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare(
        "SELECT id, last FROM (
             SELECT p.id, max(p.updated_at,
                 coalesce((SELECT max(s.at) FROM sales s WHERE s.person_id = p.id), ''),
                 coalesce((SELECT max(pr.checked_at) FROM proofs pr WHERE pr.person_id = p.id), ''),
                 coalesce((SELECT max(max(l.lent_at, coalesce(e.at, ''))) FROM loans l
                           LEFT JOIN loan_ends e ON e.loan_id = l.id WHERE l.person_id = p.id), ''),
                 coalesce((SELECT max(r.opened_at) FROM warranty_returns r JOIN sales s ON s.id = r.sale_id
                           WHERE s.person_id = p.id), '')) AS last
             FROM people p WHERE p.anonymised_at IS NULL AND p.merged_into IS NULL
               AND NOT EXISTS (SELECT 1 FROM loans l WHERE l.person_id = p.id
                               AND NOT EXISTS (SELECT 1 FROM loan_ends e WHERE e.loan_id = l.id)))
         WHERE last < ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([cutoff], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Removes identity and contact; keeps the id, the publics, proofs' kinds and dates, equipment
/// and sales (the accounts and the reports).
pub fn anonymise(conn: &Db, id: i64, now: &str) -> Result<()> {
    conn.execute(
        "UPDATE people SET last_name = 'Anonyme', first_name = printf('n° %d', id), birth_date = NULL,
             phone = NULL, email = NULL, postcode = NULL, commune = NULL, household = NULL,
             household_key = NULL, prescriber = NULL, notes = '', search_text = '',
             anonymised_at = ?2, updated_at = ?2
         WHERE id = ?1",
        params![id, now],
    )?;
    Ok(())
}

/// Rebuilds the vocabulary of name words from the names still held, and compacts the search
/// index, so that an anonymised name is found nowhere.
pub fn forget_names(conn: &Db, words: &[String]) -> Result<()> {
    conn.execute("DELETE FROM name_words", [])?;
    let mut stmt = conn.prepare_cached("INSERT OR IGNORE INTO name_words (word) VALUES (?1)")?;
    for word in words {
        stmt.execute([word])?;
    }
    conn.execute("INSERT INTO people_fts (people_fts) VALUES ('optimize')", [])?;
    Ok(())
}

/// Every name still held (not anonymised), to rebuild the vocabulary.
pub fn names(conn: &Db) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare("SELECT last_name, first_name FROM people WHERE anonymised_at IS NULL")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn insert_anonymisation(
    conn: &Db,
    id: i64,
    at: &str,
    operator: &str,
    cause: &str,
    reason: &str,
    seq: Option<i64>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO anonymisations (person_id, at, operator, cause, reason, journal_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, at, operator, cause, reason, seq],
    )?;
    Ok(())
}

/// The references of the documents that name a person: their sales' receipt numbers and the
/// numbers of the credit notes on those sales.
pub fn document_references(conn: &Db, id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT receipt FROM sales WHERE person_id = ?1
         UNION ALL SELECT c.number FROM credit_notes c JOIN sales s ON s.id = c.sale_id WHERE s.person_id = ?1",
    )?;
    let rows = stmt.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn is_anonymised(conn: &Db, id: i64) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT anonymised_at IS NOT NULL FROM people WHERE id = ?1",
        [id],
        |r| r.get(0),
    )?)
}

/// One person's sales: (receipt, at, programme, total cents) and their lines
/// (receipt, kind, label, quantity, unit cents).
#[allow(clippy::type_complexity)]
pub fn sales_of(
    conn: &Db,
    id: i64,
) -> Result<(
    Vec<(String, String, Option<String>, i64)>,
    Vec<(String, String, String, i64, i64)>,
)> {
    let mut stmt =
        conn.prepare("SELECT receipt, at, programme, total_cents FROM sales WHERE person_id = ?1 ORDER BY id")?;
    let sales = stmt
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare(
        "SELECT s.receipt, l.kind, l.label, l.quantity, l.unit_cents FROM sales s JOIN sale_lines l ON l.sale_id = s.id
         WHERE s.person_id = ?1 ORDER BY s.id, l.line_no",
    )?;
    let lines = stmt
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok((sales, lines))
}
