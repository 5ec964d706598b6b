//! The features of a match, each a number in [0, 1], as pure functions of small inputs.
//!
//! The fast ranking path (`search::matcher`) tabulates these same functions once per query
//! (per ISIC class, per province, per partnership mask, …) and looks values up per document;
//! the explanation calls them directly. One definition, so ranks and explanations agree.

use crate::domain::digital::DigitalLevel;
use crate::domain::money::UsdRange;
use crate::domain::profile::{IncentivePreference, PartnershipType};
use crate::domain::province::ProvinceCode;
use crate::domain::sector::{isic, IsicCode, IsicLevel};

/// Sector fit when the investor names no sector: neither a match nor a mismatch.
pub const OPEN_SECTOR: f64 = 0.5;
/// Value of a feature that one side leaves open (no capital sought, no ticket, no needs).
pub const NEUTRAL: f64 = 0.5;

/// How an SME's class relates to the investor's closest interest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectorRelation {
    /// The class lies under (or is) this interest.
    Within(IsicCode),
    /// Shares this level of the tree with this interest, and no closer.
    Shares(IsicLevel, IsicCode),
    Unrelated,
    /// The investor names no sector.
    Open,
}

/// ISIC tree distance to one interest: inside it 1.0; otherwise the deepest shared ancestor
/// decides: group 0.8, division 0.6, section 0.4; else 0.
pub fn sector_value(class: &str, interest: &IsicCode) -> (f64, SectorRelation) {
    let lineage = isic().lineage(class);
    if lineage.iter().any(|n| n.code == interest.as_str()) {
        return (1.0, SectorRelation::Within(interest.clone()));
    }
    let theirs = isic().lineage(interest.as_str());
    // The deepest node on both lineages.
    match lineage
        .iter()
        .find(|n| theirs.iter().any(|t| t.code == n.code))
    {
        Some(shared) => {
            let value = match shared.level {
                IsicLevel::Class => 1.0,
                IsicLevel::Group => 0.8,
                IsicLevel::Division => 0.6,
                IsicLevel::Section => 0.4,
            };
            (
                value,
                SectorRelation::Shares(shared.level, interest.clone()),
            )
        }
        None => (0.0, SectorRelation::Unrelated),
    }
}

/// The best [`sector_value`] over the investor's interests; no interests: [`OPEN_SECTOR`].
pub fn sector_fit(class: &str, interests: &[IsicCode]) -> (f64, SectorRelation) {
    if interests.is_empty() {
        return (OPEN_SECTOR, SectorRelation::Open);
    }
    let mut best = (0.0, SectorRelation::Unrelated);
    for interest in interests {
        let (value, relation) = sector_value(class, interest);
        if value > best.0 {
            best = (value, relation);
        }
    }
    best
}

/// Whether an SME of this class is excluded by the investor (a hard filter, not a feature).
pub fn excluded(class: &str, excluded: &[IsicCode]) -> bool {
    let lineage = isic().lineage(class);
    excluded
        .iter()
        .any(|e| lineage.iter().any(|n| n.code == e.as_str()))
}

/// The wanted level 1.0, a neighbouring level 0.5 (an intermediate SME is half a fit for a
/// fund that wants advanced ones), two levels off 0; no preference 1.0.
pub fn digital_fit(level: DigitalLevel, wanted: &[DigitalLevel]) -> f64 {
    if wanted.is_empty() {
        return 1.0;
    }
    let rank = |l: DigitalLevel| l as i32;
    wanted
        .iter()
        .map(|w| match (rank(*w) - rank(level)).abs() {
            0 => 1.0,
            1 => 0.5,
            _ => 0.0,
        })
        .fold(0.0, f64::max)
}

/// What the Law on Investment would give an SME's project, as the matching engine needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct IncentiveFacts {
    pub negative_list: bool,
    pub qip_eligible: bool,
    /// Income-tax exemption years as a QIP (0 when none).
    pub tax_holiday_years: u8,
    /// Years under the SME scheme of Sub-Decree 124 (0 when none).
    pub sme_scheme_years: u8,
    pub ckfta_export_fit: bool,
    pub sez_location: bool,
    /// Customs-duty exemption on equipment and inputs (a QIP that exports, or any QIP for
    /// equipment).
    pub import_duty_exemption: bool,
}

impl IncentiveFacts {
    /// What matching needs of the incentive engine's answer for a project. Profiles record no
    /// zone address, so an SEZ province stands for "could locate in an SEZ".
    pub fn from_rules(f: &crate::domain::incentives::IncentiveFacts) -> Self {
        IncentiveFacts {
            negative_list: f.negative_list,
            qip_eligible: f.qip_eligible,
            tax_holiday_years: f.tax_holiday_years.unwrap_or(0),
            sme_scheme_years: f.sme_scheme_years.unwrap_or(0),
            ckfta_export_fit: f.ckfta_export_fit,
            sez_location: f.sez_province,
            import_duty_exemption: f.import_duty_exemption(),
        }
    }

    /// Packs the facts into 16 bits, so the fast path can tabulate values by pattern.
    pub fn pack(&self) -> u16 {
        (self.negative_list as u16)
            | (self.qip_eligible as u16) << 1
            | (self.ckfta_export_fit as u16) << 2
            | (self.sez_location as u16) << 3
            | (self.import_duty_exemption as u16) << 4
            | (u16::from(self.tax_holiday_years.min(15))) << 5
            | (u16::from(self.sme_scheme_years.min(15))) << 9
    }

    pub fn unpack(bits: u16) -> Self {
        IncentiveFacts {
            negative_list: bits & 1 != 0,
            qip_eligible: bits & 2 != 0,
            ckfta_export_fit: bits & 4 != 0,
            sez_location: bits & 8 != 0,
            import_duty_exemption: bits & 16 != 0,
            tax_holiday_years: ((bits >> 5) & 15) as u8,
            sme_scheme_years: ((bits >> 9) & 15) as u8,
        }
    }

    /// Longest income-tax holiday on offer, QIP or SME scheme.
    pub fn holiday_years(&self) -> u8 {
        self.tax_holiday_years.max(self.sme_scheme_years)
    }
}

/// The longest tax holiday the law grants (group 1), for scaling.
pub const MAX_HOLIDAY_YEARS: f64 = 9.0;

/// How well what the law would give the SME meets one incentive the investor cares about.
pub fn incentive_value(facts: &IncentiveFacts, pref: IncentivePreference) -> f64 {
    if facts.negative_list {
        // A negative-list activity can still want training or a distributor; it simply earns
        // no incentive value (DESIGN.md).
        return 0.0;
    }
    match pref {
        IncentivePreference::QipTaxHoliday => f64::from(facts.holiday_years()) / MAX_HOLIDAY_YEARS,
        IncentivePreference::ImportDutyExemption => bool_value(facts.import_duty_exemption),
        IncentivePreference::SezLocation => bool_value(facts.sez_location),
        IncentivePreference::KoreaFtaExport => bool_value(facts.ckfta_export_fit),
        IncentivePreference::EnhancedDeductions => {
            bool_value(facts.qip_eligible || facts.sme_scheme_years > 0)
        }
    }
}

fn bool_value(b: bool) -> f64 {
    if b {
        1.0
    } else {
        0.0
    }
}

/// Mean value over the investor's incentive preferences; an investor who names none is
/// neutral (a negative-list activity can still want training or a distributor, DESIGN.md).
pub fn incentive_fit(facts: &IncentiveFacts, prefs: &[IncentivePreference]) -> f64 {
    if prefs.is_empty() {
        return NEUTRAL;
    }
    // Summed in the vocabulary's order whatever order the investor listed them in, so the
    // fast path (which works from a bit mask) adds exactly the same numbers in the same order.
    let listed: Vec<IncentivePreference> = IncentivePreference::ALL
        .iter()
        .copied()
        .filter(|p| prefs.contains(p))
        .collect();
    listed
        .iter()
        .map(|p| incentive_value(facts, *p))
        .sum::<f64>()
        / listed.len() as f64
}

/// Incentives count as far as the SME's sector fits the investor: a garment maker's export
/// incentives mean little to a food company that shares only the manufacturing section with it
/// (found with the evaluation set and the demo data). Scaled by the sector value, so a firm
/// inside the investor's interests keeps the whole incentive value.
pub fn incentive_in_sector(incentive: f64, sector: f64) -> f64 {
    incentive * sector
}

/// Overlap of the capital an SME seeks with an investor's ticket range.
///
/// An open lower bound is 0 and an open upper bound unbounded. Overlapping ranges score the
/// shared span over the narrower range (at least 0.5, and 1.0 when one holds the other or the
/// narrower range is unbounded); disjoint ranges score by how far apart they are on a log
/// scale (within a factor of about 3, something; beyond, nothing). Either side entirely open:
/// neutral.
pub fn ticket_fit(capital: &UsdRange, ticket: &UsdRange) -> f64 {
    if capital.min.is_none() && capital.max.is_none() {
        return NEUTRAL;
    }
    if ticket.min.is_none() && ticket.max.is_none() {
        return NEUTRAL;
    }
    let (a_lo, a_hi) = bounds(capital);
    let (b_lo, b_hi) = bounds(ticket);
    let lo = a_lo.max(b_lo);
    let hi = a_hi.min(b_hi);
    if lo <= hi {
        let narrower = (a_hi - a_lo).min(b_hi - b_lo);
        if narrower <= 0.0 || narrower.is_infinite() {
            return 1.0;
        }
        return ((hi - lo) / narrower).clamp(0.5, 1.0);
    }
    // Disjoint (so `hi` is finite): log10 distance between the nearest ends.
    let gap = (lo.max(1.0).log10() - hi.max(1.0).log10()).abs();
    (0.5 - gap).max(0.0)
}

fn bounds(r: &UsdRange) -> (f64, f64) {
    (
        r.min.unwrap_or(0) as f64,
        r.max.map_or(f64::INFINITY, |v| v as f64),
    )
}

/// Partnership types as a bit mask (bit = position in `PartnershipType::ALL`).
pub fn partnership_mask(types: &[PartnershipType]) -> u16 {
    types.iter().fold(0, |m, t| {
        m | PartnershipType::ALL
            .iter()
            .position(|x| x == t)
            .map_or(0, |i| 1 << i)
    })
}

/// Share of what the SME seeks that the investor offers; an SME seeking nothing in particular
/// is neutral.
pub fn partnership_fit(sought: u16, offered: u16) -> f64 {
    if sought == 0 {
        return NEUTRAL;
    }
    f64::from((sought & offered).count_ones()) / f64::from(sought.count_ones())
}

/// In a preferred province 1.0, elsewhere 0; no preference 1.0.
pub fn location_fit(province: &ProvinceCode, preferred: &[ProvinceCode]) -> f64 {
    if preferred.is_empty() || preferred.contains(province) {
        1.0
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(c: &[&str]) -> Vec<IsicCode> {
        c.iter().map(|s| IsicCode::parse(s).unwrap()).collect()
    }

    #[test]
    fn sector_tree_distance() {
        assert_eq!(sector_fit("1079", &codes(&["1079"])).0, 1.0);
        assert_eq!(sector_fit("1079", &codes(&["C"])).0, 1.0);
        assert_eq!(sector_fit("1072", &codes(&["1079"])).0, 0.8);
        assert_eq!(sector_fit("1030", &codes(&["1079"])).0, 0.6);
        assert_eq!(sector_fit("1410", &codes(&["1079"])).0, 0.4);
        assert_eq!(sector_fit("4711", &codes(&["1079"])).0, 0.0);
        assert_eq!(sector_fit("4711", &codes(&["1079", "47"])).0, 1.0);
        assert_eq!(sector_fit("4711", &[]).0, OPEN_SECTOR);
        assert!(excluded("1200", &codes(&["12"])));
        assert!(!excluded("1079", &codes(&["12"])));
    }

    #[test]
    fn digital_levels() {
        use DigitalLevel::*;
        assert_eq!(digital_fit(Basic, &[Basic]), 1.0);
        assert_eq!(digital_fit(Intermediate, &[Advanced]), 0.5);
        assert_eq!(digital_fit(Basic, &[Advanced]), 0.0);
        assert_eq!(digital_fit(Basic, &[]), 1.0);
    }

    #[test]
    fn incentives() {
        let qip = IncentiveFacts {
            qip_eligible: true,
            tax_holiday_years: 6,
            ckfta_export_fit: true,
            import_duty_exemption: true,
            ..Default::default()
        };
        assert_eq!(IncentiveFacts::unpack(qip.pack()), qip);
        use IncentivePreference::*;
        assert!((incentive_fit(&qip, &[QipTaxHoliday]) - 6.0 / 9.0).abs() < 1e-12);
        assert_eq!(incentive_fit(&qip, &[KoreaFtaExport, SezLocation]), 0.5);
        let retail = IncentiveFacts {
            negative_list: true,
            ..Default::default()
        };
        assert_eq!(incentive_fit(&retail, &[KoreaFtaExport]), 0.0);
        assert_eq!(incentive_fit(&retail, &[]), NEUTRAL);
        assert_eq!(incentive_fit(&qip, &[]), NEUTRAL);
        assert_eq!(incentive_in_sector(0.8, 0.0), 0.0);
        assert_eq!(incentive_in_sector(0.8, 1.0), 0.8);
        assert!((incentive_in_sector(0.8, 0.5) - 0.4).abs() < 1e-12);
    }

    #[test]
    fn tickets() {
        let r = |a: Option<i64>, b: Option<i64>| UsdRange::parse(a, b).unwrap();
        assert_eq!(
            ticket_fit(&r(Some(100), Some(200)), &r(Some(50), Some(500))),
            1.0
        );
        assert_eq!(ticket_fit(&r(None, None), &r(Some(50), Some(500))), NEUTRAL);
        assert!(
            ticket_fit(
                &r(Some(600_000), Some(700_000)),
                &r(Some(100_000), Some(500_000))
            ) > 0.3
        );
        assert_eq!(
            ticket_fit(&r(Some(5_000_000), None), &r(Some(1_000), Some(10_000))),
            0.0
        );
        assert_eq!(
            ticket_fit(&r(Some(100_000), None), &r(Some(50_000), Some(200_000))),
            100_000.0 / 150_000.0
        );
        assert_eq!(
            ticket_fit(&r(Some(600_000), None), &r(Some(250_000), None)),
            1.0
        );
        assert!(ticket_fit(&r(Some(100_000), Some(200_000)), &r(Some(250_000), None)) > 0.4);
    }

    #[test]
    fn partnerships_and_location() {
        use PartnershipType::*;
        let sought = partnership_mask(&[Equity, Distribution]);
        assert_eq!(
            partnership_fit(sought, partnership_mask(&[Distribution, Loan])),
            0.5
        );
        assert_eq!(partnership_fit(0, sought), NEUTRAL);
        let pp = ProvinceCode::parse("KH-12").unwrap();
        let kt = ProvinceCode::parse("KH-6").unwrap();
        assert_eq!(location_fit(&pp, std::slice::from_ref(&kt)), 0.0);
        assert_eq!(location_fit(&kt, std::slice::from_ref(&kt)), 1.0);
        assert_eq!(location_fit(&pp, &[]), 1.0);
    }
}
