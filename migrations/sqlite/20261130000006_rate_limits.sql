-- Rate limits kept in the database, as on PostgreSQL (migrations/postgres/…_rate_limits.sql):
-- times are Unix microseconds.
CREATE TABLE rate_limits (
    key       TEXT PRIMARY KEY,
    attempts  INTEGER NOT NULL CHECK (attempts >= 0),
    last_at   INTEGER NOT NULL
);

CREATE TABLE write_buckets (
    key       TEXT PRIMARY KEY,
    tokens    REAL NOT NULL,
    at        INTEGER NOT NULL,
    granted   INTEGER NOT NULL
);
