-- Comptoir schema 2: beneficiaries (data-minimal), the proofs seen, the equipment they already
-- received, eligibility overrides and merges of duplicate records.

CREATE TABLE people (
    id                INTEGER PRIMARY KEY,
    uuid              TEXT NOT NULL UNIQUE,
    last_name         TEXT NOT NULL,
    first_name        TEXT NOT NULL,
    birth_date        TEXT,
    phone             TEXT,
    email             TEXT,
    postcode          TEXT,
    commune           TEXT,
    household         TEXT,
    household_key     TEXT,
    prescriber        TEXT CHECK (prescriber IN ('ccas','france_travail','mission_locale','service_social',
                          'caf','association','autre')),
    rgpd_informed_on  TEXT,
    notes             TEXT NOT NULL DEFAULT '',
    search_text       TEXT NOT NULL,
    merged_into       INTEGER REFERENCES people (id),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
) STRICT;
CREATE INDEX people_phone ON people (phone);
CREATE INDEX people_household ON people (household_key);
CREATE INDEX people_birth ON people (birth_date);
-- Folded names in order: one or two letters typed find the names that begin with them.
CREATE INDEX people_search ON people (search_text);

CREATE VIRTUAL TABLE people_fts USING fts5 (
    search_text, content = 'people', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER people_fts_insert AFTER INSERT ON people BEGIN
    INSERT INTO people_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER people_fts_update AFTER UPDATE OF search_text ON people BEGIN
    INSERT INTO people_fts (people_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO people_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER people_fts_delete AFTER DELETE ON people BEGIN
    INSERT INTO people_fts (people_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;

-- The distinct words of names (folded), to find names one typo away without scanning people.
CREATE TABLE name_words (
    word  TEXT PRIMARY KEY
) STRICT, WITHOUT ROWID;

CREATE TABLE person_publics (
    person_id  INTEGER NOT NULL REFERENCES people (id),
    public     TEXT NOT NULL,
    PRIMARY KEY (person_id, public)
) STRICT;

-- A proof is recorded as seen: its kind, the date on it, who checked it and when. Never a copy
-- of the document, never a social-security number.
CREATE TABLE proofs (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,
    person_id   INTEGER NOT NULL REFERENCES people (id),
    kind        TEXT NOT NULL,
    issued      TEXT NOT NULL,
    checked_by  TEXT NOT NULL,
    checked_at  TEXT NOT NULL
) STRICT;
CREATE INDEX proofs_person ON proofs (person_id);

-- Equipment a person already received (declared, or from a sale), for the frequency limits.
CREATE TABLE equipment_received (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT NOT NULL UNIQUE,
    person_id  INTEGER NOT NULL REFERENCES people (id),
    date       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    source     TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
) STRICT;
CREATE INDEX equipment_person ON equipment_received (person_id);

CREATE TABLE eligibility_overrides (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,
    person_id   INTEGER NOT NULL REFERENCES people (id),
    programme   TEXT NOT NULL,
    overridden  TEXT NOT NULL,
    reason      TEXT NOT NULL,
    operator    TEXT NOT NULL,
    at          TEXT NOT NULL
) STRICT;
CREATE TRIGGER eligibility_overrides_no_update BEFORE UPDATE ON eligibility_overrides BEGIN
    SELECT RAISE(ABORT, 'eligibility_overrides is append-only');
END;
CREATE TRIGGER eligibility_overrides_no_delete BEFORE DELETE ON eligibility_overrides BEGIN
    SELECT RAISE(ABORT, 'eligibility_overrides is append-only');
END;

CREATE TABLE person_merges (
    id          INTEGER PRIMARY KEY,
    kept_id     INTEGER NOT NULL REFERENCES people (id),
    merged_id   INTEGER NOT NULL REFERENCES people (id),
    reason      TEXT NOT NULL,
    operator    TEXT NOT NULL,
    at          TEXT NOT NULL
) STRICT;
CREATE TRIGGER person_merges_no_update BEFORE UPDATE ON person_merges BEGIN
    SELECT RAISE(ABORT, 'person_merges is append-only');
END;
CREATE TRIGGER person_merges_no_delete BEFORE DELETE ON person_merges BEGIN
    SELECT RAISE(ABORT, 'person_merges is append-only');
END;
