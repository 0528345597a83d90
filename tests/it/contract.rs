//! The window's contract, generated: the TypeScript calls of every window command, read from
//! the `#[tauri::command]` functions under src-tauri/src/commands/ (the one list of commands),
//! next to the types ts-rs writes from the Rust types that cross (`#[derive(TS)]`).
//!
//! `cargo test` writes them under `TS_RS_EXPORT_DIR` (ui/src/gen, see .cargo/config.toml);
//! `scripts/test` points it at a fresh folder and fails when the committed files differ.
//! The test's name starts with `export_bindings` like ts-rs's own, so that
//! `cargo test --workspace export_bindings` regenerates the whole contract (`scripts/contract`).

use std::path::PathBuf;

use syn::{FnArg, GenericArgument, Pat, PathArguments, ReturnType, Type};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The folder the contract is written to (as ts-rs does).
fn export_dir() -> PathBuf {
    let dir = std::env::var_os("TS_RS_EXPORT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("ui/src/gen"));
    if dir.is_absolute() {
        dir
    } else {
        root().join(dir)
    }
}

/// One window command: its name, its documentation, its arguments (as the page names them)
/// and what it answers.
pub(crate) struct Command {
    pub(crate) name: String,
    docs: Vec<String>,
    args: Vec<(String, String)>,
    answer: String,
    types: Vec<String>,
}

/// The window's commands, in the order of their files and of their definitions.
pub(crate) fn window_commands() -> Vec<Command> {
    let dir = root().join("src-tauri/src/commands");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    let mut commands = Vec::new();
    for file in files {
        let parsed = syn::parse_file(&std::fs::read_to_string(&file).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for item in parsed.items {
            let syn::Item::Fn(function) = item else { continue };
            let is_command = function.attrs.iter().any(|a| {
                let path = a.path();
                path.segments.len() == 2 && path.segments[0].ident == "tauri" && path.segments[1].ident == "command"
            });
            if is_command {
                commands.push(command_of(&function));
            }
        }
    }
    commands
}

fn command_of(function: &syn::ItemFn) -> Command {
    let name = function.sig.ident.to_string();
    let mut types = Vec::new();
    let mut args = Vec::new();
    for input in &function.sig.inputs {
        let FnArg::Typed(arg) = input else {
            panic!("{name}: a command takes no self")
        };
        let Pat::Ident(ident) = &*arg.pat else {
            panic!("{name}: an argument without a name")
        };
        let rust = ident.ident.to_string();
        // What Tauri hands in itself, not the page.
        if is_injected(&arg.ty) {
            continue;
        }
        args.push((camel(&rust), ts_of(&arg.ty, &mut types, &name)));
    }
    let answer = match &function.sig.output {
        ReturnType::Default => "null".to_string(),
        ReturnType::Type(_, ty) => match reply_of(ty) {
            Some(inner) => ts_of(inner, &mut types, &name),
            None => ts_of(ty, &mut types, &name),
        },
    };
    let docs = function
        .attrs
        .iter()
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s), ..
                }) => Some(s.value().trim().to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    Command {
        name,
        docs,
        args,
        answer,
        types,
    }
}

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(p) => p.path.segments.last(),
        _ => None,
    }
}

fn is_injected(ty: &Type) -> bool {
    let ty = match ty {
        Type::Reference(r) => &*r.elem,
        other => other,
    };
    last_segment(ty)
        .is_some_and(|s| ["AppHandle", "State", "Window", "WebviewWindow"].contains(&s.ident.to_string().as_str()))
}

/// `Reply<T>` → `T`.
fn reply_of(ty: &Type) -> Option<&Type> {
    let segment = last_segment(ty)?;
    if segment.ident != "Reply" {
        return None;
    }
    generic_args(segment).into_iter().next()
}

fn generic_args(segment: &syn::PathSegment) -> Vec<&Type> {
    match &segment.arguments {
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The TypeScript of a Rust type as serde sends it; named types are the ts-rs files beside.
fn ts_of(ty: &Type, types: &mut Vec<String>, command: &str) -> String {
    match ty {
        Type::Tuple(t) if t.elems.is_empty() => "null".into(),
        Type::Tuple(t) => format!(
            "[{}]",
            t.elems
                .iter()
                .map(|e| ts_of(e, types, command))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Type::Reference(r) => ts_of(&r.elem, types, command),
        Type::Path(_) => {
            let segment = last_segment(ty).unwrap();
            let args = generic_args(segment);
            match segment.ident.to_string().as_str() {
                "String" | "str" | "PathBuf" => "string".into(),
                "bool" => "boolean".into(),
                "u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "i8" | "i16" | "i32" | "i64" | "i128" | "isize"
                | "f32" | "f64" => "number".into(),
                "Option" => format!("{} | null", ts_of(args[0], types, command)),
                "Vec" => format!("Array<{}>", ts_of(args[0], types, command)),
                "BTreeMap" | "HashMap" => format!(
                    "{{ [key in {}]?: {} }}",
                    ts_of(args[0], types, command),
                    ts_of(args[1], types, command)
                ),
                "Result" | "Box" | "Arc" => panic!("{command}: answer with Reply<T>, not {}", segment.ident),
                name => {
                    assert!(
                        args.is_empty(),
                        "{command}: generic type {name} cannot cross to the window"
                    );
                    if !types.contains(&name.to_string()) {
                        types.push(name.to_string());
                    }
                    name.to_string()
                }
            }
        }
        other => panic!("{command}: a type the contract does not know: {}", quote_of(other)),
    }
}

fn quote_of(ty: &Type) -> String {
    match ty {
        Type::Array(_) => "an array".into(),
        Type::Slice(_) => "a slice".into(),
        Type::ImplTrait(_) => "an impl Trait".into(),
        _ => "this type".into(),
    }
}

/// snake_case → camelCase, as Tauri names a command's arguments for the page.
fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// commands.ts: one function a command.
fn commands_ts(commands: &[Command]) -> String {
    let mut types: Vec<&String> = commands.iter().flat_map(|c| &c.types).collect();
    types.sort();
    types.dedup();
    let mut out = String::from(
        "// Generated from the window's commands (src-tauri/src/commands/) by tests/it/contract.rs.\n\
         // Do not edit: change the command, then run scripts/contract.\n\
         import { invoke } from \"@tauri-apps/api/core\";\n",
    );
    for ty in types {
        out.push_str(&format!("import type {{ {ty} }} from \"./{ty}\";\n"));
    }
    for command in commands {
        out.push('\n');
        if !command.docs.is_empty() {
            out.push_str("/**\n");
            for line in &command.docs {
                out.push_str(&format!(" * {line}\n").replace(" * \n", " *\n"));
            }
            out.push_str(" */\n");
        }
        let params = command
            .args
            .iter()
            .map(|(n, t)| format!("{n}: {t}"))
            .collect::<Vec<_>>()
            .join(", ");
        let names = command
            .args
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let payload = if names.is_empty() {
            String::new()
        } else {
            format!(", {{ {names} }}")
        };
        out.push_str(&format!(
            "export function {}({params}): Promise<{}> {{\n  return invoke(\"{}\"{payload});\n}}\n",
            command.name, command.answer, command.name
        ));
    }
    out
}

#[test]
fn export_bindings_commands() {
    let commands = window_commands();
    assert!(commands.len() > 50, "the commands were not found");
    let dir = export_dir();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("commands.ts"), commands_ts(&commands)).unwrap();
}

/// Every type a command names is a ts-rs type of the contract (a `#[derive(TS)]` with
/// `#[ts(export)]`), committed beside the calls.
#[test]
fn every_type_a_command_names_is_generated() {
    let dir = root().join("ui/src/gen");
    let mut missing: Vec<String> = window_commands()
        .iter()
        .flat_map(|c| c.types.iter().map(move |t| (c, t)))
        .filter(|(_, t)| !dir.join(format!("{t}.ts")).exists())
        .map(|(c, t)| format!("{t} (in {})", c.name))
        .collect();
    missing.sort();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "types with no TypeScript (derive ts_rs::TS, #[ts(export)]):\n{}",
        missing.join("\n")
    );
}
