//! The demo centre: a realistic stock (every kind, every category, every state) so that every
//! screen has something true to show. Loading it twice changes nothing.

mod data;

pub use data::devices;
use data::*;

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

/// Loads the demo people (with their proofs and equipment), unless they are already there.
fn load_people(store: &mut Store) -> Result<usize> {
    use crate::beneficiary::{self, Catalogue, NewPerson, PersonInput};
    if !crate::store::people::by_exact_name(store.db(), "lefevre martine")?.is_empty() {
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
            reserved_override: None,
            records_override: None,
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

/// After the sale: a device lent and overdue (the dashboard shows it), another lent weeks ago
/// and declared lost, and a broken one sent to recycling.
fn after_sales_demo(store: &mut Store) -> Result<()> {
    use crate::aftersales::recycling::{self, RecycledInput, RecyclingInput};
    use crate::loans::{self, LoanInput};
    let caps = crate::programme::LegalCaps::shipped();
    let programmes = vec![crate::programme::Programme::shipped_default(&caps)];
    let today = crate::local::today();
    // Devices that may be lent (their records complete): tablets and phones first, laptops
    // last (the other demonstrations sell those).
    let mut lendable = Vec::new();
    for kind in [DeviceKind::Tablet, DeviceKind::Smartphone, DeviceKind::Laptop] {
        let query = stock::StockQuery {
            kind: Some(kind),
            state: Some(crate::device::DeviceState::Available),
            limit: 50,
            ..Default::default()
        };
        for d in stock::list(store, &query)? {
            if crate::records::missing_for_sale(store.db(), d.id, d.kind)?.0.is_empty() {
                lendable.push(d.tag.to_string());
            }
        }
    }
    let mut lendable = lendable.into_iter();
    // Océane (a job seeker, her attestation is a month old) borrowed a device twenty days ago
    // for a fortnight: five days late.
    if let Some(tag) = lendable.next() {
        let lent_on = today - chrono::Days::new(20);
        let input = LoanInput {
            tag,
            person_id: 8,
            programme: "defaut".into(),
            due_on: (lent_on + chrono::Days::new(15)).to_string(),
            ..Default::default()
        };
        loans::lend_on(store, &programmes, &input, &demo_actor(1), lent_on)?;
    }
    // She borrowed another one for a week and never gave it back: declared lost.
    if let Some(tag) = lendable.next() {
        let lent_on = today - chrono::Days::new(25);
        let due = lent_on + chrono::Days::new(7);
        let input = LoanInput {
            tag,
            person_id: 8,
            programme: "defaut".into(),
            due_on: due.to_string(),
            ..Default::default()
        };
        let loan = loans::lend_on(store, &programmes, &input, &demo_actor(0), lent_on)?;
        loans::set_lost_after(store, &loan.number, &due.to_string(), &demo_actor(2))?;
        loans::declare_lost(store, &loan.number, &demo_actor(2))?;
    }
    // A device beyond repair, handed to the collection point: a screen if one is out of
    // order, else a computer whose disk the workshop destroyed.
    let broken = stock::list(
        store,
        &stock::StockQuery {
            state: Some(crate::device::DeviceState::Defective),
            limit: 100,
            ..Default::default()
        },
    )?;
    let pick = broken
        .iter()
        .find(|d| !crate::refurbishing::holds_user_data(d.kind))
        .map(|d| (d, ""))
        .or_else(|| broken.first().map(|d| (d, "physical")));
    if let Some((device, destruction)) = pick {
        let batch = RecyclingInput {
            collection_point: "Ecosystem — déchèterie de Nanterre".into(),
            handed_on: today.to_string(),
            reference: "BSD-DEMO-0001".into(),
            devices: vec![RecycledInput {
                tag: device.tag.to_string(),
                destruction: destruction.into(),
                detail: "Disque démonté et percé à l'atelier".into(),
            }],
        };
        recycling::record(store, &batch, &demo_actor(2))?;
    }
    Ok(())
}

/// Loads the demo centre into `store`, unless it is already there.
pub fn load(store: &mut Store, actor: &Actor) -> Result<DemoReport> {
    crate::operators::require_present(store.db(), actor)?;
    demo_identity(store)?;
    let people_created = load_people(store)?;
    let all = devices();
    if devices::by_tag(store.db(), &all[0].tag)?.is_some() {
        return Ok(DemoReport {
            devices_created: 0,
            people_created,
            sales_recorded: 0,
            already_loaded: people_created == 0,
        });
    }
    store.with_tx(|tx| {
        let now = store::now_text();
        let mut seen = Default::default();
        let all: Vec<&crate::device::NewDevice> = all.iter().collect();
        devices::in_bulk(tx, || {
            stock::insert_new(
                tx,
                &all,
                crate::device::DeviceState::Allocated,
                "Réseau (démo)",
                "Attribué par le réseau",
                &now,
                &mut seen,
                None,
            )
        })?;
        Ok(())
    })?;
    for (i, device) in all.iter().enumerate() {
        for (step, reason) in JOURNEYS[i % JOURNEYS.len()].iter() {
            stock::apply(store, &device.tag, *step, OPERATORS[i % OPERATORS.len()], reason)?;
        }
    }
    let sales_recorded = sell_demo(store, &all)?;
    after_sales_demo(store)?;
    Ok(DemoReport {
        devices_created: all.len(),
        people_created,
        sales_recorded,
        already_loaded: false,
    })
}

/// The demo centre's identity and tax status (an exempt association), so that its receipts are
/// issued whole: only on a centre that has neither a name nor a status (never over a real one).
fn demo_identity(store: &mut Store) -> Result<()> {
    let settings = crate::centre::load(store)?;
    if settings.name.is_some() || settings.tax_status.is_some() {
        return Ok(());
    }
    let mut input = crate::centre::CentreInput::from(&settings);
    input.name = "Centre social de démonstration".into();
    input.address = "1 place de la Démonstration\n75000 Paris".into();
    // The example SIRET of the INSEE's documentation.
    input.siret = "732 829 320 00074".into();
    input.tax_status = crate::tax::TaxStatus::Exempt.code().into();
    crate::centre::save_as(store, &input, "Comptoir (démo)")?;
    Ok(())
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
        let missing: Vec<_> = DeviceState::ALL.iter().filter(|s| !states.contains(s)).collect();
        assert!(missing.is_empty(), "states the demo lacks: {missing:?}");
    }
}
