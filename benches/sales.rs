//! Sales benchmark: with 100,000 sales already in the journal, the time to record one sale
//! (durable: WAL + synchronous=FULL), next to one bare fsync'd one-row SQLite transaction on the
//! same disk in the same run (target: p99 within 2× of it); and the time to verify the whole
//! chain. The same on an encrypted database (SQLCipher, as the app's) in the same run, with the
//! ratio encrypted / plain (target ≤ 1.3×). Run with `cargo bench --bench sales`;
//! `COMPTOIR_BENCH_SALES` changes the size.

use std::time::{Duration, Instant};

use comptoir::pos::{self, SaleRequest};
use comptoir::programme::{LegalCaps, Programme};
use comptoir::{journal, Money, Store};

fn stats(name: &str, mut times: Vec<Duration>) -> Duration {
    times.sort();
    let p = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{name:<40} n={:<5} p50={:>7.3} ms  p99={:>7.3} ms  max={:>7.3} ms",
        times.len(),
        p(0.5).as_secs_f64() * 1e3,
        p(0.99).as_secs_f64() * 1e3,
        times.last().unwrap().as_secs_f64() * 1e3
    );
    p(0.99)
}

fn main() {
    let size: usize = std::env::var("COMPTOIR_BENCH_SALES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let caps = LegalCaps::shipped();
    let programmes = vec![Programme::shipped_default(&caps)];
    let key = comptoir::vault::DbKey::generate().unwrap();
    let mut store = filled(&dir.path().join("plain.sqlite"), None, size, &programmes, &caps);
    let mut encrypted = filled(
        &dir.path().join("encrypted.sqlite"),
        Some(&key),
        size,
        &programmes,
        &caps,
    );
    store
        .sql()
        .execute_batch("CREATE TABLE bare (id INTEGER PRIMARY KEY, x TEXT NOT NULL)")
        .unwrap();

    // Interleaved, so that both see the same disk at the same moments.
    let (mut sales, mut bare, mut sealed) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..500 {
        // Alternating which goes first, so that neither always follows the other's fsync.
        for encrypted_first in [i % 2 == 0, i % 2 != 0] {
            let start = Instant::now();
            if encrypted_first {
                pos::create_sale(
                    &mut encrypted,
                    &programmes,
                    &caps,
                    &SaleRequest::sim_cards_in_cash(1),
                    &comptoir::operators::Actor::test("bench"),
                )
                .unwrap();
                sealed.push(start.elapsed());
            } else {
                pos::create_sale(
                    &mut store,
                    &programmes,
                    &caps,
                    &SaleRequest::sim_cards_in_cash(1),
                    &comptoir::operators::Actor::test("bench"),
                )
                .unwrap();
                sales.push(start.elapsed());
            }
        }
        let start = Instant::now();
        // The same transaction as `with_tx` (IMMEDIATE, one commit), written by hand: the
        // services' handle runs no SQL.
        let sql = store.sql();
        sql.execute_batch("BEGIN IMMEDIATE").unwrap();
        sql.execute("INSERT INTO bare (x) VALUES (?1)", [format!("row {i}")])
            .unwrap();
        sql.execute_batch("COMMIT").unwrap();
        bare.push(start.elapsed());
    }
    let median = |t: &[Duration]| {
        let mut t = t.to_vec();
        t.sort();
        t[t.len() / 2]
    };
    let (plain_p50, sealed_p50) = (median(&sales), median(&sealed));
    let sealed_p99 = stats("record one sale, encrypted (durable)", sealed);
    let sale_p99 = stats("record one sale (durable)", sales);
    println!(
        "encrypted / plain: p50 {:.2}x, p99 {:.2}x (target <= 1.3x)",
        sealed_p50.as_secs_f64() / plain_p50.as_secs_f64(),
        sealed_p99.as_secs_f64() / sale_p99.as_secs_f64()
    );
    let bare_p99 = stats("bare one-row transaction (durable)", bare);
    println!(
        "sale p99 / bare p99 = {:.2}",
        sale_p99.as_secs_f64() / bare_p99.as_secs_f64()
    );

    for (name, store) in [("plain", &store), ("encrypted", &encrypted)] {
        let start = Instant::now();
        let v = journal::verify(store.db()).unwrap();
        assert!(v.is_intact());
        println!(
            "verify a chain of {} entries ({name}): {:.0} ms",
            v.entries,
            start.elapsed().as_secs_f64() * 1e3
        );
    }
}

/// A store at `path` (encrypted with `key`, or plain) with `size` sales in its journal.
fn filled(
    path: &std::path::Path,
    key: Option<&comptoir::vault::DbKey>,
    size: usize,
    programmes: &[Programme],
    caps: &LegalCaps,
) -> Store {
    let mut store = Store::open_with_key(path, key).unwrap();
    pos::open_session(&mut store, &comptoir::operators::Actor::test("bench"), Money::ZERO).unwrap();
    // Filling is not what is measured: no fsync while the journal grows to its size.
    store.sql().pragma_update(None, "synchronous", "OFF").unwrap();
    let start = Instant::now();
    for _ in 0..size {
        pos::create_sale(
            &mut store,
            programmes,
            caps,
            &SaleRequest::sim_cards_in_cash(1),
            &comptoir::operators::Actor::test("bench"),
        )
        .unwrap();
    }
    println!(
        "filled the {} journal with {size} sales in {:.1} s",
        if key.is_some() { "encrypted" } else { "plain" },
        start.elapsed().as_secs_f64()
    );
    store.sql().pragma_update(None, "synchronous", "FULL").unwrap();
    // As when the app opens: the WAL left by the filling is copied back first.
    store.checkpoint().unwrap();
    store
}
