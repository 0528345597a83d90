//! Where each device came from (issue 19): provenance from a delivery file's new columns (every
//! bad cell named, nothing imported), shown with the device; who may buy a device its donor
//! reserved for some publics (refused, or a manager's written reason, journaled).

use uuid::Uuid;

use comptoir::money::Money;
use comptoir::operators::Actor;
use comptoir::pos::{self, DeviceRequest, PaymentMethod, SalePayment, SaleRequest};
use comptoir::programme::{LegalCaps, Programme};
use comptoir::provenance::DonorKind;
use comptoir::{beneficiary, delivery, demo, journal, stock, Store};

use crate::TestDb;

const MARTINE: i64 = 1;

const DELIVERY: &str = "tag;kind;category;brand;model;provenance;donateur;convention;publics_reserves;prix_acquisition
LC-PRV-0001;laptop;B;Lenovo;ThinkPad T480;Collectivité;Conseil départemental du Val-de-Marne;CD94-2026-017;;
LC-PRV-0002;laptop;B;Dell;Latitude 5490;public;Ville de Créteil;;zz_aucun_public;
LC-PRV-0003;laptop;A;HP;EliteBook 840;achat;Atelier solidaire;;;45,50
";

fn centre() -> (TestDb, Store) {
    let db = TestDb::new();
    let mut store = db.open();
    let test = Actor::test("test");
    demo::load(&mut store, &test).unwrap();
    delivery::import(&mut store, DELIVERY.as_bytes(), "livraison-provenance.csv", &test).unwrap();
    crate::put_on_sale(&mut store, &["LC-PRV-0001", "LC-PRV-0002", "LC-PRV-0003"], "test");
    (db, store)
}

fn sell(store: &mut Store, tag: &str, reason: Option<&str>, actor: &Actor) -> comptoir::Result<String> {
    let caps = LegalCaps::shipped();
    if pos::current_session(store)?.is_none() {
        pos::open_session(store, actor, Money::ZERO)?;
    }
    let request = SaleRequest {
        reserved_override: reason.map(str::to_string),
        ..SaleRequest::one_device_in_cash(MARTINE, "defaut", tag, 80)
    };
    Ok(pos::create_sale(store, &[Programme::shipped_default(&caps)], &caps, &request, actor)?.receipt)
}

#[test]
fn a_delivery_file_brings_each_devices_provenance_and_shows_it() {
    let (_db, store) = centre();
    let public = stock::detail(&store, "LC-PRV-0001").unwrap();
    let p = public.device.provenance.clone().unwrap();
    assert_eq!(p.kind, DonorKind::Public);
    assert_eq!(p.convention.as_deref(), Some("CD94-2026-017"));
    assert_eq!(p.acquisition, Money::ZERO, "a gift");
    let facts: Vec<String> = public
        .device
        .facts()
        .iter()
        .map(|f| format!("{} : {}", f.label, f.value))
        .collect();
    assert!(
        facts.contains(
            &"Provenance : Public — Conseil départemental du Val-de-Marne (convention CD94-2026-017)".to_string()
        ),
        "{facts:?}"
    );
    let bought = stock::detail(&store, "LC-PRV-0003").unwrap().device.provenance.unwrap();
    assert_eq!(
        (bought.kind, bought.acquisition),
        (DonorKind::Purchase, Money::from_cents(4550))
    );
    // A device entered before provenance was recorded: unknown, said so.
    let demo_device = stock::list(&store, &Default::default())
        .unwrap()
        .into_iter()
        .find(|d| d.tag.as_str().starts_with("EC-"))
        .unwrap();
    assert!(demo_device.provenance.is_none());
    assert!(demo_device.facts().iter().any(|f| f.value.starts_with("inconnue")));
}

#[test]
fn a_misspelt_provenance_refuses_the_whole_file_naming_line_and_column() {
    let db = TestDb::new();
    let mut store = db.open();
    let bad = "tag;kind;category;brand;model;provenance;donateur;publics_reserves;prix_acquisition
LC-BAD-0001;laptop;B;Lenovo;T480;mairie;;;
LC-BAD-0002;laptop;B;Lenovo;T480;achat;;;
LC-BAD-0003;laptop;B;Lenovo;T480;;CD 94;;
LC-BAD-0004;laptop;B;Lenovo;T480;public;;r$a;-3
";
    let err = delivery::import(&mut store, bad.as_bytes(), "mauvaise.csv", &Actor::test("test")).unwrap_err();
    let text = err.to_string();
    for (line, column) in [
        (2, "donor_kind"),
        (3, "acquisition_price"),
        (4, "donor_kind"),
        (5, "reserved_publics"),
        (5, "acquisition_price"),
    ] {
        assert!(
            text.contains(&format!("ligne {line}")) && text.contains(column),
            "{line} {column}: {text}"
        );
    }
    assert!(
        stock::list(&store, &Default::default()).unwrap().is_empty(),
        "nothing imported"
    );
}

#[test]
fn a_device_reserved_for_other_publics_needs_a_managers_written_reason() {
    let (db, mut store) = centre();
    let amina = Actor::test("Amina");
    // Martine is eligible; the donor reserved LC-PRV-0002 for a public she is not in.
    let caps = LegalCaps::shipped();
    let decided = beneficiary::check(
        &store,
        &[Programme::shipped_default(&caps)],
        MARTINE,
        comptoir::local::today(),
        Some(comptoir::device::DeviceKind::Laptop),
    )
    .unwrap();
    assert_eq!(decided.decision.decision, comptoir::eligibility::Verdict::Eligible);
    let err = sell(&mut store, "LC-PRV-0002", None, &amina).unwrap_err();
    assert_eq!(err.code(), "not_eligible", "{err}");
    let told = err.to_string();
    assert!(
        told.contains("Ville de Créteil") && told.contains("zz_aucun_public"),
        "{told}"
    );
    // A reason too short is refused; a manager's reason sells it, journaled with the sale.
    let err = sell(&mut store, "LC-PRV-0002", Some("ok"), &amina).unwrap_err();
    assert_eq!(err.code(), "reason_required", "{err}");
    let receipt = sell(
        &mut store,
        "LC-PRV-0002",
        Some("Convention élargie par courrier du 2 décembre"),
        &amina,
    )
    .unwrap();
    let entry = journal::list(&store, &Default::default())
        .unwrap()
        .entries
        .into_iter()
        .find(|e| e.kind == "sale" && e.content["receipt"] == receipt.as_str())
        .unwrap();
    assert_eq!(
        entry.content["eligibility"]["reserved_override"],
        "Convention élargie par courrier du 2 décembre"
    );
    let _ = db;
    // A public device with no reservation: an eligible buyer is enough (another centre: one
    // laptop a year for Martine).
    let (_db, mut other) = centre();
    assert!(sell(&mut other, "LC-PRV-0001", None, &amina).is_ok());
}

#[test]
fn a_mediator_cannot_write_the_reason_of_a_reserved_device() {
    let (_db, mut store) = centre();
    let sophie = comptoir::operators::add(
        &mut store,
        "Sophie",
        comptoir::operators::Role::Manager,
        "4821",
        &Actor::test("test"),
    )
    .map(|_| comptoir::operators::sign_in(&mut store, "Sophie", "4821").unwrap());
    let sophie = sophie.unwrap();
    comptoir::operators::add(
        &mut store,
        "Amina",
        comptoir::operators::Role::Mediator,
        "5678",
        &sophie,
    )
    .unwrap();
    let amina = comptoir::operators::sign_in(&mut store, "Amina", "5678").unwrap();
    pos::open_session(&mut store, &sophie, Money::ZERO).unwrap();
    let err = sell(&mut store, "LC-PRV-0002", Some("Je pense que ça va"), &amina).unwrap_err();
    assert_eq!(err.code(), "manager_required", "{err}");
    assert!(sell(
        &mut store,
        "LC-PRV-0002",
        Some("Convention élargie par courrier"),
        &sophie
    )
    .is_ok());
}

/// Issue 19, part 2: a desktop sold with a screen is one « PC fixe avec écran, clavier et
/// souris » under the desktop's 150 € cap, not 150 € + 30 €.
#[test]
fn a_desktop_with_its_screen_stays_under_the_desktops_cap_together() {
    let (_db, mut store) = centre();
    let test = Actor::test("test");
    let set = "tag;kind;category;brand;model
LC-SET-0001;desktop;B;Dell;OptiPlex 7060
LC-SET-0002;screen;;Dell;P2219H
";
    delivery::import(&mut store, set.as_bytes(), "ensemble.csv", &test).unwrap();
    crate::put_on_sale(&mut store, &["LC-SET-0001", "LC-SET-0002"], "test");
    pos::open_session(&mut store, &test, Money::ZERO).unwrap();
    let caps = LegalCaps::shipped();
    let request = |desktop: i64, screen: i64| SaleRequest {
        reserved_override: None,
        records_override: None,
        uuid: Uuid::now_v7(),
        person_id: Some(MARTINE),
        programme: Some("defaut".into()),
        devices: vec![
            DeviceRequest {
                tag: "LC-SET-0001".into(),
                price: Some(Money::from_euros(desktop)),
            },
            DeviceRequest {
                tag: "LC-SET-0002".into(),
                price: Some(Money::from_euros(screen)),
            },
        ],
        items: vec![],
        payments: vec![SalePayment {
            method: PaymentMethod::Cash,
            amount: Money::from_euros(desktop + screen),
            reference: None,
        }],
    };
    let programmes = [Programme::shipped_default(&caps)];
    // Each under its own cap (130 € ≤ 150 €, 30 € ≤ 30 €), but 160 € together.
    let err = pos::create_sale(&mut store, &programmes, &caps, &request(130, 30), &test).unwrap_err();
    assert_eq!(err.code(), "above_legal_cap", "{err}");
    assert!(
        err.to_string().contains("PC fixe avec écran, clavier et souris"),
        "{err}"
    );
    assert!(
        err.to_string().contains("160,00 €") && err.to_string().contains("150,00 €"),
        "{err}"
    );
    let sold = pos::create_sale(&mut store, &programmes, &caps, &request(120, 30), &test).unwrap();
    assert_eq!(sold.total, Money::from_euros(150));
}

/// Under the margin scheme, a purchased device's margin is its price minus its acquisition
/// price (issue 22 with issue 19's provenance): 80 € − 45,50 € = 34,50 €, VAT in it 5,75 €.
#[test]
fn under_the_margin_scheme_a_purchased_device_is_taxed_on_its_margin() {
    let (_db, mut store) = centre();
    let test = Actor::test("test");
    let mut input = comptoir::centre::CentreInput::from(&comptoir::centre::load(&store).unwrap());
    input.tax_status = "marge".into();
    comptoir::centre::save(&mut store, &input, &test).unwrap();
    let receipt = sell(&mut store, "LC-PRV-0003", None, &test).unwrap();
    let sale = pos::sale(&store, &receipt).unwrap();
    assert_eq!(sale.lines[0].margin, Some(Money::from_cents(3450)));
    assert_eq!(sale.lines[0].vat, Some(Money::from_cents(575)));
    // A gift's margin is its whole price.
    let (_db, mut other) = centre();
    comptoir::centre::save(&mut other, &input, &test).unwrap();
    let gift = sell(&mut other, "LC-PRV-0001", None, &test).unwrap();
    assert_eq!(
        pos::sale(&other, &gift).unwrap().lines[0].margin,
        Some(Money::from_euros(80))
    );
}
