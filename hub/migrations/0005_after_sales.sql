-- Hub schema 5: after the sale (a centre's warranty returns, recycling batches and loans).
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

-- Loans at a centre: the device, the programme, a pseudonymous person reference and publics
-- (as in sales), the dates and how the loan ended. The network's stock shows the device lent,
-- back, or lost.
CREATE TABLE loans (
    centre_id    TEXT NOT NULL REFERENCES centres (id),
    loan_id      TEXT NOT NULL,
    tag          TEXT NOT NULL,
    kind         TEXT NOT NULL,
    category     TEXT,
    programme    TEXT NOT NULL,
    person_ref   TEXT NOT NULL,
    publics      TEXT NOT NULL DEFAULT '[]',
    lent_on      TEXT NOT NULL,
    due_on       TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('out', 'returned', 'lost', 'sold')),
    ended_on     TEXT,
    condition    TEXT,
    received_at  TEXT NOT NULL,
    PRIMARY KEY (centre_id, loan_id)
) STRICT;
