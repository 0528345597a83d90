//! Beneficiaries, data-minimal: identity, optional contact, household, prescriber, publics,
//! proofs recorded as *seen* (kind, date on it, who checked it, when: never a copy, never a
//! social-security number), equipment already received, duplicates and merges. Plus the
//! eligibility check of a stored person and its overrides.

pub use crate::model::people::{Equipment, FieldError, NewPerson, Override, Person, PersonSummary, Prescriber, Proof};

use crate::operators::Actor;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::device::DeviceKind;
use crate::eligibility::{self, Applicant, Decision, PastPurchase, SeenProof, Verdict};
use crate::error::{Error, Result};
use crate::programme::Programme;
use crate::store::{self, people, Store};
use crate::text::fold;

/// The publics and proof kinds the active programmes know, with their labels: what a person
/// may be recorded as, and which proofs may be recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Catalogue {
    pub publics: BTreeMap<String, String>,
    pub proof_kinds: BTreeMap<String, String>,
}

impl Catalogue {
    pub fn of(programmes: &[Programme]) -> Catalogue {
        let mut c = Catalogue::default();
        for p in programmes {
            for (code, public) in &p.publics {
                c.publics.entry(code.clone()).or_insert_with(|| public.label.clone());
            }
            for (code, kind) in &p.proof_kinds {
                c.proof_kinds.entry(code.clone()).or_insert_with(|| kind.label.clone());
            }
        }
        c
    }
}

/// What a form or the CLI gives, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[derive(ts_rs::TS)]
#[ts(export)]
pub struct PersonInput {
    pub last_name: String,
    pub first_name: String,
    pub birth_date: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub postcode: Option<String>,
    pub commune: Option<String>,
    pub household: Option<String>,
    pub prescriber: Option<String>,
    pub publics: Vec<String>,
    pub rgpd_informed_on: Option<String>,
    pub notes: Option<String>,
}

/// A date typed as AAAA-MM-JJ or JJ/MM/AAAA.
pub fn parse_date(input: &str) -> Option<NaiveDate> {
    let s = input.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .ok()
}

/// A phone number kept as digits: "06 12 34 56 78" and "+33 6 12 34 56 78" are "0612345678".
pub fn parse_phone(input: &str) -> Option<String> {
    let trimmed = input.trim();
    let international = trimmed.starts_with('+') || trimmed.starts_with("00");
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    if trimmed.chars().any(|c| !(c.is_ascii_digit() || " .-+()/".contains(c))) {
        return None;
    }
    let digits = if let Some(rest) = digits
        .strip_prefix("0033")
        .or_else(|| international.then(|| digits.strip_prefix("33")).flatten())
    {
        format!("0{rest}")
    } else {
        digits
    };
    match digits.len() {
        10 if digits.starts_with('0') => Some(digits),
        8..=15 if international => Some(format!("+{digits}")),
        _ => None,
    }
}

fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn optional(s: &Option<String>) -> Option<String> {
    s.as_deref().map(clean).filter(|s| !s.is_empty())
}

impl NewPerson {
    /// Checks every field and says everything that is wrong at once.
    pub fn parse(
        input: &PersonInput,
        catalogue: &Catalogue,
        today: NaiveDate,
    ) -> std::result::Result<NewPerson, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut err = |field: &'static str, message: String| {
            errors.push(FieldError {
                field: field.into(),
                message,
            })
        };
        let last_name = clean(&input.last_name);
        let first_name = clean(&input.first_name);
        for (field, label, value) in [
            ("last_name", "le nom", &last_name),
            ("first_name", "le prénom", &first_name),
        ] {
            if value.is_empty() {
                err(field, format!("{label} est obligatoire"));
            } else if value.chars().count() > 80 || value.chars().any(|c| c.is_control() || c.is_ascii_digit()) {
                err(
                    field,
                    format!("{label} « {value} » n'est pas valide (pas de chiffres, 80 caractères au plus)"),
                );
            }
        }
        let birth_date = match optional(&input.birth_date) {
            None => None,
            Some(text) => match parse_date(&text) {
                None => {
                    err(
                        "birth_date",
                        format!("date de naissance « {text} » impossible (format JJ/MM/AAAA)"),
                    );
                    None
                }
                Some(date) if date > today => {
                    err("birth_date", format!("date de naissance « {text} » dans le futur"));
                    None
                }
                Some(date) if today.years_since(date).unwrap_or(0) > 120 => {
                    err(
                        "birth_date",
                        format!("date de naissance « {text} » : plus de 120 ans, vérifiez l'année"),
                    );
                    None
                }
                Some(date) => Some(date),
            },
        };
        let phone = optional(&input.phone).and_then(|p| {
            let parsed = parse_phone(&p);
            if parsed.is_none() {
                err(
                    "phone",
                    format!("téléphone « {p} » non reconnu (ex. : 06 12 34 56 78 ou +33 6 12 34 56 78)"),
                );
            }
            parsed
        });
        let email = optional(&input.email).and_then(|e| {
            let ok = e.split_once('@').is_some_and(|(user, domain)| {
                !user.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
            }) && !e.contains(' ');
            if !ok {
                err("email", format!("adresse e-mail « {e} » non valide"));
            }
            ok.then_some(e.to_lowercase())
        });
        let postcode = optional(&input.postcode).and_then(|p| {
            let ok = p.len() == 5 && p.chars().all(|c| c.is_ascii_digit());
            if !ok {
                err("postcode", format!("code postal « {p} » : 5 chiffres attendus"));
            }
            ok.then_some(p)
        });
        let prescriber = optional(&input.prescriber).and_then(|p| match Prescriber::parse(&p) {
            Ok(v) => Some(v),
            Err(e) => {
                err("prescriber", e.message);
                None
            }
        });
        let mut publics = Vec::new();
        for public in &input.publics {
            let code = public.trim().to_lowercase();
            if code.is_empty() {
                continue;
            }
            if !catalogue.publics.contains_key(&code) {
                err(
                    "publics",
                    format!(
                        "public « {public} » inconnu des programmes ; publics possibles : {}",
                        catalogue.publics.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                );
            } else if !publics.contains(&code) {
                publics.push(code);
            }
        }
        let rgpd_informed_on = optional(&input.rgpd_informed_on).and_then(|text| match parse_date(&text) {
            Some(d) if d <= today => Some(d),
            _ => {
                err(
                    "rgpd_informed_on",
                    format!("date d'information RGPD « {text} » impossible ou future"),
                );
                None
            }
        });
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(NewPerson {
            last_name,
            first_name,
            birth_date,
            phone,
            email,
            postcode,
            commune: optional(&input.commune),
            household: optional(&input.household),
            prescriber,
            publics,
            rgpd_informed_on,
            notes: input.notes.as_deref().unwrap_or("").trim().to_string(),
        })
    }

    /// The folded text name search looks in: last name, first name, household.
    pub fn search_text(&self) -> String {
        fold(&format!(
            "{} {} {}",
            self.last_name,
            self.first_name,
            self.household.as_deref().unwrap_or("")
        ))
    }

    pub fn household_key(&self) -> Option<String> {
        self.household.as_deref().map(fold)
    }
}

impl std::fmt::Display for PersonSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "n° {} {} {}", self.id, self.last_name, self.first_name)?;
        if let Some(b) = self.birth_date {
            write!(f, ", né(e) le {}", eligibility::fr_date(b))?;
        }
        if let Some(p) = &self.phone {
            write!(f, ", tél. {p}")?;
        }
        if let Some(h) = &self.household {
            write!(f, ", foyer « {h} »")?;
        }
        Ok(())
    }
}

/// Records a new person. When one probably exists already (same phone, or same birth date and
/// a close name), nothing is stored and the likely matches are returned in the error, unless
/// `force` says the médiateur checked they are different people.
pub fn add(store: &mut Store, person: &NewPerson, force: bool, actor: &Actor) -> Result<i64> {
    crate::operators::require_present(store.db(), actor)?;
    if !force {
        let matches = likely_duplicates(store, person)?;
        if !matches.is_empty() {
            return Err(Error::LikelyDuplicate(matches));
        }
    }
    store.with_tx(|tx| people::insert(tx, person, &store::now_text()))
}

/// Replaces a person's fields (a typo fixed, a new phone).
pub fn update(store: &mut Store, id: i64, person: &NewPerson, actor: &Actor) -> Result<()> {
    crate::operators::require_present(store.db(), actor)?;
    store.with_tx(|tx| {
        people::require_active(tx, id)?;
        people::update(tx, id, person, &store::now_text())
    })
}

/// People that are probably the same as `person`: the same phone, or the same birth date and a
/// close name (a typo, an accent, first and last names swapped), or the same full name when no
/// birth date is known.
pub fn likely_duplicates(store: &Store, person: &NewPerson) -> Result<Vec<PersonSummary>> {
    let full = fold(&format!("{} {}", person.last_name, person.first_name));
    let swapped = fold(&format!("{} {}", person.first_name, person.last_name));
    let mut found: Vec<PersonSummary> = Vec::new();
    let mut push = |p: PersonSummary| {
        if !found.iter().any(|f| f.id == p.id) {
            found.push(p);
        }
    };
    if let Some(phone) = &person.phone {
        people::by_phone(store.db(), phone)?.into_iter().for_each(&mut push);
    }
    let close = |p: &PersonSummary| {
        let other = fold(&format!("{} {}", p.last_name, p.first_name));
        strsim::jaro_winkler(&full, &other) >= 0.88 || strsim::jaro_winkler(&swapped, &other) >= 0.88
    };
    match person.birth_date {
        Some(birth) => people::by_birth_date(store.db(), birth)?
            .into_iter()
            .filter(close)
            .for_each(&mut push),
        None => people::by_exact_name(store.db(), &full)?
            .into_iter()
            .for_each(&mut push),
    }
    Ok(found)
}

/// Finds people by name (accents, case, a typo or a partial name forgiven), phone or household.
pub fn search(store: &Store, text: &str, limit: usize) -> Result<Vec<PersonSummary>> {
    people::search(store.db(), text, limit)
}

pub fn get(store: &Store, id: i64) -> Result<Person> {
    people::get(store.db(), id)?.ok_or_else(|| Error::PersonNotFound(id))
}

/// Records a proof as seen. A kind no programme knows, or a date in the future, is refused.
pub fn add_proof(
    store: &mut Store,
    id: i64,
    kind: &str,
    issued: &str,
    actor: &Actor,
    catalogue: &Catalogue,
    today: NaiveDate,
) -> Result<()> {
    crate::operators::require_present(store.db(), actor)?;
    let checked_by = actor.name();
    let kind = kind.trim().to_lowercase();
    let mut errors = Vec::new();
    if !catalogue.proof_kinds.contains_key(&kind) {
        errors.push(FieldError {
            field: "kind".into(),
            message: format!(
                "justificatif « {kind} » inconnu ; justificatifs possibles : {}",
                catalogue.proof_kinds.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        });
    }
    let date = parse_date(issued);
    match date {
        None => errors.push(FieldError {
            field: "issued".into(),
            message: format!("date « {issued} » impossible (format JJ/MM/AAAA)"),
        }),
        Some(d) if d > today => errors.push(FieldError {
            field: "issued".into(),
            message: format!(
                "le justificatif est daté du {}, dans le futur : vérifiez la date",
                eligibility::fr_date(d)
            ),
        }),
        Some(d) if today.years_since(d).unwrap_or(0) > 10 => errors.push(FieldError {
            field: "issued".into(),
            message: format!(
                "le justificatif est daté du {} : vérifiez l'année",
                eligibility::fr_date(d)
            ),
        }),
        Some(_) => {}
    }
    if !errors.is_empty() {
        return Err(Error::InvalidFields(errors));
    }
    let checked_by = if checked_by.trim().is_empty() {
        "inconnu"
    } else {
        checked_by.trim()
    };
    store.with_tx(|tx| {
        people::require_active(tx, id)?;
        people::insert_proof(
            tx,
            id,
            &kind,
            date.expect("checked above"),
            checked_by,
            &store::now_text(),
        )
    })
}

/// Records equipment the person already received elsewhere or earlier (for the limits).
pub fn add_equipment(
    store: &mut Store,
    id: i64,
    kind: DeviceKind,
    date: &str,
    source: &str,
    actor: &Actor,
    today: NaiveDate,
) -> Result<()> {
    crate::operators::require_present(store.db(), actor)?;
    let operator = actor.name();
    let date = match parse_date(date) {
        Some(d) if d <= today => d,
        _ => {
            return Err(Error::InvalidFields(vec![FieldError {
                field: "date".into(),
                message: format!("date « {date} » impossible ou future (format JJ/MM/AAAA)"),
            }]))
        }
    };
    let source = if source.trim().is_empty() {
        "Déclaré par la personne"
    } else {
        source.trim()
    };
    store.with_tx(|tx| {
        people::require_active(tx, id)?;
        people::insert_equipment(tx, id, date, kind, source, operator, &store::now_text())
    })
}

/// Merges `duplicate` into `keep`: proofs, equipment, overrides and publics move over, empty
/// fields of `keep` are filled, and `duplicate` is marked merged (kept for the record).
pub fn merge(store: &mut Store, keep: i64, duplicate: i64, actor: &Actor, reason: &str) -> Result<()> {
    crate::operators::require_present(store.db(), actor)?;
    let operator = actor.name();
    if keep == duplicate {
        return Err(Error::InvalidFields(vec![FieldError {
            field: "duplicate".into(),
            message: "une fiche ne peut pas être fusionnée avec elle-même".into(),
        }]));
    }
    if reason.trim().is_empty() {
        return Err(Error::ReasonRequired(
            "Indiquez pourquoi ces deux fiches sont la même personne.".into(),
        ));
    }
    store.with_tx(|tx| {
        people::require_active(tx, keep)?;
        people::require_active(tx, duplicate)?;
        people::merge(tx, keep, duplicate, operator, reason.trim(), &store::now_text())
    })
}

/// A decision about a stored person, with the overrides recorded for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PersonDecision {
    pub person_id: i64,
    pub on: NaiveDate,
    /// The decision in French, true for every kind (« Éligible, sauf ordinateur portable
    /// jusqu'au 17/08/2027 »): the overall verdict is `decision`, each kind's `by_kind[].verdict`.
    pub label: String,
    #[serde(flatten)]
    pub decision: Decision,
    pub overrides: Vec<Override>,
    /// Each override in French, the programme by its name (« Dérogation (Pass numérique) par
    /// Amina le 02/12/2026 à 14:05 : … »).
    pub override_lines: Vec<String>,
}

impl PersonDecision {
    /// Whether a manager overrode the decision on `today` under one of `programmes`.
    pub fn overridden(&self, today: NaiveDate, programmes: &[Programme]) -> bool {
        let day = today.to_string();
        let programme_of = |id: &str| programmes.iter().any(|p| p.id == id);
        self.overrides
            .iter()
            .any(|o| o.at.starts_with(&day) && programme_of(&o.programme))
    }
}

/// The eligibility of a stored person on `on`, for a device kind if given, under `programmes`.
pub fn check(
    store: &Store,
    programmes: &[Programme],
    id: i64,
    on: NaiveDate,
    kind: Option<DeviceKind>,
) -> Result<PersonDecision> {
    decide_person(store, programmes, id, on, kind, true)
}

/// [`check`] for a loan: the programmes' publics and proofs, not their purchase limits (a
/// loan turned into a sale meets those then).
pub fn check_for_loan(store: &Store, programmes: &[Programme], id: i64, on: NaiveDate) -> Result<PersonDecision> {
    decide_person(store, programmes, id, on, None, false)
}

fn decide_person(
    store: &Store,
    programmes: &[Programme],
    id: i64,
    on: NaiveDate,
    kind: Option<DeviceKind>,
    purchases_count: bool,
) -> Result<PersonDecision> {
    let person = get(store, id)?;
    if let Some(into) = person.merged_into {
        return Err(Error::Merged { id, into });
    }
    let applicant = Applicant {
        birth_date: person.fields.birth_date,
        publics: person.fields.publics.clone(),
    };
    let proofs: Vec<SeenProof> = person
        .proofs
        .iter()
        .map(|p| SeenProof {
            kind: p.kind.clone(),
            issued: p.issued,
        })
        .collect();
    let purchases: Vec<PastPurchase> = match purchases_count {
        true => people::household_equipment(store.db(), id, person.fields.household_key().as_deref())?,
        false => Vec::new(),
    };
    let decision = eligibility::decide(programmes, &applicant, &proofs, &purchases, on, kind);
    let override_lines = person
        .overrides
        .iter()
        .map(|o| {
            let name = programmes
                .iter()
                .find(|p| p.id == o.programme)
                .map_or(o.programme.as_str(), |p| p.name.as_str());
            format!(
                "Dérogation ({name}) par {} le {} : {}",
                o.operator,
                crate::text::format_timestamp(&o.at),
                o.reason
            )
        })
        .collect();
    Ok(PersonDecision {
        label: eligibility::label_of(&decision),
        person_id: id,
        on,
        decision,
        overrides: person.overrides,
        override_lines,
    })
}

/// A manager's override of a "not eligible" or "to review" decision, with a written reason.
/// Recorded with who and when; refused when the person is already eligible under it.
#[allow(clippy::too_many_arguments)] // each is one fact of the act; a struct would only rename them
pub fn override_decision(
    store: &mut Store,
    programmes: &[Programme],
    id: i64,
    programme: &str,
    reason: &str,
    actor: &Actor,
    on: NaiveDate,
    kind: Option<DeviceKind>,
) -> Result<PersonDecision> {
    let operator = actor.name();
    crate::operators::require_manager(store.db(), actor)?;
    if reason.trim().len() < 5 {
        return Err(Error::ReasonRequired(
            "Une dérogation demande une raison écrite (quelques mots au moins).".into(),
        ));
    }
    let decided = check(store, programmes, id, on, kind)?;
    let Some(detail) = decided.decision.details.iter().find(|d| d.programme == programme) else {
        return Err(Error::InvalidFields(vec![FieldError {
            field: "programme".into(),
            message: format!("programme « {programme} » inconnu ou inactif"),
        }]));
    };
    if detail.decision == Verdict::Eligible {
        return Err(Error::InvalidFields(vec![FieldError {
            field: "programme".into(),
            message: "la personne est déjà éligible : pas de dérogation à faire".into(),
        }]));
    }
    let overridden = detail.decision;
    store.with_tx(|tx| {
        let now = store::now_text();
        // In the journal too: an override is part of the point of sale's chain of trust.
        crate::journal::append(
            tx,
            "override",
            operator,
            &now,
            &serde_json::json!({"person_id": id, "programme": programme, "overridden": overridden, "reason": reason.trim()}),
        )?;
        people::insert_override(tx, id, programme, overridden, reason.trim(), operator, &now)
    })?;
    check(store, programmes, id, on, kind)
}
