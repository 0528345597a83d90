//! Operators (issue 7): profiles with a PIN, and the manager role enforced by the core for
//! overrides, credit notes, closings, erasure and settings.

use comptoir::centre::{self, CentreInput};
use comptoir::money::Money;
use comptoir::operators::{self, Role};
use comptoir::pos::{self, PaymentMethod};
use comptoir::programme::{LegalCaps, Programme};
use comptoir::{beneficiary, demo, local, privacy};

use crate::TestDb;

#[test]
fn profiles_have_a_pin_and_only_a_manager_may_do_a_managers_acts() {
    let db = TestDb::new();
    let mut store = db.open();
    demo::load(&mut store).unwrap();
    // No profile yet: single-user, everything allowed as before.
    assert!(!operators::any(&store).unwrap());
    operators::require_manager(store.conn(), "quiconque").unwrap();

    let err = operators::add(&mut store, "Amina", Role::Mediator, "1234", "poste").unwrap_err();
    assert!(err.to_string().contains("premier profil"), "{err}");
    let err = operators::add(&mut store, "Sophie", Role::Manager, "12", "poste").unwrap_err();
    assert!(err.to_string().contains("4 à 6 chiffres"), "{err}");
    operators::add(&mut store, "Sophie", Role::Manager, "4821", "poste").unwrap();
    let err = operators::add(&mut store, "Amina", Role::Mediator, "5678", "quelqu'un").unwrap_err();
    assert_eq!(err.code(), "manager_required");
    operators::add(&mut store, "Amina", Role::Mediator, "5678", "Sophie").unwrap();
    assert!(
        operators::add(&mut store, "amina", Role::Mediator, "1111", "Sophie").is_err(),
        "names are unique"
    );

    // The PIN: only its hash is stored; a wrong one is refused.
    let stored: String = store
        .conn()
        .query_row("SELECT pin_hash FROM operators WHERE name = 'Amina'", [], |r| r.get(0))
        .unwrap();
    assert!(stored.starts_with("$argon2") && !stored.contains("5678"));
    assert_eq!(operators::verify(&store, "amina", "5678").unwrap().role, Role::Mediator);
    assert_eq!(
        operators::verify(&store, "Amina", "0000").unwrap_err().code(),
        "wrong_pin"
    );

    // A médiatrice may sell, not override, cancel, close, erase or change the settings.
    let caps = LegalCaps::shipped();
    let programmes = [Programme::shipped_default(&caps)];
    let refused = |e: comptoir::Error| assert_eq!(e.code(), "manager_required", "{e}");
    refused(
        beneficiary::override_decision(
            &mut store,
            &programmes,
            2,
            "defaut",
            "Attestation vue hier",
            "Amina",
            local::today(),
            None,
        )
        .unwrap_err(),
    );
    let receipt = pos::list_sales(&store, 1).unwrap()[0].receipt.clone();
    pos::open_session(&mut store, "Amina", Money::ZERO).unwrap();
    refused(
        pos::cancel_sale(
            &mut store,
            &receipt,
            None,
            "Erreur de saisie",
            PaymentMethod::Cash,
            false,
            "Amina",
        )
        .unwrap_err(),
    );
    refused(pos::close_session(&mut store, "Amina", Default::default(), "").unwrap_err());
    refused(pos::close_period(&mut store, pos::Period::Day, local::today(), "Amina").unwrap_err());
    refused(privacy::erase(&mut store, 4, "Demande écrite", "Amina").unwrap_err());
    refused(centre::save(&mut store, &CentreInput::default(), "Amina").unwrap_err());
    refused(privacy::set_retention_months(&mut store, 12, "Amina").unwrap_err());
    // Sophie may.
    beneficiary::override_decision(
        &mut store,
        &programmes,
        2,
        "defaut",
        "Attestation vue hier",
        "Sophie",
        local::today(),
        None,
    )
    .unwrap();
    pos::cancel_sale(
        &mut store,
        &receipt,
        None,
        "Erreur de saisie",
        PaymentMethod::Cash,
        false,
        "Sophie",
    )
    .unwrap();
    centre::save(&mut store, &CentreInput::default(), "Sophie").unwrap();

    // Never the last manager disabled; a disabled profile cannot switch in.
    assert!(operators::disable(&mut store, "Sophie", "Sophie").is_err());
    operators::disable(&mut store, "Amina", "Sophie").unwrap();
    assert_eq!(
        operators::verify(&store, "Amina", "5678").unwrap_err().code(),
        "disabled"
    );
    let names: Vec<(String, bool)> = operators::list(&store)
        .unwrap()
        .into_iter()
        .map(|o| (o.name, o.active))
        .collect();
    assert_eq!(names, [("Sophie".to_string(), true), ("Amina".to_string(), false)]);
}

#[test]
fn the_first_run_creates_the_centre_its_manager_and_its_programme_or_nothing() {
    use comptoir::setup::{self, FirstRun};
    let db = TestDb::new();
    let mut store = db.open();
    let folder = db.dir.path().join("programmes");
    assert!(setup::needed(&store).unwrap());
    let input = FirstRun {
        centre: CentreInput {
            name: "Centre social des Lilas".into(),
            siret: "732 829 320 00075".into(),
            ..CentreInput::default()
        },
        manager: "Sophie".into(),
        pin: "4821".into(),
        programme: None,
    };
    // A bad SIRET, a short PIN, a bad programme file: refused, nothing written.
    assert!(setup::first_run(&mut store, &folder, &input)
        .unwrap_err()
        .to_string()
        .contains("clé de contrôle"));
    let mut short = input.clone();
    short.centre.siret = "73282932000074".into();
    short.pin = "12".into();
    assert!(setup::first_run(&mut store, &folder, &short).is_err());
    let mut bad_file = short.clone();
    bad_file.pin = "4821".into();
    bad_file.programme = Some(("ville.toml".into(), "id = \"x\"\n".into()));
    assert!(setup::first_run(&mut store, &folder, &bad_file).is_err());
    assert!(!folder.exists() && !operators::any(&store).unwrap() && centre::load(&store).unwrap().name.is_none());

    let mut ok = bad_file.clone();
    ok.programme = None;
    let programme = setup::first_run(&mut store, &folder, &ok).unwrap();
    assert_eq!(programme.id, "programme-centre");
    assert_eq!(programme.funder, "Centre social des Lilas");
    assert!(folder.join("programme-centre.toml").is_file());
    assert_eq!(operators::verify(&store, "Sophie", "4821").unwrap().role, Role::Manager);
    assert_eq!(
        centre::load(&store).unwrap().name.as_deref(),
        Some("Centre social des Lilas")
    );
    assert!(!setup::needed(&store).unwrap());
    assert!(setup::first_run(&mut store, &folder, &ok).is_err(), "once");
    let all = comptoir::programme::load_all(Some(&folder), &LegalCaps::shipped()).unwrap();
    assert!(all.iter().any(|p| p.id == "programme-centre"));
}
