//! Programmes (conventions): who a funder's programme serves, with which proofs, how often one
//! person or household may buy, its targets, and its price bands. The rules are data: TOML
//! files (documented in docs/programmes.md), checked at load against the legal price caps.
//! A file that does not hold is refused with its line and the reason.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::device::{Category, DeviceKind};
use crate::money::Money;

/// The shipped default programme.
pub const DEFAULT_PROGRAMME: &str = include_str!("../../assets/programmes/defaut.toml");
/// The shipped legal caps (décret 2022-1413).
pub const LEGAL_CAPS: &str = include_str!("../../assets/config/plafonds.toml");

pub use crate::refusals::ProgrammeError;

/// The legal cap of each device kind's solidarity price. Kinds without a cap are absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LegalCaps {
    pub source: String,
    pub caps: BTreeMap<DeviceKind, Money>,
}

impl LegalCaps {
    pub fn parse(text: &str, file: &str) -> Result<LegalCaps, ProgrammeError> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            source: String,
            caps: BTreeMap<String, Spanned<String>>,
        }
        let raw: Raw = toml::from_str(text).map_err(|e| toml_error(text, file, &e))?;
        let mut caps = BTreeMap::new();
        for (kind, amount) in raw.caps {
            let at = |message: String| located(text, file, amount.span(), message);
            let kind = DeviceKind::parse(&kind).map_err(|e| at(e.message))?;
            let money = Money::parse(amount.get_ref()).map_err(|e| at(e.to_string()))?;
            caps.insert(kind, money);
        }
        Ok(LegalCaps {
            source: raw.source,
            caps,
        })
    }

    /// The caps shipped with Comptoir.
    pub fn shipped() -> LegalCaps {
        LegalCaps::parse(LEGAL_CAPS, "plafonds.toml").expect("the shipped caps are valid")
    }

    pub fn cap(&self, kind: DeviceKind) -> Option<Money> {
        self.caps.get(&kind).copied()
    }
}

/// How long a proof stays valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Validity {
    /// Valid from the date on it for this many days (day N included, day N+1 not).
    Days { days: i64 },
    /// Valid for the academic year it names: 1 September to 31 August.
    AcademicYear,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProofKind {
    pub code: String,
    pub label: String,
    pub validity: Validity,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Public {
    pub code: String,
    pub label: String,
    /// Accepted proof kinds (one is enough).
    pub proofs: Vec<String>,
    /// Overrides the proof kind's validity in days, when the convention is stricter.
    pub max_proof_age_days: Option<i64>,
    pub min_age: Option<u32>,
    pub max_age: Option<u32>,
    /// People to equip from this public over the programme (the funder's target).
    pub target: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Person,
    Household,
}

impl Scope {
    pub fn label(self) -> &'static str {
        match self {
            Scope::Person => "par personne",
            Scope::Household => "par foyer",
        }
    }
}

/// At most `max` purchases of `kinds` (all kinds if empty) per person or household over any
/// rolling `months`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Limit {
    pub scope: Scope,
    pub kinds: Vec<DeviceKind>,
    pub max: u32,
    pub months: u32,
}

/// A price band for a kind, and optionally only some categories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriceBand {
    pub kind: DeviceKind,
    /// Empty: every category.
    pub categories: Vec<Category>,
    pub min: Money,
    pub max: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Programme {
    pub id: String,
    pub name: String,
    pub funder: String,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub proof_kinds: BTreeMap<String, ProofKind>,
    pub publics: BTreeMap<String, Public>,
    pub limits: Vec<Limit>,
    pub prices: Vec<PriceBand>,
    /// Whether the programme lends devices, and for how long (`[loans]`); none: no loans.
    pub loans: Option<LoanRule>,
}

/// A programme's loans: the longest loan, and the kinds it lends (empty: every kind).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoanRule {
    pub max_days: u32,
    pub kinds: Vec<DeviceKind>,
}

impl LoanRule {
    pub fn lends(&self, kind: DeviceKind) -> bool {
        self.kinds.is_empty() || self.kinds.contains(&kind)
    }
}

impl Programme {
    /// Whether the programme runs on `date` (start and end included).
    pub fn active_on(&self, date: NaiveDate) -> bool {
        date >= self.start && self.end.is_none_or(|end| date <= end)
    }

    /// The band for a device of this kind and category, if the programme prices it.
    pub fn price_band(&self, kind: DeviceKind, category: Option<Category>) -> Option<&PriceBand> {
        self.prices.iter().find(|b| {
            b.kind == kind && (b.categories.is_empty() || category.is_some_and(|c| b.categories.contains(&c)))
        })
    }

    /// Parses and checks a programme file against the legal caps.
    pub fn parse(text: &str, file: &str, caps: &LegalCaps) -> Result<Programme, ProgrammeError> {
        let raw: RawProgramme = toml::from_str(text).map_err(|e| toml_error(text, file, &e))?;
        let at = |span: Range<usize>, message: String| located(text, file, span, message);
        let date = |value: &Spanned<String>, what: &str| {
            NaiveDate::parse_from_str(value.get_ref(), "%Y-%m-%d").map_err(|_| {
                at(
                    value.span(),
                    format!("{what} « {} » : date attendue au format AAAA-MM-JJ", value.get_ref()),
                )
            })
        };
        let start = date(&raw.start, "start")?;
        let end = raw.end.as_ref().map(|e| date(e, "end")).transpose()?;
        if let (Some(end), Some(end_raw)) = (end, &raw.end) {
            if end < start {
                return Err(at(end_raw.span(), "la date de fin précède la date de début".into()));
            }
        }
        if raw.id.get_ref().trim().is_empty()
            || !raw
                .id
                .get_ref()
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        {
            return Err(at(
                raw.id.span(),
                "id : lettres minuscules, chiffres, - et _ seulement".into(),
            ));
        }

        let mut proof_kinds = BTreeMap::new();
        for (code, def) in &raw.proof_kinds {
            let d = def.get_ref();
            let validity = match (d.valid_days, d.academic_year) {
                (Some(days), false) if days > 0 => Validity::Days { days },
                (None, true) => Validity::AcademicYear,
                _ => {
                    return Err(at(
                        def.span(),
                        format!("justificatif « {code} » : indiquez soit valid_days (nombre de jours > 0), soit academic_year = true"),
                    ))
                }
            };
            proof_kinds.insert(
                code.clone(),
                ProofKind {
                    code: code.clone(),
                    label: d.label.clone(),
                    validity,
                },
            );
        }

        if raw.publics.is_empty() {
            return Err(ProgrammeError {
                file: file.into(),
                line: None,
                message: "aucun public ([publics.…]) : le programme ne sert personne".into(),
            });
        }
        let mut publics = BTreeMap::new();
        for (code, def) in &raw.publics {
            let d = def.get_ref();
            if d.proofs.is_empty() {
                return Err(at(
                    def.span(),
                    format!("public « {code} » : au moins un justificatif accepté (proofs)"),
                ));
            }
            for proof in &d.proofs {
                if !proof_kinds.contains_key(proof) {
                    return Err(at(
                        def.span(),
                        format!("public « {code} » : justificatif « {proof} » inconnu ; déclarez-le dans [proof_kinds.{proof}]"),
                    ));
                }
            }
            if let (Some(min), Some(max)) = (d.min_age, d.max_age) {
                if min > max {
                    return Err(at(
                        def.span(),
                        format!("public « {code} » : min_age ({min}) dépasse max_age ({max})"),
                    ));
                }
            }
            if d.max_proof_age_days.is_some_and(|n| n <= 0) {
                return Err(at(
                    def.span(),
                    format!("public « {code} » : max_proof_age_days doit être positif"),
                ));
            }
            publics.insert(
                code.clone(),
                Public {
                    code: code.clone(),
                    label: d.label.clone(),
                    proofs: d.proofs.clone(),
                    max_proof_age_days: d.max_proof_age_days,
                    min_age: d.min_age,
                    max_age: d.max_age,
                    target: d.target,
                },
            );
        }

        let mut limits = Vec::new();
        for def in &raw.limits {
            let d = def.get_ref();
            let kinds = d
                .kinds
                .iter()
                .map(|k| DeviceKind::parse(k).map_err(|e| at(def.span(), e.message)))
                .collect::<Result<Vec<_>, _>>()?;
            if d.max == 0 || d.months == 0 {
                return Err(at(def.span(), "limite : max et months doivent être au moins 1".into()));
            }
            limits.push(Limit {
                scope: d.scope,
                kinds,
                max: d.max,
                months: d.months,
            });
        }

        let mut prices = Vec::new();
        for def in &raw.prices {
            let d = def.get_ref();
            let fail = |message: String| at(def.span(), message);
            let kind = DeviceKind::parse(&d.kind).map_err(|e| fail(e.message))?;
            let categories = d
                .categories
                .iter()
                .map(|c| Category::parse(c).map_err(|e| fail(e.message)))
                .collect::<Result<Vec<_>, _>>()?;
            let min = Money::parse(&d.min).map_err(|e| fail(e.to_string()))?;
            let max = Money::parse(&d.max).map_err(|e| fail(e.to_string()))?;
            if min.cents() <= 0 || min > max {
                return Err(fail(format!(
                    "fourchette {} : le minimum ({min}) doit être positif et ne pas dépasser le maximum ({max})",
                    kind.label()
                )));
            }
            if let Some(cap) = caps.cap(kind) {
                if max > cap {
                    return Err(fail(format!(
                        "fourchette {} : le maximum {max} dépasse le plafond légal de {cap} ({})",
                        kind.label().to_lowercase(),
                        caps.source
                    )));
                }
            }
            prices.push(PriceBand {
                kind,
                categories,
                min,
                max,
            });
        }

        let loans = match &raw.loans {
            None => None,
            Some(def) => {
                let d = def.get_ref();
                if !(1..=366).contains(&d.max_days) {
                    return Err(at(def.span(), "prêts : max_days entre 1 et 366 jours".into()));
                }
                let kinds = d
                    .kinds
                    .iter()
                    .map(|k| DeviceKind::parse(k).map_err(|e| at(def.span(), e.message)))
                    .collect::<Result<Vec<_>, _>>()?;
                Some(LoanRule {
                    max_days: d.max_days,
                    kinds,
                })
            }
        };

        Ok(Programme {
            loans,
            id: raw.id.into_inner(),
            name: raw.name,
            funder: raw.funder,
            start,
            end,
            proof_kinds,
            publics,
            limits,
            prices,
        })
    }

    pub fn load(path: &Path, caps: &LegalCaps) -> Result<Programme, ProgrammeError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ProgrammeError {
            file: file.clone(),
            line: None,
            message: format!("lecture impossible : {e}"),
        })?;
        Programme::parse(&text, &file, caps)
    }

    pub fn shipped_default(caps: &LegalCaps) -> Programme {
        Programme::parse(DEFAULT_PROGRAMME, "defaut.toml", caps).expect("the shipped programme is valid")
    }
}

/// The programme files of `folder` (every `*.toml`), in name order.
pub fn files_in(folder: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut paths: Vec<_> = std::fs::read_dir(folder)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    Ok(paths)
}

/// The programmes a centre works with: the shipped default, unless a file of the programmes
/// folder has the same id, plus every `*.toml` of that folder. Any invalid file is an error.
pub fn load_all(folder: Option<&Path>, caps: &LegalCaps) -> Result<Vec<Programme>, ProgrammeError> {
    let mut programmes = vec![Programme::shipped_default(caps)];
    let Some(folder) = folder.filter(|f| f.is_dir()) else {
        return Ok(programmes);
    };
    let paths = files_in(folder).map_err(|e| ProgrammeError {
        file: folder.display().to_string(),
        line: None,
        message: e.to_string(),
    })?;
    for path in paths {
        let programme = Programme::load(&path, caps)?;
        programmes.retain(|p| p.id != programme.id);
        programmes.push(programme);
    }
    Ok(programmes)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProgramme {
    id: Spanned<String>,
    name: String,
    funder: String,
    start: Spanned<String>,
    end: Option<Spanned<String>>,
    #[serde(default)]
    proof_kinds: BTreeMap<String, Spanned<RawProofKind>>,
    #[serde(default)]
    publics: BTreeMap<String, Spanned<RawPublic>>,
    #[serde(default)]
    limits: Vec<Spanned<RawLimit>>,
    #[serde(default)]
    prices: Vec<Spanned<RawPrice>>,
    loans: Option<Spanned<RawLoans>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLoans {
    max_days: u32,
    #[serde(default)]
    kinds: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProofKind {
    label: String,
    valid_days: Option<i64>,
    #[serde(default)]
    academic_year: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPublic {
    label: String,
    proofs: Vec<String>,
    max_proof_age_days: Option<i64>,
    min_age: Option<u32>,
    max_age: Option<u32>,
    target: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimit {
    scope: Scope,
    #[serde(default)]
    kinds: Vec<String>,
    max: u32,
    months: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrice {
    kind: String,
    #[serde(default)]
    categories: Vec<String>,
    min: String,
    max: String,
}

fn line_of(text: &str, offset: usize) -> usize {
    1 + text[..offset.min(text.len())].bytes().filter(|b| *b == b'\n').count()
}

fn located(text: &str, file: &str, span: Range<usize>, message: String) -> ProgrammeError {
    ProgrammeError {
        file: file.to_string(),
        line: Some(line_of(text, span.start)),
        message,
    }
}

fn toml_error(text: &str, file: &str, err: &toml::de::Error) -> ProgrammeError {
    ProgrammeError {
        file: file.to_string(),
        line: err.span().map(|s| line_of(text, s.start)),
        message: err.message().trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_files_are_valid() {
        let caps = LegalCaps::shipped();
        assert_eq!(caps.cap(DeviceKind::Laptop), Some(Money::from_euros(180)));
        assert_eq!(caps.cap(DeviceKind::Multifunction), Some(Money::from_euros(170)));
        assert_eq!(caps.cap(DeviceKind::Accessory), None);
        let p = Programme::shipped_default(&caps);
        assert_eq!(
            p.publics.keys().collect::<Vec<_>>(),
            ["demandeur_emploi", "etudiant", "rsa"]
        );
        let band = p.price_band(DeviceKind::Laptop, Some(Category::B)).unwrap();
        assert_eq!((band.min, band.max), (Money::from_euros(60), Money::from_euros(120)));
        assert_eq!(p.proof_kinds["carte_etudiante"].validity, Validity::AcademicYear);
        assert_eq!(p.proof_kinds["attestation_caf"].validity, Validity::Days { days: 90 });
    }

    fn refused(text: &str) -> ProgrammeError {
        Programme::parse(text, "test.toml", &LegalCaps::shipped()).unwrap_err()
    }

    #[test]
    fn a_band_above_the_legal_cap_is_refused_with_its_line() {
        let text = DEFAULT_PROGRAMME.replace("max = \"120,00\"", "max = \"190,00\"");
        let err = refused(&text);
        let expected_line = text.lines().position(|l| l.contains("190,00")).unwrap() + 1;
        assert!(
            err.line.unwrap() <= expected_line && err.line.unwrap() >= expected_line - 3,
            "{err}"
        );
        assert!(err.to_string().contains("plafond légal de 180,00 €"), "{err}");
    }

    #[test]
    fn invalid_files_say_where_and_why() {
        let cases = [
            ("syntax", "id = \"x\"\nname = \n", "ligne 2"),
            (
                "unknown key",
                &DEFAULT_PROGRAMME.replace("funder =", "financeur = \"x\"\nfunder ="),
                "financeur",
            ),
            (
                "unknown proof",
                &DEFAULT_PROGRAMME.replace("proofs = [\"attestation_caf\"]", "proofs = [\"avis_impot\"]"),
                "avis_impot",
            ),
            (
                "unknown kind",
                &DEFAULT_PROGRAMME.replace("kind = \"laptop\"", "kind = \"frigo\""),
                "frigo",
            ),
            (
                "bad date",
                &DEFAULT_PROGRAMME.replace("2026-01-01", "01/01/2026"),
                "AAAA-MM-JJ",
            ),
            (
                "bad money",
                &DEFAULT_PROGRAMME.replace("\"60,00\"", "\"soixante\""),
                "soixante",
            ),
        ];
        for (what, text, needle) in cases {
            let err = refused(text);
            assert!(err.line.is_some(), "{what}: {err}");
            assert!(err.to_string().contains(needle), "{what}: {err}");
        }
    }
}
