//! Funders' reports on a fixed dataset, against figures computed by hand (issue 7).

use chrono::Duration;
use uuid::Uuid;

use comptoir::beneficiary::{self, Catalogue, NewPerson, PersonInput};
use comptoir::device::DeviceKind;
use comptoir::money::Money;
use comptoir::pos::{self, DeviceRequest, ItemRequest, PaymentMethod, SalePayment, SaleRequest};
use comptoir::programme::{LegalCaps, Programme};
use comptoir::reports::{self, Cell};
use comptoir::{delivery, documents, local, Store};

use crate::TestDb;

pub(crate) fn programme() -> Programme {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/programmes/defaut.toml"))
        .unwrap()
        .replace("id = \"defaut\"", "id = \"ville-2026\"")
        .replace("name = \"Équipement solidaire\"", "name = \"Ville solidaire 2026\"")
        .replace(
            "funder = \"Structure (fonds propres)\"",
            "funder = \"Ville de Montreuil\"",
        )
        .replace("[publics.rsa]\n", "[publics.rsa]\ntarget = 10\n")
        .replace("[publics.etudiant]\n", "[publics.etudiant]\ntarget = 4\n");
    Programme::parse(&text, "ville-2026.toml", &LegalCaps::shipped()).unwrap()
}

pub(crate) fn person(store: &mut Store, programmes: &[Programme], last: &str, public: &str, proof: &str) -> i64 {
    let today = local::today();
    let input = PersonInput {
        last_name: last.into(),
        first_name: "Camille".into(),
        birth_date: Some("1990-05-04".into()),
        publics: vec![public.into()],
        ..PersonInput::default()
    };
    let catalogue = Catalogue::of(programmes);
    let id = beneficiary::add(
        store,
        &NewPerson::parse(&input, &catalogue, today).unwrap(),
        true,
        &comptoir::operators::Actor::test("test"),
    )
    .unwrap();
    let issued = (today - Duration::days(10)).to_string();
    beneficiary::add_proof(
        store,
        id,
        proof,
        &issued,
        &comptoir::operators::Actor::test("Amina"),
        &catalogue,
        today,
    )
    .unwrap();
    id
}

fn pay(method: PaymentMethod, euros: i64) -> SalePayment {
    SalePayment {
        method,
        amount: Money::from_euros(euros),
        reference: None,
    }
}

/// Four RSA beneficiaries buy a category-B laptop at 80 € (three in cash, one covered by the
/// funder); a student buys a category-A one at 100 € (60 cash, 40 funder); two SIM cards are
/// sold by card without a person; one RSA sale is then cancelled (80 € back in cash).
fn dataset(store: &mut Store) -> (Programme, String) {
    let p = programme();
    let programmes = vec![p.clone()];
    let caps = LegalCaps::shipped();
    let mut csv = String::from("tag;kind;category;brand;model\n");
    for i in 0..4 {
        csv.push_str(&format!("RB-{i};laptop;B;Dell;Latitude 5480\n"));
    }
    csv.push_str("RA-0;laptop;A;Lenovo;ThinkPad T480s\n");
    delivery::import(
        store,
        csv.as_bytes(),
        "livraison.csv",
        &comptoir::operators::Actor::test("Amina"),
    )
    .unwrap();
    crate::put_on_sale(store, &["RB-0", "RB-1", "RB-2", "RB-3", "RA-0"], "Amina");
    pos::open_session(store, &comptoir::operators::Actor::test("Amina"), Money::ZERO).unwrap();
    let sale =
        |store: &mut Store, person: Option<i64>, tag: Option<(&str, i64)>, items: u32, payments: Vec<SalePayment>| {
            let request = SaleRequest {
                reserved_override: None,
                records_override: None,
                uuid: Uuid::now_v7(),
                person_id: person,
                programme: Some("ville-2026".into()),
                devices: tag
                    .map(|(t, price)| DeviceRequest {
                        tag: t.into(),
                        price: Some(Money::from_euros(price)),
                    })
                    .into_iter()
                    .collect(),
                items: (items > 0)
                    .then(|| ItemRequest {
                        kind: DeviceKind::SimCard,
                        quantity: items,
                        unit_price: Some(Money::from_euros(5)),
                    })
                    .into_iter()
                    .collect(),
                payments,
            };
            pos::create_sale(
                store,
                &programmes,
                &caps,
                &request,
                &comptoir::operators::Actor::test("Amina"),
            )
            .unwrap()
            .receipt
        };
    let mut first = String::new();
    for i in 0..4 {
        let name = ["Martin", "Bernard", "Thomas", "Petit"][i];
        let id = person(store, &programmes, name, "rsa", "attestation_caf");
        let method = if i == 3 {
            PaymentMethod::Funder
        } else {
            PaymentMethod::Cash
        };
        let receipt = sale(
            store,
            Some(id),
            Some((&format!("RB-{i}"), 80)),
            0,
            vec![pay(method, 80)],
        );
        if i == 0 {
            first = receipt;
        }
    }
    let student = person(store, &programmes, "Etudiante", "etudiant", "carte_etudiante");
    sale(
        store,
        Some(student),
        Some(("RA-0", 100)),
        0,
        vec![pay(PaymentMethod::Cash, 60), pay(PaymentMethod::Funder, 40)],
    );
    sale(store, None, None, 2, vec![pay(PaymentMethod::Card, 10)]);
    pos::cancel_sale(
        store,
        &first,
        None,
        "Rétractation",
        PaymentMethod::Cash,
        false,
        &comptoir::operators::Actor::test("Sophie"),
    )
    .unwrap();
    (p, first)
}

#[test]
fn the_report_matches_the_figures_computed_by_hand_and_hides_small_counts() {
    let db = TestDb::new();
    let mut store = db.open();
    let (programme, _) = dataset(&mut store);
    let today = local::today();
    let report = reports::build(&store, &programme, today - Duration::days(30), today).unwrap();
    assert_eq!(report.funder, "Ville de Montreuil");
    assert_eq!(report.sales, 6);
    // Devices are not people: never masked (issue 32).
    let devices: Vec<(DeviceKind, Option<&str>, i64)> = report
        .devices
        .iter()
        .map(|d| (d.kind, d.category.map(|c| c.code()), d.count))
        .collect();
    assert_eq!(
        devices,
        [(DeviceKind::Laptop, Some("A"), 1), (DeviceKind::Laptop, Some("B"), 3),]
    );
    assert_eq!(report.devices_total, 4);
    assert_eq!(report.items.len(), 1);
    assert_eq!(
        (report.items[0].kind, report.items[0].quantity),
        (DeviceKind::SimCard, 2)
    );
    assert_eq!(report.people, Cell::Count(4));
    let rsa = report.publics.iter().find(|p| p.public == "rsa").unwrap();
    assert_eq!(
        (rsa.people, rsa.target, rsa.progress),
        (Cell::Count(3), Some(10), Some(30))
    );
    let student = report.publics.iter().find(|p| p.public == "etudiant").unwrap();
    assert_eq!(
        (student.people, student.target, student.progress),
        (Cell::FewerThanThree, Some(4), None)
    );
    let jobseekers = report.publics.iter().find(|p| p.public == "demandeur_emploi").unwrap();
    assert_eq!(jobseekers.people, Cell::Count(0));
    assert_eq!(report.takings[&PaymentMethod::Cash], Money::from_euros(300));
    assert_eq!(report.takings[&PaymentMethod::Card], Money::from_euros(10));
    assert_eq!(report.takings[&PaymentMethod::Funder], Money::from_euros(120));
    assert_eq!(report.funder_part, Money::from_euros(120));
    assert_eq!(report.takings_total, Money::from_euros(430));
    assert_eq!((report.credit_notes, report.credit_total), (1, Money::from_euros(80)));
    assert_eq!(report.net, Money::from_euros(350));

    // The CSV: BOM, `;`, the columns, decimal commas, French dates, « < 3 ».
    let csv = reports::to_csv(&report);
    assert!(csv.starts_with("\u{feff}".as_bytes()));
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "Rubrique;Détail;Catégorie;Nombre;Montant (€);Objectif / avancement"
    );
    assert!(lines.iter().all(|l| l.split(';').count() == 6), "{text}");
    let period = format!(
        "Période;du {} au {};",
        (today - Duration::days(30)).format("%d/%m/%Y"),
        today.format("%d/%m/%Y")
    );
    assert!(text.contains(&period), "{text}");
    assert!(
        text.contains("Appareils distribués;Ordinateur portable;A;1;;"),
        "{text}"
    );
    assert!(
        text.contains("Personnes équipées;Bénéficiaire du RSA;;3;;10 (30 %)"),
        "{text}"
    );
    assert!(text.contains("Encaissements;Espèces;;;300,00;"), "{text}");
    assert!(text.contains("Net;Encaissements moins avoirs;;;350,00;"), "{text}");
    assert!(
        !text.contains("Martin") && !text.contains("Camille"),
        "no name in a report"
    );

    // The PDF: the same figures, no name, within its margins.
    let doc = documents::funder_report(&store, &report).unwrap();
    assert!(doc.violations.is_empty(), "{:?}", doc.violations);
    let path = doc.save_in(&db.dir.path().join("docs")).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    let pdf = String::from_utf8(out.stdout)
        .unwrap()
        .replace(['\u{a0}', '\u{202f}'], " ");
    // (pdftotext joins « < 3 » into « <3 »: compare without spaces.)
    let compact = pdf.replace(' ', "");
    for expected in [
        "BILAN POUR LE FINANCEUR",
        "Ville solidaire 2026",
        "Ville de Montreuil",
        "3 / 10 (30 %)",
        "< 3 / 4",
        "350,00 €",
    ] {
        assert!(
            compact.contains(&expected.replace(' ', "")),
            "missing {expected} in {pdf}"
        );
    }
    assert!(!pdf.contains("Camille"));
}

#[test]
fn an_empty_period_gives_an_empty_valid_report_and_bad_requests_are_refused() {
    let db = TestDb::new();
    let mut store = db.open();
    let (programme, _) = dataset(&mut store);
    let report = reports::build(
        &store,
        &programme,
        chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2020, 12, 31).unwrap(),
    )
    .unwrap();
    assert_eq!(
        (report.sales, report.people, report.devices_total),
        (0, Cell::Count(0), 0)
    );
    assert_eq!(report.net, Money::ZERO);
    assert!(documents::funder_report(&store, &report).unwrap().violations.is_empty());
    let err = reports::build(
        &store,
        &programme,
        chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("la fin est avant le début"), "{err}");
    let programmes = [programme];
    let err = reports::find_programme(&programmes, "inconnu").unwrap_err();
    assert!(err.to_string().contains("Programme inconnu"), "{err}");
    assert_eq!(
        reports::find_programme(&programmes, "VILLE SOLIDAIRE 2026").unwrap().id,
        "ville-2026"
    );
}

#[test]
fn the_dashboard_shows_each_active_programme_and_the_stock_on_sale() {
    let db = TestDb::new();
    let mut store = db.open();
    let (programme, _) = dataset(&mut store);
    let mut ended = programme.clone();
    ended.id = "ancien".into();
    ended.end = Some(chrono::NaiveDate::from_ymd_opt(2025, 12, 31).unwrap());
    let dashboard = reports::dashboard(&store, &[programme, ended], local::today()).unwrap();
    assert_eq!(
        dashboard.programmes.len(),
        1,
        "an ended programme is not on the dashboard"
    );
    let progress = &dashboard.programmes[0];
    assert_eq!(progress.programme_id, "ville-2026");
    assert_eq!(progress.people, Cell::Count(4));
    let rsa = progress.publics.iter().find(|p| p.public == "rsa").unwrap();
    assert_eq!(rsa.progress, Some(30));
    // The cancelled laptop is back on sale; nothing else is.
    let stock: Vec<(DeviceKind, Option<&str>, i64)> = dashboard
        .stock
        .iter()
        .map(|s| (s.kind, s.category.map(|c| c.code()), s.available))
        .collect();
    assert_eq!(stock, [(DeviceKind::Laptop, Some("B"), 1)]);
}
