//! Sync's stored values: a conflict between the hub and this centre.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Conflict {
    pub at: String,
    pub tag: Option<String>,
    pub message: String,
}
