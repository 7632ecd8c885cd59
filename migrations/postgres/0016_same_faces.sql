-- The same faces from scene to scene. `drawn_with`: what a finished picture was drawn with
-- (the picture before it on the reader's path, the characters' photos, as JSON), for the
-- scene's "About this picture". `new_look`: a parent asked for a new look after this scene,
-- so the pictures below it do not carry this scene's picture (or any above it).
-- `present_characters`: the story's characters the writer said are in the scene (a JSON list
-- of the ids it was given, `c1`…), whose photos alone go with its picture; NULL when it did
-- not say (all of them go, as many as the model takes).
ALTER TABLE media ADD COLUMN drawn_with TEXT;
ALTER TABLE scenes ADD COLUMN new_look BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE scenes ADD COLUMN present_characters TEXT;
