//! Sync's stored values: a conflict between the hub and this centre.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Conflict {
    pub at: String,
    pub tag: Option<String>,
    /// What happened and what to do, in French.
    pub message: String,
    /// The hub's number, for a conflict the hub keeps (the same device sold by two registers…).
    pub hub_id: Option<i64>,
    /// When the hub settled it, and how (in French).
    pub closed_at: Option<String>,
    pub closed_how: Option<String>,
}
