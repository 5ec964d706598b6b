//! GraphQL enums: wire mirrors of the domain vocabularies, converted explicitly at this edge so
//! that renaming a wire value never touches the rules (and the rules never derive GraphQL traits).

use async_graphql::Enum;

use crate::domain;

/// Declares a GraphQL enum with the same variants as a domain enum, and conversions both ways.
macro_rules! wire_enum {
    ($(#[$m:meta])* $name:ident => $domain:path { $($variant:ident),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($variant),+ }

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
    /// What one side seeks and the other offers.
    PartnershipType => domain::profile::PartnershipType {
        Equity, Loan, JointVenture, Distribution, Manufacturing, TechnologyTransfer, Training,
        ExportMarketAccess, SupplyChain,
    }
);

wire_enum!(
    /// Digital maturity, assessed from the questionnaire.
    DigitalLevel => domain::digital::DigitalLevel { Basic, Intermediate, Advanced }
);

wire_enum!(
    /// One yes/no item of the digital-maturity questionnaire.
    DigitalIndicator => domain::digital::DigitalIndicator {
        SocialMedia, MessagingSales, EPayment, Website, OnlineStore, OnlineAdvertising,
        AccountingSoftware, DigitalInventory, Erp, Crm, EcommerceIntegration, CloudBackoffice,
        DataAnalytics, Cybersecurity,
    }
);

wire_enum!(
    /// The kind of Korean organisation behind an investor or partner profile.
    OrganizationType => domain::profile::OrganizationType {
        CorporateInvestor, VentureCapital, Bank, DevelopmentAgency, TradingDistributor,
        TechnologyProvider, Manufacturer, Individual,
    }
);

wire_enum!(
    /// Incentives under Cambodia's Law on Investment (2021) and the CKFTA.
    IncentivePreference => domain::profile::IncentivePreference {
        QipTaxHoliday, ImportDutyExemption, SezLocation, KoreaFtaExport, EnhancedDeductions,
    }
);

wire_enum!(
    /// PUBLIC shows the SME's name to everyone; ANONYMOUS hides name and contact from other
    /// parties until an introduction is accepted.
    Visibility => domain::profile::Visibility { Public, Anonymous }
);

wire_enum!(
    /// Only PUBLISHED profiles are listed, searched and matched.
    ProfileStatus => domain::profile::ProfileStatus { Published, Archived }
);

wire_enum!(
    /// A language of the product's texts.
    Lang => domain::text::Lang { En, Km, Ko }
);

wire_enum!(
    /// A level of the ISIC Rev.4 tree.
    IsicLevel => domain::sector::IsicLevel { Section, Division, Group, Class }
);

wire_enum!(
    /// A feature of a match score.
    MatchFeature => crate::matching::weights::Feature {
        Text, Sector, Digital, Incentive, Ticket, Partnership, Location,
    }
);

wire_enum!(
    /// Where a match stands in the chamber's curation pipeline.
    MatchStage => domain::pipeline::Stage {
        Suggested, Shortlisted, Introduced, Connected, InTalks, Deal, Closed, Declined,
    }
);

wire_enum!(
    /// A party's answer to an introduction.
    IntroductionResponse => domain::pipeline::Response { Accepted, Declined }
);

/// Converts a list of wire enums into domain values.
pub fn to_domain<W: Copy, D: From<W>>(items: &[W]) -> Vec<D> {
    items.iter().map(|&w| D::from(w)).collect()
}

/// Converts a list of domain values into wire enums.
pub fn to_wire<D: Copy, W: From<D>>(items: &[D]) -> Vec<W> {
    items.iter().map(|&d| W::from(d)).collect()
}
