//! Issue 14: the logs a volunteer can send hold no personal value. A centre syncs with the real
//! hub, sells to a named person, backs up and restores, loses its key and recovers it, all
//! through the `comptoir` command line with `-v`; then every log line (the command line's and
//! the hub's request log) is searched for the person's name, phone and e-mail, the token, the
//! PIN and the recovery phrase.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const HUB: &str = env!("CARGO_BIN_EXE_comptoir-hub");

fn comptoir_exe() -> PathBuf {
    Path::new(HUB).with_file_name("comptoir")
}

struct Centre {
    db: PathBuf,
    log: String,
}

impl Centre {
    /// Runs `comptoir -v …` as Sophie (PIN in COMPTOIR_PIN once profiles exist); its stderr is
    /// the command line's log.
    fn run(&mut self, args: &[&str], stdin: &str) -> String {
        let mut child = Command::new(comptoir_exe())
            .arg("--db")
            .arg(&self.db)
            .arg("-v")
            .args(args)
            .env_remove("COMPTOIR_DB")
            .env("COMPTOIR_PIN", "4821")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "comptoir {args:?}: {err}");
        self.log.push_str(&err);
        String::from_utf8(out.stdout).unwrap()
    }
}

#[test]
fn no_name_phone_email_token_pin_or_phrase_reaches_a_log_issue_14() {
    let dir = tempfile::tempdir().unwrap();
    let hub_db = dir.path().join("hub.sqlite");
    let admin = |args: &[&str]| {
        let out = Command::new(HUB).arg("--db").arg(&hub_db).args(args).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let token = admin(&["centre", "create", "C01", "--name", "Centre des Lilas"])
        .trim()
        .to_string();
    let inventory = dir.path().join("inventaire.csv");
    std::fs::write(
        &inventory,
        "tag;kind;category;brand;model;serial;os;refurbisher;erasure_method;erasure_date;erasure_certificate;test_date;test_report\n\
         LC-00001;laptop;B;Lenovo;ThinkPad T480;SN00001;Windows 11 Pro;Envie;NIST 800-88 purge;2026-01-10;CE-1;2026-01-11;RT-1\n",
    )
    .unwrap();
    admin(&["import", inventory.to_str().unwrap()]);
    admin(&["allocate", "C01", "--kind", "laptop", "--count", "1"]);
    // The hub with its request log (info level) in a file.
    let hub_log_path = dir.path().join("hub.log");
    let mut hub = Command::new(HUB)
        .arg("--db")
        .arg(&hub_db)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("RUST_LOG", "comptoir_hub=info")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&hub_log_path).unwrap())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(hub.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix(&comptoir_hub::listening_line(""))
        .unwrap()
        .to_string();

    let mut centre = Centre {
        db: dir.path().join("centre.sqlite"),
        log: String::new(),
    };
    centre.run(&["hub", "set-url", &url, "--centre", "C01"], "");
    centre.run(&["hub", "set-token"], &format!("{token}\n"));
    centre.run(&["sync"], "");
    centre.run(&["operator", "add", "Sophie", "--role", "manager"], "4821\n");
    centre.run(&["--operator", "Sophie", "stock", "receive", "LC-00001"], "");
    centre.run(&["--operator", "Sophie", "stock", "available", "LC-00001"], "");
    let today = chrono::Local::now().date_naive().to_string();
    let id = centre
        .run(
            &[
                "--operator",
                "Sophie",
                "beneficiary",
                "add",
                "--last-name",
                "Roux-Vasseur",
                "--first-name",
                "Océane",
                "--birth-date",
                "1990-04-12",
                "--phone",
                "06 12 34 56 78",
                "--email",
                "oceane.roux@example.org",
                "--public",
                "rsa",
                "--rgpd-informed-on",
                &today,
            ],
            "",
        )
        .trim()
        .to_string();
    centre.run(
        &[
            "--operator",
            "Sophie",
            "beneficiary",
            "proof",
            &id,
            "--kind",
            "attestation_caf",
            "--issued",
            &today,
        ],
        "",
    );
    centre.run(&["--operator", "Sophie", "session", "open"], "");
    centre.run(
        &[
            "--operator",
            "Sophie",
            "sale",
            "create",
            "--beneficiary",
            &id,
            "--device",
            "LC-00001",
            "--price",
            "80",
            "--payment",
            "cash:80",
        ],
        "",
    );
    centre.run(&["sync"], "");
    let backups = dir.path().join("sauvegardes");
    std::fs::create_dir(&backups).unwrap();
    centre.run(
        &[
            "--operator",
            "Sophie",
            "backup",
            "now",
            "--to",
            backups.to_str().unwrap(),
        ],
        "",
    );
    let backup = std::fs::read_dir(&backups).unwrap().next().unwrap().unwrap().path();
    centre.run(
        &["--operator", "Sophie", "backup", "restore", backup.to_str().unwrap()],
        "",
    );
    let words: Vec<String> =
        serde_json::from_str(&centre.run(&["--operator", "Sophie", "key", "phrase", "--json"], "")).unwrap();
    comptoir::vault::KeyStore::forget(&comptoir::vault::OsKeyring, &centre.db).unwrap();
    centre.run(&["key", "recover"], &format!("{}\n", words.join(" ")));
    centre.run(&["sync", "status"], "");
    let _ = hub.kill();
    let _ = hub.wait();

    let hub_log = std::fs::read_to_string(&hub_log_path).unwrap();
    assert!(
        hub_log.contains("/v2/centres/{centre}/events") && hub_log.contains("status=200"),
        "{hub_log}"
    );
    assert!(
        centre.log.contains("vente enregistrée") && centre.log.contains("sauvegarde faite"),
        "{}",
        centre.log
    );
    let logs = [("comptoir -v", centre.log.as_str()), ("comptoir-hub", hub_log.as_str())];
    let phrase = words.join(" ");
    let pairs: Vec<String> = words.windows(2).map(|w| w.join(" ")).collect();
    let mut secrets = vec![
        "Océane",
        "1990-04-12",
        "Roux",
        "Vasseur",
        "06 12 34 56 78",
        "0612345678",
        "oceane.roux",
        "example.org",
        token.as_str(),
        "4821",
        phrase.as_str(),
    ];
    secrets.extend(pairs.iter().map(String::as_str));
    for (name, log) in logs {
        // The lines of the log itself (not the prompts the command line prints for a person).
        for line in log.lines().filter(|l| {
            [" INFO ", " DEBUG ", " WARN ", " ERROR "]
                .iter()
                .any(|lv| l.contains(lv))
        }) {
            // What follows the line's timestamp (its digits may happen to spell the PIN).
            let logged = line.split_once(' ').map_or(line, |(_, rest)| rest);
            for secret in &secrets {
                assert!(!logged.contains(secret), "{name} logged « {secret} »: {line}");
            }
        }
    }
    if let Ok(Some(config)) =
        comptoir::sync::config(&comptoir::vault::open(&centre.db, &comptoir::vault::OsKeyring).unwrap())
    {
        let _ = comptoir::sync::token::forget(&config);
    }
    let _ = comptoir::vault::KeyStore::forget(&comptoir::vault::OsKeyring, &centre.db);
}
