//! Daily, monthly and yearly closings: the period's totals and the perpetual grand total,
//! journaled once per period.

use super::*;
use crate::error::Code;

code_enum! {
    /// The period a closing covers.
    pub enum Period, "période" {
        Day => "day", "Journée", ["jour", "journee"];
        Month => "month", "Mois", ["mois"];
        Year => "year", "Année", ["an", "annee"];
    }
}

/// A daily, monthly or yearly closing: the period's totals by payment method and by programme,
/// and the perpetual grand total. Journaled; each period is closed once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Closing {
    pub period: Period,
    pub key: String,
    pub start: chrono::NaiveDate,
    pub end: chrono::NaiveDate,
    pub sales: i64,
    pub sales_total: Money,
    pub credit_notes: i64,
    pub credit_total: Money,
    pub net: Money,
    pub by_method: BTreeMap<PaymentMethod, Money>,
    pub by_programme: BTreeMap<String, Money>,
    pub grand_total: Money,
    /// The tax status's mentions and the VAT (or margin) figures of the period, credit notes
    /// subtracted (none in closings written before schema 16).
    #[serde(default)]
    pub tax: Option<TillTax>,
}

impl Closing {
    /// The period in French, the one name lists and documents give it: « Journée du
    /// 30/11/2026 », « Novembre 2026 », « Exercice 2026 » (« Exercice du 01/09/2025 au
    /// 31/08/2026 » when it does not start in January).
    pub fn label(&self) -> String {
        use chrono::Datelike;
        match self.period {
            Period::Day => format!("Journée du {}", self.start.format("%d/%m/%Y")),
            Period::Month => crate::text::month_fr(self.start.month(), self.start.year()),
            Period::Year if self.start.month() == 1 => format!("Exercice {}", self.start.year()),
            Period::Year => format!(
                "Exercice du {} au {}",
                self.start.format("%d/%m/%Y"),
                self.end.format("%d/%m/%Y")
            ),
        }
    }
}

/// The first day of the financial year holding `date`, when it starts in month `first`.
fn fiscal_year_start(date: chrono::NaiveDate, first: u32) -> chrono::NaiveDate {
    use chrono::{Datelike, NaiveDate};
    let year = if date.month() >= first {
        date.year()
    } else {
        date.year() - 1
    };
    NaiveDate::from_ymd_opt(year, first, 1).expect("first day of a month")
}

/// The first and last days of the period holding `date`, and its key (`day:2026-11-30`,
/// `month:2026-11`, `year:2026` or, for a financial year that does not start in January,
/// `year:2025-2026`).
fn period_bounds(
    period: Period,
    date: chrono::NaiveDate,
    fiscal_first: u32,
) -> (chrono::NaiveDate, chrono::NaiveDate, String) {
    use chrono::{Datelike, NaiveDate};
    let months = |start: NaiveDate, n: u32| {
        start
            .checked_add_months(chrono::Months::new(n))
            .expect("a later month")
            .pred_opt()
            .expect("the day before")
    };
    match period {
        Period::Day => (date, date, format!("day:{date}")),
        Period::Month => {
            let start = NaiveDate::from_ymd_opt(date.year(), date.month(), 1).expect("first of month");
            (start, months(start, 1), format!("month:{}", start.format("%Y-%m")))
        }
        Period::Year => {
            let start = fiscal_year_start(date, fiscal_first);
            let end = months(start, 12);
            let key = if fiscal_first == 1 {
                format!("year:{}", start.year())
            } else {
                format!("year:{}-{}", start.year(), end.year())
            };
            (start, end, key)
        }
    }
}

const FISCAL_FIRST_MONTH: &str = "fiscal_year_first_month";

/// The first month of the financial year (Réglages; January by default).
pub fn fiscal_year_first_month(store: &Store) -> Result<u32> {
    Ok(sql::setting(store.db(), FISCAL_FIRST_MONTH)?
        .and_then(|v| v.parse().ok())
        .filter(|m| (1..=12).contains(m))
        .unwrap_or(1))
}

/// Sets the first month of the financial year (a manager): 1 (January) to 12.
pub fn set_fiscal_year_first_month(store: &mut Store, month: u32, actor: &Actor) -> Result<()> {
    crate::operators::require_manager(store.db(), actor)?;
    if !(1..=12).contains(&month) {
        return Err(refused(
            Code::Invalid,
            format!("Mois {month} : le premier mois de l'exercice est un nombre de 1 (janvier) à 12 (décembre)."),
        ));
    }
    store.with_tx(|tx| sql::set_setting(tx, FISCAL_FIRST_MONTH, &month.to_string()))
}

/// Closes the period holding `date` (a manager), once it has ended (`today` is after it).
pub fn close_period(
    store: &mut Store,
    period: Period,
    date: chrono::NaiveDate,
    today: chrono::NaiveDate,
    actor: &Actor,
) -> Result<Closing> {
    crate::operators::require_manager(store.db(), actor)?;
    let fiscal_first = fiscal_year_first_month(store)?;
    let (_, end, key) = period_bounds(period, date, fiscal_first);
    if end >= today {
        return Err(refused(
            Code::NotEnded,
            format!(
                "La période « {key} » n'est pas terminée : elle se clôture à partir du {}.",
                (end + chrono::Duration::days(1)).format("%d/%m/%Y")
            ),
        ));
    }
    require_after_first_act(store, &key, end)?;
    let closing = store.with_tx(|tx| close_in(tx, period, date, fiscal_first, actor))?;
    archive(store, &closing);
    Ok(closing)
}

/// Refuses a period that ended before the register's first act (the journal's first entry):
/// such a closing would be journaled for a time the register did not exist (« year:0 »).
fn require_after_first_act(store: &Store, key: &str, end: chrono::NaiveDate) -> Result<()> {
    let first = crate::store::journal::first_at(store.db())?;
    match first.as_deref().and_then(crate::local::local_day) {
        Some(first) if end >= first => Ok(()),
        Some(first) => Err(refused(
            Code::Invalid,
            format!(
                "La période « {key} » se termine avant le premier acte de cette caisse (le {}) : \
                 il n'y a rien à clôturer.",
                first.format("%d/%m/%Y")
            ),
        )),
        None => Err(refused(
            Code::Invalid,
            format!("La période « {key} » ne peut pas être clôturée : cette caisse n'a encore rien enregistré."),
        )),
    }
}

/// The period's signed archive (monthly, yearly), after its closing committed: a failure to
/// write it is logged and never undoes the closing.
fn archive(store: &Store, closing: &Closing) {
    if let Err(e) = crate::archive::after_closing(store, closing) {
        tracing::warn!(code = e.code().as_str(), "archive de période non écrite");
    }
}

/// The closing of the period holding `date`, written in the caller's transaction.
fn close_in(
    tx: &crate::store::Db,
    period: Period,
    date: chrono::NaiveDate,
    fiscal_first: u32,
    actor: &Actor,
) -> Result<Closing> {
    let (start, end, key) = period_bounds(period, date, fiscal_first);
    if sql::closing_exists(tx, &key)? {
        return Err(refused(
            Code::AlreadyClosed,
            format!("La période « {key} » est déjà clôturée."),
        ));
    }
    let (sales, sales_total, credit_notes, credit_total, by_method, by_programme, grand_total) =
        sql::period_figures(tx, start, end)?;
    let closing = Closing {
        period,
        key: key.clone(),
        start,
        end,
        sales,
        sales_total,
        credit_notes,
        credit_total,
        net: Money::from_cents(sales_total.cents() - credit_total.cents()),
        by_method,
        by_programme,
        grand_total,
        tax: Some(till_tax(
            tx,
            crate::store::sales::TaxScope::Period(start, end),
            &crate::centre::load_in(tx)?,
        )?),
    };
    let seq = journal::append(tx, "closing", actor.name(), &store::now_text(), &closing)?;
    sql::insert_closing(tx, &key, seq)?;
    Ok(closing)
}

const CHECKED_THROUGH: &str = "closings_checked_through";

/// The closings the till rules require, made by Comptoir itself (« Comptoir (automatique) »)
/// at the first moment after each period has ended: every past day with till activity (a sale
/// or a credit note) and no closing, then every ended month, then every ended financial year
/// with activity. Never twice, never for a period that has not ended. One transaction each.
pub fn close_ended_periods(store: &mut Store, today: chrono::NaiveDate) -> Result<Vec<Closing>> {
    let fiscal_first = fiscal_year_first_month(store)?;
    let actor = Actor::system();
    let yesterday = today - chrono::Duration::days(1);
    // Days up to this one were all looked at by an earlier pass.
    let checked: Option<chrono::NaiveDate> = sql::setting(store.db(), CHECKED_THROUGH)?.and_then(|d| d.parse().ok());
    if checked.is_some_and(|c| c >= yesterday) {
        return Ok(Vec::new());
    }
    let since = checked.map(|c| crate::local::start_of_day(c + chrono::Duration::days(1)));
    let days = sql::activity_days(store.db(), since.as_deref(), today)?;
    // What to close: the days, then the months and the financial years they belong to once
    // ended, and those of the last day looked at (its last active day may have been closed by
    // an earlier pass, before the month or the year ended).
    let mut todo: Vec<(Period, chrono::NaiveDate)> = days.iter().map(|d| (Period::Day, *d)).collect();
    for period in [Period::Month, Period::Year] {
        let mut keys = std::collections::BTreeSet::new();
        for day in days.iter().chain(checked.iter()) {
            let (start, end, key) = period_bounds(period, *day, fiscal_first);
            let active = days.contains(day) || sql::has_activity(store.db(), start, end)?;
            if end < today && active && keys.insert(key) {
                todo.push((period, *day));
            }
        }
    }
    // One transaction each: a long history's closings (a first start after an upgrade) never
    // hold the writer for more than one of them; an interrupted pass is taken up again.
    let mut made = Vec::new();
    for (period, day) in todo {
        let (_, _, key) = period_bounds(period, day, fiscal_first);
        let closing = store.with_tx(|tx| {
            if sql::closing_exists(tx, &key)? {
                return Ok(None);
            }
            close_in(tx, period, day, fiscal_first, &actor).map(Some)
        })?;
        if let Some(closing) = &closing {
            archive(store, closing);
        }
        made.extend(closing);
    }
    store.with_tx(|tx| sql::set_setting(tx, CHECKED_THROUGH, &yesterday.to_string()))?;
    Ok(made)
}

/// A closing as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ClosingSummary {
    pub key: String,
    /// « Journée du 30/11/2026 », « Novembre 2026 », « Exercice 2026 » ([`Closing::label`]).
    pub label: String,
    pub period: Period,
    pub start: chrono::NaiveDate,
    pub end: chrono::NaiveDate,
    pub net: Money,
    /// The net in French.
    pub net_text: String,
    pub made_at: String,
    pub made_by: String,
}

/// The programmes' names by code, as the sales recorded them (a closing's totals by programme
/// are kept by code; documents and screens show the name).
pub fn programme_names(store: &Store) -> Result<BTreeMap<String, String>> {
    sql::programme_names(store.db())
}

/// The closings made, newest first (read back from their journal entries).
pub fn closings(store: &Store, limit: usize) -> Result<Vec<ClosingSummary>> {
    sql::closings(store.db(), limit)?
        .into_iter()
        .map(|(made_at, made_by, content)| {
            let closing: Closing = serde_json::from_str(&content)
                .map_err(|e| refused(Code::Internal, format!("clôture illisible dans le journal : {e}")))?;
            Ok(ClosingSummary {
                label: closing.label(),
                key: closing.key,
                period: closing.period,
                start: closing.start,
                end: closing.end,
                net: closing.net,
                net_text: closing.net.to_string(),
                made_at,
                made_by,
            })
        })
        .collect()
}
