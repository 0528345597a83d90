-- Comptoir schema 14: the hub's second protocol (/v2).
-- * A person's reference for the hub: random, made at the person's first synced sale, never
--   derived from who they are; kept when the person is erased (the erasure blanks the other
--   columns only).
-- * Conflicts the hub keeps (the same device sold by two registers…) carry the hub's number and
--   are closed when the hub says so.
-- * A sale line corrected (a mis-scanned tag): a new row, journaled; the sale's rows stay as
--   written.
-- * Sales and credit notes reach the outbox whole, written by the point of sale in the same
--   transaction (a trigger sees one line at a time): the per-line triggers go. Events already
--   queued keep their /v1 shape, which the hub still accepts.

ALTER TABLE people ADD COLUMN hub_ref TEXT;
CREATE UNIQUE INDEX people_hub_ref ON people (hub_ref) WHERE hub_ref IS NOT NULL;

ALTER TABLE sync_conflicts ADD COLUMN hub_id INTEGER;
ALTER TABLE sync_conflicts ADD COLUMN closed_at TEXT;
ALTER TABLE sync_conflicts ADD COLUMN closed_how TEXT;
-- The hub's kind: `double_sale` and `other_centre` wait for a fix; the others inform.
ALTER TABLE sync_conflicts ADD COLUMN kind TEXT;
CREATE UNIQUE INDEX sync_conflicts_hub ON sync_conflicts (hub_id) WHERE hub_id IS NOT NULL;

CREATE TABLE line_corrections (
    id              INTEGER PRIMARY KEY,
    uuid            TEXT NOT NULL UNIQUE,
    sale_id         INTEGER NOT NULL REFERENCES sales (id),
    line_no         INTEGER NOT NULL,
    from_device_id  INTEGER NOT NULL REFERENCES devices (id),
    to_device_id    INTEGER NOT NULL REFERENCES devices (id),
    -- The line's label with the device really handed over.
    label           TEXT NOT NULL,
    at              TEXT NOT NULL,
    operator        TEXT NOT NULL,
    reason          TEXT NOT NULL,
    journal_seq     INTEGER NOT NULL REFERENCES journal (seq),
    FOREIGN KEY (sale_id, line_no) REFERENCES sale_lines (sale_id, line_no)
) STRICT;
CREATE INDEX line_corrections_line ON line_corrections (sale_id, line_no);
CREATE TRIGGER line_corrections_no_update BEFORE UPDATE ON line_corrections BEGIN
    SELECT RAISE(ABORT, 'line corrections are append-only');
END;
CREATE TRIGGER line_corrections_no_delete BEFORE DELETE ON line_corrections BEGIN
    SELECT RAISE(ABORT, 'line corrections are append-only');
END;

DROP TRIGGER IF EXISTS outbox_sale_line;
DROP TRIGGER IF EXISTS outbox_credit_note;
