//! Introductions for both parties (`/{lang}/me/introductions`): what staff introduced, the
//! message they wrote, where the introduction stands in plain words, both sides' answers, and
//! accept / decline buttons (CSRF-protected POSTs, then POST-redirect-GET back to the list).
//!
//! The counterpart's contact comes from the `MatchView` the service hands over: it is present
//! only when the visibility policy allows it (both parties accepted), so this page cannot show
//! it any earlier than the API would.

use askama::Template;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;

use super::i18n::Tr;
use super::public::pick;
use super::{see_other, Chrome, Form, Section, Web};
use crate::domain::contact::Contact;
use crate::domain::pipeline::{Response as Answer, Stage};
use crate::domain::text::ko_particle;
use crate::service::matching::MatchView;
use crate::service::{pipeline, ServiceError};

/// One line of the counterpart's contact details, with a link a phone can act on (mail, call,
/// open Telegram) where there is one.
pub struct ContactLine {
    pub label: String,
    pub value: String,
    pub href: Option<String>,
}

/// One introduction as the page shows it: finished, translated strings.
pub struct IntroItem {
    pub id: String,
    /// The one a link asked for (`?match=`, the link in a notice e-mail): shown first, marked.
    pub focused: bool,
    /// Just answered here (`?answered=1` after the answer's redirect): the card says the
    /// answer is saved (QA: nothing on the page said so).
    pub saved: bool,
    /// Which of the viewer's own businesses or mandates it is about (an owner may have
    /// several), and what to call it ("For your business:", "For your mandate:").
    pub own: String,
    pub own_label: String,
    pub own_lang: &'static str,
    pub kind: String,
    pub title: String,
    pub title_lang: &'static str,
    pub href: String,
    pub message: Option<String>,
    pub stage: String,
    pub mine: String,
    pub theirs: String,
    /// Accept / decline buttons: only while the introduction waits for this side's answer.
    pub can_answer: bool,
    pub action: String,
    /// Present only once both accepted (the service removed it otherwise).
    pub contact: Option<Vec<ContactLine>>,
    pub contact_waiting: bool,
}

#[derive(Template)]
#[template(path = "introductions.html")]
struct IntroductionsPage {
    c: Chrome,
    items: Vec<IntroItem>,
}

/// A page that says why an answer was not taken, with a link back to the introductions its
/// text sends the reader to (QA: it linked to the home page).
fn answer_refused(w: &Web, status: StatusCode, title_key: &str, body_key: &str) -> Response {
    w.message_back(
        status,
        title_key,
        body_key,
        Some((w.href("/me/introductions"), "intro-title")),
    )
}

pub(super) fn answer_words(tr: Tr, a: Option<Answer>) -> String {
    tr.t(match a {
        None => "intro-answer-waiting",
        Some(Answer::Accepted) => "intro-answer-accepted",
        Some(Answer::Declined) => "intro-answer-declined",
    })
}

fn stage_words(w: &Web, s: Stage) -> String {
    w.tr.t(match s {
        Stage::Suggested | Stage::Shortlisted | Stage::Introduced => "intro-stage-introduced",
        Stage::Connected => "intro-stage-connected",
        Stage::InTalks => "intro-stage-in-talks",
        Stage::Deal => "intro-stage-deal",
        Stage::Closed => "intro-stage-closed",
        Stage::Declined => "intro-stage-declined",
    })
}

/// The country code of a Cambodian business's phone numbers written the local way (`012…`).
pub(super) const SME_COUNTRY_CODE: &str = "855";

/// A profile's contact as lines to read. `country`: the code its locally written phone numbers
/// belong to (an SME's are Cambodian; an investor's could be either country's, so none).
pub(super) fn contact_lines(w: &Web, c: &Contact, country: Option<&str>) -> Vec<ContactLine> {
    let tr = w.tr;
    let line = |key: &str, value: String, href: Option<String>| ContactLine {
        label: tr.t(key),
        value,
        href,
    };
    let mut out = Vec::new();
    if let Some(p) = c.person.as_deref().filter(|p| !p.trim().is_empty()) {
        out.push(line("intro-contact-person", p.to_string(), None));
    }
    if let Some(e) = &c.email {
        out.push(line(
            "intro-contact-email",
            e.as_str().to_string(),
            Some(format!("mailto:{}", e.as_str())),
        ));
    }
    if let Some(p) = &c.phone {
        // A tel: URI has no spaces; what people read keeps them. The reader may be abroad.
        let (shown, dial) = p.international(country);
        out.push(line(
            "intro-contact-phone",
            shown,
            Some(format!("tel:{dial}")),
        ));
    }
    if let Some(t) = &c.telegram {
        // Stored without the `@`; shown the way Telegram users write it.
        out.push(line(
            "intro-contact-telegram",
            format!("@{}", t.as_str()),
            Some(format!("https://t.me/{}", t.as_str())),
        ));
    }
    out
}

fn item(w: &Web, m: &MatchView) -> Option<IntroItem> {
    let tr = w.tr;
    let facts = m.pipeline.as_ref()?;
    let owns_sme = w.viewer.owns(m.sme.get().owner);
    let owns_inv = w.viewer.owns(m.investor.get().owner);
    // The same rule as `pipeline::respond`: an account on both sides answers for the side that
    // has not answered yet.
    let sme_side = owns_sme && !(owns_inv && facts.sme_response.is_some());
    let (mine, theirs) = if sme_side {
        (facts.sme_response, facts.investor_response)
    } else {
        (facts.investor_response, facts.sme_response)
    };
    let (kind, name, lang, href, visible, contact) = if sme_side {
        let inv = &m.investor;
        let picked = inv.name().and_then(|n| pick(tr, n));
        (
            tr.t("intro-kind-investor"),
            picked.as_ref().map(|t| t.text.clone()),
            picked.map(|t| t.lang),
            w.href(&format!("/investors/{}", inv.get().id)),
            inv.contact_shown(),
            &inv.get().profile.contact,
        )
    } else {
        let sme = &m.sme;
        let picked = sme.name().and_then(|n| pick(tr, n));
        (
            tr.t("intro-kind-sme"),
            picked.as_ref().map(|t| t.text.clone()),
            picked.map(|t| t.lang),
            w.href(&format!("/smes/{}", sme.get().id)),
            sme.contact_shown(),
            &sme.get().profile.contact,
        )
    };
    let contact_shown = visible && facts.both_accepted();
    let title = match name {
        Some(n) => n,
        None if sme_side => m.investor.display_name(w.lang),
        None => m.sme.display_name(w.lang),
    };
    // The viewer's own side, named as its owner sees it.
    let own_name = if sme_side {
        m.sme.name()
    } else {
        m.investor.name()
    };
    let own_picked = own_name.and_then(|n| pick(tr, n));
    let own = match &own_picked {
        Some(t) => t.text.clone(),
        None if sme_side => m.sme.display_name(w.lang),
        None => m.investor.display_name(w.lang),
    };
    Some(IntroItem {
        id: m.id.to_string(),
        focused: false,
        saved: false,
        own,
        own_label: tr.t(if sme_side {
            "intro-for"
        } else {
            "intro-for-mandate"
        }),
        own_lang: own_picked.map_or(w.lang.code(), |t| t.lang),
        kind,
        title,
        title_lang: lang.unwrap_or(w.lang.code()),
        href,
        message: facts.introduction.clone(),
        stage: stage_words(w, facts.stage),
        mine: tr.t1("intro-your-answer", "answer", answer_words(tr, mine)),
        theirs: tr.t1("intro-their-answer", "answer", answer_words(tr, theirs)),
        can_answer: facts.stage == Stage::Introduced && mine.is_none(),
        action: w.href(&format!("/me/introductions/{}", m.id)),
        contact: contact_shown.then(|| {
            // The investor reads the SME's contact; the SME the investor's.
            contact_lines(w, contact, (!sme_side).then_some(SME_COUNTRY_CODE))
        }),
        contact_waiting: !contact_shown
            && matches!(facts.stage, Stage::Introduced)
            && mine != Some(Answer::Declined),
    })
}

/// The signed-in account's introductions, in the order the service gives them.
pub async fn list(w: Web) -> Response {
    if w.viewer.user.is_none() {
        return w.to_login();
    }
    let found = match pipeline::my_introductions(&w.app, &w.viewer, w.lang).await {
        Ok(f) => f,
        Err(e) => return w.service_error(e),
    };
    let mut items: Vec<IntroItem> = found.iter().filter_map(|m| item(&w, m)).collect();
    // Those waiting for the viewer's answer first, each group newest change first (QA: they
    // came after the declined and closed ones).
    items.sort_by_key(|i| !i.can_answer);
    // A link to one introduction (a notice e-mail's) puts it first: a fragment would not
    // survive the log-in on the way, and on a phone the card may be far down the list.
    let asked = w.query_form();
    let wanted = asked.get("match").map(str::to_string);
    if let Some(i) = wanted.and_then(|id| items.iter().position(|x| x.id == id)) {
        let mut focused = items.remove(i);
        focused.focused = true;
        // Said only where the answer shows: an answered card no longer offers to answer.
        focused.saved = asked.get("answered").is_some() && !focused.can_answer;
        items.insert(0, focused);
    }
    let page = IntroductionsPage {
        c: w.chrome(w.tr.t("intro-title"), Section::Account),
        items,
    };
    w.page(StatusCode::OK, &page)
}

/// Accept or decline one introduction (`accept=true|false`), then back to the list.
pub async fn respond(w: Web, Path((_, id)): Path<(String, String)>, body: Bytes) -> Response {
    // Signed out first (a session that ended: the browser then sends no session cookie, so
    // the CSRF field cannot match either): log in again and come back; nothing changes.
    if w.viewer.user.is_none() {
        return w.login_then(&w.href("/me/introductions"));
    }
    let form = Form::parse(&body);
    if let Some(refused) = w.refuse_without_csrf(&form) {
        return refused;
    }
    let accept = match form.get("accept") {
        Some("true") => true,
        Some("false") => false,
        _ => {
            return answer_refused(
                &w,
                StatusCode::BAD_REQUEST,
                "intro-bad-answer-title",
                "intro-bad-answer-body",
            )
        }
    };
    // No is for good: asked once more, naming the partner, so a slip of the thumb between the
    // two buttons does not end an introduction.
    if !accept && !super::confirmed(&form) {
        let m = match pipeline::get(&w.app, &w.viewer, &id, w.lang).await {
            Ok(Some(m)) => m,
            // Not theirs (or no such match): as answering would have said.
            Ok(None) => return w.not_found(),
            Err(e) => return w.service_error(e),
        };
        let Some(partner) = item(&w, &m).filter(|i| i.can_answer).map(|i| i.title) else {
            return answer_refused(
                &w,
                StatusCode::CONFLICT,
                "intro-answered-title",
                "intro-answered-body",
            );
        };
        let back = w.href(&format!(
            "/me/introductions{}",
            super::query_string([("match", id.as_str())])
        ));
        return w.confirm(super::Confirm {
            title_key: "intro-decline-confirm-title",
            body: w.tr.t2(
                "intro-decline-confirm-body",
                ("wa", ko_particle(&partner, "과", "와", false)),
                ("name", partner),
            ),
            action: w.href(&format!("/me/introductions/{id}")),
            fields: &[("accept", "false")],
            confirm_key: "intro-decline-confirm",
            back,
        });
    }
    // An answer that lost a race with the other party's is given again by the use case.
    match pipeline::respond(&w.app, &w.viewer, &id, accept, w.lang).await {
        // Back to the list with the answered one first, as the person left it.
        Ok(_) => see_other(&w.href(&format!(
            "/me/introductions{}",
            super::query_string([("match", id.as_str()), ("answered", "1")])
        ))),
        Err(ServiceError::Unauthenticated(_)) => w.login_then(&w.href("/me/introductions")),
        // Someone else's introduction is as unknown as one that does not exist.
        Err(ServiceError::Forbidden(_) | ServiceError::NotFound { .. }) => w.not_found(),
        // Already answered, or no longer waiting for answers (e.g. a second tab).
        Err(ServiceError::BadInput(_)) => answer_refused(
            &w,
            StatusCode::CONFLICT,
            "intro-answered-title",
            "intro-answered-body",
        ),
        Err(e) => w.service_error(e),
    }
}
