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

    /// The line taxed under `status`, its device bought 0 (a gift, or a provenance unknown).
    pub fn taxed(self, status: TaxStatus, rates: &BTreeMap<DeviceKind, Rate>) -> SaleLine {
        self.taxed_at(status, rates, Money::ZERO)
    }

    /// The line taxed under `status`, its device bought `purchase` (the margin scheme's base is
    /// the price minus it).
    pub fn taxed_at(mut self, status: TaxStatus, rates: &BTreeMap<DeviceKind, Rate>, purchase: Money) -> SaleLine {
        let used = tax::is_used_good(self.kind, self.tag.is_some());
        let purchase = Money::from_cents(purchase.cents() * self.quantity as i64);
        let tax = tax::line_tax(status, rates, self.kind, used, self.total(), purchase);
        self.vat_rate = tax.rate;
        self.vat = Some(tax.vat);
        self.margin = tax.margin;
        self
    }
}

/// A line's tax as recorded, else under the status in force now (none while there is none).
fn effective(
    recorded: Option<LineTax>,
    settings: &CentreSettings,
    retax: impl FnOnce(TaxStatus) -> LineTax,
) -> Option<LineTax> {
    recorded.or_else(|| settings.tax_status.map(retax))
}

impl SaleRecord {
    /// The mention its documents carry: the one it was recorded under, else the centre's.
    pub fn mention(&self, settings: &CentreSettings) -> String {
        self.tax_mention.clone().unwrap_or_else(|| settings.vat_mention.clone())
    }

    /// Each line's tax: as recorded; for a sale recorded without a status, as fixed when its
    /// receipt's original was issued (none under no status), else under the status in force.
    pub fn line_taxes(&self, settings: &CentreSettings) -> Vec<Option<LineTax>> {
        self.lines
            .iter()
            .map(|l| match (&self.tax_fixed, l.tax()) {
                (_, Some(tax)) => Some(tax),
                (Some(rates), None) => self.tax_status.map(|status| {
                    l.clone()
                        .taxed(status, &tax::full_rates(rates))
                        .tax()
                        .expect("a taxed line has its tax")
                }),
                (None, None) => effective(None, settings, |status| {
                    l.clone()
                        .taxed(status, &settings.vat_rates)
                        .tax()
                        .expect("a taxed line has its tax")
                }),
            })
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
        let used = tax::is_used_good(row.kind, row.tagged);
        let tax = match (row.tax, &row.fixed) {
            (Some(tax), _) => tax,
            (None, Some((status, rates))) => {
                tax::line_tax((*status)?, &tax::full_rates(rates), row.kind, used, ttc, Money::ZERO)
            }
            (None, None) => effective(None, settings, |status| {
                tax::line_tax(status, &settings.vat_rates, row.kind, used, ttc, Money::ZERO)
            })?,
        };
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
    let rates: BTreeMap<&str, u32> = settings
        .vat_rates
        .iter()
        .map(|(kind, rate)| (kind.code(), rate.hundredths()))
        .collect();
    let rates = serde_json::to_string(&rates).expect("rates serialise");
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
            "rates": rates,
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

/// What a line's device cost the network (its provenance's acquisition price; 0 for a gift, a
/// counted item or an unknown provenance).
pub(super) fn acquisition_of(store: &Store, line: &SaleLine) -> Result<Money> {
    let Some(tag) = &line.tag else { return Ok(Money::ZERO) };
    let device = crate::store::devices::by_tag(store.db(), &crate::device::AssetTag::parse(tag)?)?;
    Ok(device.and_then(|d| d.provenance).map_or(Money::ZERO, |p| p.acquisition))
}
