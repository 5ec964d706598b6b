//! The `notices` table (see `Pipeline`'s section on notices), one code for both backends, as
//! `rate_limits.rs` does: parameters are `$N` on both, times Unix microseconds. The only
//! difference is how a claim skips rows another process is claiming: PostgreSQL's `FOR UPDATE
//! SKIP LOCKED`; SQLite has one writer at a time, so its claim needs nothing.

use super::codec::{from_micros, micros};
use super::{StoreError, StoredNotice};
use crate::domain::ids::ProfileId;
use crate::domain::notice::{Audience, Notice, NoticeKind};

type Row = (
    i64,
    String,
    String,
    String,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    Option<String>,
    i64,
);

const COLUMNS: &str =
    "id, match_id, audience, kind, created_at, attempts, sent_at, gave_up_at, last_error, due_at";

fn decode(row: Row) -> Result<StoredNotice, StoredNoticeError> {
    let (id, match_id, audience, kind, created, attempts, sent, gave_up, last_error, due) = row;
    let corrupt = |reason: String| StoredNoticeError { id, reason };
    Ok(StoredNotice {
        id,
        match_id: ProfileId::parse(&match_id).map_err(corrupt)?,
        notice: Notice {
            audience: Audience::parse(&audience)
                .ok_or_else(|| corrupt(format!("bad audience {audience:?}")))?,
            kind: NoticeKind::parse(&kind).ok_or_else(|| corrupt(format!("bad kind {kind:?}")))?,
        },
        created_at: from_micros(created).ok_or_else(|| corrupt("bad created_at".into()))?,
        attempts,
        sent_at: sent.and_then(from_micros),
        gave_up: gave_up.is_some(),
        last_error,
        next_attempt: if sent.is_none() && gave_up.is_none() {
            from_micros(due)
        } else {
            None
        },
    })
}

struct StoredNoticeError {
    id: i64,
    reason: String,
}

impl From<StoredNoticeError> for StoreError {
    fn from(e: StoredNoticeError) -> Self {
        StoreError::Corrupt {
            entity: "notice",
            id: e.id.to_string(),
            reason: e.reason,
        }
    }
}

fn decode_all(rows: Vec<Row>) -> Result<Vec<StoredNotice>, StoreError> {
    rows.into_iter()
        .map(|r| decode(r).map_err(StoreError::from))
        .collect()
}

macro_rules! notice_queries {
    ($db:ty, $pool:ty, lock = $lock:literal) => {
        use time::OffsetDateTime;

        use super::{decode, decode_all, micros, Row, COLUMNS};
        use crate::domain::ids::ProfileId;
        use crate::domain::notice::Notice;
        use crate::store::{StoreError, StoredNotice};

        /// Writes `notices` for `match_id` inside the caller's transaction, due at once.
        pub(in crate::store) async fn insert(
            tx: &mut sqlx::Transaction<'_, $db>,
            match_id: ProfileId,
            notices: &[Notice],
            now: OffsetDateTime,
        ) -> Result<(), StoreError> {
            for n in notices {
                sqlx::query(
                    "INSERT INTO notices (match_id, audience, kind, created_at, due_at)
                     VALUES ($1, $2, $3, $4, $4)",
                )
                .bind(match_id.to_string())
                .bind(n.audience.as_str())
                .bind(n.kind.as_str())
                .bind(micros(now))
                .execute(&mut **tx)
                .await?;
            }
            Ok(())
        }

        pub(in crate::store) async fn claim(
            pool: &$pool,
            now: OffsetDateTime,
            lease_until: OffsetDateTime,
            limit: u32,
        ) -> Result<Vec<StoredNotice>, StoreError> {
            let sql = format!(
                "UPDATE notices SET due_at = $2, attempts = attempts + 1
                 WHERE id IN (SELECT id FROM notices
                              WHERE sent_at IS NULL AND gave_up_at IS NULL AND due_at <= $1
                              ORDER BY due_at, id LIMIT $3{})
                 RETURNING {COLUMNS}",
                $lock
            );
            let mut rows: Vec<Row> = sqlx::query_as(&sql)
                .bind(micros(now))
                .bind(micros(lease_until))
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await?;
            // RETURNING gives no order; send in the order they were written.
            rows.sort_by_key(|r| r.0);
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                match decode(row) {
                    Ok(n) => out.push(n),
                    // A row this version cannot read (a kind a newer replica wrote, a damaged
                    // row) is given up with the reason rather than held and retried forever,
                    // and the others are still sent.
                    Err(e) => {
                        tracing::error!(notice = e.id, reason = %e.reason, "unreadable notice given up");
                        sqlx::query(
                            "UPDATE notices SET gave_up_at = $2, last_error = $3 WHERE id = $1",
                        )
                        .bind(e.id)
                        .bind(micros(now))
                        .bind(format!("unreadable: {}", e.reason))
                        .execute(pool)
                        .await?;
                    }
                }
            }
            Ok(out)
        }

        /// Only the latest claim's outcome counts: a sender whose lease ran out and was
        /// claimed again by another does not overwrite that one's outcome.
        const CLAIM_HOLDS: &str = "id = $1 AND attempts = $2 AND sent_at IS NULL AND gave_up_at IS NULL";

        pub(in crate::store) async fn sent(
            pool: &$pool,
            id: i64,
            attempts: i64,
            at: OffsetDateTime,
        ) -> Result<bool, StoreError> {
            let done = sqlx::query(&format!(
                "UPDATE notices SET sent_at = $3, last_error = NULL WHERE {CLAIM_HOLDS}"
            ))
            .bind(id)
            .bind(attempts)
            .bind(micros(at))
            .execute(pool)
            .await?;
            Ok(done.rows_affected() == 1)
        }

        pub(in crate::store) async fn failed(
            pool: &$pool,
            id: i64,
            attempts: i64,
            error: &str,
            now: OffsetDateTime,
            retry_at: Option<OffsetDateTime>,
        ) -> Result<bool, StoreError> {
            let done = sqlx::query(&format!(
                "UPDATE notices SET last_error = $3,
                     due_at = CASE WHEN $4 IS NULL THEN due_at ELSE $4 END,
                     gave_up_at = CASE WHEN $4 IS NULL THEN $5 ELSE NULL END
                 WHERE {CLAIM_HOLDS}"
            ))
            .bind(id)
            .bind(attempts)
            .bind(error)
            .bind(retry_at.map(micros))
            .bind(micros(now))
            .execute(pool)
            .await?;
            Ok(done.rows_affected() == 1)
        }

        pub(in crate::store) async fn not_sent(
            pool: &$pool,
            since: OffsetDateTime,
            limit: u32,
        ) -> Result<Vec<StoredNotice>, StoreError> {
            let rows: Vec<Row> = sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM notices
                 WHERE sent_at IS NULL AND last_error IS NOT NULL AND last_error <> $3
                   AND created_at >= $1
                 ORDER BY id DESC LIMIT $2"
            ))
            .bind(micros(since))
            .bind(i64::from(limit))
            .bind(crate::domain::notice::STALE)
            .fetch_all(pool)
            .await?;
            decode_all(rows)
        }

        pub(in crate::store) async fn requeue(
            pool: &$pool,
            id: i64,
            match_id: ProfileId,
            now: OffsetDateTime,
        ) -> Result<bool, StoreError> {
            let done = sqlx::query(
                "UPDATE notices SET gave_up_at = NULL, attempts = 0, last_error = NULL, due_at = $3
                 WHERE id = $1 AND match_id = $2 AND gave_up_at IS NOT NULL AND sent_at IS NULL",
            )
            .bind(id)
            .bind(match_id.to_string())
            .bind(micros(now))
            .execute(pool)
            .await?;
            Ok(done.rows_affected() == 1)
        }

        pub(in crate::store) async fn of_match(
            pool: &$pool,
            match_id: ProfileId,
        ) -> Result<Vec<StoredNotice>, StoreError> {
            let rows: Vec<Row> = sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM notices WHERE match_id = $1 ORDER BY id"
            ))
            .bind(match_id.to_string())
            .fetch_all(pool)
            .await?;
            decode_all(rows)
        }
    };
}

pub(super) mod sqlite {
    notice_queries!(sqlx::Sqlite, sqlx::SqlitePool, lock = "");
}

pub(super) mod postgres {
    notice_queries!(
        sqlx::Postgres,
        sqlx::PgPool,
        lock = " FOR UPDATE SKIP LOCKED"
    );
}
