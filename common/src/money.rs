//! `Money`: euros as an integer count of cents. Never a float, anywhere.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::text::parse_decimal;

crate::code_enum! {
    /// How a sale is paid (or a credit note refunded).
    pub enum PaymentMethod, "moyen de paiement" {
        Cash => "cash", "Espèces", ["especes", "liquide"];
        Card => "card", "Carte bancaire (TPE)", ["carte", "cb"];
        Cheque => "cheque", "Chèque", [];
        Transfer => "transfer", "Virement", ["virement"];
        Funder => "funder", "Prise en charge du financeur", ["financeur", "prise en charge"];
    }
}

/// An amount in euro cents. Parse it from what a person types ("80", "80,00", "80.5 €"),
/// display it the French way ("80,00 €").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
#[derive(ts_rs::TS)]
#[ts(export)]
pub struct Money(i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("« {0} » n'est pas un montant en euros valide (exemples : 80, 80,00 ou 79,50 € ; au plus 1 000 000,00 €)")]
pub struct MoneyParseError(pub String);

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_cents(cents: i64) -> Self {
        Money(cents)
    }

    pub const fn from_euros(euros: i64) -> Self {
        Money(euros * 100)
    }

    pub const fn cents(self) -> i64 {
        self.0
    }

    /// The largest amount a person may type (a till never sees more; sums of such amounts
    /// cannot overflow).
    pub const MAX_TYPED: Money = Money(1_000_000_00);

    pub fn parse(input: &str) -> Result<Self, MoneyParseError> {
        let trimmed = input.trim().trim_end_matches('€').trim_end_matches("EUR").trim();
        parse_decimal(trimmed, 2)
            .filter(|cents| cents.abs() <= Self::MAX_TYPED.0)
            .map(Money)
            .ok_or_else(|| MoneyParseError(input.trim().to_string()))
    }

    /// The sum of `amounts`, or `None` when it would overflow.
    pub fn total(amounts: impl IntoIterator<Item = Money>) -> Option<Money> {
        amounts.into_iter().try_fold(Money::ZERO, Money::checked_add)
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }

    pub fn checked_mul(self, quantity: i64) -> Option<Money> {
        self.0.checked_mul(quantity).map(Money)
    }
}

impl Money {
    /// The amount as a person types it, to prefill a field: `80,00` (no space, no sign of euro).
    pub fn typed(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{},{:02}", abs / 100, abs % 100)
    }
}

/// An amount as it crosses to the window: the cents, and the core's French text (the window
/// shows the text and does no arithmetic).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Amount {
    pub cents: i64,
    pub text: String,
}

impl From<Money> for Amount {
    fn from(money: Money) -> Self {
        Amount {
            cents: money.cents(),
            text: money.to_string(),
        }
    }
}

impl FromStr for Money {
    type Err = MoneyParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse(s)
    }
}

impl fmt::Display for Money {
    /// `80,00 €`, `1 234,50 €`, `-5,00 €`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let euros = (abs / 100).to_string();
        let mut grouped = String::with_capacity(euros.len() + euros.len() / 3);
        for (i, c) in euros.chars().enumerate() {
            if i > 0 && (euros.len() - i) % 3 == 0 {
                grouped.push(' ');
            }
            grouped.push(c);
        }
        write!(f, "{sign}{grouped},{:02} €", abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_french_euros() {
        assert_eq!(Money::from_euros(80).to_string(), "80,00 €");
        assert_eq!(Money::from_cents(7950).to_string(), "79,50 €");
        assert_eq!(Money::from_cents(5).to_string(), "0,05 €");
        assert_eq!(Money::from_cents(123456).to_string(), "1 234,56 €");
        assert_eq!(Money::from_cents(-500).to_string(), "-5,00 €");
    }

    #[test]
    fn prefills_as_typed() {
        assert_eq!(Money::from_cents(8000).typed(), "80,00");
        assert_eq!(Money::from_cents(123456).typed(), "1234,56");
        assert_eq!(
            Money::parse(&Money::from_cents(7905).typed()).unwrap(),
            Money::from_cents(7905)
        );
    }

    #[test]
    fn parses_what_people_type() {
        assert_eq!(Money::parse("80").unwrap(), Money::from_euros(80));
        assert_eq!(Money::parse("80,00").unwrap(), Money::from_euros(80));
        assert_eq!(Money::parse("79.5 €").unwrap(), Money::from_cents(7950));
        assert_eq!(Money::parse(" 120,00€ ").unwrap(), Money::from_euros(120));
    }

    #[test]
    fn refuses_what_is_not_money() {
        for bad in [
            "",
            "abc",
            "80,001",
            "8O",
            "1,2,3",
            "€",
            "92233720368547758,07",
            "1000000,01",
        ] {
            assert!(Money::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn round_trips_through_display() {
        for cents in [0, 1, 99, 100, 8000, 123456] {
            let m = Money::from_cents(cents);
            let shown = m.to_string().replace(' ', "");
            assert_eq!(Money::parse(&shown).unwrap(), m);
        }
    }
}
