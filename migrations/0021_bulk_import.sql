-- A delivery file's devices enter the free-text index in one statement at the end of its import.
-- FTS5 writes its pending terms to disk at every statement savepoint: inserted one device at a
-- time, 100,000 devices made 100,000 tiny index segments to merge (issue 34). While a row of
-- `fts_deferred` exists (only inside the writer's own transaction: `store::devices::begin_bulk`
-- and `end_bulk`), the insert trigger leaves the index to the bulk's last statement.
CREATE TABLE fts_deferred (flag INTEGER PRIMARY KEY CHECK (flag = 1)) STRICT;
DROP TRIGGER devices_fts_insert;
CREATE TRIGGER devices_fts_insert AFTER INSERT ON devices
WHEN NOT EXISTS (SELECT 1 FROM fts_deferred)
BEGIN
    INSERT INTO devices_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;

-- Two indexes of schema 1 repeat two of schema 11 exactly (an index's entries end with the row
-- id: (state, kind, category) is devices_by_all, (kind, category) is devices_by_kind_category).
-- Each device written updated both twice over.
DROP INDEX devices_filters;
DROP INDEX devices_kind;
