//! What a post says at its pull (its register code, app version, events waiting) is written
//! without ever delaying the pull's answer (issue 34): at once when the hub's writer is free,
//! else kept (the latest per post) and written by one background thread as soon as the writer
//! is free again: an import of 100,000 devices holds it for seconds.
//!
//! Invariant: a post's row is never set back to an older pull (`db::record_post` keeps the
//! newest `seen_at`); what waits is written once the writer is free, by one thread at a time.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, TryLockError};

use crate::db::{self, PostSeen};
use crate::Hub;

/// The posts' pulls waiting for the writer, by (centre, post): what it said, and when.
#[derive(Default)]
pub struct Waiting {
    seen: Mutex<HashMap<(String, String), (PostSeen, String)>>,
    flushing: AtomicBool,
}

/// Records a post's pull now if the writer is free, else soon.
/// The writer may be held by this process (a console's import) or the database's write lock by
/// another (`comptoir-hub import`): either way, the pull does not wait.
pub fn record(hub: &Arc<Hub>, centre: &str, seen: PostSeen) -> db::Result<()> {
    let at = db::now();
    let writer = match hub.writer.try_lock() {
        Ok(writer) => writer,
        Err(TryLockError::Poisoned(p)) => p.into_inner(),
        Err(TryLockError::WouldBlock) => return wait(hub, centre, seen, at),
    };
    match db::record_post_now(&writer, centre, &seen, &at) {
        Ok(true) => Ok(()),
        Ok(false) => {
            drop(writer);
            wait(hub, centre, seen, at)
        }
        Err(e) => Err(e),
    }
}

/// Keeps the pull for the background thread, starting it if none runs.
fn wait(hub: &Arc<Hub>, centre: &str, seen: PostSeen, at: String) -> db::Result<()> {
    let key = (centre.to_string(), seen.post.clone());
    hub.waiting_posts
        .seen
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(key, (seen, at));
    if !hub.waiting_posts.flushing.swap(true, Ordering::AcqRel) {
        let hub = hub.clone();
        std::thread::spawn(move || flush(&hub));
    }
    Ok(())
}

/// Writes what waits, until nothing does.
fn flush(hub: &Hub) {
    loop {
        let batch: Vec<_> = std::mem::take(&mut *hub.waiting_posts.seen.lock().unwrap_or_else(|p| p.into_inner()))
            .into_iter()
            .collect();
        if !batch.is_empty() {
            let writer = hub.writer();
            for ((centre, _), (seen, at)) in &batch {
                if let Err(e) = db::record_post(&writer, centre, seen, at) {
                    tracing::warn!("dernier passage d'un poste non enregistré : {e}");
                }
            }
            continue;
        }
        hub.waiting_posts.flushing.store(false, Ordering::Release);
        // A pull may have queued between the take and the store: keep going if so.
        let more = !hub
            .waiting_posts
            .seen
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_empty();
        if !more || hub.waiting_posts.flushing.swap(true, Ordering::AcqRel) {
            return;
        }
    }
}
