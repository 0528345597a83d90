//! After the sale, seen by the network (issue 20, part 4): a centre's warranty returns (an
//! exchange moves the sale line to the device handed over), its loans and its recycling batch
//! reach the real hub over HTTP; the network's stock follows; `comptoir-hub quality` gives the
//! failure rates by refurbisher and model. No name reaches the hub.

use comptoir::aftersales::recycling::{self, RecycledInput, RecyclingInput};
use comptoir::aftersales::returns::{self, OutcomeInput, ReturnInput};
use comptoir::device::{AssetTag, StockAction};
use comptoir::loans::{self, GiveBackInput, LoanInput};
use comptoir::money::Money;
use comptoir::operators::Actor;
use comptoir::pos::{self, SaleRequest};
use comptoir::programme::{LegalCaps, Programme};
use comptoir::{demo, stock, sync};

mod support;
use support::*;

#[test]
fn returns_loans_and_recycling_reach_the_hub_which_counts_failures_by_model() {
    let world = World::new();
    let (store, client) = world.centre("C01");
    let amina = Actor::test("Amina");
    demo::load(&mut store.lock().unwrap(), &amina).unwrap();
    sync::round(&store, &client).unwrap();
    world
        .hub
        .admin(&["import", world.file("inv.csv", &inventory("NET", 6)).to_str().unwrap()]);
    world
        .hub
        .admin(&["allocate", "C01", "--kind", "laptop", "--count", "6"]);
    sync::round(&store, &client).unwrap();
    let caps = LegalCaps::shipped();
    let programmes = [Programme::shipped_default(&caps)];
    let tag = |i: usize| format!("NET-{i:05}");
    {
        let mut s = store.lock().unwrap();
        for i in 0..6 {
            let t = AssetTag::parse(&tag(i)).unwrap();
            stock::change_state(&mut s, &t, StockAction::Receive, &amina, "").unwrap();
            stock::change_state(&mut s, &t, StockAction::MakeAvailable, &amina, "").unwrap();
        }
        pos::open_session(&mut s, &amina, Money::ZERO).unwrap();
        // Sold to Martine, Océane and Mamadou (eligible, no laptop yet this year).
        for (i, buyer) in [(0, 1), (1, 8), (2, 9)] {
            let request = SaleRequest::one_device_in_cash(buyer, "defaut", &tag(i), 80);
            pos::create_sale(&mut s, &programmes, &caps, &request, &amina).unwrap();
        }
        let open = |s: &mut comptoir::Store, t: &str, fault: &str| {
            returns::open(
                s,
                &ReturnInput {
                    tag: t.into(),
                    fault_category: fault.into(),
                    fault: "Ne s'allume plus".into(),
                },
                &amina,
            )
            .unwrap()
            .number
        };
        let first = open(&mut s, &tag(0), "ne démarre pas");
        let close = |number: &str, outcome: &str, new_tag: Option<String>| OutcomeInput {
            number: number.into(),
            outcome: outcome.into(),
            diagnosis: "Carte mère".into(),
            new_tag,
            refund_method: None,
        };
        returns::close(&mut s, &close(&first, "échangé", Some(tag(3))), &amina).unwrap();
        let second = open(&mut s, &tag(1), "batterie");
        returns::close(&mut s, &close(&second, "réparé", None), &amina).unwrap();
        // Lent to Océane, given back in good condition.
        let loan = loans::lend(
            &mut s,
            &programmes,
            &LoanInput {
                tag: tag(4),
                person_id: 8,
                programme: "defaut".into(),
                ..Default::default()
            },
            &amina,
        )
        .unwrap();
        loans::give_back(
            &mut s,
            &GiveBackInput {
                number: loan.number.clone(),
                condition: "bon état".into(),
                ..Default::default()
            },
            &amina,
        )
        .unwrap();
        // The laptop taken back in the exchange goes to recycling, its disk destroyed.
        recycling::record(
            &mut s,
            &RecyclingInput {
                collection_point: "Envie 92".into(),
                handed_on: String::new(),
                reference: "BSD-1".into(),
                devices: vec![RecycledInput {
                    tag: tag(0),
                    destruction: "physique".into(),
                    detail: "Disque percé".into(),
                }],
            },
            &amina,
        )
        .unwrap();
    }
    let report = sync::round(&store, &client).unwrap();
    assert_eq!(report.refused, 0, "{report:?}");
    let hub = &world.hub.db;
    let state = |t: &str| -> String {
        rusqlite::Connection::open(hub)
            .unwrap()
            .query_row("SELECT state FROM devices WHERE tag = ?1", [t], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(state(&tag(0)), "recycled");
    assert_eq!(state(&tag(3)), "sold");
    assert_eq!(state(&tag(1)), "sold");
    assert_eq!(state(&tag(4)), "available");
    // The exchanged sale line now holds the device handed over; no conflict was opened.
    assert_eq!(
        hub_count(
            hub,
            &format!("SELECT count(*) FROM sale_lines WHERE tag = '{}'", tag(3))
        ),
        1
    );
    assert_eq!(
        hub_count(hub, "SELECT count(*) FROM conflicts WHERE closed_at IS NULL"),
        0
    );
    assert_eq!(
        hub_count(hub, "SELECT count(*) FROM warranty_returns WHERE outcome IS NOT NULL"),
        2
    );
    assert_eq!(
        hub_count(hub, "SELECT count(*) FROM loans WHERE status = 'returned'"),
        1
    );
    assert_eq!(
        hub_count(hub, "SELECT count(*) FROM recycled_devices WHERE tag = 'NET-00000'"),
        1
    );
    // No name, no fault text: a pseudonymous reference only.
    let events: String = rusqlite::Connection::open(hub)
        .unwrap()
        .prepare("SELECT group_concat(event, '') FROM events")
        .unwrap()
        .query_row([], |r| r.get(0))
        .unwrap();
    for name in ["Lefèvre", "Martine", "Océane", "Roux", "Ne s'allume plus"] {
        assert!(!events.contains(name), "{name} reached the hub");
    }

    // Failure rates: four of the model handed over (three sold, one given in exchange), two
    // returns: 50 %.
    let quality: serde_json::Value = serde_json::from_str(&world.hub.admin(&["quality", "--json"])).unwrap();
    let row = quality
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["model"] == "ThinkPad T480")
        .unwrap_or_else(|| panic!("{quality}"));
    assert_eq!(row["refurbisher"], "Envie");
    assert_eq!(row["sold"], 4, "{row}");
    assert_eq!(row["returns"], 2);
    assert_eq!(row["exchanged"], 1);
    assert_eq!(row["repaired"], 1);
    assert_eq!(row["rate_percent"], 50.0);
    let text = world.hub.admin(&["quality"]);
    assert!(text.contains("ThinkPad T480") && text.contains("50,0 %"), "{text}");
}

/// Issue 33, item 10: a model whose only return is still open (no outcome yet) is counted, not
/// an error (its repaired, exchanged and refunded sums were NULL).
#[test]
fn a_model_with_only_an_open_return_is_counted() {
    let world = World::new();
    let (store, client) = world.centre("C01");
    let amina = Actor::test("Amina");
    demo::load(&mut store.lock().unwrap(), &amina).unwrap();
    world
        .hub
        .admin(&["import", world.file("inv.csv", &inventory("OPN", 1)).to_str().unwrap()]);
    world
        .hub
        .admin(&["allocate", "C01", "--kind", "laptop", "--count", "1"]);
    sync::round(&store, &client).unwrap();
    let caps = LegalCaps::shipped();
    let programmes = [Programme::shipped_default(&caps)];
    {
        let mut s = store.lock().unwrap();
        let t = AssetTag::parse("OPN-00000").unwrap();
        stock::change_state(&mut s, &t, StockAction::Receive, &amina, "").unwrap();
        stock::change_state(&mut s, &t, StockAction::MakeAvailable, &amina, "").unwrap();
        if pos::current_session(&s).unwrap().is_none() {
            pos::open_session(&mut s, &amina, Money::ZERO).unwrap();
        }
        let request = SaleRequest::one_device_in_cash(8, "defaut", "OPN-00000", 80);
        pos::create_sale(&mut s, &programmes, &caps, &request, &amina).unwrap();
        returns::open(
            &mut s,
            &ReturnInput {
                tag: "OPN-00000".into(),
                fault_category: "batterie".into(),
                fault: "Ne tient plus la charge".into(),
            },
            &amina,
        )
        .unwrap();
    }
    let report = sync::round(&store, &client).unwrap();
    assert_eq!(report.refused, 0, "{report:?}");
    let quality: serde_json::Value = serde_json::from_str(&world.hub.admin(&["quality", "--json"])).unwrap();
    let row = quality
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["model"] == "ThinkPad T480")
        .unwrap_or_else(|| panic!("{quality}"));
    assert_eq!(
        (row["returns"].as_i64(), row["open"].as_i64()),
        (Some(1), Some(1)),
        "{row}"
    );
    for outcome in ["repaired", "exchanged", "refunded"] {
        assert_eq!(row[outcome], 0, "{row}");
    }
}
