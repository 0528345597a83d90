//! After the sale (issue 20): warranty returns opened from a receipt or a scan, ended repaired
//! (the guarantee six months longer), exchanged (same kind, a category as good or better, with
//! its records; a numbered exchange) or refunded (a credit note that moves the device the
//! family really holds); recycling batches with how each device's data was destroyed; every
//! act journaled, checked by `journal verify`, and queued for the hub with no name.

use chrono::Months;
use uuid::Uuid;

use comptoir::aftersales::recycling::{self, RecycledInput, RecyclingInput};
use comptoir::aftersales::returns::{self, OutcomeInput, ReturnInput};
use comptoir::aftersales::Outcome;
use comptoir::device::DeviceState;
use comptoir::money::Money;
use comptoir::operators::Actor;
use comptoir::pos::{self, DeviceRequest, PaymentMethod, SalePayment, SaleRequest};
use comptoir::programme::{LegalCaps, Programme};
use comptoir::{demo, journal, stock, Store};

use crate::{snapshot, TestDb};

const MARTINE: i64 = 1; // eligible in the demo

pub(crate) fn tag_where(store: &Store, condition: &str) -> String {
    store
        .sql()
        .query_row(
            &format!("SELECT tag FROM devices WHERE {condition} ORDER BY tag LIMIT 1"),
            [],
            |r| r.get(0),
        )
        .unwrap_or_else(|e| panic!("no device where {condition}: {e}"))
}

pub(crate) fn state(store: &Store, tag: &str) -> DeviceState {
    stock::find_by_code(store, tag).unwrap().state
}

/// Sells `tag` to Martine for 80 € cash; the receipt's number.
pub(crate) fn sell(store: &mut Store, tag: &str, actor: &Actor) -> String {
    let caps = LegalCaps::shipped();
    let programmes = vec![Programme::shipped_default(&caps)];
    pos::create_sale(
        store,
        &programmes,
        &caps,
        &SaleRequest {
            reserved_override: None,
            records_override: None,
            uuid: Uuid::now_v7(),
            person_id: Some(MARTINE),
            programme: Some("defaut".into()),
            devices: vec![DeviceRequest {
                tag: tag.to_string(),
                price: Some(Money::from_euros(80)),
            }],
            items: vec![],
            payments: vec![SalePayment {
                method: PaymentMethod::Cash,
                amount: Money::from_euros(80),
                reference: None,
            }],
        },
        actor,
    )
    .unwrap()
    .receipt
}

pub(crate) fn open(store: &mut Store, tag: &str, actor: &Actor) -> returns::WarrantyReturn {
    returns::open(
        store,
        &ReturnInput {
            tag: tag.into(),
            fault_category: "ne démarre pas".into(),
            fault: "L'écran reste noir au démarrage".into(),
        },
        actor,
    )
    .unwrap()
}

pub(crate) fn close(number: &str, outcome: &str, new_tag: Option<&str>, refund: Option<&str>) -> OutcomeInput {
    OutcomeInput {
        number: number.into(),
        outcome: outcome.into(),
        diagnosis: "Carte mère défaillante".into(),
        new_tag: new_tag.map(String::from),
        refund_method: refund.map(String::from),
    }
}

fn outbox(store: &Store, kind: &str) -> Vec<serde_json::Value> {
    let mut stmt = store
        .sql()
        .prepare("SELECT event FROM outbox WHERE json_extract(event, '$.type') = ?1 ORDER BY id")
        .unwrap();
    let rows = stmt.query_map([kind], |r| r.get::<_, String>(0)).unwrap();
    rows.map(|r| serde_json::from_str(&r.unwrap()).unwrap()).collect()
}

#[test]
fn a_return_is_repaired_exchanged_or_refunded_and_the_journal_and_the_hub_know_each_end() {
    let db = TestDb::new();
    let mut store = db.open();
    let sophie = Actor::test("sophie");
    demo::load(&mut store, &sophie).unwrap();
    pos::open_session(&mut store, &sophie, Money::ZERO).unwrap();
    let sold = tag_where(&store, "state = 'available' AND kind = 'laptop' AND category = 'B' AND erasure_record IS NOT NULL AND test_record IS NOT NULL");
    let receipt = sell(&mut store, &sold, &sophie);
    let today = comptoir::local::today();

    // The screen before opening: from the receipt, the guarantee as the law sets it.
    let found = returns::candidates(&store, &receipt).unwrap();
    assert_eq!(found.len(), 1);
    let preview = &found[0];
    assert_eq!(preview.tag, sold);
    assert_eq!(preview.delivered_on, today);
    assert_eq!(preview.guarantee.ends_on, (today + Months::new(24)).pred_opt().unwrap());
    assert!(preview.in_guarantee && preview.presumed);
    assert_eq!(preview.deadline, today + chrono::Days::new(30));
    assert!(preview.guarantee_text.contains("L.217-7"), "{}", preview.guarantee_text);

    // Refused, nothing written: a device not sold here, no fault told, an unknown category.
    let available = tag_where(&store, "state = 'available' AND kind = 'laptop'");
    let before = snapshot(&store);
    let err = returns::candidates(&store, &available).unwrap_err();
    assert_eq!(err.code(), "not_found", "{err}");
    assert!(err.to_string().contains("pas été remis"), "{err}");
    for (tag, category, fault, code) in [
        (available.as_str(), "écran", "Écran cassé", "not_found"),
        (sold.as_str(), "écran", "  ", "reason_required"),
        (sold.as_str(), "licorne", "Écran cassé", "invalid"),
    ] {
        let input = ReturnInput {
            tag: tag.into(),
            fault_category: category.into(),
            fault: fault.into(),
        };
        let err = returns::open(&mut store, &input, &sophie).unwrap_err();
        assert_eq!(err.code(), code, "{tag} {category}: {err}");
    }
    assert_eq!(snapshot(&store), before);

    // Opened: numbered, listed with its deadline; a second return of the device is refused.
    let ret = open(&mut store, &sold, &sophie);
    assert!(ret.number.ends_with("-SAV-000001"), "{}", ret.number);
    assert_eq!(ret.days_left, Some(30));
    assert_eq!(ret.receipt, receipt);
    let err = returns::open(
        &mut store,
        &ReturnInput {
            tag: sold.clone(),
            fault_category: "écran".into(),
            fault: "Encore".into(),
        },
        &sophie,
    )
    .unwrap_err();
    assert!(err.to_string().contains(&ret.number), "{err}");
    let spare = tag_where(&store, "state = 'available' AND kind = 'laptop'");
    let err = pos::correct_line(&mut store, &receipt, 1, &spare, "étiquette mal scannée", &sophie).unwrap_err();
    assert!(err.to_string().contains("retour sous garantie"), "{err}");
    let listed = returns::list(&store, true).unwrap();
    assert_eq!(
        listed.iter().map(|r| r.number.as_str()).collect::<Vec<_>>(),
        [ret.number.as_str()]
    );

    // An exchange needs the same kind, a category as good or better, an available device.
    let tablet = tag_where(&store, "state = 'available' AND kind <> 'laptop'");
    let lower = tag_where(
        &store,
        "state = 'available' AND kind = 'laptop' AND category IN ('C', 'HC')",
    );
    let defective = tag_where(&store, "state = 'defective' AND kind = 'laptop'");
    let before = snapshot(&store);
    for (tag, code) in [
        (tablet.as_str(), "invalid"),
        (lower.as_str(), "invalid"),
        (defective.as_str(), "unavailable"),
    ] {
        let err = returns::close(&mut store, &close(&ret.number, "échange", Some(tag), None), &sophie).unwrap_err();
        assert_eq!(err.code(), code, "{tag}: {err}");
    }
    let err = returns::close(&mut store, &close(&ret.number, "échange", None, None), &sophie).unwrap_err();
    assert_eq!(err.code(), "invalid", "{err}");
    assert_eq!(snapshot(&store), before);

    let better = tag_where(
        &store,
        "state = 'available' AND kind = 'laptop' AND category IN ('B', 'A', 'Premium') AND erasure_record IS NOT NULL AND test_record IS NOT NULL",
    );
    let closed = returns::close(&mut store, &close(&ret.number, "échangé", Some(&better), None), &sophie).unwrap();
    let end = closed.ret.outcome.clone().unwrap();
    assert_eq!(end.outcome, Outcome::Exchanged);
    assert!(end.exchange_number.as_deref().unwrap().ends_with("-EC-000001"));
    assert_eq!(end.new_tag.as_deref(), Some(better.as_str()));
    assert_eq!(state(&store, &sold), DeviceState::Defective);
    assert_eq!(state(&store, &better), DeviceState::Sold);
    let err = returns::close(&mut store, &close(&ret.number, "réparé", None, None), &sophie).unwrap_err();
    assert_eq!(err.code(), "already_closed", "{err}");
    // The device taken back was used: its erasure no longer holds.
    let (missing, _) = store
        .sql()
        .query_row(
            "SELECT erasure_record IS NULL, 0 FROM devices WHERE tag = ?1",
            [&sold],
            |r| Ok((r.get::<_, bool>(0)?, r.get::<_, i64>(1)?)),
        )
        .unwrap();
    assert!(missing);

    // The device handed over in exchange: its own guarantee from the exchange; repaired once,
    // six months more.
    let found = returns::candidates(&store, &receipt).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].tag, better);
    assert_eq!(found[0].by_exchange, end.exchange_number);
    let second = open(&mut store, &better, &sophie);
    let repaired = returns::close(&mut store, &close(&second.number, "réparé", None, None), &sophie).unwrap();
    let after = repaired.ret.outcome.unwrap().guarantee_after.unwrap();
    assert_eq!(after.ends_on, (today + Months::new(30)).pred_opt().unwrap());
    assert_eq!(state(&store, &better), DeviceState::Sold);
    assert_eq!(returns::candidates(&store, &better).unwrap()[0].guarantee.repairs, 1);

    // Refunded: the credit note cancels the sale's line and takes back the device the family
    // holds (the one given in exchange), out of order.
    let third = open(&mut store, &better, &sophie);
    let err = returns::close(&mut store, &close(&third.number, "remboursé", None, None), &sophie).unwrap_err();
    assert_eq!(err.code(), "invalid", "{err}");
    let refunded = returns::close(
        &mut store,
        &close(&third.number, "remboursé", None, Some("espèces")),
        &sophie,
    )
    .unwrap();
    let note = refunded.credit_note.unwrap();
    assert_eq!(note.cancels, receipt);
    assert_eq!(note.amount, Money::from_euros(80));
    assert_eq!(
        refunded.ret.outcome.unwrap().credit_note.as_deref(),
        Some(note.number.as_str())
    );
    assert_eq!(state(&store, &better), DeviceState::Defective);
    assert_eq!(state(&store, &sold), DeviceState::Defective);
    assert!(pos::sale(&store, &receipt).unwrap().lines[0].cancelled_by.is_some());

    // The journal holds every act and checks its rows.
    let verification = journal::verify_store(&store).unwrap();
    assert!(verification.is_intact(), "{}", verification.message());
    let kinds: Vec<String> = {
        let mut stmt = store
            .sql()
            .prepare("SELECT kind FROM journal WHERE kind LIKE 'warranty%' ORDER BY seq")
            .unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    assert_eq!(
        kinds,
        [
            "warranty_return",
            "warranty_outcome",
            "warranty_return",
            "warranty_outcome",
            "warranty_return",
            "warranty_outcome"
        ]
    );

    // The hub is told each opening and each end, with no name and no fault text.
    let events = outbox(&store, "warranty_return");
    assert_eq!(events.len(), 6);
    assert_eq!(events[1]["outcome"], "exchanged");
    assert_eq!(events[1]["new_tag"], better.as_str());
    assert_eq!(events[0]["fault"], "no_start");
    assert_eq!(events[0]["months_since_delivery"], 0);
    let text = events.iter().map(|e| e.to_string()).collect::<String>();
    assert!(
        !text.contains("noir") && !text.contains("Lefèvre") && !text.contains("Martine"),
        "{text}"
    );

    // A return's row changed behind the journal's back is found.
    store
        .sql()
        .execute_batch(
            "DROP TRIGGER warranty_returns_no_update;
             UPDATE warranty_returns SET fault = 'Rien' WHERE id = 1;",
        )
        .unwrap();
    let verification = journal::verify_store(&store).unwrap();
    let broken = verification.broken.expect("the change is found");
    assert!(broken.reason.contains(&ret.number), "{}", broken.reason);
}

#[test]
fn a_recycling_batch_says_how_each_devices_data_was_destroyed_and_its_devices_never_come_back() {
    let db = TestDb::new();
    let mut store = db.open();
    let sophie = Actor::test("sophie");
    demo::load(&mut store, &sophie).unwrap();
    pos::open_session(&mut store, &sophie, Money::ZERO).unwrap();
    let broken = tag_where(&store, "state = 'defective' AND kind = 'laptop'");
    let erased = tag_where(
        &store,
        "state = 'available' AND kind = 'laptop' AND erasure_record IS NOT NULL",
    );
    let screen = tag_where(
        &store,
        "state IN ('available', 'received', 'defective') AND kind NOT IN ('laptop', 'desktop', 'tablet', 'smartphone')",
    );
    let sold = tag_where(&store, "state = 'available' AND kind = 'laptop' AND erasure_record IS NOT NULL AND test_record IS NOT NULL AND tag <> '{erased}'".replace("{erased}", &erased).as_str());
    let receipt = sell(&mut store, &sold, &sophie);
    let _ = receipt;
    store
        .sql()
        .execute("UPDATE devices SET erasure_record = NULL WHERE tag = ?1", [&broken])
        .unwrap();
    let item = |tag: &str, destruction: &str, detail: &str| RecycledInput {
        tag: tag.into(),
        destruction: destruction.into(),
        detail: detail.into(),
    };
    let batch = |devices: Vec<RecycledInput>, handed_on: &str| RecyclingInput {
        collection_point: "Envie Nantes (DEEE)".into(),
        handed_on: handed_on.into(),
        reference: "BSD-2026-118".into(),
        devices,
    };

    // Refused whole, every problem named, nothing written.
    let before = snapshot(&store);
    let tomorrow = (comptoir::local::today() + chrono::Days::new(1)).to_string();
    let err = recycling::record(
        &mut store,
        &batch(
            vec![
                item(&broken, "", ""),
                item(&broken, "physique", "x"),
                item(&sold, "physique", "Disque percé"),
                item(&erased, "aucune", ""),
            ],
            &tomorrow,
        ),
        &sophie,
    )
    .unwrap_err();
    let message = err.to_string();
    for part in [
        format!("{broken} n'a pas d'effacement en vigueur"),
        format!("{broken} est nommé deux fois"),
        format!("{sold} est « Vendu »"),
        format!("{erased} est un(e) ordinateur portable"),
        "futur".to_string(),
    ] {
        assert!(message.contains(&part), "{part} not in {message}");
    }
    assert_eq!(snapshot(&store), before);

    // Recorded: the storage destroyed, an erasure in force, a screen with no data.
    let done = recycling::record(
        &mut store,
        &batch(
            vec![
                item(&broken, "physique", "Disque percé par l'atelier, le 02/12"),
                item(&erased, "", ""),
                item(&screen, "", ""),
            ],
            "",
        ),
        &sophie,
    )
    .unwrap();
    assert!(done.number.contains("-DEEE-"), "{}", done.number);
    assert_eq!(done.devices.len(), 3);
    let by_tag = |tag: &str| done.devices.iter().find(|d| d.tag == tag).unwrap();
    assert_eq!(by_tag(&broken).destruction_label, "Destruction physique du stockage");
    assert!(by_tag(&erased).erasure.is_some());
    assert_eq!(by_tag(&screen).destruction_label, "Sans donnée d'utilisateur");
    for tag in [&broken, &erased, &screen] {
        assert_eq!(state(&store, tag), DeviceState::Recycled);
    }

    // A recycled device is refused at the cash desk and for an exchange, and cannot go back.
    let caps = LegalCaps::shipped();
    let programmes = vec![Programme::shipped_default(&caps)];
    let err = pos::create_sale(
        &mut store,
        &programmes,
        &caps,
        &SaleRequest::one_device_in_cash(MARTINE, "defaut", &erased, 80),
        &sophie,
    )
    .unwrap_err();
    assert!(err.to_string().contains("parti au recyclage"), "{err}");
    let ret = open(&mut store, &sold, &sophie);
    let err = returns::close(&mut store, &close(&ret.number, "échange", Some(&erased), None), &sophie).unwrap_err();
    assert!(err.to_string().contains("recyclage"), "{err}");
    let err = stock::change_state(
        &mut store,
        &comptoir::device::AssetTag::parse(&erased).unwrap(),
        comptoir::device::StockAction::MakeAvailable,
        &sophie,
        "réparé",
    )
    .unwrap_err();
    assert_eq!(err.code(), "illegal_transition", "{err}");

    assert!(journal::verify_store(&store).unwrap().is_intact());
    let events = outbox(&store, "recycling");
    let ours = events.iter().find(|e| e["number"] == done.number.as_str()).unwrap();
    assert_eq!(ours["devices"].as_array().unwrap().len(), 3);
    assert_eq!(recycling::list(&store).unwrap()[0].number, done.number);
}

/// The PDF of a document the command line made, read back.
fn text_of(made: &serde_json::Value) -> String {
    assert_eq!(made["violations"], serde_json::json!([]), "{made}");
    crate::documents::pdftotext(std::path::Path::new(made["path"].as_str().unwrap()))
}

#[test]
fn the_command_line_opens_a_return_exchanges_its_device_and_recycles_the_one_taken_back() {
    use crate::{comptoir, json, refusal};
    let db = TestDb::new();
    let (receipt, sold, better) = {
        let mut store = db.open();
        let sophie = Actor::test("sophie");
        demo::load(&mut store, &sophie).unwrap();
        pos::open_session(&mut store, &sophie, Money::ZERO).unwrap();
        let sold = tag_where(&store, "state = 'available' AND kind = 'laptop' AND category = 'B' AND erasure_record IS NOT NULL AND test_record IS NOT NULL");
        let receipt = sell(&mut store, &sold, &sophie);
        let better = tag_where(
            &store,
            "state = 'available' AND kind = 'laptop' AND category IN ('B', 'A', 'Premium') AND erasure_record IS NOT NULL AND test_record IS NOT NULL",
        );
        (receipt, sold, better)
    };

    let found = json(&comptoir(&db, &["--json", "sav", "find", &receipt]));
    assert_eq!(found[0]["tag"], sold.as_str());
    assert_eq!(found[0]["in_guarantee"], true);

    let bad = refusal(&comptoir(
        &db,
        &[
            "--json",
            "sav",
            "open",
            &better,
            "--category",
            "écran",
            "--fault",
            "Écran fissuré",
        ],
    ));
    assert_eq!(bad["error"]["code"], "not_found", "{bad}");

    let opened = json(&comptoir(
        &db,
        &[
            "--json",
            "sav",
            "open",
            &sold,
            "--category",
            "écran",
            "--fault",
            "Écran fissuré en bas à gauche",
        ],
    ));
    let number = opened["return"]["number"].as_str().unwrap().to_string();
    let deadline =
        chrono::NaiveDate::parse_from_str(opened["return"]["deadline"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let slip = text_of(&opened["documents"][0]);
    for part in [
        "BON DE DÉPÔT",
        number.as_str(),
        sold.as_str(),
        receipt.as_str(),
        "Écran fissuré en bas à gauche",
        "L.217-10",
        &deadline.format("%d/%m/%Y").to_string(),
        "Signature de la famille",
    ] {
        assert!(slip.contains(part), "{part} not in the deposit slip:\n{slip}");
    }

    let listed = json(&comptoir(&db, &["--json", "sav", "list"]));
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["days_left"], 30);

    let closed = json(&comptoir(
        &db,
        &[
            "--json",
            "sav",
            "close",
            &number,
            "--outcome",
            "échangé",
            "--diagnosis",
            "Dalle défectueuse",
            "--new-tag",
            &better,
        ],
    ));
    let exchange = closed["return"]["outcome"]["exchange_number"]
        .as_str()
        .unwrap()
        .to_string();
    let titles: Vec<&str> = closed["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["outcome_slip", "exchange", "onboarding"]);
    let end = text_of(&closed["documents"][0]);
    assert!(
        end.contains("FIN DE RETOUR") && end.contains("Dalle défectueuse") && end.contains(&exchange),
        "{end}"
    );
    let paper = text_of(&closed["documents"][1]);
    for part in [
        "BON D'ÉCHANGE",
        exchange.as_str(),
        sold.as_str(),
        better.as_str(),
        "0,00 €",
        "L.217-13",
        "Signature de la famille",
    ] {
        assert!(paper.contains(part), "{part} not in the exchange document:\n{paper}");
    }
    let sheet = text_of(&closed["documents"][2]);
    assert!(sheet.contains(&better), "{sheet}");

    // A reprint is a numbered copy.
    let copy = json(&comptoir(&db, &["--json", "document", "exchange", &exchange]));
    assert_eq!(copy["copy"], 1);
    assert!(text_of(&copy).contains("COPIE n° 1"));

    // The device taken back goes to recycling, its storage destroyed.
    let recorded = json(&comptoir(
        &db,
        &[
            "--json",
            "recycle",
            "record",
            &format!("{sold}:physique:Disque percé à l'atelier"),
            "--collection-point",
            "Envie 44, Nantes",
            "--reference",
            "BSD-2026-7",
        ],
    ));
    let batch = recorded["batch"]["number"].as_str().unwrap();
    let list = text_of(&recorded["documents"][0]);
    for part in [
        "LOT DE RECYCLAGE",
        batch,
        "Envie 44, Nantes",
        "BSD-2026-7",
        sold.as_str(),
        "Disque percé",
    ] {
        assert!(list.contains(part), "{part} not in the recycling list:\n{list}");
    }
    let again = refusal(&comptoir(
        &db,
        &[
            "--json",
            "recycle",
            "record",
            &sold,
            "--collection-point",
            "Envie 44",
            "--reference",
            "BSD-8",
        ],
    ));
    assert!(
        again["error"]["message"].as_str().unwrap().contains("Recyclé"),
        "{again}"
    );

    let verified = json(&comptoir(&db, &["--json", "journal", "verify"]));
    assert_eq!(verified["broken"], serde_json::Value::Null, "{verified}");
}

/// A laptop sold three years ago (the sale's day moved back: a test double for the calendar):
/// its return is allowed and says the guarantee has ended; a repair then extends nothing.
#[test]
fn a_return_past_the_guarantee_is_allowed_says_so_and_a_repair_then_extends_nothing() {
    let db = TestDb::new();
    let mut store = db.open();
    let sophie = Actor::test("sophie");
    demo::load(&mut store, &sophie).unwrap();
    pos::open_session(&mut store, &sophie, Money::ZERO).unwrap();
    let sold = tag_where(
        &store,
        "state = 'available' AND kind = 'laptop' AND erasure_record IS NOT NULL AND test_record IS NOT NULL",
    );
    let receipt = sell(&mut store, &sold, &sophie);
    let three_years_ago = (comptoir::local::today() - chrono::Days::new(3 * 365)).to_string();
    store.sql().execute_batch("DROP TRIGGER sales_no_update;").unwrap();
    store
        .sql()
        .execute(
            "UPDATE sales SET at = ?1 || 'T10:00:00.000Z' WHERE receipt = ?2",
            [&three_years_ago, &receipt],
        )
        .unwrap();
    let preview = returns::candidates(&store, &sold).unwrap().remove(0);
    assert!(!preview.in_guarantee && !preview.presumed);
    assert!(preview.guarantee_text.contains("terminée") && preview.guarantee_text.contains("hors garantie"));
    // No legal deadline promised out of guarantee, on the screen either (issue 32).
    assert!(
        preview.deadline_text.starts_with("Hors garantie : aucun délai légal"),
        "{}",
        preview.deadline_text
    );
    let ret = open(&mut store, &sold, &sophie);
    assert!(!ret.in_guarantee);
    let slip = comptoir::documents::return_slip(&mut store, &ret.number, &sophie).unwrap();
    let path = db.dir.path().join(&slip.file_name);
    std::fs::write(&path, &slip.pdf).unwrap();
    let text = crate::documents::pdftotext(&path);
    assert!(
        text.contains("terminée le") && text.contains("la loi ne l'oblige plus à le réparer"),
        "{text}"
    );
    let repaired = returns::close(&mut store, &close(&ret.number, "réparé", None, None), &sophie).unwrap();
    let end = repaired.ret.outcome.unwrap();
    assert_eq!(end.guarantee_after.unwrap().ends_on, repaired.ret.guarantee.ends_on);
    assert_eq!(returns::candidates(&store, &sold).unwrap()[0].guarantee.repairs, 0);
}

/// A line corrected to the device really handed over: that device's return finds the sale; the
/// one first scanned, back on sale, has none.
#[test]
fn a_return_finds_the_sale_through_a_line_correction() {
    let db = TestDb::new();
    let mut store = db.open();
    let sophie = Actor::test("sophie");
    demo::load(&mut store, &sophie).unwrap();
    pos::open_session(&mut store, &sophie, Money::ZERO).unwrap();
    let condition =
        "state = 'available' AND kind = 'laptop' AND erasure_record IS NOT NULL AND test_record IS NOT NULL";
    let scanned = tag_where(&store, condition);
    let receipt = sell(&mut store, &scanned, &sophie);
    let handed = tag_where(&store, condition);
    pos::correct_line(&mut store, &receipt, 1, &handed, "étiquette mal scannée", &sophie).unwrap();
    let found = returns::candidates(&store, &handed).unwrap();
    assert_eq!((found[0].receipt.as_str(), found[0].line), (receipt.as_str(), 1));
    let err = returns::candidates(&store, &scanned).unwrap_err();
    assert_eq!(err.code(), "not_found", "{err}");
}
