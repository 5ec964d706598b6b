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

use super::explain::{score_view, ScoreView};
use super::public::{pick, province_name, section_name};
use super::session;
use super::{see_other, Chrome, Form, Section, Web};
use crate::domain::account::Role;
use crate::domain::ids::ProfileId;
use crate::domain::sme::Sme;
use crate::service::{self, accounts, matching, profiles, ServiceError};

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
            action: w.href(action),
            submit: tr.t(submit),
            signup,
            email: String::new(),
            role: "SME".into(),
            errors: vec![],
            email_error: None,
            password_error: None,
            role_error: None,
            other_href: w.href(other),
            other_label: tr.t(other_key),
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
        return see_other(&w.href("/me"));
    }
    w.page(StatusCode::OK, &AccountForm::new(&w, true))
}

pub async fn login(w: Web) -> Response {
    if w.viewer.user.is_some() {
        return see_other(&w.href("/me"));
    }
    w.page(StatusCode::OK, &AccountForm::new(&w, false))
}

/// Signed in: a new session cookie and a redirect to the account page.
fn signed_in(w: &Web, token: &str) -> Response {
    let mut r = see_other(&w.href("/me"));
    r.headers_mut()
        .append(header::SET_COOKIE, session::session_cookie(token, w.tls));
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
        page.fail("role", tr.t("error-role"));
        return w.page(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    match accounts::sign_up(&w.app, &w.viewer, &email, password, role).await {
        Ok(s) => signed_in(&w, &s.token),
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
                    page.fail("password", tr.t("error-password-length"));
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
    match accounts::log_in(&w.app, &w.viewer, &email, password).await {
        Ok(s) => signed_in(&w, &s.token),
        Err(ServiceError::Unauthenticated(_)) => {
            let mut page = AccountForm::new(&w, false);
            page.email = email;
            page.fail("email", w.tr.t("error-login-failed"));
            w.page(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => w.service_error(e),
    }
}

pub async fn logout(w: Web, body: Bytes) -> Response {
    let form = Form::parse(&body);
    if let Some(refused) = w.refuse_without_csrf(&form) {
        return refused;
    }
    if w.viewer.user.is_some() {
        if let Err(e) = accounts::log_out(&w.app, &w.viewer).await {
            return w.service_error(e);
        }
    }
    let mut r = see_other(&w.href("/"));
    r.headers_mut()
        .append(header::SET_COOKIE, session::clear_session_cookie(w.tls));
    r
}

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
    businesses: Vec<Business>,
}

pub async fn me(w: Web) -> Response {
    let Some(account) = service::accounts::me(&w.viewer) else {
        return see_other(&w.href("/login"));
    };
    let tr = w.tr;
    let role = match account.role {
        Role::Sme => tr.t("account-role-sme"),
        Role::Investor => tr.t("account-role-investor"),
        Role::Staff => tr.t("staff-role-staff"),
        Role::Admin => tr.t("staff-role-admin"),
    };
    let mut businesses = Vec::new();
    if account.role == Role::Sme {
        let ids: Vec<ProfileId> = w.viewer.owned().iter().copied().collect();
        let owned = match profiles::published_by_ids::<Sme>(&w.app, &w.viewer, &ids).await {
            Ok(o) => o,
            Err(e) => return w.service_error(e),
        };
        for shown in owned {
            let id = shown.get().id;
            let (title, title_lang) = match shown.name().and_then(|n| pick(tr, n)) {
                Some(t) => (t.text, t.lang),
                None => (shown.display_name(w.lang), w.lang.code()),
            };
            businesses.push(Business {
                href: w.href(&format!("/smes/{id}")),
                title,
                title_lang,
                meta: format!(
                    "{} · {}",
                    section_name(tr, shown.get().profile.sector.as_str()),
                    province_name(tr, shown.get().profile.province.as_str())
                ),
                matches: w.href(&format!("/me/matches/{id}")),
                edit: w.href(&format!("/me/edit/{id}")),
                archive: w.href(&format!("/me/archive/{id}")),
            });
        }
    }
    let page = MePage {
        c: w.chrome(tr.t("me-title"), Section::Account),
        signed_in_as: tr.t1(
            "me-signed-in-as",
            "email",
            account.email.unwrap_or_default(),
        ),
        role: tr.t1("me-role", "role", role),
        is_sme: account.role == Role::Sme,
        is_staff: account.role.is_staff(),
        businesses,
    };
    w.page(StatusCode::OK, &page)
}

pub struct MatchItem {
    pub href: String,
    pub title: String,
    pub title_lang: &'static str,
    pub sv: ScoreView,
}

#[derive(Template)]
#[template(path = "matches.html")]
struct MatchesPage {
    c: Chrome,
    heading: String,
    matches: Vec<MatchItem>,
}

/// "My matches": the investors that fit one of the signed-in SME's businesses, each score
/// explained as one bar per feature with the reason in the page language.
pub async fn matches(w: Web, Path((_, id)): Path<(String, String)>) -> Response {
    if w.viewer.user.is_none() {
        return see_other(&w.href("/login"));
    }
    let tr = w.tr;
    let sme = match profiles::get::<Sme>(&w.app, &w.viewer, &id).await {
        Ok(Some(s)) if w.viewer.owns(s.get().owner) => s,
        Ok(_) => return w.not_found(),
        Err(e) => return w.service_error(e),
    };
    let args = matching::MatchArgs {
        first: Some(10),
        weights: None,
        lang: Some(w.lang),
    };
    let found = match matching::for_sme(&w.app, &w.viewer, &id, args).await {
        Ok(m) => m,
        Err(e) => return w.service_error(e),
    };
    let items = found
        .iter()
        .map(|m| {
            let inv = &m.investor;
            let (title, title_lang) = match inv.name().and_then(|n| pick(tr, n)) {
                Some(t) => (t.text, t.lang),
                None => (inv.display_name(w.lang), w.lang.code()),
            };
            MatchItem {
                href: w.href(&format!("/investors/{}", inv.get().id)),
                title,
                title_lang,
                sv: score_view(tr, &m.breakdown),
            }
        })
        .collect();
    let name = sme.display_name(w.lang);
    let page = MatchesPage {
        c: w.chrome(
            tr.t1("matches-title", "name", name.clone()),
            Section::Account,
        ),
        heading: tr.t1("matches-title", "name", name),
        matches: items,
    };
    w.page(StatusCode::OK, &page)
}

/// Archives one of the SME's businesses: it leaves search and matching; PRG to the account.
pub async fn archive(w: Web, Path((_, id)): Path<(String, String)>, body: Bytes) -> Response {
    let form = Form::parse(&body);
    if let Some(refused) = w.refuse_without_csrf(&form) {
        return refused;
    }
    match profiles::archive::<Sme>(&w.app, &w.viewer, &id).await {
        Ok(_) => see_other(&w.href("/me")),
        Err(ServiceError::Unauthenticated(_)) => see_other(&w.href("/login")),
        Err(ServiceError::Forbidden(_)) => w.not_found(),
        Err(e) => w.service_error(e),
    }
}
