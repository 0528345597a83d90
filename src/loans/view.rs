//! Loans as the screens, the agreement and the command line show them: due date, lateness,
//! the « lost after » date, the deposit, and how the loan ended.

use chrono::NaiveDate;
use serde::Serialize;

use super::{refused, Condition};
use crate::device::DeviceKind;
use crate::error::{Code, Result};
use crate::money::Money;
use crate::store::loans::{self as sql, LoanRow};
use crate::store::{Db, Store};

/// How a loan ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct LoanEnd {
    /// `returned`, `lost` or `sold`.
    pub how: String,
    pub label: String,
    pub at: String,
    pub operator: String,
    pub condition: Option<String>,
    pub condition_label: Option<String>,
    pub notes: String,
    /// What became of the deposit, in French.
    pub deposit: String,
    /// The sale it turned into.
    pub receipt: Option<String>,
}

/// A loan, with where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Loan {
    pub number: String,
    pub tag: String,
    pub kind: DeviceKind,
    pub designation: String,
    pub serial: Option<String>,
    pub person_id: i64,
    /// The person's name (the centre's screens and the agreement; never sent to the hub).
    pub person: String,
    pub programme: String,
    /// The programme's name (what papers and screens show).
    pub programme_name: String,
    pub lent_at: String,
    pub due_on: NaiveDate,
    /// After this day a manager may declare it lost.
    pub lost_after: NaiveDate,
    /// Days past the due date (0 when not late, or ended).
    pub days_late: i64,
    pub may_be_declared_lost: bool,
    pub deposit: Money,
    /// « 50,00 € en espèces », « chèque n° 1234567 de 150,00 € (non encaissé) », « aucun ».
    pub deposit_text: String,
    pub operator: String,
    pub end: Option<LoanEnd>,
    /// Where it stands, in French.
    pub status: String,
}

pub(crate) fn how_label(how: &str) -> &'static str {
    match how {
        "returned" => "Rendu",
        "lost" => "Déclaré perdu",
        "sold" => "Transformé en vente",
        _ => "",
    }
}

fn deposit_outcome(code: &str) -> &'static str {
    match code {
        "given_back" => "rendu",
        "kept" => "conservé par le centre",
        "paid" => "compté comme paiement",
        _ => "aucun",
    }
}

fn deposit_text(l: &LoanRow) -> String {
    match l.deposit_method.as_deref() {
        Some("cash") => format!("{} en espèces", l.deposit),
        Some("cheque") => format!(
            "chèque{} de {} (gardé sans être encaissé)",
            l.deposit_reference
                .as_deref()
                .map(|r| format!(" n° {r}"))
                .unwrap_or_default(),
            l.deposit
        ),
        _ => "aucun".into(),
    }
}

fn person_name(store: &Store, id: i64) -> Result<String> {
    if crate::store::privacy::is_anonymised(store.db(), id)? {
        return Ok("Personne anonymisée".into());
    }
    let p = crate::beneficiary::get(store, id)?;
    Ok(format!(
        "{} {}",
        p.fields.first_name.trim(),
        p.fields.last_name.trim().to_uppercase()
    )
    .trim()
    .to_string())
}

fn day(text: &str, fallback: NaiveDate) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or(fallback)
}

fn view(store: &Store, l: LoanRow, today: NaiveDate) -> Result<Loan> {
    let due = day(&l.due_on, today);
    let lost_after = day(&l.lost_after, due);
    let open = l.end.is_none();
    let days_late = if open { (today - due).num_days().max(0) } else { 0 };
    let end = l.end.as_ref().map(|e| LoanEnd {
        how: e.how.to_string(),
        label: how_label(e.how).to_string(),
        at: e.at.clone(),
        operator: e.operator.clone(),
        condition: e.condition.map(str::to_string),
        condition_label: e.condition.map(|c| Condition::label_of(c).to_string()),
        notes: e.notes.clone(),
        deposit: deposit_outcome(e.deposit).to_string(),
        receipt: e.receipt.clone(),
    });
    let status = match &end {
        Some(e) => format!("{} le {}", e.label, crate::local::day_fr(&e.at)),
        None if days_late > 0 => format!(
            "En retard de {days_late} jour(s) (à rendre le {}){}",
            due.format("%d/%m/%Y"),
            if today > lost_after {
                " : peut être déclaré perdu".to_string()
            } else {
                format!(" ; perdu après le {}", lost_after.format("%d/%m/%Y"))
            }
        ),
        None => format!("Prêté, à rendre le {}", due.format("%d/%m/%Y")),
    };
    Ok(Loan {
        designation: format!("{} {}", l.brand, l.model).trim().to_string(),
        person: person_name(store, l.person_id)?,
        deposit_text: deposit_text(&l),
        may_be_declared_lost: open && today > lost_after,
        number: l.number,
        tag: l.tag,
        kind: l.kind,
        serial: l.serial,
        person_id: l.person_id,
        programme: l.programme,
        programme_name: l.programme_name,
        lent_at: l.lent_at,
        due_on: due,
        lost_after,
        days_late,
        deposit: l.deposit,
        operator: l.operator,
        end,
        status,
    })
}

/// A loan by its number.
pub fn get(store: &Store, number: &str) -> Result<Loan> {
    let row = sql::loan_by_number(store.db(), number.trim())?
        .ok_or_else(|| refused(Code::NotFound, format!("Aucun prêt n° {} sur ce poste.", number.trim())))?;
    view(store, row, crate::local::today())
}

/// Loans: the open ones (the earliest due first), and the ended ones too unless `open_only`.
pub fn list(store: &Store, open_only: bool) -> Result<Vec<Loan>> {
    let today = crate::local::today();
    sql::loans(store.db(), open_only, 500)?
        .into_iter()
        .map(|l| view(store, l, today))
        .collect()
}

/// The loans of one person, the latest first (their data export, art. 15).
pub fn of_person(store: &Store, person_id: i64) -> Result<Vec<Loan>> {
    let today = crate::local::today();
    sql::loans(store.db(), false, 1 << 40)?
        .into_iter()
        .filter(|l| l.person_id == person_id)
        .map(|l| view(store, l, today))
        .collect()
}

/// Loans past their due date and not given back (the dashboard's list).
pub fn overdue(store: &Store) -> Result<Vec<Loan>> {
    Ok(list(store, true)?.into_iter().filter(|l| l.days_late > 0).collect())
}

/// The loan a device is out on, if any (the device's page, the cash desk).
pub(crate) fn open_of(conn: &Db, device_id: i64) -> Result<Option<LoanRow>> {
    sql::open_loan_of(conn, device_id)
}
