-- Video mode (FR-024): off | on | unavailable (asked for, but no xAI key: pictures only).
ALTER TABLE stories ADD COLUMN video_mode TEXT NOT NULL DEFAULT 'off';
-- A video job's provider request id once submitted, and when: a restart resumes polling
-- with it instead of submitting the clip a second time.
ALTER TABLE media ADD COLUMN request_id TEXT;
ALTER TABLE media ADD COLUMN submitted_at TEXT;
