//! Reference data: the ISIC Rev.4 tree, Cambodia's provinces, the digital questionnaire.

use super::error::{ServiceError, ServiceResult};
use crate::domain::digital::{
    assess, DigitalAssessment, DigitalIndicator, Question, QUESTIONNAIRE,
};
use crate::domain::province::{provinces as all_provinces, Province};
use crate::domain::sector::{isic, IsicCode, IsicNode};

/// The 21 sections without `parent`, else the children of `parent` (empty for a class).
pub fn sectors(parent: Option<&str>) -> ServiceResult<Vec<&'static IsicNode>> {
    let parent = parent
        .map(|p| IsicCode::parse(p).map_err(|e| ServiceError::bad_input("parent", e)))
        .transpose()?;
    Ok(isic()
        .children(parent.as_ref().map(IsicCode::as_str))
        .collect())
}

/// One node of the tree by code (any level); `None` when unknown or malformed.
pub fn sector(code: &str) -> Option<&'static IsicNode> {
    IsicCode::parse(code)
        .ok()
        .and_then(|c| isic().get(c.as_str()))
}

/// Cambodia's 25 provinces (capital included).
pub fn provinces() -> &'static [Province] {
    all_provinces()
}

/// The digital-maturity questionnaire.
pub fn questionnaire() -> &'static [Question] {
    &QUESTIONNAIRE
}

/// The level and score a set of answers would get, without publishing.
pub fn assess_digital(indicators: &[DigitalIndicator]) -> DigitalAssessment {
    assess(indicators)
}

/// The questionnaire's scoring rule in words, in a language.
pub fn questionnaire_rule(lang: crate::domain::text::Lang) -> String {
    crate::domain::digital::rule_text(lang)
}
