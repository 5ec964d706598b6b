//! GraphiQL served from the binary: the page and its pinned assets over HTTP, then the real
//! thing in headless Chromium with no network but loopback: it renders, holds the README's
//! sample query, runs it, and its documentation explorer lists the schema read by
//! introspection. Screenshots go to `<target dir>/screenshots/graphiql*.png`.

#[path = "common/browser.rs"]
mod browser;
mod common;

use std::time::Duration;

use common::{raw_http, TestServer};
use serde_json::Value;

/// The README's sample query, as the page must hold it.
fn readme_sample_query() -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let start = readme
        .find("<!-- sample-query -->\n```graphql\n")
        .expect("sample-query marker")
        + "<!-- sample-query -->\n```graphql\n".len();
    let end = start
        + readme[start..]
            .find("```\n<!-- /sample-query -->")
            .expect("end marker");
    readme[start..end].to_string()
}

#[test]
fn the_page_and_its_assets_are_served_with_the_right_headers() {
    let s = TestServer::start();
    let page = raw_http(&s.base, "GET", "/graphiql", &[], None);
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.header("cache-control"), Some("no-cache"));
    let html = page.text();
    assert!(
        !html.contains("https://") && !html.contains("http://"),
        "no absolute URL: {html}"
    );
    // The configuration is JSON in a data script, with the README's query in it.
    let start = html
        .find("type=\"application/json\">")
        .expect("config script")
        + 24;
    let end = start + html[start..].find("</script>").unwrap();
    let config: Value = serde_json::from_str(&html[start..end]).expect("config is JSON");
    assert_eq!(config["defaultQuery"], readme_sample_query());
    assert_eq!(config["endpoint"], "/graphql");

    // Every script and stylesheet the page names is served, versioned and immutable.
    let mut assets = 0;
    for attr in ["src=\"", "href=\""] {
        for piece in html.split(attr).skip(1) {
            let path = &piece[..piece.find('"').unwrap()];
            let r = raw_http(&s.base, "GET", path, &[], None);
            assert_eq!(r.status, 200, "{path}");
            assert!(
                path.starts_with("/assets/vendor/") || path.starts_with("/assets/web/icon."),
                "{path}"
            );
            let want = if path.ends_with(".css") {
                "text/css; charset=utf-8"
            } else if path.ends_with(".svg") {
                "image/svg+xml"
            } else {
                "text/javascript; charset=utf-8"
            };
            assert_eq!(r.header("content-type"), Some(want), "{path}");
            assert_eq!(
                r.header("cache-control"),
                Some("public, max-age=31536000, immutable"),
                "{path}"
            );
            assert!(
                r.body.len() > 5_000 || path.ends_with(".svg"),
                "{path} is the real file"
            );
            assets += 1;
        }
    }
    // And the site's icon (without it the browser asked for /favicon.ico, a 404: QA).
    assert_eq!(
        assets, 5,
        "React, ReactDOM, GraphiQL, its stylesheet and the icon"
    );
}

/// A browser opening /graphql is sent to the explorer (QA: an analyst read a JSON error); a
/// GET with a query, or from a client that asks for JSON, is GraphQL as before.
#[test]
fn a_browser_opening_the_endpoint_is_sent_to_the_explorer() {
    let s = TestServer::start();
    let html = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    let r = raw_http(&s.base, "GET", "/graphql", &[("Accept", html)], None);
    assert_eq!(
        (r.status, r.header("location")),
        (303, Some("/graphiql")),
        "{}",
        r.text()
    );
    let r = raw_http(
        &s.base,
        "GET",
        "/graphql?query=%7B__typename%7D",
        &[("Accept", html)],
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let r = raw_http(
        &s.base,
        "GET",
        "/graphql",
        &[("Accept", "application/json")],
        None,
    );
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(r.text().contains("no `query`"), "{}", r.text());
}

#[test]
fn graphiql_renders_offline_with_the_sample_query_and_the_docs() {
    if let Some(why) = browser::unavailable() {
        eprintln!("SKIPPED: graphiql_renders_offline_with_the_sample_query_and_the_docs ({why})");
        return;
    }
    let s = TestServer::start_with(&["--demo"]);
    browser::block_on(drive(&s));
}

async fn drive(s: &TestServer) {
    let b = browser::Browser::start(1280, 800).await;
    let limit = Duration::from_secs(60);

    // The browser really has no way out: a CDN address fails to load.
    b.client
        .goto("https://unpkg.com/graphiql/graphiql.min.js")
        .await
        .ok();
    let blocked = b
        .wait_for_js(
            "the CDN request to fail",
            "return document.readyState === 'complete' && location.href",
            limit,
        )
        .await;
    let text = b
        .client
        .execute(
            "return document.body ? document.body.innerText : ''",
            vec![],
        )
        .await
        .unwrap();
    // Refused by the browser's own configuration (not by a certificate or an offline machine,
    // which would hide a page that needs the network on a machine that has it).
    let text = text.as_str().unwrap_or_default();
    assert!(
        text.contains("ERR_PROXY_CONNECTION_FAILED") || text.contains("ERR_NAME_NOT_RESOLVED"),
        "a CDN URL was not blocked by the browser's flags: {blocked} {text}"
    );

    b.client
        .goto(&format!("{}/graphiql", s.base))
        .await
        .expect("open /graphiql");
    // GraphiQL has rendered its query editor holding the README's sample query.
    let query = b
        .wait_for_js(
            "the query editor",
            "const cm = document.querySelector('.graphiql-query-editor .CodeMirror'); \
             return cm && cm.CodeMirror && cm.CodeMirror.getValue();",
            limit,
        )
        .await;
    assert_eq!(query.as_str().unwrap(), readme_sample_query());

    // The documentation explorer shows the root query type's fields: introspection worked.
    b.client
        .find(fantoccini::Locator::Css(
            "button[aria-label='Show Documentation Explorer']",
        ))
        .await
        .expect("docs button")
        .click()
        .await
        .expect("open docs");
    let root = b
        .wait_for_js(
            "the query root in the docs",
            "const a = document.querySelector(\
             '.graphiql-doc-explorer-root-type + .graphiql-doc-explorer-type-name'); \
             return a && a.textContent;",
            limit,
        )
        .await;
    b.client
        .find(fantoccini::Locator::Css(
            ".graphiql-doc-explorer-root-type + .graphiql-doc-explorer-type-name",
        ))
        .await
        .expect("root type link")
        .click()
        .await
        .expect("open the query root");
    let fields = b
        .wait_for_js(
            "the query root's fields",
            "const f = [...document.querySelectorAll('.graphiql-doc-explorer-field-name')] \
               .map(e => e.textContent); return f.includes('smes') && f;",
            limit,
        )
        .await;
    let fields: Vec<&str> = fields
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for want in ["smes", "investors", "searchSmes"] {
        assert!(fields.contains(&want), "{root} lacks {want}: {fields:?}");
    }

    // Run the sample query: the result pane shows demo SMEs.
    b.client
        .find(fantoccini::Locator::Css(".graphiql-execute-button"))
        .await
        .expect("run button")
        .click()
        .await
        .expect("run");
    let result = b
        .wait_for_js(
            "the result",
            "const cm = document.querySelector('.graphiql-response .CodeMirror'); \
             return cm && cm.CodeMirror && cm.CodeMirror.getValue().includes('totalCount') \
               && cm.CodeMirror.getValue();",
            limit,
        )
        .await;
    let result: Value = serde_json::from_str(result.as_str().unwrap()).expect("JSON result");
    assert!(
        result["data"]["smes"]["totalCount"].as_i64().unwrap() > 0,
        "{result:#}"
    );

    // Everything the page loaded came from the server itself.
    let foreign = b
        .client
        .execute(
            "return performance.getEntriesByType('resource').map(e => e.name) \
               .filter(n => !n.startsWith(location.origin));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(foreign, Value::Array(vec![]), "resources from elsewhere");

    let wide = b.screenshot("graphiql").await;
    // At phone width the editor matters more than the docs.
    b.client
        .find(fantoccini::Locator::Css(
            "button[aria-label='Hide Documentation Explorer']",
        ))
        .await
        .expect("docs button")
        .click()
        .await
        .expect("close docs");
    b.resize(360, 740).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let narrow = b.screenshot("graphiql-360").await;
    for path in [wide, narrow] {
        assert!(
            std::fs::metadata(&path).unwrap().len() > 10_000,
            "{}",
            path.display()
        );
    }
    b.close().await;
}
