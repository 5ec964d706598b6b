//! Publishing, reading back, updating and archiving profiles, over HTTP against a real server.

mod common;

use common::*;
use serde_json::{json, Value};

fn get_sme(s: &TestServer, id: &str) -> Value {
    let q = format!("query($id: ID!) {{ sme(id: $id) {{ {SME_FIELDS} }} }}");
    s.ok(&q, json!({ "id": id }))["sme"].clone()
}

/// The SME as its owner reads it (contact details included).
fn get_sme_as_owner(s: &TestServer, id: &str) -> Value {
    let q = format!("query($id: ID!) {{ sme(id: $id) {{ {SME_FIELDS} }} }}");
    s.as_sme().ok(&q, json!({ "id": id }))["sme"].clone()
}

fn get_investor(s: &TestServer, id: &str) -> Value {
    let q = format!("query($id: ID!) {{ investor(id: $id) {{ {INVESTOR_FIELDS} }} }}");
    s.ok(&q, json!({ "id": id }))["investor"].clone()
}

#[test]
fn sme_publish_read_update_archive() {
    let s = TestServer::start();
    let id = publish_sme(&s, sme_input());

    let sme = get_sme(&s, &id);
    assert_eq!(sme["id"], id);
    assert_eq!(sme["name"]["en"], "Sokha Cashew Processing");
    assert_eq!(sme["sectorCode"], "1030");
    assert_eq!(sme["secondarySectorCodes"], json!(["0125"]));
    assert_eq!(sme["provinceCode"], "KH-6");
    assert_eq!(sme["employees"], 35);
    assert_eq!(sme["foundedYear"], 2016);
    assert_eq!(sme["capitalSoughtMinUsd"], 100000);
    assert_eq!(sme["capitalSoughtMaxUsd"], 400000);
    assert_eq!(
        sme["partnershipTypes"],
        json!(["EQUITY", "EXPORT_MARKET_ACCESS"])
    );
    assert_eq!(sme["digitalLevel"], "BASIC");
    assert_eq!(sme["digitalScore"], 20);
    assert_eq!(sme["languages"], json!(["km", "en"]));
    assert_eq!(sme["visibility"], "PUBLIC");
    assert_eq!(sme["status"], "PUBLISHED");
    assert_eq!(sme["version"], 1);

    // Update: a website and accounting software make it INTERMEDIATE; content is replaced.
    let mut input = sme_input();
    input["digitalIndicators"] = json!([
        "SOCIAL_MEDIA",
        "E_PAYMENT",
        "WEBSITE",
        "ACCOUNTING_SOFTWARE"
    ]);
    input["employees"] = json!(52);
    input["secondarySectorCodes"] = json!([]);
    let q = format!("mutation($id: ID!, $input: SmeInput!) {{ updateSme(id: $id, input: $input) {{ {SME_FIELDS} }} }}");
    let updated = s.as_sme().ok(&q, json!({ "id": id, "input": input }))["updateSme"].clone();
    assert_eq!(updated["digitalLevel"], "INTERMEDIATE");
    assert_eq!(updated["digitalScore"], 31);
    assert_eq!(updated["version"], 2);
    assert_eq!(
        get_sme_as_owner(&s, &id),
        updated,
        "a read returns what the update returned"
    );
    assert_eq!(
        get_sme(&s, &id)["contact"],
        Value::Null,
        "anonymous readers get no contact"
    );
    assert_eq!(get_sme(&s, &id)["secondarySectorCodes"], json!([]));

    // Archive: the mutation answers with the archived profile; it then leaves public reads.
    let archived = s.as_sme().ok(
        "mutation($id: ID!) { archiveSme(id: $id) { status version } }",
        json!({ "id": id }),
    );
    assert_eq!(
        archived["archiveSme"],
        json!({ "status": "ARCHIVED", "version": 3 })
    );
    assert_eq!(get_sme(&s, &id), Value::Null);
    let total = s.ok("{ smes { totalCount } }", json!({}));
    assert_eq!(total["smes"]["totalCount"], 0);
    // Archiving again changes nothing; editing an archived profile is refused.
    let again = s.as_sme().ok(
        "mutation($id: ID!) { archiveSme(id: $id) { status version } }",
        json!({ "id": id }),
    );
    assert_eq!(again["archiveSme"]["version"], 3);
    let body = s
        .as_sme()
        .gql(&q, json!({ "id": id, "input": sme_input() }));
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "id");
    // The row is kept (archived, not deleted), and every change left an outbox entry.
    let pid = parse_id(&id);
    let status = with_store(&s, |store| async move {
        let sme = store.sme(pid).await.expect("read").expect("kept");
        sme.lifecycle.status.as_str()
    });
    assert_eq!(status, "ARCHIVED");
    assert_eq!(row_counts(&s), (1, 0, 3));
}

#[test]
fn investor_publish_read_update_archive() {
    let s = TestServer::start();
    let id = publish_investor(&s, investor_input());
    let inv = get_investor(&s, &id);
    assert_eq!(inv["name"]["ko"], "한빛뷰티 무역");
    assert_eq!(inv["organizationType"], "TRADING_DISTRIBUTOR");
    assert_eq!(inv["sectorInterests"], json!(["2023", "4772"]));
    assert_eq!(inv["excludedSectors"], json!(["1200"]));
    assert_eq!(inv["ticketMinUsd"], 50000);
    assert_eq!(inv["ticketMaxUsd"], 500000);
    assert_eq!(inv["preferredProvinces"], json!(["KH-12", "KH-18"]));
    assert_eq!(
        inv["preferredDigitalLevels"],
        json!(["INTERMEDIATE", "ADVANCED"])
    );
    assert_eq!(inv["incentivePreferences"], json!(["KOREA_FTA_EXPORT"]));

    let mut input = investor_input();
    input["sectorInterests"] = json!(["C"]);
    input["ticketMaxUsd"] = Value::Null;
    let q = format!("mutation($id: ID!, $input: InvestorInput!) {{ updateInvestor(id: $id, input: $input) {{ {INVESTOR_FIELDS} }} }}");
    let updated =
        s.as_investor().ok(&q, json!({ "id": id, "input": input }))["updateInvestor"].clone();
    assert_eq!(updated["sectorInterests"], json!(["C"]));
    assert_eq!(updated["ticketMaxUsd"], Value::Null);
    let q = format!("query($id: ID!) {{ investor(id: $id) {{ {INVESTOR_FIELDS} }} }}");
    assert_eq!(
        s.as_investor().ok(&q, json!({ "id": id }))["investor"],
        updated
    );
    assert_eq!(get_investor(&s, &id)["contact"], Value::Null);

    let page = s.ok(
        "{ investors { totalCount edges { node { id } } } }",
        json!({}),
    );
    assert_eq!(page["investors"]["totalCount"], 1);
    s.as_investor().ok(
        "mutation($id: ID!) { archiveInvestor(id: $id) { status } }",
        json!({ "id": id }),
    );
    assert_eq!(get_investor(&s, &id), Value::Null);
    let page = s.ok("{ investors { totalCount } }", json!({}));
    assert_eq!(page["investors"]["totalCount"], 0);
}

#[test]
fn unknown_ids_are_not_found_and_malformed_ids_are_bad_input() {
    let s = TestServer::start();
    let missing = "01933b6e-0000-7000-8000-000000000000";
    assert_eq!(get_sme(&s, missing), Value::Null);
    let body = s.as_sme().gql(
        "mutation($id: ID!, $input: SmeInput!) { updateSme(id: $id, input: $input) { id } }",
        json!({ "id": missing, "input": sme_input() }),
    );
    assert_eq!(error_code(&body), "NOT_FOUND");
    let body = s.as_investor().gql(
        "mutation($id: ID!) { archiveInvestor(id: $id) { id } }",
        json!({ "id": missing }),
    );
    assert_eq!(error_code(&body), "NOT_FOUND");
    let body = s.gql("{ sme(id: \"not-an-id\") { id } }", json!({}));
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "id");
}

/// Khmer (with zero-width spaces and stacked subscripts) and Korean (precomposed syllables and
/// a decomposed jamo sequence) must come back exactly as sent: no trimming, no normalisation.
#[test]
fn khmer_and_korean_round_trip_byte_for_byte() {
    let s = TestServer::start();
    let km_name = "ហាង\u{200b}លក់\u{200b}គ្រឿងសំអាង\u{200b}បុប្ផា";
    let km_desc = "យើងផលិតស្ករត្នោតសុទ្ធពីដើមត្នោតនៅខេត្តកំពង់ស្ពឺ ហើយលក់តាម Facebook និង Telegram។\n\
                   ទំនិញ៖ ស្ករត្នោត ទឹកឃ្មុំ ម្រេចកំពត។ ";
    let ko_name = "캄퐁스푀 팜슈거 협동조합";
    // "한국어" as conjoining jamo (NFD): a normaliser would fold it into three syllables.
    let ko_desc = "\u{1112}\u{1161}\u{11ab}\u{1100}\u{116e}\u{11a8}\u{110b}\u{1165} 유통업체와 협력하여 화장품을 수출합니다.";
    let mut input = sme_input();
    input["name"] = json!({ "km": km_name, "ko": ko_name });
    input["description"] = json!({ "km": km_desc, "ko": ko_desc });
    let id = publish_sme(&s, input);
    let sme = get_sme(&s, &id);
    assert_eq!(
        sme["name"],
        json!({ "en": null, "km": km_name, "ko": ko_name })
    );
    assert_eq!(
        sme["description"]["km"].as_str().unwrap().as_bytes(),
        km_desc.as_bytes()
    );
    assert_eq!(
        sme["description"]["ko"].as_str().unwrap().as_bytes(),
        ko_desc.as_bytes()
    );
    // And the database holds the same bytes. This one reads the database itself, on purpose:
    // it is about what the column holds (no normalisation on the way in), which the store's
    // read-back (decoded by the same codec) could not show.
    let stored = sql_scalar(
        &s,
        &format!("SELECT description_ko FROM smes WHERE id = '{id}'"),
    );
    assert_eq!(stored.as_str().unwrap().as_bytes(), ko_desc.as_bytes());
    assert_eq!(
        sme["displayName"], km_name,
        "no English name: the display name falls back to Khmer"
    );
}

/// Contact details are private: an anonymous visitor never sees them, yet they are stored.
/// An ANONYMOUS SME's name is hidden too, replaced by a neutral description.
#[test]
fn contact_details_and_anonymous_names_do_not_leak() {
    let s = TestServer::start();
    let mut input = sme_input();
    input["visibility"] = json!("ANONYMOUS");
    let id = publish_sme(&s, input);
    let inv = publish_investor(&s, investor_input());

    let q = "query($id: ID!, $inv: ID!) {
        sme(id: $id) { name { en km } displayName(lang: EN) km: displayName(lang: KM) contact { email phone telegram person } }
        investor(id: $inv) { contact { email person } }
        smes { edges { node { name { en } contact { email } } } }
        investors { edges { node { contact { email } } } }
    }";
    let body = s.ok(q, json!({ "id": id, "inv": inv }));
    assert_eq!(body["sme"]["name"], Value::Null);
    assert_eq!(body["sme"]["contact"], Value::Null);
    assert_eq!(
        body["sme"]["displayName"],
        "Processing and preserving of fruit and vegetables, Kampong Thom"
    );
    // Named by its class in Khmer too (before, only its section was: "ផលិតកម្ម, កំពង់ធំ").
    assert_eq!(body["sme"]["km"], "ការកែច្នៃ និងការរក្សាទុកផ្លែឈើ និងបន្លែ, កំពង់ធំ");
    assert_eq!(body["investor"]["contact"], Value::Null);
    assert_eq!(
        body["smes"]["edges"][0]["node"],
        json!({ "name": null, "contact": null })
    );
    assert_eq!(
        body["investors"]["edges"][0]["node"]["contact"],
        Value::Null
    );
    let text = body.to_string();
    for secret in [
        "sokha@sokha-cashew.example",
        "345 678",
        "sokha_cashew",
        "Chan Sokha",
        "Sokha Cashew",
        "minji@",
    ] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    // The owner sees its own contact details; another SME account does not.
    let body = s.as_sme().ok(
        "query($id: ID!) { sme(id: $id) { name { en } contact { email telegram } } }",
        json!({ "id": id }),
    );
    assert_eq!(
        body["sme"]["contact"]["email"],
        "sokha@sokha-cashew.example"
    );
    assert_eq!(
        body["sme"]["contact"]["telegram"], "@sokha_cashew",
        "with its @, as the schema says"
    );
    assert_eq!(body["sme"]["name"]["en"], "Sokha Cashew Processing");
    let (other, _) = s.sign_up("SME");
    let body = s.as_token(&other).ok(
        "query($id: ID!) { sme(id: $id) { name { en } contact { email } } }",
        json!({ "id": id }),
    );
    assert_eq!(body["sme"], json!({ "name": null, "contact": null }));

    let pid = parse_id(&id);
    let contact = with_store(&s, |store| async move {
        let sme = store.sme(pid).await.expect("read").expect("stored");
        sme.profile.contact
    });
    assert_eq!(
        contact.email.as_ref().map(|e| e.as_str()),
        Some("sokha@sokha-cashew.example")
    );
    assert_eq!(
        contact.telegram.as_ref().map(|t| t.as_str()),
        Some("sokha_cashew"),
        "the handle is stored without its @"
    );
}

/// One account keeps a bounded number of profiles on the site (QA, an attacker: one account
/// published 173). Over GraphQL the next one is FORBIDDEN with reason PROFILE_LIMIT; on the
/// pages, a 403 page that says how to make room; taking one off makes room; the other role's
/// account counts its own.
#[test]
fn one_account_keeps_a_bounded_number_of_profiles_on_the_site() {
    let s = TestServer::start_with(&["--max-profiles-per-account", "2"]);
    const PUBLISH: &str = "mutation($input: SmeInput!) { publishSme(input: $input) { id } }";
    let first = publish_sme(&s, sme_input());
    publish_sme(&s, sme_input());
    let refused = s.as_sme().gql(PUBLISH, json!({ "input": sme_input() }));
    assert_eq!(error_code(&refused), "FORBIDDEN", "{refused}");
    let ext = &refused["errors"][0]["extensions"];
    assert_eq!(
        (ext["reason"].clone(), ext["limit"].clone()),
        (json!("PROFILE_LIMIT"), json!(2)),
        "{refused}"
    );
    assert!(refused["errors"][0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("take one off the site")));
    let owned = "SELECT COUNT(*) FROM smes";
    assert_eq!(sql_scalar(&s, owned), json!(2), "nothing was written");

    // The same on the wizard's last step: a page saying why, in the page's language.
    let cookie = format!("khkr_session={}", s.sme_token);
    let answers = [
        ("name", "ហាងនំបញ្ចុកយាយហៀង"),
        ("description", "នំបញ្ចុកស្រស់រាល់ព្រឹក"),
        ("sector", "1079"),
        ("province", "KH-12"),
        ("partnership", "DISTRIBUTION"),
        ("phone", "012 345 678"),
        ("step", "contact"),
    ];
    let last_step = || {
        common::web::get(
            &s,
            &format!("/km/me/new?{}", common::web::form(&answers)),
            &[("Cookie", cookie.as_str())],
        )
        .text()
    };
    // The form itself says so before it is filled in, and so does the account page.
    let first_step = common::web::get(&s, "/km/me/new", &[("Cookie", cookie.as_str())]);
    assert_eq!(first_step.status, 403, "{}", first_step.text());
    assert!(first_step.text().contains("អាជីវកម្មច្រើនពេកក្នុងគណនីមួយ"));
    assert!(
        first_step.text().contains("href=\"/km/me\""),
        "a link to the account page"
    );
    let me = common::web::get(&s, "/km/me", &[("Cookie", cookie.as_str())]).text();
    assert!(me.contains("id=\"at-limit\""), "{me}");
    assert!(
        !me.contains("href=\"/km/me/new\""),
        "no button to add one: {me}"
    );
    // A form shown before the cap was reached, sent now: refused with the same page.
    s.as_sme().ok(
        "mutation($id: ID!) { archiveSme(id: $id) { status } }",
        json!({ "id": first }),
    );
    let html = last_step();
    let (csrf, submission) = (
        common::web::csrf_of(&html),
        common::web::submission_of(&html),
    );
    let third = publish_sme(&s, sme_input());
    let mut sent = answers[..6].to_vec();
    sent.extend([("csrf", csrf.as_str()), ("submission", submission.as_str())]);
    let page = common::web::post_form(&s, "/km/me/new", Some(&cookie), &sent);
    assert_eq!(page.status, 403, "{}", page.text());
    assert!(
        page.text().contains("អាជីវកម្មច្រើនពេកក្នុងគណនីមួយ") && page.text().contains(" 2 "),
        "{}",
        page.text()
    );
    assert_eq!(sql_scalar(&s, owned), json!(3));

    // Taken off the site, one makes room, and the same form now publishes.
    s.as_sme().ok(
        "mutation($id: ID!) { archiveSme(id: $id) { status } }",
        json!({ "id": third }),
    );
    let page = common::web::post_form(&s, "/km/me/new", Some(&cookie), &sent);
    assert_eq!(page.status, 303, "{}", page.text());
    assert_eq!(sql_scalar(&s, owned), json!(4));
    let refused = s.as_sme().gql(PUBLISH, json!({ "input": sme_input() }));
    assert_eq!(error_code(&refused), "FORBIDDEN", "{refused}");

    // The investor account has its own two, and then its mandate form says so.
    publish_investor(&s, investor_input());
    let investor = format!("khkr_session={}", s.investor_token);
    let form = common::web::get(&s, "/ko/me/mandate", &[("Cookie", investor.as_str())]);
    assert_eq!(form.status, 200);
    publish_investor(&s, investor_input());
    let form = common::web::get(&s, "/ko/me/mandate", &[("Cookie", investor.as_str())]);
    assert_eq!(form.status, 403, "{}", form.text());
    assert!(form.text().contains("2개"), "{}", form.text());
}

/// Publishes sent at the same moment are counted in turn: the cap holds exactly (QA, an
/// attacker: 100 parallel publishes from 100 addresses left one account with 97 profiles under
/// a cap of 20). One address may run many requests at once here, as many addresses would.
#[test]
fn publishes_at_once_do_not_pass_the_cap_together() {
    let s = TestServer::start_with(&[
        "--max-profiles-per-account",
        "5",
        "--max-in-flight-per-client",
        "64",
    ]);
    const PUBLISH: &str = "mutation($input: SmeInput!) { publishSme(input: $input) { id } }";
    let answers: Vec<Value> = std::thread::scope(|scope| {
        let sends: Vec<_> = (0..40)
            .map(|_| scope.spawn(|| s.as_sme().gql(PUBLISH, json!({ "input": sme_input() }))))
            .collect();
        sends.into_iter().map(|t| t.join().unwrap()).collect()
    });
    let published = answers.iter().filter(|a| a["errors"].is_null()).count();
    let refused = answers
        .iter()
        .filter(|a| a["errors"][0]["extensions"]["reason"] == "PROFILE_LIMIT")
        .count();
    assert_eq!((published, refused), (5, 35), "{answers:?}");
    assert_eq!(sql_scalar(&s, "SELECT COUNT(*) FROM smes"), json!(5));
}
