//! What Cambodia's Law on Investment (2021) would give a project, by the rules in force.

use super::error::ServiceResult;
use crate::app::App;
use crate::domain::incentives::{
    assess as assess_rules, IncentiveAssessment, IncentiveInput, IncentiveInputRaw,
};
use crate::domain::text::Lang;

/// Checks the project's description and assesses it; reasons and sources in `lang`.
pub fn assess(app: &App, raw: IncentiveInputRaw, lang: Lang) -> ServiceResult<IncentiveAssessment> {
    let input = IncentiveInput::validate(raw)?;
    Ok(assess_rules(&app.rules, &input, lang))
}
