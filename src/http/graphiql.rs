//! GraphiQL, served from the binary: the page and pinned production builds of its assets
//! (`assets/vendor/`, see its README for versions, integrity and licences). Nothing is loaded
//! from another origin, so it works offline and behind a strict network.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::graphql::GRAPHQL_PATH;

/// Where the page is served (`/` belongs to the web app).
pub const GRAPHIQL_PATH: &str = "/graphiql";

/// One embedded file, served at `path` forever (a new version gets a new path).
pub struct Asset {
    pub path: &'static str,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
}

macro_rules! vendor {
    ($file:literal, $content_type:expr) => {
        Asset {
            path: concat!("/assets/vendor/", $file),
            content_type: $content_type,
            bytes: include_bytes!(concat!("../../assets/vendor/", $file)),
        }
    };
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

const REACT_JS: Asset = vendor!("react-18.3.1/react.production.min.js", JS);
const REACT_DOM_JS: Asset = vendor!("react-dom-18.3.1/react-dom.production.min.js", JS);
const GRAPHIQL_JS: Asset = vendor!("graphiql-3.8.3/graphiql.min.js", JS);
const GRAPHIQL_CSS: Asset = vendor!("graphiql-3.8.3/graphiql.min.css", CSS);

/// Every asset the page uses.
pub const ASSETS: [Asset; 4] = [REACT_JS, REACT_DOM_JS, GRAPHIQL_JS, GRAPHIQL_CSS];

/// The README's sample query, cut out at compile time: a README whose markers go missing
/// fails the build, so the page and the README cannot drift apart.
pub const SAMPLE_QUERY: &str = between(
    include_str!("../../README.md"),
    "<!-- sample-query -->\n```graphql\n",
    "```\n<!-- /sample-query -->",
);

/// The text between the first `open` and the next `close` (evaluated by the compiler).
const fn between<'a>(text: &'a str, open: &str, close: &str) -> &'a str {
    let start = find(text.as_bytes(), open.as_bytes(), 0) + open.len();
    let end = find(text.as_bytes(), close.as_bytes(), start);
    let (_, tail) = text.as_bytes().split_at(start);
    let (inner, _) = tail.split_at(end - start);
    match std::str::from_utf8(inner) {
        Ok(s) => s,
        Err(_) => panic!("the README's sample query is not UTF-8"),
    }
}

const fn find(hay: &[u8], needle: &[u8], from: usize) -> usize {
    let mut i = from;
    while i + needle.len() <= hay.len() {
        let mut j = 0;
        while j < needle.len() && hay[i + j] == needle[j] {
            j += 1;
        }
        if j == needle.len() {
            return i;
        }
        i += 1;
    }
    panic!("README.md lacks the <!-- sample-query --> markers around a ```graphql block")
}

/// JSON that is safe inside a `<script>` element: no `<`, `>` or `&` appears literally (so
/// no `</script>` or `<!--` from the README can end or change the element), nor the line
/// separators that older JavaScript parsers reject.
fn script_safe_json(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// The page, built once.
pub static PAGE: LazyLock<String> = LazyLock::new(|| {
    let config = serde_json::json!({ "endpoint": GRAPHQL_PATH, "defaultQuery": SAMPLE_QUERY });
    include_str!("graphiql.html")
        .replace("{{CONFIG}}", &script_safe_json(&config))
        .replace("{{ENDPOINT_TEXT}}", GRAPHQL_PATH)
        .replace("{{REACT_JS}}", REACT_JS.path)
        .replace("{{REACT_DOM_JS}}", REACT_DOM_JS.path)
        .replace("{{GRAPHIQL_JS}}", GRAPHIQL_JS.path)
        .replace("{{GRAPHIQL_CSS}}", GRAPHIQL_CSS.path)
        // The site's icon: without one, the browser asked for /favicon.ico, a 404 (QA).
        .replace("{{ICON}}", &crate::web::assets::ICON_PATH)
});

/// The page and its assets.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    let mut router = Router::new().route(GRAPHIQL_PATH, get(page));
    for asset in &ASSETS {
        router = router.route(asset.path, get(move || serve(asset)));
    }
    router
}

async fn page() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            // The page names the asset versions: always revalidate it.
            (header::CACHE_CONTROL, "no-cache"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            // Not framed by other pages (it sends the operator's token).
            (header::X_FRAME_OPTIONS, "DENY"),
            (header::CONTENT_SECURITY_POLICY, "frame-ancestors 'none'"),
        ],
        PAGE.as_str(),
    )
        .into_response()
}

async fn serve(asset: &'static Asset) -> Response {
    super::immutable_asset(asset.content_type, asset.bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_query_is_the_readmes() {
        assert!(SAMPLE_QUERY.trim_start().starts_with('{'), "{SAMPLE_QUERY}");
        assert!(SAMPLE_QUERY.contains("smes(first: 5)"));
        assert!(!SAMPLE_QUERY.contains("```"));
        assert!(PAGE.contains("smes(first: 5)"));
    }

    #[test]
    fn config_cannot_break_out_of_its_script_element() {
        let hostile =
            serde_json::json!({ "q": "</script><script>alert(1)</script><!-- & \u{2028}" });
        let safe = script_safe_json(&hostile);
        assert!(!safe.contains('<') && !safe.contains('>') && !safe.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, hostile);
    }

    #[test]
    fn the_page_names_only_local_assets() {
        for asset in &ASSETS {
            assert!(PAGE.contains(asset.path), "{}", asset.path);
        }
        assert!(!PAGE.contains("{{"), "an unfilled placeholder");
        assert!(!PAGE.contains("http://") && !PAGE.contains("https://") && !PAGE.contains("//cdn"));
    }
}
