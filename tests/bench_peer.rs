//! `bench match --peer postgres` at a tiny size: the PostgreSQL peer, which recomputes the six
//! non-text features in SQL, must return exactly our top 10 for every investor when the TEXT
//! weight is 0.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn peer_agrees_with_our_engine_without_text() {
    let Ok(url) = std::env::var("KHKR_TEST_POSTGRES_URL") else {
        eprintln!("SKIPPED: bench_peer (KHKR_TEST_POSTGRES_URL is not set)");
        return;
    };
    let f = khkr_match::bench::match_peer_bench(300, 20, &url)
        .await
        .unwrap();
    khkr_match::bench::print_peer(std::slice::from_ref(&f));
    assert!(f.without_text.queries > 0);
    assert_eq!(
        f.without_text.identical, f.without_text.queries,
        "top 10 differ with TEXT weight 0: {:?}",
        f.without_text
    );
    assert_eq!(f.ours.runs, 20);
    assert_eq!(f.peer.runs, 20);
}
