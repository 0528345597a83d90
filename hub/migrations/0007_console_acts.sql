-- Hub schema 7: what the console's acts and network reports need.
-- * Each post's app version and the events it still had to send at its last pull (the
--   centres' sync health).
-- * The refurbisher, brand and model read from the device's JSON as virtual columns, indexed:
--   the stock page groups by refurbisher and a recall picks a whole model, over a million
--   devices.
-- * The network reports read sales, credit notes and loans by programme and date; the centres'
--   health reads each centre's last event.

ALTER TABLE registers ADD COLUMN app_version TEXT;
ALTER TABLE registers ADD COLUMN waiting INTEGER;

ALTER TABLE devices ADD COLUMN refurbisher TEXT GENERATED ALWAYS AS (json_extract(device, '$.refurbisher')) VIRTUAL;
ALTER TABLE devices ADD COLUMN brand TEXT GENERATED ALWAYS AS (json_extract(device, '$.brand')) VIRTUAL;
ALTER TABLE devices ADD COLUMN model TEXT GENERATED ALWAYS AS (json_extract(device, '$.model')) VIRTUAL;
CREATE INDEX devices_model ON devices (brand, model);
CREATE INDEX devices_centre ON devices (centre_id, state);

CREATE INDEX sales_programme ON sales (programme, date);
CREATE INDEX credit_notes_programme ON credit_notes (programme, date);
CREATE INDEX loans_programme ON loans (programme);
CREATE INDEX events_centre_received ON events (centre_id, received_at);
