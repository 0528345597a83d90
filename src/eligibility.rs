//! The eligibility engine: a pure function of (person, proofs seen, past purchases, programmes,
//! date, kind asked) → a decision, every reason as a stable code and a French sentence, and the
//! programmes under which the person is eligible. No I/O, no clock: the date is an input.

pub use crate::model::eligibility::{PastPurchase, ReasonCode, Verdict};

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

use crate::device::DeviceKind;
use crate::programme::{Programme, Public, Scope, Validity};

/// What the engine knows of the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applicant {
    pub birth_date: Option<NaiveDate>,
    pub publics: Vec<String>,
}

/// A proof as recorded: its kind and the date printed on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenProof {
    pub kind: String,
    pub issued: NaiveDate,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Eligible => "Éligible",
            Verdict::NotEligible => "Non éligible",
            Verdict::ToReview => "À vérifier",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Reason {
    pub code: ReasonCode,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ProgrammeDecision {
    pub programme: String,
    pub name: String,
    pub decision: Verdict,
    /// The publics the person qualifies under in this programme.
    pub publics: Vec<String>,
    pub reasons: Vec<Reason>,
    /// When a limit bars the kind asked: the first day all of this programme's limits on it are
    /// lifted (« possible de nouveau à partir du … »).
    #[serde(skip)]
    #[ts(skip)]
    pub limited_until: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Decision {
    pub decision: Verdict,
    pub reasons: Vec<Reason>,
    /// Ids of the programmes under which the person is eligible.
    pub programmes: Vec<String>,
    pub details: Vec<ProgrammeDecision>,
    /// Asked without a kind: the verdict for each kind of device handed to a person (computers,
    /// tablets, phones: a household limit on laptops does not bar a smartphone), and the whole
    /// `decision` is the best of them. Empty when a kind was asked.
    pub by_kind: Vec<KindDecision>,
}

/// The verdict for one kind of device, when the check named none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct KindDecision {
    pub kind: DeviceKind,
    /// The kind in French (« Ordinateur portable »).
    pub kind_label: String,
    pub verdict: Verdict,
    /// « Éligible », « Non éligible », « À vérifier ».
    pub label: String,
    /// Barred by a limit only: the first day the kind is possible again.
    #[ts(type = "string | null")]
    pub possible_from: Option<NaiveDate>,
    /// What bars this kind and not the others (a limit reached), else nothing.
    pub reasons: Vec<Reason>,
    /// Ids of the programmes under which the person may buy this kind.
    pub programmes: Vec<String>,
}

pub fn fr_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// The last day a proof issued on `issued` is valid, for this public of this programme.
pub fn proof_valid_until(programme: &Programme, public: &Public, kind: &str, issued: NaiveDate) -> Option<NaiveDate> {
    let proof = programme.proof_kinds.get(kind)?;
    let by_kind = match proof.validity {
        Validity::Days { days } => issued.checked_add_signed(chrono::Duration::days(days))?,
        Validity::AcademicYear => {
            let start_year = if issued.month() >= 9 {
                issued.year()
            } else {
                issued.year() - 1
            };
            NaiveDate::from_ymd_opt(start_year + 1, 8, 31)?
        }
    };
    let by_public = public
        .max_proof_age_days
        .and_then(|days| issued.checked_add_signed(chrono::Duration::days(days)));
    Some(by_public.map_or(by_kind, |p| p.min(by_kind)))
}

enum PublicStatus {
    Met(Reason),
    Review(Reason),
    NotMet(Vec<Reason>),
}

fn check_public(
    programme: &Programme,
    public: &Public,
    applicant: &Applicant,
    proofs: &[SeenProof],
    on: NaiveDate,
) -> PublicStatus {
    let who = &public.label;
    let mut problems = Vec::new();
    let mut review = None;
    if public.min_age.is_some() || public.max_age.is_some() {
        match applicant.birth_date {
            None => {
                review = Some(Reason {
                    code: ReasonCode::BirthDateMissing,
                    message: format!(
                        "{who} : la date de naissance n'est pas connue, or ce public a une condition d'âge."
                    ),
                })
            }
            Some(birth) => {
                let age = on.years_since(birth).unwrap_or(0);
                if let Some(min) = public.min_age.filter(|min| age < *min) {
                    problems.push(Reason {
                        code: ReasonCode::AgeBelowMin,
                        message: format!("{who} : il faut avoir au moins {min} ans ; la personne a {age} ans."),
                    });
                }
                if let Some(max) = public.max_age.filter(|max| age > *max) {
                    problems.push(Reason {
                        code: ReasonCode::AgeAboveMax,
                        message: format!("{who} : il faut avoir au plus {max} ans ; la personne a {age} ans."),
                    });
                }
            }
        }
    }
    let accepted: Vec<&str> = public
        .proofs
        .iter()
        .map(|k| programme.proof_kinds.get(k).map_or(k.as_str(), |p| p.label.as_str()))
        .collect();
    // The most recent valid proof, else the reason the best candidate fails.
    let mut valid: Option<(NaiveDate, &SeenProof)> = None;
    let mut expired: Option<(NaiveDate, &SeenProof)> = None;
    let mut future: Option<&SeenProof> = None;
    for proof in proofs.iter().filter(|p| public.proofs.contains(&p.kind)) {
        let Some(until) = proof_valid_until(programme, public, &proof.kind, proof.issued) else {
            continue;
        };
        if proof.issued > on {
            future = Some(proof);
        } else if on <= until {
            if valid.is_none_or(|(u, _)| until > u) {
                valid = Some((until, proof));
            }
        } else if expired.is_none_or(|(u, _)| until > u) {
            expired = Some((until, proof));
        }
    }
    let label_of = |p: &SeenProof| {
        programme
            .proof_kinds
            .get(&p.kind)
            .map_or(p.kind.clone(), |k| k.label.clone())
    };
    match (valid, expired, future) {
        (Some((until, proof)), _, _) => {
            if !problems.is_empty() {
                return PublicStatus::NotMet(problems);
            }
            let met = Reason {
                code: ReasonCode::ProofValid,
                message: format!(
                    "{who} : {} du {}, valable jusqu'au {} inclus.",
                    label_of(proof),
                    fr_date(proof.issued),
                    fr_date(until)
                ),
            };
            match review {
                Some(r) => PublicStatus::Review(r),
                None => PublicStatus::Met(met),
            }
        }
        (None, Some((until, proof)), _) => {
            problems.push(Reason {
                code: ReasonCode::ProofExpired,
                message: format!(
                    "{who} : {} du {} n'est plus valable depuis le {} ; demandez un justificatif plus récent.",
                    label_of(proof),
                    fr_date(proof.issued),
                    fr_date(until.succ_opt().unwrap_or(until))
                ),
            });
            PublicStatus::NotMet(problems)
        }
        (None, None, Some(proof)) => {
            problems.push(Reason {
                code: ReasonCode::ProofNotYetValid,
                message: format!(
                    "{who} : {} est daté du {}, après le {}.",
                    label_of(proof),
                    fr_date(proof.issued),
                    fr_date(on)
                ),
            });
            PublicStatus::NotMet(problems)
        }
        (None, None, None) => {
            // Proofs were seen, but none of a kind this public accepts: say which, and what
            // is needed (« aucun justificatif vu » would be untrue).
            let mut refused: Vec<String> = proofs
                .iter()
                .filter(|p| !public.proofs.contains(&p.kind))
                .map(|p| format!("« {} »", label_of(p)))
                .collect();
            refused.dedup();
            let needed = accepted
                .iter()
                .map(|a| format!("« {a} »"))
                .collect::<Vec<_>>()
                .join(" ou ");
            problems.push(match refused.len() {
                0 => Reason {
                    code: ReasonCode::ProofMissing,
                    message: format!("{who} : aucun justificatif vu (accepté : {}).", accepted.join(" ou ")),
                },
                1 => Reason {
                    code: ReasonCode::ProofNotAccepted,
                    message: format!(
                        "{} n'est pas un justificatif accepté pour « {who} » : il faut {needed}.",
                        refused[0]
                    ),
                },
                _ => Reason {
                    code: ReasonCode::ProofNotAccepted,
                    message: format!(
                        "{} ne sont pas des justificatifs acceptés pour « {who} » : il faut {needed}.",
                        refused.join(" et ")
                    ),
                },
            });
            PublicStatus::NotMet(problems)
        }
    }
}

/// The decision under one programme.
pub fn evaluate(
    programme: &Programme,
    applicant: &Applicant,
    proofs: &[SeenProof],
    purchases: &[PastPurchase],
    on: NaiveDate,
    kind: Option<DeviceKind>,
) -> ProgrammeDecision {
    let mut out = ProgrammeDecision {
        programme: programme.id.clone(),
        name: programme.name.clone(),
        decision: Verdict::NotEligible,
        publics: Vec::new(),
        reasons: Vec::new(),
        limited_until: None,
    };
    if !programme.active_on(on) {
        out.reasons.push(Reason {
            code: ReasonCode::ProgrammeInactive,
            message: match programme.end {
                Some(end) => format!(
                    "Le programme court du {} au {} ; il n'est pas actif le {}.",
                    fr_date(programme.start),
                    fr_date(end),
                    fr_date(on)
                ),
                None => format!(
                    "Le programme commence le {} ; il n'est pas actif le {}.",
                    fr_date(programme.start),
                    fr_date(on)
                ),
            },
        });
        return out;
    }
    let served: Vec<&Public> = applicant
        .publics
        .iter()
        .filter_map(|p| programme.publics.get(p))
        .collect();
    if served.is_empty() {
        let wanted: Vec<&str> = programme.publics.values().map(|p| p.label.as_str()).collect();
        out.reasons.push(Reason {
            code: ReasonCode::PublicNotServed,
            message: if applicant.publics.is_empty() {
                format!(
                    "Aucun public n'est indiqué pour la personne ; ce programme s'adresse à : {}.",
                    wanted.join(", ")
                )
            } else {
                format!(
                    "Ce programme s'adresse à : {} ; la personne est enregistrée comme : {}.",
                    wanted.join(", "),
                    applicant.publics.join(", ")
                )
            },
        });
        return out;
    }
    let mut verdict = Verdict::NotEligible;
    for public in served {
        match check_public(programme, public, applicant, proofs, on) {
            PublicStatus::Met(reason) => {
                verdict = Verdict::Eligible;
                out.publics.push(public.code.clone());
                out.reasons.push(reason);
            }
            PublicStatus::Review(reason) => {
                verdict = verdict.max(Verdict::ToReview);
                out.reasons.push(reason);
            }
            PublicStatus::NotMet(reasons) => out.reasons.extend(reasons),
        }
    }
    if verdict == Verdict::NotEligible {
        out.decision = verdict;
        return out;
    }
    for limit in &programme.limits {
        let applies_to_kind = limit.kinds.is_empty() || kind.is_some_and(|k| limit.kinds.contains(&k));
        let window_start = on
            .checked_sub_months(Months::new(limit.months))
            .unwrap_or(NaiveDate::MIN);
        let mut counted: Vec<&PastPurchase> = purchases
            .iter()
            .filter(|p| p.date > window_start && p.date <= on)
            .filter(|p| limit.kinds.is_empty() || limit.kinds.contains(&p.kind))
            .filter(|p| limit.scope == Scope::Household || p.by_person)
            .collect();
        if counted.len() < limit.max as usize {
            continue;
        }
        counted.sort_by_key(|p| p.date);
        let oldest = counted[counted.len() - limit.max as usize];
        let again = oldest
            .date
            .checked_add_months(Months::new(limit.months))
            .unwrap_or(NaiveDate::MAX);
        let what = if limit.kinds.is_empty() {
            "appareil".to_string()
        } else {
            limit
                .kinds
                .iter()
                .map(|k| k.label().to_lowercase())
                .collect::<Vec<_>>()
                .join(" ou ")
        };
        let message = format!(
            "Limite de {} {what} {} sur {} mois atteinte (dernier achat le {}) : possible de nouveau à partir du {}.",
            limit.max,
            limit.scope.label(),
            limit.months,
            fr_date(counted.last().expect("at least one").date),
            fr_date(again)
        );
        if applies_to_kind {
            verdict = Verdict::NotEligible;
            out.limited_until = out.limited_until.max(Some(again));
            out.reasons.push(Reason {
                code: ReasonCode::LimitReached,
                message,
            });
        } else {
            out.reasons.push(Reason {
                code: ReasonCode::LimitReachedOtherKind,
                message: format!("Pour information : {message}"),
            });
        }
    }
    if verdict == Verdict::NotEligible {
        out.publics.clear();
    }
    out.decision = verdict;
    out
}

/// The decision under every programme given: eligible if eligible under one, else to review if
/// one says so, else not eligible. Reasons are prefixed with the programme's name when there
/// are several.
pub fn decide(
    programmes: &[Programme],
    applicant: &Applicant,
    proofs: &[SeenProof],
    purchases: &[PastPurchase],
    on: NaiveDate,
    kind: Option<DeviceKind>,
) -> Decision {
    let mut decision = decide_for(programmes, applicant, proofs, purchases, on, kind);
    if kind.is_some() {
        return decision;
    }
    // No kind asked: a verdict for each kind the programmes sell, and the whole is the best
    // of them (a limit on laptops leaves a smartphone possible, and says so by kind).
    decision.by_kind = handed_kinds()
        .into_iter()
        .map(|k| {
            let d = decide_for(programmes, applicant, proofs, purchases, on, Some(k));
            // Barred by limits alone: the first day one programme lets it again.
            let possible_from = match d.decision {
                Verdict::NotEligible => d.details.iter().filter_map(|p| p.limited_until).min(),
                _ => None,
            };
            KindDecision {
                kind: k,
                kind_label: k.label().to_string(),
                verdict: d.decision,
                label: d.decision.label().to_string(),
                possible_from,
                reasons: d
                    .reasons
                    .into_iter()
                    .filter(|r| r.code == ReasonCode::LimitReached)
                    .collect(),
                programmes: d.programmes,
            }
        })
        .collect();
    // The whole is the best of the kinds: eligible when some kind is (the headline then names
    // the kinds that are not), never « not eligible » while a kind may be sold.
    if let Some(best) = decision.by_kind.iter().map(|k| k.verdict).max() {
        decision.decision = best;
        decision.programmes = decision
            .by_kind
            .iter()
            .filter(|k| k.verdict == Verdict::Eligible)
            .flat_map(|k| k.programmes.iter().cloned())
            .fold(Vec::new(), |mut all, p| {
                if !all.contains(&p) {
                    all.push(p);
                }
                all
            });
    }
    // The limits are said kind by kind: no « pour information » line in the whole.
    decision.reasons.retain(|r| r.code != ReasonCode::LimitReachedOtherKind);
    decision
}

/// The kinds of device handed to a person under a programme (computers, tablets, phones: those
/// graded by category), in the kinds' order. A programme without a price band for a kind still
/// sells it at the price typed: its eligibility covers every kind.
fn handed_kinds() -> Vec<DeviceKind> {
    DeviceKind::ALL
        .iter()
        .copied()
        .filter(|k| k.requires_category())
        .collect()
}

fn decide_for(
    programmes: &[Programme],
    applicant: &Applicant,
    proofs: &[SeenProof],
    purchases: &[PastPurchase],
    on: NaiveDate,
    kind: Option<DeviceKind>,
) -> Decision {
    let details: Vec<ProgrammeDecision> = programmes
        .iter()
        .map(|p| evaluate(p, applicant, proofs, purchases, on, kind))
        .collect();
    let decision = details.iter().map(|d| d.decision).max().unwrap_or(Verdict::NotEligible);
    let several = details.len() > 1;
    let reasons = details
        .iter()
        .flat_map(|d| {
            d.reasons.iter().map(move |r| Reason {
                code: r.code,
                message: if several {
                    format!("[{}] {}", d.name, r.message)
                } else {
                    r.message.clone()
                },
            })
        })
        .collect();
    let eligible_under = details
        .iter()
        .filter(|d| d.decision == Verdict::Eligible)
        .map(|d| d.programme.clone())
        .collect();
    Decision {
        decision,
        reasons,
        programmes: eligible_under,
        details,
        by_kind: Vec::new(),
    }
}

/// The decision in French, true for every kind: « Éligible », or « Éligible, sauf ordinateur
/// portable jusqu'au 17/08/2027 » when some kinds are barred (a limit: until when), « À
/// vérifier » when that is the best, « Non éligible » only when no kind may be sold.
pub(crate) fn label_of(decision: &Decision) -> String {
    if decision.decision != Verdict::Eligible {
        return decision.decision.label().to_string();
    }
    let except: Vec<String> = decision
        .by_kind
        .iter()
        .filter(|k| k.verdict != Verdict::Eligible)
        .map(|k| {
            let kind = k.kind_label.to_lowercase();
            match (k.verdict, k.possible_from.and_then(|d| d.pred_opt())) {
                (Verdict::ToReview, _) => format!("{kind} (à vérifier)"),
                (_, Some(last)) => format!("{kind} jusqu'au {}", fr_date(last)),
                _ => kind,
            }
        })
        .collect();
    match except.as_slice() {
        [] => Verdict::Eligible.label().to_string(),
        [.., last] if except.len() > 1 => {
            format!("Éligible, sauf {} et {last}", except[..except.len() - 1].join(", "))
        }
        _ => format!("Éligible, sauf {}", except[0]),
    }
}

impl Decision {
    /// The reasons, a line each (« - … »), for a refusal.
    pub fn reason_lines(&self) -> String {
        let lines: Vec<String> = self.reasons.iter().map(|r| format!("  - {}", r.message)).collect();
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::programme::LegalCaps;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn default_programme() -> Programme {
        Programme::shipped_default(&LegalCaps::shipped())
    }

    fn person(publics: &[&str], birth: Option<&str>) -> Applicant {
        Applicant {
            birth_date: birth.map(d),
            publics: publics.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn proof(kind: &str, issued: &str) -> SeenProof {
        SeenProof {
            kind: kind.into(),
            issued: d(issued),
        }
    }

    fn codes(decision: &ProgrammeDecision) -> Vec<&'static str> {
        decision.reasons.iter().map(|r| r.code.as_str()).collect()
    }

    #[test]
    fn every_public_and_proof_kind_of_the_default_programme() {
        let p = default_programme();
        let adult = Some("1980-05-01");
        let cases = [
            (
                "RSA with a fresh CAF attestation",
                &["rsa"][..],
                vec![proof("attestation_caf", "2026-10-01")],
                Verdict::Eligible,
                "proof_valid",
            ),
            (
                "RSA without proof",
                &["rsa"][..],
                vec![],
                Verdict::NotEligible,
                "proof_missing",
            ),
            (
                "RSA with the wrong proof",
                &["rsa"][..],
                vec![proof("carte_etudiante", "2026-10-01")],
                Verdict::NotEligible,
                "proof_not_accepted",
            ),
            (
                "job seeker with a France Travail attestation",
                &["demandeur_emploi"][..],
                vec![proof("attestation_france_travail", "2026-09-01")],
                Verdict::Eligible,
                "proof_valid",
            ),
            (
                "job seeker with an old attestation",
                &["demandeur_emploi"][..],
                vec![proof("attestation_france_travail", "2026-06-01")],
                Verdict::NotEligible,
                "proof_expired",
            ),
            (
                "student card of this academic year",
                &["etudiant"][..],
                vec![proof("carte_etudiante", "2026-09-15")],
                Verdict::Eligible,
                "proof_valid",
            ),
            (
                "student card of last academic year",
                &["etudiant"][..],
                vec![proof("carte_etudiante", "2025-09-15")],
                Verdict::NotEligible,
                "proof_expired",
            ),
            (
                "public the programme does not serve",
                &["senior"][..],
                vec![],
                Verdict::NotEligible,
                "public_not_served",
            ),
            (
                "no public at all",
                &[][..],
                vec![],
                Verdict::NotEligible,
                "public_not_served",
            ),
            (
                "proof dated after the check",
                &["rsa"][..],
                vec![proof("attestation_caf", "2026-12-01")],
                Verdict::NotEligible,
                "proof_not_yet_valid",
            ),
        ];
        for (description, publics, proofs, expected, code) in cases {
            let decision = evaluate(
                &p,
                &person(publics, adult),
                &proofs,
                &[],
                d("2026-11-22"),
                Some(DeviceKind::Laptop),
            );
            assert_eq!(decision.decision, expected, "{description}: {:?}", decision.reasons);
            assert!(
                codes(&decision).contains(&code),
                "{description}: {:?}",
                decision.reasons
            );
        }
    }

    #[test]
    fn a_proof_the_public_does_not_accept_is_named_with_the_one_needed() {
        let p = default_programme();
        let decision = evaluate(
            &p,
            &person(&["demandeur_emploi"], Some("1980-01-01")),
            &[proof("attestation_caf", "2026-11-01")],
            &[],
            d("2026-11-22"),
            Some(DeviceKind::Laptop),
        );
        assert_eq!(decision.decision, Verdict::NotEligible);
        assert_eq!(codes(&decision), vec!["proof_not_accepted"]);
        assert_eq!(
            decision.reasons[0].message,
            "« Attestation de paiement CAF » n'est pas un justificatif accepté pour « Demandeur d'emploi » : \
             il faut « Attestation d'inscription France Travail »."
        );
        // No proof at all is still « aucun justificatif vu ».
        let none = evaluate(
            &p,
            &person(&["demandeur_emploi"], None),
            &[],
            &[],
            d("2026-11-22"),
            None,
        );
        assert_eq!(codes(&none), vec!["proof_missing"]);
    }

    #[test]
    fn without_a_kind_each_kind_gets_its_verdict() {
        let mut p = default_programme();
        // A programme that sells smartphones too, with no limit on them.
        let mut phones = p.prices[0].clone();
        phones.kind = DeviceKind::Smartphone;
        p.prices.push(phones);
        let limited: Vec<_> = p.limits.iter().filter(|l| !l.kinds.is_empty()).collect();
        assert!(!limited.is_empty(), "the default programme limits some kinds");
        let kind = limited[0].kinds[0];
        let bought = PastPurchase {
            date: d("2026-06-02"),
            kind,
            by_person: false,
        };
        let applicant = person(&["rsa"], Some("1980-01-01"));
        let proofs = [proof("attestation_caf", "2026-11-01")];
        let whole = decide(
            &[p.clone()],
            &applicant,
            &proofs,
            &[bought.clone()],
            d("2026-11-22"),
            None,
        );
        let of = |k: DeviceKind| {
            whole
                .by_kind
                .iter()
                .find(|b| b.kind == k)
                .unwrap_or_else(|| panic!("{k:?}"))
        };
        assert_eq!(of(kind).verdict, Verdict::NotEligible);
        assert_eq!(of(kind).reasons[0].code, ReasonCode::LimitReached);
        assert!(
            of(kind).reasons[0].message.contains("02/06/2026"),
            "{:?}",
            of(kind).reasons
        );
        let other = whole
            .by_kind
            .iter()
            .find(|b| !limited[0].kinds.contains(&b.kind))
            .expect("an unlimited kind");
        assert_eq!(other.verdict, Verdict::Eligible, "{other:?}");
        // The whole says no « pour information » line: the limit is said by kind.
        assert!(whole
            .reasons
            .iter()
            .all(|r| r.code != ReasonCode::LimitReachedOtherKind));
        // The headline is true for every kind (issue 32): eligible, except the limited one,
        // until the day before it is possible again.
        assert_eq!(whole.decision, Verdict::Eligible);
        assert_eq!(of(kind).possible_from, Some(d("2027-06-02")));
        assert_eq!(
            label_of(&whole),
            format!("Éligible, sauf {} jusqu'au 01/06/2027", kind.label().to_lowercase())
        );
        // Asked for a kind, no list by kind.
        let asked = decide(&[p], &applicant, &proofs, &[bought], d("2026-11-22"), Some(kind));
        assert!(asked.by_kind.is_empty());
        assert_eq!(asked.decision, Verdict::NotEligible);
    }

    /// The shipped programme puts a price on laptops only: a person barred from laptops by the
    /// household limit may still be sold a tablet or a phone (at the price typed), and the
    /// headline says so instead of « Non éligible ».
    #[test]
    fn a_limit_on_laptops_alone_leaves_the_headline_eligible_for_the_other_kinds() {
        let p = default_programme();
        let bought = PastPurchase {
            date: d("2026-08-18"),
            kind: DeviceKind::Laptop,
            by_person: false,
        };
        let applicant = person(&["rsa"], Some("1980-01-01"));
        let proofs = [proof("attestation_caf", "2026-11-01")];
        let whole = decide(&[p.clone()], &applicant, &proofs, &[bought], d("2026-11-22"), None);
        assert_eq!(whole.decision, Verdict::Eligible, "{whole:?}");
        assert_eq!(whole.programmes, vec!["defaut".to_string()]);
        assert_eq!(
            label_of(&whole),
            "Éligible, sauf ordinateur portable jusqu'au 17/08/2027"
        );
        let kinds: Vec<(DeviceKind, Verdict)> = whole.by_kind.iter().map(|k| (k.kind, k.verdict)).collect();
        assert!(kinds.contains(&(DeviceKind::Laptop, Verdict::NotEligible)), "{kinds:?}");
        assert!(kinds.contains(&(DeviceKind::Tablet, Verdict::Eligible)), "{kinds:?}");
        assert!(
            kinds.contains(&(DeviceKind::Smartphone, Verdict::Eligible)),
            "{kinds:?}"
        );
        // With no proof, no kind: « Non éligible ».
        let none = decide(&[p], &applicant, &[], &[], d("2026-11-22"), None);
        assert_eq!(none.decision, Verdict::NotEligible);
        assert_eq!(label_of(&none), "Non éligible");
        assert!(none.by_kind.iter().all(|k| k.verdict == Verdict::NotEligible));
    }

    #[test]
    fn proof_valid_on_day_90_not_91() {
        let p = default_programme();
        let applicant = person(&["rsa"], Some("1980-01-01"));
        let proofs = [proof("attestation_caf", "2026-01-01")];
        let on = |day: &str| evaluate(&p, &applicant, &proofs, &[], d(day), None).decision;
        assert_eq!(on("2026-03-31"), Verdict::Eligible, "day 89");
        assert_eq!(on("2026-04-01"), Verdict::Eligible, "day 90");
        assert_eq!(on("2026-04-02"), Verdict::NotEligible, "day 91");
    }

    #[test]
    fn student_card_valid_from_1_september_to_31_august() {
        let p = default_programme();
        let applicant = person(&["etudiant"], None);
        let proofs = [proof("carte_etudiante", "2025-10-03")];
        let on = |day: &str| evaluate(&p, &applicant, &proofs, &[], d(day), None).decision;
        assert_eq!(on("2026-08-31"), Verdict::Eligible);
        assert_eq!(on("2026-09-01"), Verdict::NotEligible);
    }

    #[test]
    fn age_bounds_and_an_unknown_birth_date() {
        let p = default_programme();
        let proofs = [proof("attestation_caf", "2026-11-01")];
        let on = d("2026-11-22");
        let at = |birth: Option<&str>| evaluate(&p, &person(&["rsa"], birth), &proofs, &[], on, None);
        assert_eq!(at(Some("2008-11-22")).decision, Verdict::Eligible, "18 today");
        let young = at(Some("2008-11-23"));
        assert_eq!(
            (young.decision, codes(&young)),
            (Verdict::NotEligible, vec!["age_below_min"]),
            "18 tomorrow"
        );
        let unknown = at(None);
        assert_eq!(
            (unknown.decision, codes(&unknown)),
            (Verdict::ToReview, vec!["birth_date_missing"])
        );
    }

    #[test]
    fn one_laptop_per_household_per_rolling_12_months() {
        let p = default_programme();
        let applicant = person(&["rsa"], Some("1980-01-01"));
        let proofs = [proof("attestation_caf", "2026-11-01")];
        let sister_bought = [PastPurchase {
            date: d("2025-11-23"),
            kind: DeviceKind::Laptop,
            by_person: false,
        }];
        let laptop = evaluate(
            &p,
            &applicant,
            &proofs,
            &sister_bought,
            d("2026-11-22"),
            Some(DeviceKind::Laptop),
        );
        assert_eq!(laptop.decision, Verdict::NotEligible);
        assert!(
            laptop
                .reasons
                .iter()
                .any(|r| r.code == "limit_reached" && r.message.contains("23/11/2026")),
            "{:?}",
            laptop.reasons
        );
        let next_day = evaluate(
            &p,
            &applicant,
            &proofs,
            &sister_bought,
            d("2026-11-23"),
            Some(DeviceKind::Laptop),
        );
        assert_eq!(next_day.decision, Verdict::Eligible, "12 months later");
        let phone = evaluate(
            &p,
            &applicant,
            &proofs,
            &sister_bought,
            d("2026-11-22"),
            Some(DeviceKind::Smartphone),
        );
        assert_eq!(phone.decision, Verdict::Eligible, "the limit is for laptops");
        assert!(codes(&phone).contains(&"limit_reached_other_kind"));
    }

    #[test]
    fn person_limits_ignore_the_rest_of_the_household() {
        let mut p = default_programme();
        p.limits[0].scope = Scope::Person;
        let applicant = person(&["rsa"], Some("1980-01-01"));
        let proofs = [proof("attestation_caf", "2026-11-01")];
        let household = [PastPurchase {
            date: d("2026-06-01"),
            kind: DeviceKind::Laptop,
            by_person: false,
        }];
        let own = [PastPurchase {
            date: d("2026-06-01"),
            kind: DeviceKind::Laptop,
            by_person: true,
        }];
        let on = d("2026-11-22");
        assert_eq!(
            evaluate(&p, &applicant, &proofs, &household, on, Some(DeviceKind::Laptop)).decision,
            Verdict::Eligible
        );
        assert_eq!(
            evaluate(&p, &applicant, &proofs, &own, on, Some(DeviceKind::Laptop)).decision,
            Verdict::NotEligible
        );
    }

    #[test]
    fn several_programmes_eligible_under_any() {
        let caps = LegalCaps::shipped();
        let first = default_programme();
        let second_text = crate::programme::DEFAULT_PROGRAMME
            .replace("id = \"defaut\"", "id = \"jeunes\"")
            .replace("name = \"Équipement solidaire\"", "name = \"Jeunes connectés\"")
            .replace("[publics.rsa]", "[publics.jeune]");
        let second = Programme::parse(&second_text, "jeunes.toml", &caps).unwrap();
        let applicant = person(&["jeune"], Some("2006-01-01"));
        let proofs = [proof("attestation_caf", "2026-11-01")];
        let decision = decide(&[first, second], &applicant, &proofs, &[], d("2026-11-22"), None);
        assert_eq!(decision.decision, Verdict::Eligible);
        assert_eq!(decision.programmes, ["jeunes"]);
        assert!(decision
            .reasons
            .iter()
            .any(|r| r.message.starts_with("[Équipement solidaire]")));
    }

    #[test]
    fn an_inactive_programme_says_so() {
        let mut p = default_programme();
        p.end = Some(d("2026-06-30"));
        let decision = evaluate(&p, &person(&["rsa"], None), &[], &[], d("2026-07-01"), None);
        assert_eq!(codes(&decision), ["programme_inactive"]);
    }

    /// Property: the decision is deterministic, and adding a valid proof never turns
    /// "eligible" into anything else.
    #[test]
    fn adding_a_proof_never_lowers_the_decision_and_decisions_are_deterministic() {
        let p = default_programme();
        let kinds = ["attestation_caf", "attestation_france_travail", "carte_etudiante"];
        let publics = ["rsa", "demandeur_emploi", "etudiant", "senior"];
        let mut seed: u64 = 0x5eed;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let base = d("2026-01-01");
        for _ in 0..2_000 {
            let applicant = Applicant {
                birth_date: (next(4) > 0).then(|| base - chrono::Duration::days(3_000 + next(20_000) as i64)),
                publics: (0..next(3)).map(|_| publics[next(4) as usize].to_string()).collect(),
            };
            let mut proofs: Vec<SeenProof> = (0..next(3))
                .map(|_| SeenProof {
                    kind: kinds[next(3) as usize].into(),
                    issued: base + chrono::Duration::days(next(400) as i64),
                })
                .collect();
            let purchases: Vec<PastPurchase> = (0..next(2))
                .map(|_| PastPurchase {
                    date: base + chrono::Duration::days(next(400) as i64),
                    kind: DeviceKind::Laptop,
                    by_person: next(2) == 0,
                })
                .collect();
            let on = base + chrono::Duration::days(next(500) as i64);
            let kind = [None, Some(DeviceKind::Laptop), Some(DeviceKind::Smartphone)][next(3) as usize];
            let before = evaluate(&p, &applicant, &proofs, &purchases, on, kind);
            assert_eq!(
                before,
                evaluate(&p, &applicant, &proofs, &purchases, on, kind),
                "deterministic"
            );
            let kind_added = kinds[next(3) as usize];
            let issued = on - chrono::Duration::days(next(30) as i64);
            proofs.push(SeenProof {
                kind: kind_added.into(),
                issued,
            });
            let after = evaluate(&p, &applicant, &proofs, &purchases, on, kind);
            if before.decision == Verdict::Eligible {
                assert_eq!(after.decision, Verdict::Eligible, "{applicant:?} {proofs:?} on {on}");
            }
            assert!(
                after.decision >= before.decision || before.decision == Verdict::ToReview,
                "{applicant:?} {proofs:?}"
            );
        }
    }
}
