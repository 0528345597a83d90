//! The `comptoir` binary, as a script or a person would run it.

use std::process::Command;

use serde_json::Value;

use crate::{comptoir, json, TestDb};

#[test]
fn demo_then_list_as_json_gives_every_device_with_its_fields() {
    let db = TestDb::new();
    let demo = json(&comptoir(&db, &["demo", "--json"]));
    let created = demo["devices_created"].as_u64().unwrap();
    let list = json(&comptoir(&db, &["stock", "list", "--json"]));
    let devices = list.as_array().unwrap();
    assert_eq!(devices.len() as u64, created);
    for field in ["tag", "kind", "category", "state", "brand", "model", "serial"] {
        assert!(
            devices.iter().all(|d| d.get(field).is_some()),
            "every device has {field}"
        );
    }
    let again = json(&comptoir(&db, &["--json", "demo"]));
    assert_eq!(again["already_loaded"], true);
}

#[test]
fn list_filters_by_kind_state_category_and_text() {
    let db = TestDb::new();
    json(&comptoir(&db, &["demo", "--json"]));
    let laptops = json(&comptoir(
        &db,
        &["stock", "list", "--kind", "laptop", "--state", "available", "--json"],
    ));
    let laptops = laptops.as_array().unwrap();
    assert!(!laptops.is_empty());
    assert!(laptops
        .iter()
        .all(|d| d["kind"] == "laptop" && d["state"] == "available"));
    let premium = json(&comptoir(&db, &["stock", "list", "--category", "premium", "--json"]));
    assert!(premium.as_array().unwrap().iter().all(|d| d["category"] == "Premium"));
    let dell = json(&comptoir(&db, &["stock", "list", "--search", "LATITUDE", "--json"]));
    assert!(dell.as_array().unwrap().iter().all(|d| d["brand"] == "Dell"));
    // French words work too.
    let screens = json(&comptoir(&db, &["stock", "list", "--kind", "écran", "--json"]));
    assert!(screens.as_array().unwrap().iter().all(|d| d["kind"] == "screen"));
}

#[test]
fn import_show_receive_defective_and_return_through_the_cli() {
    let db = TestDb::new();
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/samples/livraison-exemple.csv");
    let report = json(&comptoir(&db, &["stock", "import", sample, "--json"]));
    assert_eq!(report["created"], 12);
    let human = comptoir(&db, &["stock", "import", sample]);
    assert!(String::from_utf8_lossy(&human.stdout).contains("déjà été importé"));

    json(&comptoir(&db, &["stock", "receive", "LC-2411-0001", "--json"]));
    let defective = json(&comptoir(
        &db,
        &["stock", "defective", "LC-2411-0001", "--reason", "Clavier HS", "--json"],
    ));
    assert_eq!(defective["state"], "defective");
    json(&comptoir(&db, &["stock", "receive", "LC-2411-0002", "--json"]));
    let returned = json(&comptoir(
        &db,
        &["stock", "return", "LC-2411-0002", "--reason", "Rappel réseau", "--json"],
    ));
    assert_eq!(returned["state"], "returned");

    let shown = json(&comptoir(&db, &["stock", "show", "LC-2411-0001", "--json"]));
    assert_eq!(shown["tag"], "LC-2411-0001");
    let history = shown["history"].as_array().unwrap();
    assert_eq!(history.last().unwrap()["reason"], "Clavier HS");
    assert_eq!(history.last().unwrap()["operator"], "amina");
    let text = String::from_utf8(comptoir(&db, &["stock", "show", "LC-2411-0001"]).stdout).unwrap();
    assert!(
        text.contains("Défectueux") && text.contains("Clavier HS") && text.contains("Intel Core i5-7300U"),
        "{text}"
    );
}

#[test]
fn errors_go_to_stderr_with_a_non_zero_exit() {
    let db = TestDb::new();
    json(&comptoir(&db, &["demo", "--json"]));
    let sold = json(&comptoir(&db, &["stock", "list", "--state", "sold", "--json"]));
    let sold_tag = sold[0]["tag"].as_str().unwrap().to_string();

    let cases: Vec<(&str, Vec<&str>, &str)> = vec![
        ("unknown tag", vec!["stock", "show", "XX-404"], "not_found"),
        (
            "receiving a sold device",
            vec!["stock", "receive", &sold_tag],
            "illegal_transition",
        ),
        (
            "a defect without a reason",
            vec!["stock", "defective", &sold_tag, "--reason", ""],
            "illegal_transition",
        ),
        (
            "missing file",
            vec!["stock", "import", "/nonexistent/livraison.csv"],
            "io",
        ),
    ];
    for (description, args, code) in cases {
        let mut with_json = args.clone();
        with_json.push("--json");
        let out = comptoir(&db, &with_json);
        assert!(!out.status.success(), "{description}");
        assert!(out.stdout.is_empty(), "{description}: nothing on stdout");
        let err: Value = serde_json::from_slice(&out.stderr).unwrap_or_else(|e| panic!("{description}: {e}"));
        assert_eq!(err["error"]["code"], code, "{description}");
        let human = comptoir(&db, &args);
        assert!(!human.status.success());
        assert!(
            String::from_utf8_lossy(&human.stderr).starts_with("Erreur : "),
            "{description}"
        );
    }

    let bad = db.file("mauvais.csv", b"tag;kind;brand;model\nEC-1;frigo;X;Y\n");
    let out = comptoir(&db, &["stock", "import", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("ligne 2, colonne « kind »") && stderr.contains("rien n'a été importé"),
        "{stderr}"
    );

    let unknown_kind = comptoir(&db, &["stock", "list", "--kind", "frigo"]);
    assert!(!unknown_kind.status.success());
    assert!(String::from_utf8_lossy(&unknown_kind.stderr).contains("frigo"));
}

#[test]
fn the_database_path_comes_from_the_environment_when_not_given() {
    let db = TestDb::new();
    let out = Command::new(env!("CARGO_BIN_EXE_comptoir"))
        .args(["info", "--json"])
        .env("COMPTOIR_DB", &db.path)
        .output()
        .unwrap();
    let info = json(&out);
    assert_eq!(info["database"], db.path.display().to_string());
    assert!(db.path.exists());
}

#[test]
fn beneficiary_add_proof_check_through_the_cli() {
    let db = TestDb::new();
    let added = json(&comptoir(
        &db,
        &[
            "beneficiary",
            "add",
            "--last-name",
            "Roux",
            "--first-name",
            "Océane",
            "--birth-date",
            "2006-09-05",
            "--household",
            "Roux",
            "--postcode",
            "92000",
            "--public",
            "demandeur_emploi",
            "--json",
        ],
    ));
    let id = added["id"].as_i64().unwrap().to_string();
    let plain = comptoir(
        &db,
        &[
            "beneficiary",
            "add",
            "--last-name",
            "Petit",
            "--first-name",
            "Jeanne",
            "--public",
            "rsa",
        ],
    );
    assert_eq!(
        String::from_utf8_lossy(&plain.stdout).trim().parse::<i64>().unwrap(),
        added["id"].as_i64().unwrap() + 1
    );

    let missing = json(&comptoir(
        &db,
        &[
            "eligibility",
            "check",
            &id,
            "--on",
            "2026-11-22",
            "--kind",
            "laptop",
            "--json",
        ],
    ));
    assert_eq!(missing["decision"], "not_eligible");
    assert_eq!(missing["reasons"][0]["code"], "proof_missing");

    json(&comptoir(
        &db,
        &[
            "beneficiary",
            "proof",
            &id,
            "--kind",
            "attestation_france_travail",
            "--issued",
            "2026-08-24",
            "--json",
        ],
    ));
    let day_90 = json(&comptoir(
        &db,
        &["eligibility", "check", &id, "--on", "2026-11-22", "--json"],
    ));
    assert_eq!(day_90["decision"], "eligible");
    assert_eq!(day_90["programmes"], serde_json::json!(["defaut"]));
    assert!(day_90["reasons"][0]["message"]
        .as_str()
        .unwrap()
        .contains("valable jusqu'au 22/11/2026"));
    let day_91 = json(&comptoir(
        &db,
        &["eligibility", "check", &id, "--on", "2026-11-23", "--json"],
    ));
    assert_eq!(day_91["decision"], "not_eligible");

    let found = json(&comptoir(&db, &["beneficiary", "search", "oceane", "--json"]));
    assert_eq!(found[0]["last_name"], "Roux");
    let shown = json(&comptoir(&db, &["beneficiary", "show", &id, "--json"]));
    // Who saw the proof is who recorded it.
    assert_eq!(shown["proofs"][0]["checked_by"], "amina");

    let future = comptoir(
        &db,
        &[
            "beneficiary",
            "proof",
            &id,
            "--kind",
            "attestation_caf",
            "--issued",
            "2099-01-01",
        ],
    );
    assert!(!future.status.success());
    assert!(String::from_utf8_lossy(&future.stderr).contains("futur"));
    let unknown = comptoir(&db, &["eligibility", "check", &id, "--programme", "inexistant"]);
    assert!(!unknown.status.success());
}

#[test]
fn programme_files_are_checked_and_the_folder_beside_the_database_is_read() {
    let db = TestDb::new();
    let default = comptoir::programme::DEFAULT_PROGRAMME;
    let too_expensive = db.file(
        "cher.toml",
        default.replace("max = \"120,00\"", "max = \"200,00\"").as_bytes(),
    );
    let out = comptoir(&db, &["programme", "check", too_expensive.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("ligne") && stderr.contains("plafond légal de 180,00 €"),
        "{stderr}"
    );

    let folder = db.dir.path().join("programmes");
    std::fs::create_dir_all(&folder).unwrap();
    let youth = default
        .replace("id = \"defaut\"", "id = \"jeunes\"")
        .replace("name = \"Équipement solidaire\"", "name = \"Jeunes connectés\"");
    std::fs::write(folder.join("jeunes.toml"), youth).unwrap();
    let ok = comptoir(
        &db,
        &["programme", "check", folder.join("jeunes.toml").to_str().unwrap()],
    );
    assert!(ok.status.success());
    let list = json(&comptoir(&db, &["programme", "list", "--json"]));
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["defaut", "jeunes"]);

    std::fs::write(folder.join("casse.toml"), "id = \"x\"\nname = [\n").unwrap();
    let broken = comptoir(&db, &["programme", "list"]);
    assert!(!broken.status.success());
    assert!(String::from_utf8_lossy(&broken.stderr).contains("casse.toml"));
}

#[test]
fn a_permanence_through_the_cli_and_a_tampered_journal_fails_verification() {
    let db = TestDb::new();
    json(&comptoir(&db, &["demo", "--json"]));
    let closed = comptoir(
        &db,
        &[
            "sale",
            "create",
            "--beneficiary",
            "1",
            "--device",
            "EC-24-0003",
            "--price",
            "80",
            "--payment",
            "cash:80",
        ],
    );
    assert!(!closed.status.success());
    assert!(String::from_utf8_lossy(&closed.stderr).contains("Aucune permanence"));

    json(&comptoir(&db, &["session", "open", "--float", "20.00", "--json"]));
    let sale = json(&comptoir(
        &db,
        &[
            "sale",
            "create",
            "--beneficiary",
            "1",
            "--device",
            "EC-24-0003",
            "--price",
            "80.00",
            "--payment",
            "cash:100",
            "--programme",
            "defaut",
            "--json",
        ],
    ));
    let receipt = sale["receipt"].as_str().unwrap().to_string();
    let number: u32 = receipt.rsplit('-').next().unwrap().parse().unwrap();
    assert!(receipt.starts_with("C01-R1-"), "{receipt}");
    let plain = comptoir(
        &db,
        &[
            "sale",
            "create",
            "--item",
            "sim:1",
            "--price",
            "5",
            "--payment",
            "cash:5",
        ],
    );
    assert!(String::from_utf8_lossy(&plain.stdout)
        .trim()
        .ends_with(&format!("-{:06}", number + 1)));
    let list = json(&comptoir(&db, &["sale", "list", "--json"]));
    assert!(list.as_array().unwrap().iter().all(|s| s["receipt"].is_string()));
    let above_cap = comptoir(
        &db,
        &[
            "sale",
            "create",
            "--beneficiary",
            "1",
            "--device",
            "EC-24-0004",
            "--price",
            "190",
            "--payment",
            "cash:190",
            "--json",
        ],
    );
    assert!(!above_cap.status.success());
    let err: serde_json::Value = serde_json::from_slice(&above_cap.stderr).unwrap();
    assert_eq!(err["error"]["code"], "above_legal_cap");

    let note = json(&comptoir(
        &db,
        &["sale", "cancel", &receipt, "--reason", "Rétractation", "--json"],
    ));
    assert_eq!(note["cancels"], receipt.as_str());
    let z = json(&comptoir(&db, &["session", "close", "--counted", "cash=25", "--json"]));
    assert_eq!(z["differences"]["cash"], 0);
    let ok = comptoir(&db, &["journal", "verify"]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));

    // Someone edits the file behind Comptoir's back: the price of the first sale at 80 €.
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    comptoir::vault::key_of(&db.path, &comptoir::vault::OsKeyring)
        .unwrap()
        .apply(&conn)
        .unwrap();
    let target: i64 = conn
        .query_row(
            "SELECT min(seq) FROM journal WHERE kind = 'sale' AND instr(content, '8000') > 0",
            [],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute_batch("DROP TRIGGER journal_no_update;").unwrap();
    conn.execute(
        "UPDATE journal SET content = replace(content, '8000', '800') WHERE seq = ?1",
        [target],
    )
    .unwrap();
    drop(conn);
    let broken = comptoir(&db, &["journal", "verify", "--json"]);
    assert!(!broken.status.success());
    let v: serde_json::Value = serde_json::from_slice(&broken.stdout).unwrap();
    assert_eq!(v["broken"]["seq"], target);
}

#[test]
fn documents_and_centre_settings_through_the_cli() {
    let db = TestDb::new();
    json(&comptoir(&db, &["demo", "--json"]));
    let bad = comptoir(&db, &["centre", "set", "--siret", "732 829 320 00075", "--json"]);
    assert!(!bad.status.success());
    let err: Value = serde_json::from_slice(&bad.stderr).unwrap();
    assert!(err["error"]["message"].as_str().unwrap().contains("clé de contrôle"));
    let settings = json(&comptoir(
        &db,
        &[
            "centre",
            "set",
            "--name",
            "Centre social Émile-Zola",
            "--address",
            "3 place Émile-Zola|69100 Villeurbanne",
            "--siret",
            "73282932000074",
            "--paper",
            "80mm",
            "--json",
        ],
    ));
    assert_eq!(settings["siret"], "73282932000074");
    assert_eq!(settings["address"].as_array().unwrap().len(), 2);
    assert_eq!(settings["paper"], "80mm");

    let sales = json(&comptoir(&db, &["sale", "list", "--json"]));
    let laptop_sale = sales
        .as_array()
        .unwrap()
        .iter()
        .next_back()
        .map(|s| s["receipt"].as_str().unwrap().to_string())
        .unwrap();
    let out = db.dir.path().join("ticket.pdf");
    let made = json(&comptoir(
        &db,
        &[
            "document",
            "receipt",
            &laptop_sale,
            "--out",
            out.to_str().unwrap(),
            "--json",
        ],
    ));
    assert_eq!(made["copy"], 0);
    assert_eq!(
        made["file_name"].as_str().unwrap(),
        format!("ticket-80mm-{laptop_sale}.pdf")
    );
    assert!(made["missing"].as_array().unwrap().is_empty());
    assert!(std::fs::read(&out).unwrap().starts_with(b"%PDF-"));
    let again = json(&comptoir(
        &db,
        &["document", "receipt", &laptop_sale, "--format", "a4", "--json"],
    ));
    assert_eq!(again["copy"], 1);
    // Without --out: the documents folder beside the database.
    let path = std::path::PathBuf::from(again["path"].as_str().unwrap());
    assert_eq!(path.parent().unwrap(), db.dir.path().join("documents"));
    assert!(path.is_file());
    // Documents name the buyer: readable by their owner only, in a folder only they open.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&out), 0o600);
        assert_eq!(mode(&db.dir.path().join("documents")), 0o700);
    }
    // `--out` onto a folder: refused in French, and no partial file left beside it.
    let folder = db.dir.path().join("un-dossier");
    std::fs::create_dir(&folder).unwrap();
    let refused = comptoir(
        &db,
        &["document", "receipt", &laptop_sale, "--out", folder.to_str().unwrap()],
    );
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("dossier"), "{said}");
    let leftovers: Vec<_> = std::fs::read_dir(db.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partiel") || n.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert!(folder.read_dir().unwrap().next().is_none());

    let sheet = db.dir.path().join("fiche.pdf");
    json(&comptoir(
        &db,
        &[
            "document",
            "onboarding",
            &laptop_sale,
            "--out",
            sheet.to_str().unwrap(),
            "--json",
        ],
    ));
    assert!(sheet.is_file());
    let unknown = comptoir(&db, &["document", "credit-note", "C01-R1-2026-AV-000404"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("Aucun avoir"));
    // The demo permanence is closed: its Z report.
    let z = json(&comptoir(&db, &["document", "closing", "1", "--json"]));
    assert_eq!(z["kind"], "closing");
    assert!(z["file_name"].as_str().unwrap().starts_with("rapport-z-permanence-1"));
}

#[test]
fn hub_settings_and_sync_status_through_the_cli() {
    let db = TestDb::new();
    json(&comptoir(&db, &["demo", "--json"]));
    let status = json(&comptoir(&db, &["sync", "status", "--json"]));
    assert!(status["configured"].is_null());
    assert!(
        status["waiting"].as_i64().unwrap() > 64,
        "the demo centre's stock and sales are queued"
    );
    let alone = comptoir(&db, &["sync"]);
    assert!(!alone.status.success());
    assert!(String::from_utf8_lossy(&alone.stderr).contains("Aucun hub n'est configuré"));
    let bad = comptoir(&db, &["hub", "set-url", "hub.reseau.fr", "--centre", "C03"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("n'est pas une adresse de hub"));
    let set = json(&comptoir(
        &db,
        &["hub", "set-url", "https://hub.reseau.fr/", "--centre", "c03", "--json"],
    ));
    assert_eq!(set["url"], "https://hub.reseau.fr");
    assert_eq!(set["centre"], "C03");
    let status = json(&comptoir(&db, &["sync", "status", "--json"]));
    assert_eq!(status["configured"]["centre"], "C03");
    assert_eq!(status["cursor"], 0);
}

#[test]
fn operators_through_the_cli_with_the_pin_on_stdin() {
    use std::io::Write;
    let db = TestDb::new();
    let run = |args: &[&str], stdin: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_comptoir"))
            .arg("--db")
            .arg(&db.path)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let short = run(&["operator", "add", "Sophie", "--role", "manager"], "12\n");
    assert!(String::from_utf8_lossy(&short.stderr).contains("4 à 6 chiffres"));
    let first = run(&["operator", "add", "Amina"], "5678\n");
    assert!(String::from_utf8_lossy(&first.stderr).contains("premier profil"));
    assert!(run(&["operator", "add", "Sophie", "--role", "responsable"], "4821\n")
        .status
        .success());
    // Sophie's PIN first, then the new profile's.
    assert!(
        run(&["--operator", "Sophie", "operator", "add", "Amina"], "4821\n5678\n")
            .status
            .success()
    );
    let refused = run(&["--operator", "Amina", "operator", "add", "Julien"], "5678\n1111\n");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("Réservé à un·e responsable"));
    let list = json(&run(&["operator", "list", "--json"], ""));
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Amina", "Sophie"]);
    // A médiatrice cannot change the centre's settings from the command line either.
    let settings = run(&["--operator", "Amina", "centre", "set", "--name", "X"], "5678\n");
    assert!(!settings.status.success());
    assert!(String::from_utf8_lossy(&settings.stderr).contains("Réservé à un·e responsable"));
}
