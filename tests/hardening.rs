//! Attacks a hostile client would try, each refused quickly and cleanly by the real server
//! (issue 12). Every test here failed on the code before the hardening: the comment on each says
//! what it did then.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{error_code, eventually, TestServer};
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
    post_as(base, None, body)
}

/// [`post`] with a bearer token.
fn post_as(base: &str, token: Option<&str>, body: &Value) -> (u16, Option<String>, Value) {
    let mut request = ureq::post(&format!("{base}/graphql"));
    if let Some(token) = token {
        request = request.set("Authorization", &format!("Bearer {token}"));
    }
    let answer = request.send_json(body.clone());
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

use khkr_match::bench::load::fragment_bomb;

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
    // Spreads inside introspection, which the cost counts once per list: 4,900 of them took
    // 4 s of CPU (QA round 2). Refused by their number.
    let spreads = "...T ".repeat(2450);
    let introspection = format!(
        "{{ __schema {{ types {{ name fields {{ name args {{ name type {{ {spreads} }} }} }} }} }} }} \
         fragment T on __Type {{ name kind }}"
    );
    let started = Instant::now();
    let (_, _, body) = post(&s.base, &json!({ "query": introspection }));
    assert_eq!(error_code(&body), "QUERY_TOO_COMPLEX", "{body:#}");
    assert!(started.elapsed() < Duration::from_millis(500));
    // Introspection runs without yielding, so it is bounded before it runs: `__schema` once
    // per operation, a type's members expanded once per path (QA: 30 aliases of `__schema`,
    // each 7 levels deep, took 5 s each and every other visitor waited up to 40 s).
    let deep = "name fields { name type { name ofType { name ofType { name ofType { name } } } } }";
    let aliased: String = (0..30)
        .map(|i| format!("a{i}: __schema {{ types {{ {deep} }} }} "))
        .collect();
    let nested =
        "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
    for query in [format!("{{ {aliased} }}"), nested.to_string()] {
        let started = Instant::now();
        let (_, _, body) = post(&s.base, &json!({ "query": query }));
        assert_eq!(error_code(&body), "QUERY_TOO_COMPLEX", "{body:#}");
        assert!(started.elapsed() < Duration::from_millis(500));
    }
    // Fragments within fragments past the walk's depth say so (QA: "9223372036854775807 root
    // fields").
    let chain: String = (0..70)
        .map(|i| format!(" fragment F{i} on Query {{ ...F{} }}", i + 1))
        .collect();
    let (_, _, body) = post(
        &s.base,
        &json!({ "query": format!("{{ ...F0 }}{chain} fragment F70 on Query {{ __typename }}") }),
    );
    let said = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(said.contains("more than 64 levels"), "{body:#}");
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
    // Searches: a few per request (QA: 20 aliased searches of 32 words, within the cost
    // bound, slowed every other visitor's search to 5 s); five run.
    let searches = |n: usize| -> String {
        let words = "qwertyui ".repeat(32);
        (0..n)
            .map(|i| format!("s{i}: searchSmes(query: \"{words}\", first: 1) {{ totalCount }} "))
            .collect()
    };
    let (_, _, body) = post(
        &s.base,
        &json!({ "query": format!("{{ {} }}", searches(20)) }),
    );
    assert_eq!(error_code(&body), "QUERY_TOO_COMPLEX", "{body:#}");
    let (_, _, body) = post(
        &s.base,
        &json!({ "query": format!("{{ {} }}", searches(5)) }),
    );
    assert!(body.get("errors").is_none(), "{body:#}");
    // Thousands of repeated directives: refused at once (before, the engine built one
    // "duplicate directive" error each, 49,999 of them, before the response cap refused it).
    let directives = "@include(if: true) ".repeat(1_500);
    let started = Instant::now();
    let (_, _, body) = post(
        &s.base,
        &json!({ "query": format!("{{ provinces {directives} {{ code }} }}") }),
    );
    assert_eq!(error_code(&body), "QUERY_TOO_COMPLEX", "{body:#}");
    assert_eq!(
        body["errors"].as_array().map(Vec::len),
        Some(1),
        "one error"
    );
    assert!(started.elapsed() < Duration::from_millis(500));
    // A query with a few directives runs.
    s.ok(
        "query($y: Boolean!) { provinces @include(if: $y) { code } sectors @skip(if: $y) { code } }",
        json!({ "y": true }),
    );
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

/// The host and port of a test server, for raw sockets.
fn addr(s: &TestServer) -> String {
    s.base.trim_start_matches("http://").to_string()
}

/// Reads what the server sends until it closes the connection or `within` passes; returns the
/// text and whether it closed.
fn read_until_closed(stream: &mut TcpStream, within: Duration) -> (String, bool) {
    stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let deadline = Instant::now() + within;
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while Instant::now() < deadline {
        match stream.read(&mut buf) {
            Ok(0) => return (String::from_utf8_lossy(&got).into(), true),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                return (String::from_utf8_lossy(&got).into(), true)
            }
            Err(_) => {}
        }
    }
    (String::from_utf8_lossy(&got).into(), false)
}

/// Before: a 300 MB body was read and answered 200 after 12.8 s. Now a declared body over the
/// limit is refused before it is read, and an undeclared (chunked) one as soon as it crosses it.
#[test]
fn oversized_bodies_are_refused_with_413() {
    let s = TestServer::start_with(&["--max-body-bytes", "65536"]);
    // Declared: the answer comes without sending the body at all.
    let mut stream = TcpStream::connect(addr(&s)).unwrap();
    write!(
        stream,
        "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         Content-Length: 314572800\r\n\r\n"
    )
    .unwrap();
    let started = Instant::now();
    let (answer, _) = read_until_closed(&mut stream, Duration::from_secs(2));
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("PAYLOAD_TOO_LARGE"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(1));
    // Chunked, no length: refused once the bound is crossed.
    let big = format!(
        "{{\"query\":\"{{ __typename }}\",\"variables\":{{\"pad\":\"{}\"}}}}",
        "x".repeat(200_000)
    );
    let r = ureq::post(&format!("{}/graphql", s.base))
        .set("Content-Type", "application/json")
        .send(std::io::Cursor::new(big.into_bytes()));
    match r {
        Err(ureq::Error::Status(413, _)) => {}
        // The server may close before the client has sent everything.
        Err(ureq::Error::Transport(_)) => {}
        other => panic!("expected 413, got {:?}", other.map(|r| r.status())),
    }
    // A malformed chunk is a bad request, not a large one (attacker QA: it was answered 413,
    // "over 2097152 bytes").
    let mut stream = TcpStream::connect(addr(&s)).unwrap();
    write!(
        stream,
        "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\n\r\nzz\r\n"
    )
    .unwrap();
    let (answer, _) = read_until_closed(&mut stream, Duration::from_secs(5));
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("\"code\":\"BAD_REQUEST\""), "{answer}");
    // Under the bound, fine.
    s.ok("{ __typename }", json!({}));
}

/// Before: unfinished headers and idle connections stayed open indefinitely; 1,100 of them
/// exhausted file descriptors. Now the head must arrive within `--header-read-timeout`.
#[test]
fn slowloris_heads_and_idle_connections_are_closed() {
    let s = TestServer::start_with(&["--header-read-timeout", "1"]);
    let mut slow = TcpStream::connect(addr(&s)).unwrap();
    slow.write_all(b"POST /graphql HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .unwrap();
    let mut idle = TcpStream::connect(addr(&s)).unwrap();
    let started = Instant::now();
    // Keep trickling bytes of the head, as slowloris does: the deadline still holds.
    let trickle = std::thread::spawn(move || {
        for _ in 0..30 {
            if slow.write_all(b"a").is_err() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let (_, closed) = read_until_closed(&mut slow, Duration::from_millis(200));
        closed
    });
    let (_, idle_closed) = read_until_closed(&mut idle, Duration::from_secs(3));
    assert!(idle_closed, "an idle connection stayed open");
    let idle_took = started.elapsed();
    assert!(
        trickle.join().unwrap(),
        "a trickled head kept its connection"
    );
    eprintln!("idle connection closed after {idle_took:?}");
    assert!(idle_took < Duration::from_millis(2500), "{idle_took:?}");
    // A body that never comes is refused with 408 after --body-read-timeout (default 10 s is
    // too long for a test; the head timeout covers the rest).
    s.ok("{ __typename }", json!({}));
}

/// /healthz answers quickly with 200 idle connections open, and connections over
/// `--max-connections` get 503 with Retry-After instead of hanging. (All from one address, so
/// the per-address bound is off here; the next test is about it.)
#[test]
fn idle_connections_do_not_starve_health_checks() {
    let s = TestServer::start_with(&[
        "--max-connections",
        "210",
        "--max-connections-per-client",
        "0",
    ]);
    let idle: Vec<TcpStream> = (0..200)
        .map(|_| TcpStream::connect(addr(&s)).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    assert_eq!(s.get("/healthz").0, 200);
    let took = started.elapsed();
    eprintln!("/healthz with 200 idle connections: {took:?}");
    assert!(took < Duration::from_millis(500), "{took:?}");
    // Fill the rest and go past it: the connections over the bound are answered 503 at once.
    // (Which ones exactly depends on when the server notices the health check's connection
    // closed, so the test opens a few more than the bound and reads them all.)
    std::thread::sleep(Duration::from_millis(300));
    let mut more: Vec<TcpStream> = (0..15)
        .map(|_| TcpStream::connect(addr(&s)).unwrap())
        .collect();
    let mut refused = 0;
    for stream in more.iter_mut().rev().take(8) {
        let (answer, closed) = read_until_closed(stream, Duration::from_millis(500));
        if answer.starts_with("HTTP/1.1 503") {
            assert!(
                answer.to_ascii_lowercase().contains("retry-after: 1"),
                "{answer}"
            );
            assert!(closed);
            refused += 1;
        }
    }
    assert!(
        refused >= 4,
        "{refused} of the connections over the bound were refused"
    );
    drop(idle);
    drop(more);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(s.get("/healthz").0, 200);
}

/// Before: one address opened 1,100 idle connections and every other visitor got 503 until it
/// closed them (attacker QA). Now an address holds at most `--max-connections-per-client`;
/// one more is answered 429 with Retry-After and a JSON code at once, and another address is
/// served as usual; once the address closes some, it may open that many again.
#[test]
fn one_address_cannot_take_every_connection() {
    let s = TestServer::start_with(&[
        "--max-connections",
        "40",
        "--max-connections-per-client",
        "20",
        // Idle connections stay open for the whole test, however busy the machine.
        "--header-read-timeout",
        "60",
    ]);
    let a = addr(&s);
    // Connections from one address until one is refused. Which one depends on how many the
    // harness itself still holds open from that address and on how fast a busy machine
    // answers, so the test opens them one by one and reads each briefly: the refused one is
    // answered at once, an accepted one waits for its request.
    let mut idle: Vec<TcpStream> = Vec::new();
    let mut refused = None;
    for i in 0..40 {
        let mut c = connect_from([127, 0, 0, 1], &a);
        let wait = if i < 18 { 50 } else { 1_000 };
        let (answer, closed) = read_until_closed(&mut c, Duration::from_millis(wait));
        if !answer.is_empty() {
            refused = Some((i, answer, closed));
            break;
        }
        idle.push(c);
    }
    let (at, answer, closed) = refused.expect("a connection past the bound is refused");
    assert!((18..=22).contains(&at), "refused the {}th", at + 1);
    assert!(answer.starts_with("HTTP/1.1 429"), "{answer}");
    let lower = answer.to_ascii_lowercase();
    assert!(lower.contains("retry-after: 1"), "{answer}");
    assert!(answer.contains(r#""code":"RATE_LIMITED""#), "{answer}");
    assert!(closed);
    let served_from = |from: [u8; 4]| {
        let mut stream = connect_from(from, &a);
        write!(
            stream,
            "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let (answer, _) = read_until_closed(&mut stream, Duration::from_secs(8));
        assert!(answer.starts_with("HTTP/1.1 200"), "{from:?}: {answer}");
    };
    // Another address: served, while the first still holds its twenty.
    served_from([127, 0, 0, 2]);
    // Closing some gives the address its share back.
    idle.truncate(10);
    std::thread::sleep(Duration::from_millis(300));
    served_from([127, 0, 0, 1]);
    drop(idle);
}

/// Requests past `--max-in-flight` are refused with 503 + Retry-After at once, not queued.
#[test]
fn requests_past_the_in_flight_bound_get_503() {
    let s = TestServer::start_with(&[
        "--max-in-flight",
        "2",
        "--max-in-flight-per-client",
        "100",
        "--hash-threads",
        "1",
    ]);
    let statuses: Vec<(u16, Option<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..12)
            .map(|i| {
                let base = s.base.clone();
                scope.spawn(move || {
                    let (status, retry, _) = post(
                        &base,
                        &json!({
                            "query": "mutation($e: String!) { logIn(email: $e, password: \"wrong password 1\") { token } }",
                            "variables": { "e": format!("in-flight-{i}@test.example") }
                        }),
                    );
                    (status, retry)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let refused: Vec<_> = statuses.iter().filter(|(s, _)| *s == 503).collect();
    eprintln!(
        "in-flight bound 2, 12 concurrent logIns: {} refused",
        refused.len()
    );
    assert!(!refused.is_empty(), "{statuses:?}");
    assert!(refused.iter().all(|(_, r)| r.as_deref() == Some("1")));
    assert!(statuses
        .iter()
        .all(|(s, _)| *s == 200 || *s == 503 || *s == 429));
    // The probes are exempt and the server recovers.
    assert_eq!(s.get("/healthz").0, 200);
}

/// Before: names made only of zero-width spaces, or carrying a right-to-left override, were
/// stored and shown. Now both are BAD_USER_INPUT naming the field; Khmer with ZWSP between
/// words and Korean still round-trip byte for byte.
#[test]
fn invisible_and_bidi_names_are_refused() {
    let s = TestServer::start();
    let publish =
        "mutation($input: SmeInput!) { publishSme(input: $input) { id name { en km ko } } }";
    for (field, path, value) in [
        ("name", "en", "\u{200b}\u{200b}\u{200b}"),
        ("name", "ko", "\u{3164}"),
        // Format characters, a blank Braille cell, marks with no letter (Khmer signs too).
        ("name", "en", "\u{061c}"),
        ("name", "en", "\u{2800}"),
        ("name", "en", "\u{e0041}\u{e0042}"),
        ("name", "en", "\u{fff9}\u{fffa}\u{fffb}"),
        ("name", "en", "\u{0301}\u{0301}"),
        ("name", "km", "\u{17b6}\u{17c6}\u{17d2}"),
        ("name", "en", "Sokha \u{202e}gnissecorP"),
        ("description", "en", "Nice \u{2066}company\u{2069}"),
    ] {
        let mut input = common::sme_input();
        input[field] = json!({ path: value });
        let body = s.as_sme().gql(publish, json!({ "input": input }));
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{value:?}: {body:#}");
        assert_eq!(
            body["errors"][0]["extensions"]["field"],
            format!("input.{field}"),
            "{body:#}"
        );
    }
    let mut input = common::sme_input();
    let km = "ផលិត\u{200b}ស្រាបៀរ\u{200b}កម្ពុជា";
    input["name"] = json!({ "km": km, "ko": "캄보디아 맥주" });
    let data = s.as_sme().ok(publish, json!({ "input": input }));
    assert_eq!(data["publishSme"]["name"]["km"], km);
    assert_eq!(data["publishSme"]["name"]["ko"], "캄보디아 맥주");
}

/// Before: an ANONYMOUS business's name of one long unspaced word (한국 × 100) was tried in
/// every split against the word lists and the glossary, for every description: seconds a
/// request (QA round 2). Now a piece is at most 24 characters.
#[test]
fn a_hidden_name_of_one_long_word_is_checked_quickly() {
    let s = TestServer::start();
    let publish = "mutation($input: SmeInput!) { publishSme(input: $input) { id } }";
    let mut input = common::sme_input();
    input["visibility"] = json!("ANONYMOUS");
    let long = "한국".repeat(100);
    input["name"] = json!({ "en": long, "km": long, "ko": long });
    input["description"] = json!({
        "en": "We sell coffee beans.",
        "km": "យើងលក់គ្រាប់កាហ្វេ។",
        "ko": "커피 원두를 팝니다."
    });
    let started = Instant::now();
    let body = s.as_sme().gql(publish, json!({ "input": input }));
    let took = started.elapsed();
    // A bound against a hang, not a speed claim: it took 6 s in a debug build before.
    assert!(took < Duration::from_secs(3), "{took:?}");
    assert!(
        body["errors"].is_null() || error_code(&body) == "BAD_USER_INPUT",
        "{body:#}"
    );
}

/// Before: the phone check read each run of digits whole, to each of its ends (cubic in the
/// text): a 5,000-character description of "1-1-1-…" held a server thread for minutes, and
/// two at once froze the server, health checks and all (QA). Now the check reads a few dozen
/// characters around each number.
#[test]
fn descriptions_made_of_digit_runs_are_checked_quickly() {
    let s = TestServer::start();
    let publish = "mutation($input: SmeInput!) { publishSme(input: $input) { id } }";
    // …and a run of everyday words after an `@`, which the word lists were asked about whole
    // (QA round 2: "@treetree…" of 4,900 letters held both workers for over ten minutes).
    let tree = format!("Order via @{}", "tree".repeat(1247));
    for unit in [
        "1-",
        "(1)",
        "1)(",
        "1 ",
        "1.",
        "1/",
        "១-",
        "0 ",
        "+8",
        tree.as_str(),
        // Digit words, read as a phone spelt out: one pass, at most a few dozen digits kept.
        "one ",
        "សូន្យ",
        "공일",
        "dara1 on Telegram ",
    ] {
        let text = unit.repeat(5000 / unit.chars().count());
        let mut input = common::sme_input();
        input["description"] = json!({ "en": text });
        let started = Instant::now();
        let body = s.as_sme().gql(publish, json!({ "input": input }));
        let took = started.elapsed();
        // A bound against a hang, not a speed claim: the cubic check took over a minute.
        assert!(took < Duration::from_secs(10), "{unit:?}: {took:?}");
        // Published, or refused with a code (a run of digits may read as a phone).
        assert!(
            body["errors"].is_null() || error_code(&body) == "BAD_USER_INPUT",
            "{unit:?}: {body:#}"
        );
    }
}

const LOG_IN: &str =
    "mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token } }";

/// Before: 200 wrong passwords in 2.85 s, no slowdown, then the right one worked. Now failures
/// back off exponentially per account and per address, with 429 and `retryAfter`.
#[test]
fn password_guessing_backs_off() {
    let s = TestServer::start_with(&[
        "--login-failures-per-account",
        "3",
        "--login-failures-per-ip",
        "8",
    ]);
    let email = format!("victim-{}@test.example", uuid::Uuid::new_v4().simple());
    s.ok(
        "mutation($input: SignUpInput!) { signUp(input: $input) { token } }",
        json!({ "input": { "email": email, "password": "correct horse battery", "role": "SME" } }),
    );
    let guess = |p: &str| {
        post(
            &s.base,
            &json!({ "query": LOG_IN, "variables": { "e": email, "p": p } }),
        )
    };
    // Three failures allowed, then the fourth try waits.
    for i in 0..3 {
        let (_, _, body) = guess(&format!("wrong guess {i}"));
        assert_eq!(error_code(&body), "UNAUTHENTICATED", "{body:#}");
    }
    let started = Instant::now();
    let (status, retry, body) = guess("correct horse battery");
    assert!(
        started.elapsed() < Duration::from_millis(200),
        "refused before hashing"
    );
    assert_eq!(
        error_code(&body),
        "RATE_LIMITED",
        "even the right password waits: {body:#}"
    );
    assert_eq!(status, 429);
    assert_eq!(retry.as_deref(), Some("1"));
    assert_eq!(body["errors"][0]["extensions"]["retryAfter"], 1);
    std::thread::sleep(Duration::from_millis(1100));
    let (_, _, body) = guess("correct horse battery");
    assert!(body["data"]["logIn"]["token"].is_string(), "{body:#}");
    // Per address: guesses spread over many accounts are slowed too.
    let mut codes = Vec::new();
    for i in 0..12 {
        let (_, _, body) = post(
            &s.base,
            &json!({ "query": LOG_IN, "variables": { "e": format!("spray-{i}@test.example"), "p": "wrong guess 0" } }),
        );
        codes.push(error_code(&body).to_string());
    }
    assert!(codes.iter().any(|c| c == "RATE_LIMITED"), "{codes:?}");
}

/// Before (QA, attacker): whoever knew an account's e-mail could keep it out, with one wrong
/// guess per back-off window, for up to 15 minutes; the right password waited too. Now a
/// client that signed in before sends the `device` proof it was given, and its log-in counts
/// only its own failures: the guesser, without one, still waits.
#[test]
fn a_client_that_signed_in_before_is_not_held_back_by_a_guesser() {
    let s = TestServer::start_with(&[
        "--login-failures-per-account",
        "3",
        "--login-failures-per-ip",
        "1000",
    ]);
    const LOG_IN_DEVICE: &str = "mutation($e: String!, $p: String!, $d: String) { \
        logIn(email: $e, password: $p, device: $d) { token device } }";
    let email = format!("owner-{}@test.example", uuid::Uuid::new_v4().simple());
    let signed_up = s.ok(
        "mutation($input: SignUpInput!) { signUp(input: $input) { token device } }",
        json!({ "input": { "email": email, "password": "correct horse battery", "role": "SME" } }),
    );
    let from_sign_up = signed_up["signUp"]["device"].as_str().unwrap().to_string();
    let log_in = |p: &str, d: Option<&str>| {
        post(
            &s.base,
            &json!({ "query": LOG_IN_DEVICE, "variables": { "e": email, "p": p, "d": d } }),
        )
        .2
    };
    // Another account's proof (signed up first: a hash takes time, and the back-offs below are
    // of a second or two).
    let other = s.ok(
        "mutation($input: SignUpInput!) { signUp(input: $input) { device } }",
        json!({ "input": {
            "email": format!("other-{}@test.example", uuid::Uuid::new_v4().simple()),
            "password": "another horse battery",
            "role": "SME",
        } }),
    )["signUp"]["device"]
        .as_str()
        .unwrap()
        .to_string();
    // The proof of a sign-up is good for the log-ins after it, and a log-in keeps the same one.
    let body = log_in("correct horse battery", Some(&from_sign_up));
    let device = body["data"]["logIn"]["device"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(device, from_sign_up, "{body:#}");
    // A guesser without a proof puts the account in back-off...
    for i in 0..5 {
        let body = log_in(&format!("wrong guess {i}"), None);
        let code = error_code(&body);
        assert!(
            code == "UNAUTHENTICATED" || code == "RATE_LIMITED",
            "{body:#}"
        );
    }
    let body = log_in("correct horse battery", None);
    assert_eq!(error_code(&body), "RATE_LIMITED", "{body:#}");
    // ... and so does a made-up proof, and another account's.
    let made_up = format!("{}.{}", "0".repeat(32), "0".repeat(64));
    for proof in [made_up.as_str(), other.as_str(), "x"] {
        let body = log_in("correct horse battery", Some(proof));
        assert_eq!(error_code(&body), "RATE_LIMITED", "{proof}: {body:#}");
    }
    // The owner's client is let in at once.
    let body = log_in("correct horse battery", Some(&device));
    assert!(body["data"]["logIn"]["token"].is_string(), "{body:#}");
    // Its own failures still back off, on its own key.
    for i in 0..3 {
        let body = log_in(&format!("typo {i}"), Some(&device));
        assert_eq!(error_code(&body), "UNAUTHENTICATED", "{body:#}");
    }
    let body = log_in("correct horse battery", Some(&device));
    assert_eq!(error_code(&body), "RATE_LIMITED", "{body:#}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("this device"),
        "{body:#}"
    );
    std::thread::sleep(Duration::from_millis(1100));
    let body = log_in("correct horse battery", Some(&device));
    let token = body["data"]["logIn"]["token"].as_str().unwrap().to_string();
    // A new password ends the proofs made under the old one; the change gives a new one.
    let changed = s.as_token(&token).ok(
        "mutation { changePassword(currentPassword: \"correct horse battery\", \
            newPassword: \"a brand new horse\") { device } }",
        json!({}),
    );
    let renewed = changed["changePassword"]["device"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(renewed, device);
    for i in 0..5 {
        log_in(&format!("wrong again {i}"), None);
    }
    let body = log_in("a brand new horse", Some(&device));
    assert_eq!(error_code(&body), "RATE_LIMITED", "an old proof: {body:#}");
    let body = log_in("a brand new horse", Some(&renewed));
    assert!(body["data"]["logIn"]["token"].is_string(), "{body:#}");
}

/// Before: `aaaaaaaaaa`, `password12` and ten spaces were accepted as passwords.
#[test]
fn weak_passwords_are_refused() {
    let s = TestServer::start();
    for password in [
        "aaaaaaaaaa",
        "password12",
        "          ",
        "qwertyuiop",
        "iloveyou2024",
    ] {
        let body = s.gql(
            "mutation($input: SignUpInput!) { signUp(input: $input) { token } }",
            json!({ "input": { "email": "weak@test.example", "password": password, "role": "SME" } }),
        );
        assert_eq!(
            error_code(&body),
            "BAD_USER_INPUT",
            "{password:?}: {body:#}"
        );
        assert_eq!(body["errors"][0]["extensions"]["field"], "input.password");
    }
}

/// Before: an API key could mint more API keys (which then outlived its revocation).
#[test]
fn api_keys_are_created_from_sessions_only() {
    let s = TestServer::start();
    let create = "mutation { createApiKey(name: \"integration\") { id token } }";
    let key = s.as_sme().ok(create, json!({}))["createApiKey"]["token"]
        .as_str()
        .unwrap()
        .to_string();
    let body = s.as_token(&key).gql(create, json!({}));
    assert_eq!(error_code(&body), "FORBIDDEN", "{body:#}");
    // Nor may a key sign its owner out of every session (QA: a leaked key could keep logging
    // the owner out while it kept working itself).
    let body = s
        .as_token(&key)
        .gql("mutation { logOut(everywhere: true) }", json!({}));
    assert_eq!(error_code(&body), "FORBIDDEN", "{body:#}");
    s.as_sme().ok("{ me { id } }", json!({}));
    // The key still works for everything else.
    s.as_token(&key).ok("{ me { id } }", json!({}));
}

/// Writes are taken from a bucket per account (or address): a burst, then a steady rate.
#[test]
fn write_floods_are_rate_limited() {
    let s = TestServer::start_with(&["--write-burst", "3", "--writes-per-second", "0.5"]);
    let publish = "mutation($input: SmeInput!) { publishSme(input: $input) { id } }";
    let mut codes = Vec::new();
    for _ in 0..5 {
        let (status, retry, body) = post_as(
            &s.base,
            Some(&s.sme_token),
            &json!({ "query": publish, "variables": { "input": common::sme_input() } }),
        );
        let code = body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or("OK");
        if code == "RATE_LIMITED" {
            assert_eq!(status, 429);
            assert!(retry.is_some());
        }
        codes.push(code.to_string());
    }
    assert_eq!(&codes[..3], ["OK", "OK", "OK"], "{codes:?}");
    assert_eq!(codes[3], "RATE_LIMITED", "{codes:?}");
    // `__typename` first does not make a write free (before, only the first root field was
    // looked at, and 6,000 API keys were made in 18 s that way).
    let (status, _, body) = post_as(
        &s.base,
        Some(&s.sme_token),
        &json!({
            "query": "mutation($input: SmeInput!) { __typename publishSme(input: $input) { id } }",
            "variables": { "input": common::sme_input() }
        }),
    );
    assert_eq!(error_code(&body), "RATE_LIMITED", "{body}");
    assert_eq!(status, 429);
    // Another account has its own bucket.
    s.as_investor().ok("mutation { logOut }", json!({}));
}

/// Before: a 1.9 MB document took 5 s to parse on a worker thread (four of them stalled
/// /healthz for 6 s), a 1 MB search cursor came back in its error whole, and a variable's
/// default escaped the cost count.
#[test]
fn large_documents_are_refused_before_parsing_and_errors_quote_little() {
    let s = TestServer::start();
    let big = format!("{{ __typename }} # {}", "x".repeat(1 << 20));
    let started = Instant::now();
    let (status, _, body) = post(&s.base, &json!({ "query": big }));
    assert_eq!(error_code(&body), "QUERY_TOO_LARGE", "{body:#}");
    // `application/json` answers 200 whatever the error, as the GraphQL-over-HTTP spec has it
    // for that type (`application/graphql-response+json` gets 413).
    assert_eq!(status, 200);
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    // Under the bound, a document that does not parse quotes only the start of its line.
    let line = format!("{{ {} !}}", "a ".repeat(15_000));
    let (_, _, body) = post(&s.base, &json!({ "query": line }));
    assert_eq!(error_code(&body), "GRAPHQL_PARSE_FAILED", "{body:#}");
    let said = body["errors"][0]["message"].as_str().unwrap_or("");
    assert!(
        said.chars().count() <= 501,
        "{} chars",
        said.chars().count()
    );
    let cursor = "x".repeat(100_000);
    let body = s.gql(
        "query($c: String!) { searchSmes(query: \"cashew\", after: $c) { totalCount } }",
        json!({ "c": cursor }),
    );
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body:#}");
    let said = body["errors"][0]["message"].as_str().unwrap_or("");
    assert!(said.len() < 200 && said.contains("…"), "{said}");
    // A default stands in for a variable left out, so it counts: 6 × 100 nodes is over the
    // budget, as the same lists written out are.
    let lists: String = (0..6)
        .map(|i| format!("a{i}: smes(first: $n) {{ edges {{ cursor node {{ id sectorCode provinceCode employees foundedYear digitalLevel name {{ en km ko }} description {{ en km ko }} }} }} }} "))
        .collect();
    let (_, _, body) = post(
        &s.base,
        &json!({ "query": format!("query($n: Int = 100) {{ {lists} }}") }),
    );
    assert_eq!(error_code(&body), "QUERY_TOO_COMPLEX", "{body:#}");
}

/// A document that is wrong thousands of times over (3,000 declared variables, none used) is
/// answered with a bounded list of errors, the last saying how many were left out; before, one
/// error each, 435 KB in all (QA).
#[test]
fn a_response_lists_a_bounded_number_of_errors() {
    let s = TestServer::start();
    let vars: String = (0..3000).map(|i| format!("$v{i}:Int ")).collect();
    let (status, _, body) = post(
        &s.base,
        &json!({ "query": format!("query({vars}) {{ __typename }}") }),
    );
    assert_eq!(status, 200);
    let errors = body["errors"].as_array().cloned().unwrap_or_default();
    assert_eq!(errors.len(), 50, "{}", errors.len());
    assert_eq!(error_code(&body), "GRAPHQL_VALIDATION_FAILED", "{body:#}");
    let last = &errors[49];
    assert_eq!(
        last["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
        "{last}"
    );
    assert!(
        last["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("2951 more errors like this one are not listed")),
        "{last}"
    );
    assert!(
        body.to_string().len() < 20_000,
        "{}",
        body.to_string().len()
    );
    // The same ones each time, in document order (QA round 2).
    let (_, _, again) = post(
        &s.base,
        &json!({ "query": format!("query({vars}) {{ __typename }}") }),
    );
    assert_eq!(again["errors"], body["errors"]);
}

/// Before: web form bodies were read with no deadline: a body that never came held the
/// address's turn and a server-wide slot for ever (only /graphql had 408).
#[test]
fn a_form_body_that_never_comes_is_refused_with_408() {
    let s = TestServer::start_with(&["--body-read-timeout", "1"]);
    let mut stream = TcpStream::connect(addr(&s)).unwrap();
    stream
        .write_all(
            b"POST /en/login HTTP/1.1\r\nHost: x\r\n\
              Content-Type: application/x-www-form-urlencoded\r\n\
              Content-Length: 100\r\n\r\ncsrf=",
        )
        .unwrap();
    let started = Instant::now();
    let (answer, _) = read_until_closed(&mut stream, Duration::from_secs(5));
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    // A form that does arrive is served as before.
    let page = common::web::get(&s, "/en/login", &[]);
    assert_eq!(page.status, 200);
}

/// Before: API keys could not be listed and there was no "revoke all" nor "log out everywhere".
#[test]
fn api_keys_are_listed_and_revoked_all_at_once_and_log_out_reaches_everywhere() {
    let s = TestServer::start();
    let create = "mutation($n: String!) { createApiKey(name: $n) { id token } }";
    let a = s.as_sme().ok(create, json!({ "n": "erp" }))["createApiKey"].clone();
    let b = s.as_sme().ok(create, json!({ "n": "crm" }))["createApiKey"].clone();
    let listed = s
        .as_sme()
        .ok("{ apiKeys { id name createdAt } }", json!({}))["apiKeys"]
        .clone();
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["erp", "crm"]);
    assert_eq!(listed[0]["id"], a["id"]);
    assert!(!listed.to_string().contains(a["token"].as_str().unwrap()));
    // Another account sees none of them.
    assert_eq!(
        s.as_investor().ok("{ apiKeys { id } }", json!({}))["apiKeys"],
        json!([])
    );
    // An account holds 20 live keys at most (before, a script made 6,000 in 18 s).
    for n in 0..18 {
        s.as_sme().ok(create, json!({ "n": format!("k{n}") }));
    }
    let body = s.as_sme().gql(create, json!({ "n": "one too many" }));
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body:#}");
    assert!(body.to_string().contains("revoke one"), "{body}");
    // A key cannot revoke all keys; a session can.
    let body = s
        .as_token(b["token"].as_str().unwrap())
        .gql("mutation { revokeAllApiKeys }", json!({}));
    assert_eq!(error_code(&body), "FORBIDDEN", "{body:#}");
    let n = s.as_sme().ok("mutation { revokeAllApiKeys }", json!({}))["revokeAllApiKeys"].clone();
    assert_eq!(n, 20);
    for key in [&a, &b] {
        let body = s
            .as_token(key["token"].as_str().unwrap())
            .gql("{ me { id } }", json!({}));
        assert_eq!(error_code(&body), "UNAUTHENTICATED");
    }
    // Log out everywhere: every session of the account ends.
    let (_, _, body) = post(
        &s.base,
        &json!({ "query": "mutation { signUp(input: { email: \"multi@test.example\", password: \"correct horse battery\", role: INVESTOR }) { token } }" }),
    );
    let first = body["data"]["signUp"]["token"]
        .as_str()
        .unwrap()
        .to_string();
    let second = s.ok(
        LOG_IN,
        json!({ "e": "multi@test.example", "p": "correct horse battery" }),
    )["logIn"]["token"]
        .as_str()
        .unwrap()
        .to_string();
    s.as_token(&first)
        .ok("mutation { logOut(everywhere: true) }", json!({}));
    for token in [&first, &second] {
        let body = s.as_token(token).gql("{ me { id } }", json!({}));
        assert_eq!(error_code(&body), "UNAUTHENTICATED");
    }
}

/// Before: `signUp` said whether an e-mail had an account. Now a taken e-mail gets the same
/// answer shape as a new one, with a token that signs nobody in; the owner's account is
/// untouched.
#[test]
fn sign_up_does_not_reveal_existing_emails() {
    let s = TestServer::start();
    let sign_up =
        "mutation($input: SignUpInput!) { signUp(input: $input) { token user { id email role } } }";
    let input = |email: &str, password: &str| json!({ "input": { "email": email, "password": password, "role": "SME" } });
    let first = s.ok(
        sign_up,
        input("owner@test.example", "correct horse battery"),
    );
    let again = s.gql(
        sign_up,
        input("Owner@test.example", "another long passphrase"),
    );
    assert!(again.get("errors").is_none(), "{again:#}");
    let (a, b) = (&first["signUp"], &again["data"]["signUp"]);
    assert_eq!(a["user"]["email"], b["user"]["email"]);
    assert_eq!(a["user"]["role"], b["user"]["role"]);
    assert_ne!(a["user"]["id"], b["user"]["id"]);
    assert_eq!(
        a["token"].as_str().unwrap().len(),
        b["token"].as_str().unwrap().len()
    );
    // The decoy token signs nobody in; the owner's password still works, the new one does not.
    let body = s
        .as_token(b["token"].as_str().unwrap())
        .gql("{ me { id } }", json!({}));
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    s.ok(
        LOG_IN,
        json!({ "e": "owner@test.example", "p": "correct horse battery" }),
    );
    let body = s.gql(
        LOG_IN,
        json!({ "e": "owner@test.example", "p": "another long passphrase" }),
    );
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}

/// `/readyz` (ready to serve: database reachable, index caught up) is distinct from `/healthz`.
#[test]
fn readiness_is_distinct_from_liveness() {
    let s = TestServer::start();
    let (status, body) = s.get("/readyz");
    assert_eq!(status, 200, "{body}");
    assert_eq!(s.get("/healthz").0, 200);
}

/// Before: SIGTERM waited 30 s behind one abandoned expensive request. Now open connections
/// get `--shutdown-drain` to finish, then the server stops regardless.
#[test]
fn shutdown_drain_is_bounded() {
    let s = TestServer::start_with(&["--shutdown-drain", "1"]);
    // A request whose body never finishes keeps its handler waiting (up to the 10 s body
    // timeout), as an abandoned slow request would.
    let mut stuck = TcpStream::connect(addr(&s)).unwrap();
    write!(
        stuck,
        "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         Content-Length: 1000\r\n\r\n{{\"query\":"
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    s.stop();
    let took = started.elapsed();
    eprintln!("SIGTERM with a stuck request: exited in {took:?}");
    assert!(took < Duration::from_secs(4), "{took:?}");
    drop(stuck);
}

/// `/metrics` in the Prometheus text format: requests by operation and code, latency
/// histograms, in-flight requests, rate-limit refusals, index lag.
#[test]
fn metrics_are_exposed_for_prometheus() {
    let s = TestServer::start();
    s.ok("{ provinces { code } }", json!({}));
    let (_, _, body) = post(&s.base, &json!({ "query": fragment_bomb(20) }));
    assert_eq!(error_code(&body), "QUERY_TOO_COMPLEX");
    let r = ureq::get(&format!("{}/metrics", s.base)).call().unwrap();
    assert!(r.content_type().starts_with("text/plain"));
    let text = r.into_string().unwrap();
    assert!(
        text.contains("khkr_graphql_requests_total{operation=\"query:provinces\",code=\"OK\"} 1"),
        "{text}"
    );
    assert!(text.contains("code=\"QUERY_TOO_COMPLEX\""), "{text}");
    assert!(text.contains("khkr_graphql_request_duration_seconds_bucket{operation=\"query:provinces\",code=\"OK\",le=\"+Inf\"} 1"));
    assert!(
        text.contains("khkr_graphql_requests_total{operation=\"mutation:signUp\",code=\"OK\"} 2"),
        "{text}"
    );
    // Root fields the schema lacks share one label: junk cannot crowd real operations out of
    // the bounded series (before, 520 junk queries did, and `sectors` went uncounted).
    for n in 0..600 {
        post(&s.base, &json!({ "query": format!("{{ junk{n} }}") }));
    }
    s.ok("{ sectors { code } }", json!({}));
    let text = ureq::get(&format!("{}/metrics", s.base))
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    assert!(!text.contains("junk"), "{text}");
    assert!(
        text.contains(
            "khkr_graphql_requests_total{operation=\"query:unknown\",code=\"GRAPHQL_VALIDATION_FAILED\"} 600"
        ),
        "{text}"
    );
    assert!(
        text.contains("khkr_graphql_requests_total{operation=\"query:sectors\",code=\"OK\"} 1"),
        "{text}"
    );
    for gauge in [
        "khkr_http_requests_in_flight",
        "khkr_rate_limited_total",
        "khkr_index_lag 0",
        "khkr_db_pool_connections ",
        "khkr_db_pool_max ",
        "khkr_rankings_waiting 0",
        "khkr_searches_waiting 0",
        "khkr_searches_running 0",
    ] {
        assert!(text.contains(gauge), "{gauge}: {text}");
    }
}

/// CORS is off unless origins are allowed: no CORS header for others, a preflight answered for
/// an allowed one.
#[test]
fn cors_only_for_allowed_origins() {
    let s = TestServer::start_with(&["--cors-origin", "https://app.example.org"]);
    // A refusal status is a response too: the test reads its headers either way.
    let ask = |origin: &str| -> ureq::Response {
        match ureq::request("OPTIONS", &format!("{}/graphql", s.base))
            .set("Origin", origin)
            .set("Access-Control-Request-Method", "POST")
            .call()
        {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{e}"),
        }
    };
    let allowed = ask("https://app.example.org");
    assert_eq!(allowed.status(), 204);
    assert_eq!(
        allowed.header("Access-Control-Allow-Origin"),
        Some("https://app.example.org")
    );
    let other = ask("https://evil.example");
    assert!(other.header("Access-Control-Allow-Origin").is_none());
    let r = ureq::post(&format!("{}/graphql", s.base))
        .set("Origin", "https://evil.example")
        .send_json(json!({ "query": "{ __typename }" }))
        .unwrap();
    assert!(r.header("Access-Control-Allow-Origin").is_none());
}

/// A plain blocking connection to `addr` from the loopback address `from`, as another client on
/// the internet would have.
fn connect_from(from: [u8; 4], addr: &str) -> TcpStream {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap();
    let stream = runtime.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind(std::net::SocketAddr::from((from, 0))).unwrap();
        socket.connect(addr.parse().unwrap()).await.unwrap()
    });
    let stream = stream.into_std().unwrap();
    stream.set_nonblocking(false).unwrap();
    stream
}

/// Before: one address with many connections got a share of the server per connection (the
/// load bench's attacker loops doubled everyone's p99). Now an address's requests past
/// `--max-in-flight-per-client` wait their turn, and other addresses are served meanwhile.
#[test]
fn one_address_waits_its_turn_while_others_are_served() {
    let s = TestServer::start_with(&["--max-in-flight-per-client", "1"]);
    let a = addr(&s);
    let query = r#"{"query":"{ provinces { code } }"}"#;
    // The address's one turn, held: a request whose body is still coming.
    let mut holder = connect_from([127, 0, 0, 1], &a);
    write!(
        holder,
        "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{}",
        query.len(),
        &query[..10]
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let request = format!(
        "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{query}",
        query.len()
    );
    // Same address, complete request: waits.
    let mut same = connect_from([127, 0, 0, 1], &a);
    same.write_all(request.as_bytes()).unwrap();
    let (text, _) = read_until_closed(&mut same, Duration::from_millis(700));
    assert!(text.is_empty(), "answered out of turn: {text}");
    // Another address: served at once.
    let mut other = connect_from([127, 0, 0, 2], &a);
    other.write_all(request.as_bytes()).unwrap();
    let (text, closed) = read_until_closed(&mut other, Duration::from_secs(10));
    assert!(closed && text.starts_with("HTTP/1.1 200"), "{text}");
    // The holder finishes; then the waiting request is answered.
    holder.write_all(&query.as_bytes()[10..]).unwrap();
    let (text, closed) = read_until_closed(&mut same, Duration::from_secs(10));
    assert!(closed && text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains("KH-12"));
}

/// Operators' log collectors read one JSON object per line with `--log-format json`.
#[test]
fn logs_are_json_lines_on_request() {
    let s = TestServer::start_with(&["--log-format", "json"]);
    s.ok("{ provinces { code } }", json!({}));
    let log = std::fs::read_to_string(s.dir.join("server.log")).unwrap();
    let lines: Vec<&str> = log.lines().filter(|l| l.starts_with('{')).collect();
    assert!(!lines.is_empty(), "no JSON line in:\n{log}");
    for line in &lines {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(
            v["timestamp"].is_string() && v["level"].is_string(),
            "{line}"
        );
    }
    assert!(
        lines.iter().any(|l| l.contains("database ready")),
        "start-up is logged: {log}"
    );
}

/// A wrong log-in from `client` (as an `X-Forwarded-For` header); the error code.
fn wrong_login_from(s: &TestServer, client: &str, n: usize) -> String {
    let body = json!({
        "query": "mutation($e: String!) { logIn(email: $e, password: \"wrong password 1\") { token } }",
        "variables": { "e": format!("xff-{n}@test.example") }
    });
    let r = ureq::post(&format!("{}/graphql", s.base))
        .set("X-Forwarded-For", client)
        .send_json(body);
    let r = match r {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    };
    let v: Value = r.into_json().unwrap();
    error_code(&v).to_string()
}

/// Behind a trusted proxy, per-address limits count the client its `X-Forwarded-For` names;
/// from anyone else the header is ignored (a client cannot pick a fresh address per guess).
#[test]
fn forwarded_for_counts_clients_behind_a_trusted_proxy_only() {
    let behind = TestServer::start_with(&[
        "--trusted-proxy",
        "127.0.0.1",
        "--login-failures-per-ip",
        "2",
    ]);
    // Two failures allowed, then refusals.
    for n in 0..2 {
        assert_eq!(
            wrong_login_from(&behind, "203.0.113.1", n),
            "UNAUTHENTICATED"
        );
    }
    assert_eq!(wrong_login_from(&behind, "203.0.113.1", 2), "RATE_LIMITED");
    assert_eq!(
        wrong_login_from(&behind, "203.0.113.2", 3),
        "UNAUTHENTICATED",
        "another client behind the proxy is not held back"
    );

    let direct = TestServer::start_with(&["--login-failures-per-ip", "2"]);
    for n in 0..2 {
        wrong_login_from(&direct, &format!("203.0.113.{n}"), n);
    }
    assert_eq!(
        wrong_login_from(&direct, "203.0.113.9", 2),
        "RATE_LIMITED",
        "a forged header changes nothing"
    );
}

/// `/metrics` tells the business's activity (introductions, answers, sign-ups): it answers
/// this machine, or a scraper holding `--metrics-token`, and is not there for anyone else
/// (QA: open to the world).
#[test]
fn metrics_answer_this_machine_or_the_token_only() {
    let s = TestServer::start_with(&[
        "--trusted-proxy",
        "127.0.0.1",
        "--metrics-token",
        "s3cret-scrape",
    ]);
    let get = |headers: &[(&str, &str)]| {
        let mut r = ureq::get(&format!("{}/metrics", s.base));
        for (k, v) in headers {
            r = r.set(k, v);
        }
        match r.call() {
            Ok(r) => r.status(),
            Err(ureq::Error::Status(code, _)) => code,
            Err(e) => panic!("{e}"),
        }
    };
    assert_eq!(get(&[]), 200, "this machine");
    let outside = ("X-Forwarded-For", "203.0.113.7");
    assert_eq!(get(&[outside]), 404, "a client out there");
    // An address the server cannot read is no local client either (QA round 2).
    for unreadable in ["203.0.113.9:1234", "unknown", "[2001:db8::1]:443"] {
        assert_eq!(get(&[("X-Forwarded-For", unreadable)]), 404, "{unreadable}");
    }
    assert_eq!(
        get(&[outside, ("Authorization", "Bearer s3cret-scrape")]),
        200,
        "a scraper with the secret"
    );
    assert_eq!(
        get(&[outside, ("Authorization", "Bearer s3cret-scrapf")]),
        404,
        "a wrong secret"
    );
}

/// A gauge or counter without labels from `/metrics`.
fn metric(s: &TestServer, name: &str) -> f64 {
    let (_, text) = s.get("/metrics");
    text.lines()
        .find(|l| l.starts_with(name) && l[name.len()..].starts_with(' '))
        .and_then(|l| l[name.len() + 1..].trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} in /metrics"))
}

/// Polls until no ranking runs or waits; how long that took, or `None` past `within`.
fn rankings_idle_within(s: &TestServer, within: Duration) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < within {
        if metric(s, "khkr_rankings_running") == 0.0 && metric(s, "khkr_rankings_waiting") == 0.0 {
            return Some(started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    None
}

/// Before: the deadline answered TIMEOUT, but a ranking already handed to its worker thread
/// ran to its end for nobody, and so did one whose client had disconnected (the counter below
/// did not exist: nothing could stop a running ranking). Now each ranking looks at a
/// cancellation flag raised when its request's future is dropped, and stops.
///
/// Real data, no delay knob: the demo data set (2,000 SMEs) and requests of 20 aliased
/// rankings each, twelve at once: 240 rankings, as many as the ranking queue holds (256
/// waiting) with room to spare. How long a ranking takes depends on the machine (about 50 ms
/// in a debug build on a busy 2-core machine, 20 ms on an idle one), so the test times one
/// request first and checks against that. A ranking in its last stretch when the flag rises
/// finishes instead (nothing left to save), so a round where none was caught mid-way is
/// repeated (at most five rounds each).
#[test]
fn running_rankings_stop_when_the_deadline_passes_or_the_client_leaves() {
    const REQUESTS: usize = 12;
    // Matches explained per ranking in the deadline case: enough work that a request of 20
    // rankings takes a good part of the deadline (at 10, once explaining got cheaper, the
    // machine ranked "too fast for the test"). The leaving-client case keeps 10: it needs the
    // time to be spent ranking, not reading and explaining what was ranked.
    const FIRST: usize = 50;
    // The deadline case needs a short deadline; the leaving-client case a long one, so that
    // what empties the queue is the clients leaving, not the deadline.
    let short = TestServer::start_with(&[
        "--demo",
        "--request-timeout",
        "1",
        "--max-in-flight-per-client",
        "64",
        "--max-searches",
        "20",
    ]);
    let long = TestServer::start_with(&[
        "--demo",
        "--request-timeout",
        "20",
        "--max-in-flight-per-client",
        "64",
        "--max-searches",
        "20",
    ]);
    let rankings = |s: &TestServer, n: usize, first: usize| -> String {
        let investor = s.ok(
            "{ investors(first: 1) { edges { node { id } } } }",
            json!({}),
        )["investors"]["edges"][0]["node"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let query: String = (0..n)
            .map(|i| {
                format!(
                    "m{i}: matchesForInvestor(investorId: \"{investor}\", first: {first}) {{ score }} "
                )
            })
            .collect();
        format!("{{ {query} }}")
    };
    let (query, single) = (rankings(&short, 20, FIRST), rankings(&short, 1, FIRST));
    // The same request on the server with the long deadline, to time it: on a loaded machine a
    // request of 20 can itself take longer than the short deadline (CI once saw it answer
    // TIMEOUT here), and then it should measure slow, not fail.
    let timing_query = rankings(&long, 20, FIRST);
    // One ranking on its own finishes well inside the deadline.
    assert_eq!(
        short.ok(&single, json!({}))["m0"].as_array().unwrap().len(),
        FIRST
    );

    // 1. The deadline: the requests still running at 1 s answer TIMEOUT, the rankings running
    // then stop, and the queue is empty at once. How many finish in time depends on the
    // machine's speed at that moment (other test binaries share its 2 cores), so each round
    // measures it again just before, and a round whose count the speed explains is tried again
    // (at most five); what must hold in every round is asserted in every round.
    let mut outcome = String::new();
    let mut held = false;
    // How long one ranking takes now, from the rounds below (a request of 20 alone).
    let mut per_ranking = Duration::ZERO;
    for round in 0..5 {
        let started = Instant::now();
        long.ok(&timing_query, json!({}));
        let one = started.elapsed();
        per_ranking = one / 20;
        // FIFO: requests finish one per `one` or so; the rest must be cut by the deadline.
        let in_time = (1.0 / one.as_secs_f64()).ceil() as usize;
        eprintln!(
            "round {round}: one request of 20 rankings alone: {one:?}; about {in_time} of {REQUESTS} in time"
        );
        if in_time + 2 >= REQUESTS {
            // A moment with the machine idle: nothing would be left to cut. Measure again.
            outcome =
                format!("this machine ranks too fast for the test: {one:?} per request of 20");
            continue;
        }
        let before = metric(&short, "khkr_rankings_cancelled_total");
        let answers: Vec<(Value, Duration)> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..REQUESTS)
                .map(|_| {
                    let (s, query) = (&short, &query);
                    scope.spawn(move || {
                        let started = Instant::now();
                        let (_, _, body) = post(&s.base, &json!({ "query": query }));
                        (body, started.elapsed())
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut timed_out = 0;
        for (body, took) in &answers {
            if body.get("errors").is_some() {
                assert_eq!(error_code(body), "TIMEOUT", "{body:#}");
                timed_out += 1;
            }
            assert!(*took < Duration::from_secs(3), "answered after {took:?}");
        }
        eprintln!("round {round}: {timed_out} of {REQUESTS} requests answered TIMEOUT");
        let idle = rankings_idle_within(&short, Duration::from_secs(2));
        eprintln!("after the deadline: rankings idle within {idle:?}");
        assert!(
            idle.is_some_and(|d| d < Duration::from_millis(500)),
            "{idle:?}"
        );
        let stopped = metric(&short, "khkr_rankings_cancelled_total") - before;
        eprintln!("rankings stopped by the deadline: {stopped}");
        outcome = format!(
            "{timed_out} of {REQUESTS} answered TIMEOUT (about {in_time} fit in the deadline), \
             {stopped} running rankings stopped"
        );
        if timed_out + in_time + 2 >= REQUESTS && stopped >= 1.0 {
            held = true;
            break;
        }
    }
    assert!(
        held,
        "the deadline should cut the rest and stop running rankings: {outcome}"
    );

    // 2. The client leaves: as many connections send the same request and close 300 ms later,
    // long before the 20 s deadline; the queue empties at once and running rankings stop.
    let query = rankings(&long, 20, 10);
    let body = json!({ "query": query }).to_string();
    let mut stopped = 0.0;
    for round in 0..5 {
        let before = metric(&long, "khkr_rankings_cancelled_total");
        let started = Instant::now();
        let sockets: Vec<TcpStream> = (0..REQUESTS)
            .map(|_| {
                let mut c = TcpStream::connect(addr(&long)).unwrap();
                write!(
                    c,
                    "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                )
                .unwrap();
                c
            })
            .collect();
        // The server picks them up as soon as a core is free; on a loaded machine that can
        // take longer than the 300 ms an idle one needs. The clients leave once rankings run
        // *and* wait: with the queue backed up the workers rank without a pause, so a ranking is
        // running when the flag rises. (Before, the clients left as soon as one ran; on
        // PostgreSQL under load the requests spent most of their time reading profiles, the
        // workers were often between rankings, and three rounds in a row caught none.)
        std::thread::sleep(Duration::from_millis(300));
        let metrics = |s: &TestServer| {
            (
                metric(s, "khkr_rankings_running"),
                metric(s, "khkr_rankings_waiting"),
            )
        };
        let backed_up = eventually(Duration::from_secs(3), || {
            let (running, waiting) = metrics(&long);
            running > 0.0 && waiting > 0.0
        });
        if backed_up.is_none() {
            let running = eventually(Duration::from_secs(3), || metrics(&long).0 > 0.0);
            assert!(running.is_some(), "the rankings should be running");
        }
        let (_, waiting) = metrics(&long);
        drop(sockets);
        let idle = rankings_idle_within(&long, Duration::from_secs(2));
        let at = started.elapsed();
        // What draining the queue would take instead, two workers at the measured pace.
        let drain = per_ranking.mul_f64(waiting / 2.0);
        eprintln!(
            "round {round}: {waiting} waiting when the clients left (draining them: about \
             {drain:?}); rankings idle within {idle:?} ({at:?} after sending)"
        );
        // At once, not by draining. Under a loaded CI machine "at once" measured up to 400 ms,
        // hence the 1 s margin; and where the queue held enough to tell (at least 50), faster
        // than draining it would have been.
        assert!(
            idle.is_some_and(|d| d < Duration::from_millis(1_000)),
            "{idle:?}"
        );
        if waiting >= 50.0 {
            assert!(
                idle.is_some_and(|d| d < drain),
                "idle after {idle:?}, no faster than draining {waiting} rankings ({drain:?})"
            );
        }
        stopped = metric(&long, "khkr_rankings_cancelled_total") - before;
        eprintln!("rankings stopped by clients leaving: {stopped}");
        if stopped >= 1.0 {
            break;
        }
    }
    assert!(
        stopped >= 1.0,
        "no running ranking was stopped when its client left"
    );

    // The workers are free: an ordinary ranking is answered at once.
    let single = rankings(&long, 1, 10);
    let started = Instant::now();
    long.ok(&single, json!({}));
    assert!(started.elapsed() < Duration::from_millis(900));
}

/// Sends `body` to /graphql over a new connection from `from`; the answer's text and how long
/// it took.
fn post_from(from: [u8; 4], a: &str, body: &str) -> (String, Duration) {
    let started = Instant::now();
    let mut stream = connect_from(from, a);
    write!(
        stream,
        "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let (text, closed) = read_until_closed(&mut stream, Duration::from_secs(20));
    assert!(closed, "no complete answer: {text}");
    (text, started.elapsed())
}

/// Before: refusals were cheap but unbounded, so `bench load`'s attacker looped on fragment
/// bombs and wrong passwords at 600 requests/s and took the CPU the ordinary users' p99
/// needed. Now an address refused more than `--refusals-before-hold` times within a minute has
/// its next requests held (10 ms, doubling, up to 2 s) inside its own turn: each still gets its
/// own answer, and other addresses are not held at all.
#[test]
fn an_address_that_keeps_being_refused_is_held_and_nobody_else() {
    let s = TestServer::start_with(&["--refusals-before-hold", "3"]);
    let a = addr(&s);
    let bomb = json!({ "query": fragment_bomb(20) }).to_string();
    let attacker = [127, 0, 0, 7];
    let mut took = Vec::new();
    for _ in 0..10 {
        let (text, t) = post_from(attacker, &a, &bomb);
        assert!(text.contains("QUERY_TOO_COMPLEX"), "{text}");
        took.push(t);
    }
    eprintln!("refused bombs from one address took {took:?}");
    // Up to three refusals leave the next request alone; then holds of 10, 20, 40, 80, 160,
    // 320 ms.
    assert!(
        took[9] >= Duration::from_millis(320),
        "the tenth refusal in a row is held: {took:?}"
    );
    let held: Duration = took[4..].iter().sum();
    assert!(held >= Duration::from_millis(600), "{took:?}");
    // While the attacker's next request is held (640 ms), another address is served.
    let held = std::thread::spawn({
        let (a, bomb) = (a.clone(), bomb.clone());
        move || post_from(attacker, &a, &bomb)
    });
    std::thread::sleep(Duration::from_millis(100));
    let (text, t) = post_from([127, 0, 0, 8], &a, r#"{"query":"{ provinces { code } }"}"#);
    assert!(
        text.starts_with("HTTP/1.1 200") && text.contains("KH-12"),
        "{text}"
    );
    let (held_text, held_took) = held.join().unwrap();
    assert!(held_text.contains("QUERY_TOO_COMPLEX"), "{held_text}");
    assert!(
        t < held_took.saturating_sub(Duration::from_millis(100)),
        "another address waited for the held one: {t:?} vs {held_took:?}"
    );
    // A held address still gets real answers, not refusals of its own.
    let (text, t) = post_from(attacker, &a, r#"{"query":"{ provinces { code } }"}"#);
    assert!(text.contains("KH-12"), "{text}");
    assert!(t >= Duration::from_millis(1000), "held: {t:?}");
}

/// A full queue of password hashes is the server's state, not the client's attempts: the
/// refusal says so (`reason: SERVER_BUSY`), so clients can tell it from their own back-off, and
/// it does not count against the address (`--refusals-before-hold`).
#[test]
fn a_saturated_server_says_so_apart_from_the_clients_own_limits() {
    let s = TestServer::start_with(&["--hash-threads", "1", "--hash-queue", "1"]);
    let answers: Vec<Value> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..12)
            .map(|i| {
                let base = s.base.clone();
                scope.spawn(move || {
                    post(
                        &base,
                        &json!({
                            "query": "mutation($e: String!) { logIn(email: $e, password: \"wrong password 1\") { token } }",
                            "variables": { "e": format!("busy-{i}@test.example") }
                        }),
                    )
                    .2
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let busy: Vec<&Value> = answers
        .iter()
        .filter(|b| error_code(b) == "RATE_LIMITED")
        .collect();
    assert!(
        !busy.is_empty(),
        "one hashing thread, a queue of one, 12 at once: {answers:?}"
    );
    for b in &busy {
        assert_eq!(
            b["errors"][0]["extensions"]["reason"], "SERVER_BUSY",
            "{b:#}"
        );
    }
    // Nothing else: the others are wrong passwords.
    assert!(answers
        .iter()
        .all(|b| matches!(error_code(b), "RATE_LIMITED" | "UNAUTHENTICATED")));
}
