//! The indexer: the one task that owns the `IndexWriter`.
//!
//! It drains the outbox in sequence order, applies each change (delete the id's document, then
//! add the row's current state if it is published), commits the whole batch at once with the
//! last sequence in the commit payload, reloads the reader, and announces the sequence. Writers
//! of the database wake it and wait for their sequence (read-your-writes); many concurrent
//! mutations share one commit (group commit). A timer wakes it too, for changes made by other
//! processes on the same database.
//!
//! When a batch cannot be committed (the index's disk is full, the directory is read-only), the
//! writer is rolled back to the last durable commit and the batch is retried from the outbox
//! with back-off (0.2 s doubling to 12.8 s), so the index catches up by itself once the cause
//! is gone. Meanwhile [`IndexerHandle::failing`] names the error (for `/readyz` and
//! `/metrics`), and writers stop waiting for searchability: their change is durable in the
//! database already and becomes searchable when the index catches up.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tantivy::{IndexWriter, Term};
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

use super::document::{investor_document, sme_document};
use super::index::{commit, fill_from, Opened, Progress, SearchError, SearchIndex};
use crate::domain::ids::ProfileId;
use crate::domain::profile::ProfileStatus;
use crate::store::{Entity, PruneOutcome, Seq, Store, StoreError};

/// Outbox entries applied per commit at most (a rebuild handles anything larger quickly too).
const BATCH: u32 = 2_000;
/// How often to look for changes nobody announced.
const POLL: Duration = Duration::from_secs(1);
/// How long a mutation waits for its change to become searchable.
pub const VISIBILITY_TIMEOUT: Duration = Duration::from_secs(30);

/// Called with the fresh searcher after each commit (to prepare derived per-segment data).
pub type AfterReload = Arc<dyn Fn(&tantivy::Searcher) + Send + Sync>;

/// What the rest of the service holds to talk to the indexer.
#[derive(Clone)]
pub struct IndexerHandle {
    applied: watch::Receiver<Seq>,
    wake: Arc<Notify>,
    stop: Arc<watch::Sender<bool>>,
    /// The error of the first failed batch while batches fail; `None` once one commits.
    failing: watch::Receiver<Option<Arc<str>>>,
    /// Batches that failed since start.
    failures: Arc<AtomicU64>,
    replica: Arc<str>,
    /// What this replica's last prune did ([`keep_position`]), for `/metrics`.
    last_prune: Arc<Mutex<Option<PruneOutcome>>>,
}

impl IndexerHandle {
    /// Tells the indexer that new outbox entries exist.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// The last outbox sequence that is searchable.
    pub fn applied(&self) -> Seq {
        *self.applied.borrow()
    }

    /// Waits until the change with outbox sequence `seq` is searchable, at most `limit`; at
    /// once with [`SearchError::NotCommitting`] while the indexer cannot commit (or starts
    /// failing during the wait): waiting then would only hold the writer's request.
    pub async fn wait_for(&self, seq: Seq, limit: Duration) -> Result<(), SearchError> {
        self.wake();
        let mut rx = self.applied.clone();
        let mut failing = self.failing.clone();
        let reached = async move {
            tokio::select! {
                r = rx.wait_for(|&applied| applied >= seq) => r.map(|_| Ok(())),
                r = failing.wait_for(Option::is_some) => {
                    r.map(|f| Err(SearchError::NotCommitting(f.as_deref().unwrap_or("").into())))
                }
            }
        };
        match tokio::time::timeout(limit, reached).await {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(_)) => Err(SearchError::IndexerGone),
            Err(_) => Err(SearchError::Tantivy(tantivy::TantivyError::InternalError(
                format!("change {seq} not searchable after {limit:?}"),
            ))),
        }
    }

    /// The error that started the current run of failed batches while the indexer cannot
    /// commit (e.g. "No space left on device"); `None` when the last batch committed.
    pub fn failing(&self) -> Option<Arc<str>> {
        self.failing.borrow().clone()
    }

    /// Batches that failed to commit since start (each is retried).
    pub fn failures(&self) -> u64 {
        self.failures.load(Ordering::Relaxed)
    }

    /// Asks the indexer to finish its current batch and stop.
    pub fn stop(&self) {
        let _ = self.stop.send(true);
    }

    /// The id under which this index records its position in the database.
    pub fn replica(&self) -> &str {
        &self.replica
    }

    /// What this replica's last outbox prune did (`None` before the first one).
    pub fn last_prune(&self) -> Option<PruneOutcome> {
        self.last_prune.lock().ok().and_then(|g| *g)
    }
}

/// How a replica records its position and prunes the outbox (`--replica-heartbeat`,
/// `--outbox-prune-interval`, `--replica-horizon`).
#[derive(Debug, Clone, Copy)]
pub struct ReplicaTimes {
    /// How often the position is recorded, moved or not (the heartbeat).
    pub heartbeat: Duration,
    /// How often this replica prunes the outbox.
    pub prune_every: Duration,
    /// A replica not heard from for this long no longer holds pruning back; if it comes back
    /// after entries it needed were pruned, it rebuilds its index.
    pub horizon: Duration,
}

/// Records the indexer's position in the database every heartbeat and prunes the outbox every
/// `prune_every` (reporting first, so this replica always counts as live in its own prune),
/// until the indexer stops. Failures are logged and retried at the next tick: a missed
/// heartbeat only delays pruning, it never loses a change.
pub fn keep_position(
    handle: IndexerHandle,
    store: Arc<dyn Store>,
    times: ReplicaTimes,
) -> JoinHandle<()> {
    let mut stop = handle.stop.subscribe();
    tokio::spawn(async move {
        let mut last_prune = tokio::time::Instant::now();
        loop {
            tokio::select! {
                _ = tokio::time::sleep(times.heartbeat.min(times.prune_every)) => {}
                _ = stop.changed() => break,
            }
            if *stop.borrow() {
                break;
            }
            let now = time::OffsetDateTime::now_utc();
            if let Err(e) = store
                .report_replica(handle.replica(), handle.applied(), now)
                .await
            {
                tracing::warn!(error = %e, "could not record this replica's outbox position");
                continue;
            }
            if last_prune.elapsed() < times.prune_every {
                continue;
            }
            last_prune = tokio::time::Instant::now();
            let horizon = time::Duration::try_from(times.horizon).unwrap_or(time::Duration::MAX);
            let live_since = now.checked_sub(horizon).unwrap_or(now);
            match store.prune_outbox(live_since).await {
                Ok(outcome) => {
                    if let Ok(mut g) = handle.last_prune.lock() {
                        *g = Some(outcome);
                    }
                    if outcome.deleted > 0 {
                        tracing::info!(
                            deleted = outcome.deleted,
                            through = outcome.through,
                            kept = outcome.kept,
                            "outbox pruned"
                        );
                    }
                }
                Err(e) => tracing::warn!(error = %e, "could not prune the outbox"),
            }
        }
    })
}

struct Indexer {
    store: Arc<dyn Store>,
    replica: Arc<str>,
    index: Arc<SearchIndex>,
    /// `None` only while a batch runs on the blocking pool.
    writer: Option<IndexWriter>,
    applied: Seq,
    announce: watch::Sender<Seq>,
    wake: Arc<Notify>,
    stop: watch::Receiver<bool>,
    after_reload: Option<AfterReload>,
    failing: watch::Sender<Option<Arc<str>>>,
    failures: Arc<AtomicU64>,
}

/// Starts the indexer on an opened index.
pub fn spawn(
    opened: Opened,
    store: Arc<dyn Store>,
    after_reload: Option<AfterReload>,
) -> (IndexerHandle, JoinHandle<()>) {
    if let Some(hook) = &after_reload {
        hook(&opened.index.searcher());
    }
    let (announce, applied) = watch::channel(opened.applied);
    let (stop_tx, stop) = watch::channel(false);
    let wake = Arc::new(Notify::new());
    let (failing_tx, failing) = watch::channel(None);
    let failures = Arc::new(AtomicU64::new(0));
    let replica: Arc<str> = opened.replica.into();
    let indexer = Indexer {
        store,
        replica: replica.clone(),
        index: opened.index,
        writer: Some(opened.writer),
        applied: opened.applied,
        announce,
        wake: wake.clone(),
        stop,
        after_reload,
        failing: failing_tx,
        failures: failures.clone(),
    };
    let task = tokio::spawn(indexer.run());
    (
        IndexerHandle {
            applied,
            wake,
            stop: Arc::new(stop_tx),
            failing,
            failures,
            replica,
            last_prune: Arc::new(Mutex::new(None)),
        },
        task,
    )
}

impl Indexer {
    async fn run(mut self) {
        let mut failures = 0u32;
        loop {
            if *self.stop.borrow() {
                break;
            }
            let outcome = self.step().await;
            if outcome.is_ok() && failures > 0 {
                tracing::info!(applied = self.applied, "indexing recovered");
                self.failing.send_replace(None);
            }
            match outcome {
                Ok(true) => failures = 0,
                Ok(false) => {
                    failures = 0;
                    tokio::select! {
                        _ = self.wake.notified() => {}
                        _ = tokio::time::sleep(POLL) => {}
                        _ = self.stop.changed() => {}
                    }
                }
                Err(e) => {
                    failures += 1;
                    self.failures.fetch_add(1, Ordering::Relaxed);
                    // The first error of a run names the cause; later ones are often only its
                    // echo ("An index writer was killed" after an ENOSPC in a worker thread).
                    if failures == 1 {
                        self.failing.send_replace(Some(e.to_string().into()));
                    }
                    // Back off up to 12.8 s; the outbox keeps every change until it is applied.
                    let wait = Duration::from_millis(100 * 2u64.pow(failures.min(7)));
                    tracing::error!(
                        error = %e, applied = self.applied, retry_in = ?wait,
                        "indexing failed; the batch stays in the outbox"
                    );
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        _ = self.stop.changed() => {}
                    }
                }
            }
        }
        tracing::info!(applied = self.applied, "indexer stopped");
    }

    /// Applies one batch; `false` when there was nothing to do.
    async fn step(&mut self) -> Result<bool, SearchError> {
        let entries = match self.store.outbox_after(self.applied, BATCH).await {
            Err(StoreError::Pruned {
                after,
                pruned_through,
            }) => {
                self.rebuild(after, pruned_through).await?;
                return Ok(true);
            }
            other => other?,
        };
        let Some(last) = entries.last().map(|e| e.seq) else {
            return Ok(false);
        };
        let mut sme_ids = Vec::new();
        let mut investor_ids = Vec::new();
        let mut seen = HashSet::new();
        for e in &entries {
            if seen.insert(e.id) {
                match e.entity {
                    Entity::Sme => sme_ids.push(e.id),
                    Entity::Investor => investor_ids.push(e.id),
                }
            }
        }
        // Current state, not the state at the time of the entry: replay converges.
        let smes = self.store.smes_by_ids(&sme_ids).await?;
        let investors = self.store.investors_by_ids(&investor_ids).await?;
        let fields = self.index.fields.clone();
        self.write_and_publish(last, move |writer| {
            for id in sme_ids.iter().chain(&investor_ids) {
                writer.delete_term(id_term(&fields, *id));
            }
            for sme in smes
                .iter()
                .filter(|s| s.lifecycle.status == ProfileStatus::Published)
            {
                writer.add_document(sme_document(&fields, sme))?;
            }
            for inv in investors
                .iter()
                .filter(|i| i.lifecycle.status == ProfileStatus::Published)
            {
                writer.add_document(investor_document(&fields, inv))?;
            }
            Ok(())
        })
        .await?;
        tracing::debug!(applied = last, entries = entries.len(), "index committed");
        Ok(true)
    }
}

impl Indexer {
    /// Runs `work` with the one writer on the blocking pool and commits it as applied through
    /// `last`; on failure the writer goes back to the last durable commit (the outbox still
    /// holds the work, so it is retried). On success readers reload, the hook sees the new
    /// searcher, and waiting writers hear that `last` is searchable.
    async fn write_and_publish(
        &mut self,
        last: Seq,
        work: impl FnOnce(&mut IndexWriter) -> Result<(), SearchError> + Send + 'static,
    ) -> Result<(), SearchError> {
        let mut writer = self.writer.take().ok_or(SearchError::IndexerGone)?;
        let (writer, result) = tokio::task::spawn_blocking(move || {
            let result = work(&mut writer).and_then(|()| commit(&mut writer, last));
            if result.is_err() {
                let _ = writer.rollback();
            }
            (writer, result)
        })
        .await
        .map_err(|_| SearchError::IndexerGone)?;
        self.writer = Some(writer);
        result?;
        self.index.reader.reload()?;
        if let Some(hook) = self.after_reload.clone() {
            let searcher = self.index.searcher();
            // Off the async workers: preparing a large new segment takes a moment.
            let _ = tokio::task::spawn_blocking(move || hook(&searcher)).await;
        }
        self.applied = last;
        let _ = self.announce.send(last);
        Ok(())
    }

    /// Replaces the whole index with the database's published profiles, in place (the one
    /// writer deletes everything and adds every row in one commit, so readers see the old
    /// index until then): the outbox was pruned past this replica's position while it was not
    /// counted as live (stalled longer than the horizon), so replaying cannot catch up.
    async fn rebuild(&mut self, after: Seq, pruned_through: Seq) -> Result<(), SearchError> {
        eprintln!(
            "search index: changes after position {after} were pruned from the outbox \
             (through {pruned_through}) while this replica was not seen; rebuilding it from \
             the database"
        );
        tracing::warn!(
            after,
            pruned_through,
            "outbox pruned past this index: rebuilding"
        );
        let head = self
            .store
            .join_replica_at_head(&self.replica, time::OffsetDateTime::now_utc())
            .await?;
        let store = self.store.clone();
        let fields = self.index.fields.clone();
        let runtime = tokio::runtime::Handle::current();
        let progress: Progress = Arc::new(|done, total| {
            if done == 0 || done == total {
                eprintln!("search index: rebuilding from the database, {done}/{total} profiles");
            }
        });
        self.write_and_publish(head, move |writer| {
            writer.delete_all_documents()?;
            fill_from(writer, &store, &fields, &runtime, &progress)
        })
        .await?;
        tracing::info!(applied = head, "search index rebuilt in place");
        Ok(())
    }
}

pub fn id_term(fields: &super::schema::Fields, id: ProfileId) -> Term {
    Term::from_field_text(fields.id, &id.to_string())
}
