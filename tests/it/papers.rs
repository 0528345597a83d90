//! Papers that tell the truth (issue 32): every figure on a document agrees with the journal,
//! the law and the other documents. Each test here failed before its fix; documents are read
//! back with pdftotext and their figures compared with the rows the journal checks.

use std::collections::BTreeMap;

use comptoir::documents;
use comptoir::money::Money;
use comptoir::operators::Actor;
use comptoir::pos::{self, CashReport, PaymentMethod};
use comptoir::tax::{Rate, VatByRate};
use comptoir::Store;

use crate::tax::{centre_with, sale, text};

fn eur(s: &str) -> Money {
    Money::parse(s).unwrap()
}

/// The net and the VAT by rate of `sales`' lines that no credit note cancelled (a line taxed on
/// its price: its own VAT; the margin scheme's used goods: none).
fn live_lines<'a>(sales: impl IntoIterator<Item = &'a comptoir::pos::SaleRecord>) -> (Money, Vec<VatByRate>) {
    let mut net = 0i64;
    let mut by_rate: BTreeMap<Rate, (i64, i64)> = BTreeMap::new();
    for line in sales
        .into_iter()
        .flat_map(|s| &s.lines)
        .filter(|l| l.cancelled_by.is_none())
    {
        let ttc = line.unit_price.cents() * i64::from(line.quantity);
        net += ttc;
        if let (Some(rate), Some(vat), None) = (line.vat_rate, line.vat, line.margin) {
            let e = by_rate.entry(rate).or_default();
            e.0 += ttc;
            e.1 += vat.cents();
        }
    }
    let by_rate = by_rate
        .into_iter()
        .filter(|(_, (ttc, _))| *ttc != 0)
        .map(|(rate, (ttc, vat))| VatByRate {
            rate,
            ttc: Money::from_cents(ttc),
            vat: Money::from_cents(vat),
            ht: Money::from_cents(ttc - vat),
        })
        .collect();
    (Money::from_cents(net), by_rate)
}

/// Every sale record for which `keep` holds.
fn sales_where(store: &Store, keep: impl Fn(&comptoir::pos::SaleRecord) -> bool) -> Vec<comptoir::pos::SaleRecord> {
    pos::list_sales(store, 10_000)
        .unwrap()
        .into_iter()
        .map(|s| pos::sale(store, &s.receipt).unwrap())
        .filter(|s| keep(s))
        .collect()
}

/// What the till's figures must be, recomputed from the sale records alone: per method the
/// payments less change and refunds, per VAT rate the lines' own VAT, sold lines counted once
/// and cancelled lines taken off, for the sales of `session` and its credit notes `notes`.
fn recomputed(
    store: &Store,
    session: i64,
    notes: &[pos::CreditNote],
) -> (Money, BTreeMap<PaymentMethod, Money>, Vec<VatByRate>) {
    let sales = sales_where(store, |s| s.session_id == session);
    let mut by_method: BTreeMap<PaymentMethod, i64> = BTreeMap::new();
    for sale in &sales {
        let paid: i64 = sale.payments.iter().map(|p| p.amount.cents()).sum();
        for p in &sale.payments {
            *by_method.entry(p.method).or_default() += p.amount.cents();
        }
        *by_method.entry(PaymentMethod::Cash).or_default() -= paid - sale.total.cents();
    }
    for note in notes {
        *by_method.entry(note.refund_method).or_default() -= note.amount.cents();
    }
    let by_method = by_method
        .into_iter()
        .filter(|(_, c)| *c != 0)
        .map(|(m, c)| (m, Money::from_cents(c)))
        .collect();
    let (net, by_rate) = live_lines(&sales);
    (net, by_method, by_rate)
}

/// The net and the VAT by rate of every sale made from `start` to `end` (local days), cancelled
/// lines taken off: what a closing must say when its credit notes cancel its own sales.
fn recomputed_between(store: &Store, start: chrono::NaiveDate, end: chrono::NaiveDate) -> (Money, Vec<VatByRate>) {
    let sales = sales_where(store, |s| {
        comptoir::local::local_day(&s.at).is_some_and(|d| (start..=end).contains(&d))
    });
    live_lines(&sales)
}

fn nonzero(map: &BTreeMap<PaymentMethod, Money>) -> BTreeMap<PaymentMethod, Money> {
    map.iter()
        .filter(|(_, m)| **m != Money::ZERO)
        .map(|(k, v)| (*k, *v))
        .collect()
}

fn nonzero_rates(rates: &[VatByRate]) -> Vec<VatByRate> {
    rates.iter().filter(|r| r.ttc != Money::ZERO).cloned().collect()
}

fn assert_reconciles(store: &Store, session: i64, notes: &[pos::CreditNote], report: &CashReport) {
    let (net, by_method, by_rate) = recomputed(store, session, notes);
    assert_eq!(report.net, net, "net = Σ sales − Σ credit notes");
    assert_eq!(
        Money::from_cents(report.sales_total.cents() - report.credit_total.cents()),
        report.net
    );
    assert_eq!(nonzero(&report.by_method), by_method, "per payment method");
    let sum: i64 = report.by_method.values().map(|m| m.cents()).sum();
    assert_eq!(sum, report.net.cents(), "the methods add up to the net");
    let tax = report.tax.as_ref().unwrap();
    assert_eq!(nonzero_rates(&tax.totals.by_rate), by_rate, "per VAT rate");
}

/// Item 1: a sale of a 90 € laptop and two 5 € SIM cards, then a credit note cancelling the
/// SIM cards' line: the X, the Z and the day's closing keep the laptop's 90 € and its VAT.
#[test]
fn a_partial_credit_note_takes_off_its_line_only_in_the_x_the_z_and_the_closing() {
    let (db, mut store) = centre_with("tva", &[("sim_card", "5,5")]);
    let amina = Actor::test("Amina");
    let session = pos::open_session(&mut store, &amina, Money::ZERO).unwrap().id;
    let receipt = sale(&mut store, &[("LC-TAX-0001", 90)], 2);
    let note = pos::cancel_sale(
        &mut store,
        &receipt,
        Some(2),
        "Cartes SIM rendues",
        PaymentMethod::Cash,
        false,
        &amina,
    )
    .unwrap();
    assert_eq!(note.amount, eur("10"));
    let laptop = vec![VatByRate {
        rate: Rate::parse("20").unwrap(),
        ttc: eur("90"),
        vat: eur("15"),
        ht: eur("75"),
    }];

    let x = pos::x_report(&store).unwrap();
    assert_eq!(
        (x.sales_total, x.credit_total, x.net),
        (eur("100"), eur("10"), eur("90"))
    );
    assert_eq!(nonzero_rates(&x.tax.as_ref().unwrap().totals.by_rate), laptop);
    assert_reconciles(&store, session, std::slice::from_ref(&note), &x);
    let dir = db.dir.path().join("docs");
    let x_text = text(
        &dir,
        &documents::closing(&mut store, &session.to_string(), &amina).unwrap(),
    );
    assert!(x_text.contains("RAPPORT X"), "{x_text}");
    assert!(x_text.contains("1 pour un total de 10,00 €"), "{x_text}");
    assert!(
        x_text.contains("Net de la permanence") && x_text.contains("90,00 €"),
        "{x_text}"
    );
    assert!(
        x_text.contains("TVA 20 % : 15,00 € (HT 75,00 €, TTC 90,00 €)"),
        "{x_text}"
    );
    assert!(
        !x_text.contains("TVA 5,5 % : 0,52"),
        "the cancelled line is gone\n{x_text}"
    );

    let mut counted = BTreeMap::new();
    counted.insert(PaymentMethod::Cash, eur("90"));
    let z = pos::close_session(&mut store, &amina, counted, "").unwrap();
    assert_eq!(z.tax, x.tax, "the Z is the X at closing");
    assert_reconciles(&store, session, std::slice::from_ref(&note), &z);
    let z_text = text(
        &dir,
        &documents::closing(&mut store, &session.to_string(), &amina).unwrap(),
    );
    assert!(z_text.contains("RAPPORT Z"), "{z_text}");
    assert!(
        z_text.contains("TVA 20 % : 15,00 € (HT 75,00 €, TTC 90,00 €)"),
        "{z_text}"
    );

    let today = comptoir::local::today();
    let day = pos::close_period(
        &mut store,
        pos::Period::Day,
        today,
        today + chrono::Duration::days(1),
        &Actor::test("Sophie"),
    )
    .unwrap();
    // The day holds the demo's sales too: its figures are those of every sale of the day, the
    // cancelled lines taken off.
    let (net, by_rate) = recomputed_between(&store, day.start, day.end);
    assert_eq!(day.net, net);
    assert_eq!(nonzero_rates(&day.tax.as_ref().unwrap().totals.by_rate), by_rate);
    let day_text = text(
        &dir,
        &documents::closing(&mut store, &format!("day:{today}"), &amina).unwrap(),
    );
    for line in day.tax.as_ref().unwrap().totals.lines() {
        assert!(day_text.contains(&line), "{line}\n{day_text}");
    }
    // The month and the year (closed as if their end had passed): Σ of their sales, by line.
    for (period, later) in [(pos::Period::Month, 32), (pos::Period::Year, 370)] {
        let closing = pos::close_period(
            &mut store,
            period,
            today,
            today + chrono::Duration::days(later),
            &Actor::test("Sophie"),
        )
        .unwrap();
        let (net, by_rate) = recomputed_between(&store, closing.start, closing.end);
        assert_eq!(closing.net, net, "{period:?}");
        assert_eq!(
            nonzero_rates(&closing.tax.as_ref().unwrap().totals.by_rate),
            by_rate,
            "{period:?}"
        );
    }
    assert!(comptoir::journal::verify(store.db()).unwrap().is_intact());
}

/// Item 7: a closing of a period that ended before the register's first act is refused with a
/// French reason, from the command line as from the core, and nothing is journaled.
#[test]
fn a_closing_before_the_registers_first_act_is_refused() {
    let db = crate::TestDb::new();
    crate::json(&crate::comptoir(&db, &["demo", "--json"]));
    let before = crate::json(&crate::comptoir(&db, &["journal", "list", "--json"]));
    for (period, date) in [("year", "0000-01-01"), ("month", "1999-12-31"), ("day", "2020-02-29")] {
        let refused = crate::refusal(&crate::comptoir(&db, &["closing", period, "--date", date, "--json"]));
        let message = refused["error"]["message"].as_str().unwrap_or_default().to_string();
        assert!(
            message.contains("avant le premier acte de cette caisse"),
            "{period} {date}: {refused}"
        );
    }
    let after = crate::json(&crate::comptoir(&db, &["journal", "list", "--json"]));
    assert_eq!(before, after, "nothing was journaled");
    assert!(!after.to_string().contains("year:0"));
}

/// Item 9: `journal list --by NAME` filters by who acted; the global `--operator` keeps one
/// meaning (who acts) everywhere, `journal list` included, and filters nothing.
#[test]
fn journal_list_filters_with_by_and_operator_keeps_its_global_meaning() {
    let db = crate::TestDb::new();
    crate::json(&crate::comptoir(&db, &["demo", "--json"]));
    let all = crate::json(&crate::comptoir(&db, &["journal", "list", "--json", "--limit", "1000"]));
    let total = all["total"].as_i64().unwrap();
    let names: std::collections::BTreeSet<String> = all["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["operator"].as_str().unwrap().to_string())
        .collect();
    assert!(names.len() > 1, "the demo has several people: {names:?}");
    let name = names.iter().next().unwrap();
    let by = crate::json(&crate::comptoir(
        &db,
        &["journal", "list", "--json", "--limit", "1000", "--by", name],
    ));
    let entries = by["entries"].as_array().unwrap();
    assert!(!entries.is_empty());
    assert!(entries.iter().all(|e| e["operator"] == name.as_str()), "{by}");
    assert!(by["total"].as_i64().unwrap() < total);
    // The global option after the subcommand: still the actor, never a filter.
    let acting = crate::json(&crate::comptoir(
        &db,
        &["journal", "list", "--json", "--limit", "1000", "--operator", name],
    ));
    assert_eq!(acting["total"].as_i64().unwrap(), total, "--operator does not filter");
}

/// Items 8 and 11: the sample delivery file carries erasure and test records (its devices can
/// be sold as delivered), and a scanner's serial or IMEI works wherever a device is asked for:
/// check-in, put on sale, records, the cash desk and a line's correction.
#[test]
fn a_serial_or_an_imei_names_a_device_at_the_cash_desk_and_the_sample_sells() {
    let db = crate::TestDb::new();
    let run = |args: &[&str]| crate::comptoir(&db, args);
    let ok = |args: &[&str]| crate::json(&run(args));
    ok(&["--json", "demo"]);
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/samples/livraison-exemple.csv");
    ok(&["--json", "stock", "import", sample]);
    // By serial (PF0ABC01, 5CG9281XYZ) and by IMEI (the tablet's 354120110000070).
    for code in ["PF0ABC01", "5CG9281XYZ", "354120110000070"] {
        ok(&["--json", "stock", "receive", code]);
        ok(&["--json", "stock", "available", code]);
    }
    let recorded = ok(&[
        "--json",
        "stock",
        "erasure",
        "354120110000070",
        "--method",
        "Réinitialisation d'usine chiffrée",
        "--date",
        "2024-11-06",
        "--by",
        "Envie Autonomie",
        "--reference",
        "CE-2411-0007-BIS",
    ]);
    assert_eq!(recorded["tags"], serde_json::json!(["LC-2411-0007"]), "{recorded}");
    ok(&["--json", "session", "open", "--float", "0"]);
    let sale = ok(&[
        "--json",
        "sale",
        "create",
        "--beneficiary",
        "1",
        "--device",
        "PF0ABC01",
        "--price",
        "80",
        "--payment",
        "cash:80",
        "--programme",
        "defaut",
    ]);
    assert_eq!(sale["lines"][0]["tag"], "LC-2411-0001", "{sale}");
    let receipt = sale["receipt"].as_str().unwrap();
    let fixed = ok(&[
        "--json",
        "sale",
        "correct-line",
        receipt,
        "--line",
        "1",
        "--to",
        "5CG9281XYZ",
        "--reason",
        "Étiquette mal scannée",
    ]);
    assert!(fixed.to_string().contains("LC-2411-0002"), "{fixed}");
    let unknown = crate::refusal(&run(&[
        "--json",
        "sale",
        "create",
        "--beneficiary",
        "1",
        "--device",
        "NO-SUCH-SERIAL",
        "--price",
        "80",
        "--payment",
        "cash:80",
    ]));
    assert_eq!(unknown["error"]["code"], "not_found", "{unknown}");
}

/// Item 2: a backup taken during an open permanence, restored over a database that issued
/// further numbers: until a manager declares the restore, no act that issues a number runs —
/// sale, credit note, warranty deposit, exchange, loan, recycling list —, in the core as in the
/// command line; once declared, every series continues after the last number issued.
#[test]
fn no_numbered_act_runs_after_an_older_backup_is_restored_until_it_is_declared() {
    use crate::aftersales::{sell, tag_where};
    use comptoir::aftersales::recycling::{self, RecycledInput, RecyclingInput};
    use comptoir::aftersales::returns::{self, OutcomeInput, ReturnInput};
    use comptoir::backup::{self, Older, Reason};
    use comptoir::loans::{self, LoanInput};
    use comptoir::programme::{LegalCaps, Programme};

    let db = crate::TestDb::new();
    let sophie = Actor::test("sophie");
    let caps = LegalCaps::shipped();
    let programmes = vec![Programme::shipped_default(&caps)];
    let ready = "state = 'available' AND kind = 'laptop' AND category = 'B' \
                 AND erasure_record IS NOT NULL AND test_record IS NOT NULL";
    let mut store = db.open_encrypted();
    comptoir::demo::load(&mut store, &Actor::test("test")).unwrap();
    if pos::current_session(&store).unwrap().is_none() {
        pos::open_session(&mut store, &sophie, Money::ZERO).unwrap();
    }
    let sold = tag_where(&store, ready);
    let receipt = sell(&mut store, &sold, &sophie);
    let opened = crate::aftersales::open(&mut store, &sold, &sophie);
    // The daily backup runs while the permanence is open.
    let usb = tempfile::tempdir().unwrap();
    let made = backup::make(&mut store, Some(usb.path()), Reason::Manual).unwrap();
    // After it: a sale and a credit note that families hold on paper.
    let after = pos::create_sale(
        &mut store,
        &programmes,
        &caps,
        &pos::SaleRequest::sim_cards_in_cash(1),
        &sophie,
    )
    .unwrap()
    .receipt;
    let note = pos::cancel_sale(&mut store, &after, None, "Erreur", PaymentMethod::Cash, false, &sophie).unwrap();
    drop(store);
    backup::restore(
        &db.path,
        std::path::Path::new(&made.record.file),
        &comptoir::vault::OsKeyring,
        None,
        Older::Confirmed,
    )
    .unwrap();

    let mut store = db.open_encrypted();
    assert!(
        pos::current_session(&store).unwrap().is_some(),
        "restored with its permanence open"
    );
    let before = crate::snapshot(&store);
    let undeclared = |e: comptoir::Error| {
        assert_eq!(e.code().as_str(), "restore_undeclared", "{e}");
        assert!(e.to_string().contains("déclaré la reprise"), "{e}");
    };
    let other = tag_where(
        &store,
        "state = 'available' AND kind = 'laptop' AND category IN ('B', 'A', 'Premium') \
         AND erasure_record IS NOT NULL AND test_record IS NOT NULL",
    );
    let sale = pos::create_sale(
        &mut store,
        &programmes,
        &caps,
        &pos::SaleRequest::sim_cards_in_cash(1),
        &sophie,
    );
    undeclared(sale.unwrap_err());
    undeclared(
        pos::cancel_sale(
            &mut store,
            &receipt,
            None,
            "Erreur",
            PaymentMethod::Cash,
            false,
            &sophie,
        )
        .unwrap_err(),
    );
    let held = tag_where(&store, &format!("state = 'sold' AND tag <> '{sold}'"));
    let deposit = ReturnInput {
        tag: held.clone(),
        fault_category: "ne démarre pas".into(),
        fault: "Écran noir".into(),
    };
    undeclared(returns::open(&mut store, &deposit, &sophie).unwrap_err());
    let exchange = OutcomeInput {
        number: opened.number.clone(),
        outcome: "échangé".into(),
        diagnosis: "Carte mère".into(),
        new_tag: Some(other.clone()),
        refund_method: None,
    };
    undeclared(returns::close(&mut store, &exchange, &sophie).unwrap_err());
    let loan = LoanInput {
        tag: other.clone(),
        person_id: 1,
        programme: "defaut".into(),
        ..Default::default()
    };
    undeclared(loans::lend(&mut store, &programmes, &loan, &sophie).unwrap_err());
    let candidate = recycling::candidates(&store).unwrap().remove(0);
    let batch = RecyclingInput {
        collection_point: "Envie 44".into(),
        handed_on: comptoir::local::today().to_string(),
        reference: "BSD-R-1".into(),
        devices: vec![RecycledInput {
            tag: candidate.tag.clone(),
            destruction: "physical".into(),
            detail: "Disque percé".into(),
        }],
    };
    undeclared(recycling::record(&mut store, &batch, &sophie).unwrap_err());
    drop(store);

    // The command line refuses the same acts.
    let cli = |args: &[&str]| crate::refusal(&crate::comptoir(&db, args))["error"]["code"].clone();
    let code = serde_json::json!("restore_undeclared");
    assert_eq!(
        cli(&[
            "--json",
            "sale",
            "create",
            "--item",
            "sim:1",
            "--price",
            "5",
            "--payment",
            "cash:5"
        ]),
        code
    );
    assert_eq!(cli(&["--json", "sale", "cancel", &receipt, "--reason", "Erreur"]), code);
    assert_eq!(
        cli(&[
            "--json",
            "sav",
            "open",
            &held,
            "--category",
            "écran",
            "--fault",
            "Écran fissuré"
        ]),
        code
    );
    assert_eq!(
        cli(&[
            "--json",
            "sav",
            "close",
            &opened.number,
            "--outcome",
            "échangé",
            "--diagnosis",
            "Dalle",
            "--new-tag",
            &other
        ]),
        code
    );
    assert_eq!(
        cli(&[
            "--json",
            "loan",
            "lend",
            &other,
            "--person",
            "1",
            "--programme",
            "defaut"
        ]),
        code
    );
    assert_eq!(
        cli(&[
            "--json",
            "recycle",
            "record",
            &format!("{}:physique:Disque percé", candidate.tag),
            "--collection-point",
            "Envie 44",
            "--reference",
            "BSD-R-2",
        ]),
        code
    );
    let mut store = db.open_encrypted();
    assert_eq!(crate::snapshot(&store), before, "nothing was written");

    // Declared: the numbers continue after those issued before the restore.
    pos::declare_restore(&mut store, &sophie).unwrap();
    let next = pos::create_sale(
        &mut store,
        &programmes,
        &caps,
        &pos::SaleRequest::sim_cards_in_cash(1),
        &sophie,
    )
    .unwrap();
    assert!(next.receipt > after, "{} after {after}", next.receipt);
    let next_note = pos::cancel_sale(
        &mut store,
        &next.receipt,
        None,
        "Erreur",
        PaymentMethod::Cash,
        false,
        &sophie,
    )
    .unwrap();
    assert!(
        next_note.number > note.number,
        "{} after {}",
        next_note.number,
        note.number
    );
    assert!(comptoir::journal::verify(store.db()).unwrap().is_intact());
}

/// Item 3: a person barred only for laptops (the household limit) and eligible for every other
/// kind: the headline says what is true, one line per kind, in the CLI's text and `--json`.
#[test]
fn a_limit_on_laptops_alone_gives_an_eligible_headline_with_the_exception_and_its_date() {
    let db = crate::TestDb::new();
    let run = |args: &[&str]| crate::comptoir(&db, args);
    let added = crate::json(&run(&[
        "beneficiary",
        "add",
        "--last-name",
        "Benali",
        "--first-name",
        "Nadia",
        "--birth-date",
        "1980-03-02",
        "--household",
        "Benali",
        "--public",
        "rsa",
        "--json",
    ]));
    let id = added["id"].as_i64().unwrap().to_string();
    crate::json(&run(&[
        "beneficiary",
        "proof",
        &id,
        "--kind",
        "attestation_caf",
        "--issued",
        "2026-11-01",
        "--json",
    ]));
    crate::json(&run(&[
        "beneficiary",
        "equipment",
        &id,
        "--kind",
        "laptop",
        "--date",
        "2026-08-18",
        "--json",
    ]));
    let checked = crate::json(&run(&["eligibility", "check", &id, "--on", "2026-11-22", "--json"]));
    assert_eq!(checked["decision"], "eligible", "{checked}");
    assert_eq!(
        checked["label"], "Éligible, sauf ordinateur portable jusqu'au 17/08/2027",
        "{checked}"
    );
    let kinds = checked["by_kind"].as_array().unwrap();
    let verdict = |kind: &str| {
        kinds
            .iter()
            .find(|k| k["kind"] == kind)
            .unwrap_or_else(|| panic!("{kind}: {checked}"))["verdict"]
            .clone()
    };
    assert_eq!(verdict("laptop"), "not_eligible");
    for kind in ["tablet", "smartphone"] {
        assert_eq!(verdict(kind), "eligible", "{kind}");
    }
    let text = run(&["eligibility", "check", &id, "--on", "2026-11-22"]);
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    assert!(
        text.starts_with("Éligible, sauf ordinateur portable jusqu'au 17/08/2027 le 22/11/2026"),
        "{text}"
    );
    assert!(text.contains("Ordinateur portable : Non éligible — Limite"), "{text}");
    assert!(text.contains("Tablette : Éligible"), "{text}");
    // Asked for a laptop: not eligible, with the limit.
    let laptop = crate::json(&run(&[
        "eligibility",
        "check",
        &id,
        "--on",
        "2026-11-22",
        "--kind",
        "laptop",
        "--json",
    ]));
    assert_eq!(laptop["decision"], "not_eligible");
}

/// Item 4: every sentence of the deposit and outcome slips states the law as
/// docs/apres-vente.md does, per case: presumed (2 months after the sale), in guarantee and no
/// longer presumed (13 months: the family shows the defect existed at delivery), out of
/// guarantee (25 months: no repair, exchange or refund promised by a date).
#[test]
fn each_warranty_slip_states_the_law_of_its_case() {
    use crate::aftersales::{close, open, sell, tag_where};
    let slip = |months: u64| {
        let db = crate::TestDb::new();
        let mut store = db.open();
        let sophie = Actor::test("sophie");
        comptoir::demo::load(&mut store, &sophie).unwrap();
        if pos::current_session(&store).unwrap().is_none() {
            pos::open_session(&mut store, &sophie, Money::ZERO).unwrap();
        }
        let sold = tag_where(
            &store,
            "state = 'available' AND kind = 'laptop' AND erasure_record IS NOT NULL AND test_record IS NOT NULL",
        );
        let receipt = sell(&mut store, &sold, &sophie);
        let then = comptoir::local::today()
            .checked_sub_months(chrono::Months::new(months as u32))
            .unwrap()
            - chrono::Days::new(3);
        store.sql().execute_batch("DROP TRIGGER sales_no_update;").unwrap();
        store
            .sql()
            .execute(
                "UPDATE sales SET at = ?1 || 'T10:00:00.000Z' WHERE receipt = ?2",
                [&then.to_string(), &receipt],
            )
            .unwrap();
        let ret = open(&mut store, &sold, &sophie);
        let deposit = text(
            db.dir.path(),
            &documents::return_slip(&mut store, &ret.number, &sophie).unwrap(),
        );
        returns_close(&mut store, &close(&ret.number, "réparé", None, None), &sophie);
        let outcome = text(
            db.dir.path(),
            &documents::outcome_slip(&mut store, &ret.number, &sophie).unwrap(),
        );
        (deposit, outcome)
    };
    fn returns_close(store: &mut Store, input: &comptoir::aftersales::returns::OutcomeInput, actor: &Actor) {
        comptoir::aftersales::returns::close(store, input, actor).unwrap();
    }
    let flat = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    let every = |t: &str| {
        assert!(!t.contains("accessoires indiqués ci-dessus"), "{t}");
        assert!(t.contains("Accessoires déposés avec l'appareil"), "{t}");
        assert!(t.contains("Signature de la famille") && !t.contains("déposant"), "{t}");
        assert!(!t.contains("n'a pas à prouver"), "{t}");
    };

    let (presumed, repaired) = slip(2);
    let (presumed, repaired) = (flat(&presumed), flat(&repaired));
    every(&presumed);
    assert!(presumed.contains("Défaut présumé exister à la livraison"), "{presumed}");
    assert!(
        presumed.contains("au plus tard le") && presumed.contains("L.217-10"),
        "{presumed}"
    );
    assert!(presumed.contains("L.217-14"), "{presumed}");
    assert!(repaired.contains("prolongée de six mois"), "{repaired}");

    let (later, _) = slip(13);
    let later = flat(&later);
    every(&later);
    assert!(later.contains("Présomption de 12 mois terminée le"), "{later}");
    assert!(later.contains("c'est à la famille de le montrer"), "{later}");
    assert!(
        later.contains("au plus tard le") && later.contains("L.217-10"),
        "{later}"
    );

    let (out, repaired) = slip(25);
    let (out, repaired) = (flat(&out), flat(&repaired));
    every(&out);
    assert!(out.contains("hors garantie légale de conformité"), "{out}");
    for promise in ["au plus tard le", "L.217-10", "L.217-14", "remboursement (article"] {
        assert!(!out.contains(promise), "out of guarantee, no « {promise} »\n{out}");
    }
    assert!(out.contains("la loi ne l'oblige plus"), "{out}");
    assert!(
        repaired.contains("ne la prolonge pas") && !repaired.contains("prolongée de six mois"),
        "{repaired}"
    );
}

/// A new person on the RSA with a fresh attestation, named `prefix` and `n` as letters.
fn buyer(store: &mut Store, programmes: &[comptoir::programme::Programme], prefix: &str, n: usize) -> i64 {
    crate::reports::person(
        store,
        programmes,
        &format!("{prefix}{}", letters(n)),
        "rsa",
        "attestation_caf",
    )
}

/// A number as letters (a person's name has no digit): 1 → « b », 27 → « bb ».
fn letters(mut n: usize) -> String {
    let mut out = String::new();
    loop {
        out.insert(0, (b'a' + (n % 26) as u8) as char);
        n /= 26;
        if n == 0 {
            return out;
        }
    }
}

/// The donor report's conservation law, checked for every donor on `store` and the day `day`:
/// in every row and the total, received = sold + taken back + given back + on sale + lent +
/// out of order + recycled + lost + not yet on sale.
fn assert_donor_reports_add_up(store: &Store, programmes: &[comptoir::programme::Programme], day: chrono::NaiveDate) {
    use comptoir::donors;
    for donor in donors::donors(store).unwrap() {
        for from in [day, day - chrono::Days::new(400)] {
            let report = donors::build(store, programmes, &donor.name, from, day).unwrap();
            for row in &report.rows {
                assert_eq!(row.counts.accounted(), row.counts.received, "{} {row:?}", donor.name);
            }
            assert_eq!(report.total.accounted(), report.total.received, "{}", donor.name);
        }
    }
}

/// Item 5: the demo (which lends, loses and recycles) and a seeded random history of a donor's
/// devices (sold, taken back, lent, given back, lost, out of order, recycled, given back to the
/// network) keep the donor report's conservation law after every act, and each end state's
/// column equals the count of devices in that state.
#[test]
fn the_donor_report_adds_up_on_the_demo_and_on_a_generated_history() {
    use comptoir::aftersales::recycling::{self, RecycledInput, RecyclingInput};
    use comptoir::device::{AssetTag, DeviceState, StockAction};
    use comptoir::loans::{self, GiveBackInput, LoanInput};
    use comptoir::programme::LegalCaps;

    let today = comptoir::local::today();
    // The demo.
    let db = crate::TestDb::new();
    let mut store = db.open();
    comptoir::demo::load(&mut store, &Actor::test("test")).unwrap();
    let demo_programmes = comptoir::desk::programmes(&store, &db.path).unwrap();
    assert!(
        !comptoir::donors::donors(&store).unwrap().is_empty(),
        "the demo has donors"
    );
    assert_donor_reports_add_up(&store, &demo_programmes, today);

    // A generated history: 24 laptops of one donor, 160 random acts.
    let db = crate::TestDb::new();
    let mut store = db.open();
    let amina = Actor::test("Amina");
    let p = crate::reports::programme();
    let programmes = vec![p.clone()];
    let caps = LegalCaps::shipped();
    let mut csv = String::from("tag;kind;category;brand;model;serial;provenance;donateur\n");
    for i in 0..24 {
        csv.push_str(&format!(
            "GEN-{i:02};laptop;B;Dell;Latitude 5480;SN-GEN-{i:02};entreprise;Fondation Orange\n"
        ));
    }
    comptoir::delivery::import(&mut store, csv.as_bytes(), "dons.csv", &amina).unwrap();
    let tags: Vec<String> = (0..24).map(|i| format!("GEN-{i:02}")).collect();
    let refs: Vec<&str> = tags.iter().map(String::as_str).collect();
    crate::record_refurbishing(&mut store, &refs, "Amina");
    pos::open_session(&mut store, &amina, Money::ZERO).unwrap();
    let mut seed: u64 = 0x5eed_2026;
    let mut next = |n: u64| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let mut receipts: std::collections::BTreeMap<String, String> = Default::default();
    let mut loans_of: std::collections::BTreeMap<String, String> = Default::default();
    let mut people = 0;
    let mut done = std::collections::BTreeMap::<&str, u32>::new();
    for step in 0..160 {
        let tag = tags[next(24) as usize].clone();
        let parsed = AssetTag::parse(&tag).unwrap();
        let state = comptoir::stock::find_by_code(&store, &tag).unwrap().state;
        let choice = next(4);
        let act: (&str, comptoir::Result<()>) = match (state, choice) {
            (DeviceState::Allocated, _) => (
                "receive",
                comptoir::stock::change_state(&mut store, &parsed, StockAction::Receive, &amina, "").map(drop),
            ),
            (DeviceState::Received | DeviceState::Defective, 0) => (
                "recycle",
                recycling::record(
                    &mut store,
                    &RecyclingInput {
                        collection_point: "Envie 44".into(),
                        handed_on: today.to_string(),
                        reference: format!("BSD-{step}"),
                        devices: vec![RecycledInput {
                            tag: tag.clone(),
                            destruction: "physical".into(),
                            detail: "Disque percé".into(),
                        }],
                    },
                    &amina,
                )
                .map(drop),
            ),
            (DeviceState::Received | DeviceState::Defective, 1) => (
                "return",
                comptoir::stock::change_state(&mut store, &parsed, StockAction::Return, &amina, "Rappel du réseau")
                    .map(drop),
            ),
            (DeviceState::Received | DeviceState::Defective, _) => (
                "available",
                comptoir::stock::change_state(&mut store, &parsed, StockAction::MakeAvailable, &amina, "Réparé")
                    .map(drop),
            ),
            (DeviceState::Available, 0 | 1) => {
                people += 1;
                let person = buyer(&mut store, &programmes, "Achat", people);
                let request = pos::SaleRequest::one_device_in_cash(person, &p.id, &tag, 80);
                let sold = pos::create_sale(&mut store, &programmes, &caps, &request, &amina);
                if let Ok(sale) = &sold {
                    receipts.insert(tag.clone(), sale.receipt.clone());
                }
                ("sell", sold.map(drop))
            }
            (DeviceState::Available, 2) => {
                people += 1;
                let person = buyer(&mut store, &programmes, "Pret", people);
                let lent_on = today - chrono::Days::new(9);
                let input = LoanInput {
                    tag: tag.clone(),
                    person_id: person,
                    programme: p.id.clone(),
                    due_on: (lent_on + chrono::Days::new(7)).to_string(),
                    ..Default::default()
                };
                let lent = loans::lend_as_of(&mut store, &programmes, &input, &amina, lent_on);
                if let Ok(loan) = &lent {
                    loans_of.insert(tag.clone(), loan.number.clone());
                }
                ("lend", lent.map(drop))
            }
            (DeviceState::Available, _) => (
                "defective",
                comptoir::stock::change_state(&mut store, &parsed, StockAction::MarkDefective, &amina, "Écran cassé")
                    .map(drop),
            ),
            (DeviceState::Sold, _) => (
                "credit note",
                pos::cancel_sale(
                    &mut store,
                    &receipts[&tag],
                    None,
                    "Rétractation",
                    PaymentMethod::Cash,
                    choice == 0,
                    &amina,
                )
                .map(drop),
            ),
            (DeviceState::Lent, 0) => {
                let number = loans_of[&tag].clone();
                let due = (today - chrono::Days::new(2)).to_string();
                let lost = loans::set_lost_after(&mut store, &number, &due, &amina)
                    .and_then(|_| loans::declare_lost(&mut store, &number, &amina));
                ("lost", lost.map(drop))
            }
            (DeviceState::Lent, _) => (
                "give back",
                loans::give_back(
                    &mut store,
                    &GiveBackInput {
                        number: loans_of[&tag].clone(),
                        condition: "bon état".into(),
                        ..Default::default()
                    },
                    &amina,
                )
                .map(drop),
            ),
            _ => ("none", Ok(())),
        };
        if act.1.is_ok() {
            *done.entry(act.0).or_default() += 1;
        }
        let report = comptoir::donors::build(&store, &programmes, "Fondation Orange", today, today).unwrap();
        let t = report.total;
        assert_eq!(t.accounted(), t.received, "after step {step} ({}): {t:?}", act.0);
        let count = |state: &str| -> i64 {
            store
                .sql()
                .query_row(
                    "SELECT count(*) FROM devices WHERE donor = 'Fondation Orange' AND state = ?1",
                    [state],
                    |r| r.get(0),
                )
                .unwrap()
        };
        assert_eq!(t.sold, count("sold"), "step {step}");
        assert_eq!(t.given_back, count("returned"), "step {step}");
        assert_eq!(t.lent, count("lent"), "step {step}");
        assert_eq!(t.recycled, count("recycled"), "step {step}");
        assert_eq!(t.lost, count("lost"), "step {step}");
        assert_eq!(t.received, 24 - count("allocated"), "step {step}");
    }
    // The history went through every end state.
    for act in [
        "sell",
        "credit note",
        "lend",
        "give back",
        "lost",
        "recycle",
        "return",
        "defective",
    ] {
        assert!(done.get(act).copied().unwrap_or(0) > 0, "no « {act} » in {done:?}");
    }
    assert_donor_reports_add_up(&store, &programmes, today);
}

/// Item 6 (reconciliation): the funder report's figures equal the counts recomputed from the
/// sale records (the demo, which holds a credit note), devices never masked, people masked.
#[test]
fn the_funder_report_equals_the_counts_recomputed_from_the_sales() {
    use comptoir::reports::{self, Cell};
    let db = crate::TestDb::new();
    let mut store = db.open();
    comptoir::demo::load(&mut store, &Actor::test("test")).unwrap();
    let programmes = comptoir::desk::programmes(&store, &db.path).unwrap();
    let programme = programmes.iter().find(|p| p.id == "defaut").unwrap();
    // A one-line credit note on the demo's first sale under the programme.
    let amina = Actor::test("Amina");
    if pos::current_session(&store).unwrap().is_none() {
        pos::open_session(&mut store, &amina, Money::ZERO).unwrap();
    }
    let first = pos::list_sales(&store, 10_000)
        .unwrap()
        .into_iter()
        .find(|s| s.programme.as_deref() == Some("defaut"))
        .unwrap();
    pos::cancel_sale(
        &mut store,
        &first.receipt,
        Some(1),
        "Rétractation",
        PaymentMethod::Cash,
        false,
        &amina,
    )
    .unwrap();
    let from = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    let today = comptoir::local::today();
    let report = reports::build(&store, programme, from, today).unwrap();

    let mut sales = 0;
    let mut devices: BTreeMap<(comptoir::device::DeviceKind, Option<&'static str>), i64> = BTreeMap::new();
    let mut people = std::collections::BTreeSet::new();
    let mut takings: BTreeMap<PaymentMethod, i64> = BTreeMap::new();
    let mut notes = std::collections::BTreeSet::new();
    for summary in pos::list_sales(&store, 10_000).unwrap() {
        let sale = pos::sale(&store, &summary.receipt).unwrap();
        if sale.programme.as_deref() != Some("defaut") {
            continue;
        }
        sales += 1;
        let paid: i64 = sale.payments.iter().map(|p| p.amount.cents()).sum();
        for p in &sale.payments {
            *takings.entry(p.method).or_default() += p.amount.cents();
        }
        *takings.entry(PaymentMethod::Cash).or_default() -= paid - sale.total.cents();
        for line in &sale.lines {
            if let Some(note) = &line.cancelled_by {
                notes.insert(note.clone());
                continue;
            }
            if line.tag.is_some() {
                *devices.entry((line.kind, line.category.map(|c| c.code()))).or_default() += i64::from(line.quantity);
                if let Some(person) = sale.person_id {
                    people.insert(person);
                }
            }
        }
    }
    assert!(!notes.is_empty(), "the demo cancels a line");
    assert_eq!(report.sales, sales);
    let reported: BTreeMap<_, _> = report
        .devices
        .iter()
        .map(|d| ((d.kind, d.category.map(|c| c.code())), d.count))
        .collect();
    assert_eq!(reported, devices, "devices by kind and category, unmasked");
    assert_eq!(report.devices_total, devices.values().sum::<i64>());
    assert_eq!(report.people, Cell::of(people.len() as i64));
    let reported: BTreeMap<_, _> = report.takings.iter().map(|(m, a)| (*m, a.cents())).collect();
    let recomputed: BTreeMap<_, _> = takings.into_iter().filter(|(_, c)| *c != 0).collect();
    assert_eq!(reported, recomputed);
    assert_eq!(report.credit_notes, notes.len() as i64);
    assert_eq!(
        report.net.cents(),
        report.takings_total.cents() - report.credit_total.cents()
    );
}

/// Item 6 (paper): a report whose publics are all masked draws « < 3 » on each bar (never an
/// empty frame like a real 0), names in its legend only what it draws, shows the publics once,
/// never splits a row's label from its value across pages, and writes the funder without
/// doubled parentheses; devices of one or two are shown as they are.
#[test]
fn the_funder_report_masks_people_only_and_draws_what_it_says() {
    use comptoir::device::{Category, DeviceKind};
    use comptoir::reports::{Counts, Report};
    let db = crate::TestDb::new();
    let mut store = db.open();
    comptoir::demo::load(&mut store, &Actor::test("test")).unwrap();
    let programme = comptoir::programme::Programme::shipped_default(&comptoir::programme::LegalCaps::shipped());
    let mut counts = Counts {
        sales: 2,
        people: 2,
        ..Counts::default()
    };
    for public in programme.publics.keys() {
        counts.by_public.insert(public.clone(), 1);
    }
    for kind in DeviceKind::ALL.iter().filter(|k| k.requires_category()) {
        for category in Category::ALL {
            counts.devices.insert((*kind, Some(*category)), 2);
        }
    }
    for kind in DeviceKind::ALL {
        counts.loans.insert(*kind, [2, 1, 1, 0]);
    }
    counts.takings.insert(PaymentMethod::Cash, 16000);
    counts.credit_notes = 1;
    counts.credit_cents = 6000;
    let today = comptoir::local::today();
    let report = Report::from_counts(&programme, today, today, &counts);
    let doc = documents::funder_report(&store, &report).unwrap();
    assert!(doc.violations.is_empty(), "{:?}", doc.violations);
    let path = doc.save_in(db.dir.path()).unwrap();
    let plain = crate::documents::pdftotext(&path);
    assert_eq!(plain.matches("Personnes équipées par public").count(), 1, "{plain}");
    assert!(!plain.contains("((") && !plain.contains("))"), "{plain}");
    assert!(
        plain.contains("dont part du financeur : Structure (fonds propres)"),
        "{plain}"
    );
    assert!(plain.contains("-60,00 €") && !plain.contains("- 60,00 €"), "{plain}");
    assert!(!plain.contains("cadre"), "no target, no frame named: {plain}");
    assert!(plain.contains("nombre masqué"), "{plain}");
    // One « < 3 » on each public's bar, and its value beside it.
    let compact = plain.replace(' ', "");
    assert!(compact.matches("<3").count() >= 2 * programme.publics.len(), "{plain}");
    // Devices of two are shown as two.
    assert!(plain.contains("Ordinateur portable — catégorie B"), "{plain}");
    assert!(!plain.contains("Appareils distribués : < 3"), "{plain}");
    // Page by page (pdftotext -layout): every table row's label has its value on its line.
    let pages = std::process::Command::new("pdfinfo").arg(&path).output().unwrap();
    let pages: usize = String::from_utf8_lossy(&pages.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().parse().unwrap()))
        .unwrap();
    assert!(pages >= 2, "the report spans pages");
    for page in 1..=pages {
        let out = std::process::Command::new("pdftotext")
            .args(["-layout", "-f", &page.to_string(), "-l", &page.to_string()])
            .arg(&path)
            .arg("-")
            .output()
            .unwrap();
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let line = line.trim();
            if line.contains(" — ") && !line.contains("(suite)") {
                assert!(
                    line.chars().last().is_some_and(|c| c.is_ascii_digit()),
                    "page {page}: « {line} » has no value"
                );
            }
        }
    }
}

/// Item 12: one vocabulary on paper. Every document the demo centre prints says « Médiateur »
/// (never « Opérateur »), « Signature de la famille » / « de l'acheteur » / « de l'emprunteur »
/// (never « du déposant »), a negative amount as « -80,00 € », a programme by its name, a
/// month closing as « Novembre 2026 », a recycling list's reprint with its own date (never « ce
/// jour »), and no « Pour le centre » beside the centre's name.
#[test]
fn one_vocabulary_on_every_paper() {
    use comptoir::aftersales::recycling;
    use comptoir::loans;
    let db = crate::TestDb::new();
    let mut store = db.open();
    let sophie = Actor::test("sophie");
    comptoir::demo::load(&mut store, &sophie).unwrap();
    if pos::current_session(&store).unwrap().is_none() {
        pos::open_session(&mut store, &sophie, Money::ZERO).unwrap();
    }
    let dir = db.dir.path().join("docs");
    let mut papers: Vec<(String, String)> = Vec::new();
    let sold = crate::aftersales::tag_where(
        &store,
        "state = 'available' AND kind = 'laptop' AND erasure_record IS NOT NULL AND test_record IS NOT NULL",
    );
    let receipt = crate::aftersales::sell(&mut store, &sold, &sophie);
    papers.push((
        "ticket".into(),
        text(&dir, &documents::receipt(&mut store, &receipt, None, &sophie).unwrap()),
    ));
    let opened = crate::aftersales::open(&mut store, &sold, &sophie);
    papers.push((
        "dépôt".into(),
        text(
            &dir,
            &documents::return_slip(&mut store, &opened.number, &sophie).unwrap(),
        ),
    ));
    let note = pos::cancel_sale(
        &mut store,
        &receipt,
        None,
        "Rétractation",
        PaymentMethod::Cash,
        false,
        &sophie,
    );
    // A line with a return is refunded through the return; otherwise a credit note.
    let note = match note {
        Ok(note) => note.number,
        Err(_) => {
            let other = pos::list_sales(&store, 100)
                .unwrap()
                .into_iter()
                .find(|s| s.cancelled_by.is_none() && s.receipt != receipt)
                .unwrap();
            pos::cancel_sale(
                &mut store,
                &other.receipt,
                None,
                "Rétractation",
                PaymentMethod::Cash,
                false,
                &sophie,
            )
            .unwrap()
            .number
        }
    };
    let credit = text(&dir, &documents::credit_note(&mut store, &note, &sophie).unwrap());
    assert!(
        credit.contains("-80,00 €") && !credit.contains("- 80,00 €"),
        "a negative amount as « -80,00 € »: {credit}"
    );
    papers.push(("avoir".into(), credit));
    let session = pos::current_session(&store).unwrap().unwrap().id;
    papers.push((
        "X".into(),
        text(
            &dir,
            &documents::closing(&mut store, &session.to_string(), &sophie).unwrap(),
        ),
    ));
    let loan = loans::list(&store, true).unwrap().remove(0);
    let agreement = text(
        &dir,
        &documents::loan_agreement(&mut store, &loan.number, &sophie).unwrap(),
    );
    assert!(
        agreement.contains("Équipement solidaire") && !agreement.contains("defaut"),
        "{agreement}"
    );
    papers.push(("convention".into(), agreement));
    let batch = recycling::list(&store).unwrap().remove(0);
    // A reprint (the demo printed nothing yet: the first is the original, the second a copy).
    text(
        &dir,
        &documents::recycling_list(&mut store, &batch.number, &sophie).unwrap(),
    );
    let reprint = text(
        &dir,
        &documents::recycling_list(&mut store, &batch.number, &sophie).unwrap(),
    );
    assert!(reprint.contains("COPIE"), "{reprint}");
    assert!(!reprint.contains("ce jour"), "{reprint}");
    assert!(reprint.contains("Lot remis au point de collecte le"), "{reprint}");
    papers.push(("recyclage".into(), reprint));
    for (what, paper) in &papers {
        let flat = paper.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(!flat.contains("Opérateur"), "{what}: {flat}");
        assert!(!flat.contains("déposant"), "{what}: {flat}");
        assert!(!flat.contains("Pour le centre"), "{what}: {flat}");
        assert!(!flat.contains("- 8") && !flat.contains("- 6"), "{what}: {flat}");
        assert!(!flat.contains("((") && !flat.contains("))"), "{what}: {flat}");
    }
    // A month's closing is named as French write it.
    let closing = pos::Closing {
        period: pos::Period::Month,
        key: "month:2026-11".into(),
        start: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        end: chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        sales: 0,
        sales_total: Money::ZERO,
        credit_notes: 0,
        credit_total: Money::ZERO,
        net: Money::ZERO,
        by_method: BTreeMap::new(),
        by_programme: BTreeMap::new(),
        grand_total: Money::ZERO,
        tax: None,
    };
    assert_eq!(closing.label(), "Novembre 2026");
}
