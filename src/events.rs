//! Pipeline events, fanned out to WebSocket subscribers of this server.
//!
//! In-process only: a subscriber connected to another replica does not hear them (replicas
//! would relay them through the database, e.g. PostgreSQL LISTEN/NOTIFY).

use tokio::sync::broadcast;

use crate::domain::account::UserId;
use crate::domain::ids::ProfileId;
use crate::domain::investor::Investor;
use crate::domain::pipeline::{MatchRecord, Stage};
use crate::domain::sme::Sme;

#[derive(Debug, Clone, PartialEq)]
pub struct PipelineEvent {
    pub match_id: ProfileId,
    /// SHORTLISTED, INTRODUCED, ACCEPTED or DECLINED.
    pub kind: String,
    pub stage: Stage,
    pub sme_owner: Option<UserId>,
    pub investor_owner: Option<UserId>,
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
    pub fn publish(&self, r: &MatchRecord, kind: &str, sme: &Sme, investor: &Investor) {
        // No subscriber is not an error.
        let _ = self.tx.send(PipelineEvent {
            match_id: r.id,
            kind: kind.to_string(),
            stage: r.stage,
            sme_owner: sme.owner,
            investor_owner: investor.owner,
        });
    }

    pub fn subscribe(&self) -> broadcast::Receiver<PipelineEvent> {
        self.tx.subscribe()
    }
}

impl PipelineEvent {
    /// Who hears what: a party hears of its introduction and of answers to it; staff hear
    /// the parties' answers.
    pub fn is_for(&self, user: UserId, staff: bool) -> bool {
        let party = self.sme_owner == Some(user) || self.investor_owner == Some(user);
        match self.kind.as_str() {
            "INTRODUCED" => party,
            "ACCEPTED" | "DECLINED" => party || staff,
            _ => false,
        }
    }
}
