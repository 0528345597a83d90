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
    /// The programmes that lend devices.
    pub lending: Vec<Named>,
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
        lending: programmes
            .iter()
            .filter_map(|p| {
                p.loans.as_ref().map(|rule| Named {
                    code: p.id.clone(),
                    label: format!("{} (prêt de {} jours au plus)", p.name, rule.max_days),
                })
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

/// A person's page as the screens show it: the file, and its facts in French (the window
/// builds none; the command line prints the same lines).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PersonPage {
    #[serde(flatten)]
    pub person: Person,
    /// « N° de fiche », « Naissance », « Publics »… each with its value.
    pub facts: Vec<crate::stock::Fact>,
    /// Each proof seen: « Attestation de paiement CAF du 01/11/2026, vu par Amina ».
    pub proof_lines: Vec<String>,
    /// Each piece of equipment received, newest first; one from a cancelled sale says so.
    pub equipment_lines: Vec<EquipmentLine>,
}

/// One piece of equipment the person received, as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct EquipmentLine {
    /// « Ordinateur portable le 02/06/2026 (vente 2026-…) », and « — annulé par l'avoir … »
    /// when its sale was cancelled.
    pub text: String,
    /// The credit note that cancelled it: it no longer counts toward a limit.
    pub cancelled_by: Option<String>,
}

/// The page of `person`, its codes named with the programmes' labels.
pub fn page(person: Person, catalogue: &Catalogue) -> PersonPage {
    use crate::stock::Fact;
    let f = &person.fields;
    let or_dash = |v: Option<String>| v.filter(|v| !v.is_empty()).unwrap_or_else(|| "—".into());
    let publics = f
        .publics
        .iter()
        .map(|c| catalogue.publics.get(c).cloned().unwrap_or_else(|| c.clone()))
        .collect::<Vec<_>>()
        .join(", ");
    let mut facts = vec![
        Fact {
            label: "N° de fiche",
            value: person.id.to_string(),
        },
        Fact {
            label: "Naissance",
            value: or_dash(f.birth_date.map(fr_date)),
        },
        Fact {
            label: "Téléphone",
            value: or_dash(f.phone.clone()),
        },
        Fact {
            label: "E-mail",
            value: or_dash(f.email.clone()),
        },
        Fact {
            label: "Commune",
            value: or_dash(Some(
                [f.postcode.clone(), f.commune.clone()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" "),
            )),
        },
        Fact {
            label: "Foyer",
            value: or_dash(f.household.clone()),
        },
        Fact {
            label: "Prescripteur",
            value: or_dash(f.prescriber.map(|p| p.label().to_string())),
        },
        Fact {
            label: "Publics",
            value: or_dash(Some(publics)),
        },
        Fact {
            label: "Information RGPD",
            value: f
                .rgpd_informed_on
                .map(|d| format!("donnée le {}", fr_date(d)))
                .unwrap_or_else(|| "pas encore donnée".into()),
        },
    ];
    if let Some(into) = person.merged_into {
        facts.insert(
            1,
            Fact {
                label: "Fusionnée",
                value: format!("dans la fiche n° {into}"),
            },
        );
    }
    let proof_lines = person
        .proofs
        .iter()
        .map(|x| {
            let kind = catalogue
                .proof_kinds
                .get(&x.kind)
                .cloned()
                .unwrap_or_else(|| x.kind.clone());
            format!("{kind} du {}, vu par {}", fr_date(x.issued), x.checked_by)
        })
        .collect();
    let equipment_lines = person
        .equipment
        .iter()
        .map(|e| {
            let mut text = format!("{} le {} ({})", e.kind.label(), fr_date(e.date), e.source);
            if let Some(note) = &e.cancelled_by {
                text.push_str(&format!(" — annulé par l'avoir {note} : ne compte plus"));
            }
            EquipmentLine {
                text,
                cancelled_by: e.cancelled_by.clone(),
            }
        })
        .collect();
    PersonPage {
        person,
        facts,
        proof_lines,
        equipment_lines,
    }
}
