//! The demo centre: a realistic stock (every kind, every category, every state) so that every
//! screen has something true to show. Loading it twice changes nothing.

use crate::operators::Actor;
use serde::Serialize;

use crate::device::{
    luhn_valid, AssetTag, Category, DeviceKind, Imei, NewDevice, Serial, Specs, StockAction, StorageKind,
};
use crate::error::Result;
use crate::stock;
use crate::store::{self, devices, Store};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoReport {
    pub devices_created: usize,
    pub people_created: usize,
    pub sales_recorded: usize,
    pub already_loaded: bool,
}

struct Model {
    kind: DeviceKind,
    brand: &'static str,
    model: &'static str,
    cpu: Option<&'static str>,
    ram_gb: Option<i64>,
    storage: Option<(StorageKind, i64)>,
    screen_tenths: Option<i64>,
    os: Option<&'static str>,
}

#[allow(clippy::too_many_arguments)] // a table row, written positionally for readability
const fn m(
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

const MODELS: &[Model] = &[
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

const CATEGORIES: &[Category] = &[Category::Hc, Category::C, Category::B, Category::A, Category::Premium];
const REFURBISHERS: &[&str] = &[
    "Ateliers du Bocage",
    "Envie Autonomie",
    "ReBoot Solidaire",
    "Emmaüs Connect Atelier",
];

/// The steps that bring a new (allocated) demo device to its demo state, with who and why.
const JOURNEYS: &[&[(StockAction, &str)]] = &[
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

const OPERATORS: &[&str] = &["Amina (médiatrice)", "Julien (médiateur)", "Sophie (responsable)"];

/// The demo centre's invented médiateurs, written by Comptoir itself.
fn demo_actor(i: usize) -> Actor {
    Actor::internal(OPERATORS[i % OPERATORS.len()])
}

/// A valid IMEI built from a 14-digit body and its Luhn check digit.
fn demo_imei(n: usize) -> Imei {
    let body = format!("35{:012}", 209_900_000_000u64 + n as u64 * 7919);
    let check = (0..10)
        .find(|d| luhn_valid(&format!("{body}{d}")))
        .expect("a Luhn digit exists");
    Imei::parse(&format!("{body}{check}")).expect("demo IMEIs are valid")
}

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
            out.push(
                NewDevice::new(tag, model.kind, category, model.brand, model.model, serial, imei, specs)
                    .expect("demo devices are valid"),
            );
        }
    }
    out
}

/// A demo person: (last, first, birth, phone, household, prescriber, publics, proofs as
/// (kind, days before today), equipment as (kind, days before today)).
type DemoPerson = (
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

const PEOPLE: &[DemoPerson] = &[
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

/// Loads the demo people (with their proofs and equipment), unless they are already there.
fn load_people(store: &mut Store) -> Result<usize> {
    use crate::beneficiary::{self, Catalogue, NewPerson, PersonInput};
    if !crate::store::people::by_exact_name(store.conn(), "lefevre martine")?.is_empty() {
        return Ok(0);
    }
    let today = crate::local::today();
    let caps = crate::programme::LegalCaps::shipped();
    let catalogue = Catalogue::of(&[crate::programme::Programme::shipped_default(&caps)]);
    for (last, first, birth, phone, household, prescriber, publics, proofs, equipment) in PEOPLE {
        let input = PersonInput {
            last_name: last.to_string(),
            first_name: first.to_string(),
            birth_date: birth.map(str::to_string),
            phone: phone.map(str::to_string),
            household: household.map(str::to_string),
            prescriber: Some(prescriber.to_string()),
            publics: publics.iter().map(|p| p.to_string()).collect(),
            commune: Some("Nanterre".into()),
            postcode: Some("92000".into()),
            rgpd_informed_on: Some(today.to_string()),
            ..PersonInput::default()
        };
        let person = NewPerson::parse(&input, &catalogue, today).expect("demo people are valid");
        let id = beneficiary::add(store, &person, true, &demo_actor(0))?;
        for (kind, days_ago) in proofs.iter() {
            let issued = if *kind == "carte_etudiante" {
                // The current academic year's card, dated when the year began.
                let year = if chrono::Datelike::month(&today) >= 9 {
                    chrono::Datelike::year(&today)
                } else {
                    chrono::Datelike::year(&today) - 1
                };
                chrono::NaiveDate::from_ymd_opt(year, 9, 15)
                    .expect("valid date")
                    .min(today)
            } else {
                today - chrono::Duration::days(*days_ago)
            };
            beneficiary::add_proof(
                store,
                id,
                kind,
                &issued.to_string(),
                &demo_actor(id as usize),
                &catalogue,
                today,
            )?;
        }
        for (kind, days_ago) in equipment.iter() {
            let date = today - chrono::Duration::days(*days_ago);
            beneficiary::add_equipment(
                store,
                id,
                *kind,
                &date.to_string(),
                "Vente précédente (démo)",
                &Actor::internal("Réseau (démo)"),
                today,
            )?;
        }
    }
    Ok(PEOPLE.len())
}

/// The index in `JOURNEYS` of the devices the demo sells.
const SOLD_JOURNEY: usize = 5;

/// A closed permanence with real sales: the devices of the "sold" journey, each to an eligible
/// demo person, at a price inside the band (laptops) or under the legal cap.
fn sell_demo(store: &mut Store, all: &[NewDevice]) -> Result<usize> {
    use crate::money::Money;
    use crate::pos::{self, DeviceRequest, PaymentMethod, SalePayment, SaleRequest};
    if pos::current_session(store)?.is_some() {
        return Ok(0);
    }
    let caps = crate::programme::LegalCaps::shipped();
    let programmes = vec![crate::programme::Programme::shipped_default(&caps)];
    // Inès, Samira, Océane, Mamadou, Élodie: eligible in the demo. (Martine, eligible too, is
    // left with no purchase, so that she can buy a laptop in a demonstration.)
    let buyers = [3, 5, 8, 9, 10];
    pos::open_session(store, &demo_actor(0), Money::from_euros(20))?;
    let mut sold = 0;
    // Samira's household already has a laptop this year: laptops go to Inès and Élodie.
    let mut laptop_buyers = [3, 10].into_iter();
    for (i, device) in all
        .iter()
        .enumerate()
        .filter(|(i, _)| i % JOURNEYS.len() == SOLD_JOURNEY)
    {
        let (price, buyer) = match device.kind {
            DeviceKind::Laptop => (80, laptop_buyers.next().unwrap_or(buyers[4])),
            DeviceKind::Desktop => (90, buyers[3]),
            DeviceKind::Tablet | DeviceKind::Multifunction => (60, buyers[4]),
            DeviceKind::Smartphone => (40, buyers[sold % buyers.len()]),
            DeviceKind::Screen | DeviceKind::Printer => (15, buyers[4]),
            _ => (5, buyers[4]),
        };
        let request = SaleRequest {
            uuid: uuid::Uuid::now_v7(),
            person_id: Some(buyer),
            programme: Some("defaut".into()),
            devices: vec![DeviceRequest {
                tag: device.tag.to_string(),
                price: Some(Money::from_euros(price)),
            }],
            items: vec![],
            payments: vec![SalePayment {
                method: PaymentMethod::Cash,
                amount: Money::from_euros(price),
                reference: None,
            }],
        };
        pos::create_sale(store, &programmes, &caps, &request, &demo_actor(i))?;
        sold += 1;
    }
    let expected = pos::x_report(store)?.expected;
    pos::close_session(store, &demo_actor(2), expected, "")?;
    Ok(sold)
}

/// Loads the demo centre into `store`, unless it is already there.
pub fn load(store: &mut Store, actor: &Actor) -> Result<DemoReport> {
    crate::operators::require_present(store.conn(), actor)?;
    let people_created = load_people(store)?;
    let all = devices();
    if devices::by_tag(store.conn(), &all[0].tag)?.is_some() {
        return Ok(DemoReport {
            devices_created: 0,
            people_created,
            sales_recorded: 0,
            already_loaded: people_created == 0,
        });
    }
    store.with_tx(|tx| {
        let now = store::now_text();
        for device in &all {
            stock::insert_new(
                tx,
                device,
                crate::device::DeviceState::Allocated,
                "Réseau (démo)",
                "Attribué par le réseau",
                &now,
            )?;
        }
        Ok(())
    })?;
    for (i, device) in all.iter().enumerate() {
        for (step, reason) in JOURNEYS[i % JOURNEYS.len()].iter() {
            stock::apply(store, &device.tag, *step, OPERATORS[i % OPERATORS.len()], reason)?;
        }
    }
    let sales_recorded = sell_demo(store, &all)?;
    Ok(DemoReport {
        devices_created: all.len(),
        people_created,
        sales_recorded,
        already_loaded: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::DeviceState;
    use std::collections::HashSet;

    #[test]
    fn the_demo_covers_every_kind_category_and_state_and_loads_once() {
        let mut store = Store::open_in_memory().unwrap();
        let first = load(&mut store, &crate::operators::Actor::internal("test")).unwrap();
        assert!(first.devices_created >= 48, "{first:?}");
        let again = load(&mut store, &crate::operators::Actor::internal("test")).unwrap();
        assert!(again.already_loaded);
        let all = stock::list(
            &store,
            &stock::StockQuery {
                limit: 10_000,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(all.len(), first.devices_created);
        let kinds: HashSet<_> = all.iter().map(|d| d.kind).collect();
        let categories: HashSet<_> = all.iter().filter_map(|d| d.category).collect();
        let states: HashSet<_> = all.iter().map(|d| d.state).collect();
        assert_eq!(kinds.len(), DeviceKind::ALL.len());
        assert_eq!(categories.len(), Category::ALL.len());
        assert_eq!(states.len(), DeviceState::ALL.len());
    }
}
