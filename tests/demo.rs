//! `serve --demo` loads the demo data set once, and it has the spread the issue asks for.
//! Also runs the README's sample query, so the README cannot drift from the API.

mod common;

use std::collections::{HashMap, HashSet};

use common::*;
use serde_json::{json, Value};

fn all_smes(s: &TestServer) -> Vec<Value> {
    let q = "query($after: String) { smes(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        edges { node { provinceCode sector { section } digitalLevel visibility
                       name { en km ko } description { en km ko } } } } }";
    let mut out = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = s.ok(q, json!({ "after": after }))["smes"].clone();
        out.extend(
            page["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"].clone()),
        );
        if page["pageInfo"]["hasNextPage"] != json!(true) {
            return out;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

fn has_script(text: &Value, range: std::ops::RangeInclusive<char>) -> bool {
    text.as_str()
        .is_some_and(|t| t.chars().any(|c| range.contains(&c)))
}

#[test]
fn demo_data_set_loads_once_with_a_realistic_spread() {
    let dir = tempfile::tempdir().unwrap();
    let s = TestServer::start_in(dir.path(), &["--demo"]);
    let counts = s.ok(
        "{ smes { totalCount } investors { totalCount } }",
        json!({}),
    );
    assert_eq!(counts["smes"]["totalCount"], 2000);
    assert_eq!(counts["investors"]["totalCount"], 300);

    let smes = all_smes(&s);
    assert_eq!(smes.len(), 2000);
    let provinces: HashSet<&str> = smes
        .iter()
        .map(|n| n["provinceCode"].as_str().unwrap())
        .collect();
    assert_eq!(provinces.len(), 25, "every province");
    let sections: HashSet<&str> = smes
        .iter()
        .map(|n| n["sector"]["section"].as_str().unwrap())
        .collect();
    assert!(sections.len() >= 15, "{} ISIC sections", sections.len());
    let mut levels: HashMap<&str, usize> = HashMap::new();
    for n in &smes {
        *levels
            .entry(n["digitalLevel"].as_str().unwrap())
            .or_default() += 1;
    }
    let pct = |l: &str| levels.get(l).copied().unwrap_or(0) as f64 / 20.0;
    assert!((pct("BASIC") - 60.0).abs() <= 5.0, "{levels:?}");
    assert!((pct("INTERMEDIATE") - 30.0).abs() <= 5.0, "{levels:?}");
    assert!((pct("ADVANCED") - 10.0).abs() <= 5.0, "{levels:?}");
    // Khmer descriptions everywhere, Korean in some; names hidden for ANONYMOUS ones only.
    let khmer = '\u{1780}'..='\u{17FF}';
    assert!(smes
        .iter()
        .all(|n| has_script(&n["description"]["km"], khmer.clone())));
    let korean = smes
        .iter()
        .filter(|n| has_script(&n["description"]["ko"], '\u{AC00}'..='\u{D7A3}'))
        .count();
    assert!(korean >= 100, "{korean} SMEs with Korean text");
    for n in &smes {
        assert_eq!(n["name"].is_null(), n["visibility"] == "ANONYMOUS");
    }
    let distinct: HashSet<&str> = smes
        .iter()
        .filter_map(|n| n["description"]["en"].as_str())
        .collect();
    assert!(
        distinct.len() >= 1900,
        "descriptions vary: {} distinct",
        distinct.len()
    );

    let investors = s.ok(
        "{ investors(first: 100) { edges { node { organizationType description { ko en } } } } }",
        json!({}),
    );
    let types: HashSet<&str> = investors["investors"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["organizationType"].as_str().unwrap())
        .collect();
    assert_eq!(
        types.len(),
        8,
        "every organisation type among the first 100: {types:?}"
    );

    // A session of the demo SME account, by the password this start printed.
    let log = std::fs::read_to_string(dir.path().join("server.log")).expect("server.log");
    let (email, password) = log
        .lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            (w.next() == Some("SME")).then(|| (w.next(), w.next()))
        })
        .next_back()
        .and_then(|(e, p)| Some((e?.to_string(), p?.to_string())))
        .expect("the demo SME account's line");
    let logged_in = s.ok(
        "mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token } }",
        json!({ "e": email, "p": password }),
    );
    let token = logged_in["logIn"]["token"]
        .as_str()
        .expect("token")
        .to_string();
    assert_eq!(
        s.as_token(&token).ok("{ me { email } }", json!({}))["me"]["email"],
        email
    );

    // A second start with --demo on the same database adds nothing.
    s.stop();
    let again = TestServer::start_in(dir.path(), &["--demo"]);
    // New passwords, and the sessions of the old ones end (QA: they still answered).
    let old = again.as_token(&token).gql("{ me { email } }", json!({}));
    assert!(
        old["data"]["me"].is_null() || common::error_code(&old) == "UNAUTHENTICATED",
        "{old:#}"
    );
    let counts = again.ok(
        "{ smes { totalCount } investors { totalCount } }",
        json!({}),
    );
    assert_eq!(counts["smes"]["totalCount"], 2000);
    assert_eq!(counts["investors"]["totalCount"], 300);
    assert_eq!(row_counts(&again), (2000, 300, 2300));
}

/// The query in README.md between the `sample-query` markers answers with demo data.
#[test]
fn readme_sample_query_works() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("<!-- sample-query -->").expect("start marker");
    let end = readme.find("<!-- /sample-query -->").expect("end marker");
    let block = &readme[start..end];
    let query = block
        .split("```graphql")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a graphql code block between the markers");
    let s = TestServer::start_with(&["--demo"]);
    let data = s.ok(query, json!({}));
    let edges = data["smes"]["edges"].as_array().expect("smes edges");
    assert_eq!(edges.len(), 5);
    assert!(edges.iter().all(|e| e["node"]["displayName"]
        .as_str()
        .is_some_and(|n| !n.is_empty())));
    assert_eq!(data["investors"]["edges"].as_array().unwrap().len(), 3);
    // A spelling the demo's profiles use is offered no other (Khmer search QA: អនឡាញ "online",
    // in hundreds of profiles, was offered អនឡាន, which found two bakeries); a slip still is.
    let spelt = |q: &str| {
        s.ok(
            "query($q: String) { searchSmes(query: $q, first: 1) { totalCount didYouMean } }",
            json!({ "q": q }),
        )["searchSmes"]
            .clone()
    };
    for q in ["អនឡាញ", "ហាងអនឡាញ"] {
        let r = spelt(q);
        assert!(r["totalCount"].as_u64().is_some_and(|n| n > 50), "{q}: {r}");
        assert_eq!(r["didYouMean"], Value::Null, "{q}: {r}");
    }
    assert_eq!(spelt("ស្វាយចន្ទិ")["didYouMean"], json!("ស្វាយចន្ទី"));
}

/// Korean queries rank the businesses a word names, as the English word does (QA, this session:
/// an analyst's fourteen queries, judged by the SME's ISIC class; before, P@10 averaged 0.41 in
/// Korean against 0.96 in English, since a Korean word reaches the many profiles written only in
/// Khmer and English through its glossary concept, which scored far below a Korean text's
/// passing mention: 회계 소프트웨어 "accounting software" outranked every accounting firm). The
/// judgments are the SME's class, so they come from the demo generator, not from the ranking;
/// the texts are the project's own demo texts. Prints both languages per query.
#[test]
fn korean_queries_rank_the_businesses_a_word_names() {
    let dir = tempfile::tempdir().unwrap();
    let s = TestServer::start_in(dir.path(), &["--demo"]);
    let queries: [(&str, &str, &[&str]); 14] = [
        ("회계", "accounting", &["6920"]),
        ("병원", "hospital", &["8620", "8690"]),
        ("택배", "courier", &["5320"]),
        ("운송", "transport", &["4923", "5210", "5320"]),
        ("음식점", "restaurant", &["5610"]),
        ("식당", "restaurant", &["5610"]),
        ("의류", "garment", &["1410", "1312"]),
        (
            "식품",
            "food",
            &["1020", "1030", "1061", "1071", "1072", "1079", "4630"],
        ),
        ("학교", "school", &["8522", "8549"]),
        ("창고", "warehouse", &["5210"]),
        (
            "농업",
            "agriculture",
            &["0112", "0113", "0122", "0125", "0128", "0146"],
        ),
        ("가구", "furniture", &["3100"]),
        ("관광", "tourism", &["7911", "5510"]),
        ("건설", "construction", &["4100", "4330"]),
    ];
    let p10 = |q: &str, classes: &[&str]| -> f64 {
        let r = s.ok(
            "query($q: String) { searchSmes(query: $q, first: 10) { edges { node { sectorCode } } } }",
            json!({ "q": q }),
        );
        let edges = r["searchSmes"]["edges"].as_array().unwrap().clone();
        let hits = edges
            .iter()
            .filter(|e| classes.contains(&e["node"]["sectorCode"].as_str().unwrap()))
            .count();
        hits as f64 / 10.0
    };
    let (mut ko_sum, mut en_sum) = (0.0, 0.0);
    println!("query        P@10 | English query   P@10");
    for (ko, en, classes) in queries {
        let (k, e) = (p10(ko, classes), p10(en, classes));
        println!("{ko:10} {k:6.1} | {en:14} {e:5.1}");
        ko_sum += k;
        en_sum += e;
    }
    let n = queries.len() as f64;
    let (ko_mean, en_mean) = (ko_sum / n, en_sum / n);
    println!("MEAN       {ko_mean:6.2} | {:14} {en_mean:5.2}", "");
    // Measured 0.94 against 0.97 in English; a floor under it, not the figure.
    assert!(ko_mean >= 0.85, "Korean P@10 {ko_mean:.2}");
    assert!(en_mean >= 0.85, "English P@10 {en_mean:.2}");
}

/// The demo's own accounts own all its 2,000 businesses and 300 mandates, so the per-account
/// cap does not bind them (trying the wizard on the demo must work); any other account is
/// bound as usual.
#[test]
fn the_demo_accounts_are_not_bound_by_the_profile_cap() {
    let dir = tempfile::tempdir().unwrap();
    let s = TestServer::start_in(dir.path(), &["--demo", "--max-profiles-per-account", "1"]);
    let log = std::fs::read_to_string(dir.path().join("server.log")).expect("server log");
    let password = log
        .lines()
        .find(|l| l.contains(" sme@demo.khkr.example "))
        .and_then(|l| l.split_whitespace().last())
        .expect("the demo SME account's password in the log");
    let token = s.ok(
        "mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token } }",
        json!({ "e": "sme@demo.khkr.example", "p": password }),
    )["logIn"]["token"]
        .as_str()
        .expect("token")
        .to_string();
    const PUBLISH: &str = "mutation($input: SmeInput!) { publishSme(input: $input) { id } }";
    let demo = s
        .as_token(&token)
        .gql(PUBLISH, json!({ "input": sme_input() }));
    assert!(demo["errors"].is_null(), "{demo}");
    publish_sme(&s, sme_input());
    let other = s.as_sme().gql(PUBLISH, json!({ "input": sme_input() }));
    assert_eq!(error_code(&other), "FORBIDDEN", "{other}");
}
