//! What is done to a loan: lend, give back, set the « lost after » date, declare lost, turn into
//! a sale. Every check first; then one transaction with its journal entry and its event.

use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

use super::view::{self, Loan};
use super::{refused, Condition, ConvertInput, GiveBackInput, LoanInput, LOST_AFTER_DAYS};
use crate::device::{DeviceState, StockAction};
use crate::eligibility::Verdict;
use crate::error::{Code, Error, Result};
use crate::journal;
use crate::model::pos::{PaymentMethod, SalePayment, SaleRecord};
use crate::model::stock::Device;
use crate::money::Money;
use crate::operators::Actor;
use crate::pos::{DeviceRequest, SaleRequest};
use crate::programme::{LegalCaps, Programme};
use crate::protocol::{EventBody, LoanFacts};
use crate::stock;
use crate::store::loans::{self as sql, EndRow, LoanRow, NewLoan};
use crate::store::{self, devices, Db, Store};

#[derive(Serialize)]
struct LentEntry<'a> {
    number: &'a str,
    uuid: &'a str,
    tag: &'a str,
    person_id: i64,
    programme: &'a str,
    due_on: &'a str,
    lost_after: &'a str,
    deposit_method: Option<&'a str>,
    deposit_cents: i64,
    deposit_reference: Option<&'a str>,
    session: Option<i64>,
}

#[derive(Serialize)]
struct EndEntry<'a> {
    number: &'a str,
    uuid: &'a str,
    how: &'a str,
    condition: Option<&'a str>,
    notes: &'a str,
    deposit: &'a str,
    session: Option<i64>,
    receipt: Option<&'a str>,
}

/// What a loan's journal entries say, from its rows: its lending, then its end.
pub(crate) fn lent_entry(l: &LoanRow) -> serde_json::Value {
    serde_json::to_value(LentEntry {
        number: &l.number,
        uuid: &l.uuid,
        tag: &l.tag,
        person_id: l.person_id,
        programme: &l.programme,
        due_on: &l.due_on,
        lost_after: &l.lost_after_first,
        deposit_method: l.deposit_method.as_deref(),
        deposit_cents: l.deposit.cents(),
        deposit_reference: l.deposit_reference.as_deref(),
        session: l.session_id,
    })
    .expect("an entry serialises")
}

pub(crate) fn end_entry(number: &str, e: &EndRow) -> serde_json::Value {
    serde_json::to_value(EndEntry {
        number,
        uuid: &e.uuid,
        how: e.how,
        condition: e.condition,
        notes: &e.notes,
        deposit: e.deposit,
        session: e.session_id,
        receipt: e.receipt.as_deref(),
    })
    .expect("an entry serialises")
}

pub(crate) fn deadline_entry(number: &str, lost_after: &str) -> serde_json::Value {
    serde_json::json!({ "number": number, "lost_after": lost_after })
}

/// A stored day (AAAA-MM-JJ) as French read it.
fn fr_day(day: &str) -> String {
    NaiveDate::parse_from_str(day, "%Y-%m-%d").map_or(day.to_string(), |d| d.format("%d/%m/%Y").to_string())
}

fn date_of(stamp: &str) -> String {
    crate::local::local_day(stamp).map_or_else(|| stamp.chars().take(10).collect(), |d| d.to_string())
}

/// What the hub receives of a loan (no name): at its lending and at its end.
fn queue_event(tx: &Db, loan: &LoanRow, event_uuid: &str, now: &str) -> Result<()> {
    let (person, publics) = crate::sync::events::person_for_hub(tx, loan.person_id)?;
    let facts = LoanFacts {
        loan_id: loan.uuid.clone(),
        tag: loan.tag.clone(),
        kind: loan.kind,
        category: loan.category,
        programme: loan.programme.clone(),
        person,
        publics,
        lent_on: date_of(&loan.lent_at),
        due_on: loan.due_on.clone(),
        status: loan.end.as_ref().map_or("out", |e| e.how).to_string(),
        ended_on: loan.end.as_ref().map(|e| date_of(&e.at)),
        condition: loan.end.as_ref().and_then(|e| e.condition).map(str::to_string),
    };
    crate::store::sync::queue(tx, event_uuid, now, &EventBody::Loan(Box::new(facts)))
}

fn open_loan(store: &Store, number: &str) -> Result<LoanRow> {
    let loan = sql::loan_by_number(store.db(), number.trim())?
        .ok_or_else(|| refused(Code::NotFound, format!("Aucun prêt n° {} sur ce poste.", number.trim())))?;
    if let Some(end) = &loan.end {
        return Err(refused(
            Code::AlreadyClosed,
            format!(
                "Le prêt n° {} est déjà terminé ({}, le {}).",
                loan.number,
                view::how_label(end.how).to_lowercase(),
                crate::local::day_fr(&end.at)
            ),
        ));
    }
    Ok(loan)
}

fn parse_day(text: &str, what: &str) -> Result<NaiveDate> {
    crate::refurbishing::parse_date(text).ok_or_else(|| {
        refused(
            Code::Invalid,
            format!("{what} « {} » : une date (JJ/MM/AAAA ou AAAA-MM-JJ).", text.trim()),
        )
    })
}

/// Lends an available device: the programme lends this kind, the person is eligible to it (or
/// a manager overrode today), the device has its erasure and test records, the due date is
/// within the programme's longest loan, a cash deposit goes into the open permanence.
pub fn lend(store: &mut Store, programmes: &[Programme], input: &LoanInput, actor: &Actor) -> Result<Loan> {
    lend_on(store, programmes, input, actor, crate::local::today())
}

/// [`lend`] as if today were `today`: for the test suites, a loan made long ago (overdue, or
/// past its « lost after » date) through the same checks and journal (feature `test-support`,
/// never in a shipped binary).
#[cfg(any(test, feature = "test-support"))]
pub fn lend_as_of(
    store: &mut Store,
    programmes: &[Programme],
    input: &LoanInput,
    actor: &Actor,
    today: NaiveDate,
) -> Result<Loan> {
    lend_on(store, programmes, input, actor, today)
}

/// [`lend`] on the day `today` (the demo centre's loans made weeks ago go through it too).
pub(crate) fn lend_on(
    store: &mut Store,
    programmes: &[Programme],
    input: &LoanInput,
    actor: &Actor,
    today: NaiveDate,
) -> Result<Loan> {
    crate::operators::require_present(store.db(), actor)?;
    let programme = programmes
        .iter()
        .find(|p| p.id == input.programme.trim())
        .ok_or_else(|| {
            refused(
                Code::Invalid,
                format!("Programme « {} » inconnu.", input.programme.trim()),
            )
        })?;
    let rule = programme.loans.as_ref().ok_or_else(|| {
        refused(
            Code::Invalid,
            format!(
                "Le programme « {} » ne prévoit pas de prêt : choisissez un programme qui prête, ou vendez l'appareil.",
                programme.name
            ),
        )
    })?;
    let device = stock::find_by_code(store, &input.tag)?;
    if device.state != DeviceState::Available {
        return Err(refused(Code::Unavailable, stock::not_on_sale(&device)));
    }
    if !rule.lends(device.kind) {
        return Err(refused(
            Code::Invalid,
            format!(
                "Le programme « {} » ne prête pas de {}.",
                programme.name,
                device.kind.label().to_lowercase()
            ),
        ));
    }
    let (missing, _) = crate::records::missing_for_sale(store.db(), device.id, device.kind)?;
    if !missing.is_empty() {
        return Err(refused(
            Code::RecordsMissing,
            format!(
                "{} ne peut pas être prêté : il manque {}. Saisissez-le(s) dans Stock › Relevés.",
                device.tag,
                missing.join(" et ")
            ),
        ));
    }
    // Eligible to the programme's publics; its purchase limits bind sales, not loans (a loan
    // turned into a sale meets them then).
    let decided = crate::beneficiary::check_for_loan(store, std::slice::from_ref(programme), input.person_id, today)?;
    if decided.decision.decision != Verdict::Eligible && !decided.overridden(today, std::slice::from_ref(programme)) {
        return Err(refused(
            Code::NotEligible,
            format!(
                "La personne n'est pas éligible au programme « {} » :\n{}\nUn responsable peut déroger, avec une raison écrite.",
                programme.name,
                decided.decision.reason_lines()
            ),
        ));
    }
    let longest = today + chrono::Days::new(u64::from(rule.max_days));
    let due = match input.due_on.trim() {
        "" => longest,
        text => parse_day(text, "Date de retour")?,
    };
    if due <= today || due > longest {
        return Err(refused(
            Code::Invalid,
            format!(
                "Date de retour le {} : entre demain et le {} (le programme prête {} jours au plus).",
                due.format("%d/%m/%Y"),
                longest.format("%d/%m/%Y"),
                rule.max_days
            ),
        ));
    }
    let amount = match input.deposit.trim() {
        "" => Money::ZERO,
        text => Money::parse(text).map_err(Error::from)?,
    };
    let method =
        match (amount.cents(), crate::text::fold(&input.deposit_method).as_str()) {
            (0, _) => None,
            (_, "cash" | "especes") => Some("cash"),
            (_, "cheque") => Some("cheque"),
            _ => return Err(refused(
                Code::Invalid,
                "Dépôt de garantie : dites s'il est en espèces ou par chèque (le chèque est gardé sans être encaissé).",
            )),
        };
    if amount.cents() < 0 {
        return Err(refused(Code::Invalid, "Le dépôt de garantie ne peut pas être négatif."));
    }
    let reference = Some(input.deposit_reference.trim()).filter(|r| !r.is_empty() && method == Some("cheque"));
    let session = match method {
        Some("cash") => Some(crate::pos::current_session(store)?.ok_or_else(|| {
            refused(
                Code::NoOpenSession,
                "Un dépôt en espèces entre dans la caisse : ouvrez la permanence avant de prêter.",
            )
        })?),
        _ => None,
    };
    let operator = actor.name();
    let number = store.with_tx(|tx| {
        let now = store::now_text();
        let number = crate::aftersales::next_number(tx, "PR", &now)?;
        let uuid = Uuid::now_v7().to_string();
        let (due_text, lost_text) = (due.to_string(), (due + chrono::Days::new(LOST_AFTER_DAYS)).to_string());
        let mut row = NewLoan {
            uuid: &uuid,
            number: &number,
            device_id: device.id,
            person_id: input.person_id,
            programme: &programme.id,
            programme_name: &programme.name,
            at: &now,
            due_on: &due_text,
            lost_after: &lost_text,
            deposit: method.map(|m| (m, amount, reference)),
            session_id: session.as_ref().map(|s| s.id),
            operator,
            journal_seq: 0,
        };
        let entry = LentEntry {
            number: &number,
            uuid: &uuid,
            tag: device.tag.as_str(),
            person_id: input.person_id,
            programme: &programme.id,
            due_on: &due_text,
            lost_after: &lost_text,
            deposit_method: method,
            deposit_cents: amount.cents(),
            deposit_reference: reference,
            session: row.session_id,
        };
        row.journal_seq = journal::append(tx, "loan", operator, &now, &entry)?;
        sql::insert_loan(tx, &row)?;
        let why = format!("Prêt n° {number}, à rendre le {}", due.format("%d/%m/%Y"));
        stock::transition_in(tx, device.clone(), StockAction::Lend, operator, &why, &now)?;
        let loan = sql::loan_by_number(tx, &number)?.expect("just written");
        queue_event(tx, &loan, &uuid, &now)?;
        Ok(number)
    })?;
    tracing::info!(numero = %number, "prêt enregistré");
    view::get(store, &number)
}

/// Writes a loan's end: its journal entry, its row, its event.
fn finish(tx: &Db, loan: &LoanRow, mut end: EndRow) -> Result<()> {
    end.journal_seq = journal::append(
        tx,
        "loan_end",
        &end.operator.clone(),
        &end.at.clone(),
        &end_entry(&loan.number, &end),
    )?;
    sql::insert_end(tx, loan.id, &end)?;
    let ended = sql::loan_by_number(tx, &loan.number)?.expect("just written");
    queue_event(tx, &ended, &end.uuid, &end.at)
}

fn end_row(how: &'static str, now: &str, operator: &str) -> EndRow {
    EndRow {
        uuid: Uuid::now_v7().to_string(),
        how,
        at: now.to_string(),
        operator: operator.to_string(),
        condition: None,
        notes: String::new(),
        deposit: "none",
        session_id: None,
        sale_id: None,
        receipt: None,
        journal_seq: 0,
    }
}

fn lent_device(tx: &Db, loan: &LoanRow) -> Result<Device> {
    Ok(devices::by_id(tx, loan.device_id)?.expect("a lent device exists"))
}

/// The device comes back: its condition checked (damaged: out of order), its data to erase
/// again; the deposit given back (cash: from the open permanence), or kept by a manager for a
/// device damaged or incomplete.
pub fn give_back(store: &mut Store, input: &GiveBackInput, actor: &Actor) -> Result<Loan> {
    crate::operators::require_present(store.db(), actor)?;
    let loan = open_loan(store, &input.number)?;
    let condition = Condition::parse(&input.condition)?;
    let notes = input.notes.trim().to_string();
    if condition != Condition::Good && notes.chars().count() < 3 {
        return Err(Error::ReasonRequired(format!(
            "Décrivez ce qui est abîmé ou ce qui manque (prêt n° {}).",
            loan.number
        )));
    }
    let deposit = match (loan.deposit_method.is_some(), input.keep_deposit) {
        (false, _) => "none",
        (true, false) => "given_back",
        (true, true) => {
            crate::operators::require_manager(store.db(), actor)?;
            if condition == Condition::Good {
                return Err(refused(
                    Code::Invalid,
                    "Un appareil rendu en bon état rend son dépôt de garantie à la personne.",
                ));
            }
            "kept"
        }
    };
    let session = match (loan.deposit_method.as_deref(), deposit) {
        (Some("cash"), "given_back") => Some(crate::pos::current_session(store)?.ok_or_else(|| {
            refused(
                Code::NoOpenSession,
                "Le dépôt en espèces se rend depuis la caisse : ouvrez la permanence.",
            )
        })?),
        _ => None,
    };
    let operator = actor.name();
    store.with_tx(|tx| {
        let now = store::now_text();
        let mut end = end_row("returned", &now, operator);
        end.condition = Some(condition.code());
        end.notes = notes.clone();
        end.deposit = deposit;
        end.session_id = session.as_ref().map(|s| s.id);
        finish(tx, &loan, end)?;
        let why = format!(
            "Retour du prêt n° {} : {}",
            loan.number,
            Condition::label_of(condition.code()).to_lowercase()
        );
        let back = stock::transition_in(tx, lent_device(tx, &loan)?, StockAction::EndLoan, operator, &why, &now)?;
        // A person used it: its data must be erased again before it is lent or sold again.
        crate::store::records::clear_erasure(tx, back.id)?;
        if condition == Condition::Damaged {
            stock::transition_in(
                tx,
                back,
                StockAction::MarkDefective,
                operator,
                &format!("{why} : {notes}"),
                &now,
            )?;
        }
        Ok(())
    })?;
    tracing::info!(numero = %loan.number, "prêt rendu");
    view::get(store, &loan.number)
}

/// A manager sets the date after which a loan not given back may be declared lost (on or after
/// its due date).
pub fn set_lost_after(store: &mut Store, number: &str, date: &str, actor: &Actor) -> Result<Loan> {
    crate::operators::require_manager(store.db(), actor)?;
    let loan = open_loan(store, number)?;
    let day = parse_day(date, "Date")?;
    let due = NaiveDate::parse_from_str(&loan.due_on, "%Y-%m-%d").unwrap_or(day);
    if day < due {
        return Err(refused(
            Code::Invalid,
            format!(
                "Le prêt n° {} est à rendre le {} : il ne peut être déclaré perdu qu'après.",
                loan.number,
                due.format("%d/%m/%Y")
            ),
        ));
    }
    let operator = actor.name();
    store.with_tx(|tx| {
        let now = store::now_text();
        let text = day.to_string();
        let seq = journal::append(
            tx,
            "loan_deadline",
            operator,
            &now,
            &deadline_entry(&loan.number, &text),
        )?;
        sql::insert_deadline(tx, loan.id, &text, &now, operator, seq)
    })?;
    view::get(store, &loan.number)
}

/// A manager declares a loan never given back lost, once its « lost after » date has passed:
/// the device leaves the stock, the deposit is kept.
pub fn declare_lost(store: &mut Store, number: &str, actor: &Actor) -> Result<Loan> {
    crate::operators::require_manager(store.db(), actor)?;
    let loan = open_loan(store, number)?;
    let today = crate::local::today();
    let after = NaiveDate::parse_from_str(&loan.lost_after, "%Y-%m-%d").unwrap_or(today);
    if today <= after {
        return Err(refused(
            Code::Invalid,
            format!(
                "Le prêt n° {} ne peut être déclaré perdu qu'après le {} (date fixée par un responsable ; \
                 il était à rendre le {}).",
                loan.number,
                after.format("%d/%m/%Y"),
                fr_day(&loan.due_on)
            ),
        ));
    }
    let operator = actor.name();
    store.with_tx(|tx| {
        let now = store::now_text();
        let mut end = end_row("lost", &now, operator);
        end.deposit = if loan.deposit_method.is_some() { "kept" } else { "none" };
        end.notes = format!("Non rendu ; à rendre le {}", fr_day(&loan.due_on));
        finish(tx, &loan, end)?;
        let why = format!("Prêt n° {} non rendu, déclaré perdu", loan.number);
        stock::transition_in(
            tx,
            lent_device(tx, &loan)?,
            StockAction::DeclareLost,
            operator,
            &why,
            &now,
        )?;
        Ok(())
    })?;
    tracing::info!(numero = %loan.number, "prêt déclaré perdu");
    view::get(store, &loan.number)
}

/// The loan a sale turns into: the device the sale may take while it is lent, and what becomes
/// of the deposit.
pub(crate) struct LentDevice {
    pub loan: LoanRow,
    pub use_deposit: bool,
}

/// Turns a loan into a sale to the same person: the sale's own checks (eligibility, price band
/// and legal cap, payments); a cash deposit counted as a cash payment when asked (any surplus
/// given back as change), otherwise given back.
pub fn convert(
    store: &mut Store,
    programmes: &[Programme],
    caps: &LegalCaps,
    input: &ConvertInput,
    actor: &Actor,
) -> Result<SaleRecord> {
    crate::operators::require_present(store.db(), actor)?;
    let loan = open_loan(store, &input.number)?;
    let price = Money::parse(input.price.trim()).map_err(Error::from)?;
    let mut payments: Vec<SalePayment> = crate::pos::parse_payments(&input.payments)?;
    let cash_deposit = loan.deposit_method.as_deref() == Some("cash");
    if input.use_deposit {
        if !cash_deposit {
            return Err(refused(
                Code::Invalid,
                "Seul un dépôt en espèces peut servir de paiement (un chèque de caution est rendu).",
            ));
        }
        payments.push(SalePayment {
            method: PaymentMethod::Cash,
            amount: loan.deposit,
            reference: Some(format!("Dépôt de garantie du prêt n° {}", loan.number)),
        });
    }
    let request = SaleRequest {
        uuid: Uuid::now_v7(),
        person_id: Some(loan.person_id),
        programme: Some(input.programme.clone().unwrap_or_else(|| loan.programme.clone())),
        devices: vec![DeviceRequest {
            tag: loan.tag.clone(),
            price: Some(price),
        }],
        items: vec![],
        payments,
        reserved_override: None,
        records_override: None,
    };
    let lent = LentDevice {
        loan,
        use_deposit: input.use_deposit,
    };
    crate::pos::create_sale_from_loan(store, programmes, caps, &request, &lent, actor)
}

/// Inside a sale's transaction: the loan ends as sold (its deposit paid or given back in the
/// open permanence), and its device is available again for the sale to take.
pub(crate) fn end_by_sale(
    tx: &Db,
    lent: &LentDevice,
    sale_id: i64,
    receipt: &str,
    operator: &str,
    now: &str,
) -> Result<Device> {
    let loan = &lent.loan;
    let session = crate::store::pos::open_session(tx)?;
    let mut end = end_row("sold", now, operator);
    end.deposit = match (loan.deposit_method.is_some(), lent.use_deposit) {
        (false, _) => "none",
        (true, true) => "paid",
        (true, false) => "given_back",
    };
    if loan.deposit_method.as_deref() == Some("cash") {
        end.session_id = session.map(|s| s.id);
    }
    end.sale_id = Some(sale_id);
    end.receipt = Some(receipt.to_string());
    end.notes = format!("Vendu : ticket n° {receipt}");
    finish(tx, loan, end)?;
    let why = format!("Prêt n° {} transformé en vente (ticket n° {receipt})", loan.number);
    stock::transition_in(tx, lent_device(tx, loan)?, StockAction::EndLoan, operator, &why, now)
}
