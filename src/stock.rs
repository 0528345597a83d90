//! The centre's stock: listing and searching devices, a device's detail and history, and every
//! change of state (check-in, put on sale, defect, return), each recorded with when, who, why.

pub use crate::model::stock::{Device, DeviceEvent, StockQuery, StockSummary};

use crate::operators::Actor;
use serde::Serialize;
use uuid::Uuid;

use crate::device::{AssetTag, DeviceState, Imei, NewDevice, ParseError, StockAction};
use crate::error::{Error, Result};
use crate::store::{self, devices, Store};
use crate::text::{fold, format_tenths};

/// An action offered on a device's page, with whether it needs a written reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct OfferedAction {
    pub action: StockAction,
    pub label: &'static str,
    pub requires_reason: bool,
}

/// What the device page shows: the device, its facts in French, its history, and what may be
/// be done next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct DeviceDetail {
    #[serde(flatten)]
    pub device: Device,
    pub facts: Vec<Fact>,
    pub history: Vec<DeviceEvent>,
    pub actions: Vec<OfferedAction>,
}

/// One labelled line of a device's description, ready to show ("Mémoire", "8 Go").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Fact {
    pub label: &'static str,
    pub value: String,
}

impl Device {
    /// The device's description as labelled French lines, the unknown ones left out. The CLI
    /// and the app show these, so that both say the same thing the same way.
    pub fn facts(&self) -> Vec<Fact> {
        let s = &self.specs;
        let storage = s.storage_gb.map(|gb| match s.storage_kind {
            Some(kind) => format!("{gb} Go ({})", kind.label()),
            None => format!("{gb} Go"),
        });
        [
            ("Type", Some(self.kind.label().to_string())),
            ("Catégorie", self.category.map(|c| c.label().to_string())),
            ("N° de série", self.serial.clone()),
            ("IMEI", self.imei.clone()),
            ("Processeur", s.cpu.clone()),
            (
                "Mémoire vive",
                s.ram_mb.map(|mb| format!("{} Go", format_tenths(mb * 10 / 1024))),
            ),
            ("Stockage", storage),
            (
                "Écran",
                s.screen_tenths_inch.map(|t| format!("{} pouces", format_tenths(t))),
            ),
            ("Système", s.os.clone()),
            ("Batterie n°", s.battery_serial.clone()),
            ("Chargeur n°", s.charger_serial.clone()),
            ("Reconditionneur", s.refurbisher.clone()),
            (
                "Provenance",
                Some(
                    self.provenance
                        .as_ref()
                        .map(|p| p.describe())
                        .unwrap_or_else(|| "inconnue (traitée comme publique à la vente)".into()),
                ),
            ),
            (
                "Réservé aux publics",
                self.provenance
                    .as_ref()
                    .filter(|p| !p.reserved_for.is_empty())
                    .map(|p| p.reserved_for.join(", ")),
            ),
            (
                "Prix d'acquisition",
                self.provenance.as_ref().map(|p| p.acquisition.to_string()),
            ),
        ]
        .into_iter()
        .filter_map(|(label, value)| value.map(|value| Fact { label, value }))
        .collect()
    }
}

impl Default for StockQuery {
    fn default() -> Self {
        StockQuery {
            kind: None,
            category: None,
            state: None,
            text: None,
            limit: DEFAULT_LIMIT,
        }
    }
}

/// How many devices a list shows by default: enough to browse, few enough to stay instant.
pub const DEFAULT_LIMIT: usize = 200;

/// The devices matching `query`, newest first, at most `query.limit`.
///
/// Text typed exactly as a device's tag, IMEI or serial (what a scanner types) gives that
/// device alone; the beginning of tags gives those devices, in tag order. Otherwise the text is folded (accents, case) and split into words; a device
/// matches when every word appears in its tag, serial, IMEI, brand, model, kind, CPU or OS.
pub fn list(store: &Store, query: &StockQuery) -> Result<Vec<Device>> {
    let text = query.text.as_deref().unwrap_or("").trim();
    if !text.is_empty() && !text.contains(char::is_whitespace) {
        if let Ok(exact) = find_by_code(store, text) {
            return Ok(if query.admits(exact.kind, exact.category, exact.state) {
                vec![exact]
            } else {
                Vec::new()
            });
        }
    }
    // The beginning of a tag ("EC-24-00"), as people type codes: the tag index answers in
    // tag order, faster than the trigram index, whose short code trigrams are in every row.
    if text.len() >= 3 && !text.contains(char::is_whitespace) && text.contains(|c: char| c.is_ascii_digit()) {
        if let Ok(prefix) = AssetTag::parse(text) {
            let found = devices::by_tag_prefix(store.db(), query, prefix.as_str())?;
            if !found.is_empty() {
                return Ok(found);
            }
        }
    }
    let terms: Vec<String> = fold(text)
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    devices::search(store, query, &terms)
}

/// What a barcode scanner or a person typed: an asset tag, an IMEI or a serial, exactly.
pub fn find_by_code(store: &Store, code: &str) -> Result<Device> {
    find_in(store.db(), code)
}

/// [`find_by_code`] in a transaction (or any connection): the device a scanner's code names,
/// its tag, its IMEI or its serial (a serial shared by two devices names none).
pub fn find_in(conn: &crate::store::Db, code: &str) -> Result<Device> {
    let code = code.trim();
    let not_found = || Error::NotFound(code.to_string());
    if code.is_empty() {
        return Err(not_found());
    }
    if let Ok(tag) = AssetTag::parse(code) {
        if let Some(device) = devices::by_tag(conn, &tag)? {
            return Ok(device);
        }
    }
    if let Ok(imei) = Imei::parse(code) {
        if let Some(device) = devices::by_imei(conn, imei.as_str())? {
            return Ok(device);
        }
    }
    let mut by_serial = devices::by_serial(conn, &code.to_uppercase())?;
    // A serial shared by two devices cannot say which one: better no jump than the wrong one.
    if by_serial.len() == 1 {
        return Ok(by_serial.remove(0));
    }
    Err(not_found())
}

/// The device page for a tag (or any code `find_by_code` accepts).
pub fn detail(store: &Store, code: &str) -> Result<DeviceDetail> {
    let device = find_by_code(store, code)?;
    let history = devices::history(store.db(), device.id)?;
    let actions = device
        .state
        .allowed_actions()
        .into_iter()
        .filter(|a| !is_workflow_action(*a))
        .map(|action| OfferedAction {
            action,
            label: action.label(),
            requires_reason: action.requires_reason(device.state),
        })
        .collect();
    let mut facts = device.facts();
    let records = crate::records::facts(store.db(), device.id, device.kind)?;
    facts.extend(records.into_iter().map(|(label, value)| Fact { label, value }));
    if let Some(loan) = crate::loans::open_of(store.db(), device.id)? {
        facts.push(Fact {
            label: "Prêt",
            value: format!(
                "n° {}, à rendre le {}",
                loan.number,
                chrono::NaiveDate::parse_from_str(&loan.due_on, "%Y-%m-%d")
                    .map_or(loan.due_on.clone(), |d| d.format("%d/%m/%Y").to_string())
            ),
        });
    }
    Ok(DeviceDetail {
        facts,
        device,
        history,
        actions,
    })
}

pub fn summary(store: &Store) -> Result<StockSummary> {
    let mut summary = devices::summary(store.db())?;
    let count = |state: DeviceState| {
        summary
            .by_state
            .iter()
            .find(|(s, _)| *s == state)
            .map_or(0, |(_, n)| *n)
    };
    summary.text = format!(
        "{} disponible(s) · {} à réceptionner · {} réservé(s) · {} en SAV · {} prêté(s) · {} au total",
        count(DeviceState::Available),
        count(DeviceState::Allocated),
        count(DeviceState::Reserved),
        count(DeviceState::Defective),
        count(DeviceState::Lent),
        summary.total
    );
    Ok(summary)
}

/// Why a device cannot be sold, lent or handed over now, in French (the cash desk, loans,
/// exchanges say the same thing).
pub fn not_on_sale(device: &Device) -> String {
    let tag = &device.tag;
    match device.state {
        DeviceState::Recycled => {
            format!("{tag} est parti au recyclage (DEEE) : il ne peut plus être vendu, prêté ni échangé.")
        }
        DeviceState::Lost => format!("{tag} a été déclaré perdu (prêt non rendu) : il n'est plus dans le stock."),
        DeviceState::Lent => format!(
            "{tag} est prêté : pour le vendre à son emprunteur, transformez le prêt en vente (Après-vente › Prêts)."
        ),
        state => format!("L'appareil {tag} n'est pas en vente : il est « {} ».", state.label()),
    }
}

/// Actions that belong to a workflow of their own (the point of sale's reservation, sale and
/// credit note; a loan, its end or loss; a warranty exchange; a recycling batch), never to the
/// stock screen: each has its document, its journal entry and its checks.
pub fn is_workflow_action(action: StockAction) -> bool {
    !matches!(
        action,
        StockAction::Receive | StockAction::MakeAvailable | StockAction::MarkDefective | StockAction::Return
    )
}

/// What the stock screen and the CLI may do to a device: check-in, put on sale, defect, return.
/// Sales, reservations and credit notes go through the point of sale only.
pub fn change_state(
    store: &mut Store,
    tag: &AssetTag,
    action: StockAction,
    actor: &Actor,
    reason: &str,
) -> Result<Device> {
    crate::operators::require_present(store.db(), actor)?;
    let operator = actor.name();
    if is_workflow_action(action) {
        return Err(ParseError::msg(format!(
            "« {} » se fait depuis la caisse ou l'après-vente, pas depuis le stock",
            action.label()
        ))
        .into());
    }
    apply(store, tag, action, operator, reason)
}

/// Applies `action` to the device with this tag, in one transaction with its history line.
/// The state machine decides; an illegal move or a missing reason leaves the store untouched.
pub(crate) fn apply(
    store: &mut Store,
    tag: &AssetTag,
    action: StockAction,
    operator: &str,
    reason: &str,
) -> Result<Device> {
    store.with_tx(|tx| {
        let device = devices::by_tag(tx, tag)?.ok_or_else(|| Error::NotFound(tag.to_string()))?;
        transition_in(tx, device, action, operator, reason, &store::now_text())
    })
}

/// One move of the state machine inside the caller's transaction (a sale, a credit note), with
/// its history line.
pub(crate) fn transition_in(
    tx: &crate::store::Db,
    device: Device,
    action: StockAction,
    operator: &str,
    reason: &str,
    now: &str,
) -> Result<Device> {
    let reason = reason.trim();
    let tag = device.tag.clone();
    let to = device.state.apply(action).map_err(|source| Error::IllegalTransition {
        tag: tag.clone(),
        source,
    })?;
    if action.requires_reason(device.state) && reason.is_empty() {
        return Err(Error::ReasonRequired(format!(
            "Appareil {tag} : indiquez la raison pour « {} ».",
            action.label().to_lowercase()
        )));
    }
    devices::set_state(tx, device.id, to, now)?;
    let reason = if reason.is_empty() {
        action.label().to_string()
    } else {
        reason.to_string()
    };
    devices::insert_event(
        tx,
        device.id,
        &DeviceEvent {
            uuid: Uuid::now_v7(),
            at: now.to_string(),
            action: Some(action),
            from_state: Some(device.state),
            to_state: to,
            operator: operator.to_string(),
            reason,
        },
    )?;
    Ok(Device {
        state: to,
        updated_at: now.to_string(),
        ..device
    })
}

/// A line of a device's history that changes nothing of its state (a deposit for repair, a
/// repair), inside the caller's transaction.
pub(crate) fn note_in(tx: &crate::store::Db, device: &Device, operator: &str, reason: String, now: &str) -> Result<()> {
    devices::insert_event(
        tx,
        device.id,
        &DeviceEvent {
            uuid: Uuid::now_v7(),
            at: now.to_string(),
            action: None,
            from_state: Some(device.state),
            to_state: device.state,
            operator: operator.to_string(),
            reason,
        },
    )
}

/// Adds devices to the stock in `state`, each with the first line of its history and the
/// erasure and test records it arrived with (`seen`: those one import already wrote), inside
/// the caller's transaction; `import`: the delivery file they came in. Each device's row is
/// written once, pointing at its file and records; rows and history lines go in batches.
#[allow(clippy::too_many_arguments)]
pub(crate) fn insert_new(
    tx: &crate::store::Db,
    new: &[&NewDevice],
    state: DeviceState,
    operator: &str,
    reason: &str,
    now: &str,
    seen: &mut crate::store::records::Seen,
    import: Option<i64>,
) -> Result<Vec<i64>> {
    let mut rows = Vec::with_capacity(new.len());
    for device in new {
        let (erasure, test) = crate::store::records::write_new(tx, &device.records, seen, now, operator)?;
        rows.push((*device, devices::Links { import, erasure, test }));
    }
    let ids = devices::insert_many(tx, &rows, state, now)?;
    let first_line = |_| DeviceEvent {
        uuid: Uuid::now_v7(),
        at: now.to_string(),
        action: None,
        from_state: None,
        to_state: state,
        operator: operator.to_string(),
        reason: reason.to_string(),
    };
    let events: Vec<DeviceEvent> = ids.iter().map(first_line).collect();
    let lines: Vec<(i64, &DeviceEvent)> = ids.iter().copied().zip(&events).collect();
    devices::insert_events(tx, &lines)?;
    Ok(ids)
}

/// Enters one device by hand (no delivery file), as received: the person has it in hand.
pub fn add_by_hand(store: &mut Store, device: &NewDevice, actor: &Actor) -> Result<Device> {
    crate::operators::require_present(store.db(), actor)?;
    let operator = actor.name();
    store.with_tx(|tx| {
        // The same checks as a delivery file's, each beside its field, naming the device that
        // already has the value.
        let taken = |field: &'static str, message: String| {
            Error::InvalidFields(vec![crate::model::people::FieldError {
                field: field.into(),
                message,
            }])
        };
        if devices::by_tag(tx, &device.tag)?.is_some() {
            return Err(taken(
                "tag",
                format!("l'identifiant {} existe déjà dans le stock", device.tag),
            ));
        }
        if let Some(imei) = &device.imei {
            if let Some(other) = devices::by_imei(tx, imei.as_str())? {
                return Err(taken(
                    "imei",
                    format!("l'IMEI {imei} est déjà celui de l'appareil {}", other.tag),
                ));
            }
        }
        if let Some(serial) = &device.serial {
            let same = devices::by_serial(tx, serial.as_str())?;
            if let Some(other) = same.iter().find(|d| fold(&d.brand) == fold(&device.brand)) {
                return Err(taken(
                    "serial",
                    format!(
                        "le n° de série {serial} est déjà celui de l'appareil {} ({})",
                        other.tag, other.brand
                    ),
                ));
            }
        }
        insert_new(
            tx,
            &[device],
            DeviceState::Received,
            operator,
            "Saisi à la main",
            &store::now_text(),
            &mut Default::default(),
            None,
        )?;
        devices::by_tag(tx, &device.tag)?.ok_or_else(|| Error::NotFound(device.tag.to_string()))
    })
}

impl Device {
    /// The parts of a stored device that a delivery file describes, to tell whether a second
    /// file says the same thing about it.
    pub(crate) fn same_description(&self, other: &NewDevice) -> bool {
        self.kind == other.kind
            && self.category == other.category
            && self.brand == other.brand
            && self.model == other.model
            && self.serial.as_deref() == other.serial.as_ref().map(|s| s.as_str())
            && self.imei.as_deref() == other.imei.as_ref().map(|i| i.as_str())
            && self.specs == other.specs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::{Category, DeviceKind, Serial, Specs};

    fn laptop(tag: &str, brand: &str, model: &str) -> NewDevice {
        NewDevice::new(
            AssetTag::parse(tag).unwrap(),
            DeviceKind::Laptop,
            Some(Category::B),
            brand,
            model,
            Some(Serial::parse(&format!("SN{tag}")).unwrap()),
            None,
            Specs {
                os: Some("Linux Mint 22".into()),
                ..Specs::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn search_ignores_accents_and_case_and_needs_every_word() {
        let mut store = Store::open_in_memory().unwrap();
        add_by_hand(
            &mut store,
            &laptop("EC-001", "Lenovo", "ThinkPad Écran tactile"),
            &crate::operators::Actor::internal("test"),
        )
        .unwrap();
        add_by_hand(
            &mut store,
            &laptop("EC-002", "Dell", "Latitude E7470"),
            &crate::operators::Actor::internal("test"),
        )
        .unwrap();
        let twice = add_by_hand(
            &mut store,
            &laptop("EC-002", "HP", "Autre"),
            &crate::operators::Actor::internal("test"),
        )
        .unwrap_err();
        assert!(twice.to_string().contains("existe déjà"), "{twice}");
        let q = |text: &str| StockQuery {
            text: Some(text.into()),
            ..StockQuery::default()
        };
        let tags = |text: &str| {
            list(&store, &q(text))
                .unwrap()
                .into_iter()
                .map(|d| d.tag.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(tags("ecran"), ["EC-001"]);
        assert_eq!(tags("THINKPAD tactile"), ["EC-001"]);
        assert_eq!(tags("dell e7"), ["EC-002"]);
        assert_eq!(tags("mint"), ["EC-002", "EC-001"]);
        assert!(tags("lenovo dell").is_empty());
        assert_eq!(tags("snec-002"), ["EC-002"]);
    }

    #[test]
    fn a_transition_is_recorded_with_who_and_why() {
        let mut store = Store::open_in_memory().unwrap();
        let tag = AssetTag::parse("EC-010").unwrap();
        add_by_hand(
            &mut store,
            &laptop("EC-010", "HP", "EliteBook"),
            &crate::operators::Actor::internal("amina"),
        )
        .unwrap();
        let err = apply(&mut store, &tag, StockAction::MarkDefective, "amina", " ").unwrap_err();
        assert_eq!(err.code(), "reason_required");
        apply(&mut store, &tag, StockAction::MarkDefective, "amina", "Écran cassé").unwrap();
        let detail = detail(&store, "ec-010").unwrap();
        assert_eq!(detail.device.state, DeviceState::Defective);
        let last = detail.history.last().unwrap();
        assert_eq!((last.operator.as_str(), last.reason.as_str()), ("amina", "Écran cassé"));
        assert_eq!(last.from_state, Some(DeviceState::Received));
        let err = apply(&mut store, &tag, StockAction::Reserve, "amina", "").unwrap_err();
        assert_eq!(err.code(), "illegal_transition");
        apply(&mut store, &tag, StockAction::MakeAvailable, "amina", "Écran remplacé").unwrap();
        let err = change_state(
            &mut store,
            &tag,
            StockAction::Reserve,
            &crate::operators::Actor::internal("amina"),
            "",
        )
        .unwrap_err();
        assert!(err.to_string().contains("caisse"), "{err}");
        apply(&mut store, &tag, StockAction::MarkDefective, "amina", "Batterie HS").unwrap();
        assert_eq!(super::detail(&store, "EC-010").unwrap().history.len(), 4);
    }
}
