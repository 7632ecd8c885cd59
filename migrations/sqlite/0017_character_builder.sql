-- The character builder's picks (a JSON object: trait → choice), kept so the character's
-- form shows them again; the description they wrote is in `description`. NULL: none made.
ALTER TABLE characters ADD COLUMN traits TEXT;
