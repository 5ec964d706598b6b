//! The response's fields in the order the query asks for them.
//!
//! The GraphQL spec orders a response's fields as the selection set orders them (§ 7.2.2 and
//! CollectFields), and clients that compare or diff answers rely on it. async-graphql 7.2
//! resolves an object's fields concurrently and writes each one when it finishes, so eight
//! aliased `searchSmes` came back as a2, a1, a3… (QA). [`FieldOrder`] keeps the parsed document
//! and, once the operation has run, puts every object of `data` back in query order. It needs
//! no types: fields a type condition left out are simply not in the answer.

use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery,
};
use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::{Name, Response, ServerResult, Value, Variables};

/// Installs [`FieldOrderRequest`] for each request.
pub struct FieldOrder;

impl ExtensionFactory for FieldOrder {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(FieldOrderRequest::default())
    }
}

/// One request's document, kept from parsing to the end of execution.
#[derive(Default)]
pub struct FieldOrderRequest {
    document: Mutex<Option<ExecutableDocument>>,
}

#[async_trait::async_trait]
impl Extension for FieldOrderRequest {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        if let Ok(mut kept) = self.document.lock() {
            *kept = Some(document.clone());
        }
        Ok(document)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        // Every root field skipped (`{ __typename @skip(if: true) }`): the engine answers
        // `data: null`, the spec an empty object (QA, an attacker's conformance check).
        if response.errors.is_empty() && response.data == Value::Null {
            response.data = Value::Object(Default::default());
        }
        let document = self.document.lock().ok().and_then(|mut d| d.take());
        if let Some(doc) = document {
            if let Some((set, ty)) = operation(&doc, operation_name) {
                let registry = &ctx.schema_env.registry;
                let root = match ty {
                    OperationType::Query => Some(registry.query_type.as_str()),
                    OperationType::Mutation => registry.mutation_type.as_deref(),
                    OperationType::Subscription => registry.subscription_type.as_deref(),
                };
                if let Some(root) = root.and_then(|r| registry.types.get(r)) {
                    null_failed_root_fields(&mut response, set, &doc, root);
                }
                in_query_order(&mut response.data, &[set], &doc);
            }
        }
        response
    }
}

/// The selection set and kind of the operation that ran.
fn operation<'d>(
    doc: &'d ExecutableDocument,
    name: Option<&str>,
) -> Option<(&'d SelectionSet, OperationType)> {
    let op = super::engine::chosen_operation(&doc.operations, name)?;
    Some((&op.node.selection_set.node, op.node.ty))
}

/// A root field whose resolver failed is `null` in `data` (nullable) or makes `data` itself
/// `null` (non-null), as the spec's error handling has it; async-graphql 7.2 left the field
/// out and answered the rest (QA round 2: `{ c: investor(id: "bad") { id } b: __typename }`
/// came back as `{ "b": … }`). Errors deeper down are left as the engine put them.
fn null_failed_root_fields(
    response: &mut Response,
    set: &SelectionSet,
    doc: &ExecutableDocument,
    root: &async_graphql::registry::MetaType,
) {
    let failed: Vec<String> = response
        .errors
        .iter()
        .filter_map(|e| match e.path.as_slice() {
            [async_graphql::PathSegment::Field(key)] => Some(key.clone()),
            _ => None,
        })
        .collect();
    if failed.is_empty() {
        return;
    }
    let mut names = Vec::new();
    collect(&[set], doc, &mut names, 0);
    for key in failed {
        let Some((_, name, _)) = names.iter().find(|(k, ..)| k.as_str() == key) else {
            continue;
        };
        let non_null = root
            .field_by_name(name)
            .is_some_and(|f| f.ty.ends_with('!'));
        match &mut response.data {
            _ if non_null => {
                response.data = Value::Null;
                return;
            }
            Value::Object(map) => {
                map.entry(Name::new(&key)).or_insert(Value::Null);
            }
            Value::Null => {
                let mut map = async_graphql::indexmap::IndexMap::new();
                map.insert(Name::new(&key), Value::Null);
                response.data = Value::Object(map);
            }
            _ => {}
        }
    }
}

/// A response key `sets` select, the field it names, and the selection sets under it.
type Collected<'d> = (&'d Name, &'d Name, Vec<&'d SelectionSet>);

/// The response keys `sets` select, in order, each with the field it names and the selection
/// sets under it (a key selected twice merges its sub-selections, as the spec's field
/// collection does).
fn collect<'d>(
    sets: &[&'d SelectionSet],
    doc: &'d ExecutableDocument,
    out: &mut Vec<Collected<'d>>,
    depth: usize,
) {
    // Fragments cannot cycle in a valid document; the bound only guards this walk.
    if depth > 64 {
        return;
    }
    for set in sets {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    let key = &field.node.response_key().node;
                    let sub = &field.node.selection_set.node;
                    match out.iter_mut().find(|(k, ..)| *k == key) {
                        Some((.., subs)) => subs.push(sub),
                        None => out.push((key, &field.node.name.node, vec![sub])),
                    }
                }
                Selection::FragmentSpread(spread) => {
                    if let Some(f) = doc.fragments.get(&spread.node.fragment_name.node) {
                        collect(&[&f.node.selection_set.node], doc, out, depth + 1);
                    }
                }
                Selection::InlineFragment(inline) => {
                    collect(&[&inline.node.selection_set.node], doc, out, depth + 1);
                }
            }
        }
    }
}

/// Puts the objects of `value` (and of the lists and objects within) in the order `sets` select
/// their fields.
fn in_query_order(value: &mut Value, sets: &[&SelectionSet], doc: &ExecutableDocument) {
    match value {
        Value::List(items) => {
            for item in items {
                in_query_order(item, sets, doc);
            }
        }
        Value::Object(map) => {
            let mut keys = Vec::new();
            collect(sets, doc, &mut keys, 0);
            let mut old = std::mem::take(map);
            for (key, _, subs) in keys {
                if let Some(mut v) = old.shift_remove(key) {
                    in_query_order(&mut v, &subs, doc);
                    map.insert(key.clone(), v);
                }
            }
            // Nothing the query did not select should be here; kept rather than lost.
            map.extend(old);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    #[test]
    fn objects_follow_the_query_through_aliases_fragments_and_lists() {
        let doc = parse_query(
            "query { b: x { d c } a: x { ...F } ... on Query { z } } fragment F on X { f e }",
        )
        .unwrap();
        let (set, _) = operation(&doc, None).unwrap();
        let mut data = async_graphql::value!({
            "z": 1,
            "a": [{ "e": 1, "f": 2 }, { "e": 3, "f": 4 }],
            "b": { "c": 1, "d": 2 },
        });
        in_query_order(&mut data, &[set], &doc);
        assert_eq!(
            data.to_string(),
            r#"{b: {d: 2, c: 1}, a: [{f: 2, e: 1}, {f: 4, e: 3}], z: 1}"#
        );
    }
}
