//! Delivery files: the CSV a refurbisher or the network sends with a batch of devices. This is
//! the parser (pure: bytes in, devices or every error out), shared by the desk and the hub; the
//! import into a centre's stock is `comptoir::delivery`.
//!
//! Header row required; `;` or `,` separator (detected); UTF-8 with or without BOM; decimal
//! commas accepted. A file with any bad row is rejected as a whole, every error given with its
//! line and column; importing the same file twice changes nothing the second time. The columns
//! are documented in README.md; `assets/samples/livraison-exemple.csv` is a sample.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::device::{AssetTag, Category, DeviceKind, Imei, NewDevice, ParseError, Serial, Specs, StorageKind};
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
    ("erasure_method", &["methode_effacement"], false),
    ("erasure_date", &["date_effacement"], false),
    ("erasure_by", &["efface_par"], false),
    ("test_date", &["date_test"], false),
    ("test_by", &["teste_par"], false),
    ("test_report", &["rapport_test", "reference_test"], false),
    ("donor_kind", &["provenance", "type_donateur", "origine"], false),
    ("donor", &["donateur", "donneur"], false),
    ("convention", &["reference_convention", "convention_ref"], false),
    ("reserved_publics", &["publics_reserves", "publics"], false),
    ("acquisition_price", &["prix_acquisition", "prix_achat", "cout"], false),
];

use crate::refusals::FieldError;
pub use crate::refusals::{ImportRejected, LineError};

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

pub fn reject(file_name: &str, errors: Vec<LineError>) -> ImportRejected {
    ImportRejected {
        file_name: file_name.to_string(),
        errors,
    }
}

pub fn line_error(line: u64, column: Option<&str>, message: impl Into<String>) -> LineError {
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
    let mut lines = Lines::new(text);
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| lines.at(p.byte())).unwrap_or(0);
                errors.push(line_error(line, None, format!("ligne illisible : {e}")));
                continue;
            }
        };
        let line = record.position().map(|p| lines.at(p.byte())).unwrap_or(0);
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

/// The line a record starts on, from its byte offset. The csv reader's own line count is one
/// short on files whose lines end with CR LF (as spreadsheets write them): its offset then
/// points at the LF ending the previous line, which this counts. Offsets come in increasing
/// order, so each byte of the file is counted once (linear in the file's size).
struct Lines<'a> {
    bytes: &'a [u8],
    /// Bytes before this offset are counted...
    counted: usize,
    /// ...and hold this many newlines.
    newlines: u64,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        Lines {
            bytes: text.as_bytes(),
            counted: 0,
            newlines: 0,
        }
    }

    fn at(&mut self, byte: u64) -> u64 {
        let end = (byte as usize + 1).min(self.bytes.len());
        if end < self.counted {
            // Never with the csv reader; counted again from the start rather than wrong.
            self.counted = 0;
            self.newlines = 0;
        }
        self.newlines += self.bytes[self.counted..end].iter().filter(|b| **b == b'\n').count() as u64;
        self.counted = end;
        1 + self.newlines
    }
}

/// A device typed in a form (a scanner may fill the tag and the serial), its fields named as a
/// delivery file's columns (`tag`, `kind`, `brand`, `serial`, `ram_gb`…): the same checks as a
/// file's row, every error beside its field.
pub fn parse_form(fields: &std::collections::BTreeMap<String, String>) -> Result<NewDevice, Vec<FieldError>> {
    let cell = |name: &str| fields.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    parse_row(0, &cell).map_err(|errors| {
        errors
            .into_iter()
            .map(|e| FieldError {
                field: e
                    .column
                    .as_deref()
                    .and_then(|c| COLUMNS.iter().find(|(canon, _, _)| *canon == c))
                    .map_or(String::new(), |(canon, _, _)| canon.to_string()),
                message: e.message,
            })
            .collect()
    })
}

fn parse_row<'a>(line: u64, cell: &dyn Fn(&str) -> Option<&'a str>) -> Result<NewDevice, Vec<LineError>> {
    let mut errors = Vec::new();
    // NUL, ESC, BEL…: no device's description holds one (a damaged or hostile file).
    for (column, _, _) in COLUMNS {
        if let Some(c) = cell(column).and_then(|v| v.chars().find(|c| c.is_control())) {
            errors.push(line_error(
                line,
                Some(column),
                format!(
                    "caractère de contrôle U+{:04X} : le fichier est peut-être abîmé",
                    c as u32
                ),
            ));
        }
    }
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
    let provenance = crate::provenance::ProvenanceCells {
        kind: cell("donor_kind"),
        donor: cell("donor"),
        convention: cell("convention"),
        reserved_for: cell("reserved_publics"),
        acquisition: cell("acquisition_price"),
    }
    .parse()
    .unwrap_or_else(|problems| {
        for (column, message) in problems {
            errors.push(line_error(line, Some(column), message));
        }
        None
    });
    let today = chrono::Local::now().date_naive();
    let mut problems = |found: Vec<(&'static str, String)>| {
        for (column, message) in found {
            errors.push(line_error(line, Some(column), message));
        }
    };
    let erasure = crate::refurbishing::ErasureCells {
        method: cell("erasure_method"),
        on: cell("erasure_date"),
        by: cell("erasure_by"),
        reference: cell("erasure_certificate"),
    }
    .parse(today, today, cell("refurbisher"))
    .unwrap_or_else(|p| {
        problems(p);
        None
    });
    let test = crate::refurbishing::TestCells {
        on: cell("test_date"),
        by: cell("test_by"),
        reference: cell("test_report"),
        grade: None,
    }
    .parse(today, cell("refurbisher"), category.map(|c: Category| c.code()))
    .unwrap_or_else(|p| {
        problems(p);
        None
    });
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
    .map(|device| {
        device
            .with_provenance(provenance)
            .with_records(crate::refurbishing::Records { erasure, test })
    })
    .map_err(|e| {
        let column = if e.message.contains("IMEI") { "imei" } else { "category" };
        vec![line_error(line, Some(column), e.message)]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Line numbers are counted once along the file (issue 34): in a large file with CR LF
    /// endings and a quoted cell spanning two lines, each error still names the line a person
    /// sees in a text editor, the last one included.
    #[test]
    fn errors_in_a_large_file_name_their_lines_counted_once_along_it() {
        let mut file = String::from("tag;kind;category;brand;model\r\n");
        for i in 0..20_000 {
            match i {
                // Line 102: a model on two lines (one record on two lines, its line break
                // refused as a control character).
                100 => file.push_str(&format!("EC-{i};laptop;B;Dell;\"Latitude\r\nE5470\"\r\n")),
                // Line 5003 (the record before took two lines): a bad kind.
                5000 => file.push_str(&format!("EC-{i};grille-pain;B;Dell;A\r\n")),
                _ => file.push_str(&format!("EC-{i};laptop;B;Dell;A\r\n")),
            }
        }
        // The very last line: a tag seen before.
        file.push_str("EC-7;laptop;B;Dell;A\r\n");
        let rejected = parse(file.as_bytes(), "grand.csv").unwrap_err();
        let lines: Vec<u64> = rejected.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![102, 5003, 20_003], "{:?}", rejected.errors);
        assert!(
            rejected.errors[2].message.contains("figure déjà ligne 9"),
            "{:?}",
            rejected.errors
        );
    }

    #[test]
    fn errors_name_the_line_a_person_sees_whatever_the_line_endings() {
        for end in ["\n", "\r\n"] {
            let file = [
                "tag;kind;category;brand;model",
                "EC-1;laptop;B;Dell;A",
                "EC-2;grille-pain;B;Dell;B",
                "",
            ]
            .join(end);
            let rejected = parse(file.as_bytes(), "a.csv").unwrap_err();
            assert_eq!(rejected.errors.len(), 1, "{end:?}");
            assert_eq!(rejected.errors[0].line, 3, "{end:?}: {:?}", rejected.errors);
            let good = [
                "tag;kind;category;brand;model",
                "EC-1;laptop;B;Dell;A",
                "EC-2;laptop;B;Dell;B",
                "",
            ]
            .join(end);
            let lines: Vec<u64> = parse(good.as_bytes(), "a.csv")
                .unwrap()
                .devices
                .iter()
                .map(|d| d.0)
                .collect();
            assert_eq!(lines, vec![2, 3], "{end:?}");
        }
    }

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
