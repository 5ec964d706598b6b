//! The HTTP surface: `/graphql` (POST), GraphiQL at `/`, `/healthz`.

use std::sync::Arc;

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::Router;

use crate::api::errors::classify_engine_errors;
use crate::api::viewer::Viewer;
use crate::api::ApiSchema;
use crate::app::App;

#[derive(Clone)]
struct HttpState {
    app: Arc<App>,
    schema: ApiSchema,
}

pub fn router(app: Arc<App>, schema: ApiSchema) -> Router {
    Router::new()
        .route("/", get(graphiql))
        .route("/graphql", get(graphiql).post(graphql))
        .route("/healthz", get(healthz))
        .with_state(HttpState { app, schema })
}

async fn graphql(State(state): State<HttpState>, request: GraphQLRequest) -> GraphQLResponse {
    // Accounts arrive later; until then every caller is an anonymous visitor. One index
    // snapshot per operation, so two searches in one request see the same data.
    let request = request
        .into_inner()
        .data(Viewer::Anonymous)
        .data(state.app.search.searcher());
    let mut response = state.schema.execute(request).await;
    classify_engine_errors(&mut response);
    response.into()
}

async fn graphiql() -> impl IntoResponse {
    Html(GraphiQLSource::build().endpoint("/graphql").finish())
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
