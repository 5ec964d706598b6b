-- Replica positions and outbox pruning (issue 13); the same rule as on PostgreSQL, where it
-- matters more: see migrations/postgres/20261130000002_replicas.sql. On SQLite one server
-- process uses the file, so its own row is normally the only one.
CREATE TABLE replicas (
    id       TEXT PRIMARY KEY,
    applied  INTEGER NOT NULL CHECK (applied >= 0),
    -- Unix time in microseconds (an integer compares correctly; RFC 3339 text with varying
    -- fraction digits would not).
    seen_at  INTEGER NOT NULL
);

CREATE TABLE outbox_pruned (
    one      INTEGER PRIMARY KEY CHECK (one = 1),
    through  INTEGER NOT NULL CHECK (through >= 0)
);
INSERT INTO outbox_pruned (one, through) VALUES (1, 0);
