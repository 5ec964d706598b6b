//! The chamber staff's pages (`/{lang}/staff/…`): the dashboard, the pipeline board, a match
//! page with the actions, shortlisting from a profile's ranked matches, and the board's live
//! updates.
//!
//! Only STAFF and ADMIN accounts get past [`refuse_non_staff`]: an anonymous visitor is sent
//! to log in, any other account gets a translated 403. The use cases check the role again
//! (`service::pipeline`), so a page that forgot the check would still show nothing.
//! What staff see of a profile (contacts, an anonymous SME's name) is what
//! `service::visibility` hands them; this module never reads the store.
//!
//! Every action is a POST with the CSRF field that answers with a redirect to the match page
//! (POST-redirect-GET). A refusal re-renders the match page with the message next to the field
//! that caused it and what was typed kept.
//!
//! Curators: the match page assigns any staff account (chosen by e-mail, "you" first), and the
//! board filters by any of them.

use std::collections::HashMap;
use std::convert::Infallible;
use std::time::Duration;

use askama::Template;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;
use tokio::sync::broadcast::error::RecvError;

use super::account::FieldError;
use super::charts::{bar_chart, BarChart};
use super::explain::{score_view, ScoreView};
use super::i18n::Tr;
use super::introductions::{answer_words, contact_lines, ContactLine};
use super::public::{
    division_name, investor_facts, province_name, sector_name, sme_facts, Fact, Opt, Select,
};
use super::{query_string, see_other, Chrome, Form, Section, Web};
use crate::app::Revocation;
use crate::domain::account::UserId;
use crate::domain::contact::Contact;
use crate::domain::ids::ProfileId;
use crate::domain::investor::Investor;
use crate::domain::notice::{Audience, NoticeKind};
use crate::domain::pipeline::{AuditEntry, Response as Answer, Side, Stage, MESSAGE_MAX_CHARS};
use crate::domain::sme::Sme;
use crate::domain::text::Lang;
use crate::domain::validation;
use crate::service::matching::{self, MatchView};
use crate::service::notices::NoLetter;
use crate::service::pipeline::{self, ListOrder, PipelineArgs};
use crate::service::visibility::{PipelineFacts, Shown};
use crate::service::{self, accounts, reference, ServiceError};
use crate::store::StoredNotice;

/// Matches per board page (the service's largest page).
const BOARD_PAGE: i32 = 100;
/// How long one live-update stream stays open; the browser's `EventSource` reconnects by itself
/// (checking the session again), so a connection is never held indefinitely.
const STREAM_LIFETIME: Duration = Duration::from_secs(15 * 60);
/// How long the browser waits before reconnecting a closed stream.
const STREAM_RETRY: Duration = Duration::from_secs(5);

/// The columns of the board, in the order a match moves (SUGGESTED pairs are not in the
/// pipeline: they are the ranked matches on profile pages).
pub(super) const BOARD_STAGES: [Stage; 7] = [
    Stage::Shortlisted,
    Stage::Introduced,
    Stage::Connected,
    Stage::InTalks,
    Stage::Deal,
    Stage::Declined,
    Stage::Closed,
];

/// `None` for staff; otherwise the answer: anonymous visitors log in first and come back to
/// this page, other accounts are refused.
pub(super) fn refuse_non_staff(w: &Web) -> Option<Response> {
    refuse_non_staff_or(w, || w.to_login())
}

/// As [`refuse_non_staff`], with `login` the answer for an anonymous visitor.
fn refuse_non_staff_or(w: &Web, login: impl FnOnce() -> Response) -> Option<Response> {
    if w.viewer.user.is_none() {
        return Some(login());
    }
    if !w.viewer.is_staff() {
        return Some(w.message(StatusCode::FORBIDDEN, "staff-only-title", "staff-only-body"));
    }
    None
}

/// A stage in the staff's words.
pub fn stage_name(tr: Tr, s: Stage) -> String {
    tr.t(&format!(
        "staff-stage-{}",
        s.as_str().to_ascii_lowercase().replace('_', "-")
    ))
}

/// Cambodia keeps UTC+7 all year (no daylight saving), so one fixed offset is right for
/// every date the pipeline holds.
const CAMBODIA: time::UtcOffset = match time::UtcOffset::from_hms(7, 0, 0) {
    Ok(o) => o,
    Err(_) => time::UtcOffset::UTC,
};

/// `2026-11-30 22:45 UTC+7`: the chamber's staff work in Phnom Penh, and a time in UTC made
/// them add seven hours to every "sent at" and "updated"; the offset stays written so the
/// form is still unambiguous for a reader elsewhere, in every language.
pub(super) fn when(t: OffsetDateTime) -> String {
    format!("{} UTC+7", cambodia_time(t))
}

/// `2026-11-30 22:45`, in Cambodia: what a spreadsheet reads as a date and time (the CSV's
/// column header says UTC+7 once).
pub(super) fn cambodia_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(CAMBODIA);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// A profile's name as the viewer may see it, with the language it is written in.
pub(super) fn name_of<T: service::visibility::Profile>(
    w: &Web,
    p: &Shown<T>,
) -> (String, &'static str) {
    super::matches::title(w.tr, w.lang, p)
}

/// The e-mail address of every staff account (curators are staff accounts), as the service
/// lets staff see them.
pub(super) async fn staff_emails(w: &Web) -> Result<HashMap<UserId, String>, ServiceError> {
    Ok(accounts::staff_accounts(&w.app, &w.viewer)
        .await?
        .into_iter()
        .map(|a| (a.id, a.email.unwrap_or_else(|| a.id.to_string())))
        .collect())
}

/// A staff account by its e-mail (its id when the list has no e-mail for it).
pub(super) fn staff_email(id: UserId, emails: &HashMap<UserId, String>) -> String {
    emails.get(&id).cloned().unwrap_or_else(|| id.to_string())
}

fn curator_words(w: &Web, curator: Option<UserId>, emails: &HashMap<UserId, String>) -> String {
    match curator {
        None => w.tr.t("staff-curator-none"),
        Some(id) if Some(id) == w.viewer.user_id() => w.tr.t("staff-curator-me"),
        Some(id) => staff_email(id, emails),
    }
}

// ---------------------------------------------------------------------------------------------
// Dashboard

#[derive(Template)]
#[template(path = "staff_dashboard.html")]
struct DashboardPage {
    c: Chrome,
    total: String,
    board: String,
    charts: Vec<BarChart>,
    /// E-mails of the last weeks that did not go out, each with its match page.
    unsent: Vec<(MailLine, String)>,
}

/// E-mails listed on the dashboard at most.
const UNSENT_SHOWN: u32 = 20;

/// `/{lang}/staff`: counts by stage, by the SME's ISIC section and by province, as charts.
pub async fn dashboard(w: Web) -> Response {
    if let Some(refused) = refuse_non_staff(&w) {
        return refused;
    }
    let d = match pipeline::dashboard(&w.app, &w.viewer).await {
        Ok(d) => d,
        Err(e) => return w.service_error(e),
    };
    let tr = w.tr;
    let board = w.href("/staff/pipeline");
    let filtered =
        |name: &str, value: &str| Some(format!("{board}{}", query_string([(name, value)])));
    let count = |stage: Stage| {
        d.by_stage
            .iter()
            .find(|(s, _)| s == stage.as_str())
            .map_or(0, |(_, n)| *n)
    };
    let total: i64 = d.by_stage.iter().map(|(_, n)| n).sum();
    let stages = BOARD_STAGES
        .iter()
        .map(|s| (stage_name(tr, *s), count(*s), None))
        .collect();
    let mut sections: Vec<(String, i64, Option<String>)> = d
        .by_section
        .iter()
        // `?` groups divisions outside the tree: nothing to filter the board by.
        .map(|(code, n)| {
            let link = (code != "?").then(|| filtered("sector", code)).flatten();
            (sector_name(tr, code), *n, link)
        })
        .collect();
    sections.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut provinces: Vec<(String, i64, Option<String>)> = d
        .by_province
        .iter()
        .map(|(iso, n)| (province_name(tr, iso), *n, filtered("province", iso)))
        .collect();
    provinces.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let found = match service::notices::not_sent(&w.app, &w.viewer, UNSENT_SHOWN).await {
        Ok(n) => n,
        Err(e) => return w.service_error(e),
    };
    // Each letter says which pair it is about and since when, so staff can tell from here
    // what to follow up (a relay down shows as many lines of one day).
    let mut unsent = Vec::with_capacity(found.len());
    for n in &found {
        let pair = match pipeline::get(&w.app, &w.viewer, &n.match_id.to_string(), w.lang).await {
            Ok(Some(m)) => tr.t2(
                "staff-unsent-pair",
                ("sme", name_of(&w, &m.sme).0),
                ("investor", name_of(&w, &m.investor).0),
            ),
            Ok(None) => n.match_id.to_string(),
            Err(e) => return w.service_error(e),
        };
        let mut line = mail_line(tr, n);
        line.what = format!("{pair} — {}", line.what);
        line.status = format!(
            "{} · {}",
            tr.t1("staff-unsent-since", "when", when(n.created_at)),
            line.status
        );
        unsent.push((line, w.href(&format!("/staff/matches/{}", n.match_id))));
    }
    let page = DashboardPage {
        c: w.chrome(tr.t("staff-dashboard-title"), Section::Staff),
        total: tr.t1("staff-dashboard-total", "count", total),
        unsent,
        board,
        charts: vec![
            bar_chart("chart-stage", tr.t("staff-chart-stage"), stages),
            bar_chart("chart-section", tr.t("staff-chart-section"), sections),
            bar_chart("chart-province", tr.t("staff-chart-province"), provinces),
        ],
    };
    w.page(StatusCode::OK, &page)
}

// ---------------------------------------------------------------------------------------------
// The pipeline board

pub struct Card {
    pub href: String,
    pub sme: String,
    pub sme_lang: &'static str,
    pub investor: String,
    pub investor_lang: &'static str,
    pub stage: String,
    pub curator: String,
    pub meta: String,
    pub updated: String,
    /// An introduced match: each side's answer, so a curator sees who to chase without
    /// opening it (QA: the first answer resets "Last change", hiding the side still silent).
    pub answers: Option<String>,
}

pub struct Column {
    pub id: String,
    pub title: String,
    /// Matches at this stage under the filters, on every page.
    pub count: i64,
    pub cards: Vec<Card>,
    /// "N more on other pages", when the page holds fewer cards than the count.
    pub elsewhere: Option<String>,
}

#[derive(Template)]
#[template(path = "staff_board.html")]
struct BoardPage {
    c: Chrome,
    action: String,
    filters: Vec<Select>,
    /// The name filter as typed.
    name: String,
    clear: String,
    filtered: bool,
    total: String,
    columns: Vec<Column>,
    more: Option<String>,
    first_page: Option<String>,
    /// Why the first page is shown where a later one was asked for.
    notice: Option<String>,
    events: String,
    dashboard: String,
    /// The same matches under the same filters as a spreadsheet (`staff_export`).
    export: String,
    error: Option<String>,
}

/// The sector filter: each ISIC section by name, then its divisions.
fn sector_options(tr: Tr, current: &str) -> Vec<Opt> {
    let mut out = Vec::new();
    for section in reference::sectors(None).unwrap_or_default() {
        out.push(Opt {
            selected: section.code == current,
            value: section.code.clone(),
            label: sector_name(tr, &section.code),
        });
        for division in reference::sectors(Some(&section.code)).unwrap_or_default() {
            out.push(Opt {
                selected: division.code == current,
                value: division.code.clone(),
                // Indented under its section; the code helps staff who know ISIC.
                label: format!(
                    "\u{a0}\u{a0}– {} ({})",
                    sector_name(tr, &division.code),
                    division.code
                ),
            });
        }
    }
    // A group or class in the address (a link from elsewhere, `?sector=0125`): listed under
    // its division, chosen, or the form showed "Any" and its next submit dropped the filter
    // (QA).
    if !current.is_empty()
        && !out.iter().any(|o| o.selected)
        && reference::sector(current).is_some()
    {
        let division: String = current.chars().take(2).collect();
        let at = out
            .iter()
            .position(|o| o.value == division)
            .map_or(out.len(), |i| i + 1);
        out.insert(
            at,
            Opt {
                selected: true,
                value: current.to_string(),
                label: format!(
                    "\u{a0}\u{a0}\u{a0}\u{a0}– {} ({current})",
                    sector_name(tr, current)
                ),
            },
        );
    }
    out
}

fn select(tr: Tr, name: &'static str, key: &str, options: Vec<Opt>) -> Select {
    let mut all = vec![Opt {
        value: String::new(),
        label: tr.t("filter-any"),
        selected: false,
    }];
    all.extend(options);
    Select {
        name,
        id: format!("filter-{name}"),
        label: tr.t(key),
        options: all,
    }
}

/// The curator choices: "you", then every other staff account by e-mail.
fn curator_options(w: &Web, current: &str, emails: &HashMap<UserId, String>) -> Vec<Opt> {
    let me = w.viewer.user_id();
    let mut others: Vec<(&UserId, &String)> =
        emails.iter().filter(|(id, _)| Some(**id) != me).collect();
    others.sort_by(|a, b| a.1.cmp(b.1));
    me.map(|me| (me, w.tr.t("staff-curator-me")))
        .into_iter()
        .chain(others.into_iter().map(|(id, email)| (*id, email.clone())))
        .map(|(id, label)| Opt {
            selected: id.to_string() == current,
            value: id.to_string(),
            label,
        })
        .collect()
}

/// One match on the board: both names, where the SME is, curator and last change.
fn card(w: &Web, m: &MatchView, facts: &PipelineFacts, emails: &HashMap<UserId, String>) -> Card {
    let tr = w.tr;
    let (sme, sme_lang) = name_of(w, &m.sme);
    let (investor, investor_lang) = name_of(w, &m.investor);
    let p = &m.sme.get().profile;
    Card {
        href: w.href(&format!("/staff/matches/{}", m.id)),
        sme,
        sme_lang,
        investor,
        investor_lang,
        stage: stage_name(tr, facts.stage),
        curator: tr.t1(
            "staff-card-curator",
            "curator",
            curator_words(w, facts.curator, emails),
        ),
        meta: format!(
            "{} · {}",
            division_name(tr, p.sector.as_str()),
            province_name(tr, p.province.as_str())
        ),
        updated: tr.t1("staff-card-updated", "when", when(facts.updated_at)),
        answers: (facts.stage == Stage::Introduced).then(|| {
            tr.t2(
                "staff-card-answers",
                ("sme", answer_words(tr, facts.sme_response)),
                ("investor", answer_words(tr, facts.investor_response)),
            )
        }),
    }
}

/// The board's filters from the page address: curator, sector and province. Codes as the
/// form writes them (a hand-typed `sector=c` or `province=kh-12` filters as the service reads
/// it, and must show as chosen, or the next submit would drop it).
pub(super) struct BoardFilters {
    pub curator: Option<String>,
    pub sector: Option<String>,
    pub province: Option<String>,
    /// Text a name of either side holds (QA: a business phoning about its introduction could
    /// be found only by downloading the CSV).
    pub name: Option<String>,
}

impl BoardFilters {
    pub fn of(w: &Web) -> Self {
        let form = w.query_form();
        let code = |name: &str| {
            form.get(name)
                .map(|v| v.trim().to_ascii_uppercase())
                .filter(|v| !v.is_empty())
        };
        BoardFilters {
            curator: form.get("curator").map(str::to_string),
            sector: code("sector"),
            province: code("province"),
            name: form
                .get("name")
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty()),
        }
    }

    /// The filters set, as query pairs for a link that keeps them.
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        [
            ("curator", &self.curator),
            ("sector", &self.sector),
            ("province", &self.province),
            ("name", &self.name),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
        .collect()
    }
}

/// `/{lang}/staff/pipeline`: every match in the pipeline by stage, filtered by curator, the
/// SME's sector (section or division) and province with a plain GET form.
pub async fn board(w: Web) -> Response {
    if let Some(refused) = refuse_non_staff(&w) {
        return refused;
    }
    let tr = w.tr;
    let form = w.query_form();
    let filters = BoardFilters::of(&w);
    let keep = filters.pairs();
    let BoardFilters {
        curator,
        sector,
        province,
        name,
    } = &filters;
    let mut args = PipelineArgs {
        stage: None,
        curator_id: curator.clone(),
        sector_prefix: sector.clone(),
        province_code: province.clone(),
        name: name.clone(),
        order: ListOrder::LongestWaiting,
        first: Some(BOARD_PAGE),
        after: form.get("after").map(str::to_string),
        lang: Some(w.lang),
    };
    let base = w.href("/staff/pipeline");
    let mut listed = pipeline::list(&w.app, &w.viewer, args.clone()).await;
    // A page position that is no position (an edited or truncated link) is the first page
    // under the same filters, not an error that throws the filters away.
    let mut moved_on = false;
    if let Err(ServiceError::BadInput(e)) = &listed {
        if args.after.is_some() && e.0.iter().all(|f| f.field == "after") {
            args.after = None;
            moved_on = true;
            listed = pipeline::list(&w.app, &w.viewer, args.clone()).await;
        }
    }
    let (found, error) = match listed {
        Ok(p) => (Some(p), None),
        Err(ServiceError::BadInput(_)) => (None, Some(tr.t("staff-board-filter-error"))),
        Err(e) => return w.service_error(e),
    };
    // A column's count is the stage's whole count under the filters, not the cards of this
    // page (a page holds BOARD_PAGE matches across all columns).
    let counts = if found.is_some() {
        match pipeline::counts_by_stage(&w.app, &w.viewer, &args, &BOARD_STAGES).await {
            Ok(c) => c,
            Err(e) => return w.service_error(e),
        }
    } else {
        vec![]
    };
    let items: &[MatchView] = found.as_ref().map_or(&[], |p| &p.items);
    let emails = match staff_emails(&w).await {
        Ok(e) => e,
        Err(e) => return w.service_error(e),
    };
    let curator_opts = curator_options(&w, curator.as_deref().unwrap_or(""), &emails);
    let provinces = reference::provinces()
        .iter()
        .map(|p| Opt {
            selected: province.as_deref() == Some(p.iso.as_str()),
            value: p.iso.clone(),
            label: province_name(tr, &p.iso),
        })
        .collect();
    let filters = vec![
        select(tr, "curator", "staff-filter-curator", curator_opts),
        select(
            tr,
            "sector",
            "filter-sector",
            sector_options(tr, sector.as_deref().unwrap_or("")),
        ),
        select(tr, "province", "filter-province", provinces),
    ];
    let mut columns: Vec<Column> = BOARD_STAGES
        .iter()
        .map(|s| Column {
            id: s.as_str().to_ascii_lowercase().replace('_', "-"),
            title: stage_name(tr, *s),
            count: counts
                .iter()
                .find(|(stage, _)| stage == s)
                .map_or(0, |(_, n)| *n),
            cards: vec![],
            elsewhere: None,
        })
        .collect();
    // In each column, the match waiting longest since its last change first: what a curator
    // follows up on. The pages come in that order too, so the first page holds the longest
    // waits of every column.
    for m in items {
        let Some(facts) = &m.pipeline else { continue };
        let card = card(&w, m, facts, &emails);
        // Every stored stage has its column; SUGGESTED (never stored) would join the first.
        let i = BOARD_STAGES
            .iter()
            .position(|s| *s == facts.stage)
            .unwrap_or(0);
        columns[i].cards.push(card);
    }
    for col in &mut columns {
        let more = col.count - col.cards.len() as i64;
        col.elsewhere = (more > 0).then(|| tr.t1("staff-board-elsewhere", "count", more));
    }
    // Where this page starts in the whole list (1 = the first match), so a later page can say
    // "101–200 of 532": cursors carry no position, so the board's own "next" links carry it
    // (`from`). A later page reached another way (an API cursor, an edited link) says only the
    // total; a `from` that cannot be this page's start is ignored the same way.
    let total = found.as_ref().map_or(0, |p| p.total_count);
    let shown = items.len() as i64;
    let from: Option<i64> = if args.after.is_none() {
        Some(1)
    } else {
        form.get("from")
            .and_then(|f| f.parse::<i64>().ok())
            .filter(|f| *f > 1 && f.saturating_add(shown) - 1 <= total)
    };
    let next_from = from.map(|f| (f + shown).to_string());
    let more = found
        .as_ref()
        .filter(|p| p.has_next_page)
        .and_then(|p| p.items.last())
        .map(|last| {
            let after = pipeline::cursor(args.order, last);
            let mut pairs = keep.clone();
            pairs.push(("after", &after));
            if let Some(n) = &next_from {
                pairs.push(("from", n));
            }
            format!("{base}{}", query_string(pairs))
        });
    let total_line = match from {
        Some(f) if shown > 0 && shown < total => {
            let to = f + shown - 1;
            if to == f {
                tr.t2(
                    "staff-board-range-one",
                    ("from", f.to_string()),
                    ("count", total.to_string()),
                )
            } else {
                tr.t3(
                    "staff-board-range",
                    ("from", f.to_string()),
                    ("to", to.to_string()),
                    ("count", total.to_string()),
                )
            }
        }
        _ => tr.t1("staff-board-total", "count", total),
    };
    // From a later page, the way back to the first.
    let first_page = args
        .after
        .is_some()
        .then(|| format!("{base}{}", query_string(keep.iter().copied())));
    let page = BoardPage {
        c: w.chrome(tr.t("staff-board-title"), Section::Staff),
        action: base.clone(),
        filters,
        name: name.clone().unwrap_or_default(),
        clear: base.clone(),
        filtered: !keep.is_empty(),
        total: total_line,
        columns,
        more,
        first_page,
        // Said, so that the first page is not taken for the page the link promised.
        notice: moved_on.then(|| tr.t("staff-board-position-lost")),
        events: w.href("/staff/events"),
        dashboard: w.href("/staff"),
        export: format!(
            "{}{}",
            w.href("/staff/pipeline.csv"),
            query_string(keep.iter().copied())
        ),
        error,
    };
    let status = if page.error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    w.page(status, &page)
}

// ---------------------------------------------------------------------------------------------
// Live updates

/// `/{lang}/staff/events`: Server-Sent Events, one `pipeline` event per change to any match,
/// for the board's script to reload itself. Staff only. The stream ends when the server shuts
/// down, when the session's token is revoked (the browser reconnects, and a revoked session
/// is then refused), and after [`STREAM_LIFETIME`].
pub async fn events(w: Web) -> Response {
    // A stream, not a page to come back to after logging in.
    if let Some(refused) = refuse_non_staff_or(&w, || see_other(&w.href("/login"))) {
        return refused;
    }
    let Some(user) = w.viewer.user_id() else {
        return see_other(&w.href("/login"));
    };
    let mut changes = w.app.events.subscribe();
    let mut closing = w.app.shutting_down.subscribe();
    if *closing.borrow() {
        return w.message(
            StatusCode::SERVICE_UNAVAILABLE,
            "server-error-title",
            "server-error-body",
        );
    }
    let mut revoked = w.app.revocations.subscribe();
    let token = w.viewer.token_hash.clone();
    let stream = async_stream::stream! {
        yield Ok::<Event, Infallible>(Event::default().retry(STREAM_RETRY).comment("live"));
        let end = tokio::time::sleep(STREAM_LIFETIME);
        tokio::pin!(end);
        loop {
            // What to send next, or `None` to end the stream.
            let next = tokio::select! {
                change = changes.recv() => match change {
                    Ok(e) if e.is_for(user, true) => Some(Some(
                        Event::default()
                            .event("pipeline")
                            .data(format!("{} {}", e.match_id, e.stage.as_str())),
                    )),
                    Ok(_) => Some(None),
                    // Missed some: one event makes the board reload, which catches up on all.
                    Err(RecvError::Lagged(_)) => {
                        Some(Some(Event::default().event("pipeline").data("lagged")))
                    }
                    Err(RecvError::Closed) => None,
                },
                _ = closing.changed() => None,
                notice = revoked.recv() => match notice {
                    Ok(Revocation::Token(hash)) if Some(&hash) == token.as_ref() => None,
                    Ok(Revocation::TokensOf(u)) if u == user => None,
                    Err(RecvError::Closed) => None,
                    _ => Some(None),
                },
                _ = &mut end => None,
            };
            match next {
                Some(Some(event)) => yield Ok(event),
                Some(None) => {}
                None => break,
            }
        }
    };
    let mut r = Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response();
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    r
}

// ---------------------------------------------------------------------------------------------
// The match page and its actions

/// One side of the match as the page shows it.
pub struct SideView {
    /// `side-sme` or `side-investor`.
    pub id: &'static str,
    pub kind: String,
    pub name: String,
    pub name_lang: &'static str,
    pub href: String,
    /// The side's answer, once the pair was introduced.
    pub answer: Option<String>,
    pub facts: Vec<Fact>,
    /// Present when the service let staff see it (it does: staff curate the introductions).
    pub contact: Option<Vec<ContactLine>>,
}

pub struct LogLine {
    pub when: String,
    pub what: String,
    pub who: String,
    pub message: Option<String>,
}

/// What was typed into the action forms and what was wrong with it, kept across a refusal.
#[derive(Default)]
struct Typed {
    message: String,
    message_error: Option<String>,
    move_message: String,
    move_error: Option<String>,
    note: String,
    note_error: Option<String>,
    /// The domain refused the stage asked for: the page names the stages allowed from the
    /// stage the match is in now.
    stage_refused: bool,
    /// A refusal with no field (someone changed the match meanwhile).
    general: Option<String>,
}

#[derive(Template)]
#[template(path = "staff_match.html")]
struct MatchPage {
    c: Chrome,
    heading: String,
    stage: String,
    curator: String,
    board: String,
    /// The SME, then the investor.
    sides: [SideView; 2],
    sv: ScoreView,
    introduction: Option<String>,
    can_introduce: bool,
    /// For an ANONYMOUS SME, the sentence saying how the investor sees it until both accept
    /// (its neutral name), next to the message both read.
    anonymous_as: Option<String>,
    /// In which languages the two letters go, by the introduction box.
    letter_languages: String,
    introduce_action: String,
    moves: Vec<Opt>,
    move_action: String,
    assign_action: String,
    /// Every staff account, the current curator selected.
    curators: Vec<Opt>,
    note_action: String,
    message_max: usize,
    log: Vec<LogLine>,
    /// The e-mails the match owed and how each went, each given-up one with the action that
    /// sends it again.
    mails: Vec<(MailLine, Option<String>)>,
    /// This server sends no e-mail (no relay set).
    mail_off: bool,
    errors: Vec<FieldError>,
    typed: Typed,
}

/// One notice on the staff match page: to whom, about what, and how it went.
struct MailLine {
    what: String,
    status: String,
}

/// A notice given up because its news was no longer true: nothing to follow up.
fn not_needed(n: &StoredNotice) -> bool {
    n.last_error.as_deref() == Some(crate::domain::notice::STALE)
}

fn mail_line(tr: Tr, n: &StoredNotice) -> MailLine {
    let to = tr.t(match n.notice.audience {
        Audience::SmeOwner => "staff-mail-to-sme",
        Audience::InvestorOwner => "staff-mail-to-investor",
        Audience::Curator => "staff-mail-to-curator",
    });
    let about = match n.notice.kind {
        NoticeKind::Introduced => tr.t("staff-mail-introduced"),
        NoticeKind::Connected => tr.t("staff-mail-connected"),
        NoticeKind::Answered(side, answer) => tr.t2(
            "staff-mail-answered",
            (
                "side",
                tr.t(match side {
                    Side::Sme => "staff-side-sme",
                    Side::Investor => "staff-side-investor",
                }),
            ),
            ("answer", answer_words(tr, Some(answer))),
        ),
        NoticeKind::Withdrawn => tr.t("staff-mail-withdrawn"),
    };
    // The sender's own reasons are codes; a relay's answer is shown as it gave it.
    let error = match n.last_error.as_deref() {
        Some(e) if e == NoLetter::NoRecipient.as_str() => tr.t("staff-mail-no-recipient"),
        Some(e) if e == NoLetter::Stale.as_str() => tr.t("staff-mail-stale"),
        Some(e) if e.starts_with(crate::mail::UNREACHABLE) => tr.t1(
            "staff-mail-unreachable",
            "detail",
            e[crate::mail::UNREACHABLE.len()..].trim_start_matches(": "),
        ),
        other => other.unwrap_or_default().to_string(),
    };
    let status = match (n.sent_at, n.gave_up) {
        (Some(at), _) => tr.t1("staff-mail-sent", "when", when(at)),
        (None, true) if not_needed(n) => tr.t("staff-mail-not-needed"),
        (None, true) => tr.t1("staff-mail-gave-up", "error", error),
        (None, false) if n.attempts == 0 || n.last_error.is_none() => tr.t("staff-mail-waiting"),
        (None, false) => {
            let mut args = fluent_bundle::FluentArgs::new();
            args.set("attempts", n.attempts);
            args.set("error", error);
            args.set("next", n.next_attempt.map(when).unwrap_or_default());
            tr.args("staff-mail-retrying", &args)
        }
    };
    MailLine {
        what: tr.t2("staff-mail-line", ("to", to), ("about", about)),
        status,
    }
}

/// What the match page shows of either side of a match.
trait Party: service::visibility::Profile {
    /// The element id of its section.
    const ID: &'static str;
    /// The key of what it is ("Cambodian business").
    const KIND: &'static str;
    /// Where its public profile lives.
    const PATH: &'static str;
    /// The country of its phone numbers written the local way, if known.
    const PHONE_COUNTRY: Option<&'static str>;
    fn facts(&self, tr: Tr) -> Vec<Fact>;
    fn contact(&self) -> &Contact;
}

impl Party for Sme {
    const ID: &'static str = "side-sme";
    const KIND: &'static str = "staff-side-sme";
    const PATH: &'static str = "/smes";
    const PHONE_COUNTRY: Option<&'static str> = Some(super::introductions::SME_COUNTRY_CODE);
    fn facts(&self, tr: Tr) -> Vec<Fact> {
        sme_facts(tr, self)
    }
    fn contact(&self) -> &Contact {
        &self.profile.contact
    }
}

impl Party for Investor {
    const ID: &'static str = "side-investor";
    const KIND: &'static str = "staff-side-investor";
    const PATH: &'static str = "/investors";
    const PHONE_COUNTRY: Option<&'static str> = None;
    fn facts(&self, tr: Tr) -> Vec<Fact> {
        investor_facts(tr, self)
    }
    fn contact(&self) -> &Contact {
        &self.profile.contact
    }
}

fn side_view<T: Party>(w: &Web, shown: &Shown<T>, answer: Option<Option<Answer>>) -> SideView {
    let (name, name_lang) = name_of(w, shown);
    let p = shown.get();
    SideView {
        id: T::ID,
        kind: w.tr.t(T::KIND),
        name,
        name_lang,
        href: w.href(&format!("{}/{}", T::PATH, p.id())),
        answer: answer.map(|a| w.tr.t1("staff-answer", "answer", answer_words(w.tr, a))),
        facts: p.facts(w.tr),
        // Removed by the service for viewers who may not see it.
        contact: shown
            .contact_shown()
            .then(|| contact_lines(w, p.contact(), T::PHONE_COUNTRY)),
    }
}

/// One audit entry in plain words: the action, the stages it moved between, the side that
/// answered, the curator assigned.
fn log_line(
    w: &Web,
    e: &AuditEntry,
    actor: Option<&str>,
    emails: &HashMap<UserId, String>,
) -> LogLine {
    let tr = w.tr;
    let key = format!(
        "staff-log-{}",
        e.action.to_ascii_lowercase().replace('_', "-")
    );
    let side = |m: &str| {
        tr.t(if m.starts_with("SME") {
            "staff-side-sme"
        } else {
            "staff-side-investor"
        })
    };
    let mut what = match e.action {
        "ACCEPTED" | "DECLINED" => tr.t1(&key, "side", side(e.message.as_deref().unwrap_or(""))),
        "CURATOR_ASSIGNED" => {
            let id = e
                .message
                .as_deref()
                .and_then(|m| m.strip_prefix("curator "))
                .and_then(|id| ProfileId::parse(id).ok());
            tr.t1(
                &key,
                "curator",
                id.map_or_else(String::new, |id| curator_words(w, Some(id), emails)),
            )
        }
        _ => tr.t(&key),
    };
    if let (Some(from), Some(to)) = (e.from, e.to) {
        if from != to && e.action != "CONTACTS_REVEALED" {
            what = format!("{what} ({} → {})", stage_name(tr, from), stage_name(tr, to));
        }
    }
    // Only what staff wrote is shown as written; the service's own notes are in English and
    // already said by `what`.
    let message = match e.action {
        "INTRODUCED" | "STAGE_CHANGED" | "NOTE" => e.message.clone(),
        _ => None,
    };
    LogLine {
        when: when(e.at),
        what,
        who: actor.map_or_else(|| tr.t("staff-log-system"), str::to_string),
        message,
    }
}

/// Renders the match page for staff with `typed` (empty on a plain GET).
async fn render(w: &Web, id: &str, status: StatusCode, typed: Typed) -> Response {
    let tr = w.tr;
    let m = match pipeline::get(&w.app, &w.viewer, id, w.lang).await {
        Ok(Some(m)) => m,
        Ok(None) => return w.not_found(),
        Err(e) => return w.service_error(e),
    };
    let Some(facts) = m.pipeline.clone() else {
        return w.not_found();
    };
    let log = match pipeline::audit_log(&w.app, &w.viewer, m.id).await {
        Ok(l) => l,
        Err(e) => return w.service_error(e),
    };
    let emails = match staff_emails(w).await {
        Ok(e) => e,
        Err(e) => return w.service_error(e),
    };
    let notices = match service::notices::of_match(&w.app, &w.viewer, m.id).await {
        Ok(n) => n,
        Err(e) => return w.service_error(e),
    };
    // Where each letter not sent yet would go: staff told to "check the address" saw only the
    // profiles' contact e-mails, which letters do not go to.
    let mut recipients = HashMap::new();
    for n in notices
        .iter()
        .filter(|n| n.sent_at.is_none() && !not_needed(n))
    {
        match service::notices::recipient(&w.app, &w.viewer, n).await {
            Ok(Some((to, lang))) => {
                let language = tr.t(&format!("lang-name-{}", lang.code()));
                let line = tr.t2("staff-mail-recipient", ("to", to), ("language", language));
                recipients.insert(n.id, line);
            }
            Ok(None) => {}
            Err(e) => return w.service_error(e),
        }
    }
    let (sme_name, _) = name_of(w, &m.sme);
    let (inv_name, _) = name_of(w, &m.investor);
    // Answers from the introduction on: a pair staff keep to themselves has asked nobody (QA:
    // "not answered yet" under both sides of a shortlisted pair read as someone to chase).
    let asked = facts.introduced();
    let sme = side_view(w, &m.sme, asked.then_some(facts.sme_response));
    let investor = side_view(w, &m.investor, asked.then_some(facts.investor_response));
    let moves = facts
        .stage
        .staff_moves()
        .iter()
        // INTRODUCED needs a message: it has its own form.
        .filter(|s| **s != Stage::Introduced)
        .map(|s| Opt {
            value: s.as_str().to_string(),
            label: stage_name(tr, *s),
            selected: false,
        })
        .collect();
    let mut typed = typed;
    if typed.stage_refused {
        let allowed: Vec<String> = facts
            .stage
            .staff_moves()
            .iter()
            .map(|s| stage_name(tr, *s))
            .collect();
        typed.move_error = Some(if allowed.is_empty() {
            tr.t("staff-error-stage-final")
        } else {
            tr.t1("staff-error-stage", "allowed", allowed.join(", "))
        });
    }
    let mut errors = Vec::new();
    for (field, e) in [
        ("message", &typed.message_error),
        ("move-stage", &typed.move_error),
        ("note", &typed.note_error),
    ] {
        if let Some(e) = e {
            errors.push(FieldError {
                id: field,
                message: e.clone(),
            });
        }
    }
    let base = format!("/staff/matches/{}", m.id);
    let page = MatchPage {
        c: w.chrome(format!("{sme_name} · {inv_name}"), Section::Staff),
        heading: tr.t2(
            "staff-match-title",
            ("sme", sme_name),
            ("investor", inv_name),
        ),
        stage: stage_name(tr, facts.stage),
        curator: curator_words(w, facts.curator, &emails),
        board: w.href("/staff/pipeline"),
        sides: [sme, investor],
        sv: score_view(tr, &m.breakdown),
        introduction: facts.introduction.clone(),
        can_introduce: facts.stage == Stage::Shortlisted,
        anonymous_as: m.sme.get().profile.hidden_as(w.lang).map(|neutral| {
            tr.t2(
                "staff-introduce-anonymous",
                (
                    "ro",
                    crate::domain::text::ko_particle(&neutral, "으로", "로", true),
                ),
                ("neutral", neutral),
            )
        }),
        letter_languages: {
            let (sme, investor) =
                service::notices::letter_languages(&m.sme.get().profile, &m.investor.get().profile);
            let name = |l: Lang| tr.t(&format!("lang-name-{}", l.code()));
            tr.t2(
                "staff-introduce-languages",
                ("sme", name(sme)),
                ("investor", name(investor)),
            )
        },
        introduce_action: w.href(&format!("{base}/introduce")),
        moves,
        move_action: w.href(&format!("{base}/move")),
        assign_action: w.href(&format!("{base}/curator")),
        curators: curator_options(
            w,
            &facts.curator.map(|c| c.to_string()).unwrap_or_default(),
            &emails,
        ),
        note_action: w.href(&format!("{base}/note")),
        message_max: MESSAGE_MAX_CHARS,
        log: log
            .iter()
            .rev()
            .map(|l| {
                log_line(
                    w,
                    &l.entry,
                    l.actor.as_ref().and_then(|a| a.email.as_deref()),
                    &emails,
                )
            })
            .collect(),
        mails: notices
            .iter()
            .map(|n| {
                // Sending again a letter whose news is no longer true would only give it up
                // again.
                let again = (n.gave_up && n.sent_at.is_none() && !not_needed(n))
                    .then(|| w.href(&format!("{base}/notices/{}/again", n.id)));
                let mut line = mail_line(tr, n);
                if let Some(to) = recipients.get(&n.id) {
                    line.status = format!("{} {to}", line.status);
                }
                (line, again)
            })
            .collect(),
        mail_off: !w.app.mail_relay.load(std::sync::atomic::Ordering::Relaxed),
        errors,
        typed,
    };
    w.page(status, &page)
}

/// `/{lang}/staff/matches/{id}`
pub async fn match_page(w: Web, Path((_, id)): Path<(String, String)>) -> Response {
    if let Some(refused) = refuse_non_staff(&w) {
        return refused;
    }
    render(&w, &id, StatusCode::OK, Typed::default()).await
}

/// A text the service refused (an introduction message, a note), in plain words; `what` names
/// it in the keys (`text` for a message, `note` for a note: QA read "Write a message first"
/// under the note box).
fn text_error(tr: Tr, message: &str, what: &str) -> String {
    // `visibility::message_reveals`, as `pipeline::introduce` words it.
    // The word found, between « and », so staff know what to take out.
    let word = message
        .split_once('«')
        .and_then(|(_, rest)| rest.split_once('»'))
        .map_or("", |(w, _)| w)
        .to_string();
    if message.contains("keeps hidden") {
        tr.t1("staff-error-reveals-name", "word", word)
    } else if message.contains("contact details") {
        tr.t1("staff-error-reveals-contact", "word", word)
    } else if message.contains("empty") {
        tr.t(&format!("staff-error-{what}-empty"))
    } else if message.contains("too long") {
        tr.t1(
            &format!("staff-error-{what}-long"),
            "max",
            MESSAGE_MAX_CHARS as i64,
        )
    } else {
        tr.t(&format!("staff-error-{what}-characters"))
    }
}

/// Checks what every action needs: a signed-in viewer, the form's CSRF field, then staff. A
/// session that ended while the form was open logs in again and comes back to `page`
/// (`/staff/…`; the action's own address answers only POST): checked first, since without a
/// session cookie the CSRF field cannot match, and nothing changes either way.
fn guard(w: &Web, form: &Form, page: &str) -> Option<Response> {
    if w.viewer.user.is_none() {
        return Some(w.login_then(&w.href(page)));
    }
    w.refuse_without_csrf(form).or_else(|| refuse_non_staff(w))
}

/// The end of every action: PRG to the match page; a refusal goes back to the page with
/// `typed` (what was typed, and the messages `refused` put next to the fields).
async fn finish(
    w: &Web,
    id: &str,
    result: Result<MatchView, ServiceError>,
    mut typed: Typed,
    refused: impl FnOnce(&validation::ValidationErrors, &mut Typed),
) -> Response {
    match result {
        Ok(m) => see_other(&w.href(&format!("/staff/matches/{}", m.id))),
        Err(ServiceError::NotFound { .. }) => w.not_found(),
        Err(ServiceError::Unauthenticated(_)) => {
            w.login_then(&w.href(&format!("/staff/matches/{id}")))
        }
        Err(ServiceError::Forbidden(_)) => {
            w.message(StatusCode::FORBIDDEN, "staff-only-title", "staff-only-body")
        }
        Err(ServiceError::BadInput(errors)) => {
            refused(&errors, &mut typed);
            render(w, id, StatusCode::UNPROCESSABLE_ENTITY, typed).await
        }
        Err(ServiceError::Conflict(_)) => {
            typed.general = Some(w.tr.t("staff-error-conflict"));
            render(w, id, StatusCode::CONFLICT, typed).await
        }
        Err(e) => w.service_error(e),
    }
}

/// `POST …/introduce` (`message`): introduces both sides with the staff's message.
pub async fn introduce(w: Web, Path((_, id)): Path<(String, String)>, body: Bytes) -> Response {
    let form = Form::parse(&body);
    if let Some(refusal) = guard(&w, &form, &format!("/staff/matches/{id}")) {
        return refusal;
    }
    let message = form.get("message").unwrap_or("");
    let result = pipeline::introduce(&w.app, &w.viewer, &id, message, w.lang).await;
    let typed = Typed {
        message: message.to_string(),
        ..Typed::default()
    };
    let tr = w.tr;
    finish(&w, &id, result, typed, |errors, typed| {
        for e in &errors.0 {
            if e.field.ends_with("stage") {
                // The match left SHORTLISTED before this form was sent (another tab, another
                // curator, or this one's earlier introduction): trying once more cannot work,
                // so the page says where it stands instead (staff QA).
                typed.general = Some(tr.t("staff-error-not-shortlisted"));
            } else {
                typed.message_error = Some(text_error(tr, &e.message, "text"));
            }
        }
    })
    .await
}

/// `POST …/move` (`stage`, optional `message`): moves the match to an allowed stage.
pub async fn move_stage(w: Web, Path((_, id)): Path<(String, String)>, body: Bytes) -> Response {
    let form = Form::parse(&body);
    if let Some(refusal) = guard(&w, &form, &format!("/staff/matches/{id}")) {
        return refusal;
    }
    let message = form.get("message");
    let typed = Typed {
        move_message: message.unwrap_or("").to_string(),
        ..Typed::default()
    };
    let tr = w.tr;
    let Some(stage) = form.get("stage").and_then(Stage::parse) else {
        let typed = Typed {
            move_error: Some(tr.t("staff-error-stage-choose")),
            ..typed
        };
        return render(&w, &id, StatusCode::UNPROCESSABLE_ENTITY, typed).await;
    };
    let result = pipeline::move_to(&w.app, &w.viewer, &id, stage, message, w.lang).await;
    finish(&w, &id, result, typed, |errors, typed| {
        for e in &errors.0 {
            if e.field.ends_with("stage") {
                typed.stage_refused = true;
            } else {
                typed.move_error = Some(text_error(tr, &e.message, "text"));
            }
        }
    })
    .await
}

/// `POST …/curator` (`curator`: a staff account's id): assigns the match's curator.
pub async fn assign(w: Web, Path((_, id)): Path<(String, String)>, body: Bytes) -> Response {
    let form = Form::parse(&body);
    if let Some(refusal) = guard(&w, &form, &format!("/staff/matches/{id}")) {
        return refusal;
    }
    let me = w
        .viewer
        .user_id()
        .map(|u| u.to_string())
        .unwrap_or_default();
    let curator = form.get("curator").unwrap_or(&me).to_string();
    let result = pipeline::assign_curator(&w.app, &w.viewer, &id, &curator, w.lang).await;
    let tr = w.tr;
    finish(&w, &id, result, Typed::default(), |_, typed| {
        typed.general = Some(tr.t("staff-error-curator"));
    })
    .await
}

/// `POST …/note` (`note`): adds a note to the match's log.
pub async fn note(w: Web, Path((_, id)): Path<(String, String)>, body: Bytes) -> Response {
    let form = Form::parse(&body);
    if let Some(refusal) = guard(&w, &form, &format!("/staff/matches/{id}")) {
        return refusal;
    }
    let note = form.get("note").unwrap_or("");
    let result = pipeline::add_note(&w.app, &w.viewer, &id, note, w.lang).await;
    let typed = Typed {
        note: note.to_string(),
        ..Typed::default()
    };
    let tr = w.tr;
    finish(&w, &id, result, typed, |errors, typed| {
        for e in &errors.0 {
            typed.note_error = Some(text_error(tr, &e.message, "note"));
        }
    })
    .await
}

/// `POST /{lang}/staff/matches/{id}/notices/{notice}/again`: a given-up e-mail goes back in
/// the queue (after the account's address or the relay was fixed), then back to the match page.
pub async fn send_again(
    w: Web,
    Path((_, id, notice)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    let form = Form::parse(&body);
    let page = format!("/staff/matches/{id}");
    if let Some(refusal) = guard(&w, &form, &page) {
        return refusal;
    }
    match service::notices::send_again(&w.app, &w.viewer, &id, &notice).await {
        // Already back in the queue (a second click) is where the person wanted it: the match
        // page says how it stands, or is itself the 404 for a match that does not exist.
        Ok(_) | Err(ServiceError::NotFound { .. }) => see_other(&w.href(&page)),
        Err(ServiceError::BadInput(_)) => w.not_found(),
        Err(e) => w.service_error(e),
    }
}

// ---------------------------------------------------------------------------------------------
// Shortlisting from a profile's ranked matches

/// One ranked counterpart on a profile page, for staff.
pub struct RankedItem {
    pub title: String,
    pub title_lang: &'static str,
    pub href: String,
    pub sme_id: String,
    pub investor_id: String,
    pub sv: ScoreView,
    /// Already in the pipeline: its stage and its match page (no shortlist button then).
    pub in_pipeline: Option<(String, String)>,
}

/// The staff's block on a profile page: its ranked matches, each with a shortlist button.
pub struct Ranked {
    pub heading: String,
    pub action: String,
    /// Which side's profile page the block is on (`sme` or `investor`): a shortlist sent after
    /// the session ended logs in and comes back to that page.
    pub on: &'static str,
    pub items: Vec<RankedItem>,
    /// The same page with the next ten too, while there may be more.
    pub more: Option<String>,
}

fn ranked(w: &Web, found: Vec<MatchView>, of_sme: bool, shown: usize, path: &str) -> Ranked {
    let tr = w.tr;
    let more = super::matches::more_link(w, path, &w.query_form(), shown, found.len());
    let items = found
        .into_iter()
        .map(|m| {
            let (title, title_lang, href) = if of_sme {
                let (t, l) = name_of(w, &m.investor);
                (t, l, w.href(&format!("/investors/{}", m.investor.get().id)))
            } else {
                let (t, l) = name_of(w, &m.sme);
                (t, l, w.href(&format!("/smes/{}", m.sme.get().id)))
            };
            RankedItem {
                title,
                title_lang,
                href,
                sme_id: m.sme.get().id.to_string(),
                investor_id: m.investor.get().id.to_string(),
                sv: score_view(tr, &m.breakdown),
                in_pipeline: m.pipeline.as_ref().map(|p| {
                    (
                        stage_name(tr, p.stage),
                        w.href(&format!("/staff/matches/{}", m.id)),
                    )
                }),
            }
        })
        .collect();
    Ranked {
        heading: tr.t(if of_sme {
            "staff-ranked-investors"
        } else {
            "staff-ranked-smes"
        }),
        action: w.href("/staff/shortlist"),
        on: if of_sme { "sme" } else { "investor" },
        items,
        more,
    }
}

/// For staff on an SME's page: the investors that fit it best. `None` for everyone else (no
/// ranking is even run), and for a profile no longer published.
pub async fn ranked_for_sme(w: &Web, id: &str) -> Result<Option<Ranked>, ServiceError> {
    if !w.viewer.is_staff() {
        return Ok(None);
    }
    let (args, shown) = ranked_args(w);
    match matching::for_sme(&w.app, &w.viewer, id, args).await {
        Ok(found) => Ok(Some(ranked(w, found, true, shown, &format!("/smes/{id}")))),
        Err(ServiceError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The ranking a profile page asks for: ten, or as many more as its "show more" links asked
/// (`n`, as on an owner's matches page; QA: staff could never shortlist the 11th).
fn ranked_args(w: &Web) -> (matching::MatchArgs, usize) {
    let shown = super::matches::asked_count(&w.query_form());
    let args = matching::MatchArgs {
        first: i32::try_from(shown).ok(),
        weights: None,
        lang: Some(w.lang),
    };
    (args, shown)
}

/// For staff on an investor's page: the SMEs that fit it best (see [`ranked_for_sme`]).
pub async fn ranked_for_investor(w: &Web, id: &str) -> Result<Option<Ranked>, ServiceError> {
    if !w.viewer.is_staff() {
        return Ok(None);
    }
    let (args, shown) = ranked_args(w);
    match matching::for_investor(&w.app, &w.viewer, id, None, args).await {
        Ok(found) => Ok(Some(ranked(
            w,
            found,
            false,
            shown,
            &format!("/investors/{id}"),
        ))),
        Err(ServiceError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// `POST /{lang}/staff/shortlist` (`sme`, `investor`): puts the pair on the shortlist and goes
/// to its new match page. A pair already in the pipeline goes to its match page instead.
pub async fn shortlist(w: Web, body: Bytes) -> Response {
    let form = Form::parse(&body);
    let (sme, investor) = (
        form.get("sme").unwrap_or(""),
        form.get("investor").unwrap_or(""),
    );
    // Its form sits on either side's profile page (`on` says which): after logging in again,
    // back to that page; for anything else, the dashboard.
    let page = match (
        form.get("on"),
        ProfileId::parse(sme),
        ProfileId::parse(investor),
    ) {
        (Some("sme"), Ok(id), _) => format!("/smes/{id}"),
        (Some("investor"), _, Ok(id)) => format!("/investors/{id}"),
        _ => "/staff".to_string(),
    };
    if let Some(refusal) = guard(&w, &form, &page) {
        return refusal;
    }
    match pipeline::shortlist(&w.app, &w.viewer, sme, investor, w.lang).await {
        Ok(m) => see_other(&w.href(&format!("/staff/matches/{}", m.id))),
        Err(ServiceError::BadInput(_)) => {
            let existing = match (
                service::parse_id("sme", sme),
                service::parse_id("investor", investor),
            ) {
                (Ok(s), Ok(i)) => {
                    let id = matching::pair_id(s, i).to_string();
                    pipeline::get(&w.app, &w.viewer, &id, w.lang)
                        .await
                        .ok()
                        .flatten()
                }
                _ => None,
            };
            match existing {
                Some(m) => see_other(&w.href(&format!("/staff/matches/{}", m.id))),
                None => w.message(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "staff-shortlist-refused-title",
                    "staff-shortlist-refused-body",
                ),
            }
        }
        Err(ServiceError::NotFound { .. }) => w.not_found(),
        Err(e) => w.service_error(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_times_are_cambodia_time_and_say_so() {
        // 20:05 UTC on 30 November is already 1 December in Phnom Penh.
        let t = OffsetDateTime::from_unix_timestamp(1_796_069_100).expect("a valid time");
        assert_eq!(t.to_string(), "2026-11-30 20:05:00.0 +00:00:00");
        assert_eq!(when(t), "2026-12-01 03:05 UTC+7");
        // A time read with another offset is the same instant.
        let seoul = t.to_offset(time::UtcOffset::from_hms(9, 0, 0).expect("+9"));
        assert_eq!(when(seoul), "2026-12-01 03:05 UTC+7");
    }
}
