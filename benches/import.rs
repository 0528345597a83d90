//! Delivery-file import at the centre (issue 34): 1,000, 10,000 and 100,000 rows into an
//! encrypted store that already holds 100,000 devices, then a 100,000-row file whose last row
//! is bad (refused whole). Each case runs in its own process so that its peak memory is its
//! own. Prints time, rows per second and peak RSS. `cargo bench --bench import`;
//! `COMPTOIR_BENCH_DEVICES` changes the store's size.

#[path = "common/delivery.rs"]
mod delivery_file;

use std::time::Instant;

use comptoir::store::key::DbKey;
use comptoir::{delivery, Store};

fn actor() -> comptoir::operators::Actor {
    comptoir::operators::Actor::test("bench")
}

/// One case, in this (child) process: copies the filled store, imports, prints one line.
fn case(filled: &std::path::Path, key: &str, rows: usize, bad: bool) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("centre.sqlite");
    std::fs::copy(filled, &path).unwrap();
    let key = DbKey::from_phrase(key).unwrap();
    let plain = std::env::var_os("COMPTOIR_BENCH_PLAIN").is_some();
    let mut store = Store::open_with_key(&path, (!plain).then_some(&key)).unwrap();
    let file = delivery_file::file("LV", 1_000_000, rows, bad);
    let started = Instant::now();
    let result = delivery::import(&mut store, &file, "livraison.csv", &actor());
    let elapsed = started.elapsed().as_secs_f64();
    let what = match (&result, bad) {
        (Ok(report), false) => {
            assert_eq!(report.created, rows);
            "imported"
        }
        (Err(e), true) => {
            let said = e.to_string();
            assert!(said.contains(&format!("ligne {}", rows + 1)), "{said}");
            "refused (its last row named)"
        }
        (other, _) => panic!("unexpected: {:?}", other.as_ref().map(|r| r.created)),
    };
    println!(
        "{rows:>7} rows {what}: {:>6.2} s, {:>8.0} rows/s, peak RSS {:.0} MiB",
        elapsed,
        rows as f64 / elapsed,
        delivery_file::peak_rss_mib()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--case") {
        let rows: usize = args[at + 3].parse().unwrap();
        case(
            std::path::Path::new(&args[at + 1]),
            &args[at + 2],
            rows,
            args[at + 4] == "bad",
        );
        return;
    }
    let size: usize = std::env::var("COMPTOIR_BENCH_DEVICES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let filled = dir.path().join("filled.sqlite");
    let phrase = DbKey::generate().unwrap().phrase().join(" ");
    {
        let key = DbKey::from_phrase(&phrase).unwrap();
        let plain = std::env::var_os("COMPTOIR_BENCH_PLAIN").is_some();
        let mut store = Store::open_with_key(&filled, (!plain).then_some(&key)).unwrap();
        let started = Instant::now();
        let file = delivery_file::file("ST", 0, size, false);
        delivery::import(&mut store, &file, "stock.csv", &actor()).unwrap();
        println!(
            "an encrypted store of {size} devices, filled by one import in {:.2} s",
            started.elapsed().as_secs_f64()
        );
    }
    let me = std::env::current_exe().unwrap();
    // `COMPTOIR_BENCH_ROWS=10000` runs that one size (good file only).
    let cases = match std::env::var("COMPTOIR_BENCH_ROWS").ok().and_then(|v| v.parse().ok()) {
        Some(rows) => vec![(rows, false)],
        None => vec![(1_000, false), (10_000, false), (100_000, false), (100_000, true)],
    };
    for (rows, bad) in cases {
        let status = std::process::Command::new(&me)
            .args(["--case", filled.to_str().unwrap(), &phrase, &rows.to_string()])
            .arg(if bad { "bad" } else { "good" })
            .status()
            .unwrap();
        assert!(status.success());
    }
}
