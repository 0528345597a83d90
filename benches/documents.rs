//! Documents benchmark: the time to build each document's PDF (facts from the store, layout,
//! font subsetting, serialisation) and its size. Targets: receipt under 20 ms, onboarding sheet
//! under 40 ms, every file under 300 KB. The first document of a process also parses the
//! embedded fonts: that one is reported apart. Run with `cargo bench --bench documents`.

use std::time::{Duration, Instant};

use comptoir::centre::{self, CentreInput, Paper};
use comptoir::documents;
use comptoir::{demo, Store};

fn stats(name: &str, mut times: Vec<Duration>, bytes: usize) {
    times.sort();
    let p = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{name:<44} n={:<4} p50={:>7.2} ms  p99={:>7.2} ms  max={:>7.2} ms  size={:>4} KB",
        times.len(),
        p(0.5).as_secs_f64() * 1e3,
        p(0.99).as_secs_f64() * 1e3,
        times.last().unwrap().as_secs_f64() * 1e3,
        bytes.div_ceil(1024)
    );
}

fn measure(name: &str, runs: usize, mut f: impl FnMut() -> Vec<u8>) {
    let mut times = Vec::with_capacity(runs);
    let mut size = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let pdf = f();
        times.push(start.elapsed());
        size = size.max(pdf.len());
    }
    stats(name, times, size);
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("bench.sqlite")).unwrap();
    demo::load(&mut store, &comptoir::operators::Actor::test("test")).unwrap();
    centre::save(
        &mut store,
        &CentreInput {
            name: "Centre social et culturel des Quatre Chemins".into(),
            address: "Maison des associations\n12 rue de la République\n93300 Aubervilliers".into(),
            siret: "73282932000074".into(),
            help_phone: "01 48 33 00 00".into(),
            help_hours: "mardi 14 h–17 h, jeudi 9 h 30–12 h".into(),
            ..CentreInput::default()
        },
        &comptoir::operators::Actor::test("bench"),
    )
    .unwrap();
    let receipt = comptoir::pos::list_sales(&store, 100)
        .unwrap()
        .last()
        .unwrap()
        .receipt
        .clone();

    let start = Instant::now();
    let first = documents::onboarding(&store, &receipt).unwrap();
    println!(
        "first document of the process (parses the fonts): {:.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    drop(first);

    let runs = 200;
    measure("receipt A4 (facts + layout + PDF)", runs, || {
        let facts = documents::receipt_facts(&store, &receipt).unwrap();
        documents::render_receipt(&facts, Paper::A4).into_pdf("ticket")
    });
    measure("receipt 80 mm roll", runs, || {
        let facts = documents::receipt_facts(&store, &receipt).unwrap();
        documents::render_receipt(&facts, Paper::Roll80).into_pdf("ticket")
    });
    measure("receipt A4, issued (journaled copy, fsync)", runs, || {
        documents::receipt(
            &mut store,
            &receipt,
            Some(Paper::A4),
            &comptoir::operators::Actor::test("bench"),
        )
        .unwrap()
        .pdf
    });
    measure("onboarding sheet", runs, || {
        documents::onboarding(&store, &receipt).unwrap().pdf
    });
    measure("Z report of a permanence", runs, || {
        documents::closing(&mut store, "1", &comptoir::operators::Actor::test("bench"))
            .unwrap()
            .pdf
    });

    let logo = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/icons/128x128@2x.png")).unwrap();
    centre::set_logo(&mut store, &logo, &comptoir::operators::Actor::test("bench")).unwrap();
    measure("receipt A4 with a 256×256 PNG logo", runs, || {
        let facts = documents::receipt_facts(&store, &receipt).unwrap();
        documents::render_receipt(&facts, Paper::A4).into_pdf("ticket")
    });
}
