//! A sale line corrected (issue 17): the device really handed over replaces the one the line
//! named, by a manager, with a reason, journaled; anything else is refused and writes nothing.

use uuid::Uuid;

use comptoir::device::DeviceState;
use comptoir::money::Money;
use comptoir::operators::Actor;
use comptoir::pos::{self, DeviceRequest, PaymentMethod, SalePayment, SaleRequest};
use comptoir::programme::{LegalCaps, Programme};
use comptoir::{demo, journal, stock, Store};

use crate::{snapshot, TestDb};

const MARTINE: i64 = 1; // eligible in the demo

fn tag_where(store: &Store, condition: &str) -> String {
    store
        .sql()
        .query_row(
            &format!("SELECT tag FROM devices WHERE {condition} ORDER BY tag LIMIT 1"),
            [],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn a_manager_moves_a_sale_line_to_the_device_really_handed_over_and_nothing_else() {
    let db = TestDb::new();
    let mut store = db.open();
    demo::load(&mut store, &Actor::test("test")).unwrap();
    let caps = LegalCaps::shipped();
    let programmes = vec![Programme::shipped_default(&caps)];
    let sophie = Actor::test("sophie");
    pos::open_session(&mut store, &sophie, Money::ZERO).unwrap();
    let scanned = tag_where(&store, "state = 'available' AND kind = 'laptop'");
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
                tag: scanned.clone(),
                price: Some(Money::from_euros(80)),
            }],
            items: vec![],
            payments: vec![SalePayment {
                method: PaymentMethod::Cash,
                amount: Money::from_euros(80),
                reference: None,
            }],
        },
        &sophie,
    )
    .unwrap();
    let handed = tag_where(&store, "state = 'available' AND kind = 'laptop'");
    let tablet = tag_where(&store, "state = 'available' AND kind <> 'laptop'");
    let defective = tag_where(&store, "state = 'defective' AND kind = 'laptop'");

    // Refused, each with its code, and nothing written.
    let before = snapshot(&store);
    let refusals = [
        (2, handed.as_str(), "étiquette mal scannée", "invalid"),
        (1, scanned.as_str(), "étiquette mal scannée", "invalid"),
        (1, "PAS-UNE-ETIQUETTE-CONNUE", "étiquette mal scannée", "not_found"),
        (1, defective.as_str(), "étiquette mal scannée", "unavailable"),
        (1, tablet.as_str(), "étiquette mal scannée", "invalid"),
        (1, handed.as_str(), " ", "reason_required"),
    ];
    for (line, to, reason, code) in refusals {
        let err = pos::correct_line(&mut store, &sale.receipt, line, to, reason, &sophie).unwrap_err();
        assert_eq!(err.code(), code, "line {line} to {to}: {err}");
    }
    assert_eq!(snapshot(&store), before);

    let fixed = pos::correct_line(&mut store, &sale.receipt, 1, &handed, "étiquette mal scannée", &sophie).unwrap();
    assert_eq!(
        (fixed.from_tag.as_str(), fixed.to_tag.as_str()),
        (scanned.as_str(), handed.as_str())
    );
    assert_eq!(
        stock::detail(&store, &scanned).unwrap().device.state,
        DeviceState::Available
    );
    let sold = stock::detail(&store, &handed).unwrap();
    assert_eq!(sold.device.state, DeviceState::Sold);
    assert!(sold.history.iter().any(|e| e.reason.contains("étiquette mal scannée")));
    let line = &pos::sale(&store, &sale.receipt).unwrap().lines[0];
    assert_eq!(line.tag.as_deref(), Some(handed.as_str()));
    assert_eq!(line.corrected_from.as_deref(), Some(scanned.as_str()));
    // The correction is journaled and queued for the hub (tags only: the reason stays here).
    assert!(journal::verify(store.db()).unwrap().is_intact());
    let queued: String = store
        .sql()
        .query_row(
            "SELECT event FROM outbox WHERE event LIKE '%line_corrected%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(queued.contains(&handed) && !queued.contains("mal scannée"), "{queued}");
    // A credit note on the corrected line puts back the device really handed over.
    pos::cancel_sale(
        &mut store,
        &sale.receipt,
        Some(1),
        "rendu",
        PaymentMethod::Cash,
        false,
        &sophie,
    )
    .unwrap();
    assert_eq!(
        stock::detail(&store, &handed).unwrap().device.state,
        DeviceState::Available
    );
    assert_eq!(
        stock::detail(&store, &scanned).unwrap().device.state,
        DeviceState::Available
    );
}
