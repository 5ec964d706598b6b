//! The full answer for one project: the facts plus reasons and sources in the asker's language.

use super::facts::{facts, sme_export_oriented, sme_investment, IncentiveFacts};
use super::phrases;
use super::rules::{Rules, Texts, Verdict};
use super::vocab::{CustomsItem, QipStatus, RegistrationBody, SmeSize};
use crate::domain::money::MAX_USD;
use crate::domain::province::ProvinceCode;
use crate::domain::sector::IsicClass;
use crate::domain::sme::{SmeProfile, MAX_EMPLOYEES};
use crate::domain::text::Lang;
use crate::domain::validation::{Checker, ValidationErrors};

/// A project to assess, hypothetical or an SME's.
#[derive(Debug, Clone, PartialEq)]
pub struct IncentiveInput {
    pub sector: IsicClass,
    pub province: Option<ProvinceCode>,
    pub investment_usd: Option<i64>,
    pub employees: Option<u32>,
    pub export_oriented: bool,
    pub in_sez: bool,
    /// Share of local raw materials, 0..=1.
    pub local_raw_material_share: Option<f64>,
}

/// An assessment request as a client sends it, before any check.
#[derive(Debug, Clone, Default)]
pub struct IncentiveInputRaw {
    pub sector_code: String,
    pub province_code: Option<String>,
    pub investment_usd: Option<i64>,
    pub employees: Option<i64>,
    pub export_oriented: Option<bool>,
    pub in_sez: Option<bool>,
    pub local_raw_material_share: Option<f64>,
}

impl IncentiveInput {
    /// Checks every field, naming each failure as `input.<field>`.
    pub fn validate(raw: IncentiveInputRaw) -> Result<Self, ValidationErrors> {
        let mut c = Checker::new("input");
        let sector = c.check("sectorCode", IsicClass::parse(&raw.sector_code));
        let province = c.check(
            "provinceCode",
            raw.province_code
                .as_deref()
                .map(ProvinceCode::parse)
                .transpose(),
        );
        let investment_usd = c.check("investmentUsd", investment(raw.investment_usd));
        let employees = c.check("employees", employees(raw.employees));
        let share = c.check("localRawMaterialShare", share(raw.local_raw_material_share));
        c.finish(|| IncentiveInput {
            // `finish` only calls this when every check above succeeded.
            sector: sector.expect("checked"),
            province: province.expect("checked"),
            investment_usd: investment_usd.expect("checked"),
            employees: employees.expect("checked"),
            export_oriented: raw.export_oriented.unwrap_or(false),
            in_sez: raw.in_sez.unwrap_or(false),
            local_raw_material_share: share.expect("checked"),
        })
    }
}

fn investment(usd: Option<i64>) -> Result<Option<i64>, String> {
    match usd {
        Some(v) if v < 0 => Err(format!("must not be negative (got {v})")),
        Some(v) if v > MAX_USD => Err(format!("must be at most {MAX_USD} USD (got {v})")),
        other => Ok(other),
    }
}

fn employees(n: Option<i64>) -> Result<Option<u32>, String> {
    match n {
        None => Ok(None),
        Some(n) if (0..=MAX_EMPLOYEES).contains(&n) => Ok(Some(n as u32)),
        Some(n) => Err(format!("must be between 0 and {MAX_EMPLOYEES} (got {n})")),
    }
}

fn share(s: Option<f64>) -> Result<Option<f64>, String> {
    match s {
        Some(v) if !(0.0..=1.0).contains(&v) => Err(format!(
            "is a share between 0 and 1, e.g. 0.6 for 60% (got {v})"
        )),
        other => Ok(other),
    }
}

/// What the Law on Investment (2021) and related texts would give a project, with reasons.
#[derive(Debug, Clone, PartialEq)]
pub struct IncentiveAssessment {
    pub qip_status: QipStatus,
    pub qip_eligible: bool,
    pub negative_list: bool,
    /// The tax-exemption group of the activity, whatever the project's size.
    pub group: Option<u8>,
    /// The rule's name of the activity, in the requested language.
    pub activity: Option<String>,
    /// QIP income-tax exemption; only when QIP-eligible.
    pub tax_holiday_years: Option<u8>,
    pub minimum_investment_usd: Option<i64>,
    /// `(percent of the normal tax, years)` after the exemption; only when QIP-eligible.
    pub post_exemption_steps: Vec<(u8, u8)>,
    pub customs: Vec<CustomsItem>,
    pub sme_size: Option<SmeSize>,
    /// SME-scheme exemption, the extended years when a known condition earns them.
    pub sme_scheme_years: Option<u8>,
    pub ckfta_export_fit: bool,
    /// The project is in a special economic zone (as the asker says).
    pub sez_location: bool,
    /// The province hosts one of the example zones.
    pub sez_province: bool,
    pub registration_body: Option<RegistrationBody>,
    pub reasons: Vec<String>,
    /// Titles of the legal sources behind the reasons, in the requested language.
    pub sources: Vec<String>,
    /// Caveats of the tables the reasons used: ISIC mappings that are ours, SEZ lists that are
    /// examples.
    pub notes: Vec<String>,
    pub caveat: String,
    pub indicative: bool,
    pub rules_version: String,
}

/// Assesses one project.
pub fn assess(rules: &Rules, input: &IncentiveInput, lang: Lang) -> IncentiveAssessment {
    let f = facts(
        rules,
        &input.sector,
        input.province.as_ref(),
        input.investment_usd,
        input.employees,
        input.export_oriented,
    );
    explain(rules, &f, input, lang)
}

/// Assesses an SME's project: the capital it seeks (the maximum, else the minimum) as the
/// investment, export-oriented when it seeks export-market access, and not in an SEZ (profiles
/// do not record zones). For ranking, [`super::facts_sme`] gives the same numbers without text.
pub fn assess_sme(rules: &Rules, sme: &SmeProfile, lang: Lang) -> IncentiveAssessment {
    let input = IncentiveInput {
        sector: sme.sector.clone(),
        province: Some(sme.province.clone()),
        investment_usd: sme_investment(sme),
        employees: sme.employees,
        export_oriented: sme_export_oriented(sme),
        in_sez: false,
        local_raw_material_share: None,
    };
    assess(rules, &input, lang)
}

/// Collects sentences and the sources behind them.
struct Answer<'r> {
    rules: &'r Rules,
    lang: Lang,
    reasons: Vec<String>,
    sources: Vec<usize>,
    notes: Vec<&'r Texts>,
}

impl<'r> Answer<'r> {
    fn say(&mut self, reason: String, sources: &[usize]) {
        self.reasons.push(reason);
        for s in sources {
            if !self.sources.contains(s) {
                self.sources.push(*s);
            }
        }
    }

    fn note(&mut self, note: &'r Texts) {
        if !self.notes.iter().any(|n| std::ptr::eq(*n, note)) {
            self.notes.push(note);
        }
    }

    fn source_titles(&self) -> Vec<String> {
        self.sources
            .iter()
            .map(|&i| self.rules.sources[i].title.get(self.lang).to_string())
            .collect()
    }
}

fn explain(
    rules: &Rules,
    f: &IncentiveFacts,
    input: &IncentiveInput,
    lang: Lang,
) -> IncentiveAssessment {
    let mut a = Answer {
        rules,
        lang,
        reasons: Vec::with_capacity(8),
        sources: Vec::with_capacity(8),
        notes: Vec::with_capacity(4),
    };
    let activity = qip_reasons(&mut a, f, input);
    let customs = customs_reason(&mut a, f);
    let sme_scheme_years = sme_reason(&mut a, f, input);
    if f.qip == QipStatus::BelowMinimum && sme_scheme_years.is_none() {
        a.say(phrases::no_holiday(lang), &[]);
    }
    if let Some(i) = f.entry.ckfta {
        let fit = &rules.ckfta.export_fit[usize::from(i)];
        a.say(
            phrases::ckfta(lang, fit.activity.get(lang)),
            &rules.ckfta.provenance.sources,
        );
        a.note(&rules.ckfta.mapping_note);
    }
    sez_reason(&mut a, f, input);
    if let Some(body) = f.registration {
        let reg = &rules.registration;
        a.say(
            phrases::registration(lang, body, reg.cdc_from_usd),
            &reg.provenance.sources,
        );
    }
    let sources = a.source_titles();
    let notes = a.notes.iter().map(|n| n.get(lang).to_string()).collect();
    IncentiveAssessment {
        qip_status: f.qip,
        qip_eligible: f.qip_eligible,
        negative_list: f.negative_list,
        group: f.group,
        activity,
        tax_holiday_years: f.tax_holiday_years,
        minimum_investment_usd: f.minimum_investment_usd,
        post_exemption_steps: if f.qip_eligible {
            rules.post_exemption.steps.clone()
        } else {
            Vec::new()
        },
        customs,
        sme_size: f.sme_size,
        sme_scheme_years,
        ckfta_export_fit: f.ckfta_export_fit,
        sez_location: input.in_sez,
        sez_province: f.sez_province,
        registration_body: f.registration,
        reasons: a.reasons,
        sources,
        notes,
        caveat: rules.caveat(lang).to_string(),
        indicative: rules.indicative,
        rules_version: rules.version.clone(),
    }
}

/// The QIP verdict and, when eligible, the exemption; returns the activity's name.
fn qip_reasons(a: &mut Answer<'_>, f: &IncentiveFacts, input: &IncentiveInput) -> Option<String> {
    let (rules, lang) = (a.rules, a.lang);
    let code = input.sector.as_str();
    if !matches!(f.entry.verdict, Verdict::Activity { .. }) {
        // Both "on the list" and "not on it" rest on our ISIC reading of the list.
        a.note(&rules.negative_mapping_note);
    }
    match f.entry.verdict {
        Verdict::Negative(i) => {
            let rule = &rules.negative_list[usize::from(i)];
            let name = rule.activity.get(lang);
            a.say(
                phrases::negative(lang, code, name),
                &rule.provenance.sources,
            );
            Some(name.to_string())
        }
        Verdict::Activity { group, activity } => {
            let g = &rules.groups[usize::from(group)];
            let act = &g.activities[usize::from(activity)];
            let name = act.activity.get(lang);
            let min = act.minimum_investment_usd;
            let reason = match (f.qip, input.investment_usd) {
                (QipStatus::Eligible, Some(inv)) => {
                    phrases::eligible(lang, code, name, g.number, inv, min)
                }
                (QipStatus::BelowMinimum, Some(inv)) => {
                    phrases::below_minimum(lang, code, name, g.number, inv, min, g.years)
                }
                _ => phrases::investment_unknown(lang, code, name, g.number, min, g.years),
            };
            a.say(reason, &g.provenance.sources);
            if f.qip_eligible {
                let post = &rules.post_exemption;
                a.say(
                    phrases::holiday(lang, g.years, &post.steps),
                    &post.provenance.sources,
                );
            }
            Some(name.to_string())
        }
        Verdict::Unlisted => {
            // "In no group and not on the list" is a statement about both tables.
            let mut cited: Vec<usize> = Vec::new();
            for p in rules
                .groups
                .iter()
                .map(|g| &g.provenance)
                .chain(rules.negative_list.iter().map(|r| &r.provenance))
            {
                cited.extend(&p.sources);
            }
            a.say(phrases::ask_cdc(lang, code), &cited);
            None
        }
    }
}

fn customs_reason(a: &mut Answer<'_>, f: &IncentiveFacts) -> Vec<CustomsItem> {
    let Some(scope) = f.customs else {
        return Vec::new();
    };
    let c = &a.rules.customs;
    let items = match scope {
        super::vocab::CustomsScope::ExportOriented => c.export_oriented.clone(),
        super::vocab::CustomsScope::DomesticOriented => c.domestic_oriented.clone(),
    };
    a.say(
        phrases::customs(a.lang, scope, &items),
        &c.provenance.sources,
    );
    items
}

/// The SME-scheme sentence; returns the years that apply with what is known.
fn sme_reason(a: &mut Answer<'_>, f: &IncentiveFacts, input: &IncentiveInput) -> Option<u8> {
    let (sme, lang) = (&a.rules.sme, a.lang);
    let sources = &sme.provenance.sources;
    a.note(&sme.mapping_note);
    let Some(i) = f.entry.sme_sector else {
        a.say(
            phrases::sme_not_priority(lang, input.sector.as_str()),
            sources,
        );
        return None;
    };
    let sector = sme.priority_sectors[usize::from(i)].activity.get(lang);
    let share_pct = percent(sme.local_raw_material_share_min);
    let conditions = phrases::sme_conditions(
        lang,
        share_pct,
        percent(sme.staff_growth_min),
        sme.sme_cluster,
    );
    match (f.sme_size, input.employees) {
        (Some(size), Some(staff)) => {
            let local = input.local_raw_material_share;
            let extended = local.is_some_and(|s| s >= sme.local_raw_material_share_min);
            if extended {
                let actual = percent(local.unwrap_or(0.0));
                let text = phrases::sme_extended(
                    lang,
                    size,
                    staff,
                    sector,
                    sme.extended_years,
                    actual,
                    share_pct,
                );
                a.say(text, sources);
                Some(sme.extended_years)
            } else {
                let text = phrases::sme_fits(
                    lang,
                    size,
                    staff,
                    sector,
                    sme.base_years,
                    sme.extended_years,
                    &conditions,
                );
                a.say(text, sources);
                Some(sme.base_years)
            }
        }
        (None, Some(staff)) => {
            a.say(
                phrases::sme_wrong_size(lang, staff, sme.staff_range()),
                sources,
            );
            None
        }
        (_, None) => {
            let text = phrases::sme_staff_unknown(
                lang,
                sector,
                sme.staff_range(),
                sme.base_years,
                sme.extended_years,
                &conditions,
            );
            a.say(text, sources);
            None
        }
    }
}

fn sez_reason(a: &mut Answer<'_>, f: &IncentiveFacts, input: &IncentiveInput) {
    let (sez, lang) = (&a.rules.sez, a.lang);
    if input.in_sez {
        a.say(phrases::in_sez(lang), &sez.provenance.sources);
        a.note(&sez.note);
    } else if let (true, Some(p)) = (f.sez_province, input.province.as_ref()) {
        let zones: Vec<String> = sez
            .examples
            .iter()
            .filter(|e| e.province == *p)
            .map(|e| e.name.get(lang).to_string())
            .collect();
        let province = p.province();
        let name = match lang {
            Lang::En => &province.name_en,
            Lang::Km => &province.name_km,
            Lang::Ko => &province.name_ko,
        };
        a.say(
            phrases::sez_province(lang, name, &zones),
            &sez.provenance.sources,
        );
        a.note(&sez.note);
    }
}

/// `0.6` -> `60`.
fn percent(share: f64) -> u32 {
    (share * 100.0).round().clamp(0.0, 1000.0) as u32
}
