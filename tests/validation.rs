//! Every kind of bad input is refused with `BAD_USER_INPUT`, names the offending field, and
//! leaves the database exactly as it was.

mod common;

use common::*;
use serde_json::{json, Value};

/// Applies `change` to a valid input, submits it, and checks the refusal and that nothing moved.
fn refused(
    s: &TestServer,
    as_role: fn(&TestServer) -> Client<'_>,
    mutation: &str,
    base: Value,
    change: impl Fn(&mut Value),
    field: &str,
) -> Value {
    let before = row_counts(s);
    let mut input = base;
    change(&mut input);
    let body = as_role(s).gql(mutation, json!({ "input": input }));
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body:#}");
    let fields = body["errors"][0]["extensions"]["fields"].clone();
    assert!(
        fields
            .as_array()
            .is_some_and(|f| f.iter().any(|x| x == field)),
        "expected {field} among {fields}: {body:#}"
    );
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(field),
        "the message names {field}: {message}"
    );
    assert_eq!(body["data"], Value::Null, "no partial result");
    assert_eq!(row_counts(s), before, "nothing written for {field}");
    body
}

#[test]
fn bad_sme_inputs() {
    let s = TestServer::start();
    let bad = |change: &dyn Fn(&mut Value), field: &str| {
        refused(
            &s,
            TestServer::as_sme,
            PUBLISH_SME,
            sme_input(),
            change,
            field,
        )
    };
    bad(&|i| i["sectorCode"] = json!("9999"), "input.sectorCode");
    let body = bad(&|i| i["sectorCode"] = json!("107"), "input.sectorCode");
    assert!(
        body.to_string().contains("class"),
        "explains that a class is needed"
    );
    bad(
        &|i| i["secondarySectorCodes"] = json!(["0125", "X1"]),
        "input.secondarySectorCodes[1]",
    );
    bad(
        &|i| i["provinceCode"] = json!("KH-26"),
        "input.provinceCode",
    );
    bad(
        &|i| i["provinceCode"] = json!("Phnom Penh"),
        "input.provinceCode",
    );
    bad(&|i| i["name"] = json!({}), "input.name");
    bad(
        &|i| i["name"] = json!({ "en": "   ", "km": "" }),
        "input.name",
    );
    // A name is one line (it heads letters, lists and spreadsheet cells).
    let body = bad(
        &|i| i["name"] = json!({ "km": "ហាងសុខា\nកាហ្វេ" }),
        "input.name",
    );
    assert!(body.to_string().contains("one line"), "{body:#}");
    bad(
        &|i| i["description"] = json!({ "en": null }),
        "input.description",
    );
    bad(
        &|i| i["capitalSoughtMinUsd"] = json!(-1),
        "input.capitalSoughtMinUsd",
    );
    bad(
        &|i| {
            i["capitalSoughtMinUsd"] = json!(500000);
            i["capitalSoughtMaxUsd"] = json!(1000);
        },
        "input.capitalSoughtMinUsd",
    );
    bad(
        &|i| i["capitalSoughtMaxUsd"] = json!(99_000_000_000i64),
        "input.capitalSoughtMaxUsd",
    );
    // Past GraphQL's 32-bit Int: strict clients could not read it back.
    bad(
        &|i| i["capitalSoughtMaxUsd"] = json!(5_000_000_000i64),
        "input.capitalSoughtMaxUsd",
    );
    bad(&|i| i["foundedYear"] = json!(1066), "input.foundedYear");
    bad(&|i| i["foundedYear"] = json!(3000), "input.foundedYear");
    bad(&|i| i["employees"] = json!(-4), "input.employees");
    bad(&|i| i["name"]["km"] = json!("ក".repeat(201)), "input.name");
    bad(
        &|i| i["description"]["en"] = json!("a".repeat(5001)),
        "input.description",
    );
    bad(
        &|i| i["name"]["en"] = json!("bad\u{0007}bell"),
        "input.name",
    );
    bad(
        &|i| i["contact"]["email"] = json!("sokha at example"),
        "input.contact.email",
    );
    bad(
        &|i| i["contact"]["email"] = json!("sokha@localhost"),
        "input.contact.email",
    );
    bad(
        &|i| i["contact"]["phone"] = json!("call me"),
        "input.contact.phone",
    );
    bad(
        &|i| i["contact"]["telegram"] = json!("@x"),
        "input.contact.telegram",
    );
    bad(
        &|i| i["languages"] = json!(["km", "khmer"]),
        "input.languages[1]",
    );
    bad(
        &|i| i["secondarySectorCodes"] = json!(vec!["0111"; 11]),
        "input.secondarySectorCodes",
    );

    // Several bad fields at once: each is named.
    let body = bad(
        &|i| {
            i["sectorCode"] = json!("0000");
            i["provinceCode"] = json!("KH-0");
            i["contact"]["email"] = json!("@");
        },
        "input.sectorCode",
    );
    assert_eq!(
        body["errors"][0]["extensions"]["fields"],
        json!([
            "input.sectorCode",
            "input.provinceCode",
            "input.contact.email"
        ])
    );
}

#[test]
fn bad_investor_inputs() {
    let s = TestServer::start();
    // The engine's own refusals name the field too: a value no enum has, an input field the
    // type lacks (before, only the code).
    for (change, field) in [
        (
            json!({ "organizationType": "DISTRIBUTOR" }),
            "input.organizationType",
        ),
        (json!({ "name": { "fr": "Société" } }), "input.name.fr"),
        (
            json!({ "partnershipTypes": null }),
            "input.partnershipTypes",
        ),
    ] {
        let mut input = investor_input();
        for (k, v) in change.as_object().into_iter().flatten() {
            if v.is_null() {
                input.as_object_mut().map(|o| o.remove(k));
            } else {
                input[k] = v.clone();
            }
        }
        let body = s
            .as_investor()
            .gql(PUBLISH_INVESTOR, json!({ "input": input }));
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body:#}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body:#}");
        assert_eq!(
            body["errors"][0]["extensions"]["fields"][0], field,
            "{body:#}"
        );
    }
    let bad = |change: &dyn Fn(&mut Value), field: &str| {
        refused(
            &s,
            TestServer::as_investor,
            PUBLISH_INVESTOR,
            investor_input(),
            change,
            field,
        )
    };
    bad(
        &|i| i["sectorInterests"] = json!(["G", "ZZ"]),
        "input.sectorInterests[1]",
    );
    bad(
        &|i| i["excludedSectors"] = json!(["20"]),
        "input.excludedSectors[0]",
    );
    bad(&|i| i["ticketMinUsd"] = json!(-100), "input.ticketMinUsd");
    bad(
        &|i| {
            i["ticketMinUsd"] = json!(2_000_000);
            i["ticketMaxUsd"] = json!(10_000);
        },
        "input.ticketMinUsd",
    );
    bad(
        &|i| i["preferredProvinces"] = json!(["KH-12", "KH-99"]),
        "input.preferredProvinces[1]",
    );
    bad(&|i| i["name"] = json!({ "ko": "" }), "input.name");
    bad(
        &|i| i["contact"]["email"] = json!("minji@@hanbit.example"),
        "input.contact.email",
    );
}

/// Updates are checked the same way and leave the stored profile untouched.
#[test]
fn bad_update_changes_nothing() {
    let s = TestServer::start();
    let id = publish_sme(&s, sme_input());
    let before = s.ok(
        &format!("query($id: ID!) {{ sme(id: $id) {{ {SME_FIELDS} }} }}"),
        json!({ "id": id }),
    );
    let mut input = sme_input();
    input["provinceCode"] = json!("KH-77");
    let body = s.as_sme().gql(
        "mutation($id: ID!, $input: SmeInput!) { updateSme(id: $id, input: $input) { id } }",
        json!({ "id": id, "input": input }),
    );
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert_eq!(
        body["errors"][0]["extensions"]["field"],
        "input.provinceCode"
    );
    let after = s.ok(
        &format!("query($id: ID!) {{ sme(id: $id) {{ {SME_FIELDS} }} }}"),
        json!({ "id": id }),
    );
    assert_eq!(before, after);
    assert_eq!(row_counts(&s), (1, 0, 1));
}

/// Input the GraphQL layer itself rejects (unknown enum values, wrong types, missing required
/// fields) is the user's input too, and gets the same code; syntax errors get their own.
#[test]
fn malformed_graphql_gets_stable_codes() {
    let s = TestServer::start();
    let before = row_counts(&s);
    let mut input = sme_input();
    input["partnershipTypes"] = json!(["FRIENDSHIP"]);
    let body = s.as_sme().gql(PUBLISH_SME, json!({ "input": input }));
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body:#}");
    let mut input = sme_input();
    input["employees"] = json!("many");
    let body = s.as_sme().gql(PUBLISH_SME, json!({ "input": input }));
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body:#}");
    let mut input = sme_input();
    input.as_object_mut().unwrap().remove("sectorCode");
    let body = s.as_sme().gql(PUBLISH_SME, json!({ "input": input }));
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body:#}");
    let body = s.as_sme().gql(
        "mutation { publishSme(input: { name: { en: \"x\" } }) { id } }",
        json!({}),
    );
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body:#}");
    assert_eq!(row_counts(&s), before);

    let body = s.gql("{ smes { edges { node { id } } ", json!({}));
    assert_eq!(error_code(&body), "GRAPHQL_PARSE_FAILED", "{body:#}");
    let body = s.gql("{ smes { noSuchField } }", json!({}));
    assert_eq!(error_code(&body), "GRAPHQL_VALIDATION_FAILED", "{body:#}");
}

/// The engine's validator never looked at `__typename` (QA: "repeated @skip accepted"): a
/// repeated or malformed `@skip`, an unknown directive or argument and an undefined variable
/// all ran there, and a variable used only there was refused as unused. Now a valid document
/// runs, an invalid one gets the code the same mistake gets on any other field, and the depth
/// limit still holds for a document that only the old "unused" refusal had stopped.
#[test]
fn typename_is_validated_like_any_other_field() {
    let s = TestServer::start();
    let skipped = "query($v: Boolean!) { __typename @skip(if: $v) }";
    let body = s.gql(skipped, json!({ "v": true }));
    assert_eq!(body, json!({ "data": {} }), "{body:#}");
    let body = s.gql(skipped, json!({ "v": false }));
    assert_eq!(
        body,
        json!({ "data": { "__typename": "Query" } }),
        "{body:#}"
    );
    let through_a_fragment = "query Q($v: Boolean = true) { smes(first: 1) { totalCount } ...F } \
                              fragment F on Query { t: __typename @include(if: $v) }";
    let body = s.gql(through_a_fragment, json!({}));
    assert_eq!(body["data"]["t"], "Query", "{body:#}");

    for (query, code) in [
        (
            "{ __typename @skip(if: false) @skip(if: false) }",
            "GRAPHQL_VALIDATION_FAILED",
        ),
        ("{ __typename @skip }", "GRAPHQL_VALIDATION_FAILED"),
        ("{ __typename @nosuch }", "GRAPHQL_VALIDATION_FAILED"),
        ("{ __typename(x: 1) }", "GRAPHQL_VALIDATION_FAILED"),
        ("{ __typename { a } }", "GRAPHQL_VALIDATION_FAILED"),
        ("{ __typename @skip(if: $v) }", "GRAPHQL_VALIDATION_FAILED"),
        ("{ __typename @skip(if: \"yes\") }", "BAD_USER_INPUT"),
    ] {
        let body = s.gql(query, json!({}));
        assert_eq!(error_code(&body), code, "{query}: {body:#}");
        assert!(body.get("data").is_none(), "a request error: {body:#}");
    }

    // A value sent that is no Boolean: refused as on any other field, not read as false.
    let body = s.gql(
        "query($v: Boolean = true) { a: __typename @include(if: $v) }",
        json!({ "v": "yes" }),
    );
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body:#}");

    // Too deep, with a variable only `__typename` uses: still refused for its depth.
    let mut of_type = String::from("{ name }");
    for _ in 0..12 {
        of_type = format!("{{ kind ofType {of_type} }}");
    }
    let deep = format!(
        "query($v: Boolean!) {{ __typename @skip(if: $v) smes {{ totalCount }} \
         __type(name: \"Sme\") {{ fields {{ type {of_type} }} }} }}"
    );
    let body = s.gql(&deep, json!({ "v": true }));
    assert_eq!(error_code(&body), "GRAPHQL_VALIDATION_FAILED", "{body:#}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("nested too deep")),
        "{body:#}"
    );
}

/// The engine decided `@skip` and `@include` from the variables sent alone, so a variable left
/// out read as false whatever its default: `$details: Boolean = true` dropped the field it was
/// meant to keep. A default now counts as the spec's coercion says; a value sent wins.
#[test]
fn a_variables_default_decides_skip_and_include() {
    let s = TestServer::start();
    let include =
        "query($details: Boolean = true) { smes(first: 1) { totalCount @include(if: $details) } }";
    let body = s.gql(include, json!({}));
    assert_eq!(
        body,
        json!({ "data": { "smes": { "totalCount": 0 } } }),
        "{body:#}"
    );
    let body = s.gql(include, json!({ "details": false }));
    assert!(body["data"]["smes"].get("totalCount").is_none(), "{body:#}");
    let skip = "query($brief: Boolean = true) { smes(first: 1) { totalCount pageInfo @skip(if: $brief) { hasNextPage } } }";
    let body = s.gql(skip, json!({}));
    assert_eq!(
        body,
        json!({ "data": { "smes": { "totalCount": 0 } } }),
        "{body:#}"
    );
    // Of the operation the request runs, not of another in the same document.
    let two = "query A($v: Boolean = false) { smes(first: 1) { totalCount @include(if: $v) } } \
               query B($v: Boolean = true) { smes(first: 1) { totalCount @include(if: $v) } }";
    let body: Value = ureq::post(&format!("{}/graphql", s.base))
        .send_json(json!({ "query": two, "operationName": "B" }))
        .expect("200")
        .into_json()
        .expect("JSON");
    assert_eq!(body["data"]["smes"]["totalCount"], 0, "{body:#}");
}
