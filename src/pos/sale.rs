//! Sales: the form's input parsed into a request, the quote for a scanned device, and
//! `create_sale` in three steps: check (lines, buyer, payments) → plan → write (one
//! transaction). A sale read back, the latest sales.

use super::*;
use crate::error::Code;

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
    /// A manager's written reason to sell a device its donor reserved for publics the buyer
    /// does not belong to (journaled with the sale); refused from anyone else.
    pub reserved_override: Option<String>,
    /// A manager's written reason to sell a device lacking its erasure or test record.
    pub records_override: Option<String>,
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

/// What the cart shows for a scanned device: the device, the programme's band for it, the
/// legal cap, and the price to prefill. Refused when the device is not on sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Quote {
    pub tag: String,
    pub kind: DeviceKind,
    pub category: Option<Category>,
    pub label: String,
    pub band: Option<(Money, Money)>,
    pub cap: Option<Money>,
    pub price: Option<Money>,
    /// The band or the cap in French (« 60,00 € à 120,00 € », « plafond 150,00 € », « — »).
    pub band_text: String,
    /// The price to prefill, as a person types it (« 60,00 »), or empty.
    pub price_input: String,
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
        return Err(refused(Code::Unavailable, stock::not_on_sale(&device)));
    }
    let band = programme
        .and_then(|id| programmes.iter().find(|p| p.id == id))
        .and_then(|p| p.price_band(device.kind, device.category))
        .map(|b| (b.min, b.max));
    let cap = caps.cap(device.kind);
    Ok(Quote {
        tag: device.tag.to_string(),
        kind: device.kind,
        category: device.category,
        label: format!("{} {}", device.brand, device.model).trim().to_string(),
        band_text: band_text(band, cap),
        price_input: band.map(|b| b.0.typed()).unwrap_or_default(),
        band,
        cap,
        price: band.map(|b| b.0),
    })
}

/// A line's band or cap, in French.
pub(super) fn band_text(band: Option<(Money, Money)>, cap: Option<Money>) -> String {
    match (band, cap) {
        (Some((min, max)), _) => format!("{min} à {max}"),
        (None, Some(cap)) => format!("plafond {cap}"),
        (None, None) => "—".into(),
    }
}

pub(super) const COUNTED_KINDS: [DeviceKind; 3] = [DeviceKind::SimCard, DeviceKind::DataTopUp, DeviceKind::Accessory];

/// Records a sale: every check first (open permanence, devices on sale, prices in the band and
/// never above the legal cap, the buyer eligible or overridden, payments that add up), then, in
/// one transaction, the receipt number, the journal entry, the sale, and the devices sold.
/// A request already recorded (same uuid: a double click, a retry) returns that sale.
pub fn create_sale(
    store: &mut Store,
    programmes: &[Programme],
    caps: &LegalCaps,
    request: &SaleRequest,
    actor: &Actor,
) -> Result<SaleRecord> {
    sell(store, programmes, caps, request, None, actor)
}

/// A loan turned into a sale ([`crate::loans::convert`]): the sale may take the lent device,
/// and ends the loan in its own transaction.
pub(crate) fn create_sale_from_loan(
    store: &mut Store,
    programmes: &[Programme],
    caps: &LegalCaps,
    request: &SaleRequest,
    lent: &crate::loans::LentDevice,
    actor: &Actor,
) -> Result<SaleRecord> {
    sell(store, programmes, caps, request, Some(lent), actor)
}

fn sell(
    store: &mut Store,
    programmes: &[Programme],
    caps: &LegalCaps,
    request: &SaleRequest,
    lent: Option<&crate::loans::LentDevice>,
    actor: &Actor,
) -> Result<SaleRecord> {
    crate::operators::require_present(store.db(), actor)?;
    if let Some(receipt) = sql::sale_by_uuid(store.db(), &request.uuid.to_string())? {
        return sale(store, &receipt);
    }
    super::proofs::check_overrides(store, request, actor)?;
    let mut plan = check(store, programmes, caps, request, lent.map(|l| l.loan.device_id))?;
    plan.lent = lent;
    let recorded = write(store, &plan, request, actor.name())?;
    tracing::info!(ticket = %recorded.receipt, lignes = recorded.lines.len(), "vente enregistrée");
    Ok(recorded)
}

/// A sale that passed every check: what will be written.
struct SalePlan<'p> {
    programme: Option<&'p Programme>,
    lines: Vec<SaleLine>,
    /// Each device line's tag and provenance.
    provenances: Vec<(String, Option<crate::provenance::Provenance>)>,
    total: Money,
    change: Money,
    /// The buyer's decision, as journaled.
    eligibility: Option<serde_json::Value>,
    today: chrono::NaiveDate,
    /// The loan this sale turns into a sale, if it does.
    lent: Option<&'p crate::loans::LentDevice>,
}

/// Every check of a sale, reading only: nothing is written when one fails.
fn check<'p>(
    store: &Store,
    programmes: &'p [Programme],
    caps: &LegalCaps,
    request: &SaleRequest,
    lent: Option<i64>,
) -> Result<SalePlan<'p>> {
    require_open(store.db())?;
    let today = crate::local::today();
    if request.devices.is_empty() && request.items.is_empty() {
        return Err(refused(
            Code::Invalid,
            "La vente est vide : scannez un appareil ou ajoutez un article.",
        ));
    }
    // The programme the sale counts for.
    let programme = match &request.programme {
        Some(id) => Some(programmes.iter().find(|p| &p.id == id).ok_or_else(|| {
            refused(
                Code::Invalid,
                format!("programme « {id} » inconnu (voir : comptoir programme list)"),
            )
        })?),
        None => None,
    };
    if !request.devices.is_empty() && request.person_id.is_none() {
        return Err(refused(
            Code::PersonRequired,
            "Un appareil se vend à une personne : choisissez le bénéficiaire.",
        ));
    }
    let (mut lines, provenances) = check_lines(store, programme, caps, request, lent)?;
    check_desktop_sets(caps, &lines)?;
    super::proofs::check_records(store, &mut lines, request)?;
    let total = lines.iter().try_fold(Money::ZERO, |acc, l| {
        acc.checked_add(l.unit_price.checked_mul(l.quantity as i64)?)
    });
    let total = total.ok_or_else(|| refused(Code::Invalid, "montant trop grand"))?;
    let eligibility = super::buyer::check_buyer(store, programmes, programme, request, &lines, &provenances, today)?;
    let change = super::payments::check_payments(request, total)?;
    Ok(SalePlan {
        programme,
        lines,
        provenances,
        total,
        change,
        eligibility,
        today,
        lent: None,
    })
}

/// The sale's lines: each device on sale at a price within its band and cap (with its
/// provenance's kind for the receipt), each counted item; and each device's tag and provenance
/// (none: unknown), read once for the buyer's checks and the margin scheme's purchase price.
#[allow(clippy::type_complexity)]
fn check_lines(
    store: &Store,
    programme: Option<&Programme>,
    caps: &LegalCaps,
    request: &SaleRequest,
    lent: Option<i64>,
) -> Result<(Vec<SaleLine>, Vec<(String, Option<crate::provenance::Provenance>)>)> {
    let mut lines: Vec<SaleLine> = Vec::new();
    let mut provenances = Vec::new();
    let mut seen = Vec::new();
    for d in &request.devices {
        // A scanner reads whatever barcode the sticker has: tag, serial or IMEI.
        let device = stock::find_in(store.db(), &d.tag)?;
        let tag = device.tag.clone();
        if seen.contains(&tag) {
            return Err(refused(
                Code::Invalid,
                format!("L'appareil {tag} est deux fois dans la vente."),
            ));
        }
        seen.push(tag.clone());
        // A lent device is sold only by turning its loan into this sale.
        let lent_here = device.state == DeviceState::Lent && lent == Some(device.id);
        if device.state != DeviceState::Available && !lent_here {
            return Err(refused(Code::Unavailable, stock::not_on_sale(&device)));
        }
        let band = programme.and_then(|p| p.price_band(device.kind, device.category));
        let price = match (d.price, band) {
            (Some(price), _) => price,
            (None, Some(band)) => band.min,
            (None, None) => {
                return Err(refused(
                    Code::PriceRequired,
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
        let label = format!("{} {}", device.brand, device.model).trim().to_string();
        let mut line = SaleLine::new(
            Some((device.id, tag.to_string())),
            device.kind,
            device.category,
            label,
            1,
            price,
        );
        line.provenance = device.provenance.as_ref().map(|p| p.kind);
        lines.push(line);
        provenances.push((tag.to_string(), device.provenance));
    }
    for item in &request.items {
        if !COUNTED_KINDS.contains(&item.kind) {
            return Err(refused(
                Code::Invalid,
                format!("« {} » se vend à l'unité en scannant son étiquette.", item.kind.label()),
            ));
        }
        if !super::cart::QUANTITIES.contains(&item.quantity) {
            return Err(refused(
                Code::Invalid,
                format!("quantité de « {} » : entre 1 et 99", item.kind.label()),
            ));
        }
        let band = programme.and_then(|p| p.price_band(item.kind, None));
        let price = item.unit_price.or(band.map(|b| b.min)).ok_or_else(|| {
            refused(
                Code::PriceRequired,
                format!("Indiquez le prix de « {} ».", item.kind.label()),
            )
        })?;
        check_price(caps, band.map(|b| (b.min, b.max)), item.kind, price, item.kind.label())?;
        let label = item.kind.label().to_string();
        lines.push(SaleLine::new(None, item.kind, None, label, item.quantity, price));
    }
    Ok((lines, provenances))
}

/// Writes a checked sale in one transaction: receipt number, journal entry, sale, lines,
/// payments, devices reserved then sold (refused if another register sold one meanwhile),
/// equipment for the buyer's limits.
fn write(store: &mut Store, plan: &SalePlan<'_>, request: &SaleRequest, operator: &str) -> Result<SaleRecord> {
    let SalePlan {
        programme,
        lines,
        provenances,
        total,
        change,
        eligibility: decision_summary,
        today,
        lent,
    } = plan;
    let (programme, total, change, today) = (*programme, *total, *change, *today);
    let (centre, register) = register_identity(store)?;
    // The tax status in force now (a change waits for the permanence to close): fixed with
    // the sale, so its documents never change afterwards.
    let settings = crate::centre::load(store)?;
    let status = settings.tax_status;
    let lines: Vec<SaleLine> = match status {
        Some(status) => lines
            .iter()
            .cloned()
            .map(|l| {
                // What the device cost the network: 0 for a gift, an item or an unknown provenance.
                let purchase = provenances
                    .iter()
                    .find(|(tag, _)| l.tag.as_ref() == Some(tag))
                    .and_then(|(_, p)| p.as_ref())
                    .map_or(Money::ZERO, |p| p.acquisition);
                l.taxed(status, &settings.vat_rates, purchase)
            })
            .collect(),
        None => lines.to_vec(),
    };
    let lines = &lines;
    let uuid = request.uuid.to_string();
    store.with_tx(|tx| {
        let session = require_open(tx)?;
        let now = store::now_text();
        let year = &now[..4];
        let series = format!("{centre}-{register}-{year}");
        let receipt = format!("{series}-{:06}", issue_number(tx, &series)?);
        // A counter moved back behind the journal's back: refuse rather than reuse a number.
        if sql::sale(tx, &receipt)?.is_some() {
            return Err(refused(
                Code::JournalBroken,
                format!(
                    "Le numéro de ticket {receipt} a déjà été donné : le compteur des tickets a été modifié. \
                     Ne vendez plus sur ce poste ; vérifiez le journal (Caisse › Journal) et prévenez le responsable."
                ),
            ));
        }
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
            "tax_status": status.map(|s| s.code()),
            "tax_mention": status.map(|_| settings.vat_mention.as_str()),
        });
        let seq = journal::append(tx, "sale", operator, &now, &content)?;
        let sale_id = sql::insert_sale(
            tx,
            &uuid,
            &receipt,
            session.id,
            request.person_id,
            programme.map(|p| (p.id.as_str(), p.name.as_str())),
            &now,
            operator,
            total,
            change,
            seq,
            status.map(|s| (s, settings.vat_mention.as_str())),
        )?;
        for (i, line) in lines.iter().enumerate() {
            sql::insert_line(tx, sale_id, i + 1, line.device_id, line)?;
            if let Some(tag) = &line.tag {
                let mut device = devices::by_tag(tx, &AssetTag::parse(tag)?)?.expect("checked above");
                if let Some(lent) = lent.filter(|l| l.loan.device_id == device.id) {
                    device = crate::loans::end_by_sale(tx, lent, sale_id, &receipt, operator, &now)?;
                }
                // A device sold by another register since the checks: refused, nothing written.
                let reserved = stock::transition_in(
                    tx,
                    device,
                    StockAction::Reserve,
                    operator,
                    &format!("Vente {receipt}"),
                    &now,
                )
                .map_err(|_| {
                    refused(
                        Code::Unavailable,
                        format!("L'appareil {tag} vient d'être vendu ou retiré."),
                    )
                })?;
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
        // The receipt's original waits for the centre's identity and tax status (never the sale).
        if !settings.missing().is_empty() {
            crate::store::centre::add_waiting(tx, "receipt", &receipt, &now)?;
        }
        // What was just written, as `sale` would read it back (no second round of queries).
        let record = SaleRecord {
            id: sale_id,
            uuid: uuid.clone(),
            receipt,
            session_id: session.id,
            person_id: request.person_id,
            programme: programme.map(|p| p.id.clone()),
            programme_name: programme.map(|p| p.name.clone()),
            at: now.clone(),
            operator: operator.to_string(),
            total,
            lines: lines.clone(),
            payments: request.payments.clone(),
            cancelled_by: None,
            tax_status: status,
            tax_mention: status.map(|_| settings.vat_mention.clone()),
            tax_fixed: None,
        };
        crate::sync::events::queue_sale(tx, &record, &register)?;
        Ok(record)
    })
}

/// A desktop sold with a screen is one « PC fixe avec écran, clavier et souris » of the décret
/// of 7 November 2022: each desktop and a screen of the same sale (the dearest together) stay
/// under the desktop's cap, not under the desktop's and the screen's added up.
fn check_desktop_sets(caps: &LegalCaps, lines: &[SaleLine]) -> Result<()> {
    let Some(cap) = caps.cap(DeviceKind::Desktop) else {
        return Ok(());
    };
    let prices = |kind: DeviceKind| {
        let mut p: Vec<(Money, Option<&String>)> = lines
            .iter()
            .filter(|l| l.kind == kind)
            .flat_map(|l| std::iter::repeat_n((l.unit_price, l.tag.as_ref()), l.quantity as usize))
            .collect();
        p.sort_by(|a, b| b.0.cmp(&a.0));
        p
    };
    for ((desktop, tag), (screen, screen_tag)) in
        prices(DeviceKind::Desktop).into_iter().zip(prices(DeviceKind::Screen))
    {
        let together = desktop.checked_add(screen).unwrap_or(Money::MAX_TYPED);
        if together > cap {
            return Err(refused(
                Code::AboveLegalCap,
                format!(
                    "L'ordinateur fixe{} et l'écran{} vendus ensemble forment un « PC fixe avec écran, clavier et \
                     souris » : {together} dépasse son plafond légal de {cap} ({}).",
                    tag.map(|t| format!(" {t}")).unwrap_or_default(),
                    screen_tag.map(|t| format!(" {t}")).unwrap_or_default(),
                    caps.source
                ),
            ));
        }
    }
    Ok(())
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
                Code::AboveLegalCap,
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
                Code::PriceOutOfBand,
                format!("{what} : {price} est hors de la fourchette du programme ({min} à {max})."),
            ));
        }
    }
    if price.cents() < 0 {
        return Err(refused(Code::Invalid, format!("{what} : prix négatif")));
    }
    Ok(())
}

pub fn sale(store: &Store, receipt: &str) -> Result<SaleRecord> {
    sql::sale(store.db(), receipt.trim())?.ok_or_else(|| {
        refused(
            Code::NotFound,
            format!("Aucune vente ne porte le numéro « {} ».", receipt.trim()),
        )
    })
}

pub fn list_sales(store: &Store, limit: usize) -> Result<Vec<SaleSummary>> {
    sql::list_sales(store.db(), limit)
}
