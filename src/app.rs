//! The one application state every request handler and resolver reads.

use std::sync::Arc;

use crate::store::Store;

/// Shared, immutable after start-up; cloned as an `Arc` into the HTTP and GraphQL layers.
pub struct App {
    /// The source of truth for profiles.
    pub store: Arc<dyn Store>,
}

impl App {
    pub fn new(store: Arc<dyn Store>) -> Arc<Self> {
        Arc::new(App { store })
    }
}
