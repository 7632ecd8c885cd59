-- Nothing to do: SQLite's 0012 rewrote times stored in more than one width, and a
-- PostgreSQL database has only ever held the fixed width (`db::now`). The version is kept so
-- both folders count the same migrations.
SELECT 1;
