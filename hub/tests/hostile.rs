//! Issue 17, item 3 (first part): the real hub binary on port 0 against hostile requests. The
//! token is checked before a body is read, bodies are bounded (413), every error is the
//! documented JSON in French, the hub's files are private, and its admin output cannot be
//! forged by a centre's name. Throughout, the hub stays up, answers `/v1/health` within a
//! second, and a refused request leaves its database unchanged.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

#[path = "support/attack.rs"]
mod attack;

const HUB: &str = env!("CARGO_BIN_EXE_comptoir-hub");

struct Running {
    child: std::process::Child,
    url: String,
    db: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Running {
    fn start() -> Running {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("hub.sqlite");
        let (child, url) = comptoir_hub::start_binary(Path::new(HUB), &db, "127.0.0.1:0", &[]).unwrap();
        Running {
            child,
            url,
            db,
            _dir: dir,
        }
    }

    fn admin(&self, args: &[&str]) -> String {
        let out = Command::new(HUB).arg("--db").arg(&self.db).args(args).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    /// Rows of each table: a refused request must leave them as they were.
    fn counts(&self) -> Vec<(String, i64)> {
        let conn = rusqlite::Connection::open(&self.db).unwrap();
        [
            "events",
            "centres",
            "devices",
            "conflicts",
            "sales",
            "sale_lines",
            "credit_notes",
            "journal_heads",
        ]
        .iter()
        .map(|t| {
            (
                t.to_string(),
                conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                    .unwrap(),
            )
        })
        .collect()
    }

    /// The health route answers, within a second.
    fn assert_healthy(&self, http: &reqwest::blocking::Client) {
        let started = Instant::now();
        let reply = http.get(format!("{}/v1/health", self.url)).send().unwrap();
        assert!(reply.status().is_success());
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "health took {:?}",
            started.elapsed()
        );
    }
}

/// Sends a request's head (no body) on a raw connection and reads the hub's whole answer:
/// its status line and its body. An answer that comes before the body is sent proves the
/// body was not needed to give it.
fn raw_answer(hub: &Running, head: &str) -> (String, String) {
    use std::io::{BufRead, Read, Write};
    let address = hub.url.trim_start_matches("http://").to_string();
    let mut raw = std::net::TcpStream::connect(&address).unwrap();
    raw.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    raw.write_all(head.as_bytes()).unwrap();
    let mut reader = std::io::BufReader::new(raw);
    let mut status = String::new();
    reader.read_line(&mut status).expect("an answer before the body");
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line.trim().is_empty() {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    (status.trim().to_string(), String::from_utf8(body).unwrap())
}

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// The documented error: `{"error": {code, message}}`, its message in French.
fn error_of(reply: reqwest::blocking::Response) -> (u16, String, String) {
    let status = reply.status().as_u16();
    let body: Value = reply.json().expect("a JSON error body");
    let code = body["error"]["code"].as_str().unwrap_or_default().to_string();
    let message = body["error"]["message"].as_str().unwrap_or_default().to_string();
    assert!(!message.is_empty(), "{body}");
    (status, code, message)
}

#[test]
fn an_unknown_caller_is_refused_before_its_body_is_read() {
    let hub = Running::start();
    let token = hub.admin(&["centre", "create", "C01", "--name", "Centre des Lilas"]);
    let http = client();
    let before = hub.counts();
    let events = format!("{}/v1/centres/C01/events", hub.url);
    // A 15 MB body announced with no token: the hub answers 401 from the headers alone, the
    // body never sent (were it read first, this would wait).
    let (status, body) = raw_answer(
        &hub,
        &format!(
            "POST /v1/centres/C01/events HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            15 * 1024 * 1024
        ),
    );
    assert!(status.starts_with("HTTP/1.1 401"), "{status}");
    assert!(body.contains("\"unauthorized\""), "{body}");
    // Bad JSON with no token, then a wrong token: 401, never a parse error.
    let (status, code, message) = error_of(
        http.post(&events)
            .header("content-type", "application/json")
            .body("{pas du json")
            .send()
            .unwrap(),
    );
    assert_eq!((status, code.as_str()), (401, "unauthorized"), "{message}");
    assert!(message.contains("Jeton"), "{message}");
    let (status, _, _) = error_of(
        http.post(&events)
            .bearer_auth("faux-jeton")
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .unwrap(),
    );
    assert_eq!(status, 401);
    // Another centre's token on this centre's route: 403.
    let other = hub.admin(&["centre", "create", "C02", "--name", "Autre centre"]);
    let (status, code, _) = error_of(
        http.get(format!("{}/v1/centres/C01/changes", hub.url))
            .bearer_auth(other.trim())
            .send()
            .unwrap(),
    );
    assert_eq!((status, code.as_str()), (403, "forbidden"));
    hub.assert_healthy(&http);
    let mut after = hub.counts();
    after.retain(|(t, _)| t != "centres");
    let mut expected = before;
    expected.retain(|(t, _)| t != "centres");
    assert_eq!(after, expected, "a refused request changed the database");
    assert!(!token.trim().is_empty());
}

#[test]
fn bodies_are_bounded_and_every_error_is_the_documented_json_in_french() {
    let hub = Running::start();
    let token = hub.admin(&["centre", "create", "C01", "--name", "Centre des Lilas"]);
    let token = token.trim();
    let http = client();
    let before = hub.counts();
    let events = format!("{}/v1/centres/C01/events", hub.url);
    // Beyond the push limit: 413, not 400, from the announced length (the body is not sent).
    let (status, body) = raw_answer(
        &hub,
        &format!(
            "POST /v1/centres/C01/events HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            comptoir_hub::MAX_PUSH_BYTES + 1
        ),
    );
    assert!(status.starts_with("HTTP/1.1 413"), "{status}");
    let error: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["error"]["code"], "too_large", "{body}");
    assert!(
        error["error"]["message"].as_str().unwrap().contains("Envoi trop gros"),
        "{body}"
    );
    // Bad JSON with a good token: 400, in French (no serde text).
    let (status, code, message) = error_of(
        http.post(&events)
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body("{\"events\": [1, 2")
            .send()
            .unwrap(),
    );
    assert_eq!((status, code.as_str()), (400, "invalid"));
    assert!(message.starts_with("Corps de requête illisible"), "{message}");
    assert!(!message.contains("expected") && !message.contains("EOF"), "{message}");
    // A query string that does not parse: the JSON error too, not plain text.
    let (status, code, message) = error_of(
        http.get(format!("{}/v1/centres/C01/changes?after=abc", hub.url))
            .bearer_auth(token)
            .send()
            .unwrap(),
    );
    assert_eq!((status, code.as_str()), (400, "invalid"));
    assert!(message.contains("Paramètres illisibles"), "{message}");
    // An unknown address: the documented error, with the security headers every answer
    // carries (issue 33, item 13), as a redirect of the console does.
    let missing = http.get(format!("{}/v2/nulle-part", hub.url)).send().unwrap();
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
    ] {
        assert_eq!(
            missing.headers().get(name).map(|v| v.to_str().unwrap()),
            Some(value),
            "{name}"
        );
    }
    let (status, code, _) = error_of(missing);
    assert_eq!((status, code.as_str()), (404, "not_found"));
    let redirect = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/console", hub.url))
        .send()
        .unwrap();
    assert!(redirect.status().is_redirection(), "{}", redirect.status());
    assert_eq!(redirect.headers().get("x-content-type-options").unwrap(), "nosniff");
    hub.assert_healthy(&http);
    assert_eq!(hub.counts(), before, "a refused request changed the database");
    // A good push still goes through.
    let good = json!({"events": [{"uuid": uuid::Uuid::now_v7().to_string(), "at": "2026-12-02T10:00:00Z",
        "type": "sold", "date": "2026-12-02", "tag": null, "kind": "sim_card", "category": null,
        "quantity": 1, "price_cents": 500, "programme": null}]});
    let reply = http.post(&events).bearer_auth(token).json(&good).send().unwrap();
    assert!(reply.status().is_success(), "{}", reply.text().unwrap());
}

/// Issue 33, item 5: the command line refuses a centre's name that is blank, endless, or holds
/// a right-to-left override or a zero-width character, in French; nothing is stored.
#[test]
fn a_centres_name_is_checked_by_the_command_line() {
    let hub = Running::start();
    let before = hub.counts();
    for (name, says) in [
        ("   ", "est vide"),
        (&"x".repeat(100_000)[..], "plus de 120 caractères"),
        ("Centre \u{202E}sacliL", "caractère invisible"),
        ("Centre\u{200B}des Lilas", "caractère invisible"),
    ] {
        let out = Command::new(HUB)
            .arg("--db")
            .arg(&hub.db)
            .args(["centre", "create", "C09", "--name", name])
            .output()
            .unwrap();
        assert!(!out.status.success(), "{name:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{name:.40}: {err}");
    }
    assert_eq!(hub.counts(), before);
    hub.admin(&["centre", "create", "C09", "--name", "  Espace numérique des Lilas  "]);
    assert!(hub.admin(&["centre", "list"]).contains("Espace numérique des Lilas"));
}

#[test]
fn the_hubs_files_are_private_and_its_admin_output_cannot_be_forged() {
    let hub = Running::start();
    // A centre's name with a newline and a tab is refused (issue 33, item 5): the list keeps one
    // line per centre.
    let refused = Command::new(HUB)
        .arg("--db")
        .arg(&hub.db)
        .args(["centre", "create", "C01", "--name", "Lilas\nC99\tFaux centre"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("caractère invisible ou de contrôle"));
    hub.admin(&["centre", "create", "C01", "--name", "Centre des Lilas"]);
    hub.admin(&["centre", "create", "C02", "--name", "Centre des Roses"]);
    let list = hub.admin(&["centre", "list"]);
    assert_eq!(list.lines().count(), 2, "{list}");
    // The events, with their uuid, as JSON.
    let token = hub.admin(&["centre", "create", "C03", "--name", "Centre des Iris"]);
    let uuid = uuid::Uuid::now_v7().to_string();
    let push = json!({"events": [{"uuid": uuid, "at": "2026-12-02T10:00:00Z", "type": "sold",
        "date": "2026-12-02", "tag": null, "kind": "sim_card", "category": null, "quantity": 1,
        "price_cents": 500, "programme": null}]});
    let reply = client()
        .post(format!("{}/v1/centres/C03/events", hub.url))
        .bearer_auth(token.trim())
        .json(&push)
        .send()
        .unwrap();
    assert!(reply.status().is_success());
    let listed: Value = serde_json::from_str(&hub.admin(&["events", "--json"])).unwrap();
    assert_eq!(listed[0]["uuid"], uuid.as_str(), "{listed}");
    assert_eq!(listed[0]["centre"], "C03");
    assert!(hub.admin(&["events"]).contains(&uuid));
    // The database and its WAL: the hub's user only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for suffix in ["", "-wal"] {
            let file = PathBuf::from(format!("{}{suffix}", hub.db.display()));
            let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{} is {mode:o}", file.display());
        }
    }
}

#[test]
fn slow_and_idle_connections_are_closed_and_cannot_tire_the_hub() {
    use std::io::{Read, Write};
    let hub = Running::start();
    let address = attack::socket_of(&hub.url);
    // 200 clients (from four other addresses) that never finish their headers, and one that
    // idles after a request.
    let mut slow: Vec<std::net::TcpStream> = (0..200)
        .map(|i| {
            let mut s = attack::connect_from(2 + (i % 4) as u8, address).unwrap();
            s.write_all(b"GET /v1/health HTTP/1.1\r\nHost: hub\r\n").unwrap();
            s
        })
        .collect();
    let mut idle = std::net::TcpStream::connect(address).unwrap();
    idle.write_all(b"GET /v1/health HTTP/1.1\r\nHost: hub\r\n\r\n").unwrap();
    let mut first = [0u8; 12];
    idle.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");
    // Meanwhile the hub answers others at once.
    let http = client();
    hub.assert_healthy(&http);
    // Past the header-read timeout, every one of them has been closed by the hub.
    std::thread::sleep(comptoir_hub::HEADER_READ_TIMEOUT + Duration::from_secs(2));
    let closed = |s: &mut std::net::TcpStream| {
        s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        let mut rest = Vec::new();
        // The hub may say 408 first; then the end of the stream.
        s.read_to_end(&mut rest).is_ok()
    };
    let still_open = slow.iter_mut().map(&closed).filter(|c| !c).count();
    assert_eq!(still_open, 0, "{still_open} slow connections still held");
    assert!(closed(&mut idle), "the idle connection is still held");
    hub.assert_healthy(&http);
}

/// The health route and the console's login page answer, each within a second.
fn assert_reachable(hub: &Running, http: &reqwest::blocking::Client, when: &str) {
    for path in ["/v1/health", "/console/connexion"] {
        let started = Instant::now();
        let reply = http
            .get(format!("{}{path}", hub.url))
            .send()
            .unwrap_or_else(|e| panic!("{path} {when}: {e}"));
        assert!(reply.status().is_success(), "{path} {when}: {}", reply.status());
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{path} {when} took {:?}",
            started.elapsed()
        );
    }
}

/// Whether the hub has closed this connection (its refusal read first, if any) within 2 s.
fn closed_by_hub(s: &mut std::net::TcpStream) -> (bool, String) {
    use std::io::Read;
    s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let mut rest = Vec::new();
    // Closed with unread bytes of ours, the connection may end on a reset rather than its end.
    let ended = match s.read_to_end(&mut rest) {
        Ok(_) => true,
        Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
    };
    (ended, String::from_utf8_lossy(&rest).into_owned())
}

/// Issue 33, item 1: with the usual 1,024 open files, 1,100 connections that send nothing (from
/// 40 addresses) and 1,100 anonymous POSTs that never send their body (from one) cannot keep
/// the health route or the console's login out; one address holds at most 64 connections and is
/// told why the others are refused; every silent or stalled connection is closed on time, and
/// the descriptors come back.
#[test]
fn silent_connections_and_stalled_bodies_cannot_keep_health_or_login_out() {
    let hub = Running::start();
    let pid = hub.child.id();
    attack::limit_files(pid, 1024);
    attack::raise_own_file_limit();
    let address = attack::socket_of(&hub.url);
    let http = client();
    assert_reachable(&hub, &http, "at rest");
    let at_rest = attack::descriptors(pid);

    let sources: Vec<u8> = (2..42).collect();
    let silent = attack::silent(address, 1100, &sources);
    assert_reachable(&hub, &http, "under 1,100 silent connections");
    // The sockets: the listener, the connections the gate holds, and the few this test's own
    // client keeps alive. Evicted connections are closed by their own tasks: a moment to settle
    // under load.
    let limits = comptoir_hub::listen::Limits::default();
    let bound = 1 + limits.total + 4;
    let settled = Instant::now() + Duration::from_secs(15);
    while attack::sockets(pid) > bound && Instant::now() < settled {
        std::thread::sleep(Duration::from_millis(100));
    }
    let held = attack::sockets(pid);
    assert!(
        held <= bound,
        "{held} sockets held (at most {} connections)",
        limits.total
    );

    // One address: 64 held, the others refused at once with the reason.
    let mut stalled = attack::stalled_posts(address, 1100, 50);
    assert_reachable(&hub, &http, "under 1,100 stalled POSTs");
    let (ended, said) = closed_by_hub(stalled.last_mut().unwrap());
    assert!(
        ended && said.starts_with("HTTP/1.1 503"),
        "the 1,100th POST: « {said} »"
    );
    assert!(said.contains("trop de connexions"), "{said}");
    let (ended, said) = closed_by_hub(&mut stalled[0]);
    assert!(!ended, "the first POST is held until its body's deadline: « {said} »");

    // Past the deadlines (first byte, body), every one of them has been closed by the hub.
    std::thread::sleep(comptoir_hub::listen::FIRST_BYTE_TIMEOUT.max(comptoir_hub::listen::BODY_IDLE_TIMEOUT));
    let deadline = Instant::now() + Duration::from_secs(10);
    while attack::descriptors(pid) > at_rest + 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(
        attack::descriptors(pid) <= at_rest + 2,
        "{} descriptors still held (at rest {at_rest})",
        attack::descriptors(pid)
    );
    let (ended, said) = closed_by_hub(&mut stalled[0]);
    assert!(ended, "the stalled POST was closed: « {said} »");
    drop((silent, stalled));
    assert_reachable(&hub, &http, "after");
}

#[test]
fn identifiers_are_checked_and_normalised_and_refused_events_are_not_stored() {
    let hub = Running::start();
    let token = hub.admin(&["centre", "create", "C01", "--name", "Centre des Lilas"]);
    let inventory = hub.db.with_file_name("inventaire.csv");
    std::fs::write(
        &inventory,
        "tag;kind;category;brand;model;serial;os\nLC-2411-0001;laptop;B;Lenovo;ThinkPad T480;SN1;Windows 11 Pro\n",
    )
    .unwrap();
    hub.admin(&["import", inventory.to_str().unwrap()]);
    let before = hub.counts();
    let local = |tag: &str| {
        json!({"uuid": uuid::Uuid::now_v7().to_string(), "at": "2026-12-02T10:00:00Z", "type": "local_stock",
            "device": {"tag": tag, "kind": "laptop", "category": "B", "brand": "Dell", "model": "Latitude 5490",
                       "serial": null, "imei": null}})
    };
    let sold = |uuid: String, price: i64| {
        json!({"uuid": uuid, "at": "2026-12-02T10:00:00Z", "type": "sold", "date": "2026-12-02", "tag": null,
            "kind": "sim_card", "category": null, "quantity": 1, "price_cents": price, "programme": null})
    };
    let hostile = json!({"events": [
        sold("u".repeat(1024 * 1024), 500), // a 1 MB uuid
        sold(uuid::Uuid::now_v7().to_string(), i64::MIN),
        local("LC-2411-0001"),                  // the network's own device
        local("pas une étiquette !"),
    ]});
    let reply: Value = client()
        .post(format!("{}/v1/centres/C01/events", hub.url))
        .bearer_auth(token.trim())
        .json(&hostile)
        .send()
        .unwrap()
        .json()
        .unwrap();
    let statuses: Vec<&str> = reply["acks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["refused", "refused", "refused", "refused"], "{reply}");
    assert!(
        reply["acks"][0]["uuid"].as_str().unwrap().len() <= 64,
        "the refusal does not echo a 1 MB uuid"
    );
    assert_eq!(hub.counts(), before, "refused events are not stored");
    // A centre's own device, its tag typed carelessly: stored the network's way.
    let reply: Value = client()
        .post(format!("{}/v1/centres/C01/events", hub.url))
        .bearer_auth(token.trim())
        .json(&json!({"events": [local(" lc-2411-0004 ")]}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(reply["acks"][0]["status"], "accepted", "{reply}");
    let conn = rusqlite::Connection::open(&hub.db).unwrap();
    let tags: Vec<String> = conn
        .prepare("SELECT tag FROM devices WHERE centre_id = 'C01'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(tags, ["LC-2411-0004"]);
    // The network later imports that tag: the import says so, and a conflict is kept.
    std::fs::write(
        &inventory,
        "tag;kind;category;brand;model;serial;os\nLC-2411-0004;laptop;B;Dell;Latitude 5490;SN4;Windows 11 Pro\n",
    )
    .unwrap();
    let said = hub.admin(&["import", inventory.to_str().unwrap()]);
    assert!(
        said.contains("CONFLIT\tLC-2411-0004\tdéjà déclaré par le centre C01"),
        "{said}"
    );
    let conflicts: i64 = conn
        .query_row("SELECT count(*) FROM conflicts WHERE tag = 'LC-2411-0004'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(conflicts, 1);
    assert!(hub.admin(&["stock"]).contains("CONFLIT"), "the conflict is listed");
}

/// Protocol v2's new inputs: sales, credit notes and corrections with unreadable registers,
/// person references, payment methods, line numbers or tags are refused and not stored; a
/// journal head or centre settings that do not parse refuse the whole push (400), nothing
/// stored; the hub stays up throughout.
#[test]
fn hostile_v2_sales_heads_and_settings_are_refused_and_nothing_is_stored() {
    let hub = Running::start();
    let http = client();
    let token = hub.admin(&["centre", "create", "C01", "--name", "Centre des Lilas"]);
    let before = hub.counts();
    let line = |n: u32, tag: Option<&str>| json!({"line_no": n, "kind": "laptop", "category": "B", "quantity": 1, "unit_cents": 8000, "tag": tag});
    let sale = |register: &str, person: Option<&str>, method: &str, lines: Value| {
        json!({"uuid": uuid::Uuid::now_v7().to_string(), "at": "2026-12-02T10:00:00Z", "type": "sale",
            "date": "2026-12-02", "register": register, "receipt_seq": 3, "person": person, "publics": ["rsa"],
            "programme": "defaut", "lines": lines,
            "payments": [{"method": method, "amount_cents": 8000}]})
    };
    let person = "0123456789abcdef0123456789abcdef";
    let hundred: Vec<Value> = (1..=100).map(|n| line(n, None)).collect();
    let hostile = json!({"events": [
        sale("R 1", Some(person), "cash", json!([line(1, None)])),
        sale("R1", Some("Jean Dupont né le 04/05/1990"), "cash", json!([line(1, None)])),
        sale("R1", Some(person), "bitcoin", json!([line(1, None)])),
        sale("R1", Some(person), "cash", json!([line(2, None)])),
        sale("R1", Some(person), "cash", json!(hundred)),
        sale("R1", Some(person), "cash", json!([line(1, Some("pas une étiquette !"))])),
        sale("R1", Some(person), "cash", json!([])),
        {"uuid": uuid::Uuid::now_v7().to_string(), "at": "2026-12-02T10:00:00Z", "type": "credit_note",
         "date": "2026-12-02", "register": "R1", "sale": "x", "lines": [0], "programme": null,
         "amount_cents": 8000, "refund": "cash"},
        {"uuid": uuid::Uuid::now_v7().to_string(), "at": "2026-12-02T10:00:00Z", "type": "line_corrected",
         "date": "2026-12-02", "register": "R1", "sale": "x", "line_no": 1, "from_tag": "LC-2411-0001",
         "to_tag": "<script>"},
    ]});
    let reply: Value = http
        .post(format!("{}/v2/centres/C01/events", hub.url))
        .bearer_auth(token.trim())
        .json(&hostile)
        .send()
        .unwrap()
        .json()
        .unwrap();
    let acks = reply["acks"].as_array().unwrap();
    assert_eq!(acks.len(), 9, "{reply}");
    for ack in acks {
        assert_eq!(ack["status"], "refused", "{reply}");
        assert!(!ack["message"].as_str().unwrap().is_empty());
    }
    assert_eq!(hub.counts(), before, "refused events are not stored");
    hub.assert_healthy(&http);

    // A head or settings that do not parse: the whole push is refused, nothing stored.
    let good = json!([sale("R1", Some(person), "cash", json!([line(1, None)]))]);
    for (journal, centre) in [
        (
            json!({"register": "R1", "entries": 3, "hash": "pas une empreinte"}),
            Value::Null,
        ),
        (
            json!({"register": "R1;DROP", "entries": 3, "hash": "a".repeat(64)}),
            Value::Null,
        ),
        (
            json!({"register": "R1", "entries": -1, "hash": "a".repeat(64)}),
            Value::Null,
        ),
        (
            Value::Null,
            json!({"name": "x", "commune": "y", "postcode": "ABCDE", "departement": "93"}),
        ),
        (
            Value::Null,
            json!({"name": "", "commune": "y", "postcode": "93200", "departement": "93"}),
        ),
        (
            Value::Null,
            json!({"name": "a\nb", "commune": "y", "postcode": "93200", "departement": "93"}),
        ),
        // Issue 33, item 5: a right-to-left override, a zero-width character, a blank or
        // endless name, a commune with a bidi isolate.
        (
            Value::Null,
            json!({"name": "Centre \u{202E}sacliL", "commune": "y", "postcode": "93200", "departement": "93"}),
        ),
        (
            Value::Null,
            json!({"name": "Centre\u{200B}des Lilas", "commune": "y", "postcode": "93200", "departement": "93"}),
        ),
        (
            Value::Null,
            json!({"name": "   ", "commune": "y", "postcode": "93200", "departement": "93"}),
        ),
        (
            Value::Null,
            json!({"name": "x".repeat(100_000), "commune": "y", "postcode": "93200", "departement": "93"}),
        ),
        (
            Value::Null,
            json!({"name": "Lilas", "commune": "Saint-Denis\u{2067}", "postcode": "93200", "departement": "93"}),
        ),
    ] {
        let mut body = json!({"events": good});
        if !journal.is_null() {
            body["journal"] = journal;
        }
        if !centre.is_null() {
            body["centre"] = centre;
        }
        let reply = http
            .post(format!("{}/v2/centres/C01/events", hub.url))
            .bearer_auth(token.trim())
            .json(&body)
            .send()
            .unwrap();
        let (status, code, message) = error_of(reply);
        assert_eq!((status, code.as_str()), (400, "invalid"), "{body}: {message}");
        assert_eq!(hub.counts(), before, "{body}");
    }
    hub.assert_healthy(&http);
}

/// Issue 33, item 10: a warranty return naming a device the hub does not know is refused, and
/// nothing is stored.
#[test]
fn a_return_of_an_unknown_device_is_refused() {
    let hub = Running::start();
    let http = client();
    let token = hub.admin(&["centre", "create", "C01", "--name", "Centre des Lilas"]);
    let ret = json!({"events": [{"uuid": uuid::Uuid::now_v7().to_string(), "at": "2026-12-02T10:00:00Z",
        "type": "warranty_return", "return_id": "C01-R1-2026-SAV-000001", "opened_on": "2026-12-02",
        "sale": uuid::Uuid::now_v7().to_string(), "line_no": 1, "tag": "LC-INCONNU-1", "kind": "laptop",
        "category": "B", "brand": "Dell", "model": "Latitude", "refurbisher": null, "fault": "no_start",
        "months_since_delivery": 2, "in_guarantee": true, "presumed": true, "outcome": null,
        "closed_on": null, "new_tag": null}]});
    let reply = http
        .post(format!("{}/v2/centres/C01/events", hub.url))
        .bearer_auth(token.trim())
        .json(&ret)
        .send()
        .unwrap();
    assert!(reply.status().is_success());
    let body: Value = reply.json().unwrap();
    assert_eq!(body["acks"][0]["status"], "refused", "{body}");
    assert!(body.to_string().contains("inconnu du hub"), "{body}");
    let stored: i64 = rusqlite::Connection::open(&hub.db)
        .unwrap()
        .query_row("SELECT count(*) FROM warranty_returns", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, 0);
}

/// Issue 33, item 3: a stored row the running build cannot read (a device's or a change's JSON)
/// is a French error naming it — on the pull, the allocation and the move — never a panic: the
/// hub keeps serving everyone else.
#[test]
fn an_unreadable_stored_row_is_named_never_a_panic() {
    let hub = Running::start();
    let http = client();
    let c1 = hub.admin(&["centre", "create", "C01", "--name", "Centre des Lilas"]);
    let c2 = hub.admin(&["centre", "create", "C02", "--name", "Centre des Roses"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("inv.csv");
    std::fs::write(
        &file,
        "tag;kind;category;brand;model\nLC-0001;laptop;B;Dell;Latitude\nLC-0002;laptop;B;Dell;Latitude\nLC-0003;laptop;B;Dell;Latitude\n",
    )
    .unwrap();
    hub.admin(&["import", file.to_str().unwrap()]);
    hub.admin(&["allocate", "C01", "--tags", "LC-0001"]);
    hub.admin(&["allocate", "C02", "--tags", "LC-0003"]);
    let conn = rusqlite::Connection::open(&hub.db).unwrap();
    conn.execute("UPDATE devices SET device = '{\"autre\": 1}' WHERE tag = 'LC-0002'", [])
        .unwrap();
    conn.execute(
        "UPDATE changes SET change = '{\"type\": \"inconnu\"}' WHERE centre_id = 'C01'",
        [],
    )
    .unwrap();
    // The allocation names the device and stops; nothing allocated.
    let out = Command::new(HUB)
        .arg("--db")
        .arg(&hub.db)
        .args(["allocate", "C02", "--tags", "LC-0002"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("LC-0002 est illisible dans la base du hub"), "{err}");
    // C01's pull: the change named, over HTTP (500, in French), the hub alive.
    let pull = http
        .get(format!("{}/v2/centres/C01/changes?after=0", hub.url))
        .bearer_auth(c1.trim())
        .send()
        .unwrap();
    assert_eq!(pull.status().as_u16(), 500);
    let (_, code, message) = error_of(pull);
    assert_eq!(code, "unreadable");
    assert!(message.contains("est illisible dans la base du hub"), "{message}");
    // Everyone else is served, as before.
    hub.assert_healthy(&http);
    let other = http
        .get(format!("{}/v2/centres/C02/changes?after=0", hub.url))
        .bearer_auth(c2.trim())
        .send()
        .unwrap();
    assert!(other.status().is_success(), "{}", other.status());
    assert!(other.text().unwrap().contains("LC-0003"));
}
