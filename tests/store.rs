//! The store conformance suite (`khkr_match::store::conformance`) on SQLite: one test per case,
//! each on a fresh database file of its own, so cases run in parallel.
//!
//! A second backend's file is these same lines with another constructor.

use std::sync::Arc;

use khkr_match::store::{self, Store};

/// A fresh, empty, migrated SQLite store in a directory of its own (removed when dropped).
async fn fresh() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite:{}", dir.path().join("store.db").display());
    let store = store::open(&url).await.expect("open SQLite store");
    (store, dir)
}

khkr_match::store_conformance_tests!(fresh);

/// `Corrupt`, on SQLite: a row edited by hand into something the domain refuses is reported,
/// by a direct read and by a listing, never skipped. (The edit is SQL, hence backend-specific;
/// a second backend writes its own version of this test.)
#[tokio::test]
async fn hand_edited_rows_are_reported_corrupt() {
    use khkr_match::domain::ids::ProfileId;
    use khkr_match::store::{PageRequest, StoreError};
    use sqlx::Connection;

    let (store, dir) = fresh().await;
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
    let url = format!("sqlite:{}", dir.path().join("store.db").display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.expect("open");
    sqlx::query("UPDATE smes SET province_code = 'KH-99' WHERE id = ?")
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

/// SQLite keeps its counts in a table maintained by triggers (O(1) reads): after inserts, a
/// batch and archives they equal what a full scan counts.
#[tokio::test]
async fn kept_counts_equal_a_full_scan() {
    use khkr_match::domain::ids::ProfileId;
    use khkr_match::store::PageRequest;
    use sqlx::Connection;

    let (store, dir) = fresh().await;
    let ctx = khkr_match::domain::ValidationContext { current_year: 2100 };
    let now = time::OffsetDateTime::now_utc();
    let sme = |i: u64| {
        let p = khkr_match::domain::sme::SmeProfile::validate(khkr_match::demo::sme(11, i), &ctx)
            .expect("valid");
        khkr_match::domain::sme::Sme::publish(ProfileId::new_v7(), None, p, now)
    };
    let mut kept = Vec::new();
    for i in 0..5 {
        let s = sme(i);
        store.insert_sme(&s).await.expect("insert");
        kept.push(s);
    }
    let batch: Vec<_> = (5..25).map(sme).collect();
    store.insert_batch(&batch, &[]).await.expect("batch");
    for s in &kept[..2] {
        store.update_sme(&s.archive(now)).await.expect("archive");
    }
    let url = format!("sqlite:{}", dir.path().join("store.db").display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.expect("open");
    let scan = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql);
    let all = scan("SELECT COUNT(*) FROM smes")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    let published = scan("SELECT COUNT(*) FROM smes WHERE status = 'PUBLISHED'")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    conn.close().await.expect("close");
    assert_eq!((all, published), (25, 23));
    assert_eq!(store.counts().await.expect("counts").smes, all);
    let page = store
        .published_smes(PageRequest {
            first: 1,
            after: None,
        })
        .await
        .expect("page");
    assert_eq!(page.total_count, published);
    store.close().await;
}
