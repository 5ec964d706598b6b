//! GraphQL enums: wire mirrors of the domain vocabularies, converted explicitly at this edge so
//! that renaming a wire value never touches the rules (and the rules never derive GraphQL traits).

use async_graphql::Enum;

use crate::domain;

/// Declares a GraphQL enum with the same variants as a domain enum, and conversions both ways.
/// Doc comments on the enum and on each variant pass through: they are the schema's
/// descriptions of the type and of each value.
macro_rules! wire_enum {
    (
        $(#[$m:meta])*
        $name:ident => $domain:path { $($(#[$vm:meta])* $variant:ident),+ $(,)? }
    ) => {
        $(#[$m])*
        #[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl From<$name> for $domain {
            fn from(v: $name) -> Self {
                match v { $($name::$variant => <$domain>::$variant),+ }
            }
        }

        impl From<$domain> for $name {
            fn from(v: $domain) -> Self {
                match v { $(<$domain>::$variant => $name::$variant),+ }
            }
        }
    };
}

wire_enum!(
    /// A form of partnership. Both sides use the same list: an SME lists what it seeks, an
    /// investor or partner what it offers. In a match, PARTNERSHIP is the share of the SME's
    /// types that the investor offers.
    PartnershipType => domain::profile::PartnershipType {
        /// Capital in exchange for shares in the business.
        Equity,
        /// Debt finance, repaid with interest (a bank or development-finance loan, say).
        Loan,
        /// A new business owned and run together, each side bringing capital, technology,
        /// know-how or market access.
        JointVenture,
        /// One side sells the other's goods: Cambodian products in Korea, or Korean goods
        /// (cosmetics, K-content) in Cambodia.
        Distribution,
        /// OEM or contract manufacturing, or local assembly, for or with the partner (Korean
        /// brands made in Cambodia, for example).
        Manufacturing,
        /// Licensed know-how, software, or e-commerce and payment systems.
        TechnologyTransfer,
        /// Digital skills and capacity building for the SME's owners and staff.
        Training,
        /// Help to sell abroad, Korea first. An SME seeking it counts as export-oriented when
        /// its investment incentives are assessed (wider customs exemptions for a QIP).
        ExportMarketAccess,
        /// Sourcing: the SME supplies raw materials, parts or finished goods into the
        /// partner's supply chain.
        SupplyChain,
    }
);

wire_enum!(
    /// An SME's digital maturity, computed from its questionnaire answers
    /// (`digitalIndicators`), never entered directly. Each indicator belongs to one tier; a
    /// level needs several tools of its tier, so one stray "yes" does not lift it. In Cambodian
    /// surveys (CDRI) about 60% of SMEs are basic, 30% intermediate and 10% advanced.
    DigitalLevel => domain::digital::DigitalLevel {
        /// Fewer than two intermediate-tier tools: typically a social-media page, orders
        /// through messaging apps and e-payments (KHQR/Bakong, ABA, Wing), little more.
        Basic,
        /// At least two intermediate-tier tools (website, online shop, online advertising,
        /// accounting software, digital inventory), but fewer than three advanced ones.
        Intermediate,
        /// At least two intermediate-tier tools and at least three advanced ones (ERP, CRM,
        /// e-commerce integration, cloud back office, data analytics, cybersecurity practice).
        Advanced,
    }
);

wire_enum!(
    /// One yes/no item of the digital-maturity questionnaire. Each item belongs to a tier
    /// (BASIC, INTERMEDIATE or ADVANCED) and is worth points; the points of all 14 items sum to
    /// 100, the SME's digital score. The `digitalQuestionnaire` query gives each question's
    /// wording in English, Khmer and Korean.
    DigitalIndicator => domain::digital::DigitalIndicator {
        /// Basic tier, 5 points: a social-media page (Facebook, TikTok…).
        SocialMedia,
        /// Basic tier, 5 points: takes orders through messaging apps (Telegram, Messenger).
        MessagingSales,
        /// Basic tier, 10 points: accepts electronic payments (KHQR/Bakong, ABA, Wing).
        EPayment,
        /// Intermediate tier, 8 points: runs its own website.
        Website,
        /// Intermediate tier, 8 points: sells through an online shop or marketplace.
        OnlineStore,
        /// Intermediate tier, 6 points: pays for online advertising.
        OnlineAdvertising,
        /// Intermediate tier, 8 points: keeps its books in accounting software.
        AccountingSoftware,
        /// Intermediate tier, 8 points: tracks stock in a digital inventory system.
        DigitalInventory,
        /// Advanced tier, 9 points: runs an integrated enterprise resource planning system.
        Erp,
        /// Advanced tier, 8 points: manages customers in a customer relationship management
        /// system.
        Crm,
        /// Advanced tier, 8 points: online sales are integrated with stock and accounting.
        EcommerceIntegration,
        /// Advanced tier, 7 points: the back office runs in the cloud.
        CloudBackoffice,
        /// Advanced tier, 6 points: analyses sales or operations data to make decisions.
        DataAnalytics,
        /// Advanced tier, 4 points: follows a cybersecurity practice (backups, two-factor
        /// login, updates).
        Cybersecurity,
    }
);

wire_enum!(
    /// The kind of Korean organisation behind an investor or partner profile. Descriptive
    /// only: it does not enter the match score.
    OrganizationType => domain::profile::OrganizationType {
        /// A company investing from its balance sheet, often in its own industry or supply
        /// chain.
        CorporateInvestor,
        /// A venture-capital or private-equity fund.
        VentureCapital,
        /// A bank or other lender (Woori Bank, for example).
        Bank,
        /// A public donor or non-profit: KOICA-style agencies and NGOs such as ChildFund Korea.
        DevelopmentAgency,
        /// A trading house or distributor, importing Cambodian goods or distributing Korean
        /// ones.
        TradingDistributor,
        /// A technology company: software, e-commerce platforms, digital payments.
        TechnologyProvider,
        /// A manufacturer looking for production partners, suppliers or local assembly.
        Manufacturer,
        /// A private person investing their own money.
        Individual,
    }
);

wire_enum!(
    /// An investment incentive an investor cares about, under Cambodia's Law on Investment
    /// (2021) and the Cambodia–Korea Free Trade Agreement (CKFTA). The INCENTIVE feature of a
    /// match is the mean of these values for the SME's project (0 to 1 each), as the
    /// `incentives` rules assess it from the SME's sector, province, staff and capital sought.
    /// Indicative, not legal advice.
    IncentivePreference => domain::profile::IncentivePreference {
        /// The income-tax exemption: the longer the holiday the project would get, as a
        /// Qualified Investment Project (3, 6 or 9 years by group) or under the SME scheme of
        /// Sub-Decree 124, the higher the value (9 years = 1).
        QipTaxHoliday,
        /// Duty-, special-tax- and VAT-free import of production equipment and construction
        /// materials (and production inputs when export-oriented): 1 when the project would be
        /// a QIP, else 0.
        ImportDutyExemption,
        /// A location in a special economic zone: 1 when the SME's province hosts one (the
        /// rules list example zones; profiles record no zone address), else 0.
        SezLocation,
        /// Exports to Korea at preferential CKFTA tariffs: 1 when the SME's activity makes
        /// goods that qualify (in the bundled rules: agricultural and fishery products, food,
        /// garments, footwear, travel goods and handbags), else 0.
        KoreaFtaExport,
        /// Option 2 of the basic incentive: special depreciation and deductions of up to 200%
        /// of some expenses (training, R&D, accounting systems). 1 when the project would be a
        /// QIP or qualify for the SME scheme, else 0.
        EnhancedDeductions,
    }
);

wire_enum!(
    /// Who may see an SME's name. Contact details are private in both cases: only the owner,
    /// chamber staff, and a counterpart after both sides accept an introduction see them.
    Visibility => domain::profile::Visibility {
        /// The name is shown to everyone.
        Public,
        /// The name is hidden from everyone who may not see the contact details; they see a
        /// neutral label instead (the sector and province, e.g. "Manufacture of other food
        /// products n.e.c., Kampong Thom"). Free-text search does not index the hidden name.
        Anonymous,
    }
);

wire_enum!(
    /// Whether a profile takes part in search and matching.
    ProfileStatus => domain::profile::ProfileStatus {
        /// Listed, searched and matched; the owner and staff may edit it.
        Published,
        /// Withdrawn by its owner or staff: no longer listed, searched or matched, and
        /// read-only. Archiving cannot be undone.
        Archived,
    }
);

wire_enum!(
    /// A language of the product. Where an operation takes `lang`, the text the service writes
    /// (match and incentive reasons, legal sources, display names) comes in it, EN when not
    /// given. Profiles keep their own texts in whichever of these languages their owners wrote,
    /// returned per language (`en`, `km`, `ko`).
    Lang => domain::text::Lang {
        /// English (ISO 639-1 `en`).
        En,
        /// Khmer (ISO 639-1 `km`), Cambodia's official language.
        Km,
        /// Korean (ISO 639-1 `ko`).
        Ko,
    }
);

wire_enum!(
    /// A level of the ISIC Rev.4 classification of economic activities (UN Statistics
    /// Division), from the broadest to the most specific.
    IsicLevel => domain::sector::IsicLevel {
        /// One of 21 sections, coded by a letter A–U ("C" is manufacturing).
        Section,
        /// One of 88 divisions, coded by 2 digits ("10" is manufacture of food products).
        Division,
        /// One of 238 groups, coded by 3 digits ("107" is other food products).
        Group,
        /// One of 419 classes, coded by 4 digits ("1079"): the level of an SME's sector.
        Class,
    }
);

wire_enum!(
    /// One of the seven features of a match score. Each is a value from 0 to 1; the score is
    /// the sum of value × weight, with weights normalised to sum to 1 (the defaults in
    /// brackets below can be overridden per query).
    MatchFeature => crate::matching::weights::Feature {
        /// Shared words (default weight 0.15): how well the two profiles' texts match, in any
        /// of the three languages (BM25), relative to the best candidate of the same query.
        /// For a pair in the pipeline, the value recorded when it was shortlisted.
        Text,
        /// The SME's sector against the investor's interests in the ISIC tree (default weight
        /// 0.25): inside an interest 1; sharing the group 0.8, the division 0.6, the section
        /// 0.4; else 0. An investor with no sector interests gets 0.5; excluded sectors are
        /// never matched at all.
        Sector,
        /// The SME's digital level against the levels the investor wants (default weight
        /// 0.10): a wanted level 1, a neighbouring level 0.5, two levels apart 0; no
        /// preference 1.
        Digital,
        /// How well what the law would give the SME's project meets the investor's incentive
        /// preferences (default weight 0.10): the mean over those preferences, multiplied by
        /// the SECTOR value. No preferences: 0.5 before that scaling; an activity on the
        /// negative list: 0 for every preference.
        Incentive,
        /// Overlap of the capital the SME seeks with the investor's ticket range, in US
        /// dollars (default weight 0.10): at least 0.5 when they overlap, 1 when one range
        /// holds the other; disjoint ranges score less the further apart they are, 0 once
        /// their nearest ends differ by a factor of about 3. Either side without amounts: 0.5.
        Ticket,
        /// Share of the partnership types the SME seeks that the investor offers (default
        /// weight 0.25); an SME seeking none: 0.5.
        Partnership,
        /// 1 when the SME is in one of the investor's preferred provinces or the investor has
        /// none, else 0 (default weight 0.05).
        Location,
    }
);

wire_enum!(
    /// Where a pair stands in the chamber's curation pipeline. Staff move a pair forward;
    /// the two parties only answer their introduction:
    /// SUGGESTED → SHORTLISTED → INTRODUCED → CONNECTED → IN_TALKS → DEAL, with DECLINED when
    /// a party declines the introduction and CLOSED when staff end a pair at any open stage.
    MatchStage => domain::pipeline::Stage {
        /// Ranked by the matching engine; no one has acted on the pair yet (there is no
        /// pipeline record).
        Suggested,
        /// Staff picked the pair for an introduction; the pipeline record starts here.
        Shortlisted,
        /// Staff introduced the two sides with a message; each side now accepts or declines.
        Introduced,
        /// Both sides accepted: each may now see the other's contact details (and an
        /// ANONYMOUS SME's name).
        Connected,
        /// Staff recorded that the two sides are negotiating.
        InTalks,
        /// Staff recorded an agreement. Final.
        Deal,
        /// Staff ended the pair before a deal. Final.
        Closed,
        /// A side declined the introduction. Final.
        Declined,
    }
);

wire_enum!(
    /// A party's answer to an introduction. When both accept, the match becomes CONNECTED;
    /// when either declines, DECLINED.
    IntroductionResponse => domain::pipeline::Response {
        /// The party wants to meet the other side.
        Accepted,
        /// The party does not want to meet the other side.
        Declined,
    }
);

/// Converts a list of wire enums into domain values.
pub fn to_domain<W: Copy, D: From<W>>(items: &[W]) -> Vec<D> {
    items.iter().map(|&w| D::from(w)).collect()
}

/// Converts a list of domain values into wire enums.
pub fn to_wire<D: Copy, W: From<D>>(items: &[D]) -> Vec<W> {
    items.iter().map(|&d| W::from(d)).collect()
}

wire_enum!(
    /// The order of the staff pipeline listing. A cursor continues only the order it came from.
    PipelineOrder => crate::service::pipeline::ListOrder {
        /// By the pair's id: stable across pages, but it says nothing about the match.
        Id,
        /// Open matches first, then finished ones (DEAL, CLOSED, DECLINED), each unchanged
        /// longest first (ties by id): what a curator follows up on. A match changed between
        /// two pages moves to the end of its part, so it may be listed again.
        LongestWaiting,
    }
);
