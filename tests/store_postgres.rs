//! The store conformance suite (`khkr_match::store::conformance`) on PostgreSQL: the same cases
//! as tests/store.rs, each in a schema of its own (created fresh, dropped afterwards) in the
//! database `KHKR_TEST_POSTGRES_URL` names, so cases run in parallel. Without the variable
//! every case prints `SKIPPED: … KHKR_TEST_POSTGRES_URL not set` and passes vacuously.

mod common;

use std::sync::Arc;

use common::postgres::Schema;
use khkr_match::store::{self, Store};

/// A fresh, empty, migrated PostgreSQL store in a schema of its own (dropped with the guard).
async fn fresh(test: &str) -> Option<(Arc<dyn Store>, Schema)> {
    let schema = Schema::create(test).await?;
    let store = store::open(&schema.url)
        .await
        .expect("open PostgreSQL store");
    Some((store, schema))
}

khkr_match::store_conformance_tests!(optional fresh);

/// The outbox rule is what concurrency can break, and a race shows only sometimes: the
/// no-skip case again, several times over, each on a fresh schema.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn outbox_never_skips_concurrent_writes_repeatedly() {
    for round in 0..5 {
        let Some((store, _schema)) = fresh("outbox_never_skips_concurrent_writes_repeatedly").await
        else {
            return;
        };
        khkr_match::store::conformance::outbox_never_skips_concurrent_writes(store.clone()).await;
        store.close().await;
        eprintln!("round {round}: no entry skipped");
    }
}

/// Nanosecond timestamps (what the service stamps) are truncated to the microsecond on the way
/// in, so what is read back is the written instant to the microsecond, never rounded up past it.
#[tokio::test]
async fn nanoseconds_are_truncated_not_rounded() {
    use khkr_match::domain::ids::ProfileId;
    let Some((store, _schema)) = fresh("nanoseconds_are_truncated_not_rounded").await else {
        return;
    };
    let ctx = khkr_match::domain::ValidationContext { current_year: 2100 };
    let profile = khkr_match::domain::sme::SmeProfile::validate(khkr_match::demo::sme(7, 1), &ctx)
        .expect("valid");
    let at = time::OffsetDateTime::from_unix_timestamp_nanos(1_790_000_000_123_456_999)
        .expect("instant");
    let sme = khkr_match::domain::sme::Sme::publish(ProfileId::new_v7(), None, profile, at);
    store.insert_sme(&sme).await.expect("insert");
    let back = store.sme(sme.id).await.expect("read").expect("stored");
    let micros = time::OffsetDateTime::from_unix_timestamp_nanos(1_790_000_000_123_456_000)
        .expect("instant");
    assert_eq!(back.lifecycle.created_at, micros);
    assert_eq!(back.lifecycle.updated_at, micros);
    store.close().await;
}

/// `Corrupt`, on PostgreSQL: a row edited by hand into something the domain refuses is
/// reported, by a direct read and by a listing, never skipped.
#[tokio::test]
async fn hand_edited_rows_are_reported_corrupt() {
    use khkr_match::domain::ids::ProfileId;
    use khkr_match::store::{PageRequest, StoreError};
    use sqlx::Connection;

    let Some((store, schema)) = fresh("hand_edited_rows_are_reported_corrupt").await else {
        return;
    };
    let ctx = khkr_match::domain::ValidationContext { current_year: 2100 };
    let mut ids = Vec::new();
    for i in 0..3 {
        let profile =
            khkr_match::domain::sme::SmeProfile::validate(khkr_match::demo::sme(7, i), &ctx)
                .expect("valid");
        let sme = khkr_match::domain::sme::Sme::publish(
            ProfileId::new_v7(),
            None,
            profile,
            time::OffsetDateTime::now_utc(),
        );
        store.insert_sme(&sme).await.expect("insert");
        ids.push(sme.id);
    }
    let mut conn = sqlx::PgConnection::connect(&schema.url)
        .await
        .expect("connect");
    sqlx::query("UPDATE smes SET province_code = 'KH-99' WHERE id = $1")
        .bind(ids[1].to_string())
        .execute(&mut conn)
        .await
        .expect("hand edit");
    conn.close().await.expect("close");

    let corrupt = |r: &Result<_, StoreError>| matches!(r, Err(StoreError::Corrupt { entity, id, .. }) if *entity == "SME" && *id == ids[1].to_string());
    let one = store.sme(ids[1]).await.map(|_| ());
    assert!(corrupt(&one), "a direct read: {one:?}");
    let page = store
        .published_smes(PageRequest {
            first: 10,
            after: None,
        })
        .await
        .map(|_| ());
    assert!(corrupt(&page), "a listing: {page:?}");
    assert!(
        store.sme(ids[0]).await.expect("read").is_some(),
        "other rows still read"
    );
    store.close().await;
}

/// Upgrading one replica at a time: a replica of the previous release must still (re)start on
/// a database a newer release has migrated, so a migration it does not know is not refused.
#[tokio::test]
async fn a_store_opens_on_a_schema_migrated_by_a_newer_release() {
    let Some((store, schema)) =
        fresh("a_store_opens_on_a_schema_migrated_by_a_newer_release").await
    else {
        return;
    };
    store.close().await;
    let pool = sqlx::PgPool::connect(&schema.url).await.expect("connect");
    // What a newer release would have recorded: an applied migration this binary lacks.
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (29991231000001, 'from a newer release', TRUE, '\\x00'::bytea, 0)",
    )
    .execute(&pool)
    .await
    .expect("record a newer migration");
    pool.close().await;
    let again = store::open(&schema.url)
        .await
        .expect("the older binary starts on the newer schema");
    again.ping().await.expect("and works");
    again.close().await;
}

/// The outbox and prune locks are a schema's own, and waiting for the prune lock is bounded. A session that holds it and
/// stays idle in its transaction (as a replica frozen in the middle of a prune does) does not
/// hold up pruning in another schema at all, and in its own schema a prune gives up after its
/// wait (10 s) with an error, to try again at its next round, instead of waiting for as long as
/// the holder stays frozen. Before, the lock was one for the whole database and the wait had no
/// end, and a writer frozen before its commit held up every write of every schema.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_prune_lock_holds_up_only_its_schema_and_only_for_a_while() {
    use sqlx::Connection;
    let test = "a_held_prune_lock_holds_up_only_its_schema_and_only_for_a_while";
    let Some((held, held_schema)) = fresh(test).await else {
        return;
    };
    let Some((other, _other_schema)) = fresh(test).await else {
        return;
    };
    // The schema's own locks as `store::postgres` takes them: "khkr" (prune) or "khko" (outbox
    // appends), and the schema's name hashed. (This release takes the database-wide keys of
    // earlier releases first, for rolling upgrades: a real frozen holder holds those too, and so
    // holds up other schemas for as long as the server's 10 s idle limit; the next release
    // drops them, and this is what stays.)
    let mut holder = sqlx::PgConnection::connect(&held_schema.url)
        .await
        .expect("connect");
    sqlx::query("BEGIN")
        .execute(&mut holder)
        .await
        .expect("begin");
    for key in [0x6b68_6b72, 0x6b68_6b6f] {
        sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))")
            .bind(key)
            .execute(&mut holder)
            .await
            .expect("lock");
    }
    let live_since = time::OffsetDateTime::now_utc() - time::Duration::hours(1);

    // Another schema writes and prunes at once.
    let ctx = khkr_match::domain::ValidationContext { current_year: 2100 };
    let profile = khkr_match::domain::sme::SmeProfile::validate(khkr_match::demo::sme(3, 1), &ctx)
        .expect("valid");
    let sme = khkr_match::domain::sme::Sme::publish(
        khkr_match::domain::ids::ProfileId::new_v7(),
        None,
        profile,
        time::OffsetDateTime::now_utc(),
    );
    tokio::time::timeout(std::time::Duration::from_secs(5), other.insert_sme(&sme))
        .await
        .expect("another schema's write does not wait")
        .expect("written");

    let started = std::time::Instant::now();
    other
        .prune_outbox(live_since)
        .await
        .expect("another schema prunes");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "another schema waited {:?}",
        started.elapsed()
    );

    let started = std::time::Instant::now();
    let waited = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        held.prune_outbox(live_since),
    )
    .await
    .expect("the wait for the lock ends");
    let took = started.elapsed();
    let err = waited.expect_err("the lock is held: this round gives up");
    assert!(err.to_string().contains("lock timeout"), "{err}");
    assert!(
        took >= std::time::Duration::from_secs(9) && took < std::time::Duration::from_secs(20),
        "gave up after {took:?}"
    );

    sqlx::query("ROLLBACK")
        .execute(&mut holder)
        .await
        .expect("release");
    held.prune_outbox(live_since)
        .await
        .expect("prunes once the lock is free");
    other.close().await;
    held.close().await;
}
