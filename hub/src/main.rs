//! `comptoir-hub`: serve the network's hub, and administer it (centres and their tokens, the
//! network's inventory, allocations, recalls, programmes, events and stock).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use comptoir_hub::db::{self, Pick};
use comptoir_hub::report;

#[derive(Parser)]
#[command(
    name = "comptoir-hub",
    version,
    about = "Le hub du réseau : attribue le stock aux centres, reçoit leurs événements"
)]
struct Cli {
    /// Base de données du hub (SQLite).
    #[arg(long, global = true, default_value = "hub.sqlite")]
    db: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Sert l'API /v1 (HTTP, ou HTTPS avec --tls-cert et --tls-key).
    Serve(comptoir_hub::serve::ServeArgs),
    /// Les centres et leurs jetons.
    #[command(subcommand)]
    Centre(CentreCommand),
    /// Importe l'inventaire du réseau depuis un fichier de reconditionneur (format de livraison).
    Import { file: PathBuf },
    /// Attribue des appareils à un centre : une liste d'identifiants, ou un nombre d'un type.
    Allocate {
        centre: String,
        /// Identifiants séparés par des virgules.
        #[arg(long, value_delimiter = ',', conflicts_with_all = ["kind", "count"])]
        tags: Vec<String>,
        #[arg(long, requires = "count")]
        kind: Option<String>,
        #[arg(long)]
        category: Option<String>,
        #[arg(long, requires = "kind")]
        count: Option<usize>,
    },
    /// Rappelle un appareil attribué (sans effet sur une vente déjà faite), ou tout un modèle
    /// (--brand et --model : ceux des centres rappelés, ceux du stock du réseau mis de côté).
    Recall {
        #[arg(required_unless_present = "model", conflicts_with_all = ["brand", "model"])]
        tag: Option<String>,
        #[arg(long, requires = "model")]
        brand: Option<String>,
        #[arg(long, requires = "brand")]
        model: Option<String>,
    },
    /// Déplace des appareils vers un autre centre (rappelés du leur, attribués à celui-ci).
    Move {
        /// Le centre qui les reçoit.
        #[arg(long)]
        to: String,
        #[arg(required = true)]
        tags: Vec<String>,
    },
    /// Le bilan du réseau d'un programme sur une période : tous les centres, un département ou
    /// des centres choisis ; CSV (tableur) sur la sortie standard, ou PDF dans un fichier.
    Report {
        #[arg(long)]
        programme: String,
        /// Premier jour (AAAA-MM-JJ ou JJ/MM/AAAA).
        #[arg(long)]
        from: String,
        /// Dernier jour, compris.
        #[arg(long)]
        to: String,
        #[arg(long, conflicts_with = "centres")]
        departement: Option<String>,
        #[arg(long = "centre")]
        centres: Vec<String>,
        /// Écrit le PDF dans ce fichier au lieu du CSV sur la sortie standard.
        #[arg(long)]
        pdf: Option<PathBuf>,
    },
    /// Publie un fichier de programme aux centres (tous, ou ceux nommés).
    Publish {
        file: PathBuf,
        #[arg(long = "centre")]
        centres: Vec<String>,
    },
    /// Les derniers événements reçus.
    Events {
        #[arg(long)]
        centre: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Une liste JSON (reçu le, centre, type, état, uuid, événement) au lieu du texte.
        #[arg(long)]
        json: bool,
    },
    /// Le stock par centre et par état, et les conflits ouverts.
    Stock {
        #[arg(long)]
        centre: Option<String>,
    },
    /// Les conflits (le même appareil vendu deux fois, un appareil rappelé vendu…), ouverts
    /// d'abord, avec quand et comment ils ont été réglés.
    Conflicts {
        /// Une liste JSON au lieu du texte.
        #[arg(long)]
        json: bool,
    },
    /// Les comptes de la console du réseau (coordinateurs, financeurs). Le mot de passe est lu
    /// dans COMPTOIR_HUB_PASSWORD, sinon sur la première ligne de l'entrée standard.
    #[command(subcommand)]
    User(UserCommand),
    /// Les retours sous garantie des centres, par reconditionneur et modèle : appareils vendus,
    /// retours, taux pour cent, issues (réparé, échangé, remboursé), ancienneté médiane.
    Quality {
        /// Une liste JSON au lieu du texte.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Crée un compte : coordinateur (tout), ou financeur (les chiffres de ses programmes).
    Add {
        login: String,
        #[arg(long)]
        name: String,
        /// coordinateur ou financeur.
        #[arg(long)]
        role: String,
        /// Les programmes d'un financeur (leur identifiant ; plusieurs possibles).
        #[arg(long = "programme")]
        programmes: Vec<String>,
    },
    /// Les comptes, sans leur mot de passe.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Désactive un compte (ses sessions sont fermées).
    Disable { login: String },
    /// Donne un nouveau mot de passe à un compte (ses sessions sont fermées).
    Reset { login: String },
}

/// An act of the command line in the audit log the console shows (as the console's acts).
fn audit(conn: &rusqlite::Connection, action: &str, detail: &str) -> Result<(), db::HubError> {
    db::accounts::audit(conn, "(ligne de commande)", "local", action, detail)
}

/// The password of `user add` and `user reset`: COMPTOIR_HUB_PASSWORD, else stdin's first line.
fn read_password() -> Result<String, String> {
    if let Ok(password) = std::env::var("COMPTOIR_HUB_PASSWORD") {
        return Ok(password);
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| format!("lecture du mot de passe impossible : {e}"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

#[derive(Subcommand)]
enum CentreCommand {
    /// Crée un centre et affiche son jeton, une seule fois.
    Create {
        id: String,
        #[arg(long)]
        name: String,
    },
    /// Donne un nouveau jeton (l'ancien cesse de fonctionner).
    Token {
        id: String,
    },
    /// Révoque le jeton d'un centre.
    Revoke {
        id: String,
    },
    List,
}

/// A stored value as the admin's terminal shows it: control characters (a newline, a tab, an
/// escape sequence) written as `\u{…}`, so that a centre's name cannot forge a line.
fn shown(value: &str) -> String {
    value
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "comptoir_hub=info".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("Erreur : {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    let err = |e: db::HubError| e.to_string();
    match cli.command {
        Command::Serve(args) => comptoir_hub::serve::run(&cli.db, args)?,
        Command::Centre(command) => {
            let conn = db::open(&cli.db).map_err(err)?;
            match command {
                CentreCommand::Create { id, name } => {
                    let token = db::create_centre(&conn, &id, &name).map_err(err)?;
                    audit(&conn, "création de centre", &format!("centre {}", id.to_uppercase())).map_err(err)?;
                    println!("{token}");
                    eprintln!(
                        "Centre {} créé. Ce jeton ne sera plus affiché : transmettez-le au centre.",
                        id.to_uppercase()
                    );
                }
                CentreCommand::Token { id } => {
                    println!("{}", db::renew_token(&conn, &id).map_err(err)?);
                    audit(&conn, "nouveau jeton", &format!("centre {}", id.to_uppercase())).map_err(err)?;
                    eprintln!(
                        "Nouveau jeton du centre {} ; l'ancien ne fonctionne plus.",
                        id.to_uppercase()
                    );
                }
                CentreCommand::Revoke { id } => {
                    db::revoke(&conn, &id).map_err(err)?;
                    audit(&conn, "révocation de jeton", &format!("centre {}", id.to_uppercase())).map_err(err)?;
                    println!("Jeton du centre {} révoqué.", id.to_uppercase());
                }
                CentreCommand::List => {
                    for (id, name, revoked) in db::centres(&conn).map_err(err)? {
                        println!(
                            "{}\t{}{}",
                            shown(&id),
                            shown(&name),
                            if revoked { "\t(révoqué)" } else { "" }
                        );
                    }
                }
            }
        }
        Command::Import { file } => {
            let bytes = std::fs::read(&file).map_err(|e| format!("{} : {e}", file.display()))?;
            let name = file.file_name().map_or(String::new(), |f| f.to_string_lossy().into());
            // Read and checked before the database is opened for writing.
            let delivery = db::parse_inventory(&bytes, &name).map_err(err)?;
            let mut conn = db::open(&cli.db).map_err(err)?;
            let imported = db::import_inventory(&mut conn, &delivery).map_err(err)?;
            audit(
                &conn,
                "import de livraison",
                &format!("{name} : {} ajouté(s), {} connu(s)", imported.added, imported.known),
            )
            .map_err(err)?;
            println!(
                "{} appareil(s) ajouté(s) au stock du réseau, {} déjà connu(s).",
                imported.added, imported.known
            );
            for (tag, centre) in &imported.claimed {
                println!("CONFLIT\t{}\tdéjà déclaré par le centre {}", shown(tag), shown(centre));
            }
        }
        Command::Allocate {
            centre,
            tags,
            kind,
            category,
            count,
        } => {
            let pick = match (kind, count) {
                (Some(kind), Some(count)) => Pick::Count { kind, category, count },
                _ if !tags.is_empty() => Pick::Tags(tags),
                _ => return Err("Donnez --tags A,B ou --kind laptop --count 10 [--category B].".into()),
            };
            let mut conn = db::open(&cli.db).map_err(err)?;
            let tags = db::allocate(&mut conn, &centre, &pick).map_err(err)?;
            audit(
                &conn,
                "attribution",
                &format!(
                    "{} appareil(s) au centre {} : {}",
                    tags.len(),
                    centre.to_uppercase(),
                    tags.join(", ")
                ),
            )
            .map_err(err)?;
            println!(
                "{} appareil(s) attribué(s) au centre {}.",
                tags.len(),
                centre.to_uppercase()
            );
        }
        Command::Recall { tag, brand, model } => {
            let mut conn = db::open(&cli.db).map_err(err)?;
            match (tag, brand, model) {
                (Some(tag), _, _) => {
                    let centre = db::recall(&mut conn, &tag).map_err(err)?;
                    audit(
                        &conn,
                        "rappel",
                        &format!("{} : rappelé du centre {centre}", tag.to_uppercase()),
                    )
                    .map_err(err)?;
                    println!("{} rappelé (centre {centre}).", tag.to_uppercase());
                }
                (None, Some(brand), Some(model)) => {
                    let done = db::recall_model(&mut conn, &brand, &model).map_err(err)?;
                    let detail = format!(
                        "{brand} {model} : {} rappelé(s) des centres, {} retiré(s) du stock",
                        done.from_centres.len(),
                        done.from_stock
                    );
                    audit(&conn, "rappel", &detail).map_err(err)?;
                    println!(
                        "{brand} {model} : {} appareil(s) rappelé(s) des centres, {} retiré(s) du stock du réseau.",
                        done.from_centres.len(),
                        done.from_stock
                    );
                    for (tag, centre) in &done.from_centres {
                        println!("{tag} : rappelé du centre {centre}");
                    }
                    for (tag, why) in &done.left {
                        println!("{tag} : laissé ({why})");
                    }
                }
                _ => return Err("Donnez un identifiant, ou --brand et --model.".into()),
            }
        }
        Command::Move { to, tags } => {
            let mut conn = db::open(&cli.db).map_err(err)?;
            let moved = db::move_devices(&mut conn, &tags, &to).map_err(err)?;
            let lines: Vec<String> = moved
                .iter()
                .map(|(tag, from)| format!("{tag} : du centre {from} au centre {}", to.to_uppercase()))
                .collect();
            audit(&conn, "déplacement", &lines.join(" ; ")).map_err(err)?;
            for line in lines {
                println!("{line}");
            }
        }
        Command::Report {
            programme,
            from,
            to,
            departement,
            centres,
            pdf,
        } => {
            let conn = db::open(&cli.db).map_err(err)?;
            let programmes = db::reports::programmes(&conn).map_err(err)?;
            let scope = match (departement, centres.is_empty()) {
                (Some(d), _) => db::reports::Scope::Departement(d),
                (None, false) => db::reports::Scope::Centres(centres),
                (None, true) => db::reports::Scope::All,
            };
            let asked = report::Asked::parse(&programmes, &programme, &from, &to, scope)?;
            let built = report::build(&conn, &asked).map_err(err)?;
            match pdf {
                Some(path) => {
                    std::fs::write(&path, report::pdf(&built)).map_err(|e| format!("{} : {e}", path.display()))?;
                    println!("Bilan du réseau ({}) écrit dans {}.", built.scope_text, path.display());
                }
                None => {
                    use std::io::Write;
                    std::io::stdout()
                        .write_all(&comptoir_common::report::to_csv(&built.report))
                        .map_err(|e| e.to_string())?;
                }
            }
        }
        Command::Publish { file, centres } => {
            let content = std::fs::read_to_string(&file).map_err(|e| format!("{} : {e}", file.display()))?;
            let name = file
                .file_name()
                .map(|f| f.to_string_lossy().to_string())
                .unwrap_or_default();
            let mut conn = db::open(&cli.db).map_err(err)?;
            let n = db::publish_programme(&mut conn, &name, &content, &centres).map_err(err)?;
            audit(&conn, "publication de programme", &format!("{name} à {n} centre(s)")).map_err(err)?;
            println!("Programme {name} publié à {n} centre(s).");
        }
        Command::Events { centre, limit, json } => {
            let conn = db::open(&cli.db).map_err(err)?;
            let rows = db::events(&conn, centre.as_deref(), limit).map_err(err)?;
            if json {
                let list: Vec<serde_json::Value> = rows
                    .iter()
                    .map(|(at, centre, kind, status, uuid, event)| {
                        serde_json::json!({
                            "received_at": at, "centre": centre, "type": kind, "status": status,
                            "uuid": uuid,
                            "event": serde_json::from_str::<serde_json::Value>(event).unwrap_or(serde_json::Value::Null),
                        })
                    })
                    .collect();
                println!("{}", serde_json::Value::Array(list));
            } else {
                for (at, centre, kind, status, uuid, event) in &rows {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        shown(at),
                        shown(centre),
                        shown(kind),
                        shown(status),
                        shown(uuid),
                        shown(event)
                    );
                }
            }
        }
        Command::Stock { centre } => {
            let conn = db::open(&cli.db).map_err(err)?;
            for (centre, state, n) in db::stock(&conn, centre.as_deref()).map_err(err)? {
                println!("{}\t{}\t{n}", shown(&centre), shown(&state));
            }
            for c in db::conflicts(&conn)
                .map_err(err)?
                .into_iter()
                .filter(|c| c.closed_at.is_none())
            {
                println!(
                    "CONFLIT\t{}\t{}\t{}\t{}\t{}",
                    c.id,
                    shown(&c.at),
                    shown(&c.centre),
                    shown(&c.tag.unwrap_or_default()),
                    shown(&c.message)
                );
            }
        }
        Command::User(command) => {
            let conn = db::open(&cli.db).map_err(err)?;
            let audit = |action: &str, detail: &str| audit(&conn, action, detail);
            match command {
                UserCommand::Add {
                    login,
                    name,
                    role,
                    programmes,
                } => {
                    let role = db::accounts::Role::parse(&role).map_err(err)?;
                    let password = read_password()?;
                    let account =
                        db::accounts::add_account(&conn, &login, &name, role, &programmes, &password).map_err(err)?;
                    audit("compte créé", &format!("{} ({})", account.login, role.code())).map_err(err)?;
                    println!("Compte {} créé ({}).", account.login, role.code());
                }
                UserCommand::List { json } => {
                    let rows = db::accounts::accounts(&conn).map_err(err)?;
                    if json {
                        println!("{}", serde_json::to_string(&rows).expect("accounts serialise"));
                    }
                    for a in rows.iter().filter(|_| !json) {
                        println!(
                            "{}\t{}\t{}\t{}\t{}",
                            shown(&a.login),
                            shown(&a.name),
                            a.role.code(),
                            shown(&a.programmes.join(",")),
                            a.disabled_at
                                .as_deref()
                                .map_or("actif".to_string(), |d| format!("désactivé le {}", shown(d)))
                        );
                    }
                }
                UserCommand::Disable { login } => {
                    let a = db::accounts::disable_account(&conn, &login).map_err(err)?;
                    audit("compte désactivé", &a.login).map_err(err)?;
                    println!("Compte {} désactivé.", a.login);
                }
                UserCommand::Reset { login } => {
                    let password = read_password()?;
                    let a = db::accounts::reset_password(&conn, &login, &password).map_err(err)?;
                    audit("mot de passe réinitialisé", &a.login).map_err(err)?;
                    println!("Nouveau mot de passe enregistré pour {}.", a.login);
                }
            }
        }
        Command::Quality { json } => {
            let conn = db::open(&cli.db).map_err(err)?;
            let rows = db::failure_rates(&conn).map_err(err)?;
            if json {
                println!("{}", serde_json::to_string(&rows).expect("rates serialise"));
            } else {
                println!("Reconditionneur\tType\tMarque\tModèle\tVendus\tRetours\tTaux\tSous garantie\tEn cours\tRéparés\tÉchangés\tRemboursés\tMois (médiane)");
                for r in rows {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}\t{} %\t{}\t{}\t{}\t{}\t{}\t{}",
                        shown(&r.refurbisher),
                        shown(&r.kind),
                        shown(&r.brand),
                        shown(&r.model),
                        r.sold,
                        r.returns,
                        format!("{:.1}", r.rate_percent).replace('.', ","),
                        r.in_guarantee,
                        r.open,
                        r.repaired,
                        r.exchanged,
                        r.refunded,
                        r.median_months.map_or("-".to_string(), |m| m.to_string())
                    );
                }
            }
        }
        Command::Conflicts { json } => {
            let conn = db::open(&cli.db).map_err(err)?;
            let rows = db::conflicts(&conn).map_err(err)?;
            if json {
                println!("{}", serde_json::to_string(&rows).expect("conflicts serialise"));
            } else {
                for c in rows {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                        c.id,
                        shown(&c.at),
                        shown(&c.centre),
                        shown(&c.kind),
                        shown(&c.tag.unwrap_or_default()),
                        shown(&c.message),
                        c.closed_at.map_or("ouvert".to_string(), |at| format!(
                            "réglé le {} : {}",
                            shown(&at),
                            shown(&c.closed_how.unwrap_or_default())
                        ))
                    );
                }
            }
        }
    }
    Ok(())
}
