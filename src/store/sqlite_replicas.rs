//! SQLite: replica positions and outbox pruning (see the `Store` trait's section on them).
//!
//! The same rule as PostgreSQL's (`postgres_replicas.rs`); SQLite lets one writer in at a time,
//! and every transaction here starts with a write, so it holds the write lock from its first
//! statement (no read-then-upgrade that could fail with SQLITE_BUSY) and joins and prunes are
//! serialised without an advisory lock. On SQLite one server uses the file, so its own row is
//! normally the only one; the rule is kept all the same (a `reindex` run records its index).

use sqlx::SqlitePool;
use time::OffsetDateTime;

use super::codec::{from_micros, micros};
use super::{PruneOutcome, ReplicaPosition, Seq, StoreError};

const HEAD: &str = "MAX(COALESCE((SELECT MAX(seq) FROM outbox), 0), \
                    (SELECT through FROM outbox_pruned))";

pub(super) async fn head(pool: &SqlitePool) -> Result<Seq, StoreError> {
    Ok(sqlx::query_scalar(&format!("SELECT {HEAD}"))
        .fetch_one(pool)
        .await?)
}

pub(super) async fn pruned_through(pool: &SqlitePool) -> Result<Seq, StoreError> {
    Ok(sqlx::query_scalar("SELECT through FROM outbox_pruned")
        .fetch_one(pool)
        .await?)
}

pub(super) async fn join(
    pool: &SqlitePool,
    id: &str,
    applied: Seq,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    // One statement: recorded only if nothing after `applied` was pruned.
    let done = sqlx::query(
        "INSERT INTO replicas (id, applied, seen_at)
         SELECT ?1, ?2, ?3 WHERE ?2 >= (SELECT through FROM outbox_pruned)
         ON CONFLICT (id) DO UPDATE SET applied = excluded.applied, seen_at = excluded.seen_at",
    )
    .bind(id)
    .bind(applied)
    .bind(micros(now))
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn join_at_head(
    pool: &SqlitePool,
    id: &str,
    now: OffsetDateTime,
) -> Result<Seq, StoreError> {
    // `WHERE true` keeps SQLite's parser from reading ON CONFLICT as a join constraint.
    Ok(sqlx::query_scalar(&format!(
        "INSERT INTO replicas (id, applied, seen_at) SELECT ?1, {HEAD}, ?2 WHERE true
         ON CONFLICT (id) DO UPDATE SET applied = excluded.applied, seen_at = excluded.seen_at
         RETURNING applied"
    ))
    .bind(id)
    .bind(micros(now))
    .fetch_one(pool)
    .await?)
}

pub(super) async fn report(
    pool: &SqlitePool,
    id: &str,
    applied: Seq,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO replicas (id, applied, seen_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET applied = excluded.applied, seen_at = excluded.seen_at",
    )
    .bind(id)
    .bind(applied)
    .bind(micros(now))
    .execute(pool)
    .await?;
    Ok(())
}

pub(super) async fn prune(
    pool: &SqlitePool,
    live_since: OffsetDateTime,
) -> Result<PruneOutcome, StoreError> {
    let mut tx = pool.begin().await?;
    // A write first: the transaction holds the write lock from here on.
    sqlx::query("DELETE FROM replicas WHERE seen_at < ?")
        .bind(micros(live_since))
        .execute(&mut *tx)
        .await?;
    let through: Seq = sqlx::query_scalar(
        "UPDATE outbox_pruned
         SET through = MAX(through, COALESCE((SELECT MIN(applied) FROM replicas), 0))
         RETURNING through",
    )
    .fetch_one(&mut *tx)
    .await?;
    let deleted = sqlx::query("DELETE FROM outbox WHERE seq <= ?")
        .bind(through)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(PruneOutcome {
        deleted,
        through,
        kept,
    })
}

pub(super) async fn list(pool: &SqlitePool) -> Result<Vec<ReplicaPosition>, StoreError> {
    let rows: Vec<(String, i64, i64)> =
        sqlx::query_as("SELECT id, applied, seen_at FROM replicas ORDER BY id")
            .fetch_all(pool)
            .await?;
    rows.into_iter()
        .map(|(id, applied, at)| {
            let seen_at = from_micros(at).ok_or_else(|| StoreError::Corrupt {
                entity: "replica",
                id: id.clone(),
                reason: format!("seen_at out of range: {at}"),
            })?;
            Ok(ReplicaPosition {
                id,
                applied,
                seen_at,
            })
        })
        .collect()
}
