//! A bounded queue for one kind of expensive work (issue 12): at most `workers` run at once,
//! at most `waiting` more wait (asynchronously, so a request cancelled by its deadline or by
//! its client leaving gives up its place and its work never starts), and one more is refused at
//! once with `RATE_LIMITED`. One queue per kind of work, so a flood of one kind does not starve
//! the others of the blocking pool.
//!
//! Work that already runs is cancelled too: it gets a [`Cancel`] raised when the awaiting future
//! is dropped (deadline, client gone), looks at it between units of work and stops, giving its
//! worker back at once instead of finishing for nobody.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::cancel::Cancel;

use tokio::sync::oneshot;

use super::{ServiceError, ServiceResult};

pub struct WorkQueue {
    what: &'static str,
    state: Arc<Mutex<State>>,
    max_waiting: usize,
    workers_total: usize,
    /// Work that saw its cancellation and stopped early (for `/metrics`).
    cancelled: Arc<AtomicU64>,
}

/// Who a piece of work is for: the client's address (IPv6 per /64), or `None` when the
/// transport did not say.
type Client = Option<IpAddr>;

/// Workers free, who waits, how much each client runs now, and when each client that runs
/// or waits was last given a turn.
struct State {
    free: usize,
    next_ticket: u64,
    waiting: VecDeque<Waiter>,
    running: HashMap<Client, usize>,
    /// Turns given so far; each client's last, kept while it runs or waits.
    turns: u64,
    last_turn: HashMap<Client, u64>,
}

struct Waiter {
    ticket: u64,
    client: Client,
    /// Told when the turn is handed over (the count of its client already raised).
    hand: oneshot::Sender<()>,
}

impl State {
    /// A worker came free: the next turn goes to the waiting client served longest ago (one
    /// never served first), its earliest request: clients take turns. First come, first served
    /// let one client that queued twenty searches make everyone else wait behind them (QA:
    /// another address's search went from 6 ms to 2 s); now a client waits for at most one
    /// turn of each other client waiting, however much they queued.
    fn pass(&mut self) {
        loop {
            let next = (0..self.waiting.len()).min_by_key(|&i| {
                let w = &self.waiting[i];
                (
                    self.last_turn.get(&w.client).copied().unwrap_or(0),
                    w.ticket,
                )
            });
            let Some(w) = next.and_then(|i| self.waiting.remove(i)) else {
                self.free += 1;
                return;
            };
            self.started(w.client);
            if w.hand.send(()).is_ok() {
                return;
            }
            // Its caller left in the meantime: the turn goes on.
            self.finished(w.client);
        }
    }

    fn started(&mut self, client: Client) {
        *self.running.entry(client).or_insert(0) += 1;
        self.turns += 1;
        self.last_turn.insert(client, self.turns);
    }

    fn finished(&mut self, client: Client) {
        if let Some(n) = self.running.get_mut(&client) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.running.remove(&client);
            }
        }
        self.forget_if_idle(client);
    }

    /// A client that neither runs nor waits is forgotten, so the map holds only those that do.
    fn forget_if_idle(&mut self, client: Client) {
        if !self.running.contains_key(&client) && !self.waiting.iter().any(|w| w.client == client) {
            self.last_turn.remove(&client);
        }
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}

/// A worker taken; given back, to the next waiter by [`State::pass`], when dropped.
struct Turn {
    state: Arc<Mutex<State>>,
    client: Client,
}

impl Drop for Turn {
    fn drop(&mut self) {
        let mut s = lock(&self.state);
        s.finished(self.client);
        s.pass();
    }
}

/// A place in the queue, left however the wait ends: the waiter is taken out, and a turn handed
/// over just as the caller left is given back.
struct Waiting {
    state: Arc<Mutex<State>>,
    ticket: u64,
    client: Client,
    told: Option<oneshot::Receiver<()>>,
}

impl Drop for Waiting {
    fn drop(&mut self) {
        let Some(mut told) = self.told.take() else {
            return;
        };
        let mut s = lock(&self.state);
        if let Some(i) = s.waiting.iter().position(|w| w.ticket == self.ticket) {
            s.waiting.remove(i);
            s.forget_if_idle(self.client);
        } else if told.try_recv().is_ok() {
            s.finished(self.client);
            s.pass();
        }
    }
}

impl WorkQueue {
    pub fn new(what: &'static str, workers: usize, max_waiting: usize) -> Self {
        WorkQueue {
            what,
            state: Arc::new(Mutex::new(State {
                free: workers.max(1),
                next_ticket: 0,
                waiting: VecDeque::new(),
                running: HashMap::new(),
                turns: 0,
                last_turn: HashMap::new(),
            })),
            max_waiting,
            workers_total: workers.max(1),
            cancelled: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Runs `f` on the blocking pool once a worker is free and it is `client`'s turn (see
    /// [`State::pass`]). `f` should look at its [`Cancel`] now and then and return early once
    /// it is raised: it is raised when the future of this call is dropped, so nobody waits for
    /// the result any more.
    pub async fn run<T, F>(&self, client: Option<IpAddr>, f: F) -> ServiceResult<T>
    where
        F: FnOnce(&Cancel) -> T + Send + 'static,
        T: Send + 'static,
    {
        let cancel = Cancel::new();
        // Dropped with this future, however it ends; after a normal end the flag is harmless.
        let _raise = cancel.on_drop();
        let turn = self.turn(client.map(super::throttle::address_key)).await?;
        let (what, cancelled) = (self.what, self.cancelled.clone());
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
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

    async fn turn(&self, client: Client) -> ServiceResult<Turn> {
        let (ticket, told) = {
            let mut s = lock(&self.state);
            if s.free > 0 {
                s.free -= 1;
                s.started(client);
                return Ok(Turn {
                    state: self.state.clone(),
                    client,
                });
            }
            if s.waiting.len() >= self.max_waiting {
                return Err(ServiceError::busy(
                    format!("too many {} requests waiting; retry shortly", self.what),
                    1,
                ));
            }
            let ticket = s.next_ticket;
            s.next_ticket += 1;
            let (hand, told) = oneshot::channel();
            s.waiting.push_back(Waiter {
                ticket,
                client,
                hand,
            });
            (ticket, told)
        };
        let mut place = Waiting {
            state: self.state.clone(),
            ticket,
            client,
            told: Some(told),
        };
        let handed = match place.told.as_mut() {
            Some(told) => told.await.is_ok(),
            None => false,
        };
        // Ours now: the place is left without giving anything back.
        place.told = None;
        if !handed {
            return Err(ServiceError::Internal(format!(
                "the {} queue is closed",
                self.what
            )));
        }
        Ok(Turn {
            state: self.state.clone(),
            client,
        })
    }

    /// Requests waiting now.
    pub fn waiting(&self) -> usize {
        lock(&self.state).waiting.len()
    }

    /// Work running now (workers taken).
    pub fn running(&self) -> usize {
        self.workers_total.saturating_sub(lock(&self.state).free)
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
            async move { q.run(None, move |_| rx.recv().ok()).await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        // One waits; the next is refused at once.
        let waiter = tokio::spawn({
            let q = q.clone();
            async move { q.run(None, |_| 2).await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(q.waiting(), 1);
        assert!(matches!(
            q.run(None, |_| 3).await,
            Err(ServiceError::Busy { .. })
        ));
        // A cancelled wait gives its place back.
        waiter.abort();
        let _ = waiter.await;
        assert_eq!(q.waiting(), 0);
        tx.send(()).unwrap();
        assert!(busy.await.unwrap().is_ok());
        assert_eq!(q.run(None, |_| 4).await.unwrap(), 4);
        assert_eq!(q.cancelled(), 0);
    }

    /// One client queued first and more cannot make another wait behind all of it: when the
    /// worker comes free, the client that runs nothing goes next.
    #[tokio::test]
    async fn a_client_with_nothing_running_goes_before_one_that_queued_more() {
        let q = Arc::new(WorkQueue::new("test", 1, 16));
        let a: Option<IpAddr> = Some([10, 0, 0, 1].into());
        let b: Option<IpAddr> = Some([10, 0, 0, 2].into());
        let order = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let first = tokio::spawn({
            let q = q.clone();
            async move { q.run(a, move |_| rx.recv().ok()).await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut queued = Vec::new();
        for (client, name) in [(a, "a1"), (a, "a2"), (a, "a3"), (b, "b1")] {
            let (q, order) = (q.clone(), order.clone());
            queued.push(tokio::spawn(async move {
                q.run(client, move |_| order.lock().unwrap().push(name))
                    .await
            }));
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(q.waiting(), 4);
        tx.send(()).unwrap();
        assert!(first.await.unwrap().is_ok());
        for j in queued {
            assert!(j.await.unwrap().is_ok());
        }
        assert_eq!(*order.lock().unwrap(), ["b1", "a1", "a2", "a3"]);
        assert_eq!((q.waiting(), q.running()), (0, 0));
    }

    #[tokio::test]
    async fn running_work_whose_caller_leaves_is_told_to_stop_and_frees_its_worker() {
        let q = Arc::new(WorkQueue::new("test", 1, 1));
        let (started_tx, started_rx) = tokio::sync::oneshot::channel::<()>();
        let caller = tokio::spawn({
            let q = q.clone();
            async move {
                q.run(None, move |cancel| {
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
        let next = tokio::time::timeout(Duration::from_secs(5), q.run(None, |_| 5)).await;
        assert_eq!(next.unwrap().unwrap(), 5);
        assert_eq!(q.cancelled(), 1);
        assert_eq!(q.running(), 0);
    }
}
