-- Comptoir schema 15: a journal no one rewrites unseen (issue 21, first part).
-- * Each entry says how it is hashed: 1 (entries written before this version, kept as they
--   were) or 2 (the entry's uuid is hashed too). Nothing already written is rewritten.
-- * A closed permanence is never changed, and no permanence is deleted.
-- * Receipt counters never go back and are never deleted: a number is never issued twice.

ALTER TABLE journal ADD COLUMN hash_version INTEGER NOT NULL DEFAULT 1 CHECK (hash_version IN (1, 2));

CREATE TRIGGER cash_sessions_closed_no_update BEFORE UPDATE ON cash_sessions
WHEN old.closed_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a closed permanence is never changed');
END;
CREATE TRIGGER cash_sessions_no_delete BEFORE DELETE ON cash_sessions BEGIN
    SELECT RAISE(ABORT, 'permanences are kept');
END;

CREATE TRIGGER receipt_counters_never_back BEFORE UPDATE ON receipt_counters
WHEN new.last < old.last OR new.series <> old.series
BEGIN
    SELECT RAISE(ABORT, 'receipt counters never go back');
END;
CREATE TRIGGER receipt_counters_no_delete BEFORE DELETE ON receipt_counters BEGIN
    SELECT RAISE(ABORT, 'receipt counters are kept');
END;
