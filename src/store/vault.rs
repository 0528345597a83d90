//! SQL of the recovery phrase's acknowledgement, the backup folder and the backups made.

use rusqlite::{params, OptionalExtension};

use crate::error::Result;
use crate::store::{now_text, Store};

/// When and by whom the recovery phrase was noted, if it was.
pub fn phrase_acknowledged(store: &Store) -> Result<Option<(String, String)>> {
    Ok(store
        .conn()
        .query_row(
            "SELECT acknowledged_at, acknowledged_by FROM key_phrase WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

pub fn acknowledge(store: &mut Store, by: &str) -> Result<()> {
    store.with_tx(|tx| {
        tx.execute(
            "INSERT OR IGNORE INTO key_phrase (id, acknowledged_at, acknowledged_by) VALUES (1, ?1, ?2)",
            params![now_text(), by],
        )?;
        Ok(())
    })
}

pub fn backup_folder(store: &Store) -> Result<Option<String>> {
    Ok(store
        .conn()
        .query_row("SELECT folder FROM backup_settings WHERE id = 1", [], |r| r.get(0))
        .optional()?)
}

pub fn set_backup_folder(store: &mut Store, folder: Option<&str>, by: &str) -> Result<()> {
    store.with_tx(|tx| {
        match folder {
            Some(folder) => tx.execute(
                "INSERT INTO backup_settings (id, folder, updated_at, updated_by) VALUES (1, ?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET folder = excluded.folder, updated_at = excluded.updated_at,
                 updated_by = excluded.updated_by",
                params![folder, now_text(), by],
            )?,
            None => tx.execute("DELETE FROM backup_settings", [])?,
        };
        Ok(())
    })
}

/// One good backup, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct BackupRecord {
    pub made_at: String,
    pub file: String,
    pub bytes: i64,
    pub journal_entries: i64,
    pub journal_head: String,
    pub reason: String,
}

pub fn record(store: &mut Store, backup: &BackupRecord) -> Result<()> {
    store.with_tx(|tx| {
        tx.execute(
            "INSERT INTO backups (made_at, file, bytes, journal_entries, journal_head, reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                backup.made_at,
                backup.file,
                backup.bytes,
                backup.journal_entries,
                backup.journal_head,
                backup.reason
            ],
        )?;
        Ok(())
    })
}

/// The latest good backups, newest first.
pub fn recent(store: &Store, limit: i64) -> Result<Vec<BackupRecord>> {
    let mut stmt = store.conn().prepare(
        "SELECT made_at, file, bytes, journal_entries, journal_head, reason FROM backups
         ORDER BY made_at DESC, id DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |r| {
        Ok(BackupRecord {
            made_at: r.get(0)?,
            file: r.get(1)?,
            bytes: r.get(2)?,
            journal_entries: r.get(3)?,
            journal_head: r.get(4)?,
            reason: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
