//! The embedded default: one SQLite file in WAL mode.
//!
//! WAL lets readers proceed while one writer commits; `synchronous = FULL` makes a commit durable
//! before the mutation answers, so an acknowledged write survives a crash or power cut.

use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use sqlx::query::Query;
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteRow, SqliteSynchronous,
};
use sqlx::{Connection, FromRow, Sqlite, Transaction};

use super::codec::{
    investor_values, sme_values, timestamp, InvestorRecord, SmeRecord, Value, INVESTOR_COLUMNS,
    SME_COLUMNS,
};
use time::OffsetDateTime;

use super::{
    Counts, Entity, OutboxEntry, Page, PageRequest, PruneOutcome, ReplicaPosition, Seq, Store,
    StoreError,
};
use crate::domain::ids::ProfileId;
use crate::domain::investor::Investor;
use crate::domain::profile::ProfileStatus;
use crate::domain::sme::Sme;

/// The SQL of one profile table, built once from its column list.
struct Table {
    /// The outbox's name for the entity.
    entity: &'static str,
    insert: String,
    update: String,
    select_one: String,
    /// `SELECT … WHERE id`, to be completed with `IN (…)`.
    select_many: String,
    select_page: String,
    count_published: String,
}

impl Table {
    fn new(name: &'static str, entity: &'static str, columns: &[&str]) -> Self {
        let cols = columns.join(", ");
        let marks = vec!["?"; columns.len()].join(", ");
        // Every column but the id (always first) is rewritten; the version guard makes a stale
        // edit update nothing, which the caller reports as a conflict.
        let sets: Vec<String> = columns[1..].iter().map(|c| format!("{c} = ?")).collect();
        Table {
            entity,
            insert: format!("INSERT INTO {name} ({cols}) VALUES ({marks})"),
            update: format!(
                "UPDATE {name} SET {} WHERE id = ? AND version = ?",
                sets.join(", ")
            ),
            select_one: format!("SELECT {cols} FROM {name} WHERE id = ?"),
            select_many: format!("SELECT {cols} FROM {name} WHERE id"),
            select_page: format!(
                "SELECT {cols} FROM {name} WHERE status = 'PUBLISHED' AND id > ? ORDER BY id LIMIT ?"
            ),
            // O(1): kept by triggers in the writing transaction (migration profile_counts).
            count_published: format!(
                "SELECT n FROM profile_counts WHERE entity = '{entity}' AND status = 'PUBLISHED'"
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

fn bind_all<'q>(
    mut q: Query<'q, Sqlite, SqliteArguments<'q>>,
    values: impl IntoIterator<Item = Value>,
) -> Query<'q, Sqlite, SqliteArguments<'q>> {
    for v in values {
        q = match v {
            Value::Text(s) => q.bind(s),
            Value::Int(i) => q.bind(i),
        };
    }
    q
}

/// Whether SQLite opened this connection read-only (`sqlite3_db_readonly`), which it does
/// without telling when the file cannot be opened for writing (read-only file system, an
/// immutable file, another owner); every write on it then fails with `SQLITE_READONLY`.
async fn opened_read_only(conn: &mut sqlx::SqliteConnection) -> Result<bool, sqlx::Error> {
    let mut handle = conn.lock_handle().await?;
    let db = handle.as_raw_handle().as_ptr();
    // SAFETY: `db` is this connection's open handle, locked for us until `handle` drops, and the
    // name is a NUL-terminated string; the call only reads the handle's open flags.
    let flag = unsafe { libsqlite3_sys::sqlite3_db_readonly(db, c"main".as_ptr()) };
    Ok(flag == 1)
}

/// When a database call last failed for a [`super::Fault`] (read-only, full, I/O error), in
/// this process; `None` until one does. Kept by `From<sqlx::Error>`, the one place every such
/// error passes, so no write path can forget it.
static LAST_FAULT: Mutex<Option<Instant>> = Mutex::new(None);

pub(super) fn fault_seen() {
    if let Ok(mut at) = LAST_FAULT.lock() {
        *at = Some(Instant::now());
    }
}

/// Whether `conn` should be replaced now that the file can be written again: it was opened
/// read-only (it would stay so for good), or it was open when a write fault happened (SQLite
/// may then have reopened its WAL read-only, after which every write on it is refused with
/// `SQLITE_READONLY` although the file is writable). Costs nothing until a fault happens.
async fn replace_read_only(
    conn: &mut sqlx::SqliteConnection,
    age: Duration,
    read_only: &AtomicUsize,
    path: &std::path::Path,
) -> Result<bool, sqlx::Error> {
    let last_fault = LAST_FAULT.lock().ok().and_then(|at| *at);
    let through_fault = last_fault.is_some_and(|at| at.elapsed() < age);
    let opened_ro = read_only.load(Ordering::Acquire) > 0 && opened_read_only(conn).await?;
    if !through_fault && !opened_ro {
        return Ok(false);
    }
    if std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .is_err()
    {
        return Ok(false);
    }
    if opened_ro {
        read_only.fetch_sub(1, Ordering::AcqRel);
    }
    tracing::info!(
        opened_read_only = opened_ro,
        "database writable again: replacing a connection that went through the fault"
    );
    Ok(true)
}

/// Whether an idle connection is still inside a transaction (see the pool's `after_release`).
fn left_in_transaction(conn: &sqlx::SqliteConnection) -> bool {
    let stuck = conn.is_in_transaction();
    if stuck {
        tracing::warn!(
            "database connection left inside a transaction after a failed COMMIT or ROLLBACK: \
             closing it (which rolls back) rather than reusing it"
        );
    }
    stuck
}

pub struct SqliteStore {
    pub(super) pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating the file and its directory if needed) and migrates the database.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        if let Some(dir) = options.get_filename().parent() {
            if !dir.as_os_str().is_empty() && !dir.exists() {
                std::fs::create_dir_all(dir).map_err(|e| StoreError::Database(e.into()))?;
            }
        }
        let path = options.get_filename().to_path_buf();
        // Connections SQLite opened read-only (it does so by itself when the file cannot be
        // opened for writing); while any may exist, each is checked before use.
        let read_only = Arc::new(AtomicUsize::new(0));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .after_connect({
                let read_only = read_only.clone();
                move |conn, _| {
                    let read_only = read_only.clone();
                    Box::pin(async move {
                        if opened_read_only(conn).await? {
                            read_only.fetch_add(1, Ordering::AcqRel);
                            tracing::warn!("database connection opened read-only");
                        }
                        Ok(())
                    })
                }
            })
            // A connection whose COMMIT or ROLLBACK failed (an I/O error, a full disk) can be
            // left inside a transaction that SQLite keeps open, or that sqlx still counts
            // after SQLite rolled it back. Reused, its next transaction would be a mere
            // savepoint inside the old one: "committed" and acknowledged but never durable,
            // holding the write lock so every other writer times out. Such a connection is
            // closed (which rolls back) instead of being reused.
            .after_release({
                let (read_only, path) = (read_only.clone(), path.clone());
                move |conn, meta| {
                    let (read_only, path) = (read_only.clone(), path.clone());
                    Box::pin(async move {
                        if conn.is_in_transaction() {
                            // The rollback of a dropped transaction may still be queued.
                            conn.ping().await?;
                            if left_in_transaction(conn) {
                                return Ok(false);
                            }
                        }
                        Ok(!replace_read_only(conn, meta.age, &read_only, &path).await?)
                    })
                }
            })
            .before_acquire(move |conn, meta| {
                let (read_only, path) = (read_only.clone(), path.clone());
                Box::pin(async move {
                    if left_in_transaction(conn) {
                        return Ok(false);
                    }
                    Ok(!replace_read_only(conn, meta.age, &read_only, &path).await?)
                })
            })
            .connect_with(options)
            .await?;
        // Migrations a newer release applied are not refused: they are backward compatible
        // for one release (README, upgrades), so a replica of the previous release may still
        // (re)start while the others are being upgraded.
        let mut migrator = sqlx::migrate!("./migrations/sqlite");
        migrator.set_ignore_missing(true);
        migrator.run(&pool).await?;
        Ok(SqliteStore { pool })
    }

    async fn insert_in(
        tx: &mut Transaction<'_, Sqlite>,
        table: &Table,
        w: Write,
    ) -> Result<Seq, StoreError> {
        // A profile id already taken is a repeat (a form's submission sent twice), not a fault.
        bind_all(sqlx::query(&table.insert), w.values)
            .execute(&mut **tx)
            .await
            .map_err(|e| super::conflict_if_unique(e, table.entity, w.id))?;
        Self::outbox(tx, table, w.id, w.status).await
    }

    /// Appends the index instruction for a profile now in `status`.
    async fn outbox(
        tx: &mut Transaction<'_, Sqlite>,
        table: &Table,
        id: ProfileId,
        status: ProfileStatus,
    ) -> Result<Seq, StoreError> {
        let op = match status {
            ProfileStatus::Published => "UPSERT",
            ProfileStatus::Archived => "DELETE",
        };
        let done = sqlx::query(
            "INSERT INTO outbox (entity, entity_id, op, created_at) VALUES (?, ?, ?, ?)",
        )
        .bind(table.entity)
        .bind(id.to_string())
        .bind(op)
        .bind(timestamp(time::OffsetDateTime::now_utc()))
        .execute(&mut **tx)
        .await?;
        Ok(done.last_insert_rowid())
    }

    async fn insert(&self, table: &Table, w: Write) -> Result<Seq, StoreError> {
        let mut tx = self.pool.begin().await?;
        let seq = Self::insert_in(&mut tx, table, w).await?;
        tx.commit().await?;
        Ok(seq)
    }

    async fn update(&self, table: &Table, w: Write) -> Result<Seq, StoreError> {
        let mut tx = self.pool.begin().await?;
        let (id, status, expected) = (w.id, w.status, w.version - 1);
        let mut values = w.values;
        values.remove(0); // the id goes in the WHERE clause
        values.push(Value::Text(Some(id.to_string())));
        values.push(Value::Int(Some(expected)));
        let done = bind_all(sqlx::query(&table.update), values)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict {
                entity: table.entity,
                id: id.to_string(),
            });
        }
        let seq = Self::outbox(&mut tx, table, id, status).await?;
        tx.commit().await?;
        Ok(seq)
    }

    async fn get<R>(&self, table: &Table, id: ProfileId) -> Result<Option<R>, StoreError>
    where
        R: for<'r> FromRow<'r, SqliteRow> + Send + Unpin,
    {
        Ok(sqlx::query_as::<_, R>(&table.select_one)
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn by_ids<R>(&self, table: &Table, ids: &[ProfileId]) -> Result<Vec<R>, StoreError>
    where
        R: for<'r> FromRow<'r, SqliteRow> + Send + Unpin,
    {
        let mut out = Vec::with_capacity(ids.len());
        // SQLite allows 32,766 parameters; pages of search results are far smaller, but chunk
        // anyway so a large caller cannot hit the limit.
        for chunk in ids.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let sql = format!("{} IN ({marks})", table.select_many);
            let mut q = sqlx::query_as::<_, R>(&sql);
            for id in chunk {
                q = q.bind(id.to_string());
            }
            out.extend(q.fetch_all(&self.pool).await?);
        }
        Ok(out)
    }

    async fn page<R>(&self, table: &Table, page: PageRequest) -> Result<Page<R>, StoreError>
    where
        R: for<'r> FromRow<'r, SqliteRow> + Send + Unpin,
    {
        // One read transaction: the page and its total come from the same snapshot.
        let mut tx = self.pool.begin().await?;
        let after = page.after.map(|id| id.to_string()).unwrap_or_default();
        let mut items = sqlx::query_as::<_, R>(&table.select_page)
            .bind(after)
            .bind(i64::from(page.first) + 1)
            .fetch_all(&mut *tx)
            .await?;
        let total_count: i64 = sqlx::query_scalar(&table.count_published)
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
impl Store for SqliteStore {
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
        let mut seq = 0;
        for sme in smes {
            seq = Self::insert_in(&mut tx, &SMES, sme.into()).await?;
        }
        for inv in investors {
            seq = Self::insert_in(&mut tx, &INVESTORS, inv.into()).await?;
        }
        tx.commit().await?;
        Ok(seq)
    }

    async fn outbox_after(&self, after: Seq, limit: u32) -> Result<Vec<OutboxEntry>, StoreError> {
        // The outbox rule holds as is: SQLite has one writer at a time and `seq` (an
        // AUTOINCREMENT key) is assigned inside its transaction, so entries commit in `seq`
        // order and every committed entry is settled.
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT seq, entity, entity_id FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        // Read after the entries: a prune that deleted some of them before that read has
        // raised the watermark by now (both in one transaction), so no gap goes unnoticed.
        let pruned_through = super::sqlite_replicas::pruned_through(&self.pool).await?;
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
        super::sqlite_replicas::head(&self.pool).await
    }

    async fn join_replica(
        &self,
        id: &str,
        applied: Seq,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        super::sqlite_replicas::join(&self.pool, id, applied, now).await
    }

    async fn join_replica_at_head(&self, id: &str, now: OffsetDateTime) -> Result<Seq, StoreError> {
        super::sqlite_replicas::join_at_head(&self.pool, id, now).await
    }

    async fn report_replica(
        &self,
        id: &str,
        applied: Seq,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        super::sqlite_replicas::report(&self.pool, id, applied, now).await
    }

    async fn prune_outbox(&self, live_since: OffsetDateTime) -> Result<PruneOutcome, StoreError> {
        super::sqlite_replicas::prune(&self.pool, live_since).await
    }

    async fn replicas(&self) -> Result<Vec<ReplicaPosition>, StoreError> {
        super::sqlite_replicas::list(&self.pool).await
    }

    async fn count_attempt(
        &self,
        key: &str,
        now: OffsetDateTime,
        window: std::time::Duration,
    ) -> Result<super::Attempts, StoreError> {
        super::rate_limits::sqlite::count(&self.pool, key, now, window).await
    }

    async fn attempts(&self, key: &str) -> Result<Option<super::Attempts>, StoreError> {
        super::rate_limits::sqlite::get(&self.pool, key).await
    }

    async fn clear_attempts(&self, key: &str) -> Result<(), StoreError> {
        super::rate_limits::sqlite::clear(&self.pool, key).await
    }

    async fn sweep_rate_limits(&self, before: OffsetDateTime) -> Result<(), StoreError> {
        super::rate_limits::sqlite::sweep(&self.pool, before).await
    }

    async fn take_token(
        &self,
        key: &str,
        now: OffsetDateTime,
        burst: f64,
        per_second: f64,
    ) -> Result<(bool, f64), StoreError> {
        super::rate_limits::sqlite::take(&self.pool, key, now, burst, per_second).await
    }

    async fn outbox_len(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
            .fetch_one(&self.pool)
            .await?)
    }

    async fn counts(&self) -> Result<Counts, StoreError> {
        // O(1): one row per kind and status, kept by triggers (migration profile_counts).
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT entity, SUM(n) FROM profile_counts GROUP BY entity")
                .fetch_all(&self.pool)
                .await?;
        let of = |e: &str| rows.iter().find(|(k, _)| k == e).map_or(0, |(_, n)| *n);
        Ok(Counts {
            smes: of("SME"),
            investors: of("INVESTOR"),
        })
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn probe_write(&self) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO write_probe (id, at) VALUES (1, ?) \
             ON CONFLICT (id) DO UPDATE SET at = excluded.at",
        )
        .bind(timestamp(time::OffsetDateTime::now_utc()))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn close(&self) {
        self.pool.close().await;
    }

    fn pool_usage(&self) -> Option<super::PoolUsage> {
        Some(super::PoolUsage::of(&self.pool))
    }
}
