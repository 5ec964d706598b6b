//! Korean investor and partner profiles: who they are, what they fund or offer, where, for whom.

use super::contact::{Contact, ContactRaw};
use super::digital::DigitalLevel;
use super::ids::ProfileId;
use super::money::UsdRange;
use super::profile::{IncentivePreference, LanguageCode, OrganizationType, PartnershipType};
use super::province::ProvinceCode;
use super::sector::IsicCode;
use super::sme::{DESCRIPTION_MAX_CHARS, MAX_LANGUAGES, NAME_MAX_CHARS};
use super::text::{LocalizedText, LocalizedTextRaw};
use super::validation::{dedup_keep_order, Checker, ValidationErrors};
use super::Lifecycle;

pub const MAX_SECTOR_CODES: usize = 50;

#[derive(Debug, Clone)]
pub struct InvestorRaw {
    pub name: LocalizedTextRaw,
    pub description: LocalizedTextRaw,
    pub organization_type: OrganizationType,
    pub sector_interests: Vec<String>,
    pub excluded_sectors: Vec<String>,
    pub ticket_min_usd: Option<i64>,
    pub ticket_max_usd: Option<i64>,
    pub partnership_types: Vec<PartnershipType>,
    pub preferred_provinces: Vec<String>,
    pub preferred_digital_levels: Vec<DigitalLevel>,
    pub incentive_preferences: Vec<IncentivePreference>,
    pub languages: Vec<String>,
    pub contact: ContactRaw,
}

/// The validated content of an investor or partner profile.
///
/// Empty lists mean "no preference": no sector interests is open to every sector, no preferred
/// provinces is anywhere in Cambodia, no digital levels is any level.
#[derive(Debug, Clone, PartialEq)]
pub struct InvestorProfile {
    pub name: LocalizedText,
    pub description: LocalizedText,
    pub organization_type: OrganizationType,
    pub sector_interests: Vec<IsicCode>,
    pub excluded_sectors: Vec<IsicCode>,
    pub ticket: UsdRange,
    pub partnership_types: Vec<PartnershipType>,
    pub preferred_provinces: Vec<ProvinceCode>,
    pub preferred_digital_levels: Vec<DigitalLevel>,
    pub incentive_preferences: Vec<IncentivePreference>,
    pub languages: Vec<LanguageCode>,
    pub contact: Contact,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Investor {
    pub id: ProfileId,
    /// The INVESTOR account that owns the profile.
    pub owner: Option<ProfileId>,
    pub lifecycle: Lifecycle,
    pub profile: InvestorProfile,
}

impl InvestorProfile {
    pub fn validate(raw: InvestorRaw) -> Result<Self, ValidationErrors> {
        let mut c = Checker::new("input");
        let name = c.check("name", LocalizedText::parse_line(raw.name, NAME_MAX_CHARS));
        let description = c.check(
            "description",
            LocalizedText::parse_description(raw.description, DESCRIPTION_MAX_CHARS),
        );
        let interests = c.check_list(
            "sectorInterests",
            raw.sector_interests,
            MAX_SECTOR_CODES,
            |s| IsicCode::parse(&s),
        );
        let excluded = c.check_list(
            "excludedSectors",
            raw.excluded_sectors,
            MAX_SECTOR_CODES,
            |s| IsicCode::parse(&s),
        );
        // An exclusion that swallows an interest whole is a contradiction the investor should
        // resolve; an exclusion inside an interest (interest "C", excluded "1200") is normal.
        for (i, ex) in excluded.iter().enumerate() {
            if let Some(interest) = interests.iter().find(|it| is_within(it, ex)) {
                c.fail(
                    &format!("excludedSectors[{i}]"),
                    format!(
                        "excludes {:?} entirely, which is also listed as a sector of interest",
                        interest.as_str()
                    ),
                );
            }
        }
        let ticket = match UsdRange::parse(raw.ticket_min_usd, raw.ticket_max_usd) {
            Ok(r) => Some(r),
            Err((which, msg)) => {
                c.fail(
                    if which == "min" {
                        "ticketMinUsd"
                    } else {
                        "ticketMaxUsd"
                    },
                    msg,
                );
                None
            }
        };
        let provinces = c.check_list("preferredProvinces", raw.preferred_provinces, 25, |s| {
            ProvinceCode::parse(&s)
        });
        let languages = c.check_list("languages", raw.languages, MAX_LANGUAGES, |s| {
            LanguageCode::parse(&s)
        });
        let contact = Contact::check(&mut c, raw.contact);
        c.finish(|| InvestorProfile {
            name: name.expect("checked"),
            description: description.expect("checked"),
            organization_type: raw.organization_type,
            sector_interests: dedup_keep_order(interests),
            excluded_sectors: dedup_keep_order(excluded),
            ticket: ticket.expect("checked"),
            partnership_types: dedup_keep_order(raw.partnership_types),
            preferred_provinces: dedup_keep_order(provinces),
            preferred_digital_levels: dedup_keep_order(raw.preferred_digital_levels),
            incentive_preferences: dedup_keep_order(raw.incentive_preferences),
            languages: dedup_keep_order(languages),
            contact: contact.expect("checked"),
        })
    }
}

/// Whether `inner` lies under `outer` in the ISIC tree (or is it).
fn is_within(inner: &IsicCode, outer: &IsicCode) -> bool {
    super::sector::isic()
        .lineage(inner.as_str())
        .iter()
        .any(|n| n.code == outer.as_str())
}

impl Investor {
    pub fn publish(
        id: ProfileId,
        owner: Option<ProfileId>,
        profile: InvestorProfile,
        now: time::OffsetDateTime,
    ) -> Self {
        Investor {
            id,
            owner,
            lifecycle: Lifecycle::published(now),
            profile,
        }
    }

    pub fn revise(
        &self,
        profile: InvestorProfile,
        now: time::OffsetDateTime,
    ) -> Result<Self, ValidationErrors> {
        Ok(Investor {
            id: self.id,
            owner: self.owner,
            lifecycle: self.lifecycle.revised(now)?,
            profile,
        })
    }

    pub fn archive(&self, now: time::OffsetDateTime) -> Self {
        Investor {
            lifecycle: self.lifecycle.archived(now),
            ..self.clone()
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn raw() -> InvestorRaw {
        InvestorRaw {
            name: LocalizedTextRaw {
                ko: Some("한빛 뷰티 유통".into()),
                ..Default::default()
            },
            description: LocalizedTextRaw {
                en: Some("K-beauty distributor".into()),
                ..Default::default()
            },
            organization_type: OrganizationType::TradingDistributor,
            sector_interests: vec!["C".into(), "2023".into()],
            excluded_sectors: vec!["1200".into()],
            ticket_min_usd: Some(100_000),
            ticket_max_usd: None,
            partnership_types: vec![PartnershipType::Distribution],
            preferred_provinces: vec!["KH-12".into()],
            preferred_digital_levels: vec![],
            incentive_preferences: vec![IncentivePreference::KoreaFtaExport],
            languages: vec!["ko".into()],
            contact: ContactRaw {
                email: Some("fund@example.kr".into()),
                ..ContactRaw::default()
            },
        }
    }

    #[test]
    fn an_investor_nobody_can_reach_is_refused() {
        let mut r = raw();
        r.contact = ContactRaw {
            person: Some("Kim".into()),
            ..ContactRaw::default()
        };
        let err = InvestorProfile::validate(r).unwrap_err();
        assert_eq!(err.fields(), vec!["input.contact"]);
    }

    #[test]
    fn valid_investor() {
        let p = InvestorProfile::validate(raw()).unwrap();
        assert_eq!(p.sector_interests.len(), 2);
        assert_eq!(p.ticket.min, Some(100_000));
    }

    #[test]
    fn contradictions_and_bad_codes() {
        let mut r = raw();
        r.excluded_sectors = vec!["20".into()];
        r.preferred_provinces = vec!["Phnom Penh".into()];
        r.ticket_min_usd = Some(-5);
        let err = InvestorProfile::validate(r).unwrap_err();
        assert_eq!(
            err.fields(),
            vec![
                "input.excludedSectors[0]",
                "input.ticketMinUsd",
                "input.preferredProvinces[0]"
            ]
        );
    }
}
