//! Where a device came from: the donor's kind (a public body of CGI L.3212-2 3°, a company, a
//! private person, or a purchase), its name, the convention's reference, the publics the donor
//! reserved its devices for, and what the device cost (0 for a gift). Unknown for devices
//! entered before provenance was recorded. Pure: parsed from a delivery file's cells or a form.

use serde::{Deserialize, Serialize};

use crate::device::code_enum;
use crate::money::Money;
use crate::text::fold;

code_enum! {
    /// Who gave (or sold) the device to the network.
    pub enum DonorKind, "provenance" {
        Public => "public", "Public (État, collectivité, établissement public)", ["etat", "collectivite", "collectivite territoriale", "etablissement public", "administration", "publique"];
        Company => "entreprise", "Entreprise", ["societe", "company", "don d'entreprise"];
        Individual => "particulier", "Particulier", ["individu", "personne", "don de particulier"];
        Purchase => "achat", "Achat", ["achete", "purchase", "acquisition"];
    }
}

impl DonorKind {
    /// Devices whose resale the law restricts to people in precarity (CGI L.3212-2 3°, as
    /// amended by the 3DS law), under the caps of the décret of 7 November 2022.
    pub fn is_public(self) -> bool {
        self == DonorKind::Public
    }
}

/// A device's provenance, valid: a kind, and what goes with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Provenance {
    pub kind: DonorKind,
    pub donor: Option<String>,
    /// The convention's reference (« CD94-2026-017 »).
    pub convention: Option<String>,
    /// The publics the donor reserved its devices for (programme codes: `rsa`, `etudiant`…);
    /// empty: none reserved.
    pub reserved_for: Vec<String>,
    /// What the device cost the network (0 for a gift): the purchase price of the margin scheme.
    pub acquisition: Money,
}

/// The cells of a provenance, as typed (a delivery file's columns, a form's fields).
#[derive(Debug, Clone, Copy, Default)]
pub struct ProvenanceCells<'a> {
    pub kind: Option<&'a str>,
    pub donor: Option<&'a str>,
    pub convention: Option<&'a str>,
    pub reserved_for: Option<&'a str>,
    pub acquisition: Option<&'a str>,
}

impl ProvenanceCells<'_> {
    /// None when every cell is empty (provenance unknown); else a valid provenance, or each bad
    /// cell with its column (`donor_kind`, `donor`, `convention`, `reserved_publics`,
    /// `acquisition_price`) and a French reason.
    pub fn parse(&self) -> Result<Option<Provenance>, Vec<(&'static str, String)>> {
        let clean = |v: Option<&str>| v.map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
        let (donor, convention) = (clean(self.donor), clean(self.convention));
        let (reserved, price) = (clean(self.reserved_for), clean(self.acquisition));
        let Some(kind) = clean(self.kind) else {
            return if donor.is_none() && convention.is_none() && reserved.is_none() && price.is_none() {
                Ok(None)
            } else {
                Err(vec![(
                    "donor_kind",
                    "la provenance (public, entreprise, particulier ou achat) manque alors que le donateur, la \
                     convention, les publics ou le prix sont donnés"
                        .to_string(),
                )])
            };
        };
        let mut errors = Vec::new();
        let kind = DonorKind::parse(&kind)
            .map_err(|e| errors.push(("donor_kind", e.message)))
            .ok();
        for (column, value, max) in [("donor", &donor, 120), ("convention", &convention, 60)] {
            if value.as_ref().is_some_and(|v| v.chars().count() > max) {
                errors.push((column, format!("{max} caractères au plus")));
            }
        }
        let mut reserved_for = Vec::new();
        for public in reserved.iter().flat_map(|r| r.split([',', '|', '/'])) {
            let code = fold(public).trim().replace(' ', "_");
            if code.is_empty() {
                continue;
            }
            if code.len() > 40 || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
                errors.push((
                    "reserved_publics",
                    format!(
                        "« {} » n'est pas un code de public (ex. rsa, demandeur_emploi, etudiant)",
                        public.trim()
                    ),
                ));
            } else if !reserved_for.contains(&code) {
                reserved_for.push(code);
            }
        }
        let acquisition = match &price {
            None if kind == Some(DonorKind::Purchase) => {
                errors.push((
                    "acquisition_price",
                    "le prix d'achat est obligatoire pour un appareil acheté".into(),
                ));
                Money::ZERO
            }
            None => Money::ZERO,
            Some(p) => match Money::parse(p) {
                Ok(m) if m.cents() >= 0 => m,
                _ => {
                    errors.push((
                        "acquisition_price",
                        format!("« {p} » n'est pas un prix (ex. 0 ou 45,00)"),
                    ));
                    Money::ZERO
                }
            },
        };
        match kind {
            Some(kind) if errors.is_empty() => Ok(Some(Provenance {
                kind,
                donor,
                convention,
                reserved_for,
                acquisition,
            })),
            _ => Err(errors),
        }
    }
}

impl Provenance {
    /// As a receipt and the device's page say it: « Public — Conseil départemental du
    /// Val-de-Marne (convention CD94-2026) ».
    pub fn describe(&self) -> String {
        let mut text = self.kind.label().split(" (").next().unwrap_or_default().to_string();
        if let Some(donor) = &self.donor {
            text.push_str(&format!(" — {donor}"));
        }
        if let Some(convention) = &self.convention {
            text.push_str(&format!(" (convention {convention})"));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells<'a>(kind: &'a str, donor: &'a str, reserved: &'a str, price: &'a str) -> ProvenanceCells<'a> {
        let some = |v: &'a str| Some(v).filter(|v| !v.is_empty());
        ProvenanceCells {
            kind: some(kind),
            donor: some(donor),
            convention: None,
            reserved_for: some(reserved),
            acquisition: some(price),
        }
    }

    #[test]
    fn empty_cells_are_an_unknown_provenance_and_each_bad_cell_is_named() {
        assert_eq!(cells("", "", "", "").parse().unwrap(), None);
        let public = cells("Collectivité", "CD 94", "RSA, Étudiant", "")
            .parse()
            .unwrap()
            .unwrap();
        assert_eq!(public.kind, DonorKind::Public);
        assert_eq!(public.reserved_for, ["rsa", "etudiant"]);
        assert_eq!(public.acquisition, Money::ZERO);
        assert!(public.kind.is_public());
        assert_eq!(public.describe(), "Public — CD 94");
        let bought = cells("achat", "", "", "45,50").parse().unwrap().unwrap();
        assert_eq!(bought.acquisition, Money::from_cents(4550));
        let columns = |c: ProvenanceCells<'_>| c.parse().unwrap_err().into_iter().map(|(c, _)| c).collect::<Vec<_>>();
        assert_eq!(columns(cells("", "CD 94", "", "")), ["donor_kind"]);
        assert_eq!(columns(cells("mairie?", "", "", "")), ["donor_kind"]);
        assert_eq!(columns(cells("achat", "", "", "")), ["acquisition_price"]);
        assert_eq!(
            columns(cells("public", "", "r$a", "-3")),
            ["reserved_publics", "acquisition_price"]
        );
    }
}
