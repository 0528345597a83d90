-- Hub schema 3: the public keys of the registers' signed period archives (Ed25519), as each
-- register sends it with its journal head. Every key a register used is kept: an archive is
-- checked against them, never against a key inside the archive alone.
CREATE TABLE register_keys (
    centre_id    TEXT NOT NULL REFERENCES centres (id),
    register     TEXT NOT NULL,
    public_key   TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    PRIMARY KEY (centre_id, register, public_key)
) STRICT;
