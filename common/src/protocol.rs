//! The hub's HTTP JSON protocol, shared by the hub and the client so that both sides read and
//! write the same shapes. Described for other implementations in `hub/openapi.yaml`.
//!
//! Pull: `GET /v2/centres/{centre}/changes?after=SEQ&limit=N` → a page of [`Change`]s after a
//! cursor (the hub's monotonic sequence), with `more` when another page follows.
//! Push: `POST /v2/centres/{centre}/events` with [`PushRequest`] → one [`Ack`] per event;
//! events carry a client-made id, so sending one twice records it once.
//!
//! `/v2` (this client's) adds to `/v1`: a whole sale per event ([`SaleFacts`]: register,
//! receipt sequence, a pseudonymous person reference, publics, programme, lines, payments by
//! method), credit notes naming their lines ([`CreditNoteFacts`]), line corrections, the
//! register's journal head and the centre's public settings with each push, and conflicts
//! between registers in the feed ([`Change::Conflict`], [`Change::ConflictClosed`]). `/v1`
//! stays served for centres not yet updated: its events stay valid (what they lack is
//! « inconnu ») and its feed never carries the `/v2` changes. Never a name, a contact, a birth
//! date or a receipt's text.

use serde::{Deserialize, Serialize};

use crate::device::{AssetTag, Category, DeviceKind, Imei, NewDevice, ParseError, Serial, Specs};

/// The protocol this client speaks; the hub serves it and `V1`.
pub const VERSION: &str = "v2";
pub const V1: &str = "v1";
/// The most changes the hub sends in one page.
pub const MAX_PAGE: usize = 1000;
/// The most events a client sends in one request.
pub const MAX_PUSH: usize = 500;

/// A device as exchanged: plain fields, checked again on arrival ([`WireDevice::parse`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireDevice {
    pub tag: String,
    pub kind: DeviceKind,
    pub category: Option<Category>,
    pub brand: String,
    pub model: String,
    pub serial: Option<String>,
    pub imei: Option<String>,
    #[serde(flatten)]
    pub specs: Specs,
    /// Where it came from (none: unknown; absent from messages of earlier versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<crate::provenance::Provenance>,
    /// The erasure record the refurbisher's delivery gave (absent from earlier versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erasure: Option<crate::refurbishing::Erasure>,
    /// The functional test record the refurbisher's delivery gave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test: Option<crate::refurbishing::Test>,
}

impl From<&NewDevice> for WireDevice {
    fn from(d: &NewDevice) -> WireDevice {
        WireDevice {
            tag: d.tag.as_str().to_string(),
            kind: d.kind,
            category: d.category,
            brand: d.brand.clone(),
            model: d.model.clone(),
            serial: d.serial.as_ref().map(|s| s.as_str().to_string()),
            imei: d.imei.as_ref().map(|i| i.as_str().to_string()),
            specs: d.specs.clone(),
            provenance: d.provenance.clone(),
            erasure: d.records.erasure.clone(),
            test: d.records.test.clone(),
        }
    }
}

impl WireDevice {
    /// The device, with every rule of a delivery file checked (its provenance too).
    pub fn parse(&self) -> Result<NewDevice, ParseError> {
        let provenance = match &self.provenance {
            None => None,
            Some(p) => {
                let (reserved, price) = (p.reserved_for.join(","), p.acquisition.to_string());
                crate::provenance::ProvenanceCells {
                    kind: Some(p.kind.code()),
                    donor: p.donor.as_deref(),
                    convention: p.convention.as_deref(),
                    reserved_for: Some(reserved.as_str()),
                    acquisition: Some(price.as_str()),
                }
                .parse()
                .map_err(|problems| {
                    ParseError::msg(
                        problems
                            .into_iter()
                            .map(|(column, message)| format!("{column} : {message}"))
                            .collect::<Vec<_>>()
                            .join(" ; "),
                    )
                })?
            }
        };
        Ok(NewDevice::new(
            AssetTag::parse(&self.tag)?,
            self.kind,
            self.category,
            &self.brand,
            &self.model,
            self.serial.as_deref().map(Serial::parse).transpose()?,
            self.imei.as_deref().map(Imei::parse).transpose()?,
            self.specs.clone(),
        )?
        .with_provenance(provenance)
        .with_records(crate::refurbishing::Records {
            erasure: self.erasure.clone(),
            test: self.test.clone(),
        }))
    }
}

/// What the hub tells a centre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Change {
    /// A device allocated to the centre: it enters its stock as « attribué ».
    Allocate { device: Box<WireDevice> },
    /// The network takes a device back (if not sold yet).
    Recall { tag: String },
    /// A programme file (TOML) published to the centre.
    Programme { name: String, content: String },
    /// (`/v2` only) A conflict the hub keeps about this centre (the same device sold twice, a
    /// recalled device sold…): every register of the centre shows it until it is closed.
    Conflict(Box<ConflictNotice>),
    /// (`/v2` only) The conflict is settled (a line correction or a credit note reached the hub).
    ConflictClosed { id: i64, how: String },
}

/// A conflict as the hub tells the centres concerned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictNotice {
    /// The hub's number for it (the key both sides share).
    pub id: i64,
    /// `double_sale` and `other_centre` wait for a line correction or a credit note; `recall`
    /// and `journal` only inform.
    #[serde(default)]
    pub kind: String,
    pub tag: Option<String>,
    /// What happened and what to do, in French.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeEntry {
    pub seq: i64,
    pub at: String,
    #[serde(flatten)]
    pub change: Change,
}

/// A page of changes. `next` is the cursor to ask from next time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangesPage {
    pub hub_id: String,
    pub changes: Vec<ChangeEntry>,
    pub next: i64,
    pub more: bool,
    /// When the post that asked said its register code (`register` and `post` in the query):
    /// other posts of the centre that use the same one. Absent from older hubs' answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub register_clash: Option<RegisterClash>,
}

/// Other posts of the centre number their receipts with this post's register code: two
/// registers would issue the same receipt numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterClash {
    pub register: String,
    /// How many other posts use it.
    pub posts: i64,
    /// When the most recent of them was last seen.
    pub last_seen: String,
}

/// What happened at the centre, as the hub is told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[allow(clippy::large_enum_variant)] // a sale line is most events; boxing it would gain nothing
pub enum EventBody {
    Received {
        tag: String,
    },
    Available {
        tag: String,
    },
    Defective {
        tag: String,
    },
    Returned {
        tag: String,
    },
    /// Back on sale after a credit note.
    BackInStock {
        tag: String,
    },
    /// One sale line: a device (with its tag) or counted items (no tag).
    Sold {
        date: String,
        tag: Option<String>,
        kind: DeviceKind,
        category: Option<Category>,
        quantity: u32,
        price_cents: i64,
        programme: Option<String>,
        #[serde(default)]
        publics: Vec<String>,
    },
    /// A credit note: the amount given back.
    Cancelled {
        date: String,
        amount_cents: i64,
        refund: String,
    },
    /// A device the centre entered itself (delivery file or by hand).
    LocalStock {
        device: WireDevice,
    },
    /// (`/v2`) A whole sale.
    Sale(Box<SaleFacts>),
    /// (`/v2`) A credit note, naming the sale and the lines it cancels.
    CreditNote(Box<CreditNoteFacts>),
    /// (`/v2`) A sale line moved to the device really handed over (a mis-scanned tag), by a
    /// manager, journaled at the centre. The reason stays at the centre.
    LineCorrected(Box<LineCorrection>),
    /// (`/v2`) A warranty return, sent when it opens and again when it ends (the same
    /// `return_id`): what the network counts failures by, no name and no fault text.
    WarrantyReturn(Box<ReturnFacts>),
    /// (`/v2`) Devices handed to an approved collection point: they leave the stock for good.
    Recycling(Box<RecyclingFacts>),
    /// (`/v2`) A loan, sent when the device is lent and again when the loan ends (the same
    /// `loan_id`): a pseudonymous person reference, no name.
    Loan(Box<LoanFacts>),
}

/// A loan as the hub receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoanFacts {
    pub loan_id: String,
    pub tag: String,
    pub kind: DeviceKind,
    pub category: Option<Category>,
    pub programme: String,
    /// The person's random reference (as in sales) and publics.
    pub person: PersonRef,
    #[serde(default)]
    pub publics: Vec<String>,
    /// `AAAA-MM-JJ`.
    pub lent_on: String,
    pub due_on: String,
    /// `out` while lent; else `returned`, `lost` or `sold`.
    pub status: String,
    pub ended_on: Option<String>,
    /// On return: `good`, `damaged` or `accessories_missing`.
    pub condition: Option<String>,
}

/// A warranty return as the hub receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnFacts {
    /// The return's id at the centre (the same for its opening and its end).
    pub return_id: String,
    /// The day it was opened (`AAAA-MM-JJ`).
    pub opened_on: String,
    /// The sale event's id and the line that handed the device over.
    pub sale: String,
    pub line_no: u32,
    pub tag: String,
    pub kind: DeviceKind,
    pub category: Option<Category>,
    pub brand: String,
    pub model: String,
    pub refurbisher: Option<String>,
    /// A [`crate::aftersales::FaultCategory`] code.
    pub fault: String,
    /// Whole months from delivery to the return.
    pub months_since_delivery: u32,
    pub in_guarantee: bool,
    /// Whether the defect was presumed to exist at delivery (the first twelve months).
    pub presumed: bool,
    /// None while the return is open; else an [`crate::aftersales::Outcome`] code.
    pub outcome: Option<String>,
    pub closed_on: Option<String>,
    /// The device handed over in exchange.
    pub new_tag: Option<String>,
}

/// A recycling batch as the hub receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecyclingFacts {
    pub number: String,
    pub collection_point: String,
    /// The day the devices were handed over (`AAAA-MM-JJ`).
    pub handed_on: String,
    pub reference: String,
    pub devices: Vec<RecycledDevice>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecycledDevice {
    pub tag: String,
    /// A [`crate::aftersales::Destruction`] code.
    pub destruction: String,
}

/// A person's reference as the hub knows it: random, made once per person at the centre (never
/// derived from a name, a birth date or a phone), kept when the person is erased. It lets the
/// network count people equipped without knowing who they are.
pub type PersonRef = String;

/// What the hub receives about a sale: no name, contact, birth date or receipt text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleFacts {
    /// The day of the sale (`AAAA-MM-JJ`).
    pub date: String,
    /// The register's code (`R1`): which register sold.
    pub register: String,
    /// The receipt's number in its register's series of that year (`C01-R1-2026-000042` → 42).
    pub receipt_seq: i64,
    /// The buyer's pseudonymous reference; none for a sale without a registered person.
    pub person: Option<PersonRef>,
    /// The buyer's publics (codes: `rsa`, `demandeur_emploi`…).
    #[serde(default)]
    pub publics: Vec<String>,
    /// The programme's id.
    pub programme: Option<String>,
    pub lines: Vec<WireLine>,
    /// What was kept by payment method (cash net of the change given back); `funder` is the
    /// funder's part.
    pub payments: Vec<WirePayment>,
}

/// One line of a sale: a device (with its tag) or counted items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireLine {
    /// From 1, as the receipt numbers them.
    pub line_no: u32,
    pub kind: DeviceKind,
    pub category: Option<Category>,
    pub quantity: u32,
    pub unit_cents: i64,
    pub tag: Option<String>,
    /// The device's provenance kind (none: unknown, an item, or a centre of an earlier version):
    /// the network's donor reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<crate::provenance::DonorKind>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WirePayment {
    /// `cash`, `card`, `cheque`, `transfer` or `funder`.
    pub method: String,
    pub amount_cents: i64,
}

/// A credit note: the sale it cancels (the sale event's id), its lines, the amount refunded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditNoteFacts {
    pub date: String,
    pub register: String,
    /// The sale event's id (`uuid` of its [`Event`]).
    pub sale: String,
    /// The lines cancelled (from 1): every line of the sale when it is cancelled whole.
    pub lines: Vec<u32>,
    pub programme: Option<String>,
    pub amount_cents: i64,
    /// How it was refunded (a payment method's code).
    pub refund: String,
}

/// A sale line that now names another device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineCorrection {
    pub date: String,
    pub register: String,
    /// The sale event's id.
    pub sale: String,
    pub line_no: u32,
    /// The tag the line named, and the device really handed over.
    pub from_tag: String,
    pub to_tag: String,
}

/// The register's journal as it stands when it pushes: the hub keeps each head it is sent, per
/// register, as an anchor (a later journal that no longer leads to it was rewritten).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalHead {
    pub register: String,
    /// Entries in the journal.
    pub entries: i64,
    /// The last entry's hash (hex SHA-256), empty for an empty journal.
    pub hash: String,
    /// The register's public key for its signed period archives (Ed25519, hex).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_key: Option<String>,
    /// After an older backup was restored and a manager declared it: the hub's head the
    /// journal's new branch resumes from (its « reprise après restauration » entry names it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resumes: Option<Resumption>,
}

/// The hub's head a restored journal resumes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resumption {
    pub entries: i64,
    pub hash: String,
}

/// (`/v2`) What the hub holds for the pushing register: its furthest head on the journal's
/// current branch, and the last receipt number it knows for the register this year. A post
/// whose journal does not reach that head was restored from an older backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HubHead {
    pub entries: i64,
    pub hash: String,
    pub received_at: String,
    /// The highest receipt sequence number of this register's sales this year, if any.
    pub last_receipt_seq: Option<i64>,
}

/// `GET /v2/centres/{centre}/journal?register=R1`: the heads of this register's journal the hub
/// kept, in order. A journal that no longer leads to each of them was cut or rewritten.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalHeads {
    pub register: String,
    pub heads: Vec<HeadSeen>,
    /// The public keys this register's archives were signed with, as the hub received them.
    #[serde(default)]
    pub public_keys: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeadSeen {
    pub entries: i64,
    pub hash: String,
    /// When the hub received it.
    pub received_at: String,
}

/// What the network may know of the centre's settings, sent when they change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CentreFacts {
    pub name: String,
    pub commune: String,
    pub postcode: String,
    /// The département's code (`93`, `2A`, `971`), from the postcode.
    pub departement: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub uuid: String,
    pub at: String,
    #[serde(flatten)]
    pub body: EventBody,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushRequest {
    pub events: Vec<Event>,
    /// (`/v2`) The pushing register's journal head.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub journal: Option<JournalHead>,
    /// (`/v2`) The centre's settings, when they changed since the hub last acknowledged them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub centre: Option<CentreFacts>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AckStatus {
    /// Recorded now.
    Accepted,
    /// Recorded before (a retry): nothing changed.
    Duplicate,
    /// Recorded, with a conflict the hub keeps (e.g. a recalled device sold offline).
    Conflict,
    /// Not recorded (malformed, or about another centre's device): it will not be resent.
    Refused,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ack {
    pub uuid: String,
    pub status: AckStatus,
    pub message: Option<String>,
    /// (`/v2`) With `conflict`: the hub's number of the conflict (also sent in the feed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    pub hub_id: String,
    pub acks: Vec<Ack>,
    /// (`/v2`, when the push carried a journal head) the hub's furthest head for the register.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub journal: Option<HubHead>,
}

/// `GET /v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Health {
    pub hub_id: String,
    pub version: String,
}

/// An error body: `{"error": {"code", "message"}}` (French).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
}
