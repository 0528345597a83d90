-- Hub schema 1: centres (a hash of their token only), the network's devices, the per-centre
-- feed of changes, the events centres pushed (once per id), conflicts, the registers seen and
-- the published programmes. `IF NOT EXISTS`: hubs made before versioned schemas had these
-- tables already (at user_version 0), and move to version 1 unchanged.
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS centres (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
) STRICT;
CREATE TABLE IF NOT EXISTS devices (
    tag         TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    category    TEXT,
    device      TEXT NOT NULL,
    centre_id   TEXT REFERENCES centres (id),
    state       TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS devices_pick ON devices (state, kind, category);
CREATE TABLE IF NOT EXISTS changes (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    centre_id  TEXT NOT NULL REFERENCES centres (id),
    at         TEXT NOT NULL,
    change     TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS changes_centre ON changes (centre_id, seq);
CREATE TABLE IF NOT EXISTS events (
    centre_id    TEXT NOT NULL REFERENCES centres (id),
    uuid         TEXT NOT NULL,
    at           TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    type         TEXT NOT NULL,
    event        TEXT NOT NULL,
    status       TEXT NOT NULL,
    message      TEXT,
    PRIMARY KEY (centre_id, uuid)
) STRICT;
CREATE TABLE IF NOT EXISTS conflicts (
    id          INTEGER PRIMARY KEY,
    centre_id   TEXT NOT NULL,
    tag         TEXT,
    event_uuid  TEXT,
    message     TEXT NOT NULL,
    at          TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS registers (
    centre_id  TEXT NOT NULL,
    post       TEXT NOT NULL,
    register   TEXT NOT NULL,
    seen_at    TEXT NOT NULL,
    PRIMARY KEY (centre_id, post)
) STRICT;
CREATE TABLE IF NOT EXISTS programmes (
    name          TEXT PRIMARY KEY,
    content       TEXT NOT NULL,
    published_at  TEXT NOT NULL
) STRICT;
