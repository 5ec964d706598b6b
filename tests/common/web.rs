//! Page helpers for the web app's HTTP tests: GET, form POSTs, cookies and CSRF fields.

use super::{raw_http, RawResponse, TestServer};

pub fn get(s: &TestServer, path: &str, headers: &[(&str, &str)]) -> RawResponse {
    raw_http(&s.base, "GET", path, headers, None)
}

pub fn post_form(
    s: &TestServer,
    path: &str,
    cookie: Option<&str>,
    pairs: &[(&str, &str)],
) -> RawResponse {
    post_form_with(s, path, cookie, pairs, &[])
}

pub fn post_form_with(
    s: &TestServer,
    path: &str,
    cookie: Option<&str>,
    pairs: &[(&str, &str)],
    extra: &[(&str, &str)],
) -> RawResponse {
    let body = form(pairs);
    let mut headers = vec![("Content-Type", "application/x-www-form-urlencoded")];
    if let Some(c) = cookie {
        headers.push(("Cookie", c));
    }
    headers.extend_from_slice(extra);
    raw_http(&s.base, "POST", path, &headers, Some(body.as_bytes()))
}

pub fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Every `Set-Cookie` value of a response.
pub fn set_cookies(r: &RawResponse) -> Vec<&str> {
    r.headers
        .iter()
        .filter(|(n, _)| n == "set-cookie")
        .map(|(_, v)| v.as_str())
        .collect()
}

/// `name=value` of the cookie `name` set by `r`.
pub fn cookie_pair(r: &RawResponse, name: &str) -> Option<String> {
    set_cookies(r)
        .into_iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| c.split(';').next().unwrap().to_string())
}

/// The value of the hidden CSRF field of a page.
pub fn csrf_of(html: &str) -> String {
    let at = html
        .find("name=\"csrf\" value=\"")
        .expect("a CSRF field on the page")
        + "name=\"csrf\" value=\"".len();
    html[at..at + 64].to_string()
}

/// The value of the form's `submission` field (a creating form's id and its MAC).
pub fn submission_of(html: &str) -> String {
    let at = html
        .find("name=\"submission\" value=\"")
        .expect("a submission field on the page")
        + "name=\"submission\" value=\"".len();
    html[at..].split('"').next().unwrap_or_default().to_string()
}

/// Each visible `input`, `select` and `textarea` has an id that a `<label for>` names.
pub fn assert_every_field_labelled(html: &str, path: &str) {
    for tag in ["<input", "<select", "<textarea"] {
        for piece in html.split(tag).skip(1) {
            let tag = &piece[..piece.find('>').unwrap()];
            if tag.contains("type=\"hidden\"") {
                continue;
            }
            let id = tag
                .split("id=\"")
                .nth(1)
                .map(|t| &t[..t.find('"').unwrap()])
                .unwrap_or_else(|| panic!("{path}: a field without id: {tag}"));
            assert!(
                html.contains(&format!("for=\"{id}\"")),
                "{path}: no label for {id}"
            );
        }
    }
}
