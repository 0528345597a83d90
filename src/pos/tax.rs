//! The tax of what the till recorded: a line's tax as its sale fixed it (or, for a sale recorded
//! before its centre chose a status, under the status in force now), a sale's mention, and the
//! totals by rate and the margin scheme's figures of a permanence or a period (sums of lines,
//! credit notes subtracted).

use super::*;
use crate::centre::CentreSettings;
use crate::store::sales::{self as sales_sql, TaxScope};
use crate::tax::{self, LineTax, Rate, TaxStatus, TaxTotals, TaxedLine};

impl SaleLine {
    /// The line's tax as recorded with the sale, if it was (sales recorded before their
    /// centre had a tax status have none).
    pub fn tax(&self) -> Option<LineTax> {
        self.vat.map(|vat| LineTax {
            rate: self.vat_rate,
            vat,
            margin: self.margin,
        })
    }

    /// The line taxed under `status`, its device bought `purchase` (the margin scheme's base is
    /// the price minus it).
    pub fn taxed(mut self, status: TaxStatus, rates: &BTreeMap<DeviceKind, Rate>, purchase: Money) -> SaleLine {
        let used = tax::is_used_good(self.kind, self.tag.is_some());
        let purchase = Money::from_cents(purchase.cents() * self.quantity as i64);
        let tax = tax::line_tax(status, rates, self.kind, used, self.total(), purchase);
        self.vat_rate = tax.rate;
        self.vat = Some(tax.vat);
        self.margin = tax.margin;
        self
    }
}

/// A line's tax: as its sale recorded it; for a sale recorded without a status, under the
/// status and rates fixed when its receipt's original was issued (none if fixed with none);
/// else under the status in force now (none while there is none).
fn line_tax_of(
    recorded: Option<LineTax>,
    fixed: Option<(Option<TaxStatus>, &BTreeMap<DeviceKind, Rate>)>,
    settings: &CentreSettings,
    kind: DeviceKind,
    tagged: bool,
    ttc: Money,
) -> Option<LineTax> {
    if recorded.is_some() {
        return recorded;
    }
    let (status, rates) = match fixed {
        Some((status, rates)) => (status?, tax::full_rates(rates)),
        None => (settings.tax_status?, settings.vat_rates.clone()),
    };
    let used = tax::is_used_good(kind, tagged);
    Some(tax::line_tax(status, &rates, kind, used, ttc, Money::ZERO))
}

impl SaleRecord {
    /// The mention its documents carry: the one it was recorded under, else the centre's.
    pub fn mention(&self, settings: &CentreSettings) -> String {
        self.tax_mention.clone().unwrap_or_else(|| settings.vat_mention.clone())
    }

    /// Each line's tax (see [`line_tax_of`]).
    pub fn line_taxes(&self, settings: &CentreSettings) -> Vec<Option<LineTax>> {
        let fixed = self.tax_fixed.as_ref().map(|rates| (self.tax_status, rates));
        self.lines
            .iter()
            .map(|l| line_tax_of(l.tax(), fixed, settings, l.kind, l.tag.is_some(), l.total()))
            .collect()
    }

    /// The sale's VAT by rate and margin figures, over `lines` (all of them: None).
    pub fn tax_totals(&self, settings: &CentreSettings, only: Option<&[usize]>) -> TaxTotals {
        let taxes = self.line_taxes(settings);
        TaxTotals::of(self.lines.iter().zip(taxes).enumerate().filter_map(|(i, (line, tax))| {
            let wanted = only.is_none_or(|o| o.contains(&(i + 1)));
            Some(TaxedLine {
                ttc: line.total(),
                tax: tax.filter(|_| wanted)?,
                sign: 1,
            })
        }))
    }
}

/// The tax figures of a permanence or a period, and the mentions its sales carried.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct TillTax {
    pub totals: TaxTotals,
    /// The mentions of the sales in scope (the centre's own when there were none).
    pub mentions: Vec<String>,
}

/// The tax of a permanence's or a period's sales, credit notes subtracted.
pub fn till_tax(conn: &crate::store::Db, scope: TaxScope, settings: &CentreSettings) -> Result<TillTax> {
    let (rows, mentions) = sales_sql::tax_rows(conn, scope)?;
    let totals = TaxTotals::of(rows.into_iter().filter_map(|row| {
        let ttc = Money::from_cents(row.ttc_cents);
        let fixed = row.fixed.as_ref().map(|(status, rates)| (*status, rates));
        let tax = line_tax_of(row.tax, fixed, settings, row.kind, row.tagged, ttc)?;
        Some(TaxedLine {
            ttc,
            tax,
            sign: row.sign,
        })
    }));
    let mentions = if mentions.is_empty() {
        vec![settings.vat_mention.clone()]
            .into_iter()
            .filter(|m| !m.is_empty())
            .collect()
    } else {
        mentions
    };
    Ok(TillTax { totals, mentions })
}

/// Fixes the tax of a sale recorded without a status, as its receipt's original is issued: the
/// status, mention and rates in force now, journaled (`sale_tax`); its documents and the till's
/// figures keep them whatever the settings become. Nothing for a sale that has its tax.
pub fn fix_tax(tx: &crate::store::Db, receipt: &str, operator: &str) -> Result<()> {
    if !sales_sql::tax_open(tx, receipt)? {
        return Ok(());
    }
    let settings = crate::centre::load_in(tx)?;
    let by_code = tax::rates_by_code(&settings.vat_rates);
    let rates = serde_json::to_string(&by_code).expect("rates serialise");
    let now = store::now_text();
    let seq = journal::append(
        tx,
        "sale_tax",
        operator,
        &now,
        &serde_json::json!({
            "receipt": receipt,
            "status": settings.tax_status.map(TaxStatus::code),
            "mention": settings.vat_mention,
            "rates": by_code,
        }),
    )?;
    sales_sql::fix_tax(
        tx,
        receipt,
        settings.tax_status.map(TaxStatus::code),
        &settings.vat_mention,
        &rates,
        &now,
        seq,
    )
}
