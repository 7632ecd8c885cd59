-- What a job is doing right now, in the reader's words ("Trying again — 2 of 4"), while a
-- provider call is retried; cleared when the job is claimed and when it ends.
ALTER TABLE media ADD COLUMN progress TEXT;
