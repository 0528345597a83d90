//! Delivery-file import at the hub (issue 34): 1,000, 10,000 and 100,000 rows into the network's
//! stock, and a 100,000-row file whose last row is bad (refused whole), each in its own process
//! (its peak memory its own); then a centre's pulls, timed while `comptoir-hub import` writes
//! 100,000 devices into the database the served hub uses. `cargo bench -p comptoir-hub --bench import`.

#[path = "../../benches/common/delivery.rs"]
mod delivery_file;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const HUB: &str = env!("CARGO_BIN_EXE_comptoir-hub");

fn case(rows: usize, bad: bool) {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = comptoir_hub::db::open(&dir.path().join("hub.sqlite")).unwrap();
    let file = delivery_file::file("LV", 0, rows, bad);
    let started = Instant::now();
    let result = comptoir_hub::db::parse_inventory(&file, "livraison.csv")
        .and_then(|delivery| comptoir_hub::db::import_inventory(&mut conn, &delivery));
    let elapsed = started.elapsed().as_secs_f64();
    let what = match (result, bad) {
        (Ok(imported), false) => {
            assert_eq!(imported.added, rows);
            "imported"
        }
        (Err(e), true) => {
            let said = e.to_string();
            assert!(said.contains(&format!("ligne {}", rows + 1)), "{said}");
            "refused (its last row named)"
        }
        (Ok(_), true) => panic!("a bad file imported"),
        (Err(e), false) => panic!("{e}"),
    };
    println!(
        "{rows:>7} rows {what}: {elapsed:>6.2} s, {:>8.0} rows/s, peak RSS {:.0} MiB",
        rows as f64 / elapsed,
        delivery_file::peak_rss_mib()
    );
}

/// A centre's pulls every 20 ms while the command line imports 100,000 devices.
fn pulls_during_an_import() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hub.sqlite");
    let admin = |args: &[&str]| {
        let out = Command::new(HUB).arg("--db").arg(&db).args(args).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let token = admin(&["centre", "create", "C01", "--name", "Centre C01"])
        .trim()
        .to_string();
    let (mut child, url) = comptoir_hub::start_binary(Path::new(HUB), &db, "127.0.0.1:0", &[]).unwrap();
    let file = dir.path().join("livraison.csv");
    std::fs::write(&file, delivery_file::file("LV", 0, 100_000, false)).unwrap();
    let stop = std::sync::atomic::AtomicBool::new(false);
    let latencies = std::thread::scope(|s| {
        let puller = s.spawn(|| {
            let http = reqwest::blocking::Client::new();
            let pull = format!(
                "{url}/v2/centres/C01/changes?after=0&limit=50&register=R1&post=poste-1&version=0.1.0&waiting=0"
            );
            let mut latencies = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let t = Instant::now();
                let reply = http.get(&pull).bearer_auth(&token).send().unwrap();
                assert!(reply.status().is_success(), "{}", reply.status());
                latencies.push(t.elapsed());
                std::thread::sleep(Duration::from_millis(20));
            }
            latencies
        });
        let started = Instant::now();
        admin(&["import", file.to_str().unwrap()]);
        println!(
            "comptoir-hub import of 100,000 rows beside the served hub: {:.2} s",
            started.elapsed().as_secs_f64()
        );
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        puller.join().unwrap()
    });
    let _ = child.kill();
    let mut ms: Vec<f64> = latencies.iter().map(|d| d.as_secs_f64() * 1e3).collect();
    ms.sort_by(f64::total_cmp);
    println!(
        "  a centre's pulls meanwhile: {} pulls, median {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        ms.len(),
        ms[ms.len() / 2],
        ms[(ms.len() - 1) * 99 / 100],
        ms[ms.len() - 1]
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--case") {
        case(args[at + 1].parse().unwrap(), args[at + 2] == "bad");
        return;
    }
    let me = std::env::current_exe().unwrap();
    for (rows, bad) in [(1_000, false), (10_000, false), (100_000, false), (100_000, true)] {
        let status = Command::new(&me)
            .args(["--case", &rows.to_string(), if bad { "bad" } else { "good" }])
            .status()
            .unwrap();
        assert!(status.success());
    }
    pulls_during_an_import();
}
