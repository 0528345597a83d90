//! Stock benchmark: a store of 100,000 devices, the import of a 10,000-row delivery file, and
//! search by tag, serial and free text (target: p99 under 5 ms). Prints figures; run with
//! `cargo bench --bench stock` (release build). `COMPTOIR_BENCH_DEVICES` changes the size.

use std::time::{Duration, Instant};

use comptoir::stock::{self, StockQuery};
use comptoir::{delivery, Store};

const BRANDS: &[(&str, &[&str])] = &[
    (
        "Lenovo",
        &["ThinkPad T480", "ThinkPad X270", "ThinkPad E590", "ThinkCentre M710s"],
    ),
    (
        "Dell",
        &["Latitude E7470", "Latitude 5490", "OptiPlex 7050", "Précision 3520"],
    ),
    (
        "HP",
        &["EliteBook 840 G5", "ProBook 450 G6", "ProDesk 600 G3", "Écran E223"],
    ),
    ("Fujitsu", &["Lifebook E548", "Esprimo D538"]),
    ("Samsung", &["Galaxy A52", "Galaxy Tab A 10.1", "Galaxy S10e"]),
    ("Apple", &["iPhone 8", "iPad 6e génération", "MacBook Air 2017"]),
];
const CATEGORIES: &[&str] = &["HC", "C", "B", "A", "Premium"];

fn delivery_file(first: usize, count: usize) -> Vec<u8> {
    let mut out =
        String::from("tag;kind;category;brand;model;serial;cpu;ram_gb;storage_kind;storage_gb;screen_inches;os\n");
    for n in first..first + count {
        let (brand, models) = BRANDS[n % BRANDS.len()];
        let model = models[(n / BRANDS.len()) % models.len()];
        out.push_str(&format!(
            "BX-{n:07};laptop;{};{brand};{model};S{:09X};Intel Core i5-{}U;8;SSD;256;14;{}\n",
            CATEGORIES[n % CATEGORIES.len()],
            n * 7919 % 0xF_FFFF_FFFF,
            6200 + n % 3000,
            if n % 3 == 0 { "Linux Mint 22" } else { "Windows 11 Pro" }
        ));
    }
    out.into_bytes()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn measure(name: &str, queries: &[String], mut f: impl FnMut(&str) -> usize) {
    let mut times = Vec::with_capacity(queries.len());
    let mut found = 0;
    for q in queries {
        let start = Instant::now();
        found += f(q);
        times.push(start.elapsed());
    }
    times.sort();
    println!(
        "{name:<34} n={:<5} p50={:>8.3} ms  p99={:>8.3} ms  max={:>8.3} ms  (avg {:.1} results)",
        times.len(),
        percentile(&times, 0.50).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.last().unwrap().as_secs_f64() * 1e3,
        found as f64 / queries.len() as f64
    );
}

fn main() {
    let size: usize = std::env::var("COMPTOIR_BENCH_DEVICES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("bench.sqlite")).unwrap();

    let start = Instant::now();
    for batch in 0..size / 10_000 {
        let file = delivery_file(batch * 10_000, 10_000);
        delivery::import(
            &mut store,
            &file,
            &format!("lot-{batch}.csv"),
            &comptoir::operators::Actor::test("bench"),
        )
        .unwrap();
    }
    println!(
        "filled the store with {size} devices in {:.2} s",
        start.elapsed().as_secs_f64()
    );

    let file = delivery_file(size, 10_000);
    let start = Instant::now();
    let report = delivery::import(
        &mut store,
        &file,
        "livraison-10000.csv",
        &comptoir::operators::Actor::test("bench"),
    )
    .unwrap();
    let import_time = start.elapsed();
    assert_eq!(report.created, 10_000);
    println!(
        "import of a 10,000-row file into {size} devices: {:.0} ms ({:.0} rows/s)",
        import_time.as_secs_f64() * 1e3,
        10_000.0 / import_time.as_secs_f64()
    );
    let start = Instant::now();
    let again = delivery::import(
        &mut store,
        &file,
        "livraison-10000.csv",
        &comptoir::operators::Actor::test("bench"),
    )
    .unwrap();
    assert!(again.already_imported_at.is_some());
    println!(
        "same file again (nothing to do): {:.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );

    let total = size + 10_000;
    let tags: Vec<String> = (0..500).map(|i| format!("bx-{:07}", i * 7_877 % total)).collect();
    let serials: Vec<String> = (0..500)
        .map(|i| {
            let n = i * 6_131 % total;
            format!("S{:09X}", n * 7919 % 0xF_FFFF_FFFF)
        })
        .collect();
    let words = [
        "thinkpad",
        "dell latitude",
        "ecran",
        "galaxy",
        "precision",
        "i5-62",
        "mint",
        "iphone 8",
        "e7470",
        "lenovo t480",
        "premium",
        "zzzz",
    ];
    let texts: Vec<String> = (0..500).map(|i| words[i % words.len()].to_string()).collect();
    let partial: Vec<String> = (0..500).map(|i| format!("bx-{:05}", i * 131 % (total / 100))).collect();
    let short: Vec<String> = (0..200).map(|i| ["hp", "a5", "i5"][i % 3].to_string()).collect();

    let q = |text: &str| StockQuery {
        text: Some(text.to_string()),
        ..StockQuery::default()
    };
    measure("scan: exact tag (find_by_code)", &tags, |t| {
        stock::find_by_code(&store, t).map(|_| 1).unwrap_or(0)
    });
    measure("search list: tag", &tags, |t| stock::list(&store, &q(t)).unwrap().len());
    measure("search list: serial", &serials, |t| {
        stock::list(&store, &q(t)).unwrap().len()
    });
    measure("search list: partial tag (100 hits)", &partial, |t| {
        stock::list(&store, &q(t)).unwrap().len()
    });
    measure("search list: free text (limit 200)", &texts, |t| {
        stock::list(&store, &q(t)).unwrap().len()
    });
    measure("search list: 2-letter text", &short, |t| {
        stock::list(&store, &q(t)).unwrap().len()
    });
    let filtered = |t: &str| StockQuery {
        text: Some(t.to_string()),
        state: Some(comptoir::device::DeviceState::Allocated),
        category: Some(comptoir::device::Category::B),
        ..StockQuery::default()
    };
    measure("search list: text + state + category", &texts, |t| {
        stock::list(&store, &filtered(t)).unwrap().len()
    });
}
