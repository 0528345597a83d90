-- Comptoir schema 17: where each device came from (issue 19). NULL donor_kind: unknown (the
-- devices entered before this version), treated as public at the cash desk (the safe side).
ALTER TABLE devices ADD COLUMN donor_kind TEXT CHECK (donor_kind IN ('public', 'entreprise', 'particulier', 'achat'));
ALTER TABLE devices ADD COLUMN donor TEXT;
ALTER TABLE devices ADD COLUMN convention TEXT;
-- The publics the donor reserved the device for: codes separated by commas, empty for none.
ALTER TABLE devices ADD COLUMN reserved_publics TEXT;
ALTER TABLE devices ADD COLUMN acquisition_cents INTEGER CHECK (acquisition_cents >= 0);
CREATE INDEX devices_donor ON devices (donor_kind, donor);
