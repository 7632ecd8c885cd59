-- The picture style a story was started with (a template's, one picked on the form, or
-- drawn by "Surprise me"): what its illustrator is told, kept as words so a style later
-- taken out of the tier's list still draws the story the same. Empty: the model's own.
ALTER TABLE stories ADD COLUMN picture_style TEXT NOT NULL DEFAULT '';

-- The story length (target depth) a scene written ahead was written for: after "Keep
-- going" or "Wrap it up" a scene written for the old length is never shown (its choice is
-- written anew). Rows from before are 0, which no story has: they are written anew too.
ALTER TABLE written_ahead ADD COLUMN target_depth INTEGER NOT NULL DEFAULT 0;

-- Sequels: the story this one continues (its link goes when that story is deleted), and
-- what its storyteller is told of it with every scene (the title and how it ended).
ALTER TABLE stories ADD COLUMN sequel_of TEXT REFERENCES stories (id) ON DELETE SET NULL;
ALTER TABLE stories ADD COLUMN earlier TEXT NOT NULL DEFAULT '';
CREATE INDEX stories_by_sequel_of ON stories (sequel_of);

-- "Story so far": the recap of the path down to this scene, written once by the story's
-- model when a reader comes back to it (a scene has one path, so the recap stays true).
ALTER TABLE scenes ADD COLUMN recap TEXT;
