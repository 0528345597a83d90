//! The hub's HTTP JSON protocol (`/v1`), shared by the hub and the client so that both sides
//! read and write the same shapes. Described for other implementations in `hub/openapi.yaml`.
//!
//! Pull: `GET /v1/centres/{centre}/changes?after=SEQ&limit=N` → a page of [`Change`]s after a
//! cursor (the hub's monotonic sequence), with `more` when another page follows.
//! Push: `POST /v1/centres/{centre}/events` with [`PushRequest`] → one [`Ack`] per event;
//! events carry a client-made id, so sending one twice records it once.
//! Sale events carry a date, a kind, a category, a price, the buyer's publics and the
//! programme: never a name, a contact or a receipt number.

use serde::{Deserialize, Serialize};

use crate::device::{AssetTag, Category, DeviceKind, Imei, NewDevice, ParseError, Serial, Specs};

pub const VERSION: &str = "v1";
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
        }
    }
}

impl WireDevice {
    /// The device, with every rule of a delivery file checked.
    pub fn parse(&self) -> Result<NewDevice, ParseError> {
        Ok(NewDevice::new(
            AssetTag::parse(&self.tag)?,
            self.kind,
            self.category,
            &self.brand,
            &self.model,
            self.serial.as_deref().map(Serial::parse).transpose()?,
            self.imei.as_deref().map(Imei::parse).transpose()?,
            self.specs.clone(),
        )?)
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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    pub hub_id: String,
    pub acks: Vec<Ack>,
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
