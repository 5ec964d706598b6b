//! The curation pipeline: staff shortlist and introduce, parties answer, staff follow each
//! match to a deal or a close. Every change is written with its audit entries in one
//! transaction; illegal moves are refused naming the allowed ones.

use async_graphql::{Context, Object, SimpleObject, ID};
use time::OffsetDateTime;

use super::account::viewer;
use super::enums::{Lang, MatchStage};
use super::errors::{gql, ApiError, ApiResult};
use super::matching::{pair_id, Match};
use super::query::{app, parse_id, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use super::search::FacetCount;
use super::types::PageInfo;
use crate::app::App;
use crate::domain;
use crate::domain::account::UserId;
use crate::domain::pipeline::{AuditEntry, MatchRecord, Side, Stage};
use crate::domain::profile::ProfileStatus;
use crate::domain::sector::isic;
use crate::domain::validation::ValidationErrors;
use crate::search::matcher::{rank_smes, SmesForInvestor};
use crate::store::{PageRequest, PipelineFilter};

fn lang_of(l: Option<Lang>) -> domain::text::Lang {
    l.unwrap_or(Lang::En).into()
}

async fn record(app: &App, id: &ID) -> ApiResult<MatchRecord> {
    let id = parse_id("matchId", id)?;
    app.store
        .match_record(id)
        .await?
        .ok_or_else(|| ApiError::NotFound {
            what: "match",
            id: id.to_string(),
        })
}

/// The TEXT feature of a pair exactly as `matchesForInvestor` computes it.
async fn text_relevance(
    app: &App,
    sme: &domain::sme::Sme,
    investor: &domain::investor::Investor,
) -> ApiResult<f64> {
    let (index, cache) = (app.search.clone(), app.features.clone());
    let (profile, sme_id) = (investor.profile.clone(), sme.id);
    let hits = tokio::task::spawn_blocking(move || {
        let searcher = index.searcher();
        let req = SmesForInvestor {
            investor: &profile,
            weights: crate::matching::weights::Weights::default(),
            filter: None,
            only: Some(sme_id),
            first: 1,
        };
        rank_smes(&index, &searcher, &cache, &req)
    })
    .await
    .map_err(|e| ApiError::Internal(format!("ranking task failed: {e}")))?
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(hits.first().map_or(0.0, |h| h.text))
}

/// A staff change to a match: checks the role, applies `change` to the stored record, stores the
/// result with its audit entries (one transaction, version-guarded) and answers with the match.
async fn staff_change(
    ctx: &Context<'_>,
    match_id: &ID,
    lang: Option<Lang>,
    change: impl FnOnce(
        &MatchRecord,
        UserId,
        OffsetDateTime,
    ) -> Result<(MatchRecord, Vec<AuditEntry>), ValidationErrors>,
) -> ApiResult<Match> {
    let staff = viewer(ctx).require_staff()?.id;
    let app = app(ctx);
    let r = record(app, match_id).await?;
    let (r, log) = change(&r, staff, OffsetDateTime::now_utc())?;
    app.store.update_match(&r, &log).await?;
    Match::of_record(app, r, lang_of(lang)).await
}

#[derive(Default)]
pub struct PipelineMutation;

#[Object]
impl PipelineMutation {
    /// Staff: puts a pair on the shortlist (from SUGGESTED).
    async fn shortlist_match(
        &self,
        ctx: &Context<'_>,
        sme_id: ID,
        investor_id: ID,
        lang: Option<Lang>,
    ) -> async_graphql::Result<Match> {
        gql(async {
            let staff = viewer(ctx).require_staff()?.id;
            let app = app(ctx);
            let sme_id = parse_id("smeId", &sme_id)?;
            let investor_id = parse_id("investorId", &investor_id)?;
            let published = |s: ProfileStatus| s == ProfileStatus::Published;
            let sme = app
                .store
                .sme(sme_id)
                .await?
                .filter(|s| published(s.lifecycle.status))
                .ok_or_else(|| ApiError::NotFound {
                    what: "SME",
                    id: sme_id.to_string(),
                })?;
            let investor = app
                .store
                .investor(investor_id)
                .await?
                .filter(|i| published(i.lifecycle.status))
                .ok_or_else(|| ApiError::NotFound {
                    what: "investor",
                    id: investor_id.to_string(),
                })?;
            if crate::matching::features::excluded(
                sme.profile.sector.as_str(),
                &investor.profile.excluded_sectors,
            ) {
                return Err(ApiError::bad_input(
                    "smeId",
                    "the investor excludes this SME's sector",
                ));
            }
            let id = pair_id(sme_id, investor_id);
            if let Some(existing) = app.store.match_record(id).await? {
                return Err(ApiError::bad_input(
                    "smeId",
                    format!(
                        "this pair is already in the pipeline (stage {})",
                        existing.stage.as_str()
                    ),
                ));
            }
            let text = text_relevance(app, &sme, &investor).await?;
            let (r, log) = MatchRecord::shortlist(
                id,
                sme_id,
                investor_id,
                text,
                staff,
                OffsetDateTime::now_utc(),
            );
            app.store.insert_match(&r, &log).await?;
            app.events.publish(&r, "SHORTLISTED", &sme, &investor);
            Match::of_record(app, r, lang_of(lang)).await
        }
        .await)
    }

    /// Staff: introduces both sides with a message (from SHORTLISTED).
    async fn introduce(
        &self,
        ctx: &Context<'_>,
        match_id: ID,
        message: String,
        lang: Option<Lang>,
    ) -> async_graphql::Result<Match> {
        gql(async {
            let m = staff_change(ctx, &match_id, lang, |r, staff, now| {
                r.introduce(&message, staff, now)
            })
            .await?;
            m.publish(&app(ctx).events, "INTRODUCED");
            Ok(m)
        }
        .await)
    }

    /// A party (the owner of the SME or of the investor profile) answers its introduction.
    async fn respond_to_introduction(
        &self,
        ctx: &Context<'_>,
        match_id: ID,
        accept: bool,
        lang: Option<Lang>,
    ) -> async_graphql::Result<Match> {
        gql(async {
            let v = viewer(ctx);
            let user = v.require_user()?.id;
            let app = app(ctx);
            let r = record(app, &match_id).await?;
            let sme = app.store.sme(r.sme_id).await?;
            let inv = app.store.investor(r.investor_id).await?;
            let owns_sme = sme.as_ref().is_some_and(|s| v.owns(s.owner));
            let owns_inv = inv.as_ref().is_some_and(|i| v.owns(i.owner));
            // One account on both sides answers for the side that has not answered yet.
            let side = match (owns_sme, owns_inv) {
                (true, true) if r.sme_response.is_some() => Side::Investor,
                (true, _) => Side::Sme,
                (false, true) => Side::Investor,
                (false, false) => {
                    return Err(ApiError::Forbidden(
                        "only the two parties of this introduction may answer it".into(),
                    ))
                }
            };
            let (r, log) = r.respond(side, accept, user, OffsetDateTime::now_utc())?;
            app.store.update_match(&r, &log).await?;
            if r.stage.reveals_contacts() {
                v.reveal(match side {
                    Side::Sme => r.investor_id,
                    Side::Investor => r.sme_id,
                });
            }
            let m = Match::of_record(app, r, lang_of(lang)).await?;
            m.publish(&app.events, if accept { "ACCEPTED" } else { "DECLINED" });
            Ok(m)
        }
        .await)
    }

    /// Staff: moves a match along (IN_TALKS, DEAL, CLOSED); illegal moves name the allowed ones.
    async fn move_match(
        &self,
        ctx: &Context<'_>,
        match_id: ID,
        stage: MatchStage,
        message: Option<String>,
        lang: Option<Lang>,
    ) -> async_graphql::Result<Match> {
        gql(staff_change(ctx, &match_id, lang, |r, staff, now| {
            r.move_to(stage.into(), message.as_deref(), staff, now)
        })
        .await)
    }

    /// Staff: adds a note to a match's log.
    async fn add_match_note(
        &self,
        ctx: &Context<'_>,
        match_id: ID,
        note: String,
        lang: Option<Lang>,
    ) -> async_graphql::Result<Match> {
        gql(async {
            let staff = viewer(ctx).require_staff()?.id;
            let app = app(ctx);
            let r = record(app, &match_id).await?;
            let entry = r.note(&note, staff, OffsetDateTime::now_utc())?;
            app.store.append_audit(r.id, &entry).await?;
            Match::of_record(app, r, lang_of(lang)).await
        }
        .await)
    }

    /// Staff: assigns a curator (a STAFF or ADMIN account) to a match.
    async fn assign_curator(
        &self,
        ctx: &Context<'_>,
        match_id: ID,
        curator_id: ID,
        lang: Option<Lang>,
    ) -> async_graphql::Result<Match> {
        gql(async {
            viewer(ctx).require_staff()?;
            let app = app(ctx);
            let curator = parse_id("curatorId", &curator_id)?;
            let user = app
                .store
                .user(curator)
                .await?
                .ok_or_else(|| ApiError::NotFound {
                    what: "account",
                    id: curator.to_string(),
                })?;
            if !user.role.is_staff() {
                return Err(ApiError::bad_input(
                    "curatorId",
                    "a curator must be a STAFF or ADMIN account",
                ));
            }
            staff_change(ctx, &match_id, lang, |r, staff, now| {
                let (r, entry) = r.assign(curator, staff, now);
                Ok((r, vec![entry]))
            })
            .await
        }
        .await)
    }
}

/// A page of the pipeline.
#[derive(SimpleObject)]
pub struct MatchConnection {
    pub edges: Vec<MatchEdge>,
    pub page_info: PageInfo,
    pub total_count: i64,
}

#[derive(SimpleObject)]
pub struct MatchEdge {
    pub cursor: String,
    pub node: Match,
}

/// Counts for the staff dashboard.
#[derive(SimpleObject)]
pub struct PipelineDashboard {
    pub by_stage: Vec<FacetCount>,
    /// By the SME's ISIC section.
    pub by_section: Vec<FacetCount>,
    pub by_province: Vec<FacetCount>,
}

#[derive(Default)]
pub struct PipelineQuery;

#[Object]
impl PipelineQuery {
    /// A match record, for staff or one of its two parties; null when unknown.
    async fn r#match(
        &self,
        ctx: &Context<'_>,
        id: ID,
        lang: Option<Lang>,
    ) -> async_graphql::Result<Option<Match>> {
        gql(async {
            let v = viewer(ctx);
            v.require_user()?;
            let app = app(ctx);
            let id = parse_id("id", &id)?;
            let Some(r) = app.store.match_record(id).await? else {
                return Ok(None);
            };
            let m = Match::of_record(app, r, lang_of(lang)).await?;
            if v.is_staff() || v.owns(m.sme.owner) || v.owns(m.investor.owner) {
                Ok(Some(m))
            } else {
                Err(ApiError::Forbidden(
                    "only staff and the two parties may see this match".into(),
                ))
            }
        }
        .await)
    }

    /// Staff: the pipeline, oldest first, filtered by stage, curator, the SME's sector (ISIC
    /// code at any level) and province.
    #[allow(clippy::too_many_arguments)]
    async fn pipeline(
        &self,
        ctx: &Context<'_>,
        stage: Option<MatchStage>,
        curator_id: Option<ID>,
        sector_prefix: Option<String>,
        province_code: Option<String>,
        first: Option<i32>,
        after: Option<String>,
        lang: Option<Lang>,
    ) -> async_graphql::Result<MatchConnection> {
        gql(async {
            viewer(ctx).require_staff()?;
            let app = app(ctx);
            let first = first.unwrap_or(DEFAULT_PAGE_SIZE);
            if !(0..=MAX_PAGE_SIZE).contains(&first) {
                return Err(ApiError::bad_input(
                    "first",
                    format!("must be between 0 and {MAX_PAGE_SIZE}"),
                ));
            }
            let after = after.map(|a| parse_id("after", &ID(a))).transpose()?;
            let curator = curator_id.map(|c| parse_id("curatorId", &c)).transpose()?;
            let sector_prefixes = match sector_prefix {
                None => Vec::new(),
                Some(code) => {
                    let code = domain::sector::IsicCode::parse(&code)
                        .map_err(|e| ApiError::bad_input("sectorPrefix", e))?;
                    // A section letter stands for its divisions (sector codes are digits).
                    if code.as_str().len() == 1 {
                        isic()
                            .children(Some(code.as_str()))
                            .map(|d| d.code.clone())
                            .collect()
                    } else {
                        vec![code.as_str().to_string()]
                    }
                }
            };
            let province = province_code
                .map(|p| {
                    domain::province::ProvinceCode::parse(&p)
                        .map_err(|e| ApiError::bad_input("provinceCode", e))
                })
                .transpose()?
                .map(|p| p.as_str().to_string());
            let filter = PipelineFilter {
                stage: stage.map(Into::into),
                curator,
                sector_prefixes,
                province,
            };
            let req = PageRequest {
                first: first as u32,
                after,
            };
            let page = app.store.pipeline(&filter, req).await?;
            let mut edges = Vec::with_capacity(page.items.len());
            for r in page.items {
                let cursor = r.id.to_string();
                edges.push(MatchEdge {
                    cursor,
                    node: Match::of_record(app, r, lang_of(lang)).await?,
                });
            }
            Ok(MatchConnection {
                page_info: PageInfo {
                    has_next_page: page.has_next_page,
                    has_previous_page: req.after.is_some(),
                    start_cursor: edges.first().map(|e| e.cursor.clone()),
                    end_cursor: edges.last().map(|e| e.cursor.clone()),
                },
                edges,
                total_count: page.total_count,
            })
        }
        .await)
    }

    /// A party's introductions: pipeline matches of its own profiles from INTRODUCED on.
    async fn my_introductions(
        &self,
        ctx: &Context<'_>,
        lang: Option<Lang>,
    ) -> async_graphql::Result<Vec<Match>> {
        gql(async {
            let user = viewer(ctx).require_user()?.id;
            let app = app(ctx);
            let mut out = Vec::new();
            for r in app.store.matches_of_owner(user).await? {
                if matches!(r.stage, Stage::Suggested | Stage::Shortlisted) {
                    continue;
                }
                out.push(Match::of_record(app, r, lang_of(lang)).await?);
            }
            Ok(out)
        }
        .await)
    }

    /// Staff: counts by stage, ISIC section and province.
    async fn pipeline_dashboard(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<PipelineDashboard> {
        gql(async {
            viewer(ctx).require_staff()?;
            let d = app(ctx).store.dashboard().await?;
            let list = |v: Vec<(String, i64)>| {
                v.into_iter()
                    .map(|(value, count)| FacetCount { value, count })
                    .collect::<Vec<_>>()
            };
            let mut sections: std::collections::BTreeMap<String, i64> = Default::default();
            for (division, n) in d.by_sector {
                let section = isic().section_of(&division).unwrap_or("?").to_string();
                *sections.entry(section).or_default() += n;
            }
            Ok(PipelineDashboard {
                by_stage: list(d.by_stage),
                by_section: list(sections.into_iter().collect()),
                by_province: list(d.by_province),
            })
        }
        .await)
    }
}
