//! `searchSmes` and `searchInvestors`: free text in any of the three languages, filters, facets,
//! highlights and keyset paging over the tantivy index; the nodes themselves come from the
//! database, the source of truth.

use std::collections::HashMap;

use async_graphql::{Context, InputObject, Object, SimpleObject};

use super::enums::{to_domain, DigitalLevel, Lang, PartnershipType};
use super::errors::{gql, ApiError, ApiResult};
use super::query::{app, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use super::types::{Investor, PageInfo, Sme};
use crate::domain::ids::ProfileId;
use crate::domain::money::UsdRange;
use crate::domain::profile::{LanguageCode, ProfileStatus};
use crate::domain::province::ProvinceCode;
use crate::domain::sector::IsicCode;
use crate::domain::text::check_plain_text;
use crate::domain::validation::{Checker, ValidationErrors};
use crate::search::query::{
    self as sq, Cursor, Kind, SearchRequest, SearchResults, MAX_QUERY_CHARS,
};

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

        impl $name {
            pub(crate) fn into_filter(self) -> Result<sq::Filter, ValidationErrors> {
                parse_filter(FilterParts {
                    sector: self.sector,
                    provinces: self.provinces.unwrap_or_default(),
                    digital_levels: to_domain(&self.digital_levels.unwrap_or_default()),
                    min_usd: self.min_usd,
                    max_usd: self.max_usd,
                    partnership_types: to_domain(&self.partnership_types.unwrap_or_default()),
                    languages: self.languages.unwrap_or_default(),
                })
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

struct FilterParts {
    sector: Option<String>,
    provinces: Vec<String>,
    digital_levels: Vec<crate::domain::digital::DigitalLevel>,
    min_usd: Option<i64>,
    max_usd: Option<i64>,
    partnership_types: Vec<crate::domain::profile::PartnershipType>,
    languages: Vec<String>,
}

fn parse_filter(p: FilterParts) -> Result<sq::Filter, ValidationErrors> {
    let mut c = Checker::new("filter");
    let sector = c.check("sector", p.sector.map(|s| IsicCode::parse(&s)).transpose());
    let provinces = c.check_list("provinces", p.provinces, 25, |s| ProvinceCode::parse(&s));
    let languages = c.check_list("languages", p.languages, 20, |s| LanguageCode::parse(&s));
    let usd = match (p.min_usd, p.max_usd) {
        (None, None) => Some(None),
        (min, max) => match UsdRange::parse(min, max) {
            Ok(r) => Some(Some(r)),
            Err((which, msg)) => {
                c.fail(if which == "min" { "minUsd" } else { "maxUsd" }, msg);
                None
            }
        },
    };
    c.finish(|| sq::Filter {
        sector: sector.flatten(),
        provinces,
        digital_levels: p.digital_levels,
        usd: usd.flatten(),
        partnership_types: p.partnership_types,
        languages,
    })
}

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

fn facet_list(v: Vec<sq::FacetCount>) -> Vec<FacetCount> {
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
            /// Passages of the name and description that matched the query, those in the
            /// requested language first; empty for a browse without text.
            pub highlights: Vec<Highlight>,
        }

        /// One page of search results, best first, with counts over every match.
        #[derive(SimpleObject)]
        pub struct $result {
            /// How many profiles match, across pages.
            pub total_count: i64,
            /// This page's results, highest score first, ties by profile id.
            pub edges: Vec<$edge>,
            /// Whether more results follow, and the cursors of this page's first and last
            /// results; `hasPreviousPage` is true when `after` was given.
            pub page_info: PageInfo,
            /// Counts over every match of the search (not only this page), by dimension.
            pub facets: SearchFacets,
        }

        impl $result {
            fn assemble(
                results: SearchResults,
                nodes: HashMap<ProfileId, $node>,
                had_cursor: bool,
            ) -> Self {
                let mut nodes = nodes;
                let edges: Vec<$edge> = results
                    .hits
                    .into_iter()
                    .filter_map(|hit| {
                        // A profile archived between the search and the read is dropped.
                        nodes.remove(&hit.id).map(|node| $edge {
                            cursor: hit.cursor,
                            node,
                            score: f64::from(hit.score),
                            highlights: hit
                                .highlights
                                .into_iter()
                                .map(|h| Highlight {
                                    field: h.field,
                                    snippet: h.snippet,
                                })
                                .collect(),
                        })
                    })
                    .collect();
                let facets = results.facets;
                $result {
                    total_count: results.total_count as i64,
                    page_info: PageInfo {
                        has_next_page: results.has_next_page,
                        has_previous_page: had_cursor,
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

fn request(
    kind: Kind,
    query: Option<String>,
    filter: Result<sq::Filter, ValidationErrors>,
    first: Option<i32>,
    after: Option<String>,
    lang: Lang,
) -> ApiResult<SearchRequest> {
    let text = query.unwrap_or_default();
    check_plain_text(&text, MAX_QUERY_CHARS).map_err(|e| ApiError::bad_input("query", e))?;
    let filter = filter?;
    let first = first.unwrap_or(DEFAULT_PAGE_SIZE);
    if !(0..=MAX_PAGE_SIZE).contains(&first) {
        return Err(ApiError::bad_input(
            "first",
            format!("must be between 0 and {MAX_PAGE_SIZE} (got {first})"),
        ));
    }
    let after = after
        .map(|c| Cursor::parse(&c).map_err(|e| ApiError::bad_input("after", e)))
        .transpose()?;
    Ok(SearchRequest {
        kind,
        text,
        filter,
        first: first as usize,
        after,
        lang: lang.into(),
    })
}

async fn run(ctx: &Context<'_>, req: SearchRequest) -> ApiResult<SearchResults> {
    let app = app(ctx);
    let index = app.search.clone();
    // One snapshot per operation when the HTTP layer provided one.
    let searcher = ctx
        .data_opt::<tantivy::Searcher>()
        .cloned()
        .unwrap_or_else(|| index.searcher());
    tokio::task::spawn_blocking(move || sq::search(&index, &searcher, &req))
        .await
        .map_err(|e| ApiError::Internal(format!("search task failed: {e}")))?
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// Checks a search's arguments and runs it: the results, their ids (for the caller to read the
/// nodes from the database) and whether a cursor was given.
async fn searched(
    ctx: &Context<'_>,
    kind: Kind,
    query: Option<String>,
    filter: Result<sq::Filter, ValidationErrors>,
    first: Option<i32>,
    after: Option<String>,
    lang: Option<Lang>,
) -> ApiResult<(SearchResults, Vec<ProfileId>, bool)> {
    let had_cursor = after.is_some();
    let req = request(kind, query, filter, first, after, lang.unwrap_or(Lang::En))?;
    let results = run(ctx, req).await?;
    let ids = results.hits.iter().map(|h| h.id).collect();
    Ok((results, ids, had_cursor))
}

#[derive(Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Published SMEs matching `query` (Khmer, Korean or English free text; empty browses)
    /// and `filter`, best first, with highlights and facet counts.
    async fn search_smes(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Free text in Khmer, Korean or English, at most 500 characters; never \
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
        #[graphql(desc = "Highlights in this language come first (default EN).")] lang: Option<
            Lang,
        >,
    ) -> async_graphql::Result<SmeSearchResult> {
        gql(async {
            let filter = filter.unwrap_or_default().into_filter();
            let (results, ids, had_cursor) =
                searched(ctx, Kind::Sme, query, filter, first, after, lang).await?;
            let nodes = app(ctx)
                .store
                .smes_by_ids(&ids)
                .await?
                .into_iter()
                .filter(|s| s.lifecycle.status == ProfileStatus::Published)
                .map(|s| (s.id, Sme(s)))
                .collect();
            Ok(SmeSearchResult::assemble(results, nodes, had_cursor))
        }
        .await)
    }

    /// Published investors and partners matching `query` and `filter`, best first.
    async fn search_investors(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Free text in Khmer, Korean or English, at most 500 characters; never \
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
        #[graphql(desc = "Highlights in this language come first (default EN).")] lang: Option<
            Lang,
        >,
    ) -> async_graphql::Result<InvestorSearchResult> {
        gql(async {
            let filter = filter.unwrap_or_default().into_filter();
            let (results, ids, had_cursor) =
                searched(ctx, Kind::Investor, query, filter, first, after, lang).await?;
            let nodes = app(ctx)
                .store
                .investors_by_ids(&ids)
                .await?
                .into_iter()
                .filter(|i| i.lifecycle.status == ProfileStatus::Published)
                .map(|i| (i.id, Investor(i)))
                .collect();
            Ok(InvestorSearchResult::assemble(results, nodes, had_cursor))
        }
        .await)
    }
}
