//! A sale as the window's form sends it (amounts as typed, codes as strings), parsed into a
//! `SaleRequest` at the boundary: the core only sees valid requests.

use super::*;
use crate::error::Code;

/// A sale as a form sends it: amounts as typed ("80", "80,00"), codes as strings.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
#[derive(ts_rs::TS)]
#[ts(export)]
pub struct SaleInput {
    pub uuid: String,
    pub person_id: Option<i64>,
    pub programme: Option<String>,
    pub devices: Vec<DeviceInput>,
    pub items: Vec<ItemInput>,
    pub payments: Vec<PaymentInput>,
    /// A manager's written reason to sell a device its donor reserved for other publics.
    pub reserved_override: Option<String>,
    /// A manager's written reason to sell a device lacking its erasure or test record.
    pub records_override: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
#[derive(ts_rs::TS)]
#[ts(export)]
pub struct DeviceInput {
    pub tag: String,
    pub price: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
#[derive(ts_rs::TS)]
#[ts(export)]
pub struct ItemInput {
    pub kind: String,
    /// As typed: a whole number from 1 to 99.
    pub quantity: String,
    pub unit_price: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
#[derive(ts_rs::TS)]
#[ts(export)]
pub struct PaymentInput {
    pub method: String,
    pub amount: String,
    pub reference: Option<String>,
}

fn money_field(text: &Option<String>) -> Result<Option<Money>> {
    match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => Ok(Some(Money::parse(t)?)),
    }
}

/// Payments as typed (method, amount, reference), parsed.
pub fn parse_payments(payments: &[PaymentInput]) -> Result<Vec<SalePayment>> {
    payments
        .iter()
        .map(|p| {
            Ok(SalePayment {
                method: PaymentMethod::parse(&p.method)?,
                amount: Money::parse(&p.amount)?,
                reference: p.reference.clone().filter(|r| !r.trim().is_empty()),
            })
        })
        .collect()
}

impl TryFrom<SaleInput> for SaleRequest {
    type Error = Error;
    fn try_from(input: SaleInput) -> Result<SaleRequest> {
        let uuid = Uuid::parse_str(input.uuid.trim())
            .map_err(|_| refused(Code::Invalid, "identifiant de vente (uuid) invalide"))?;
        let devices = input
            .devices
            .iter()
            .map(|d| {
                Ok(DeviceRequest {
                    tag: d.tag.clone(),
                    price: money_field(&d.price)?,
                })
            })
            .collect::<Result<_>>()?;
        let items = input
            .items
            .iter()
            .map(|i| {
                Ok(ItemRequest {
                    kind: DeviceKind::parse(&i.kind)?,
                    quantity: cart::parse_quantity(&i.quantity).map_err(|m| refused(Code::Invalid, m))?,
                    unit_price: money_field(&i.unit_price)?,
                })
            })
            .collect::<Result<_>>()?;
        let payments = parse_payments(&input.payments)?;
        Ok(SaleRequest {
            reserved_override: input.reserved_override.filter(|r| !r.trim().is_empty()),
            records_override: input.records_override.filter(|r| !r.trim().is_empty()),
            uuid,
            person_id: input.person_id,
            programme: input.programme.filter(|p| !p.is_empty()),
            devices,
            items,
            payments,
        })
    }
}

#[cfg(any(test, feature = "test-support"))]
impl SaleRequest {
    /// One device at `euros`, paid in cash, to `person` under `programme`: the most common
    /// sale, for tests (feature `test-support`, never in a shipped binary).
    pub fn one_device_in_cash(person: i64, programme: &str, tag: &str, euros: i64) -> SaleRequest {
        SaleRequest {
            reserved_override: None,
            records_override: None,
            uuid: Uuid::now_v7(),
            person_id: Some(person),
            programme: Some(programme.to_string()),
            devices: vec![DeviceRequest {
                tag: tag.to_string(),
                price: Some(Money::from_euros(euros)),
            }],
            items: vec![],
            payments: vec![SalePayment {
                method: PaymentMethod::Cash,
                amount: Money::from_euros(euros),
                reference: None,
            }],
        }
    }

    /// `quantity` SIM cards at 5 € each, paid in cash, to no one: the smallest real sale, for
    /// tests and benchmarks (feature `test-support`, never in a shipped binary).
    pub fn sim_cards_in_cash(quantity: u32) -> SaleRequest {
        SaleRequest {
            reserved_override: None,
            records_override: None,
            uuid: Uuid::now_v7(),
            person_id: None,
            programme: None,
            devices: vec![],
            items: vec![ItemRequest {
                kind: DeviceKind::SimCard,
                quantity,
                unit_price: Some(Money::from_euros(5)),
            }],
            payments: vec![SalePayment {
                method: PaymentMethod::Cash,
                amount: Money::from_euros(5 * quantity as i64),
                reference: None,
            }],
        }
    }
}
