//! Reports benchmark: a generated five-year dataset of a busy centre (20,000 people, 60,000
//! sales over 2022–2026, a credit note every 50 sales), then the time of a yearly funder's
//! report (target under 500 ms), its CSV and its PDF. The dataset is written with plain SQL in
//! one transaction (this generator only: the rows have the shapes the core writes) because the
//! point of sale stamps every sale with the present time. The database is encrypted (SQLCipher)
//! as the app's is. At the end, a verified backup of the whole dataset (target under 5 s).
//! Run with `cargo bench --bench reports`.

use std::time::Instant;

use chrono::NaiveDate;

#[path = "common/dataset.rs"]
mod dataset;

use comptoir::programme::{LegalCaps, Programme};
use comptoir::{documents, reports, Store};

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let key = comptoir::vault::DbKey::generate().unwrap();
    let mut store = Store::open_with_key(&dir.path().join("bench.sqlite"), Some(&key)).unwrap();
    let start = Instant::now();
    dataset::five_years(&mut store);
    println!(
        "dataset: 20,000 people, 60,000 sales, 1,200 credit notes in {:.1} s",
        start.elapsed().as_secs_f64()
    );

    let programme = Programme::shipped_default(&LegalCaps::shipped());
    let (from, to) = (
        NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
    );
    let mut times = Vec::new();
    let mut report = None;
    for _ in 0..20 {
        let t = Instant::now();
        report = Some(reports::build(&store, &programme, from, to).unwrap());
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let report = report.unwrap();
    println!(
        "yearly report (2025: {} sales, {} people): median {:.0} ms, max {:.0} ms (target < 500 ms)",
        report.sales,
        report.people.text(),
        times[times.len() / 2],
        times[times.len() - 1]
    );
    let t = Instant::now();
    let csv = reports::to_csv(&report);
    let pdf = documents::funder_report(&store, &report).unwrap();
    println!(
        "CSV ({} bytes) and PDF ({} KB): {:.1} ms",
        csv.len(),
        pdf.pdf.len() / 1024,
        t.elapsed().as_secs_f64() * 1e3
    );

    // The retention purge on the same dataset, run as on 22/11/2027: everyone with no sale
    // since 22/11/2025 (about a third of the people).
    let today = NaiveDate::from_ymd_opt(2027, 11, 22).unwrap();
    let t = Instant::now();
    let dry = comptoir::privacy::purge(&mut store, today, true, &comptoir::operators::Actor::test("bench")).unwrap();
    let dry_ms = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    let purged =
        comptoir::privacy::purge(&mut store, today, false, &comptoir::operators::Actor::test("bench")).unwrap();
    println!(
        "retention purge: {} of 20,000 people anonymised in {:.0} ms (listing alone {:.0} ms; target < 2000 ms)",
        purged.people.len(),
        t.elapsed().as_secs_f64() * 1e3,
        dry_ms
    );
    assert_eq!(dry.people, purged.people);

    // A verified backup of the whole dataset (online backup API, integrity check and journal
    // chain read back on the copy, rename, rotation).
    let usb = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let made = comptoir::backup::make(&mut store, Some(usb.path()), comptoir::backup::Reason::Manual).unwrap();
    println!(
        "backup of the five-year dataset ({:.1} MB, encrypted, verified): {:.0} ms (target < 5000 ms)",
        made.record.bytes as f64 / 1e6,
        t.elapsed().as_secs_f64() * 1e3
    );
}
