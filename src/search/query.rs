//! Turning a search request (free text, filters, page) into a tantivy query, and running it.
//!
//! User text is never parsed as query syntax: it is split on white space into words, each word
//! is analysed exactly as documents were, and a word matches a field when its tokens appear
//! there in order (one term, or a phrase of Khmer/Korean n-grams). Every word must match some
//! name or description field; filters restrict without changing scores.

use std::ops::Bound;

use tantivy::collector::{Count, FacetCollector, FacetCounts};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, Occur, PhraseQuery,
    Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, TantivyDocument, Term};

use super::analyzer;
use super::collector::{KeysetTop, Page, Rank};
use super::document::concept_token;
use super::index::{SearchError, SearchIndex};
use super::korean;
use super::schema::{Fields, ANY, KIND_INVESTOR, KIND_SME};
use crate::domain::digital::DigitalLevel;
use crate::domain::ids::ProfileId;
use crate::domain::money::UsdRange;
use crate::domain::profile::{LanguageCode, PartnershipType};
use crate::domain::province::ProvinceCode;
use crate::domain::sector::{isic, IsicCode};
use crate::domain::text::Lang;
use crate::matching::glossary::{glossary, Mention};

/// Longest query text accepted, in characters: a search box, not a document.
pub const MAX_QUERY_CHARS: usize = 500;
/// Words of a search (after separators are read as spaces): each is searched in every text
/// field, with its stems and concepts, so the cost grows with their number (QA, an attacker:
/// 20 aliased searches of 150 short Korean words took two seconds of CPU and passed the cost
/// bound). Nobody searches with a paragraph.
pub const MAX_QUERY_WORDS: usize = 32;
/// The refusal of a search of more than [`MAX_QUERY_WORDS`] words (the pages know it by this).
pub const TOO_MANY_WORDS: &str = "too many words: a search takes at most 32";
/// Weight of a whole-word hit against the n-gram phrase that found the word.
const WHOLE_WORD_BOOST: f32 = 3.0;
/// How much naming a concept the query word names counts ([`concept_score`]), and naming it in
/// the business's name on top of that.
const CONCEPT_BOOST: f32 = 3.0;
const NAME_CONCEPT_BOOST: f32 = 3.0;
/// Characters of context in a highlight snippet.
const SNIPPET_CHARS: usize = 160;

/// English words too common to require (kept when a query has nothing else).
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with",
];

/// Khmer and Korean words that say nothing of a business, left out of a search as English
/// ones are (`STOP_WORDS`: QA's កាហ្វេ ឬ តែ "coffee or tea" found 3 profiles, "coffee or tea"
/// 72), and out of its words when it is answered by some of them (`spaced_words`): an unspaced
/// Khmer phrase cut into its dictionary words holds និង "and" or សម្រាប់ "for", which most
/// profiles have.
const FUNCTION_WORDS: &[&str] = &[
    "និង",
    "នៅ",
    "ក្នុង",
    "របស់",
    "ជា",
    "មាន",
    "ដែល",
    "ពី",
    "សម្រាប់",
    // Its other common spelling (QA: សំរាប់ នាំចេញ found 194 where សម្រាប់ នាំចេញ found 294).
    "សំរាប់",
    "ទៅ",
    "យើង",
    "ខ្ញុំ",
    "គឺ",
    "ឬ",
    "នូវ",
    "ដល់",
    "ដើម្បី",
    "លើ",
    "ទាំង",
    "នេះ",
    "នោះ",
    "ការ",
    "및",
    "등",
    "또는",
    "그리고",
    "위한",
    "위해",
    "대한",
    "관련",
    "통한",
];

/// Words for "a company" in a directory where every profile is one, and Korean verbs that say
/// only that it does something: left out as function words are (QA: 화장품 found 197 profiles, 화장품 회사 109, and 캐슈넛 가공 업체 only the 22
/// whose name ends in "Co., Ltd."). Compared in lower case, a Korean word by its stem.
const COMPANY_WORDS: &[&str] = &[
    "company",
    "companies",
    "firm",
    "firms",
    "business",
    "businesses",
    "enterprise",
    "enterprises",
    "회사",
    "업체",
    "기업",
    "ក្រុមហ៊ុន",
    "សហគ្រាស",
    "អាជីវកម្ម",
    // Korean verbs that say only that a business does something, as a Korean analyst writes
    // them; 만들다 and 팔다 say what it does, and are read as 제조 and 판매 (`plain_word`).
    "하는",
    "합니다",
    "있는",
    "운영하는",
    "전문",
    // "A place", "possible", "that works": 결제 가능한 가게, 전자결제 되는 상점, 커피를 볶는 곳
    // (QA: each was required as a word, and 가능 found only the two Korean texts that said
    // 결제가 가능합니다). 가능 by its stem (가능한, 가능합니다).
    "곳",
    "가능",
    "되는",
    "됩니다",
    "되고",
    "돼요",
    // "Has brought in", "takes": 전자결제 도입한 소매점, KHQR 받는 소매점 (QA: each was
    // required as a word, and the search fell to "some words": a fish farm that brought in
    // new equipment 7th). 도입 by its stem (도입한, 도입했습니다).
    "도입",
    "받는",
    "받습니다",
    "받고",
    "받아요",
];

/// Korean verbs said in everyday words whose stems are irregular (만들다, 팔다) or not nouns
/// (볶다), read as the noun of the trade that texts use: what a search for them means (QA:
/// 화장품을 만드는 회사 found shops first, 8 of its top 10, when 만드는 was left out, while
/// 화장품을 생산하는 업체 found makers only; 커피를 볶는 곳 was offered "볶은" for a verb
/// rightly typed). The noun also finds texts in Khmer and English through its concept.
const PLAIN_VERBS: &[(&str, &str)] = &[
    ("만드는", "제조"),
    ("만든", "제조"),
    ("만듭니다", "제조"),
    ("만들어", "제조"),
    ("만들고", "제조"),
    ("만들다", "제조"),
    ("파는", "판매"),
    ("팝니다", "판매"),
    ("팔고", "판매"),
    ("팔다", "판매"),
    ("볶는", "로스팅"),
    ("볶습니다", "로스팅"),
    ("볶아", "로스팅"),
    ("볶고", "로스팅"),
    ("볶다", "로스팅"),
];

/// The noun a query word is read as, when it is one of [`PLAIN_VERBS`].
pub fn plain_word(word: &str) -> Option<&'static str> {
    PLAIN_VERBS
        .iter()
        .find(|(verb, _)| *verb == word)
        .map(|(_, noun)| *noun)
}

/// The words of asking, as people type a search as a sentence: "looking for …", "…을 찾습니다",
/// "ខ្ញុំចង់រក …". They say what the searcher does, not what a profile holds, so a search that
/// requires them finds nothing with all its words (QA: 캐슈넛을 가공하는 공장을 찾습니다 was
/// answered "no result has all these words: 찾습니다", with 니다 lit in every snippet).
const ASKING_WORDS: &[&str] = &[
    "looking",
    "seeking",
    "search",
    "searching",
    "find",
    "finding",
    "want",
    "wants",
    "need",
    "needs",
    "we",
    "i",
    "our",
    "my",
    "is",
    "are",
    "who",
    "that",
    "which",
    "찾습니다",
    "찾고",
    "찾는",
    "찾는다",
    "찾아요",
    "찾다",
    "찾고있습니다",
    "찾고자",
    "있습니다",
    "원합니다",
    "원하는",
    "원해요",
    "구합니다",
    "구하는",
    "구해요",
    "희망합니다",
    "희망하는",
    "싶습니다",
    "싶은",
    "싶어요",
    "입니다",
    "ស្វែងរក",
    "រក",
    "ចង់",
    "ត្រូវការ",
];

/// The country every profile is in, or works with: in a search that has other words it asks
/// for nothing (QA: 캄보디아에서 캐슈넛을 가공하는 회사 found nothing with all its words, since
/// few texts say 캄보디아, and its "some words" list put a fish-sauce maker 2nd for saying
/// 캄보디아 and 가공). "Khmer" stays a word: the language is a real difference (a Khmer POS
/// app). Compared in lower case, a Korean word by its stem (캄보디아에서, 캄보디아의).
const EVERYONES_WORDS: &[&str] = &["cambodia", "cambodian", "캄보디아", "កម្ពុជា"];

/// Whether a query word is left out of a search that has other words: an English stop word,
/// a Khmer or Korean function word, a word of asking, a word for "a company", or Cambodia.
fn says_nothing(word: &str) -> bool {
    let lower = word.to_lowercase();
    STOP_WORDS.contains(&lower.as_str())
        || FUNCTION_WORDS.contains(&word)
        || ASKING_WORDS.contains(&lower.as_str())
        || COMPANY_WORDS.contains(&lower.as_str())
        || EVERYONES_WORDS.contains(&lower.as_str())
        || korean::stems(word).first().is_some_and(|stem| {
            COMPANY_WORDS.contains(&stem.trim_end_matches('들'))
                || EVERYONES_WORDS.contains(&stem.as_str())
        })
}

pub use super::schema::Kind;

/// Structured restrictions; an empty list means "no restriction".
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// SMEs: the sector lies under this code. Investors: an interest lies under it, or covers it.
    pub sector: Option<IsicCode>,
    pub provinces: Vec<ProvinceCode>,
    pub digital_levels: Vec<DigitalLevel>,
    /// Capital sought (SMEs) or ticket (investors) overlaps this range.
    pub usd: Option<UsdRange>,
    pub partnership_types: Vec<PartnershipType>,
    pub languages: Vec<LanguageCode>,
}

/// An opaque position in one search's results: a page starts after it or ends before it.
/// It carries its search's [`SearchRequest::tag`], so a cursor of another search (other words,
/// filters or kind) is refused rather than read as a position in this one's order (QA).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cursor {
    rank: Rank,
    tag: u32,
    /// The result's place in the whole list (1 for the first), so that the next page knows
    /// where it starts (QA: a page's range came from an editable `from=` in its link).
    pos: u64,
}

impl Cursor {
    pub fn encode(&self) -> String {
        format!(
            "{}-{:08x}-{:032x}-{:08x}-{:x}",
            if self.rank.part_of_word { 'p' } else { 'w' },
            self.rank.score.to_bits(),
            self.rank.key,
            self.tag,
            self.pos
        )
    }

    /// A cursor as [`Self::encode`] writes it: `w` or `p`, then hexadecimal digits only, and a
    /// score that search can give (finite, not negative).
    pub fn parse(s: &str) -> Result<Self, String> {
        let bad = || format!("{s:?} is not a cursor of this search");
        let parts: Vec<&str> = s.split('-').collect();
        let [tier, score, key, tag, pos] = parts[..] else {
            return Err(bad());
        };
        let pos = (1..=16).contains(&pos.len()) && pos.bytes().all(|b| b.is_ascii_hexdigit());
        let pos = pos
            .then(|| u64::from_str_radix(parts[4], 16).ok())
            .flatten()
            .ok_or_else(bad)?;
        let part_of_word = match tier {
            "w" => false,
            "p" => true,
            _ => return Err(bad()),
        };
        let hex = |p: &str, len: usize| p.len() == len && p.bytes().all(|b| b.is_ascii_hexdigit());
        if !(hex(score, 8) && hex(key, 32) && hex(tag, 8)) {
            return Err(bad());
        }
        let score = f32::from_bits(u32::from_str_radix(score, 16).map_err(|_| bad())?);
        if !score.is_finite() || score.is_sign_negative() {
            return Err(bad());
        }
        Ok(Cursor {
            rank: Rank {
                part_of_word,
                score,
                key: u128::from_str_radix(key, 16).map_err(|_| bad())?,
            },
            tag: u32::from_str_radix(tag, 16).map_err(|_| bad())?,
            pos,
        })
    }

    /// Whether this cursor was given by `req`'s search (by every word or by some).
    pub fn belongs_to(&self, req: &SearchRequest) -> bool {
        self.tag == req.tag() || self.tag == req.tag() ^ SOME_WORDS_TAG
    }
}

/// What a cursor's tag is told apart by when its search was answered by some words
/// (`Need::Some`): the two lists' scores are not of one order (QA: a cursor of one, read after
/// profiles changed and the search answered the other way, gave a page of the other).
const SOME_WORDS_TAG: u32 = 0x5a5a_5a5a;

/// Where a page lies in the result order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Paging {
    /// The first results strictly after the cursor (`None`: the first page).
    After(Option<Cursor>),
    /// The last results strictly before the cursor (`None`: the last page).
    Before(Option<Cursor>),
}

#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub kind: Kind,
    pub text: String,
    pub filter: Filter,
    /// The page size.
    pub first: usize,
    pub page: Paging,
    /// Highlights in this language come first.
    pub lang: Lang,
}

impl SearchRequest {
    /// What decides a search's results and their order, hashed: its kind, its words and its
    /// filters (not the page, nor the language of the highlights), written as the search reads
    /// them: case aside (RICE is rice), a list filter as a set (two provinces in either order)
    /// (QA). [`fnv1a`](super::schema::fnv1a), so it is the same in every process and after a
    /// restart.
    pub fn tag(&self) -> u32 {
        let words: Vec<String> = self
            .text
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        fn set<T: std::fmt::Debug>(items: &[T]) -> String {
            let mut items: Vec<String> = items.iter().map(|i| format!("{i:?}")).collect();
            items.sort();
            items.dedup();
            items.join(",")
        }
        let f = &self.filter;
        let what = format!(
            "{:?}|{}|{:?}|{:?}|{}|{}|{}|{}",
            self.kind,
            words.join(" "),
            f.sector,
            f.usd,
            set(&f.provinces),
            set(&f.digital_levels),
            set(&f.partnership_types),
            set(&f.languages),
        );
        // Its low 32 bits: a cursor carries eight hex digits of it.
        super::schema::fnv1a(what.as_bytes()) as u32
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Highlight {
    /// `name.km`, `description.en`, …
    pub field: String,
    /// HTML: the text escaped, matches in `<b>`.
    pub snippet: String,
}

#[derive(Debug, Clone)]
pub struct SearchHit {
    pub id: ProfileId,
    pub score: f32,
    /// Some query word was found only inside a longer word (see [`whole_words_query`]); such
    /// hits follow every other.
    pub part_of_word: bool,
    /// The indexed copy holds the profile's name: found while it was PUBLIC. Between a change to
    /// ANONYMOUS in the database and the index applying it, a search may find the profile by
    /// the name it now hides (QA: 25–65 ms per change); the reader drops such a hit
    /// (`service::search`).
    pub name_indexed: bool,
    pub cursor: String,
    pub highlights: Vec<Highlight>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

/// Counts over every match (not just the page), by dimension.
#[derive(Debug, Clone, Default)]
pub struct Facets {
    pub sections: Vec<FacetCount>,
    pub provinces: Vec<FacetCount>,
    pub digital_levels: Vec<FacetCount>,
    pub partnership_types: Vec<FacetCount>,
}

#[derive(Debug, Clone)]
pub struct SearchResults {
    pub total_count: u64,
    pub hits: Vec<SearchHit>,
    /// The first hit's place in the whole list (1 for the first), as the page's cursor said
    /// it, kept within the list.
    pub start: u64,
    /// More results lie beyond the page, on the side it was read towards: after it for
    /// `Paging::After`, before it for `Paging::Before`.
    pub more: bool,
    /// No profile has every word of the query (under its filters): the hits are those with
    /// some of them, those with more first as their scores add up.
    pub some_words: bool,
    /// With `some_words`, the words searched for, as read (an unspaced Khmer phrase cut into
    /// its words, function words left out): what the page names.
    pub searched_words: Vec<String>,
    /// For a search that finds nothing: the same search with misspelt words spelt as the
    /// glossary spells them, when that finds something (cashw → cashew).
    pub did_you_mean: Option<String>,
    pub facets: Facets,
}

/// One query word as the ordered tokens it analyses to.
pub(crate) fn analyse_piece(analyzer: &mut TextAnalyzer, word: &str) -> Vec<(usize, String)> {
    // Khmer and Hangul give a unigram and a bigram at each position; the bigram says more
    // (and the unigram is implied by its neighbour's bigram), so keep the longest per
    // position. A one-syllable word keeps its unigram.
    let mut all: Vec<(usize, String)> = Vec::new();
    let mut stream = analyzer.token_stream(word);
    while let Some(tok) = stream.next() {
        all.push((tok.position, tok.text.clone()));
    }
    all.sort_by_key(|(pos, _)| *pos);
    let base = all.first().map(|(pos, _)| *pos).unwrap_or(0);
    let mut tokens: Vec<(usize, String)> = Vec::new();
    for (pos, text) in all {
        let pos = pos - base;
        match tokens.last_mut() {
            Some(last) if last.0 == pos => {
                if text.chars().count() > last.1.chars().count() {
                    last.1 = text;
                }
            }
            _ => tokens.push((pos, text)),
        }
    }
    // The last syllable's unigram says nothing its neighbour's bigram does not, and a
    // highlighter marks every occurrence of every term: 품 of 화장품 lit up inside 정품 and 제품.
    // (Khmer keeps it here, where it is part of the ranking the evaluations measured; the
    // highlights leave it out: `without_last_unigram`.)
    if let [.., (_, before), (_, last)] = tokens.as_slice() {
        if last.chars().count() == 1
            && before.chars().count() == 2
            && before.ends_with(last.as_str())
        {
            tokens.pop();
        }
    }
    tokens
}

/// A form without its last syllable's unigram when the bigram before ends with it: what the
/// highlights look for. A highlighter marks every occurrence of every term, and a Khmer word's
/// last syllable is often one letter (the final ត of ស្ករត្នោត, the រ of ទីពីរ), so it lit up
/// inside every other word holding that letter: 10 of 34 highlights of ស្ករត្នោត in the QA
/// round. The search itself keeps the unigram (it changes nothing found, but its weight is part
/// of the ranking measured in `eval_ranked_khmer`).
fn without_last_unigram(tokens: &[(usize, String)]) -> Vec<(usize, String)> {
    let mut out = tokens.to_vec();
    if let [.., (_, before), (_, last)] = out.as_slice() {
        if before.len() > last.len() && before.ends_with(last.as_str()) {
            out.pop();
        }
    }
    out
}

/// One word of a query, and everything that counts as finding it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QueryWord {
    /// Alternative forms: the word as typed first, then its Korean stems (see `korean`) or its
    /// other Khmer spelling (`khmer_variants`); each form is the ordered tokens it analyses to.
    pub forms: Vec<Vec<(usize, String)>>,
    /// The word (and its Korean stems) as whole-word tokens (`analyzer::whole_words`): any of
    /// them in a document's word field is word-level evidence.
    pub whole: Vec<String>,
    /// A Khmer word's dictionary words when the dictionary cuts it in several
    /// (`analyzer::dictionary_words`): all of them in a document's word field is word-level
    /// evidence too.
    pub dictionary: Vec<String>,
    /// A one-syllable Korean noun behind its particle (쌀을 → 쌀; `korean::one_syllable_stem`):
    /// it finds a document only as one of its words, since its n-gram is inside too many.
    pub word_only: Option<String>,
    /// Concept tokens of the glossary concepts the word is part of, as mentioned in the other
    /// two languages (`km:cashew` and `en:cashew` for 캐슈넛): the word finds profiles written
    /// in another language, while in its own language it matches as written, so a query keeps
    /// the precision it has without the glossary (파트너 does not find 협력). Only the concepts
    /// the word names, not those they imply: a cafe profile is found by "coffee", but "cafe"
    /// does not search every coffee exporter, nor 대학교 every school (on public news text this
    /// raised strict precision by 0.06 to 0.12 for a loss of 0.01 recall; `eval_cross_language`).
    pub concepts: Vec<String>,
    /// For the first piece of a word cut into pieces (캐슈넛가공 → 캐슈넛, 가공; CCTV설치), the
    /// tokens of the word as written: a text that writes it so ranks first, as it did when
    /// the word was searched whole.
    pub as_written: Option<Vec<(usize, String)>>,
    /// When the word holds several concepts one after another, written without spaces
    /// (លក់កាហ្វេនិងតែ "sell coffee and tea"), their ids by place: a text finds it through the
    /// concepts only when it names one of each place's. Any one of them found 1,028 of 2,000
    /// profiles for the first, every seller (QA). Empty for a word of one place (a form two
    /// concepts share is either).
    pub concepts_in_turn: Vec<Vec<String>>,
}

impl QueryWord {
    /// The ids of the concepts the word names (of its `<lang>:<id>` tokens), each once.
    fn concept_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self
            .concepts
            .iter()
            .filter_map(|t| t.split_once(':').map(|(_, id)| id))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// The language a word is written in, by its script: Khmer, Hangul, else English.
fn script_language(word: &str) -> Lang {
    if word.chars().any(|c| ('\u{1780}'..='\u{17FF}').contains(&c)) {
        Lang::Km
    } else if word
        .chars()
        .any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c) || ('\u{1100}'..='\u{11FF}').contains(&c))
    {
        Lang::Ko
    } else {
        Lang::En
    }
}

/// Capitals that also spell an everyday English word once lower-cased, as the index reads
/// text, and the glossary concept they stand for in a query: "IT" is information technology,
/// not "it" (QA: "IT" found 1,436 of 2,000 profiles by "it" and "its"); "US" the United
/// States, not "us". Such a word finds the profiles that name the concept, in any language.
const ACRONYMS: &[(&str, &str)] = &[("IT", "it_services"), ("US", "usa")];

/// The query's words; a word matches where any of its forms or concepts does.
#[cfg(test)]
pub(crate) fn analyse_words(analyzer: &mut TextAnalyzer, text: &str) -> Vec<QueryWord> {
    analyse_words_as(analyzer, text, Need::Every)
}

/// [`analyse_words`] for `need`: for a search by some of the words, each word also names the
/// concepts it names alone, not only the longer form it is part of (식품 of "식품 가공" is
/// food as well as food processing: QA found 19 profiles written in Korean, where 식품 alone
/// found 188 in every language).
fn analyse_words_as(analyzer: &mut TextAnalyzer, text: &str, need: Need) -> Vec<QueryWord> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let content: Vec<&str> = words.iter().copied().filter(|w| !says_nothing(w)).collect();
    let words = if content.is_empty() { words } else { content };
    // Concepts are found in the whole text, so that a form of several words ("cashew nut",
    // "phnom penh") counts for each of its words.
    let g = glossary();
    let mentions = g.find_named(text);
    // Each piece, and whether it was cut from a longer word (its concepts are then also those
    // it names alone: 가공 is found in 캐슈넛가공 only as a word of its own).
    let words: Vec<(&str, Option<&str>)> = words
        .into_iter()
        .flat_map(|w| {
            let pieces: Vec<&str> = script_runs(text, w, &mentions)
                .into_iter()
                .flat_map(|p| compound_words(text, p, &mentions))
                .flat_map(|p| mention_words(text, p, &mentions))
                .collect();
            let cut = (pieces.len() > 1).then_some(w);
            // A piece cut from a compound says nothing of a business either (화장품회사 is
            // 화장품: QA round 2 found it as 화장품 회사 was before).
            let content: Vec<&str> = pieces
                .iter()
                .copied()
                .filter(|p| !says_nothing(p))
                .collect();
            let pieces = if content.is_empty() { pieces } else { content };
            pieces.into_iter().map(move |p| (p, cut))
        })
        .collect();
    let mut out: Vec<QueryWord> = Vec::new();
    let mut last_cut: Option<&str> = None;
    for (w, cut_from) in words {
        let cut = cut_from.is_some();
        // The first piece of a cut word carries the word as written.
        let as_written = match cut_from {
            Some(whole) if last_cut != Some(whole) => {
                let tokens = analyse_piece(analyzer, whole);
                (tokens.len() > 1).then_some(tokens)
            }
            _ => None,
        };
        last_cut = cut_from;
        if let Some(c) = ACRONYMS
            .iter()
            .find(|(a, _)| w == *a)
            .and_then(|(_, id)| g.concept(g.index_of(id)?))
        {
            out.push(QueryWord {
                forms: Vec::new(),
                whole: Vec::new(),
                dictionary: Vec::new(),
                word_only: None,
                concepts: Lang::ALL.iter().map(|l| concept_token(*l, &c.id)).collect(),
                as_written: None,
                concepts_in_turn: Vec::new(),
            });
            continue;
        }
        // A word that shows nothing (Khmer vowel signs or accents with no letter to sit on)
        // searches for nothing, though the analyzer would keep its stray marks.
        if crate::domain::text::check_visible(w).is_err() {
            continue;
        }
        let full = analyse_piece(analyzer, w);
        if full.is_empty() {
            continue;
        }
        // A Korean word with an ending is searched by its stems alone: the stem finds every
        // document the inflected form finds, and scoring the form as well ranked documents
        // that happen to write the same particle first (QA: 커피를 put milk-tea shops whose
        // text says "커피를" above the coffee roasters). So 커피를 ranks as 커피 does.
        let stems = korean::stems(w);
        let typed = stems.first().map_or(w, String::as_str);
        let mut forms = if stems.is_empty() {
            vec![full.clone()]
        } else {
            Vec::new()
        };
        // Korean stems; the other spelling of Khmer words written two ways (តំលៃ for តម្លៃ,
        // `khmer_variants`), so either finds both while the index keeps text as written.
        let khmer_other = w
            .chars()
            .all(analyzer::is_khmer_letter_or_sign)
            .then(|| super::khmer_variants::variants().other_spelling(w))
            .flatten();
        for alternative in stems.iter().cloned().chain(khmer_other.clone()) {
            let tokens = analyse_piece(analyzer, &alternative);
            if !tokens.is_empty() && !forms.contains(&tokens) {
                forms.push(tokens);
            }
        }
        if forms.is_empty() {
            forms.push(full);
        }
        // `w` is a slice of `text`: its byte range by address.
        let start = w.as_ptr() as usize - text.as_ptr() as usize;
        let range = start..start + w.len();
        let own = script_language(w);
        let mut concepts: Vec<String> = Vec::new();
        let at = |m: &&Mention| m.range.start < range.end && range.start < m.range.end;
        // A word of a longer form also names what it names alone, so that the form's words
        // find what they find in another order: 유기농 쌀 (organic rice, one form) found 2
        // profiles where 쌀 유기농 found 34 and 유기농쌀 none (QA). A text that names the form
        // matches both words through its one concept, and so ranks first.
        let in_longer_form = mentions
            .iter()
            .filter(at)
            .any(|m| m.range.start < range.start || range.end < m.range.end);
        let own_mentions = if cut || need == Need::Some || in_longer_form {
            g.find_named(w)
        } else {
            Vec::new()
        };
        let mut places: Vec<(std::ops::Range<usize>, Vec<String>)> = Vec::new();
        for m in mentions
            .iter()
            .filter(|m| range.start <= m.range.start && m.range.end <= range.end)
        {
            let Some(c) = g.concept(m.concept) else {
                continue;
            };
            match places
                .iter_mut()
                .find(|(r, _)| r.start < m.range.end && m.range.start < r.end)
            {
                Some((_, ids)) => ids.push(c.id.clone()),
                None => places.push((m.range.clone(), vec![c.id.clone()])),
            }
        }
        let concepts_in_turn = if !cut && places.len() > 1 {
            places.into_iter().map(|(_, ids)| ids).collect()
        } else {
            Vec::new()
        };
        for m in mentions.iter().filter(at).chain(&own_mentions) {
            if let Some(c) = g.concept(m.concept) {
                for lang in Lang::ALL.into_iter().filter(|l| *l != own) {
                    let token = concept_token(lang, &c.id);
                    if !concepts.contains(&token) {
                        concepts.push(token);
                    }
                }
            }
        }
        // The query word as typed (and its stems), not its dictionary words: those are one
        // piece of evidence together, not each alone.
        let word_only = korean::one_syllable_stem(w, korean::Side::Query);
        let mut whole = analyzer::whole_words_with(typed, false);
        if let Some(other) = &khmer_other {
            whole.extend(analyzer::whole_words_with(other, false));
        }
        // A document's words include one-syllable stems cut off every particle; a query word's
        // only those the query side trusts (포도 is no 포 + 도 here).
        whole.retain(|x| !is_one_hangul_syllable(x) || x == w || word_only.as_ref() == Some(x));
        whole.dedup();
        out.push(QueryWord {
            forms,
            whole,
            word_only,
            dictionary: analyzer::dictionary_words(w),
            concepts,
            as_written,
            concepts_in_turn,
        });
    }
    out
}

/// The script of a letter or digit, for [`script_runs`]: Khmer, Hangul, or other (Latin,
/// digits); `None` for punctuation, which goes with the run before it.
fn script_class(c: char) -> Option<u8> {
    if analyzer::is_khmer_letter_or_sign(c) {
        Some(1)
    } else if korean::is_syllable(c) || ('\u{1100}'..='\u{11FF}').contains(&c) {
        Some(2)
    } else {
        c.is_alphanumeric().then_some(0)
    }
}

/// A query word written in several scripts, as the words it is made of: "CCTV설치" is CCTV and
/// 설치, as spaced, and each is required. As one word, a glossary concept inside it stood for
/// the whole word (QA: "zzzz한국" found 835 profiles, for 한국; "CCTV설치" more than "CCTV 설치").
/// Kept whole when one glossary form is the whole word (K-뷰티); a Korean particle or ending
/// after another script goes (CCTV를 searches as CCTV), as [`korean::stems`] takes it off a
/// Korean word. Each piece is a slice of `text`.
fn script_runs<'t>(text: &'t str, word: &'t str, mentions: &[Mention]) -> Vec<&'t str> {
    let mut runs: Vec<(usize, usize, u8)> = Vec::new();
    for (at, c) in word.char_indices() {
        let end = at + c.len_utf8();
        match (script_class(c), runs.last_mut()) {
            (Some(k), Some(last)) if last.2 != k => runs.push((at, end, k)),
            (_, Some(last)) => last.1 = end,
            (Some(k), None) => runs.push((at, end, k)),
            (None, None) => runs.push((at, end, u8::MAX)),
        }
    }
    // Leading punctuation takes the script of what follows.
    if runs.len() > 1 && runs[0].2 == u8::MAX {
        runs[1].0 = runs[0].0;
        runs.remove(0);
    }
    if runs.len() < 2 {
        return vec![word];
    }
    // An ending after another script: not a word of its own.
    let mut word = word;
    if let [.., before, (start, _, 2)] = runs.as_slice() {
        let ending = word[*start..].trim_end_matches(|c: char| !c.is_alphanumeric());
        if before.2 != 2 && korean::is_ending(ending) {
            word = &word[..*start];
            runs.pop();
        }
    }
    let from = word.as_ptr() as usize - text.as_ptr() as usize;
    let whole = from..from + word.trim_end_matches(|c: char| !c.is_alphanumeric()).len();
    if runs.len() < 2 || one_form(mentions, &whole) {
        return vec![word];
    }
    runs.iter().map(|(a, b, _)| &word[*a..*b]).collect()
}

/// Whether one glossary mention covers `range` of the query text: a word that is one form
/// (K-뷰티, 대형마트) stays one word, its concept finding it in the other languages.
fn one_form(mentions: &[Mention], range: &std::ops::Range<usize>) -> bool {
    mentions
        .iter()
        .any(|m| m.range.start <= range.start && range.end <= m.range.end)
}

/// A Korean compound written unspaced, as the words it is made of (`korean::glossary_parts`):
/// "캐슈넛가공" searches as "캐슈넛 가공" (QA: it found every cashew profile, 84 against 58,
/// since a concept is found in a word only from its start). Kept whole when a glossary form is
/// the whole word (대형마트 "hypermarket": the concept finds it in the other languages).
fn compound_words<'t>(text: &'t str, word: &'t str, mentions: &[Mention]) -> Vec<&'t str> {
    let lead = word.len()
        - word
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .len();
    let stems = korean::stems(word);
    let typed = stems
        .first()
        .map_or(&word[lead..], String::as_str)
        .trim_end_matches(|c: char| !c.is_alphanumeric());
    // Words named by the glossary (cashew, processing, export): words that people space or
    // not. Not every pair of listed words: 고등교육 searched as 고등 and 교육 anywhere put texts
    // that do not say it among a rare word's few results (UDHR Korean nouns, P@10 0.95 → 0.94).
    let parts = korean::glossary_parts(typed);
    let from = word.as_ptr() as usize - text.as_ptr() as usize + lead;
    if one_form(mentions, &(from..from + typed.len())) {
        return match spaced_form(mentions, &(from..from + typed.len()), typed) {
            Some(cuts) => pieces_at(word, lead, &cuts),
            None => vec![word],
        };
    }
    if parts.len() < 2 || !word[lead..].starts_with(&parts[..parts.len() - 1].concat()) {
        return vec![word];
    }
    let cuts: Vec<usize> = std::iter::once(0)
        .chain(parts.iter().scan(0, |at, part| {
            *at += part.len();
            Some(*at)
        }))
        .collect();
    pieces_at(word, lead, &cuts)
}

/// Where to cut a Korean word that is one glossary form when its concept also spells it with
/// spaces (유기농쌀 and 유기농 쌀, organic rice): the cuts of that spaced form, so that the word
/// searches as the spaced form does, each word also finding what it names alone. Kept whole,
/// 유기농쌀 found none of the 34 organic rice farms that 유기농 쌀 finds (QA): no text wrote it
/// so, and the texts in other languages say "organic" and "rice" apart.
fn spaced_form(
    mentions: &[Mention],
    range: &std::ops::Range<usize>,
    typed: &str,
) -> Option<Vec<usize>> {
    let g = glossary();
    mentions
        .iter()
        .filter(|m| m.range.start <= range.start && range.end <= m.range.end)
        .filter_map(|m| g.concept(m.concept))
        .flat_map(|c| c.ko.iter())
        .find(|f| f.contains(' ') && f.split(' ').collect::<String>() == typed)
        .map(|f| {
            std::iter::once(0)
                .chain(f.split(' ').scan(0, |at, piece| {
                    *at += piece.len();
                    Some(*at)
                }))
                .collect()
        })
}

/// `word` cut at `cuts` (offsets after its `lead`, from 0 to the typed word's end, in order):
/// the first piece keeps what went before the word, the last what came after (its particle).
fn pieces_at<'t>(word: &'t str, lead: usize, cuts: &[usize]) -> Vec<&'t str> {
    let last = cuts.len().saturating_sub(2);
    cuts.windows(2)
        .enumerate()
        .map(|(i, w)| {
            let start = if i == 0 { 0 } else { lead + w[0] };
            let end = if i == last { word.len() } else { lead + w[1] };
            &word[start..end]
        })
        .collect()
}

/// An unspaced Khmer or Korean word that names a glossary concept in part and has other words
/// beside it, as those pieces: លក់តែ "sell tea" searches as លក់ តែ, 결제시스템 as 결제 시스템,
/// 쌀수출 as 쌀 수출. As one word, the concept it names stood for the whole of it, and the rest
/// asked for nothing (QA: លក់តែ found 914 profiles, motorbike shops first, as "sell"; spaced,
/// 121; 결제시스템 found what 결제 alone finds). Cut only where every piece the concepts leave
/// is a word (a Khmer dictionary word or several, a Korean listed word or glossary form of two
/// syllables or more; not a particle), and not a word that is one itself (អាស្រូវ "scandal"
/// holds ស្រូវ "paddy") or a misspelt one. A Khmer piece no concept covers is cut into its
/// dictionary words too, and function words among the pieces go (`says_nothing`). Each piece
/// is a slice of `text`; the last keeps a Korean particle.
fn mention_words<'t>(text: &'t str, word: &'t str, mentions: &[Mention]) -> Vec<&'t str> {
    let lead = word.len()
        - word
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .len();
    let body = &word[lead..];
    let khmer = !body.is_empty() && body.chars().all(analyzer::is_khmer_letter_or_sign);
    let stems = korean::stems(body);
    let typed = stems
        .first()
        .map_or(body, String::as_str)
        .trim_end_matches(|c: char| !c.is_alphanumeric());
    let hangul = !typed.is_empty() && typed.chars().all(korean::is_syllable);
    if !(khmer || hangul) || !body.starts_with(typed) {
        return vec![word];
    }
    // A misspelt or unfinished Khmer word is no phrase either (ស្វាយចន្ទ is no ស្វាយ "mango" +
    // ចន្ទ "moon"): its spelling is offered instead (`did_you_mean`).
    let real_word = if khmer {
        super::khmer::is_dictionary_word(typed) || super::spelling::respelt(typed, false).is_some()
    } else {
        korean::is_listed(typed) || korean::is_glossary_form(typed)
    };
    let from = word.as_ptr() as usize - text.as_ptr() as usize + lead;
    let whole = from..from + typed.len();
    if real_word || one_form(mentions, &whole) {
        return vec![word];
    }
    // The places concepts are named at, in the word's own offsets, overlapping ones merged.
    let mut places: Vec<std::ops::Range<usize>> = mentions
        .iter()
        .filter(|m| whole.start <= m.range.start && m.range.end <= whole.end)
        .map(|m| m.range.start - from..m.range.end - from)
        .collect();
    places.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut merged: Vec<std::ops::Range<usize>> = Vec::new();
    for r in places {
        match merged.last_mut() {
            Some(last) if r.start < last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    if merged.is_empty() {
        return vec![word];
    }
    let mut cuts: Vec<usize> = merged.iter().flat_map(|r| [r.start, r.end]).collect();
    cuts.push(0);
    cuts.push(typed.len());
    cuts.sort_unstable();
    cuts.dedup();
    let is_word = |piece: &str| {
        if khmer {
            analyzer::dictionary_words(piece)
                .iter()
                .all(|p| super::khmer::is_dictionary_word(p))
        } else {
            piece.chars().count() >= 2
                && (korean::is_listed(piece) || korean::is_glossary_form(piece))
        }
    };
    let uncovered_are_words = cuts.windows(2).all(|w| {
        merged.iter().any(|r| r.start <= w[0] && w[1] <= r.end) || is_word(&typed[w[0]..w[1]])
    });
    if cuts.len() < 3 || !uncovered_are_words {
        return vec![word];
    }
    // A Khmer piece no concept covers is its dictionary words, each a word of the search as
    // when spaced (QA: the piece និងតែ of កាហ្វេនិងតែ was searched as written, and found 4
    // profiles where កាហ្វេ និង តែ finds 86).
    if khmer {
        let uncovered: Vec<(usize, usize)> = cuts
            .windows(2)
            .filter(|w| !merged.iter().any(|r| r.start <= w[0] && w[1] <= r.end))
            .map(|w| (w[0], w[1]))
            .collect();
        for (a, b) in uncovered {
            // The pieces are in the analyzer's spelling: cut only where they are the text's.
            let mut at = a;
            let mut inside = Vec::new();
            let spelt_as_typed = analyzer::dictionary_words(&typed[a..b])
                .iter()
                .all(|piece| {
                    let here = typed[at..b].starts_with(piece.as_str());
                    at += piece.len();
                    inside.push(at);
                    here
                });
            if spelt_as_typed {
                cuts.extend(inside.into_iter().filter(|at| *at < b));
            }
        }
        cuts.sort_unstable();
        cuts.dedup();
    }
    let pieces = pieces_at(word, lead, &cuts);
    let content: Vec<&str> = pieces
        .iter()
        .copied()
        .filter(|p| !says_nothing(p))
        .collect();
    if content.is_empty() {
        pieces
    } else {
        content
    }
}

fn is_one_hangul_syllable(word: &str) -> bool {
    let mut chars = word.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if korean::is_syllable(c))
}

fn word_in_field(field: Field, tokens: &[(usize, String)]) -> Box<dyn Query> {
    if tokens.len() == 1 {
        Box::new(TermQuery::new(
            Term::from_field_text(field, &tokens[0].1),
            IndexRecordOption::WithFreqs,
        ))
    } else {
        let terms = tokens
            .iter()
            .map(|(pos, t)| (*pos, Term::from_field_text(field, t)))
            .collect();
        Box::new(PhraseQuery::new_with_offset(terms))
    }
}

/// The fields one query word is looked for in.
pub(crate) struct WordFields<'a> {
    /// Name and description fields (n-grams and words).
    pub text: &'a [Field],
    /// Whole words (`analyzer::whole_words`).
    pub words: Field,
    /// Glossary concepts.
    pub concepts: Field,
}

/// Word-level evidence for one query word: it, or one of its stems, is a word of the document,
/// or its dictionary words all are. `None` when the word has no whole-word form (Latin words
/// are words in the text fields already).
pub(crate) fn word_evidence(words: Field, word: &QueryWord) -> Option<Box<dyn Query>> {
    let term = |w: &String| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(words, w),
            IndexRecordOption::WithFreqs,
        ))
    };
    let mut any: Vec<(Occur, Box<dyn Query>)> = word
        .whole
        .iter()
        .map(|w| (Occur::Should, term(w)))
        .collect();
    if !word.dictionary.is_empty() {
        let all = word
            .dictionary
            .iter()
            .map(|w| (Occur::Must, term(w)))
            .collect();
        any.push((Occur::Should, Box::new(BooleanQuery::new(all))));
    }
    (!any.is_empty()).then(|| Box::new(BooleanQuery::new(any)) as Box<dyn Query>)
}

/// What finds a query word only as a word: a stem searched as a whole word only (쌀을 → 쌀),
/// and the glossary concepts it names. Both [`word_query`] (to find) and
/// [`whole_words_query`] (to tell words from parts of words) count them.
fn word_level_terms<'a>(
    fields: &'a WordFields,
    word: &'a QueryWord,
) -> impl Iterator<Item = Box<dyn Query>> + 'a {
    let scored = |field: Field, text: &String| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::WithFreqs,
        ))
    };
    // A concept finds a profile that mentions it in another language than the query word's
    // (the `<lang>:<id>` tokens, unscored); how strongly it names it is scored apart, the same
    // whichever language mentions it ([`concept_score`]). Scored by the language tokens, a
    // profile mentioning the concept in English and Khmer summed two scores, and a rarer
    // language's token scored higher, so a Khmer-only profile came after those written in two
    // languages (QA: the Khmer-only K-beauty shop was 43rd of 43 for 케이뷰티, at half their
    // score).
    let ids = word.concept_ids();
    let concepts = (!ids.is_empty()).then(|| {
        let one = |id: &str| -> Box<dyn Query> {
            let langs: Vec<(Occur, Box<dyn Query>)> = word
                .concepts
                .iter()
                .filter(|t| t.split_once(':').is_some_and(|(_, c)| c == id))
                .map(|t| (Occur::Should, scored(fields.concepts, t)))
                .collect();
            // Found here, scored by `concept_score` for every text that names it.
            Box::new(ConstScoreQuery::new(
                Box::new(BooleanQuery::new(langs)),
                0.0,
            ))
        };
        if !word.concepts_in_turn.is_empty() {
            let every = word
                .concepts_in_turn
                .iter()
                .map(|place| {
                    let any: Box<dyn Query> = Box::new(DisjunctionMaxQuery::new(
                        place.iter().map(|id| one(id)).collect(),
                    ));
                    (Occur::Must, any)
                })
                .collect();
            return Box::new(BooleanQuery::new(every)) as Box<dyn Query>;
        }
        Box::new(DisjunctionMaxQuery::new(
            ids.iter().map(|id| one(id)).collect(),
        )) as Box<dyn Query>
    });
    word.word_only
        .iter()
        .map(move |stem| scored(fields.words, stem))
        .chain(concepts)
}

/// Everything that finds one query word: a form of it in a text field (n-gram phrase or term)
/// or a concept it names, required; word-level evidence adds to the score only.
pub(crate) fn word_query(fields: &WordFields, word: &QueryWord) -> Box<dyn Query> {
    let found: Vec<(Occur, Box<dyn Query>)> = fields
        .text
        .iter()
        .flat_map(|field| {
            word.forms
                .iter()
                .map(|tokens| word_in_field(*field, tokens))
        })
        .chain(word_level_terms(fields, word))
        .map(|q| (Occur::Should, q))
        .collect();
    let mut clauses: Vec<(Occur, Box<dyn Query>)> =
        vec![(Occur::Must, Box::new(BooleanQuery::new(found)))];
    if let Some(tokens) = &word.as_written {
        let written: Vec<(Occur, Box<dyn Query>)> = fields
            .text
            .iter()
            .map(|field| (Occur::Should, word_in_field(*field, tokens)))
            .collect();
        clauses.push((
            Occur::Should,
            Box::new(BoostQuery::new(
                Box::new(BooleanQuery::new(written)),
                WHOLE_WORD_BOOST,
            )),
        ));
    }
    if let Some(concepts) = concept_score(fields, word) {
        clauses.push((Occur::Should, concepts));
    }
    if let Some(evidence) = word_evidence(fields.words, word) {
        // Word-level evidence outranks sub-word evidence: 마트 as a word before 마트 inside
        // 스마트폰, ស្រូវ (paddy) as a dictionary word before ស្រូវ inside អាស្រូវ (scandal).
        // Only a boost: the n-gram match above decides what is found, so a word the dictionary
        // splits differently from the writer is still found.
        clauses.push((
            Occur::Should,
            Box::new(BoostQuery::new(evidence, WHOLE_WORD_BOOST)),
        ));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// How strongly a hit names the concepts a query word names, in any language, its own too:
/// the language-free token, and the name's (`search::document::add_concepts`), for the
/// strongest concept of the word. Boosted as word-level evidence is: a profile that names the
/// concept in another language is as good a hit as one that writes the query word, and one
/// whose name names it better than either (QA: for 의류, 회계, 학교 a Korean text's passing
/// mention outranked every garment maker, accounting firm and school written in Khmer and
/// English).
fn concept_score(fields: &WordFields, word: &QueryWord) -> Option<Box<dyn Query>> {
    let ids = word.concept_ids();
    (!ids.is_empty()).then(|| {
        let term = |text: &str, boost: f32| -> (Occur, Box<dyn Query>) {
            (
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(
                        Term::from_field_text(fields.concepts, text),
                        IndexRecordOption::WithFreqs,
                    )),
                    boost,
                )),
            )
        };
        let each: Vec<Box<dyn Query>> = ids
            .iter()
            .map(|id| {
                Box::new(BooleanQuery::new(vec![
                    term(id, CONCEPT_BOOST),
                    term(
                        &crate::search::document::name_concept_token(id),
                        NAME_CONCEPT_BOOST,
                    ),
                ])) as Box<dyn Query>
            })
            .collect();
        Box::new(DisjunctionMaxQuery::new(each)) as Box<dyn Query>
    })
}

/// The hits that have every query word as a word: the word or a stem of it as a word of the
/// text, its dictionary words all there, a glossary concept it names, or, for a word with no
/// word-level form (Latin: the text fields hold words already), the word itself. `None` when
/// every word is of that last kind, or there is none, so that every hit has them all.
#[cfg(test)]
pub(crate) fn whole_words_query(
    fields: &WordFields,
    words: &[QueryWord],
) -> Option<Box<dyn Query>> {
    whole_words_of(fields, words, Need::Every)
}

/// How many of a query's words a hit must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need {
    /// Every word: what a search asks first.
    Every,
    /// At least one, more words scoring higher: what it answers when no profile has every
    /// word (QA: "식품 가공" and "food processing" found nothing, where the profiles that say
    /// 가공 or "processing" were what the analyst wanted to see).
    Some,
}

impl Need {
    fn occur(self) -> Occur {
        match self {
            Need::Every => Occur::Must,
            Need::Some => Occur::Should,
        }
    }
}

/// [`whole_words_query`] for `need`. With `Need::Some`, a hit is above the line when one of
/// the words it has is there as a word; a word with no word-level form (Latin) is a word
/// wherever it is found.
fn whole_words_of(fields: &WordFields, words: &[QueryWord], need: Need) -> Option<Box<dyn Query>> {
    let evidence: Vec<(&QueryWord, Option<Box<dyn Query>>)> = words
        .iter()
        .map(|word| (word, word_evidence(fields.words, word)))
        .collect();
    if evidence.iter().all(|(_, e)| e.is_none()) {
        return None;
    }
    let clauses = evidence
        .into_iter()
        .filter_map(|(word, evidence)| match evidence {
            Some(evidence) => {
                let any: Vec<(Occur, Box<dyn Query>)> = std::iter::once(evidence)
                    .chain(word_level_terms(fields, word))
                    .map(|q| (Occur::Should, q))
                    .collect();
                Some((
                    need.occur(),
                    Box::new(BooleanQuery::new(any)) as Box<dyn Query>,
                ))
            }
            None => (need == Need::Some).then(|| (Occur::Should, word_query(fields, word))),
        })
        .collect();
    Some(Box::new(BooleanQuery::new(clauses)))
}

/// The text part of a query: every word required (see [`word_query`]); `None` for no word.
#[cfg(test)]
pub(crate) fn text_query(fields: &WordFields, words: &[QueryWord]) -> Option<Box<dyn Query>> {
    text_query_of(fields, words, Need::Every)
}

/// [`text_query`] for `need`: with `Need::Some`, any word finds a hit, and its score is the
/// sum of the words it has.
fn text_query_of(fields: &WordFields, words: &[QueryWord], need: Need) -> Option<Box<dyn Query>> {
    if words.is_empty() {
        return None;
    }
    let clauses = words
        .iter()
        .map(|word| (need.occur(), word_query(fields, word)))
        .collect();
    Some(Box::new(BooleanQuery::new(clauses)))
}

fn term(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
}

/// Any of `values` in `field` (plus `*` for investors' "no preference").
fn any_of(
    field: Field,
    values: impl IntoIterator<Item = String>,
    with_any: bool,
) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = values
        .into_iter()
        .map(|v| (Occur::Should, term(field, &v)))
        .collect();
    if with_any {
        clauses.push((Occur::Should, term(field, ANY)));
    }
    Box::new(BooleanQuery::new(clauses))
}

pub(crate) fn filter_clauses(f: &Fields, kind: Kind, filter: &Filter) -> Vec<Box<dyn Query>> {
    let investor = kind == Kind::Investor;
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    out.push(term(
        f.kind,
        if investor { KIND_INVESTOR } else { KIND_SME },
    ));
    if let Some(code) = &filter.sector {
        if investor {
            // Interests under the code, or interests covering it (a strict ancestor), or none.
            let mut clauses: Vec<(Occur, Box<dyn Query>)> =
                vec![(Occur::Should, term(f.sector, code.as_str()))];
            for node in isic().lineage(code.as_str()).iter().skip(1) {
                clauses.push((Occur::Should, term(f.sector_exact, &node.code)));
            }
            clauses.push((Occur::Should, term(f.sector_exact, ANY)));
            out.push(Box::new(BooleanQuery::new(clauses)));
        } else {
            out.push(term(f.sector, code.as_str()));
        }
    }
    if !filter.provinces.is_empty() {
        let values = filter.provinces.iter().map(|p| p.as_str().to_string());
        out.push(any_of(f.province, values, investor));
    }
    if !filter.digital_levels.is_empty() {
        let values = filter.digital_levels.iter().map(|l| l.as_str().to_string());
        out.push(any_of(f.digital, values, investor));
    }
    if !filter.partnership_types.is_empty() {
        let values = filter
            .partnership_types
            .iter()
            .map(|t| t.as_str().to_string());
        out.push(any_of(f.partnership, values, false));
    }
    if !filter.languages.is_empty() {
        let values = filter.languages.iter().map(|l| l.as_str().to_string());
        out.push(any_of(f.language, values, false));
    }
    if let Some(range) = &filter.usd {
        // Overlap: the profile's lower bound is at most the filter's upper, and vice versa.
        if let Some(max) = range.max {
            out.push(Box::new(RangeQuery::new(
                Bound::Unbounded,
                Bound::Included(Term::from_field_i64(f.usd_min, max)),
            )));
        }
        if let Some(min) = range.min {
            out.push(Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_i64(f.usd_max, min)),
                Bound::Unbounded,
            )));
        }
    }
    out
}

/// What a search runs.
struct Built {
    query: Box<dyn Query>,
    /// What its highlights look for: its text part, without lone last syllables
    /// (`without_last_unigram`), when there is text.
    highlights: Option<Box<dyn Query>>,
    /// Its hits with every word as a word (`whole_words_query`).
    whole_words: Option<Box<dyn Query>>,
    /// The glossary concepts its words name, by id: what a hit's highlight shows when the
    /// words themselves are not in its texts ([`concept_highlight`]).
    concepts: std::collections::BTreeSet<String>,
    /// How many words it looks for: a search by some of them needs two at least.
    words: usize,
    /// By every word or by some.
    need: Need,
}

/// The query's words, each Khmer run of letters cut into its dictionary words and each Korean
/// compound into the words it is made of, even where the glossary names the whole (식품가공 →
/// 식품 가공): what a search by some of the words looks for (QA: a Khmer owner types a phrase
/// without spaces, លក់កាហ្វេនិងតែ, which as one word is found only where a text has it as
/// written). Words that say nothing of a business go (`says_nothing`), unless nothing else is
/// left.
fn spaced_words(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        let khmer = word.chars().all(analyzer::is_khmer_letter_or_sign);
        // A misspelt word is no phrase: its pieces are syllables that happen to be words (កា,
        // ហ្វ of កាហ្វ for កាហ្វេ found 1,948 of 2,000 profiles: QA); its spelling is offered
        // instead (`did_you_mean`).
        // So is an unfinished word (ស្វាយចន្ទ for ស្វាយចន្ទី: QA round 2 found its ស្វាយ "mango"
        // farms "by some of the words" of a one-word search).
        let parts = if super::spelling::nearest(&word.to_lowercase()).is_some()
            || (khmer && super::spelling::respelt(word, false).is_some())
        {
            Vec::new()
        } else if khmer {
            // Only a cut into dictionary words: a piece that is none is a slip (ហ្វែ of
            // កាហ្វែ), and the syllables around it are in every other text.
            let parts = analyzer::dictionary_words(word);
            if parts.iter().all(|p| super::khmer::is_dictionary_word(p)) {
                parts
            } else {
                Vec::new()
            }
        } else {
            // Only into words the glossary knows: 메타버스 is no 메타 + 버스 "bus" (QA: it found
            // bus-ticket agencies).
            let stems = korean::stems(word);
            korean::glossary_parts(stems.first().map_or(word, String::as_str))
        };
        if parts.len() > 1 {
            out.extend(parts);
        } else {
            out.push(word.to_string());
        }
    }
    let content: Vec<&str> = out
        .iter()
        .map(String::as_str)
        .filter(|w| !says_nothing(w))
        .collect();
    if content.is_empty() {
        out.join(" ")
    } else {
        content.join(" ")
    }
}

/// The full query: words (scored) and filters (not scored). `text` is `req.text` as read for
/// `need` (`spaced_words` for `Need::Some`).
fn build(
    index: &SearchIndex,
    req: &SearchRequest,
    text: &str,
    need: Need,
) -> Result<Built, SearchError> {
    let f = &index.fields;
    let mut analyzer = index
        .index
        .tokenizers()
        .get(analyzer::MULTI)
        .ok_or_else(|| tantivy::TantivyError::InternalError("analyzer not registered".into()))?;
    let words = analyse_words_as(&mut analyzer, text, need);
    // Every word must occur; one too long to be indexed occurs nowhere (QA: "rice" followed by
    // 101 z's answered as "rice"). Said before the next check, which such a word alone would
    // also fail (QA: 101 a's were called "only punctuation, symbols or emoji").
    if req.text.split_whitespace().any(|w| {
        w.len() > analyzer::MAX_WORD_BYTES
            && w.chars().any(char::is_alphanumeric)
            && analyse_piece(&mut analyzer, w).is_empty()
    }) {
        return Err(SearchError::WordTooLong);
    }
    // A blank query browses; a query whose every character is dropped by the analyzer is not
    // blank, and answering it with every profile would be a lie.
    if words.is_empty() && !req.text.trim().is_empty() {
        return Err(SearchError::NoSearchableWord);
    }
    let text_fields: Vec<Field> = f
        .text_fields(req.kind)
        .into_iter()
        .map(|(field, _)| field)
        .collect();
    let fields = WordFields {
        text: &text_fields,
        words: f.words(req.kind),
        concepts: f.concepts(req.kind),
    };
    let highlight_words: Vec<QueryWord> = words
        .iter()
        .map(|w| QueryWord {
            forms: w.forms.iter().map(|f| without_last_unigram(f)).collect(),
            ..w.clone()
        })
        .collect();
    let highlight_query = text_query_of(&fields, &highlight_words, need);
    let whole_words = whole_words_of(&fields, &words, need);
    let text_query = text_query_of(&fields, &words, need);
    let filters = filter_clauses(f, req.kind, &req.filter)
        .into_iter()
        .map(|q| (Occur::Must, q))
        .collect();
    // Filters score 0 so that scores are text relevance alone; a browse scores every match 1.
    let filter: Box<dyn Query> = Box::new(ConstScoreQuery::new(
        Box::new(BooleanQuery::new(filters)),
        0.0,
    ));
    let base: Box<dyn Query> = match text_query {
        Some(t) => t,
        None => Box::new(ConstScoreQuery::new(Box::new(AllQuery), 1.0)),
    };
    let query = Box::new(BooleanQuery::new(vec![
        (Occur::Must, base),
        (Occur::Must, filter),
    ]));
    let concepts = words
        .iter()
        .flat_map(|w| w.concept_ids())
        .map(str::to_string)
        .collect();
    Ok(Built {
        query,
        highlights: highlight_query,
        whole_words,
        concepts,
        words: words.len(),
        need,
    })
}

/// Highlights for a hit whose texts hold none of the query's words, only a glossary concept
/// they name (a Korean query's hit written in Khmer and English): in each text, the first
/// place it names one, in `<b>`, with some context, cut with "…" as a snippet is (QA: 73 of 84
/// results for 캐슈넛 had no highlight, and nothing said why they were found). A concept only
/// implied there is shown at the form that implies it ("cafés" for coffee: QA, a Khmer owner's
/// កាហ្វេ found 21 investors, none with a highlight).
fn concept_highlights(
    texts: &[(String, &str)],
    concepts: &std::collections::BTreeSet<String>,
) -> Vec<Highlight> {
    let g = glossary();
    texts
        .iter()
        .filter_map(|(label, text)| {
            let asked = |m: &Mention| {
                g.concept(m.concept)
                    .is_some_and(|c| concepts.contains(&c.id))
            };
            let m = g
                .find_named(text)
                .into_iter()
                .find(asked)
                .or_else(|| g.find(text).into_iter().find(|m| m.implied && asked(m)))?;
            Some(Highlight {
                field: label.clone(),
                snippet: super::snippet::around_html(text, m.range, SNIPPET_CHARS / 2),
            })
        })
        .collect()
}

fn facet_values(counts: &FacetCounts, dimension: &str) -> Vec<FacetCount> {
    let mut out: Vec<FacetCount> = counts
        .get(format!("/{dimension}").as_str())
        .map(|(facet, count)| FacetCount {
            value: facet
                .to_path()
                .last()
                .map(|s| s.to_string())
                .unwrap_or_default(),
            count,
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
    out
}

/// Runs a search on one snapshot. CPU-bound: call it from a blocking thread.
pub fn search(
    index: &SearchIndex,
    searcher: &Searcher,
    req: &SearchRequest,
) -> Result<SearchResults, SearchError> {
    let found = search_words(index, searcher, req)?;
    if req.text.trim().is_empty() {
        return Ok(found);
    }
    // A search answered by some of its words may have misspelt the others ("cashw
    // processing" found every processor).
    let weak = found.total_count == 0 || found.some_words;
    Ok(SearchResults {
        did_you_mean: did_you_mean(index, searcher, req, weak)?,
        ..found
    })
}

/// A Khmer sign or other combining mark: part of the word it follows, not punctuation.
fn is_mark(c: char) -> bool {
    analyzer::is_khmer_letter_or_sign(c) || unicode_normalization::char::is_combining_mark(c)
}

/// A Korean word written as a compound of listed words, spaced (단체관광 → 단체 관광), its
/// particle kept on the last; `None` for anything else.
fn spaced_compound(word: &str) -> Option<String> {
    if !word.chars().all(korean::is_syllable) {
        return None;
    }
    let stems = korean::stems(word);
    let stem = stems.first().map_or(word, String::as_str);
    let parts = korean::compound_parts(stem);
    let (last, before) = parts.split_last()?;
    if before.is_empty() || !word.starts_with(stem) {
        return None;
    }
    Some(format!(
        "{} {last}{}",
        before.join(" "),
        &word[stem.len()..]
    ))
}

/// The most words a search may have for [`did_you_mean`] to look at them.
const MAX_SPELT_WORDS: usize = 8;

/// The search spelt as it would find profiles with every word, when no word of it is a word
/// of its language and the glossary has one near it ([`super::spelling::nearest`]): each such
/// word replaced when it finds nothing alone (whatever the filters) and the search is `weak`
/// (it found nothing, or only profiles with some of its words); a Khmer or Korean one also
/// when it finds something, since its n-grams find parts of other words (ស្វាយចន្ទិ for
/// ស្វាយចន្ទី "cashew" found 23 mango farms, and nothing said why: QA). Given only when the
/// whole then finds profiles with every word under the filters.
fn did_you_mean(
    index: &SearchIndex,
    searcher: &Searcher,
    req: &SearchRequest,
    weak: bool,
) -> Result<Option<String>, SearchError> {
    let probe = |text: String, filter: Filter| SearchRequest {
        text,
        filter,
        first: 1,
        page: Paging::After(None),
        ..req.clone()
    };
    // Each word is searched alone: a long query (500 characters of short words) is not
    // worth a hundred searches, and nobody misspells a paragraph.
    if req.text.split_whitespace().count() > MAX_SPELT_WORDS {
        return Ok(None);
    }
    let mut words: Vec<String> = Vec::new();
    let mut replaced = false;
    for typed in req.text.split_whitespace() {
        // The word without the punctuation around it ("cashw," "(cashw)": QA), which the
        // suggestion keeps.
        let word = typed.trim_matches(|c: char| !c.is_alphanumeric() && !is_mark(c));
        let lower = word.to_lowercase();
        let (respelt, nearest) = match super::spelling::respelt(&lower, weak) {
            Some(respelt) if !word.is_empty() => {
                let nearest = typed.replacen(word, &respelt, 1);
                (respelt, nearest)
            }
            _ => {
                // A Korean compound that finds nothing, offered spaced when spaced it finds
                // something (QA: 단체관광 "group tour" found nothing, 단체 관광 eight).
                match spaced_compound(word).filter(|_| weak) {
                    Some(spaced) => {
                        words.push(typed.replacen(word, &spaced, 1));
                        replaced = true;
                    }
                    None => words.push(typed.to_string()),
                }
                continue;
            }
        };
        let by_ngrams = word
            .chars()
            .any(|c| analyzer::is_khmer_letter_or_sign(c) || korean::is_syllable(c));
        if !weak && !by_ngrams {
            words.push(typed.to_string());
            continue;
        }
        // How many profiles a word finds alone, under no filter; `None` for a word that holds
        // nothing to search (a symbol), which is nothing to correct.
        let found_alone = |text: String| -> Result<Option<u64>, SearchError> {
            match search_words(index, searcher, &probe(text, Filter::default())) {
                Ok(found) => Ok(Some(found.total_count)),
                Err(SearchError::NoSearchableWord | SearchError::WordTooLong) => Ok(None),
                Err(e) => Err(e),
            }
        };
        let alone = if by_ngrams {
            // Here the search found something (`!weak`) only through n-grams or the word
            // itself. A Khmer or Korean spelling that finds ten times what the respelt word
            // finds is the spelling profiles use, no slip (QA: អនឡាញ "online", in 362
            // profiles, was offered អនឡាន, which found two bakeries). A slip's n-grams find
            // less than that spread: a misspelt ស្វាយចន្ទិ finds mango farms, fewer than
            // ស្វាយចន្ទី's cashew profiles.
            !weak && {
                let respelt_finds = found_alone(respelt)?.unwrap_or(0);
                respelt_finds.saturating_mul(10) < found_alone(lower)?.unwrap_or(0)
            }
        } else {
            found_alone(lower)?.is_none_or(|n| n > 0)
        };
        if alone {
            words.push(typed.to_string());
        } else {
            words.push(nearest);
            replaced = true;
        }
    }
    if !replaced {
        return Ok(None);
    }
    let text = words.join(" ");
    let found = search_words(index, searcher, &probe(text.clone(), req.filter.clone()))?;
    Ok((found.total_count > 0 && !found.some_words).then_some(text))
}

/// [`search`] without the spelling suggestion: by every word, else by some of them.
fn search_words(
    index: &SearchIndex,
    searcher: &Searcher,
    req: &SearchRequest,
) -> Result<SearchResults, SearchError> {
    // Read once for both lists: the words a some-words search looks for, and what the
    // highlights keep whole.
    let spaced = spaced_words(&req.text);
    let lit: Vec<String> = req
        .text
        .split_whitespace()
        .chain(spaced.split_whitespace())
        .map(str::to_lowercase)
        .collect();
    let found = run(
        index,
        searcher,
        req,
        build(index, req, &req.text, Need::Every)?,
        &lit,
    )?;
    // Decided again for every page, by the whole list; a cursor of the other list is refused
    // (`SOME_WORDS_TAG`).
    let cursor_tag = match req.page {
        Paging::After(Some(c)) | Paging::Before(Some(c)) => Some(c.tag),
        _ => None,
    };
    if found.total_count > 0 || req.text.trim().is_empty() {
        if cursor_tag.is_some_and(|t| t != req.tag()) {
            return Err(SearchError::CursorOfOtherList);
        }
        return Ok(found);
    }
    let some = build(index, req, &spaced, Need::Some)?;
    if some.words < 2 {
        return Ok(found);
    }
    if cursor_tag.is_some_and(|t| t != req.tag() ^ SOME_WORDS_TAG) {
        // Nothing has every word now, and the cursor is of that list: a page by some words
        // would be no continuation of it.
        return Err(SearchError::CursorOfOtherList);
    }
    let some = run(index, searcher, req, some, &lit)?;
    Ok(if some.total_count > 0 {
        SearchResults {
            some_words: true,
            searched_words: spaced
                .split_whitespace()
                .filter(|w| !says_nothing(w))
                // As searched: a Korean word without its particle (캐슈넛과 is 캐슈넛: QA).
                .map(|w| {
                    korean::stems(w)
                        .into_iter()
                        .next()
                        .unwrap_or_else(|| w.to_string())
                })
                .collect(),
            ..some
        }
    } else {
        found
    })
}

/// Runs one built query for one page of `req`; `lit` are the words searched, as typed and
/// as cut into words, which its highlights keep whole.
fn run(
    index: &SearchIndex,
    searcher: &Searcher,
    req: &SearchRequest,
    built: Built,
    lit: &[String],
) -> Result<SearchResults, SearchError> {
    let Built {
        query,
        highlights: text_query,
        whole_words,
        concepts,
        words: _,
        need,
    } = built;
    let mut facets = FacetCollector::for_field("facets");
    for dim in ["/section", "/province", "/digital", "/partnership"] {
        facets.add_facet(dim);
    }
    // One more than the page asks tells whether more lie beyond it.
    let top =
        KeysetTop {
            limit: req.first + 1,
            page: match req.page {
                Paging::After(c) => Page::After(c.map(|c| c.rank)),
                Paging::Before(c) => Page::Before(c.map(|c| c.rank)),
            },
            hi_field: "id_hi",
            lo_field: "id_lo",
            whole_words: match &whole_words {
                Some(q) => Some(q.weight(
                    tantivy::query::EnableScoring::disabled_from_searcher(searcher),
                )?),
                None => None,
            },
        };
    let (total, mut hits, facet_counts) = searcher.search(&query, &(Count, top, facets))?;
    let tag = match need {
        Need::Every => req.tag(),
        Need::Some => req.tag() ^ SOME_WORDS_TAG,
    };
    let more = hits.len() > req.first;
    if more {
        // The extra one is the farthest from the cursor: last going forward, first going back.
        match req.page {
            Paging::After(_) => hits.truncate(req.first),
            Paging::Before(_) => {
                hits.remove(0);
            }
        }
    }

    // Where the page stands in the whole list: from the cursor it was read from, exact at
    // either end, and never outside the list (a cursor's place can be edited, or results were
    // added or removed since it was given).
    let shown = hits.len() as u64;
    let last_start = (total as u64).saturating_sub(shown) + 1;
    let start = match req.page {
        Paging::After(None) => 1,
        Paging::Before(_) if !more => 1,
        Paging::After(_) if !more => last_start,
        Paging::After(Some(c)) => c.pos.saturating_add(1),
        Paging::Before(Some(c)) => c.pos.saturating_sub(shown),
        Paging::Before(None) => last_start,
    }
    .clamp(1, last_start);

    let generators = match &text_query {
        Some(q) => highlight_generators(index, searcher, q.as_ref(), req.kind, req.lang)?,
        None => Vec::new(),
    };
    let f = &index.fields;
    let mut out = Vec::with_capacity(hits.len());
    for (pos, hit) in (start..).zip(hits) {
        let doc: TantivyDocument = searcher.doc(hit.address)?;
        let id = doc
            .get_first(f.id)
            .and_then(|v| tantivy::schema::Value::as_str(&v))
            .and_then(|s| ProfileId::parse(s).ok())
            .ok_or_else(|| {
                tantivy::TantivyError::InternalError("document without a valid id".into())
            })?;
        let mut highlights: Vec<Highlight> = generators
            .iter()
            .filter_map(|(label, field, g)| {
                let snippet = g.snippet_from_doc(&doc);
                if snippet.is_empty() {
                    return None;
                }
                // The generator read the field's text trimmed (one value per field).
                let whole = doc
                    .get_first(*field)
                    .and_then(|v| tantivy::schema::Value::as_str(&v))
                    .unwrap_or_default()
                    .trim();
                Some(Highlight {
                    field: label.clone(),
                    snippet: super::snippet::passage_html(whole, &snippet, lit),
                })
            })
            .collect();
        if highlights.is_empty() && !concepts.is_empty() {
            let texts: Vec<(String, &str)> = generators
                .iter()
                .filter_map(|(label, field, _)| {
                    doc.get_first(*field)
                        .and_then(|v| tantivy::schema::Value::as_str(&v))
                        .map(|t| (label.clone(), t))
                })
                .collect();
            highlights = concept_highlights(&texts, &concepts);
        }
        let name_indexed = f
            .sme_name
            .iter()
            .chain(&f.investor_name)
            .any(|field| doc.get_first(*field).is_some());
        out.push(SearchHit {
            id,
            score: hit.rank.score,
            part_of_word: hit.rank.part_of_word,
            name_indexed,
            cursor: Cursor {
                rank: hit.rank,
                tag,
                pos,
            }
            .encode(),
            highlights,
        });
    }
    Ok(SearchResults {
        total_count: total as u64,
        hits: out,
        start,
        more,
        some_words: false,
        searched_words: Vec::new(),
        did_you_mean: None,
        facets: Facets {
            sections: facet_values(&facet_counts, "section"),
            provinces: facet_values(&facet_counts, "province"),
            digital_levels: facet_values(&facet_counts, "digital"),
            partnership_types: facet_values(&facet_counts, "partnership"),
        },
    })
}

/// One snippet generator per text field, the requested language's fields first.
fn highlight_generators(
    index: &SearchIndex,
    searcher: &Searcher,
    query: &dyn Query,
    kind: Kind,
    lang: Lang,
) -> Result<Vec<(String, Field, SnippetGenerator)>, SearchError> {
    let mut fields = index.fields.text_fields(kind);
    let suffix = format!(".{}", lang.code());
    fields.sort_by_key(|(_, label)| !label.ends_with(&suffix));
    let mut out = Vec::with_capacity(fields.len());
    for (field, label) in fields {
        let mut g = SnippetGenerator::create(searcher, query, field)?;
        g.set_max_num_chars(SNIPPET_CHARS);
        out.push((label, field, g));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use serde::Deserialize;
    use tantivy::collector::{DocSetCollector, TopDocs};
    use tantivy::schema::{Schema, TextFieldIndexing, TextOptions, STORED, STRING};
    use tantivy::Index;

    use super::super::document;
    use super::*;
    use crate::domain::text::LocalizedText;

    /// An in-memory index with the fields one profile kind has for text search (its texts, whole
    /// words, glossary concepts), its documents built by the profile index's own functions
    /// (`document::add_words`, `add_concepts`), for the evaluations on public text.
    struct EvalIndex {
        searcher: tantivy::Searcher,
        tokenizers: tantivy::tokenizer::TokenizerManager,
        body: Field,
        words: Field,
        concepts: Field,
        id: Field,
    }

    impl EvalIndex {
        /// `dictionary`: whole words include the Khmer dictionary's words, as the profile index
        /// does; without, only words between spaces (before `search::khmer`).
        fn new(docs: &[(String, LocalizedText)], dictionary: bool) -> EvalIndex {
            let mut schema = Schema::builder();
            let text = TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(analyzer::MULTI)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            );
            let raw = TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer("raw")
                    .set_index_option(IndexRecordOption::WithFreqs),
            );
            let body = schema.add_text_field("body", text);
            let words = schema.add_text_field("words", raw.clone());
            let concepts = schema.add_text_field("concepts", raw);
            let id = schema.add_text_field("id", STRING | STORED);
            let index = Index::create_in_ram(schema.build());
            analyzer::register(index.tokenizers());
            let mut writer = index
                .writer_with_num_threads(1, 20_000_000)
                .unwrap_or_else(|e| panic!("writer: {e}"));
            for (key, text) in docs {
                let mut doc = TantivyDocument::default();
                doc.add_text(id, key);
                for lang in Lang::ALL {
                    if let Some(t) = text.get(lang) {
                        doc.add_text(body, t);
                    }
                }
                if dictionary {
                    document::add_words(&mut doc, words, &[text]);
                } else {
                    let mut seen = BTreeSet::new();
                    for lang in Lang::ALL {
                        let t = text.get(lang).unwrap_or("");
                        for w in analyzer::whole_words_with(t, false) {
                            if seen.insert(w.clone()) {
                                doc.add_text(words, w);
                            }
                        }
                    }
                }
                document::add_concepts(&mut doc, concepts, &[text], false);
                writer
                    .add_document(doc)
                    .unwrap_or_else(|e| panic!("add: {e}"));
            }
            writer.commit().unwrap_or_else(|e| panic!("commit: {e}"));
            let searcher = index
                .reader()
                .unwrap_or_else(|e| panic!("reader: {e}"))
                .searcher();
            EvalIndex {
                searcher,
                tokenizers: index.tokenizers().clone(),
                body,
                words,
                concepts,
                id,
            }
        }

        fn analyzer(&self) -> TextAnalyzer {
            self.tokenizers
                .get(analyzer::MULTI)
                .unwrap_or_else(|| panic!("analyzer"))
        }

        fn fields(&self) -> WordFields<'_> {
            WordFields {
                text: std::slice::from_ref(&self.body),
                words: self.words,
                concepts: self.concepts,
            }
        }

        fn key(&self, address: tantivy::DocAddress) -> String {
            let doc: TantivyDocument = self
                .searcher
                .doc(address)
                .unwrap_or_else(|e| panic!("doc: {e}"));
            doc.get_first(self.id)
                .and_then(|v| tantivy::schema::Value::as_str(&v).map(str::to_string))
                .unwrap_or_default()
        }

        /// The ids of the best `n` results, and how many results there are.
        fn top(&self, query: &dyn Query, n: usize) -> (Vec<String>, usize) {
            let (top, all) = self
                .searcher
                .search(
                    query,
                    &(TopDocs::with_limit(n).order_by_score(), DocSetCollector),
                )
                .unwrap_or_else(|e| panic!("search: {e}"));
            let top = top.into_iter().map(|(_, a)| self.key(a)).collect();
            (top, all.len())
        }

        /// The ids of the best `n` results as `search` orders them: those `whole` matches first
        /// (see [`whole_words_query`]), each with whether it is one of those.
        fn top_tiered(
            &self,
            query: &dyn Query,
            whole: &dyn Query,
            n: usize,
        ) -> Vec<(String, bool)> {
            let all = self
                .searcher
                .search(query, &Count)
                .unwrap_or_else(|e| panic!("search: {e}"));
            let (ranked, _) = self.top(query, all.max(1));
            let whole = self.all_ids(whole);
            let (mut first, rest): (Vec<String>, Vec<String>) =
                ranked.into_iter().partition(|id| whole.contains(id));
            let split = first.len();
            first.extend(rest);
            first
                .into_iter()
                .enumerate()
                .map(|(i, id)| (id, i < split))
                .take(n)
                .collect()
        }

        /// The ids of every result.
        fn all_ids(&self, query: &dyn Query) -> BTreeSet<String> {
            self.searcher
                .search(query, &DocSetCollector)
                .unwrap_or_else(|e| panic!("search: {e}"))
                .into_iter()
                .map(|a| self.key(a))
                .collect()
        }
    }

    /// How a variant of the ranked evaluation indexes and queries.
    #[derive(Clone, Copy, PartialEq)]
    enum Variant {
        /// Whole words between spaces only, no dictionary (before `search::khmer`).
        Spaces,
        /// Dictionary words boost; n-gram matches stay results.
        Boost,
        /// As `Boost`, and the hits with every word as a word come first (what `search` does:
        /// `whole_words_query`, `collector::Rank::part_of_word`).
        Tiered,
        /// Only documents with word-level evidence are results.
        WordsOnly,
        /// Word-level hits only when there are any, else n-gram hits.
        WordsElseNgrams,
    }

    /// Counts over the queries of one type.
    #[derive(Default)]
    struct Ranked {
        queries: usize,
        relevant: usize,
        found_relevant: usize,
        top: usize,
        top_relevant: usize,
        first: usize,
        first_relevant: usize,
        /// The top 10's results above the line a tiered list draws ("also found inside longer
        /// words"): all of the top 10 for the other variants.
        words_top: usize,
        words_top_relevant: usize,
        /// The top 10 of the best possible ranking of the same results (every relevant result
        /// first): how many results, and how many relevant. The ceiling of P@10 for a variant
        /// that keeps these results, whatever it ranks by.
        best_top: usize,
        best_top_relevant: usize,
    }

    const CHOSEN: &str = "whole words first (chosen)";

    /// The variants of the ranked evaluation.
    const VARIANTS: [(&str, Variant); 5] = [
        ("spaces only (before)", Variant::Spaces),
        ("dictionary boost", Variant::Boost),
        (CHOSEN, Variant::Tiered),
        ("dictionary words only", Variant::WordsOnly),
        ("words, else n-grams", Variant::WordsElseNgrams),
    ];

    /// Runs every query of `eval` whose type starts with `prefix` (`km`, `ko`) through the real
    /// query of one word (`word_query`) on an in-memory index of the documents with the same
    /// prefix, in each variant; `relevant` says which documents the gold counts for a query.
    /// Per (query type, variant): recall over all results; strict precision of the top 10 (a
    /// result counts only if the gold has the query as a word of it); and precision of the first
    /// min(10, relevant) results (do the word's documents come first); and the P@10 the best
    /// ranking of the same results would have (`Ranked::best_top`).
    fn ranked(
        eval: &analyzer::public_eval::PublicEval,
        prefix: &str,
        relevant: fn(&analyzer::public_eval::PublicQuery) -> &[String],
    ) -> BTreeMap<(String, &'static str), Ranked> {
        let mut table: BTreeMap<(String, &'static str), Ranked> = BTreeMap::new();
        // One index per language, as a monolingual search measures it: documents in the
        // other language would be found through glossary concepts, which is right for a user
        // but not what a monolingual gold segmentation can judge (eval_cross_language does).
        let docs: Vec<(String, LocalizedText)> = eval
            .docs
            .iter()
            .filter(|d| d.id.starts_with(prefix))
            .map(|d| {
                let text = if prefix == "km" {
                    LocalizedText {
                        km: Some(d.text.clone()),
                        ..LocalizedText::default()
                    }
                } else {
                    LocalizedText {
                        ko: Some(d.text.clone()),
                        ..LocalizedText::default()
                    }
                };
                (d.id.clone(), text)
            })
            .collect();
        for (name, variant) in VARIANTS {
            let index = EvalIndex::new(&docs, variant != Variant::Spaces);
            let mut analyzer = index.analyzer();
            let fields = index.fields();
            let ids = |query: &dyn Query| index.top(query, 10);
            for query in eval.queries.iter().filter(|q| q.kind.starts_with(prefix)) {
                let mut query_words = analyse_words(&mut analyzer, &query.q);
                if variant == Variant::Spaces {
                    for w in &mut query_words {
                        w.dictionary.clear();
                    }
                }
                let Some(word) = query_words.first() else {
                    panic!("{}: no query word", query.q);
                };
                let boosted = word_query(&fields, word);
                let strict = || -> Box<dyn Query> {
                    let mut clauses = vec![(Occur::Must, boosted.box_clone())];
                    if let Some(evidence) = word_evidence(fields.words, word) {
                        clauses.push((Occur::Must, evidence));
                    }
                    Box::new(BooleanQuery::new(clauses))
                };
                let chosen: Box<dyn Query> = match variant {
                    Variant::Spaces | Variant::Boost | Variant::Tiered => boosted.box_clone(),
                    Variant::WordsOnly => strict(),
                    Variant::WordsElseNgrams => {
                        let strict = strict();
                        if ids(strict.as_ref()).1 > 0 {
                            strict
                        } else {
                            boosted.box_clone()
                        }
                    }
                };
                let tiered: Vec<(String, bool)> = match variant {
                    Variant::Tiered => {
                        let whole = whole_words_query(&fields, std::slice::from_ref(word))
                            .unwrap_or_else(|| chosen.box_clone());
                        index.top_tiered(chosen.as_ref(), whole.as_ref(), 10)
                    }
                    _ => ids(chosen.as_ref())
                        .0
                        .into_iter()
                        .map(|id| (id, true))
                        .collect(),
                };
                let top: Vec<String> = tiered.iter().map(|(id, _)| id.clone()).collect();
                // All results (for recall) are the ids of every match.
                let found = index.all_ids(chosen.as_ref());
                let expected: BTreeSet<&str> = relevant(query).iter().map(String::as_str).collect();
                let r = table.entry((query.kind.clone(), name)).or_default();
                r.queries += 1;
                r.relevant += expected.len();
                let found_relevant = found
                    .iter()
                    .filter(|f| expected.contains(f.as_str()))
                    .count();
                r.found_relevant += found_relevant;
                r.best_top += found.len().min(10);
                r.best_top_relevant += found_relevant.min(10);
                r.top += top.len();
                r.top_relevant += top.iter().filter(|t| expected.contains(t.as_str())).count();
                let words: Vec<&String> = tiered
                    .iter()
                    .filter(|(_, w)| *w)
                    .map(|(id, _)| id)
                    .collect();
                r.words_top += words.len();
                r.words_top_relevant += words
                    .iter()
                    .filter(|t| expected.contains(t.as_str()))
                    .count();
                let first = top.len().min(expected.len());
                r.first += first;
                r.first_relevant += top[..first]
                    .iter()
                    .filter(|t| expected.contains(t.as_str()))
                    .count();
            }
        }
        table
    }

    fn print_ranked(title: &str, table: &BTreeMap<(String, &'static str), Ranked>) {
        println!("{title}");
        println!(
            "query type           variant                     queries  recall  P@10  P@first  \
             best P@10  P@10 words  words/top"
        );
        for ((kind, name), r) in table {
            println!(
                "{kind:<20} {name:<27} {:>7}  {:>6.2}  {:>4.2}  {:>7.2}  {:>9.2}  {:>10.2}  {:>9.2}",
                r.queries,
                ratio(r.found_relevant, r.relevant),
                ratio(r.top_relevant, r.top),
                ratio(r.first_relevant, r.first),
                ratio(r.best_top_relevant, r.best_top),
                ratio(r.words_top_relevant, r.words_top),
                ratio(r.words_top, r.top),
            );
        }
        println!(
            "(best P@10: the P@10 of the same results ranked with every relevant one first, the \
             most any ranking of them can reach; P@10 words: the strict precision of the top 10's \
             results above the line that says the rest hold the word only inside longer words, \
             and words/top: their share of the top 10; without that line, every result counts)"
        );
    }

    /// Ranked retrieval on text the project did not write (`tests/data/udhr_eval.json`, see its
    /// `about`: the UDHR in Khmer and Korean, gold words from khmer-nltk and nouns from
    /// kiwipiepy). `cargo test --lib eval_ranked_khmer -- --nocapture` prints the table.
    #[test]
    fn eval_ranked_khmer() {
        let eval = analyzer::public_eval::udhr();
        let mut table = ranked(&eval, "km", |q| &q.expect);
        table.extend(ranked(&eval, "ko", |q| &q.expect));
        print_ranked("UDHR (gold: khmer-nltk, kiwipiepy)", &table);
        // The same measurement against word boundaries drawn by people, when the file is
        // there (its corpus's licence keeps it out of the repository).
        match analyzer::public_eval::khpos() {
            None => println!(
                "SKIPPED: the khPOS measurement (tests/data/khpos_eval.json is absent; \
                 tests/data/khpos_eval.py says how to build it)"
            ),
            Some(eval) => {
                print_ranked(
                    "khPOS (gold: manual segmentation; a word of a compound counts)",
                    &ranked(&eval, "km", |q| &q.expect),
                );
                print_ranked(
                    "khPOS (gold: manual segmentation; whole annotated words only)",
                    &ranked(&eval, "km", |q| &q.expect_whole),
                );
            }
        }
        // Regression guards at the measured level (see the README's search section): every
        // relevant document stays a result, and the dictionary puts them first more often.
        let get = |kind: &str, name: &'static str| -> &Ranked { &table[&(kind.to_string(), name)] };
        for kind in ["km 2+ syllables", "km 1 syllable"] {
            let chosen = get(kind, CHOSEN);
            let before = get(kind, "spaces only (before)");
            assert_eq!(chosen.found_relevant, chosen.relevant, "{kind}: recall");
            assert!(
                chosen.first_relevant > before.first_relevant,
                "{kind}: the dictionary ranks relevant documents first more often"
            );
        }
        let chosen = get("km 2+ syllables", CHOSEN);
        // Above the line the search page draws ("also found inside longer words"): measured
        // P@10 0.91 against khmer-nltk's words here (0.98 against khPOS's people, a word of a
        // compound counting), with every relevant document still a result below it.
        assert!(
            chosen.words_top_relevant as f64 >= 0.89 * chosen.words_top as f64,
            "km 2+ syllables: precision above the line"
        );
        assert!(
            chosen.first_relevant as f64 >= 0.93 * chosen.first as f64,
            "km 2+ syllables: precision of the first results"
        );
        // What holds P@10 down is which documents are results, not their order: the ranking
        // is within 0.02 of the best ranking of the same results (measured: 0.82 of 0.82).
        let p10 = ratio(chosen.top_relevant, chosen.top);
        let best = ratio(chosen.best_top_relevant, chosen.best_top);
        assert!(
            p10 >= best - 0.02,
            "km 2+ syllables: P@10 {p10:.3} is more than 0.02 under the best ranking's {best:.3}"
        );
        // Korean nouns (the Korean articles are unspaced in this source, so there is little
        // word-level evidence and the n-grams rank alone): measured P@10 0.95, first 0.97.
        let korean = get("ko noun 2+ syllables", CHOSEN);
        assert_eq!(korean.found_relevant, korean.relevant, "ko: recall");
        assert!(
            korean.top_relevant as f64 >= 0.94 * korean.top as f64,
            "ko noun 2+ syllables: P@10"
        );
    }

    use proptest::strategy::Strategy as _;

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(64))]
        /// A piece of Khmer text cut where syllables start finds the text it was cut from,
        /// whatever the syllables around it (a spelling that depended on a neighbour would
        /// break this: the rewrite tried for words written two ways did, រៀបចំ missed
        /// រៀបចំការ).
        #[test]
        fn a_piece_of_khmer_text_finds_the_text(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    6 => proptest::char::range('\u{1780}', '\u{17A2}').prop_map(String::from),
                    2 => proptest::char::range('\u{17B6}', '\u{17C8}').prop_map(String::from),
                    1 => proptest::strategy::Just("\u{17D2}".to_string()),
                    // Words written two ways, and words that meet them (រៀបចំ|ការ).
                    6 => proptest::sample::select(khmer_words_for_properties()),
                ],
                2..24,
            ),
            from in 0usize..40,
            len in 1usize..8,
        ) {
            let text: String = pieces.concat();
            let starts: Vec<usize> = text
                .char_indices()
                .map(|(at, _)| at)
                .filter(|at| *at == 0 || analyzer::khmer_syllable_starts_at(&text, *at))
                .chain(std::iter::once(text.len()))
                .collect();
            let from = from % (starts.len() - 1);
            let to = (from + len).min(starts.len() - 1);
            let piece = &text[starts[from]..starts[to]];
            let docs = vec![("km1".to_string(), LocalizedText {
                km: Some(text.clone()),
                ..LocalizedText::default()
            })];
            let index = EvalIndex::new(&docs, true);
            let mut analyzer = index.analyzer();
            let words = analyse_words(&mut analyzer, piece);
            // A piece the query path refuses (marks only) searches for nothing.
            if let Some(query) = text_query(&index.fields(), &words) {
                let found = index.all_ids(query.as_ref());
                proptest::prop_assert!(found.contains("km1"), "{piece:?} in {text:?}");
            }
        }
    }

    /// Both spellings of every word of `data/khmer_spelling_variants.tsv`, and words that end in
    /// a syllable those begin with or begin with one they end with.
    fn khmer_words_for_properties() -> Vec<String> {
        let mut words: Vec<String> = super::super::khmer_variants::listed()
            .flat_map(|(mo, nikahit)| [mo.to_string(), nikahit.to_string()])
            .collect();
        words.extend(
            [
                "រៀបចំ",
                "អប់រំ",
                "ការ",
                "ហើយ",
                "កំពង់",
                "ចាម",
                "កម្ពុជា",
                "ធំ",
                "នៅ",
                "លើ",
            ]
            .map(String::from),
        );
        words
    }

    /// Khmer words in their other spelling (`search::khmer_variants`: សំរាប់ / សម្រាប់) on text the
    /// project did not write: the UDHR's Khmer articles and, when its file is built, the khPOS
    /// sentences. For every listed word found in them in either spelling, each spelling is
    /// queried through the real query path; a document is relevant when one of its chunks
    /// between spaces holds the word in either spelling. `cargo test --lib
    /// eval_khmer_variant_spellings -- --nocapture` prints the table.
    #[test]
    fn eval_khmer_variant_spellings() {
        let mut sets = vec![("UDHR", analyzer::public_eval::udhr())];
        match analyzer::public_eval::khpos() {
            Some(eval) => sets.push(("khPOS", eval)),
            None => println!(
                "SKIPPED: the khPOS part (tests/data/khpos_eval.json is absent; \
                 tests/data/khpos_eval.py says how to build it)"
            ),
        }
        let pairs: Vec<(&str, &str)> = super::super::khmer_variants::listed().collect();
        let syllables = analyzer::khmer_syllable_texts;
        println!(
            "text   words  queries  relevant  recall  (documents in the other spelling: found/all)"
        );
        for (name, eval) in &sets {
            let docs: Vec<(String, LocalizedText)> = eval
                .docs
                .iter()
                .filter(|d| d.id.starts_with("km"))
                .map(|d| {
                    let text = LocalizedText {
                        km: Some(d.text.clone()),
                        ..LocalizedText::default()
                    };
                    (d.id.clone(), text)
                })
                .collect();
            // Each document's chunks between spaces, as syllables in the normalised spelling as
            // written; a word is in a chunk when its syllables are (លំហ is not in លំហែ).
            let chunks: Vec<(String, Vec<Vec<String>>)> = eval
                .docs
                .iter()
                .filter(|d| d.id.starts_with("km"))
                .map(|d| {
                    (
                        d.id.clone(),
                        d.text.split_whitespace().map(syllables).collect(),
                    )
                })
                .collect();
            let holding = |word: &str| -> BTreeSet<String> {
                let word = syllables(word);
                chunks
                    .iter()
                    .filter(|(_, c)| {
                        c.iter()
                            .any(|chunk| chunk.windows(word.len()).any(|w| w == word.as_slice()))
                    })
                    .map(|(id, _)| id.clone())
                    .collect()
            };
            let index = EvalIndex::new(&docs, true);
            let mut analyzer = index.analyzer();
            let fields = index.fields();
            let (mut words, mut queries, mut relevant, mut found) = (0, 0, 0, 0);
            let (mut other, mut other_found) = (0, 0);
            for (mo, nikahit) in &pairs {
                let (with_mo, with_nikahit) = (holding(mo), holding(nikahit));
                if with_mo.is_empty() && with_nikahit.is_empty() {
                    continue;
                }
                words += 1;
                let expected: BTreeSet<String> = with_mo.union(&with_nikahit).cloned().collect();
                for (q, own) in [(mo, &with_mo), (nikahit, &with_nikahit)] {
                    let query_words = analyse_words(&mut analyzer, q);
                    let Some(query) = text_query(&fields, &query_words) else {
                        panic!("{q}: no query word");
                    };
                    let results: BTreeSet<String> =
                        index.all_ids(query.as_ref()).into_iter().collect();
                    queries += 1;
                    relevant += expected.len();
                    found += expected.intersection(&results).count();
                    for missed in expected.difference(&results) {
                        println!("  missed: {q} in {missed}");
                    }
                    let elsewhere: BTreeSet<&String> = expected.difference(own).collect();
                    other += elsewhere.len();
                    other_found += elsewhere.iter().filter(|d| results.contains(**d)).count();
                }
            }
            println!(
                "{name:<6} {words:>5}  {queries:>7}  {relevant:>8}  {:>6.2}  {other_found}/{other}",
                ratio(found, relevant)
            );
            assert_eq!(
                found, relevant,
                "{name}: a spelling missed the other's documents"
            );
        }
    }

    #[derive(Deserialize)]
    struct CrossEval {
        docs: Vec<CrossLine>,
        queries: Vec<CrossQuery>,
    }

    /// One line of the parallel corpus: the same sentence in the three languages, and the half
    /// of the evaluation its article is in.
    #[derive(Deserialize)]
    struct CrossLine {
        line: usize,
        half: Half,
        en: String,
        km: String,
        ko: String,
    }

    /// The script splits the articles in two (alternately, in corpus order): the glossary is
    /// tuned on `Dev` only, and `Heldout` says whether the tuning carries over to text it was
    /// not read from.
    #[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
    #[serde(rename_all = "lowercase")]
    enum Half {
        Dev,
        Heldout,
    }

    /// A glossary concept the English side mentions: its first form per language (the query
    /// text) and the lines whose English sentence mentions it (relevance).
    #[derive(Deserialize)]
    struct CrossQuery {
        concept: String,
        en: String,
        km: String,
        ko: String,
        lines: Vec<usize>,
    }

    impl CrossQuery {
        fn form(&self, lang: Lang) -> &str {
            match lang {
                Lang::En => &self.en,
                Lang::Km => &self.km,
                Lang::Ko => &self.ko,
            }
        }
    }

    /// Counts over the queries of one direction, on one half or on both.
    #[derive(Default)]
    struct Cross {
        /// Queries with at least one relevant line in the half.
        queries: usize,
        relevant: usize,
        found: usize,
        found_relevant: usize,
        /// Concepts with relevant documents not found: (concept, missed, relevant).
        missed: Vec<(String, usize, usize)>,
        /// Concepts with results that are not relevant: (concept, wrong result lines).
        wrong: Vec<(String, Vec<usize>)>,
    }

    impl Cross {
        fn add(&mut self, concept: &str, expected: &BTreeSet<usize>, found: &BTreeSet<usize>) {
            let hits = found.intersection(expected).count();
            if !expected.is_empty() {
                self.queries += 1;
            }
            self.relevant += expected.len();
            self.found += found.len();
            self.found_relevant += hits;
            if hits < expected.len() {
                self.missed
                    .push((concept.to_string(), expected.len() - hits, expected.len()));
            }
            if hits < found.len() {
                let wrong = found.difference(expected).copied().collect();
                self.wrong.push((concept.to_string(), wrong));
            }
        }

        fn recall(&self) -> f64 {
            ratio(self.found_relevant, self.relevant)
        }

        fn precision(&self) -> f64 {
            ratio(self.found_relevant, self.found)
        }
    }

    /// The blind relevance judgments of `tests/data/crosslang_judged.tsv` (made by
    /// `tests/data/crosslang_judge.py`): (concept, line) → grade 0, 1 or 2.
    fn cross_judgments() -> BTreeMap<(String, usize), u8> {
        let file = include_str!("../../tests/data/crosslang_judged.tsv");
        file.lines()
            .filter(|row| !row.starts_with('#') && !row.starts_with("concept\t"))
            .map(|row| {
                let cols: Vec<&str> = row.split('\t').collect();
                // The fourth column is the judge's reason, for people.
                let [concept, line, grade, ..] = cols[..] else {
                    panic!("crosslang_judged.tsv: {row:?}");
                };
                let parse = |s: &str| {
                    s.parse::<usize>()
                        .unwrap_or_else(|e| panic!("crosslang_judged.tsv: {row:?}: {e}"))
                };
                let grade = u8::try_from(parse(grade)).ok().filter(|g| *g <= 2);
                let grade = grade.unwrap_or_else(|| panic!("crosslang_judged.tsv: {row:?}"));
                ((concept.to_string(), parse(line)), grade)
            })
            .collect()
    }

    /// The second round of blind judgments (`tests/data/crosslang_judged_target.tsv`, made by
    /// `crosslang_judge.py pool-target`): HELD-OUT pairs judged on the Khmer or Korean line
    /// itself. (concept, line, language code of the line) → grade 0, 1 or 2.
    fn cross_judgments_target() -> BTreeMap<(String, usize, &'static str), u8> {
        let file = include_str!("../../tests/data/crosslang_judged_target.tsv");
        file.lines()
            .filter(|row| !row.starts_with('#') && !row.starts_with("concept\t"))
            .map(|row| {
                let bad = || panic!("crosslang_judged_target.tsv: {row:?}");
                let [concept, line, lang, grade] = row.split('\t').collect::<Vec<_>>()[..] else {
                    bad()
                };
                let line: usize = line.parse().unwrap_or_else(|_| bad());
                let lang = Lang::ALL
                    .into_iter()
                    .find(|l| l.code() == lang)
                    .unwrap_or_else(|| bad())
                    .code();
                let grade: u8 = grade
                    .parse()
                    .ok()
                    .filter(|g| *g <= 2)
                    .unwrap_or_else(|| bad());
                ((concept.to_string(), line, lang), grade)
            })
            .collect()
    }

    fn ratio(a: usize, b: usize) -> f64 {
        if b == 0 {
            1.0
        } else {
            a as f64 / b as f64
        }
    }

    /// Cross-language search on text the project did not write (`tests/data/crosslang_eval.json`,
    /// see its `about`: news sentences of NTREX-128 in English, Khmer and Korean, CC BY-SA 4.0).
    /// Every sentence is its own monolingual document, indexed with its whole words and glossary
    /// concepts by the profile index's functions; a query is a glossary concept's first form in
    /// one language, run through the real query path (`analyse_words`, `text_query`), and its
    /// results in another language are compared with the lines whose English sentence mentions
    /// the concept (found by an English lemmatizer, not by the glossary), and with the lines blind
    /// judges say mention it (`tests/data/crosslang_judged.tsv`, see `crosslang_judge.py`), and,
    /// for HELD-OUT results in Khmer and Korean, with the lines judges reading that Khmer or
    /// Korean line itself say mention it (`crosslang_judged_target.tsv`). Per
    /// direction: recall, and strict precision (a result counts only if its line is relevant), on
    /// the DEV half, the HELD-OUT half and both. The misses and the false hits (against the
    /// judgments) are printed for DEV only: the glossary is tuned on what DEV shows, and
    /// HELD-OUT's figures are only honest while its misses stay unread. The floors hold on
    /// HELD-OUT.
    /// `cargo test --lib eval_cross_language -- --nocapture` prints the tables, the DEV misses
    /// and, per result language, the DEV false hits with the words the concept was found in.
    #[test]
    fn eval_cross_language() {
        let eval: CrossEval =
            serde_json::from_str(include_str!("../../tests/data/crosslang_eval.json"))
                .unwrap_or_else(|e| panic!("tests/data/crosslang_eval.json: {e}"));
        let key = |lang: Lang, line: usize| format!("{}{line:04}", lang.code());
        let half_of: BTreeMap<usize, Half> = eval.docs.iter().map(|d| (d.line, d.half)).collect();
        let docs: Vec<(String, LocalizedText)> = eval
            .docs
            .iter()
            .flat_map(|d| {
                [(Lang::En, &d.en), (Lang::Km, &d.km), (Lang::Ko, &d.ko)].map(|(lang, text)| {
                    let mut t = LocalizedText::default();
                    match lang {
                        Lang::En => t.en = Some(text.clone()),
                        Lang::Km => t.km = Some(text.clone()),
                        Lang::Ko => t.ko = Some(text.clone()),
                    }
                    (key(lang, d.line), t)
                })
            })
            .collect();
        let index = EvalIndex::new(&docs, true);
        let mut analyzer = index.analyzer();
        let fields = index.fields();
        let directions = [
            (Lang::Ko, Lang::Km),
            (Lang::En, Lang::Km),
            (Lang::Km, Lang::Ko),
            (Lang::En, Lang::Ko),
            (Lang::Km, Lang::En),
            (Lang::Ko, Lang::En),
        ];
        let halves: [(&str, Option<Half>); 3] = [
            ("DEV", Some(Half::Dev)),
            ("HELD-OUT", Some(Half::Heldout)),
            ("ALL", None),
        ];
        // Per direction, per entry of `halves`.
        let mut table: Vec<((Lang, Lang), [Cross; 3])> = Vec::new();
        // Every result, for the pool of pairs to judge blind (`tests/data/crosslang_judge.py`):
        // "from>to<TAB>concept<TAB>line" per line, written when KHKR_CROSSLANG_FOUND names a file.
        let mut all_found: Vec<String> = Vec::new();
        // The same results against the blind judgments instead of the lemma rule: per direction,
        // [grade 2 ("mentions it"), grade 1 or 2 (also "a kind of it")] per entry of `halves`,
        // and the results the judgments do not cover (counted as not relevant).
        let judged = cross_judgments();
        type Halves = [Cross; 3];
        let mut judged_table: Vec<((Lang, Lang), [Halves; 2], usize)> = Vec::new();
        // And against the second round, on HELD-OUT, for the directions into Khmer and Korean:
        // [grade 2, grade 1 or 2], and the results that round did not judge.
        let judged_target = cross_judgments_target();
        let mut target_table: Vec<((Lang, Lang), [Cross; 2], usize)> = Vec::new();
        for (from, to) in directions {
            let mut counts: [Cross; 3] = Default::default();
            let mut judged_counts: [Halves; 2] = Default::default();
            let mut target_counts: [Cross; 2] = Default::default();
            let mut unjudged = 0;
            let mut target_unjudged = 0;
            for q in &eval.queries {
                let words = analyse_words(&mut analyzer, q.form(from));
                let Some(query) = text_query(&fields, &words) else {
                    panic!("{}: no query word in {:?}", q.concept, q.form(from));
                };
                let prefix = to.code();
                let found: BTreeSet<usize> = index
                    .all_ids(query.as_ref())
                    .into_iter()
                    .filter_map(|id| id.strip_prefix(prefix)?.parse().ok())
                    .collect();
                all_found.extend(
                    found.iter().map(|line| {
                        format!("{}>{}\t{}\t{line}", from.code(), to.code(), q.concept)
                    }),
                );
                let expected: BTreeSet<usize> = q.lines.iter().copied().collect();
                for ((_, half), c) in halves.iter().zip(&mut counts) {
                    let keep = |l: &usize| half.is_none_or(|h| half_of.get(l) == Some(&h));
                    let expected = expected.iter().copied().filter(keep).collect();
                    let found = found.iter().copied().filter(keep).collect();
                    c.add(&q.concept, &expected, &found);
                }
                let grade = |line: usize| judged.get(&(q.concept.clone(), line)).copied();
                unjudged += found.iter().filter(|l| grade(**l).is_none()).count();
                if to != Lang::En {
                    let held_out: BTreeSet<usize> = found
                        .iter()
                        .copied()
                        .filter(|l| half_of.get(l) == Some(&Half::Heldout))
                        .collect();
                    let grade = |line: usize| {
                        judged_target
                            .get(&(q.concept.clone(), line, to.code()))
                            .copied()
                    };
                    target_unjudged += held_out.iter().filter(|l| grade(**l).is_none()).count();
                    for (min, c) in [2, 1].into_iter().zip(&mut target_counts) {
                        let expected: BTreeSet<usize> = eval
                            .docs
                            .iter()
                            .map(|d| d.line)
                            .filter(|l| grade(*l).is_some_and(|g| g >= min))
                            .collect();
                        c.add(&q.concept, &expected, &held_out);
                    }
                }
                let pool = judged.range((q.concept.clone(), 0)..=(q.concept.clone(), usize::MAX));
                for (min, counts) in [2, 1].into_iter().zip(&mut judged_counts) {
                    let expected: BTreeSet<usize> = pool
                        .clone()
                        .filter(|(_, g)| **g >= min)
                        .map(|((_, line), _)| *line)
                        .collect();
                    for ((_, half), c) in halves.iter().zip(counts.iter_mut()) {
                        let keep = |l: &usize| half.is_none_or(|h| half_of.get(l) == Some(&h));
                        let expected = expected.iter().copied().filter(keep).collect();
                        let found = found.iter().copied().filter(keep).collect();
                        c.add(&q.concept, &expected, &found);
                    }
                }
            }
            table.push(((from, to), counts));
            judged_table.push(((from, to), judged_counts, unjudged));
            if to != Lang::En {
                target_table.push(((from, to), target_counts, target_unjudged));
            }
        }
        if let Some(path) = std::env::var_os("KHKR_CROSSLANG_FOUND") {
            all_found.push(String::new());
            std::fs::write(&path, all_found.join("\n"))
                .unwrap_or_else(|e| panic!("{}: {e}", path.to_string_lossy()));
        }
        for (h, (name, _)) in halves.iter().enumerate() {
            println!("{name}: direction  queries  relevant  found  recall  strict precision");
            for ((from, to), counts) in &table {
                let c = &counts[h];
                println!(
                    "{}->{}      {:>7}  {:>8}  {:>5}  {:>6.2}  {:>16.2}",
                    from.code(),
                    to.code(),
                    c.queries,
                    c.relevant,
                    c.found,
                    c.recall(),
                    c.precision(),
                );
            }
        }
        // A judged table's row: grade 2 relevant (strict), then grade 1 or 2 (lenient).
        let judged_row = |(from, to): &(Lang, Lang), s: &Cross, l: &Cross, unjudged: usize| {
            println!(
                "{}->{}  {:>8}  {:>6.2}  {:>16.2}  {:>8}  {:>6.2}  {:>9.2}  {unjudged:>5}",
                from.code(),
                to.code(),
                s.relevant,
                s.recall(),
                s.precision(),
                l.relevant,
                l.recall(),
                l.precision(),
            );
        };
        let columns = "direction  relevant  recall  strict precision  \
                       (a kind of it counts: relevant  recall  precision)  results not judged";
        for (h, (name, _)) in halves.iter().enumerate() {
            println!("{name}, blind judgments: {columns}");
            for (direction, [strict, lenient], unjudged) in &judged_table {
                judged_row(direction, &strict[h], &lenient[h], *unjudged);
            }
        }
        println!("HELD-OUT, judged on the Khmer or Korean line itself: {columns}");
        for (direction, [s, l], unjudged) in &target_table {
            judged_row(direction, s, l, *unjudged);
        }
        // What DEV shows, against the blind judgments ("mentions it"): the glossary is tuned on it.
        let list = |v: Vec<String>| v.join(", ");
        for ((from, to), [strict, _], _) in &judged_table {
            let dev = &strict[0];
            println!(
                "DEV {}->{} missed (concept missed/relevant): {}",
                from.code(),
                to.code(),
                list(
                    dev.missed
                        .iter()
                        .map(|(k, m, r)| format!("{k} {m}/{r}"))
                        .collect()
                )
            );
            println!(
                "DEV {}->{} not relevant (concept results): {}",
                from.code(),
                to.code(),
                list(
                    dev.wrong
                        .iter()
                        .map(|(k, l)| format!("{k} {}", l.len()))
                        .collect()
                )
            );
        }
        // The DEV false hits per result language, each with the words around what the concept
        // was found in: a short form firing inside another word shows here (ពន្ធ in ពន្ធនាគារ).
        let text_of: BTreeMap<usize, &CrossLine> = eval.docs.iter().map(|d| (d.line, d)).collect();
        let g = glossary();
        for to in Lang::ALL {
            let mut hits: BTreeMap<(String, String), BTreeSet<usize>> = BTreeMap::new();
            for ((_, t), [strict, _], _) in &judged_table {
                if *t != to {
                    continue;
                }
                for (concept, lines) in &strict[0].wrong {
                    let Some(ci) = g.index_of(concept) else {
                        continue;
                    };
                    for line in lines {
                        let d = text_of[line];
                        let text = match to {
                            Lang::En => &d.en,
                            Lang::Km => &d.km,
                            Lang::Ko => &d.ko,
                        };
                        for m in g.find(text).into_iter().filter(|m| m.concept == ci) {
                            let around = |at: usize, back: bool| {
                                let mut at = at;
                                for _ in 0..6 {
                                    let next = if back {
                                        text[..at].chars().next_back()
                                    } else {
                                        text[at..].chars().next()
                                    };
                                    match next {
                                        Some(c) if !c.is_whitespace() => {
                                            at = if back {
                                                at - c.len_utf8()
                                            } else {
                                                at + c.len_utf8()
                                            };
                                        }
                                        _ => break,
                                    }
                                }
                                at
                            };
                            let (a, b) = (around(m.range.start, true), around(m.range.end, false));
                            let shown = format!(
                                "{}[{}]{}",
                                &text[a..m.range.start],
                                &text[m.range.clone()],
                                &text[m.range.end..b]
                            );
                            hits.entry((concept.clone(), shown))
                                .or_default()
                                .insert(*line);
                        }
                    }
                }
            }
            println!(
                "DEV false hits in {} (concept: context [form] context, lines):",
                to.code()
            );
            for ((concept, shown), lines) in hits {
                let lines: Vec<String> = lines.iter().map(usize::to_string).collect();
                println!("  {concept}: {shown}  {}", lines.join(" "));
            }
        }
        // Regression guards on HELD-OUT, 0.02 under the measured figures (README, search
        // section). Issue 11 asks 0.90 recall; the glossary does not reach it on this text yet,
        // so these floors only keep it from getting worse.
        let floors = [
            ((Lang::Ko, Lang::Km), 0.74, 0.48),
            ((Lang::En, Lang::Km), 0.73, 0.49),
            ((Lang::Km, Lang::Ko), 0.71, 0.56),
            ((Lang::En, Lang::Ko), 0.71, 0.56),
            ((Lang::Km, Lang::En), 0.93, 0.76),
            ((Lang::Ko, Lang::En), 0.93, 0.72),
        ];
        // The same against the blind judgments (grade 2, "mentions it"): the figure issue 11's
        // "a bilingual reader would say match" is closest to.
        let judged_floors = [
            ((Lang::Ko, Lang::Km), 0.78, 0.48),
            ((Lang::En, Lang::Km), 0.77, 0.49),
            ((Lang::Km, Lang::Ko), 0.78, 0.57),
            ((Lang::En, Lang::Ko), 0.78, 0.57),
            ((Lang::Km, Lang::En), 0.79, 0.61),
            ((Lang::Ko, Lang::En), 0.79, 0.58),
        ];
        // One check for both: recall and strict precision of a direction's HELD-OUT counts.
        let at_least = |name: String, held_out: &Cross, recall: f64, precision: f64| {
            let (r, p) = (held_out.recall(), held_out.precision());
            assert!(r >= recall, "{name}: recall {r:.3} under {recall}");
            assert!(
                p >= precision,
                "{name}: strict precision {p:.3} under {precision}"
            );
        };
        // A glossary change that finds lines nobody judged should have the pool judged again
        // (tests/data/crosslang_judge.py); until then they count as not relevant, which can only
        // lower precision (recall's denominator is the judged lines).
        for ((direction, [strict, _], _), (d, recall, precision)) in
            judged_table.iter().zip(judged_floors)
        {
            assert!(*direction == d);
            let name = format!("HELD-OUT {}->{} (blind judgments)", d.0.code(), d.1.code());
            at_least(name, &strict[1], recall, precision);
        }
        // Against the second round (the line in its own language; grade 2), 0.02 under the
        // measured figures.
        let target_floors = [
            ((Lang::Ko, Lang::Km), 0.81, 0.58),
            ((Lang::En, Lang::Km), 0.80, 0.60),
            ((Lang::Km, Lang::Ko), 0.81, 0.65),
            ((Lang::En, Lang::Ko), 0.81, 0.65),
        ];
        for ((direction, [strict, _], _), (d, recall, precision)) in
            target_table.iter().zip(target_floors)
        {
            assert!(*direction == d);
            let name = format!(
                "HELD-OUT {}->{} (judged on the {} line)",
                d.0.code(),
                d.1.code(),
                d.1.code()
            );
            at_least(name, strict, recall, precision);
        }
        for ((direction, counts), (d, recall, precision)) in table.iter().zip(floors) {
            assert!(*direction == d);
            let name = format!("HELD-OUT {}->{}", d.0.code(), d.1.code());
            at_least(name, &counts[1], recall, precision);
        }
    }

    #[test]
    fn a_query_word_searches_the_concepts_it_names_not_those_they_imply() {
        let index = EvalIndex::new(&[], true);
        let mut analyzer = index.analyzer();
        let words = analyse_words(&mut analyzer, "대학교");
        let concepts: Vec<&str> = words
            .iter()
            .flat_map(|w| &w.concepts)
            .map(String::as_str)
            .collect();
        assert_eq!(concepts, ["en:university", "km:university"]);
    }

    /// What highlights look for has no lone last syllable: a highlighter would mark it in every
    /// word that has it (QA: the lone ត of ស្ករត្នោត lit up in 10 of 34 highlights).
    #[test]
    fn no_lone_last_syllable_in_a_query_word() {
        let mut a = analyzer::analyzer();
        let texts = |w: &str, a: &mut TextAnalyzer| -> Vec<String> {
            without_last_unigram(&analyse_piece(a, w))
                .into_iter()
                .map(|(_, t)| t)
                .collect()
        };
        assert_eq!(texts("ស្ករត្នោត", &mut a), ["ស្ករ", "រត្នោ", "ត្នោត"]);
        assert_eq!(texts("ទីពីរ", &mut a), ["ទីពី", "ពីរ"]);
        assert_eq!(texts("화장품", &mut a), ["화장", "장품"]);
        // A one-syllable word keeps its one token.
        assert_eq!(texts("ស", &mut a), ["ស"]);
        assert_eq!(texts("쌀", &mut a), ["쌀"]);
    }

    #[test]
    fn cursors_round_trip() {
        for (part_of_word, pos) in [(false, 1), (true, u64::MAX)] {
            let c = Cursor {
                rank: Rank {
                    part_of_word,
                    score: 3.25,
                    key: u128::MAX - 7,
                },
                tag: 0xdead_beef,
                pos,
            };
            assert_eq!(Cursor::parse(&c.encode()).unwrap(), c);
        }
        assert!(Cursor::parse("page-2").is_err());
        let key = "0".repeat(32);
        assert!(Cursor::parse(&format!("w-zzzzzzzz-{key}-00000000-1")).is_err());
        // The tier is `w` or `p`, and there is one (cursors of before the tiers are refused).
        assert!(Cursor::parse(&format!("x-3f800000-{key}-00000000-1")).is_err());
        assert!(Cursor::parse(&format!("3f800000-{key}-00000000")).is_err());
        // A place is one to sixteen hexadecimal digits, and there is one.
        for pos in ["", "+1", "g", &"f".repeat(17)] {
            assert!(
                Cursor::parse(&format!("w-3f800000-{key}-00000000-{pos}")).is_err(),
                "{pos}"
            );
        }
        assert!(Cursor::parse(&format!("w-3f800000-{key}-00000000")).is_err());
        // Scores no search gives: NaN, infinities, negative; and a sign before the digits.
        for score in [
            "7fc00000", "7f800000", "ff800000", "bf800000", "80000000", "+3f80000",
        ] {
            assert!(
                Cursor::parse(&format!("w-{score}-{key}-00000000-1")).is_err(),
                "{score}"
            );
        }
        assert!(Cursor::parse(&format!("w-3f800000-{key}-+0000000-1")).is_err());
        assert!(Cursor::parse(&format!("p-3f800000-{key}-00000000-a")).is_ok());
    }
}
