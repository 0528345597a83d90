//! The centre's settings as typed in the form (and as stored).

use serde::{Deserialize, Serialize};

/// The settings form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[derive(ts_rs::TS)]
#[ts(export)]
pub struct CentreInput {
    pub name: String,
    /// One line per address line.
    pub address: String,
    pub siret: String,
    pub vat_mention: String,
    pub help_phone: String,
    pub help_email: String,
    pub help_hours: String,
    pub help_url: String,
    pub printer: String,
    pub paper: String,
}
