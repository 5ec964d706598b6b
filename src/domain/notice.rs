//! Notices: what a change to a match tells the people it concerns, by e-mail.
//!
//! A notice names an *audience* (the SME's owner, the investor's owner, the curator), never an
//! address: the account it reaches is looked up when it is sent, so a notice owed to a profile
//! that changed hands reaches its owner of the day, and nothing about an account is copied
//! into the notice. Which changes owe which notices is decided here, from the record before
//! and after the change; the caller stores them with the record in one transaction, so a
//! change is never committed without its notices, nor the reverse.
//!
//! The parties hear of their introduction and of both sides accepting (when contacts are
//! revealed on the site); the curator hears each answer, and that an owner's taking one side
//! off the site closed the match (it would otherwise only show on the board). A decline is *not* mailed to the
//! other party: their introductions page shows the match as declined, and a mail saying "the
//! investor said no" is more than the pipeline's own pages tell them by push.

use super::pipeline::{AuditEntry, MatchRecord, Response, Side, Stage, WITHDRAWN_ACTION};

/// The reason recorded for a notice given up because its news was no longer true when it
/// would have gone out (the side had already answered its introduction, the match had moved
/// on). Nothing failed: it is not an e-mail that "did not go out" for staff to follow up.
pub const STALE: &str = "STALE";

/// Who a notice is for, relative to its match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    SmeOwner,
    InvestorOwner,
    Curator,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::SmeOwner => "SME_OWNER",
            Audience::InvestorOwner => "INVESTOR_OWNER",
            Audience::Curator => "CURATOR",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Audience::SmeOwner,
            Audience::InvestorOwner,
            Audience::Curator,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }
}

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// Staff introduced the two parties: each may now accept or decline.
    Introduced,
    /// Both accepted: their contact details are shown to each other.
    Connected,
    /// One side answered its introduction (for the curator).
    Answered(Side, Response),
    /// The owner of one side took it off the site, which closed the match (for the curator).
    Withdrawn,
}

impl NoticeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Introduced => "INTRODUCED",
            NoticeKind::Connected => "CONNECTED",
            NoticeKind::Answered(Side::Sme, Response::Accepted) => "SME_ACCEPTED",
            NoticeKind::Answered(Side::Sme, Response::Declined) => "SME_DECLINED",
            NoticeKind::Answered(Side::Investor, Response::Accepted) => "INVESTOR_ACCEPTED",
            NoticeKind::Answered(Side::Investor, Response::Declined) => "INVESTOR_DECLINED",
            NoticeKind::Withdrawn => "WITHDRAWN",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let answered = |side, r| Some(NoticeKind::Answered(side, r));
        match s {
            "INTRODUCED" => Some(NoticeKind::Introduced),
            "CONNECTED" => Some(NoticeKind::Connected),
            "SME_ACCEPTED" => answered(Side::Sme, Response::Accepted),
            "SME_DECLINED" => answered(Side::Sme, Response::Declined),
            "INVESTOR_ACCEPTED" => answered(Side::Investor, Response::Accepted),
            "INVESTOR_DECLINED" => answered(Side::Investor, Response::Declined),
            "WITHDRAWN" => Some(NoticeKind::Withdrawn),
            _ => None,
        }
    }
}

/// One notice owed by a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Notice {
    pub audience: Audience,
    pub kind: NoticeKind,
}

/// The notices a change from `before` to `after` owes (the same match, one stored change, whose
/// audit entries are `log`: a withdrawal is told apart from staff closing the match by them).
pub fn owed(before: &MatchRecord, after: &MatchRecord, log: &[AuditEntry]) -> Vec<Notice> {
    let mut out = Vec::new();
    let parties = |kind| {
        [Audience::SmeOwner, Audience::InvestorOwner].map(|audience| Notice { audience, kind })
    };
    if after.stage != before.stage {
        match after.stage {
            Stage::Introduced => out.extend(parties(NoticeKind::Introduced)),
            Stage::Connected => out.extend(parties(NoticeKind::Connected)),
            _ => {}
        }
    }
    let answers = [
        (Side::Sme, before.sme_response, after.sme_response),
        (
            Side::Investor,
            before.investor_response,
            after.investor_response,
        ),
    ];
    for (side, was, now) in answers {
        if let (None, Some(r)) = (was, now) {
            if after.curator_id.is_some() {
                out.push(Notice {
                    audience: Audience::Curator,
                    kind: NoticeKind::Answered(side, r),
                });
            }
        }
    }
    if after.curator_id.is_some() && log.iter().any(|e| e.action == WITHDRAWN_ACTION) {
        out.push(Notice {
            audience: Audience::Curator,
            kind: NoticeKind::Withdrawn,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::ProfileId;

    fn shortlisted() -> MatchRecord {
        let id = |n: u128| ProfileId::from_u128(n);
        MatchRecord::shortlist(
            id(1),
            id(2),
            id(3),
            0.5,
            id(9),
            time::OffsetDateTime::UNIX_EPOCH,
        )
        .0
    }

    #[test]
    fn an_introduction_tells_both_parties_and_the_answers_tell_the_curator() {
        let staff = ProfileId::from_u128(9);
        let now = time::OffsetDateTime::UNIX_EPOCH;
        let s = shortlisted();
        let (i, _) = s.introduce("hello", staff, now).expect("introduce");
        let parties = |kind| {
            vec![
                Notice {
                    audience: Audience::SmeOwner,
                    kind,
                },
                Notice {
                    audience: Audience::InvestorOwner,
                    kind,
                },
            ]
        };
        assert_eq!(owed(&s, &i, &[]), parties(NoticeKind::Introduced));

        let (a, _) = i.respond(Side::Sme, true, staff, now).expect("sme accepts");
        let curator = |side, r| Notice {
            audience: Audience::Curator,
            kind: NoticeKind::Answered(side, r),
        };
        assert_eq!(
            owed(&i, &a, &[]),
            vec![curator(Side::Sme, Response::Accepted)]
        );

        let (c, _) = a
            .respond(Side::Investor, true, staff, now)
            .expect("accepts");
        let mut want = parties(NoticeKind::Connected);
        want.push(curator(Side::Investor, Response::Accepted));
        assert_eq!(owed(&a, &c, &[]), want);

        // A decline goes to the curator only: the other party is not told by mail.
        let (d, _) = a
            .respond(Side::Investor, false, staff, now)
            .expect("declines");
        assert_eq!(
            owed(&a, &d, &[]),
            vec![curator(Side::Investor, Response::Declined)]
        );

        // Later moves, curator changes and notes owe nothing.
        let (t, _) = c.move_to(Stage::InTalks, None, staff, now).expect("talks");
        assert!(owed(&c, &t, &[]).is_empty());
    }

    #[test]
    fn without_a_curator_an_answer_owes_nobody() {
        let staff = ProfileId::from_u128(9);
        let now = time::OffsetDateTime::UNIX_EPOCH;
        let mut s = shortlisted();
        s.curator_id = None;
        let (i, _) = s.introduce("hello", staff, now).expect("introduce");
        let (a, _) = i.respond(Side::Sme, false, staff, now).expect("declines");
        assert!(owed(&i, &a, &[]).is_empty());
    }

    #[test]
    fn names_read_back() {
        for a in [
            Audience::SmeOwner,
            Audience::InvestorOwner,
            Audience::Curator,
        ] {
            assert_eq!(Audience::parse(a.as_str()), Some(a));
        }
        for side in [Side::Sme, Side::Investor] {
            for r in [Response::Accepted, Response::Declined] {
                let k = NoticeKind::Answered(side, r);
                assert_eq!(NoticeKind::parse(k.as_str()), Some(k));
            }
        }
        for k in [NoticeKind::Introduced, NoticeKind::Connected] {
            assert_eq!(NoticeKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(NoticeKind::parse("introduced"), None);
    }

    #[test]
    fn an_owner_taking_a_side_off_the_site_tells_the_curator() {
        let staff = ProfileId::from_u128(9);
        let now = time::OffsetDateTime::UNIX_EPOCH;
        let (i, _) = shortlisted()
            .introduce("hello", staff, now)
            .expect("introduce");
        let (closed, log) = i
            .withdrawn(ProfileId::from_u128(5), now)
            .expect("withdrawn");
        assert_eq!(
            owed(&i, &closed, &log),
            vec![Notice {
                audience: Audience::Curator,
                kind: NoticeKind::Withdrawn,
            }]
        );
        // Staff closing it themselves owe nobody a letter, nor does a match without a curator.
        let (by_staff, log) = i.move_to(Stage::Closed, None, staff, now).expect("close");
        assert!(owed(&i, &by_staff, &log).is_empty());
        let mut uncurated = i.clone();
        uncurated.curator_id = None;
        let (closed, log) = uncurated.withdrawn(staff, now).expect("withdrawn");
        assert!(owed(&uncurated, &closed, &log).is_empty());
        assert_eq!(NoticeKind::parse("WITHDRAWN"), Some(NoticeKind::Withdrawn));
    }
}
