ALTER TABLE media ADD COLUMN locked_by TEXT;
ALTER TABLE media ADD COLUMN lease_until TEXT COLLATE "C";
CREATE INDEX media_leases ON media (status, lease_until);
