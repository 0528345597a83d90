//! Issue 15: the closings the till rules require are made by Comptoir itself, at the first
//! moment after each period has ended, once, never before (the clock is a parameter here).

use chrono::{Datelike, Duration, NaiveDate};

use comptoir::desk::pos;
use comptoir::{demo, journal, local};

use crate::TestDb;

fn next_month_start(day: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(day.year(), day.month(), 1).unwrap() + chrono::Months::new(1)
}

#[test]
fn comptoir_closes_each_ended_period_once_and_never_one_that_has_not_ended() {
    let db = TestDb::new();
    let mut store = db.open();
    demo::load(&mut store, &comptoir::operators::Actor::test("test")).unwrap();
    let today = local::today();

    // Today has not ended: nothing.
    assert!(pos::close_ended_periods(&mut store, today).unwrap().is_empty());
    // Tomorrow: today's closing, by Comptoir itself.
    let made = pos::close_ended_periods(&mut store, today + Duration::days(1)).unwrap();
    let keys: Vec<&str> = made.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(keys, vec![format!("day:{today}")], "{keys:?}");
    assert!(made[0].sales > 0);
    let listed = pos::closings(&store, 10).unwrap();
    assert_eq!(listed[0].made_by, "Comptoir (automatique)");
    assert!(listed[0].label.starts_with("Journée du "), "{}", listed[0].label);
    // Never twice.
    assert!(pos::close_ended_periods(&mut store, today + Duration::days(1))
        .unwrap()
        .is_empty());
    assert!(pos::close_ended_periods(&mut store, today + Duration::days(2))
        .unwrap()
        .is_empty());

    // After the month's end: the month (and the year when it ended too).
    let after_month = next_month_start(today) + Duration::days(1);
    let made = pos::close_ended_periods(&mut store, after_month).unwrap();
    let keys: Vec<String> = made.iter().map(|c| c.key.clone()).collect();
    assert!(keys.contains(&format!("month:{}", today.format("%Y-%m"))), "{keys:?}");
    assert_eq!(
        made[0].net,
        made.iter().find(|c| c.key.starts_with("month:")).unwrap().net
    );
    // After the year's end: the year, once.
    let after_year = NaiveDate::from_ymd_opt(today.year() + 1, 1, 2).unwrap();
    let made = pos::close_ended_periods(&mut store, after_year).unwrap();
    let all: Vec<String> = pos::closings(&store, 10).unwrap().into_iter().map(|c| c.key).collect();
    assert!(
        all.contains(&format!("year:{}", today.year())),
        "{all:?} after {made:?}"
    );
    assert_eq!(all.iter().filter(|k| k.starts_with("year:")).count(), 1);
    assert!(pos::close_ended_periods(&mut store, after_year + Duration::days(400))
        .unwrap()
        .is_empty());
    assert!(journal::verify(store.db()).unwrap().is_intact());
}

#[test]
fn a_financial_year_that_starts_in_september_closes_on_its_own_bounds() {
    let db = TestDb::new();
    let mut store = db.open();
    demo::load(&mut store, &comptoir::operators::Actor::test("test")).unwrap();
    let manager = comptoir::operators::Actor::test("sophie");
    let err = pos::save_fiscal_year(&mut store, 13, &manager).unwrap_err();
    assert_eq!(err.code(), "invalid");
    assert!(err.to_string().contains("1 (janvier) à 12"), "{err}");
    pos::save_fiscal_year(&mut store, 9, &manager).unwrap();
    let today = local::today();
    let start_year = if today.month() >= 9 {
        today.year()
    } else {
        today.year() - 1
    };
    let after = NaiveDate::from_ymd_opt(start_year + 1, 9, 2).unwrap();
    pos::close_ended_periods(&mut store, after).unwrap();
    let year = pos::closings(&store, 10)
        .unwrap()
        .into_iter()
        .find(|c| c.key.starts_with("year:"))
        .expect("the financial year's closing");
    assert_eq!(year.key, format!("year:{}-{}", start_year, start_year + 1));
    assert_eq!(year.start, NaiveDate::from_ymd_opt(start_year, 9, 1).unwrap());
    assert_eq!(year.end, NaiveDate::from_ymd_opt(start_year + 1, 8, 31).unwrap());
}

/// A manager's closing asked for a period that has not ended is refused, in French.
#[test]
fn a_closing_asked_for_a_day_that_has_not_ended_is_refused() {
    let db = TestDb::new();
    let mut store = db.open();
    demo::load(&mut store, &comptoir::operators::Actor::test("test")).unwrap();
    let today = local::today();
    let err = pos::close_period(
        &mut store,
        pos::Period::Day,
        today,
        today,
        &comptoir::operators::Actor::test("sophie"),
    )
    .unwrap_err();
    assert_eq!(err.code(), "not_ended");
    assert!(err.to_string().contains("n'est pas terminée"), "{err}");
    assert!(pos::closings(&store, 10).unwrap().is_empty());
}

/// `comptoir journal list`: the entries newest first, filtered by kind, by day, a page at a
/// time; a day that is not one is refused in French.
#[test]
fn the_journal_is_listed_with_filters_and_pages_on_the_command_line() {
    let db = TestDb::new();
    let run = |args: &[&str]| crate::comptoir(&db, args);
    let ok = |args: &[&str]| crate::json(&run(args));
    ok(&["--json", "demo"]);
    let all = ok(&["--json", "journal", "list"]);
    let total = all["total"].as_i64().unwrap();
    assert!(total > 3, "{all}");
    let seqs: Vec<i64> = all["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert!(seqs.windows(2).all(|w| w[0] > w[1]), "newest first: {seqs:?}");
    let sales = ok(&["--json", "journal", "list", "--kind", "sale"]);
    let entries = sales["entries"].as_array().unwrap();
    assert!(!entries.is_empty());
    assert!(entries
        .iter()
        .all(|e| e["kind"] == "sale" && e["summary"].as_str().unwrap().starts_with("Ticket ")));
    // A page of two, then the next.
    let first = ok(&["--json", "journal", "list", "--limit", "2"]);
    let before = first["next_before"].as_i64().expect("a next page");
    let next = ok(&[
        "--json",
        "journal",
        "list",
        "--limit",
        "2",
        "--before",
        &before.to_string(),
    ]);
    assert!(next["entries"][0]["seq"].as_i64().unwrap() < before);
    // Today's entries; none tomorrow.
    let today = local::today();
    let tomorrow = (today + Duration::days(1)).format("%d/%m/%Y").to_string();
    assert_eq!(ok(&["--json", "journal", "list", "--from", &tomorrow])["total"], 0);
    assert_eq!(
        ok(&["--json", "journal", "list", "--from", &today.to_string()])["total"],
        total
    );
    let bad = run(&["--json", "journal", "list", "--from", "31/02/2026"]);
    assert!(!bad.status.success());
    let err: serde_json::Value = serde_json::from_slice(&bad.stderr).unwrap();
    assert!(
        err["error"]["message"].as_str().unwrap().contains("n'est pas une date"),
        "{err}"
    );
}

/// The register code: set on a fresh register (Réglages, the first-run form), refused in
/// French once this register has sales.
#[test]
fn the_register_code_changes_until_the_first_sale() {
    let db = TestDb::new();
    let mut store = db.open();
    let actor = comptoir::operators::Actor::test("sophie");
    let view = pos::save_register(&mut store, "c07", "r3", &actor).unwrap();
    assert_eq!(
        (view.centre_code.as_str(), view.register_code.as_str(), view.changeable),
        ("C07", "R3", true)
    );
    let err = pos::save_register(&mut store, "C07", "poste 3", &actor).unwrap_err();
    assert!(err.to_string().contains("1 à 8 lettres ou chiffres"), "{err}");
    demo::load(&mut store, &actor).unwrap();
    let sale = comptoir::desk::pos::list_sales(&store, 1).unwrap();
    assert!(sale[0].receipt.starts_with("C07-R3-"), "{}", sale[0].receipt);
    assert!(!pos::register_view(&store).unwrap().changeable);
    let err = pos::save_register(&mut store, "C07", "R4", &actor).unwrap_err();
    assert!(err.to_string().contains("Des ventes existent déjà"), "{err}");
    assert_eq!(pos::register_identity(&store).unwrap().1, "R3");
}
