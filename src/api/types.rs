//! GraphQL output types: wrappers over domain values that the application layer already passed
//! through the visibility policy (`service::visibility`). They show what they are given and
//! decide nothing: a hidden name or contact has already been removed.

use async_graphql::{ComplexObject, Enum, Object, SimpleObject, ID};
use time::OffsetDateTime;

use super::enums::{
    to_wire, DigitalIndicator, DigitalLevel, IncentivePreference, IsicLevel, Lang,
    OrganizationType, PartnershipType, ProfileStatus, Visibility,
};
use crate::domain;
use crate::domain::sector::isic;
use crate::service::visibility::{AccountView, Shown};

/// Text in up to three languages.
#[derive(SimpleObject, Debug, Clone)]
pub struct LocalizedText {
    /// English, when given.
    pub en: Option<String>,
    /// Khmer, when given (stored byte for byte, zero-width spaces included).
    pub km: Option<String>,
    /// Korean, when given.
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
    /// Who to ask for.
    pub person: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Phone number, international format.
    pub phone: Option<String>,
    /// Telegram username, with the leading `@` (Telegram is the business messenger of Cambodia).
    pub telegram: Option<String>,
}

impl From<&domain::contact::Contact> for Contact {
    fn from(c: &domain::contact::Contact) -> Self {
        Contact {
            person: c.person.clone(),
            email: c.email.as_ref().map(|e| e.as_str().to_string()),
            phone: c.phone.as_ref().map(|p| p.as_str().to_string()),
            // Stored without it; answered with it, as the field's description says.
            telegram: c.telegram.as_ref().map(|t| format!("@{}", t.as_str())),
        }
    }
}

/// A node of the ISIC Rev.4 tree.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(complex)]
pub struct Sector {
    /// The ISIC Rev.4 code: a section letter, or 2, 3 or 4 digits.
    pub code: String,
    /// Section, division, group or class.
    pub level: IsicLevel,
    /// The code of the node above (null for a section).
    pub parent_code: Option<String>,
    /// English always (the UN title); Khmer and Korean for every node (`data/isic_i18n.csv`).
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

    /// Whether nodes lie below this one (false for a class).
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
    /// In English, Khmer and Korean (Korean names are transliterations).
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
    /// The indicator a "yes" adds to the profile.
    pub indicator: DigitalIndicator,
    /// The level a "yes" is evidence of.
    pub level: DigitalLevel,
    /// Points toward the 0–100 score.
    pub points: i32,
    /// The question in plain words, in English, Khmer and Korean.
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
    /// The 14 questions, basic tier first.
    pub questions: Vec<DigitalQuestion>,
    /// How answers become a level, in words.
    pub rule: LocalizedText,
}

/// A level and score computed from questionnaire answers.
#[derive(SimpleObject, Debug, Clone)]
pub struct DigitalAssessment {
    /// BASIC, INTERMEDIATE or ADVANCED, by the questionnaire's rule.
    pub level: DigitalLevel,
    /// 0–100: the sum of the points of the indicators answered yes.
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

/// A Cambodian SME as the viewer may see it.
pub struct Sme(pub Shown<domain::sme::Sme>);

impl Sme {
    fn sme(&self) -> &domain::sme::Sme {
        self.0.get()
    }
}

/// A Cambodian small or medium enterprise: what it does (ISIC Rev.4 class), where (province),
/// how big, how digital, and what it seeks. An ANONYMOUS SME's name and every SME's contact
/// details are shown only to its owner, chamber staff, and a counterpart after both sides
/// accepted an introduction.
#[Object]
impl Sme {
    /// The profile's id (UUIDv7).
    async fn id(&self) -> ID {
        self.sme().id.to_string().into()
    }

    /// The business name per language; null when the SME is ANONYMOUS and the viewer may not
    /// see its name.
    async fn name(&self) -> Option<LocalizedText> {
        self.0.name().map(Into::into)
    }

    /// The name in `lang` (or another language when the SME has none in `lang`) where the viewer
    /// may see it; otherwise a neutral description such as "Manufacture of other food products
    /// n.e.c., Kampong Thom".
    async fn display_name(
        &self,
        #[graphql(default_with = "Lang::En", desc = "The language to show the name in.")]
        lang: Lang,
    ) -> String {
        self.0.display_name(lang.into())
    }

    /// What the business does, in the owner's words, per language.
    async fn description(&self) -> LocalizedText {
        (&self.sme().profile.description).into()
    }

    /// Main activity: an ISIC Rev.4 class (4 digits), e.g. "1072" (manufacture of sugar).
    async fn sector_code(&self) -> &str {
        self.sme().profile.sector.as_str()
    }

    /// The main activity's node of the ISIC Rev.4 tree, with its names.
    async fn sector(&self) -> Option<Sector> {
        sector(self.sme().profile.sector.as_str())
    }

    /// Other ISIC Rev.4 classes the business is active in.
    async fn secondary_sector_codes(&self) -> Vec<String> {
        let codes = &self.sme().profile.secondary_sectors;
        codes.iter().map(|c| c.as_str().to_string()).collect()
    }

    /// ISO 3166-2:KH code of the province, e.g. "KH-12" (Phnom Penh).
    async fn province_code(&self) -> &str {
        self.sme().profile.province.as_str()
    }

    /// The province, with its names in English, Khmer and Korean.
    async fn province(&self) -> Province {
        self.sme().profile.province.province().into()
    }

    /// Number of employees, when given (micro < 10, small 10–49, medium 50–100).
    async fn employees(&self) -> Option<i64> {
        self.sme().profile.employees.map(i64::from)
    }

    /// Year the business was founded, when given.
    async fn founded_year(&self) -> Option<i64> {
        self.sme().profile.founded_year.map(i64::from)
    }

    /// Lower bound of the capital sought, in whole US dollars (null: open).
    async fn capital_sought_min_usd(&self) -> Option<i64> {
        self.sme().profile.capital_sought.min
    }

    /// Upper bound of the capital sought, in whole US dollars (null: open).
    async fn capital_sought_max_usd(&self) -> Option<i64> {
        self.sme().profile.capital_sought.max
    }

    /// The kinds of partnership the SME seeks.
    async fn partnership_types(&self) -> Vec<PartnershipType> {
        to_wire(&self.sme().profile.partnership_types)
    }

    /// The questionnaire indicators the SME answered yes to.
    async fn digital_indicators(&self) -> Vec<DigitalIndicator> {
        to_wire(&self.sme().profile.digital_indicators)
    }

    /// Digital maturity assessed from the questionnaire answers.
    async fn digital_level(&self) -> DigitalLevel {
        self.sme().digital.level.into()
    }

    /// 0–100: the sum of the points of the indicators answered yes.
    async fn digital_score(&self) -> i32 {
        self.sme().digital.score as i32
    }

    /// ISO 639-1 codes of the languages the business works in.
    async fn languages(&self) -> Vec<String> {
        languages(&self.sme().profile.languages)
    }

    /// Contact details; null for viewers who may not see them.
    async fn contact(&self) -> Option<Contact> {
        self.0
            .contact_shown()
            .then(|| (&self.sme().profile.contact).into())
    }

    /// PUBLIC or ANONYMOUS.
    async fn visibility(&self) -> Visibility {
        self.sme().profile.visibility.into()
    }

    /// PUBLISHED or ARCHIVED.
    async fn status(&self) -> ProfileStatus {
        self.sme().lifecycle.status.into()
    }

    /// When the profile was first published.
    async fn created_at(&self) -> OffsetDateTime {
        self.sme().lifecycle.created_at
    }

    /// When the profile last changed.
    async fn updated_at(&self) -> OffsetDateTime {
        self.sme().lifecycle.updated_at
    }

    /// Grows by one with every change (optimistic concurrency).
    async fn version(&self) -> i64 {
        self.sme().lifecycle.version
    }
}

fn languages(codes: &[domain::profile::LanguageCode]) -> Vec<String> {
    codes.iter().map(|l| l.as_str().to_string()).collect()
}

/// A Korean investor or partner as the viewer may see it.
pub struct Investor(pub Shown<domain::investor::Investor>);

impl Investor {
    fn investor(&self) -> &domain::investor::Investor {
        self.0.get()
    }
}

/// A Korean investor or partner: a venture fund, a corporate, a bank, a development agency, a
/// distributor or a technology provider, with the mandate it is looking to fill. Contact details
/// are shown only to its owner, chamber staff, and a counterpart after both sides accepted an
/// introduction.
#[Object]
impl Investor {
    /// The profile's id (UUIDv7).
    async fn id(&self) -> ID {
        self.investor().id.to_string().into()
    }

    /// The organisation's name per language.
    async fn name(&self) -> LocalizedText {
        (&self.investor().profile.name).into()
    }

    /// The name in `lang`, or in another language when there is none in `lang`.
    async fn display_name(
        &self,
        #[graphql(default_with = "Lang::En", desc = "The language to show the name in.")]
        lang: Lang,
    ) -> String {
        self.0.display_name(lang.into())
    }

    /// The organisation and its mandate, in its own words, per language.
    async fn description(&self) -> LocalizedText {
        (&self.investor().profile.description).into()
    }

    /// What kind of organisation this is.
    async fn organization_type(&self) -> OrganizationType {
        self.investor().profile.organization_type.into()
    }

    /// ISIC Rev.4 codes at any level (section letter, division, group or class) the investor is
    /// interested in; empty means every sector.
    async fn sector_interests(&self) -> Vec<String> {
        let codes = &self.investor().profile.sector_interests;
        codes.iter().map(|c| c.as_str().to_string()).collect()
    }

    /// ISIC Rev.4 codes at any level the investor never invests in; SMEs under them are never
    /// matched to it.
    async fn excluded_sectors(&self) -> Vec<String> {
        let codes = &self.investor().profile.excluded_sectors;
        codes.iter().map(|c| c.as_str().to_string()).collect()
    }

    /// Smallest ticket, in whole US dollars (null: open).
    async fn ticket_min_usd(&self) -> Option<i64> {
        self.investor().profile.ticket.min
    }

    /// Largest ticket, in whole US dollars (null: open).
    async fn ticket_max_usd(&self) -> Option<i64> {
        self.investor().profile.ticket.max
    }

    /// The kinds of partnership the investor offers.
    async fn partnership_types(&self) -> Vec<PartnershipType> {
        to_wire(&self.investor().profile.partnership_types)
    }

    /// ISO 3166-2:KH codes of the provinces preferred; empty means anywhere in Cambodia.
    async fn preferred_provinces(&self) -> Vec<String> {
        let codes = &self.investor().profile.preferred_provinces;
        codes.iter().map(|c| c.as_str().to_string()).collect()
    }

    /// The digital levels of SMEs the investor wants; empty means any level.
    async fn preferred_digital_levels(&self) -> Vec<DigitalLevel> {
        to_wire(&self.investor().profile.preferred_digital_levels)
    }

    /// The investment-law incentives that matter to the investor.
    async fn incentive_preferences(&self) -> Vec<IncentivePreference> {
        to_wire(&self.investor().profile.incentive_preferences)
    }

    /// ISO 639-1 codes of the languages the organisation works in.
    async fn languages(&self) -> Vec<String> {
        languages(&self.investor().profile.languages)
    }

    /// Contact details; null for viewers who may not see them.
    async fn contact(&self) -> Option<Contact> {
        self.0
            .contact_shown()
            .then(|| (&self.investor().profile.contact).into())
    }

    /// PUBLISHED or ARCHIVED.
    async fn status(&self) -> ProfileStatus {
        self.investor().lifecycle.status.into()
    }

    /// When the profile was first published.
    async fn created_at(&self) -> OffsetDateTime {
        self.investor().lifecycle.created_at
    }

    /// When the profile last changed.
    async fn updated_at(&self) -> OffsetDateTime {
        self.investor().lifecycle.updated_at
    }

    /// Grows by one with every change (optimistic concurrency).
    async fn version(&self) -> i64 {
        self.investor().lifecycle.version
    }
}

/// What an account may do.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Owns Cambodian SME profiles; signs itself up.
    Sme,
    /// Owns investor and partner profiles; signs itself up.
    Investor,
    /// Chamber-of-commerce staff: curates matches; created by an operator.
    Staff,
    /// Staff with operator rights; created by an operator.
    Admin,
}

impl From<Role> for domain::account::Role {
    fn from(r: Role) -> Self {
        match r {
            Role::Sme => domain::account::Role::Sme,
            Role::Investor => domain::account::Role::Investor,
            Role::Staff => domain::account::Role::Staff,
            Role::Admin => domain::account::Role::Admin,
        }
    }
}

impl From<domain::account::Role> for Role {
    fn from(r: domain::account::Role) -> Self {
        match r {
            domain::account::Role::Sme => Role::Sme,
            domain::account::Role::Investor => Role::Investor,
            domain::account::Role::Staff => Role::Staff,
            domain::account::Role::Admin => Role::Admin,
        }
    }
}

/// An account as the viewer may see it.
pub struct User(pub AccountView);

/// An account. Its e-mail is shown to the account itself and to staff only.
#[Object]
impl User {
    /// The account's id (UUIDv7).
    async fn id(&self) -> ID {
        self.0.id.to_string().into()
    }

    /// The log-in e-mail; null unless the viewer is this account or staff.
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }

    /// What the account may do.
    async fn role(&self) -> Role {
        self.0.role.into()
    }

    /// When the account was created.
    async fn created_at(&self) -> OffsetDateTime {
        self.0.created_at
    }
}

/// Relay page information.
#[derive(SimpleObject, Debug, Clone)]
pub struct PageInfo {
    /// More items follow this page.
    pub has_next_page: bool,
    /// This page was asked for with a cursor (items precede it).
    pub has_previous_page: bool,
    /// The cursor of the page's first item.
    pub start_cursor: Option<String>,
    /// The cursor of the page's last item: pass it as `after` for the next page.
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
        /// An item of a page and its cursor.
        #[derive(SimpleObject)]
        pub struct $edge {
            /// Pass as `after` to continue after this item.
            pub cursor: String,
            /// The item.
            pub node: $node,
        }

        $(#[$m])*
        #[derive(SimpleObject)]
        pub struct $conn {
            /// The items of this page.
            pub edges: Vec<$edge>,
            /// Where this page stands in the list.
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
