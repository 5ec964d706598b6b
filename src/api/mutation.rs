//! Profile writes: translation onto `service::profiles`.

use async_graphql::{Context, Object, ID};

use super::errors::gql;
use super::inputs::{InvestorInput, SmeInput};
use super::types::{Investor, Sme};
use super::{app, viewer};
use crate::domain::{investor, sme};
use crate::service::profiles;

/// Profile writes.
#[derive(Default)]
pub struct ProfileMutation;

#[Object]
impl ProfileMutation {
    /// Publishes a new SME profile owned by the signed-in SME account; returns once it is
    /// searchable. FORBIDDEN with `extensions.reason` PROFILE_LIMIT when the account already
    /// has as many profiles on the site as one may (`extensions.limit`).
    async fn publish_sme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The whole profile.")] input: SmeInput,
    ) -> async_graphql::Result<Sme> {
        let r = profiles::publish::<sme::Sme>(app(ctx), viewer(ctx), input.into()).await;
        gql(r.map(Sme))
    }

    /// Replaces an SME profile's content (every field of the input); owner or staff only. The
    /// content already on file changes nothing (the version stays), so a retry is harmless.
    async fn update_sme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The profile's id.")] id: ID,
        #[graphql(desc = "The whole new content.")] input: SmeInput,
    ) -> async_graphql::Result<Sme> {
        let r = profiles::revise::<sme::Sme>(app(ctx), viewer(ctx), &id, input.into()).await;
        gql(r.map(Sme))
    }

    /// Archives an SME: it leaves listings, search and matching. Archiving twice is harmless.
    async fn archive_sme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The profile's id.")] id: ID,
    ) -> async_graphql::Result<Sme> {
        let r = profiles::archive::<sme::Sme>(app(ctx), viewer(ctx), &id).await;
        gql(r.map(Sme))
    }

    /// Publishes a new investor or partner profile owned by the signed-in INVESTOR account;
    /// returns once it is searchable. FORBIDDEN with `extensions.reason` PROFILE_LIMIT as for
    /// `publishSme`.
    async fn publish_investor(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The whole profile.")] input: InvestorInput,
    ) -> async_graphql::Result<Investor> {
        let r = profiles::publish::<investor::Investor>(app(ctx), viewer(ctx), input.into()).await;
        gql(r.map(Investor))
    }

    /// Replaces an investor profile's content; owner or staff only. The content already on file
    /// changes nothing (the version stays), so a retry is harmless.
    async fn update_investor(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The profile's id.")] id: ID,
        #[graphql(desc = "The whole new content.")] input: InvestorInput,
    ) -> async_graphql::Result<Investor> {
        let r =
            profiles::revise::<investor::Investor>(app(ctx), viewer(ctx), &id, input.into()).await;
        gql(r.map(Investor))
    }

    /// Archives an investor profile. Archiving twice is harmless.
    async fn archive_investor(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The profile's id.")] id: ID,
    ) -> async_graphql::Result<Investor> {
        let r = profiles::archive::<investor::Investor>(app(ctx), viewer(ctx), &id).await;
        gql(r.map(Investor))
    }
}
