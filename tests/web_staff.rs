//! The chamber staff's pages over real HTTP against the real server: who may open them, the
//! pipeline board and its filters, the dashboard's charts, shortlisting from a profile's ranked
//! matches, the actions on a match page (CSRF, POST-redirect-GET, translated refusals next to
//! the field), what staff see of contacts, and the live-update stream. The same flow in
//! headless Chromium is in tests/web_staff_browser.rs.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::time::Duration;

use common::web::{assert_every_field_labelled, csrf_of, enc, get, post_form};
use common::{investor_input, publish_investor, publish_sme, sme_input, TestServer};
use serde_json::json;

const STAFF_PAGES: [&str; 3] = ["/staff", "/staff/pipeline", "/staff/events"];

/// The `Cookie` header value of a session token.
fn session(token: &str) -> String {
    format!("khkr_session={token}")
}

/// A second SME: rice farming (section A) in Phnom Penh, hiding its name.
fn rice_farm() -> serde_json::Value {
    let mut input = sme_input();
    input["name"] = json!({ "en": "Mekong Rice Farm" });
    input["description"] =
        json!({ "en": "We grow fragrant rice near Phnom Penh and sell it to mills." });
    input["sectorCode"] = json!("0112");
    input["secondarySectorCodes"] = json!([]);
    input["provinceCode"] = json!("KH-12");
    input["visibility"] = json!("ANONYMOUS");
    input["contact"] = json!({ "person": "Dara", "email": "dara@mekong-rice.example" });
    input
}

/// The staff account's cookie and the CSRF token of its session (read from a page).
fn staff_session(s: &TestServer) -> (String, String, String) {
    let (token, id) = common::operator_account(s, "STAFF");
    let cookie = session(&token);
    let page = get(s, "/en/staff/pipeline", &[("Cookie", &cookie)]);
    assert_eq!(page.status, 200, "{}", page.text());
    (cookie, csrf_of(&page.text()), id)
}

/// Shortlists a pair through the form on the SME's profile page; returns the match id.
fn shortlist(s: &TestServer, cookie: &str, csrf: &str, sme: &str, inv: &str) -> String {
    let r = post_form(
        s,
        "/en/staff/shortlist",
        Some(cookie),
        &[("csrf", csrf), ("sme", sme), ("investor", inv)],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let location = r.header("location").expect("a redirect").to_string();
    let id = location
        .strip_prefix("/en/staff/matches/")
        .unwrap_or_else(|| panic!("redirect to the match page, not {location}"));
    id.to_string()
}

fn stage(s: &TestServer, token: &str, id: &str) -> String {
    s.as_token(token).ok(
        "query($id: ID!) { match(id: $id) { stage } }",
        json!({ "id": id }),
    )["match"]["stage"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn staff_pages_refuse_anonymous_visitors_and_other_accounts() {
    let s = TestServer::start();
    let sme = session(&s.sme_token);
    let inv = session(&s.investor_token);
    for page in STAFF_PAGES {
        let anon = get(&s, &format!("/km{page}"), &[]);
        assert_eq!(anon.status, 303, "{page}");
        // Pages come back to themselves after logging in; the event stream is no page.
        let login = match page {
            "/staff/events" => "/km/login".to_string(),
            _ => format!("/km/login?next={}", enc(&format!("/km{page}"))),
        };
        assert_eq!(anon.header("location"), Some(login.as_str()), "{page}");
        for (who, cookie) in [("sme", &sme), ("investor", &inv)] {
            let r = get(&s, &format!("/km{page}"), &[("Cookie", cookie)]);
            assert_eq!(r.status, 403, "{who} {page}");
            assert!(
                r.text().contains("សម្រាប់តែបុគ្គលិកសភាពាណិជ្ជកម្មប៉ុណ្ណោះ"),
                "a translated refusal"
            );
        }
    }
    let matchpage = "/en/staff/matches/01a22ccd-0000-7000-8000-000000000000";
    assert_eq!(get(&s, matchpage, &[("Cookie", &sme)]).status, 403);
    // Their navigation has no staff entry.
    let me = get(&s, "/en/me", &[("Cookie", &sme)]).text();
    assert!(!me.contains("/en/staff"), "{me}");

    // An SME with a valid CSRF token of its own still cannot shortlist.
    let sme_id = publish_sme(&s, sme_input());
    let inv_id = publish_investor(&s, investor_input());
    let csrf = csrf_of(&get(&s, "/en/me", &[("Cookie", &sme)]).text());
    let r = post_form(
        &s,
        "/en/staff/shortlist",
        Some(&sme),
        &[("csrf", &csrf), ("sme", &sme_id), ("investor", &inv_id)],
    );
    assert_eq!(r.status, 403);
    let (staff, _) = common::operator_account(&s, "STAFF");
    let empty = s
        .as_token(&staff)
        .ok("{ pipeline(first: 10) { totalCount } }", json!({}));
    assert_eq!(
        empty["pipeline"]["totalCount"], 0,
        "nothing was shortlisted"
    );
}

#[test]
fn the_board_filters_and_the_dashboard_draws_charts_in_each_language() {
    let s = TestServer::start();
    let cashew = publish_sme(&s, sme_input());
    let rice = publish_sme(&s, rice_farm());
    let inv = publish_investor(&s, investor_input());
    let (cookie, csrf, staff_id) = staff_session(&s);
    let as_staff = [("Cookie", cookie.as_str())];
    let m1 = shortlist(&s, &cookie, &csrf, &cashew, &inv);
    // SQLite orders times to the millisecond (ties by pair id): m2 surely later.
    std::thread::sleep(std::time::Duration::from_millis(3));
    let m2 = shortlist(&s, &cookie, &csrf, &rice, &inv);

    for lang in ["km", "ko", "en"] {
        let r = get(&s, &format!("/{lang}/staff/pipeline"), &as_staff);
        assert_eq!(r.status, 200);
        let html = r.text();
        assert!(html.contains(&format!("<html lang=\"{lang}\">")));
        // The nav has the staff entry, current.
        assert!(html.contains(&format!(
            "href=\"/{lang}/staff/pipeline\" aria-current=\"page\""
        )));
        // Both cards, in the SHORTLISTED column, each linking to its match page; names as
        // staff may see them (the anonymous SME's name too: staff curate it).
        let shortlisted = &html[html.find("id=\"stage-shortlisted\"").unwrap()
            ..html.find("id=\"stage-introduced\"").unwrap()];
        for id in [&m1, &m2] {
            assert!(shortlisted.contains(&format!("href=\"/{lang}/staff/matches/{id}\"")));
        }
        assert!(shortlisted.contains("Mekong Rice Farm"));
        // The one waiting longest since its last change first (m1 was shortlisted first),
        // whatever the order of their ids.
        let at = |id: &str| shortlisted.find(&format!("/staff/matches/{id}")).unwrap();
        assert!(at(&m1) < at(&m2), "{lang}: longest wait first");
        assert!(
            shortlisted.contains("Hanbit Beauty Trading") || shortlisted.contains("한빛뷰티 무역")
        );
        // A GET form with labelled filters.
        for f in ["name", "curator", "sector", "province"] {
            assert!(html.contains(&format!("<label for=\"filter-{f}\">")), "{f}");
        }
        assert!(html.contains(&format!("data-events=\"/{lang}/staff/events\"")));
        // No contact detail on the board.
        assert!(!html.contains("sokha@sokha-cashew.example") && !html.contains("dara@"));
    }
    // Sector by section or division, province, curator.
    let board = |q: &str| get(&s, &format!("/en/staff/pipeline?{q}"), &as_staff).text();
    let shows = |html: &str, id: &str| html.contains(&format!("/en/staff/matches/{id}\""));
    for (q, cashew_shown, rice_shown) in [
        ("sector=C", true, false),
        ("sector=A", false, true),
        ("sector=10", true, false),
        ("province=KH-12", false, true),
        ("province=KH-6&sector=C", true, false),
        // Either side's name, any case (QA: a business that phoned could not be found).
        ("name=mekong%20RICE", false, true),
        // Its words, however they are kept apart (QA: two spaces, a hyphen, punctuation or a
        // zero-width space found nothing).
        ("name=rice%20%20farm", false, true),
        ("name=Mekong-Rice.", false, true),
        ("name=mekong%E2%80%8Brice", false, true),
        ("name=hanbit", true, true),
        ("name=%25", false, false),
        (&format!("curator={staff_id}") as &str, true, true),
        ("curator=01a22ccd-0000-7000-8000-000000000000", false, false),
    ] {
        let html = board(q);
        assert_eq!(shows(&html, &m1), cashew_shown, "{q}");
        assert_eq!(shows(&html, &m2), rice_shown, "{q}");
    }
    let filtered = board("sector=A");
    assert!(
        filtered.contains("<option value=\"A\" selected>"),
        "the choice is kept"
    );
    // A class from elsewhere filters, and shows as chosen, so the next submit keeps it (QA).
    let class = board("sector=0112");
    assert!(shows(&class, &m2) && !shows(&class, &m1));
    assert!(
        class.contains("<option value=\"0112\" selected>"),
        "{class}"
    );
    // A later page (after the match waiting longest, by the API's cursor of the same order)
    // shows the other card, yet each column counts its stage on every page, and links back to
    // the first page, filters kept.
    let token = cookie.trim_start_matches("khkr_session=");
    let longest = s.as_token(token).ok(
        "{ pipeline(order: LONGEST_WAITING, first: 1) { edges { node { id } } pageInfo { endCursor } } }",
        json!({}),
    );
    let first = longest["pipeline"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let cursor = longest["pipeline"]["pageInfo"]["endCursor"]
        .as_str()
        .unwrap()
        .to_string();
    let second = if first == m1 { &m2 } else { &m1 };
    let first = &first;
    let cursor = cursor.replace('+', "%2B");
    let later = board(&format!("after={cursor}"));
    assert!(!shows(&later, first) && shows(&later, second));
    assert!(
        later.contains(
            "<h2 id=\"stage-shortlisted-title\">Shortlisted <span class=\"count\">2</span></h2>"
        ),
        "the stage's whole count"
    );
    // On a phone the columns stack: the stages as links at the top jump to each, with the
    // same counts (QA: at 360 px the last column was a long scroll away).
    assert!(
        later.contains(
            "<li><a href=\"#stage-shortlisted\">Shortlisted <span class=\"count\">2</span></a></li>"
        ),
        "the jump to a stage"
    );
    assert!(later.contains("<a href=\"/en/staff/pipeline\" rel=\"first\">First matches</a>"));
    // Where the page starts, as the board's own "next" link carries it (`from`); without it,
    // or with one that cannot be this page's start, only the total.
    assert!(later.contains("<p class=\"board-total\">2 matches in the pipeline</p>"));
    let placed = board(&format!("after={cursor}&from=2"));
    assert!(
        placed.contains("<p class=\"board-total\">Match 2 of 2 in the pipeline</p>"),
        "{placed}"
    );
    for bad in ["7", "1", "0", "-3", "x", "99999999999999999999"] {
        assert!(board(&format!("after={cursor}&from={bad}"))
            .contains("<p class=\"board-total\">2 matches in the pipeline</p>"));
    }
    let later = board(&format!("sector=C&after={cursor}"));
    assert!(
        later.contains("<span class=\"count\">1</span>"),
        "counts under the filters"
    );
    assert!(later.contains("<a href=\"/en/staff/pipeline?sector=C\" rel=\"first\">"));
    assert!(
        !board("").contains("rel=\"first\""),
        "none on the first page"
    );
    // A position that is none (an edited link): the first page, the filters kept.
    let edited = get(
        &s,
        "/en/staff/pipeline?province=KH-12&after=garbage",
        &as_staff,
    );
    assert_eq!(edited.status, 200);
    let edited = edited.text();
    assert!(
        shows(&edited, &m2) && !shows(&edited, &m1),
        "rice farm only"
    );
    assert!(edited.contains("<option value=\"KH-12\" selected>"));
    assert!(!edited.contains("rel=\"first\""));
    assert!(
        edited.contains("no longer exists, so the first matches are shown"),
        "it says so"
    );
    assert!(!board("").contains("no longer exists"));
    // Codes typed by hand as the form would not write them filter and show as chosen, so the
    // next submit keeps them.
    let typed = board("sector=c&province=%20kh-12");
    assert!(typed.contains("<option value=\"C\" selected>"), "sector");
    assert!(
        typed.contains("<option value=\"KH-12\" selected>"),
        "province"
    );
    assert!(
        !shows(&typed, &m1) && !shows(&typed, &m2),
        "C in KH-12: neither"
    );

    let bad = get(&s, "/en/staff/pipeline?province=XX", &as_staff);
    assert_eq!(bad.status, 400);
    assert!(bad.text().contains("These filters could not be used"));

    for (lang, stage_word) in [
        ("en", "Shortlisted"),
        ("ko", "후보 선정"),
        ("km", "ក្នុងបញ្ជីជម្រើស"),
    ] {
        let r = get(&s, &format!("/{lang}/staff"), &as_staff);
        assert_eq!(r.status, 200);
        let html = r.text();
        assert_eq!(html.matches("<svg class=\"bars\"").count(), 3, "{lang}");
        assert_eq!(html.matches("role=\"img\"").count(), 3);
        assert_eq!(html.matches("<table>").count(), 3, "a table for each chart");
        // The stage chart counts both; each bar has a title with its count.
        assert!(
            html.contains(&format!("<title>{stage_word}: 2</title>")),
            "{lang}"
        );
        assert!(
            !html.contains("cdn") && !html.contains("<script>"),
            "no chart library"
        );
    }
    let en = get(&s, "/en/staff", &as_staff).text();
    assert!(en.contains("<title>Manufacturing: 1</title>"), "by section");
    assert!(en.contains("<title>Phnom Penh: 1</title>"), "by province");
    assert!(
        en.contains("href=\"/en/staff/pipeline?province=KH-12\""),
        "rows link to the board"
    );

    // Every field of the staff pages has a label.
    for path in [
        "/en/staff/pipeline".to_string(),
        format!("/en/staff/matches/{m1}"),
        format!("/en/smes/{cashew}"),
    ] {
        assert_every_field_labelled(&get(&s, &path, &as_staff).text(), &path);
    }

    // The account page links staff to their pages.
    let me = get(&s, "/en/me", &as_staff).text();
    assert!(me.contains("href=\"/en/staff/pipeline\"") && me.contains("href=\"/en/staff\""));
}

#[test]
fn only_staff_see_ranked_matches_with_shortlist_buttons_on_profile_pages() {
    let s = TestServer::start();
    let sme = publish_sme(&s, sme_input());
    let inv = publish_investor(&s, investor_input());
    let (staff, _) = common::operator_account(&s, "STAFF");
    let others = [
        None,
        Some(session(&s.sme_token)),
        Some(session(&s.investor_token)),
    ];
    for path in [format!("/en/smes/{sme}"), format!("/ko/investors/{inv}")] {
        for cookie in &others {
            let headers: Vec<(&str, &str)> =
                cookie.iter().map(|c| ("Cookie", c.as_str())).collect();
            let html = get(&s, &path, &headers).text();
            assert!(!html.contains("staff/shortlist"), "{path}");
            assert!(!html.contains("staff-ranked"), "{path}");
        }
        let html = get(&s, &path, &[("Cookie", &session(&staff))]).text();
        assert!(html.contains("class=\"staff-ranked\""), "{path}");
        assert!(html.contains("/staff/shortlist\""), "{path}");
        assert!(
            html.contains(&format!("name=\"sme\" value=\"{sme}\"")),
            "{path}"
        );
        assert!(
            html.contains(&format!("name=\"investor\" value=\"{inv}\"")),
            "{path}"
        );
        assert!(html.contains("class=\"factors\""), "the score explained");
    }
    // Once shortlisted, the profile links to the match instead of offering the button again,
    // and shortlisting the same pair twice leads to the same match.
    let cookie = session(&staff);
    let csrf = csrf_of(&get(&s, "/en/staff", &[("Cookie", &cookie)]).text());
    let id = shortlist(&s, &cookie, &csrf, &sme, &inv);
    let html = get(&s, &format!("/en/smes/{sme}"), &[("Cookie", &cookie)]).text();
    assert!(html.contains(&format!("href=\"/en/staff/matches/{id}\"")));
    assert!(!html.contains(&format!("name=\"investor\" value=\"{inv}\"")));
    assert_eq!(shortlist(&s, &cookie, &csrf, &sme, &inv), id);
}

#[test]
fn actions_need_csrf_answer_with_redirects_and_move_the_match() {
    let s = TestServer::start();
    let sme = publish_sme(&s, sme_input());
    let inv = publish_investor(&s, investor_input());
    let (cookie, csrf, _) = staff_session(&s);
    let (staff_token, colleague) = common::operator_account(&s, "STAFF");
    let id = shortlist(&s, &cookie, &csrf, &sme, &inv);
    let page = format!("/en/staff/matches/{id}");
    let as_staff = [("Cookie", cookie.as_str())];

    let html = get(&s, &page, &as_staff).text();
    assert!(html.contains("Sokha Cashew Processing") && html.contains("Hanbit Beauty Trading"));
    assert!(html.contains("class=\"factors\""), "the explanation");
    assert!(html.contains("Put on the shortlist"), "the audit log");
    // Nobody has been asked yet: no answers to wait for (QA read them as someone to chase).
    assert!(!html.contains("Their answer"), "{html}");
    assert!(html.contains(&format!("action=\"{page}/introduce\"")));
    assert!(html.contains("<label for=\"message\">"));

    // Without the CSRF field (or with a wrong one): refused, nothing changes.
    let message = "Meet Hanbit: K-beauty distribution.";
    for token in [None, Some("0".repeat(64))] {
        let mut pairs = vec![("message", message)];
        if let Some(t) = &token {
            pairs.push(("csrf", t));
        }
        let r = post_form(&s, &format!("{page}/introduce"), Some(&cookie), &pairs);
        assert_eq!(r.status, 403);
    }
    assert_eq!(stage(&s, &staff_token, &id), "SHORTLISTED");

    // An empty message: the page again in Korean, the message next to the field.
    let ko_page = format!("/ko/staff/matches/{id}");
    let r = post_form(
        &s,
        &format!("{ko_page}/introduce"),
        Some(&cookie),
        &[("csrf", &csrf), ("message", "   ")],
    );
    assert_eq!(r.status, 422);
    let html = r.text();
    assert!(html.contains("<html lang=\"ko\">"));
    assert!(
        html.contains(
            "<span class=\"error-message\" id=\"message-error\">먼저 메시지를 입력하세요</span>"
        ),
        "{html}"
    );
    assert!(
        html.contains("href=\"#message\""),
        "the summary links to the field"
    );
    assert_eq!(stage(&s, &staff_token, &id), "SHORTLISTED");
    // Too long: refused, and what was typed is kept.
    let long = "가".repeat(2001);
    let r = post_form(
        &s,
        &format!("{ko_page}/introduce"),
        Some(&cookie),
        &[("csrf", &csrf), ("message", &long)],
    );
    assert_eq!(r.status, 422);
    assert!(r.text().contains("메시지를 2000자 이내로 줄이세요"));
    assert!(r.text().contains(&long), "what was typed is kept");

    // Introduce: 303 back to the match page (POST-redirect-GET), stage INTRODUCED.
    let r = post_form(
        &s,
        &format!("{page}/introduce"),
        Some(&cookie),
        &[("csrf", &csrf), ("message", message)],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert_eq!(r.header("location"), Some(page.as_str()));
    assert_eq!(stage(&s, &staff_token, &id), "INTRODUCED");
    let html = get(&s, &page, &as_staff).text();
    assert!(html.contains(message));
    assert!(html.contains("Their answer: not answered yet"), "{html}");
    assert!(
        !html.contains(&format!("action=\"{page}/introduce\"")),
        "introduced once"
    );
    // A double click sends it again: the same introduction, not a conflict with someone else.
    let again = post_form(
        &s,
        &format!("{page}/introduce"),
        Some(&cookie),
        &[("csrf", &csrf), ("message", message)],
    );
    assert_eq!(again.status, 303, "{}", again.text());
    assert_eq!(stage(&s, &staff_token, &id), "INTRODUCED");
    // Another message later, from a page left open: the match is no longer on the shortlist,
    // and the page says so rather than "try once more" (QA: trying again could never work).
    let later = post_form(
        &s,
        &format!("{page}/introduce"),
        Some(&cookie),
        &[("csrf", &csrf), ("message", "A second, different message.")],
    );
    assert_eq!(later.status, 422, "{}", later.text());
    assert!(
        later.text().contains("no longer on the shortlist"),
        "{}",
        later.text()
    );
    // On the board, an introduced match says who has answered (QA: staff opened every card to
    // find the side still silent).
    let board = get(&s, "/en/staff/pipeline", &as_staff).text();
    assert!(
        board.contains("Business: not answered yet · Investor: not answered yet"),
        "{board}"
    );

    // A move the domain does not allow from INTRODUCED: named next to the field.
    let r = post_form(
        &s,
        &format!("{page}/move"),
        Some(&cookie),
        &[("csrf", &csrf), ("stage", "DEAL")],
    );
    assert_eq!(r.status, 422);
    assert!(
        r.text()
            .contains("This match cannot move there. From where it is now it can go to: Closed"),
        "{}",
        r.text()
    );
    let r = post_form(
        &s,
        &format!("{page}/move"),
        Some(&cookie),
        &[("csrf", &csrf), ("stage", "NOWHERE")],
    );
    assert_eq!(r.status, 422);
    assert!(r.text().contains("Choose a stage from the list"));
    assert_eq!(stage(&s, &staff_token, &id), "INTRODUCED");

    // A note and a curator: each 303, each in the history.
    let r = post_form(
        &s,
        &format!("{page}/note"),
        Some(&cookie),
        &[
            ("csrf", &csrf),
            ("note", "Called Sokha: keen, wants a visit in March."),
        ],
    );
    assert_eq!(r.status, 303);
    let r = post_form(
        &s,
        &format!("{page}/note"),
        Some(&cookie),
        &[("csrf", &csrf)],
    );
    assert_eq!(r.status, 422);
    assert!(r.text().contains("id=\"note-error\">Write a note first"));
    // A colleague is chosen from every staff account, by e-mail.
    let html = get(&s, &page, &as_staff).text();
    assert!(html.contains("<label for=\"curator\">Curator</label>"));
    assert!(html.contains(&format!("<option value=\"{colleague}\">staff-")));
    let r = post_form(
        &s,
        &format!("{page}/curator"),
        Some(&cookie),
        &[("csrf", &csrf), ("curator", &colleague)],
    );
    assert_eq!(r.status, 303);
    let html = get(&s, &page, &as_staff).text();
    assert!(html.contains("Called Sokha: keen, wants a visit in March."));
    assert!(
        html.contains("Curator: staff-"),
        "the new curator by e-mail"
    );

    // Both parties accept (over the API): the match is CONNECTED; staff move it on.
    for token in [&s.sme_token, &s.investor_token] {
        s.as_token(token).ok(
            "mutation($id: ID!) { respondToIntroduction(matchId: $id, accept: true) { stage } }",
            json!({ "id": id }),
        );
    }
    let html = get(&s, &page, &as_staff).text();
    assert!(html.contains("Both accepted"));
    assert!(html.contains("The Cambodian business accepted"));
    let r = post_form(
        &s,
        &format!("{page}/move"),
        Some(&cookie),
        &[
            ("csrf", &csrf),
            ("stage", "IN_TALKS"),
            ("message", "First call done."),
        ],
    );
    assert_eq!(r.status, 303);
    assert_eq!(stage(&s, &staff_token, &id), "IN_TALKS");
    let board = get(&s, "/en/staff/pipeline", &as_staff).text();
    let in_talks = &board
        [board.find("id=\"stage-in-talks\"").unwrap()..board.find("id=\"stage-deal\"").unwrap()];
    assert!(in_talks.contains(&id), "the board shows it in talks");
}

/// Staff may see both parties' contact details (the visibility policy lets staff see them, to
/// prepare introductions) and an anonymous SME's name; the parties see neither on their own
/// pages before both accepted, and no one else reaches a staff page at all.
#[test]
fn staff_pages_show_contacts_exactly_as_visibility_allows() {
    let s = TestServer::start();
    let rice = publish_sme(&s, rice_farm());
    let inv = publish_investor(&s, investor_input());
    let (cookie, csrf, _) = staff_session(&s);
    let id = shortlist(&s, &cookie, &csrf, &rice, &inv);
    let page = format!("/en/staff/matches/{id}");
    let html = get(&s, &page, &[("Cookie", &cookie)]).text();
    assert!(
        html.contains("Mekong Rice Farm"),
        "staff see an anonymous SME's name"
    );
    assert!(
        html.contains("dara@mekong-rice.example"),
        "staff see the SME's contact"
    );
    assert!(
        html.contains("minji@hanbit-beauty.example"),
        "and the investor's"
    );
    // The public profile page shows no contact, not even to staff.
    let profile = get(&s, &format!("/en/smes/{rice}"), &[("Cookie", &cookie)]).text();
    assert!(!profile.contains("dara@mekong-rice.example"));
    // Neither party can open the staff page, and a stranger sees no name on the profile.
    for token in [&s.sme_token, &s.investor_token] {
        let r = get(&s, &page, &[("Cookie", &session(token))]);
        assert_eq!(r.status, 403);
        assert!(!r.text().contains("dara@") && !r.text().contains("minji@"));
    }
    let stranger = get(&s, &format!("/en/smes/{rice}"), &[]).text();
    assert!(!stranger.contains("Mekong Rice Farm"));
}

/// The board's live updates: an event stream for staff that announces each change, and ends
/// when the session is revoked.
#[test]
fn the_event_stream_announces_changes_to_staff() {
    let s = TestServer::start();
    let sme = publish_sme(&s, sme_input());
    let inv = publish_investor(&s, investor_input());
    let (cookie, csrf, staff_id) = staff_session(&s);
    let (staff_token, _) = common::operator_account(&s, "STAFF");
    let id = shortlist(&s, &cookie, &csrf, &sme, &inv);

    let authority = s.base.strip_prefix("http://").unwrap();
    let mut stream = std::net::TcpStream::connect(authority).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET /en/staff/events HTTP/1.1\r\nHost: {authority}\r\nCookie: {cookie}\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("response head");
        if line == "\r\n" || line.is_empty() {
            break;
        }
        head.push_str(&line.to_ascii_lowercase());
    }
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(head.contains("content-type: text/event-stream"), "{head}");

    // Another curator takes the match over: the stream says so, naming the match.
    s.as_token(&staff_token).ok(
        "mutation($id: ID!, $c: ID!) { assignCurator(matchId: $id, curatorId: $c) { id } }",
        json!({ "id": id, "c": staff_id }),
    );
    let mut seen = String::new();
    while !seen.contains("event: pipeline") || !seen.contains(&id) {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) => panic!("stream ended: {seen}"),
            Ok(_) => seen.push_str(&line),
            Err(e) => panic!("no event within 30 s ({e}): {seen}"),
        }
    }

    // Logging out revokes the session: the open stream ends, and a new one is refused.
    let r = post_form(&s, "/en/logout", Some(&cookie), &[("csrf", &csrf)]);
    assert_eq!(r.status, 303);
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => panic!("the stream stayed open after log-out ({e})"),
        }
    }
    let again = get(&s, "/en/staff/events", &[("Cookie", &cookie)]);
    assert_eq!(again.status, 303);
    assert_eq!(again.header("location"), Some("/en/login"));
}

/// A pipeline larger than a board page (100 matches): a column whose cards are on another page
/// says how many are there, where it said "None" under a count of 1.
#[test]
fn a_column_says_how_many_of_its_matches_are_on_other_pages() {
    let s = TestServer::start();
    let inv = publish_investor(&s, investor_input());
    let (token, _) = common::operator_account(&s, "STAFF");
    let staff = s.as_token(&token);
    let mut ids = Vec::new();
    for n in 0..101 {
        let mut input = sme_input();
        input["name"] = json!({ "en": format!("Cashew Works {n}") });
        let sme = publish_sme(&s, input);
        let m = staff.ok(
            "mutation($s: ID!, $i: ID!) { shortlistMatch(smeId: $s, investorId: $i) { id } }",
            json!({ "s": sme, "i": inv }),
        );
        ids.push(m["shortlistMatch"]["id"].as_str().unwrap().to_string());
    }
    // The first in pair id order introduced: changed last, it now waits the least of all.
    ids.sort();
    let moved = ids[0].clone();
    // SQLite orders times to the millisecond (ties by pair id): surely after the last shortlist.
    std::thread::sleep(std::time::Duration::from_millis(3));
    staff.ok(
        "mutation($id: ID!) { introduce(matchId: $id, message: \"Meet\") { stage } }",
        json!({ "id": moved }),
    );
    let cookie = format!("khkr_session={token}");
    let column = |html: &str, stage: &str| -> String {
        let at = html.find(&format!("id=\"stage-{stage}\"")).unwrap();
        let column = &html[at..];
        column[..column.find("</section>").unwrap()].to_string()
    };
    let first = get(&s, "/en/staff/pipeline", &[("Cookie", &cookie)]).text();
    let introduced = column(&first, "introduced");
    assert!(
        introduced.contains("<span class=\"count\">1</span>"),
        "{introduced}"
    );
    // Pages come longest wait first, so the match changed last is on page 2 (in pair id order,
    // as the board paged before, it was the first card of page 1).
    assert!(!introduced.contains("staff/matches/"), "not on page 1");
    assert!(
        introduced.contains("1 more on other pages") && !introduced.contains(">None<"),
        "{introduced}"
    );
    let shortlisted = column(&first, "shortlisted");
    assert!(shortlisted.contains("<span class=\"count\">100</span>"));
    assert_eq!(shortlisted.matches("staff/matches/").count(), 100);
    assert!(!shortlisted.contains("more on other pages"));
    // The next page holds it, and only it.
    let next = first.split("rel=\"next\"").next().unwrap();
    let next = &next[next.rfind("href=\"").unwrap() + 6..next.rfind('"').unwrap()];
    let second = get(&s, &next.replace("&amp;", "&"), &[("Cookie", &cookie)]).text();
    assert!(column(&second, "introduced").contains(&format!("/en/staff/matches/{moved}\"")));
    assert_eq!(second.matches("/en/staff/matches/").count(), 1, "{next}");
}

/// Chamber staff keep their lists in spreadsheets: the board downloads as a CSV file, under the
/// board's filters, in the page language, with what the board shows (its columns' order, each
/// side's answer to an introduction) and no contact detail, and a name that starts like a
/// formula stays text in the sheet.
#[test]
fn the_pipeline_downloads_as_a_spreadsheet_under_the_boards_filters() {
    let s = TestServer::start();
    let cashew = publish_sme(&s, sme_input());
    let rice = publish_sme(&s, rice_farm());
    let mut hostile = sme_input();
    hostile["name"] = json!({ "en": "=HYPERLINK(\"http://evil.example\",\"open\")" });
    hostile["contact"] = json!({ "person": "Vanna", "email": "vanna@formula.example" });
    let hostile = publish_sme(&s, hostile);
    let inv = publish_investor(&s, investor_input());
    let (cookie, csrf, _) = staff_session(&s);
    let mut ids = vec![];
    for sme in [&cashew, &rice, &hostile] {
        ids.push(shortlist(&s, &cookie, &csrf, sme, &inv));
        // SQLite orders times to the millisecond: each later than the one before.
        std::thread::sleep(Duration::from_millis(3));
    }
    // The pair shortlisted first is introduced and its business says yes: it moves to the
    // board's second column, after the two still shortlisted, with the answers in its row.
    let token = cookie.trim_start_matches("khkr_session=");
    s.as_token(token).ok(
        "mutation($id: ID!) { introduce(matchId: $id, message: \"Please meet.\") { stage } }",
        json!({ "id": ids[0] }),
    );
    s.as_sme().ok(
        "mutation($id: ID!) { respondToIntroduction(matchId: $id, accept: true) { stage } }",
        json!({ "id": ids[0] }),
    );
    let as_staff = [("Cookie", cookie.as_str())];
    let rows_of = |path: &str| -> Vec<Vec<String>> {
        let r = get(&s, path, &as_staff);
        assert_eq!(r.status, 200, "{path}: {}", r.text());
        assert_eq!(r.header("content-type"), Some("text/csv; charset=utf-8"));
        // The language in the file's name: a day's Khmer and English files are two files.
        let lang = &path[1..3];
        assert!(r.header("content-disposition").is_some_and(
            |d| d.starts_with(&format!("attachment; filename=\"khkr-pipeline-{lang}-"))
        ));
        // A byte-order mark, so that spreadsheets read the Khmer and Korean as UTF-8.
        assert!(r.body.starts_with("\u{feff}".as_bytes()));
        let text = String::from_utf8(r.body[3..].to_vec()).unwrap();
        csv::Reader::from_reader(text.as_bytes())
            .records()
            .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
            .collect()
    };

    let all = rows_of("/km/staff/pipeline.csv");
    assert_eq!(all.len(), 3, "{all:?}");
    // By the board's columns, longest wait first in each, as on the board; the first column is
    // the match, the last its page.
    let listed: Vec<&str> = all.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(listed, [&ids[1], &ids[2], &ids[0]]);
    let introduced = &all[2];
    assert_eq!(introduced[1], "បានណែនាំ", "{introduced:?}");
    assert_eq!(
        (introduced[8].as_str(), introduced[9].as_str()),
        ("យល់ព្រម", "មិនទាន់ឆ្លើយ"),
        "{introduced:?}"
    );
    for (row, id) in all.iter().zip([&ids[1], &ids[2]]) {
        assert_eq!(row.last().unwrap(), &format!("/km/staff/matches/{id}"));
        assert_eq!(row[1], "ក្នុងបញ្ជីជម្រើស", "{row:?}");
        // Nobody has been asked yet.
        assert_eq!((row[8].as_str(), row[9].as_str()), ("", ""), "{row:?}");
        // A date and time a spreadsheet reads as one (the header says UTC+7).
        let t = row[2].as_bytes();
        assert!(
            t.len() == 16
                && t.iter().enumerate().all(|(i, c)| match i {
                    4 | 7 => *c == b'-',
                    10 => *c == b' ',
                    13 => *c == b':',
                    _ => c.is_ascii_digit(),
                }),
            "{row:?}"
        );
    }
    let text = format!("{all:?}");
    // Staff see the anonymous SME's name, as on the board, marked as hidden from investors (a
    // file travels further than the page); nobody's contact is in the file.
    assert!(
        all.iter()
            .flatten()
            .any(|c| c.starts_with("Mekong Rice Farm (អនាមិក")),
        "{text}"
    );
    for contact in ["sokha@", "dara@", "minji@", "vanna@", "Vanna"] {
        assert!(!text.contains(contact), "{contact} in {text}");
    }
    // The formula is a name: quoted with ', not run by the spreadsheet.
    let formula = all
        .iter()
        .find(|r| r[0] == ids[2])
        .map(|r| r[4].clone())
        .unwrap();
    assert_eq!(formula, "'=HYPERLINK(\"http://evil.example\",\"open\")");
    // The sector in the page language after its code (inside the text, so that a spreadsheet
    // keeps the leading zero); the curator by e-mail (the shortlisting staff account), the same
    // whoever downloads the file.
    let rice_row = all.iter().find(|r| r[0] == ids[1]).unwrap();
    assert!(rice_row[5].starts_with("0112 "), "{rice_row:?}");
    assert!(rice_row[5].contains("ស្រូវ"), "{rice_row:?}");
    let token = cookie.trim_start_matches("khkr_session=");
    let me = s.as_token(token).ok("{ me { email } }", json!({}));
    assert_eq!(
        rice_row[3],
        me["me"]["email"].as_str().unwrap(),
        "{rice_row:?}"
    );

    // The board's filters; the board links to the file under its own filters.
    let rice_only = rows_of("/en/staff/pipeline.csv?sector=a");
    assert_eq!(rice_only.len(), 1);
    assert_eq!(rice_only[0][0], ids[1]);
    let board = get(&s, "/en/staff/pipeline?sector=A", &as_staff).text();
    assert!(
        board.contains("href=\"/en/staff/pipeline.csv?sector=A\""),
        "{board}"
    );
    assert_eq!(rows_of("/ko/staff/pipeline.csv?province=KH-1").len(), 0);
    let bad = get(&s, "/en/staff/pipeline.csv?sector=ZZ", &as_staff);
    assert_eq!(bad.status, 400);
    assert!(bad.text().contains("could not be used"));

    // Staff only: a visitor logs in first, the parties are refused and get no row.
    // (to the board under the same filters: back at the file, the browser would download it
    // and leave them on the log-in form).
    let anon = get(&s, "/en/staff/pipeline.csv?sector=A", &[]);
    assert_eq!(anon.status, 303);
    assert_eq!(
        anon.header("location"),
        Some("/en/login?next=%2Fen%2Fstaff%2Fpipeline%3Fsector%3DA")
    );
    for token in [&s.sme_token, &s.investor_token] {
        let r = get(&s, "/en/staff/pipeline.csv", &[("Cookie", &session(token))]);
        assert_eq!(r.status, 403);
        assert!(!r.text().contains("Mekong Rice Farm"));
    }
}

/// With `--public-url`, the spreadsheet's last column is a link that opens the match page from
/// the file, wherever the file went (a path only works inside the site).
#[test]
fn the_spreadsheet_links_to_the_match_under_the_public_address() {
    let s = TestServer::start_with(&["--public-url", "https://match.example.org/"]);
    let rice = publish_sme(&s, rice_farm());
    let inv = publish_investor(&s, investor_input());
    let (cookie, csrf, _) = staff_session(&s);
    let id = shortlist(&s, &cookie, &csrf, &rice, &inv);
    let r = get(&s, "/en/staff/pipeline.csv", &[("Cookie", cookie.as_str())]);
    assert_eq!(r.status, 200, "{}", r.text());
    let text = String::from_utf8(r.body[3..].to_vec()).unwrap();
    let rows: Vec<Vec<String>> = csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        rows[0].last().unwrap(),
        &format!("https://match.example.org/en/staff/matches/{id}")
    );
}

/// A session that ended while a match page was open (logged out in another tab): the action
/// sends the person to log in and back to the match page, rather than a 403 for the CSRF field
/// (without a session the field cannot match); the action is not carried out.
#[test]
fn an_action_after_the_session_ended_logs_in_and_comes_back_to_the_match() {
    let s = TestServer::start();
    let rice = publish_sme(&s, rice_farm());
    let inv = publish_investor(&s, investor_input());
    let (cookie, csrf, _) = staff_session(&s);
    let id = shortlist(&s, &cookie, &csrf, &rice, &inv);
    let out = post_form(&s, "/en/logout", Some(&cookie), &[("csrf", &csrf)]);
    assert_eq!(out.status, 303);
    let note = post_form(
        &s,
        &format!("/en/staff/matches/{id}/note"),
        Some(&cookie),
        &[("csrf", &csrf), ("note", "called the SME")],
    );
    assert_eq!(note.status, 303, "{}", note.text());
    assert_eq!(
        note.header("location"),
        Some(format!("/en/login?next={}", enc(&format!("/en/staff/matches/{id}"))).as_str())
    );
    // Nothing was noted.
    let (token, _) = common::operator_account(&s, "STAFF");
    let page = get(
        &s,
        &format!("/en/staff/matches/{id}"),
        &[("Cookie", &session(&token))],
    );
    assert!(!page.text().contains("called the SME"));

    // A shortlist sent from a profile page after the session ended comes back to that page
    // (the form says which side's page it sits on); without a usable one, the dashboard.
    let other = publish_investor(&s, investor_input());
    for (on, back) in [
        ("sme", format!("/en/smes/{rice}")),
        ("investor", format!("/en/investors/{other}")),
        ("elsewhere", "/en/staff".to_string()),
    ] {
        let r = post_form(
            &s,
            "/en/staff/shortlist",
            Some(&cookie),
            &[
                ("csrf", &csrf),
                ("sme", &rice),
                ("investor", &other),
                ("on", on),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.text());
        assert_eq!(
            r.header("location"),
            Some(format!("/en/login?next={}", enc(&back)).as_str()),
            "{on}"
        );
    }
    let staff_page = get(
        &s,
        &format!("/en/smes/{rice}"),
        &[("Cookie", &session(&token))],
    )
    .text();
    assert!(
        staff_page.contains("<input type=\"hidden\" name=\"on\" value=\"sme\">"),
        "the profile page's shortlist forms say where they sit"
    );
}

/// Staff page through a profile's ranking ten at a time, as an owner does on its matches page
/// (QA: only the top 10 ever showed, so the 11th could never be shortlisted from the site).
#[test]
fn staff_see_more_of_a_profiles_ranking() {
    let s = TestServer::start();
    let sme = publish_sme(&s, sme_input());
    for n in 0..12 {
        let mut input = investor_input();
        input["name"] = json!({ "en": format!("Ranked Partner {n:02}") });
        publish_investor(&s, input);
    }
    let (staff, _) = common::operator_account(&s, "STAFF");
    let cookie = session(&staff);
    let h = [("Cookie", cookie.as_str())];
    let first = get(&s, &format!("/en/smes/{sme}"), &h).text();
    assert_eq!(first.matches("Ranked Partner").count(), 10, "{first}");
    let at = first
        .find("class=\"button secondary\" href=\"")
        .expect("a show-more link")
        + "class=\"button secondary\" href=\"".len();
    let more = first[at..at + first[at..].find('"').unwrap()].replace("&amp;", "&");
    assert!(more.contains("n=20") && more.ends_with("#m-11"), "{more}");
    let all = get(&s, &more, &h).text();
    assert_eq!(all.matches("Ranked Partner").count(), 12, "{all}");
    assert!(all.contains("id=\"m-11\""));
    assert!(!all.contains("n=30"), "no more past the end");
}
