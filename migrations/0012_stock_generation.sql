-- Comptoir schema 12: a counter that moves whenever the stock list could answer differently
-- (a device added, removed, or its state, kind, category or searched text changed). The
-- window's in-memory stock index is rebuilt when it sees the counter move; one row, read in
-- microseconds, where counting the devices would read them all.
CREATE TABLE stock_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
);
INSERT INTO stock_generation (id, generation) VALUES (1, 0);
CREATE TRIGGER stock_generation_insert AFTER INSERT ON devices BEGIN
    UPDATE stock_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER stock_generation_update AFTER UPDATE OF state, kind, category, search_text ON devices BEGIN
    UPDATE stock_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER stock_generation_delete AFTER DELETE ON devices BEGIN
    UPDATE stock_generation SET generation = generation + 1 WHERE id = 1;
END;
