//! The demo centre's data: device models, refurbishers, the journeys that bring each device to
//! its state, the invented médiateurs and people.

use super::*;

#[allow(clippy::too_many_arguments)] // a table row, written positionally for readability
pub(super) const fn m(
    kind: DeviceKind,
    brand: &'static str,
    model: &'static str,
    cpu: Option<&'static str>,
    ram_gb: Option<i64>,
    storage: Option<(StorageKind, i64)>,
    screen_tenths: Option<i64>,
    os: Option<&'static str>,
) -> Model {
    Model {
        kind,
        brand,
        model,
        cpu,
        ram_gb,
        storage,
        screen_tenths,
        os,
    }
}

use DeviceKind as K;
use StorageKind as S;

pub(super) const MODELS: &[Model] = &[
    m(
        K::Laptop,
        "Lenovo",
        "ThinkPad T480",
        Some("Intel Core i5-8350U"),
        Some(8),
        Some((S::Ssd, 256)),
        Some(140),
        Some("Windows 11 Pro"),
    ),
    m(
        K::Laptop,
        "Dell",
        "Latitude E7470",
        Some("Intel Core i5-6300U"),
        Some(8),
        Some((S::Ssd, 240)),
        Some(140),
        Some("Linux Mint 22"),
    ),
    m(
        K::Laptop,
        "HP",
        "EliteBook 840 G5",
        Some("Intel Core i5-8250U"),
        Some(16),
        Some((S::Nvme, 512)),
        Some(140),
        Some("Windows 11 Pro"),
    ),
    m(
        K::Laptop,
        "Lenovo",
        "ThinkPad X270",
        Some("Intel Core i3-7100U"),
        Some(4),
        Some((S::Hdd, 500)),
        Some(125),
        Some("Windows 10 Pro"),
    ),
    m(
        K::Laptop,
        "Dell",
        "Latitude 5490",
        Some("Intel Core i7-8650U"),
        Some(16),
        Some((S::Nvme, 512)),
        Some(140),
        Some("Windows 11 Pro"),
    ),
    m(
        K::Laptop,
        "HP",
        "ProBook 450 G6",
        Some("Intel Core i5-8265U"),
        Some(8),
        Some((S::Ssd, 256)),
        Some(156),
        Some("Windows 11 Famille"),
    ),
    m(
        K::Laptop,
        "Fujitsu",
        "Lifebook E548",
        Some("Intel Core i5-7300U"),
        Some(8),
        Some((S::Ssd, 256)),
        Some(140),
        Some("Ubuntu 24.04 LTS"),
    ),
    m(
        K::Laptop,
        "Toshiba",
        "Tecra A50-E",
        Some("Intel Core i5-8250U"),
        Some(8),
        Some((S::Ssd, 256)),
        Some(156),
        Some("Windows 10 Pro"),
    ),
    m(
        K::Laptop,
        "Lenovo",
        "ThinkPad E590",
        Some("Intel Core i5-8265U"),
        Some(8),
        Some((S::Ssd, 256)),
        Some(156),
        Some("Linux Mint 22"),
    ),
    m(
        K::Laptop,
        "Apple",
        "MacBook Air 2017",
        Some("Intel Core i5-5350U"),
        Some(8),
        Some((S::Ssd, 128)),
        Some(133),
        Some("macOS Monterey"),
    ),
    m(
        K::Desktop,
        "Dell",
        "OptiPlex 7050 + écran 22\"",
        Some("Intel Core i5-7500"),
        Some(8),
        Some((S::Ssd, 256)),
        None,
        Some("Windows 11 Pro"),
    ),
    m(
        K::Desktop,
        "HP",
        "ProDesk 600 G3 + écran 24\"",
        Some("Intel Core i5-6500"),
        Some(8),
        Some((S::Ssd, 240)),
        None,
        Some("Linux Mint 22"),
    ),
    m(
        K::Desktop,
        "Lenovo",
        "ThinkCentre M710s + écran 22\"",
        Some("Intel Core i3-7100"),
        Some(4),
        Some((S::Hdd, 500)),
        None,
        Some("Windows 10 Pro"),
    ),
    m(
        K::Desktop,
        "Fujitsu",
        "Esprimo D538 + écran 24\"",
        Some("Intel Core i5-8400"),
        Some(16),
        Some((S::Nvme, 512)),
        None,
        Some("Windows 11 Pro"),
    ),
    m(
        K::Tablet,
        "Samsung",
        "Galaxy Tab A 10.1",
        None,
        Some(2),
        Some((S::Emmc, 32)),
        Some(101),
        Some("Android 11"),
    ),
    m(
        K::Tablet,
        "Apple",
        "iPad 6e génération",
        None,
        Some(2),
        Some((S::Flash, 32)),
        Some(97),
        Some("iPadOS 17"),
    ),
    m(
        K::Tablet,
        "Lenovo",
        "Tab M10 HD",
        None,
        Some(3),
        Some((S::Emmc, 32)),
        Some(101),
        Some("Android 12"),
    ),
    m(
        K::Smartphone,
        "Samsung",
        "Galaxy A52",
        None,
        Some(6),
        Some((S::Flash, 128)),
        Some(65),
        Some("Android 14"),
    ),
    m(
        K::Smartphone,
        "Apple",
        "iPhone 8",
        None,
        Some(2),
        Some((S::Flash, 64)),
        Some(47),
        Some("iOS 16"),
    ),
    m(
        K::Smartphone,
        "Xiaomi",
        "Redmi Note 9",
        None,
        Some(3),
        Some((S::Flash, 64)),
        Some(65),
        Some("Android 12"),
    ),
    m(
        K::Smartphone,
        "Google",
        "Pixel 4a",
        None,
        Some(6),
        Some((S::Flash, 128)),
        Some(58),
        Some("Android 13"),
    ),
    m(
        K::Smartphone,
        "Samsung",
        "Galaxy S10e",
        None,
        Some(6),
        Some((S::Flash, 128)),
        Some(58),
        Some("Android 12"),
    ),
    m(K::Screen, "Dell", "P2219H 22\"", None, None, None, Some(215), None),
    m(K::Screen, "HP", "E223 22\"", None, None, None, Some(215), None),
    m(K::Printer, "HP", "LaserJet Pro M15w", None, None, None, None, None),
    m(K::Printer, "Brother", "HL-L2350DW", None, None, None, None, None),
    m(K::Multifunction, "Canon", "PIXMA TS5150", None, None, None, None, None),
    m(
        K::SimCard,
        "Emmaüs Connect",
        "Carte SIM prépayée 10 Go",
        None,
        None,
        None,
        None,
        None,
    ),
    m(
        K::DataTopUp,
        "Emmaüs Connect",
        "Recharge solidaire 20 Go",
        None,
        None,
        None,
        None,
        None,
    ),
    m(K::Accessory, "Générique", "Souris USB", None, None, None, None, None),
    m(
        K::Accessory,
        "Générique",
        "Sacoche 15,6 pouces",
        None,
        None,
        None,
        None,
        None,
    ),
    m(
        K::Accessory,
        "Générique",
        "Chargeur universel 65 W",
        None,
        None,
        None,
        None,
        None,
    ),
];

pub(super) const CATEGORIES: &[Category] = &[Category::Hc, Category::C, Category::B, Category::A, Category::Premium];
pub(super) const REFURBISHERS: &[&str] = &[
    "Ateliers du Bocage",
    "Envie Autonomie",
    "ReBoot Solidaire",
    "Emmaüs Connect Atelier",
];

/// The steps that bring a new (allocated) demo device to its demo state, with who and why.
pub(super) const JOURNEYS: &[&[(StockAction, &str)]] = &[
    &[],
    &[(StockAction::Receive, "Livraison du lot de novembre")],
    &[
        (StockAction::Receive, "Livraison du lot de novembre"),
        (StockAction::MakeAvailable, "Contrôlé : démarre, batterie OK"),
    ],
    &[
        (StockAction::Receive, "Livraison du lot d'octobre"),
        (StockAction::MakeAvailable, "Contrôlé"),
    ],
    &[
        (StockAction::Receive, "Livraison du lot d'octobre"),
        (StockAction::MakeAvailable, "Contrôlé"),
        (StockAction::Reserve, "Réservé pour une personne orientée par le CCAS"),
    ],
    // Put on sale, then sold for real at the demo permanence (see `sell_demo`).
    &[
        (StockAction::Receive, "Livraison du lot de septembre"),
        (StockAction::MakeAvailable, "Contrôlé"),
    ],
    &[
        (StockAction::Receive, "Livraison du lot de septembre"),
        (StockAction::MarkDefective, "Ne démarre pas : carte mère à vérifier"),
    ],
    &[
        (StockAction::Receive, "Livraison du lot de septembre"),
        (StockAction::MakeAvailable, "Contrôlé"),
        (StockAction::Return, "Demandé par le réseau pour un autre centre"),
    ],
];

pub(super) const OPERATORS: &[&str] = &["Amina (médiatrice)", "Julien (médiateur)", "Sophie (responsable)"];

/// The demo centre's invented médiateurs, written by Comptoir itself.
pub(super) fn demo_actor(i: usize) -> Actor {
    Actor::internal(OPERATORS[i % OPERATORS.len()])
}

/// A valid IMEI built from a 14-digit body and its Luhn check digit.
pub(super) fn demo_imei(n: usize) -> Imei {
    let body = format!("35{:012}", 209_900_000_000u64 + n as u64 * 7919);
    let check = (0..10)
        .find(|d| luhn_valid(&format!("{body}{d}")))
        .expect("a Luhn digit exists");
    Imei::parse(&format!("{body}{check}")).expect("demo IMEIs are valid")
}

/// The demo's donors: (provenance kind, donor, convention).
const DONORS: &[(&str, &str, &str)] = &[
    ("public", "Conseil départemental des Hauts-de-Seine", "CD92-2024-031"),
    ("entreprise", "Banque Solidaire", ""),
    ("particulier", "Don de particuliers", ""),
];

/// The demo devices, in a stable order.
pub fn devices() -> Vec<NewDevice> {
    let mut out = Vec::new();
    let mut n = 0usize;
    for (mi, model) in MODELS.iter().enumerate() {
        // Two of each model, so that each graded model shows in two categories.
        for copy in 0..2 {
            n += 1;
            let category = model
                .kind
                .requires_category()
                .then(|| CATEGORIES[(mi + copy * 2) % CATEGORIES.len()]);
            let tag = AssetTag::parse(&format!("EC-24-{:04}", n)).expect("demo tags are valid");
            let prefix: String = model.brand.chars().filter(char::is_ascii_alphabetic).take(2).collect();
            let serial = Serial::parse(&format!("{}{:06}", prefix.to_uppercase(), 100_000 + n * 37)).ok();
            let imei = (model.kind == DeviceKind::Smartphone).then(|| demo_imei(n));
            let is_computer = matches!(model.kind, DeviceKind::Laptop);
            let specs = Specs {
                cpu: model.cpu.map(str::to_string),
                ram_mb: model.ram_gb.map(|g| g * 1024),
                storage_kind: model.storage.map(|s| s.0),
                storage_gb: model.storage.map(|s| s.1),
                screen_tenths_inch: model.screen_tenths,
                os: model.os.map(str::to_string),
                battery_serial: is_computer.then(|| format!("BAT{:07}", 4_000_000 + n * 13)),
                charger_serial: is_computer.then(|| format!("CHG{:07}", 7_000_000 + n * 17)),
                refurbisher: Some(REFURBISHERS[n % REFURBISHERS.len()].to_string()),
                erasure_certificate: model
                    .kind
                    .requires_category()
                    .then(|| format!("CE-2024-{:05}", 10_000 + n)),
            };
            // The refurbisher's erasure certificate and test grade, for the kinds that held data.
            let refurbisher = REFURBISHERS[n % REFURBISHERS.len()].to_string();
            let on = chrono::NaiveDate::from_ymd_opt(2024, 10, 1 + (n % 28) as u32).expect("a day of October");
            let records = crate::refurbishing::Records {
                erasure: specs
                    .erasure_certificate
                    .clone()
                    .map(|reference| crate::refurbishing::Erasure {
                        method: "NIST 800-88 purge (Blancco Drive Eraser)".into(),
                        on,
                        by: refurbisher.clone(),
                        reference,
                    }),
                test: category.map(|c| crate::refurbishing::Test {
                    on,
                    by: refurbisher.clone(),
                    reference: Some(format!("RT-2024-{:05}", 20_000 + n)),
                    grade: Some(c.code().to_string()),
                }),
            };
            // Where it came from, as a delivery file's provenance columns say it: a Département
            // under its convention, a company, a person (the graded devices only).
            let provenance = category.and_then(|_| {
                let (kind, donor, convention) = DONORS[n % DONORS.len()];
                crate::provenance::ProvenanceCells {
                    kind: Some(kind),
                    donor: Some(donor),
                    convention: Some(convention),
                    reserved_for: None,
                    acquisition: Some("0"),
                }
                .parse()
                .expect("demo provenances are valid")
            });
            out.push(
                NewDevice::new(tag, model.kind, category, model.brand, model.model, serial, imei, specs)
                    .expect("demo devices are valid")
                    .with_records(records)
                    .with_provenance(provenance),
            );
        }
    }
    out
}

/// A demo person: (last, first, birth, phone, household, prescriber, publics, proofs as
/// (kind, days before today), equipment as (kind, days before today)).
pub(super) type DemoPerson = (
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
    &'static [&'static str],
    &'static [(&'static str, i64)],
    &'static [(DeviceKind, i64)],
);

pub(super) const PEOPLE: &[DemoPerson] = &[
    (
        "Lefèvre",
        "Martine",
        Some("1958-03-14"),
        Some("06 12 34 56 78"),
        None,
        "ccas",
        &["rsa"],
        &[("attestation_caf", 20)],
        &[],
    ),
    (
        "Dubois",
        "François",
        Some("1979-11-02"),
        Some("07 81 22 33 44"),
        None,
        "france_travail",
        &["demandeur_emploi"],
        &[("attestation_france_travail", 120)],
        &[],
    ),
    (
        "Benali",
        "Inès",
        Some("2004-06-21"),
        None,
        None,
        "association",
        &["etudiant"],
        &[("carte_etudiante", 0)],
        &[],
    ),
    (
        "Haddad",
        "Karim",
        Some("1985-01-09"),
        Some("06 45 67 89 10"),
        Some("Haddad, 12 rue des Lilas"),
        "service_social",
        &["rsa"],
        &[("attestation_caf", 10)],
        &[],
    ),
    (
        "Haddad",
        "Samira",
        Some("1987-07-30"),
        None,
        Some("Haddad, 12 rue des Lilas"),
        "service_social",
        &["rsa"],
        &[("attestation_caf", 10)],
        &[(DeviceKind::Laptop, 90)],
    ),
    (
        "Martin",
        "Lucas",
        Some("2003-02-17"),
        None,
        None,
        "mission_locale",
        &["etudiant"],
        &[],
        &[],
    ),
    (
        "Petit",
        "Jeanne",
        None,
        None,
        None,
        "caf",
        &["rsa"],
        &[("attestation_caf", 45)],
        &[],
    ),
    (
        "Roux",
        "Océane",
        Some("2006-09-05"),
        Some("06 98 76 54 32"),
        None,
        "mission_locale",
        &["demandeur_emploi"],
        &[("attestation_france_travail", 30)],
        &[],
    ),
    (
        "Diallo",
        "Mamadou",
        Some("1972-12-24"),
        Some("07 66 55 44 33"),
        None,
        "ccas",
        &["rsa", "demandeur_emploi"],
        &[("attestation_caf", 5)],
        &[(DeviceKind::Smartphone, 200)],
    ),
    (
        "Garnier",
        "Élodie",
        Some("1990-04-12"),
        None,
        None,
        "association",
        &["demandeur_emploi"],
        &[("attestation_france_travail", 89)],
        &[],
    ),
];
