//! Vocabulary shared by both sides of a match: partnership types, organisation types,
//! incentives, visibility, status and spoken languages.

/// Declares a closed vocabulary with its stored spelling (the same SCREAMING_CASE the API uses).
macro_rules! vocabulary {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($code => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

vocabulary!(
    /// What one side seeks and the other offers (the same list on both sides).
    PartnershipType {
        Equity = "EQUITY",
        Loan = "LOAN",
        JointVenture = "JOINT_VENTURE",
        Distribution = "DISTRIBUTION",
        Manufacturing = "MANUFACTURING",
        TechnologyTransfer = "TECHNOLOGY_TRANSFER",
        Training = "TRAINING",
        ExportMarketAccess = "EXPORT_MARKET_ACCESS",
        SupplyChain = "SUPPLY_CHAIN",
    }
);

vocabulary!(
    /// The kind of Korean organisation behind an investor or partner profile.
    OrganizationType {
        CorporateInvestor = "CORPORATE_INVESTOR",
        VentureCapital = "VENTURE_CAPITAL",
        Bank = "BANK",
        DevelopmentAgency = "DEVELOPMENT_AGENCY",
        TradingDistributor = "TRADING_DISTRIBUTOR",
        TechnologyProvider = "TECHNOLOGY_PROVIDER",
        Manufacturer = "MANUFACTURER",
        Individual = "INDIVIDUAL",
    }
);

vocabulary!(
    /// Incentives under the Law on Investment (2021) and the CKFTA an investor cares about.
    IncentivePreference {
        QipTaxHoliday = "QIP_TAX_HOLIDAY",
        ImportDutyExemption = "IMPORT_DUTY_EXEMPTION",
        SezLocation = "SEZ_LOCATION",
        KoreaFtaExport = "KOREA_FTA_EXPORT",
        EnhancedDeductions = "ENHANCED_DEDUCTIONS",
    }
);

vocabulary!(
    /// PUBLIC profiles show their name; ANONYMOUS ones hide name and contact from other parties.
    Visibility {
        Public = "PUBLIC",
        Anonymous = "ANONYMOUS",
    }
);

vocabulary!(
    /// Only PUBLISHED profiles are listed, searched and matched.
    ProfileStatus {
        Published = "PUBLISHED",
        Archived = "ARCHIVED",
    }
);

/// An ISO 639-1 language code, lower case (`km`, `ko`, `en`, `zh`, …).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LanguageCode(String);

impl LanguageCode {
    pub fn parse(s: &str) -> Result<Self, String> {
        let lower = s.trim().to_ascii_lowercase();
        if lower.len() == 2 && lower.bytes().all(|b| b.is_ascii_lowercase()) {
            Ok(LanguageCode(lower))
        } else {
            Err(format!(
                "{s:?} is not an ISO 639-1 language code (two letters, e.g. \"km\", \"ko\", \"en\")"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_round_trip() {
        for p in PartnershipType::ALL {
            assert_eq!(PartnershipType::parse(p.as_str()), Some(*p));
        }
        assert_eq!(PartnershipType::ALL.len(), 9);
        assert_eq!(OrganizationType::ALL.len(), 8);
        assert_eq!(
            IncentivePreference::parse("SEZ_LOCATION"),
            Some(IncentivePreference::SezLocation)
        );
        assert_eq!(Visibility::parse("public"), None);
    }

    #[test]
    fn language_codes() {
        assert_eq!(LanguageCode::parse("KM").unwrap().as_str(), "km");
        assert!(LanguageCode::parse("khm").is_err());
        assert!(LanguageCode::parse("k1").is_err());
    }
}
