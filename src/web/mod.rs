//! The web app: server-rendered pages in Khmer, Korean and English for the people the service
//! is for (see issue 10). Every page lives under `/{lang}/…`; `/` redirects by
//! `Accept-Language`.
//!
//! Pages call `service` only — the same use cases and visibility as GraphQL — so a page can
//! never show what the API would hide. Templates (`templates/`, checked at compile time by
//! askama) hold no business rule: handlers hand them finished, translated strings.
//! Every state-changing form is a POST with a CSRF field ([`session`]); success answers with a
//! redirect (POST-redirect-GET), so back and reload never resubmit.

pub mod assets;
pub mod i18n;
pub mod session;

mod account;
mod charts;
mod explain;
mod introductions;
mod mandate;
mod matches;
mod password_reset;
mod public;
mod refusals;
mod staff;
mod staff_export;
mod tools;
mod wizard;

use std::sync::Arc;

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::app::App;
use crate::domain::text::Lang;
use crate::service::profiles;
use crate::service::visibility::Shown;
use crate::service::{self, ServiceError, Viewer};
use i18n::Tr;

/// The page routes and the assets, for `http::router` to merge.
pub fn routes<S: Clone + Send + Sync + 'static>(app: Arc<App>) -> Router<S> {
    Router::new()
        .route("/", get(root))
        .route("/assets/web/{file}", get(assets::serve))
        .route("/{lang}", get(public::home))
        .route("/{lang}/", get(public::home))
        .route("/{lang}/smes", get(public::search_smes))
        .route("/{lang}/investors", get(public::search_investors))
        .route("/{lang}/smes/{id}", get(public::sme))
        .route("/{lang}/investors/{id}", get(public::investor))
        .route("/{lang}/incentives", get(tools::incentives))
        .route(
            "/{lang}/digital-check",
            get(tools::digital).post(tools::digital_post),
        )
        .route(
            "/{lang}/signup",
            get(account::signup).post(account::signup_post),
        )
        .route(
            "/{lang}/login",
            get(account::login).post(account::login_post),
        )
        .route("/{lang}/logout", post(account::logout).get(form_page))
        .route(
            "/{lang}/password/forgot",
            get(password_reset::forgot).post(password_reset::forgot_post),
        )
        .route(
            "/{lang}/password/reset",
            get(password_reset::reset).post(password_reset::reset_post),
        )
        .route("/{lang}/me", get(account::me))
        .route(
            "/{lang}/me/password",
            get(account::password).post(account::password_post),
        )
        .route("/{lang}/me/new", get(wizard::new).post(wizard::publish))
        .route("/{lang}/me/matches/{id}", get(matches::page))
        .route("/{lang}/me/mandate", get(mandate::form).post(mandate::save))
        .route(
            "/{lang}/me/archive/{id}",
            post(account::archive).get(form_page),
        )
        .route("/{lang}/me/edit/{id}", get(wizard::edit))
        .route("/{lang}/me/introductions", get(introductions::list))
        .route(
            "/{lang}/me/introductions/{id}",
            post(introductions::respond).get(form_page),
        )
        .route("/{lang}/staff", get(staff::dashboard))
        .route("/{lang}/staff/pipeline", get(staff::board))
        .route(
            "/{lang}/staff/pipeline.csv",
            get(staff_export::pipeline_csv),
        )
        .route("/{lang}/staff/events", get(staff::events))
        .route(
            "/{lang}/staff/shortlist",
            post(staff::shortlist).get(form_page),
        )
        .route("/{lang}/staff/matches/{id}", get(staff::match_page))
        .route(
            "/{lang}/staff/matches/{id}/introduce",
            post(staff::introduce).get(form_page),
        )
        .route(
            "/{lang}/staff/matches/{id}/move",
            post(staff::move_stage).get(form_page),
        )
        .route(
            "/{lang}/staff/matches/{id}/curator",
            post(staff::assign).get(form_page),
        )
        .route(
            "/{lang}/staff/matches/{id}/note",
            post(staff::note).get(form_page),
        )
        .route(
            "/{lang}/staff/matches/{id}/notices/{notice}/again",
            post(staff::send_again).get(form_page),
        )
        .fallback(not_found)
        .with_state(app)
}

fn parse_lang(s: &str) -> Option<Lang> {
    Lang::ALL.into_iter().find(|l| l.code() == s)
}

/// The best of our languages for an `Accept-Language` header; English when none matches.
pub fn negotiate(accept_language: Option<&str>) -> Lang {
    let mut ranked: Vec<(f32, usize, Lang)> = Vec::new();
    for (i, part) in accept_language.unwrap_or("").split(',').enumerate() {
        let mut pieces = part.split(';');
        let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = pieces
            .find_map(|p| p.trim().strip_prefix("q=").map(str::to_string))
            .and_then(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or("");
        if let Some(lang) = parse_lang(primary) {
            if q > 0.0 {
                ranked.push((q, i, lang));
            }
        }
    }
    // Highest q first; among equals, the order the browser gave.
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.first().map(|r| r.2).unwrap_or(Lang::En)
}

async fn root(headers: HeaderMap) -> Response {
    let lang = negotiate(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let mut r = Redirect::to(&format!("/{}/", lang.code())).into_response();
    let h = r.headers_mut();
    h.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

/// The longest path after `/{lang}` that the language links repeat.
const MAX_SWITCHED_PATH: usize = 512;

/// What every page request knows: the language, the viewer, the CSRF secret.
pub struct Web {
    pub app: Arc<App>,
    pub lang: Lang,
    pub tr: Tr,
    pub viewer: Viewer,
    /// The path after `/{lang}` (e.g. `/smes`), for the language switcher.
    rest: String,
    query: Option<String>,
    /// The cookie value CSRF fields are derived from.
    secret: String,
    /// A visitor's nonce to set (none of our cookies came with the request).
    new_visit: Option<String>,
    pub tls: bool,
    /// The device proof an earlier log-in left in this browser (`khkr_device`), for the next.
    pub device: Option<String>,
}

impl FromRequestParts<Arc<App>> for Web {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Response> {
        let path = parts.uri.path().to_string();
        let mut segments = path.trim_start_matches('/').splitn(2, '/');
        let first = segments.next().unwrap_or("");
        let Some(lang) = parse_lang(first) else {
            return Err(plain_not_found().await);
        };
        let rest = segments.next().map(|r| format!("/{r}")).unwrap_or_default();
        let headers = &parts.headers;
        let tls = session::over_tls(headers);
        let session_token = session::cookie(headers, session::SESSION_COOKIE);
        let mut viewer = match &session_token {
            None => Viewer::anonymous(),
            Some(token) => match service::accounts::viewer_for_token(app, token).await {
                Ok(v) => v,
                Err(service::ServiceError::Unauthenticated(_)) => Viewer::anonymous(),
                Err(e) => {
                    tracing::error!(error = %e, "session check failed");
                    Viewer::anonymous()
                }
            },
        };
        // Per-address rate limits (log-in, sign-up) apply to pages as to the API.
        viewer.client = crate::http::limits::peer(&parts.extensions).map(|a| a.ip());
        let (secret, new_visit) = match session_token
            .clone()
            .or_else(|| session::cookie(headers, session::VISIT_COOKIE))
        {
            Some(s) => (s, None),
            None => {
                let n = session::new_nonce();
                (n.clone(), Some(n))
            }
        };
        Ok(Web {
            app: app.clone(),
            lang,
            tr: Tr::new(lang),
            viewer,
            rest,
            query: parts.uri.query().map(str::to_string),
            secret,
            new_visit,
            tls,
            device: session::cookie(headers, session::DEVICE_COOKIE),
        })
    }
}

/// Which main navigation entry a page belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Home,
    Smes,
    Investors,
    Incentives,
    Digital,
    Account,
    /// The chamber staff's pages (board, dashboard, match pages).
    Staff,
}

pub struct NavItem {
    pub href: String,
    pub label: String,
    pub current: bool,
}

pub struct LangLink {
    pub href: String,
    pub code: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// What the layout template needs: language, strings, navigation, assets, CSRF.
pub struct Chrome {
    pub lang: &'static str,
    pub tr: Tr,
    pub title: String,
    pub css: &'static str,
    pub js: &'static str,
    pub icon: &'static str,
    /// The activity finders' words (`assets::ACTIVITY_WORDS`).
    pub words: &'static str,
    pub nav: Vec<NavItem>,
    pub langs: Vec<LangLink>,
    pub signed_in: bool,
    pub csrf: String,
    pub home: String,
}

impl Web {
    /// The page address's query string, parsed.
    pub fn query_form(&self) -> Form {
        Form::query(self.query.as_deref())
    }

    /// `/{lang}{path}`
    pub fn href(&self, path: &str) -> String {
        format!("/{}{path}", self.lang.code())
    }

    /// To the log-in page, which comes back to this page once signed in (a GET page: a link
    /// from a notification e-mail, a bookmark, a session that ended).
    pub fn to_login(&self) -> Response {
        let here = match &self.query {
            Some(q) => format!("{}?{q}", self.href(&self.rest)),
            None => self.href(&self.rest),
        };
        self.login_then(&here)
    }

    /// To the log-in page, which goes on to `back` (a page of this site) once signed in. A
    /// form's POST uses it with the form's own page: its session ended while it was filled in.
    pub fn login_then(&self, back: &str) -> Response {
        match return_path(back) {
            Some(back) => {
                see_other(&self.href(&format!("/login{}", query_string([("next", &*back)]))))
            }
            None => see_other(&self.href("/login")),
        }
    }

    /// Where the log-in or sign-up form goes once signed in: its `next` when that is a page of
    /// this site (in this page's language, which the person may have switched to), else the
    /// account page. Never another site: `//host`, `/\host` and schemes are not paths here.
    pub fn after_login(&self) -> String {
        self.query_form()
            .get("next")
            .and_then(return_path)
            .map(|p| {
                // The page in the language the person logged in with: they may have switched
                // on the log-in page.
                let rest = p[1..].split_once('/').map_or("", |(_, r)| r);
                self.href(&format!("/{rest}"))
            })
            .unwrap_or_else(|| self.href("/me"))
    }

    /// `next=…` for the log-in and sign-up forms' addresses, when this page has one to keep.
    pub fn next_query(&self) -> String {
        match self.query_form().get("next").and_then(return_path) {
            Some(p) => query_string([("next", &*p)]),
            None => String::new(),
        }
    }

    pub fn chrome(&self, title: String, section: Section) -> Chrome {
        let tr = self.tr;
        // Staff get one more entry: their own pages. Everyone else never sees it.
        let staff =
            self.viewer
                .is_staff()
                .then_some((Section::Staff, "/staff/pipeline", "nav-staff"));
        let nav = [
            (Section::Home, "/", "nav-home"),
            (Section::Smes, "/smes", "nav-smes"),
            (Section::Investors, "/investors", "nav-investors"),
            (Section::Incentives, "/incentives", "nav-incentives"),
            (Section::Digital, "/digital-check", "nav-digital"),
        ]
        .into_iter()
        .chain(staff)
        .map(|(s, path, key)| NavItem {
            href: self.href(path),
            label: tr.t(key),
            current: s == section,
        })
        .collect();
        let query = self
            .query
            .as_deref()
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        // No page's path is long (ids are UUIDs; a wizard's state is in its query): a long one
        // is a made-up address, and its page's language links go home rather than repeat it
        // three times (attacker QA: 5,000 letters of path came back as a 16.8 KB 404).
        let rest = if self.rest.is_empty() || self.rest.len() > MAX_SWITCHED_PATH {
            "/"
        } else {
            &self.rest
        };
        let langs = [
            (Lang::Km, "ខ្មែរ"),
            (Lang::Ko, "한국어"),
            (Lang::En, "English"),
        ]
        .into_iter()
        .map(|(l, label)| LangLink {
            href: format!("/{}{rest}{query}", l.code()),
            code: l.code(),
            label,
            current: l == self.lang,
        })
        .collect();
        Chrome {
            lang: self.lang.code(),
            tr,
            title,
            css: CSS_PATH.as_str(),
            js: JS_PATH.as_str(),
            icon: ICON_PATH.as_str(),
            words: ACTIVITY_WORDS_PATH.as_str(),
            nav,
            langs,
            signed_in: self.viewer.user.is_some(),
            csrf: session::csrf_token(&self.secret),
            home: self.href("/"),
        }
    }

    /// Renders a page with `status`; sets the visitor's CSRF cookie when it is new.
    pub fn page<T: Template>(&self, status: StatusCode, page: &T) -> Response {
        let html = match page.render() {
            Ok(html) => html,
            Err(e) => {
                tracing::error!(error = %e, "template failed");
                return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
            }
        };
        let mut r = (status, html).into_response();
        let h = r.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        // Pages depend on the session: never cached by shared caches, revalidated by browsers.
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        );
        h.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        h.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        );
        // Never inside another page's frame: a framed "Yes, I want to meet" or staff button
        // could be clicked through an overlay (clickjacking). SameSite cookies do not stop a
        // sibling subdomain from framing.
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("frame-ancestors 'none'"),
        );
        if let Some(nonce) = &self.new_visit {
            h.append(header::SET_COOKIE, session::visit_cookie(nonce, self.tls));
        }
        r
    }

    /// A page with a heading and one paragraph (not found, forbidden, errors).
    pub fn message(&self, status: StatusCode, title_key: &str, body_key: &str) -> Response {
        self.message_back(status, title_key, body_key, None)
    }

    /// The limit page when the viewer's account has no room for one more profile: what the
    /// forms for a new business or mandate answer at once, not after they are filled in (QA).
    pub async fn refuse_when_full(&self) -> Option<Response> {
        match service::profiles::profile_limit_reached(&self.app, &self.viewer).await {
            Ok(Some(limit)) => Some(self.profile_limit(limit)),
            Ok(None) => None,
            Err(e) => Some(self.service_error(e)),
        }
    }

    /// The page that says the account has as many businesses or mandates on the site as one
    /// may (`limit`), with a link to the account page, where one can be taken off.
    pub fn profile_limit(&self, limit: usize) -> Response {
        let page = MessagePage {
            c: self.chrome(self.tr.t("profile-limit-title"), Section::Account),
            heading: self.tr.t("profile-limit-title"),
            body: self.tr.t1("profile-limit-body", "limit", limit),
            back: Some((self.href("/me"), self.tr.t("nav-me"))),
        };
        self.page(StatusCode::FORBIDDEN, &page)
    }

    /// [`Web::message`] with a link to the page its text sends the reader back to (`href`,
    /// the key of its words) instead of the home page (QA: "go back to your introductions"
    /// above a link to the home page).
    pub fn message_back(
        &self,
        status: StatusCode,
        title_key: &str,
        body_key: &str,
        back: Option<(String, &str)>,
    ) -> Response {
        let page = MessagePage {
            c: self.chrome(self.tr.t(title_key), Section::Home),
            heading: self.tr.t(title_key),
            body: self.tr.t(body_key),
            back: back.map(|(href, key)| (href, self.tr.t(key))),
        };
        self.page(status, &page)
    }

    /// The question before an action that cannot be undone (declining an introduction, taking
    /// a business off the site): one tap on a phone must not do it. The same form again, with
    /// `confirmed=yes`, does; "Go back" returns to `back` with nothing changed.
    pub fn confirm(&self, q: Confirm<'_>) -> Response {
        let mut fields: Vec<Hidden> = q
            .fields
            .iter()
            .map(|(name, value)| Hidden {
                name: (*name).to_string(),
                value: (*value).to_string(),
            })
            .collect();
        fields.push(Hidden {
            name: CONFIRMED.to_string(),
            value: "yes".to_string(),
        });
        let page = ConfirmPage {
            c: self.chrome(self.tr.t(q.title_key), Section::Account),
            heading: self.tr.t(q.title_key),
            body: q.body,
            action: q.action,
            fields,
            confirm: self.tr.t(q.confirm_key),
            back: q.back,
        };
        self.page(StatusCode::OK, &page)
    }

    pub fn not_found(&self) -> Response {
        self.message(StatusCode::NOT_FOUND, "not-found-title", "not-found-body")
    }

    /// The answer to a failed use case that has no field to point at.
    pub fn service_error(&self, e: service::ServiceError) -> Response {
        match e {
            service::ServiceError::NotFound { .. } | service::ServiceError::BadInput(_) => {
                self.not_found()
            }
            // Too many attempts (log-in guesses, a flood of writes) or a saturated server: say
            // so and when to retry, rather than "went wrong"; the form can be sent again after
            // the wait. Only the client's own attempts count against its address.
            service::ServiceError::RateLimited {
                retry_after_secs, ..
            }
            | service::ServiceError::Busy {
                retry_after_secs, ..
            } => {
                let mut r = self.message(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate-limited-title",
                    "rate-limited-body",
                );
                if let Ok(v) = retry_after_secs.to_string().parse() {
                    r.headers_mut().insert(header::RETRY_AFTER, v);
                }
                if matches!(e, service::ServiceError::RateLimited { .. }) {
                    r.extensions_mut().insert(crate::http::limits::Refused);
                }
                r
            }
            // Changed at the same time from another tab or device: say so, rather than "went
            // wrong"; pages that can do better (keep the answers, retry) handle it first.
            service::ServiceError::Conflict(_) => {
                self.message(StatusCode::CONFLICT, "conflict-title", "conflict-body")
            }
            // One business too many for one account: say so, and how to make room.
            service::ServiceError::ProfileLimit { limit } => self.profile_limit(limit),
            // The database cannot write (read-only, full): say so, rather than "went wrong".
            service::ServiceError::Unavailable { .. } => self.message(
                StatusCode::SERVICE_UNAVAILABLE,
                "store-unavailable-title",
                "store-unavailable-body",
            ),
            other => {
                tracing::error!(error = %other, "page failed");
                self.message(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "server-error-title",
                    "server-error-body",
                )
            }
        }
    }

    /// The `submission` field for a form that creates a profile: the one it was sent with while
    /// it is fresh (a form shown again after a refusal made nothing yet), else a new nonce.
    pub fn submission_field(&self, sent: &Form) -> String {
        let now = time::OffsetDateTime::now_utc();
        let fresh = |given: &&str| {
            self.viewer
                .user_id()
                .is_some_and(|owner| profiles::submission_id(owner, given, now).is_some())
        };
        sent.get(session::SUBMISSION_FIELD)
            .filter(fresh)
            .map_or_else(session::submission_nonce, str::to_string)
    }

    /// Publishes the new profile a POSTed form describes. With its `submission` field, the
    /// same form sent twice makes one profile (`profiles::publish_once`); a form without one
    /// (a page from before the field existed) publishes as the API does.
    pub async fn publish_new<K: profiles::Kind>(
        &self,
        form: &Form,
        raw: K::Raw,
    ) -> Result<Shown<K>, ServiceError> {
        match form.get(session::SUBMISSION_FIELD) {
            Some(nonce) => profiles::publish_once::<K>(&self.app, &self.viewer, nonce, raw).await,
            None => profiles::publish::<K>(&self.app, &self.viewer, raw).await,
        }
    }

    /// Saves what a profile form describes: a revision of `changing`, else a new profile
    /// ([`Self::publish_new`]). When the form found problems of its own (`problems`), nothing
    /// is saved: the use case is only asked what else it would refuse, so that one round names
    /// everything. The saved profile's id when saved.
    pub async fn save_or_check<K: profiles::Kind>(
        &self,
        form: &Form,
        changing: Option<&str>,
        raw: K::Raw,
        problems: bool,
    ) -> Result<Option<String>, ServiceError> {
        if problems {
            return profiles::check::<K>(raw).map(|()| None);
        }
        let saved = match changing {
            Some(id) => profiles::revise::<K>(&self.app, &self.viewer, id, raw).await?,
            None => self.publish_new::<K>(form, raw).await?,
        };
        Ok(Some(saved.get().id().to_string()))
    }

    /// Checks the CSRF field of a POSTed form: `None` when it is right, else the refusal (a
    /// translated 403 page).
    pub fn refuse_without_csrf(&self, form: &Form) -> Option<Response> {
        match form.get(session::CSRF_FIELD) {
            Some(given) if session::csrf_ok(&self.secret, given) && self.new_visit.is_none() => {
                None
            }
            _ => Some(self.message(StatusCode::FORBIDDEN, "forbidden-title", "forbidden-body")),
        }
    }
}

use assets::{ACTIVITY_WORDS_PATH, CSS_PATH, ICON_PATH, JS_PATH};

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    c: Chrome,
    heading: String,
    body: String,
    /// Where the text sends the reader, and its words; the home page when `None`.
    back: Option<(String, String)>,
}

/// The form field that says an action was confirmed ([`Web::confirm`]).
pub const CONFIRMED: &str = "confirmed";

/// Whether a posted form carries the confirmation of [`Web::confirm`].
pub fn confirmed(form: &Form) -> bool {
    form.get(CONFIRMED) == Some("yes")
}

/// What [`Web::confirm`] asks.
pub struct Confirm<'a> {
    pub title_key: &'a str,
    /// Already in the page language.
    pub body: String,
    /// Where the confirmed form goes (the action's own URL).
    pub action: String,
    /// The action's fields other than the CSRF token.
    pub fields: &'a [(&'a str, &'a str)],
    pub confirm_key: &'a str,
    /// Where "Go back" leads.
    pub back: String,
}

struct Hidden {
    name: String,
    value: String,
}

#[derive(Template)]
#[template(path = "confirm.html")]
struct ConfirmPage {
    c: Chrome,
    heading: String,
    body: String,
    action: String,
    fields: Vec<Hidden>,
    confirm: String,
    back: String,
}

/// 404 for a path no route has: the translated page under a language (`/km/nope`), else
/// English, plain.
async fn not_found(
    axum::extract::State(app): axum::extract::State<Arc<App>>,
    request: axum::extract::Request,
) -> Response {
    let (mut parts, _) = request.into_parts();
    match Web::from_request_parts(&mut parts, &app).await {
        Ok(w) => w.not_found(),
        Err(plain) => plain,
    }
}

/// 404 outside any language (unknown first segment): English, plain.
async fn plain_not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Not found</title>\
         <p>There is no page at this address. <a href=\"/\">Go to the home page</a>.</p></html>",
    )
        .into_response()
}

/// A form body or query string: pairs in order, repeated keys kept.
pub struct Form(pub Vec<(String, String)>);

impl Form {
    /// The fields of a form body or query string. A browser sends each line break of a
    /// textarea as CR LF but counts it as one character for `maxlength`; read as one (LF), a
    /// text the browser let through fits the same limit here.
    pub fn parse(bytes: &[u8]) -> Self {
        Form(
            form_urlencoded::parse(bytes)
                .map(|(k, v)| (k.into_owned(), v.replace("\r\n", "\n")))
                .collect(),
        )
    }

    pub fn query(q: Option<&str>) -> Self {
        Self::parse(q.unwrap_or("").as_bytes())
    }

    /// The first non-blank value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// Every non-blank value of `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Every value of `name` that `parse` accepts (checkboxes of a vocabulary: a value that is
    /// not one of ours was not offered, so it is dropped).
    pub fn parsed<T>(&self, name: &str, parse: impl Fn(&str) -> Option<T>) -> Vec<T> {
        self.all(name).into_iter().filter_map(parse).collect()
    }

    /// The contact fields every profile form asks (`person`, `email`, `phone`, `telegram`).
    pub fn contact(&self) -> crate::domain::contact::ContactRaw {
        let text = |k: &str| self.get(k).map(str::to_string);
        crate::domain::contact::ContactRaw {
            person: text("person"),
            email: text("email"),
            phone: text("phone"),
            telegram: text("telegram"),
        }
    }
}

/// `?a=1&b=2` from pairs (empty when there are none).
pub fn query_string<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    let mut any = false;
    for (k, v) in pairs {
        s.append_pair(k, v);
        any = true;
    }
    if any {
        format!("?{}", s.finish())
    } else {
        String::new()
    }
}

/// The longest page address a log-in carries on: a wizard step carries its answers in its
/// address, and Khmer text percent-encoded takes 9 bytes a letter; the log-in page's own
/// address stays under the 8 KB many servers and proxies accept.
const MAX_RETURN_PATH: usize = 4_000;

/// A page of this site to return to (`/km/me/introductions?x=1`), at most [`MAX_RETURN_PATH`]
/// long (a longer one would make the log-in page's own address too long: the log-in then
/// leads to the account page): a path whose first segment is a language of the site, in
/// printable ASCII (a browser sends the address percent-encoded), with no `//` or `\` anywhere
/// that a browser could read as another host. The log-in, sign-up and log-out pages are not
/// returned to (a loop).
fn return_path(p: &str) -> Option<String> {
    if p.len() > MAX_RETURN_PATH {
        return None;
    }
    let rest = p.strip_prefix('/')?;
    if !rest.bytes().all(|b| b.is_ascii_graphic()) || rest.contains("//") || rest.contains('\\') {
        return None;
    }
    let (lang, page) = rest.split_once('/').unwrap_or((rest, ""));
    parse_lang(lang)?;
    let path = page.split(['?', '#']).next().unwrap_or("");
    if matches!(path, "login" | "signup" | "logout") {
        return None;
    }
    // A dot segment (`/en/../graphiql`, also percent-encoded) would leave the language the
    // first segment promised; no page of the site has one.
    let dotted = |s: &str| {
        matches!(
            s.to_ascii_lowercase().replace("%2e", ".").as_str(),
            "." | ".."
        )
    };
    if path.split('/').any(dotted) {
        return None;
    }
    Some(p.to_string())
}

/// A form's address opened as a page: a confirm page reloaded or restored with its tab, or
/// its language switch (the page is the POST's answer, so its links lead to the POST's
/// address). Changes nothing and goes on to the page the form belongs to, in the language
/// asked, rather than a blank 405 (QA: "HTTP ERROR 405" on a phone).
async fn form_page(w: Web, uri: axum::http::Uri) -> Response {
    let rest = uri
        .path()
        .strip_prefix(&format!("/{}", w.lang.code()))
        .unwrap_or("");
    let parts: Vec<&str> = rest.trim_matches('/').split('/').collect();
    // An id goes back into an address only as the id it is.
    let id = |s: &str| crate::domain::ids::ProfileId::parse(s).ok();
    let target = match parts.as_slice() {
        ["me", "introductions", m] => match id(m) {
            Some(m) => format!("/me/introductions?match={m}"),
            None => "/me/introductions".into(),
        },
        ["staff", "matches", m, ..] => match id(m) {
            Some(m) => format!("/staff/matches/{m}"),
            None => "/staff/pipeline".into(),
        },
        ["staff", ..] => "/staff".into(),
        _ => "/me".into(),
    };
    see_other(&w.href(&target))
}

/// A 303 to `location` (after a successful POST).
pub fn see_other(location: &str) -> Response {
    Redirect::to(location).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_best_of_ours() {
        assert_eq!(negotiate(None), Lang::En);
        assert_eq!(negotiate(Some("fr-FR,fr;q=0.9")), Lang::En);
        assert_eq!(negotiate(Some("km-KH,km;q=0.9,en;q=0.8")), Lang::Km);
        assert_eq!(negotiate(Some("ko-KR")), Lang::Ko);
        assert_eq!(negotiate(Some("en;q=0.5, ko;q=0.8")), Lang::Ko);
        assert_eq!(negotiate(Some("de, ko;q=0")), Lang::En);
    }
}
