//! Issue 15: devices enter the stock from either shell — a delivery file previewed (nothing
//! written) then imported, or a device typed by hand with a delivery row's checks.

use comptoir::desk::stock::{self, DeviceForm};
use comptoir::device::DeviceState;

use crate::{comptoir, json, refusal, sample_delivery, TestDb};

#[test]
fn a_delivery_file_is_previewed_without_writing_then_imported() {
    let db = TestDb::new();
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/samples/livraison-exemple.csv");
    let lines = String::from_utf8(sample_delivery()).unwrap().lines().count() as u64 - 1;

    let preview = json(&comptoir(&db, &["--json", "stock", "import", sample, "--dry-run"]));
    assert_eq!(preview["errors"].as_array().unwrap().len(), 0, "{preview}");
    let to_add = preview["to_add"].as_array().unwrap();
    assert_eq!(to_add.len() as u64, lines);
    assert_eq!(to_add[0]["tag"], "LC-2411-0001");
    assert_eq!(to_add[0]["line"], 2, "{}", serde_json::to_string(&to_add[..2]).unwrap());
    let listed = json(&comptoir(&db, &["--json", "stock", "list"]));
    assert_eq!(listed.as_array().unwrap().len(), 0, "a preview writes nothing");

    let report = json(&comptoir(&db, &["--json", "stock", "import", sample]));
    assert_eq!(report["created"].as_u64().unwrap(), lines);
    let again = json(&comptoir(&db, &["--json", "stock", "import", sample, "--dry-run"]));
    assert!(again["already_imported_at"].is_string(), "{again}");
    assert_eq!(again["to_add"].as_array().unwrap().len(), 0);
}

#[test]
fn a_bad_delivery_file_previews_every_error_by_line_and_column() {
    let db = TestDb::new();
    let bad = db.dir.path().join("fautive.csv");
    std::fs::write(
        &bad,
        "tag;kind;brand;model;imei\nLC-1;grille-pain;Dell;Latitude;\nLC-2;laptop;;Latitude;\nLC-3;smartphone;Samsung;A52;123\n",
    )
    .unwrap();
    let preview = json(&comptoir(
        &db,
        &["--json", "stock", "import", bad.to_str().unwrap(), "--dry-run"],
    ));
    let errors: Vec<(u64, String)> = preview["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["column"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    for expected in [(2, "kind"), (3, "brand"), (4, "imei")] {
        assert!(
            errors.iter().any(|(l, c)| (*l, c.as_str()) == expected),
            "{expected:?} in {errors:?}"
        );
    }
    // In French for a person, too; and the import itself refuses the whole file.
    let text = comptoir(&db, &["stock", "import", bad.to_str().unwrap(), "--dry-run"]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("serait refusé en entier"), "{text}");
    let refused = refusal(&comptoir(&db, &["--json", "stock", "import", bad.to_str().unwrap()]));
    assert_eq!(refused["error"]["code"], "import_rejected", "{refused}");
    let listed = json(&comptoir(&db, &["--json", "stock", "list"]));
    assert_eq!(listed.as_array().unwrap().len(), 0);
}

#[test]
fn a_device_by_hand_is_checked_like_a_delivery_row_and_enters_received() {
    let db = TestDb::new();
    let added = json(&comptoir(
        &db,
        &[
            "--json",
            "stock",
            "add",
            "--tag",
            "EC-26-0001",
            "--kind",
            "portable",
            "--category",
            "B",
            "--brand",
            "Dell",
            "--model",
            "Latitude 5490",
            "--serial",
            "hxkq5h2",
            "--ram-gb",
            "8",
            "--screen-inches",
            "14",
            "--erasure-certificate",
            "CE-0001",
        ],
    ));
    assert_eq!(added["state"], "received", "{added}");
    assert_eq!(added["kind"], "laptop");
    // The same tag again: refused, naming it.
    let again = refusal(&comptoir(
        &db,
        &[
            "--json",
            "stock",
            "add",
            "--tag",
            "EC-26-0001",
            "--kind",
            "laptop",
            "--category",
            "B",
            "--brand",
            "HP",
            "--model",
            "840",
        ],
    ));
    assert!(
        again["error"]["message"].as_str().unwrap().contains("EC-26-0001"),
        "{again}"
    );
    // The same serial for the same brand: refused, naming the device that has it.
    let serial = refusal(&comptoir(
        &db,
        &[
            "--json",
            "stock",
            "add",
            "--tag",
            "EC-26-0002",
            "--kind",
            "laptop",
            "--category",
            "B",
            "--brand",
            "dell",
            "--model",
            "Latitude",
            "--serial",
            "HXKQ5H2",
        ],
    ));
    assert!(
        serial["error"]["message"].as_str().unwrap().contains("EC-26-0001"),
        "{serial}"
    );
    // A row's checks: a kind nobody knows, a RAM that is not a number; nothing added.
    let bad = refusal(&comptoir(
        &db,
        &[
            "--json",
            "stock",
            "add",
            "--tag",
            "EC-26-0003",
            "--kind",
            "grille-pain",
            "--brand",
            "Dell",
            "--model",
            "X",
            "--ram-gb",
            "huit",
        ],
    ));
    assert_eq!(bad["error"]["code"], "invalid", "{bad}");
    let listed = json(&comptoir(&db, &["--json", "stock", "list"]));
    assert_eq!(listed.as_array().unwrap().len(), 1);
}

/// The form's errors name their fields (the window places each beside its input).
#[test]
fn a_device_forms_errors_name_their_fields() {
    let db = TestDb::new();
    let mut store = db.open();
    let form: DeviceForm = [
        ("tag", "EC-1"),
        ("kind", "grille-pain"),
        ("ram_gb", "huit"),
        ("imei", "123"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let err = stock::add(&mut store, &form, &comptoir::operators::Actor::test("amina")).unwrap_err();
    let comptoir::Error::InvalidFields(fields) = err else {
        panic!("{err:?}")
    };
    let named: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    for field in ["kind", "brand", "model", "ram_gb", "imei"] {
        assert!(named.contains(&field), "{field} in {named:?}");
    }
    assert!(stock::list(&store, &stock::StockQuery::default()).unwrap().is_empty());
    // A valid one enters as received, with its history.
    let form: DeviceForm = [
        ("tag", "EC-2"),
        ("kind", "tablette"),
        ("category", "C"),
        ("brand", "Samsung"),
        ("model", "Tab A8"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let detail = stock::add(&mut store, &form, &comptoir::operators::Actor::test("amina")).unwrap();
    assert_eq!(detail.device.state, DeviceState::Received);
    assert_eq!(detail.history.len(), 1);
}

/// Programme files: added (checked first, errors by line, nothing changed on a refusal),
/// replaced (the previous file kept as a copy), and listed with where each comes from.
#[test]
fn a_programme_file_is_added_then_replaced_with_the_previous_kept() {
    let db = TestDb::new();
    json(&comptoir(&db, &["--json", "info"]));
    let default = comptoir::programme::DEFAULT_PROGRAMME;
    let youth = default
        .replace("id = \"defaut\"", "id = \"jeunes\"")
        .replace("name = \"Équipement solidaire\"", "name = \"Jeunes connectés\"");
    let file = db.dir.path().join("jeunes-2026.toml");
    std::fs::write(&file, &youth).unwrap();
    let list = json(&comptoir(
        &db,
        &["--json", "programme", "install", file.to_str().unwrap()],
    ));
    let origins: Vec<(String, String)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap().into(), p["origin"].as_str().unwrap().into()))
        .collect();
    assert_eq!(
        origins,
        [
            ("defaut".to_string(), "shipped".to_string()),
            ("jeunes".into(), "centre".into())
        ]
    );
    let folder = db.dir.path().join("programmes");
    assert!(folder.join("jeunes-2026.toml").is_file());

    // A file with an error: refused with its line; nothing changes.
    let broken = db.dir.path().join("jeunes-2027.toml");
    std::fs::write(&broken, youth.replace("max = \"120,00\"", "max = \"200,00\"")).unwrap();
    let out = comptoir(&db, &["--json", "programme", "install", broken.to_str().unwrap()]);
    let err = refusal(&out);
    assert!(err["error"]["message"].as_str().unwrap().contains("ligne"), "{err}");
    assert_eq!(std::fs::read_to_string(folder.join("jeunes-2026.toml")).unwrap(), youth);

    // The same programme, renamed: it replaces the file that holds it, kept as a copy.
    let renamed = youth.replace("name = \"Jeunes connectés\"", "name = \"Jeunes connectés 2027\"");
    std::fs::write(&broken, &renamed).unwrap();
    let list = json(&comptoir(
        &db,
        &["--json", "programme", "install", broken.to_str().unwrap()],
    ));
    let youth_now = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "jeunes")
        .unwrap()
        .clone();
    assert_eq!(youth_now["name"], "Jeunes connectés 2027");
    assert_eq!(youth_now["file"], "jeunes-2026.toml");
    let copies: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("jeunes-2026.toml.avant-"))
        .collect();
    assert_eq!(copies.len(), 1, "{copies:?}");
    assert_eq!(std::fs::read_to_string(folder.join(&copies[0])).unwrap(), youth);
}
