ALTER TABLE stories ADD COLUMN image_model TEXT;
