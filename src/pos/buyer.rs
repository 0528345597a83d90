//! Who may buy: a device goes to a person (checked before), eligible for each kind of device
//! sold or overridden by a manager today: so a device of public or unknown provenance goes only
//! to people the programmes serve (CGI L.3212-2 3°, as amended by the 3DS law). A device its
//! donor reserved for some publics goes to a person of one of them, unless a manager writes why
//! (`SaleRequest::reserved_override`, journaled with the sale).

use super::*;
use crate::error::Code;

/// The buyer is eligible for each kind of device sold, under the sale's programme (or any),
/// or a manager overrode the decision today. Returns the decision as journaled.
pub(super) fn check_buyer(
    store: &Store,
    programmes: &[Programme],
    programme: Option<&Programme>,
    request: &SaleRequest,
    lines: &[SaleLine],
    provenances: &[(String, Option<crate::provenance::Provenance>)],
    today: chrono::NaiveDate,
) -> Result<Option<serde_json::Value>> {
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
            let overridden = decided.overridden(today, &chosen);
            if decided.decision.decision != Verdict::Eligible && !overridden {
                return Err(refused(
                    Code::NotEligible,
                    format!(
                        "La personne n'est pas éligible ({}) :\n{}\nUn responsable peut déroger, avec une raison écrite.",
                        decided.decision.decision.label().to_lowercase(),
                        decided.decision.reason_lines()
                    ),
                ));
            }
            // A device its donor reserved for some publics goes to a buyer of one of them, or a
            // manager overrides (the same written override).
            let publics: Vec<&String> = decided.decision.details.iter().flat_map(|d| &d.publics).collect();
            for (tag, provenance) in provenances.iter().filter(|(t, _)| {
                lines
                    .iter()
                    .any(|l| l.tag.as_deref() == Some(t.as_str()) && Some(l.kind) == kind)
            }) {
                let Some(p) = provenance.as_ref().filter(|p| !p.reserved_for.is_empty()) else {
                    continue;
                };
                let outside = !p.reserved_for.iter().any(|r| publics.contains(&r));
                if outside && !overridden && request.reserved_override.is_none() {
                    return Err(refused(
                        Code::NotEligible,
                        format!(
                            "L'appareil {tag} est réservé par son donateur{} aux publics : {} ; la personne n'en relève \
                             pas. Un responsable peut déroger, avec une raison écrite.",
                            p.donor.as_ref().map(|d| format!(" ({d})")).unwrap_or_default(),
                            p.reserved_for.join(", ")
                        ),
                    ));
                }
            }
            decision_summary = Some(serde_json::json!({
                "decision": decided.decision.decision,
                "programmes": decided.decision.programmes,
                "overridden": overridden,
                "reserved_override": request.reserved_override,
                "records_override": request.records_override,
            }));
        }
    }

    Ok(decision_summary)
}
