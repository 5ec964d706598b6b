//! Rate-limit counters shared by every process on the database (see the `Store` trait's section
//! on them), one code for both backends. Each change is one `INSERT … ON CONFLICT … DO UPDATE …
//! RETURNING`, atomic on its own, so no lock and no transaction is needed.
//!
//! The statements are the same on SQLite and PostgreSQL except for the names of the two-argument
//! maximum and minimum; parameters are written `$N`, which sqlx's SQLite driver binds by number
//! as PostgreSQL does, and times are Unix microseconds in a 64-bit integer on both. The functions
//! are written once in [`rate_limit_queries`] and stamped out per pool type: the generic
//! alternative needs eight `for<'q>` bounds repeated on every function (sqlx states its
//! encodings per type, and a trait's where-clause is not implied where it is used).

use time::OffsetDateTime;

use super::StoreError;

use super::codec::micros;

fn from_micros(key: &str, at: i64) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(at) * 1_000).map_err(|e| {
        StoreError::Corrupt {
            entity: "rate limit",
            id: key.to_string(),
            reason: e.to_string(),
        }
    })
}

/// The counters' functions for one pool type, given that database's names for the scalar
/// maximum and minimum of two values.
macro_rules! rate_limit_queries {
    ($pool:ty, max = $max:literal, min = $min:literal) => {
        use time::OffsetDateTime;

        use super::{from_micros, micros};
        use crate::store::{Attempts, StoreError};

        /// Counts one attempt on `key`: the count restarts at 1 when the last attempt is a
        /// whole `window` old.
        pub(in crate::store) async fn count(
            pool: &$pool,
            key: &str,
            now: OffsetDateTime,
            window: std::time::Duration,
        ) -> Result<Attempts, StoreError> {
            let window = i64::try_from(window.as_micros()).unwrap_or(i64::MAX);
            let (count, last): (i64, i64) = sqlx::query_as(concat!(
                "INSERT INTO rate_limits (key, attempts, last_at) VALUES ($1, 1, $2)
                 ON CONFLICT (key) DO UPDATE SET
                     attempts = CASE WHEN rate_limits.last_at <= $2 - $3 THEN 1
                                     ELSE rate_limits.attempts + 1 END,
                     last_at = ",
                $max,
                "(rate_limits.last_at, $2)
                 RETURNING attempts, last_at"
            ))
            .bind(key)
            .bind(micros(now))
            .bind(window)
            .fetch_one(pool)
            .await?;
            Ok(Attempts {
                count,
                last: from_micros(key, last)?,
            })
        }

        pub(in crate::store) async fn get(
            pool: &$pool,
            key: &str,
        ) -> Result<Option<Attempts>, StoreError> {
            let row: Option<(i64, i64)> =
                sqlx::query_as("SELECT attempts, last_at FROM rate_limits WHERE key = $1")
                    .bind(key)
                    .fetch_optional(pool)
                    .await?;
            row.map(|(count, last)| {
                Ok(Attempts {
                    count,
                    last: from_micros(key, last)?,
                })
            })
            .transpose()
        }

        pub(in crate::store) async fn clear(pool: &$pool, key: &str) -> Result<(), StoreError> {
            sqlx::query("DELETE FROM rate_limits WHERE key = $1")
                .bind(key)
                .execute(pool)
                .await?;
            Ok(())
        }

        pub(in crate::store) async fn sweep(
            pool: &$pool,
            before: OffsetDateTime,
        ) -> Result<(), StoreError> {
            sqlx::query("DELETE FROM rate_limits WHERE last_at < $1")
                .bind(micros(before))
                .execute(pool)
                .await?;
            sqlx::query("DELETE FROM write_buckets WHERE at < $1")
                .bind(micros(before))
                .execute(pool)
                .await?;
            Ok(())
        }

        /// Takes a token from `key`'s bucket (`burst` at most, refilled at `per_second`);
        /// returns whether one was there and the level left.
        pub(in crate::store) async fn take(
            pool: &$pool,
            key: &str,
            now: OffsetDateTime,
            burst: f64,
            per_second: f64,
        ) -> Result<(bool, f64), StoreError> {
            // The refilled level, from the row as it was; a token is taken only when at least
            // one is there, and `granted` tells the caller which happened.
            let level = concat!(
                $min,
                "($3, write_buckets.tokens + ",
                $max,
                "(0, $2 - write_buckets.at) * $4 / 1000000.0)"
            );
            let (granted, tokens): (bool, f64) = sqlx::query_as(&format!(
                "INSERT INTO write_buckets (key, tokens, at, granted) VALUES ($1, $3 - 1, $2, TRUE)
                 ON CONFLICT (key) DO UPDATE SET
                     tokens = CASE WHEN {level} >= 1 THEN {level} - 1 ELSE {level} END,
                     granted = {level} >= 1,
                     at = {max}(write_buckets.at, $2)
                 RETURNING granted, tokens",
                max = $max,
            ))
            .bind(key)
            .bind(micros(now))
            .bind(burst)
            .bind(per_second)
            .fetch_one(pool)
            .await?;
            Ok((granted, tokens))
        }
    };
}

pub(super) mod sqlite {
    rate_limit_queries!(sqlx::SqlitePool, max = "MAX", min = "MIN");
}

pub(super) mod postgres {
    rate_limit_queries!(sqlx::PgPool, max = "GREATEST", min = "LEAST");
}
