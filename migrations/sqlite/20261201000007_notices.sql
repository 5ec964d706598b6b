-- Notices owed to the people a match concerns (src/domain/notice.rs), written in the same
-- transaction as the change that owes them and sent by e-mail afterwards (src/mail.rs). An
-- audience, not an address: the account is looked up when the notice is sent. Times are Unix
-- microseconds, as in rate_limits, so "due" compares as a number. Same table on PostgreSQL.
CREATE TABLE notices (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    match_id    TEXT NOT NULL REFERENCES matches (id),
    audience    TEXT NOT NULL CHECK (audience IN ('SME_OWNER', 'INVESTOR_OWNER', 'CURATOR')),
    kind        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    -- When a sender may take it next: creation, then a retry time, or the end of the lease a
    -- sender holds while it sends (so another process skips it meanwhile).
    due_at      INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    sent_at     INTEGER,
    gave_up_at  INTEGER,
    last_error  TEXT
);
CREATE INDEX notices_due ON notices (due_at, id) WHERE sent_at IS NULL AND gave_up_at IS NULL;
CREATE INDEX notices_match ON notices (match_id, id);
