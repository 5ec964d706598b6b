//! Persistence: the database is the single source of truth for profiles.
//!
//! Callers see one [`Store`] trait; `sqlite.rs` implements it for the embedded default, and a
//! PostgreSQL implementation joins behind the same trait. Every write also appends an outbox
//! entry in the same transaction, which the search indexer replays in order.

mod codec;
pub use codec::timestamp;
pub mod sqlite;
mod sqlite_accounts;
mod sqlite_pipeline;

use std::sync::Arc;

use async_trait::async_trait;

use crate::domain::account::{TokenKind, User, UserId};
use crate::domain::ids::ProfileId;
use crate::domain::investor::Investor;
use crate::domain::pipeline::{AuditEntry, MatchRecord, Stage};
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

/// A stored token and whom it authenticates.
#[derive(Debug, Clone)]
pub struct TokenRecord {
    /// SHA-256 of the token, hex.
    pub hash: String,
    /// Public handle (API keys are revoked by it).
    pub id: ProfileId,
    pub user_id: UserId,
    pub kind: TokenKind,
    pub name: Option<String>,
    pub created_at: time::OffsetDateTime,
    pub expires_at: Option<time::OffsetDateTime>,
}

/// Accounts and their tokens.
#[async_trait]
pub trait Accounts: Send + Sync {
    /// Creates an account; an e-mail already taken is `Conflict`.
    async fn create_user(&self, user: &User, password_hash: &str) -> Result<(), StoreError>;
    /// The account and its password hash.
    async fn user_by_email(&self, email: &str) -> Result<Option<(User, String)>, StoreError>;
    async fn user(&self, id: UserId) -> Result<Option<User>, StoreError>;
    async fn set_password_hash(&self, id: UserId, password_hash: &str) -> Result<(), StoreError>;
    async fn insert_token(&self, token: &TokenRecord) -> Result<(), StoreError>;
    /// The account a token authenticates, if the token exists, is not revoked and has not
    /// expired at `now`.
    async fn token_user(
        &self,
        hash: &str,
        now: time::OffsetDateTime,
    ) -> Result<Option<(User, TokenKind)>, StoreError>;
    /// Revokes a token by hash (log-out) or, for API keys, by id and owner; true when one was.
    async fn revoke_token_hash(
        &self,
        hash: &str,
        now: time::OffsetDateTime,
    ) -> Result<bool, StoreError>;
    async fn revoke_api_key(
        &self,
        id: ProfileId,
        owner: UserId,
        now: time::OffsetDateTime,
    ) -> Result<bool, StoreError>;
    /// Profile ids the account owns (SMEs and investors).
    async fn owned_profiles(&self, user: UserId) -> Result<Vec<ProfileId>, StoreError>;
}

/// Restricts a pipeline listing.
#[derive(Debug, Clone, Default)]
pub struct PipelineFilter {
    pub stage: Option<Stage>,
    pub curator: Option<UserId>,
    /// ISIC code prefix of the SME's sector (a section letter is resolved by the caller into
    /// its divisions).
    pub sector_prefixes: Vec<String>,
    pub province: Option<String>,
}

/// Counts for the staff dashboard.
#[derive(Debug, Clone, Default)]
pub struct Dashboard {
    pub by_stage: Vec<(String, i64)>,
    pub by_sector: Vec<(String, i64)>,
    pub by_province: Vec<(String, i64)>,
}

/// The curation pipeline: match records and their audit log.
#[async_trait]
pub trait Pipeline: Send + Sync {
    async fn match_record(&self, id: ProfileId) -> Result<Option<MatchRecord>, StoreError>;
    /// Stores a new record with its first audit entries; a pair already in the pipeline is
    /// `Conflict`.
    async fn insert_match(
        &self,
        record: &MatchRecord,
        log: &[AuditEntry],
    ) -> Result<(), StoreError>;
    /// Replaces a record whose stored version is `record.version - 1`, appending `log`.
    async fn update_match(
        &self,
        record: &MatchRecord,
        log: &[AuditEntry],
    ) -> Result<(), StoreError>;
    async fn append_audit(&self, match_id: ProfileId, entry: &AuditEntry)
        -> Result<(), StoreError>;
    async fn audit_log(&self, match_id: ProfileId) -> Result<Vec<AuditEntry>, StoreError>;
    async fn pipeline(
        &self,
        filter: &PipelineFilter,
        page: PageRequest,
    ) -> Result<Page<MatchRecord>, StoreError>;
    /// Records whose SME or investor the account owns, newest change first.
    async fn matches_of_owner(&self, user: UserId) -> Result<Vec<MatchRecord>, StoreError>;
    /// Profile ids of counterparts whose contact details the account may see (both sides
    /// accepted an introduction between one of its profiles and theirs).
    async fn connected_profiles(&self, user: UserId) -> Result<Vec<ProfileId>, StoreError>;
    async fn dashboard(&self) -> Result<Dashboard, StoreError>;
}

#[async_trait]
pub trait Store: Accounts + Pipeline + Send + Sync + 'static {
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
