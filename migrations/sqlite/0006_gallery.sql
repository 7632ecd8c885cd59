-- The gallery lists a tier's completed stories newest first, a page at a time.
CREATE INDEX stories_gallery ON stories (tier, status, completed_at DESC, id DESC);
