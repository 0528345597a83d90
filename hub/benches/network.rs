//! The hub at a national network's scale (issue 18): 1,000 centres, 1,000,000 devices and
//! 5,000,000 sale and stock events (1,000,000 sales with their lines and payments, 4,000,000
//! stock events), with the feeds their allocations made, in the hub's real schema (the report
//! rows on lines and payments as `record_sale` writes them). The rows are written by SQL in one
//! pass (going through HTTP would take hours and measure the import, not
//! the hub); the figures are then taken from the real `comptoir-hub` binary, built in release,
//! over HTTP on loopback, on this machine's cores shared with the client:
//! - centre pulls at 1,000 requests/s offered (each centre pulls once a second, with its
//!   register, post, version and waiting events, as the desk does): p50, p99 (target ≤ 50 ms);
//! - the console's stock page, whole and for one centre, the dashboard, the centres' health
//!   (target < 500 ms);
//! - a network-wide yearly report, CSV and PDF (target < 2 s);
//! - the database's size.
//!
//! `cargo bench -p comptoir-hub --bench network`; `COMPTOIR_BENCH_SCALE=0.1` makes a tenth of
//! the network (a quick check).

use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

use rusqlite::params;

use comptoir_common::protocol::WireDevice;
use comptoir_hub::db;

struct Hub(Child, String);

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

const KINDS: [&str; 4] = ["laptop", "laptop", "tablet", "smartphone"];
const CATEGORIES: [&str; 3] = ["A", "B", "C"];
const PUBLICS: [&str; 3] = ["rsa", "demandeur_emploi", "etudiant"];
const STATES: [&str; 10] = [
    "sold",
    "sold",
    "sold",
    "sold",
    "available",
    "available",
    "available",
    "received",
    "allocated",
    "defective",
];

/// A device's JSON as the hub keeps it, made once by the delivery parser and the wire type.
fn device_template() -> String {
    let csv = "tag;kind;category;brand;model;serial;os;refurbisher\nTPL-00000;laptop;B;Lenovo;ThinkPad T480;SNTPL;Windows 11 Pro;Envie\n";
    let delivery = comptoir_common::delivery::parse(csv.as_bytes(), "modele.csv").unwrap();
    serde_json::to_string(&WireDevice::from(&delivery.devices[0].1)).unwrap()
}

fn populate(path: &Path, scale: f64) -> (Vec<String>, usize) {
    let centres = (1000.0 * scale).max(10.0) as usize;
    let devices = (1_000_000.0 * scale) as usize;
    let sales = (1_000_000.0 * scale) as usize;
    let stock_events = (4_000_000.0 * scale) as usize;
    let mut conn = db::open(path).unwrap();
    conn.execute_batch("PRAGMA synchronous = OFF;").unwrap();
    let template = device_template();
    let programme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/programmes/defaut.toml"))
            .unwrap();
    let at = "2026-06-01T10:00:00.000Z";
    let started = Instant::now();
    let tx = conn.transaction().unwrap();
    let mut tokens = Vec::new();
    for c in 0..centres {
        let token = format!("jeton-du-centre-{c:04}-0123456789abcdef0123456789abcdef");
        tx.execute(
            "INSERT INTO centres (id, name, token_hash, created_at, departement, declared_name, postcode, commune)
             VALUES (?1, ?2, ?3, ?4, ?5, ?2, ?6, 'Commune')",
            params![
                format!("C{c:04}"),
                format!("Centre social {c}"),
                db::hash_token(&token),
                at,
                format!("{:02}", c % 95 + 1),
                format!("{:02}100", c % 95 + 1)
            ],
        )
        .unwrap();
        tx.execute(
            "INSERT INTO registers (centre_id, post, register, seen_at, app_version, waiting) VALUES (?1, 'poste-1', 'R1', ?2, '0.1.0', 0)",
            params![format!("C{c:04}"), at],
        )
        .unwrap();
        tokens.push(token);
    }
    tx.execute(
        "INSERT INTO programmes (name, content, published_at) VALUES ('defaut.toml', ?1, ?2)",
        params![programme, at],
    )
    .unwrap();
    {
        let mut device = tx
            .prepare("INSERT INTO devices (tag, kind, category, device, centre_id, state, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
            .unwrap();
        let mut change = tx
            .prepare("INSERT INTO changes (centre_id, at, change) VALUES (?1, ?2, ?3)")
            .unwrap();
        for i in 0..devices {
            let tag = format!("D{i:07}");
            let kind = KINDS[i % 4];
            let json = template
                .replace("TPL-00000", &tag)
                .replace("\"laptop\"", &format!("\"{kind}\""));
            // One device in ten at the network's stock; the others at a centre.
            let (centre, state) = if i % 10 == 9 {
                (None, "stock")
            } else {
                (Some(format!("C{:04}", i % centres)), STATES[(i / centres) % 10])
            };
            device
                .execute(params![tag, kind, CATEGORIES[i % 3], json, centre, state, at])
                .unwrap();
            if let Some(c) = &centre {
                change
                    .execute(params![c, at, format!("{{\"type\":\"allocate\",\"device\":{json}}}")])
                    .unwrap();
            }
        }
    }
    {
        let mut event = tx
            .prepare("INSERT INTO events (centre_id, uuid, at, received_at, type, event, status) VALUES (?1, ?2, ?3, ?3, ?4, ?5, 'accepted')")
            .unwrap();
        let mut sale = tx
            .prepare("INSERT INTO sales (centre_id, uuid, date, register, receipt_seq, person_ref, publics, programme, protocol, received_at) VALUES (?1, ?2, ?3, 'R1', ?4, ?5, ?6, 'defaut', 'v2', ?7)")
            .unwrap();
        let mut line = tx
            .prepare("INSERT INTO sale_lines (centre_id, sale_uuid, line_no, kind, category, quantity, unit_cents, tag, programme, date, person_ref, publics) VALUES (?1, ?2, 1, ?3, ?4, 1, 9000, ?5, 'defaut', ?6, ?7, ?8)")
            .unwrap();
        let mut payment = tx
            .prepare("INSERT INTO sale_payments (centre_id, sale_uuid, method, amount_cents, programme, date) VALUES (?1, ?2, ?3, 9000, 'defaut', ?4)")
            .unwrap();
        for i in 0..sales {
            let centre = format!("C{:04}", i % centres);
            let uuid = format!("01900000-0000-7000-8000-{i:012}");
            let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Duration::days((i % 330) as i64);
            let when = format!("{day}T14:00:00.000Z");
            let person = format!("P{:04}", (i / centres) % 700);
            let publics = format!("[\"{}\"]", PUBLICS[(i / centres) % 3]);
            let kind = KINDS[i % 4];
            let tag = format!("D{i:07}");
            let body = format!(
                "{{\"uuid\":\"{uuid}\",\"at\":\"{when}\",\"type\":\"sale\",\"date\":\"{day}\",\"register\":\"R1\",\"receipt_seq\":{i},\"person\":\"{person}\",\"publics\":{publics},\"programme\":\"defaut\",\"lines\":[{{\"line_no\":1,\"kind\":\"{kind}\",\"category\":\"B\",\"quantity\":1,\"unit_cents\":9000,\"tag\":\"{tag}\"}}],\"payments\":[{{\"method\":\"cash\",\"amount_cents\":9000}}]}}"
            );
            event.execute(params![centre, uuid, when, "sale", body]).unwrap();
            sale.execute(params![centre, uuid, day.to_string(), i as i64, person, publics, when])
                .unwrap();
            line.execute(params![centre, uuid, kind, "B", tag, day.to_string(), person, publics])
                .unwrap();
            payment
                .execute(params![
                    centre,
                    uuid,
                    if i % 5 == 0 { "funder" } else { "cash" },
                    day.to_string()
                ])
                .unwrap();
        }
        for i in 0..stock_events {
            let centre = format!("C{:04}", i % centres);
            let uuid = format!("01900000-0000-7000-9000-{i:012}");
            let kind = ["received", "available", "defective", "returned"][i % 4];
            let body = format!(
                "{{\"uuid\":\"{uuid}\",\"at\":\"{at}\",\"type\":\"{kind}\",\"tag\":\"D{:07}\"}}",
                i % devices.max(1)
            );
            event.execute(params![centre, uuid, at, kind, body]).unwrap();
        }
    }
    // The programmes' progress, as recording each sale would have kept it.
    db::progress::rebuild(&tx).unwrap();
    tx.commit().unwrap();
    conn.execute_batch("ANALYZE;").unwrap();
    println!(
        "network written: {centres} centres, {devices} devices, {} events ({sales} sales, {stock_events} stock events) in {:.0} s",
        sales + stock_events,
        started.elapsed().as_secs_f64()
    );
    (tokens, centres)
}

fn size_of(path: &Path) -> u64 {
    ["", "-wal", "-shm"]
        .iter()
        .filter_map(|s| std::fs::metadata(format!("{}{s}", path.display())).ok())
        .map(|m| m.len())
        .sum()
}

/// The median and the slowest of `n` timed GETs with a session.
fn timed(http: &reqwest::blocking::Client, url: &str, session: &str, n: usize) -> (f64, f64, usize) {
    let mut times = Vec::new();
    let mut bytes = 0;
    for _ in 0..n {
        let t = Instant::now();
        let response = http
            .get(url)
            .header("Cookie", format!("comptoir_session={session}"))
            .send()
            .unwrap();
        assert!(response.status().is_success(), "{url}: {}", response.status());
        bytes = response.bytes().unwrap().len();
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    (times[n / 2], times[n - 1], bytes)
}

fn main() {
    let scale: f64 = std::env::var("COMPTOIR_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hub.sqlite");
    let (tokens, centres) = populate(&path, scale);
    // For a look with sqlite3: the network written, kept, and nothing measured.
    if std::env::var_os("COMPTOIR_BENCH_KEEP").is_some() {
        println!("database kept: {}", dir.keep().join("hub.sqlite").display());
        return;
    }
    {
        let conn = db::open(&path).unwrap();
        db::accounts::add_account(
            &conn,
            "claire",
            "Claire",
            db::accounts::Role::Coordinateur,
            &[],
            "un mot de passe long",
        )
        .unwrap();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
    }
    println!("database size: {:.0} MB (file and WAL)", size_of(&path) as f64 / 1e6);
    let (child, url) = comptoir_hub::start_binary(
        Path::new(env!("CARGO_BIN_EXE_comptoir-hub")),
        &path,
        "127.0.0.1:0",
        ONE_ADDRESS_FOR_ALL,
    )
    .unwrap();
    let hub = Hub(child, url);

    // 1. Every centre pulls once a second (1,000 req/s offered), 10 s, after its cursor less
    //    20 changes (a page of 20), with its register, post, version and waiting events.
    let last_seq: Vec<i64> = {
        let conn = db::open(&path).unwrap();
        (0..centres)
            .map(|c| {
                conn.query_row(
                    "SELECT coalesce(max(seq), 0) FROM changes WHERE centre_id = ?1",
                    [format!("C{c:04}")],
                    |r| r.get(0),
                )
                .unwrap()
            })
            .collect()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (requests, mut latencies, elapsed) = runtime.block_on(async {
        let http = reqwest::Client::builder().pool_max_idle_per_host(2048).build().unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        let started = Instant::now();
        let mut tasks = Vec::new();
        for (c, token) in tokens.iter().enumerate() {
            let http = http.clone();
            let url = format!(
                "{}/v2/centres/C{c:04}/changes?after={}&limit=50&register=R1&post=poste-1&version=0.1.0&waiting=0",
                hub.1,
                (last_seq[c] - 20).max(0)
            );
            let token = token.clone();
            let every = Duration::from_secs(1);
            tasks.push(tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut ticker = tokio::time::interval_at(
                    tokio::time::Instant::now() + every.mul_f64(c as f64 / centres as f64),
                    every,
                );
                ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                while Instant::now() < deadline {
                    ticker.tick().await;
                    let t = Instant::now();
                    let response = http.get(&url).bearer_auth(&token).send().await.unwrap();
                    assert!(response.status().is_success(), "{}", response.status());
                    let _ = response.bytes().await.unwrap();
                    latencies.push(t.elapsed());
                }
                latencies
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        (all.len(), all, started.elapsed())
    });
    latencies.sort();
    let p = |q: f64| latencies[((latencies.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1e3;
    println!(
        "{centres} centres pulling once a second ({} req/s offered), 10 s: {requests} requests, {:.0} req/s served, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms (target: p99 ≤ 50 ms)",
        centres,
        requests as f64 / elapsed.as_secs_f64(),
        p(0.5),
        p(0.99),
        p(1.0)
    );

    // 2. The console, logged in.
    let http = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap();
    let form = http.get(format!("{}/console/connexion", hub.1)).send().unwrap();
    let cookie = form.headers()[reqwest::header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_string();
    let token = cookie.split(';').next().unwrap().split('=').nth(1).unwrap().to_string();
    let answer = http
        .post(format!("{}/console/connexion", hub.1))
        .header("Cookie", format!("comptoir_connexion={token}"))
        .form(&[
            ("login", "claire"),
            ("password", "un mot de passe long"),
            ("csrf", token.as_str()),
        ])
        .send()
        .unwrap();
    let session = answer
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|v| v.starts_with("comptoir_session="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("comptoir_session=")
        .to_string();
    for (what, path, target) in [
        ("stock page, whole network", "/console/stock".to_string(), 500.0),
        ("stock page, one centre", "/console/stock?centre=C0042".to_string(), 500.0),
        ("dashboard", "/console/tableau".to_string(), 500.0),
        ("centres' sync health", "/console/centres".to_string(), 500.0),
        (
            "yearly network report, CSV",
            "/console/rapports/bilan.csv?programme=defaut&du=2026-01-01&au=2026-12-31&portee=tous".to_string(),
            2000.0,
        ),
        (
            "yearly network report, PDF",
            "/console/rapports/bilan.pdf?programme=defaut&du=2026-01-01&au=2026-12-31&portee=tous".to_string(),
            2000.0,
        ),
        (
            "yearly report, one département",
            "/console/rapports/bilan.csv?programme=defaut&du=2026-01-01&au=2026-12-31&portee=departement&departement=01".to_string(),
            2000.0,
        ),
    ] {
        let (median, max, bytes) = timed(&http, &format!("{}{path}", hub.1), &session, 5);
        println!(
            "{what}: median {median:.0} ms, slowest of 5 {max:.0} ms, {:.0} KB (target < {target:.0} ms)",
            bytes as f64 / 1e3
        );
    }
}

/// Every simulated centre connects from this one machine: the hub's limits per address (and
/// in all) are raised to what the simulation needs, as for centres behind one proxy.
const ONE_ADDRESS_FOR_ALL: &[&str] = &["--max-connections", "4000", "--max-connections-per-address", "4000"];
