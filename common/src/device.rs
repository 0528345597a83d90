//! The device and the types that describe it: kind, category, asset tag, serial, IMEI, specs,
//! and the life-cycle state machine. Every type here parses: an invalid value cannot be built.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::text::fold;

/// Declares a closed set of codes with a stable code (stored, exchanged), a French label (shown)
/// and the spellings accepted when parsing (codes, French and English words, folded).
#[macro_export]
#[doc(hidden)]
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident, $what:literal {
            $($variant:ident => $code:literal, $label:literal, [$($alias:literal),* $(,)?];)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, ts_rs::TS)]
        #[ts(export)]
        pub enum $name {
            $(#[serde(rename = $code)] $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stable code stored in the database and exchanged in files and JSON.
            pub const fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            /// The French label shown to people.
            pub const fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }

            pub fn parse(input: &str) -> Result<Self, $crate::device::ParseError> {
                let folded = $crate::text::fold(input);
                $(
                    if folded == $crate::text::fold($code) || folded == $crate::text::fold($label) $(|| folded == $alias)* {
                        return Ok($name::$variant);
                    }
                )+
                Err($crate::device::ParseError::new($what, input, &[$($code),+]))
            }
        }

        impl $crate::device::Coded for $name {
            const ALL: &'static [Self] = $name::ALL;
            fn code(self) -> &'static str {
                $name::code(self)
            }
            fn label(self) -> &'static str {
                $name::label(self)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::device::ParseError;
            fn from_str(s: &str) -> Result<Self, $crate::device::ParseError> {
                $name::parse(s)
            }
        }
    };
}
pub use crate::code_enum;

/// Why a value was refused, in French, naming the value and what would have been accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    pub message: String,
}

impl ParseError {
    pub fn new(what: &str, input: &str, accepted: &[&str]) -> Self {
        ParseError {
            message: format!(
                "{what} « {} » inconnu(e) ; valeurs acceptées : {}",
                input.trim(),
                accepted.join(", ")
            ),
        }
    }

    pub fn msg(message: impl Into<String>) -> Self {
        ParseError {
            message: message.into(),
        }
    }
}

code_enum! {
    /// What a device is. SIM cards, data top-ups and accessories are counted items in a sale,
    /// but they can also be tracked one by one in stock (a SIM card has its ICCID).
    pub enum DeviceKind, "type d'appareil" {
        Laptop => "laptop", "Ordinateur portable", ["portable", "pc portable", "ordinateur_portable", "notebook"];
        Desktop => "desktop", "Ordinateur fixe", ["fixe", "pc fixe", "unite centrale", "ordinateur_fixe", "tour"];
        Tablet => "tablet", "Tablette", ["tablette"];
        Smartphone => "smartphone", "Smartphone", ["telephone", "mobile", "phone"];
        Screen => "screen", "Écran", ["monitor", "moniteur"];
        Printer => "printer", "Imprimante", ["imprimante"];
        Multifunction => "multifunction", "Imprimante multifonction", ["multifonction", "mfp"];
        SimCard => "sim_card", "Carte SIM", ["sim", "carte sim", "carte_sim", "sim card"];
        DataTopUp => "data_topup", "Recharge de données", ["recharge", "recharge data", "data top-up", "top-up", "data_top_up"];
        Accessory => "accessory", "Accessoire", ["accessoire"];
    }
}

impl DeviceKind {
    /// Computers, tablets and phones are graded by performance; the other kinds need no category.
    pub const fn requires_category(self) -> bool {
        matches!(
            self,
            DeviceKind::Laptop | DeviceKind::Desktop | DeviceKind::Tablet | DeviceKind::Smartphone
        )
    }

    /// Kinds that carry a mobile radio and so may have an IMEI.
    pub const fn may_have_imei(self) -> bool {
        matches!(self, DeviceKind::Smartphone | DeviceKind::Tablet)
    }
}

code_enum! {
    /// The performance grade the refurbisher gives (Emmaüs Connect's HC / C / B / A / Premium).
    pub enum Category, "catégorie" {
        Hc => "HC", "Hors catégorie", ["hc", "hors categorie", "hors-categorie"];
        C => "C", "C", [];
        B => "B", "B", [];
        A => "A", "A", [];
        Premium => "Premium", "Premium", ["p"];
    }
}

code_enum! {
    /// Storage technology, as graded by refurbishers (NVMe and SSD add, HDD caps the grade).
    pub enum StorageKind, "type de stockage" {
        Hdd => "HDD", "Disque dur (HDD)", ["disque dur"];
        Ssd => "SSD", "SSD", [];
        Nvme => "NVMe", "SSD NVMe", ["ssd nvme"];
        Emmc => "eMMC", "eMMC", [];
        Flash => "flash", "Mémoire flash", ["memoire flash"];
    }
}

code_enum! {
    /// Where a device is in its life at the centre. See [`DeviceState::apply`] for the moves.
    pub enum DeviceState, "état" {
        Allocated => "allocated", "Attribué (à réceptionner)", ["attribue", "alloue"];
        Received => "received", "Réceptionné", ["recu", "receptionne"];
        Available => "available", "Disponible", ["disponible", "en vente"];
        Reserved => "reserved", "Réservé", ["reserve"];
        Sold => "sold", "Vendu", ["vendu"];
        Returned => "returned", "Retourné au réseau", ["retourne", "renvoye"];
        Defective => "defective", "Défectueux (SAV)", ["defectueux", "sav", "en panne"];
        Lent => "lent", "Prêté", ["prete", "en pret"];
        Lost => "lost", "Perdu (prêt non rendu)", ["perdu"];
        Recycled => "recycled", "Recyclé (DEEE)", ["recycle", "deee"];
    }
}

code_enum! {
    /// What a person does to a device. Each action is one allowed move of the state machine.
    pub enum StockAction, "action" {
        Receive => "receive", "Réceptionner", ["receptionner"];
        MakeAvailable => "make_available", "Mettre en vente", ["mettre en vente", "available"];
        Reserve => "reserve", "Réserver", ["reserver"];
        CancelReservation => "cancel_reservation", "Annuler la réservation", [];
        Sell => "sell", "Vendre", ["vendre"];
        MarkDefective => "mark_defective", "Déclarer défectueux", ["defective", "defectueux"];
        Return => "return", "Retourner au réseau", ["retourner"];
        CreditNote => "credit_note", "Remettre en stock (avoir)", ["avoir"];
        Lend => "lend", "Prêter", ["preter"];
        EndLoan => "end_loan", "Reprendre (fin de prêt)", ["fin de pret"];
        DeclareLost => "declare_lost", "Déclarer perdu (prêt non rendu)", ["perdu"];
        TakeBack => "take_back", "Reprendre sous garantie (échange)", ["reprise"];
        HandOver => "hand_over", "Remettre en échange sous garantie", ["echange"];
        Recycle => "recycle", "Envoyer au recyclage (DEEE)", ["recycler"];
    }
}

/// An action the state machine refuses, with both states so the message can say why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("impossible de « {} » un appareil à l'état « {} »", action.label().to_lowercase(), from.label())]
pub struct IllegalTransition {
    pub from: DeviceState,
    pub action: StockAction,
}

impl DeviceState {
    /// The one place where the allowed moves are written.
    ///
    /// allocated → received → available → reserved → sold (the sale);
    /// reserved → available (reservation cancelled);
    /// received or available → defective or returned (with a reason);
    /// defective → available (repaired) or returned (sent back for after-sales service);
    /// sold → available only through a credit note, which cancels the sale;
    /// available → lent (a loan) → available (given back), lost (never given back) or, through
    /// its end, sold (a loan turned into a sale);
    /// sold → defective when a warranty exchange takes it back, and available → sold for the
    /// device handed over in its place;
    /// received, available or defective → recycled (a recycling batch). Lost and recycled are
    /// ends: nothing leaves them.
    pub fn apply(self, action: StockAction) -> Result<DeviceState, IllegalTransition> {
        use DeviceState as S;
        use StockAction as A;
        let to = match (self, action) {
            (S::Allocated, A::Receive) => S::Received,
            (S::Received, A::MakeAvailable) => S::Available,
            (S::Defective, A::MakeAvailable) => S::Available,
            (S::Available, A::Reserve) => S::Reserved,
            (S::Reserved, A::CancelReservation) => S::Available,
            (S::Reserved, A::Sell) => S::Sold,
            (S::Received | S::Available, A::MarkDefective) => S::Defective,
            // An allocation not delivered yet may go back too (or be recalled by the network).
            (S::Allocated | S::Received | S::Available | S::Defective, A::Return) => S::Returned,
            (S::Sold, A::CreditNote) => S::Available,
            (S::Available, A::Lend) => S::Lent,
            (S::Lent, A::EndLoan) => S::Available,
            (S::Lent, A::DeclareLost) => S::Lost,
            (S::Sold, A::TakeBack) => S::Defective,
            (S::Available, A::HandOver) => S::Sold,
            (S::Received | S::Available | S::Defective, A::Recycle) => S::Recycled,
            (from, action) => return Err(IllegalTransition { from, action }),
        };
        Ok(to)
    }

    /// The actions a person may take from this state (the UI shows exactly these).
    pub fn allowed_actions(self) -> Vec<StockAction> {
        StockAction::ALL
            .iter()
            .copied()
            .filter(|a| self.apply(*a).is_ok())
            .collect()
    }
}

impl StockAction {
    /// Whether a person must say why (a defect, a return, a repaired device put back on sale).
    pub fn requires_reason(self, from: DeviceState) -> bool {
        matches!(
            self,
            StockAction::MarkDefective | StockAction::Return | StockAction::CreditNote
        ) || (self == StockAction::MakeAvailable && from == DeviceState::Defective)
    }
}

/// The network's identifier of a device ("identifiant EC" style asset tag), as printed on its
/// label and typed by a barcode scanner: 3 to 32 characters among A–Z, 0–9, `-`, `_`, `.`, `/`.
/// Stored upper-case so a scan and a typed tag always agree.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[derive(ts_rs::TS)]
#[ts(export)]
pub struct AssetTag(String);

impl AssetTag {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let tag = input.trim().to_uppercase();
        if tag.len() < 3 || tag.len() > 32 {
            return Err(ParseError::msg(format!(
                "identifiant « {} » : il doit compter de 3 à 32 caractères",
                input.trim()
            )));
        }
        if let Some(bad) = tag
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || "-_./".contains(*c)))
        {
            return Err(ParseError::msg(format!(
                "identifiant « {} » : le caractère « {bad} » n'est pas admis (lettres, chiffres, - _ . / seulement)",
                input.trim()
            )));
        }
        Ok(AssetTag(tag))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A manufacturer's serial number: 1 to 64 visible characters, no spaces inside, upper-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Serial(String);

impl Serial {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let serial = input.trim().to_uppercase();
        if serial.is_empty() || serial.chars().count() > 64 {
            return Err(ParseError::msg(format!(
                "numéro de série « {} » : il doit compter de 1 à 64 caractères",
                input.trim()
            )));
        }
        if serial.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(ParseError::msg(format!(
                "numéro de série « {} » : pas d'espace ni de caractère de contrôle",
                input.trim()
            )));
        }
        Ok(Serial(serial))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A phone's IMEI: exactly 15 digits whose last one is the Luhn check digit. Spaces, dashes and
/// slashes as printed on boxes are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Imei(String);

impl Imei {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '-' | '/')).collect();
        if digits.len() != 15 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(ParseError::msg(format!(
                "IMEI « {} » : il faut exactement 15 chiffres",
                input.trim()
            )));
        }
        if !luhn_valid(&digits) {
            return Err(ParseError::msg(format!(
                "IMEI « {} » : la clé de contrôle (dernier chiffre) est fausse ; vérifiez la saisie",
                input.trim()
            )));
        }
        Ok(Imei(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The Luhn check used by IMEIs (and SIRET numbers): from the right, double every second
/// digit, subtract 9 when above 9; the sum must be a multiple of 10.
pub fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, c) in digits.chars().rev().enumerate() {
        let Some(mut d) = c.to_digit(10) else { return false };
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    !digits.is_empty() && sum % 10 == 0
}

macro_rules! string_newtype_conversions {
    ($($t:ident),+) => {$(
        impl TryFrom<String> for $t {
            type Error = ParseError;
            fn try_from(s: String) -> Result<Self, ParseError> { $t::parse(&s) }
        }
        impl From<$t> for String {
            fn from(v: $t) -> String { v.0 }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(&self.0) }
        }
        impl FromStr for $t {
            type Err = ParseError;
            fn from_str(s: &str) -> Result<Self, ParseError> { $t::parse(s) }
        }
    )+};
}
string_newtype_conversions!(AssetTag, Serial, Imei);

/// What the refurbisher tells about a device. Sizes are integers (no floats): RAM in MiB,
/// storage in GB, screen diagonal in tenths of an inch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Specs {
    pub cpu: Option<String>,
    pub ram_mb: Option<i64>,
    pub storage_kind: Option<StorageKind>,
    pub storage_gb: Option<i64>,
    pub screen_tenths_inch: Option<i64>,
    pub os: Option<String>,
    pub battery_serial: Option<String>,
    pub charger_serial: Option<String>,
    pub refurbisher: Option<String>,
    pub erasure_certificate: Option<String>,
}

/// A device as it enters the stock: every field already valid, the kind/category/IMEI rules
/// already checked. Built through [`NewDevice::new`] only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDevice {
    pub tag: AssetTag,
    pub kind: DeviceKind,
    pub category: Option<Category>,
    pub brand: String,
    pub model: String,
    pub serial: Option<Serial>,
    pub imei: Option<Imei>,
    pub specs: Specs,
    /// Where it came from; none: unknown (treated as public, the safe side).
    pub provenance: Option<crate::provenance::Provenance>,
    /// The erasure and test records it arrives with (a delivery file's columns).
    pub records: crate::refurbishing::Records,
}

impl NewDevice {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        tag: AssetTag,
        kind: DeviceKind,
        category: Option<Category>,
        brand: &str,
        model: &str,
        serial: Option<Serial>,
        imei: Option<Imei>,
        specs: Specs,
    ) -> Result<Self, ParseError> {
        if kind.requires_category() && category.is_none() {
            return Err(ParseError::msg(format!(
                "la catégorie (HC, C, B, A, Premium) est obligatoire pour : {}",
                kind.label().to_lowercase()
            )));
        }
        if imei.is_some() && !kind.may_have_imei() {
            return Err(ParseError::msg(format!(
                "un IMEI n'a de sens que pour un smartphone ou une tablette, pas pour : {}",
                kind.label().to_lowercase()
            )));
        }
        Ok(NewDevice {
            tag,
            kind,
            category,
            brand: brand.trim().to_string(),
            model: model.trim().to_string(),
            serial,
            imei,
            specs,
            provenance: None,
            records: Default::default(),
        })
    }

    /// The same device, with these erasure and test records.
    pub fn with_records(mut self, records: crate::refurbishing::Records) -> Self {
        self.records = records;
        self
    }

    /// The same device, of this provenance.
    pub fn with_provenance(mut self, provenance: Option<crate::provenance::Provenance>) -> Self {
        self.provenance = provenance;
        self
    }

    /// The folded text the free-text search looks in: tag, serial, IMEI, brand, model, kind,
    /// CPU and OS.
    pub fn search_text(&self) -> String {
        let parts = [
            Some(self.tag.as_str()),
            self.serial.as_ref().map(Serial::as_str),
            self.imei.as_ref().map(Imei::as_str),
            Some(self.brand.as_str()),
            Some(self.model.as_str()),
            Some(self.kind.label()),
            self.specs.cpu.as_deref(),
            self.specs.os.as_deref(),
        ];
        fold(&parts.into_iter().flatten().collect::<Vec<_>>().join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_from_codes_and_french_words() {
        assert_eq!(DeviceKind::parse("laptop").unwrap(), DeviceKind::Laptop);
        assert_eq!(DeviceKind::parse("Ordinateur portable").unwrap(), DeviceKind::Laptop);
        assert_eq!(DeviceKind::parse("ÉCRAN").unwrap(), DeviceKind::Screen);
        assert_eq!(DeviceKind::parse("carte SIM").unwrap(), DeviceKind::SimCard);
        let err = DeviceKind::parse("grille-pain").unwrap_err();
        assert!(
            err.message.contains("grille-pain") && err.message.contains("laptop"),
            "{err}"
        );
        for kind in DeviceKind::ALL {
            assert_eq!(DeviceKind::parse(kind.code()).unwrap(), *kind);
        }
    }

    #[test]
    fn categories_parse() {
        assert_eq!(Category::parse("hc").unwrap(), Category::Hc);
        assert_eq!(Category::parse("Hors catégorie").unwrap(), Category::Hc);
        assert_eq!(Category::parse("premium").unwrap(), Category::Premium);
        assert!(Category::parse("D").is_err());
    }

    #[test]
    fn imei_requires_15_digits_and_luhn() {
        assert_eq!(Imei::parse("490154203237518").unwrap().as_str(), "490154203237518");
        assert_eq!(Imei::parse("49-015420-323751-8").unwrap().as_str(), "490154203237518");
        assert!(Imei::parse("490154203237519")
            .unwrap_err()
            .message
            .contains("clé de contrôle"));
        assert!(Imei::parse("49015420323751")
            .unwrap_err()
            .message
            .contains("15 chiffres"));
        assert!(Imei::parse("49015420323751A").is_err());
    }

    #[test]
    fn asset_tags_are_upper_cased_and_checked() {
        assert_eq!(AssetTag::parse(" ec-2024-00123 ").unwrap().as_str(), "EC-2024-00123");
        assert!(AssetTag::parse("ab").is_err());
        assert!(AssetTag::parse("EC 123").is_err());
        assert!(AssetTag::parse("ÉC-123").is_err());
        assert!(AssetTag::parse(&"X".repeat(33)).is_err());
    }

    #[test]
    fn serials_refuse_spaces_and_emptiness() {
        assert_eq!(Serial::parse(" pf1abc2 ").unwrap().as_str(), "PF1ABC2");
        assert!(Serial::parse("").is_err());
        assert!(Serial::parse("AB CD").is_err());
    }

    #[test]
    fn the_life_cycle_follows_the_allowed_moves() {
        use DeviceState as S;
        use StockAction as A;
        let mut state = S::Allocated;
        for (action, expected) in [
            (A::Receive, S::Received),
            (A::MakeAvailable, S::Available),
            (A::Reserve, S::Reserved),
            (A::Sell, S::Sold),
            (A::CreditNote, S::Available),
            (A::MarkDefective, S::Defective),
            (A::MakeAvailable, S::Available),
            (A::Return, S::Returned),
        ] {
            state = state.apply(action).unwrap();
            assert_eq!(state, expected);
        }
    }

    #[test]
    fn illegal_moves_are_refused() {
        use DeviceState as S;
        use StockAction as A;
        for (from, action) in [
            (S::Defective, A::Sell),     // selling a defective device
            (S::Sold, A::Receive),       // receiving a sold one
            (S::Sold, A::MakeAvailable), // sold comes back only through a credit note
            (S::Available, A::Sell),     // a sale goes through a reservation
            (S::Allocated, A::MakeAvailable),
            (S::Returned, A::Receive),
            (S::Available, A::CreditNote),
            (S::Sold, A::MarkDefective),
        ] {
            let err = from.apply(action).unwrap_err();
            assert_eq!(err, IllegalTransition { from, action });
        }
        let message = S::Defective.apply(A::Sell).unwrap_err().to_string();
        assert!(
            message.contains("vendre") && message.contains("Défectueux"),
            "{message}"
        );
    }

    #[test]
    fn every_state_lists_exactly_its_legal_actions() {
        assert_eq!(
            DeviceState::Allocated.allowed_actions(),
            vec![StockAction::Receive, StockAction::Return]
        );
        assert_eq!(DeviceState::Returned.allowed_actions(), vec![]);
        assert_eq!(
            DeviceState::Sold.allowed_actions(),
            vec![StockAction::CreditNote, StockAction::TakeBack]
        );
        assert_eq!(DeviceState::Recycled.allowed_actions(), vec![]);
        assert_eq!(DeviceState::Lost.allowed_actions(), vec![]);
        assert_eq!(
            DeviceState::Lent.allowed_actions(),
            vec![StockAction::EndLoan, StockAction::DeclareLost]
        );
    }

    #[test]
    fn a_computer_needs_a_category_and_a_laptop_no_imei() {
        let tag = AssetTag::parse("EC-001").unwrap();
        let missing = NewDevice::new(
            tag.clone(),
            DeviceKind::Laptop,
            None,
            "Dell",
            "E7470",
            None,
            None,
            Specs::default(),
        );
        assert!(missing.unwrap_err().message.contains("catégorie"));
        let imei = Imei::parse("490154203237518").unwrap();
        let wrong = NewDevice::new(
            tag.clone(),
            DeviceKind::Laptop,
            Some(Category::A),
            "Dell",
            "E7470",
            None,
            Some(imei),
            Specs::default(),
        );
        assert!(wrong.unwrap_err().message.contains("IMEI"));
        assert!(NewDevice::new(
            tag,
            DeviceKind::Accessory,
            None,
            "",
            "Souris",
            None,
            None,
            Specs::default()
        )
        .is_ok());
    }

    #[test]
    fn luhn() {
        assert!(luhn_valid("79927398713"));
        assert!(!luhn_valid("79927398710"));
        assert!(!luhn_valid(""));
    }
}

/// A closed set of codes with French labels (every `code_enum!`).
pub trait Coded: Copy + 'static {
    const ALL: &'static [Self];
    fn code(self) -> &'static str;
    fn label(self) -> &'static str;
}

/// Every code of `T` with its label, for a picker.
pub fn terms<T: Coded>() -> Vec<Term> {
    T::ALL
        .iter()
        .map(|v| Term {
            code: v.code(),
            label: v.label(),
        })
        .collect()
}

/// A code and its French label, for pickers and for showing stored codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Term {
    pub code: &'static str,
    pub label: &'static str,
}

/// Every code the stock uses, with its label: the UI shows these and invents none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Vocabulary {
    pub kinds: Vec<Term>,
    pub categories: Vec<Term>,
    pub states: Vec<Term>,
    pub storage_kinds: Vec<Term>,
    pub actions: Vec<Term>,
    /// The provenances a device may have.
    pub donor_kinds: Vec<Term>,
}

pub fn vocabulary() -> Vocabulary {
    Vocabulary {
        kinds: terms::<DeviceKind>(),
        categories: terms::<Category>(),
        states: terms::<DeviceState>(),
        storage_kinds: terms::<StorageKind>(),
        actions: terms::<StockAction>(),
        donor_kinds: terms::<crate::provenance::DonorKind>(),
    }
}
