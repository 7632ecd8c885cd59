-- Family mode: the reader's own children (name, age 1–17, girl/boy/other; at most 6 per
-- tier) and grown-ups (a name; at most 2), each optionally linked to one of the tier's
-- characters, whose description and photo then go into the pictures.
CREATE TABLE family_members (
    id           TEXT PRIMARY KEY NOT NULL,
    tier         TEXT NOT NULL,
    -- child | grown_up
    role         TEXT NOT NULL,
    name         TEXT NOT NULL,
    age          INTEGER,
    -- girl | boy | other (children)
    gender       TEXT,
    character_id TEXT REFERENCES characters (id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX family_by_tier ON family_members (tier, role, created_at);
