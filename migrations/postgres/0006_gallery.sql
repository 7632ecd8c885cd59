CREATE INDEX stories_gallery ON stories (tier, status, completed_at DESC, id DESC);
