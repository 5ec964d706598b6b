-- SME and investor profiles, and the outbox the search indexer drains.
-- Lists are JSON arrays of codes; texts are stored exactly as received (no normalisation).
-- Timestamps are UTC RFC 3339 text; ids are UUIDv7 text (so `ORDER BY id` is creation order).

CREATE TABLE smes (
    id                      TEXT PRIMARY KEY NOT NULL,
    status                  TEXT NOT NULL CHECK (status IN ('PUBLISHED', 'ARCHIVED')),
    visibility              TEXT NOT NULL CHECK (visibility IN ('PUBLIC', 'ANONYMOUS')),
    name_en                 TEXT,
    name_km                 TEXT,
    name_ko                 TEXT,
    description_en          TEXT,
    description_km          TEXT,
    description_ko          TEXT,
    sector_code             TEXT NOT NULL,
    secondary_sector_codes  TEXT NOT NULL DEFAULT '[]',
    province_code           TEXT NOT NULL,
    employees               INTEGER,
    founded_year            INTEGER,
    capital_min_usd         INTEGER,
    capital_max_usd         INTEGER,
    partnership_types       TEXT NOT NULL DEFAULT '[]',
    digital_indicators      TEXT NOT NULL DEFAULT '[]',
    digital_level           TEXT NOT NULL,
    digital_score           INTEGER NOT NULL,
    languages               TEXT NOT NULL DEFAULT '[]',
    contact_person          TEXT,
    contact_email           TEXT,
    contact_phone           TEXT,
    contact_telegram        TEXT,
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL,
    version                 INTEGER NOT NULL
);
CREATE INDEX smes_status_id ON smes (status, id);

CREATE TABLE investors (
    id                        TEXT PRIMARY KEY NOT NULL,
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
    ticket_min_usd            INTEGER,
    ticket_max_usd            INTEGER,
    partnership_types         TEXT NOT NULL DEFAULT '[]',
    preferred_provinces       TEXT NOT NULL DEFAULT '[]',
    preferred_digital_levels  TEXT NOT NULL DEFAULT '[]',
    incentive_preferences     TEXT NOT NULL DEFAULT '[]',
    languages                 TEXT NOT NULL DEFAULT '[]',
    contact_person            TEXT,
    contact_email             TEXT,
    contact_phone             TEXT,
    contact_telegram          TEXT,
    created_at                TEXT NOT NULL,
    updated_at                TEXT NOT NULL,
    version                   INTEGER NOT NULL
);
CREATE INDEX investors_status_id ON investors (status, id);

-- Every profile change appends one entry in the same transaction as the row itself, so the
-- search index (a derived copy) can replay exactly what the database committed, in order.
CREATE TABLE outbox (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    entity      TEXT NOT NULL CHECK (entity IN ('SME', 'INVESTOR')),
    entity_id   TEXT NOT NULL,
    op          TEXT NOT NULL CHECK (op IN ('UPSERT', 'DELETE')),
    created_at  TEXT NOT NULL
);
