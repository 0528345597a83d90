-- Comptoir schema 1: the centre's stock, each device's history, and the delivery files imported.
-- A shipped migration is never edited: add a new file instead (see ARCHITECTURE.md).

CREATE TABLE devices (
    id                   INTEGER PRIMARY KEY,
    tag                  TEXT NOT NULL UNIQUE,
    kind                 TEXT NOT NULL CHECK (kind IN ('laptop','desktop','tablet','smartphone','screen',
                             'printer','multifunction','sim_card','data_topup','accessory')),
    category             TEXT CHECK (category IN ('HC','C','B','A','Premium')),
    state                TEXT NOT NULL CHECK (state IN ('allocated','received','available','reserved',
                             'sold','returned','defective')),
    brand                TEXT NOT NULL DEFAULT '',
    model                TEXT NOT NULL DEFAULT '',
    serial               TEXT,
    imei                 TEXT UNIQUE,
    cpu                  TEXT,
    ram_mb               INTEGER CHECK (ram_mb > 0),
    storage_kind         TEXT CHECK (storage_kind IN ('HDD','SSD','NVMe','eMMC','flash')),
    storage_gb           INTEGER CHECK (storage_gb > 0),
    screen_tenths_inch   INTEGER CHECK (screen_tenths_inch > 0),
    os                   TEXT,
    battery_serial       TEXT,
    charger_serial       TEXT,
    refurbisher          TEXT,
    erasure_certificate  TEXT,
    search_text          TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
) STRICT;

CREATE INDEX devices_serial ON devices (serial);
CREATE INDEX devices_filters ON devices (state, kind, category);
CREATE INDEX devices_kind ON devices (kind, category);

-- Free-text search: a trigram index over the folded text (accents and case removed by the
-- core before it is written), kept in step with `devices` by triggers.
CREATE VIRTUAL TABLE devices_fts USING fts5 (
    search_text, content = 'devices', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER devices_fts_insert AFTER INSERT ON devices BEGIN
    INSERT INTO devices_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER devices_fts_update AFTER UPDATE OF search_text ON devices BEGIN
    INSERT INTO devices_fts (devices_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO devices_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER devices_fts_delete AFTER DELETE ON devices BEGIN
    INSERT INTO devices_fts (devices_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;

-- A device is never deleted: it leaves the centre through a state (sold, returned).
CREATE TRIGGER devices_no_delete BEFORE DELETE ON devices BEGIN
    SELECT RAISE(ABORT, 'devices are never deleted: change their state instead');
END;

-- Every change of state, append-only: when, who, why.
CREATE TABLE device_events (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,
    device_id   INTEGER NOT NULL REFERENCES devices (id),
    at          TEXT NOT NULL,
    action      TEXT,
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    operator    TEXT NOT NULL,
    reason      TEXT NOT NULL
) STRICT;
CREATE INDEX device_events_device ON device_events (device_id, id);

CREATE TRIGGER device_events_no_update BEFORE UPDATE ON device_events BEGIN
    SELECT RAISE(ABORT, 'device_events is append-only');
END;
CREATE TRIGGER device_events_no_delete BEFORE DELETE ON device_events BEGIN
    SELECT RAISE(ABORT, 'device_events is append-only');
END;

-- Delivery files already imported, by content hash: the same file twice changes nothing.
CREATE TABLE imports (
    id           INTEGER PRIMARY KEY,
    sha256       TEXT NOT NULL UNIQUE,
    file_name    TEXT NOT NULL,
    imported_at  TEXT NOT NULL,
    operator     TEXT NOT NULL,
    created      INTEGER NOT NULL,
    unchanged    INTEGER NOT NULL
) STRICT;
