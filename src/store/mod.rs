//! Persistence: the database is the single source of truth for profiles.
//!
//! Callers see one [`Store`] trait; `sqlite.rs` implements it for the embedded default and
//! `postgres.rs` for several replicas on one database, chosen by the URL ([`open`]). The
//! trait's documentation is the contract every backend keeps; [`conformance`] checks it and is
//! run unchanged against each backend (`tests/store.rs` for SQLite, `tests/store_postgres.rs`
//! for PostgreSQL).
//!
//! # The contract, in short
//!
//! - **One transaction per call.** Every writing method is atomic: either everything it
//!   describes is committed when it returns `Ok`, or nothing is. A call that returned `Ok` is
//!   durable (it survives a crash of the process right after).
//! - **Outbox.** Every profile write appends exactly one [`OutboxEntry`] per profile, in the same
//!   transaction, and returns its position ([`Seq`]). [The outbox rule](Store#the-outbox-rule)
//!   in one line: *once a reader has been shown the entry at position `q`, no entry below `q`
//!   can still be committed, so a late committer is never skipped.*
//! - **Versions.** Profiles and match records carry a version; an update names the version it
//!   replaces (`new.version - 1`) and is refused with [`StoreError::Conflict`] if the stored one
//!   differs (or the row does not exist). Nothing is written then, not even an outbox entry.
//! - **Paging.** Listings are in ascending id order (ids are UUIDv7, so creation order; the
//!   pipeline can also be listed longest unchanged first, [`PipelineOrder`]), the cursor is the
//!   last item seen (exclusive), and `total_count` counts the whole listing (all pages, same
//!   filter) in the same snapshot as the page.
//! - **Values round-trip.** What is stored is read back equal, texts byte for byte;
//!   timestamps are kept to the microsecond at least (PostgreSQL's precision; a caller that
//!   needs read-backs equal to what it wrote passes microsecond timestamps).
//! - **References.** Owners, curators, actors and a match's SME and investor are ids of stored
//!   rows; a dangling reference is refused (a `Database` error), never stored.
//! - **Errors.** `Conflict` is the only error a client can cause and retry; `Corrupt` means a
//!   stored row no longer decodes into a valid domain value (hand-edited, or written by a newer
//!   version): the row is reported, never silently skipped or "repaired".

mod codec;
pub use codec::timestamp;
#[doc(hidden)]
pub mod conformance;
mod notices;
mod pipeline_listing;
pub mod postgres;
mod postgres_accounts;
mod postgres_pipeline;
mod postgres_replicas;
mod rate_limits;
pub mod sqlite;
mod sqlite_accounts;
mod sqlite_pipeline;
mod sqlite_replicas;

use std::sync::Arc;

use async_trait::async_trait;

use crate::domain::account::{TokenKind, User, UserId};
use crate::domain::ids::ProfileId;
use crate::domain::investor::Investor;
use crate::domain::notice::Notice;
use crate::domain::pipeline::{AuditEntry, MatchRecord, Stage};
use crate::domain::sme::Sme;

/// Why a store call failed. Each variant is mapped on purpose by the API layer: `Conflict` is the
/// client's to retry; the rest are internal and answered with a generic message.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed (connection, constraint other than the ones named as
    /// `Conflict`). Nothing of the call was committed.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    /// The database answers but cannot write now: its file or file system is read-only, its
    /// disk is full, or the disk failed under it (see [`Fault`]). Reads may still work; it
    /// passes when the operator fixes the cause, without a restart.
    #[error("the database cannot write ({fault}): {source}")]
    Unavailable {
        fault: Fault,
        #[source]
        source: sqlx::Error,
    },
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(
        "unsupported database URL {0:?}: use sqlite:PATH (e.g. sqlite:khkr-match.db) or postgres://USER@HOST/DATABASE"
    )]
    UnsupportedUrl(String),
    /// A stored row does not decode into a valid domain value (an unknown code, a malformed id
    /// or timestamp): the database was edited by hand or by another version. Reads report it
    /// rather than skip the row, so a listing never silently loses items.
    #[error("stored {entity} {id} cannot be read back: {reason}")]
    Corrupt {
        entity: &'static str,
        id: String,
        reason: String,
    },
    /// The write lost a race or repeats a unique fact: a stale or unknown version on update, an
    /// e-mail already taken, a pair already in the pipeline, a new profile's id already used.
    /// Nothing was written.
    #[error("{entity} {id} was changed concurrently; reload it and try again")]
    Conflict { entity: &'static str, id: String },
    /// A reader asked for outbox entries after `after`, but entries up to `pruned_through`
    /// were deleted ([`Store::prune_outbox`]) while it was not counted as live: some changes it
    /// has not applied may be gone, so it must rebuild from the tables rather than read on.
    #[error(
        "outbox entries after position {after} were pruned (through {pruned_through}); the index must be rebuilt from the database"
    )]
    Pruned { after: Seq, pruned_through: Seq },
}

/// Why the database cannot write (the classes of [`StoreError::Unavailable`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// SQLite `SQLITE_READONLY*` (the file or its directory cannot be written, e.g. a file
    /// system remounted read-only, wrong ownership, an immutable file), PostgreSQL `25006`
    /// (a read-only transaction: a standby, `default_transaction_read_only`). Nothing was written.
    ReadOnly,
    /// SQLite `SQLITE_FULL`, PostgreSQL `53100`: no space left. Nothing was written.
    DiskFull,
    /// SQLite `SQLITE_IOERR*`, PostgreSQL `58030`: the operating system refused or failed a read
    /// or write (an unwritable file under an open connection shows up as this too). The
    /// transaction was rolled back, but whether a commit that failed while syncing reached the
    /// disk cannot be known: read before repeating.
    Io,
}

impl Fault {
    /// The stable name given to clients (`extensions.reason`) and operators.
    pub fn as_str(self) -> &'static str {
        match self {
            Fault::ReadOnly => "READ_ONLY",
            Fault::DiskFull => "DISK_FULL",
            Fault::Io => "IO_ERROR",
        }
    }

    /// The class of a database error, if it is one of these.
    pub fn of(e: &sqlx::Error) -> Option<Fault> {
        let sqlx::Error::Database(db) = e else {
            return None;
        };
        use sqlx::error::DatabaseError;
        if let Some(sqlite) = db.try_downcast_ref::<sqlx::sqlite::SqliteError>() {
            // The extended result code; its low byte is the primary code.
            let code: i32 = sqlite.code()?.parse().ok()?;
            return match code & 0xff {
                8 => Some(Fault::ReadOnly),  // SQLITE_READONLY
                13 => Some(Fault::DiskFull), // SQLITE_FULL
                10 => Some(Fault::Io),       // SQLITE_IOERR
                _ => None,
            };
        }
        match db.code().as_deref() {
            Some("25006") => Some(Fault::ReadOnly),
            Some("53100") => Some(Fault::DiskFull),
            Some("58030") => Some(Fault::Io),
            _ => None,
        }
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Fault::ReadOnly => "read-only",
            Fault::DiskFull => "disk full",
            Fault::Io => "I/O error",
        })
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match Fault::of(&e) {
            Some(fault) => {
                sqlite::fault_seen();
                StoreError::Unavailable { fault, source: e }
            }
            None => StoreError::Database(e),
        }
    }
}

/// A unique-key violation as [`StoreError::Conflict`] on `entity` `id`; any other error as is.
pub(crate) fn conflict_if_unique(
    e: sqlx::Error,
    entity: &'static str,
    id: ProfileId,
) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict {
            entity,
            id: id.to_string(),
        },
        _ => e.into(),
    }
}

/// A forward page request: at most `first` items after the cursor `after` (exclusive).
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub first: u32,
    /// The id of the last item of the previous page; it need not exist any more (an archived
    /// item still positions the cursor, because the order is by id).
    pub after: Option<ProfileId>,
}

/// One page of items in ascending id (creation) order.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Whether more items follow the last one of this page.
    pub has_next_page: bool,
    /// How many items the whole listing has, across pages (the cursor does not reduce it),
    /// read in the same snapshot as `items`.
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

/// One committed change to a profile. It names the profile, not its state: the indexer re-reads
/// the row's current state, so replaying an entry twice, or late, converges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub seq: Seq,
    pub entity: Entity,
    pub id: ProfileId,
}

/// The position of an outbox entry in the outbox's order (the order [`Store::outbox_after`]
/// hands entries out in), as returned by the write that appended it. Positions are unique and
/// positive; they need not be contiguous (a rolled-back write may leave a hole) and need not be
/// the order in which positions were allocated, only the order readers are given. 0 means
/// "before every entry".
pub type Seq = i64;

/// Row counts by table, whatever the status (the demo loader asks whether the store is empty).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub smes: i64,
    pub investors: i64,
}

/// A replica's recorded outbox position ([`Store::report_replica`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicaPosition {
    pub id: String,
    /// The last outbox position its index applied.
    pub applied: Seq,
    /// When it last reported, as it stamped it (to the microsecond).
    pub seen_at: time::OffsetDateTime,
}

/// What one [`Store::prune_outbox`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PruneOutcome {
    /// Entries this call deleted.
    pub deleted: u64,
    /// Every entry at or below this position is gone (by this call or an earlier one).
    pub through: Seq,
    /// Entries kept after the call.
    pub kept: i64,
}

/// A rate-limit key's attempts within its window ([`Store::count_attempt`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempts {
    pub count: i64,
    /// The latest attempt, to the microsecond.
    pub last: time::OffsetDateTime,
}

/// A stored token and whom it authenticates.
#[derive(Debug, Clone)]
pub struct TokenRecord {
    /// SHA-256 of the token, hex. Only this is stored, never the token itself, and tokens are
    /// looked up by it.
    pub hash: String,
    /// Public handle (API keys are revoked by it); unique.
    pub id: ProfileId,
    pub user_id: UserId,
    pub kind: TokenKind,
    pub name: Option<String>,
    pub created_at: time::OffsetDateTime,
    /// The first instant at which the token no longer authenticates; `None`: until revoked.
    pub expires_at: Option<time::OffsetDateTime>,
}

/// Accounts and their tokens.
#[async_trait]
pub trait Accounts: Send + Sync {
    /// Creates an account. An e-mail already taken is `Conflict` (the domain stores addresses
    /// lower-case, so this is a case-insensitive uniqueness).
    async fn create_user(&self, user: &User, password_hash: &str) -> Result<(), StoreError>;
    /// The account and its password hash; `email` is matched lower-cased.
    async fn user_by_email(&self, email: &str) -> Result<Option<(User, String)>, StoreError>;
    async fn user(&self, id: UserId) -> Result<Option<User>, StoreError>;
    /// The accounts that curate matches (STAFF and ADMIN), by e-mail.
    async fn staff_accounts(&self) -> Result<Vec<User>, StoreError>;
    /// Replaces the password hash (an unknown id changes nothing).
    async fn set_password_hash(&self, id: UserId, password_hash: &str) -> Result<(), StoreError>;
    /// Stores a token for an existing account.
    async fn insert_token(&self, token: &TokenRecord) -> Result<(), StoreError>;
    /// The account a token authenticates and the token's kind, if a token with this hash
    /// exists, is not revoked, and `now` is before its `expires_at` (a token is expired from
    /// `expires_at` on, to the microsecond). Otherwise `None`: unknown, revoked and expired
    /// tokens are indistinguishable to the caller.
    async fn token_user(
        &self,
        hash: &str,
        now: time::OffsetDateTime,
    ) -> Result<Option<(User, TokenKind)>, StoreError>;
    /// Revokes a token of any kind by hash (log-out); true when a live token was revoked by
    /// this call (revoking twice: true, then false). Revocation is immediate and final for
    /// every later `token_user`.
    async fn revoke_token_hash(
        &self,
        hash: &str,
        now: time::OffsetDateTime,
    ) -> Result<bool, StoreError>;
    /// Revokes an API key by its public id, only if `owner` owns it and it is an API key (a
    /// session cannot be revoked by id); true when one was revoked by this call.
    async fn revoke_api_key(
        &self,
        id: ProfileId,
        owner: UserId,
        now: time::OffsetDateTime,
    ) -> Result<bool, StoreError>;
    /// The account's API keys that are not revoked, oldest first (hashes included; callers
    /// never show them).
    async fn api_keys(&self, owner: UserId) -> Result<Vec<TokenRecord>, StoreError>;
    /// Stores a password-reset token by its hash for an existing account, usable until
    /// `expires_at`.
    async fn insert_password_reset(
        &self,
        hash: &str,
        user: UserId,
        created_at: time::OffsetDateTime,
        expires_at: time::OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Takes a password-reset token: the account it was made for when a token with this hash
    /// exists, was never taken and `now` is before its expiry; it is then taken, and so is every
    /// other reset of that account not yet taken (an older link no longer works). Once only:
    /// of two callers at the same moment, one gets the account. Otherwise `None`: unknown, used
    /// and expired tokens are indistinguishable.
    async fn take_password_reset(
        &self,
        hash: &str,
        now: time::OffsetDateTime,
    ) -> Result<Option<UserId>, StoreError>;
    /// Ends every password-reset link of `user` not yet taken (its password was changed: a
    /// letter still in a mailbox must not set another); how many ended.
    async fn end_password_resets(
        &self,
        user: UserId,
        now: time::OffsetDateTime,
    ) -> Result<u64, StoreError>;
    /// The account whose password-reset token has this hash, if [`Self::take_password_reset`]
    /// would take it now, without taking it: the reset page says at once that a used link no
    /// longer works, and a new password is checked against its account before the link goes.
    async fn password_reset_holder(
        &self,
        hash: &str,
        now: time::OffsetDateTime,
    ) -> Result<Option<UserId>, StoreError>;
    /// Deletes `owner`'s log-in sessions (live, revoked or expired) but the `keep` newest and
    /// the one whose hash is `except`; the number deleted. API keys are untouched.
    async fn prune_sessions(
        &self,
        owner: UserId,
        keep: usize,
        except: &str,
    ) -> Result<u64, StoreError>;
    /// Revokes every live token of `owner` of `kind`; the number revoked by this call.
    async fn revoke_tokens_of(
        &self,
        owner: UserId,
        kind: TokenKind,
        now: time::OffsetDateTime,
    ) -> Result<u64, StoreError>;
    /// Profile ids the account owns (SMEs and investors, archived ones too), in no particular
    /// order.
    async fn owned_profiles(&self, user: UserId) -> Result<Vec<ProfileId>, StoreError>;
}

/// Restricts a pipeline listing; every set field must hold (AND), the prefixes are
/// alternatives (OR).
#[derive(Debug, Clone, Default)]
pub struct PipelineFilter {
    pub stage: Option<Stage>,
    pub curator: Option<UserId>,
    /// ISIC code prefix of the SME's (primary) sector (a section letter is resolved by the
    /// caller into its divisions).
    pub sector_prefixes: Vec<String>,
    pub province: Option<String>,
    /// Text that the SME's or the investor's name holds, in any of its languages, Latin
    /// letters in any case (an ANONYMOUS SME's name too: only staff list the pipeline).
    pub name: Option<String>,
}

/// The order of a pipeline listing, and where a page starts in it (exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PipelineOrder {
    /// Ascending id: stable, but it says nothing about the record (a pair's id is a hash).
    Id { after: Option<ProfileId> },
    /// Open matches first (a finished one, [`Stage::is_finished`], waits for nobody: QA, a
    /// hundred closed matches filled the board's first page), each part unchanged longest
    /// first, what a curator follows up on: ascending `updated_at` compared as instants (to
    /// the millisecond on SQLite, the microsecond on PostgreSQL), ties in ascending id order.
    /// A page starts after the record with this finishedness, `updated_at` and id.
    LongestWaiting {
        after: Option<(bool, time::OffsetDateTime, ProfileId)>,
    },
}

impl PipelineOrder {
    /// The first page in id order.
    pub const FIRST_BY_ID: PipelineOrder = PipelineOrder::Id { after: None };
}

/// Counts for the staff dashboard: match records grouped by stage, by the SME's ISIC division
/// (the first two digits of its sector code) and by the SME's province; each list is sorted by
/// key and holds only keys with at least one record.
#[derive(Debug, Clone, Default)]
pub struct Dashboard {
    pub by_stage: Vec<(String, i64)>,
    pub by_sector: Vec<(String, i64)>,
    pub by_province: Vec<(String, i64)>,
}

/// The curation pipeline: match records and their audit log.
///
/// A record and the audit entries its change yields are written in one transaction
/// (`insert_match`, `update_match`): the log never shows a change the record does not have, nor
/// the reverse. The audit log is append-only and read back in append order.
#[async_trait]
pub trait Pipeline: Send + Sync {
    async fn match_record(&self, id: ProfileId) -> Result<Option<MatchRecord>, StoreError>;
    /// Stores a new record with its first audit entries, atomically. A record with the same id
    /// or the same (SME, investor) pair is `Conflict`, and nothing is written.
    async fn insert_match(
        &self,
        record: &MatchRecord,
        log: &[AuditEntry],
    ) -> Result<(), StoreError>;
    /// Replaces a record whose stored version is `record.version - 1`, appending `log` and the
    /// `notices` the change owes (due at `record.updated_at`), in one transaction; a stale
    /// version (or an unknown id) is `Conflict` and writes nothing. Only the mutable fields
    /// change: id, pair, `text_relevance` and `created_at` stay as stored.
    async fn update_match(
        &self,
        record: &MatchRecord,
        log: &[AuditEntry],
        notices: &[Notice],
    ) -> Result<(), StoreError>;
    /// Appends one entry (a note) without changing the record or its version.
    async fn append_audit(&self, match_id: ProfileId, entry: &AuditEntry)
        -> Result<(), StoreError>;
    /// The record's entries in the order they were appended (empty for an unknown id).
    async fn audit_log(&self, match_id: ProfileId) -> Result<Vec<AuditEntry>, StoreError>;
    /// At most `first` records matching `filter`, in `order` from its position;
    /// `total_count` counts every record matching the filter.
    async fn pipeline(
        &self,
        filter: &PipelineFilter,
        order: PipelineOrder,
        first: u32,
    ) -> Result<Page<MatchRecord>, StoreError>;
    /// Records whose SME or investor the account owns, newest change first (`updated_at`
    /// descending, compared as instants; ties in ascending id order).
    async fn matches_of_owner(&self, user: UserId) -> Result<Vec<MatchRecord>, StoreError>;
    /// Profile ids of counterparts whose contact details the account may see: the other side
    /// of every record at a stage that reveals contacts (both sides accepted an introduction)
    /// between one of its profiles and theirs. No duplicates, in no particular order.
    async fn connected_profiles(&self, user: UserId) -> Result<Vec<ProfileId>, StoreError>;
    async fn dashboard(&self) -> Result<Dashboard, StoreError>;

    // # Notices
    //
    // Written by `update_match` with the change that owes them; a sender (one per process,
    // any number of processes) claims the ones due, sends each and records the outcome. A claim
    // leases a notice until `lease_until` (its due time moves there and `attempts` grows by
    // one), so a sender that dies mid-send loses nothing: the notice is due again when the
    // lease ends. Delivery is therefore at least once, never at most once.

    /// Up to `limit` of the notices neither sent nor given up whose due time is at or before
    /// `now` (the earliest due are taken), each leased until `lease_until`, returned in the
    /// order they were written. Two concurrent claims never return the same notice. A row that
    /// cannot be read is given up (with the reason) instead of returned.
    async fn claim_notices(
        &self,
        now: time::OffsetDateTime,
        lease_until: time::OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<StoredNotice>, StoreError>;
    /// Records that the claim of notice `n` (its `id` and `attempts` as claimed) sent it at
    /// `at`. `false`, and nothing written, when that claim no longer holds: the lease ran out
    /// and a later claim owns the notice, or it was settled.
    async fn notice_sent(
        &self,
        n: &StoredNotice,
        at: time::OffsetDateTime,
    ) -> Result<bool, StoreError>;
    /// Records a failed attempt of the claim of `n`: due again at `retry_at`, or given up for
    /// good when `None`. `false` as for [`notice_sent`](Pipeline::notice_sent).
    async fn notice_failed(
        &self,
        n: &StoredNotice,
        error: &str,
        now: time::OffsetDateTime,
        retry_at: Option<time::OffsetDateTime>,
    ) -> Result<bool, StoreError>;
    /// Puts given-up notice `id` of match `match_id` back in the queue, due at `now`, with its
    /// attempts and last error cleared; `false` (nothing changed) when it is not a given-up
    /// notice of that match.
    async fn requeue_notice(
        &self,
        id: i64,
        match_id: ProfileId,
        now: time::OffsetDateTime,
    ) -> Result<bool, StoreError>;
    /// The notices of a match, in the order they were written.
    async fn notices(&self, match_id: ProfileId) -> Result<Vec<StoredNotice>, StoreError>;
    /// Up to `limit` notices written at or after `since` that are not sent and failed at least
    /// once (waiting for a retry, or given up, but not given up as
    /// [`STALE`](crate::domain::notice::STALE), which is no failure), newest first: what staff
    /// should follow up.
    async fn notices_not_sent(
        &self,
        since: time::OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<StoredNotice>, StoreError>;
}

/// A notice as stored, with its delivery state.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredNotice {
    pub id: i64,
    pub match_id: ProfileId,
    pub notice: Notice,
    pub created_at: time::OffsetDateTime,
    /// Claims so far (each claim is one attempt to send).
    pub attempts: i64,
    pub sent_at: Option<time::OffsetDateTime>,
    pub gave_up: bool,
    pub last_error: Option<String>,
    /// When a sender may take it next (the retry time, or the end of a claim's lease); `None`
    /// once sent or given up.
    pub next_attempt: Option<time::OffsetDateTime>,
}

/// Profiles and the outbox, on top of [`Accounts`] and [`Pipeline`]. See the module
/// documentation for the rules every method shares.
///
/// # The outbox rule
///
/// The search index (and, with several replicas, each replica's index) is a copy derived by
/// replaying the outbox: a reader remembers the position of the last entry it applied and asks
/// [`outbox_after`](Store::outbox_after) for what follows. That is only correct if no entry can
/// appear *behind* a reader. In PostgreSQL a sequence value is allocated when the row is
/// inserted but becomes visible when its transaction commits, so transaction A may take 41,
/// transaction B take 42 and commit first: a reader that saw 42 and asks for "after 42" would
/// never see 41. The rule every backend keeps is therefore stated on what a reader can be
/// shown, not on how numbers are allocated:
///
/// > **`outbox_after(p, n)` returns only *settled* entries: an entry is settled when no entry
/// > with a lower position can still be committed. So once a reader has been shown an entry at
/// > position `q`, every entry that is ever committed at a position below `q` has already been
/// > shown to it or was at or below the position it asked after: a sequence committed late is
/// > never skipped by a reader that already passed a higher number.**
///
/// And for liveness: an entry becomes settled as soon as every transaction that was in flight
/// when it committed has ended, so an acknowledged write is handed out within the lifetime of
/// the longest concurrent write transaction.
///
/// Ways to keep it (both checked by hand on PostgreSQL 15 while writing this):
/// - **Serialise appends** so positions are allocated in commit order. SQLite already does:
///   one writer at a time, and the entry's `INTEGER PRIMARY KEY` is assigned inside that
///   writer's transaction. In PostgreSQL, take a transaction-level advisory lock
///   (`pg_advisory_xact_lock`) just before the transaction's first outbox insert and keep the
///   outbox inserts at the end of the transaction, so the lock is held only for them and the
///   commit; a concurrent writer then waits for the lock before taking its number, every
///   committed entry is settled, and `WHERE seq > $1 ORDER BY seq` is the whole reader.
/// - **Read below a horizon**: store the writing transaction's id (`pg_current_xact_id()`,
///   `xid8`) with each entry and hand out only entries whose transaction id is below
///   `pg_snapshot_xmin(pg_current_snapshot())` (every transaction below it has ended, and any
///   later writer gets a higher id). Those entries are final in (transaction id, sequence)
///   order, not in sequence order, so the position must follow that order, e.g. the
///   transaction id × 2²⁰ + the entry's ordinal within its transaction.
///
/// The indexer needs nothing more: it asks for entries after the last position it applied,
/// applies them, and treats "applied ≥ the position my write returned" as "my write is
/// searchable" (read-your-writes), which holds because positions grow along the order it is
/// given.
#[async_trait]
pub trait Store: Accounts + Pipeline + Send + Sync + 'static {
    /// Stores a new SME (fresh id) and one outbox entry for it, atomically; returns the entry's
    /// position.
    async fn insert_sme(&self, sme: &Sme) -> Result<Seq, StoreError>;
    /// Replaces an SME whose stored version is `sme.lifecycle.version - 1` (archiving is an
    /// update to status ARCHIVED) and appends one outbox entry, atomically; returns the entry's
    /// position. A stale version or an unknown id is `Conflict` and writes nothing.
    async fn update_sme(&self, sme: &Sme) -> Result<Seq, StoreError>;
    /// The SME whatever its status.
    async fn sme(&self, id: ProfileId) -> Result<Option<Sme>, StoreError>;
    /// Published SMEs in ascending id order; `total_count` counts every published SME.
    async fn published_smes(&self, page: PageRequest) -> Result<Page<Sme>, StoreError>;

    /// As [`insert_sme`](Store::insert_sme), for an investor.
    async fn insert_investor(&self, investor: &Investor) -> Result<Seq, StoreError>;
    /// As [`update_sme`](Store::update_sme), for an investor.
    async fn update_investor(&self, investor: &Investor) -> Result<Seq, StoreError>;
    /// The investor whatever its status.
    async fn investor(&self, id: ProfileId) -> Result<Option<Investor>, StoreError>;
    /// Published investors in ascending id order; `total_count` counts every published one.
    async fn published_investors(&self, page: PageRequest) -> Result<Page<Investor>, StoreError>;

    /// SMEs by id, whatever their status, in no particular order; unknown ids are skipped.
    async fn smes_by_ids(&self, ids: &[ProfileId]) -> Result<Vec<Sme>, StoreError>;
    async fn investors_by_ids(&self, ids: &[ProfileId]) -> Result<Vec<Investor>, StoreError>;

    /// Inserts many profiles in one transaction, all or nothing (the demo loader, imports), one
    /// outbox entry per profile, SMEs first, each in slice order; returns the position of the
    /// last entry (0 for an empty batch).
    async fn insert_batch(&self, smes: &[Sme], investors: &[Investor]) -> Result<Seq, StoreError>;
    /// Up to `limit` settled outbox entries with a position above `after`, in ascending
    /// position order, starting with the first such entry (no settled entry in between is left
    /// out). See [the outbox rule](Store#the-outbox-rule). `Pruned` when entries above `after`
    /// may have been deleted by [`prune_outbox`](Store::prune_outbox).
    async fn outbox_after(&self, after: Seq, limit: u32) -> Result<Vec<OutboxEntry>, StoreError>;
    /// The position of the newest committed outbox entry, or of the last pruned one when
    /// pruning left the outbox empty (0 when nothing was ever written). Every write
    /// acknowledged before the call has a position at or below it, so a reader that has
    /// applied everything up to it has applied those writes (start-up catch-up waits for it).
    /// It may briefly be above what `outbox_after` can hand out yet (an entry behind it still
    /// settling); a reader waiting for it simply waits for that.
    async fn outbox_head(&self) -> Result<Seq, StoreError>;
    /// How many outbox entries are kept. Refused writes add none; pruning applied entries
    /// ([`prune_outbox`](Store::prune_outbox)) lowers it. For tests and operations; not O(1).
    async fn outbox_len(&self) -> Result<i64, StoreError>;

    // # Replica positions and pruning
    //
    // Each reader of the outbox (a replica's indexer, named by a stable id) records the last
    // position it applied. Entries every *live* reader has applied are deleted; a reader is
    // live when it reported at or after the `live_since` instant the pruner passes (now minus
    // the horizon). A reader not live may find entries it needs gone: `outbox_after` then
    // answers `Pruned` (never a silent gap), and it rebuilds. Registration and pruning are
    // mutually atomic, so a reader that joined (`join_replica`, `join_replica_at_head`) is
    // counted by every later prune, and a prune never deletes what a joined reader needs.

    /// Joins reader `id` at position `applied` (an index that already holds everything up to
    /// it), stamped `now`: `true` when nothing after `applied` was pruned, and from then on
    /// prunes keep what it needs; `false` (nothing recorded) when entries after `applied` may
    /// be gone, so the reader must rebuild ([`join_replica_at_head`](Store::join_replica_at_head)).
    async fn join_replica(
        &self,
        id: &str,
        applied: Seq,
        now: time::OffsetDateTime,
    ) -> Result<bool, StoreError>;
    /// Joins reader `id` at the current head, for a reader about to rebuild from the tables:
    /// returns that head, and no later prune deletes entries above it while the reader stays
    /// live. Rows it then reads are at least as new as the head, and replaying entries after
    /// the head converges.
    async fn join_replica_at_head(
        &self,
        id: &str,
        now: time::OffsetDateTime,
    ) -> Result<Seq, StoreError>;
    /// Records that reader `id` has applied everything up to `applied`, at `now` (a heartbeat,
    /// also when the position did not move).
    async fn report_replica(
        &self,
        id: &str,
        applied: Seq,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Deletes the outbox entries every reader that reported at or after `live_since` has
    /// applied (nothing when none did), and forgets readers last seen before it. Safe to run
    /// concurrently from every replica.
    async fn prune_outbox(
        &self,
        live_since: time::OffsetDateTime,
    ) -> Result<PruneOutcome, StoreError>;
    /// Every recorded reader, by id.
    async fn replicas(&self) -> Result<Vec<ReplicaPosition>, StoreError>;

    // # Rate limits shared by every process on the database
    //
    // Each call is one atomic statement, so concurrent callers on any replica count each
    // attempt and take each token exactly once.

    /// Counts one attempt against `key` at `now` and returns the key's attempts: the earlier
    /// ones are forgotten when the latest was `window` or longer before `now`.
    async fn count_attempt(
        &self,
        key: &str,
        now: time::OffsetDateTime,
        window: std::time::Duration,
    ) -> Result<Attempts, StoreError>;
    /// The key's attempts as last counted (`None`: none, or cleared).
    async fn attempts(&self, key: &str) -> Result<Option<Attempts>, StoreError>;
    /// Forgets the key's attempts.
    async fn clear_attempts(&self, key: &str) -> Result<(), StoreError>;
    /// Forgets every key whose latest attempt or take is before `before` (bounds the tables).
    async fn sweep_rate_limits(&self, before: time::OffsetDateTime) -> Result<(), StoreError>;
    /// Takes one token from `key`'s bucket at `now` (a full bucket holds `burst`, refilled at
    /// `per_second`): `Ok((true, left))` when taken, `Ok((false, left))` when fewer than one
    /// token was left (nothing taken); `left` is the tokens after the call.
    async fn take_token(
        &self,
        key: &str,
        now: time::OffsetDateTime,
        burst: f64,
        per_second: f64,
    ) -> Result<(bool, f64), StoreError>;
    /// Rows by table, whatever their status, read in one snapshot.
    async fn counts(&self) -> Result<Counts, StoreError>;
    /// Calls `wake` whenever another process (or this one) may have appended outbox entries,
    /// until the store is closed, so an indexer can apply them at once instead of at its next
    /// poll. Only a hint: a wake may be spurious or, across a lost connection, missing, so
    /// readers keep polling as well. `false` when the backend has no such push (SQLite: one
    /// process writes, and others on the same file are found by polling).
    async fn watch_outbox(&self, wake: Arc<dyn Fn() + Send + Sync>) -> Result<bool, StoreError> {
        let _ = wake;
        Ok(false)
    }
    /// Sends `payload` (short text) to every process watching this database's events
    /// ([`watch_events`](Store::watch_events)), this one included; best effort, after the
    /// fact, not part of any transaction. `false` when the backend cannot (SQLite: one
    /// process).
    async fn send_event(&self, payload: &str) -> Result<bool, StoreError> {
        let _ = payload;
        Ok(false)
    }
    /// Calls `on` with every payload [`send_event`](Store::send_event) sends on this database,
    /// by any process, until the store is closed; `false` when the backend cannot.
    async fn watch_events(
        &self,
        on: Arc<dyn for<'p> Fn(&'p str) + Send + Sync>,
    ) -> Result<bool, StoreError> {
        let _ = on;
        Ok(false)
    }
    /// A cheap round trip, for health checks.
    async fn ping(&self) -> Result<(), StoreError>;
    /// Whether the database takes a write now, by committing a tiny one (for readiness: reads
    /// still work on a read-only or full database). `Err(Unavailable)` names the fault. The
    /// default says yes: a backend without a probe leaves this to its own monitoring
    /// (PostgreSQL).
    async fn probe_write(&self) -> Result<(), StoreError> {
        Ok(())
    }
    /// Waits until no other process sharing this database is loading the demo, and holds that
    /// turn until [`SeedLock::release`]: replicas started with `--demo` at once on a fresh
    /// database would otherwise both find it empty and both load it. `None` where the backend
    /// is not shared between processes (SQLite: one server per file).
    async fn seed_lock(&self) -> Result<Option<Box<dyn SeedLock>>, StoreError> {
        Ok(None)
    }
    /// The connection pool's use now, for `/metrics` (`None` when the backend has no pool).
    fn pool_usage(&self) -> Option<PoolUsage> {
        None
    }
    /// Flushes and closes connections (checkpointing SQLite's WAL) before shutdown.
    async fn close(&self);
}

/// A held turn at loading the demo (see [`Store::seed_lock`]).
#[async_trait]
pub trait SeedLock: Send {
    async fn release(self: Box<Self>);
}

/// How many connections a pool holds, how many of them are idle, and its bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUsage {
    pub open: u32,
    pub idle: u32,
    pub max: u32,
}

impl PoolUsage {
    pub fn of<DB: sqlx::Database>(pool: &sqlx::Pool<DB>) -> Self {
        PoolUsage {
            open: pool.size(),
            idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
            max: pool.options().get_max_connections(),
        }
    }
}

/// The URL with any password replaced by `***`, for logs and messages.
pub fn redacted_url(url: &str) -> String {
    // scheme://user:password@host… → scheme://user:***@host…
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_string();
    };
    match rest[..at].find(':') {
        Some(colon) => format!(
            "{}{}:***{}",
            &url[..scheme_end],
            &rest[..colon],
            &rest[at..]
        ),
        None => url.to_string(),
    }
}

/// Opens the store a URL names, creating and migrating it as needed. Tests and tools use this
/// too, so they reach whichever backend the server uses through the same contract.
pub async fn open(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(sqlite::SqliteStore::open(url).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(postgres::PostgresStore::open(url).await?))
    } else {
        Err(StoreError::UnsupportedUrl(redacted_url(url)))
    }
}

#[cfg(test)]
mod tests {
    use super::redacted_url;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redacted_url("postgres://app:s3cr:et@db.internal:5432/khkr?sslmode=require"),
            "postgres://app:***@db.internal:5432/khkr?sslmode=require"
        );
        assert_eq!(
            redacted_url("postgres://postgres@127.0.0.1:5432/test"),
            "postgres://postgres@127.0.0.1:5432/test"
        );
        assert_eq!(redacted_url("sqlite:khkr-match.db"), "sqlite:khkr-match.db");
        assert_eq!(
            redacted_url("postgres://h/db?options=-csearch_path%3Da@b"),
            "postgres://h/db?options=-csearch_path%3Da@b"
        );
    }
}
