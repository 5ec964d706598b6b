-- Rate limits shared by every replica (issue 13): the same key counts the same whichever
-- replica a request reaches. Times are Unix microseconds (compared as numbers, identical to
-- SQLite's). Each change is one INSERT … ON CONFLICT … DO UPDATE … RETURNING.

-- Attempts (failed log-ins, sign-ups) per key: how many since the window began, and the last.
CREATE TABLE rate_limits (
    key       TEXT COLLATE "C" PRIMARY KEY,
    attempts  BIGINT NOT NULL CHECK (attempts >= 0),
    last_at   BIGINT NOT NULL
);

-- A token bucket per key for writes: tokens left at `at`; `granted` is the last take's answer.
CREATE TABLE write_buckets (
    key       TEXT COLLATE "C" PRIMARY KEY,
    tokens    DOUBLE PRECISION NOT NULL,
    at        BIGINT NOT NULL,
    granted   BOOLEAN NOT NULL
);
