-- Hub schema 4: a register's journal may have branches. After an older backup is restored at
-- a post and a manager declares it, the journal resumes from the hub's last head for the
-- register: a new branch, which starts with that declared resumption. The heads of every
-- branch are kept (the old branch stays as evidence); checks run on the current one.

CREATE TABLE journal_heads_by_branch (
    centre_id    TEXT NOT NULL REFERENCES centres (id),
    register     TEXT NOT NULL,
    branch       INTEGER NOT NULL,
    entries      INTEGER NOT NULL,
    hash         TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    PRIMARY KEY (centre_id, register, branch, entries)
) STRICT;
INSERT INTO journal_heads_by_branch (centre_id, register, branch, entries, hash, received_at)
    SELECT centre_id, register, 0, entries, hash, received_at FROM journal_heads;
DROP TABLE journal_heads;
ALTER TABLE journal_heads_by_branch RENAME TO journal_heads;

CREATE TABLE journal_branches (
    centre_id        TEXT NOT NULL REFERENCES centres (id),
    register         TEXT NOT NULL,
    branch           INTEGER NOT NULL,
    resumes_entries  INTEGER NOT NULL,
    resumes_hash     TEXT NOT NULL,
    declared_at      TEXT NOT NULL,
    PRIMARY KEY (centre_id, register, branch)
) STRICT;
