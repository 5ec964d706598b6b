//! Relay paging through `smes` and `investors`: every item exactly once, in creation order.

mod common;

use std::collections::HashSet;

use common::*;
use serde_json::{json, Value};

const PAGE: &str = "query($first: Int, $after: String) {
    smes(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node { id name { en } } }
    }
}";

#[test]
fn pages_cover_every_sme_once_in_order() {
    let s = TestServer::start();
    let mut published = Vec::new();
    for i in 0..23 {
        let mut input = sme_input();
        input["name"]["en"] = json!(format!("Shop {i:02}"));
        published.push(publish_sme(&s, input));
    }
    // Archive one in the middle: it must vanish from the listing and the total.
    let gone = published.remove(7);
    s.as_sme().ok(
        "mutation($id: ID!) { archiveSme(id: $id) { id } }",
        json!({ "id": gone }),
    );

    let mut seen = Vec::new();
    let mut after = Value::Null;
    let mut pages = 0;
    loop {
        let page = s.ok(PAGE, json!({ "first": 5, "after": after }))["smes"].clone();
        pages += 1;
        assert_eq!(page["totalCount"], 22);
        assert_eq!(page["pageInfo"]["hasPreviousPage"], json!(pages > 1));
        let edges = page["edges"].as_array().unwrap().clone();
        assert!(edges.len() <= 5);
        for e in &edges {
            assert_eq!(e["cursor"], e["node"]["id"]);
            seen.push(e["node"]["id"].as_str().unwrap().to_string());
        }
        assert_eq!(
            page["pageInfo"]["endCursor"],
            edges
                .last()
                .map(|e| e["cursor"].clone())
                .unwrap_or(Value::Null)
        );
        if page["pageInfo"]["hasNextPage"] == json!(false) {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(pages, 5);
    assert_eq!(seen, published, "every published SME once, oldest first");
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 22);

    // A page size of zero answers the count only; the default page is 20.
    let page = s.ok(PAGE, json!({ "first": 0 }))["smes"].clone();
    assert_eq!(page["edges"], json!([]));
    assert_eq!(page["totalCount"], 22);
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let page = s.ok(PAGE, json!({}))["smes"].clone();
    assert_eq!(page["edges"].as_array().unwrap().len(), 20);
}

#[test]
fn bad_page_arguments_are_bad_input() {
    let s = TestServer::start();
    for (vars, field) in [
        (json!({ "first": -1 }), "first"),
        (json!({ "first": 101 }), "first"),
        (json!({ "after": "page-2" }), "after"),
    ] {
        let body = s.gql(PAGE, vars);
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body:#}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field);
    }
}

#[test]
fn investors_page_too() {
    let s = TestServer::start();
    let ids: Vec<String> = (0..3)
        .map(|_| publish_investor(&s, investor_input()))
        .collect();
    let q = "query($after: String) { investors(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }";
    let p1 = s.ok(q, json!({}))["investors"].clone();
    let p2 = s.ok(q, json!({ "after": p1["pageInfo"]["endCursor"] }))["investors"].clone();
    assert_eq!(p1["totalCount"], 3);
    assert_eq!(p1["pageInfo"]["hasNextPage"], true);
    assert_eq!(p2["pageInfo"]["hasNextPage"], false);
    let got: Vec<&str> = p1["edges"]
        .as_array()
        .unwrap()
        .iter()
        .chain(p2["edges"].as_array().unwrap())
        .map(|e| e["node"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(got, ids);
}
