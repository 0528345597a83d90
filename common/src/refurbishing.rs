//! What proves a device was refurbished (décret 2022-190; Code de la consommation R.122-4 and
//! following): the erasure of every previous user's data (method, date, who, the certificate's
//! reference, optionally the certificate itself) and the functional test (date, who, the report's
//! reference or the grade given after testing). Kinds that hold user data need both before they
//! are sold. Pure: parsed from a delivery file's cells or a form's fields.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::device::DeviceKind;

/// The method of a record migrated from the free-text certificate of earlier versions.
pub const METHOD_UNSPECIFIED: &str = "non précisée";
/// Who erased, when the free text said nothing of it.
pub const BY_UNSPECIFIED: &str = "non précisé";
/// A certificate file stored inside the database: 5 MB at most.
pub const CERTIFICATE_MAX_BYTES: usize = 5 * 1024 * 1024;

/// Laptops, desktops, tablets and smartphones held a family's data: they need an erasure and a
/// test record before they are sold.
pub fn holds_user_data(kind: DeviceKind) -> bool {
    matches!(
        kind,
        DeviceKind::Laptop | DeviceKind::Desktop | DeviceKind::Tablet | DeviceKind::Smartphone
    )
}

/// An erasure record: how, when, by whom, and the certificate's reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Erasure {
    /// « NIST 800-88 purge », the tool's name, or « non précisée ».
    pub method: String,
    pub on: NaiveDate,
    /// The refurbisher (or the person) who erased.
    pub by: String,
    /// The certificate's reference.
    pub reference: String,
}

/// A functional test record: when, by whom, and the report's reference or the grade given.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Test {
    pub on: NaiveDate,
    pub by: String,
    pub reference: Option<String>,
    /// The grade the refurbisher gave after testing (« B », « Très bon état »).
    pub grade: Option<String>,
}

/// The records a device arrives with (a delivery file's columns).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Records {
    pub erasure: Option<Erasure>,
    pub test: Option<Test>,
}

/// A date as typed: 2026-11-30 or 30/11/2026.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t, "%d/%m/%Y"))
        .ok()
}

type Problems = Vec<(&'static str, String)>;

fn clean(v: Option<&str>) -> Option<String> {
    v.map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
}

fn date(
    column: &'static str,
    text: Option<String>,
    today: NaiveDate,
    what: &str,
    errors: &mut Problems,
) -> Option<NaiveDate> {
    let Some(text) = text else {
        errors.push((column, format!("la date {what} est obligatoire")));
        return None;
    };
    match parse_date(&text) {
        None => {
            errors.push((
                column,
                format!("« {text} » n'est pas une date (ex. 2026-11-30 ou 30/11/2026)"),
            ));
            None
        }
        Some(d) if d > today => {
            errors.push((
                column,
                format!("la date {what} ({}) est dans le futur", d.format("%d/%m/%Y")),
            ));
            None
        }
        Some(d) => Some(d),
    }
}

fn bounded(column: &'static str, value: Option<String>, max: usize, errors: &mut Problems) -> Option<String> {
    if value.as_ref().is_some_and(|v| v.chars().count() > max) {
        errors.push((column, format!("{max} caractères au plus")));
    }
    value
}

/// The cells of an erasure record (columns `erasure_method`, `erasure_date`, `erasure_by`,
/// `erasure_certificate`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ErasureCells<'a> {
    pub method: Option<&'a str>,
    pub on: Option<&'a str>,
    pub by: Option<&'a str>,
    pub reference: Option<&'a str>,
}

impl ErasureCells<'_> {
    /// None when every cell is empty. A certificate's reference alone (the free text of earlier
    /// versions and files) is a record of method « non précisée » dated `imported_on`. Else a
    /// valid record, or each bad cell with its column and a French reason. `default_by`: the
    /// refurbisher, when the file names one.
    pub fn parse(
        &self,
        today: NaiveDate,
        imported_on: NaiveDate,
        default_by: Option<&str>,
    ) -> Result<Option<Erasure>, Problems> {
        let (method, on) = (clean(self.method), clean(self.on));
        let mut errors = Vec::new();
        let by = bounded(
            "erasure_by",
            clean(self.by).or_else(|| clean(default_by)),
            120,
            &mut errors,
        );
        let reference = bounded("erasure_certificate", clean(self.reference), 120, &mut errors);
        let method = bounded("erasure_method", method, 120, &mut errors);
        if method.is_none() && on.is_none() && self.by.is_none_or(|b| b.trim().is_empty()) {
            let Some(reference) = reference else { return Ok(None) };
            return if errors.is_empty() {
                Ok(Some(Erasure {
                    method: METHOD_UNSPECIFIED.into(),
                    on: imported_on,
                    by: by.unwrap_or_else(|| BY_UNSPECIFIED.into()),
                    reference,
                }))
            } else {
                Err(errors)
            };
        }
        if method.is_none() {
            errors.push((
                "erasure_method",
                "la méthode d'effacement est obligatoire (ex. NIST 800-88 purge, ou le nom de l'outil)".into(),
            ));
        }
        let on = date("erasure_date", on, today, "d'effacement", &mut errors);
        if by.is_none() {
            errors.push((
                "erasure_by",
                "qui a effacé les données (le reconditionneur) manque".into(),
            ));
        }
        if reference.is_none() {
            errors.push((
                "erasure_certificate",
                "la référence du certificat d'effacement manque".into(),
            ));
        }
        match (method, on, by, reference) {
            (Some(method), Some(on), Some(by), Some(reference)) if errors.is_empty() => Ok(Some(Erasure {
                method,
                on,
                by,
                reference,
            })),
            _ => Err(errors),
        }
    }
}

/// The cells of a test record (columns `test_date`, `test_by`, `test_report`; the grade is the
/// line's category unless given).
#[derive(Debug, Clone, Copy, Default)]
pub struct TestCells<'a> {
    pub on: Option<&'a str>,
    pub by: Option<&'a str>,
    pub reference: Option<&'a str>,
    pub grade: Option<&'a str>,
}

impl TestCells<'_> {
    /// None when neither a date nor a report is given (a category alone is not a test record).
    pub fn parse(
        &self,
        today: NaiveDate,
        default_by: Option<&str>,
        default_grade: Option<&str>,
    ) -> Result<Option<Test>, Problems> {
        let (on, reference) = (clean(self.on), clean(self.reference));
        if on.is_none() && reference.is_none() {
            return Ok(None);
        }
        let mut errors = Vec::new();
        let on = date("test_date", on, today, "du test", &mut errors);
        let by = bounded(
            "test_by",
            clean(self.by).or_else(|| clean(default_by)),
            120,
            &mut errors,
        );
        let reference = bounded("test_report", reference, 120, &mut errors);
        let grade = bounded(
            "test_grade",
            clean(self.grade).or_else(|| clean(default_grade)),
            40,
            &mut errors,
        );
        if by.is_none() {
            errors.push(("test_by", "qui a testé l'appareil (le reconditionneur) manque".into()));
        }
        if reference.is_none() && grade.is_none() {
            errors.push((
                "test_report",
                "la référence du rapport de test, ou la note donnée après le test, manque".into(),
            ));
        }
        match (on, by) {
            (Some(on), Some(by)) if errors.is_empty() => Ok(Some(Test {
                on,
                by,
                reference,
                grade,
            })),
            _ => Err(errors),
        }
    }
}

/// A certificate file that may be stored: a PDF of 5 MB at most. Its SHA-256 (hex) or a French
/// reason.
pub fn check_certificate(bytes: &[u8]) -> Result<String, String> {
    if bytes.len() > CERTIFICATE_MAX_BYTES {
        return Err(format!(
            "le certificat fait {:.1} Mo : 5 Mo au plus",
            bytes.len() as f64 / (1024.0 * 1024.0)
        ));
    }
    if !bytes.starts_with(b"%PDF-") {
        return Err("le certificat n'est pas un fichier PDF".into());
    }
    Ok(hex(&Sha256::digest(bytes)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn a_reference_alone_is_a_record_of_unspecified_method_dated_from_the_import() {
        let cells = ErasureCells {
            reference: Some("CERT-1"),
            ..Default::default()
        };
        let e = cells
            .parse(d("2026-12-01"), d("2026-11-30"), Some("Ateliers du Bocage"))
            .unwrap()
            .unwrap();
        assert_eq!(e.method, METHOD_UNSPECIFIED);
        assert_eq!(e.on, d("2026-11-30"));
        assert_eq!(e.by, "Ateliers du Bocage");
        assert_eq!(
            ErasureCells::default().parse(d("2026-12-01"), d("2026-12-01"), None),
            Ok(None)
        );
    }

    #[test]
    fn a_future_date_or_missing_reference_names_its_column() {
        let cells = ErasureCells {
            method: Some("NIST 800-88 purge"),
            on: Some("2099-01-01"),
            by: Some("Envie"),
            reference: None,
        };
        let errors = cells.parse(d("2026-12-01"), d("2026-12-01"), None).unwrap_err();
        let columns: Vec<_> = errors.iter().map(|e| e.0).collect();
        assert_eq!(columns, ["erasure_date", "erasure_certificate"]);
        assert!(errors[0].1.contains("futur"), "{errors:?}");
    }

    #[test]
    fn a_test_needs_a_date_and_a_report_or_a_grade() {
        let today = d("2026-12-01");
        let t = TestCells {
            on: Some("30/11/2026"),
            ..Default::default()
        };
        assert_eq!(
            t.parse(today, Some("Envie"), Some("B"))
                .unwrap()
                .unwrap()
                .grade
                .as_deref(),
            Some("B")
        );
        assert_eq!(t.parse(today, Some("Envie"), None).unwrap_err()[0].0, "test_report");
        assert_eq!(TestCells::default().parse(today, Some("Envie"), Some("B")), Ok(None));
    }

    #[test]
    fn a_certificate_is_a_pdf_of_five_megabytes_at_most() {
        assert_eq!(check_certificate(b"%PDF-1.4 x").unwrap().len(), 64);
        assert!(check_certificate(b"PK\x03\x04").unwrap_err().contains("PDF"));
        let big = [b"%PDF-".as_slice(), &vec![0u8; CERTIFICATE_MAX_BYTES]].concat();
        assert!(check_certificate(&big).unwrap_err().contains("5 Mo"));
    }
}
