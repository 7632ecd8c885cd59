CREATE TABLE written_ahead (
    choice_id  TEXT PRIMARY KEY NOT NULL REFERENCES choices (id) ON DELETE CASCADE,
    story_id   TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    tier       TEXT NOT NULL,
    depth      BIGINT NOT NULL,
    draft      TEXT NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX written_ahead_story ON written_ahead (story_id);
