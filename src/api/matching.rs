//! `matchesForSme` and `matchesForInvestor`: exact ranking over the whole index, each result
//! explained feature by feature in the caller's language.

use std::collections::HashMap;

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};

use super::enums::{Lang, MatchFeature, MatchStage};
use super::errors::{gql, ApiError, ApiResult};
use super::query::{app, parse_id};
use super::search::SmeFilter;
use super::types::{Investor, Sme};
use crate::domain;
use crate::domain::ids::ProfileId;
use crate::domain::profile::ProfileStatus;
use crate::matching::explain::{explain, Breakdown, Pair};
use crate::matching::weights::{Weights, WeightsError};
use crate::search::features::IncentiveKey;
use crate::search::matcher::{rank_investors, rank_smes, InvestorsForSme, MatchHit, SmesForInvestor};

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
    Weights::with_overrides([w.text, w.sector, w.digital, w.incentive, w.ticket, w.partnership, w.location]).map_err(|e| {
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
        return Err(ApiError::bad_input("first", format!("must be between 0 and {MAX_MATCHES} (got {n})")));
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
/// through the curation pipeline under the same id.
pub struct Match {
    sme: domain::sme::Sme,
    investor: domain::investor::Investor,
    breakdown: Breakdown,
}

/// The id of a pair: a UUID derived from both profile ids, the same wherever it is computed.
pub fn pair_id(sme: ProfileId, investor: ProfileId) -> uuid::Uuid {
    // Fixed namespace for khkr-match pair ids.
    const NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x6b686b72_6d61_7463_6800_706169720001);
    uuid::Uuid::new_v5(&NAMESPACE, format!("{sme}/{investor}").as_bytes())
}

#[Object]
impl Match {
    async fn id(&self) -> ID {
        pair_id(self.sme.id, self.investor.id).to_string().into()
    }

    /// SUGGESTED until staff act on the pair.
    async fn stage(&self) -> MatchStage {
        MatchStage::Suggested
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
                .ok_or_else(|| ApiError::NotFound { what: "SME", id: id.to_string() })?;
            let facts = (app.facts)(&IncentiveKey::of(&sme.profile));
            let searcher = app.search.searcher();
            let hits = {
                let (app, sme) = (app.clone(), sme.clone());
                ranked(move || {
                    let req = InvestorsForSme { sme: &sme.profile, digital: sme.digital.level, incentives: facts, weights: w, first: k };
                    rank_investors(&app.search, &searcher, &app.features, &req)
                })
                .await?
            };
            let ids: Vec<ProfileId> = hits.iter().map(|h| h.id).collect();
            let mut investors: HashMap<ProfileId, domain::investor::Investor> =
                app.store.investors_by_ids(&ids).await?.into_iter().map(|i| (i.id, i)).collect();
            Ok(hits
                .iter()
                .filter_map(|h| {
                    let inv = investors.remove(&h.id)?;
                    let pair = Pair { sme: &sme.profile, digital: sme.digital.level, incentives: facts, investor: &inv.profile, text: h.text };
                    let breakdown = explain(&pair, &w, lang);
                    Some(Match { sme: sme.clone(), investor: inv, breakdown })
                })
                .collect())
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
                .ok_or_else(|| ApiError::NotFound { what: "investor", id: id.to_string() })?;
            let searcher = app.search.searcher();
            let hits = {
                let (app, investor) = (app.clone(), investor.clone());
                ranked(move || {
                    let req = SmesForInvestor { investor: &investor.profile, weights: w, filter: filter.as_ref(), first: k };
                    rank_smes(&app.search, &searcher, &app.features, &req)
                })
                .await?
            };
            let ids: Vec<ProfileId> = hits.iter().map(|h| h.id).collect();
            let mut smes: HashMap<ProfileId, domain::sme::Sme> =
                app.store.smes_by_ids(&ids).await?.into_iter().map(|s| (s.id, s)).collect();
            Ok(hits
                .iter()
                .filter_map(|h| {
                    let sme = smes.remove(&h.id)?;
                    let facts = (app.facts)(&IncentiveKey::of(&sme.profile));
                    let pair = Pair { sme: &sme.profile, digital: sme.digital.level, incentives: facts, investor: &investor.profile, text: h.text };
                    let breakdown = explain(&pair, &w, lang);
                    Some(Match { sme, investor: investor.clone(), breakdown })
                })
                .collect())
        }
        .await)
    }
}
