//! Issue 16 on a real file: what the window shows is computed by the core and exactly true —
//! the cart quoted, a proof not accepted named, a verdict per kind, cancelled equipment marked,
//! the programme's name on the receipt, failures tied to their field.

use uuid::Uuid;

use comptoir::desk::people::{self, Catalogue};
use comptoir::desk::pos::{self, DeviceRequest, PaymentMethod, SaleInput, SalePayment, SaleRequest};
use comptoir::desk::{Code, Failure, Money};
use comptoir::operators::Actor;
use comptoir::pos::{DeviceInput, ItemInput, PaymentInput};
use comptoir::programme::{LegalCaps, Programme};
use comptoir::{demo, Store};

use crate::{comptoir, json, refusal, TestDb};

const MARTINE: i64 = 1; // eligible (RSA, recent CAF attestation)
const LAPTOP: &str = "EC-24-0003"; // available

fn setup() -> (TestDb, Store, Vec<Programme>, LegalCaps) {
    let db = TestDb::new();
    let mut store = db.open();
    demo::load(&mut store, &Actor::test("test")).unwrap();
    let caps = LegalCaps::shipped();
    (db, store, vec![Programme::shipped_default(&caps)], caps)
}

fn cart(price: &str, items: Vec<ItemInput>, payments: &[(&str, &str)]) -> SaleInput {
    SaleInput {
        reserved_override: None,
        records_override: None,
        uuid: Uuid::now_v7().to_string(),
        person_id: Some(MARTINE),
        programme: Some("defaut".into()),
        devices: vec![DeviceInput {
            tag: LAPTOP.into(),
            price: Some(price.into()),
        }],
        items,
        payments: payments
            .iter()
            .map(|(method, amount)| PaymentInput {
                method: (*method).into(),
                amount: (*amount).into(),
                reference: None,
            })
            .collect(),
    }
}

#[test]
fn the_core_quotes_the_cart_the_window_shows() {
    let (_db, store, programmes, caps) = setup();
    let sims = ItemInput {
        kind: "sim_card".into(),
        quantity: "2".into(),
        unit_price: Some("5".into()),
    };
    let q = pos::quote_cart(&store, &programmes, &caps, &cart("80", vec![sims], &[("cash", "100")])).unwrap();
    assert_eq!(q.lines.len(), 2);
    assert_eq!(q.lines[0].band_text, "60,00 € à 120,00 €");
    assert_eq!(q.lines[0].label, "EC-24-0003 — Dell Latitude E7470");
    assert_eq!(q.lines[1].total.as_ref().unwrap().text, "10,00 €");
    assert_eq!(q.total.as_ref().unwrap().cents, 9000);
    assert_eq!(q.change.as_ref().unwrap().text, "10,00 €");
    assert_eq!(q.summary, "Total 90,00 € · payé 100,00 € · à rendre 10,00 €");
    assert!(q.problems.is_empty(), "{:?}", q.problems);

    // Change is never given on a card: what is over is not change, and what is short is said.
    let short = pos::quote_cart(&store, &programmes, &caps, &cart("80", vec![], &[("card", "50")])).unwrap();
    assert_eq!(short.change, None);
    assert_eq!(short.summary, "Total 80,00 € · payé 50,00 € · reste 30,00 €");

    // A price or an amount that is not money, a quantity that is not a count: each problem
    // names its field, and no total is invented.
    let bad_qty = ItemInput {
        kind: "sim_card".into(),
        quantity: "deux".into(),
        unit_price: None,
    };
    let bad = pos::quote_cart(
        &store,
        &programmes,
        &caps,
        &cart("80 euros", vec![bad_qty], &[("cash", "1O0")]),
    )
    .unwrap();
    let fields: Vec<&str> = bad.problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["devices.0.price", "items.0.quantity", "payments.0.amount"]);
    assert_eq!(bad.total, None);
    assert!(bad.summary.contains("n'est pas un montant"), "{}", bad.summary);
    // The prefilled price is the band's low end, as a person types it.
    let quote = pos::quote(&store, &programmes, &caps, LAPTOP, Some("defaut")).unwrap();
    assert_eq!(quote.price_input, "60,00");
}

#[test]
fn a_failure_names_its_fields_for_the_window_and_for_json() {
    let db = TestDb::new();
    // The centre's settings with a wrong SIRET and a wrong phone, on the command line.
    let out = comptoir(
        &db,
        &[
            "centre",
            "set",
            "--siret",
            "732 829 320 00075",
            "--help-phone",
            "01 23",
            "--json",
        ],
    );
    assert!(!out.status.success());
    let error = refusal(&out)["error"].clone();
    assert_eq!(error["code"], "invalid", "{error}");
    let fields: Vec<&str> = error["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["siret", "help_phone"], "{error}");
    // The codes are the enum's, as the window's TypeScript names them.
    let code: Code = serde_json::from_value(error["code"].clone()).unwrap();
    assert_eq!(code, Code::Invalid);
    let failure = Failure::new(Code::WrongPin, "x");
    assert_eq!(serde_json::to_value(&failure).unwrap()["code"], "wrong_pin");
}

#[test]
fn equipment_from_a_cancelled_sale_is_shown_cancelled_with_its_credit_note() {
    let (db, mut store, programmes, caps) = setup();
    let amina = Actor::test("amina");
    pos::open_session(&mut store, &amina, Money::from_euros(20)).unwrap();
    let sale = pos::create_sale(
        &mut store,
        &programmes,
        &caps,
        &SaleRequest {
            reserved_override: None,
            records_override: None,
            uuid: Uuid::now_v7(),
            person_id: Some(MARTINE),
            programme: Some("defaut".into()),
            devices: vec![DeviceRequest {
                tag: LAPTOP.into(),
                price: Some(Money::from_euros(80)),
            }],
            items: vec![],
            payments: vec![SalePayment {
                method: PaymentMethod::Cash,
                amount: Money::from_euros(80),
                reference: None,
            }],
        },
        &amina,
    )
    .unwrap();
    // Asked with no kind, the decision is given kind by kind: the laptop just bought bars a
    // second one (the household limit), said with its date.
    let decided = people::check(&store, &programmes, MARTINE, comptoir::local::today(), None).unwrap();
    let laptop = &decided.decision.by_kind[0];
    assert_eq!(laptop.kind_label, "Ordinateur portable");
    assert_eq!(laptop.verdict, comptoir::eligibility::Verdict::NotEligible);
    assert_eq!(laptop.reasons[0].code, comptoir::eligibility::ReasonCode::LimitReached);
    // The headline is true for every kind: eligible for the others (issue 32).
    assert!(
        decided
            .label
            .starts_with("Éligible, sauf ordinateur portable jusqu'au "),
        "{}",
        decided.label
    );
    assert!(decided
        .decision
        .reasons
        .iter()
        .all(|r| !r.message.starts_with("Pour information")));
    let note = pos::cancel_sale(
        &mut store,
        &sale.receipt,
        None,
        "Écran cassé à la livraison",
        PaymentMethod::Cash,
        true,
        &amina,
    )
    .unwrap();
    let page = people::page(people::get(&store, MARTINE).unwrap(), &Catalogue::of(&programmes));
    let line = page
        .equipment_lines
        .iter()
        .find(|l| l.text.contains(&sale.receipt))
        .expect("the sale's equipment");
    assert_eq!(line.cancelled_by.as_deref(), Some(note.number.as_str()));
    assert!(
        line.text.contains(&format!("annulé par l'avoir {}", note.number)),
        "{}",
        line.text
    );
    // The command line says the same.
    drop(store);
    let shown = comptoir(&db, &["beneficiary", "show", "1"]);
    let text = String::from_utf8_lossy(&shown.stdout);
    assert!(text.contains(&format!("annulé par l'avoir {}", note.number)), "{text}");
    // The cancelled laptop no longer counts: eligible again, in the JSON by kind too.
    let checked = json(&comptoir(&db, &["eligibility", "check", "1", "--json"]));
    assert_eq!(checked["by_kind"][0]["kind"], "laptop", "{checked}");
    assert_eq!(checked["by_kind"][0]["verdict"], "eligible", "{checked}");
    assert_eq!(checked["decision"], "eligible");
}

#[test]
fn the_receipt_names_the_programme_not_its_code() {
    let (db, mut store, programmes, caps) = setup();
    let amina = Actor::test("amina");
    pos::open_session(&mut store, &amina, Money::from_euros(20)).unwrap();
    let input = cart("80", vec![], &[("cash", "80")]);
    let request = SaleRequest::try_from(input).unwrap();
    let sale = pos::create_sale(&mut store, &programmes, &caps, &request, &amina).unwrap();
    assert_eq!(sale.programme_name.as_deref(), Some(programmes[0].name.as_str()));
    assert_eq!(
        pos::sale(&store, &sale.receipt).unwrap().programme_name,
        sale.programme_name
    );
    // The day's closing totals by programme: printed with the programme's name.
    let today = comptoir::local::today();
    let closing = pos::close_period(
        &mut store,
        pos::Period::Day,
        today,
        today.succ_opt().unwrap(),
        &Actor::test("sophie"),
    )
    .unwrap();
    assert!(
        closing.by_programme.contains_key("defaut"),
        "kept by code: {:?}",
        closing.by_programme
    );
    let doc = comptoir::documents::closing(&mut store, &closing.key, &Actor::test("sophie")).unwrap();
    let pdf = doc.save_in(&db.dir.path().join("documents")).unwrap();
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains(&programmes[0].name), "{text}");
    drop(store);
    let out = comptoir(&db, &["document", "receipt", &sale.receipt, "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pdf = json(&out)["path"].as_str().unwrap().to_string();
    let text = std::process::Command::new("pdftotext")
        .args([&pdf, "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains(&programmes[0].name), "{text}");
    assert!(!text.contains("Programme : defaut"), "{text}");
}
