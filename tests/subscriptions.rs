//! GraphQL over WebSocket (graphql-transport-ws, enisdenjo/graphql-ws PROTOCOL.md) against the
//! real server: every close code the protocol defines, single-result operations over the socket,
//! and revoked tokens losing their sockets at once.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};
use tungstenite::Message;

type Ws = tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<std::net::TcpStream>>;

const EVENTS: &str = "subscription { pipelineEvents { matchId kind stage } }";

/// A WebSocket to `/graphql` offering `protocol` (none: no `Sec-WebSocket-Protocol` header).
fn open(s: &TestServer, protocol: Option<&str>) -> Ws {
    let url = format!("{}/graphql", s.base.replace("http://", "ws://"));
    let mut req =
        tungstenite::client::IntoClientRequest::into_client_request(url.as_str()).unwrap();
    if let Some(p) = protocol {
        req.headers_mut()
            .insert("Sec-WebSocket-Protocol", p.parse().unwrap());
    }
    let (mut ws, response) = tungstenite::connect(req).unwrap();
    if protocol.is_some() {
        assert_eq!(
            response.headers()["Sec-WebSocket-Protocol"],
            "graphql-transport-ws"
        );
    }
    set_timeout(&mut ws, Duration::from_secs(5));
    ws
}

fn connect(s: &TestServer) -> Ws {
    open(s, Some("graphql-transport-ws"))
}

fn set_timeout(ws: &mut Ws, t: Duration) {
    if let tungstenite::stream::MaybeTlsStream::Plain(tcp) = ws.get_mut() {
        tcp.set_read_timeout(Some(t)).unwrap();
    }
}

fn send(ws: &mut Ws, v: Value) {
    ws.send(Message::Text(v.to_string())).unwrap();
}

/// The next text message; panics on close, silence (5 s) or anything else.
fn next(ws: &mut Ws) -> Value {
    loop {
        match ws.read() {
            Ok(Message::Text(t)) => return serde_json::from_str(&t).unwrap(),
            Ok(Message::Ping(_) | Message::Pong(_)) => {}
            other => panic!("expected a message, got {other:?}"),
        }
    }
}

/// Reads until the server closes; returns the close code and reason. Messages before the close
/// are returned too (they must be what the test expects).
fn closed(ws: &mut Ws) -> (u16, String, Vec<Value>) {
    let mut before = Vec::new();
    loop {
        match ws.read() {
            Ok(Message::Text(t)) => before.push(serde_json::from_str(&t).unwrap()),
            Ok(Message::Close(Some(frame))) => {
                return (frame.code.into(), frame.reason.to_string(), before)
            }
            Ok(Message::Close(None)) => panic!("closed without a code"),
            Ok(_) => {}
            Err(e) => panic!("no close frame: {e} (after {before:?})"),
        }
    }
}

fn init(ws: &mut Ws, token: Option<&str>) {
    let payload = match token {
        Some(t) => json!({ "Authorization": format!("Bearer {t}") }),
        None => json!({}),
    };
    send(ws, json!({ "type": "connection_init", "payload": payload }));
    assert_eq!(next(ws), json!({ "type": "connection_ack" }));
}

/// An acknowledged socket signed in with `token`.
fn signed_in(s: &TestServer, token: &str) -> Ws {
    let mut ws = connect(s);
    init(&mut ws, Some(token));
    ws
}

fn subscribe(ws: &mut Ws, id: &str, query: &str) {
    send(
        ws,
        json!({ "id": id, "type": "subscribe", "payload": { "query": query } }),
    );
}

/// The socket answers a ping (it is open and its task is alive).
fn alive(ws: &mut Ws) {
    send(ws, json!({ "type": "ping" }));
    assert_eq!(next(ws), json!({ "type": "pong" }));
}

#[test]
fn ping_is_answered_with_pong_before_and_after_init() {
    let s = TestServer::start();
    let mut ws = connect(&s);
    alive(&mut ws);
    init(&mut ws, None);
    send(&mut ws, json!({ "type": "ping", "payload": { "at": 1 } }));
    assert_eq!(next(&mut ws)["type"], "pong");
    // An unsolicited pong is a heartbeat, not an error.
    send(&mut ws, json!({ "type": "pong" }));
    alive(&mut ws);
}

#[test]
fn queries_and_mutations_run_over_the_socket() {
    let s = TestServer::start();
    let mut ws = signed_in(&s, &s.sme_token);
    subscribe(&mut ws, "q1", "{ me { role } }");
    assert_eq!(
        next(&mut ws),
        json!({ "id": "q1", "type": "next", "payload": { "data": { "me": { "role": "SME" } } } })
    );
    assert_eq!(next(&mut ws), json!({ "id": "q1", "type": "complete" }));
    // The id is free again once completed; a mutation with variables works the same way.
    send(
        &mut ws,
        json!({ "id": "q1", "type": "subscribe", "payload": {
            "query": "mutation($n: String!) { createApiKey(name: $n) { name } }",
            "variables": { "n": "ws key" } } }),
    );
    let result = next(&mut ws);
    assert_eq!(result["payload"]["data"]["createApiKey"]["name"], "ws key");
    assert_eq!(next(&mut ws), json!({ "id": "q1", "type": "complete" }));
    // A request that fails validation answers `error` (GraphQL errors with a code) and no
    // `complete`; the socket stays usable.
    subscribe(&mut ws, "bad", "{ noSuchField }");
    let error = next(&mut ws);
    assert_eq!(error["type"], "error");
    assert_eq!(error["id"], "bad");
    assert_eq!(
        error["payload"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
    alive(&mut ws);
    // A resolver's refusal is an execution result: `next` with the error, then `complete`.
    let mut anon = connect(&s);
    init(&mut anon, None);
    subscribe(
        &mut anon,
        "k",
        "mutation { createApiKey(name: \"x\") { name } }",
    );
    let refused = next(&mut anon);
    assert_eq!(refused["type"], "next");
    assert_eq!(error_code(&refused["payload"]), "UNAUTHENTICATED");
    assert_eq!(next(&mut anon), json!({ "id": "k", "type": "complete" }));
    // An anonymous subscription to pipeline events never starts: `error`.
    subscribe(&mut anon, "e", EVENTS);
    let error = next(&mut anon);
    assert_eq!(error["type"], "error");
    assert_eq!(error["payload"][0]["extensions"]["code"], "UNAUTHENTICATED");
    alive(&mut anon);
}

/// `next` and `complete` leave in one write: as two small writes the second waits for the
/// client's delayed ACK (Nagle), about 40 ms per operation, 2 s for these 50.
#[test]
fn sequential_operations_do_not_wait_for_delayed_acks() {
    let s = TestServer::start();
    let mut ws = signed_in(&s, &s.sme_token);
    let started = Instant::now();
    for i in 0..50 {
        let id = format!("q{i}");
        subscribe(&mut ws, &id, "{ me { role } }");
        assert_eq!(next(&mut ws)["type"], "next");
        assert_eq!(next(&mut ws), json!({ "id": id, "type": "complete" }));
    }
    let took = started.elapsed();
    eprintln!("50 sequential queries over one socket: {took:?}");
    assert!(took < Duration::from_millis(1500), "{took:?}");
}

/// Events reach the subscriptions still running, not one the client completed.
#[test]
fn a_completed_subscription_hears_nothing_more() {
    let s = TestServer::start();
    let sme = publish_sme(&s, sme_input());
    let investor = publish_investor(&s, investor_input());
    let (staff, _) = operator_account(&s, "STAFF");
    let id = s.as_token(&staff).ok(
        "mutation($s: ID!, $i: ID!) { shortlistMatch(smeId: $s, investorId: $i) { id } }",
        json!({ "s": sme, "i": investor }),
    )["shortlistMatch"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut ws = signed_in(&s, &s.investor_token);
    subscribe(&mut ws, "stopped", EVENTS);
    subscribe(&mut ws, "kept", EVENTS);
    send(&mut ws, json!({ "id": "stopped", "type": "complete" }));
    alive(&mut ws);
    s.as_token(&staff).ok(
        "mutation($id: ID!) { introduce(matchId: $id, message: \"Meet\") { id } }",
        json!({ "id": id }),
    );
    let event = next(&mut ws);
    assert_eq!(
        event,
        json!({ "id": "kept", "type": "next", "payload": { "data": { "pipelineEvents": {
            "matchId": id, "kind": "INTRODUCED", "stage": "INTRODUCED" } } } })
    );
    // Everything sent before the pong is in; none of it is for the completed subscription.
    send(&mut ws, json!({ "type": "ping" }));
    loop {
        let m = next(&mut ws);
        assert_ne!(m["id"], "stopped", "{m}");
        if m["type"] == "pong" {
            break;
        }
    }
}

#[test]
fn close_4400_on_invalid_messages() {
    let s = TestServer::start();
    let cases = [
        ("not json".to_string(), false),
        (json!({ "type": "nonsense" }).to_string(), false),
        (json!({ "type": "connection_ack" }).to_string(), false),
        (json!({ "type": "connection_init", "payload": "token" }).to_string(), false),
        (json!({ "type": "subscribe", "id": "1" }).to_string(), true),
        (json!({ "type": "subscribe", "id": 1, "payload": { "query": "{ me { id } }" } }).to_string(), true),
        (json!({ "type": "subscribe", "id": "1", "payload": { "query": "{ me { id } }", "variables": [1] } }).to_string(), true),
    ];
    for (message, after_init) in cases {
        let mut ws = connect(&s);
        if after_init {
            init(&mut ws, None);
        }
        ws.send(Message::Text(message.clone())).unwrap();
        let (code, reason, before) = closed(&mut ws);
        assert_eq!(code, 4400, "{message}: {reason}");
        assert!(reason.starts_with("Invalid message"), "{reason}");
        assert!(before.is_empty(), "{before:?}");
    }
}

#[test]
fn close_4401_when_subscribing_before_init() {
    let s = TestServer::start();
    let mut ws = connect(&s);
    subscribe(&mut ws, "1", "{ me { id } }");
    let (code, reason, before) = closed(&mut ws);
    assert_eq!((code, reason.as_str()), (4401, "Unauthorized"));
    assert!(before.is_empty());
}

#[test]
fn close_4403_for_a_refused_token() {
    let s = TestServer::start();
    for auth in [json!("Bearer khkr_forged"), json!("Basic abc")] {
        let mut ws = connect(&s);
        send(
            &mut ws,
            json!({ "type": "connection_init", "payload": { "authorization": auth } }),
        );
        let (code, reason, before) = closed(&mut ws);
        assert_eq!((code, reason.as_str()), (4403, "Forbidden"), "{auth}");
        assert!(before.is_empty(), "no connection_ack: {before:?}");
    }
}

#[test]
fn close_4406_without_the_subprotocol() {
    let s = TestServer::start();
    let mut ws = open(&s, None);
    let (code, reason, _) = closed(&mut ws);
    assert_eq!(
        (code, reason.as_str()),
        (4406, "Subprotocol not acceptable")
    );
}

#[test]
fn close_4408_when_init_does_not_come_in_time() {
    let s = TestServer::start_with(&["--ws-init-timeout", "0.5"]);
    let started = Instant::now();
    let mut ws = connect(&s);
    // Pings do not count as initialisation.
    alive(&mut ws);
    let (code, reason, _) = closed(&mut ws);
    assert_eq!(
        (code, reason.as_str()),
        (4408, "Connection initialisation timeout")
    );
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(450) && waited < Duration::from_secs(3),
        "{waited:?}"
    );
    // An initialised socket is not timed out.
    let mut ws = signed_in(&s, &s.sme_token);
    std::thread::sleep(Duration::from_millis(800));
    alive(&mut ws);
}

#[test]
fn close_4409_for_an_id_already_running() {
    let s = TestServer::start();
    let mut ws = signed_in(&s, &s.investor_token);
    subscribe(&mut ws, "events", EVENTS);
    alive(&mut ws);
    subscribe(&mut ws, "events", "{ me { id } }");
    let (code, reason, before) = closed(&mut ws);
    assert_eq!(
        (code, reason.as_str()),
        (4409, "Subscriber for events already exists")
    );
    assert!(before.is_empty(), "{before:?}");
    // A completed subscription frees its id.
    let mut ws = signed_in(&s, &s.investor_token);
    subscribe(&mut ws, "events", EVENTS);
    send(&mut ws, json!({ "id": "events", "type": "complete" }));
    // Completing an unknown id is not an error.
    send(&mut ws, json!({ "id": "never", "type": "complete" }));
    subscribe(&mut ws, "events", EVENTS);
    alive(&mut ws);
}

#[test]
fn close_4429_for_a_second_init() {
    let s = TestServer::start();
    let mut ws = signed_in(&s, &s.sme_token);
    send(&mut ws, json!({ "type": "connection_init" }));
    let (code, reason, _) = closed(&mut ws);
    assert_eq!(
        (code, reason.as_str()),
        (4429, "Too many initialisation requests")
    );
}

#[test]
fn operations_per_socket_and_message_size_are_bounded() {
    let s = TestServer::start();
    let mut ws = signed_in(&s, &s.investor_token);
    for i in 0..100 {
        subscribe(&mut ws, &format!("s{i}"), EVENTS);
    }
    subscribe(&mut ws, "one-too-many", EVENTS);
    let refused = next(&mut ws);
    assert_eq!(refused["type"], "error", "{refused}");
    assert_eq!(refused["id"], "one-too-many");
    assert_eq!(
        refused["payload"][0]["extensions"]["code"],
        "TOO_MANY_OPERATIONS"
    );
    // Completing one makes room again.
    send(&mut ws, json!({ "id": "s0", "type": "complete" }));
    subscribe(&mut ws, "q", "{ me { role } }");
    assert_eq!(next(&mut ws)["payload"]["data"]["me"]["role"], "INVESTOR");
    assert_eq!(next(&mut ws), json!({ "id": "q", "type": "complete" }));

    let mut ws = signed_in(&s, &s.investor_token);
    let huge = format!("{{ me {{ id }} }} # {}", "x".repeat(300 * 1024));
    subscribe(&mut ws, "big", &huge);
    let (code, _, _) = closed(&mut ws);
    assert_eq!(code, 1009);
}

/// Before: one address opened 3,000 sockets in 1.8 s (an upgraded socket leaves the
/// connection count), a 24 MB answer went out over a socket where HTTP refuses over 4 MB, and
/// a document of any size up to the message bound was parsed.
#[test]
fn sockets_per_address_answers_and_documents_are_bounded_as_over_http() {
    let s = TestServer::start_with(&[
        "--max-websockets-per-client",
        "2",
        "--max-response-bytes",
        "3000",
    ]);
    let mut first = signed_in(&s, &s.investor_token);
    let _second = connect(&s);
    let url = format!("{}/graphql", s.base.replace("http://", "ws://"));
    let refused = |url: &str| {
        let mut req = tungstenite::client::IntoClientRequest::into_client_request(url).unwrap();
        req.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            "graphql-transport-ws".parse().unwrap(),
        );
        match tungstenite::connect(req) {
            Err(tungstenite::Error::Http(r)) => Some(r.status().as_u16()),
            Ok(_) => None,
            Err(e) => panic!("{e}"),
        }
    };
    assert_eq!(refused(&url), Some(429), "a third socket from one address");
    let (_, metrics) = s.get("/metrics");
    assert!(metrics.contains("khkr_websockets_open 2"), "{metrics}");
    // HTTP from the same address is not affected.
    s.ok("{ __typename }", json!({}));

    // The response bound holds on the socket as over HTTP.
    subscribe(
        &mut first,
        "big",
        "{ __schema { types { name description } } }",
    );
    let answer = next(&mut first);
    assert_eq!(answer["type"], "error", "{answer}");
    assert_eq!(
        answer["payload"][0]["extensions"]["code"], "RESPONSE_TOO_LARGE",
        "{answer}"
    );
    // So does the document bound, before any parse.
    let long = format!("{{ me {{ id }} }} # {}", "x".repeat(40 * 1024));
    subscribe(&mut first, "long", &long);
    let answer = next(&mut first);
    assert_eq!(
        answer["payload"][0]["extensions"]["code"], "QUERY_TOO_LARGE",
        "{answer}"
    );
    alive(&mut first);

    // A closed socket gives its place back.
    first.close(None).ok();
    while first.read().is_ok() {}
    drop(first);
    assert!(
        eventually(Duration::from_secs(5), || refused(&url).is_none()).is_some(),
        "a place again once one socket closed"
    );
}

fn log_out(s: &TestServer, token: &str) {
    let data = s.as_token(token).ok("mutation { logOut }", json!({}));
    assert_eq!(data["logOut"], true);
}

#[test]
fn log_out_closes_the_sockets_of_that_token_only() {
    let s = TestServer::start();
    let (token, _) = s.sign_up("SME");
    let mut doomed = signed_in(&s, &token);
    subscribe(&mut doomed, "events", EVENTS);
    // The same account signed in elsewhere, and another account.
    let (other_session, _) = {
        let email_token = s.sign_up("INVESTOR");
        (email_token.0, email_token.1)
    };
    let mut unrelated = signed_in(&s, &other_session);
    subscribe(&mut unrelated, "events", EVENTS);
    let mut sme = signed_in(&s, &s.sme_token);
    alive(&mut doomed);

    log_out(&s, &token);
    let (code, reason, before) = closed(&mut doomed);
    assert_eq!(code, 4403, "{reason}");
    assert!(before.is_empty(), "{before:?}");
    // The socket is gone: a mutation sent now is not executed.
    let late = doomed.send(Message::Text(
        json!({ "id": "m", "type": "subscribe", "payload": { "query": "mutation { createApiKey(name: \"late\") { id } }" } })
            .to_string(),
    ));
    assert!(late.is_err(), "a closed socket takes no more operations");
    // A new socket with the revoked token is refused at init.
    let mut again = connect(&s);
    send(
        &mut again,
        json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } }),
    );
    assert_eq!(closed(&mut again).0, 4403);
    // Sockets of other tokens keep working, their subscriptions included.
    alive(&mut unrelated);
    alive(&mut sme);
    subscribe(&mut unrelated, "q", "{ me { role } }");
    assert_eq!(
        next(&mut unrelated)["payload"]["data"]["me"]["role"],
        "INVESTOR"
    );
}

#[test]
fn log_out_over_the_socket_is_answered_then_closes_it() {
    let s = TestServer::start();
    let (token, _) = s.sign_up("INVESTOR");
    let mut ws = signed_in(&s, &token);
    subscribe(&mut ws, "events", EVENTS);
    subscribe(&mut ws, "out", "mutation { logOut }");
    let (code, _, before) = closed(&mut ws);
    assert_eq!(code, 4403);
    assert_eq!(
        before,
        vec![
            json!({ "id": "out", "type": "next", "payload": { "data": { "logOut": true } } }),
            json!({ "id": "out", "type": "complete" }),
        ]
    );
}

#[test]
fn revoke_api_key_closes_the_sockets_of_that_key() {
    let s = TestServer::start();
    let key = s.as_sme().ok(
        "mutation { createApiKey(name: \"integration\") { id token } }",
        json!({}),
    )["createApiKey"]
        .clone();
    let key_token = key["token"].as_str().unwrap();
    let mut by_key = signed_in(&s, key_token);
    subscribe(&mut by_key, "events", EVENTS);
    subscribe(&mut by_key, "q", "{ me { role } }");
    assert_eq!(next(&mut by_key)["payload"]["data"]["me"]["role"], "SME");
    assert_eq!(next(&mut by_key)["type"], "complete");
    // The same account's session: revoking the key must not close it.
    let mut by_session = signed_in(&s, &s.sme_token);
    subscribe(&mut by_session, "events", EVENTS);

    let revoked = s.as_sme().ok(
        "mutation($id: ID!) { revokeApiKey(id: $id) }",
        json!({ "id": key["id"] }),
    );
    assert_eq!(revoked["revokeApiKey"], true);
    let (code, reason, _) = closed(&mut by_key);
    assert_eq!(code, 4403, "{reason}");
    alive(&mut by_session);
    subscribe(&mut by_session, "q", "{ me { role } }");
    assert_eq!(
        next(&mut by_session)["payload"]["data"]["me"]["role"],
        "SME"
    );
}

/// A revocation this server was never told of (made through another replica sharing the
/// database) still stops the socket at its next operation: each `subscribe` re-checks the token.
#[test]
fn every_operation_rechecks_the_token() {
    let a = TestServer::start();
    // A second server on the same database (its own index), as a replica would be.
    let b = a.replica(&[]);
    let (token, _) = a.sign_up("SME");
    let mut ws = signed_in(&a, &token);
    subscribe(&mut ws, "q", "{ me { role } }");
    assert_eq!(next(&mut ws)["payload"]["data"]["me"]["role"], "SME");
    assert_eq!(next(&mut ws)["type"], "complete");

    log_out(&b, &token);
    alive(&mut ws);
    subscribe(
        &mut ws,
        "m",
        "mutation { createApiKey(name: \"after log-out\") { id } }",
    );
    let (code, _, before) = closed(&mut ws);
    assert_eq!(code, 4403);
    assert!(before.is_empty(), "the mutation did not run: {before:?}");
    drop(b);
}

#[test]
fn sockets_close_with_going_away_when_the_server_stops() {
    let s = TestServer::start();
    let mut ws = signed_in(&s, &s.investor_token);
    subscribe(&mut ws, "events", EVENTS);
    alive(&mut ws);
    let mut fresh = connect(&s);
    let started = Instant::now();
    // `stop` waits for the process to exit, which it does once its sockets closed.
    s.stop();
    assert!(started.elapsed() < Duration::from_secs(10));
    for socket in [&mut ws, &mut fresh] {
        let (code, reason, _) = closed(socket);
        assert_eq!((code, reason.as_str()), (1001, "Server shutting down"));
    }
}

/// The event a `next` message carries.
fn event(ws: &mut Ws) -> Value {
    let m = next(ws);
    assert_eq!(m["type"], "next", "{m}");
    m["payload"]["data"]["pipelineEvents"].clone()
}

/// Every event kind published has an audience: staff hear the whole pipeline (shortlists and
/// curator assignments included), and a curator can listen to its own matches only.
#[test]
fn staff_hear_every_kind_and_curators_hear_their_matches() {
    let s = TestServer::start();
    let sme = publish_sme(&s, sme_input());
    let investor = publish_investor(&s, investor_input());
    let (staff, _) = operator_account(&s, "STAFF");
    let (curator, curator_id) = operator_account(&s, "STAFF");
    let mut all = signed_in(&s, &staff);
    subscribe(&mut all, "all", EVENTS);
    let mut mine = signed_in(&s, &curator);
    subscribe(
        &mut mine,
        "mine",
        "subscription { pipelineEvents(curatedByMe: true) { matchId kind stage } }",
    );
    // The subscriptions start on their own tasks: give them a moment to listen.
    std::thread::sleep(Duration::from_millis(300));
    let staff_gql = s.as_token(&staff);
    let id = staff_gql.ok(
        "mutation($s: ID!, $i: ID!) { shortlistMatch(smeId: $s, investorId: $i) { id } }",
        json!({ "s": sme, "i": investor }),
    )["shortlistMatch"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    staff_gql.ok(
        "mutation($m: ID!, $c: ID!) { assignCurator(matchId: $m, curatorId: $c) { id } }",
        json!({ "m": id, "c": curator_id }),
    );
    staff_gql.ok(
        "mutation($m: ID!) { introduce(matchId: $m, message: \"Meet.\") { id } }",
        json!({ "m": id }),
    );
    let kinds = |ws: &mut Ws, n: usize| -> Vec<String> {
        (0..n)
            .map(|_| {
                let e = event(ws);
                assert_eq!(e["matchId"], id.as_str());
                e["kind"].as_str().unwrap().to_string()
            })
            .collect()
    };
    assert_eq!(
        kinds(&mut all, 3),
        ["SHORTLISTED", "CURATOR_ASSIGNED", "INTRODUCED"]
    );
    // The curator was assigned after the shortlist: it hears from the assignment on.
    assert_eq!(kinds(&mut mine, 2), ["CURATOR_ASSIGNED", "INTRODUCED"]);
    alive(&mut mine);
}

/// The HTTP path's deadline holds over the socket too: a write that waits for the index longer
/// than `--request-timeout` answers `error` with TIMEOUT, and the socket stays usable. (The
/// account is made by a first server: with a 1 ms deadline no sign-up could finish.)
#[test]
fn operations_over_the_socket_have_the_request_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let first = TestServer::start_in(dir.path(), &[]);
    let token = first.sme_token.clone();
    first.stop();
    let s = TestServer::start_without_accounts(dir.path(), &["--request-timeout", "0.001"]);
    let publish = "mutation($i: SmeInput!) { publishSme(input: $i) { id } }";
    let mut ws = signed_in(&s, &token);
    // A write can finish inside 1 ms on a fast idle machine, so it is tried a few times: the
    // deadline must cut one, and every answer is that `error` with TIMEOUT or a complete write.
    let mut cut = false;
    for n in 0..10 {
        let id = format!("w{n}");
        send(
            &mut ws,
            json!({ "id": id, "type": "subscribe", "payload": {
                "query": publish, "variables": { "i": common::sme_input() } } }),
        );
        let answer = next(&mut ws);
        assert_eq!(answer["id"], id.as_str(), "{answer}");
        if answer["type"] == "error" {
            assert_eq!(
                answer["payload"][0]["extensions"]["code"], "TIMEOUT",
                "{answer}"
            );
            cut = true;
            break;
        }
        assert_eq!(answer["type"], "next", "{answer}");
        assert!(
            answer["payload"]["data"]["publishSme"]["id"].is_string(),
            "{answer}"
        );
        assert_eq!(next(&mut ws), json!({ "id": id, "type": "complete" }));
    }
    assert!(cut, "no write over the socket was cut by the 1 ms deadline");
    alive(&mut ws);
    // Over HTTP, the same. A write can finish inside 1 ms on a fast idle machine (the index
    // caught up at once), so it is tried a few times: the deadline must cut one of them, and
    // every answer is either that TIMEOUT or a complete write, never anything else.
    let mut answers = Vec::new();
    for _ in 0..10 {
        let body = s
            .as_token(&token)
            .gql(publish, json!({ "i": common::sme_input() }));
        let timed_out = body["errors"][0]["extensions"]["code"] == "TIMEOUT";
        assert!(
            timed_out || body["data"]["publishSme"]["id"].is_string(),
            "{body}"
        );
        answers.push(body);
        if timed_out {
            break;
        }
    }
    assert!(
        answers
            .iter()
            .any(|b| b["errors"][0]["extensions"]["code"] == "TIMEOUT"),
        "no write over HTTP was cut by the 1 ms deadline: {answers:?}"
    );
}

/// Runs one operation over the socket and returns its error code ("" when it succeeded):
/// from `next` (then `complete`) for an execution, from `error` for a refusal before it.
fn run_one(ws: &mut Ws, id: &str, query: &str, variables: Value) -> String {
    send(
        ws,
        json!({ "id": id, "type": "subscribe", "payload": { "query": query, "variables": variables } }),
    );
    let answer = next(ws);
    let code = if answer["type"] == "next" {
        assert_eq!(next(ws)["type"], "complete");
        &answer["payload"]["errors"][0]["extensions"]["code"]
    } else {
        assert_eq!(answer["type"], "error", "{answer}");
        &answer["payload"][0]["extensions"]["code"]
    };
    code.as_str().unwrap_or("").to_string()
}

/// The per-address limits hold on a socket as over HTTP, on the same counters: failed log-ins
/// and sign-ups from one address, and the write rate. Before, a socket's operations carried no
/// address: 26 wrong log-ins and 24 sign-ups on one socket were all answered.
#[test]
fn per_address_limits_hold_over_the_socket() {
    let s = TestServer::start_with(&[
        "--login-failures-per-ip",
        "2",
        "--login-failures-per-account",
        "100",
        // The test server signs two accounts up from this address at start.
        "--signups-per-ip",
        "4",
        "--write-burst",
        "2",
        "--writes-per-second",
        "0.01",
    ]);
    let mut ws = connect(&s);
    init(&mut ws, None);
    let log_in = |ws: &mut Ws, n: usize| {
        run_one(
            ws,
            &format!("l{n}"),
            "mutation($e: String!) { logIn(email: $e, password: \"wrong password\") { token } }",
            json!({ "e": format!("spray-{n}@test.example") }),
        )
    };
    assert_eq!(log_in(&mut ws, 0), "UNAUTHENTICATED");
    assert_eq!(log_in(&mut ws, 1), "UNAUTHENTICATED");
    assert_eq!(
        log_in(&mut ws, 2),
        "RATE_LIMITED",
        "the third from this address"
    );
    // The same counter as HTTP's.
    let (status, body) = s.anonymous().gql_status(
        "mutation { logIn(email: \"other@test.example\", password: \"wrong password\") { token } }",
        json!({}),
    );
    assert_eq!((status, error_code(&body)), (429, "RATE_LIMITED"), "{body}");

    let sign_up = |ws: &mut Ws, n: usize| {
        run_one(
            ws,
            &format!("s{n}"),
            "mutation($e: String!) { signUp(input: { email: $e, password: \"correct horse battery\", role: SME }) { token } }",
            json!({ "e": format!("new-{n}-{}@test.example", uuid::Uuid::new_v4().simple()) }),
        )
    };
    assert_eq!(sign_up(&mut ws, 0), "");
    assert_eq!(sign_up(&mut ws, 1), "");
    assert_eq!(
        sign_up(&mut ws, 2),
        "RATE_LIMITED",
        "the third sign-up from this address"
    );

    // Writes: a signed-in socket spends the account's bucket, then is refused before running.
    let mut signed = signed_in(&s, &s.sme_token);
    let codes: Vec<String> = (0..3)
        .map(|n| {
            run_one(
                &mut signed,
                &format!("w{n}"),
                "mutation($n: String!) { createApiKey(name: $n) { name } }",
                json!({ "n": format!("key {n}") }),
            )
        })
        .collect();
    assert_eq!(codes, ["", "", "RATE_LIMITED"], "{codes:?}");
    alive(&mut signed);
}

/// A query or mutation on a socket takes its share of the bounds on requests in flight, as a
/// request does (QA, an attacker: sixteen heavy searches on one socket ran at once, outside the
/// four an address may run, and a `{__typename}` from elsewhere waited 4.8 s). Here the one slot
/// of `--max-in-flight 1` is held by a request whose body never comes: the socket's query is
/// refused as the request would be, and runs once the slot is free.
#[test]
fn operations_on_a_socket_count_as_requests_in_flight() {
    use std::io::{Read, Write};
    let s = TestServer::start_with(&["--max-in-flight", "1"]);
    let mut ws = signed_in(&s, &s.investor_token);
    let addr = s.base.trim_start_matches("http://").to_string();
    // A request that takes the slot and holds it: its body never comes.
    let hold = || {
        let mut held = std::net::TcpStream::connect(&addr).unwrap();
        held.write_all(
            format!(
                "POST /graphql HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
                 Content-Length: 100\r\n\r\n{{"
            )
            .as_bytes(),
        )
        .unwrap();
        held.set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        held
    };
    let mut held = hold();
    let typename = |ws: &mut Ws, id: &str| {
        subscribe(ws, id, "{ __typename }");
        next(ws)
    };
    // The slot is taken once a plain request is turned away. A probe that came first took the
    // slot itself and turned the holder away (it got an answer): then it holds again.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let r = raw_http(&s.base, "GET", "/graphql?query=%7B__typename%7D", &[], None);
        if r.status == 503 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the slow request never took the slot: {} {}",
            r.status,
            r.text()
        );
        if held.read(&mut [0u8; 64]).is_ok() {
            held = hold();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let refused = typename(&mut ws, "while-full");
    assert_eq!(refused["type"], "error", "{refused}");
    assert_eq!(
        refused["payload"][0]["extensions"]["code"], "SERVICE_UNAVAILABLE",
        "{refused}"
    );
    drop(held);
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut n = 0;
    loop {
        n += 1;
        let answer = typename(&mut ws, &format!("after-{n}"));
        if answer["type"] == "next" {
            assert_eq!(answer["payload"]["data"]["__typename"], "Query");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the slot was never freed: {answer}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
