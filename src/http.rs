//! The HTTP surface: `/graphql` (POST), GraphiQL at `/`, `/healthz`.

use std::sync::Arc;

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::State;
use axum::extract::WebSocketUpgrade;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::Router;

use crate::api::errors::classify_engine_errors;
use crate::api::ApiSchema;
use crate::app::App;
use crate::service::accounts::viewer_for;

#[derive(Clone)]
struct HttpState {
    app: Arc<App>,
    schema: ApiSchema,
}

pub fn router(app: Arc<App>, schema: ApiSchema) -> Router {
    Router::new()
        .route("/", get(graphiql))
        .route("/graphql", get(graphql_ws).post(graphql))
        .route("/healthz", get(healthz))
        .with_state(HttpState { app, schema })
}

async fn graphql(
    State(state): State<HttpState>,
    headers: HeaderMap,
    request: GraphQLRequest,
) -> GraphQLResponse {
    let authorization = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let viewer = match viewer_for(&state.app, authorization).await {
        Ok(v) => v,
        // A bad token is refused outright rather than silently treated as anonymous.
        Err(e) => {
            let err = async_graphql::ErrorExtensions::extend(&e);
            let response = async_graphql::Response::from_errors(vec![
                err.into_server_error(Default::default())
            ]);
            return response.into();
        }
    };
    // One index snapshot per operation, so two searches in one request see the same data.
    let request = request
        .into_inner()
        .data(Arc::new(viewer))
        .data(state.app.search.searcher());
    let mut response = state.schema.execute(request).await;
    classify_engine_errors(&mut response);
    response.into()
}

/// GraphQL over WebSocket (graphql-transport-ws; see `crate::ws`). The bearer token travels in
/// the connection_init payload as `{"Authorization": "Bearer <token>"}`, since browsers cannot
/// set headers there.
async fn graphql_ws(
    State(state): State<HttpState>,
    upgrade: WebSocketUpgrade,
) -> impl IntoResponse {
    crate::ws::upgrade(upgrade, state.app, state.schema)
}

async fn graphiql() -> impl IntoResponse {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .subscription_endpoint("/graphql")
            .finish(),
    )
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
