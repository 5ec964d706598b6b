//! `/metrics` in the Prometheus text format (version 0.0.4): GraphQL requests by operation and
//! outcome code with a latency histogram, requests in flight, refusals by the rate limits, the
//! search index's lag behind the outbox.
//!
//! Labels are bounded: the operation is its kind and root field (`query:searchSmes`), never the
//! client-chosen operation name, and past [`MAX_SERIES`] distinct label pairs new ones are
//! counted under `other`, so no client can grow this registry without bound.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Distinct (operation, code) pairs kept before new ones go to `other`.
pub const MAX_SERIES: usize = 500;

#[derive(Default, Clone)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// The process's counters.
#[derive(Default)]
pub struct Metrics {
    series: Mutex<HashMap<(String, String), Series>>,
    /// RATE_LIMITED answers (log-in, sign-up, writes, hashing queue).
    pub rate_limited: AtomicU64,
}

impl Metrics {
    /// Records one GraphQL request.
    pub fn observe(&self, operation: &str, code: &str, took: Duration) {
        let Ok(mut map) = self.series.lock() else {
            return;
        };
        let mut key = (operation.to_string(), code.to_string());
        if !map.contains_key(&key) && map.len() >= MAX_SERIES {
            key = ("other".into(), "other".into());
        }
        let series = map.entry(key).or_default();
        let secs = took.as_secs_f64();
        series.count += 1;
        series.sum += secs;
        for (bucket, bound) in series.buckets.iter_mut().zip(BUCKETS) {
            if secs <= bound {
                *bucket += 1;
            }
        }
        if code == "RATE_LIMITED" {
            self.rate_limited.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The text exposition, with the gauges the caller reads at scrape time.
    pub fn render(&self, g: &Gauges) -> String {
        let (in_flight, outbox_head, index_applied) = (g.in_flight, g.outbox_head, g.index_applied);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP khkr_graphql_requests_total GraphQL requests by operation (kind:rootField) and outcome code."
        );
        let _ = writeln!(out, "# TYPE khkr_graphql_requests_total counter");
        let series: Vec<((String, String), Series)> = self
            .series
            .lock()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        for ((op, code), s) in &series {
            let _ = writeln!(
                out,
                "khkr_graphql_requests_total{{operation=\"{}\",code=\"{}\"}} {}",
                escape(op),
                escape(code),
                s.count
            );
        }
        let _ = writeln!(
            out,
            "# HELP khkr_graphql_request_duration_seconds GraphQL request latency."
        );
        let _ = writeln!(
            out,
            "# TYPE khkr_graphql_request_duration_seconds histogram"
        );
        for ((op, code), s) in &series {
            let labels = format!("operation=\"{}\",code=\"{}\"", escape(op), escape(code));
            for (bound, n) in BUCKETS.iter().zip(s.buckets) {
                let _ = writeln!(
                    out,
                    "khkr_graphql_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "khkr_graphql_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "khkr_graphql_request_duration_seconds_sum{{{labels}}} {}",
                s.sum
            );
            let _ = writeln!(
                out,
                "khkr_graphql_request_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
        let gauges = [
            (
                "khkr_http_requests_in_flight",
                "HTTP requests running now.",
                "gauge",
                Some(in_flight as u64),
            ),
            (
                "khkr_rate_limited_total",
                "Requests refused by a rate limit (RATE_LIMITED).",
                "counter",
                Some(self.rate_limited.load(Ordering::Relaxed)),
            ),
            (
                "khkr_outbox_head",
                "Last change written to the outbox.",
                "gauge",
                outbox_head,
            ),
            (
                "khkr_index_applied",
                "Last outbox change the search index has applied.",
                "gauge",
                Some(index_applied),
            ),
            (
                "khkr_index_lag",
                "Outbox changes not yet in the search index.",
                "gauge",
                outbox_head.map(|h| h.saturating_sub(index_applied)),
            ),
            (
                "khkr_index_failing",
                "1 while the search index cannot commit (its batches are retried), else 0.",
                "gauge",
                Some(u64::from(g.index_failing)),
            ),
            (
                "khkr_index_failures_total",
                "Index batches that failed to commit (each stays in the outbox and is retried).",
                "counter",
                Some(g.index_failures),
            ),
            (
                "khkr_outbox_depth",
                "Outbox entries kept after this replica's last prune.",
                "gauge",
                g.outbox_depth,
            ),
            (
                "khkr_outbox_pruned_through",
                "Every outbox entry at or below this position has been pruned.",
                "gauge",
                g.outbox_pruned_through,
            ),
            (
                "khkr_db_pool_connections",
                "Database connections open in the pool.",
                "gauge",
                g.pool.map(|p| u64::from(p.open)),
            ),
            (
                "khkr_db_pool_idle",
                "Open database connections not in use.",
                "gauge",
                g.pool.map(|p| u64::from(p.idle)),
            ),
            (
                "khkr_db_pool_max",
                "The pool's bound on connections.",
                "gauge",
                g.pool.map(|p| u64::from(p.max)),
            ),
            (
                "khkr_websockets_open",
                "Open GraphQL WebSockets (subscriptions).",
                "gauge",
                Some(g.websockets as u64),
            ),
            (
                "khkr_rankings_waiting",
                "Match rankings waiting for a worker.",
                "gauge",
                Some(g.rankings_waiting as u64),
            ),
            (
                "khkr_rankings_running",
                "Match rankings running on a worker.",
                "gauge",
                Some(g.rankings_running as u64),
            ),
            (
                "khkr_searches_waiting",
                "Searches waiting for a worker.",
                "gauge",
                Some(g.searches_waiting as u64),
            ),
            (
                "khkr_searches_running",
                "Searches running on a worker.",
                "gauge",
                Some(g.searches_running as u64),
            ),
            (
                "khkr_rankings_cancelled_total",
                "Match rankings stopped early because their request ended (deadline, client gone).",
                "counter",
                Some(g.rankings_cancelled),
            ),
            (
                "khkr_notices_sent_total",
                "E-mail notices the mail relay took, sent by this process.",
                "counter",
                Some(g.notices.0),
            ),
            (
                "khkr_notice_attempts_retried_total",
                "Attempts to send a notice that failed and will be tried again (relay down, 4xx).",
                "counter",
                Some(g.notices.1),
            ),
            (
                "khkr_notices_given_up_total",
                "E-mail notices given up: a refused address, ten failed attempts, nobody to send to.",
                "counter",
                Some(g.notices.2),
            ),
        ];
        for (name, help, kind, value) in gauges {
            if let Some(value) = value {
                let _ = writeln!(
                    out,
                    "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
                );
            }
        }
        out
    }
}

/// What `/metrics` reads at scrape time besides its counters.
#[derive(Debug, Clone, Copy, Default)]
pub struct Gauges {
    pub in_flight: usize,
    pub outbox_head: Option<u64>,
    pub index_applied: u64,
    pub pool: Option<crate::store::PoolUsage>,
    pub rankings_waiting: usize,
    pub rankings_running: usize,
    pub searches_waiting: usize,
    pub searches_running: usize,
    /// Open WebSockets (bounded by `--max-websockets`).
    pub websockets: usize,
    pub rankings_cancelled: u64,
    pub index_failures: u64,
    pub index_failing: bool,
    /// From this replica's last prune (absent before the first).
    pub outbox_depth: Option<u64>,
    pub outbox_pruned_through: Option<u64>,
    /// This process's e-mail notices: sent, attempts to be retried, given up.
    pub notices: (u64, u64, u64),
}

/// Label values are quoted: backslash, quote and newline escaped.
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_and_histograms() {
        let m = Metrics::default();
        m.observe("query:smes", "OK", Duration::from_millis(7));
        m.observe("mutation:logIn", "RATE_LIMITED", Duration::from_millis(1));
        let text = m.render(&Gauges {
            in_flight: 3,
            outbox_head: Some(10),
            index_applied: 8,
            pool: Some(crate::store::PoolUsage {
                open: 4,
                idle: 3,
                max: 8,
            }),
            rankings_waiting: 0,
            rankings_running: 1,
            searches_waiting: 5,
            searches_running: 2,
            websockets: 7,
            rankings_cancelled: 2,
            index_failures: 0,
            index_failing: false,
            outbox_depth: Some(2),
            outbox_pruned_through: Some(8),
            notices: (5, 1, 0),
        });
        assert!(text.contains("khkr_notices_sent_total 5"));
        assert!(text.contains("khkr_outbox_depth 2"));
        assert!(text.contains("khkr_websockets_open 7"));
        assert!(
            text.contains("khkr_graphql_requests_total{operation=\"query:smes\",code=\"OK\"} 1")
        );
        assert!(text.contains(
            "khkr_graphql_request_duration_seconds_bucket{operation=\"query:smes\",code=\"OK\",le=\"0.005\"} 0"
        ));
        assert!(text.contains(
            "khkr_graphql_request_duration_seconds_bucket{operation=\"query:smes\",code=\"OK\",le=\"0.01\"} 1"
        ));
        assert!(text.contains("khkr_rate_limited_total 1"));
        assert!(text.contains("khkr_rankings_running 1"));
        assert!(text.contains("khkr_searches_waiting 5"));
        assert!(text.contains("khkr_rankings_cancelled_total 2"));
        assert!(text.contains("khkr_index_lag 2"));
        assert!(text.contains("khkr_http_requests_in_flight 3"));
        assert!(text.contains("khkr_db_pool_idle 3"));
        assert!(text.contains("khkr_db_pool_max 8"));
        for i in 0..MAX_SERIES + 10 {
            m.observe(&format!("query:f{i}"), "OK", Duration::ZERO);
        }
        assert!(m.series.lock().unwrap().len() <= MAX_SERIES + 1);
    }
}
