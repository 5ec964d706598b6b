//! The GraphQL API: the only layer that knows the wire shape. Resolvers translate arguments into
//! calls of the application layer (`service`) and its answers into GraphQL types (`enums`,
//! `inputs`, `types`); they hold no business rule and decide nothing about visibility.

pub mod account;
pub mod engine;
pub mod enums;
pub mod errors;
pub mod field_order;
pub mod incentives;
pub mod inputs;
pub mod matching;
mod mutation;
pub mod pipeline;
mod query;
pub mod search;
pub mod subscription;
mod typename;
pub mod types;
mod variable_defaults;

use std::sync::Arc;

use async_graphql::{Context, MergedObject, Schema};

use crate::app::App;
use crate::service::Viewer;

/// Every mutation: profiles, accounts, the curation pipeline.
#[derive(MergedObject, Default)]
pub struct Mutation(
    mutation::ProfileMutation,
    account::AccountMutation,
    pipeline::PipelineMutation,
);

/// Every query: profiles and reference data, search, matching and incentive assessments.
#[derive(MergedObject, Default)]
pub struct Query(
    query::ProfileQuery,
    search::SearchQuery,
    matching::MatchQuery,
    incentives::IncentivesQuery,
    account::AccountQuery,
    pipeline::PipelineQuery,
);

pub type ApiSchema = Schema<Query, Mutation, subscription::Subscription>;

/// Deep enough for every real query (a connection, its nodes, their sectors); a bound stops
/// pathological nesting from tying up the server. Pure introspection is exempt (see
/// [`engine::DepthLimit`]): the standard introspection query is deeper than any real query.
pub const MAX_DEPTH: usize = 12;

/// The live schema, serving `app`.
pub fn build_schema(app: Arc<App>) -> ApiSchema {
    Schema::build(
        Query::default(),
        Mutation::default(),
        subscription::Subscription,
    )
    // First: the variables every later step reads, with their defaults (see the module).
    .extension(variable_defaults::VariableDefaults {
        max_document_bytes: app.limits.max_document_bytes,
    })
    .extension(engine::QueryLimits {
        max_cost: app.limits.max_query_cost,
        max_aliases: app.limits.max_aliases,
        max_root_fields: app.limits.max_root_fields,
        max_searches: app.limits.max_searches,
        max_document_bytes: app.limits.max_document_bytes,
    })
    .data(app)
    .extension(engine::DepthLimit { max: MAX_DEPTH })
    // After the depth limit, which judges the result it gives back (see the module).
    .extension(typename::TypenameRules)
    .extension(engine::TrackExecution)
    .extension(field_order::FieldOrder)
    .finish()
}

/// The SDL of the schema (what `khkr-match schema` prints and `schema.graphql` holds).
pub fn sdl() -> String {
    Schema::build(
        Query::default(),
        Mutation::default(),
        subscription::Subscription,
    )
    .finish()
    // With `@specifiedBy`, so the SDL says what introspection says (DateTime is RFC 3339).
    .sdl_with_options(async_graphql::SDLExportOptions::new().include_specified_by())
}

/// The application state; the schema is always built with it (see [`build_schema`]).
pub(crate) fn app<'a>(ctx: &Context<'a>) -> &'a Arc<App> {
    ctx.data_unchecked::<Arc<App>>()
}

/// Who is asking; the HTTP layer always supplies a viewer, and a schema used without one is
/// anonymous.
pub(crate) fn viewer<'a>(ctx: &Context<'a>) -> &'a Viewer {
    static ANONYMOUS: std::sync::LazyLock<Viewer> = std::sync::LazyLock::new(Viewer::anonymous);
    ctx.data_opt::<Arc<Viewer>>()
        .map(|v| v.as_ref())
        .unwrap_or(&ANONYMOUS)
}

/// The request's language argument, English by default.
pub(crate) fn lang(l: Option<enums::Lang>) -> crate::domain::text::Lang {
    l.unwrap_or(enums::Lang::En).into()
}
