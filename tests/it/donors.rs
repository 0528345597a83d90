//! The donor report (issue 19, part 6) on a fixed dataset, against figures computed by hand:
//! what became of a Département's devices, the people equipped by public with « < 3 », another
//! donor's devices never counted, PDF and CSV read back.

use comptoir::desk::documents as desk_documents;
use comptoir::donors::{self, DonorCounts, DonorKindRow};
use comptoir::money::Money;
use comptoir::operators::Actor;
use comptoir::pos::{self, PaymentMethod, SaleRequest};
use comptoir::programme::LegalCaps;
use comptoir::provenance::DonorKind;
use comptoir::reports::Cell;
use comptoir::{delivery, local, Store};

use crate::reports::{person, programme};
use crate::{comptoir, json, TestDb};

const CD94: &str = "Conseil départemental du Val-de-Marne";

/// Seven devices of the Département (six laptops, one phone) and one of a bank, in one file.
fn delivery_file() -> String {
    let mut csv = String::from("tag;kind;category;brand;model;provenance;donateur;convention;publics_reserves\n");
    for i in 0..6 {
        csv.push_str(&format!(
            "DN-{i};laptop;B;Dell;Latitude 5480;public;{CD94};CD94-2026-017;\n"
        ));
    }
    csv.push_str(&format!(
        "DN-6;smartphone;C;Samsung;Galaxy A52;public;{CD94};CD94-2026-017;\n"
    ));
    csv.push_str("BQ-0;laptop;B;Lenovo;ThinkPad T480;entreprise;Banque Solidaire;;\n");
    csv
}

/// By hand: DN-0…DN-4 and DN-6 received and put on sale (DN-5 never received); four people on
/// the RSA buy DN-0…DN-3, a student buys DN-4; the sale of DN-0 is cancelled (DN-0 back on
/// sale); another RSA person buys the bank's BQ-0 (not the Département's).
fn dataset(store: &mut Store) {
    let amina = Actor::test("Amina");
    let p = programme();
    let programmes = vec![p.clone()];
    let caps = LegalCaps::shipped();
    delivery::import(store, delivery_file().as_bytes(), "cd94.csv", &amina).unwrap();
    crate::put_on_sale(
        store,
        &["DN-0", "DN-1", "DN-2", "DN-3", "DN-4", "DN-6", "BQ-0"],
        "Amina",
    );
    pos::open_session(store, &amina, Money::ZERO).unwrap();
    let sell = |store: &mut Store, person: i64, tag: &str| {
        let request = SaleRequest::one_device_in_cash(person, &p.id, tag, 80);
        pos::create_sale(store, &programmes, &caps, &request, &amina)
            .unwrap()
            .receipt
    };
    let mut first = String::new();
    for (i, name) in ["Martin", "Bernard", "Thomas", "Petit"].iter().enumerate() {
        let id = person(store, &programmes, name, "rsa", "attestation_caf");
        let receipt = sell(store, id, &format!("DN-{i}"));
        if i == 0 {
            first = receipt;
        }
    }
    let student = person(store, &programmes, "Etudiante", "etudiant", "carte_etudiante");
    sell(store, student, "DN-4");
    let other = person(store, &programmes, "Robert", "rsa", "attestation_caf");
    sell(store, other, "BQ-0");
    pos::cancel_sale(store, &first, None, "Rétractation", PaymentMethod::Cash, false, &amina).unwrap();
}

/// A row: received, sold, taken back, given back, on sale, lent, out of order, recycled, lost,
/// not yet on sale.
fn row(kind: comptoir::device::DeviceKind, n: [i64; 10]) -> DonorKindRow {
    DonorKindRow {
        kind,
        counts: DonorCounts::from(n),
    }
}

#[test]
fn the_donor_report_matches_the_figures_computed_by_hand() {
    use comptoir::device::DeviceKind::{Laptop, Smartphone};
    let db = TestDb::new();
    let mut store = db.open();
    dataset(&mut store);
    let today = local::today();
    // Accents and case ignored in the donor's name.
    let report = donors::build(
        &store,
        &[programme()],
        "conseil departemental du val-de-marne",
        today,
        today,
    )
    .unwrap();
    assert_eq!(report.donor, CD94);
    assert_eq!(report.kinds, [DonorKind::Public]);
    assert_eq!(report.conventions, ["CD94-2026-017"]);
    assert_eq!(
        report.rows,
        [
            row(Laptop, [5, 4, 1, 0, 0, 0, 0, 0, 0, 0]),
            row(Smartphone, [1, 0, 0, 0, 1, 0, 0, 0, 0, 0])
        ]
    );
    assert_eq!(report.total.received, 6);
    assert_eq!(report.total.sold, 4);
    // DN-0, sold then taken back, counts once: taken back, not also on sale.
    assert_eq!((report.total.taken_back, report.total.on_sale), (1, 1));
    assert_eq!(report.total.accounted(), report.total.received);
    // Bernard, Thomas, Petit (RSA) and the student; Martin's sale was cancelled, Robert bought
    // the bank's laptop.
    assert_eq!(report.people, Cell::Count(4));
    let publics: Vec<(&str, Cell)> = report.publics.iter().map(|p| (p.public.as_str(), p.people)).collect();
    assert_eq!(publics, [("etudiant", Cell::FewerThanThree), ("rsa", Cell::Count(3))]);
    assert!(report.number.starts_with("DON-"), "{}", report.number);

    // A period that ended yesterday: nothing had come in yet.
    let yesterday = today.pred_opt().unwrap();
    let before = donors::build(&store, &[programme()], CD94, yesterday, yesterday).unwrap();
    assert_eq!(before.total.received + before.total.on_sale + before.total.sold, 0);
    assert_eq!(before.people, Cell::Count(0));

    // The PDF: every figure found by pdftotext, the number, nothing off the margins.
    let document = desk_documents::donor_report_document(&store, &report, false).unwrap();
    assert!(document.violations.is_empty(), "{:?}", document.violations);
    let path = document.save_in(db.dir.path()).unwrap();
    let text = crate::documents::pdftotext(&path);
    let layout = layout_text(&path);
    for row in [
        "5 4 1 0 0 0 0 0 0 0",
        "Smartphone 1 0 0 0 1 0 0 0 0 0",
        "Total 6 4 1 0 1 0 0 0 0 0",
    ] {
        assert!(layout.contains(row), "« {row} » missing from:\n{layout}");
    }
    // (pdftotext joins « < 3 » into « <3 »: compare without spaces.)
    assert!(layout.replace(' ', "").contains("Étudiant<3"), "{layout}");
    for needle in [
        "RAPPORT AU DONATEUR",
        &report.number,
        CD94,
        "CD94-2026-017",
        "Appareils reçus : 6",
        "Personnes équipées : 4",
    ] {
        assert!(text.contains(needle), "« {needle} » missing from:\n{text}");
    }
    assert!(!text.contains("Martin") && !text.contains("Bernard"), "no name: {text}");

    // The CSV for spreadsheets.
    let csv = String::from_utf8(donors::to_csv(&report)).unwrap();
    assert!(csv.starts_with('\u{feff}'));
    assert!(csv.contains("Total;6;4;1;0;1;0;0;0;0;0\r\n"), "{csv}");
    assert!(csv.contains("Personnes équipées;4\r\n"), "{csv}");
    assert!(csv.contains(";< 3\r\n"), "{csv}");

    // An unknown donor is named with the known ones; a period backwards is refused.
    let err = donors::build(&store, &[programme()], "Mairie de Nulle-Part", today, today).unwrap_err();
    assert!(err.to_string().contains("Banque Solidaire"), "{err}");
    assert!(donors::build(&store, &[programme()], CD94, today, yesterday).is_err());
}

#[test]
fn the_command_line_lists_donors_and_writes_the_report() {
    let db = TestDb::new();
    let file = db.file("cd94.csv", delivery_file().as_bytes());
    json(&comptoir(&db, &["--json", "stock", "import", file.to_str().unwrap()]));
    json(&comptoir(&db, &["--json", "stock", "receive", "DN-1"]));
    let listed = json(&comptoir(&db, &["--json", "report", "donors"]));
    assert_eq!(listed[0]["name"], "Banque Solidaire", "{listed}");
    assert_eq!(listed[1]["devices"], 7, "{listed}");
    let csv = db.dir.path().join("cd94-rapport.csv");
    let today = local::today().to_string();
    let report = json(&comptoir(
        &db,
        &[
            "--json",
            "report",
            "donor",
            CD94,
            "--from",
            &today,
            "--to",
            &today,
            "--csv",
            csv.to_str().unwrap(),
        ],
    ));
    assert_eq!(report["total"]["received"], 1, "{report}");
    assert!(std::fs::read_to_string(&csv)
        .unwrap()
        .contains("Total;1;0;0;0;0;0;0;0;0;1"));
    // The hub learns each local device's provenance with its event.
    let store = db.open_encrypted();
    let event: String = store
        .sql()
        .query_row("SELECT event FROM outbox WHERE uuid = 'stock-DN-1'", [], |r| r.get(0))
        .unwrap();
    assert!(event.contains(r#""provenance":{"kind":"public""#), "{event}");
    let device: comptoir::sync::protocol::WireDevice =
        serde_json::from_value(serde_json::from_str::<serde_json::Value>(&event).unwrap()["device"].clone()).unwrap();
    assert_eq!(
        device.parse().unwrap().provenance.unwrap().convention.as_deref(),
        Some("CD94-2026-017")
    );
}

/// The text of a PDF with its layout (a table's row on one line), spaces normalised.
fn layout_text(path: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(path)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .replace(['\u{a0}', '\u{202f}'], " ")
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}
