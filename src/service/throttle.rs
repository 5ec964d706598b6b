//! Rate limits with exponential back-off, per client address and per account (issue 12).
//!
//! Each key (`login-ip:203.0.113.7`, `login-account:sokha@example.com`, `signup-ip:…`) counts
//! attempts. The first `free` attempts within the window cost nothing; each one past that
//! blocks the key for 1 s, then 2 s, 4 s, … up to [`MAX_BLOCK`]. A key forgets its attempts
//! [`WINDOW`] after the last one, and a successful log-in clears its account's key. Writes
//! use a token bucket per account (or address, when anonymous): a burst, then a steady rate.
//!
//! The state is in memory, per process: a restart forgets it, and replicas count apart (a
//! shared store would be needed to count across replicas). Behind a reverse proxy every client
//! has the proxy's address: give the proxy its own limits, or raise the per-address ones.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::error::{ServiceError, ServiceResult};

/// Attempts are forgotten this long after the last one.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// The longest a key is blocked after repeated failures.
pub const MAX_BLOCK: Duration = Duration::from_secs(15 * 60);
/// Entries kept before idle ones are swept (bounds the memory an address scan can take).
const SWEEP_AT: usize = 100_000;

/// The limits, from the configuration (`--login-failures-per-ip` and friends).
#[derive(Debug, Clone, Copy)]
pub struct ThrottleConfig {
    pub login_failures_per_ip: u32,
    pub login_failures_per_account: u32,
    pub signups_per_ip: u32,
    pub write_burst: u32,
    pub writes_per_second: f64,
}

#[derive(Debug, Clone, Copy)]
struct Attempts {
    count: u32,
    last: Instant,
    blocked_until: Option<Instant>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// The counters of one process.
pub struct Throttle {
    pub config: ThrottleConfig,
    attempts: Mutex<HashMap<String, Attempts>>,
    buckets: Mutex<HashMap<String, Bucket>>,
}

fn refuse(what: &str, wait: Duration) -> ServiceError {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    ServiceError::rate_limited(format!("too many {what}; retry in {} s", secs.max(1)), secs)
}

impl Throttle {
    pub fn new(config: ThrottleConfig) -> Self {
        Throttle {
            config,
            attempts: Mutex::new(HashMap::new()),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Refuses when `key` is blocked now (call before doing the work).
    pub fn check(&self, key: &str, what: &str) -> ServiceResult<()> {
        let now = Instant::now();
        let Ok(map) = self.attempts.lock() else {
            return Ok(());
        };
        match map.get(key).and_then(|a| a.blocked_until) {
            Some(until) if until > now => Err(refuse(what, until - now)),
            _ => Ok(()),
        }
    }

    /// Counts one attempt against `key` (a failed log-in, a sign-up); past `free` attempts the
    /// key is blocked for an exponentially growing time.
    pub fn count(&self, key: &str, free: u32) {
        let now = Instant::now();
        let Ok(mut map) = self.attempts.lock() else {
            return;
        };
        if map.len() >= SWEEP_AT {
            map.retain(|_, a| now.duration_since(a.last) < WINDOW);
        }
        let entry = map.entry(key.to_string()).or_insert(Attempts {
            count: 0,
            last: now,
            blocked_until: None,
        });
        if now.duration_since(entry.last) >= WINDOW {
            entry.count = 0;
            entry.blocked_until = None;
        }
        entry.count = entry.count.saturating_add(1);
        entry.last = now;
        if entry.count > free {
            let excess = (entry.count - free - 1).min(20);
            let block = Duration::from_secs(1u64 << excess).min(MAX_BLOCK);
            entry.blocked_until = Some(now + block);
        }
    }

    /// Forgets `key` (a successful log-in clears its account's failures).
    pub fn clear(&self, key: &str) {
        if let Ok(mut map) = self.attempts.lock() {
            map.remove(key);
        }
    }

    /// Takes one write from `key`'s bucket, or refuses with the time until the next one.
    pub fn write(&self, key: &str) -> ServiceResult<()> {
        let (burst, rate) = (
            f64::from(self.config.write_burst.max(1)),
            self.config.writes_per_second.max(0.001),
        );
        let now = Instant::now();
        let Ok(mut map) = self.buckets.lock() else {
            return Ok(());
        };
        if map.len() >= SWEEP_AT {
            map.retain(|_, b| now.duration_since(b.at) < WINDOW);
        }
        let bucket = map.entry(key.to_string()).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        bucket.tokens =
            (bucket.tokens + now.duration_since(bucket.at).as_secs_f64() * rate).min(burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(refuse(
                "writes",
                Duration::from_secs_f64((1.0 - bucket.tokens) / rate),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle() -> Throttle {
        Throttle::new(ThrottleConfig {
            login_failures_per_ip: 3,
            login_failures_per_account: 2,
            signups_per_ip: 2,
            write_burst: 2,
            writes_per_second: 0.5,
        })
    }

    #[test]
    fn backs_off_after_the_free_attempts() {
        let t = throttle();
        t.count("k", 2);
        t.count("k", 2);
        assert!(t.check("k", "log-ins").is_ok());
        t.count("k", 2);
        let Err(ServiceError::RateLimited {
            retry_after_secs, ..
        }) = t.check("k", "log-ins")
        else {
            panic!("not limited")
        };
        assert_eq!(retry_after_secs, 1);
        t.count("k", 2);
        t.count("k", 2);
        let Err(ServiceError::RateLimited {
            retry_after_secs, ..
        }) = t.check("k", "log-ins")
        else {
            panic!("not limited")
        };
        assert_eq!(retry_after_secs, 4);
        t.clear("k");
        assert!(t.check("k", "log-ins").is_ok());
        assert!(t.check("other", "log-ins").is_ok());
    }

    #[test]
    fn writes_come_from_a_bucket() {
        let t = throttle();
        assert!(t.write("a").is_ok());
        assert!(t.write("a").is_ok());
        assert!(t.write("a").is_err());
        assert!(t.write("b").is_ok());
    }
}
