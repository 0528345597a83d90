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
