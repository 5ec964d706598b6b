//! The `incentives` query: what Cambodia's investment law would give a hypothetical project.
//! Wire types only; the rules and their wording live in `domain::incentives`.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};

use super::app;
use super::enums::Lang;
use super::errors::gql;
use crate::domain::incentives as domain;

/// A project to assess. Absent optional fields are unknown, except the flags, which default to
/// false.
#[derive(InputObject, Debug, Clone)]
pub struct IncentiveInput {
    /// ISIC Rev.4 class (4 digits), e.g. "1030".
    pub sector_code: String,
    /// ISO 3166-2:KH code, e.g. "KH-12" (Phnom Penh).
    pub province_code: Option<String>,
    /// Investment capital in whole US dollars.
    pub investment_usd: Option<i64>,
    /// Staff count, for the SME scheme.
    pub employees: Option<i64>,
    /// Export-oriented projects get more customs exemptions.
    pub export_oriented: Option<bool>,
    /// The project is in a special economic zone.
    pub in_sez: Option<bool>,
    /// Share of local raw materials, 0 to 1 (0.6 = 60%), for the SME scheme's extension.
    pub local_raw_material_share: Option<f64>,
}

impl From<IncentiveInput> for domain::IncentiveInputRaw {
    fn from(i: IncentiveInput) -> Self {
        domain::IncentiveInputRaw {
            sector_code: i.sector_code,
            province_code: i.province_code,
            investment_usd: i.investment_usd,
            employees: i.employees,
            export_oriented: i.export_oriented,
            in_sez: i.in_sez,
            local_raw_material_share: i.local_raw_material_share,
        }
    }
}

/// Whether the project can be a Qualified Investment Project, and if not, why.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum QipStatus {
    /// In a tax-exemption group, not on the negative list, at or above the minimum investment.
    Eligible,
    /// In a group, but below the activity's minimum investment.
    BelowMinimum,
    /// In a group; give `investmentUsd` to know.
    InvestmentUnknown,
    /// On the negative list: never a QIP.
    NegativeList,
    /// In no group and not on the negative list: possibly eligible, ask the CDC.
    AskCdc,
}

impl From<domain::QipStatus> for QipStatus {
    fn from(s: domain::QipStatus) -> Self {
        match s {
            domain::QipStatus::Eligible => QipStatus::Eligible,
            domain::QipStatus::BelowMinimum => QipStatus::BelowMinimum,
            domain::QipStatus::InvestmentUnknown => QipStatus::InvestmentUnknown,
            domain::QipStatus::NegativeList => QipStatus::NegativeList,
            domain::QipStatus::AskCdc => QipStatus::AskCdc,
        }
    }
}

/// Size class under the SME scheme (Sub-Decree 124).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmeSize {
    Small,
    Medium,
}

impl From<domain::SmeSize> for SmeSize {
    fn from(s: domain::SmeSize) -> Self {
        match s {
            domain::SmeSize::Small => SmeSize::Small,
            domain::SmeSize::Medium => SmeSize::Medium,
        }
    }
}

/// What a QIP imports free of customs duty, special tax and VAT.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomsExemption {
    ProductionEquipment,
    ConstructionMaterials,
    ProductionInputs,
}

impl From<domain::CustomsItem> for CustomsExemption {
    fn from(i: domain::CustomsItem) -> Self {
        match i {
            domain::CustomsItem::ProductionEquipment => CustomsExemption::ProductionEquipment,
            domain::CustomsItem::ConstructionMaterials => CustomsExemption::ConstructionMaterials,
            domain::CustomsItem::ProductionInputs => CustomsExemption::ProductionInputs,
        }
    }
}

/// Where a project registers: the Provincial/Municipal Investment Sub-Committee or the Council
/// for the Development of Cambodia.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistrationBody {
    Pmis,
    Cdc,
}

impl From<domain::RegistrationBody> for RegistrationBody {
    fn from(b: domain::RegistrationBody) -> Self {
        match b {
            domain::RegistrationBody::Pmis => RegistrationBody::Pmis,
            domain::RegistrationBody::Cdc => RegistrationBody::Cdc,
        }
    }
}

/// One step after the income-tax exemption.
#[derive(SimpleObject, Debug, Clone)]
pub struct TaxStep {
    /// Tax due, as a percentage of the normal amount.
    pub percent_of_normal_tax: i32,
    pub years: i32,
}

/// What the Law on Investment (2021) and related texts would give the project. Indicative, not
/// legal advice: the CDC decides.
#[derive(SimpleObject, Debug, Clone)]
pub struct IncentiveAssessment {
    pub qip_status: QipStatus,
    pub qip_eligible: bool,
    pub negative_list: bool,
    /// Tax-exemption group of the activity (1, 2 or 3), whatever the project's size.
    pub group: Option<i32>,
    /// The rules' name for the activity, in the requested language.
    pub activity: Option<String>,
    /// QIP income-tax exemption in years; null unless QIP-eligible.
    pub tax_holiday_years: Option<i32>,
    /// SME-scheme income-tax exemption in years; null when the scheme does not apply.
    pub sme_scheme_years: Option<i32>,
    pub sme_size: Option<SmeSize>,
    /// The minimum investment (USD) that makes the activity a QIP.
    pub minimum_investment_usd: Option<i64>,
    /// Tax after the exemption, step by step; empty unless QIP-eligible.
    pub post_exemption_steps: Vec<TaxStep>,
    /// Imports free of customs duty, special tax and VAT; empty unless QIP-eligible.
    pub customs_exemptions: Vec<CustomsExemption>,
    /// The activity's goods enter Korea at preferential tariffs under the CKFTA.
    pub ckfta_export_fit: bool,
    /// The project is in a special economic zone (as given).
    pub sez_location: bool,
    /// The province hosts a special economic zone (examples, not a complete list).
    pub sez_province: bool,
    pub registration_body: Option<RegistrationBody>,
    /// Why, sentence by sentence, in the requested language.
    pub reasons: Vec<String>,
    /// The legal texts behind the reasons, in the requested language.
    pub sources: Vec<String>,
    /// Caveats of the tables used: ISIC mappings that are ours, zone lists that are examples.
    pub notes: Vec<String>,
    /// Indicative, not legal advice; points to the CDC.
    pub caveat: String,
    /// True while the rule tables are our reading rather than a transcription of the annexes.
    pub indicative: bool,
    /// Version of the rules file that answered.
    pub rules_version: String,
}

impl From<domain::IncentiveAssessment> for IncentiveAssessment {
    fn from(a: domain::IncentiveAssessment) -> Self {
        IncentiveAssessment {
            qip_status: a.qip_status.into(),
            qip_eligible: a.qip_eligible,
            negative_list: a.negative_list,
            group: a.group.map(i32::from),
            activity: a.activity,
            tax_holiday_years: a.tax_holiday_years.map(i32::from),
            sme_scheme_years: a.sme_scheme_years.map(i32::from),
            sme_size: a.sme_size.map(Into::into),
            minimum_investment_usd: a.minimum_investment_usd,
            post_exemption_steps: a
                .post_exemption_steps
                .iter()
                .map(|&(pct, years)| TaxStep {
                    percent_of_normal_tax: i32::from(pct),
                    years: i32::from(years),
                })
                .collect(),
            customs_exemptions: a.customs.iter().map(|&i| i.into()).collect(),
            ckfta_export_fit: a.ckfta_export_fit,
            sez_location: a.sez_location,
            sez_province: a.sez_province,
            registration_body: a.registration_body.map(Into::into),
            reasons: a.reasons,
            sources: a.sources,
            notes: a.notes,
            caveat: a.caveat,
            indicative: a.indicative,
            rules_version: a.rules_version,
        }
    }
}

/// Investment-incentive assessments.
#[derive(Default)]
pub struct IncentivesQuery;

#[Object]
impl IncentivesQuery {
    /// Would this project be a Qualified Investment Project under Cambodia's Law on Investment
    /// (2021), and what would it get? Also the SME scheme, customs, CKFTA fit and registration.
    /// `lang` (default EN) chooses the language of reasons and sources.
    async fn incentives(
        &self,
        ctx: &Context<'_>,
        input: IncentiveInput,
        lang: Option<Lang>,
    ) -> async_graphql::Result<IncentiveAssessment> {
        let a = crate::service::incentives::assess(app(ctx), input.into(), super::lang(lang));
        gql(a.map(Into::into))
    }
}
