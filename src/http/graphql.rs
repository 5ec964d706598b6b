//! GraphQL over HTTP, following the GraphQL-over-HTTP specification (the `graphql-http` audit
//! suite is the referee; `tests/http.rs` runs it).
//!
//! Content negotiation, by the request's `Accept`:
//!
//! | `Accept`                                   | answer                                          |
//! |--------------------------------------------|-------------------------------------------------|
//! | absent, `*/*`, `application/*`, `application/json` | `application/json`; every GraphQL response is 200 (the spec's legacy rule), a request error has no `data` key |
//! | prefers `application/graphql-response+json` | that type; a request that fails before execution (parse, validation, variable coercion, bad token) is 4xx with no `data` key; an executed one is 200 |
//! | allows neither                             | 406                                             |
//!
//! Refusals by the transport itself are JSON bodies with `errors[0].extensions.code`, whatever
//! the negotiated type: 400 `BAD_REQUEST` (malformed JSON, a body that is not a GraphQL request,
//! a subscription over HTTP), 405 `METHOD_NOT_ALLOWED` (a mutation over GET, `Allow: POST`),
//! 406 `NOT_ACCEPTABLE`, 413 `PAYLOAD_TOO_LARGE`, 415 `UNSUPPORTED_MEDIA_TYPE`.
//!
//! A bad bearer token is a request error with code `UNAUTHENTICATED` and no `locations`:
//! 200 under `application/json` (legacy clients read the body, and the existing clients of this
//! API do), 401 with `WWW-Authenticate: Bearer` under `application/graphql-response+json`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::parser::types::{OperationDefinition, OperationType};
use axum::body::{Body, Bytes};
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{json, Map, Value};

use super::HttpState;
use crate::api::engine::{self, ExecutionStarted};
use crate::api::errors::{classify_engine_errors, ApiError};
use crate::service::accounts::viewer_for;

/// Where GraphQL is served (POST and GET; GET with `Upgrade: websocket` for subscriptions).
pub const GRAPHQL_PATH: &str = "/graphql";

const JSON: &str = "application/json; charset=utf-8";
const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json; charset=utf-8";

/// The media type a response is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Media {
    /// `application/json`: the legacy type, every GraphQL response answered 200.
    Json,
    /// `application/graphql-response+json`: status codes tell request errors apart.
    GraphqlResponse,
}

impl Media {
    fn content_type(self) -> &'static str {
        match self {
            Media::Json => JSON,
            Media::GraphqlResponse => GRAPHQL_RESPONSE_JSON,
        }
    }
}

/// Picks the response type from an `Accept` header value (`None`: the header is absent).
///
/// Each candidate gets the quality of the most specific range that matches it (RFC 9110
/// §12.5.1). The higher quality wins; on a tie `application/graphql-response+json` wins only
/// when the client named it, so `*/*` and `application/*` keep the legacy `application/json`.
pub fn negotiate(accept: Option<&str>) -> Option<Media> {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Some(Media::Json);
    };
    // (specificity, quality) of the best-matching range for each candidate.
    let mut json: Option<(u8, f32)> = None;
    let mut graphql: Option<(u8, f32)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let essence = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let mut quality = 1.0_f32;
        for param in parts {
            if let Some((name, value)) = param.split_once('=') {
                if name.trim().eq_ignore_ascii_case("q") {
                    // An unreadable weight is taken as "not acceptable" rather than guessed.
                    quality = value.trim().parse().unwrap_or(0.0);
                }
            }
        }
        let specificity = |candidate: &str| -> Option<u8> {
            match essence.as_str() {
                "*/*" => Some(0),
                "application/*" => Some(1),
                e if e == candidate => Some(2),
                _ => None,
            }
        };
        for (candidate, best) in [
            ("application/json", &mut json),
            ("application/graphql-response+json", &mut graphql),
        ] {
            if let Some(s) = specificity(candidate) {
                if best.is_none_or(|(bs, _)| s > bs) {
                    *best = Some((s, quality));
                }
            }
        }
    }
    let q = |best: Option<(u8, f32)>| best.map_or(0.0, |(_, q)| q);
    let (qj, qg) = (q(json), q(graphql));
    if qj <= 0.0 && qg <= 0.0 {
        return None;
    }
    let graphql_named = graphql.is_some_and(|(s, _)| s == 2);
    if qg > qj || (qg == qj && graphql_named) {
        Some(Media::GraphqlResponse)
    } else {
        Some(Media::Json)
    }
}

/// A refusal by the transport itself, answered as a JSON body in the shape of a GraphQL
/// response (`errors[0].extensions.code`), whatever type was negotiated.
#[derive(Debug)]
pub struct Refusal {
    status: StatusCode,
    code: &'static str,
    message: String,
    /// The methods to name in `Allow` (405 only).
    allow: Option<&'static str>,
}

impl Refusal {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Refusal {
            status,
            code,
            message: message.into(),
            allow: None,
        }
    }

    fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
    }

    fn method_not_allowed(allow: &'static str, message: impl Into<String>) -> Self {
        Refusal {
            allow: Some(allow),
            ..Self::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "METHOD_NOT_ALLOWED",
                message,
            )
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let body = json!({
            "errors": [{ "message": self.message, "extensions": { "code": self.code } }]
        });
        let mut response = (
            self.status,
            [(header::CONTENT_TYPE, HeaderValue::from_static(JSON))],
            body.to_string(),
        )
            .into_response();
        if let Some(allow) = self.allow {
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(allow));
        }
        response
    }
}

/// Refusal of a method `/graphql` does not serve.
pub async fn method_not_allowed(method: Method) -> Refusal {
    Refusal::method_not_allowed(
        "GET, POST",
        format!("{method} is not served at {GRAPHQL_PATH}: use POST, or GET for queries"),
    )
}

/// `GET /graphql?query=...`: queries only (a GET must not change anything).
pub(super) async fn get(state: HttpState, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    // A browser opening the address (QA: an analyst met `{"errors":[… no `query`]}`): the
    // explorer is where a person reads the API.
    let browser = parts
        .headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    let asks = Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
        .is_ok_and(|Query(params)| params.iter().any(|(name, _)| name == "query"));
    if browser && !asks {
        return (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, super::graphiql::GRAPHIQL_PATH)],
        )
            .into_response();
    }
    let prepared = (|| {
        let media = accepted(&parts.headers)?;
        let Query(params) =
            Query::<Vec<(String, String)>>::try_from_uri(&parts.uri).map_err(|e| {
                Refusal::bad_request(format!("the query string is not URL-encoded: {e}"))
            })?;
        let mut fields = Map::new();
        for (name, value) in params {
            let value = match name.as_str() {
                "query" | "operationName" => Value::String(value),
                // Objects travel in the URL as JSON text.
                "variables" | "extensions" => serde_json::from_str(&value).map_err(|e| {
                    Refusal::bad_request(format!("the `{name}` parameter is not JSON: {e}"))
                })?,
                _ => continue,
            };
            fields.insert(name, value);
        }
        Ok::<_, Refusal>((media, graphql_request(Value::Object(fields))?))
    })();
    match prepared {
        Ok((media, request)) => execute(state, &parts, media, request, Transport::Get).await,
        Err(refusal) => refusal.into_response(),
    }
}

/// `POST /graphql` with an `application/json` body.
pub(super) async fn post(State(state): State<HttpState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let prepared = async {
        let media = accepted(&parts.headers)?;
        json_content_type(&parts.headers)?;
        let limits = &state.app.limits;
        let bytes = read_body(body, limits.max_body_bytes, limits.body_read_timeout).await?;
        let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
            Refusal::bad_request(format!("the request body is not valid JSON: {e}"))
        })?;
        Ok::<_, Refusal>((media, graphql_request(value)?))
    };
    match prepared.await {
        Ok((media, request)) => execute(state, &parts, media, request, Transport::Post).await,
        Err(refusal) => refusal.into_response(),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Transport {
    Get,
    Post,
}

fn accepted(headers: &HeaderMap) -> Result<Media, Refusal> {
    let accept = match headers.get(header::ACCEPT).map(HeaderValue::to_str) {
        None => None,
        Some(Ok(a)) => Some(a),
        Some(Err(_)) => return Err(Refusal::bad_request("the Accept header is not ASCII")),
    };
    negotiate(accept).ok_or_else(|| {
        Refusal::new(
            StatusCode::NOT_ACCEPTABLE,
            "NOT_ACCEPTABLE",
            "GraphQL responses are application/graphql-response+json or application/json; \
             the Accept header allows neither",
        )
    })
}

/// Only `application/json` in UTF-8 (the default when no charset is given) is read.
fn json_content_type(headers: &HeaderMap) -> Result<(), Refusal> {
    let unsupported = |what: String| {
        Refusal::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            format!("{what}: send the GraphQL request as application/json"),
        )
    };
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Err(unsupported("the request has no Content-Type".into()));
    };
    let value = value.to_str().unwrap_or("");
    let mut parts = value.split(';');
    let essence = parts.next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return Err(unsupported(format!(
            "Content-Type {value:?} is not supported"
        )));
    }
    for param in parts {
        if let Some((name, charset)) = param.split_once('=') {
            let charset = charset.trim().trim_matches('"');
            if name.trim().eq_ignore_ascii_case("charset") && !charset.eq_ignore_ascii_case("utf-8")
            {
                return Err(unsupported(format!("charset {charset:?} is not supported")));
            }
        }
    }
    Ok(())
}

/// Reads the body, at most `max_bytes` (413 past it) within `timeout` (408 past it: a client
/// trickling its body must not hold a connection and a worker indefinitely).
/// Reads a whole request body within `timeout` and `max_bytes` (408 and 413 otherwise). Every
/// route's body is read through it (see `limits::body_limit`).
pub(crate) async fn read_body(
    body: Body,
    max_bytes: usize,
    timeout: Duration,
) -> Result<Bytes, Refusal> {
    match tokio::time::timeout(timeout, axum::body::to_bytes(body, max_bytes)).await {
        Err(_) => Err(Refusal::new(
            StatusCode::REQUEST_TIMEOUT,
            "REQUEST_TIMEOUT",
            format!("the request body did not arrive within {timeout:?}"),
        )),
        // An oversized body, or one the connection could not read: a malformed chunk, or cut
        // off. The latter is the client's malformed request, 400 (attacker QA: a bad chunk
        // size was answered 413, "over 2097152 bytes"); a client that went away reads nothing.
        Ok(Err(e)) if unreadable(&e) => Err(Refusal::new(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "the request body could not be read: it is malformed (a bad chunk) or was cut off"
                .to_string(),
        )),
        Ok(Err(_)) => Err(Refusal::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            format!("the request body is over {max_bytes} bytes"),
        )),
        Ok(Ok(bytes)) => Ok(bytes),
    }
}

/// Whether reading a body failed in the connection (hyper's error, somewhere in the chain),
/// not at the size limit.
fn unreadable(e: &axum::Error) -> bool {
    let mut at: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = at {
        if err.is::<hyper::Error>() {
            return true;
        }
        at = err.source();
    }
    false
}

/// Checks the shape of a GraphQL request (`query` a string; `operationName` a string or null;
/// `variables` and `extensions` objects or null) and builds it.
fn graphql_request(value: Value) -> Result<async_graphql::Request, Refusal> {
    let Value::Object(mut fields) = value else {
        return Err(Refusal::bad_request(
            "the request must be one JSON object with a `query` string (batches are not served)",
        ));
    };
    // Null means absent for every optional parameter.
    fields.retain(|_, v| !v.is_null());
    match fields.get("query") {
        Some(Value::String(_)) => {}
        Some(_) => {
            return Err(Refusal::bad_request(
                "`query` must be a string holding a GraphQL document",
            ))
        }
        None => return Err(Refusal::bad_request("the request has no `query`")),
    }
    if fields.get("operationName").is_some_and(|v| !v.is_string()) {
        return Err(Refusal::bad_request("`operationName` must be a string"));
    }
    for name in ["variables", "extensions"] {
        if fields.get(name).is_some_and(|v| !v.is_object()) {
            return Err(Refusal::bad_request(format!("`{name}` must be an object")));
        }
    }
    serde_json::from_value(Value::Object(fields))
        .map_err(|e| Refusal::bad_request(format!("the request is not a GraphQL request: {e}")))
}

async fn execute(
    state: HttpState,
    parts: &axum::http::request::Parts,
    media: Media,
    mut request: async_graphql::Request,
    transport: Transport,
) -> Response {
    // The operation's kind decides what the transport allows. A document that does not parse
    // or names an unknown operation is left to the engine, which reports it in GraphQL terms.
    let operation_name = request.operation_name.clone();
    // Held apart while the parsed document borrows the request.
    let variables = std::mem::take(&mut request.variables);
    let headers = &parts.headers;
    let extensions = &parts.extensions;
    // The root field of a mutation (`None` for queries), for the write rate limit.
    let mut write_root: Option<String> = None;
    // `kind:rootField` for the metrics (bounded by the schema, unlike operation names).
    let mut label = String::from("unparsed");
    let started_at = std::time::Instant::now();
    // Before any parse: parsing takes microseconds per byte on a worker thread, so a document
    // of megabytes (within the body limit, for the variables' sake) stalled every client.
    if let Some(error) =
        engine::document_too_large(&request.query, state.app.limits.max_document_bytes)
    {
        state
            .metrics
            .observe(&label, "QUERY_TOO_LARGE", started_at.elapsed());
        let mut answer = write(
            media,
            async_graphql::Response::from_errors(vec![error]),
            false,
        );
        if media == Media::GraphqlResponse {
            *answer.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
        }
        answer.extensions_mut().insert(super::limits::Refused);
        return answer;
    }
    if let Ok(document) = request.parsed_query() {
        let operation =
            crate::api::engine::chosen_operation(&document.operations, operation_name.as_deref());
        if let Some(op) = operation {
            // Only a root field the schema has names a series: any other name is one label,
            // so junk queries cannot crowd real operations out of the bounded series.
            let root = root_field(&op.node);
            let known = state.root_fields.contains(&root) || root == "__typename";
            let root = if known { root.as_str() } else { "unknown" };
            label = format!("{}:{root}", op.node.ty);
        }
        if let Some(op) = operation.filter(|op| op.node.ty == OperationType::Mutation) {
            // One root field per mutation is enforced by the engine; a fragment at the root
            // counts as a write of unknown name.
            write_root = Some(root_field(&op.node));
        }
        match operation.map(|op| op.node.ty) {
            Some(OperationType::Mutation) if transport == Transport::Get => {
                return Refusal::method_not_allowed(
                    "POST",
                    "mutations are sent with POST; GET only runs queries",
                )
                .into_response();
            }
            Some(OperationType::Subscription) => {
                return Refusal::bad_request(format!(
                    "subscriptions are served over WebSocket (graphql-transport-ws) at \
                     {GRAPHQL_PATH}, not over plain HTTP"
                ))
                .into_response();
            }
            _ => {}
        }
        // Variable coercion is a request error, but async-graphql only notices a missing
        // required variable when a resolver reads it (then `data` is null and the status 200).
        if let Some(op) = operation {
            if let Some(error) = missing_variable(&op.node, &variables) {
                return write(
                    media,
                    async_graphql::Response::from_errors(vec![error]),
                    false,
                );
            }
        }
    }

    request.variables = variables;

    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let viewer = match viewer_for(&state.app, authorization).await {
        Ok(v) => v,
        // A bad token is refused outright rather than silently treated as anonymous.
        Err(e) => {
            let error = async_graphql::ErrorExtensions::extend(&e);
            // No position: the error is about the request, not a place in the document.
            let mut server_error = async_graphql::ServerError::new(error.message, None);
            server_error.extensions = error.extensions;
            let response = async_graphql::Response::from_errors(vec![server_error]);
            let mut answer = write(media, response, false);
            if media == Media::GraphqlResponse {
                if matches!(e, ApiError::Unauthenticated(_)) {
                    *answer.status_mut() = StatusCode::UNAUTHORIZED;
                    answer.headers_mut().insert(
                        header::WWW_AUTHENTICATE,
                        HeaderValue::from_static("Bearer error=\"invalid_token\""),
                    );
                } else {
                    // The token could not be checked (the store failed): not the client's fault.
                    *answer.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
                }
            }
            return answer;
        }
    };
    let mut viewer = viewer;
    viewer.client = super::limits::peer(extensions).map(|a| a.ip());
    if let Some(mut refused) = throttle_writes(&state, media, &viewer, write_root.as_deref()).await
    {
        state
            .metrics
            .observe(&label, "RATE_LIMITED", started_at.elapsed());
        refused.extensions_mut().insert(super::limits::Refused);
        return refused;
    }
    let started = ExecutionStarted::default();
    // One index snapshot per operation, so two searches in one request see the same data.
    let request = request
        .data(Arc::new(viewer))
        .data(state.app.search.searcher())
        .data(started.clone());
    // The deadline drops the execution future, which cancels every resolver awaiting inside it
    // (store queries, index waits) and raises the cancellation flag of rankings already running
    // on a blocking thread (`service::queue`), which stop at their next look at it. A client
    // that disconnects has the same effect: hyper drops the request's future.
    let limits = &state.app.limits;
    let mut response =
        match tokio::time::timeout(limits.request_timeout, state.schema.execute(request)).await {
            Ok(response) => response,
            Err(_) => {
                tracing::warn!(timeout = ?limits.request_timeout, "GraphQL request timed out");
                coded_response(
                    "TIMEOUT",
                    format!(
                        "the request ran longer than {:?} and was cancelled",
                        limits.request_timeout
                    ),
                )
            }
        };
    classify_engine_errors(&mut response);
    let code = first_error_extension(&response, "code").unwrap_or_else(|| "OK".into());
    state.metrics.observe(&label, &code, started_at.elapsed());
    // A full queue of expensive work is the server's state, not the client's doing.
    let saturated = first_error_extension(&response, "reason").as_deref() == Some("SERVER_BUSY");
    let executed = started.get();
    let rate_limited = rate_limited_for(&response);
    let mut answer = write_capped(media, response, executed, limits.max_response_bytes);
    // A document that does not parse counts for the hold as one too costly does: each cost
    // its parse (the dearest step for a long document), and a loop of them is no client's
    // honest traffic. A validation failure (an unknown field, a typo) does not: it is what a
    // client under development sends, and it is cheap once parsed.
    let refused_outright = matches!(code.as_str(), "QUERY_TOO_COMPLEX" | "GRAPHQL_PARSE_FAILED");
    if refused_outright || (code == "RATE_LIMITED" && !saturated) {
        answer.extensions_mut().insert(super::limits::Refused);
    }
    if let Some(secs) = rate_limited {
        answer
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        // Nothing was done (`data` is null): the whole request was refused, say so in HTTP too.
        if answer.status() == StatusCode::OK && !executed_with_data(&answer) {
            *answer.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        }
    }
    answer
}

/// A string extension (`code`, `reason`) of the response's first error.
fn first_error_extension(response: &async_graphql::Response, key: &str) -> Option<String> {
    match response.errors.first()?.extensions.as_ref()?.get(key) {
        Some(async_graphql::Value::String(s)) => Some(s.clone()),
        _ => None,
    }
}

/// The name of the root field that does an operation's work: the first that is not a meta
/// field, since `__typename` costs nothing and a mutation may carry it beside its one write
/// (`mutation { __typename publishSme(…) }` must still take from the write bucket and be
/// counted as `publishSme`); "fragment" when a fragment comes first (its fields are not
/// looked into here, so a mutation's counts as a write of unknown name); the meta field when
/// there is nothing else.
pub(crate) fn root_field(op: &OperationDefinition) -> String {
    let mut meta = None;
    for item in &op.selection_set.node.items {
        match &item.node {
            async_graphql::parser::types::Selection::Field(f) => {
                let name = f.node.name.node.as_str();
                if !name.starts_with("__") {
                    return name.to_string();
                }
                meta.get_or_insert(name);
            }
            _ => return "fragment".into(),
        }
    }
    meta.unwrap_or("fragment").to_string()
}

/// The write rate limit for a mutation with root field `root`, on whichever transport: per
/// account, or per address when signed out (logIn and signUp have limits of their own, in
/// `service::accounts`). A counter the database cannot read lets the write through: the
/// mutation needs the database too and will say so, and a refusal here would blame the client.
pub(crate) async fn write_allowed(
    app: &crate::app::App,
    viewer: &crate::service::Viewer,
    root: &str,
) -> Result<(), ApiError> {
    if matches!(root, "logIn" | "signUp" | "__typename") {
        return Ok(());
    }
    let key = match (viewer.user_id(), viewer.client) {
        (Some(id), _) => format!("write-account:{id}"),
        (None, Some(ip)) => format!("write-ip:{ip}"),
        (None, None) => return Ok(()),
    };
    match app.throttle.write(&key).await {
        Err(e @ ApiError::RateLimited { .. }) => Err(e),
        Err(e) => {
            tracing::warn!(error = %e, "write rate limit not checked");
            Ok(())
        }
        Ok(()) => Ok(()),
    }
}

/// Takes a write from the caller's bucket (per account, else per address) for a mutation other
/// than logIn/signUp (those have their own limits in the service); the refusal when empty.
async fn throttle_writes(
    state: &HttpState,
    media: Media,
    viewer: &crate::service::Viewer,
    write_root: Option<&str>,
) -> Option<Response> {
    let error = write_allowed(&state.app, viewer, write_root?).await.err()?;
    let retry = match &error {
        ApiError::RateLimited {
            retry_after_secs, ..
        } => *retry_after_secs,
        _ => 1,
    };
    let error = async_graphql::ErrorExtensions::extend(&error);
    let mut server_error = async_graphql::ServerError::new(error.message, None);
    server_error.extensions = error.extensions;
    let mut answer = write(
        media,
        async_graphql::Response::from_errors(vec![server_error]),
        false,
    );
    *answer.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    answer
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry));
    Some(answer)
}

/// A response with one error of `code` and `data: null`.
pub(crate) fn coded_response(code: &str, message: String) -> async_graphql::Response {
    let mut error = async_graphql::ServerError::new(message, None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
    async_graphql::Response::from_errors(vec![error])
}

/// The longest `retryAfter` of the response's RATE_LIMITED errors, if any.
fn rate_limited_for(response: &async_graphql::Response) -> Option<u64> {
    response
        .errors
        .iter()
        .filter_map(|e| e.extensions.as_ref())
        .filter(|ext| {
            matches!(ext.get("code"), Some(async_graphql::Value::String(c)) if c == "RATE_LIMITED")
        })
        .filter_map(|ext| match ext.get("retryAfter") {
            Some(async_graphql::Value::Number(n)) => n.as_u64(),
            _ => Some(1),
        })
        .max()
}

/// Whether the written answer carries data (set by [`write_capped`] in an extension header).
fn executed_with_data(answer: &Response) -> bool {
    answer.extensions().get::<HasData>().is_some_and(|d| d.0)
}

/// Marks a written GraphQL response whose `data` is not null.
#[derive(Clone, Copy)]
struct HasData(bool);

/// [`write`], with the body bounded: an answer over `max_bytes` is replaced by an error with code
/// RESPONSE_TOO_LARGE (ask for fewer items or fields).
fn write_capped(
    media: Media,
    response: async_graphql::Response,
    executed: bool,
    max_bytes: usize,
) -> Response {
    let has_data = executed && response.data != async_graphql::Value::Null;
    let mut answer = write(media, response, executed);
    let too_large = axum::body::HttpBody::size_hint(answer.body())
        .exact()
        .is_some_and(|n| n > max_bytes as u64);
    if too_large {
        let refusal = coded_response(
            "RESPONSE_TOO_LARGE",
            format!(
                "the response is over {max_bytes} bytes: ask for fewer items (`first`) or fewer fields"
            ),
        );
        answer = write(media, refusal, executed);
        answer.extensions_mut().insert(HasData(false));
        return answer;
    }
    answer.extensions_mut().insert(HasData(has_data));
    answer
}

/// The first variable of a non-null type that is absent (with no default) or null.
fn missing_variable(
    operation: &OperationDefinition,
    variables: &async_graphql::Variables,
) -> Option<async_graphql::ServerError> {
    operation
        .variable_definitions
        .iter()
        .find_map(|definition| {
            let ty = &definition.node.var_type.node;
            if ty.nullable {
                return None;
            }
            let name = &definition.node.name.node;
            let message = match variables.get(name) {
                Some(async_graphql::Value::Null) => {
                    format!("Variable \"${name}\" of non-null type \"{ty}\" must not be null.")
                }
                None if definition.node.default_value.is_none() => {
                    format!("Variable \"${name}\" of required type \"{ty}\" was not provided.")
                }
                _ => return None,
            };
            let mut error = async_graphql::ServerError::new(message, Some(definition.pos));
            error
                .extensions
                .get_or_insert_with(Default::default)
                .set("code", "BAD_USER_INPUT");
            Some(error)
        })
}

/// The wire shape of a GraphQL response. Serialised straight from async-graphql's values, so
/// `data` keeps the order of the query's selections. `errors` comes first, as the GraphQL spec
/// suggests, and `data` is left out entirely for a request error.
#[derive(Serialize)]
struct WireResponse<'a> {
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [async_graphql::ServerError],
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a async_graphql::Value>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    extensions: &'a BTreeMap<String, async_graphql::Value>,
}

/// Writes a GraphQL response. `executed`: whether execution began; a request error (not
/// executed) has no `data` entry and, under `application/graphql-response+json`, status 400.
fn write(media: Media, response: async_graphql::Response, executed: bool) -> Response {
    let body = WireResponse {
        errors: &response.errors,
        data: executed.then_some(&response.data),
        extensions: &response.extensions,
    };
    let body = match serde_json::to_string(&body) {
        Ok(text) => text,
        Err(e) => {
            tracing::error!(error = %e, "GraphQL response not serialisable");
            return Refusal::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL_SERVER_ERROR",
                "the response could not be written",
            )
            .into_response();
        }
    };
    let status = if executed || media == Media::Json {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let mut answer = (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(media.content_type()),
        )],
        body,
    )
        .into_response();
    // Headers the resolvers set, and the schema's cache hints (as async-graphql-axum does).
    answer.headers_mut().extend(response.http_headers);
    if let Some(cache) = response.cache_control.value() {
        if let Ok(value) = HeaderValue::from_str(&cache) {
            answer.headers_mut().insert(header::CACHE_CONTROL, value);
        }
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_negotiation() {
        use Media::*;
        for (accept, want) in [
            (None, Some(Json)),
            (Some(""), Some(Json)),
            (Some("*/*"), Some(Json)),
            (Some("application/*"), Some(Json)),
            (Some("application/json"), Some(Json)),
            (Some("Application/JSON; charset=utf-8"), Some(Json)),
            (
                Some("application/graphql-response+json"),
                Some(GraphqlResponse),
            ),
            (
                Some("application/graphql-response+json, application/json"),
                Some(GraphqlResponse),
            ),
            (
                Some("application/json, application/graphql-response+json"),
                Some(GraphqlResponse),
            ),
            (
                Some("application/graphql-response+json;q=0.5, application/json"),
                Some(Json),
            ),
            (
                Some("application/json;q=0.9, application/graphql-response+json"),
                Some(GraphqlResponse),
            ),
            (
                Some("text/html,application/xhtml+xml,*/*;q=0.8"),
                Some(Json),
            ),
            (Some("application/json, multipart/mixed"), Some(Json)),
            (Some("text/html"), None),
            (Some("application/json;q=0"), None),
            (
                Some("*/*;q=0.5, application/json;q=0"),
                Some(GraphqlResponse),
            ),
            (Some("application/xml"), None),
        ] {
            assert_eq!(negotiate(accept), want, "Accept: {accept:?}");
        }
    }
}
