//! `comptoir sav` (warranty returns) and `comptoir recycle` (recycling batches).

use std::path::Path;

use clap::Subcommand;
use comptoir::desk::aftersales::{
    self, OutcomeInput, RecycledInput, RecyclingBatch, RecyclingInput, ReturnInput, WarrantyReturn,
};
use comptoir::desk::documents::Made;
use comptoir::desk::{Error, Store};

use super::documents::{keep_all, print_message, PrintArgs};
use super::output::output;
use super::Who;

#[derive(Subcommand)]
pub(crate) enum SavCommand {
    /// Ce qu'un retour couvrirait : un appareil (étiquette, n° de série, IMEI) ou les appareils
    /// d'un ticket, avec la date de remise, la fin de la garantie, la présomption et le délai.
    Find { code: String },
    /// Ouvre un retour sous garantie et fait le bon de dépôt.
    Open {
        /// L'appareil rendu : étiquette, n° de série ou IMEI.
        tag: String,
        /// Catégorie de panne (ne démarre pas, écran, batterie, clavier, stockage, réseau,
        /// logiciel, son, casse, autre).
        #[arg(long)]
        category: String,
        /// La panne telle que la famille la décrit.
        #[arg(long)]
        fault: String,
        #[command(flatten)]
        print: PrintArgs,
    },
    /// Les retours : en cours d'abord (âge et délai), puis terminés.
    List {
        /// Aussi les retours terminés.
        #[arg(long)]
        all: bool,
    },
    /// Un retour, par son numéro.
    Show { number: String },
    /// Termine un retour : réparé (rendu), échangé (--new-tag, responsable) ou remboursé
    /// (--refund, responsable, permanence ouverte), et fait ses documents.
    Close {
        number: String,
        /// reparé, échangé ou remboursé.
        #[arg(long)]
        outcome: String,
        #[arg(long)]
        diagnosis: String,
        /// L'appareil remis en échange (même type, catégorie égale ou meilleure).
        #[arg(long)]
        new_tag: Option<String>,
        /// Le moyen de remboursement (espèces, carte, chèque, virement).
        #[arg(long)]
        refund: Option<String>,
        #[command(flatten)]
        print: PrintArgs,
    },
}

#[derive(Subcommand)]
pub(crate) enum RecycleCommand {
    /// Les appareils qui peuvent partir au recyclage (défectueux d'abord).
    Candidates,
    /// Enregistre un lot remis à un point de collecte agréé (responsable) et fait sa liste.
    /// Chaque appareil : ETIQUETTE, ou ETIQUETTE:destruction (effacement, physique, aucune),
    /// ou ETIQUETTE:physique:comment et par qui.
    Record {
        /// Les appareils du lot.
        #[arg(required = true)]
        devices: Vec<String>,
        #[arg(long)]
        collection_point: String,
        /// Le numéro du bordereau remis par le point de collecte.
        #[arg(long)]
        reference: String,
        /// La date de remise (AAAA-MM-JJ ; par défaut : aujourd'hui).
        #[arg(long, default_value = "")]
        date: String,
        #[command(flatten)]
        print: PrintArgs,
    },
    /// Les lots de recyclage, les plus récents d'abord.
    List,
    /// Un lot, par son numéro.
    Show { number: String },
}

fn made_lines(made: &[Made]) -> Vec<String> {
    let mut lines = Vec::new();
    for m in made {
        lines.push(format!("{} : {}", m.document.title, m.path));
        if let Some(job) = &m.printed {
            lines.push(format!("  {}", print_message(job)));
        }
    }
    lines
}

fn printing_result(made: &[Made]) -> Result<(), Error> {
    made.iter().try_for_each(|m| m.printing_result())
}

fn describe(r: &WarrantyReturn) -> String {
    let mut lines = vec![
        format!("Retour n° {} — {} ({}) — {}", r.number, r.tag, r.designation, r.status),
        format!(
            "  Remis le {} (ticket n° {}, ligne {}) ; déposé le {} par {}",
            r.delivered_on.format("%d/%m/%Y"),
            r.receipt,
            r.line,
            comptoir::desk::format_timestamp(&r.opened_at),
            r.opened_by
        ),
        format!("  Panne : {} — « {} »", r.fault_label, r.fault),
        format!("  {}", r.guarantee_text),
    ];
    if let Some(end) = &r.outcome {
        lines.push(format!("  Diagnostic : {} ; issue : {}", end.diagnosis, end.label));
        if let Some(n) = &end.exchange_number {
            lines.push(format!(
                "  Échange n° {n} : {} remis",
                end.new_tag.clone().unwrap_or_default()
            ));
        }
        if let Some(n) = &end.credit_note {
            lines.push(format!("  Avoir n° {n}"));
        }
        if let Some(g) = &end.guarantee_after {
            lines.push(format!(
                "  Garantie prolongée jusqu'au {}",
                g.ends_on.format("%d/%m/%Y")
            ));
        }
    }
    lines.join("\n")
}

pub(crate) fn sav(
    store: &mut Store,
    database: &Path,
    command: SavCommand,
    json: bool,
    who: &mut Who,
) -> Result<(), Error> {
    match command {
        SavCommand::Find { code } => {
            let found = aftersales::return_candidates(store, &code)?;
            output(json, &found, || {
                found
                    .iter()
                    .map(|p| {
                        format!(
                            "{} ({}) — ticket n° {}, ligne {}, remis le {}{}\n  {}\n  {}",
                            p.tag,
                            p.designation,
                            p.receipt,
                            p.line,
                            p.delivered_on.format("%d/%m/%Y"),
                            p.open_return
                                .as_ref()
                                .map(|n| format!(" — retour n° {n} en cours"))
                                .unwrap_or_default(),
                            p.guarantee_text,
                            p.deadline_text
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        SavCommand::Open {
            tag,
            category,
            fault,
            print,
        } => {
            let actor = who.get(store)?;
            let input = ReturnInput {
                tag,
                fault_category: category,
                fault,
            };
            let opened = aftersales::open_return(store, &input, &actor)?;
            let docs = aftersales::deposit_documents(store, &opened.number, &actor)?;
            let made = keep_all(store, database, docs, &print)?;
            #[derive(serde::Serialize)]
            struct Opened<'a> {
                #[serde(rename = "return")]
                ret: &'a WarrantyReturn,
                documents: &'a [Made],
            }
            output(
                json,
                &Opened {
                    ret: &opened,
                    documents: &made,
                },
                || {
                    let mut lines = vec![describe(&opened)];
                    lines.extend(made_lines(&made));
                    lines.join("\n")
                },
            );
            printing_result(&made)?;
        }
        SavCommand::List { all } => {
            let rows = aftersales::warranty_returns(store, !all)?;
            output(json, &rows, || {
                if rows.is_empty() {
                    return "Aucun retour sous garantie en cours.".into();
                }
                rows.iter()
                    .map(|r| {
                        format!(
                            "{}\t{}\t{}\t{} j\t{}",
                            r.number, r.tag, r.fault_label, r.age_days, r.status
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        SavCommand::Show { number } => {
            let r = aftersales::warranty_return(store, &number)?;
            output(json, &r, || describe(&r));
        }
        SavCommand::Close {
            number,
            outcome,
            diagnosis,
            new_tag,
            refund,
            print,
        } => {
            let actor = who.get(store)?;
            let input = OutcomeInput {
                number,
                outcome,
                diagnosis,
                new_tag,
                refund_method: refund,
            };
            let closed = aftersales::close_return(store, &input, &actor)?;
            let docs = aftersales::outcome_documents(store, &closed.ret.number, &actor)?;
            let made = keep_all(store, database, docs, &print)?;
            #[derive(serde::Serialize)]
            struct Ended<'a> {
                #[serde(flatten)]
                closed: &'a aftersales::Closed,
                documents: &'a [Made],
            }
            output(
                json,
                &Ended {
                    closed: &closed,
                    documents: &made,
                },
                || {
                    let mut lines = vec![describe(&closed.ret)];
                    lines.extend(made_lines(&made));
                    lines.join("\n")
                },
            );
            printing_result(&made)?;
        }
    }
    Ok(())
}

fn describe_batch(b: &RecyclingBatch) -> String {
    let mut lines = vec![format!(
        "Lot n° {} — {} — remis le {} (bordereau {}) — {} appareil(s)",
        b.number,
        b.collection_point,
        b.handed_on.format("%d/%m/%Y"),
        b.reference,
        b.devices.len()
    )];
    for d in &b.devices {
        lines.push(format!(
            "  {}\t{}\t{}{}",
            d.tag,
            d.designation,
            d.destruction_label,
            d.erasure
                .as_ref()
                .map(|e| format!(" : {e}"))
                .or_else(|| (!d.detail.is_empty()).then(|| format!(" : {}", d.detail)))
                .unwrap_or_default()
        ));
    }
    lines.join("\n")
}

pub(crate) fn recycle(
    store: &mut Store,
    database: &Path,
    command: RecycleCommand,
    json: bool,
    who: &mut Who,
) -> Result<(), Error> {
    match command {
        RecycleCommand::Candidates => {
            let rows = aftersales::recycling_candidates(store)?;
            output(json, &rows, || {
                rows.iter()
                    .map(|c| {
                        format!(
                            "{}\t{}\t{}\t{}",
                            c.tag,
                            c.state.label(),
                            c.designation,
                            match (c.holds_data, &c.erasure) {
                                (false, _) => "sans donnée".to_string(),
                                (true, Some(r)) => format!("effacement {r}"),
                                (true, None) => "sans effacement : destruction physique à décrire".to_string(),
                            }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        RecycleCommand::Record {
            devices,
            collection_point,
            reference,
            date,
            print,
        } => {
            let actor = who.get(store)?;
            let input = RecyclingInput {
                collection_point,
                handed_on: date,
                reference,
                devices: devices
                    .iter()
                    .map(|d| {
                        let mut parts = d.splitn(3, ':');
                        RecycledInput {
                            tag: parts.next().unwrap_or_default().to_string(),
                            destruction: parts.next().unwrap_or_default().to_string(),
                            detail: parts.next().unwrap_or_default().to_string(),
                        }
                    })
                    .collect(),
            };
            let batch = aftersales::record_recycling(store, &input, &actor)?;
            let docs = aftersales::recycling_documents(store, &batch.number, &actor)?;
            let made = keep_all(store, database, docs, &print)?;
            #[derive(serde::Serialize)]
            struct Recorded<'a> {
                batch: &'a RecyclingBatch,
                documents: &'a [Made],
            }
            output(
                json,
                &Recorded {
                    batch: &batch,
                    documents: &made,
                },
                || {
                    let mut lines = vec![describe_batch(&batch)];
                    lines.extend(made_lines(&made));
                    lines.join("\n")
                },
            );
            printing_result(&made)?;
        }
        RecycleCommand::List => {
            let rows = aftersales::recycling_batches(store)?;
            output(json, &rows, || {
                if rows.is_empty() {
                    return "Aucun lot de recyclage.".into();
                }
                rows.iter().map(describe_batch).collect::<Vec<_>>().join("\n")
            });
        }
        RecycleCommand::Show { number } => {
            let b = aftersales::recycling_batch(store, &number)?;
            output(json, &b, || describe_batch(&b));
        }
    }
    Ok(())
}
