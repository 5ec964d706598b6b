//! Accounts in the browser: sign up, log in, log out, and the account page.
//!
//! The forms POST with a CSRF field; success sets a new session cookie (a fresh token of the
//! same store the API uses) and redirects (POST-redirect-GET). A refusal re-renders the form
//! with the e-mail the person typed (never the password), a summary at the top linking to each
//! field, and a translated message next to the field that caused it.

use askama::Template;
use axum::body::Bytes;
use axum::http::{header, StatusCode};
use axum::response::Response;

use axum::extract::Path;

use super::public::{division_name, province_name};
use super::session;
use super::{see_other, Chrome, Form, Section, Web};
use crate::domain::account::Role;
use crate::domain::ids::ProfileId;
use crate::domain::investor::Investor;
use crate::domain::sme::Sme;
use crate::domain::text::ko_particle;
use crate::service::visibility::Shown;
use crate::service::{self, accounts, profiles, ServiceError};

pub struct FieldError {
    pub id: &'static str,
    pub message: String,
}

#[derive(Template)]
#[template(path = "account_form.html")]
struct AccountForm {
    c: Chrome,
    heading: String,
    action: String,
    submit: String,
    signup: bool,
    email: String,
    role: String,
    errors: Vec<FieldError>,
    email_error: Option<String>,
    password_error: Option<String>,
    role_error: Option<String>,
    other_href: String,
    other_label: String,
    /// The log-in page after a password reset (`?reset=1`) says the new password is set.
    reset_done: bool,
    /// Sent here from a new business's wizard whose session ended: says the answers wait on
    /// the other side of the log-in (QA: a bare log-in form read as "lost"). Not from a form
    /// that changes something on file: that one starts again from the file.
    answers_kept: bool,
}

impl AccountForm {
    fn new(w: &Web, signup: bool) -> Self {
        let tr = w.tr;
        let (title, submit, action, other, other_key) = if signup {
            (
                "signup-title",
                "signup-submit",
                "/signup",
                "/login",
                "signup-have-account",
            )
        } else {
            (
                "login-title",
                "login-submit",
                "/login",
                "/signup",
                "login-no-account",
            )
        };
        AccountForm {
            c: w.chrome(tr.t(title), Section::Account),
            heading: tr.t(title),
            // Both forms carry on to the page that sent the person to log in (`next`).
            action: format!("{}{}", w.href(action), w.next_query()),
            submit: tr.t(submit),
            signup,
            email: String::new(),
            role: "SME".into(),
            errors: vec![],
            email_error: None,
            password_error: None,
            role_error: None,
            other_href: format!("{}{}", w.href(other), w.next_query()),
            other_label: tr.t(other_key),
            reset_done: !signup && w.query_form().get("reset").is_some(),
            answers_kept: w.query_form().get("next").is_some_and(|n| {
                n.split('?').next().unwrap_or("").ends_with("/me/new") && n.contains('?')
            }),
        }
    }

    fn fail(&mut self, id: &'static str, message: String) {
        match id {
            "email" => self.email_error = Some(message.clone()),
            "password" => self.password_error = Some(message.clone()),
            _ => self.role_error = Some(message.clone()),
        }
        if !self.errors.iter().any(|e| e.id == id) {
            self.errors.push(FieldError { id, message });
        }
    }
}

pub async fn signup(w: Web) -> Response {
    if w.viewer.user.is_some() {
        return see_other(&w.after_login());
    }
    w.page(StatusCode::OK, &AccountForm::new(&w, true))
}

pub async fn login(w: Web) -> Response {
    if w.viewer.user.is_some() {
        return see_other(&w.after_login());
    }
    w.page(StatusCode::OK, &AccountForm::new(&w, false))
}

/// Signed in: a new session cookie and a redirect to the page that sent the person to log in,
/// else the account page.
fn signed_in(w: &Web, s: &accounts::Session) -> Response {
    let mut r = see_other(&w.after_login());
    let h = r.headers_mut();
    h.append(header::SET_COOKIE, session::session_cookie(&s.token, w.tls));
    h.append(header::SET_COOKIE, session::device_cookie(&s.device, w.tls));
    r
}

pub async fn signup_post(w: Web, body: Bytes) -> Response {
    let form = Form::parse(&body);
    if let Some(refused) = w.refuse_without_csrf(&form) {
        return refused;
    }
    let tr = w.tr;
    let email = form.get("email").unwrap_or("").trim().to_string();
    let password = form.get("password").unwrap_or("");
    let role = match form.get("role") {
        Some("SME") => Some(Role::Sme),
        Some("INVESTOR") => Some(Role::Investor),
        _ => None,
    };
    let mut page = AccountForm::new(&w, true);
    page.email = email.clone();
    page.role = form.get("role").unwrap_or("").to_string();
    let Some(role) = role else {
        // Not sent: the e-mail and password are checked as the sign-up would, so that one round
        // names every problem (before, a form without a role named only the role).
        if crate::domain::contact::Email::parse(&email).is_err() {
            page.fail("email", tr.t("error-email-invalid"));
        }
        if let Some(problem) = crate::domain::account::password_problem(password, &email) {
            page.fail("password", tr.t(password_error_key(&problem)));
        }
        page.fail("role", tr.t("error-role"));
        return w.page(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    match accounts::sign_up(&w.app, &w.viewer, &email, password, role).await {
        Ok(s) => signed_in(&w, &s),
        Err(ServiceError::BadInput(errors)) => {
            for e in &errors.0 {
                if e.field.ends_with("email") {
                    let key = if e.message.contains("already exists") {
                        "error-email-taken"
                    } else {
                        "error-email-invalid"
                    };
                    page.fail("email", tr.t(key));
                } else if e.field.ends_with("password") {
                    page.fail("password", tr.t(password_error_key(&e.message)));
                } else {
                    page.fail("role", tr.t("error-role"));
                }
            }
            w.page(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => w.service_error(e),
    }
}

pub async fn login_post(w: Web, body: Bytes) -> Response {
    let form = Form::parse(&body);
    if let Some(refused) = w.refuse_without_csrf(&form) {
        return refused;
    }
    let email = form.get("email").unwrap_or("").trim().to_string();
    let password = form.get("password").unwrap_or("");
    match accounts::log_in(&w.app, &w.viewer, &email, password, w.device.as_deref()).await {
        Ok(s) => signed_in(&w, &s),
        Err(ServiceError::Unauthenticated(_)) => {
            let mut page = AccountForm::new(&w, false);
            page.email = email;
            page.fail("email", w.tr.t("error-login-failed"));
            w.page(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => w.service_error(e),
    }
}

/// The translated message for the password policy's refusal (`domain::account::
/// password_problem`): too short or too long, or guessable (blank, repeated, common).
pub(super) fn password_error_key(message: &str) -> &'static str {
    if message.starts_with("must be at") {
        "error-password-length"
    } else if message.contains("e-mail address") {
        "error-password-email"
    } else {
        "error-password-weak"
    }
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordForm {
    c: Chrome,
    errors: Vec<FieldError>,
    current_error: Option<String>,
    new_error: Option<String>,
}

impl PasswordForm {
    fn new(w: &Web) -> Self {
        PasswordForm {
            c: w.chrome(w.tr.t("password-title"), Section::Account),
            errors: vec![],
            current_error: None,
            new_error: None,
        }
    }

    fn fail(&mut self, id: &'static str, message: String) {
        match id {
            "current" => self.current_error = Some(message.clone()),
            _ => self.new_error = Some(message.clone()),
        }
        self.errors.push(FieldError { id, message });
    }
}

/// `/{lang}/me/password`: the form to change the account's password.
pub async fn password(w: Web) -> Response {
    if w.viewer.user.is_none() {
        return w.to_login();
    }
    w.page(StatusCode::OK, &PasswordForm::new(&w))
}

/// Changes the password (`accounts::change_password`): every other session of the account
/// ends, and this browser gets the new session's cookie.
pub async fn password_post(w: Web, body: Bytes) -> Response {
    // Signed out first (a session that ended: the browser then sends no session cookie, so
    // the CSRF field cannot match either): log in again and come back; nothing changes.
    if w.viewer.user.is_none() {
        return w.login_then(&w.href("/me/password"));
    }
    let form = Form::parse(&body);
    if let Some(refused) = w.refuse_without_csrf(&form) {
        return refused;
    }
    let current = form.get("current").unwrap_or("");
    let new = form.get("new").unwrap_or("");
    match accounts::change_password(&w.app, &w.viewer, current, new).await {
        Ok(s) => signed_in(&w, &s),
        Err(ServiceError::BadInput(errors)) => {
            let mut page = PasswordForm::new(&w);
            for e in &errors.0 {
                if e.field == "currentPassword" {
                    page.fail("current", w.tr.t("error-password-current"));
                } else {
                    page.fail("new", w.tr.t(password_error_key(&e.message)));
                }
            }
            w.page(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => w.service_error(e),
    }
}

pub async fn logout(w: Web, body: Bytes) -> Response {
    let form = Form::parse(&body);
    // Already signed out (in another tab): nothing to protect, so no CSRF check (which could
    // not match without the session cookie); the same answer as a log-out.
    if w.viewer.user.is_some() {
        if let Some(refused) = w.refuse_without_csrf(&form) {
            return refused;
        }
        if let Err(e) = accounts::log_out(&w.app, &w.viewer).await {
            return w.service_error(e);
        }
    }
    // The home page says so (QA: on a shared phone nothing told the owner it had worked).
    let mut r = see_other(&w.href("/?signed-out=1"));
    r.headers_mut()
        .append(header::SET_COOKIE, session::clear_session_cookie(w.tls));
    // On a phone the family shares, the browser's Back showed the account page again from its
    // cache after logging out (QA), and the tab kept the contact details the wizard was given.
    // The browser is told to drop both: its cached pages of this site and this site's storage.
    // Not its cookies: the device proof stays (`auth::device`). Chromium keeps its
    // back/forward cache regardless; `site.js` asks the server again there.
    r.headers_mut().insert(
        header::HeaderName::from_static("clear-site-data"),
        header::HeaderValue::from_static("\"cache\", \"storage\""),
    );
    r
}

/// One of the account's profiles (an SME's business or an investor's mandate) on its page.
pub struct Business {
    pub href: String,
    pub title: String,
    pub title_lang: &'static str,
    pub meta: String,
    pub matches: String,
    pub edit: String,
    pub archive: String,
}

#[derive(Template)]
#[template(path = "me.html")]
struct MePage {
    c: Chrome,
    signed_in_as: String,
    role: String,
    is_sme: bool,
    /// Links to the staff's board and dashboard.
    is_staff: bool,
    is_investor: bool,
    businesses: Vec<Business>,
    /// The next and the previous page of businesses, where there are such.
    next: Option<String>,
    previous: Option<String>,
    /// Said once after the wizard or the mandate form saved (`?saved=ID`): the account page is
    /// where they land, and a form that just vanished said nothing of how it went. The message,
    /// and the link to what was saved's matches.
    saved: Option<(String, String)>,
    /// Said once after a business or mandate was taken off the site (`?archived=1`): the
    /// confirmation page vanished and the list just had one fewer row (QA).
    archived: Option<String>,
    /// "2 introductions wait for your answer", when some do.
    waiting: Option<String>,
    /// Said instead of the button that adds one more, when the account has as many on the
    /// site as one may (`--max-profiles-per-account`).
    at_limit: Option<String>,
}

/// Businesses or mandates per page of the account page.
const BUSINESSES_PER_PAGE: usize = 20;

/// The viewer's own published profiles of kind `K`, each with links to its matches, its form
/// and its archive button. `facts` gives its sector codes and province for the line under it.
async fn listed<K: profiles::Kind>(
    w: &Web,
    owned: &[ProfileId],
    facts: impl Fn(&Shown<K>) -> (String, Option<String>),
) -> Result<Vec<Business>, ServiceError> {
    let tr = w.tr;
    let mut out = Vec::new();
    // In the order asked for: the store reads them in its own.
    let mut found = profiles::published_by_ids::<K>(&w.app, &w.viewer, owned).await?;
    found.sort_by_key(|s| owned.iter().position(|id| *id == s.get().id()));
    for shown in found {
        let id = shown.get().id();
        let (title, title_lang) = super::matches::title(tr, w.lang, &shown);
        let (sectors, province) = facts(&shown);
        // Each division once, wherever its classes stand in the list (QA: 5210 and 5224 with
        // 4923 between named the same division twice).
        let mut meta: Vec<String> = Vec::new();
        for name in sectors.split_whitespace().map(|c| division_name(tr, c)) {
            if !meta.contains(&name) {
                meta.push(name);
            }
        }
        if meta.is_empty() {
            meta.push(tr.t("mandate-any-sector"));
        }
        meta.extend(province.map(|p| province_name(tr, &p)));
        let (href, edit) = if K::ROLE == Role::Sme {
            (format!("/smes/{id}"), format!("/me/edit/{id}"))
        } else {
            (format!("/investors/{id}"), format!("/me/mandate?id={id}"))
        };
        out.push(Business {
            href: w.href(&href),
            title,
            title_lang,
            meta: meta.join(" · "),
            matches: w.href(&format!("/me/matches/{id}")),
            edit: w.href(&edit),
            archive: w.href(&format!("/me/archive/{id}")),
        });
    }
    Ok(out)
}

pub async fn me(w: Web) -> Response {
    let Some(account) = service::accounts::me(&w.viewer) else {
        return w.to_login();
    };
    let tr = w.tr;
    let role = match account.role {
        // Not the sign-up form's answers ("캄보디아 기업입니다" completes "저는"): names.
        Role::Sme => tr.t("me-role-sme"),
        Role::Investor => tr.t("me-role-investor"),
        Role::Staff => tr.t("staff-role-staff"),
        Role::Admin => tr.t("staff-role-admin"),
    };
    // A page of the account's profiles, newest first (ids are time-ordered), so the business
    // just added is at the top (QA: it was on the last page): a chamber may register many
    // businesses under one account, and the page must stay small. The page after one id (older
    // ones), or the one before it ("Previous page", newer ones).
    let query = w.query_form();
    let at = |k: &str| query.get(k).and_then(|a| ProfileId::parse(a).ok());
    let (after, before) = (at("after"), at("before"));
    let mut all = match profiles::owned_ids(&w.app, &w.viewer).await {
        Ok(ids) => ids,
        Err(e) => return w.service_error(e),
    };
    all.sort_unstable_by(|a, b| b.cmp(a));
    let owned: Vec<ProfileId> = match before {
        Some(b) => {
            let newer: Vec<ProfileId> = all.iter().copied().filter(|id| *id > b).collect();
            newer[newer.len().saturating_sub(BUSINESSES_PER_PAGE)..].to_vec()
        }
        None => all
            .iter()
            .copied()
            .filter(|id| after.is_none_or(|a| *id < a))
            .take(BUSINESSES_PER_PAGE)
            .collect(),
    };
    let page_link = |side: &str, id: &ProfileId| {
        format!(
            "{}{}",
            w.href("/me"),
            super::query_string([(side, id.to_string().as_str())])
        )
    };
    let next = owned
        .last()
        .filter(|last| all.last() != Some(*last))
        .map(|last| page_link("after", last));
    let previous = owned
        .first()
        .filter(|first| all.first() != Some(*first))
        .map(|first| page_link("before", first));
    let businesses = match account.role {
        Role::Sme => {
            listed::<Sme>(&w, &owned, |s| {
                let p = &s.get().profile;
                (
                    p.sector.as_str().to_string(),
                    Some(p.province.as_str().to_string()),
                )
            })
            .await
        }
        Role::Investor => {
            listed::<Investor>(&w, &owned, |i| {
                let p = &i.get().profile;
                let sectors: Vec<&str> = p.sector_interests.iter().map(|c| c.as_str()).collect();
                (sectors.join(" "), None)
            })
            .await
        }
        _ => Ok(vec![]),
    };
    let businesses = match businesses {
        Ok(b) => b,
        Err(e) => return w.service_error(e),
    };
    let saved = match query.get("saved") {
        None => None,
        Some(id) => {
            let (name, key) = if account.role == Role::Investor {
                (owned_name::<Investor>(&w, id).await, "me-saved-mandate")
            } else {
                // An anonymous business says how investors see it (QA: the owner hid its name
                // and was told "investors can find it", with nothing to say it was hidden).
                let business = own_profile::<Sme>(&w, id).await;
                let hidden = matches!(&business, Ok(Some(p))
                    if p.get().profile.hidden_as(w.lang).is_some());
                let key = if hidden {
                    "me-saved-business-hidden"
                } else {
                    "me-saved-business"
                };
                (business.map(|p| p.map(|p| p.display_name(w.lang))), key)
            };
            // Someone else's id, or one that is gone, says nothing.
            name.ok().flatten().map(|name| {
                let said = tr.t2(
                    key,
                    ("eun", ko_particle(&name, "은", "는", false)),
                    ("name", name),
                );
                (said, w.href(&format!("/me/matches/{id}")))
            })
        }
    };
    let archived = query.get("archived").map(|_| {
        tr.t(if account.role == Role::Investor {
            "me-archived-mandate"
        } else {
            "me-archived-business"
        })
    });
    let waiting = match crate::service::pipeline::awaiting_answer(&w.app, &w.viewer, &all).await {
        Ok(0) => None,
        Ok(n) => Some(tr.t1("me-introductions-waiting", "count", n)),
        Err(e) => return w.service_error(e),
    };
    let at_limit = match profiles::profile_limit_reached(&w.app, &w.viewer).await {
        Ok(limit) => limit.map(|n| {
            let key = if account.role == Role::Investor {
                "me-at-limit-mandates"
            } else {
                "me-at-limit"
            };
            tr.t1(key, "limit", n)
        }),
        Err(e) => return w.service_error(e),
    };
    let page = MePage {
        at_limit,
        c: w.chrome(tr.t("me-title"), Section::Account),
        signed_in_as: tr.t1(
            "me-signed-in-as",
            "email",
            account.email.unwrap_or_default(),
        ),
        role: tr.t1("me-role", "role", role),
        is_sme: account.role == Role::Sme,
        is_staff: account.role.is_staff(),
        is_investor: account.role == Role::Investor,
        businesses,
        next,
        previous,
        saved,
        archived,
        waiting,
    };
    w.page(StatusCode::OK, &page)
}

/// A published profile of the viewer's own; `None` for someone else's or none.
async fn own_profile<K>(w: &Web, id: &str) -> Result<Option<Shown<K>>, ServiceError>
where
    K: profiles::Kind + crate::service::visibility::Profile,
{
    Ok(profiles::get::<K>(&w.app, &w.viewer, id)
        .await?
        .filter(|p| w.viewer.owns(p.get().owner())))
}

/// The name of a published profile of the viewer's own, as its owner sees it (an anonymous
/// SME's too); `None` for someone else's or none.
async fn owned_name<K>(w: &Web, id: &str) -> Result<Option<String>, ServiceError>
where
    K: profiles::Kind + crate::service::visibility::Profile,
{
    Ok(own_profile::<K>(w, id)
        .await?
        .map(|p| p.display_name(w.lang)))
}

/// Archives one of the account's businesses or mandates: it leaves search and matching; PRG to
/// the account.
pub async fn archive(w: Web, Path((_, id)): Path<(String, String)>, body: Bytes) -> Response {
    // Signed out first, as for the password form.
    if w.viewer.user.is_none() {
        return w.login_then(&w.href("/me"));
    }
    let form = Form::parse(&body);
    if let Some(refused) = w.refuse_without_csrf(&form) {
        return refused;
    }
    // Taking a business off the site cannot be undone here: asked once more, by its name.
    if !super::confirmed(&form) {
        let (name, keys) = match w.viewer.user.as_ref().map(|u| u.role) {
            Some(Role::Investor) => (
                owned_name::<Investor>(&w, &id).await,
                (
                    "mandate-archive-confirm-title",
                    "mandate-archive-confirm-body",
                    "mandate-archive",
                ),
            ),
            _ => (
                owned_name::<Sme>(&w, &id).await,
                (
                    "me-archive-confirm-title",
                    "me-archive-confirm-body",
                    "me-archive",
                ),
            ),
        };
        let (title_key, body_key, confirm_key) = keys;
        return match name {
            Ok(Some(name)) => w.confirm(super::Confirm {
                title_key,
                // Korean takes the particle the name's last syllable asks for (은 or 는).
                body: w.tr.t2(
                    body_key,
                    ("eun", ko_particle(&name, "은", "는", false)),
                    ("name", name),
                ),
                action: w.href(&format!("/me/archive/{id}")),
                fields: &[],
                confirm_key,
                back: w.href("/me"),
            }),
            Ok(None) => w.not_found(),
            Err(e) => w.service_error(e),
        };
    }
    // A double tap is one archiving: the use case reads again what lost the race.
    let archived = match w.viewer.user.as_ref().map(|u| u.role) {
        Some(Role::Investor) => profiles::archive::<Investor>(&w.app, &w.viewer, &id)
            .await
            .map(drop),
        _ => profiles::archive::<Sme>(&w.app, &w.viewer, &id)
            .await
            .map(drop),
    };
    match archived {
        Ok(_) => see_other(&w.href("/me?archived=1")),
        Err(ServiceError::Unauthenticated(_)) => w.login_then(&w.href("/me")),
        Err(ServiceError::Forbidden(_)) => w.not_found(),
        Err(e) => w.service_error(e),
    }
}
