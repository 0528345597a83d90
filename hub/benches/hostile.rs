//! The hub under attack, in figures (issue 33): the real binary with the usual 1,024 open files,
//! against the hostile clients of `hub/tests/support/attack.rs`. Prints, for each attack, the
//! hub's descriptors and resident memory before and during it, whether `/v1/health` and the
//! console's login page answer (and how fast), and what the attack left in the database.
//!
//! `cargo bench -p comptoir-hub --bench hostile`; `COMPTOIR_HUB_EXE=/path/to/comptoir-hub` measures
//! another build of the hub (an older one, for the figures before a fix).

#[path = "../tests/support/attack.rs"]
mod attack;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

struct Hub {
    child: std::process::Child,
    url: String,
    db: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn exe() -> PathBuf {
    std::env::var_os("COMPTOIR_HUB_EXE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_comptoir-hub")))
}

fn start() -> Hub {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hub.sqlite");
    let (child, url) = comptoir_hub::start_binary(&exe(), &db, "127.0.0.1:0", &[]).unwrap();
    attack::limit_files(child.id(), 1024);
    Hub {
        child,
        url,
        db,
        _dir: dir,
    }
}

impl Hub {
    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn state(&self) -> String {
        format!(
            "{} descriptors, {:.1} MiB resident",
            attack::descriptors(self.pid()),
            attack::rss_mib(self.pid())
        )
    }

    /// The database's file and its write-ahead log (bounded by SQLite's checkpoints), in MiB.
    fn db_mib(&self) -> (f64, f64) {
        let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0) as f64 / (1024.0 * 1024.0);
        (
            size(&self.db),
            size(&PathBuf::from(format!("{}-wal", self.db.display()))),
        )
    }

    fn files(&self) -> String {
        let (db, wal) = self.db_mib();
        format!("database {db:.2} MiB + log {wal:.2} MiB")
    }

    fn rows(&self, table: &str) -> i64 {
        let conn = rusqlite::Connection::open(&self.db).unwrap();
        conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap_or(-1)
    }

    /// Whether health and the login page answer within 5 s, and in how long.
    fn reachable(&self) -> String {
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        ["/v1/health", "/console/connexion"]
            .iter()
            .map(|path| {
                let t = Instant::now();
                match http.get(format!("{}{path}", self.url)).send() {
                    Ok(r) if r.status().is_success() => format!("{path} in {:.0} ms", t.elapsed().as_secs_f64() * 1e3),
                    Ok(r) => format!("{path} answers {}", r.status()),
                    Err(_) => format!("{path} NO ANSWER within 5 s"),
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn user(&self, login: &str, password: &str) {
        let out = Command::new(exe())
            .arg("--db")
            .arg(&self.db)
            .args(["user", "add", login, "--name", login, "--role", "coordinateur"])
            .env("COMPTOIR_HUB_PASSWORD", password)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

fn no_redirect() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// The login form's token (its cookie), fetched by `http`.
fn login_token(http: &reqwest::blocking::Client, url: &str) -> Option<String> {
    let form = http.get(format!("{url}/console/connexion")).send().ok()?;
    form.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("comptoir_connexion="))
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
}

fn silent_connections() {
    let hub = start();
    println!("{}", hub.reachable());
    println!("  at rest: {}", hub.state());
    let sources: Vec<u8> = (2..42).collect();
    let held = attack::silent(attack::socket_of(&hub.url), 1100, &sources);
    std::thread::sleep(Duration::from_secs(1));
    println!("  1,100 silent connections (40 addresses): {}", hub.state());
    println!("  {}", hub.reachable());
    std::thread::sleep(Duration::from_secs(13));
    println!("  13 s later, still held by the clients: {}", hub.state());
    drop(held);
}

fn audit_flood() {
    let hub = start();
    let _ = hub.reachable();
    let (rss, audit) = (attack::rss_mib(hub.pid()), hub.rows("audit"));
    println!("  at rest: {}, {}, {audit} audit lines", hub.state(), hub.files());
    // 400 login POSTs without the form's token, each with a 60 KiB login (under the console's
    // 64 KiB limit), from 8 clients.
    let started = Instant::now();
    let login = "x".repeat(60 * 1024);
    std::thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| {
                let http = no_redirect();
                for _ in 0..50 {
                    let _ = http
                        .post(format!("{}/console/connexion", hub.url))
                        .form(&[("login", login.as_str()), ("password", "secret"), ("csrf", "")])
                        .send();
                }
            });
        }
    });
    println!(
        "  400 tokenless 60 KiB logins in {:.2} s: {}, {}, RSS +{:.1} MiB, {} audit lines, {} refusal counters",
        started.elapsed().as_secs_f64(),
        hub.state(),
        hub.files(),
        attack::rss_mib(hub.pid()) - rss,
        hub.rows("audit"),
        hub.rows("refusals")
    );
    // Bad passwords with the form's token, from one address, for 10 s (most are throttled).
    let audit = hub.rows("audit");
    let http = no_redirect();
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut tries = 0;
    while Instant::now() < deadline {
        let Some(token) = login_token(&http, &hub.url) else {
            continue;
        };
        let _ = http
            .post(format!("{}/console/connexion", hub.url))
            .header("Cookie", format!("comptoir_connexion={token}"))
            .form(&[("login", "claire"), ("password", "faux"), ("csrf", token.as_str())])
            .send();
        tries += 1;
    }
    println!(
        "  {tries} bad logins from one address in 10 s: +{} audit lines, {}, {} refusal counters",
        hub.rows("audit") - audit,
        hub.files(),
        hub.rows("refusals")
    );
}

/// A coordinator's act (creating a centre) while 60 addresses try passwords.
fn login_flood() {
    let hub = start();
    hub.user("claire", "un mot de passe long");
    let http = no_redirect();
    let token = login_token(&http, &hub.url).unwrap();
    let answer = http
        .post(format!("{}/console/connexion", hub.url))
        .header("Cookie", format!("comptoir_connexion={token}"))
        .form(&[
            ("login", "claire"),
            ("password", "un mot de passe long"),
            ("csrf", token.as_str()),
        ])
        .send()
        .unwrap();
    let session = answer
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("comptoir_session="))
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
        .expect("the coordinator's session");
    let page = http
        .get(format!("{}/console/centres", hub.url))
        .header("Cookie", format!("comptoir_session={session}"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    let at = page.find("name=\"csrf\" value=\"").expect("a form") + "name=\"csrf\" value=\"".len();
    let csrf = page[at..at + page[at..].find('"').unwrap()].to_string();
    let act = |i: usize| {
        let t = Instant::now();
        let r = http
            .post(format!("{}/console/centres/nouveau", hub.url))
            .header("Cookie", format!("comptoir_session={session}"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("centre", &format!("BENCH{i:03}")),
                ("name", "Centre de mesure"),
            ])
            .send()
            .unwrap();
        assert!(r.status().is_success() || r.status().is_redirection(), "{}", r.status());
        t.elapsed()
    };
    let quiet: Vec<Duration> = (0..10).map(act).collect();
    let stop = std::sync::atomic::AtomicBool::new(false);
    let address = attack::socket_of(&hub.url);
    let during = std::thread::scope(|s| {
        for source in 100..160u8 {
            let (stop, url) = (&stop, hub.url.clone());
            s.spawn(move || {
                // Each flooder logs in from its own address (127.0.0.x) through raw requests.
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let _ = flood_once(address, source, &url);
                }
            });
        }
        // From the flood's first moment: each address's first five tries are hashed (then it
        // is locked out), so the password checks all fall in the first seconds.
        let until = Instant::now() + Duration::from_secs(6);
        let mut during = Vec::new();
        let mut i = 10;
        while Instant::now() < until {
            during.push(act(i));
            i += 1;
            std::thread::sleep(Duration::from_millis(50));
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        during
    });
    let ms = |v: &[Duration]| {
        let mut v: Vec<f64> = v.iter().map(|d| d.as_secs_f64() * 1e3).collect();
        v.sort_by(f64::total_cmp);
        format!(
            "{} acts, median {:.0} ms, max {:.0} ms",
            v.len(),
            v[v.len() / 2],
            v[v.len() - 1]
        )
    };
    println!("  a coordinator's act, quiet: {}", ms(&quiet));
    println!(
        "  the same act during the first 6 s of bad logins from 60 addresses: {}",
        ms(&during)
    );
}

/// One bad login from 127.0.0.`source`: the form (its token), then the POST.
fn flood_once(hub: std::net::SocketAddr, source: u8, _url: &str) -> std::io::Result<()> {
    use std::io::{Read, Write};
    let mut s = attack::connect_from(source, hub)?;
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    s.write_all(b"GET /console/connexion HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n")?;
    let mut page = String::new();
    s.read_to_string(&mut page)?;
    let token = page
        .lines()
        .find_map(|l| {
            l.strip_prefix("set-cookie: comptoir_connexion=")
                .or_else(|| l.strip_prefix("Set-Cookie: comptoir_connexion="))
        })
        .and_then(|v| v.split(';').next())
        .unwrap_or_default()
        .to_string();
    let body = format!("login=claire&password=faux&csrf={token}");
    let mut s = attack::connect_from(source, hub)?;
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(
        s,
        "POST /console/connexion HTTP/1.1\r\nHost: hub\r\nConnection: close\r\nCookie: comptoir_connexion={token}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut answer = Vec::new();
    s.read_to_end(&mut answer)?;
    Ok(())
}

fn main() {
    attack::raise_own_file_limit();
    println!("hub: {}", exe().display());
    println!("1,100 silent connections, the hub with 1,024 open files:");
    silent_connections();
    println!("the console's audit log under a flood:");
    audit_flood();
    println!("password checks and the hub's writer:");
    login_flood();
}
