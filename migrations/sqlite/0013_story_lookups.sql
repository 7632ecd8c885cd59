-- The reader reads a story's choices and media rows in one query each (not one per scene):
-- both are looked up by story.
CREATE INDEX choices_story ON choices (story_id);
CREATE INDEX media_story ON media (story_id);
