//! Reports benchmark: a generated five-year dataset of a busy centre (20,000 people, 60,000
//! sales over 2022–2026, a credit note every 50 sales), then the time of a yearly funder's
//! report (target under 500 ms), its CSV and its PDF. The dataset is written with plain SQL in
//! one transaction (this generator only: the rows have the shapes the core writes) because the
//! point of sale stamps every sale with the present time. The database is encrypted (SQLCipher)
//! as the app's is. At the end, a verified backup of the whole dataset (target under 5 s).
//! Run with `cargo bench --bench reports`.

use std::time::Instant;

use chrono::NaiveDate;
use rusqlite::params;

use comptoir::programme::{LegalCaps, Programme};
use comptoir::{documents, reports, Store};

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let key = comptoir::vault::DbKey::generate().unwrap();
    let mut store = Store::open_with_key(&dir.path().join("bench.sqlite"), Some(&key)).unwrap();
    let publics = ["rsa", "demandeur_emploi", "etudiant"];
    let kinds = [
        ("laptop", Some("B"), 8000),
        ("smartphone", Some("A"), 4000),
        ("tablet", Some("C"), 6000),
    ];
    let start = Instant::now();
    store
        .with_tx(|tx| {
            tx.execute(
                "INSERT INTO journal (seq, uuid, kind, at, operator, content, prev_hash, hash)
                 VALUES (1, 'bench', 'bench', '2022-01-01T00:00:00.000Z', 'bench', '{}', '0', '0')",
                [],
            )?;
            tx.execute(
                "INSERT INTO cash_sessions (id, uuid, opened_at, opened_by, float_cents) VALUES (1, 'bench', '2022-01-01T00:00:00.000Z', 'bench', 0)",
                [],
            )?;
            let mut person = tx.prepare(
                "INSERT INTO people (id, uuid, last_name, first_name, search_text, created_at, updated_at)
                 VALUES (?1, ?2, 'Nom', 'Prénom', 'nom prenom', '2022-01-01T00:00:00.000Z', '2022-01-01T00:00:00.000Z')",
            )?;
            let mut public = tx.prepare("INSERT INTO person_publics (person_id, public) VALUES (?1, ?2)")?;
            for id in 1..=20_000i64 {
                person.execute(params![id, format!("p{id}")])?;
                public.execute(params![id, publics[(id % 3) as usize]])?;
            }
            let mut sale = tx.prepare(
                "INSERT INTO sales (id, uuid, receipt, session_id, person_id, programme, at, operator, total_cents, journal_seq)
                 VALUES (?1, ?2, ?3, 1, ?4, 'defaut', ?5, 'bench', ?6, 1)",
            )?;
            let mut line = tx.prepare(
                "INSERT INTO sale_lines (sale_id, line_no, device_id, kind, category, label, quantity, unit_cents)
                 VALUES (?1, 1, NULL, ?2, ?3, 'Appareil', 1, ?4)",
            )?;
            let mut payment = tx.prepare("INSERT INTO payments (sale_id, method, amount_cents) VALUES (?1, ?2, ?3)")?;
            let mut note = tx.prepare(
                "INSERT INTO credit_notes (uuid, number, sale_id, line_no, session_id, at, operator, reason, refund_method, amount_cents, journal_seq)
                 VALUES (?1, ?2, ?3, NULL, 1, ?4, 'bench', 'bench', 'cash', ?5, 1)",
            )?;
            let first = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap();
            for id in 1..=60_000i64 {
                let day = first + chrono::Duration::days(id * 1826 / 60_000);
                let at = format!("{day}T10:{:02}:00.000Z", id % 60);
                let (kind, category, cents) = kinds[(id % 3) as usize];
                sale.execute(params![id, format!("s{id}"), format!("C01-R1-{id:06}"), (id % 20_000) + 1, at, cents])?;
                line.execute(params![id, kind, category, cents])?;
                let method = ["cash", "card", "funder"][(id % 3) as usize];
                payment.execute(params![id, method, cents])?;
                if id % 50 == 0 {
                    note.execute(params![format!("n{id}"), format!("AV-{id}"), id, at, cents])?;
                }
            }
            Ok(())
        })
        .unwrap();
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
