//! Restoring a backup older than the live database, on real encrypted files: warned before
//! (nothing replaced until a manager confirms), declared after (no permanence opens until
//! then), and the numbering of receipts and credit notes continues after the last numbers the
//! replaced database issued, even on a post that never reached a hub.

use std::path::PathBuf;

use comptoir::backup::{self, Older, Reason};
use comptoir::operators::Actor;
use comptoir::pos::{self, PaymentMethod, SaleRequest};
use comptoir::programme::{LegalCaps, Programme};
use comptoir::{demo, journal, Money, Store};

use crate::TestDb;

fn sim_sale(store: &mut Store, actor: &Actor) -> String {
    let caps = LegalCaps::shipped();
    pos::create_sale(
        store,
        &[Programme::shipped_default(&caps)],
        &caps,
        &SaleRequest::sim_cards_in_cash(1),
        actor,
    )
    .unwrap()
    .receipt
}

fn journal_entries(store: &Store) -> i64 {
    journal::verify(store.db()).unwrap().entries
}

#[test]
fn an_older_backup_is_warned_before_declared_after_and_numbering_continues() {
    let db = TestDb::new();
    let sophie = Actor::test("sophie");
    let mut store = db.open_encrypted();
    demo::load(&mut store, &Actor::test("test")).unwrap();
    if pos::current_session(&store).unwrap().is_none() {
        pos::open_session(&mut store, &sophie, Money::ZERO).unwrap();
    }
    sim_sale(&mut store, &sophie);
    let usb = tempfile::tempdir().unwrap();
    let made = backup::make(&mut store, Some(usb.path()), Reason::Manual).unwrap();
    let file = PathBuf::from(&made.record.file);
    let at_backup = journal_entries(&store);

    // After the backup: two sales and a credit note, on paper in the families' hands.
    sim_sale(&mut store, &sophie);
    let last_receipt = sim_sale(&mut store, &sophie);
    let credit = pos::cancel_sale(
        &mut store,
        &last_receipt,
        None,
        "Erreur de caisse",
        PaymentMethod::Cash,
        false,
        &sophie,
    )
    .unwrap();
    let live_entries = journal_entries(&store);
    let live_head = journal::verify(store.db()).unwrap().last_hash;
    drop(store);

    // Warned before: nothing is replaced, and the warning says what would be.
    let err = backup::restore(&db.path, &file, &comptoir::vault::OsKeyring, None, Older::Refuse).unwrap_err();
    assert_eq!(err.code().as_str(), "older_backup", "{err}");
    let told = err.to_string();
    assert!(told.contains(&format!("{at_backup} entrée(s)")), "{told}");
    assert!(told.contains(&format!("{live_entries} entrée(s)")), "{told}");
    assert!(told.contains("déclare la reprise"), "{told}");
    let store = db.open_encrypted();
    assert_eq!(
        journal::verify(store.db()).unwrap().last_hash,
        live_head,
        "the live database is untouched"
    );
    assert!(pos::restore_warning(&store).unwrap().is_none());
    drop(store);

    // Confirmed: restored, and the restore itself is the witness (no hub here).
    let restored = backup::restore(&db.path, &file, &comptoir::vault::OsKeyring, None, Older::Confirmed).unwrap();
    assert_eq!(restored.journal_entries, at_backup);
    assert!(restored.previous_kept_as.is_some());
    let mut store = db.open_encrypted();
    assert!(journal::verify(store.db()).unwrap().is_intact());
    let warning = pos::restore_warning(&store)
        .unwrap()
        .expect("an undeclared restore is told");
    assert!(warning.contains(&format!("en avait {live_entries}")), "{warning}");
    let _ = pos::close_session(&mut store, &sophie, Default::default(), "reprise");
    let err = pos::open_session(&mut store, &sophie, Money::ZERO).unwrap_err();
    assert_eq!(err.code().as_str(), "restore_undeclared", "{err}");

    // Declared: numbering continues after the replaced database's last numbers.
    let declared = pos::declare_restore(&mut store, &sophie).unwrap();
    assert_eq!(declared.resumes_from, None, "no hub: nothing to resume from");
    assert!(
        declared.next_receipt.as_str() > last_receipt.as_str(),
        "{declared:?} after {last_receipt}"
    );
    assert!(pos::restore_warning(&store).unwrap().is_none());
    let again = pos::declare_restore(&mut store, &sophie).unwrap_err();
    assert!(again.to_string().contains("Rien à déclarer"), "{again}");
    pos::open_session(&mut store, &sophie, Money::ZERO).unwrap();
    let next = sim_sale(&mut store, &sophie);
    assert_eq!(next, declared.next_receipt);
    let credit_after = pos::cancel_sale(
        &mut store,
        &next,
        None,
        "Erreur de caisse",
        PaymentMethod::Cash,
        false,
        &sophie,
    )
    .unwrap();
    assert!(
        credit_after.number.as_str() > credit.number.as_str(),
        "credit note {} after {}",
        credit_after.number,
        credit.number
    );
    // The declaration is in the journal, which still verifies, records included.
    let verified = journal::verify(store.db()).unwrap();
    assert!(verified.is_intact(), "{:?}", verified.broken);
    let entry = journal::list(&store, &Default::default())
        .unwrap()
        .entries
        .into_iter()
        .find(|e| e.kind == "restore_resumption")
        .expect("the resumption is journaled");
    assert!(
        entry.summary.contains(&format!("avait {live_entries} entrée(s)")),
        "{}",
        entry.summary
    );
}

#[test]
fn the_same_or_a_newer_backup_restores_without_a_warning() {
    let db = TestDb::new();
    let mut store = db.open_encrypted();
    demo::load(&mut store, &Actor::test("test")).unwrap();
    let usb = tempfile::tempdir().unwrap();
    let made = backup::make(&mut store, Some(usb.path()), Reason::Manual).unwrap();
    drop(store);
    let restored = backup::restore(
        &db.path,
        &PathBuf::from(&made.record.file),
        &comptoir::vault::OsKeyring,
        None,
        Older::Refuse,
    )
    .unwrap();
    let store = db.open_encrypted();
    assert_eq!(restored.journal_entries, journal_entries(&store));
    assert!(pos::restore_warning(&store).unwrap().is_none(), "nothing to declare");
}

#[test]
fn the_command_line_warns_then_restores_with_older() {
    let db = TestDb::new();
    let mut store = db.open_encrypted();
    demo::load(&mut store, &Actor::test("test")).unwrap();
    let usb = tempfile::tempdir().unwrap();
    let made = backup::make(&mut store, Some(usb.path()), Reason::Manual).unwrap();
    if pos::current_session(&store).unwrap().is_none() {
        pos::open_session(&mut store, &Actor::test("sophie"), Money::ZERO).unwrap();
    }
    sim_sale(&mut store, &Actor::test("sophie"));
    drop(store);
    let file = made.record.file.as_str();
    let refused = crate::comptoir(&db, &["--json", "backup", "restore", file]);
    assert!(!refused.status.success());
    assert_eq!(crate::refusal(&refused)["error"]["code"], "older_backup");
    let done = crate::comptoir(&db, &["--json", "backup", "restore", file, "--older"]);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    let declared = crate::comptoir(&db, &["--json", "journal", "declare-restore"]);
    assert!(
        declared.status.success(),
        "{}",
        String::from_utf8_lossy(&declared.stderr)
    );
    assert!(crate::json(&declared)["message"]
        .as_str()
        .unwrap()
        .contains("Reprise déclarée"));
}
