//! Reference data through the API: the ISIC tree, provinces and the digital questionnaire.

mod common;

use common::*;
use serde_json::json;

#[test]
fn sectors_provinces_questionnaire() {
    let s = TestServer::start();
    let d = s.ok(
        "{ sections: sectors { code level name { en km ko } hasChildren }
           food: sectors(parent: \"107\") { code level parentCode section name { en } hasChildren }
           leaf: sectors(parent: \"1079\") { code }
           one: sector(code: \"4791\") { name { en } section }
           provinces { code nationalCode name { en km ko } }
           digitalQuestionnaire { questions { indicator level points question { en km ko } } rule { en km ko } } }",
        json!({}),
    );
    let sections = d["sections"].as_array().unwrap();
    assert_eq!(sections.len(), 21);
    assert_eq!(sections[2]["code"], "C");
    assert_eq!(sections[2]["level"], "SECTION");
    assert_eq!(sections[2]["name"]["ko"], "제조업");
    assert!(sections
        .iter()
        .all(|s| s["name"]["km"].is_string() && s["hasChildren"] == true));
    let food = d["food"].as_array().unwrap();
    assert!(food.iter().any(|c| c["code"] == "1079"));
    assert!(food
        .iter()
        .all(|c| c["level"] == "CLASS" && c["section"] == "C" && c["parentCode"] == "107"));
    assert_eq!(d["leaf"], json!([]));
    assert_eq!(d["one"]["section"], "G");

    let provinces = d["provinces"].as_array().unwrap();
    assert_eq!(provinces.len(), 25);
    let pp = provinces.iter().find(|p| p["code"] == "KH-12").unwrap();
    assert_eq!(
        pp["name"],
        json!({ "en": "Phnom Penh", "km": "រាជធានីភ្នំពេញ", "ko": "프놈펜" })
    );

    let qs = d["digitalQuestionnaire"]["questions"].as_array().unwrap();
    assert_eq!(qs.len(), 14);
    assert_eq!(
        qs.iter()
            .map(|q| q["points"].as_i64().unwrap())
            .sum::<i64>(),
        100
    );
    assert!(qs
        .iter()
        .all(|q| q["question"]["km"].is_string() && q["question"]["ko"].is_string()));

    let body = s.gql("{ sectors(parent: \"XYZ\") { code } }", json!({}));
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "parent");

    let a = s.ok(
        "{ assessDigital(indicators: [WEBSITE, ONLINE_STORE, ERP, CRM, CLOUD_BACKOFFICE]) { level score } }",
        json!({}),
    );
    assert_eq!(
        a["assessDigital"],
        json!({ "level": "ADVANCED", "score": 40 })
    );
}

#[test]
fn health_and_graphiql() {
    let s = TestServer::start();
    assert_eq!(s.get("/healthz"), (200, "ok".to_string()));
    let (status, html) = s.get("/graphiql");
    assert_eq!(status, 200);
    assert!(
        html.contains("graphiql") || html.contains("GraphiQL"),
        "GraphiQL page served"
    );
    assert_eq!(s.get("/nope").0, 404);
}
