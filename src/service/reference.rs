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

/// The next `n` things to do that would raise a business's digital level, best first: the
/// questions not yet answered yes that the next level counts (intermediate tools for a basic
/// business, advanced ones for an intermediate one), then by points.
pub fn digital_next_steps(indicators: &[DigitalIndicator], n: usize) -> Vec<&'static Question> {
    use crate::domain::digital::DigitalLevel;
    let target = match assess(indicators).level {
        DigitalLevel::Basic => DigitalLevel::Intermediate,
        DigitalLevel::Intermediate | DigitalLevel::Advanced => DigitalLevel::Advanced,
    };
    let mut open: Vec<&'static Question> = QUESTIONNAIRE
        .iter()
        .filter(|q| !indicators.contains(&q.indicator))
        .collect();
    open.sort_by_key(|q| (q.tier != target, std::cmp::Reverse(q.points)));
    open.truncate(n);
    open
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::digital::{DigitalIndicator as I, DigitalLevel};

    #[test]
    fn next_steps_aim_at_the_next_level() {
        let basic = digital_next_steps(&[I::SocialMedia], 2);
        assert_eq!(basic.len(), 2);
        assert!(basic.iter().all(|q| q.tier == DigitalLevel::Intermediate));
        let mid = digital_next_steps(&[I::Website, I::AccountingSoftware], 2);
        assert!(mid.iter().all(|q| q.tier == DigitalLevel::Advanced));
        assert_eq!(mid[0].indicator, I::Erp, "the most points first");
        let all: Vec<_> = QUESTIONNAIRE.iter().map(|q| q.indicator).collect();
        assert!(digital_next_steps(&all, 2).is_empty());
    }
}
