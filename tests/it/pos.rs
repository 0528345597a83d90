//! The point of sale on a real file (issue 4): permanences, sales, credit notes, the journal.

use std::collections::BTreeMap;

use uuid::Uuid;

use comptoir::device::DeviceState;
use comptoir::money::Money;
use comptoir::pos::{self, DeviceRequest, ItemRequest, PaymentMethod, SalePayment, SaleRequest};
use comptoir::programme::{LegalCaps, Programme};
use comptoir::{beneficiary, demo, journal, stock, Store};

use crate::{snapshot, TestDb};

const MARTINE: i64 = 1; // eligible (RSA, recent CAF attestation)
const FRANCOIS: i64 = 2; // not eligible (France Travail attestation too old)
const LAPTOP_C: &str = "EC-24-0003"; // available
const LAPTOP_A: &str = "EC-24-0004"; // available
const DEFECTIVE: &str = "EC-24-0007";

fn setup() -> (TestDb, Store, Vec<Programme>, LegalCaps) {
    let db = TestDb::new();
    let mut store = db.open();
    demo::load(&mut store, &comptoir::operators::Actor::test("test")).unwrap();
    let caps = LegalCaps::shipped();
    (db, store, vec![Programme::shipped_default(&caps)], caps)
}

fn cash(euros: i64) -> SalePayment {
    SalePayment {
        method: PaymentMethod::Cash,
        amount: Money::from_euros(euros),
        reference: None,
    }
}

fn laptop_sale(person: i64, tag: &str, price: i64, payments: Vec<SalePayment>) -> SaleRequest {
    SaleRequest {
        reserved_override: None,
        records_override: None,
        uuid: Uuid::now_v7(),
        person_id: Some(person),
        programme: Some("defaut".into()),
        devices: vec![DeviceRequest {
            tag: tag.into(),
            price: Some(Money::from_euros(price)),
        }],
        items: vec![],
        payments,
    }
}

/// SIM cards at 5 € each, paid by card, with no person.
fn sim_sale(quantity: u32) -> SaleRequest {
    SaleRequest {
        reserved_override: None,
        records_override: None,
        uuid: Uuid::now_v7(),
        person_id: None,
        programme: None,
        devices: vec![],
        items: vec![ItemRequest {
            kind: comptoir::device::DeviceKind::SimCard,
            quantity,
            unit_price: Some(Money::from_euros(5)),
        }],
        payments: vec![SalePayment {
            method: PaymentMethod::Card,
            amount: Money::from_euros(5 * quantity as i64),
            reference: Some("TPE 4411".into()),
        }],
    }
}

fn sales_snapshot(store: &Store) -> Vec<String> {
    let mut out = snapshot(store);
    for sql in [
        "SELECT count(*) FROM sales",
        "SELECT count(*) FROM journal",
        "SELECT coalesce(max(last), 0) FROM receipt_counters",
    ] {
        out.push(
            store
                .sql()
                .query_row(sql, [], |r| r.get::<_, i64>(0))
                .unwrap()
                .to_string(),
        );
    }
    out
}

#[test]
fn a_sale_needs_an_open_permanence() {
    let (_db, mut store, programmes, caps) = setup();
    let before = sales_snapshot(&store);
    let err = pos::create_sale(
        &mut store,
        &programmes,
        &caps,
        &laptop_sale(MARTINE, LAPTOP_C, 80, vec![cash(80)]),
        &comptoir::operators::Actor::test("amina"),
    )
    .unwrap_err();
    assert_eq!(err.code(), "no_open_session");
    assert_eq!(sales_snapshot(&store), before);
}

#[test]
fn a_sale_sells_the_device_numbers_the_receipt_journals_it_and_counts_for_the_limits() {
    let (_db, mut store, programmes, caps) = setup();
    pos::open_session(
        &mut store,
        &comptoir::operators::Actor::test("amina"),
        Money::from_euros(20),
    )
    .unwrap();
    let demo_sales = pos::list_sales(&store, 1000).unwrap().len();
    let sale = pos::create_sale(
        &mut store,
        &programmes,
        &caps,
        &laptop_sale(MARTINE, LAPTOP_C, 80, vec![cash(100)]),
        &comptoir::operators::Actor::test("amina"),
    )
    .unwrap();
    let year = &sale.at[..4];
    assert_eq!(sale.receipt, format!("C01-R1-{year}-{:06}", demo_sales + 1));
    assert_eq!(
        (sale.total, sale.change()),
        (Money::from_euros(80), Money::from_euros(20))
    );
    assert_eq!(stock::detail(&store, LAPTOP_C).unwrap().device.state, DeviceState::Sold);
    assert!(journal::verify(store.db()).unwrap().is_intact());
    assert_eq!(
        pos::sale(&store, &sale.receipt).unwrap(),
        sale,
        "what create_sale returns is what was stored"
    );
    // One laptop per household per 12 months: a second one is refused now.
    let err = pos::create_sale(
        &mut store,
        &programmes,
        &caps,
        &laptop_sale(MARTINE, LAPTOP_A, 80, vec![cash(80)]),
        &comptoir::operators::Actor::test("amina"),
    )
    .unwrap_err();
    assert_eq!(err.code(), "not_eligible");
    assert!(err.to_string().contains("Limite de 1 ordinateur portable"), "{err}");
    // A counted item, no person needed; the receipt numbers follow without a gap.
    let sim = sim_sale(2);
    let second = pos::create_sale(
        &mut store,
        &programmes,
        &caps,
        &sim,
        &comptoir::operators::Actor::test("amina"),
    )
    .unwrap();
    assert_eq!(second.receipt, format!("C01-R1-{year}-{:06}", demo_sales + 2));
}

#[test]
fn bad_sales_are_refused_and_write_nothing() {
    let (_db, mut store, programmes, caps) = setup();
    pos::open_session(
        &mut store,
        &comptoir::operators::Actor::test("amina"),
        Money::from_euros(20),
    )
    .unwrap();
    let no_band = |price: i64| SaleRequest {
        reserved_override: None,
        records_override: None,
        programme: None,
        ..laptop_sale(MARTINE, LAPTOP_C, price, vec![cash(price)])
    };
    let cases: Vec<(&str, SaleRequest, &str)> = vec![
        (
            "price above the band",
            laptop_sale(MARTINE, LAPTOP_C, 130, vec![cash(130)]),
            "price_out_of_band",
        ),
        (
            "price below the band",
            laptop_sale(MARTINE, LAPTOP_C, 50, vec![cash(50)]),
            "price_out_of_band",
        ),
        (
            "above the legal cap, whatever the programme",
            no_band(181),
            "above_legal_cap",
        ),
        (
            "person not eligible",
            laptop_sale(FRANCOIS, LAPTOP_C, 80, vec![cash(80)]),
            "not_eligible",
        ),
        (
            "device not on sale",
            laptop_sale(MARTINE, DEFECTIVE, 80, vec![cash(80)]),
            "unavailable",
        ),
        (
            "payments short",
            laptop_sale(MARTINE, LAPTOP_C, 80, vec![cash(70)]),
            "payment_mismatch",
        ),
        (
            "too much paid by card",
            laptop_sale(
                MARTINE,
                LAPTOP_C,
                80,
                vec![SalePayment {
                    method: PaymentMethod::Card,
                    amount: Money::from_euros(100),
                    reference: None,
                }],
            ),
            "payment_mismatch",
        ),
        (
            "no person for a device",
            SaleRequest {
                reserved_override: None,
                records_override: None,
                person_id: None,
                ..laptop_sale(MARTINE, LAPTOP_C, 80, vec![cash(80)])
            },
            "person_required",
        ),
        (
            "empty sale",
            SaleRequest {
                reserved_override: None,
                records_override: None,
                devices: vec![],
                ..laptop_sale(MARTINE, LAPTOP_C, 80, vec![cash(80)])
            },
            "invalid",
        ),
    ];
    let before = sales_snapshot(&store);
    for (description, request, code) in cases {
        let err = pos::create_sale(
            &mut store,
            &programmes,
            &caps,
            &request,
            &comptoir::operators::Actor::test("amina"),
        )
        .expect_err(description);
        assert_eq!(err.code(), code, "{description}: {err}");
        assert_eq!(sales_snapshot(&store), before, "{description}: nothing written");
    }
    // After the refusals, the first sale still gets number 1.
    let demo_sales = pos::list_sales(&store, 1000).unwrap().len();
    let sale = pos::create_sale(
        &mut store,
        &programmes,
        &caps,
        &laptop_sale(MARTINE, LAPTOP_C, 80, vec![cash(80)]),
        &comptoir::operators::Actor::test("amina"),
    )
    .unwrap();
    assert!(
        sale.receipt.ends_with(&format!("-{:06}", demo_sales + 1)),
        "{}",
        sale.receipt
    );
}

#[test]
fn a_manager_override_lets_a_refused_person_buy() {
    let (_db, mut store, programmes, caps) = setup();
    pos::open_session(&mut store, &comptoir::operators::Actor::test("amina"), Money::ZERO).unwrap();
    let today = comptoir::local::today();
    beneficiary::override_decision(
        &mut store,
        &programmes,
        FRANCOIS,
        "defaut",
        "Attestation récente vue sur son téléphone",
        &comptoir::operators::Actor::test("sophie"),
        today,
        Some(comptoir::device::DeviceKind::Laptop),
    )
    .unwrap();
    let sale = pos::create_sale(
        &mut store,
        &programmes,
        &caps,
        &laptop_sale(FRANCOIS, LAPTOP_C, 80, vec![cash(80)]),
        &comptoir::operators::Actor::test("amina"),
    )
    .unwrap();
    let entry: String = store
        .sql()
        .query_row(
            "SELECT content FROM journal WHERE kind = 'sale' ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(entry.contains(r#""overridden":true"#), "{entry}");
    let override_entry: String = store
        .sql()
        .query_row("SELECT content FROM journal WHERE kind = 'override'", [], |r| r.get(0))
        .unwrap();
    assert!(override_entry.contains("Attestation récente vue"), "{override_entry}");
    assert!(entry.contains(&sale.receipt));
}

#[test]
fn a_retried_sale_is_recorded_once() {
    let (_db, mut store, programmes, caps) = setup();
    pos::open_session(&mut store, &comptoir::operators::Actor::test("amina"), Money::ZERO).unwrap();
    let request = laptop_sale(MARTINE, LAPTOP_C, 80, vec![cash(80)]);
    let first = pos::create_sale(
        &mut store,
        &programmes,
        &caps,
        &request,
        &comptoir::operators::Actor::test("amina"),
    )
    .unwrap();
    let again = pos::create_sale(
        &mut store,
        &programmes,
        &caps,
        &request,
        &comptoir::operators::Actor::test("amina"),
    )
    .unwrap();
    assert_eq!(first.receipt, again.receipt);
    let recorded = pos::list_sales(&store, 1000).unwrap();
    assert_eq!(recorded.iter().filter(|s| s.receipt == first.receipt).count(), 1);
    assert_eq!(
        comptoir::store::pos::sale_by_uuid(store.db(), &request.uuid.to_string()).unwrap(),
        Some(first.receipt.clone())
    );
}

#[test]
fn a_credit_note_cancels_once_and_puts_the_device_back() {
    let (_db, mut store, programmes, caps) = setup();
    pos::open_session(
        &mut store,
        &comptoir::operators::Actor::test("amina"),
        Money::from_euros(20),
    )
    .unwrap();
    let sale = pos::create_sale(
        &mut store,
        &programmes,
        &caps,
        &laptop_sale(MARTINE, LAPTOP_C, 80, vec![cash(80)]),
        &comptoir::operators::Actor::test("amina"),
    )
    .unwrap();
    let err = pos::cancel_sale(
        &mut store,
        &sale.receipt,
        None,
        "",
        PaymentMethod::Cash,
        false,
        &comptoir::operators::Actor::test("sophie"),
    )
    .unwrap_err();
    assert_eq!(err.code(), "reason_required");
    let note = pos::cancel_sale(
        &mut store,
        &sale.receipt,
        None,
        "Écran défectueux au déballage",
        PaymentMethod::Cash,
        true,
        &comptoir::operators::Actor::test("sophie"),
    )
    .unwrap();
    assert!(note.number.contains("-AV-000001"));
    assert_eq!(note.cancels, sale.receipt);
    let device = stock::detail(&store, LAPTOP_C).unwrap();
    assert_eq!(device.device.state, DeviceState::Defective);
    assert!(device
        .history
        .iter()
        .any(|e| e.reason.contains(&format!("annule le ticket n° {}", sale.receipt))));
    let err = pos::cancel_sale(
        &mut store,
        &sale.receipt,
        None,
        "Encore",
        PaymentMethod::Cash,
        false,
        &comptoir::operators::Actor::test("sophie"),
    )
    .unwrap_err();
    assert_eq!(err.code(), "already_cancelled");
    // The cancelled sale no longer counts: the person may buy another laptop.
    pos::create_sale(
        &mut store,
        &programmes,
        &caps,
        &laptop_sale(MARTINE, LAPTOP_A, 80, vec![cash(80)]),
        &comptoir::operators::Actor::test("amina"),
    )
    .unwrap();
    assert!(journal::verify(store.db()).unwrap().is_intact());
}

#[test]
fn closing_compares_counted_with_expected_and_records_the_difference() {
    let (_db, mut store, programmes, caps) = setup();
    pos::open_session(
        &mut store,
        &comptoir::operators::Actor::test("amina"),
        Money::from_euros(20),
    )
    .unwrap();
    let err = pos::open_session(&mut store, &comptoir::operators::Actor::test("julien"), Money::ZERO).unwrap_err();
    assert_eq!(err.code(), "session_already_open");
    pos::create_sale(
        &mut store,
        &programmes,
        &caps,
        &laptop_sale(MARTINE, LAPTOP_C, 80, vec![cash(100)]),
        &comptoir::operators::Actor::test("amina"),
    )
    .unwrap();
    let x = pos::x_report(&store).unwrap();
    assert_eq!(
        x.expected[&PaymentMethod::Cash],
        Money::from_euros(100),
        "float 20 + 80 in cash"
    );
    let counted = BTreeMap::from([(PaymentMethod::Cash, Money::from_euros(95))]);
    let err = pos::close_session(
        &mut store,
        &comptoir::operators::Actor::test("amina"),
        counted.clone(),
        "",
    )
    .unwrap_err();
    assert_eq!(err.code(), "comment_required");
    assert!(err.to_string().contains("-5,00 €"), "{err}");
    let z = pos::close_session(
        &mut store,
        &comptoir::operators::Actor::test("amina"),
        counted,
        "Erreur de rendu de monnaie",
    )
    .unwrap();
    assert_eq!(z.differences.unwrap()[&PaymentMethod::Cash], Money::from_euros(-5));
    assert_eq!(
        (z.sales, z.sales_total, x.sales_total),
        (1, Money::from_euros(80), Money::from_euros(80)),
        "X and Z agree"
    );
    assert!(pos::current_session(&store).unwrap().is_none());
    let err = pos::x_report(&store).unwrap_err();
    assert_eq!(err.code(), "no_open_session");
    let kinds: Vec<String> = {
        // This permanence's entries: the last three (the demo's own permanence comes before).
        let mut stmt = store
            .sql()
            .prepare("SELECT kind FROM journal ORDER BY seq DESC LIMIT 3")
            .unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    assert_eq!(kinds, ["session_close", "sale", "session_open"]);
    assert!(journal::verify(store.db()).unwrap().is_intact());
}

#[test]
fn closings_total_by_method_and_programme_once_per_period_with_the_grand_total() {
    let (_db, mut store, programmes, caps) = setup();
    // The demo sold a few devices today: its figures are the base this test adds to.
    let today = comptoir::local::today();
    let (base_sales, base_total, _, _, base_methods, base_programmes, base_grand) =
        comptoir::store::pos::period_figures(store.db(), today, today).unwrap();
    let base_cash = base_methods.get(&PaymentMethod::Cash).copied().unwrap_or_default();
    let base_defaut = base_programmes.get("defaut").copied().unwrap_or_default();
    let plus = |a: Money, euros: i64| Money::from_cents(a.cents() + euros * 100);
    pos::open_session(
        &mut store,
        &comptoir::operators::Actor::test("amina"),
        Money::from_euros(20),
    )
    .unwrap();
    let first = pos::create_sale(
        &mut store,
        &programmes,
        &caps,
        &laptop_sale(MARTINE, LAPTOP_C, 80, vec![cash(100)]),
        &comptoir::operators::Actor::test("amina"),
    )
    .unwrap();
    let sim = sim_sale(1);
    pos::create_sale(
        &mut store,
        &programmes,
        &caps,
        &sim,
        &comptoir::operators::Actor::test("amina"),
    )
    .unwrap();
    pos::cancel_sale(
        &mut store,
        &first.receipt,
        None,
        "Rétractation",
        PaymentMethod::Cash,
        false,
        &comptoir::operators::Actor::test("sophie"),
    )
    .unwrap();
    // Not before the day has ended.
    let early = pos::close_period(
        &mut store,
        pos::Period::Day,
        today,
        today,
        &comptoir::operators::Actor::test("sophie"),
    )
    .unwrap_err();
    assert_eq!(early.code(), "not_ended");
    let tomorrow = today + chrono::Duration::days(1);
    let day = pos::close_period(
        &mut store,
        pos::Period::Day,
        today,
        tomorrow,
        &comptoir::operators::Actor::test("sophie"),
    )
    .unwrap();
    assert_eq!(
        (day.sales, day.sales_total, day.credit_notes),
        (base_sales + 2, plus(base_total, 85), 1)
    );
    assert_eq!(day.net, plus(base_total, 5));
    assert_eq!(
        day.by_method[&PaymentMethod::Cash],
        base_cash,
        "100 tendered - 20 change - 80 refunded"
    );
    assert_eq!(day.by_method[&PaymentMethod::Card], Money::from_euros(5));
    assert_eq!(day.by_programme["defaut"], base_defaut, "80 sold, 80 cancelled");
    assert_eq!(day.by_programme["(sans programme)"], Money::from_euros(5));
    assert_eq!(day.grand_total, plus(base_grand, 5));
    let err = pos::close_period(
        &mut store,
        pos::Period::Day,
        today,
        tomorrow,
        &comptoir::operators::Actor::test("sophie"),
    )
    .unwrap_err();
    assert_eq!(err.code(), "already_closed");
    let month = pos::close_period(
        &mut store,
        pos::Period::Month,
        today,
        today + chrono::Duration::days(32),
        &comptoir::operators::Actor::test("sophie"),
    )
    .unwrap();
    assert_eq!(month.net, day.net);
    let future = pos::close_period(
        &mut store,
        pos::Period::Year,
        today + chrono::Duration::days(400),
        tomorrow,
        &comptoir::operators::Actor::test("sophie"),
    )
    .unwrap_err();
    assert_eq!(future.code(), "not_ended");
    assert!(journal::verify(store.db()).unwrap().is_intact());
}

#[test]
fn a_credit_note_can_cancel_one_line_then_the_rest() {
    let (_db, mut store, programmes, caps) = setup();
    pos::open_session(&mut store, &comptoir::operators::Actor::test("amina"), Money::ZERO).unwrap();
    let mut request = laptop_sale(MARTINE, LAPTOP_C, 80, vec![cash(90)]);
    request.items = vec![ItemRequest {
        kind: comptoir::device::DeviceKind::SimCard,
        quantity: 2,
        unit_price: Some(Money::from_euros(5)),
    }];
    let sale = pos::create_sale(
        &mut store,
        &programmes,
        &caps,
        &request,
        &comptoir::operators::Actor::test("amina"),
    )
    .unwrap();
    let sim = pos::cancel_sale(
        &mut store,
        &sale.receipt,
        Some(2),
        "Carte SIM inutile",
        PaymentMethod::Cash,
        false,
        &comptoir::operators::Actor::test("sophie"),
    )
    .unwrap();
    assert_eq!((sim.line, sim.amount), (Some(2), Money::from_euros(10)));
    assert_eq!(
        stock::detail(&store, LAPTOP_C).unwrap().device.state,
        DeviceState::Sold,
        "the laptop stays sold"
    );
    let err = pos::cancel_sale(
        &mut store,
        &sale.receipt,
        Some(2),
        "Encore",
        PaymentMethod::Cash,
        false,
        &comptoir::operators::Actor::test("sophie"),
    )
    .unwrap_err();
    assert_eq!(err.code(), "already_cancelled");
    let err = pos::cancel_sale(
        &mut store,
        &sale.receipt,
        Some(7),
        "Ligne inconnue",
        PaymentMethod::Cash,
        false,
        &comptoir::operators::Actor::test("sophie"),
    )
    .unwrap_err();
    assert_eq!(err.code(), "invalid");
    let rest = pos::cancel_sale(
        &mut store,
        &sale.receipt,
        None,
        "Rétractation",
        PaymentMethod::Cash,
        false,
        &comptoir::operators::Actor::test("sophie"),
    )
    .unwrap();
    assert_eq!(rest.amount, Money::from_euros(80), "only what was not yet cancelled");
    assert_eq!(
        stock::detail(&store, LAPTOP_C).unwrap().device.state,
        DeviceState::Available
    );
    let shown = pos::sale(&store, &sale.receipt).unwrap();
    assert!(shown.fully_cancelled());
    let err = pos::cancel_sale(
        &mut store,
        &sale.receipt,
        None,
        "Encore",
        PaymentMethod::Cash,
        false,
        &comptoir::operators::Actor::test("sophie"),
    )
    .unwrap_err();
    assert_eq!(err.code(), "already_cancelled");
    let x = pos::x_report(&store).unwrap();
    assert_eq!(
        x.expected[&PaymentMethod::Cash],
        Money::ZERO,
        "90 in, 10 and 80 refunded"
    );
}

#[test]
fn a_form_with_an_amount_that_is_not_money_is_refused_clearly() {
    let input = pos::SaleInput {
        uuid: Uuid::now_v7().to_string(),
        devices: vec![pos::DeviceInput {
            tag: LAPTOP_C.into(),
            price: Some("80,00".into()),
        }],
        payments: vec![pos::PaymentInput {
            method: "cash".into(),
            amount: "quatre-vingts".into(),
            reference: None,
        }],
        ..pos::SaleInput::default()
    };
    let err = SaleRequest::try_from(input).unwrap_err();
    assert_eq!(err.code(), "invalid");
    assert!(err.to_string().contains("quatre-vingts"), "{err}");
    let bad_price = pos::SaleInput {
        uuid: Uuid::now_v7().to_string(),
        devices: vec![pos::DeviceInput {
            tag: LAPTOP_C.into(),
            price: Some("80,001".into()),
        }],
        ..pos::SaleInput::default()
    };
    assert_eq!(SaleRequest::try_from(bad_price).unwrap_err().code(), "invalid");
}
