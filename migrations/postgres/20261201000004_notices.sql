-- Notices owed to the people a match concerns (src/domain/notice.rs), written in the same
-- transaction as the change that owes them and sent by e-mail afterwards (src/mail.rs). An
-- audience, not an address: the account is looked up when the notice is sent. Times are Unix
-- microseconds, as in rate_limits, so "due" compares as a number. Same table on SQLite.
CREATE TABLE notices (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    match_id    TEXT COLLATE "C" NOT NULL REFERENCES matches (id),
    audience    TEXT NOT NULL CHECK (audience IN ('SME_OWNER', 'INVESTOR_OWNER', 'CURATOR')),
    kind        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    -- When a sender may take it next: creation, then a retry time, or the end of the lease a
    -- sender holds while it sends (so another process skips it meanwhile).
    due_at      BIGINT NOT NULL,
    attempts    BIGINT NOT NULL DEFAULT 0,
    sent_at     BIGINT,
    gave_up_at  BIGINT,
    last_error  TEXT
);
CREATE INDEX notices_due ON notices (due_at, id) WHERE sent_at IS NULL AND gave_up_at IS NULL;
CREATE INDEX notices_match ON notices (match_id, id);
