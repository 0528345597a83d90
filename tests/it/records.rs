//! Erasure and functional test records (issue 19, parts 4 and 5): from a delivery file's
//! columns (one record per batch, a future date refused by line and column), by batch or by
//! device (the certificate PDF kept inside the database with its SHA-256), a sale refused for
//! lack of them unless a manager writes why, the receipt naming provenance and certificate, a
//! device back from a family needing a new erasure record, and the free text of earlier
//! versions migrated into a record « non précisée ».

use comptoir::money::Money;
use comptoir::operators::{Actor, Role};
use comptoir::pos::{self, PaymentMethod, SaleRequest};
use comptoir::programme::{LegalCaps, Programme};
use comptoir::records::{self, RecordInput};
use comptoir::{delivery, demo, stock, Store};

use crate::{comptoir, json, refusal, TestDb};

const MARTINE: i64 = 1;

/// A refurbisher's batch: two laptops with their erasure certificate and test report for the
/// whole batch, one phone with neither, one laptop with only the free-text certificate.
const BATCH: &str = "tag;kind;category;brand;model;refurbisher;provenance;donateur;erasure_method;erasure_date;erasure_certificate;test_date;test_report
LC-REC-0001;laptop;B;Lenovo;ThinkPad T480;Envie 44;entreprise;Banque Solidaire;Blancco Drive Eraser;2026-10-02;BL-2026-0042;2026-10-03;RT-0042
LC-REC-0002;laptop;B;Lenovo;ThinkPad T480;Envie 44;entreprise;Banque Solidaire;Blancco Drive Eraser;2026-10-02;BL-2026-0042;2026-10-03;RT-0042
LC-REC-0003;smartphone;C;Samsung;Galaxy A52;Envie 44;;;;;;;
LC-REC-0004;laptop;A;Dell;Latitude 5490;Envie 44;;;;;CERT-LIBRE-7;;
";

fn people(store: &mut Store) -> (Actor, Actor) {
    let test = Actor::test("test");
    demo::load(store, &test).unwrap();
    let sophie = comptoir::operators::add(store, "Sophie", Role::Manager, "4821", &test).unwrap();
    let _ = sophie;
    let sophie = comptoir::operators::sign_in(store, "Sophie", "4821").unwrap();
    comptoir::operators::add(store, "Amina", Role::Mediator, "5678", &sophie).unwrap();
    let amina = comptoir::operators::sign_in(store, "Amina", "5678").unwrap();
    (sophie, amina)
}

/// The batch imported, received and put on sale; the permanence open. Its batch number.
fn centre(store: &mut Store, sophie: &Actor) -> i64 {
    delivery::import(store, BATCH.as_bytes(), "envie-lot-42.csv", sophie).unwrap();
    for tag in ["LC-REC-0001", "LC-REC-0002", "LC-REC-0003", "LC-REC-0004"] {
        let tag = comptoir::device::AssetTag::parse(tag).unwrap();
        for action in [
            comptoir::device::StockAction::Receive,
            comptoir::device::StockAction::MakeAvailable,
        ] {
            stock::change_state(store, &tag, action, sophie, "").unwrap();
        }
    }
    pos::open_session(store, sophie, Money::ZERO).unwrap();
    store
        .sql()
        .query_row("SELECT id FROM imports WHERE file_name = 'envie-lot-42.csv'", [], |r| {
            r.get(0)
        })
        .unwrap()
}

fn request(tag: &str, override_reason: Option<&str>) -> SaleRequest {
    SaleRequest {
        records_override: override_reason.map(str::to_string),
        ..SaleRequest::one_device_in_cash(MARTINE, "defaut", tag, 80)
    }
}

fn sell(
    store: &mut Store,
    tag: &str,
    override_reason: Option<&str>,
    actor: &Actor,
) -> comptoir::Result<pos::SaleRecord> {
    let caps = LegalCaps::shipped();
    pos::create_sale(
        store,
        &[Programme::shipped_default(&caps)],
        &caps,
        &request(tag, override_reason),
        actor,
    )
}

fn count(store: &Store, sql: &str) -> i64 {
    store.sql().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn fact(store: &Store, tag: &str, label: &str) -> Option<String> {
    stock::detail(store, tag)
        .unwrap()
        .facts
        .into_iter()
        .find(|f| f.label == label)
        .map(|f| f.value)
}

fn input(kind: &str, batch: Option<i64>, tags: &[&str], reference: &str) -> RecordInput {
    RecordInput {
        kind: kind.into(),
        batch,
        tags: tags.iter().map(|t| t.to_string()).collect(),
        method: "NIST 800-88 purge".into(),
        on: "2026-11-20".into(),
        by: "Envie 44".into(),
        reference: reference.into(),
        ..Default::default()
    }
}

#[test]
fn a_delivery_files_records_cover_its_batch_once_and_a_bare_certificate_becomes_unspecified() {
    let db = TestDb::new();
    let mut store = db.open();
    let (sophie, _) = people(&mut store);
    let batch = centre(&mut store, &sophie);
    // One erasure and one test record for the two laptops of the batch, one « non précisée »
    // record for the free-text certificate.
    let of_batch = |column: &str| {
        format!("SELECT count(DISTINCT {column}) FROM devices WHERE import_id = {batch} AND {column} IS NOT NULL")
    };
    assert_eq!(count(&store, &of_batch("erasure_record")), 2);
    assert_eq!(count(&store, &of_batch("test_record")), 1);
    assert_eq!(
        count(
            &store,
            &format!("SELECT count(*) FROM devices WHERE import_id = {batch}")
        ),
        4
    );
    let erasure = fact(&store, "LC-REC-0001", "Effacement des données").unwrap();
    assert!(
        erasure.contains("Blancco Drive Eraser, le 02/10/2026, par Envie 44 ; certificat BL-2026-0042"),
        "{erasure}"
    );
    let test = fact(&store, "LC-REC-0002", "Test de fonctionnement").unwrap();
    assert!(test.contains("rapport RT-0042, note B"), "{test}");
    let bare = fact(&store, "LC-REC-0004", "Effacement des données").unwrap();
    assert!(bare.starts_with("non précisée, le "), "{bare}");
    assert!(bare.contains("CERT-LIBRE-7"), "{bare}");
    assert_eq!(
        fact(&store, "LC-REC-0003", "Test de fonctionnement").as_deref(),
        Some("aucun relevé : la vente sera refusée")
    );
    // The window's list: the batch, with what each device lacks.
    let lacking = records::lacking(&store).unwrap();
    assert_eq!(lacking.len(), 1, "{lacking:?}");
    assert_eq!(lacking[0].batch, Some(batch));
    assert!(lacking[0].label.contains("envie-lot-42.csv"), "{}", lacking[0].label);
    let tags: Vec<(&str, usize)> = lacking[0]
        .devices
        .iter()
        .map(|d| (d.tag.as_str(), d.missing.len()))
        .collect();
    assert_eq!(tags, [("LC-REC-0003", 2), ("LC-REC-0004", 1)]);
    // A phone sent back to the network is no longer the centre's to complete.
    let tag = comptoir::device::AssetTag::parse("LC-REC-0003").unwrap();
    stock::change_state(
        &mut store,
        &tag,
        comptoir::device::StockAction::Return,
        &sophie,
        "Écran cassé",
    )
    .unwrap();
    let lacking = records::lacking(&store).unwrap();
    let tags: Vec<&str> = lacking[0].devices.iter().map(|d| d.tag.as_str()).collect();
    assert_eq!(tags, ["LC-REC-0004"]);
    let done = records::record(&mut store, &input("test", Some(batch), &[], "RT-LOT"), &sophie).unwrap();
    assert!(!done.tags.contains(&"LC-REC-0003".to_string()), "{:?}", done.tags);
}

#[test]
fn a_future_erasure_date_refuses_the_whole_file_naming_line_and_column() {
    let db = TestDb::new();
    let mut store = db.open();
    let file = "tag;kind;category;brand;model;refurbisher;erasure_method;erasure_date;erasure_certificate;test_date;test_report
LC-FUT-0001;laptop;B;Lenovo;ThinkPad T480;Envie;NIST 800-88;2026-01-02;C-1;2026-01-03;R-1
LC-FUT-0002;laptop;B;Lenovo;ThinkPad T480;Envie;NIST 800-88;2099-01-02;C-2;;R-2
";
    let err = delivery::import(&mut store, file.as_bytes(), "futur.csv", &Actor::test("test")).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("ligne 3") || text.contains("Ligne 3"), "{text}");
    assert!(text.contains("erasure_date") && text.contains("futur"), "{text}");
    assert!(
        text.contains("test_date"),
        "a report without its date is named too: {text}"
    );
    assert_eq!(count(&store, "SELECT count(*) FROM devices"), 0, "nothing imported");
    assert_eq!(count(&store, "SELECT count(*) FROM device_records"), 0);
}

#[test]
fn a_sale_without_records_is_refused_then_allowed_once_its_batch_is_recorded() {
    let db = TestDb::new();
    let mut store = db.open();
    let (sophie, amina) = people(&mut store);
    let batch = centre(&mut store, &sophie);
    let before = count(&store, "SELECT count(*) FROM sales");
    let err = sell(&mut store, "LC-REC-0003", None, &amina).unwrap_err();
    assert_eq!(err.code(), "records_missing", "{err}");
    let text = err.to_string();
    assert!(
        text.contains("LC-REC-0003 : l'effacement des données et le test de fonctionnement"),
        "{text}"
    );
    assert_eq!(count(&store, "SELECT count(*) FROM sales"), before, "nothing written");
    // A mediator cannot write the override; a manager can, and the reason is journaled.
    let err = sell(
        &mut store,
        "LC-REC-0003",
        Some("Certificat reçu par courriel, à saisir"),
        &amina,
    )
    .unwrap_err();
    assert_eq!(err.code(), "manager_required", "{err}");

    // The batch completed in one pass: erasure (with its certificate PDF), then test.
    let pdf = b"%PDF-1.4\n% certificat Envie lot 42\n%%EOF\n".to_vec();
    let mut erasure = input("erasure", Some(batch), &[], "BL-2026-0099");
    erasure.certificate_name = Some("lot-42.pdf".into());
    erasure.certificate = Some(pdf.clone());
    let done = records::record(&mut store, &erasure, &amina).unwrap();
    assert_eq!(done.tags, ["LC-REC-0001", "LC-REC-0002", "LC-REC-0003", "LC-REC-0004"]);
    let sha = done.certificate_sha256.unwrap();
    assert_eq!(sha, sha256_hex(&pdf));
    assert_eq!(
        records::certificate(&store, "LC-REC-0003").unwrap(),
        ("lot-42.pdf".to_string(), pdf)
    );
    let shown = fact(&store, "LC-REC-0003", "Effacement des données").unwrap();
    assert!(shown.contains(&format!("SHA-256 {sha}")), "{shown}");
    assert!(shown.contains("(saisi par Amina le "), "who entered it: {shown}");
    let err = sell(&mut store, "LC-REC-0003", None, &amina).unwrap_err();
    assert!(
        err.to_string().contains("LC-REC-0003 : le test de fonctionnement"),
        "{err}"
    );
    let mut test = input("test", Some(batch), &[], "");
    test.grade = "C".into();
    records::record(&mut store, &test, &amina).unwrap();
    let sale = sell(&mut store, "LC-REC-0003", None, &amina).unwrap();
    assert_eq!(sale.lines[0].erasure_ref.as_deref(), Some("BL-2026-0099"));
    assert!(records::lacking(&store).unwrap().is_empty());

    // The receipt names the provenance and the certificate.
    let sale = sell(&mut store, "LC-REC-0001", None, &amina).unwrap();
    let document = comptoir::documents::receipt(&mut store, &sale.receipt, None, &amina).unwrap();
    let text = crate::documents::pdftotext(&document.save_in(db.dir.path()).unwrap());
    assert!(text.contains("Provenance : don d'entreprise"), "{text}");
    assert!(text.contains("Certificat d'effacement : BL-2026-0099"), "{text}");
    assert!(text.contains("Occasion – reconditionné"), "{text}");
}

#[test]
fn a_managers_written_reason_sells_without_records_and_the_journal_keeps_it() {
    let db = TestDb::new();
    let mut store = db.open();
    let (sophie, _) = people(&mut store);
    centre(&mut store, &sophie);
    let err = sell(&mut store, "LC-REC-0003", Some("ok"), &sophie).unwrap_err();
    assert_eq!(err.code(), "reason_required", "{err}");
    let sale = sell(
        &mut store,
        "LC-REC-0003",
        Some("Certificat papier vu, saisie demain"),
        &sophie,
    )
    .unwrap();
    let content: String = store
        .sql()
        .query_row(
            "SELECT content FROM journal WHERE kind = 'sale' ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(content.contains("Certificat papier vu, saisie demain"), "{content}");
    // Sold without a certificate: the receipt does not call it « reconditionné ».
    let document = comptoir::documents::receipt(&mut store, &sale.receipt, None, &sophie).unwrap();
    let text = crate::documents::pdftotext(&document.save_in(db.dir.path()).unwrap());
    assert!(text.contains("Sans certificat d'effacement"), "{text}");
    assert!(!text.contains("reconditionné"), "{text}");
}

#[test]
fn a_certificate_that_is_not_a_pdf_or_too_big_is_refused_and_nothing_is_written() {
    let db = TestDb::new();
    let mut store = db.open();
    let (sophie, _) = people(&mut store);
    centre(&mut store, &sophie);
    let records_before = count(&store, "SELECT count(*) FROM device_records");
    let mut not_pdf = input("erasure", None, &["LC-REC-0003"], "C-9");
    not_pdf.certificate = Some(b"PK\x03\x04 un zip".to_vec());
    let err = records::record(&mut store, &not_pdf, &sophie).unwrap_err();
    assert!(err.to_string().contains("n'est pas un fichier PDF"), "{err}");
    let mut big = input("erasure", None, &["LC-REC-0003"], "C-9");
    big.certificate = Some([b"%PDF-1.7\n".as_slice(), &vec![b' '; 5 * 1024 * 1024]].concat());
    let err = records::record(&mut store, &big, &sophie).unwrap_err();
    assert!(err.to_string().contains("5 Mo au plus"), "{err}");
    let mut future = input("test", None, &["LC-REC-0003"], "R-9");
    future.on = "2099-01-01".into();
    let err = records::record(&mut store, &future, &sophie).unwrap_err();
    assert!(format!("{err:?}").contains("futur"), "{err:?}");
    let unknown = input("erasure", None, &["LC-REC-0003", "ZZ-NOPE-1"], "C-9");
    let err = records::record(&mut store, &unknown, &sophie).unwrap_err();
    assert!(err.to_string().contains("ZZ-NOPE-1 : appareil inconnu"), "{err}");
    assert_eq!(count(&store, "SELECT count(*) FROM device_records"), records_before);
    assert_eq!(count(&store, "SELECT count(*) FROM certificates"), 0);
}

#[test]
fn a_device_back_from_a_family_needs_a_new_erasure_record() {
    let db = TestDb::new();
    let mut store = db.open();
    let (sophie, _) = people(&mut store);
    centre(&mut store, &sophie);
    let sale = sell(&mut store, "LC-REC-0001", None, &sophie).unwrap();
    pos::cancel_sale(
        &mut store,
        &sale.receipt,
        None,
        "Ne convient pas",
        PaymentMethod::Cash,
        false,
        &sophie,
    )
    .unwrap();
    // Back on sale with the credit note, but not sellable until erased again.
    let state = stock::detail(&store, "LC-REC-0001").unwrap().device.state;
    assert_eq!(state, comptoir::device::DeviceState::Available);
    let err = sell(&mut store, "LC-REC-0001", None, &sophie).unwrap_err();
    assert_eq!(err.code(), "records_missing", "{err}");
    assert!(
        err.to_string().contains("LC-REC-0001 : l'effacement des données"),
        "{err}"
    );
    assert!(
        !err.to_string().contains("test de fonctionnement"),
        "the test still holds: {err}"
    );
    records::record(
        &mut store,
        &input("erasure", None, &["LC-REC-0001"], "BL-RETOUR-1"),
        &sophie,
    )
    .unwrap();
    let again = sell(&mut store, "LC-REC-0001", None, &sophie).unwrap();
    assert_eq!(again.lines[0].erasure_ref.as_deref(), Some("BL-RETOUR-1"));
    // The first receipt still names the certificate it was sold with.
    let first = pos::sale(&store, &sale.receipt).unwrap();
    assert_eq!(first.lines[0].erasure_ref.as_deref(), Some("BL-2026-0042"));
}

#[test]
fn the_free_text_certificate_of_an_earlier_version_becomes_an_unspecified_record_of_its_batch() {
    let db = TestDb::new();
    {
        let mut store = db.open();
        let file = "tag;kind;category;brand;model;refurbisher;erasure_certificate
LC-OLD-0001;laptop;B;Lenovo;ThinkPad T480;Ateliers du Bocage;CE-ANCIEN-1
LC-OLD-0002;laptop;B;Lenovo;ThinkPad T480;;
";
        delivery::import(&mut store, file.as_bytes(), "ancien.csv", &Actor::test("test")).unwrap();
        let created: String = store
            .sql()
            .query_row("SELECT created_at FROM devices WHERE tag = 'LC-OLD-0001'", [], |r| {
                r.get(0)
            })
            .unwrap();
        // As schema 15 left it: the free text only, no records, no batch.
        store.sql().execute_batch("PRAGMA foreign_keys = OFF;").unwrap();
        crate::undo_migrations_after_15(store.sql());
        assert!(created.len() > 10);
    }
    let store = db.open();
    let erasure = fact(&store, "LC-OLD-0001", "Effacement des données").unwrap();
    assert!(
        erasure.starts_with("non précisée, le ")
            && erasure.contains("par Ateliers du Bocage ; certificat CE-ANCIEN-1")
            && erasure.ends_with("(repris de l'ancien champ « certificat »)"),
        "{erasure}"
    );
    assert_eq!(
        fact(&store, "LC-OLD-0002", "Effacement des données").as_deref(),
        Some("aucun relevé : la vente sera refusée")
    );
    assert_eq!(
        count(&store, "SELECT count(*) FROM devices WHERE import_id IS NOT NULL"),
        2,
        "linked to its batch"
    );
    let lacking = records::lacking(&store).unwrap();
    assert!(
        lacking.iter().all(|b| b.label.contains("ancien.csv")) || lacking.is_empty(),
        "{lacking:?}"
    );
}

#[test]
fn the_command_line_lists_records_completes_a_batch_and_exports_the_certificate() {
    let db = TestDb::new();
    let batch = db.file("lot.csv", BATCH.as_bytes());
    json(&comptoir(&db, &["--json", "stock", "import", batch.to_str().unwrap()]));
    for tag in ["LC-REC-0003", "LC-REC-0004"] {
        json(&comptoir(&db, &["--json", "stock", "receive", tag]));
    }
    let listed = json(&comptoir(&db, &["--json", "stock", "records"]));
    let batch_id = listed[0]["batch"].as_i64().unwrap();
    assert_eq!(listed[0]["devices"].as_array().unwrap().len(), 2, "{listed}");
    let pdf = db.file("certificat.pdf", b"%PDF-1.4\n% lot 42\n%%EOF\n");
    let refused = refusal(&comptoir(
        &db,
        &[
            "--json",
            "stock",
            "erasure",
            "--batch",
            &batch_id.to_string(),
            "--method",
            "Blancco",
            "--date",
            "2099-01-01",
            "--by",
            "Envie",
            "--reference",
            "BL-1",
        ],
    ));
    assert_eq!(refused["error"]["code"], "invalid", "{refused}");
    let done = json(&comptoir(
        &db,
        &[
            "--json",
            "stock",
            "erasure",
            "--batch",
            &batch_id.to_string(),
            "--method",
            "Blancco",
            "--date",
            "2026-11-02",
            "--by",
            "Envie",
            "--reference",
            "BL-1",
            "--certificate",
            pdf.to_str().unwrap(),
        ],
    ));
    assert_eq!(done["tags"].as_array().unwrap().len(), 4, "{done}");
    json(&comptoir(
        &db,
        &[
            "--json",
            "stock",
            "test",
            "--batch",
            &batch_id.to_string(),
            "--date",
            "02/11/2026",
            "--by",
            "Envie",
            "--grade",
            "B",
        ],
    ));
    assert_eq!(
        json(&comptoir(&db, &["--json", "stock", "records"])),
        serde_json::json!([])
    );
    let out = db.dir.path().join("copie.pdf");
    json(&comptoir(
        &db,
        &[
            "--json",
            "stock",
            "certificate",
            "LC-REC-0003",
            "--out",
            out.to_str().unwrap(),
        ],
    ));
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&pdf).unwrap());
    // A device by hand, with its records on the same form.
    let added = json(&comptoir(
        &db,
        &[
            "--json",
            "stock",
            "add",
            "--tag",
            "LC-MAIN-0001",
            "--kind",
            "laptop",
            "--category",
            "B",
            "--brand",
            "HP",
            "--model",
            "EliteBook 840",
            "--refurbisher",
            "Envie",
            "--erasure-method",
            "Blancco",
            "--erasure-date",
            "2026-11-01",
            "--erasure-certificate",
            "BL-MAIN-1",
            "--test-date",
            "2026-11-02",
        ],
    ));
    let facts = added["facts"].to_string();
    assert!(
        facts.contains("certificat BL-MAIN-1") && facts.contains("note B"),
        "{facts}"
    );
    let text = String::from_utf8(comptoir(&db, &["stock", "show", "LC-REC-0003"]).stdout).unwrap();
    assert!(
        text.contains("Effacement des données : Blancco, le 02/11/2026, par Envie ; certificat BL-1"),
        "{text}"
    );
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
