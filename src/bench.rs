//! `khkr-match bench search`: index build throughput and query latency, on the demo set and on
//! larger generated sets (the demo generator at a larger size), printed as a table.
//!
//! Everything runs in-process on the real code paths: profiles go through validation into a
//! scratch SQLite file, the index is rebuilt from it exactly as `reindex` does, and queries go
//! through the same `search::query::search` the API calls (HTTP and JSON are left out, so the
//! figures are the engine's).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use time::OffsetDateTime;

use crate::demo;
use crate::domain::digital::DigitalLevel;
use crate::domain::ids::ProfileId;
use crate::domain::investor::{Investor, InvestorProfile};
use crate::domain::profile::PartnershipType;
use crate::domain::province::ProvinceCode;
use crate::domain::sector::IsicCode;
use crate::domain::sme::{Sme, SmeProfile};
use crate::domain::text::Lang;
use crate::domain::ValidationContext;
use crate::matching::weights::Weights;
use crate::search::index::rebuild;
use crate::search::query::{search, Filter, Kind, Paging, SearchRequest};
use crate::store::sqlite::SqliteStore;
use crate::store::Store;

pub mod client;
pub mod load;
pub mod pages;
pub mod peer;

/// Rows per insert transaction while loading a generated set.
const LOAD_BATCH: usize = 5_000;

#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("{0}")]
    Setup(String),
}

fn setup<E: std::fmt::Display>(e: E) -> BenchError {
    BenchError::Setup(e.to_string())
}

/// Figures for one data-set size.
#[derive(Debug, Clone)]
pub struct SearchFigures {
    pub smes: usize,
    pub load_rows_per_s: f64,
    pub index_docs_per_s: f64,
    pub queries: Vec<(String, Latency)>,
}

#[derive(Debug, Clone, Copy)]
pub struct Latency {
    pub p50: Duration,
    pub p99: Duration,
    pub runs: usize,
}

fn latency(mut samples: Vec<Duration>) -> Latency {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    Latency {
        p50: at(0.50),
        p99: at(0.99),
        runs: samples.len(),
    }
}

/// The query mix: (label, text, filter).
fn query_mix() -> Vec<(&'static str, &'static str, Filter)> {
    let province = |c: &str| ProvinceCode::parse(c).ok().into_iter().collect::<Vec<_>>();
    vec![
        ("browse, no filter", "", Filter::default()),
        (
            "browse, 3 filters",
            "",
            Filter {
                provinces: province("KH-12"),
                digital_levels: vec![DigitalLevel::Basic],
                partnership_types: vec![PartnershipType::Training],
                ..Filter::default()
            },
        ),
        ("en: one word", "cashew", Filter::default()),
        ("en: two words", "organic export", Filter::default()),
        ("km: one word", "ស្វាយចន្ទី", Filter::default()),
        (
            "km: word + sector",
            "អនឡាញ",
            Filter {
                sector: IsicCode::parse("C").ok(),
                ..Filter::default()
            },
        ),
        ("ko: one word", "화장품", Filter::default()),
        ("ko: two words", "캄보디아 수출", Filter::default()),
    ]
}

fn scratch_dir(label: &str) -> PathBuf {
    std::env::temp_dir().join(format!("khkr-bench-{label}-{}", std::process::id()))
}

/// Generates `n` SMEs and the demo's investors into a scratch database.
/// With a peer, each batch is also inserted there (same ids), and the time it takes is returned
/// apart from the store's rate.
async fn load(
    store: &dyn Store,
    n: usize,
    peer: Option<&peer::PeerDb>,
) -> Result<(f64, Duration), BenchError> {
    let facts = crate::search::features::facts_from_rules(Arc::new(
        crate::domain::incentives::Rules::builtin().clone(),
    ));
    let sme_facts = |s: &Sme| facts(&crate::search::features::IncentiveKey::of(&s.profile));
    let mut peer_time = Duration::ZERO;
    let now = OffsetDateTime::now_utc();
    let ctx = ValidationContext::at(now);
    let owner = crate::seed::DemoOwners::default();
    let started = Instant::now();
    let mut i = 0;
    while i < n {
        let end = (i + LOAD_BATCH).min(n);
        let smes = (i..end)
            .map(|k| {
                SmeProfile::validate(demo::sme(demo::DEMO_SEED, k as u64), &ctx)
                    .map(|p| Sme::publish(ProfileId::new_v7(), owner.sme, p, now))
                    .map_err(setup)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let investors = if i == 0 {
            (0..demo::DEMO_INVESTORS as u64)
                .map(|k| {
                    InvestorProfile::validate(demo::investor(demo::DEMO_SEED, k))
                        .map(|p| Investor::publish(ProfileId::new_v7(), owner.investor, p, now))
                        .map_err(setup)
                })
                .collect::<Result<Vec<_>, _>>()?
        } else {
            Vec::new()
        };
        store.insert_batch(&smes, &investors).await.map_err(setup)?;
        if let Some(peer) = peer {
            let t = Instant::now();
            peer.insert_batch(&smes, &investors, &sme_facts).await?;
            peer_time += t.elapsed();
        }
        i = end;
        eprint!("\r  generated and stored {i}/{n} SMEs");
    }
    eprintln!();
    let store_time = started.elapsed().saturating_sub(peer_time);
    Ok((n as f64 / store_time.as_secs_f64(), peer_time))
}

/// A generated data set in a scratch directory: database and index.
struct DataSet {
    dir: PathBuf,
    store: Arc<dyn Store>,
    opened: crate::search::index::Opened,
    load_rows_per_s: f64,
    index_docs_per_s: f64,
    /// Time spent loading the peer database, if any.
    peer_load: Duration,
}

impl DataSet {
    async fn generate(
        n: usize,
        label: &str,
        peer: Option<&peer::PeerDb>,
    ) -> Result<Self, BenchError> {
        let dir = scratch_dir(&format!("{label}-{n}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(setup)?;
        let url = format!("sqlite:{}", dir.join("bench.db").display());
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&url).await.map_err(setup)?);
        eprintln!("{n} SMEs:");
        let (load_rows_per_s, peer_load) = load(store.as_ref(), n, peer).await?;
        let started = Instant::now();
        let opened = rebuild(&dir.join("index"), store.clone(), Arc::new(|_, _| {}))
            .await
            .map_err(setup)?;
        let docs = opened.index.num_docs();
        let index_docs_per_s = docs as f64 / started.elapsed().as_secs_f64();
        eprintln!("  indexed {docs} documents");
        Ok(DataSet {
            dir,
            store,
            opened,
            load_rows_per_s,
            index_docs_per_s,
            peer_load,
        })
    }

    async fn remove(self) {
        drop(self.opened);
        self.store.close().await;
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs the search benchmark on a set of `n` SMEs.
pub async fn search_bench(n: usize, rounds: usize) -> Result<SearchFigures, BenchError> {
    let set = DataSet::generate(n, "search", None).await?;
    let (load_rows_per_s, index_docs_per_s) = (set.load_rows_per_s, set.index_docs_per_s);
    let index = set.opened.index.clone();
    let queries =
        tokio::task::spawn_blocking(move || -> Result<Vec<(String, Latency)>, BenchError> {
            let searcher = index.searcher();
            let mut out = Vec::new();
            for (label, text, filter) in query_mix() {
                let req = SearchRequest {
                    kind: Kind::Sme,
                    text: text.to_string(),
                    filter,
                    first: 20,
                    page: Paging::After(None),
                    lang: Lang::En,
                };
                // Warm up caches once, then measure.
                search(&index, &searcher, &req).map_err(setup)?;
                let mut samples = Vec::with_capacity(rounds);
                for _ in 0..rounds {
                    let t = Instant::now();
                    let r = search(&index, &searcher, &req).map_err(setup)?;
                    samples.push(t.elapsed());
                    std::hint::black_box(r);
                }
                out.push((label.to_string(), latency(samples)));
            }
            Ok(out)
        })
        .await
        .map_err(setup)??;
    set.remove().await;
    Ok(SearchFigures {
        smes: n,
        load_rows_per_s,
        index_docs_per_s,
        queries,
    })
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// Prints figures as a Markdown table (pasteable into the README).
pub fn print_search(figures: &[SearchFigures]) {
    println!("\n| SMEs | store rows/s | index docs/s |");
    println!("|---:|---:|---:|");
    for f in figures {
        println!(
            "| {} | {:.0} | {:.0} |",
            f.smes, f.load_rows_per_s, f.index_docs_per_s
        );
    }
    println!("\n| query (top 20, with facets and highlights) | SMEs | p50 | p99 | runs |");
    println!("|---|---:|---:|---:|---:|");
    for f in figures {
        for (label, l) in &f.queries {
            println!(
                "| {label} | {} | {} | {} | {} |",
                f.smes,
                ms(l.p50),
                ms(l.p99),
                l.runs
            );
        }
    }
}

/// Figures of the match benchmark for one data-set size.
#[derive(Debug, Clone)]
pub struct MatchFigures {
    pub smes: usize,
    /// One-off cost of decoding the feature arrays after a reload.
    pub features_build: Duration,
    pub for_investor: Latency,
    pub for_sme: Latency,
}

/// Match latency: `matchesForInvestor` ranks every SME for one investor, `matchesForSme` every
/// investor for one SME. Each run takes the next investor (or SME) in turn, so the figures mix
/// broad and narrow interests, texts of every language, and both directions' hard filters.
pub async fn match_bench(n: usize, rounds: usize) -> Result<MatchFigures, BenchError> {
    use crate::cancel::Cancel;
    use crate::search::features::{FeatureCache, IncentiveKey};
    use crate::search::matcher::{rank_investors, rank_smes, InvestorsForSme, SmesForInvestor};

    let set = DataSet::generate(n, "match", None).await?;
    let investors = set
        .store
        .published_investors(crate::store::PageRequest {
            first: 300,
            after: None,
        })
        .await
        .map_err(setup)?
        .items;
    let smes = set
        .store
        .published_smes(crate::store::PageRequest {
            first: 300,
            after: None,
        })
        .await
        .map_err(setup)?
        .items;
    let facts = crate::search::features::facts_from_rules(Arc::new(
        crate::domain::incentives::Rules::builtin().clone(),
    ));
    let index = set.opened.index.clone();
    let figures = tokio::task::spawn_blocking(move || -> Result<MatchFigures, BenchError> {
        let cache = FeatureCache::new(facts.clone());
        let searcher = index.searcher();
        let t = Instant::now();
        cache.for_searcher(&searcher).map_err(setup)?;
        let features_build = t.elapsed();
        let weights = Weights::default();
        let mut samples = Vec::with_capacity(rounds);
        for i in 0..rounds + 1 {
            let inv = &investors[i % investors.len()];
            let req = SmesForInvestor {
                investor: &inv.profile,
                weights,
                filter: None,
                only: None,
                first: 10,
            };
            let t = Instant::now();
            let hits = rank_smes(&index, &searcher, &cache, &req, &Cancel::new()).map_err(setup)?;
            if i > 0 {
                samples.push(t.elapsed());
            }
            std::hint::black_box(hits);
        }
        let for_investor = latency(samples);
        let mut samples = Vec::with_capacity(rounds);
        for i in 0..rounds + 1 {
            let sme = &smes[i % smes.len()];
            let req = InvestorsForSme {
                sme: &sme.profile,
                digital: sme.digital.level,
                incentives: facts(&IncentiveKey::of(&sme.profile)),
                weights,
                first: 10,
            };
            let t = Instant::now();
            let hits =
                rank_investors(&index, &searcher, &cache, &req, &Cancel::new()).map_err(setup)?;
            if i > 0 {
                samples.push(t.elapsed());
            }
            std::hint::black_box(hits);
        }
        Ok(MatchFigures {
            smes: n,
            features_build,
            for_investor,
            for_sme: latency(samples),
        })
    })
    .await
    .map_err(setup)??;
    set.remove().await;
    Ok(figures)
}

pub fn print_match(figures: &[MatchFigures]) {
    println!("\n| query (top 10, exact, explained) | SMEs | p50 | p99 | runs |");
    println!("|---|---:|---:|---:|---:|");
    for f in figures {
        let l = &f.for_investor;
        println!(
            "| matchesForInvestor | {} | {} | {} | {} |",
            f.smes,
            ms(l.p50),
            ms(l.p99),
            l.runs
        );
        let l = &f.for_sme;
        println!(
            "| matchesForSme | {} | {} | {} | {} |",
            f.smes,
            ms(l.p50),
            ms(l.p99),
            l.runs
        );
    }
    println!("\n| SMEs | feature arrays built once per new segment |");
    println!("|---:|---:|");
    for f in figures {
        println!("| {} | {} |", f.smes, ms(f.features_build));
    }
}

/// `bench match --peer postgres`: loads the same generated set into our engine and into a
/// PostgreSQL scratch schema at `peer_url`, times `matchesForInvestor` and `matchesForSme` on
/// both with the same investors (SMEs) in the same order, and checks the top lists agree with
/// the TEXT weight at 0.
pub async fn match_peer_bench(
    n: usize,
    rounds: usize,
    peer_url: &str,
) -> Result<peer::PeerFigures, BenchError> {
    use crate::cancel::Cancel;
    use crate::search::features::{FeatureCache, IncentiveKey};
    use crate::search::matcher::{rank_investors, rank_smes, InvestorsForSme, SmesForInvestor};

    let db = peer::PeerDb::open(peer_url).await?;
    let result = async {
        let set = DataSet::generate(n, "peer", Some(&db)).await?;
        let peer_index = db.finish_load().await?;
        let peer_load = set.peer_load;
        let investors = set
            .store
            .published_investors(crate::store::PageRequest {
                first: 300,
                after: None,
            })
            .await
            .map_err(setup)?
            .items;
        if investors.is_empty() {
            return Err(BenchError::Setup("no investors generated".into()));
        }
        let smes = set
            .store
            .published_smes(crate::store::PageRequest {
                first: 300,
                after: None,
            })
            .await
            .map_err(setup)?
            .items;
        if smes.is_empty() {
            return Err(BenchError::Setup("no SMEs generated".into()));
        }
        let facts = crate::search::features::facts_from_rules(Arc::new(
            crate::domain::incentives::Rules::builtin().clone(),
        ));
        let index = set.opened.index.clone();
        let cache = FeatureCache::new(facts.clone());
        let searcher = index.searcher();
        cache.for_searcher(&searcher).map_err(setup)?;
        let ours_rank = |inv: &Investor, weights: Weights| -> Result<Vec<ProfileId>, BenchError> {
            let req = SmesForInvestor {
                investor: &inv.profile,
                weights,
                filter: None,
                only: None,
                first: 10,
            };
            Ok(rank_smes(&index, &searcher, &cache, &req, &Cancel::new())
                .map_err(setup)?
                .into_iter()
                .map(|h| h.id)
                .collect())
        };
        let ours_rank_investors =
            |sme: &Sme, weights: Weights| -> Result<Vec<ProfileId>, BenchError> {
                let req = InvestorsForSme {
                    sme: &sme.profile,
                    digital: sme.digital.level,
                    incentives: facts(&IncentiveKey::of(&sme.profile)),
                    weights,
                    first: 10,
                };
                Ok(
                    rank_investors(&index, &searcher, &cache, &req, &Cancel::new())
                        .map_err(setup)?
                        .into_iter()
                        .map(|h| h.id)
                        .collect(),
                )
            };
        let defaults = Weights::default();
        let mut no_text = [None; 7];
        no_text[0] = Some(0.0);
        let no_text = Weights::with_overrides(no_text).map_err(setup)?;

        let to_sme = side_by_side(
            &investors,
            rounds,
            [defaults, no_text],
            &ours_rank,
            async |inv: &Investor, w: &Weights| db.rank_smes(inv.id, w, 10).await,
        )
        .await?;
        let to_investor = side_by_side(
            &smes,
            rounds,
            [defaults, no_text],
            &ours_rank_investors,
            async |sme: &Sme, w: &Weights| db.rank_investors(sme.id, w, 10).await,
        )
        .await?;
        drop(searcher);
        set.remove().await;
        Ok(peer::PeerFigures {
            smes: n,
            peer_load,
            peer_index,
            ours: latency(to_sme.ours),
            peer: latency(to_sme.theirs),
            with_text: to_sme.with_text,
            without_text: to_sme.without_text,
            ours_sme: latency(to_investor.ours),
            peer_sme: latency(to_investor.theirs),
            sme_with_text: to_investor.with_text,
            sme_without_text: to_investor.without_text,
        })
    }
    .await;
    let dropped = db.drop_schema().await;
    let figures = result?;
    dropped?;
    Ok(figures)
}

/// One direction of the side-by-side: both engines' run times and how far they agree.
struct SideBySide {
    ours: Vec<Duration>,
    theirs: Vec<Duration>,
    with_text: peer::Agreement,
    without_text: peer::Agreement,
}

/// Ranks for the next of `queries` in turn, `rounds` timed runs after one untimed warm-up,
/// alternating engines run by run so that neither gets a warmer machine; agreement is counted
/// over each query once, with `weights[0]` (the defaults) and `weights[1]` (TEXT at 0).
async fn side_by_side<T>(
    queries: &[T],
    rounds: usize,
    weights: [Weights; 2],
    ours: impl Fn(&T, Weights) -> Result<Vec<ProfileId>, BenchError>,
    theirs: impl AsyncFn(&T, &Weights) -> Result<Vec<(ProfileId, f64)>, BenchError>,
) -> Result<SideBySide, BenchError> {
    let ids = |ranked: Vec<(ProfileId, f64)>| -> Vec<ProfileId> {
        ranked.into_iter().map(|(id, _)| id).collect()
    };
    let mut out = SideBySide {
        ours: Vec::with_capacity(rounds),
        theirs: Vec::with_capacity(rounds),
        with_text: peer::Agreement::default(),
        without_text: peer::Agreement::default(),
    };
    for i in 0..rounds + 1 {
        let q = &queries[i % queries.len()];
        let t = Instant::now();
        let a = ours(q, weights[0])?;
        let ours_t = t.elapsed();
        let t = Instant::now();
        let b = theirs(q, &weights[0]).await?;
        let theirs_t = t.elapsed();
        if i > 0 {
            out.ours.push(ours_t);
            out.theirs.push(theirs_t);
        }
        if i < queries.len() {
            out.with_text.add(&a, &ids(b));
            let a0 = ours(q, weights[1])?;
            let b0 = ids(theirs(q, &weights[1]).await?);
            out.without_text.add(&a0, &b0);
        }
    }
    Ok(out)
}

pub fn print_peer(figures: &[peer::PeerFigures]) {
    println!(
        "\n| top 10, same queries, default weights | SMEs | khkr-match p50 | p99 | PostgreSQL p50 | p99 | p50 ratio | p99 ratio | runs |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    let ratio = |a: Duration, b: Duration| b.as_secs_f64() / a.as_secs_f64().max(1e-9);
    for f in figures {
        for (label, ours, theirs) in [
            ("matchesForInvestor", &f.ours, &f.peer),
            ("matchesForSme", &f.ours_sme, &f.peer_sme),
        ] {
            println!(
                "| {label} | {} | {} | {} | {} | {} | {:.1}× | {:.1}× | {} |",
                f.smes,
                ms(ours.p50),
                ms(ours.p99),
                ms(theirs.p50),
                ms(theirs.p99),
                ratio(ours.p50, theirs.p50),
                ratio(ours.p99, theirs.p99),
                ours.runs
            );
        }
    }
    println!("\n| query | SMEs | compared | TEXT weight 0: identical top 10 | TEXT weight 0: overlap | default weights: identical | default weights: overlap |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for f in figures {
        for (label, without, with) in [
            ("matchesForInvestor", &f.without_text, &f.with_text),
            ("matchesForSme", &f.sme_without_text, &f.sme_with_text),
        ] {
            println!(
                "| {label} | {} | {} | {}/{} | {:.1}% | {}/{} | {:.1}% |",
                f.smes,
                without.queries,
                without.identical,
                without.queries,
                100.0 * without.overlap_share(),
                with.identical,
                with.queries,
                100.0 * with.overlap_share(),
            );
        }
    }
    println!("\n| SMEs | PostgreSQL load | GIN indexes, word counts, VACUUM ANALYZE |");
    println!("|---:|---:|---:|");
    for f in figures {
        println!(
            "| {} | {:.1} s | {:.1} s |",
            f.smes,
            f.peer_load.as_secs_f64(),
            f.peer_index.as_secs_f64()
        );
    }
}
