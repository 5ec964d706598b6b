//! The one application state every request handler and resolver reads.

use std::sync::Arc;

use crate::search::features::{FactsFn, FeatureCache};
use crate::search::index::SearchIndex;
use crate::search::indexer::IndexerHandle;
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
}

impl App {
    pub fn new(
        store: Arc<dyn Store>,
        search: Arc<SearchIndex>,
        indexer: IndexerHandle,
        features: Arc<FeatureCache>,
        facts: FactsFn,
        rules: Arc<crate::domain::incentives::Rules>,
    ) -> Arc<Self> {
        Arc::new(App {
            store,
            search,
            indexer,
            features,
            facts,
            rules,
            events: Default::default(),
        })
    }

    /// Returns once the write with outbox sequence `seq` is searchable (read-your-writes).
    ///
    /// The write itself is already durable, so a failure here is logged rather than returned:
    /// answering with an error would invite the client to repeat a write that succeeded.
    pub async fn searchable(&self, seq: Seq) {
        if let Err(e) = self.indexer.wait_for(seq).await {
            tracing::error!(seq, error = %e, "write saved but not yet searchable");
        }
    }
}
