//! La caisse and `comptoir session` / `sale` / `closing` / `register` / `journal`: the
//! permanence (its closing backed up at once), quotes, sales, credit notes, period closings,
//! this register's identity.

use std::collections::BTreeMap;

use serde::Serialize;

use super::safety::{self, BackupOutcome};
use crate::backup;
use crate::error::Result;
use crate::money::Money;
use crate::operators::Actor;
use crate::pos;
use crate::pos::{set_fiscal_year_first_month, set_register_identity};
use crate::store::{Store, Writer};

pub use crate::archive::{public_key as archive_public_key, verify as verify_archive, ArchiveCheck};
pub use crate::journal::{
    list as journal_entries, verify_store, JournalEntry, JournalFilter, JournalPage, Verification,
};
pub use crate::pos::{
    cancel_sale, close_ended_periods, close_period, closings, correct_line, counted_kinds, create_sale,
    current_session, declare_restore, fiscal_year_first_month, list_sales, programme_names, quote, quote_cart,
    register_identity, sale, x_report, CartLine, CartQuote, CashReport, Closing, ClosingSummary, CreditNote,
    DeviceRequest, ItemRequest, LineCorrected, PaymentInput, PaymentMethod, Period, Quote, RestoreDeclared, SaleInput,
    SalePayment, SaleRecord, SaleRequest, SaleSummary, SessionInfo, CENTRE_CODE, REGISTER_CODE,
};
pub use crate::programme::LegalCaps;

/// Opens the permanence with its float, then the cash desk as it stands.
pub fn open_session(store: &mut Store, actor: &Actor, float: Money) -> Result<CashReport> {
    pos::open_session(store, actor, float)?;
    pos::x_report(store)
}

/// The closings the till rules require, made by Comptoir itself for every period that has
/// ended (see [`close_ended_periods`]): at the app's start, by its worker after midnight, and
/// by each command that opens the database. Logged with their count.
pub fn catch_up_closings(store: &mut Store) -> Result<Vec<Closing>> {
    let made = close_ended_periods(store, crate::local::today())?;
    if !made.is_empty() {
        tracing::info!(clotures = made.len(), "clôtures automatiques");
    }
    Ok(made)
}

/// The amounts counted at the closing, as typed per payment method (empty ones left out).
pub fn parse_counted<'a>(
    counted: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<BTreeMap<PaymentMethod, Money>> {
    let mut parsed = BTreeMap::new();
    for (method, amount) in counted.into_iter().filter(|(_, a)| !a.trim().is_empty()) {
        let amount = Money::parse(amount)?;
        parsed.insert(PaymentMethod::parse(method)?, amount);
    }
    Ok(parsed)
}

/// A closed permanence, and the backup made right after it.
#[derive(Debug, Clone, Serialize)]
pub struct Closed {
    #[serde(flatten)]
    pub report: CashReport,
    pub backup: BackupOutcome,
}

/// Closes the permanence (a manager), then backs the database up: each closing is backed up,
/// and a failed backup does not undo the closing (the status shows the last good one's age).
pub fn close_session(
    w: &impl Writer,
    actor: &Actor,
    counted: BTreeMap<PaymentMethod, Money>,
    comment: &str,
) -> Result<Closed> {
    let report = w.write(|s| pos::close_session(s, actor, counted, comment))?;
    let backup = BackupOutcome::of(safety::backup(w, None, backup::Reason::Closing));
    Ok(Closed { report, backup })
}

/// La caisse as it stands: the open permanence, the journal's verification (a broken chain
/// blocks selling), this register's identity, the payment methods.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PosState {
    pub session: Option<SessionInfo>,
    pub journal: Verification,
    pub journal_message: String,
    pub centre_code: String,
    pub register_code: String,
    pub payment_methods: Vec<crate::device::Term>,
    /// The kinds sold by count (no tag to scan): the cart's « Ajouter un article » offers these.
    pub counted_kinds: Vec<crate::device::Term>,
    /// What the cash desk says when no permanence is open: how to open one.
    pub closed_hint: String,
    /// An older backup was restored and not declared: why no permanence opens (the window
    /// offers « Déclarer la reprise »).
    pub restore_pending: Option<String>,
}

/// The cash desk's state, with the journal's verification made once by the caller.
pub fn state(store: &Store, journal: Verification) -> Result<PosState> {
    let (centre_code, register_code) = register_identity(store)?;
    Ok(PosState {
        session: current_session(store)?,
        journal_message: journal.message(),
        journal,
        centre_code,
        register_code,
        payment_methods: crate::device::terms::<PaymentMethod>(),
        counted_kinds: counted_kinds(),
        closed_hint: "Aucune permanence n'est ouverte. Pour vendre, ouvrez-en une : comptez les espèces du \
                      tiroir, saisissez-les dans « Fond de caisse », puis « Ouvrir »."
            .into(),
        restore_pending: crate::pos::restore_warning(store)?,
    })
}

/// Les clôtures (Bilans): those made, newest first, and the first month of the financial year.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ClosingsView {
    pub closings: Vec<ClosingSummary>,
    pub fiscal_year_first_month: u32,
}

pub fn closings_view(store: &Store) -> Result<ClosingsView> {
    Ok(ClosingsView {
        closings: closings(store, 100)?,
        fiscal_year_first_month: fiscal_year_first_month(store)?,
    })
}

/// Sets the first month of the financial year (a manager), then the view.
pub fn save_fiscal_year(store: &mut Store, month: u32, actor: &Actor) -> Result<ClosingsView> {
    set_fiscal_year_first_month(store, month, actor)?;
    closings_view(store)
}

/// Le journal: its state (entries, head, whether the chain holds, its last full check: when,
/// by whom), the kinds of entry and the names that wrote, for the list's filters.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct JournalState {
    pub entries: i64,
    pub head: String,
    pub intact: bool,
    pub message: String,
    pub verified_at: Option<String>,
    pub verified_by: Option<String>,
    pub kinds: Vec<crate::device::Term>,
    pub operators: Vec<String>,
}

const VERIFIED_AT: &str = "journal_verified_at";
const VERIFIED_BY: &str = "journal_verified_by";

/// The journal's state, with `verification` made by the caller (the window's, once at start).
pub fn journal_state(store: &Store, verification: &Verification) -> Result<JournalState> {
    Ok(JournalState {
        entries: verification.entries,
        head: verification.last_hash.clone(),
        intact: verification.is_intact(),
        message: verification.message(),
        verified_at: crate::store::pos::setting(store.db(), VERIFIED_AT)?,
        verified_by: crate::store::pos::setting(store.db(), VERIFIED_BY)?,
        kinds: crate::journal::KINDS
            .iter()
            .map(|&(code, label)| crate::device::Term { code, label })
            .collect(),
        operators: crate::journal::operators(store)?,
    })
}

/// « Vérifier »: the whole chain checked now, and who did it, recorded.
pub fn verify_journal(store: &mut Store, actor: &Actor) -> Result<JournalState> {
    crate::operators::require_present(store.db(), actor)?;
    let verification = verify_store(store)?;
    let now = crate::store::now_text();
    store.with_tx(|tx| {
        crate::store::pos::set_setting(tx, VERIFIED_AT, &now)?;
        crate::store::pos::set_setting(tx, VERIFIED_BY, actor.name())
    })?;
    journal_state(store, &verification)
}

/// The journal's filters as typed (days as AAAA-MM-JJ or JJ/MM/AAAA).
#[derive(Debug, Clone, Default, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct JournalQuery {
    pub kind: Option<String>,
    pub operator: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub before: Option<i64>,
    pub limit: Option<usize>,
}

/// A page of the journal's entries, newest first (a day that is not one is refused in French).
pub fn journal_page(store: &Store, query: &JournalQuery) -> Result<JournalPage> {
    let day = |text: &Option<String>| -> Result<Option<chrono::NaiveDate>> {
        match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(t) => super::parse_day(Some(t)).map(Some),
        }
    };
    let filter = JournalFilter {
        kind: query.kind.clone(),
        operator: query.operator.clone(),
        from: day(&query.from)?,
        to: day(&query.to)?,
        before: query.before,
        limit: query.limit,
    };
    journal_entries(store, &filter)
}

/// This register's identity in receipt numbers, and the financial year's first month, as
/// Réglages shows them.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RegisterView {
    pub centre_code: String,
    pub register_code: String,
    /// Whether it can still change (no sale on this register yet).
    pub changeable: bool,
    pub fiscal_year_first_month: u32,
}

pub fn register_view(store: &Store) -> Result<RegisterView> {
    let (centre_code, register_code) = register_identity(store)?;
    Ok(RegisterView {
        centre_code,
        register_code,
        changeable: crate::store::pos::sales_count(store.db())? == 0,
        fiscal_year_first_month: fiscal_year_first_month(store)?,
    })
}

/// Sets the centre and register codes (refused once this register has sales), then the view.
pub fn save_register(store: &mut Store, centre_code: &str, register_code: &str, actor: &Actor) -> Result<RegisterView> {
    let (centre, register) = (
        crate::pos::check_code(centre_code)?,
        crate::pos::check_code(register_code)?,
    );
    set_register_identity(store, CENTRE_CODE, &centre, actor)?;
    set_register_identity(store, REGISTER_CODE, &register, actor)?;
    register_view(store)
}
