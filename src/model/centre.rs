//! The centre's settings as typed in the form (and as stored).

use std::collections::BTreeMap;

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
    /// The tax status's code (`exoneree`, `franchise`, `marge`, `tva`), empty until chosen.
    pub tax_status: String,
    /// The VAT rate of each kind of item as typed (« 20 », « 5,5 »), by the kind's code.
    pub vat_rates: BTreeMap<String, String>,
    /// A custom VAT mention kept from before tax statuses, printed until a status is chosen.
    pub vat_mention: String,
    pub help_phone: String,
    pub help_email: String,
    pub help_hours: String,
    pub help_url: String,
    pub printer: String,
    pub paper: String,
}
