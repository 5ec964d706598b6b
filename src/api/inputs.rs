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

/// Text in up to three languages; give at least one. Blank text counts as absent. Text is
/// stored exactly as sent (no Unicode normalisation, so Khmer zero-width spaces survive);
/// control characters other than tab and line breaks are refused. Each language may hold up to
/// the field's limit, counted in Unicode characters (200 for a name, 5,000 for a description).
#[derive(InputObject, Debug, Clone, Default)]
pub struct LocalizedTextInput {
    /// The text in English.
    pub en: Option<String>,
    /// The text in Khmer.
    pub km: Option<String>,
    /// The text in Korean.
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
/// accept an introduction. Each field is optional and a blank one counts as absent, but at
/// least one of `email`, `phone` and `telegram` must be given (else `BAD_USER_INPUT` on
/// `input.contact`): an accepted introduction ends in the two sides reaching each other.
#[derive(InputObject, Debug, Clone, Default)]
pub struct ContactInput {
    /// Who to contact: a person's name, at most 120 characters.
    pub person: Option<String>,
    /// An e-mail address of the usual `name@domain.tld` shape, at most 254 characters.
    pub email: Option<String>,
    /// A phone number as people write it, e.g. "+855 12 345 678" or "012-345-678": 8 to 15
    /// digits, with spaces, dashes, dots, brackets and a leading `+` allowed.
    pub phone: Option<String>,
    /// Telegram username, with or without the leading `@`: 5 to 32 letters, digits or
    /// underscores, starting with a letter. Telegram is the messaging app most Cambodian
    /// businesses use.
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

/// A Cambodian SME's profile: the whole content, both to publish and to update (an update
/// replaces every field, so an absent optional field is cleared). Every field is checked and a
/// refusal (`BAD_USER_INPUT`) names each bad field as `input.<field>`.
#[derive(InputObject, Debug, Clone)]
pub struct SmeInput {
    /// The business's name, at most 200 characters per language. Hidden from other parties
    /// when `visibility` is ANONYMOUS.
    pub name: LocalizedTextInput,
    /// What the business does, makes and sells, at most 5,000 characters per language. Search
    /// and the TEXT feature of matching read it, so concrete words (products, markets,
    /// certifications) help.
    pub description: LocalizedTextInput,
    /// The main activity: an ISIC Rev.4 class (4 digits), e.g. "1079" (other food products).
    /// It decides the SECTOR feature of matching and the incentive assessment.
    pub sector_code: String,
    /// Further ISIC Rev.4 classes (4 digits) the business is active in, at most 10; duplicates
    /// and the main class are dropped. A sector filter in search also finds the SME by these;
    /// matching scores the main class only.
    pub secondary_sector_codes: Option<Vec<String>>,
    /// Where the business is: an ISO 3166-2:KH code from KH-1 to KH-25 (any case), e.g.
    /// "KH-12" (Phnom Penh).
    pub province_code: String,
    /// Staff count, 0 to 100,000. Incentive assessments take the SME tax scheme's size class
    /// (Sub-Decree 124) from it.
    pub employees: Option<i64>,
    /// Year the business was founded, from 1900 to the current year.
    pub founded_year: Option<i64>,
    /// Least capital sought, in whole US dollars (0 to 2,147,483,647); not above
    /// `capitalSoughtMaxUsd`. Absent: no lower bound.
    pub capital_sought_min_usd: Option<i64>,
    /// Most capital sought, in whole US dollars (0 to 2,147,483,647). Absent: no upper bound.
    /// The incentive assessment takes this amount (else the minimum) as the project's
    /// investment.
    pub capital_sought_max_usd: Option<i64>,
    /// What the SME seeks; may be empty (then neutral in matching). Duplicates are dropped.
    pub partnership_types: Vec<PartnershipType>,
    /// Questionnaire answers: the indicators that apply (the tools the business actually
    /// uses); may be empty. The digital level and 0–100 score are computed from them.
    pub digital_indicators: Vec<DigitalIndicator>,
    /// ISO 639-1 codes (two letters, e.g. "km", "en", "zh") of the languages the business
    /// works in, at most 20.
    pub languages: Option<Vec<String>>,
    /// Private contact details: at least one way to be reached (see `ContactInput`).
    pub contact: Option<ContactInput>,
    /// Whether other parties see the name. Absent: PUBLIC (on update too).
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

/// A Korean investor's or partner's profile: who it is and what it looks for. The same input
/// publishes and updates (an update replaces every field, so an absent optional field is
/// cleared). Empty lists mean "no preference". A refusal (`BAD_USER_INPUT`) names each bad
/// field as `input.<field>`.
#[derive(InputObject, Debug, Clone)]
pub struct InvestorInput {
    /// The organisation's (or person's) name, at most 200 characters per language.
    pub name: LocalizedTextInput,
    /// What the organisation does and seeks, at most 5,000 characters per language; the TEXT
    /// feature of matching compares its words with SMEs' names and descriptions.
    pub description: LocalizedTextInput,
    /// The kind of organisation (descriptive; not part of the match score).
    pub organization_type: OrganizationType,
    /// ISIC Rev.4 codes at any level: a section letter ("G"), a division ("47"), a group
    /// ("479") or a class ("4791"); at most 50. Empty: open to every sector (SECTOR 0.5).
    pub sector_interests: Vec<String>,
    /// ISIC Rev.4 codes at any level, at most 50: SMEs whose main class lies under one are
    /// never matched. An exclusion may sit inside an interest ("C" with "1200") but may not
    /// cover one whole.
    pub excluded_sectors: Option<Vec<String>>,
    /// Smallest amount the investor puts into one deal, in whole US dollars (0 to
    /// 2,147,483,647); not above `ticketMaxUsd`. Absent: no lower bound.
    pub ticket_min_usd: Option<i64>,
    /// Largest amount for one deal, in whole US dollars (0 to 2,147,483,647). Absent: no
    /// upper bound.
    pub ticket_max_usd: Option<i64>,
    /// What the investor or partner offers; duplicates are dropped.
    pub partnership_types: Vec<PartnershipType>,
    /// ISO 3166-2:KH codes (KH-1 to KH-25), at most 25; empty or absent: anywhere in Cambodia.
    pub preferred_provinces: Option<Vec<String>>,
    /// The digital levels of SMEs sought (a payments or training provider may want BASIC
    /// SMEs to upgrade, a venture fund ADVANCED ones). Empty or absent: any level.
    pub preferred_digital_levels: Option<Vec<DigitalLevel>>,
    /// The investment incentives that matter to the investor; they make up the INCENTIVE
    /// feature of matching. Empty or absent: none in particular (INCENTIVE neutral).
    pub incentive_preferences: Option<Vec<IncentivePreference>>,
    /// ISO 639-1 codes (two letters, e.g. "ko", "en") of the languages the organisation works
    /// in, at most 20.
    pub languages: Option<Vec<String>>,
    /// Private contact details: at least one way to be reached (see `ContactInput`).
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
