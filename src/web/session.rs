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
//! Submissions: a form that creates something carries `submission` = a new profile id and its
//! HMAC under the same secret (another label), so the same form sent twice names the same id and
//! the second send is recognised (`service::profiles::publish_once`) without a table of tokens.

use axum::http::{header, HeaderMap, HeaderValue};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::domain::account::SESSION_DAYS;
use crate::domain::ids::ProfileId;

pub const SESSION_COOKIE: &str = "khkr_session";
pub const VISIT_COOKIE: &str = "khkr_visit";
/// The name of the hidden form field.
pub const CSRF_FIELD: &str = "csrf";
const CSRF_LABEL: &[u8] = b"khkr-match web csrf v1";
/// The name of the hidden field that makes a creating form's second send a repeat.
pub const SUBMISSION_FIELD: &str = "submission";
const SUBMISSION_LABEL: &[u8] = b"khkr-match web submission v1";

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

/// A new random nonce for `khkr_visit`.
pub fn new_nonce() -> String {
    crate::auth::new_token()
}

fn mac(secret: &str) -> Hmac<Sha256> {
    // HMAC accepts keys of any length.
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    m.update(CSRF_LABEL);
    m
}

/// The CSRF field value for forms shown to the holder of `secret`.
pub fn csrf_token(secret: &str) -> String {
    mac(secret)
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `given` is the CSRF field for `secret` (compared in constant time).
pub fn csrf_ok(secret: &str, given: &str) -> bool {
    let Some(bytes) = decode_hex(given) else {
        return false;
    };
    mac(secret).verify_slice(&bytes).is_ok()
}

fn submission_mac(secret: &str, id: &ProfileId) -> Hmac<Sha256> {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    m.update(SUBMISSION_LABEL);
    m.update(id.to_string().as_bytes());
    m
}

/// A new submission field for a form shown to the holder of `secret`: `<id>.<mac>`. The id is
/// made now (a v7 id, ordered by when the form was shown).
pub fn submission_token(secret: &str) -> String {
    let id = ProfileId::new_v7();
    let mac: String = submission_mac(secret, &id)
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{id}.{mac}")
}

/// The id a submission field names, if it was made for `secret` (a field from another
/// session, or edited, names nothing).
pub fn submission_id(secret: &str, given: &str) -> Option<ProfileId> {
    let (id, mac) = given.split_once('.')?;
    let id = ProfileId::parse(id).ok()?;
    let mac = decode_hex(mac)?;
    submission_mac(secret, &id).verify_slice(&mac).ok()?;
    Some(id)
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if s.len() != 64 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn submission_fields_name_their_id_only_for_their_secret() {
        let t = submission_token("secret-a");
        let id = submission_id("secret-a", &t).expect("its own secret");
        assert!(t.starts_with(&id.to_string()));
        assert_ne!(submission_token("secret-a"), t, "a new id each time");
        assert_eq!(submission_id("secret-b", &t), None);
        // Another id under the same MAC, a cut MAC, no MAC, nothing.
        let (_, mac) = t.split_once('.').unwrap();
        let other = format!("{}.{mac}", ProfileId::new_v7());
        assert_eq!(submission_id("secret-a", &other), None);
        assert_eq!(submission_id("secret-a", &t[..t.len() - 2]), None);
        assert_eq!(submission_id("secret-a", &id.to_string()), None);
        assert_eq!(submission_id("secret-a", ""), None);
    }

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
