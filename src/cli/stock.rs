//! `comptoir stock`: import a delivery file, list, show, and the stock screen's moves.

use std::path::PathBuf;

use clap::Subcommand;

use comptoir::desk::stock::{self, Category, Device, DeviceDetail, DeviceKind, DeviceState, StockAction, StockQuery};
use comptoir::desk::{self, Error, Store};

use super::output::{output, pad};
use super::Who;

#[derive(clap::Args)]
pub(crate) struct AddArgs {
    /// L'identifiant (étiquette) de l'appareil.
    #[arg(long)]
    tag: String,
    /// Le type (portable, fixe, tablette, smartphone…).
    #[arg(long)]
    kind: String,
    #[arg(long)]
    category: Option<String>,
    #[arg(long)]
    brand: String,
    #[arg(long)]
    model: String,
    #[arg(long)]
    serial: Option<String>,
    #[arg(long)]
    imei: Option<String>,
    #[arg(long)]
    cpu: Option<String>,
    /// Mémoire vive, en Go.
    #[arg(long)]
    ram_gb: Option<String>,
    /// ssd, hdd, emmc…
    #[arg(long)]
    storage_kind: Option<String>,
    /// Stockage, en Go.
    #[arg(long)]
    storage_gb: Option<String>,
    /// Écran, en pouces (15,6).
    #[arg(long)]
    screen_inches: Option<String>,
    #[arg(long)]
    os: Option<String>,
    #[arg(long)]
    refurbisher: Option<String>,
    /// La référence du certificat d'effacement des données.
    #[arg(long)]
    erasure_certificate: Option<String>,
    /// La méthode d'effacement (NIST 800-88 purge, le nom de l'outil).
    #[arg(long)]
    erasure_method: Option<String>,
    /// La date d'effacement (2026-11-30 ou 30/11/2026).
    #[arg(long)]
    erasure_date: Option<String>,
    /// Qui a effacé (par défaut : le reconditionneur).
    #[arg(long)]
    erasure_by: Option<String>,
    /// La date du test de fonctionnement.
    #[arg(long)]
    test_date: Option<String>,
    /// Qui a testé (par défaut : le reconditionneur).
    #[arg(long)]
    test_by: Option<String>,
    /// La référence du rapport de test (sinon, la catégorie est la note donnée après le test).
    #[arg(long)]
    test_report: Option<String>,
    /// Provenance : public (État, collectivité, établissement public), entreprise, particulier ou achat.
    #[arg(long)]
    donor_kind: Option<String>,
    /// Le nom du donateur (ou du vendeur).
    #[arg(long)]
    donor: Option<String>,
    /// La référence de la convention de don.
    #[arg(long)]
    convention: Option<String>,
    /// Les publics auxquels le donateur réserve l'appareil (codes séparés par des virgules : rsa,etudiant).
    #[arg(long)]
    reserved_publics: Option<String>,
    /// Le prix d'acquisition (0 pour un don).
    #[arg(long)]
    acquisition_price: Option<String>,
}

impl AddArgs {
    fn form(self) -> stock::DeviceForm {
        let fields = [
            ("tag", Some(self.tag)),
            ("kind", Some(self.kind)),
            ("category", self.category),
            ("brand", Some(self.brand)),
            ("model", Some(self.model)),
            ("serial", self.serial),
            ("imei", self.imei),
            ("cpu", self.cpu),
            ("ram_gb", self.ram_gb),
            ("storage_kind", self.storage_kind),
            ("storage_gb", self.storage_gb),
            ("screen_inches", self.screen_inches),
            ("os", self.os),
            ("refurbisher", self.refurbisher),
            ("erasure_certificate", self.erasure_certificate),
            ("erasure_method", self.erasure_method),
            ("erasure_date", self.erasure_date),
            ("erasure_by", self.erasure_by),
            ("test_date", self.test_date),
            ("test_by", self.test_by),
            ("test_report", self.test_report),
            ("donor_kind", self.donor_kind),
            ("donor", self.donor),
            ("convention", self.convention),
            ("reserved_publics", self.reserved_publics),
            ("acquisition_price", self.acquisition_price),
        ];
        fields
            .into_iter()
            .filter_map(|(name, value)| value.map(|v| (name.to_string(), v)))
            .collect()
    }
}

#[derive(Subcommand)]
pub(crate) enum StockCommand {
    /// Importe un fichier de livraison CSV (tout ou rien).
    Import {
        file: PathBuf,
        /// Dit ce que l'import ferait (erreurs, appareils ajoutés), sans rien enregistrer.
        #[arg(long)]
        dry_run: bool,
    },
    /// Ajoute un appareil à la main (mêmes contrôles qu'un fichier de livraison) : il entre
    /// réceptionné.
    Add(Box<AddArgs>),
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
    /// Les ordinateurs, tablettes et téléphones réceptionnés ou en vente auxquels il manque
    /// le relevé d'effacement ou de test, par lot.
    Records,
    /// Enregistre l'effacement des données d'un lot (--batch) ou d'appareils.
    Erasure {
        #[command(flatten)]
        target: RecordTarget,
        /// La méthode (NIST 800-88 purge, ou le nom de l'outil).
        #[arg(long)]
        method: String,
        /// La date d'effacement (2026-11-30 ou 30/11/2026).
        #[arg(long)]
        date: String,
        /// Qui a effacé (le reconditionneur).
        #[arg(long)]
        by: String,
        /// La référence du certificat.
        #[arg(long)]
        reference: String,
        /// Le certificat (PDF, 5 Mo au plus), gardé dans la base chiffrée.
        #[arg(long)]
        certificate: Option<PathBuf>,
    },
    /// Enregistre le test de fonctionnement d'un lot (--batch) ou d'appareils.
    Test {
        #[command(flatten)]
        target: RecordTarget,
        /// La date du test (2026-11-30 ou 30/11/2026).
        #[arg(long)]
        date: String,
        /// Qui a testé (le reconditionneur).
        #[arg(long)]
        by: String,
        /// La référence du rapport de test.
        #[arg(long, default_value = "")]
        report: String,
        /// La note donnée après le test (au lieu d'un rapport).
        #[arg(long, default_value = "")]
        grade: String,
    },
    /// Enregistre le certificat d'effacement d'un appareil dans un fichier.
    Certificate {
        tag: String,
        #[arg(long)]
        out: PathBuf,
    },
}

/// The devices a record covers: a batch, or tags.
#[derive(clap::Args)]
pub(crate) struct RecordTarget {
    /// Le lot : le n° du fichier de livraison (voir : comptoir stock records).
    #[arg(long, conflicts_with = "tags")]
    batch: Option<i64>,
    /// Les identifiants des appareils.
    tags: Vec<String>,
}

pub(crate) fn run(store: &mut Store, cmd: StockCommand, json: bool, who: &mut Who) -> Result<(), Error> {
    let transition =
        |store: &mut Store, who: &mut Who, tag: &str, action: StockAction, reason: &str| -> Result<(), Error> {
            let actor = who.get(store)?;
            let device = stock::apply(store, tag, action, &actor, reason)?.device;
            output(json, &device, || format!("{} : {}", device.tag, device.state.label()));
            Ok(())
        };
    match cmd {
        StockCommand::Import { file, dry_run: true } => {
            let (bytes, name) = desk::read_file(&file)?;
            let preview = stock::preview(store, &bytes, &name)?;
            output(json, &preview, || preview_text(&preview));
        }
        StockCommand::Import { file, dry_run: false } => {
            let (bytes, name) = desk::read_file(&file)?;
            let actor = who.get(store)?;
            let report = stock::import(store, &bytes, &name, &actor)?;
            output(json, &report, || {
                let mut text = match &report.already_imported_at {
                    Some(at) => format!(
                        "« {name} » a déjà été importé le {} : rien n'a changé.",
                        desk::format_timestamp(at)
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
        StockCommand::Add(args) => {
            let actor = who.get(store)?;
            let detail = stock::add(store, &args.form(), &actor)?;
            output(json, &detail, || show(&detail));
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
        StockCommand::Receive { tag } => transition(store, who, &tag, StockAction::Receive, "")?,
        StockCommand::Available { tag, reason } => transition(store, who, &tag, StockAction::MakeAvailable, &reason)?,
        StockCommand::Defective { tag, reason } => transition(store, who, &tag, StockAction::MarkDefective, &reason)?,
        StockCommand::Return { tag, reason } => transition(store, who, &tag, StockAction::Return, &reason)?,
        StockCommand::Records => {
            let batches = stock::lacking(store)?;
            output(json, &batches, || lacking_text(&batches));
        }
        StockCommand::Erasure {
            target,
            method,
            date,
            by,
            reference,
            certificate,
        } => {
            let (certificate_name, certificate) = match certificate {
                Some(path) => {
                    let (bytes, name) = desk::read_file(&path)?;
                    (Some(name), Some(bytes))
                }
                None => (None, None),
            };
            let input = stock::RecordInput {
                kind: "erasure".into(),
                batch: target.batch,
                tags: target.tags,
                method,
                on: date,
                by,
                reference,
                certificate_name,
                certificate,
                ..Default::default()
            };
            record(store, who, json, &input)?;
        }
        StockCommand::Test {
            target,
            date,
            by,
            report,
            grade,
        } => {
            let input = stock::RecordInput {
                kind: "test".into(),
                batch: target.batch,
                tags: target.tags,
                on: date,
                by,
                reference: report,
                grade,
                ..Default::default()
            };
            record(store, who, json, &input)?;
        }
        StockCommand::Certificate { tag, out } => {
            let (name, size) = stock::save_certificate(store, &tag, &out)?;
            let done = serde_json::json!({ "file": out, "name": name, "bytes": size });
            output(json, &done, || {
                format!("Certificat « {name} » de {tag} enregistré dans {}", out.display())
            });
        }
    }
    Ok(())
}

fn record(store: &mut Store, who: &mut Who, json: bool, input: &stock::RecordInput) -> Result<(), Error> {
    let actor = who.get(store)?;
    let done = stock::record(store, input, &actor)?;
    output(json, &done, || {
        let what = if done.kind == "erasure" {
            "Effacement"
        } else {
            "Test de fonctionnement"
        };
        let mut text = format!(
            "{what} enregistré pour {} appareil(s) : {}",
            done.tags.len(),
            done.tags.join(", ")
        );
        if let Some(sha) = &done.certificate_sha256 {
            text.push_str(&format!("\nCertificat gardé dans la base (SHA-256 {sha})"));
        }
        text
    });
    Ok(())
}

fn lacking_text(batches: &[stock::LackingBatch]) -> String {
    if batches.is_empty() {
        return "Tous les ordinateurs, tablettes et téléphones en stock ont leurs relevés d'effacement et de test."
            .into();
    }
    let mut lines = Vec::new();
    for batch in batches {
        lines.push(batch.label.clone());
        for d in &batch.devices {
            lines.push(format!(
                "  {}  {}  manque : {}",
                pad(&d.tag, 12),
                pad(&d.label, 40),
                d.missing.join(", ")
            ));
        }
    }
    lines.push("Complétez un lot entier : comptoir stock erasure --batch N … ; comptoir stock test --batch N …".into());
    lines.join("\n")
}

fn preview_text(preview: &stock::Preview) -> String {
    if !preview.errors.is_empty() {
        let mut lines = vec![format!(
            "« {} » serait refusé en entier ({} erreur(s)) :",
            preview.file_name,
            preview.errors.len()
        )];
        lines.extend(preview.errors.iter().map(|e| format!("  {e}")));
        return lines.join("\n");
    }
    if let Some(at) = &preview.already_imported_at {
        return format!(
            "« {} » a déjà été importé le {} : l'importer ne changerait rien.",
            preview.file_name,
            desk::format_timestamp(at)
        );
    }
    let mut lines = vec![format!(
        "« {} » : {} appareil(s) seraient ajoutés, {} déjà présent(s) resteraient inchangés. Rien n'a été enregistré.",
        preview.file_name,
        preview.to_add.len(),
        preview.unchanged
    )];
    lines.extend(preview.to_add.iter().map(|d| {
        format!(
            "  ligne {} : {} {} {} {}",
            d.line,
            d.tag,
            d.kind.label(),
            d.brand,
            d.model
        )
    }));
    lines.join("\n")
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
            desk::format_timestamp(&e.at),
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
