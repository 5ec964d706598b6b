//! `bench match --peer postgres` at a tiny size: the PostgreSQL peer, which recomputes the six
//! non-text features in SQL, must return exactly our top 10 for every investor (and, the other
//! way, for every SME) when the TEXT weight is 0.

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
    for (direction, a) in [
        ("matchesForInvestor", f.without_text),
        ("matchesForSme", f.sme_without_text),
    ] {
        assert!(a.queries > 0, "{direction}: nothing compared");
        assert_eq!(
            a.identical, a.queries,
            "{direction}: top 10 differ with TEXT weight 0: {a:?}"
        );
    }
    assert_eq!(f.ours.runs, 20);
    assert_eq!(f.peer.runs, 20);
    assert_eq!(f.ours_sme.runs, 20);
    assert_eq!(f.peer_sme.runs, 20);
}
