//! Les personnes and `comptoir person` / `eligibility` / `diagnostic`: a person's file, the
//! proofs seen, the eligibility decision and its override, duplicates merged, the needs
//! diagnostic.

use crate::beneficiary::{add, add_equipment, add_proof, merge, update};
pub use crate::beneficiary::{
    check, get, override_decision, parse_date, search, Catalogue, FieldError, NewPerson, Person, PersonDecision,
    PersonInput, PersonSummary, Prescriber,
};
pub use crate::device::DeviceKind;
pub use crate::diagnostic::{advise, Advice, Answers, Place, ScreenWish, Use};
pub use crate::eligibility::fr_date;
pub use crate::programme::{LegalCaps, Programme};

use chrono::NaiveDate;
use serde::Serialize;

use crate::device::Term;
use crate::error::{Error, Result};
use crate::operators::Actor;
use crate::store::Store;

/// Creates a person from the form, or updates person `id`; then their file. A likely
/// duplicate is refused (`likely_duplicate`) unless `force`.
pub fn save(
    store: &mut Store,
    catalogue: &Catalogue,
    id: Option<i64>,
    input: &PersonInput,
    force: bool,
    actor: &Actor,
    today: NaiveDate,
) -> Result<Person> {
    let person = NewPerson::parse(input, catalogue, today).map_err(Error::InvalidFields)?;
    let id = match id {
        Some(id) => {
            update(store, id, &person, actor)?;
            id
        }
        None => add(store, &person, force, actor)?,
    };
    get(store, id)
}

/// Records a proof seen (its kind, the day it was issued), then the person's file.
#[allow(clippy::too_many_arguments)]
pub fn record_proof(
    store: &mut Store,
    catalogue: &Catalogue,
    id: i64,
    kind: &str,
    issued: &str,
    actor: &Actor,
    today: NaiveDate,
) -> Result<Person> {
    add_proof(store, id, kind, issued, actor, catalogue, today)?;
    get(store, id)
}

/// Merges the duplicate record into the one kept (a manager; reason required), then its file.
pub fn merge_into(store: &mut Store, keep: i64, duplicate: i64, reason: &str, actor: &Actor) -> Result<Person> {
    merge(store, keep, duplicate, actor, reason)?;
    get(store, keep)
}

/// A programme's id and name.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Named {
    pub code: String,
    pub label: String,
}

/// Codes and labels the people screens offer, from the programmes in force.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PeopleVocabulary {
    pub catalogue: Catalogue,
    pub prescribers: Vec<Term>,
    pub uses: Vec<Term>,
    pub places: Vec<Term>,
    pub screens: Vec<Term>,
    pub programmes: Vec<Named>,
}

pub fn vocabulary(programmes: &[Programme]) -> PeopleVocabulary {
    PeopleVocabulary {
        catalogue: Catalogue::of(programmes),
        prescribers: crate::device::terms::<Prescriber>(),
        uses: crate::device::terms::<Use>(),
        places: crate::device::terms::<Place>(),
        screens: crate::device::terms::<ScreenWish>(),
        programmes: programmes
            .iter()
            .map(|p| Named {
                code: p.id.clone(),
                label: p.name.clone(),
            })
            .collect(),
    }
}

/// Records equipment a person received elsewhere (its kind, when, from whom), then their file.
pub fn record_equipment(
    store: &mut Store,
    id: i64,
    kind: DeviceKind,
    date: &str,
    source: &str,
    actor: &Actor,
    today: NaiveDate,
) -> Result<Person> {
    add_equipment(store, id, kind, date, source, actor, today)?;
    get(store, id)
}
