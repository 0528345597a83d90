-- Comptoir schema 5: sync with the network's hub. The outbox holds what the hub must be told,
-- written by triggers in the same transaction as the local change it reports (a stock move, a
-- sale line, a credit note, a device entered by the centre); what is applied from the hub is
-- marked by a row of `sync_applying` inside its own transaction, so that it is not echoed back.

CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    -- The event's id, made here: the hub records each id once, however often it is sent.
    uuid        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    -- The event (protocol::EventBody as JSON): never a name, a contact or a receipt number.
    event       TEXT NOT NULL,
    acked_at    TEXT,
    ack         TEXT CHECK (ack IN ('accepted', 'duplicate', 'conflict', 'refused')),
    ack_message TEXT
) STRICT;
CREATE INDEX outbox_pending ON outbox (id) WHERE acked_at IS NULL;
CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox BEGIN
    SELECT RAISE(ABORT, 'outbox rows are kept: they are acknowledged, never deleted');
END;

-- Present only inside the transaction that applies a page from the hub.
CREATE TABLE sync_applying (flag INTEGER PRIMARY KEY CHECK (flag = 1)) STRICT;

-- Conflicts between the hub and this centre (a recalled device sold offline…), shown to both.
CREATE TABLE sync_conflicts (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    tag      TEXT,
    message  TEXT NOT NULL
) STRICT;

-- Programme files published by the hub (read with those of the programmes/ folder).
CREATE TABLE hub_programmes (
    name         TEXT PRIMARY KEY,
    content      TEXT NOT NULL,
    received_at  TEXT NOT NULL
) STRICT;

CREATE TRIGGER outbox_device_event AFTER INSERT ON device_events
WHEN new.action IN ('receive', 'make_available', 'mark_defective', 'return', 'credit_note')
    AND NOT EXISTS (SELECT 1 FROM sync_applying)
BEGIN
    INSERT INTO outbox (uuid, created_at, event) VALUES (new.uuid, new.at, json_object(
        'type', CASE new.action
            WHEN 'receive' THEN 'received'
            WHEN 'make_available' THEN 'available'
            WHEN 'mark_defective' THEN 'defective'
            WHEN 'return' THEN 'returned'
            ELSE 'back_in_stock' END,
        'tag', (SELECT tag FROM devices WHERE id = new.device_id)));
END;

CREATE TRIGGER outbox_sale_line AFTER INSERT ON sale_lines
WHEN NOT EXISTS (SELECT 1 FROM sync_applying)
BEGIN
    INSERT INTO outbox (uuid, created_at, event)
    SELECT s.uuid || '-' || new.line_no, s.at, json_object(
        'type', 'sold',
        'date', substr(s.at, 1, 10),
        'tag', d.tag,
        'kind', new.kind,
        'category', new.category,
        'quantity', new.quantity,
        'price_cents', new.unit_cents,
        'programme', s.programme,
        'publics', json((SELECT json_group_array(public) FROM person_publics WHERE person_id = s.person_id)))
    FROM sales s LEFT JOIN devices d ON d.id = new.device_id
    WHERE s.id = new.sale_id;
END;

CREATE TRIGGER outbox_credit_note AFTER INSERT ON credit_notes
WHEN NOT EXISTS (SELECT 1 FROM sync_applying)
BEGIN
    INSERT INTO outbox (uuid, created_at, event) VALUES (new.uuid, new.at, json_object(
        'type', 'cancelled',
        'date', substr(new.at, 1, 10),
        'amount_cents', new.amount_cents,
        'refund', new.refund_method));
END;

CREATE TRIGGER outbox_local_stock AFTER INSERT ON devices
WHEN NOT EXISTS (SELECT 1 FROM sync_applying)
BEGIN
    INSERT INTO outbox (uuid, created_at, event) VALUES ('stock-' || new.tag, new.created_at, json_object(
        'type', 'local_stock',
        'device', json_object(
            'tag', new.tag, 'kind', new.kind, 'category', new.category, 'brand', new.brand,
            'model', new.model, 'serial', new.serial, 'imei', new.imei, 'cpu', new.cpu,
            'ram_mb', new.ram_mb, 'storage_kind', new.storage_kind, 'storage_gb', new.storage_gb,
            'screen_tenths_inch', new.screen_tenths_inch, 'os', new.os,
            'battery_serial', new.battery_serial, 'charger_serial', new.charger_serial,
            'refurbisher', new.refurbisher, 'erasure_certificate', new.erasure_certificate)));
END;

-- What happened before this version is queued once, so that the hub learns the centre's stock
-- and its sales whenever it is first reached: each device as local stock with its present state,
-- each sale line, each credit note (the same shapes as the triggers above).
INSERT INTO outbox (uuid, created_at, event)
SELECT 'stock-' || tag, created_at, json_object(
    'type', 'local_stock',
    'device', json_object(
        'tag', tag, 'kind', kind, 'category', category, 'brand', brand, 'model', model,
        'serial', serial, 'imei', imei, 'cpu', cpu, 'ram_mb', ram_mb, 'storage_kind', storage_kind,
        'storage_gb', storage_gb, 'screen_tenths_inch', screen_tenths_inch, 'os', os,
        'battery_serial', battery_serial, 'charger_serial', charger_serial,
        'refurbisher', refurbisher, 'erasure_certificate', erasure_certificate))
FROM devices ORDER BY id;

INSERT INTO outbox (uuid, created_at, event)
SELECT 'state-' || tag, updated_at, json_object(
    'type', CASE state WHEN 'received' THEN 'received' WHEN 'available' THEN 'available'
        WHEN 'defective' THEN 'defective' ELSE 'returned' END,
    'tag', tag)
FROM devices WHERE state IN ('received', 'available', 'defective', 'returned') ORDER BY id;

INSERT INTO outbox (uuid, created_at, event)
SELECT s.uuid || '-' || l.line_no, s.at, json_object(
    'type', 'sold', 'date', substr(s.at, 1, 10), 'tag', d.tag, 'kind', l.kind,
    'category', l.category, 'quantity', l.quantity, 'price_cents', l.unit_cents,
    'programme', s.programme,
    'publics', json((SELECT json_group_array(public) FROM person_publics WHERE person_id = s.person_id)))
FROM sale_lines l JOIN sales s ON s.id = l.sale_id LEFT JOIN devices d ON d.id = l.device_id
ORDER BY s.id, l.line_no;

INSERT INTO outbox (uuid, created_at, event)
SELECT uuid, at, json_object('type', 'cancelled', 'date', substr(at, 1, 10),
    'amount_cents', amount_cents, 'refund', refund_method)
FROM credit_notes ORDER BY id;
