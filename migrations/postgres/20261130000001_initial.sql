-- The PostgreSQL schema: the same tables and columns as migrations/sqlite (the codec reads the
-- same records from both), with PostgreSQL's types where they matter:
-- - ids are UUIDv7 text in the "C" collation, so `ORDER BY id` is bytewise, i.e. creation order,
--   whatever the database's default collation;
-- - timestamps are `timestamptz` (microseconds; the store truncates finer values on the way in);
-- - lists of codes stay JSON text, so they come back byte for byte;
-- - `profile_counts` keeps row counts by kind and status, maintained in the writing transaction,
--   so `counts()` and `totalCount` read one row instead of scanning the table.

CREATE TABLE users (
    id             TEXT COLLATE "C" PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,           -- stored lower-case
    password_hash  TEXT NOT NULL,                  -- argon2id PHC string
    role           TEXT NOT NULL CHECK (role IN ('SME', 'INVESTOR', 'STAFF', 'ADMIN')),
    created_at     TIMESTAMPTZ NOT NULL
);

-- Only a SHA-256 of each token is kept: a stolen database yields no usable token.
CREATE TABLE tokens (
    token_hash  TEXT PRIMARY KEY,
    id          TEXT COLLATE "C" NOT NULL UNIQUE,   -- public handle (to revoke an API key)
    user_id     TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    kind        TEXT NOT NULL CHECK (kind IN ('SESSION', 'API_KEY')),
    name        TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ,                        -- NULL: until revoked (API keys)
    revoked_at  TIMESTAMPTZ
);
CREATE INDEX tokens_user ON tokens (user_id);

CREATE TABLE smes (
    id                      TEXT COLLATE "C" PRIMARY KEY,
    status                  TEXT NOT NULL CHECK (status IN ('PUBLISHED', 'ARCHIVED')),
    visibility              TEXT NOT NULL CHECK (visibility IN ('PUBLIC', 'ANONYMOUS')),
    name_en                 TEXT,
    name_km                 TEXT,
    name_ko                 TEXT,
    description_en          TEXT,
    description_km          TEXT,
    description_ko          TEXT,
    sector_code             TEXT COLLATE "C" NOT NULL,
    secondary_sector_codes  TEXT NOT NULL DEFAULT '[]',
    province_code           TEXT COLLATE "C" NOT NULL,
    employees               BIGINT,
    founded_year            BIGINT,
    capital_min_usd         BIGINT,
    capital_max_usd         BIGINT,
    partnership_types       TEXT NOT NULL DEFAULT '[]',
    digital_indicators      TEXT NOT NULL DEFAULT '[]',
    digital_level           TEXT NOT NULL,
    digital_score           BIGINT NOT NULL,
    languages               TEXT NOT NULL DEFAULT '[]',
    contact_person          TEXT,
    contact_email           TEXT,
    contact_phone           TEXT,
    contact_telegram        TEXT,
    created_at              TIMESTAMPTZ NOT NULL,
    updated_at              TIMESTAMPTZ NOT NULL,
    version                 BIGINT NOT NULL,
    owner_id                TEXT COLLATE "C" REFERENCES users (id)
);
CREATE INDEX smes_status_id ON smes (status, id);
CREATE INDEX smes_owner ON smes (owner_id);

CREATE TABLE investors (
    id                        TEXT COLLATE "C" PRIMARY KEY,
    status                    TEXT NOT NULL CHECK (status IN ('PUBLISHED', 'ARCHIVED')),
    name_en                   TEXT,
    name_km                   TEXT,
    name_ko                   TEXT,
    description_en            TEXT,
    description_km            TEXT,
    description_ko            TEXT,
    organization_type         TEXT NOT NULL,
    sector_interests          TEXT NOT NULL DEFAULT '[]',
    excluded_sectors          TEXT NOT NULL DEFAULT '[]',
    ticket_min_usd            BIGINT,
    ticket_max_usd            BIGINT,
    partnership_types         TEXT NOT NULL DEFAULT '[]',
    preferred_provinces       TEXT NOT NULL DEFAULT '[]',
    preferred_digital_levels  TEXT NOT NULL DEFAULT '[]',
    incentive_preferences     TEXT NOT NULL DEFAULT '[]',
    languages                 TEXT NOT NULL DEFAULT '[]',
    contact_person            TEXT,
    contact_email             TEXT,
    contact_phone             TEXT,
    contact_telegram          TEXT,
    created_at                TIMESTAMPTZ NOT NULL,
    updated_at                TIMESTAMPTZ NOT NULL,
    version                   BIGINT NOT NULL,
    owner_id                  TEXT COLLATE "C" REFERENCES users (id)
);
CREATE INDEX investors_status_id ON investors (status, id);
CREATE INDEX investors_owner ON investors (owner_id);

-- Rows by kind and status. Every profile write adjusts it in its own transaction (after the
-- outbox lock, see below, so the hot rows are locked only for as long as that lock is held).
CREATE TABLE profile_counts (
    entity  TEXT NOT NULL CHECK (entity IN ('SME', 'INVESTOR')),
    status  TEXT NOT NULL CHECK (status IN ('PUBLISHED', 'ARCHIVED')),
    n       BIGINT NOT NULL CHECK (n >= 0),
    PRIMARY KEY (entity, status)
);
INSERT INTO profile_counts (entity, status, n) VALUES
    ('SME', 'PUBLISHED', 0), ('SME', 'ARCHIVED', 0),
    ('INVESTOR', 'PUBLISHED', 0), ('INVESTOR', 'ARCHIVED', 0);

-- Every profile change appends one entry in the same transaction as the row itself. Appends
-- are serialised by a transaction-scoped advisory lock taken just before them (see
-- src/store/postgres.rs), so `seq` is allocated in commit order and a reader that asks for
-- "after q" can never miss an entry committed later below q.
CREATE TABLE outbox (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity      TEXT NOT NULL CHECK (entity IN ('SME', 'INVESTOR')),
    entity_id   TEXT COLLATE "C" NOT NULL,
    op          TEXT NOT NULL CHECK (op IN ('UPSERT', 'DELETE')),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One record per (SME, investor) pair that staff acted on.
CREATE TABLE matches (
    id                 TEXT COLLATE "C" PRIMARY KEY,
    sme_id             TEXT COLLATE "C" NOT NULL REFERENCES smes (id),
    investor_id        TEXT COLLATE "C" NOT NULL REFERENCES investors (id),
    stage              TEXT NOT NULL CHECK (stage IN ('SUGGESTED', 'SHORTLISTED', 'INTRODUCED',
                           'CONNECTED', 'IN_TALKS', 'DEAL', 'CLOSED', 'DECLINED')),
    sme_response       TEXT CHECK (sme_response IN ('ACCEPTED', 'DECLINED')),
    investor_response  TEXT CHECK (investor_response IN ('ACCEPTED', 'DECLINED')),
    introduction       TEXT,
    curator_id         TEXT COLLATE "C" REFERENCES users (id),
    text_relevance     DOUBLE PRECISION NOT NULL DEFAULT 0,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    version            BIGINT NOT NULL,
    UNIQUE (sme_id, investor_id)
);
CREATE INDEX matches_stage ON matches (stage, id);
CREATE INDEX matches_investor ON matches (investor_id);

CREATE TABLE audit_log (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    match_id    TEXT COLLATE "C" NOT NULL REFERENCES matches (id),
    action      TEXT NOT NULL,
    actor_id    TEXT COLLATE "C" REFERENCES users (id),
    from_stage  TEXT,
    to_stage    TEXT,
    message     TEXT,
    at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX audit_log_match ON audit_log (match_id, seq);
