//! `comptoir loan`: lend, list, show, give back, set the « lost after » date, declare lost, sell.

use std::path::Path;

use clap::Subcommand;
use comptoir::desk::documents::{self, Made};
use comptoir::desk::loans::{self, ConvertInput, GiveBackInput, Loan, LoanInput};
use comptoir::desk::pos::{LegalCaps, PaymentInput};
use comptoir::desk::{self, Error, Store};

use super::documents::{keep_all, print_message, PrintArgs};
use super::output::output;
use super::Who;

#[derive(Subcommand)]
pub(crate) enum LoanCommand {
    /// Prête un appareil disponible et fait la convention de prêt à signer.
    Lend {
        /// L'appareil : étiquette, n° de série ou IMEI.
        tag: String,
        /// Le numéro de la personne (comptoir beneficiary search).
        #[arg(long)]
        person: i64,
        /// Le programme qui prête (son identifiant).
        #[arg(long)]
        programme: String,
        /// La date de retour (JJ/MM/AAAA ; par défaut : la plus lointaine que le programme permet).
        #[arg(long, default_value = "")]
        due: String,
        /// Le dépôt de garantie (montant).
        #[arg(long, default_value = "")]
        deposit: String,
        /// espèces ou chèque (le chèque est gardé sans être encaissé).
        #[arg(long, default_value = "")]
        deposit_method: String,
        /// Le numéro du chèque de caution.
        #[arg(long, default_value = "")]
        cheque: String,
        #[command(flatten)]
        print: PrintArgs,
    },
    /// Les prêts en cours (les plus proches de leur date de retour d'abord).
    List {
        /// Aussi les prêts terminés.
        #[arg(long)]
        all: bool,
        /// Seulement les prêts en retard.
        #[arg(long)]
        overdue: bool,
    },
    /// Un prêt, par son numéro.
    Show { number: String },
    /// L'appareil revient : son état (bon état, abîmé, accessoires manquants), le dépôt rendu
    /// (ou gardé par un responsable s'il est abîmé ou incomplet), l'attestation de retour.
    Return {
        number: String,
        #[arg(long)]
        condition: String,
        #[arg(long, default_value = "")]
        notes: String,
        #[arg(long)]
        keep_deposit: bool,
        #[command(flatten)]
        print: PrintArgs,
    },
    /// La date après laquelle un prêt non rendu peut être déclaré perdu (responsable).
    LostAfter { number: String, date: String },
    /// Déclare perdu un prêt non rendu, passé sa date (responsable) : le dépôt est conservé.
    Lost { number: String },
    /// Transforme le prêt en vente à la même personne (éligibilité et prix du programme).
    Sell {
        number: String,
        #[arg(long)]
        price: String,
        /// Le programme de la vente (par défaut : celui du prêt).
        #[arg(long)]
        programme: Option<String>,
        /// Paiement MOYEN:MONTANT[:RÉFÉRENCE], ex. cash:20.00 (plusieurs possibles).
        #[arg(long = "payment")]
        payments: Vec<String>,
        /// Le dépôt en espèces compte comme paiement (le surplus est rendu).
        #[arg(long)]
        use_deposit: bool,
        #[command(flatten)]
        print: PrintArgs,
    },
}

fn describe(l: &Loan) -> String {
    let mut lines = vec![
        format!("Prêt n° {} — {} ({}) — {}", l.number, l.tag, l.designation, l.status),
        format!(
            "  À {} (fiche n° {}), programme {} ; prêté le {} ; dépôt : {}",
            l.person,
            l.person_id,
            l.programme,
            desk::format_timestamp(&l.lent_at),
            l.deposit_text
        ),
    ];
    if let Some(end) = &l.end {
        lines.push(format!(
            "  {} le {}{} ; dépôt {}{}",
            end.label,
            desk::format_timestamp(&end.at),
            end.condition_label
                .as_ref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default(),
            end.deposit,
            end.receipt
                .as_ref()
                .map(|r| format!(" ; ticket n° {r}"))
                .unwrap_or_default()
        ));
    }
    lines.join("\n")
}

fn with_documents(json: bool, loan: &Loan, made: &[Made]) {
    #[derive(serde::Serialize)]
    struct Done<'a> {
        loan: &'a Loan,
        documents: &'a [Made],
    }
    output(json, &Done { loan, documents: made }, || {
        let mut lines = vec![describe(loan)];
        for m in made {
            lines.push(format!("{} : {}", m.document.title, m.path));
            if let Some(job) = &m.printed {
                lines.push(format!("  {}", print_message(job)));
            }
        }
        lines.join("\n")
    });
}

fn payment(text: &str) -> PaymentInput {
    let mut parts = text.splitn(3, ':');
    PaymentInput {
        method: parts.next().unwrap_or_default().to_string(),
        amount: parts.next().unwrap_or_default().to_string(),
        reference: parts.next().map(str::to_string),
    }
}

pub(crate) fn run(
    store: &mut Store,
    database: &Path,
    command: LoanCommand,
    json: bool,
    who: &mut Who,
) -> Result<(), Error> {
    match command {
        LoanCommand::Lend {
            tag,
            person,
            programme,
            due,
            deposit,
            deposit_method,
            cheque,
            print,
        } => {
            let programmes = desk::programmes(store, database)?;
            let actor = who.get(store)?;
            let input = LoanInput {
                tag,
                person_id: person,
                programme,
                due_on: due,
                deposit,
                deposit_method,
                deposit_reference: cheque,
            };
            let loan = loans::lend(store, &programmes, &input, &actor)?;
            let docs = loans::lend_documents(store, &loan.number, &actor)?;
            let made = keep_all(store, database, docs, &print)?;
            with_documents(json, &loan, &made);
            made.iter().try_for_each(|m| m.printing_result())?;
        }
        LoanCommand::List { all, overdue } => {
            let rows = if overdue {
                loans::overdue_loans(store)?
            } else {
                loans::loans(store, !all)?
            };
            output(json, &rows, || {
                if rows.is_empty() {
                    return "Aucun prêt en cours.".into();
                }
                rows.iter()
                    .map(|l| format!("{}\t{}\t{}\t{}", l.number, l.tag, l.person, l.status))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        LoanCommand::Show { number } => {
            let l = loans::loan(store, &number)?;
            output(json, &l, || describe(&l));
        }
        LoanCommand::Return {
            number,
            condition,
            notes,
            keep_deposit,
            print,
        } => {
            let actor = who.get(store)?;
            let input = GiveBackInput {
                number,
                condition,
                notes,
                keep_deposit,
            };
            let loan = loans::give_back_loan(store, &input, &actor)?;
            let docs = loans::give_back_documents(store, &loan.number, &actor)?;
            let made = keep_all(store, database, docs, &print)?;
            with_documents(json, &loan, &made);
            made.iter().try_for_each(|m| m.printing_result())?;
        }
        LoanCommand::LostAfter { number, date } => {
            let actor = who.get(store)?;
            let l = loans::set_lost_after(store, &number, &date, &actor)?;
            output(json, &l, || describe(&l));
        }
        LoanCommand::Lost { number } => {
            let actor = who.get(store)?;
            let l = loans::declare_lost(store, &number, &actor)?;
            output(json, &l, || describe(&l));
        }
        LoanCommand::Sell {
            number,
            price,
            programme,
            payments,
            use_deposit,
            print,
        } => {
            let programmes = desk::programmes(store, database)?;
            let actor = who.get(store)?;
            let input = ConvertInput {
                number: number.clone(),
                programme,
                price,
                payments: payments.iter().map(|p| payment(p)).collect(),
                use_deposit,
            };
            let sale = loans::convert_loan(store, &programmes, &LegalCaps::shipped(), &input, &actor)?;
            let after = documents::after_sale(store, &sale.receipt, &actor)?;
            let made = keep_all(store, database, after.documents, &print)?;
            if let Some(waiting) = &after.waiting {
                super::output::note(waiting);
            }
            let loan = loans::loan(store, &number)?;
            with_documents(json, &loan, &made);
            made.iter().try_for_each(|m| m.printing_result())?;
        }
    }
    Ok(())
}
