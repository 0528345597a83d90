//! What the network console reads: the stock by centre, state, kind, category and
//! refurbisher, and each centre's sync health.

use super::*;

/// The stock page's filters, as the form sends them (empty: all).
#[derive(Debug, Default, serde::Deserialize)]
pub struct StockFilter {
    #[serde(default)]
    pub centre: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub refurbisher: String,
    /// Non-empty: one row per centre too (else the network's totals, unless a centre is
    /// chosen).
    #[serde(default)]
    pub par_centre: String,
}

impl StockFilter {
    /// Whether the rows are by centre: asked for, or one centre chosen.
    pub fn by_centre(&self) -> bool {
        !self.par_centre.is_empty() || !self.centre.trim().is_empty()
    }
}

/// A count of the network's devices by centre, state, kind, category and refurbisher.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StockRow {
    pub centre: String,
    pub state: String,
    pub kind: String,
    pub category: Option<String>,
    pub refurbisher: Option<String>,
    pub count: i64,
}

/// The console's stock page: counts by state, kind, category and refurbisher (and centre,
/// when [`StockFilter::by_centre`]; else the centre reads « tous »), each filter applied when
/// given (the centre and refurbisher as typed, case ignored). Read from the `devices_overview`
/// index, in its order.
pub fn stock_overview(conn: &Connection, f: &StockFilter) -> Result<Vec<StockRow>> {
    let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let (centre, group) = if f.by_centre() {
        (
            "coalesce(centre_id, '(réseau)')",
            "state, kind, category, refurbisher, centre_id",
        )
    } else {
        ("'tous'", "state, kind, category, refurbisher")
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {centre}, state, kind, category, refurbisher, count(*)
         FROM devices
         WHERE (?1 IS NULL OR centre_id = upper(?1)) AND (?2 IS NULL OR state = ?2) AND (?3 IS NULL OR kind = ?3)
           AND (?4 IS NULL OR category = ?4) AND (?5 IS NULL OR lower(refurbisher) = lower(?5))
         GROUP BY {group} ORDER BY {group}"
    ))?;
    let rows = stmt.query_map(
        params![
            text(&f.centre),
            text(&f.state),
            text(&f.kind),
            text(&f.category),
            text(&f.refurbisher)
        ],
        |r| {
            Ok(StockRow {
                centre: r.get(0)?,
                state: r.get(1)?,
                kind: r.get(2)?,
                category: r.get(3)?,
                refurbisher: r.get(4)?,
                count: r.get(5)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A centre's sync health, as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CentreHealth {
    pub id: String,
    pub name: String,
    pub revoked: bool,
    /// The last push received, the last pull of any of its posts.
    pub last_push: Option<String>,
    pub last_pull: Option<String>,
    /// Its registers' codes, and how many posts pull.
    pub registers: Vec<String>,
    pub posts: i64,
    pub open_conflicts: i64,
    pub devices: i64,
    /// The events its posts said they still had to send at their last pull (none: no post
    /// of this version says it), and the app versions its posts run.
    pub waiting: Option<i64>,
    pub versions: Vec<String>,
    /// The département the centre declared (its settings), where the network reports place it.
    pub departement: Option<String>,
}

/// Every centre's sync health, in id order.
pub fn centres_health(conn: &Connection) -> Result<Vec<CentreHealth>> {
    let mut stmt = conn.prepare(
        "SELECT c.id, c.name, c.revoked_at IS NOT NULL,
                (SELECT max(received_at) FROM events e WHERE e.centre_id = c.id),
                (SELECT max(seen_at) FROM registers r WHERE r.centre_id = c.id),
                (SELECT group_concat(DISTINCT register) FROM registers r WHERE r.centre_id = c.id),
                (SELECT count(*) FROM registers r WHERE r.centre_id = c.id),
                (SELECT count(*) FROM conflicts k WHERE k.centre_id = c.id AND k.closed_at IS NULL),
                (SELECT count(*) FROM devices d WHERE d.centre_id = c.id),
                (SELECT sum(waiting) FROM registers r WHERE r.centre_id = c.id),
                (SELECT group_concat(DISTINCT app_version) FROM registers r WHERE r.centre_id = c.id),
                c.departement
         FROM centres c ORDER BY c.id",
    )?;
    let rows = stmt.query_map([], |r| {
        let registers: Option<String> = r.get(5)?;
        let mut registers: Vec<String> = registers
            .map(|t| t.split(',').map(str::to_string).collect())
            .unwrap_or_default();
        registers.sort();
        let versions: Option<String> = r.get(10)?;
        let mut versions: Vec<String> = versions
            .map(|t| t.split(',').map(str::to_string).collect())
            .unwrap_or_default();
        versions.sort();
        Ok(CentreHealth {
            id: r.get(0)?,
            name: r.get(1)?,
            revoked: r.get(2)?,
            last_push: r.get(3)?,
            last_pull: r.get(4)?,
            registers,
            posts: r.get(6)?,
            open_conflicts: r.get(7)?,
            devices: r.get(8)?,
            waiting: r.get(9)?,
            versions,
            departement: r.get(11)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The stock on hand by kind: (kind, devices at the network's stock, devices at centres not yet
/// sold, lent or set aside: allocated, received or on sale). Grouped by state and kind in the
/// index's order (no sort of a million rows), summed here.
pub fn stock_on_hand(conn: &Connection) -> Result<Vec<(String, i64, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT state, kind, count(*) FROM devices
         WHERE state IN ('stock', 'allocated', 'received', 'available') GROUP BY state, kind",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?))
    })?;
    let mut by_kind: std::collections::BTreeMap<String, (i64, i64)> = Default::default();
    for row in rows {
        let (state, kind, n) = row?;
        let entry = by_kind.entry(kind).or_default();
        if state == "stock" {
            entry.0 += n;
        } else {
            entry.1 += n;
        }
    }
    Ok(by_kind
        .into_iter()
        .map(|(kind, (network, centres))| (kind, network, centres))
        .collect())
}
