//! GraphQL output types: wrappers over domain values that decide, field by field, what the
//! viewer may see.

use async_graphql::{ComplexObject, Context, Object, SimpleObject};
use time::format_description::well_known::Rfc3339;

use super::enums::{
    to_wire, DigitalIndicator, DigitalLevel, IncentivePreference, IsicLevel, Lang,
    OrganizationType, PartnershipType, ProfileStatus, Visibility,
};
use crate::domain;
use crate::domain::sector::isic;

/// Text in up to three languages.
#[derive(SimpleObject, Debug, Clone)]
pub struct LocalizedText {
    pub en: Option<String>,
    pub km: Option<String>,
    pub ko: Option<String>,
}

impl From<&domain::text::LocalizedText> for LocalizedText {
    fn from(t: &domain::text::LocalizedText) -> Self {
        LocalizedText {
            en: t.en.clone(),
            km: t.km.clone(),
            ko: t.ko.clone(),
        }
    }
}

/// Contact details; null for viewers who may not see them.
#[derive(SimpleObject, Debug, Clone)]
pub struct Contact {
    pub person: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub telegram: Option<String>,
}

impl From<&domain::contact::Contact> for Contact {
    fn from(c: &domain::contact::Contact) -> Self {
        Contact {
            person: c.person.clone(),
            email: c.email.as_ref().map(|e| e.as_str().to_string()),
            phone: c.phone.as_ref().map(|p| p.as_str().to_string()),
            telegram: c.telegram.as_ref().map(|t| t.as_str().to_string()),
        }
    }
}

use super::account::viewer;

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// A node of the ISIC Rev.4 tree.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(complex)]
pub struct Sector {
    pub code: String,
    pub level: IsicLevel,
    pub parent_code: Option<String>,
    /// English always (the UN title); Khmer and Korean where known (sections today).
    pub name: LocalizedText,
}

#[ComplexObject]
impl Sector {
    /// The section letter this code belongs to.
    async fn section(&self) -> String {
        isic()
            .section_of(&self.code)
            .unwrap_or_default()
            .to_string()
    }

    async fn has_children(&self) -> bool {
        isic().children(Some(&self.code)).next().is_some()
    }
}

impl From<&domain::sector::IsicNode> for Sector {
    fn from(n: &domain::sector::IsicNode) -> Self {
        Sector {
            code: n.code.clone(),
            level: n.level.into(),
            parent_code: n.parent.clone(),
            name: LocalizedText {
                en: Some(n.name_en.clone()),
                km: n.name_km.clone(),
                ko: n.name_ko.clone(),
            },
        }
    }
}

/// Looks up a code that the domain already validated.
pub fn sector(code: &str) -> Option<Sector> {
    isic().get(code).map(Sector::from)
}

/// A Cambodian province.
#[derive(SimpleObject, Debug, Clone)]
pub struct Province {
    /// ISO 3166-2:KH, e.g. "KH-12".
    pub code: String,
    /// National two-digit code, e.g. "12".
    pub national_code: String,
    pub name: LocalizedText,
}

impl From<&domain::province::Province> for Province {
    fn from(p: &domain::province::Province) -> Self {
        Province {
            code: p.iso.clone(),
            national_code: p.national_code.clone(),
            name: LocalizedText {
                en: Some(p.name_en.clone()),
                km: Some(p.name_km.clone()),
                ko: Some(p.name_ko.clone()),
            },
        }
    }
}

/// One question of the digital-maturity questionnaire.
#[derive(SimpleObject, Debug, Clone)]
pub struct DigitalQuestion {
    pub indicator: DigitalIndicator,
    /// The level a "yes" is evidence of.
    pub level: DigitalLevel,
    /// Points toward the 0–100 score.
    pub points: i32,
    pub question: LocalizedText,
}

impl From<&domain::digital::Question> for DigitalQuestion {
    fn from(q: &domain::digital::Question) -> Self {
        DigitalQuestion {
            indicator: q.indicator.into(),
            level: q.tier.into(),
            points: q.points as i32,
            question: LocalizedText {
                en: Some(q.en.into()),
                km: Some(q.km.into()),
                ko: Some(q.ko.into()),
            },
        }
    }
}

/// The questionnaire with its scoring rule.
#[derive(SimpleObject, Debug, Clone)]
pub struct DigitalQuestionnaire {
    pub questions: Vec<DigitalQuestion>,
    /// How answers become a level, in words.
    pub rule: LocalizedText,
}

/// A level and score computed from questionnaire answers.
#[derive(SimpleObject, Debug, Clone)]
pub struct DigitalAssessment {
    pub level: DigitalLevel,
    pub score: i32,
}

impl From<domain::digital::DigitalAssessment> for DigitalAssessment {
    fn from(a: domain::digital::DigitalAssessment) -> Self {
        DigitalAssessment {
            level: a.level.into(),
            score: a.score as i32,
        }
    }
}

/// A Cambodian SME.
pub struct Sme(pub domain::sme::Sme);

#[Object]
impl Sme {
    async fn id(&self) -> async_graphql::ID {
        self.0.id.to_string().into()
    }

    /// Null when the SME is ANONYMOUS and the viewer may not see its name.
    async fn name(&self, ctx: &Context<'_>) -> Option<LocalizedText> {
        viewer(ctx)
            .may_see_name(self.0.id, self.0.owner, self.0.profile.visibility)
            .then(|| (&self.0.profile.name).into())
    }

    /// The name in `lang` where the viewer may see it; otherwise a neutral description such as
    /// "Manufacture of other food products n.e.c., Kampong Thom".
    async fn display_name(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "Lang::En")] lang: Lang,
    ) -> String {
        let p = &self.0.profile;
        if viewer(ctx).may_see_name(self.0.id, self.0.owner, p.visibility) {
            return p.name.best(lang.into()).to_string();
        }
        let province = p.province.province();
        let (sector, place) = match lang {
            Lang::En => (
                class_name(&p.sector, domain::text::Lang::En),
                province.name_en.as_str(),
            ),
            Lang::Km => (
                class_name(&p.sector, domain::text::Lang::Km),
                province.name_km.as_str(),
            ),
            Lang::Ko => (
                class_name(&p.sector, domain::text::Lang::Ko),
                province.name_ko.as_str(),
            ),
        };
        format!("{sector}, {place}")
    }

    async fn description(&self) -> LocalizedText {
        (&self.0.profile.description).into()
    }

    async fn sector_code(&self) -> &str {
        self.0.profile.sector.as_str()
    }

    async fn sector(&self) -> Option<Sector> {
        sector(self.0.profile.sector.as_str())
    }

    async fn secondary_sector_codes(&self) -> Vec<String> {
        let codes = &self.0.profile.secondary_sectors;
        codes.iter().map(|c| c.as_str().to_string()).collect()
    }

    async fn province_code(&self) -> &str {
        self.0.profile.province.as_str()
    }

    async fn province(&self) -> Province {
        self.0.profile.province.province().into()
    }

    async fn employees(&self) -> Option<i64> {
        self.0.profile.employees.map(i64::from)
    }

    async fn founded_year(&self) -> Option<i64> {
        self.0.profile.founded_year.map(i64::from)
    }

    async fn capital_sought_min_usd(&self) -> Option<i64> {
        self.0.profile.capital_sought.min
    }

    async fn capital_sought_max_usd(&self) -> Option<i64> {
        self.0.profile.capital_sought.max
    }

    async fn partnership_types(&self) -> Vec<PartnershipType> {
        to_wire(&self.0.profile.partnership_types)
    }

    async fn digital_indicators(&self) -> Vec<DigitalIndicator> {
        to_wire(&self.0.profile.digital_indicators)
    }

    async fn digital_level(&self) -> DigitalLevel {
        self.0.digital.level.into()
    }

    /// 0–100, from the questionnaire.
    async fn digital_score(&self) -> i32 {
        self.0.digital.score as i32
    }

    async fn languages(&self) -> Vec<String> {
        self.0
            .profile
            .languages
            .iter()
            .map(|l| l.as_str().to_string())
            .collect()
    }

    /// Null for viewers who may not see contact details.
    async fn contact(&self, ctx: &Context<'_>) -> Option<Contact> {
        viewer(ctx)
            .may_see_contact(self.0.id, self.0.owner)
            .then(|| (&self.0.profile.contact).into())
    }

    async fn visibility(&self) -> Visibility {
        self.0.profile.visibility.into()
    }

    async fn status(&self) -> ProfileStatus {
        self.0.lifecycle.status.into()
    }

    /// UTC, RFC 3339.
    async fn created_at(&self) -> String {
        rfc3339(self.0.lifecycle.created_at)
    }

    async fn updated_at(&self) -> String {
        rfc3339(self.0.lifecycle.updated_at)
    }

    /// Grows by one with every change.
    async fn version(&self) -> i64 {
        self.0.lifecycle.version
    }
}

/// The most specific name of a class that exists in `lang`: ISIC class titles exist in English;
/// Khmer and Korean fall back to the section's name.
fn class_name(class: &domain::sector::IsicClass, lang: domain::text::Lang) -> String {
    let lineage = isic().lineage(class.as_str());
    let pick = |n: &domain::sector::IsicNode| match lang {
        domain::text::Lang::En => Some(n.name_en.clone()),
        domain::text::Lang::Km => n.name_km.clone(),
        domain::text::Lang::Ko => n.name_ko.clone(),
    };
    lineage.iter().find_map(|n| pick(n)).unwrap_or_default()
}

/// A Korean investor or partner.
pub struct Investor(pub domain::investor::Investor);

#[Object]
impl Investor {
    async fn id(&self) -> async_graphql::ID {
        self.0.id.to_string().into()
    }

    async fn name(&self) -> LocalizedText {
        (&self.0.profile.name).into()
    }

    async fn display_name(&self, #[graphql(default_with = "Lang::En")] lang: Lang) -> String {
        self.0.profile.name.best(lang.into()).to_string()
    }

    async fn description(&self) -> LocalizedText {
        (&self.0.profile.description).into()
    }

    async fn organization_type(&self) -> OrganizationType {
        self.0.profile.organization_type.into()
    }

    async fn sector_interests(&self) -> Vec<String> {
        let codes = &self.0.profile.sector_interests;
        codes.iter().map(|c| c.as_str().to_string()).collect()
    }

    async fn excluded_sectors(&self) -> Vec<String> {
        let codes = &self.0.profile.excluded_sectors;
        codes.iter().map(|c| c.as_str().to_string()).collect()
    }

    async fn ticket_min_usd(&self) -> Option<i64> {
        self.0.profile.ticket.min
    }

    async fn ticket_max_usd(&self) -> Option<i64> {
        self.0.profile.ticket.max
    }

    async fn partnership_types(&self) -> Vec<PartnershipType> {
        to_wire(&self.0.profile.partnership_types)
    }

    async fn preferred_provinces(&self) -> Vec<String> {
        let codes = &self.0.profile.preferred_provinces;
        codes.iter().map(|c| c.as_str().to_string()).collect()
    }

    async fn preferred_digital_levels(&self) -> Vec<DigitalLevel> {
        to_wire(&self.0.profile.preferred_digital_levels)
    }

    async fn incentive_preferences(&self) -> Vec<IncentivePreference> {
        to_wire(&self.0.profile.incentive_preferences)
    }

    async fn languages(&self) -> Vec<String> {
        self.0
            .profile
            .languages
            .iter()
            .map(|l| l.as_str().to_string())
            .collect()
    }

    /// Null for viewers who may not see contact details.
    async fn contact(&self, ctx: &Context<'_>) -> Option<Contact> {
        viewer(ctx)
            .may_see_contact(self.0.id, self.0.owner)
            .then(|| (&self.0.profile.contact).into())
    }

    async fn status(&self) -> ProfileStatus {
        self.0.lifecycle.status.into()
    }

    async fn created_at(&self) -> String {
        rfc3339(self.0.lifecycle.created_at)
    }

    async fn updated_at(&self) -> String {
        rfc3339(self.0.lifecycle.updated_at)
    }

    async fn version(&self) -> i64 {
        self.0.lifecycle.version
    }
}

/// Relay page information.
#[derive(SimpleObject, Debug, Clone)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub start_cursor: Option<String>,
    pub end_cursor: Option<String>,
}

/// Builds a connection from its parts; implemented by every connection type below.
pub trait FromParts<N> {
    fn from_parts(edges: Vec<(String, N)>, page_info: PageInfo, total_count: i64) -> Self;
}

/// Declares a Relay connection and edge over one node type (async-graphql's generic
/// connections cannot nest generic edges, so each node type gets its own pair).
macro_rules! connection_type {
    ($(#[$m:meta])* $conn:ident, $edge:ident, $node:ty) => {
        #[derive(SimpleObject)]
        pub struct $edge {
            pub cursor: String,
            pub node: $node,
        }

        $(#[$m])*
        #[derive(SimpleObject)]
        pub struct $conn {
            pub edges: Vec<$edge>,
            pub page_info: PageInfo,
            /// How many items the whole list has, across pages.
            pub total_count: i64,
        }

        impl FromParts<$node> for $conn {
            fn from_parts(edges: Vec<(String, $node)>, page_info: PageInfo, total_count: i64) -> Self {
                $conn {
                    edges: edges
                        .into_iter()
                        .map(|(cursor, node)| $edge { cursor, node })
                        .collect(),
                    page_info,
                    total_count,
                }
            }
        }
    };
}

connection_type!(
    /// A page of published SMEs.
    SmeConnection, SmeEdge, Sme
);
connection_type!(
    /// A page of published investors and partners.
    InvestorConnection, InvestorEdge, Investor
);
