//! The funder's report of a centre: its figures counted in the store ([`counts`]), made a
//! [`Report`] by the shared crate (the hub builds the network's with the same types and
//! masking). Aggregates only: never a name; a cell that would count one or two people shows
//! « < 3 ». As PDF (with a bar chart) or CSV for French spreadsheets.

use crate::error::Code;

use chrono::NaiveDate;
use serde::Serialize;

pub use comptoir_common::report::{csv_bytes, to_csv, Cell, Counts, DeviceRow, ItemRow, LoanRow, PublicRow, Report};

use crate::device::{Category, DeviceKind};
use crate::error::{Error, Result};
use crate::programme::Programme;
use crate::store::{reports as sql, Store};

/// A programme by id or name (accents and case ignored).
pub fn find_programme<'a>(programmes: &'a [Programme], name: &str) -> Result<&'a Programme> {
    let folded = crate::text::fold(name);
    programmes
        .iter()
        .find(|p| crate::text::fold(&p.id) == folded || crate::text::fold(&p.name) == folded)
        .ok_or_else(|| Error::Refused {
            code: Code::NotFound,
            message: format!(
                "Programme inconnu : « {name} ». Programmes : {}.",
                programmes
                    .iter()
                    .map(|p| format!("{} ({})", p.id, p.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
}

/// The UTC bounds of the local days `from` to `to` (included), as stored timestamps compare;
/// a period that ends before it starts is refused.
pub(crate) fn bounds(from: NaiveDate, to: NaiveDate) -> Result<(String, String)> {
    if to < from {
        return Err(Error::Refused {
            code: Code::Invalid,
            message: format!(
                "La période va du {} au {} : la fin est avant le début.",
                from.format("%d/%m/%Y"),
                to.format("%d/%m/%Y")
            ),
        });
    }
    Ok((
        crate::local::start_of_day(from),
        crate::local::start_of_day(to.succ_opt().unwrap_or(to)),
    ))
}

/// The raw figures of a programme from `from` to `to` (local dates, both included).
pub fn counts(store: &Store, programme: &Programme, from: NaiveDate, to: NaiveDate) -> Result<Counts> {
    let (start, end) = bounds(from, to)?;
    let conn = store.db();
    let id = Some(programme.id.as_str());
    let mut counts = Counts::default();
    for (kind, category, is_device, quantity) in sql::lines(conn, &start, &end, id)? {
        let kind = DeviceKind::parse(&kind)?;
        let category = category.as_deref().map(Category::parse).transpose()?;
        if is_device {
            *counts.devices.entry((kind, category)).or_default() += quantity;
        } else {
            *counts.items.entry(kind).or_default() += quantity;
        }
    }
    (counts.people, counts.by_public) = sql::people(conn, &start, &end, id)?;
    let (sales, takings) = sql::takings(conn, &start, &end, id)?;
    counts.sales = sales;
    counts.takings = takings;
    (counts.credit_notes, counts.credit_cents) = sql::credit_notes(conn, &start, &end, id)?;
    for (kind, lent, returned, lost, sold) in crate::store::loans::counts_between(conn, &start, &end, &programme.id)? {
        counts.loans.insert(kind, [lent, returned, lost, sold]);
    }
    Ok(counts)
}

/// The report of a programme from `from` to `to` (local dates, both included).
pub fn build(store: &Store, programme: &Programme, from: NaiveDate, to: NaiveDate) -> Result<Report> {
    Ok(Report::from_counts(
        programme,
        from,
        to,
        &counts(store, programme, from, to)?,
    ))
}

/// A programme's progress since it started (to its end, or today).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Progress {
    pub programme_id: String,
    pub programme: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub people: Cell,
    /// Devices, not people: never masked.
    pub devices: i64,
    pub publics: Vec<PublicRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct StockRow {
    pub kind: DeviceKind,
    pub category: Option<Category>,
    pub available: i64,
}

/// The dashboard: each active programme's progress to its targets, and the stock on sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Dashboard {
    pub programmes: Vec<Progress>,
    pub stock: Vec<StockRow>,
    /// Loans past their due date, the latest due first.
    pub loans_overdue: Vec<crate::loans::Loan>,
}

pub fn dashboard(store: &Store, programmes: &[Programme], today: NaiveDate) -> Result<Dashboard> {
    let mut progress = Vec::new();
    for p in programmes {
        if p.start > today || p.end.is_some_and(|e| e < today) {
            continue;
        }
        let report = build(store, p, p.start, p.end.unwrap_or(today).min(today))?;
        progress.push(Progress {
            programme_id: report.programme_id,
            programme: report.programme,
            from: report.from,
            to: report.to,
            people: report.people,
            devices: report.devices_total,
            publics: report.publics,
        });
    }
    let mut stock = Vec::new();
    for (kind, category, available) in sql::available(store.db())? {
        stock.push(StockRow {
            kind: DeviceKind::parse(&kind)?,
            category: category.as_deref().map(Category::parse).transpose()?,
            available,
        });
    }
    Ok(Dashboard {
        programmes: progress,
        stock,
        loans_overdue: crate::loans::overdue(store)?,
    })
}
