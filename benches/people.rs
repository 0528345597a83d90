//! People benchmark: 50,000 beneficiaries; search by name (exact, partial, with a typo), phone
//! and household (target p99 under 5 ms), and one eligibility check (target under 1 ms).
//! Run with `cargo bench --bench people`. `COMPTOIR_BENCH_PEOPLE` changes the size.

use std::time::{Duration, Instant};

use chrono::NaiveDate;

use comptoir::beneficiary::{self, Catalogue, NewPerson, PersonInput};
use comptoir::device::DeviceKind;
use comptoir::eligibility::{self, Applicant, SeenProof};
use comptoir::programme::{LegalCaps, Programme};
use comptoir::Store;

const LAST: &[&str] = &[
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Haddad",
    "Benali",
    "Diallo",
    "Nguyen",
    "Traoré",
    "Kone",
    "Cissé",
    "Da Silva",
];
const FIRST: &[&str] = &[
    "Martine",
    "François",
    "Inès",
    "Karim",
    "Samira",
    "Lucas",
    "Jeanne",
    "Océane",
    "Mamadou",
    "Élodie",
    "Nathalie",
    "Pierre",
    "Fatima",
    "Mohamed",
    "Léa",
    "Hugo",
    "Chloé",
    "Louis",
    "Aïcha",
    "Moussa",
    "Zoé",
    "Jules",
    "Camille",
    "Noé",
    "Manon",
];

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn measure(name: &str, n: usize, mut f: impl FnMut(usize) -> usize) {
    let mut times = Vec::with_capacity(n);
    let mut found = 0;
    for i in 0..n {
        let start = Instant::now();
        found += f(i);
        times.push(start.elapsed());
    }
    times.sort();
    println!(
        "{name:<38} n={n:<5} p50={:>7.3} ms  p99={:>7.3} ms  max={:>7.3} ms  (avg {:.1} results)",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.last().unwrap().as_secs_f64() * 1e3,
        found as f64 / n as f64
    );
}

fn main() {
    let size: usize = std::env::var("COMPTOIR_BENCH_PEOPLE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("bench.sqlite")).unwrap();
    let programmes = vec![Programme::shipped_default(&LegalCaps::shipped())];
    let catalogue = Catalogue::of(&programmes);
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let publics = ["rsa", "demandeur_emploi", "etudiant"];
    let proofs = ["attestation_caf", "attestation_france_travail", "carte_etudiante"];

    let start = Instant::now();
    for n in 0..size {
        let input = PersonInput {
            last_name: LAST[n % LAST.len()].to_string(),
            first_name: FIRST[(n / LAST.len()) % FIRST.len()].to_string(),
            birth_date: Some(
                (NaiveDate::from_ymd_opt(1950, 1, 1).unwrap() + chrono::Duration::days((n * 37 % 20_000) as i64))
                    .to_string(),
            ),
            phone: Some(format!("06{:08}", n * 7_919 % 100_000_000)),
            household: Some(format!("Foyer {}", n / 3)),
            publics: vec![publics[n % 3].to_string()],
            ..PersonInput::default()
        };
        let person = NewPerson::parse(&input, &catalogue, today).unwrap();
        let id = beneficiary::add(&mut store, &person, true, &comptoir::operators::Actor::test("test")).unwrap();
        let issued = today - chrono::Duration::days((n % 120) as i64);
        beneficiary::add_proof(
            &mut store,
            id,
            proofs[n % 3],
            &issued.to_string(),
            &comptoir::operators::Actor::test("bench"),
            &catalogue,
            today,
        )
        .unwrap();
        if n % 10 == 0 {
            beneficiary::add_equipment(
                &mut store,
                id,
                DeviceKind::Laptop,
                &(today - chrono::Duration::days(100)).to_string(),
                "",
                &comptoir::operators::Actor::test("bench"),
                today,
            )
            .unwrap();
        }
    }
    println!(
        "filled the store with {size} people (one proof each) in {:.1} s",
        start.elapsed().as_secs_f64()
    );

    let q = 500;
    measure("search: last name (many hits)", q, |i| {
        beneficiary::search(&store, LAST[i % LAST.len()], 50).unwrap().len()
    });
    measure("search: first + last name", q, |i| {
        let text = format!("{} {}", FIRST[i % FIRST.len()], LAST[i % LAST.len()]);
        beneficiary::search(&store, &text, 50).unwrap().len()
    });
    measure("search: partial name (3 letters)", q, |i| {
        let name: String = LAST[i % LAST.len()].chars().take(3).collect();
        beneficiary::search(&store, &name, 50).unwrap().len()
    });
    measure("search: name with a typo", q, |i| {
        let name = LAST[(i * 7) % LAST.len()];
        let mut chars: Vec<char> = name.chars().collect();
        if chars.len() > 4 {
            chars.swap(2, 3);
        }
        beneficiary::search(&store, &chars.into_iter().collect::<String>(), 50)
            .unwrap()
            .len()
    });
    measure("search: no match", q, |i| {
        beneficiary::search(&store, &format!("zzqx{i}"), 50).unwrap().len()
    });
    measure("search: phone", q, |i| {
        beneficiary::search(
            &store,
            &format!("06{:08}", i * 104_729 % size * 7_919 % 100_000_000),
            50,
        )
        .unwrap()
        .len()
    });
    measure("search: household", q, |i| {
        beneficiary::search(&store, &format!("foyer {}", i * 31 % (size / 3)), 50)
            .unwrap()
            .len()
    });

    measure("eligibility check (store + engine)", q, |i| {
        let id = (i * 97 % size) as i64 + 1;
        let d = beneficiary::check(&store, &programmes, id, today, Some(DeviceKind::Laptop)).unwrap();
        usize::from(d.decision.decision == eligibility::Verdict::Eligible)
    });
    let applicant = Applicant {
        birth_date: NaiveDate::from_ymd_opt(1980, 1, 1),
        publics: vec!["rsa".into()],
    };
    let seen = vec![SeenProof {
        kind: "attestation_caf".into(),
        issued: today - chrono::Duration::days(10),
    }];
    measure("eligibility engine alone (pure)", 10_000, |_| {
        usize::from(
            eligibility::decide(&programmes, &applicant, &seen, &[], today, Some(DeviceKind::Laptop)).decision
                == eligibility::Verdict::Eligible,
        )
    });
}
