//! Read operations.

use std::sync::Arc;

use async_graphql::{Context, Object, ID};

use super::enums::{to_domain, DigitalIndicator};
use super::errors::{gql, ApiError, ApiResult};
use super::types::{
    DigitalAssessment, DigitalQuestion, DigitalQuestionnaire, FromParts, Investor,
    InvestorConnection, LocalizedText, PageInfo, Province, Sector, Sme, SmeConnection,
};
use crate::app::App;
use crate::domain::digital::{assess, ADVANCED_MIN, INTERMEDIATE_MIN, QUESTIONNAIRE};
use crate::domain::ids::ProfileId;
use crate::domain::profile::ProfileStatus;
use crate::domain::province::provinces;
use crate::domain::sector::{isic, IsicCode};
use crate::store::{Page, PageRequest};

pub const DEFAULT_PAGE_SIZE: i32 = 20;
pub const MAX_PAGE_SIZE: i32 = 100;

/// Profile reads and reference data.
#[derive(Default)]
pub struct ProfileQuery;

pub(super) fn app<'a>(ctx: &Context<'a>) -> &'a Arc<App> {
    // The schema is always built with the App (see `api::build_schema`).
    ctx.data_unchecked::<Arc<App>>()
}

/// Parses an ID argument, naming the argument in the error.
pub(super) fn parse_id(field: &str, id: &ID) -> ApiResult<ProfileId> {
    ProfileId::parse(id.as_str()).map_err(|e| ApiError::bad_input(field, e))
}

fn page_request(first: Option<i32>, after: Option<String>) -> ApiResult<PageRequest> {
    let first = first.unwrap_or(DEFAULT_PAGE_SIZE);
    if !(0..=MAX_PAGE_SIZE).contains(&first) {
        return Err(ApiError::bad_input(
            "first",
            format!("must be between 0 and {MAX_PAGE_SIZE} (got {first})"),
        ));
    }
    let after = after
        .map(|c| {
            ProfileId::parse(&c).map_err(|_| {
                ApiError::bad_input("after", format!("{c:?} is not a cursor of this list"))
            })
        })
        .transpose()?;
    Ok(PageRequest {
        first: first as u32,
        after,
    })
}

fn connection<D, W, C: FromParts<W>>(
    page: Page<D>,
    request: PageRequest,
    id: fn(&D) -> ProfileId,
    wrap: fn(D) -> W,
) -> C {
    let edges: Vec<(String, W)> = page
        .items
        .into_iter()
        .map(|d| (id(&d).to_string(), wrap(d)))
        .collect();
    let page_info = PageInfo {
        has_next_page: page.has_next_page,
        has_previous_page: request.after.is_some(),
        start_cursor: edges.first().map(|e| e.0.clone()),
        end_cursor: edges.last().map(|e| e.0.clone()),
    };
    C::from_parts(edges, page_info, page.total_count)
}

#[Object]
impl ProfileQuery {
    /// A published SME by id; null when unknown or archived.
    async fn sme(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Sme>> {
        gql(async {
            let id = parse_id("id", &id)?;
            let sme = app(ctx).store.sme(id).await?;
            Ok(sme
                .filter(|s| s.lifecycle.status == ProfileStatus::Published)
                .map(Sme))
        }
        .await)
    }

    /// A published investor or partner by id; null when unknown or archived.
    async fn investor(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Investor>> {
        gql(async {
            let id = parse_id("id", &id)?;
            let inv = app(ctx).store.investor(id).await?;
            Ok(inv
                .filter(|i| i.lifecycle.status == ProfileStatus::Published)
                .map(Investor))
        }
        .await)
    }

    /// Published SMEs, oldest first. `first` defaults to 20, at most 100.
    async fn smes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<SmeConnection> {
        gql(async {
            let req = page_request(first, after)?;
            let page = app(ctx).store.published_smes(req).await?;
            Ok(connection(page, req, |s| s.id, Sme))
        }
        .await)
    }

    /// Published investors and partners, oldest first. `first` defaults to 20, at most 100.
    async fn investors(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<InvestorConnection> {
        gql(async {
            let req = page_request(first, after)?;
            let page = app(ctx).store.published_investors(req).await?;
            Ok(connection(page, req, |i| i.id, Investor))
        }
        .await)
    }

    /// The ISIC Rev.4 tree one level at a time: the 21 sections without `parent`, else the
    /// children of `parent` (empty for a class).
    async fn sectors(&self, parent: Option<String>) -> async_graphql::Result<Vec<Sector>> {
        gql((|| {
            let parent = parent
                .map(|p| IsicCode::parse(&p).map_err(|e| ApiError::bad_input("parent", e)))
                .transpose()?;
            Ok(isic()
                .children(parent.as_ref().map(IsicCode::as_str))
                .map(Sector::from)
                .collect())
        })())
    }

    /// One ISIC Rev.4 node by code (any level); null when unknown.
    async fn sector(&self, code: String) -> Option<Sector> {
        IsicCode::parse(&code)
            .ok()
            .and_then(|c| super::types::sector(c.as_str()))
    }

    /// Cambodia's 25 provinces (capital included).
    async fn provinces(&self) -> Vec<Province> {
        provinces().iter().map(Province::from).collect()
    }

    /// The digital-maturity questionnaire an SME answers when it publishes its profile.
    async fn digital_questionnaire(&self) -> DigitalQuestionnaire {
        DigitalQuestionnaire {
            questions: QUESTIONNAIRE.iter().map(DigitalQuestion::from).collect(),
            rule: LocalizedText {
                en: Some(format!(
                    "The score is the sum of the points of the indicators answered yes (100 in all). \
                     INTERMEDIATE needs at least {INTERMEDIATE_MIN} intermediate indicators; \
                     ADVANCED needs that and at least {ADVANCED_MIN} advanced ones; otherwise BASIC."
                )),
                km: Some(format!(
                    "ពិន្ទុគឺជាផលបូកពិន្ទុនៃសូចនាករដែលឆ្លើយថា «បាទ/ចាស» (សរុប ១០០)។ \
                     កម្រិតមធ្យមត្រូវការសូចនាករកម្រិតមធ្យមយ៉ាងតិច {INTERMEDIATE_MIN}។ \
                     កម្រិតខ្ពស់ត្រូវការលក្ខខណ្ឌនោះ និងសូចនាករកម្រិតខ្ពស់យ៉ាងតិច {ADVANCED_MIN}។ \
                     ក្រៅពីនេះ ជាកម្រិតមូលដ្ឋាន។"
                )),
                ko: Some(format!(
                    "점수는 '예'로 답한 지표의 점수 합계입니다(총 100점). \
                     중급(INTERMEDIATE)은 중급 지표가 {INTERMEDIATE_MIN}개 이상, \
                     고급(ADVANCED)은 여기에 더해 고급 지표가 {ADVANCED_MIN}개 이상 필요하며, \
                     그 외에는 기초(BASIC)입니다."
                )),
            },
        }
    }

    /// The level and score a set of questionnaire answers would get, without publishing.
    async fn assess_digital(&self, indicators: Vec<DigitalIndicator>) -> DigitalAssessment {
        assess(&to_domain(&indicators)).into()
    }
}
