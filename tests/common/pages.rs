//! Helpers for tests of the web pages over plain HTTP: GET and form POSTs with a cookie, and
//! reading a page's CSRF field. Include it with `#[path = "common/pages.rs"] mod pages;`.
#![allow(dead_code)]

use crate::common::{raw_http, RawResponse, TestServer};

pub fn get(s: &TestServer, path: &str, headers: &[(&str, &str)]) -> RawResponse {
    raw_http(&s.base, "GET", path, headers, None)
}

/// POSTs `pairs` as an `application/x-www-form-urlencoded` body, with `cookie` if given.
pub fn post_form(
    s: &TestServer,
    path: &str,
    cookie: Option<&str>,
    pairs: &[(&str, &str)],
) -> RawResponse {
    let body = form(pairs);
    let mut headers = vec![("Content-Type", "application/x-www-form-urlencoded")];
    if let Some(c) = cookie {
        headers.push(("Cookie", c));
    }
    raw_http(&s.base, "POST", path, &headers, Some(body.as_bytes()))
}

pub fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The value of the (first) hidden CSRF field of a page.
pub fn csrf_of(html: &str) -> String {
    let at = html
        .find("name=\"csrf\" value=\"")
        .expect("a CSRF field on the page")
        + "name=\"csrf\" value=\"".len();
    html[at..at + 64].to_string()
}

/// The `Cookie` header value of a session token.
pub fn session(token: &str) -> String {
    format!("khkr_session={token}")
}
