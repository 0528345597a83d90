//! Issue 14: the command line behaves as a new user would expect — who acts is proved by a PIN,
//! `--db` never harms a file that is not Comptoir's, French help and errors, no panic, amounts
//! that cannot overflow, a silent hub given up within 20 s.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::TestDb;

fn comptoir_at(db: &Path, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_comptoir"));
    command
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("COMPTOIR_DB")
        .env_remove("COMPTOIR_PIN")
        .env_remove("COMPTOIR_OPERATOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().unwrap();
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> Value {
    assert!(o.status.success(), "{}", stderr(o));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// A centre with a manager (Sophie, 4821) and a médiatrice (Amina, 5678).
fn centre_with_profiles(db: &TestDb) {
    json(&comptoir_at(&db.path, &["demo", "--json"], "", &[]));
    assert!(comptoir_at(
        &db.path,
        &["operator", "add", "Sophie", "--role", "manager"],
        "4821\n",
        &[]
    )
    .status
    .success());
    let added = comptoir_at(
        &db.path,
        &["--operator", "Sophie", "operator", "add", "Amina"],
        "4821\n5678\n",
        &[],
    );
    assert!(added.status.success(), "{}", stderr(&added));
}

#[test]
fn a_name_alone_gives_no_right_once_profiles_exist_issue_14() {
    let db = TestDb::new();
    centre_with_profiles(&db);
    // No PIN: refused, and says where the PIN goes.
    let none = comptoir_at(
        &db.path,
        &["--operator", "Sophie", "centre", "set", "--name", "X"],
        "",
        &[],
    );
    assert!(!none.status.success());
    assert!(stderr(&none).contains("COMPTOIR_PIN"), "{}", stderr(&none));
    // No profile named: the refusal names the profiles.
    let anonymous = comptoir_at(&db.path, &["centre", "set", "--name", "X"], "", &[]);
    assert!(
        stderr(&anonymous).contains("Sophie (responsable)"),
        "{}",
        stderr(&anonymous)
    );
    // A wrong PIN says how many tries are left; lower case does not help.
    let wrong = comptoir_at(
        &db.path,
        &["--operator", "sophie", "centre", "set", "--name", "X"],
        "0000\n",
        &[],
    );
    assert!(stderr(&wrong).contains("encore 4 essais"), "{}", stderr(&wrong));
    // The médiatrice's right PIN: a manager's act is refused, naming who may do it.
    let mediator = comptoir_at(
        &db.path,
        &["--operator", "Amina", "centre", "set", "--name", "X"],
        "5678\n",
        &[],
    );
    assert!(
        stderr(&mediator).contains("Réservé à un·e responsable"),
        "{}",
        stderr(&mediator)
    );
    assert!(stderr(&mediator).contains("Sophie"), "{}", stderr(&mediator));
    // The manager's PIN, from COMPTOIR_PIN: done, and the history says who, as her profile is named.
    let done = comptoir_at(
        &db.path,
        &[
            "--operator",
            "sophie",
            "centre",
            "set",
            "--name",
            "Centre des Lilas",
            "--json",
        ],
        "",
        &[("COMPTOIR_PIN", "4821")],
    );
    assert_eq!(json(&done)["name"], "Centre des Lilas");
    // Reading needs no PIN.
    json(&comptoir_at(
        &db.path,
        &["stock", "list", "--json", "--limit", "1"],
        "",
        &[],
    ));
    // The permanence's history names the profile, never the typed spelling.
    let opened = json(&comptoir_at(
        &db.path,
        &["--operator", "AMINA", "session", "open", "--json"],
        "",
        &[("COMPTOIR_PIN", "5678")],
    ));
    assert_eq!(opened["session"]["opened_by"], "Amina");
}

#[test]
fn five_wrong_pins_on_the_command_line_lock_the_profile_in_both_shells() {
    let db = TestDb::new();
    centre_with_profiles(&db);
    for _ in 0..5 {
        comptoir_at(&db.path, &["--operator", "Amina", "session", "open"], "0000\n", &[]);
    }
    let locked = comptoir_at(&db.path, &["--operator", "Amina", "session", "open"], "5678\n", &[]);
    assert!(stderr(&locked).contains("bloqué jusqu'à"), "{}", stderr(&locked));
    // The lock is in the database: the window's sign-in sees it too.
    let mut store = db.open_encrypted();
    assert_eq!(
        comptoir::operators::sign_in(&mut store, "Amina", "5678")
            .unwrap_err()
            .code(),
        "profile_locked"
    );
    drop(store);
    // A manager resets the PIN (hers first, then the new one).
    let reset = comptoir_at(
        &db.path,
        &["--operator", "Sophie", "operator", "reset-pin", "Amina"],
        "4821\n2468\n",
        &[],
    );
    assert!(reset.status.success(), "{}", stderr(&reset));
    let open = comptoir_at(&db.path, &["--operator", "Amina", "session", "open"], "2468\n", &[]);
    assert!(open.status.success(), "{}", stderr(&open));
}

fn sqlite_file(path: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(sql).unwrap();
}

#[test]
fn db_never_harms_a_file_that_is_not_comptoirs_issue_14() {
    let dir = tempfile::tempdir().unwrap();
    // Another program's SQLite database (WAL or not), and one that only looks like ours.
    let other = dir.path().join("autre.sqlite");
    sqlite_file(
        &other,
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, texte TEXT); INSERT INTO notes (texte) VALUES ('privé');",
    );
    let lookalike = dir.path().join("presque.sqlite");
    sqlite_file(
        &lookalike,
        "PRAGMA user_version = 3; CREATE TABLE devices (id INTEGER PRIMARY KEY);",
    );
    let empty_sqlite = dir.path().join("vide.sqlite");
    sqlite_file(&empty_sqlite, "PRAGMA user_version = 0; VACUUM;");
    for file in [&other, &lookalike, &empty_sqlite] {
        let before = std::fs::read(file).unwrap();
        let out = comptoir_at(file, &["info"], "", &[]);
        assert!(!out.status.success(), "{}", file.display());
        assert!(stderr(&out).contains("autre application"), "{}", stderr(&out));
        assert_eq!(
            std::fs::read(file).unwrap(),
            before,
            "{} byte-identical",
            file.display()
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("chiffr") || n.ends_with("-wal") || n.ends_with("-shm"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
    // A folder, a device, a pipe: refused at once, left as they were (a pipe is never read).
    let folder = dir.path().join("dossier");
    std::fs::create_dir(&folder).unwrap();
    let out = comptoir_at(&folder, &["info"], "", &[]);
    assert!(stderr(&out).contains("c'est un dossier"), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 0);
    let out = comptoir_at(Path::new("/dev/null"), &["info"], "", &[]);
    assert!(stderr(&out).contains("pas un fichier ordinaire"), "{}", stderr(&out));
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());
    let fifo = dir.path().join("tube");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let started = Instant::now();
    let out = comptoir_at(&fifo, &["info"], "", &[]);
    assert!(started.elapsed() < Duration::from_secs(10), "a pipe is never opened");
    assert!(stderr(&out).contains("pas un fichier ordinaire"), "{}", stderr(&out));
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    // Comptoir's own plain database from an earlier version is still encrypted in place.
    let ours = dir.path().join("centre.sqlite");
    drop(comptoir::Store::open(&ours).unwrap());
    let out = comptoir_at(&ours, &["info", "--json"], "", &[]);
    assert_eq!(json(&out)["encrypted"], true);
    let _ = comptoir::vault::KeyStore::forget(&comptoir::vault::OsKeyring, &ours);
}

#[test]
fn help_and_argument_errors_are_french_and_json_with_json_issue_14() {
    let db = TestDb::new();
    let help = comptoir_at(&db.path, &["--aide"], "", &[]);
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(help.status.success());
    assert!(
        text.contains("Utilisation : comptoir") && text.contains("Commandes"),
        "{text}"
    );
    assert!(!text.contains("Usage:") && !text.contains("Print help"), "{text}");
    let sub = comptoir_at(&db.path, &["stock", "list", "--help"], "", &[]);
    let text = String::from_utf8_lossy(&sub.stdout);
    assert!(
        text.contains("Affiche l'aide") && !text.contains("Print help"),
        "{text}"
    );

    let cases: &[(&[&str], &str)] = &[
        (&["stok"], "commande inconnue : « stok »"),
        (&["stock", "list", "--frob"], "option inconnue : « --frob »"),
        (&["stock", "list", "--kind", "vélo"], "valeur « vélo » refusée"),
        (
            &["session", "open", "--float", "92233720368547758,07"],
            "au plus 1 000 000,00 €",
        ),
        (&["sale", "cancel", "C01-R1-2026-000001"], "il manque"),
    ];
    for (args, expected) in cases {
        let out = comptoir_at(&db.path, args, "", &[]);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert!(
            err.starts_with("Erreur : ") && err.contains(expected),
            "{args:?}: {err}"
        );
        assert!(
            !err.contains("error:") && !err.contains("Usage:") && !err.contains("For more information"),
            "{err}"
        );
        let mut with_json = args.to_vec();
        with_json.push("--json");
        let out = comptoir_at(&db.path, &with_json, "", &[]);
        let value: Value = serde_json::from_str(stderr(&out).trim()).unwrap();
        assert_eq!(value["error"]["code"], "usage");
        assert!(value["error"]["message"].as_str().unwrap().contains(expected));
    }
    // A system error in French, not the OS's English.
    let missing = comptoir_at(&db.path, &["stock", "import", "/nexiste/pas.csv"], "", &[]);
    let err = stderr(&missing);
    assert!(
        err.contains("introuvable") && !err.contains("No such file") && !err.contains("os error"),
        "{err}"
    );
}

#[test]
fn a_closed_pipe_ends_quietly_and_amounts_cannot_overflow_issue_14() {
    let db = TestDb::new();
    json(&comptoir_at(&db.path, &["demo", "--json"], "", &[]));
    // `comptoir --json stock list | head -c 10`
    let mut child = Command::new(env!("CARGO_BIN_EXE_comptoir"))
        .args(["--db", db.path.to_str().unwrap(), "--json", "stock", "list"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 10];
    child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));

    // The largest float a person may type keeps the permanence closable.
    let open = comptoir_at(
        &db.path,
        &["session", "open", "--float", "1000000,00", "--json"],
        "",
        &[],
    );
    assert!(open.status.success(), "{}", stderr(&open));
    let close = comptoir_at(
        &db.path,
        &["session", "close", "--counted", "cash=1000000,00", "--json"],
        "",
        &[],
    );
    assert!(close.status.success(), "{}", stderr(&close));
    assert!(!stderr(&close).contains("panicked"));
}

#[test]
fn sync_and_hub_test_give_up_on_a_silent_hub_within_20_s_issue_14() {
    let db = TestDb::new();
    // A hub that accepts the connection and never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let held = std::thread::spawn(move || {
        let mut kept = Vec::new();
        for stream in listener.incoming().take(8) {
            kept.push(stream);
        }
        std::thread::sleep(Duration::from_secs(30));
    });
    json(&comptoir_at(
        &db.path,
        &["hub", "set-url", &url, "--centre", "C03", "--json"],
        "",
        &[],
    ));
    let token = comptoir_at(
        &db.path,
        &["hub", "set-token"],
        "jeton-de-test-silencieux-0123456789\n",
        &[],
    );
    assert!(token.status.success(), "{}", stderr(&token));
    for args in [&["sync"][..], &["hub", "test"][..]] {
        let started = Instant::now();
        let out = comptoir_at(&db.path, args, "", &[]);
        let took = started.elapsed();
        assert!(!out.status.success());
        assert!(took < Duration::from_secs(20), "{args:?} took {took:?}");
        let err = stderr(&out);
        assert!(err.contains("hub") && !err.contains("operation timed out"), "{err}");
    }
    if let Some(config) = comptoir::sync::config(&db.open_encrypted()).unwrap() {
        let _ = comptoir::sync::token::forget(&config);
    }
    drop(held);
}
