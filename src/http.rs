//! The HTTP surface: GraphQL at `/graphql` (POST, GET for queries, GET with `Upgrade:
//! websocket` for subscriptions), GraphiQL at `/graphiql`, the web app at `/` and `/{lang}/…`
//! (see `crate::web`), `/healthz`.
//!
//! `graphql` speaks GraphQL over HTTP (content negotiation, status codes, refusals as JSON);
//! `graphiql` serves the explorer and its embedded assets.

pub mod graphiql;
pub mod graphql;
pub mod limits;
pub mod metrics;

use std::sync::Arc;

use axum::extract::{Request, State, WebSocketUpgrade};
use axum::handler::Handler;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::api::ApiSchema;
use crate::app::App;

#[derive(Clone)]
struct HttpState {
    app: Arc<App>,
    schema: ApiSchema,
    /// Request counters for `/metrics`.
    metrics: Arc<metrics::Metrics>,
    /// The in-flight bound (its used permits are the requests running now).
    in_flight: limits::InFlight,
    /// The schema's root fields, the only names a metrics label takes.
    root_fields: Arc<std::collections::HashSet<String>>,
}

/// The root fields of the schema's Query, Mutation and Subscription types.
fn root_fields(schema: &ApiSchema) -> std::collections::HashSet<String> {
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
    let Ok(document) = async_graphql::parser::parse_schema(schema.sdl()) else {
        return Default::default();
    };
    document
        .definitions
        .iter()
        .filter_map(|definition| match definition {
            TypeSystemDefinition::Type(t)
                if matches!(
                    t.node.name.node.as_str(),
                    "Query" | "Mutation" | "Subscription"
                ) =>
            {
                match &t.node.kind {
                    TypeKind::Object(object) => Some(&object.fields),
                    _ => None,
                }
            }
            _ => None,
        })
        .flatten()
        .map(|field| field.node.name.node.to_string())
        .collect()
}

pub fn router(app: Arc<App>, schema: ApiSchema) -> Router {
    let in_flight = limits::InFlight::new(
        app.limits.max_in_flight,
        app.limits.max_in_flight_per_client,
        app.limits.refusals_before_hold,
    );
    let body_limit = limits::BodyLimit {
        max_bytes: app.limits.max_body_bytes,
        read_timeout: app.limits.body_read_timeout,
    };
    let cors = limits::Cors(Arc::new(
        app.limits
            .cors_origins
            .iter()
            .map(|o| o.trim().trim_end_matches('/').to_string())
            .filter(|o| !o.is_empty())
            .collect(),
    ));
    routes(app, schema, in_flight.clone())
        // Outermost first: refuse an oversized body before taking a slot.
        .layer(axum::extract::DefaultBodyLimit::max(body_limit.max_bytes))
        .layer(axum::middleware::from_fn_with_state(
            in_flight,
            limits::in_flight,
        ))
        .layer(axum::middleware::from_fn_with_state(
            body_limit,
            limits::body_limit,
        ))
        .layer(axum::middleware::from_fn_with_state(cors, limits::cors))
}

fn routes(app: Arc<App>, schema: ApiSchema, in_flight: limits::InFlight) -> Router {
    Router::new()
        .merge(graphiql::routes())
        .merge(crate::web::routes(app.clone()))
        .route(
            graphql::GRAPHQL_PATH,
            get(graphql_get)
                .post(graphql::post)
                .fallback(graphql::method_not_allowed),
        )
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .with_state(HttpState {
            root_fields: Arc::new(root_fields(&schema)),
            app,
            schema,
            metrics: Default::default(),
            in_flight,
        })
}

/// GET serves two protocols: a WebSocket upgrade (subscriptions) or a query in the URL.
async fn graphql_get(State(state): State<HttpState>, request: Request) -> Response {
    if wants_websocket(request.headers()) {
        return graphql_ws.call(request, state).await;
    }
    graphql::get(state, request).await
}

fn wants_websocket(headers: &HeaderMap) -> bool {
    headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// GraphQL over WebSocket (graphql-transport-ws; see `crate::ws`). The bearer token travels in
/// the connection_init payload as `{"Authorization": "Bearer <token>"}`, since browsers cannot
/// set headers there.
async fn graphql_ws(
    State(state): State<HttpState>,
    extensions: axum::http::Extensions,
    upgrade: WebSocketUpgrade,
) -> impl IntoResponse {
    // The peer's address, for the per-address limits (log-in failures, sign-ups, writes), as
    // on the HTTP path.
    let client = limits::peer(&extensions).map(|a| a.ip());
    crate::ws::upgrade(upgrade, state.app, state.schema, client, state.in_flight)
}

/// 200 when the database answers, 503 otherwise (for load balancers and orchestrators).
async fn healthz(State(state): State<HttpState>) -> impl IntoResponse {
    match state.app.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// Readiness, distinct from liveness: 200 only when the database answers, the search index has
/// applied every change in the outbox, and the server is not shutting down; 503 with the
/// reason otherwise (a load balancer then sends traffic elsewhere without restarting us).
async fn readyz(State(state): State<HttpState>) -> impl IntoResponse {
    if *state.app.shutting_down.borrow() {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down".to_string());
    }
    let head = match state.app.store.outbox_head().await {
        Ok(head) => head,
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "database unavailable".to_string(),
            );
        }
    };
    // Reads alone would pass on a read-only or full database: only a committed write tells.
    if let Err(e) = state.app.store.probe_write().await {
        tracing::warn!(error = %e, "readiness: the database does not take writes");
        let why = match &e {
            crate::store::StoreError::Unavailable { fault, .. } => fault.to_string(),
            _ => "error".to_string(),
        };
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("database does not take writes ({why}); reads still work"),
        );
    }
    let applied = state.app.indexer.applied();
    if applied < head {
        let why = match state.app.indexer.failing() {
            Some(error) => format!(" (retrying; last commit failed: {error})"),
            None => String::new(),
        };
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("search index behind: {applied} of {head} changes applied{why}"),
        );
    }
    (StatusCode::OK, "ready".to_string())
}

/// Whether a request may read `/metrics`: from this machine (the client address, after any
/// trusted proxy), or with the `--metrics-token` secret. QA: anyone could watch the counts of
/// introductions, answers and sign-ups as they happened.
fn may_read_metrics(request: &Request, token: Option<&str>) -> bool {
    // A request that came through a proxy is not local, whatever address it resolves to: an
    // `X-Forwarded-For` the server cannot read leaves the proxy's own (loopback) address (QA
    // round 2: "203.0.113.9:1234" and "unknown" read /metrics).
    let proxied = [
        "x-forwarded-for",
        "forwarded",
        "x-real-ip",
        "via",
        "cf-connecting-ip",
        "true-client-ip",
    ]
    .iter()
    .any(|h| request.headers().contains_key(*h));
    let local = !proxied
        && request
            .extensions()
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .is_some_and(|c| c.0.ip().is_loopback());
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let with_token = match (token, bearer) {
        (Some(t), Some(b)) => {
            // Compared in constant time: the secret is not guessed a byte at a time.
            t.len() == b.len() && t.bytes().zip(b.bytes()).fold(0, |d, (x, y)| d | (x ^ y)) == 0
        }
        _ => false,
    };
    local || with_token
}

/// Prometheus text exposition (see [`metrics`]), for [`may_read_metrics`] only; anyone else
/// gets the 404 of a path that is not there.
async fn metrics(State(state): State<HttpState>, request: Request) -> Response {
    if !may_read_metrics(&request, state.app.limits.metrics_token.as_deref()) {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    let running = state
        .in_flight
        .running(state.app.limits.max_in_flight.max(1));
    let head = state
        .app
        .store
        .outbox_head()
        .await
        .ok()
        .map(|h| h.max(0) as u64);
    let applied = state.app.indexer.applied().max(0) as u64;
    let pruned = state.app.indexer.last_prune();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(&metrics::Gauges {
            in_flight: running,
            outbox_head: head,
            index_applied: applied,
            pool: state.app.store.pool_usage(),
            rankings_waiting: state.app.rankings.waiting(),
            rankings_running: state.app.rankings.running(),
            searches_waiting: state.app.searches.waiting(),
            searches_running: state.app.searches.running(),
            websockets: state.app.sockets.open(),
            rankings_cancelled: state.app.rankings.cancelled(),
            index_failures: state.app.indexer.failures(),
            index_failing: state.app.indexer.failing().is_some(),
            outbox_depth: pruned.map(|p| p.kept.max(0) as u64),
            outbox_pruned_through: pruned.map(|p| p.through.max(0) as u64),
            notices: {
                use std::sync::atomic::Ordering::Relaxed;
                let m = &state.app.mail_stats;
                (
                    m.sent.load(Relaxed),
                    m.retried.load(Relaxed),
                    m.given_up.load(Relaxed),
                )
            },
        }),
    )
        .into_response()
}

/// A compiled-in asset under a content-hash path: its type, kept for a year (`immutable`: a new
/// build's file has a new path), never sniffed as another type. GraphiQL's and the web app's.
pub fn immutable_asset(content_type: &'static str, body: &'static [u8]) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static(content_type),
            ),
            (
                header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                axum::http::HeaderValue::from_static("nosniff"),
            ),
        ],
        body,
    )
        .into_response()
}
