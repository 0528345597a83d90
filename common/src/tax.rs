//! The structure's tax status and what it puts on documents: the mention, the VAT of each line
//! (taken out of its all-taxes-included price, rounded half-up to the cent), the totals by rate
//! (sums of lines), and under the margin scheme the margin base and the VAT due on it. The rules
//! and their sources: `docs/tva.md`. Pure: no database, no documents (the desk's store keeps
//! what a sale fixed; its documents print it).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::device::{code_enum, DeviceKind};
use crate::money::Money;

code_enum! {
    /// The structure's tax status (its accountant decides; a CCAS is a public body).
    pub enum TaxStatus, "régime de TVA" {
        Exempt => "exoneree", "Association exonérée (CGI art. 261-7-1° b)", ["association", "exonere", "261-7-1", "261"];
        Franchise => "franchise", "Franchise en base (CGI art. 293 B)", ["franchise en base", "293b", "293 b", "293"];
        Margin => "marge", "Assujettie – régime de la marge, biens d'occasion (CGI art. 297 A)", ["regime de la marge", "297a", "297 a", "297", "occasion"];
        Vat => "tva", "Assujettie – TVA au taux normal", ["normal", "assujettie", "taux normal"];
    }
}

impl TaxStatus {
    /// What every receipt, credit note, X/Z report and closing under this status says.
    pub fn mention(self) -> &'static str {
        match self {
            TaxStatus::Exempt => "TVA non applicable, article 261-7-1° du CGI",
            TaxStatus::Franchise => "TVA non applicable, article 293 B du CGI",
            TaxStatus::Margin => "Régime particulier – Biens d'occasion",
            TaxStatus::Vat => "Prix toutes taxes comprises ; TVA incluse, détaillée par taux",
        }
    }

    /// Whether the status needs a VAT rate per kind of item.
    pub fn needs_rates(self) -> bool {
        matches!(self, TaxStatus::Margin | TaxStatus::Vat)
    }
}

/// A VAT rate in hundredths of a percent (2000 = 20 %), from 0 to 100 %.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(try_from = "u32", into = "u32")]
#[ts(export, type = "number")]
pub struct Rate(u32);

/// The rate used where none was set: the normal rate (CGI art. 278).
pub const NORMAL_RATE: Rate = Rate(2000);

impl Rate {
    /// « 20 », « 20 % », « 5,5 », « 5.5 % »: two decimals at most, from 0 to 100.
    pub fn parse(input: &str) -> Result<Rate, String> {
        let typed = input.trim();
        let text = typed.trim_end_matches('%').trim().replace(',', ".");
        let refused = || format!("« {typed} » n'est pas un taux de TVA : un pourcentage de 0 à 100 (ex. 20 ou 5,5).");
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        if whole.is_empty() || whole.len() > 3 || fraction.len() > 2 {
            return Err(refused());
        }
        if !whole.chars().chain(fraction.chars()).all(|c| c.is_ascii_digit()) {
            return Err(refused());
        }
        let whole: u32 = whole.parse().map_err(|_| refused())?;
        let fraction: u32 = format!("{fraction:0<2}").parse().map_err(|_| refused())?;
        Rate::try_from(whole * 100 + fraction).map_err(|_| refused())
    }

    pub fn hundredths(self) -> u32 {
        self.0
    }

    /// The rate as a form shows it: « 20 », « 5,5 ».
    pub fn number(self) -> String {
        self.to_string().trim_end_matches(" %").to_string()
    }

    /// Takes the VAT out of an all-taxes-included amount: `ttc × rate / (100 % + rate)`,
    /// rounded half-up to the cent (negative amounts mirror positive ones).
    pub fn vat_in(self, ttc: Money) -> Money {
        let (cents, rate) = (ttc.cents().unsigned_abs() as u128, self.0 as u128);
        let denominator = 10_000 + rate;
        let vat = (cents * rate * 2 + denominator) / (2 * denominator);
        Money::from_cents(ttc.cents().signum() * vat as i64)
    }
}

impl TryFrom<u32> for Rate {
    type Error = String;
    fn try_from(hundredths: u32) -> Result<Rate, String> {
        if hundredths > 10_000 {
            return Err(format!(
                "Taux de TVA de {} % : il est compris entre 0 et 100 %.",
                hundredths / 100
            ));
        }
        Ok(Rate(hundredths))
    }
}

impl From<Rate> for u32 {
    fn from(rate: Rate) -> u32 {
        rate.0
    }
}

impl std::fmt::Display for Rate {
    /// « 20 % », « 5,5 % », « 2,1 % ».
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (whole, fraction) = (self.0 / 100, self.0 % 100);
        if fraction == 0 {
            write!(f, "{whole} %")
        } else {
            let fraction = format!("{fraction:02}");
            write!(f, "{whole},{} %", fraction.trim_end_matches('0'))
        }
    }
}

/// What the status puts on a sale's line, fixed when the sale is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineTax {
    /// The rate applied, when the status has one for this line.
    pub rate: Option<Rate>,
    /// The VAT inside the line's price (under the margin scheme, inside its margin).
    pub vat: Money,
    /// Under the margin scheme, for a used good: the margin (price − purchase price, never
    /// below 0), the base of its VAT.
    pub margin: Option<Money>,
}

/// A used good under the margin scheme: a device tracked by its tag, not a SIM card or a data
/// top-up (new items, taxed on their price).
pub fn is_used_good(kind: DeviceKind, tagged: bool) -> bool {
    tagged && !matches!(kind, DeviceKind::SimCard | DeviceKind::DataTopUp)
}

/// The tax of a line whose price is `ttc` (all taxes included), of `kind`; `used_good` for a
/// refurbished device (the margin scheme's goods), bought `purchase` (0 for a gift).
pub fn line_tax(
    status: TaxStatus,
    rates: &BTreeMap<DeviceKind, Rate>,
    kind: DeviceKind,
    used_good: bool,
    ttc: Money,
    purchase: Money,
) -> LineTax {
    let rate = rates.get(&kind).copied().unwrap_or(NORMAL_RATE);
    match status {
        TaxStatus::Exempt | TaxStatus::Franchise => LineTax {
            rate: None,
            vat: Money::ZERO,
            margin: None,
        },
        TaxStatus::Margin if used_good => {
            let margin = Money::from_cents((ttc.cents() - purchase.cents()).max(0));
            LineTax {
                rate: Some(rate),
                vat: rate.vat_in(margin),
                margin: Some(margin),
            }
        }
        TaxStatus::Margin | TaxStatus::Vat => LineTax {
            rate: Some(rate),
            vat: rate.vat_in(ttc),
            margin: None,
        },
    }
}

/// One line's tax as totals see it: its price, its tax, and +1 (sold) or −1 (a credit note).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaxedLine {
    pub ttc: Money,
    pub tax: LineTax,
    pub sign: i64,
}

/// The VAT of one rate: the all-taxes-included amount, the VAT in it, and the amount before
/// tax (their difference).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct VatByRate {
    pub rate: Rate,
    pub ttc: Money,
    pub vat: Money,
    pub ht: Money,
}

/// The margin scheme's figures of one rate: sales of used goods, their margin (the base), the
/// VAT due on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct MarginByRate {
    pub rate: Rate,
    pub sales: Money,
    pub margin: Money,
    pub vat: Money,
}

/// The tax figures of a set of lines (a sale, a credit note, a permanence, a period): sums of
/// the lines' own figures, never recomputed from totals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct TaxTotals {
    /// VAT shown by rate (lines taxed on their price).
    pub by_rate: Vec<VatByRate>,
    /// Margin scheme: used goods, by rate.
    pub margin: Vec<MarginByRate>,
}

impl TaxTotals {
    pub fn of(lines: impl IntoIterator<Item = TaxedLine>) -> TaxTotals {
        let mut by_rate: BTreeMap<Rate, (i64, i64)> = BTreeMap::new();
        let mut margin: BTreeMap<Rate, (i64, i64, i64)> = BTreeMap::new();
        for line in lines {
            let Some(rate) = line.tax.rate else { continue };
            let s = line.sign;
            match line.tax.margin {
                Some(m) => {
                    let e = margin.entry(rate).or_default();
                    e.0 += s * line.ttc.cents();
                    e.1 += s * m.cents();
                    e.2 += s * line.tax.vat.cents();
                }
                None => {
                    let e = by_rate.entry(rate).or_default();
                    e.0 += s * line.ttc.cents();
                    e.1 += s * line.tax.vat.cents();
                }
            }
        }
        TaxTotals {
            by_rate: by_rate
                .into_iter()
                .map(|(rate, (ttc, vat))| VatByRate {
                    rate,
                    ttc: Money::from_cents(ttc),
                    vat: Money::from_cents(vat),
                    ht: Money::from_cents(ttc - vat),
                })
                .collect(),
            margin: margin
                .into_iter()
                .map(|(rate, (sales, margin, vat))| MarginByRate {
                    rate,
                    sales: Money::from_cents(sales),
                    margin: Money::from_cents(margin),
                    vat: Money::from_cents(vat),
                })
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.by_rate.is_empty() && self.margin.is_empty()
    }

    /// The lines a document prints: « TVA 20 % : 16,67 € (HT 83,33 €, TTC 100,00 €) », then
    /// under the margin scheme « Marge … ».
    pub fn lines(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .by_rate
            .iter()
            .map(|r| format!("TVA {} : {} (HT {}, TTC {})", r.rate, r.vat, r.ht, r.ttc))
            .collect();
        out.extend(self.margin.iter().map(|m| {
            format!(
                "Régime de la marge, {} : ventes {}, marge {}, TVA due sur la marge {}",
                m.rate, m.sales, m.margin, m.vat
            )
        }));
        out
    }
}

/// The rates by the kind's code, in hundredths of a percent: as the journal and a sale's fixed
/// tax keep them (`{"laptop": 2000, …}`).
pub fn rates_by_code(rates: &BTreeMap<DeviceKind, Rate>) -> BTreeMap<&'static str, u32> {
    rates
        .iter()
        .map(|(kind, rate)| (kind.code(), rate.hundredths()))
        .collect()
}

/// Every kind of item with its rate: the ones set, the normal rate for the others.
pub fn full_rates(set: &BTreeMap<DeviceKind, Rate>) -> BTreeMap<DeviceKind, Rate> {
    DeviceKind::ALL
        .iter()
        .map(|k| (*k, set.get(k).copied().unwrap_or(NORMAL_RATE)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    #[test]
    fn a_rate_parses_french_and_stays_within_0_and_100() {
        assert_eq!(Rate::parse("20").unwrap(), Rate(2000));
        assert_eq!(Rate::parse("5,5 %").unwrap(), Rate(550));
        assert_eq!(Rate::parse(" 2.1%").unwrap(), Rate(210));
        assert_eq!(Rate::parse("0").unwrap(), Rate(0));
        assert_eq!(Rate::parse("100").unwrap(), Rate(10_000));
        for bad in ["", "%", "101", "-5", "vingt", "5,555", "1e2"] {
            assert!(Rate::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Rate(550).to_string(), "5,5 %");
        assert_eq!(Rate(2000).to_string(), "20 %");
        assert_eq!(Rate(210).to_string(), "2,1 %");
    }

    #[test]
    fn vat_comes_out_of_the_price_rounded_half_up() {
        // 100 € TTC at 20 %: 16,666… → 16,67 €.
        assert_eq!(NORMAL_RATE.vat_in(eur("100")), eur("16.67"));
        // 60 € at 20 %: exactly 10 €.
        assert_eq!(NORMAL_RATE.vat_in(eur("60")), eur("10"));
        // 0,03 € at 20 %: 0,005 → 0,01 € (half-up).
        assert_eq!(NORMAL_RATE.vat_in(Money::from_cents(3)), Money::from_cents(1));
        // 0,02 € at 20 %: 0,00333 → 0.
        assert_eq!(NORMAL_RATE.vat_in(Money::from_cents(2)), Money::ZERO);
        // A credit note mirrors the sale.
        assert_eq!(NORMAL_RATE.vat_in(eur("-100")), eur("-16.67"));
        assert_eq!(Rate(550).vat_in(eur("10")), eur("0.52"));
    }

    #[test]
    fn each_status_taxes_a_line_its_own_way() {
        let rates = full_rates(&BTreeMap::new());
        let laptop = |status| line_tax(status, &rates, DeviceKind::Laptop, true, eur("90"), eur("30"));
        assert_eq!(laptop(TaxStatus::Exempt).vat, Money::ZERO);
        assert_eq!(laptop(TaxStatus::Franchise).rate, None);
        assert_eq!(laptop(TaxStatus::Vat).vat, eur("15"));
        let margin = laptop(TaxStatus::Margin);
        assert_eq!(margin.margin, Some(eur("60")));
        assert_eq!(margin.vat, eur("10"));
        // A used good sold below its purchase price: no margin, no VAT (never negative).
        let loss = line_tax(
            TaxStatus::Margin,
            &rates,
            DeviceKind::Laptop,
            true,
            eur("20"),
            eur("30"),
        );
        assert_eq!((loss.margin, loss.vat), (Some(Money::ZERO), Money::ZERO));
        // A new item (a SIM card) under the margin scheme is taxed on its price.
        let sim = line_tax(
            TaxStatus::Margin,
            &rates,
            DeviceKind::SimCard,
            false,
            eur("6"),
            Money::ZERO,
        );
        assert_eq!((sim.margin, sim.vat), (None, eur("1")));
    }

    #[test]
    fn totals_are_sums_of_lines_by_rate_credit_notes_subtracted() {
        let rates = full_rates(&BTreeMap::from([(DeviceKind::DataTopUp, Rate(550))]));
        let line = |kind, ttc: &str, sign| TaxedLine {
            ttc: eur(ttc),
            tax: line_tax(TaxStatus::Vat, &rates, kind, false, eur(ttc), Money::ZERO),
            sign,
        };
        let totals = TaxTotals::of([
            line(DeviceKind::Laptop, "100", 1),
            line(DeviceKind::Laptop, "100", 1),
            line(DeviceKind::Laptop, "100", -1),
            line(DeviceKind::DataTopUp, "10", 1),
        ]);
        assert_eq!(
            totals.by_rate,
            [
                VatByRate {
                    rate: Rate(550),
                    ttc: eur("10"),
                    vat: eur("0.52"),
                    ht: eur("9.48")
                },
                VatByRate {
                    rate: NORMAL_RATE,
                    ttc: eur("100"),
                    vat: eur("16.67"),
                    ht: eur("83.33")
                },
            ]
        );
        assert_eq!(totals.lines()[1], "TVA 20 % : 16,67 € (HT 83,33 €, TTC 100,00 €)");
    }
}
