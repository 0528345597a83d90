//! Printing through a real CUPS queue (`scripts/test` starts cupsd and adds a CUPS-PDF queue
//! named by COMPTOIR_TEST_PRINTER). Ignored by a plain `cargo test`; run with
//! `--include-ignored`, as the test command does.

use std::process::Command;

use comptoir::{demo, documents, pos, printing};

use crate::TestDb;

fn test_printer() -> String {
    std::env::var("COMPTOIR_TEST_PRINTER")
        .expect("COMPTOIR_TEST_PRINTER names a CUPS queue for this test (scripts/test sets one up)")
}

/// Every job CUPS knows on that queue, finished or not.
fn jobs(printer: &str) -> String {
    let out = Command::new("lpstat")
        .args(["-W", "all", "-o", printer])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
#[ignore = "needs a CUPS queue: run through scripts/test"]
fn a_receipt_goes_to_a_real_cups_queue_and_a_missing_printer_is_explained() {
    let printer = test_printer();
    let db = TestDb::new();
    let mut store = db.open();
    demo::load(&mut store, &comptoir::operators::Actor::test("test")).unwrap();
    let receipt = pos::list_sales(&store, 1).unwrap()[0].receipt.clone();
    let doc = documents::receipt(&mut store, &receipt, None, &comptoir::operators::Actor::test("Amina")).unwrap();
    let path = doc.save_in(&db.dir.path().join("documents")).unwrap();

    assert!(printing::printers().unwrap().iter().any(|p| p.name == printer));
    let job = printing::print(&path, Some(&printer), &doc.title).unwrap();
    let id = job.job.expect("CUPS gives a job id");
    assert!(id.starts_with(&printer), "{id}");
    assert!(jobs(&printer).contains(&id), "{id} not in:\n{}", jobs(&printer));

    let err = printing::print(&path, Some("Imprimante-Absente"), &doc.title).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("n'existe pas sur ce poste"), "{message}");
    assert!(message.contains("Le document est gardé"), "{message}");
    assert!(path.is_file(), "the PDF stays for a retry");
    // The retry on the right printer works with the same file.
    assert!(printing::print(&path, Some(&printer), &doc.title).is_ok());
}
