//! The window's commands are listed once: the `#[tauri::command]` functions under
//! `src/commands/`. This reads their names for the two lists Tauri needs — the app manifest
//! (so that the capability grants them one by one, least privilege) and `generate_handler!`
//! (written to `$OUT_DIR/handler.rs`, included by main.rs). The capability file and the
//! TypeScript calls (ui/src/gen/commands.ts) are checked against the same functions by
//! tests/it/contract.rs and tests/it/tidy.rs.

use std::path::Path;

fn main() {
    let dir = Path::new("src/commands");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("src/commands")
        .map(|e| e.expect("src/commands").path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    let mut names: Vec<String> = Vec::new();
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let code = std::fs::read_to_string(file).expect("a command file");
        let mut lines = code.lines();
        while let Some(line) = lines.next() {
            if line.trim() != "#[tauri::command]" {
                continue;
            }
            let signature = lines
                .find(|l| l.contains("fn "))
                .expect("a function after #[tauri::command]");
            let name = signature
                .split("fn ")
                .nth(1)
                .and_then(|r| r.split(['(', '<']).next())
                .expect("a name");
            names.push(name.trim().to_string());
        }
    }
    let out = std::env::var("OUT_DIR").expect("OUT_DIR");
    std::fs::write(
        Path::new(&out).join("handler.rs"),
        format!("tauri::generate_handler![{}]", names.join(", ")),
    )
    .expect("handler.rs");
    let commands: &'static [&'static str] = Vec::leak(names.into_iter().map(|n| &*String::leak(n)).collect());
    // The config lives at the repository root (see ARCHITECTURE.md).
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(commands));
    tauri_build::try_build(attributes).expect("failed to run tauri-build");
}
