//! GraphQL input objects (the wire contract) and their conversion into unchecked domain input.
//! All checking happens in `domain`; this module only moves fields across.

use async_graphql::InputObject;

use super::enums::{
    to_domain, DigitalIndicator, DigitalLevel, IncentivePreference, OrganizationType,
    PartnershipType, Visibility,
};
use crate::domain::contact::ContactRaw;
use crate::domain::investor::InvestorRaw;
use crate::domain::sme::SmeRaw;
use crate::domain::text::LocalizedTextRaw;

/// Text per language; at least one language must be given.
#[derive(InputObject, Debug, Clone, Default)]
pub struct LocalizedTextInput {
    pub en: Option<String>,
    pub km: Option<String>,
    pub ko: Option<String>,
}

impl From<LocalizedTextInput> for LocalizedTextRaw {
    fn from(t: LocalizedTextInput) -> Self {
        LocalizedTextRaw {
            en: t.en,
            km: t.km,
            ko: t.ko,
        }
    }
}

/// Private contact details: shown only to the owner, staff, and a counterpart after both sides
/// accept an introduction.
#[derive(InputObject, Debug, Clone, Default)]
pub struct ContactInput {
    pub person: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Telegram username, with or without the leading `@`.
    pub telegram: Option<String>,
}

impl From<Option<ContactInput>> for ContactRaw {
    fn from(c: Option<ContactInput>) -> Self {
        let c = c.unwrap_or_default();
        ContactRaw {
            person: c.person,
            email: c.email,
            phone: c.phone,
            telegram: c.telegram,
        }
    }
}

/// A Cambodian SME's profile.
#[derive(InputObject, Debug, Clone)]
pub struct SmeInput {
    pub name: LocalizedTextInput,
    pub description: LocalizedTextInput,
    /// ISIC Rev.4 class (4 digits), e.g. "1079".
    pub sector_code: String,
    /// Further ISIC Rev.4 classes the business is active in.
    pub secondary_sector_codes: Option<Vec<String>>,
    /// ISO 3166-2:KH code, e.g. "KH-12" (Phnom Penh).
    pub province_code: String,
    pub employees: Option<i64>,
    pub founded_year: Option<i64>,
    /// Whole US dollars.
    pub capital_sought_min_usd: Option<i64>,
    pub capital_sought_max_usd: Option<i64>,
    /// What the SME seeks.
    pub partnership_types: Vec<PartnershipType>,
    /// Questionnaire answers (the indicators that apply); the level and score are computed.
    pub digital_indicators: Vec<DigitalIndicator>,
    /// ISO 639-1 codes of the languages the business works in.
    pub languages: Option<Vec<String>>,
    pub contact: Option<ContactInput>,
    /// Default PUBLIC.
    pub visibility: Option<Visibility>,
}

impl From<SmeInput> for SmeRaw {
    fn from(i: SmeInput) -> Self {
        SmeRaw {
            name: i.name.into(),
            description: i.description.into(),
            sector_code: i.sector_code,
            secondary_sector_codes: i.secondary_sector_codes.unwrap_or_default(),
            province_code: i.province_code,
            employees: i.employees,
            founded_year: i.founded_year,
            capital_sought_min_usd: i.capital_sought_min_usd,
            capital_sought_max_usd: i.capital_sought_max_usd,
            partnership_types: to_domain(&i.partnership_types),
            digital_indicators: to_domain(&i.digital_indicators),
            languages: i.languages.unwrap_or_default(),
            contact: i.contact.into(),
            visibility: i.visibility.map(Into::into),
        }
    }
}

/// A Korean investor's or partner's interests.
#[derive(InputObject, Debug, Clone)]
pub struct InvestorInput {
    pub name: LocalizedTextInput,
    pub description: LocalizedTextInput,
    pub organization_type: OrganizationType,
    /// ISIC Rev.4 codes at any level: "G", "47", "479", "4791". Empty: every sector.
    pub sector_interests: Vec<String>,
    /// ISIC Rev.4 codes at any level never to be matched.
    pub excluded_sectors: Option<Vec<String>>,
    pub ticket_min_usd: Option<i64>,
    pub ticket_max_usd: Option<i64>,
    /// What the investor offers.
    pub partnership_types: Vec<PartnershipType>,
    /// ISO 3166-2:KH codes; empty or absent: anywhere in Cambodia.
    pub preferred_provinces: Option<Vec<String>>,
    /// Empty or absent: any level.
    pub preferred_digital_levels: Option<Vec<DigitalLevel>>,
    pub incentive_preferences: Option<Vec<IncentivePreference>>,
    pub languages: Option<Vec<String>>,
    pub contact: Option<ContactInput>,
}

impl From<InvestorInput> for InvestorRaw {
    fn from(i: InvestorInput) -> Self {
        InvestorRaw {
            name: i.name.into(),
            description: i.description.into(),
            organization_type: i.organization_type.into(),
            sector_interests: i.sector_interests,
            excluded_sectors: i.excluded_sectors.unwrap_or_default(),
            ticket_min_usd: i.ticket_min_usd,
            ticket_max_usd: i.ticket_max_usd,
            partnership_types: to_domain(&i.partnership_types),
            preferred_provinces: i.preferred_provinces.unwrap_or_default(),
            preferred_digital_levels: to_domain(&i.preferred_digital_levels.unwrap_or_default()),
            incentive_preferences: to_domain(&i.incentive_preferences.unwrap_or_default()),
            languages: i.languages.unwrap_or_default(),
            contact: i.contact.into(),
        }
    }
}
