//! E-mail notices end to end: the server, a real SQLite file and a real SMTP listener on a free
//! port. Introductions and answers reach the people they concern in their language, with a
//! link and nothing the rules hide from them; a relay that refuses for now gets the notice
//! again; a notice written while no relay was set (or before a crash) is sent after restart.

mod common;

use std::time::Duration;

use common::smtp::{Mail, SmtpServer};
use common::*;
use serde_json::{json, Value};

const PUBLIC: &str = "https://match.example.org";

fn mail_args(smtp: &SmtpServer) -> Vec<String> {
    vec![
        "--smtp-url".into(),
        smtp.url(),
        "--public-url".into(),
        format!("{PUBLIC}/"),
        "--mail-retry".into(),
        "0.2".into(),
    ]
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn email_of(s: &TestServer, token: &str) -> String {
    s.as_token(token).ok("{ me { email } }", json!({}))["me"]["email"]
        .as_str()
        .expect("own e-mail")
        .to_string()
}

/// An anonymous SME (Khmer first) and a Korean investor, shortlisted by staff; returns the
/// match id and the staff token and e-mail.
fn shortlisted(s: &TestServer) -> (String, String, String) {
    let mut sme = sme_input();
    sme["visibility"] = json!("ANONYMOUS");
    let sme = publish_sme(s, sme);
    let investor = publish_investor(s, investor_input());
    let (staff_email, staff, _) = operator_account_with_email(s, "STAFF");
    let id = s.as_token(&staff).ok(
        "mutation($s: ID!, $i: ID!) { shortlistMatch(smeId: $s, investorId: $i) { id } }",
        json!({ "s": sme, "i": investor }),
    )["shortlistMatch"]["id"]
        .as_str()
        .expect("match id")
        .to_string();
    (id, staff, staff_email)
}

fn introduce(s: &TestServer, staff: &str, id: &str) {
    let done = s.as_token(staff).ok(
        "mutation($id: ID!) { introduce(matchId: $id, message: \"Please meet\") { stage } }",
        json!({ "id": id }),
    );
    assert_eq!(done["introduce"]["stage"], "INTRODUCED");
}

fn respond(s: &TestServer, token: &str, id: &str, accept: bool) -> Value {
    s.as_token(token).ok(
        "mutation($id: ID!, $a: Boolean!) { respondToIntroduction(matchId: $id, accept: $a) { stage } }",
        json!({ "id": id, "a": accept }),
    )
}

/// A page as the staff member with session `staff` sees it (HTML).
fn as_staff(s: &TestServer, staff: &str, path: &str) -> String {
    let page = common::web::get(s, path, &[("Cookie", &format!("khkr_session={staff}"))]);
    assert_eq!(page.status, 200, "{path}");
    page.text()
}

/// The staff match page's HTML.
fn staff_page(s: &TestServer, staff: &str, id: &str) -> String {
    as_staff(s, staff, &format!("/en/staff/matches/{id}"))
}

fn to<'a>(mails: &'a [Mail], who: &str) -> Vec<&'a Mail> {
    mails.iter().filter(|m| m.to == [who]).collect()
}

/// What no notice may carry: the contact details of either side, and the anonymous SME's
/// name to anyone not yet allowed to see it.
const CONTACTS: [&str; 6] = [
    "sokha@sokha-cashew.example",
    "+855 12 345 678",
    "@sokha_cashew",
    "Chan Sokha",
    "minji@hanbit-beauty.example",
    "Kim Minji",
];
const SME_NAMES: [&str; 2] = ["Sokha Cashew Processing", "រោងចក្រកែច្នៃគ្រាប់ស្វាយចន្ទីសុខា"];

fn assert_no_contact(m: &Mail) {
    for c in CONTACTS {
        assert!(
            !m.raw.contains(c) && !m.body.contains(c) && !m.subject.contains(c),
            "{c:?} in the mail to {:?}:\n{}\n{}",
            m.to,
            m.subject,
            m.body
        );
    }
}

#[test]
fn introductions_and_answers_reach_each_side_in_its_language_and_no_further() {
    let smtp = SmtpServer::start();
    let s = TestServer::start_with(&args(&mail_args(&smtp)));
    let (id, staff, staff_email) = shortlisted(&s);
    let sme_email = email_of(&s, &s.sme_token);
    let investor_email = email_of(&s, &s.investor_token);
    assert!(smtp.mails().is_empty(), "shortlisting mails nobody");

    introduce(&s, &staff, &id);
    let mails = smtp.wait_for(2);
    assert_eq!(mails.len(), 2);
    // The SME owner, in Khmer (the profile's first language), named by its own business.
    let [sme_mail] = to(&mails, &sme_email)[..] else {
        panic!("one mail to the SME owner: {mails:#?}")
    };
    assert_eq!(sme_mail.subject, "រោងចក្រកែច្នៃគ្រាប់ស្វាយចន្ទីសុខា៖ ការណែនាំដៃគូថ្មី");
    assert!(
        sme_mail.body.contains("ឱ្យស្គាល់ Hanbit Beauty Trading"),
        "{}",
        sme_mail.body
    );
    assert!(sme_mail
        .body
        .contains(&format!("{PUBLIC}/km/me/introductions?match={id}")));
    assert!(sme_mail.from.starts_with("noreply@"), "{}", sme_mail.from);
    // The investor, in Korean; the SME is anonymous, so its name is not in the mail.
    let [inv_mail] = to(&mails, &investor_email)[..] else {
        panic!("one mail to the investor: {mails:#?}")
    };
    assert_eq!(inv_mail.subject, "한빛뷰티 무역: 새 소개가 도착했습니다");
    assert!(inv_mail
        .body
        .contains(&format!("{PUBLIC}/ko/me/introductions?match={id}")));
    for name in SME_NAMES {
        assert!(
            !inv_mail.raw.contains(name) && !inv_mail.body.contains(name),
            "{name}"
        );
    }
    for m in &mails {
        assert_no_contact(m);
        // What large providers require and what keeps out-of-office replies away.
        assert!(
            m.raw.contains("Message-ID: <notice.") && m.raw.contains("@localhost>"),
            "{}",
            m.raw
        );
        assert!(
            m.raw.contains("Auto-Submitted: auto-generated"),
            "{}",
            m.raw
        );
    }
    assert!(
        sme_mail.body.contains("ព័ត៌មានទំនាក់ទំនងចែករំលែកតែពេល"),
        "the contact rule"
    );
    // Both read why they were introduced without logging in: the staff's message, quoted.
    assert!(
        sme_mail
            .body
            .replace("\r\n", "\n")
            .contains("សាររបស់ពួកគេ៖\n> Please meet"),
        "{}",
        sme_mail.body
    );
    assert!(
        inv_mail
            .body
            .replace("\r\n", "\n")
            .contains("담당자의 메시지:\n> Please meet"),
        "{}",
        inv_mail.body
    );

    // The link survives the log-in (a query, not a fragment) and puts that introduction first,
    // saying which of the owner's businesses it is about.
    let link = format!("/km/me/introductions?match={id}");
    let out = common::web::get(&s, &link, &[]);
    assert_eq!(out.status, 303);
    assert_eq!(
        out.header("location"),
        Some(format!("/km/login?next={}", common::web::enc(&link)).as_str())
    );
    let page = common::web::get(
        &s,
        &link,
        &[("Cookie", &format!("khkr_session={}", s.sme_token))],
    )
    .text();
    let first = page.find("<li id=\"intro-").expect("a card");
    assert!(
        page[first..].starts_with(&format!("<li id=\"intro-{id}\" class=\"focused\"")),
        "{page}"
    );
    assert!(
        page.contains("សម្រាប់អាជីវកម្មរបស់អ្នក៖ <span lang=\"km\">រោងចក្រកែច្នៃគ្រាប់ស្វាយចន្ទីសុខា</span>"),
        "{page}"
    );

    // The SME accepts: the curator (the staff member who shortlisted) hears it, in English.
    respond(&s, &s.sme_token, &id, true);
    let mails = smtp.wait_for(3);
    let [curator] = to(&mails, &staff_email)[..] else {
        panic!("one mail to the curator: {mails:#?}")
    };
    assert_eq!(
        curator.subject,
        "Sokha Cashew Processing accepted the introduction to Hanbit Beauty Trading"
    );
    assert!(curator
        .body
        .contains(&format!("{PUBLIC}/en/staff/matches/{id}")));

    // The investor accepts: both sides hear they are connected; now the SME's name may be
    // told to the investor (the rules' "connected"), its contact details still never are.
    respond(&s, &s.investor_token, &id, true);
    let mails = smtp.wait_for(6);
    let connected: Vec<&Mail> = mails[3..]
        .iter()
        .filter(|m| m.to != [staff_email.as_str()])
        .collect();
    assert_eq!(connected.len(), 2, "{mails:#?}");
    let inv = connected
        .iter()
        .find(|m| m.to == [investor_email.as_str()])
        .expect("the investor hears");
    assert_eq!(inv.subject, "한빛뷰티 무역: 양쪽 모두 수락했습니다");
    assert!(
        inv.body.contains("Sokha Cashew Processing"),
        "connected: the name is shown now: {}",
        inv.body
    );
    assert!(
        !inv.body.contains("양쪽 모두 수락한 뒤에만"),
        "no 'only when both accept' once they have: {}",
        inv.body
    );
    assert!(connected
        .iter()
        .any(|m| m.to == [sme_email.as_str()] && m.subject.ends_with("ភាគីទាំងពីរយល់ព្រម")));
    // The curator's letter about the second yes says the match now needs following up.
    let second = mails[3..]
        .iter()
        .find(|m| m.to == [staff_email.as_str()])
        .expect("the curator hears the second answer");
    assert!(
        second.body.contains("Both sides have now accepted")
            && second.body.contains("you curate this match"),
        "{}",
        second.body
    );
    for m in &mails {
        assert_no_contact(m);
    }
    // Nothing else is owed: no second copy of anything.
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(smtp.mails().len(), 6);

    // Staff read the same over GraphQL; a party may not (who was written to is the curation's
    // business): FORBIDDEN, as for the audit log.
    let q = "query($id: ID!) { match(id: $id) { notices { audience kind attempts sentAt gaveUp lastError } } }";
    let notices = s.as_token(&staff).ok(q, json!({ "id": id }))["match"]["notices"].clone();
    let kinds: Vec<(String, String)> = notices
        .as_array()
        .expect("a list")
        .iter()
        .map(|n| {
            assert!(
                n["sentAt"].is_string() && n["gaveUp"] == false && n["attempts"] == 1,
                "{n}"
            );
            (
                n["audience"].as_str().unwrap().into(),
                n["kind"].as_str().unwrap().into(),
            )
        })
        .collect();
    let pair = |a: &str, k: &str| (a.to_string(), k.to_string());
    assert_eq!(
        kinds,
        vec![
            pair("SME_OWNER", "INTRODUCED"),
            pair("INVESTOR_OWNER", "INTRODUCED"),
            pair("CURATOR", "SME_ACCEPTED"),
            pair("SME_OWNER", "CONNECTED"),
            pair("INVESTOR_OWNER", "CONNECTED"),
            pair("CURATOR", "INVESTOR_ACCEPTED"),
        ]
    );
    let as_party = s.as_sme().gql(q, json!({ "id": id }));
    assert_eq!(error_code(&as_party), "FORBIDDEN", "{as_party}");

    // Staff see on the match page who was written to about what, and that it went out.
    let page = staff_page(&s, &staff, &id);
    assert!(page.contains("E-mails about this match"), "{page}");
    assert_eq!(page.matches("Sent 20").count(), 6, "{page}");
    assert!(
        page.matches(" UTC+7").count() >= 6,
        "staff read Cambodia time: {page}"
    );
    for line in [
        "To the SME&#39;s owner: the introduction",
        "To the investor&#39;s owner: both sides accepted",
        "To the curator: the answer of the Cambodian business: yes",
        "To the curator: the answer of the Korean investor or partner: yes",
    ] {
        assert!(page.contains(line), "{line} in {page}");
    }
    assert!(!page.contains("no mail relay"));
    let dashboard = as_staff(&s, &staff, "/en/staff");
    assert!(
        !dashboard.contains("E-mails that did not go out"),
        "nothing to follow up"
    );
    s.stop();
}

#[test]
fn a_relay_that_refuses_for_now_gets_the_notice_again_and_a_permanent_refusal_is_recorded() {
    let smtp = SmtpServer::start();
    let s = TestServer::start_with(&args(&mail_args(&smtp)));
    let (id, staff, _) = shortlisted(&s);
    let sme_email = email_of(&s, &s.sme_token);
    smtp.refuse_next(&[
        "451 4.3.0 try again later",
        "451 4.3.0 try again later",
        "550 5.1.1 no such mailbox",
    ]);
    introduce(&s, &staff, &id);
    // Two temporary refusals, then one notice accepted and the other refused for good (which
    // of the two gets the 550 depends on the order of sending).
    let mails = smtp.wait_for(1);
    assert!(
        eventually(Duration::from_secs(20), || smtp.refused() == 3).is_some(),
        "every refusal answered: {} of 3",
        smtp.refused()
    );
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(
        smtp.mails().len(),
        1,
        "the given-up notice is not sent again"
    );
    assert!(mails[0].to == [sme_email.as_str()] || mails[0].subject.starts_with("한빛"));
    let rows = sql_scalar(
        &s,
        "SELECT json_group_array(json_array(attempts, sent_at IS NOT NULL, gave_up_at IS NOT NULL, last_error)) FROM notices",
    );
    let rows: Vec<Value> = serde_json::from_str(rows.as_str().expect("json")).expect("rows");
    assert_eq!(rows.len(), 2, "{rows:?}");
    let sent: Vec<&Value> = rows.iter().filter(|r| r[1] == 1).collect();
    let gave_up: Vec<&Value> = rows.iter().filter(|r| r[2] == 1).collect();
    assert_eq!((sent.len(), gave_up.len()), (1, 1), "{rows:?}");
    assert!(
        gave_up[0][3]
            .as_str()
            .unwrap_or("")
            .contains("no such mailbox"),
        "the relay's reason is kept: {rows:?}"
    );
    let attempts: i64 = rows.iter().map(|r| r[0].as_i64().unwrap_or(0)).sum();
    assert_eq!(
        attempts, 4,
        "two retries after 451, no retry after 550: {rows:?}"
    );
    // The staff dashboard lists the one given up, with its match page.
    let dashboard = as_staff(&s, &staff, "/en/staff");
    assert!(
        dashboard.contains("E-mails that did not go out"),
        "{dashboard}"
    );
    assert_eq!(
        dashboard
            .matches(&format!("<a href=\"/en/staff/matches/{id}\">"))
            .count(),
        1,
        "{dashboard}"
    );
    assert!(dashboard.contains("no such mailbox"), "{dashboard}");
    // The line names the pair and when the letter was written (Cambodia time).
    assert!(
        dashboard.contains("Sokha Cashew Processing · Hanbit Beauty Trading — "),
        "{dashboard}"
    );
    assert!(dashboard.contains("written 20"), "{dashboard}");
    // Staff send the given-up letter again (the mailbox was fixed): it goes out, once. The
    // page says where it goes: the account's e-mail, which is not the profile's contact.
    let page = staff_page(&s, &staff, &id);
    assert!(
        page.contains(&format!("It goes to {sme_email}, in Khmer"))
            || page.contains(", in Korean (the account&#39;s e-mail"),
        "{page}"
    );
    assert_eq!(
        page.matches("Send again").count(),
        1,
        "only the given-up one: {page}"
    );
    let action = page
        .split("<form method=\"post\" action=\"")
        .find(|f| f.contains("/again\""))
        .and_then(|f| f.split('"').next())
        .expect("the send-again form")
        .to_string();
    let cookie = format!("khkr_session={staff}");
    let csrf = common::web::csrf_of(&page);
    let no_csrf = common::web::post_form(&s, &action, Some(&cookie), &[]);
    assert_eq!(no_csrf.status, 403, "CSRF-protected");
    let again = common::web::post_form(&s, &action, Some(&cookie), &[("csrf", &csrf)]);
    assert_eq!(again.status, 303);
    assert_eq!(
        again.header("location"),
        Some(format!("/en/staff/matches/{id}").as_str())
    );
    smtp.wait_for(2);
    let twice = common::web::post_form(&s, &action, Some(&cookie), &[("csrf", &csrf)]);
    assert_eq!(twice.status, 303, "a second click is no error");
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(smtp.mails().len(), 2, "sent once");
    assert!(!staff_page(&s, &staff, &id).contains("Send again"));
    // Operations see the same in /metrics (and can alert on given-up letters).
    let (_, metrics) = s.get("/metrics");
    for line in [
        "khkr_notices_sent_total 2",
        "khkr_notice_attempts_retried_total 2",
        "khkr_notices_given_up_total 1",
    ] {
        assert!(metrics.contains(line), "{line} in {metrics}");
    }
    s.stop();
}

#[test]
fn staff_send_a_given_up_notice_again_over_graphql_and_a_second_call_is_harmless() {
    let smtp = SmtpServer::start();
    let s = TestServer::start_with(&args(&mail_args(&smtp)));
    let (id, staff, _) = shortlisted(&s);
    smtp.refuse_next(&["550 5.1.1 no such mailbox"]);
    introduce(&s, &staff, &id);
    smtp.wait_for(1);
    let q = "query($id: ID!) { match(id: $id) { notices { id gaveUp sentAt nextAttemptAt lastError } } }";
    let mut notice = Value::Null;
    eventually(Duration::from_secs(20), || {
        let all = s.as_token(&staff).ok(q, json!({ "id": id }))["match"]["notices"].clone();
        let found = all
            .as_array()
            .and_then(|a| a.iter().find(|n| n["gaveUp"] == true));
        notice = found.cloned().unwrap_or(Value::Null);
        !notice.is_null()
    })
    .expect("one notice given up");
    assert!(notice["nextAttemptAt"].is_null(), "{notice}");
    assert!(
        notice["lastError"]
            .as_str()
            .unwrap_or("")
            .contains("no such mailbox"),
        "{notice}"
    );
    let nid = notice["id"].as_str().expect("notice id").to_string();
    let m = "mutation($m: ID!, $n: ID!) { sendNoticeAgain(matchId: $m, noticeId: $n) { id gaveUp sentAt attempts } }";
    let vars = json!({ "m": id, "n": nid });
    // Only staff: a party, even one the notice is about, may not.
    let as_party = s.as_sme().gql(m, vars.clone());
    assert_eq!(error_code(&as_party), "FORBIDDEN", "{as_party}");
    let back = s.as_token(&staff).ok(m, vars.clone())["sendNoticeAgain"].clone();
    assert_eq!(back["id"], nid.as_str());
    assert_eq!(back["gaveUp"], false, "back in the queue: {back}");
    smtp.wait_for(2);
    // Asked again once it went out: returned as it stands, nothing sent twice.
    let mut twice = Value::Null;
    eventually(Duration::from_secs(20), || {
        twice = s.as_token(&staff).ok(m, vars.clone())["sendNoticeAgain"].clone();
        twice["sentAt"].is_string()
    })
    .expect("sent");
    assert_eq!(twice["gaveUp"], false, "{twice}");
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(smtp.mails().len(), 2, "sent once more, not twice");
    // A notice the match does not have, and an id that is none.
    for (n, code) in [("987654", "NOT_FOUND"), ("x1", "BAD_USER_INPUT")] {
        let r = s.as_token(&staff).gql(m, json!({ "m": id, "n": n }));
        assert_eq!(error_code(&r), code, "{r}");
    }
    s.stop();
}

/// Before: the message both parties read from the moment they are introduced could name the
/// anonymous SME (staff see its name everywhere) or carry a contact, and the investor's letter
/// quoted it three lines under the SME's neutral name.
#[test]
fn an_introduction_may_not_name_the_anonymous_sme_or_give_a_contact() {
    let s = TestServer::start();
    let (id, staff, _) = shortlisted(&s);
    let m = "mutation($id: ID!, $m: String!) { introduce(matchId: $id, message: $m) { stage } }";
    for message in [
        "Meet sokha cashew PROCESSING, in Kampong Thom",
        "សូមជួប រោងចក្រកែច្នៃគ្រាប់ស្វាយចន្ទីសុខា",
        "Call Chan Sokha on 012 345 678",
        "Write to minji@hanbit-beauty.example",
    ] {
        let r = s.as_token(&staff).gql(m, json!({ "id": id, "m": message }));
        assert_eq!(error_code(&r), "BAD_USER_INPUT", "{message}: {r}");
        assert_eq!(r["errors"][0]["extensions"]["field"], "message", "{r}");
    }
    // The staff page says how the investor sees the SME, and explains a refusal by the form.
    let page = staff_page(&s, &staff, &id);
    assert!(page.contains("This SME is anonymous"), "{page}");
    // And in which languages the two letters quoting the message go (the profiles' first).
    assert!(
        page.contains("The SME gets its letter in Khmer, the investor in Korean"),
        "{page}"
    );
    let csrf = common::web::csrf_of(&page);
    let cookie = format!("khkr_session={staff}");
    let refused = common::web::post_form(
        &s,
        &format!("/en/staff/matches/{id}/introduce"),
        Some(&cookie),
        &[
            ("csrf", &csrf),
            ("message", "Sokha Cashew Processing is great"),
        ],
    );
    let text = refused.text();
    assert!(text.contains("The message names this SME"), "{text}");
    // Described without its name, it goes.
    let done = s.as_token(&staff).ok(
        m,
        json!({ "id": id, "m": "A cashew processor in Kampong Thom that exports to Korea" }),
    );
    assert_eq!(done["introduce"]["stage"], "INTRODUCED");
    s.stop();
}

/// A letter whose news was no longer true when it could go out (the SME answered before the
/// relay was set) is "not needed", not a failure: no "Send again", not on the dashboard.
#[test]
fn a_letter_no_longer_needed_is_not_a_failure_to_follow_up() {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = TestServer::start_in(dir.path(), &[]);
    let (id, staff, _) = shortlisted(&s);
    introduce(&s, &staff, &id);
    respond(&s, &s.sme_token, &id, true);
    s.stop();
    let smtp = SmtpServer::start();
    let again = TestServer::start_without_accounts(dir.path(), &args(&mail_args(&smtp)));
    // The investor's introduction and the curator's answer go; the SME's introduction not.
    smtp.wait_for(2);
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(smtp.mails().len(), 2);
    let page = staff_page(&again, &staff, &id);
    assert!(
        page.contains("Not needed: by the time it could go out"),
        "{page}"
    );
    assert!(!page.contains("Send again"), "{page}");
    let dashboard = as_staff(&again, &staff, "/en/staff");
    assert!(
        !dashboard.contains("E-mails that did not go out"),
        "{dashboard}"
    );
    again.stop();
}

#[test]
fn notices_owed_without_a_relay_are_sent_once_one_is_set() {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = TestServer::start_in(dir.path(), &[]);
    let (id, staff, _) = shortlisted(&s);
    introduce(&s, &staff, &id);
    // No relay: the notices wait in the database, and the staff page says so.
    let page = staff_page(&s, &staff, &id);
    assert!(page.contains("no mail relay (--smtp-url)"), "{page}");
    assert_eq!(page.matches("Not sent yet").count(), 2, "{page}");
    // A crash keeps them.
    s.crash();

    let smtp = SmtpServer::start();
    let again = TestServer::start_without_accounts(dir.path(), &args(&mail_args(&smtp)));
    let mails = smtp.wait_for(2);
    assert_eq!(mails.len(), 2);
    assert!(mails.iter().any(|m| m.subject.ends_with("ការណែនាំដៃគូថ្មី")));
    assert!(mails
        .iter()
        .any(|m| m.subject.ends_with("새 소개가 도착했습니다")));
    again.stop();
}

#[test]
fn a_relay_that_cannot_be_reached_is_said_so_to_staff_and_tried_again() {
    // A port nothing listens on: the relay is down.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("a port")
        .local_addr()
        .expect("its address")
        .port();
    let s = TestServer::start_with(&[
        "--smtp-url",
        &format!("smtp://127.0.0.1:{port}"),
        "--public-url",
        PUBLIC,
    ]);
    let (id, staff, _) = shortlisted(&s);
    introduce(&s, &staff, &id);
    let mut page = String::new();
    let said = eventually(Duration::from_secs(20), || {
        page = staff_page(&s, &staff, &id);
        page.matches("the mail server could not be reached (")
            .count()
            == 2
    });
    assert!(said.is_some(), "{page}");
    assert_eq!(
        page.matches("Not sent yet: one attempt failed").count(),
        2,
        "{page}"
    );
    assert!(page.contains("next try 20"), "when: {page}");
    let km = as_staff(&s, &staff, &format!("/km/staff/matches/{id}"));
    assert!(km.contains("មិនអាចភ្ជាប់ទៅម៉ាស៊ីនអ៊ីមែលបានទេ"), "{km}");
    s.stop();
}

#[test]
fn a_relay_that_needs_tls_a_bad_sender_or_a_bad_site_address_stops_the_start_with_the_reason() {
    let relay = ["--smtp-url", "smtp://127.0.0.1:25"];
    let site = ["--public-url", "https://match.example.org"];
    for (settings, says) in [
        (
            vec!["--smtp-url", "smtps://relay.example:465"],
            "TLS is not built in",
        ),
        (vec!["--smtp-url", "ftp://relay.example"], "--smtp-url"),
        (vec!["--mail-from", "not an address"], "--mail-from"),
        (relay.to_vec(), "required with --smtp-url"),
        (
            [&relay[..], &["--public-url", "match.example.org"]].concat(),
            "--public-url \"match.example.org\"",
        ),
        // Without a relay too: the spreadsheet's links use it.
        (
            vec!["--public-url", "match.example.org"],
            "--public-url \"match.example.org\"",
        ),
        (
            [&relay[..], &site[..], &["--mail-from", "x"]].concat(),
            "--mail-from",
        ),
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = std::process::Command::new(bin())
            .args(["serve", "--bind", "127.0.0.1:0", "--index-dir"])
            .arg(dir.path().join("index"))
            .arg("--database-url")
            .arg(format!("sqlite:{}", dir.path().join("db").display()))
            .args(&settings)
            .output()
            .expect("run serve");
        assert!(!out.status.success(), "{settings:?} must stop the start");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{settings:?}: {err}");
    }
}

/// An owner taking its business off the site closes the matches still waiting on it; the
/// curator hears of it by e-mail (in English, by the business's name, with the match's link),
/// since otherwise it shows only on the board. The parties are not mailed.
#[test]
fn a_business_taken_off_the_site_tells_the_curator_of_its_closed_match() {
    let smtp = SmtpServer::start();
    let s = TestServer::start_with(&args(&mail_args(&smtp)));
    let (id, staff, staff_email) = shortlisted(&s);
    introduce(&s, &staff, &id);
    assert_eq!(smtp.wait_for(2).len(), 2, "the two introductions");
    let sme = s.as_token(&staff).ok(
        "query($id: ID!) { match(id: $id) { sme { id } } }",
        json!({ "id": id }),
    )["match"]["sme"]["id"]
        .as_str()
        .expect("the SME")
        .to_string();
    s.as_sme().ok(
        "mutation($id: ID!) { archiveSme(id: $id) { status } }",
        json!({ "id": sme }),
    );
    let mails = smtp.wait_for(3);
    let [curator] = to(&mails, &staff_email)[..] else {
        panic!("one mail to the curator: {mails:#?}")
    };
    assert_eq!(
        curator.subject,
        "Closed: Sokha Cashew Processing and Hanbit Beauty Trading"
    );
    assert!(
        curator
            .body
            .contains("The owner of Sokha Cashew Processing took it off the site"),
        "{}",
        curator.body
    );
    assert!(curator
        .body
        .contains(&format!("{PUBLIC}/en/staff/matches/{id}")));
    assert_no_contact(curator);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(smtp.mails().len(), 3, "nobody else is mailed");
    // The staff page lists it among the match's notices, in words.
    let page = staff_page(&s, &staff, &id);
    assert!(
        page.contains("one side was taken off the site (match closed)"),
        "{page}"
    );
}

/// A forgotten password (QA: an owner who forgot it was locked out for good): the log-in page
/// links to a form that e-mails a link to the account's address; the link sets a new password
/// once, ends every session, and the log-in page then says so. An address without an account
/// gets the same answer and no letter; a used link says it no longer works.
#[test]
fn a_forgotten_password_is_set_again_through_a_mailed_link() {
    use common::web::{cookie_pair, csrf_of, get, post_form};
    let smtp = SmtpServer::start();
    let s = TestServer::start_with(&args(&mail_args(&smtp)));
    let email = email_of(&s, &s.sme_token);
    let key = s.as_sme().ok(
        "mutation { createApiKey(name: \"shop till\") { token } }",
        json!({}),
    )["createApiKey"]["token"]
        .as_str()
        .expect("an API key")
        .to_string();

    let login = get(&s, "/km/login", &[]);
    assert!(
        login.text().contains("href=\"/km/password/forgot\""),
        "a way there"
    );
    let visit = cookie_pair(&login, "khkr_visit").expect("a visitor cookie");
    let csrf = csrf_of(&login.text());
    let ask = |address: &str| {
        post_form(
            &s,
            "/km/password/forgot",
            Some(&visit),
            &[("csrf", &csrf), ("email", address)],
        )
    };
    // An address with no account: the same answer, no letter.
    let unknown = ask("nobody-here@test.example");
    assert_eq!(unknown.status, 200);
    let known = ask(&email.to_uppercase());
    assert_eq!(known.status, 200);
    let said = |r: &common::RawResponse| {
        let html = r.text();
        let at = html.find("class=\"saved\"").expect("what happens next");
        html[at..at + html[at..].find("</p>").unwrap_or(0)].to_string()
    };
    assert_eq!(
        said(&unknown),
        said(&known),
        "alike with or without an account"
    );
    let mails = smtp.wait_for(1);
    assert_eq!(mails.len(), 1, "one letter, to the account");
    assert_eq!(mails[0].to, vec![email.clone()]);
    assert!(
        mails[0].subject.contains("ពាក្យសម្ងាត់ថ្មី"),
        "{}",
        mails[0].subject
    );
    let prefix = format!("{PUBLIC}/km/password/reset?token=");
    let at = mails[0].body.find(&prefix).expect("a link to the site");
    let link = mails[0].body[at..]
        .split_whitespace()
        .next()
        .unwrap_or_default();
    let token = &link[prefix.len()..];

    // Opening the link uses nothing; a weak password is refused and the link still works.
    let page = get(
        &s,
        &format!("/km/password/reset?token={token}"),
        &[("Cookie", &visit)],
    );
    assert_eq!(page.status, 200);
    let csrf = csrf_of(&page.text());
    let set = |new: &str| {
        post_form(
            &s,
            "/km/password/reset",
            Some(&visit),
            &[("csrf", &csrf), ("token", token), ("new", new)],
        )
    };
    assert_eq!(set("short").status, 422);
    // Nor is the account's own address, or its name part with digits (QA: it was accepted).
    let name = email.split('@').next().unwrap_or_default().to_string();
    for guessable in [email.clone(), format!("{name}-2024-2025!")] {
        let refused = set(&guessable);
        assert_eq!(refused.status, 422, "{guessable}");
        assert!(
            refused.text().contains("ពាក្យសម្ងាត់មិនត្រូវជាអាសយដ្ឋានអ៊ីមែលរបស់អ្នក"),
            "{guessable}: {}",
            refused.text()
        );
    }
    let done = set("a new horse battery staple");
    assert_eq!(done.status, 303);
    assert_eq!(done.header("location"), Some("/km/login?reset=1"));
    let told = get(&s, "/km/login?reset=1", &[]).text();
    assert!(told.contains("class=\"saved\""), "the log-in page says so");
    // The old session is over; the new password logs in, the old one does not.
    // The old session and the API key made with the old password are over (QA round 3: the
    // key still worked).
    for (what, token) in [("session", &s.sme_token), ("API key", &key)] {
        let me = s.as_token(token).gql("{ me { email } }", json!({}));
        assert_eq!(error_code(&me), "UNAUTHENTICATED", "the old {what}: {me:#}");
    }
    let log_in = |password: &str| {
        s.gql(
            "mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token } }",
            json!({ "e": email, "p": password }),
        )
    };
    assert!(log_in("a new horse battery staple")["data"]["logIn"]["token"].is_string());
    assert_eq!(
        error_code(&log_in("correct horse battery")),
        "UNAUTHENTICATED"
    );
    // Used once: the link no longer works, and says what to do.
    let again = set("yet another horse battery");
    assert_eq!(again.status, 410);
    assert!(again.text().contains("href=\"/km/password/forgot\""));
    // Opened again, the used link says so at once, with no form to fill in for nothing (QA).
    let reopened = get(
        &s,
        &format!("/km/password/reset?token={token}"),
        &[("Cookie", &visit)],
    );
    assert_eq!(reopened.status, 410);
    assert!(reopened.text().contains("href=\"/km/password/forgot\""));
    assert!(
        reopened.text().contains("<h1>តំណនេះលែងប្រើបានហើយ</h1>"),
        "the heading says it, not \"choose a new password\""
    );
    assert!(!reopened.text().contains("name=\"new\""), "no form");

    // A link still in the mailbox when the password is changed on its page no longer works
    // (QA: it set another password over the new one).
    assert_eq!(ask(&email).status, 200);
    let mails = smtp.wait_for(2);
    let at = mails[1].body.find(&prefix).expect("a second link");
    let second = mails[1].body[at..]
        .split_whitespace()
        .next()
        .unwrap_or_default()[prefix.len()..]
        .to_string();
    let open = |token: &str| get(&s, &format!("/km/password/reset?token={token}"), &[]).status;
    assert_eq!(open(&second), 200, "the new link works");
    let session = log_in("a new horse battery staple")["data"]["logIn"]["token"]
        .as_str()
        .expect("a session")
        .to_string();
    let changed = s.as_token(&session).gql(
        "mutation { changePassword(currentPassword: \"a new horse battery staple\", newPassword: \"the third horse battery\") { token } }",
        json!({}),
    );
    assert!(
        changed["data"]["changePassword"]["token"].is_string(),
        "{changed:#}"
    );
    assert_eq!(open(&second), 410, "a change of password ends it");
}

/// Without a relay, the site says it cannot send the link, to anyone alike.
#[test]
fn without_a_relay_the_site_says_it_cannot_send_the_link() {
    use common::web::{cookie_pair, csrf_of, get, post_form};
    let s = TestServer::start();
    let email = email_of(&s, &s.sme_token);
    let page = get(&s, "/en/password/forgot", &[]);
    let visit = cookie_pair(&page, "khkr_visit").expect("a visitor cookie");
    let csrf = csrf_of(&page.text());
    for address in [email.as_str(), "nobody-here@test.example"] {
        let r = post_form(
            &s,
            "/en/password/forgot",
            Some(&visit),
            &[("csrf", &csrf), ("email", address)],
        );
        assert_eq!(r.status, 200);
        assert!(r.text().contains("cannot send e-mail yet"), "{address}");
    }
}

/// Before: past its limit a reset request for an address was refused with 429, doubling, so
/// anyone asking for someone else's address once per back-off (from rotating addresses) kept
/// its owner from ever resetting (attacker QA). Now every request is answered alike; past the
/// limit no new letter goes, and the owner, asking too, finds a working link in the letters
/// already sent.
#[test]
fn asking_for_someone_elses_reset_again_and_again_does_not_lock_its_owner_out() {
    use common::web::{cookie_pair, csrf_of, get, post_form};
    let smtp = SmtpServer::start();
    let mut a = mail_args(&smtp);
    a.extend(["--login-failures-per-account".to_string(), "2".to_string()]);
    let s = TestServer::start_with(&args(&a));
    let email = email_of(&s, &s.sme_token);
    let page = get(&s, "/en/password/forgot", &[]);
    let visit = cookie_pair(&page, "khkr_visit").expect("a visitor cookie");
    let csrf = csrf_of(&page.text());
    let ask = || {
        post_form(
            &s,
            "/en/password/forgot",
            Some(&visit),
            &[("csrf", &csrf), ("email", &email)],
        )
    };
    let first = ask();
    assert_eq!(first.status, 200);
    let said = |r: &common::RawResponse| {
        let html = r.text();
        let at = html.find("class=\"saved\"").expect("what happens next");
        html[at..at + html[at..].find("</p>").unwrap_or(0)].to_string()
    };
    // The attacker's further requests, past the limit: answered as the first, no refusal.
    for _ in 0..6 {
        let r = ask();
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(said(&r), said(&first));
    }
    let mails = smtp.wait_for(2);
    std::thread::sleep(std::time::Duration::from_millis(500));
    let sent = smtp.mails().len();
    assert!(
        (2..=3).contains(&sent),
        "{sent} letters: the mailbox is spared"
    );
    // The owner asks too: answered alike, and the newest letter's link works.
    let owner = ask();
    assert_eq!(owner.status, 200);
    assert_eq!(said(&owner), said(&first));
    let prefix = format!("{PUBLIC}/en/password/reset?token=");
    let newest = smtp
        .mails()
        .last()
        .map(|m| m.body.clone())
        .unwrap_or_default();
    let at = newest.find(&prefix).expect("a link");
    let token =
        newest[at..].split_whitespace().next().unwrap_or_default()[prefix.len()..].to_string();
    assert_eq!(
        get(&s, &format!("/en/password/reset?token={token}"), &[]).status,
        200,
        "the link in the mailbox works: {mails:?}"
    );
}
