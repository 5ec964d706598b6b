//! Attacks a hostile client would try, each refused quickly and cleanly by the real server
//! (issue 12). Every test here failed on the code before the hardening: the comment on each says
//! what it did then.

mod common;

use std::time::{Duration, Instant};

use common::{error_code, TestServer};
use serde_json::{json, Value};

/// The server's peak resident memory in MiB (VmHWM from /proc), or None off Linux.
fn peak_rss_mib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

/// POSTs a raw GraphQL request body; returns (status, headers' Retry-After, JSON body).
fn post(base: &str, body: &Value) -> (u16, Option<String>, Value) {
    let answer = ureq::post(&format!("{base}/graphql")).send_json(body.clone());
    let r = match answer {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("request failed: {e}"),
    };
    let status = r.status();
    let retry = r.header("Retry-After").map(String::from);
    let text = r.into_string().unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or_else(|_| json!({ "raw": text }));
    (status, retry, body)
}

/// Before: each failed log-in hashed on its own blocking thread, 19 MiB apiece, unbounded;
/// 64 concurrent log-ins took the server to 5.2 GB. Now hashing runs on a pool of about the
/// core count and the rest wait in a bounded queue or are refused with RATE_LIMITED.
#[test]
fn concurrent_log_ins_keep_memory_bounded() {
    let s = TestServer::start();
    let Some(before) = peak_rss_mib(s.pid()) else {
        eprintln!("SKIPPED: concurrent_log_ins_keep_memory_bounded (no /proc on this system)");
        return;
    };
    let started = Instant::now();
    let codes: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..64)
            .map(|i| {
                let base = s.base.clone();
                scope.spawn(move || {
                    let (_, _, body) = post(
                        &base,
                        &json!({
                            "query": "mutation($e: String!) { logIn(email: $e, password: \"wrong password 1\") { token } }",
                            "variables": { "e": format!("nobody-{i}@test.example") }
                        }),
                    );
                    error_code(&body).to_string()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let elapsed = started.elapsed();
    let peak = peak_rss_mib(s.pid()).unwrap();
    eprintln!(
        "64 concurrent failed logIns: peak RSS {before} MiB -> {peak} MiB in {elapsed:.1?}; codes {:?}",
        {
            let mut c = codes.clone();
            c.sort();
            c.dedup();
            c
        }
    );
    assert!(
        codes
            .iter()
            .all(|c| c == "UNAUTHENTICATED" || c == "RATE_LIMITED"),
        "{codes:?}"
    );
    assert!(
        peak < 400,
        "peak RSS {peak} MiB after 64 concurrent log-ins"
    );
}

/// `fragment F1 on Query { ...F0 ...F0 }` … up to `F{n}`: 2^n fields from a few hundred bytes.
fn fragment_bomb(n: usize) -> String {
    let mut q = format!("query {{ ...F{n} }} fragment F0 on Query {{ __typename }}");
    for i in 1..=n {
        q.push_str(&format!(
            " fragment F{i} on Query {{ ...F{p} ...F{p} }}",
            p = i - 1
        ));
    }
    q
}

/// Before: n=19 took 16 s of CPU (validation and execution expand every spread), two of them
/// stalled `/healthz` for 25 s. Now the cost is counted once per fragment and the query is
/// refused before validation.
#[test]
fn fragment_bomb_is_refused_in_milliseconds() {
    let s = TestServer::start();
    let query = fragment_bomb(20);
    let started = Instant::now();
    let (status, _, body) = post(&s.base, &json!({ "query": query }));
    let took = started.elapsed();
    eprintln!(
        "fragment bomb n=20 ({} bytes): HTTP {status} {} in {took:?}",
        query.len(),
        error_code(&body)
    );
    assert_eq!(status, 200);
    assert_eq!(error_code(&body), "QUERY_TOO_COMPLEX", "{body:#}");
    assert!(
        body.get("data").is_none(),
        "a request error has no data: {body:#}"
    );
    assert!(took < Duration::from_millis(200), "took {took:?}");
    // Same under graphql-response+json: a request error, 400.
    let r = ureq::post(&format!("{}/graphql", s.base))
        .set("Accept", "application/graphql-response+json")
        .send_json(json!({ "query": fragment_bomb(30) }));
    match r {
        Err(ureq::Error::Status(400, _)) => {}
        other => panic!("expected 400, got {other:?}"),
    }
    // A cycle is refused too, not followed.
    let (_, _, body) = post(
        &s.base,
        &json!({ "query": "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }" }),
    );
    assert_eq!(error_code(&body), "GRAPHQL_VALIDATION_FAILED", "{body:#}");
    // The server is still responsive.
    let started = Instant::now();
    assert_eq!(s.get("/healthz").0, 200);
    assert!(started.elapsed() < Duration::from_millis(500));
}

/// Before: 1,500 aliases of `matchesForInvestor(first: 100)` produced a 314 MB response;
/// 200 aliased `publishSme` created 200 profiles and 100 aliased `logIn` ran 100 guesses.
#[test]
fn aliases_root_fields_and_batched_mutations_are_capped() {
    let s = TestServer::start();
    // Many aliases of a cheap field: refused by the alias cap.
    let aliased: String = (0..200).map(|i| format!("a{i}: __typename ")).collect();
    let (_, _, body) = post(&s.base, &json!({ "query": format!("{{ {aliased} }}") }));
    assert_eq!(error_code(&body), "QUERY_TOO_COMPLEX", "{body:#}");
    // Few aliases of an expensive list: refused by cost.
    let lists: String = (0..20)
        .map(|i| format!("m{i}: smes(first: 100) {{ edges {{ node {{ id name {{ en km ko }} description {{ en km ko }} sectorCode }} }} }} "))
        .collect();
    let (_, _, body) = post(&s.base, &json!({ "query": format!("{{ {lists} }}") }));
    assert_eq!(error_code(&body), "QUERY_TOO_COMPLEX", "{body:#}");
    // Two log-in guesses in one request: refused, and neither ran.
    let (_, _, body) = post(
        &s.base,
        &json!({ "query": "mutation { a: logIn(email: \"x@test.example\", password: \"guess one 1\") { token } b: logIn(email: \"x@test.example\", password: \"guess two 2\") { token } }" }),
    );
    assert_eq!(error_code(&body), "QUERY_TOO_COMPLEX", "{body:#}");
    // Two writes hidden in a fragment at the root: refused as well.
    let body = s.as_sme().gql(
        "mutation { logOut ...M } fragment M on Mutation { logOut }",
        json!({}),
    );
    assert_eq!(error_code(&body), "QUERY_TOO_COMPLEX", "{body:#}");
    s.as_sme().ok("{ me { id } }", json!({}));
    // An ordinary query with a few aliases and a page of 100 still runs.
    let data = s.ok(
        "{ a: smes(first: 100) { totalCount } b: investors(first: 5) { totalCount } provinces { code } }",
        json!({}),
    );
    assert_eq!(data["a"]["totalCount"], 0);
}

/// Before: no bound on what a response may weigh. Now a response over `--max-response-bytes`
/// is replaced by RESPONSE_TOO_LARGE.
#[test]
fn oversized_responses_are_refused() {
    let s = TestServer::start_with(&["--max-response-bytes", "4000"]);
    let (status, _, body) = post(
        &s.base,
        &json!({ "query": "{ sectors { code level parentCode name { en km ko } section hasChildren } }" }),
    );
    assert_eq!(status, 200);
    assert_eq!(error_code(&body), "RESPONSE_TOO_LARGE", "{body:#}");
    // Small answers are untouched.
    s.ok("{ provinces { code } }", json!({}));
}
