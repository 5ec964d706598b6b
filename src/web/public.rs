//! Public pages: home, search of SMEs and investors, profile pages.

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;

use super::i18n::Tr;
use super::{query_string, Chrome, Form, Section, Web};
use crate::domain::digital::DigitalLevel;
use crate::domain::incentives::format_usd;
use crate::domain::investor::Investor;
use crate::domain::money::UsdRange;
use crate::domain::profile::PartnershipType;
use crate::domain::sme::Sme;
use crate::domain::text::{ko_particle, Lang, LocalizedText};
use crate::service::{self, profiles, reference, search};

/// Results per page.
const PAGE_SIZE: i32 = 10;

/// Text in the language it is written in, with a note when that is not the page's language.
pub struct Text {
    pub text: String,
    pub lang: &'static str,
    pub note: Option<String>,
}

/// The page language's text if present, else another language's with a label saying which.
pub fn pick(tr: Tr, t: &LocalizedText) -> Option<Text> {
    if let Some(s) = t.get(tr.lang) {
        return Some(Text {
            text: s.to_string(),
            lang: tr.lang.code(),
            note: None,
        });
    }
    let other = [Lang::En, Lang::Km, Lang::Ko]
        .into_iter()
        .find(|l| t.get(*l).is_some())?;
    Some(Text {
        text: t.get(other).unwrap_or_default().to_string(),
        lang: other.code(),
        note: Some(tr.t1(
            "profile-shown-in",
            "language",
            tr.t(&format!("lang-name-{}", other.code())),
        )),
    })
}

/// Glossary words a gist names at most: a line under the text, not a second description.
const GIST_WORDS: usize = 8;

/// For a text shown in another language than the page's (`lang`), a line naming what it is
/// about in the page language (`matching::explain::gist`), labelled as glossary words and not
/// a translation. None in the page language, or when the text names nothing the glossary knows.
pub fn gist_line(tr: Tr, text: &str, lang: &str) -> Option<String> {
    if lang == tr.lang.code() {
        return None;
    }
    let words = crate::matching::explain::gist(text, tr.lang, GIST_WORDS);
    (!words.is_empty()).then(|| tr.t1("profile-gist", "words", words.join(", ")))
}

pub fn level_name(tr: Tr, l: DigitalLevel) -> String {
    tr.t(&format!("level-{}", l.as_str().to_ascii_lowercase()))
}

/// What a level means, for a business with this score: basic with nothing ticked is not
/// "uses social media, chat apps or mobile payments", it is not online yet.
pub fn level_explain(tr: Tr, l: DigitalLevel, score: u32) -> String {
    if score == 0 {
        return tr.t("level-none-explain");
    }
    tr.t(&format!(
        "level-{}-explain",
        l.as_str().to_ascii_lowercase()
    ))
}

pub fn partnership_name(tr: Tr, p: PartnershipType) -> String {
    tr.t(&format!("partnership-{}", p.as_str().to_ascii_lowercase()))
}

pub fn province_name(tr: Tr, iso: &str) -> String {
    reference::provinces()
        .iter()
        .find(|p| p.iso == iso)
        .map(|p| match tr.lang {
            Lang::En => p.name_en.clone(),
            Lang::Km => p.name_km.clone(),
            Lang::Ko => p.name_ko.clone(),
        })
        .unwrap_or_else(|| iso.to_string())
}

/// A node of the ISIC tree by name: the page language where the tree has it (every node, from
/// `data/isic_i18n.csv`), else English.
pub fn sector_name(tr: Tr, code: &str) -> String {
    match reference::sector(code) {
        Some(node) => node.name(tr.lang).to_string(),
        None => code.to_string(),
    }
}

/// The division of a code (its first two digits; a section stays itself), named in the page
/// language: what a business does in a few words. A section's title can say the opposite of a
/// business's trade (QA: a clothes shop, 4771, was shown as "… repair of motor vehicles and
/// motorcycles", section G's title).
pub fn division_name(tr: Tr, code: &str) -> String {
    let division = match code.get(..2) {
        Some(d) if code.len() > 2 && d.chars().all(|c| c.is_ascii_digit()) => d,
        _ => code,
    };
    sector_name(tr, division)
}

pub fn usd_range(tr: Tr, r: &UsdRange) -> Option<String> {
    match (r.min, r.max) {
        // One amount, said once (QA: "ពី 500,000 ដល់ 500,000").
        (Some(min), Some(max)) if min == max => {
            Some(tr.t1("usd-amount", "amount", format_usd(min)))
        }
        (Some(min), Some(max)) => Some(tr.t2(
            "usd-range-between",
            ("min", format_usd(min)),
            ("max", format_usd(max)),
        )),
        (Some(min), None) => Some(tr.t1("usd-range-from", "min", format_usd(min))),
        (None, Some(max)) => Some(tr.t1("usd-range-upto", "max", format_usd(max))),
        (None, None) => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Home

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    smes: String,
    investors: String,
    search_action: String,
    /// "You have logged out", once, after logging out (`?signed-out=1`), unless signed in again.
    signed_out: Option<String>,
}

pub async fn home(w: Web) -> Response {
    let counts = async {
        let page = profiles::page_request(Some(0), None)?;
        let smes = profiles::list::<Sme>(&w.app, &w.viewer, page)
            .await?
            .total_count;
        let investors = profiles::list::<Investor>(&w.app, &w.viewer, page)
            .await?
            .total_count;
        Ok::<_, service::ServiceError>((smes, investors))
    }
    .await;
    let (smes, investors) = match counts {
        Ok(c) => c,
        Err(e) => return w.service_error(e),
    };
    let tr = w.tr;
    let page = HomePage {
        c: w.chrome(tr.t("home-title"), Section::Home),
        smes: tr.t1("home-count-smes", "count", smes),
        investors: tr.t1("home-count-investors", "count", investors),
        search_action: w.href("/smes"),
        signed_out: (w.viewer.user.is_none() && w.query_form().get("signed-out").is_some())
            .then(|| tr.t("home-signed-out")),
    };
    w.page(StatusCode::OK, &page)
}

// ---------------------------------------------------------------------------------------------
// Search

pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct Select {
    pub name: &'static str,
    pub id: String,
    pub label: String,
    pub options: Vec<Opt>,
}

pub struct Hit {
    pub href: String,
    pub title: String,
    pub title_lang: &'static str,
    pub anonymous: bool,
    /// HTML from the search layer: text escaped, matches in `<b>`.
    pub snippet: Option<String>,
    /// The language of the text the snippet is from (an English or Khmer snippet on a Korean
    /// page is marked so, for screen readers and fonts).
    pub snippet_lang: Option<&'static str>,
    /// Without a snippet, the start of the description as text, and its language: a profile
    /// found through a glossary concept in another language has no words of the query to
    /// show (QA: an English-only cashew farm, found by 캐슈넛, showed nothing under its name).
    pub excerpt: Option<(String, &'static str)>,
    /// When the text shown is in another language: what it names, in the page language
    /// (`gist_line`; QA: a Korean analyst could not tell what a Khmer-only shop sells).
    pub gist: Option<String>,
    pub meta: String,
}

/// Characters of a description shown in place of a snippet, about a snippet's length.
const EXCERPT_CHARS: usize = 160;

/// The start of `text`, cut after a word where there is a space near the end, with "…" when
/// cut.
fn excerpt(text: &str) -> String {
    let text = text.trim();
    let Some((cut, _)) = text.char_indices().nth(EXCERPT_CHARS) else {
        return text.to_string();
    };
    let head = &text[..cut];
    let at_space = head
        .rfind(char::is_whitespace)
        .filter(|at| *at > cut / 2)
        .unwrap_or(cut);
    format!("{}…", head[..at_space].trim_end())
}

pub struct FacetLink {
    pub label: String,
    pub count: u64,
    pub href: String,
}

pub struct FacetGroup {
    pub label: String,
    pub links: Vec<FacetLink>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    c: Chrome,
    heading: String,
    action: String,
    q: String,
    filters: Vec<Select>,
    count: String,
    /// No profile has every word of the search: the results have some of them, and the note
    /// that says so, naming the words.
    some_words: Option<String>,
    /// The search spelt as the glossary spells its words, and its address, when this one
    /// finds nothing (or only some words) and that finds more.
    did_you_mean: Option<(String, String)>,
    hits: Vec<Hit>,
    /// The page's results that have some query word only inside a longer word (ស្រូវ in
    /// អាស្រូវ): after the others, under a line saying so.
    part_hits: Vec<Hit>,
    /// The place of the first of them in the whole list.
    part_start: u64,
    /// The first result's place in the whole list, when past the first (the `start` of its list).
    start: Option<u64>,
    facets: Vec<FacetGroup>,
    next: Option<String>,
    previous: Option<String>,
    clear: String,
    /// The error's way out, and what it says: clear the filters, or empty the search box.
    error_exit: (String, String),
    error: Option<String>,
    /// Open on arrival only when a filter is in use (on a phone the results come first).
    filters_open: bool,
}

/// The filter parameters of the search pages, in link order.
const FILTERS: [&str; 4] = ["sector", "province", "level", "partnership"];

fn selects(tr: Tr, form: &Form) -> Vec<Select> {
    let any = |tr: Tr| Opt {
        value: String::new(),
        label: tr.t("filter-any"),
        selected: false,
    };
    let chosen = |name: &str| form.get(name).unwrap_or("").to_string();
    let mk = |name: &'static str, key: &str, items: Vec<(String, String)>| {
        let current = chosen(name);
        let mut options = vec![any(tr)];
        options.extend(items.into_iter().map(|(value, label)| Opt {
            selected: value == current,
            value,
            label,
        }));
        Select {
            name,
            id: format!("filter-{name}"),
            label: tr.t(key),
            options,
        }
    };
    let sections = reference::sectors(None)
        .unwrap_or_default()
        .into_iter()
        .map(|n| (n.code.clone(), sector_name(tr, &n.code)))
        .collect();
    let provinces = reference::provinces()
        .iter()
        .map(|p| (p.iso.clone(), province_name(tr, &p.iso)))
        .collect();
    let levels = [
        DigitalLevel::Basic,
        DigitalLevel::Intermediate,
        DigitalLevel::Advanced,
    ]
    .into_iter()
    .map(|l| (l.as_str().to_string(), level_name(tr, l)))
    .collect();
    let partnerships = PartnershipType::ALL
        .iter()
        .map(|p| (p.as_str().to_string(), partnership_name(tr, *p)))
        .collect();
    vec![
        mk("sector", "filter-sector", sections),
        mk("province", "filter-province", provinces),
        mk("level", "filter-level", levels),
        mk("partnership", "filter-partnership", partnerships),
    ]
}

/// The search arguments of a page's query string; `None` when a filter value is unknown.
fn search_args(w: &Web, form: &Form) -> Option<search::SearchArgs> {
    let mut filter = search::FilterRaw {
        sector: form.get("sector").map(str::to_string),
        provinces: form.all("province").into_iter().map(String::from).collect(),
        ..Default::default()
    };
    for l in form.all("level") {
        filter.digital_levels.push(DigitalLevel::parse(l)?);
    }
    for p in form.all("partnership") {
        filter.partnership_types.push(PartnershipType::parse(p)?);
    }
    let mut args = search::SearchArgs {
        query: form.get("q").map(str::to_string),
        filter,
        lang: Some(w.lang),
        ..Default::default()
    };
    // "Previous page" links carry `before`, every other page link `after` (or no cursor).
    match form.get("before") {
        Some(before) => {
            args.last = Some(PAGE_SIZE);
            args.before = Some(before.to_string());
        }
        None => {
            args.first = Some(PAGE_SIZE);
            args.after = form.get("after").map(str::to_string);
        }
    }
    Some(args)
}

/// Which side of a result a page link continues from: ("after", cursor) or ("before", cursor).
type PageCursor<'a> = (&'static str, &'a str);

/// The current query string with `set` replaced (and the page cursor dropped, or `cursor`).
fn link(base: &str, form: &Form, set: &[(&str, &str)], cursor: Option<PageCursor>) -> String {
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    for name in std::iter::once("q").chain(FILTERS) {
        if let Some((_, v)) = set.iter().find(|(k, _)| *k == name) {
            pairs.push((name, v));
        } else if let Some(v) = form.get(name) {
            pairs.push((name, v));
        }
    }
    if let Some((side, c)) = cursor {
        pairs.push((side, c));
    }
    format!("{base}{}", query_string(pairs))
}

trait Listed: search::Searchable + service::visibility::Profile {
    const PATH: &'static str;
    const HEADING: &'static str;
    fn hit_meta(&self, tr: Tr) -> String;
    fn description(&self) -> &LocalizedText;
}

impl Listed for Sme {
    const PATH: &'static str = "/smes";
    const HEADING: &'static str = "search-smes-title";
    fn description(&self) -> &LocalizedText {
        &self.profile.description
    }
    fn hit_meta(&self, tr: Tr) -> String {
        [
            division_name(tr, self.profile.sector.as_str()),
            province_name(tr, self.profile.province.as_str()),
            tr.labelled(
                &tr.t("profile-digital"),
                &level_name(tr, self.digital.level),
            ),
        ]
        .join(" · ")
    }
}

impl Listed for Investor {
    const PATH: &'static str = "/investors";
    const HEADING: &'static str = "search-investors-title";
    fn description(&self) -> &LocalizedText {
        &self.profile.description
    }
    fn hit_meta(&self, tr: Tr) -> String {
        let mut parts = vec![tr.t(&format!(
            "org-{}",
            self.profile.organization_type.as_str().to_ascii_lowercase()
        ))];
        if let Some(r) = usd_range(tr, &self.profile.ticket) {
            parts.push(r);
        }
        parts.join(" · ")
    }
}

pub async fn search_smes(w: Web) -> Response {
    search_page::<Sme>(w).await
}

pub async fn search_investors(w: Web) -> Response {
    search_page::<Investor>(w).await
}

async fn search_page<K: Listed>(w: Web) -> Response {
    let tr = w.tr;
    let form = w.query_form();
    let base = w.href(K::PATH);
    let mut page = SearchPage {
        c: w.chrome(
            tr.t(K::HEADING),
            if K::PATH == "/smes" {
                Section::Smes
            } else {
                Section::Investors
            },
        ),
        heading: tr.t(K::HEADING),
        action: base.clone(),
        q: form.get("q").unwrap_or("").to_string(),
        filters: selects(tr, &form),
        count: String::new(),
        some_words: None,
        did_you_mean: None,
        hits: vec![],
        part_hits: vec![],
        part_start: 1,
        start: None,
        facets: vec![],
        next: None,
        previous: None,
        clear: link(
            &base,
            &Form(vec![]),
            &[("q", form.get("q").unwrap_or(""))],
            None,
        ),
        error_exit: (String::new(), tr.t("filter-clear")),
        error: None,
        filters_open: FILTERS.iter().any(|f| form.get(f).is_some()),
    };
    let result = match search_args(&w, &form) {
        Some(args) => {
            let back = args.before.is_some();
            let first_page = search::SearchArgs {
                first: Some(PAGE_SIZE),
                last: None,
                before: None,
                after: None,
                ..args.clone()
            };
            let mut result = search::search::<K>(&w.app, &w.viewer, None, args).await;
            // A page link whose cursor this search no longer reads (a bookmark from before an
            // upgrade, or edited by hand) opens the first page rather than an error (QA: on a
            // phone the error sat below the filters, and the page looked empty).
            let stale = |e: &service::ServiceError| {
                matches!(e, service::ServiceError::BadInput(v)
                    if v.0.iter().all(|f| f.field == "after" || f.field == "before"))
            };
            // Back at the start, the first page itself: full even when results were added or
            // removed since the later page was read.
            let restart = match &result {
                Ok(found) => back && !found.has_previous_page,
                Err(e) => stale(e),
            };
            if restart {
                result = search::search::<K>(&w.app, &w.viewer, None, first_page).await;
            }
            result
        }
        None => Err(service::ServiceError::bad_input("filter", "unknown value")),
    };
    let found = match result {
        Ok(found) => found,
        Err(service::ServiceError::BadInput(e)) => {
            // What was typed, said as such; else a filter (QA: a word too long to search was
            // called a bad filter, and so was a search too long to run).
            let typed =
                e.0.iter()
                    .find(|f| f.field == "query")
                    .map(|f| f.message.as_str());
            let key = match typed {
                Some(crate::search::index::WORD_TOO_LONG) => "search-error-long-word",
                Some(crate::search::index::NO_SEARCHABLE_WORD) => "search-error-no-word",
                Some(crate::search::query::TOO_MANY_WORDS) => "search-error-too-many-words",
                Some(m) if m.starts_with("too long") => "search-error-too-long",
                Some(_) => "search-error-characters",
                None => {
                    page.filters_open = true;
                    "search-error"
                }
            };
            page.error_exit = if typed.is_some() {
                // The way out is an empty search box with the filters kept, not the same
                // address again (QA: "Clear all filters" kept the emoji and failed again).
                (
                    link(&base, &form, &[("q", "")], None),
                    tr.t("search-clear-query"),
                )
            } else {
                (page.clear.clone(), tr.t("filter-clear"))
            };
            page.error = Some(tr.t(key));
            return w.page(StatusCode::BAD_REQUEST, &page);
        }
        Err(e) => return w.service_error(e),
    };
    // Where this page stands ("Results 21–40 of 188"): the cursor it was read from carries its
    // place (QA: it came from an editable `from=` in the link).
    let shown = found.hits.len() as u64;
    let total = found.total_count as u64;
    let start = found.start;
    page.count = if total > shown && shown > 0 {
        tr.t3(
            "search-results-range",
            ("from", start.to_string()),
            ("to", (start + shown - 1).to_string()),
            ("total", total.to_string()),
        )
    } else {
        tr.t1("search-results-count", "count", found.total_count)
    };
    page.start = Some(start).filter(|s| *s > 1);
    page.some_words = found.some_words.then(|| {
        let quoted: Vec<String> = found
            .searched_words
            .iter()
            .map(|w| match tr.lang {
                Lang::Km => format!("«{w}»"),
                _ => format!("“{w}”"),
            })
            .collect();
        tr.t1("search-some-words", "words", quoted.join(" "))
    });
    page.did_you_mean = found
        .did_you_mean
        .as_ref()
        .map(|text| (text.clone(), link(&base, &form, &[("q", text)], None)));
    let mut hits: Vec<Hit> = found
        .hits
        .iter()
        .map(|hit| {
            let p = hit.node.get();
            let shown = hit
                .highlights
                .iter()
                .find(|h| h.field.starts_with("description"))
                .or_else(|| hit.highlights.first());
            let (title, title_lang, anonymous) = match hit.node.name().and_then(|n| pick(tr, n)) {
                Some(t) => (t.text, t.lang, false),
                None => (hit.node.display_name(w.lang), w.lang.code(), true),
            };
            let snippet_lang = shown
                .and_then(|h| h.field.rsplit_once('.'))
                .and_then(|(_, code)| super::parse_lang(code));
            let excerpt_text = hit
                .highlights
                .is_empty()
                .then(|| pick(tr, p.description()))
                .flatten();
            // The description in the language the card shows it in.
            let shown_in = snippet_lang.or_else(|| {
                excerpt_text
                    .as_ref()
                    .and_then(|t| super::parse_lang(t.lang))
            });
            let gist = shown_in.and_then(|l| {
                let text = p.description().get(l)?;
                gist_line(tr, text, l.code())
            });
            Hit {
                href: w.href(&format!("{}/{}", K::PATH, p.id())),
                title,
                title_lang,
                anonymous,
                snippet: shown.map(|h| h.snippet.clone()),
                snippet_lang: snippet_lang.map(|l| l.code()),
                excerpt: excerpt_text.map(|t| (excerpt(&t.text), t.lang)),
                gist,
                meta: p.hit_meta(tr),
            }
        })
        .collect();
    // Results with some query word only inside a longer word come last: a list of their own,
    // under a line that says so, counting on from the first list.
    let whole = found.hits.iter().take_while(|h| !h.part_of_word).count();
    page.part_hits = hits.split_off(whole);
    page.part_start = start + whole as u64;
    page.hits = hits;
    let facet_groups = [
        ("sector", "filter-sector", &found.facets.sections),
        ("province", "filter-province", &found.facets.provinces),
        ("level", "filter-level", &found.facets.digital_levels),
        (
            "partnership",
            "filter-partnership",
            &found.facets.partnership_types,
        ),
    ];
    page.facets = facet_groups
        .into_iter()
        .filter(|(name, _, _)| form.get(name).is_none())
        .map(|(name, key, counts)| FacetGroup {
            label: tr.t(key),
            links: counts
                .iter()
                // `*` marks investors open to any value: not a value to filter by.
                .filter(|f| f.value != "*" && f.count > 0)
                .map(|f| FacetLink {
                    label: match name {
                        "sector" => sector_name(tr, &f.value),
                        "province" => province_name(tr, &f.value),
                        "level" => DigitalLevel::parse(&f.value)
                            .map(|l| level_name(tr, l))
                            .unwrap_or_else(|| f.value.clone()),
                        _ => PartnershipType::parse(&f.value)
                            .map(|p| partnership_name(tr, p))
                            .unwrap_or_else(|| f.value.clone()),
                    },
                    count: f.count,
                    href: link(&base, &form, &[(name, &f.value)], None),
                })
                .collect(),
        })
        .filter(|g| !g.links.is_empty())
        .collect();
    if found.has_next_page {
        page.next = found
            .hits
            .last()
            .map(|h| link(&base, &form, &[], Some(("after", &h.cursor))));
    }
    if found.has_previous_page {
        page.previous = found
            .hits
            .first()
            .map(|h| link(&base, &form, &[], Some(("before", &h.cursor))));
    }
    w.page(StatusCode::OK, &page)
}

// ---------------------------------------------------------------------------------------------
// Profiles

pub struct Fact {
    pub label: String,
    pub value: String,
    pub hint: Option<String>,
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    c: Chrome,
    name: Text,
    /// For an ANONYMOUS SME: that its name is hidden, or, to a viewer who sees it (its owner,
    /// staff), from whom and how they see the business instead.
    anonymous: Option<String>,
    kind: String,
    facts: Vec<Fact>,
    about: Option<Text>,
    /// When `about` is in another language: what it names, in the page language.
    about_gist: Option<String>,
    /// Staff only: the profile's ranked matches with a shortlist button each.
    staff: Option<super::staff::Ranked>,
}

/// [`gist_line`] of the description as the page shows it (`about`, from [`pick`]).
fn about_gist(tr: Tr, about: Option<&Text>) -> Option<String> {
    about.and_then(|a| gist_line(tr, &a.text, a.lang))
}

fn join(items: impl IntoIterator<Item = String>) -> String {
    items.into_iter().collect::<Vec<_>>().join(", ")
}

pub async fn sme(w: Web, Path((_, id)): Path<(String, String)>) -> Response {
    let shown = match profiles::get::<Sme>(&w.app, &w.viewer, &id).await {
        Ok(Some(s)) => s,
        Ok(None) => return w.not_found(),
        Err(e) => return w.service_error(e),
    };
    let tr = w.tr;
    let p = &shown.get().profile;
    let anonymous = if shown.name().is_none() {
        Some(tr.t("profile-anonymous-note"))
    } else {
        // Before, staff read "this business chose to hide its name" above that very name.
        p.hidden_as(w.lang).map(|neutral| {
            tr.t2(
                "profile-anonymous-seen",
                ("ro", ko_particle(&neutral, "으로", "로", true)),
                ("neutral", neutral),
            )
        })
    };
    let name = match shown.name().and_then(|n| pick(tr, n)) {
        Some(t) => t,
        None => Text {
            text: shown.display_name(w.lang),
            lang: w.lang.code(),
            note: None,
        },
    };
    let facts = sme_facts(tr, shown.get());
    let staff = match super::staff::ranked_for_sme(&w, &id).await {
        Ok(r) => r,
        Err(e) => return w.service_error(e),
    };
    let about = pick(tr, &p.description);
    let page = ProfilePage {
        c: w.chrome(name.text.clone(), Section::Smes),
        kind: tr.t("search-smes-title"),
        about_gist: about_gist(tr, about.as_ref()),
        about,
        name,
        anonymous,
        facts,
        staff,
    };
    w.page(StatusCode::OK, &page)
}

pub async fn investor(w: Web, Path((_, id)): Path<(String, String)>) -> Response {
    let shown = match profiles::get::<Investor>(&w.app, &w.viewer, &id).await {
        Ok(Some(s)) => s,
        Ok(None) => return w.not_found(),
        Err(e) => return w.service_error(e),
    };
    let tr = w.tr;
    let p = &shown.get().profile;
    let name = shown
        .name()
        .and_then(|n| pick(tr, n))
        .unwrap_or_else(|| Text {
            text: shown.display_name(w.lang),
            lang: w.lang.code(),
            note: None,
        });
    let facts = investor_facts(tr, shown.get());
    let staff = match super::staff::ranked_for_investor(&w, &id).await {
        Ok(r) => r,
        Err(e) => return w.service_error(e),
    };
    let about = pick(tr, &p.description);
    let page = ProfilePage {
        c: w.chrome(name.text.clone(), Section::Investors),
        kind: tr.t("search-investors-title"),
        about_gist: about_gist(tr, about.as_ref()),
        about,
        name,
        anonymous: None,
        facts,
        staff,
    };
    w.page(StatusCode::OK, &page)
}

/// An SME's public facts (sector, province, digital level explained, …), in the page language.
pub fn sme_facts(tr: Tr, sme: &Sme) -> Vec<Fact> {
    let p = &sme.profile;
    let digital = sme.digital;
    let mut facts = vec![
        Fact {
            label: tr.t("profile-sector"),
            value: format!(
                "{} ({})",
                sector_name(tr, p.sector.as_str()),
                p.sector.as_str()
            ),
            hint: Some(division_name(tr, p.sector.as_str())),
        },
        Fact {
            label: tr.t("profile-province"),
            value: province_name(tr, p.province.as_str()),
            hint: None,
        },
        Fact {
            label: tr.t("profile-digital"),
            value: format!(
                "{} — {}",
                level_name(tr, digital.level),
                tr.t1("profile-digital-score", "score", digital.score)
            ),
            hint: Some(level_explain(tr, digital.level, digital.score)),
        },
    ];
    if !p.partnership_types.is_empty() {
        facts.push(Fact {
            label: tr.t("profile-partnerships"),
            value: join(p.partnership_types.iter().map(|t| partnership_name(tr, *t))),
            hint: None,
        });
    }
    if let Some(r) = usd_range(tr, &p.capital_sought) {
        facts.push(Fact {
            label: tr.t("profile-capital"),
            value: r,
            hint: None,
        });
    }
    if let Some(n) = p.employees {
        facts.push(Fact {
            label: tr.t("profile-employees"),
            value: n.to_string(),
            hint: None,
        });
    }
    if let Some(y) = p.founded_year {
        facts.push(Fact {
            label: tr.t("profile-founded"),
            value: y.to_string(),
            hint: None,
        });
    }
    if !p.languages.is_empty() {
        facts.push(Fact {
            label: tr.t("profile-languages"),
            value: join(p.languages.iter().map(|l| match l.as_str() {
                code @ ("en" | "km" | "ko") => tr.t(&format!("lang-name-{code}")),
                // The region's and the world's common ones by name, those the UI strings name
                // (QA: "ភាសាខ្មែរ, vi" on 500 of the demo's Khmer pages); any other as its code.
                code if tr.has(&format!("lang-spoken-{code}")) => {
                    tr.t(&format!("lang-spoken-{code}"))
                }
                other => other.to_string(),
            })),
            hint: None,
        });
    }
    facts
}

/// An investor's public facts (organisation, interests, ticket, …), in the page language.
pub fn investor_facts(tr: Tr, investor: &Investor) -> Vec<Fact> {
    let p = &investor.profile;
    let or = |items: Vec<String>, none: &str| {
        if items.is_empty() {
            tr.t(none)
        } else {
            join(items)
        }
    };
    let mut facts = vec![
        Fact {
            label: tr.t("profile-org-type"),
            value: tr.t(&format!(
                "org-{}",
                p.organization_type.as_str().to_ascii_lowercase()
            )),
            hint: None,
        },
        Fact {
            label: tr.t("profile-interests"),
            // Separated by a middle dot: sector titles contain commas themselves (KSIC's
            // "작물 재배, 축산, 수렵 및 관련 서비스업" is one sector).
            value: if p.sector_interests.is_empty() {
                tr.t("profile-interests-any")
            } else {
                p.sector_interests
                    .iter()
                    .map(|c| sector_name(tr, c.as_str()))
                    .collect::<Vec<_>>()
                    .join(" · ")
            },
            hint: None,
        },
    ];
    if let Some(r) = usd_range(tr, &p.ticket) {
        facts.push(Fact {
            label: tr.t("profile-ticket"),
            value: r,
            hint: None,
        });
    }
    facts.push(Fact {
        label: tr.t("profile-partnerships"),
        value: or(
            p.partnership_types
                .iter()
                .map(|t| partnership_name(tr, *t))
                .collect(),
            "profile-none",
        ),
        hint: None,
    });
    facts.push(Fact {
        label: tr.t("profile-provinces"),
        value: or(
            p.preferred_provinces
                .iter()
                .map(|c| province_name(tr, c.as_str()))
                .collect(),
            "profile-provinces-any",
        ),
        hint: None,
    });
    facts.push(Fact {
        label: tr.t("profile-levels"),
        value: or(
            p.preferred_digital_levels
                .iter()
                .map(|l| level_name(tr, *l))
                .collect(),
            "profile-levels-any",
        ),
        hint: None,
    });
    if !p.incentive_preferences.is_empty() {
        facts.push(Fact {
            label: tr.t("profile-incentives"),
            value: join(
                p.incentive_preferences
                    .iter()
                    .map(|i| tr.t(&format!("incentive-{}", i.as_str().to_ascii_lowercase()))),
            ),
            hint: None,
        });
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_excerpt_ends_after_a_word_and_says_it_was_cut() {
        assert_eq!(excerpt("  Short text. "), "Short text.");
        let long = "word ".repeat(50);
        let cut = excerpt(&long);
        assert!(cut.ends_with("word…"), "{cut}");
        assert!(cut.chars().count() <= EXCERPT_CHARS + 1);
        // Khmer without spaces is cut where the length ends.
        let khmer = "ក".repeat(200);
        assert_eq!(excerpt(&khmer).chars().count(), EXCERPT_CHARS + 1);
    }

    #[test]
    fn a_business_is_named_by_its_division_not_its_section() {
        let tr = Tr::new(Lang::En);
        let shop = division_name(tr, "4771");
        assert_eq!(shop, sector_name(tr, "47"));
        assert!(!shop.contains("repair"), "{shop}");
        assert_eq!(division_name(tr, "47"), shop);
        assert_eq!(division_name(tr, "G"), sector_name(tr, "G"));
    }
}
