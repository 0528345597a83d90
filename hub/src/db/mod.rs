//! The hub's SQLite database: centres (a hash of their token only), the network's devices and
//! where they are, the per-centre feed of changes (a monotonic sequence), the events centres
//! pushed (once per id), conflicts and published programmes. All the hub's SQL is here.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};
use rusqlite_migration::{Migrations, M};
use sha2::{Digest, Sha256};

use comptoir_common::protocol::{
    Ack, AckStatus, CentreFacts, Change, ChangeEntry, Event, EventBody, JournalHead, RegisterClash, WireDevice,
};

pub mod accounts;
mod centres;
pub use centres::{create_centre, renew_token, revoke};
mod events;
mod sales;
pub use events::record_events;
pub use sales::cede_to_seller;
mod console;
mod heads;
pub use console::{centres_health, stock_on_hand, stock_overview, CentreHealth, StockFilter, StockRow};
mod network;
pub mod progress;
mod quality;
pub mod reports;
pub use heads::{journal_heads, register_keys};
pub use network::{move_devices, recall_model, state_label, ModelRecall};
pub use quality::{failure_rates, FailureRate};

pub type Result<T> = std::result::Result<T, HubError>;

#[derive(Debug, thiserror::Error)]
pub enum HubError {
    #[error("{0}")]
    Invalid(String),
    #[error("base de données du hub : {0}")]
    Database(#[from] rusqlite::Error),
    /// A stored row this build cannot read (written by another version, or damaged): named,
    /// in French, never a panic.
    #[error("{0}")]
    Unreadable(String),
}

/// A stored JSON row read back into its type (`what` and `key` name it in the error).
pub(crate) fn stored<T: serde::de::DeserializeOwned>(what: &str, key: &str, json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| {
        HubError::Unreadable(format!(
            "{what} {key} est illisible dans la base du hub ({e}) : rien n'a été fait. Une version plus récente \
             du hub l'a peut-être écrit ; signalez-le à l'informaticien du réseau."
        ))
    })
}

/// The hub's migrations, in order (`PRAGMA user_version` is the number applied). A shipped one
/// is never edited; a new one is appended.
const MIGRATION_SQL: &[&str] = &[
    include_str!("../../migrations/0001_hub.sql"),
    include_str!("../../migrations/0002_v2.sql"),
    include_str!("../../migrations/0003_register_keys.sql"),
    include_str!("../../migrations/0004_journal_branches.sql"),
    include_str!("../../migrations/0005_after_sales.sql"),
    include_str!("../../migrations/0006_console.sql"),
    include_str!("../../migrations/0007_console_acts.sql"),
    include_str!("../../migrations/0008_programme_scope.sql"),
    include_str!("../../migrations/0009_refusals.sql"),
];

static MIGRATIONS: std::sync::LazyLock<Migrations<'static>> =
    std::sync::LazyLock::new(|| Migrations::new(MIGRATION_SQL.iter().map(|sql| M::up(sql)).collect()));

/// The schema version this build writes.
pub fn schema_version() -> usize {
    MIGRATION_SQL.len()
}

pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub fn hash_token(token: &str) -> String {
    format!("{:x}", Sha256::digest(token.as_bytes()))
}

pub fn open(path: &Path) -> Result<Connection> {
    private_files(path);
    let mut conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // The reports' groupings sort in memory, never through temporary files.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    MIGRATIONS.to_latest(&mut conn).map_err(|e| match e {
        rusqlite_migration::Error::RusqliteError { err, .. } => HubError::Database(err),
        other => HubError::Invalid(format!(
            "la base du hub ne peut pas être mise au schéma {} : {other} (une base d'un hub plus récent ?)",
            schema_version()
        )),
    })?;
    conn.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES ('hub_id', ?1)",
        [uuid::Uuid::new_v4().to_string()],
    )?;
    Ok(conn)
}

/// The hub's database holds the centres' token hashes and what they sent: readable by the
/// hub's own user only (0600). A new file is made so before SQLite opens it (its `-wal` and
/// `-shm` files take the database's mode); an older file, and its companions, are set so.
fn private_files(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        if !path.exists() {
            let _ = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path);
        }
        for suffix in ["", "-wal", "-shm"] {
            let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
            if file.exists() {
                let _ = std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

pub fn hub_id(conn: &Connection) -> Result<String> {
    Ok(conn.query_row("SELECT value FROM meta WHERE key = 'hub_id'", [], |r| r.get(0))?)
}

/// The centre a token belongs to (none if unknown or revoked).
pub fn centre_of_token(conn: &Connection, token: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT id FROM centres WHERE token_hash = ?1 AND revoked_at IS NULL",
            [hash_token(token)],
            |r| r.get(0),
        )
        .optional()?)
}

pub fn centres(conn: &Connection) -> Result<Vec<(String, String, bool)>> {
    let mut stmt = conn.prepare("SELECT id, name, revoked_at IS NOT NULL FROM centres ORDER BY id")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Adds the devices of a refurbisher's file to the network's stock (known tags are skipped).
/// What an inventory import did: devices added, already known, and those a centre had
/// declared as its own first (each kept as a conflict for a coordinator).
pub struct Imported {
    pub added: usize,
    pub known: usize,
    pub claimed: Vec<(String, String)>,
}

/// How long a write waits for another process's (the command line's) write lock.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// A refurbisher's file, read and checked before the hub's writer is taken (parsing 100,000
/// rows takes a second, and every other write of the hub would wait for it).
pub fn parse_inventory(bytes: &[u8], file_name: &str) -> Result<comptoir_common::delivery::Delivery> {
    comptoir_common::delivery::parse(bytes, file_name).map_err(|e| HubError::Invalid(e.to_string()))
}

/// Writes a parsed file's devices, all or nothing, each with one prepared statement.
pub fn import_inventory(conn: &mut Connection, delivery: &comptoir_common::delivery::Delivery) -> Result<Imported> {
    let file_name = &delivery.file_name;
    let tx = conn.savepoint()?;
    let (mut added, mut known) = (0, 0);
    let mut claimed = Vec::new();
    let at = now();
    for (_, device) in &delivery.devices {
        let wire = WireDevice::from(device);
        let n = tx
            .prepare_cached(
                "INSERT OR IGNORE INTO devices (tag, kind, category, device, state, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 'stock', ?5)",
            )?
            .execute(params![
                wire.tag,
                wire.kind.code(),
                wire.category.map(|c| c.code()),
                serde_json::to_string(&wire).expect("a device serialises"),
                at
            ])?;
        if n == 1 {
            added += 1;
            continue;
        }
        known += 1;
        // Declared by a centre as its own stock before the network imported it.
        let local: Option<String> = tx
            .prepare_cached(
                "SELECT d.centre_id FROM devices d WHERE d.tag = ?1 AND d.centre_id IS NOT NULL
                 AND EXISTS (SELECT 1 FROM events e WHERE e.centre_id = d.centre_id AND e.type = 'local_stock'
                             AND json_extract(e.event, '$.device.tag') = d.tag)
                 AND NOT EXISTS (SELECT 1 FROM conflicts c WHERE c.tag = d.tag AND c.event_uuid IS NULL)",
            )?
            .query_row([&wire.tag], |r| r.get(0))
            .optional()?;
        if let Some(centre) = local {
            let message = format!(
                "{} figure dans l'inventaire du réseau ({file_name}) mais le centre {centre} l'a déclaré comme son propre stock : vérifiez l'étiquette avec le centre.",
                wire.tag
            );
            tx.execute(
                "INSERT INTO conflicts (centre_id, tag, event_uuid, message, at, kind) VALUES (?1, ?2, NULL, ?3, ?4, 'import')",
                params![centre, wire.tag, message, at],
            )?;
            claimed.push((wire.tag.clone(), centre));
        }
    }
    tx.commit()?;
    Ok(Imported { added, known, claimed })
}

fn require_centre(conn: &Connection, centre: &str) -> Result<String> {
    let centre = centre.to_uppercase();
    let n: i64 = conn.query_row("SELECT count(*) FROM centres WHERE id = ?1", [&centre], |r| r.get(0))?;
    if n == 0 {
        return Err(HubError::Invalid(format!(
            "Aucun centre {centre} (centre create {centre} --name …)."
        )));
    }
    Ok(centre)
}

fn push_change(conn: &Connection, centre: &str, change: &Change, at: &str) -> Result<i64> {
    conn.execute(
        "INSERT INTO changes (centre_id, at, change) VALUES (?1, ?2, ?3)",
        params![centre, at, serde_json::to_string(change).expect("a change serialises")],
    )?;
    Ok(conn.last_insert_rowid())
}

/// What to allocate: a list of tags, or a number of devices of a kind (and category).
pub enum Pick {
    Tags(Vec<String>),
    Count {
        kind: String,
        category: Option<String>,
        count: usize,
    },
}

/// Allocates devices of the network's stock to a centre; returns the tags allocated.
pub fn allocate(conn: &mut Connection, centre: &str, pick: &Pick) -> Result<Vec<String>> {
    let tx = conn.savepoint()?;
    let centre = require_centre(&tx, centre)?;
    let tags: Vec<String> = match pick {
        Pick::Tags(tags) => {
            for tag in tags {
                let state: Option<String> = tx
                    .query_row("SELECT state FROM devices WHERE tag = ?1", [tag.to_uppercase()], |r| {
                        r.get(0)
                    })
                    .optional()?;
                match state.as_deref() {
                    Some("stock") => {}
                    Some(other) => {
                        return Err(HubError::Invalid(format!(
                            "{tag} n'est pas au stock du réseau ({}{}) : rien n'a été attribué.",
                            state_label(other),
                            centre_of(&tx, tag)?
                                .map(|c| format!(", centre {c}"))
                                .unwrap_or_default()
                        )))
                    }
                    None => {
                        return Err(HubError::Invalid(format!(
                            "{tag} : appareil inconnu du hub ; rien n'a été attribué."
                        )))
                    }
                }
            }
            tags.iter().map(|t| t.to_uppercase()).collect()
        }
        Pick::Count { kind, category, count } => {
            let mut stmt = tx.prepare(
                "SELECT tag FROM devices WHERE state = 'stock' AND kind = ?1
                 AND (?2 IS NULL OR category = ?2) ORDER BY tag LIMIT ?3",
            )?;
            let tags: Vec<String> = stmt
                .query_map(params![kind, category, *count as i64], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            if tags.len() < *count {
                return Err(HubError::Invalid(format!(
                    "Seulement {} appareil(s) {kind}{} en stock au réseau pour {count} demandé(s).",
                    tags.len(),
                    category
                        .as_deref()
                        .map(|c| format!(" de catégorie {c}"))
                        .unwrap_or_default()
                )));
            }
            tags
        }
    };
    let at = now();
    for tag in &tags {
        let device: String = tx.query_row("SELECT device FROM devices WHERE tag = ?1", [tag], |r| r.get(0))?;
        let device: WireDevice = stored("L'appareil", tag, &device)?;
        tx.execute(
            "UPDATE devices SET centre_id = ?2, state = 'allocated', updated_at = ?3 WHERE tag = ?1",
            params![tag, centre, at],
        )?;
        push_change(
            &tx,
            &centre,
            &Change::Allocate {
                device: Box::new(device),
            },
            &at,
        )?;
    }
    tx.commit()?;
    Ok(tags)
}

fn centre_of(conn: &Connection, tag: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT centre_id FROM devices WHERE tag = ?1",
            [tag.to_uppercase()],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

/// Takes a device back from its centre (if not sold: a sale made offline stands).
pub fn recall(conn: &mut Connection, tag: &str) -> Result<String> {
    let tx = conn.savepoint()?;
    let centre = recall_in(&tx, tag)?;
    tx.commit()?;
    Ok(centre)
}

/// [`recall`] inside the caller's transaction (several tags recalled all or nothing).
pub fn recall_in(tx: &Connection, tag: &str) -> Result<String> {
    let tag = tag.to_uppercase();
    let row: Option<(Option<String>, String)> = tx
        .query_row("SELECT centre_id, state FROM devices WHERE tag = ?1", [&tag], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((Some(centre), state)) = row else {
        return Err(HubError::Invalid(format!(
            "{tag} n'est attribué à aucun centre : rien n'a été rappelé."
        )));
    };
    if state == "sold" {
        return Err(HubError::Invalid(format!(
            "{tag} est déjà vendu par le centre {centre} : rien n'a été rappelé."
        )));
    }
    let at = now();
    tx.execute(
        "UPDATE devices SET state = 'recalled', updated_at = ?2 WHERE tag = ?1",
        params![tag, at],
    )?;
    push_change(tx, &centre, &Change::Recall { tag: tag.clone() }, &at)?;
    Ok(centre)
}

/// Publishes a programme file to some centres (all active ones when none is named).
pub fn publish_programme(conn: &mut Connection, name: &str, content: &str, centres: &[String]) -> Result<usize> {
    comptoir_common::programme::Programme::parse(content, name, &comptoir_common::programme::LegalCaps::shipped())
        .map_err(|e| HubError::Invalid(e.to_string()))?;
    let tx = conn.savepoint()?;
    let targets: Vec<String> = if centres.is_empty() {
        let mut stmt = tx.prepare("SELECT id FROM centres WHERE revoked_at IS NULL ORDER BY id")?;
        let ids = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        ids
    } else {
        centres.iter().map(|c| require_centre(&tx, c)).collect::<Result<_>>()?
    };
    let at = now();
    tx.execute(
        "INSERT INTO programmes (name, content, published_at, all_centres) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (name) DO UPDATE SET content = excluded.content, published_at = excluded.published_at,
                                          all_centres = excluded.all_centres",
        params![name, content, at, centres.is_empty()],
    )?;
    let change = Change::Programme {
        name: name.to_string(),
        content: content.to_string(),
    };
    for centre in &targets {
        push_change(&tx, centre, &change, &at)?;
    }
    tx.commit()?;
    Ok(targets.len())
}

/// The changes of a centre after `after`: up to `limit`, and whether more follow.
/// A page of the centre's feed after `after`. `/v1` (`v1`) never sees the `/v2` changes
/// (conflicts), which its clients could not read.
pub fn changes(
    conn: &Connection,
    centre: &str,
    after: i64,
    limit: usize,
    v1: bool,
) -> Result<(Vec<ChangeEntry>, bool)> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, at, change FROM changes WHERE centre_id = ?1 AND seq > ?2
           AND (?4 = 0 OR json_extract(change, '$.type') NOT IN ('conflict', 'conflict_closed'))
         ORDER BY seq LIMIT ?3",
    )?;
    let mut entries = Vec::new();
    for row in stmt.query_map(params![centre, after, limit as i64 + 1, v1], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
    })? {
        let (seq, at, change) = row?;
        entries.push(ChangeEntry {
            seq,
            at,
            change: stored("La modification n°", &seq.to_string(), &change)?,
        });
    }
    let more = entries.len() > limit;
    entries.truncate(limit);
    Ok((entries, more))
}

fn kind_of(body: &EventBody) -> &'static str {
    match body {
        EventBody::Received { .. } => "received",
        EventBody::Available { .. } => "available",
        EventBody::Defective { .. } => "defective",
        EventBody::Returned { .. } => "returned",
        EventBody::BackInStock { .. } => "back_in_stock",
        EventBody::Sold { .. } => "sold",
        EventBody::Cancelled { .. } => "cancelled",
        EventBody::LocalStock { .. } => "local_stock",
        EventBody::Sale(_) => "sale",
        EventBody::CreditNote(_) => "credit_note",
        EventBody::LineCorrected(_) => "line_corrected",
        EventBody::WarrantyReturn(_) => "warranty_return",
        EventBody::Recycling(_) => "recycling",
        EventBody::Loan(_) => "loan",
    }
}

/// An event as the admin lists it: received at, centre, type, status, the event's JSON.
/// An event as received: when, from which centre, its type, its status, its uuid, its JSON.
pub type EventRow = (String, String, String, String, String, String);
/// A conflict as the admin lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ConflictRow {
    pub id: i64,
    pub at: String,
    pub centre: String,
    /// `double_sale`, `other_centre`, `recall`, `journal`, `import` (a tag a centre claimed
    /// before the network imported it) or `other` (older rows).
    pub kind: String,
    pub tag: Option<String>,
    pub message: String,
    pub closed_at: Option<String>,
    pub closed_how: Option<String>,
}

/// Recent events, newest first (for the admin).
pub fn events(conn: &Connection, centre: Option<&str>, limit: usize) -> Result<Vec<EventRow>> {
    let mut stmt = conn.prepare(
        "SELECT received_at, centre_id, type, status, uuid, event FROM events
         WHERE (?1 IS NULL OR centre_id = ?1) ORDER BY received_at DESC, rowid DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![centre.map(str::to_uppercase), limit as i64], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Device counts by centre and state.
pub fn stock(conn: &Connection, centre: Option<&str>) -> Result<Vec<(String, String, i64)>> {
    let mut stmt = conn.prepare(
        "SELECT coalesce(centre_id, '(réseau)'), state, count(*) FROM devices
         WHERE (?1 IS NULL OR centre_id = ?1) GROUP BY 1, 2 ORDER BY 1, 2",
    )?;
    let rows = stmt.query_map(params![centre.map(str::to_uppercase)], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What a post says of itself when it pulls: its register code, its id, its app's version
/// and the events it still has to send (the last two absent from earlier versions).
#[derive(Debug, Clone)]
pub struct PostSeen {
    pub post: String,
    pub register: String,
    pub version: Option<String>,
    pub waiting: Option<i64>,
}

/// Records what a post said at its pull (its register, app version, events waiting). A write
/// that arrives late (it waited for the writer) never replaces a newer one.
pub fn record_post(conn: &Connection, centre: &str, seen: &PostSeen, at: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO registers (centre_id, post, register, seen_at, app_version, waiting) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (centre_id, post) DO UPDATE SET register = excluded.register, seen_at = excluded.seen_at,
           app_version = excluded.app_version, waiting = excluded.waiting
         WHERE excluded.seen_at >= registers.seen_at",
    )?
    .execute(params![centre, seen.post, seen.register, at, seen.version, seen.waiting])?;
    Ok(())
}

/// [`record_post`] if the database's write lock is free at once: false when another process
/// holds it (the caller does not wait for it).
pub fn record_post_now(conn: &Connection, centre: &str, seen: &PostSeen, at: &str) -> Result<bool> {
    conn.busy_timeout(std::time::Duration::ZERO)?;
    let result = record_post(conn, centre, seen, at);
    conn.busy_timeout(BUSY_TIMEOUT)?;
    match result {
        Err(HubError::Database(rusqlite::Error::SqliteFailure(e, _)))
            if e.code == rusqlite::ErrorCode::DatabaseBusy =>
        {
            Ok(false)
        }
        other => other.map(|()| true),
    }
}

/// The other posts of the centre numbering their receipts with `register` (a reader's query).
pub fn register_clash(conn: &Connection, centre: &str, register: &str, post: &str) -> Result<Option<RegisterClash>> {
    let (posts, last_seen): (i64, Option<String>) = conn
        .prepare_cached(
            "SELECT count(*), max(seen_at) FROM registers WHERE centre_id = ?1 AND register = ?2 AND post <> ?3",
        )?
        .query_row(params![centre, register, post], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(last_seen.filter(|_| posts > 0).map(|last_seen| RegisterClash {
        register: register.to_string(),
        posts,
        last_seen,
    }))
}

/// The conflicts, open ones first, newest first.
pub fn conflicts(conn: &Connection) -> Result<Vec<ConflictRow>> {
    let mut stmt = conn.prepare(
        "SELECT id, at, centre_id, kind, tag, message, closed_at, closed_how FROM conflicts
         ORDER BY closed_at IS NOT NULL, id DESC",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(ConflictRow {
            id: r.get(0)?,
            at: r.get(1)?,
            centre: r.get(2)?,
            kind: r.get(3)?,
            tag: r.get(4)?,
            message: r.get(5)?,
            closed_at: r.get(6)?,
            closed_how: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
