-- Replica positions and outbox pruning (issue 13).
--
-- Each replica (one `serve` process with its own index directory) records the last outbox
-- position its index has applied and when it last said so. Outbox entries at or below the
-- lowest position of the replicas seen within the horizon (`--replica-horizon`) are deleted;
-- a replica not seen for longer is left out of that minimum (and its row forgotten), so one
-- replica gone for good cannot make the outbox grow without bound.
CREATE TABLE replicas (
    id       TEXT COLLATE "C" PRIMARY KEY,
    applied  BIGINT NOT NULL CHECK (applied >= 0),
    seen_at  TIMESTAMPTZ NOT NULL
);

-- The highest position ever pruned (one row). A reader whose position is below it may have
-- missed entries that are gone: it must rebuild its index from the tables instead of reading
-- on (positions have holes, so "the lowest entry left" could not tell this).
CREATE TABLE outbox_pruned (
    one      BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
    through  BIGINT NOT NULL CHECK (through >= 0)
);
INSERT INTO outbox_pruned (one, through) VALUES (TRUE, 0);
