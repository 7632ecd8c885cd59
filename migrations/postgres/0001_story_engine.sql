-- PostgreSQL twin of migrations/sqlite/0001 (hosted mode; docs/hosted-mode.md). Same tables,
-- columns and indexes: integers are BIGINT, yes/no columns BOOLEAN, and the text columns that
-- queries order or compare by (ids, stored times) use the "C" collation, so they sort byte by
-- byte as SQLite sorts them. `tests/it/schema_parity.rs` checks the two stay alike.
CREATE TABLE stories (
    id               TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    tier             TEXT NOT NULL,
    title            TEXT NOT NULL DEFAULT '',
    prompt           TEXT NOT NULL,
    length           TEXT NOT NULL,
    target_depth     BIGINT NOT NULL,
    text_model       TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'in_progress',
    current_scene_id TEXT,
    created_at       TEXT COLLATE "C" NOT NULL,
    updated_at       TEXT COLLATE "C" NOT NULL,
    completed_at     TEXT COLLATE "C"
);
CREATE INDEX stories_tier_status ON stories (tier, status, updated_at DESC);

-- Scenes and choices refer to each other: the scene's link to the choice that led to it is
-- added once both tables exist (SQLite accepts the forward reference).
CREATE TABLE scenes (
    id               TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    story_id         TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    tier             TEXT NOT NULL,
    parent_choice_id TEXT UNIQUE,
    depth            BIGINT NOT NULL,
    title            TEXT,
    narrative        TEXT NOT NULL,
    image_prompt     TEXT NOT NULL,
    is_ending        BOOLEAN NOT NULL,
    created_at       TEXT COLLATE "C" NOT NULL
);
CREATE INDEX scenes_story ON scenes (story_id, tier);
CREATE UNIQUE INDEX scenes_one_root ON scenes (story_id) WHERE parent_choice_id IS NULL;

CREATE TABLE choices (
    id       TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    scene_id TEXT COLLATE "C" NOT NULL REFERENCES scenes (id) ON DELETE CASCADE,
    story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    tier     TEXT NOT NULL,
    position BIGINT NOT NULL,
    label    TEXT NOT NULL,
    UNIQUE (scene_id, position)
);

ALTER TABLE scenes ADD FOREIGN KEY (parent_choice_id) REFERENCES choices (id) ON DELETE CASCADE;
