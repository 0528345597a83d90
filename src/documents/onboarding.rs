//! The onboarding sheet (fiche de prise en main): one A4 page per device, in large type and
//! plain words, made for the device's kind and system. The texts are in
//! `assets/templates/prise-en-main.toml`.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::layout::{Align, Canvas};
use super::{ReceiptFacts, ReceiptLine, Seller};
use crate::centre::CentreSettings;
use crate::device::DeviceKind;

const TEMPLATES: &str = include_str!("../../assets/templates/prise-en-main.toml");

#[derive(Debug, Deserialize)]
struct Templates {
    commun: Common,
    profils: BTreeMap<String, Texts>,
}

#[derive(Debug, Deserialize)]
struct Common {
    aide: String,
    garantie: String,
    apprendre: String,
    fin_de_vie: String,
    comptes_rappel: String,
}

#[derive(Debug, Deserialize)]
struct Texts {
    titre: String,
    allumer: String,
    wifi: String,
    comptes: String,
    securite: String,
}

static TEXTS: LazyLock<Templates> =
    LazyLock::new(|| toml::from_str(TEMPLATES).expect("the shipped onboarding templates parse"));

/// Which sheet a device gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Profile {
    ComputerWindows,
    ComputerLinux,
    Computer,
    AndroidPhone,
    IPhone,
    AndroidTablet,
    IPad,
}

impl Profile {
    pub const ALL: [Profile; 7] = [
        Profile::ComputerWindows,
        Profile::ComputerLinux,
        Profile::Computer,
        Profile::AndroidPhone,
        Profile::IPhone,
        Profile::AndroidTablet,
        Profile::IPad,
    ];

    fn key(self) -> &'static str {
        match self {
            Profile::ComputerWindows => "ordinateur_windows",
            Profile::ComputerLinux => "ordinateur_linux",
            Profile::Computer => "ordinateur",
            Profile::AndroidPhone => "smartphone_android",
            Profile::IPhone => "smartphone_ios",
            Profile::AndroidTablet => "tablette_android",
            Profile::IPad => "tablette_ios",
        }
    }

    fn texts(self) -> &'static Texts {
        TEXTS.profils.get(self.key()).expect("every profile has its texts")
    }
}

/// The sheet for a device of this kind and system, if it needs one (a screen or a SIM card
/// does not).
pub fn profile_for(kind: DeviceKind, os: Option<&str>, brand: &str) -> Option<Profile> {
    let os = crate::text::fold(os.unwrap_or(""));
    let brand = crate::text::fold(brand);
    let apple = os.contains("ios") || os.contains("ipados") || brand == "apple";
    match kind {
        DeviceKind::Laptop | DeviceKind::Desktop => Some(if os.contains("windows") {
            Profile::ComputerWindows
        } else if [
            "linux",
            "ubuntu",
            "mint",
            "debian",
            "emmabunt",
            "primtux",
            "zorin",
            "fedora",
            "elementary",
        ]
        .iter()
        .any(|l| os.contains(l))
        {
            Profile::ComputerLinux
        } else {
            Profile::Computer
        }),
        DeviceKind::Smartphone => Some(if apple { Profile::IPhone } else { Profile::AndroidPhone }),
        DeviceKind::Tablet => Some(if apple { Profile::IPad } else { Profile::AndroidTablet }),
        _ => None,
    }
}

/// One sheet: who, which device, which accessories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OnboardingFacts {
    pub first_name: Option<String>,
    pub profile: Profile,
    pub kind: DeviceKind,
    pub designation: String,
    pub tag: Option<String>,
    pub os: Option<String>,
    pub accessories: Vec<String>,
}

impl OnboardingFacts {
    /// A sheet for each device of the sale that needs one (cancelled lines excluded); the
    /// accessories sold with it are listed on each.
    pub fn of_sale(facts: &ReceiptFacts) -> Vec<OnboardingFacts> {
        let live: Vec<&ReceiptLine> = facts.lines.iter().filter(|l| l.cancelled_by.is_none()).collect();
        let extras: Vec<String> = live
            .iter()
            .filter(|l| l.tag.is_none() || profile_for(l.kind, l.os.as_deref(), &l.designation).is_none())
            .map(|l| {
                if l.quantity > 1 {
                    format!("{} × {}", l.quantity, super::receipt::title(l))
                } else {
                    super::receipt::title(l)
                }
            })
            .collect();
        live.iter()
            .filter(|l| l.tag.is_some())
            .filter_map(|l| {
                let brand = l.designation.split(' ').next().unwrap_or("");
                let profile = profile_for(l.kind, l.os.as_deref(), brand)?;
                let mut accessories = Vec::new();
                if l.charger_serial.is_some() || matches!(l.kind, DeviceKind::Laptop) {
                    accessories.push("son chargeur".to_string());
                }
                accessories.extend(extras.iter().cloned());
                Some(OnboardingFacts {
                    first_name: facts.buyer_first_name.clone(),
                    profile,
                    kind: l.kind,
                    designation: l.designation.clone(),
                    tag: l.tag.clone(),
                    os: l.os.clone(),
                    accessories,
                })
            })
            .collect()
    }
}

/// Settings the sheet would print as blanks.
pub(super) fn missing(settings: &CentreSettings) -> Vec<String> {
    let mut missing = Vec::new();
    if settings.name.is_none() {
        missing.push("le nom de l'association".to_string());
    }
    if settings.help_hours.is_none() {
        missing.push("les horaires des permanences".to_string());
    }
    if settings.help_phone.is_none() {
        missing.push("le téléphone d'aide".to_string());
    }
    missing
}

fn fill(text: &str, settings: &CentreSettings) -> String {
    text.replace("{centre}", settings.name.as_deref().unwrap_or("votre centre"))
        .replace(
            "{horaires}",
            settings
                .help_hours
                .as_deref()
                .unwrap_or("horaires à demander au centre"),
        )
        .replace(
            "{telephone}",
            &settings
                .help_phone_display()
                .unwrap_or_else(|| "numéro à demander au centre".into()),
        )
        .replace("{url}", &settings.help_url)
}

const BODY: f32 = 13.5;
const HEADING: f32 = 15.0;

fn section(c: &mut Canvas, heading: &str, text: &str, width: f32) {
    let x = c.left();
    c.space(2.2);
    c.paragraph_in(x, width, heading, HEADING, true, Align::Left);
    c.space(0.6);
    c.paragraph_in(x, width, text, BODY, false, Align::Left);
}

pub fn render_onboarding(seller: &Seller, sheets: &[OnboardingFacts]) -> Canvas {
    let mut c = Canvas::a4();
    c.margin = 14.0;
    c.y = c.margin;
    let settings = &seller.settings;
    for (i, sheet) in sheets.iter().enumerate() {
        if i > 0 {
            c.ensure(f32::INFINITY);
        }
        let texts = sheet.profile.texts();
        let common = &TEXTS.commun;
        let (x, w) = (c.left(), c.content_width());
        c.paragraph_in(x, w, "Fiche de prise en main", 11.0, false, Align::Left);
        let hello = match &sheet.first_name {
            Some(first) => format!("Bonjour {first}, voici {}", texts.titre),
            None => format!("Bonjour, voici {}", texts.titre),
        };
        c.paragraph_in(x, w, &hello, 20.0, true, Align::Left);
        let mut device = format!("{} {}", sheet.kind.label(), sheet.designation);
        if let Some(tag) = &sheet.tag {
            device.push_str(&format!(" · étiquette {tag}"));
        }
        if let Some(os) = &sheet.os {
            device.push_str(&format!(" · {os}"));
        }
        c.paragraph_in(x, w, &device, BODY, false, Align::Left);
        if !sheet.accessories.is_empty() {
            c.paragraph_in(
                x,
                w,
                &format!("Avec : {}.", sheet.accessories.join(", ")),
                BODY,
                false,
                Align::Left,
            );
        }
        c.space(1.0);
        c.hline(0.8);
        section(&mut c, "1. Allumer et première connexion", &texts.allumer, w);
        section(&mut c, "2. Se connecter au Wi-Fi", &texts.wifi, w);
        section(
            &mut c,
            "3. Les comptes à créer",
            &format!("{} {}", texts.comptes, common.comptes_rappel),
            w,
        );
        section(&mut c, "4. Sécurité : les bons réflexes", &texts.securite, w);
        let mut help = fill(&common.aide, settings);
        if let Some(email) = &settings.help_email {
            help.push_str(&format!(" Par e-mail : {email}."));
        }
        section(&mut c, "5. Besoin d'aide ?", &help, w);
        section(&mut c, "6. Garantie : s'il tombe en panne", &common.garantie, w);
        // Learning: the text beside the QR code of the URL.
        let qr = 26.0;
        let text_w = w - qr - 4.0;
        c.space(2.2);
        let top = c.y;
        c.paragraph_in(x, text_w, "7. Apprendre gratuitement", HEADING, true, Align::Left);
        c.space(0.6);
        c.paragraph_in(x, text_w, &fill(&common.apprendre, settings), BODY, false, Align::Left);
        let qr_top = top;
        c.qr(c.right() - qr, qr_top, qr, &settings.help_url);
        c.y = c.y.max(qr_top + qr);
        section(&mut c, "8. Fin de vie de l'appareil", &common.fin_de_vie, w);
    }
    c
}
