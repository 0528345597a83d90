//! The centre's settings: who sells (association name, address, SIRET, logo), the mentions its
//! documents carry, where families get help, and how documents are printed. Each field parses
//! into a valid value or is refused with a French reason; a missing identity never blocks a
//! sale, it is named on the documents and in the UI (see [`CentreSettings::missing`]).

use crate::error::Code;
pub use crate::model::centre::CentreInput;

use std::collections::BTreeMap;

use crate::operators::Actor;
use serde::{Deserialize, Serialize};

use crate::device::DeviceKind;
use crate::tax::{Rate, TaxStatus};

use crate::beneficiary::{parse_phone, FieldError};
use crate::device::code_enum;
use crate::error::{Error, Result};
use crate::store::{self, centre as sql, Store};

code_enum! {
    /// The paper receipts are printed on.
    pub enum Paper, "format de papier" {
        A4 => "a4", "A4", [];
        Roll80 => "80mm", "Rouleau 80 mm", ["80", "rouleau", "ticket"];
    }
}

/// A SIRET: 14 digits whose Luhn sum is a multiple of 10 (La Poste's establishments, SIREN
/// 356 000 000, use the sum of the digits modulo 5 instead).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[derive(ts_rs::TS)]
#[ts(export)]
pub struct Siret(String);

impl Siret {
    pub fn parse(input: &str) -> std::result::Result<Siret, String> {
        let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() != 14 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!(
                "« {} » n'est pas un SIRET : il faut 14 chiffres (9 du SIREN et 5 de l'établissement).",
                input.trim()
            ));
        }
        let values: Vec<u32> = digits.chars().map(|c| c.to_digit(10).expect("digit")).collect();
        let valid = if digits.starts_with("356000000") {
            values.iter().sum::<u32>() % 5 == 0
        } else {
            luhn(&values)
        };
        if !valid {
            return Err(format!(
                "SIRET {} : la clé de contrôle ne correspond pas, vérifiez une faute de frappe.",
                digits
            ));
        }
        Ok(Siret(digits))
    }

    /// As printed: "123 456 789 00012".
    pub fn display(&self) -> String {
        let d = &self.0;
        format!("{} {} {} {}", &d[0..3], &d[3..6], &d[6..9], &d[9..14])
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn luhn(digits: &[u32]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let twice = d * 2;
                if twice > 9 {
                    twice - 9
                } else {
                    twice
                }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

impl TryFrom<String> for Siret {
    type Error = String;
    fn try_from(value: String) -> std::result::Result<Self, String> {
        Siret::parse(&value)
    }
}

impl From<Siret> for String {
    fn from(value: Siret) -> String {
        value.0
    }
}

pub const DEFAULT_VAT_MENTION: &str = "TVA non applicable, article 261-7-1° du CGI";
pub const DEFAULT_HELP_URL: &str = "https://www.lesbonsclics.fr/";

/// The settings, valid. Built from [`CentreInput`] through [`CentreInput::parse`] only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct CentreSettings {
    pub name: Option<String>,
    /// Up to six lines.
    pub address: Vec<String>,
    pub siret: Option<Siret>,
    /// None until a manager chooses it (a new centre, or a custom mention kept from before).
    pub tax_status: Option<TaxStatus>,
    /// The VAT rate of every kind of item (the normal rate where none was set); used under the
    /// statuses liable to VAT.
    pub vat_rates: BTreeMap<DeviceKind, Rate>,
    /// The mention documents carry: the status's, or the custom one kept until a status is
    /// chosen (empty when neither).
    pub vat_mention: String,
    /// A custom mention kept from before tax statuses.
    pub custom_mention: Option<String>,
    pub help_phone: Option<String>,
    pub help_email: Option<String>,
    pub help_hours: Option<String>,
    /// Where to learn for free (also printed as a QR code).
    pub help_url: String,
    /// The printer documents go to; none: the system's default printer.
    pub printer: Option<String>,
    pub paper: Paper,
    pub has_logo: bool,
}

impl CentreSettings {
    /// What a document needs and the settings lack, in French ("le SIRET de l'association").
    pub fn missing(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        if self.name.is_none() {
            missing.push("le nom de l'association");
        }
        if self.address.is_empty() {
            missing.push("l'adresse de l'association");
        }
        if self.siret.is_none() {
            missing.push("le SIRET de l'association");
        }
        if self.tax_status.is_none() {
            missing.push("le régime de TVA de la structure");
        }
        missing
    }

    /// The phone as printed: "01 23 45 67 89".
    pub fn help_phone_display(&self) -> Option<String> {
        self.help_phone.as_deref().map(|p| {
            if p.len() == 10 && p.starts_with('0') {
                p.as_bytes()
                    .chunks(2)
                    .map(|c| std::str::from_utf8(c).expect("digits"))
                    .collect::<Vec<_>>()
                    .join(" ")
            } else {
                p.to_string()
            }
        })
    }
}

fn clean(s: &str) -> Option<String> {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!s.is_empty()).then_some(s)
}

/// A web address: http(s), a host with a dot, no spaces.
pub fn parse_url(input: &str) -> std::result::Result<String, String> {
    let url = input.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("« {url} » : une adresse web commence par https:// (ou http://)."))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || !host.contains('.') || url.chars().any(char::is_whitespace) || url.len() > 300 {
        return Err(format!("« {url} » n'est pas une adresse web valable."));
    }
    Ok(url.to_string())
}

impl CentreInput {
    pub fn parse(&self) -> std::result::Result<CentreSettings, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut fail = |field: &'static str, message: String| {
            errors.push(FieldError {
                field: field.into(),
                message,
            })
        };

        let name = clean(&self.name);
        if name.as_ref().is_some_and(|n| n.chars().count() > 120) {
            fail("name", "Le nom de l'association dépasse 120 caractères.".into());
        }
        let address: Vec<String> = self.address.lines().filter_map(clean).collect();
        if address.len() > 6 {
            fail("address", "L'adresse tient en 6 lignes au plus.".into());
        }
        if address.iter().any(|l| l.chars().count() > 80) {
            fail("address", "Une ligne d'adresse dépasse 80 caractères.".into());
        }
        let siret = match clean(&self.siret) {
            None => None,
            Some(s) => match Siret::parse(&s) {
                Ok(s) => Some(s),
                Err(message) => {
                    fail("siret", message);
                    None
                }
            },
        };
        let custom_mention = clean(&self.vat_mention);
        if custom_mention.as_ref().is_some_and(|m| m.chars().count() > 200) {
            fail("vat_mention", "La mention de TVA dépasse 200 caractères.".into());
        }
        let tax_status = match clean(&self.tax_status) {
            None => None,
            Some(code) => TaxStatus::parse(&code).map(Some).unwrap_or_else(|e| {
                fail("tax_status", e.to_string());
                None
            }),
        };
        // The rates as typed, by kind (its code, or a French name: « portable »).
        let mut typed_rates: BTreeMap<DeviceKind, &str> = BTreeMap::new();
        for (name, typed) in &self.vat_rates {
            match DeviceKind::parse(name) {
                Ok(kind) => {
                    typed_rates.insert(kind, typed);
                }
                Err(_) => fail(
                    "vat_rates",
                    format!("« {name} » n'est pas un type d'article : pas de taux de TVA pour lui."),
                ),
            }
        }
        let mut vat_rates = BTreeMap::new();
        let mut rate_problems = Vec::new();
        for kind in DeviceKind::ALL {
            // A kind the form does not name has the normal rate; one it names blank has none.
            let typed = match typed_rates.get(kind) {
                None => Some(crate::tax::NORMAL_RATE.number()),
                Some(t) => clean(t),
            };
            match typed {
                None if tax_status.is_some_and(TaxStatus::needs_rates) => rate_problems.push(format!(
                    "le taux de TVA des articles « {} » manque (ce régime en demande un pour chaque type ; 20 % en général)",
                    kind.label()
                )),
                None => {
                    vat_rates.insert(*kind, crate::tax::NORMAL_RATE);
                }
                Some(typed) => match Rate::parse(&typed) {
                    Ok(rate) => {
                        vat_rates.insert(*kind, rate);
                    }
                    Err(message) => rate_problems.push(format!("{} : {message}", kind.label())),
                },
            }
        }
        if !rate_problems.is_empty() {
            let joined = rate_problems.join(" ; ");
            let mut chars = joined.chars();
            let first: String = chars.next().map(|c| c.to_uppercase().collect()).unwrap_or_default();
            fail("vat_rates", format!("{first}{}.", chars.as_str()));
        }
        let vat_mention = match tax_status {
            Some(status) => status.mention().to_string(),
            None => custom_mention.clone().unwrap_or_default(),
        };
        let help_phone = match clean(&self.help_phone) {
            None => None,
            Some(p) => {
                let parsed = parse_phone(&p);
                if parsed.is_none() {
                    fail(
                        "help_phone",
                        format!("« {p} » n'est pas un numéro de téléphone (10 chiffres, ou +indicatif)."),
                    );
                }
                parsed
            }
        };
        let help_email = clean(&self.help_email);
        if let Some(e) = &help_email {
            let ok = e.split_once('@').is_some_and(|(a, b)| !a.is_empty() && b.contains('.')) && !e.contains(' ');
            if !ok {
                fail("help_email", format!("« {e} » n'est pas une adresse e-mail."));
            }
        }
        let help_hours = clean(&self.help_hours);
        if help_hours.as_ref().is_some_and(|h| h.chars().count() > 160) {
            fail("help_hours", "Les horaires dépassent 160 caractères.".into());
        }
        let help_url = match clean(&self.help_url) {
            None => DEFAULT_HELP_URL.to_string(),
            Some(u) => parse_url(&u).unwrap_or_else(|message| {
                fail("help_url", message);
                String::new()
            }),
        };
        let printer = clean(&self.printer);
        if printer
            .as_ref()
            .is_some_and(|p| p.starts_with('-') || p.chars().count() > 127)
        {
            fail("printer", "Nom d'imprimante invalide.".into());
        }
        let paper = match clean(&self.paper) {
            None => Paper::A4,
            Some(p) => Paper::parse(&p).unwrap_or_else(|e| {
                fail("paper", e.to_string());
                Paper::A4
            }),
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(CentreSettings {
            name,
            address,
            siret,
            tax_status,
            vat_rates,
            vat_mention,
            custom_mention,
            help_phone,
            help_email,
            help_hours,
            help_url,
            printer,
            paper,
            has_logo: false,
        })
    }
}

impl From<&CentreSettings> for CentreInput {
    fn from(s: &CentreSettings) -> CentreInput {
        CentreInput {
            name: s.name.clone().unwrap_or_default(),
            address: s.address.join("\n"),
            siret: s.siret.as_ref().map(|s| s.as_str().to_string()).unwrap_or_default(),
            tax_status: s.tax_status.map(|t| t.code().to_string()).unwrap_or_default(),
            vat_rates: s
                .vat_rates
                .iter()
                .map(|(kind, rate)| (kind.code().to_string(), rate.number()))
                .collect(),
            vat_mention: s.custom_mention.clone().unwrap_or_default(),
            help_phone: s.help_phone.clone().unwrap_or_default(),
            help_email: s.help_email.clone().unwrap_or_default(),
            help_hours: s.help_hours.clone().unwrap_or_default(),
            help_url: s.help_url.clone(),
            printer: s.printer.clone().unwrap_or_default(),
            paper: s.paper.code().to_string(),
        }
    }
}

/// The settings as stored (defaults for what was never set).
pub fn load(store: &Store) -> Result<CentreSettings> {
    load_in(store.db())
}

/// The settings as stored, inside a transaction or on any connection.
pub fn load_in(conn: &crate::store::Db) -> Result<CentreSettings> {
    let input: CentreInput = sql::load(conn)?;
    let mut settings = input.parse().unwrap_or_else(|_| {
        // Stored values were valid when written; a value a later rule refuses is dropped here
        // rather than blocking every document.
        CentreInput::default().parse().expect("defaults are valid")
    });
    settings.has_logo = sql::logo(conn)?.is_some();
    Ok(settings)
}

/// Checks and saves the whole form; nothing is saved if a field is refused. A change of the
/// tax status or of a VAT rate applies from the next sale: refused while a permanence is open,
/// and journaled.
pub fn save(store: &mut Store, input: &CentreInput, actor: &Actor) -> Result<CentreSettings> {
    crate::operators::require_manager(store.db(), actor)?;
    save_as(store, input, actor.name())
}

/// [`save`] under `operator`'s name once its right to was checked (the demo centre writes its
/// own identity as « Comptoir (démo) »).
pub(crate) fn save_as(store: &mut Store, input: &CentreInput, operator: &str) -> Result<CentreSettings> {
    let settings = input.parse().map_err(Error::InvalidFields)?;
    let before = load(store)?;
    let tax_changed = before.tax_status != settings.tax_status
        || (settings.tax_status.is_some_and(TaxStatus::needs_rates) && before.vat_rates != settings.vat_rates);
    // Choosing the first status is no change of one already applied: sales made before it take
    // it when their receipt is first issued.
    if tax_changed && before.tax_status.is_some() && crate::pos::current_session(store)?.is_some() {
        return Err(Error::Refused {
            code: Code::SessionAlreadyOpen,
            message: "Le régime de TVA change entre deux permanences : clôturez d'abord la permanence ouverte, \
                      puis enregistrez-le (il s'appliquera dès la vente suivante)."
                .into(),
        });
    }
    let stored = CentreInput::from(&settings);
    store.with_tx(|tx| {
        sql::save(tx, &stored)?;
        if tax_changed {
            let rates = crate::tax::rates_by_code(&settings.vat_rates);
            crate::journal::append(
                tx,
                "tax_status",
                operator,
                &store::now_text(),
                &serde_json::json!({
                    "from": before.tax_status.map(TaxStatus::code),
                    "status": settings.tax_status.map(TaxStatus::code),
                    "mention": settings.vat_mention,
                    "rates": settings.tax_status.filter(|s| s.needs_rates()).map(|_| rates),
                }),
            )?;
            tracing::info!(
                regime = settings.tax_status.map(TaxStatus::code),
                "régime de TVA changé"
            );
        }
        Ok(())
    })?;
    load(store)
}

/// The logo printed at the top of documents: a PNG or JPEG image up to 1 MB.
pub fn set_logo(store: &mut Store, bytes: &[u8], actor: &Actor) -> Result<()> {
    crate::operators::require_manager(store.db(), actor)?;
    let media_type = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else {
        return Err(Error::Refused {
            code: Code::Invalid,
            message: "Le logo doit être une image PNG ou JPEG.".into(),
        });
    };
    if bytes.len() > 1024 * 1024 {
        return Err(Error::Refused {
            code: Code::Invalid,
            message: format!(
                "Le logo pèse {} Ko : 1 024 Ko au plus (réduisez l'image).",
                bytes.len() / 1024
            ),
        });
    }
    crate::documents::check_image(bytes)?;
    let now = store::now_text();
    store.with_tx(|tx| sql::set_logo(tx, media_type, bytes, &now))
}

pub fn remove_logo(store: &mut Store, actor: &Actor) -> Result<()> {
    crate::operators::require_manager(store.db(), actor)?;
    store.with_tx(sql::remove_logo)
}

pub fn logo(store: &Store) -> Result<Option<Vec<u8>>> {
    sql::logo(store.db())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siret_needs_fourteen_digits_and_a_valid_key() {
        // The example SIRET of the INSEE's documentation.
        assert_eq!(Siret::parse("732 829 320 00074").unwrap().as_str(), "73282932000074");
        assert_eq!(Siret::parse("73282932000074").unwrap().display(), "732 829 320 00074");
        let typo = Siret::parse("73282932000075").unwrap_err();
        assert!(typo.contains("clé de contrôle"), "{typo}");
        let short = Siret::parse("7328293200007").unwrap_err();
        assert!(short.contains("14 chiffres"), "{short}");
        assert!(Siret::parse("7328293200007A").is_err());
        // La Poste's rule: the digits sum to a multiple of 5.
        assert!(Siret::parse("35600000000015").is_ok());
        assert!(Siret::parse("35600000000016").is_err());
    }

    #[test]
    fn the_form_refuses_each_bad_field_by_name() {
        let input = CentreInput {
            siret: "123".into(),
            help_phone: "appelez-nous".into(),
            help_url: "lesbonsclics".into(),
            help_email: "pas-un-mail".into(),
            paper: "A3".into(),
            address: "1\n2\n3\n4\n5\n6\n7".into(),
            ..CentreInput::default()
        };
        let errors = input.parse().unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["address", "siret", "help_phone", "help_email", "help_url", "paper"]
        );
    }

    #[test]
    fn defaults_fill_what_was_left_empty() {
        let settings = CentreInput::default().parse().unwrap();
        assert_eq!(settings.vat_mention, "", "no status yet, no mention");
        assert_eq!(settings.help_url, DEFAULT_HELP_URL);
        assert_eq!(settings.paper, Paper::A4);
        assert_eq!(
            settings.missing(),
            [
                "le nom de l'association",
                "l'adresse de l'association",
                "le SIRET de l'association",
                "le régime de TVA de la structure"
            ]
        );
        let full = CentreInput {
            name: " Centre  social des Lilas ".into(),
            address: "12 rue des Lilas\n\n93260 Les Lilas\n".into(),
            siret: "73282932000074".into(),
            tax_status: "franchise".into(),
            help_phone: "01 23 45 67 89".into(),
            ..CentreInput::default()
        }
        .parse()
        .unwrap();
        assert_eq!(full.name.as_deref(), Some("Centre social des Lilas"));
        assert_eq!(full.address, ["12 rue des Lilas", "93260 Les Lilas"]);
        assert!(full.missing().is_empty());
        assert_eq!(full.vat_mention, "TVA non applicable, article 293 B du CGI");
        assert_eq!(full.help_phone_display().as_deref(), Some("01 23 45 67 89"));
    }

    #[test]
    fn a_status_liable_to_vat_needs_a_rate_within_0_and_100_for_each_kind() {
        let base = CentreInput {
            tax_status: "tva".into(),
            ..CentreInput::default()
        };
        // Rates left to their defaults: 20 % everywhere.
        let settings = base.parse().unwrap();
        assert!(settings.vat_rates.values().all(|r| *r == crate::tax::NORMAL_RATE));
        let mut blank = base.clone();
        blank.vat_rates.insert("laptop".into(), " ".into());
        let errors = blank.parse().unwrap_err();
        assert!(errors[0].message.contains("Ordinateur portable"), "{errors:?}");
        let mut too_high = base.clone();
        too_high.vat_rates.insert("laptop".into(), "120".into());
        assert_eq!(too_high.parse().unwrap_err()[0].field, "vat_rates");
        let mut unknown = base.clone();
        unknown.vat_rates.insert("fusee".into(), "20".into());
        assert!(unknown.parse().is_err());
        // Exempt: a blank rate is no matter, the normal rate is kept.
        let mut exempt = blank.clone();
        exempt.tax_status = "exoneree".into();
        assert!(exempt.parse().is_ok());
        let mut wrong = base.clone();
        wrong.tax_status = "lucratif".into();
        assert_eq!(wrong.parse().unwrap_err()[0].field, "tax_status");
    }
}
