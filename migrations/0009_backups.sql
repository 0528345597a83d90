-- Data at rest: who noted the recovery phrase, where backups go, and the backups made.

-- No row: the recovery phrase has not been noted yet (it is shown at start until it is).
CREATE TABLE key_phrase (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    acknowledged_at TEXT NOT NULL,
    acknowledged_by TEXT NOT NULL
);

-- The backup folder (a USB stick, a network share); no row: the default folder beside the
-- database.
CREATE TABLE backup_settings (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    folder     TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

-- Every good backup: verified after writing, before it took its final name.
CREATE TABLE backups (
    id              INTEGER PRIMARY KEY,
    made_at         TEXT NOT NULL,
    file            TEXT NOT NULL,
    bytes           INTEGER NOT NULL,
    journal_entries INTEGER NOT NULL,
    journal_head    TEXT NOT NULL,
    reason          TEXT NOT NULL CHECK (reason IN ('quotidienne', 'clôture', 'manuelle'))
);
CREATE INDEX backups_made_at ON backups (made_at);
