//! Erasure and functional test records (décret 2022-190; Code de la consommation R.122-4):
//! entered for a batch (a delivery file) or for chosen devices, the certificate file kept inside
//! the encrypted database with its SHA-256; the devices on sale that still lack one, by batch;
//! and what the cash desk checks before a device that held a family's data is sold.

use serde::Serialize;

use crate::device::{DeviceKind, DeviceState};
use crate::error::{Code, Error, Result};
use crate::model::people::FieldError;
use crate::operators::Actor;
use crate::refurbishing::{check_certificate, holds_user_data, Erasure, ErasureCells, Test, TestCells};
use crate::store::{self, records, Store};

/// Which devices a record covers: a whole batch (a delivery file), or devices by tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Batch(i64),
    Tags(Vec<String>),
}

/// A record as a form (or the command line) gives it: fields as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, ts_rs::TS)]
#[serde(default)]
#[ts(export)]
pub struct RecordInput {
    /// `erasure` or `test`.
    pub kind: String,
    /// The batch (delivery file) the record covers…
    pub batch: Option<i64>,
    /// …or these devices' tags.
    pub tags: Vec<String>,
    /// Erasure method (« NIST 800-88 purge », the tool's name).
    pub method: String,
    /// The date, 2026-11-30 or 30/11/2026.
    pub on: String,
    /// The refurbisher or person who erased or tested.
    pub by: String,
    /// The certificate's or the test report's reference.
    pub reference: String,
    /// The grade given after testing (instead of a report's reference).
    pub grade: String,
    /// The certificate file's name and bytes (a PDF of 5 MB at most), optional.
    pub certificate_name: Option<String>,
    pub certificate: Option<Vec<u8>>,
}

/// What a record was written for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Recorded {
    /// `erasure` or `test`.
    pub kind: String,
    pub tags: Vec<String>,
    /// The certificate file's SHA-256, when one was stored.
    pub certificate_sha256: Option<String>,
}

/// One device lacking a record, with what it lacks in French.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Lacking {
    pub tag: String,
    pub kind: DeviceKind,
    pub state: DeviceState,
    pub label: String,
    pub missing: Vec<String>,
}

/// The devices of one batch lacking a record (no batch: entered by hand or sent by the network).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct LackingBatch {
    pub batch: Option<i64>,
    /// « livraison-2026-11.csv, importé le 30/11/2026 », or « Sans lot ».
    pub label: String,
    pub devices: Vec<Lacking>,
}

const ERASURE: &str = "l'effacement des données";
const TEST: &str = "le test de fonctionnement";

fn invalid(problems: Vec<(&'static str, String)>) -> Error {
    let field = |column: &str| match column {
        "erasure_method" => "method",
        "erasure_date" | "test_date" => "on",
        "erasure_by" | "test_by" => "by",
        "test_grade" => "grade",
        _ => "reference",
    };
    Error::InvalidFields(
        problems
            .into_iter()
            .map(|(column, message)| FieldError {
                field: field(column).to_string(),
                message,
            })
            .collect(),
    )
}

fn refused(code: Code, message: impl Into<String>) -> Error {
    Error::Refused {
        code,
        message: message.into(),
    }
}

/// Writes an erasure or a test record for a batch or for devices (every device checked first;
/// all or nothing) and makes it the record in force of each. The certificate file, if any, must
/// be a PDF of 5 MB at most; it is stored once, inside the database.
pub fn record(store: &mut Store, input: &RecordInput, actor: &Actor) -> Result<Recorded> {
    crate::operators::require_present(store.db(), actor)?;
    let today = crate::local::today();
    let target = match (input.batch, input.tags.is_empty()) {
        (Some(batch), true) => Target::Batch(batch),
        (None, false) => Target::Tags(input.tags.clone()),
        _ => {
            return Err(refused(
                Code::Invalid,
                "Choisissez un lot (fichier de livraison) ou des appareils, pas les deux.",
            ))
        }
    };
    let text = |s: &str| Some(s.to_string()).filter(|s| !s.trim().is_empty());
    let (erasure, test) = match input.kind.as_str() {
        "erasure" => {
            let cells = ErasureCells {
                method: Some(input.method.as_str()),
                on: Some(input.on.as_str()),
                by: Some(input.by.as_str()),
                reference: Some(input.reference.as_str()),
            };
            // A form's record always says its method and date (no « non précisée » by hand).
            let mut problems = Vec::new();
            if text(&input.method).is_none() {
                problems.push(("erasure_method", "la méthode d'effacement est obligatoire".to_string()));
            }
            if text(&input.on).is_none() {
                problems.push(("erasure_date", "la date d'effacement est obligatoire".to_string()));
            }
            if !problems.is_empty() {
                return Err(invalid(problems));
            }
            (cells.parse(today, today, None).map_err(invalid)?, None)
        }
        "test" => {
            if text(&input.on).is_none() {
                return Err(invalid(vec![("test_date", "la date du test est obligatoire".into())]));
            }
            let cells = TestCells {
                on: Some(input.on.as_str()),
                by: Some(input.by.as_str()),
                reference: Some(input.reference.as_str()),
                grade: Some(input.grade.as_str()),
            };
            (None, cells.parse(today, None, None).map_err(invalid)?)
        }
        other => {
            return Err(refused(
                Code::Invalid,
                format!("« {other} » : un relevé est « erasure » (effacement) ou « test »"),
            ))
        }
    };
    let certificate = match (&input.certificate, &erasure) {
        (Some(bytes), Some(_)) => {
            let sha =
                check_certificate(bytes).map_err(|m| refused(Code::Invalid, format!("Certificat refusé : {m}.")))?;
            let name = input
                .certificate_name
                .clone()
                .unwrap_or_else(|| "certificat.pdf".into());
            Some((sha, name, bytes.as_slice()))
        }
        (Some(_), None) => return Err(refused(Code::Invalid, "Un fichier se joint à un relevé d'effacement.")),
        _ => None,
    };
    let operator = actor.name();
    let kind = input.kind.clone();
    store.with_tx(|tx| {
        let targets = resolve(tx, &target)?;
        let now = store::now_text();
        if let Some((sha, name, bytes)) = &certificate {
            records::insert_certificate(tx, sha, name, bytes, &now)?;
        }
        let (erasure_id, test_id) = match (&erasure, &test) {
            (Some(e), _) => (
                Some(records::insert_erasure(
                    tx,
                    e,
                    certificate.as_ref().map(|c| c.0.as_str()),
                    &now,
                    operator,
                )?),
                None,
            ),
            (_, Some(t)) => (None, Some(records::insert_test(tx, t, &now, operator)?)),
            _ => unreachable!("one record was parsed"),
        };
        for (id, _) in &targets {
            records::attach(tx, *id, erasure_id, test_id)?;
        }
        tracing::info!(releve = %kind, appareils = targets.len(), "relevé de reconditionnement enregistré");
        Ok(Recorded {
            kind: kind.clone(),
            tags: targets.into_iter().map(|(_, tag)| tag).collect(),
            certificate_sha256: certificate.as_ref().map(|c| c.0.clone()),
        })
    })
}

/// The devices a record covers, each still in the centre; refused with every reason otherwise.
fn resolve(conn: &store::Db, target: &Target) -> Result<Vec<(i64, String)>> {
    match target {
        Target::Batch(batch) => {
            if records::batch(conn, *batch)?.is_none() {
                return Err(Error::NotFound(format!("lot n° {batch}")));
            }
            let found = records::of_batch(conn, *batch)?;
            if found.is_empty() {
                return Err(refused(
                    Code::Invalid,
                    format!("Le lot n° {batch} n'a plus d'ordinateur, de tablette ou de téléphone dans le centre."),
                ));
            }
            Ok(found)
        }
        Target::Tags(tags) => {
            let mut found = Vec::new();
            let mut problems = Vec::new();
            for tag in tags {
                // A tag, a serial or an IMEI, as a scanner reads it.
                match crate::stock::find_in(conn, tag).map(Some).or_else(|e| match e {
                    Error::NotFound(_) => Ok(None),
                    e => Err(e),
                })? {
                    None => problems.push(format!("{tag} : appareil inconnu")),
                    Some(d) if d.state == DeviceState::Sold => {
                        problems.push(format!("{tag} : déjà vendu (un relevé se fait avant la vente)"))
                    }
                    Some(d) => found.push((d.id, d.tag.to_string())),
                }
            }
            if !problems.is_empty() {
                return Err(refused(
                    Code::Invalid,
                    format!("Relevé refusé :\n  - {}", problems.join("\n  - ")),
                ));
            }
            Ok(found)
        }
    }
}

/// The devices received or on sale that lack an erasure or a test record, by batch.
pub fn lacking(store: &Store) -> Result<Vec<LackingBatch>> {
    let mut out: Vec<LackingBatch> = Vec::new();
    for row in records::lacking(store.db())? {
        let batch = row.batch.as_ref().map(|b| b.0);
        if out.last().is_none_or(|b| b.batch != batch) {
            out.push(LackingBatch {
                batch,
                label: match &row.batch {
                    Some((id, name, at)) => format!("Lot n° {id} : {name}, importé le {}", crate::local::day_fr(at)),
                    None => "Sans lot (saisis à la main ou attribués par le réseau)".into(),
                },
                devices: Vec::new(),
            });
        }
        let missing = [(!row.has_erasure).then_some(ERASURE), (!row.has_test).then_some(TEST)];
        out.last_mut().expect("pushed above").devices.push(Lacking {
            label: format!("{} {} {}", row.kind.label(), row.brand, row.model)
                .trim()
                .to_string(),
            tag: row.tag,
            kind: row.kind,
            state: row.state,
            missing: missing.into_iter().flatten().map(str::to_string).collect(),
        });
    }
    Ok(out)
}

/// What a device that held user data lacks before it may be sold (empty: nothing), and the
/// certificate's reference of its erasure record in force.
pub fn missing_for_sale(
    conn: &store::Db,
    device_id: i64,
    kind: DeviceKind,
) -> Result<(Vec<&'static str>, Option<String>)> {
    let (reference, tested) = records::in_force(conn, device_id)?;
    if !holds_user_data(kind) {
        return Ok((vec![], reference));
    }
    let missing = [reference.is_none().then_some(ERASURE), (!tested).then_some(TEST)];
    Ok((missing.into_iter().flatten().collect(), reference))
}

/// A device's records in force, as lines of its page.
pub fn facts(conn: &store::Db, device_id: i64, kind: DeviceKind) -> Result<Vec<(&'static str, String)>> {
    let (erasure, test) = records::of_device(conn, device_id)?;
    let needed = holds_user_data(kind);
    let mut out = Vec::new();
    // Who entered a record, and when (« repris » for the free text of an earlier version).
    let entered = |operator: &str, at: &str| match operator {
        "migration" => " (repris de l'ancien champ « certificat »)".to_string(),
        crate::sync::OPERATOR => format!(" (reçu du réseau le {})", crate::local::day_fr(at)),
        who => format!(" (saisi par {who} le {})", crate::local::day_fr(at)),
    };
    match erasure {
        Some(r) => out.push((
            "Effacement des données",
            describe_erasure(&r.erasure, r.certificate.as_ref()) + &entered(&r.operator, &r.recorded_at),
        )),
        None if needed => out.push(("Effacement des données", "aucun relevé : la vente sera refusée".into())),
        None => {}
    }
    match test {
        Some(r) => out.push((
            "Test de fonctionnement",
            describe_test(&r.test) + &entered(&r.operator, &r.recorded_at),
        )),
        None if needed => out.push(("Test de fonctionnement", "aucun relevé : la vente sera refusée".into())),
        None => {}
    }
    Ok(out)
}

fn describe_erasure(e: &Erasure, certificate: Option<&(String, String, i64)>) -> String {
    let file = certificate
        .map(|(sha, name, size)| format!(" ; fichier {name} ({} ko, SHA-256 {sha})", (size + 1023) / 1024))
        .unwrap_or_default();
    format!(
        "{}, le {}, par {} ; certificat {}{file}",
        e.method,
        e.on.format("%d/%m/%Y"),
        e.by,
        e.reference
    )
}

fn describe_test(t: &Test) -> String {
    let what = match (&t.reference, &t.grade) {
        (Some(r), Some(g)) => format!("rapport {r}, note {g}"),
        (Some(r), None) => format!("rapport {r}"),
        (None, Some(g)) => format!("note {g}"),
        (None, None) => String::new(),
    };
    format!("le {}, par {} ; {what}", t.on.format("%d/%m/%Y"), t.by)
}

/// The certificate file of a device's erasure record in force: its name and bytes.
pub fn certificate(store: &Store, tag: &str) -> Result<(String, Vec<u8>)> {
    let device = crate::stock::find_by_code(store, tag)?;
    let (erasure, _) = records::of_device(store.db(), device.id)?;
    let sha = erasure
        .and_then(|r| r.certificate)
        .map(|c| c.0)
        .ok_or_else(|| Error::NotFound(format!("certificat d'effacement de {tag}")))?;
    records::certificate(store.db(), &sha)?.ok_or_else(|| Error::NotFound(format!("certificat {sha}")))
}
