-- Comptoir schema 6: reports read sales and credit notes by date range: index their timestamps.
CREATE INDEX sales_at ON sales (at);
CREATE INDEX credit_notes_at ON credit_notes (at);
