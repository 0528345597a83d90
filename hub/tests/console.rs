//! The network console's doors, against the real `comptoir-hub` binary over HTTP: accounts made
//! with `comptoir-hub user`, the login form and its CSRF token, the session cookie (Secure,
//! HttpOnly, SameSite=Strict, expiring), a form without its token refused, a financeur kept out
//! of the coordinators' pages, failed logins throttled, every act in the audit log. The cookies
//! are carried by hand: a cookie store would not send a `Secure` cookie over plain HTTP.

use std::process::Command;

use reqwest::StatusCode;

mod support;
use support::console::*;
use support::*;

#[test]
fn accounts_sessions_csrf_throttling_and_the_audit_log() {
    let world = World::new();
    let url = world.hub.url.clone();
    world
        .hub
        .admin(&["import", world.file("inv.csv", &inventory("NET", 5)).to_str().unwrap()]);
    world
        .hub
        .admin(&["centre", "create", "C03", "--name", "Centre des Lilas"]);
    world
        .hub
        .admin(&["allocate", "C03", "--kind", "laptop", "--count", "2"]);
    user(
        &world,
        &[
            "add",
            "claire",
            "--name",
            "Claire Coordination",
            "--role",
            "coordinateur",
        ],
        "un mot de passe long",
    );
    user(
        &world,
        &[
            "add",
            "cd92",
            "--name",
            "Département 92",
            "--role",
            "financeur",
            "--programme",
            "cd92-2026",
        ],
        "le mot de passe du financeur",
    );
    // Refused: a short password, a financeur without programme, an existing login.
    for (args, password) in [
        (vec!["add", "bob", "--name", "Bob", "--role", "coordinateur"], "court"),
        (
            vec!["add", "bob", "--name", "Bob", "--role", "financeur"],
            "un mot de passe long",
        ),
        (
            vec!["add", "claire", "--name", "Claire", "--role", "coordinateur"],
            "un mot de passe long",
        ),
    ] {
        let out = Command::new(HUB)
            .arg("--db")
            .arg(&world.hub.db)
            .arg("user")
            .args(&args)
            .env("COMPTOIR_HUB_PASSWORD", password)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?} accepted");
        assert!(String::from_utf8_lossy(&out.stderr).starts_with("Erreur :"));
    }
    let listed = user(&world, &["list"], "");
    assert!(
        listed.contains("claire") && listed.contains("cd92-2026") && !listed.contains("argon2"),
        "{listed}"
    );

    // No session: the login page.
    let home = client().get(format!("{url}/console")).send().unwrap();
    assert_eq!(home.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&home), "/console/connexion");

    // A form posted without its token: refused, logged.
    let forged = client()
        .post(format!("{url}/console/connexion"))
        .form(&[("login", "claire"), ("password", "un mot de passe long"), ("csrf", "x")])
        .send()
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(forged.text().unwrap().contains("Le formulaire a expiré"));

    // A wrong password: the same words as an unknown login.
    let (status, page) = log_in(&url, "claire", "pas le bon").unwrap_err();
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.contains("Identifiant ou mot de passe incorrect."), "{page}");
    let (_, unknown) = log_in(&url, "personne", "pas le bon").unwrap_err();
    assert!(unknown.contains("Identifiant ou mot de passe incorrect."), "{unknown}");

    // The coordinator: the network's stock, filtered.
    let claire = log_in(&url, "claire", "un mot de passe long").unwrap();
    let stock = get(&url, "/console/stock", &claire);
    assert_eq!(stock.status(), StatusCode::OK);
    for (header, value) in [("x-frame-options", "DENY"), ("cache-control", "no-store")] {
        assert_eq!(stock.headers()[header], value);
    }
    let page = stock.text().unwrap();
    assert!(
        page.contains("Stock du réseau") && page.contains("5 appareil(s)"),
        "{page}"
    );
    // The network's totals, unless asked by centre.
    assert!(
        page.contains("<td>tous</td>") && !page.contains("<td>C03</td>"),
        "{page}"
    );
    let by_centre = get(&url, "/console/stock?par_centre=1", &claire).text().unwrap();
    assert!(
        by_centre.contains("<td>C03</td>") && by_centre.contains("5 appareil(s)"),
        "{by_centre}"
    );
    let page = get(
        &url,
        "/console/stock?centre=c03&state=&kind=laptop&category=&refurbisher=envie",
        &claire,
    )
    .text()
    .unwrap();
    assert!(page.contains("2 appareil(s)") && page.contains("C03"), "{page}");

    // The centres' sync health, and the conflicts.
    let centres = get(&url, "/console/centres", &claire).text().unwrap();
    assert!(
        centres.contains("C03") && centres.contains("Centre des Lilas") && centres.contains("jamais"),
        "{centres}"
    );
    let conflicts = get(&url, "/console/conflits", &claire);
    assert_eq!(conflicts.status(), StatusCode::OK);
    assert!(conflicts.text().unwrap().contains("Les conflits ouverts d'abord"));

    // A logout without its token changes nothing; with it, the session ends.
    let csrf = csrf_of(&page);
    let forged = client()
        .post(format!("{url}/console/deconnexion"))
        .header("Cookie", format!("comptoir_session={claire}"))
        .form(&[("csrf", "faux")])
        .send()
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(get(&url, "/console/stock", &claire).status(), StatusCode::OK);

    // The financeur: its programmes, never the coordinators' pages.
    let funder = log_in(&url, "cd92", "le mot de passe du financeur").unwrap();
    let home = get(&url, "/console", &funder).text().unwrap();
    assert!(home.contains("cd92-2026"), "{home}");
    for path in [
        "/console/stock",
        "/console/journal",
        "/console/centres",
        "/console/conflits",
    ] {
        let refused = get(&url, path, &funder);
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{path}");
        assert!(refused.text().unwrap().contains("réservé aux coordinateurs"));
    }

    // An expired session (its end moved back: a test double for the clock) opens nothing.
    rusqlite::Connection::open(&world.hub.db)
        .unwrap()
        .execute("UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z' WHERE account_id = (SELECT id FROM accounts WHERE login = 'cd92')", [])
        .unwrap();
    let expired = get(&url, "/console", &funder);
    assert_eq!(location(&expired), "/console/connexion?expiree=1");

    // A disabled account's session ends at once.
    let again = log_in(&url, "cd92", "le mot de passe du financeur").unwrap();
    user(&world, &["disable", "cd92"], "");
    assert_eq!(get(&url, "/console", &again).status(), StatusCode::SEE_OTHER);
    assert!(log_in(&url, "cd92", "le mot de passe du financeur").is_err());

    // The audit log: who, from where, what.
    let journal = get(&url, "/console/journal", &claire).text().unwrap();
    for part in [
        "Connexions refusées",
        "identifiant ou mot de passe faux",
        "refusé",
        "réservé aux coordinateurs",
        "127.0.0.1",
        "compte désactivé",
    ] {
        assert!(journal.contains(part), "{part} not in the audit log:\n{journal}");
    }
    let out = client()
        .post(format!("{url}/console/deconnexion"))
        .header("Cookie", format!("comptoir_session={claire}"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(get(&url, "/console/stock", &claire).status(), StatusCode::SEE_OTHER);

    // Throttled: five failures from this address (three above), and even the right password
    // waits.
    for _ in 0..2 {
        assert_eq!(
            log_in(&url, "claire", "encore faux").unwrap_err().0,
            StatusCode::UNAUTHORIZED
        );
    }
    let (status, page) = log_in(&url, "claire", "un mot de passe long").unwrap_err();
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.contains("Trop d'essais"), "{page}");
}

/// Issue 33, item 8: a lockout ends on time, whatever is tried meanwhile (attempts refused while
/// locked are not new failures: five tries every 14 minutes no longer lock an account for good).
#[test]
fn a_lockout_ends_on_time_whatever_is_tried_meanwhile() {
    let world = World::new();
    user(
        &world,
        &["add", "claire", "--name", "Claire", "--role", "coordinateur"],
        "un mot de passe long",
    );
    let url = world.hub.url.clone();
    for _ in 0..5 {
        assert_eq!(log_in(&url, "claire", "faux").unwrap_err().0, StatusCode::UNAUTHORIZED);
    }
    let conn = rusqlite::Connection::open(&world.hub.db).unwrap();
    let ago = |minutes: i64| {
        (chrono::Utc::now() - chrono::Duration::minutes(minutes)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    };
    // Fourteen minutes later: still locked, and five more tries meanwhile (the right password
    // among them).
    conn.execute("UPDATE login_attempts SET at = ?1", [ago(14)]).unwrap();
    for password in ["faux", "encore faux", "un mot de passe long", "faux", "faux"] {
        assert_eq!(
            log_in(&url, "claire", password).unwrap_err().0,
            StatusCode::TOO_MANY_REQUESTS
        );
    }
    // Fifteen minutes after the five failures, the lock is over: the right password opens.
    conn.execute("UPDATE login_attempts SET at = ?1 WHERE at <= ?2", [ago(16), ago(13)])
        .unwrap();
    assert!(log_in(&url, "claire", "un mot de passe long").is_ok());
}

/// Issue 33, item 7: refusals before a session are counted and summarised, never a line each:
/// 400 login posts without their token, each with a 60 KiB login, and 30 attempts while locked
/// add no line to the audit log and keep nothing of what was typed; a password typed into the
/// login field is never stored. The journal page shows the counts.
#[test]
fn refusals_before_a_session_are_counted_never_stored_verbatim() {
    let world = World::new();
    user(
        &world,
        &["add", "claire", "--name", "Claire", "--role", "coordinateur"],
        "un mot de passe long",
    );
    let url = world.hub.url.clone();
    let conn = rusqlite::Connection::open(&world.hub.db).unwrap();
    let lines = |conn: &rusqlite::Connection| -> i64 {
        conn.query_row("SELECT count(*) FROM audit", [], |r| r.get(0)).unwrap()
    };
    let before = lines(&conn);
    let flood = "A".repeat(60 * 1024);
    let http = client();
    for _ in 0..400 {
        let reply = http
            .post(format!("{url}/console/connexion"))
            .form(&[("login", flood.as_str()), ("password", "x"), ("csrf", "faux")])
            .send()
            .unwrap();
        assert_eq!(reply.status(), StatusCode::FORBIDDEN);
    }
    // A password typed into the login field, then the lock and 30 attempts while locked.
    let secret = "MonMotDePasse-Secret-2026";
    assert_eq!(log_in(&url, secret, "x").unwrap_err().0, StatusCode::UNAUTHORIZED);
    for _ in 0..4 {
        assert_eq!(log_in(&url, "claire", "faux").unwrap_err().0, StatusCode::UNAUTHORIZED);
    }
    for _ in 0..30 {
        assert_eq!(
            log_in(&url, "claire", "faux").unwrap_err().0,
            StatusCode::TOO_MANY_REQUESTS
        );
    }
    assert_eq!(lines(&conn), before, "no line per refusal");
    let counted = |reason: &str, account: &str| -> i64 {
        conn.query_row(
            "SELECT coalesce(sum(count), 0) FROM refusals WHERE reason = ?1 AND account = ?2",
            [reason, account],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(counted("jeton du formulaire absent ou faux", ""), 400);
    assert_eq!(
        counted("identifiant ou mot de passe faux", ""),
        1,
        "the secret, not kept"
    );
    assert_eq!(counted("identifiant ou mot de passe faux", "claire"), 4);
    assert_eq!(counted("trop d'essais", "claire"), 30);
    drop(conn);
    let bytes = std::fs::read(&world.hub.db).unwrap();
    let wal = std::fs::read(world.hub.db.with_extension("sqlite-wal")).unwrap_or_default();
    for file in [&bytes, &wal] {
        let text = String::from_utf8_lossy(file);
        assert!(!text.contains(secret), "the typed password is stored");
        assert!(!text.contains(&"A".repeat(200)), "the flooded login is stored");
    }
    // The coordinator sees the counts on the journal page.
    let claire = {
        let conn = rusqlite::Connection::open(&world.hub.db).unwrap();
        conn.execute("DELETE FROM login_attempts", []).unwrap();
        log_in(&url, "claire", "un mot de passe long").unwrap()
    };
    let journal = get(&url, "/console/journal", &claire).text().unwrap();
    assert!(
        journal.contains("Connexions refusées") && journal.contains("400"),
        "{journal}"
    );
}

/// Issue 33, item 14: served over plain HTTP on a real name, the console would store no cookie
/// and fail every login with « Le formulaire a expiré ». `serve` says at start, and the login
/// page says, that it needs HTTPS (or loopback), with the two ways to get it.
#[test]
fn the_console_says_it_needs_https_when_reached_on_a_real_name_over_http() {
    let world = World::new();
    let url = world.hub.url.clone();
    let form = |host: Option<&str>| {
        let mut request = client().get(format!("{url}/console/connexion"));
        if let Some(host) = host {
            request = request.header("Host", host);
        }
        request.send().unwrap().text().unwrap()
    };
    assert!(!form(None).contains("a besoin de HTTPS"), "loopback: no warning");
    let named = form(Some("comptoir.reseau.example"));
    assert!(
        named.contains("a besoin de HTTPS") && named.contains("--tls-cert") && named.contains("proxy inverse"),
        "{named}"
    );
    let proxied = client()
        .get(format!("{url}/console/connexion"))
        .header("Host", "comptoir.reseau.example")
        .header("X-Forwarded-Proto", "https")
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        !proxied.contains("a besoin de HTTPS"),
        "behind an HTTPS proxy: no warning"
    );
    // A login posted with no cookie (the browser kept none): the page says why.
    let refused = client()
        .post(format!("{url}/console/connexion"))
        .header("Host", "comptoir.reseau.example")
        .form(&[("login", "claire"), ("password", "x"), ("csrf", "t")])
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(refused.contains("a besoin de HTTPS"), "{refused}");
    // `serve` on every address, without TLS: said at start, on stderr.
    let mut child = Command::new(HUB)
        .arg("--db")
        .arg(world.dir.path().join("autre.sqlite"))
        .args(["serve", "--listen", "0.0.0.0:0"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stderr.take().unwrap()), &mut line).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(line.contains("a besoin de HTTPS"), "{line}");
}

/// Issue 33, item 13: a coordinator's unreadable form is refused (400), and the refusal is in
/// the audit log like any other.
#[test]
fn a_coordinators_unreadable_form_is_refused_and_logged() {
    let world = World::new();
    user(
        &world,
        &["add", "claire", "--name", "Claire", "--role", "coordinateur"],
        "un mot de passe long",
    );
    let url = world.hub.url.clone();
    let claire = log_in(&url, "claire", "un mot de passe long").unwrap();
    let reply = client()
        .post(format!("{url}/console/attribuer"))
        .header("Cookie", format!("comptoir_session={claire}"))
        .header("Content-Type", "text/plain")
        .body("ceci n'est pas un formulaire")
        .send()
        .unwrap();
    assert_eq!(reply.status(), StatusCode::BAD_REQUEST);
    assert!(reply.text().unwrap().contains("Formulaire illisible"));
    let logged: i64 = rusqlite::Connection::open(&world.hub.db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM audit WHERE account = 'claire' AND action = 'refusé' AND detail LIKE '%formulaire illisible'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(logged, 1);
}

/// Logs in as a browser behind a proxy that says `X-Forwarded-For: client`: the status.
fn log_in_from(url: &str, client_ip: &str, login: &str, password: &str) -> StatusCode {
    let http = client();
    let form = http
        .get(format!("{url}/console/connexion"))
        .header("X-Forwarded-For", client_ip)
        .send()
        .unwrap();
    let (token, _) = set_cookie(&form, "comptoir_connexion").unwrap();
    http.post(format!("{url}/console/connexion"))
        .header("Cookie", format!("comptoir_connexion={token}"))
        .header("X-Forwarded-For", client_ip)
        .form(&[("login", login), ("password", password), ("csrf", token.as_str())])
        .send()
        .unwrap()
        .status()
}

/// Issue 33, item 8: behind a reverse proxy every user shares its address; with
/// `--trusted-proxy` the per-address limit reads `X-Forwarded-For` from that proxy only, so five
/// bad logins by one user do not lock everybody out. Without it, the header is ignored (a client
/// cannot forge its address).
#[test]
fn behind_a_trusted_proxy_one_users_failures_do_not_lock_the_others() {
    for (trusted, others_locked) in [(true, false), (false, true)] {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("hub.sqlite");
        let extra: &[&str] = if trusted {
            &["--trusted-proxy", "127.0.0.1"]
        } else {
            &[]
        };
        let hub = RunningHub::start_with(&db, "127.0.0.1:0", extra);
        for (login, password) in [("claire", "un mot de passe long"), ("paul", "un autre mot de passe")] {
            let out = Command::new(HUB)
                .arg("--db")
                .arg(&db)
                .args(["user", "add", login, "--name", login, "--role", "coordinateur"])
                .env("COMPTOIR_HUB_PASSWORD", password)
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
        for _ in 0..5 {
            assert_eq!(
                log_in_from(&hub.url, "203.0.113.5", "personne", "faux"),
                StatusCode::UNAUTHORIZED
            );
        }
        let paul = log_in_from(&hub.url, "203.0.113.6", "paul", "un autre mot de passe");
        if others_locked {
            assert_eq!(
                paul,
                StatusCode::TOO_MANY_REQUESTS,
                "without a trusted proxy, one address"
            );
        } else {
            assert_eq!(paul, StatusCode::SEE_OTHER, "another user behind the proxy logs in");
            assert_eq!(
                log_in_from(&hub.url, "203.0.113.5", "claire", "un mot de passe long"),
                StatusCode::TOO_MANY_REQUESTS,
                "the address that failed waits"
            );
        }
    }
}
