//! The structure's tax status on every document (issue 22), read back from real PDFs with
//! pdftotext: each status's mention, no VAT where there must be none, VAT by rate where there
//! must be, and closings whose VAT and margin figures equal a hand-computed set of sales.

use std::path::Path;

use uuid::Uuid;

use comptoir::centre::{self, CentreInput};
use comptoir::device::DeviceKind;
use comptoir::documents::{self, Document};
use comptoir::money::Money;
use comptoir::operators::Actor;
use comptoir::pos::{self, DeviceRequest, ItemRequest, PaymentMethod, SalePayment, SaleRequest};
use comptoir::programme::{LegalCaps, Programme};
use comptoir::tax::{MarginByRate, Rate, TaxStatus, VatByRate};
use comptoir::{delivery, demo, journal, Store};

use crate::TestDb;

const MARTINE: i64 = 1;
const DELIVERY: &str = "tag;kind;category;brand;model;serial
LC-TAX-0001;laptop;B;Lenovo;ThinkPad T480;SN-TAX-0001
LC-TAX-0002;smartphone;A;Samsung;Galaxy A52s;SN-TAX-0002
";

fn eur(s: &str) -> Money {
    Money::parse(s).unwrap()
}

fn settings(status: &str, rates: &[(&str, &str)]) -> CentreInput {
    CentreInput {
        name: "Centre social des Lilas".into(),
        address: "12 rue des Lilas\n93260 Les Lilas".into(),
        siret: "732 829 320 00074".into(),
        tax_status: status.into(),
        vat_rates: rates.iter().map(|(k, r)| (k.to_string(), r.to_string())).collect(),
        ..CentreInput::default()
    }
}

/// The demo centre under `status`, with a laptop and a smartphone on sale.
pub(crate) fn centre_with(status: &str, rates: &[(&str, &str)]) -> (TestDb, Store) {
    let db = TestDb::new();
    let mut store = db.open();
    let test = Actor::test("test");
    demo::load(&mut store, &test).unwrap();
    if pos::current_session(&store).unwrap().is_some() {
        pos::close_session(&mut store, &test, Default::default(), "fin de la démo").unwrap();
    }
    centre::save(&mut store, &settings(status, rates), &test).unwrap();
    delivery::import(&mut store, DELIVERY.as_bytes(), "livraison-tva.csv", &test).unwrap();
    crate::put_on_sale(&mut store, &["LC-TAX-0001", "LC-TAX-0002"], "test");
    (db, store)
}

pub(crate) fn sale(store: &mut Store, devices: &[(&str, i64)], sims: u32) -> String {
    let caps = LegalCaps::shipped();
    let total: i64 = devices.iter().map(|(_, p)| p).sum::<i64>() + 5 * sims as i64;
    let request = SaleRequest {
        reserved_override: None,
        records_override: None,
        uuid: Uuid::now_v7(),
        // Devices go to Martine (eligible in the demo); SIM cards alone to no one.
        person_id: (!devices.is_empty()).then_some(MARTINE),
        programme: (!devices.is_empty()).then(|| "defaut".into()),
        devices: devices
            .iter()
            .map(|(tag, price)| DeviceRequest {
                tag: tag.to_string(),
                price: Some(Money::from_euros(*price)),
            })
            .collect(),
        items: (sims > 0)
            .then(|| ItemRequest {
                kind: DeviceKind::SimCard,
                quantity: sims,
                unit_price: Some(Money::from_euros(5)),
            })
            .into_iter()
            .collect(),
        payments: vec![SalePayment {
            method: PaymentMethod::Cash,
            amount: Money::from_euros(total),
            reference: None,
        }],
    };
    pos::create_sale(
        store,
        &[Programme::shipped_default(&caps)],
        &caps,
        &request,
        &Actor::test("Amina"),
    )
    .unwrap()
    .receipt
}

/// A laptop at 90 € with two SIM cards at 5 €, then a smartphone at 40 € cancelled by a credit
/// note, in one permanence closed at once: (receipt, cancelled receipt, credit note, permanence).
fn sell_and_cancel(store: &mut Store) -> (String, String, String, i64) {
    let amina = Actor::test("Amina");
    let session = pos::open_session(store, &amina, Money::ZERO).unwrap().id;
    let first = sale(store, &[("LC-TAX-0001", 90)], 2);
    let second = sale(store, &[("LC-TAX-0002", 40)], 0);
    let note = pos::cancel_sale(
        store,
        &second,
        None,
        "Erreur de caisse",
        PaymentMethod::Cash,
        false,
        &amina,
    )
    .unwrap()
    .number;
    pos::close_session(store, &amina, Default::default(), "fin").unwrap();
    (first, second, note, session)
}

pub(crate) fn text(dir: &Path, doc: &Document) -> String {
    crate::documents::pdftotext(&doc.save_in(dir).unwrap())
}

/// Every document of one status: its receipt, credit note, Z report and day closing.
fn documents_under(status: &str, rates: &[(&str, &str)]) -> (TestDb, Store, [String; 4], pos::Closing) {
    let (db, mut store) = centre_with(status, rates);
    let (receipt, _, note, session) = sell_and_cancel(&mut store);
    let amina = Actor::test("Amina");
    let dir = db.dir.path().join("docs");
    let today = comptoir::local::today();
    let closing = pos::close_period(
        &mut store,
        pos::Period::Day,
        today,
        today + chrono::Duration::days(1),
        &Actor::test("Sophie"),
    )
    .unwrap();
    let texts = [
        text(&dir, &documents::receipt(&mut store, &receipt, None, &amina).unwrap()),
        text(&dir, &documents::credit_note(&mut store, &note, &amina).unwrap()),
        text(
            &dir,
            &documents::closing(&mut store, &session.to_string(), &amina).unwrap(),
        ),
        text(
            &dir,
            &documents::closing(&mut store, &format!("day:{today}"), &amina).unwrap(),
        ),
    ];
    assert!(
        journal::verify(store.db()).unwrap().is_intact(),
        "the records match their entries"
    );
    (db, store, texts, closing)
}

#[test]
fn exempt_and_franchise_print_their_article_and_no_vat() {
    for (status, mention) in [
        ("exoneree", "TVA non applicable, article 261-7-1° du CGI"),
        ("franchise", "TVA non applicable, article 293 B du CGI"),
    ] {
        let (_db, _, texts, closing) = documents_under(status, &[]);
        for (what, text) in ["ticket", "avoir", "Z", "clôture"].iter().zip(&texts) {
            assert!(text.contains(mention), "{status} {what}: {text}");
            assert!(!text.contains("TVA 20"), "{status} {what}: no VAT line\n{text}");
        }
        assert!(closing.tax.unwrap().totals.is_empty(), "{status}");
    }
}

#[test]
fn under_vat_each_line_gives_its_vat_and_documents_sum_it_by_rate() {
    // SIM cards at 5,5 % for the test's sake: two rates on one receipt.
    let (_db, store, [receipt, note, z, day], closing) = documents_under("tva", &[("sim_card", "5,5")]);
    // By hand: laptop 90 € at 20 % → 15,00 €; SIM cards 10 € at 5,5 % → 0,521… → 0,52 €;
    // the smartphone 40 € at 20 % → 6,666… → 6,67 €, cancelled the same day.
    assert!(
        receipt.contains("dont TVA 20 % (HT 75,00 €)") && receipt.contains("15,00 €"),
        "{receipt}"
    );
    assert!(
        receipt.contains("dont TVA 5,5 % (HT 9,48 €)") && receipt.contains("0,52 €"),
        "{receipt}"
    );
    assert!(receipt.contains("TVA incluse"), "{receipt}");
    assert!(
        note.contains("dont TVA 20 %") && note.contains("-6,67 € (HT -33,33 €)"),
        "{note}"
    );
    let expected = vec![
        VatByRate {
            rate: Rate::parse("5,5").unwrap(),
            ttc: eur("10"),
            vat: eur("0.52"),
            ht: eur("9.48"),
        },
        VatByRate {
            rate: Rate::parse("20").unwrap(),
            ttc: eur("90"),
            vat: eur("15"),
            ht: eur("75"),
        },
    ];
    let tax = closing.tax.unwrap();
    assert_eq!(tax.totals.by_rate, expected);
    assert!(tax.totals.margin.is_empty());
    for report in [&z, &day] {
        assert!(
            report.contains("TVA 20 % : 15,00 € (HT 75,00 €, TTC 90,00 €)"),
            "{report}"
        );
        assert!(
            report.contains("TVA 5,5 % : 0,52 € (HT 9,48 €, TTC 10,00 €)"),
            "{report}"
        );
    }
    // The totals are sums of the lines the sales recorded.
    let sale = pos::sale(&store, &pos::list_sales(&store, 10).unwrap()[1].receipt).unwrap();
    let vat: i64 = sale.lines.iter().map(|l| l.vat.unwrap().cents()).sum();
    assert_eq!(vat, 1552);
}

#[test]
fn under_the_margin_scheme_used_goods_show_no_vat_and_closings_give_the_margin() {
    let (_db, _, [receipt, note, z, day], closing) = documents_under("marge", &[]);
    assert!(receipt.contains("Régime particulier – Biens d'occasion"), "{receipt}");
    // The laptop (a used good) shows no VAT; the new SIM cards their own (10 € → 1,67 €),
    // saying on how much it is, not the whole ticket's VAT (issue 32, item 12).
    let flat = receipt.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("dont TVA 20 % sur 10,00 € d'articles taxés sur leur prix (HT 8,33 €)")
            && !receipt.contains("15,00"),
        "{receipt}"
    );
    assert!(
        !note.contains("dont TVA"),
        "the cancelled smartphone is a used good: {note}"
    );
    assert!(note.contains("Régime particulier – Biens d'occasion"), "{note}");
    let tax = closing.tax.unwrap();
    // A donated device's purchase price is 0: its whole price is the margin.
    assert_eq!(
        tax.totals.margin,
        [MarginByRate {
            rate: Rate::parse("20").unwrap(),
            sales: eur("90"),
            margin: eur("90"),
            vat: eur("15"),
        }]
    );
    for report in [&z, &day] {
        assert!(
            report.contains("Régime de la marge, 20 % : ventes 90,00 €, marge 90,00 €, TVA due sur la marge 15,00 €"),
            "{report}"
        );
        assert!(
            report.contains("TVA 20 % : 1,67 € (HT 8,33 €, TTC 10,00 €)"),
            "{report}"
        );
    }
}

#[test]
fn a_change_of_status_waits_for_the_permanence_is_journaled_and_never_rewrites_a_receipt() {
    let (db, mut store) = centre_with("exoneree", &[]);
    let sophie = Actor::test("Sophie");
    pos::open_session(&mut store, &sophie, Money::ZERO).unwrap();
    let before = sale(&mut store, &[("LC-TAX-0001", 90)], 0);
    let original = documents::receipt(&mut store, &before, None, &sophie).unwrap();
    // Refused while the permanence is open; nothing changed.
    let err = centre::save(&mut store, &settings("tva", &[]), &sophie).unwrap_err();
    assert_eq!(err.code(), "session_already_open", "{err}");
    assert_eq!(centre::load(&store).unwrap().tax_status, Some(TaxStatus::Exempt));
    // A bad rate: refused by its field, nothing changed.
    let err = centre::save(&mut store, &settings("tva", &[("laptop", "120")]), &sophie).unwrap_err();
    assert!(
        err.to_string().contains("entre 0 et 100") || err.to_string().contains("0 à 100"),
        "{err}"
    );
    pos::close_session(&mut store, &sophie, Default::default(), "fin").unwrap();
    centre::save(&mut store, &settings("tva", &[]), &sophie).unwrap();
    let entry = journal::list(
        &store,
        &journal::JournalFilter {
            kind: Some("tax_status".into()),
            ..Default::default()
        },
    )
    .unwrap()
    .entries
    .remove(0);
    assert!(entry.summary.contains("TVA incluse"), "{}", entry.summary);
    // The receipt issued before keeps its mention, on its copies too.
    let copy = documents::receipt(&mut store, &before, None, &sophie).unwrap();
    let dir = db.dir.path().join("docs");
    for doc in [&original, &copy] {
        let t = text(&dir, doc);
        assert!(t.contains("article 261-7-1° du CGI") && !t.contains("dont TVA"), "{t}");
    }
    // The next sale is under the new status.
    pos::open_session(&mut store, &sophie, Money::ZERO).unwrap();
    let after = sale(&mut store, &[("LC-TAX-0002", 40)], 0);
    let t = text(&dir, &documents::receipt(&mut store, &after, None, &sophie).unwrap());
    assert!(t.contains("dont TVA 20 %") && t.contains("6,67 €"), "{t}");
    assert!(journal::verify(store.db()).unwrap().is_intact());
}

#[test]
fn an_existing_centre_keeps_the_default_mention_as_exempt_and_a_custom_one_until_chosen() {
    for (mention, status) in [
        ("TVA non applicable, article 261-7-1° du CGI", Some(TaxStatus::Exempt)),
        ("TVA non applicable - art. 261 du CGI (asso)", None),
    ] {
        let db = TestDb::new();
        let sophie = Actor::test("Sophie");
        let old_receipt = {
            let mut store = db.open();
            // As before schema 16: the mention alone, no tax status, a sale already made.
            store
                .sql()
                .execute_batch("DELETE FROM settings WHERE key LIKE 'centre.%';")
                .unwrap();
            store
                .sql()
                .execute(
                    "INSERT INTO settings (key, value) VALUES ('centre.name', 'Centre ancien'), ('centre.vat_mention', ?1)",
                    [mention],
                )
                .unwrap();
            pos::open_session(&mut store, &sophie, Money::ZERO).unwrap();
            let receipt = sale(&mut store, &[], 1);
            pos::close_session(&mut store, &sophie, Default::default(), "fin").unwrap();
            crate::undo_migrations_after_15(store.sql());
            receipt
        };
        let mut store = db.open();
        let settings = centre::load(&store).unwrap();
        assert_eq!(settings.tax_status, status, "{mention}");
        match status {
            Some(s) => assert_eq!(settings.vat_mention, s.mention()),
            None => {
                // Kept and printed until a manager chooses; the window asks for it.
                assert_eq!(settings.vat_mention, mention);
                assert!(settings.missing().contains(&"le régime de TVA de la structure"));
            }
        }
        // Choosing (or changing to) VAT later never changes what the old receipt said.
        let mut full = settings_of(&store);
        full.tax_status = "tva".into();
        centre::save(&mut store, &full, &sophie).unwrap();
        let t = text(
            &db.dir.path().join("docs"),
            &documents::receipt(&mut store, &old_receipt, None, &sophie).unwrap(),
        );
        assert!(t.contains(mention) && !t.contains("dont TVA"), "{t}");
        assert!(journal::verify(store.db()).unwrap().is_intact());
    }
}

fn settings_of(store: &Store) -> CentreInput {
    let mut input = CentreInput::from(&centre::load(store).unwrap());
    input.address = "1 rue Ancienne\n75011 Paris".into();
    input.siret = "732 829 320 00074".into();
    input
}

#[test]
fn a_sale_made_before_any_status_takes_the_one_in_force_when_its_receipt_is_first_issued() {
    let db = TestDb::new();
    let mut store = db.open();
    let sophie = Actor::test("Sophie");
    pos::open_session(&mut store, &sophie, Money::ZERO).unwrap();
    let receipt = sale(&mut store, &[], 2);
    pos::close_session(&mut store, &sophie, Default::default(), "fin").unwrap();
    // The status chosen: the waiting receipt is issued under it, and its tax fixed.
    let view = comptoir::desk::centre::save_form(&mut store, &settings("exoneree", &[]), &sophie).unwrap();
    assert!(view.issued.iter().any(|m| m.document.reference == receipt));
    // Changed later: a copy still says what the original said.
    centre::save(&mut store, &settings("tva", &[]), &sophie).unwrap();
    let copy = documents::receipt(&mut store, &receipt, None, &sophie).unwrap();
    assert_eq!(copy.copy, 1);
    let t = text(&db.dir.path().join("docs"), &copy);
    assert!(t.contains("article 261-7-1° du CGI") && !t.contains("dont TVA"), "{t}");
    let fixed = journal::list(
        &store,
        &journal::JournalFilter {
            kind: Some("sale_tax".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(fixed.total, 1);
    assert!(journal::verify(store.db()).unwrap().is_intact());
}
