use comptoir::delivery;
use comptoir::device::DeviceState;
use comptoir::stock::{self, StockQuery};

use crate::{sample_delivery, snapshot, TestDb};

#[test]
fn the_sample_file_imports_as_allocated_devices_with_their_specs() {
    let db = TestDb::new();
    let mut store = db.open();
    let report = delivery::import(
        &mut store,
        &sample_delivery(),
        "livraison-exemple.csv",
        &comptoir::operators::Actor::test("amina"),
    )
    .unwrap();
    assert_eq!(
        (report.created, report.unchanged, report.already_imported_at.as_deref()),
        (12, 0, None)
    );
    let laptop = stock::detail(&store, "LC-2411-0002").unwrap();
    assert_eq!(laptop.device.state, DeviceState::Allocated);
    assert_eq!(
        laptop.device.specs.screen_tenths_inch,
        Some(133),
        "decimal comma read as 13,3"
    );
    assert_eq!(laptop.device.specs.ram_mb, Some(16 * 1024));
    assert_eq!(laptop.history.len(), 1);
    assert!(laptop.history[0].reason.contains("livraison-exemple.csv"));
    assert_eq!(laptop.history[0].operator, "amina");
}

#[test]
fn importing_the_same_file_twice_changes_nothing_the_second_time() {
    let db = TestDb::new();
    let mut store = db.open();
    delivery::import(
        &mut store,
        &sample_delivery(),
        "livraison.csv",
        &comptoir::operators::Actor::test("amina"),
    )
    .unwrap();
    let before = snapshot(&store);
    let again = delivery::import(
        &mut store,
        &sample_delivery(),
        "livraison (copie).csv",
        &comptoir::operators::Actor::test("julien"),
    )
    .unwrap();
    assert!(again.already_imported_at.is_some());
    assert_eq!(again.created, 0);
    assert_eq!(snapshot(&store), before);
}

#[test]
fn the_same_devices_in_another_file_are_recognised_not_duplicated() {
    let db = TestDb::new();
    let mut store = db.open();
    delivery::import(
        &mut store,
        &sample_delivery(),
        "livraison.csv",
        &comptoir::operators::Actor::test("amina"),
    )
    .unwrap();
    // Same rows, comma-separated, with a BOM: a different file, the same devices.
    let text = String::from_utf8(sample_delivery()).unwrap();
    let first_rows: Vec<&str> = text.lines().take(4).collect();
    let mut other = String::from("\u{feff}");
    for line in first_rows {
        let cells: Vec<String> = line
            .split(';')
            .map(|c| {
                if c.contains(',') {
                    format!("\"{c}\"")
                } else {
                    c.to_string()
                }
            })
            .collect();
        other.push_str(&cells.join(","));
        other.push('\n');
    }
    let report = delivery::import(
        &mut store,
        other.as_bytes(),
        "extrait.csv",
        &comptoir::operators::Actor::test("amina"),
    )
    .unwrap();
    assert_eq!((report.created, report.unchanged), (0, 3));
    let all = stock::list(&store, &StockQuery::default()).unwrap();
    assert_eq!(all.len(), 12);
}

/// Every kind of bad file: each is refused as a whole, names line and column, imports nothing.
#[test]
fn bad_files_are_refused_whole_with_every_error_located() {
    let header = "tag;kind;category;brand;model;serial;imei;ram_gb;screen_inches\n";
    let good = "EC-5001;laptop;B;Dell;Latitude 5490;SN5001;;8;14\n";
    // (description, file, expected (line, column) of each error, a word the message must hold)
    type Case<'a> = (&'a str, Vec<u8>, Vec<(u64, Option<&'a str>)>, &'a str);
    let cases: Vec<Case> = vec![
        ("empty file", b"".to_vec(), vec![(1, None)], "vide"),
        (
            "header only",
            header.as_bytes().to_vec(),
            vec![(2, None)],
            "aucun appareil",
        ),
        (
            "missing required column",
            b"tag;kind;brand\nEC-5001;laptop;Dell\n".to_vec(),
            vec![(1, None)],
            "model",
        ),
        (
            "duplicate column",
            b"tag;kind;brand;model;marque\nEC-5001;laptop;Dell;X;Dell\n".to_vec(),
            vec![(1, Some("marque"))],
            "deux fois",
        ),
        (
            "not UTF-8",
            [
                header.as_bytes(),
                good.as_bytes(),
                b"EC-5002;laptop;B;Dell;\xe9cran;;;8;14\n",
            ]
            .concat(),
            vec![(3, None)],
            "UTF-8",
        ),
        (
            "wrong number of cells",
            format!("{header}{good}EC-5002;laptop;B;Dell\n").into_bytes(),
            vec![(3, None)],
            "colonnes",
        ),
        (
            "unknown kind",
            format!("{header}EC-5002;frigo;B;Dell;X;;;;\n").into_bytes(),
            vec![(2, Some("kind"))],
            "frigo",
        ),
        (
            "bad category",
            format!("{header}EC-5002;laptop;Z;Dell;X;;;;\n").into_bytes(),
            vec![(2, Some("category"))],
            "catégorie",
        ),
        (
            "missing category for a laptop",
            format!("{header}EC-5002;laptop;;Dell;X;;;;\n").into_bytes(),
            vec![(2, Some("category"))],
            "obligatoire",
        ),
        (
            "bad IMEI check digit",
            format!("{header}EC-5002;smartphone;A;Apple;iPhone 8;;490154203237519;2;4,7\n").into_bytes(),
            vec![(2, Some("imei"))],
            "clé de contrôle",
        ),
        (
            "IMEI on a laptop",
            format!("{header}EC-5002;laptop;A;Dell;X;;490154203237518;8;14\n").into_bytes(),
            vec![(2, Some("imei"))],
            "IMEI",
        ),
        (
            "bad number",
            format!("{header}EC-5002;laptop;A;Dell;X;;;huit;14\n").into_bytes(),
            vec![(2, Some("ram_gb"))],
            "huit",
        ),
        (
            "bad tag",
            format!("{header}E 1;laptop;A;Dell;X;;;8;14\n").into_bytes(),
            vec![(2, Some("tag"))],
            "identifiant",
        ),
        (
            "missing brand",
            format!("{header}EC-5002;laptop;A;;X;;;8;14\n").into_bytes(),
            vec![(2, Some("brand"))],
            "manquante",
        ),
        (
            "duplicate tag in file",
            format!("{header}{good}{good}").into_bytes(),
            vec![(3, Some("tag"))],
            "ligne 2",
        ),
        (
            "several errors at once",
            format!("{header}{good}EC-5002;frigo;B;Dell;X;;;;\nEC-5003;laptop;B;HP;Y;;;8;grand\n").into_bytes(),
            vec![(3, Some("kind")), (4, Some("screen_inches"))],
            "2 erreurs",
        ),
    ];
    for (description, bytes, expected, needle) in cases {
        let db = TestDb::new();
        let mut store = db.open();
        let before = crate::snapshot(&store);
        let err = delivery::import(
            &mut store,
            &bytes,
            "mauvais.csv",
            &comptoir::operators::Actor::test("amina"),
        )
        .expect_err(description);
        let comptoir::Error::ImportRejected(rejected) = &err else {
            panic!("{description}: {err}")
        };
        let found: Vec<(u64, Option<&str>)> = rejected.errors.iter().map(|e| (e.line, e.column.as_deref())).collect();
        assert_eq!(found, expected, "{description}");
        let message = err.to_string();
        assert!(message.contains(needle), "{description}: {message}");
        assert!(message.contains("rien n'a été importé"), "{description}: {message}");
        assert_eq!(
            crate::snapshot(&store),
            before,
            "{description}: the store must not change"
        );
    }
}

#[test]
fn a_file_contradicting_the_stock_is_refused_and_imports_nothing() {
    let db = TestDb::new();
    let mut store = db.open();
    delivery::import(
        &mut store,
        &sample_delivery(),
        "livraison.csv",
        &comptoir::operators::Actor::test("amina"),
    )
    .unwrap();
    let before = snapshot(&store);
    let file =
        "tag;kind;category;brand;model\nLC-2411-0100;laptop;B;Dell;Neuf\nLC-2411-0001;laptop;B;Dell;Autre modèle\n";
    let err = delivery::import(
        &mut store,
        file.as_bytes(),
        "conflit.csv",
        &comptoir::operators::Actor::test("amina"),
    )
    .unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("ligne 3") && message.contains("LC-2411-0001") && message.contains("autre description"),
        "{message}"
    );
    assert_eq!(
        snapshot(&store),
        before,
        "the valid new row must not be imported either"
    );
}

/// A large file goes in by the bulk path (issue 34: 200 rows per statement, the search index
/// filled once at the end). Invariants: every device of the file is in the free-text index (the
/// index agrees with the table, and the index keeps working for the next device entered by
/// hand); each device points at its import, its own erasure and test records, and has exactly
/// one history line; the last partial batch is written like the others.
#[test]
fn a_large_file_enters_whole_with_its_records_history_and_search_index() {
    let db = TestDb::new();
    let mut store = db.open();
    let text = String::from_utf8(sample_delivery()).unwrap();
    let mut lines = text.lines();
    let mut file = format!("{}\n", lines.next().unwrap());
    let template = lines.next().unwrap();
    const ROWS: usize = 1_037;
    for i in 0..ROWS {
        let row = template
            .replace("LC-2411-0001", &format!("BULK-{i:05}"))
            .replace("PF0ABC01", &format!("SNBULK{i:05}"))
            .replace("CE-2411-0001", &format!("CE-BULK-{i:05}"))
            .replace("RT-2411-0001", &format!("RT-BULK-{i:05}"));
        file.push_str(&row);
        file.push('\n');
    }
    let generation = |store: &comptoir::store::Store| -> i64 {
        let sql = "SELECT generation FROM stock_generation WHERE id = 1";
        store.sql().query_row(sql, [], |r| r.get(0)).unwrap()
    };
    let before = generation(&store);
    let report = delivery::import(
        &mut store,
        file.as_bytes(),
        "inventaire.csv",
        &comptoir::operators::Actor::test("amina"),
    )
    .unwrap();
    assert_eq!(report.created, ROWS);
    assert!(generation(&store) > before, "the window's stock index sees the change");

    let sql = store.sql();
    let count = |q: &str| sql.query_row(q, [], |r| r.get::<_, i64>(0)).unwrap();
    // The index agrees with the table (an error if a device is missing from it).
    sql.execute(
        "INSERT INTO devices_fts (devices_fts, rank) VALUES ('integrity-check', 1)",
        [],
    )
    .unwrap();
    assert_eq!(count("SELECT count(*) FROM bulk_insert"), 0, "the bulk ended");
    fn found(store: &comptoir::store::Store, text: &str) -> Vec<String> {
        let query = StockQuery {
            text: Some(text.into()),
            ..StockQuery::default()
        };
        let devices = stock::list(store, &query).unwrap();
        devices.into_iter().map(|d| d.tag.to_string()).collect()
    }
    assert_eq!(
        found(&store, "snbulk01036"),
        vec!["BULK-01036"],
        "the last partial batch is searchable"
    );
    assert_eq!(found(&store, "SNBULK00000"), vec!["BULK-00000"]);

    let import_id = count("SELECT id FROM imports WHERE file_name = 'inventaire.csv'");
    assert_eq!(
        count(&format!("SELECT count(*) FROM devices WHERE import_id = {import_id}")),
        ROWS as i64
    );
    // Each device's records are its own line's, written once.
    assert_eq!(
        count(
            "SELECT count(*) FROM devices d JOIN device_records e ON e.id = d.erasure_record
             JOIN device_records t ON t.id = d.test_record
             WHERE e.kind = 'erasure' AND t.kind = 'test'
               AND e.reference = 'CE-BULK-' || substr(d.tag, 6)
               AND t.reference = 'RT-BULK-' || substr(d.tag, 6)"
        ),
        ROWS as i64
    );
    assert_eq!(count("SELECT count(*) FROM device_records"), 2 * ROWS as i64);
    assert_eq!(
        count(
            "SELECT count(*) FROM devices d WHERE d.tag LIKE 'BULK-%'
             AND (SELECT count(*) FROM device_events e WHERE e.device_id = d.id) = 1"
        ),
        ROWS as i64
    );

    // Outside a bulk, a device entered by hand enters the index at once.
    let by_hand = comptoir_common::delivery::parse_form(
        &[
            ("tag", "MAIN-1"),
            ("kind", "laptop"),
            ("category", "B"),
            ("brand", "Dell"),
            ("model", "Zzyzx"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect(),
    )
    .unwrap();
    stock::add_by_hand(&mut store, &by_hand, &comptoir::operators::Actor::test("amina")).unwrap();
    assert_eq!(found(&store, "zzyzx"), vec!["MAIN-1"]);
    store
        .sql()
        .execute(
            "INSERT INTO devices_fts (devices_fts, rank) VALUES ('integrity-check', 1)",
            [],
        )
        .unwrap();
}
