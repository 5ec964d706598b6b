//! Sessions and CSRF for the pages.
//!
//! The session cookie holds a bearer token of the same token store the API uses
//! (`service::accounts::log_in` / `sign_up` issue it, `viewer_for_token` reads it), so a page
//! and the API can never disagree about who is signed in or when a session ends. The cookie is
//! HttpOnly (no script reads it), SameSite=Lax (not sent on cross-site POSTs), Secure when the
//! request came over TLS (as a TLS-terminating proxy says with `X-Forwarded-Proto: https`), and
//! a new token is issued at every log-in.
//!
//! CSRF: every state-changing form carries `csrf` = HMAC-SHA-256 keyed by the secret the
//! browser holds in an HttpOnly cookie (the session token, or for a visitor not yet signed in a
//! random nonce in `khkr_visit`), over a fixed label. Another site can neither read the cookie
//! nor the page, so it cannot produce the field; nothing is stored server-side, so it survives
//! restarts and works across replicas.
//!
//! Submissions: a form that creates a profile carries `submission`, a nonce (a v7 uuid) made
//! when the form was shown, so the same form sent twice is recognised
//! (`service::profiles::publish_once` makes the profile's id from the account and the nonce)
//! without a table of tokens.

use axum::http::{header, HeaderMap, HeaderValue};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::domain::account::SESSION_DAYS;

pub const SESSION_COOKIE: &str = "khkr_session";
pub const VISIT_COOKIE: &str = "khkr_visit";
/// The device proof of the last account that signed in here (`auth::device_proof`); it stays
/// after logging out, since it vouches for this browser at the next log-in.
pub const DEVICE_COOKIE: &str = "khkr_device";
/// The name of the hidden form field.
pub const CSRF_FIELD: &str = "csrf";
const CSRF_LABEL: &[u8] = b"khkr-match web csrf v1";
/// The name of the hidden field that makes a creating form's second send a repeat.
pub const SUBMISSION_FIELD: &str = "submission";

/// The value of cookie `name` in the request, if any.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, v)| *k == name && !v.is_empty())
        .map(|(_, v)| v.to_string())
}

/// Whether the browser reached us over TLS (directly or through a proxy that says so).
pub fn over_tls(headers: &HeaderMap) -> bool {
    let forwarded_proto = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"));
    let forwarded = headers
        .get(header::FORWARDED)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("proto=https"));
    forwarded_proto || forwarded
}

fn set_cookie(name: &str, value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}");
    if secure {
        c.push_str("; Secure");
    }
    // Tokens and nonces are hex/base64url: always a valid header value.
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `Set-Cookie` for a new session token.
pub fn session_cookie(token: &str, secure: bool) -> HeaderValue {
    set_cookie(SESSION_COOKIE, token, SESSION_DAYS * 24 * 3600, secure)
}

/// `Set-Cookie` that removes the session.
pub fn clear_session_cookie(secure: bool) -> HeaderValue {
    set_cookie(SESSION_COOKIE, "gone", 0, secure)
}

/// `Set-Cookie` for a visitor's CSRF nonce (a year: it protects forms, it identifies no one).
pub fn visit_cookie(nonce: &str, secure: bool) -> HeaderValue {
    set_cookie(VISIT_COOKIE, nonce, 365 * 24 * 3600, secure)
}

/// `Set-Cookie` for a device proof (a year; a new password ends it anyway).
pub fn device_cookie(proof: &str, secure: bool) -> HeaderValue {
    set_cookie(DEVICE_COOKIE, proof, 365 * 24 * 3600, secure)
}

/// A new random nonce for `khkr_visit`.
pub fn new_nonce() -> String {
    crate::auth::new_token()
}

fn mac(secret: &str) -> Hmac<Sha256> {
    crate::auth::labelled_mac(secret.as_bytes(), CSRF_LABEL)
}

/// The CSRF field value for forms shown to the holder of `secret`.
pub fn csrf_token(secret: &str) -> String {
    crate::auth::hex(&mac(secret).finalize().into_bytes())
}

/// Whether `given` is the CSRF field for `secret` (compared in constant time).
pub fn csrf_ok(secret: &str, given: &str) -> bool {
    let Some(bytes) = crate::auth::sha256_from_hex(given) else {
        return false;
    };
    mac(secret).verify_slice(&bytes).is_ok()
}

/// A new submission nonce for a form that creates a profile.
pub fn submission_nonce() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_verify_only_for_their_secret() {
        let t = csrf_token("secret-a");
        assert_eq!(t.len(), 64);
        assert!(csrf_ok("secret-a", &t));
        assert!(!csrf_ok("secret-b", &t));
        assert!(!csrf_ok("secret-a", ""));
        assert!(!csrf_ok("secret-a", &t[..63]));
        assert!(!csrf_ok("secret-a", &"zz".repeat(32)));
    }

    #[test]
    fn cookies_are_read_from_any_header_line() {
        let mut h = HeaderMap::new();
        h.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; khkr_session=tok"),
        );
        h.append(header::COOKIE, HeaderValue::from_static("khkr_visit=n"));
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("tok"));
        assert_eq!(cookie(&h, VISIT_COOKIE).as_deref(), Some("n"));
        assert_eq!(cookie(&h, "b"), None);
    }

    #[test]
    fn session_cookie_attributes() {
        let c = session_cookie("t", false);
        let c = c.to_str().unwrap();
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && !c.contains("Secure"));
        assert!(session_cookie("t", true)
            .to_str()
            .unwrap()
            .ends_with("; Secure"));
    }
}
