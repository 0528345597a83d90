-- Hub schema 7: what the console's acts and network reports need.
-- * Each post's app version and the events it still had to send at its last pull (the
--   centres' sync health).
-- * The refurbisher, brand and model read from the device's JSON as virtual columns, indexed:
--   the stock page groups by refurbisher and a recall picks a whole model, over a million
--   devices.
-- * The network reports read sales, credit notes and loans by programme and date; the centres'
--   health reads each centre's last event.
-- * Report rows: each sale line and payment carries its sale's programme and date (and a line
--   its person reference and publics), copied when the sale is recorded (a sale never changes
--   after), under covering indexes: a yearly report over a million sales reads indexes only,
--   with no join.

ALTER TABLE registers ADD COLUMN app_version TEXT;
ALTER TABLE registers ADD COLUMN waiting INTEGER;

ALTER TABLE devices ADD COLUMN refurbisher TEXT GENERATED ALWAYS AS (json_extract(device, '$.refurbisher')) VIRTUAL;
ALTER TABLE devices ADD COLUMN brand TEXT GENERATED ALWAYS AS (json_extract(device, '$.brand')) VIRTUAL;
ALTER TABLE devices ADD COLUMN model TEXT GENERATED ALWAYS AS (json_extract(device, '$.model')) VIRTUAL;
CREATE INDEX devices_model ON devices (brand, model);
CREATE INDEX devices_centre ON devices (centre_id, state);
-- The stock page's counts, read from this index alone, in its order.
CREATE INDEX devices_overview ON devices (state, kind, category, refurbisher, centre_id);

CREATE INDEX sales_programme ON sales (programme, date, centre_id);
CREATE INDEX credit_notes_programme ON credit_notes (programme, date, centre_id, amount_cents);
CREATE INDEX loans_programme ON loans (programme);
CREATE INDEX events_centre_received ON events (centre_id, received_at);

ALTER TABLE sale_lines ADD COLUMN programme TEXT;
ALTER TABLE sale_lines ADD COLUMN date TEXT;
ALTER TABLE sale_lines ADD COLUMN person_ref TEXT;
ALTER TABLE sale_lines ADD COLUMN publics TEXT;
UPDATE sale_lines SET (programme, date, person_ref, publics) =
    (SELECT s.programme, s.date, s.person_ref, s.publics FROM sales s
     WHERE s.centre_id = sale_lines.centre_id AND s.uuid = sale_lines.sale_uuid);
ALTER TABLE sale_payments ADD COLUMN programme TEXT;
ALTER TABLE sale_payments ADD COLUMN date TEXT;
UPDATE sale_payments SET (programme, date) =
    (SELECT s.programme, s.date FROM sales s
     WHERE s.centre_id = sale_payments.centre_id AND s.uuid = sale_payments.sale_uuid);
-- Devices and items by kind and category (the lines no credit note cancelled).
CREATE INDEX sale_lines_goods ON sale_lines (programme, kind, category, date, quantity, tag, centre_id)
    WHERE cancelled_by IS NULL;
-- People equipped: one run per person of a centre, its lines by date with their publics.
CREATE INDEX sale_lines_people ON sale_lines (programme, centre_id, person_ref, date, publics)
    WHERE cancelled_by IS NULL AND person_ref IS NOT NULL;
CREATE INDEX sale_payments_report ON sale_payments (programme, method, date, amount_cents, centre_id);

-- The programmes' progress, kept as sales and credit notes arrive: the dashboard reads these
-- few rows, not a year of lines. A person of a centre under a programme: the publics of its
-- latest sale, and how many of its lines no credit note cancelled (it counts while > 0).
CREATE TABLE progress_people (
    programme   TEXT NOT NULL,
    centre_id   TEXT NOT NULL,
    person_ref  TEXT NOT NULL,
    publics     TEXT NOT NULL,
    last_date   TEXT NOT NULL,
    lines       INTEGER NOT NULL,
    PRIMARY KEY (programme, centre_id, person_ref)
) STRICT, WITHOUT ROWID;
-- The people counting (lines > 0) by programme and set of publics: what the dashboard reads.
CREATE TABLE progress_publics (
    programme  TEXT NOT NULL,
    publics    TEXT NOT NULL,
    people     INTEGER NOT NULL,
    PRIMARY KEY (programme, publics)
) STRICT, WITHOUT ROWID;
-- Devices and items a programme's sales handed over (net of credit notes), by kind and
-- category ('' for none).
CREATE TABLE progress_goods (
    programme  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    category   TEXT NOT NULL,
    devices    INTEGER NOT NULL,
    items      INTEGER NOT NULL,
    PRIMARY KEY (programme, kind, category)
) STRICT, WITHOUT ROWID;
INSERT INTO progress_people (programme, centre_id, person_ref, publics, last_date, lines)
    SELECT programme, centre_id, person_ref, publics, max(date), count(*) FROM sale_lines
    WHERE cancelled_by IS NULL AND person_ref IS NOT NULL AND programme IS NOT NULL
    GROUP BY programme, centre_id, person_ref;
INSERT INTO progress_goods (programme, kind, category, devices, items)
    SELECT programme, kind, coalesce(category, ''),
           sum(CASE WHEN tag IS NOT NULL THEN quantity ELSE 0 END), sum(CASE WHEN tag IS NULL THEN quantity ELSE 0 END)
    FROM sale_lines WHERE cancelled_by IS NULL AND programme IS NOT NULL
    GROUP BY programme, kind, coalesce(category, '');
INSERT INTO progress_publics (programme, publics, people)
    SELECT programme, publics, count(*) FROM progress_people WHERE lines > 0 GROUP BY programme, publics;
