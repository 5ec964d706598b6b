//! `searchSmes` and `searchInvestors`: free text in any of the three languages, filters, facets,
//! highlights and keyset paging over the tantivy index; the nodes themselves come from the
//! database, the source of truth.

use async_graphql::{Context, InputObject, Object, SimpleObject};

use super::enums::{to_domain, DigitalLevel, Lang, PartnershipType};
use super::errors::gql;
use super::types::{Investor, PageInfo, Sme};
use super::{app, viewer};
use crate::domain::{investor, sme};
use crate::service::search::{self as service, FilterRaw, SearchArgs, SearchPage};
use crate::service::visibility::Shown;

/// Declares a filter input (SMEs and investors take the same fields, under their own names).
macro_rules! filter_input {
    ($(#[$m:meta])* $name:ident, $usd_doc:literal) => {
        $(#[$m])*
        #[derive(InputObject, Debug, Clone, Default)]
        pub struct $name {
            /// ISIC Rev.4 code at any level: a section letter, or 2, 3 or 4 digits.
            pub sector: Option<String>,
            /// ISO 3166-2:KH codes; any of them.
            /// At most 25, e.g. "KH-12": SMEs located in one of them, investors preferring one.
            pub provinces: Option<Vec<String>>,
            /// Any of these levels.
            /// SMEs by their assessed level, investors by a level they want.
            pub digital_levels: Option<Vec<DigitalLevel>>,
            #[doc = $usd_doc]
            /// This is the lower bound, in whole US dollars.
            pub min_usd: Option<i64>,
            #[doc = $usd_doc]
            /// This is the upper bound, in whole US dollars.
            pub max_usd: Option<i64>,
            /// Any of these partnership types.
            /// Sought by SMEs, offered by investors.
            pub partnership_types: Option<Vec<PartnershipType>>,
            /// ISO 639-1 codes; any of them.
            /// Two letters each, e.g. "km", "ko", at most 20: profiles working in one of them.
            pub languages: Option<Vec<String>>,
        }

        impl From<$name> for FilterRaw {
            fn from(f: $name) -> Self {
                FilterRaw {
                    sector: f.sector,
                    provinces: f.provinces.unwrap_or_default(),
                    digital_levels: to_domain(&f.digital_levels.unwrap_or_default()),
                    min_usd: f.min_usd,
                    max_usd: f.max_usd,
                    partnership_types: to_domain(&f.partnership_types.unwrap_or_default()),
                    languages: f.languages.unwrap_or_default(),
                }
            }
        }
    };
}

filter_input!(
    /// Restricts a search or match list of SMEs; SMEs whose sector lies under `sector` match it
    /// (by their main or a secondary class). Every field given must hold; an absent field or
    /// empty list restricts nothing. Filters narrow the results without changing scores.
    SmeFilter,
    "Capital sought overlaps [minUsd, maxUsd] (either bound may be left open)."
);
filter_input!(
    /// Restricts a search of investors. `sector` matches investors interested in anything under
    /// it or in a code covering it; provinces and digital levels also match investors with no
    /// preference.
    /// Investors with no sector interests match any `sector` too. Every field given must hold;
    /// an absent field or empty list restricts nothing.
    InvestorFilter,
    "Ticket range overlaps [minUsd, maxUsd] (either bound may be left open)."
);

/// A matching passage of a text field, with the matches in `<b>` (the rest HTML-escaped).
#[derive(SimpleObject, Debug, Clone)]
pub struct Highlight {
    /// Which text matched, in which language: `name.en`, `description.km`, … (the hidden name
    /// of an ANONYMOUS SME is not indexed, so never highlighted).
    pub field: String,
    /// Up to about 160 characters of that text around the matches, as HTML: the text escaped,
    /// the matched words in `<b>`.
    pub snippet: String,
}

/// How many matching profiles have one value of a facet.
#[derive(SimpleObject, Debug, Clone)]
pub struct FacetCount {
    /// The value: an ISIC section letter, an ISO 3166-2:KH province code, a DigitalLevel or a
    /// PartnershipType; `*` counts investors with no preference in that dimension.
    pub value: String,
    /// Matching profiles with this value, over all pages. An investor listing several values
    /// counts once under each.
    pub count: i64,
}

/// Counts over all matches of a search. For investors, `*` counts those with no preference.
/// Each list is largest count first, ties by value.
#[derive(SimpleObject, Debug, Clone)]
pub struct SearchFacets {
    /// By ISIC section letter.
    /// SMEs by their main class's section, investors by the sections of their interests.
    pub sections: Vec<FacetCount>,
    /// By ISO 3166-2:KH code: where SMEs are, which provinces investors prefer.
    pub provinces: Vec<FacetCount>,
    /// By digital level: SMEs' assessed level, the levels investors want.
    pub digital_levels: Vec<FacetCount>,
    /// By partnership type: sought by SMEs, offered by investors.
    pub partnership_types: Vec<FacetCount>,
}

fn facet_list(v: Vec<crate::search::query::FacetCount>) -> Vec<FacetCount> {
    v.into_iter()
        .map(|f| FacetCount {
            value: f.value,
            count: f.count as i64,
        })
        .collect()
}

/// Declares a search result type over one node type.
macro_rules! search_result {
    ($result:ident, $edge:ident, $node:ty) => {
        /// One search result: the profile, its place in the order and the passages that
        /// matched.
        #[derive(SimpleObject)]
        pub struct $edge {
            /// Opaque position of this result: pass it as `after` to get the results that
            /// follow it.
            pub cursor: String,
            /// The profile, read from the database when the search ran.
            pub node: $node,
            /// Text relevance (BM25); 1 for every result of a browse without text.
            pub score: f64,
            /// Whether some word of the query was found only inside a longer word of the
            /// profile (ស្រូវ "paddy" inside អាស្រូវ "scandal", 마트 inside 스마트폰), not as a word
            /// of it, one of its stems, or a concept it mentions in another language. Such
            /// results come after all the others, whatever their score: a client may show
            /// them apart ("also found inside longer words"). False for a browse.
            pub part_of_word: bool,
            /// Passages of the name and description that matched the query, those in the
            /// requested language first; empty for a browse without text.
            pub highlights: Vec<Highlight>,
        }

        /// One page of search results, best first, with counts over every match.
        #[derive(SimpleObject)]
        pub struct $result {
            /// How many profiles match, across pages.
            pub total_count: i64,
            /// True when no profile (under the filters) has every word of the query: the
            /// results are then those with at least one of its words, those with more words
            /// generally first (their scores add up), and a client should say so ("no profile
            /// has all of these words; these have some"). False for a query of one word, a
            /// browse, or when some profile has every word.
            pub some_words: bool,
            /// With `someWords`, the words the search looked for, as it read them: an
            /// unspaced Khmer phrase cut into its dictionary words, a Korean compound into its
            /// words, function words (and, or, និង, ឬ, 및) left out. Empty otherwise.
            pub searched_words: Vec<String>,
            /// When the search finds nothing, or only profiles with some of its words: the
            /// same search with each word that no profile has replaced by the nearest word of
            /// the trade glossary ("cashw" → "cashew", 캐스넛 → 캐슈넛); a Khmer or Korean word
            /// that is no word also when its letters are found inside other words (ស្វាយចន្ទិ →
            /// ស្វាយចន្ទី). Given only when that finds profiles with every word. Plain text, the
            /// rest of the query as typed: escape it as any text. Offer it as a link; it is
            /// not searched here.
            pub did_you_mean: Option<String>,
            /// This page's results: those with every word as a word first (see
            /// `partOfWord`), then highest score first, ties by profile id.
            pub edges: Vec<$edge>,
            /// Whether more results follow, and the cursors of this page's first and last
            /// results. Read forward, `hasPreviousPage` is true when `after` was given; read
            /// back (`last`, `before`), `hasNextPage` is true when `before` was given.
            pub page_info: PageInfo,
            /// Counts over every match of the search (not only this page), by dimension.
            pub facets: SearchFacets,
        }

        impl<T> From<SearchPage<T>> for $result
        where
            $node: From<Shown<T>>,
        {
            fn from(page: SearchPage<T>) -> Self {
                let edges: Vec<$edge> = page
                    .hits
                    .into_iter()
                    .map(|hit| $edge {
                        cursor: hit.cursor,
                        node: hit.node.into(),
                        score: hit.score,
                        part_of_word: hit.part_of_word,
                        highlights: hit
                            .highlights
                            .into_iter()
                            .map(|h| Highlight {
                                field: h.field,
                                snippet: h.snippet,
                            })
                            .collect(),
                    })
                    .collect();
                let facets = page.facets;
                $result {
                    total_count: page.total_count,
                    some_words: page.some_words,
                    searched_words: page.searched_words,
                    did_you_mean: page.did_you_mean,
                    page_info: PageInfo {
                        has_next_page: page.has_next_page,
                        has_previous_page: page.has_previous_page,
                        start_cursor: edges.first().map(|e| e.cursor.clone()),
                        end_cursor: edges.last().map(|e| e.cursor.clone()),
                    },
                    edges,
                    facets: SearchFacets {
                        sections: facet_list(facets.sections),
                        provinces: facet_list(facets.provinces),
                        digital_levels: facet_list(facets.digital_levels),
                        partnership_types: facet_list(facets.partnership_types),
                    },
                }
            }
        }
    };
}

search_result!(SmeSearchResult, SmeSearchEdge, Sme);
search_result!(InvestorSearchResult, InvestorSearchEdge, Investor);

impl From<Shown<sme::Sme>> for Sme {
    fn from(s: Shown<sme::Sme>) -> Self {
        Sme(s)
    }
}

impl From<Shown<investor::Investor>> for Investor {
    fn from(i: Shown<investor::Investor>) -> Self {
        Investor(i)
    }
}

/// The request's index snapshot, when the HTTP layer provided one.
fn snapshot(ctx: &Context<'_>) -> Option<tantivy::Searcher> {
    ctx.data_opt::<tantivy::Searcher>().cloned()
}

#[derive(Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Published SMEs matching `query` (Khmer, Korean or English free text; empty browses)
    /// and `filter`, best first, with highlights and facet counts.
    // One Rust argument per GraphQL argument: that is how the schema gets them.
    #[allow(clippy::too_many_arguments)]
    async fn search_smes(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Free text in Khmer, Korean or English, at most 500 characters and 32 \
                    words; never \
                    query syntax. Every word must occur in a name or description (common \
                    English words such as \"the\" and \"of\" are not required). \
                    Empty or absent: browse every published profile."
        )]
        query: Option<String>,
        #[graphql(
            desc = "Structured restrictions; they narrow the results without changing \
                    scores."
        )]
        filter: Option<SmeFilter>,
        #[graphql(desc = "How many results to return, from 0 to 100 (default 20); \
                    `pageInfo.hasNextPage` tells whether more follow.")]
        first: Option<i32>,
        #[graphql(
            desc = "The `cursor` of a result of the same search: the page starts after \
                    it. Absent: the first page."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Paging back: how many results to return, from 0 to 100 (default \
                    20), those just before `before`; not with `first` or `after`."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Paging back: the `cursor` of a result of the same search; the page \
                    ends just before it, and `pageInfo.hasPreviousPage` tells whether more \
                    precede it. With `last` alone, the last page."
        )]
        before: Option<String>,
        #[graphql(desc = "Highlights in this language come first (default EN).")] lang: Option<
            Lang,
        >,
    ) -> async_graphql::Result<SmeSearchResult> {
        let args = SearchArgs {
            query,
            filter: filter.unwrap_or_default().into(),
            first,
            after,
            last,
            before,
            lang: lang.map(Into::into),
        };
        let page = service::search::<sme::Sme>(app(ctx), viewer(ctx), snapshot(ctx), args).await;
        gql(page.map(Into::into))
    }

    /// Published investors and partners matching `query` and `filter`, best first.
    // One Rust argument per GraphQL argument: that is how the schema gets them.
    #[allow(clippy::too_many_arguments)]
    async fn search_investors(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Free text in Khmer, Korean or English, at most 500 characters and 32 \
                    words; never \
                    query syntax. Every word must occur in a name or description (common \
                    English words such as \"the\" and \"of\" are not required). \
                    Empty or absent: browse every published profile."
        )]
        query: Option<String>,
        #[graphql(
            desc = "Structured restrictions; they narrow the results without changing \
                    scores."
        )]
        filter: Option<InvestorFilter>,
        #[graphql(desc = "How many results to return, from 0 to 100 (default 20); \
                    `pageInfo.hasNextPage` tells whether more follow.")]
        first: Option<i32>,
        #[graphql(
            desc = "The `cursor` of a result of the same search: the page starts after \
                    it. Absent: the first page."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Paging back: how many results to return, from 0 to 100 (default \
                    20), those just before `before`; not with `first` or `after`."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Paging back: the `cursor` of a result of the same search; the page \
                    ends just before it, and `pageInfo.hasPreviousPage` tells whether more \
                    precede it. With `last` alone, the last page."
        )]
        before: Option<String>,
        #[graphql(desc = "Highlights in this language come first (default EN).")] lang: Option<
            Lang,
        >,
    ) -> async_graphql::Result<InvestorSearchResult> {
        let args = SearchArgs {
            query,
            filter: filter.unwrap_or_default().into(),
            first,
            after,
            last,
            before,
            lang: lang.map(Into::into),
        };
        let page =
            service::search::<investor::Investor>(app(ctx), viewer(ctx), snapshot(ctx), args).await;
        gql(page.map(Into::into))
    }
}
