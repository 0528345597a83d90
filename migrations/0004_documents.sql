-- Comptoir schema 4: documents handed out. The centre's logo (its other settings are rows of
-- `settings`, keys `centre.*`), and every issue of a document: the original is copy 0, each
-- reprint the next copy number (also journaled), so that a duplicate is always marked as one.

CREATE TABLE centre_logo (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    media_type  TEXT NOT NULL CHECK (media_type IN ('image/png', 'image/jpeg')),
    bytes       BLOB NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE TABLE document_issues (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('receipt', 'credit_note', 'closing')),
    reference    TEXT NOT NULL,
    copy         INTEGER NOT NULL CHECK (copy >= 0),
    at           TEXT NOT NULL,
    operator     TEXT NOT NULL,
    journal_seq  INTEGER REFERENCES journal (seq),
    UNIQUE (kind, reference, copy)
) STRICT;
CREATE TRIGGER document_issues_no_update BEFORE UPDATE ON document_issues BEGIN
    SELECT RAISE(ABORT, 'document_issues is append-only');
END;
CREATE TRIGGER document_issues_no_delete BEFORE DELETE ON document_issues BEGIN
    SELECT RAISE(ABORT, 'document_issues is append-only');
END;
