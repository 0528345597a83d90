use comptoir::device::{AssetTag, DeviceKind, DeviceState, StockAction};
use comptoir::stock::{self, StockQuery};
use comptoir::{delivery, demo};

use crate::{sample_delivery, snapshot, TestDb};

fn tag(s: &str) -> AssetTag {
    AssetTag::parse(s).unwrap()
}

#[test]
fn check_in_then_put_on_sale_records_each_move() {
    let db = TestDb::new();
    let mut store = db.open();
    delivery::import(
        &mut store,
        &sample_delivery(),
        "livraison.csv",
        &comptoir::operators::Actor::test("reseau"),
    )
    .unwrap();
    stock::change_state(
        &mut store,
        &tag("LC-2411-0001"),
        StockAction::Receive,
        &comptoir::operators::Actor::test("amina"),
        "",
    )
    .unwrap();
    stock::change_state(
        &mut store,
        &tag("LC-2411-0001"),
        StockAction::MakeAvailable,
        &comptoir::operators::Actor::test("julien"),
        "",
    )
    .unwrap();
    drop(store);
    let store = db.open();
    let detail = stock::detail(&store, "lc-2411-0001").unwrap();
    assert_eq!(detail.device.state, DeviceState::Available);
    let moves: Vec<_> = detail
        .history
        .iter()
        .map(|e| (e.from_state, e.to_state, e.operator.as_str()))
        .collect();
    assert_eq!(
        moves,
        [
            (None, DeviceState::Allocated, "reseau"),
            (Some(DeviceState::Allocated), DeviceState::Received, "amina"),
            (Some(DeviceState::Received), DeviceState::Available, "julien"),
        ]
    );
}

#[test]
fn illegal_moves_leave_the_store_exactly_as_it_was() {
    let db = TestDb::new();
    let mut store = db.open();
    demo::load(&mut store, &comptoir::operators::Actor::test("test")).unwrap();
    let sold = stock::list(
        &store,
        &StockQuery {
            state: Some(DeviceState::Sold),
            ..Default::default()
        },
    )
    .unwrap();
    let defective = stock::list(
        &store,
        &StockQuery {
            state: Some(DeviceState::Defective),
            ..Default::default()
        },
    )
    .unwrap();
    let before = snapshot(&store);
    let cases = [
        (
            "receiving a sold device",
            &sold[0].tag,
            StockAction::Receive,
            "illegal_transition",
        ),
        (
            "putting a sold device back without a credit note",
            &sold[0].tag,
            StockAction::MakeAvailable,
            "illegal_transition",
        ),
        (
            "selling a defective device from the stock screen",
            &defective[0].tag,
            StockAction::Sell,
            "invalid",
        ),
        (
            "a defect without a reason",
            &sold[0].tag,
            StockAction::MarkDefective,
            "illegal_transition",
        ),
    ];
    for (description, t, action, code) in cases {
        let err = stock::change_state(&mut store, t, action, &comptoir::operators::Actor::test("amina"), "")
            .expect_err(description);
        assert_eq!(err.code(), code, "{description}: {err}");
    }
    let available = stock::list(
        &store,
        &StockQuery {
            state: Some(DeviceState::Available),
            ..Default::default()
        },
    )
    .unwrap();
    let err = stock::change_state(
        &mut store,
        &available[0].tag,
        StockAction::MarkDefective,
        &comptoir::operators::Actor::test("amina"),
        "  ",
    )
    .unwrap_err();
    assert_eq!(err.code(), "reason_required");
    let err = stock::change_state(
        &mut store,
        &tag("EC-99-9999"),
        StockAction::Receive,
        &comptoir::operators::Actor::test("amina"),
        "",
    )
    .unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert!(err.to_string().contains("EC-99-9999"));
    assert_eq!(snapshot(&store), before);
}

#[test]
fn search_finds_by_tag_serial_imei_brand_and_model_without_accents_or_case() {
    let db = TestDb::new();
    let mut store = db.open();
    delivery::import(
        &mut store,
        &sample_delivery(),
        "livraison.csv",
        &comptoir::operators::Actor::test("amina"),
    )
    .unwrap();
    let find = |text: &str| -> Vec<String> {
        stock::list(
            &store,
            &StockQuery {
                text: Some(text.into()),
                ..Default::default()
            },
        )
        .unwrap()
        .into_iter()
        .map(|d| d.tag.to_string())
        .collect()
    };
    assert_eq!(find("lc-2411-0003"), ["LC-2411-0003"], "tag, any case");
    assert_eq!(find("5cg9281xyz"), ["LC-2411-0002"], "serial");
    let phone = stock::detail(&store, "LC-2411-0008").unwrap();
    assert_eq!(find(phone.device.imei.as_deref().unwrap()), ["LC-2411-0008"], "IMEI");
    assert_eq!(find("GENERIQUE souris"), ["LC-2411-0012"], "brand without its accent");
    assert_eq!(
        find("ecran 22"),
        ["LC-2411-0010", "LC-2411-0006"],
        "model without its accent"
    );
    assert_eq!(find("carbon"), ["LC-2411-0005"]);
    assert!(find("zzz-rien").is_empty());
    let smartphones_a = stock::list(
        &store,
        &StockQuery {
            kind: Some(DeviceKind::Smartphone),
            text: Some("samsung".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(smartphones_a.len(), 1);
}

#[test]
fn an_exact_code_gives_that_device_alone_and_shared_serials_do_not_jump() {
    let db = TestDb::new();
    let mut store = db.open();
    let file = "tag;kind;category;brand;model;serial\n\
                AB-0001;laptop;B;Dell;X;SAME1\n\
                AB-0002;laptop;B;HP;Y;SAME1\n\
                AB-0003;laptop;B;HP;AB-0001 compatible;UNIQUE3\n";
    delivery::import(
        &mut store,
        file.as_bytes(),
        "f.csv",
        &comptoir::operators::Actor::test("amina"),
    )
    .unwrap();
    assert_eq!(stock::find_by_code(&store, "unique3").unwrap().tag.as_str(), "AB-0003");
    assert_eq!(stock::find_by_code(&store, "SAME1").unwrap_err().code(), "not_found");
    let first = stock::list(
        &store,
        &StockQuery {
            text: Some("ab-0001".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(first.iter().map(|d| d.tag.as_str()).collect::<Vec<_>>(), ["AB-0001"]);
    // The beginning of tags gives those devices, in tag order.
    let partial = stock::list(
        &store,
        &StockQuery {
            text: Some("ab-000".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        partial.iter().map(|d| d.tag.as_str()).collect::<Vec<_>>(),
        ["AB-0001", "AB-0002", "AB-0003"]
    );
    // A code that begins no tag is searched as text (here, in a model name).
    let in_model = stock::list(
        &store,
        &StockQuery {
            text: Some("0001".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        in_model.iter().map(|d| d.tag.as_str()).collect::<Vec<_>>(),
        ["AB-0003", "AB-0001"]
    );
    // A shared serial is searched as text: both devices show, the person picks.
    let shared = stock::list(
        &store,
        &StockQuery {
            text: Some("same1".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(shared.len(), 2);
}

/// The window's in-memory stock index (issue 14's search target) answers every search the
/// stock screen offers exactly as SQL does, and follows each change of the stock: a move, an
/// import, from another connection.
#[test]
fn the_stock_index_answers_as_sql_and_follows_each_change() {
    use comptoir::device::Category;
    use comptoir::store::stock_index::SharedStockIndex;

    let db = TestDb::new();
    let mut writer = db.open();
    demo::load(&mut writer, &comptoir::operators::Actor::test("test")).unwrap();
    let plain = comptoir::Store::open_reader(&db.path, None).unwrap();
    let mut indexed = comptoir::Store::open_reader(&db.path, None).unwrap();
    indexed.share_stock_index(SharedStockIndex::new());
    let compare = |label: &str| {
        let mut answered = 0;
        for text in ["thinkpad", "latitude", "galaxy", "i5", "8 go", "mint", "zzzz", "a"] {
            for kind in [None, Some(DeviceKind::Laptop), Some(DeviceKind::Smartphone)] {
                for state in [None, Some(DeviceState::Available), Some(DeviceState::Sold)] {
                    for category in [None, Some(Category::B)] {
                        for limit in [3, 200] {
                            let query = StockQuery {
                                text: Some(text.to_string()),
                                kind,
                                state,
                                category,
                                limit,
                            };
                            let tags = |store: &comptoir::Store| -> Vec<String> {
                                stock::list(store, &query)
                                    .unwrap()
                                    .into_iter()
                                    .map(|d| d.tag.to_string())
                                    .collect()
                            };
                            let expected = tags(&plain);
                            answered += usize::from(!expected.is_empty());
                            assert_eq!(tags(&indexed), expected, "{label}: {query:?}");
                        }
                    }
                }
            }
        }
        assert!(answered > 50, "{label}: too few searches found devices ({answered})");
    };
    compare("demo centre");

    // A move from the writer: the index sees it at the next search.
    let first = stock::list(
        &plain,
        &StockQuery {
            state: Some(DeviceState::Available),
            ..StockQuery::default()
        },
    )
    .unwrap()
    .remove(0);
    stock::change_state(
        &mut writer,
        &first.tag,
        StockAction::MarkDefective,
        &comptoir::operators::Actor::test("test"),
        "écran cassé",
    )
    .unwrap();
    let defective = StockQuery {
        text: Some(first.model.to_lowercase()),
        state: Some(DeviceState::Defective),
        ..StockQuery::default()
    };
    let found = stock::list(&indexed, &defective).unwrap();
    assert!(found.iter().any(|d| d.tag == first.tag), "the move is not seen");
    compare("after a move");

    // An import: its devices are found.
    delivery::import(
        &mut writer,
        &sample_delivery(),
        "livraison.csv",
        &comptoir::operators::Actor::test("reseau"),
    )
    .unwrap();
    let query = StockQuery {
        text: Some("lc-2411".into()),
        ..StockQuery::default()
    };
    assert!(!stock::list(&indexed, &query).unwrap().is_empty());
    compare("after an import");
}
