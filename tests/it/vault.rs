//! Data at rest, on real files: the encrypted database (SQLCipher) with its key in the real
//! Secret Service (gnome-keyring in the test command's private D-Bus session), the recovery
//! phrase, backups made with SQLite's online backup API and restores that check before they
//! replace anything.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use comptoir::backup::{self, Reason};
use comptoir::vault::{self, FileState, KeyStore, OsKeyring};
use comptoir::{demo, journal, pos, Money, Store};

use crate::TestDb;

/// Names of the demo people: none may appear in an encrypted file.
const NAMES: &[&str] = &["Martine", "Lefèvre", "LEFEVRE", "lefevre martine", "Haddad"];

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn assert_no_names(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    for name in NAMES {
        assert!(!contains(&bytes, name), "« {name} » readable in {}", path.display());
    }
}

/// Every row of every table but the backups register, as text: two databases with the same
/// dump hold the same data.
fn dump(store: &Store) -> Vec<String> {
    let conn = store.sql();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'backups' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut out = Vec::new();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let columns = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let mut line = table.clone();
                for i in 0..columns {
                    line.push_str(&format!("|{:?}", r.get::<_, rusqlite::types::Value>(i)?));
                }
                Ok(line)
            })
            .unwrap();
        let mut lines: Vec<String> = rows.map(Result::unwrap).collect();
        lines.sort();
        out.extend(lines);
    }
    out
}

fn head(store: &Store) -> String {
    journal::verify(store.db()).unwrap().last_hash
}

fn demo_store(db: &TestDb) -> Store {
    let mut store = db.open_encrypted();
    demo::load(&mut store, &comptoir::operators::Actor::test("test")).unwrap();
    store
}

fn cli(db: &Path, args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_comptoir"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("COMPTOIR_DB")
        .env("COMPTOIR_OPERATOR", "amina")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn the_database_cannot_be_read_without_its_key() {
    let db = TestDb::new();
    let out = cli(&db.path, &["demo"], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(vault::file_state(&db.path).unwrap(), FileState::Encrypted);
    // The sqlite3 shell sees no database.
    let shell = Command::new("sqlite3")
        .arg(&db.path)
        .arg("SELECT count(*) FROM people;")
        .output()
        .expect("the sqlite3 shell (scripts/test installs it)");
    let said = String::from_utf8_lossy(&shell.stderr);
    assert!(!shell.status.success() || said.contains("not a database"), "{said}");
    assert!(said.contains("not a database"), "{said}");
    // No name in the raw bytes (nor in a WAL left behind).
    assert_no_names(&db.path);
    let wal = PathBuf::from(format!("{}-wal", db.path.display()));
    if wal.exists() {
        assert_no_names(&wal);
    }
    // Comptoir without the key says so.
    let err = Store::open(&db.path).err().unwrap();
    assert_eq!(err.code(), "encrypted", "{err}");
    // With the key from the keyring, everything is there.
    let store = db.open_encrypted();
    let people: i64 = store
        .sql()
        .query_row("SELECT count(*) FROM people", [], |r| r.get(0))
        .unwrap();
    assert_eq!(people, 10);
    assert!(store.key().is_some());
}

#[test]
fn a_plain_database_with_data_is_encrypted_in_place() {
    let db = TestDb::new();
    let before = {
        let mut store = db.open();
        demo::load(&mut store, &comptoir::operators::Actor::test("test")).unwrap();
        (dump(&store), head(&store))
    };
    assert_eq!(vault::file_state(&db.path).unwrap(), FileState::Plain);
    assert!(
        contains(&std::fs::read(&db.path).unwrap(), "Martine"),
        "the plain file shows the names (what encryption must hide)"
    );
    // An interrupted earlier attempt left a half-written file: it goes.
    std::fs::write(db.dir.path().join("centre.sqlite.chiffrement-en-cours"), b"garbage").unwrap();
    let store = db.open_encrypted();
    assert_eq!(dump(&store), before.0, "same rows after encryption");
    assert_eq!(head(&store), before.1, "same journal head");
    assert!(journal::verify(store.db()).unwrap().is_intact());
    drop(store);
    assert_eq!(vault::file_state(&db.path).unwrap(), FileState::Encrypted);
    assert_no_names(&db.path);
    assert_eq!(
        files_in(db.dir.path()),
        vec!["centre.sqlite".to_string()],
        "no plain copy left"
    );
}

#[test]
fn after_a_crash_between_swap_and_cleanup_the_plain_copy_goes() {
    let db = TestDb::new();
    {
        let mut store = db.open();
        demo::load(&mut store, &comptoir::operators::Actor::test("test")).unwrap();
    }
    let plain_copy = db.dir.path().join("centre.sqlite.avant-chiffrement");
    std::fs::copy(&db.path, &plain_copy).unwrap();
    drop(db.open_encrypted());
    // The swap happened, the copy was still there (as after a power cut): the next open
    // removes it since the database is the verified encrypted one.
    std::fs::copy(&db.path, db.dir.path().join("chiffree")).unwrap();
    std::fs::copy(db.dir.path().join("chiffree"), &db.path).unwrap();
    std::fs::remove_file(db.dir.path().join("chiffree")).unwrap();
    std::fs::write(&plain_copy, b"SQLite format 3\0plain").unwrap();
    drop(db.open_encrypted());
    assert!(!plain_copy.exists());
    // The rename never happened and the database is missing: the copy comes back.
    let db2 = TestDb::new();
    {
        let mut store = db2.open();
        demo::load(&mut store, &comptoir::operators::Actor::test("test")).unwrap();
    }
    std::fs::rename(&db2.path, db2.dir.path().join("centre.sqlite.avant-chiffrement")).unwrap();
    let store = db2.open_encrypted();
    let people: i64 = store
        .sql()
        .query_row("SELECT count(*) FROM people", [], |r| r.get(0))
        .unwrap();
    assert_eq!(people, 10);
}

#[test]
fn backup_then_restore_gives_back_the_same_database() {
    let db = TestDb::new();
    let mut store = demo_store(&db);
    let usb = tempfile::tempdir().unwrap();
    let made = backup::make(&mut store, Some(usb.path()), Reason::Manual).unwrap();
    let file = PathBuf::from(&made.record.file);
    assert_eq!(made.record.journal_head, head(&store));
    assert_eq!(vault::file_state(&file).unwrap(), FileState::Encrypted);
    assert_no_names(&file);
    assert!(backup::list(usb.path()).unwrap().iter().any(|f| f.path == file));
    let at_backup = dump(&store);
    let head_at_backup = head(&store);
    // Work goes on after the backup.
    pos::open_session(
        &mut store,
        &comptoir::operators::Actor::test("amina"),
        Money::parse("20").unwrap(),
    )
    .unwrap();
    assert_ne!(head(&store), head_at_backup);
    drop(store);

    // Older than the live database: warned, nothing replaced, until confirmed.
    let err = backup::restore(&db.path, &file, &OsKeyring, None, backup::Older::Refuse).unwrap_err();
    assert_eq!(err.code(), "older_backup", "{err}");
    let restored = backup::restore(&db.path, &file, &OsKeyring, None, backup::Older::Confirmed).unwrap();
    assert_eq!(restored.journal_head, head_at_backup);
    let store = db.open_encrypted();
    assert_eq!(head(&store), head_at_backup, "same journal head hash");
    // The same rows, and the note of what the restore replaced (until it is declared).
    let (notes, rows): (Vec<String>, Vec<String>) = dump(&store)
        .into_iter()
        .partition(|l| l.contains("sync.restore_replaced"));
    assert_eq!(rows, at_backup, "same rows");
    assert_eq!(notes.len(), 1);
    assert!(journal::verify(store.db()).unwrap().is_intact());
    // The replaced database is kept aside, whole, with the permanence opened after the backup.
    let previous = restored.previous_kept_as.expect("the replaced database is kept");
    let aside = Store::open_with_key(&previous, store.key()).unwrap();
    assert_ne!(head(&aside), head_at_backup);
    assert!(pos::current_session(&aside).unwrap().is_some());
    // The backup file itself was not changed by the restore.
    assert_eq!(
        journal::verify(Store::open_with_key(&file, store.key()).unwrap().db())
            .unwrap()
            .last_hash,
        head_at_backup
    );
}

fn sha(path: &Path) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(std::fs::read(path).unwrap()).to_vec()
}

#[test]
fn a_damaged_or_foreign_backup_is_refused_and_the_database_untouched() {
    let db = TestDb::new();
    let mut store = demo_store(&db);
    let usb = tempfile::tempdir().unwrap();
    let good = PathBuf::from(
        backup::make(&mut store, Some(usb.path()), Reason::Manual)
            .unwrap()
            .record
            .file,
    );
    drop(store);
    let bytes = std::fs::read(&good).unwrap();
    let bad = tempfile::tempdir().unwrap();
    let write = |name: &str, content: &[u8]| {
        let path = bad.path().join(name);
        std::fs::write(&path, content).unwrap();
        path
    };
    let truncated = write("tronquee.sqlite", &bytes[..bytes.len() / 2]);
    let mut flipped = bytes.clone();
    let middle = (bytes.len() / 2) / 4096 * 4096;
    for b in &mut flipped[middle + 100..middle + 300] {
        *b ^= 0x55;
    }
    let corrupted = write("abimee.sqlite", &flipped);
    let empty = write("vide.sqlite", b"");
    let plain = {
        let path = bad.path().join("en-clair.sqlite");
        drop(Store::open(&path).unwrap());
        path
    };
    // Another centre's backup: its own key.
    let other = TestDb::new();
    let mut other_store = demo_store(&other);
    let foreign = PathBuf::from(
        backup::make(&mut other_store, Some(bad.path()), Reason::Manual)
            .unwrap()
            .record
            .file,
    );
    drop(other_store);
    // A backup whose journal was edited behind Comptoir's back.
    let tampered = {
        let path = bad.path().join("journal-modifie.sqlite");
        std::fs::copy(&good, &path).unwrap();
        let key = vault::key_of(&db.path, &OsKeyring).unwrap();
        let conn = rusqlite::Connection::open(&path).unwrap();
        key.apply(&conn).unwrap();
        conn.execute_batch(
            "DROP TRIGGER journal_no_update;
             UPDATE journal SET content = replace(content, '8000', '100') WHERE seq = (SELECT min(seq) FROM journal WHERE kind = 'sale');",
        )
        .unwrap();
        path
    };

    let live = sha(&db.path);
    let listing = files_in(db.dir.path());
    for (file, expected) in [
        (&truncated, "abîmée"),
        (&corrupted, "abîmée"),
        (&empty, "introuvable ou vide"),
        (&plain, "pas une sauvegarde chiffrée"),
        (&foreign, "clé de ce poste"),
        (&tampered, "journal altéré"),
        (&bad.path().join("absente.sqlite"), "introuvable"),
    ] {
        let err = backup::restore(&db.path, file, &OsKeyring, None, backup::Older::Refuse).unwrap_err();
        assert!(err.to_string().contains(expected), "{}: {err}", file.display());
        assert!(
            err.to_string().contains("n'a pas été touchée")
                || expected.contains("introuvable")
                || expected.contains("pas une"),
            "{err}"
        );
        assert_eq!(sha(&db.path), live, "{}: the live database changed", file.display());
        assert_eq!(
            files_in(db.dir.path()),
            listing,
            "{}: a file was left beside it",
            file.display()
        );
    }
    // The good one still restores.
    backup::restore(&db.path, &good, &OsKeyring, None, backup::Older::Refuse).unwrap();
}

#[test]
fn a_backup_from_the_old_machine_restores_with_its_phrase() {
    // The old PC: its database, its phrase, its backup on a USB stick.
    let old = TestDb::new();
    let mut store = demo_store(&old);
    let old_phrase = vault::recovery_phrase(&store, &OsKeyring, &comptoir::operators::Actor::test("amina"))
        .unwrap()
        .join(" ");
    let usb = tempfile::tempdir().unwrap();
    let file = PathBuf::from(
        backup::make(&mut store, Some(usb.path()), Reason::Manual)
            .unwrap()
            .record
            .file,
    );
    let old_head = head(&store);
    drop(store);
    // The new PC: a fresh install with its own key.
    let new = TestDb::new();
    drop(new.open_encrypted());
    let new_key = vault::key_of(&new.path, &OsKeyring).unwrap();
    let err = backup::restore(&new.path, &file, &OsKeyring, None, backup::Older::Refuse).unwrap_err();
    assert!(err.to_string().contains("--phrase"), "{err}");
    let new_phrase = new_key.phrase().join(" ");
    let err = backup::restore(&new.path, &file, &OsKeyring, Some(&new_phrase), backup::Older::Refuse).unwrap_err();
    assert!(err.to_string().contains("ne l'ouvre pas"), "{err}");
    let err = backup::restore(&new.path, &file, &OsKeyring, Some("pomme poire"), backup::Older::Refuse).unwrap_err();
    assert_eq!(err.code(), "bad_phrase");
    // Through the CLI, the phrase on stdin.
    let out = cli(
        &new.path,
        &["backup", "restore", file.to_str().unwrap(), "--phrase"],
        &old_phrase,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // It now opens with the new PC's key (the keyring did not change) and holds the old data.
    assert_eq!(vault::key_of(&new.path, &OsKeyring).unwrap(), new_key);
    let store = new.open_encrypted();
    assert_eq!(head(&store), old_head);
    assert!(!vault::key_opens(
        &new.path,
        &vault::DbKey::from_phrase(&old_phrase).unwrap()
    ));
}

#[test]
fn another_centres_backup_does_not_replace_a_database_with_sales() {
    let a = TestDb::new();
    let mut store = demo_store(&a);
    let mut input = comptoir::store::centre::load(store.db()).unwrap();
    input.name = "Centre social des Lilas".into();
    comptoir::centre::save(&mut store, &input, &comptoir::operators::Actor::test("amina")).unwrap();
    let phrase = vault::recovery_phrase(&store, &OsKeyring, &comptoir::operators::Actor::test("amina"))
        .unwrap()
        .join(" ");
    let usb = tempfile::tempdir().unwrap();
    let file = PathBuf::from(
        backup::make(&mut store, Some(usb.path()), Reason::Manual)
            .unwrap()
            .record
            .file,
    );
    drop(store);
    let b = TestDb::new();
    let mut store = demo_store(&b);
    let mut input = comptoir::store::centre::load(store.db()).unwrap();
    input.name = "Maison des solidarités de Roubaix".into();
    comptoir::centre::save(&mut store, &input, &comptoir::operators::Actor::test("amina")).unwrap();
    drop(store);
    let before = sha(&b.path);
    let err = backup::restore(&b.path, &file, &OsKeyring, Some(&phrase), backup::Older::Refuse).unwrap_err();
    assert_eq!(err.code(), "other_centre", "{err}");
    assert!(err.to_string().contains("Roubaix"), "{err}");
    assert_eq!(sha(&b.path), before);
}

#[test]
fn the_phrase_opens_the_database_on_a_fresh_keyring() {
    let db = TestDb::new();
    let store = demo_store(&db);
    let words = vault::recovery_phrase(&store, &OsKeyring, &comptoir::operators::Actor::test("amina")).unwrap();
    let head_before = head(&store);
    drop(store);
    // The keyring is lost (new session, reinstalled system).
    OsKeyring.forget(&db.path).unwrap();
    let err = vault::open(&db.path, &OsKeyring).err().unwrap();
    assert_eq!(err.code(), "no_key");
    assert!(err.to_string().contains("comptoir key recover"), "{err}");
    // A wrong phrase (another database's) changes nothing.
    let other = vault::DbKey::generate().unwrap().phrase().join(" ");
    let out = cli(&db.path, &["key", "recover"], &other);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("n'ouvre pas"));
    assert!(OsKeyring.load(&db.path).unwrap().is_none());
    // The right one, typed without accents in capitals, one word per line.
    let typed: String = words
        .iter()
        .map(|w| {
            use unicode_normalization::UnicodeNormalization;
            w.nfkd().filter(|c| c.is_ascii()).collect::<String>().to_uppercase() + "\n"
        })
        .collect();
    let out = cli(&db.path, &["key", "recover"], &typed.replace('\n', " "));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let store = db.open_encrypted();
    assert_eq!(head(&store), head_before);
}

#[test]
fn a_backup_folder_pulled_out_mid_backup_is_a_clear_error() {
    let db = TestDb::new();
    let mut store = demo_store(&db);
    let before = (head(&store), comptoir::store::vault::recent(&store, 10).unwrap());
    // The stick is not there.
    let err = backup::make(&mut store, Some(Path::new("/media/cle-absente")), Reason::Manual).unwrap_err();
    assert!(err.to_string().contains("introuvable"), "{err}");
    // The stick goes away during the copy.
    let usb = tempfile::tempdir().unwrap();
    let mount = usb.path().join("CLE");
    std::fs::create_dir(&mount).unwrap();
    let mut pulled = false;
    let err = backup::make_with_progress(&mut store, Some(&mount), Reason::Manual, &mut |_, _| {
        if !pulled {
            std::fs::remove_dir_all(&mount).unwrap();
            pulled = true;
        }
    })
    .unwrap_err();
    assert!(pulled);
    assert!(err.to_string().contains("a disparu"), "{err}");
    assert!(err.to_string().contains("n'a pas été touchée"), "{err}");
    assert_eq!(
        (head(&store), comptoir::store::vault::recent(&store, 10).unwrap()),
        before
    );
    assert!(journal::verify(store.db()).unwrap().is_intact());
}

#[test]
#[ignore = "needs a small full filesystem (scripts/test mounts one and sets COMPTOIR_TEST_FULL_DIR)"]
fn a_full_disk_is_a_clear_error_and_leaves_no_partial_file() {
    let full = PathBuf::from(
        std::env::var("COMPTOIR_TEST_FULL_DIR").expect("COMPTOIR_TEST_FULL_DIR names a small filesystem"),
    );
    let db = TestDb::new();
    let mut store = demo_store(&db);
    let before = head(&store);
    let err = backup::make(&mut store, Some(&full), Reason::Manual).unwrap_err();
    assert!(err.to_string().contains("Plus de place"), "{err}");
    assert!(
        files_in(&full).iter().all(|f| !f.contains("sauvegarde")),
        "{:?}",
        files_in(&full)
    );
    assert_eq!(head(&store), before);
    assert!(comptoir::store::vault::recent(&store, 1).unwrap().is_empty());
}

#[test]
fn the_age_of_the_last_backup_and_the_48_hour_warning() {
    let db = TestDb::new();
    let mut store = demo_store(&db);
    let now = chrono::Utc::now();
    let status = backup::status(&store, now).unwrap();
    assert!(status.warning && status.last.is_none());
    assert!(status.message.contains("Aucune sauvegarde"));
    assert!(backup::due(&store, now).unwrap());
    backup::make(&mut store, None, Reason::Daily).unwrap();
    let status = backup::status(&store, chrono::Utc::now()).unwrap();
    assert!(!status.warning, "{}", status.message);
    assert!(status.folder_is_default && status.message.contains("clé USB"));
    assert!(!backup::due(&store, chrono::Utc::now()).unwrap());
    let later = chrono::Utc::now() + chrono::Duration::hours(25);
    assert!(
        backup::due(&store, later).unwrap(),
        "a day later the daily backup is due"
    );
    assert!(!backup::status(&store, later).unwrap().warning);
    let status = backup::status(&store, chrono::Utc::now() + chrono::Duration::hours(49)).unwrap();
    assert!(status.warning);
    assert!(status.message.contains("il y a 2 jours"), "{}", status.message);
    // The default folder is beside the database.
    assert_eq!(PathBuf::from(&status.folder), db.dir.path().join("sauvegardes"));
    assert_eq!(backup::list(&db.dir.path().join("sauvegardes")).unwrap().len(), 1);
}

#[test]
fn rotation_on_a_real_folder_keeps_the_schedule_and_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    for d in 0..200 {
        let day = start + chrono::Duration::days(d);
        std::fs::write(
            dir.path()
                .join(format!("comptoir-sauvegarde-{}-180000.sqlite", day.format("%Y%m%d"))),
            b"x",
        )
        .unwrap();
    }
    std::fs::write(dir.path().join("photos-vacances.jpg"), b"x").unwrap();
    let removed = backup::rotate(dir.path()).unwrap();
    let left = backup::list(dir.path()).unwrap();
    assert_eq!(removed.len() + left.len(), 200);
    // 7 days, plus the weeks and months before them: 200 days span 7 months and a bit.
    assert!(left.len() >= 7 + 3 + 6 && left.len() <= 7 + 4 + 12, "{}", left.len());
    assert!(dir.path().join("photos-vacances.jpg").exists());
    // Rotating again removes nothing.
    assert!(backup::rotate(dir.path()).unwrap().is_empty());
}

#[test]
fn backups_through_the_cli_and_at_each_closing() {
    let db = TestDb::new();
    assert!(cli(&db.path, &["demo"], "").status.success());
    let usb = tempfile::tempdir().unwrap();
    let out = cli(
        &db.path,
        &["--json", "backup", "now", "--to", usb.path().to_str().unwrap()],
        "",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let made: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(made["record"]["reason"], "manuelle");
    // The folder is set once; each closing of a permanence makes a backup there.
    let out = cli(&db.path, &["backup", "folder", usb.path().to_str().unwrap()], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(cli(&db.path, &["session", "open", "--float", "20"], "")
        .status
        .success());
    let out = cli(&db.path, &["session", "close", "--counted", "cash=20"], "");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Sauvegarde faite"));
    let out = cli(&db.path, &["--json", "backup", "list"], "");
    let listing: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listing["status"]["last"]["reason"], "clôture");
    assert_eq!(listing["status"]["warning"], false);
    assert!(!listing["files"].as_array().unwrap().is_empty());
    let info: serde_json::Value = serde_json::from_slice(&cli(&db.path, &["--json", "info"], "").stdout).unwrap();
    assert_eq!(info["encrypted"], true);
    assert_eq!(info["recovery_phrase_pending"], true);
    assert!(cli(&db.path, &["key", "noted"], "").status.success());
    let info: serde_json::Value = serde_json::from_slice(&cli(&db.path, &["--json", "info"], "").stdout).unwrap();
    assert_eq!(info["recovery_phrase_pending"], false);
}

#[test]
fn the_recovery_sheet_reads_back_the_twelve_words() {
    let db = TestDb::new();
    let store = demo_store(&db);
    let words = vault::recovery_phrase(&store, &OsKeyring, &comptoir::operators::Actor::test("amina")).unwrap();
    let doc =
        comptoir::documents::recovery_sheet(&store, &OsKeyring, &comptoir::operators::Actor::test("amina")).unwrap();
    assert!(doc.violations.is_empty(), "{:?}", doc.violations);
    let dir = tempfile::tempdir().unwrap();
    let path = doc.save_in(dir.path()).unwrap();
    let text = Command::new("pdftotext").arg(&path).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    for (i, w) in words.iter().enumerate() {
        assert!(
            text.contains(&format!("{}. {w}", i + 1)),
            "word {} missing in {text}",
            i + 1
        );
    }
    assert!(text.contains("Phrase de secours"));
}
