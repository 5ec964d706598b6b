//! PostgreSQL: replica positions and outbox pruning (see the `Store` trait's section on them).
//!
//! Joining and pruning each run in a transaction that first takes one transaction-scoped
//! advisory lock ([`PRUNE_LOCK`]), so they are serialised with each other: a prune's minimum
//! is computed after every earlier join committed (each statement of a `READ COMMITTED`
//! transaction sees what committed before it began), and a join sees every earlier prune's
//! watermark. Heartbeats (`report`) need no lock: a position only moves up, and a prune that
//! read an older one deletes less. Writers never take this lock, so pruning a large backlog
//! does not hold up writes.
//!
//! The lock is the schema's own (`postgres::schema_lock`), and a replica frozen in the middle
//! of a prune (a paused VM, SIGSTOP) has its session ended by the server after 10 s idle in
//! its transaction (`postgres::HOLD_IDLE`), so the other replicas prune on without it; a prune
//! waiting for the lock gives up after [`PRUNE_WAIT`] and tries at its next round. Before, one
//! frozen replica stopped pruning (and, since the same loop records positions, heartbeats)
//! everywhere that shared the database.

use sqlx::PgPool;
use time::OffsetDateTime;

use super::postgres::pg_timestamp;
use super::{PruneOutcome, ReplicaPosition, Seq, StoreError};

/// The advisory lock that serialises joins and prunes ("khkr", with the schema; and the
/// one-key lock of releases before 2026-12: see `postgres::schema_lock`).
const PRUNE_LOCK: (i32, i64) = (0x6b68_6b72, 0x6b68_6b72_7072_756e);
/// How long a prune waits for the lock before it gives up until its next round. Joins wait as
/// long as it takes: a replica cannot start without joining.
const PRUNE_WAIT: &str = "10s";

/// The head as joining at it means: the newest entry, or the pruned watermark when pruning
/// left nothing newer (positions are never reused, so the head never moves back).
const HEAD: &str = "GREATEST(COALESCE((SELECT MAX(seq) FROM outbox), 0), \
                    (SELECT through FROM outbox_pruned))";

/// A transaction holding the prune lock; with `give_up`, the wait for it ends after
/// [`PRUNE_WAIT`] with an error.
async fn locked(
    pool: &PgPool,
    give_up: bool,
) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, StoreError> {
    let mut tx = pool.begin().await?;
    if give_up {
        // SET takes no parameters; the value is a constant of this file.
        sqlx::query(&format!("SET LOCAL lock_timeout = '{PRUNE_WAIT}'"))
            .execute(&mut *tx)
            .await?;
    }
    super::postgres::schema_lock(&mut tx, PRUNE_LOCK).await?;
    Ok(tx)
}

pub(super) async fn head(pool: &PgPool) -> Result<Seq, StoreError> {
    Ok(sqlx::query_scalar(&format!("SELECT {HEAD}"))
        .fetch_one(pool)
        .await?)
}

pub(super) async fn pruned_through(pool: &PgPool) -> Result<Seq, StoreError> {
    Ok(sqlx::query_scalar("SELECT through FROM outbox_pruned")
        .fetch_one(pool)
        .await?)
}

pub(super) async fn join(
    pool: &PgPool,
    id: &str,
    applied: Seq,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let mut tx = locked(pool, false).await?;
    // One statement: recorded only if nothing after `applied` was pruned.
    let done = sqlx::query(
        "INSERT INTO replicas (id, applied, seen_at)
         SELECT $1, $2, $3::timestamptz WHERE $2 >= (SELECT through FROM outbox_pruned)
         ON CONFLICT (id) DO UPDATE SET applied = EXCLUDED.applied, seen_at = EXCLUDED.seen_at",
    )
    .bind(id)
    .bind(applied)
    .bind(pg_timestamp(now))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn join_at_head(
    pool: &PgPool,
    id: &str,
    now: OffsetDateTime,
) -> Result<Seq, StoreError> {
    let mut tx = locked(pool, false).await?;
    let head: Seq = sqlx::query_scalar(&format!(
        "INSERT INTO replicas (id, applied, seen_at) SELECT $1, {HEAD}, $2::timestamptz
         ON CONFLICT (id) DO UPDATE SET applied = EXCLUDED.applied, seen_at = EXCLUDED.seen_at
         RETURNING applied"
    ))
    .bind(id)
    .bind(pg_timestamp(now))
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(head)
}

pub(super) async fn report(
    pool: &PgPool,
    id: &str,
    applied: Seq,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO replicas (id, applied, seen_at) VALUES ($1, $2, $3::timestamptz)
         ON CONFLICT (id) DO UPDATE SET applied = EXCLUDED.applied, seen_at = EXCLUDED.seen_at",
    )
    .bind(id)
    .bind(applied)
    .bind(pg_timestamp(now))
    .execute(pool)
    .await?;
    Ok(())
}

pub(super) async fn prune(
    pool: &PgPool,
    live_since: OffsetDateTime,
) -> Result<PruneOutcome, StoreError> {
    let mut tx = locked(pool, true).await?;
    let since = pg_timestamp(live_since);
    sqlx::query("DELETE FROM replicas WHERE seen_at < $1::timestamptz")
        .bind(&since)
        .execute(&mut *tx)
        .await?;
    // The watermark only rises; with no live reader the minimum is NULL and nothing moves.
    let through: Seq = sqlx::query_scalar(
        "UPDATE outbox_pruned
         SET through = GREATEST(through, COALESCE((SELECT MIN(applied) FROM replicas), 0))
         RETURNING through",
    )
    .fetch_one(&mut *tx)
    .await?;
    let deleted = sqlx::query("DELETE FROM outbox WHERE seq <= $1")
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

pub(super) async fn list(pool: &PgPool) -> Result<Vec<ReplicaPosition>, StoreError> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT id, applied, (EXTRACT(EPOCH FROM seen_at) * 1000000)::bigint
         FROM replicas ORDER BY id",
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(id, applied, micros)| {
            let seen_at = super::codec::from_micros(micros).ok_or_else(|| StoreError::Corrupt {
                entity: "replica",
                id: id.clone(),
                reason: format!("seen_at out of range: {micros}"),
            })?;
            Ok(ReplicaPosition {
                id,
                applied,
                seen_at,
            })
        })
        .collect()
}
