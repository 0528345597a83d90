//! A refurbisher's delivery file of `count` laptops, every column filled as the sample file
//! (`assets/`) fills them: specs, an erasure and a test record per device, the donor and its
//! convention. Shared by the import benchmarks of the centre (`benches/import.rs`) and the hub
//! (`hub/benches/import.rs`). `bad_last`: the last row's category is not one.
#![allow(dead_code)]

const BRANDS: &[(&str, &[&str])] = &[
    ("Lenovo", &["ThinkPad T480", "ThinkPad X270", "ThinkPad E590"]),
    ("Dell", &["Latitude E7470", "Latitude 5490", "OptiPlex 7050"]),
    ("HP", &["EliteBook 840 G5", "ProBook 450 G6", "ProDesk 600 G3"]),
    ("Fujitsu", &["Lifebook E548", "Esprimo D538"]),
];
const CATEGORIES: &[&str] = &["C", "B", "A", "Premium"];

pub const HEADER: &str =
    "tag;kind;category;brand;model;serial;imei;cpu;ram_gb;storage_kind;storage_gb;screen_inches;os;\
battery_serial;charger_serial;refurbisher;erasure_certificate;erasure_method;erasure_date;erasure_by;test_date;test_by;\
test_report;donor_kind;donor;convention;reserved_publics;acquisition_price\n";

pub fn file(prefix: &str, first: usize, count: usize, bad_last: bool) -> Vec<u8> {
    let mut out = String::with_capacity(count * 260 + HEADER.len());
    out.push_str(HEADER);
    for n in first..first + count {
        let (brand, models) = BRANDS[n % BRANDS.len()];
        let model = models[(n / BRANDS.len()) % models.len()];
        let category = if bad_last && n + 1 == first + count {
            "Z"
        } else {
            CATEGORIES[n % CATEGORIES.len()]
        };
        out.push_str(&format!(
            "{prefix}-{n:07};laptop;{category};{brand};{model};S{:09X};;Intel Core i5-{}U;8;SSD;256;14,1;Windows 11 Pro;\
             BAT-{n:07};CHG-{n:07};Ateliers du Bocage;CE-{n:07};NIST 800-88 Purge (Blancco Drive Eraser);2026-11-04;\
             Ateliers du Bocage;2026-11-05;Ateliers du Bocage;RT-{n:07};entreprise;Mutuelle des Bocages;CONV-2026-017;;0\n",
            n * 7919 % 0xF_FFFF_FFFF,
            6200 + n % 3000,
        ));
    }
    out.into_bytes()
}

/// This process's peak resident memory (VmHWM), in MiB.
pub fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0)
}
