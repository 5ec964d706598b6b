//! Turning a search request (free text, filters, page) into a tantivy query, and running it.
//!
//! User text is never parsed as query syntax: it is split on white space into words, each word
//! is analysed exactly as documents were, and a word matches a field when its tokens appear
//! there in order (one term, or a phrase of Khmer/Korean n-grams). Every word must match some
//! name or description field; filters restrict without changing scores.

use std::ops::Bound;

use tantivy::collector::{Count, FacetCollector, FacetCounts};
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, TantivyDocument, Term};

use super::analyzer;
use super::collector::{KeysetTop, Rank};
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
use crate::matching::glossary::glossary;

/// Longest query text accepted, in characters: a search box, not a document.
pub const MAX_QUERY_CHARS: usize = 500;
/// Characters of context in a highlight snippet.
const SNIPPET_CHARS: usize = 160;

/// English words too common to require (kept when a query has nothing else).
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with",
];

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

/// An opaque position after which the next page starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cursor(Rank);

impl Cursor {
    pub fn encode(&self) -> String {
        format!("{:08x}-{:032x}", self.0.score.to_bits(), self.0.key)
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        let bad = || format!("{s:?} is not a cursor of this search");
        let (score, key) = s.split_once('-').ok_or_else(bad)?;
        if score.len() != 8 || key.len() != 32 {
            return Err(bad());
        }
        let score = u32::from_str_radix(score, 16).map_err(|_| bad())?;
        let key = u128::from_str_radix(key, 16).map_err(|_| bad())?;
        Ok(Cursor(Rank {
            score: f32::from_bits(score),
            key,
        }))
    }
}

#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub kind: Kind,
    pub text: String,
    pub filter: Filter,
    pub first: usize,
    pub after: Option<Cursor>,
    /// Highlights in this language come first.
    pub lang: Lang,
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
    pub has_next_page: bool,
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
    tokens
}

/// One word of a query, and everything that counts as finding it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QueryWord {
    /// Alternative forms: the word as typed first, then its Korean stems (see `korean`); each
    /// form is the ordered tokens it analyses to.
    pub forms: Vec<Vec<(usize, String)>>,
    /// Concept tokens of the glossary concepts the word is part of, as mentioned in the other
    /// two languages (`km:cashew` and `en:cashew` for 캐슈넛): the word finds profiles written
    /// in another language, while in its own language it matches as written, so a query keeps
    /// the precision it has without the glossary (파트너 does not find 협력).
    pub concepts: Vec<String>,
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

/// The query's words; a word matches where any of its forms or concepts does.
pub(crate) fn analyse_words(analyzer: &mut TextAnalyzer, text: &str) -> Vec<QueryWord> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let content: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| !STOP_WORDS.contains(&w.to_lowercase().as_str()))
        .collect();
    let words = if content.is_empty() { words } else { content };
    // Concepts are found in the whole text, so that a form of several words ("cashew nut",
    // "phnom penh") counts for each of its words.
    let g = glossary();
    let mentions = g.find(text);
    let mut out = Vec::new();
    for w in words {
        let full = analyse_piece(analyzer, w);
        if full.is_empty() {
            continue;
        }
        let mut forms = vec![full];
        for stem in korean::stems(w) {
            let tokens = analyse_piece(analyzer, &stem);
            if !tokens.is_empty() && !forms.contains(&tokens) {
                forms.push(tokens);
            }
        }
        // `w` is a slice of `text`: its byte range by address.
        let start = w.as_ptr() as usize - text.as_ptr() as usize;
        let range = start..start + w.len();
        let own = script_language(w);
        let mut concepts: Vec<String> = Vec::new();
        for m in &mentions {
            if m.range.start < range.end && range.start < m.range.end {
                if let Some(c) = g.concept(m.concept) {
                    for lang in Lang::ALL.into_iter().filter(|l| *l != own) {
                        let token = concept_token(lang, &c.id);
                        if !concepts.contains(&token) {
                            concepts.push(token);
                        }
                    }
                }
            }
        }
        out.push(QueryWord { forms, concepts });
    }
    out
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

/// The query to run, and its text part alone (for highlighting) when there is text.
type Built = (Box<dyn Query>, Option<Box<dyn Query>>);

/// The full query: words (scored) and filters (not scored).
fn build(index: &SearchIndex, req: &SearchRequest) -> Result<Built, SearchError> {
    let f = &index.fields;
    let mut analyzer = index
        .index
        .tokenizers()
        .get(analyzer::MULTI)
        .ok_or_else(|| tantivy::TantivyError::InternalError("analyzer not registered".into()))?;
    let words = analyse_words(&mut analyzer, &req.text);
    // A blank query browses; a query whose every character is dropped by the analyzer is not
    // blank, and answering it with every profile would be a lie.
    if words.is_empty() && !req.text.trim().is_empty() {
        return Err(SearchError::NoSearchableWord);
    }
    let text_fields = f.text_fields(req.kind);
    let text_query: Option<Box<dyn Query>> = if words.is_empty() {
        None
    } else {
        let musts = words
            .iter()
            .map(|word| {
                let concepts = f.concepts(req.kind);
                let per_field = text_fields
                    .iter()
                    .flat_map(|(field, _)| {
                        word.forms
                            .iter()
                            .map(|tokens| (Occur::Should, word_in_field(*field, tokens)))
                    })
                    .chain(word.concepts.iter().map(|id| {
                        let q: Box<dyn Query> = Box::new(TermQuery::new(
                            Term::from_field_text(concepts, id),
                            IndexRecordOption::WithFreqs,
                        ));
                        (Occur::Should, q)
                    }))
                    .collect();
                (
                    Occur::Must,
                    Box::new(BooleanQuery::new(per_field)) as Box<dyn Query>,
                )
            })
            .collect();
        Some(Box::new(BooleanQuery::new(musts)))
    };
    let filters = filter_clauses(f, req.kind, &req.filter)
        .into_iter()
        .map(|q| (Occur::Must, q))
        .collect();
    // Filters score 0 so that scores are text relevance alone; a browse scores every match 1.
    let filter: Box<dyn Query> = Box::new(ConstScoreQuery::new(
        Box::new(BooleanQuery::new(filters)),
        0.0,
    ));
    let base: Box<dyn Query> = match &text_query {
        Some(t) => t.box_clone(),
        None => Box::new(ConstScoreQuery::new(Box::new(AllQuery), 1.0)),
    };
    let query = Box::new(BooleanQuery::new(vec![
        (Occur::Must, base),
        (Occur::Must, filter),
    ]));
    Ok((query, text_query))
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
    let (query, text_query) = build(index, req)?;
    let mut facets = FacetCollector::for_field("facets");
    for dim in ["/section", "/province", "/digital", "/partnership"] {
        facets.add_facet(dim);
    }
    let top = KeysetTop {
        limit: req.first + 1,
        after: req.after.map(|c| c.0),
        hi_field: "id_hi",
        lo_field: "id_lo",
    };
    let (total, mut hits, facet_counts) = searcher.search(&query, &(Count, top, facets))?;
    let has_next_page = hits.len() > req.first;
    hits.truncate(req.first);

    let generators = match &text_query {
        Some(q) => highlight_generators(index, searcher, q.as_ref(), req.kind, req.lang)?,
        None => Vec::new(),
    };
    let f = &index.fields;
    let mut out = Vec::with_capacity(hits.len());
    for hit in hits {
        let doc: TantivyDocument = searcher.doc(hit.address)?;
        let id = doc
            .get_first(f.id)
            .and_then(|v| tantivy::schema::Value::as_str(&v))
            .and_then(|s| ProfileId::parse(s).ok())
            .ok_or_else(|| {
                tantivy::TantivyError::InternalError("document without a valid id".into())
            })?;
        let highlights = generators
            .iter()
            .filter_map(|(label, g)| {
                let snippet = g.snippet_from_doc(&doc);
                (!snippet.is_empty()).then(|| Highlight {
                    field: label.clone(),
                    snippet: snippet.to_html(),
                })
            })
            .collect();
        out.push(SearchHit {
            id,
            score: hit.rank.score,
            cursor: Cursor(hit.rank).encode(),
            highlights,
        });
    }
    Ok(SearchResults {
        total_count: total as u64,
        hits: out,
        has_next_page,
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
) -> Result<Vec<(String, SnippetGenerator)>, SearchError> {
    let mut fields = index.fields.text_fields(kind);
    let suffix = format!(".{}", lang.code());
    fields.sort_by_key(|(_, label)| !label.ends_with(&suffix));
    let mut out = Vec::with_capacity(fields.len());
    for (field, label) in fields {
        let mut g = SnippetGenerator::create(searcher, query, field)?;
        g.set_max_num_chars(SNIPPET_CHARS);
        out.push((label, g));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        let c = Cursor(Rank {
            score: 3.25,
            key: u128::MAX - 7,
        });
        assert_eq!(Cursor::parse(&c.encode()).unwrap(), c);
        assert!(Cursor::parse("page-2").is_err());
        assert!(Cursor::parse("zzzzzzzz-00000000000000000000000000000000").is_err());
    }
}
