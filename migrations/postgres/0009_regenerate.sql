ALTER TABLE media ADD COLUMN previous_file TEXT;
