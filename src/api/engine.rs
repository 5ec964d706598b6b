//! Hooks into the GraphQL engine that the schema builder installs.
//!
//! - [`DepthLimit`]: async-graphql's own `limit_depth` counts the nesting of introspection too,
//!   and the standard introspection query of graphql-js 16 (`__schema { types { fields { args
//!   { type { ofType × 8 } } } } }`) is 13 fields deep. Tools that read the schema from the URL
//!   (GraphiQL, Rover, codegen) then fail. This limit exempts operations made only of
//!   introspection root fields; every other operation keeps the bound. Introspection stays
//!   bounded by the engine's recursion limit (32 levels of selection sets) and by the finite
//!   size of the schema.
//! - [`ExecutionStarted`]: a per-request flag set when execution begins, so the HTTP layer can
//!   tell a request error (parse, validation, variable coercion: the GraphQL spec says such a
//!   response has no `data` entry) from an execution that produced `data: null`, without
//!   matching error messages.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextValidation,
};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, Selection};
use async_graphql::{Response, ServerError, ServerResult, ValidationResult, Variables};

/// Root fields that only read the schema itself.
const INTROSPECTION_ROOT_FIELDS: [&str; 3] = ["__schema", "__type", "__typename"];

/// Refuses operations nested deeper than `max` fields, except pure introspection.
pub struct DepthLimit {
    pub max: usize,
}

impl ExtensionFactory for DepthLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(DepthLimitRequest {
            max: self.max,
            introspection_only: AtomicBool::new(false),
        })
    }
}

/// One request's state: whether its document holds introspection only.
struct DepthLimitRequest {
    max: usize,
    introspection_only: AtomicBool,
}

#[async_trait::async_trait]
impl Extension for DepthLimitRequest {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        self.introspection_only
            .store(is_introspection_only(&document), Ordering::Relaxed);
        Ok(document)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        // The engine measures the depth (fields only, fragments inlined) while validating.
        let result = next.run(ctx).await?;
        if result.depth > self.max && !self.introspection_only.load(Ordering::Relaxed) {
            let mut error = ServerError::new(
                format!(
                    "Query is nested too deep: {} levels of fields, at most {} are allowed.",
                    result.depth, self.max
                ),
                None,
            );
            error
                .extensions
                .get_or_insert_with(Default::default)
                .set("code", "GRAPHQL_VALIDATION_FAILED");
            return Err(vec![error]);
        }
        Ok(result)
    }
}

/// Whether every operation of `document` selects introspection root fields only, directly
/// (a fragment at the root is not exempt: it keeps the rule simple to audit).
fn is_introspection_only(document: &ExecutableDocument) -> bool {
    let mut operations: Box<dyn Iterator<Item = _>> = match &document.operations {
        DocumentOperations::Single(op) => Box::new(std::iter::once(op)),
        DocumentOperations::Multiple(map) => Box::new(map.values()),
    };
    operations.all(|op| {
        op.node.selection_set.node.items.iter().all(|item| {
            matches!(&item.node, Selection::Field(field)
                if INTROSPECTION_ROOT_FIELDS.contains(&field.node.name.node.as_str()))
        })
    })
}

/// Request data: set once the operation starts executing (see the module comment).
#[derive(Clone, Default)]
pub struct ExecutionStarted(Arc<AtomicBool>);

impl ExecutionStarted {
    pub fn get(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Sets [`ExecutionStarted`] when the request carries one.
pub struct TrackExecution;

impl ExtensionFactory for TrackExecution {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(TrackExecution)
    }
}

#[async_trait::async_trait]
impl Extension for TrackExecution {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        if let Some(flag) = ctx.data_opt::<ExecutionStarted>() {
            flag.0.store(true, Ordering::Relaxed);
        }
        next.run(ctx, operation_name).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    #[test]
    fn only_pure_introspection_is_exempt() {
        let exempt = |q: &str| is_introspection_only(&parse_query(q).unwrap());
        assert!(exempt("{ __schema { types { name } } }"));
        assert!(exempt(
            "query A { __type(name: \"Sme\") { name } __typename }"
        ));
        assert!(!exempt(
            "{ __schema { types { name } } smes { totalCount } }"
        ));
        assert!(!exempt(
            "{ ...F } fragment F on Query { __schema { description } }"
        ));
        assert!(!exempt(
            "query A { __typename } query B { smes { totalCount } }"
        ));
    }
}
