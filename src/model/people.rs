//! The people's rows: a person as typed and as stored, a short line for lists, proofs seen,
//! equipment received, overrides, and the field errors of a form.

use chrono::NaiveDate;
use serde::Serialize;

use crate::device::{code_enum, DeviceKind};

code_enum! {
    /// Who referred the person.

    pub enum Prescriber, "prescripteur" {
        Ccas => "ccas", "CCAS", [];
        FranceTravail => "france_travail", "France Travail", ["pole emploi", "pole_emploi"];
        MissionLocale => "mission_locale", "Mission locale", [];
        ServiceSocial => "service_social", "Service social", ["service social departemental"];
        Caf => "caf", "CAF", [];
        Association => "association", "Association", [];
        Autre => "autre", "Autre", [];
    }
}

pub use comptoir_common::refusals::FieldError;

/// A person ready to be stored: every field valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct NewPerson {
    pub last_name: String,
    pub first_name: String,
    pub birth_date: Option<NaiveDate>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub postcode: Option<String>,
    pub commune: Option<String>,
    pub household: Option<String>,
    pub prescriber: Option<Prescriber>,
    pub publics: Vec<String>,
    pub rgpd_informed_on: Option<NaiveDate>,
    pub notes: String,
}

/// A line of a search result or of a duplicate warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PersonSummary {
    pub id: i64,
    pub last_name: String,
    pub first_name: String,
    pub birth_date: Option<NaiveDate>,
    pub phone: Option<String>,
    pub household: Option<String>,
    pub commune: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Proof {
    pub id: i64,
    pub kind: String,
    pub issued: NaiveDate,
    pub checked_by: String,
    pub checked_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Equipment {
    pub date: NaiveDate,
    pub kind: DeviceKind,
    pub source: String,
    /// The credit note that cancelled the sale (or its line) this equipment came from: it
    /// no longer counts toward a limit, and the screens say so.
    pub cancelled_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Override {
    pub programme: String,
    pub overridden: String,
    pub reason: String,
    pub operator: String,
    pub at: String,
}

/// Everything held about one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Person {
    pub id: i64,
    pub uuid: String,
    #[serde(flatten)]
    pub fields: NewPerson,
    pub merged_into: Option<i64>,
    pub proofs: Vec<Proof>,
    pub equipment: Vec<Equipment>,
    pub overrides: Vec<Override>,
    pub created_at: String,
    pub updated_at: String,
}
