//! Introspection works with the standard query of graphql-js 16 (what GraphiQL, Apollo Rover,
//! graphql-codegen and Postman send), and the schema it describes is the checked-in
//! `schema.graphql`, compared type by type in both directions: kinds, fields, arguments, input
//! fields, enum values, their type references, default values, deprecations and descriptions.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use async_graphql::parser::types::{
    BaseType, ConstDirective, InputValueDefinition, Type, TypeKind, TypeSystemDefinition,
};
use async_graphql::Positioned;
use common::{raw_http, TestServer};
use serde_json::{json, Value};

/// `getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable:
/// true, schemaDescription: true, inputValueDeprecation: true })` of graphql-js 16.15, written
/// out: `TypeRef` nests `ofType` nine levels, 14 fields deep in all.
const INTROSPECTION_QUERY: &str = "
query IntrospectionQuery {
  __schema {
    description
    queryType { name kind }
    mutationType { name kind }
    subscriptionType { name kind }
    types {
      ...FullType
    }
    directives {
      name
      description
      isRepeatable
      locations
      args(includeDeprecated: true) {
        ...InputValue
      }
    }
  }
}

fragment FullType on __Type {
  kind
  name
  description
  specifiedByURL
  fields(includeDeprecated: true) {
    name
    description
    args(includeDeprecated: true) {
      ...InputValue
    }
    type {
      ...TypeRef
    }
    isDeprecated
    deprecationReason
  }
  inputFields(includeDeprecated: true) {
    ...InputValue
  }
  interfaces {
    ...TypeRef
  }
  enumValues(includeDeprecated: true) {
    name
    description
    isDeprecated
    deprecationReason
  }
  possibleTypes {
    ...TypeRef
  }
}

fragment InputValue on __InputValue {
  name
  description
  type { ...TypeRef }
  defaultValue
  isDeprecated
  deprecationReason
}

fragment TypeRef on __Type {
  kind
  name
  ofType {
    name
    kind
    ofType {
      name
      kind
      ofType {
        name
        kind
        ofType {
          name
          kind
          ofType {
            name
            kind
            ofType {
              name
              kind
              ofType {
                name
                kind
                ofType {
                  name
                  kind
                  ofType {
                    name
                    kind
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}
";

/// Types every GraphQL schema has, which the SDL leaves out.
const BUILT_IN_SCALARS: [&str; 5] = ["Boolean", "Float", "ID", "Int", "String"];
/// Directives the GraphQL specification defines. async-graphql's SDL prints some of them and
/// leaves out their arguments' descriptions, so they are compared by name only; the project's
/// own directives are compared in full.
const BUILT_IN_DIRECTIVES: [&str; 5] = ["deprecated", "include", "oneOf", "skip", "specifiedBy"];

#[test]
fn standard_introspection_describes_the_checked_in_schema() {
    let s = TestServer::start();
    let body = json!({ "query": INTROSPECTION_QUERY, "operationName": "IntrospectionQuery" });
    let r = raw_http(
        &s.base,
        "POST",
        "/graphql",
        &[
            ("Content-Type", "application/json"),
            (
                "Accept",
                "application/graphql-response+json, application/json",
            ),
        ],
        Some(body.to_string().as_bytes()),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let response = r.json();
    assert!(response.get("errors").is_none(), "{response:#}");
    let schema = &response["data"]["__schema"];
    assert!(schema["types"].as_array().is_some_and(|t| t.len() > 20));

    let sdl = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .expect("schema.graphql");
    let document = async_graphql::parser::parse_schema(&sdl).expect("schema.graphql parses");

    let live = from_introspection(schema);
    let checked_in = from_sdl(&document.definitions);
    let mut differences = Vec::new();
    for (key, value) in &checked_in {
        match live.get(key) {
            None => differences.push(format!("only in schema.graphql: {key} = {value}")),
            Some(v) if v != value => differences.push(format!(
                "{key}:\n    schema.graphql: {value}\n    introspection:  {v}"
            )),
            Some(_) => {}
        }
    }
    for (key, value) in &live {
        // The SDL may leave out built-in directives (see BUILT_IN_DIRECTIVES).
        if !checked_in.contains_key(key) && !key.starts_with("built-in directive") {
            differences.push(format!("only in introspection: {key} = {value}"));
        }
    }
    assert!(
        differences.is_empty(),
        "introspection and schema.graphql differ ({} items; if the live schema changed, run \
         `cargo run -q -- schema > schema.graphql`):\n{}",
        differences.len(),
        differences.join("\n")
    );
    // The comparison covered the whole schema, not an empty corner of it.
    let types = live.keys().filter(|k| k.starts_with("type ")).count();
    let fields = live.keys().filter(|k| k.starts_with("field ")).count();
    assert!(types > 20 && fields > 100, "{types} types, {fields} fields");
}

/// The depth limit still holds for ordinary operations; pure introspection is exempt.
#[test]
fn the_depth_limit_spares_introspection_only() {
    let s = TestServer::start();
    let mut of_type = String::from("{ name }");
    for _ in 0..12 {
        of_type = format!("{{ kind ofType {of_type} }}");
    }
    let deep_introspection =
        format!("{{ __type(name: \"Sme\") {{ fields {{ type {of_type} }} }} }}");
    let body = s.gql(&deep_introspection, json!({}));
    assert!(body.get("errors").is_none(), "{body:#}");
    assert!(body["data"]["__type"]["fields"][0]["type"]["kind"].is_string());

    // The same nesting next to an ordinary field is refused.
    let mixed = format!(
        "{{ smes {{ totalCount }} __type(name: \"Sme\") {{ fields {{ type {of_type} }} }} }}"
    );
    let body = s.gql(&mixed, json!({}));
    assert_eq!(
        common::error_code(&body),
        "GRAPHQL_VALIDATION_FAILED",
        "{body:#}"
    );
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("nested too deep"), "{message}");
}

// ---- One flat description of a schema: "kind name" -> its properties, comparable both ways.

type Model = BTreeMap<String, String>;

fn from_introspection(schema: &Value) -> Model {
    let mut model = Model::new();
    let root = |key: &str| schema[key]["name"].as_str().unwrap_or("-").to_string();
    model.insert(
        "roots".into(),
        format!(
            "query {} mutation {} subscription {}",
            root("queryType"),
            root("mutationType"),
            root("subscriptionType")
        ),
    );
    for t in schema["types"].as_array().expect("types") {
        let name = t["name"].as_str().expect("type name");
        if name.starts_with("__") || BUILT_IN_SCALARS.contains(&name) {
            continue;
        }
        let names = |key: &str| -> BTreeSet<String> {
            t[key]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|x| x["name"].as_str().unwrap().to_string())
                        .collect()
                })
                .unwrap_or_default()
        };
        model.insert(
            format!("type {name}"),
            type_line(
                t["kind"].as_str().unwrap(),
                t["description"].as_str(),
                &names("interfaces"),
                &names("possibleTypes"),
                t["specifiedByURL"].as_str(),
            ),
        );
        for f in t["fields"].as_array().into_iter().flatten() {
            let field = f["name"].as_str().unwrap();
            model.insert(
                format!("field {name}.{field}"),
                member_line(
                    &type_ref(&f["type"]),
                    None,
                    f["description"].as_str(),
                    deprecation(f),
                ),
            );
            for a in f["args"].as_array().into_iter().flatten() {
                model.insert(
                    format!("argument {name}.{field}({})", a["name"].as_str().unwrap()),
                    input_line(a),
                );
            }
        }
        for i in t["inputFields"].as_array().into_iter().flatten() {
            model.insert(
                format!("input field {name}.{}", i["name"].as_str().unwrap()),
                input_line(i),
            );
        }
        for e in t["enumValues"].as_array().into_iter().flatten() {
            model.insert(
                format!("enum value {name}.{}", e["name"].as_str().unwrap()),
                member_line("", None, e["description"].as_str(), deprecation(e)),
            );
        }
    }
    for d in schema["directives"].as_array().expect("directives") {
        let name = d["name"].as_str().unwrap();
        if BUILT_IN_DIRECTIVES.contains(&name) {
            model.insert(format!("built-in directive @{name}"), "present".into());
            continue;
        }
        let locations: Vec<&str> = d["locations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        model.insert(
            format!("directive @{name}"),
            format!(
                "on {} | {}",
                sorted(locations.iter().map(|l| l.to_string())),
                description(d["description"].as_str())
            ),
        );
        for a in d["args"].as_array().into_iter().flatten() {
            model.insert(
                format!("argument @{name}({})", a["name"].as_str().unwrap()),
                input_line(a),
            );
        }
    }
    model
}

fn from_sdl(definitions: &[TypeSystemDefinition]) -> Model {
    let mut model = Model::new();
    let mut roots = ("Query".to_string(), "-".to_string(), "-".to_string());
    // Without a `schema` block the roots are the types of the conventional names.
    let has_type = |n: &str| {
        definitions
            .iter()
            .any(|d| matches!(d, TypeSystemDefinition::Type(t) if t.node.name.node == n))
    };
    if has_type("Mutation") {
        roots.1 = "Mutation".into();
    }
    if has_type("Subscription") {
        roots.2 = "Subscription".into();
    }
    for definition in definitions {
        match definition {
            TypeSystemDefinition::Schema(schema) => {
                let name = |n: &Option<Positioned<async_graphql::Name>>| {
                    n.as_ref().map_or("-".to_string(), |n| n.node.to_string())
                };
                roots = (
                    name(&schema.node.query),
                    name(&schema.node.mutation),
                    name(&schema.node.subscription),
                );
            }
            TypeSystemDefinition::Type(t) => {
                let t = &t.node;
                let name = t.name.node.as_str();
                let desc = t.description.as_ref().map(|d| d.node.as_str());
                let set = |names: &[Positioned<async_graphql::Name>]| -> BTreeSet<String> {
                    names.iter().map(|n| n.node.to_string()).collect()
                };
                let none = BTreeSet::new();
                let line = match &t.kind {
                    TypeKind::Scalar => {
                        let url = directive_arg(&t.directives, "specifiedBy", "url");
                        type_line("SCALAR", desc, &none, &none, url.as_deref())
                    }
                    TypeKind::Object(o) => {
                        type_line("OBJECT", desc, &set(&o.implements), &none, None)
                    }
                    TypeKind::Interface(i) => {
                        // An interface's possible types are the objects that implement it.
                        let implementors: BTreeSet<String> = definitions
                            .iter()
                            .filter_map(|d| match d {
                                TypeSystemDefinition::Type(o) => match &o.node.kind {
                                    TypeKind::Object(obj)
                                        if obj.implements.iter().any(|n| n.node == name) =>
                                    {
                                        Some(o.node.name.node.to_string())
                                    }
                                    _ => None,
                                },
                                _ => None,
                            })
                            .collect();
                        type_line("INTERFACE", desc, &set(&i.implements), &implementors, None)
                    }
                    TypeKind::Union(u) => type_line("UNION", desc, &none, &set(&u.members), None),
                    TypeKind::Enum(_) => type_line("ENUM", desc, &none, &none, None),
                    TypeKind::InputObject(_) => type_line("INPUT_OBJECT", desc, &none, &none, None),
                };
                model.insert(format!("type {name}"), line);
                let fields = match &t.kind {
                    TypeKind::Object(o) => o.fields.as_slice(),
                    TypeKind::Interface(i) => i.fields.as_slice(),
                    _ => &[],
                };
                for f in fields {
                    let f = &f.node;
                    let field = f.name.node.as_str();
                    model.insert(
                        format!("field {name}.{field}"),
                        member_line(
                            &type_text(&f.ty.node),
                            None,
                            f.description.as_ref().map(|d| d.node.as_str()),
                            sdl_deprecation(&f.directives),
                        ),
                    );
                    for a in &f.arguments {
                        model.insert(
                            format!("argument {name}.{field}({})", a.node.name.node),
                            sdl_input_line(&a.node),
                        );
                    }
                }
                if let TypeKind::InputObject(i) = &t.kind {
                    for f in &i.fields {
                        model.insert(
                            format!("input field {name}.{}", f.node.name.node),
                            sdl_input_line(&f.node),
                        );
                    }
                }
                if let TypeKind::Enum(e) = &t.kind {
                    for v in &e.values {
                        model.insert(
                            format!("enum value {name}.{}", v.node.value.node),
                            member_line(
                                "",
                                None,
                                v.node.description.as_ref().map(|d| d.node.as_str()),
                                sdl_deprecation(&v.node.directives),
                            ),
                        );
                    }
                }
            }
            TypeSystemDefinition::Directive(d) => {
                let d = &d.node;
                if BUILT_IN_DIRECTIVES.contains(&d.name.node.as_str()) {
                    model.insert(
                        format!("built-in directive @{}", d.name.node),
                        "present".into(),
                    );
                    continue;
                }
                let locations = d
                    .locations
                    .iter()
                    .map(|l| screaming(&format!("{:?}", l.node)));
                model.insert(
                    format!("directive @{}", d.name.node),
                    // Not `repeatable`: async-graphql-parser 7.2 reads every directive
                    // definition as repeatable (its grammar's `repeatable` rule matches empty).
                    format!(
                        "on {} | {}",
                        sorted(locations),
                        description(d.description.as_ref().map(|x| x.node.as_str()))
                    ),
                );
                for a in &d.arguments {
                    model.insert(
                        format!("argument @{}({})", d.name.node, a.node.name.node),
                        sdl_input_line(&a.node),
                    );
                }
            }
        }
    }
    model.insert(
        "roots".into(),
        format!(
            "query {} mutation {} subscription {}",
            roots.0, roots.1, roots.2
        ),
    );
    model
}

fn type_line(
    kind: &str,
    desc: Option<&str>,
    interfaces: &BTreeSet<String>,
    possible: &BTreeSet<String>,
    specified_by: Option<&str>,
) -> String {
    format!(
        "{kind} implements {interfaces:?} possible {possible:?} specifiedBy {specified_by:?} | {}",
        description(desc)
    )
}

fn member_line(
    ty: &str,
    default: Option<String>,
    desc: Option<&str>,
    deprecated: Option<String>,
) -> String {
    format!(
        "{ty} default {default:?} deprecated {deprecated:?} | {}",
        description(desc)
    )
}

fn input_line(v: &Value) -> String {
    let default = v["defaultValue"].as_str().map(normalise_value);
    member_line(
        &type_ref(&v["type"]),
        default,
        v["description"].as_str(),
        deprecation(v),
    )
}

fn sdl_input_line(v: &InputValueDefinition) -> String {
    member_line(
        &type_text(&v.ty.node),
        v.default_value.as_ref().map(|d| d.node.to_string()),
        v.description.as_ref().map(|d| d.node.as_str()),
        sdl_deprecation(&v.directives),
    )
}

fn description(d: Option<&str>) -> String {
    format!("description {d:?}")
}

/// `isDeprecated`/`deprecationReason` as one value: `None`, or `Some(reason)` ("" for none).
fn deprecation(v: &Value) -> Option<String> {
    (v["isDeprecated"] == true).then(|| {
        v["deprecationReason"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    })
}

fn sdl_deprecation(directives: &[Positioned<ConstDirective>]) -> Option<String> {
    directives
        .iter()
        .find(|d| d.node.name.node == "deprecated")
        .map(|_| directive_arg(directives, "deprecated", "reason").unwrap_or_default())
}

fn directive_arg(
    directives: &[Positioned<ConstDirective>],
    directive: &str,
    arg: &str,
) -> Option<String> {
    let d = directives.iter().find(|d| d.node.name.node == directive)?;
    match &d.node.get_argument(arg)?.node {
        async_graphql::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// A type reference from introspection, written as in SDL (`[Sme!]!`).
fn type_ref(t: &Value) -> String {
    match t["kind"].as_str() {
        Some("NON_NULL") => format!("{}!", type_ref(&t["ofType"])),
        Some("LIST") => format!("[{}]", type_ref(&t["ofType"])),
        _ => t["name"].as_str().expect("a named type").to_string(),
    }
}

fn type_text(t: &Type) -> String {
    let base = match &t.base {
        BaseType::Named(n) => n.to_string(),
        BaseType::List(inner) => format!("[{}]", type_text(inner)),
    };
    if t.nullable {
        base
    } else {
        format!("{base}!")
    }
}

/// A default value from introspection (GraphQL literal text) in the parser's canonical form,
/// so `[EN,KM]` and `[EN, KM]` compare equal.
fn normalise_value(literal: &str) -> String {
    let doc = async_graphql::parser::parse_schema(format!("input X {{ x: Int = {literal} }}"))
        .unwrap_or_else(|e| panic!("default value {literal:?} does not parse: {e}"));
    match &doc.definitions[0] {
        TypeSystemDefinition::Type(t) => match &t.node.kind {
            TypeKind::InputObject(i) => i.fields[0]
                .node
                .default_value
                .as_ref()
                .expect("default")
                .node
                .to_string(),
            _ => unreachable!(),
        },
        _ => unreachable!(),
    }
}

fn screaming(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

fn sorted(items: impl Iterator<Item = String>) -> String {
    items
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
        .join(" | ")
}
