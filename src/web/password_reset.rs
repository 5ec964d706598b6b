//! A forgotten password (`/{lang}/password/forgot`, `/{lang}/password/reset`): a link e-mailed
//! to the account's address sets a new one (`accounts::request_password_reset`,
//! `accounts::reset_password`). QA: an owner who forgot it was locked out for good, and would
//! have signed up again and published the business twice.
//!
//! The forgot page answers alike whether or not the address has an account. The reset page's
//! token travels in the link's address and then in the form's hidden field; opening the page
//! only looks the token up (a used or old link says so at once), so a link is not used up by
//! being opened (mail scanners open links).

use askama::Template;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::Response;

use super::account::{password_error_key, FieldError};
use super::{see_other, Chrome, Form, Section, Web};
use crate::service::accounts::{self, ResetRequested};
use crate::service::ServiceError;

#[derive(Template)]
#[template(path = "password_forgot.html")]
struct ForgotPage {
    c: Chrome,
    email: String,
    email_error: Option<String>,
    /// After sending: what happens next, in place of the form.
    done: Option<String>,
    /// Whether that is a letter on its way (else: this site sends no e-mail).
    sent: bool,
}

#[derive(Template)]
#[template(path = "password_reset.html")]
struct ResetPage {
    c: Chrome,
    token: String,
    errors: Vec<FieldError>,
    new_error: Option<String>,
    /// The link no longer works: a way to ask for a new one instead of the form.
    expired: bool,
}

impl ForgotPage {
    /// The form, with `email` in its box.
    fn new(w: &Web, email: String) -> Self {
        ForgotPage {
            c: w.chrome(w.tr.t("forgot-title"), Section::Account),
            email,
            email_error: None,
            done: None,
            sent: false,
        }
    }
}

impl ResetPage {
    /// The form for `token`; `expired`: the way to ask for a new link instead.
    fn new(w: &Web, token: String, expired: bool) -> Self {
        let title = if expired {
            "reset-expired-title"
        } else {
            "reset-title"
        };
        ResetPage {
            c: w.chrome(w.tr.t(title), Section::Account),
            token,
            errors: vec![],
            new_error: None,
            expired,
        }
    }
}

/// `GET /{lang}/password/forgot`
pub async fn forgot(w: Web) -> Response {
    w.page(StatusCode::OK, &ForgotPage::new(&w, String::new()))
}

/// `POST /{lang}/password/forgot`
pub async fn forgot_post(w: Web, body: Bytes) -> Response {
    let form = Form::parse(&body);
    if let Some(refused) = w.refuse_without_csrf(&form) {
        return refused;
    }
    let email = form.get("email").unwrap_or("").trim().to_string();
    let mut page = ForgotPage::new(&w, email.clone());
    match accounts::request_password_reset(&w.app, &w.viewer, &email, w.lang).await {
        Ok(ResetRequested::Sent) => {
            page.sent = true;
            page.done = Some(w.tr.t1("forgot-sent", "minutes", accounts::RESET_MINUTES));
            w.page(StatusCode::OK, &page)
        }
        Ok(ResetRequested::CannotSend) => {
            page.done = Some(w.tr.t("forgot-no-mail"));
            w.page(StatusCode::OK, &page)
        }
        Err(ServiceError::BadInput(_)) => {
            page.email_error = Some(w.tr.t("error-email-invalid"));
            w.page(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => w.service_error(e),
    }
}

/// `GET /{lang}/password/reset?token=…`
pub async fn reset(w: Web) -> Response {
    let token = w.query_form().get("token").unwrap_or("").to_string();
    match accounts::reset_link_works(&w.app, &token).await {
        Ok(true) => w.page(StatusCode::OK, &ResetPage::new(&w, token, false)),
        Ok(false) => w.page(StatusCode::GONE, &ResetPage::new(&w, token, true)),
        Err(e) => w.service_error(e),
    }
}

/// `POST /{lang}/password/reset`: the new password, then to the log-in page, which says so.
pub async fn reset_post(w: Web, body: Bytes) -> Response {
    let form = Form::parse(&body);
    if let Some(refused) = w.refuse_without_csrf(&form) {
        return refused;
    }
    let token = form.get("token").unwrap_or("").to_string();
    let new = form.get("new").unwrap_or("");
    match accounts::reset_password(&w.app, &token, new).await {
        Ok(()) => see_other(&format!("{}?reset=1", w.href("/login"))),
        Err(ServiceError::BadInput(errors)) => {
            let expired = errors.0.iter().any(|e| e.field == "token");
            let mut page = ResetPage::new(&w, token, expired);
            for e in errors.0.iter().filter(|e| e.field != "token") {
                let message = w.tr.t(password_error_key(&e.message));
                page.new_error = Some(message.clone());
                page.errors.push(FieldError { id: "new", message });
            }
            let status = if page.expired {
                StatusCode::GONE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            w.page(status, &page)
        }
        Err(e) => w.service_error(e),
    }
}
