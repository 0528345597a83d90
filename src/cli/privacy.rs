//! `comptoir report` and `privacy`: the funders' reports (aggregates, no name) and personal
//! data (retention, access, erasure, register, notice).

use std::path::{Path, PathBuf};

use clap::Subcommand;

use comptoir::desk::documents::{self, Destination, Printing};
use comptoir::desk::{self, privacy, Error, Store};

use super::output::output;
use super::Who;

pub(crate) fn report(store: &Store, db: &Path, command: ReportCommand, json: bool) -> Result<(), Error> {
    match command {
        ReportCommand::Programme { name, period } => programme_report(store, db, &name, &period, json),
        ReportCommand::Donors => {
            let donors = documents::donors(store)?;
            output(json, &donors, || {
                if donors.is_empty() {
                    return "Aucun appareil n'a de donateur enregistré (la provenance se saisit à l'import ou à la main)."
                        .into();
                }
                donors
                    .iter()
                    .map(|d| format!("{} ({}) : {} appareil(s)", d.name, d.kind.label(), d.devices))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
            Ok(())
        }
        ReportCommand::Donor { name, period } => donor_report(store, db, &name, &period, json),
    }
}

fn programme_report(store: &Store, db: &Path, name: &str, period: &Period, json: bool) -> Result<(), Error> {
    let programmes = desk::programmes(store, db)?;
    let (from, to) = period.days()?;
    let report = documents::report(store, &programmes, name, from, to)?;
    period.write(store, |csv| documents::report_document(store, &report, csv))?;
    output(json, &report, || {
        let mut lines = vec![
            format!(
                "{} — financeur : {} — du {} au {}",
                report.programme,
                report.funder,
                report.from.format("%d/%m/%Y"),
                report.to.format("%d/%m/%Y")
            ),
            format!(
                "{} vente(s), {} personne(s) équipée(s), {} appareil(s)",
                report.sales,
                report.people.text(),
                report.devices_total
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
            "Encaissé {} (dont part du financeur {}), avoirs {}, net {}",
            report.takings_total,
            report.funder_part,
            desk::Money::from_cents(-report.credit_total.cents()),
            report.net
        ));
        lines.extend(period.written());
        lines.join("\n")
    });
    Ok(())
}

fn donor_report(store: &Store, db: &Path, name: &str, period: &Period, json: bool) -> Result<(), Error> {
    let programmes = desk::programmes(store, db)?;
    let (from, to) = period.days()?;
    let report = documents::donor_report(store, &programmes, name, from, to)?;
    period.write(store, |csv| documents::donor_report_document(store, &report, csv))?;
    output(json, &report, || {
        let t = &report.total;
        let mut lines = vec![
            format!(
                "Rapport {} — {} du {} au {}",
                report.number,
                report.donor,
                report.from.format("%d/%m/%Y"),
                report.to.format("%d/%m/%Y")
            ),
            documents::DONOR_COLUMNS
                .iter()
                .zip(t.columns())
                .map(|(label, n)| format!("{label} : {n}"))
                .collect::<Vec<_>>()
                .join(", "),
            format!("Personnes équipées : {}", report.people.text()),
        ];
        lines.extend(
            report
                .publics
                .iter()
                .map(|p| format!("  {} : {}", p.label, p.people.text())),
        );
        lines.extend(period.written());
        lines.join("\n")
    });
    Ok(())
}

/// A report's period and the files it is written to, as every report command takes them.
#[derive(clap::Args)]
pub(crate) struct Period {
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
}

impl Period {
    fn days(&self) -> Result<(chrono::NaiveDate, chrono::NaiveDate), Error> {
        Ok((desk::parse_day(Some(&self.from))?, desk::parse_day(Some(&self.to))?))
    }

    /// Writes the report's CSV and PDF where asked (`make(true)`: the CSV).
    fn write(&self, store: &Store, make: impl Fn(bool) -> Result<documents::Document, Error>) -> Result<(), Error> {
        for (file, csv) in [(&self.csv, true), (&self.pdf, false)] {
            if let Some(file) = file {
                documents::keep(store, make(csv)?, Destination::File(file), &Printing::NO)?;
            }
        }
        Ok(())
    }

    /// « Écrit : … » for each file written, PDF first.
    fn written(&self) -> impl Iterator<Item = String> + '_ {
        [&self.pdf, &self.csv]
            .into_iter()
            .flatten()
            .map(|f| format!("Écrit : {}", f.display()))
    }
}

#[derive(Subcommand)]
pub(crate) enum ReportCommand {
    /// Le bilan d'un programme sur une période : PDF (avec graphique) et/ou CSV pour tableur.
    Programme {
        /// Identifiant ou nom du programme (comptoir programme list).
        name: String,
        #[command(flatten)]
        period: Period,
    },
    /// Les donateurs des appareils du stock.
    Donors,
    /// Le rapport à un donateur sur une période : ce que sont devenus ses appareils, les
    /// personnes équipées par public (sans nom) ; PDF et/ou CSV.
    Donor {
        /// Le nom du donateur (comptoir report donors).
        name: String,
        #[command(flatten)]
        period: Period,
    },
}

#[derive(Subcommand)]
pub(crate) enum PrivacyCommand {
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

pub(crate) fn run(store: &mut Store, command: PrivacyCommand, json: bool, who: &mut Who) -> Result<(), Error> {
    match command {
        PrivacyCommand::Purge { dry_run } => {
            let actor = who.get(store)?;
            let report = privacy::purge(store, desk::today(), dry_run, &actor)?;
            output(json, &report, || {
                format!(
                    "{} personne(s) sans contact depuis le {} ({} mois){}",
                    report.people.len(),
                    report.cutoff.format("%d/%m/%Y"),
                    report.retention_months,
                    if report.dry_run {
                        " : rien n'a été modifié (--dry-run).".to_string()
                    } else {
                        format!(
                            " : anonymisée(s) ; {} document(s) qui les nommaient retiré(s) du dossier documents.",
                            report.documents_removed
                        )
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
            let actor = who.get(store)?;
            privacy::erase_person(store, id, &reason, &actor)?;
            output(json, &serde_json::json!({"erased": id}), || {
                format!("Fiche n° {id} anonymisée ; ses achats restent, sans nom.")
            });
        }
        PrivacyCommand::Retention { months } => {
            let m = match months {
                Some(m) => {
                    let actor = who.get(store)?;
                    privacy::retention(store, Some(m), &actor)?.retention_months
                }
                None => privacy::retention_months(store)?,
            };
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
            documents::keep(store, doc, Destination::File(&out), &Printing::NO)?;
            output(json, &serde_json::json!({"path": out}), || {
                format!("Notice écrite : {}", out.display())
            });
        }
    }
    Ok(())
}
