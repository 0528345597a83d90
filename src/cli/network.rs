//! `comptoir hub` and `sync`: the network's hub (address, centre, token, test) and one round
//! of sync, or its status.

use clap::Subcommand;

use comptoir::desk::network;
use comptoir::desk::{self, Error, Store};

use super::output::{note, output, read_line_stdin};
use super::Who;

pub(crate) fn sync(store: &mut Store, command: Option<SyncCommand>, json: bool) -> Result<(), Error> {
    match command {
        None => {
            let report = network::sync_round(&std::cell::RefCell::new(store), network::Waiting::Person)?;
            output(json, &report, || {
                format!(
                    "Envoyé : {} événement(s){}{}. Reçu : {} changement(s) ({} appareil(s) attribué(s), {} rappelé(s), {} programme(s)){}.",
                    report.pushed,
                    if report.conflicts_reported > 0 { format!(", {} en conflit", report.conflicts_reported) } else { String::new() },
                    if report.refused > 0 { format!(", {} refusé(s) par le hub", report.refused) } else { String::new() },
                    report.pulled,
                    report.allocated,
                    report.recalled,
                    report.programmes,
                    if report.new_conflicts > 0 { format!(", {} nouveau(x) conflit(s)", report.new_conflicts) } else { String::new() },
                )
            });
        }
        Some(SyncCommand::Status) => {
            let status = network::status(store)?;
            output(json, &status, || sync_status_text(&status));
        }
    }
    Ok(())
}

#[derive(Subcommand)]
pub(crate) enum HubCommand {
    /// L'adresse du hub et l'identifiant de ce centre.
    SetUrl {
        url: String,
        #[arg(long)]
        centre: String,
    },
    /// Lit le jeton sur l'entrée standard et le range dans le trousseau du système.
    SetToken,
    /// Oublie le jeton de ce poste.
    ForgetToken,
    /// Vérifie l'adresse, le jeton et le centre.
    Test,
}

#[derive(Subcommand)]
pub(crate) enum SyncCommand {
    /// Dernier succès, événements en attente, dernière erreur, conflits.
    Status,
}

fn sync_status_text(status: &network::Status) -> String {
    let mut lines = Vec::new();
    match &status.configured {
        None => lines.push("Aucun hub configuré : ce poste travaille seul.".to_string()),
        Some(c) => lines.push(format!("Hub : {} (centre {})", c.url, c.centre)),
    }
    lines.push(format!(
        "Dernière synchronisation réussie : {}",
        status
            .last_success
            .as_deref()
            .map(desk::format_timestamp)
            .unwrap_or_else(|| "jamais".into())
    ));
    lines.push(format!("Événements en attente d'envoi : {}", status.waiting));
    if let Some(e) = &status.last_error {
        lines.push(format!("Dernière erreur : {e}"));
    }
    for c in &status.conflicts {
        match &c.closed_at {
            None => lines.push(format!("Conflit ({}) : {}", desk::format_timestamp(&c.at), c.message)),
            Some(closed) => lines.push(format!(
                "Conflit réglé le {} ({}) : {}",
                desk::format_timestamp(closed),
                c.closed_how.as_deref().unwrap_or(""),
                c.message
            )),
        }
    }
    lines.join("\n")
}

pub(crate) fn hub(store: &mut Store, command: HubCommand, json: bool, who: &mut Who) -> Result<(), Error> {
    match command {
        HubCommand::SetUrl { url, centre } => {
            let config = network::HubConfig::parse(&url, &centre)?;
            let actor = who.get(store)?;
            network::save_hub(store, &url, &centre, None, &actor)?;
            output(json, &config, || {
                format!(
                    "Hub {} pour le centre {}. Enregistrez maintenant le jeton : comptoir hub set-token",
                    config.url, config.centre
                )
            });
        }
        HubCommand::SetToken => {
            let actor = who.get(store)?;
            note("Jeton du hub (une ligne) :");
            let token = read_line_stdin()?;
            network::set_hub_token(store, &token, &actor)?;
            output(json, &serde_json::json!({"stored": true}), || {
                "Jeton enregistré dans le trousseau du système.".into()
            });
        }
        HubCommand::ForgetToken => {
            let actor = who.get(store)?;
            network::forget_hub_token(store, &actor)?;
            output(json, &serde_json::json!({"forgotten": true}), || "Jeton oublié.".into());
        }
        HubCommand::Test => {
            let health = network::sync_client(store, network::Waiting::Person)?.test()?;
            output(json, &health, || {
                format!("Connexion réussie au hub {} (API {}).", health.hub_id, health.version)
            });
        }
    }
    Ok(())
}
