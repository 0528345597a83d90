//! Tidy tests (issue 14): the architecture's rules, checked on the source tree inside
//! `cargo test`, as rust-analyzer does. Each failure names the file and the rule.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The file without its unit tests (`#[cfg(test)]` to the end: the module is last by habit).
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    match text.find("\n#[cfg(test)]") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root()).unwrap().display().to_string()
}

const SQL_MARKERS: &[&str] = &[
    "\"SELECT ",
    "\"INSERT ",
    "\"UPDATE ",
    "\"DELETE ",
    "\"CREATE ",
    "\"PRAGMA ",
    "\"ATTACH ",
    "\"DROP ",
    "\"ALTER ",
    "\"WITH ",
    ".execute(",
    ".execute_batch(",
    ".query_row(",
    ".prepare(",
    ".pragma_query_value(",
    ".pragma_update(",
];

#[test]
fn sql_lives_only_in_the_stores() {
    let mut offenders = Vec::new();
    for dir in ["src", "src-tauri/src", "hub/src"] {
        for file in rust_files(&root().join(dir)) {
            let name = relative(&file);
            if name.starts_with("src/store/") || name == "hub/src/db.rs" {
                continue;
            }
            let code = code_of(&file);
            for marker in SQL_MARKERS {
                if let Some(line) = code.lines().position(|l| l.contains(marker)) {
                    offenders.push(format!("{name}:{}: {marker}", line + 1));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "SQL outside src/store/ and hub/src/db.rs:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_core_knows_no_window() {
    for file in rust_files(&root().join("src")) {
        let code = std::fs::read_to_string(&file).unwrap();
        assert!(
            !code.contains("tauri::") && !code.contains("use tauri"),
            "{} imports tauri",
            relative(&file)
        );
    }
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let deps = manifest
        .split("[dependencies]")
        .nth(1)
        .unwrap()
        .split("\n[")
        .next()
        .unwrap();
    assert!(!deps.contains("tauri"), "the core depends on tauri");
}

/// The layers below the services: what the store, the model, the error and the protocol may use.
const LOWER: &[&str] = &["store", "model", "device", "money", "text", "error", "protocol"];

#[test]
fn the_store_the_model_and_the_error_import_no_service() {
    let services: Vec<String> = std::fs::read_dir(root().join("src"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| {
            let stem = p.file_stem()?.to_str()?.to_string();
            (stem != "lib" && stem != "main" && stem != "cli" && !LOWER.contains(&stem.as_str())).then_some(stem)
        })
        .collect();
    assert!(services.iter().any(|s| s == "pos") && services.iter().any(|s| s == "sync"));
    let mut files = rust_files(&root().join("src/store"));
    files.extend(rust_files(&root().join("src/model")));
    files.push(root().join("src/error.rs"));
    files.push(root().join("src/protocol.rs"));
    let mut offenders = Vec::new();
    for file in files {
        let code = code_of(&file);
        for service in &services {
            let path = format!("crate::{service}");
            for (n, line) in code.lines().enumerate() {
                let at = line.find(&path);
                let whole =
                    at.is_some_and(|i| !line[i + path.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_'));
                if whole && !line.trim_start().starts_with("//") {
                    offenders.push(format!("{}:{}: {path}", relative(&file), n + 1));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "lower layers importing a service:\n{}",
        offenders.join("\n")
    );
}

/// The shells (the command line, the window's commands) reach the core only through its
/// workflow layer: every `comptoir::` path in them starts with `comptoir::desk`.
#[test]
fn the_shells_call_only_the_workflow_layer() {
    let mut files = rust_files(&root().join("src/cli"));
    files.push(root().join("src/main.rs"));
    files.extend(rust_files(&root().join("src-tauri/src")));
    assert!(files.len() > 10, "the shells' files were not found");
    let mut offenders = Vec::new();
    for file in files {
        for (n, line) in code_of(&file).lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for (i, _) in line.match_indices("comptoir::") {
                let rest = &line[i + "comptoir::".len()..];
                let whole = rest.starts_with("desk")
                    && !rest["desk".len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_');
                if !whole {
                    offenders.push(format!("{}:{}: {}", relative(&file), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "shells reaching past the workflow layer (use comptoir::desk::…):\n{}",
        offenders.join("\n")
    );
}

#[test]
fn no_source_file_is_over_600_lines() {
    let mut long = Vec::new();
    for dir in ["src", "src-tauri/src", "hub/src"] {
        for file in rust_files(&root().join(dir)) {
            let n = code_of(&file).lines().count();
            if n > 600 {
                long.push(format!("{} ({n} lines)", relative(&file)));
            }
        }
    }
    assert!(
        long.is_empty(),
        "split these files (tests excluded):\n{}",
        long.join("\n")
    );
}

/// The names between the first `[` or `![` and its `]` after `marker`, as `a_b` or `allow-a-b`.
fn listed(text: &str, marker: &str, open: char) -> Vec<String> {
    let start = text.find(marker).unwrap_or_else(|| panic!("{marker} not found"));
    let rest = &text[start..];
    let open_at = rest.find(open).unwrap();
    let close = rest[open_at..].find(']').unwrap() + open_at;
    let mut names: Vec<String> = rest[open_at + 1..close]
        .split(',')
        .map(|s| s.trim().trim_matches('"').to_string())
        .filter(|s| !s.is_empty() && !s.starts_with("//"))
        .collect();
    names.sort();
    names
}

#[test]
fn the_window_may_call_exactly_the_commands_it_registers() {
    let build = std::fs::read_to_string(root().join("src-tauri/build.rs")).unwrap();
    let declared = listed(&build, ".commands(&", '[');
    let main = std::fs::read_to_string(root().join("src-tauri/src/main.rs")).unwrap();
    let registered = listed(&main, "generate_handler!", '[');
    let capability = std::fs::read_to_string(root().join("src-tauri/capabilities/main.json")).unwrap();
    let value: serde_json::Value = serde_json::from_str(&capability).unwrap();
    let mut allowed: Vec<String> = value["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-").map(|s| s.replace('-', "_")))
        .collect();
    allowed.sort();
    assert_eq!(declared, registered, "src-tauri/build.rs and generate_handler! differ");
    assert_eq!(
        declared, allowed,
        "src-tauri/build.rs and capabilities/main.json differ"
    );
    // Every registered command is defined in one screen's file.
    let mut defined = Vec::new();
    for file in rust_files(&root().join("src-tauri/src/commands")) {
        let code = std::fs::read_to_string(&file).unwrap();
        let mut lines = code.lines();
        while let Some(line) = lines.next() {
            if line.trim() == "#[tauri::command]" {
                let sig = lines.next().unwrap();
                let name = sig.split("fn ").nth(1).unwrap().split(['(', '<']).next().unwrap();
                defined.push(name.to_string());
            }
        }
    }
    defined.sort();
    assert_eq!(
        declared, defined,
        "commands declared but not defined under src-tauri/src/commands/"
    );
}

/// ARCHITECTURE.md's entry points and codemap: each entry states its invariant, as
/// rust-analyzer's architecture document does.
#[test]
fn every_codemap_entry_states_its_invariant() {
    let text = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let mut checked = 0;
    for section in ["## Entry points", "## Codemap"] {
        let body = text.split(section).nth(1).expect(section);
        let body = body.split("\n## ").next().unwrap();
        // An entry: a line starting with "- ", and the lines that follow it up to the next
        // entry or a blank line.
        let mut entries: Vec<String> = Vec::new();
        let mut open = false;
        for line in body.lines() {
            if line.starts_with("- ") {
                entries.push(line.to_string());
                open = true;
            } else if line.trim().is_empty() {
                open = false;
            } else if open {
                let last = entries.last_mut().unwrap();
                last.push(' ');
                last.push_str(line.trim());
            }
        }
        for entry in entries {
            checked += 1;
            assert!(
                entry.contains("Invariant"),
                "{section}: an entry without its invariant: {}",
                &entry[..entry.len().min(100)]
            );
        }
    }
    assert!(checked > 30, "the codemap was not found ({checked} entries)");
}
