//! SQL of the `devices` and `device_events` tables.

use super::Db;
use rusqlite::{params, OptionalExtension, Row, ToSql};

use crate::device::{AssetTag, DeviceKind, DeviceState, NewDevice, Specs};
use crate::error::Result;
use crate::model::stock::{Device, DeviceEvent, StockQuery, StockSummary};

/// Stores a code enum as its stable code.
macro_rules! sql_code {
    ($($t:ty),+) => {$(
        impl rusqlite::ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(self.code()))
            }
        }
        impl rusqlite::types::FromSql for $t {
            fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let text = value.as_str()?;
                <$t>::ALL
                    .iter()
                    .copied()
                    .find(|v| v.code() == text)
                    .ok_or_else(|| rusqlite::types::FromSqlError::Other(format!("unknown code {text:?}").into()))
            }
        }
    )+};
}
pub(crate) use sql_code;

const DEVICE_COLUMNS: &str = "d.id, d.tag, d.kind, d.category, d.state, d.brand, d.model, d.serial, \
    d.imei, d.cpu, d.ram_mb, d.storage_kind, d.storage_gb, d.screen_tenths_inch, d.os, \
    d.battery_serial, d.charger_serial, d.refurbisher, d.erasure_certificate, d.created_at, d.updated_at, \
    d.donor_kind, d.donor, d.convention, d.reserved_publics, d.acquisition_cents";

fn device_from_row(row: &Row<'_>) -> rusqlite::Result<Device> {
    let tag: String = row.get(1)?;
    Ok(Device {
        id: row.get(0)?,
        tag: AssetTag::parse(&tag)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, Box::new(e)))?,
        kind: row.get(2)?,
        category: row.get(3)?,
        state: row.get(4)?,
        brand: row.get(5)?,
        model: row.get(6)?,
        serial: row.get(7)?,
        imei: row.get(8)?,
        specs: Specs {
            cpu: row.get(9)?,
            ram_mb: row.get(10)?,
            storage_kind: row.get(11)?,
            storage_gb: row.get(12)?,
            screen_tenths_inch: row.get(13)?,
            os: row.get(14)?,
            battery_serial: row.get(15)?,
            charger_serial: row.get(16)?,
            refurbisher: row.get(17)?,
            erasure_certificate: row.get(18)?,
        },
        created_at: row.get(19)?,
        updated_at: row.get(20)?,
        provenance: match row.get::<_, Option<crate::provenance::DonorKind>>(21)? {
            None => None,
            Some(kind) => Some(crate::provenance::Provenance {
                kind,
                donor: row.get(22)?,
                convention: row.get(23)?,
                reserved_for: row
                    .get::<_, Option<String>>(24)?
                    .map(|r| r.split(',').filter(|p| !p.is_empty()).map(str::to_string).collect())
                    .unwrap_or_default(),
                acquisition: crate::money::Money::from_cents(row.get::<_, Option<i64>>(25)?.unwrap_or(0)),
            }),
        },
    })
}

/// Runs `insert` in bulk: the devices it inserts (in the caller's transaction) enter the
/// free-text index together at its end (one statement, instead of one index flush per device),
/// and move the stock's generation once. The per-row triggers wait while `bulk_insert` holds
/// its row (migration 0021), which only this function writes and removes.
/// Invariant: when `insert` succeeds, every device has its row in the free-text index, the
/// generation has moved and the bulk is over; when it fails, the caller's transaction is rolled
/// back, the row with it.
pub fn in_bulk<T>(conn: &Db, insert: impl FnOnce() -> Result<T>) -> Result<T> {
    conn.execute("INSERT INTO bulk_insert (flag) VALUES (1)", [])?;
    let before: i64 = conn.query_row("SELECT coalesce(max(id), 0) FROM devices", [], |r| r.get(0))?;
    let value = insert()?;
    conn.execute(
        "INSERT INTO devices_fts (rowid, search_text) SELECT id, search_text FROM devices WHERE id > ?1",
        [before],
    )?;
    conn.execute(
        "UPDATE stock_generation SET generation = generation + 1 WHERE id = 1",
        [],
    )?;
    conn.execute("DELETE FROM bulk_insert", [])?;
    Ok(value)
}

/// What a new device's row points at from the start: the delivery file it came in, and its
/// erasure and test records in force.
#[derive(Debug, Clone, Copy, Default)]
pub struct Links {
    pub import: Option<i64>,
    pub erasure: Option<i64>,
    pub test: Option<i64>,
}

/// Rows per statement of a bulk insert. A statement that fires triggers journals every page it
/// touches, once per statement: one row per statement made that copying most of a large
/// import's time (issue 34); 200 rows share it.
const BATCH: usize = 200;

/// The placeholders of `rows` rows of `width` values: `(?,?),(?,?)`.
fn placeholders(rows: usize, width: usize) -> String {
    let row = format!("({})", vec!["?"; width].join(","));
    vec![row; rows].join(",")
}

/// A value as SQLite stores it (owned), from anything the store binds.
fn value<T: rusqlite::ToSql>(v: T) -> rusqlite::Result<rusqlite::types::Value> {
    Ok(match v.to_sql()? {
        rusqlite::types::ToSqlOutput::Owned(v) => v,
        rusqlite::types::ToSqlOutput::Borrowed(r) => rusqlite::types::Value::try_from(r)?,
        _ => rusqlite::types::Value::Null,
    })
}

const INSERT_COLUMNS: &str = "tag, kind, category, state, brand, model, serial, imei, cpu, ram_mb,
     storage_kind, storage_gb, screen_tenths_inch, os, battery_serial, charger_serial,
     refurbisher, erasure_certificate, search_text, created_at, updated_at,
     donor_kind, donor, convention, reserved_publics, acquisition_cents,
     import_id, erasure_record, test_record";
const INSERT_WIDTH: usize = 29;

fn insert_values(
    device: &NewDevice,
    state: DeviceState,
    now: &str,
    links: Links,
) -> rusqlite::Result<[rusqlite::types::Value; INSERT_WIDTH]> {
    let s = &device.specs;
    let p = device.provenance.as_ref();
    Ok([
        value(device.tag.as_str())?,
        value(device.kind)?,
        value(device.category)?,
        value(state)?,
        value(&device.brand)?,
        value(&device.model)?,
        value(device.serial.as_ref().map(|s| s.as_str()))?,
        value(device.imei.as_ref().map(|i| i.as_str()))?,
        value(&s.cpu)?,
        value(s.ram_mb)?,
        value(s.storage_kind)?,
        value(s.storage_gb)?,
        value(s.screen_tenths_inch)?,
        value(&s.os)?,
        value(&s.battery_serial)?,
        value(&s.charger_serial)?,
        value(&s.refurbisher)?,
        value(&s.erasure_certificate)?,
        value(device.search_text())?,
        value(now)?,
        value(now)?,
        value(p.map(|p| p.kind))?,
        value(p.and_then(|p| p.donor.as_deref()))?,
        value(p.and_then(|p| p.convention.as_deref()))?,
        value(p.map(|p| p.reserved_for.join(",")))?,
        value(p.map(|p| p.acquisition.cents()))?,
        value(links.import)?,
        value(links.erasure)?,
        value(links.test)?,
    ])
}

/// Inserts new devices in `state`, [`BATCH`] rows per statement, and returns their row ids in
/// order. Invariant: row ids are given in order, each one more than the largest before (no
/// explicit id, no AUTOINCREMENT), so a statement's rows end at its last insert id.
pub fn insert_many(conn: &Db, devices: &[(&NewDevice, Links)], state: DeviceState, now: &str) -> Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(devices.len());
    for chunk in devices.chunks(BATCH) {
        let sql = format!(
            "INSERT INTO devices ({INSERT_COLUMNS}) VALUES {}",
            placeholders(chunk.len(), INSERT_WIDTH)
        );
        let mut values = Vec::with_capacity(chunk.len() * INSERT_WIDTH);
        for (device, links) in chunk {
            values.extend(insert_values(device, state, now, *links)?);
        }
        conn.prepare_cached(&sql)?.execute(rusqlite::params_from_iter(values))?;
        let last = conn.last_insert_rowid();
        ids.extend(last + 1 - chunk.len() as i64..=last);
    }
    Ok(ids)
}

pub fn by_tag(conn: &Db, tag: &AssetTag) -> Result<Option<Device>> {
    let sql = format!("SELECT {DEVICE_COLUMNS} FROM devices d WHERE d.tag = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([tag.as_str()], device_from_row)
        .optional()?)
}

pub fn by_id(conn: &Db, id: i64) -> Result<Option<Device>> {
    let sql = format!("SELECT {DEVICE_COLUMNS} FROM devices d WHERE d.id = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([id], device_from_row).optional()?)
}

pub fn by_imei(conn: &Db, imei: &str) -> Result<Option<Device>> {
    let sql = format!("SELECT {DEVICE_COLUMNS} FROM devices d WHERE d.imei = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([imei], device_from_row)
        .optional()?)
}

/// Devices whose serial is exactly `serial` (serials are not unique across brands).
pub fn by_serial(conn: &Db, serial: &str) -> Result<Vec<Device>> {
    let sql = format!("SELECT {DEVICE_COLUMNS} FROM devices d WHERE d.serial = ?1 ORDER BY d.tag");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([serial], device_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The stock list: filters, then the free-text terms (already folded), newest first.
///
/// Terms of three characters or more go through the trigram index; shorter ones are matched
/// with LIKE on the rows the index (or the filters) already narrowed down.
/// Devices whose tag starts with `prefix` (upper-case ASCII), in tag order, with the filters.
pub fn by_tag_prefix(conn: &Db, query: &StockQuery, prefix: &str) -> Result<Vec<Device>> {
    let mut upper = prefix.as_bytes().to_vec();
    if let Some(last) = upper.last_mut() {
        *last += 1; // tags are ASCII below 0x7F: the next string after every "prefix…"
    }
    let upper = String::from_utf8(upper).expect("ASCII tag");
    let mut sql = format!("SELECT {DEVICE_COLUMNS} FROM devices d WHERE d.tag >= ? AND d.tag < ?");
    let mut values: Vec<Box<dyn ToSql>> = vec![Box::new(prefix.to_string()), Box::new(upper)];
    // The tag's index drives (in tag order); the filters are checked on its rows.
    push_filters_as(&mut sql, &mut values, query, "+");
    sql.push_str(" ORDER BY d.tag LIMIT ?");
    values.push(Box::new(query.limit as i64));
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(values.iter()), device_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The filters, each column written `{prefix}d.column` (a `+` keeps SQLite from driving the
/// query by the filters' indexes when another index must drive it).
fn push_filters_as(sql: &mut String, values: &mut Vec<Box<dyn ToSql>>, query: &StockQuery, prefix: &str) {
    if let Some(kind) = query.kind {
        sql.push_str(&format!(" AND {prefix}d.kind = ?"));
        values.push(Box::new(kind));
    }
    if let Some(category) = query.category {
        sql.push_str(&format!(" AND {prefix}d.category = ?"));
        values.push(Box::new(category));
    }
    if let Some(state) = query.state {
        sql.push_str(&format!(" AND {prefix}d.state = ?"));
        values.push(Box::new(state));
    }
}

/// How many rows make a text or a set of filters "common" for the stock list's planning.
const COMMON: i64 = 2000;

/// Which index drives the stock list.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Plan {
    Text,
    Filters,
    Both,
}

/// The index that answers exactly these filters in newest-first order (migration 0011).
fn filter_index(query: &StockQuery) -> Option<&'static str> {
    match (query.state.is_some(), query.kind.is_some(), query.category.is_some()) {
        (false, false, false) => None,
        (true, false, false) => Some("devices_by_state"),
        (false, true, false) => Some("devices_by_kind"),
        (false, false, true) => Some("devices_by_category"),
        (true, true, false) => Some("devices_by_state_kind"),
        (true, false, true) => Some("devices_by_state_category"),
        (false, true, true) => Some("devices_by_kind_category"),
        (true, true, true) => Some("devices_by_all"),
    }
}

fn fts_query(long: &[&String]) -> String {
    long.iter()
        // Each term quoted, so that FTS5 operators typed by a person are taken as text.
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" AND ")
}

fn push_like(sql: &mut String, values: &mut Vec<Box<dyn ToSql>>, terms: &[&String]) {
    for term in terms {
        sql.push_str(" AND d.search_text LIKE ? ESCAPE '\\'");
        let escaped = term.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        values.push(Box::new(format!("%{escaped}%")));
    }
}

/// The stock list with its free-text terms (already folded): from the process's in-memory
/// index when the store shares one, the rows it names read again here and checked against the
/// filters; else from SQL alone ([`list`]).
pub fn search(store: &super::Store, query: &StockQuery, terms: &[String]) -> Result<Vec<Device>> {
    let Some(shared) = store.stock_index().filter(|_| terms.iter().any(|t| !t.is_empty())) else {
        return list(store.db(), query, terms);
    };
    let ids = shared.get(store.db())?.search(query, terms);
    let sql = format!("SELECT {DEVICE_COLUMNS} FROM devices d WHERE d.id = ?1");
    let mut stmt = store.db().prepare_cached(&sql)?;
    let mut devices = Vec::with_capacity(ids.len());
    for id in ids {
        // A row changed since the index was built is checked again (or gone: left out).
        if let Some(device) = stmt.query_row([id], device_from_row).optional()? {
            if query.admits(device.kind, device.category, device.state) {
                devices.push(device);
            }
        }
    }
    Ok(devices)
}

pub fn list(conn: &Db, query: &StockQuery, terms: &[String]) -> Result<Vec<Device>> {
    let (long, short): (Vec<&String>, Vec<&String>) = terms.iter().partition(|t| t.chars().count() >= 3);
    let index = filter_index(query);
    // Which index drives. A rare text: the trigram index (few rows to join). Rare filters: the
    // filters' index, the terms checked with LIKE on its rows. Both common: the filters' index,
    // newest first, each row kept when its id is among the text's hits (an ephemeral set).
    let plan = match (long.is_empty(), index) {
        (true, _) => Plan::Filters,
        (false, None) => Plan::Text,
        (false, Some(index)) => {
            let text_hits: i64 = conn
                .prepare_cached(
                    "SELECT count(*) FROM (SELECT rowid FROM devices_fts WHERE devices_fts MATCH ? LIMIT ?)",
                )?
                .query_row(rusqlite::params![fts_query(&long), COMMON], |r| r.get(0))?;
            if text_hits < COMMON {
                Plan::Text
            } else {
                let mut count = format!("SELECT count(*) FROM (SELECT 1 FROM devices d INDEXED BY {index} WHERE 1 = 1");
                let mut values: Vec<Box<dyn ToSql>> = Vec::new();
                push_filters_as(&mut count, &mut values, query, "");
                count.push_str(" LIMIT ?)");
                values.push(Box::new(COMMON));
                let filter_rows: i64 = conn
                    .prepare_cached(&count)?
                    .query_row(rusqlite::params_from_iter(values.iter()), |r| r.get(0))?;
                if filter_rows < COMMON {
                    Plan::Filters
                } else {
                    Plan::Both
                }
            }
        }
    };
    let text_drives = plan == Plan::Text;
    let mut values: Vec<Box<dyn ToSql>> = Vec::new();
    let mut sql = match (plan, index) {
        // The trigram index yields matching rows newest first (rowid DESC), each joined on its
        // primary key, and the scan stops at the limit.
        (Plan::Text, _) => {
            values.push(Box::new(fts_query(&long)));
            format!("SELECT {DEVICE_COLUMNS} FROM devices_fts f CROSS JOIN devices d ON d.id = f.rowid WHERE devices_fts MATCH ?")
        }
        (Plan::Both, Some(index)) => {
            values.push(Box::new(fts_query(&long)));
            format!(
                "SELECT {DEVICE_COLUMNS} FROM devices d INDEXED BY {index} WHERE d.id IN (SELECT rowid FROM devices_fts WHERE devices_fts MATCH ?)"
            )
        }
        (_, Some(index)) => format!("SELECT {DEVICE_COLUMNS} FROM devices d INDEXED BY {index} WHERE 1 = 1"),
        (_, None) => format!("SELECT {DEVICE_COLUMNS} FROM devices d WHERE 1 = 1"),
    };
    push_filters_as(&mut sql, &mut values, query, if text_drives { "+" } else { "" });
    if plan == Plan::Filters {
        push_like(&mut sql, &mut values, &long);
    }
    push_like(&mut sql, &mut values, &short);
    sql.push_str(if text_drives {
        " ORDER BY f.rowid DESC LIMIT ?"
    } else {
        " ORDER BY d.id DESC LIMIT ?"
    });
    values.push(Box::new(query.limit as i64));
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(values.iter()), device_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn set_state(conn: &Db, id: i64, state: DeviceState, now: &str) -> Result<()> {
    conn.execute(
        "UPDATE devices SET state = ?1, updated_at = ?2 WHERE id = ?3",
        params![state, now, id],
    )?;
    Ok(())
}

pub fn insert_event(conn: &Db, device_id: i64, event: &DeviceEvent) -> Result<()> {
    insert_events(conn, &[(device_id, event)])
}

/// Lines of history, [`BATCH`] per statement (the outbox's trigger watches them).
pub fn insert_events(conn: &Db, events: &[(i64, &DeviceEvent)]) -> Result<()> {
    for chunk in events.chunks(BATCH) {
        let sql = format!(
            "INSERT INTO device_events (uuid, device_id, at, action, from_state, to_state, operator, reason) VALUES {}",
            placeholders(chunk.len(), 8)
        );
        let mut values = Vec::with_capacity(chunk.len() * 8);
        for (device_id, event) in chunk {
            values.extend([
                value(event.uuid.to_string())?,
                value(*device_id)?,
                value(&event.at)?,
                value(event.action)?,
                value(event.from_state)?,
                value(event.to_state)?,
                value(&event.operator)?,
                value(&event.reason)?,
            ]);
        }
        conn.prepare_cached(&sql)?.execute(rusqlite::params_from_iter(values))?;
    }
    Ok(())
}

/// A device's history, oldest first.
pub fn history(conn: &Db, device_id: i64) -> Result<Vec<DeviceEvent>> {
    let mut stmt = conn.prepare_cached(
        "SELECT uuid, at, action, from_state, to_state, operator, reason
         FROM device_events WHERE device_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([device_id], |row| {
        let uuid: String = row.get(0)?;
        Ok(DeviceEvent {
            uuid: uuid
                .parse()
                .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))?,
            at: row.get(1)?,
            action: row.get(2)?,
            from_state: row.get(3)?,
            to_state: row.get(4)?,
            operator: row.get(5)?,
            reason: row.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How many devices per state, and per kind among those on sale.
pub fn summary(conn: &Db) -> Result<StockSummary> {
    let mut summary = StockSummary::default();
    let mut stmt = conn.prepare_cached("SELECT state, count(*) FROM devices GROUP BY state")?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, DeviceState>(0)?, r.get::<_, i64>(1)?)))? {
        let (state, n) = row?;
        summary.total += n;
        summary.by_state.push((state, n));
    }
    let mut stmt = conn.prepare_cached(
        "SELECT kind, count(*) FROM devices WHERE state = 'available' GROUP BY kind ORDER BY count(*) DESC",
    )?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, DeviceKind>(0)?, r.get::<_, i64>(1)?)))? {
        summary.available_by_kind.push(row?);
    }
    summary.by_state.sort();
    Ok(summary)
}
