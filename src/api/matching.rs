//! `matchesForSme` and `matchesForInvestor`, and the one `Match` type: translation onto
//! `service::matching`. What a viewer may see of a match was decided there.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use time::OffsetDateTime;

use super::enums::{IntroductionResponse, Lang, MatchFeature, MatchStage};
use super::errors::{gql, ApiError};
use super::search::SmeFilter;
use super::types::{Investor, Sme, User};
use super::{app, viewer};
use crate::service::matching::{self as service, MatchArgs, MatchView};
use crate::service::pipeline as pipeline_service;

/// Per-query weights, each a number from 0 to 1000 that counts relative to the others (they are
/// normalised to sum to 1, so 0.5 and 5 weigh alike when the rest scale too); omitted features
/// keep their default (which sum to 1); at least one must be above 0.
#[derive(InputObject, Debug, Clone, Copy, Default)]
pub struct MatchWeightsInput {
    /// Text relevance of one side's texts against the other's.
    pub text: Option<f64>,
    /// ISIC Rev.4 tree distance between the SME's activity and the investor's interests.
    pub sector: Option<f64>,
    /// Fit of the SME's digital level with the levels the investor wants.
    pub digital: Option<f64>,
    /// Investment-law incentives the project would get, against those the investor cares about.
    pub incentive: Option<f64>,
    /// Overlap of the capital sought with the investor's ticket range.
    pub ticket: Option<f64>,
    /// Overlap of partnership types sought and offered.
    pub partnership: Option<f64>,
    /// The SME's province among the investor's preferred provinces.
    pub location: Option<f64>,
}

impl From<MatchWeightsInput> for service::WeightOverrides {
    fn from(w: MatchWeightsInput) -> Self {
        [
            w.text,
            w.sector,
            w.digital,
            w.incentive,
            w.ticket,
            w.partnership,
            w.location,
        ]
    }
}

/// One feature's part in a match score.
#[derive(SimpleObject, Debug, Clone)]
pub struct MatchFactor {
    /// Which feature.
    pub feature: MatchFeature,
    /// The feature's value, in [0, 1].
    pub value: f64,
    /// Its weight; weights sum to 1.
    pub weight: f64,
    /// value × weight; the contributions sum to the score.
    pub contribution: f64,
    /// Why, in plain words, in the requested language.
    pub reason: String,
}

/// A pair (SME, investor) as the viewer may see it.
pub struct Match(pub MatchView);

/// A pair (SME, investor) with its score and the reason for every point of it. Once staff act
/// on a pair it moves through the curation pipeline under the same id; its stage, dates,
/// answers and introduction are shown to staff and the two parties only (to everyone else the
/// pair is SUGGESTED), its curator and audit log to staff only.
#[Object]
impl Match {
    /// The pair's id: the same for the ranked pair and its pipeline record.
    async fn id(&self) -> ID {
        self.0.id.to_string().into()
    }

    /// Where the match stands; SUGGESTED until staff act on the pair, and for viewers who are
    /// neither staff nor a party.
    async fn stage(&self) -> MatchStage {
        self.0.stage().into()
    }

    /// In [0, 1]: the sum of the explanation's contributions.
    async fn score(&self) -> f64 {
        self.0.breakdown.score
    }

    /// The SME side.
    async fn sme(&self) -> Sme {
        Sme(self.0.sme.clone())
    }

    /// The investor side.
    async fn investor(&self) -> Investor {
        Investor(self.0.investor.clone())
    }

    /// Every feature: value, weight, contribution and the reason, in the requested language.
    async fn explanation(&self) -> Vec<MatchFactor> {
        self.0
            .breakdown
            .factors
            .iter()
            .map(|f| MatchFactor {
                feature: f.feature.into(),
                value: f.value,
                weight: f.weight,
                contribution: f.contribution,
                reason: f.reason.clone(),
            })
            .collect()
    }

    /// The SME side's answer to the introduction (parties and staff only).
    async fn sme_response(&self) -> Option<IntroductionResponse> {
        self.0.pipeline.as_ref()?.sme_response.map(Into::into)
    }

    /// The investor side's answer to the introduction (parties and staff only).
    async fn investor_response(&self) -> Option<IntroductionResponse> {
        self.0.pipeline.as_ref()?.investor_response.map(Into::into)
    }

    /// The staff's introduction message (parties and staff only).
    async fn introduction(&self) -> Option<&str> {
        self.0.pipeline.as_ref()?.introduction.as_deref()
    }

    /// The curator in charge (staff only).
    async fn curator(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(id) = self.0.pipeline.as_ref().and_then(|p| p.curator) else {
            return Ok(None);
        };
        let user = crate::service::accounts::account(app(ctx), viewer(ctx), id).await;
        gql(user.map(|u| u.map(User)))
    }

    /// Who did what and when: every stage change, introduction, answer, note and contact
    /// reveal (staff only).
    async fn audit_log(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<AuditEntry>> {
        gql(async {
            if self.0.pipeline.is_none() {
                // Not in the pipeline, or not the viewer's business: staff are told the former.
                viewer(ctx).require_staff()?;
                return Ok(Vec::new());
            }
            let lines = pipeline_service::audit_log(app(ctx), viewer(ctx), self.0.id).await?;
            lines
                .into_iter()
                .map(|l| {
                    let action = AuditAction::parse(l.entry.action).ok_or_else(|| {
                        ApiError::Internal(format!("unknown audit action {}", l.entry.action))
                    })?;
                    Ok(AuditEntry {
                        action,
                        at: l.entry.at,
                        actor: l.actor.map(User),
                        message: l.entry.message,
                        from_stage: l.entry.from.map(Into::into),
                        to_stage: l.entry.to.map(Into::into),
                    })
                })
                .collect()
        }
        .await)
    }

    /// The e-mails changes to this match owed (to its two owners, to its curator) and how
    /// each went, in the order they were owed (staff only).
    async fn notices(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<MatchNotice>> {
        gql(async {
            if self.0.pipeline.is_none() {
                viewer(ctx).require_staff()?;
                return Ok(Vec::new());
            }
            let stored =
                crate::service::notices::of_match(app(ctx), viewer(ctx), self.0.id).await?;
            Ok(stored.into_iter().map(MatchNotice::from).collect())
        }
        .await)
    }

    /// When staff put the pair in the pipeline: staff only (null while SUGGESTED, and for
    /// everyone else, the parties too: until the introduction the pair is staff business).
    async fn created_at(&self) -> Option<OffsetDateTime> {
        self.0.pipeline.as_ref().and_then(|p| p.created_at)
    }

    /// When the pipeline record last changed (null while SUGGESTED, and for viewers who are
    /// neither staff nor a party).
    async fn updated_at(&self) -> Option<OffsetDateTime> {
        self.0.pipeline.as_ref().map(|p| p.updated_at)
    }
}

/// What an audit entry records.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    /// Staff put the pair on the shortlist.
    Shortlisted,
    /// Staff introduced the two parties.
    Introduced,
    /// A party accepted the introduction.
    Accepted,
    /// A party declined the introduction.
    Declined,
    /// Both accepted: each side's contact details were revealed to the other.
    ContactsRevealed,
    /// Staff moved the match to another stage.
    StageChanged,
    /// Staff added a note.
    Note,
    /// Staff assigned a curator.
    CuratorAssigned,
    /// The owner took one side off the site: a match not yet answered by both was closed.
    Withdrawn,
}

impl AuditAction {
    /// The wire value of a stored action name (the domain's names are these, in capitals).
    fn parse(action: &str) -> Option<Self> {
        use AuditAction::*;
        Some(match action {
            "SHORTLISTED" => Shortlisted,
            "INTRODUCED" => Introduced,
            "ACCEPTED" => Accepted,
            "DECLINED" => Declined,
            "CONTACTS_REVEALED" => ContactsRevealed,
            "STAGE_CHANGED" => StageChanged,
            "NOTE" => Note,
            "CURATOR_ASSIGNED" => CuratorAssigned,
            "WITHDRAWN" => Withdrawn,
            _ => return None,
        })
    }
}

/// One line of a match's audit log.
#[derive(SimpleObject)]
pub struct AuditEntry {
    /// What happened.
    pub action: AuditAction,
    /// When.
    pub at: OffsetDateTime,
    /// Who (null for changes made by the system).
    pub actor: Option<User>,
    /// The introduction message, the note, or the reason given for a move.
    pub message: Option<String>,
    /// The stage before, for stage changes.
    pub from_stage: Option<MatchStage>,
    /// The stage after, for stage changes.
    pub to_stage: Option<MatchStage>,
}

/// An e-mail a change to a match owed, and how its sending went.
#[derive(SimpleObject)]
pub struct MatchNotice {
    /// The notice's id (for `sendNoticeAgain`).
    pub id: ID,
    /// To whom, relative to the match (the account is looked up when it is sent).
    pub audience: NoticeAudience,
    /// What it tells.
    pub kind: NoticeKind,
    /// When the change that owed it was made.
    pub created_at: OffsetDateTime,
    /// Attempts to send it so far.
    pub attempts: i32,
    /// When the mail relay took it (null until then).
    pub sent_at: Option<OffsetDateTime>,
    /// Given up for good (a refused address, ten failed attempts, nobody to send it to).
    pub gave_up: bool,
    /// The last refusal: the relay's answer; NO_RECIPIENT; STALE (the match moved on before it
    /// went out); or RELAY_UNREACHABLE and the detail (no SMTP answer: down, unreachable, slow).
    pub last_error: Option<String>,
    /// When a sender may try it next (a retry's time, or the end of a running attempt); null
    /// once sent or given up.
    pub next_attempt_at: Option<OffsetDateTime>,
}

/// To whom a notice goes, relative to its match.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeAudience {
    /// The owner of the SME's profile.
    SmeOwner,
    /// The owner of the investor's profile.
    InvestorOwner,
    /// The staff member assigned to the match.
    Curator,
}

/// What a notice tells.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// Staff introduced the two parties.
    Introduced,
    /// Both parties accepted: contacts are shown to each other.
    Connected,
    /// The SME side accepted its introduction.
    SmeAccepted,
    /// The SME side declined its introduction.
    SmeDeclined,
    /// The investor side accepted its introduction.
    InvestorAccepted,
    /// The investor side declined its introduction.
    InvestorDeclined,
    /// The owner of one side took it off the site, which closed the match (for the curator).
    Withdrawn,
}

impl From<crate::store::StoredNotice> for MatchNotice {
    fn from(n: crate::store::StoredNotice) -> Self {
        use crate::domain::notice::{Audience, NoticeKind as K};
        use crate::domain::pipeline::{Response, Side};
        MatchNotice {
            id: ID(n.id.to_string()),
            audience: match n.notice.audience {
                Audience::SmeOwner => NoticeAudience::SmeOwner,
                Audience::InvestorOwner => NoticeAudience::InvestorOwner,
                Audience::Curator => NoticeAudience::Curator,
            },
            kind: match n.notice.kind {
                K::Introduced => NoticeKind::Introduced,
                K::Connected => NoticeKind::Connected,
                K::Answered(Side::Sme, Response::Accepted) => NoticeKind::SmeAccepted,
                K::Answered(Side::Sme, Response::Declined) => NoticeKind::SmeDeclined,
                K::Answered(Side::Investor, Response::Accepted) => NoticeKind::InvestorAccepted,
                K::Answered(Side::Investor, Response::Declined) => NoticeKind::InvestorDeclined,
                K::Withdrawn => NoticeKind::Withdrawn,
            },
            created_at: n.created_at,
            attempts: i32::try_from(n.attempts).unwrap_or(i32::MAX),
            sent_at: n.sent_at,
            gave_up: n.gave_up,
            last_error: n.last_error,
            next_attempt_at: n.next_attempt,
        }
    }
}

#[derive(Default)]
pub struct MatchQuery;

#[Object]
impl MatchQuery {
    /// The investors and partners that fit an SME best, ranked exactly over every published
    /// investor, each with the reason for every point of its score.
    async fn matches_for_sme(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A published SME's id.")] sme_id: ID,
        #[graphql(desc = "How many: 0 to 100, default 10.")] first: Option<i32>,
        #[graphql(desc = "Per-query weights; omitted features keep their default.")]
        weights: Option<MatchWeightsInput>,
        #[graphql(desc = "Language of the reasons and names (default EN).")] lang: Option<Lang>,
    ) -> async_graphql::Result<Vec<Match>> {
        let args = MatchArgs {
            first,
            weights: weights.map(Into::into),
            lang: Some(super::lang(lang)),
        };
        let r = service::for_sme(app(ctx), viewer(ctx), &sme_id, args).await;
        gql(r.map(|v| v.into_iter().map(Match).collect()))
    }

    /// The SMEs that fit an investor best, ranked exactly over every published SME (optionally
    /// restricted by `filter`), each with the reason for every point of its score.
    async fn matches_for_investor(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A published investor's id.")] investor_id: ID,
        #[graphql(desc = "How many: 0 to 100, default 10.")] first: Option<i32>,
        #[graphql(desc = "Per-query weights; omitted features keep their default.")]
        weights: Option<MatchWeightsInput>,
        #[graphql(desc = "Only SMEs that pass this filter are ranked.")] filter: Option<SmeFilter>,
        #[graphql(desc = "Language of the reasons and names (default EN).")] lang: Option<Lang>,
    ) -> async_graphql::Result<Vec<Match>> {
        let args = MatchArgs {
            first,
            weights: weights.map(Into::into),
            lang: Some(super::lang(lang)),
        };
        let filter = filter.map(Into::into);
        let r = service::for_investor(app(ctx), viewer(ctx), &investor_id, filter, args).await;
        gql(r.map(|v| v.into_iter().map(Match).collect()))
    }
}
