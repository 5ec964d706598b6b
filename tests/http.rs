//! GraphQL over HTTP as the GraphQL-over-HTTP specification asks, against the real server:
//! content negotiation, status codes, refusals as JSON with a code, GET for queries only, and
//! the `graphql-http` audit suite (npm) as the referee when `node` is installed.

mod common;

use std::path::Path;
use std::process::Command;

use common::{raw_http, RawResponse, TestServer, PUBLISH_SME};
use serde_json::{json, Value};

const JSON: &str = "application/json";
const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const CONTENT_JSON: (&str, &str) = ("Content-Type", "application/json");

fn post(s: &TestServer, headers: &[(&str, &str)], body: &str) -> RawResponse {
    raw_http(&s.base, "POST", "/graphql", headers, Some(body.as_bytes()))
}

/// POSTs `body` as JSON, with `Accept: accept` when given.
fn post_accepting(s: &TestServer, accept: Option<&str>, body: Value) -> RawResponse {
    let mut headers = vec![CONTENT_JSON];
    if let Some(a) = accept {
        headers.push(("Accept", a));
    }
    post(s, &headers, &body.to_string())
}

fn get(s: &TestServer, path_and_query: &str, headers: &[(&str, &str)]) -> RawResponse {
    raw_http(&s.base, "GET", path_and_query, headers, None)
}

fn media_type(r: &RawResponse) -> String {
    r.header("content-type")
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// A refusal: the status, a JSON body whose first error has `code`, and never Rust debug text.
fn assert_refused(r: &RawResponse, status: u16, code: &str) {
    assert_eq!(r.status, status, "{}", r.text());
    assert_eq!(media_type(r), JSON, "refusals are JSON");
    let body = r.json();
    assert_eq!(body["errors"][0]["extensions"]["code"], code, "{body:#}");
    let message = body["errors"][0]["message"].as_str().expect("a message");
    assert!(!message.is_empty());
    for debug in ["Error(", "Error {", "JsonSyntaxError", "rejection"] {
        assert!(!message.contains(debug), "debug text in {message:?}");
    }
    assert!(
        body.get("data").is_none(),
        "a refusal has no data: {body:#}"
    );
}

#[test]
fn the_response_type_follows_accept() {
    let s = TestServer::start();
    let query = json!({ "query": "{ __typename }" });
    for (accept, want) in [
        (None, JSON),
        (Some("*/*"), JSON),
        (Some("application/*"), JSON),
        (Some("application/json"), JSON),
        (
            Some("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
            JSON,
        ),
        (Some(GRAPHQL_RESPONSE), GRAPHQL_RESPONSE),
        (
            Some("application/graphql-response+json, application/json;q=0.9"),
            GRAPHQL_RESPONSE,
        ),
        (
            Some("application/graphql-response+json;q=0.5, application/json"),
            JSON,
        ),
    ] {
        let r = post_accepting(&s, accept, query.clone());
        assert_eq!(r.status, 200, "Accept {accept:?}: {}", r.text());
        assert_eq!(media_type(&r), want, "Accept {accept:?}");
        assert_eq!(
            r.header("content-type").unwrap(),
            format!("{want}; charset=utf-8")
        );
        assert!(r.json()["data"]["__typename"].is_string());
    }
    // The response keeps the order of the selections (a map in JSON, but clients show it).
    let r = post_accepting(
        &s,
        None,
        json!({ "query": "{ zz: __typename aa: __typename }" }),
    );
    let text = r.text();
    assert!(
        text.find("\"zz\"").unwrap() < text.find("\"aa\"").unwrap(),
        "{text}"
    );

    let r = post_accepting(&s, Some("text/html"), query.clone());
    assert_refused(&r, 406, "NOT_ACCEPTABLE");
    let r = post_accepting(&s, Some("application/json;q=0"), query);
    assert_refused(&r, 406, "NOT_ACCEPTABLE");
}

#[test]
fn request_errors_have_no_data_and_are_400_under_graphql_response_json() {
    let s = TestServer::start();
    let deep_mixed = format!(
        "{{ smes {{ totalCount }} __schema {{ types {{ fields {{ args {{ type {} }} }} }} }} }}",
        nested_of_type(8)
    );
    let cases = [
        // A document that does not parse.
        (json!({ "query": "{ smes { edges" }), "GRAPHQL_PARSE_FAILED"),
        // A field that does not exist.
        (
            json!({ "query": "{ smes { noSuchField } }" }),
            "GRAPHQL_VALIDATION_FAILED",
        ),
        // Variable coercion: wrong type, and a required variable missing.
        (
            json!({ "query": "query($first: Int) { smes(first: $first) { totalCount } }",
                    "variables": { "first": "many" } }),
            "BAD_USER_INPUT",
        ),
        (
            json!({ "query": "query($id: ID!) { sme(id: $id) { id } }", "variables": {} }),
            "BAD_USER_INPUT",
        ),
        (
            json!({ "query": "query($id: ID!) { sme(id: $id) { id } }",
                    "variables": { "id": null } }),
            "BAD_USER_INPUT",
        ),
        // Over the depth limit: introspection mixed with an ordinary field is not exempt.
        (json!({ "query": deep_mixed }), "GRAPHQL_VALIDATION_FAILED"),
        // An operation name the document does not have.
        (
            json!({ "query": "query A { __typename }", "operationName": "B" }),
            "GRAPHQL_VALIDATION_FAILED",
        ),
    ];
    for (request, code) in cases {
        // The legacy type: 200 for every well-formed GraphQL response.
        let r = post_accepting(&s, Some(JSON), request.clone());
        assert_eq!(r.status, 200, "{request}: {}", r.text());
        let body = r.json();
        assert_eq!(
            body["errors"][0]["extensions"]["code"], code,
            "{request}: {body:#}"
        );
        assert!(
            body.get("data").is_none(),
            "a request error has no data: {body:#}"
        );

        let r = post_accepting(&s, Some(GRAPHQL_RESPONSE), request.clone());
        assert_eq!(r.status, 400, "{request}: {}", r.text());
        assert_eq!(media_type(&r), GRAPHQL_RESPONSE);
        let body = r.json();
        assert_eq!(
            body["errors"][0]["extensions"]["code"], code,
            "{request}: {body:#}"
        );
        assert!(
            body.get("data").is_none(),
            "a request error has no data: {body:#}"
        );
    }

    // An executed operation whose resolver fails is a GraphQL response with `data`: 200 either way.
    for accept in [JSON, GRAPHQL_RESPONSE] {
        let r = post_accepting(
            &s,
            Some(accept),
            json!({ "query": PUBLISH_SME, "variables": { "input": common::sme_input() } }),
        );
        assert_eq!(r.status, 200, "{}", r.text());
        let body = r.json();
        assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
        assert!(body.as_object().unwrap().contains_key("data"), "{body:#}");
    }
}

/// `ofType { kind name ofType { ... } }`, `levels` deep.
fn nested_of_type(levels: usize) -> String {
    let mut s = String::from("{ kind name }");
    for _ in 0..levels {
        s = format!("{{ kind name ofType {s} }}");
    }
    s
}

#[test]
fn transport_refusals_are_json_with_a_code() {
    let s = TestServer::start();
    let query = r#"{"query":"{ __typename }"}"#;

    // Content types other than JSON in UTF-8.
    assert_refused(&post(&s, &[], query), 415, "UNSUPPORTED_MEDIA_TYPE");
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/graphql",
        "application/json; charset=iso-8859-1",
    ] {
        let r = post(&s, &[("Content-Type", content_type)], query);
        assert_refused(&r, 415, "UNSUPPORTED_MEDIA_TYPE");
    }
    // UTF-8 said explicitly is fine.
    let r = post(
        &s,
        &[("Content-Type", "application/json; charset=UTF-8")],
        query,
    );
    assert_eq!(r.status, 200, "{}", r.text());

    // Bodies that are not JSON, or not a GraphQL request.
    for body in [
        "",
        r#"{ "not a JSON"#,
        "[{\"query\":\"{ __typename }\"}]",
        "\"{ __typename }\"",
        r#"{"notquery":"{ __typename }"}"#,
        r#"{"query":1}"#,
        r#"{"query":["{ __typename }"]}"#,
        r#"{"query":"{ __typename }","variables":"{}"}"#,
        r#"{"query":"{ __typename }","variables":[1]}"#,
        r#"{"query":"{ __typename }","operationName":false}"#,
        r#"{"query":"{ __typename }","extensions":"x"}"#,
    ] {
        for accept in [JSON, GRAPHQL_RESPONSE] {
            let r = post(&s, &[CONTENT_JSON, ("Accept", accept)], body);
            assert_refused(&r, 400, "BAD_REQUEST");
        }
    }
    let malformed = post(&s, &[CONTENT_JSON], r#"{ "not a JSON"#).json();
    let message = malformed["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("the request body is not valid JSON"),
        "{message}"
    );

    // Null means absent for the optional parameters.
    let r = post(
        &s,
        &[CONTENT_JSON],
        r#"{"query":"{ __typename }","variables":null,"operationName":null,"extensions":null}"#,
    );
    assert_eq!(r.status, 200, "{}", r.text());

    // Subscriptions need the WebSocket.
    let r = post(
        &s,
        &[CONTENT_JSON],
        r#"{"query":"subscription { pipelineEvents { matchId } }"}"#,
    );
    assert_refused(&r, 400, "BAD_REQUEST");

    // Methods /graphql does not serve.
    for method in ["PUT", "DELETE", "PATCH"] {
        let r = raw_http(
            &s.base,
            method,
            "/graphql",
            &[CONTENT_JSON],
            Some(query.as_bytes()),
        );
        assert_refused(&r, 405, "METHOD_NOT_ALLOWED");
        assert_eq!(r.header("allow"), Some("GET, POST"));
    }

    // A body over the limit (2 MiB).
    let huge = format!(
        r#"{{"query":"{{ __typename }}","extensions":{{"pad":"{}"}}}}"#,
        "x".repeat(3 << 20)
    );
    let r = post(&s, &[CONTENT_JSON], &huge);
    assert_refused(&r, 413, "PAYLOAD_TOO_LARGE");
}

#[test]
fn get_runs_queries_refuses_mutations_and_still_upgrades_to_websocket() {
    let s = TestServer::start();
    let r = get(&s, "/graphql?query=%7B%20__typename%20%7D", &[]);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(media_type(&r), JSON);
    assert!(r.json()["data"]["__typename"].is_string());

    // Variables and the operation name travel in the URL too.
    let r = get(
        &s,
        "/graphql?query=query%20Q(%24n%3A%20String!)%20%7B%20__type(name%3A%20%24n)%20%7B%20name%20%7D%20%7D\
         &operationName=Q&variables=%7B%22n%22%3A%22String%22%7D",
        &[("Accept", GRAPHQL_RESPONSE)],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(media_type(&r), GRAPHQL_RESPONSE);
    assert_eq!(r.json()["data"]["__type"]["name"], "String");

    // A mutation over GET is refused before anything runs.
    let r = get(&s, "/graphql?query=mutation%20%7B%20__typename%20%7D", &[]);
    assert_refused(&r, 405, "METHOD_NOT_ALLOWED");
    assert_eq!(r.header("allow"), Some("POST"));

    // No query, or variables that are not JSON.
    assert_refused(&get(&s, "/graphql", &[]), 400, "BAD_REQUEST");
    assert_refused(
        &get(&s, "/graphql?query=%7B__typename%7D&variables=%7Bnope", &[]),
        400,
        "BAD_REQUEST",
    );
    // A parse error over GET follows the same negotiation as over POST.
    let r = get(&s, "/graphql?query=%7B", &[("Accept", GRAPHQL_RESPONSE)]);
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["errors"][0]["extensions"]["code"],
        "GRAPHQL_PARSE_FAILED"
    );

    // GET with `Upgrade: websocket` is the subscription endpoint (graphql-transport-ws).
    let url = format!("{}/graphql", s.base.replace("http://", "ws://"));
    let mut req =
        tungstenite::client::IntoClientRequest::into_client_request(url.as_str()).unwrap();
    req.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut ws, _) = tungstenite::connect(req).expect("WebSocket upgrade");
    ws.send(tungstenite::Message::Text(
        json!({ "type": "connection_init" }).to_string(),
    ))
    .unwrap();
    let ack = loop {
        match ws.read().expect("a message") {
            tungstenite::Message::Text(t) => break serde_json::from_str::<Value>(&t).unwrap(),
            _ => continue,
        }
    };
    assert_eq!(ack["type"], "connection_ack", "{ack}");
}

#[test]
fn a_bad_token_is_a_request_error_without_locations() {
    let s = TestServer::start();
    let query = json!({ "query": "{ __typename }" }).to_string();
    let bad = ("Authorization", "Bearer khkr_forged");

    // Legacy clients (and this project's own) read the body: 200 with the code.
    let r = post(&s, &[CONTENT_JSON, bad], &query);
    assert_eq!(r.status, 200, "{}", r.text());
    let body = r.json();
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["code"], "UNAUTHENTICATED", "{body:#}");
    assert!(error.get("locations").is_none(), "no locations: {body:#}");
    assert!(body.get("data").is_none(), "nothing was executed: {body:#}");

    // A client that understands status codes gets 401 and the scheme to use.
    let r = post(
        &s,
        &[CONTENT_JSON, bad, ("Accept", GRAPHQL_RESPONSE)],
        &query,
    );
    assert_eq!(r.status, 401, "{}", r.text());
    assert_eq!(media_type(&r), GRAPHQL_RESPONSE);
    assert!(r.header("www-authenticate").unwrap().starts_with("Bearer"));
    let body = r.json();
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    assert!(body["errors"][0].get("locations").is_none());

    // A good token still works.
    let good = format!("Bearer {}", s.sme_token);
    let r = post(
        &s,
        &[
            CONTENT_JSON,
            ("Authorization", &good),
            ("Accept", GRAPHQL_RESPONSE),
        ],
        &json!({ "query": "{ me { role } }" }).to_string(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["data"]["me"]["role"], "SME");
}

/// graphql-http audit items that may fail, each with the reason it is acceptable. Empty: every
/// MUST and SHOULD item passes. Add an item only with a comment saying why the spec's advice
/// does not fit this API.
const ALLOWED_SHOULD_FAILURES: &[&str] = &[];

/// Runs the `graphql-http` server audit (scripts/graphql-http-audit) against a real server.
#[test]
fn graphql_http_audit_passes() {
    let has = |tool: &str| {
        Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !has("node") || !has("npm") {
        eprintln!(
            "SKIPPED: graphql_http_audit_passes (node and npm are not installed; \
             the GraphQL-over-HTTP audit did not run)"
        );
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/graphql-http-audit");
    if !dir.join("node_modules/graphql-http").is_dir() {
        // The lock file pins versions and integrity; the cache is used when it has them.
        let out = Command::new("npm")
            .args(["ci", "--prefer-offline", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .output()
            .expect("run npm ci");
        assert!(
            out.status.success(),
            "npm ci in {}: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let s = TestServer::start();
    let out = Command::new("node")
        .arg("audit.mjs")
        .arg(format!("{}/graphql", s.base))
        .current_dir(&dir)
        .output()
        .expect("run the audit");
    let report = String::from_utf8_lossy(&out.stdout).to_string();
    eprintln!("{report}");
    assert!(
        out.status.success(),
        "the audit did not run: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let must_ok = report
        .lines()
        .filter(|l| l.starts_with("OK ") && l.contains(" MUST "))
        .count();
    assert!(must_ok >= 10, "the audit ran too few MUST items:\n{report}");
    let mut failures = Vec::new();
    for line in report.lines() {
        let mut words = line.split(' ');
        let (Some(result), Some(id)) = (words.next(), words.next()) else {
            continue;
        };
        match result {
            "ERROR" => failures.push(line),
            "WARN" if !ALLOWED_SHOULD_FAILURES.contains(&id) => failures.push(line),
            _ => {}
        }
    }
    assert!(
        failures.is_empty(),
        "graphql-http audit failures:\n{}",
        failures.join("\n")
    );
}

/// A response's fields come in the order the query selects them (the spec's field
/// collection): async-graphql resolves root fields concurrently and wrote each as it finished,
/// so aliased searches came back shuffled (QA).
#[test]
fn fields_come_back_in_query_order() {
    let s = TestServer::start();
    // Five: an operation runs at most five searches (`--max-searches`).
    let words = ["rice", "coffee", "cashew", "silk", "pepper"];
    let query: String = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            format!("a{i}: searchSmes(query: \"{w}\") {{ pageInfo {{ hasNextPage }} totalCount }} ")
        })
        .collect();
    let query = format!("{{ {query} p: provinces {{ nationalCode code }} ...F }} fragment F on Query {{ b: digitalQuestionnaire {{ __typename }} }}");
    for _ in 0..5 {
        let r = post_accepting(&s, Some(JSON), json!({ "query": query }));
        assert_eq!(r.status, 200);
        let body = r.text();
        let keys: Vec<String> = (0..words.len())
            .map(|i| format!("\"a{i}\":"))
            .chain(["\"p\":".to_string(), "\"b\":".to_string()])
            .collect();
        let at: Vec<usize> = keys
            .iter()
            .map(|k| {
                body.find(k.as_str())
                    .unwrap_or_else(|| panic!("{k} in {body}"))
            })
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{body}");
        // Inside an object too: pageInfo before totalCount, nationalCode before code.
        assert!(
            body.find("\"pageInfo\"") < body.find("\"totalCount\""),
            "{body}"
        );
        assert!(
            body.find("\"nationalCode\"") < body.find("\"code\""),
            "{body}"
        );
    }
}

/// A root field whose resolver fails is `null` beside the fields that answered (nullable), or
/// makes `data` null (non-null), as the spec's error handling has it (QA round 2: the failed
/// field was left out of `data`).
#[test]
fn a_failed_root_field_is_null_in_data() {
    let s = TestServer::start();
    let body = s.gql(
        "{ c: investor(id: \"not-a-uuid\") { id } b: __typename }",
        json!({}),
    );
    assert_eq!(body["data"], json!({ "c": null, "b": "Query" }), "{body:#}");
    assert_eq!(body["errors"][0]["path"], json!(["c"]), "{body:#}");
    // searchSmes is non-null: its failure nulls the whole of data.
    let body = s.gql(
        "{ b: __typename s: searchSmes(first: 1000) { totalCount } }",
        json!({}),
    );
    assert_eq!(body["data"], Value::Null, "{body:#}");
    assert!(body["errors"].is_array());
}

/// Every root field skipped: `data` is an empty object, as the spec has it (QA: the engine
/// answered `data: null` with no error).
#[test]
fn every_field_skipped_is_an_empty_object() {
    let s = TestServer::start();
    for query in [
        "{ __typename @skip(if: true) }",
        "{ provinces @include(if: false) { code } }",
    ] {
        let body = s.gql(query, json!({}));
        assert_eq!(body, json!({ "data": {} }), "{query}: {body:#}");
    }
}
