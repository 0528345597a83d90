//! The stock's rows: a device as stored, a line of its history, the list's filters and counts.

use serde::Serialize;
use uuid::Uuid;

use crate::device::{AssetTag, Category, DeviceKind, DeviceState, Specs, StockAction};

/// A device as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Device {
    #[serde(skip)]
    pub(crate) id: i64,
    pub tag: AssetTag,
    pub kind: DeviceKind,
    pub category: Option<Category>,
    pub state: DeviceState,
    pub brand: String,
    pub model: String,
    pub serial: Option<String>,
    pub imei: Option<String>,
    #[serde(flatten)]
    pub specs: Specs,
    /// Where it came from; none: unknown (entered before provenance was recorded).
    pub provenance: Option<crate::provenance::Provenance>,
    pub created_at: String,
    pub updated_at: String,
}

/// One line of a device's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct DeviceEvent {
    pub uuid: Uuid,
    pub at: String,
    pub action: Option<StockAction>,
    pub from_state: Option<DeviceState>,
    pub to_state: DeviceState,
    pub operator: String,
    pub reason: String,
}

/// Filters and free text for the stock list.
#[derive(Debug, Clone, PartialEq, Eq, ts_rs::TS)]
#[ts(export)]
pub struct StockQuery {
    pub kind: Option<DeviceKind>,
    pub category: Option<Category>,
    pub state: Option<DeviceState>,
    pub text: Option<String>,
    pub limit: usize,
}

impl StockQuery {
    /// Whether a device of this kind, category and state passes the filters.
    pub fn admits(&self, kind: DeviceKind, category: Option<Category>, state: DeviceState) -> bool {
        self.kind.is_none_or(|k| kind == k)
            && self.category.is_none_or(|c| category == Some(c))
            && self.state.is_none_or(|s| state == s)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct StockSummary {
    pub total: i64,
    pub by_state: Vec<(DeviceState, i64)>,
    pub available_by_kind: Vec<(DeviceKind, i64)>,
    /// The line the stock screen shows (« 12 disponible(s) · 3 à réceptionner · … »).
    pub text: String,
}
