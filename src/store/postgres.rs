//! PostgreSQL: the backend for several replicas on one database.
//!
//! Rows are the same flat records as in SQLite (`codec`), so the domain decoding is shared; what
//! differs is said here:
//!
//! - **The outbox rule** is kept by *serialising appends*: each writing transaction does its
//!   row writes first, then takes one transaction-scoped advisory lock ([`OUTBOX_LOCK`], the
//!   schema's own: [`schema_lock`]; a session idle in a transaction for [`HOLD_IDLE`] is ended
//!   by the server, so a frozen writer cannot hold it up for long), then
//!   adjusts the counts and inserts its outbox entries, then commits. The lock is released only
//!   after the commit is visible, and a position is allocated (`nextval` of the identity) only
//!   while holding it, so positions are allocated in commit order: every committed entry is
//!   settled and `WHERE seq > $1 ORDER BY seq` is the whole reader. Chosen over reading below
//!   `pg_snapshot_xmin` because positions stay plain, dense-ish, human-readable numbers that
//!   `outbox_head` and read-your-writes compare directly, an acknowledged write is handed out
//!   at once (not only after every older concurrent transaction of the database ends — with the
//!   horizon rule one long-running unrelated transaction would hold back every replica's
//!   index), and the serialised part is a few short statements at the end of a transaction.
//! - **Timestamps** are `timestamptz`, i.e. microseconds. The service stamps nanoseconds, so
//!   values are truncated (not rounded, as PostgreSQL would) to the microsecond on the way in,
//!   and read back as RFC 3339 text with six fraction digits.
//! - **Counts** (`counts()`, the totals of published listings) come from `profile_counts`,
//!   adjusted in the writing transaction under the same lock: O(1) to read at any size.
//! - **Snapshots**: a page and its total are read in one `REPEATABLE READ` transaction.
//! - **Replicas** are woken by `NOTIFY` on a per-schema channel, sent by every outbox append
//!   and delivered at its commit ([`Store::watch_outbox`]); polling stays as the fallback.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::LazyLock;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgArguments, PgConnectOptions, PgListener, PgPool, PgPoolOptions, PgRow};
use sqlx::query::Query;
use sqlx::{FromRow, Postgres, Transaction};
use time::OffsetDateTime;

use super::codec::{
    investor_values, sme_values, timestamp, InvestorRecord, SmeRecord, Value, INVESTOR_COLUMNS,
    SME_COLUMNS,
};
use super::{
    Counts, Entity, OutboxEntry, Page, PageRequest, PruneOutcome, ReplicaPosition, Seq, Store,
    StoreError,
};
use crate::domain::ids::ProfileId;
use crate::domain::investor::Investor;
use crate::domain::profile::ProfileStatus;
use crate::domain::sme::Sme;

/// The advisory lock key of demo loading for the schema whose outbox channel is `channel`
/// (advisory locks are per database; schemas must not wait for each other).
fn seed_lock_key(channel: &str) -> i64 {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("khkr-match demo seed {channel}").as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(bytes)
}

/// The held turn at loading the demo: its connection, outside the pool.
struct PgSeedLock {
    conn: sqlx::PgConnection,
    key: i64,
}

#[async_trait]
impl super::SeedLock for PgSeedLock {
    async fn release(self: Box<Self>) {
        let PgSeedLock { mut conn, key } = *self;
        if let Err(e) = sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(key)
            .execute(&mut conn)
            .await
        {
            // Closing the connection below releases it anyway.
            tracing::warn!(error = %e, "could not release the demo seeding lock");
        }
        let _ = sqlx::Connection::close(conn).await;
    }
}

/// The advisory lock that serialises outbox appends ("khko", with the schema: see
/// [`schema_lock`]). Transaction-scoped: released by commit or rollback, never leaked.
pub(super) const OUTBOX_LOCK: (i32, i64) = (0x6b68_6b6f, LEGACY_OUTBOX_LOCK);
/// The one-key lock releases before 2026-12 took for outbox appends, for the whole database.
const LEGACY_OUTBOX_LOCK: i64 = 0x6b68_6b72_6f75_7462;

/// How long a session of the store may sit idle inside a transaction (its client not sending)
/// before the server ends it, rolling the transaction back. Every transaction of the store is
/// a few statements sent back to back, so only a client that froze mid-transaction (a paused
/// VM, SIGSTOP) reaches it; until then it would hold its row and advisory locks, and every
/// other replica's writes and prunes would wait behind it.
const HOLD_IDLE: &str = "10s";

/// Takes a transaction-scoped advisory lock, `(key, the schema's name hashed)`, in `tx`.
///
/// Per schema, because advisory locks are per database and schemas (deployments, tests) need
/// not wait for each other. For one release it also takes, first, the one-key lock (`.1`) that
/// releases before 2026-12 took for the whole database, so that replicas of the two releases
/// exclude each other during a rolling upgrade (README, upgrades); the next release drops it.
/// Both are taken in the same order everywhere, so they cannot deadlock.
pub(super) async fn schema_lock(
    tx: &mut Transaction<'_, Postgres>,
    (key, legacy): (i32, i64),
) -> Result<(), StoreError> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(legacy)
        .execute(&mut **tx)
        .await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))")
        .bind(key)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Columns stored as `timestamptz` (read back as text, written from text).
const TIME_COLUMNS: [&str; 5] = ["created_at", "updated_at", "expires_at", "revoked_at", "at"];

/// A timestamp as the store writes it: truncated to the microsecond, RFC 3339.
pub(super) fn pg_timestamp(t: OffsetDateTime) -> String {
    let micros = t.nanosecond() / 1_000 * 1_000;
    // Replacing the nanosecond with a smaller value of the same second cannot fail.
    timestamp(t.replace_nanosecond(micros).unwrap_or(t))
}

/// Truncates the fraction of an RFC 3339 text to six digits (the codec formats nanoseconds).
fn truncate_rfc3339(s: &str) -> String {
    let Some(dot) = s.find('.') else {
        return s.to_string();
    };
    let digits = s[dot + 1..]
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(s.len() - dot - 1);
    if digits <= 6 {
        return s.to_string();
    }
    format!("{}{}", &s[..dot + 7], &s[dot + 1 + digits..])
}

/// `column`, or for a timestamp column the expression that reads it back as RFC 3339 UTC text
/// with microseconds (what the codec parses), named as the column. `prefix` qualifies it.
pub(super) fn select_column(prefix: &str, column: &str) -> String {
    if TIME_COLUMNS.contains(&column) {
        format!(
            "to_char({prefix}{column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS {column}"
        )
    } else {
        format!("{prefix}{column}")
    }
}

pub(super) fn select_list(prefix: &str, columns: &[&str]) -> String {
    columns
        .iter()
        .map(|c| select_column(prefix, c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The placeholder for parameter `n` of `column` (timestamps are bound as text and cast).
fn placeholder(n: usize, column: &str) -> String {
    if TIME_COLUMNS.contains(&column) {
        format!("${n}::timestamptz")
    } else {
        format!("${n}")
    }
}

/// The SQL of one profile table, built once from its column list.
struct Table {
    entity: &'static str,
    columns: &'static [&'static str],
    insert: String,
    update: String,
    lock_version: String,
    select_one: String,
    select_many: String,
    select_page: String,
}

impl Table {
    fn new(name: &'static str, entity: &'static str, columns: &'static [&'static str]) -> Self {
        let cols = columns.join(", ");
        let marks: Vec<String> = columns
            .iter()
            .enumerate()
            .map(|(i, c)| placeholder(i + 1, c))
            .collect();
        // Every column but the id (always first) is rewritten; id and expected version follow.
        let sets: Vec<String> = columns[1..]
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} = {}", placeholder(i + 1, c)))
            .collect();
        let n = columns.len();
        let select = select_list("", columns);
        Table {
            entity,
            columns,
            insert: format!("INSERT INTO {name} ({cols}) VALUES ({})", marks.join(", ")),
            update: format!(
                "UPDATE {name} SET {} WHERE id = ${n} AND version = ${}",
                sets.join(", "),
                n + 1
            ),
            // Locks the row being replaced and tells its old status (for the counts); a
            // concurrent update of the same row waits here and then finds the version moved on.
            lock_version: format!(
                "SELECT status FROM {name} WHERE id = $1 AND version = $2 FOR UPDATE"
            ),
            select_one: format!("SELECT {select} FROM {name} WHERE id = $1"),
            select_many: format!("SELECT {select} FROM {name} WHERE id = ANY($1)"),
            select_page: format!(
                "SELECT {select} FROM {name} WHERE status = 'PUBLISHED' AND id > $1 ORDER BY id LIMIT $2"
            ),
        }
    }
}

static SMES: LazyLock<Table> = LazyLock::new(|| Table::new("smes", "SME", &SME_COLUMNS));
static INVESTORS: LazyLock<Table> =
    LazyLock::new(|| Table::new("investors", "INVESTOR", &INVESTOR_COLUMNS));

/// A profile as the generic write path needs it.
struct Write {
    id: ProfileId,
    status: ProfileStatus,
    version: i64,
    values: Vec<Value>,
}

impl From<&Sme> for Write {
    fn from(s: &Sme) -> Self {
        Write {
            id: s.id,
            status: s.lifecycle.status,
            version: s.lifecycle.version,
            values: sme_values(s),
        }
    }
}

impl From<&Investor> for Write {
    fn from(i: &Investor) -> Self {
        Write {
            id: i.id,
            status: i.lifecycle.status,
            version: i.lifecycle.version,
            values: investor_values(i),
        }
    }
}

/// Binds `values` named by `columns` (in step); timestamp texts are truncated to microseconds.
fn bind_all<'q>(
    mut q: Query<'q, Postgres, PgArguments>,
    columns: &[&str],
    values: Vec<Value>,
) -> Query<'q, Postgres, PgArguments> {
    for (column, v) in columns.iter().zip(values) {
        q = match v {
            Value::Text(s) if TIME_COLUMNS.contains(column) => {
                q.bind(s.as_deref().map(truncate_rfc3339))
            }
            Value::Text(s) => q.bind(s),
            Value::Int(i) => q.bind(i),
        };
    }
    q
}

/// What one transaction changes in `profile_counts`: (entity, status) → delta.
type CountDeltas = BTreeMap<(&'static str, &'static str), i64>;

/// One transaction's outbox appends, queued while its rows are written and flushed at the end
/// under the outbox lock.
#[derive(Default)]
struct Appends {
    entries: Vec<(&'static str, ProfileId, &'static str)>,
    counts: CountDeltas,
}

impl Appends {
    fn entry(&mut self, table: &Table, id: ProfileId, status: ProfileStatus) {
        let op = match status {
            ProfileStatus::Published => "UPSERT",
            ProfileStatus::Archived => "DELETE",
        };
        self.entries.push((table.entity, id, op));
    }

    fn count(&mut self, table: &Table, status: &'static str, delta: i64) {
        *self.counts.entry((table.entity, status)).or_default() += delta;
    }

    /// Takes the outbox lock, applies the count deltas and appends the entries, in that order,
    /// as the last statements of `tx`; returns the last entry's position (0 when none).
    async fn flush(
        self,
        tx: &mut Transaction<'_, Postgres>,
        channel: &str,
    ) -> Result<Seq, StoreError> {
        if self.entries.is_empty() {
            return Ok(0);
        }
        schema_lock(tx, OUTBOX_LOCK).await?;
        for ((entity, status), delta) in self.counts {
            if delta != 0 {
                sqlx::query(
                    "UPDATE profile_counts SET n = n + $3 WHERE entity = $1 AND status = $2",
                )
                .bind(entity)
                .bind(status)
                .bind(delta)
                .execute(&mut **tx)
                .await?;
            }
        }
        // One statement for the whole list; `ORDER BY ord` makes the identity follow slice
        // order (rows are numbered as the sorted SELECT produces them).
        let (entities, ids, ops): (Vec<&str>, Vec<String>, Vec<&str>) = self
            .entries
            .iter()
            .map(|(e, id, op)| (*e, id.to_string(), *op))
            .fold((vec![], vec![], vec![]), |mut acc, (e, id, op)| {
                acc.0.push(e);
                acc.1.push(id);
                acc.2.push(op);
                acc
            });
        let seqs: Vec<i64> = sqlx::query_scalar(
            "INSERT INTO outbox (entity, entity_id, op)
             SELECT e, i, o FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS t(e, i, o, ord)
             ORDER BY ord
             RETURNING seq",
        )
        .bind(entities)
        .bind(ids)
        .bind(ops)
        .fetch_all(&mut **tx)
        .await?;
        let last = seqs.into_iter().max().unwrap_or(0);
        // Delivered at commit, and only if the transaction commits: wakes the indexers of the
        // other replicas (PostgreSQL folds identical notifications of one transaction).
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(channel)
            .bind(last.to_string())
            .execute(&mut **tx)
            .await?;
        Ok(last)
    }
}

fn status_str(status: ProfileStatus) -> &'static str {
    match status {
        ProfileStatus::Published => "PUBLISHED",
        ProfileStatus::Archived => "ARCHIVED",
    }
}

pub struct PostgresStore {
    pub(super) pool: PgPool,
    /// The LISTEN/NOTIFY channel of this schema's outbox (channels are per database, so the
    /// schema is in the name: stores in other schemas of the database do not wake each other).
    channel: String,
    /// The channel pipeline events travel on between replicas (per schema, as `channel`).
    events_channel: String,
}

impl PostgresStore {
    /// Connects and migrates (migrations/postgres, embedded). The URL may carry
    /// `options=-csearch_path%3D<schema>` to live in a schema of its own (tests do).
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        // Notices (e.g. "relation _sqlx_migrations already exists, skipping" at every start)
        // are not worth a log line each; warnings and errors still are.
        let mut options = url.parse::<PgConnectOptions>()?.options([
            ("client_min_messages", "warning"),
            ("idle_in_transaction_session_timeout", HOLD_IDLE),
        ]);
        // Which process a session belongs to, in pg_stat_activity (a lock held, a slow query),
        // unless the URL names it already.
        if options.get_application_name().is_none() {
            options = options.application_name(&format!("khkr-match (pid {})", std::process::id()));
        }
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await?;
        // Migrations a newer release applied are not refused: they are backward compatible
        // for one release (README, upgrades), so a replica of the previous release may still
        // (re)start while the others are being upgraded.
        let mut migrator = sqlx::migrate!("./migrations/postgres");
        migrator.set_ignore_missing(true);
        migrator.run(&pool).await?;
        let schema: String = sqlx::query_scalar("SELECT current_schema()")
            .fetch_one(&pool)
            .await?;
        Ok(PostgresStore {
            pool,
            channel: format!("khkr_outbox_{schema}"),
            events_channel: format!("khkr_events_{schema}"),
        })
    }

    /// Listens on `channel` on a connection of its own until the pool closes, calling `on` with
    /// each payload, and with `None` when the connection was lost (notifications may have been
    /// missed; `recv` reconnects by itself).
    async fn listen(
        &self,
        channel: &str,
        on: impl Fn(Option<&str>) + Send + 'static,
    ) -> Result<(), StoreError> {
        let mut listener = PgListener::connect_with(&self.pool).await?;
        listener.listen(channel).await?;
        let closed = self.pool.close_event();
        let channel = channel.to_string();
        tokio::spawn(async move {
            tokio::pin!(closed);
            loop {
                tokio::select! {
                    _ = &mut closed => break,
                    received = listener.recv() => match received {
                        Ok(n) => on(Some(n.payload())),
                        Err(e) => {
                            tracing::warn!(error = %e, %channel, "database notifications interrupted");
                            on(None);
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                    },
                }
            }
        });
        Ok(())
    }

    async fn insert_in(
        tx: &mut Transaction<'_, Postgres>,
        table: &Table,
        w: Write,
        appends: &mut Appends,
    ) -> Result<(), StoreError> {
        // A profile id already taken is a repeat (a form's submission sent twice), not a fault.
        bind_all(sqlx::query(&table.insert), table.columns, w.values)
            .execute(&mut **tx)
            .await
            .map_err(|e| super::conflict_if_unique(e, table.entity, w.id))?;
        appends.count(table, status_str(w.status), 1);
        appends.entry(table, w.id, w.status);
        Ok(())
    }

    async fn insert(&self, table: &Table, w: Write) -> Result<Seq, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut appends = Appends::default();
        Self::insert_in(&mut tx, table, w, &mut appends).await?;
        let seq = appends.flush(&mut tx, &self.channel).await?;
        tx.commit().await?;
        Ok(seq)
    }

    async fn update(&self, table: &Table, w: Write) -> Result<Seq, StoreError> {
        let conflict = || StoreError::Conflict {
            entity: table.entity,
            id: w.id.to_string(),
        };
        let mut tx = self.pool.begin().await?;
        let (id, status, expected) = (w.id, w.status, w.version - 1);
        let old: Option<String> = sqlx::query_scalar(&table.lock_version)
            .bind(id.to_string())
            .bind(expected)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(old) = old else {
            return Err(conflict());
        };
        let mut values = w.values;
        values.remove(0); // the id goes in the WHERE clause
        values.push(Value::Text(Some(id.to_string())));
        values.push(Value::Int(Some(expected)));
        let mut columns: Vec<&str> = table.columns[1..].to_vec();
        columns.extend(["id", "version"]);
        let done = bind_all(sqlx::query(&table.update), &columns, values)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() != 1 {
            return Err(conflict());
        }
        let mut appends = Appends::default();
        let old = match old.as_str() {
            "PUBLISHED" => ProfileStatus::Published,
            "ARCHIVED" => ProfileStatus::Archived,
            other => {
                return Err(StoreError::Corrupt {
                    entity: table.entity,
                    id: id.to_string(),
                    reason: format!("status: unknown value {other:?}"),
                })
            }
        };
        if old != status {
            appends.count(table, status_str(old), -1);
            appends.count(table, status_str(status), 1);
        }
        appends.entry(table, id, status);
        let seq = appends.flush(&mut tx, &self.channel).await?;
        tx.commit().await?;
        Ok(seq)
    }

    async fn get<R>(&self, table: &Table, id: ProfileId) -> Result<Option<R>, StoreError>
    where
        R: for<'r> FromRow<'r, PgRow> + Send + Unpin,
    {
        Ok(sqlx::query_as::<_, R>(&table.select_one)
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn by_ids<R>(&self, table: &Table, ids: &[ProfileId]) -> Result<Vec<R>, StoreError>
    where
        R: for<'r> FromRow<'r, PgRow> + Send + Unpin,
    {
        // One array parameter, whatever the number of ids.
        let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
        Ok(sqlx::query_as::<_, R>(&table.select_many)
            .bind(ids)
            .fetch_all(&self.pool)
            .await?)
    }

    async fn page<R>(&self, table: &Table, page: PageRequest) -> Result<Page<R>, StoreError>
    where
        R: for<'r> FromRow<'r, PgRow> + Send + Unpin,
    {
        // One snapshot for the page and its total.
        let mut tx = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .execute(&mut *tx)
            .await?;
        let after = page.after.map(|id| id.to_string()).unwrap_or_default();
        let mut items = sqlx::query_as::<_, R>(&table.select_page)
            .bind(after)
            .bind(i64::from(page.first) + 1)
            .fetch_all(&mut *tx)
            .await?;
        let total_count: i64 = sqlx::query_scalar(
            "SELECT n FROM profile_counts WHERE entity = $1 AND status = 'PUBLISHED'",
        )
        .bind(table.entity)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        let has_next_page = items.len() > page.first as usize;
        items.truncate(page.first as usize);
        Ok(Page {
            items,
            has_next_page,
            total_count,
        })
    }
}

fn decode_page<R, T>(
    page: Page<R>,
    decode: fn(R) -> Result<T, StoreError>,
) -> Result<Page<T>, StoreError> {
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(decode)
            .collect::<Result<_, _>>()?,
        has_next_page: page.has_next_page,
        total_count: page.total_count,
    })
}

#[async_trait]
impl Store for PostgresStore {
    async fn insert_sme(&self, sme: &Sme) -> Result<Seq, StoreError> {
        self.insert(&SMES, sme.into()).await
    }

    async fn update_sme(&self, sme: &Sme) -> Result<Seq, StoreError> {
        self.update(&SMES, sme.into()).await
    }

    async fn sme(&self, id: ProfileId) -> Result<Option<Sme>, StoreError> {
        self.get::<SmeRecord>(&SMES, id)
            .await?
            .map(SmeRecord::into_sme)
            .transpose()
    }

    async fn published_smes(&self, page: PageRequest) -> Result<Page<Sme>, StoreError> {
        decode_page(self.page(&SMES, page).await?, SmeRecord::into_sme)
    }

    async fn insert_investor(&self, investor: &Investor) -> Result<Seq, StoreError> {
        self.insert(&INVESTORS, investor.into()).await
    }

    async fn update_investor(&self, investor: &Investor) -> Result<Seq, StoreError> {
        self.update(&INVESTORS, investor.into()).await
    }

    async fn investor(&self, id: ProfileId) -> Result<Option<Investor>, StoreError> {
        self.get::<InvestorRecord>(&INVESTORS, id)
            .await?
            .map(InvestorRecord::into_investor)
            .transpose()
    }

    async fn published_investors(&self, page: PageRequest) -> Result<Page<Investor>, StoreError> {
        decode_page(
            self.page(&INVESTORS, page).await?,
            InvestorRecord::into_investor,
        )
    }

    async fn smes_by_ids(&self, ids: &[ProfileId]) -> Result<Vec<Sme>, StoreError> {
        let rows = self.by_ids::<SmeRecord>(&SMES, ids).await?;
        rows.into_iter().map(SmeRecord::into_sme).collect()
    }

    async fn investors_by_ids(&self, ids: &[ProfileId]) -> Result<Vec<Investor>, StoreError> {
        let rows = self.by_ids::<InvestorRecord>(&INVESTORS, ids).await?;
        rows.into_iter()
            .map(InvestorRecord::into_investor)
            .collect()
    }

    async fn insert_batch(&self, smes: &[Sme], investors: &[Investor]) -> Result<Seq, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut appends = Appends::default();
        for sme in smes {
            Self::insert_in(&mut tx, &SMES, sme.into(), &mut appends).await?;
        }
        for inv in investors {
            Self::insert_in(&mut tx, &INVESTORS, inv.into(), &mut appends).await?;
        }
        let seq = appends.flush(&mut tx, &self.channel).await?;
        tx.commit().await?;
        Ok(seq)
    }

    async fn outbox_after(&self, after: Seq, limit: u32) -> Result<Vec<OutboxEntry>, StoreError> {
        // Every committed entry is settled: appends are serialised by OUTBOX_LOCK, which a
        // writer releases only once its commit is visible, and positions are allocated under
        // it. So nothing can still commit below the highest position a reader has seen.
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT seq, entity, entity_id FROM outbox WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        // Read after the entries: a prune that deleted some of them before that read has
        // raised the watermark by now (both in one transaction), so no gap goes unnoticed.
        let pruned_through = super::postgres_replicas::pruned_through(&self.pool).await?;
        if after < pruned_through {
            return Err(StoreError::Pruned {
                after,
                pruned_through,
            });
        }
        rows.into_iter()
            .map(|(seq, entity, id)| {
                let corrupt = |reason: String| StoreError::Corrupt {
                    entity: "outbox entry",
                    id: seq.to_string(),
                    reason,
                };
                let entity = match entity.as_str() {
                    "SME" => Entity::Sme,
                    "INVESTOR" => Entity::Investor,
                    other => return Err(corrupt(format!("unknown entity {other:?}"))),
                };
                let id = ProfileId::parse(&id).map_err(corrupt)?;
                Ok(OutboxEntry { seq, entity, id })
            })
            .collect()
    }

    async fn outbox_head(&self) -> Result<Seq, StoreError> {
        super::postgres_replicas::head(&self.pool).await
    }

    async fn join_replica(
        &self,
        id: &str,
        applied: Seq,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        super::postgres_replicas::join(&self.pool, id, applied, now).await
    }

    async fn join_replica_at_head(&self, id: &str, now: OffsetDateTime) -> Result<Seq, StoreError> {
        super::postgres_replicas::join_at_head(&self.pool, id, now).await
    }

    async fn report_replica(
        &self,
        id: &str,
        applied: Seq,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        super::postgres_replicas::report(&self.pool, id, applied, now).await
    }

    async fn prune_outbox(&self, live_since: OffsetDateTime) -> Result<PruneOutcome, StoreError> {
        super::postgres_replicas::prune(&self.pool, live_since).await
    }

    async fn replicas(&self) -> Result<Vec<ReplicaPosition>, StoreError> {
        super::postgres_replicas::list(&self.pool).await
    }

    async fn count_attempt(
        &self,
        key: &str,
        now: OffsetDateTime,
        window: std::time::Duration,
    ) -> Result<super::Attempts, StoreError> {
        super::rate_limits::postgres::count(&self.pool, key, now, window).await
    }

    async fn attempts(&self, key: &str) -> Result<Option<super::Attempts>, StoreError> {
        super::rate_limits::postgres::get(&self.pool, key).await
    }

    async fn clear_attempts(&self, key: &str) -> Result<(), StoreError> {
        super::rate_limits::postgres::clear(&self.pool, key).await
    }

    async fn sweep_rate_limits(&self, before: OffsetDateTime) -> Result<(), StoreError> {
        super::rate_limits::postgres::sweep(&self.pool, before).await
    }

    async fn take_token(
        &self,
        key: &str,
        now: OffsetDateTime,
        burst: f64,
        per_second: f64,
    ) -> Result<(bool, f64), StoreError> {
        super::rate_limits::postgres::take(&self.pool, key, now, burst, per_second).await
    }

    async fn outbox_len(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
            .fetch_one(&self.pool)
            .await?)
    }

    async fn counts(&self) -> Result<Counts, StoreError> {
        let (smes, investors): (i64, i64) = sqlx::query_as(
            "SELECT COALESCE(SUM(n) FILTER (WHERE entity = 'SME'), 0)::bigint,
                    COALESCE(SUM(n) FILTER (WHERE entity = 'INVESTOR'), 0)::bigint
             FROM profile_counts",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(Counts { smes, investors })
    }

    async fn watch_outbox(&self, wake: Arc<dyn Fn() + Send + Sync>) -> Result<bool, StoreError> {
        // A lost connection may have lost notifications: wake then too (the reader polls).
        self.listen(&self.channel, move |_| wake()).await?;
        Ok(true)
    }

    async fn send_event(&self, payload: &str) -> Result<bool, StoreError> {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(&self.events_channel)
            .bind(payload)
            .execute(&self.pool)
            .await?;
        Ok(true)
    }

    async fn watch_events(
        &self,
        on: Arc<dyn for<'p> Fn(&'p str) + Send + Sync>,
    ) -> Result<bool, StoreError> {
        self.listen(&self.events_channel, move |payload: Option<&str>| {
            if let Some(p) = payload {
                on(p)
            }
        })
        .await?;
        Ok(true)
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn seed_lock(&self) -> Result<Option<Box<dyn super::SeedLock>>, StoreError> {
        // A session-level advisory lock on a connection of its own, taken out of the pool: it
        // lasts until released, or until that connection ends if this process dies first.
        let key = seed_lock_key(&self.channel);
        let mut conn = self.pool.acquire().await?.detach();
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(key)
            .execute(&mut conn)
            .await?;
        Ok(Some(Box::new(PgSeedLock { conn, key })))
    }

    async fn close(&self) {
        self.pool.close().await;
    }

    fn pool_usage(&self) -> Option<super::PoolUsage> {
        Some(super::PoolUsage::of(&self.pool))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractions_are_truncated_to_microseconds() {
        assert_eq!(
            truncate_rfc3339("2026-11-30T13:57:51.123456789Z"),
            "2026-11-30T13:57:51.123456Z"
        );
        assert_eq!(
            truncate_rfc3339("2026-11-30T13:57:51.1234569+07:00"),
            "2026-11-30T13:57:51.123456+07:00"
        );
        assert_eq!(
            truncate_rfc3339("2026-11-30T13:57:51.5Z"),
            "2026-11-30T13:57:51.5Z"
        );
        assert_eq!(
            truncate_rfc3339("2026-11-30T13:57:51Z"),
            "2026-11-30T13:57:51Z"
        );
        let t = OffsetDateTime::from_unix_timestamp_nanos(1_790_000_000_999_999_999).unwrap();
        assert_eq!(pg_timestamp(t), "2026-09-21T14:13:20.999999Z");
    }
}
