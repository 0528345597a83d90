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
