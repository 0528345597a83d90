//! The window never waits (issue 14): on the five-year dataset of the reports benchmark plus
//! 100,000 devices, stock and people searches run from other threads on read-only connections
//! of their own (as the app's readers) while verified backups of the whole database run one
//! after the other through the desk (the writer held only to plan and record each). Prints each
//! figure beside its target. Run with `cargo bench --bench desk`.

#[path = "common/dataset.rs"]
mod dataset;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use comptoir::device::{Category, DeviceKind, DeviceState};
use comptoir::stock::{self, StockQuery};
use comptoir::store::stock_index::SharedStockIndex;
use comptoir::{beneficiary, delivery, desk, Store};

fn devices(first: usize, count: usize) -> Vec<u8> {
    let brands = [
        ("Lenovo", "ThinkPad T480"),
        ("Dell", "Latitude 5490"),
        ("HP", "EliteBook 840 G5"),
        ("Samsung", "Galaxy A52"),
    ];
    let mut out = String::from("tag;kind;category;brand;model;serial;cpu;os\n");
    for n in first..first + count {
        let (brand, model) = brands[n % brands.len()];
        let kind = if brand == "Samsung" { "smartphone" } else { "laptop" };
        out.push_str(&format!(
            "DK-{n:07};{kind};{};{brand};{model};D{:09X};Intel Core i5-{}U;{}\n",
            ["HC", "C", "B", "A", "Premium"][n % 5],
            n * 7919 % 0xF_FFFF_FFFF,
            6200 + n % 3000,
            if n % 3 == 0 { "Linux Mint 22" } else { "Windows 11 Pro" }
        ));
    }
    out.into_bytes()
}

fn p(sorted: &[Duration], q: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1e3
}

/// Searches from a thread of their own until `stop`, each timed.
fn searcher(reader: Store, stop: Arc<AtomicBool>, people: bool) -> Vec<Duration> {
    let texts = ["thinkpad", "dell", "galaxy a52", "dk-00123", "i5-62", "mint", "zzzz"];
    let names = ["nom", "prenom", "nom prenom", "zz", "0612"];
    let mut times = Vec::new();
    let mut i = 0usize;
    while !stop.load(Ordering::Relaxed) {
        let t = Instant::now();
        if people {
            beneficiary::search(&reader, names[i % names.len()], 50).unwrap();
        } else {
            let query = StockQuery {
                text: Some(texts[i % texts.len()].to_string()),
                kind: (i % 2 == 0).then_some(DeviceKind::Laptop),
                state: (i % 3 == 0).then_some(DeviceState::Allocated),
                ..StockQuery::default()
            };
            stock::list(&reader, &query).unwrap();
        }
        times.push(t.elapsed());
        i += 1;
        std::thread::sleep(Duration::from_millis(2));
    }
    times.sort();
    times
}

fn run_searches(
    path: &std::path::Path,
    key: &comptoir::vault::DbKey,
    during: impl FnOnce(),
) -> (Vec<Duration>, Vec<Duration>) {
    let stop = Arc::new(AtomicBool::new(false));
    let index = SharedStockIndex::new();
    let spawn = |people: bool| {
        let mut reader = Store::open_reader(path, Some(key)).unwrap();
        reader.share_stock_index(index.clone());
        let stop = stop.clone();
        std::thread::spawn(move || searcher(reader, stop, people))
    };
    let (stock_thread, people_thread) = (spawn(false), spawn(true));
    during();
    stop.store(true, Ordering::Relaxed);
    (stock_thread.join().unwrap(), people_thread.join().unwrap())
}

fn print(what: &str, times: &[Duration], target_ms: f64) {
    let p99 = p(times, 0.99);
    println!(
        "{what:<46} n={:<5} p50={:>6.2} ms  p99={:>6.2} ms  max={:>7.2} ms  (target p99 < {target_ms} ms) {}",
        times.len(),
        p(times, 0.5),
        p99,
        times.last().unwrap().as_secs_f64() * 1e3,
        if p99 < target_ms { "ok" } else { "NOT MET" }
    );
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.sqlite");
    let key = comptoir::vault::DbKey::generate().unwrap();
    let mut store = Store::open_with_key(&path, Some(&key)).unwrap();
    let t = Instant::now();
    // COMPTOIR_BENCH_QUICK=1: the devices and the stock screen's combinations only.
    let quick = std::env::var_os("COMPTOIR_BENCH_QUICK").is_some();
    if !quick {
        dataset::five_years(&mut store);
    }
    let actor = comptoir::operators::Actor::test("bench");
    for batch in 0..10 {
        delivery::import(
            &mut store,
            &devices(batch * 10_000, 10_000),
            &format!("lot-{batch}.csv"),
            &actor,
        )
        .unwrap();
    }
    println!(
        "dataset: 20,000 people, 60,000 sales, 100,000 devices in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    if quick {
        drop(store);
        combinations(&path, &key);
        return;
    }
    // The closings the till rules require, all made on the first start after an upgrade:
    // every day with a sale over five years, its months and years.
    let t = Instant::now();
    let made = desk::pos::close_ended_periods(&mut store, comptoir::local::today()).unwrap();
    println!(
        "automatic closings of five years' history (first start after an upgrade): {} closings in {:.1} s",
        made.len(),
        t.elapsed().as_secs_f64()
    );
    let writer = Mutex::new(store);
    let usb = tempfile::tempdir().unwrap();

    let (stock_idle, people_idle) = run_searches(&path, &key, || std::thread::sleep(Duration::from_secs(3)));
    print("stock search, nothing else running", &stock_idle, 50.0);
    print("people search, nothing else running", &people_idle, 50.0);

    let mut backups = Vec::new();
    let (stock_busy, people_busy) = run_searches(&path, &key, || {
        for _ in 0..3 {
            let t = Instant::now();
            let made = desk::safety::backup(&writer, Some(usb.path()), comptoir::backup::Reason::Manual).unwrap();
            backups.push((t.elapsed(), made.record.bytes));
        }
    });
    for (took, bytes) in &backups {
        println!(
            "verified backup ({:.1} MB, encrypted): {:.0} ms (target < 5000 ms)",
            *bytes as f64 / 1e6,
            took.as_secs_f64() * 1e3
        );
    }
    print("stock search during verified backups", &stock_busy, 50.0);
    print("people search during verified backups", &people_busy, 50.0);

    // How long the writer is held by a backup (an act waits at most this long).
    let t = Instant::now();
    let job = writer.lock().unwrap();
    let plan = comptoir::backup::plan(&job, Some(usb.path()), comptoir::backup::Reason::Manual).unwrap();
    let planned = t.elapsed();
    drop(job);
    let copied = comptoir::backup::copy(&plan, &mut |_, _| {}).unwrap();
    let t = Instant::now();
    comptoir::backup::finish(&mut writer.lock().unwrap(), copied).unwrap();
    println!(
        "writer held by a backup: plan {:.2} ms + record {:.2} ms (the copy and its checks hold nothing)",
        planned.as_secs_f64() * 1e3,
        t.elapsed().as_secs_f64() * 1e3
    );

    combinations(&path, &key);
}

/// Every search the stock screen offers, at 100,000 devices: any combination of text, kind,
/// category and state.
fn combinations(path: &std::path::Path, key: &comptoir::vault::DbKey) {
    // As in the window: the stock index shared by the process's connections (built by the
    // first search, timed apart).
    let mut reader = Store::open_reader(path, Some(key)).unwrap();
    reader.share_stock_index(SharedStockIndex::new());
    let t = Instant::now();
    stock::list(
        &reader,
        &StockQuery {
            text: Some("x".into()),
            ..StockQuery::default()
        },
    )
    .unwrap();
    println!(
        "stock index built in {:.0} ms (the first search after a change of the stock)",
        t.elapsed().as_secs_f64() * 1e3
    );
    let texts = [
        None,
        Some("thinkpad"),
        Some("dk-0001"),
        Some("i5"),
        Some("galaxy a52"),
        Some("zzzz"),
    ];
    let kinds = [None, Some(DeviceKind::Laptop), Some(DeviceKind::Smartphone)];
    let categories = [None, Some(Category::B), Some(Category::Premium)];
    let states = [
        None,
        Some(DeviceState::Allocated),
        Some(DeviceState::Available),
        Some(DeviceState::Sold),
    ];
    let mut all = Vec::new();
    let mut worst = (Duration::ZERO, String::new());
    let mut slow = Vec::new();
    for text in texts {
        for kind in kinds {
            for category in categories {
                for state in states {
                    let query = StockQuery {
                        text: text.map(String::from),
                        kind,
                        category,
                        state,
                        ..StockQuery::default()
                    };
                    let what = format!("{text:?} {kind:?} {category:?} {state:?}");
                    for _ in 0..5 {
                        let t = Instant::now();
                        let found = stock::list(&reader, &query).unwrap().len();
                        let took = t.elapsed();
                        if took > Duration::from_millis(5) {
                            slow.push(format!("{:.2} ms for {what} ({found} found)", took.as_secs_f64() * 1e3));
                        }
                        if took > worst.0 {
                            worst = (took, what.clone());
                        }
                        all.push(took);
                    }
                }
            }
        }
    }
    all.sort();
    print("stock screen, every filter combination", &all, 5.0);
    println!("searches over 5 ms: {} of {}", slow.len(), all.len());
    for line in &slow {
        println!("  {line}");
    }
    println!(
        "slowest combination: {:.2} ms for {}",
        worst.0.as_secs_f64() * 1e3,
        worst.1
    );
}
