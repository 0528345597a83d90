//! How the command line speaks: French help and argument errors (JSON with `--json`), output
//! that ends quietly when the reader closed the pipe, the PIN read from COMPTOIR_PIN or stdin.

use comptoir::desk::Code;
use std::io::Write;
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, FromArgMatches};
use serde::Serialize;

use comptoir::desk::Error;

pub const HELP_TEMPLATE: &str = "{about-with-newline}\nUtilisation : {usage}\n\n{all-args}{after-help}";

/// Prints `value` as JSON, or the human text. A reader that went away (`| head`) ends the
/// program quietly.
pub fn output<T: Serialize>(json: bool, value: &T, human: impl FnOnce() -> String) {
    let text = if json {
        serde_json::to_string_pretty(value).expect("output is serialisable")
    } else {
        human()
    };
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{text}").and_then(|_| out.flush()).is_err() {
        std::process::exit(0);
    }
}

/// A message for the person on stderr (a prompt, a warning), never failing.
pub fn note(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// An error on stderr: `{"error": {code, message, fields}}` (the window's `Failure`) with
/// `--json`, else « Erreur : … ».
pub fn error(json: bool, failure: &comptoir::desk::Failure) {
    if json {
        note(&serde_json::json!({ "error": failure }).to_string());
    } else {
        note(&format!("Erreur : {}", failure.message));
    }
}

/// Parses the arguments with French help, usage and errors (JSON errors with `--json`).
/// Also returns the command's name (`stock list`), for the log.
pub fn parse_french<C: CommandFactory + FromArgMatches>() -> Result<(C, String), ExitCode> {
    let json = std::env::args_os().any(|a| a == "--json");
    let command = french(C::command());
    let result = command.try_get_matches_from(std::env::args_os()).and_then(|m| {
        let mut name = Vec::new();
        let mut level = &m;
        while let Some((sub, next)) = level.subcommand() {
            name.push(sub.to_string());
            level = next;
        }
        C::from_arg_matches(&m).map(|c| (c, name.join(" ")))
    });
    match result {
        Ok(parsed) => Ok(parsed),
        Err(e) => match e.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                let mut out = std::io::stdout().lock();
                let _ = write!(out, "{}", e.render());
                Err(ExitCode::SUCCESS)
            }
            ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand if !json => {
                note(&e.render().to_string());
                Err(ExitCode::from(2))
            }
            _ => {
                error(json, &comptoir::desk::Failure::new(Code::Usage, message(&e)));
                Err(ExitCode::from(2))
            }
        },
    }
}

fn french(command: clap::Command) -> clap::Command {
    command
        .help_template(HELP_TEMPLATE)
        .subcommand_help_heading("Commandes")
        .subcommand_value_name("COMMANDE")
        .next_help_heading("Options")
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .mut_subcommands(french)
}

fn context(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join(", ")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(v.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", ")),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The French sentence for an argument error.
pub fn message(e: &clap::Error) -> String {
    let arg = context(e, ContextKind::InvalidArg).unwrap_or_default();
    let value = context(e, ContextKind::InvalidValue).unwrap_or_default();
    let mut text = match e.kind() {
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e).map(|s| s.to_string());
            let valid = context(e, ContextKind::ValidValue);
            match (why, valid) {
                (Some(why), _) => format!("valeur « {value} » refusée pour {arg} : {why}"),
                (None, Some(valid)) => format!("valeur « {value} » refusée pour {arg} (valeurs possibles : {valid})"),
                (None, None) if value.is_empty() => format!("{arg} attend une valeur"),
                (None, None) => format!("valeur « {value} » refusée pour {arg}"),
            }
        }
        ErrorKind::UnknownArgument => format!("option inconnue : « {arg} »"),
        ErrorKind::InvalidSubcommand => format!(
            "commande inconnue : « {} »",
            context(e, ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::MissingRequiredArgument => format!("il manque : {arg}"),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "il manque la commande".to_string()
        }
        ErrorKind::ArgumentConflict => {
            let other = context(e, ContextKind::PriorArg).unwrap_or_default();
            format!("{arg} ne peut pas aller avec {other}")
        }
        ErrorKind::NoEquals => format!("{arg} s'écrit avec « = » et sa valeur"),
        ErrorKind::TooManyValues => format!("{arg} est donné trop de fois"),
        ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => format!("nombre de valeurs incorrect pour {arg}"),
        ErrorKind::InvalidUtf8 => "un argument n'est pas du texte UTF-8 valide".to_string(),
        _ => "arguments incorrects".to_string(),
    };
    if let Some(suggested) =
        context(e, ContextKind::SuggestedSubcommand).or_else(|| context(e, ContextKind::SuggestedArg))
    {
        text.push_str(&format!(" ; vouliez-vous dire « {suggested} » ?"));
    }
    if let Some(usage) = context(e, ContextKind::Usage) {
        let usage = usage.trim().trim_start_matches("Usage:").trim().to_string();
        if !usage.is_empty() {
            text.push_str(&format!("\nUtilisation : {usage}"));
        }
    }
    text.push_str("\nPour l'aide : comptoir --aide (ou comptoir COMMANDE --aide).");
    text
}

/// One line of stdin (a PIN, a token, a phrase).
pub fn read_line_stdin() -> Result<String, Error> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).map_err(|source| Error::Io {
        path: "entrée standard".into(),
        source,
    })?;
    Ok(line)
}

/// The PIN of profile `name`: COMPTOIR_PIN, else the next line of stdin.
pub fn read_pin(name: &str) -> Result<String, Error> {
    if let Some(pin) = std::env::var("COMPTOIR_PIN").ok().filter(|p| !p.trim().is_empty()) {
        return Ok(pin);
    }
    note(&format!("Code PIN de « {name} » :"));
    let pin = read_line_stdin()?;
    if pin.trim().is_empty() {
        return Err(Error::Refused {
            code: Code::PinRequired,
            message: format!("Le code PIN de « {name} » est attendu sur l'entrée standard (ou dans COMPTOIR_PIN)."),
        });
    }
    Ok(pin)
}

pub fn pad(s: &str, width: usize) -> String {
    let mut out: String = s.chars().take(width).collect();
    let n = out.chars().count();
    out.extend(std::iter::repeat_n(' ', width + 1 - n));
    out
}
