CREATE TABLE media (
    id         TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    scene_id   TEXT NOT NULL REFERENCES scenes (id) ON DELETE CASCADE,
    story_id   TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    tier       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    model      TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'pending',
    error      TEXT,
    attempts   BIGINT NOT NULL DEFAULT 0,
    file_name  TEXT,
    created_at TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL,
    UNIQUE (scene_id, kind)
);
CREATE INDEX media_queue ON media (status, kind, created_at);
