//! The network console in a real browser (issue 18): headless Chromium driven by WebDriver
//! (Debian's `chromium` and `chromium-driver`, installed by `scripts/test`), against the real
//! hub binary on port 0 and a centre's real database. A coordinator logs in, uploads a delivery
//! file, allocates two devices to the centre, which receives them at its sync; recalls one;
//! downloads the network report (PDF read back with pdftotext). A financeur sees only its
//! programmes. Each page passes axe-core's accessibility audit.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use comptoir::sync;

mod support;
use support::console::user;
use support::*;

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// `chromedriver`, killed when dropped.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A WebDriver session on headless Chromium.
struct Browser {
    http: reqwest::blocking::Client,
    base: String,
    _driver: Driver,
}

impl Browser {
    /// A browser whose downloads land in `downloads`.
    fn start(downloads: &Path) -> Browser {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let driver = Driver(
            Command::new("chromedriver")
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("chromedriver (Debian's chromium-driver; scripts/test installs it)"),
        );
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        let root = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        while http.get(format!("{root}/status")).send().is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not answer on port {port}");
            std::thread::sleep(Duration::from_millis(100));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--lang=fr-FR"],
                "prefs": {"download.default_directory": downloads, "download.prompt_for_download": false}
            }
        }}});
        let reply: Value = http
            .post(format!("{root}/session"))
            .json(&caps)
            .send()
            .unwrap()
            .json()
            .unwrap();
        let id = reply["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {reply}"))
            .to_string();
        Browser {
            http,
            base: format!("{root}/session/{id}"),
            _driver: driver,
        }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let request = match method {
            "GET" => self.http.get(url),
            _ => self.http.post(url).json(&body.unwrap_or(json!({}))),
        };
        let reply: Value = request.send().unwrap().json().unwrap();
        reply["value"].clone()
    }

    fn go(&self, url: &str) {
        self.call("POST", "/url", Some(json!({"url": url})));
    }

    fn find(&self, css: &str) -> String {
        self.try_find(css)
            .unwrap_or_else(|| panic!("no {css} on {}", self.source()))
    }

    /// The element, or None when the page (perhaps mid-navigation) has none.
    fn try_find(&self, css: &str) -> Option<String> {
        let v = self.call("POST", "/element", Some(json!({"using": "css selector", "value": css})));
        v[ELEMENT].as_str().map(str::to_string)
    }

    fn exists(&self, css: &str) -> bool {
        self.script(&format!("return document.querySelector({}) !== null;", json!(css))) == json!(true)
    }

    fn type_keys(&self, css: &str, keys: &str) {
        let element = self.find(css);
        self.call(
            "POST",
            &format!("/element/{element}/value"),
            Some(json!({"text": keys})),
        );
    }

    fn click(&self, css: &str) {
        let element = self.find(css);
        let answer = self.call("POST", &format!("/element/{element}/click"), None);
        assert!(
            answer.is_null() || answer.get("error").is_none(),
            "the click was refused: {answer}"
        );
    }

    fn source(&self) -> String {
        self.call("GET", "/source", None).as_str().unwrap_or("").to_string()
    }

    fn script(&self, js: &str) -> Value {
        self.call("POST", "/execute/sync", Some(json!({"script": js, "args": []})))
    }

    fn script_async(&self, js: &str) -> Value {
        self.call("POST", "/execute/async", Some(json!({"script": js, "args": []})))
    }

    /// Waits for a page element's text to hold `needle`.
    fn wait_text(&self, css: &str, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            // The page may be replaced between finding the element and reading it
            // (a form's answer arriving): both steps are retried until the deadline.
            if let Some(element) = self.try_find(css) {
                let text = self.call("GET", &format!("/element/{element}/text"), None);
                if let Some(text) = text.as_str().filter(|t| t.contains(needle)) {
                    return text.to_string();
                }
            }
            assert!(
                Instant::now() < deadline,
                "« {needle} » never in {css}: {}",
                self.source()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn log_in(&self, url: &str, login: &str, password: &str) {
        self.go(&format!("{url}/console/connexion"));
        self.type_keys("input[name=login]", login);
        self.type_keys("input[name=password]", password);
        // The keyboard: Enter submits the form.
        self.type_keys("input[name=password]", "\u{E007}");
        self.wait_text("h1", "Tableau de bord");
    }

    fn log_out(&self) {
        self.click("header form button[type=submit]");
        self.wait_text("h1", "Connexion");
    }

    /// axe-core's audit of the page: no violation.
    fn audit(&self, what: &str) {
        let axe = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/node_modules/axe-core/axe.min.js"),
        )
        .expect("axe-core (npm ci in ui/, which scripts/test runs)");
        let result = self.script_async(&format!(
            "{axe}\nconst done = arguments[arguments.length - 1];
             axe.run(document, {{resultTypes: ['violations']}}).then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' ' + v.nodes.map(n => n.target.join(' ')).join(', '))));"
        ));
        assert_eq!(result, json!([]), "accessibility of {what}");
    }
}

#[test]
#[ignore = "drives headless Chromium (scripts/test installs chromium and chromium-driver)"]
fn a_coordinator_allocates_and_recalls_in_the_browser_and_a_financeur_sees_only_its_programmes() {
    let world = World::new();
    let url = world.hub.url.clone();
    let (store, client) = world.centre("C01");
    world.hub.admin(&["publish", "../assets/programmes/defaut.toml"]);
    user(
        &world,
        &["add", "claire", "--name", "Claire", "--role", "coordinateur"],
        "un mot de passe long",
    );
    user(
        &world,
        &[
            "add",
            "caf92",
            "--name",
            "CAF 92",
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
            "cd93",
            "--name",
            "CD 93",
            "--role",
            "financeur",
            "--programme",
            "cd93-2026",
        ],
        "le mot de passe du département",
    );
    let delivery = world.file("livraison.csv", &inventory("NET", 4));
    let downloads = world.dir.path().join("telechargements");
    std::fs::create_dir(&downloads).unwrap();
    let b = Browser::start(&downloads);

    b.log_in(&url, "claire", "un mot de passe long");
    b.audit("the dashboard");
    b.go(&format!("{url}/console/attributions"));
    b.audit("the allocation page");
    b.type_keys("#form-livraison input[type=file]", delivery.to_str().unwrap());
    b.click("#form-livraison button[type=submit]");
    b.wait_text("#resultat", "4 appareil(s) ajouté(s) au stock du réseau");
    b.audit("an act's result");

    b.go(&format!("{url}/console/attributions"));
    b.type_keys("#form-attribuer select[name=centre]", "C01");
    b.type_keys("#form-attribuer textarea[name=tags]", "NET-00000\nNET-00001");
    b.click("#form-attribuer button[type=submit]");
    b.wait_text("#resultat", "2 appareil(s) attribué(s) au centre C01");
    // The centre receives them at its sync (the function `comptoir sync` calls).
    sync::round(&store, &client).unwrap();
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM devices WHERE tag IN ('NET-00000', 'NET-00001') AND state = 'allocated'"
        ),
        2
    );
    // Allocating one of them again: refused in French, nothing changed.
    b.go(&format!("{url}/console/attributions"));
    b.type_keys("#form-attribuer select[name=centre]", "C01");
    b.type_keys("#form-attribuer textarea[name=tags]", "NET-00000");
    b.click("#form-attribuer button[type=submit]");
    b.wait_text("#erreur", "NET-00000 n'est pas au stock du réseau");

    b.go(&format!("{url}/console/attributions"));
    b.type_keys("#form-rappeler textarea[name=tags]", "NET-00001");
    b.click("#form-rappeler button[type=submit]");
    b.wait_text("#resultat", "NET-00001 : rappelé du centre C01");
    sync::round(&store, &client).unwrap();
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM devices WHERE tag = 'NET-00001' AND state = 'returned'"
        ),
        1
    );
    b.go(&format!("{url}/console/centres"));
    b.wait_text("#centres", env!("CARGO_PKG_VERSION"));
    b.audit("the centres");
    b.go(&format!("{url}/console/stock"));
    b.audit("the stock");

    // The network report: from the dashboard's link, downloaded by the browser's session.
    b.go(&format!("{url}/console/tableau"));
    b.click("#p-defaut ~ p a");
    b.wait_text("#perimetre", "tous les centres du réseau (1)");
    b.audit("the network report");
    b.click("#pdf");
    let deadline = Instant::now() + Duration::from_secs(20);
    let pdf = loop {
        let done = std::fs::read_dir(&downloads)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.extension().is_some_and(|x| x == "pdf"));
        if let Some(pdf) = done {
            break pdf;
        }
        assert!(Instant::now() < deadline, "the network report was never downloaded");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(pdf
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("bilan-reseau-defaut-"));
    let text = Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("BILAN POUR LE FINANCEUR") && text.contains("tous les centres du réseau"),
        "{text}"
    );
    b.log_out();

    // A financeur of another programme: not this one, even by its address.
    b.log_in(&url, "cd93", "le mot de passe du département");
    assert!(!b.exists("#p-defaut"));
    assert!(!b.exists("a[href='/console/stock']"));
    b.go(&format!(
        "{url}/console/rapports?programme=defaut&du=2026-01-01&au=2026-12-31&portee=tous"
    ));
    b.wait_text("#erreur", "Votre compte ne permet pas d'ouvrir");
    b.go(&format!("{url}/console/attributions"));
    b.wait_text("#erreur", "réservé aux coordinateurs");
    b.log_out();
    // The programme's financeur sees it.
    b.log_in(&url, "caf92", "le mot de passe de la CAF");
    assert!(b.exists("#p-defaut"));
    b.audit("a financeur's dashboard");
}
