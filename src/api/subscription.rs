//! Subscriptions over WebSocket (`/graphql`, graphql-ws or graphql-transport-ws protocol; send
//! `{"Authorization": "Bearer <token>"}` as the connection_init payload).

use async_graphql::{Context, SimpleObject, Subscription, ID};
use futures_util::Stream;

use super::account::viewer;
use super::enums::MatchStage;
use super::errors::{gql, ApiResult};
use super::query::app;

/// Something happened to a match the subscriber is part of or curates.
#[derive(SimpleObject, Debug, Clone)]
pub struct PipelineEvent {
    pub match_id: ID,
    /// INTRODUCED, ACCEPTED or DECLINED.
    pub kind: String,
    pub stage: MatchStage,
}

#[derive(Default)]
pub struct SubscriptionRoot;

#[Subscription]
impl SubscriptionRoot {
    /// Parties: their introductions and the answers to them. Staff: every answer.
    async fn pipeline_events(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = PipelineEvent>> {
        let (user, staff) = gql((|| -> ApiResult<_> {
            let v = viewer(ctx);
            let user = v.require_user()?;
            Ok((user.id, v.is_staff()))
        })())?;
        let mut rx = app(ctx).events.subscribe();
        Ok(async_stream::stream! {
            loop {
                match rx.recv().await {
                    Ok(e) if e.is_for(user, staff) => yield PipelineEvent {
                        match_id: e.match_id.to_string().into(),
                        kind: e.kind,
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
