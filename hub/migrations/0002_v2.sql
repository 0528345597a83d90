-- Hub schema 2: the second protocol (/v2).
-- * Sales as the network may know them: the day, the register (NULL: « inconnu », a /v1
--   event), the receipt's sequence number, a pseudonymous person reference, the publics, the
--   programme, the lines and what was kept by payment method. Never a name or a contact.
-- * Which sale line holds each sold device (`sold_*`): the first to reach the hub.
-- * Conflicts carry their kind, the two sale lines in conflict, and when and how they closed.
-- * Each register's journal heads (the anchors), and the centre's public settings.

CREATE TABLE sales (
    centre_id    TEXT NOT NULL REFERENCES centres (id),
    uuid         TEXT NOT NULL,
    date         TEXT NOT NULL,
    register     TEXT,
    receipt_seq  INTEGER,
    person_ref   TEXT,
    publics      TEXT NOT NULL DEFAULT '[]',
    programme    TEXT,
    protocol     TEXT NOT NULL CHECK (protocol IN ('v1', 'v2')),
    received_at  TEXT NOT NULL,
    PRIMARY KEY (centre_id, uuid)
) STRICT;
CREATE INDEX sales_date ON sales (date);

CREATE TABLE sale_lines (
    centre_id     TEXT NOT NULL,
    sale_uuid     TEXT NOT NULL,
    line_no       INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    category      TEXT,
    quantity      INTEGER NOT NULL,
    unit_cents    INTEGER NOT NULL,
    tag           TEXT,
    cancelled_by  TEXT,
    PRIMARY KEY (centre_id, sale_uuid, line_no),
    FOREIGN KEY (centre_id, sale_uuid) REFERENCES sales (centre_id, uuid)
) STRICT;
CREATE INDEX sale_lines_tag ON sale_lines (tag) WHERE tag IS NOT NULL;

CREATE TABLE sale_payments (
    centre_id     TEXT NOT NULL,
    sale_uuid     TEXT NOT NULL,
    method        TEXT NOT NULL,
    amount_cents  INTEGER NOT NULL,
    PRIMARY KEY (centre_id, sale_uuid, method),
    FOREIGN KEY (centre_id, sale_uuid) REFERENCES sales (centre_id, uuid)
) STRICT;

CREATE TABLE credit_notes (
    centre_id     TEXT NOT NULL REFERENCES centres (id),
    uuid          TEXT NOT NULL,
    sale_uuid     TEXT,
    date          TEXT NOT NULL,
    register      TEXT,
    lines         TEXT NOT NULL DEFAULT '[]',
    programme     TEXT,
    amount_cents  INTEGER NOT NULL,
    refund        TEXT NOT NULL,
    PRIMARY KEY (centre_id, uuid)
) STRICT;

ALTER TABLE devices ADD COLUMN sold_centre TEXT;
ALTER TABLE devices ADD COLUMN sold_sale TEXT;
ALTER TABLE devices ADD COLUMN sold_line INTEGER;
-- The state the device had before the sale that holds it: where it goes back if that sale lets go.
ALTER TABLE devices ADD COLUMN state_before_sale TEXT;

-- Older rows: a recall sold offline, or a tag a centre claimed before the network's import.
ALTER TABLE conflicts ADD COLUMN kind TEXT NOT NULL DEFAULT 'other';
ALTER TABLE conflicts ADD COLUMN sale_uuid TEXT;
ALTER TABLE conflicts ADD COLUMN line_no INTEGER;
ALTER TABLE conflicts ADD COLUMN first_centre TEXT;
ALTER TABLE conflicts ADD COLUMN first_sale TEXT;
ALTER TABLE conflicts ADD COLUMN first_line INTEGER;
-- The centre the device belongs to, when it is neither sale's (a device of another centre sold).
ALTER TABLE conflicts ADD COLUMN owner_centre TEXT;
ALTER TABLE conflicts ADD COLUMN closed_at TEXT;
ALTER TABLE conflicts ADD COLUMN closed_how TEXT;
CREATE INDEX conflicts_open ON conflicts (tag) WHERE closed_at IS NULL;

CREATE TABLE journal_heads (
    centre_id    TEXT NOT NULL REFERENCES centres (id),
    register     TEXT NOT NULL,
    entries      INTEGER NOT NULL,
    hash         TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    PRIMARY KEY (centre_id, register, entries)
) STRICT;

ALTER TABLE centres ADD COLUMN declared_name TEXT;
ALTER TABLE centres ADD COLUMN commune TEXT;
ALTER TABLE centres ADD COLUMN postcode TEXT;
ALTER TABLE centres ADD COLUMN departement TEXT;
ALTER TABLE centres ADD COLUMN settings_at TEXT;
