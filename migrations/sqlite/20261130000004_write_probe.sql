-- One row that `/readyz` rewrites to learn whether the database still takes writes (a read
-- succeeds on a read-only or full database; only a committed write tells). Holds nothing else.
CREATE TABLE write_probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at TEXT NOT NULL
);
