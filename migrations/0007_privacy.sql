-- Comptoir schema 7: personal data. A person is anonymised (identity and contact removed, the
-- pseudonymous id and the sales kept, so that the accounts and the reports hold) after the
-- retention period without contact, or on request; each anonymisation is recorded here (and
-- journaled), without the name.

ALTER TABLE people ADD COLUMN anonymised_at TEXT;

CREATE TABLE anonymisations (
    id           INTEGER PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES people (id),
    at           TEXT NOT NULL,
    operator     TEXT NOT NULL,
    -- 'retention' (no contact for the retention period) or 'request' (erasure asked for).
    cause        TEXT NOT NULL CHECK (cause IN ('retention', 'request')),
    reason       TEXT NOT NULL,
    journal_seq  INTEGER REFERENCES journal (seq)
) STRICT;
CREATE TRIGGER anonymisations_no_update BEFORE UPDATE ON anonymisations BEGIN
    SELECT RAISE(ABORT, 'anonymisations is append-only');
END;
CREATE TRIGGER anonymisations_no_delete BEFORE DELETE ON anonymisations BEGIN
    SELECT RAISE(ABORT, 'anonymisations is append-only');
END;
