//! The store contract as executable cases, run unchanged against every backend.
//!
//! Each case is an `async fn(Arc<dyn Store>)` that gets a fresh, empty, migrated store and
//! panics when the backend breaks the contract written on [`Store`](super::Store). A backend's
//! test file is one macro call with a constructor:
//!
//! ```ignore
//! async fn fresh() -> (Arc<dyn Store>, tempfile::TempDir) { /* open an empty store */ }
//! khkr_match::store_conformance_tests!(fresh);
//! ```
//!
//! which generates one `#[tokio::test]` per case (so cases run in parallel, each on its own
//! store, and a failure names its case). The guard returned with the store (a temporary
//! directory, a schema to drop) lives until the case ends.
//!
//! Why here and always compiled, rather than behind a cargo feature: integration tests cannot
//! turn on a feature of the crate they test without a self-dependency, the module is small and
//! has no dependency of its own, and compiling it with the library keeps it in step with the
//! trait (a contract change that forgets the suite fails to build). It is `doc(hidden)`: no
//! production code calls it.
//!
//! Values come from the domain's constructors (the demo generator for profile content, the
//! pipeline's transitions for match records), so the suite stores only what the service could.
//! Timestamps are whole microseconds, the precision the contract guarantees.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use time::{Duration, OffsetDateTime};

use super::{
    Entity, OutboxEntry, PageRequest, PipelineFilter, PipelineOrder, Seq, Store, StoreError,
    TokenRecord,
};
use crate::domain::account::{Role, TokenKind, User, UserId};
use crate::domain::contact::Email;
use crate::domain::ids::ProfileId;
use crate::domain::investor::{Investor, InvestorProfile};
use crate::domain::pipeline::{MatchRecord, Side, Stage};
use crate::domain::profile::ProfileStatus;
use crate::domain::sme::{Sme, SmeProfile};
use crate::domain::ValidationContext;

/// Generates one `#[tokio::test]` per conformance case. `$fresh` is an async fn returning
/// `(Arc<dyn Store>, guard)`: a fresh, empty, migrated store and whatever must live as long as
/// it. A new case is an `async fn` in `store::conformance` named in this list.
///
/// `store_conformance_tests!(optional $fresh)` is for a backend that may be absent where the
/// tests run (PostgreSQL): `$fresh(case_name)` returns `Option<(store, guard)>`, and `None`
/// (after it printed a `SKIPPED: …` line) ends the case without running it.
#[macro_export]
macro_rules! store_conformance_tests {
    // `optional`: `$fresh` returns `Option<(store, guard)>`, `None` when the backend is not
    // available here (it prints the loud `SKIPPED` line itself and the case passes vacuously).
    (optional $fresh:path) => {
        $crate::store_conformance_tests!(@list @optional $fresh);
    };
    ($fresh:path) => {
        $crate::store_conformance_tests!(@list @cases $fresh);
    };
    (@list @$arm:ident $fresh:path) => {
        $crate::store_conformance_tests!(@$arm $fresh;
            ping_and_empty_counts,
            profiles_round_trip,
            profile_updates_are_version_guarded,
            published_listings_page_in_id_order,
            outbox_has_one_entry_per_write_in_order,
            insert_batch_is_all_or_nothing,
            outbox_never_skips_concurrent_writes,
            accounts_have_unique_emails,
            staff_accounts_are_listed_by_email,
            tokens_expire_and_are_revoked,
            sessions_beyond_the_newest_are_pruned,
            password_resets_are_taken_once_in_time,
            owned_profiles_lists_every_profile,
            pipeline_writes_records_and_audit_together,
            pipeline_listing_filters_and_pages,
            pipeline_lists_longest_waiting_first,
            dashboard_counts_by_stage_sector_province,
            contacts_connect_only_after_both_accept,
            matches_of_owner_newest_change_first,
            outbox_is_pruned_below_every_live_replica,
            concurrent_prunes_keep_what_live_replicas_need,
            rate_limits_count_every_attempt_once,
            notices_are_written_with_their_change_and_claimed_once,
        );
    };
    (@cases $fresh:path; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $case() {
                let (store, _guard) = $fresh().await;
                $crate::store::conformance::$case(store.clone()).await;
                store.close().await;
            }
        )*
    };
    (@optional $fresh:path; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $case() {
                let Some((store, _guard)) = $fresh(stringify!($case)).await else {
                    return;
                };
                $crate::store::conformance::$case(store.clone()).await;
                store.close().await;
            }
        )*
    };
}

const SEED: u64 = 0x5354_4f52_4520;

/// A whole second, so that `t0()` itself has no fraction (the case that text-compared
/// timestamps get wrong).
fn t0() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_790_000_000).expect("a valid instant")
}

fn at_ms(ms: i64) -> OffsetDateTime {
    t0() + Duration::milliseconds(ms)
}

fn sme_profile(i: u64) -> SmeProfile {
    // A year far ahead: the check of founding years is not what is tested here.
    let ctx = ValidationContext { current_year: 2100 };
    SmeProfile::validate(crate::demo::sme(SEED, i), &ctx).expect("demo SMEs are valid")
}

fn new_sme(i: u64, owner: Option<UserId>) -> Sme {
    Sme::publish(ProfileId::new_v7(), owner, sme_profile(i), at_ms(i as i64))
}

fn investor_profile(i: u64) -> InvestorProfile {
    InvestorProfile::validate(crate::demo::investor(SEED, i)).expect("demo investors are valid")
}

fn new_investor(i: u64, owner: Option<UserId>) -> Investor {
    Investor::publish(
        ProfileId::new_v7(),
        owner,
        investor_profile(i),
        at_ms(i as i64),
    )
}

async fn new_user(store: &dyn Store, role: Role) -> User {
    let id = ProfileId::new_v7();
    let user = User {
        id,
        email: Email::parse(&format!("u{}@store.example", id.as_uuid().simple()))
            .expect("valid e-mail"),
        role,
        created_at: t0(),
    };
    store
        .create_user(&user, "$argon2id$not-a-real-hash")
        .await
        .expect("create user");
    user
}

fn is_conflict<T: std::fmt::Debug>(r: Result<T, StoreError>) -> bool {
    matches!(r, Err(StoreError::Conflict { .. }))
}

fn first(n: u32, after: Option<ProfileId>) -> PageRequest {
    PageRequest { first: n, after }
}

/// Every outbox entry, read in pages of `page` from the start.
async fn whole_outbox(store: &dyn Store, page: u32) -> Vec<OutboxEntry> {
    let mut all: Vec<OutboxEntry> = Vec::new();
    loop {
        let after = all.last().map_or(0, |e| e.seq);
        let batch = store.outbox_after(after, page).await.expect("outbox_after");
        if batch.is_empty() {
            return all;
        }
        all.extend(batch);
    }
}

pub async fn ping_and_empty_counts(store: Arc<dyn Store>) {
    store.ping().await.expect("ping");
    let counts = store.counts().await.expect("counts");
    assert_eq!(
        (counts.smes, counts.investors),
        (0, 0),
        "a fresh store is empty"
    );
    assert_eq!(store.outbox_head().await.unwrap(), 0);
    assert_eq!(store.outbox_len().await.unwrap(), 0);
    assert!(store.outbox_after(0, 10).await.unwrap().is_empty());
}

pub async fn profiles_round_trip(store: Arc<dyn Store>) {
    let owner = new_user(&*store, Role::Sme).await;
    let sme = new_sme(1, Some(owner.id));
    store.insert_sme(&sme).await.expect("insert SME");
    assert_eq!(store.sme(sme.id).await.unwrap().as_ref(), Some(&sme));
    let inv_owner = new_user(&*store, Role::Investor).await;
    let inv = new_investor(1, Some(inv_owner.id));
    store.insert_investor(&inv).await.expect("insert investor");
    assert_eq!(store.investor(inv.id).await.unwrap().as_ref(), Some(&inv));
    // No owner is allowed too (profiles loaded by an operator).
    let orphan = new_sme(2, None);
    store.insert_sme(&orphan).await.unwrap();
    assert_eq!(store.sme(orphan.id).await.unwrap().as_ref(), Some(&orphan));

    // Texts come back byte for byte, whatever the script.
    let mut raw = crate::demo::sme(SEED, 3);
    raw.description.km = Some("ផលិតស្ករត្នោត\u{200b}ពីកំពង់ស្ពឺ".into());
    raw.description.ko = Some("캄보디아 팜슈가 수출".into());
    let ctx = ValidationContext { current_year: 2100 };
    let texts = Sme::publish(
        ProfileId::new_v7(),
        None,
        SmeProfile::validate(raw, &ctx).expect("valid"),
        t0() + Duration::nanoseconds(123_456_000),
    );
    store.insert_sme(&texts).await.unwrap();
    assert_eq!(store.sme(texts.id).await.unwrap().as_ref(), Some(&texts));

    let unknown = ProfileId::new_v7();
    assert!(store.sme(unknown).await.unwrap().is_none());
    assert!(
        store.investor(sme.id).await.unwrap().is_none(),
        "kinds do not mix"
    );
    let mut got: Vec<ProfileId> = store
        .smes_by_ids(&[texts.id, unknown, sme.id])
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    got.sort();
    let mut want = vec![sme.id, texts.id];
    want.sort();
    assert_eq!(got, want, "unknown ids are skipped");
    let invs = store.investors_by_ids(&[inv.id, unknown]).await.unwrap();
    assert_eq!(invs, vec![inv]);
    let counts = store.counts().await.unwrap();
    assert_eq!((counts.smes, counts.investors), (3, 1));
}

pub async fn profile_updates_are_version_guarded(store: Arc<dyn Store>) {
    let sme = new_sme(10, None);
    store.insert_sme(&sme).await.unwrap();
    let v2 = sme.revise(sme_profile(11), at_ms(1_000)).unwrap();
    assert_eq!(v2.lifecycle.version, 2);
    store
        .update_sme(&v2)
        .await
        .expect("update from the stored version");
    assert_eq!(store.sme(sme.id).await.unwrap().as_ref(), Some(&v2));
    let (len, head) = (
        store.outbox_len().await.unwrap(),
        store.outbox_head().await.unwrap(),
    );

    // Another edit made from version 1: stale.
    let stale = sme.revise(sme_profile(12), at_ms(2_000)).unwrap();
    assert!(is_conflict(store.update_sme(&stale).await), "stale write");
    // Writing version 2 again: stale too.
    assert!(is_conflict(store.update_sme(&v2).await), "replayed write");
    // An unknown id.
    let ghost = new_sme(13, None);
    let ghost_v2 = ghost.revise(sme_profile(13), at_ms(3_000)).unwrap();
    assert!(is_conflict(store.update_sme(&ghost_v2).await), "unknown id");
    assert_eq!(
        store.sme(sme.id).await.unwrap().as_ref(),
        Some(&v2),
        "refused writes change nothing"
    );
    assert_eq!(
        store.outbox_len().await.unwrap(),
        len,
        "and append no entry"
    );
    assert_eq!(store.outbox_head().await.unwrap(), head);

    // A new profile under an id already used (a form's submission sent twice): a conflict,
    // with nothing written.
    let again = Sme::publish(sme.id, None, sme_profile(14), at_ms(3_500));
    assert!(is_conflict(store.insert_sme(&again).await), "id taken");
    assert_eq!(store.sme(sme.id).await.unwrap().as_ref(), Some(&v2));
    assert_eq!(store.outbox_len().await.unwrap(), len);

    // Archiving is an update like any other.
    let archived = v2.archive(at_ms(4_000));
    let seq = store.update_sme(&archived).await.unwrap();
    assert!(seq > head);
    let read = store
        .sme(sme.id)
        .await
        .unwrap()
        .expect("archived rows are kept");
    assert_eq!(read.lifecycle.status, ProfileStatus::Archived);
    assert_eq!(read.lifecycle.version, 3);

    let inv = new_investor(10, None);
    store.insert_investor(&inv).await.unwrap();
    let again = Investor::publish(inv.id, None, investor_profile(14), at_ms(500));
    assert!(is_conflict(store.insert_investor(&again).await), "id taken");
    let inv2 = inv.revise(investor_profile(11), at_ms(1_000)).unwrap();
    store.update_investor(&inv2).await.unwrap();
    let stale = inv.revise(investor_profile(12), at_ms(2_000)).unwrap();
    assert!(is_conflict(store.update_investor(&stale).await));
    assert_eq!(store.investor(inv.id).await.unwrap().as_ref(), Some(&inv2));
    let gone = inv2.archive(at_ms(3_000));
    store.update_investor(&gone).await.unwrap();
    assert_eq!(
        store
            .investor(inv.id)
            .await
            .unwrap()
            .unwrap()
            .lifecycle
            .status,
        ProfileStatus::Archived
    );
}

pub async fn published_listings_page_in_id_order(store: Arc<dyn Store>) {
    let mut smes: Vec<Sme> = (20..27).map(|i| new_sme(i, None)).collect();
    // Inserted out of id order: the listing order is the id order, not the insertion order.
    smes.reverse();
    for s in &smes {
        store.insert_sme(s).await.unwrap();
    }
    smes.sort_by_key(|s| s.id);
    // Archive the 2nd and the 5th.
    for k in [1, 4] {
        store
            .update_sme(&smes[k].archive(at_ms(9_000)))
            .await
            .unwrap();
    }
    let published: Vec<ProfileId> = smes
        .iter()
        .enumerate()
        .filter(|(k, _)| ![1, 4].contains(k))
        .map(|(_, s)| s.id)
        .collect();

    let mut seen = Vec::new();
    let mut after = None;
    let mut pages = 0;
    loop {
        let page = store.published_smes(first(2, after)).await.unwrap();
        pages += 1;
        assert_eq!(page.total_count, 5, "the total ignores the cursor");
        assert!(page.items.len() <= 2);
        assert!(page
            .items
            .iter()
            .all(|s| s.lifecycle.status == ProfileStatus::Published));
        seen.extend(page.items.iter().map(|s| s.id));
        if !page.has_next_page {
            break;
        }
        after = page.items.last().map(|s| s.id);
        assert!(pages < 10, "paging ends");
    }
    assert_eq!(seen, published, "every published SME once, in id order");
    assert_eq!(pages, 3);

    // A page that ends exactly at the last item has no next page.
    let page = store.published_smes(first(5, None)).await.unwrap();
    assert_eq!(page.items.len(), 5);
    assert!(!page.has_next_page);
    // `first: 0` answers the total alone.
    let page = store.published_smes(first(0, None)).await.unwrap();
    assert!(page.items.is_empty());
    assert_eq!(page.total_count, 5);
    assert!(page.has_next_page);
    // An archived item still positions the cursor.
    let page = store
        .published_smes(first(10, Some(smes[1].id)))
        .await
        .unwrap();
    let ids: Vec<ProfileId> = page.items.iter().map(|s| s.id).collect();
    assert_eq!(ids, published[1..].to_vec());

    let mut invs: Vec<Investor> = (20..24).map(|i| new_investor(i, None)).collect();
    for i in &invs {
        store.insert_investor(i).await.unwrap();
    }
    invs.sort_by_key(|i| i.id);
    store
        .update_investor(&invs[0].archive(at_ms(9_000)))
        .await
        .unwrap();
    let page = store.published_investors(first(2, None)).await.unwrap();
    assert_eq!(page.total_count, 3);
    assert!(page.has_next_page);
    let ids: Vec<ProfileId> = page.items.iter().map(|i| i.id).collect();
    assert_eq!(ids, vec![invs[1].id, invs[2].id]);
    let page = store
        .published_investors(first(2, Some(invs[2].id)))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].id, invs[3].id);
    assert!(!page.has_next_page);
}

pub async fn outbox_has_one_entry_per_write_in_order(store: Arc<dyn Store>) {
    let sme = new_sme(30, None);
    let inv = new_investor(30, None);
    let mut want: Vec<(Seq, Entity, ProfileId)> = Vec::new();
    want.push((store.insert_sme(&sme).await.unwrap(), Entity::Sme, sme.id));
    want.push((
        store.insert_investor(&inv).await.unwrap(),
        Entity::Investor,
        inv.id,
    ));
    let sme2 = sme.revise(sme_profile(31), at_ms(1_000)).unwrap();
    want.push((store.update_sme(&sme2).await.unwrap(), Entity::Sme, sme.id));
    let inv2 = inv.archive(at_ms(1_000));
    want.push((
        store.update_investor(&inv2).await.unwrap(),
        Entity::Investor,
        inv.id,
    ));
    let batch_smes = [new_sme(32, None), new_sme(33, None)];
    let batch_inv = [new_investor(32, None)];
    let last = store.insert_batch(&batch_smes, &batch_inv).await.unwrap();
    assert_eq!(store.insert_batch(&[], &[]).await.unwrap(), 0);

    let entries = whole_outbox(&*store, 100).await;
    assert_eq!(
        entries.len(),
        7,
        "one entry per profile written: {entries:?}"
    );
    let seqs: Vec<Seq> = entries.iter().map(|e| e.seq).collect();
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]),
        "ascending positions: {seqs:?}"
    );
    assert!(seqs[0] > 0, "positions are positive");
    let single: Vec<(Seq, Entity, ProfileId)> = entries[..4]
        .iter()
        .map(|e| (e.seq, e.entity, e.id))
        .collect();
    assert_eq!(single, want, "each write returned its own entry's position");
    let batch: Vec<(Entity, ProfileId)> = entries[4..].iter().map(|e| (e.entity, e.id)).collect();
    assert_eq!(
        batch,
        vec![
            (Entity::Sme, batch_smes[0].id),
            (Entity::Sme, batch_smes[1].id),
            (Entity::Investor, batch_inv[0].id),
        ],
        "a batch's entries: SMEs first, in slice order"
    );
    assert_eq!(
        last, entries[6].seq,
        "a batch returns its last entry's position"
    );
    assert_eq!(store.outbox_head().await.unwrap(), last);
    assert_eq!(store.outbox_len().await.unwrap(), 7);

    // `limit` caps a read; the next read resumes right after it.
    let two = store.outbox_after(0, 2).await.unwrap();
    assert_eq!(two, entries[..2].to_vec());
    let rest = store.outbox_after(two[1].seq, 100).await.unwrap();
    assert_eq!(rest, entries[2..].to_vec());
    // Asking after a position between two entries starts at the next one.
    let between = store.outbox_after(entries[3].seq - 1, 1).await.unwrap();
    assert_eq!(between, entries[3..4].to_vec());
    assert!(store.outbox_after(last, 100).await.unwrap().is_empty());
}

pub async fn insert_batch_is_all_or_nothing(store: Arc<dyn Store>) {
    let dup = new_sme(40, None);
    let investors = [new_investor(40, None)];
    let result = store
        .insert_batch(&[new_sme(41, None), dup.clone(), dup], &investors)
        .await;
    assert!(result.is_err(), "a duplicate id fails the batch");
    let counts = store.counts().await.unwrap();
    assert_eq!(
        (counts.smes, counts.investors),
        (0, 0),
        "nothing of it is kept"
    );
    assert_eq!(store.outbox_len().await.unwrap(), 0);
    assert_eq!(store.outbox_head().await.unwrap(), 0);
    assert!(store.outbox_after(0, 10).await.unwrap().is_empty());
}

/// Many writers at once, one of them writing large batches (long transactions that take their
/// first position early and commit late: the late committer of the outbox rule), while a
/// reader tails the outbox as the indexer does. The reader must end up with every acknowledged
/// write exactly once, in ascending position order, without ever going back.
pub async fn outbox_never_skips_concurrent_writes(store: Arc<dyn Store>) {
    const WRITERS: u64 = 6;
    const WRITES: u64 = 15;
    const BATCHES: u64 = 3;
    const BATCH: u64 = 150;

    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let store = store.clone();
        let done = done.clone();
        tokio::spawn(async move {
            let mut seen: Vec<OutboxEntry> = Vec::new();
            let mut applied: Seq = 0;
            loop {
                // Read `done` before reading: a read that starts after every writer finished
                // and finds nothing ends the tail.
                let finished = done.load(std::sync::atomic::Ordering::SeqCst);
                let batch = store.outbox_after(applied, 7).await.expect("outbox_after");
                if batch.is_empty() {
                    if finished {
                        return seen;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
                    continue;
                }
                for e in &batch {
                    assert!(
                        e.seq > applied,
                        "entry {} handed out after the reader passed {applied}",
                        e.seq
                    );
                    applied = e.seq;
                }
                seen.extend(batch);
            }
        })
    };

    let mut writers = tokio::task::JoinSet::new();
    for w in 0..WRITERS {
        let store = store.clone();
        writers.spawn(async move {
            let mut acked: Vec<(Seq, Entity, ProfileId)> = Vec::new();
            for k in 0..WRITES {
                let i = 1_000 + w * 100 + k;
                if k % 3 == 2 {
                    let inv = new_investor(i, None);
                    let seq = store.insert_investor(&inv).await.expect("insert investor");
                    acked.push((seq, Entity::Investor, inv.id));
                } else {
                    let sme = new_sme(i, None);
                    let seq = store.insert_sme(&sme).await.expect("insert SME");
                    acked.push((seq, Entity::Sme, sme.id));
                    if k % 2 == 1 {
                        let v2 = sme.revise(sme_profile(i + 1), at_ms(1)).unwrap();
                        let seq = store.update_sme(&v2).await.expect("update SME");
                        acked.push((seq, Entity::Sme, sme.id));
                    }
                }
            }
            (acked, Vec::new())
        });
    }
    {
        let store = store.clone();
        writers.spawn(async move {
            let mut batched: Vec<ProfileId> = Vec::new();
            let mut acked = Vec::new();
            for b in 0..BATCHES {
                let smes: Vec<Sme> = (0..BATCH)
                    .map(|k| new_sme(5_000 + b * BATCH + k, None))
                    .collect();
                let seq = store.insert_batch(&smes, &[]).await.expect("insert batch");
                let last = smes.last().expect("non-empty batch").id;
                acked.push((seq, Entity::Sme, last));
                batched.extend(smes[..smes.len() - 1].iter().map(|s| s.id));
            }
            (acked, batched)
        });
    }
    let mut acked: Vec<(Seq, Entity, ProfileId)> = Vec::new();
    let mut batched: Vec<ProfileId> = Vec::new();
    while let Some(r) = writers.join_next().await {
        let (a, b) = r.expect("writer task");
        acked.extend(a);
        batched.extend(b);
    }
    let head = store.outbox_head().await.unwrap();
    assert!(
        acked.iter().all(|(seq, _, _)| *seq <= head),
        "the head covers every acknowledged write"
    );
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let seen = reader.await.expect("reader task");

    let expected = acked.len() + batched.len();
    assert_eq!(
        seen.len(),
        expected,
        "the reader saw every acknowledged entry exactly once"
    );
    let positions: HashMap<Seq, &OutboxEntry> = seen.iter().map(|e| (e.seq, e)).collect();
    assert_eq!(positions.len(), seen.len(), "no entry twice");
    for (seq, entity, id) in &acked {
        let e = positions
            .get(seq)
            .unwrap_or_else(|| panic!("acknowledged entry {seq} was skipped"));
        assert_eq!((e.entity, e.id), (*entity, *id), "entry {seq}");
    }
    let seen_ids: HashSet<ProfileId> = seen.iter().map(|e| e.id).collect();
    assert!(
        batched.iter().all(|id| seen_ids.contains(id)),
        "every profile of every batch has its entry"
    );
    assert_eq!(seen.last().map(|e| e.seq), Some(head));
    assert_eq!(
        whole_outbox(&*store, 1_000).await,
        seen,
        "a reader starting afresh sees the same"
    );
}

pub async fn staff_accounts_are_listed_by_email(store: Arc<dyn Store>) {
    let staff = new_user(&*store, Role::Staff).await;
    let admin = new_user(&*store, Role::Admin).await;
    new_user(&*store, Role::Sme).await;
    new_user(&*store, Role::Investor).await;
    let mut expected = vec![staff, admin];
    expected.sort_by(|a, b| a.email.as_str().cmp(b.email.as_str()));
    assert_eq!(store.staff_accounts().await.unwrap(), expected);
}

pub async fn accounts_have_unique_emails(store: Arc<dyn Store>) {
    let user = new_user(&*store, Role::Sme).await;
    assert_eq!(store.user(user.id).await.unwrap().as_ref(), Some(&user));
    let (found, hash) = store
        .user_by_email(&user.email.as_str().to_ascii_uppercase())
        .await
        .unwrap()
        .expect("found by e-mail whatever its case");
    assert_eq!(found, user);
    assert_eq!(hash, "$argon2id$not-a-real-hash");

    let twin = User {
        id: ProfileId::new_v7(),
        role: Role::Investor,
        ..user.clone()
    };
    assert!(
        is_conflict(store.create_user(&twin, "x").await),
        "an e-mail is taken once"
    );
    assert!(store.user(twin.id).await.unwrap().is_none());

    store
        .set_password_hash(user.id, "$argon2id$another")
        .await
        .unwrap();
    let (_, hash) = store
        .user_by_email(user.email.as_str())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(hash, "$argon2id$another");
    assert!(store
        .user_by_email("nobody@store.example")
        .await
        .unwrap()
        .is_none());
    assert!(store.user(ProfileId::new_v7()).await.unwrap().is_none());
    let staff = new_user(&*store, Role::Staff).await;
    assert_eq!(
        store.user(staff.id).await.unwrap().unwrap().role,
        Role::Staff
    );
}

fn token(
    user: UserId,
    kind: TokenKind,
    expires_at: Option<OffsetDateTime>,
) -> (String, TokenRecord) {
    let secret = crate::auth::new_token();
    let record = TokenRecord {
        hash: crate::auth::token_hash(&secret),
        id: ProfileId::new_v7(),
        user_id: user,
        kind,
        name: (kind == TokenKind::ApiKey).then(|| "ERP sync".to_string()),
        created_at: t0(),
        expires_at,
    };
    (secret, record)
}

/// An account keeps its newest sessions; the one just made and its API keys always stay, and
/// nobody else's are touched.
pub async fn sessions_beyond_the_newest_are_pruned(store: Arc<dyn Store>) {
    let user = new_user(&*store, Role::Sme).await;
    let other = new_user(&*store, Role::Sme).await;
    let far = t0() + Duration::days(30);
    let mut sessions = Vec::new();
    for i in 0..6 {
        let (_, mut s) = token(user.id, TokenKind::Session, Some(far));
        s.created_at = t0() + Duration::seconds(i);
        store.insert_token(&s).await.unwrap();
        sessions.push(s.hash);
    }
    let (_, key) = token(user.id, TokenKind::ApiKey, None);
    store.insert_token(&key).await.unwrap();
    let (_, theirs) = token(other.id, TokenKind::Session, Some(far));
    store.insert_token(&theirs).await.unwrap();
    // Keep 2 besides the oldest, named as just made: 3 of 6 go.
    let gone = store
        .prune_sessions(user.id, 2, &sessions[0])
        .await
        .unwrap();
    assert_eq!(gone, 3);
    let alive = |h: String| {
        let store = store.clone();
        async move { store.token_user(&h, t0()).await.unwrap().is_some() }
    };
    let kept: Vec<bool> = futures_util_join(sessions.iter().cloned().map(alive)).await;
    assert_eq!(kept, [true, false, false, false, true, true]);
    assert!(store.token_user(&key.hash, t0()).await.unwrap().is_some());
    assert!(store
        .token_user(&theirs.hash, t0())
        .await
        .unwrap()
        .is_some());
}

/// Awaits each future in turn (a few store reads).
async fn futures_util_join<F: std::future::Future<Output = bool>>(
    futures: impl Iterator<Item = F>,
) -> Vec<bool> {
    let mut out = Vec::new();
    for f in futures {
        out.push(f.await);
    }
    out
}

pub async fn tokens_expire_and_are_revoked(store: Arc<dyn Store>) {
    let user = new_user(&*store, Role::Sme).await;
    let other = new_user(&*store, Role::Investor).await;
    let kind_at = |hash: String, now: OffsetDateTime| {
        let store = store.clone();
        async move {
            store
                .token_user(&hash, now)
                .await
                .expect("token_user")
                .map(|(u, k)| (u.id, k))
        }
    };

    // A session expiring on a whole second, and one expiring mid-second.
    let expiry = t0() + Duration::hours(1);
    let (_, session) = token(user.id, TokenKind::Session, Some(expiry));
    store.insert_token(&session).await.unwrap();
    let h = session.hash.clone();
    let live = Some((user.id, TokenKind::Session));
    assert_eq!(kind_at(h.clone(), t0()).await, live);
    assert_eq!(
        kind_at(h.clone(), expiry - Duration::microseconds(1)).await,
        live
    );
    assert_eq!(
        kind_at(h.clone(), expiry).await,
        None,
        "expired at expires_at"
    );
    assert_eq!(
        kind_at(h.clone(), expiry + Duration::milliseconds(500)).await,
        None,
        "half a second after a whole-second expiry"
    );
    let mid = t0() + Duration::milliseconds(500);
    let (_, short) = token(user.id, TokenKind::Session, Some(mid));
    store.insert_token(&short).await.unwrap();
    let h2 = short.hash.clone();
    assert_eq!(
        kind_at(h2.clone(), t0() + Duration::milliseconds(450)).await,
        live
    );
    assert_eq!(
        kind_at(h2.clone(), t0() + Duration::milliseconds(550)).await,
        None
    );
    assert_eq!(kind_at(h2.clone(), t0() + Duration::seconds(1)).await, None);

    // API keys last until revoked.
    let (secret, key) = token(user.id, TokenKind::ApiKey, None);
    store.insert_token(&key).await.unwrap();
    let far = t0() + Duration::days(3_650);
    let key_live = Some((user.id, TokenKind::ApiKey));
    assert_eq!(kind_at(key.hash.clone(), far).await, key_live);
    assert_eq!(
        kind_at(secret.clone(), t0()).await,
        None,
        "tokens are found by their hash, not by the token itself"
    );
    assert_eq!(kind_at("0".repeat(64), t0()).await, None);

    // Revoking by hash: once.
    assert!(store.revoke_token_hash(&h, t0()).await.unwrap());
    assert!(!store.revoke_token_hash(&h, t0()).await.unwrap());
    assert_eq!(kind_at(h.clone(), t0()).await, None, "revoked");
    assert!(!store.revoke_token_hash("unknown", t0()).await.unwrap());

    // API keys by id: only by their owner, only API keys.
    assert!(!store.revoke_api_key(key.id, other.id, t0()).await.unwrap());
    assert_eq!(kind_at(key.hash.clone(), t0()).await, key_live);
    let (_, session2) = token(user.id, TokenKind::Session, Some(expiry));
    store.insert_token(&session2).await.unwrap();
    assert!(
        !store
            .revoke_api_key(session2.id, user.id, t0())
            .await
            .unwrap(),
        "a session is not revoked by id"
    );
    assert_eq!(kind_at(session2.hash.clone(), t0()).await, live);
    assert!(store.revoke_api_key(key.id, user.id, t0()).await.unwrap());
    assert_eq!(kind_at(key.hash.clone(), t0()).await, None);
    assert!(!store.revoke_api_key(key.id, user.id, t0()).await.unwrap());
}

/// A password reset works once, until its expiry to the microsecond, and taking one takes
/// the account's other resets too; of two takers at the same moment one wins.
pub async fn password_resets_are_taken_once_in_time(store: Arc<dyn Store>) {
    let user = new_user(&*store, Role::Sme).await;
    let other = new_user(&*store, Role::Investor).await;
    let expiry = t0() + Duration::hours(1);
    for (hash, who) in [
        ("r1", user.id),
        ("r2", user.id),
        ("r3", other.id),
        ("r4", user.id),
    ] {
        store
            .insert_password_reset(hash, who, t0(), expiry)
            .await
            .expect("insert");
    }
    assert_eq!(store.take_password_reset("nope", t0()).await.unwrap(), None);
    assert_eq!(
        store.password_reset_holder("nope", t0()).await.unwrap(),
        None
    );
    // Expired from its expiry on.
    assert_eq!(store.take_password_reset("r3", expiry).await.unwrap(), None);
    assert_eq!(
        store.password_reset_holder("r3", expiry).await.unwrap(),
        None
    );
    let last = expiry - Duration::microseconds(1);
    // Looking does not take it, however often.
    for _ in 0..2 {
        assert_eq!(
            store.password_reset_holder("r3", last).await.unwrap(),
            Some(other.id)
        );
    }
    assert_eq!(
        store.take_password_reset("r3", last).await.unwrap(),
        Some(other.id)
    );
    assert_eq!(store.password_reset_holder("r3", t0()).await.unwrap(), None);
    assert_eq!(
        store.take_password_reset("r3", t0()).await.unwrap(),
        None,
        "once"
    );
    // Two at once: one gets the account; and r2, r4 went with r1.
    let (a, b) = tokio::join!(
        store.take_password_reset("r1", t0()),
        store.take_password_reset("r1", t0())
    );
    let won: Vec<_> = [a.unwrap(), b.unwrap()].into_iter().flatten().collect();
    assert_eq!(won, vec![user.id]);
    assert_eq!(store.take_password_reset("r2", t0()).await.unwrap(), None);
    assert_eq!(store.take_password_reset("r4", t0()).await.unwrap(), None);
    assert_eq!(store.password_reset_holder("r4", t0()).await.unwrap(), None);
    // A changed password ends the links still out, only the account's own.
    store
        .insert_password_reset("r5", user.id, t0(), expiry)
        .await
        .expect("insert");
    store
        .insert_password_reset("r6", other.id, t0(), expiry)
        .await
        .expect("insert");
    assert_eq!(store.end_password_resets(user.id, t0()).await.unwrap(), 1);
    assert_eq!(store.password_reset_holder("r5", t0()).await.unwrap(), None);
    assert_eq!(
        store.password_reset_holder("r6", t0()).await.unwrap(),
        Some(other.id)
    );
}

pub async fn owned_profiles_lists_every_profile(store: Arc<dyn Store>) {
    let a = new_user(&*store, Role::Sme).await;
    let b = new_user(&*store, Role::Sme).await;
    let s1 = new_sme(50, Some(a.id));
    let s2 = new_sme(51, Some(a.id));
    let s3 = new_sme(52, Some(b.id));
    let i1 = new_investor(50, Some(a.id));
    for s in [&s1, &s2, &s3] {
        store.insert_sme(s).await.unwrap();
    }
    store.insert_investor(&i1).await.unwrap();
    store.update_sme(&s2.archive(at_ms(1_000))).await.unwrap();
    let mut owned = store.owned_profiles(a.id).await.unwrap();
    owned.sort();
    let mut want = vec![s1.id, s2.id, i1.id];
    want.sort();
    assert_eq!(owned, want, "archived profiles are still owned");
    assert_eq!(store.owned_profiles(b.id).await.unwrap(), vec![s3.id]);
    let nobody = new_user(&*store, Role::Investor).await;
    assert!(store.owned_profiles(nobody.id).await.unwrap().is_empty());
}

/// Two published profiles and a staff account, ready for a match.
async fn pair(store: &dyn Store, i: u64) -> (Sme, Investor) {
    let sme = new_sme(i, None);
    let inv = new_investor(i, None);
    store.insert_sme(&sme).await.unwrap();
    store.insert_investor(&inv).await.unwrap();
    (sme, inv)
}

pub async fn pipeline_writes_records_and_audit_together(store: Arc<dyn Store>) {
    let staff = new_user(&*store, Role::Staff).await;
    let (sme, inv) = pair(&*store, 60).await;
    let (record, log) = MatchRecord::shortlist(
        ProfileId::new_v7(),
        sme.id,
        inv.id,
        0.25,
        staff.id,
        at_ms(0),
    );
    store.insert_match(&record, &log).await.unwrap();
    assert_eq!(
        store.match_record(record.id).await.unwrap().as_ref(),
        Some(&record)
    );
    assert_eq!(store.audit_log(record.id).await.unwrap(), log);

    // The same pair again (another id), or the same id again: Conflict, nothing written.
    let (again, again_log) =
        MatchRecord::shortlist(ProfileId::new_v7(), sme.id, inv.id, 0.5, staff.id, at_ms(1));
    assert!(is_conflict(store.insert_match(&again, &again_log).await));
    assert!(store.match_record(again.id).await.unwrap().is_none());
    assert!(store.audit_log(again.id).await.unwrap().is_empty());
    assert!(is_conflict(store.insert_match(&record, &log).await));
    assert_eq!(
        store.audit_log(record.id).await.unwrap(),
        log,
        "no entry doubled"
    );

    // An update from the stored version appends its entries in the same transaction.
    let (introduced, intro_log) = record
        .introduce("Meet each other", staff.id, at_ms(2_000))
        .unwrap();
    store
        .update_match(&introduced, &intro_log, &[])
        .await
        .unwrap();
    assert_eq!(
        store.match_record(record.id).await.unwrap().as_ref(),
        Some(&introduced)
    );
    let mut want_log = log.clone();
    want_log.extend(intro_log.clone());
    assert_eq!(store.audit_log(record.id).await.unwrap(), want_log);

    // A stale update (made from version 1) is refused with its entries.
    let (closed, close_log) = record
        .move_to(Stage::Closed, Some("duplicate"), staff.id, at_ms(3_000))
        .unwrap();
    assert!(is_conflict(
        store.update_match(&closed, &close_log, &[]).await
    ));
    assert_eq!(
        store.match_record(record.id).await.unwrap().as_ref(),
        Some(&introduced)
    );
    assert_eq!(
        store.audit_log(record.id).await.unwrap(),
        want_log,
        "a refused update leaves no audit entry"
    );
    let (ghost, ghost_log) =
        MatchRecord::shortlist(ProfileId::new_v7(), sme.id, inv.id, 0.0, staff.id, at_ms(0));
    let (ghost2, _) = ghost.introduce("hello", staff.id, at_ms(1)).unwrap();
    assert!(
        is_conflict(store.update_match(&ghost2, &ghost_log, &[]).await),
        "unknown id"
    );

    // A note is appended without a new version.
    let note = introduced
        .note("Called the SME; keen.", staff.id, at_ms(4_000))
        .unwrap();
    store.append_audit(record.id, &note).await.unwrap();
    want_log.push(note);
    assert_eq!(store.audit_log(record.id).await.unwrap(), want_log);
    assert_eq!(
        store
            .match_record(record.id)
            .await
            .unwrap()
            .unwrap()
            .version,
        introduced.version
    );
    let (assigned, assign_entry) = introduced.assign(staff.id, staff.id, at_ms(5_000));
    store
        .update_match(&assigned, std::slice::from_ref(&assign_entry), &[])
        .await
        .unwrap();
    want_log.push(assign_entry);
    assert_eq!(
        store.audit_log(record.id).await.unwrap(),
        want_log,
        "read back in append order"
    );
    assert!(store
        .match_record(ProfileId::new_v7())
        .await
        .unwrap()
        .is_none());
    assert!(store
        .audit_log(ProfileId::new_v7())
        .await
        .unwrap()
        .is_empty());
}

/// Shortlists `n` pairs (SMEs `base..base+n`), curated alternately by the two staff accounts;
/// every third is introduced.
async fn some_matches(
    store: &dyn Store,
    base: u64,
    n: u64,
) -> (Vec<(MatchRecord, Sme)>, User, User) {
    let c1 = new_user(store, Role::Staff).await;
    let c2 = new_user(store, Role::Staff).await;
    let mut out = Vec::new();
    for k in 0..n {
        let (sme, inv) = pair(store, base + k).await;
        let curator = if k % 2 == 0 { c1.id } else { c2.id };
        let (r, log) =
            MatchRecord::shortlist(ProfileId::new_v7(), sme.id, inv.id, 0.1, curator, at_ms(0));
        store.insert_match(&r, &log).await.unwrap();
        let r = if k % 3 == 0 {
            let (r2, log2) = r.introduce("Please meet", curator, at_ms(10)).unwrap();
            store.update_match(&r2, &log2, &[]).await.unwrap();
            r2
        } else {
            r
        };
        out.push((r, sme));
    }
    out.sort_by_key(|(r, _)| r.id);
    (out, c1, c2)
}

/// Which records a pipeline filter should keep, computed independently of the store.
type Keep = Box<dyn Fn(&MatchRecord, &Sme) -> bool>;

pub async fn pipeline_listing_filters_and_pages(store: Arc<dyn Store>) {
    let (records, c1, _c2) = some_matches(&*store, 70, 9).await;
    let division = |s: &Sme| s.profile.sector.as_str()[..2].to_string();
    let d0 = division(&records[0].1);
    let p0 = records[1].1.profile.province.as_str().to_string();
    let en2 = records
        .iter()
        .find_map(|(_, s)| s.profile.name.en.clone())
        .expect("a demo SME with an English name");
    let filters: Vec<(PipelineFilter, Keep)> = vec![
        (PipelineFilter::default(), Box::new(|_, _| true)),
        (
            PipelineFilter {
                stage: Some(Stage::Introduced),
                ..Default::default()
            },
            Box::new(|r, _| r.stage == Stage::Introduced),
        ),
        (
            PipelineFilter {
                curator: Some(c1.id),
                ..Default::default()
            },
            Box::new(move |r, _| r.curator_id == Some(c1.id)),
        ),
        (
            PipelineFilter {
                sector_prefixes: vec![d0.clone(), "99".into()],
                ..Default::default()
            },
            Box::new({
                let d0 = d0.clone();
                move |_, s| s.profile.sector.as_str().starts_with(&d0)
            }),
        ),
        (
            PipelineFilter {
                province: Some(p0.clone()),
                stage: Some(Stage::Shortlisted),
                ..Default::default()
            },
            Box::new({
                let p0 = p0.clone();
                move |r, s| s.profile.province.as_str() == p0 && r.stage == Stage::Shortlisted
            }),
        ),
        (
            PipelineFilter {
                stage: Some(Stage::Deal),
                ..Default::default()
            },
            Box::new(|r, _| r.stage == Stage::Deal),
        ),
        // A name, in another case than written: the SMEs' English names (the investors'
        // are other words).
        (
            PipelineFilter {
                name: Some(en2.to_uppercase()),
                ..Default::default()
            },
            Box::new({
                let en2 = en2.to_lowercase();
                move |_, s| {
                    s.profile
                        .name
                        .en
                        .as_deref()
                        .is_some_and(|n| n.to_lowercase().contains(&en2))
                }
            }),
        ),
        // `%` and `_` are text, not patterns.
        (
            PipelineFilter {
                name: Some("%_%".into()),
                ..Default::default()
            },
            Box::new(|_, _| false),
        ),
    ];
    for (filter, keep) in filters {
        let want: Vec<ProfileId> = records
            .iter()
            .filter(|(r, s)| keep(r, s))
            .map(|(r, _)| r.id)
            .collect();
        let mut got = Vec::new();
        let mut after = None;
        for _ in 0..20 {
            let page = store
                .pipeline(&filter, PipelineOrder::Id { after }, 2)
                .await
                .unwrap();
            assert_eq!(
                page.total_count,
                want.len() as i64,
                "total of the whole filtered list: {filter:?}"
            );
            got.extend(page.items.iter().map(|r| r.id));
            if !page.has_next_page {
                break;
            }
            after = page.items.last().map(|r| r.id);
        }
        assert_eq!(got, want, "{filter:?}: in id order, each once");
    }
    let page = store
        .pipeline(&PipelineFilter::default(), PipelineOrder::FIRST_BY_ID, 100)
        .await
        .unwrap();
    let full: Vec<MatchRecord> = records.iter().map(|(r, _)| r.clone()).collect();
    assert_eq!(page.items, full, "records read back whole");
}

/// Longest unchanged first, as instants: a whole second before its own fractions (which RFC 3339
/// text sorts after them), equal instants by id, a record changed later moving to the end; the
/// pages of two continue one another through the cursor, under a filter too.
pub async fn pipeline_lists_longest_waiting_first(store: Arc<dyn Store>) {
    let staff = new_user(&*store, Role::Staff).await;
    // Offsets from t0 in ms, given in an order that is neither id nor time order.
    let offsets = [5_000, 0, 100, -86_400_000, 100, 30, 7_000, 0];
    let mut records = Vec::new();
    for (k, ms) in offsets.iter().enumerate() {
        let (sme, inv) = pair(&*store, 90 + k as u64).await;
        let (r, log) = MatchRecord::shortlist(
            ProfileId::new_v7(),
            sme.id,
            inv.id,
            0.1,
            staff.id,
            at_ms(*ms),
        );
        store.insert_match(&r, &log).await.unwrap();
        records.push(r);
    }
    // The oldest is introduced last of all: it now waits the least.
    let (moved, log) = records[3]
        .introduce("Please meet", staff.id, at_ms(60_000))
        .unwrap();
    store.update_match(&moved, &log, &[]).await.unwrap();
    records[3] = moved;
    // One that waited long is closed: it waits for nobody now, and comes after every open
    // one, however long ago it changed.
    let (closed, log) = records[1]
        .move_to(Stage::Closed, None, staff.id, at_ms(1))
        .unwrap();
    store.update_match(&closed, &log, &[]).await.unwrap();
    records[1] = closed;
    let mut want = records.clone();
    want.sort_by(|a, b| {
        (a.stage.is_finished(), a.updated_at, a.id).cmp(&(
            b.stage.is_finished(),
            b.updated_at,
            b.id,
        ))
    });
    assert_eq!(want.last().map(|r| r.stage), Some(Stage::Closed));
    let filters = [
        PipelineFilter::default(),
        PipelineFilter {
            stage: Some(Stage::Shortlisted),
            ..Default::default()
        },
    ];
    for filter in filters {
        let want: Vec<ProfileId> = want
            .iter()
            .filter(|r| filter.stage.is_none_or(|s| r.stage == s))
            .map(|r| r.id)
            .collect();
        let mut got: Vec<ProfileId> = Vec::new();
        let mut after = None;
        for _ in 0..20 {
            let page = store
                .pipeline(&filter, PipelineOrder::LongestWaiting { after }, 2)
                .await
                .unwrap();
            assert_eq!(page.total_count, want.len() as i64, "{filter:?}: total");
            got.extend(page.items.iter().map(|r| r.id));
            if !page.has_next_page {
                break;
            }
            after = page
                .items
                .last()
                .map(|r| (r.stage.is_finished(), r.updated_at, r.id));
        }
        assert_eq!(got, want, "{filter:?}: longest unchanged first, each once");
    }
}

pub async fn dashboard_counts_by_stage_sector_province(store: Arc<dyn Store>) {
    let empty = store.dashboard().await.unwrap();
    assert!(
        empty.by_stage.is_empty() && empty.by_sector.is_empty() && empty.by_province.is_empty()
    );
    let (records, _, _) = some_matches(&*store, 80, 8).await;
    let mut stage: BTreeMap<String, i64> = BTreeMap::new();
    let mut sector: BTreeMap<String, i64> = BTreeMap::new();
    let mut province: BTreeMap<String, i64> = BTreeMap::new();
    for (r, s) in &records {
        *stage.entry(r.stage.as_str().into()).or_default() += 1;
        *sector
            .entry(s.profile.sector.as_str()[..2].into())
            .or_default() += 1;
        *province
            .entry(s.profile.province.as_str().into())
            .or_default() += 1;
    }
    let d = store.dashboard().await.unwrap();
    assert_eq!(d.by_stage, stage.into_iter().collect::<Vec<_>>());
    assert_eq!(d.by_sector, sector.into_iter().collect::<Vec<_>>());
    assert_eq!(d.by_province, province.into_iter().collect::<Vec<_>>());
}

pub async fn contacts_connect_only_after_both_accept(store: Arc<dyn Store>) {
    let staff = new_user(&*store, Role::Staff).await;
    let sme_owner = new_user(&*store, Role::Sme).await;
    let inv_owner = new_user(&*store, Role::Investor).await;
    let sme = new_sme(90, Some(sme_owner.id));
    let inv = new_investor(90, Some(inv_owner.id));
    let inv_b = new_investor(91, Some(inv_owner.id));
    store.insert_sme(&sme).await.unwrap();
    store.insert_investor(&inv).await.unwrap();
    store.insert_investor(&inv_b).await.unwrap();

    let (r, log) =
        MatchRecord::shortlist(ProfileId::new_v7(), sme.id, inv.id, 0.3, staff.id, at_ms(0));
    store.insert_match(&r, &log).await.unwrap();
    let (r, log) = r.introduce("Meet", staff.id, at_ms(1)).unwrap();
    store.update_match(&r, &log, &[]).await.unwrap();
    let (r, log) = r.respond(Side::Sme, true, sme_owner.id, at_ms(2)).unwrap();
    store.update_match(&r, &log, &[]).await.unwrap();
    assert!(
        store
            .connected_profiles(sme_owner.id)
            .await
            .unwrap()
            .is_empty(),
        "one side only"
    );
    assert!(store
        .connected_profiles(inv_owner.id)
        .await
        .unwrap()
        .is_empty());
    let (r, log) = r
        .respond(Side::Investor, true, inv_owner.id, at_ms(3))
        .unwrap();
    assert_eq!(r.stage, Stage::Connected);
    store.update_match(&r, &log, &[]).await.unwrap();

    // A second pair of the same parties that one side declines reveals nothing more.
    let (d, log) = MatchRecord::shortlist(
        ProfileId::new_v7(),
        sme.id,
        inv_b.id,
        0.3,
        staff.id,
        at_ms(0),
    );
    store.insert_match(&d, &log).await.unwrap();
    let (d, log) = d.introduce("Meet", staff.id, at_ms(1)).unwrap();
    store.update_match(&d, &log, &[]).await.unwrap();
    let (d, log) = d
        .respond(Side::Investor, false, inv_owner.id, at_ms(2))
        .unwrap();
    store.update_match(&d, &log, &[]).await.unwrap();

    assert_eq!(
        store.connected_profiles(sme_owner.id).await.unwrap(),
        vec![inv.id]
    );
    assert_eq!(
        store.connected_profiles(inv_owner.id).await.unwrap(),
        vec![sme.id]
    );
    assert!(store.connected_profiles(staff.id).await.unwrap().is_empty());
    // Further stages keep contacts revealed; closing hides them again.
    let (talks, log) = r.move_to(Stage::InTalks, None, staff.id, at_ms(4)).unwrap();
    store.update_match(&talks, &log, &[]).await.unwrap();
    assert_eq!(
        store.connected_profiles(sme_owner.id).await.unwrap(),
        vec![inv.id]
    );
    let (closed, log) = talks
        .move_to(Stage::Closed, None, staff.id, at_ms(5))
        .unwrap();
    store.update_match(&closed, &log, &[]).await.unwrap();
    assert!(store
        .connected_profiles(sme_owner.id)
        .await
        .unwrap()
        .is_empty());
}

pub async fn matches_of_owner_newest_change_first(store: Arc<dyn Store>) {
    let staff = new_user(&*store, Role::Staff).await;
    let owner = new_user(&*store, Role::Sme).await;
    let sme = new_sme(100, Some(owner.id));
    store.insert_sme(&sme).await.unwrap();
    // Changes within one second, one of them on the whole second: the order is by instant.
    let times = [at_ms(500), at_ms(0), at_ms(550), at_ms(50)];
    let mut records = Vec::new();
    for (k, t) in times.iter().enumerate() {
        let inv = new_investor(100 + k as u64, None);
        store.insert_investor(&inv).await.unwrap();
        let (r, log) =
            MatchRecord::shortlist(ProfileId::new_v7(), sme.id, inv.id, 0.2, staff.id, *t);
        store.insert_match(&r, &log).await.unwrap();
        records.push(r);
    }
    let other = new_user(&*store, Role::Investor).await;
    assert!(store.matches_of_owner(other.id).await.unwrap().is_empty());
    let got: Vec<OffsetDateTime> = store
        .matches_of_owner(owner.id)
        .await
        .unwrap()
        .iter()
        .map(|r| r.updated_at)
        .collect();
    assert_eq!(got, vec![at_ms(550), at_ms(500), at_ms(50), at_ms(0)]);
}

/// Replica positions and pruning: entries every live reader applied are deleted and nothing a
/// live reader still needs; a reader silent past the horizon is forgotten, and when it comes
/// back behind the pruned watermark it is told (`Pruned`, a refused join) instead of being
/// handed a gap; joining at the head gives a rebuilding reader a position pruning respects.
pub async fn outbox_is_pruned_below_every_live_replica(store: Arc<dyn Store>) {
    let hour = Duration::hours(1);
    let mut seqs = Vec::new();
    for i in 0..3 {
        seqs.push(store.insert_sme(&new_sme(200 + i, None)).await.unwrap());
    }
    let (s1, s3) = (seqs[0], seqs[2]);
    // Nobody recorded yet: a prune keeps everything.
    let none = store.prune_outbox(t0() - hour).await.unwrap();
    assert_eq!((none.deleted, none.through, none.kept), (0, 0, 3));

    assert!(store.join_replica("a", 0, t0()).await.unwrap());
    assert!(store.join_replica("b", 0, t0()).await.unwrap());
    store.report_replica("a", s3, t0()).await.unwrap();
    store.report_replica("b", s1, t0()).await.unwrap();
    let listed: Vec<(String, Seq, OffsetDateTime)> = store
        .replicas()
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.id, r.applied, r.seen_at))
        .collect();
    assert_eq!(
        listed,
        vec![("a".into(), s3, t0()), ("b".into(), s1, t0())],
        "positions and heartbeats are recorded as reported"
    );

    // The lagging live replica b keeps what follows its position.
    let pruned = store.prune_outbox(t0() - hour).await.unwrap();
    assert_eq!((pruned.deleted, pruned.through, pruned.kept), (1, s1, 2));
    assert_eq!(store.outbox_len().await.unwrap(), 2);
    let rest: Vec<Seq> = store
        .outbox_after(s1, 10)
        .await
        .unwrap()
        .iter()
        .map(|e| e.seq)
        .collect();
    assert_eq!(rest, seqs[1..].to_vec(), "b reads on without a gap");
    // Pruning again changes nothing; so does a prune that sees no live replica at all.
    assert_eq!(
        store.prune_outbox(t0() - hour).await.unwrap().deleted,
        0,
        "idempotent"
    );

    // a keeps reporting, b falls silent past the horizon: b is forgotten, and the entries
    // only it needed go.
    let later = t0() + Duration::hours(25);
    store.report_replica("a", s3, later).await.unwrap();
    let pruned = store
        .prune_outbox(later - Duration::hours(24))
        .await
        .unwrap();
    assert_eq!((pruned.deleted, pruned.through, pruned.kept), (2, s3, 0));
    let ids: Vec<String> = store
        .replicas()
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(ids, vec!["a".to_string()], "b is forgotten");
    // The head does not move back when the outbox is empty.
    assert_eq!(store.outbox_head().await.unwrap(), s3);
    assert!(store.outbox_after(s3, 10).await.unwrap().is_empty());

    // b comes back at s1: reading on would skip what was pruned, so it is told.
    match store.outbox_after(s1, 10).await {
        Err(StoreError::Pruned {
            after,
            pruned_through,
        }) => assert_eq!((after, pruned_through), (s1, s3)),
        other => panic!("a reader behind the pruned watermark must be told, got {other:?}"),
    }
    assert!(
        !store.join_replica("b", s1, later).await.unwrap(),
        "joining behind the watermark is refused"
    );
    assert_eq!(
        store.replicas().await.unwrap().len(),
        1,
        "and records nothing"
    );
    // A rebuilding b joins at the head instead, and reads on from there.
    assert_eq!(store.join_replica_at_head("b", later).await.unwrap(), s3);
    let s4 = store.insert_sme(&new_sme(210, None)).await.unwrap();
    assert!(s4 > s3, "positions are never reused after pruning");
    let pruned = store.prune_outbox(later - hour).await.unwrap();
    assert_eq!((pruned.deleted, pruned.through, pruned.kept), (0, s3, 1));
    let next: Vec<Seq> = store
        .outbox_after(s3, 10)
        .await
        .unwrap()
        .iter()
        .map(|e| e.seq)
        .collect();
    assert_eq!(next, vec![s4]);
    // A reader already at the watermark may join.
    assert!(store.join_replica("c", s3, later).await.unwrap());
}

/// Prunes run from every replica at once, while writers write and readers report: a reader
/// that stays live at position 0 keeps every entry, and once every reader has caught up, the
/// concurrent prunes agree on one watermark and leave nothing applied behind.
pub async fn concurrent_prunes_keep_what_live_replicas_need(store: Arc<dyn Store>) {
    const WRITES: u64 = 30;
    assert!(store.join_replica("slow", 0, t0()).await.unwrap());
    let writer = {
        let store = store.clone();
        tokio::spawn(async move {
            let mut last = 0;
            for i in 0..WRITES {
                last = store.insert_sme(&new_sme(300 + i, None)).await.unwrap();
            }
            last
        })
    };
    let pruners: Vec<_> = (0..4)
        .map(|p| {
            let store = store.clone();
            tokio::spawn(async move {
                let id = format!("fast{p}");
                for _ in 0..10 {
                    let head = store.outbox_head().await.unwrap();
                    store.report_replica(&id, head, t0()).await.unwrap();
                    store.prune_outbox(t0() - Duration::hours(1)).await.unwrap();
                }
            })
        })
        .collect();
    let last = writer.await.unwrap();
    for p in pruners {
        p.await.unwrap();
    }
    let all = whole_outbox(&*store, 7).await;
    assert_eq!(
        all.len() as u64,
        WRITES,
        "nothing pruned below a live replica's position"
    );
    // Everyone catches up; prunes at once converge on the head.
    for id in ["slow", "fast0", "fast1", "fast2", "fast3"] {
        store.report_replica(id, last, t0()).await.unwrap();
    }
    let prunes: Vec<_> = (0..4)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.prune_outbox(t0() - Duration::hours(1)).await })
        })
        .collect();
    let mut outcomes = Vec::new();
    for p in prunes {
        outcomes.push(p.await.unwrap());
    }
    let deleted: u64 = outcomes.iter().map(|o| o.as_ref().unwrap().deleted).sum();
    assert_eq!(deleted, WRITES, "each entry deleted once");
    for o in &outcomes {
        assert_eq!(o.as_ref().unwrap().through, last);
    }
    assert_eq!(store.outbox_len().await.unwrap(), 0);
    assert!(store.outbox_after(last, 10).await.unwrap().is_empty());
}

/// Rate-limit counters: every concurrent attempt is counted once, the window forgets, a clear
/// forgets; a bucket hands out exactly its burst to concurrent takers, then refills.
pub async fn rate_limits_count_every_attempt_once(store: Arc<dyn Store>) {
    let window = std::time::Duration::from_secs(60);
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.count_attempt("k", t0(), window).await })
        })
        .collect();
    let mut counts = Vec::new();
    for t in tasks {
        counts.push(t.await.unwrap().unwrap().count);
    }
    counts.sort();
    assert_eq!(
        counts,
        (1..=20).collect::<Vec<i64>>(),
        "each attempt counted once"
    );
    let a = store.attempts("k").await.unwrap().expect("counted");
    assert_eq!((a.count, a.last), (20, t0()));
    // Within the window the count goes on; a window after the last attempt it starts again.
    let later = t0() + Duration::seconds(59);
    assert_eq!(
        store.count_attempt("k", later, window).await.unwrap().count,
        21
    );
    let fresh = store
        .count_attempt("k", later + Duration::seconds(60), window)
        .await
        .unwrap();
    assert_eq!(fresh.count, 1);
    store.clear_attempts("k").await.unwrap();
    assert_eq!(store.attempts("k").await.unwrap(), None);
    store.count_attempt("old", t0(), window).await.unwrap();
    store
        .sweep_rate_limits(t0() + Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(store.attempts("old").await.unwrap(), None, "swept");

    let takers: Vec<_> = (0..10)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.take_token("w", t0(), 3.0, 0.5).await })
        })
        .collect();
    let mut granted = 0;
    for t in takers {
        if t.await.unwrap().unwrap().0 {
            granted += 1;
        }
    }
    assert_eq!(granted, 3, "a burst of 3, taken once each");
    // Two seconds at half a token a second refill one.
    let (ok, _) = store
        .take_token("w", t0() + Duration::seconds(2), 3.0, 0.5)
        .await
        .unwrap();
    assert!(ok, "refilled");
    let (ok, left) = store
        .take_token("w", t0() + Duration::seconds(2), 3.0, 0.5)
        .await
        .unwrap();
    assert!(!ok && left < 1.0, "empty again: {left}");
}

/// Notices: written only with the change that owes them, claimed by one sender at a time,
/// leased (a claim that is never settled comes back when its lease ends), retried when due,
/// and never handed out again once sent or given up.
pub async fn notices_are_written_with_their_change_and_claimed_once(store: Arc<dyn Store>) {
    use crate::domain::notice::owed;

    let staff = new_user(&*store, Role::Staff).await;
    let (sme, inv) = pair(&*store, 95).await;
    let (record, log) =
        MatchRecord::shortlist(ProfileId::new_v7(), sme.id, inv.id, 0.5, staff.id, at_ms(0));
    store.insert_match(&record, &log).await.unwrap();
    let (introduced, intro_log) = record.introduce("Meet", staff.id, at_ms(1_000)).unwrap();
    let notices = owed(&record, &introduced, &intro_log);
    assert_eq!(notices.len(), 2);

    // A refused (stale) change writes none of its notices.
    let (stale, stale_log) = record
        .move_to(Stage::Closed, None, staff.id, at_ms(1_000))
        .unwrap();
    store
        .update_match(&introduced, &intro_log, &notices)
        .await
        .unwrap();
    assert!(is_conflict(
        store.update_match(&stale, &stale_log, &notices).await
    ));
    let stored = store.notices(record.id).await.unwrap();
    assert_eq!(
        stored.iter().map(|n| n.notice).collect::<Vec<_>>(),
        notices,
        "the change's notices, once, in order"
    );
    assert!(stored.iter().all(|n| n.attempts == 0
        && n.sent_at.is_none()
        && !n.gave_up
        && n.created_at == at_ms(1_000)));

    // Not due before the change.
    assert!(store
        .claim_notices(at_ms(999), at_ms(60_000), 10)
        .await
        .unwrap()
        .is_empty());

    // Concurrent claims share the notices out: none is handed to two claimants.
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let store = store.clone();
        tasks.spawn(async move {
            store
                .claim_notices(at_ms(2_000), at_ms(60_000), 1)
                .await
                .unwrap()
        });
    }
    let claims = tasks.join_all().await;
    let mut ids: Vec<i64> = claims.iter().flatten().map(|n| n.id).collect();
    ids.sort();
    let mut want: Vec<i64> = stored.iter().map(|n| n.id).collect();
    want.sort();
    assert_eq!(ids, want, "each notice claimed exactly once");
    assert!(claims.iter().flatten().all(|n| n.attempts == 1));

    // Leased: nothing until the lease ends, then both again (the sender died mid-send).
    assert!(store
        .claim_notices(at_ms(59_999), at_ms(120_000), 10)
        .await
        .unwrap()
        .is_empty());
    let again = store
        .claim_notices(at_ms(60_000), at_ms(120_000), 10)
        .await
        .unwrap();
    assert_eq!(again.len(), 2, "a lease that ends gives the notice back");
    assert!(again.iter().all(|n| n.attempts == 2));
    assert!(again[0].id < again[1].id, "in the order they were written");

    // The first claim's lease ran out and the notices were claimed again: its late outcome
    // is not recorded over the newer claim's.
    let stale = &claims.iter().flatten().next().cloned().unwrap();
    assert!(!store.notice_sent(stale, at_ms(60_500)).await.unwrap());
    assert!(!store
        .notice_failed(stale, "late", at_ms(60_500), None)
        .await
        .unwrap());

    // One sent, one failed with a retry time, then given up.
    let (first, second) = (&again[0], &again[1]);
    assert!(store.notice_sent(first, at_ms(61_000)).await.unwrap());
    assert!(store
        .notice_failed(second, "451 try later", at_ms(61_000), Some(at_ms(90_000)))
        .await
        .unwrap());
    assert!(
        !store.notice_sent(first, at_ms(61_500)).await.unwrap(),
        "a settled notice is not settled again"
    );
    assert!(store
        .claim_notices(at_ms(89_999), at_ms(200_000), 10)
        .await
        .unwrap()
        .is_empty());
    let retry = store
        .claim_notices(at_ms(90_000), at_ms(200_000), 10)
        .await
        .unwrap();
    assert_eq!(
        retry.iter().map(|n| n.id).collect::<Vec<_>>(),
        vec![second.id]
    );
    assert_eq!(retry[0].last_error.as_deref(), Some("451 try later"));
    assert!(store
        .notice_failed(&retry[0], "550 no such user", at_ms(91_000), None)
        .await
        .unwrap());
    assert!(store
        .claim_notices(at_ms(10_000_000), at_ms(20_000_000), 10)
        .await
        .unwrap()
        .is_empty());
    // What staff should follow up: not sent and failed at least once, newest first, within
    // the window asked for.
    let follow_up = store.notices_not_sent(at_ms(0), 10).await.unwrap();
    assert_eq!(
        follow_up.iter().map(|n| n.id).collect::<Vec<_>>(),
        vec![second.id],
        "the given-up one; not the sent one"
    );
    assert!(store
        .notices_not_sent(at_ms(1_001), 10)
        .await
        .unwrap()
        .is_empty());
    // Staff put a given-up notice back: due again, attempts and error cleared; only a given-up
    // notice of that match, and only once.
    assert!(!store
        .requeue_notice(second.id, ProfileId::new_v7(), at_ms(92_000))
        .await
        .unwrap());
    assert!(!store
        .requeue_notice(first.id, record.id, at_ms(92_000))
        .await
        .unwrap());
    assert!(store
        .requeue_notice(second.id, record.id, at_ms(92_000))
        .await
        .unwrap());
    assert!(!store
        .requeue_notice(second.id, record.id, at_ms(92_000))
        .await
        .unwrap());
    let back = store
        .claim_notices(at_ms(92_000), at_ms(93_000), 10)
        .await
        .unwrap();
    assert_eq!(back.len(), 1);
    assert_eq!((back[0].id, back[0].attempts), (second.id, 1));
    assert!(store
        .notice_failed(&back[0], "550 no such user", at_ms(92_500), None)
        .await
        .unwrap());
    let end = store.notices(record.id).await.unwrap();
    assert_eq!(end[0].sent_at, Some(at_ms(61_000)));
    assert!(end[0].last_error.is_none() && !end[0].gave_up);
    assert!(end[1].gave_up && end[1].sent_at.is_none());
    assert_eq!(end[1].last_error.as_deref(), Some("550 no such user"));
    assert_eq!(end[1].attempts, 1, "counted again from the requeue");
}
