//! Loans (issue 20, part 2): lent to an eligible person under a programme that lends, with an
//! agreement to sign and an optional deposit (cash in the drawer's count, apart from takings;
//! a cheque kept uncashed); given back with its condition; overdue, then declared lost after
//! the date a manager sets; turned into a sale under the sale's own rules. Everything refused
//! writes nothing; every act is journaled and checked by `journal verify`.

use chrono::Days;

use comptoir::device::DeviceState;
use comptoir::loans::{self, ConvertInput, GiveBackInput, LoanInput};
use comptoir::money::Money;
use comptoir::operators::Actor;
use comptoir::pos::{self, PaymentInput, PaymentMethod};
use comptoir::programme::{LegalCaps, Programme};
use comptoir::{demo, journal, Store};

use crate::aftersales::{state, tag_where};
use crate::{snapshot, TestDb};

const MARTINE: i64 = 1; // RSA, eligible in the demo
const LUCAS: i64 = 6; // no proof: not eligible
const DIALLO: i64 = 9; // RSA, eligible

/// The shipped programme (it lends laptops, tablets and phones for 92 days) and a town's that
/// lends nothing.
fn programmes() -> Vec<Programme> {
    vec![
        Programme::shipped_default(&LegalCaps::shipped()),
        Programme {
            loans: None,
            ..crate::reports::programme()
        },
    ]
}

fn input(tag: &str, person: i64, deposit: &str, method: &str) -> LoanInput {
    LoanInput {
        tag: tag.into(),
        person_id: person,
        programme: "defaut".into(),
        due_on: String::new(),
        deposit: deposit.into(),
        deposit_method: method.into(),
        deposit_reference: if method == "chèque" {
            "1234567".into()
        } else {
            String::new()
        },
    }
}

fn laptop(store: &Store, except: &[&str]) -> String {
    let excluded = except.iter().map(|t| format!("'{t}'")).collect::<Vec<_>>().join(", ");
    tag_where(
        store,
        &format!(
            "state = 'available' AND kind = 'laptop' AND erasure_record IS NOT NULL AND test_record IS NOT NULL \
             AND tag NOT IN ({})",
            if excluded.is_empty() {
                "''".to_string()
            } else {
                excluded
            }
        ),
    )
}

fn cash(amount: &str) -> PaymentInput {
    PaymentInput {
        method: "cash".into(),
        amount: amount.into(),
        reference: None,
    }
}

#[test]
fn a_loan_is_lent_given_back_or_sold_with_its_deposit_in_the_x_report_apart_from_takings() {
    let db = TestDb::new();
    let mut store = db.open();
    let sophie = Actor::test("sophie");
    demo::load(&mut store, &sophie).unwrap();
    let programmes = programmes();
    let caps = LegalCaps::shipped();
    let first = laptop(&store, &[]);

    // Refused, nothing written: no permanence for a cash deposit, a programme that lends
    // nothing, a person not eligible, a device not available, a due date too far, a deposit
    // with no method.
    let defective = tag_where(&store, "state = 'defective' AND kind = 'laptop'");
    let before = snapshot(&store);
    let far = (comptoir::local::today() + Days::new(200))
        .format("%d/%m/%Y")
        .to_string();
    let cases: Vec<(LoanInput, &str, &str)> = vec![
        (input(&first, MARTINE, "50", "espèces"), "no_open_session", "permanence"),
        (
            LoanInput {
                programme: crate::reports::programme().id,
                ..input(&first, MARTINE, "", "")
            },
            "invalid",
            "ne prévoit pas de prêt",
        ),
        (input(&first, LUCAS, "", ""), "not_eligible", "pas éligible"),
        (input(&defective, MARTINE, "", ""), "unavailable", "Défectueux"),
        (
            LoanInput {
                due_on: far,
                ..input(&first, MARTINE, "", "")
            },
            "invalid",
            "92 jours",
        ),
        (input(&first, MARTINE, "30", ""), "invalid", "espèces ou par chèque"),
    ];
    for (case, code, part) in cases {
        let err = loans::lend(&mut store, &programmes, &case, &sophie).unwrap_err();
        assert_eq!(err.code(), code, "{err}");
        assert!(err.to_string().contains(part), "{part} not in {err}");
    }
    assert_eq!(snapshot(&store), before);

    // Lent with 50 € in cash: the drawer expects them, apart from takings.
    pos::open_session(&mut store, &sophie, Money::from_euros(20)).unwrap();
    let lent = loans::lend(
        &mut store,
        &programmes,
        &input(&first, MARTINE, "50", "espèces"),
        &sophie,
    )
    .unwrap();
    assert!(
        lent.number.starts_with("C01-R1-") && lent.number.contains("-PR-"),
        "{}",
        lent.number
    );
    assert_eq!(lent.due_on, comptoir::local::today() + Days::new(92));
    assert_eq!(state(&store, &first), DeviceState::Lent);
    let x = pos::x_report(&store).unwrap();
    assert_eq!(x.expected[&PaymentMethod::Cash], Money::from_euros(70));
    assert_eq!(x.sales_total, Money::ZERO);
    let deposits = x.deposits.unwrap();
    assert_eq!(
        (deposits.received, deposits.held_cash),
        (Money::from_euros(50), Money::from_euros(50))
    );
    assert!(
        deposits.text.contains("Dépôts de garantie (hors recettes)"),
        "{}",
        deposits.text
    );
    // A lent device is not for sale.
    let err = pos::create_sale(
        &mut store,
        &programmes,
        &caps,
        &pos::SaleRequest::one_device_in_cash(MARTINE, "defaut", &first, 80),
        &sophie,
    )
    .unwrap_err();
    assert!(err.to_string().contains("transformez le prêt en vente"), "{err}");

    // Given back damaged: a description is needed; the deposit is given back from the drawer.
    let back = |condition: &str, notes: &str| GiveBackInput {
        number: lent.number.clone(),
        condition: condition.into(),
        notes: notes.into(),
        keep_deposit: false,
    };
    let err = loans::give_back(&mut store, &back("abîmé", ""), &sophie).unwrap_err();
    assert_eq!(err.code(), "reason_required", "{err}");
    let returned = loans::give_back(&mut store, &back("abîmé", "Charnière de l'écran cassée"), &sophie).unwrap();
    let end = returned.end.unwrap();
    assert_eq!((end.how.as_str(), end.deposit.as_str()), ("returned", "rendu"));
    assert_eq!(state(&store, &first), DeviceState::Defective);
    let x = pos::x_report(&store).unwrap();
    assert_eq!(x.expected[&PaymentMethod::Cash], Money::from_euros(20));
    assert_eq!(x.deposits.unwrap().held_cash, Money::ZERO);
    let err = loans::give_back(&mut store, &back("bon état", ""), &sophie).unwrap_err();
    assert_eq!(err.code(), "already_closed", "{err}");

    // A cheque kept uncashed, then the loan turned into a sale: above the band refused, the
    // cheque cannot pay; at 100 € in cash the device is sold and the cheque given back.
    let second = laptop(&store, &[&first]);
    let cheque = loans::lend(
        &mut store,
        &programmes,
        &input(&second, MARTINE, "150", "chèque"),
        &sophie,
    )
    .unwrap();
    assert!(cheque.deposit_text.contains("1234567") && cheque.deposit_text.contains("sans être encaissé"));
    let x = pos::x_report(&store).unwrap();
    assert_eq!(x.expected[&PaymentMethod::Cash], Money::from_euros(20));
    assert_eq!(x.deposits.unwrap().cheques, 1);
    let sell = |number: &str, price: &str, payments: Vec<PaymentInput>, use_deposit: bool| ConvertInput {
        number: number.into(),
        programme: None,
        price: price.into(),
        payments,
        use_deposit,
    };
    let before = snapshot(&store);
    let err = loans::convert(
        &mut store,
        &programmes,
        &caps,
        &sell(&cheque.number, "130", vec![cash("130")], false),
        &sophie,
    )
    .unwrap_err();
    assert_eq!(err.code(), "price_out_of_band", "{err}");
    let err = loans::convert(
        &mut store,
        &programmes,
        &caps,
        &sell(&cheque.number, "100", vec![], true),
        &sophie,
    )
    .unwrap_err();
    assert!(err.to_string().contains("espèces"), "{err}");
    assert_eq!(snapshot(&store), before);
    let sale = loans::convert(
        &mut store,
        &programmes,
        &caps,
        &sell(&cheque.number, "100", vec![cash("100")], false),
        &sophie,
    )
    .unwrap();
    assert_eq!(sale.person_id, Some(MARTINE));
    assert_eq!(state(&store, &second), DeviceState::Sold);
    let sold = loans::get(&store, &cheque.number).unwrap().end.unwrap();
    assert_eq!(
        (sold.how.as_str(), sold.receipt.as_deref()),
        ("sold", Some(sale.receipt.as_str()))
    );
    assert_eq!(sold.deposit, "rendu");

    // A cash deposit counted as the payment: 100 € deposit, 80 € price, 20 € given back.
    let third = laptop(&store, &[&first, &second]);
    let with_cash = loans::lend(
        &mut store,
        &programmes,
        &input(&third, DIALLO, "100", "espèces"),
        &sophie,
    )
    .unwrap();
    let paid = loans::convert(
        &mut store,
        &programmes,
        &caps,
        &sell(&with_cash.number, "80", vec![], true),
        &sophie,
    )
    .unwrap();
    assert_eq!(paid.change(), Money::from_euros(20));
    assert!(paid.payments[0]
        .reference
        .as_deref()
        .unwrap()
        .contains(&with_cash.number));
    let x = pos::x_report(&store).unwrap();
    // Float 20 + takings 100 + 80 (deposit 100 paid, 20 given back) + deposits in 150 − out 150.
    assert_eq!(x.expected[&PaymentMethod::Cash], Money::from_euros(200));
    let deposits = x.deposits.unwrap();
    assert_eq!(
        (deposits.received, deposits.returned),
        (Money::from_euros(150), Money::from_euros(150))
    );
    assert_eq!(x.sales_total, Money::from_euros(180));

    // The funder's report counts the loans apart from the sales (the two sold count as sales).
    let today = comptoir::local::today();
    let report = comptoir::reports::build(&store, &programmes[0], today, today).unwrap();
    let laptops = report
        .loans
        .iter()
        .find(|l| l.kind == comptoir::device::DeviceKind::Laptop)
        .unwrap();
    assert_eq!(
        (laptops.lent, laptops.returned, laptops.lost, laptops.sold),
        (3, 1, 0, 2)
    );
    let csv = String::from_utf8(comptoir::reports::to_csv(&report)).unwrap();
    assert!(
        csv.contains("Prêts (hors ventes);Ordinateur portable;prêtés;3;;"),
        "{csv}"
    );
    let pdf = comptoir::documents::funder_report(&store, &report).unwrap();
    assert!(pdf.violations.is_empty(), "{:?}", pdf.violations);
    let path = db.dir.path().join("bilan.pdf");
    std::fs::write(&path, &pdf.pdf).unwrap();
    let text = crate::documents::pdftotext(&path);
    assert!(
        text.contains("Prêts de la période (hors ventes)") && text.contains("vendus à l'emprunteur"),
        "{text}"
    );

    // The agreement and the return slip: every mention, nothing outside the margins, a reprint
    // is a numbered copy.
    let agreement = comptoir::documents::loan_agreement(&mut store, &cheque.number, &sophie).unwrap();
    let again = comptoir::documents::loan_agreement(&mut store, &cheque.number, &sophie).unwrap();
    let slip = comptoir::documents::loan_return(&mut store, &lent.number, &sophie).unwrap();
    let err = comptoir::documents::loan_return(&mut store, &cheque.number, &sophie).unwrap_err();
    assert!(err.to_string().contains("pas été rendu"), "{err}");
    for (doc, parts) in [
        (
            &agreement,
            vec![
                "CONVENTION DE PRÊT",
                cheque.number.as_str(),
                "Martine LEFÈVRE",
                "1234567",
                "Signature de l'emprunteur",
            ],
        ),
        (&again, vec!["COPIE n° 1", cheque.number.as_str()]),
        (
            &slip,
            vec![
                "RETOUR DE PRÊT",
                lent.number.as_str(),
                "Abîmé",
                "Charnière de l'écran cassée",
                "rendu",
            ],
        ),
    ] {
        assert!(doc.violations.is_empty(), "{:?}", doc.violations);
        let path = db.dir.path().join(&doc.file_name);
        std::fs::write(&path, &doc.pdf).unwrap();
        let text = crate::documents::pdftotext(&path);
        for part in parts {
            assert!(text.contains(part), "{part} not in {}:\n{text}", doc.file_name);
        }
    }

    let verification = journal::verify_store(&store).unwrap();
    assert!(verification.is_intact(), "{}", verification.message());
    let statuses: Vec<String> = {
        let mut stmt = store
            .sql()
            .prepare(
                "SELECT json_extract(event, '$.status') FROM outbox WHERE json_extract(event, '$.type') = 'loan'
                 AND json_extract(event, '$.tag') IN (?1, ?2, ?3) ORDER BY id",
            )
            .unwrap();
        stmt.query_map([&first, &second, &third], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(statuses, ["out", "returned", "out", "sold", "out", "sold"]);
    let events: String = {
        let mut stmt = store
            .sql()
            .prepare("SELECT event FROM outbox WHERE json_extract(event, '$.type') = 'loan'")
            .unwrap();
        stmt.query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert!(!events.contains("Lefèvre") && !events.contains("Martine"), "{events}");
}

#[test]
fn an_overdue_loan_shows_on_the_dashboard_and_is_declared_lost_after_the_managers_date() {
    let db = TestDb::new();
    let mut store = db.open();
    let sophie = Actor::test("sophie");
    demo::load(&mut store, &sophie).unwrap();
    let programmes = programmes();
    let tag = laptop(&store, &[]);
    // Lent ten days ago for five days: overdue by five days.
    let ten_days_ago = comptoir::local::today() - Days::new(10);
    let loan = loans::lend_as_of(
        &mut store,
        &programmes,
        &LoanInput {
            due_on: (ten_days_ago + Days::new(5)).to_string(),
            ..input(&tag, MARTINE, "", "")
        },
        &sophie,
        ten_days_ago,
    )
    .unwrap();
    assert_eq!(loan.days_late, 5);
    assert!(loan.status.contains("En retard de 5 jour(s)"), "{}", loan.status);
    let dashboard = comptoir::reports::dashboard(&store, &programmes, comptoir::local::today()).unwrap();
    assert!(dashboard.loans_overdue.iter().any(|l| l.number == loan.number));

    // Too early: the « lost after » date is thirty days after the due date.
    let err = loans::declare_lost(&mut store, &loan.number, &sophie).unwrap_err();
    assert!(err.to_string().contains("qu'après le"), "{err}");
    let err = loans::set_lost_after(&mut store, &loan.number, &ten_days_ago.to_string(), &sophie).unwrap_err();
    assert!(err.to_string().contains("à rendre le"), "{err}");
    let moved = loans::set_lost_after(&mut store, &loan.number, &loan.due_on.to_string(), &sophie).unwrap();
    assert!(moved.may_be_declared_lost);
    let lost = loans::declare_lost(&mut store, &loan.number, &sophie).unwrap();
    assert_eq!(lost.end.unwrap().how, "lost");
    assert_eq!(state(&store, &tag), DeviceState::Lost);
    let dashboard = comptoir::reports::dashboard(&store, &programmes, comptoir::local::today()).unwrap();
    assert!(!dashboard.loans_overdue.iter().any(|l| l.number == loan.number));
    let verification = journal::verify_store(&store).unwrap();
    assert!(verification.is_intact(), "{}", verification.message());

    // A deadline changed behind the journal's back is found.
    store
        .sql()
        .execute_batch("DROP TRIGGER loan_deadlines_no_update;")
        .unwrap();
    store
        .sql()
        .execute(
            "UPDATE loan_deadlines SET lost_after = '2099-01-01' WHERE loan_id = (SELECT id FROM loans WHERE number = ?1)",
            [&loan.number],
        )
        .unwrap();
    let broken = journal::verify_store(&store).unwrap().broken.expect("found");
    assert!(broken.reason.contains(&loan.number), "{}", broken.reason);
}

#[test]
fn a_person_with_a_loan_out_is_never_anonymised_and_their_export_lists_their_loans() {
    let db = TestDb::new();
    let mut store = db.open();
    let sophie = Actor::test("sophie");
    demo::load(&mut store, &sophie).unwrap();
    let tag = laptop(&store, &[]);
    let loan = loans::lend(&mut store, &programmes(), &input(&tag, MARTINE, "", ""), &sophie).unwrap();
    // Five years on, with no contact since: everyone else of the demo is due, not Martine.
    let later = comptoir::local::today() + Days::new(5 * 366);
    let due = comptoir::privacy::purge(&mut store, later, true, &sophie).unwrap();
    assert!(!due.people.contains(&MARTINE), "{due:?}");
    assert!(due.people.contains(&LUCAS), "{due:?}");
    let export = comptoir::privacy::export(&store, MARTINE).unwrap();
    assert_eq!(
        export.loans.iter().map(|l| l.number.as_str()).collect::<Vec<_>>(),
        [loan.number.as_str()]
    );
    let pdf = comptoir::documents::person_export(&store, &export).unwrap();
    let path = db.dir.path().join("export.pdf");
    std::fs::write(&path, &pdf.pdf).unwrap();
    let text = crate::documents::pdftotext(&path);
    assert!(text.contains("Prêts") && text.contains(&loan.number), "{text}");
}
