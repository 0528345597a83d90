//! The journal covers the records (issue 21, first part): with the key in hand and the
//! triggers dropped, editing a sale's total, a line's price, a payment, a credit note, a
//! permanence's float, or deleting the last entry or an entry's record, is named by `verify`;
//! an entry's uuid is inside its hash; a closed permanence and the receipt counters cannot be
//! changed back.

use uuid::Uuid;

use comptoir::money::Money;
use comptoir::operators::Actor;
use comptoir::pos::{self, DeviceRequest, PaymentMethod, SalePayment, SaleRequest};
use comptoir::programme::{LegalCaps, Programme};
use comptoir::{demo, journal, Store};

use crate::TestDb;

/// A demo centre with an open permanence, a sale and a credit note on another sale.
fn centre() -> (TestDb, Store, String) {
    let db = TestDb::new();
    let mut store = db.open();
    demo::load(&mut store, &Actor::test("test")).unwrap();
    let sophie = Actor::test("sophie");
    pos::open_session(&mut store, &sophie, Money::from_euros(20)).unwrap();
    let caps = LegalCaps::shipped();
    let sale = pos::create_sale(
        &mut store,
        &[Programme::shipped_default(&caps)],
        &caps,
        &SaleRequest {
            reserved_override: None,
            records_override: None,
            uuid: Uuid::now_v7(),
            person_id: Some(1),
            programme: Some("defaut".into()),
            devices: vec![DeviceRequest {
                tag: "EC-24-0003".into(),
                price: Some(Money::from_euros(80)),
            }],
            items: vec![],
            payments: vec![SalePayment {
                method: PaymentMethod::Cash,
                amount: Money::from_euros(100),
                reference: None,
            }],
        },
        &sophie,
    )
    .unwrap();
    let other = pos::list_sales(&store, 50).unwrap().last().unwrap().receipt.clone();
    pos::cancel_sale(
        &mut store,
        &other,
        None,
        "Erreur de saisie",
        PaymentMethod::Cash,
        false,
        &sophie,
    )
    .unwrap();
    assert!(journal::verify(store.db()).unwrap().is_intact());
    (db, store, sale.receipt)
}

/// Runs `sql` with every append-only trigger dropped (what someone holding the key can do),
/// then verifies: the French reason of the first break.
fn tampered(sql: &str) -> String {
    let (_db, store, receipt) = centre();
    let conn = store.sql();
    let triggers: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for t in triggers {
        conn.execute_batch(&format!("DROP TRIGGER {t}")).unwrap();
    }
    // And the foreign keys off: nothing of the database's own defences is left.
    conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    conn.execute_batch(&sql.replace("{receipt}", &receipt)).unwrap();
    let verification = journal::verify(store.db()).unwrap();
    assert!(
        verification.message().contains("JOURNAL ALTÉRÉ"),
        "{}",
        verification.message()
    );
    verification.broken.expect("the tampering is detected").reason
}

#[test]
fn editing_a_record_behind_its_entry_is_detected() {
    let cases = [
        ("UPDATE sales SET total_cents = 1000 WHERE receipt = '{receipt}'", "son total"),
        (
            "UPDATE sale_lines SET unit_cents = 1000 WHERE sale_id = (SELECT id FROM sales WHERE receipt = '{receipt}')",
            "ses lignes",
        ),
        (
            "UPDATE payments SET amount_cents = 1000 WHERE sale_id = (SELECT id FROM sales WHERE receipt = '{receipt}')",
            "ses paiements",
        ),
        ("UPDATE credit_notes SET amount_cents = 1", "l'avoir"),
        ("UPDATE cash_sessions SET float_cents = 0 WHERE closed_at IS NULL", "fond de caisse"),
        ("DELETE FROM journal WHERE seq = (SELECT max(seq) FROM journal)", "n'a plus son entrée"),
        (
            "DELETE FROM payments WHERE sale_id = (SELECT id FROM sales WHERE receipt = '{receipt}');
             DELETE FROM sale_lines WHERE sale_id = (SELECT id FROM sales WHERE receipt = '{receipt}');
             DELETE FROM equipment_received WHERE sale_id = (SELECT id FROM sales WHERE receipt = '{receipt}');
             DELETE FROM sales WHERE receipt = '{receipt}'",
            "a disparu",
        ),
        ("UPDATE journal SET uuid = 'autre' WHERE seq = (SELECT max(seq) FROM journal)", "modifié"),
        ("UPDATE journal SET hash_version = 1 WHERE seq = (SELECT max(seq) FROM journal)", "version"),
    ];
    for (sql, said) in cases {
        let reason = tampered(sql);
        assert!(reason.contains(said), "{sql}: {reason}");
    }
}

#[test]
fn a_closed_permanence_and_the_receipt_counters_cannot_be_changed_back() {
    let (_db, mut store, _receipt) = centre();
    let conn = store.sql();
    for sql in [
        "UPDATE receipt_counters SET last = last - 1",
        "DELETE FROM receipt_counters",
        "DELETE FROM cash_sessions",
    ] {
        let err = conn.execute_batch(sql).unwrap_err().to_string();
        assert!(err.contains("never") || err.contains("kept"), "{sql}: {err}");
    }
    pos::close_session(&mut store, &Actor::test("sophie"), Default::default(), "écart de test").unwrap();
    let err = store
        .sql()
        .execute_batch("UPDATE cash_sessions SET float_cents = 0")
        .unwrap_err()
        .to_string();
    assert!(err.contains("closed permanence"), "{err}");
    assert!(journal::verify(store.db()).unwrap().is_intact());
}

#[test]
fn a_receipt_counter_moved_back_with_the_key_issues_no_number_twice() {
    let (_db, mut store, receipt) = centre();
    store
        .sql()
        .execute_batch(
            "DROP TRIGGER receipt_counters_never_back;
             UPDATE receipt_counters SET last = last - 1 WHERE series NOT LIKE '%-AV'",
        )
        .unwrap();
    let before = crate::snapshot(&store);
    let caps = LegalCaps::shipped();
    let err = pos::create_sale(
        &mut store,
        &[Programme::shipped_default(&caps)],
        &caps,
        &SaleRequest::sim_cards_in_cash(1),
        &Actor::test("sophie"),
    )
    .unwrap_err();
    assert_eq!(err.code(), "journal_broken", "{err}");
    assert!(err.to_string().contains(&receipt), "{err}");
    assert_eq!(crate::snapshot(&store), before, "nothing written");
}
