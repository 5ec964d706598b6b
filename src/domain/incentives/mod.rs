//! Investment incentives under Cambodia's Law on Investment (2021), Sub-Decree 139 (2023), the
//! SME scheme of Sub-Decree 124 (2018) and the CKFTA: would a project be a Qualified Investment
//! Project (QIP), and what would it get?
//!
//! The rules are data (`data/incentive_rules.json`, versioned, each rule with its source and
//! effective date); this module checks them ([`Rules::from_json`]) and interprets them. Nothing
//! here reads files: the server reads a `--rules` file and hands its text in.
//!
//! Two entry points:
//! - [`facts`] / [`facts_sme`]: numbers and flags only, a table lookup with no allocation, for
//!   the matching engine, which asks for every SME;
//! - [`assess`] / [`assess_sme`]: the same facts with reasons and sources in English, Khmer or
//!   Korean, for people.
//!
//! Every answer is indicative, not legal advice; the CDC decides.

mod assess;
mod facts;
mod file;
mod phrases;
mod rules;
mod vocab;

pub use assess::{assess, assess_sme, IncentiveAssessment, IncentiveInput, IncentiveInputRaw};
pub use facts::{facts, facts_sme, sme_export_oriented, sme_investment, IncentiveFacts};
pub use phrases::usd as format_usd;
pub use rules::{
    Ckfta, Customs, GroupActivity, NegativeRule, PostExemption, Provenance, Registration,
    RuleProblem, Rules, RulesError, RulesSummary, SectorRule, Sez, SezExample, SizeBand, SmeScheme,
    Source, TaxGroup, Texts, BUILTIN_JSON,
};
pub use vocab::{CustomsItem, CustomsScope, QipStatus, RegistrationBody, SmeSize};

#[cfg(test)]
mod tests;
