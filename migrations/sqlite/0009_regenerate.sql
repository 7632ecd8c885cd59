-- Regenerate (issue 19): while a new picture or clip of a finished scene is made, the old
-- file stays shown and served; it is replaced when the new one is stored, and kept (with a
-- note) when making the new one fails.
ALTER TABLE media ADD COLUMN previous_file TEXT;
