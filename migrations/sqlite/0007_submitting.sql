-- When a clip's submission to the provider began. Written (and committed) before the call:
-- after a crash, a job with this set but no request id may or may not have been paid for,
-- so it is failed with a Retry instead of being submitted again blindly.
ALTER TABLE media ADD COLUMN submitting_at TEXT;
-- A clip that the provider made but we could not store (a full disk, a broken download):
-- its Retry collects the same request again instead of ordering (and paying for) a new one.
ALTER TABLE media ADD COLUMN keep_request INTEGER NOT NULL DEFAULT 0;
