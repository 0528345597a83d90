-- Comptoir schema 11: the stock screen's filters, any combination of state, kind and category,
-- each answered by an index in newest-first order (the device id last), so that a list stops
-- after its first page instead of sorting every matching device.
CREATE INDEX devices_by_state ON devices (state, id);
CREATE INDEX devices_by_kind ON devices (kind, id);
CREATE INDEX devices_by_category ON devices (category, id);
CREATE INDEX devices_by_state_kind ON devices (state, kind, id);
CREATE INDEX devices_by_state_category ON devices (state, category, id);
CREATE INDEX devices_by_kind_category ON devices (kind, category, id);
CREATE INDEX devices_by_all ON devices (state, kind, category, id);
