//! SQL of loans: the loan, the manager's « lost after » dates, its end; and the deposits a
//! permanence took in or gave back.

use rusqlite::{params, OptionalExtension, Row};

use super::Db;
use crate::device::{Category, DeviceKind};
use crate::error::Result;
use crate::money::Money;

/// A loan being written.
pub struct NewLoan<'a> {
    pub uuid: &'a str,
    pub number: &'a str,
    pub device_id: i64,
    pub person_id: i64,
    pub programme: &'a str,
    /// The programme's name when lent (what papers and screens show).
    pub programme_name: &'a str,
    pub at: &'a str,
    pub due_on: &'a str,
    pub lost_after: &'a str,
    /// `cash` or `cheque`, the amount, the cheque's number.
    pub deposit: Option<(&'a str, Money, Option<&'a str>)>,
    pub session_id: Option<i64>,
    pub operator: &'a str,
    pub journal_seq: i64,
}

pub fn insert_loan(conn: &Db, l: &NewLoan<'_>) -> Result<i64> {
    conn.execute(
        "INSERT INTO loans (uuid, number, device_id, person_id, programme, lent_at, due_on, lost_after,
             deposit_method, deposit_cents, deposit_reference, session_id, operator, journal_seq, programme_name)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            l.uuid,
            l.number,
            l.device_id,
            l.person_id,
            l.programme,
            l.at,
            l.due_on,
            l.lost_after,
            l.deposit.map(|d| d.0),
            l.deposit.map_or(0, |d| d.1.cents()),
            l.deposit.and_then(|d| d.2),
            l.session_id,
            l.operator,
            l.journal_seq,
            l.programme_name,
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn insert_deadline(conn: &Db, loan_id: i64, lost_after: &str, at: &str, operator: &str, seq: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO loan_deadlines (loan_id, lost_after, at, operator, journal_seq) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![loan_id, lost_after, at, operator, seq],
    )?;
    Ok(())
}

/// A loan's end being written.
#[derive(Debug, Clone)]
pub struct EndRow {
    pub uuid: String,
    /// `returned`, `lost` or `sold`.
    pub how: &'static str,
    pub at: String,
    pub operator: String,
    pub condition: Option<&'static str>,
    pub notes: String,
    /// `none`, `given_back`, `kept` or `paid`.
    pub deposit: &'static str,
    pub session_id: Option<i64>,
    pub sale_id: Option<i64>,
    pub receipt: Option<String>,
    pub journal_seq: i64,
}

pub fn insert_end(conn: &Db, loan_id: i64, e: &EndRow) -> Result<()> {
    conn.execute(
        "INSERT INTO loan_ends (loan_id, uuid, how, at, operator, condition, notes, deposit, session_id, sale_id,
             journal_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            loan_id,
            e.uuid,
            e.how,
            e.at,
            e.operator,
            e.condition,
            e.notes,
            e.deposit,
            e.session_id,
            e.sale_id,
            e.journal_seq
        ],
    )?;
    Ok(())
}

/// A loan as stored, with its device, its latest « lost after » date and its end.
#[derive(Debug, Clone)]
pub struct LoanRow {
    pub id: i64,
    pub uuid: String,
    pub number: String,
    pub device_id: i64,
    pub tag: String,
    pub kind: DeviceKind,
    pub category: Option<Category>,
    pub brand: String,
    pub model: String,
    pub serial: Option<String>,
    pub person_id: i64,
    pub programme: String,
    /// The programme's name when lent (its code for loans made before schema 20).
    pub programme_name: String,
    pub lent_at: String,
    pub due_on: String,
    /// The first « lost after » date, as lent.
    pub lost_after_first: String,
    /// The latest (a manager's, else the first).
    pub lost_after: String,
    pub deposit_method: Option<String>,
    pub deposit: Money,
    pub deposit_reference: Option<String>,
    pub session_id: Option<i64>,
    pub operator: String,
    pub journal_seq: i64,
    pub end: Option<EndRow>,
}

const LOAN_COLUMNS: &str = "l.id, l.uuid, l.number, l.device_id, d.tag, d.kind, d.category, d.brand, d.model,
    d.serial, l.person_id, l.programme, l.lent_at, l.due_on, l.lost_after,
    coalesce((SELECT lost_after FROM loan_deadlines WHERE loan_id = l.id ORDER BY id DESC LIMIT 1), l.lost_after),
    l.deposit_method, l.deposit_cents, l.deposit_reference, l.session_id, l.operator, l.journal_seq,
    e.uuid, e.how, e.at, e.operator, e.condition, e.notes, e.deposit, e.session_id, e.sale_id, s.receipt,
    e.journal_seq, coalesce(l.programme_name, l.programme)";

const LOAN_FROM: &str = "FROM loans l JOIN devices d ON d.id = l.device_id
    LEFT JOIN loan_ends e ON e.loan_id = l.id
    LEFT JOIN sales s ON s.id = e.sale_id";

fn code(text: Option<String>, codes: &[&'static str]) -> Option<&'static str> {
    text.and_then(|t| codes.iter().copied().find(|c| *c == t))
}

fn loan_from_row(r: &Row<'_>) -> rusqlite::Result<LoanRow> {
    let end = match r.get::<_, Option<String>>(22)? {
        None => None,
        Some(uuid) => Some(EndRow {
            uuid,
            how: code(r.get(23)?, &["returned", "lost", "sold"]).unwrap_or("returned"),
            at: r.get(24)?,
            operator: r.get(25)?,
            condition: code(r.get(26)?, &["good", "damaged", "accessories_missing"]),
            notes: r.get(27)?,
            deposit: code(r.get(28)?, &["none", "given_back", "kept", "paid"]).unwrap_or("none"),
            session_id: r.get(29)?,
            sale_id: r.get(30)?,
            receipt: r.get(31)?,
            journal_seq: r.get(32)?,
        }),
    };
    Ok(LoanRow {
        id: r.get(0)?,
        uuid: r.get(1)?,
        number: r.get(2)?,
        device_id: r.get(3)?,
        tag: r.get(4)?,
        kind: r.get(5)?,
        category: r.get(6)?,
        brand: r.get(7)?,
        model: r.get(8)?,
        serial: r.get(9)?,
        person_id: r.get(10)?,
        programme: r.get(11)?,
        programme_name: r.get(33)?,
        lent_at: r.get(12)?,
        due_on: r.get(13)?,
        lost_after_first: r.get(14)?,
        lost_after: r.get(15)?,
        deposit_method: r.get(16)?,
        deposit: Money::from_cents(r.get(17)?),
        deposit_reference: r.get(18)?,
        session_id: r.get(19)?,
        operator: r.get(20)?,
        journal_seq: r.get(21)?,
        end,
    })
}

pub fn loan_by_number(conn: &Db, number: &str) -> Result<Option<LoanRow>> {
    let sql = format!("SELECT {LOAN_COLUMNS} {LOAN_FROM} WHERE l.number = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([number], loan_from_row)
        .optional()?)
}

/// The loan a device is out on, if any.
pub fn open_loan_of(conn: &Db, device_id: i64) -> Result<Option<LoanRow>> {
    let sql = format!("SELECT {LOAN_COLUMNS} {LOAN_FROM} WHERE l.device_id = ?1 AND e.loan_id IS NULL");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([device_id], loan_from_row)
        .optional()?)
}

/// Loans: the open ones first (the earliest due first), then the ended ones (latest first);
/// only the open ones when `open_only`.
pub fn loans(conn: &Db, open_only: bool, limit: usize) -> Result<Vec<LoanRow>> {
    let sql = format!(
        "SELECT {LOAN_COLUMNS} {LOAN_FROM}
         WHERE (?1 = 0 OR e.loan_id IS NULL)
         ORDER BY (e.loan_id IS NOT NULL), CASE WHEN e.loan_id IS NULL THEN l.due_on END, l.id DESC
         LIMIT ?2"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![open_only, limit as i64], loan_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The « lost after » dates a manager set after the lending, with their journal entries.
pub fn deadlines(conn: &Db) -> Result<Vec<(i64, String, String, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT k.journal_seq, l.number, k.lost_after, k.id FROM loan_deadlines k JOIN loans l ON l.id = k.loan_id
         ORDER BY k.id",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Cash deposits a permanence took in, and gave back (or turned into a payment).
pub fn session_deposits(conn: &Db, session_id: i64) -> Result<(Money, Money)> {
    let received: i64 = conn.query_row(
        "SELECT coalesce(sum(deposit_cents), 0) FROM loans WHERE session_id = ?1 AND deposit_method = 'cash'",
        [session_id],
        |r| r.get(0),
    )?;
    let returned: i64 = conn.query_row(
        "SELECT coalesce(sum(l.deposit_cents), 0) FROM loan_ends e JOIN loans l ON l.id = e.loan_id
         WHERE e.session_id = ?1 AND l.deposit_method = 'cash' AND e.deposit IN ('given_back', 'paid')",
        [session_id],
        |r| r.get(0),
    )?;
    Ok((Money::from_cents(received), Money::from_cents(returned)))
}

/// Deposits held now, by method: cash, and cheques kept uncashed (count, amount).
pub fn deposits_held(conn: &Db) -> Result<(Money, i64, Money)> {
    let (cash, cheques, cheque_cents): (i64, i64, i64) = conn.query_row(
        "SELECT coalesce(sum(CASE WHEN l.deposit_method = 'cash' THEN l.deposit_cents END), 0),
                count(CASE WHEN l.deposit_method = 'cheque' THEN 1 END),
                coalesce(sum(CASE WHEN l.deposit_method = 'cheque' THEN l.deposit_cents END), 0)
         FROM loans l LEFT JOIN loan_ends e ON e.loan_id = l.id
         WHERE l.deposit_method IS NOT NULL AND e.loan_id IS NULL",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    Ok((Money::from_cents(cash), cheques, Money::from_cents(cheque_cents)))
}

/// Loans over a period (for the funders' reports): lent, then given back, lost, turned into a
/// sale, by kind.
pub fn counts_between(
    conn: &Db,
    from: &str,
    to: &str,
    programme: &str,
) -> Result<Vec<(DeviceKind, i64, i64, i64, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.kind,
                count(CASE WHEN l.lent_at >= ?1 AND l.lent_at < ?2 THEN 1 END),
                count(CASE WHEN e.how = 'returned' AND e.at >= ?1 AND e.at < ?2 THEN 1 END),
                count(CASE WHEN e.how = 'lost' AND e.at >= ?1 AND e.at < ?2 THEN 1 END),
                count(CASE WHEN e.how = 'sold' AND e.at >= ?1 AND e.at < ?2 THEN 1 END)
         FROM loans l JOIN devices d ON d.id = l.device_id LEFT JOIN loan_ends e ON e.loan_id = l.id
         WHERE l.programme = ?3 GROUP BY d.kind ORDER BY d.kind",
    )?;
    let rows = stmt.query_map(params![from, to, programme], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
