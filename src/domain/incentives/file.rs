//! The layout of `data/incentive_rules.json`, exactly as written: plain strings and numbers that
//! [`super::rules`] checks and compiles. Texts, ids and source lists default to empty so that a
//! missing one is reported by validation, naming its rule, rather than as a bare JSON error.

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RulesFile {
    pub version: String,
    pub effective_date: String,
    pub indicative: bool,
    #[serde(default)]
    pub caveat: TextsFile,
    pub sources: Vec<SourceFile>,
    pub negative_list: NegativeListFile,
    pub tax_exemption: TaxExemptionFile,
    pub sme_scheme: SmeSchemeFile,
    pub customs: CustomsFile,
    pub ckfta: CkftaFile,
    pub sez: SezFile,
    pub registration: RegistrationFile,
}

/// One text in each of the product's languages.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TextsFile {
    #[serde(default)]
    pub en: String,
    #[serde(default)]
    pub km: String,
    #[serde(default)]
    pub ko: String,
}

/// A citable legal provision; rules refer to it by `id`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SourceFile {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub effective_date: String,
    #[serde(default)]
    pub en: String,
    #[serde(default)]
    pub km: String,
    #[serde(default)]
    pub ko: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct NegativeListFile {
    #[serde(default)]
    pub mapping_note: TextsFile,
    pub rules: Vec<NegativeRuleFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct NegativeRuleFile {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub activity: TextsFile,
    #[serde(default)]
    pub isic: Vec<String>,
    /// Codes a reader might expect here that the rule deliberately leaves out (rail among
    /// transport services); checked, so the note cannot drift from the codes.
    #[serde(default)]
    pub not_covered: Vec<String>,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub effective_date: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TaxExemptionFile {
    pub groups: Vec<GroupFile>,
    pub post_exemption: PostExemptionFile,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct GroupFile {
    pub group: i64,
    pub years: i64,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub effective_date: String,
    pub activities: Vec<GroupActivityFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct GroupActivityFile {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub activity: TextsFile,
    #[serde(default)]
    pub isic: Vec<String>,
    pub minimum_investment_usd: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PostExemptionFile {
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub effective_date: String,
    pub steps: Vec<StepFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct StepFile {
    pub percent_of_normal_tax: i64,
    pub years: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SmeSchemeFile {
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub effective_date: String,
    #[serde(default)]
    pub mapping_note: TextsFile,
    pub sizes: Vec<SizeFile>,
    pub base_years: i64,
    pub extended_years: i64,
    pub extension: ExtensionFile,
    pub priority_sectors: Vec<SectorRuleFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SizeFile {
    pub size: String,
    pub min_employees: i64,
    pub max_employees: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ExtensionFile {
    pub local_raw_material_share_min: f64,
    pub staff_growth_min: f64,
    pub sme_cluster: bool,
}

/// A sector named in words by a legal text and mapped by us to ISIC codes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SectorRuleFile {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub activity: TextsFile,
    #[serde(default)]
    pub isic: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CustomsFile {
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub effective_date: String,
    pub export_oriented: Vec<String>,
    pub domestic_oriented: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CkftaFile {
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub effective_date: String,
    #[serde(default)]
    pub mapping_note: TextsFile,
    pub export_fit: Vec<SectorRuleFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SezFile {
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub effective_date: String,
    #[serde(default)]
    pub note: TextsFile,
    pub examples: Vec<SezExampleFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SezExampleFile {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: TextsFile,
    #[serde(default)]
    pub province: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RegistrationFile {
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub effective_date: String,
    pub cdc_from_usd: i64,
}
