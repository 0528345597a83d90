//! The people's data (issue 7): retention at its exact boundary, access (all and only one
//! person's data), erasure (no trace of the name in the file's bytes, the journal and the
//! reports unchanged).

use chrono::{Duration, NaiveDate, TimeZone};
use uuid::Uuid;

use comptoir::beneficiary::{self, Catalogue, NewPerson, PersonInput};
use comptoir::device::DeviceKind;
use comptoir::money::Money;
use comptoir::pos::{self, ItemRequest, PaymentMethod, SalePayment, SaleRequest};
use comptoir::programme::{LegalCaps, Programme};
use comptoir::{journal, local, privacy, reports, Store};

use crate::TestDb;

fn add(store: &mut Store, last: &str, first: &str, phone: &str) -> i64 {
    let programmes = [Programme::shipped_default(&LegalCaps::shipped())];
    let input = PersonInput {
        last_name: last.into(),
        first_name: first.into(),
        birth_date: Some("1985-03-02".into()),
        phone: Some(phone.into()),
        publics: vec!["rsa".into()],
        ..PersonInput::default()
    };
    let person = NewPerson::parse(&input, &Catalogue::of(&programmes), local::today()).unwrap();
    let id = beneficiary::add(store, &person, true, &comptoir::operators::Actor::test("test")).unwrap();
    beneficiary::add_proof(
        store,
        id,
        "attestation_caf",
        &(local::today() - Duration::days(5)).to_string(),
        &comptoir::operators::Actor::test("Amina"),
        &Catalogue::of(&programmes),
        local::today(),
    )
    .unwrap();
    id
}

/// A SIM card sold to the person (no device needed).
fn sell(store: &mut Store, person: i64) -> String {
    if comptoir::centre::load(store).unwrap().tax_status.is_none() {
        // Receipts are issued whole: the centre's identity and tax status first.
        let input = comptoir::centre::CentreInput {
            name: "Centre social des Lilas".into(),
            address: "12 rue des Lilas\n93260 Les Lilas".into(),
            siret: "732 829 320 00074".into(),
            tax_status: "exoneree".into(),
            ..Default::default()
        };
        comptoir::centre::save(store, &input, &comptoir::operators::Actor::test("Sophie")).unwrap();
    }
    if pos::current_session(store).unwrap().is_none() {
        pos::open_session(store, &comptoir::operators::Actor::test("Amina"), Money::ZERO).unwrap();
    }
    let caps = LegalCaps::shipped();
    let request = SaleRequest {
        reserved_override: None,
        records_override: None,
        uuid: Uuid::now_v7(),
        person_id: Some(person),
        programme: Some("defaut".into()),
        devices: vec![],
        items: vec![ItemRequest {
            kind: DeviceKind::SimCard,
            quantity: 1,
            unit_price: Some(Money::from_euros(5)),
        }],
        payments: vec![SalePayment {
            method: PaymentMethod::Cash,
            amount: Money::from_euros(5),
            reference: None,
        }],
    };
    pos::create_sale(
        store,
        &[Programme::shipped_default(&caps)],
        &caps,
        &request,
        &comptoir::operators::Actor::test("Amina"),
    )
    .unwrap()
    .receipt
}

/// Moves a person's every trace of contact to `at` (behind Comptoir's back: the test's clock).
fn last_contact(store: &Store, id: i64, at: &str) {
    store
        .sql()
        .execute(
            "UPDATE people SET updated_at = ?2, created_at = ?2 WHERE id = ?1",
            rusqlite::params![id, at],
        )
        .unwrap();
    // Proofs are not append-only: they may be dated back too.
    store
        .sql()
        .execute(
            "UPDATE proofs SET checked_at = ?2 WHERE person_id = ?1",
            rusqlite::params![id, at],
        )
        .unwrap();
}

fn utc_midnight(day: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    chrono::Local
        .from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap())
        .earliest()
        .unwrap()
        .with_timezone(&chrono::Utc)
}

fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[test]
fn the_purge_anonymises_at_the_exact_boundary_and_keeps_recent_contacts() {
    let db = TestDb::new();
    let mut store = db.open();
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let cutoff = NaiveDate::from_ymd_opt(2024, 11, 22).unwrap();
    let on_the_day = add(&mut store, "Aubert", "Lina", "0611111111");
    let just_before = add(&mut store, "Barbier", "Noé", "0622222222");
    let recent_sale = add(&mut store, "Carpentier", "Inès", "0633333333");
    last_contact(&store, on_the_day, &stamp(utc_midnight(cutoff)));
    last_contact(
        &store,
        just_before,
        &stamp(utc_midnight(cutoff) - chrono::Duration::milliseconds(1)),
    );
    sell(&mut store, recent_sale);
    last_contact(&store, recent_sale, "2023-01-01T10:00:00.000Z");

    let dry = privacy::purge(&mut store, today, true, &comptoir::operators::Actor::test("Sophie")).unwrap();
    assert_eq!(
        (dry.cutoff, dry.people.clone(), dry.retention_months),
        (cutoff, vec![just_before], 24)
    );
    assert_eq!(
        beneficiary::get(&store, just_before).unwrap().fields.last_name,
        "Barbier",
        "dry run changes nothing"
    );

    let done = privacy::purge(&mut store, today, false, &comptoir::operators::Actor::test("Sophie")).unwrap();
    assert_eq!(done.people, vec![just_before]);
    let gone = beneficiary::get(&store, just_before).unwrap();
    assert_eq!(gone.fields.last_name, "Anonyme");
    assert_eq!((gone.fields.phone.clone(), gone.fields.birth_date), (None, None));
    assert_eq!(gone.fields.publics, ["rsa"], "publics stay for the reports");
    assert_eq!(beneficiary::get(&store, on_the_day).unwrap().fields.last_name, "Aubert");
    assert_eq!(
        beneficiary::get(&store, recent_sale).unwrap().fields.last_name,
        "Carpentier"
    );
    assert!(beneficiary::search(&store, "barbier", 10).unwrap().is_empty());
    // Once is enough: a second purge finds nobody new.
    assert!(
        privacy::purge(&mut store, today, false, &comptoir::operators::Actor::test("Sophie"))
            .unwrap()
            .people
            .is_empty()
    );
    // A shorter retention reaches further.
    privacy::set_retention_months(&mut store, 6, &comptoir::operators::Actor::test("Sophie")).unwrap();
    assert!(privacy::set_retention_months(&mut store, 0, &comptoir::operators::Actor::test("Sophie")).is_err());
    let six = privacy::purge(&mut store, today, true, &comptoir::operators::Actor::test("Sophie")).unwrap();
    assert_eq!(six.people, vec![on_the_day]);
    assert!(journal::verify(store.db()).unwrap().is_intact());
}

#[test]
fn an_export_holds_all_and_only_that_persons_data() {
    let db = TestDb::new();
    let mut store = db.open();
    let a = add(&mut store, "Delacroix", "Théophile", "0644444444");
    let b = add(&mut store, "Etcheverry", "Maïa", "0655555555");
    let receipt_a = sell(&mut store, a);
    let receipt_b = sell(&mut store, b);
    let dir = db.dir.path().join("export");
    let (json, pdf) = privacy::export_to(&store, a, &dir).unwrap();
    let text = std::fs::read_to_string(&json).unwrap();
    for expected in [
        "Delacroix",
        "Théophile",
        "0644444444",
        "1985-03-02",
        "attestation_caf",
        "rsa",
        receipt_a.as_str(),
    ] {
        assert!(text.contains(expected), "missing {expected} in {text}");
    }
    for other in ["Etcheverry", "Maïa", "0655555555", receipt_b.as_str()] {
        assert!(!text.contains(other), "{other} is not this person's");
    }
    let out = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let pdf_text = String::from_utf8(out.stdout).unwrap();
    assert!(pdf_text.contains("Delacroix") && pdf_text.contains(&receipt_a) && !pdf_text.contains("Etcheverry"));
    // A folder that cannot be written: a clear error.
    let blocker = db.file("bloque", b"x");
    let err = privacy::export_to(&store, a, &blocker.join("sous-dossier")).unwrap_err();
    assert_eq!(err.code(), "io");
}

#[test]
fn after_erasure_the_name_is_nowhere_in_the_file_and_the_journal_and_reports_hold() {
    let db = TestDb::new();
    let mut store = db.open();
    let id = add(&mut store, "Zébulonovitch", "Anastasia", "0677777777");
    let other = add(&mut store, "Martin", "Paul", "0688888888");
    let receipt = sell(&mut store, id);
    let other_receipt = sell(&mut store, other);
    // Their receipts kept in documents/, as the desk keeps them.
    let folder = comptoir::documents::folder(&db.path);
    let mut kept = Vec::new();
    for r in [&receipt, &other_receipt] {
        let doc =
            comptoir::documents::receipt(&mut store, r, None, &comptoir::operators::Actor::test("Sophie")).unwrap();
        kept.push(doc.save_in(&folder).unwrap());
    }
    let programme = Programme::shipped_default(&LegalCaps::shipped());
    let today = local::today();
    let before = reports::build(&store, &programme, today - Duration::days(1), today).unwrap();
    let head_before = journal::verify(store.db()).unwrap();

    let err = privacy::erase(
        &mut store,
        id,
        "Demande de Mme Zébulonovitch",
        &comptoir::operators::Actor::test("Sophie"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("ne doit pas contenir le nom"), "{err}");
    assert!(privacy::erase(&mut store, id, "", &comptoir::operators::Actor::test("Sophie")).is_err());
    privacy::erase(
        &mut store,
        id,
        "Demande écrite du 20/11",
        &comptoir::operators::Actor::test("Sophie"),
    )
    .unwrap();
    assert!(
        privacy::erase(&mut store, id, "Encore", &comptoir::operators::Actor::test("Sophie")).is_err(),
        "once"
    );
    // The documents naming her are gone; the others stay; a reprint names no one.
    assert!(
        !kept[0].exists(),
        "{} naming the person is still there",
        kept[0].display()
    );
    assert!(kept[1].exists());
    let facts = comptoir::documents::receipt_facts(&store, &receipt).unwrap();
    assert_eq!(facts.buyer.as_deref(), Some("Personne anonymisée"));
    assert_eq!(facts.buyer_first_name, None);

    drop(store);
    for suffix in ["", "-wal", "-shm"] {
        let path = format!("{}{suffix}", db.path.display());
        let bytes = std::fs::read(&path).unwrap_or_default();
        for needle in ["Zébulonovitch", "zebulonovitch", "Anastasia", "anastasia", "0677777777"] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{needle} is still in {path}"
            );
        }
    }
    let store = db.open();
    let after = reports::build(&store, &programme, today - Duration::days(1), today).unwrap();
    assert_eq!(before, after, "the reports are unchanged");
    let verified = journal::verify(store.db()).unwrap();
    assert!(verified.is_intact());
    assert!(verified.entries > head_before.entries, "the erasure is journaled");
    let entry: (String, String) = store
        .sql()
        .query_row(
            "SELECT operator, content FROM journal WHERE kind = 'anonymisation'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(entry.0, "Sophie");
    assert!(entry.1.contains("Demande écrite du 20/11"));
    assert_eq!(beneficiary::get(&store, other).unwrap().fields.last_name, "Martin");
    assert_eq!(
        beneficiary::search(&store, "martin", 5).unwrap().len(),
        1,
        "others are still found"
    );
}

#[test]
fn the_register_and_the_notice_say_what_is_kept_and_for_how_long() {
    let db = TestDb::new();
    let store = db.open();
    let register = privacy::register(24);
    assert!(register
        .iter()
        .any(|e| e.fields.contains("téléphone") && e.retention.contains("24 mois")));
    assert!(register.iter().all(|e| !e.purpose.is_empty()));
    let notice = privacy::notice(&store).unwrap();
    assert!(notice.contains("24 mois") && notice.contains("CNIL") && notice.contains("effacement"));
    let doc = comptoir::documents::notice(&store).unwrap();
    assert!(doc.violations.is_empty(), "{:?}", doc.violations);
    assert_eq!(doc.pages, 1);
}
