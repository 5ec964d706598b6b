//! Profile reads and reference data: translation onto `service::profiles` and
//! `service::reference`.

use async_graphql::{Context, Object, ID};

use super::enums::{to_domain, DigitalIndicator};
use super::errors::gql;
use super::types::{
    DigitalAssessment, DigitalQuestion, DigitalQuestionnaire, FromParts, Investor,
    InvestorConnection, LocalizedText, PageInfo, Province, Sector, Sme, SmeConnection,
};
use super::{app, viewer};
use crate::domain::text::Lang;
use crate::domain::{investor, sme};
use crate::service::profiles;
use crate::service::reference;
use crate::store::Page;

/// Profile reads and reference data.
#[derive(Default)]
pub struct ProfileQuery;

/// A Relay connection from a page of items keyed by their id.
pub(super) fn connection<D, W, C: FromParts<W>>(
    page: Page<D>,
    had_cursor: bool,
    id: impl Fn(&D) -> String,
    wrap: fn(D) -> W,
) -> C {
    let edges: Vec<(String, W)> = page.items.into_iter().map(|d| (id(&d), wrap(d))).collect();
    let page_info = PageInfo {
        has_next_page: page.has_next_page,
        has_previous_page: had_cursor,
        start_cursor: edges.first().map(|e| e.0.clone()),
        end_cursor: edges.last().map(|e| e.0.clone()),
    };
    C::from_parts(edges, page_info, page.total_count)
}

#[Object]
impl ProfileQuery {
    /// A published SME by id; null when unknown or archived.
    async fn sme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The profile's id.")] id: ID,
    ) -> async_graphql::Result<Option<Sme>> {
        let r = profiles::get::<sme::Sme>(app(ctx), viewer(ctx), &id).await;
        gql(r.map(|s| s.map(Sme)))
    }

    /// A published investor or partner by id; null when unknown or archived.
    async fn investor(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The profile's id.")] id: ID,
    ) -> async_graphql::Result<Option<Investor>> {
        let r = profiles::get::<investor::Investor>(app(ctx), viewer(ctx), &id).await;
        gql(r.map(|i| i.map(Investor)))
    }

    /// Published SMEs, oldest first.
    async fn smes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: 0 to 100, default 20.")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> async_graphql::Result<SmeConnection> {
        gql(async {
            let req = profiles::page_request(first, after.as_deref())?;
            let page = profiles::list::<sme::Sme>(app(ctx), viewer(ctx), req).await?;
            Ok(connection(
                page,
                req.after.is_some(),
                |s| s.get().id.to_string(),
                Sme,
            ))
        }
        .await)
    }

    /// Published investors and partners, oldest first.
    async fn investors(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: 0 to 100, default 20.")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> async_graphql::Result<InvestorConnection> {
        gql(async {
            let req = profiles::page_request(first, after.as_deref())?;
            let page = profiles::list::<investor::Investor>(app(ctx), viewer(ctx), req).await?;
            Ok(connection(
                page,
                req.after.is_some(),
                |i| i.get().id.to_string(),
                Investor,
            ))
        }
        .await)
    }

    /// The ISIC Rev.4 tree one level at a time: the 21 sections without `parent`, else the
    /// children of `parent` (empty for a class).
    async fn sectors(
        &self,
        #[graphql(desc = "A code at any level: a section letter, or 2, 3 or 4 digits.")]
        parent: Option<String>,
    ) -> async_graphql::Result<Vec<Sector>> {
        gql(reference::sectors(parent.as_deref())
            .map(|v| v.into_iter().map(Sector::from).collect()))
    }

    /// One ISIC Rev.4 node by code (any level); null when unknown.
    async fn sector(
        &self,
        #[graphql(desc = "A code at any level: a section letter, or 2, 3 or 4 digits.")]
        code: String,
    ) -> Option<Sector> {
        reference::sector(&code).map(Sector::from)
    }

    /// Cambodia's 25 provinces (capital included).
    async fn provinces(&self) -> Vec<Province> {
        reference::provinces().iter().map(Province::from).collect()
    }

    /// The digital-maturity questionnaire an SME answers when it publishes its profile.
    async fn digital_questionnaire(&self) -> DigitalQuestionnaire {
        DigitalQuestionnaire {
            questions: reference::questionnaire()
                .iter()
                .map(DigitalQuestion::from)
                .collect(),
            rule: LocalizedText {
                en: Some(reference::questionnaire_rule(Lang::En)),
                km: Some(reference::questionnaire_rule(Lang::Km)),
                ko: Some(reference::questionnaire_rule(Lang::Ko)),
            },
        }
    }

    /// The level and score a set of questionnaire answers would get, without publishing.
    async fn assess_digital(
        &self,
        #[graphql(desc = "The indicators answered yes.")] indicators: Vec<DigitalIndicator>,
    ) -> DigitalAssessment {
        reference::assess_digital(&to_domain(&indicators)).into()
    }
}
