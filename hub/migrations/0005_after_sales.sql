-- Hub schema 5: after the sale (a centre's warranty returns and recycling batches).
-- * `warranty_returns`: one row per return at a centre (its opening, then its end), with what
--   the network counts failures by: the device's kind, model and refurbisher, the fault's
--   category, months since delivery, the outcome. No name and no fault text.
-- * `recycling_batches` / `recycled_devices`: devices handed to an approved collection point;
--   the network's stock marks them `recycled`.

CREATE TABLE warranty_returns (
    centre_id              TEXT NOT NULL REFERENCES centres (id),
    return_id              TEXT NOT NULL,
    opened_on              TEXT NOT NULL,
    sale_uuid              TEXT NOT NULL,
    line_no                INTEGER NOT NULL,
    tag                    TEXT NOT NULL,
    kind                   TEXT NOT NULL,
    category               TEXT,
    brand                  TEXT NOT NULL,
    model                  TEXT NOT NULL,
    refurbisher            TEXT,
    fault                  TEXT NOT NULL,
    months_since_delivery  INTEGER NOT NULL,
    in_guarantee           INTEGER NOT NULL,
    presumed               INTEGER NOT NULL,
    outcome                TEXT,
    closed_on              TEXT,
    new_tag                TEXT,
    received_at            TEXT NOT NULL,
    PRIMARY KEY (centre_id, return_id)
) STRICT;
CREATE INDEX warranty_returns_model ON warranty_returns (refurbisher, brand, model);

CREATE TABLE recycling_batches (
    centre_id         TEXT NOT NULL REFERENCES centres (id),
    number            TEXT NOT NULL,
    collection_point  TEXT NOT NULL,
    handed_on         TEXT NOT NULL,
    reference         TEXT NOT NULL,
    received_at       TEXT NOT NULL,
    PRIMARY KEY (centre_id, number)
) STRICT;
CREATE TABLE recycled_devices (
    centre_id    TEXT NOT NULL,
    number       TEXT NOT NULL,
    tag          TEXT NOT NULL,
    destruction  TEXT NOT NULL,
    PRIMARY KEY (centre_id, tag),
    FOREIGN KEY (centre_id, number) REFERENCES recycling_batches (centre_id, number)
) STRICT;
