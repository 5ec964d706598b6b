//! The chamber staff's work in headless Chromium against the real server: a staff member logs
//! in through the form, opens an SME's profile, shortlists an investor from its ranked
//! matches, and introduces the pair with a message on the match page. With the pipeline board
//! open in the staff's browser, the SME (in Khmer, on a 360 px phone) and the investor (in
//! Korean) accept in a second browser; the contacts appear only once both did, and the open
//! board moves the match to "both accepted" by itself (live update, no reload).
//! Screenshots of the board, the match page and the dashboard in the three languages at 360
//! and 1280 px go to `<target dir>/screenshots/web-<lang>-staff-<page>-<width>.png`; no page
//! scrolls sideways at 360 px.

#[path = "common/browser.rs"]
mod browser;
mod common;

use std::time::Duration;

use browser::Browser;
use common::{TestServer, PUBLISH_INVESTOR, PUBLISH_SME};
use fantoccini::Locator;
use serde_json::json;

const LIMIT: Duration = Duration::from_secs(60);
const LANGS: [&str; 3] = ["en", "km", "ko"];
const SME_CONTACT: &str = "sokha@sokha-cashew.example";
const INVESTOR_CONTACT: &str = "minji@hanbit-beauty.example";

#[test]
fn staff_shortlist_and_introduce_then_both_parties_accept_and_the_board_follows() {
    if let Some(why) = browser::unavailable() {
        eprintln!(
            "SKIPPED: staff_shortlist_and_introduce_then_both_parties_accept_and_the_board_follows ({why})"
        );
        return;
    }
    let s = TestServer::start();
    let sme = common::publish_sme(&s, common::sme_input());
    let inv = common::publish_investor(&s, common::investor_input());
    let (email, staff_token, _) = common::operator_account_with_email(&s, "STAFF");
    other_matches(&s, &staff_token);
    browser::block_on(drive(&s, &email, &sme, &inv));
}

/// A few other businesses and matches at various stages, so the board and the dashboard show
/// what a working week looks like (owned by other accounts: the test parties' introductions
/// pages show only the one under test).
fn other_matches(s: &TestServer, staff: &str) {
    let (sme_owner, _) = s.sign_up("SME");
    let (inv_owner, _) = s.sign_up("INVESTOR");
    let mut smes = Vec::new();
    for (name, sector, province) in [
        ("Angkor Silk Weavers", "1312", "KH-17"),
        ("Kampot Pepper Cooperative", "0128", "KH-7"),
        ("Battambang Rice Mill", "1061", "KH-2"),
        ("Phnom Penh Coffee Roasters", "1079", "KH-12"),
    ] {
        let mut input = common::sme_input();
        input["name"] = json!({ "en": name });
        input["description"] =
            json!({ "en": format!("{name}: a family business looking for a Korean partner.") });
        input["sectorCode"] = json!(sector);
        input["secondarySectorCodes"] = json!([]);
        input["provinceCode"] = json!(province);
        input["contact"] = json!({ "person": "Owner", "email": "owner@business.example" });
        let data = s
            .as_token(&sme_owner)
            .ok(PUBLISH_SME, json!({ "input": input }));
        smes.push(data["publishSme"]["id"].as_str().unwrap().to_string());
    }
    let mut input = common::investor_input();
    input["name"] = json!({ "en": "Seoul Agri Ventures", "ko": "서울 애그리 벤처스" });
    input["organizationType"] = json!("VENTURE_CAPITAL");
    input["sectorInterests"] = json!(["01", "10", "13"]);
    input["excludedSectors"] = json!([]);
    input["contact"] = json!({ "person": "Lee", "email": "lee@seoul-agri.example" });
    let seoul = s
        .as_token(&inv_owner)
        .ok(PUBLISH_INVESTOR, json!({ "input": input }))["publishInvestor"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let shortlist = |sme: &str, inv: &str| -> String {
        s.as_token(staff).ok(
            "mutation($s: ID!, $i: ID!) { shortlistMatch(smeId: $s, investorId: $i) { id } }",
            json!({ "s": sme, "i": inv }),
        )["shortlistMatch"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let introduce = |id: &str| {
        s.as_token(staff).ok(
            "mutation($id: ID!) { introduce(matchId: $id, message: \"You should meet.\") { id } }",
            json!({ "id": id }),
        );
    };
    let ids: Vec<String> = smes.iter().map(|sme| shortlist(sme, &seoul)).collect();
    introduce(&ids[0]);
    let pepper = &ids[1];
    introduce(pepper);
    for token in [&sme_owner, &inv_owner] {
        s.as_token(token).ok(
            "mutation($id: ID!) { respondToIntroduction(matchId: $id, accept: true) { id } }",
            json!({ "id": pepper }),
        );
    }
    s.as_token(staff).ok(
        "mutation($id: ID!) { moveMatch(matchId: $id, stage: IN_TALKS) { id } }",
        json!({ "id": pepper }),
    );
}

async fn drive(s: &TestServer, email: &str, sme: &str, inv: &str) {
    let staff = Browser::start(1280, 800).await;
    // Log in through the form, as a person would.
    staff
        .client
        .goto(&format!("{}/en/login", s.base))
        .await
        .unwrap();
    arrived(&staff, "/login").await;
    staff.fill("#email", email).await;
    staff.fill("#password", common::OPERATOR_PASSWORD).await;
    staff.click("main form button[type=submit]").await;
    arrived(&staff, "/me").await;
    // The staff entry in the navigation and the links on the account page.
    staff
        .client
        .find(Locator::Css("nav.main a[href='/en/staff/pipeline']"))
        .await
        .expect("a Staff entry in the navigation");
    staff
        .client
        .find(Locator::Css("main a[href='/en/staff']"))
        .await
        .expect("a link to the dashboard");

    // The SME's profile: its ranked investors, each with a shortlist button; take Hanbit.
    staff
        .client
        .goto(&format!("{}/en/smes/{sme}", s.base))
        .await
        .unwrap();
    arrived(&staff, sme).await;
    let button =
        format!(".staff-ranked form:has(input[name=investor][value='{inv}']) button[type=submit]");
    scroll_to(&staff, &button).await;
    shot(&staff, "en", "profile-ranked", 1280).await;
    staff.click(&button).await;
    let match_path = staff
        .wait_for_js(
            "the new match page",
            "return document.readyState === 'complete' \
             && /\\/en\\/staff\\/matches\\/[0-9a-f-]+$/.test(location.pathname) \
             && location.pathname",
            LIMIT,
        )
        .await
        .as_str()
        .unwrap()
        .to_string();
    let id = match_path.rsplit('/').next().unwrap().to_string();
    assert!(staff.text().await.contains("Shortlisted"));
    shot(&staff, "en", "match-shortlisted", 1280).await;

    // Introduce with a message; the page comes back (POST-redirect-GET) introduced.
    staff
        .fill(
            "#message",
            "Meet Hanbit: K-beauty distribution needs a cashew supplier.",
        )
        .await;
    staff
        .click("form[action$='/introduce'] button[type=submit]")
        .await;
    staff
        .wait_for_js(
            "the match page, introduced",
            "return document.readyState === 'complete' && !document.querySelector('#message') \
             && document.querySelector('.stage-tag').textContent === 'Introduced'",
            LIMIT,
        )
        .await;
    assert!(staff
        .text()
        .await
        .contains("Meet Hanbit: K-beauty distribution needs a cashew supplier."));

    // The board, left open: live updates connected.
    staff
        .client
        .goto(&format!("{}/en/staff/pipeline", s.base))
        .await
        .unwrap();
    live_board(&staff).await;
    let card = format!("#stage-introduced a[href$='{id}']");
    staff
        .client
        .find(Locator::Css(&card))
        .await
        .expect("the match in the Introduced column");

    // The parties, in a browser of their own: the SME in Khmer on a phone, then the investor
    // in Korean.
    let party = Browser::start(360, 640).await;
    party.sign_in(&s.base, &s.sme_token).await;
    introductions(s, &party, "km").await;
    assert!(!party.text().await.contains(INVESTOR_CONTACT));
    answer(&party).await;
    assert!(
        !party.text().await.contains(INVESTOR_CONTACT),
        "no contact after one side accepted"
    );
    party.assert_page_fits("km", "introductions", 360).await;
    party.sign_in(&s.base, &s.investor_token).await;
    introductions(s, &party, "ko").await;
    assert!(!party.text().await.contains(SME_CONTACT));
    answer(&party).await;
    assert!(
        party.text().await.contains(SME_CONTACT),
        "the contact once both accepted"
    );
    party.sign_in(&s.base, &s.sme_token).await;
    introductions(s, &party, "km").await;
    assert!(party.text().await.contains(INVESTOR_CONTACT));
    party.close().await;

    // The staff's open board followed by itself: the match is now "both accepted".
    let connected = format!("#stage-connected a[href$='{id}']");
    staff
        .wait_for_js(
            "the board to move the match to 'both accepted' without a reload",
            &format!(
                "return document.querySelector(\"{connected}\") \
                 && document.getElementById('board').hasAttribute('data-refreshed')"
            ),
            LIMIT,
        )
        .await;
    assert!(staff.text().await.contains("Board updated just now."));

    // Screenshots: the board, the match page and the dashboard in each language and width.
    for (width, height) in [(1280, 800), (360, 640)] {
        staff.resize(width, height).await;
        for lang in LANGS {
            for (page, path) in [
                ("board", "/staff/pipeline".to_string()),
                ("match", format!("/staff/matches/{id}")),
                ("dashboard", "/staff".to_string()),
            ] {
                staff
                    .client
                    .goto(&format!("{}/{lang}{path}", s.base))
                    .await
                    .unwrap();
                arrived(&staff, &path).await;
                shot(&staff, lang, page, width).await;
            }
        }
    }
    // The board at a phone's width, scrolled to the columns (the filters come first).
    staff
        .client
        .goto(&format!("{}/km/staff/pipeline", s.base))
        .await
        .unwrap();
    arrived(&staff, "/staff/pipeline").await;
    scroll_to(&staff, "#stage-connected").await;
    staff.screenshot("web-km-staff-board-columns-360").await;
    staff.close().await;
}

/// Waits until the board's script has its event stream open.
async fn live_board(b: &Browser) {
    b.wait_for_js(
        "the board's live updates to connect",
        "return document.readyState === 'complete' \
         && document.getElementById('board').getAttribute('data-live') === 'connected'",
        LIMIT,
    )
    .await;
}

async fn arrived(b: &Browser, suffix: &str) {
    let script = format!(
        "return document.readyState === 'complete' && location.pathname.endsWith({suffix:?}) \
         && document.documentElement.lang"
    );
    b.wait_for_js(&format!("a page at …{suffix}"), &script, LIMIT)
        .await;
}

async fn scroll_to(b: &Browser, css: &str) {
    b.client
        .execute(
            "document.querySelector(arguments[0]).scrollIntoView({block: 'center'}); return true;",
            vec![json!(css)],
        )
        .await
        .unwrap_or_else(|e| panic!("scroll to {css}: {e}"));
}

async fn shot(b: &Browser, lang: &str, page: &str, width: u32) {
    b.assert_page_fits(lang, &format!("staff {page}"), width)
        .await;
    b.screenshot(&format!("web-{lang}-staff-{page}-{width}"))
        .await;
}

async fn introductions(s: &TestServer, b: &Browser, lang: &str) {
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

/// Presses "accept" and waits for the list again, answered.
async fn answer(b: &Browser) {
    b.click(".answer button[type=submit]").await;
    b.wait_for_js(
        "the list again, answered",
        "return document.readyState === 'complete' \
         && location.pathname.endsWith('/me/introductions') \
         && !document.querySelector('.answer')",
        LIMIT,
    )
    .await;
}
