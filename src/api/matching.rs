//! `matchesForSme` and `matchesForInvestor`: exact ranking over the whole index, each result
//! explained feature by feature in the caller's language.

use std::collections::HashMap;

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};

use super::account::viewer;
use super::enums::{IntroductionResponse, Lang, MatchFeature, MatchStage};
use super::errors::{gql, ApiError, ApiResult};
use super::query::{app, parse_id};
use super::search::SmeFilter;
use super::types::{Investor, Sme};
use crate::app::App;
use crate::domain;
use crate::domain::ids::ProfileId;
use crate::domain::pipeline::MatchRecord;
use crate::domain::profile::ProfileStatus;
use crate::matching::explain::{explain, Breakdown, Pair};
use crate::matching::weights::{Weights, WeightsError};
use crate::search::features::IncentiveKey;
use crate::search::matcher::{
    rank_investors, rank_smes, InvestorsForSme, MatchHit, SmesForInvestor,
};

pub const DEFAULT_MATCHES: i32 = 10;
pub const MAX_MATCHES: i32 = 100;

/// Per-query weights; omitted features keep their default. Normalised to sum to 1.
#[derive(InputObject, Debug, Clone, Copy, Default)]
pub struct MatchWeightsInput {
    pub text: Option<f64>,
    pub sector: Option<f64>,
    pub digital: Option<f64>,
    pub incentive: Option<f64>,
    pub ticket: Option<f64>,
    pub partnership: Option<f64>,
    pub location: Option<f64>,
}

fn weights(input: Option<MatchWeightsInput>) -> ApiResult<Weights> {
    let w = input.unwrap_or_default();
    Weights::with_overrides([
        w.text,
        w.sector,
        w.digital,
        w.incentive,
        w.ticket,
        w.partnership,
        w.location,
    ])
    .map_err(|e| {
        let field = match &e {
            WeightsError::OutOfRange(f) => format!("weights.{}", f.to_lowercase()),
            WeightsError::AllZero => "weights".to_string(),
        };
        ApiError::bad_input(&field, e.to_string())
    })
}

fn page_size(first: Option<i32>) -> ApiResult<usize> {
    let n = first.unwrap_or(DEFAULT_MATCHES);
    if !(0..=MAX_MATCHES).contains(&n) {
        return Err(ApiError::bad_input(
            "first",
            format!("must be between 0 and {MAX_MATCHES} (got {n})"),
        ));
    }
    Ok(n as usize)
}

/// One feature's part in a match score.
#[derive(SimpleObject, Debug, Clone)]
pub struct MatchFactor {
    pub feature: MatchFeature,
    /// The feature's value, in [0, 1].
    pub value: f64,
    /// Its weight; weights sum to 1.
    pub weight: f64,
    /// value × weight; the contributions sum to the score.
    pub contribution: f64,
    pub reason: String,
}

/// A pair (SME, investor) with its score and explanation. Once staff act on a pair it moves
/// through the curation pipeline under the same id, with a stage and an audit log.
pub struct Match {
    pub(crate) sme: domain::sme::Sme,
    pub(crate) investor: domain::investor::Investor,
    pub(crate) breakdown: Breakdown,
    pub(crate) record: Option<MatchRecord>,
}

/// The id of a pair: a UUID derived from both profile ids, the same wherever it is computed.
pub fn pair_id(sme: ProfileId, investor: ProfileId) -> ProfileId {
    // Fixed namespace for khkr-match pair ids.
    const NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x6b686b72_6d61_7463_6800_706169720001);
    ProfileId::from_u128(
        uuid::Uuid::new_v5(&NAMESPACE, format!("{sme}/{investor}").as_bytes()).as_u128(),
    )
}

impl Match {
    /// The pair of a pipeline record, explained with today's profiles and the text relevance
    /// recorded when it was shortlisted.
    pub(crate) async fn of_record(
        app: &App,
        record: MatchRecord,
        lang: domain::text::Lang,
    ) -> ApiResult<Match> {
        let sme = app
            .store
            .sme(record.sme_id)
            .await?
            .ok_or_else(|| ApiError::Internal(format!("match {} has no SME", record.id)))?;
        let investor = app
            .store
            .investor(record.investor_id)
            .await?
            .ok_or_else(|| ApiError::Internal(format!("match {} has no investor", record.id)))?;
        let text = record.text_relevance;
        let weights = Weights::default();
        Ok(Match::explained(
            app,
            sme,
            investor,
            text,
            &weights,
            lang,
            Some(record),
        ))
    }

    /// The one place a pair is scored and explained: today's profiles, the incentive facts of
    /// the rules in force, and the given text relevance.
    pub(crate) fn explained(
        app: &App,
        sme: domain::sme::Sme,
        investor: domain::investor::Investor,
        text: f64,
        weights: &Weights,
        lang: domain::text::Lang,
        record: Option<MatchRecord>,
    ) -> Match {
        let pair = Pair {
            sme: &sme.profile,
            digital: sme.digital.level,
            incentives: (app.facts)(&IncentiveKey::of(&sme.profile)),
            investor: &investor.profile,
            text,
        };
        let breakdown = explain(&pair, weights, lang);
        Match {
            sme,
            investor,
            breakdown,
            record,
        }
    }

    /// Tells subscribers about a change to this match's record.
    pub(crate) fn publish(&self, events: &crate::events::Events, kind: &str) {
        if let Some(r) = &self.record {
            events.publish(r, kind, &self.sme, &self.investor);
        }
    }

    /// Whether the viewer is staff or owns one side.
    fn party_or_staff(&self, v: &super::viewer::Viewer) -> bool {
        v.is_staff() || v.owns(self.sme.owner) || v.owns(self.investor.owner)
    }
}

#[Object]
impl Match {
    async fn id(&self) -> ID {
        self.record
            .as_ref()
            .map_or_else(|| pair_id(self.sme.id, self.investor.id), |r| r.id)
            .to_string()
            .into()
    }

    /// SUGGESTED until staff act on the pair.
    async fn stage(&self) -> MatchStage {
        self.record
            .as_ref()
            .map_or(MatchStage::Suggested, |r| r.stage.into())
    }

    /// In [0, 1]: the sum of the explanation's contributions.
    async fn score(&self) -> f64 {
        self.breakdown.score
    }

    async fn sme(&self) -> Sme {
        Sme(self.sme.clone())
    }

    async fn investor(&self) -> Investor {
        Investor(self.investor.clone())
    }

    /// Every feature: value, weight, contribution and the reason, in the requested language.
    async fn explanation(&self) -> Vec<MatchFactor> {
        self.breakdown
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
    async fn sme_response(&self, ctx: &Context<'_>) -> Option<IntroductionResponse> {
        let r = self.record.as_ref()?;
        self.party_or_staff(viewer(ctx)).then_some(())?;
        r.sme_response.map(Into::into)
    }

    /// The investor side's answer to the introduction (parties and staff only).
    async fn investor_response(&self, ctx: &Context<'_>) -> Option<IntroductionResponse> {
        let r = self.record.as_ref()?;
        self.party_or_staff(viewer(ctx)).then_some(())?;
        r.investor_response.map(Into::into)
    }

    /// The staff's introduction message (parties and staff only).
    async fn introduction(&self, ctx: &Context<'_>) -> Option<String> {
        let r = self.record.as_ref()?;
        self.party_or_staff(viewer(ctx)).then_some(())?;
        r.introduction.clone()
    }

    /// The curator in charge (staff only).
    async fn curator(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<super::account::User>> {
        gql(async {
            let Some(id) = self.record.as_ref().and_then(|r| r.curator_id) else {
                return Ok(None);
            };
            if !viewer(ctx).is_staff() {
                return Ok(None);
            }
            Ok(app(ctx)
                .store
                .user(id)
                .await?
                .map(super::account::User::other))
        }
        .await)
    }

    /// Who did what and when: every stage change, introduction, answer, note and contact
    /// reveal (staff only).
    async fn audit_log(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<AuditEntry>> {
        gql(async {
            viewer(ctx).require_staff()?;
            let Some(r) = &self.record else {
                return Ok(Vec::new());
            };
            let store = &app(ctx).store;
            let mut out = Vec::new();
            for e in store.audit_log(r.id).await? {
                let actor = match e.actor {
                    Some(id) => store.user(id).await?.map(super::account::User::other),
                    None => None,
                };
                out.push(AuditEntry {
                    action: e.action.to_string(),
                    at: crate::store::timestamp(e.at),
                    actor,
                    message: e.message,
                    from_stage: e.from.map(Into::into),
                    to_stage: e.to.map(Into::into),
                });
            }
            Ok(out)
        }
        .await)
    }

    /// When the pair entered the pipeline (null while SUGGESTED).
    async fn created_at(&self) -> Option<String> {
        self.record
            .as_ref()
            .map(|r| crate::store::timestamp(r.created_at))
    }

    async fn updated_at(&self) -> Option<String> {
        self.record
            .as_ref()
            .map(|r| crate::store::timestamp(r.updated_at))
    }
}

/// One line of a match's audit log.
#[derive(SimpleObject)]
pub struct AuditEntry {
    /// SHORTLISTED, INTRODUCED, ACCEPTED, DECLINED, CONTACTS_REVEALED, STAGE_CHANGED, NOTE,
    /// CURATOR_ASSIGNED.
    pub action: String,
    /// UTC, RFC 3339.
    pub at: String,
    pub actor: Option<super::account::User>,
    pub message: Option<String>,
    pub from_stage: Option<MatchStage>,
    pub to_stage: Option<MatchStage>,
}

async fn ranked<F>(f: F) -> ApiResult<Vec<MatchHit>>
where
    F: FnOnce() -> Result<Vec<MatchHit>, crate::search::index::SearchError> + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::Internal(format!("ranking task failed: {e}")))?
        .map_err(|e| ApiError::Internal(e.to_string()))
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
        sme_id: ID,
        first: Option<i32>,
        weights: Option<MatchWeightsInput>,
        lang: Option<Lang>,
    ) -> async_graphql::Result<Vec<Match>> {
        gql(async {
            let id = parse_id("smeId", &sme_id)?;
            let (k, w) = (page_size(first)?, self::weights(weights)?);
            let lang: domain::text::Lang = lang.unwrap_or(Lang::En).into();
            let app = app(ctx).clone();
            let sme = app
                .store
                .sme(id)
                .await?
                .filter(|s| s.lifecycle.status == ProfileStatus::Published)
                .ok_or_else(|| ApiError::NotFound {
                    what: "SME",
                    id: id.to_string(),
                })?;
            let facts = (app.facts)(&IncentiveKey::of(&sme.profile));
            let searcher = app.search.searcher();
            let hits = {
                let (app, sme) = (app.clone(), sme.clone());
                ranked(move || {
                    let req = InvestorsForSme {
                        sme: &sme.profile,
                        digital: sme.digital.level,
                        incentives: facts,
                        weights: w,
                        first: k,
                    };
                    rank_investors(&app.search, &searcher, &app.features, &req)
                })
                .await?
            };
            let ids: Vec<ProfileId> = hits.iter().map(|h| h.id).collect();
            let mut investors: HashMap<ProfileId, domain::investor::Investor> = app
                .store
                .investors_by_ids(&ids)
                .await?
                .into_iter()
                .map(|i| (i.id, i))
                .collect();
            let matches = hits
                .iter()
                .filter_map(|h| {
                    let inv = investors.remove(&h.id)?;
                    Some(Match::explained(
                        &app,
                        sme.clone(),
                        inv,
                        h.text,
                        &w,
                        lang,
                        None,
                    ))
                })
                .collect();
            attach_records(&app, matches).await
        }
        .await)
    }

    /// The SMEs that fit an investor best, ranked exactly over every published SME (optionally
    /// restricted by `filter`), each with the reason for every point of its score.
    async fn matches_for_investor(
        &self,
        ctx: &Context<'_>,
        investor_id: ID,
        first: Option<i32>,
        weights: Option<MatchWeightsInput>,
        filter: Option<SmeFilter>,
        lang: Option<Lang>,
    ) -> async_graphql::Result<Vec<Match>> {
        gql(async {
            let id = parse_id("investorId", &investor_id)?;
            let (k, w) = (page_size(first)?, self::weights(weights)?);
            let filter = filter.map(|f| f.into_filter()).transpose()?;
            let lang: domain::text::Lang = lang.unwrap_or(Lang::En).into();
            let app = app(ctx).clone();
            let investor = app
                .store
                .investor(id)
                .await?
                .filter(|i| i.lifecycle.status == ProfileStatus::Published)
                .ok_or_else(|| ApiError::NotFound {
                    what: "investor",
                    id: id.to_string(),
                })?;
            let searcher = app.search.searcher();
            let hits = {
                let (app, investor) = (app.clone(), investor.clone());
                ranked(move || {
                    let req = SmesForInvestor {
                        investor: &investor.profile,
                        weights: w,
                        filter: filter.as_ref(),
                        only: None,
                        first: k,
                    };
                    rank_smes(&app.search, &searcher, &app.features, &req)
                })
                .await?
            };
            let ids: Vec<ProfileId> = hits.iter().map(|h| h.id).collect();
            let mut smes: HashMap<ProfileId, domain::sme::Sme> = app
                .store
                .smes_by_ids(&ids)
                .await?
                .into_iter()
                .map(|s| (s.id, s))
                .collect();
            let matches = hits
                .iter()
                .filter_map(|h| {
                    let sme = smes.remove(&h.id)?;
                    Some(Match::explained(
                        &app,
                        sme,
                        investor.clone(),
                        h.text,
                        &w,
                        lang,
                        None,
                    ))
                })
                .collect();
            attach_records(&app, matches).await
        }
        .await)
    }
}

/// Gives ranked pairs that are already in the pipeline their record (stage, id, log).
async fn attach_records(app: &App, mut matches: Vec<Match>) -> ApiResult<Vec<Match>> {
    for m in &mut matches {
        m.record = app
            .store
            .match_record(pair_id(m.sme.id, m.investor.id))
            .await?;
    }
    Ok(matches)
}
