-- The parent gate of protected tiers (issue 18).

-- One PIN (or passphrase) per protected tier, stored only as an Argon2id PHC string.
CREATE TABLE tier_pins (
    tier   TEXT PRIMARY KEY NOT NULL,
    hash   TEXT NOT NULL,
    set_at TEXT NOT NULL
);

-- An unlocked browser. The cookie holds a random token; only its SHA-256 is kept here, so
-- a copy of the database opens nothing. Lock and a PIN change delete rows.
CREATE TABLE gate_sessions (
    token_sha256 TEXT PRIMARY KEY NOT NULL,
    tier         TEXT NOT NULL,
    -- unix seconds; a session idle for longer than the configured time is refused
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX gate_sessions_tier ON gate_sessions (tier);

-- Secrets the server makes for itself on first start (the cookie signing key).
CREATE TABLE server_secrets (
    name  TEXT PRIMARY KEY NOT NULL,
    value BLOB NOT NULL
);

-- What cost money, per tier and hour: one row per story started, picture or clip queued.
CREATE TABLE spending (
    tier TEXT NOT NULL,
    -- story | picture | clip
    kind TEXT NOT NULL,
    -- unix seconds
    at   INTEGER NOT NULL
);
CREATE INDEX spending_tier_kind_at ON spending (tier, kind, at);
