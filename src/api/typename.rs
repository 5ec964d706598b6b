//! `__typename` validated like any other field.
//!
//! async-graphql's validator steps over `__typename` selections without visiting them, so no
//! rule ever saw them: `__typename(x: 1)`, `__typename { a }`, `@nosuch`, `@skip` without its
//! argument, `@skip(if: "yes")`, a repeated `@skip` and an undefined `$v` all ran (QA: "repeated
//! @skip accepted"), while a variable used only there was refused as unused, so the valid
//! `query($v: Boolean!) { __typename @skip(if: $v) }` answered "Variable "$v" is not used".
//! [`TypenameRules`] applies to these fields the rules the engine applies to the others, in the
//! engine's words (so the codes come out the same: `GRAPHQL_VALIDATION_FAILED`, and
//! `BAD_USER_INPUT` for a wrong literal), and takes back the engine's "is not used" for a
//! variable that such a field uses.
//!
//! Installed after [`super::engine::DepthLimit`]: that extension's validation runs this one's,
//! so it sees the result this one gives back, and a document the engine refused only for such
//! an "unused" variable comes back with its depth (the engine's measure, which does not count
//! `__typename` either) for the depth limit to judge.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextValidation,
};
use async_graphql::parser::types::{
    BaseType, ExecutableDocument, Field, OperationDefinition, Selection, SelectionSet, Type,
};
use async_graphql::parser::Positioned;
use async_graphql::{Name, Pos, ServerError, ServerResult, ValidationResult, Variables};
use async_graphql_value::Value;

/// Installs the checks (see the module comment).
pub struct TypenameRules;

impl ExtensionFactory for TypenameRules {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(TypenameRequest::default())
    }
}

/// One request's findings, from its parsed document to its validation.
#[derive(Default)]
struct TypenameRequest {
    found: Mutex<Option<Findings>>,
}

/// What the document's `__typename` fields break, and what they use.
#[derive(Debug, Default)]
struct Findings {
    errors: Vec<ServerError>,
    /// Where each variable is defined that a `__typename` directive of its operation uses.
    used: HashSet<Pos>,
    /// The document's depth as the engine measures it (fields, fragments inlined), when
    /// `used` holds anything (else 0: see [`check`]).
    depth: usize,
}

#[async_trait::async_trait]
impl Extension for TypenameRequest {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        let findings = check(&document, variables);
        if let Ok(mut slot) = self.found.lock() {
            *slot = Some(findings);
        }
        Ok(document)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let found = self.found.lock().ok().and_then(|mut slot| slot.take());
        let engine = next.run(ctx).await;
        let Some(found) = found else { return engine };
        let mut errors = match engine {
            Ok(result) if found.errors.is_empty() => return Ok(result),
            Ok(_) => Vec::new(),
            Err(errors) => errors,
        };
        errors.retain(|e| !unused_but_used(e, &found.used));
        errors.extend(found.errors);
        if errors.is_empty() {
            // The engine refused the document only for variables used here.
            return Ok(ValidationResult {
                cache_control: Default::default(),
                complexity: 0,
                depth: found.depth,
            });
        }
        Err(errors)
    }
}

/// Whether `e` is the engine's "Variable "$v" is not used" for a variable a `__typename`
/// directive uses (the engine places it at the variable's definition).
fn unused_but_used(e: &ServerError, used: &HashSet<Pos>) -> bool {
    e.message.starts_with("Variable \"$")
        && e.message.contains("\" is not used")
        && matches!(e.locations.as_slice(), [at] if used.contains(at))
}

/// The variables a `__typename` directive names, and the fragments spread, in one operation
/// or fragment definition (spreads are followed per operation, as variables are defined there).
#[derive(Default)]
struct Scope<'a> {
    uses: Vec<(&'a Name, Pos)>,
    spreads: Vec<&'a Name>,
}

fn check(document: &ExecutableDocument, variables: &Variables) -> Findings {
    let mut errors = Vec::new();
    let mut fragments: HashMap<&Name, Scope<'_>> = HashMap::new();
    for (name, fragment) in &document.fragments {
        let mut scope = Scope::default();
        walk(&fragment.node.selection_set.node, &mut scope, &mut errors);
        fragments.insert(name, scope);
    }
    let mut used = HashSet::new();
    for (name, operation) in document.operations.iter() {
        let mut scope = Scope::default();
        walk(&operation.node.selection_set.node, &mut scope, &mut errors);
        // The operation's own uses, then those of every fragment it reaches, each fragment once.
        let mut uses = scope.uses;
        let mut seen: HashSet<&Name> = HashSet::new();
        let mut pending = scope.spreads;
        while let Some(spread) = pending.pop() {
            if !seen.insert(spread) {
                continue;
            }
            if let Some(f) = fragments.get(spread) {
                uses.extend(f.uses.iter().copied());
                pending.extend(f.spreads.iter().copied());
            }
        }
        for (var, at) in uses {
            match definition(&operation.node, var) {
                Some((defined_at, ty)) => {
                    used.insert(defined_at);
                    // A value sent that is no Boolean, as the engine refuses it on any other
                    // field (attacker QA: "yes", [true] and null read as false here).
                    let sent = variables.get(var);
                    if sent.is_some_and(|v| !matches!(v, async_graphql::Value::Boolean(_))) {
                        errors.push(error(
                            vec![at],
                            "Invalid value for argument \"if\", expected type \"Boolean!\"".into(),
                        ));
                    }
                    if !ty.is_boolean() {
                        errors.push(error(
                            vec![defined_at, at],
                            format!(
                                "Variable \"${var}\" of type \"{}\" used in position expecting \
                                 type \"Boolean!\"",
                                ty.0
                            ),
                        ));
                    }
                }
                None => {
                    let message = match name {
                        Some(op) => {
                            format!("Variable \"${var}\" is not defined by operation \"{op}\"")
                        }
                        None => format!("Variable \"${var}\" is not defined"),
                    };
                    errors.push(error(vec![operation.pos, at], message));
                }
            }
        }
    }
    // The depth is given back only where the engine's refusal is taken back, which needs a
    // variable used here: no other document pays for the walk.
    let depth = if used.is_empty() { 0 } else { depth(document) };
    Findings {
        errors,
        used,
        depth,
    }
}

/// A variable's declared type, as written.
struct Declared<'a>(&'a Type);

impl Declared<'_> {
    /// `Boolean!` or `Boolean`: what the engine accepts in an `if` elsewhere.
    fn is_boolean(&self) -> bool {
        matches!(&self.0.base, BaseType::Named(n) if n.as_str() == "Boolean")
    }
}

/// Where `var` is defined in `operation`, and its type.
fn definition<'a>(operation: &'a OperationDefinition, var: &Name) -> Option<(Pos, Declared<'a>)> {
    operation
        .variable_definitions
        .iter()
        .find(|d| d.node.name.node == *var)
        .map(|d| (d.pos, Declared(&d.node.var_type.node)))
}

fn error(locations: Vec<Pos>, message: String) -> ServerError {
    let mut e = ServerError::new(message, None);
    e.locations = locations;
    e
}

/// Checks every `__typename` field of `set` (not through spreads: each fragment definition is
/// walked on its own) and notes the variables their directives use and the spreads.
fn walk<'a>(set: &'a SelectionSet, scope: &mut Scope<'a>, errors: &mut Vec<ServerError>) {
    for item in &set.items {
        match &item.node {
            Selection::Field(field) if field.node.name.node == "__typename" => {
                check_field(field, scope, errors);
            }
            Selection::Field(field) => walk(&field.node.selection_set.node, scope, errors),
            Selection::InlineFragment(inline) => {
                walk(&inline.node.selection_set.node, scope, errors)
            }
            Selection::FragmentSpread(spread) => {
                scope.spreads.push(&spread.node.fragment_name.node);
            }
        }
    }
}

/// The rules for one `__typename`: no argument, no selection, and only `@skip` and `@include`,
/// each at most once, with exactly a Boolean `if`.
fn check_field<'a>(
    field: &'a Positioned<Field>,
    scope: &mut Scope<'a>,
    errors: &mut Vec<ServerError>,
) {
    for (name, _) in &field.node.arguments {
        errors.push(error(
            vec![name.pos],
            format!(
                "Unknown argument \"{}\" on field \"__typename\".",
                name.node
            ),
        ));
    }
    if !field.node.selection_set.node.items.is_empty() {
        errors.push(error(
            vec![field.pos],
            "Field \"__typename\" must not have a selection since type \"String\" has no \
             subfields"
                .into(),
        ));
    }
    let mut seen: HashSet<&str> = HashSet::new();
    for directive in &field.node.directives {
        let name = directive.node.name.node.as_str();
        match name {
            "skip" | "include" => {}
            "deprecated" | "oneOf" | "specifiedBy" => {
                errors.push(error(
                    vec![directive.pos],
                    format!("Directive \"{name}\" may not be used on \"FIELD\""),
                ));
                continue;
            }
            _ => {
                errors.push(error(
                    vec![directive.pos],
                    format!("Unknown directive \"{name}\""),
                ));
                continue;
            }
        }
        if !seen.insert(name) {
            errors.push(error(
                vec![directive.pos],
                format!("Duplicate directive \"{name}\""),
            ));
            continue;
        }
        let mut has_if = false;
        for (arg, value) in &directive.node.arguments {
            if arg.node != "if" {
                errors.push(error(
                    vec![arg.pos],
                    format!("Unknown argument \"{}\" on directive \"{name}\".", arg.node),
                ));
                continue;
            }
            has_if = true;
            match &value.node {
                Value::Boolean(_) => {}
                Value::Variable(var) => scope.uses.push((var, value.pos)),
                _ => errors.push(error(
                    vec![value.pos],
                    "Invalid value for argument \"if\", expected type \"Boolean!\"".into(),
                )),
            }
        }
        if !has_if {
            errors.push(error(
                vec![directive.pos],
                format!(
                    "Directive \"@{name}\" argument \"if\" of type \"Boolean!\" is required but \
                     not provided"
                ),
            ));
        }
    }
}

/// The document's depth as the engine measures it: nested fields, fragments inlined,
/// `__typename` not counted. Each fragment's depth is computed once; a cycle (which the engine
/// refuses on its own) counts as nothing.
fn depth(document: &ExecutableDocument) -> usize {
    fn of<'a>(
        set: &'a SelectionSet,
        document: &'a ExecutableDocument,
        memo: &mut HashMap<&'a Name, usize>,
    ) -> usize {
        set.items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(f) if f.node.name.node == "__typename" => 0,
                Selection::Field(f) => 1 + of(&f.node.selection_set.node, document, memo),
                Selection::InlineFragment(i) => of(&i.node.selection_set.node, document, memo),
                Selection::FragmentSpread(s) => {
                    let name = &s.node.fragment_name.node;
                    if let Some(d) = memo.get(name) {
                        return *d;
                    }
                    // In progress: a cycle reads as 0.
                    memo.insert(name, 0);
                    let d = document
                        .fragments
                        .get(name)
                        .map_or(0, |f| of(&f.node.selection_set.node, document, memo));
                    memo.insert(name, d);
                    d
                }
            })
            .max()
            .unwrap_or(0)
    }
    let mut memo = HashMap::new();
    document
        .operations
        .iter()
        .map(|(_, op)| of(&op.node.selection_set.node, document, &mut memo))
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(query: &str) -> Findings {
        check(
            &async_graphql::parser::parse_query(query).expect("parses"),
            &Variables::default(),
        )
    }

    fn messages(query: &str) -> Vec<String> {
        let mut m: Vec<String> = findings(query)
            .errors
            .into_iter()
            .map(|e| e.message)
            .collect();
        m.sort();
        m
    }

    #[test]
    fn valid_uses_are_quiet_and_their_variables_count_as_used() {
        for q in [
            "{ __typename }",
            "{ __typename @skip(if: false) @include(if: true) }",
            "query($v: Boolean!) { __typename @skip(if: $v) }",
            "query($v: Boolean = false) { a: __typename @include(if: $v) }",
            "query Q($v: Boolean!) { ...F } fragment F on Query { __typename @skip(if: $v) }",
        ] {
            let f = findings(q);
            assert!(f.errors.is_empty(), "{q}: {:?}", f.errors);
            let vars = q.matches("($v").count();
            assert_eq!(f.used.len(), vars, "{q}");
        }
    }

    #[test]
    fn what_the_engine_refuses_elsewhere_is_refused_on_typename() {
        let cases = [
            ("{ __typename(x: 1) }", "Unknown argument \"x\" on field \"__typename\"."),
            (
                "{ __typename { a } }",
                "Field \"__typename\" must not have a selection since type \"String\" has no subfields",
            ),
            ("{ __typename @nosuch }", "Unknown directive \"nosuch\""),
            (
                "{ __typename @deprecated }",
                "Directive \"deprecated\" may not be used on \"FIELD\"",
            ),
            (
                "{ __typename @skip }",
                "Directive \"@skip\" argument \"if\" of type \"Boolean!\" is required but not provided",
            ),
            (
                "{ __typename @skip(if: \"yes\") }",
                "Invalid value for argument \"if\", expected type \"Boolean!\"",
            ),
            (
                "{ __typename @skip(if: true, x: 1) }",
                "Unknown argument \"x\" on directive \"skip\".",
            ),
            (
                "{ __typename @skip(if: false) @skip(if: false) }",
                "Duplicate directive \"skip\"",
            ),
            ("{ __typename @skip(if: $v) }", "Variable \"$v\" is not defined"),
            (
                "query Q { ...F } fragment F on Query { __typename @include(if: $v) }",
                "Variable \"$v\" is not defined by operation \"Q\"",
            ),
            (
                "query($v: String!) { __typename @skip(if: $v) }",
                "Variable \"$v\" of type \"String!\" used in position expecting type \"Boolean!\"",
            ),
        ];
        for (q, said) in cases {
            assert_eq!(messages(q), [said.to_string()], "{q}");
        }
    }

    #[test]
    fn a_value_that_is_no_boolean_is_refused() {
        let q = "query($v: Boolean = true) { a: __typename @include(if: $v) }";
        let document = async_graphql::parser::parse_query(q).unwrap();
        for sent in [
            serde_json::json!({ "v": "yes" }),
            serde_json::json!({ "v": [true] }),
            serde_json::json!({ "v": null }),
        ] {
            let variables = Variables::from_json(sent.clone());
            let f = check(&document, &variables);
            assert_eq!(f.errors.len(), 1, "{sent}");
            assert!(f.errors[0].message.starts_with("Invalid value"), "{sent}");
        }
        let fine = Variables::from_json(serde_json::json!({ "v": false }));
        assert!(check(&document, &fine).errors.is_empty());
    }

    #[test]
    fn depth_is_the_engines_measure_and_survives_a_cycle() {
        let d = |q: &str| depth(&async_graphql::parser::parse_query(q).unwrap());
        assert_eq!(d("{ __typename }"), 0);
        assert_eq!(d("{ a { b { c __typename } } }"), 3);
        assert_eq!(d("{ a { ...F } } fragment F on A { b { c } }"), 3);
        assert_eq!(d("{ ...F } fragment F on Q { a ...F }"), 1);
    }
}
