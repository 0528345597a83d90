//! Reports benchmark: a generated five-year dataset of a busy centre (20,000 people, 60,000
//! sales over 2022–2026, a credit note every 50 sales), then the time of a yearly funder's
//! report (target under 500 ms), its CSV and its PDF. The dataset is written with plain SQL in
//! one transaction (this generator only: the rows have the shapes the core writes) because the
//! point of sale stamps every sale with the present time. The database is encrypted (SQLCipher)
//! as the app's is. At the end, a verified backup of the whole dataset (target under 5 s).
//! Then the donor reports (issue 19): each sold device given a donor among 40 and a check-in
//! event, 10,000 more devices on sale without erasure or test records; the time of a donor's
//! yearly report (target under 500 ms) and of the list of devices lacking records (target
//! under 500 ms).
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

    donors(&mut store);

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

/// Issue 19: 60,000 devices behind the sales (one per line), from 40 donors, each checked in
/// ten days before its sale; 10,000 more on sale, with no erasure or test record.
fn donors(store: &mut Store) {
    let t = Instant::now();
    let tx = store.sql().unchecked_transaction().unwrap();
    {
        let mut device = tx
            .prepare(
                "INSERT INTO devices (id, tag, kind, category, state, brand, model, search_text, created_at, updated_at,
                                      donor_kind, donor, convention, import_id)
                 VALUES (?1, ?2, 'laptop', 'B', ?3, 'Dell', 'Latitude 5480', ?2, ?4, ?4, 'public', ?5, 'CONV-1', NULL)",
            )
            .unwrap();
        let mut event = tx
            .prepare(
                "INSERT INTO device_events (uuid, device_id, at, action, from_state, to_state, operator, reason)
                 VALUES (?1, ?2, ?3, NULL, NULL, ?4, 'bench', 'bench')",
            )
            .unwrap();
        let first = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap();
        for id in 1..=70_000i64 {
            let sold = id <= 60_000;
            let day = first + chrono::Duration::days((id.min(60_000)) * 1826 / 60_000) - chrono::Duration::days(10);
            let at = format!("{day}T09:00:00.000Z");
            let donor = format!("Donateur {}", id % 40);
            let state = if sold { "sold" } else { "available" };
            device
                .execute(rusqlite::params![id, format!("DN-{id:06}"), state, at, donor])
                .unwrap();
            event
                .execute(rusqlite::params![format!("e{id}r"), id, at, "received"])
                .unwrap();
            if !sold {
                event
                    .execute(rusqlite::params![format!("e{id}a"), id, at, "available"])
                    .unwrap();
            }
        }
        // The generated lines point at their devices (this generator only: a sale line is
        // append-only, so its guard is lifted for this one statement and put back).
        let guard: String = tx
            .query_row(
                "SELECT sql FROM sqlite_master WHERE name = 'sale_lines_no_update'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        tx.execute_batch("DROP TRIGGER sale_lines_no_update; UPDATE sale_lines SET device_id = sale_id;")
            .unwrap();
        tx.execute_batch(&guard).unwrap();
    }
    tx.commit().unwrap();
    println!(
        "donors: 70,000 devices of 40 donors written in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let programmes = [Programme::shipped_default(&LegalCaps::shipped())];
    let (from, to) = (
        NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
    );
    let mut times = Vec::new();
    let mut report = None;
    for _ in 0..10 {
        let t = Instant::now();
        report = Some(comptoir::donors::build(store, &programmes, "Donateur 7", from, to).unwrap());
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let report = report.unwrap();
    println!(
        "yearly donor report (2025: {} received, {} sold, {} people): median {:.0} ms, max {:.0} ms (target < 500 ms)",
        report.total.received,
        report.total.sold,
        report.people.text(),
        times[times.len() / 2],
        times[times.len() - 1]
    );
    let t = Instant::now();
    let lacking = comptoir::records::lacking(store).unwrap();
    println!(
        "devices lacking records: {} listed in {:.0} ms (target < 500 ms)",
        lacking.iter().map(|b| b.devices.len()).sum::<usize>(),
        t.elapsed().as_secs_f64() * 1e3
    );
}
