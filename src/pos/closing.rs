//! Daily, monthly and yearly closings: the period's totals and the perpetual grand total,
//! journaled once per period.

use super::*;

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
}

fn period_bounds(period: Period, date: chrono::NaiveDate) -> (chrono::NaiveDate, chrono::NaiveDate, String) {
    use chrono::{Datelike, NaiveDate};
    match period {
        Period::Day => (date, date, format!("day:{date}")),
        Period::Month => {
            let start = NaiveDate::from_ymd_opt(date.year(), date.month(), 1).expect("first of month");
            let end = start
                .checked_add_months(chrono::Months::new(1))
                .expect("next month")
                .pred_opt()
                .expect("last day");
            (start, end, format!("month:{}", start.format("%Y-%m")))
        }
        Period::Year => (
            NaiveDate::from_ymd_opt(date.year(), 1, 1).expect("1 January"),
            NaiveDate::from_ymd_opt(date.year(), 12, 31).expect("31 December"),
            format!("year:{}", date.year()),
        ),
    }
}

/// Closes the period containing `date`. A period not yet begun, or already closed, is refused.
pub fn close_period(store: &mut Store, period: Period, date: chrono::NaiveDate, actor: &Actor) -> Result<Closing> {
    let operator = actor.name();
    crate::operators::require_manager(store.db(), actor)?;
    let (start, end, key) = period_bounds(period, date);
    if start > crate::local::today() {
        return Err(refused("invalid", format!("La période « {key} » n'a pas commencé.")));
    }
    store.with_tx(|tx| {
        if sql::closing_exists(tx, &key)? {
            return Err(refused(
                "already_closed",
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
        };
        let seq = journal::append(tx, "closing", operator, &store::now_text(), &closing)?;
        sql::insert_closing(tx, &key, seq)?;
        Ok(closing)
    })
}
