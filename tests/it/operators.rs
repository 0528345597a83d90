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
    demo::load(&mut store, &comptoir::operators::Actor::test("test")).unwrap();
    // No profile yet: single-user, everything allowed as before.
    assert!(!operators::any(&store).unwrap());
    let poste = operators::single_user(&store, "poste").unwrap();
    operators::require_manager(store.db(), &poste).unwrap();

    let err = operators::add(&mut store, "Amina", Role::Mediator, "1234", &poste).unwrap_err();
    assert!(err.to_string().contains("premier profil"), "{err}");
    let err = operators::add(&mut store, "Sophie", Role::Manager, "12", &poste).unwrap_err();
    assert!(err.to_string().contains("4 à 6 chiffres"), "{err}");
    operators::add(&mut store, "Sophie", Role::Manager, "4821", &poste).unwrap();
    // Profiles exist: the single user's turn is over, a name alone proves nothing (issue 14).
    assert_eq!(
        operators::single_user(&store, "Sophie").unwrap_err().code(),
        "profile_required"
    );
    let err = operators::add(&mut store, "Amina", Role::Mediator, "5678", &poste).unwrap_err();
    assert_eq!(err.code(), "profile_required");
    let sophie = operators::sign_in(&mut store, "sophie", "4821").unwrap();
    operators::add(&mut store, "Amina", Role::Mediator, "5678", &sophie).unwrap();
    assert!(
        operators::add(&mut store, "amina", Role::Mediator, "1111", &sophie).is_err(),
        "names are unique"
    );

    // The PIN: only its hash is stored; a wrong one is refused.
    let stored: String = store
        .sql()
        .query_row("SELECT pin_hash FROM operators WHERE name = 'Amina'", [], |r| r.get(0))
        .unwrap();
    assert!(stored.starts_with("$argon2") && !stored.contains("5678"));
    let amina = operators::sign_in(&mut store, "amina", "5678").unwrap();
    assert_eq!(amina.role(), Some(Role::Mediator));
    assert_eq!(
        operators::sign_in(&mut store, "Amina", "0000").unwrap_err().code(),
        "wrong_pin"
    );

    // A médiatrice may sell, not override, cancel, correct a line, close, erase or change the
    // settings.
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
            &amina,
            local::today(),
            None,
        )
        .unwrap_err(),
    );
    let receipt = pos::list_sales(&store, 1).unwrap()[0].receipt.clone();
    pos::open_session(&mut store, &amina, Money::ZERO).unwrap();
    refused(
        pos::cancel_sale(
            &mut store,
            &receipt,
            None,
            "Erreur de saisie",
            PaymentMethod::Cash,
            false,
            &amina,
        )
        .unwrap_err(),
    );
    refused(pos::correct_line(&mut store, &receipt, 1, "EC-24-0003", "Étiquette mal scannée", &amina).unwrap_err());
    refused(pos::declare_restore(&mut store, &amina).unwrap_err());
    refused(pos::close_session(&mut store, &amina, Default::default(), "").unwrap_err());
    refused(
        pos::close_period(
            &mut store,
            pos::Period::Day,
            local::today(),
            local::today() + chrono::Duration::days(1),
            &amina,
        )
        .unwrap_err(),
    );
    refused(privacy::erase(&mut store, 4, "Demande écrite", &amina).unwrap_err());
    refused(centre::save(&mut store, &CentreInput::default(), &amina).unwrap_err());
    refused(privacy::set_retention_months(&mut store, 12, &amina).unwrap_err());
    // Sophie may.
    beneficiary::override_decision(
        &mut store,
        &programmes,
        2,
        "defaut",
        "Attestation vue hier",
        &sophie,
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
        &sophie,
    )
    .unwrap();
    // The settings (the tax status kept: it never changes while a permanence is open).
    let kept = CentreInput {
        tax_status: "exoneree".into(),
        ..CentreInput::default()
    };
    centre::save(&mut store, &kept, &sophie).unwrap();

    // Never the last manager disabled; a disabled profile cannot switch in.
    assert!(operators::disable(&mut store, "Sophie", &sophie).is_err());
    operators::disable(&mut store, "Amina", &sophie).unwrap();
    assert_eq!(
        operators::sign_in(&mut store, "Amina", "5678").unwrap_err().code(),
        "disabled"
    );
    // An actor made before the profile was disabled can no longer act.
    assert_eq!(
        pos::open_session(&mut store, &amina, Money::ZERO).unwrap_err().code(),
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
        centre_code: None,
        register_code: Some("r2".into()),
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

    // A register code that is not one: refused before anything is written.
    let mut bad_code = bad_file.clone();
    bad_code.programme = None;
    bad_code.register_code = Some("poste n°2".into());
    let err = setup::first_run(&mut store, &folder, &bad_code).unwrap_err();
    assert!(err.to_string().contains("1 à 8 lettres ou chiffres"), "{err}");
    assert!(!folder.exists() && !operators::any(&store).unwrap());

    // No tax status: refused, by its field.
    let mut no_status = bad_file.clone();
    no_status.programme = None;
    let err = setup::first_run(&mut store, &folder, &no_status).unwrap_err();
    assert!(err.to_string().contains("régime de TVA"), "{err}");
    assert!(!operators::any(&store).unwrap());

    let mut ok = no_status.clone();
    ok.centre.tax_status = "exoneree".into();
    let programme = setup::first_run(&mut store, &folder, &ok).unwrap();
    assert_eq!(programme.id, "programme-centre");
    assert_eq!(programme.funder, "Centre social des Lilas");
    assert!(folder.join("programme-centre.toml").is_file());
    assert_eq!(
        operators::sign_in(&mut store, "Sophie", "4821").unwrap().role(),
        Some(Role::Manager)
    );
    assert_eq!(
        centre::load(&store).unwrap().name.as_deref(),
        Some("Centre social des Lilas")
    );
    assert!(!setup::needed(&store).unwrap());
    assert_eq!(
        centre::load(&store).unwrap().tax_status,
        Some(comptoir::tax::TaxStatus::Exempt)
    );
    assert_eq!(
        comptoir::pos::register_identity(&store).unwrap(),
        ("C01".to_string(), "R2".to_string()),
        "the register code of the first-run form"
    );
    assert!(setup::first_run(&mut store, &folder, &ok).is_err(), "once");
    let all = comptoir::programme::load_all(Some(&folder), &LegalCaps::shipped()).unwrap();
    assert!(all.iter().any(|p| p.id == "programme-centre"));
}

#[test]
fn five_wrong_pins_in_a_row_lock_the_profile_for_five_minutes_and_a_manager_resets_it() {
    let db = TestDb::new();
    let mut store = db.open();
    let poste = operators::single_user(&store, "poste").unwrap();
    operators::add(&mut store, "Sophie", Role::Manager, "4821", &poste).unwrap();
    let sophie = operators::sign_in(&mut store, "Sophie", "4821").unwrap();
    operators::add(&mut store, "Amina", Role::Mediator, "5678", &sophie).unwrap();
    let now = chrono::Utc::now();
    for left in (1..=4).rev() {
        let err = operators::sign_in_at(&mut store, "Amina", "0000", now).unwrap_err();
        assert_eq!(err.code(), "wrong_pin");
        assert!(err.to_string().contains(&format!("encore {left} essai")), "{err}");
    }
    let fifth = operators::sign_in_at(&mut store, "Amina", "0000", now).unwrap_err();
    assert_eq!(fifth.code(), "profile_locked");
    assert!(fifth.to_string().contains("bloqué jusqu'à"), "{fifth}");
    // Locked: even the right PIN is refused, and says until when; the count is in the database,
    // so another process (the command line) sees the same lock.
    let reopened = &mut db.open();
    let locked = operators::sign_in_at(reopened, "Amina", "5678", now + chrono::Duration::minutes(4)).unwrap_err();
    assert_eq!(locked.code(), "profile_locked");
    assert!(locked.to_string().contains("réinitialiser"), "{locked}");
    // Five minutes later the right PIN works, and the count starts again.
    let later = now + chrono::Duration::minutes(5) + chrono::Duration::seconds(1);
    operators::sign_in_at(reopened, "Amina", "5678", later).unwrap();
    let again = operators::sign_in_at(reopened, "Amina", "1111", later).unwrap_err();
    assert!(again.to_string().contains("encore 4 essais"), "{again}");

    // A right PIN in between resets the count (one wrong above, three more here).
    for _ in 0..3 {
        let _ = operators::sign_in_at(&mut store, "Amina", "0000", later);
    }
    operators::sign_in_at(&mut store, "Amina", "5678", later).unwrap();
    let fresh = operators::sign_in_at(&mut store, "Amina", "0000", later).unwrap_err();
    assert!(fresh.to_string().contains("encore 4 essais"), "{fresh}");

    // Locked again, then a manager gives a new PIN: the lock goes.
    for _ in 0..5 {
        let _ = operators::sign_in_at(&mut store, "Amina", "0000", later);
    }
    let amina_err = operators::sign_in_at(&mut store, "Amina", "5678", later).unwrap_err();
    assert_eq!(amina_err.code(), "profile_locked");
    let amina_locked_out = operators::reset_pin(&mut store, "Amina", "2468", &poste).unwrap_err();
    assert_eq!(
        amina_locked_out.code(),
        "profile_required",
        "a name alone resets nothing"
    );
    operators::reset_pin(&mut store, "Amina", "2468", &sophie).unwrap();
    let amina = operators::sign_in_at(&mut store, "Amina", "2468", later).unwrap();
    assert_eq!(amina.name(), "Amina");
    // A médiatrice cannot reset a PIN.
    assert_eq!(
        operators::reset_pin(&mut store, "Sophie", "1357", &amina)
            .unwrap_err()
            .code(),
        "manager_required"
    );
}

#[test]
fn the_window_is_refused_acts_while_locked_and_locks_itself_when_idle() {
    use comptoir::desk::Attendance;
    use std::time::{Duration, Instant};
    let db = TestDb::new();
    let mut store = db.open();
    // No profile: the OS user acts, nothing to unlock.
    let attendance = Attendance::new(&store, "poste").unwrap();
    assert_eq!(attendance.actor(&store).unwrap().name(), "poste");
    let poste = operators::single_user(&store, "poste").unwrap();
    operators::add(&mut store, "Sophie", Role::Manager, "4821", &poste).unwrap();
    // A profile now exists: the single user may no longer act through the window.
    assert_eq!(attendance.actor(&store).unwrap_err().code(), "desk_locked");
    assert!(attendance.presence(&store).unwrap().locked);
    // A wrong PIN does not unlock; the right one does.
    assert_eq!(
        attendance.switch(&mut store, "Sophie", "0000").unwrap_err().code(),
        "wrong_pin"
    );
    let start = Instant::now();
    attendance.switch(&mut store, "Sophie", "4821").unwrap();
    assert_eq!(attendance.actor_at(&store, start).unwrap().name(), "Sophie");
    // Activity keeps it open; ten idle minutes lock it (the default), in the core.
    attendance.touch_at(start + Duration::from_secs(9 * 60));
    attendance
        .actor_at(&store, start + Duration::from_secs(18 * 60))
        .unwrap();
    let err = attendance
        .actor_at(&store, start + Duration::from_secs(28 * 60 + 1))
        .unwrap_err();
    assert_eq!(err.code(), "desk_locked");
    assert!(err.to_string().contains("10 minute"), "{err}");
    // Once locked it stays locked, activity or not, until a PIN.
    attendance.touch_at(start + Duration::from_secs(29 * 60));
    assert!(attendance
        .actor_at(&store, start + Duration::from_secs(29 * 60))
        .is_err());
    // The idle time is a manager's setting, between 1 and 120 minutes.
    let sophie = operators::sign_in(&mut store, "Sophie", "4821").unwrap();
    assert!(comptoir::desk::set_idle_minutes(&mut store, 0, &sophie).is_err());
    comptoir::desk::set_idle_minutes(&mut store, 3, &sophie).unwrap();
    assert_eq!(comptoir::desk::idle_minutes(&store).unwrap(), 3);
    assert_eq!(
        Attendance::new(&store, "poste")
            .unwrap()
            .presence(&store)
            .unwrap()
            .idle_minutes,
        3
    );
}
