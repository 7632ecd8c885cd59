CREATE TABLE pin_failures (
    client  TEXT PRIMARY KEY NOT NULL,
    count   BIGINT NOT NULL,
    last_ms BIGINT NOT NULL
);
