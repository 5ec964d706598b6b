//! The one application state every request handler and resolver reads.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{broadcast, watch};

use crate::domain::account::UserId;
use crate::search::features::{FactsFn, FeatureCache};
use crate::search::index::SearchIndex;
use crate::search::indexer::{IndexerHandle, VISIBILITY_TIMEOUT};
use crate::store::{Seq, Store};

/// Shared, immutable after start-up; cloned as an `Arc` into the HTTP and GraphQL layers.
pub struct App {
    /// The source of truth for profiles.
    pub store: Arc<dyn Store>,
    /// Readers of the search index (a derived copy of the published profiles).
    pub search: Arc<SearchIndex>,
    /// The task that keeps the index in step with the store.
    pub indexer: IndexerHandle,
    /// Per-segment feature arrays for match ranking (warmed by the indexer after each commit).
    pub features: Arc<FeatureCache>,
    /// An SME's investment-law incentive facts, by the rules in force.
    pub facts: FactsFn,
    /// Pipeline events for WebSocket subscribers.
    pub events: crate::events::Events,
    /// The investment-incentive rules in force: the built-in file or `--rules FILE`, checked at
    /// start-up and read-only after.
    pub rules: Arc<crate::domain::incentives::Rules>,
    /// Announces revoked bearer tokens to the long-lived connections that authenticated with
    /// them (WebSocket subscriptions), so a revoked token stops working at once rather than at
    /// the holder's next HTTP request.
    pub revocations: broadcast::Sender<Revocation>,
    /// Becomes `true` once, when the server begins to shut down, so long-lived connections
    /// close politely (WebSocket 1001 Going Away) instead of being cut; the number of receivers
    /// is the number of such connections still open.
    pub shutting_down: watch::Sender<bool>,
    /// How long a WebSocket may stay open without a `connection_init` (graphql-transport-ws
    /// closes it with 4408 after that).
    pub ws_init_timeout: Duration,
    /// Bounds on requests, connections and queries (`--max-query-cost` and friends).
    pub limits: crate::config::Limits,
    /// Rate limits with back-off on log-ins, sign-ups and writes (in memory, per process).
    pub throttle: crate::service::throttle::Throttle,
    /// Match rankings (each scans every candidate on the blocking pool): a bounded queue of
    /// their own, so a flood of rankings is refused rather than starving everything else.
    pub rankings: crate::service::queue::WorkQueue,
    /// Searches, the same way: as many at once as cores, so that searches from many addresses
    /// wait their turn instead of sharing the cores hundreds of ways (QA, an attacker: 16
    /// addresses of 20 aliased searches each held `/healthz` for 16 s).
    pub searches: crate::service::queue::WorkQueue,
    /// Raised when a change wrote notices, so this process's sender (`mail`) looks at once
    /// rather than at its next poll.
    pub notices_owed: Arc<tokio::sync::Notify>,
    /// Whether this process sends notices (`--smtp-url` set), for the staff pages to say so.
    pub mail_relay: std::sync::atomic::AtomicBool,
    /// What this process's sender did (`/metrics`).
    pub mail_stats: crate::mail::MailStats,
    /// The SMTP relay, once `--smtp-url` is set: password-reset letters go out through it at
    /// once (notices go through the queue).
    pub mailer: std::sync::OnceLock<crate::mail::Mailer>,
    /// Open WebSockets, bounded by `limits.max_websockets` (and per client).
    pub sockets: crate::ws::Sockets,
    /// The site's address as people reach it (`--public-url`, checked, no trailing `/`), for
    /// links that leave the site; `None`: links are paths.
    pub public_url: Option<String>,
    /// Accounts `--max-profiles-per-account` does not bind: the demo's own (`--demo`), which
    /// own every demo business and mandate, so that trying the wizard on the demo works.
    pub uncapped: std::sync::OnceLock<Vec<UserId>>,
    /// Held while a new profile's account is counted against `--max-profiles-per-account` and
    /// the profile written (`service::profiles`), so that publishes at once are counted in turn.
    pub publishing: tokio::sync::Mutex<()>,
}

/// Rankings waiting for a worker before more are refused (a ranking takes milliseconds).
const RANKINGS_WAITING: usize = 256;
/// Searches waiting for a worker before more are refused (a search takes milliseconds; a
/// request of twenty aliased searches is twenty of them).
const SEARCHES_WAITING: usize = 1024;

/// A token (or some of an account's tokens) stopped being valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revocation {
    /// The token with this SHA-256 (log-out).
    Token(String),
    /// One or more tokens of this account; the store only knows which (`revokeApiKey` names
    /// a key by id), so each holder re-checks its own token.
    TokensOf(UserId),
}

/// Revocation notices a slow connection may fall behind by before it must re-check its token.
const REVOCATION_BACKLOG: usize = 1024;

impl App {
    // One argument per part of the state, each set once at start-up by `server::serve`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        store: Arc<dyn Store>,
        search: Arc<SearchIndex>,
        indexer: IndexerHandle,
        features: Arc<FeatureCache>,
        facts: FactsFn,
        rules: Arc<crate::domain::incentives::Rules>,
        ws_init_timeout: Duration,
        limits: crate::config::Limits,
        public_url: Option<String>,
    ) -> Arc<Self> {
        let throttle = crate::service::throttle::Throttle::new(limits.throttle(), store.clone());
        // Rankings and searches each run as many at once as there are cores.
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Arc::new(App {
            store,
            search,
            indexer,
            features,
            facts,
            rules,
            events: Default::default(),
            revocations: broadcast::channel(REVOCATION_BACKLOG).0,
            shutting_down: watch::channel(false).0,
            ws_init_timeout,
            throttle,
            rankings: crate::service::queue::WorkQueue::new("ranking", cores, RANKINGS_WAITING),
            searches: crate::service::queue::WorkQueue::new("search", cores, SEARCHES_WAITING),
            limits,
            notices_owed: Arc::new(tokio::sync::Notify::new()),
            mail_relay: std::sync::atomic::AtomicBool::new(false),
            mail_stats: Default::default(),
            mailer: std::sync::OnceLock::new(),
            sockets: Default::default(),
            public_url,
            uncapped: std::sync::OnceLock::new(),
            publishing: tokio::sync::Mutex::new(()),
        })
    }

    /// Tells open connections that `revocation` happened (already written to the store), so
    /// those holding a revoked token close.
    pub fn revoked(&self, revocation: Revocation) {
        // No open connection is not an error.
        let _ = self.revocations.send(revocation);
    }

    /// Asks long-lived connections to close because the server is stopping.
    pub fn shut_down(&self) {
        self.shutting_down.send_replace(true);
    }

    /// Returns once every long-lived connection has closed, or after `limit`.
    pub async fn connections_closed(&self, limit: Duration) {
        if tokio::time::timeout(limit, self.shutting_down.closed())
            .await
            .is_err()
        {
            tracing::warn!(
                open = self.shutting_down.receiver_count(),
                "WebSocket connections still open at shutdown"
            );
        }
    }

    /// Returns once the write with outbox sequence `seq` is searchable (read-your-writes), or
    /// at once while the index cannot commit, or after half the request deadline.
    ///
    /// The write itself is already durable, so a failure here is logged rather than returned:
    /// answering with an error (or letting the request's deadline answer TIMEOUT) would invite
    /// the client to repeat a write that succeeded. The change becomes searchable when the
    /// index catches up; `/readyz` says it is behind meanwhile.
    pub async fn searchable(&self, seq: Seq) {
        let limit = VISIBILITY_TIMEOUT.min(self.limits.request_timeout / 2);
        if let Err(e) = self.indexer.wait_for(seq, limit).await {
            tracing::warn!(seq, error = %e, "write saved but not yet searchable");
        }
    }
}
