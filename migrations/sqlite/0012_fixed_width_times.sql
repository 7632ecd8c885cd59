-- Every stored time gets one width: `YYYY-MM-DDTHH:MM:SS.mmmZ` (milliseconds, as `db::now`
-- now writes them). RFC 3339 text as written before trimmed trailing sub-second zeros, so
-- `…:05Z` sorted after `…:05.3Z` and "newest first" could misorder within a second.
-- SQLite reads every earlier form (any number of digits, a `Z`), so this is safe to run again.
UPDATE stories SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', created_at),
                   updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', updated_at),
                   completed_at = strftime('%Y-%m-%dT%H:%M:%fZ', completed_at);
UPDATE scenes SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', created_at);
UPDATE media SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', created_at),
                 updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', updated_at),
                 submitted_at = strftime('%Y-%m-%dT%H:%M:%fZ', submitted_at),
                 submitting_at = strftime('%Y-%m-%dT%H:%M:%fZ', submitting_at);
UPDATE profiles SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', created_at),
                    updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', updated_at);
UPDATE characters SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', created_at),
                      updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', updated_at);
UPDATE tier_pins SET set_at = strftime('%Y-%m-%dT%H:%M:%fZ', set_at);
UPDATE written_ahead SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', created_at);
