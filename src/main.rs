//! `comptoir`: the command line over the same core as the app. Every command takes `--json`
//! for machine-readable output on stdout; errors go to stderr with a non-zero exit code.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use serde::Serialize;

use comptoir::beneficiary::{self, Catalogue, NewPerson, Person, PersonDecision, PersonInput, PersonSummary};
use comptoir::centre::{self, CentreInput, Paper};
use comptoir::device::{AssetTag, Category, DeviceKind, DeviceState, StockAction};
use comptoir::diagnostic::{self, Answers, Place, ScreenWish, Use};
use comptoir::eligibility::fr_date;
use comptoir::money::Money;
use comptoir::pos::{
    self, CashReport, DeviceRequest, ItemRequest, PaymentMethod, SalePayment, SaleRecord, SaleRequest,
};
use comptoir::programme::{LegalCaps, Programme};
use comptoir::stock::{self, Device, DeviceDetail, StockQuery};
use comptoir::{backup, delivery, demo, documents, journal, local, printing, sync, Error, Store};

#[derive(Parser)]
#[command(
    name = "comptoir",
    version,
    about = "Comptoir : stock, éligibilité et ventes solidaires d'un centre"
)]
struct Cli {
    /// Base de données à utiliser (sinon COMPTOIR_DB, sinon le dossier de données de l'OS).
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,

    /// Sortie JSON sur stdout (erreurs en JSON sur stderr).
    #[arg(long, global = true)]
    json: bool,

    /// Nom de la personne qui agit, inscrit dans l'historique (sinon COMPTOIR_OPERATOR, sinon
    /// l'utilisateur du système).
    #[arg(long, global = true, value_name = "NOM")]
    operator: Option<String>,

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
    Stock(StockCommand),
    /// Les personnes accompagnées (bénéficiaires).
    #[command(subcommand)]
    Beneficiary(BeneficiaryCommand),
    /// L'éligibilité d'une personne aux programmes.
    #[command(subcommand)]
    Eligibility(EligibilityCommand),
    /// Les programmes (conventions) : liste, vérification d'un fichier.
    #[command(subcommand)]
    Programme(ProgrammeCommand),
    /// Diagnostic des besoins : quels appareils conviennent, et lesquels sont en stock.
    Diagnostic {
        /// Usage (plusieurs possibles) : administrative, job_search, studies, video_calls, office, creative, leisure.
        #[arg(long = "use", value_parser = Use::parse, required = true)]
        uses: Vec<Use>,
        /// home, on_the_move ou both.
        #[arg(long, value_parser = Place::parse)]
        place: Place,
        /// small, medium ou large.
        #[arg(long, value_parser = ScreenWish::parse)]
        screen: ScreenWish,
        /// Premier appareil de la personne.
        #[arg(long)]
        first_device: bool,
    },
    /// La permanence (session de caisse) : ouverture, rapport X, clôture.
    #[command(subcommand)]
    Session(SessionCommand),
    /// Les ventes : encaisser, annuler par un avoir, lister, afficher.
    #[command(subcommand)]
    Sale(SaleCommand),
    /// Le journal inaltérable.
    #[command(subcommand)]
    Journal(JournalCommand),
    /// Clôture journalière, mensuelle ou annuelle (totaux, grand total perpétuel).
    Closing {
        /// day, month ou year.
        #[arg(value_parser = pos::Period::parse)]
        period: pos::Period,
        /// Un jour de la période (par défaut : aujourd'hui).
        #[arg(long)]
        date: Option<String>,
    },
    /// Identité de ce poste dans les numéros de ticket (centre_code, register_code).
    Register {
        /// Code du centre (ex. C03).
        #[arg(long)]
        centre: Option<String>,
        /// Code de la caisse sur ce poste (ex. R1) : différent sur chaque poste du centre.
        #[arg(long)]
        register: Option<String>,
    },
    /// Les documents : ticket de vente, fiche de prise en main, avoir, rapport de clôture.
    #[command(subcommand)]
    Document(DocumentCommand),
    /// Les réglages du centre (association, SIRET, aide, impression).
    #[command(subcommand)]
    Centre(CentreCommand),
    /// Les bilans pour les financeurs (agrégés, sans nom).
    #[command(subcommand)]
    Report(ReportCommand),
    /// Les profils des médiateurs et responsables (code PIN).
    #[command(subcommand)]
    Operator(OperatorCommand),
    /// Les données personnelles (RGPD) : conservation, accès, effacement, registre, notice.
    #[command(subcommand)]
    Privacy(PrivacyCommand),
    /// Le hub du réseau : adresse, centre, jeton, test de connexion.
    #[command(subcommand)]
    Hub(HubCommand),
    /// Synchronise avec le hub (un tour : envoi puis réception), ou affiche l'état.
    Sync {
        #[command(subcommand)]
        command: Option<SyncCommand>,
    },
    /// Où est la base de données, et quel schéma elle a.
    Info,
    /// Les sauvegardes : maintenant, liste, dossier, restauration.
    #[command(subcommand)]
    Backup(BackupCommand),
    /// La clé de chiffrement de la base : phrase de secours, récupération sur un autre poste.
    #[command(subcommand)]
    Key(KeyCommand),
}

#[derive(Subcommand)]
enum BackupCommand {
    /// Sauvegarde la base maintenant (dans le dossier réglé, ou --to DOSSIER).
    Now {
        #[arg(long)]
        to: Option<PathBuf>,
    },
    /// Les sauvegardes du dossier, et l'âge de la dernière.
    List {
        /// Un autre dossier que celui réglé.
        #[arg(long)]
        from: Option<PathBuf>,
    },
    /// Règle le dossier des sauvegardes (clé USB, partage), ou revient au dossier par défaut.
    Folder {
        path: Option<PathBuf>,
        #[arg(long, conflicts_with = "path")]
        default: bool,
    },
    /// Restaure une sauvegarde (vérifiée avant de remplacer quoi que ce soit).
    Restore {
        file: PathBuf,
        /// La sauvegarde vient d'un autre poste : demander sa phrase de secours (sur l'entrée standard).
        #[arg(long)]
        phrase: bool,
    },
}

#[derive(Subcommand)]
enum KeyCommand {
    /// Le trousseau de ce poste a perdu la clé : la retrouver avec la phrase de secours (entrée standard).
    Recover,
    /// Affiche la phrase de secours (responsable).
    Phrase,
    /// La phrase de secours a été notée : ne plus la présenter au démarrage.
    Noted,
}

#[derive(Subcommand)]
enum ReportCommand {
    /// Le bilan d'un programme sur une période : PDF (avec graphique) et/ou CSV pour tableur.
    Programme {
        /// Identifiant ou nom du programme (comptoir programme list).
        name: String,
        /// Premier jour (AAAA-MM-JJ ou JJ/MM/AAAA).
        #[arg(long)]
        from: String,
        /// Dernier jour, inclus.
        #[arg(long)]
        to: String,
        #[arg(long)]
        pdf: Option<PathBuf>,
        #[arg(long)]
        csv: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum OperatorCommand {
    /// Ajoute un profil ; le code PIN (4 à 6 chiffres) est lu sur l'entrée standard. Le premier
    /// profil est un·e responsable ; les suivants sont ajoutés par un·e responsable (--operator).
    Add {
        name: String,
        /// mediator ou manager (médiateur, responsable).
        #[arg(long, value_parser = comptoir::operators::Role::parse, default_value = "mediator")]
        role: comptoir::operators::Role,
    },
    /// Les profils.
    List,
    /// Désactive un profil (jamais le dernier responsable).
    Disable { name: String },
}

#[derive(Subcommand)]
enum PrivacyCommand {
    /// Anonymise les personnes sans contact depuis la durée de conservation.
    Purge {
        /// Liste sans rien modifier.
        #[arg(long)]
        dry_run: bool,
    },
    /// Exporte tout ce qui est enregistré sur une personne (JSON et PDF lisible).
    Export {
        id: i64,
        #[arg(long)]
        out: PathBuf,
    },
    /// Efface (anonymise) une personne à sa demande ; inscrit au journal.
    Erase {
        id: i64,
        #[arg(long)]
        reason: String,
    },
    /// La durée de conservation, en mois (24 par défaut).
    Retention { months: Option<u32> },
    /// Le registre : chaque donnée enregistrée, pourquoi, combien de temps.
    Register,
    /// La notice d'information (article 13), en PDF.
    Notice {
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum HubCommand {
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
enum SyncCommand {
    /// Dernier succès, événements en attente, dernière erreur, conflits.
    Status,
}

#[derive(Subcommand)]
enum DocumentCommand {
    /// Le ticket de vente (A4 avec signatures, ou rouleau 80 mm). Une réimpression est une copie numérotée.
    Receipt {
        receipt: String,
        /// Fichier PDF à écrire (par défaut : le dossier documents/ à côté de la base).
        #[arg(long)]
        out: Option<PathBuf>,
        /// a4 ou 80mm (par défaut : le format des Réglages).
        #[arg(long, value_parser = Paper::parse)]
        format: Option<Paper>,
        #[command(flatten)]
        print: PrintArgs,
    },
    /// La fiche de prise en main de l'appareil vendu.
    Onboarding {
        receipt: String,
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        print: PrintArgs,
    },
    /// Un avoir, par son numéro.
    CreditNote {
        number: String,
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        print: PrintArgs,
    },
    /// Le rapport d'une permanence (son numéro) ou d'une clôture (day:AAAA-MM-JJ, month:AAAA-MM, year:AAAA).
    Closing {
        id: String,
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        print: PrintArgs,
    },
    /// Imprime un PDF déjà fait.
    Print {
        file: PathBuf,
        /// Imprimante (par défaut : celle des Réglages, sinon celle du système).
        #[arg(long)]
        printer: Option<String>,
    },
    /// Les imprimantes de ce poste.
    Printers,
}

#[derive(clap::Args)]
struct PrintArgs {
    /// L'envoie aussi à l'imprimante.
    #[arg(long)]
    print: bool,
    /// Imprimante (par défaut : celle des Réglages, sinon celle du système).
    #[arg(long)]
    printer: Option<String>,
}

#[derive(Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per run
enum CentreCommand {
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

#[derive(Subcommand)]
enum SessionCommand {
    /// Ouvre la permanence avec le fond de caisse.
    Open {
        #[arg(long, value_parser = Money::parse, default_value = "0")]
        float: Money,
    },
    /// Rapport X : ce que la caisse devrait contenir, à tout moment.
    Report,
    /// Clôture : montants comptés par moyen de paiement (ex. --counted cash=120.00).
    Close {
        #[arg(long = "counted", value_parser = parse_counted)]
        counted: Vec<(PaymentMethod, Money)>,
        /// Explication d'un écart (obligatoire s'il y en a un).
        #[arg(long, default_value = "")]
        comment: String,
    },
}

#[derive(Subcommand)]
enum SaleCommand {
    /// Encaisse une vente (affiche le numéro de ticket).
    Create {
        #[arg(long)]
        beneficiary: Option<i64>,
        /// Étiquette d'un appareil (plusieurs possibles).
        #[arg(long = "device")]
        devices: Vec<String>,
        /// Article compté TYPE:QUANTITÉ, ex. sim:1 (carte SIM), recharge:2, accessoire:1.
        #[arg(long = "item", value_parser = parse_item)]
        items: Vec<(DeviceKind, u32)>,
        /// Prix, dans l'ordre des appareils puis des articles (sinon le minimum de la fourchette).
        #[arg(long = "price", value_parser = Money::parse)]
        prices: Vec<Money>,
        /// Paiement MOYEN:MONTANT[:RÉFÉRENCE], ex. cash:80.00, card:40.00:TPE123 (plusieurs possibles).
        #[arg(long = "payment", value_parser = parse_payment)]
        payments: Vec<SalePayment>,
        #[arg(long)]
        programme: Option<String>,
    },
    /// Annule une vente par un avoir.
    Cancel {
        receipt: String,
        /// Une seule ligne (1 = la première) au lieu de toute la vente.
        #[arg(long)]
        line: Option<usize>,
        #[arg(long)]
        reason: String,
        /// Moyen de remboursement.
        #[arg(long, value_parser = PaymentMethod::parse, default_value = "cash")]
        refund: PaymentMethod,
        /// L'appareil revient défectueux (SAV) plutôt qu'en vente.
        #[arg(long)]
        defective: bool,
    },
    /// Les dernières ventes.
    List {
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Une vente.
    Show { receipt: String },
}

#[derive(Subcommand)]
enum JournalCommand {
    /// Recalcule la chaîne ; code de sortie non nul si elle est rompue.
    Verify,
}

fn parse_counted(s: &str) -> Result<(PaymentMethod, Money), String> {
    let (method, amount) = s
        .split_once('=')
        .ok_or("format attendu : MOYEN=MONTANT, ex. cash=120.00")?;
    Ok((
        PaymentMethod::parse(method).map_err(|e| e.message)?,
        Money::parse(amount).map_err(|e| e.to_string())?,
    ))
}

fn parse_item(s: &str) -> Result<(DeviceKind, u32), String> {
    let (kind, quantity) = s.split_once(':').unwrap_or((s, "1"));
    let kind = DeviceKind::parse(kind).map_err(|e| e.message)?;
    let quantity = quantity
        .trim()
        .parse()
        .map_err(|_| format!("quantité « {quantity} » : un nombre entier"))?;
    Ok((kind, quantity))
}

fn parse_payment(s: &str) -> Result<SalePayment, String> {
    let mut parts = s.splitn(3, ':');
    let method = PaymentMethod::parse(parts.next().unwrap_or("")).map_err(|e| e.message)?;
    let amount = Money::parse(parts.next().ok_or("format attendu : MOYEN:MONTANT, ex. cash:80.00")?)
        .map_err(|e| e.to_string())?;
    let reference = parts.next().map(str::to_string).filter(|r| !r.is_empty());
    Ok(SalePayment {
        method,
        amount,
        reference,
    })
}

#[derive(Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per run
enum BeneficiaryCommand {
    /// Enregistre une personne (affiche son numéro).
    Add {
        #[arg(long)]
        last_name: String,
        #[arg(long)]
        first_name: String,
        /// AAAA-MM-JJ ou JJ/MM/AAAA.
        #[arg(long)]
        birth_date: Option<String>,
        /// Le foyer : les personnes d'un même foyer partagent les limites « par foyer ».
        #[arg(long)]
        household: Option<String>,
        #[arg(long)]
        postcode: Option<String>,
        #[arg(long)]
        commune: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// ccas, france_travail, mission_locale, service_social, caf, association, autre.
        #[arg(long)]
        prescriber: Option<String>,
        /// Public (plusieurs possibles), p. ex. rsa, demandeur_emploi, etudiant.
        #[arg(long = "public", required = true)]
        publics: Vec<String>,
        /// Date à laquelle l'information RGPD a été donnée.
        #[arg(long)]
        rgpd_informed_on: Option<String>,
        #[arg(long)]
        notes: Option<String>,
        /// Créer même si une personne semblable existe (après vérification).
        #[arg(long)]
        force: bool,
    },
    /// Enregistre un justificatif vu (jamais de copie).
    Proof {
        id: i64,
        #[arg(long)]
        kind: String,
        /// Date figurant sur le document.
        #[arg(long)]
        issued: String,
        /// Qui l'a vérifié (par défaut : l'opérateur).
        #[arg(long)]
        checked_by: Option<String>,
    },
    /// Enregistre un équipement déjà reçu (ailleurs ou avant Comptoir).
    Equipment {
        id: i64,
        #[arg(long, value_parser = DeviceKind::parse)]
        kind: DeviceKind,
        #[arg(long)]
        date: String,
        #[arg(long, default_value = "")]
        source: String,
    },
    /// Cherche par nom (accents, casse et fautes de frappe tolérés), téléphone ou foyer.
    Search { text: String },
    /// Tout ce qui est enregistré sur une personne.
    Show { id: i64 },
    /// Fusionne une fiche en double dans la fiche à garder (responsable).
    Merge {
        keep: i64,
        duplicate: i64,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand)]
enum EligibilityCommand {
    /// Décision (éligible, non éligible, à vérifier) et ses raisons.
    Check {
        id: i64,
        /// Un seul programme (identifiant ou nom) ; par défaut tous.
        #[arg(long)]
        programme: Option<String>,
        /// Date de la vérification (par défaut : aujourd'hui).
        #[arg(long)]
        on: Option<String>,
        /// Type d'appareil demandé (pour les limites de fréquence).
        #[arg(long, value_parser = DeviceKind::parse)]
        kind: Option<DeviceKind>,
    },
    /// Dérogation d'un responsable, avec une raison écrite.
    Override {
        id: i64,
        #[arg(long)]
        programme: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        on: Option<String>,
        #[arg(long, value_parser = DeviceKind::parse)]
        kind: Option<DeviceKind>,
    },
}

#[derive(Subcommand)]
enum ProgrammeCommand {
    /// Les programmes actifs (le programme par défaut et ceux du dossier programmes/).
    List,
    /// Vérifie un fichier de programme (ligne et raison de chaque erreur).
    Check { file: PathBuf },
}

#[derive(Subcommand)]
enum StockCommand {
    /// Importe un fichier de livraison CSV (tout ou rien).
    Import { file: PathBuf },
    /// Liste les appareils, avec filtres et recherche.
    List {
        #[arg(long, value_parser = DeviceKind::parse)]
        kind: Option<DeviceKind>,
        #[arg(long, value_parser = DeviceState::parse)]
        state: Option<DeviceState>,
        #[arg(long, value_parser = Category::parse)]
        category: Option<Category>,
        /// Texte cherché dans l'identifiant, le n° de série, l'IMEI, la marque, le modèle.
        #[arg(long)]
        search: Option<String>,
        /// Nombre maximal d'appareils (par défaut : tous).
        #[arg(long)]
        limit: Option<usize>,
    },
    /// Fiche d'un appareil et son historique.
    Show { tag: String },
    /// Réceptionne un appareil attribué (check-in).
    Receive { tag: String },
    /// Met en vente un appareil réceptionné (ou réparé : --reason obligatoire).
    Available {
        tag: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Déclare un appareil défectueux.
    Defective {
        tag: String,
        #[arg(long)]
        reason: String,
    },
    /// Retourne un appareil au réseau.
    Return {
        tag: String,
        #[arg(long)]
        reason: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if json {
                let body = serde_json::json!({"error": {"code": err.code(), "message": err.to_string()}});
                eprintln!("{body}");
            } else {
                eprintln!("Erreur : {err}");
            }
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), Error> {
    let path = local::database_path(cli.db);
    let json = cli.json;
    let who = local::operator_name(cli.operator);
    let keys = comptoir::vault::OsKeyring;
    // These two work without opening the database (its key may be what is missing).
    match &cli.command {
        Command::Key(KeyCommand::Recover) => {
            eprintln!("Saisissez les 12 mots de la phrase de secours, puis Entrée :");
            let phrase = read_line_stdin()?;
            comptoir::vault::recover(&path, &phrase, &keys)?;
            output(json, &serde_json::json!({"recovered": true}), || {
                format!(
                    "Clé retrouvée : la base {} s'ouvre de nouveau sur ce poste.",
                    path.display()
                )
            });
            return Ok(());
        }
        Command::Backup(BackupCommand::Restore { file, phrase }) => {
            let phrase = if *phrase {
                eprintln!("Phrase de secours du poste qui a fait la sauvegarde (12 mots), puis Entrée :");
                Some(read_line_stdin()?)
            } else {
                None
            };
            let restored = backup::restore(&path, file, &keys, phrase.as_deref())?;
            // Open it once: migrations to this version run now, after the restore's own checks.
            comptoir::vault::open(&path, &keys)?;
            output(json, &restored, || {
                let mut text = format!(
                    "Sauvegarde restaurée : {} ({} entrées de journal, chaîne vérifiée).",
                    restored.from.display(),
                    restored.journal_entries
                );
                if let Some(previous) = &restored.previous_kept_as {
                    text.push_str(&format!("\nL'ancienne base est gardée dans {}.", previous.display()));
                }
                text
            });
            return Ok(());
        }
        _ => {}
    }
    let mut store = comptoir::vault::open(&path, &keys)?;
    match cli.command {
        Command::Key(KeyCommand::Recover) | Command::Backup(BackupCommand::Restore { .. }) => unreachable!(),
        Command::Key(KeyCommand::Phrase) => {
            let words = comptoir::vault::recovery_phrase(&store, &keys, &who)?;
            output(json, &words, || {
                let mut text = String::from("Phrase de secours de cette base (à garder hors du poste, sous clé) :\n");
                for (i, w) in words.iter().enumerate() {
                    text.push_str(&format!("{:>2}. {w}\n", i + 1));
                }
                text.push_str("Une fois notée : comptoir key noted");
                text
            });
        }
        Command::Key(KeyCommand::Noted) => {
            comptoir::vault::acknowledge_phrase(&mut store, &who)?;
            output(json, &serde_json::json!({"noted": true}), || {
                "Phrase de secours notée.".into()
            });
        }
        Command::Backup(cmd) => backup_command(&mut store, cmd, json, &who)?,
        Command::Info => {
            #[derive(Serialize)]
            struct Info {
                database: String,
                schema_version: i64,
                encrypted: bool,
                recovery_phrase_pending: bool,
                backup: backup::Status,
            }
            let info = Info {
                database: path.display().to_string(),
                schema_version: comptoir::store::schema_version(),
                encrypted: store.key().is_some(),
                recovery_phrase_pending: comptoir::vault::phrase_pending(&store)?,
                backup: backup::status(&store, chrono::Utc::now())?,
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
        }
        Command::Demo => {
            let report = demo::load(&mut store)?;
            output(json, &report, || {
                if report.already_loaded {
                    format!("Le centre de démonstration est déjà dans {}.", path.display())
                } else {
                    format!(
                        "Centre de démonstration chargé : {} appareils, {} personnes et {} ventes dans {}.",
                        report.devices_created,
                        report.people_created,
                        report.sales_recorded,
                        path.display()
                    )
                }
            });
        }
        Command::Stock(cmd) => stock_command(&mut store, cmd, json, &who)?,
        Command::Beneficiary(cmd) => beneficiary_command(&mut store, &path, cmd, json, &who)?,
        Command::Eligibility(cmd) => eligibility_command(&mut store, &path, cmd, json, &who)?,
        Command::Programme(ProgrammeCommand::List) => {
            let programmes = load_programmes(&store, &path)?;
            output(json, &programmes, || {
                programmes
                    .iter()
                    .map(|p| {
                        let publics: Vec<&str> = p.publics.values().map(|x| x.label.as_str()).collect();
                        format!(
                            "{} — {} (financeur : {}) du {}{} ; publics : {}",
                            p.id,
                            p.name,
                            p.funder,
                            fr_date(p.start),
                            p.end.map(|e| format!(" au {}", fr_date(e))).unwrap_or_default(),
                            publics.join(", ")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        Command::Programme(ProgrammeCommand::Check { file }) => {
            let p = Programme::load(&file, &LegalCaps::shipped())?;
            output(json, &p, || {
                format!("« {} » est valide : programme {} ({}).", file.display(), p.id, p.name)
            });
        }
        Command::Session(cmd) => {
            let report = match cmd {
                SessionCommand::Open { float } => {
                    let session = pos::open_session(&mut store, &who, float)?;
                    pos::x_report(&store).map(|r| CashReport { session, ..r })?
                }
                SessionCommand::Report => pos::x_report(&store)?,
                SessionCommand::Close { counted, comment } => {
                    let report = pos::close_session(&mut store, &who, counted.into_iter().collect(), &comment)?;
                    // Each closing is backed up; a failed backup does not undo the closing.
                    match backup::make(&mut store, None, backup::Reason::Closing) {
                        Ok(made) => eprintln!("Sauvegarde faite : {}", made.record.file),
                        Err(e) => eprintln!("Attention : {e}"),
                    }
                    report
                }
            };
            output(json, &report, || show_report(&report));
        }
        Command::Sale(cmd) => sale_command(&mut store, &path, cmd, json, &who)?,
        Command::Journal(JournalCommand::Verify) => {
            let v = journal::verify(store.conn())?;
            output(json, &v, || v.message());
            if !v.is_intact() {
                return Err(Error::Refused {
                    code: "journal_broken",
                    message: v.message(),
                });
            }
        }
        Command::Closing { period, date } => {
            let closing = pos::close_period(&mut store, period, parse_day(date.as_deref())?, &who)?;
            output(json, &closing, || {
                let mut lines = vec![
                    format!(
                        "Clôture {} ({} au {})",
                        closing.key,
                        fr_date(closing.start),
                        fr_date(closing.end)
                    ),
                    format!(
                        "{} vente(s) : {} ; {} avoir(s) : {} ; net {}",
                        closing.sales, closing.sales_total, closing.credit_notes, closing.credit_total, closing.net
                    ),
                ];
                lines.extend(closing.by_method.iter().map(|(m, v)| format!("  {} : {v}", m.label())));
                lines.extend(
                    closing
                        .by_programme
                        .iter()
                        .map(|(p, v)| format!("  Programme {p} : {v}")),
                );
                lines.push(format!("Grand total perpétuel : {}", closing.grand_total));
                lines.join("\n")
            });
        }
        Command::Hub(command) => hub_command(&mut store, command, json, &who)?,
        Command::Privacy(command) => privacy_command(&mut store, command, json, &who)?,
        Command::Operator(command) => {
            use comptoir::operators;
            match command {
                OperatorCommand::Add { name, role } => {
                    let mut pin = String::new();
                    std::io::stdin().read_line(&mut pin).map_err(|source| Error::Io {
                        path: "stdin".into(),
                        source,
                    })?;
                    operators::add(&mut store, &name, role, &pin, &who)?;
                }
                OperatorCommand::Disable { name } => operators::disable(&mut store, &name, &who)?,
                OperatorCommand::List => {}
            }
            let list = operators::list(&store)?;
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
        }
        Command::Report(ReportCommand::Programme {
            name,
            from,
            to,
            pdf,
            csv,
        }) => {
            let programmes = load_programmes(&store, &path)?;
            let programme = comptoir::reports::find_programme(&programmes, &name)?;
            let day = |text: &str| {
                beneficiary::parse_date(text).ok_or_else(|| Error::Refused {
                    code: "invalid",
                    message: format!("« {text} » n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA)."),
                })
            };
            let report = comptoir::reports::build(&store, programme, day(&from)?, day(&to)?)?;
            if let Some(file) = &csv {
                documents::write_file(file, &comptoir::reports::to_csv(&report))?;
            }
            if let Some(file) = &pdf {
                documents::write_file(file, &documents::funder_report(&store, &report)?.pdf)?;
            }
            output(json, &report, || {
                let mut lines = vec![
                    format!(
                        "{} ({}) du {} au {}",
                        report.programme,
                        report.funder,
                        report.from.format("%d/%m/%Y"),
                        report.to.format("%d/%m/%Y")
                    ),
                    format!(
                        "{} vente(s), {} personne(s) équipée(s), {} appareil(s)",
                        report.sales,
                        report.people.text(),
                        report.devices_total.text()
                    ),
                ];
                for p in &report.publics {
                    lines.push(format!(
                        "  {} : {}{}",
                        p.label,
                        p.people.text(),
                        p.target.map(|t| format!(" / objectif {t}")).unwrap_or_default()
                    ));
                }
                lines.push(format!(
                    "Encaissé {} (dont financeur {}), avoirs {}, net {}",
                    report.takings_total, report.funder_part, report.credit_total, report.net
                ));
                for f in [&pdf, &csv].into_iter().flatten() {
                    lines.push(format!("Écrit : {}", f.display()));
                }
                lines.join("\n")
            });
        }
        Command::Sync { command: None } => {
            let client = sync_client(&store)?;
            let store = std::sync::Mutex::new(store);
            let report = sync::round(&store, &client)?;
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
        Command::Sync {
            command: Some(SyncCommand::Status),
        } => {
            let status = sync::status(&store)?;
            output(json, &status, || sync_status_text(&status));
        }
        Command::Document(command) => document_command(&mut store, &path, command, json, &who)?,
        Command::Centre(command) => centre_command(&mut store, command, json, &who)?,
        Command::Register { centre, register } => {
            if let Some(c) = centre {
                pos::set_register_identity(&mut store, pos::CENTRE_CODE, &c)?;
            }
            if let Some(r) = register {
                pos::set_register_identity(&mut store, pos::REGISTER_CODE, &r)?;
            }
            let (centre, register) = pos::register_identity(&store)?;
            let value = serde_json::json!({"centre_code": centre, "register_code": register});
            output(json, &value, || {
                format!("Centre {centre}, caisse {register} : tickets {centre}-{register}-AAAA-NNNNNN")
            });
        }
        Command::Diagnostic {
            uses,
            place,
            screen,
            first_device,
        } => {
            let advice = diagnostic::advise(
                &store,
                &Answers {
                    uses,
                    place,
                    screen,
                    first_device,
                },
            )?;
            output(json, &advice, || {
                let mut lines = vec!["Appareils conseillés :".to_string()];
                for s in &advice.suggestions {
                    let cats: Vec<&str> = s.categories.iter().map(|c| c.code()).collect();
                    lines.push(format!(
                        "  {} (catégories {}) : {}",
                        s.kind.label(),
                        cats.join(", "),
                        s.why.join(" ; ")
                    ));
                }
                lines.push(format!("En stock ({}) :", advice.devices.len()));
                lines.extend(advice.devices.iter().map(|d| {
                    format!(
                        "  {} {} {} ({})",
                        d.tag,
                        d.brand,
                        d.model,
                        d.category.map(|c| c.code()).unwrap_or("—")
                    )
                }));
                lines.join("\n")
            });
        }
    }
    Ok(())
}

fn sale_command(store: &mut Store, db: &std::path::Path, cmd: SaleCommand, json: bool, who: &str) -> Result<(), Error> {
    match cmd {
        SaleCommand::Create {
            beneficiary,
            devices,
            items,
            prices,
            payments,
            programme,
        } => {
            let programmes = load_programmes(store, db)?;
            let mut prices = prices.into_iter();
            let request = SaleRequest {
                uuid: uuid::Uuid::now_v7(),
                person_id: beneficiary,
                programme,
                devices: devices
                    .into_iter()
                    .map(|tag| DeviceRequest {
                        tag,
                        price: prices.next(),
                    })
                    .collect(),
                items: items
                    .into_iter()
                    .map(|(kind, quantity)| ItemRequest {
                        kind,
                        quantity,
                        unit_price: prices.next(),
                    })
                    .collect(),
                payments,
            };
            let sale = pos::create_sale(store, &programmes, &LegalCaps::shipped(), &request, who)?;
            output(json, &sale, || sale.receipt.clone());
        }
        SaleCommand::Cancel {
            receipt,
            line,
            reason,
            refund,
            defective,
        } => {
            let note = pos::cancel_sale(store, &receipt, line, &reason, refund, defective, who)?;
            output(json, &note, || {
                format!(
                    "Avoir {} : annule le ticket n° {} ({}).",
                    note.number, note.cancels, note.amount
                )
            });
        }
        SaleCommand::List { limit } => {
            let sales = pos::list_sales(store, limit)?;
            output(json, &sales, || {
                let mut lines: Vec<String> = sales
                    .iter()
                    .map(|s| {
                        format!(
                            "{}  {}  {}{}",
                            s.receipt,
                            comptoir::text::format_timestamp(&s.at),
                            s.total,
                            s.cancelled_by
                                .as_ref()
                                .map(|c| format!("  (annulée : avoir {c})"))
                                .unwrap_or_default()
                        )
                    })
                    .collect();
                lines.push(format!("{} vente(s)", sales.len()));
                lines.join("\n")
            });
        }
        SaleCommand::Show { receipt } => {
            let sale = pos::sale(store, &receipt)?;
            output(json, &sale, || show_sale(&sale));
        }
    }
    Ok(())
}

fn show_sale(s: &SaleRecord) -> String {
    let mut lines = vec![format!(
        "Ticket {} du {} (par {})",
        s.receipt,
        comptoir::text::format_timestamp(&s.at),
        s.operator
    )];
    if let Some(p) = s.person_id {
        lines.push(format!(
            "Personne n° {p}{}",
            s.programme
                .as_ref()
                .map(|p| format!(", programme {p}"))
                .unwrap_or_default()
        ));
    }
    for l in &s.lines {
        lines.push(format!(
            "  {} {}{} × {} = {}",
            l.kind.label(),
            l.label,
            l.tag.as_ref().map(|t| format!(" [{t}]")).unwrap_or_default(),
            l.quantity,
            Money::from_cents(l.unit_price.cents() * l.quantity as i64)
        ));
    }
    lines.push(format!("Total : {}", s.total));
    for p in &s.payments {
        lines.push(format!(
            "  {} : {}{}",
            p.method.label(),
            p.amount,
            p.reference.as_ref().map(|r| format!(" ({r})")).unwrap_or_default()
        ));
    }
    if s.change() != Money::ZERO {
        lines.push(format!("Rendu : {}", s.change()));
    }
    if let Some(c) = &s.cancelled_by {
        lines.push(format!("Annulée par l'avoir {c}"));
    }
    lines.join("\n")
}

fn show_report(r: &CashReport) -> String {
    let title = if r.session.closed_at.is_some() {
        "Clôture (Z)"
    } else {
        "Rapport X"
    };
    let mut lines = vec![
        format!(
            "{title} — permanence ouverte le {} par {} (fond de caisse {})",
            comptoir::text::format_timestamp(&r.session.opened_at),
            r.session.opened_by,
            r.session.float
        ),
        format!(
            "{} vente(s) pour {}, {} avoir(s)",
            r.sales, r.sales_total, r.credit_notes
        ),
    ];
    for (method, expected) in &r.expected {
        let mut line = format!("  {} : attendu {expected}", method.label());
        if let (Some(counted), Some(diff)) = (&r.counted, &r.differences) {
            line.push_str(&format!(
                ", compté {}, écart {}",
                counted.get(method).copied().unwrap_or_default(),
                diff.get(method).copied().unwrap_or_default()
            ));
        }
        lines.push(line);
    }
    if let Some(c) = &r.comment {
        lines.push(format!("Commentaire : {c}"));
    }
    lines.join("\n")
}

/// The programmes: the shipped default, the files beside the database, and those the hub
/// published.
fn load_programmes(store: &Store, db: &std::path::Path) -> Result<Vec<Programme>, Error> {
    sync::programmes(store, Some(&local::programmes_folder(db)), &LegalCaps::shipped())
}

fn parse_day(text: Option<&str>) -> Result<chrono::NaiveDate, Error> {
    match text {
        None => Ok(local::today()),
        Some(t) => beneficiary::parse_date(t).ok_or_else(|| {
            Error::InvalidFields(vec![beneficiary::FieldError {
                field: "on",
                message: format!("date « {t} » impossible (AAAA-MM-JJ)"),
            }])
        }),
    }
}

fn beneficiary_command(
    store: &mut Store,
    db: &std::path::Path,
    cmd: BeneficiaryCommand,
    json: bool,
    who: &str,
) -> Result<(), Error> {
    let today = local::today();
    match cmd {
        BeneficiaryCommand::Add {
            last_name,
            first_name,
            birth_date,
            household,
            postcode,
            commune,
            phone,
            email,
            prescriber,
            publics,
            rgpd_informed_on,
            notes,
            force,
        } => {
            let catalogue = Catalogue::of(&load_programmes(store, db)?);
            let input = PersonInput {
                last_name,
                first_name,
                birth_date,
                phone,
                email,
                postcode,
                commune,
                household,
                prescriber,
                publics,
                rgpd_informed_on,
                notes,
            };
            let person = NewPerson::parse(&input, &catalogue, today).map_err(Error::InvalidFields)?;
            let id = beneficiary::add(store, &person, force)?;
            output(json, &serde_json::json!({"id": id}), || format!("{id}"));
        }
        BeneficiaryCommand::Proof {
            id,
            kind,
            issued,
            checked_by,
        } => {
            let catalogue = Catalogue::of(&load_programmes(store, db)?);
            let checker = checked_by.unwrap_or_else(|| who.to_string());
            beneficiary::add_proof(store, id, &kind, &issued, &checker, &catalogue, today)?;
            let person = beneficiary::get(store, id)?;
            output(json, &person, || {
                format!(
                    "Justificatif enregistré pour {} {}.",
                    person.fields.first_name, person.fields.last_name
                )
            });
        }
        BeneficiaryCommand::Equipment { id, kind, date, source } => {
            beneficiary::add_equipment(store, id, kind, &date, &source, who, today)?;
            let person = beneficiary::get(store, id)?;
            output(json, &person, || {
                format!(
                    "Équipement enregistré pour {} {}.",
                    person.fields.first_name, person.fields.last_name
                )
            });
        }
        BeneficiaryCommand::Search { text } => {
            let found = beneficiary::search(store, &text, 50)?;
            output(json, &found, || people_table(&found));
        }
        BeneficiaryCommand::Show { id } => {
            let person = beneficiary::get(store, id)?;
            output(json, &person, || show_person(&person));
        }
        BeneficiaryCommand::Merge {
            keep,
            duplicate,
            reason,
        } => {
            beneficiary::merge(store, keep, duplicate, who, &reason)?;
            let person = beneficiary::get(store, keep)?;
            output(json, &person, || {
                format!("Fiche n° {duplicate} fusionnée dans la fiche n° {keep}.")
            });
        }
    }
    Ok(())
}

fn eligibility_command(
    store: &mut Store,
    db: &std::path::Path,
    cmd: EligibilityCommand,
    json: bool,
    who: &str,
) -> Result<(), Error> {
    let mut programmes = load_programmes(store, db)?;
    match cmd {
        EligibilityCommand::Check {
            id,
            programme,
            on,
            kind,
        } => {
            if let Some(wanted) = programme {
                let folded = comptoir::text::fold(&wanted);
                programmes.retain(|p| p.id == wanted || comptoir::text::fold(&p.name) == folded);
                if programmes.is_empty() {
                    return Err(Error::InvalidFields(vec![beneficiary::FieldError {
                        field: "programme",
                        message: format!("programme « {wanted} » inconnu (voir : comptoir programme list)"),
                    }]));
                }
            }
            let decision = beneficiary::check(store, &programmes, id, parse_day(on.as_deref())?, kind)?;
            output(json, &decision, || show_decision(&decision));
        }
        EligibilityCommand::Override {
            id,
            programme,
            reason,
            on,
            kind,
        } => {
            let decision = beneficiary::override_decision(
                store,
                &programmes,
                id,
                &programme,
                &reason,
                who,
                parse_day(on.as_deref())?,
                kind,
            )?;
            output(json, &decision, || {
                format!("Dérogation enregistrée.\n{}", show_decision(&decision))
            });
        }
    }
    Ok(())
}

fn people_table(people: &[PersonSummary]) -> String {
    let mut out = String::new();
    for p in people {
        out.push_str(&format!("{p}\n"));
    }
    out.push_str(&format!("{} personne(s)", people.len()));
    out
}

fn show_person(p: &Person) -> String {
    let f = &p.fields;
    let mut lines = vec![format!("n° {} — {} {}", p.id, f.last_name, f.first_name)];
    if let Some(into) = p.merged_into {
        lines.push(format!("Fiche fusionnée dans la fiche n° {into}"));
    }
    let mut field = |label: &str, value: Option<String>| {
        if let Some(v) = value {
            lines.push(format!("{label} : {v}"));
        }
    };
    field("Née ou né le", f.birth_date.map(fr_date));
    field("Téléphone", f.phone.clone());
    field("E-mail", f.email.clone());
    field(
        "Commune",
        match (&f.postcode, &f.commune) {
            (Some(p), Some(c)) => Some(format!("{p} {c}")),
            (p, c) => p.clone().or(c.clone()),
        },
    );
    field("Foyer", f.household.clone());
    field("Prescripteur", f.prescriber.map(|p| p.label().to_string()));
    field("Publics", Some(f.publics.join(", ")));
    field("Information RGPD donnée le", f.rgpd_informed_on.map(fr_date));
    lines.push("Justificatifs vus :".into());
    lines.extend(
        p.proofs
            .iter()
            .map(|x| format!("  {} du {} (vérifié par {})", x.kind, fr_date(x.issued), x.checked_by)),
    );
    if !p.equipment.is_empty() {
        lines.push("Équipements reçus :".into());
        lines.extend(
            p.equipment
                .iter()
                .map(|e| format!("  {} le {} ({})", e.kind.label(), fr_date(e.date), e.source)),
        );
    }
    lines.join("\n")
}

fn show_decision(d: &PersonDecision) -> String {
    let mut lines = vec![format!("{} le {}", d.decision.decision.label(), fr_date(d.on))];
    lines.extend(d.decision.reasons.iter().map(|r| format!("  - {}", r.message)));
    for o in &d.overrides {
        lines.push(format!(
            "  Dérogation ({}) par {} le {} : {}",
            o.programme,
            o.operator,
            comptoir::text::format_timestamp(&o.at),
            o.reason
        ));
    }
    lines.join("\n")
}

fn stock_command(store: &mut Store, cmd: StockCommand, json: bool, who: &str) -> Result<(), Error> {
    let transition = |store: &mut Store, tag: &str, action: StockAction, reason: &str| -> Result<(), Error> {
        let tag = AssetTag::parse(tag)?;
        let device = stock::change_state(store, &tag, action, who, reason)?;
        output(json, &device, || format!("{} : {}", device.tag, device.state.label()));
        Ok(())
    };
    match cmd {
        StockCommand::Import { file } => {
            let bytes = std::fs::read(&file).map_err(|source| Error::Io {
                path: file.clone(),
                source,
            })?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let report = delivery::import(store, &bytes, &name, who)?;
            output(json, &report, || {
                let mut text = match &report.already_imported_at {
                    Some(at) => format!(
                        "« {name} » a déjà été importé le {} : rien n'a changé.",
                        comptoir::text::format_timestamp(at)
                    ),
                    None => format!(
                        "« {name} » importé : {} appareil(s) ajouté(s), à réceptionner ; {} déjà présent(s), inchangé(s).",
                        report.created, report.unchanged
                    ),
                };
                if !report.ignored_columns.is_empty() {
                    text.push_str(&format!("\nColonnes ignorées : {}", report.ignored_columns.join(", ")));
                }
                text
            });
        }
        StockCommand::List {
            kind,
            state,
            category,
            search,
            limit,
        } => {
            let limit = limit.unwrap_or(i64::MAX as usize);
            let devices = stock::list(
                store,
                &StockQuery {
                    kind,
                    category,
                    state,
                    text: search,
                    limit,
                },
            )?;
            output(json, &devices, || table(&devices));
        }
        StockCommand::Show { tag } => {
            let detail = stock::detail(store, &tag)?;
            output(json, &detail, || show(&detail));
        }
        StockCommand::Receive { tag } => transition(store, &tag, StockAction::Receive, "")?,
        StockCommand::Available { tag, reason } => transition(store, &tag, StockAction::MakeAvailable, &reason)?,
        StockCommand::Defective { tag, reason } => transition(store, &tag, StockAction::MarkDefective, &reason)?,
        StockCommand::Return { tag, reason } => transition(store, &tag, StockAction::Return, &reason)?,
    }
    Ok(())
}

fn document_command(
    store: &mut Store,
    database: &std::path::Path,
    command: DocumentCommand,
    json: bool,
    who: &str,
) -> Result<(), Error> {
    let (document, out, print) = match command {
        DocumentCommand::Receipt {
            receipt,
            out,
            format,
            print,
        } => (documents::receipt(store, &receipt, format, who)?, out, print),
        DocumentCommand::Onboarding { receipt, out, print } => (documents::onboarding(store, &receipt)?, out, print),
        DocumentCommand::CreditNote { number, out, print } => {
            (documents::credit_note(store, &number, who)?, out, print)
        }
        DocumentCommand::Closing { id, out, print } => (documents::closing(store, &id, who)?, out, print),
        DocumentCommand::Print { file, printer } => {
            let printer = printer.or(centre::load(store)?.printer);
            let title = file
                .file_name()
                .map(|f| f.to_string_lossy().to_string())
                .unwrap_or_default();
            let job = printing::print(&file, printer.as_deref(), &title)?;
            output(json, &job, || print_message(&job));
            return Ok(());
        }
        DocumentCommand::Printers => {
            let printers = printing::printers()?;
            output(json, &printers, || {
                if printers.is_empty() {
                    return "Aucune imprimante n'est installée sur ce poste.".into();
                }
                printers
                    .iter()
                    .map(|p| format!("{}{}", p.name, if p.is_default { " (par défaut)" } else { "" }))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
            return Ok(());
        }
    };
    let path = match out {
        Some(path) => {
            documents::write_file(&path, &document.pdf)?;
            path
        }
        None => document.save_in(&documents::folder(database))?,
    };
    let job = if print.print {
        let printer = print.printer.or(centre::load(store)?.printer);
        Some(printing::print(&path, printer.as_deref(), &document.title)?)
    } else {
        None
    };
    #[derive(Serialize)]
    struct Made<'a> {
        #[serde(flatten)]
        document: &'a documents::Document,
        path: String,
        print: Option<printing::PrintJob>,
    }
    let made = Made {
        document: &document,
        path: path.display().to_string(),
        print: job.clone(),
    };
    output(json, &made, || {
        let mut lines = vec![format!(
            "{}{} : {} ({} page{}, {} Ko)",
            document.title,
            documents::copy_mark(document.copy)
                .map(|m| format!(" — {m}"))
                .unwrap_or_default(),
            path.display(),
            document.pages,
            if document.pages > 1 { "s" } else { "" },
            document.pdf.len().div_ceil(1024)
        )];
        if !document.missing.is_empty() {
            lines.push(format!(
                "Attention, il manque {} : complétez-les avec `comptoir centre set`.",
                document.missing.join(", ")
            ));
        }
        if let Some(job) = &job {
            lines.push(print_message(job));
        }
        lines.join("\n")
    });
    Ok(())
}

fn print_message(job: &printing::PrintJob) -> String {
    format!(
        "Envoyé à l'imprimante {}{}.",
        job.printer.as_deref().unwrap_or("par défaut"),
        job.job
            .as_deref()
            .map(|j| format!(" (travail {j})"))
            .unwrap_or_default()
    )
}

fn centre_command(store: &mut Store, command: CentreCommand, json: bool, who: &str) -> Result<(), Error> {
    match command {
        CentreCommand::Show => {}
        CentreCommand::Set {
            name,
            address,
            siret,
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
            centre::save(store, &input, who)?;
        }
        CentreCommand::Logo { file, remove } => {
            if remove {
                centre::remove_logo(store, who)?;
            } else if let Some(file) = file {
                let bytes = std::fs::read(&file).map_err(|source| Error::Io {
                    path: file.clone(),
                    source,
                })?;
                centre::set_logo(store, &bytes, who)?;
            }
        }
    }
    let settings = centre::load(store)?;
    output(json, &settings, || {
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
            format!("Mention de TVA : {}", settings.vat_mention),
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
        let missing = settings.missing();
        if !missing.is_empty() {
            lines.push(format!("Manque aux documents : {}.", missing.join(", ")));
        }
        lines.join("\n")
    });
    Ok(())
}

fn privacy_command(store: &mut Store, command: PrivacyCommand, json: bool, who: &str) -> Result<(), Error> {
    use comptoir::privacy;
    match command {
        PrivacyCommand::Purge { dry_run } => {
            let report = privacy::purge(store, local::today(), dry_run, who)?;
            output(json, &report, || {
                format!(
                    "{} personne(s) sans contact depuis le {} ({} mois){}",
                    report.people.len(),
                    report.cutoff.format("%d/%m/%Y"),
                    report.retention_months,
                    if report.dry_run {
                        " : rien n'a été modifié (--dry-run)."
                    } else {
                        " : anonymisée(s)."
                    }
                )
            });
        }
        PrivacyCommand::Export { id, out } => {
            let (json_file, pdf) = privacy::export_to(store, id, &out)?;
            let value = serde_json::json!({"json": json_file, "pdf": pdf});
            output(json, &value, || {
                format!("Écrit : {} et {}", json_file.display(), pdf.display())
            });
        }
        PrivacyCommand::Erase { id, reason } => {
            privacy::erase(store, id, &reason, who)?;
            output(json, &serde_json::json!({"erased": id}), || {
                format!("Fiche n° {id} anonymisée ; ses achats restent, sans nom.")
            });
        }
        PrivacyCommand::Retention { months } => {
            if let Some(m) = months {
                privacy::set_retention_months(store, m, who)?;
            }
            let m = privacy::retention_months(store)?;
            output(json, &serde_json::json!({"retention_months": m}), || {
                format!("Durée de conservation : {m} mois après le dernier contact.")
            });
        }
        PrivacyCommand::Register => {
            let register = privacy::register(privacy::retention_months(store)?);
            output(json, &register, || {
                register
                    .iter()
                    .map(|e| format!("{} ({}) — {} — {}", e.data, e.fields, e.purpose, e.retention))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        PrivacyCommand::Notice { out } => {
            let doc = documents::notice(store)?;
            documents::write_file(&out, &doc.pdf)?;
            output(json, &serde_json::json!({"path": out}), || {
                format!("Notice écrite : {}", out.display())
            });
        }
    }
    Ok(())
}

fn sync_client(store: &Store) -> Result<sync::Client, Error> {
    let config = sync::config(store)?.ok_or_else(|| Error::Refused {
        code: "not_configured",
        message:
            "Aucun hub n'est configuré : `comptoir hub set-url https://… --centre ID`, puis `comptoir hub set-token`."
                .into(),
    })?;
    let token = sync::token::load(&config)?;
    sync::Client::new(config, token)
}

fn sync_status_text(status: &sync::Status) -> String {
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
            .map(comptoir::text::format_timestamp)
            .unwrap_or_else(|| "jamais".into())
    ));
    lines.push(format!("Événements en attente d'envoi : {}", status.waiting));
    if let Some(e) = &status.last_error {
        lines.push(format!("Dernière erreur : {e}"));
    }
    for c in &status.conflicts {
        lines.push(format!(
            "Conflit ({}) : {}",
            comptoir::text::format_timestamp(&c.at),
            c.message
        ));
    }
    lines.join("\n")
}

fn hub_command(store: &mut Store, command: HubCommand, json: bool, who: &str) -> Result<(), Error> {
    match command {
        HubCommand::SetUrl { url, centre } => {
            let config = sync::HubConfig::parse(&url, &centre)?;
            sync::set_config(store, &config, who)?;
            output(json, &config, || {
                format!(
                    "Hub {} pour le centre {}. Enregistrez maintenant le jeton : comptoir hub set-token",
                    config.url, config.centre
                )
            });
        }
        HubCommand::SetToken => {
            let config = sync::config(store)?.ok_or_else(|| Error::Refused {
                code: "not_configured",
                message: "Configurez d'abord le hub : `comptoir hub set-url https://… --centre ID`.".into(),
            })?;
            let mut token = String::new();
            std::io::stdin().read_line(&mut token).map_err(|source| Error::Io {
                path: "stdin".into(),
                source,
            })?;
            sync::token::store(&config, &token)?;
            output(json, &serde_json::json!({"stored": true}), || {
                "Jeton enregistré dans le trousseau du système.".into()
            });
        }
        HubCommand::ForgetToken => {
            if let Some(config) = sync::config(store)? {
                sync::token::forget(&config)?;
            }
            output(json, &serde_json::json!({"forgotten": true}), || "Jeton oublié.".into());
        }
        HubCommand::Test => {
            let health = sync_client(store)?.test()?;
            output(json, &health, || {
                format!("Connexion réussie au hub {} (API {}).", health.hub_id, health.version)
            });
        }
    }
    Ok(())
}

fn output<T: Serialize>(json: bool, value: &T, human: impl FnOnce() -> String) {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(value).expect("output is serialisable")
        );
    } else {
        println!("{}", human());
    }
}

fn pad(s: &str, width: usize) -> String {
    let mut out: String = s.chars().take(width).collect();
    let n = out.chars().count();
    out.extend(std::iter::repeat_n(' ', width + 1 - n));
    out
}

fn table(devices: &[Device]) -> String {
    let mut out = format!(
        "{}{}{}{}{}{}\n",
        pad("Identifiant", 12),
        pad("Type", 22),
        pad("Cat.", 8),
        pad("État", 26),
        pad("Appareil", 34),
        "N° de série / IMEI"
    );
    for d in devices {
        out.push_str(&format!(
            "{}{}{}{}{}{}\n",
            pad(d.tag.as_str(), 12),
            pad(d.kind.label(), 22),
            pad(d.category.map(Category::code).unwrap_or("—"), 8),
            pad(d.state.label(), 26),
            pad(&format!("{} {}", d.brand, d.model), 34),
            d.imei.as_deref().or(d.serial.as_deref()).unwrap_or("—")
        ));
    }
    out.push_str(&format!("{} appareil(s)", devices.len()));
    out
}

fn show(detail: &DeviceDetail) -> String {
    let d = &detail.device;
    let mut lines = vec![
        format!("{} — {} {}", d.tag, d.brand, d.model),
        format!("État : {}", d.state.label()),
    ];
    lines.extend(detail.facts.iter().map(|f| format!("{} : {}", f.label, f.value)));
    lines.push("Historique :".to_string());
    for e in &detail.history {
        lines.push(format!(
            "  {}  {} → {}  par {} : {}",
            comptoir::text::format_timestamp(&e.at),
            e.from_state.map(|s| s.label()).unwrap_or("—"),
            e.to_state.label(),
            e.operator,
            e.reason
        ));
    }
    if !detail.actions.is_empty() {
        let offered: Vec<&str> = detail.actions.iter().map(|a| a.label).collect();
        lines.push(format!("Actions possibles : {}", offered.join(", ")));
    }
    lines.join("\n")
}

fn read_line_stdin() -> Result<String, Error> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).map_err(|source| Error::Io {
        path: "stdin".into(),
        source,
    })?;
    Ok(line)
}

fn backup_command(store: &mut Store, cmd: BackupCommand, json: bool, who: &str) -> Result<(), Error> {
    match cmd {
        BackupCommand::Now { to } => {
            let made = backup::make(store, to.as_deref(), backup::Reason::Manual)?;
            output(json, &made, || {
                format!(
                    "Sauvegarde faite et vérifiée : {} ({} Ko, {} entrées de journal).",
                    made.record.file,
                    made.record.bytes / 1024,
                    made.record.journal_entries
                )
            });
        }
        BackupCommand::List { from } => {
            let status = backup::status(store, chrono::Utc::now())?;
            let dir = from.unwrap_or_else(|| PathBuf::from(&status.folder));
            let files = backup::list(&dir)?;
            #[derive(Serialize)]
            struct Listing {
                status: backup::Status,
                files: Vec<backup::BackupFile>,
            }
            let listing = Listing { status, files };
            output(json, &listing, || {
                let mut lines = vec![listing.status.message.clone(), format!("Dossier : {}", dir.display())];
                if listing.files.is_empty() {
                    lines.push("Aucune sauvegarde dans ce dossier.".into());
                }
                for f in &listing.files {
                    lines.push(format!(
                        "{}  {:>8} Ko  {}",
                        f.made_at.format("%d/%m/%Y %H:%M:%S"),
                        f.bytes / 1024,
                        f.path.display()
                    ));
                }
                lines.join("\n")
            });
        }
        BackupCommand::Folder { path, default } => {
            if path.is_some() || default {
                backup::set_folder(store, path.as_deref(), who)?;
            }
            let status = backup::status(store, chrono::Utc::now())?;
            output(json, &status, || {
                format!("Dossier des sauvegardes : {}\n{}", status.folder, status.message)
            });
        }
        BackupCommand::Restore { .. } => unreachable!("handled before the database opens"),
    }
    Ok(())
}
