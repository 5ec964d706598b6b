-- Counts of profiles by kind and status, kept by triggers in the writing transaction itself, so
-- `counts()` and every `totalCount` read one row instead of scanning the table (at 1,000,000
-- SMEs `SELECT COUNT(*) … WHERE status = 'PUBLISHED'` took 1.3 s). Triggers, not application
-- code, so no write path (bulk loads included) can forget them.

CREATE TABLE profile_counts (
    entity  TEXT NOT NULL CHECK (entity IN ('SME', 'INVESTOR')),
    status  TEXT NOT NULL CHECK (status IN ('PUBLISHED', 'ARCHIVED')),
    n       INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (entity, status)
) WITHOUT ROWID;

-- Databases created before this migration start from their current counts.
INSERT INTO profile_counts (entity, status, n)
SELECT 'SME', s.status, (SELECT COUNT(*) FROM smes WHERE status = s.status)
FROM (SELECT 'PUBLISHED' AS status UNION ALL SELECT 'ARCHIVED') AS s
UNION ALL
SELECT 'INVESTOR', s.status, (SELECT COUNT(*) FROM investors WHERE status = s.status)
FROM (SELECT 'PUBLISHED' AS status UNION ALL SELECT 'ARCHIVED') AS s;

CREATE TRIGGER smes_counted_on_insert AFTER INSERT ON smes BEGIN
    UPDATE profile_counts SET n = n + 1 WHERE entity = 'SME' AND status = NEW.status;
END;
CREATE TRIGGER smes_counted_on_delete AFTER DELETE ON smes BEGIN
    UPDATE profile_counts SET n = n - 1 WHERE entity = 'SME' AND status = OLD.status;
END;
CREATE TRIGGER smes_counted_on_status AFTER UPDATE OF status ON smes
WHEN OLD.status <> NEW.status BEGIN
    UPDATE profile_counts SET n = n - 1 WHERE entity = 'SME' AND status = OLD.status;
    UPDATE profile_counts SET n = n + 1 WHERE entity = 'SME' AND status = NEW.status;
END;

CREATE TRIGGER investors_counted_on_insert AFTER INSERT ON investors BEGIN
    UPDATE profile_counts SET n = n + 1 WHERE entity = 'INVESTOR' AND status = NEW.status;
END;
CREATE TRIGGER investors_counted_on_delete AFTER DELETE ON investors BEGIN
    UPDATE profile_counts SET n = n - 1 WHERE entity = 'INVESTOR' AND status = OLD.status;
END;
CREATE TRIGGER investors_counted_on_status AFTER UPDATE OF status ON investors
WHEN OLD.status <> NEW.status BEGIN
    UPDATE profile_counts SET n = n - 1 WHERE entity = 'INVESTOR' AND status = OLD.status;
    UPDATE profile_counts SET n = n + 1 WHERE entity = 'INVESTOR' AND status = NEW.status;
END;
