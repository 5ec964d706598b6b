//! The two self-service checks: what the investment law would give a project, and how digital
//! a business is. Both are GET forms (bookmarkable, no state changes), so they work without
//! JavaScript and need no CSRF field; the digital check also accepts a POST (a form posted by
//! an older page) and redirects it to the same answer as a GET.

use askama::Template;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::Response;

use super::public::{level_explain, level_name, province_name, Opt};
use super::{query_string, see_other, Chrome, Form, Section, Web};
use crate::domain::digital::{DigitalIndicator, ADVANCED_MIN, INTERMEDIATE_MIN};
use crate::domain::incentives::{format_usd, IncentiveInputRaw, QipStatus};
use crate::domain::sector::{isic, IsicLevel};
use crate::domain::text::Lang;
use crate::service::{self, reference};

pub struct Group {
    pub label: String,
    pub options: Vec<SectorOpt>,
}

/// An activity of the sector list.
pub struct SectorOpt {
    pub value: String,
    /// Name in the page language, after its code but on Khmer pages.
    pub label: String,
    pub selected: bool,
    /// Its name in the other two languages, lower-cased, for the finder: an owner on the Khmer
    /// page who types "sugar" finds 1072 too.
    pub alt: String,
}

pub struct Outcome {
    pub status: String,
    pub ok: bool,
    pub highlights: Vec<String>,
    pub reasons: Vec<String>,
    pub sources: Vec<String>,
    pub notes: Vec<String>,
    pub caveat: String,
}

#[derive(Template)]
#[template(path = "incentives.html")]
struct IncentivesPage {
    c: Chrome,
    action: String,
    sectors: Vec<Group>,
    provinces: Vec<Opt>,
    investment: String,
    /// People working in the business, as typed: the scheme for small and medium businesses
    /// (Sub-Decree 124) depends on it (QA: the answer asked for it and the form had no field).
    employees: String,
    exports: bool,
    errors: Vec<(String, String)>,
    sector_error: Option<String>,
    province_error: Option<String>,
    investment_error: Option<String>,
    employees_error: Option<String>,
    outcome: Option<Outcome>,
}

/// Every ISIC class as an option, grouped by section, named in the page language.
pub fn sector_groups(tr: super::i18n::Tr, sector: &str) -> Vec<Group> {
    let mut sectors = Vec::new();
    for section in isic().children(None) {
        let mut options = Vec::new();
        let mut stack: Vec<&str> = vec![section.code.as_str()];
        while let Some(code) = stack.pop() {
            let kids: Vec<_> = isic().children(Some(code)).collect();
            for k in kids.iter().rev() {
                if k.level == IsicLevel::Class {
                    continue;
                }
                stack.push(k.code.as_str());
            }
            for k in kids {
                if k.level == IsicLevel::Class {
                    let alt: Vec<String> = Lang::ALL
                        .iter()
                        .filter(|l| **l != tr.lang)
                        .map(|l| k.name(*l).to_lowercase())
                        .collect();
                    let name = super::public::sector_name(tr, &k.code);
                    options.push(SectorOpt {
                        selected: k.code == sector,
                        // Khmer pages name the activity alone (QA: a shop owner read "1079" as
                        // part of the name, and the codes say nothing to her), as their reasons
                        // do; Korean and English keep the code for analysts and staff. The
                        // finder still finds an activity by its code.
                        label: if tr.lang == Lang::Km {
                            name
                        } else {
                            format!("{} {name}", k.code)
                        },
                        value: k.code.clone(),
                        alt: alt.join(" | "),
                    });
                }
            }
        }
        options.sort_by(|a, b| a.value.cmp(&b.value));
        sectors.push(Group {
            label: super::public::sector_name(tr, &section.code),
            options,
        });
    }
    sectors
}

/// The activity finders' words, as JSON (see `assets::ACTIVITY_WORDS`): each concept of
/// `matching::activities` with all its forms, lower-cased as the finder compares them, and the
/// classes that deal in it.
pub fn activity_words_json() -> String {
    let glossary = crate::matching::glossary::glossary();
    let mut rows: Vec<[String; 2]> = crate::matching::activities::activities()
        .rows()
        .filter_map(|(index, classes)| {
            let concept = glossary.concept(index)?;
            let forms: Vec<String> = [&concept.en, &concept.km, &concept.ko]
                .into_iter()
                .flatten()
                .map(|f| f.to_lowercase())
                .collect();
            Some([forms.join(" | "), classes.join(" ")])
        })
        .collect();
    // Each class by its own title in the three languages, so the mandate form's sector tree
    // finds a division by its classes' titles without carrying them in the page (in all three
    // languages they weighed 100 KB of it).
    let isic = crate::domain::sector::isic();
    rows.extend(
        isic.all()
            .iter()
            .filter(|n| n.level == crate::domain::sector::IsicLevel::Class)
            .map(|n| {
                let titles: Vec<String> = Lang::ALL
                    .iter()
                    .map(|l| n.name(*l).to_lowercase())
                    .collect();
                [titles.join(" | "), n.code.clone()]
            }),
    );
    serde_json::to_string(&rows).unwrap_or_else(|_| "[]".to_string())
}

fn qip_key(s: QipStatus) -> &'static str {
    match s {
        QipStatus::Eligible => "qip-eligible",
        QipStatus::BelowMinimum => "qip-below_minimum",
        QipStatus::InvestmentUnknown => "qip-investment_unknown",
        QipStatus::NegativeList => "qip-negative_list",
        QipStatus::AskCdc => "qip-ask_cdc",
    }
}

pub async fn incentives(w: Web) -> Response {
    let tr = w.tr;
    let form = w.query_form();
    let sector = form.get("sector").unwrap_or("").to_string();
    let province = form.get("province").unwrap_or("").to_string();
    let investment = form.get("investment").unwrap_or("").trim().to_string();
    let employees = form.get("employees").unwrap_or("").trim().to_string();
    let exports = form.get("exports").is_some();

    let sectors = sector_groups(tr, &sector);
    let mut provinces = vec![Opt {
        value: String::new(),
        label: tr.t("incentives-province-unknown"),
        selected: province.is_empty(),
    }];
    provinces.extend(reference::provinces().iter().map(|p| Opt {
        selected: p.iso == province,
        label: province_name(tr, &p.iso),
        value: p.iso.clone(),
    }));
    let mut page = IncentivesPage {
        c: w.chrome(tr.t("incentives-title"), Section::Incentives),
        action: w.href("/incentives"),
        sectors,
        provinces,
        investment: investment.clone(),
        employees: employees.clone(),
        exports,
        errors: vec![],
        sector_error: None,
        province_error: None,
        investment_error: None,
        employees_error: None,
        outcome: None,
    };
    if form.get("sector").is_none() && form.0.is_empty() {
        return w.page(StatusCode::OK, &page);
    }
    let investment_usd = super::refusals::amount(tr, Some(investment.as_str()));
    let mut status = StatusCode::OK;
    if let Err(message) = &investment_usd {
        page.investment_error = Some(message.clone());
    }
    // Read as the wizard reads it (១២ នាក់, 12명), with the wizard's message when it is no
    // whole number of people.
    let employees_read = super::refusals::employees(tr, Some(employees.as_str()));
    page.employees_error = employees_read.as_ref().err().cloned();
    let raw = IncentiveInputRaw {
        sector_code: sector.clone(),
        province_code: (!province.is_empty()).then(|| province.clone()),
        investment_usd: investment_usd.as_ref().ok().copied().flatten(),
        employees: employees_read.ok().flatten(),
        export_oriented: Some(exports),
        ..Default::default()
    };
    // Assessed even when the amount is unreadable, so every bad field is named at once.
    match service::incentives::assess(&w.app, raw, w.lang) {
        Ok(a) if investment_usd.is_ok() && page.employees_error.is_none() => {
            let mut highlights = Vec::new();
            if let Some(y) = a.tax_holiday_years {
                highlights.push(tr.t1("incentives-tax-holiday", "years", y));
            }
            if let Some(m) = a.minimum_investment_usd {
                highlights.push(tr.t1("incentives-minimum", "amount", format_usd(m)));
            }
            page.outcome = Some(Outcome {
                status: tr.t(qip_key(a.qip_status)),
                ok: a.qip_eligible,
                highlights,
                reasons: a.reasons,
                sources: a.sources,
                notes: a.notes,
                caveat: a.caveat,
            });
        }
        Ok(_) => {}
        Err(service::ServiceError::BadInput(errors)) => {
            for e in &errors.0 {
                match e.field.as_str() {
                    "input.sectorCode" => page.sector_error = Some(tr.t("error-sector")),
                    "input.provinceCode" => page.province_error = Some(tr.t("error-province")),
                    // Read above within the domain's bound: named there if at all.
                    "input.employees" => {}
                    _ => page.investment_error = Some(tr.t("error-investment")),
                }
            }
        }
        Err(e) => return w.service_error(e),
    }
    for (id, e) in [
        ("sector", &page.sector_error),
        ("province", &page.province_error),
        ("investment", &page.investment_error),
        ("employees", &page.employees_error),
    ] {
        if let Some(e) = e {
            page.errors.push((id.to_string(), e.clone()));
            status = StatusCode::UNPROCESSABLE_ENTITY;
        }
    }
    w.page(status, &page)
}

// ---------------------------------------------------------------------------------------------
// Digital self-check

pub struct Question {
    pub code: &'static str,
    pub id: String,
    pub text: String,
    pub example: String,
    pub points: u32,
    pub tier: &'static str,
    pub checked: bool,
}

pub struct DigitalResult {
    pub level: String,
    pub explain: String,
    pub score: String,
    pub percent: u32,
    pub next: Vec<String>,
}

#[derive(Template)]
#[template(path = "digital.html")]
struct DigitalPage {
    c: Chrome,
    action: String,
    questions: Vec<Question>,
    min_intermediate: usize,
    min_advanced: usize,
    level_names: String,
    result: Option<DigitalResult>,
}

/// The level names in the page language, as JSON for the live score's script.
pub fn level_names(tr: super::i18n::Tr) -> String {
    use crate::domain::digital::DigitalLevel as L;
    serde_json::json!({
        "BASIC": level_name(tr, L::Basic),
        "INTERMEDIATE": level_name(tr, L::Intermediate),
        "ADVANCED": level_name(tr, L::Advanced),
    })
    .to_string()
}

fn question_text(q: &crate::domain::digital::Question, lang: Lang) -> &'static str {
    match lang {
        Lang::En => q.en,
        Lang::Km => q.km,
        Lang::Ko => q.ko,
    }
}

pub async fn digital(w: Web) -> Response {
    let tr = w.tr;
    let form = w.query_form();
    let chosen: Vec<DigitalIndicator> = form
        .all("q")
        .into_iter()
        .filter_map(DigitalIndicator::parse)
        .collect();
    let questions = reference::questionnaire()
        .iter()
        .map(|q| Question {
            code: q.code,
            id: format!("q-{}", q.code.to_ascii_lowercase()),
            text: question_text(q, w.lang).to_string(),
            example: tr.t(&format!("digital-example-{}", q.code.to_ascii_lowercase())),
            points: q.points,
            tier: q.tier.as_str(),
            checked: chosen.contains(&q.indicator),
        })
        .collect();
    let result = form.get("done").or(form.get("q")).map(|_| {
        let a = reference::assess_digital(&chosen);
        // Worded as what to do ("Take payment by KHQR…"), not as the question it answers.
        let next = reference::digital_next_steps(&chosen, 2)
            .into_iter()
            .map(|q| tr.t(&format!("digital-step-{}", q.code.to_ascii_lowercase())))
            .collect();
        DigitalResult {
            level: tr.t1("digital-level-is", "level", level_name(tr, a.level)),
            explain: level_explain(tr, a.level, a.score),
            score: tr.t1("digital-score", "score", a.score),
            percent: a.score.min(100),
            next,
        }
    });
    let page = DigitalPage {
        c: w.chrome(tr.t("digital-title"), Section::Digital),
        action: w.href("/digital-check"),
        questions,
        min_intermediate: INTERMEDIATE_MIN,
        min_advanced: ADVANCED_MIN,
        level_names: level_names(tr),
        result,
    };
    w.page(StatusCode::OK, &page)
}

/// A POSTed questionnaire: the same answer as a GET, by redirect (so reload is harmless).
pub async fn digital_post(w: Web, body: Bytes) -> Response {
    let form = Form::parse(&body);
    let pairs: Vec<(&str, &str)> = form
        .all("q")
        .into_iter()
        .map(|v| ("q", v))
        .chain(std::iter::once(("done", "1")))
        .collect();
    see_other(&format!(
        "{}{}#result",
        w.href("/digital-check"),
        query_string(pairs)
    ))
}
