//! The web app's own assets (one stylesheet, one small script, the icon, and the words the
//! activity finders know), embedded in the binary and served under a path that carries a hash
//! of their content: a new build with a changed file gets a new path, so the browser may keep
//! each version forever (`immutable`).

use std::borrow::Cow;
use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// Where the assets are served from.
pub const PREFIX: &str = "/assets/web/";

pub struct WebAsset {
    /// `site.<hash>.css`
    pub name: String,
    pub content_type: &'static str,
    pub bytes: Cow<'static, [u8]>,
    /// The same bytes gzipped, for clients that take it (only where it pays: the finders'
    /// words). Static content with no secret in it, so compressing it tells nothing (BREACH
    /// needs a secret and an attacker's text in one compressed answer, as pages have).
    pub gzipped: Option<Vec<u8>>,
}

impl WebAsset {
    fn new(
        stem: &str,
        ext: &str,
        content_type: &'static str,
        bytes: impl Into<Cow<'static, [u8]>>,
    ) -> Self {
        let bytes = bytes.into();
        let digest = Sha256::digest(&bytes);
        let hash: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
        WebAsset {
            name: format!("{stem}.{hash}.{ext}"),
            content_type,
            bytes,
            gzipped: None,
        }
    }

    /// This asset, also kept gzipped.
    fn gzip(mut self) -> Self {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        // Writing to a Vec cannot fail; if it did, the asset is served as it is.
        self.gzipped = encoder
            .write_all(&self.bytes)
            .and_then(|()| encoder.finish())
            .ok();
        self
    }

    /// The absolute path of this version.
    pub fn path(&self) -> String {
        format!("{PREFIX}{}", self.name)
    }
}

pub static CSS: LazyLock<WebAsset> = LazyLock::new(|| {
    WebAsset::new(
        "site",
        "css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/web/site.css").as_slice(),
    )
});

pub static JS: LazyLock<WebAsset> = LazyLock::new(|| {
    WebAsset::new(
        "site",
        "js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/web/site.js").as_slice(),
    )
});

/// The site's icon (two partners joined): browsers ask for one on every page, and a 404
/// each time is noise in their consoles and in the server's logs.
pub static ICON: LazyLock<WebAsset> = LazyLock::new(|| {
    WebAsset::new(
        "icon",
        "svg",
        "image/svg+xml",
        include_bytes!("../../assets/web/icon.svg").as_slice(),
    )
});

/// What the activity finders know beyond the class titles: the glossary's words for the things
/// a class deals in (`matching::activities`), in all three languages, as
/// `[["coffee | coffee bean | កាហ្វេ | … | 커피 | 원두", "0127 1079 5630 4630"], …]`. About
/// 90 KB, so a file of its own that the finder fetches when first used and the browser then
/// keeps, rather than weight on every page that lists the activities.
pub static ACTIVITY_WORDS: LazyLock<WebAsset> = LazyLock::new(|| {
    WebAsset::new(
        "activity-words",
        "json",
        "application/json",
        super::tools::activity_words_json().into_bytes(),
    )
    .gzip()
});

pub static CSS_PATH: LazyLock<String> = LazyLock::new(|| CSS.path());
pub static ICON_PATH: LazyLock<String> = LazyLock::new(|| ICON.path());
pub static JS_PATH: LazyLock<String> = LazyLock::new(|| JS.path());
pub static ACTIVITY_WORDS_PATH: LazyLock<String> = LazyLock::new(|| ACTIVITY_WORDS.path());

/// `GET /assets/web/{file}`: the current version of an asset; any other name is 404 (an old
/// hash is not served, so a stale page cannot pair with a new stylesheet unnoticed).
pub async fn serve(Path(file): Path<String>, request: HeaderMap) -> Response {
    let takes_gzip = request
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            // `gzip`, any case, unless its weight is 0 (`gzip;q=0` refuses it).
            v.split(',').any(|e| {
                let mut parts = e.split(';').map(str::trim);
                parts.next().is_some_and(|c| c.eq_ignore_ascii_case("gzip"))
                    && !parts.any(|p| {
                        p.strip_prefix("q=")
                            .is_some_and(|q| q.parse::<f32>().is_ok_and(|q| q == 0.0))
                    })
            })
        });
    for asset in [&*CSS, &*JS, &*ICON, &*ACTIVITY_WORDS] {
        if asset.name != file {
            continue;
        }
        let mut body = asset.bytes.as_ref();
        let mut extra = Vec::new();
        if let Some(gz) = &asset.gzipped {
            // Both answers say they depend on it, so a cache keeps them apart.
            extra.push((header::VARY, HeaderValue::from_static("accept-encoding")));
            if takes_gzip {
                extra.push((header::CONTENT_ENCODING, HeaderValue::from_static("gzip")));
                body = gz.as_slice();
            }
        }
        let mut response = crate::http::immutable_asset(asset.content_type, body);
        response.headers_mut().extend(extra);
        return response;
    }
    (StatusCode::NOT_FOUND, "no such asset").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_finders_words_are_kept_gzipped_and_unzip_to_themselves() {
        use std::io::Read;
        let words = &*ACTIVITY_WORDS;
        let gz = words.gzipped.as_ref().expect("gzipped");
        assert!(
            gz.len() * 2 < words.bytes.len(),
            "{} of {}",
            gz.len(),
            words.bytes.len()
        );
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(gz.as_slice())
            .read_to_end(&mut back)
            .expect("gunzip");
        assert_eq!(back, words.bytes.as_ref());
        assert!(CSS.gzipped.is_none(), "pages' own assets stay as they are");
    }

    #[test]
    fn names_carry_the_content_hash() {
        assert!(CSS.name.starts_with("site.") && CSS.name.ends_with(".css"));
        assert_eq!(CSS.name.len(), "site..css".len() + 12);
        assert_ne!(CSS.name, JS.name);
    }
}
