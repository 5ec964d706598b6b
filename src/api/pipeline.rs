//! The curation pipeline: translation onto `service::pipeline`.

use async_graphql::{Context, Object, SimpleObject, ID};

use super::enums::{Lang, MatchStage, PipelineOrder};
use super::errors::gql;
use super::matching::{Match, MatchNotice};
use super::query::connection;
use super::search::FacetCount;
use super::types::{FromParts, PageInfo};
use super::{app, viewer};
use crate::service::pipeline::{self as service, ListOrder, PipelineArgs};

#[derive(Default)]
pub struct PipelineMutation;

#[Object]
impl PipelineMutation {
    /// Staff: puts a pair on the shortlist (from SUGGESTED).
    async fn shortlist_match(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A published SME's id.")] sme_id: ID,
        #[graphql(desc = "A published investor's id.")] investor_id: ID,
        #[graphql(desc = "Language of the reasons (default EN).")] lang: Option<Lang>,
    ) -> async_graphql::Result<Match> {
        let r = service::shortlist(
            app(ctx),
            viewer(ctx),
            &sme_id,
            &investor_id,
            super::lang(lang),
        );
        gql(r.await.map(Match))
    }

    /// Staff: introduces both sides with a message (from SHORTLISTED).
    async fn introduce(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The match's id.")] match_id: ID,
        #[graphql(desc = "What both parties read (at most 2,000 characters).")] message: String,
        #[graphql(desc = "Language of the reasons (default EN).")] lang: Option<Lang>,
    ) -> async_graphql::Result<Match> {
        let r = service::introduce(
            app(ctx),
            viewer(ctx),
            &match_id,
            &message,
            super::lang(lang),
        );
        gql(r.await.map(Match))
    }

    /// A party (the owner of the SME or of the investor profile) answers its introduction.
    /// Contacts are revealed to both once both accept. Each side answers once: the same answer
    /// sent again (a retry after a lost reply) returns the match unchanged, another answer is
    /// BAD_USER_INPUT. An answer that crosses the other party's is given again on the match as
    /// it then is, not refused as CONFLICT.
    async fn respond_to_introduction(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The match's id.")] match_id: ID,
        #[graphql(desc = "true to accept, false to decline.")] accept: bool,
        #[graphql(desc = "Language of the reasons (default EN).")] lang: Option<Lang>,
    ) -> async_graphql::Result<Match> {
        let r = service::respond(app(ctx), viewer(ctx), &match_id, accept, super::lang(lang));
        gql(r.await.map(Match))
    }

    /// Staff: moves a match along (IN_TALKS, DEAL, CLOSED); illegal moves name the allowed ones.
    async fn move_match(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The match's id.")] match_id: ID,
        #[graphql(desc = "The stage to move to.")] stage: MatchStage,
        #[graphql(desc = "Why, for the audit log.")] message: Option<String>,
        #[graphql(desc = "Language of the reasons (default EN).")] lang: Option<Lang>,
    ) -> async_graphql::Result<Match> {
        let r = service::move_to(
            app(ctx),
            viewer(ctx),
            &match_id,
            stage.into(),
            message.as_deref(),
            super::lang(lang),
        );
        gql(r.await.map(Match))
    }

    /// Staff: adds a note to a match's log.
    async fn add_match_note(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The match's id.")] match_id: ID,
        #[graphql(desc = "The note (at most 2,000 characters).")] note: String,
        #[graphql(desc = "Language of the reasons (default EN).")] lang: Option<Lang>,
    ) -> async_graphql::Result<Match> {
        let r = service::add_note(app(ctx), viewer(ctx), &match_id, &note, super::lang(lang));
        gql(r.await.map(Match))
    }

    /// Staff: assigns a curator (a STAFF or ADMIN account) to a match.
    async fn assign_curator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The match's id.")] match_id: ID,
        #[graphql(desc = "A STAFF or ADMIN account's id.")] curator_id: ID,
        #[graphql(desc = "Language of the reasons (default EN).")] lang: Option<Lang>,
    ) -> async_graphql::Result<Match> {
        let r = service::assign_curator(
            app(ctx),
            viewer(ctx),
            &match_id,
            &curator_id,
            super::lang(lang),
        );
        gql(r.await.map(Match))
    }

    /// Staff: puts an e-mail that was given up back in the queue, once the account's address
    /// or the mail relay is fixed, and returns it as it now stands. A notice that is not given
    /// up (sent, waiting for a retry, or already put back) is returned unchanged, so asking
    /// twice is harmless; NOT_FOUND when the match has no such notice.
    async fn send_notice_again(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The match's id.")] match_id: ID,
        #[graphql(desc = "The notice's id (`Match.notices { id }`).")] notice_id: ID,
    ) -> async_graphql::Result<MatchNotice> {
        let r = crate::service::notices::send_again(app(ctx), viewer(ctx), &match_id, &notice_id);
        gql(r.await.map(MatchNotice::from))
    }
}

/// A page of the pipeline.
#[derive(SimpleObject)]
pub struct MatchConnection {
    /// The matches of this page.
    pub edges: Vec<MatchEdge>,
    /// Where this page stands in the list.
    pub page_info: PageInfo,
    /// How many matches the filtered pipeline has, across pages.
    pub total_count: i64,
}

impl FromParts<Match> for MatchConnection {
    fn from_parts(edges: Vec<(String, Match)>, page_info: PageInfo, total_count: i64) -> Self {
        MatchConnection {
            edges: edges
                .into_iter()
                .map(|(cursor, node)| MatchEdge { cursor, node })
                .collect(),
            page_info,
            total_count,
        }
    }
}

/// A match and its cursor.
#[derive(SimpleObject)]
pub struct MatchEdge {
    /// Pass as `after` to continue after this match.
    pub cursor: String,
    /// The match.
    pub node: Match,
}

/// Counts for the staff dashboard.
#[derive(SimpleObject)]
pub struct PipelineDashboard {
    /// How many matches are at each stage.
    pub by_stage: Vec<FacetCount>,
    /// By the SME's ISIC section.
    pub by_section: Vec<FacetCount>,
    /// By the SME's province (ISO 3166-2:KH).
    pub by_province: Vec<FacetCount>,
}

fn facets(v: Vec<(String, i64)>) -> Vec<FacetCount> {
    v.into_iter()
        .map(|(value, count)| FacetCount { value, count })
        .collect()
}

#[derive(Default)]
pub struct PipelineQuery;

#[Object]
impl PipelineQuery {
    /// A match record, for staff or one of its two parties; null when unknown or when the
    /// viewer is neither (the same answer, so ids cannot be probed).
    async fn r#match(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The match's id.")] id: ID,
        #[graphql(desc = "Language of the reasons (default EN).")] lang: Option<Lang>,
    ) -> async_graphql::Result<Option<Match>> {
        let r = service::get(app(ctx), viewer(ctx), &id, super::lang(lang)).await;
        gql(r.map(|m| m.map(Match)))
    }

    /// Staff: the pipeline in a stable order (by the pair's id unless `order` says otherwise),
    /// filtered by stage, curator, the SME's sector (ISIC code at any level), province and
    /// either side's name.
    #[allow(clippy::too_many_arguments)]
    async fn pipeline(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only matches at this stage.")] stage: Option<MatchStage>,
        #[graphql(desc = "Only matches this curator is in charge of.")] curator_id: Option<ID>,
        #[graphql(desc = "Only SMEs under this ISIC code (any level).")] sector_prefix: Option<
            String,
        >,
        #[graphql(desc = "Only SMEs in this province (ISO 3166-2:KH).")] province_code: Option<
            String,
        >,
        #[graphql(
            desc = "Only matches whose SME or investor name holds this text (any of its languages; Latin letters in any case; at most 200 characters)."
        )]
        name: Option<String>,
        #[graphql(desc = "The order (default ID).")] order: Option<PipelineOrder>,
        #[graphql(desc = "Page size: 0 to 100, default 20.")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page, in the same order.")] after: Option<
            String,
        >,
        #[graphql(desc = "Language of the reasons (default EN).")] lang: Option<Lang>,
    ) -> async_graphql::Result<MatchConnection> {
        let had_cursor = after.is_some();
        let order = order.map_or(ListOrder::Id, Into::into);
        let args = PipelineArgs {
            stage: stage.map(Into::into),
            curator_id: curator_id.map(|c| c.0),
            sector_prefix,
            province_code,
            name,
            order,
            first,
            after,
            lang: Some(super::lang(lang)),
        };
        let page = service::list(app(ctx), viewer(ctx), args).await;
        gql(page.map(|page| connection(page, had_cursor, |m| service::cursor(order, m), Match)))
    }

    /// A party's introductions: pipeline matches of its own profiles from INTRODUCED on.
    async fn my_introductions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of the reasons (default EN).")] lang: Option<Lang>,
    ) -> async_graphql::Result<Vec<Match>> {
        let r = service::my_introductions(app(ctx), viewer(ctx), super::lang(lang)).await;
        gql(r.map(|v| v.into_iter().map(Match).collect()))
    }

    /// Staff: counts by stage, ISIC section and province.
    async fn pipeline_dashboard(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<PipelineDashboard> {
        let d = service::dashboard(app(ctx), viewer(ctx)).await;
        gql(d.map(|d| PipelineDashboard {
            by_stage: facets(d.by_stage),
            by_section: facets(d.by_section),
            by_province: facets(d.by_province),
        }))
    }
}
