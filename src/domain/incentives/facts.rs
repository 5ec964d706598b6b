//! The numbers and flags of an assessment, without any text: what the matching engine reads for
//! every SME, so it is a table lookup plus a few comparisons, with no allocation.

use super::rules::{ClassEntry, Rules, Verdict};
use super::vocab::{CustomsScope, QipStatus, RegistrationBody, SmeSize};
use crate::domain::profile::PartnershipType;
use crate::domain::province::ProvinceCode;
use crate::domain::sector::IsicClass;
use crate::domain::sme::SmeProfile;

/// What the rules would give a project, as plain values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncentiveFacts {
    pub qip: QipStatus,
    /// `qip == Eligible`.
    pub qip_eligible: bool,
    pub negative_list: bool,
    /// The tax-exemption group of the activity, whatever the project's size.
    pub group: Option<u8>,
    /// The QIP income-tax exemption; only when QIP-eligible.
    pub tax_holiday_years: Option<u8>,
    /// The minimum investment of the activity's group entry.
    pub minimum_investment_usd: Option<i64>,
    /// Customs exemptions apply to QIPs only; which list depends on export orientation.
    pub customs: Option<CustomsScope>,
    pub sme_priority_sector: bool,
    /// The size class under the SME scheme, when the staff count is known and in range.
    pub sme_size: Option<SmeSize>,
    /// SME-scheme exemption years in a priority sector at an SME size: the base years; the
    /// extended years need a condition (local raw materials, staff growth, cluster) that
    /// [`super::assess`] checks when it knows it.
    pub sme_scheme_years: Option<u8>,
    /// What the SME scheme gives when an extension condition holds (with `sme_scheme_years`).
    pub sme_scheme_years_extended: Option<u8>,
    pub ckfta_export_fit: bool,
    /// The province hosts one of the example special economic zones.
    pub sez_province: bool,
    /// Where a possibly eligible project registers; none for the negative list or without an
    /// amount.
    pub registration: Option<RegistrationBody>,
    pub(super) entry: ClassEntry,
}

impl IncentiveFacts {
    /// The longest income-tax exemption on offer, QIP or SME scheme (base years).
    pub fn holiday_years(&self) -> u8 {
        self.tax_holiday_years
            .unwrap_or(0)
            .max(self.sme_scheme_years.unwrap_or(0))
    }

    /// Whether a customs-duty exemption on imports applies (any QIP).
    pub fn import_duty_exemption(&self) -> bool {
        self.customs.is_some()
    }
}

/// The facts of a project: `sector` decides the rule (most specific ISIC code wins), the
/// amount decides QIP eligibility and the registration body, the staff count the SME scheme.
pub fn facts(
    rules: &Rules,
    sector: &IsicClass,
    province: Option<&ProvinceCode>,
    investment_usd: Option<i64>,
    employees: Option<u32>,
    export_oriented: bool,
) -> IncentiveFacts {
    let entry = rules.entry(sector);
    let (qip, group, minimum, group_years) = match entry.verdict {
        Verdict::Negative(_) => (QipStatus::NegativeList, None, None, None),
        Verdict::Unlisted => (QipStatus::AskCdc, None, None, None),
        Verdict::Activity { group, activity } => {
            let g = &rules.groups[usize::from(group)];
            let min = g.activities[usize::from(activity)].minimum_investment_usd;
            let qip = match investment_usd {
                None => QipStatus::InvestmentUnknown,
                Some(usd) if usd >= min => QipStatus::Eligible,
                Some(_) => QipStatus::BelowMinimum,
            };
            (qip, Some(g.number), Some(min), Some(g.years))
        }
    };
    let qip_eligible = qip == QipStatus::Eligible;
    let customs = qip_eligible.then_some(if export_oriented {
        CustomsScope::ExportOriented
    } else {
        CustomsScope::DomesticOriented
    });
    let sme = &rules.sme;
    let sme_priority_sector = entry.sme_sector.is_some();
    let sme_size = employees.and_then(|n| sme.size_of(n));
    let sme_fits = sme_priority_sector && sme_size.is_some();
    let registration = match (qip, investment_usd) {
        (QipStatus::Eligible | QipStatus::AskCdc, Some(usd)) => {
            Some(if usd >= rules.registration.cdc_from_usd {
                RegistrationBody::Cdc
            } else {
                RegistrationBody::Pmis
            })
        }
        _ => None,
    };
    IncentiveFacts {
        qip,
        qip_eligible,
        negative_list: qip == QipStatus::NegativeList,
        group,
        tax_holiday_years: if qip_eligible { group_years } else { None },
        minimum_investment_usd: minimum,
        customs,
        sme_priority_sector,
        sme_size,
        sme_scheme_years: sme_fits.then_some(sme.base_years),
        sme_scheme_years_extended: sme_fits.then_some(sme.extended_years),
        ckfta_export_fit: entry.ckfta.is_some(),
        sez_province: province.is_some_and(|p| rules.sez_province(p)),
        registration,
        entry,
    }
}

/// The amount an SME's project stands for: the most it seeks, else the least.
pub fn sme_investment(sme: &SmeProfile) -> Option<i64> {
    sme.capital_sought.max.or(sme.capital_sought.min)
}

/// An SME counts as export-oriented when it seeks export-market access.
pub fn sme_export_oriented(sme: &SmeProfile) -> bool {
    sme.partnership_types
        .contains(&PartnershipType::ExportMarketAccess)
}

/// [`facts`] for a published SME profile: what the matching engine calls for every SME.
pub fn facts_sme(rules: &Rules, sme: &SmeProfile) -> IncentiveFacts {
    facts(
        rules,
        &sme.sector,
        Some(&sme.province),
        sme_investment(sme),
        sme.employees,
        sme_export_oriented(sme),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(c: &str) -> IsicClass {
        IsicClass::parse(c).unwrap()
    }

    #[test]
    fn unlisted_activity_is_ask_cdc_without_years() {
        let f = facts(
            Rules::builtin(),
            &class("4911"),
            None,
            Some(3_000_000),
            None,
            false,
        );
        assert_eq!(f.qip, QipStatus::AskCdc);
        assert!(!f.qip_eligible && !f.negative_list);
        assert_eq!((f.group, f.tax_holiday_years), (None, None));
        assert_eq!(f.registration, Some(RegistrationBody::Pmis));
    }

    #[test]
    fn registration_body_follows_the_threshold() {
        let r = Rules::builtin();
        let at = |usd| facts(r, &class("6201"), None, Some(usd), None, false).registration;
        assert_eq!(at(4_999_999), Some(RegistrationBody::Pmis));
        assert_eq!(at(5_000_000), Some(RegistrationBody::Cdc));
        assert_eq!(
            facts(r, &class("6201"), None, None, None, false).registration,
            None
        );
    }

    #[test]
    fn minimum_is_inclusive_and_unknown_amount_is_not_eligible() {
        let r = Rules::builtin();
        let f = facts(r, &class("5510"), None, Some(8_000_000), None, false);
        assert_eq!((f.qip, f.tax_holiday_years), (QipStatus::Eligible, Some(3)));
        let f = facts(r, &class("5510"), None, Some(7_999_999), None, false);
        assert_eq!(f.qip, QipStatus::BelowMinimum);
        let f = facts(r, &class("5510"), None, None, None, false);
        assert_eq!(f.qip, QipStatus::InvestmentUnknown);
        assert_eq!(f.minimum_investment_usd, Some(8_000_000));
    }

    #[test]
    fn sme_sizes_bound_the_scheme() {
        let r = Rules::builtin();
        let at = |n| facts(r, &class("1079"), None, None, n, false);
        assert_eq!(at(Some(9)).sme_scheme_years, None);
        assert_eq!(at(Some(10)).sme_size, Some(SmeSize::Small));
        assert_eq!(at(Some(51)).sme_size, Some(SmeSize::Medium));
        assert_eq!(at(Some(100)).sme_scheme_years, Some(3));
        assert_eq!(at(Some(101)).sme_scheme_years, None);
        assert_eq!(at(None).sme_scheme_years, None);
        assert_eq!(at(Some(30)).sme_scheme_years_extended, Some(5));
        assert_eq!(at(Some(30)).holiday_years(), 3);
    }
}
