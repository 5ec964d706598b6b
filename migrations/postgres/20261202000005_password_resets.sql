-- Password resets, as on SQLite (migrations/sqlite/…_password_resets.sql): a link e-mailed to an
-- account's address sets a new password once, within an hour; only a hash of the link's token
-- is kept. Times are Unix microseconds.
CREATE TABLE password_resets (
    token_hash  TEXT COLLATE "C" PRIMARY KEY,
    user_id     TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX password_resets_user ON password_resets (user_id);
