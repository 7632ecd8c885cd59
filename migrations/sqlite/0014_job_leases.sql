-- A running media job's lease: the instance that claimed it (`locked_by`) and until when its
-- claim holds (`lease_until`, a stored time), extended by that instance's heartbeat. A job
-- whose lease ran out goes back to the queue; an outcome is recorded only by the holder.
ALTER TABLE media ADD COLUMN locked_by TEXT;
ALTER TABLE media ADD COLUMN lease_until TEXT;
CREATE INDEX media_leases ON media (status, lease_until);
