-- Comptoir schema 8: the people at the desk. Each médiateur has a profile and a PIN (only its
-- argon2 hash is kept); a manager may override a decision, cancel a sale, close, erase and
-- change the settings. With no profile at all, the install is single-user, as before.
CREATE TABLE operators (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL UNIQUE,
    role         TEXT NOT NULL CHECK (role IN ('mediator', 'manager')),
    pin_hash     TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    disabled_at  TEXT,
    disabled_by  TEXT
) STRICT;
