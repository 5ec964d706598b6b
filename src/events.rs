//! Pipeline events, fanned out to WebSocket subscribers of this server.
//!
//! Across replicas: once [`Events::relay_through`] attached the store (the server does), every
//! event published here is also sent through the database (PostgreSQL NOTIFY) and events
//! published by other replicas are delivered to this server's subscribers. On SQLite (one
//! process) events stay in-process.
//!
//! Who hears what is decided here, in [`PipelineEvent::is_for`], and every kind published has
//! an audience: staff hear every event (the pipeline board updates live, and a curator is
//! staff); the two parties hear what happens to a match from its introduction on.

use std::sync::{Arc, OnceLock};

use tokio::sync::broadcast;

use crate::domain::account::UserId;
use crate::domain::ids::ProfileId;
use crate::domain::pipeline::{MatchRecord, Stage};
use crate::store::{Store, StoreError};

/// What happened to a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// Staff put the pair on the shortlist.
    Shortlisted,
    /// Staff introduced the two parties.
    Introduced,
    /// A party accepted its introduction.
    Accepted,
    /// A party declined its introduction.
    Declined,
    /// Staff moved the match (IN_TALKS, DEAL, CLOSED).
    StageChanged,
    /// Staff assigned a curator.
    CuratorAssigned,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PipelineEvent {
    pub match_id: ProfileId,
    pub kind: EventKind,
    pub stage: Stage,
    pub sme_owner: Option<UserId>,
    pub investor_owner: Option<UserId>,
    pub curator: Option<UserId>,
    /// The parties have been introduced (they know the match exists).
    pub introduced: bool,
}

/// Slow subscribers lose the oldest events beyond this many rather than slow the writers.
const BACKLOG: usize = 256;

pub struct Events {
    tx: broadcast::Sender<PipelineEvent>,
    relay: OnceLock<Relay>,
}

/// Where events go besides this process's subscribers.
struct Relay {
    store: Arc<dyn Store>,
    /// This process's mark on what it sends, so it does not deliver its own events twice.
    origin: String,
}

impl Default for Events {
    fn default() -> Self {
        Events {
            tx: broadcast::channel(BACKLOG).0,
            relay: OnceLock::new(),
        }
    }
}

impl Events {
    pub fn publish(
        &self,
        r: &MatchRecord,
        kind: EventKind,
        sme_owner: Option<UserId>,
        investor_owner: Option<UserId>,
    ) {
        let event = PipelineEvent {
            match_id: r.id,
            kind,
            stage: r.stage,
            sme_owner,
            investor_owner,
            curator: r.curator_id,
            introduced: r.introduced(),
        };
        if let Some(relay) = self.relay.get() {
            let payload = event.to_wire(&relay.origin);
            let store = relay.store.clone();
            // After the fact and best effort, like the local fan-out: the write is committed.
            tokio::spawn(async move {
                if let Err(e) = store.send_event(&payload).await {
                    tracing::warn!(error = %e, "pipeline event not relayed to other replicas");
                }
            });
        }
        // No subscriber is not an error.
        let _ = self.tx.send(event);
    }

    /// Relays events through `store` to the other replicas on the same database, and delivers
    /// theirs to this process's subscribers. `false` (nothing attached) when the backend cannot
    /// carry them; called once, at start.
    pub async fn relay_through(&self, store: Arc<dyn Store>) -> Result<bool, StoreError> {
        let origin = uuid::Uuid::new_v4().simple().to_string();
        let tx = self.tx.clone();
        let mine = origin.clone();
        let watching = store
            .watch_events(Arc::new(
                move |payload: &str| match PipelineEvent::from_wire(payload) {
                    Some((from, _)) if from == mine => {}
                    Some((_, event)) => {
                        let _ = tx.send(event);
                    }
                    None => tracing::warn!(payload, "unreadable pipeline event from a replica"),
                },
            ))
            .await?;
        if watching {
            let _ = self.relay.set(Relay { store, origin });
        }
        Ok(watching)
    }

    pub fn subscribe(&self) -> broadcast::Receiver<PipelineEvent> {
        self.tx.subscribe()
    }
}

impl EventKind {
    const ALL: [EventKind; 6] = [
        EventKind::Shortlisted,
        EventKind::Introduced,
        EventKind::Accepted,
        EventKind::Declined,
        EventKind::StageChanged,
        EventKind::CuratorAssigned,
    ];

    fn wire_name(self) -> &'static str {
        match self {
            EventKind::Shortlisted => "SHORTLISTED",
            EventKind::Introduced => "INTRODUCED",
            EventKind::Accepted => "ACCEPTED",
            EventKind::Declined => "DECLINED",
            EventKind::StageChanged => "STAGE_CHANGED",
            EventKind::CuratorAssigned => "CURATOR_ASSIGNED",
        }
    }
}

impl PipelineEvent {
    /// The event as JSON text for other replicas, marked with the sender's `origin`.
    fn to_wire(&self, origin: &str) -> String {
        let id = |u: Option<UserId>| u.map(|u| u.to_string());
        serde_json::json!({
            "origin": origin,
            "match": self.match_id.to_string(),
            "kind": self.kind.wire_name(),
            "stage": self.stage.as_str(),
            "sme_owner": id(self.sme_owner),
            "investor_owner": id(self.investor_owner),
            "curator": id(self.curator),
            "introduced": self.introduced,
        })
        .to_string()
    }

    /// The sender's origin and the event, or `None` for a payload that does not decode.
    fn from_wire(payload: &str) -> Option<(String, PipelineEvent)> {
        let v: serde_json::Value = serde_json::from_str(payload).ok()?;
        let user = |key: &str| -> Option<Option<UserId>> {
            match &v[key] {
                serde_json::Value::Null => Some(None),
                serde_json::Value::String(s) => ProfileId::parse(s).ok().map(Some),
                _ => None,
            }
        };
        let kind = v["kind"].as_str()?;
        Some((
            v["origin"].as_str()?.to_string(),
            PipelineEvent {
                match_id: ProfileId::parse(v["match"].as_str()?).ok()?,
                kind: *EventKind::ALL.iter().find(|k| k.wire_name() == kind)?,
                stage: Stage::parse(v["stage"].as_str()?)?,
                sme_owner: user("sme_owner")?,
                investor_owner: user("investor_owner")?,
                curator: user("curator")?,
                introduced: v["introduced"].as_bool()?,
            },
        ))
    }

    /// Who hears what: staff hear every event; a party hears of its match from the
    /// introduction on (the shortlist and curator assignments are staff business).
    pub fn is_for(&self, user: UserId, staff: bool) -> bool {
        if staff {
            return true;
        }
        let party = self.sme_owner == Some(user) || self.investor_owner == Some(user);
        party
            && self.introduced
            && matches!(
                self.kind,
                EventKind::Introduced
                    | EventKind::Accepted
                    | EventKind::Declined
                    | EventKind::StageChanged
            )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What one replica sends another decodes to the same event, for every kind.
    #[test]
    fn events_cross_replicas_unchanged() {
        for (i, kind) in EventKind::ALL.into_iter().enumerate() {
            let event = PipelineEvent {
                match_id: ProfileId::from_u128(10 + i as u128),
                kind,
                stage: Stage::ALL[i % Stage::ALL.len()],
                sme_owner: Some(ProfileId::from_u128(2)),
                investor_owner: None,
                curator: (i % 2 == 0).then(|| ProfileId::from_u128(3)),
                introduced: i % 2 == 1,
            };
            let (origin, back) = PipelineEvent::from_wire(&event.to_wire("a1")).expect("decodes");
            assert_eq!((origin.as_str(), back), ("a1", event));
        }
        assert!(PipelineEvent::from_wire("{\"origin\":\"a1\"}").is_none());
        assert!(PipelineEvent::from_wire("not json").is_none());
    }

    /// Every kind has an audience, and parties never hear staff-only business.
    #[test]
    fn every_kind_reaches_someone() {
        let (staff, sme, inv, outsider) = (
            ProfileId::from_u128(1),
            ProfileId::from_u128(2),
            ProfileId::from_u128(3),
            ProfileId::from_u128(4),
        );
        for kind in [
            EventKind::Shortlisted,
            EventKind::Introduced,
            EventKind::Accepted,
            EventKind::Declined,
            EventKind::StageChanged,
            EventKind::CuratorAssigned,
        ] {
            for introduced in [false, true] {
                let e = PipelineEvent {
                    match_id: ProfileId::from_u128(9),
                    kind,
                    stage: Stage::Introduced,
                    sme_owner: Some(sme),
                    investor_owner: Some(inv),
                    curator: Some(staff),
                    introduced,
                };
                assert!(e.is_for(staff, true), "{kind:?}");
                assert!(!e.is_for(outsider, false), "{kind:?}");
                let parties_hear = introduced
                    && !matches!(kind, EventKind::Shortlisted | EventKind::CuratorAssigned);
                assert_eq!(e.is_for(sme, false), parties_hear, "{kind:?} {introduced}");
                assert_eq!(e.is_for(inv, false), parties_hear, "{kind:?} {introduced}");
            }
        }
    }
}
