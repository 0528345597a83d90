//! The network's reports and the coordinators' acts (issue 18), against the real hub binary
//! over HTTP and centres' real databases: three centres sell (the demo's sales, loans and
//! after-sales, plus their own), sync, and the network report over all of them, over a
//! département, or over a chosen centre, has every count and amount equal to the sum of those
//! centres' own reports before masking; its CSV is the one the centres' code writes from that
//! sum; a financeur opens only its programmes. Every coordinator act refuses bad input in
//! French, changes nothing, and is logged.

use std::process::Command;

use chrono::{Duration, Local};
use comptoir::centre::{self, CentreInput};
use comptoir::device::{AssetTag, DeviceKind, StockAction};
use comptoir::money::Money;
use comptoir::operators::Actor;
use comptoir::pos::{self, ItemRequest, PaymentMethod, SaleRequest};
use comptoir::programme::{LegalCaps, Programme};
use comptoir::reports::{self, Counts, Report};
use comptoir::{demo, stock, sync};
use comptoir_hub::db::reports::{self as network, Scope};
use reqwest::StatusCode;

mod support;
use support::console::*;
use support::*;

/// A centre with its own identity (its address gives the département the hub places it in),
/// the demo's people, stock, sales, loans and after-sales, synced.
fn centre(
    world: &World,
    id: &str,
    address: &str,
    amina: &Actor,
) -> (std::sync::Mutex<comptoir::Store>, comptoir::sync::Client) {
    let (store, client) = world.centre(id);
    {
        let mut s = store.lock().unwrap();
        let mut input = CentreInput::from(&centre::load(&s).unwrap());
        input.name = format!("Centre social {id}");
        input.address = address.into();
        input.siret = "732 829 320 00074".into();
        input.tax_status = comptoir::tax::TaxStatus::Exempt.code().into();
        centre::save(&mut s, &input, amina).unwrap();
        demo::load(&mut s, amina).unwrap();
    }
    sync::round(&store, &client).unwrap();
    (store, client)
}

/// Sells `tags` (allocated by the hub, received and put on sale here) to `buyers`, each with a
/// SIM card, paid by `method`.
fn sell(
    store: &std::sync::Mutex<comptoir::Store>,
    tags: &[&str],
    buyers: &[i64],
    method: PaymentMethod,
    amina: &Actor,
) -> Vec<String> {
    let caps = LegalCaps::shipped();
    let programmes = [Programme::shipped_default(&caps)];
    let mut s = store.lock().unwrap();
    if pos::current_session(&s).unwrap().is_none() {
        pos::open_session(&mut s, amina, Money::ZERO).unwrap();
    }
    let mut receipts = Vec::new();
    for (tag, buyer) in tags.iter().zip(buyers) {
        let t = AssetTag::parse(tag).unwrap();
        stock::change_state(&mut s, &t, StockAction::Receive, amina, "").unwrap();
        stock::change_state(&mut s, &t, StockAction::MakeAvailable, amina, "").unwrap();
        let mut request = SaleRequest::one_device_in_cash(*buyer, "defaut", tag, 90);
        request.items.push(ItemRequest {
            kind: DeviceKind::SimCard,
            quantity: 1,
            unit_price: Some(Money::from_euros(5)),
        });
        request.payments[0].method = method;
        request.payments[0].amount = Money::from_euros(95);
        receipts.push(
            pos::create_sale(&mut s, &programmes, &caps, &request, amina)
                .unwrap()
                .receipt,
        );
    }
    receipts
}

fn sum(parts: &[&Counts]) -> Counts {
    let mut total = Counts::default();
    for p in parts {
        total.add(p);
    }
    total
}

#[test]
fn the_network_report_is_the_sum_of_its_centres_reports_and_a_financeur_sees_only_its_programmes() {
    let world = World::new();
    let amina = Actor::test("Amina");
    let (c1, k1) = centre(&world, "C01", "2 rue de la République\n93200 Saint-Denis", &amina);
    let (c2, k2) = centre(&world, "C02", "5 place Jean-Jaurès\n93100 Montreuil", &amina);
    let (c3, k3) = centre(&world, "C03", "10 rue Oberkampf\n75011 Paris", &amina);
    world.hub.admin(&["publish", "../assets/programmes/defaut.toml"]);
    world
        .hub
        .admin(&["import", world.file("inv.csv", &inventory("NET", 6)).to_str().unwrap()]);
    world
        .hub
        .admin(&["allocate", "C02", "--tags", "NET-00000,NET-00001,NET-00002"]);
    world.hub.admin(&["allocate", "C03", "--tags", "NET-00003,NET-00004"]);
    for (s, k) in [(&c2, &k2), (&c3, &k3)] {
        sync::round(s, k).unwrap();
    }
    // C02 sells three more laptops; C03 two, one of them cancelled by a credit note.
    sell(
        &c2,
        &["NET-00000", "NET-00001", "NET-00002"],
        &[1, 8, 9],
        PaymentMethod::Card,
        &amina,
    );
    let receipts = sell(&c3, &["NET-00003", "NET-00004"], &[1, 8], PaymentMethod::Cash, &amina);
    pos::cancel_sale(
        &mut c3.lock().unwrap(),
        &receipts[1],
        None,
        "Erreur de caisse",
        PaymentMethod::Cash,
        false,
        &amina,
    )
    .unwrap();
    for (s, k) in [(&c1, &k1), (&c2, &k2), (&c3, &k3)] {
        sync::round(s, k).unwrap();
    }

    let caps = LegalCaps::shipped();
    let programme = Programme::shipped_default(&caps);
    let today = Local::now().date_naive();
    let (from, to) = (programme.start, today + Duration::days(1));
    let own =
        |s: &std::sync::Mutex<comptoir::Store>| reports::counts(&s.lock().unwrap(), &programme, from, to).unwrap();
    let (n1, n2, n3) = (own(&c1), own(&c2), own(&c3));
    // The centres differ, and every part of the report has something to add up.
    assert_ne!(n1, n2);
    assert_ne!(n2, n3);
    let all = sum(&[&n1, &n2, &n3]);
    assert!(all.sales >= 8 && all.people >= 6 && all.credit_notes >= 1, "{all:?}");
    assert!(
        !all.by_public.is_empty() && !all.items.is_empty() && !all.loans.is_empty(),
        "{all:?}"
    );
    assert!(all.takings.len() >= 2, "{all:?}");

    let hub = comptoir_hub::db::open(&world.hub.db).unwrap();
    let counts = |scope: Scope| {
        let centres = network::scope_centres(&hub, &scope).unwrap();
        (
            centres.clone(),
            network::counts(&hub, "defaut", &from.to_string(), &to.to_string(), &centres).unwrap(),
        )
    };
    let (centres, network_all) = counts(Scope::All);
    assert_eq!(centres, ["C01", "C02", "C03"]);
    assert_eq!(network_all, all);
    let (centres, in_93) = counts(Scope::Departement("93".into()));
    assert_eq!(centres, ["C01", "C02"]);
    assert_eq!(in_93, sum(&[&n1, &n2]));
    // The progress the hub keeps as sales and credit notes arrive (the dashboard's) is what
    // the report counts over every date.
    let progress = comptoir_hub::db::progress::progress(&hub, "defaut").unwrap();
    assert_eq!(
        (&progress.devices, &progress.items, progress.people, &progress.by_public),
        (
            &network_all.devices,
            &network_all.items,
            network_all.people,
            &network_all.by_public
        )
    );
    let (_, chosen) = counts(Scope::Centres(vec!["c03".into()]));
    assert_eq!(chosen, n3);
    assert!(network::scope_centres(&hub, &Scope::Departement("13".into())).is_err());
    assert!(network::scope_centres(&hub, &Scope::Centres(vec!["C99".into()])).is_err());

    // Over HTTP: a coordinator, a financeur of this programme, a financeur of another.
    user(
        &world,
        &["add", "claire", "--name", "Claire", "--role", "coordinateur"],
        "un mot de passe long",
    );
    user(
        &world,
        &[
            "add",
            "caf93",
            "--name",
            "CAF 93",
            "--role",
            "financeur",
            "--programme",
            "defaut",
        ],
        "le mot de passe de la CAF",
    );
    user(
        &world,
        &[
            "add",
            "cd92",
            "--name",
            "CD 92",
            "--role",
            "financeur",
            "--programme",
            "cd92-2026",
        ],
        "le mot de passe du financeur",
    );
    let url = world.hub.url.clone();
    let claire = log_in(&url, "claire", "un mot de passe long").unwrap();
    let query = format!("programme=defaut&du={from}&au={to}&portee=departement&departement=93&centres=");
    let page = get(&url, &format!("/console/rapports?{query}"), &claire);
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().unwrap();
    assert!(page.contains("les centres du département 93 (C01, C02)"), "{page}");
    let expected = Report::from_counts(&programme, from, to, &in_93);
    assert!(
        page.contains(&format!("id=\"personnes\">{}<", expected.people.text())),
        "{page}"
    );
    let csv = get(&url, &format!("/console/rapports/bilan.csv?{query}"), &claire);
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("bilan-reseau-defaut"));
    assert_eq!(csv.bytes().unwrap().to_vec(), reports::to_csv(&expected));
    let pdf = get(&url, &format!("/console/rapports/bilan.pdf?{query}"), &claire);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let path = world.dir.path().join("bilan-reseau.pdf");
    std::fs::write(&path, pdf.bytes().unwrap()).unwrap();
    let text = Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    for needle in [
        "BILAN POUR LE FINANCEUR",
        "Équipement solidaire",
        "département 93",
        "Personnes équipées par public",
        "Encaissements par moyen de paiement",
    ] {
        assert!(text.contains(needle), "{needle} missing in:\n{text}");
    }
    // A bad period or scope: said in French, nothing else.
    let bad = get(
        &url,
        &format!("/console/rapports?programme=defaut&du={to}&au={from}&portee=tous"),
        &claire,
    );
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(bad
        .text()
        .unwrap()
        .contains("La fin de la période est avant son début."));
    let bad = get(
        &url,
        &format!("/console/rapports?programme=defaut&du={from}&au={to}&portee=departement&departement=13"),
        &claire,
    );
    assert!(bad
        .text()
        .unwrap()
        .contains("Aucun centre n'a déclaré le département « 13 »."));

    // The dashboard: progress as SVG charts, the stock on hand for a coordinator.
    let dashboard = get(&url, "/console/tableau", &claire).text().unwrap();
    assert!(
        dashboard.contains("<svg") && dashboard.contains("id=\"p-defaut\""),
        "{dashboard}"
    );
    assert!(dashboard.contains("Stock disponible"), "{dashboard}");

    // The programme's financeur sees it, all centres (the same figures as the sum of three).
    let caf = log_in(&url, "caf93", "le mot de passe de la CAF").unwrap();
    let all_query = format!("programme=defaut&du={from}&au={to}&portee=tous");
    let csv = get(&url, &format!("/console/rapports/bilan.csv?{all_query}"), &caf);
    assert_eq!(csv.status(), StatusCode::OK);
    assert_eq!(
        csv.bytes().unwrap().to_vec(),
        reports::to_csv(&Report::from_counts(&programme, from, to, &all))
    );
    let own_dashboard = get(&url, "/console", &caf).text().unwrap();
    assert!(own_dashboard.contains("id=\"p-defaut\"") && !own_dashboard.contains("Stock disponible"));
    // Another programme's financeur: refused (403, logged), never the figures.
    let cd92 = log_in(&url, "cd92", "le mot de passe du financeur").unwrap();
    for path in [
        format!("/console/rapports?{all_query}"),
        format!("/console/rapports/bilan.csv?{all_query}"),
        format!("/console/rapports/bilan.pdf?{all_query}"),
    ] {
        let refused = get(&url, &path, &cd92);
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{path}");
        let text = refused.text().unwrap();
        assert!(
            text.contains("Votre compte ne permet pas d'ouvrir") && !text.contains("Encaissements"),
            "{text}"
        );
    }
    let theirs = get(&url, "/console", &cd92).text().unwrap();
    assert!(!theirs.contains("id=\"p-defaut\""), "{theirs}");
    let report_form = get(&url, "/console/rapports", &cd92).text().unwrap();
    assert!(!report_form.contains("value=\"defaut\""), "{report_form}");
    let journal = get(&url, "/console/journal", &claire).text().unwrap();
    assert!(journal.contains("les chiffres du programme « defaut »"), "{journal}");
    assert!(journal.contains("bilan du réseau"), "{journal}");
}

#[test]
fn coordinators_acts_refuse_bad_input_change_nothing_and_are_logged() {
    let world = World::new();
    let url = world.hub.url.clone();
    let (store, centre_client) = world.centre("C01");
    world.hub.admin(&["centre", "create", "C02", "--name", "Centre C02"]);
    user(
        &world,
        &["add", "claire", "--name", "Claire", "--role", "coordinateur"],
        "un mot de passe long",
    );
    user(
        &world,
        &["add", "paul", "--name", "Paul", "--role", "coordinateur"],
        "un autre mot de passe",
    );
    let claire = log_in(&url, "claire", "un mot de passe long").unwrap();
    let page = get(&url, "/console/attributions", &claire).text().unwrap();
    let csrf = csrf_of(&page);
    let devices = |sql: &str| hub_count(&world.hub.db, sql);

    // A delivery file with a bad line: nothing imported, the line and column named.
    let mut bad = inventory("NET", 4);
    bad.push_str("NET-00009;laptop;Z;Lenovo;T480;SN9;Windows;Envie;NIST;2026-01-10;CE-9;2026-01-11;RT-9\n");
    let refused = upload(
        &url,
        "/console/livraison",
        &claire,
        &csrf,
        "livraison.csv",
        bad.into_bytes(),
    );
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let text = refused.text().unwrap();
    assert!(
        text.contains("ligne 6") && text.contains("Rien n'a été modifié"),
        "{text}"
    );
    assert_eq!(devices("SELECT count(*) FROM devices"), 0);
    // Without its token: refused, nothing imported.
    let forged = upload(
        &url,
        "/console/livraison",
        &claire,
        "x",
        "livraison.csv",
        inventory("NET", 6).into_bytes(),
    );
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(devices("SELECT count(*) FROM devices"), 0);
    let imported = upload(
        &url,
        "/console/livraison",
        &claire,
        &csrf,
        "livraison.csv",
        inventory("NET", 6).into_bytes(),
    );
    assert_eq!(imported.status(), StatusCode::OK);
    assert!(imported
        .text()
        .unwrap()
        .contains("6 appareil(s) ajouté(s) au stock du réseau"));

    // Allocate « 3 laptops of category B » to C01; then a device already allocated, refused.
    let allocated = post(
        &url,
        "/console/attribuer",
        &claire,
        &[
            ("csrf", &csrf),
            ("centre", "C01"),
            ("tags", ""),
            ("count", "3"),
            ("kind", "laptop"),
            ("category", "B"),
        ],
    );
    assert_eq!(allocated.status(), StatusCode::OK);
    assert!(allocated
        .text()
        .unwrap()
        .contains("3 appareil(s) attribué(s) au centre C01"));
    let again = post(
        &url,
        "/console/attribuer",
        &claire,
        &[
            ("csrf", &csrf),
            ("centre", "C02"),
            ("tags", "NET-00005\nNET-00000"),
            ("count", ""),
        ],
    );
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    assert!(again
        .text()
        .unwrap()
        .contains("NET-00000 n'est pas au stock du réseau (attribué, pas encore reçu, centre C01)"));
    assert_eq!(devices("SELECT count(*) FROM devices WHERE centre_id = 'C02'"), 0);
    let too_many = post(
        &url,
        "/console/attribuer",
        &claire,
        &[("csrf", &csrf), ("centre", "C02"), ("count", "9"), ("kind", "laptop")],
    );
    assert!(too_many
        .text()
        .unwrap()
        .contains("Seulement 3 appareil(s) laptop en stock au réseau pour 9 demandé(s)."));
    // The centre receives them at its sync, and one is sold.
    sync::round(&store, &centre_client).unwrap();
    assert_eq!(count(&store, "SELECT count(*) FROM devices WHERE tag LIKE 'NET-%'"), 3);
    let amina = Actor::test("Amina");
    demo::load(&mut store.lock().unwrap(), &amina).unwrap();
    sell(&store, &["NET-00000"], &[1], PaymentMethod::Cash, &amina);
    sync::round(&store, &centre_client).unwrap();

    // A sold device cannot be allocated again.
    let sold = post(
        &url,
        "/console/attribuer",
        &claire,
        &[("csrf", &csrf), ("centre", "C02"), ("tags", "NET-00000")],
    );
    assert_eq!(sold.status(), StatusCode::BAD_REQUEST);
    assert!(sold
        .text()
        .unwrap()
        .contains("NET-00000 n'est pas au stock du réseau (Vendu, centre C01)"));
    // Move: a sold device cannot, and nothing moves; an unsold one goes to C02.
    let moved = post(
        &url,
        "/console/deplacer",
        &claire,
        &[("csrf", &csrf), ("centre", "C02"), ("tags", "NET-00000 NET-00001")],
    );
    assert_eq!(moved.status(), StatusCode::BAD_REQUEST);
    assert!(moved
        .text()
        .unwrap()
        .contains("NET-00000 ne peut pas quitter le centre C01 (état : Vendu)"));
    assert_eq!(devices("SELECT count(*) FROM devices WHERE centre_id = 'C02'"), 0);
    let moved = post(
        &url,
        "/console/deplacer",
        &claire,
        &[("csrf", &csrf), ("centre", "C02"), ("tags", "NET-00001")],
    );
    assert_eq!(moved.status(), StatusCode::OK, "{}", moved.text().unwrap());
    sync::round(&store, &centre_client).unwrap();
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM devices WHERE tag = 'NET-00001' AND state = 'returned'"
        ),
        1
    );
    // The centre it left sends it back: accepted, and it stays C02's.
    sync::round(&store, &centre_client).unwrap();
    assert_eq!(count(&store, "SELECT count(*) FROM outbox WHERE ack = 'refused'"), 0);
    assert_eq!(
        devices("SELECT count(*) FROM devices WHERE tag = 'NET-00001' AND centre_id = 'C02' AND state = 'allocated'"),
        1
    );

    // Recall a whole model: the sold one stays with its family, the others are recalled.
    let recalled = post(
        &url,
        "/console/rappeler",
        &claire,
        &[
            ("csrf", &csrf),
            ("tags", ""),
            ("brand", "lenovo"),
            ("model", "thinkpad t480"),
        ],
    );
    assert_eq!(recalled.status(), StatusCode::OK);
    let text = recalled.text().unwrap();
    assert!(text.contains("3 retiré(s) du stock du réseau"), "{text}");
    assert!(text.contains("NET-00001 : rappelé du centre C02"), "{text}");
    assert!(text.contains("NET-00000 : laissé (Vendu)"), "{text}");
    sync::round(&store, &centre_client).unwrap();
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM devices WHERE tag = 'NET-00002' AND state = 'returned'"
        ),
        1
    );
    let unknown = post(
        &url,
        "/console/rappeler",
        &claire,
        &[("csrf", &csrf), ("brand", "Acme"), ("model", "X")],
    );
    assert!(unknown.text().unwrap().contains("Aucun appareil Acme X au réseau"));

    // A programme above the legal caps: refused, published nowhere; the shipped one passes.
    let shipped = std::fs::read_to_string("../assets/programmes/defaut.toml").unwrap();
    let above = shipped.replace("max = \"120,00\"", "max = \"250,00\"");
    assert_ne!(above, shipped);
    let refused = upload(
        &url,
        "/console/programmes",
        &claire,
        &csrf,
        "defaut.toml",
        above.into_bytes(),
    );
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(refused.text().unwrap().contains("180,00"));
    assert_eq!(devices("SELECT count(*) FROM programmes"), 0);
    let published = upload(
        &url,
        "/console/programmes",
        &claire,
        &csrf,
        "defaut.toml",
        shipped.into_bytes(),
    );
    assert!(published.text().unwrap().contains("publié à 2 centre(s)"));

    // A centre created: its token shown once, working; a new token ends the old; revoked.
    let created = post(
        &url,
        "/console/centres/nouveau",
        &claire,
        &[("csrf", &csrf), ("centre", "c09"), ("name", "Centre C09")],
    );
    let text = created.text().unwrap();
    let token = text
        .split("id=\"jeton\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    let api = |token: &str| {
        client()
            .get(format!("{url}/v2/centres/C09/changes"))
            .bearer_auth(token)
            .send()
            .unwrap()
            .status()
    };
    assert_eq!(api(&token), StatusCode::OK);
    assert!(!get(&url, "/console/centres", &claire).text().unwrap().contains(&token));
    let rotated = post(
        &url,
        "/console/centres/jeton",
        &claire,
        &[("csrf", &csrf), ("centre", "C09")],
    )
    .text()
    .unwrap();
    let new_token = rotated
        .split("id=\"jeton\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(api(&token), StatusCode::UNAUTHORIZED);
    assert_eq!(api(&new_token), StatusCode::OK);
    post(
        &url,
        "/console/centres/revoquer",
        &claire,
        &[("csrf", &csrf), ("centre", "C09")],
    );
    assert_eq!(api(&new_token), StatusCode::UNAUTHORIZED);
    let duplicate = post(
        &url,
        "/console/centres/nouveau",
        &claire,
        &[("csrf", &csrf), ("centre", "C09"), ("name", "Encore")],
    );
    assert!(duplicate.text().unwrap().contains("Le centre C09 existe déjà"));

    // Another account's password reset (its sessions closed); one's own, refused.
    let paul = log_in(&url, "paul", "un autre mot de passe").unwrap();
    let reset = post(
        &url,
        "/console/comptes/mot-de-passe",
        &claire,
        &[
            ("csrf", &csrf),
            ("login", "paul"),
            ("password", "le nouveau mot de passe"),
        ],
    );
    assert_eq!(reset.status(), StatusCode::OK);
    assert_eq!(get(&url, "/console/stock", &paul).status(), StatusCode::SEE_OTHER);
    assert!(log_in(&url, "paul", "le nouveau mot de passe").is_ok());
    let own = post(
        &url,
        "/console/comptes/mot-de-passe",
        &claire,
        &[
            ("csrf", &csrf),
            ("login", "claire"),
            ("password", "un mot de passe encore"),
        ],
    );
    assert_eq!(own.status(), StatusCode::BAD_REQUEST);
    let short = post(
        &url,
        "/console/comptes/mot-de-passe",
        &claire,
        &[("csrf", &csrf), ("login", "paul"), ("password", "court")],
    );
    assert!(short.text().unwrap().contains("12 caractères au moins"));

    // The audit log: every act and every refusal, never a token or a password.
    let journal = get(&url, "/console/journal", &claire).text().unwrap();
    for needle in [
        "import de livraison",
        "attribution",
        "déplacement",
        "rappel",
        "publication de programme",
        "création de centre",
        "nouveau jeton",
        "révocation de jeton",
        "réinitialisation de mot de passe",
        "jeton du formulaire absent ou faux",
        "plafond",
    ] {
        assert!(journal.contains(needle), "{needle} missing in the audit log");
    }
    assert!(!journal.contains(&token) && !journal.contains(&new_token) && !journal.contains("le nouveau mot de passe"));

    // The centres' health: the post's version and the events it had waiting.
    let centres = get(&url, "/console/centres", &claire).text().unwrap();
    assert!(centres.contains(env!("CARGO_PKG_VERSION")), "{centres}");
}

/// What the console does to the stock and its report, the command line does too.
#[test]
fn the_command_line_moves_recalls_a_model_and_writes_the_network_report() {
    let world = World::new();
    for id in ["C01", "C02"] {
        world.hub.admin(&["centre", "create", id, "--name", id]);
    }
    world
        .hub
        .admin(&["import", world.file("inv.csv", &inventory("NET", 3)).to_str().unwrap()]);
    world.hub.admin(&["allocate", "C01", "--tags", "NET-00000,NET-00001"]);
    let moved = world.hub.admin(&["move", "--to", "c02", "NET-00000"]);
    assert_eq!(moved.trim(), "NET-00000 : du centre C01 au centre C02");
    assert_eq!(
        hub_count(
            &world.hub.db,
            "SELECT count(*) FROM devices WHERE tag = 'NET-00000' AND centre_id = 'C02'"
        ),
        1
    );
    let recalled = world
        .hub
        .admin(&["recall", "--brand", "Lenovo", "--model", "ThinkPad T480"]);
    assert!(
        recalled.contains("2 appareil(s) rappelé(s) des centres, 1 retiré(s) du stock du réseau."),
        "{recalled}"
    );
    world.hub.admin(&["publish", "../assets/programmes/defaut.toml"]);
    let csv = world.hub.admin(&[
        "report",
        "--programme",
        "defaut",
        "--from",
        "01/01/2026",
        "--to",
        "2026-12-31",
    ]);
    assert!(
        csv.starts_with('\u{feff}') && csv.contains("Équipement solidaire"),
        "{csv}"
    );
    let pdf = world.dir.path().join("bilan.pdf");
    let said = world.hub.admin(&[
        "report",
        "--programme",
        "defaut",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--centre",
        "C02",
        "--pdf",
        pdf.to_str().unwrap(),
    ]);
    assert!(said.contains("les centres C02"), "{said}");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    let refused = Command::new(HUB)
        .arg("--db")
        .arg(&world.hub.db)
        .args([
            "report",
            "--programme",
            "autre",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
        ])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("Programme inconnu : « autre »."));
    // Each act of the command line is in the audit log the console shows.
    for action in [
        "import de livraison",
        "attribution",
        "déplacement",
        "rappel",
        "publication de programme",
        "création de centre",
    ] {
        assert_eq!(
            hub_count(
                &world.hub.db,
                &format!("SELECT count(*) FROM audit WHERE account = '(ligne de commande)' AND action = '{action}'")
            ),
            if action == "création de centre" { 2 } else { 1 },
            "{action}"
        );
    }
}

/// Issue 33, item 11: a programme named as a formula and a funder written as a command go into
/// the report CSV a financeur downloads as text (behind an apostrophe), never as a formula.
#[test]
fn a_formula_in_a_programme_or_funder_name_is_written_as_text_in_the_report_csv() {
    let world = World::new();
    let programme = std::fs::read_to_string("../assets/programmes/defaut.toml")
        .unwrap()
        .replace("id = \"defaut\"", "id = \"piege\"")
        .replace(
            "name = \"Équipement solidaire\"",
            "name = \"=HYPERLINK(\\\"http://x.example\\\")\"",
        )
        .replace(
            "funder = \"Structure (fonds propres)\"",
            "funder = \"+cmd|' /C calc'!A0\"",
        );
    let file = world.file("piege.toml", &programme);
    world.hub.admin(&["publish", file.to_str().unwrap()]);
    user(
        &world,
        &["add", "claire", "--name", "Claire", "--role", "coordinateur"],
        "un mot de passe long",
    );
    let url = world.hub.url.clone();
    let claire = log_in(&url, "claire", "un mot de passe long").unwrap();
    let today = Local::now().date_naive();
    let csv = get(
        &url,
        &format!("/console/rapports/bilan.csv?programme=piege&du=2026-01-01&au={today}&portee=tous"),
        &claire,
    );
    assert_eq!(csv.status(), StatusCode::OK);
    let text = csv.text().unwrap();
    assert!(text.contains("'=HYPERLINK("), "{text}");
    assert!(text.contains("'+cmd|"), "{text}");
    for line in text.lines() {
        for cell in line.split(';') {
            let cell = cell.trim_start_matches(['\u{feff}', '"']);
            assert!(!cell.starts_with(['=', '+', '@']), "« {cell} » in {text}");
        }
    }
}

/// Issue 33, item 4: a console act and its audit line commit together or not at all. With the
/// audit log made to refuse every line (a trigger, as a full disk or a bug would), a coordinator's
/// act changes nothing; once the log writes again, the same act is done and logged.
#[test]
fn a_console_act_and_its_audit_line_commit_together() {
    let world = World::new();
    user(
        &world,
        &["add", "claire", "--name", "Claire", "--role", "coordinateur"],
        "un mot de passe long",
    );
    let url = world.hub.url.clone();
    let claire = log_in(&url, "claire", "un mot de passe long").unwrap();
    let csrf = csrf_of(&get(&url, "/console/centres", &claire).text().unwrap());
    let conn = rusqlite::Connection::open(&world.hub.db).unwrap();
    conn.execute_batch(
        "CREATE TRIGGER audit_refuses BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'journal plein'); END;",
    )
    .unwrap();
    let audited = |conn: &rusqlite::Connection| -> i64 {
        conn.query_row("SELECT count(*) FROM audit", [], |r| r.get(0)).unwrap()
    };
    let lines_before = audited(&conn);
    let refused = post(
        &url,
        "/console/centres/nouveau",
        &claire,
        &[("csrf", &csrf), ("centre", "C07"), ("name", "Centre C07")],
    );
    assert!(!refused.status().is_success(), "{}", refused.status());
    let centres = |conn: &rusqlite::Connection| -> i64 {
        conn.query_row("SELECT count(*) FROM centres WHERE id = 'C07'", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(centres(&conn), 0, "no centre without its audit line");
    assert_eq!(audited(&conn), lines_before);
    conn.execute_batch("DROP TRIGGER audit_refuses;").unwrap();
    let created = post(
        &url,
        "/console/centres/nouveau",
        &claire,
        &[("csrf", &csrf), ("centre", "C07"), ("name", "Centre C07")],
    );
    assert!(created.status().is_success(), "{}", created.status());
    assert_eq!(centres(&conn), 1);
    let logged: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit WHERE account = 'claire' AND detail = 'centre C07'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(logged, 1);
}

/// Issue 33, item 12: a delivery file over the limit is refused as « fichier trop gros » with
/// the limit; a file of 300 bad 20 000-character cells gives a short refusal (the first 100
/// errors, each cut, then their count) and a short audit line; NUL, ESC and BEL in a cell are
/// refused. Nothing is imported.
#[test]
fn uploads_are_bounded_and_refused_in_plain_words() {
    let world = World::new();
    user(
        &world,
        &["add", "claire", "--name", "Claire", "--role", "coordinateur"],
        "un mot de passe long",
    );
    let url = world.hub.url.clone();
    let claire = log_in(&url, "claire", "un mot de passe long").unwrap();
    let csrf = csrf_of(&get(&url, "/console/attributions", &claire).text().unwrap());
    let devices = || hub_count(&world.hub.db, "SELECT count(*) FROM devices");

    // A 17 MiB file, announced: the answer comes at once, as a browser shows it (a raw
    // connection that sends the head and the start of the body, then reads).
    let text = {
        use std::io::{Read, Write};
        let address = url.trim_start_matches("http://");
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        let head = format!(
            "POST /console/livraison HTTP/1.1\r\nHost: {address}\r\nCookie: comptoir_session={claire}\r\n\
             Content-Type: multipart/form-data; boundary=limite\r\nContent-Length: {}\r\nConnection: close\r\n\r\n\
             --limite\r\nContent-Disposition: form-data; name=\"fichier\"; filename=\"enorme.csv\"\r\n\r\n",
            17 * 1024 * 1024
        );
        stream.write_all(head.as_bytes()).unwrap();
        let _ = stream.write_all(&vec![b'a'; 64 * 1024]);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).to_string()
    };
    assert!(text.starts_with("HTTP/1.1 413"), "{}", &text[..200.min(text.len())]);
    assert!(text.contains("Fichier trop gros : 16 Mo au plus"), "{text}");

    let mut wide = String::from("tag;kind;category;brand;model\n");
    let cell = "x".repeat(20_000);
    for i in 0..300 {
        wide.push_str(&format!("NET-{i:05};{cell};B;Lenovo;T480\n"));
    }
    let refused = upload(
        &url,
        "/console/livraison",
        &claire,
        &csrf,
        "large.csv",
        wide.into_bytes(),
    );
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let text = refused.text().unwrap();
    assert!(text.len() < 200_000, "a refusal page of {} bytes", text.len());
    assert!(
        text.contains("… et 200 autre(s) erreur(s)"),
        "{}",
        &text[..2000.min(text.len())]
    );
    let longest: i64 = rusqlite::Connection::open(&world.hub.db)
        .unwrap()
        .query_row("SELECT max(length(detail)) FROM audit", [], |r| r.get(0))
        .unwrap();
    assert!(longest <= 501, "an audit line of {longest} characters");

    for control in ['\u{0}', '\u{1b}', '\u{7}'] {
        let file = format!("tag;kind;category;brand;model\nNET-00001;laptop;B;Len{control}ovo;T480\n");
        let refused = upload(
            &url,
            "/console/livraison",
            &claire,
            &csrf,
            "ctrl.csv",
            file.into_bytes(),
        );
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
        assert!(refused.text().unwrap().contains("caractère de contrôle"), "{control:?}");
    }
    assert_eq!(devices(), 0);
}
