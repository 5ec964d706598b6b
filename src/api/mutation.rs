//! Write operations. Each validates in `domain`, then writes the row and its outbox entry in one
//! transaction; nothing is written when validation fails.

use async_graphql::{Context, Object, ID};
use time::OffsetDateTime;

use super::account::viewer;
use super::errors::{gql, ApiError};
use super::inputs::{InvestorInput, SmeInput};
use super::query::{app, parse_id};
use super::types::{Investor, Sme};
use crate::domain::account::Role;
use crate::domain::ids::ProfileId;
use crate::domain::investor::{self, InvestorProfile};
use crate::domain::sme::{self, SmeProfile};
use crate::domain::ValidationContext;

/// Profile writes.
#[derive(Default)]
pub struct ProfileMutation;

fn not_found(what: &'static str, id: ProfileId) -> ApiError {
    ApiError::NotFound {
        what,
        id: id.to_string(),
    }
}

#[Object]
impl ProfileMutation {
    /// Publishes a new SME profile owned by the signed-in SME account.
    async fn publish_sme(&self, ctx: &Context<'_>, input: SmeInput) -> async_graphql::Result<Sme> {
        gql(async {
            let owner = viewer(ctx).require_role(Role::Sme)?.id;
            let now = OffsetDateTime::now_utc();
            let profile = SmeProfile::validate(input.into(), &ValidationContext::at(now))?;
            let sme = sme::Sme::publish(ProfileId::new_v7(), Some(owner), profile, now);
            let seq = app(ctx).store.insert_sme(&sme).await?;
            app(ctx).searchable(seq).await;
            Ok(Sme(sme))
        }
        .await)
    }

    /// Replaces an SME profile's content (every field of the input).
    async fn update_sme(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: SmeInput,
    ) -> async_graphql::Result<Sme> {
        gql(async {
            viewer(ctx).require_user()?;
            let id = parse_id("id", &id)?;
            let now = OffsetDateTime::now_utc();
            let profile = SmeProfile::validate(input.into(), &ValidationContext::at(now))?;
            let store = &app(ctx).store;
            let current = store.sme(id).await?.ok_or_else(|| not_found("SME", id))?;
            viewer(ctx).require_owner_or_staff(current.owner, "SME profile")?;
            let revised = current.revise(profile, now)?;
            let seq = store.update_sme(&revised).await?;
            app(ctx).searchable(seq).await;
            Ok(Sme(revised))
        }
        .await)
    }

    /// Archives an SME: it leaves listings, search and matching. Archiving twice is harmless.
    async fn archive_sme(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Sme> {
        gql(async {
            viewer(ctx).require_user()?;
            let id = parse_id("id", &id)?;
            let store = &app(ctx).store;
            let current = store.sme(id).await?.ok_or_else(|| not_found("SME", id))?;
            viewer(ctx).require_owner_or_staff(current.owner, "SME profile")?;
            let archived = current.archive(OffsetDateTime::now_utc());
            if archived.lifecycle.version != current.lifecycle.version {
                let seq = store.update_sme(&archived).await?;
                app(ctx).searchable(seq).await;
            }
            Ok(Sme(archived))
        }
        .await)
    }

    /// Publishes a new investor or partner profile.
    async fn publish_investor(
        &self,
        ctx: &Context<'_>,
        input: InvestorInput,
    ) -> async_graphql::Result<Investor> {
        gql(async {
            let owner = viewer(ctx).require_role(Role::Investor)?.id;
            let now = OffsetDateTime::now_utc();
            let profile = InvestorProfile::validate(input.into())?;
            let inv = investor::Investor::publish(ProfileId::new_v7(), Some(owner), profile, now);
            let seq = app(ctx).store.insert_investor(&inv).await?;
            app(ctx).searchable(seq).await;
            Ok(Investor(inv))
        }
        .await)
    }

    /// Replaces an investor profile's content.
    async fn update_investor(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: InvestorInput,
    ) -> async_graphql::Result<Investor> {
        gql(async {
            viewer(ctx).require_user()?;
            let id = parse_id("id", &id)?;
            let profile = InvestorProfile::validate(input.into())?;
            let store = &app(ctx).store;
            let current = store
                .investor(id)
                .await?
                .ok_or_else(|| not_found("investor", id))?;
            viewer(ctx).require_owner_or_staff(current.owner, "investor profile")?;
            let revised = current.revise(profile, OffsetDateTime::now_utc())?;
            let seq = store.update_investor(&revised).await?;
            app(ctx).searchable(seq).await;
            Ok(Investor(revised))
        }
        .await)
    }

    /// Archives an investor profile. Archiving twice is harmless.
    async fn archive_investor(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Investor> {
        gql(async {
            viewer(ctx).require_user()?;
            let id = parse_id("id", &id)?;
            let store = &app(ctx).store;
            let current = store
                .investor(id)
                .await?
                .ok_or_else(|| not_found("investor", id))?;
            viewer(ctx).require_owner_or_staff(current.owner, "investor profile")?;
            let archived = current.archive(OffsetDateTime::now_utc());
            if archived.lifecycle.version != current.lifecycle.version {
                let seq = store.update_investor(&archived).await?;
                app(ctx).searchable(seq).await;
            }
            Ok(Investor(archived))
        }
        .await)
    }
}
