//! Exact match ranking over the whole index.
//!
//! Text relevance comes from tantivy (BM25 of the other side's words, from the posting lists of
//! those words only); every other feature comes from the per-segment arrays of
//! `search::features`, through tables of the pure feature functions of `matching::features`
//! built once per query. Every candidate document is scored, none is skipped: the top `k` is
//! exact, not a re-ranking of a truncated candidate list.

use std::collections::{BinaryHeap, HashMap, HashSet};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

use super::analyzer;
use super::collector::Rank;
use super::document::codes;
use super::features::{FeatureCache, NONE};
use super::index::{SearchError, SearchIndex};
use super::query::{filter_clauses, Filter, Kind};
use super::schema::Fields;
use crate::cancel::Cancel;
use crate::domain::digital::DigitalLevel;
use crate::domain::ids::ProfileId;
use crate::domain::investor::InvestorProfile;
use crate::domain::money::UsdRange;
use crate::domain::profile::{IncentivePreference, PartnershipType};
use crate::domain::sector::{isic, IsicCode};
use crate::domain::sme::SmeProfile;
use crate::domain::text::LocalizedText;
use crate::matching::features::{
    digital_fit, incentive_fit, incentive_in_sector, partnership_fit, partnership_mask, sector_fit,
    sector_value, ticket_fit, IncentiveFacts, OPEN_SECTOR,
};
use crate::matching::glossary::glossary;
use crate::matching::weights::{Feature, Weights};

/// At most this many distinct words of the other side's text are searched for: the rarest
/// ones, which carry the meaning; very common words add cost and little signal.
const MAX_TEXT_TERMS: usize = 24;
/// At most this many glossary concepts of the other side's text are searched for, rarest first.
const MAX_CONCEPT_TERMS: usize = 16;
/// Words found in more than this share of the documents are left out of the text query …
const MAX_TERM_SHARE: f64 = 0.05;
/// … unless they occur in at most this many documents (a small index keeps its words).
const MIN_TERM_CAP: f64 = 1_000.0;

/// Documents scored between two looks at the cancellation flag: some tens of microseconds of
/// work in a release build, so a cancelled ranking stops almost at once and the check costs
/// nothing measurable.
const CANCEL_CHECK_EVERY: usize = 1_024;

/// A ranked candidate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatchHit {
    pub id: ProfileId,
    pub score: f64,
    /// Normalised text relevance, the value of the TEXT feature.
    pub text: f64,
}

/// Entry of the top-k heap; the greatest is the one to evict.
#[derive(Debug, Clone, Copy)]
struct Scored {
    rank: Rank,
    score: f64,
    text: f64,
}

impl PartialEq for Scored {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}
impl Eq for Scored {}
impl PartialOrd for Scored {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scored {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other
            .score
            .total_cmp(&self.score)
            .then(self.rank.key.cmp(&other.rank.key))
    }
}

struct TopK {
    k: usize,
    heap: BinaryHeap<Scored>,
    /// The worst score kept once the heap is full: anything lower is turned away at once.
    floor: f64,
}

impl TopK {
    fn new(k: usize) -> Self {
        TopK {
            k,
            heap: BinaryHeap::with_capacity(k + 1),
            floor: f64::NEG_INFINITY,
        }
    }

    /// Whether a document with this score could enter the top k.
    #[inline]
    fn admits(&self, score: f64) -> bool {
        self.k > 0 && score >= self.floor
    }

    #[inline]
    fn push(&mut self, score: f64, key: u128, text: f64) {
        if self.k == 0 || score < self.floor {
            return;
        }
        let s = Scored {
            rank: Rank {
                part_of_word: false,
                score: score as f32,
                key,
            },
            score,
            text,
        };
        if self.heap.len() == self.k {
            match self.heap.peek() {
                Some(worst) if s.cmp(worst) == std::cmp::Ordering::Less => {
                    self.heap.pop();
                }
                _ => return,
            }
        }
        self.heap.push(s);
        if self.heap.len() == self.k {
            self.floor = self.heap.peek().map_or(f64::NEG_INFINITY, |w| w.score);
        }
    }

    fn into_hits(self) -> Vec<MatchHit> {
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|s| MatchHit {
                id: ProfileId::from_u128(s.rank.key),
                score: s.score,
                text: s.text,
            })
            .collect()
    }
}

/// Collects (doc, score) per segment, and the best score.
struct ScoreMap;

struct SegmentScores {
    ord: SegmentOrdinal,
    scores: Vec<(DocId, Score)>,
}

impl Collector for ScoreMap {
    type Fruit = TextScores;
    type Child = SegmentScores;

    fn for_segment(
        &self,
        ord: SegmentOrdinal,
        _: &SegmentReader,
    ) -> tantivy::Result<SegmentScores> {
        Ok(SegmentScores {
            ord,
            scores: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(
        &self,
        fruits: Vec<(SegmentOrdinal, Vec<(DocId, Score)>)>,
    ) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.into_iter().collect())
    }
}

impl SegmentCollector for SegmentScores {
    type Fruit = (SegmentOrdinal, Vec<(DocId, Score)>);

    fn collect(&mut self, doc: DocId, score: Score) {
        self.scores.push((doc, score));
    }

    fn harvest(mut self) -> Self::Fruit {
        self.scores.sort_unstable_by_key(|(d, _)| *d);
        (self.ord, self.scores)
    }
}

/// Collects the documents matching a query, per segment.
struct DocSets;

impl Collector for DocSets {
    type Fruit = HashMap<SegmentOrdinal, Vec<DocId>>;
    type Child = SegmentDocs;

    fn for_segment(&self, ord: SegmentOrdinal, _: &SegmentReader) -> tantivy::Result<SegmentDocs> {
        Ok(SegmentDocs {
            ord,
            docs: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<(SegmentOrdinal, Vec<DocId>)>,
    ) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.into_iter().collect())
    }
}

struct SegmentDocs {
    ord: SegmentOrdinal,
    docs: Vec<DocId>,
}

impl SegmentCollector for SegmentDocs {
    type Fruit = (SegmentOrdinal, Vec<DocId>);

    fn collect(&mut self, doc: DocId, _: Score) {
        self.docs.push(doc);
    }

    fn harvest(mut self) -> Self::Fruit {
        self.docs.sort_unstable();
        (self.ord, self.docs)
    }
}

/// The text of a profile as one bag of words for the other side's index.
fn text_query(
    index: &SearchIndex,
    searcher: &Searcher,
    kind: Kind,
    texts: &[&LocalizedText],
) -> Result<Option<Box<dyn Query>>, SearchError> {
    let f = &index.fields;
    let mut analyzer = index
        .index
        .tokenizers()
        .get(analyzer::MULTI)
        .ok_or_else(|| tantivy::TantivyError::InternalError("analyzer not registered".into()))?;
    let mut tokens: HashSet<String> = HashSet::new();
    for text in texts {
        for t in text.texts() {
            let mut stream = analyzer.token_stream(t);
            while let Some(tok) = stream.next() {
                tokens.insert(tok.text.clone());
            }
        }
    }
    let total = searcher.num_docs().max(1) as f64;
    let fields = f.text_fields(kind);
    let mut weighted: Vec<(u64, String)> = Vec::new();
    for tok in tokens {
        let mut df = 0;
        for (field, _) in &fields {
            df += searcher.doc_freq(&Term::from_field_text(*field, &tok))?;
        }
        if df > 0 && (df as f64) <= (MAX_TERM_SHARE * total).max(MIN_TERM_CAP) {
            weighted.push((df, tok));
        }
    }
    // Rarest first; ties by the word, so the query is the same on every run.
    weighted.sort();
    weighted.truncate(MAX_TEXT_TERMS);
    // Glossary concepts of the texts, against the other side's concept tokens: the ground a
    // Khmer-only and a Korean-only profile share. Chosen by their own budget, so that the many
    // rare n-grams of a long text cannot crowd them out.
    let g = glossary();
    let concept_field = f.concepts(kind);
    let mut concepts: Vec<(u64, String)> = Vec::new();
    let all_texts = texts.iter().flat_map(|t| t.texts());
    for c in g.concepts_in(all_texts) {
        // A place is LOCATION's to score, not TEXT's (QA: 프놈펜 in a mandate earned every
        // Phnom Penh SME text points on top of its location's; measured with
        // `tests/matching_eval.rs`: held-out NDCG@5 0.918 → 0.919, text alone 0.820 → 0.833).
        let Some(concept) = g.concept(c).filter(|k| !k.is_place()) else {
            continue;
        };
        let df = searcher.doc_freq(&Term::from_field_text(concept_field, &concept.id))?;
        if df > 0 && (df as f64) <= (MAX_TERM_SHARE * total).max(MIN_TERM_CAP) {
            concepts.push((df, concept.id.clone()));
        }
    }
    concepts.sort();
    concepts.truncate(MAX_CONCEPT_TERMS);
    if weighted.is_empty() && concepts.is_empty() {
        return Ok(None);
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (_, id) in &concepts {
        clauses.push((
            Occur::Should,
            Box::new(TermQuery::new(
                Term::from_field_text(concept_field, id),
                IndexRecordOption::WithFreqs,
            )),
        ));
    }
    for (_, tok) in &weighted {
        for (field, _) in &fields {
            clauses.push((
                Occur::Should,
                Box::new(TermQuery::new(
                    Term::from_field_text(*field, tok),
                    IndexRecordOption::WithFreqs,
                )),
            ));
        }
    }
    // The fields belong to one kind, so the query cannot match the other.
    Ok(Some(Box::new(BooleanQuery::new(clauses))))
}

/// BM25 scores of the matching documents, by segment in doc order.
type TextScores = HashMap<SegmentOrdinal, Vec<(DocId, Score)>>;

/// BM25 scores of one text query, normalised by the best in the result set.
struct TextRelevance {
    scores: TextScores,
    /// 1 / the best score (0 when nothing matched).
    inv_max: f64,
}

impl TextRelevance {
    fn of(searcher: &Searcher, query: Option<Box<dyn Query>>) -> Result<Self, SearchError> {
        let scores = match query {
            Some(q) => searcher.search(q.as_ref(), &ScoreMap)?,
            None => HashMap::new(),
        };
        let max = scores
            .values()
            .flat_map(|v| v.iter().map(|(_, s)| *s))
            .fold(0.0f32, f32::max);
        let inv_max = if max > 0.0 { 1.0 / f64::from(max) } else { 0.0 };
        Ok(TextRelevance { scores, inv_max })
    }

    /// A cursor over one segment's scores.
    fn cursor(&self, ord: SegmentOrdinal) -> TextCursor<'_> {
        TextCursor {
            scores: self.scores.get(&ord).map_or(&[][..], |v| v.as_slice()),
            pos: 0,
            inv_max: self.inv_max,
        }
    }
}

/// Walks a segment's sorted (doc, score) list alongside an increasing doc counter.
struct TextCursor<'a> {
    scores: &'a [(DocId, Score)],
    pos: usize,
    inv_max: f64,
}

impl TextCursor<'_> {
    #[inline]
    fn value(&mut self, doc: DocId) -> f64 {
        while self.pos < self.scores.len() && self.scores[self.pos].0 < doc {
            self.pos += 1;
        }
        match self.scores.get(self.pos) {
            Some((d, s)) if *d == doc => f64::from(*s) * self.inv_max,
            _ => 0.0,
        }
    }
}

fn range(min: i64, max: i64) -> UsdRange {
    UsdRange {
        min: (min >= 0).then_some(min),
        max: (max >= 0).then_some(max),
    }
}

fn weights_array(w: &Weights) -> [f64; 7] {
    Feature::ALL.map(|f| w.get(f))
}

/// Sums the features exactly as `matching::explain::score` does (same order, same operations),
/// so the ranking and the explanation agree to the last bit.
#[inline]
fn weighted(w: &[f64; 7], v: [f64; 7]) -> f64 {
    let mut s = -0.0;
    for i in 0..7 {
        s += w[i] * v[i];
    }
    s
}

/// What the per-document loop of `rank_smes` reads, as plain slices: keeping them out of a
/// closure's captures lets the compiler hold them in registers (measured: the closure version
/// spent a fifth of its time in call overhead and pointer chasing).
struct SmeScan<'a> {
    w: [f64; 7],
    class: &'a [u16],
    digital: &'a [u8],
    incentive_bits: &'a [u16],
    range: &'a [u32],
    partnership: &'a [u16],
    province: &'a [u8],
    key: &'a [u128],
    sector: &'a [f64],
    excluded: &'a [bool],
    digital_tab: &'a [f64],
    tickets: &'a [f64],
    partner: &'a [f64],
    location: &'a [f64],
    /// Incentive value by packed facts, filled on first use (NaN until then).
    incentive: &'a mut [f64],
    prefs: &'a [IncentivePreference],
}

impl SmeScan<'_> {
    #[inline(always)]
    fn run(
        &mut self,
        docs: impl Iterator<Item = DocId>,
        alive: Option<&tantivy::fastfield::AliveBitSet>,
        text: &mut TextCursor<'_>,
        top: &mut TopK,
    ) {
        for doc in docs {
            let d = doc as usize;
            let class = self.class[d];
            if class == NONE || self.excluded[class as usize] {
                continue;
            }
            if alive.is_some_and(|a| !a.is_alive(doc)) {
                continue;
            }
            let bits = self.incentive_bits[d] as usize & ((1 << 13) - 1);
            let mut inc = self.incentive[bits];
            if inc.is_nan() {
                inc = incentive_fit(&IncentiveFacts::unpack(bits as u16), self.prefs);
                self.incentive[bits] = inc;
            }
            let sector_v = self.sector[class as usize];
            let v = [
                text.value(doc),
                sector_v,
                self.digital_tab[self.digital[d] as usize],
                incentive_in_sector(inc, sector_v),
                self.tickets[self.range[d] as usize],
                self.partner[self.partnership[d] as usize],
                self.location[self.province[d] as usize],
            ];
            let score = weighted(&self.w, v);
            // Most documents fall below the k-th best: skip them before touching their ids.
            if top.admits(score) {
                top.push(score, self.key[d], v[0]);
            }
        }
    }
}

/// Ranks published SMEs for an investor.
pub struct SmesForInvestor<'a> {
    pub investor: &'a InvestorProfile,
    pub weights: Weights,
    pub filter: Option<&'a Filter>,
    /// Score this SME only (text still normalised over every SME): a pair's exact score.
    pub only: Option<ProfileId>,
    pub first: usize,
}

/// `cancel` is looked at between the steps, between segments and every
/// [`CANCEL_CHECK_EVERY`] documents: once raised, the ranking stops with
/// [`SearchError::Cancelled`].
pub fn rank_smes(
    index: &SearchIndex,
    searcher: &Searcher,
    cache: &FeatureCache,
    req: &SmesForInvestor<'_>,
    cancel: &Cancel,
) -> Result<Vec<MatchHit>, SearchError> {
    let inv = req.investor;
    let w = weights_array(&req.weights);
    cancel.check()?;
    let segments = cache.for_searcher(searcher)?;
    cancel.check()?;
    let texts = TextRelevance::of(
        searcher,
        text_query(index, searcher, Kind::Sme, &[&inv.name, &inv.description])?,
    )?;
    cancel.check()?;
    let allowed = match (req.only, req.filter) {
        (Some(id), _) => {
            let term = super::indexer::id_term(&index.fields, id);
            let q = TermQuery::new(term, IndexRecordOption::Basic);
            Some(searcher.search(&q, &DocSets)?)
        }
        (None, Some(filter)) => Some(filtered_docs(&index.fields, searcher, Kind::Sme, filter)?),
        (None, None) => None,
    };

    // Tables of the pure feature functions, one entry per possible stored value.
    let nodes = isic().all();
    let mut sector = vec![0.0; nodes.len()];
    let mut excluded = vec![false; nodes.len()];
    for (i, n) in nodes.iter().enumerate() {
        if n.level == crate::domain::sector::IsicLevel::Class {
            sector[i] = sector_fit(&n.code, &inv.sector_interests).0;
            excluded[i] = crate::matching::features::excluded(&n.code, &inv.excluded_sectors);
        }
    }
    let digital: Vec<f64> = codes::DIGITAL_LEVELS
        .iter()
        .map(|l| digital_fit(*l, &inv.preferred_digital_levels))
        .collect();
    let offered = partnership_mask(&inv.partnership_types);
    let partner: Vec<f64> = (0..1u32 << PartnershipType::ALL.len())
        .map(|m| partnership_fit(m as u16, offered))
        .collect();
    let province_mask = codes::provinces_mask(&inv.preferred_provinces);
    let location: Vec<f64> = (0..64u64)
        .map(|p| {
            if province_mask == 0 || province_mask & (1 << p) != 0 {
                1.0
            } else {
                0.0
            }
        })
        .collect();
    // Indexed by the packed facts (13 bits); NaN until first needed.
    let mut incentive: Vec<f64> = vec![f64::NAN; 1 << 13];

    let mut top = TopK::new(req.first);
    for (ord, seg) in segments.iter().enumerate() {
        let reader = searcher.segment_reader(ord as SegmentOrdinal);
        let alive = reader.alive_bitset();
        let s = &seg.smes;
        let tickets: Vec<f64> = s
            .ranges
            .iter()
            .map(|(lo, hi)| ticket_fit(&range(*lo, *hi), &inv.ticket))
            .collect();
        let mut text = texts.cursor(ord as SegmentOrdinal);
        let mut scan = SmeScan {
            w,
            class: &s.class,
            digital: &s.digital,
            incentive_bits: &s.incentive,
            range: &s.range,
            partnership: &s.partnership,
            province: &s.province,
            key: &s.key,
            sector: &sector,
            excluded: &excluded,
            digital_tab: &digital,
            tickets: &tickets,
            partner: &partner,
            location: &location,
            incentive: &mut incentive,
            prefs: &inv.incentive_preferences,
        };
        // In chunks, so the inner loop stays free of the flag and the flag is still seen often.
        match &allowed {
            Some(sets) => {
                let docs = sets
                    .get(&(ord as SegmentOrdinal))
                    .map_or(&[][..], |v| v.as_slice());
                for chunk in docs.chunks(CANCEL_CHECK_EVERY) {
                    cancel.check()?;
                    scan.run(chunk.iter().copied(), alive, &mut text, &mut top);
                }
            }
            None => {
                let n = s.class.len() as DocId;
                let mut start: DocId = 0;
                while start < n {
                    cancel.check()?;
                    let end = start.saturating_add(CANCEL_CHECK_EVERY as DocId).min(n);
                    scan.run(start..end, alive, &mut text, &mut top);
                    start = end;
                }
            }
        }
    }
    Ok(top.into_hits())
}

fn filtered_docs(
    f: &Fields,
    searcher: &Searcher,
    kind: Kind,
    filter: &Filter,
) -> Result<HashMap<SegmentOrdinal, Vec<DocId>>, SearchError> {
    let clauses = filter_clauses(f, kind, filter)
        .into_iter()
        .map(|q| (Occur::Must, q))
        .collect();
    Ok(searcher.search(&BooleanQuery::new(clauses), &DocSets)?)
}

/// Ranks published investors for an SME.
pub struct InvestorsForSme<'a> {
    pub sme: &'a SmeProfile,
    pub digital: DigitalLevel,
    pub incentives: IncentiveFacts,
    pub weights: Weights,
    pub first: usize,
}

/// `cancel` as for [`rank_smes`].
pub fn rank_investors(
    index: &SearchIndex,
    searcher: &Searcher,
    cache: &FeatureCache,
    req: &InvestorsForSme<'_>,
    cancel: &Cancel,
) -> Result<Vec<MatchHit>, SearchError> {
    let sme = req.sme;
    let w = weights_array(&req.weights);
    cancel.check()?;
    let segments = cache.for_searcher(searcher)?;
    cancel.check()?;
    // Never the name of an ANONYMOUS SME: ranking investors' texts against it would tell
    // whoever writes a guess into their own profile whether the hidden name contains it.
    let texts: Vec<&LocalizedText> = match super::document::sme_texts(sme) {
        (Some(name), description) => vec![name, description],
        (None, description) => vec![description],
    };
    let texts = TextRelevance::of(
        searcher,
        text_query(index, searcher, Kind::Investor, &texts)?,
    )?;
    cancel.check()?;
    let class = sme.sector.as_str();
    let lineage: Vec<u16> = isic()
        .lineage(class)
        .iter()
        .map(|n| codes::node(&n.code) as u16)
        .collect();
    let nodes = isic().all();
    // The SME's sector value against each possible interest.
    let per_interest: Vec<f64> = nodes
        .iter()
        .map(|n| IsicCode::parse(&n.code).map_or(0.0, |c| sector_value(class, &c).0))
        .collect();
    let digital: Vec<f64> = (0..8u8)
        .map(|m| {
            let wanted: Vec<DigitalLevel> = codes::DIGITAL_LEVELS
                .iter()
                .enumerate()
                .filter(|(i, _)| m & (1 << i) != 0)
                .map(|(_, l)| *l)
                .collect();
            digital_fit(req.digital, &wanted)
        })
        .collect();
    let incentive: Vec<f64> = (0..1u32 << IncentivePreference::ALL.len())
        .map(|m| {
            let prefs: Vec<IncentivePreference> = IncentivePreference::ALL
                .iter()
                .enumerate()
                .filter(|(i, _)| m & (1 << i) != 0)
                .map(|(_, p)| *p)
                .collect();
            incentive_fit(&req.incentives, &prefs)
        })
        .collect();
    let sought = partnership_mask(&sme.partnership_types);
    let province_bit = 1u64 << codes::province(&sme.province);

    let mut top = TopK::new(req.first);
    for (ord, seg) in segments.iter().enumerate() {
        let reader = searcher.segment_reader(ord as SegmentOrdinal);
        let alive = reader.alive_bitset();
        let inv = &seg.investors;
        let mut text = texts.cursor(ord as SegmentOrdinal);
        cancel.check()?;
        for (i, &doc) in inv.docs.iter().enumerate() {
            if i % CANCEL_CHECK_EVERY == CANCEL_CHECK_EVERY - 1 {
                cancel.check()?;
            }
            if alive.is_some_and(|a| !a.is_alive(doc)) {
                continue;
            }
            if inv.excluded[i].iter().any(|e| lineage.contains(e)) {
                continue;
            }
            let sector = if inv.interests[i].is_empty() {
                OPEN_SECTOR
            } else {
                inv.interests[i]
                    .iter()
                    .map(|n| per_interest.get(*n as usize).copied().unwrap_or(0.0))
                    .fold(0.0, f64::max)
            };
            let pm = inv.province_mask[i];
            let v = [
                text.value(doc),
                sector,
                digital[inv.digital_mask[i] as usize & 7],
                incentive_in_sector(incentive[inv.incentive_mask[i] as usize & 31], sector),
                ticket_fit(
                    &sme.capital_sought,
                    &range(inv.range_min[i], inv.range_max[i]),
                ),
                partnership_fit(sought, inv.partnership[i]),
                if pm == 0 || pm & province_bit != 0 {
                    1.0
                } else {
                    0.0
                },
            ];
            top.push(weighted(&w, v), inv.key[i], v[0]);
        }
    }
    Ok(top.into_hits())
}

/// Keeps the features of every segment of `searcher` built, e.g. right after a reload.
pub fn warm(cache: &FeatureCache, searcher: &Searcher) -> Result<(), SearchError> {
    cache.for_searcher(searcher)?;
    Ok(())
}
