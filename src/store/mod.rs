//! Persistence: the database is the single source of truth for profiles.
//!
//! Callers see one [`Store`] trait; `sqlite.rs` implements it for the embedded default, and a
//! PostgreSQL implementation joins behind the same trait. Every write also appends an outbox
//! entry in the same transaction, which the search indexer replays in order.

mod codec;
pub mod sqlite;

use std::sync::Arc;

use async_trait::async_trait;

use crate::domain::ids::ProfileId;
use crate::domain::investor::Investor;
use crate::domain::sme::Sme;

/// Why a store call failed. Each variant is mapped on purpose by the API layer: `Conflict` is the
/// client's to retry; the rest are internal and answered with a generic message.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL {0:?}: use sqlite:PATH (e.g. sqlite:khkr-match.db)")]
    UnsupportedUrl(String),
    #[error("stored {entity} {id} cannot be read back: {reason}")]
    Corrupt {
        entity: &'static str,
        id: String,
        reason: String,
    },
    #[error("{entity} {id} was changed concurrently; reload it and try again")]
    Conflict { entity: &'static str, id: String },
}

/// A forward page request: at most `first` items after the cursor `after` (exclusive).
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub first: u32,
    pub after: Option<ProfileId>,
}

/// One page of items in id (creation) order.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_next_page: bool,
    /// How many items the whole listing has, across pages.
    pub total_count: i64,
}

/// Which kind of profile an outbox entry concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    Sme,
    Investor,
}

impl Entity {
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Sme => "SME",
            Entity::Investor => "INVESTOR",
        }
    }
}

/// One committed change, in commit order. The indexer re-reads the row's current state, so
/// replaying an entry twice is harmless.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub seq: i64,
    pub entity: Entity,
    pub id: ProfileId,
}

/// Outbox sequence number of a committed write; 0 means "nothing written yet".
pub type Seq = i64;

/// Row counts by table, whatever the status (the demo loader asks whether the store is empty).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub smes: i64,
    pub investors: i64,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Stores a new SME; returns the outbox sequence of the write.
    async fn insert_sme(&self, sme: &Sme) -> Result<Seq, StoreError>;
    /// Replaces an SME whose stored version is `sme.lifecycle.version - 1`; otherwise `Conflict`.
    async fn update_sme(&self, sme: &Sme) -> Result<Seq, StoreError>;
    async fn sme(&self, id: ProfileId) -> Result<Option<Sme>, StoreError>;
    /// Published SMEs in id order.
    async fn published_smes(&self, page: PageRequest) -> Result<Page<Sme>, StoreError>;

    async fn insert_investor(&self, investor: &Investor) -> Result<Seq, StoreError>;
    async fn update_investor(&self, investor: &Investor) -> Result<Seq, StoreError>;
    async fn investor(&self, id: ProfileId) -> Result<Option<Investor>, StoreError>;
    async fn published_investors(&self, page: PageRequest) -> Result<Page<Investor>, StoreError>;

    /// SMEs by id, in no particular order; unknown ids are skipped.
    async fn smes_by_ids(&self, ids: &[ProfileId]) -> Result<Vec<Sme>, StoreError>;
    async fn investors_by_ids(&self, ids: &[ProfileId]) -> Result<Vec<Investor>, StoreError>;

    /// Inserts many profiles in one transaction: all or nothing (the demo loader, imports).
    async fn insert_batch(&self, smes: &[Sme], investors: &[Investor]) -> Result<Seq, StoreError>;
    /// Up to `limit` outbox entries with a sequence above `after`, oldest first.
    async fn outbox_after(&self, after: Seq, limit: u32) -> Result<Vec<OutboxEntry>, StoreError>;
    /// The sequence of the newest outbox entry (0 when empty).
    async fn outbox_head(&self) -> Result<Seq, StoreError>;
    async fn counts(&self) -> Result<Counts, StoreError>;
    /// A cheap round trip, for health checks.
    async fn ping(&self) -> Result<(), StoreError>;
    /// Flushes and closes connections (checkpointing SQLite's WAL) before shutdown.
    async fn close(&self);
}

/// Opens the store a URL names, creating and migrating it as needed.
pub async fn open(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(sqlite::SqliteStore::open(url).await?))
    } else {
        Err(StoreError::UnsupportedUrl(url.to_string()))
    }
}
