//! Sync end to end: the real `comptoir-hub` binary on 127.0.0.1 port 0 with its own SQLite
//! file, and centres' real Comptoir databases syncing with it through the core's client.
//! A misbehaving hub (500, garbage, truncated body, silence) is a small raw TCP server of this
//! file: a test double for a broken network, named as such.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use comptoir::device::{AssetTag, StockAction};
use comptoir::money::Money;
use comptoir::pos::{self, DeviceRequest, PaymentMethod, SalePayment, SaleRequest};
use comptoir::programme::{LegalCaps, Programme};
use comptoir::sync::{self, protocol::AckStatus, Client, HubConfig};
use comptoir::{delivery, demo, stock, Store};

mod support;
use support::*;

#[test]
fn an_initial_pull_of_10000_devices_then_incremental_pulls() {
    let world = World::new();
    let (store, client) = world.centre("C01");
    let file = world.file("inventaire.csv", &inventory("LC", 10_050));
    world.hub.admin(&["import", file.to_str().unwrap()]);
    world
        .hub
        .admin(&["allocate", "C01", "--kind", "laptop", "--count", "10000"]);

    let report = sync::round(&store, &client).unwrap();
    assert_eq!(report.pulled, 10_000);
    assert_eq!(report.allocated, 10_000);
    assert_eq!(
        count(&store, "SELECT count(*) FROM devices WHERE state = 'allocated'"),
        10_000
    );
    // What came from the hub is not echoed back to it.
    assert_eq!(count(&store, "SELECT count(*) FROM outbox"), 0);

    world
        .hub
        .admin(&["allocate", "C01", "--kind", "laptop", "--count", "50"]);
    let report = sync::round(&store, &client).unwrap();
    assert_eq!((report.pulled, report.allocated), (50, 50));
    let again = sync::round(&store, &client).unwrap();
    assert_eq!((again.pulled, again.pushed), (0, 0));
    assert_eq!(count(&store, "SELECT count(*) FROM devices"), 10_050);

    // Receiving one at the desk is pushed; the hub's stock follows.
    let tag = AssetTag::parse("LC-00007").unwrap();
    stock::change_state(
        &mut store.lock().unwrap(),
        &tag,
        StockAction::Receive,
        &comptoir::operators::Actor::test("Amina"),
        "",
    )
    .unwrap();
    let report = sync::round(&store, &client).unwrap();
    assert_eq!(report.pushed, 1);
    assert_eq!(
        hub_count(
            &world.hub.db,
            "SELECT count(*) FROM devices WHERE tag = 'LC-00007' AND state = 'received'"
        ),
        1
    );
    let status = sync::status(&store.lock().unwrap()).unwrap();
    assert_eq!(status.waiting, 0);
    assert!(status.last_success.is_some() && status.last_error.is_none());
}

#[test]
fn pushes_are_idempotent_and_carry_no_name() {
    let world = World::new();
    let (store, client) = world.centre("C01");
    demo::load(&mut store.lock().unwrap(), &comptoir::operators::Actor::test("test")).unwrap();
    let waiting = count(&store, "SELECT count(*) FROM outbox WHERE acked_at IS NULL");
    assert!(waiting > 64, "the demo's devices and sales are queued: {waiting}");

    let report = sync::round(&store, &client).unwrap();
    assert_eq!(report.pushed as i64, waiting);
    assert_eq!(hub_count(&world.hub.db, "SELECT count(*) FROM events"), waiting);
    // One `sale` event a sale (protocol v2), each kept with its lines.
    let sales = count(&store, "SELECT count(*) FROM sales");
    assert!(sales >= 5, "{sales}");
    assert_eq!(
        hub_count(&world.hub.db, "SELECT count(*) FROM events WHERE type = 'sale'"),
        sales
    );
    assert_eq!(hub_count(&world.hub.db, "SELECT count(*) FROM sales"), sales);
    assert_eq!(
        hub_count(&world.hub.db, "SELECT count(*) FROM sale_lines"),
        count(&store, "SELECT count(*) FROM sale_lines")
    );
    // Sale events have the publics, never a name: search the hub's file for the buyers' names.
    let hub_bytes = std::fs::read(&world.hub.db).unwrap();
    let wal = std::fs::read(world.hub.db.with_extension("sqlite-wal")).unwrap_or_default();
    for name in ["Lefèvre", "LEFEVRE", "Martine", "Benali", "Garnier"] {
        for bytes in [&hub_bytes, &wal] {
            assert!(
                !bytes.windows(name.len()).any(|w| w == name.as_bytes()),
                "{name} reached the hub"
            );
        }
    }
    let publics: String = rusqlite::Connection::open(&world.hub.db)
        .unwrap()
        .query_row("SELECT event FROM events WHERE type = 'sale' LIMIT 1", [], |r| r.get(0))
        .unwrap();
    assert!(publics.contains("\"publics\":["), "{publics}");

    // Sending the same events again records nothing twice.
    let events: Vec<sync::protocol::Event> = store
        .lock()
        .unwrap()
        .sql()
        .prepare("SELECT uuid, created_at, event FROM outbox ORDER BY id LIMIT 20")
        .unwrap()
        .query_map([], |r| {
            Ok(sync::protocol::Event {
                uuid: r.get(0)?,
                at: r.get(1)?,
                body: serde_json::from_str(&r.get::<_, String>(2)?).unwrap(),
            })
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let response = client.push(&events, None, None).unwrap();
    assert!(response.acks.iter().all(|a| a.status == AckStatus::Duplicate));
    assert_eq!(hub_count(&world.hub.db, "SELECT count(*) FROM events"), waiting);
}

#[test]
fn the_hub_killed_mid_push_and_restarted_loses_and_duplicates_nothing() {
    let mut world = World::new();
    let (store, client) = world.centre("C01");
    // 6,000 devices entered at the centre: 6,000 events, 12 batches.
    let file = world.file("livraison.csv", &inventory("LOC", 6_000));
    delivery::import(
        &mut store.lock().unwrap(),
        &std::fs::read(&file).unwrap(),
        "livraison.csv",
        &comptoir::operators::Actor::test("Amina"),
    )
    .unwrap();
    let total = count(&store, "SELECT count(*) FROM outbox");
    assert_eq!(total, 6_000);

    let port = world.hub.port();
    let store = Arc::new(store);
    let round = {
        let store = store.clone();
        let mut client = client;
        client.attempts = 1;
        std::thread::spawn(move || sync::round(&store, &client))
    };
    // Kill the hub while batches are flowing.
    std::thread::sleep(Duration::from_millis(150));
    world.hub.kill();
    let first = round.join().unwrap();
    let acked_before = count(&store, "SELECT count(*) FROM outbox WHERE acked_at IS NOT NULL");
    let on_hub_before = hub_count(&world.hub.db, "SELECT count(*) FROM events");
    eprintln!("killed after {acked_before} of {total} acknowledged, {on_hub_before} on the hub: {first:?}");
    assert!(first.is_err() || acked_before == total, "{first:?}");
    assert!(
        on_hub_before >= acked_before,
        "every event acknowledged here is on the hub"
    );

    // Restarted on the same port and database: the rest goes, nothing twice.
    world.hub = RunningHub::start(&world.dir.path().join("hub.sqlite"), &format!("127.0.0.1:{port}"));
    let token = world.hub.admin(&["centre", "token", "C01"]);
    let client = world.client("C01", token.trim());
    sync::round(&store, &client).unwrap();
    assert_eq!(count(&store, "SELECT count(*) FROM outbox WHERE acked_at IS NULL"), 0);
    assert_eq!(hub_count(&world.hub.db, "SELECT count(*) FROM events"), total);
    assert_eq!(
        hub_count(&world.hub.db, "SELECT count(DISTINCT uuid) FROM events"),
        total,
        "no event recorded twice"
    );
    assert_eq!(
        hub_count(&world.hub.db, "SELECT count(*) FROM devices WHERE centre_id = 'C01'"),
        total
    );
}

/// A test double for a broken hub: answers every connection with `reply` (or holds it open,
/// silent, when `reply` is None), and counts the connections.
fn broken_hub(reply: Option<&'static [u8]>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            counter.fetch_add(1, Ordering::SeqCst);
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
                let _ = stream.read(&mut buf);
                match reply {
                    Some(bytes) => {
                        let _ = stream.write_all(bytes);
                    }
                    None => std::thread::sleep(Duration::from_secs(5)),
                }
            });
        }
    });
    (url, hits)
}

#[test]
fn a_hub_answering_500_garbage_a_truncated_body_or_nothing_is_retried_and_nothing_is_applied() {
    let world = World::new();
    let (store, real_client) = world.centre("C01");
    world
        .hub
        .admin(&["import", world.file("inv.csv", &inventory("LC", 5)).to_str().unwrap()]);
    world
        .hub
        .admin(&["allocate", "C01", "--kind", "laptop", "--count", "5"]);
    let cases: [(Option<&'static [u8]>, &str); 4] = [
        (
            Some(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
            "hub_error",
        ),
        (
            Some(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 12\r\nConnection: close\r\n\r\n{\"changes\": "),
            "hub_garbage",
        ),
        (
            Some(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n{\"hub_id\":\"x\",\"changes\":[{\"seq\":1,"),
            "hub_garbage",
        ),
        (None, "hub_unreachable"),
    ];
    for (reply, code) in cases {
        let (url, hits) = broken_hub(reply);
        let mut client = Client::new(HubConfig::parse(&url, "C01").unwrap(), "x".repeat(32))
            .unwrap()
            .with_timeout(Duration::from_millis(700), Duration::from_millis(700))
            .unwrap();
        client.attempts = 3;
        client.backoff = Duration::from_millis(10);
        let err = sync::round(&store, &client).unwrap_err();
        assert_eq!(err.code(), code, "{err}");
        assert_eq!(hits.load(Ordering::SeqCst), 3, "{code}: retried");
        assert_eq!(
            count(&store, "SELECT count(*) FROM devices"),
            0,
            "{code}: nothing applied"
        );
        let status = sync::status(&store.lock().unwrap()).unwrap();
        assert_eq!(status.cursor, 0);
        assert_eq!(status.last_error.as_deref(), Some(err.to_string().as_str()));
    }
    // The hub back: everything arrives, once.
    let report = sync::round(&store, &real_client).unwrap();
    assert_eq!(report.allocated, 5);
    assert!(sync::status(&store.lock().unwrap()).unwrap().last_error.is_none());
    // Each device arrives with the erasure and test records of the refurbisher's file.
    let facts = comptoir::stock::detail(&store.lock().unwrap(), "LC-00003")
        .unwrap()
        .facts;
    let erasure = facts.iter().find(|f| f.label == "Effacement des données").unwrap();
    assert!(
        erasure
            .value
            .starts_with("NIST 800-88 purge, le 10/01/2026, par Envie ; certificat CE-LC-3 (reçu du réseau le "),
        "{}",
        erasure.value
    );
    assert!(facts
        .iter()
        .any(|f| f.label == "Test de fonctionnement" && f.value.contains("rapport RT-LC-3")));
}

#[test]
fn a_wrong_or_revoked_token_is_401_and_another_centres_data_is_refused() {
    let world = World::new();
    let (store_a, _) = world.centre("C01");
    let (store_b, client_b) = world.centre("C02");
    let wrong = world.client("C01", "0123456789abcdef0123456789abcdef");
    let err = sync::round(&store_a, &wrong).unwrap_err();
    assert_eq!(err.code(), "hub_unauthorized");
    assert!(err.to_string().contains("jeton révoqué ou erroné"), "{err}");
    assert!(
        !err.to_string().contains("0123456789abcdef"),
        "the token never appears in a message"
    );

    // Centre A's token on centre B's feed.
    let token_a = world.hub.admin(&["centre", "token", "C01"]);
    let a_as_b = world.client("C02", token_a.trim());
    let err = sync::round(&store_b, &a_as_b).unwrap_err();
    assert_eq!(err.code(), "hub_forbidden", "{err}");

    // A device of centre B reported by centre A: refused, B's device untouched.
    world
        .hub
        .admin(&["import", world.file("inv.csv", &inventory("LC", 2)).to_str().unwrap()]);
    world.hub.admin(&["allocate", "C02", "--tags", "LC-00000"]);
    let client_a = world.client("C01", token_a.trim());
    let response = client_a
        .push(
            &[sync::protocol::Event {
                uuid: "intrus-1".into(),
                at: "2026-11-22T10:00:00Z".into(),
                body: sync::protocol::EventBody::Defective { tag: "LC-00000".into() },
            }],
            None,
            None,
        )
        .unwrap();
    assert_eq!(response.acks[0].status, AckStatus::Refused);
    assert_eq!(
        hub_count(
            &world.hub.db,
            "SELECT count(*) FROM devices WHERE tag = 'LC-00000' AND state = 'allocated'"
        ),
        1
    );
    drop(client_b);

    // Revoked: 401, the local data untouched.
    world.hub.admin(&["centre", "revoke", "C01"]);
    let before = count(&store_a, "SELECT count(*) FROM outbox");
    let err = sync::round(&store_a, &client_a).unwrap_err();
    assert_eq!(err.code(), "hub_unauthorized");
    assert_eq!(count(&store_a, "SELECT count(*) FROM outbox"), before);
    let _ = client_a;
}

#[test]
fn a_device_recalled_by_the_hub_but_sold_offline_keeps_its_sale_and_both_sides_show_the_conflict() {
    let world = World::new();
    let (store, client) = world.centre("C01");
    demo::load(&mut store.lock().unwrap(), &comptoir::operators::Actor::test("test")).unwrap();
    sync::round(&store, &client).unwrap();
    world
        .hub
        .admin(&["import", world.file("inv.csv", &inventory("NET", 1)).to_str().unwrap()]);
    world.hub.admin(&["allocate", "C01", "--tags", "NET-00000"]);
    sync::round(&store, &client).unwrap();

    // Offline: received, put on sale, sold to Martine (eligible in the demo).
    {
        let mut s = store.lock().unwrap();
        let tag = AssetTag::parse("NET-00000").unwrap();
        stock::change_state(
            &mut s,
            &tag,
            StockAction::Receive,
            &comptoir::operators::Actor::test("Amina"),
            "",
        )
        .unwrap();
        stock::change_state(
            &mut s,
            &tag,
            StockAction::MakeAvailable,
            &comptoir::operators::Actor::test("Amina"),
            "",
        )
        .unwrap();
        pos::open_session(&mut s, &comptoir::operators::Actor::test("Amina"), Money::ZERO).unwrap();
        let caps = LegalCaps::shipped();
        let request = SaleRequest {
            reserved_override: None,
            records_override: None,
            uuid: uuid::Uuid::now_v7(),
            person_id: Some(1),
            programme: Some("defaut".into()),
            devices: vec![DeviceRequest {
                tag: "NET-00000".into(),
                price: Some(Money::from_euros(80)),
            }],
            items: vec![],
            payments: vec![SalePayment {
                method: PaymentMethod::Cash,
                amount: Money::from_euros(80),
                reference: None,
            }],
        };
        pos::create_sale(
            &mut s,
            &[Programme::shipped_default(&caps)],
            &caps,
            &request,
            &comptoir::operators::Actor::test("Amina"),
        )
        .unwrap();
    }
    // Meanwhile the network recalls it.
    world.hub.admin(&["recall", "NET-00000"]);
    let report = sync::round(&store, &client).unwrap();
    assert_eq!(report.conflicts_reported, 1, "{report:?}");
    assert_eq!(report.new_conflicts, 1, "{report:?}");
    // The sale stands on both sides.
    let s = store.lock().unwrap();
    assert_eq!(
        stock::detail(&s, "NET-00000").unwrap().device.state,
        comptoir::device::DeviceState::Sold
    );
    assert_eq!(
        hub_count(
            &world.hub.db,
            "SELECT count(*) FROM devices WHERE tag = 'NET-00000' AND state = 'sold'"
        ),
        1
    );
    let status = sync::status(&s).unwrap();
    assert!(status
        .conflicts
        .iter()
        .any(|c| c.message.contains("NET-00000") && c.message.contains("vente est maintenue")));
    let listing = world.hub.admin(&["stock"]);
    assert!(
        listing.contains("CONFLIT") && listing.contains("NET-00000"),
        "{listing}"
    );
}

#[test]
fn programmes_published_by_the_hub_appear_in_the_centre() {
    let world = World::new();
    let (store, client) = world.centre("C01");
    let programme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/programmes/defaut.toml"))
        .unwrap()
        .replace("id = \"defaut\"", "id = \"ville-2027\"")
        .replace("name = \"", "name = \"Ville 2027 — ");
    let file = world.file("ville-2027.toml", &programme);
    world.hub.admin(&["publish", file.to_str().unwrap()]);
    let report = sync::round(&store, &client).unwrap();
    assert_eq!(report.programmes, 1);
    let s = store.lock().unwrap();
    let programmes = sync::programmes(&s, None, &LegalCaps::shipped()).unwrap();
    let ids: Vec<&str> = programmes.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["defaut", "ville-2027"]);
    // A file the hub refuses is never published.
    let bad = world.file("faux.toml", "id = \"x\"\n");
    let out = Command::new(HUB)
        .arg("--db")
        .arg(&world.hub.db)
        .args(["publish", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
}

/// Issue 32, item 10: a programme the network published before a centre existed reaches that
/// centre at its first pull (one published to chosen centres only, or already ended, does not).
#[test]
fn a_new_centre_receives_every_programme_in_force_at_its_first_pull() {
    let world = World::new();
    let base =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/programmes/defaut.toml")).unwrap();
    let variant = |id: &str, extra: &str| {
        base.replace("id = \"defaut\"", &format!("id = \"{id}\""))
            .replace("name = \"", &format!("name = \"{id} — "))
            .replace("start = \"2026-01-01\"", &format!("start = \"2026-01-01\"\n{extra}"))
    };
    // Before any centre: one for the whole network, one ended; then C01, and one for C01 only.
    let all = world.file("reseau.toml", &variant("reseau", ""));
    world.hub.admin(&["publish", all.to_str().unwrap()]);
    let ended = world.file("fini.toml", &variant("fini", "end = \"2026-01-31\""));
    world.hub.admin(&["publish", ended.to_str().unwrap()]);
    let (first, first_client) = world.centre("C01");
    let only = world.file("c01.toml", &variant("seulement-c01", ""));
    world.hub.admin(&["publish", only.to_str().unwrap(), "--centre", "C01"]);
    sync::round(&first, &first_client).unwrap();
    let ids = |store: &std::sync::Mutex<comptoir::Store>| -> Vec<String> {
        let s = store.lock().unwrap();
        sync::programmes(&s, None, &LegalCaps::shipped())
            .unwrap()
            .into_iter()
            .map(|p| p.id)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    assert_eq!(ids(&first), ["defaut", "reseau", "seulement-c01"]);
    // A centre created after all of them: the network's programme in force, at its first pull.
    let (second, second_client) = world.centre("C02");
    let report = sync::round(&second, &second_client).unwrap();
    assert_eq!(report.programmes, 1, "{report:?}");
    assert_eq!(ids(&second), ["defaut", "reseau"]);
}

#[test]
fn a_cursor_from_another_hub_is_refused_and_nothing_is_applied() {
    let mut world = World::new();
    let (store, client) = world.centre("C01");
    world
        .hub
        .admin(&["import", world.file("inv.csv", &inventory("LC", 3)).to_str().unwrap()]);
    world
        .hub
        .admin(&["allocate", "C01", "--kind", "laptop", "--count", "2"]);
    sync::round(&store, &client).unwrap();
    // Another hub, on the same address, with the same centre name.
    let port = world.hub.port();
    world.hub.kill();
    let other_db = world.dir.path().join("other.sqlite");
    world.hub = RunningHub::start(&other_db, &format!("127.0.0.1:{port}"));
    let token = world.hub.admin(&["centre", "create", "C01", "--name", "Autre"]);
    world
        .hub
        .admin(&["import", world.file("inv2.csv", &inventory("ZZ", 3)).to_str().unwrap()]);
    world
        .hub
        .admin(&["allocate", "C01", "--kind", "laptop", "--count", "3"]);
    let err = sync::round(&store, &world.client("C01", token.trim())).unwrap_err();
    assert_eq!(err.code(), "hub_other", "{err}");
    assert!(err.to_string().contains("n'est pas celui"), "{err}");
    assert_eq!(count(&store, "SELECT count(*) FROM devices"), 2, "nothing applied");
}

#[test]
fn a_bad_hub_url_is_refused_clearly() {
    for url in ["hub.reseau.fr", "ftp://hub.reseau.fr", "https://", "pas une url"] {
        let err = HubConfig::parse(url, "C01").unwrap_err();
        assert!(err.to_string().contains("adresse"), "{url}: {err}");
    }
    assert!(HubConfig::parse("https://hub.reseau.fr/", "c01").is_ok());
    assert!(HubConfig::parse("https://hub.reseau.fr", "C 01").is_err());
}

#[test]
fn the_hub_serves_https_with_the_certificate_it_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
        ])
        .args(["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
        .args([
            "-addext",
            "basicConstraints=critical,CA:FALSE",
            "-addext",
            "extendedKeyUsage=serverAuth",
            "-keyout",
        ])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl (scripts/test installs it)");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let hub = RunningHub::start_with(
        &dir.path().join("hub.sqlite"),
        "127.0.0.1:0",
        &["--tls-cert", cert.to_str().unwrap(), "--tls-key", key.to_str().unwrap()],
    );
    assert!(hub.url.starts_with("https://"), "{}", hub.url);
    let http = reqwest::blocking::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&std::fs::read(&cert).unwrap()).unwrap())
        .build()
        .unwrap();
    let answer = http.get(format!("{}/v1/health", hub.url)).send().unwrap();
    // Over TLS, browsers are told to keep to HTTPS (issue 33, item 13).
    assert_eq!(
        answer
            .headers()
            .get("strict-transport-security")
            .map(|v| v.to_str().unwrap()),
        Some("max-age=31536000")
    );
    assert_eq!(answer.headers().get("x-content-type-options").unwrap(), "nosniff");
    let health: sync::protocol::Health = answer.json().unwrap();
    assert_eq!(health.version, "v2");
    // Without trusting that certificate, the connection is refused; plain HTTP gets nothing.
    assert!(reqwest::blocking::get(format!("{}/v1/health", hub.url)).is_err());
    let plain = hub.url.replace("https://", "http://");
    assert!(reqwest::blocking::get(format!("{plain}/v1/health"))
        .map(|r| !r.status().is_success())
        .unwrap_or(true));
}

/// Issue 15: two posts of one centre with the same register code would issue the same receipt
/// numbers; the hub tells each post when another uses its code, and the warning goes once the
/// code is changed.
#[test]
fn two_posts_of_a_centre_with_one_register_code_are_warned() {
    let world = World::new();
    let token = world.hub.admin(&["centre", "create", "C01", "--name", "Centre C01"]);
    let post = |name: &str| {
        let store = Store::open(&world.dir.path().join(format!("{name}.sqlite"))).unwrap();
        (Mutex::new(store), world.client("C01", token.trim()))
    };
    let (first, first_client) = post("poste-1");
    let (second, second_client) = post("poste-2");
    let clash = |store: &Mutex<Store>| sync::status(&store.lock().unwrap()).unwrap().register_clash;

    sync::round(&first, &first_client).unwrap();
    assert_eq!(clash(&first), None, "alone with R1");
    sync::round(&second, &second_client).unwrap();
    let warning = clash(&second).expect("the second post is warned");
    assert!(
        warning.contains("caisse R1") && warning.contains("1 autre(s) poste(s)"),
        "{warning}"
    );
    sync::round(&first, &first_client).unwrap();
    assert!(clash(&first).is_some(), "the first post is warned at its next sync");

    // The second post takes R2 (it has no sale yet): the warning goes on both sides.
    comptoir::desk::pos::save_register(
        &mut second.lock().unwrap(),
        "C01",
        "R2",
        &comptoir::operators::Actor::test("sophie"),
    )
    .unwrap();
    sync::round(&second, &second_client).unwrap();
    sync::round(&first, &first_client).unwrap();
    assert_eq!(clash(&second), None);
    assert_eq!(clash(&first), None);
}

/// A pull never waits for the hub's writer (issue 34): while another process holds the
/// database's write lock (as `comptoir-hub import` of a 100,000-row file does for seconds),
/// a centre's pulls are answered in full. Invariant: what the post said at its last pull is
/// written once the lock is free, and a late write never sets the post's row back to an
/// older pull.
#[test]
fn pulls_are_answered_while_another_process_holds_the_write_lock() {
    // Each pull due at once (the once-a-minute rule is the next test's).
    let world = World::serving_with(&["--post-record-every", "0"]);
    let (_store, client) = world.centre("C01");
    let file = world.file("inventaire.csv", &inventory("LC", 20));
    world.hub.admin(&["import", file.to_str().unwrap()]);
    world
        .hub
        .admin(&["allocate", "C01", "--kind", "laptop", "--count", "20"]);
    let waiting = || {
        hub_count(
            &world.hub.db,
            "SELECT waiting FROM registers WHERE centre_id = 'C01' AND post = 'poste-a'",
        )
    };
    client.changes(0, 100, Some(("R1", "poste-a", 0))).unwrap();
    assert_eq!(waiting(), 0);

    let lock = rusqlite::Connection::open(&world.hub.db).unwrap();
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();
    for events in 1..=3 {
        let page = client.changes(0, 100, Some(("R1", "poste-a", events))).unwrap();
        assert_eq!(page.changes.len(), 20, "the pull is answered in full");
    }
    assert_eq!(waiting(), 0, "nothing written while the lock is held");
    lock.execute_batch("COMMIT").unwrap();
    drop(lock);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while waiting() != 3 {
        assert!(
            std::time::Instant::now() < deadline,
            "the last pull was never recorded: {}",
            waiting()
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    // A write that arrives late (it waited) keeps the newer pull's figures.
    let conn = comptoir_hub::db::open(&world.hub.db).unwrap();
    let seen = |waiting| comptoir_hub::db::PostSeen {
        post: "poste-a".into(),
        register: "R1".into(),
        version: None,
        waiting: Some(waiting),
    };
    comptoir_hub::db::record_post(&conn, "C01", &seen(7), "2999-01-02T00:00:00Z").unwrap();
    comptoir_hub::db::record_post(&conn, "C01", &seen(5), "2999-01-01T00:00:00Z").unwrap();
    assert_eq!(waiting(), 7);
}

/// A post's pulls are written at most once per `--post-record-every` (issue 45: 200 centres
/// pulling every few seconds wrote as often through the one writer), except a post's first
/// pull and a change of its register code, written at once (another post's clash check reads
/// them). Invariant: the last pull's figures reach the database within the interval, and the
/// pull itself never waits.
#[test]
fn a_posts_pulls_are_written_at_most_once_per_interval_but_a_new_post_at_once() {
    let world = World::serving_with(&["--post-record-every", "6"]);
    let (_store, client) = world.centre("C01");
    let row = |post: &str| -> (String, i64) {
        let conn = rusqlite::Connection::open(&world.hub.db).unwrap();
        conn.query_row(
            "SELECT register, waiting FROM registers WHERE centre_id = 'C01' AND post = ?1",
            [post],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    client.changes(0, 10, Some(("R1", "poste-a", 0))).unwrap();
    assert_eq!(row("poste-a"), ("R1".to_string(), 0), "a first pull is written at once");
    client.changes(0, 10, Some(("R1", "poste-a", 4))).unwrap();
    client.changes(0, 10, Some(("R1", "poste-a", 5))).unwrap();
    assert_eq!(row("poste-a").1, 0, "kept in memory within the interval");
    // Another post saying the same register is written at once, and told of the clash.
    let page = client.changes(0, 10, Some(("R1", "poste-b", 1))).unwrap();
    assert_eq!(row("poste-b"), ("R1".to_string(), 1));
    assert!(page.register_clash.is_some(), "poste-a uses R1 too");
    // The last of poste-a's pulls arrives once the interval is over.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while row("poste-a").1 != 5 {
        assert!(
            std::time::Instant::now() < deadline,
            "never written: {:?}",
            row("poste-a")
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // A new register code is written at once.
    client.changes(0, 10, Some(("R2", "poste-a", 5))).unwrap();
    assert_eq!(row("poste-a"), ("R2".to_string(), 5));
}
