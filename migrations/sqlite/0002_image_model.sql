-- The image model chosen at story start (FR-004). NULL: a story from before this release,
-- or a text-only story; the app shows legacy keys as GPT Image 1.
ALTER TABLE stories ADD COLUMN image_model TEXT;
