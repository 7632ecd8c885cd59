-- Stories are trees: scenes hang off the choice that led to them, so every explored
-- branch is kept and a revisited choice reuses its scene. Every row carries its tier.

CREATE TABLE stories (
    id               TEXT PRIMARY KEY NOT NULL,
    tier             TEXT NOT NULL,
    title            TEXT NOT NULL DEFAULT '',
    prompt           TEXT NOT NULL,
    length           TEXT NOT NULL,
    target_depth     INTEGER NOT NULL,
    text_model       TEXT NOT NULL,
    -- in_progress | completed | abandoned
    status           TEXT NOT NULL DEFAULT 'in_progress',
    -- the scene the reader last saw, for resume
    current_scene_id TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    completed_at     TEXT
);
CREATE INDEX stories_tier_status ON stories (tier, status, updated_at DESC);

CREATE TABLE scenes (
    id               TEXT PRIMARY KEY NOT NULL,
    story_id         TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    tier             TEXT NOT NULL,
    -- NULL for the first scene; UNIQUE so a branch is generated once and then reused
    parent_choice_id TEXT UNIQUE REFERENCES choices (id) ON DELETE CASCADE,
    depth            INTEGER NOT NULL,
    title            TEXT,
    narrative        TEXT NOT NULL,
    image_prompt     TEXT NOT NULL,
    is_ending        INTEGER NOT NULL,
    created_at       TEXT NOT NULL
);
CREATE INDEX scenes_story ON scenes (story_id, tier);
CREATE UNIQUE INDEX scenes_one_root ON scenes (story_id) WHERE parent_choice_id IS NULL;

CREATE TABLE choices (
    id       TEXT PRIMARY KEY NOT NULL,
    scene_id TEXT NOT NULL REFERENCES scenes (id) ON DELETE CASCADE,
    story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    tier     TEXT NOT NULL,
    position INTEGER NOT NULL,
    label    TEXT NOT NULL,
    UNIQUE (scene_id, position)
);
