-- Read aloud: a scene's audio in one voice, made once and replayed. A row is claimed
-- ('generating', held until lease_until) before the model is paid, and is 'complete' once
-- the whole file is stored; a claim whose holder died is taken over after its lease.
CREATE TABLE scene_audio (
    scene_id    TEXT NOT NULL REFERENCES scenes (id) ON DELETE CASCADE,
    voice       TEXT NOT NULL,
    story_id    TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    tier        TEXT NOT NULL,
    model       TEXT NOT NULL,
    status      TEXT NOT NULL,
    file_name   TEXT,
    lease_until TEXT COLLATE "C" NOT NULL,
    created_at  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (scene_id, voice)
);
CREATE INDEX scene_audio_by_story ON scene_audio (story_id);
