-- The roster: characters belong to their tier (at most 20, names unique ignoring case), not
-- to a profile; each has up to 3 reference photos; a profile lists the roster characters it
-- brings. Every existing profile, character, photo and family link is kept (see the SQLite
-- migration of the same name for the rules); here the columns can simply be dropped.
CREATE TABLE character_photos (
    character_id TEXT NOT NULL REFERENCES characters (id) ON DELETE CASCADE,
    tier         TEXT NOT NULL,
    file         TEXT NOT NULL,
    width        BIGINT NOT NULL,
    height       BIGINT NOT NULL,
    created_at   TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (character_id, file)
);

INSERT INTO character_photos (character_id, tier, file, width, height, created_at)
SELECT id, tier, photo_file, COALESCE(photo_width, 0), COALESCE(photo_height, 0), updated_at
FROM characters WHERE photo_file IS NOT NULL;

CREATE TABLE profile_characters (
    profile_id   TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    character_id TEXT NOT NULL REFERENCES characters (id) ON DELETE CASCADE,
    position     BIGINT NOT NULL,
    PRIMARY KEY (profile_id, character_id)
);

INSERT INTO profile_characters (profile_id, character_id, position)
SELECT profile_id, id, ROW_NUMBER() OVER (PARTITION BY profile_id ORDER BY created_at, id)
FROM characters;

INSERT INTO profile_characters (profile_id, character_id, position)
SELECT l.profile_id, o.id,
       1000 + ROW_NUMBER() OVER (PARTITION BY l.profile_id ORDER BY l.first_link, o.created_at, o.id)
FROM (SELECT profile_id, linked_profile_id, MIN(created_at) AS first_link
      FROM characters
      WHERE linked_profile_id IS NOT NULL AND linked_profile_id <> profile_id
      GROUP BY profile_id, linked_profile_id) l
JOIN characters o ON o.profile_id = l.linked_profile_id;

UPDATE characters c
SET name = c.name || ' (' || d.n || ')'
FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY tier, lower(name) ORDER BY created_at, id) AS n
      FROM characters) d
WHERE d.id = c.id AND d.n > 1;

ALTER TABLE characters
    DROP COLUMN profile_id,
    DROP COLUMN linked_profile_id,
    DROP COLUMN photo_file,
    DROP COLUMN photo_width,
    DROP COLUMN photo_height;

CREATE UNIQUE INDEX characters_unique_name ON characters (tier, lower(name));
CREATE INDEX characters_by_tier ON characters (tier, created_at);
