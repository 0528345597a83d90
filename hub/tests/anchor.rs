//! The journal's anchor at the hub (issue 21, part 2): each push carries the register's
//! journal head, the hub keeps them, and a post checks its journal against them. With the key
//! in hand, a tail deleted or a history re-chained passes the post's own check, not the hub's.

mod support;
use support::*;

use std::sync::Mutex;

use comptoir::desk::network::{self, Waiting};
use comptoir::operators::Actor;
use comptoir::{journal, Store};

/// A centre with the demo's activity and a few entries of a kind no record backs, synced.
fn synced_centre(world: &World) -> (Mutex<Store>, comptoir::sync::Client) {
    let (store, client) = world.centre("C01");
    {
        let mut s = store.lock().unwrap();
        comptoir::demo::load(&mut s, &Actor::test("test")).unwrap();
        s.with_tx(|tx| {
            for n in 0..3 {
                journal::append(
                    tx,
                    "essai",
                    "test",
                    "2026-12-02T10:00:00.000Z",
                    &serde_json::json!({ "n": n }),
                )?;
            }
            Ok(())
        })
        .unwrap();
    }
    comptoir::sync::round(&store, &client).unwrap();
    (store, client)
}

fn without_triggers(store: &Mutex<Store>, sql: &str) {
    let s = store.lock().unwrap();
    let conn = s.sql();
    conn.execute_batch("DROP TRIGGER journal_no_update; DROP TRIGGER journal_no_delete; PRAGMA foreign_keys = OFF;")
        .unwrap();
    conn.execute_batch(sql).unwrap();
}

/// Recomputes every hash, as someone holding the key would.
fn rechain(store: &Mutex<Store>) {
    let s = store.lock().unwrap();
    let mut rows = Vec::new();
    comptoir::store::journal::each(s.db(), |row| {
        rows.push(row);
        true
    })
    .unwrap();
    let mut prev = journal::GENESIS.to_string();
    for mut row in rows {
        row.prev_hash = prev;
        let hash = journal::entry_hash(&row.prev_hash, &row).unwrap();
        s.sql()
            .execute(
                "UPDATE journal SET prev_hash = ?2, hash = ?3 WHERE seq = ?1",
                rusqlite::params![row.seq, row.prev_hash, hash],
            )
            .unwrap();
        prev = hash;
    }
}

/// What `comptoir journal verify --against-hub` does (`network::verify_with_hub`), with this
/// test's client: the desk's own takes its token from the OS keyring.
fn against_hub(store: &Mutex<Store>, client: &comptoir::sync::Client) -> journal::HubCheck {
    let register = comptoir::pos::register_identity(&store.lock().unwrap()).unwrap().1;
    let heads = client.journal_heads(&register).unwrap();
    journal::anchor::check(store.lock().unwrap().db(), &register, &heads.heads).unwrap()
}

#[test]
fn an_intact_journal_agrees_with_the_hub() {
    let world = World::new();
    let (store, client) = synced_centre(&world);
    let checked = against_hub(&store, &client);
    assert!(checked.agrees, "{checked:?}");
    assert!(
        checked.heads_checked >= 1 && checked.hub_entries == checked.entries,
        "{checked:?}"
    );
    assert!(checked.message.contains("conforme"), "{}", checked.message);
}

#[test]
fn a_tail_deleted_with_the_key_is_caught_by_the_hub() {
    let world = World::new();
    let (store, client) = synced_centre(&world);
    without_triggers(
        &store,
        "DELETE FROM journal WHERE seq > (SELECT max(seq) - 2 FROM journal)",
    );
    assert!(
        journal::verify(store.lock().unwrap().db()).unwrap().is_intact(),
        "the post's own check sees nothing: the entries cut back no record"
    );
    let checked = against_hub(&store, &client);
    assert!(!checked.agrees);
    assert!(checked.message.contains("supprimées"), "{}", checked.message);
    // Synced again, the hub keeps its furthest head and says so to the centre.
    comptoir::sync::round(&store, &client).unwrap();
    let conflicts = comptoir::sync::status(&store.lock().unwrap()).unwrap().conflicts;
    assert!(
        conflicts.iter().any(|c| c.message.contains("est revenu à")),
        "{conflicts:?}"
    );
    assert!(!against_hub(&store, &client).agrees);
}

#[test]
fn a_history_rechained_with_the_key_is_caught_by_the_hub() {
    let world = World::new();
    let (store, client) = synced_centre(&world);
    without_triggers(
        &store,
        "UPDATE journal SET content = '{\"n\":42}' WHERE seq = (SELECT min(seq) FROM journal WHERE kind = 'essai')",
    );
    rechain(&store);
    assert!(
        journal::verify(store.lock().unwrap().db()).unwrap().is_intact(),
        "re-chained: locally whole"
    );
    let checked = against_hub(&store, &client);
    assert!(!checked.agrees);
    assert!(checked.message.contains("réécrit"), "{}", checked.message);
}

/// The desk's own path (its token from the OS keyring) when no hub is configured: French.
#[test]
fn without_a_hub_the_check_says_what_to_set() {
    let world = World::new();
    let store = Mutex::new(Store::open(&world.dir.path().join("seul.sqlite")).unwrap());
    let err = network::verify_with_hub(&store, Waiting::Person).unwrap_err();
    assert!(err.to_string().contains("Aucun hub n'est configuré"), "{err}");
}

/// The register's archive key reaches the hub with its journal head; an archive is checked
/// against the keys the hub received (`comptoir archive verify FILE --hub`).
#[test]
fn the_archive_key_reaches_the_hub_and_checks_the_archives() {
    let world = World::new();
    let token = world.hub.admin(&["centre", "create", "C07", "--name", "Centre C07"]);
    let path = world.dir.path().join("chiffree.sqlite");
    let store = Mutex::new(comptoir::vault::open(&path, &comptoir::vault::OsKeyring).unwrap());
    let client = world.client("C07", token.trim());
    {
        let mut s = store.lock().unwrap();
        comptoir::demo::load(&mut s, &Actor::test("test")).unwrap();
        comptoir::pos::close_ended_periods(&mut s, comptoir::local::today() + chrono::Duration::days(60)).unwrap();
    }
    comptoir::sync::round(&store, &client).unwrap();
    let key = comptoir::archive::public_key(&store.lock().unwrap()).unwrap();
    let heads = client.journal_heads("R1").unwrap();
    assert_eq!(heads.public_keys, [key.clone()]);
    let folder = comptoir::archive::folder(&store.lock().unwrap()).unwrap();
    let archive = std::fs::read_dir(folder).unwrap().next().unwrap().unwrap().path();
    let checked = comptoir::archive::verify(&archive, &heads.public_keys[0]).unwrap();
    assert!(checked.message.contains("authentique"), "{}", checked.message);
    comptoir::vault::KeyStore::forget(&comptoir::vault::OsKeyring, &path).unwrap();
}

/// An older backup restored: the push tells the post its journal is behind the network's; no
/// permanence opens until a manager declares it; the declaration resumes the journal from the
/// hub's last head (a new branch the hub accepts) and receipt numbers continue after the last
/// one the network knows.
#[test]
fn an_older_backup_restored_is_told_declared_and_resumed_without_reusing_a_number() {
    use comptoir::money::Money;
    use comptoir::pos::{self, SaleRequest};
    use comptoir::programme::{LegalCaps, Programme};
    let world = World::new();
    let (store, client) = synced_centre(&world);
    let path = store.lock().unwrap().path().to_path_buf();
    let sophie = Actor::test("Sophie");
    let sim_sale = |s: &mut Store| {
        let caps = LegalCaps::shipped();
        pos::create_sale(
            s,
            &[Programme::shipped_default(&caps)],
            &caps,
            &SaleRequest::sim_cards_in_cash(1),
            &Actor::test("Sophie"),
        )
        .unwrap()
    };
    // The backup, then more sales that reach the hub.
    let backup = world.dir.path().join("sauvegarde.sqlite");
    store.lock().unwrap().truncate_wal().unwrap();
    std::fs::copy(&path, &backup).unwrap();
    let lost = {
        let mut s = store.lock().unwrap();
        if pos::current_session(&s).unwrap().is_none() {
            pos::open_session(&mut s, &sophie, Money::ZERO).unwrap();
        }
        sim_sale(&mut s);
        sim_sale(&mut s)
    };
    comptoir::sync::round(&store, &client).unwrap();
    drop(store);

    // The older backup comes back: the next sync says so, and the desk waits for a manager.
    std::fs::copy(&backup, &path).unwrap();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let store = Mutex::new(Store::open(&path).unwrap());
    comptoir::sync::round(&store, &client).unwrap();
    let status = comptoir::sync::status(&store.lock().unwrap()).unwrap();
    let told = status.journal_behind.expect("the post is told its journal is behind");
    assert!(told.contains("sauvegarde plus ancienne"), "{told}");
    {
        let mut s = store.lock().unwrap();
        let _ = pos::close_session(&mut s, &sophie, Default::default(), "reprise");
        let err = pos::open_session(&mut s, &sophie, Money::ZERO).unwrap_err();
        assert_eq!(err.code().as_str(), "restore_undeclared", "{err}");
    }
    // Declared: the journal resumes from the hub's head, numbers after the network's last.
    let declared = pos::declare_restore(&mut store.lock().unwrap(), &sophie).unwrap();
    // Declared once: nothing is left to declare.
    let again = pos::declare_restore(&mut store.lock().unwrap(), &sophie).unwrap_err();
    assert!(again.to_string().contains("Rien à déclarer"), "{again}");
    assert!(
        declared.next_receipt.as_str() > lost.receipt.as_str(),
        "{declared:?} after {}",
        lost.receipt
    );
    let resumed = {
        let mut s = store.lock().unwrap();
        pos::open_session(&mut s, &sophie, Money::ZERO).unwrap();
        sim_sale(&mut s)
    };
    assert_eq!(resumed.receipt, declared.next_receipt);
    comptoir::sync::round(&store, &client).unwrap();
    assert!(comptoir::sync::status(&store.lock().unwrap())
        .unwrap()
        .journal_behind
        .is_none());
    let checked = against_hub(&store, &client);
    assert!(
        checked.agrees,
        "the hub's current branch is this journal's: {checked:?}"
    );
    assert!(journal::verify(store.lock().unwrap().db()).unwrap().is_intact());
    let entries = journal::list(
        &store.lock().unwrap(),
        &journal::JournalFilter {
            kind: Some("restore_resumption".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(entries.total, 1);
}

/// An older backup restored through Comptoir on a post offline: the restore itself says the
/// network had more (the last head it acknowledged), so the manager declares before any sync;
/// the journal resumes from that head, and the hub accepts the new branch at the next push.
#[test]
fn an_older_backup_restored_offline_is_declared_from_the_last_head_the_hub_acknowledged() {
    use comptoir::backup::{self, Older, Reason};
    use comptoir::money::Money;
    use comptoir::pos::{self, SaleRequest};
    use comptoir::programme::{LegalCaps, Programme};
    let world = World::new();
    let token = world.hub.admin(&["centre", "create", "C08", "--name", "Centre C08"]);
    let path = world.dir.path().join("hors-ligne.sqlite");
    let keys = comptoir::vault::OsKeyring;
    let store = Mutex::new(comptoir::vault::open(&path, &keys).unwrap());
    let client = world.client("C08", token.trim());
    let sophie = Actor::test("Sophie");
    let sim_sale = |s: &mut Store| {
        let caps = LegalCaps::shipped();
        let request = SaleRequest::sim_cards_in_cash(1);
        pos::create_sale(s, &[Programme::shipped_default(&caps)], &caps, &request, &sophie)
            .unwrap()
            .receipt
    };
    let usb = tempfile::tempdir().unwrap();
    let backup_file = {
        let mut s = store.lock().unwrap();
        comptoir::demo::load(&mut s, &Actor::test("test")).unwrap();
        if pos::current_session(&s).unwrap().is_none() {
            pos::open_session(&mut s, &sophie, Money::ZERO).unwrap();
        }
        sim_sale(&mut s);
        backup::make(&mut s, Some(usb.path()), Reason::Manual)
            .unwrap()
            .record
            .file
    };
    let last = {
        let mut s = store.lock().unwrap();
        sim_sale(&mut s);
        sim_sale(&mut s)
    };
    comptoir::sync::round(&store, &client).unwrap();
    let acknowledged = journal::verify(store.lock().unwrap().db()).unwrap().entries;
    drop(store);

    let err = backup::restore(&path, backup_file.as_ref(), &keys, None, Older::Refuse).unwrap_err();
    assert!(
        err.to_string().contains(&format!("jusqu'à l'entrée n° {acknowledged}")),
        "{err}"
    );
    backup::restore(&path, backup_file.as_ref(), &keys, None, Older::Confirmed).unwrap();
    let store = Mutex::new(comptoir::vault::open(&path, &keys).unwrap());
    let declared = {
        let mut s = store.lock().unwrap();
        let _ = pos::close_session(&mut s, &sophie, Default::default(), "reprise");
        assert_eq!(
            pos::open_session(&mut s, &sophie, Money::ZERO)
                .unwrap_err()
                .code()
                .as_str(),
            "restore_undeclared"
        );
        pos::declare_restore(&mut s, &sophie).unwrap()
    };
    assert_eq!(declared.resumes_from, Some(acknowledged));
    let resumed = {
        let mut s = store.lock().unwrap();
        pos::open_session(&mut s, &sophie, Money::ZERO).unwrap();
        sim_sale(&mut s)
    };
    assert_eq!(resumed, declared.next_receipt);
    assert!(resumed > last, "{resumed} after {last}");
    comptoir::sync::round(&store, &client).unwrap();
    assert!(comptoir::pos::restore_warning(&store.lock().unwrap())
        .unwrap()
        .is_none());
    let checked = against_hub(&store, &client);
    assert!(checked.agrees, "the hub took the new branch: {checked:?}");
    comptoir::vault::KeyStore::forget(&keys, &path).unwrap();
}
