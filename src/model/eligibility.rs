//! The eligibility engine's values that are stored: a past purchase, a verdict.

use chrono::NaiveDate;
use serde::Serialize;

use crate::device::DeviceKind;

/// Equipment the person or their household already received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastPurchase {
    pub date: NaiveDate,
    pub kind: DeviceKind,
    /// Bought by this person (false: by another member of the household).
    pub by_person: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
#[ts(export)]
pub enum Verdict {
    NotEligible,
    ToReview,
    Eligible,
}

/// Why the engine decided as it did: one stable code a reason (the window and `--json`
/// branch on it; the French sentence says the rest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReasonCode {
    /// A public with an age condition, and no birth date known.
    BirthDateMissing,
    AgeBelowMin,
    AgeAboveMax,
    /// A proof the public accepts, valid on the day.
    ProofValid,
    ProofExpired,
    /// A proof dated after the day of the check.
    ProofNotYetValid,
    /// No proof at all for the public.
    ProofMissing,
    /// Proofs seen, none of a kind the public accepts.
    ProofNotAccepted,
    ProgrammeInactive,
    /// The person's publics are not the programme's.
    PublicNotServed,
    /// A limit on the kind asked is reached.
    LimitReached,
    /// A limit on another kind than the one asked is reached (for information).
    LimitReachedOtherKind,
}

impl ReasonCode {
    pub const fn as_str(self) -> &'static str {
        match self {
            ReasonCode::BirthDateMissing => "birth_date_missing",
            ReasonCode::AgeBelowMin => "age_below_min",
            ReasonCode::AgeAboveMax => "age_above_max",
            ReasonCode::ProofValid => "proof_valid",
            ReasonCode::ProofExpired => "proof_expired",
            ReasonCode::ProofNotYetValid => "proof_not_yet_valid",
            ReasonCode::ProofMissing => "proof_missing",
            ReasonCode::ProofNotAccepted => "proof_not_accepted",
            ReasonCode::ProgrammeInactive => "programme_inactive",
            ReasonCode::PublicNotServed => "public_not_served",
            ReasonCode::LimitReached => "limit_reached",
            ReasonCode::LimitReachedOtherKind => "limit_reached_other_kind",
        }
    }
}

impl PartialEq<&str> for ReasonCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}
