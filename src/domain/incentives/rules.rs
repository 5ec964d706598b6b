//! The compiled rules: parsed and checked once, then read-only.
//!
//! Loading resolves every ISIC code, province and source reference, and precomputes, for each of
//! the 419 ISIC classes, which rule decides it (the most specific listed code wins: class over
//! group over division over section). Assessing a project is then a table lookup, which is what
//! lets the matching engine ask for every SME.

use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

use time::Date;

use super::file::{self, RulesFile, SectorRuleFile, SourceFile, TextsFile};
use super::vocab::{CustomsItem, SmeSize};
use crate::domain::money::MAX_USD;
use crate::domain::province::ProvinceCode;
use crate::domain::sector::{isic, IsicClass, IsicCode, IsicLevel};
use crate::domain::text::Lang;

/// The rules shipped with the binary; `--rules FILE` replaces them without a rebuild.
pub const BUILTIN_JSON: &str = include_str!("../../../data/incentive_rules.json");

static BUILTIN: LazyLock<Rules> = LazyLock::new(|| {
    // Compiled-in data covered by unit tests: a failure here is a build defect.
    Rules::from_json(BUILTIN_JSON).expect("data/incentive_rules.json is valid")
});

/// Exemption years beyond this are a typing mistake (the longest group is 9 years).
const MAX_YEARS: i64 = 20;
/// Indices into rule lists are stored as `u8` in the per-class table.
const MAX_RULES_PER_LIST: usize = u8::MAX as usize;
/// ISIC classes are four digits, so a class indexes a table of this size directly.
const CLASS_SLOTS: usize = 10_000;
/// Province numbers run from 1 to 25; a little room for a future split.
const PROVINCE_SLOTS: usize = 32;

/// One text per product language; every rule text exists in all three.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Texts {
    pub en: String,
    pub km: String,
    pub ko: String,
}

impl Texts {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Km => &self.km,
            Lang::Ko => &self.ko,
        }
    }
}

/// A legal provision the rules cite.
#[derive(Debug, Clone)]
pub struct Source {
    pub id: String,
    /// When the instrument took effect.
    pub effective_date: Date,
    pub title: Texts,
}

/// Where a rule comes from and since when it applies.
#[derive(Debug, Clone)]
pub struct Provenance {
    /// Indices into [`Rules::sources`]; never empty.
    pub sources: Vec<usize>,
    pub effective_date: Date,
}

/// An activity that cannot be a QIP (Sub-Decree 139, Annex 1, Part 1).
#[derive(Debug, Clone)]
pub struct NegativeRule {
    pub id: String,
    pub activity: Texts,
    pub isic: Vec<IsicCode>,
    /// Codes deliberately left off (checked to be outside `isic`).
    pub not_covered: Vec<IsicCode>,
    pub provenance: Provenance,
}

/// A tax-exemption group: its years and the activities in it.
#[derive(Debug, Clone)]
pub struct TaxGroup {
    pub number: u8,
    pub years: u8,
    pub activities: Vec<GroupActivity>,
    pub provenance: Provenance,
}

/// An incentivised activity and the minimum investment that makes it a QIP.
#[derive(Debug, Clone)]
pub struct GroupActivity {
    pub id: String,
    pub activity: Texts,
    pub isic: Vec<IsicCode>,
    pub minimum_investment_usd: i64,
}

/// After the exemption: `(percent of the normal tax, years)` in order.
#[derive(Debug, Clone)]
pub struct PostExemption {
    pub steps: Vec<(u8, u8)>,
    pub provenance: Provenance,
}

/// A sector a legal text names in words, mapped by us to ISIC codes.
#[derive(Debug, Clone)]
pub struct SectorRule {
    pub id: String,
    pub activity: Texts,
    pub isic: Vec<IsicCode>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeBand {
    pub size: SmeSize,
    pub min_employees: u32,
    pub max_employees: u32,
}

/// The SME scheme of Sub-Decree 124 (2018).
#[derive(Debug, Clone)]
pub struct SmeScheme {
    pub sizes: Vec<SizeBand>,
    pub base_years: u8,
    pub extended_years: u8,
    /// Share of local raw materials (0..=1) that earns the extended years.
    pub local_raw_material_share_min: f64,
    /// Staff growth (0.2 = 20%) that earns the extended years.
    pub staff_growth_min: f64,
    /// Whether a place in an SME cluster earns the extended years.
    pub sme_cluster: bool,
    pub priority_sectors: Vec<SectorRule>,
    pub mapping_note: Texts,
    pub provenance: Provenance,
}

impl SmeScheme {
    pub fn size_of(&self, employees: u32) -> Option<SmeSize> {
        self.sizes
            .iter()
            .find(|b| (b.min_employees..=b.max_employees).contains(&employees))
            .map(|b| b.size)
    }

    /// Smallest and largest staff count the scheme covers.
    pub fn staff_range(&self) -> (u32, u32) {
        let lo = self.sizes.iter().map(|b| b.min_employees).min();
        let hi = self.sizes.iter().map(|b| b.max_employees).max();
        (lo.unwrap_or(0), hi.unwrap_or(0))
    }
}

#[derive(Debug, Clone)]
pub struct Customs {
    pub export_oriented: Vec<CustomsItem>,
    pub domestic_oriented: Vec<CustomsItem>,
    pub provenance: Provenance,
}

#[derive(Debug, Clone)]
pub struct Ckfta {
    pub export_fit: Vec<SectorRule>,
    pub mapping_note: Texts,
    pub provenance: Provenance,
}

#[derive(Debug, Clone)]
pub struct SezExample {
    pub id: String,
    pub name: Texts,
    pub province: ProvinceCode,
}

/// Special economic zones: examples with their provinces, not a complete list.
#[derive(Debug, Clone)]
pub struct Sez {
    pub examples: Vec<SezExample>,
    pub note: Texts,
    pub provenance: Provenance,
}

#[derive(Debug, Clone)]
pub struct Registration {
    /// From this investment the CDC registers the project; below it the PMIS.
    pub cdc_from_usd: i64,
    pub provenance: Provenance,
}

/// Which rule decides a class for the QIP question.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) enum Verdict {
    #[default]
    Unlisted,
    Negative(u8),
    Activity {
        group: u8,
        activity: u8,
    },
}

/// Everything about a class that does not depend on the project's size or place.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct ClassEntry {
    pub verdict: Verdict,
    pub sme_sector: Option<u8>,
    pub ckfta: Option<u8>,
}

/// A checked, versioned set of incentive rules.
#[derive(Debug, Clone)]
pub struct Rules {
    pub(super) version: String,
    pub(super) effective_date: Date,
    pub(super) indicative: bool,
    pub(super) caveat: Texts,
    pub(super) sources: Vec<Source>,
    pub(super) negative_mapping_note: Texts,
    pub(super) negative_list: Vec<NegativeRule>,
    pub(super) groups: Vec<TaxGroup>,
    pub(super) post_exemption: PostExemption,
    pub(super) sme: SmeScheme,
    pub(super) customs: Customs,
    pub(super) ckfta: Ckfta,
    pub(super) sez: Sez,
    pub(super) registration: Registration,
    /// Indexed by the class code read as a number (`"1079"` -> 1079).
    table: Box<[ClassEntry]>,
    /// Indexed by the number of an ISO 3166-2:KH code (`"KH-12"` -> 12).
    sez_provinces: [bool; PROVINCE_SLOTS],
}

/// One problem in a rules file, naming the rule (`negative_list/commerce`,
/// `tax_exemption/group 2/food-processing`, `sources/sd124`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleProblem {
    pub rule: String,
    pub message: String,
}

impl fmt::Display for RuleProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rule {}: {}", self.rule, self.message)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesError {
    /// Not JSON, or not the expected layout (serde names the line and column).
    #[error("not a valid rules file: {0}")]
    Syntax(String),
    /// Well-formed but wrong: every problem found, each naming its rule.
    #[error("{}", list_problems(.0))]
    Invalid(Vec<RuleProblem>),
}

impl RulesError {
    pub fn problems(&self) -> &[RuleProblem] {
        match self {
            RulesError::Syntax(_) => &[],
            RulesError::Invalid(p) => p,
        }
    }
}

fn list_problems(problems: &[RuleProblem]) -> String {
    let mut out = format!("{} problem(s) in the rules:", problems.len());
    for p in problems {
        out.push_str("\n  - ");
        out.push_str(&p.to_string());
    }
    out
}

impl Rules {
    /// Parses and checks a rules file, reporting every problem at once.
    pub fn from_json(json: &str) -> Result<Rules, RulesError> {
        let file: RulesFile =
            serde_json::from_str(json).map_err(|e| RulesError::Syntax(e.to_string()))?;
        let mut c = Compiler::default();
        let rules = c.compile(file);
        if c.problems.is_empty() {
            Ok(rules)
        } else {
            Err(RulesError::Invalid(c.problems))
        }
    }

    /// The compiled-in `data/incentive_rules.json`, parsed on first use.
    pub fn builtin() -> &'static Rules {
        &BUILTIN
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn effective_date(&self) -> Date {
        self.effective_date
    }

    /// True while the tables are our reading rather than a transcription of the annexes.
    pub fn indicative(&self) -> bool {
        self.indicative
    }

    pub fn caveat(&self, lang: Lang) -> &str {
        self.caveat.get(lang)
    }

    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    pub fn negative_list(&self) -> &[NegativeRule] {
        &self.negative_list
    }

    pub fn groups(&self) -> &[TaxGroup] {
        &self.groups
    }

    pub fn post_exemption(&self) -> &PostExemption {
        &self.post_exemption
    }

    pub fn sme_scheme(&self) -> &SmeScheme {
        &self.sme
    }

    pub fn customs(&self) -> &Customs {
        &self.customs
    }

    pub fn ckfta(&self) -> &Ckfta {
        &self.ckfta
    }

    pub fn sez(&self) -> &Sez {
        &self.sez
    }

    pub fn registration(&self) -> &Registration {
        &self.registration
    }

    /// The precomputed facts of a class; a class the table lacks (impossible for a parsed
    /// `IsicClass` of the compiled tree) reads as unlisted.
    pub(super) fn entry(&self, class: &IsicClass) -> ClassEntry {
        class_slot(class.as_str())
            .and_then(|i| self.table.get(i).copied())
            .unwrap_or_default()
    }

    /// Whether the province hosts one of the example SEZs.
    pub fn sez_province(&self, province: &ProvinceCode) -> bool {
        province_slot(province)
            .and_then(|i| self.sez_provinces.get(i).copied())
            .unwrap_or(false)
    }

    /// Counts by kind, for `khkr-match rules check` and start-up logs.
    pub fn summary(&self) -> RulesSummary {
        RulesSummary {
            version: self.version.clone(),
            effective_date: self.effective_date,
            indicative: self.indicative,
            sources: self.sources.len(),
            negative_list: self.negative_list.len(),
            groups: self
                .groups
                .iter()
                .map(|g| (g.number, g.years, g.activities.len()))
                .collect(),
            post_exemption_steps: self.post_exemption.steps.len(),
            sme_priority_sectors: self.sme.priority_sectors.len(),
            customs_scopes: 2,
            ckfta_export_fit: self.ckfta.export_fit.len(),
            sez_examples: self.sez.examples.len(),
            cdc_from_usd: self.registration.cdc_from_usd,
        }
    }
}

/// What a rules file holds, counted by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesSummary {
    pub version: String,
    pub effective_date: Date,
    pub indicative: bool,
    pub sources: usize,
    pub negative_list: usize,
    /// `(group, years, activities)`
    pub groups: Vec<(u8, u8, usize)>,
    pub post_exemption_steps: usize,
    pub sme_priority_sectors: usize,
    pub customs_scopes: usize,
    pub ckfta_export_fit: usize,
    pub sez_examples: usize,
    pub cdc_from_usd: i64,
}

impl fmt::Display for RulesSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.indicative {
            "indicative"
        } else {
            "transcribed"
        };
        writeln!(
            f,
            "version {}, effective {} ({kind})",
            self.version, self.effective_date
        )?;
        writeln!(f, "sources: {}", self.sources)?;
        writeln!(f, "negative list: {} rules", self.negative_list)?;
        for (group, years, activities) in &self.groups {
            writeln!(
                f,
                "tax-exemption group {group}: {years} years, {activities} activities"
            )?;
        }
        writeln!(f, "post-exemption steps: {}", self.post_exemption_steps)?;
        writeln!(
            f,
            "SME-scheme priority sectors: {}",
            self.sme_priority_sectors
        )?;
        writeln!(f, "customs scopes: {}", self.customs_scopes)?;
        writeln!(f, "CKFTA export-fit sectors: {}", self.ckfta_export_fit)?;
        writeln!(f, "SEZ examples: {}", self.sez_examples)?;
        write!(
            f,
            "registration: PMIS below USD {}, CDC from it",
            super::phrases::usd(self.cdc_from_usd)
        )
    }
}

/// `"1079"` -> 1079; anything but four ASCII digits -> `None`.
fn class_slot(code: &str) -> Option<usize> {
    let b = code.as_bytes();
    if b.len() != 4 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0usize, |n, d| n * 10 + usize::from(d - b'0')))
}

/// `"KH-12"` -> 12.
fn province_slot(p: &ProvinceCode) -> Option<usize> {
    p.as_str().strip_prefix("KH-")?.parse().ok()
}

/// Collects problems while turning the file into rules, so one run reports them all.
#[derive(Default)]
struct Compiler {
    problems: Vec<RuleProblem>,
    source_ids: HashMap<String, usize>,
    source_dates: Vec<Date>,
}

/// A placeholder for values that failed their check; never returned (the caller gets the errors).
fn epoch() -> Date {
    Date::MIN
}

impl Compiler {
    fn fail(&mut self, rule: &str, message: impl Into<String>) {
        self.problems.push(RuleProblem {
            rule: rule.to_string(),
            message: message.into(),
        });
    }

    fn compile(&mut self, f: RulesFile) -> Rules {
        if f.version.trim().is_empty() {
            self.fail("version", "must not be empty");
        }
        let effective_date = self.date("effective_date", &f.effective_date);
        let caveat = self.texts("caveat", "text", &f.caveat);
        let sources = self.sources(&f.sources);

        let negative_mapping_note = self.texts(
            "negative_list",
            "mapping_note",
            &f.negative_list.mapping_note,
        );
        let negative_list = self.negative_list(f.negative_list.rules);
        let groups = self.groups(f.tax_exemption.groups);
        let post_exemption = self.post_exemption(f.tax_exemption.post_exemption);
        let sme = self.sme_scheme(f.sme_scheme);
        let customs = self.customs(f.customs);
        let ckfta = self.ckfta(f.ckfta);
        let sez = self.sez(f.sez);
        let registration = self.registration(f.registration);

        let verdicts = self.verdicts(&negative_list, &groups);
        let sme_sectors = self.sector_index("sme_scheme/priority_sectors", &sme.priority_sectors);
        let ckfta_sectors = self.sector_index("ckfta/export_fit", &ckfta.export_fit);
        let table = build_table(&verdicts, &sme_sectors, &ckfta_sectors);
        let mut sez_provinces = [false; PROVINCE_SLOTS];
        for e in &sez.examples {
            if let Some(slot) = province_slot(&e.province).filter(|&i| i < PROVINCE_SLOTS) {
                sez_provinces[slot] = true;
            }
        }
        Rules {
            version: f.version.trim().to_string(),
            effective_date,
            indicative: f.indicative,
            caveat,
            sources,
            negative_mapping_note,
            negative_list,
            groups,
            post_exemption,
            sme,
            customs,
            ckfta,
            sez,
            registration,
            table,
            sez_provinces,
        }
    }

    fn date(&mut self, rule: &str, s: &str) -> Date {
        match parse_date(s) {
            Ok(d) => d,
            Err(e) => {
                self.fail(rule, format!("effective_date {s:?}: {e}"));
                epoch()
            }
        }
    }

    fn texts(&mut self, rule: &str, what: &str, t: &TextsFile) -> Texts {
        for (lang, text) in [("en", &t.en), ("km", &t.km), ("ko", &t.ko)] {
            if text.trim().is_empty() {
                self.fail(rule, format!("{what} lacks its {lang} text"));
            } else if text.chars().any(char::is_control) {
                self.fail(
                    rule,
                    format!("{what} ({lang}) contains a control character"),
                );
            }
        }
        Texts {
            en: t.en.trim().to_string(),
            km: t.km.trim().to_string(),
            ko: t.ko.trim().to_string(),
        }
    }

    fn sources(&mut self, files: &[SourceFile]) -> Vec<Source> {
        let mut out = Vec::with_capacity(files.len());
        if files.is_empty() {
            self.fail("sources", "no legal sources listed");
        }
        for (i, s) in files.iter().enumerate() {
            let rule = rule_name("sources", i, &s.id);
            if s.id.trim().is_empty() {
                self.fail(&rule, "missing id");
            } else if self.source_ids.insert(s.id.clone(), i).is_some() {
                self.fail(&rule, format!("id {:?} is used twice", s.id));
            }
            let effective_date = self.date(&rule, &s.effective_date);
            let title = TextsFile {
                en: s.en.clone(),
                km: s.km.clone(),
                ko: s.ko.clone(),
            };
            let title = self.texts(&rule, "title", &title);
            self.source_dates.push(effective_date);
            out.push(Source {
                id: s.id.clone(),
                effective_date,
                title,
            });
        }
        out
    }

    /// Resolves source ids and the rule's date; a rule cannot apply before its source does.
    fn provenance(&mut self, rule: &str, sources: &[String], date: &str) -> Provenance {
        let effective_date = self.date(rule, date);
        if sources.is_empty() {
            self.fail(rule, "names no legal source");
        }
        let mut ids = Vec::with_capacity(sources.len());
        for s in sources {
            match self.source_ids.get(s) {
                Some(&i) => {
                    let source_date = self.source_dates[i];
                    if effective_date != epoch() && effective_date < source_date {
                        self.fail(
                            rule,
                            format!(
                                "effective_date {effective_date} is before its source {s:?} took effect ({source_date})"
                            ),
                        );
                    }
                    ids.push(i);
                }
                None => self.fail(rule, format!("unknown source {s:?}")),
            }
        }
        Provenance {
            sources: ids,
            effective_date,
        }
    }

    /// Exact ISIC codes that exist in the compiled tree, without repeats.
    fn codes(
        &mut self,
        rule: &str,
        field: &str,
        codes: &[String],
        required: bool,
    ) -> Vec<IsicCode> {
        if required && codes.is_empty() {
            self.fail(rule, format!("{field} lists no ISIC code"));
        }
        let mut out: Vec<IsicCode> = Vec::with_capacity(codes.len());
        for code in codes {
            // Exact spelling only: a lower-case section letter would be a silent normalisation.
            match IsicCode::parse(code) {
                Ok(c) if c.as_str() == code => {
                    if out.contains(&c) {
                        self.fail(rule, format!("{field} lists ISIC {code} twice"));
                    } else {
                        out.push(c);
                    }
                }
                _ => self.fail(rule, format!("{field}: {code:?} is not an ISIC Rev.4 code")),
            }
        }
        out
    }

    fn check_ids<'a>(&mut self, list: &str, ids: impl Iterator<Item = &'a str>) {
        let mut seen: Vec<&str> = Vec::new();
        for (i, id) in ids.enumerate() {
            if id.trim().is_empty() {
                self.fail(&format!("{list}[{i}]"), "missing id");
            } else if seen.contains(&id) {
                self.fail(&format!("{list}/{id}"), "id is used twice");
            }
            seen.push(id);
        }
    }

    fn check_len(&mut self, list: &str, len: usize) {
        if len > MAX_RULES_PER_LIST {
            self.fail(
                list,
                format!("{len} entries; at most {MAX_RULES_PER_LIST} are supported"),
            );
        }
    }

    fn years(&mut self, rule: &str, field: &str, years: i64) -> u8 {
        if (1..=MAX_YEARS).contains(&years) {
            years as u8
        } else {
            self.fail(
                rule,
                format!("{field} must be between 1 and {MAX_YEARS} (got {years})"),
            );
            0
        }
    }

    fn negative_list(&mut self, files: Vec<file::NegativeRuleFile>) -> Vec<NegativeRule> {
        self.check_len("negative_list", files.len());
        self.check_ids("negative_list", files.iter().map(|r| r.id.as_str()));
        let mut out = Vec::with_capacity(files.len());
        for (i, r) in files.into_iter().enumerate() {
            let rule = rule_name("negative_list", i, &r.id);
            let activity = self.texts(&rule, "activity", &r.activity);
            let isic = self.codes(&rule, "isic", &r.isic, true);
            let not_covered = self.codes(&rule, "not_covered", &r.not_covered, false);
            for nc in &not_covered {
                if let Some(c) = isic.iter().find(|c| covers(c, nc.as_str())) {
                    self.fail(
                        &rule,
                        format!(
                            "not_covered lists ISIC {} but isic lists {}, which covers it",
                            nc.as_str(),
                            c.as_str()
                        ),
                    );
                }
            }
            let provenance = self.provenance(&rule, &r.sources, &r.effective_date);
            out.push(NegativeRule {
                id: r.id,
                activity,
                isic,
                not_covered,
                provenance,
            });
        }
        out
    }

    fn groups(&mut self, files: Vec<file::GroupFile>) -> Vec<TaxGroup> {
        if files.is_empty() {
            self.fail("tax_exemption/groups", "no tax-exemption group listed");
        }
        self.check_len("tax_exemption/groups", files.len());
        let mut numbers = Vec::new();
        let mut out = Vec::with_capacity(files.len());
        for g in files {
            let rule = format!("tax_exemption/group {}", g.group);
            let number = if (1..=9).contains(&g.group) {
                g.group as u8
            } else {
                self.fail(
                    &rule,
                    format!("group must be between 1 and 9 (got {})", g.group),
                );
                0
            };
            if numbers.contains(&g.group) {
                self.fail(&rule, "group number is used twice");
            }
            numbers.push(g.group);
            let years = self.years(&rule, "years", g.years);
            let provenance = self.provenance(&rule, &g.sources, &g.effective_date);
            if g.activities.is_empty() {
                self.fail(&rule, "lists no activity");
            }
            self.check_len(&rule, g.activities.len());
            self.check_ids(&rule, g.activities.iter().map(|a| a.id.as_str()));
            let mut activities = Vec::with_capacity(g.activities.len());
            for (i, a) in g.activities.into_iter().enumerate() {
                let arule = rule_name(&rule, i, &a.id);
                let activity = self.texts(&arule, "activity", &a.activity);
                let isic = self.codes(&arule, "isic", &a.isic, true);
                if !(1..=MAX_USD).contains(&a.minimum_investment_usd) {
                    self.fail(
                        &arule,
                        format!(
                            "minimum_investment_usd must be between 1 and {MAX_USD} (got {})",
                            a.minimum_investment_usd
                        ),
                    );
                }
                activities.push(GroupActivity {
                    id: a.id,
                    activity,
                    isic,
                    minimum_investment_usd: a.minimum_investment_usd,
                });
            }
            out.push(TaxGroup {
                number,
                years,
                activities,
                provenance,
            });
        }
        out
    }

    fn post_exemption(&mut self, f: file::PostExemptionFile) -> PostExemption {
        let rule = "tax_exemption/post_exemption";
        let provenance = self.provenance(rule, &f.sources, &f.effective_date);
        let mut steps = Vec::with_capacity(f.steps.len());
        let mut last = 0;
        for (i, s) in f.steps.iter().enumerate() {
            let srule = format!("{rule}/steps[{i}]");
            if !(1..=99).contains(&s.percent_of_normal_tax) {
                self.fail(
                    &srule,
                    format!(
                        "percent_of_normal_tax must be between 1 and 99 (got {})",
                        s.percent_of_normal_tax
                    ),
                );
            } else if s.percent_of_normal_tax <= last {
                self.fail(&srule, "percentages must rise from step to step");
            }
            last = s.percent_of_normal_tax;
            let years = self.years(&srule, "years", s.years);
            steps.push((s.percent_of_normal_tax.clamp(0, 99) as u8, years));
        }
        PostExemption { steps, provenance }
    }

    fn sector_rules(&mut self, list: &str, files: Vec<SectorRuleFile>) -> Vec<SectorRule> {
        self.check_len(list, files.len());
        self.check_ids(list, files.iter().map(|r| r.id.as_str()));
        let mut out = Vec::with_capacity(files.len());
        for (i, r) in files.into_iter().enumerate() {
            let rule = rule_name(list, i, &r.id);
            let activity = self.texts(&rule, "activity", &r.activity);
            let isic = self.codes(&rule, "isic", &r.isic, true);
            out.push(SectorRule {
                id: r.id,
                activity,
                isic,
            });
        }
        out
    }

    fn sme_scheme(&mut self, f: file::SmeSchemeFile) -> SmeScheme {
        let rule = "sme_scheme";
        let provenance = self.provenance(rule, &f.sources, &f.effective_date);
        let mapping_note = self.texts(rule, "mapping_note", &f.mapping_note);
        if f.sizes.is_empty() {
            self.fail(rule, "lists no size class");
        }
        let mut sizes: Vec<SizeBand> = Vec::with_capacity(f.sizes.len());
        for (i, s) in f.sizes.iter().enumerate() {
            let srule = format!("{rule}/sizes[{i}]");
            let Some(size) = SmeSize::parse(&s.size) else {
                self.fail(
                    &srule,
                    format!("size {:?} is neither SMALL nor MEDIUM", s.size),
                );
                continue;
            };
            if !(1..=100_000).contains(&s.min_employees) || s.max_employees < s.min_employees {
                self.fail(
                    &srule,
                    format!(
                        "staff range {}..={} is not a range of positive counts",
                        s.min_employees, s.max_employees
                    ),
                );
                continue;
            }
            let band = SizeBand {
                size,
                min_employees: s.min_employees as u32,
                max_employees: s.max_employees.min(100_000) as u32,
            };
            if let Some(other) = sizes.iter().find(|b| {
                b.min_employees <= band.max_employees && band.min_employees <= b.max_employees
            }) {
                self.fail(
                    &srule,
                    format!(
                        "staff range overlaps {}..={}",
                        other.min_employees, other.max_employees
                    ),
                );
            }
            if sizes.iter().any(|b| b.size == size) {
                self.fail(&srule, format!("size {} is listed twice", s.size));
            }
            sizes.push(band);
        }
        let base_years = self.years(rule, "base_years", f.base_years);
        let extended_years = self.years(rule, "extended_years", f.extended_years);
        if extended_years < base_years {
            self.fail(rule, "extended_years must not be below base_years");
        }
        let share = f.extension.local_raw_material_share_min;
        if !(share > 0.0 && share <= 1.0) {
            self.fail(
                rule,
                format!("extension.local_raw_material_share_min must be in (0, 1] (got {share})"),
            );
        }
        let growth = f.extension.staff_growth_min;
        if !(growth > 0.0 && growth <= 10.0) {
            self.fail(
                rule,
                format!("extension.staff_growth_min must be in (0, 10] (got {growth})"),
            );
        }
        let priority_sectors = self.sector_rules("sme_scheme/priority_sectors", f.priority_sectors);
        if priority_sectors.is_empty() {
            self.fail(rule, "lists no priority sector");
        }
        SmeScheme {
            sizes,
            base_years,
            extended_years,
            local_raw_material_share_min: share,
            staff_growth_min: growth,
            sme_cluster: f.extension.sme_cluster,
            priority_sectors,
            mapping_note,
            provenance,
        }
    }

    fn customs_items(&mut self, rule: &str, field: &str, items: &[String]) -> Vec<CustomsItem> {
        if items.is_empty() {
            self.fail(rule, format!("{field} lists no item"));
        }
        let mut out = Vec::with_capacity(items.len());
        for s in items {
            match CustomsItem::parse(s) {
                Some(i) if out.contains(&i) => self.fail(rule, format!("{field} lists {s} twice")),
                Some(i) => out.push(i),
                None => self.fail(
                    rule,
                    format!(
                        "{field}: {s:?} is not PRODUCTION_EQUIPMENT, CONSTRUCTION_MATERIALS or PRODUCTION_INPUTS"
                    ),
                ),
            }
        }
        out
    }

    fn customs(&mut self, f: file::CustomsFile) -> Customs {
        let rule = "customs";
        let provenance = self.provenance(rule, &f.sources, &f.effective_date);
        let export_oriented = self.customs_items(rule, "export_oriented", &f.export_oriented);
        let domestic_oriented = self.customs_items(rule, "domestic_oriented", &f.domestic_oriented);
        Customs {
            export_oriented,
            domestic_oriented,
            provenance,
        }
    }

    fn ckfta(&mut self, f: file::CkftaFile) -> Ckfta {
        let rule = "ckfta";
        let provenance = self.provenance(rule, &f.sources, &f.effective_date);
        let mapping_note = self.texts(rule, "mapping_note", &f.mapping_note);
        let export_fit = self.sector_rules("ckfta/export_fit", f.export_fit);
        Ckfta {
            export_fit,
            mapping_note,
            provenance,
        }
    }

    fn sez(&mut self, f: file::SezFile) -> Sez {
        let rule = "sez";
        let provenance = self.provenance(rule, &f.sources, &f.effective_date);
        let note = self.texts(rule, "note", &f.note);
        self.check_ids("sez/examples", f.examples.iter().map(|e| e.id.as_str()));
        let mut examples = Vec::with_capacity(f.examples.len());
        for (i, e) in f.examples.into_iter().enumerate() {
            let erule = rule_name("sez/examples", i, &e.id);
            let name = self.texts(&erule, "name", &e.name);
            match ProvinceCode::parse(&e.province) {
                Ok(province) => examples.push(SezExample {
                    id: e.id,
                    name,
                    province,
                }),
                Err(msg) => self.fail(&erule, msg),
            }
        }
        Sez {
            examples,
            note,
            provenance,
        }
    }

    fn registration(&mut self, f: file::RegistrationFile) -> Registration {
        let rule = "registration";
        let provenance = self.provenance(rule, &f.sources, &f.effective_date);
        if !(1..=MAX_USD).contains(&f.cdc_from_usd) {
            self.fail(
                rule,
                format!(
                    "cdc_from_usd must be between 1 and {MAX_USD} (got {})",
                    f.cdc_from_usd
                ),
            );
        }
        Registration {
            cdc_from_usd: f.cdc_from_usd,
            provenance,
        }
    }

    /// Every code of the negative list and the groups, each in exactly one rule: a code in two
    /// rules would make the answer depend on file order.
    fn verdicts(
        &mut self,
        negative: &[NegativeRule],
        groups: &[TaxGroup],
    ) -> HashMap<String, (Verdict, String)> {
        let mut map: HashMap<String, (Verdict, String)> = HashMap::new();
        let mut add = |c: &mut Self, code: &IsicCode, verdict: Verdict, rule: String| {
            if let Some((_, first)) = map.get(code.as_str()) {
                c.fail(
                    &rule,
                    format!("ISIC {} is already listed in {first}", code.as_str()),
                );
            } else {
                map.insert(code.as_str().to_string(), (verdict, rule));
            }
        };
        for (i, r) in negative.iter().enumerate() {
            for code in &r.isic {
                add(
                    self,
                    code,
                    Verdict::Negative(i as u8),
                    format!("negative_list/{}", r.id),
                );
            }
        }
        for (gi, g) in groups.iter().enumerate() {
            for (ai, a) in g.activities.iter().enumerate() {
                let verdict = Verdict::Activity {
                    group: gi as u8,
                    activity: ai as u8,
                };
                for code in &a.isic {
                    let rule = format!("tax_exemption/group {}/{}", g.number, a.id);
                    add(self, code, verdict, rule);
                }
            }
        }
        map
    }

    fn sector_index(&mut self, list: &str, rules: &[SectorRule]) -> HashMap<String, u8> {
        let mut map: HashMap<String, u8> = HashMap::new();
        for (i, r) in rules.iter().enumerate() {
            for code in &r.isic {
                if map.insert(code.as_str().to_string(), i as u8).is_some() {
                    self.fail(
                        &format!("{list}/{}", r.id),
                        format!("ISIC {} is already listed in another entry", code.as_str()),
                    );
                }
            }
        }
        map
    }
}

/// Whether `code` is `ancestor` or lies under it in the ISIC tree.
fn covers(ancestor: &IsicCode, code: &str) -> bool {
    isic()
        .lineage(code)
        .iter()
        .any(|n| n.code == ancestor.as_str())
}

/// For each class, the first listed code on its way up to the section decides.
fn build_table(
    verdicts: &HashMap<String, (Verdict, String)>,
    sme: &HashMap<String, u8>,
    ckfta: &HashMap<String, u8>,
) -> Box<[ClassEntry]> {
    let mut table = vec![ClassEntry::default(); CLASS_SLOTS].into_boxed_slice();
    for node in isic().all().iter().filter(|n| n.level == IsicLevel::Class) {
        let Some(slot) = class_slot(&node.code) else {
            continue;
        };
        let lineage = isic().lineage(&node.code);
        table[slot] = ClassEntry {
            verdict: lineage
                .iter()
                .find_map(|n| verdicts.get(&n.code).map(|v| v.0))
                .unwrap_or_default(),
            sme_sector: lineage.iter().find_map(|n| sme.get(&n.code).copied()),
            ckfta: lineage.iter().find_map(|n| ckfta.get(&n.code).copied()),
        };
    }
    table
}

/// `list/id`, or `list[i]` when the id is missing.
fn rule_name(list: &str, i: usize, id: &str) -> String {
    if id.trim().is_empty() {
        format!("{list}[{i}]")
    } else {
        format!("{list}/{id}")
    }
}

/// Strict `YYYY-MM-DD` within 1990..=2100 (the rules are about laws from 1994 on).
fn parse_date(s: &str) -> Result<Date, String> {
    let parts: Vec<&str> = s.split('-').collect();
    let shape_ok = parts.len() == 3
        && [4, 2, 2]
            .iter()
            .zip(&parts)
            .all(|(n, p)| p.len() == *n && p.bytes().all(|b| b.is_ascii_digit()));
    if !shape_ok {
        return Err("not a date in YYYY-MM-DD form".into());
    }
    let num = |p: &str| p.parse::<i32>().map_err(|e| e.to_string());
    let (y, m, d) = (num(parts[0])?, num(parts[1])?, num(parts[2])?);
    if !(1990..=2100).contains(&y) {
        return Err(format!("year {y} is outside 1990..=2100"));
    }
    let month = time::Month::try_from(m as u8).map_err(|_| format!("no month {m}"))?;
    Date::from_calendar_date(y, month, d as u8).map_err(|_| format!("no day {d} in that month"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin_value() -> serde_json::Value {
        serde_json::from_str(BUILTIN_JSON).unwrap()
    }

    fn problems_of(v: serde_json::Value) -> Vec<RuleProblem> {
        match Rules::from_json(&v.to_string()) {
            Ok(_) => panic!("accepted an invalid rules file"),
            Err(e) => e.problems().to_vec(),
        }
    }

    fn has(problems: &[RuleProblem], rule: &str, needle: &str) -> bool {
        problems
            .iter()
            .any(|p| p.rule == rule && p.message.contains(needle))
    }

    #[test]
    fn builtin_rules_load_with_their_counts() {
        let r = Rules::builtin();
        assert!(r.indicative());
        assert_eq!(r.version(), "2025.1");
        let s = r.summary();
        assert_eq!(s.negative_list, 11);
        assert_eq!(
            s.groups.iter().map(|g| (g.0, g.1)).collect::<Vec<_>>(),
            vec![(1, 9), (2, 6), (3, 3)]
        );
        assert_eq!(r.post_exemption().steps, vec![(25, 2), (50, 2), (75, 2)]);
        assert_eq!(r.registration().cdc_from_usd, 5_000_000);
        assert!(s.to_string().contains("negative list: 11 rules"));
        for lang in Lang::ALL {
            assert!(!r.caveat(lang).is_empty());
        }
    }

    #[test]
    fn sez_provinces_are_the_examples() {
        let r = Rules::builtin();
        for (code, yes) in [
            ("KH-12", true),
            ("KH-18", true),
            ("KH-1", true),
            ("KH-20", true),
            ("KH-9", true),
            ("KH-6", false),
        ] {
            assert_eq!(
                r.sez_province(&ProvinceCode::parse(code).unwrap()),
                yes,
                "{code}"
            );
        }
    }

    #[test]
    fn most_specific_code_wins() {
        let r = Rules::builtin();
        let v = |c: &str| r.entry(&IsicClass::parse(c).unwrap()).verdict;
        // 1610 is under division 16 (group 3) but listed itself on the negative list.
        assert!(matches!(v("1610"), Verdict::Negative(_)));
        assert!(matches!(v("1621"), Verdict::Activity { .. }));
        // Rail stays off the negative list; 4921 (urban passenger transport) is on it.
        assert_eq!(v("4911"), Verdict::Unlisted);
        assert_eq!(v("4912"), Verdict::Unlisted);
        assert!(matches!(v("4921"), Verdict::Negative(_)));
        // Tobacco is not food: negative list, no group.
        assert!(matches!(v("1200"), Verdict::Negative(_)));
    }

    #[test]
    fn syntax_errors_name_the_place() {
        let e = Rules::from_json("{ \"version\": ").unwrap_err();
        assert!(matches!(e, RulesError::Syntax(_)));
        assert!(e.to_string().contains("line 1"), "{e}");
        let mut v = builtin_value();
        v["surprise"] = serde_json::json!(1);
        let e = Rules::from_json(&v.to_string()).unwrap_err();
        assert!(e.to_string().contains("surprise"), "{e}");
    }

    #[test]
    fn unknown_isic_code_names_the_rule() {
        let mut v = builtin_value();
        v["negative_list"]["rules"][0]["isic"][0] = "4X".into();
        let p = problems_of(v);
        assert!(
            has(
                &p,
                "negative_list/commerce",
                "\"4X\" is not an ISIC Rev.4 code"
            ),
            "{p:?}"
        );
    }

    #[test]
    fn code_on_negative_list_and_in_a_group_is_refused() {
        let mut v = builtin_value();
        v["tax_exemption"]["groups"][1]["activities"][0]["isic"]
            .as_array_mut()
            .unwrap()
            .push("1200".into());
        let p = problems_of(v);
        assert!(
            has(
                &p,
                "tax_exemption/group 2/food-processing",
                "ISIC 1200 is already listed in negative_list/tobacco"
            ),
            "{p:?}"
        );
    }

    #[test]
    fn bad_province_texts_sources_and_numbers_are_each_named() {
        let mut v = builtin_value();
        v["sez"]["examples"][0]["province"] = "KH-99".into();
        v["negative_list"]["rules"][2]["activity"]["km"] = "".into();
        v["negative_list"]["rules"][3]["sources"] = serde_json::json!([]);
        v["negative_list"]["rules"][4]["sources"] = serde_json::json!(["sd999"]);
        v["tax_exemption"]["groups"][0]["years"] = 90.into();
        v["tax_exemption"]["groups"][2]["activities"][2]["minimum_investment_usd"] = (-5).into();
        v["sme_scheme"]["extension"]["local_raw_material_share_min"] = 1.5.into();
        v["customs"]["export_oriented"][0] = "CARS".into();
        v["registration"]["effective_date"] = "2023-02-30".into();
        let p = problems_of(v);
        assert!(has(&p, "sez/examples/phnom-penh-sez", "KH-99"), "{p:?}");
        assert!(
            has(&p, "negative_list/gambling", "lacks its km text"),
            "{p:?}"
        );
        assert!(
            has(&p, "negative_list/finance", "names no legal source"),
            "{p:?}"
        );
        assert!(
            has(&p, "negative_list/real-estate", "unknown source \"sd999\""),
            "{p:?}"
        );
        assert!(
            has(
                &p,
                "tax_exemption/group 1",
                "years must be between 1 and 20"
            ),
            "{p:?}"
        );
        assert!(
            has(&p, "tax_exemption/group 3/hotels", "minimum_investment_usd"),
            "{p:?}"
        );
        assert!(
            has(&p, "sme_scheme", "local_raw_material_share_min"),
            "{p:?}"
        );
        assert!(has(&p, "customs", "\"CARS\""), "{p:?}");
        assert!(has(&p, "registration", "no day 30"), "{p:?}");
        let e = Rules::from_json(&serde_json::Value::Null.to_string());
        assert!(e.is_err());
    }

    #[test]
    fn structural_mistakes_are_refused() {
        let mut v = builtin_value();
        v["tax_exemption"]["groups"][1]["group"] = 1.into();
        v["negative_list"]["rules"][1]["id"] = "commerce".into();
        v["negative_list"]["rules"][7]["not_covered"] = serde_json::json!(["4922"]);
        v["sme_scheme"]["sizes"][1]["min_employees"] = 40.into();
        v["tax_exemption"]["post_exemption"]["steps"][2]["percent_of_normal_tax"] = 10.into();
        v["ckfta"]["export_fit"][1]["isic"] = serde_json::json!(["01"]);
        v["sources"][0]["effective_date"] = "2030-01-01".into();
        let p = problems_of(v);
        assert!(has(&p, "tax_exemption/group 1", "used twice"), "{p:?}");
        assert!(
            has(&p, "negative_list/commerce", "id is used twice"),
            "{p:?}"
        );
        assert!(
            has(&p, "negative_list/transport-services", "covers it"),
            "{p:?}"
        );
        assert!(has(&p, "sme_scheme/sizes[1]", "overlaps"), "{p:?}");
        assert!(
            has(&p, "tax_exemption/post_exemption/steps[2]", "rise"),
            "{p:?}"
        );
        assert!(
            has(&p, "ckfta/export_fit/processed-foods", "ISIC 01"),
            "{p:?}"
        );
        assert!(
            has(&p, "sez", "before its source \"loi-2021-art24\""),
            "{p:?}"
        );
    }

    #[test]
    fn dates_are_strict() {
        assert!(parse_date("2023-06-26").is_ok());
        for bad in ["2023-6-26", "26/06/2023", "1900-01-01", "2023-13-01", ""] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }
}
