-- Memory mode: per-tier profiles (preferences) with up to 10 characters each, and the
-- character's optional reference photo. Lists (themes, favourite elements) are JSON arrays.
CREATE TABLE profiles (
    id                  TEXT PRIMARY KEY NOT NULL,
    tier                TEXT NOT NULL,
    display_name        TEXT NOT NULL,
    themes              TEXT NOT NULL DEFAULT '[]',
    art_style           TEXT NOT NULL DEFAULT '',
    tone                TEXT NOT NULL DEFAULT '',
    favourite_elements  TEXT NOT NULL DEFAULT '[]',
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX profiles_by_tier ON profiles (tier, display_name);

CREATE TABLE characters (
    id            TEXT PRIMARY KEY NOT NULL,
    profile_id    TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    tier          TEXT NOT NULL,
    name          TEXT NOT NULL,
    description   TEXT NOT NULL,
    -- another profile of the same tier whose characters join the story context
    linked_profile_id TEXT REFERENCES profiles (id) ON DELETE SET NULL,
    -- file name under photos/{tier}/{character}/, and its checked size
    photo_file    TEXT,
    photo_width   INTEGER,
    photo_height  INTEGER,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX characters_by_profile ON characters (profile_id, created_at);

-- The profile a story was started with in memory mode (locked at start; NULL = off), and
-- the memory text given to the story writer, as it was at start.
ALTER TABLE stories ADD COLUMN memory_profile_id TEXT REFERENCES profiles (id) ON DELETE SET NULL;
ALTER TABLE stories ADD COLUMN memory_context TEXT;
