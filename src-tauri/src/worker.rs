//! The background worker: the daily maintenance and sync every 5 minutes, backing off on failure.

use crate::app::*;
use crate::commands::network::sync_round;

/// Background work: at start and then each pass, the closings of ended periods; the daily
/// backup, the daily retention purge, and sync every 5 minutes while the hub answers; after a failure, waits longer each
/// time (1, 2, 4… up to 30 minutes, with jitter). Does nothing while no hub is configured.
pub(crate) fn background_sync(handle: tauri::AppHandle) {
    std::thread::spawn(move || {
        let mut failures = 0u32;
        // At start, off the window's thread: the closings of the periods that ended while the
        // app was closed (a whole history's on a first upgrade), and the retention purge.
        {
            let app = handle.state::<App>();
            if let Ok(writer) = app.writer() {
                let mut report = desk::MaintenanceReport::default();
                let mut maintenance = app.maintenance.lock().unwrap_or_else(|p| p.into_inner());
                maintenance.closings(writer, &mut report);
                maintenance.purge(writer, desk::today(), &mut report);
            }
        }
        std::thread::sleep(Duration::from_secs(20));
        loop {
            let app = handle.state::<App>();
            // The core's daily maintenance: the retention purge once a day for a window left
            // open, the daily backup when the last good one is a day old.
            if let Ok(writer) = app.writer() {
                let mut maintenance = app.maintenance.lock().unwrap_or_else(|p| p.into_inner());
                maintenance.run(writer, desk::today(), std::time::Instant::now());
            }
            let configured = app.with_store(|store| network::config(store)).ok().flatten().is_some();
            let wait = if !configured {
                Duration::from_secs(60)
            } else {
                match sync_round(&app, network::Waiting::Background) {
                    Ok(_) => {
                        failures = 0;
                        Duration::from_secs(300)
                    }
                    Err(_) => {
                        failures += 1;
                        network::backoff(Duration::from_secs(60), failures).min(Duration::from_secs(1800))
                    }
                }
            };
            std::thread::sleep(wait);
        }
    });
}
