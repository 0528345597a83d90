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
    for dir in ["src", "common/src", "src-tauri/src", "hub/src"] {
        for file in rust_files(&root().join(dir)) {
            let name = relative(&file);
            if name.starts_with("src/store/") || name.starts_with("hub/src/db/") {
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
        "SQL outside src/store/ and hub/src/db/:\n{}",
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

/// The layers below the services: what the store, the model and the error may use (the
/// protocol, the device's types and money are the `comptoir-common` crate, below the core).
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

/// A gapless number is issued only by `pos::issue_number`, which refuses while an older backup
/// was restored and not declared (issue 32): no series can bypass the check.
#[test]
fn numbers_are_issued_only_through_the_restore_check() {
    let mut offenders = Vec::new();
    for path in rust_files(&root().join("src")) {
        let rel = relative(&path);
        if rel == "src/store/pos.rs" || rel == "src/pos/restore.rs" {
            continue;
        }
        let code = code_of(&path);
        if code.contains("next_number(") && code.contains("store::pos::next_number")
            || code.contains("sql::next_number(")
        {
            offenders.push(rel);
        }
    }
    assert!(
        offenders.is_empty(),
        "these files issue a number without pos::issue_number: {offenders:?}"
    );
}

#[test]
fn no_source_file_is_over_600_lines() {
    let mut long = Vec::new();
    for dir in ["src", "src-tauri/src", "hub/src", "common/src"] {
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

/// The window's commands are listed once, by their `#[tauri::command]` functions: build.rs
/// reads them for the manifest and the handler; the capability must grant exactly them.
#[test]
fn the_window_may_call_exactly_the_commands_it_defines() {
    let mut defined: Vec<String> = super::contract::window_commands().into_iter().map(|c| c.name).collect();
    defined.sort();
    let capability = std::fs::read_to_string(root().join("src-tauri/capabilities/main.json")).unwrap();
    let value: serde_json::Value = serde_json::from_str(&capability).unwrap();
    let mut allowed: Vec<String> = value["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-").map(|s| s.replace('-', "_")))
        .collect();
    allowed.sort();
    assert_eq!(
        defined, allowed,
        "the commands under src-tauri/src/commands/ and capabilities/main.json differ"
    );
    // Nobody lists them by hand again.
    let main = std::fs::read_to_string(root().join("src-tauri/src/main.rs")).unwrap();
    assert!(
        !main.contains("generate_handler!["),
        "main.rs includes the handler build.rs writes"
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

/// The source of every `pub fn` of the core, by module path (`pos`, `desk::stock`, …) and
/// name: its signature, up to its body.
fn core_functions() -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for file in rust_files(&root().join("src")) {
        let rel = relative(&file);
        if rel.starts_with("src/cli/") || rel == "src/main.rs" {
            continue;
        }
        let module = rel
            .trim_start_matches("src/")
            .trim_end_matches(".rs")
            .trim_end_matches("/mod")
            .replace('/', "::");
        let code = code_of(&file);
        for (i, _) in code.match_indices("pub fn ") {
            let rest = &code[i + "pub fn ".len()..];
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            let signature = rest.split('{').next().unwrap_or("").to_string();
            out.push((module.clone(), name, signature));
        }
    }
    out
}

/// The acts of the workflow layer: its public functions that take who acts (`&Actor`),
/// its own and those it re-exports from the services, with the module the shells call them
/// through (`stock`, `pos`, … or `desk` for its root).
fn desk_acts() -> Vec<(String, String)> {
    let functions = core_functions();
    let takes_actor = |module: &str, name: &str| {
        functions.iter().any(|(m, n, sig)| {
            (m == module || m.starts_with(&format!("{module}::"))) && n == name && sig.contains("&Actor")
        })
    };
    let mut acts = Vec::new();
    for file in rust_files(&root().join("src/desk")) {
        let screen = match file.file_stem().unwrap().to_str().unwrap() {
            "mod" | "attendance" | "maintenance" => "desk".to_string(),
            other => other.to_string(),
        };
        let code = code_of(&file);
        let own = format!("desk::{screen}").replace("desk::desk", "desk");
        for (_, name, sig) in functions.iter().filter(|(m, _, _)| {
            *m == own || (screen == "desk" && (m == "desk::attendance" || m == "desk::maintenance"))
        }) {
            if sig.contains("&Actor") {
                acts.push((screen.clone(), name.clone()));
            }
        }
        // `pub use crate::service::{a, b as c, …};`: the functions among them that act.
        for block in code.split("pub use crate::").skip(1) {
            let block = block.split(';').next().unwrap();
            let (path, names) = match block.find("::{") {
                Some(i) => (&block[..i], block[i + 3..].trim_end_matches('}').to_string()),
                None => match block.rsplit_once("::") {
                    Some((p, n)) => (p, n.to_string()),
                    None => continue,
                },
            };
            let module = path.replace("::", "::");
            for item in names.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                let (name, alias) = match item.split_once(" as ") {
                    Some((n, a)) => (n.trim(), a.trim()),
                    None => (item, item),
                };
                if name.starts_with(char::is_lowercase) && takes_actor(&module, name) {
                    acts.push((screen.clone(), alias.to_string()));
                }
            }
        }
    }
    acts.sort();
    acts.dedup();
    acts
}

/// Acts done by one shell only, on purpose; every other act of the workflow layer is called
/// by both the window and the command line (issue 15).
const ONE_SIDED: &[(&str, &str, &str)] = &[
    // The command line's own way to know who acts (the window has the quick switch).
    ("desk", "actor_from_pin", "cli"),
    // The demo centre: a command for trainers, not a button at a real desk.
    ("desk", "load_demo", "cli"),
    // The window's attendance: who is at the desk, the lock, the first profile signed in.
    ("desk", "add_profile", "window"),
    ("desk", "save_idle_minutes", "window"),
    ("desk", "first_run", "window"),
    // A closing made by hand for a past period: the command line's; the window's closings are
    // made by Comptoir itself, listed and reprinted.
    ("pos", "close_period", "cli"),
    // The restore over the open database (the window restarts on it; the command line
    // restores a closed file).
    ("safety", "restore_over", "window"),
    // After a sale, the receipt and the sheet in one click; the command line makes each.
    ("documents", "after_sale", "window"),
    // The window sets the hub's token with its address (save_hub); the command line sets it
    // on its own, and an IT volunteer can make a post forget it.
    ("network", "set_hub_token", "cli"),
    ("network", "forget_hub_token", "cli"),
    // « Vérifier » records who ran the full check; `journal verify` checks without writing
    // (a script reads its exit code).
    ("pos", "verify_journal", "window"),
];

#[test]
fn every_act_of_the_workflow_layer_is_in_both_shells() {
    let shell = |dirs: &[&str]| -> String {
        dirs.iter()
            .flat_map(|d| {
                let p = root().join(d);
                if p.is_dir() {
                    rust_files(&p)
                } else {
                    vec![p]
                }
            })
            .map(|f| code_of(&f))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let cli = shell(&["src/cli", "src/main.rs"]);
    let window = shell(&["src-tauri/src"]);
    let calls = |code: &str, screen: &str, name: &str| {
        [format!("{screen}::{name}("), format!(".{name}(")]
            .iter()
            .any(|pattern| code.contains(pattern.as_str()))
    };
    let acts = desk_acts();
    assert!(acts.len() > 30, "the acts were not found: {acts:?}");
    let mut missing = Vec::new();
    for (screen, name) in &acts {
        let exempt = ONE_SIDED.iter().find(|(s, n, _)| s == screen && n == name);
        let (in_cli, in_window) = (calls(&cli, screen, name), calls(&window, screen, name));
        match exempt {
            Some((_, _, "cli")) if in_cli => {}
            Some((_, _, "window")) if in_window => {}
            Some(_) => missing.push(format!("{screen}::{name}: listed as one-sided, but not called there")),
            None if in_cli && in_window => {}
            None => missing.push(format!(
                "{screen}::{name}: called by {}",
                match (in_cli, in_window) {
                    (true, false) => "the command line only",
                    (false, true) => "the window only",
                    _ => "neither shell",
                }
            )),
        }
    }
    assert!(missing.is_empty(), "acts not in both shells:\n{}", missing.join("\n"));
}

/// The normal (non-dev) dependencies of `package`, each as `name vX.Y.Z feature,feature`, as
/// `cargo tree` resolves them for that package alone (as `cargo build -p` builds it).
fn dependency_tree(package: &str) -> Vec<String> {
    let out = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(root())
        .args(["tree", "--locked", "--offline", "-p", package, "-e", "normal"])
        .args(["--prefix", "none", "--format", "{p} {f}"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo tree: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// The hub stands on its own (issue 17): it shares the pure parts through `comptoir-common`,
/// and links none of the desk's native or heavy dependencies. It does print: the network
/// report's PDF (issue 18) comes through `comptoir-common`'s feature `pdf`, the same layout
/// as the centres' documents.
#[test]
fn the_hub_links_neither_the_desk_nor_its_native_dependencies() {
    let tree = dependency_tree("comptoir-hub");
    assert!(tree.iter().any(|l| l.starts_with("comptoir-common ")), "{tree:?}");
    assert!(tree.iter().any(|l| l.starts_with("libsqlite3-sys ")), "{tree:?}");
    assert!(tree.iter().any(|l| l.starts_with("printpdf ")), "{tree:?}");
    for line in &tree {
        for banned in [
            "comptoir ",
            "keyring ",
            "reqwest ",
            "dbus-secret-service ",
            "secret-service ",
        ] {
            assert!(!line.starts_with(banned), "the hub links {line}");
        }
        assert!(!line.contains("sqlcipher"), "the hub links SQLCipher: {line}");
    }
    let common = dependency_tree("comptoir-common");
    assert!(
        !common
            .iter()
            .any(|l| l.starts_with("rusqlite ") || l.starts_with("tokio ")),
        "comptoir-common is pure: {common:?}"
    );
}
