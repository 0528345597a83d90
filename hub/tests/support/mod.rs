//! What the hub's end-to-end tests share: the real `comptoir-hub` binary on port 0 with its
//! own SQLite file, its admin commands, and centres' real Comptoir databases.
#![allow(dead_code)]

pub mod console;

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::Mutex;
use std::time::Duration;

use comptoir::sync::{Client, HubConfig};
use comptoir::Store;

pub const HUB: &str = env!("CARGO_BIN_EXE_comptoir-hub");

/// The hub binary serving a database; killed when dropped.
pub struct RunningHub {
    pub child: Child,
    pub url: String,
    pub db: PathBuf,
}

impl RunningHub {
    pub fn start(db: &Path, listen: &str) -> RunningHub {
        RunningHub::start_with(db, listen, &[])
    }

    pub fn start_with(db: &Path, listen: &str, extra: &[&str]) -> RunningHub {
        let (child, url) = comptoir_hub::start_binary(Path::new(HUB), db, listen, extra).unwrap();
        RunningHub {
            child,
            url,
            db: db.to_path_buf(),
        }
    }

    pub fn port(&self) -> u16 {
        self.url.rsplit(':').next().unwrap().parse().unwrap()
    }

    pub fn admin(&self, args: &[&str]) -> String {
        admin(&self.db, args)
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for RunningHub {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn admin(db: &Path, args: &[&str]) -> String {
    let out = Command::new(HUB).arg("--db").arg(db).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "comptoir-hub {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub struct World {
    pub dir: tempfile::TempDir,
    pub hub: RunningHub,
}

impl World {
    pub fn new() -> World {
        World::serving_with(&[])
    }

    /// A world whose hub is served with these options of `serve`.
    pub fn serving_with(options: &[&str]) -> World {
        let dir = tempfile::tempdir().unwrap();
        let hub = RunningHub::start_with(&dir.path().join("hub.sqlite"), "127.0.0.1:0", options);
        World { dir, hub }
    }

    /// Creates a centre on the hub and its Comptoir database; returns the store and a client.
    pub fn centre(&self, id: &str) -> (Mutex<Store>, Client) {
        let token = self
            .hub
            .admin(&["centre", "create", id, "--name", &format!("Centre {id}")]);
        let store = Store::open(&self.dir.path().join(format!("{id}.sqlite"))).unwrap();
        (Mutex::new(store), self.client(id, token.trim()))
    }

    pub fn client(&self, centre: &str, token: &str) -> Client {
        let mut client = Client::new(HubConfig::parse(&self.hub.url, centre).unwrap(), token.into()).unwrap();
        client.backoff = Duration::from_millis(20);
        client
    }

    pub fn file(&self, name: &str, content: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        path
    }
}

/// A refurbisher's inventory of `n` laptops, each with its erasure certificate and test report
/// (they travel with the device to the centre, which may then sell it).
pub fn inventory(prefix: &str, n: usize) -> String {
    let mut csv = String::from(
        "tag;kind;category;brand;model;serial;os;refurbisher;erasure_method;erasure_date;erasure_certificate;test_date;test_report\n",
    );
    for i in 0..n {
        csv.push_str(&format!(
            "{prefix}-{i:05};laptop;B;Lenovo;ThinkPad T480;SN{prefix}{i:05};Windows 11 Pro;Envie;NIST 800-88 purge;2026-01-10;CE-{prefix}-{i};2026-01-11;RT-{prefix}-{i}\n"
        ));
    }
    csv
}

pub fn count(store: &Mutex<Store>, sql: &str) -> i64 {
    store.lock().unwrap().sql().query_row(sql, [], |r| r.get(0)).unwrap()
}

pub fn hub_count(db: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}
