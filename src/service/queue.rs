//! A bounded queue for one kind of expensive work (issue 12): at most `workers` run at once,
//! at most `waiting` more wait (asynchronously, so a request cancelled by its deadline or by
//! its client leaving gives up its place and its work never starts), and one more is refused at
//! once with `RATE_LIMITED`. One queue per kind of work, so a flood of one kind does not starve
//! the others of the blocking pool.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::{ServiceError, ServiceResult};

pub struct WorkQueue {
    what: &'static str,
    workers: Arc<Semaphore>,
    waiting: AtomicUsize,
    max_waiting: usize,
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
        }
    }

    /// Runs `f` on the blocking pool once a worker is free.
    pub async fn run<T, F>(&self, f: F) -> ServiceResult<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let permit = self.turn().await?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            f()
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
            return Err(ServiceError::RateLimited {
                message: format!("too many {} requests waiting; retry shortly", self.what),
                retry_after_secs: 1,
            });
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
            async move { q.run(move || rx.recv().ok()).await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        // One waits; the next is refused at once.
        let waiter = tokio::spawn({
            let q = q.clone();
            async move { q.run(|| 2).await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(q.waiting(), 1);
        assert!(matches!(
            q.run(|| 3).await,
            Err(ServiceError::RateLimited { .. })
        ));
        // A cancelled wait gives its place back.
        waiter.abort();
        let _ = waiter.await;
        assert_eq!(q.waiting(), 0);
        tx.send(()).unwrap();
        assert!(busy.await.unwrap().is_ok());
        assert_eq!(q.run(|| 4).await.unwrap(), 4);
    }
}
