-- Wrong PIN and setup-code entries per client (and, as client '*', from everyone together),
-- kept in the database so every instance on it slows a guesser down alike. Unix milliseconds.
CREATE TABLE pin_failures (
    client TEXT PRIMARY KEY NOT NULL,
    count  INTEGER NOT NULL,
    last_ms INTEGER NOT NULL
);
