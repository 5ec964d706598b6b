//! The GraphQL API: the only layer that knows the wire shape. Domain values are converted to and
//! from GraphQL types explicitly here (`enums`, `inputs`, `types`).

pub mod account;
pub mod engine;
pub mod enums;
pub mod errors;
pub mod incentives;
pub mod inputs;
pub mod matching;
mod mutation;
pub mod pipeline;
mod query;
pub mod search;
pub mod subscription;
pub mod types;
pub mod viewer;

use std::sync::Arc;

use async_graphql::{MergedObject, Schema};

use crate::app::App;

/// Every mutation: profiles, accounts, the curation pipeline.
#[derive(MergedObject, Default)]
pub struct MutationRoot(
    mutation::ProfileMutation,
    account::AccountMutation,
    pipeline::PipelineMutation,
);

/// Every query: profiles and reference data, search, matching and incentive assessments.
#[derive(MergedObject, Default)]
pub struct QueryRoot(
    query::ProfileQuery,
    search::SearchQuery,
    matching::MatchQuery,
    incentives::IncentivesQuery,
    account::AccountQuery,
    pipeline::PipelineQuery,
);

pub type ApiSchema = Schema<QueryRoot, MutationRoot, subscription::SubscriptionRoot>;

/// Deep enough for every real query (a connection, its nodes, their sectors); a bound stops
/// pathological nesting from tying up the server. Pure introspection is exempt (see
/// [`engine::DepthLimit`]): the standard introspection query is deeper than any real query.
pub const MAX_DEPTH: usize = 12;

/// The live schema, serving `app`.
pub fn build_schema(app: Arc<App>) -> ApiSchema {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        subscription::SubscriptionRoot,
    )
    .data(app)
    .extension(engine::DepthLimit { max: MAX_DEPTH })
    .extension(engine::TrackExecution)
    .finish()
}

/// The SDL of the schema (what `khkr-match schema` prints and `schema.graphql` holds).
pub fn sdl() -> String {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        subscription::SubscriptionRoot,
    )
    .finish()
    .sdl()
}
