-- Epic stories are told in chapters of five scenes, counted by depth; the scene that opens
-- a chapter keeps the chapter's name as its writer gave it (NULL elsewhere, and when the
-- writer gave none: the card then shows the number alone).
ALTER TABLE scenes ADD COLUMN chapter_title TEXT;
