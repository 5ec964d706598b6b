//! Subscriptions over WebSocket (`/graphql`, graphql-transport-ws protocol; send
//! `{"Authorization": "Bearer <token>"}` as the connection_init payload). Who hears which event
//! is decided in `events::PipelineEvent::is_for`.

use async_graphql::{Context, Enum, SimpleObject, Subscription as SubscriptionObject, ID};
use futures_util::Stream;

use super::enums::MatchStage;
use super::errors::gql;
use super::{app, viewer};
use crate::events;

/// What happened to a match.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum PipelineEventKind {
    /// Staff put the pair on the shortlist (staff hear it).
    Shortlisted,
    /// Staff introduced the two parties.
    Introduced,
    /// A party accepted its introduction.
    Accepted,
    /// A party declined its introduction.
    Declined,
    /// Staff moved the match to another stage.
    StageChanged,
    /// Staff assigned a curator (staff hear it).
    CuratorAssigned,
}

impl From<events::EventKind> for PipelineEventKind {
    fn from(k: events::EventKind) -> Self {
        use events::EventKind as E;
        match k {
            E::Shortlisted => Self::Shortlisted,
            E::Introduced => Self::Introduced,
            E::Accepted => Self::Accepted,
            E::Declined => Self::Declined,
            E::StageChanged => Self::StageChanged,
            E::CuratorAssigned => Self::CuratorAssigned,
        }
    }
}

/// Something happened to a match the subscriber is part of or curates.
#[derive(SimpleObject, Debug, Clone)]
pub struct PipelineEvent {
    /// The match; read it with `match(id)`.
    pub match_id: ID,
    /// What happened.
    pub kind: PipelineEventKind,
    /// The match's stage after the event.
    pub stage: MatchStage,
}

#[derive(Default)]
pub struct Subscription;

/// Live events over WebSocket at `/graphql` (graphql-transport-ws).
#[SubscriptionObject]
impl Subscription {
    /// Parties: their introductions, the answers to them and later stage changes. Staff: every
    /// event of the pipeline (shortlists, introductions, answers, moves, curator assignments);
    /// with `curatedByMe`, only those of matches they curate.
    async fn pipeline_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default = false,
            desc = "Staff: only matches whose curator is the signed-in account."
        )]
        curated_by_me: bool,
    ) -> async_graphql::Result<impl Stream<Item = PipelineEvent>> {
        let v = viewer(ctx);
        let user = gql(v.require_user())?.id;
        let staff = v.is_staff();
        let mut rx = app(ctx).events.subscribe();
        Ok(async_stream::stream! {
            loop {
                match rx.recv().await {
                    Ok(e) if e.is_for(user, staff)
                        && (!curated_by_me || e.curator == Some(user)) => yield PipelineEvent {
                        match_id: e.match_id.to_string().into(),
                        kind: e.kind.into(),
                        stage: e.stage.into(),
                    },
                    Ok(_) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                        tracing::warn!(missed = n, "a pipeline subscriber fell behind");
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                }
            }
        })
    }
}
