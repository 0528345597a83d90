//! The offline point of sale: permanences (cash sessions) with X and Z reports, sales at the
//! solidarity price, and credit notes. Every act is one transaction that also appends its
//! journal entry; a refused act writes nothing.

pub use crate::model::pos::{CreditNote, PaymentMethod, SaleLine, SalePayment, SaleRecord, SaleSummary, SessionInfo};

use crate::operators::Actor;
use std::collections::BTreeMap;

use serde::Serialize;
use uuid::Uuid;

use crate::beneficiary;
use crate::device::{code_enum, AssetTag, Category, DeviceKind, DeviceState, StockAction};
use crate::eligibility::Verdict;
use crate::error::{Error, Result};
use crate::journal;
use crate::money::Money;
use crate::programme::{LegalCaps, Programme};
use crate::stock;
use crate::store::{self, devices, pos as sql, Store};

pub const CENTRE_CODE: &str = "centre_code";
pub const REGISTER_CODE: &str = "register_code";

fn refused(code: &'static str, message: impl Into<String>) -> Error {
    Error::Refused {
        code,
        message: message.into(),
    }
}

/// This register's identity in receipt numbers: centre code and register code (C01, R1 by
/// default). Two installs of one centre must have different register codes.
pub fn register_identity(store: &Store) -> Result<(String, String)> {
    Ok((
        sql::setting(store.conn(), CENTRE_CODE)?.unwrap_or_else(|| "C01".into()),
        sql::setting(store.conn(), REGISTER_CODE)?.unwrap_or_else(|| "R1".into()),
    ))
}

/// Sets the centre or register code: 1 to 8 letters and digits.
pub fn set_register_identity(store: &mut Store, key: &str, value: &str, actor: &Actor) -> Result<()> {
    crate::operators::require_present(store.conn(), actor)?;
    let value = value.trim().to_uppercase();
    if ![CENTRE_CODE, REGISTER_CODE].contains(&key) {
        return Err(refused(
            "invalid",
            format!("réglage « {key} » inconnu ({CENTRE_CODE}, {REGISTER_CODE})"),
        ));
    }
    if value.is_empty() || value.len() > 8 || !value.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(refused("invalid", format!("« {value} » : 1 à 8 lettres ou chiffres")));
    }
    let has_sales = sql::sales_count(store.conn())?;
    if has_sales > 0 {
        return Err(refused(
            "invalid",
            "des ventes existent déjà : les numéros de ticket ne peuvent plus changer de série",
        ));
    }
    store.with_tx(|tx| sql::set_setting(tx, key, &value))
}

/// An X report (mid-session) or a Z report (at closing): computed by the same code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct CashReport {
    pub session: SessionInfo,
    pub sales: i64,
    pub credit_notes: i64,
    pub sales_total: Money,
    /// Net takings per method (payments minus refunds).
    pub by_method: BTreeMap<PaymentMethod, Money>,
    /// What the drawer should hold per method: the float plus net cash; the net of the others.
    pub expected: BTreeMap<PaymentMethod, Money>,
    pub counted: Option<BTreeMap<PaymentMethod, Money>>,
    pub differences: Option<BTreeMap<PaymentMethod, Money>>,
    pub comment: Option<String>,
}

fn report(conn: &rusqlite::Connection, session: SessionInfo) -> Result<CashReport> {
    let (sales, credit_notes, sales_total, by_method) = sql::session_totals(conn, session.id)?;
    let mut expected = by_method.clone();
    let cash = expected.entry(PaymentMethod::Cash).or_default();
    *cash = cash.checked_add(session.float).ok_or_else(|| {
        refused(
            "invalid",
            "Les montants de cette permanence dépassent ce qu'une caisse peut compter.",
        )
    })?;
    Ok(CashReport {
        session,
        sales,
        credit_notes,
        sales_total,
        by_method,
        expected,
        counted: None,
        differences: None,
        comment: None,
    })
}

pub fn current_session(store: &Store) -> Result<Option<SessionInfo>> {
    sql::open_session(store.conn())
}

fn require_open(conn: &rusqlite::Connection) -> Result<SessionInfo> {
    sql::open_session(conn)?.ok_or_else(|| {
        refused(
            "no_open_session",
            "Aucune permanence n'est ouverte : ouvrez-la (fond de caisse) avant d'encaisser.",
        )
    })
}

/// Opens a permanence with its cash float.
pub fn open_session(store: &mut Store, actor: &Actor, float: Money) -> Result<SessionInfo> {
    crate::operators::require_present(store.conn(), actor)?;
    let operator = actor.name();
    if float.cents() < 0 {
        return Err(refused("invalid", "le fond de caisse ne peut pas être négatif"));
    }
    store.with_tx(|tx| {
        if let Some(open) = sql::open_session(tx)? {
            return Err(refused(
                "session_already_open",
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
    let session = require_open(store.conn())?;
    report(store.conn(), session)
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
    crate::operators::require_manager(store.conn(), actor)?;
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
                "comment_required",
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

/// A device line asked for: its tag, and a price (else the programme's band minimum).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRequest {
    pub tag: String,
    pub price: Option<Money>,
}

/// A counted item: SIM card, data top-up, accessory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRequest {
    pub kind: DeviceKind,
    pub quantity: u32,
    pub unit_price: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleRequest {
    /// Made by the client when the cart is started: a retried or double-clicked « Encaisser »
    /// returns the sale already recorded instead of recording it twice.
    pub uuid: Uuid,
    pub person_id: Option<i64>,
    pub programme: Option<String>,
    pub devices: Vec<DeviceRequest>,
    pub items: Vec<ItemRequest>,
    pub payments: Vec<SalePayment>,
}

impl SaleLine {
    pub fn total(&self) -> Money {
        Money::from_cents(self.unit_price.cents() * self.quantity as i64)
    }
}

impl SaleRecord {
    /// Every line cancelled by a credit note.
    pub fn fully_cancelled(&self) -> bool {
        self.lines.iter().all(|l| l.cancelled_by.is_some())
    }

    pub fn paid(&self) -> Money {
        Money::from_cents(self.payments.iter().map(|p| p.amount.cents()).sum())
    }

    /// Change given back in cash.
    pub fn change(&self) -> Money {
        Money::from_cents((self.paid().cents() - self.total.cents()).max(0))
    }
}

/// A sale as a form sends it: amounts as typed ("80", "80,00"), codes as strings.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct SaleInput {
    pub uuid: String,
    pub person_id: Option<i64>,
    pub programme: Option<String>,
    pub devices: Vec<DeviceInput>,
    pub items: Vec<ItemInput>,
    pub payments: Vec<PaymentInput>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct DeviceInput {
    pub tag: String,
    pub price: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct ItemInput {
    pub kind: String,
    pub quantity: u32,
    pub unit_price: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct PaymentInput {
    pub method: String,
    pub amount: String,
    pub reference: Option<String>,
}

fn money_field(text: &Option<String>) -> Result<Option<Money>> {
    match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => Ok(Some(Money::parse(t)?)),
    }
}

impl TryFrom<SaleInput> for SaleRequest {
    type Error = Error;
    fn try_from(input: SaleInput) -> Result<SaleRequest> {
        let uuid = Uuid::parse_str(input.uuid.trim())
            .map_err(|_| refused("invalid", "identifiant de vente (uuid) invalide"))?;
        let devices = input
            .devices
            .iter()
            .map(|d| {
                Ok(DeviceRequest {
                    tag: d.tag.clone(),
                    price: money_field(&d.price)?,
                })
            })
            .collect::<Result<_>>()?;
        let items = input
            .items
            .iter()
            .map(|i| {
                Ok(ItemRequest {
                    kind: DeviceKind::parse(&i.kind)?,
                    quantity: i.quantity,
                    unit_price: money_field(&i.unit_price)?,
                })
            })
            .collect::<Result<_>>()?;
        let payments = input
            .payments
            .iter()
            .map(|p| {
                Ok(SalePayment {
                    method: PaymentMethod::parse(&p.method)?,
                    amount: Money::parse(&p.amount)?,
                    reference: p.reference.clone().filter(|r| !r.trim().is_empty()),
                })
            })
            .collect::<Result<_>>()?;
        Ok(SaleRequest {
            uuid,
            person_id: input.person_id,
            programme: input.programme.filter(|p| !p.is_empty()),
            devices,
            items,
            payments,
        })
    }
}

/// What the cart shows for a scanned device: the device, the programme's band for it, the
/// legal cap, and the price to prefill. Refused when the device is not on sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quote {
    pub tag: String,
    pub kind: DeviceKind,
    pub category: Option<Category>,
    pub label: String,
    pub band: Option<(Money, Money)>,
    pub cap: Option<Money>,
    pub price: Option<Money>,
}

pub fn quote(
    store: &Store,
    programmes: &[Programme],
    caps: &LegalCaps,
    code: &str,
    programme: Option<&str>,
) -> Result<Quote> {
    let device = stock::find_by_code(store, code)?;
    if device.state != DeviceState::Available {
        return Err(refused(
            "unavailable",
            format!(
                "L'appareil {} n'est pas en vente : il est « {} ».",
                device.tag,
                device.state.label()
            ),
        ));
    }
    let band = programme
        .and_then(|id| programmes.iter().find(|p| p.id == id))
        .and_then(|p| p.price_band(device.kind, device.category))
        .map(|b| (b.min, b.max));
    Ok(Quote {
        tag: device.tag.to_string(),
        kind: device.kind,
        category: device.category,
        label: format!("{} {}", device.brand, device.model).trim().to_string(),
        band,
        cap: caps.cap(device.kind),
        price: band.map(|b| b.0),
    })
}

const COUNTED_KINDS: [DeviceKind; 3] = [DeviceKind::SimCard, DeviceKind::DataTopUp, DeviceKind::Accessory];

/// Records a sale: every check first (open permanence, devices on sale, prices in the band and
/// never above the legal cap, the buyer eligible or overridden, payments that add up), then, in
/// one transaction, the receipt number, the journal entry, the sale, and the devices sold.
pub fn create_sale(
    store: &mut Store,
    programmes: &[Programme],
    caps: &LegalCaps,
    request: &SaleRequest,
    actor: &Actor,
) -> Result<SaleRecord> {
    crate::operators::require_present(store.conn(), actor)?;
    let operator = actor.name();
    if let Some(receipt) = sql::sale_by_uuid(store.conn(), &request.uuid.to_string())? {
        return sale(store, &receipt);
    }
    require_open(store.conn())?;
    let today = crate::local::today();
    if request.devices.is_empty() && request.items.is_empty() {
        return Err(refused(
            "invalid",
            "La vente est vide : scannez un appareil ou ajoutez un article.",
        ));
    }
    // The programme the sale counts for.
    let programme = match &request.programme {
        Some(id) => Some(programmes.iter().find(|p| &p.id == id).ok_or_else(|| {
            refused(
                "invalid",
                format!("programme « {id} » inconnu (voir : comptoir programme list)"),
            )
        })?),
        None => None,
    };
    // The buyer and the decision.
    if !request.devices.is_empty() && request.person_id.is_none() {
        return Err(refused(
            "person_required",
            "Un appareil se vend à une personne : choisissez le bénéficiaire.",
        ));
    }
    let mut lines: Vec<SaleLine> = Vec::new();
    let mut seen = Vec::new();
    for d in &request.devices {
        let tag = AssetTag::parse(&d.tag)?;
        if seen.contains(&tag) {
            return Err(refused(
                "invalid",
                format!("L'appareil {tag} est deux fois dans la vente."),
            ));
        }
        seen.push(tag.clone());
        let device = devices::by_tag(store.conn(), &tag)?.ok_or_else(|| Error::NotFound(tag.to_string()))?;
        if device.state != DeviceState::Available {
            return Err(refused(
                "unavailable",
                format!(
                    "L'appareil {tag} n'est pas en vente : il est « {} ».",
                    device.state.label()
                ),
            ));
        }
        let band = programme.and_then(|p| p.price_band(device.kind, device.category));
        let price = match (d.price, band) {
            (Some(price), _) => price,
            (None, Some(band)) => band.min,
            (None, None) => {
                return Err(refused(
                    "price_required",
                    format!("Indiquez le prix de l'appareil {tag} (aucune fourchette du programme)."),
                ))
            }
        };
        check_price(
            caps,
            band.map(|b| (b.min, b.max)),
            device.kind,
            price,
            &format!("appareil {tag}"),
        )?;
        lines.push(SaleLine {
            device_id: Some(device.id),
            tag: Some(tag.to_string()),
            kind: device.kind,
            category: device.category,
            label: format!("{} {}", device.brand, device.model).trim().to_string(),
            quantity: 1,
            unit_price: price,
            cancelled_by: None,
        });
    }
    for item in &request.items {
        if !COUNTED_KINDS.contains(&item.kind) {
            return Err(refused(
                "invalid",
                format!("« {} » se vend à l'unité en scannant son étiquette.", item.kind.label()),
            ));
        }
        if item.quantity == 0 || item.quantity > 99 {
            return Err(refused(
                "invalid",
                format!("quantité de « {} » : entre 1 et 99", item.kind.label()),
            ));
        }
        let band = programme.and_then(|p| p.price_band(item.kind, None));
        let price = item.unit_price.or(band.map(|b| b.min)).ok_or_else(|| {
            refused(
                "price_required",
                format!("Indiquez le prix de « {} ».", item.kind.label()),
            )
        })?;
        check_price(caps, band.map(|b| (b.min, b.max)), item.kind, price, item.kind.label())?;
        lines.push(SaleLine {
            device_id: None,
            tag: None,
            kind: item.kind,
            category: None,
            label: item.kind.label().to_string(),
            quantity: item.quantity,
            unit_price: price,
            cancelled_by: None,
        });
    }
    let total = lines.iter().try_fold(Money::ZERO, |acc, l| {
        acc.checked_add(l.unit_price.checked_mul(l.quantity as i64)?)
    });
    let total = total.ok_or_else(|| refused("invalid", "montant trop grand"))?;

    // Eligibility of the buyer for each kind of device sold, under the sale's programme (or any).
    let mut decision_summary = None;
    if let Some(person_id) = request.person_id {
        let chosen: Vec<Programme> = match programme {
            Some(p) => vec![p.clone()],
            None => programmes.to_vec(),
        };
        let mut kinds: Vec<DeviceKind> = lines.iter().filter(|l| l.device_id.is_some()).map(|l| l.kind).collect();
        kinds.sort();
        kinds.dedup();
        for kind in kinds.iter().copied().map(Some).chain(kinds.is_empty().then_some(None)) {
            let decided = beneficiary::check(store, &chosen, person_id, today, kind)?;
            let overridden = decided
                .overrides
                .iter()
                .any(|o| o.at.starts_with(&today.to_string()) && chosen.iter().any(|p| p.id == o.programme));
            if decided.decision.decision != Verdict::Eligible && !overridden {
                let reasons: Vec<String> = decided
                    .decision
                    .reasons
                    .iter()
                    .map(|r| format!("  - {}", r.message))
                    .collect();
                return Err(refused(
                    "not_eligible",
                    format!(
                        "La personne n'est pas éligible ({}) :\n{}\nUn responsable peut déroger, avec une raison écrite.",
                        decided.decision.decision.label().to_lowercase(),
                        reasons.join("\n")
                    ),
                ));
            }
            decision_summary = Some(serde_json::json!({
                "decision": decided.decision.decision,
                "programmes": decided.decision.programmes,
                "overridden": overridden,
            }));
        }
    }

    // Payments.
    if request.payments.is_empty() && total != Money::ZERO {
        return Err(refused(
            "payment_mismatch",
            format!("Aucun paiement pour un total de {total}."),
        ));
    }
    let paid = Money::total(request.payments.iter().map(|p| p.amount))
        .ok_or_else(|| refused("invalid", "La somme des paiements est trop grande."))?;
    let cash = Money::total(
        request
            .payments
            .iter()
            .filter(|p| p.method == PaymentMethod::Cash)
            .map(|p| p.amount),
    )
    .ok_or_else(|| refused("invalid", "La somme des paiements est trop grande."))?;
    if request.payments.iter().any(|p| p.amount.cents() <= 0) {
        return Err(refused(
            "payment_mismatch",
            "Chaque paiement doit être un montant positif.",
        ));
    }
    if paid < total {
        return Err(refused(
            "payment_mismatch",
            format!(
                "Il manque {} : total {total}, payé {paid}.",
                Money::from_cents(total.cents() - paid.cents())
            ),
        ));
    }
    let change = Money::from_cents(paid.cents() - total.cents());
    if change > cash {
        return Err(refused(
            "payment_mismatch",
            format!("Payé {paid} pour un total de {total} : seul un paiement en espèces peut être rendu ({change} de trop)."),
        ));
    }

    // Everything holds: write it all, or nothing.
    let (centre, register) = register_identity(store)?;
    let uuid = request.uuid.to_string();
    let recorded = store.with_tx(|tx| {
        let session = require_open(tx)?;
        let now = store::now_text();
        let year = &now[..4];
        let series = format!("{centre}-{register}-{year}");
        let receipt = format!("{series}-{:06}", sql::next_number(tx, &series)?);
        let content = serde_json::json!({
            "receipt": receipt,
            "uuid": uuid,
            "session": session.id,
            "person_id": request.person_id,
            "programme": programme.map(|p| p.id.clone()),
            "lines": lines,
            "payments": request.payments,
            "total_cents": total.cents(),
            "change_cents": change.cents(),
            "eligibility": decision_summary,
        });
        let seq = journal::append(tx, "sale", operator, &now, &content)?;
        let sale_id = sql::insert_sale(
            tx,
            &uuid,
            &receipt,
            session.id,
            request.person_id,
            programme.map(|p| p.id.as_str()),
            &now,
            operator,
            total,
            change,
            seq,
        )?;
        for (i, line) in lines.iter().enumerate() {
            sql::insert_line(tx, sale_id, i + 1, line.device_id, line)?;
            if let Some(tag) = &line.tag {
                let device = devices::by_tag(tx, &AssetTag::parse(tag)?)?.expect("checked above");
                // A device sold by another register since the checks: refused, nothing written.
                let reserved = stock::transition_in(
                    tx,
                    device,
                    StockAction::Reserve,
                    operator,
                    &format!("Vente {receipt}"),
                    &now,
                )
                .map_err(|_| refused("unavailable", format!("L'appareil {tag} vient d'être vendu ou retiré.")))?;
                stock::transition_in(
                    tx,
                    reserved,
                    StockAction::Sell,
                    operator,
                    &format!("Vente {receipt}"),
                    &now,
                )?;
                if let Some(person_id) = request.person_id {
                    sql::insert_sale_equipment(
                        tx,
                        person_id,
                        today,
                        line.kind,
                        sale_id,
                        i + 1,
                        &receipt,
                        operator,
                        &now,
                    )?;
                }
            }
        }
        for payment in &request.payments {
            sql::insert_payment(tx, sale_id, payment)?;
        }
        // What was just written, as `sale` would read it back (no second round of queries).
        Ok(SaleRecord {
            id: sale_id,
            uuid: uuid.clone(),
            receipt,
            session_id: session.id,
            person_id: request.person_id,
            programme: programme.map(|p| p.id.clone()),
            at: now.clone(),
            operator: operator.to_string(),
            total,
            lines: lines.clone(),
            payments: request.payments.clone(),
            cancelled_by: None,
        })
    })?;
    tracing::info!(ticket = %recorded.receipt, lignes = recorded.lines.len(), "vente enregistrée");
    Ok(recorded)
}

fn check_price(
    caps: &LegalCaps,
    band: Option<(Money, Money)>,
    kind: DeviceKind,
    price: Money,
    what: &str,
) -> Result<()> {
    if let Some(cap) = caps.cap(kind) {
        if price > cap {
            return Err(refused(
                "above_legal_cap",
                format!(
                    "{what} : {price} dépasse le plafond légal de {cap} pour « {} » ({}).",
                    kind.label().to_lowercase(),
                    caps.source
                ),
            ));
        }
    }
    if let Some((min, max)) = band {
        if price < min || price > max {
            return Err(refused(
                "price_out_of_band",
                format!("{what} : {price} est hors de la fourchette du programme ({min} à {max})."),
            ));
        }
    }
    if price.cents() < 0 {
        return Err(refused("invalid", format!("{what} : prix négatif")));
    }
    Ok(())
}

pub fn sale(store: &Store, receipt: &str) -> Result<SaleRecord> {
    sql::sale(store.conn(), receipt.trim())?.ok_or_else(|| {
        refused(
            "not_found",
            format!("Aucune vente ne porte le numéro « {} ».", receipt.trim()),
        )
    })
}

pub fn list_sales(store: &Store, limit: usize) -> Result<Vec<SaleSummary>> {
    sql::list_sales(store.conn(), limit)
}

/// Cancels a sale (or one of its lines, `line` counting from 1) by a credit note that names
/// the receipt it cancels; the devices go back on sale (or to after-sales service when
/// `defective`), and stop counting for the buyer's limits.
pub fn cancel_sale(
    store: &mut Store,
    receipt: &str,
    line: Option<usize>,
    reason: &str,
    refund: PaymentMethod,
    defective: bool,
    actor: &Actor,
) -> Result<CreditNote> {
    let operator = actor.name();
    crate::operators::require_manager(store.conn(), actor)?;
    let original = sale(store, receipt)?;
    if original.fully_cancelled() {
        return Err(refused(
            "already_cancelled",
            format!(
                "La vente {} est déjà annulée ({}).",
                original.receipt,
                original.cancelled_by.clone().unwrap_or_default()
            ),
        ));
    }
    let cancelled: Vec<(usize, &SaleLine)> = match line {
        None => original
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.cancelled_by.is_none())
            .map(|(i, l)| (i + 1, l))
            .collect(),
        Some(n) => {
            let l = original.lines.get(n.wrapping_sub(1)).ok_or_else(|| {
                refused(
                    "invalid",
                    format!(
                        "La vente {} n'a pas de ligne {n} (elle en a {}).",
                        original.receipt,
                        original.lines.len()
                    ),
                )
            })?;
            if let Some(by) = &l.cancelled_by {
                return Err(refused(
                    "already_cancelled",
                    format!("La ligne {n} de la vente {} est déjà annulée ({by}).", original.receipt),
                ));
            }
            vec![(n, l)]
        }
    };
    if reason.trim().len() < 3 {
        return Err(Error::ReasonRequired(format!(
            "Indiquez pourquoi la vente {} est annulée.",
            original.receipt
        )));
    }
    let amount = Money::from_cents(cancelled.iter().map(|(_, l)| l.total().cents()).sum());
    let (centre, register) = register_identity(store)?;
    store.with_tx(|tx| {
        let session = require_open(tx)?;
        let now = store::now_text();
        let series = format!("{centre}-{register}-{}-AV", &now[..4]);
        let number = format!("{series}-{:06}", sql::next_number(tx, &series)?);
        let note = CreditNote {
            number: number.clone(),
            cancels: original.receipt.clone(),
            line,
            reason: reason.trim().to_string(),
            refund_method: refund,
            amount,
            at: now.clone(),
        };
        let seq = journal::append(tx, "credit_note", operator, &now, &note)?;
        sql::insert_credit_note(
            tx,
            &Uuid::now_v7().to_string(),
            &number,
            original.id,
            line,
            session.id,
            &now,
            operator,
            &note.reason,
            refund,
            amount,
            seq,
        )?;
        for tag in cancelled.iter().filter_map(|(_, l)| l.tag.as_ref()) {
            let device = devices::by_tag(tx, &AssetTag::parse(tag)?)?.expect("a sold device exists");
            let why = format!("Avoir {number} (annule le ticket n° {})", original.receipt);
            let back = stock::transition_in(tx, device, StockAction::CreditNote, operator, &why, &now)?;
            if defective {
                stock::transition_in(
                    tx,
                    back,
                    StockAction::MarkDefective,
                    operator,
                    &format!("{why} : {}", note.reason),
                    &now,
                )?;
            }
        }
        Ok(note)
    })
}

code_enum! {
    /// The period a closing covers.
    pub enum Period, "période" {
        Day => "day", "Journée", ["jour", "journee"];
        Month => "month", "Mois", ["mois"];
        Year => "year", "Année", ["an", "annee"];
    }
}

/// A daily, monthly or yearly closing: the period's totals by payment method and by programme,
/// and the perpetual grand total. Journaled; each period is closed once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Closing {
    pub period: Period,
    pub key: String,
    pub start: chrono::NaiveDate,
    pub end: chrono::NaiveDate,
    pub sales: i64,
    pub sales_total: Money,
    pub credit_notes: i64,
    pub credit_total: Money,
    pub net: Money,
    pub by_method: BTreeMap<PaymentMethod, Money>,
    pub by_programme: BTreeMap<String, Money>,
    pub grand_total: Money,
}

fn period_bounds(period: Period, date: chrono::NaiveDate) -> (chrono::NaiveDate, chrono::NaiveDate, String) {
    use chrono::{Datelike, NaiveDate};
    match period {
        Period::Day => (date, date, format!("day:{date}")),
        Period::Month => {
            let start = NaiveDate::from_ymd_opt(date.year(), date.month(), 1).expect("first of month");
            let end = start
                .checked_add_months(chrono::Months::new(1))
                .expect("next month")
                .pred_opt()
                .expect("last day");
            (start, end, format!("month:{}", start.format("%Y-%m")))
        }
        Period::Year => (
            NaiveDate::from_ymd_opt(date.year(), 1, 1).expect("1 January"),
            NaiveDate::from_ymd_opt(date.year(), 12, 31).expect("31 December"),
            format!("year:{}", date.year()),
        ),
    }
}

/// Closes the period containing `date`. A period not yet begun, or already closed, is refused.
pub fn close_period(store: &mut Store, period: Period, date: chrono::NaiveDate, actor: &Actor) -> Result<Closing> {
    let operator = actor.name();
    crate::operators::require_manager(store.conn(), actor)?;
    let (start, end, key) = period_bounds(period, date);
    if start > crate::local::today() {
        return Err(refused("invalid", format!("La période « {key} » n'a pas commencé.")));
    }
    store.with_tx(|tx| {
        if sql::closing_exists(tx, &key)? {
            return Err(refused(
                "already_closed",
                format!("La période « {key} » est déjà clôturée."),
            ));
        }
        let (sales, sales_total, credit_notes, credit_total, by_method, by_programme, grand_total) =
            sql::period_figures(tx, start, end)?;
        let closing = Closing {
            period,
            key: key.clone(),
            start,
            end,
            sales,
            sales_total,
            credit_notes,
            credit_total,
            net: Money::from_cents(sales_total.cents() - credit_total.cents()),
            by_method,
            by_programme,
            grand_total,
        };
        let seq = journal::append(tx, "closing", operator, &store::now_text(), &closing)?;
        sql::insert_closing(tx, &key, seq)?;
        Ok(closing)
    })
}
