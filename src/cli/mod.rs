//! `comptoir`: the command line over the same core as the app. Every command takes `--json`
//! for machine-readable output on stdout; errors go to stderr with a non-zero exit code. Each
//! command group lives in its own file, owns its arguments and its output format, and calls
//! the core's workflow layer (`comptoir::desk`) and services; no rule is written here.

mod aftersales;
mod archive;
mod centre;
mod documents;
mod loans;
mod network;
mod output;
mod people;
mod pos;
mod privacy;
mod safety;
mod stock;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use serde::Serialize;

use comptoir::desk::{self, Actor, Error, Store};

pub(crate) use output::output;

#[derive(Parser)]
#[command(
    name = "comptoir",
    version,
    about = "Comptoir : stock, éligibilité et ventes solidaires d'un centre",
    disable_help_subcommand = true,
    disable_help_flag = true,
    disable_version_flag = true,
    help_template = output::HELP_TEMPLATE,
    subcommand_help_heading = "Commandes",
    subcommand_value_name = "COMMANDE"
)]
pub(crate) struct Cli {
    /// Base de données à utiliser (sinon COMPTOIR_DB, sinon le dossier de données de l'OS).
    #[arg(long, global = true, value_name = "CHEMIN")]
    db: Option<PathBuf>,

    /// Sortie JSON sur stdout (erreurs en JSON sur stderr).
    #[arg(long, global = true)]
    json: bool,

    /// Le profil qui agit (son code PIN est lu dans COMPTOIR_PIN, sinon sur l'entrée standard).
    /// Sans profil sur ce poste : le nom inscrit dans l'historique (sinon COMPTOIR_OPERATOR,
    /// sinon l'utilisateur du système).
    #[arg(long, global = true, value_name = "NOM")]
    operator: Option<String>,

    /// Détaille sur la sortie d'erreur ce que fait Comptoir (journal de fonctionnement).
    #[arg(short = 'v', long = "verbeux", alias = "verbose", global = true)]
    verbose: bool,

    /// Affiche l'aide.
    #[arg(short = 'h', long = "aide", alias = "help", global = true, action = clap::ArgAction::Help)]
    help: Option<bool>,

    /// Affiche la version.
    #[arg(short = 'V', long = "version", action = clap::ArgAction::Version)]
    version: Option<bool>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per run
enum Command {
    /// Remplit la base avec un centre de démonstration (sans effet s'il y est déjà).
    Demo,
    /// Le stock du centre.
    #[command(subcommand)]
    Stock(stock::StockCommand),
    /// Les personnes accompagnées (bénéficiaires).
    #[command(subcommand)]
    Beneficiary(people::BeneficiaryCommand),
    /// L'éligibilité d'une personne aux programmes.
    #[command(subcommand)]
    Eligibility(people::EligibilityCommand),
    /// Les programmes (conventions) : liste, vérification d'un fichier.
    #[command(subcommand)]
    Programme(people::ProgrammeCommand),
    /// Diagnostic des besoins : quels appareils conviennent, et lesquels sont en stock.
    Diagnostic(people::DiagnosticArgs),
    /// La permanence (session de caisse) : ouverture, rapport X, clôture.
    #[command(subcommand)]
    Session(pos::SessionCommand),
    /// Les ventes : encaisser, annuler par un avoir, lister, afficher.
    #[command(subcommand)]
    Sale(pos::SaleCommand),
    /// Le journal inaltérable.
    #[command(subcommand)]
    Journal(pos::JournalCommand),
    /// Les archives de période signées (vérifier une archive, la clé de cette caisse).
    #[command(subcommand)]
    Archive(archive::ArchiveCommand),
    /// Clôture journalière, mensuelle ou annuelle d'une période terminée (totaux, grand total
    /// perpétuel). Comptoir les fait lui-même dès qu'une période est terminée.
    Closing(pos::ClosingArgs),
    /// Les clôtures faites, les plus récentes d'abord (à réimprimer avec `document closing`).
    Closings {
        /// Nombre maximal de clôtures (par défaut : 100).
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
    /// Le premier mois de l'exercice comptable (1 = janvier, par défaut), qui borne la clôture
    /// annuelle ; le change avec --first-month (responsable).
    FiscalYear {
        #[arg(long)]
        first_month: Option<u32>,
    },
    /// Identité de ce poste dans les numéros de ticket (centre_code, register_code).
    Register(pos::RegisterArgs),
    /// Les retours sous garantie (SAV) : trouver, ouvrir, lister, terminer (réparé, échangé,
    /// remboursé), avec le bon de dépôt et la fiche de fin.
    #[command(subcommand)]
    Sav(aftersales::SavCommand),
    /// Les prêts : prêter (convention de prêt), rendre, déclarer perdu, transformer en vente.
    #[command(subcommand)]
    Loan(loans::LoanCommand),
    /// Les lots de recyclage (DEEE) : appareils possibles, enregistrer un lot, liste.
    #[command(subcommand)]
    Recycle(aftersales::RecycleCommand),
    /// Les documents : ticket de vente, fiche de prise en main, avoir, rapport de clôture.
    #[command(subcommand)]
    Document(documents::DocumentCommand),
    /// Les réglages du centre (association, SIRET, aide, impression).
    #[command(subcommand)]
    Centre(centre::CentreCommand),
    /// Les bilans pour les financeurs (agrégés, sans nom).
    #[command(subcommand)]
    Report(privacy::ReportCommand),
    /// Les profils des médiateurs et responsables (code PIN).
    #[command(subcommand)]
    Operator(centre::OperatorCommand),
    /// Les données personnelles (RGPD) : conservation, accès, effacement, registre, notice.
    #[command(subcommand)]
    Privacy(privacy::PrivacyCommand),
    /// Le hub du réseau : adresse, centre, jeton, test de connexion.
    #[command(subcommand)]
    Hub(network::HubCommand),
    /// Synchronise avec le hub (un tour : envoi puis réception), ou affiche l'état.
    Sync {
        #[command(subcommand)]
        command: Option<network::SyncCommand>,
    },
    /// Où est la base de données, et quel schéma elle a.
    Info,
    /// Les sauvegardes : maintenant, liste, dossier, restauration.
    #[command(subcommand)]
    Backup(safety::BackupCommand),
    /// La clé de chiffrement de la base : phrase de secours, récupération sur un autre poste.
    #[command(subcommand)]
    Key(safety::KeyCommand),
}

/// Who acts on this run: asked for only when an act needs it (reading never asks for a PIN).
pub(crate) struct Who {
    operator: Option<String>,
    actor: Option<Actor>,
}

impl Who {
    /// The profile of `--operator` with its PIN (COMPTOIR_PIN, else the first line of stdin),
    /// or the single user of an install without profiles.
    pub fn get(&mut self, store: &mut Store) -> Result<Actor, Error> {
        if let Some(actor) = &self.actor {
            return Ok(actor.clone());
        }
        let label = desk::operator_name(self.operator.clone());
        let actor = desk::actor_from_pin(store, self.operator.as_deref(), &label, output::read_pin)?;
        tracing::info!(role = ?actor.role(), "acteur vérifié");
        self.actor = Some(actor.clone());
        Ok(actor)
    }
}

pub fn main() -> ExitCode {
    let (cli, name) = match output::parse_french::<Cli>() {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    let json = cli.json;
    desk::init_cli(cli.verbose);
    tracing::info!(commande = %name, version = env!("CARGO_PKG_VERSION"), "commande");
    let started = std::time::Instant::now();
    match run(cli) {
        Ok(()) => {
            tracing::info!(commande = %name, ms = started.elapsed().as_millis() as u64, "terminée");
            ExitCode::SUCCESS
        }
        Err(err) => {
            // The code only: the French message may quote what was typed.
            tracing::warn!(commande = %name, code = err.code().as_str(), "refusée");
            output::error(json, &comptoir::desk::Failure::from(&err));
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), Error> {
    let path = desk::database_path(cli.db);
    let json = cli.json;
    // These work without opening the database (its key may be what is missing).
    let who = &mut Who {
        operator: cli.operator,
        actor: None,
    };
    let command = match cli.command {
        Command::Key(safety::KeyCommand::Recover) => return safety::recover(&path, json),
        Command::Archive(archive::ArchiveCommand::Verify {
            file,
            public_key: Some(key),
            ..
        }) => return archive::verify_offline(&file, &key, json),
        Command::Backup(safety::BackupCommand::Restore { file, phrase, older }) => {
            return safety::restore(&path, &file, phrase, older, json, who)
        }
        command => command,
    };
    let mut store = desk::open(&path, &desk::safety::OsKeyring)?;
    let store = &mut store;
    // The closings of the periods that have ended, before anything else (the till rules):
    // a failure is said, and does not stop the command.
    match desk::pos::catch_up_closings(store) {
        Ok(made) if !made.is_empty() => {
            let keys: Vec<&str> = made.iter().map(|c| c.key.as_str()).collect();
            let shown = match keys.len() {
                n if n <= 6 => keys.join(", "),
                n => format!("{}, … {} ({n} en tout)", keys[..3].join(", "), keys[n - 1]),
            };
            output::note(&format!("Clôtures automatiques : {shown}."));
        }
        Ok(_) => {}
        Err(e) => output::note(&format!("Attention, clôtures automatiques non faites : {e}")),
    }
    let db = path.as_path();
    match command {
        Command::Key(cmd) => safety::key(store, cmd, json, who),
        Command::Backup(cmd) => safety::backup(store, cmd, json, who),
        Command::Info => info(store, db, json),
        Command::Demo => {
            let actor = who.get(store)?;
            let report = desk::load_demo(store, &actor)?;
            let path = db.display();
            output(json, &report, || {
                if report.already_loaded {
                    format!("Le centre de démonstration est déjà dans {path}.")
                } else {
                    format!(
                        "Centre de démonstration chargé : {} appareils, {} personnes et {} ventes dans {path}.",
                        report.devices_created, report.people_created, report.sales_recorded,
                    )
                }
            });
            Ok(())
        }
        Command::Stock(cmd) => stock::run(store, cmd, json, who),
        Command::Beneficiary(cmd) => people::beneficiary(store, db, cmd, json, who),
        Command::Eligibility(cmd) => people::eligibility(store, db, cmd, json, who),
        Command::Programme(cmd) => people::programme(store, db, cmd, json, who),
        Command::Diagnostic(args) => people::diagnostic(store, args, json),
        Command::Session(cmd) => pos::session(store, cmd, json, who),
        Command::Sale(cmd) => pos::sale(store, db, cmd, json, who),
        Command::Journal(cmd) => pos::journal(store, cmd, json, who),
        Command::Archive(cmd) => archive::run(store, cmd, json),
        Command::Closing(args) => pos::closing(store, args, json, who),
        Command::Closings { limit } => pos::closings(store, limit, json),
        Command::FiscalYear { first_month } => pos::fiscal_year(store, first_month, json, who),
        Command::Register(args) => pos::register(store, args, json, who),
        Command::Document(cmd) => documents::run(store, db, cmd, json, who),
        Command::Sav(cmd) => aftersales::sav(store, db, cmd, json, who),
        Command::Recycle(cmd) => aftersales::recycle(store, db, cmd, json, who),
        Command::Loan(cmd) => loans::run(store, db, cmd, json, who),
        Command::Centre(cmd) => centre::run(store, cmd, json, who),
        Command::Operator(cmd) => centre::operator(store, cmd, json, who),
        Command::Report(cmd) => privacy::report(store, db, cmd, json),
        Command::Privacy(cmd) => privacy::run(store, cmd, json, who),
        Command::Hub(cmd) => network::hub(store, cmd, json, who),
        Command::Sync { command } => network::sync(store, command, json),
    }
}

fn info(store: &Store, db: &std::path::Path, json: bool) -> Result<(), Error> {
    #[derive(Serialize)]
    struct Info {
        database: String,
        schema_version: i64,
        encrypted: bool,
        recovery_phrase_pending: bool,
        backup: desk::safety::Status,
    }
    let info = Info {
        database: db.display().to_string(),
        schema_version: desk::schema_version(),
        encrypted: store.key().is_some(),
        recovery_phrase_pending: desk::safety::phrase_pending(store)?,
        backup: desk::safety::status(store, chrono::Utc::now())?,
    };
    output(json, &info, || {
        format!(
            "Base de données : {} (chiffrée : {})\nSchéma : {}\n{}{}",
            info.database,
            if info.encrypted { "oui" } else { "non" },
            info.schema_version,
            info.backup.message,
            if info.recovery_phrase_pending {
                "\nLa phrase de secours n'a pas encore été notée : comptoir key phrase"
            } else {
                ""
            }
        )
    });
    Ok(())
}
