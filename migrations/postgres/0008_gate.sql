CREATE TABLE tier_pins (
    tier   TEXT PRIMARY KEY NOT NULL,
    hash   TEXT NOT NULL,
    set_at TEXT COLLATE "C" NOT NULL
);

CREATE TABLE gate_sessions (
    token_sha256 TEXT PRIMARY KEY NOT NULL,
    tier         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX gate_sessions_tier ON gate_sessions (tier);

CREATE TABLE server_secrets (
    name  TEXT PRIMARY KEY NOT NULL,
    value BYTEA NOT NULL
);

CREATE TABLE spending (
    tier TEXT NOT NULL,
    kind TEXT NOT NULL,
    at   BIGINT NOT NULL
);
CREATE INDEX spending_tier_kind_at ON spending (tier, kind, at);
