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
pub enum Verdict {
    NotEligible,
    ToReview,
    Eligible,
}
