//! Crash safety (issue 4): real `comptoir sale create` processes killed with SIGKILL at random
//! moments, many times; after each kill every sale is whole or absent, the stock agrees with the
//! sales, receipt numbers stay gapless, and the journal chain verifies.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use comptoir::beneficiary::{self, Catalogue, NewPerson, PersonInput};
use comptoir::device::{AssetTag, StockAction};
use comptoir::programme::{LegalCaps, Programme};
use comptoir::{delivery, journal, local, pos, stock, Money, Store};

use crate::TestDb;

const PHONES: usize = 200;

fn prepare(db: &TestDb) -> i64 {
    // Encrypted, as the CLI opens it.
    let mut store = db.open_encrypted();
    // With their refurbisher's erasure certificate and test report, so that they may be sold.
    let mut file = String::from(
        "tag;kind;category;brand;model;refurbisher;erasure_method;erasure_date;erasure_certificate;test_date;test_report\n",
    );
    for n in 0..PHONES {
        file.push_str(&format!(
            "CR-{n:04};smartphone;B;Samsung;Galaxy A52;Envie;NIST 800-88 purge;2026-01-10;CE-{n};2026-01-11;RT-{n}\n"
        ));
    }
    delivery::import(
        &mut store,
        file.as_bytes(),
        "crash.csv",
        &comptoir::operators::Actor::test("test"),
    )
    .unwrap();
    for n in 0..PHONES {
        let tag = AssetTag::parse(&format!("CR-{n:04}")).unwrap();
        stock::change_state(
            &mut store,
            &tag,
            StockAction::Receive,
            &comptoir::operators::Actor::test("test"),
            "",
        )
        .unwrap();
        stock::change_state(
            &mut store,
            &tag,
            StockAction::MakeAvailable,
            &comptoir::operators::Actor::test("test"),
            "",
        )
        .unwrap();
    }
    let catalogue = Catalogue::of(&[Programme::shipped_default(&LegalCaps::shipped())]);
    let input = PersonInput {
        last_name: "Diallo".into(),
        first_name: "Mamadou".into(),
        birth_date: Some("1972-12-24".into()),
        publics: vec!["rsa".into()],
        ..PersonInput::default()
    };
    let person = beneficiary::add(
        &mut store,
        &NewPerson::parse(&input, &catalogue, local::today()).unwrap(),
        true,
        &comptoir::operators::Actor::test("test"),
    )
    .unwrap();
    beneficiary::add_proof(
        &mut store,
        person,
        "attestation_caf",
        &local::today().to_string(),
        &comptoir::operators::Actor::test("test"),
        &catalogue,
        local::today(),
    )
    .unwrap();
    pos::open_session(
        &mut store,
        &comptoir::operators::Actor::test("test"),
        Money::from_euros(20),
    )
    .unwrap();
    person
}

/// Every invariant that must survive a kill; returns the number of sales.
fn check_invariants(store: &Store, after: &str) -> usize {
    let v = journal::verify(store.db()).unwrap();
    assert!(v.is_intact(), "{after}: {}", v.message());
    let conn = store.sql();
    let mut receipts: Vec<String> = {
        let mut stmt = conn.prepare("SELECT receipt FROM sales ORDER BY id").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    receipts.sort();
    for (i, receipt) in receipts.iter().enumerate() {
        assert!(
            receipt.ends_with(&format!("-{:06}", i + 1)),
            "{after}: receipts not gapless: {receipts:?}"
        );
    }
    let counter: i64 = conn
        .query_row("SELECT coalesce(max(last), 0) FROM receipt_counters", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        counter as usize,
        receipts.len(),
        "{after}: the counter and the sales disagree"
    );
    // Every sale is whole: its journal entry, one line, a payment covering it.
    let broken: i64 = conn
        .query_row(
            "SELECT count(*) FROM sales s WHERE
                 NOT EXISTS (SELECT 1 FROM journal j WHERE j.seq = s.journal_seq AND j.kind = 'sale' AND instr(j.content, s.receipt) > 0)
              OR (SELECT count(*) FROM sale_lines l WHERE l.sale_id = s.id) <> 1
              OR (SELECT coalesce(sum(amount_cents), 0) FROM payments p WHERE p.sale_id = s.id) < s.total_cents",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(broken, 0, "{after}: a sale is not whole");
    let journal_sales: i64 = conn
        .query_row("SELECT count(*) FROM journal WHERE kind = 'sale'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        journal_sales as usize,
        receipts.len(),
        "{after}: a journal entry without its sale"
    );
    // The stock agrees: sold devices are exactly the devices of the sales.
    let (sold, in_sales): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM devices WHERE state = 'sold'), (SELECT count(*) FROM sale_lines WHERE device_id IS NOT NULL)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(sold, in_sales, "{after}: stock and sales disagree");
    let orphan: i64 = conn
        .query_row(
            "SELECT count(*) FROM devices d WHERE d.state IN ('sold', 'reserved')
             AND NOT EXISTS (SELECT 1 FROM sale_lines l WHERE l.device_id = d.id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphan, 0, "{after}: a device sold or reserved without its sale");
    receipts.len()
}

#[test]
fn sales_survive_sigkill_at_random_moments() {
    let db = TestDb::new();
    let person = prepare(&db).to_string();
    let mut seed = Instant::now().elapsed().as_nanos() as u64 ^ 0x9e37_79b9_7f4a_7c15 ^ std::process::id() as u64;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    // How long a run takes here (start, keyring, open, sale, exit), so that kills land over
    // the whole of it whatever the machine.
    let started = Instant::now();
    let info = Command::new(env!("CARGO_BIN_EXE_comptoir"))
        .args(["--db", db.path.to_str().unwrap(), "info"])
        .output()
        .unwrap();
    assert!(info.status.success(), "{}", String::from_utf8_lossy(&info.stderr));
    let window = (started.elapsed().as_micros() as u64 * 3 / 2).max(25_000);
    let (mut killed, mut finished) = (0, 0);
    let mut tag_no = 0;
    for round in 0..200 {
        if tag_no >= PHONES {
            break;
        }
        let tag = format!("CR-{tag_no:04}");
        let mut child = Command::new(env!("CARGO_BIN_EXE_comptoir"))
            .args(["--db", db.path.to_str().unwrap(), "--operator", "crash"])
            .args([
                "sale",
                "create",
                "--beneficiary",
                &person,
                "--device",
                &tag,
                "--price",
                "40",
                "--payment",
                "cash:40",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(next(window)));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            killed += 1;
        } else {
            finished += 1;
        }
        child.wait().unwrap();
        let store = db.open_encrypted();
        check_invariants(&store, &format!("round {round} ({tag})"));
        // The device was sold whole, or is still on sale for the next round.
        let state = stock::detail(&store, &tag).unwrap().device.state;
        if state == comptoir::device::DeviceState::Sold {
            tag_no += 1;
        } else {
            assert_eq!(
                state,
                comptoir::device::DeviceState::Available,
                "round {round}: {tag} is {state:?}"
            );
        }
    }
    eprintln!("crash test: {killed} processes killed mid-run, {finished} finished, {tag_no} sales recorded");
    assert!(
        killed >= 20,
        "too few kills landed while a sale was running ({killed}): the test proves nothing"
    );
    assert!(tag_no >= 5, "too few sales went through ({tag_no})");
}
