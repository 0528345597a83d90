//! `comptoir centre` and `operator`: the centre's settings and the profiles at the desk.

use std::path::PathBuf;

use clap::Subcommand;

use comptoir::desk::centre::{self, CentreInput};
use comptoir::desk::{self, Error, Store};

use super::output::{note, output, read_line_stdin};
use super::Who;

/// A new profile's PIN, on the next line of stdin.
fn new_pin(name: &str) -> Result<String, Error> {
    note(&format!("Nouveau code PIN de « {} » (4 à 6 chiffres) :", name.trim()));
    read_line_stdin()
}

pub(crate) fn operator(store: &mut Store, command: OperatorCommand, json: bool, who: &mut Who) -> Result<(), Error> {
    match command {
        OperatorCommand::Add { name, role } => {
            let actor = who.get(store)?;
            let pin = new_pin(&name)?;
            centre::add_profile(store, &name, role, &pin, &actor)?;
        }
        OperatorCommand::Disable { name } => {
            let actor = who.get(store)?;
            centre::disable(store, &name, &actor)?
        }
        OperatorCommand::ResetPin { name } => {
            let actor = who.get(store)?;
            let pin = new_pin(&name)?;
            centre::reset_pin(store, &name, &pin, &actor)?;
        }
        OperatorCommand::IdleLock { minutes } => {
            if let Some(m) = minutes {
                let actor = who.get(store)?;
                desk::set_idle_minutes(store, m, &actor)?;
            }
            let minutes = desk::idle_minutes(store)?;
            output(json, &serde_json::json!({"idle_lock_minutes": minutes}), || {
                format!("La fenêtre se verrouille après {minutes} minute(s) sans activité.")
            });
            return Ok(());
        }
        OperatorCommand::List => {}
    }
    let list = centre::list(store)?;
    output(json, &list, || {
        if list.is_empty() {
            return "Aucun profil : ce poste est utilisé par une seule personne.".into();
        }
        list.iter()
            .map(|o| {
                format!(
                    "{} — {}{}",
                    o.name,
                    o.role.label(),
                    if o.active { "" } else { " (désactivé)" }
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

#[derive(Subcommand)]
pub(crate) enum OperatorCommand {
    /// Ajoute un profil ; le code PIN (4 à 6 chiffres) est lu sur l'entrée standard. Le premier
    /// profil est un·e responsable ; les suivants sont ajoutés par un·e responsable (--operator).
    Add {
        name: String,
        /// mediator ou manager (médiateur, responsable).
        #[arg(long, value_parser = centre::Role::parse, default_value = "mediator")]
        role: centre::Role,
    },
    /// Les profils.
    List,
    /// Désactive un profil (jamais le dernier responsable).
    Disable { name: String },
    /// Donne un nouveau code PIN à un profil (oublié, ou bloqué après 5 erreurs) : responsable.
    /// Le nouveau PIN est lu sur l'entrée standard (après celui du ou de la responsable).
    ResetPin { name: String },
    /// Le temps sans activité après lequel la fenêtre se verrouille (minutes ; 10 par défaut).
    IdleLock { minutes: Option<u32> },
}

#[derive(Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per run
pub(crate) enum CentreCommand {
    /// Affiche les réglages et ce qui manque aux documents.
    Show,
    /// Change les réglages donnés (les autres restent) ; tout est vérifié avant d'enregistrer.
    Set {
        #[arg(long)]
        name: Option<String>,
        /// Adresse : une ligne par « | » ou par retour à la ligne.
        #[arg(long)]
        address: Option<String>,
        #[arg(long)]
        siret: Option<String>,
        /// Régime de TVA : exoneree (association, CGI 261-7-1° b), franchise (293 B), marge
        /// (297 A, biens d'occasion) ou tva (taux normal). S'applique dès la vente suivante.
        #[arg(long)]
        tax_status: Option<String>,
        /// Taux de TVA d'un type d'article, TYPE=TAUX (ex. laptop=20, data_topup=5,5) ; plusieurs possibles.
        #[arg(long = "vat-rate", value_name = "TYPE=TAUX")]
        vat_rates: Vec<String>,
        /// Mention de TVA personnalisée (ancienne), imprimée tant qu'aucun régime n'est choisi.
        #[arg(long)]
        vat_mention: Option<String>,
        #[arg(long)]
        help_phone: Option<String>,
        #[arg(long)]
        help_email: Option<String>,
        #[arg(long)]
        help_hours: Option<String>,
        #[arg(long)]
        help_url: Option<String>,
        #[arg(long)]
        printer: Option<String>,
        /// a4 ou 80mm.
        #[arg(long)]
        paper: Option<String>,
    },
    /// Le logo imprimé sur les documents (PNG ou JPEG, 1 Mo au plus).
    Logo {
        file: Option<PathBuf>,
        /// Retire le logo.
        #[arg(long, conflicts_with = "file")]
        remove: bool,
    },
}

pub(crate) fn run(store: &mut Store, command: CentreCommand, json: bool, who: &mut Who) -> Result<(), Error> {
    let mut issued = Vec::new();
    match command {
        CentreCommand::Show => {}
        CentreCommand::Set {
            name,
            address,
            siret,
            tax_status,
            vat_rates,
            vat_mention,
            help_phone,
            help_email,
            help_hours,
            help_url,
            printer,
            paper,
        } => {
            let mut input = CentreInput::from(&centre::load(store)?);
            let fields = [
                (&mut input.name, name),
                (&mut input.address, address.map(|a| a.replace('|', "\n"))),
                (&mut input.siret, siret),
                (&mut input.tax_status, tax_status),
                (&mut input.vat_mention, vat_mention),
                (&mut input.help_phone, help_phone),
                (&mut input.help_email, help_email),
                (&mut input.help_hours, help_hours),
                (&mut input.help_url, help_url),
                (&mut input.printer, printer),
                (&mut input.paper, paper),
            ];
            for (field, value) in fields {
                if let Some(value) = value {
                    *field = value;
                }
            }
            for typed in vat_rates {
                let (kind, rate) = typed.split_once('=').ok_or_else(|| Error::Refused {
                    code: desk::Code::Usage,
                    message: format!("--vat-rate « {typed} » : écrivez TYPE=TAUX, par exemple laptop=20."),
                })?;
                // The core reads the kind (its code or a French name) and the rate.
                input.vat_rates.insert(kind.trim().to_string(), rate.trim().to_string());
            }
            let actor = who.get(store)?;
            let view = centre::save_form(store, &input, &actor)?;
            issued = view.issued;
        }
        CentreCommand::Logo { file, remove } => {
            let bytes = match (remove, file) {
                (true, _) => Some(None),
                (false, Some(file)) => Some(Some(desk::read_file(&file)?.0)),
                (false, None) => None,
            };
            if let Some(bytes) = bytes {
                let actor = who.get(store)?;
                centre::change_logo(store, bytes.as_deref(), &actor)?;
            }
        }
    }
    let settings = centre::load(store)?;
    let waiting = centre::view(store)?.waiting;
    // The settings' fields, with what waits for them and what saving them issued.
    let mut value = serde_json::to_value(&settings).expect("settings serialise");
    value["waiting"] = serde_json::json!(waiting);
    value["issued"] = serde_json::to_value(&issued).expect("documents serialise");
    output(json, &value, || {
        let or_missing = |v: Option<String>| v.unwrap_or_else(|| "(à compléter)".into());
        let mut lines = vec![
            format!("Association : {}", or_missing(settings.name.clone())),
            format!(
                "Adresse : {}",
                if settings.address.is_empty() {
                    "(à compléter)".to_string()
                } else {
                    settings.address.join(", ")
                }
            ),
            format!("SIRET : {}", or_missing(settings.siret.as_ref().map(|s| s.display()))),
            format!(
                "Régime de TVA : {}",
                settings.tax_status.map(|t| t.label()).unwrap_or("(à choisir)")
            ),
            format!(
                "Mention de TVA : {}",
                if settings.vat_mention.is_empty() {
                    "(aucune)"
                } else {
                    settings.vat_mention.as_str()
                }
            ),
            format!("Téléphone d'aide : {}", or_missing(settings.help_phone_display())),
            format!("E-mail d'aide : {}", or_missing(settings.help_email.clone())),
            format!("Permanences : {}", or_missing(settings.help_hours.clone())),
            format!("Apprendre : {}", settings.help_url),
            format!(
                "Imprimante : {}",
                settings.printer.clone().unwrap_or_else(|| "celle du système".into())
            ),
            format!("Papier des tickets : {}", settings.paper.label()),
            format!("Logo : {}", if settings.has_logo { "oui" } else { "non" }),
        ];
        if settings.tax_status.is_some_and(|t| t.needs_rates()) {
            let rates: Vec<String> = settings
                .vat_rates
                .iter()
                .map(|(kind, rate)| format!("{} {rate}", kind.label()))
                .collect();
            lines.push(format!("Taux de TVA : {}", rates.join(", ")));
        }
        let missing = settings.missing();
        if !missing.is_empty() {
            lines.push(format!("Manque aux documents : {}.", missing.join(", ")));
        }
        if !waiting.is_empty() {
            lines.push(format!(
                "En attente de ces réglages ({}) : {}.",
                waiting.len(),
                waiting.join(", ")
            ));
        }
        for made in &issued {
            let printed = match (&made.printed, &made.print_error) {
                (Some(_), _) => "imprimé".to_string(),
                (None, Some(e)) => format!("non imprimé : {}", e.message),
                (None, None) => "gardé".to_string(),
            };
            lines.push(format!("{} émis ({printed}) : {}", made.document.title, made.path));
        }
        lines.join("\n")
    });
    Ok(())
}
