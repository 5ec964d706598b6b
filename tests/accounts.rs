//! Accounts and ownership over HTTP: sign-up, log-in, tokens, API keys, the operator's CLI,
//! and who may write which profile.

mod common;

use common::*;
use serde_json::json;

const ME: &str = "{ me { id email role } }";

#[test]
fn sign_up_log_in_log_out_and_bad_tokens() {
    let s = TestServer::start();
    let signed = s.ok(
        "mutation { signUp(input: { email: \"Dara@Shop.example\", password: \"long enough pw\", role: SME }) { token user { email role } } }",
        json!({}),
    );
    assert_eq!(
        signed["signUp"]["user"],
        json!({ "email": "dara@shop.example", "role": "SME" })
    );
    let first = signed["signUp"]["token"].as_str().unwrap().to_string();
    assert_eq!(s.as_token(&first).ok(ME, json!({}))["me"]["role"], "SME");
    assert_eq!(
        s.ok(ME, json!({}))["me"],
        serde_json::Value::Null,
        "anonymous: no account"
    );

    let login = "mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token } }";
    let wrong = s.gql(
        login,
        json!({ "e": "dara@shop.example", "p": "not the password" }),
    );
    assert_eq!(error_code(&wrong), "UNAUTHENTICATED");
    let unknown = s.gql(
        login,
        json!({ "e": "nobody@shop.example", "p": "not the password" }),
    );
    assert_eq!(error_code(&unknown), "UNAUTHENTICATED");
    assert_eq!(
        wrong["errors"][0]["message"], unknown["errors"][0]["message"],
        "no hint which e-mails exist"
    );
    let second = s.ok(
        login,
        json!({ "e": "DARA@shop.example", "p": "long enough pw" }),
    )["logIn"]["token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        s.as_token(&second).ok("mutation { logOut }", json!({}))["logOut"],
        true
    );
    assert_eq!(
        error_code(&s.as_token(&second).gql(ME, json!({}))),
        "UNAUTHENTICATED",
        "logged out"
    );
    assert_eq!(
        s.as_token(&first).ok(ME, json!({}))["me"]["email"],
        "dara@shop.example",
        "other sessions live on"
    );

    for (vars, field) in [
        (
            json!({ "email": "x@y.example", "password": "long enough pw", "role": "STAFF" }),
            "input.role",
        ),
        (
            json!({ "email": "not an e-mail", "password": "long enough pw", "role": "SME" }),
            "input.email",
        ),
        (
            json!({ "email": "x@y.example", "password": "short", "role": "INVESTOR" }),
            "input.password",
        ),
    ] {
        let body = s.gql(
            "mutation($input: SignUpInput!) { signUp(input: $input) { token } }",
            json!({ "input": vars }),
        );
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field);
    }
    // A taken e-mail is not revealed (issue 12): the same answer shape, with a token that signs
    // nobody in (tests/hardening.rs covers it in full).
    let decoy = s.ok(
        "mutation($input: SignUpInput!) { signUp(input: $input) { token } }",
        json!({ "input": { "email": "dara@shop.example", "password": "long enough pw", "role": "SME" } }),
    )["signUp"]["token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        error_code(&s.as_token(&decoy).gql(ME, json!({}))),
        "UNAUTHENTICATED"
    );
    assert_eq!(
        error_code(&s.as_token("khkr_forged").gql(ME, json!({}))),
        "UNAUTHENTICATED"
    );
    // Only a hash of each token is stored: the store knows the sign-up token by its SHA-256,
    // and the token itself finds nothing.
    let token = s.sme_token.clone();
    let (by_token, by_hash) = with_store(&s, |store| async move {
        let now = time::OffsetDateTime::now_utc();
        (
            store.token_user(&token, now).await.expect("token_user"),
            store
                .token_user(&khkr_match::auth::token_hash(&token), now)
                .await
                .expect("token_user"),
        )
    });
    assert!(by_token.is_none(), "the token itself is not a key");
    assert_eq!(by_hash.map(|(_, kind)| kind.as_str()), Some("SESSION"));
}

#[test]
fn api_keys_are_issued_and_revoked_by_their_owner() {
    let s = TestServer::start();
    let key = s.as_sme().ok(
        "mutation { createApiKey(name: \"ERP sync\") { id name token } }",
        json!({}),
    )["createApiKey"]
        .clone();
    let token = key["token"].as_str().unwrap();
    assert_eq!(s.as_token(token).ok(ME, json!({}))["me"]["role"], "SME");
    // Another account cannot revoke it; its owner can.
    let q = "mutation($id: ID!) { revokeApiKey(id: $id) }";
    assert_eq!(
        error_code(&s.as_investor().gql(q, json!({ "id": key["id"] }))),
        "NOT_FOUND"
    );
    assert_eq!(
        s.as_sme().ok(q, json!({ "id": key["id"] }))["revokeApiKey"],
        true
    );
    assert_eq!(
        error_code(&s.as_token(token).gql(ME, json!({}))),
        "UNAUTHENTICATED"
    );
}

#[test]
fn only_owners_and_staff_write_profiles() {
    let s = TestServer::start();
    let body = s.gql(PUBLISH_SME, json!({ "input": sme_input() }));
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    let body = s
        .as_investor()
        .gql(PUBLISH_SME, json!({ "input": sme_input() }));
    assert_eq!(
        error_code(&body),
        "FORBIDDEN",
        "an investor account cannot publish an SME"
    );
    let body = s
        .as_sme()
        .gql(PUBLISH_INVESTOR, json!({ "input": investor_input() }));
    assert_eq!(error_code(&body), "FORBIDDEN");

    // One owner, several businesses.
    let first = publish_sme(&s, sme_input());
    let second = publish_sme(&s, sme_input());
    assert_ne!(first, second);

    let update =
        "mutation($id: ID!, $input: SmeInput!) { updateSme(id: $id, input: $input) { version } }";
    let archive = "mutation($id: ID!) { archiveSme(id: $id) { status } }";
    let (other, _) = s.sign_up("SME");
    for q in [update, archive] {
        let body = s
            .as_token(&other)
            .gql(q, json!({ "id": first, "input": sme_input() }));
        assert_eq!(
            error_code(&body),
            "FORBIDDEN",
            "another SME account: {body}"
        );
        let body = s.gql(q, json!({ "id": first, "input": sme_input() }));
        assert_eq!(error_code(&body), "UNAUTHENTICATED");
    }
    let inv = publish_investor(&s, investor_input());
    let body = s.as_token(&other).gql(
        "mutation($id: ID!) { archiveInvestor(id: $id) { status } }",
        json!({ "id": inv }),
    );
    assert_eq!(error_code(&body), "FORBIDDEN");
    assert_eq!(row_counts(&s).2, 3, "refused writes left no outbox entry");

    // Staff (created by the operator's CLI, never through the API) may edit any profile.
    let (staff, _) = operator_account(&s, "STAFF");
    let done = s
        .as_token(&staff)
        .ok(update, json!({ "id": first, "input": sme_input() }));
    assert_eq!(done["updateSme"]["version"], 2);
    let contact = s.as_token(&staff).ok(
        "query($id: ID!) { sme(id: $id) { contact { email } } }",
        json!({ "id": first }),
    );
    assert_eq!(
        contact["sme"]["contact"]["email"], "sokha@sokha-cashew.example",
        "staff see contacts"
    );
}
