//! After the sale, the rules the desk applies and the network counts by: the legal conformity
//! guarantee of a device sold (Code de la consommation), the fault categories of a warranty
//! return, its outcomes, and how a recycled device's data was destroyed. Pure: dates in, dates
//! out.
//!
//! - L.217-3: the seller answers for conformity defects that appear within **two years** of
//!   delivery.
//! - L.217-7: a defect that appears within that time is presumed to have existed at delivery;
//!   for **used goods** the presumption lasts **twelve months**.
//! - L.217-10: the remedy (repair or replacement) is made within a reasonable time, at most
//!   **thirty days** after the consumer's request.
//! - L.217-13: a good **repaired** under the guarantee has it **extended by six months**; when a
//!   repair chosen is not made and the good is replaced instead, the replacement starts a new
//!   guarantee. Comptoir gives every device handed over by a warranty exchange a new two-year
//!   guarantee from the exchange (docs/apres-vente.md says why).

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::device::code_enum;

/// The guarantee's length from delivery (L.217-3).
pub const GUARANTEE_MONTHS: u32 = 24;
/// How long a defect is presumed to have existed at delivery, for used goods (L.217-7).
pub const PRESUMPTION_MONTHS: u32 = 12;
/// What each repair under the guarantee adds (L.217-13).
pub const REPAIR_EXTENSION_MONTHS: u32 = 6;
/// The longest time to remedy a defect, from the request (L.217-10).
pub const REMEDY_DAYS: u64 = 30;

code_enum! {
    /// What the family says is wrong, as the network counts failures.
    pub enum FaultCategory, "catégorie de panne" {
        NoStart => "no_start", "Ne démarre pas", ["demarre pas", "ne demarre pas"];
        Screen => "screen", "Écran", ["ecran"];
        Battery => "battery", "Batterie ou charge", ["batterie", "charge", "chargeur"];
        Keyboard => "keyboard", "Clavier ou pavé tactile", ["clavier", "pave tactile"];
        Storage => "storage", "Disque ou stockage", ["disque", "stockage"];
        Network => "network", "Wi-Fi ou réseau", ["wifi", "reseau"];
        Software => "software", "Système ou logiciel", ["systeme", "logiciel"];
        Sound => "sound", "Son, micro ou caméra", ["son", "micro", "camera"];
        Broken => "broken", "Casse ou choc", ["casse", "choc"];
        Other => "other", "Autre", ["autre"];
    }
}

code_enum! {
    /// How a warranty return ends.
    pub enum Outcome, "issue du retour" {
        Repaired => "repaired", "Réparé et rendu", ["repare", "reparation"];
        Exchanged => "exchanged", "Échangé", ["echange", "echanger"];
        Refunded => "refunded", "Remboursé (avoir)", ["rembourse", "remboursement", "avoir"];
    }
}

code_enum! {
    /// How the data of a device sent to recycling was destroyed.
    pub enum Destruction, "destruction des données" {
        Erasure => "erasure", "Effacement certifié", ["effacement"];
        Physical => "physical", "Destruction physique du stockage", ["physique", "destruction"];
        NoData => "no_data", "Sans donnée d'utilisateur", ["aucune", "sans donnees"];
    }
}

/// A device's guarantee as it stands: from its delivery (the sale, or the exchange that handed
/// it over), lengthened by each repair under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Guarantee {
    pub delivered_on: NaiveDate,
    /// Repairs under the guarantee since delivery (each adds six months).
    pub repairs: u32,
    /// The last day covered.
    pub ends_on: NaiveDate,
    /// The last day a defect is presumed to have existed at delivery.
    pub presumed_until: NaiveDate,
}

impl Guarantee {
    pub fn new(delivered_on: NaiveDate, repairs: u32) -> Guarantee {
        let months = GUARANTEE_MONTHS + REPAIR_EXTENSION_MONTHS * repairs;
        Guarantee {
            delivered_on,
            repairs,
            ends_on: add_months(delivered_on, months).pred_opt().unwrap_or(delivered_on),
            presumed_until: add_months(delivered_on, PRESUMPTION_MONTHS)
                .pred_opt()
                .unwrap_or(delivered_on),
        }
    }

    /// Whether `day` is still covered.
    pub fn covers(&self, day: NaiveDate) -> bool {
        day <= self.ends_on
    }

    /// Whether a defect found on `day` is presumed to have existed at delivery.
    pub fn presumed(&self, day: NaiveDate) -> bool {
        day <= self.presumed_until
    }

    /// Whole months from delivery to `day` (what the network counts failures by).
    pub fn months_at(&self, day: NaiveDate) -> u32 {
        let mut months = 0;
        while months < 1200 && add_months(self.delivered_on, months + 1) <= day {
            months += 1;
        }
        months
    }

    /// The guarantee as a French sentence for `day` (the return screen and slips).
    pub fn sentence(&self, day: NaiveDate) -> String {
        let ends = self.ends_on.format("%d/%m/%Y");
        let extended = match self.repairs {
            0 => String::new(),
            n => format!(
                " (prolongée de {} mois par {n} réparation(s), art. L.217-13)",
                n * REPAIR_EXTENSION_MONTHS
            ),
        };
        if !self.covers(day) {
            return format!(
                "Garantie légale de conformité terminée le {ends}{extended} : l'appareil est examiné hors garantie, \
                 sans obligation légale de réparation, d'échange ni de remboursement."
            );
        }
        let presumption = if self.presumed(day) {
            format!(
                "Défaut présumé exister à la livraison (bien d'occasion, 12 mois, art. L.217-7) jusqu'au {}.",
                self.presumed_until.format("%d/%m/%Y")
            )
        } else {
            format!(
                "Présomption de 12 mois terminée le {} (bien d'occasion, art. L.217-7) : le défaut reste couvert par la \
                 garantie s'il existait à la livraison, et c'est à la famille de le montrer.",
                self.presumed_until.format("%d/%m/%Y")
            )
        };
        format!("Sous garantie légale de conformité jusqu'au {ends}{extended}. {presumption}")
    }
}

/// The last day to remedy a defect reported on `requested_on` (L.217-10).
pub fn remedy_deadline(requested_on: NaiveDate) -> NaiveDate {
    requested_on + chrono::Days::new(REMEDY_DAYS)
}

fn add_months(day: NaiveDate, months: u32) -> NaiveDate {
    day.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn two_years_twelve_months_presumed_six_more_per_repair() {
        let g = Guarantee::new(d("2025-03-15"), 0);
        assert_eq!(g.ends_on, d("2027-03-14"));
        assert_eq!(g.presumed_until, d("2026-03-14"));
        assert!(g.covers(d("2027-03-14")) && !g.covers(d("2027-03-15")));
        assert!(g.presumed(d("2026-03-14")) && !g.presumed(d("2026-03-15")));
        assert_eq!(Guarantee::new(d("2025-03-15"), 2).ends_on, d("2028-03-14"));
        assert_eq!(g.months_at(d("2025-04-14")), 0);
        assert_eq!(g.months_at(d("2025-04-15")), 1);
        assert_eq!(g.months_at(d("2026-03-20")), 12);
        assert_eq!(remedy_deadline(d("2026-12-03")), d("2027-01-02"));
    }

    #[test]
    fn the_sentence_says_whether_the_guarantee_and_the_presumption_hold() {
        let g = Guarantee::new(d("2025-03-15"), 1);
        let inside = g.sentence(d("2025-06-01"));
        assert!(inside.contains("jusqu'au 14/09/2027"), "{inside}");
        assert!(inside.contains("L.217-13") && inside.contains("présumé"), "{inside}");
        let later = g.sentence(d("2026-06-01"));
        // After the 12-month presumption the buyer shows the defect existed at delivery.
        assert!(later.contains("terminée le 14/03/2026"), "{later}");
        assert!(later.contains("c'est à la famille de le montrer"), "{later}");
        assert!(!later.contains("n'a pas à prouver"), "{later}");
        let ended = g.sentence(d("2027-10-01"));
        assert!(ended.contains("terminée") && ended.contains("hors garantie"), "{ended}");
        assert!(ended.contains("sans obligation légale de réparation"), "{ended}");
    }
}
