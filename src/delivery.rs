//! Delivery files: the CSV a refurbisher or the network sends with a batch of devices.
//!
//! Header row required; `;` or `,` separator (detected); UTF-8 with or without BOM; decimal
//! commas accepted. A file with any bad row is rejected as a whole, every error given with its
//! line and column; importing the same file twice changes nothing the second time. The columns
//! are documented in README.md; `assets/samples/livraison-exemple.csv` is a sample.

use crate::operators::Actor;
use std::collections::HashMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::device::{
    AssetTag, Category, DeviceKind, DeviceState, Imei, NewDevice, ParseError, Serial, Specs, StorageKind,
};
use crate::error::Result;
use crate::stock::insert_new;
use crate::store::{self, devices, imports, Store};
use crate::text::{fold, parse_decimal};

/// The columns of a delivery file: canonical name, accepted aliases (folded), required.
const COLUMNS: &[(&str, &[&str], bool)] = &[
    (
        "tag",
        &["identifiant", "id", "id_ec", "identifiant_ec", "asset_tag", "etiquette"],
        true,
    ),
    ("kind", &["type", "type_appareil"], true),
    ("category", &["categorie", "grade"], false),
    ("brand", &["marque"], true),
    ("model", &["modele"], true),
    (
        "serial",
        &["numero_serie", "numero_de_serie", "serie", "sn", "serial_number"],
        false,
    ),
    ("imei", &[], false),
    ("cpu", &["processeur"], false),
    ("ram_gb", &["ram", "ram_go", "memoire_go"], false),
    ("storage_kind", &["type_stockage", "stockage_type"], false),
    ("storage_gb", &["stockage", "stockage_go"], false),
    ("screen_inches", &["ecran", "ecran_pouces", "taille_ecran"], false),
    ("os", &["systeme", "systeme_exploitation"], false),
    ("battery_serial", &["serie_batterie", "numero_serie_batterie"], false),
    ("charger_serial", &["serie_chargeur", "numero_serie_chargeur"], false),
    ("refurbisher", &["reconditionneur"], false),
    ("erasure_certificate", &["certificat_effacement", "certificat"], false),
];

pub use crate::model::refusals::{ImportRejected, LineError};

/// A file that parsed: every row is a valid device.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub file_name: String,
    pub sha256: String,
    /// (line number, device)
    pub devices: Vec<(u64, NewDevice)>,
    /// Columns the file has that Comptoir does not use.
    pub ignored_columns: Vec<String>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub file_name: String,
    pub sha256: String,
    /// Devices added to the stock, as allocated (to be checked in by scanning).
    pub created: usize,
    /// Devices already in the stock with the same description.
    pub unchanged: usize,
    /// The very same file was imported before: nothing was done.
    pub already_imported_at: Option<String>,
    pub ignored_columns: Vec<String>,
}

fn reject(file_name: &str, errors: Vec<LineError>) -> ImportRejected {
    ImportRejected {
        file_name: file_name.to_string(),
        errors,
    }
}

fn line_error(line: u64, column: Option<&str>, message: impl Into<String>) -> LineError {
    LineError {
        line,
        column: column.map(str::to_string),
        message: message.into(),
    }
}

/// Parses a delivery file. Either every row is valid, or the whole file is refused with every
/// error found.
pub fn parse(bytes: &[u8], file_name: &str) -> Result<Delivery, ImportRejected> {
    let sha256 = format!("{:x}", Sha256::digest(bytes));
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = 1 + bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() as u64;
        reject(
            file_name,
            vec![line_error(
                line,
                None,
                "le fichier n'est pas encodé en UTF-8 ; enregistrez-le au format « CSV UTF-8 » depuis votre tableur",
            )],
        )
    })?;
    let header_line = text.lines().next().unwrap_or("");
    if header_line.trim().is_empty() {
        return Err(reject(
            file_name,
            vec![line_error(
                1,
                None,
                "le fichier est vide : il faut une ligne d'en-tête puis un appareil par ligne",
            )],
        ));
    }
    let separator = if header_line.matches(';').count() >= header_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());

    let mut errors = Vec::new();
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            return Err(reject(
                file_name,
                vec![line_error(1, None, format!("en-tête illisible : {e}"))],
            ))
        }
        None => return Err(reject(file_name, vec![line_error(1, None, "le fichier est vide")])),
    };

    // Map each header cell to a known column.
    let mut index: HashMap<&'static str, usize> = HashMap::new();
    let mut ignored_columns = Vec::new();
    for (i, cell) in header.iter().enumerate() {
        let name = fold(cell).replace([' ', '-'], "_");
        match COLUMNS
            .iter()
            .find(|(canon, aliases, _)| *canon == name || aliases.contains(&name.as_str()))
        {
            Some((canon, _, _)) => {
                if index.insert(canon, i).is_some() {
                    errors.push(line_error(
                        1,
                        Some(cell),
                        format!("la colonne « {canon} » apparaît deux fois"),
                    ));
                }
            }
            None if cell.is_empty() => {}
            None => ignored_columns.push(cell.to_string()),
        }
    }
    for (canon, _, required) in COLUMNS {
        if *required && !index.contains_key(canon) {
            errors.push(line_error(
                1,
                None,
                format!("colonne obligatoire « {canon} » absente de l'en-tête"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(reject(file_name, errors));
    }

    let width = header.len();
    let mut devices = Vec::new();
    let mut seen_tags: HashMap<String, u64> = HashMap::new();
    let mut seen_imeis: HashMap<String, u64> = HashMap::new();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                errors.push(line_error(line, None, format!("ligne illisible : {e}")));
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() != width {
            errors.push(line_error(
                line,
                None,
                format!(
                    "{} colonnes au lieu des {width} de l'en-tête (séparateur « {} »)",
                    record.len(),
                    separator as char
                ),
            ));
            continue;
        }
        let cell = |name: &str| {
            index
                .get(name)
                .map(|i| record.get(*i).unwrap_or(""))
                .filter(|v| !v.is_empty())
        };
        match parse_row(line, &cell) {
            Ok(device) => {
                if let Some(first) = seen_tags.insert(device.tag.to_string(), line) {
                    errors.push(line_error(
                        line,
                        Some("tag"),
                        format!("l'identifiant {} figure déjà ligne {first}", device.tag),
                    ));
                }
                if let Some(imei) = &device.imei {
                    if let Some(first) = seen_imeis.insert(imei.to_string(), line) {
                        errors.push(line_error(
                            line,
                            Some("imei"),
                            format!("l'IMEI {imei} figure déjà ligne {first}"),
                        ));
                    }
                }
                devices.push((line, device));
            }
            Err(mut row_errors) => errors.append(&mut row_errors),
        }
    }
    if errors.is_empty() && devices.is_empty() {
        errors.push(line_error(
            2,
            None,
            "le fichier ne contient aucun appareil après l'en-tête",
        ));
    }
    if !errors.is_empty() {
        return Err(reject(file_name, errors));
    }
    Ok(Delivery {
        file_name: file_name.to_string(),
        sha256,
        devices,
        ignored_columns,
    })
}

fn parse_row<'a>(line: u64, cell: &dyn Fn(&str) -> Option<&'a str>) -> Result<NewDevice, Vec<LineError>> {
    let mut errors = Vec::new();
    fn take<T>(errors: &mut Vec<LineError>, line: u64, column: &str, result: Result<Option<T>, String>) -> Option<T> {
        result.unwrap_or_else(|message| {
            errors.push(line_error(line, Some(column), message));
            None
        })
    }
    macro_rules! field {
        ($column:literal, $result:expr) => {
            take(&mut errors, line, $column, $result)
        };
    }
    fn required<T>(value: Option<&str>, parse: impl Fn(&str) -> Result<T, ParseError>) -> Result<Option<T>, String> {
        match value {
            None => Err("valeur obligatoire manquante".to_string()),
            Some(v) => parse(v).map(Some).map_err(|e| e.message),
        }
    }
    fn optional<T>(value: Option<&str>, parse: impl Fn(&str) -> Result<T, ParseError>) -> Result<Option<T>, String> {
        value.map(parse).transpose().map_err(|e| e.message)
    }
    fn number(value: Option<&str>, scale: u32, max: i64, unit: &str) -> Result<Option<i64>, String> {
        let Some(v) = value else { return Ok(None) };
        match parse_decimal(v, scale) {
            Some(n) if n > 0 && n <= max => Ok(Some(n)),
            _ => Err(format!(
                "« {v} » n'est pas un nombre valide de {unit} (exemple : {})",
                if scale > 0 { "15,6" } else { "256" }
            )),
        }
    }
    let text = |v: Option<&str>| v.map(str::to_string);

    let tag = field!("tag", required(cell("tag"), AssetTag::parse));
    let kind = field!("kind", required(cell("kind"), DeviceKind::parse));
    let category = field!("category", optional(cell("category"), Category::parse));
    let brand = cell("brand");
    let model = cell("model");
    if brand.is_none() {
        errors.push(line_error(line, Some("brand"), "valeur obligatoire manquante"));
    }
    if model.is_none() {
        errors.push(line_error(line, Some("model"), "valeur obligatoire manquante"));
    }
    let serial = field!("serial", optional(cell("serial"), Serial::parse));
    let imei = field!("imei", optional(cell("imei"), Imei::parse));
    let storage_kind = field!("storage_kind", optional(cell("storage_kind"), StorageKind::parse));
    let ram_tenths = field!("ram_gb", number(cell("ram_gb"), 1, 10_240, "Go de mémoire"));
    let storage_gb = field!("storage_gb", number(cell("storage_gb"), 0, 100_000, "Go de stockage"));
    let screen = field!("screen_inches", number(cell("screen_inches"), 1, 1_000, "pouces"));
    let specs = Specs {
        cpu: text(cell("cpu")),
        ram_mb: ram_tenths.map(|t| t * 1024 / 10),
        storage_kind,
        storage_gb,
        screen_tenths_inch: screen,
        os: text(cell("os")),
        battery_serial: text(cell("battery_serial")),
        charger_serial: text(cell("charger_serial")),
        refurbisher: text(cell("refurbisher")),
        erasure_certificate: text(cell("erasure_certificate")),
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let (Some(tag), Some(kind)) = (tag, kind) else {
        unreachable!("missing values were reported as errors")
    };
    NewDevice::new(
        tag,
        kind,
        category,
        brand.unwrap_or(""),
        model.unwrap_or(""),
        serial,
        imei,
        specs,
    )
    .map_err(|e| {
        let column = if e.message.contains("IMEI") { "imei" } else { "category" };
        vec![line_error(line, Some(column), e.message)]
    })
}

/// Imports a delivery file into the stock, all or nothing. New devices enter as allocated:
/// each is then checked in by scanning its tag.
pub fn import(store: &mut Store, bytes: &[u8], file_name: &str, actor: &Actor) -> crate::error::Result<ImportReport> {
    crate::operators::require_present(store.db(), actor)?;
    let operator = actor.name();
    let delivery = parse(bytes, file_name)?;
    store.with_tx(|tx| {
        let mut report = ImportReport {
            file_name: delivery.file_name.clone(),
            sha256: delivery.sha256.clone(),
            created: 0,
            unchanged: 0,
            already_imported_at: None,
            ignored_columns: delivery.ignored_columns.clone(),
        };
        if let Some((_, at)) = imports::already_imported(tx, &delivery.sha256)? {
            report.already_imported_at = Some(at);
            report.unchanged = delivery.devices.len();
            return Ok(report);
        }
        let now = store::now_text();
        let reason = format!("Importé depuis « {} »", delivery.file_name);
        let mut errors = Vec::new();
        let mut fresh = Vec::new();
        for (line, device) in &delivery.devices {
            match devices::by_tag(tx, &device.tag)? {
                Some(existing) if existing.same_description(device) => report.unchanged += 1,
                Some(existing) => errors.push(line_error(
                    *line,
                    Some("tag"),
                    format!(
                        "l'identifiant {} existe déjà dans le stock avec une autre description ({} {} {})",
                        device.tag,
                        existing.kind.label(),
                        existing.brand,
                        existing.model
                    ),
                )),
                None => {
                    if let Some(imei) = &device.imei {
                        if let Some(other) = devices::by_imei(tx, imei.as_str())? {
                            errors.push(line_error(
                                *line,
                                Some("imei"),
                                format!("l'IMEI {imei} est déjà celui de l'appareil {}", other.tag),
                            ));
                            continue;
                        }
                    }
                    fresh.push(device);
                }
            }
        }
        if !errors.is_empty() {
            return Err(reject(&delivery.file_name, errors).into());
        }
        for device in fresh {
            insert_new(tx, device, DeviceState::Allocated, operator, &reason, &now)?;
            report.created += 1;
        }
        imports::record(
            tx,
            &delivery.sha256,
            &delivery.file_name,
            &now,
            operator,
            report.created,
            report.unchanged,
        )?;
        Ok(report)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_the_separator_and_accepts_bom_and_decimal_commas() {
        let semicolon =
            "\u{feff}identifiant;type;catégorie;marque;modèle;ecran\nEC-1001;portable;B;Dell;Latitude;15,6\n";
        let d = parse(semicolon.as_bytes(), "a.csv").unwrap();
        assert_eq!(d.devices[0].1.specs.screen_tenths_inch, Some(156));
        let comma = "tag,kind,category,brand,model,screen_inches\nEC-1001,laptop,B,Dell,Latitude,\"15,6\"\n";
        let d = parse(comma.as_bytes(), "b.csv").unwrap();
        assert_eq!(d.devices[0].1.specs.screen_tenths_inch, Some(156));
    }

    #[test]
    fn every_bad_cell_is_reported_with_line_and_column() {
        let file = "tag;kind;category;brand;model;imei;ram_gb\n\
                    E1;portable;B;Dell;E7470;;8\n\
                    EC-1002;grille-pain;B;Dell;E7470;;8\n\
                    EC-1003;smartphone;A;Samsung;A52;490154203237519;huit\n";
        let err = parse(file.as_bytes(), "f.csv").unwrap_err();
        let found: Vec<(u64, Option<&str>)> = err.errors.iter().map(|e| (e.line, e.column.as_deref())).collect();
        assert_eq!(
            found,
            [
                (2, Some("tag")),
                (3, Some("kind")),
                (4, Some("imei")),
                (4, Some("ram_gb"))
            ]
        );
        assert!(err.to_string().contains("rien n'a été importé"));
    }
}
