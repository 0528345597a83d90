-- Comptoir schema 10: wrong PINs are counted in the database, so that five in a row lock the
-- profile for a few minutes in the window and on the command line alike; a manager's reset
-- of a PIN is dated and signed.
ALTER TABLE operators ADD COLUMN failed_pins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE operators ADD COLUMN locked_until TEXT;
ALTER TABLE operators ADD COLUMN pin_reset_at TEXT;
ALTER TABLE operators ADD COLUMN pin_reset_by TEXT;
