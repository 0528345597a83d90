//! `comptoir session`, `sale`, `journal`, `closing` and `register`: the point of sale.

use comptoir::desk::Code;
use std::path::Path;

use clap::Subcommand;

use comptoir::desk::people::{fr_date, DeviceKind};
use comptoir::desk::pos::{
    self, CashReport, DeviceRequest, ItemRequest, LegalCaps, PaymentMethod, SalePayment, SaleRecord, SaleRequest,
};
use comptoir::desk::{self, Error, Money, Store};

use super::output::{note, output};
use super::Who;

#[derive(clap::Args)]
pub(crate) struct ClosingArgs {
    /// day, month ou year.
    #[arg(value_parser = pos::Period::parse)]
    period: pos::Period,
    /// Un jour de la période (par défaut : aujourd'hui).
    #[arg(long)]
    date: Option<String>,
}

#[derive(clap::Args)]
pub(crate) struct RegisterArgs {
    /// Code du centre (ex. C03).
    #[arg(long)]
    centre: Option<String>,
    /// Code de la caisse sur ce poste (ex. R1) : différent sur chaque poste du centre.
    #[arg(long)]
    register: Option<String>,
}

pub(crate) fn session(store: &mut Store, cmd: SessionCommand, json: bool, who: &mut Who) -> Result<(), Error> {
    let report = match cmd {
        SessionCommand::Open { float } => {
            let actor = who.get(store)?;
            pos::open_session(store, &actor, float)?
        }
        SessionCommand::Report => pos::x_report(store)?,
        SessionCommand::Close { counted, comment } => {
            let actor = who.get(store)?;
            let closed = pos::close_session(
                &std::cell::RefCell::new(store),
                &actor,
                counted.into_iter().collect(),
                &comment,
            )?;
            match (&closed.backup.file, &closed.backup.error) {
                (Some(file), _) => note(&format!("Sauvegarde faite : {file}")),
                (None, Some(e)) => note(&format!("Attention : {e}")),
                _ => {}
            }
            closed.report
        }
    };
    output(json, &report, || show_report(&report));
    Ok(())
}

pub(crate) fn journal(store: &mut Store, cmd: JournalCommand, json: bool, who: &mut Who) -> Result<(), Error> {
    match cmd {
        JournalCommand::DeclareRestore => {
            let actor = who.get(store)?;
            let done = pos::declare_restore(store, &actor)?;
            output(json, &done, || done.message.clone());
        }
        JournalCommand::List {
            kind,
            by,
            from,
            to,
            before,
            limit,
        } => {
            let query = pos::JournalQuery {
                kind,
                operator: by,
                from,
                to,
                before,
                limit,
            };
            let page = pos::journal_page(store, &query)?;
            output(json, &page, || {
                let mut lines: Vec<String> = page
                    .entries
                    .iter()
                    .map(|e| {
                        format!(
                            "n° {}  {}  {}  {} : {}",
                            e.seq,
                            desk::format_timestamp(&e.at),
                            e.operator,
                            e.kind_label,
                            e.summary
                        )
                    })
                    .collect();
                lines.push(format!("{} entrée(s) sur {}", page.entries.len(), page.total));
                if let Some(before) = page.next_before {
                    lines.push(format!("Suite : --before {before}"));
                }
                lines.join("\n")
            });
        }
        JournalCommand::Verify { against_hub: false } => {
            let v = pos::verify_store(store)?;
            output(json, &v, || v.message());
            if !v.is_intact() {
                return Err(Error::Refused {
                    code: Code::JournalBroken,
                    message: v.message(),
                });
            }
        }
        JournalCommand::Verify { against_hub: true } => {
            let v = pos::verify_store(store)?;
            let check =
                desk::network::verify_with_hub(&std::cell::RefCell::new(store), desk::network::Waiting::Person)?;
            let value = serde_json::json!({"journal": v, "hub": check});
            output(json, &value, || format!("{}\n{}", v.message(), check.message));
            if !v.is_intact() || !check.agrees {
                return Err(Error::Refused {
                    code: Code::JournalBroken,
                    message: if v.is_intact() { check.message } else { v.message() },
                });
            }
        }
    }
    Ok(())
}

pub(crate) fn closings(store: &Store, limit: usize, json: bool) -> Result<(), Error> {
    let list = pos::closings(store, limit)?;
    output(json, &list, || {
        if list.is_empty() {
            return "Aucune clôture : elles se font dès qu'une journée avec des ventes est terminée.".into();
        }
        list.iter()
            .map(|c| {
                format!(
                    "{}  {} au {}  net {}  ({}, {})",
                    c.key,
                    fr_date(c.start),
                    fr_date(c.end),
                    c.net,
                    c.made_by,
                    desk::format_timestamp(&c.made_at)
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

pub(crate) fn fiscal_year(store: &mut Store, first_month: Option<u32>, json: bool, who: &mut Who) -> Result<(), Error> {
    if let Some(month) = first_month {
        let actor = who.get(store)?;
        pos::save_fiscal_year(store, month, &actor)?;
    }
    let month = pos::fiscal_year_first_month(store)?;
    output(json, &serde_json::json!({"first_month": month}), || {
        format!("L'exercice commence le 1er du mois {month} (1 = janvier).")
    });
    Ok(())
}

pub(crate) fn closing(store: &mut Store, args: ClosingArgs, json: bool, who: &mut Who) -> Result<(), Error> {
    let day = desk::parse_day(args.date.as_deref())?;
    let actor = who.get(store)?;
    let closing = pos::close_period(store, args.period, day, desk::today(), &actor)?;
    let names = pos::programme_names(store)?;
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
                .map(|(p, v)| format!("  {} : {v}", names.get(p).unwrap_or(p))),
        );
        lines.push(format!("Grand total perpétuel : {}", closing.grand_total));
        lines.join("\n")
    });
    Ok(())
}

pub(crate) fn register(store: &mut Store, args: RegisterArgs, json: bool, who: &mut Who) -> Result<(), Error> {
    if args.centre.is_some() || args.register.is_some() {
        let (centre, register) = pos::register_identity(store)?;
        let actor = who.get(store)?;
        pos::save_register(
            store,
            args.centre.as_deref().unwrap_or(&centre),
            args.register.as_deref().unwrap_or(&register),
            &actor,
        )?;
    }
    let (centre, register) = pos::register_identity(store)?;
    let value = serde_json::json!({"centre_code": centre, "register_code": register});
    output(json, &value, || {
        format!("Centre {centre}, caisse {register} : tickets {centre}-{register}-AAAA-NNNNNN")
    });
    Ok(())
}

#[derive(Subcommand)]
pub(crate) enum SessionCommand {
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
pub(crate) enum SaleCommand {
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
        /// Vend un appareil hors des publics que son donateur a choisis : la raison écrite
        /// (responsable ; inscrite au journal avec la vente).
        #[arg(long)]
        reserved_override: Option<String>,
        /// Vend un ordinateur, une tablette ou un téléphone sans relevé d'effacement ou de test :
        /// la raison écrite (responsable ; inscrite au journal avec la vente).
        #[arg(long)]
        records_override: Option<String>,
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
    /// Corrige une ligne de vente : l'appareil réellement remis n'est pas celui de la ligne
    /// (étiquette mal scannée, conflit signalé par le hub). Acte d'un responsable, avec motif.
    CorrectLine {
        receipt: String,
        /// La ligne (1 = la première).
        #[arg(long)]
        line: usize,
        /// L'étiquette de l'appareil réellement remis.
        #[arg(long = "to")]
        to_tag: String,
        #[arg(long)]
        reason: String,
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
pub(crate) enum JournalCommand {
    /// Recalcule la chaîne et vérifie que ventes, avoirs, permanences et clôtures disent
    /// ce que dit leur entrée ; code de sortie non nul si ce n'est pas le cas.
    Verify {
        /// Compare aussi le journal aux empreintes que le hub du réseau a reçues pour cette
        /// caisse (un journal coupé ou réécrit est signalé).
        #[arg(long)]
        against_hub: bool,
    },
    /// Déclare la restauration d'une sauvegarde plus ancienne que ce que le réseau a reçu de
    /// cette caisse : le journal reprend après la dernière tête connue du réseau, les numéros
    /// de ticket après le dernier qu'il connaît (un responsable).
    DeclareRestore,
    /// Les entrées, les plus récentes d'abord, avec filtres (par pages).
    List {
        /// sale, credit_note, session_open, session_close, closing, document_copy, override,
        /// anonymisation.
        #[arg(long)]
        kind: Option<String>,
        /// Les entrées de cette personne seulement (le nom tel qu'il est au journal). Distinct
        /// de l'option globale --operator, qui dit qui agit.
        #[arg(long = "by", value_name = "NOM")]
        by: Option<String>,
        /// Premier jour (AAAA-MM-JJ ou JJ/MM/AAAA).
        #[arg(long)]
        from: Option<String>,
        /// Dernier jour, inclus.
        #[arg(long)]
        to: Option<String>,
        /// La page suivante : les entrées avant ce numéro.
        #[arg(long)]
        before: Option<i64>,
        /// Entrées par page (50 par défaut).
        #[arg(long)]
        limit: Option<usize>,
    },
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

pub(crate) fn sale(store: &mut Store, db: &Path, cmd: SaleCommand, json: bool, who: &mut Who) -> Result<(), Error> {
    match cmd {
        SaleCommand::Create {
            beneficiary,
            devices,
            items,
            prices,
            payments,
            programme,
            reserved_override,
            records_override,
        } => {
            let programmes = desk::programmes(store, db)?;
            let mut prices = prices.into_iter();
            let request = SaleRequest {
                reserved_override,
                records_override,
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
            let actor = who.get(store)?;
            let sale = pos::create_sale(store, &programmes, &LegalCaps::shipped(), &request, &actor)?;
            // The sale is made; its receipt's original may wait for the settings (said on stderr).
            if let Some(waiting) = desk::documents::waiting_note(store, &sale.receipt)? {
                super::output::note(&waiting);
            }
            output(json, &sale, || sale.receipt.clone());
        }
        SaleCommand::Cancel {
            receipt,
            line,
            reason,
            refund,
            defective,
        } => {
            let actor = who.get(store)?;
            let note = pos::cancel_sale(store, &receipt, line, &reason, refund, defective, &actor)?;
            output(json, &note, || {
                format!(
                    "Avoir {} : annule le ticket n° {} ({}).",
                    note.number, note.cancels, note.amount
                )
            });
        }
        SaleCommand::CorrectLine {
            receipt,
            line,
            to_tag,
            reason,
        } => {
            let actor = who.get(store)?;
            let fixed = pos::correct_line(store, &receipt, line, &to_tag, &reason, &actor)?;
            output(json, &fixed, || {
                format!(
                    "Ticket n° {}, ligne {} : {} remplacé par {} (remis en vente : {}).",
                    fixed.receipt, fixed.line, fixed.from_tag, fixed.to_tag, fixed.from_tag
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
                            desk::format_timestamp(&s.at),
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
        desk::format_timestamp(&s.at),
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
            desk::format_timestamp(&r.session.opened_at),
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
    if let Some(d) = &r.deposits {
        lines.push(d.text.clone());
    }
    lines.join("\n")
}
