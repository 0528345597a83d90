-- Hub schema 9: refusals before a session (a login form without its token, an unreadable one,
-- a wrong password, an attempt while locked) are counted by day, address, account and reason,
-- never written one line each (anyone can send them: 400 posts must not flood the audit log).
-- `account` is the login of an existing account, or '' for anything else typed (which may be a
-- password typed in the wrong field: it is never stored).
CREATE TABLE refusals (
    day      TEXT NOT NULL,
    address  TEXT NOT NULL,
    account  TEXT NOT NULL,
    reason   TEXT NOT NULL,
    count    INTEGER NOT NULL,
    last_at  TEXT NOT NULL,
    PRIMARY KEY (day, address, account, reason)
) STRICT;
