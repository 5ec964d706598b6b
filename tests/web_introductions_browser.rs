//! Introductions in headless Chromium at phone size (360×640): staff introduce a pair over
//! GraphQL; the SME (in Khmer) and the investor (in Korean) each press "accept" on a real page
//! (a form POST, then the redirect back to the list); the contact details appear only then.
//! No page scrolls sideways. Screenshots go to
//! `<target dir>/screenshots/web-<lang>-introductions-<state>-<width>.png`.

#[path = "common/browser.rs"]
mod browser;
mod common;

use std::time::Duration;

use common::TestServer;
use fantoccini::Locator;
use serde_json::json;

const LIMIT: Duration = Duration::from_secs(60);

#[test]
fn both_parties_accept_an_introduction_in_the_browser_and_then_see_contacts() {
    if let Some(why) = browser::unavailable() {
        eprintln!(
            "SKIPPED: both_parties_accept_an_introduction_in_the_browser_and_then_see_contacts ({why})"
        );
        return;
    }
    let s = TestServer::start();
    let sme = common::publish_sme(&s, common::sme_input());
    let inv = common::publish_investor(&s, common::investor_input());
    let (staff, _) = common::operator_account(&s, "STAFF");
    let id = s.as_token(&staff).ok(
        "mutation($s: ID!, $i: ID!) { shortlistMatch(smeId: $s, investorId: $i) { id } }",
        json!({ "s": sme, "i": inv }),
    )["shortlistMatch"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    s.as_token(&staff).ok(
        "mutation($id: ID!, $m: String!) { introduce(matchId: $id, message: $m) { stage } }",
        json!({ "id": id, "m": "Meet Hanbit: K-beauty distribution." }),
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(drive(&s));
}

async fn drive(s: &TestServer) {
    let b = browser::Browser::start(360, 640).await;
    // The SME, in Khmer: sees the introduction without contact, and accepts.
    b.sign_in(&s.base, &s.sme_token).await;
    open(s, &b, "km").await;
    assert!(!b.text().await.contains("minji@hanbit-beauty.example"));
    shot(&b, "km", "waiting", 360).await;
    answer(&b, "km").await;
    assert!(!b.text().await.contains("minji@hanbit-beauty.example"));
    shot(&b, "km", "accepted", 360).await;

    // The investor, in Korean, accepts too: both now see the other's contact.
    b.sign_in(&s.base, &s.investor_token).await;
    open(s, &b, "ko").await;
    assert!(!b.text().await.contains("sokha@sokha-cashew.example"));
    answer(&b, "ko").await;
    assert!(b.text().await.contains("sokha@sokha-cashew.example"));
    shot(&b, "ko", "connected", 360).await;

    b.sign_in(&s.base, &s.sme_token).await;
    open(s, &b, "km").await;
    assert!(b.text().await.contains("minji@hanbit-beauty.example"));
    shot(&b, "km", "connected", 360).await;
    b.resize(1280, 800).await;
    open(s, &b, "en").await;
    shot(&b, "en", "connected", 1280).await;
    b.close().await;
}

async fn open(s: &TestServer, b: &browser::Browser, lang: &str) {
    b.client
        .goto(&format!("{}/{lang}/me/introductions", s.base))
        .await
        .unwrap();
    b.wait_for_js(
        "the introductions page",
        "return document.readyState === 'complete' && document.querySelectorAll('.intros > li').length",
        LIMIT,
    )
    .await;
}

/// Presses "accept" and waits for the redirect back to the list, the buttons gone.
async fn answer(b: &browser::Browser, lang: &str) {
    b.client
        .find(Locator::Css(".answer button[type=submit]"))
        .await
        .unwrap_or_else(|e| panic!("{lang}: accept button: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("{lang}: click accept: {e}"));
    b.wait_for_js(
        "the list again, answered",
        "return document.readyState === 'complete' \
         && location.pathname.endsWith('/me/introductions') \
         && document.querySelectorAll('.intros > li').length \
         && !document.querySelector('.answer')",
        LIMIT,
    )
    .await;
}

async fn shot(b: &browser::Browser, lang: &str, state: &str, width: u32) {
    b.assert_page_fits(lang, &format!("introductions ({state})"), width)
        .await;
    // The viewport is what is saved: bring the introduction itself into it.
    b.client
        .execute(
            "document.querySelector('.intros > li').scrollIntoView(); return true;",
            vec![],
        )
        .await
        .unwrap();
    b.screenshot(&format!("web-{lang}-introductions-{state}-{width}"))
        .await;
}
