-- Comptoir schema 16: the structure's tax status on every document (issue 22).
-- * Each sale keeps the tax status and the mention it was issued under, and each line its VAT
--   rate (hundredths of a percent), its VAT (cents) and, under the margin scheme, its margin:
--   a later change of status never changes a document already issued. NULL: sales made before
--   this version (their documents print the centre's mention, as they did).
-- * An existing centre whose VAT mention is today's default (or was never set) becomes an
--   exempt association; another mention is kept as a custom mention until a manager chooses a
--   status. A new database has no status until the first-run form or Réglages sets one.

ALTER TABLE sales ADD COLUMN tax_status TEXT;
ALTER TABLE sales ADD COLUMN tax_mention TEXT;
ALTER TABLE sale_lines ADD COLUMN vat_rate INTEGER CHECK (vat_rate BETWEEN 0 AND 10000);
ALTER TABLE sale_lines ADD COLUMN vat_cents INTEGER;
ALTER TABLE sale_lines ADD COLUMN margin_cents INTEGER CHECK (margin_cents >= 0);

INSERT OR IGNORE INTO settings (key, value)
SELECT 'centre.tax_status', 'exoneree'
WHERE coalesce((SELECT value FROM settings WHERE key = 'centre.vat_mention'), '')
          IN ('', 'TVA non applicable, article 261-7-1° du CGI')
  AND (EXISTS (SELECT 1 FROM sales)
       OR EXISTS (SELECT 1 FROM settings WHERE key LIKE 'centre.%' AND value <> ''));

-- Receipts and credit notes whose original waits for the centre's name, address, SIRET and
-- tax status: issued and printed as soon as those are saved.
CREATE TABLE documents_waiting (
    kind       TEXT NOT NULL,
    reference  TEXT NOT NULL,
    since      TEXT NOT NULL,
    PRIMARY KEY (kind, reference)
) STRICT;

-- The tax of a sale recorded without one: fixed once, when its receipt's original is issued
-- (the status then in force, journaled), or here for the sales made before this version (the
-- status the centre gets above, or none under a custom mention: what their receipts printed).
CREATE TABLE sale_tax_fixed (
    sale_id     INTEGER PRIMARY KEY REFERENCES sales (id),
    status      TEXT,
    mention     TEXT NOT NULL,
    rates       TEXT NOT NULL,
    at          TEXT NOT NULL,
    journal_seq INTEGER REFERENCES journal (seq)
) STRICT;
CREATE TRIGGER sale_tax_fixed_no_update BEFORE UPDATE ON sale_tax_fixed BEGIN
    SELECT RAISE(ABORT, 'a sale''s tax is fixed once');
END;
CREATE TRIGGER sale_tax_fixed_no_delete BEFORE DELETE ON sale_tax_fixed BEGIN
    SELECT RAISE(ABORT, 'a sale''s tax is fixed once');
END;
INSERT INTO sale_tax_fixed (sale_id, status, mention, rates, at)
SELECT id,
       (SELECT value FROM settings WHERE key = 'centre.tax_status'),
       coalesce(nullif((SELECT value FROM settings WHERE key = 'centre.vat_mention'), ''),
                'TVA non applicable, article 261-7-1° du CGI'),
       '{}',
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM sales;
