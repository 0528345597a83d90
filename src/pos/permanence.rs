//! Permanences: opening with the cash float, the X report at any time, the Z report at
//! closing (counted against expected, a difference explained).

use super::*;
use crate::error::Code;

/// An X report (mid-session) or a Z report (at closing): computed by the same code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct CashReport {
    pub session: SessionInfo,
    pub sales: i64,
    pub credit_notes: i64,
    pub sales_total: Money,
    /// What the permanence's credit notes gave back, in all (none in Z reports written before
    /// the X/Z showed it: zero).
    #[serde(default)]
    pub credit_total: Money,
    /// Sales minus credit notes: equals the sum of `by_method` (change given back deducted).
    #[serde(default)]
    pub net: Money,
    /// Net takings per method (payments minus refunds).
    pub by_method: BTreeMap<PaymentMethod, Money>,
    /// What the drawer should hold per method: the float plus net cash; the net of the others.
    pub expected: BTreeMap<PaymentMethod, Money>,
    pub counted: Option<BTreeMap<PaymentMethod, Money>>,
    pub differences: Option<BTreeMap<PaymentMethod, Money>>,
    pub comment: Option<String>,
    /// In French, for the screens: « 3 vente(s) pour 240,00 €, 1 avoir(s) ».
    #[serde(default)]
    pub summary: String,
    /// What the drawer should hold, a line a method (« Espèces : attendu 90,00 € »).
    #[serde(default)]
    pub expected_lines: Vec<String>,
    /// The tax status's mention and the VAT (or margin) figures of the permanence's sales,
    /// credit notes subtracted (none in Z reports written before schema 16).
    #[serde(default)]
    pub tax: Option<TillTax>,
    /// Loans' guarantee deposits, apart from takings (none in Z reports written before schema
    /// 19): the cash a permanence took in and gave back is in its drawer's count.
    #[serde(default)]
    pub deposits: Option<Deposits>,
}

/// Loans' guarantee deposits in a permanence, and held in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Deposits {
    /// Cash deposits taken in by this permanence.
    pub received: Money,
    /// Cash deposits given back (or counted as a sale's payment) by this permanence.
    pub returned: Money,
    /// Cash deposits held now, all permanences together.
    pub held_cash: Money,
    /// Cheques kept uncashed now: how many, for how much.
    pub cheques: i64,
    pub cheques_amount: Money,
    /// In French: « Dépôts de garantie (hors recettes) : … ».
    pub text: String,
}

pub(super) fn report(conn: &crate::store::Db, session: SessionInfo) -> Result<CashReport> {
    let (sales, sales_total, credit_notes, credit_total, by_method) = sql::session_totals(conn, session.id)?;
    let net = Money::from_cents(sales_total.cents() - credit_total.cents());
    let (received, returned) = crate::store::loans::session_deposits(conn, session.id)?;
    let (held_cash, cheques, cheques_amount) = crate::store::loans::deposits_held(conn)?;
    let deposits = Deposits {
        text: format!(
            "Dépôts de garantie (hors recettes) : reçus en espèces {received}, rendus {returned} ; \
             détenus en tout {held_cash} en espèces et {cheques} chèque(s) non encaissé(s) ({cheques_amount})"
        ),
        received,
        returned,
        held_cash,
        cheques,
        cheques_amount,
    };
    let mut expected = by_method.clone();
    let cash = expected.entry(PaymentMethod::Cash).or_default();
    // The deposits taken in and given back in cash are in the drawer, apart from takings.
    let drawer = session
        .float
        .checked_add(received)
        .map(|m| Money::from_cents(m.cents() - returned.cents()));
    *cash = drawer.and_then(|d| cash.checked_add(d)).ok_or_else(|| {
        refused(
            Code::Invalid,
            "Les montants de cette permanence dépassent ce qu'une caisse peut compter.",
        )
    })?;
    let settings = crate::centre::load_in(conn)?;
    let tax = till_tax(conn, crate::store::sales::TaxScope::Session(session.id), &settings)?;
    Ok(CashReport {
        deposits: Some(deposits),
        tax: Some(tax),
        summary: format!(
            "{sales} vente(s) pour {sales_total}, {credit_notes} avoir(s) pour {credit_total} : net {net}"
        ),
        expected_lines: expected
            .iter()
            .map(|(m, v)| format!("{} : attendu {v}", m.label()))
            .collect(),
        session,
        sales,
        credit_notes,
        sales_total,
        credit_total,
        net,
        by_method,
        expected,
        counted: None,
        differences: None,
        comment: None,
    })
}

pub fn current_session(store: &Store) -> Result<Option<SessionInfo>> {
    sql::open_session(store.db())
}

pub(super) fn require_open(conn: &crate::store::Db) -> Result<SessionInfo> {
    sql::open_session(conn)?.ok_or_else(|| {
        refused(
            Code::NoOpenSession,
            "Aucune permanence n'est ouverte : ouvrez-la (fond de caisse) avant d'encaisser.",
        )
    })
}

/// Opens a permanence with its cash float.
pub fn open_session(store: &mut Store, actor: &Actor, float: Money) -> Result<SessionInfo> {
    crate::operators::require_present(store.db(), actor)?;
    super::restore::require_declared(store)?;
    let operator = actor.name();
    if float.cents() < 0 {
        return Err(refused(Code::Invalid, "le fond de caisse ne peut pas être négatif"));
    }
    store.with_tx(|tx| {
        if let Some(open) = sql::open_session(tx)? {
            return Err(refused(
                Code::SessionAlreadyOpen,
                format!(
                    "Une permanence est déjà ouverte depuis {} par {}.",
                    crate::text::format_timestamp(&open.opened_at),
                    open.opened_by
                ),
            ));
        }
        let now = store::now_text();
        let uuid = Uuid::now_v7().to_string();
        journal::append(
            tx,
            "session_open",
            operator,
            &now,
            &serde_json::json!({"session": uuid, "float_cents": float.cents()}),
        )?;
        let id = sql::insert_session(tx, &uuid, &now, operator, float)?;
        Ok(sql::session(tx, id)?.expect("just inserted"))
    })
}

/// The X report of the open permanence.
pub fn x_report(store: &Store) -> Result<CashReport> {
    let session = require_open(store.db())?;
    report(store.db(), session)
}

/// Closes the permanence: what was counted per method against what the journal expects. A
/// difference is recorded, never hidden, and needs a comment.
pub fn close_session(
    store: &mut Store,
    actor: &Actor,
    counted: BTreeMap<PaymentMethod, Money>,
    comment: &str,
) -> Result<CashReport> {
    let operator = actor.name();
    crate::operators::require_manager(store.db(), actor)?;
    let z = store.with_tx(|tx| {
        let session = require_open(tx)?;
        let mut z = report(tx, session)?;
        let mut differences = BTreeMap::new();
        for method in PaymentMethod::ALL {
            let expected = z.expected.get(method).copied().unwrap_or_default();
            let count = counted.get(method).copied().unwrap_or_default();
            if expected != Money::ZERO || count != Money::ZERO {
                differences.insert(*method, Money::from_cents(count.cents() - expected.cents()));
            }
        }
        if differences.values().any(|d| *d != Money::ZERO) && comment.trim().is_empty() {
            let shown: Vec<String> = differences
                .iter()
                .filter(|(_, d)| **d != Money::ZERO)
                .map(|(m, d)| format!("{} {d}", m.label()))
                .collect();
            return Err(refused(
                Code::CommentRequired,
                format!("Écart de caisse ({}) : expliquez-le en commentaire.", shown.join(", ")),
            ));
        }
        z.counted = Some(counted.clone());
        z.differences = Some(differences);
        z.comment = Some(comment.trim().to_string()).filter(|c| !c.is_empty());
        let now = store::now_text();
        let seq = journal::append(tx, "session_close", operator, &now, &z)?;
        sql::close_session(tx, z.session.id, &now, operator, seq)?;
        z.session = sql::session(tx, z.session.id)?.expect("exists");
        Ok(z)
    })?;
    // A quiet moment: the desk is closed.
    store.checkpoint()?;
    Ok(z)
}
