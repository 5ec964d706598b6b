//! The investor's side of the web app over real HTTP against the real server: the mandate form
//! (sectors from the ISIC tree named in the page language, errors next to their field with what
//! was typed kept, POST-redirect-GET, editing), the mandates on the account page, the ranked
//! SMEs with their explanation and the weight sliders, and withdrawing a mandate.

mod common;

use common::web::{csrf_of, get, post_form, submission_of};
use common::{publish_sme, sme_input, sql_scalar, TestServer};

/// The Korean analyst's mandate: cashew and food processing, equity or export access.
fn mandate<'a>(csrf: &'a str, name: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("name", name),
        ("description", "캄보디아 캐슈넛 가공 공장에 투자합니다"),
        ("organization", "VENTURE_CAPITAL"),
        ("sector", "C"),
        ("sector", "01"),
        ("ticket_min", "50,000"),
        ("ticket_max", "500000"),
        ("partnership", "EQUITY"),
        ("partnership", "EXPORT_MARKET_ACCESS"),
        ("province", "KH-6"),
        ("level", "BASIC"),
        ("incentive", "KOREA_FTA_EXPORT"),
        ("person", "김민지"),
        ("email", "minji@seoul-vc.example"),
    ]
}

/// The id in the first `prefix<id>"` of a page.
fn id_after(html: &str, prefix: &str) -> String {
    let at = html
        .find(prefix)
        .unwrap_or_else(|| panic!("{prefix} in {html}"))
        + prefix.len();
    html[at..].split(['"', '?']).next().unwrap().to_string()
}

#[test]
fn an_investor_describes_a_mandate_changes_it_and_withdraws_it() {
    let s = TestServer::start();
    let cookie = format!("khkr_session={}", s.investor_token);
    let h = [("Cookie", cookie.as_str())];

    let me = get(&s, "/ko/me", &h);
    assert_eq!(me.status, 200);
    let html = me.text();
    assert!(html.contains("내 투자 조건"), "{html}");
    assert!(html.contains("href=\"/ko/me/mandate\""));

    // The form names sections in Korean; the filter data holds every language's name.
    let page = get(&s, "/ko/me/mandate", &h);
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("<label for=\"s-C\">제조업</label>"), "{html}");
    assert!(
        html.contains("manufacturing"),
        "English names for the filter"
    );
    // Divisions in the page language too (they were English, marked lang="en").
    assert!(
        html.contains("<label for=\"s-10\">10 식료품 제조업</label>"),
        "divisions"
    );
    for field in [
        "name",
        "description",
        "ticket_min",
        "ticket_max",
        "person",
        "email",
    ] {
        assert!(html.contains(&format!("<label for=\"{field}\"")), "{field}");
    }
    let csrf = csrf_of(&html);

    // Without its CSRF field: refused, nothing stored.
    let mut no_csrf = mandate(&csrf, "서울 벤처스");
    no_csrf.remove(0);
    assert_eq!(
        post_form(&s, "/ko/me/mandate", Some(&cookie), &no_csrf).status,
        403
    );

    // A ticket that is not a number: the form again, the message next to the field, what was
    // typed kept.
    let mut bad = mandate(&csrf, "서울 벤처스");
    bad.retain(|(k, _)| *k != "ticket_max");
    bad.push(("ticket_max", "많이"));
    let r = post_form(&s, "/ko/me/mandate", Some(&cookie), &bad);
    assert_eq!(r.status, 422);
    let html = r.text();
    assert!(html.contains("class=\"error-summary\""));
    assert!(html.contains("href=\"#ticket_max\""));
    assert!(
        html.contains("value=\"서울 벤처스\""),
        "the name typed is kept"
    );
    assert!(
        html.contains("value=\"많이\""),
        "the bad value is shown to fix"
    );
    assert!(html.contains("id=\"s-C\" name=\"sector\" value=\"C\" checked"));
    assert!(
        !get(&s, "/ko/me", &h).text().contains("서울 벤처스"),
        "nothing stored"
    );

    // Saved: a redirect to the account page (POST-redirect-GET), which lists it.
    let r = post_form(
        &s,
        "/ko/me/mandate",
        Some(&cookie),
        &mandate(&csrf, "서울 벤처스"),
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let landing = r.header("location").unwrap_or_default().to_string();
    assert!(landing.starts_with("/ko/me?saved="), "{landing}");
    // The account page says once that it was saved, and where to read the ranking.
    let said = get(&s, &landing, &h).text();
    assert!(said.contains("저장했습니다."), "{said}");
    assert!(
        said.contains("서울 벤처스은") || said.contains("서울 벤처스는"),
        "{said}"
    );
    assert!(
        said.contains(&format!(
            "href=\"/ko/me/matches/{}\"",
            &landing["/ko/me?saved=".len()..]
        )),
        "{said}"
    );
    let html = get(&s, "/ko/me", &h).text();
    assert!(!html.contains("저장했습니다."));
    assert!(html.contains("서울 벤처스"), "{html}");
    assert!(html.contains("제조업"), "its sectors named");
    let id = id_after(&html, "href=\"/ko/me/matches/");

    // Changing it starts from the answers on file.
    let edit = get(&s, &format!("/ko/me/mandate?id={id}"), &h).text();
    assert!(edit.contains(&format!("name=\"id\" value=\"{id}\"")));
    assert!(edit.contains("value=\"서울 벤처스\""));
    assert!(edit.contains("value=\"50000\""));
    assert!(edit.contains("id=\"p-equity\" name=\"partnership\" value=\"EQUITY\" checked"));
    assert!(edit.contains("id=\"pr-KH-6\" name=\"province\" value=\"KH-6\" checked"));
    assert!(
        edit.contains("value=\"minji@seoul-vc.example\""),
        "the owner sees its contact"
    );
    let mut changed = mandate(&csrf, "서울 임팩트 벤처스");
    changed.push(("id", &id));
    let r = post_form(&s, "/ko/me/mandate", Some(&cookie), &changed);
    assert_eq!(r.status, 303, "{}", r.text());
    let html = get(&s, "/ko/me", &h).text();
    assert!(html.contains("서울 임팩트 벤처스"));
    assert_eq!(
        html.matches("href=\"/ko/me/matches/").count(),
        1,
        "changed, not added"
    );

    // Someone else's mandate is not found; an SME account has no mandate form.
    let sme = format!("khkr_session={}", s.sme_token);
    assert_eq!(
        get(&s, &format!("/ko/me/mandate?id={id}"), &[("Cookie", &sme)]).status,
        303
    );
    let anon = get(&s, "/ko/me/mandate", &[]);
    assert_eq!(anon.status, 303);
    assert_eq!(
        anon.header("location"),
        Some("/ko/login?next=%2Fko%2Fme%2Fmandate")
    );

    // Withdrawn: it leaves the account page.
    let r = post_form(
        &s,
        &format!("/ko/me/archive/{id}"),
        Some(&cookie),
        &[("csrf", &csrf)],
    );
    assert_eq!(r.status, 200, "asked first");
    let asked = r.text();
    assert!(asked.contains("이 투자 조건을 내리시겠습니까?"));
    // The particle the name asks for (스 ends in a vowel), not 은(는).
    assert!(asked.contains("서울 임팩트 벤처스는 더 이상"), "{asked}");
    let r = post_form(
        &s,
        &format!("/ko/me/archive/{id}"),
        Some(&cookie),
        &[("csrf", &csrf), ("confirmed", "yes")],
    );
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/ko/me?archived=1"));
    let after = get(&s, "/ko/me?archived=1", &h).text();
    assert!(!after.contains("서울 임팩트 벤처스"));
    assert!(after.contains("투자 조건을 내렸습니다"), "{after}");
}

#[test]
fn an_investor_reads_ranked_smes_and_moves_the_weight_sliders() {
    let s = TestServer::start();
    let sme = publish_sme(&s, sme_input());
    let cookie = format!("khkr_session={}", s.investor_token);
    let h = [("Cookie", cookie.as_str())];
    let csrf = csrf_of(&get(&s, "/ko/me/mandate", &h).text());
    let r = post_form(
        &s,
        "/ko/me/mandate",
        Some(&cookie),
        &mandate(&csrf, "서울 벤처스"),
    );
    assert_eq!(r.status, 303);
    let id = id_after(&get(&s, "/ko/me", &h).text(), "href=\"/ko/me/matches/");

    let page = get(&s, &format!("/ko/me/matches/{id}"), &h);
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains(&format!("href=\"/ko/smes/{sme}\"")), "{html}");
    assert!(html.contains("적합도 100점 만점에"));
    assert_eq!(html.matches("<span class=\"factor-name\">").count(), 7);
    // The sliders start at the usual weights, each labelled.
    assert!(html.contains("<label for=\"w-sector\">업종</label>"));
    assert!(html.contains("name=\"w-sector\" min=\"0\" max=\"100\" step=\"5\" value=\"25\""));
    assert!(
        html.contains("25점 중"),
        "sector counts 25 of 100 by default"
    );

    // Only the sector counts: its bar is worth all 100 points.
    let q =
        "w-text=0&w-sector=100&w-digital=0&w-incentive=0&w-ticket=0&w-partnership=0&w-location=0";
    let html = get(&s, &format!("/ko/me/matches/{id}?{q}"), &h).text();
    assert!(html.contains("value=\"100\""), "the slider keeps its place");
    assert!(html.contains("100점 중"), "{html}");
    assert!(!html.contains("25점 중"));

    // Weights that cannot rank: said so, in Korean, not a server error.
    for bad in [
        "w-sector=lots",
        "w-text=0&w-sector=0&w-digital=0&w-incentive=0&w-ticket=0&w-partnership=0&w-location=0",
    ] {
        let r = get(&s, &format!("/ko/me/matches/{id}?{bad}"), &h);
        assert_eq!(r.status, 200, "{bad}");
        assert!(
            r.text().contains("이 비중으로는 순위를 매길 수 없습니다"),
            "{bad}"
        );
    }

    // Another investor's mandate: not found. The SME's own matches page still works for it.
    let sme_cookie = format!("khkr_session={}", s.sme_token);
    assert_eq!(
        get(
            &s,
            &format!("/ko/me/matches/{id}"),
            &[("Cookie", &sme_cookie)]
        )
        .status,
        404
    );
    assert_eq!(
        get(
            &s,
            &format!("/km/me/matches/{sme}"),
            &[("Cookie", &sme_cookie)]
        )
        .status,
        200
    );
}

/// An ANONYMOUS SME among an investor's ranked SMEs: ranked, but shown by its neutral name,
/// with neither its name nor its contact anywhere on the page.
#[test]
fn an_investor_never_sees_an_anonymous_smes_name_or_contact_in_its_matches() {
    let s = TestServer::start();
    let mut hidden = sme_input();
    hidden["name"] = serde_json::json!({ "en": "Secret Cashew Works" });
    hidden["visibility"] = serde_json::json!("ANONYMOUS");
    hidden["contact"] =
        serde_json::json!({ "person": "Vanna", "email": "vanna@secret-cashew.example" });
    let sme = publish_sme(&s, hidden);
    let cookie = format!("khkr_session={}", s.investor_token);
    let h = [("Cookie", cookie.as_str())];
    let csrf = csrf_of(&get(&s, "/en/me/mandate", &h).text());
    let r = post_form(
        &s,
        "/en/me/mandate",
        Some(&cookie),
        &mandate(&csrf, "Seoul Ventures"),
    );
    assert_eq!(r.status, 303);
    let id = id_after(&get(&s, "/en/me", &h).text(), "href=\"/en/me/matches/");
    let html = get(&s, &format!("/en/me/matches/{id}"), &h).text();
    assert!(
        html.contains(&format!("href=\"/en/smes/{sme}\"")),
        "it is ranked: {html}"
    );
    for private in [
        "Secret Cashew Works",
        "Vanna",
        "vanna@secret-cashew.example",
    ] {
        assert!(!html.contains(private), "{private} leaked");
    }
}

/// A mandate form sent twice (a double click, back and send again) is one mandate; the edit
/// form has no submission field (a revision sent twice is the same revision).
#[test]
fn a_mandate_sent_twice_is_one_mandate() {
    let s = TestServer::start();
    let cookie = format!("khkr_session={}", s.investor_token);
    let h = [("Cookie", cookie.as_str())];
    let count = || {
        sql_scalar(&s, "SELECT COUNT(*) FROM investors")
            .as_i64()
            .unwrap()
    };
    let before = count();
    let html = get(&s, "/ko/me/mandate", &h).text();
    let (csrf, submission) = (csrf_of(&html), submission_of(&html));
    let mut sent = mandate(&csrf, "부산 그린 파트너스");
    sent.push(("submission", &submission));
    for _ in 0..2 {
        let r = post_form(&s, "/ko/me/mandate", Some(&cookie), &sent);
        assert_eq!(r.status, 303, "{}", r.text());
    }
    assert_eq!(count(), before + 1);
    let me = get(&s, "/ko/me", &h).text();
    assert_eq!(me.matches("부산 그린 파트너스").count(), 1, "{me}");
    let id = id_after(&me, "href=\"/ko/me/matches/");
    let edit = get(&s, &format!("/ko/me/mandate?id={id}"), &h).text();
    assert!(!edit.contains("name=\"submission\""), "{edit}");
    // A form sent to the address of a mandate it does not name is refused, not taken as a
    // new mandate (QA).
    let html = get(&s, "/ko/me/mandate", &h).text();
    let (csrf, submission) = (csrf_of(&html), submission_of(&html));
    let mut sent = mandate(&csrf, "다른 주소 파트너스");
    sent.push(("submission", &submission));
    let r = post_form(&s, &format!("/ko/me/mandate?id={id}"), Some(&cookie), &sent);
    assert_eq!(r.status, 404);
    assert_eq!(count(), before + 1, "nothing made");
}

/// The mandate form says what to change: the smallest ticket above the largest, an empty
/// description and a bad e-mail are all named in one round, each in its own words (before, the
/// order of the amounts got "a whole number" and the texts "a few paragraphs").
#[test]
fn a_mandate_form_names_every_problem_in_its_own_words() {
    let s = TestServer::start();
    let cookie = format!("khkr_session={}", s.investor_token);
    let h = [("Cookie", cookie.as_str())];
    let html = get(&s, "/ko/me/mandate", &h).text();
    assert!(html.contains("maxlength=\"200\"") && html.contains("maxlength=\"5000\""));
    let csrf = csrf_of(&html);
    let mut sent: Vec<(&str, &str)> = mandate(&csrf, "서울 벤처스")
        .into_iter()
        .filter(|(k, _)| !["ticket_min", "ticket_max", "description", "email"].contains(k))
        .collect();
    sent.extend([
        ("ticket_min", "500,000"),
        ("ticket_max", "1000"),
        ("description", "   "),
        ("email", "minji at seoul"),
    ]);
    let r = post_form(&s, "/ko/me/mandate", Some(&cookie), &sent);
    assert_eq!(r.status, 422);
    let html = r.text();
    for message in ["최소 금액(", "이 칸을 채워 주세요", "name@example.com"] {
        assert!(html.contains(message), "{message}");
    }
    assert!(!get(&s, "/ko/me", &h).text().contains("서울 벤처스"));
}

/// A ticket is taken the way an analyst in Seoul writes it (50만, 1억 5천만 달러, $1.5m), and an
/// amount in won is refused by name rather than read as dollars, which would be about 1,400
/// times too much.
#[test]
fn a_ticket_is_taken_as_analysts_write_it_and_won_is_refused() {
    use serde_json::json;
    let s = TestServer::start();
    let cookie = format!("khkr_session={}", s.investor_token);
    let h = [("Cookie", cookie.as_str())];
    let tickets = || {
        sql_scalar(
            &s,
            "SELECT ticket_min_usd || '-' || ticket_max_usd FROM investors \
             WHERE name_ko = '한강 임팩트'",
        )
    };
    // Each round from a fresh form, as a person would send it.
    let with_ticket = |lo: &'static str, hi: &'static str| {
        let html = get(&s, "/ko/me/mandate", &h).text();
        let (csrf, submission) = (csrf_of(&html), submission_of(&html));
        let mut sent: Vec<(&str, &str)> = mandate(&csrf, "한강 임팩트")
            .into_iter()
            .filter(|(k, _)| !["ticket_min", "ticket_max"].contains(k))
            .collect();
        sent.extend([("ticket_min", lo), ("ticket_max", hi)]);
        sent.push(("submission", &submission));
        post_form(&s, "/ko/me/mandate", Some(&cookie), &sent)
    };

    let refused = with_ticket("5천만원", "1억 5천만 달러");
    assert_eq!(refused.status, 422);
    let html = refused.text();
    assert!(html.contains("원화가 아닌 미국 달러로"), "{html}");
    assert!(html.contains("value=\"5천만원\""), "what was typed is kept");
    let saved = sql_scalar(
        &s,
        "SELECT COUNT(*) FROM investors WHERE name_ko = '한강 임팩트'",
    );
    assert_eq!(saved, json!(0), "nothing saved");

    // A bare 억 is won too (QA: 5억 was saved as $500,000,000).
    let refused = with_ticket("5억", "10억");
    assert_eq!(refused.status, 422);
    assert!(refused.text().contains("원화가 아닌 미국 달러로"));

    let saved = with_ticket("50만", "1억 5천만 달러");
    assert_eq!(saved.status, 303, "{}", saved.text());
    assert_eq!(tickets(), json!("500000-150000000"));
    // The form shows the amount back as a number, not as typed.
    let me = get(&s, "/ko/me", &h).text();
    let id = id_after(&me, "href=\"/ko/me/matches/");
    let edit = get(&s, &format!("/ko/me/mandate?id={id}"), &h).text();
    assert!(edit.contains("value=\"500000\""), "{edit}");
}

/// A mandate whose description gives the investor's own e-mail is refused next to the
/// description, in the page language, saying why (partners see contacts only after both accept),
/// rather than "fill this in".
#[test]
fn a_mandate_description_may_not_carry_the_contact_details() {
    let s = TestServer::start();
    let cookie = format!("khkr_session={}", s.investor_token);
    let h = [("Cookie", cookie.as_str())];
    let html = get(&s, "/en/me/mandate", &h).text();
    let (csrf, submission) = (csrf_of(&html), submission_of(&html));
    let mut sent: Vec<(&str, &str)> = mandate(&csrf, "Seoul Cashew Partners")
        .into_iter()
        .filter(|(k, _)| *k != "description")
        .collect();
    sent.push((
        "description",
        "Cashew processing in Cambodia. Write to MINJI@seoul-vc.example",
    ));
    sent.push(("submission", &submission));
    let r = post_form(&s, "/en/me/mandate", Some(&cookie), &sent);
    assert_eq!(r.status, 422);
    let html = r.text();
    assert!(
        html.contains(
            "id=\"description-error\">This text holds a phone number, e-mail or Telegram name (&#34;MINJI@seoul-vc.example&#34;)"
        ),
        "{html}"
    );
    assert!(!get(&s, "/en/me", &h)
        .text()
        .contains("Seoul Cashew Partners"));
}

/// The fields a browser would send for `html`'s form as it stands: text and hidden inputs,
/// ticked checkboxes, textareas and selected options.
fn fields_as_sent(html: &str) -> Vec<(String, String)> {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let key = format!(" {name}=\"");
        let at = tag.find(&key)? + key.len();
        Some(tag[at..at + tag[at..].find('"')?].replace("&#38;", "&"))
    };
    let mut out = Vec::new();
    for (at, _) in html.match_indices("<input ") {
        let tag = &html[at..at + html[at..].find('>').unwrap()];
        let (Some(name), value) = (attr(tag, "name"), attr(tag, "value")) else {
            continue;
        };
        let kind = attr(tag, "type").unwrap_or_default();
        if kind == "checkbox" && !tag.contains(" checked") {
            continue;
        }
        out.push((name, value.unwrap_or_default()));
    }
    for (at, _) in html.match_indices("<textarea ") {
        let open = at + html[at..].find('>').unwrap();
        let close = open + html[open..].find("</textarea>").unwrap();
        let name = attr(&html[at..open], "name").unwrap();
        out.push((name, html[open + 1..close].to_string()));
    }
    for (at, _) in html.match_indices("<select ") {
        let end = at + html[at..].find("</select>").unwrap();
        let name = attr(&html[at..end], "name").unwrap();
        if let Some(sel) = html[at..end].find(" selected") {
            let option = html[at..at + sel].rfind("<option").unwrap() + at;
            out.push((name, attr(&html[option..at + sel], "value").unwrap()));
        }
    }
    out
}

/// A mandate that names ISIC classes (written through the API: the form's tree offers
/// sections and divisions) keeps them when the form is saved unchanged, ticked in the form
/// and named there. QA: saving dropped them and the mandate became "every sector".
#[test]
fn saving_a_mandate_unchanged_keeps_the_classes_it_names() {
    let s = TestServer::start();
    let id = common::publish_investor(&s, common::investor_input());
    let cookie = format!("khkr_session={}", s.investor_token);
    let h = [("Cookie", cookie.as_str())];
    let edit = get(&s, &format!("/ko/me/mandate?id={id}"), &h).text();
    for class in ["2023", "4772"] {
        assert!(
            edit.contains(&format!(
                "id=\"s-{class}\" name=\"sector\" value=\"{class}\" checked"
            )),
            "{class} ticked in {edit}"
        );
    }
    assert!(edit.contains("4772 "), "the class named");
    let sent = fields_as_sent(&edit);
    let pairs: Vec<(&str, &str)> = sent.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = post_form(&s, "/ko/me/mandate", Some(&cookie), &pairs);
    assert_eq!(r.status, 303, "{}", r.text());
    let after = s.as_investor().ok(
        "query($id: ID!) { investor(id: $id) { sectorInterests ticketMinUsd name { ko } } }",
        serde_json::json!({ "id": id }),
    );
    assert_eq!(
        after["investor"]["sectorInterests"],
        serde_json::json!(["2023", "4772"]),
        "{after}"
    );
    assert_eq!(after["investor"]["ticketMinUsd"], 50000);
    assert_eq!(after["investor"]["name"]["ko"], "한빛뷰티 무역");
}

/// A mandate described only in symbols, punctuation or emoji is refused with the reason, as a
/// search of the same text is (QA: "😀🙏🥜" was saved and ranked a stone quarry first).
#[test]
fn a_mandate_without_words_is_refused_with_the_reason() {
    let s = TestServer::start();
    let cookie = format!("khkr_session={}", s.investor_token);
    let h = [("Cookie", cookie.as_str())];
    let csrf = csrf_of(&get(&s, "/ko/me/mandate", &h).text());
    let mut fields = mandate(&csrf, "이모지 투자");
    for (k, v) in fields.iter_mut() {
        if *k == "description" {
            *v = "😀🙏🥜 !!!";
        }
    }
    let r = post_form(&s, "/ko/me/mandate", Some(&cookie), &fields);
    assert_eq!(r.status, 422);
    let html = r.text();
    assert!(html.contains("글자로 적어 주세요"), "{html}");
    // Nothing was saved.
    assert!(!get(&s, "/ko/me", &h).text().contains("이모지 투자"));
}

/// The account page names each division of a mandate's classes once, wherever the classes
/// stand in its list (QA: a logistics mandate of 5210, 4923 and 5224 named division 52 twice).
#[test]
fn the_account_page_names_each_division_once() {
    let s = TestServer::start();
    let mut input = common::investor_input();
    input["sectorInterests"] = serde_json::json!(["5210", "4923", "5224"]);
    common::publish_investor(&s, input);
    let cookie = format!("khkr_session={}", s.investor_token);
    let me = get(&s, "/en/me", &[("Cookie", cookie.as_str())]).text();
    let warehousing = "Warehousing and support activities for transportation";
    assert_eq!(me.matches(warehousing).count(), 1, "{me}");
    assert!(me.contains("Land transport"), "{me}");
}
