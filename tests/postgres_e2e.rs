//! The real server on PostgreSQL, end to end: `serve --database-url postgres://…` migrates a
//! fresh schema, loads the demo, builds the index, and answers GraphQL; a profile published
//! over HTTP is searchable, ranked, curated through the pipeline and archived, with O(1)
//! counts in step. A second replica on the same database builds its own index from it and sees
//! the first one's writes. Skipped loudly without `KHKR_TEST_POSTGRES_URL`.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

const SEARCH: &str =
    "query($q: String) { searchSmes(query: $q, first: 10) { totalCount edges { node { id } } } }";

fn search_ids(s: &TestServer, q: &str) -> Vec<String> {
    s.ok(SEARCH, json!({ "q": q }))["searchSmes"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["id"].as_str().expect("id").to_string())
        .collect()
}

fn total_smes(s: &TestServer) -> i64 {
    s.ok("{ smes(first: 1) { totalCount } }", json!({}))["smes"]["totalCount"]
        .as_i64()
        .expect("totalCount")
}

/// Polls `check` until it holds or `within` passes; returns how long it took.
fn eventually(within: Duration, mut check: impl FnMut() -> bool) -> Option<Duration> {
    let start = Instant::now();
    loop {
        if check() {
            return Some(start.elapsed());
        }
        if start.elapsed() > within {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn publish_search_match_and_curate_on_postgres() {
    let Some(s) =
        TestServer::start_postgres("publish_search_match_and_curate_on_postgres", &["--demo"])
    else {
        return;
    };
    assert!(s.database_url().starts_with("postgres"));
    // The demo was loaded into PostgreSQL and indexed; totalCount is the store's O(1) count.
    let demo = total_smes(&s);
    assert!(demo >= 1_000, "demo SMEs: {demo}");
    let (smes, _, outbox) = row_counts(&s);
    assert_eq!(smes, demo, "every demo SME is published");
    assert!(outbox >= demo);
    let all = s.ok(SEARCH, json!({ "q": null }))["searchSmes"]["totalCount"].clone();
    assert_eq!(all, json!(demo), "the index holds every published SME");

    // Publish: read-your-writes through the index, and the count follows.
    let mut input = sme_input();
    input["description"]["en"] = json!("We roast zqpgcashewx nuts from Kampong Thom for export.");
    let sme = publish_sme(&s, input);
    assert_eq!(search_ids(&s, "zqpgcashewx"), vec![sme.clone()]);
    assert_eq!(total_smes(&s), demo + 1);
    let investor = publish_investor(&s, investor_input());

    // Match: the new SME is ranked for the new investor.
    let ranked = s.as_investor().ok(
        "query($i: ID!) { matchesForInvestor(investorId: $i) { id sme { id } } }",
        json!({ "i": investor }),
    )["matchesForInvestor"]
        .clone();
    assert!(
        !ranked.as_array().expect("list").is_empty(),
        "the investor gets ranked SMEs from the PostgreSQL-backed index: {ranked}"
    );

    // Pipeline: shortlist, introduce, both accept → CONNECTED, audited.
    let (staff, _) = operator_account(&s, "STAFF");
    let staff = s.as_token(&staff);
    let id = staff.ok(
        "mutation($s: ID!, $i: ID!) { shortlistMatch(smeId: $s, investorId: $i) { id stage } }",
        json!({ "s": sme, "i": investor }),
    )["shortlistMatch"]["id"]
        .as_str()
        .expect("match id")
        .to_string();
    let intro = staff.ok(
        "mutation($id: ID!) { introduce(matchId: $id, message: \"Meet Hanbit.\") { stage } }",
        json!({ "id": id }),
    );
    assert_eq!(intro["introduce"]["stage"], "INTRODUCED");
    let respond = "mutation($id: ID!) { respondToIntroduction(matchId: $id, accept: true) { stage sme { contact { email } } } }";
    s.as_sme().ok(respond, json!({ "id": id }));
    let connected =
        s.as_investor().ok(respond, json!({ "id": id }))["respondToIntroduction"].clone();
    assert_eq!(connected["stage"], "CONNECTED");
    assert_eq!(
        connected["sme"]["contact"]["email"],
        "sokha@sokha-cashew.example"
    );
    let dashboard = staff.ok(
        "{ pipelineDashboard { byStage { value count } } }",
        json!({}),
    );
    let stages: Vec<Value> = dashboard["pipelineDashboard"]["byStage"]
        .as_array()
        .expect("stages")
        .clone();
    assert!(
        stages
            .iter()
            .any(|x| x["value"] == "CONNECTED" && x["count"].as_i64() >= Some(1)),
        "{stages:?}"
    );

    // Archive: gone from search, and from the count.
    s.as_sme().ok(
        "mutation($id: ID!) { archiveSme(id: $id) { status } }",
        json!({ "id": sme }),
    );
    assert!(search_ids(&s, "zqpgcashewx").is_empty());
    assert_eq!(total_smes(&s), demo);
    let (smes, _, _) = row_counts(&s);
    assert_eq!(smes, demo + 1, "counts() counts archived rows too");
}

/// Two `serve` processes on one database, each with its own index: B builds its index from the
/// database at start, a write accepted by A becomes searchable on B within a second (B's
/// indexer is woken by LISTEN/NOTIFY) and the other way round, and a token issued by one
/// works on the other.
#[test]
fn two_replicas_share_one_database() {
    let Some(a) = TestServer::start_postgres("two_replicas_share_one_database", &[]) else {
        return;
    };
    let early = publish_sme(&a, sme_input());
    let b_dir = tempfile::tempdir().expect("temp dir");
    let b = TestServer::start_on(b_dir.path(), &a.database_url(), &[]);
    assert!(
        search_ids(&b, "cashew").contains(&early),
        "a new replica builds its index from the database"
    );

    let mut input = sme_input();
    input["description"]["en"] = json!("Fresh zqreplicax pepper from Kampot.");
    let on_a = publish_sme(&a, input);
    let took = eventually(Duration::from_secs(5), || {
        search_ids(&b, "zqreplicax") == vec![on_a.clone()]
    })
    .expect("a write on A becomes searchable on B");
    eprintln!("write on A searchable on B after {took:?}");
    // B's indexer is woken by the write's NOTIFY, not by its 1 s poll.
    assert!(
        took < Duration::from_secs(1),
        "searchable on B within 1 s, took {took:?}"
    );

    let mut input = sme_input();
    input["description"]["en"] = json!("Woven zqbacktoax silk from Takeo.");
    let on_b = publish_sme(&b, input);
    eventually(Duration::from_secs(5), || {
        search_ids(&a, "zqbacktoax") == vec![on_b.clone()]
    })
    .expect("a write on B becomes searchable on A");
    // Tokens live in the database: one issued by A works on B.
    let me = b.as_token(&a.sme_token).ok("{ me { id } }", json!({}));
    assert!(me["me"]["id"].is_string(), "{me}");
    assert_eq!(total_smes(&a), total_smes(&b));
    drop(b);
}
