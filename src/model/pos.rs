//! The point of sale's rows: payment methods, permanences, sales with their lines and
//! payments, summaries, credit notes.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::device::{Category, DeviceKind};
use crate::money::Money;

/// How a sale is paid (or a credit note refunded): shared with the hub's network report.
pub use comptoir_common::money::PaymentMethod;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SessionInfo {
    pub id: i64,
    pub opened_at: String,
    pub opened_by: String,
    pub float: Money,
    /// The float in French (« 50,00 € »).
    #[serde(default)]
    pub float_text: String,
    pub closed_at: Option<String>,
    pub closed_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SaleLine {
    #[serde(skip)]
    pub device_id: Option<i64>,
    pub tag: Option<String>,
    pub kind: DeviceKind,
    pub category: Option<Category>,
    pub label: String,
    pub quantity: u32,
    pub unit_price: Money,
    /// The credit note that cancelled this line (or the whole sale), if any.
    pub cancelled_by: Option<String>,
    /// The tag the line named before a manager corrected it (a mis-scanned tag), if it was.
    pub corrected_from: Option<String>,
    /// The VAT rate applied when the sale was recorded (statuses liable to VAT).
    pub vat_rate: Option<crate::tax::Rate>,
    /// The VAT inside the line's price (inside its margin, under the margin scheme); none for a
    /// sale recorded before its centre had a tax status.
    pub vat: Option<Money>,
    /// Under the margin scheme, a used good's margin (the base of its VAT).
    pub margin: Option<Money>,
    /// The device's provenance kind (none: unknown, or not a device), printed on the receipt.
    pub provenance: Option<crate::provenance::DonorKind>,
    /// The reference of the device's erasure certificate in force when it was sold.
    pub erasure_ref: Option<String>,
}

impl SaleLine {
    /// A line as the cart checks it: no tax, no credit note, no correction, no records yet.
    pub fn new(
        device: Option<(i64, String)>,
        kind: DeviceKind,
        category: Option<Category>,
        label: String,
        quantity: u32,
        unit_price: Money,
    ) -> SaleLine {
        SaleLine {
            device_id: device.as_ref().map(|d| d.0),
            tag: device.map(|d| d.1),
            kind,
            category,
            label,
            quantity,
            unit_price,
            cancelled_by: None,
            corrected_from: None,
            vat_rate: None,
            vat: None,
            margin: None,
            provenance: None,
            erasure_ref: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SalePayment {
    pub method: PaymentMethod,
    pub amount: Money,
    pub reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SaleRecord {
    #[serde(skip)]
    pub id: i64,
    pub uuid: String,
    pub receipt: String,
    pub session_id: i64,
    pub person_id: Option<i64>,
    pub programme: Option<String>,
    /// The programme's name when the sale was made (its code for sales made before names
    /// were kept): what receipts and screens show.
    pub programme_name: Option<String>,
    pub at: String,
    pub operator: String,
    pub total: Money,
    pub lines: Vec<SaleLine>,
    pub payments: Vec<SalePayment>,
    /// The credit notes that cancelled it, in whole or in part, if any.
    pub cancelled_by: Option<String>,
    /// The tax status and mention the sale was recorded under (none: recorded before its
    /// centre chose a status).
    pub tax_status: Option<crate::tax::TaxStatus>,
    pub tax_mention: Option<String>,
    /// For a sale recorded without a tax status: the rates its tax was fixed with when its
    /// receipt's original was issued (none while it is not).
    #[serde(skip)]
    #[ts(skip)]
    pub tax_fixed: Option<BTreeMap<DeviceKind, crate::tax::Rate>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SaleSummary {
    pub receipt: String,
    pub at: String,
    pub operator: String,
    pub person_id: Option<i64>,
    pub programme: Option<String>,
    pub total: Money,
    /// The total in French (« 80,00 € »).
    pub total_text: String,
    pub cancelled_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct CreditNote {
    pub number: String,
    pub cancels: String,
    /// The line cancelled (1 = first), or none for the whole sale.
    pub line: Option<usize>,
    pub reason: String,
    pub refund_method: PaymentMethod,
    pub amount: Money,
    pub at: String,
}
