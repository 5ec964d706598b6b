-- Password resets: a link e-mailed to an account's address lets its holder set a new password
-- once, within an hour. Only a hash of the link's token is kept. Times are Unix microseconds.
CREATE TABLE password_resets (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);
CREATE INDEX password_resets_user ON password_resets (user_id);
