//! Match queries over HTTP: exact ranking, explanations that add up, weights, hard filters.

mod common;

use common::*;
use serde_json::{json, Value};

const FOR_INVESTOR: &str =
    "query($id: ID!, $first: Int, $w: MatchWeightsInput, $f: SmeFilter, $lang: Lang) {
    matchesForInvestor(investorId: $id, first: $first, weights: $w, filter: $f, lang: $lang) {
        id stage score sme { id sectorCode provinceCode }
        explanation { feature value weight contribution reason } } }";

const FOR_SME: &str = "query($id: ID!, $first: Int, $w: MatchWeightsInput, $lang: Lang) {
    matchesForSme(smeId: $id, first: $first, weights: $w, lang: $lang) {
        id score investor { id } explanation { feature value weight contribution reason } } }";

fn sme(sector: &str, province: &str, seeks: &[&str], text: &str) -> Value {
    let mut input = sme_input();
    input["name"] = json!({ "en": format!("Enterprise {sector} {province}") });
    input["description"] = json!({ "en": text });
    input["sectorCode"] = json!(sector);
    input["secondarySectorCodes"] = json!([]);
    input["provinceCode"] = json!(province);
    input["partnershipTypes"] = json!(seeks);
    input
}

fn check_explanations(matches: &[Value]) {
    let mut last = f64::INFINITY;
    for m in matches {
        let score = m["score"].as_f64().unwrap();
        assert!(score <= last + 1e-12, "scores never increase");
        last = score;
        let factors = m["explanation"].as_array().unwrap();
        assert_eq!(factors.len(), 7);
        let sum: f64 = factors
            .iter()
            .map(|f| f["contribution"].as_f64().unwrap())
            .sum();
        assert!(
            (sum - score).abs() < 1e-9,
            "contributions {sum} sum to the score {score}"
        );
        let weights: f64 = factors.iter().map(|f| f["weight"].as_f64().unwrap()).sum();
        assert!((weights - 1.0).abs() < 1e-9);
        for f in factors {
            let (v, w, c) = (
                f["value"].as_f64().unwrap(),
                f["weight"].as_f64().unwrap(),
                f["contribution"].as_f64().unwrap(),
            );
            assert!((0.0..=1.0).contains(&v));
            assert!((v * w - c).abs() < 1e-12);
            assert!(!f["reason"].as_str().unwrap().is_empty());
        }
    }
}

#[test]
fn ranks_every_sme_exactly_and_explains_each_score() {
    let s = TestServer::start();
    let cashew = publish_sme(
        &s,
        sme(
            "1030",
            "KH-6",
            &["EQUITY", "EXPORT_MARKET_ACCESS"],
            "Cashew processing for export",
        ),
    );
    let rice = publish_sme(&s, sme("1061", "KH-2", &["EQUITY"], "Rice milling"));
    let garments = publish_sme(
        &s,
        sme("1410", "KH-12", &["MANUFACTURING"], "Garment sewing"),
    );
    let retail = publish_sme(&s, sme("4711", "KH-12", &["TRAINING"], "Minimart"));
    let tobacco = publish_sme(&s, sme("1200", "KH-6", &["EQUITY"], "Cigarette rolling"));
    let archived = publish_sme(&s, sme("1030", "KH-6", &["EQUITY"], "Cashew processing"));
    s.as_sme().ok(
        "mutation($id: ID!) { archiveSme(id: $id) { id } }",
        json!({ "id": archived }),
    );

    let mut agro = investor_input();
    agro["description"] =
        json!({ "en": "Agro-processing fund: cashew, rice and pepper for export to Korea" });
    agro["sectorInterests"] = json!(["10", "01"]);
    agro["excludedSectors"] = json!(["12"]);
    agro["partnershipTypes"] = json!(["EQUITY", "EXPORT_MARKET_ACCESS"]);
    agro["preferredProvinces"] = json!([]);
    agro["preferredDigitalLevels"] = json!(["BASIC"]);
    agro["ticketMinUsd"] = json!(100000);
    agro["ticketMaxUsd"] = json!(1000000);
    let agro = publish_investor(&s, agro);

    let all = s.ok(FOR_INVESTOR, json!({ "id": agro, "first": 100 }))["matchesForInvestor"]
        .as_array()
        .unwrap()
        .clone();
    check_explanations(&all);
    let ids: Vec<&str> = all
        .iter()
        .map(|m| m["sme"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids.len(),
        4,
        "every published SME but the excluded one: {ids:?}"
    );
    assert!(
        !ids.contains(&tobacco.as_str()),
        "excluded sectors are a hard filter"
    );
    assert!(
        !ids.contains(&archived.as_str()),
        "archived SMEs are not matched"
    );
    assert_eq!(
        ids[0], cashew,
        "same division, both needs offered, text overlap"
    );
    assert_eq!(ids[1], rice);
    assert!(ids.contains(&garments.as_str()) && ids.contains(&retail.as_str()));
    assert!(all.iter().all(|m| m["stage"] == "SUGGESTED"));

    // The top of a short list is the top of the full list: ranking is exact, not truncated.
    let top1 = s.ok(FOR_INVESTOR, json!({ "id": agro, "first": 1 }))["matchesForInvestor"].clone();
    assert_eq!(top1[0]["sme"]["id"], all[0]["sme"]["id"]);
    assert_eq!(top1[0]["score"], all[0]["score"]);
    // The same pair has the same id from either side.
    let back = s.ok(FOR_SME, json!({ "id": cashew }))["matchesForSme"]
        .as_array()
        .unwrap()
        .clone();
    check_explanations(&back);
    assert_eq!(back[0]["investor"]["id"], agro);
    assert_eq!(back[0]["id"], all[0]["id"]);

    // A filter restricts the candidates.
    let pp = s.ok(
        FOR_INVESTOR,
        json!({ "id": agro, "f": { "provinces": ["KH-12"] } }),
    )["matchesForInvestor"]
        .clone();
    let got: Vec<&str> = pp
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["sme"]["provinceCode"].as_str().unwrap())
        .collect();
    assert_eq!(got, vec!["KH-12", "KH-12"]);
}

#[test]
fn weights_are_overridden_and_normalised() {
    let s = TestServer::start();
    publish_sme(&s, sme("1030", "KH-6", &["EQUITY"], "Cashew"));
    publish_sme(&s, sme("6201", "KH-12", &["EQUITY"], "Software"));
    let mut vc = investor_input();
    vc["sectorInterests"] = json!(["62"]);
    let vc = publish_investor(&s, vc);
    let only_sector = json!({ "text": 0, "sector": 5, "digital": 0, "incentive": 0, "ticket": 0, "partnership": 0, "location": 0 });
    let m = s.ok(FOR_INVESTOR, json!({ "id": vc, "w": only_sector }))["matchesForInvestor"].clone();
    let m = m.as_array().unwrap();
    check_explanations(m);
    assert_eq!(m[0]["sme"]["sectorCode"], "6201");
    assert_eq!(m[0]["score"], 1.0);
    let sector = m[0]["explanation"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["feature"] == "SECTOR")
        .unwrap()
        .clone();
    assert_eq!(sector["weight"], 1.0);
    // Bad weights and bad arguments are the user's input.
    for (vars, field) in [
        (json!({ "id": vc, "w": { "text": -1 } }), "weights.text"),
        (
            json!({ "id": vc, "w": { "text": 0, "sector": 0, "digital": 0, "incentive": 0, "ticket": 0, "partnership": 0, "location": 0 } }),
            "weights",
        ),
        (json!({ "id": vc, "first": 1000 }), "first"),
        (json!({ "id": "nope" }), "investorId"),
        (
            json!({ "id": vc, "f": { "provinces": ["KH-99"] } }),
            "filter.provinces[0]",
        ),
    ] {
        let body = s.gql(FOR_INVESTOR, vars);
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field);
    }
    let body = s.gql(
        FOR_SME,
        json!({ "id": "01933b6e-0000-7000-8000-000000000000" }),
    );
    assert_eq!(error_code(&body), "NOT_FOUND");
}

#[test]
fn reasons_come_in_the_requested_language_and_private_fields_stay_hidden() {
    let s = TestServer::start();
    let mut hidden = sme("1030", "KH-6", &["EQUITY"], "Cashew");
    hidden["visibility"] = json!("ANONYMOUS");
    hidden["name"] = json!({ "en": "Secret Cashew Co" });
    publish_sme(&s, hidden);
    let inv = publish_investor(&s, investor_input());
    let q = "query($id: ID!, $lang: Lang) { matchesForInvestor(investorId: $id, lang: $lang) {
        sme { name { en } contact { email } } investor { contact { email } } explanation { feature reason } } }";
    let km = s.ok(q, json!({ "id": inv, "lang": "KM" }))["matchesForInvestor"][0].clone();
    let ko = s.ok(q, json!({ "id": inv, "lang": "KO" }))["matchesForInvestor"][0].clone();
    let khmer = |v: &Value| {
        v.as_str()
            .unwrap()
            .chars()
            .any(|c| ('\u{1780}'..='\u{17FF}').contains(&c))
    };
    let hangul = |v: &Value| {
        v.as_str()
            .unwrap()
            .chars()
            .any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
    };
    assert!(km["explanation"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| khmer(&f["reason"])));
    assert!(ko["explanation"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| hangul(&f["reason"])));
    assert_eq!(km["sme"]["name"], Value::Null);
    assert_eq!(km["sme"]["contact"], Value::Null);
    assert_eq!(km["investor"]["contact"], Value::Null);
    assert!(!km.to_string().contains("Secret"));
}

/// Before (QA, a Korean analyst): a mandate that named 프놈펜 gave every SME whose text said
/// Phnom Penh TEXT points on top of LOCATION's, and the reason read "Both mention Phnom Penh".
/// A place is where a profile is, which LOCATION scores from its province.
#[test]
fn a_place_both_texts_name_is_no_shared_text() {
    let s = TestServer::start();
    let placed = publish_sme(
        &s,
        sme(
            "1030",
            "KH-12",
            &["EQUITY"],
            "Cashew processing workshop in Phnom Penh",
        ),
    );
    let unplaced = publish_sme(
        &s,
        sme("1030", "KH-12", &["EQUITY"], "Cashew processing workshop"),
    );
    let mut investor = investor_input();
    investor["description"] = json!({ "ko": "프놈펜의 캐슈넛 가공 기업에 투자합니다" });
    investor["sectorInterests"] = json!(["10"]);
    investor["preferredProvinces"] = json!(["KH-12"]);
    let investor = publish_investor(&s, investor);
    let all = s.ok(FOR_INVESTOR, json!({ "id": investor, "first": 10 }))["matchesForInvestor"]
        .as_array()
        .unwrap()
        .clone();
    check_explanations(&all);
    let text_of = |id: &str| {
        let m = all
            .iter()
            .find(|m| m["sme"]["id"] == id)
            .unwrap_or_else(|| panic!("{id} ranked: {all:#?}"));
        m["explanation"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["feature"] == "TEXT")
            .cloned()
            .unwrap()
    };
    let (a, b) = (text_of(&placed), text_of(&unplaced));
    assert_eq!(a["value"], b["value"], "{a:#}\n{b:#}");
    assert!(
        a["value"].as_f64().unwrap() > 0.0,
        "cashew is shared: {a:#}"
    );
    let reason = a["reason"].as_str().unwrap();
    assert!(reason.contains("cashew"), "{reason}");
    assert!(!reason.contains("Phnom Penh"), "{reason}");
}
