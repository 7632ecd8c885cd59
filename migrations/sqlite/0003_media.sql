-- One row per generated media file of a scene (an image now, a video later): the job and
-- its result. Jobs live here, not only in memory, so a restart resumes them.
CREATE TABLE media (
    id         TEXT PRIMARY KEY NOT NULL,
    scene_id   TEXT NOT NULL REFERENCES scenes (id) ON DELETE CASCADE,
    story_id   TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    tier       TEXT NOT NULL,
    -- image | video
    kind       TEXT NOT NULL,
    -- the registry key of the model that makes it
    model      TEXT NOT NULL,
    -- pending | generating | complete | failed
    status     TEXT NOT NULL DEFAULT 'pending',
    error      TEXT,
    attempts   INTEGER NOT NULL DEFAULT 0,
    -- file name under media/{tier}/{story}/ once complete
    file_name  TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (scene_id, kind)
);
CREATE INDEX media_queue ON media (status, kind, created_at);
