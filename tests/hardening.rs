//! Attacks a hostile client would try, each refused quickly and cleanly by the real server
//! (issue 12). Every test here failed on the code before the hardening: the comment on each says
//! what it did then.

mod common;

use std::time::Instant;

use common::{error_code, TestServer};
use serde_json::{json, Value};

/// The server's peak resident memory in MiB (VmHWM from /proc), or None off Linux.
fn peak_rss_mib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

/// POSTs a raw GraphQL request body; returns (status, headers' Retry-After, JSON body).
fn post(base: &str, body: &Value) -> (u16, Option<String>, Value) {
    let answer = ureq::post(&format!("{base}/graphql")).send_json(body.clone());
    let r = match answer {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("request failed: {e}"),
    };
    let status = r.status();
    let retry = r.header("Retry-After").map(String::from);
    let text = r.into_string().unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or_else(|_| json!({ "raw": text }));
    (status, retry, body)
}

/// Before: each failed log-in hashed on its own blocking thread, 19 MiB apiece, unbounded;
/// 64 concurrent log-ins took the server to 5.2 GB. Now hashing runs on a pool of about the
/// core count and the rest wait in a bounded queue or are refused with RATE_LIMITED.
#[test]
fn concurrent_log_ins_keep_memory_bounded() {
    let s = TestServer::start();
    let Some(before) = peak_rss_mib(s.pid()) else {
        eprintln!("SKIPPED: concurrent_log_ins_keep_memory_bounded (no /proc on this system)");
        return;
    };
    let started = Instant::now();
    let codes: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..64)
            .map(|i| {
                let base = s.base.clone();
                scope.spawn(move || {
                    let (_, _, body) = post(
                        &base,
                        &json!({
                            "query": "mutation($e: String!) { logIn(email: $e, password: \"wrong password 1\") { token } }",
                            "variables": { "e": format!("nobody-{i}@test.example") }
                        }),
                    );
                    error_code(&body).to_string()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let elapsed = started.elapsed();
    let peak = peak_rss_mib(s.pid()).unwrap();
    eprintln!(
        "64 concurrent failed logIns: peak RSS {before} MiB -> {peak} MiB in {elapsed:.1?}; codes {:?}",
        {
            let mut c = codes.clone();
            c.sort();
            c.dedup();
            c
        }
    );
    assert!(
        codes
            .iter()
            .all(|c| c == "UNAUTHENTICATED" || c == "RATE_LIMITED"),
        "{codes:?}"
    );
    assert!(
        peak < 400,
        "peak RSS {peak} MiB after 64 concurrent log-ins"
    );
}
