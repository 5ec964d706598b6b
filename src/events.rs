//! Pipeline events, fanned out to WebSocket subscribers of this server.
//!
//! In-process only: a subscriber connected to another replica does not hear them (replicas
//! would relay them through the database, e.g. PostgreSQL LISTEN/NOTIFY).
//!
//! Who hears what is decided here, in [`PipelineEvent::is_for`], and every kind published has
//! an audience: staff hear every event (the pipeline board updates live, and a curator is
//! staff); the two parties hear what happens to a match from its introduction on.

use tokio::sync::broadcast;

use crate::domain::account::UserId;
use crate::domain::ids::ProfileId;
use crate::domain::pipeline::{MatchRecord, Stage};

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
}

impl Default for Events {
    fn default() -> Self {
        Events {
            tx: broadcast::channel(BACKLOG).0,
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
        // No subscriber is not an error.
        let _ = self.tx.send(PipelineEvent {
            match_id: r.id,
            kind,
            stage: r.stage,
            sme_owner,
            investor_owner,
            curator: r.curator_id,
            introduced: r.introduction.is_some(),
        });
    }

    pub fn subscribe(&self) -> broadcast::Receiver<PipelineEvent> {
        self.tx.subscribe()
    }
}

impl PipelineEvent {
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
