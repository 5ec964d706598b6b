//! Flat records of database primitives, and their conversion to and from domain values.
//!
//! Shared by every backend: a row is the same set of columns in SQLite and PostgreSQL. Reading
//! back re-parses every code through the domain constructors, so a row edited by hand into
//! something invalid is reported as `Corrupt` instead of flowing on as a bad value.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::StoreError;
use crate::domain::contact::{Contact, Email, Phone, TelegramHandle};
use crate::domain::digital::{DigitalAssessment, DigitalIndicator, DigitalLevel};
use crate::domain::ids::ProfileId;
use crate::domain::investor::{Investor, InvestorProfile};
use crate::domain::money::UsdRange;
use crate::domain::profile::{
    IncentivePreference, LanguageCode, OrganizationType, PartnershipType, ProfileStatus, Visibility,
};
use crate::domain::province::ProvinceCode;
use crate::domain::sector::{IsicClass, IsicCode};
use crate::domain::sme::{Sme, SmeProfile};
use crate::domain::text::LocalizedText;
use crate::domain::Lifecycle;

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct SmeRecord {
    pub id: String,
    pub status: String,
    pub visibility: String,
    pub name_en: Option<String>,
    pub name_km: Option<String>,
    pub name_ko: Option<String>,
    pub description_en: Option<String>,
    pub description_km: Option<String>,
    pub description_ko: Option<String>,
    pub sector_code: String,
    pub secondary_sector_codes: String,
    pub province_code: String,
    pub employees: Option<i64>,
    pub founded_year: Option<i64>,
    pub capital_min_usd: Option<i64>,
    pub capital_max_usd: Option<i64>,
    pub partnership_types: String,
    pub digital_indicators: String,
    pub digital_level: String,
    pub digital_score: i64,
    pub languages: String,
    pub contact_person: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_telegram: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
    pub owner_id: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct InvestorRecord {
    pub id: String,
    pub status: String,
    pub name_en: Option<String>,
    pub name_km: Option<String>,
    pub name_ko: Option<String>,
    pub description_en: Option<String>,
    pub description_km: Option<String>,
    pub description_ko: Option<String>,
    pub organization_type: String,
    pub sector_interests: String,
    pub excluded_sectors: String,
    pub ticket_min_usd: Option<i64>,
    pub ticket_max_usd: Option<i64>,
    pub partnership_types: String,
    pub preferred_provinces: String,
    pub preferred_digital_levels: String,
    pub incentive_preferences: String,
    pub languages: String,
    pub contact_person: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_telegram: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
    pub owner_id: Option<String>,
}

/// Column lists in the order the backends bind them.
pub(crate) const SME_COLUMNS: [&str; 29] = [
    "id",
    "status",
    "visibility",
    "name_en",
    "name_km",
    "name_ko",
    "description_en",
    "description_km",
    "description_ko",
    "sector_code",
    "secondary_sector_codes",
    "province_code",
    "employees",
    "founded_year",
    "capital_min_usd",
    "capital_max_usd",
    "partnership_types",
    "digital_indicators",
    "digital_level",
    "digital_score",
    "languages",
    "contact_person",
    "contact_email",
    "contact_phone",
    "contact_telegram",
    "created_at",
    "updated_at",
    "version",
    "owner_id",
];

pub(crate) const INVESTOR_COLUMNS: [&str; 26] = [
    "id",
    "status",
    "name_en",
    "name_km",
    "name_ko",
    "description_en",
    "description_km",
    "description_ko",
    "organization_type",
    "sector_interests",
    "excluded_sectors",
    "ticket_min_usd",
    "ticket_max_usd",
    "partnership_types",
    "preferred_provinces",
    "preferred_digital_levels",
    "incentive_preferences",
    "languages",
    "contact_person",
    "contact_email",
    "contact_phone",
    "contact_telegram",
    "created_at",
    "updated_at",
    "version",
    "owner_id",
];

/// One value to bind, whatever the backend.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    Text(Option<String>),
    Int(Option<i64>),
}

fn text(s: impl Into<String>) -> Value {
    Value::Text(Some(s.into()))
}

fn opt_text(s: Option<&str>) -> Value {
    Value::Text(s.map(str::to_string))
}

fn json_list<'a>(items: impl IntoIterator<Item = &'a str>) -> Value {
    let v: Vec<&str> = items.into_iter().collect();
    // Serialising a list of strings cannot fail.
    text(serde_json::to_string(&v).unwrap_or_else(|_| "[]".into()))
}

pub fn timestamp(t: OffsetDateTime) -> String {
    // Every UTC OffsetDateTime within year 0–9999 formats as RFC 3339.
    t.format(&Rfc3339).unwrap_or_default()
}

/// Unix time in microseconds in a 64-bit integer, how the tables that compare times as numbers
/// store them (rate limits, replica positions, notices) on both backends.
pub(super) fn micros(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000).unwrap_or(i64::MAX)
}

/// The instant [`micros`] stored; `None` for a value no `OffsetDateTime` holds.
pub(super) fn from_micros(micros: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000).ok()
}

/// Values of an SME in [`SME_COLUMNS`] order.
pub(crate) fn sme_values(sme: &Sme) -> Vec<Value> {
    let owner = sme.owner;
    let p = &sme.profile;
    let lc = &sme.lifecycle;
    vec![
        text(sme.id.to_string()),
        text(lc.status.as_str()),
        text(p.visibility.as_str()),
        opt_text(p.name.en.as_deref()),
        opt_text(p.name.km.as_deref()),
        opt_text(p.name.ko.as_deref()),
        opt_text(p.description.en.as_deref()),
        opt_text(p.description.km.as_deref()),
        opt_text(p.description.ko.as_deref()),
        text(p.sector.as_str()),
        json_list(p.secondary_sectors.iter().map(IsicClass::as_str)),
        text(p.province.as_str()),
        Value::Int(p.employees.map(i64::from)),
        Value::Int(p.founded_year.map(i64::from)),
        Value::Int(p.capital_sought.min),
        Value::Int(p.capital_sought.max),
        json_list(p.partnership_types.iter().map(|t| t.as_str())),
        json_list(p.digital_indicators.iter().map(|t| t.as_str())),
        text(sme.digital.level.as_str()),
        Value::Int(Some(i64::from(sme.digital.score))),
        json_list(p.languages.iter().map(LanguageCode::as_str)),
        opt_text(p.contact.person.as_deref()),
        opt_text(p.contact.email.as_ref().map(Email::as_str)),
        opt_text(p.contact.phone.as_ref().map(Phone::as_str)),
        opt_text(p.contact.telegram.as_ref().map(TelegramHandle::as_str)),
        text(timestamp(lc.created_at)),
        text(timestamp(lc.updated_at)),
        Value::Int(Some(lc.version)),
        opt_text(owner.map(|o| o.to_string()).as_deref()),
    ]
}

/// Values of an investor in [`INVESTOR_COLUMNS`] order.
pub(crate) fn investor_values(inv: &Investor) -> Vec<Value> {
    let owner = inv.owner;
    let p = &inv.profile;
    let lc = &inv.lifecycle;
    vec![
        text(inv.id.to_string()),
        text(lc.status.as_str()),
        opt_text(p.name.en.as_deref()),
        opt_text(p.name.km.as_deref()),
        opt_text(p.name.ko.as_deref()),
        opt_text(p.description.en.as_deref()),
        opt_text(p.description.km.as_deref()),
        opt_text(p.description.ko.as_deref()),
        text(p.organization_type.as_str()),
        json_list(p.sector_interests.iter().map(IsicCode::as_str)),
        json_list(p.excluded_sectors.iter().map(IsicCode::as_str)),
        Value::Int(p.ticket.min),
        Value::Int(p.ticket.max),
        json_list(p.partnership_types.iter().map(|t| t.as_str())),
        json_list(p.preferred_provinces.iter().map(ProvinceCode::as_str)),
        json_list(p.preferred_digital_levels.iter().map(|l| l.as_str())),
        json_list(p.incentive_preferences.iter().map(|i| i.as_str())),
        json_list(p.languages.iter().map(LanguageCode::as_str)),
        opt_text(p.contact.person.as_deref()),
        opt_text(p.contact.email.as_ref().map(Email::as_str)),
        opt_text(p.contact.phone.as_ref().map(Phone::as_str)),
        opt_text(p.contact.telegram.as_ref().map(TelegramHandle::as_str)),
        text(timestamp(lc.created_at)),
        text(timestamp(lc.updated_at)),
        Value::Int(Some(lc.version)),
        opt_text(owner.map(|o| o.to_string()).as_deref()),
    ]
}

/// Decodes one row, turning any failure into [`StoreError::Corrupt`] naming the row.
struct Decoder {
    entity: &'static str,
    id: String,
}

impl Decoder {
    fn owner(&self, id: Option<&str>) -> Result<Option<ProfileId>, StoreError> {
        id.map(|s| self.parse("owner_id", ProfileId::parse(s)))
            .transpose()
    }

    fn corrupt(&self, reason: String) -> StoreError {
        StoreError::Corrupt {
            entity: self.entity,
            id: self.id.clone(),
            reason,
        }
    }

    fn parse<T>(&self, column: &str, r: Result<T, String>) -> Result<T, StoreError> {
        r.map_err(|e| self.corrupt(format!("{column}: {e}")))
    }

    fn vocab<T>(
        &self,
        column: &str,
        s: &str,
        parse: fn(&str) -> Option<T>,
    ) -> Result<T, StoreError> {
        parse(s).ok_or_else(|| self.corrupt(format!("{column}: unknown value {s:?}")))
    }

    fn list<T>(
        &self,
        column: &str,
        json: &str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Result<Vec<T>, StoreError> {
        let raw: Vec<String> = serde_json::from_str(json)
            .map_err(|e| self.corrupt(format!("{column}: not a JSON list of strings: {e}")))?;
        raw.iter().map(|s| self.parse(column, parse(s))).collect()
    }

    fn vocab_list<T>(
        &self,
        column: &str,
        json: &str,
        parse: fn(&str) -> Option<T>,
    ) -> Result<Vec<T>, StoreError> {
        self.list(column, json, |s| {
            parse(s).ok_or_else(|| format!("unknown value {s:?}"))
        })
    }

    fn time(&self, column: &str, s: &str) -> Result<OffsetDateTime, StoreError> {
        OffsetDateTime::parse(s, &Rfc3339).map_err(|e| self.corrupt(format!("{column}: {e}")))
    }

    fn lifecycle(
        &self,
        status: &str,
        created: &str,
        updated: &str,
        version: i64,
    ) -> Result<Lifecycle, StoreError> {
        Ok(Lifecycle {
            status: self.vocab("status", status, ProfileStatus::parse)?,
            created_at: self.time("created_at", created)?,
            updated_at: self.time("updated_at", updated)?,
            version,
        })
    }

    fn contact(
        &self,
        person: Option<String>,
        email: Option<String>,
        phone: Option<String>,
        telegram: Option<String>,
    ) -> Result<Contact, StoreError> {
        Ok(Contact {
            person,
            email: email
                .map(|e| self.parse("contact_email", Email::parse(&e)))
                .transpose()?,
            phone: phone
                .map(|p| self.parse("contact_phone", Phone::parse(&p)))
                .transpose()?,
            telegram: telegram
                .map(|t| self.parse("contact_telegram", TelegramHandle::parse(&t)))
                .transpose()?,
        })
    }

    fn text(
        &self,
        column: &str,
        en: Option<String>,
        km: Option<String>,
        ko: Option<String>,
    ) -> Result<LocalizedText, StoreError> {
        if en.is_none() && km.is_none() && ko.is_none() {
            return Err(self.corrupt(format!("{column}: no language present")));
        }
        Ok(LocalizedText { en, km, ko })
    }

    fn int<T: TryFrom<i64>>(&self, column: &str, v: Option<i64>) -> Result<Option<T>, StoreError> {
        v.map(|v| T::try_from(v).map_err(|_| self.corrupt(format!("{column}: {v} out of range"))))
            .transpose()
    }
}

impl SmeRecord {
    pub fn into_sme(self) -> Result<Sme, StoreError> {
        let d = Decoder {
            entity: "SME",
            id: self.id.clone(),
        };
        let id = d.parse("id", ProfileId::parse(&self.id))?;
        let profile = SmeProfile {
            name: d.text("name", self.name_en, self.name_km, self.name_ko)?,
            description: d.text(
                "description",
                self.description_en,
                self.description_km,
                self.description_ko,
            )?,
            sector: d.parse("sector_code", IsicClass::parse(&self.sector_code))?,
            secondary_sectors: d.list(
                "secondary_sector_codes",
                &self.secondary_sector_codes,
                IsicClass::parse,
            )?,
            province: d.parse("province_code", ProvinceCode::parse(&self.province_code))?,
            employees: d.int("employees", self.employees)?,
            founded_year: d.int("founded_year", self.founded_year)?,
            capital_sought: UsdRange::parse(self.capital_min_usd, self.capital_max_usd)
                .map_err(|(_, e)| d.corrupt(format!("capital: {e}")))?,
            partnership_types: d.vocab_list(
                "partnership_types",
                &self.partnership_types,
                PartnershipType::parse,
            )?,
            digital_indicators: d.vocab_list(
                "digital_indicators",
                &self.digital_indicators,
                DigitalIndicator::parse,
            )?,
            languages: d.list("languages", &self.languages, LanguageCode::parse)?,
            contact: d.contact(
                self.contact_person,
                self.contact_email,
                self.contact_phone,
                self.contact_telegram,
            )?,
            visibility: d.vocab("visibility", &self.visibility, Visibility::parse)?,
        };
        let digital = DigitalAssessment {
            level: d.vocab("digital_level", &self.digital_level, DigitalLevel::parse)?,
            score: d
                .int("digital_score", Some(self.digital_score))?
                .unwrap_or(0),
        };
        Ok(Sme {
            id,
            owner: d.owner(self.owner_id.as_deref())?,
            lifecycle: d.lifecycle(
                &self.status,
                &self.created_at,
                &self.updated_at,
                self.version,
            )?,
            profile,
            digital,
        })
    }
}

impl InvestorRecord {
    pub fn into_investor(self) -> Result<Investor, StoreError> {
        let d = Decoder {
            entity: "investor",
            id: self.id.clone(),
        };
        let id = d.parse("id", ProfileId::parse(&self.id))?;
        let profile = InvestorProfile {
            name: d.text("name", self.name_en, self.name_km, self.name_ko)?,
            description: d.text(
                "description",
                self.description_en,
                self.description_km,
                self.description_ko,
            )?,
            organization_type: d.vocab(
                "organization_type",
                &self.organization_type,
                OrganizationType::parse,
            )?,
            sector_interests: d.list(
                "sector_interests",
                &self.sector_interests,
                IsicCode::parse,
            )?,
            excluded_sectors: d.list(
                "excluded_sectors",
                &self.excluded_sectors,
                IsicCode::parse,
            )?,
            ticket: UsdRange::parse(self.ticket_min_usd, self.ticket_max_usd)
                .map_err(|(_, e)| d.corrupt(format!("ticket: {e}")))?,
            partnership_types: d.vocab_list(
                "partnership_types",
                &self.partnership_types,
                PartnershipType::parse,
            )?,
            preferred_provinces: d.list(
                "preferred_provinces",
                &self.preferred_provinces,
                ProvinceCode::parse,
            )?,
            preferred_digital_levels: d.vocab_list(
                "preferred_digital_levels",
                &self.preferred_digital_levels,
                DigitalLevel::parse,
            )?,
            incentive_preferences: d.vocab_list(
                "incentive_preferences",
                &self.incentive_preferences,
                IncentivePreference::parse,
            )?,
            languages: d.list("languages", &self.languages, LanguageCode::parse)?,
            contact: d.contact(
                self.contact_person,
                self.contact_email,
                self.contact_phone,
                self.contact_telegram,
            )?,
        };
        Ok(Investor {
            id,
            owner: d.owner(self.owner_id.as_deref())?,
            lifecycle: d.lifecycle(
                &self.status,
                &self.created_at,
                &self.updated_at,
                self.version,
            )?,
            profile,
        })
    }
}
