-- Comptoir schema 3: the point of sale. Settings of this register, permanences (cash
-- sessions), sales with their lines and payments, credit notes, and the journal: an
-- append-only chain of SHA-256 hashes over a canonical serialisation of every act.

CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) STRICT;

CREATE TABLE journal (
    seq        INTEGER PRIMARY KEY,
    uuid       TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL,
    at         TEXT NOT NULL,
    operator   TEXT NOT NULL,
    content    TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
) STRICT;
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal BEGIN
    SELECT RAISE(ABORT, 'journal is append-only: corrections are new entries');
END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal BEGIN
    SELECT RAISE(ABORT, 'journal is append-only: corrections are new entries');
END;

CREATE TABLE cash_sessions (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL UNIQUE,
    opened_at     TEXT NOT NULL,
    opened_by     TEXT NOT NULL,
    float_cents   INTEGER NOT NULL CHECK (float_cents >= 0),
    closed_at     TEXT,
    closed_by     TEXT,
    close_seq     INTEGER REFERENCES journal (seq)
) STRICT;
-- At most one open permanence per register.
CREATE UNIQUE INDEX cash_sessions_one_open ON cash_sessions ((closed_at IS NULL)) WHERE closed_at IS NULL;

CREATE TABLE receipt_counters (
    series  TEXT PRIMARY KEY,
    last    INTEGER NOT NULL
) STRICT;

CREATE TABLE sales (
    id           INTEGER PRIMARY KEY,
    uuid         TEXT NOT NULL UNIQUE,
    receipt      TEXT NOT NULL UNIQUE,
    session_id   INTEGER NOT NULL REFERENCES cash_sessions (id),
    person_id    INTEGER REFERENCES people (id),
    programme    TEXT,
    at           TEXT NOT NULL,
    operator     TEXT NOT NULL,
    total_cents  INTEGER NOT NULL,
    -- Cash given back: payments are stored as tendered.
    change_cents INTEGER NOT NULL DEFAULT 0 CHECK (change_cents >= 0),
    journal_seq  INTEGER NOT NULL REFERENCES journal (seq)
) STRICT;
CREATE INDEX sales_person ON sales (person_id);

CREATE TABLE sale_lines (
    sale_id      INTEGER NOT NULL REFERENCES sales (id),
    line_no      INTEGER NOT NULL,
    device_id    INTEGER REFERENCES devices (id),
    kind         TEXT NOT NULL,
    category     TEXT,
    label        TEXT NOT NULL,
    quantity     INTEGER NOT NULL CHECK (quantity > 0),
    unit_cents   INTEGER NOT NULL CHECK (unit_cents >= 0),
    PRIMARY KEY (sale_id, line_no)
) STRICT;

CREATE TABLE payments (
    sale_id       INTEGER NOT NULL REFERENCES sales (id),
    method        TEXT NOT NULL,
    amount_cents  INTEGER NOT NULL CHECK (amount_cents > 0),
    reference     TEXT
) STRICT;
CREATE INDEX payments_sale ON payments (sale_id);

CREATE TABLE credit_notes (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL UNIQUE,
    number        TEXT NOT NULL UNIQUE,
    sale_id       INTEGER NOT NULL REFERENCES sales (id),
    -- NULL: the whole sale; else the one line cancelled.
    line_no       INTEGER,
    session_id    INTEGER NOT NULL REFERENCES cash_sessions (id),
    at            TEXT NOT NULL,
    operator      TEXT NOT NULL,
    reason        TEXT NOT NULL,
    refund_method TEXT NOT NULL,
    amount_cents  INTEGER NOT NULL,
    journal_seq   INTEGER NOT NULL REFERENCES journal (seq)
) STRICT;
CREATE INDEX credit_notes_sale ON credit_notes (sale_id);

-- Daily, monthly and yearly closings, each once (the figures are in its journal entry).
CREATE TABLE closings (
    period_key   TEXT PRIMARY KEY,
    journal_seq  INTEGER NOT NULL REFERENCES journal (seq)
) STRICT;
CREATE TRIGGER closings_no_update BEFORE UPDATE ON closings BEGIN SELECT RAISE(ABORT, 'closings are append-only'); END;
CREATE TRIGGER closings_no_delete BEFORE DELETE ON closings BEGIN SELECT RAISE(ABORT, 'closings are append-only'); END;

-- Equipment from a sale points at it, so that a cancelled sale no longer counts for the limits.
ALTER TABLE equipment_received ADD COLUMN sale_id INTEGER REFERENCES sales (id);
ALTER TABLE equipment_received ADD COLUMN sale_line INTEGER;

CREATE TRIGGER sales_no_update BEFORE UPDATE ON sales BEGIN SELECT RAISE(ABORT, 'sales are append-only'); END;
CREATE TRIGGER sales_no_delete BEFORE DELETE ON sales BEGIN SELECT RAISE(ABORT, 'sales are append-only'); END;
CREATE TRIGGER sale_lines_no_update BEFORE UPDATE ON sale_lines BEGIN SELECT RAISE(ABORT, 'sales are append-only'); END;
CREATE TRIGGER sale_lines_no_delete BEFORE DELETE ON sale_lines BEGIN SELECT RAISE(ABORT, 'sales are append-only'); END;
CREATE TRIGGER payments_no_update BEFORE UPDATE ON payments BEGIN SELECT RAISE(ABORT, 'sales are append-only'); END;
CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments BEGIN SELECT RAISE(ABORT, 'sales are append-only'); END;
CREATE TRIGGER credit_notes_no_update BEFORE UPDATE ON credit_notes BEGIN SELECT RAISE(ABORT, 'credit notes are append-only'); END;
CREATE TRIGGER credit_notes_no_delete BEFORE DELETE ON credit_notes BEGIN SELECT RAISE(ABORT, 'credit notes are append-only'); END;
