//! What a post says at its pull (its register code, app version, events waiting) is written
//! without ever delaying the pull's answer, and at most once per [`EVERY`] for each post
//! (issue 45: 200 centres pulling every few seconds made as many writes through the one
//! writer). A post seen for the first time, or saying another register code (which another
//! post's clash check reads), is written at once if the writer is free; everything else is
//! kept in memory (the latest per post) and written by one background thread when due and
//! when the writer is free: an import of 100,000 devices holds it for seconds (issue 34).
//!
//! Invariant: a post's row is never set back to an older pull (`db::record_post` keeps the
//! newest `seen_at`); what a post said last is written within [`EVERY`] of its previous
//! write once the writer is free, by one thread at a time; nothing waits in a pull.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, TryLockError};
use std::time::{Duration, Instant};

use crate::db::{self, PostSeen};
use crate::Hub;

/// At most one write of a post's pulls per this long (`serve --post-record-every`).
pub const EVERY: Duration = Duration::from_secs(60);

/// A post: (centre, post id).
type Key = (String, String);

#[derive(Default)]
pub struct Waiting {
    /// What each post said at its last pull not yet written, and when.
    seen: Mutex<HashMap<Key, (PostSeen, String)>>,
    /// When each post's row was last written, and the register code it said then.
    written: Mutex<HashMap<Key, (Instant, String)>>,
    flushing: AtomicBool,
    pub(crate) every: OnceLock<Duration>,
}

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Waiting {
    fn every(&self) -> Duration {
        self.every.get().copied().unwrap_or(EVERY)
    }

    /// When this pull's figures are due to be written: now for a post not written within
    /// [`EVERY`] or saying another register code, else at the end of that interval.
    fn due_in(&self, key: &Key, register: &str) -> Duration {
        match locked(&self.written).get(key) {
            Some((when, said)) if said == register => self.every().saturating_sub(when.elapsed()),
            _ => Duration::ZERO,
        }
    }

    fn mark_written(&self, key: Key, register: &str) {
        locked(&self.written).insert(key, (Instant::now(), register.to_string()));
    }
}

/// Records a post's pull: now if due and the writer is free, else later.
/// The writer may be held by this process (a console's import) or the database's write lock by
/// another (`comptoir-hub import`): either way, the pull does not wait.
pub fn record(hub: &Arc<Hub>, centre: &str, seen: PostSeen) -> db::Result<()> {
    let at = db::now();
    let key = (centre.to_string(), seen.post.clone());
    if !hub.waiting_posts.due_in(&key, &seen.register).is_zero() {
        return wait(hub, key, seen, at);
    }
    let writer = match hub.writer.try_lock() {
        Ok(writer) => writer,
        Err(TryLockError::Poisoned(p)) => p.into_inner(),
        Err(TryLockError::WouldBlock) => return wait(hub, key, seen, at),
    };
    match db::record_post_now(&writer, centre, &seen, &at) {
        Ok(true) => {
            // What waited for this post is older than what was just written.
            locked(&hub.waiting_posts.seen).remove(&key);
            hub.waiting_posts.mark_written(key, &seen.register);
            Ok(())
        }
        Ok(false) => {
            drop(writer);
            wait(hub, key, seen, at)
        }
        Err(e) => Err(e),
    }
}

/// Keeps the pull for the background thread, starting it if none runs.
fn wait(hub: &Arc<Hub>, key: Key, seen: PostSeen, at: String) -> db::Result<()> {
    locked(&hub.waiting_posts.seen).insert(key, (seen, at));
    if !hub.waiting_posts.flushing.swap(true, Ordering::AcqRel) {
        let hub = hub.clone();
        std::thread::spawn(move || flush(&hub));
    }
    Ok(())
}

/// Writes what waits as it falls due, until nothing waits.
fn flush(hub: &Hub) {
    let posts = &hub.waiting_posts;
    loop {
        // The due ones, taken out; the soonest of the others.
        let mut next = Duration::from_secs(1);
        let due: Vec<(Key, (PostSeen, String))> = {
            let mut seen = locked(&posts.seen);
            let keys: Vec<Key> = seen
                .iter()
                .filter(|(key, (said, _))| {
                    let wait = posts.due_in(key, &said.register);
                    next = next.min(wait);
                    wait.is_zero()
                })
                .map(|(key, _)| key.clone())
                .collect();
            keys.into_iter().filter_map(|k| seen.remove_entry(&k)).collect()
        };
        if !due.is_empty() {
            let writer = hub.writer();
            for (key, (said, at)) in due {
                match db::record_post_now(&writer, &key.0, &said, &at) {
                    Ok(true) => posts.mark_written(key, &said.register),
                    // Another process holds the write lock: kept (unless a newer pull came).
                    Ok(false) => {
                        locked(&posts.seen).entry(key).or_insert((said, at));
                    }
                    Err(e) => tracing::warn!("dernier passage d'un poste non enregistré : {e}"),
                }
            }
            drop(writer);
            std::thread::sleep(Duration::from_millis(50));
            continue;
        }
        if locked(&posts.seen).is_empty() {
            posts.flushing.store(false, Ordering::Release);
            // A pull may have queued between the look and the store: keep going if so.
            let more = !locked(&posts.seen).is_empty();
            if !more || posts.flushing.swap(true, Ordering::AcqRel) {
                return;
            }
            continue;
        }
        std::thread::sleep(next.max(Duration::from_millis(50)));
    }
}
