//! The hub's schema is migrated by version (`PRAGMA user_version`), on real database files.

use comptoir_hub::db;

fn user_version(path: &std::path::Path) -> i64 {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap()
}

#[test]
fn a_new_hub_database_is_at_the_latest_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hub.sqlite");
    let conn = db::open(&path).unwrap();
    db::create_centre(&conn, "C01", "Centre social").unwrap();
    drop(conn);
    assert_eq!(user_version(&path), db::schema_version() as i64);
    // Opening again applies nothing and keeps what is there.
    let conn = db::open(&path).unwrap();
    assert_eq!(db::centres(&conn).unwrap().len(), 1);
}

/// A hub made before schemas had versions: its tables exist at user_version 0. It moves to the
/// latest version keeping its hub id and its centres.
#[test]
fn a_hub_database_from_before_versions_is_migrated_keeping_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hub.sqlite");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        let v1 = include_str!("../migrations/0001_hub.sql");
        conn.execute_batch(v1).unwrap();
        conn.execute("INSERT INTO meta (key, value) VALUES ('hub_id', 'ancien-hub')", [])
            .unwrap();
        conn.execute(
            "INSERT INTO centres (id, name, token_hash, created_at) VALUES ('C01', 'Ancien', 'h', 'x')",
            [],
        )
        .unwrap();
        assert_eq!(user_version(&path), 0);
    }
    let conn = db::open(&path).unwrap();
    assert_eq!(db::hub_id(&conn).unwrap(), "ancien-hub");
    assert_eq!(db::centres(&conn).unwrap()[0].1, "Ancien");
    drop(conn);
    assert_eq!(user_version(&path), db::schema_version() as i64);
}

#[test]
fn a_database_from_a_newer_hub_is_refused_in_french_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hub.sqlite");
    drop(db::open(&path).unwrap());
    let newer = db::schema_version() as i64 + 5;
    rusqlite::Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", newer)
        .unwrap();
    let err = db::open(&path).unwrap_err().to_string();
    assert!(err.contains("hub plus récent"), "{err}");
    assert_eq!(user_version(&path), newer);
}

/// A hub of schema 6 with sales: schema 7 copies each sale's programme, date, person reference
/// and publics onto its lines and payments, so the network report counts them.
#[test]
fn sales_recorded_before_the_report_rows_count_in_the_network_report() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hub.sqlite");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        for sql in [
            include_str!("../migrations/0001_hub.sql"),
            include_str!("../migrations/0002_v2.sql"),
            include_str!("../migrations/0003_register_keys.sql"),
            include_str!("../migrations/0004_journal_branches.sql"),
            include_str!("../migrations/0005_after_sales.sql"),
            include_str!("../migrations/0006_console.sql"),
        ] {
            conn.execute_batch(sql).unwrap();
        }
        conn.execute_batch(
            "INSERT INTO meta (key, value) VALUES ('hub_id', 'ancien-hub');
             INSERT INTO centres (id, name, token_hash, created_at) VALUES ('C01', 'Ancien', 'h', 'x');
             INSERT INTO sales (centre_id, uuid, date, register, receipt_seq, person_ref, publics, programme, protocol, received_at)
                 VALUES ('C01', 's1', '2026-03-02', 'R1', 1, 'P1', '[\"rsa\"]', 'defaut', 'v2', 'x'),
                        ('C01', 's2', '2026-03-03', 'R1', 2, 'P2', '[\"etudiant\"]', 'defaut', 'v2', 'x');
             INSERT INTO sale_lines (centre_id, sale_uuid, line_no, kind, category, quantity, unit_cents, tag)
                 VALUES ('C01', 's1', 1, 'laptop', 'B', 1, 9000, 'T1'), ('C01', 's1', 2, 'sim_card', NULL, 2, 500, NULL),
                        ('C01', 's2', 1, 'laptop', 'A', 1, 9000, 'T2');
             UPDATE sale_lines SET cancelled_by = 'avoir' WHERE sale_uuid = 's2';
             INSERT INTO sale_payments (centre_id, sale_uuid, method, amount_cents)
                 VALUES ('C01', 's1', 'cash', 10000), ('C01', 's2', 'card', 9000);
             PRAGMA user_version = 6;",
        )
        .unwrap();
    }
    let conn = db::open(&path).unwrap();
    let counts = db::reports::counts(&conn, "defaut", "2026-01-01", "2026-12-31", &["C01".into()]).unwrap();
    assert_eq!(counts.sales, 2);
    assert_eq!(counts.people, 1, "the second sale's only line is cancelled");
    assert_eq!(counts.by_public.get("rsa"), Some(&1));
    assert_eq!(counts.by_public.get("etudiant"), None);
    assert_eq!(counts.devices.values().sum::<i64>(), 1);
    assert_eq!(counts.items.values().sum::<i64>(), 2);
    assert_eq!(counts.takings.values().sum::<i64>(), 19000);
    // The progress kept for the dashboard starts from the same lines.
    let progress = db::progress::progress(&conn, "defaut").unwrap();
    assert_eq!((progress.people, &progress.by_public), (1, &counts.by_public));
    assert_eq!((&progress.devices, &progress.items), (&counts.devices, &counts.items));
}
