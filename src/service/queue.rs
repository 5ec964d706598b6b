//! A bounded queue for one kind of expensive work (issue 12): at most `workers` run at once,
//! at most `waiting` more wait (asynchronously, so a request cancelled by its deadline or by
//! its client leaving gives up its place and its work never starts), and one more is refused at
//! once with `RATE_LIMITED`. One queue per kind of work, so a flood of one kind does not starve
//! the others of the blocking pool.
//!
//! Work that already runs is cancelled too: it gets a [`Cancel`] raised when the awaiting future
//! is dropped (deadline, client gone), looks at it between units of work and stops, giving its
//! worker back at once instead of finishing for nobody.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use crate::cancel::Cancel;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::{ServiceError, ServiceResult};

pub struct WorkQueue {
    what: &'static str,
    workers: Arc<Semaphore>,
    waiting: AtomicUsize,
    max_waiting: usize,
    workers_total: usize,
    /// Work that saw its cancellation and stopped early (for `/metrics`).
    cancelled: Arc<AtomicU64>,
}

/// Decrements the waiting count however the wait ends (turn, refusal or cancellation).
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl WorkQueue {
    pub fn new(what: &'static str, workers: usize, max_waiting: usize) -> Self {
        WorkQueue {
            what,
            workers: Arc::new(Semaphore::new(workers.max(1))),
            waiting: AtomicUsize::new(0),
            max_waiting,
            workers_total: workers.max(1),
            cancelled: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Runs `f` on the blocking pool once a worker is free. `f` should look at its [`Cancel`]
    /// now and then and return early once it is raised: it is raised when the future of this
    /// call is dropped, so nobody waits for the result any more.
    pub async fn run<T, F>(&self, f: F) -> ServiceResult<T>
    where
        F: FnOnce(&Cancel) -> T + Send + 'static,
        T: Send + 'static,
    {
        let cancel = Cancel::new();
        // Dropped with this future, however it ends; after a normal end the flag is harmless.
        let _raise = cancel.on_drop();
        let permit = self.turn().await?;
        let (what, cancelled) = (self.what, self.cancelled.clone());
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let out = f(&cancel);
            if cancel.stopped() {
                cancelled.fetch_add(1, Ordering::Relaxed);
                tracing::info!(work = what, "cancelled while running: nobody waited for it");
            }
            out
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("{} task failed: {e}", self.what)))
    }

    async fn turn(&self) -> ServiceResult<OwnedSemaphorePermit> {
        if let Ok(p) = self.workers.clone().try_acquire_owned() {
            return Ok(p);
        }
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= self.max_waiting {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(ServiceError::busy(
                format!("too many {} requests waiting; retry shortly", self.what),
                1,
            ));
        }
        let _waiting = Waiting(&self.waiting);
        self.workers
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| ServiceError::Internal(format!("the {} queue is closed", self.what)))
    }

    /// Requests waiting now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Acquire)
    }

    /// Work running now (workers taken).
    pub fn running(&self) -> usize {
        self.workers_total
            .saturating_sub(self.workers.available_permits())
    }

    /// Work stopped early by its cancellation since start.
    pub fn cancelled(&self) -> u64 {
        self.cancelled.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn past_its_workers_and_waiters_work_is_refused_and_cancelled_waits_leave() {
        let q = Arc::new(WorkQueue::new("test", 1, 1));
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let busy = tokio::spawn({
            let q = q.clone();
            async move { q.run(move |_| rx.recv().ok()).await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        // One waits; the next is refused at once.
        let waiter = tokio::spawn({
            let q = q.clone();
            async move { q.run(|_| 2).await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(q.waiting(), 1);
        assert!(matches!(q.run(|_| 3).await, Err(ServiceError::Busy { .. })));
        // A cancelled wait gives its place back.
        waiter.abort();
        let _ = waiter.await;
        assert_eq!(q.waiting(), 0);
        tx.send(()).unwrap();
        assert!(busy.await.unwrap().is_ok());
        assert_eq!(q.run(|_| 4).await.unwrap(), 4);
        assert_eq!(q.cancelled(), 0);
    }

    #[tokio::test]
    async fn running_work_whose_caller_leaves_is_told_to_stop_and_frees_its_worker() {
        let q = Arc::new(WorkQueue::new("test", 1, 1));
        let (started_tx, started_rx) = tokio::sync::oneshot::channel::<()>();
        let caller = tokio::spawn({
            let q = q.clone();
            async move {
                q.run(move |cancel| {
                    let _ = started_tx.send(());
                    // Stands for a long scan: it only ends by seeing the flag.
                    while cancel.check().is_ok() {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                })
                .await
            }
        });
        started_rx.await.unwrap();
        assert_eq!(q.running(), 1);
        // The caller goes away (as a request past its deadline does).
        caller.abort();
        let _ = caller.await;
        // The worker comes back without the work ever finishing on its own.
        let next = tokio::time::timeout(Duration::from_secs(5), q.run(|_| 5)).await;
        assert_eq!(next.unwrap().unwrap(), 5);
        assert_eq!(q.cancelled(), 1);
        assert_eq!(q.running(), 0);
    }
}
