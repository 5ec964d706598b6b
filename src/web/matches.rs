//! "My matches" (`/{lang}/me/matches/{id}`) for both sides: an SME sees the investors that fit
//! one of its businesses, an investor the SMEs that fit one of its mandates. Each score is
//! explained as one bar per feature with its reason in the page language.
//!
//! Investors also get the per-query weight sliders: a GET form (`w-sector=40&…`, points out of
//! 100 per feature, defaults pre-filled), so a re-ranking is a bookmarkable link and works
//! without JavaScript; with it, moving a slider re-ranks at once.

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;

use super::explain::{feature_name, points, score_view, ScoreView};
use super::i18n::Tr;
use super::public::pick;
use super::{query_string, Chrome, Form, Section, Web};
use crate::domain::account::Role;
use crate::domain::investor::Investor;
use crate::domain::sme::Sme;
use crate::domain::text::Lang;
use crate::matching::weights::{Feature, Weights};
use crate::service::matching::{self, MatchView, WeightOverrides};
use crate::service::visibility::Shown;
use crate::service::{profiles, ServiceError};

pub struct MatchItem {
    pub href: String,
    pub title: String,
    pub title_lang: &'static str,
    pub sv: ScoreView,
}

/// One weight slider.
pub struct Slider {
    pub id: String,
    pub name: String,
    pub value: u32,
}

#[derive(Template)]
#[template(path = "matches.html")]
struct MatchesPage {
    c: Chrome,
    heading: String,
    intro: String,
    none: String,
    /// Empty for SMEs (they rank with the defaults).
    sliders: Vec<Slider>,
    /// The sliders' GET form; with no weights it is also the way back to the usual ones.
    action: String,
    weights_error: Option<String>,
    matches: Vec<MatchItem>,
    /// The same ranking with the next ten too, while there may be more.
    more: Option<String>,
}

/// Matches a page shows at first, and how many more each "show more" adds.
const PAGE: usize = 10;

/// How many matches the address asks for (`n`): a multiple of [`PAGE`] up to the most a
/// ranking gives, else the first page.
pub(super) fn asked_count(query: &Form) -> usize {
    let most = matching::MAX_MATCHES as usize;
    query
        .get("n")
        .and_then(|n| n.trim().parse::<usize>().ok())
        .map_or(PAGE, |n| n.clamp(PAGE, most).div_ceil(PAGE) * PAGE)
        .min(most)
}

/// The link to the same ranking with [`PAGE`] more, landing on the first new one; `None` when
/// the ranking gave fewer than asked (there are no more) or the most it gives.
pub(super) fn more_link(
    w: &Web,
    path: &str,
    query: &Form,
    shown: usize,
    found: usize,
) -> Option<String> {
    if found < shown || shown >= matching::MAX_MATCHES as usize {
        return None;
    }
    let next = (shown + PAGE).to_string();
    let pairs = query
        .0
        .iter()
        .filter(|(k, _)| k != "n")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .chain([("n", next.as_str())]);
    Some(format!(
        "{}{}#m-{}",
        w.href(path),
        query_string(pairs),
        shown + 1
    ))
}

/// A match's score and one bar per feature, with the reason the ranking gave.
pub fn explained(tr: Tr, m: &MatchView, href: String, title: (String, &'static str)) -> MatchItem {
    MatchItem {
        href,
        title: title.0,
        title_lang: title.1,
        sv: score_view(tr, &m.breakdown),
    }
}

/// A profile's name as the viewer may see it, in the page language when it has one.
pub fn title<K: crate::service::visibility::Profile>(
    tr: Tr,
    lang: Lang,
    p: &Shown<K>,
) -> (String, &'static str) {
    match p.name().and_then(|n| pick(tr, n)) {
        Some(t) => (t.text, t.lang),
        None => (p.display_name(lang), lang.code()),
    }
}

fn slider_param(f: Feature) -> String {
    format!("w-{}", f.as_str().to_ascii_lowercase())
}

/// The weights a query asks for, in points (0–100, any scale is normalised by the ranking).
/// A feature the address leaves out has the points its slider shows, its default in points,
/// not the API's default fraction, which next to points would weigh almost nothing (QA:
/// `?w-text=7` alone gave text 89 of 100 points while the sliders showed 7 of 100).
/// `Err` when a value is not a number.
fn overrides(query: &Form) -> Result<Option<WeightOverrides>, ()> {
    let defaults = Weights::default();
    let mut o: WeightOverrides = [None; 7];
    let mut any = false;
    for (i, f) in Feature::ALL.iter().enumerate() {
        o[i] = Some(match query.get(&slider_param(*f)) {
            Some(v) => {
                any = true;
                v.trim().parse::<f64>().map_err(|_| ())?
            }
            None => f64::from(points(defaults.get(*f))),
        });
    }
    Ok(any.then_some(o))
}

pub async fn page(w: Web, Path((_, id)): Path<(String, String)>) -> Response {
    let Some(user) = w.viewer.user.as_ref() else {
        return w.to_login();
    };
    match user.role {
        Role::Sme => for_sme(w, id).await,
        Role::Investor => for_investor(w, id).await,
        _ => to_profile_page(w, id).await,
    }
}

/// Staff rank a profile's counterparts on the profile's own page (its staff part): an address
/// of an owner's matches page sends them there, rather than to "not found" (QA round 2: staff
/// opening an investor's `/me/matches/<id>` got a 404).
async fn to_profile_page(w: Web, id: String) -> Response {
    let page = match profiles::get::<Investor>(&w.app, &w.viewer, &id).await {
        Ok(Some(_)) => Some(format!("/investors/{id}")),
        Ok(None) => match profiles::get::<Sme>(&w.app, &w.viewer, &id).await {
            Ok(Some(_)) => Some(format!("/smes/{id}")),
            Ok(None) | Err(ServiceError::BadInput(_)) => None,
            Err(e) => return w.service_error(e),
        },
        Err(ServiceError::BadInput(_)) => None,
        Err(e) => return w.service_error(e),
    };
    match page {
        Some(page) => super::see_other(&w.href(&page)),
        None => w.not_found(),
    }
}

async fn for_sme(w: Web, id: String) -> Response {
    let tr = w.tr;
    let sme = match profiles::get::<Sme>(&w.app, &w.viewer, &id).await {
        Ok(Some(s)) if w.viewer.owns(s.get().owner) => s,
        Ok(_) | Err(ServiceError::BadInput(_)) => return w.not_found(),
        Err(e) => return w.service_error(e),
    };
    let query = w.query_form();
    let shown = asked_count(&query);
    let args = matching::MatchArgs {
        first: Some(shown as i32),
        weights: None,
        lang: Some(w.lang),
    };
    let found = match matching::for_sme(&w.app, &w.viewer, &id, args).await {
        Ok(m) => m,
        Err(e) => return w.service_error(e),
    };
    let more = more_link(&w, &format!("/me/matches/{id}"), &query, shown, found.len());
    let matches = found
        .iter()
        .map(|m| {
            let href = w.href(&format!("/investors/{}", m.investor.get().id));
            explained(tr, m, href, title(tr, w.lang, &m.investor))
        })
        .collect();
    let heading = tr.t1("matches-title", "name", sme.display_name(w.lang));
    let page = MatchesPage {
        c: w.chrome(heading.clone(), Section::Account),
        heading,
        intro: tr.t("matches-intro"),
        none: tr.t("matches-none"),
        sliders: vec![],
        action: String::new(),
        weights_error: None,
        matches,
        more,
    };
    w.page(StatusCode::OK, &page)
}

async fn for_investor(w: Web, id: String) -> Response {
    let tr = w.tr;
    let investor = match profiles::get::<Investor>(&w.app, &w.viewer, &id).await {
        Ok(Some(s)) if w.viewer.owns(s.get().owner) => s,
        Ok(_) | Err(ServiceError::BadInput(_)) => return w.not_found(),
        Err(e) => return w.service_error(e),
    };
    let query = w.query_form();
    let asked = overrides(&query);
    // Sliders stay where the person put them (the ranking scales them to a sum of 100; the
    // bars below show the scaled weights); untouched ones show the usual weights.
    let defaults = Weights::default();
    let sliders = Feature::ALL
        .iter()
        .enumerate()
        .map(|(i, f)| Slider {
            id: slider_param(*f),
            name: feature_name(tr, *f),
            value: match &asked {
                Ok(Some(o)) => o[i].map_or(points(defaults.get(*f)), |v| {
                    v.round().clamp(0.0, 100.0) as u32
                }),
                _ => points(defaults.get(*f)),
            },
        })
        .collect();
    let mut weights_error = None;
    let shown = asked_count(&query);
    let mut more = None;
    let matches = match asked {
        Err(()) => {
            weights_error = Some(tr.t("matches-weights-error"));
            vec![]
        }
        Ok(weights) => {
            let args = matching::MatchArgs {
                first: Some(shown as i32),
                weights,
                lang: Some(w.lang),
            };
            match matching::for_investor(&w.app, &w.viewer, &id, None, args).await {
                Ok(found) => {
                    let path = format!("/me/matches/{id}");
                    more = more_link(&w, &path, &query, shown, found.len());
                    found
                        .iter()
                        .map(|m| {
                            let href = w.href(&format!("/smes/{}", m.sme.get().id));
                            explained(tr, m, href, title(tr, w.lang, &m.sme))
                        })
                        .collect()
                }
                Err(ServiceError::BadInput(_)) => {
                    weights_error = Some(tr.t("matches-weights-error"));
                    vec![]
                }
                Err(e) => return w.service_error(e),
            }
        }
    };
    let heading = tr.t1(
        "matches-investor-title",
        "name",
        investor.display_name(w.lang),
    );
    let page = MatchesPage {
        c: w.chrome(heading.clone(), Section::Account),
        heading,
        intro: tr.t("matches-investor-intro"),
        none: tr.t("matches-investor-none"),
        sliders,
        action: w.href(&format!("/me/matches/{id}")),
        weights_error,
        matches,
        more,
    };
    w.page(StatusCode::OK, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn show_more_asks_for_whole_pages_up_to_the_most() {
        let n = |q: &str| asked_count(&Form::query(Some(q)));
        assert_eq!(asked_count(&Form::query(None)), 10);
        assert_eq!(n("n=20"), 20);
        assert_eq!(n("n=15"), 20);
        assert_eq!(n("n=0"), 10);
        assert_eq!(n("n=100000"), 100);
        assert_eq!(n("n=lots"), 10);
    }

    #[test]
    fn sliders_read_points_and_refuse_words() {
        let q = Form::query(Some("w-sector=80&w-text=0"));
        let o = overrides(&q).unwrap().unwrap();
        assert_eq!(o[Feature::Sector as usize], Some(80.0));
        assert_eq!(o[Feature::Text as usize], Some(0.0));
        // Left out: the points its slider shows, on the same scale as the given ones.
        assert_eq!(o[Feature::Digital as usize], Some(10.0));
        assert_eq!(overrides(&Form::query(None)), Ok(None));
        assert!(overrides(&Form::query(Some("w-sector=lots"))).is_err());
    }
}
