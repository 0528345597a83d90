-- Comptoir schema 18: proof that each device was refurbished (issue 19, part 4).
-- * `certificates`: erasure certificate files (PDF, 5 MB at most), by SHA-256, inside the
--   encrypted database so that backups and restores carry them; one file serves a whole batch.
-- * `device_records`: erasure and functional test records, append-only; one record may cover a
--   whole batch. `devices.erasure_record` / `devices.test_record` point at the record in force:
--   a device that comes back from a family (credit note) loses its erasure record and needs a
--   new one before it is sold again.
-- * `devices.import_id`: the delivery file (batch) a device came in; linked for the devices
--   already imported (an import wrote its devices with its own timestamp).
-- * The free-text certificate of earlier versions becomes the reference of an erasure record
--   dated from the device's import, method « non précisée » (record id = device id).
-- * `sale_lines.erasure_ref`: the certificate's reference the receipt names, fixed at the sale.

CREATE TABLE certificates (
    sha256     TEXT PRIMARY KEY,
    file_name  TEXT NOT NULL,
    bytes      BLOB NOT NULL CHECK (length(bytes) <= 5242880),
    added_at   TEXT NOT NULL
) STRICT;

CREATE TABLE device_records (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('erasure', 'test')),
    method       TEXT,
    done_on      TEXT NOT NULL,
    done_by      TEXT NOT NULL,
    reference    TEXT,
    grade        TEXT,
    certificate  TEXT REFERENCES certificates (sha256),
    recorded_at  TEXT NOT NULL,
    operator     TEXT NOT NULL,
    CHECK (kind = 'test' OR (method IS NOT NULL AND reference IS NOT NULL)),
    CHECK (kind = 'erasure' OR reference IS NOT NULL OR grade IS NOT NULL)
) STRICT;
CREATE TRIGGER device_records_no_update BEFORE UPDATE ON device_records BEGIN
    SELECT RAISE(ABORT, 'device_records is append-only');
END;
CREATE TRIGGER device_records_no_delete BEFORE DELETE ON device_records BEGIN
    SELECT RAISE(ABORT, 'device_records is append-only');
END;

ALTER TABLE devices ADD COLUMN import_id INTEGER;
ALTER TABLE devices ADD COLUMN erasure_record INTEGER;
ALTER TABLE devices ADD COLUMN test_record INTEGER;
CREATE INDEX devices_import ON devices (import_id);

UPDATE devices SET import_id = (SELECT i.id FROM imports i WHERE i.imported_at = devices.created_at);

INSERT INTO device_records (id, kind, method, done_on, done_by, reference, recorded_at, operator)
SELECT id, 'erasure', 'non précisée', substr(created_at, 1, 10),
       coalesce(nullif(trim(refurbisher), ''), 'non précisé'), trim(erasure_certificate),
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'migration'
FROM devices WHERE trim(coalesce(erasure_certificate, '')) <> '';
UPDATE devices SET erasure_record = id WHERE trim(coalesce(erasure_certificate, '')) <> '';

ALTER TABLE sale_lines ADD COLUMN erasure_ref TEXT;

-- The donor report starts from one donor's devices, then their sale lines.
CREATE INDEX devices_donor_name ON devices (donor);
CREATE INDEX sale_lines_device ON sale_lines (device_id);

-- A device the centre enters itself goes to the hub with its provenance (the network's donor
-- reports), as the hub's own allocations carry it.
DROP TRIGGER outbox_local_stock;
CREATE TRIGGER outbox_local_stock AFTER INSERT ON devices
WHEN NOT EXISTS (SELECT 1 FROM sync_applying)
BEGIN
    INSERT INTO outbox (uuid, created_at, event) VALUES ('stock-' || new.tag, new.created_at, json_object(
        'type', 'local_stock',
        'device', json_patch(json_object(
            'tag', new.tag, 'kind', new.kind, 'category', new.category, 'brand', new.brand,
            'model', new.model, 'serial', new.serial, 'imei', new.imei, 'cpu', new.cpu,
            'ram_mb', new.ram_mb, 'storage_kind', new.storage_kind, 'storage_gb', new.storage_gb,
            'screen_tenths_inch', new.screen_tenths_inch, 'os', new.os,
            'battery_serial', new.battery_serial, 'charger_serial', new.charger_serial,
            'refurbisher', new.refurbisher, 'erasure_certificate', new.erasure_certificate),
            CASE WHEN new.donor_kind IS NULL THEN '{}' ELSE json_object('provenance', json_object(
                'kind', new.donor_kind, 'donor', new.donor, 'convention', new.convention,
                'reserved_for', json(CASE WHEN coalesce(new.reserved_publics, '') = '' THEN '[]'
                    ELSE '["' || replace(new.reserved_publics, ',', '","') || '"]' END),
                'acquisition', coalesce(new.acquisition_cents, 0))) END)));
END;
