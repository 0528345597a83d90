-- Hub schema 6: the network's console. Accounts of the network's people (a coordinateur does
-- everything the console offers; a financeur sees the figures of the programmes its account
-- names, nothing else), their passwords as argon2 hashes only; sessions by the SHA-256 of their
-- random id, with their CSRF token and expiry; each login attempt (throttling per account and
-- per address); and the audit log of every act (who, when, from where, what).

CREATE TABLE accounts (
    id             INTEGER PRIMARY KEY,
    login          TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('coordinateur', 'financeur')),
    -- A financeur's programmes (ids, JSON list); empty for a coordinateur.
    programmes     TEXT NOT NULL DEFAULT '[]',
    password_hash  TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    disabled_at    TEXT
) STRICT;

CREATE TABLE sessions (
    id_hash     TEXT PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    csrf        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE login_attempts (
    id       INTEGER PRIMARY KEY,
    login    TEXT NOT NULL,
    address  TEXT NOT NULL,
    at       TEXT NOT NULL,
    ok       INTEGER NOT NULL
) STRICT;
CREATE INDEX login_attempts_login ON login_attempts (login, at);
CREATE INDEX login_attempts_address ON login_attempts (address, at);

CREATE TABLE audit (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    account  TEXT NOT NULL,
    address  TEXT NOT NULL,
    action   TEXT NOT NULL,
    detail   TEXT NOT NULL
) STRICT;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
