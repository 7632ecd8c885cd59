-- Bedtime mode (kids): the story keeps calm rules, a short length, a night-time picture style
-- and a dimmed night theme on its scenes for as long as it is read.
ALTER TABLE stories ADD COLUMN bedtime BOOLEAN NOT NULL DEFAULT FALSE;
