CREATE INDEX choices_story ON choices (story_id);
CREATE INDEX media_story ON media (story_id);
