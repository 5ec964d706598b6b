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
            pub provinces: Option<Vec<String>>,
            /// Any of these levels.
            pub digital_levels: Option<Vec<DigitalLevel>>,
            #[doc = $usd_doc]
            pub min_usd: Option<i64>,
            #[doc = $usd_doc]
            pub max_usd: Option<i64>,
            /// Any of these partnership types.
            pub partnership_types: Option<Vec<PartnershipType>>,
            /// ISO 639-1 codes; any of them.
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
    /// Restricts a search or match list of SMEs; SMEs whose sector lies under `sector` match it.
    SmeFilter,
    "Capital sought overlaps [minUsd, maxUsd] (either bound may be left open)."
);
filter_input!(
    /// Restricts a search of investors. `sector` matches investors interested in anything under
    /// it or in a code covering it; provinces and digital levels also match investors with no
    /// preference.
    InvestorFilter,
    "Ticket range overlaps [minUsd, maxUsd] (either bound may be left open)."
);

/// A matching passage of a text field, with the matches in `<b>` (the rest HTML-escaped).
#[derive(SimpleObject, Debug, Clone)]
pub struct Highlight {
    /// `name.en`, `description.km`, …
    pub field: String,
    pub snippet: String,
}

#[derive(SimpleObject, Debug, Clone)]
pub struct FacetCount {
    pub value: String,
    pub count: i64,
}

/// Counts over all matches of a search. For investors, `*` counts those with no preference.
#[derive(SimpleObject, Debug, Clone)]
pub struct SearchFacets {
    /// By ISIC section letter.
    pub sections: Vec<FacetCount>,
    pub provinces: Vec<FacetCount>,
    pub digital_levels: Vec<FacetCount>,
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
        #[derive(SimpleObject)]
        pub struct $edge {
            pub cursor: String,
            pub node: $node,
            /// Text relevance (BM25); 1 for every result of a browse without text.
            pub score: f64,
            pub highlights: Vec<Highlight>,
        }

        #[derive(SimpleObject)]
        pub struct $result {
            /// How many profiles match, across pages.
            pub total_count: i64,
            pub edges: Vec<$edge>,
            pub page_info: PageInfo,
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
    async fn search_smes(
        &self,
        ctx: &Context<'_>,
        query: Option<String>,
        filter: Option<SmeFilter>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(desc = "Highlights in this language come first (default EN).")] lang: Option<
            Lang,
        >,
    ) -> async_graphql::Result<SmeSearchResult> {
        let args = SearchArgs {
            query,
            filter: filter.unwrap_or_default().into(),
            first,
            after,
            lang: lang.map(Into::into),
        };
        let page = service::search::<sme::Sme>(app(ctx), viewer(ctx), snapshot(ctx), args).await;
        gql(page.map(Into::into))
    }

    /// Published investors and partners matching `query` and `filter`, best first.
    async fn search_investors(
        &self,
        ctx: &Context<'_>,
        query: Option<String>,
        filter: Option<InvestorFilter>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(desc = "Highlights in this language come first (default EN).")] lang: Option<
            Lang,
        >,
    ) -> async_graphql::Result<InvestorSearchResult> {
        let args = SearchArgs {
            query,
            filter: filter.unwrap_or_default().into(),
            first,
            after,
            lang: lang.map(Into::into),
        };
        let page =
            service::search::<investor::Investor>(app(ctx), viewer(ctx), snapshot(ctx), args).await;
        gql(page.map(Into::into))
    }
}
