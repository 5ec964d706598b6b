//! Cooperative cancellation of work that runs on a thread of its own.
//!
//! Dropping a future cancels what it awaits, but not work already handed to the blocking pool:
//! that thread runs to its end unless it looks. A [`Cancel`] is the flag it looks at. The async
//! side holds a [`CancelOnDrop`] guard, so the flag is raised however the request ends early
//! (its deadline passed, its client went away, the server is stopping); the blocking side calls
//! [`Cancel::check`] between units of work and returns [`Cancelled`] once it is raised.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A shared flag: raised by whoever gave up on the work, read by the work.
#[derive(Debug, Clone, Default)]
pub struct Cancel {
    inner: Arc<Flags>,
}

#[derive(Debug, Default)]
struct Flags {
    /// Someone gave up on the work.
    requested: AtomicBool,
    /// The work saw it and stopped early.
    stopped: AtomicBool,
}

/// The work stopped because nobody waits for its result any more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cancelled: nobody waits for the result any more")]
pub struct Cancelled;

impl Cancel {
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the work to stop at its next check.
    pub fn cancel(&self) {
        self.inner.requested.store(true, Ordering::Release);
    }

    /// `Err(Cancelled)` once cancellation was asked for; the work should return it at once.
    pub fn check(&self) -> Result<(), Cancelled> {
        if self.inner.requested.load(Ordering::Acquire) {
            self.inner.stopped.store(true, Ordering::Release);
            Err(Cancelled)
        } else {
            Ok(())
        }
    }

    /// Whether the work saw the flag and stopped early (rather than finishing first).
    pub fn stopped(&self) -> bool {
        self.inner.stopped.load(Ordering::Acquire)
    }

    /// A guard that raises the flag when dropped: held by the future that waits for the work.
    pub fn on_drop(&self) -> CancelOnDrop {
        CancelOnDrop(self.clone())
    }
}

/// Raises its [`Cancel`] when dropped (see the module documentation).
#[derive(Debug)]
pub struct CancelOnDrop(Cancel);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guard_raises_the_flag_and_a_check_records_the_stop() {
        let c = Cancel::new();
        let guard = c.on_drop();
        assert_eq!(c.check(), Ok(()));
        assert!(!c.stopped());
        drop(guard);
        assert_eq!(c.check(), Err(Cancelled));
        assert!(c.stopped());
    }

    #[test]
    fn a_raised_flag_nobody_checks_is_not_a_stop() {
        let c = Cancel::new();
        c.cancel();
        assert!(!c.stopped());
    }
}
