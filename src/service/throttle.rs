//! Rate limits with exponential back-off, per client address and per account (issue 12), kept
//! in the database so they hold across replicas (issue 13).
//!
//! Each key (`login-ip:203.0.113.7`, `login-account:sokha@example.com`, `signup-ip:…`) counts
//! attempts. The first `free` attempts within the window cost nothing; each one past that
//! blocks the key for 1 s, then 2 s, 4 s, … up to [`MAX_BLOCK`]. A key forgets its attempts
//! [`WINDOW`] after the last one, and a successful log-in clears its account's key. Writes
//! use a token bucket per account (or address, when anonymous): a burst, then a steady rate.
//!
//! The counters live in the store (`Store::count_attempt`, `Store::take_token`: one atomic
//! upsert each), so a limit is the same whichever replica a client reaches, and a restart
//! forgets nothing. There is no in-memory fast path: any local answer could only be older than
//! the shared one, and would let a client that alternates replicas count apart. Behind a
//! reverse proxy every client has the proxy's address unless `--trusted-proxies` names it.

use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;

use super::error::{ServiceError, ServiceResult};
use crate::store::{Attempts, Store};

/// The address a refusal, an open connection or WebSocket, or queued work counts against: IPv4 as it is, IPv6 by its
/// /64.
pub fn address_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => {
            let mut octets = v6.octets();
            octets[8..].fill(0);
            IpAddr::from(octets)
        }
    }
}

/// Attempts are forgotten this long after the last one.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// The longest a key is blocked after repeated failures.
pub const MAX_BLOCK: Duration = Duration::from_secs(15 * 60);
/// Counted attempts between sweeps of keys idle for longer than the window.
const SWEEP_EVERY: u64 = 10_000;

/// The limits, from the configuration (`--login-failures-per-ip` and friends).
#[derive(Debug, Clone, Copy)]
pub struct ThrottleConfig {
    pub login_failures_per_ip: u32,
    pub login_failures_per_account: u32,
    pub signups_per_ip: u32,
    pub write_burst: u32,
    pub writes_per_second: f64,
}

/// The limits over the shared counters.
pub struct Throttle {
    pub config: ThrottleConfig,
    store: Arc<dyn Store>,
    counted: AtomicU64,
}

fn refuse(what: &str, wait: Duration) -> ServiceError {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    ServiceError::rate_limited(format!("too many {what}; retry in {} s", secs.max(1)), secs)
}

/// Until when attempts block their key: `free` attempts cost nothing; from then on the key
/// waits before each further attempt, twice as long each time (1 s, 2 s, …), counted from the
/// latest one. So with 5 free log-in failures the sixth try is refused for a second.
fn blocked_until(a: Attempts, free: u32) -> Option<OffsetDateTime> {
    let free = i64::from(free);
    if a.count < free {
        return None;
    }
    let excess = (a.count - free).min(20) as u32;
    let block = Duration::from_secs(1u64 << excess).min(MAX_BLOCK);
    Some(a.last + block)
}

impl Throttle {
    pub fn new(config: ThrottleConfig, store: Arc<dyn Store>) -> Self {
        Throttle {
            config,
            store,
            counted: AtomicU64::new(0),
        }
    }

    /// Refuses when `key` is blocked now (call before doing the work); `free` is the key's
    /// number of attempts that cost nothing.
    pub async fn check(&self, key: &str, free: u32, what: &str) -> ServiceResult<()> {
        let now = OffsetDateTime::now_utc();
        let Some(attempts) = self.store.attempts(key).await? else {
            return Ok(());
        };
        if now - attempts.last >= WINDOW {
            return Ok(());
        }
        match blocked_until(attempts, free) {
            Some(until) if until > now => {
                Err(refuse(what, (until - now).try_into().unwrap_or(MAX_BLOCK)))
            }
            _ => Ok(()),
        }
    }

    /// Counts one attempt against `key` (a failed log-in, a sign-up); past `free` attempts the
    /// key is blocked for an exponentially growing time.
    pub async fn count(&self, key: &str) -> ServiceResult<()> {
        let now = OffsetDateTime::now_utc();
        self.store.count_attempt(key, now, WINDOW).await?;
        if self.counted.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            if let Err(e) = self.store.sweep_rate_limits(now - WINDOW).await {
                tracing::warn!(error = %e, "could not sweep idle rate-limit keys");
            }
        }
        Ok(())
    }

    /// Forgets `key` (a successful log-in clears its account's failures).
    pub async fn clear(&self, key: &str) -> ServiceResult<()> {
        Ok(self.store.clear_attempts(key).await?)
    }

    /// Takes one write from `key`'s bucket, or refuses with the time until the next one.
    pub async fn write(&self, key: &str) -> ServiceResult<()> {
        let (burst, rate) = (
            f64::from(self.config.write_burst.max(1)),
            self.config.writes_per_second.max(0.001),
        );
        let now = OffsetDateTime::now_utc();
        let (granted, left) = self.store.take_token(key, now, burst, rate).await?;
        if granted {
            Ok(())
        } else {
            Err(refuse(
                "writes",
                Duration::from_secs_f64(((1.0 - left) / rate).clamp(0.0, 86_400.0)),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn throttle(dir: &std::path::Path) -> Throttle {
        let url = format!("sqlite:{}", dir.join("t.db").display());
        let store = crate::store::open(&url).await.expect("store");
        Throttle::new(
            ThrottleConfig {
                login_failures_per_ip: 3,
                login_failures_per_account: 2,
                signups_per_ip: 2,
                write_burst: 2,
                writes_per_second: 0.5,
            },
            store,
        )
    }

    fn retry(r: ServiceResult<()>) -> u64 {
        match r {
            Err(ServiceError::RateLimited {
                retry_after_secs, ..
            }) => retry_after_secs,
            other => panic!("not limited: {other:?}"),
        }
    }

    #[tokio::test]
    async fn backs_off_after_the_free_attempts() {
        let dir = tempfile::tempdir().expect("dir");
        let t = throttle(dir.path()).await;
        t.count("k").await.unwrap();
        assert!(t.check("k", 2, "log-ins").await.is_ok());
        // Two attempts spent: the third waits a second.
        t.count("k").await.unwrap();
        assert_eq!(retry(t.check("k", 2, "log-ins").await), 1);
        t.count("k").await.unwrap();
        t.count("k").await.unwrap();
        assert_eq!(retry(t.check("k", 2, "log-ins").await), 4);
        t.clear("k").await.unwrap();
        assert!(t.check("k", 2, "log-ins").await.is_ok());
        assert!(t.check("other", 2, "log-ins").await.is_ok());
    }

    #[tokio::test]
    async fn writes_come_from_a_bucket() {
        let dir = tempfile::tempdir().expect("dir");
        let t = throttle(dir.path()).await;
        assert!(t.write("a").await.is_ok());
        assert!(t.write("a").await.is_ok());
        assert_eq!(retry(t.write("a").await), 2, "half a token a second");
        assert!(t.write("b").await.is_ok());
    }
}
