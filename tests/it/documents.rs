//! Documents on real sales (issue 5): every PDF read back with `pdftotext`, rendered with
//! `pdftoppm`, and checked for text past the margins, both in the core's layout and on the
//! rendered image.

use std::path::Path;
use std::process::Command;

use uuid::Uuid;

use comptoir::centre::{self, CentreInput, Paper};
use comptoir::device::DeviceKind;
use comptoir::documents::{self, Document};
use comptoir::money::Money;
use comptoir::pos::{self, DeviceRequest, ItemRequest, PaymentMethod, SalePayment, SaleRequest};
use comptoir::programme::{LegalCaps, Programme};
use comptoir::{beneficiary, delivery, demo, journal, Store};

use crate::TestDb;

const MARTINE: i64 = 1;
const LONG_FIRST: &str = "Marie-Bénédicte-Françoise-Éléonore";
const LONG_LAST: &str = "de La Tour d'Auvergne-Lefèvre-Saint-Exupéry-Châteaubriand";
const LONG_MODEL: &str = "ThinkPad X1 Carbon Gen 9 édition Entreprise avec écran tactile 14 pouces WQUXGA et clavier rétroéclairé français AZERTY";

const DELIVERY: &str = "tag;kind;category;brand;model;serial;imei;cpu;ram_gb;storage_kind;storage_gb;screen_inches;os;battery_serial;charger_serial;refurbisher;erasure_certificate
LC-DOC-0001;laptop;B;Lenovo;ThinkPad X1 Carbon Gen 9 édition Entreprise avec écran tactile 14 pouces WQUXGA et clavier rétroéclairé français AZERTY;PF-2R8XK9-ZZ-0001-LONGSERIAL-ABCDEFGHIJ;;Intel Core i5-1135G7;16;NVMe;512;14;Windows 11 Pro;BAT-L19M4PH1-0001;CHG-65W-USB-C-0001;Ateliers du Bocage;CE-DOC-0001
LC-DOC-0002;smartphone;A;Samsung;Galaxy A52s 5G;R58R123ABC;356938035643809;;6;flash;128;6,5;Android 14;;;Ateliers du Bocage;CE-DOC-0002
";

fn setup() -> (TestDb, Store, Vec<Programme>, LegalCaps) {
    let db = TestDb::new();
    let mut store = db.open();
    demo::load(&mut store, &comptoir::operators::Actor::test("test")).unwrap();
    let caps = LegalCaps::shipped();
    (db, store, vec![Programme::shipped_default(&caps)], caps)
}

fn full_settings() -> CentreInput {
    CentreInput {
        name: "Association intercommunale pour l'inclusion numérique et l'accompagnement social des familles du Val-de-Marne".into(),
        address: "Maison des solidarités — Espace numérique\n12 rue de la République\nBâtiment B, 2e étage, porte 204\nQuartier des Œillets\n94000 Créteil".into(),
        siret: "732 829 320 00074".into(),
        help_phone: "01 48 33 00 00".into(),
        help_email: "numerique@asso-inclusion-valdemarne.fr".into(),
        help_hours: "mardi 14 h–17 h, jeudi 9 h 30–12 h".into(),
        tax_status: "exoneree".into(),
        ..CentreInput::default()
    }
}

/// A sale with several lines (a laptop with a long model name and its battery and charger, a
/// smartphone with an IMEI, two SIM cards) to a person with a very long name, paid in two
/// parts (cash and the funder), with change.
fn big_sale(store: &mut Store, programmes: &[Programme], caps: &LegalCaps) -> String {
    delivery::import(
        store,
        DELIVERY.as_bytes(),
        "livraison-doc.csv",
        &comptoir::operators::Actor::test("test"),
    )
    .unwrap();
    crate::put_on_sale(store, &["LC-DOC-0001", "LC-DOC-0002"], "test");
    let mut person = beneficiary::get(store, MARTINE).unwrap().fields;
    person.first_name = LONG_FIRST.into();
    person.last_name = LONG_LAST.into();
    beneficiary::update(store, MARTINE, &person, &comptoir::operators::Actor::test("test")).unwrap();
    pos::open_session(store, &comptoir::operators::Actor::test("Amina"), Money::from_euros(50)).unwrap();
    let request = SaleRequest {
        reserved_override: None,
        records_override: None,
        uuid: Uuid::now_v7(),
        person_id: Some(MARTINE),
        programme: Some("defaut".into()),
        devices: vec![
            DeviceRequest {
                tag: "LC-DOC-0001".into(),
                price: Some(Money::from_euros(95)),
            },
            DeviceRequest {
                tag: "LC-DOC-0002".into(),
                price: Some(Money::from_euros(40)),
            },
        ],
        items: vec![ItemRequest {
            kind: DeviceKind::SimCard,
            quantity: 2,
            unit_price: Some(Money::from_euros(5)),
        }],
        payments: vec![
            SalePayment {
                method: PaymentMethod::Funder,
                amount: Money::from_euros(100),
                reference: Some("Convention CD94-2026".into()),
            },
            SalePayment {
                method: PaymentMethod::Cash,
                amount: Money::from_euros(50),
                reference: None,
            },
        ],
    };
    pos::create_sale(
        store,
        programmes,
        caps,
        &request,
        &comptoir::operators::Actor::test("Amina"),
    )
    .unwrap()
    .receipt
}

/// The text of a PDF, as pdftotext reads it (no layout: one run per line).
fn pdf_text(dir: &Path, doc: &Document) -> String {
    pdftotext(&doc.save_in(dir).unwrap())
}

/// The text of a PDF file (spaces normalised).
pub fn pdftotext(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    assert!(
        out.status.success(),
        "pdftotext: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // pdftotext gives the narrow no-break space of amounts as is; normalise all spaces.
    String::from_utf8(out.stdout)
        .unwrap()
        .replace(['\u{a0}', '\u{202f}'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Renders every page with pdftoppm (greyscale, 50 dpi) and checks that the bands of `side_mm`
/// along the four edges hold no ink. Returns the number of pages.
fn render_and_check_margins(dir: &Path, doc: &Document, side_mm: f32) -> usize {
    let path = doc.save_in(dir).unwrap();
    let prefix = dir.join(format!("render-{}", doc.file_name.trim_end_matches(".pdf")));
    let out = Command::new("pdftoppm")
        .args(["-r", "50", "-gray"])
        .arg(&path)
        .arg(&prefix)
        .output()
        .expect("pdftoppm (poppler-utils)");
    assert!(
        out.status.success(),
        "pdftoppm: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut pages = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if !name.starts_with(prefix.file_name().unwrap().to_str().unwrap()) || !name.ends_with(".pgm") {
            continue;
        }
        pages += 1;
        let (w, h, pixels) = read_pgm(&p);
        let px_per_mm = 50.0 / 25.4;
        let side = (side_mm * px_per_mm) as usize;
        for y in 0..h {
            for x in 0..w {
                let in_margin = x < side || x >= w - side || y < side || y >= h - side;
                if in_margin && pixels[y * w + x] < 200 {
                    panic!("{name}: ink in the margin at pixel ({x}, {y}) of {w}×{h}");
                }
            }
        }
    }
    pages
}

fn read_pgm(path: &Path) -> (usize, usize, Vec<u8>) {
    let bytes = std::fs::read(path).unwrap();
    // "P5\n<w> <h>\n255\n" then the bytes.
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..i]).to_string());
    }
    assert_eq!(fields[0], "P5");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (w, h, bytes[i + 1..].to_vec())
}

fn assert_contains_all(text: &str, expected: &[&str]) {
    for e in expected {
        assert!(text.contains(e), "missing « {e} » in:\n{text}");
    }
}

#[test]
fn the_receipt_carries_every_mandatory_mention_on_a4_and_on_the_roll() {
    let (db, mut store, programmes, caps) = setup();
    centre::save(
        &mut store,
        &full_settings(),
        &comptoir::operators::Actor::test("Sophie"),
    )
    .unwrap();
    let logo = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/icons/128x128.png")).unwrap();
    centre::set_logo(&mut store, &logo, &comptoir::operators::Actor::test("Sophie")).unwrap();
    let receipt = big_sale(&mut store, &programmes, &caps);
    let dir = db.dir.path().join("docs");

    for (paper, side) in [(Paper::A4, 10.0), (Paper::Roll80, 2.0)] {
        let doc = documents::receipt(
            &mut store,
            &receipt,
            Some(paper),
            &comptoir::operators::Actor::test("Amina"),
        )
        .unwrap();
        assert!(doc.violations.is_empty(), "{:?}", doc.violations);
        assert!(doc.missing.is_empty(), "{:?}", doc.missing);
        assert!(doc.pdf.len() < 300 * 1024, "{} bytes", doc.pdf.len());
        let text = pdf_text(&dir, &doc);
        assert_contains_all(
            &text,
            &[
                "TICKET DE VENTE",
                &format!("N° {receipt}"),
                "Association intercommunale pour l'inclusion numérique",
                "Quartier des Œillets",
                "94000 Créteil",
                "SIRET : 732 829 320 00074",
                "Médiateur : Amina",
                "Marie-Bénédicte-Françoise-Éléonore",
                "Ordinateur portable — Lenovo ThinkPad X1 Carbon",
                "clavier rétroéclairé français AZERTY",
                "LC-DOC-0001",
                "Batterie : BAT-L19M4PH1-0001",
                "Chargeur : CHG-65W-USB-C-0001",
                "IMEI : 356938035643809",
                "Carte SIM",
                "État : Occasion – reconditionné",
                "95,00 €",
                "40,00 €",
                "10,00 €",
                "145,00 €",
                "Prise en charge du financeur",
                "Convention CD94-2026",
                "100,00 €",
                "Espèces",
                "50,00 €",
                "Rendu en espèces",
                "5,00 €",
                "TVA non applicable, article 261-7-1° du CGI",
                "Garantie légale de conformité : 2 ans",
                "L217-3",
                "12 mois",
                "L217-7",
                "Je prends livraison de ce matériel et de ses accessoires ce jour.",
                "Signature de l'acheteur",
                "Signature du médiateur",
            ],
        );
        // Long words are broken across lines where they must, never cut.
        let joined = text.replace(' ', "");
        assert!(joined.contains("PF-2R8XK9-ZZ-0001-LONGSERIAL-ABCDEFGHIJ"), "{text}");
        assert!(
            joined.contains("DELATOURD'AUVERGNE-LEFÈVRE-SAINT-EXUPÉRY-CHÂTEAUBRIAND"),
            "{text}"
        );
        assert!(!text.contains("comme neuf"));
        let pages = render_and_check_margins(&dir, &doc, side);
        assert_eq!(pages, doc.pages);
    }
    // The first issue was the original; the roll was the first copy.
    let copy = documents::receipt(
        &mut store,
        &receipt,
        Some(Paper::A4),
        &comptoir::operators::Actor::test("Sophie"),
    )
    .unwrap();
    assert_eq!(copy.copy, 2);
    assert!(pdf_text(&dir, &copy).contains("COPIE n° 2"));
    let reprints: Vec<(String, String)> = store
        .sql()
        .prepare("SELECT operator, content FROM journal WHERE kind = 'document_copy' ORDER BY seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(reprints.len(), 2);
    assert_eq!(reprints[1].0, "Sophie");
    assert!(
        reprints[1].1.contains(&format!("\"reference\":\"{receipt}\"")),
        "{}",
        reprints[1].1
    );
    assert!(reprints[1].1.contains("\"copy\":2"));
    assert!(journal::verify(store.db()).unwrap().is_intact());
}

#[test]
fn the_onboarding_sheet_is_one_page_per_device_made_for_it() {
    let (db, mut store, programmes, caps) = setup();
    centre::save(
        &mut store,
        &full_settings(),
        &comptoir::operators::Actor::test("Sophie"),
    )
    .unwrap();
    let receipt = big_sale(&mut store, &programmes, &caps);
    let dir = db.dir.path().join("docs");
    let doc = documents::onboarding(&store, &receipt).unwrap();
    assert!(doc.violations.is_empty(), "{:?}", doc.violations);
    assert_eq!(doc.pages, 2, "a laptop and a smartphone: one page each");
    assert!(doc.pdf.len() < 300 * 1024);
    let text = pdf_text(&dir, &doc);
    assert_contains_all(
        &text,
        &[
            "Bonjour Marie-Bénédicte-Françoise-Éléonore, voici votre ordinateur sous Windows",
            "Bonjour Marie-Bénédicte-Françoise-Éléonore, voici votre téléphone Android",
            "étiquette LC-DOC-0001",
            "Windows 11 Pro",
            "2 × Carte SIM",
            "Allumer et première connexion",
            "Wi-Fi",
            "Les comptes à créer",
            "jamais sur cette fiche",
            "Sécurité",
            "mardi 14 h–17 h, jeudi 9 h 30–12 h",
            "01 48 33 00 00",
            "numerique@asso-inclusion-valdemarne.fr",
            "garanti 2 ans",
            "https://www.lesbonsclics.fr/",
            "Fin de vie",
            "recyclé",
        ],
    );
    // The last name is not on the family's sheet: the first name is enough.
    assert!(!text.contains("Saint-Exupéry"));
    assert_eq!(render_and_check_margins(&dir, &doc, 10.0), 2);
}

#[test]
fn every_onboarding_profile_fits_on_one_page_with_long_settings() {
    use comptoir::documents::{render_onboarding, OnboardingFacts, Profile, Seller};
    let settings = full_settings().parse().unwrap();
    let seller = Seller { settings, logo: None };
    for profile in Profile::ALL {
        let sheet = OnboardingFacts {
            first_name: Some(LONG_FIRST.into()),
            profile,
            kind: DeviceKind::Laptop,
            designation: format!("Lenovo {LONG_MODEL}"),
            tag: Some("LC-DOC-0001".into()),
            os: Some("Windows 11 Professionnel 64 bits".into()),
            accessories: vec![
                "son chargeur".into(),
                "2 × Carte SIM".into(),
                "Accessoire — Sacoche 15,6 pouces".into(),
            ],
        };
        let canvas = render_onboarding(&seller, &[sheet]);
        assert_eq!(canvas.page_count(), 1, "{profile:?} runs over one page");
        assert!(canvas.violations().is_empty(), "{profile:?}: {:?}", canvas.violations());
    }
}

#[test]
fn the_onboarding_profile_follows_the_kind_and_the_system() {
    use comptoir::documents::{profile_for, Profile};
    assert_eq!(
        profile_for(DeviceKind::Laptop, Some("Windows 10"), "Dell"),
        Some(Profile::ComputerWindows)
    );
    assert_eq!(
        profile_for(DeviceKind::Desktop, Some("Linux Mint 21"), "HP"),
        Some(Profile::ComputerLinux)
    );
    assert_eq!(
        profile_for(DeviceKind::Laptop, Some("Emmabuntüs"), "HP"),
        Some(Profile::ComputerLinux)
    );
    assert_eq!(profile_for(DeviceKind::Laptop, None, "HP"), Some(Profile::Computer));
    assert_eq!(
        profile_for(DeviceKind::Smartphone, Some("iOS 16"), "Apple"),
        Some(Profile::IPhone)
    );
    assert_eq!(
        profile_for(DeviceKind::Smartphone, None, "Apple"),
        Some(Profile::IPhone)
    );
    assert_eq!(
        profile_for(DeviceKind::Smartphone, Some("Android 13"), "Samsung"),
        Some(Profile::AndroidPhone)
    );
    assert_eq!(
        profile_for(DeviceKind::Tablet, Some("iPadOS 17"), "Apple"),
        Some(Profile::IPad)
    );
    assert_eq!(
        profile_for(DeviceKind::Tablet, None, "Lenovo"),
        Some(Profile::AndroidTablet)
    );
    assert_eq!(profile_for(DeviceKind::Screen, None, "Dell"), None);
}

#[test]
fn a_credit_note_names_the_receipt_it_cancels_and_the_z_report_reads_the_journal() {
    let (db, mut store, programmes, caps) = setup();
    centre::save(
        &mut store,
        &full_settings(),
        &comptoir::operators::Actor::test("Sophie"),
    )
    .unwrap();
    let receipt = big_sale(&mut store, &programmes, &caps);
    let dir = db.dir.path().join("docs");
    let note = pos::cancel_sale(
        &mut store,
        &receipt,
        Some(2),
        "Écran fêlé à la livraison",
        PaymentMethod::Cash,
        true,
        &comptoir::operators::Actor::test("Sophie"),
    )
    .unwrap();
    let doc = documents::credit_note(&mut store, &note.number, &comptoir::operators::Actor::test("Sophie")).unwrap();
    assert!(doc.violations.is_empty(), "{:?}", doc.violations);
    let text = pdf_text(&dir, &doc);
    assert_contains_all(
        &text,
        &[
            "AVOIR",
            &format!("N° {}", note.number),
            &format!("Annule le ticket n° {receipt}"),
            "(ligne 2)",
            "Écran fêlé à la livraison",
            "Galaxy A52s 5G",
            "-40,00 €",
            "Montant de l'avoir",
            "Remboursé par : Espèces",
            "SIRET : 732 829 320 00074",
        ],
    );
    assert!(!text.contains("ThinkPad"), "only the cancelled line is listed");
    render_and_check_margins(&dir, &doc, 10.0);
    // The receipt reprinted now shows the cancelled line.
    let again = documents::receipt(
        &mut store,
        &receipt,
        Some(Paper::A4),
        &comptoir::operators::Actor::test("Sophie"),
    )
    .unwrap();
    assert!(pdf_text(&dir, &again).contains(&format!("Ligne annulée par l'avoir {}", note.number)));

    // X report while open, Z report once closed, then a reprint of the Z.
    let session = pos::current_session(&store).unwrap().unwrap();
    let x = documents::closing(
        &mut store,
        &session.id.to_string(),
        &comptoir::operators::Actor::test("Sophie"),
    )
    .unwrap();
    assert_eq!(x.copy, 0);
    assert!(pdf_text(&dir, &x).contains("RAPPORT X"));
    let counted = [
        (PaymentMethod::Cash, Money::from_euros(50 + 45 - 40)),
        (PaymentMethod::Funder, Money::from_euros(100)),
    ]
    .into_iter()
    .collect();
    pos::close_session(&mut store, &comptoir::operators::Actor::test("Sophie"), counted, "").unwrap();
    let z = documents::closing(
        &mut store,
        &session.id.to_string(),
        &comptoir::operators::Actor::test("Sophie"),
    )
    .unwrap();
    assert!(z.violations.is_empty(), "{:?}", z.violations);
    let text = pdf_text(&dir, &z);
    assert_contains_all(
        &text,
        &[
            "RAPPORT Z",
            &format!("Permanence n° {}", session.id),
            "Fond de caisse : 50,00 €",
            "Ventes : 1 pour un total de 145,00 €",
            "Avoirs : 1",
            "Espèces",
            "55,00 €",
            "Prise en charge du financeur",
            "100,00 €",
        ],
    );
    // The journal's anchor on paper: the Z's own entry, its hash (short form), a QR code.
    let (seq, hash): (i64, String) = store
        .sql()
        .query_row(
            "SELECT j.seq, j.hash FROM cash_sessions s JOIN journal j ON j.seq = s.close_seq WHERE s.id = ?1",
            [session.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(
        text.contains(&format!(
            "Journal de la caisse R1 : entrée n° {seq}, empreinte {}",
            &hash[..12]
        )),
        "{text}"
    );
    render_and_check_margins(&dir, &z, 10.0);
    let copy = documents::closing(
        &mut store,
        &session.id.to_string(),
        &comptoir::operators::Actor::test("Sophie"),
    )
    .unwrap();
    assert_eq!(copy.copy, 1);
    assert!(pdf_text(&dir, &copy).contains("COPIE n° 1"));

    // A day's closing.
    let today = comptoir::local::today();
    pos::close_period(
        &mut store,
        pos::Period::Day,
        today,
        today + chrono::Duration::days(1),
        &comptoir::operators::Actor::test("Sophie"),
    )
    .unwrap();
    let day = documents::closing(
        &mut store,
        &format!("day:{today}"),
        &comptoir::operators::Actor::test("Sophie"),
    )
    .unwrap();
    let text = pdf_text(&dir, &day);
    assert_contains_all(
        &text,
        &[
            "CLÔTURE — JOURNÉE",
            "Grand total perpétuel",
            "Net de la période",
            "Journal de la caisse R1 : entrée n°",
        ],
    );
    render_and_check_margins(&dir, &day, 10.0);
    assert!(journal::verify(store.db()).unwrap().is_intact());
}

#[test]
fn a_receipt_is_issued_whole_or_waits_and_prints_once_the_settings_are_saved() {
    let (db, mut store, programmes, caps) = setup();
    // A centre with a name and nothing else: the sale is made, its receipt waits.
    if pos::current_session(&store).unwrap().is_some() {
        pos::close_session(
            &mut store,
            &comptoir::operators::Actor::test("Amina"),
            Default::default(),
            "fin",
        )
        .unwrap();
    }
    let name_only = CentreInput {
        name: "Centre social des Lilas".into(),
        ..CentreInput::default()
    };
    centre::save(&mut store, &name_only, &comptoir::operators::Actor::test("test")).unwrap();
    let receipt = big_sale(&mut store, &programmes, &caps);
    let err = documents::receipt(&mut store, &receipt, None, &comptoir::operators::Actor::test("Amina")).unwrap_err();
    assert_eq!(err.code(), "not_configured", "{err}");
    let told = err.to_string();
    for what in [
        "l'adresse de l'association",
        "le SIRET de l'association",
        "le régime de TVA de la structure",
        "Réglages",
    ] {
        assert!(told.contains(what), "{what}: {told}");
    }
    // After the sale, the sheet still comes; the receipt is said to wait.
    let after = documents::after_sale(&mut store, &receipt, &comptoir::operators::Actor::test("Amina")).unwrap();
    assert_eq!(after.documents.len(), 1);
    assert_eq!(after.documents[0].kind, documents::DocumentKind::Onboarding);
    assert!(after.waiting.is_some_and(|w| w.contains(&receipt)));
    let view = comptoir::desk::centre::view(&store).unwrap();
    assert!(view.waiting.contains(&receipt), "{:?}", view.waiting);
    assert!(view.issued.is_empty());
    // The command line's note after the sale: this receipt waits (looked up, not listed).
    let note = documents::waiting_note(&store, &receipt).unwrap();
    assert!(note.is_some_and(|n| n.contains(&receipt) && n.contains("SIRET")));
    assert_eq!(documents::waiting_note(&store, "C01-R1-2026-999999").unwrap(), None);

    // Saved whole: the original is issued then (with what it lacked), printed, no longer waits.
    let view =
        comptoir::desk::centre::save_form(&mut store, &full_settings(), &comptoir::operators::Actor::test("test"))
            .unwrap();
    assert!(view.waiting.is_empty(), "{:?}", view.waiting);
    let issued: Vec<_> = view.issued.iter().filter(|m| m.document.reference == receipt).collect();
    assert_eq!(
        issued.len(),
        1,
        "{:?}",
        view.issued.iter().map(|m| &m.document.reference).collect::<Vec<_>>()
    );
    assert_eq!(issued[0].document.copy, 0, "the original");
    let text = pdftotext(Path::new(&issued[0].path));
    assert!(
        text.contains("732 829 320 00074") && text.contains("article 261-7-1° du CGI"),
        "{text}"
    );
    assert!(!text.contains("À compléter") && !text.contains("COPIE"), "{text}");
    // Afterwards, every reprint is a numbered copy.
    let copy = documents::receipt(&mut store, &receipt, None, &comptoir::operators::Actor::test("Amina")).unwrap();
    assert_eq!(copy.copy, 1);
    let _ = db;

    // Unknown references are refused in French.
    let err = documents::receipt(
        &mut store,
        "C01-R1-2026-999999",
        None,
        &comptoir::operators::Actor::test("Amina"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("Aucune vente ne porte le numéro"), "{err}");
    let err = documents::credit_note(&mut store, "AV-404", &comptoir::operators::Actor::test("Amina")).unwrap_err();
    assert!(err.to_string().contains("Aucun avoir"), "{err}");
    let err = documents::closing(&mut store, "999", &comptoir::operators::Actor::test("Amina")).unwrap_err();
    assert!(err.to_string().contains("Aucune permanence"), "{err}");
    let err = documents::closing(&mut store, "day:2001-01-01", &comptoir::operators::Actor::test("Amina")).unwrap_err();
    assert!(err.to_string().contains("Aucune clôture"), "{err}");
    // A refused lookup issued nothing: the original and its copy only.
    let issued: i64 = store
        .sql()
        .query_row("SELECT count(*) FROM document_issues", [], |r| r.get(0))
        .unwrap();
    assert_eq!(issued, 2);
}

#[test]
fn settings_are_checked_before_they_are_saved() {
    let (_db, mut store, _, _) = setup();
    centre::save(
        &mut store,
        &full_settings(),
        &comptoir::operators::Actor::test("Sophie"),
    )
    .unwrap();
    let bad = CentreInput {
        siret: "732 829 320 00075".into(),
        ..full_settings()
    };
    let err = centre::save(&mut store, &bad, &comptoir::operators::Actor::test("Sophie")).unwrap_err();
    assert!(err.to_string().contains("clé de contrôle"), "{err}");
    assert_eq!(centre::load(&store).unwrap().siret.unwrap().as_str(), "73282932000074");
    let err = centre::set_logo(
        &mut store,
        b"GIF89a not a logo",
        &comptoir::operators::Actor::test("Sophie"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("PNG ou JPEG"), "{err}");
    let err = centre::set_logo(
        &mut store,
        b"\x89PNG\r\n\x1a\ntruncated",
        &comptoir::operators::Actor::test("Sophie"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("Image illisible"), "{err}");
    assert!(!centre::load(&store).unwrap().has_logo);
}

#[test]
fn a_document_file_is_written_whole_or_not_at_all() {
    let (db, mut store, _, _) = setup();
    let receipt = pos::list_sales(&store, 1).unwrap()[0].receipt.clone();
    let doc = documents::receipt(&mut store, &receipt, None, &comptoir::operators::Actor::test("Amina")).unwrap();
    // A folder that cannot be created: a file is in the way.
    let blocker = db.file("documents", b"not a folder");
    let err = doc.save_in(&blocker.join("sub")).unwrap_err();
    assert_eq!(err.code(), "io");
    let path = doc.save_in(&db.dir.path().join("docs")).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), doc.pdf);
    assert!(std::fs::read(&path).unwrap().starts_with(b"%PDF-"));
    // « Enregistrer sous… » copies it whole; a missing document is named.
    let copy = db.dir.path().join("copie-sur-cle.pdf");
    comptoir::printing::save_as(&path, &copy).unwrap();
    assert_eq!(std::fs::read(&copy).unwrap(), doc.pdf);
    let err = comptoir::printing::print(&db.dir.path().join("absent.pdf"), None, "x").unwrap_err();
    assert!(err.to_string().contains("n'existe plus"), "{err}");
}

#[test]
fn after_a_sale_the_receipt_and_the_sheet_come_together_and_paths_stay_in_the_folder() {
    let (db, mut store, programmes, caps) = setup();
    let receipt = big_sale(&mut store, &programmes, &caps);
    let made = documents::after_sale(&mut store, &receipt, &comptoir::operators::Actor::test("Amina"))
        .unwrap()
        .documents;
    let kinds: Vec<_> = made.iter().map(|d| d.kind).collect();
    assert_eq!(
        kinds,
        [documents::DocumentKind::Receipt, documents::DocumentKind::Onboarding]
    );
    assert_eq!(made[0].copy, 0);
    // A sale of SIM cards only: the receipt alone.
    let sims = pos::list_sales(&store, 100)
        .unwrap()
        .into_iter()
        .find(|s| s.total == Money::from_euros(5))
        .unwrap();
    assert_eq!(
        documents::after_sale(&mut store, &sims.receipt, &comptoir::operators::Actor::test("Amina"))
            .unwrap()
            .documents
            .len(),
        1
    );

    let folder = db.dir.path().join("documents");
    assert_eq!(
        documents::path_in(&folder, "ticket-C01-R1-2026-000001.pdf").unwrap(),
        folder.join("ticket-C01-R1-2026-000001.pdf")
    );
    for bad in [
        "../comptoir.sqlite",
        "/etc/passwd",
        "..\\x.pdf",
        ".hidden.pdf",
        "notes.txt",
        "",
    ] {
        assert!(documents::path_in(&folder, bad).is_err(), "{bad}");
    }
}
