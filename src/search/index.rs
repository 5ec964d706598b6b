//! The on-disk index: opening it, checking it is current, and rebuilding it from the database.
//!
//! The index lives in `<index-dir>/profiles`. Each commit's payload records the schema version
//! and the last outbox sequence applied, so after any crash the indexer resumes exactly where
//! the last durable commit stopped. A missing, unreadable or other-version index is rebuilt from
//! the database into `<index-dir>/profiles.rebuild` and swapped in when complete, so a crash
//! during a rebuild leaves no half-built index in place.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument};

use super::analyzer;
use super::document::{investor_document, sme_document};
use super::schema::{Fields, SCHEMA_VERSION};
use crate::domain::ids::ProfileId;
use crate::store::{PageRequest, Seq, Store, StoreError};

/// Memory for the one writer's indexing buffer; tantivy needs at least 15 MB per thread.
const WRITER_MEMORY: usize = 64 * 1024 * 1024;
/// Indexing threads: one, leaving the other core of a small machine to serve queries.
const WRITER_THREADS: usize = 1;
/// Rows fetched per round trip while rebuilding.
const REBUILD_PAGE: u32 = 1_000;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("index directory {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("the index in {0} is in use by another process (is a server running on it?)")]
    Locked(String),
    #[error("the indexing task stopped")]
    IndexerGone,
    /// The indexer's last batch failed to commit (retried with back-off).
    #[error("the search index cannot commit: {0}")]
    NotCommitting(String),
    /// A ranking stopped early: its request's deadline passed or its client went away.
    #[error(transparent)]
    Cancelled(#[from] crate::cancel::Cancelled),
    /// The query text is not blank, but the analyzer keeps nothing of it (emoji, punctuation,
    /// lone combining marks, words over 100 bytes): searching for nothing must not return
    /// everything, so this is the caller's error.
    #[error("the query has no searchable word")]
    NoSearchableWord,
    /// A word of the query is letters or digits but longer than the analyzer keeps (100
    /// bytes): no profile holds it, and dropping it silently would answer the other words as
    /// if it were not there.
    #[error("a word of the query is too long to be searched")]
    WordTooLong,
    /// The page's cursor is of the same search's other list (by every word, or by some of
    /// them): profiles changed since, and the search now answers the other way; its scores are
    /// of another order.
    #[error("the cursor is of this search's other list")]
    CursorOfOtherList,
}

/// Why a query with no searchable word finds nothing, in words a user can act on.
pub const NO_SEARCHABLE_WORD: &str = "has no word that can be searched: it is made only of \
     characters the search ignores (punctuation, symbols, emoji, lone combining marks, or words \
     longer than 100 letters); type a word in English, Khmer or Korean, or leave it empty to \
     browse";

/// Why a query with a word too long to search finds nothing.
pub const WORD_TOO_LONG: &str = "has a word too long to be searched, which no profile can hold \
     (the search keeps words up to 100 bytes: 100 Latin letters, fewer accented or full-width \
     ones): shorten it or leave it out";

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> SearchError + '_ {
    move |source| SearchError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// What each commit records, as JSON in the commit payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    pub schema_version: u32,
    pub outbox_seq: Seq,
}

/// The index as readers see it: one long-lived reader, reloaded by the indexer after each commit.
pub struct SearchIndex {
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
}

impl SearchIndex {
    fn new(index: Index) -> Result<Self, SearchError> {
        analyzer::register(index.tokenizers());
        let (_, fields) = Fields::schema();
        // Reloading is manual: the indexer reloads right after each commit, so a mutation that
        // waited for its sequence is visible to the next query (read-your-writes).
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            fields,
        })
    }

    /// A consistent snapshot for one request.
    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    pub fn num_docs(&self) -> u64 {
        self.searcher().num_docs()
    }

    fn writer(&self, dir: &Path) -> Result<IndexWriter, SearchError> {
        match self
            .index
            .writer_with_num_threads(WRITER_THREADS, WRITER_MEMORY)
        {
            Err(tantivy::TantivyError::LockFailure(..)) => {
                Err(SearchError::Locked(dir.display().to_string()))
            }
            other => Ok(other?),
        }
    }
}

/// An index ready for the indexer: readers, the only writer, and the sequence it reflects.
pub struct Opened {
    pub index: Arc<SearchIndex>,
    pub writer: IndexWriter,
    pub applied: Seq,
    /// This index's replica id ([`replica_id`]), under which its position is recorded.
    pub replica: String,
}

/// Told where a rebuild has got to: documents done, documents in all.
pub type Progress = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// The stable id under which the index in `dir` records its outbox position in the database
/// (`Store::report_replica`): a random UUID kept in `<dir>/replica-id`, made on first use. It
/// belongs to the index, not the host: a wiped index directory is a new replica (the old id is
/// forgotten once it has been silent longer than the replica horizon).
pub fn replica_id(dir: &Path) -> Result<String, SearchError> {
    let path = dir.join("replica-id");
    match std::fs::read_to_string(&path) {
        Ok(text) if !text.trim().is_empty() => return Ok(text.trim().to_string()),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_err(&path)(e)),
    }
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    let id = uuid::Uuid::new_v4().to_string();
    // Written aside and renamed, so a crash never leaves an empty or partial id behind.
    let tmp = dir.join("replica-id.tmp");
    std::fs::write(&tmp, format!("{id}\n")).map_err(io_err(&tmp))?;
    std::fs::rename(&tmp, &path).map_err(io_err(&path))?;
    Ok(id)
}

fn live_dir(dir: &Path) -> PathBuf {
    dir.join("profiles")
}

fn rebuild_dir(dir: &Path) -> PathBuf {
    dir.join("profiles.rebuild")
}

/// Why an existing index cannot be used, or the index and its payload.
fn try_open(path: &Path) -> Result<(Index, Payload), String> {
    if !path.join("meta.json").exists() {
        return Err("no index yet".into());
    }
    let index = Index::open_in_dir(path).map_err(|e| format!("unreadable: {e}"))?;
    let (expected, _) = Fields::schema();
    if index.schema() != expected {
        return Err("written with another schema".into());
    }
    let metas = index.load_metas().map_err(|e| format!("unreadable: {e}"))?;
    let payload: Payload = metas
        .payload
        .as_deref()
        .and_then(|p| serde_json::from_str(p).ok())
        .ok_or("no commit payload")?;
    if payload.schema_version != SCHEMA_VERSION {
        return Err(format!(
            "schema version {} (current {SCHEMA_VERSION})",
            payload.schema_version
        ));
    }
    // Opening every segment proves the files behind meta.json are present and readable.
    index
        .reader()
        .map_err(|e| format!("segments unreadable: {e}"))?;
    Ok((index, payload))
}

/// Opens the index in `dir`, rebuilding it from the database when it is missing or unusable.
pub async fn open_or_rebuild(
    dir: &Path,
    store: Arc<dyn Store>,
    progress: Progress,
) -> Result<Opened, SearchError> {
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    let live = live_dir(dir);
    match try_open(&live) {
        Ok((index, payload)) => {
            // Joining at the index's position both checks that nothing it still needs was
            // pruned while this replica was away and, if so, keeps it from being pruned now.
            let replica = replica_id(dir)?;
            let now = time::OffsetDateTime::now_utc();
            if !store
                .join_replica(&replica, payload.outbox_seq, now)
                .await?
            {
                let reason = format!(
                    "changes after position {} were pruned from the outbox while this replica \
                     was away (longer than the replica horizon)",
                    payload.outbox_seq
                );
                eprintln!("search index: {reason}; rebuilding it from the database");
                tracing::warn!(dir = %live.display(), %reason, "rebuilding the search index from the database");
                drop(index);
                return rebuild(dir, store, progress).await;
            }
            let index = Arc::new(SearchIndex::new(index)?);
            let writer = index.writer(dir)?;
            // A crash (SIGKILL) can leave files of a commit that never happened, e.g. a delete
            // file whose name the next commit at the same opstamp wants again
            // (FileAlreadyExists). Remove whatever the last commit does not use before writing.
            if let Err(e) = writer.garbage_collect_files().wait() {
                tracing::warn!(error = %e, "could not remove files of an unfinished commit");
            }
            tracing::info!(
                docs = index.num_docs(),
                outbox_seq = payload.outbox_seq,
                "search index opened"
            );
            Ok(Opened {
                index,
                writer,
                applied: payload.outbox_seq,
                replica,
            })
        }
        Err(reason) => {
            tracing::info!(dir = %live.display(), %reason, "rebuilding the search index from the database");
            rebuild(dir, store, progress).await
        }
    }
}

/// Rebuilds the index from the database's published profiles and swaps it in.
pub async fn rebuild(
    dir: &Path,
    store: Arc<dyn Store>,
    progress: Progress,
) -> Result<Opened, SearchError> {
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    // Hold the live index's writer lock while rebuilding, so that a rebuild cannot pull the
    // index from under a running server (which holds that lock for its whole life).
    let live = live_dir(dir);
    let guard = match Index::open_in_dir(&live) {
        Ok(existing) => {
            match existing.writer_with_num_threads::<tantivy::TantivyDocument>(1, 15_000_000) {
                Err(tantivy::TantivyError::LockFailure(..)) => {
                    return Err(SearchError::Locked(dir.display().to_string()))
                }
                Ok(w) => Some(w),
                // An index too broken to open a writer is exactly what a rebuild replaces.
                Err(_) => None,
            }
        }
        Err(_) => None,
    };
    let tmp = rebuild_dir(dir);
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(io_err(&tmp))?;
    }
    std::fs::create_dir_all(&tmp).map_err(io_err(&tmp))?;
    // Changes committed after this point are replayed from the outbox once the rebuild is in;
    // replaying re-reads current rows, so overlap with what the pages below saw is harmless.
    // Joining at the head (rather than reading it) keeps other replicas from pruning the
    // entries after it while this rebuild runs, however long it takes.
    let replica = replica_id(dir)?;
    let head = store
        .join_replica_at_head(&replica, time::OffsetDateTime::now_utc())
        .await?;
    let (schema, fields) = Fields::schema();
    let index = Index::create_in_dir(&tmp, schema)?;
    analyzer::register(index.tokenizers());
    let mut writer: IndexWriter = index.writer_with_num_threads(2, 2 * WRITER_MEMORY)?;
    let runtime = tokio::runtime::Handle::current();
    let fill = tokio::task::spawn_blocking(move || -> Result<(), SearchError> {
        fill_from(&writer, &store, &fields, &runtime, &progress)?;
        commit(&mut writer, head)?;
        // Merges finish before the swap, so the index moved into place is complete on disk.
        writer.wait_merging_threads()?;
        Ok(())
    });
    fill.await.map_err(|_| SearchError::IndexerGone)??;
    drop(guard);
    if live.exists() {
        std::fs::remove_dir_all(&live).map_err(io_err(&live))?;
    }
    std::fs::rename(&tmp, &live).map_err(io_err(&live))?;
    let (index, payload) = try_open(&live).map_err(|reason| {
        SearchError::Tantivy(tantivy::TantivyError::InternalError(format!(
            "freshly rebuilt index unusable: {reason}"
        )))
    })?;
    let index = Arc::new(SearchIndex::new(index)?);
    let writer = index.writer(dir)?;
    tracing::info!(
        docs = index.num_docs(),
        outbox_seq = payload.outbox_seq,
        "search index rebuilt"
    );
    Ok(Opened {
        index,
        writer,
        applied: payload.outbox_seq,
        replica,
    })
}

/// Adds every published profile of the database to `writer` (blocking: call it on the blocking
/// pool), reporting progress; the caller commits.
pub(super) fn fill_from(
    writer: &IndexWriter,
    store: &Arc<dyn Store>,
    fields: &Fields,
    runtime: &tokio::runtime::Handle,
    progress: &Progress,
) -> Result<(), SearchError> {
    let first_page = PageRequest {
        first: REBUILD_PAGE,
        after: None,
    };
    let smes = runtime.block_on(store.published_smes(PageRequest {
        first: 0,
        after: None,
    }))?;
    let invs = runtime.block_on(store.published_investors(PageRequest {
        first: 0,
        after: None,
    }))?;
    let total = (smes.total_count + invs.total_count) as u64;
    let mut done = 0u64;
    progress(0, total);
    // Every page of one kind of profile, in id order, into the writer.
    let mut add_all = |fetch: &dyn Fn(
        PageRequest,
    )
        -> Result<Vec<(ProfileId, TantivyDocument)>, StoreError>|
     -> Result<(), SearchError> {
        let mut req = first_page;
        loop {
            let docs = fetch(req)?;
            let full = docs.len() == req.first as usize;
            let last = docs.last().map(|(id, _)| *id);
            done += docs.len() as u64;
            for (_, doc) in docs {
                writer.add_document(doc)?;
            }
            progress(done, total);
            match (full, last) {
                (true, Some(last)) => req.after = Some(last),
                _ => return Ok(()),
            }
        }
    };
    add_all(&|req| {
        let page = runtime.block_on(store.published_smes(req))?;
        Ok(page
            .items
            .iter()
            .map(|s| (s.id, sme_document(fields, s)))
            .collect())
    })?;
    add_all(&|req| {
        let page = runtime.block_on(store.published_investors(req))?;
        Ok(page
            .items
            .iter()
            .map(|i| (i.id, investor_document(fields, i)))
            .collect())
    })?;
    Ok(())
}

/// Commits everything added so far, recording `seq` as applied.
pub fn commit(writer: &mut IndexWriter, seq: Seq) -> Result<(), SearchError> {
    let payload = serde_json::to_string(&Payload {
        schema_version: SCHEMA_VERSION,
        outbox_seq: seq,
    })
    .map_err(|e| tantivy::TantivyError::InternalError(e.to_string()))?;
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&payload);
    prepared.commit()?;
    Ok(())
}
