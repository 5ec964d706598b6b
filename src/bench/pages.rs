//! `khkr-match bench pages`: how long the web app's pages take to render, and what they weigh.
//!
//! Starts this very binary as `serve --demo` on a free port in a scratch directory (the demo
//! set: 2,000 SMEs, 300 investors, the demo pipeline), signs in as the demo accounts, and asks
//! each page over keep-alive HTTP/1.1 on loopback, one request at a time. The time is from the
//! request's first byte to the response's last: the server's whole work for the page (session,
//! use cases, ranking where the page ranks, template) plus a loopback round trip.
//!
//! The weight of a page is its HTML plus the stylesheet and script it links, uncompressed (no
//! fonts: pages use the system's).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{latency, setup, BenchError, Latency};

/// One measured page.
#[derive(Debug, Clone)]
pub struct PageFigures {
    pub label: String,
    pub path: String,
    pub html_bytes: usize,
    pub latency: Latency,
}

#[derive(Debug, Clone)]
pub struct PagesFigures {
    pub pages: Vec<PageFigures>,
    /// Stylesheet plus script, as every page links them.
    pub asset_bytes: usize,
}

/// The server under test; killed and its directory removed when dropped.
struct Server {
    child: Child,
    addr: String,
    dir: PathBuf,
    passwords: Vec<(String, String)>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn start() -> Result<Server, BenchError> {
    let dir = std::env::temp_dir().join(format!("khkr-bench-pages-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(setup)?;
    let exe = std::env::current_exe().map_err(setup)?;
    let mut child = Command::new(exe)
        .arg("serve")
        .arg("--demo")
        .arg("--bind")
        .arg("127.0.0.1:0")
        .arg("--database-url")
        .arg(format!("sqlite:{}", dir.join("demo.db").display()))
        .arg("--index-dir")
        .arg(dir.join("index"))
        .env("KHKR_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(setup)?;
    let (stdout, stderr) = match (child.stdout.take(), child.stderr.take()) {
        (Some(o), Some(e)) => (o, e),
        _ => return Err(setup("the server's output could not be read")),
    };
    // The demo passwords are printed on standard error before the port is bound.
    let (pw_tx, pw_rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let words: Vec<&str> = line.split_whitespace().collect();
            if let [role, email, password] = words[..] {
                if email.ends_with("@demo.khkr.example") {
                    let _ = pw_tx.send((role.to_string(), password.to_string()));
                }
            }
        }
    });
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(addr) = line.strip_prefix("listening on http://") {
                let _ = tx.send(addr.to_string());
            }
        }
    });
    eprintln!("starting the demo server (2,000 SMEs, 300 investors)…");
    let addr = match rx.recv_timeout(Duration::from_secs(600)) {
        Ok(a) => a,
        Err(_) => {
            let _ = child.kill();
            return Err(setup("the demo server did not start within 10 minutes"));
        }
    };
    let passwords = pw_rx.try_iter().collect();
    Ok(Server {
        child,
        addr,
        dir,
        passwords,
    })
}

/// A keep-alive HTTP/1.1 connection: just enough client for our own server's answers.
struct Conn {
    reader: BufReader<TcpStream>,
    addr: String,
}

struct Answer {
    status: u16,
    body: Vec<u8>,
}

impl Conn {
    fn open(addr: &str) -> Result<Self, BenchError> {
        let s = TcpStream::connect(addr).map_err(setup)?;
        s.set_nodelay(true).map_err(setup)?;
        s.set_read_timeout(Some(Duration::from_secs(60)))
            .map_err(setup)?;
        Ok(Conn {
            reader: BufReader::new(s),
            addr: addr.to_string(),
        })
    }

    fn send(
        &mut self,
        method: &str,
        path: &str,
        cookie: Option<&str>,
        body: Option<&str>,
    ) -> Result<Answer, BenchError> {
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n", self.addr);
        if let Some(c) = cookie {
            req.push_str(&format!("Cookie: {c}\r\n"));
        }
        if let Some(b) = body {
            req.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                b.len()
            ));
        }
        req.push_str("\r\n");
        if let Some(b) = body {
            req.push_str(b);
        }
        self.reader
            .get_mut()
            .write_all(req.as_bytes())
            .map_err(setup)?;
        let mut line = String::new();
        self.reader.read_line(&mut line).map_err(setup)?;
        let status = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| setup(format!("bad status line {line:?} for {path}")))?;
        let (mut length, mut chunked) = (None, false);
        loop {
            line.clear();
            self.reader.read_line(&mut line).map_err(setup)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
                if k == "content-length" {
                    length = v.parse::<usize>().ok();
                } else if k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked") {
                    chunked = true;
                }
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                self.reader.read_line(&mut line).map_err(setup)?;
                let size = usize::from_str_radix(line.trim(), 16).map_err(setup)?;
                let mut chunk = vec![0; size + 2];
                self.reader.read_exact(&mut chunk).map_err(setup)?;
                if size == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..size]);
            }
        } else if let Some(n) = length {
            body.resize(n, 0);
            self.reader.read_exact(&mut body).map_err(setup)?;
        }
        Ok(Answer { status, body })
    }

    fn get(&mut self, path: &str, cookie: Option<&str>) -> Result<Answer, BenchError> {
        self.send("GET", path, cookie, None)
    }
}

/// Signs in a demo account over GraphQL; the session cookie pages take.
fn session(conn: &mut Conn, server: &Server, role: &str) -> Result<String, BenchError> {
    let password = server
        .passwords
        .iter()
        .find(|(r, _)| r == role)
        .map(|(_, p)| p.clone())
        .ok_or_else(|| {
            setup(format!(
                "no demo password for {role} on the server's output"
            ))
        })?;
    let body = serde_json::json!({
        "query": "mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token } }",
        "variables": { "e": format!("{}@demo.khkr.example", role.to_ascii_lowercase()), "p": password },
    })
    .to_string();
    let a = conn.send("POST", "/graphql", None, Some(&body))?;
    let v: serde_json::Value = serde_json::from_slice(&a.body).map_err(setup)?;
    let token = v["data"]["logIn"]["token"]
        .as_str()
        .ok_or_else(|| setup(format!("log-in as {role} failed: {v}")))?;
    Ok(format!("{}={token}", crate::web::session::SESSION_COOKIE))
}

/// The first `prefix<id>` link in a page (ids are UUIDs).
fn first_link(html: &[u8], prefix: &str) -> Option<String> {
    let html = String::from_utf8_lossy(html);
    let at = html.find(prefix)? + prefix.len();
    let id: String = html[at..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit() || *c == '-')
        .collect();
    (!id.is_empty()).then_some(id)
}

/// Runs the page benchmark: `rounds` timed requests per page after a few untimed ones.
pub fn pages_bench(rounds: usize) -> Result<PagesFigures, BenchError> {
    let server = start()?;
    let mut c = Conn::open(&server.addr)?;
    let sme = session(&mut c, &server, "SME")?;
    let investor = session(&mut c, &server, "INVESTOR")?;
    let staff = session(&mut c, &server, "STAFF")?;
    let sme_me = c.get("/km/me", Some(&sme))?;
    let investor_me = c.get("/ko/me", Some(&investor))?;
    let search = c.get("/en/smes?q=rice", None)?;
    let investors = c.get("/en/investors", None)?;
    let business = first_link(&sme_me.body, "/km/me/matches/")
        .ok_or_else(|| setup("the demo SME account has no business"))?;
    let mandate = first_link(&investor_me.body, "/ko/me/matches/")
        .ok_or_else(|| setup("the demo investor account has no mandate"))?;
    let public_sme =
        first_link(&search.body, "/en/smes/").ok_or_else(|| setup("no SME found for 'rice'"))?;
    let public_investor =
        first_link(&investors.body, "/en/investors/").ok_or_else(|| setup("no investor listed"))?;
    let pages: Vec<(&str, String, Option<&str>)> = vec![
        ("home", "/km/".into(), None),
        (
            "search SMEs (km, rice)",
            "/km/smes?q=%E1%9E%A2%E1%9E%84%E1%9F%92%E1%9E%80%E1%9E%9A".into(),
            None,
        ),
        (
            "search investors (ko)",
            "/ko/investors?q=%ED%99%94%EC%9E%A5%ED%92%88".into(),
            None,
        ),
        ("SME profile", format!("/en/smes/{public_sme}"), None),
        (
            "investor profile",
            format!("/ko/investors/{public_investor}"),
            None,
        ),
        (
            "incentive check",
            "/en/incentives?sector=1079&province=KH-12&investment=2000000&exports=on".into(),
            None,
        ),
        ("digital self-check", "/km/digital-check".into(), None),
        ("SME account", "/km/me".into(), Some(sme.as_str())),
        (
            "SME wizard, digital step",
            "/km/me/new?step=digital".into(),
            Some(sme.as_str()),
        ),
        (
            "SME matches (ranks 300 investors)",
            format!("/km/me/matches/{business}"),
            Some(sme.as_str()),
        ),
        (
            "SME introductions",
            "/km/me/introductions".into(),
            Some(sme.as_str()),
        ),
        (
            "investor mandate form",
            format!("/ko/me/mandate?id={mandate}"),
            Some(investor.as_str()),
        ),
        (
            "investor matches (ranks 2,000 SMEs)",
            format!("/ko/me/matches/{mandate}"),
            Some(investor.as_str()),
        ),
        (
            "investor matches, sliders moved",
            format!("/ko/me/matches/{mandate}?w-text=60&w-sector=20"),
            Some(investor.as_str()),
        ),
        ("staff account", "/en/me".into(), Some(staff.as_str())),
    ];
    let mut out = Vec::new();
    for (label, path, cookie) in pages {
        let mut size = 0;
        for _ in 0..5 {
            let a = c.get(&path, cookie)?;
            if a.status != 200 {
                return Err(setup(format!("{path} answered {}", a.status)));
            }
            size = a.body.len();
        }
        let mut samples = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            let t = Instant::now();
            let a = c.get(&path, cookie)?;
            samples.push(t.elapsed());
            if a.status != 200 {
                return Err(setup(format!("{path} answered {}", a.status)));
            }
        }
        eprintln!("  {label}: done");
        out.push(PageFigures {
            label: label.to_string(),
            path,
            html_bytes: size,
            latency: latency(samples),
        });
    }
    let home = c.get("/en/", None)?;
    let html = String::from_utf8_lossy(&home.body).to_string();
    let mut asset_bytes = 0;
    for link in asset_links(&html) {
        asset_bytes += c.get(&link, None)?.body.len();
    }
    drop(server);
    Ok(PagesFigures {
        pages: out,
        asset_bytes,
    })
}

/// The stylesheet and script a page links (`/assets/web/…`).
fn asset_links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("\"/assets/web/") {
        let tail = &rest[at + 1..];
        let end = tail.find('"').unwrap_or(tail.len());
        let link = tail[..end].to_string();
        if !out.contains(&link) {
            out.push(link);
        }
        rest = &tail[end..];
    }
    out
}

pub fn print_pages(f: &PagesFigures, rounds: usize) {
    let ms = |d: Duration| format!("{:.2}", d.as_secs_f64() * 1000.0);
    println!();
    println!(
        "Pages at demo size (2,000 SMEs, 300 investors), {rounds} requests each, one at a time:"
    );
    println!("| page | p50 ms | p99 ms | HTML KB | with CSS+JS KB |");
    println!("|---|---:|---:|---:|---:|");
    for p in &f.pages {
        println!(
            "| {} | {} | {} | {:.1} | {:.1} |",
            p.label,
            ms(p.latency.p50),
            ms(p.latency.p99),
            p.html_bytes as f64 / 1024.0,
            (p.html_bytes + f.asset_bytes) as f64 / 1024.0
        );
    }
    let worst = f
        .pages
        .iter()
        .map(|p| p.latency.p99)
        .max()
        .unwrap_or_default();
    println!();
    println!(
        "stylesheet + script: {:.1} KB (cached by browsers); slowest p99: {} ms",
        f.asset_bytes as f64 / 1024.0,
        ms(worst)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_links_and_ids_in_pages() {
        let html = r#"<link href="/assets/web/site.abc.css"><script src="/assets/web/site.def.js"></script><a href="/en/smes/0190-ab">x</a>"#;
        assert_eq!(
            asset_links(html),
            vec!["/assets/web/site.abc.css", "/assets/web/site.def.js"]
        );
        assert_eq!(
            first_link(html.as_bytes(), "/en/smes/").as_deref(),
            Some("0190-ab")
        );
        assert_eq!(first_link(html.as_bytes(), "/en/investors/"), None);
    }
}
