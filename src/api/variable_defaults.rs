//! A variable's default value where the request leaves the variable out, for `@skip` and
//! `@include` too.
//!
//! async-graphql applies defaults where a resolver reads an argument, but decides `@skip(if:
//! $v)` and `@include(if: $v)` from the request's variables alone, so a variable left out read
//! as false: `query($details: Boolean = true) { smes { totalCount @include(if: $details) } }`
//! dropped `totalCount` (and answered `smes: null`), where the spec's coercion of variable
//! values gives `$details` its default first. [`VariableDefaults`] does that coercion step:
//! before anything else runs, each variable the chosen operation defines with a default and the
//! request does not send is added to the request's variables with that default. A value the
//! request sends, `null` included, is kept as sent.
//!
//! The document is parsed here unless the transport already did (linear, and only a document
//! within the length the transports accept), and the engine uses that parse.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Name, Request, ServerResult, Value, Variables};

use super::engine::{chosen_operation, document_too_large};

/// Installs the step (see the module comment); `max_document_bytes` as in the query limits.
pub struct VariableDefaults {
    pub max_document_bytes: usize,
}

impl ExtensionFactory for VariableDefaults {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(VariableDefaults {
            max_document_bytes: self.max_document_bytes,
        })
    }
}

#[async_trait::async_trait]
impl Extension for VariableDefaults {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        if let Some(refused) = document_too_large(&request.query, self.max_document_bytes) {
            return Err(refused);
        }
        // Parsed once for the engine too (the transport may have parsed it already); a
        // document that does not parse is left to the engine, which says so in its words.
        let name = request.operation_name.clone();
        let mut variables = std::mem::take(&mut request.variables);
        if let Ok(document) = request.parsed_query() {
            for (variable, value) in defaults(document, name.as_deref(), &variables) {
                variables.insert(variable, value);
            }
        }
        request.variables = variables;
        next.run(ctx, request).await
    }
}

/// The default of each variable that the operation the request runs defines with one and
/// `variables` lacks. No operation chosen (an unknown name, or several without a name):
/// nothing, the engine refuses the request anyway.
fn defaults(
    document: &ExecutableDocument,
    operation: Option<&str>,
    variables: &Variables,
) -> Vec<(Name, Value)> {
    let Some(op) = chosen_operation(&document.operations, operation) else {
        return Vec::new();
    };
    op.node
        .variable_definitions
        .iter()
        .filter(|d| !variables.contains_key(&d.node.name.node))
        .filter_map(|d| {
            let default = d.node.default_value.as_ref()?;
            Some((d.node.name.node.clone(), default.node.clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled(query: &str, operation: Option<&str>, sent: Value) -> Value {
        let document = async_graphql::parser::parse_query(query).unwrap();
        let mut variables = Variables::from_value(sent);
        for (name, value) in defaults(&document, operation, &variables) {
            variables.insert(name, value);
        }
        variables.into_value()
    }

    #[test]
    fn a_default_fills_only_what_the_request_left_out() {
        let q = "query($a: Boolean = true, $b: Boolean = true, $c: Int, $d: Int = 3) { x }";
        let sent = Value::from_json(serde_json::json!({ "b": false, "d": null })).unwrap();
        let got = filled(q, None, sent);
        let want =
            Value::from_json(serde_json::json!({ "a": true, "b": false, "d": null })).unwrap();
        assert_eq!(got, want);
    }

    #[test]
    fn the_chosen_operations_defaults_only() {
        let q = "query A($v: Int = 1) { x } query B($v: Int = 2) { x }";
        let v = |got: Value| match got {
            Value::Object(o) => o.get(&Name::new("v")).cloned(),
            _ => None,
        };
        assert_eq!(v(filled(q, Some("B"), Value::Null)), Some(Value::from(2)));
        assert_eq!(v(filled(q, None, Value::Null)), None);
        assert_eq!(v(filled(q, Some("C"), Value::Null)), None);
    }
}
