//! Ranked, explained matches: exact ranking over the whole index, each pair explained feature by
//! feature in the caller's language, pipeline facts attached only for those who may see them.

use std::collections::HashMap;

use super::error::{ServiceError, ServiceResult};
use super::profiles;
use super::viewer::Viewer;
use super::visibility::{self, PipelineFacts, Shown};
use crate::app::App;
use crate::cancel::Cancel;
use crate::domain::ids::ProfileId;
use crate::domain::investor::Investor;
use crate::domain::pipeline::{MatchRecord, Stage};
use crate::domain::sme::Sme;
use crate::domain::text::Lang;
use crate::matching::explain::{
    explain, investor_concepts, sme_concepts, Breakdown, Mentioned, Pair, TextFrom,
};
use crate::matching::weights::{Weights, WeightsError};
use crate::search::features::IncentiveKey;
use crate::search::matcher::{
    rank_investors, rank_smes, InvestorsForSme, MatchHit, SmesForInvestor,
};
use crate::search::query::Filter;

pub const DEFAULT_MATCHES: i32 = 10;
pub const MAX_MATCHES: i32 = 100;

/// The id of a pair: a UUID derived from both profile ids, the same wherever it is computed, so
/// a ranked pair keeps its id when staff take it into the pipeline.
pub fn pair_id(sme: ProfileId, investor: ProfileId) -> ProfileId {
    // Fixed namespace for khkr-match pair ids.
    const NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x6b686b72_6d61_7463_6800_706169720001);
    ProfileId::from_u128(
        uuid::Uuid::new_v5(&NAMESPACE, format!("{sme}/{investor}").as_bytes()).as_u128(),
    )
}

/// A scored pair (SME, investor), before visibility: the pipeline record when staff acted on it.
/// Never leaves the service layer; front ends get a [`MatchView`].
pub(crate) struct Match {
    pub sme: Sme,
    pub investor: Investor,
    pub breakdown: Breakdown,
    pub record: Option<MatchRecord>,
}

impl Match {
    /// The one place a pair is scored and explained: today's profiles, the incentive facts of
    /// the rules in force, and the given text relevance (of whose text: `text_from`).
    pub fn explained(
        app: &App,
        sme: Sme,
        investor: Investor,
        (text, text_from, mentioned): (f64, TextFrom, Mentioned<'_>),
        weights: &Weights,
        lang: Lang,
        record: Option<MatchRecord>,
    ) -> Match {
        let pair = Pair {
            sme: &sme.profile,
            digital: sme.digital.level,
            incentives: (app.facts)(&IncentiveKey::of(&sme.profile)),
            investor: &investor.profile,
            text,
            text_from,
            mentioned,
        };
        let breakdown = explain(&pair, weights, lang);
        Match {
            sme,
            investor,
            breakdown,
            record,
        }
    }

    /// The pair of a pipeline record, explained with today's profiles and the text relevance
    /// recorded when it was shortlisted.
    pub async fn of_record(app: &App, record: MatchRecord, lang: Lang) -> ServiceResult<Match> {
        let sme = app
            .store
            .sme(record.sme_id)
            .await?
            .ok_or_else(|| ServiceError::Internal(format!("match {} has no SME", record.id)))?;
        let investor = app
            .store
            .investor(record.investor_id)
            .await?
            .ok_or_else(|| {
                ServiceError::Internal(format!("match {} has no investor", record.id))
            })?;
        Ok(Match::of_parts(app, record, sme, investor, lang))
    }

    /// A pipeline match from its record and its two profiles, already read: scored with the
    /// text relevance recorded when it was shortlisted (the investor's ranking's, as
    /// [`text_relevance`] computes it) and the default weights.
    pub fn of_parts(
        app: &App,
        record: MatchRecord,
        sme: Sme,
        investor: Investor,
        lang: Lang,
    ) -> Match {
        let text = (
            record.text_relevance,
            TextFrom::Investor,
            Mentioned::default(),
        );
        Match::explained(
            app,
            sme,
            investor,
            text,
            &Weights::default(),
            lang,
            Some(record),
        )
    }

    /// Whether the viewer is staff or owns one side.
    pub fn party_or_staff(&self, v: &Viewer) -> bool {
        visibility::relation_to_match(v, self.sme.owner, self.investor.owner)
            != visibility::Relation::Stranger
    }

    /// The match as this viewer may see it.
    pub fn view(self, v: &Viewer) -> MatchView {
        let pipeline = self
            .record
            .as_ref()
            .and_then(|r| visibility::pipeline_facts(v, r, self.sme.owner, self.investor.owner));
        MatchView {
            id: pair_id(self.sme.id, self.investor.id),
            sme: visibility::profile(v, self.sme),
            investor: visibility::profile(v, self.investor),
            breakdown: self.breakdown,
            pipeline,
        }
    }
}

/// A pair with its score and explanation, as one viewer may see it.
pub struct MatchView {
    pub id: ProfileId,
    pub sme: Shown<Sme>,
    pub investor: Shown<Investor>,
    pub breakdown: Breakdown,
    /// `None` when the pair is not in the pipeline, or the viewer may not know it is.
    pub pipeline: Option<PipelineFacts>,
}

impl MatchView {
    /// SUGGESTED until staff act on the pair (and for everyone who may not see its stage).
    pub fn stage(&self) -> Stage {
        self.pipeline.as_ref().map_or(Stage::Suggested, |p| p.stage)
    }
}

/// Per-query weights as a client sent them: omitted features keep their default.
pub type WeightOverrides = [Option<f64>; 7];

fn weights(overrides: Option<WeightOverrides>) -> ServiceResult<Weights> {
    Weights::with_overrides(overrides.unwrap_or_default()).map_err(|e| {
        let field = match &e {
            WeightsError::OutOfRange(f) => format!("weights.{}", f.to_lowercase()),
            WeightsError::AllZero => "weights".to_string(),
        };
        ServiceError::bad_input(&field, e.to_string())
    })
}

fn page_size(first: Option<i32>) -> ServiceResult<usize> {
    super::page_size(first, DEFAULT_MATCHES, MAX_MATCHES)
}

/// Runs a ranking on the blocking pool (it scans every candidate), in the rankings' queue; it
/// stops early when this future is dropped (the request's deadline, its client gone).
pub(crate) async fn ranked<F>(
    app: &App,
    client: Option<std::net::IpAddr>,
    f: F,
) -> ServiceResult<Vec<MatchHit>>
where
    F: FnOnce(&Cancel) -> Result<Vec<MatchHit>, crate::search::index::SearchError> + Send + 'static,
{
    app.rankings
        .run(client, f)
        .await?
        .map_err(|e| ServiceError::Internal(e.to_string()))
}

/// What a client asks of a match list.
#[derive(Debug, Clone, Default)]
pub struct MatchArgs {
    pub first: Option<i32>,
    pub weights: Option<WeightOverrides>,
    pub lang: Option<Lang>,
}

/// The investors and partners that fit an SME best, ranked exactly over every published
/// investor, each explained.
pub async fn for_sme(
    app: &App,
    v: &Viewer,
    sme_id: &str,
    args: MatchArgs,
) -> ServiceResult<Vec<MatchView>> {
    let id = super::parse_id("smeId", sme_id)?;
    let (k, w) = (page_size(args.first)?, weights(args.weights)?);
    let lang = args.lang.unwrap_or(Lang::En);
    let sme: Sme = profiles::published(app, id).await?;
    let facts = (app.facts)(&IncentiveKey::of(&sme.profile));
    let searcher = app.search.searcher();
    let hits = {
        let (index, cache, sme) = (app.search.clone(), app.features.clone(), sme.clone());
        ranked(app, v.client, move |cancel| {
            let req = InvestorsForSme {
                sme: &sme.profile,
                digital: sme.digital.level,
                incentives: facts,
                weights: w,
                first: k,
            };
            rank_investors(&index, &searcher, &cache, &req, cancel)
        })
        .await?
    };
    // The SME's concepts are found once for the whole list (`Mentioned`).
    let ours = sme_concepts(&sme.profile);
    let mentioned = Mentioned {
        sme: Some(&ours),
        investor: None,
    };
    let matches = in_rank_order::<Investor>(app, &hits)
        .await?
        .into_iter()
        .map(|(inv, text)| {
            let text = (text, TextFrom::Sme, mentioned);
            Match::explained(app, sme.clone(), inv, text, &w, lang, None)
        })
        .collect();
    views(app, v, matches).await
}

/// The SMEs that fit an investor best, ranked exactly over every published SME (optionally
/// restricted by `filter`), each explained.
pub async fn for_investor(
    app: &App,
    v: &Viewer,
    investor_id: &str,
    filter: Option<super::search::FilterRaw>,
    args: MatchArgs,
) -> ServiceResult<Vec<MatchView>> {
    let id = super::parse_id("investorId", investor_id)?;
    let (k, w) = (page_size(args.first)?, weights(args.weights)?);
    let filter: Option<Filter> = filter.map(|f| f.parse()).transpose()?;
    let lang = args.lang.unwrap_or(Lang::En);
    let investor: Investor = profiles::published(app, id).await?;
    let searcher = app.search.searcher();
    let hits = {
        let (index, cache, investor) = (app.search.clone(), app.features.clone(), investor.clone());
        ranked(app, v.client, move |cancel| {
            let req = SmesForInvestor {
                investor: &investor.profile,
                weights: w,
                filter: filter.as_ref(),
                only: None,
                first: k,
            };
            rank_smes(&index, &searcher, &cache, &req, cancel)
        })
        .await?
    };
    // The investor's concepts are found once for the whole list (`Mentioned`).
    let theirs = investor_concepts(&investor.profile);
    let mentioned = Mentioned {
        sme: None,
        investor: Some(&theirs),
    };
    let matches = in_rank_order::<Sme>(app, &hits)
        .await?
        .into_iter()
        .map(|(sme, text)| {
            let text = (text, TextFrom::Investor, mentioned);
            Match::explained(app, sme, investor.clone(), text, &w, lang, None)
        })
        .collect();
    views(app, v, matches).await
}

/// The ranked counterparts read back from the database, in rank order, with their text
/// relevance; one archived since the ranking is dropped.
async fn in_rank_order<K: profiles::Kind>(
    app: &App,
    hits: &[MatchHit],
) -> ServiceResult<Vec<(K, f64)>> {
    let ids: Vec<ProfileId> = hits.iter().map(|h| h.id).collect();
    let mut found: HashMap<ProfileId, K> = K::load_many(app.store.as_ref(), &ids)
        .await?
        .into_iter()
        .map(|p| (p.id(), p))
        .collect();
    Ok(hits
        .iter()
        .filter_map(|h| found.remove(&h.id).map(|p| (p, h.text)))
        .collect())
}

/// Gives ranked pairs that are already in the pipeline their record, then applies visibility:
/// only staff and the two parties learn that a pair is in the pipeline.
async fn views(app: &App, v: &Viewer, mut matches: Vec<Match>) -> ServiceResult<Vec<MatchView>> {
    for m in &mut matches {
        if m.party_or_staff(v) {
            m.record = app
                .store
                .match_record(pair_id(m.sme.id, m.investor.id))
                .await?;
        }
    }
    Ok(matches.into_iter().map(|m| m.view(v)).collect())
}

/// The TEXT feature of a pair exactly as the ranking of the investor's matches computes it.
pub(crate) async fn text_relevance(
    app: &App,
    client: Option<std::net::IpAddr>,
    sme: &Sme,
    investor: &Investor,
) -> ServiceResult<f64> {
    let (index, cache) = (app.search.clone(), app.features.clone());
    let (profile, sme_id) = (investor.profile.clone(), sme.id);
    let hits = ranked(app, client, move |cancel| {
        let searcher = index.searcher();
        let req = SmesForInvestor {
            investor: &profile,
            weights: Weights::default(),
            filter: None,
            only: Some(sme_id),
            first: 1,
        };
        rank_smes(&index, &searcher, &cache, &req, cancel)
    })
    .await?;
    Ok(hits.first().map_or(0.0, |h| h.text))
}
