-- The roster: characters belong to their tier (at most 20, names unique ignoring case), not
-- to a profile; each has up to 3 reference photos; a profile lists the roster characters it
-- brings. Every existing profile, character, photo and family link is kept:
--   * a character keeps its id, so its photo files (photos/{tier}/{character}/…) stay put;
--   * its photo becomes its first row in character_photos;
--   * its profile lists it, and a profile whose characters linked another profile lists that
--     profile's characters after its own (what its stories were told before);
--   * a name that another character of the tier already had (they lived in different
--     profiles) gets " (2)", " (3)", … in the order they were made.
-- SQLite cannot drop a column that a foreign key uses, so the table is rebuilt. Dropping the
-- old table clears family_members.character_id (ON DELETE SET NULL): the links are copied
-- first and put back once the new table (same ids) is in place.
CREATE TABLE roster_old AS SELECT * FROM characters;
CREATE TABLE family_links_old AS
    SELECT id, character_id FROM family_members WHERE character_id IS NOT NULL;

DROP TABLE characters;

CREATE TABLE characters (
    id           TEXT PRIMARY KEY NOT NULL,
    tier         TEXT NOT NULL,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL,
    traits       TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
-- The backstop for two saves at once; the app compares names with full Unicode case folding.
CREATE UNIQUE INDEX characters_unique_name ON characters (tier, lower(name));
CREATE INDEX characters_by_tier ON characters (tier, created_at);

INSERT INTO characters (id, tier, name, description, traits, created_at, updated_at)
SELECT id, tier,
       CASE WHEN n = 1 THEN name ELSE name || ' (' || n || ')' END,
       description, traits, created_at, updated_at
FROM (SELECT r.*, ROW_NUMBER() OVER (PARTITION BY tier, lower(name) ORDER BY created_at, id) AS n
      FROM roster_old r);

CREATE TABLE character_photos (
    character_id TEXT NOT NULL REFERENCES characters (id) ON DELETE CASCADE,
    tier         TEXT NOT NULL,
    -- file name under photos/{tier}/{character}/ (unique: a fresh id), and its checked size
    file         TEXT NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (character_id, file)
);

INSERT INTO character_photos (character_id, tier, file, width, height, created_at)
SELECT id, tier, photo_file, COALESCE(photo_width, 0), COALESCE(photo_height, 0), updated_at
FROM roster_old WHERE photo_file IS NOT NULL;

CREATE TABLE profile_characters (
    profile_id   TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    character_id TEXT NOT NULL REFERENCES characters (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    PRIMARY KEY (profile_id, character_id)
);

-- Its own characters first, in the order they were added …
INSERT INTO profile_characters (profile_id, character_id, position)
SELECT profile_id, id, ROW_NUMBER() OVER (PARTITION BY profile_id ORDER BY created_at, id)
FROM roster_old;
-- … then those of the profiles they linked (never its own again, each once).
INSERT INTO profile_characters (profile_id, character_id, position)
SELECT l.profile_id, o.id,
       1000 + ROW_NUMBER() OVER (PARTITION BY l.profile_id ORDER BY l.first_link, o.created_at, o.id)
FROM (SELECT profile_id, linked_profile_id, MIN(created_at) AS first_link
      FROM roster_old
      WHERE linked_profile_id IS NOT NULL AND linked_profile_id <> profile_id
      GROUP BY profile_id, linked_profile_id) l
JOIN roster_old o ON o.profile_id = l.linked_profile_id
WHERE NOT EXISTS (SELECT 1 FROM profile_characters pc
                  WHERE pc.profile_id = l.profile_id AND pc.character_id = o.id);

UPDATE family_members
SET character_id = (SELECT f.character_id FROM family_links_old f WHERE f.id = family_members.id)
WHERE id IN (SELECT id FROM family_links_old);

DROP TABLE family_links_old;
DROP TABLE roster_old;
