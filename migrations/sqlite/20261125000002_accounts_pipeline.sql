-- Accounts, bearer tokens, profile ownership, and the curation pipeline with its audit log.

CREATE TABLE users (
    id             TEXT PRIMARY KEY NOT NULL,
    email          TEXT NOT NULL UNIQUE,           -- stored lower-case
    password_hash  TEXT NOT NULL,                  -- argon2id PHC string
    role           TEXT NOT NULL CHECK (role IN ('SME', 'INVESTOR', 'STAFF', 'ADMIN')),
    created_at     TEXT NOT NULL
);

-- Only a SHA-256 of each token is kept: a stolen database yields no usable token.
CREATE TABLE tokens (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    id          TEXT NOT NULL UNIQUE,               -- public handle (to revoke an API key)
    user_id     TEXT NOT NULL REFERENCES users (id),
    kind        TEXT NOT NULL CHECK (kind IN ('SESSION', 'API_KEY')),
    name        TEXT,
    created_at  TEXT NOT NULL,
    expires_at  TEXT,                               -- NULL: until revoked (API keys)
    revoked_at  TEXT
);
CREATE INDEX tokens_user ON tokens (user_id);

ALTER TABLE smes ADD COLUMN owner_id TEXT REFERENCES users (id);
ALTER TABLE investors ADD COLUMN owner_id TEXT REFERENCES users (id);
CREATE INDEX smes_owner ON smes (owner_id);
CREATE INDEX investors_owner ON investors (owner_id);

-- One record per (SME, investor) pair that staff acted on; `id` is the pair id the ranking
-- already shows, so a suggested match keeps its id when it enters the pipeline.
CREATE TABLE matches (
    id                 TEXT PRIMARY KEY NOT NULL,
    sme_id             TEXT NOT NULL REFERENCES smes (id),
    investor_id        TEXT NOT NULL REFERENCES investors (id),
    stage              TEXT NOT NULL CHECK (stage IN ('SUGGESTED', 'SHORTLISTED', 'INTRODUCED',
                           'CONNECTED', 'IN_TALKS', 'DEAL', 'CLOSED', 'DECLINED')),
    sme_response       TEXT CHECK (sme_response IN ('ACCEPTED', 'DECLINED')),
    investor_response  TEXT CHECK (investor_response IN ('ACCEPTED', 'DECLINED')),
    introduction       TEXT,
    curator_id         TEXT REFERENCES users (id),
    text_relevance     REAL NOT NULL DEFAULT 0,       -- TEXT feature when shortlisted
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    version            INTEGER NOT NULL,
    UNIQUE (sme_id, investor_id)
);
CREATE INDEX matches_stage ON matches (stage, id);

CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    match_id    TEXT NOT NULL REFERENCES matches (id),
    action      TEXT NOT NULL,
    actor_id    TEXT REFERENCES users (id),
    from_stage  TEXT,
    to_stage    TEXT,
    message     TEXT,
    at          TEXT NOT NULL
);
CREATE INDEX audit_log_match ON audit_log (match_id, seq);
