//! Headless Chromium for end-to-end tests of pages, driven over WebDriver (chromedriver) with
//! `fantoccini`. Debian's `chromium` and `chromium-driver` packages provide both binaries
//! (`.ci/run` installs them). The browser reaches loopback only: every host name fails to
//! resolve and every other address goes to a proxy that does not exist, so a page that
//! depends on a CDN fails visibly instead of passing on a machine that happens to be online.
//!
//! Include it with `#[path = "common/browser.rs"] mod browser;` (tests without a browser then
//! do not compile it).
#![allow(dead_code)]

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use serde_json::json;

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Why a browser test cannot run here, if it cannot (the caller prints a `SKIPPED:` line).
pub fn unavailable() -> Option<String> {
    for tool in [CHROMIUM, CHROMEDRIVER] {
        if !Path::new(tool).exists() {
            return Some(format!(
                "{tool} is missing (apt-get install chromium chromium-driver)"
            ));
        }
    }
    None
}

/// A chromedriver process and one headless session on it; both end on drop or [`close`].
pub struct Browser {
    pub client: Client,
    driver: Child,
    // The profile lives as long as the session.
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver on a free port and opens a headless session of `width`×`height`.
    pub async fn start(width: u32, height: u32) -> Browser {
        let port = free_port();
        let mut driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn chromedriver");
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
            if Instant::now() > deadline {
                let _ = driver.kill();
                panic!("chromedriver did not listen on port {port} within 30 s");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let profile = tempfile::tempdir().expect("profile dir");
        let args = [
            "--headless=new".to_string(),
            // Tests run as root in a container: Chromium's sandbox needs user namespaces.
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", profile.path().display()),
            // Loopback only: no name resolves, and anything not on 127.0.0.1 goes to a proxy
            // on the discard port where nothing listens.
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1".into(),
            "--proxy-server=127.0.0.1:9".into(),
            "--proxy-bypass-list=127.0.0.1".into(),
            // No background traffic of the browser's own (updates, sync, field trials).
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-default-apps".into(),
            "--disable-sync".into(),
            "--disable-extensions".into(),
            "--no-first-run".into(),
            "--no-default-browser-check".into(),
            "--hide-scrollbars".into(),
            "--lang=en-US".into(),
        ];
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": CHROMIUM, "args": args },
        });
        let capabilities = match capabilities {
            serde_json::Value::Object(map) => map,
            _ => unreachable!(),
        };
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = match ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => c,
            Err(e) => {
                let _ = driver.kill();
                panic!("no WebDriver session: {e}");
            }
        };
        let browser = Browser {
            client,
            driver,
            _profile: profile,
        };
        browser.resize(width, height).await;
        browser
    }

    /// Sets the viewport to `width`×`height` CSS pixels (the window is resized until the
    /// page's own `innerWidth`/`innerHeight` say so; headless windows have no frame, but
    /// the WebDriver window size is not guaranteed to be the viewport).
    pub async fn resize(&self, width: u32, height: u32) {
        let (mut w, mut h) = (width, height);
        for _ in 0..3 {
            self.client
                .set_window_size(w, h)
                .await
                .expect("set window size");
            let inner = self
                .client
                .execute("return [window.innerWidth, window.innerHeight];", vec![])
                .await
                .expect("read viewport");
            let (iw, ih) = (
                inner[0].as_u64().unwrap_or(0) as u32,
                inner[1].as_u64().unwrap_or(0) as u32,
            );
            if iw == width && ih == height || iw == 0 {
                return;
            }
            // Grow or shrink the window by what the viewport misses.
            w = (i64::from(w) + i64::from(width) - i64::from(iw)).max(100) as u32;
            h = (i64::from(h) + i64::from(height) - i64::from(ih)).max(100) as u32;
        }
    }

    /// Checks the page a person sees at this width: `<html lang>` is `lang`, and nothing
    /// scrolls sideways (`what` names the page in failures).
    pub async fn assert_page_fits(&self, lang: &str, what: &str, width: u32) {
        let html_lang = self
            .client
            .execute("return document.documentElement.lang", vec![])
            .await
            .expect("read <html lang>");
        assert_eq!(html_lang, lang, "{what}: <html lang>");
        let fits = self
            .client
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth];",
                vec![],
            )
            .await
            .expect("read widths");
        let (scroll, inner) = (fits[0].as_u64().unwrap(), fits[1].as_u64().unwrap());
        assert!(
            scroll <= inner,
            "{lang} {what} at {width}px scrolls sideways: {scroll} > {inner}"
        );
    }

    /// Saves a PNG of the viewport as `<target dir>/screenshots/<name>.png`; returns the path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = screenshots_dir();
        std::fs::create_dir_all(&dir).expect("screenshots dir");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        eprintln!("screenshot: {}", path.display());
        path
    }

    /// Runs `script` in the page until it returns something truthy, or panics after `limit`
    /// saying what was awaited. Returns the value.
    pub async fn wait_for_js(
        &self,
        what: &str,
        script: &str,
        limit: Duration,
    ) -> serde_json::Value {
        let deadline = Instant::now() + limit;
        loop {
            let value = self
                .client
                .execute(script, vec![])
                .await
                .unwrap_or(serde_json::Value::Null);
            let truthy = match &value {
                serde_json::Value::Null | serde_json::Value::Bool(false) => false,
                serde_json::Value::String(s) => !s.is_empty(),
                _ => true,
            };
            if truthy {
                return value;
            }
            if Instant::now() > deadline {
                let shot = self.screenshot("timeout").await;
                panic!(
                    "timed out after {limit:?} waiting for {what} (screenshot {})",
                    shot.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Signs in with an API token by setting the session cookie from a page of the server's
    /// origin (WebDriver's cookie API refuses loopback hosts); the server reads it the same way
    /// whoever set it.
    pub async fn sign_in(&self, base: &str, token: &str) {
        self.client.goto(&format!("{base}/en/")).await.unwrap();
        self.client
            .execute(
                "document.cookie = 'khkr_session=' + arguments[0] + '; path=/'; return true;",
                vec![serde_json::Value::String(token.to_string())],
            )
            .await
            .expect("session cookie");
    }

    /// The text a person reads on the page.
    pub async fn text(&self) -> String {
        self.client
            .execute("return document.body.innerText", vec![])
            .await
            .expect("read the page's text")
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // chromedriver ends the browsers of its sessions when it exits.
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// `<target dir>/screenshots`: `CARGO_TARGET_DIR` when set, else the directory above the
/// test binary's `debug/deps/`.
pub fn screenshots_dir() -> PathBuf {
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => Path::new(env!("CARGO_MANIFEST_DIR")).join(dir),
        None => {
            let exe = std::env::current_exe().expect("test binary path");
            // <target>/<profile>/deps/<binary>
            exe.ancestors()
                .nth(3)
                .map(Path::to_path_buf)
                .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
        }
    };
    target.join("screenshots")
}
