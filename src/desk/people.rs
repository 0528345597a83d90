//! Les personnes and `comptoir person` / `eligibility` / `diagnostic`: a person's file, the
//! proofs seen, the eligibility decision and its override, duplicates merged, the needs
//! diagnostic.

pub use crate::beneficiary::{
    add, add_equipment, add_proof, check, get, merge, override_decision, parse_date, search, update, Catalogue,
    FieldError, NewPerson, Person, PersonDecision, PersonInput, PersonSummary, Prescriber,
};
pub use crate::device::DeviceKind;
pub use crate::diagnostic::{advise, Advice, Answers, Place, ScreenWish, Use};
pub use crate::eligibility::fr_date;
pub use crate::programme::{LegalCaps, Programme};
