//! Protocol v2 end to end (issue 17): the real hub binary on port 0 and real centre
//! databases — two registers of one centre, two centres, and a `/v1` centre. A device sold by
//! two registers is held by the first sale that reaches the hub; the second is a conflict that
//! both registers show, until a line correction (or a credit note) settles it. A device sold by
//! a centre that does not hold it stays with its owner until that centre's correction or credit
//! note, or a coordinator's cession.

mod support;
use support::*;

use std::sync::Mutex;

use comptoir::device::{AssetTag, DeviceState, StockAction};
use comptoir::money::Money;
use comptoir::operators::Actor;
use comptoir::pos::{self, DeviceRequest, PaymentMethod, SalePayment, SaleRecord, SaleRequest};
use comptoir::programme::{LegalCaps, Programme};
use comptoir::sync::{self, Client};
use comptoir::{stock, Store};

fn sophie() -> Actor {
    Actor::test("Sophie")
}

/// A post of centre `centre` numbering its receipts as `register`.
fn post(world: &World, token: &str, centre: &str, name: &str, register: &str) -> (Mutex<Store>, Client) {
    let mut store = Store::open(&world.dir.path().join(format!("{name}.sqlite"))).unwrap();
    comptoir::desk::pos::save_register(&mut store, centre, register, &sophie()).unwrap();
    (Mutex::new(store), world.client(centre, token))
}

/// The device, allocated to this post's centre (or entered here), received and put on sale,
/// with its erasure and test records.
fn shelve(store: &Mutex<Store>, tag: &str) {
    let mut s = store.lock().unwrap();
    if stock::detail(&s, tag).unwrap().device.state == DeviceState::Allocated {
        stock::change_state(
            &mut s,
            &AssetTag::parse(tag).unwrap(),
            StockAction::Receive,
            &sophie(),
            "",
        )
        .unwrap();
    }
    stock::change_state(
        &mut s,
        &AssetTag::parse(tag).unwrap(),
        StockAction::MakeAvailable,
        &sophie(),
        "",
    )
    .unwrap(); // Entered here by hand: its erasure and test are recorded from the refurbisher's papers.
    for (kind, reference) in [("erasure", "CE-MAIN"), ("test", "RT-MAIN")] {
        let input = comptoir::desk::stock::RecordInput {
            kind: kind.into(),
            tags: vec![tag.to_string()],
            method: "NIST 800-88 purge".into(),
            on: "2026-01-10".into(),
            by: "Envie".into(),
            reference: reference.into(),
            ..Default::default()
        };
        comptoir::desk::stock::record(&mut s, &input, &sophie()).unwrap();
    }
}

/// A person on the RSA, with the CAF's certificate seen ten days ago: eligible.
fn buyer(store: &mut Store) -> i64 {
    use comptoir::beneficiary::{self, Catalogue, NewPerson, PersonInput};
    let today = comptoir::local::today();
    let caps = LegalCaps::shipped();
    let catalogue = Catalogue::of(&[Programme::shipped_default(&caps)]);
    let input = PersonInput {
        last_name: "Lefèvre".into(),
        first_name: "Camille".into(),
        birth_date: Some("1990-05-04".into()),
        publics: vec!["rsa".into()],
        ..PersonInput::default()
    };
    let id = beneficiary::add(
        store,
        &NewPerson::parse(&input, &catalogue, today).unwrap(),
        true,
        &sophie(),
    )
    .unwrap();
    let issued = (today - chrono::Duration::days(10)).to_string();
    beneficiary::add_proof(store, id, "attestation_caf", &issued, &sophie(), &catalogue, today).unwrap();
    id
}

/// Sells the devices at 80 € each, paid in cash, to a new eligible person.
fn sell(store: &Mutex<Store>, tags: &[&str]) -> SaleRecord {
    let mut s = store.lock().unwrap();
    if pos::current_session(&s).unwrap().is_none() {
        pos::open_session(&mut s, &sophie(), Money::ZERO).unwrap();
    }
    let person = buyer(&mut s);
    let caps = LegalCaps::shipped();
    let request = SaleRequest {
        reserved_override: None,
        records_override: None,
        uuid: uuid::Uuid::now_v7(),
        person_id: Some(person),
        programme: Some("defaut".into()),
        devices: tags
            .iter()
            .map(|t| DeviceRequest {
                tag: t.to_string(),
                price: Some(Money::from_euros(80)),
            })
            .collect(),
        items: vec![],
        payments: vec![SalePayment {
            method: PaymentMethod::Cash,
            amount: Money::from_euros(80 * tags.len() as i64),
            reference: None,
        }],
    };
    pos::create_sale(&mut s, &[Programme::shipped_default(&caps)], &caps, &request, &sophie()).unwrap()
}

fn state(store: &Mutex<Store>, tag: &str) -> DeviceState {
    stock::detail(&store.lock().unwrap(), tag).unwrap().device.state
}

fn open_conflicts(store: &Mutex<Store>) -> Vec<sync::Conflict> {
    sync::status(&store.lock().unwrap())
        .unwrap()
        .conflicts
        .into_iter()
        .filter(|c| c.closed_at.is_none())
        .collect()
}

fn hub_text(world: &World, sql: &str) -> String {
    rusqlite::Connection::open(&world.hub.db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

/// The sale (its id) that holds the device at the hub.
fn holder(world: &World, tag: &str) -> String {
    hub_text(world, &format!("SELECT sold_sale FROM devices WHERE tag = '{tag}'"))
}

/// The network's devices NET-00000… allocated to `centre`.
fn allocate(world: &World, centre: &str, n: usize) {
    let file = world.file(
        &format!("inventaire-{centre}.csv"),
        &inventory(&format!("NET{centre}"), n),
    );
    world.hub.admin(&["import", file.to_str().unwrap()]);
    let tags: Vec<String> = (0..n).map(|i| format!("NET{centre}-{i:05}")).collect();
    world.hub.admin(&["allocate", centre, "--tags", &tags.join(",")]);
}

#[test]
fn two_registers_selling_one_device_keep_both_sales_and_a_line_correction_settles_the_conflict() {
    let world = World::new();
    let token = world.hub.admin(&["centre", "create", "C01", "--name", "Centre C01"]);
    allocate(&world, "C01", 3);
    let (r1, r1_client) = post(&world, token.trim(), "C01", "poste-1", "R1");
    let (r2, r2_client) = post(&world, token.trim(), "C01", "poste-2", "R2");
    for (store, client) in [(&r1, &r1_client), (&r2, &r2_client)] {
        sync::round(store, client).unwrap();
        shelve(store, "NETC01-00000");
    }
    shelve(&r2, "NETC01-00001");

    // Offline, both registers sell NETC01-00000: R2 scanned the wrong label (it handed over
    // NETC01-00001).
    let first = sell(&r1, &["NETC01-00000"]);
    let second = sell(&r2, &["NETC01-00000"]);
    assert_eq!(sync::round(&r1, &r1_client).unwrap().conflicts_reported, 0);
    let report = sync::round(&r2, &r2_client).unwrap();
    assert_eq!(report.conflicts_reported, 1, "{report:?}");

    // The hub keeps both sales whole, the device held by the first to arrive.
    assert_eq!(
        hub_count(&world.hub.db, "SELECT count(*) FROM sales WHERE centre_id = 'C01'"),
        2
    );
    assert_eq!(holder(&world, "NETC01-00000"), first.uuid);
    assert_eq!(
        hub_count(
            &world.hub.db,
            "SELECT count(*) FROM conflicts WHERE kind = 'double_sale' AND closed_at IS NULL"
        ),
        1
    );

    // Both registers show it, with what to do.
    let on_r2 = open_conflicts(&r2);
    assert_eq!(on_r2.len(), 1, "{on_r2:?}");
    let message = &on_r2[0].message;
    for part in [
        "NETC01-00000",
        "vendu deux fois",
        "caisse R1",
        "caisse R2",
        "Corriger une ligne",
        "avoir",
    ] {
        assert!(message.contains(part), "« {part} » missing from: {message}");
    }
    assert_eq!(sync::status(&r2.lock().unwrap()).unwrap().open_conflicts, 1);
    assert!(open_conflicts(&r1).is_empty(), "R1 learns it at its next pull");
    sync::round(&r1, &r1_client).unwrap();
    let on_r1 = open_conflicts(&r1);
    assert_eq!(on_r1.len(), 1);
    assert_eq!(on_r1[0].hub_id, on_r2[0].hub_id);
    assert_eq!(on_r1[0].tag.as_deref(), Some("NETC01-00000"));
    // Pulled again, nothing is shown twice, and the register whose sale caused it has its tag
    // too (issue 33, item 6: its copy came first from the acknowledgement, without the tag).
    sync::round(&r2, &r2_client).unwrap();
    let on_r2 = open_conflicts(&r2);
    assert_eq!(on_r2.len(), 1);
    assert_eq!(on_r2[0].tag.as_deref(), Some("NETC01-00000"), "{on_r2:?}");

    // R2's manager corrects the line to the device really handed over.
    let fixed = pos::correct_line(
        &mut r2.lock().unwrap(),
        &second.receipt,
        1,
        "netc01-00001",
        "étiquette mal scannée",
        &sophie(),
    )
    .unwrap();
    assert_eq!(
        (fixed.from_tag.as_str(), fixed.to_tag.as_str()),
        ("NETC01-00000", "NETC01-00001")
    );
    assert_eq!(state(&r2, "NETC01-00000"), DeviceState::Available);
    assert_eq!(state(&r2, "NETC01-00001"), DeviceState::Sold);
    let corrected = pos::sale(&r2.lock().unwrap(), &second.receipt).unwrap();
    assert_eq!(corrected.lines[0].tag.as_deref(), Some("NETC01-00001"));
    assert_eq!(corrected.lines[0].corrected_from.as_deref(), Some("NETC01-00000"));
    let journal = comptoir::journal::list(
        &r2.lock().unwrap(),
        &comptoir::journal::JournalFilter {
            kind: Some("line_correction".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(journal.total, 1);
    assert!(journal.entries[0].summary.contains("étiquette mal scannée"));
    assert!(comptoir::journal::verify(r2.lock().unwrap().db())
        .unwrap()
        .broken
        .is_none());

    // The hub closes the conflict when the correction reaches it; both registers see it closed.
    sync::round(&r2, &r2_client).unwrap();
    assert_eq!(
        hub_count(&world.hub.db, "SELECT count(*) FROM conflicts WHERE closed_at IS NULL"),
        0
    );
    assert_eq!(
        holder(&world, "NETC01-00000"),
        first.uuid,
        "R1's sale keeps the device its « back in stock » did not free"
    );
    assert_eq!(holder(&world, "NETC01-00001"), second.uuid);
    assert_eq!(
        hub_text(
            &world,
            &format!("SELECT tag FROM sale_lines WHERE sale_uuid = '{}'", second.uuid)
        ),
        "NETC01-00001"
    );
    assert!(open_conflicts(&r2).is_empty());
    assert_eq!(sync::status(&r2.lock().unwrap()).unwrap().open_conflicts, 0);
    sync::round(&r1, &r1_client).unwrap();
    assert!(open_conflicts(&r1).is_empty());
    let settled = &sync::status(&r1.lock().unwrap()).unwrap().conflicts[0];
    assert!(
        settled.closed_how.as_deref().unwrap().contains("NETC01-00001"),
        "{settled:?}"
    );
    let listing = world.hub.admin(&["conflicts"]);
    assert!(
        listing.contains("réglé le") && listing.contains("double_sale"),
        "{listing}"
    );

    // A correction the rules refuse writes nothing.
    let refused = pos::correct_line(
        &mut r2.lock().unwrap(),
        &second.receipt,
        1,
        "NETC01-00002",
        "x",
        &sophie(),
    );
    assert!(refused.is_err());
}

/// Two centres, C01 owning NETC01-00000 and shelving it, C02 having entered the same tag by
/// hand (a mistake) and shelved it too.
fn one_device_in_two_centres(world: &World) -> [(Mutex<Store>, Client); 2] {
    let t1 = world.hub.admin(&["centre", "create", "C01", "--name", "Centre C01"]);
    let t2 = world.hub.admin(&["centre", "create", "C02", "--name", "Centre C02"]);
    allocate(world, "C01", 1);
    let (c1, c1_client) = post(world, t1.trim(), "C01", "c01", "R1");
    let (c2, c2_client) = post(world, t2.trim(), "C02", "c02", "R1");
    sync::round(&c1, &c1_client).unwrap();
    shelve(&c1, "NETC01-00000");
    {
        let mut s = c2.lock().unwrap();
        let fields: std::collections::BTreeMap<String, String> = [
            ("tag", "NETC01-00000"),
            ("kind", "laptop"),
            ("category", "B"),
            ("brand", "Dell"),
            ("model", "Latitude"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        comptoir::desk::stock::add(&mut s, &fields, &sophie()).unwrap();
    }
    shelve(&c2, "NETC01-00000");
    [(c1, c1_client), (c2, c2_client)]
}

/// The device's centre, state and holding sale at the hub.
fn at_hub(world: &World, tag: &str) -> String {
    hub_text(
        world,
        &format!(
            "SELECT centre_id || ' ' || state || ' ' || coalesce(sold_sale, '-') FROM devices WHERE tag = '{tag}'"
        ),
    )
}

/// Issue 33, item 2: a centre's token changes only what that centre holds. C02 selling C01's
/// device leaves it with C01 (on sale there), in a conflict told to both; C01 still sells it;
/// C02's credit note settles the conflict.
#[test]
fn a_device_of_another_centre_sold_stays_with_its_owner_and_a_credit_note_settles_it() {
    let world = World::new();
    let [(c1, c1_client), (c2, c2_client)] = one_device_in_two_centres(&world);
    let before = at_hub(&world, "NETC01-00000");
    assert!(before.starts_with("C01 allocated -"), "{before}");

    let wrong = sell(&c2, &["NETC01-00000"]);
    let report = sync::round(&c2, &c2_client).unwrap();
    assert_eq!(report.conflicts_reported, 1, "{report:?}");
    let told = &open_conflicts(&c2)[0];
    assert!(
        told.message.contains("appartient au centre C01") && told.message.contains("il y reste"),
        "{}",
        told.message
    );
    assert!(
        told.message.contains("céder l'appareil au centre C02"),
        "{}",
        told.message
    );
    assert_eq!(
        at_hub(&world, "NETC01-00000"),
        before,
        "the device stays with its owner, unsold"
    );
    // The sale itself is kept (the funder's figures count it), only its line waits.
    assert_eq!(
        hub_count(
            &world.hub.db,
            &format!("SELECT count(*) FROM sale_lines WHERE sale_uuid = '{}'", wrong.uuid)
        ),
        1
    );
    sync::round(&c1, &c1_client).unwrap();
    assert_eq!(open_conflicts(&c1).len(), 1, "the owner is told too");

    // C01 sells its device: no new conflict, C01's sale holds it.
    let right = sell(&c1, &["NETC01-00000"]);
    assert_eq!(sync::round(&c1, &c1_client).unwrap().conflicts_reported, 0);
    assert_eq!(holder(&world, "NETC01-00000"), right.uuid);
    // Ceding it now is refused, in French, and changes nothing.
    let id: i64 = hub_text(
        &world,
        "SELECT CAST(id AS TEXT) FROM conflicts WHERE kind = 'other_centre'",
    )
    .parse()
    .unwrap();
    let mut conn = rusqlite::Connection::open(&world.hub.db).unwrap();
    let refused = comptoir_hub::db::cede_to_seller(&mut conn, id).unwrap_err().to_string();
    assert!(refused.contains("déjà vendu par la ligne 1 du ticket"), "{refused}");
    assert_eq!(holder(&world, "NETC01-00000"), right.uuid);

    // C02 cancels its sale with a credit note: the conflict closes, C01's sale still holds it.
    pos::cancel_sale(
        &mut c2.lock().unwrap(),
        &wrong.receipt,
        None,
        "appareil d'un autre centre",
        PaymentMethod::Cash,
        false,
        &sophie(),
    )
    .unwrap();
    sync::round(&c2, &c2_client).unwrap();
    assert_eq!(
        hub_count(&world.hub.db, "SELECT count(*) FROM conflicts WHERE closed_at IS NULL"),
        0
    );
    assert_eq!(holder(&world, "NETC01-00000"), right.uuid);
    assert_eq!(
        hub_text(&world, "SELECT state FROM devices WHERE tag = 'NETC01-00000'"),
        "sold"
    );
    sync::round(&c1, &c1_client).unwrap();
    assert!(open_conflicts(&c1).is_empty() && open_conflicts(&c2).is_empty());
}

/// Issue 33, item 2: a coordinator settles the conflict in the console by ceding the device to
/// the centre that sold it: the device leaves C01 (recalled there), C02's sale holds it, the
/// conflict closes at both centres, the act is in the audit log, and it cannot be done twice.
#[test]
fn a_coordinator_cedes_a_device_to_the_centre_that_sold_it() {
    use support::console;
    let world = World::new();
    let [(c1, c1_client), (c2, c2_client)] = one_device_in_two_centres(&world);
    let wrong = sell(&c2, &["NETC01-00000"]);
    sync::round(&c2, &c2_client).unwrap();
    sync::round(&c1, &c1_client).unwrap();

    console::user(
        &world,
        &["add", "claire", "--name", "Claire", "--role", "coordinateur"],
        "un mot de passe long",
    );
    let session = console::log_in(&world.hub.url, "claire", "un mot de passe long").unwrap();
    let page = console::get(&world.hub.url, "/console/conflits", &session)
        .text()
        .unwrap();
    assert!(page.contains("Céder l'appareil au centre C02"), "{page}");
    let id = hub_text(
        &world,
        "SELECT CAST(id AS TEXT) FROM conflicts WHERE kind = 'other_centre'",
    );
    let csrf = console::csrf_of(&page);
    let cede = |csrf: &str| {
        console::post(
            &world.hub.url,
            "/console/conflits/ceder",
            &session,
            &[("csrf", csrf), ("conflict", id.as_str())],
        )
    };
    // Without the session's token: refused, nothing moves.
    assert_eq!(cede("faux").status(), reqwest::StatusCode::FORBIDDEN);
    let unmoved = at_hub(&world, "NETC01-00000");
    assert!(unmoved.starts_with("C01 ") && unmoved.ends_with(" -"), "{unmoved}");

    let done = cede(&csrf);
    assert_eq!(done.status(), reqwest::StatusCode::OK);
    let text = done.text().unwrap();
    assert!(
        text.contains("NETC01-00000 passe du centre C01 au centre C02"),
        "{text}"
    );
    assert_eq!(at_hub(&world, "NETC01-00000"), format!("C02 sold {}", wrong.uuid));
    assert_eq!(
        hub_count(&world.hub.db, "SELECT count(*) FROM conflicts WHERE closed_at IS NULL"),
        0
    );
    assert_eq!(
        hub_count(
            &world.hub.db,
            "SELECT count(*) FROM audit WHERE action = 'cession d''appareil' AND detail LIKE '%NETC01-00000%'"
        ),
        1
    );
    // Twice: refused, said in French.
    let again = cede(&csrf);
    assert_eq!(again.status(), reqwest::StatusCode::BAD_REQUEST);
    assert!(again.text().unwrap().contains("déjà réglé"));

    // The centres learn it: C01's device leaves its stock, both conflicts close.
    sync::round(&c1, &c1_client).unwrap();
    sync::round(&c2, &c2_client).unwrap();
    assert_eq!(state(&c1, "NETC01-00000"), DeviceState::Returned);
    assert_eq!(state(&c2, "NETC01-00000"), DeviceState::Sold);
    assert!(open_conflicts(&c1).is_empty() && open_conflicts(&c2).is_empty());
}

/// A centre on the previous version speaks `/v1`: its pushes and pulls keep working with the
/// new hub, what it does not send is « inconnu », and its feed never carries a conflict.
#[test]
fn a_v1_centre_still_syncs_with_the_new_hub() {
    let world = World::new();
    let token = world.hub.admin(&["centre", "create", "C09", "--name", "Ancien"]);
    let token = token.trim();
    allocate(&world, "C09", 2);
    let http = reqwest::blocking::Client::new();
    let url = |path: &str| format!("{}/v1/centres/C09{path}", world.hub.url);

    let page: serde_json::Value = http
        .get(url("/changes?after=0"))
        .bearer_auth(token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(page["changes"].as_array().unwrap().len(), 2, "{page}");
    // A v1 sale line, then the same device sold again by a v1 line: a conflict, kept.
    let sold = |uuid: &str| {
        serde_json::json!({"uuid": uuid, "at": "2026-12-01T10:00:00Z", "type": "sold", "date": "2026-12-01",
            "tag": "NETC09-00000", "kind": "laptop", "category": "B", "quantity": 1, "price_cents": 8000,
            "programme": "defaut", "publics": ["rsa"]})
    };
    let push = |events: serde_json::Value| -> serde_json::Value {
        let response = http
            .post(url("/events"))
            .bearer_auth(token)
            .json(&serde_json::json!({ "events": events }))
            .send()
            .unwrap();
        assert_eq!(response.status(), 200);
        response.json().unwrap()
    };
    let acks = push(serde_json::json!([sold("v1-vente-1"), sold("v1-vente-2"),
        {"uuid": "v1-avoir-1", "at": "2026-12-01T11:00:00Z", "type": "cancelled", "date": "2026-12-01",
         "amount_cents": 8000, "refund": "cash"}]));
    let statuses: Vec<&str> = acks["acks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["accepted", "conflict", "accepted"], "{acks}");
    assert_eq!(
        hub_count(
            &world.hub.db,
            "SELECT count(*) FROM sales WHERE centre_id = 'C09' AND register IS NULL AND person_ref IS NULL AND protocol = 'v1'"
        ),
        2
    );
    // The v1 feed skips the conflict the v2 feed carries.
    let v1: serde_json::Value = http
        .get(url("/changes?after=0"))
        .bearer_auth(token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(
        v1["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["type"] != "conflict"),
        "{v1}"
    );
    let v2: serde_json::Value = http
        .get(format!("{}/v2/centres/C09/changes?after=0", world.hub.url))
        .bearer_auth(token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(
        v2["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["type"] == "conflict"),
        "{v2}"
    );
    // Its answers still parse as /v1 shapes: an ack without `conflict`, a page as before.
    let _: comptoir::sync::protocol::ChangesPage = serde_json::from_value(v1).unwrap();
}

/// What the hub receives about a sale, exactly: the test lists every field.
#[test]
fn the_hub_receives_about_a_sale_only_these_facts() {
    let world = World::new();
    let (store, client) = world.centre("C01");
    comptoir::demo::load(&mut store.lock().unwrap(), &Actor::test("test")).unwrap();
    let settings = comptoir::model::centre::CentreInput {
        name: "Centre social Les Tilleuls".into(),
        address: "12 rue des Tilleuls\n93200 Saint-Denis".into(),
        paper: "a4".into(),
        ..Default::default()
    };
    comptoir::centre::save(&mut store.lock().unwrap(), &settings, &sophie()).unwrap();
    sync::round(&store, &client).unwrap();
    let events: Vec<serde_json::Value> = {
        let conn = rusqlite::Connection::open(&world.hub.db).unwrap();
        let mut stmt = conn.prepare("SELECT event FROM events WHERE type = 'sale'").unwrap();
        stmt.query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(|e| serde_json::from_str(&e.unwrap()).unwrap())
            .collect()
    };
    assert!(!events.is_empty());
    let keys = |v: &serde_json::Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    let mut refs = std::collections::BTreeMap::new();
    for event in &events {
        assert_eq!(
            keys(event),
            [
                "date",
                "lines",
                "payments",
                "person",
                "programme",
                "publics",
                "receipt_seq",
                "register",
                "type"
            ],
            "{event}"
        );
        for line in event["lines"].as_array().unwrap() {
            // A device's provenance (its donor, as the delivery file named it) goes with its
            // line when it has one (the demo's devices do).
            let mut line_keys = keys(line);
            line_keys.retain(|k| k != "provenance");
            assert_eq!(
                line_keys,
                ["category", "kind", "line_no", "quantity", "tag", "unit_cents"]
            );
        }
        for payment in event["payments"].as_array().unwrap() {
            assert_eq!(keys(payment), ["amount_cents", "method"]);
        }
        assert_eq!(event["register"], "R1");
        if let Some(person) = event["person"].as_str() {
            assert_eq!(person.len(), 32);
            assert!(person.chars().all(|c| c.is_ascii_hexdigit()));
            *refs.entry(person.to_string()).or_insert(0) += 1;
        }
    }
    // One reference per person, the same at each of their sales, none derived from them.
    let people = count(
        &store,
        "SELECT count(DISTINCT coalesce(p.merged_into, p.id)) FROM sales s JOIN people p ON p.id = s.person_id",
    );
    assert_eq!(refs.len() as i64, people);
    // The journal head and the centre's settings came with the push.
    let (entries, hash) = comptoir::store::journal::head(store.lock().unwrap().db())
        .unwrap()
        .unwrap();
    assert_eq!(
        hub_text(
            &world,
            &format!(
                "SELECT hash FROM journal_heads WHERE centre_id = 'C01' AND register = 'R1' AND entries = {entries}"
            )
        ),
        hash
    );
    assert_eq!(
        hub_text(
            &world,
            "SELECT declared_name || '|' || commune || '|' || postcode || '|' || departement FROM centres WHERE id = 'C01'"
        ),
        "Centre social Les Tilleuls|Saint-Denis|93200|93"
    );
    // Sent again only when they change.
    let received_at = |world: &World| hub_text(world, "SELECT settings_at FROM centres WHERE id = 'C01'");
    let first = received_at(&world);
    sync::round(&store, &client).unwrap();
    assert_eq!(received_at(&world), first, "unchanged settings are not sent again");
    let renamed = comptoir::model::centre::CentreInput {
        name: "Centre social Les Tilleuls et les Lilas".into(),
        ..settings
    };
    comptoir::centre::save(&mut store.lock().unwrap(), &renamed, &sophie()).unwrap();
    sync::round(&store, &client).unwrap();
    assert_eq!(
        hub_text(&world, "SELECT declared_name FROM centres WHERE id = 'C01'"),
        "Centre social Les Tilleuls et les Lilas"
    );
    // An erased person keeps their reference (the hub's counts stay true), and nothing else.
    let (id, reference): (i64, String) = store
        .lock()
        .unwrap()
        .sql()
        .query_row(
            "SELECT id, hub_ref FROM people WHERE hub_ref IS NOT NULL ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    comptoir::privacy::erase(&mut store.lock().unwrap(), id, "demande de la personne", &sophie()).unwrap();
    let kept: String = store
        .lock()
        .unwrap()
        .sql()
        .query_row("SELECT hub_ref FROM people WHERE id = ?1", [id], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, reference);
}
