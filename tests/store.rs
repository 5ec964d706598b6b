//! The store conformance suite (`khkr_match::store::conformance`) on SQLite: one test per case,
//! each on a fresh database file of its own, so cases run in parallel.
//!
//! A second backend's file is these same lines with another constructor.

use std::sync::Arc;

use khkr_match::store::{self, Store};

/// A fresh, empty, migrated SQLite store in a directory of its own (removed when dropped).
async fn fresh() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite:{}", dir.path().join("store.db").display());
    let store = store::open(&url).await.expect("open SQLite store");
    (store, dir)
}

khkr_match::store_conformance_tests!(fresh);
