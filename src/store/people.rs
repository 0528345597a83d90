//! SQL of the beneficiaries' tables: `people`, `person_publics`, `proofs`,
//! `equipment_received`, `eligibility_overrides`, `person_merges`.

use super::Db;
use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Row};
use uuid::Uuid;

use crate::device::DeviceKind;
use crate::error::{Error, Result};
use crate::model::eligibility::{PastPurchase, Verdict};
use crate::model::people::{Equipment, NewPerson, Override, Person, PersonSummary, Prescriber, Proof};
use crate::text::fold;

crate::store::devices::sql_code!(Prescriber);

const SUMMARY: &str = "p.id, p.last_name, p.first_name, p.birth_date, p.phone, p.household, p.commune";

fn summary_from_row(row: &Row<'_>) -> rusqlite::Result<PersonSummary> {
    Ok(PersonSummary {
        id: row.get(0)?,
        last_name: row.get(1)?,
        first_name: row.get(2)?,
        birth_date: row.get(3)?,
        phone: row.get(4)?,
        household: row.get(5)?,
        commune: row.get(6)?,
    })
}

fn summaries(conn: &Db, sql: &str, params: impl rusqlite::Params) -> Result<Vec<PersonSummary>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt
        .query_map(params, summary_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Inserts a person: a new row with its identifier, then its fields through `update`, so the
/// columns are written in one place.
pub fn insert(conn: &Db, p: &NewPerson, now: &str) -> Result<i64> {
    conn.execute(
        "INSERT INTO people (uuid, last_name, first_name, search_text, created_at, updated_at)
         VALUES (?1, '', '', '', ?2, ?2)",
        params![Uuid::now_v7().to_string(), now],
    )?;
    let id = conn.last_insert_rowid();
    update(conn, id, p, now)?;
    Ok(id)
}

pub fn update(conn: &Db, id: i64, p: &NewPerson, now: &str) -> Result<()> {
    conn.execute(
        "UPDATE people SET last_name = ?2, first_name = ?3, birth_date = ?4, phone = ?5, email = ?6,
             postcode = ?7, commune = ?8, household = ?9, household_key = ?10, prescriber = ?11,
             rgpd_informed_on = ?12, notes = ?13, search_text = ?14, updated_at = ?15
         WHERE id = ?1",
        params![
            id,
            p.last_name,
            p.first_name,
            p.birth_date,
            p.phone,
            p.email,
            p.postcode,
            p.commune,
            p.household,
            p.household_key(),
            p.prescriber,
            p.rgpd_informed_on,
            p.notes,
            p.search_text(),
            now
        ],
    )?;
    conn.execute("DELETE FROM person_publics WHERE person_id = ?1", [id])?;
    set_publics(conn, id, &p.publics)?;
    add_name_words(conn, p)
}

/// Records the words of a person's names in the typo-search vocabulary. Words no longer used
/// by anyone may stay: they only propose candidates, which then match nobody.
fn add_name_words(conn: &Db, p: &NewPerson) -> Result<()> {
    let mut stmt = conn.prepare_cached("INSERT OR IGNORE INTO name_words (word) VALUES (?1)")?;
    for word in fold(&format!("{} {}", p.last_name, p.first_name))
        .split(' ')
        .filter(|w| w.chars().count() >= 3)
    {
        stmt.execute([word])?;
    }
    Ok(())
}

fn set_publics(conn: &Db, id: i64, publics: &[String]) -> Result<()> {
    let mut stmt = conn.prepare_cached("INSERT OR IGNORE INTO person_publics (person_id, public) VALUES (?1, ?2)")?;
    for public in publics {
        stmt.execute(params![id, public])?;
    }
    Ok(())
}

/// Fails with a clear error unless `id` is a person that was not merged into another.
pub fn require_active(conn: &Db, id: i64) -> Result<()> {
    let merged: Option<Option<i64>> = conn
        .query_row("SELECT merged_into FROM people WHERE id = ?1", [id], |r| r.get(0))
        .optional()?;
    match merged {
        None => Err(Error::PersonNotFound(id)),
        Some(Some(into)) => Err(Error::Merged { id, into }),
        Some(None) => Ok(()),
    }
}

pub fn get(conn: &Db, id: i64) -> Result<Option<Person>> {
    let row = conn
        .query_row(
            "SELECT id, uuid, last_name, first_name, birth_date, phone, email, postcode, commune, household,
                    prescriber, rgpd_informed_on, notes, merged_into, created_at, updated_at
             FROM people WHERE id = ?1",
            [id],
            |r| {
                Ok(Person {
                    id: r.get(0)?,
                    uuid: r.get(1)?,
                    fields: NewPerson {
                        last_name: r.get(2)?,
                        first_name: r.get(3)?,
                        birth_date: r.get(4)?,
                        phone: r.get(5)?,
                        email: r.get(6)?,
                        postcode: r.get(7)?,
                        commune: r.get(8)?,
                        household: r.get(9)?,
                        prescriber: r.get(10)?,
                        publics: Vec::new(),
                        rgpd_informed_on: r.get(11)?,
                        notes: r.get(12)?,
                    },
                    merged_into: r.get(13)?,
                    proofs: Vec::new(),
                    equipment: Vec::new(),
                    overrides: Vec::new(),
                    created_at: r.get(14)?,
                    updated_at: r.get(15)?,
                })
            },
        )
        .optional()?;
    let Some(mut person) = row else { return Ok(None) };
    let mut stmt = conn.prepare_cached("SELECT public FROM person_publics WHERE person_id = ?1 ORDER BY public")?;
    person.fields.publics = stmt.query_map([id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, issued, checked_by, checked_at FROM proofs WHERE person_id = ?1 ORDER BY issued DESC, id DESC",
    )?;
    person.proofs = stmt
        .query_map([id], |r| {
            Ok(Proof {
                id: r.get(0)?,
                kind: r.get(1)?,
                issued: r.get(2)?,
                checked_by: r.get(3)?,
                checked_at: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT e.date, e.kind, e.source,
                    (SELECT c.number FROM credit_notes c WHERE c.sale_id = e.sale_id
                         AND (c.line_no IS NULL OR c.line_no = e.sale_line) ORDER BY c.id LIMIT 1)
             FROM equipment_received e WHERE e.person_id = ?1 ORDER BY e.date DESC, e.id DESC",
    )?;
    person.equipment = stmt
        .query_map([id], |r| {
            Ok(Equipment {
                date: r.get(0)?,
                kind: r.get(1)?,
                source: r.get(2)?,
                cancelled_by: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT programme, overridden, reason, operator, at FROM eligibility_overrides WHERE person_id = ?1 ORDER BY id",
    )?;
    person.overrides = stmt
        .query_map([id], |r| {
            Ok(Override {
                programme: r.get(0)?,
                overridden: r.get(1)?,
                reason: r.get(2)?,
                operator: r.get(3)?,
                at: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(person))
}

pub fn by_phone(conn: &Db, phone: &str) -> Result<Vec<PersonSummary>> {
    let sql = format!("SELECT {SUMMARY} FROM people p WHERE p.phone = ?1 AND p.merged_into IS NULL ORDER BY p.id");
    summaries(conn, &sql, [phone])
}

pub fn by_birth_date(conn: &Db, birth: NaiveDate) -> Result<Vec<PersonSummary>> {
    let sql = format!("SELECT {SUMMARY} FROM people p WHERE p.birth_date = ?1 AND p.merged_into IS NULL ORDER BY p.id");
    summaries(conn, &sql, [birth])
}

/// People whose folded "last first" is exactly `full`.
pub fn by_exact_name(conn: &Db, full: &str) -> Result<Vec<PersonSummary>> {
    let candidates = fts_candidates(conn, &format!("\"{}\"", full.replace('"', "\"\"")), 50)?;
    Ok(candidates
        .into_iter()
        .filter(|(_, text)| text.starts_with(full) && text[full.len()..].chars().next().is_none_or(|c| c == ' '))
        .map(|(p, _)| p)
        .collect())
}

/// Rows of the trigram index matching `fts` (an FTS5 query), most recent first, stopping at
/// `limit` (no ranking: scoring every match of a common name costs more than it helps).
fn fts_candidates(conn: &Db, fts: &str, limit: usize) -> Result<Vec<(PersonSummary, String)>> {
    let sql = format!(
        "SELECT {SUMMARY}, p.search_text FROM people_fts f CROSS JOIN people p ON p.id = f.rowid
         WHERE people_fts MATCH ?1 AND p.merged_into IS NULL ORDER BY f.rowid DESC LIMIT ?2"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![fts, limit as i64], |r| {
        Ok((summary_from_row(r)?, r.get::<_, String>(7)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Words of the names' vocabulary close to `token`: the same first or second letter, a length
/// within two, and one typo away (two for long words), or starting so.
fn close_words(conn: &Db, token: &str) -> Result<Vec<String>> {
    let chars: Vec<char> = token.chars().collect();
    let n = chars.len() as i64;
    let mut stmt = conn.prepare_cached(
        "SELECT word FROM name_words WHERE length(word) BETWEEN ?1 AND ?2
         AND (substr(word, 1, 1) = ?3 OR substr(word, 2, 1) = ?4)",
    )?;
    let rows = stmt.query_map(
        params![n - 2, n + 12, chars[0].to_string(), chars[1].to_string()],
        |r| r.get::<_, String>(0),
    )?;
    let mut out = Vec::new();
    for word in rows {
        let word = word?;
        if word != token && close_word(token, &word) {
            out.push(word);
        }
    }
    Ok(out)
}

/// Whether `word` is `token` give or take one typo (two for long words), or starts so.
fn close_word(token: &str, word: &str) -> bool {
    let allowed = if token.chars().count() > 7 { 2 } else { 1 };
    if strsim::damerau_levenshtein(token, word) <= allowed {
        return true;
    }
    let prefix: String = word.chars().take(token.chars().count()).collect();
    word.chars().count() > token.chars().count() && strsim::damerau_levenshtein(token, &prefix) <= allowed.min(1)
}

/// Name search: each word as a substring (accents and case folded); when that finds too few,
/// names one typo away. A phone number (digits) searches phones.
pub fn search(conn: &Db, text: &str, limit: usize) -> Result<Vec<PersonSummary>> {
    let text = text.trim();
    if text.is_empty() {
        let sql =
            format!("SELECT {SUMMARY} FROM people p WHERE p.merged_into IS NULL ORDER BY p.updated_at DESC LIMIT ?1");
        return summaries(conn, &sql, [limit as i64]);
    }
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    if digits.len() >= 4 && text.chars().all(|c| c.is_ascii_digit() || " .-+".contains(c)) {
        // The beginning of a number, as stored ("0612…"; "+33 6 12" is "0612…" too): a range
        // of the phone index.
        let prefix = match digits.strip_prefix("33").filter(|_| text.trim_start().starts_with('+')) {
            Some(rest) => format!("0{rest}"),
            None if digits.starts_with('0') => digits,
            None => format!("+{digits}"),
        };
        let mut upper = prefix.clone().into_bytes();
        *upper.last_mut().expect("at least 4 digits") += 1;
        let upper = String::from_utf8(upper).expect("ASCII digits");
        let sql = format!(
            "SELECT {SUMMARY} FROM people p WHERE p.phone >= ?1 AND p.phone < ?2 AND p.merged_into IS NULL
             ORDER BY p.phone LIMIT ?3"
        );
        return summaries(conn, &sql, params![prefix, upper, limit as i64]);
    }
    let tokens: Vec<String> = fold(text)
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    let (long, short): (Vec<&String>, Vec<&String>) = tokens.iter().partition(|t| t.chars().count() >= 3);
    let word_start = |text: &str, token: &str| text.split(' ').any(|w| w.starts_with(token));
    let mut found: Vec<PersonSummary> = Vec::new();
    if !long.is_empty() {
        let fts = long
            .iter()
            .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(" AND ");
        for (person, search_text) in fts_candidates(conn, &fts, limit * 4)? {
            if short.iter().all(|t| word_start(&search_text, t)) {
                found.push(person);
            }
        }
    } else {
        // One or two letters: the names that begin with them, through the index of folded
        // names (last name first), in alphabetical order.
        let prefix = short.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(" ");
        let upper = format!("{prefix}\u{10FFFF}");
        let sql = format!(
            "SELECT {SUMMARY} FROM people p WHERE p.search_text >= ?1 AND p.search_text < ?2
             AND p.merged_into IS NULL ORDER BY p.search_text LIMIT ?3"
        );
        found = summaries(conn, &sql, params![prefix, upper, limit as i64])?;
    }
    // Too few: forgive a typo. The names' vocabulary proposes the words one typo away from
    // each long word typed; the index then finds who bears them.
    if found.len() < 5 && long.iter().any(|t| t.chars().count() >= 4) {
        let mut groups = Vec::new();
        for token in &long {
            let mut words = vec![(*token).clone()];
            if token.chars().count() >= 4 {
                words.extend(close_words(conn, token)?);
            }
            groups.push(format!(
                "({})",
                words
                    .iter()
                    .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
                    .collect::<Vec<_>>()
                    .join(" OR ")
            ));
        }
        for (person, search_text) in fts_candidates(conn, &groups.join(" AND "), limit * 4)? {
            let words: Vec<&str> = search_text.split(' ').collect();
            let all_close = long
                .iter()
                .all(|t| words.iter().any(|w| w.contains(t.as_str()) || close_word(t, w)));
            if all_close && !found.iter().any(|f| f.id == person.id) {
                found.push(person);
            }
        }
    }
    found.truncate(limit);
    Ok(found)
}

pub fn insert_proof(conn: &Db, id: i64, kind: &str, issued: NaiveDate, checked_by: &str, now: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO proofs (uuid, person_id, kind, issued, checked_by, checked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![Uuid::now_v7().to_string(), id, kind, issued, checked_by, now],
    )?;
    touch(conn, id, now)
}

pub fn insert_equipment(
    conn: &Db,
    id: i64,
    date: NaiveDate,
    kind: DeviceKind,
    source: &str,
    operator: &str,
    now: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO equipment_received (uuid, person_id, date, kind, source, recorded_by, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![Uuid::now_v7().to_string(), id, date, kind, source, operator, now],
    )?;
    touch(conn, id, now)
}

fn touch(conn: &Db, id: i64, now: &str) -> Result<()> {
    conn.execute("UPDATE people SET updated_at = ?2 WHERE id = ?1", params![id, now])?;
    Ok(())
}

/// Equipment received by the person (by_person) and by the rest of their household.
pub fn household_equipment(conn: &Db, id: i64, household_key: Option<&str>) -> Result<Vec<PastPurchase>> {
    // Two indexed lookups (the person's, then the rest of the household's), not one OR.
    let mut stmt = conn.prepare_cached(
        "SELECT e.date, e.kind, 1 FROM equipment_received e WHERE e.person_id = ?1
             AND NOT EXISTS (SELECT 1 FROM credit_notes c WHERE c.sale_id = e.sale_id AND (c.line_no IS NULL OR c.line_no = e.sale_line))
         UNION ALL
         SELECT e.date, e.kind, 0 FROM people p JOIN equipment_received e ON e.person_id = p.id
         WHERE ?2 IS NOT NULL AND p.household_key = ?2 AND p.id <> ?1 AND p.merged_into IS NULL
             AND NOT EXISTS (SELECT 1 FROM credit_notes c WHERE c.sale_id = e.sale_id AND (c.line_no IS NULL OR c.line_no = e.sale_line))",
    )?;
    let rows = stmt.query_map(params![id, household_key], |r| {
        Ok(PastPurchase {
            date: r.get(0)?,
            kind: r.get(1)?,
            by_person: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn insert_override(
    conn: &Db,
    id: i64,
    programme: &str,
    overridden: Verdict,
    reason: &str,
    operator: &str,
    now: &str,
) -> Result<()> {
    let overridden = serde_json::to_value(overridden)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    conn.execute(
        "INSERT INTO eligibility_overrides (uuid, person_id, programme, overridden, reason, operator, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            Uuid::now_v7().to_string(),
            id,
            programme,
            overridden,
            reason,
            operator,
            now
        ],
    )?;
    Ok(())
}

pub fn merge(conn: &Db, keep: i64, duplicate: i64, operator: &str, reason: &str, now: &str) -> Result<()> {
    for table in ["proofs", "equipment_received"] {
        conn.execute(
            &format!("UPDATE {table} SET person_id = ?1 WHERE person_id = ?2"),
            params![keep, duplicate],
        )?;
    }
    conn.execute(
        "INSERT OR IGNORE INTO person_publics (person_id, public) SELECT ?1, public FROM person_publics WHERE person_id = ?2",
        params![keep, duplicate],
    )?;
    // Fill what the kept record lacks from the duplicate.
    conn.execute(
        "UPDATE people SET
             birth_date = coalesce(birth_date, (SELECT birth_date FROM people WHERE id = ?2)),
             phone = coalesce(phone, (SELECT phone FROM people WHERE id = ?2)),
             email = coalesce(email, (SELECT email FROM people WHERE id = ?2)),
             postcode = coalesce(postcode, (SELECT postcode FROM people WHERE id = ?2)),
             commune = coalesce(commune, (SELECT commune FROM people WHERE id = ?2)),
             prescriber = coalesce(prescriber, (SELECT prescriber FROM people WHERE id = ?2)),
             rgpd_informed_on = coalesce(rgpd_informed_on, (SELECT rgpd_informed_on FROM people WHERE id = ?2)),
             updated_at = ?3
         WHERE id = ?1",
        params![keep, duplicate, now],
    )?;
    conn.execute(
        "UPDATE people SET merged_into = ?1, updated_at = ?3 WHERE id = ?2",
        params![keep, duplicate, now],
    )?;
    conn.execute(
        "INSERT INTO person_merges (kept_id, merged_id, reason, operator, at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![keep, duplicate, reason, operator, now],
    )?;
    Ok(())
}
