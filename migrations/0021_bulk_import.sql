-- A delivery file's devices enter the free-text index in one statement at the end of its import.
-- FTS5 writes its pending terms to disk at every statement savepoint: inserted one device at a
-- time, 100,000 devices made 100,000 tiny index segments to merge (issue 34). While a row of
-- `bulk_insert` exists (only inside the writer's own transaction, during
-- `store::devices::in_bulk`), the insert triggers leave the index, and the stock's generation (a counter
-- the window's stock index compares, not a count), to the bulk's last statements.
CREATE TABLE bulk_insert (flag INTEGER PRIMARY KEY CHECK (flag = 1)) STRICT;
DROP TRIGGER devices_fts_insert;
CREATE TRIGGER devices_fts_insert AFTER INSERT ON devices
WHEN NOT EXISTS (SELECT 1 FROM bulk_insert)
BEGIN
    INSERT INTO devices_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
DROP TRIGGER stock_generation_insert;
CREATE TRIGGER stock_generation_insert AFTER INSERT ON devices
WHEN NOT EXISTS (SELECT 1 FROM bulk_insert)
BEGIN
    UPDATE stock_generation SET generation = generation + 1 WHERE id = 1;
END;

-- Two indexes of schema 1 repeat two of schema 11 exactly (an index's entries end with the row
-- id: (state, kind, category) is devices_by_all, (kind, category) is devices_by_kind_category).
-- Each device written updated both twice over.
DROP INDEX devices_filters;
DROP INDEX devices_kind;
