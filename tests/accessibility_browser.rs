//! The site's pages against axe-core, the accessibility engine of the web's tooling (Deque,
//! MPL-2.0; pinned by `scripts/page-audit/package-lock.json`), with its WCAG 2.0/2.1 level A and
//! AA rules, in real headless Chromium at phone size: as a visitor, an SME owner, an investor
//! and staff, in Khmer, Korean and English, forms in their error state too. A page that breaks a
//! rule (an unlabelled field, too little contrast, a missing language, a button with no name)
//! fails with the rule, the page and the offending HTML.
//!
//! Needs Chromium and chromedriver (see `common/browser.rs`) and, the first time, npm to
//! install axe-core (`.ci/run` does); without them the test says SKIPPED and why.

#[path = "common/browser.rs"]
mod browser;
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::TestServer;
use serde_json::{json, Value};

/// The rule sets run: WCAG 2.0 and 2.1, levels A and AA.
const TAGS: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/// axe-core's script, installed with npm when missing; `Err` says why it cannot be had.
fn axe_source() -> Result<String, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/page-audit");
    let file: PathBuf = dir.join("node_modules/axe-core/axe.min.js");
    if !file.is_file() {
        let out = Command::new("npm")
            .args(["ci", "--prefer-offline", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .output()
            .map_err(|e| format!("npm is not installed ({e}), so axe-core is not either"))?;
        if !out.status.success() {
            return Err(format!(
                "npm ci in {} failed: {}",
                dir.display(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))
}

#[test]
fn every_kind_of_page_passes_axe_core_in_three_languages() {
    let name = "every_kind_of_page_passes_axe_core_in_three_languages";
    if let Some(why) = browser::unavailable() {
        eprintln!("SKIPPED: {name} ({why})");
        return;
    }
    let axe = match axe_source() {
        Ok(a) => a,
        Err(why) => {
            eprintln!("SKIPPED: {name} ({why})");
            return;
        }
    };
    let s = TestServer::start();
    let mut anonymous = common::sme_input();
    anonymous["visibility"] = json!("ANONYMOUS");
    anonymous["name"] = json!({ "en": "Hidden Soap Maker", "km": "សាប៊ូលាក់ឈ្មោះ" });
    let sme = common::publish_sme(&s, common::sme_input());
    let hidden = common::publish_sme(&s, anonymous);
    let inv = common::publish_investor(&s, common::investor_input());
    let (staff, _) = common::operator_account(&s, "STAFF");
    let id = common::introduced(&s, &staff, &sme, &inv, Some("You both work with cashew."));

    let public = [
        "/".to_string(),
        "/smes".into(),
        "/smes?q=cashew".into(),
        "/smes?q=zzzzqqq".into(),
        "/investors?q=cosmetics".into(),
        format!("/smes/{sme}"),
        format!("/smes/{hidden}"),
        format!("/investors/{inv}"),
        "/incentives".into(),
        "/incentives?sector=1030&province=KH-6&investment=abc".into(),
        "/digital-check".into(),
        "/login".into(),
        "/signup".into(),
        "/no-such-page".into(),
    ];
    let for_sme = [
        "/me".to_string(),
        "/me/new".into(),
        // The first step sent empty: its error state.
        "/me/new?step=sector&name=&description=".into(),
        "/me/new?step=sector&name=Shop&description=Rice".into(),
        "/me/new?step=digital&name=Shop&description=Rice&sector=1079&province=KH-12".into(),
        format!("/me/matches/{sme}"),
        "/me/introductions".into(),
        "/me/password".into(),
    ];
    let for_investor = [
        "/me/mandate".to_string(),
        format!("/me/matches/{inv}"),
        format!("/me/matches/{inv}?w-sector=80"),
        "/me/introductions".into(),
    ];
    let for_staff = [
        "/staff".to_string(),
        "/staff/pipeline".into(),
        format!("/staff/matches/{id}"),
        format!("/smes/{sme}"),
    ];
    let visits: Vec<Visit> = vec![
        ("visitor", None, &public),
        ("SME owner", Some(s.sme_token.as_str()), &for_sme),
        ("investor", Some(s.investor_token.as_str()), &for_investor),
        ("staff", Some(staff.as_str()), &for_staff),
    ];
    let found = browser::block_on(audit(&s, &axe, &visits));
    let (pages, violations) = found;
    eprintln!("axe-core ({}): {pages} page loads audited", TAGS.join(", "));
    assert!(pages >= 80, "too few pages audited: {pages}");
    assert!(
        violations.is_empty(),
        "{} accessibility violations:\n{}",
        violations.len(),
        violations.join("\n")
    );
}

/// Who looks (for the report), their session token (none for a visitor), and at what.
type Visit<'a> = (&'a str, Option<&'a str>, &'a [String]);

/// Loads each page as each viewer in each language and runs axe on it; the number of pages
/// audited and one line per violation.
async fn audit(s: &TestServer, axe: &str, visits: &[Visit<'_>]) -> (usize, Vec<String>) {
    let b = browser::Browser::start(360, 740).await;
    let mut pages = 0;
    let mut violations = Vec::new();
    for (who, token, paths) in visits {
        // A visitor has no session: a fresh cookie jar is the browser's at start; the signed-in
        // viewers replace the session cookie.
        match token {
            Some(token) => b.sign_in(&s.base, token).await,
            None => {
                b.client.goto(&format!("{}/en/", s.base)).await.unwrap();
                b.client.delete_all_cookies().await.unwrap();
            }
        }
        for lang in ["km", "ko", "en"] {
            for path in paths.iter() {
                let path = format!("/{lang}{path}");
                b.goto(&s.base, &path).await;
                // The page itself, not a log-in page it sent the viewer to.
                let at = b.client.current_url().await.expect("current url");
                let here = match at.query() {
                    Some(q) => format!("{}?{q}", at.path()),
                    None => at.path().to_string(),
                };
                assert_eq!(here, path, "{who} was sent elsewhere");
                pages += 1;
                for v in run_axe(&b, axe).await {
                    violations.push(format!("{path} ({who}): {v}"));
                }
            }
        }
    }
    b.close().await;
    (pages, violations)
}

/// axe's violations of the page now open, one line each: rule, impact, and the first few
/// offending elements.
async fn run_axe(b: &browser::Browser, axe: &str) -> Vec<String> {
    b.client
        .execute(axe, vec![])
        .await
        .expect("inject axe-core");
    let script = r#"
        const done = arguments[arguments.length - 1];
        axe.run(document, { runOnly: { type: 'tag', values: arguments[0] }, resultTypes: ['violations'] })
          .then(r => done(r.violations.map(v => ({
              id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.slice(0, 3).map(n => n.html) }))))
          .catch(e => done({ error: String(e) }));
    "#;
    let result = b
        .client
        .execute_async(script, vec![json!(TAGS)])
        .await
        .expect("run axe-core");
    match result {
        Value::Array(list) => list
            .iter()
            .map(|v| {
                format!(
                    "{} [{}] {}: {}",
                    v["id"].as_str().unwrap_or("?"),
                    v["impact"].as_str().unwrap_or("?"),
                    v["help"].as_str().unwrap_or(""),
                    v["nodes"]
                )
            })
            .collect(),
        other => panic!("axe-core did not run: {other}"),
    }
}
