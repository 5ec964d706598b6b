//! Cambodian SME profiles: what the business does, where, how digital it is, what it seeks.

use super::contact::{Contact, ContactRaw};
use super::digital::{assess, DigitalAssessment, DigitalIndicator};
use super::ids::ProfileId;
use super::money::UsdRange;
use super::profile::{LanguageCode, PartnershipType, Visibility};
use super::province::ProvinceCode;
use super::sector::IsicClass;
use super::text::{LocalizedText, LocalizedTextRaw};
use super::validation::{dedup_keep_order, Checker, ValidationErrors};
use super::{Lifecycle, ValidationContext};

/// Limits that keep one profile a profile (and the index small); generous for real businesses.
pub const NAME_MAX_CHARS: usize = 200;
pub const DESCRIPTION_MAX_CHARS: usize = 5_000;
pub const MAX_SECONDARY_SECTORS: usize = 10;
pub const MAX_EMPLOYEES: i64 = 100_000;
pub const MAX_LANGUAGES: usize = 20;
/// Oldest founding year accepted: older Cambodian firms are rare and the records uncertain.
pub const EARLIEST_FOUNDED_YEAR: i64 = 1900;

/// The common-era years a Buddhist-era year can be, when `year` can only be one: later than
/// this year, and 543 or 544 years on from a year that founding accepts. Cambodian documents
/// date by the Buddhist era (ព.ស. ២៥៦៨), whose year starts in April or May, so one BE year
/// overlaps two common-era ones (Thailand's reckoning is 543 years on, Cambodia's 544 for
/// part of the year); the owner is asked which, not guessed for.
pub fn buddhist_era_years(year: i64, this_year: i64) -> Option<(i64, i64)> {
    let accepted = EARLIEST_FOUNDED_YEAR..=this_year;
    let (early, late) = (year - 544, year - 543);
    if year <= this_year || !(accepted.contains(&early) || accepted.contains(&late)) {
        return None;
    }
    Some((early, late.min(this_year)))
}

/// An SME profile as a client submits it, before any check.
#[derive(Debug, Clone, Default)]
pub struct SmeRaw {
    pub name: LocalizedTextRaw,
    pub description: LocalizedTextRaw,
    pub sector_code: String,
    pub secondary_sector_codes: Vec<String>,
    pub province_code: String,
    pub employees: Option<i64>,
    pub founded_year: Option<i64>,
    pub capital_sought_min_usd: Option<i64>,
    pub capital_sought_max_usd: Option<i64>,
    pub partnership_types: Vec<PartnershipType>,
    pub digital_indicators: Vec<DigitalIndicator>,
    pub languages: Vec<String>,
    pub contact: ContactRaw,
    pub visibility: Option<Visibility>,
}

/// The validated content of an SME profile.
#[derive(Debug, Clone, PartialEq)]
pub struct SmeProfile {
    pub name: LocalizedText,
    pub description: LocalizedText,
    pub sector: IsicClass,
    pub secondary_sectors: Vec<IsicClass>,
    pub province: ProvinceCode,
    pub employees: Option<u32>,
    pub founded_year: Option<i32>,
    pub capital_sought: UsdRange,
    pub partnership_types: Vec<PartnershipType>,
    pub digital_indicators: Vec<DigitalIndicator>,
    pub languages: Vec<LanguageCode>,
    pub contact: Contact,
    pub visibility: Visibility,
}

/// A stored SME: its id, lifecycle, content and the digital assessment computed from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sme {
    pub id: ProfileId,
    /// The SME account that owns the profile (none for profiles loaded without an account).
    pub owner: Option<ProfileId>,
    pub lifecycle: Lifecycle,
    pub profile: SmeProfile,
    pub digital: DigitalAssessment,
}

impl SmeProfile {
    /// What an SME is called where its name is hidden (ANONYMOUS): its sector and province, in
    /// `lang`, e.g. "Manufacture of other food products n.e.c., Kampong Thom". A title missing in
    /// Khmer or Korean falls back to the most specific named ancestor.
    pub fn neutral_name(&self, lang: super::text::Lang) -> String {
        use super::text::Lang;
        let province = self.province.province();
        let place = match lang {
            Lang::En => &province.name_en,
            Lang::Km => &province.name_km,
            Lang::Ko => &province.name_ko,
        };
        let sector = super::sector::isic()
            .lineage(self.sector.as_str())
            .iter()
            .find_map(|n| match lang {
                Lang::En => Some(n.name_en.clone()),
                Lang::Km => n.name_km.clone(),
                Lang::Ko => n.name_ko.clone(),
            })
            .unwrap_or_default();
        format!("{sector}, {place}")
    }

    /// How investors who are not connected see an ANONYMOUS SME ([`Self::neutral_name`]);
    /// `None` for a public one, whose name everyone sees.
    pub fn hidden_as(&self, lang: super::text::Lang) -> Option<String> {
        (self.visibility == Visibility::Anonymous).then(|| self.neutral_name(lang))
    }

    /// Checks every field, naming each failure as `input.<field>`.
    pub fn validate(raw: SmeRaw, ctx: &ValidationContext) -> Result<Self, ValidationErrors> {
        let mut c = Checker::new("input");
        let name = c.check("name", LocalizedText::parse_line(raw.name, NAME_MAX_CHARS));
        let description = c.check(
            "description",
            LocalizedText::parse_description(raw.description, DESCRIPTION_MAX_CHARS),
        );
        let sector = c.check("sectorCode", IsicClass::parse(&raw.sector_code));
        let secondary = c.check_list(
            "secondarySectorCodes",
            raw.secondary_sector_codes,
            MAX_SECONDARY_SECTORS,
            |s| IsicClass::parse(&s),
        );
        let province = c.check("provinceCode", ProvinceCode::parse(&raw.province_code));
        let employees = c.check("employees", employees(raw.employees));
        let founded_year = c.check("foundedYear", ctx.founded_year(raw.founded_year));
        let capital = match UsdRange::parse(raw.capital_sought_min_usd, raw.capital_sought_max_usd)
        {
            Ok(r) => Some(r),
            Err((which, msg)) => {
                let field = if which == "min" {
                    "capitalSoughtMinUsd"
                } else {
                    "capitalSoughtMaxUsd"
                };
                c.fail(field, msg);
                None
            }
        };
        let languages = c.check_list("languages", raw.languages, MAX_LANGUAGES, |s| {
            LanguageCode::parse(&s)
        });
        let contact = Contact::check(&mut c, raw.contact);
        c.finish(|| {
            // `finish` only calls this when every check above succeeded.
            let sector = sector.expect("checked");
            let secondary_sectors = dedup_keep_order(secondary)
                .into_iter()
                .filter(|s| *s != sector)
                .collect();
            SmeProfile {
                name: name.expect("checked"),
                description: description.expect("checked"),
                sector,
                secondary_sectors,
                province: province.expect("checked"),
                employees: employees.expect("checked"),
                founded_year: founded_year.expect("checked"),
                capital_sought: capital.expect("checked"),
                partnership_types: dedup_keep_order(raw.partnership_types),
                digital_indicators: dedup_keep_order(raw.digital_indicators),
                languages: dedup_keep_order(languages),
                contact: contact.expect("checked"),
                visibility: raw.visibility.unwrap_or(Visibility::Public),
            }
        })
    }

    pub fn digital(&self) -> DigitalAssessment {
        assess(&self.digital_indicators)
    }
}

fn employees(n: Option<i64>) -> Result<Option<u32>, String> {
    match n {
        None => Ok(None),
        Some(n) if (0..=MAX_EMPLOYEES).contains(&n) => Ok(Some(n as u32)),
        Some(n) => Err(format!("must be between 0 and {MAX_EMPLOYEES} (got {n})")),
    }
}

impl Sme {
    /// A newly published SME.
    pub fn publish(
        id: ProfileId,
        owner: Option<ProfileId>,
        profile: SmeProfile,
        now: time::OffsetDateTime,
    ) -> Self {
        let digital = profile.digital();
        Sme {
            id,
            owner,
            lifecycle: Lifecycle::published(now),
            profile,
            digital,
        }
    }

    /// This SME with new content; refused once archived.
    pub fn revise(
        &self,
        profile: SmeProfile,
        now: time::OffsetDateTime,
    ) -> Result<Self, ValidationErrors> {
        let lifecycle = self.lifecycle.revised(now)?;
        let digital = profile.digital();
        Ok(Sme {
            id: self.id,
            owner: self.owner,
            lifecycle,
            profile,
            digital,
        })
    }

    pub fn archive(&self, now: time::OffsetDateTime) -> Self {
        Sme {
            lifecycle: self.lifecycle.archived(now),
            ..self.clone()
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::digital::DigitalLevel;

    pub fn raw() -> SmeRaw {
        SmeRaw {
            name: LocalizedTextRaw {
                en: Some("Sokha Cashew".into()),
                km: Some("ស្វាយចន្ទីសុខា".into()),
                ko: None,
            },
            description: LocalizedTextRaw {
                en: Some("Cashew processing in Kampong Thom".into()),
                ..Default::default()
            },
            sector_code: "1030".into(),
            secondary_sector_codes: vec!["0125".into(), "1030".into(), "0125".into()],
            province_code: "KH-6".into(),
            employees: Some(30),
            founded_year: Some(2015),
            capital_sought_min_usd: Some(50_000),
            capital_sought_max_usd: Some(200_000),
            partnership_types: vec![PartnershipType::Equity, PartnershipType::Equity],
            digital_indicators: vec![DigitalIndicator::SocialMedia, DigitalIndicator::EPayment],
            languages: vec!["km".into(), "EN".into()],
            contact: ContactRaw {
                email: Some("sokha@example.com".into()),
                ..Default::default()
            },
            visibility: None,
        }
    }

    pub fn ctx() -> ValidationContext {
        ValidationContext { current_year: 2026 }
    }

    #[test]
    fn valid_profile_is_normalised() {
        let p = SmeProfile::validate(raw(), &ctx()).unwrap();
        assert_eq!(p.secondary_sectors, vec![IsicClass::parse("0125").unwrap()]);
        assert_eq!(p.partnership_types, vec![PartnershipType::Equity]);
        assert_eq!(p.languages[1].as_str(), "en");
        assert_eq!(p.visibility, Visibility::Public);
        assert_eq!(p.digital().level, DigitalLevel::Basic);
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut r = raw();
        r.name = LocalizedTextRaw::default();
        r.sector_code = "9999".into();
        r.province_code = "KH-99".into();
        r.employees = Some(-3);
        r.founded_year = Some(1066);
        r.capital_sought_min_usd = Some(500);
        r.capital_sought_max_usd = Some(100);
        r.contact.email = Some("not-an-email".into());
        r.secondary_sector_codes = vec!["1030".into(), "10".into()];
        let err = SmeProfile::validate(r, &ctx()).unwrap_err();
        assert_eq!(
            err.fields(),
            vec![
                "input.name",
                "input.sectorCode",
                "input.secondarySectorCodes[1]",
                "input.provinceCode",
                "input.employees",
                "input.foundedYear",
                "input.capitalSoughtMinUsd",
                "input.contact.email",
            ]
        );
    }

    #[test]
    fn a_buddhist_era_year_is_told_apart() {
        assert_eq!(buddhist_era_years(2568, 2026), Some((2024, 2025)));
        // Only one of the two is past, for a BE year of this year.
        assert_eq!(buddhist_era_years(2570, 2026), Some((2026, 2026)));
        assert_eq!(buddhist_era_years(2015, 2026), None, "a common-era year");
        assert_eq!(
            buddhist_era_years(2400, 2026),
            None,
            "before 1900 either way"
        );
        assert_eq!(
            buddhist_era_years(2600, 2026),
            None,
            "later than this year either way"
        );
        let mut r = raw();
        r.founded_year = Some(2568);
        let ctx = ValidationContext { current_year: 2026 };
        let err = SmeProfile::validate(r, &ctx).unwrap_err();
        assert!(
            format!("{err:?}").contains("Buddhist era: 2024 or 2025"),
            "{err:?}"
        );
    }

    #[test]
    fn archived_profiles_cannot_be_revised() {
        let now = time::OffsetDateTime::UNIX_EPOCH;
        let p = SmeProfile::validate(raw(), &ctx()).unwrap();
        let sme = Sme::publish(ProfileId::new_v7(), None, p.clone(), now);
        let revised = sme.revise(p.clone(), now).unwrap();
        assert_eq!(revised.lifecycle.version, 2);
        let archived = revised.archive(now);
        assert!(archived.revise(p, now).is_err());
    }
}
