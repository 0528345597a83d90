//! Signed period archives (issue 21, part 4), on a real encrypted database with its key in the
//! real keyring: written at each monthly and yearly closing, checked on any machine with the
//! register's public key; one byte edited, or another key, is refused naming the period.

use comptoir::desk::pos;
use comptoir::{journal, local};

use crate::{comptoir, json, TestDb};

#[test]
fn each_monthly_and_yearly_closing_writes_an_archive_that_only_its_key_verifies() {
    let db = TestDb::new();
    let mut store = db.open_encrypted();
    comptoir::demo::load(&mut store, &comptoir::operators::Actor::test("test")).unwrap();
    let later = local::today() + chrono::Duration::days(400);
    let made = comptoir::pos::close_ended_periods(&mut store, later).unwrap();
    let periods: Vec<&str> = made
        .iter()
        .map(|c| c.key.as_str())
        .filter(|k| !k.starts_with("day:"))
        .collect();
    assert!(
        periods.iter().any(|k| k.starts_with("month:")) && periods.iter().any(|k| k.starts_with("year:")),
        "{periods:?}"
    );
    let folder = comptoir::archive::folder(&store).unwrap();
    let mut files: Vec<_> = std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert_eq!(files.len(), periods.len(), "{files:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&files[0]).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let key = pos::archive_public_key(&store).unwrap();
    for file in &files {
        let check = pos::verify_archive(file, &key).unwrap();
        assert!(check.message.contains("authentique"), "{}", check.message);
    }
    let month = files.iter().find(|f| f.to_string_lossy().contains("month")).unwrap();
    let check = pos::verify_archive(month, &key).unwrap();
    assert!(check.entries > 0);

    // The same file checked on « another machine »: the command line, no database opened.
    let elsewhere = TestDb::new();
    let out = comptoir(
        &elsewhere,
        &[
            "archive",
            "verify",
            month.to_str().unwrap(),
            "--public-key",
            &key,
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(json(&out)["period"], check.period);
    assert!(!elsewhere.path.exists(), "no database was made to check an archive");

    // One byte edited: refused, naming the period.
    let text = std::fs::read_to_string(month).unwrap();
    let at = text.find("total_cents").expect("a sale in the month");
    let mut bytes = text.into_bytes();
    let digit = bytes[at..].iter().position(|b| b.is_ascii_digit()).unwrap() + at;
    bytes[digit] = if bytes[digit] == b'9' { b'8' } else { bytes[digit] + 1 };
    let edited = db.file("archive-modifiee.json", &bytes);
    let err = pos::verify_archive(&edited, &key).unwrap_err().to_string();
    assert!(err.contains(&check.period) && err.contains("modifiée"), "{err}");

    // Another key (another register's): refused, even though the file names its own key.
    let other = TestDb::new();
    let other_store = other.open_encrypted();
    let other_key = pos::archive_public_key(&other_store).unwrap();
    let err = pos::verify_archive(month, &other_key).unwrap_err().to_string();
    assert!(err.contains("autre clé") && err.contains(&check.period), "{err}");

    // The yearly closing prints the key that checks the archives.
    let year = periods.iter().find(|k| k.starts_with("year:")).unwrap();
    let doc = comptoir::documents::closing(&mut store, year, &comptoir::operators::Actor::test("Sophie")).unwrap();
    assert!(doc.violations.is_empty(), "{:?}", doc.violations);
    let dir = db.dir.path().join("pdf");
    std::fs::create_dir_all(&dir).unwrap();
    let pdf = dir.join("annee.pdf");
    std::fs::write(&pdf, &doc.pdf).unwrap();
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout).replace(['\n', ' '], "");
    assert!(text.contains(&key), "the yearly closing prints the public key");
    assert!(journal::verify(store.db()).unwrap().is_intact());
    comptoir::vault::KeyStore::forget(&comptoir::vault::OsKeyring, &db.path).unwrap();
    comptoir::vault::KeyStore::forget(&comptoir::vault::OsKeyring, &other.path).unwrap();
}
