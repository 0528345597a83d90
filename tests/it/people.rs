//! Beneficiaries, proofs, duplicates, merges, eligibility and overrides on a real file (issue 3).

use chrono::NaiveDate;

use comptoir::beneficiary::{self, Catalogue, NewPerson, PersonInput};
use comptoir::device::DeviceKind;
use comptoir::eligibility::Verdict;
use comptoir::programme::{LegalCaps, Programme};
use comptoir::Store;

use crate::TestDb;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const TODAY: &str = "2026-11-22";

fn programmes() -> Vec<Programme> {
    vec![Programme::shipped_default(&LegalCaps::shipped())]
}

fn catalogue() -> Catalogue {
    Catalogue::of(&programmes())
}

fn input(last: &str, first: &str, birth: Option<&str>, publics: &[&str]) -> PersonInput {
    PersonInput {
        last_name: last.into(),
        first_name: first.into(),
        birth_date: birth.map(str::to_string),
        publics: publics.iter().map(|p| p.to_string()).collect(),
        ..PersonInput::default()
    }
}

fn add(store: &mut Store, input: PersonInput) -> i64 {
    let person = NewPerson::parse(&input, &catalogue(), d(TODAY)).unwrap();
    beneficiary::add(store, &person, false, &comptoir::operators::Actor::test("test")).unwrap()
}

fn count(store: &Store, table: &str) -> i64 {
    store
        .sql()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn search_forgives_accents_case_typos_and_partial_names() {
    let db = TestDb::new();
    let mut store = db.open();
    add(&mut store, input("Lefèvre", "Martine", Some("1958-03-14"), &["rsa"]));
    add(
        &mut store,
        PersonInput {
            phone: Some("06 12 34 56 78".into()),
            ..input("Dubois", "Francois", None, &["rsa"])
        },
    );
    add(
        &mut store,
        PersonInput {
            household: Some("Haddad, 12 rue des Lilas".into()),
            ..input("Haddad", "Karim", None, &["rsa"])
        },
    );
    add(&mut store, input("Lefort", "Paul", None, &["rsa"]));
    let names = |text: &str| -> Vec<String> {
        beneficiary::search(&store, text, 20)
            .unwrap()
            .into_iter()
            .map(|p| format!("{} {}", p.last_name, p.first_name))
            .collect()
    };
    assert_eq!(names("françois"), ["Dubois Francois"], "accent typed, none stored");
    assert_eq!(names("LEFEVRE"), ["Lefèvre Martine"], "accent stored, none typed");
    let mut lef = names("lef");
    lef.sort();
    assert_eq!(lef, ["Lefort Paul", "Lefèvre Martine"], "partial name");
    assert_eq!(names("lefebvre"), ["Lefèvre Martine"], "one typo");
    assert_eq!(
        names("le"),
        ["Lefèvre Martine", "Lefort Paul"],
        "two letters: the last names that begin so, alphabetically"
    );
    assert_eq!(
        names("martine lef"),
        ["Lefèvre Martine"],
        "first name and the start of the last"
    );
    assert_eq!(names("06 12 34"), ["Dubois Francois"], "phone");
    assert_eq!(names("rue des lilas"), ["Haddad Karim"], "household");
    assert!(names("zzzz").is_empty());
}

#[test]
fn a_probable_duplicate_is_shown_before_anything_is_stored() {
    let db = TestDb::new();
    let mut store = db.open();
    let first = add(
        &mut store,
        PersonInput {
            phone: Some("0612345678".into()),
            ..input("Lefèvre", "Martine", Some("1958-03-14"), &["rsa"])
        },
    );
    let cases = [
        (
            "same birth date, a typo in the name",
            input("Lefevbre", "Martine", Some("1958-03-14"), &["rsa"]),
        ),
        (
            "first and last names swapped",
            input("Martine", "Lefèvre", Some("1958-03-14"), &["rsa"]),
        ),
        (
            "same phone, another name",
            PersonInput {
                phone: Some("+33 6 12 34 56 78".into()),
                ..input("Durand", "Paul", None, &["rsa"])
            },
        ),
        ("same name, no birth date", input("LEFEVRE", "martine", None, &["rsa"])),
    ];
    for (description, candidate) in cases {
        let person = NewPerson::parse(&candidate, &catalogue(), d(TODAY)).unwrap();
        let err = beneficiary::add(&mut store, &person, false, &comptoir::operators::Actor::test("test"))
            .expect_err(description);
        let comptoir::Error::LikelyDuplicate(matches) = &err else {
            panic!("{description}: {err}")
        };
        assert_eq!(
            matches.iter().map(|m| m.id).collect::<Vec<_>>(),
            [first],
            "{description}"
        );
        assert!(err.to_string().contains("semble déjà enregistrée"));
        assert_eq!(count(&store, "people"), 1, "{description}: nothing stored");
    }
    // Same birth date, a different person: no warning.
    let other = NewPerson::parse(
        &input("Nguyen", "Thi", Some("1958-03-14"), &["rsa"]),
        &catalogue(),
        d(TODAY),
    )
    .unwrap();
    beneficiary::add(&mut store, &other, false, &comptoir::operators::Actor::test("test")).unwrap();
    // Forced after checking: stored.
    let forced = NewPerson::parse(&input("Lefèvre", "Martine", None, &["rsa"]), &catalogue(), d(TODAY)).unwrap();
    beneficiary::add(&mut store, &forced, true, &comptoir::operators::Actor::test("test")).unwrap();
    assert_eq!(count(&store, "people"), 3);
}

#[test]
fn bad_input_is_refused_with_every_reason_and_nothing_stored() {
    let db = TestDb::new();
    let mut store = db.open();
    let bad = PersonInput {
        phone: Some("12".into()),
        email: Some("pas-un-mail".into()),
        postcode: Some("9200".into()),
        prescriber: Some("voisin".into()),
        ..input("", "Paul3", Some("2026-02-30"), &["rsa", "astronaute"])
    };
    let errors = NewPerson::parse(&bad, &catalogue(), d(TODAY)).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "last_name",
            "first_name",
            "birth_date",
            "phone",
            "email",
            "postcode",
            "prescriber",
            "publics"
        ]
    );
    assert!(errors
        .iter()
        .any(|e| e.message.contains("astronaute") && e.message.contains("rsa")));
    assert!(errors
        .iter()
        .any(|e| e.message.contains("2026-02-30") && e.message.contains("impossible")));
    let future = NewPerson::parse(&input("A", "B", Some("2027-01-01"), &["rsa"]), &catalogue(), d(TODAY)).unwrap_err();
    assert!(future[0].message.contains("futur"));

    let id = add(&mut store, input("Martin", "Lucas", Some("2003-02-17"), &["etudiant"]));
    for (kind, issued, needle) in [
        ("carte_etudiante", "2026-12-01", "futur"),
        ("passeport", "2026-11-01", "passeport"),
        ("carte_etudiante", "31/02/2026", "impossible"),
    ] {
        let err = beneficiary::add_proof(
            &mut store,
            id,
            kind,
            issued,
            &comptoir::operators::Actor::test("amina"),
            &catalogue(),
            d(TODAY),
        )
        .unwrap_err();
        assert!(err.to_string().contains(needle), "{err}");
    }
    assert_eq!(count(&store, "proofs"), 0);
    let err = beneficiary::add_proof(
        &mut store,
        999,
        "carte_etudiante",
        "2026-11-01",
        &comptoir::operators::Actor::test("amina"),
        &catalogue(),
        d(TODAY),
    )
    .unwrap_err();
    assert_eq!(err.code(), "not_found");
}

#[test]
fn eligibility_of_a_stored_person_counts_the_household_and_records_overrides() {
    let db = TestDb::new();
    let mut store = db.open();
    let household = Some("Haddad, 12 rue des Lilas".to_string());
    let karim = add(
        &mut store,
        PersonInput {
            household: household.clone(),
            ..input("Haddad", "Karim", Some("1985-01-09"), &["rsa"])
        },
    );
    let samira = add(
        &mut store,
        PersonInput {
            household,
            ..input("Haddad", "Samira", Some("1987-07-30"), &["rsa"])
        },
    );
    beneficiary::add_proof(
        &mut store,
        karim,
        "attestation_caf",
        "2026-11-12",
        &comptoir::operators::Actor::test("amina"),
        &catalogue(),
        d(TODAY),
    )
    .unwrap();
    let on = d(TODAY);
    let decision = beneficiary::check(&store, &programmes(), karim, on, Some(DeviceKind::Laptop)).unwrap();
    assert_eq!(decision.decision.decision, Verdict::Eligible);
    assert_eq!(decision.decision.programmes, ["defaut"]);

    beneficiary::add_equipment(
        &mut store,
        samira,
        DeviceKind::Laptop,
        "2026-08-24",
        "",
        &comptoir::operators::Actor::test("amina"),
        on,
    )
    .unwrap();
    let decision = beneficiary::check(&store, &programmes(), karim, on, Some(DeviceKind::Laptop)).unwrap();
    assert_eq!(decision.decision.decision, Verdict::NotEligible);
    assert!(decision.decision.reasons.iter().any(|r| r.code == "limit_reached"));

    let err = beneficiary::override_decision(
        &mut store,
        &programmes(),
        karim,
        "defaut",
        "",
        &comptoir::operators::Actor::test("sophie"),
        on,
        Some(DeviceKind::Laptop),
    )
    .unwrap_err();
    assert_eq!(err.code(), "reason_required");
    let after = beneficiary::override_decision(
        &mut store,
        &programmes(),
        karim,
        "defaut",
        "Ordinateur de Samira volé, plainte vue",
        &comptoir::operators::Actor::test("sophie"),
        on,
        Some(DeviceKind::Laptop),
    )
    .unwrap();
    assert_eq!(after.overrides.len(), 1);
    assert_eq!(
        (
            after.overrides[0].operator.as_str(),
            after.overrides[0].overridden.as_str()
        ),
        ("sophie", "not_eligible")
    );
    let err = store
        .sql()
        .execute("DELETE FROM eligibility_overrides", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"));
    // Already eligible: nothing to override.
    let err = beneficiary::override_decision(
        &mut store,
        &programmes(),
        karim,
        "defaut",
        "Pour voir si ça passe",
        &comptoir::operators::Actor::test("sophie"),
        on,
        Some(DeviceKind::Smartphone),
    )
    .unwrap_err();
    assert!(err.to_string().contains("déjà éligible"), "{err}");
}

#[test]
fn merging_moves_proofs_and_publics_and_hides_the_duplicate() {
    let db = TestDb::new();
    let mut store = db.open();
    let keep = add(&mut store, input("Lefèvre", "Martine", Some("1958-03-14"), &["rsa"]));
    let dup = NewPerson::parse(
        &PersonInput {
            phone: Some("0712345678".into()),
            ..input("Lefevre", "Martine", None, &["demandeur_emploi"])
        },
        &catalogue(),
        d(TODAY),
    )
    .unwrap();
    let dup = beneficiary::add(&mut store, &dup, true, &comptoir::operators::Actor::test("test")).unwrap();
    beneficiary::add_proof(
        &mut store,
        dup,
        "attestation_france_travail",
        "2026-11-01",
        &comptoir::operators::Actor::test("amina"),
        &catalogue(),
        d(TODAY),
    )
    .unwrap();
    let err = beneficiary::merge(&mut store, keep, dup, &comptoir::operators::Actor::test("sophie"), " ").unwrap_err();
    assert_eq!(err.code(), "reason_required");
    beneficiary::merge(
        &mut store,
        keep,
        dup,
        &comptoir::operators::Actor::test("sophie"),
        "Même personne, fiche créée deux fois",
    )
    .unwrap();
    let kept = beneficiary::get(&store, keep).unwrap();
    assert_eq!(kept.fields.publics, ["demandeur_emploi", "rsa"]);
    assert_eq!(kept.proofs.len(), 1);
    assert_eq!(kept.fields.phone.as_deref(), Some("0712345678"));
    assert_eq!(beneficiary::search(&store, "lefevre", 10).unwrap().len(), 1);
    let err = beneficiary::check(&store, &programmes(), dup, d(TODAY), None).unwrap_err();
    assert_eq!(err.code(), "merged");
    assert!(err.to_string().contains(&format!("fiche n° {keep}")));
}
