//! The stock list's in-memory index, for a process that searches the stock again and again
//! (the window): each device's id, kind, state, category and folded text, newest first, in
//! flat arrays, searched with a vectorised substring search. A text shared by a quarter of
//! the stock, with filters that exclude all of it, reads every match in the trigram index
//! (8 ms at 100,000 devices here); this answers it in about a millisecond.
//!
//! It is a cache of the `devices` table, never a source: it is rebuilt whenever the
//! generation counter of migration 12 has moved (a device added, removed, or its state, kind,
//! category or text changed), and the rows it names are read again from the database and
//! checked against the filters before they are returned. A process that does not share one
//! (the command line, which searches once) is answered by SQL alone.

use super::Db;
use std::sync::{Arc, Mutex};

use memchr::memmem::Finder;

use crate::device::{Category, DeviceKind, DeviceState};
use crate::error::Result;
use crate::model::stock::StockQuery;

/// One index shared by every connection of a process (the writer and the readers).
#[derive(Default)]
pub struct SharedStockIndex {
    current: Mutex<Option<Arc<StockIndex>>>,
}

impl SharedStockIndex {
    pub fn new() -> Arc<SharedStockIndex> {
        Arc::new(SharedStockIndex::default())
    }

    /// The index as `conn` sees the stock now: the one held when it is as recent, else one
    /// built from `conn` (the others wait meanwhile, and then use it).
    pub(super) fn get(&self, conn: &Db) -> Result<Arc<StockIndex>> {
        let generation = generation(conn)?;
        let mut current = self.current.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(index) = current.as_ref().filter(|i| i.generation >= generation) {
            return Ok(index.clone());
        }
        let index = Arc::new(StockIndex::build(conn, generation)?);
        *current = Some(index.clone());
        Ok(index)
    }
}

fn generation(conn: &Db) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT generation FROM stock_generation WHERE id = 1")?
        .query_row([], |r| r.get(0))?)
}

/// The devices, newest first: row `i` is `ids[i]`, its text `text[starts[i]..starts[i + 1] - 1]`
/// (each text ends with a NUL, which no folded text holds).
pub struct StockIndex {
    generation: i64,
    ids: Vec<i64>,
    kinds: Vec<DeviceKind>,
    states: Vec<DeviceState>,
    categories: Vec<Option<Category>>,
    text: Vec<u8>,
    starts: Vec<usize>,
}

impl StockIndex {
    fn build(conn: &Db, generation: i64) -> Result<StockIndex> {
        let mut index = StockIndex {
            generation,
            ids: Vec::new(),
            kinds: Vec::new(),
            states: Vec::new(),
            categories: Vec::new(),
            text: Vec::new(),
            starts: vec![0],
        };
        let mut stmt = conn.prepare("SELECT id, kind, state, category, search_text FROM devices ORDER BY id DESC")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            index.ids.push(row.get(0)?);
            index.kinds.push(row.get(1)?);
            index.states.push(row.get(2)?);
            index.categories.push(row.get(3)?);
            let text = row.get_ref(4)?.as_str().map_err(rusqlite::Error::from)?;
            index.text.extend(text.bytes().filter(|b| *b != 0));
            index.text.push(0);
            index.starts.push(index.text.len());
        }
        Ok(index)
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The ids of the devices whose text holds every term (folded, non-empty) and that pass
    /// the filters, newest first, at most `query.limit`.
    pub(super) fn search(&self, query: &StockQuery, terms: &[String]) -> Vec<i64> {
        let mut terms: Vec<&str> = terms.iter().map(String::as_str).filter(|t| !t.is_empty()).collect();
        // The longest term drives (its matches are the fewest); the others are checked in
        // each matching row.
        terms.sort_by_key(|t| std::cmp::Reverse(t.len()));
        let Some((driver, others)) = terms.split_first() else {
            return Vec::new();
        };
        let others: Vec<Finder<'_>> = others.iter().map(|t| Finder::new(t.as_bytes())).collect();
        let mut found = Vec::new();
        let mut row = 0;
        let mut last = usize::MAX;
        for at in Finder::new(driver.as_bytes()).find_iter(&self.text) {
            // Matches come in text order, so the row only moves forward.
            while self.starts[row + 1] <= at {
                row += 1;
            }
            if row == last {
                continue;
            }
            last = row;
            let text = &self.text[self.starts[row]..self.starts[row + 1] - 1];
            if query.admits(self.kinds[row], self.categories[row], self.states[row])
                && others.iter().all(|f| f.find(text).is_some())
            {
                found.push(self.ids[row]);
                if found.len() >= query.limit {
                    break;
                }
            }
        }
        found
    }
}
