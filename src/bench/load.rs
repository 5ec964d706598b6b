//! `khkr-match bench load`: the demo server under a mixed load of ordinary users, then the same
//! load with an attacker running at the same time; throughput, latency per operation, error
//! counts, the server's memory, and whether issue 12's bar is met (no 5xx for ordinary requests,
//! their p99 within 2× of the run without the attacker, memory under 1 GB).
//!
//! Everyone talks HTTP to `serve --demo` (this binary, started in a scratch directory). Each
//! ordinary user has a loopback address of its own (127.0.1.N) and an SME account it signed up
//! for, and loops over a mix: SME search (API), ranked SMEs for an investor (API), an SME
//! profile page, a log-in with its own password, and a write (publishing a business). The
//! attacker speaks from 127.0.0.2 and 127.0.0.3: the fragment bomb of issue 12 (2^20 fields
//! from 823 bytes) and a flood of wrong passwords against the demo SME account, each on several
//! connections, as fast as answers come back.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use super::client::{log_in, memory, Conn, Server};
use super::{latency, setup, BenchError, Latency};

/// What one kind of request did in a phase.
#[derive(Debug, Clone, Default)]
pub struct OpFigures {
    pub samples: Vec<Duration>,
    pub server_errors: usize,
    /// Refusals with a 4xx or a coded GraphQL error (e.g. RATE_LIMITED), by code.
    pub refused: BTreeMap<String, usize>,
    pub transport_errors: usize,
}

impl OpFigures {
    fn latency(&self) -> Option<Latency> {
        (!self.samples.is_empty()).then(|| latency(self.samples.clone()))
    }
}

#[derive(Debug, Clone)]
pub struct PhaseFigures {
    pub label: &'static str,
    pub seconds: f64,
    pub ops: BTreeMap<&'static str, OpFigures>,
    pub attacker: BTreeMap<&'static str, OpFigures>,
    pub peak_rss: u64,
}

#[derive(Debug, Clone)]
pub struct LoadFigures {
    pub connections: usize,
    pub phases: Vec<PhaseFigures>,
    /// The server's peak resident memory over the whole run (VmHWM).
    pub peak_rss: u64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Search,
    Match,
    Page,
    LogIn,
    Write,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Search => "search SMEs (API)",
            Op::Match => "SMEs for an investor (API)",
            Op::Page => "SME profile page",
            Op::LogIn => "log-in (own password)",
            Op::Write => "publish an SME (API)",
        }
    }

    /// The mix, out of 20 requests: 8 searches, 5 rankings, 4 pages, 2 log-ins, 1 write.
    fn nth(i: u64) -> Op {
        match i % 20 {
            0..=7 => Op::Search,
            8..=12 => Op::Match,
            13..=16 => Op::Page,
            17 | 18 => Op::LogIn,
            _ => Op::Write,
        }
    }
}

const WORDS: [&str; 8] = [
    "rice",
    "ស្រូវ",
    "화장품",
    "cashew",
    "garment",
    "កាហ្វេ",
    "유통",
    "coffee",
];

const SEARCH: &str =
    "query($q: String) { searchSmes(query: $q, first: 10) { totalCount edges { node { id } } } }";
const MATCH: &str =
    "query($id: ID!) { matchesForInvestor(investorId: $id, first: 10) { id score } }";
const LOG_IN: &str =
    "mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token } }";
const PUBLISH: &str = "mutation($i: SmeInput!) { publishSme(input: $i) { id } }";

fn sme_input(n: u64) -> serde_json::Value {
    json!({
        "name": { "en": format!("Load test shop {n}"), "km": format!("ហាងសាកល្បង {n}") },
        "description": { "en": "We sell rice and dried fish at the market.",
                          "km": "យើងលក់អង្ករ និងត្រីងៀតនៅផ្សារ។" },
        "sectorCode": "4721",
        "provinceCode": "KH-12",
        "partnershipTypes": ["DISTRIBUTION"],
        "digitalIndicators": ["SOCIAL_MEDIA"],
        "languages": ["km"],
        "contact": { "person": "Dara", "phone": "+855 12 000 000" }
    })
}

/// The fragment bomb of issue 12: `fragment F1 on Query { ...F0 ...F0 }` … up to `F{n}`,
/// 2^n fields from a few hundred bytes (the hardening tests send it too).
pub fn fragment_bomb(n: usize) -> String {
    let mut q = format!("query {{ ...F{n} }} fragment F0 on Query {{ __typename }}");
    for i in 1..=n {
        q.push_str(&format!(
            " fragment F{i} on Query {{ ...F{p} ...F{p} }}",
            p = i - 1
        ));
    }
    q
}

/// Records one answer under `fig`: time, and what kind of failure it was, if any.
fn record(fig: &mut OpFigures, took: Duration, answer: &Result<super::client::Answer, BenchError>) {
    match answer {
        Err(_) => fig.transport_errors += 1,
        Ok(a) => {
            fig.samples.push(took);
            if a.status >= 500 {
                fig.server_errors += 1;
            } else if a.status >= 400 {
                *fig.refused.entry(format!("HTTP {}", a.status)).or_default() += 1;
            } else if let Some(code) = a.graphql_code() {
                if code == "INTERNAL_SERVER_ERROR" {
                    fig.server_errors += 1;
                } else {
                    *fig.refused.entry(code).or_default() += 1;
                }
            }
        }
    }
}

type Shared = Arc<Mutex<BTreeMap<&'static str, OpFigures>>>;

struct User {
    conn: Conn,
    email: String,
    token: String,
}

const PASSWORD: &str = "load-test: a long passphrase nobody guesses";

/// Signs up one ordinary user from its own address.
async fn user(server: &Server, n: usize) -> Result<User, BenchError> {
    let from = IpAddr::V4(Ipv4Addr::new(127, 0, 1, (n % 250 + 1) as u8));
    let mut conn = Conn::open(from, server.addr).await?;
    let email = format!("load-{n}-{}@bench.khkr.example", std::process::id());
    let a = conn
        .graphql(
            "mutation($e: String!, $p: String!) { signUp(input: { email: $e, password: $p, role: SME }) { token } }",
            json!({ "e": email, "p": PASSWORD }),
            None,
        )
        .await?;
    let v: serde_json::Value = serde_json::from_slice(&a.body).map_err(setup)?;
    let token = v["data"]["signUp"]["token"]
        .as_str()
        .ok_or_else(|| setup(format!("sign-up failed: {v}")))?
        .to_string();
    Ok(User { conn, email, token })
}

async fn ordinary(
    mut u: User,
    seed: u64,
    investors: Arc<Vec<String>>,
    smes: Arc<Vec<String>>,
    stop: Arc<AtomicBool>,
    out: Shared,
) -> User {
    let mut local: BTreeMap<&'static str, OpFigures> = BTreeMap::new();
    let mut i = seed;
    while !stop.load(Ordering::Relaxed) {
        let op = Op::nth(i);
        let pick = |list: &[String]| list[(i as usize * 7919) % list.len()].clone();
        let t = Instant::now();
        let answer = match op {
            Op::Search => {
                let q = WORDS[i as usize % WORDS.len()];
                u.conn.graphql(SEARCH, json!({ "q": q }), None).await
            }
            Op::Match => {
                let id = pick(&investors);
                u.conn.graphql(MATCH, json!({ "id": id }), None).await
            }
            Op::Page => {
                let id = pick(&smes);
                u.conn.page(&format!("/km/smes/{id}"), None).await
            }
            Op::LogIn => {
                u.conn
                    .graphql(LOG_IN, json!({ "e": u.email, "p": PASSWORD }), None)
                    .await
            }
            Op::Write => {
                u.conn
                    .graphql(PUBLISH, json!({ "i": sme_input(i) }), Some(&u.token))
                    .await
            }
        };
        let took = t.elapsed();
        if answer.is_err() && u.conn.reopen().await.is_err() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        record(local.entry(op.name()).or_default(), took, &answer);
        i += 1;
    }
    merge(&out, local);
    u
}

fn merge(out: &Shared, local: BTreeMap<&'static str, OpFigures>) {
    let mut all = out.lock().unwrap_or_else(|e| e.into_inner());
    for (k, v) in local {
        let e = all.entry(k).or_default();
        e.samples.extend(v.samples);
        e.server_errors += v.server_errors;
        e.transport_errors += v.transport_errors;
        for (code, n) in v.refused {
            *e.refused.entry(code).or_default() += n;
        }
    }
}

/// The attacker: fragment bombs from 127.0.0.2, wrong passwords from 127.0.0.3.
async fn attacker(
    server_addr: std::net::SocketAddr,
    bomb: bool,
    stop: Arc<AtomicBool>,
    out: Shared,
) {
    let (from, name) = if bomb {
        (Ipv4Addr::new(127, 0, 0, 2), "attacker: fragment bomb")
    } else {
        (Ipv4Addr::new(127, 0, 0, 3), "attacker: wrong passwords")
    };
    let mut fig = OpFigures::default();
    let Ok(mut conn) = Conn::open(IpAddr::V4(from), server_addr).await else {
        fig.transport_errors += 1;
        merge(&out, BTreeMap::from([(name, fig)]));
        return;
    };
    let query = fragment_bomb(20);
    let mut n = 0u64;
    while !stop.load(Ordering::Relaxed) {
        let t = Instant::now();
        let answer = if bomb {
            conn.graphql(&query, json!({}), None).await
        } else {
            n += 1;
            conn.graphql(
                LOG_IN,
                json!({ "e": "sme@demo.khkr.example", "p": format!("guess-{n}-aaaaaaaa") }),
                None,
            )
            .await
        };
        let took = t.elapsed();
        if answer.is_err() && conn.reopen().await.is_err() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        record(&mut fig, took, &answer);
    }
    merge(&out, BTreeMap::from([(name, fig)]));
}

/// Ids of the first published profiles of a list query (`smes` or `investors`).
async fn ids(conn: &mut Conn, field: &str) -> Result<Vec<String>, BenchError> {
    let q = format!("{{ {field}(first: 100) {{ edges {{ node {{ id }} }} }} }}");
    let a = conn.graphql(&q, json!({}), None).await?;
    let v: serde_json::Value = serde_json::from_slice(&a.body).map_err(setup)?;
    let out: Vec<String> = v["data"][field]["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .filter_map(|e| e["node"]["id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if out.is_empty() {
        return Err(setup(format!("no {field} on the demo server: {v}")));
    }
    Ok(out)
}

/// Runs both phases of `seconds` each with `connections` ordinary users.
pub async fn load_bench(connections: usize, seconds: u64) -> Result<LoadFigures, BenchError> {
    // Each user publishes on its writes, many more profiles than one account may keep on the
    // site: the cap would turn the writes measured into refusals.
    let server = Server::start("load", &["--max-profiles-per-account", "0"])?;
    let pid = server.pid();
    let mut admin = Conn::open(IpAddr::V4(Ipv4Addr::LOCALHOST), server.addr).await?;
    // Checks the demo account works before the flood locks it (the flood is the point).
    log_in(&mut admin, "sme@demo.khkr.example", server.password("SME")?).await?;
    let investors = Arc::new(ids(&mut admin, "investors").await?);
    let smes = Arc::new(ids(&mut admin, "smes").await?);
    eprintln!("signing up {connections} users, each from its own address…");
    let mut users = Vec::with_capacity(connections);
    for n in 0..connections {
        users.push(user(&server, n).await?);
    }
    let mut phases = Vec::new();
    for (label, attack) in [("without attacker", false), ("with attacker", true)] {
        eprintln!("{label}: {connections} connections for {seconds} s…");
        let stop = Arc::new(AtomicBool::new(false));
        let ops: Shared = Default::default();
        let attacks: Shared = Default::default();
        let mut tasks = Vec::new();
        for (k, u) in users.drain(..).enumerate() {
            tasks.push(tokio::spawn(ordinary(
                u,
                (k * 13) as u64,
                investors.clone(),
                smes.clone(),
                stop.clone(),
                ops.clone(),
            )));
        }
        let mut attackers = Vec::new();
        if attack {
            for k in 0..8 {
                attackers.push(tokio::spawn(attacker(
                    server.addr,
                    k % 2 == 0,
                    stop.clone(),
                    attacks.clone(),
                )));
            }
        }
        let started = Instant::now();
        let mut peak = 0;
        while started.elapsed() < Duration::from_secs(seconds) {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if let Some((rss, _)) = memory(pid) {
                peak = peak.max(rss);
            }
        }
        stop.store(true, Ordering::Relaxed);
        for t in tasks {
            users.push(t.await.map_err(setup)?);
        }
        for t in attackers {
            t.await.map_err(setup)?;
        }
        let elapsed = started.elapsed().as_secs_f64();
        let take = |s: &Shared| std::mem::take(&mut *s.lock().unwrap_or_else(|e| e.into_inner()));
        phases.push(PhaseFigures {
            label,
            seconds: elapsed,
            ops: take(&ops),
            attacker: take(&attacks),
            peak_rss: peak,
        });
    }
    let peak_rss = memory(pid).map(|(_, hwm)| hwm).unwrap_or(0);
    drop(server);
    Ok(LoadFigures {
        connections,
        phases,
        peak_rss,
    })
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn refused(f: &OpFigures) -> String {
    if f.refused.is_empty() {
        return "0".into();
    }
    f.refused
        .iter()
        .map(|(k, v)| format!("{v} {k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Prints the tables and the verdict; returns whether issue 12's bar was met.
pub fn print_load(f: &LoadFigures) -> bool {
    let mb = |b: u64| b as f64 / (1024.0 * 1024.0);
    for p in &f.phases {
        let total: usize = p.ops.values().map(|o| o.samples.len()).sum();
        println!();
        println!(
            "{} ({} connections, {:.0} s): {:.0} ordinary requests/s, server peak RSS {:.0} MB",
            p.label,
            f.connections,
            p.seconds,
            total as f64 / p.seconds,
            mb(p.peak_rss)
        );
        println!("| operation | requests | p50 ms | p99 ms | 5xx | refused | transport errors |");
        println!("|---|---:|---:|---:|---:|---|---:|");
        for (name, o) in p.ops.iter().chain(p.attacker.iter()) {
            let (p50, p99) = o
                .latency()
                .map_or(("-".into(), "-".into()), |l| (ms(l.p50), ms(l.p99)));
            println!(
                "| {name} | {} | {p50} | {p99} | {} | {} | {} |",
                o.samples.len(),
                o.server_errors,
                refused(o),
                o.transport_errors
            );
        }
    }
    let (Some(base), Some(attacked)) = (f.phases.first(), f.phases.get(1)) else {
        return false;
    };
    println!();
    println!("| operation | p99 without | p99 with attacker | ratio |");
    println!("|---|---:|---:|---:|");
    let mut within = true;
    for (name, o) in &attacked.ops {
        let (Some(a), Some(b)) = (o.latency(), base.ops.get(name).and_then(|b| b.latency())) else {
            continue;
        };
        let ratio = a.p99.as_secs_f64() / b.p99.as_secs_f64().max(1e-9);
        within &= ratio <= 2.0;
        println!("| {name} | {} | {} | {ratio:.2} |", ms(b.p99), ms(a.p99));
    }
    let no_5xx = f.phases.iter().all(|p| {
        p.ops
            .values()
            .all(|o| o.server_errors == 0 && o.transport_errors == 0)
    });
    let memory_ok = f.peak_rss < 1024 * 1024 * 1024;
    println!();
    println!(
        "ordinary requests without 5xx or dropped connections: {}",
        if no_5xx { "yes" } else { "NO" }
    );
    println!(
        "ordinary p99 within 2x of the run without attacker: {}",
        if within { "yes" } else { "NO" }
    );
    println!(
        "server peak memory {:.0} MB, under 1 GB: {}",
        mb(f.peak_rss),
        if memory_ok { "yes" } else { "NO" }
    );
    no_5xx && within && memory_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mix_has_every_operation_in_its_share() {
        let mut counts = BTreeMap::new();
        for i in 0..200 {
            *counts.entry(Op::nth(i).name()).or_insert(0) += 1;
        }
        assert_eq!(counts[Op::Search.name()], 80);
        assert_eq!(counts[Op::Match.name()], 50);
        assert_eq!(counts[Op::Page.name()], 40);
        assert_eq!(counts[Op::LogIn.name()], 20);
        assert_eq!(counts[Op::Write.name()], 10);
        // 2^20 fields from under a kilobyte.
        assert!(fragment_bomb(20).len() < 1024);
    }
}
