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

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use super::client::{log_in, Conn, Server};
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

async fn demo_session(c: &mut Conn, server: &Server, role: &str) -> Result<String, BenchError> {
    let email = format!("{}@demo.khkr.example", role.to_ascii_lowercase());
    log_in(c, &email, server.password(role)?).await
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
pub async fn pages_bench(rounds: usize) -> Result<PagesFigures, BenchError> {
    let server = Server::start("pages", &[])?;
    let mut c = Conn::open(IpAddr::V4(Ipv4Addr::LOCALHOST), server.addr).await?;
    let sme = demo_session(&mut c, &server, "SME").await?;
    let investor = demo_session(&mut c, &server, "INVESTOR").await?;
    let staff = demo_session(&mut c, &server, "STAFF").await?;
    let sme_me = c.page("/km/me", Some(&sme)).await?;
    let investor_me = c.page("/ko/me", Some(&investor)).await?;
    let search = c.page("/en/smes?q=rice", None).await?;
    let investors = c.page("/en/investors", None).await?;
    let board = c.page("/en/staff/pipeline", Some(&staff)).await?;
    let pipeline_match = first_link(&board.body, "/en/staff/matches/")
        .ok_or_else(|| setup("the demo pipeline is empty"))?;
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
            // In Khmer, as an SME reads it: its list of 419 activities is the page's weight.
            "incentive check (km)",
            "/km/incentives?sector=1079&province=KH-12&investment=2000000&exports=on".into(),
            None,
        ),
        ("digital self-check", "/km/digital-check".into(), None),
        ("SME account", "/km/me".into(), Some(sme.as_str())),
        (
            "SME wizard, activity step (km)",
            "/km/me/new?name=%E1%9E%A0%E1%9E%B6%E1%9E%84&description=%E1%9E%93%E1%9F%86\
             &step=sector"
                .into(),
            Some(sme.as_str()),
        ),
        (
            "SME wizard, digital step",
            // With the answers of the steps before it, as a user reaches it (each step checks
            // the earlier answers before it is shown).
            "/km/me/new?name=%E1%9E%A0%E1%9E%B6%E1%9E%84&description=%E1%9E%93%E1%9F%86\
             &sector=1079&province=KH-12&step=digital"
                .into(),
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
        (
            "staff board",
            "/en/staff/pipeline".into(),
            Some(staff.as_str()),
        ),
        (
            "staff match page",
            format!("/en/staff/matches/{pipeline_match}"),
            Some(staff.as_str()),
        ),
        (
            "staff dashboard (SVG charts)",
            "/en/staff".into(),
            Some(staff.as_str()),
        ),
        (
            "SME profile seen by staff (ranks 300 investors)",
            format!("/en/smes/{public_sme}"),
            Some(staff.as_str()),
        ),
    ];
    let mut out = Vec::new();
    for (label, path, cookie) in pages {
        let mut size = 0;
        for _ in 0..5 {
            let a = c.page(&path, cookie).await?;
            if a.status != 200 {
                return Err(setup(format!("{path} answered {}", a.status)));
            }
            size = a.body.len();
        }
        let mut samples = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            let t = Instant::now();
            let a = c.page(&path, cookie).await?;
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
    let home = c.page("/en/", None).await?;
    let html = String::from_utf8_lossy(&home.body).to_string();
    let mut asset_bytes = 0;
    for link in asset_links(&html) {
        asset_bytes += c.page(&link, None).await?.body.len();
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
