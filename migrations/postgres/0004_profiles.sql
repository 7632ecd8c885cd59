CREATE TABLE profiles (
    id                  TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    tier                TEXT NOT NULL,
    display_name        TEXT NOT NULL,
    themes              TEXT NOT NULL DEFAULT '[]',
    art_style           TEXT NOT NULL DEFAULT '',
    tone                TEXT NOT NULL DEFAULT '',
    favourite_elements  TEXT NOT NULL DEFAULT '[]',
    created_at          TEXT COLLATE "C" NOT NULL,
    updated_at          TEXT COLLATE "C" NOT NULL
);
CREATE INDEX profiles_by_tier ON profiles (tier, display_name);

CREATE TABLE characters (
    id            TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    profile_id    TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    tier          TEXT NOT NULL,
    name          TEXT NOT NULL,
    description   TEXT NOT NULL,
    linked_profile_id TEXT REFERENCES profiles (id) ON DELETE SET NULL,
    photo_file    TEXT,
    photo_width   BIGINT,
    photo_height  BIGINT,
    created_at    TEXT COLLATE "C" NOT NULL,
    updated_at    TEXT COLLATE "C" NOT NULL
);
CREATE INDEX characters_by_profile ON characters (profile_id, created_at);

ALTER TABLE stories ADD COLUMN memory_profile_id TEXT REFERENCES profiles (id) ON DELETE SET NULL;
ALTER TABLE stories ADD COLUMN memory_context TEXT;
