-- Scenes written ahead of the reader (issue 16): the text of a choice nobody has taken yet,
-- written while the reader reads the scene before it. Kept aside, never a scene: the story
-- map, the gallery and the exports read only `scenes`, so a scene written ahead is not
-- "explored" until the reader takes its choice (then it becomes a scene and this row goes).
-- Kept until then, or until its story is deleted: the text is paid for, and a reader who
-- comes back to that choice later gets it at once.
CREATE TABLE written_ahead (
    choice_id  TEXT PRIMARY KEY NOT NULL REFERENCES choices (id) ON DELETE CASCADE,
    story_id   TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    tier       TEXT NOT NULL,
    depth      INTEGER NOT NULL,
    -- the scene as the model wrote it (`SceneDraft` as JSON)
    draft      TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX written_ahead_story ON written_ahead (story_id);
