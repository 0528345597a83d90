//! The cart as the cash desk's form holds it, quoted by the core: each line's band and legal
//! cap, its total, the sale's total, what is paid, the change to give. The window shows this
//! and computes nothing; `create_sale` checks everything again when the sale is recorded.

use super::*;
use crate::model::people::FieldError;
use crate::money::Amount;

/// One line of the cart, quoted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct CartLine {
    /// The device's tag (a scanned device), else none (an item sold by count).
    pub tag: Option<String>,
    pub kind: DeviceKind,
    /// What the line sells, in French (« AST-0042 — Lenovo T480 », « Carte SIM »).
    pub label: String,
    pub quantity: u32,
    /// The band or the cap (« 60,00 € à 120,00 € », « plafond 150,00 € », « — »).
    pub band_text: String,
    /// The line's total, when its price is an amount.
    pub total: Option<Amount>,
}

/// The whole cart, quoted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct CartQuote {
    pub lines: Vec<CartLine>,
    /// The sale's total, when every price is an amount.
    pub total: Option<Amount>,
    pub paid: Amount,
    /// Cash to give back (never more than the cash paid).
    pub change: Option<Amount>,
    /// What is left to pay.
    pub remaining: Option<Amount>,
    /// The line the form shows under the cart (« Total 80,00 € · payé 100,00 € · à rendre
    /// 20,00 € »).
    pub summary: String,
    /// What is not yet right, each tied to its field: `devices.0.price`, `items.1.quantity`,
    /// `payments.0.amount`.
    pub problems: Vec<FieldError>,
}

/// The kinds sold by count (SIM cards, data top-ups, accessories), not by scanning a tag.
pub fn counted_kinds() -> Vec<crate::device::Term> {
    COUNTED_KINDS
        .iter()
        .map(|k| crate::device::Term {
            code: k.code(),
            label: k.label(),
        })
        .collect()
}

/// Quotes the cart of a sale form. Devices are read from the stock (their label, band and
/// cap); nothing is written.
pub fn quote_cart(store: &Store, programmes: &[Programme], caps: &LegalCaps, input: &SaleInput) -> Result<CartQuote> {
    let programme = input
        .programme
        .as_deref()
        .filter(|p| !p.is_empty())
        .and_then(|id| programmes.iter().find(|p| p.id == id));
    let mut problems = Vec::new();
    let mut lines = Vec::new();
    let mut total = Some(Money::ZERO);
    let mut add = |line_total: Option<Money>| {
        total = total.zip(line_total).and_then(|(t, l)| t.checked_add(l));
    };
    let field = |field: String, message: String| FieldError { field, message };
    for (i, device) in input.devices.iter().enumerate() {
        let quote = quote(store, programmes, caps, &device.tag, programme.map(|p| p.id.as_str()))?;
        let price = price_of(device.price.as_deref(), quote.price);
        if let Err(message) = &price {
            problems.push(field(format!("devices.{i}.price"), message.clone()));
        }
        let price = price.ok().flatten();
        add(price);
        lines.push(CartLine {
            label: format!("{} — {}", quote.tag, quote.label),
            tag: Some(quote.tag),
            kind: quote.kind,
            quantity: 1,
            band_text: quote.band_text,
            total: price.map(Amount::from),
        });
    }
    for (i, item) in input.items.iter().enumerate() {
        let kind = DeviceKind::parse(&item.kind)?;
        let band = programme.and_then(|p| p.price_band(kind, None)).map(|b| (b.min, b.max));
        let quantity = match parse_quantity(&item.quantity) {
            Ok(q) => q,
            Err(message) => {
                problems.push(field(format!("items.{i}.quantity"), message));
                0
            }
        };
        let price = price_of(item.unit_price.as_deref(), band.map(|b| b.0));
        if let Err(message) = &price {
            problems.push(field(format!("items.{i}.unit_price"), message.clone()));
        }
        let line_total = price.ok().flatten().and_then(|p| p.checked_mul(i64::from(quantity)));
        add(line_total.filter(|_| quantity > 0));
        lines.push(CartLine {
            tag: None,
            kind,
            label: kind.label().to_string(),
            quantity,
            band_text: sale::band_text(band, caps.cap(kind)),
            total: line_total.map(Amount::from),
        });
    }
    let mut paid = Money::ZERO;
    let mut cash = Money::ZERO;
    for (i, payment) in input.payments.iter().enumerate() {
        if payment.amount.trim().is_empty() {
            continue;
        }
        match Money::parse(&payment.amount) {
            Ok(amount) => {
                paid = paid.checked_add(amount).unwrap_or(paid);
                if PaymentMethod::parse(&payment.method) == Ok(PaymentMethod::Cash) {
                    cash = cash.checked_add(amount).unwrap_or(cash);
                }
            }
            Err(e) => problems.push(field(format!("payments.{i}.amount"), e.to_string())),
        }
    }
    let over = total.and_then(|t| paid.checked_sub(t));
    let change = over.filter(|o| *o > Money::ZERO && *o <= cash);
    let remaining = over
        .filter(|o| *o < Money::ZERO)
        .map(|o| Money::ZERO.checked_sub(o).unwrap_or(o));
    let summary = match total {
        None => "Un prix n'est pas un montant : corrigez-le pour voir le total.".to_string(),
        Some(t) => {
            let mut text = format!("Total {t} · payé {paid}");
            if let Some(c) = change {
                text.push_str(&format!(" · à rendre {c}"));
            } else if let Some(r) = remaining {
                text.push_str(&format!(" · reste {r}"));
            }
            text
        }
    };
    Ok(CartQuote {
        lines,
        total: total.map(Amount::from),
        paid: paid.into(),
        change: change.map(Amount::from),
        remaining: remaining.map(Amount::from),
        summary,
        problems,
    })
}

/// A typed price, else the band's lower end; an error in French when it is not an amount.
fn price_of(typed: Option<&str>, prefill: Option<Money>) -> std::result::Result<Option<Money>, String> {
    match typed.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(prefill),
        Some(t) => Money::parse(t).map(Some).map_err(|e| e.to_string()),
    }
}

/// A quantity as typed: a whole number from 1 to 99.
pub(super) fn parse_quantity(text: &str) -> std::result::Result<u32, String> {
    crate::text::parse_whole(text, QUANTITIES).map_err(|m| format!("Quantité {m}"))
}

/// How many of a counted item one sale line holds (the same bound as `create_sale`'s).
pub(super) const QUANTITIES: std::ops::RangeInclusive<u32> = 1..=99;
