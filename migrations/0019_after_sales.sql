-- Comptoir schema 19: after the sale (issue 20).
-- * `warranty_returns`: a device a family brings back under the legal conformity guarantee
--   (its deposit slip's number, the sale line it was handed over by, when it was handed over:
--   the sale, or the exchange that gave it), the fault as told. Append-only.
-- * `warranty_outcomes`: how a return ended, once: repaired (given back), exchanged (another
--   device of the same kind handed over, with its own gapless exchange number) or refunded (a
--   credit note). Append-only.
-- * `recycling_batches` and `recycled_devices`: devices beyond repair handed to an approved
--   collection point (DEEE), each with how its data was destroyed. Append-only.
-- * `loans`, `loan_deadlines`, `loan_ends`: devices lent (see below).
-- * `devices.state` gains `lent`, `lost` and `recycled`; `document_issues.kind` the documents of
--   after the sale (deposit and outcome slips, exchange, recycling list, loan agreement and
--   return). SQLite cannot alter a CHECK: this migration's hook (src/store/mod.rs,
--   `widen_checks`) rewrites the tables' declared SQL by SQLite's documented
--   procedure for loosening a constraint (writable_schema, schema_version + 1, integrity_check),
--   in the migration's transaction.

CREATE TABLE warranty_returns (
    id              INTEGER PRIMARY KEY,
    uuid            TEXT NOT NULL UNIQUE,
    number          TEXT NOT NULL UNIQUE,
    device_id       INTEGER NOT NULL REFERENCES devices (id),
    sale_id         INTEGER NOT NULL REFERENCES sales (id),
    line_no         INTEGER NOT NULL,
    -- When the device was handed over (its sale, or the exchange that gave it): the guarantee runs from it.
    delivered_at    TEXT NOT NULL,
    opened_at       TEXT NOT NULL,
    opened_by       TEXT NOT NULL,
    fault_category  TEXT NOT NULL,
    fault           TEXT NOT NULL,
    journal_seq     INTEGER NOT NULL REFERENCES journal (seq),
    FOREIGN KEY (sale_id, line_no) REFERENCES sale_lines (sale_id, line_no)
) STRICT;
CREATE INDEX warranty_returns_device ON warranty_returns (device_id);
CREATE INDEX warranty_returns_line ON warranty_returns (sale_id, line_no);
CREATE TRIGGER warranty_returns_no_update BEFORE UPDATE ON warranty_returns BEGIN
    SELECT RAISE(ABORT, 'warranty returns are append-only');
END;
CREATE TRIGGER warranty_returns_no_delete BEFORE DELETE ON warranty_returns BEGIN
    SELECT RAISE(ABORT, 'warranty returns are append-only');
END;

CREATE TABLE warranty_outcomes (
    return_id        INTEGER PRIMARY KEY REFERENCES warranty_returns (id),
    uuid             TEXT NOT NULL UNIQUE,
    outcome          TEXT NOT NULL CHECK (outcome IN ('repaired', 'exchanged', 'refunded')),
    diagnosis        TEXT NOT NULL,
    at               TEXT NOT NULL,
    operator         TEXT NOT NULL,
    exchange_number  TEXT UNIQUE,
    new_device_id    INTEGER REFERENCES devices (id),
    credit_note      TEXT REFERENCES credit_notes (number),
    journal_seq      INTEGER NOT NULL REFERENCES journal (seq),
    CHECK ((outcome = 'exchanged') = (exchange_number IS NOT NULL AND new_device_id IS NOT NULL)),
    CHECK ((outcome = 'refunded') = (credit_note IS NOT NULL))
) STRICT;
CREATE INDEX warranty_outcomes_new_device ON warranty_outcomes (new_device_id) WHERE new_device_id IS NOT NULL;
CREATE TRIGGER warranty_outcomes_no_update BEFORE UPDATE ON warranty_outcomes BEGIN
    SELECT RAISE(ABORT, 'warranty outcomes are append-only');
END;
CREATE TRIGGER warranty_outcomes_no_delete BEFORE DELETE ON warranty_outcomes BEGIN
    SELECT RAISE(ABORT, 'warranty outcomes are append-only');
END;

CREATE TABLE recycling_batches (
    id                INTEGER PRIMARY KEY,
    uuid              TEXT NOT NULL UNIQUE,
    number            TEXT NOT NULL UNIQUE,
    collection_point  TEXT NOT NULL,
    handed_on         TEXT NOT NULL,
    reference         TEXT NOT NULL,
    at                TEXT NOT NULL,
    operator          TEXT NOT NULL,
    journal_seq       INTEGER NOT NULL REFERENCES journal (seq)
) STRICT;
CREATE TABLE recycled_devices (
    batch_id        INTEGER NOT NULL REFERENCES recycling_batches (id),
    device_id       INTEGER NOT NULL UNIQUE REFERENCES devices (id),
    -- How its data was destroyed: an erasure (the record in force), the storage destroyed, or
    -- a device that holds no user data.
    destruction     TEXT NOT NULL CHECK (destruction IN ('erasure', 'physical', 'no_data')),
    erasure_record  INTEGER REFERENCES device_records (id),
    detail          TEXT NOT NULL,
    PRIMARY KEY (batch_id, device_id),
    CHECK ((destruction = 'erasure') = (erasure_record IS NOT NULL))
) STRICT;
CREATE TRIGGER recycling_batches_no_update BEFORE UPDATE ON recycling_batches BEGIN
    SELECT RAISE(ABORT, 'recycling batches are append-only');
END;
CREATE TRIGGER recycling_batches_no_delete BEFORE DELETE ON recycling_batches BEGIN
    SELECT RAISE(ABORT, 'recycling batches are append-only');
END;
CREATE TRIGGER recycled_devices_no_update BEFORE UPDATE ON recycled_devices BEGIN
    SELECT RAISE(ABORT, 'recycled devices are append-only');
END;
CREATE TRIGGER recycled_devices_no_delete BEFORE DELETE ON recycled_devices BEGIN
    SELECT RAISE(ABORT, 'recycled devices are append-only');
END;

-- Loans: a device lent to a person for a while, under a programme that lends, with a due date,
-- a date after which a manager may declare it lost, and an optional deposit (a cheque kept
-- uncashed, or cash: then the permanence it went into). Append-only; its end is one row of
-- `loan_ends` (given back with its condition, lost, or turned into a sale), and a manager's new
-- « lost after » date is a row of `loan_deadlines` (the latest holds).
CREATE TABLE loans (
    id                 INTEGER PRIMARY KEY,
    uuid               TEXT NOT NULL UNIQUE,
    number             TEXT NOT NULL UNIQUE,
    device_id          INTEGER NOT NULL REFERENCES devices (id),
    person_id          INTEGER NOT NULL REFERENCES people (id),
    programme          TEXT NOT NULL,
    lent_at            TEXT NOT NULL,
    due_on             TEXT NOT NULL,
    lost_after         TEXT NOT NULL,
    deposit_method     TEXT CHECK (deposit_method IN ('cash', 'cheque')),
    deposit_cents      INTEGER NOT NULL CHECK (deposit_cents >= 0),
    deposit_reference  TEXT,
    session_id         INTEGER REFERENCES cash_sessions (id),
    operator           TEXT NOT NULL,
    journal_seq        INTEGER NOT NULL REFERENCES journal (seq),
    CHECK ((deposit_method IS NULL) = (deposit_cents = 0)),
    CHECK ((deposit_method = 'cash') = (session_id IS NOT NULL))
) STRICT;
CREATE INDEX loans_device ON loans (device_id);
CREATE INDEX loans_person ON loans (person_id);
CREATE TRIGGER loans_no_update BEFORE UPDATE ON loans BEGIN
    SELECT RAISE(ABORT, 'loans are append-only');
END;
CREATE TRIGGER loans_no_delete BEFORE DELETE ON loans BEGIN
    SELECT RAISE(ABORT, 'loans are append-only');
END;

CREATE TABLE loan_deadlines (
    id           INTEGER PRIMARY KEY,
    loan_id      INTEGER NOT NULL REFERENCES loans (id),
    lost_after   TEXT NOT NULL,
    at           TEXT NOT NULL,
    operator     TEXT NOT NULL,
    journal_seq  INTEGER NOT NULL REFERENCES journal (seq)
) STRICT;
CREATE INDEX loan_deadlines_loan ON loan_deadlines (loan_id, id);
CREATE TRIGGER loan_deadlines_no_update BEFORE UPDATE ON loan_deadlines BEGIN
    SELECT RAISE(ABORT, 'loan deadlines are append-only');
END;
CREATE TRIGGER loan_deadlines_no_delete BEFORE DELETE ON loan_deadlines BEGIN
    SELECT RAISE(ABORT, 'loan deadlines are append-only');
END;

CREATE TABLE loan_ends (
    loan_id      INTEGER PRIMARY KEY REFERENCES loans (id),
    uuid         TEXT NOT NULL UNIQUE,
    how          TEXT NOT NULL CHECK (how IN ('returned', 'lost', 'sold')),
    at           TEXT NOT NULL,
    operator     TEXT NOT NULL,
    condition    TEXT CHECK (condition IN ('good', 'damaged', 'accessories_missing')),
    notes        TEXT NOT NULL,
    -- What became of the deposit: none was taken, given back, kept (lost or damaged), or paid
    -- (a cash deposit counted as the sale's payment).
    deposit      TEXT NOT NULL CHECK (deposit IN ('none', 'given_back', 'kept', 'paid')),
    -- The permanence a cash deposit left the drawer's count in (given back or paid).
    session_id   INTEGER REFERENCES cash_sessions (id),
    sale_id      INTEGER REFERENCES sales (id),
    journal_seq  INTEGER NOT NULL REFERENCES journal (seq),
    CHECK ((how = 'returned') = (condition IS NOT NULL)),
    CHECK ((how = 'sold') = (sale_id IS NOT NULL))
) STRICT;
CREATE TRIGGER loan_ends_no_update BEFORE UPDATE ON loan_ends BEGIN
    SELECT RAISE(ABORT, 'loan ends are append-only');
END;
CREATE TRIGGER loan_ends_no_delete BEFORE DELETE ON loan_ends BEGIN
    SELECT RAISE(ABORT, 'loan ends are append-only');
END;
