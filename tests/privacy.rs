//! Privacy through the side doors: nothing the visibility policy hides may be learnt from a
//! ranking, a match list or the difference between two error answers.

mod common;

use common::*;
use serde_json::{json, Value};

const TEXT_ONLY: &str =
    "{ text: 1, sector: 0, digital: 0, incentive: 0, ticket: 0, partnership: 0, location: 0 }";

/// An investor whose only text is `word`, published by a fresh INVESTOR account.
fn investor_saying(s: &TestServer, word: &str) -> String {
    let (token, _) = s.sign_up("INVESTOR");
    let mut input = investor_input();
    input["name"] = json!({ "en": format!("Probe {word}") });
    input["description"] = json!({ "en": word });
    let data = s
        .as_token(&token)
        .ok(PUBLISH_INVESTOR, json!({ "input": input }));
    data["publishInvestor"]["id"].as_str().unwrap().to_string()
}

fn text_value(matches: &Value, investor: &str) -> f64 {
    let m = matches
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["investor"]["id"] == investor)
        .unwrap_or_else(|| panic!("{investor} not ranked in {matches:#}"));
    m["explanation"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["feature"] == "TEXT")
        .unwrap()["value"]
        .as_f64()
        .unwrap()
}

/// Leak 1: writing a guess of an ANONYMOUS SME's hidden name into one's own profile and ranking
/// by text alone must not tell whether the guess is in the name.
#[test]
fn an_anonymous_name_cannot_be_guessed_through_the_ranking() {
    let s = TestServer::start();
    let secret = token(4242);
    let mut input = sme_input();
    input["visibility"] = json!("ANONYMOUS");
    input["name"] = json!({ "en": format!("{secret} Cashew House") });
    let sme = publish_sme(&s, input);
    let right_guess = investor_saying(&s, &secret);
    let wrong_guess = investor_saying(&s, &token(777));
    // A word the SME's public description does contain does rank: the probe itself works.
    let described = investor_saying(&s, "roast");
    let q = format!(
        "query($id: ID!) {{ matchesForSme(smeId: $id, first: 100, weights: {TEXT_ONLY}) {{
            investor {{ id }} explanation {{ feature value }} }} }}"
    );
    for viewer in [None, Some(s.investor_token.clone())] {
        let data = match &viewer {
            None => s.ok(&q, json!({ "id": sme })),
            Some(t) => s.as_token(t).ok(&q, json!({ "id": sme })),
        };
        let matches = &data["matchesForSme"];
        assert_eq!(text_value(matches, &right_guess), 0.0, "{matches:#}");
        assert_eq!(
            text_value(matches, &right_guess),
            text_value(matches, &wrong_guess)
        );
        assert!(text_value(matches, &described) > 0.0, "{matches:#}");
    }
}

/// Leak 2: a match list shows pipeline facts (stage, dates, answers) only to staff, and to the
/// two parties once staff introduced them; to everyone else a pair in the pipeline looks like
/// any ranked pair. Before the introduction the parties are told nothing either, by no door:
/// not the lists, not `match(id)`, not the error of answering it.
#[test]
fn match_lists_show_pipeline_facts_only_to_staff_and_introduced_parties() {
    let s = TestServer::start();
    let sme = publish_sme(&s, sme_input());
    let mut inv = investor_input();
    inv["sectorInterests"] = json!(["10"]);
    let investor = publish_investor(&s, inv);
    let (staff, _) = operator_account(&s, "STAFF");
    let id = introduced(&s, &staff, &sme, &investor, None);
    let q = "query($i: ID!, $s: ID!) {
        byInvestor: matchesForInvestor(investorId: $i, first: 100) { sme { id } stage createdAt updatedAt smeResponse introduction }
        bySme: matchesForSme(smeId: $s, first: 100) { investor { id } stage createdAt updatedAt investorResponse introduction }
    }";
    let vars = json!({ "i": investor, "s": sme });
    let pick = |data: &Value, list: &str, side: &str, id: &str| -> Value {
        data[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m[side]["id"] == id)
            .unwrap_or_else(|| panic!("pair not ranked in {data:#}"))
            .clone()
    };
    let seen_as = |who: Option<&str>, stage: &str| {
        let data = match who {
            None => s.ok(q, vars.clone()),
            Some(t) => s.as_token(t).ok(q, vars.clone()),
        };
        for m in [
            pick(&data, "byInvestor", "sme", &sme),
            pick(&data, "bySme", "investor", &investor),
        ] {
            assert_eq!(m["stage"], stage, "{m:#}");
            // When staff shortlisted the pair is staff business, even once introduced.
            let staff_reads = who == Some(staff.as_str());
            assert_eq!(
                m["createdAt"].is_string(),
                staff_reads && stage != "SUGGESTED",
                "{m:#}"
            );
            assert_eq!(m["updatedAt"].is_string(), stage != "SUGGESTED", "{m:#}");
        }
    };
    let (outsider_sme, _) = s.sign_up("SME");
    let (outsider_inv, _) = s.sign_up("INVESTOR");
    let strangers = [
        None,
        Some(outsider_sme.as_str()),
        Some(outsider_inv.as_str()),
    ];
    let parties = [s.sme_token.as_str(), s.investor_token.as_str()];
    let by_id = "query($id: ID!) { match(id: $id) { id stage } }";
    let answer =
        "mutation($id: ID!) { respondToIntroduction(matchId: $id, accept: true) { stage } }";
    // An id of no match at all, answered the same way.
    let unknown = "00000000-0000-4000-8000-000000000001";

    // Shortlisted: staff business.
    for who in strangers {
        seen_as(who, "SUGGESTED");
    }
    seen_as(Some(&staff), "SHORTLISTED");
    for party in parties {
        seen_as(Some(party), "SUGGESTED");
        let p = s.as_token(party);
        assert_eq!(p.ok(by_id, json!({ "id": id }))["match"], Value::Null);
        let (known, none) = (
            p.gql(answer, json!({ "id": id })),
            p.gql(answer, json!({ "id": unknown })),
        );
        assert_eq!(error_code(&known), "NOT_FOUND", "{known:#}");
        assert_eq!(
            known["errors"][0]["message"]
                .as_str()
                .unwrap()
                .replace(&id, "ID"),
            none["errors"][0]["message"]
                .as_str()
                .unwrap()
                .replace(unknown, "ID"),
        );
    }

    // Introduced: the parties' business too, still nobody else's.
    s.as_token(&staff).ok(
        "mutation($id: ID!) { introduce(matchId: $id, message: \"You both work with cashew.\") { stage } }",
        json!({ "id": id }),
    );
    for who in strangers {
        seen_as(who, "SUGGESTED");
    }
    for who in [staff.as_str(), parties[0], parties[1]] {
        seen_as(Some(who), "INTRODUCED");
        let m = s.as_token(who).ok(by_id, json!({ "id": id }));
        assert_eq!(m["match"]["stage"], "INTRODUCED", "{m:#}");
    }
}

/// Leak 3: a profile's public text is searched, highlighted and shown to everyone, so a phone
/// number or e-mail written there reached investors before any introduction, and an ANONYMOUS
/// SME's name written into its description undid the anonymity. Refused at the door, named by
/// the field, with nothing saved or searchable.
#[test]
fn a_profile_text_cannot_carry_its_contact_details_or_hidden_name() {
    let s = TestServer::start();
    let count = || {
        sql_scalar(&s, "SELECT COUNT(*) FROM smes")
            .as_i64()
            .unwrap_or_default()
    };
    let before = count();
    let mut local = sme_input();
    local["contact"]["phone"] = json!("012 987 654");
    for (visibility, name, description, field) in [
        (
            "PUBLIC",
            "Quuxly Foods",
            "Rice noodles. Call ០១២ ៩៨៧ ៦៥៤ any day.",
            "input.description.en",
        ),
        (
            "PUBLIC",
            "Quuxly Foods",
            "Rice noodles; write to sokha@sokha-cashew.example",
            "input.description.en",
        ),
        (
            "ANONYMOUS",
            "Quuxly Foods",
            "Quuxly-Foods makes rice noodles in Kampong Thom.",
            "input.description.en",
        ),
        // A word of the name that no everyday text has points at the business alone.
        (
            "ANONYMOUS",
            "Quuxly Foods",
            "Quuxly makes rice noodles in Kampong Thom.",
            "input.description.en",
        ),
        (
            "PUBLIC",
            "Quuxly Foods 012-987-654",
            "Rice noodles.",
            "input.name",
        ),
    ] {
        let mut input = local.clone();
        input["visibility"] = json!(visibility);
        input["name"] = json!({ "en": name });
        input["description"] = json!({ "en": description });
        let body = s.as_sme().gql(PUBLISH_SME, json!({ "input": input }));
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(
            body["errors"][0]["extensions"]["fields"][0], field,
            "{description}: {body:#}"
        );
        // The owner is told which word is taken for the name.
        if visibility == "ANONYMOUS" {
            let message = body["errors"][0]["message"].as_str().unwrap_or_default();
            assert!(message.to_lowercase().contains("quuxly"), "{message}");
        }
    }
    assert_eq!(count(), before, "nothing saved");
    let found = s.ok(
        "{ searchSmes(query: \"Quuxly\") { edges { node { id } } } }",
        json!({}),
    );
    assert_eq!(
        found["searchSmes"]["edges"],
        json!([]),
        "nothing searchable"
    );
    // The same business, told without them, is published.
    let mut input = local.clone();
    input["visibility"] = json!("ANONYMOUS");
    input["name"] = json!({ "en": "Quuxly Foods" });
    input["description"] = json!({ "en": "Rice noodles made in Kampong Thom since 2015." });
    publish_sme(&s, input);
    assert_eq!(count(), before + 1);
}
