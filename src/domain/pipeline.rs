//! The curation pipeline: the stages a match moves through and who may move it.
//!
//! ```text
//! SUGGESTED -> SHORTLISTED -> INTRODUCED -> CONNECTED -> IN_TALKS -> DEAL
//!                                  |  (both sides accept: CONNECTED, contacts revealed)
//!                                  +-> DECLINED (either side declines)
//! any open stage -> CLOSED (staff)
//! ```
//! Staff move stages; the two parties only answer their own introduction. Every change yields
//! audit entries; the caller stores them with the record in one transaction.

use super::account::UserId;
use super::ids::ProfileId;
use super::validation::ValidationErrors;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    Suggested,
    Shortlisted,
    Introduced,
    Connected,
    InTalks,
    Deal,
    Closed,
    Declined,
}

impl Stage {
    pub const ALL: [Stage; 8] = [
        Stage::Suggested,
        Stage::Shortlisted,
        Stage::Introduced,
        Stage::Connected,
        Stage::InTalks,
        Stage::Deal,
        Stage::Closed,
        Stage::Declined,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Suggested => "SUGGESTED",
            Stage::Shortlisted => "SHORTLISTED",
            Stage::Introduced => "INTRODUCED",
            Stage::Connected => "CONNECTED",
            Stage::InTalks => "IN_TALKS",
            Stage::Deal => "DEAL",
            Stage::Closed => "CLOSED",
            Stage::Declined => "DECLINED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Stage::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Where staff may move a match from here. INTRODUCED moves on by the parties' answers.
    pub fn staff_moves(self) -> &'static [Stage] {
        match self {
            Stage::Suggested => &[Stage::Shortlisted, Stage::Closed],
            Stage::Shortlisted => &[Stage::Introduced, Stage::Closed],
            Stage::Introduced => &[Stage::Closed],
            Stage::Connected => &[Stage::InTalks, Stage::Closed],
            Stage::InTalks => &[Stage::Deal, Stage::Closed],
            Stage::Deal | Stage::Closed | Stage::Declined => &[],
        }
    }

    /// Nothing more happens to the match: a deal, or closed or declined. Such a match waits for
    /// nobody, so the longest-waiting listing puts it after every open one.
    pub fn is_finished(self) -> bool {
        matches!(self, Stage::Deal | Stage::Closed | Stage::Declined)
    }

    /// Both parties accepted: contact details are revealed to each other from here on.
    pub fn reveals_contacts(self) -> bool {
        matches!(self, Stage::Connected | Stage::InTalks | Stage::Deal)
    }
}

/// A party's answer to an introduction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Response {
    Accepted,
    Declined,
}

impl Response {
    pub fn as_str(self) -> &'static str {
        match self {
            Response::Accepted => "ACCEPTED",
            Response::Declined => "DECLINED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ACCEPTED" => Some(Response::Accepted),
            "DECLINED" => Some(Response::Declined),
            _ => None,
        }
    }
}

/// Which side of a match a party is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Sme,
    Investor,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MatchRecord {
    pub id: ProfileId,
    pub sme_id: ProfileId,
    pub investor_id: ProfileId,
    pub stage: Stage,
    pub sme_response: Option<Response>,
    pub investor_response: Option<Response>,
    pub introduction: Option<String>,
    pub curator_id: Option<UserId>,
    /// The TEXT feature of the pair when it was shortlisted (the rest is recomputed live).
    pub text_relevance: f64,
    pub created_at: time::OffsetDateTime,
    pub updated_at: time::OffsetDateTime,
    pub version: i64,
}

/// One line of a match's audit log.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub action: &'static str,
    pub actor: Option<UserId>,
    pub from: Option<Stage>,
    pub to: Option<Stage>,
    pub message: Option<String>,
    pub at: time::OffsetDateTime,
}

/// The audit action of a match closed because its owner took one side off the site.
pub const WITHDRAWN_ACTION: &str = "WITHDRAWN";

/// Longest introduction message or note, in characters.
pub const MESSAGE_MAX_CHARS: usize = 2_000;

fn illegal(from: Stage, to: &str, allowed: &[Stage]) -> ValidationErrors {
    let allowed: Vec<&str> = allowed.iter().map(|s| s.as_str()).collect();
    let allowed = if allowed.is_empty() {
        "none: the match is finished".to_string()
    } else {
        allowed.join(", ")
    };
    ValidationErrors::single(
        "stage",
        format!(
            "cannot go from {} to {to}; allowed from here: {allowed}",
            from.as_str()
        ),
    )
}

fn entry(
    action: &'static str,
    actor: UserId,
    from: Stage,
    to: Stage,
    message: Option<String>,
    at: time::OffsetDateTime,
) -> AuditEntry {
    AuditEntry {
        action,
        actor: Some(actor),
        from: Some(from),
        to: Some(to),
        message,
        at,
    }
}

fn check_message(field: &str, message: &str) -> Result<String, ValidationErrors> {
    if message.trim().is_empty() {
        return Err(ValidationErrors::single(field, "must not be empty"));
    }
    super::text::check_plain_text(message, MESSAGE_MAX_CHARS)
        .and_then(|()| super::text::check_visible(message))
        .map_err(|e| ValidationErrors::single(field, e))?;
    Ok(message.to_string())
}

impl MatchRecord {
    /// A new record for a pair staff shortlist.
    pub fn shortlist(
        id: ProfileId,
        sme_id: ProfileId,
        investor_id: ProfileId,
        text_relevance: f64,
        actor: UserId,
        now: time::OffsetDateTime,
    ) -> (Self, Vec<AuditEntry>) {
        let record = MatchRecord {
            id,
            sme_id,
            investor_id,
            stage: Stage::Shortlisted,
            sme_response: None,
            investor_response: None,
            introduction: None,
            curator_id: Some(actor),
            text_relevance,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        let log = vec![entry(
            "SHORTLISTED",
            actor,
            Stage::Suggested,
            Stage::Shortlisted,
            None,
            now,
        )];
        (record, log)
    }

    /// Whether staff introduced the two sides: what the parties may know of the match starts
    /// here. Before (shortlisted, or closed without an introduction) it is staff business.
    pub fn introduced(&self) -> bool {
        self.introduction.is_some()
    }

    fn next(&self, now: time::OffsetDateTime) -> Self {
        MatchRecord {
            updated_at: now,
            version: self.version + 1,
            ..self.clone()
        }
    }

    /// Staff introduce both sides with a message.
    pub fn introduce(
        &self,
        message: &str,
        actor: UserId,
        now: time::OffsetDateTime,
    ) -> Result<(Self, Vec<AuditEntry>), ValidationErrors> {
        if self.stage != Stage::Shortlisted {
            return Err(illegal(self.stage, "INTRODUCED", self.stage.staff_moves()));
        }
        let message = check_message("message", message)?;
        let mut r = self.next(now);
        r.stage = Stage::Introduced;
        r.introduction = Some(message.clone());
        Ok((
            r,
            vec![entry(
                "INTRODUCED",
                actor,
                Stage::Shortlisted,
                Stage::Introduced,
                Some(message),
                now,
            )],
        ))
    }

    /// A party answers its introduction. Both accepted: CONNECTED (and a contact reveal is
    /// logged); one declined: DECLINED.
    pub fn respond(
        &self,
        side: Side,
        accept: bool,
        actor: UserId,
        now: time::OffsetDateTime,
    ) -> Result<(Self, Vec<AuditEntry>), ValidationErrors> {
        if self.stage != Stage::Introduced {
            return Err(ValidationErrors::single(
                "matchId",
                format!(
                    "only an INTRODUCED match can be answered; this one is {}",
                    self.stage.as_str()
                ),
            ));
        }
        let current = match side {
            Side::Sme => self.sme_response,
            Side::Investor => self.investor_response,
        };
        if current.is_some() {
            return Err(ValidationErrors::single(
                "matchId",
                "this side has already answered",
            ));
        }
        let response = if accept {
            Response::Accepted
        } else {
            Response::Declined
        };
        let mut r = self.next(now);
        match side {
            Side::Sme => r.sme_response = Some(response),
            Side::Investor => r.investor_response = Some(response),
        }
        let who = match side {
            Side::Sme => "SME",
            Side::Investor => "INVESTOR",
        };
        let action = if accept { "ACCEPTED" } else { "DECLINED" };
        let mut log = vec![AuditEntry {
            action,
            actor: Some(actor),
            from: Some(Stage::Introduced),
            to: None,
            message: Some(format!("{who} {}", response.as_str().to_lowercase())),
            at: now,
        }];
        let to = match (r.sme_response, r.investor_response) {
            (Some(Response::Declined), _) | (_, Some(Response::Declined)) => Some(Stage::Declined),
            (Some(Response::Accepted), Some(Response::Accepted)) => Some(Stage::Connected),
            _ => None,
        };
        if let Some(to) = to {
            r.stage = to;
            log[0].to = Some(to);
            if to == Stage::Connected {
                log.push(AuditEntry {
                    action: "CONTACTS_REVEALED",
                    actor: Some(actor),
                    from: Some(Stage::Introduced),
                    to: Some(Stage::Connected),
                    message: Some(
                        "both sides accepted: contact details revealed to each other".into(),
                    ),
                    at: now,
                });
            }
        }
        Ok((r, log))
    }

    /// The owner took one side off the site: a match still before or waiting for the parties'
    /// answers (shortlisted, introduced) ends CLOSED, since nobody can meet a business that is
    /// gone; the other side no longer waits for an answer that cannot come. `None` for a match
    /// past that point (the parties already have each other's contacts) or already ended.
    pub fn withdrawn(
        &self,
        actor: UserId,
        now: time::OffsetDateTime,
    ) -> Option<(Self, Vec<AuditEntry>)> {
        if !matches!(self.stage, Stage::Shortlisted | Stage::Introduced) {
            return None;
        }
        let mut r = self.next(now);
        r.stage = Stage::Closed;
        Some((
            r,
            vec![entry(
                WITHDRAWN_ACTION,
                actor,
                self.stage,
                Stage::Closed,
                None,
                now,
            )],
        ))
    }

    /// Staff move a match along (IN_TALKS, DEAL, CLOSED, …).
    pub fn move_to(
        &self,
        to: Stage,
        message: Option<&str>,
        actor: UserId,
        now: time::OffsetDateTime,
    ) -> Result<(Self, Vec<AuditEntry>), ValidationErrors> {
        let allowed = self.stage.staff_moves();
        if !allowed.contains(&to) || to == Stage::Introduced {
            // INTRODUCED needs a message: use `introduce`.
            return Err(illegal(self.stage, to.as_str(), allowed));
        }
        let message = message.map(|m| check_message("message", m)).transpose()?;
        let mut r = self.next(now);
        r.stage = to;
        Ok((
            r,
            vec![entry("STAGE_CHANGED", actor, self.stage, to, message, now)],
        ))
    }

    pub fn note(
        &self,
        note: &str,
        actor: UserId,
        now: time::OffsetDateTime,
    ) -> Result<AuditEntry, ValidationErrors> {
        Ok(AuditEntry {
            action: "NOTE",
            actor: Some(actor),
            from: None,
            to: None,
            message: Some(check_message("note", note)?),
            at: now,
        })
    }

    pub fn assign(
        &self,
        curator: UserId,
        actor: UserId,
        now: time::OffsetDateTime,
    ) -> (Self, AuditEntry) {
        // Staff bookkeeping, like a note: the match is no further along, so its last change
        // (what the parties read as `updatedAt`, and the board's "longest wait" order) stays
        // (QA: a party saw when staff reassigned its match, and the board lost a pair that
        // was still waiting for answers). The version still moves, for concurrent writers.
        let mut r = self.next(self.updated_at);
        r.curator_id = Some(curator);
        (
            r,
            AuditEntry {
                action: "CURATOR_ASSIGNED",
                actor: Some(actor),
                from: None,
                to: None,
                message: Some(format!("curator {curator}")),
                at: now,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> (ProfileId, ProfileId, ProfileId, UserId) {
        (
            ProfileId::new_v7(),
            ProfileId::new_v7(),
            ProfileId::new_v7(),
            ProfileId::new_v7(),
        )
    }

    #[test]
    fn the_happy_path_logs_every_step() {
        let now = time::OffsetDateTime::UNIX_EPOCH;
        let (id, sme, inv, staff) = ids();
        let (r, mut log) = MatchRecord::shortlist(id, sme, inv, 0.3, staff, now);
        let (r, l) = r.introduce("Meet each other", staff, now).unwrap();
        log.extend(l);
        let (r, l) = r.respond(Side::Sme, true, sme, now).unwrap();
        assert_eq!(r.stage, Stage::Introduced);
        log.extend(l);
        assert!(
            r.respond(Side::Sme, false, sme, now).is_err(),
            "one answer per side"
        );
        let (r, l) = r.respond(Side::Investor, true, inv, now).unwrap();
        assert_eq!(r.stage, Stage::Connected);
        assert!(r.stage.reveals_contacts());
        log.extend(l);
        let (r, l) = r.move_to(Stage::InTalks, None, staff, now).unwrap();
        log.extend(l);
        let (r, l) = r.move_to(Stage::Deal, Some("signed"), staff, now).unwrap();
        log.extend(l);
        assert_eq!(r.version, 6);
        let actions: Vec<&str> = log.iter().map(|e| e.action).collect();
        assert_eq!(
            actions,
            vec![
                "SHORTLISTED",
                "INTRODUCED",
                "ACCEPTED",
                "ACCEPTED",
                "CONTACTS_REVEALED",
                "STAGE_CHANGED",
                "STAGE_CHANGED"
            ]
        );
    }

    #[test]
    fn illegal_moves_name_the_allowed_ones() {
        let now = time::OffsetDateTime::UNIX_EPOCH;
        let (id, sme, inv, staff) = ids();
        let (r, _) = MatchRecord::shortlist(id, sme, inv, 0.0, staff, now);
        let err = r.move_to(Stage::Deal, None, staff, now).unwrap_err();
        assert!(
            err.to_string()
                .contains("allowed from here: INTRODUCED, CLOSED"),
            "{err}"
        );
        assert!(r.respond(Side::Sme, true, sme, now).is_err());
        let (r, _) = r.introduce("hi", staff, now).unwrap();
        let (r, _) = r.respond(Side::Investor, false, inv, now).unwrap();
        assert_eq!(r.stage, Stage::Declined);
        assert!(r
            .move_to(Stage::Closed, None, staff, now)
            .unwrap_err()
            .to_string()
            .contains("finished"));
        assert!(r.introduce("  ", staff, now).is_err());
    }
}
