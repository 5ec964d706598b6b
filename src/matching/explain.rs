//! A pair's score as the weighted sum of its features, with a reason per feature in the
//! caller's language. Contributions sum to the score.

use super::features::{
    digital_fit, incentive_fit, incentive_in_sector, location_fit, partnership_fit,
    partnership_mask, sector_fit, ticket_fit, IncentiveFacts, SectorRelation,
};

use super::glossary::{glossary, Mentions};
use super::weights::{Feature, Weights};
use crate::domain::digital::DigitalLevel;
use crate::domain::investor::InvestorProfile;
use crate::domain::money::UsdRange;
use crate::domain::profile::IncentivePreference;
use crate::domain::profile::Visibility;
use crate::domain::sector::{isic, IsicLevel};
use crate::domain::sme::SmeProfile;
use crate::domain::text::{ko_particle, Lang, LocalizedText};

/// Everything a pair's score depends on.
#[derive(Debug, Clone, Copy)]
pub struct Pair<'a> {
    pub sme: &'a SmeProfile,
    pub digital: DigitalLevel,
    pub incentives: IncentiveFacts,
    pub investor: &'a InvestorProfile,
    /// Text relevance, already normalised to [0, 1] within the result set.
    pub text: f64,
    /// Whose text that relevance is of.
    pub text_from: TextFrom,
    /// The concepts either side mentions, when the caller found them already.
    pub mentioned: Mentioned<'a>,
}

/// The glossary concepts a side's texts mention ([`sme_concepts`], [`investor_concepts`]), found
/// once by a caller that explains one profile against many: a list of 100 matches then scans
/// the one profile's texts once, not 100 times (up to 15,000 characters each time, which a
/// hostile mandate made the cost of every ranking that showed it).
#[derive(Debug, Clone, Copy, Default)]
pub struct Mentioned<'a> {
    pub sme: Option<&'a Mentions>,
    pub investor: Option<&'a Mentions>,
}

/// Whose text the TEXT feature searched with: its value is relative to the best match of that
/// side's text among the other side's profiles, so the same pair has one value on the SME's
/// list of investors and another on the investor's list of SMEs (and in the pipeline, which
/// keeps the investor's). The reason says which, so two numbers for one pair explain
/// themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextFrom {
    /// The SME's text, among investors.
    Sme,
    /// The investor's text, among SMEs.
    Investor,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Factor {
    pub feature: Feature,
    pub value: f64,
    pub weight: f64,
    pub contribution: f64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Breakdown {
    pub score: f64,
    pub factors: Vec<Factor>,
}

/// The seven feature values of a pair, in [`Feature::ALL`] order.
pub fn values(p: &Pair<'_>) -> [f64; 7] {
    let inv = p.investor;
    let sector = sector_fit(p.sme.sector.as_str(), &inv.sector_interests).0;
    [
        p.text.clamp(0.0, 1.0),
        sector,
        digital_fit(p.digital, &inv.preferred_digital_levels),
        incentive_in_sector(
            incentive_fit(&p.incentives, &inv.incentive_preferences),
            sector,
        ),
        ticket_fit(&p.sme.capital_sought, &inv.ticket),
        partnership_fit(
            partnership_mask(&p.sme.partnership_types),
            partnership_mask(&inv.partnership_types),
        ),
        location_fit(&p.sme.province, &inv.preferred_provinces),
    ]
}

/// The weighted sum, summed in feature order (the fast path sums in the same order).
pub fn score(values: &[f64; 7], weights: &Weights) -> f64 {
    Feature::ALL
        .iter()
        .zip(values)
        .map(|(f, v)| weights.get(*f) * v)
        .sum()
}

pub fn explain(p: &Pair<'_>, weights: &Weights, lang: Lang) -> Breakdown {
    let vals = values(p);
    let factors: Vec<Factor> = Feature::ALL
        .iter()
        .zip(vals)
        .map(|(f, value)| Factor {
            feature: *f,
            value,
            weight: weights.get(*f),
            contribution: weights.get(*f) * value,
            reason: reason(*f, value, p, lang),
        })
        .collect();
    Breakdown {
        score: score(&vals, weights),
        factors,
    }
}

/// Picks the text in `lang`.
fn t(lang: Lang, en: String, km: String, ko: String) -> String {
    match lang {
        Lang::En => en,
        Lang::Km => km,
        Lang::Ko => ko,
    }
}

/// Clauses of one reason, joined as each language writes them: English with semicolons, Khmer
/// with its full stop (។), Korean with commas, or full stops between sentences that end in 다.
/// Semicolons read as machine text in Khmer and Korean (QA, the owner and the analyst both).
fn clauses(lang: Lang, parts: &[String]) -> String {
    let separator = match lang {
        Lang::En => "; ",
        Lang::Km => "។ ",
        Lang::Ko if parts.iter().all(|p| p.ends_with('다')) => ". ",
        Lang::Ko => ", ",
    };
    parts.join(separator)
}

/// A range of whole dollars as each language says one, with its currency (50,000–100,000,
/// grouped as the incentive phrases group them): "USD 10,000 or more", "10,000달러 이상" (QA:
/// "10,000+달러" and "≤1,000,000달러" read as signs, not words); None when both ends are open
/// (nothing was said).
fn usd(r: &UsdRange, lang: Lang) -> Option<String> {
    use crate::domain::incentives::format_usd as thousands;
    let (en, km, ko) = match (r.min, r.max) {
        (Some(a), Some(b)) if a == b => {
            let a = thousands(a);
            (format!("USD {a}"), format!("{a} ដុល្លារ"), format!("{a}달러"))
        }
        (Some(a), Some(b)) => {
            let (a, b) = (thousands(a), thousands(b));
            (
                format!("USD {a}–{b}"),
                format!("{a}–{b} ដុល្លារ"),
                format!("{a}~{b}달러"),
            )
        }
        (Some(a), None) => {
            let a = thousands(a);
            (
                format!("USD {a} or more"),
                format!("ចាប់ពី {a} ដុល្លារ"),
                format!("{a}달러 이상"),
            )
        }
        (None, Some(b)) => {
            let b = thousands(b);
            (
                format!("up to USD {b}"),
                format!("រហូតដល់ {b} ដុល្លារ"),
                format!("{b}달러 이하"),
            )
        }
        (None, None) => return None,
    };
    Some(t(lang, en, km, ko))
}

/// A digital level's name in the reader's language (the words of the site's level pages).
fn level_label(level: DigitalLevel, lang: Lang) -> &'static str {
    match (level, lang) {
        (DigitalLevel::Basic, Lang::En) => "Basic",
        (DigitalLevel::Intermediate, Lang::En) => "Intermediate",
        (DigitalLevel::Advanced, Lang::En) => "Advanced",
        (DigitalLevel::Basic, Lang::Km) => "មូលដ្ឋាន",
        (DigitalLevel::Intermediate, Lang::Km) => "មធ្យម",
        (DigitalLevel::Advanced, Lang::Km) => "កម្រិតខ្ពស់",
        (DigitalLevel::Basic, Lang::Ko) => "기초",
        (DigitalLevel::Intermediate, Lang::Ko) => "중급",
        (DigitalLevel::Advanced, Lang::Ko) => "고급",
    }
}

fn level_name(level: IsicLevel, lang: Lang) -> &'static str {
    // Korean: the KSIC terms (대/중/소/세분류), which follow ISIC's levels.
    match (level, lang) {
        (IsicLevel::Section, Lang::En) => "section",
        (IsicLevel::Division, Lang::En) => "division",
        (IsicLevel::Group, Lang::En) => "group",
        (IsicLevel::Class, Lang::En) => "class",
        (IsicLevel::Section, Lang::Km) => "ផ្នែកធំ",
        (IsicLevel::Division, Lang::Km) => "ផ្នែក",
        (IsicLevel::Group, Lang::Km) => "ក្រុម",
        (IsicLevel::Class, Lang::Km) => "ថ្នាក់",
        (IsicLevel::Section, Lang::Ko) => "대분류",
        (IsicLevel::Division, Lang::Ko) => "중분류",
        (IsicLevel::Group, Lang::Ko) => "소분류",
        (IsicLevel::Class, Lang::Ko) => "세분류",
    }
}

fn levels(ls: &[DigitalLevel], lang: Lang) -> String {
    ls.iter()
        .map(|l| level_label(*l, lang))
        .collect::<Vec<_>>()
        .join("/")
}

/// Concepts named in a TEXT reason, at most.
const MAX_NAMED_CONCEPTS: usize = 4;

/// Concepts nearly every profile of this corridor mentions (an investor investing in
/// Cambodia, in US dollars, looking for a partner company): naming them tells a reader
/// nothing ("Both mention cosmetics, distribution, dollars"), so a TEXT reason names them only
/// when the two share nothing more particular. They still count in the TEXT value.
const SAID_BY_EVERYONE: &[&str] = &[
    "partner",
    "company",
    "sme",
    "investment",
    "investor",
    "capital",
    "usd",
    "won",
    "riel",
    "cambodia",
    "korea",
    "cooperation",
    "growth",
    "expansion",
    "customer",
    "sales",
    "fdi",
    // The firm's own words (QA round 2: "Both mention limited company, office" read from "Co.,
    // Ltd." and 현지 사무소).
    "limited_company",
    "office",
];

/// Whether concept `c` is one that nearly every profile mentions ([`SAID_BY_EVERYONE`]).
fn said_by_everyone(c: usize) -> bool {
    glossary()
        .concept(c)
        .is_some_and(|k| SAID_BY_EVERYONE.contains(&k.id.as_str()))
}

/// What a text is about, in `lang`'s words: the glossary concepts it names by a form of their
/// own, in the order it first names them, each name once, without the words nearly every
/// profile says, at most `max`. For a reader who cannot read the text's language (QA: a Korean
/// analyst could not tell what a Khmer-only shop sells): a list of words, not a translation.
pub fn gist(text: &str, lang: Lang, max: usize) -> Vec<&'static str> {
    let g = glossary();
    let mut mentions = g.find_named(text);
    mentions.sort_by_key(|m| m.range.start);
    let mut out: Vec<&'static str> = Vec::new();
    for m in mentions {
        if out.len() == max {
            break;
        }
        if said_by_everyone(m.concept) {
            continue;
        }
        if let Some(name) = g.concept(m.concept).map(|c| c.name(lang)) {
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

/// The shared concepts a TEXT reason names: the particular ones, else the common ones.
fn named_concepts(shared: &[usize]) -> Vec<usize> {
    let particular: Vec<usize> = shared
        .iter()
        .copied()
        .filter(|c| !said_by_everyone(*c))
        .collect();
    let chosen = if particular.is_empty() {
        shared.to_vec()
    } else {
        particular
    };
    chosen.into_iter().take(MAX_NAMED_CONCEPTS).collect()
}

/// The glossary concepts both profiles mention, in glossary order (products and activities
/// before generic business words and places): first those both name by a form of their own,
/// then those one of them only implies. "Both mention herbs" must be true of both texts: an
/// investor who wrote "natural cosmetics" (which implies herbs) did not mention herbs (QA).
pub fn shared_concepts(p: &Pair<'_>) -> Shared {
    use std::borrow::Cow;
    let ours = p
        .mentioned
        .sme
        .map_or_else(|| Cow::Owned(sme_concepts(p.sme)), Cow::Borrowed);
    let theirs = p
        .mentioned
        .investor
        .map_or_else(|| Cow::Owned(investor_concepts(p.investor)), Cow::Borrowed);
    // Places are LOCATION's (see `search::matcher::text_query`), so no TEXT reason names them.
    let (named, related) = ours
        .all
        .intersection(&theirs.all)
        .filter(|c| !glossary().concept(**c).is_some_and(|k| k.is_place()))
        .partition(|c| ours.named.contains(c) && theirs.named.contains(c));
    Shared { named, related }
}

/// [`shared_concepts`]' answer.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Shared {
    /// Named by both texts.
    pub named: Vec<usize>,
    /// Mentioned by both, but only implied by at least one of them.
    pub related: Vec<usize>,
}

/// The concepts an SME's texts mention. Its name counts only when it is PUBLIC, the rule the
/// index and the ranking follow (`search::document::sme_texts`).
pub fn sme_concepts(sme: &SmeProfile) -> Mentions {
    let name = (sme.visibility == Visibility::Public).then_some(&sme.name);
    glossary().mentions_in(
        sme.description
            .texts()
            .chain(name.into_iter().flat_map(LocalizedText::texts)),
    )
}

/// The concepts an investor's texts (description and name) mention.
pub fn investor_concepts(investor: &InvestorProfile) -> Mentions {
    glossary().mentions_in(investor.description.texts().chain(investor.name.texts()))
}

fn reason(f: Feature, value: f64, p: &Pair<'_>, lang: Lang) -> String {
    let inv = p.investor;
    let sme = p.sme;
    let pct = (value * 100.0).round();
    // "(83% of …)": of the best text match on whose list.
    let of_best = || match p.text_from {
        TextFrom::Investor => t(
            lang,
            format!("{pct}% of the best text match among SMEs for this investor"),
            // Plain words for a shop owner (QA: "the best text match" read as jargon).
            format!("ធៀបនឹងសហគ្រាសដែលត្រូវគ្នាជាងគេ៖ {pct}%"),
            format!("이 투자자에게 가장 잘 맞는 중소기업 텍스트 대비 {pct}%"),
        ),
        TextFrom::Sme => t(
            lang,
            format!("{pct}% of the best text match among investors for this SME"),
            format!("ធៀបនឹងវិនិយោគិនដែលត្រូវគ្នាជាងគេ៖ {pct}%"),
            format!("이 중소기업에게 가장 잘 맞는 투자자 텍스트 대비 {pct}%"),
        ),
    };
    match f {
        Feature::Text if value > 0.0 => {
            // The shared concepts are found once (the texts are scanned for every concept).
            let g = glossary();
            let shared = shared_concepts(p);
            // Each name once: two concepts may share a name in a language (education and
            // training are both 교육: QA saw "교육, 교육").
            let names_of = |cs: &[usize]| -> Vec<&str> {
                let mut names: Vec<&str> = Vec::new();
                for c in named_concepts(cs) {
                    if let Some(n) = g.concept(c).map(|c| c.name(lang)) {
                        if !names.contains(&n) {
                            names.push(n);
                        }
                    }
                }
                names
            };
            let names = names_of(&shared.named);
            if names.is_empty() {
                let related = names_of(&shared.related);
                if related.is_empty() {
                    return t(
                        lang,
                        format!("The descriptions share key terms ({})", of_best()),
                        format!("ការពិពណ៌នាមានពាក្យគន្លឹះរួមគ្នា ({})", of_best()),
                        format!("설명에 공통 핵심어가 있습니다 ({})", of_best()),
                    );
                }
                let related = related.join(", ");
                return t(
                    lang,
                    format!(
                        "The descriptions touch on related things: {related} ({})",
                        of_best()
                    ),
                    format!("ការពិពណ៌នាទាំងពីរទាក់ទងនឹង {related} ({})", of_best()),
                    format!(
                        "양쪽 설명이 {related}{} 관련됩니다 ({})",
                        ko_particle(&related, "과", "와", false),
                        of_best()
                    ),
                );
            }
            let names = names.join(", ");
            // Only words every profile of the corridor says: said as such, not as a reason
            // (QA: a rice mill "mentions investment, SME, company, sales" like a cosmetics
            // mandate).
            if shared.named.iter().all(|c| said_by_everyone(*c)) {
                return t(
                    lang,
                    format!(
                        "Only general business words in common: {names} ({})",
                        of_best()
                    ),
                    format!("មានតែពាក្យអាជីវកម្មទូទៅរួមគ្នា៖ {names} ({})", of_best()),
                    format!(
                        "공통된 것은 일반적인 사업 용어뿐입니다: {names} ({})",
                        of_best()
                    ),
                );
            }
            t(
                lang,
                format!("Both mention {names} ({})", of_best()),
                format!("ទាំងពីរនិយាយអំពី {names} ({})", of_best()),
                format!(
                    "양쪽 모두 {names}{} 언급합니다 ({})",
                    ko_particle(&names, "을", "를", false),
                    of_best()
                ),
            )
        }
        Feature::Text => t(
            lang,
            "The descriptions share no key terms".into(),
            "ការពិពណ៌នាគ្មានពាក្យគន្លឹះរួមគ្នា".into(),
            "설명에 공통 핵심어가 없습니다".into(),
        ),
        Feature::Sector => {
            // Named, not only coded: a shop owner reads "Manufacture of food products (10)",
            // which a bare "10" does not tell.
            let tree = isic();
            // Khmer reasons are read by shop owners, to whom "(1072)" is a code that says
            // nothing (QA); their names say it. Korean and English readers compare codes.
            let label = |code: &str| match (lang, tree.get(code)) {
                (Lang::Km, Some(node)) => node.name(lang).to_string(),
                _ => tree.label(code, lang),
            };
            let class = label(sme.sector.as_str());
            match sector_fit(sme.sector.as_str(), &inv.sector_interests).1 {
                // The very class the investor names: said once, not "X is within X" (QA).
                SectorRelation::Within(code) if code.as_str() == sme.sector.as_str() => t(
                    lang,
                    format!("Sector {class} is one the investor names"),
                    format!("វិស័យ {class} ជាវិស័យមួយដែលវិនិយោគិនចាប់អារម្មណ៍"),
                    format!(
                        "업종 {class}{} 투자자가 관심 업종으로 꼽은 업종입니다",
                        ko_particle(&class, "은", "는", false)
                    ),
                ),
                SectorRelation::Within(code) => {
                    let code = label(code.as_str());
                    t(
                        lang,
                        format!("Sector {class} is within the investor's interest {code}"),
                        format!("វិស័យ {class} ស្ថិតក្នុងវិស័យ {code} ដែលវិនិយោគិនចាប់អារម្មណ៍"),
                        format!(
                            "업종 {class}{} 투자자의 관심 업종 {code}에 속합니다",
                            ko_particle(&class, "은", "는", false)
                        ),
                    )
                }
                SectorRelation::Shares(level, code) => {
                    let (code, l) = (label(code.as_str()), level_name(level, lang));
                    t(
                        lang,
                        format!("Sector {class} is in the same ISIC {l} as the interest {code}"),
                        // No classification named for a shop owner (QA: "ISIC" on the Khmer
                        // matches page); the level says how close the two sectors are.
                        format!("វិស័យ {class} ស្ថិតក្នុង{l}ដូចគ្នានឹង {code}"),
                        format!(
                            "업종 {class}{} 관심 업종 {code}{} 같은 국제표준산업분류(ISIC) {l}입니다",
                            ko_particle(&class, "은", "는", false),
                            ko_particle(&code, "과", "와", false)
                        ),
                    )
                }
                SectorRelation::Unrelated => t(
                    lang,
                    format!("Sector {class} is outside the investor's interests"),
                    format!("វិស័យ {class} នៅក្រៅវិស័យដែលវិនិយោគិនចាប់អារម្មណ៍"),
                    format!(
                        "업종 {class}{} 투자자의 관심 업종 밖입니다",
                        ko_particle(&class, "은", "는", false)
                    ),
                ),
                // Half the points (`OPEN_SECTOR`), and said so: "open to every sector" beside
                // 13 of 25 points read as a contradiction (QA).
                SectorRelation::Open => t(
                    lang,
                    "The investor names no sector: counted at half, neither a fit nor a misfit"
                        .into(),
                    "វិនិយោគិនមិនបានជ្រើសវិស័យ៖ រាប់បញ្ចូលពាក់កណ្ដាល".into(),
                    "투자자가 관심 업종을 정하지 않아 절반만 반영합니다".into(),
                ),
            }
        }
        Feature::Digital => {
            let level = level_label(p.digital, lang);
            if inv.preferred_digital_levels.is_empty() {
                t(
                    lang,
                    format!("Digital level {level}; the investor has no preference"),
                    format!("កម្រិតឌីជីថល {level}។ វិនិយោគិនគ្មានចំណូលចិត្ត"),
                    format!("디지털 수준 {level}, 투자자 선호 없음"),
                )
            } else {
                let wanted = levels(&inv.preferred_digital_levels, lang);
                t(
                    lang,
                    format!("Digital level {level}; the investor looks for {wanted}"),
                    format!("កម្រិតឌីជីថល {level}។ វិនិយោគិនស្វែងរក {wanted}"),
                    format!(
                        "디지털 수준 {level}, 투자자는 {wanted}{} 찾습니다",
                        ko_particle(&wanted, "을", "를", false)
                    ),
                )
            }
        }
        Feature::Incentive => {
            let base = incentive_reason(&p.incentives, &inv.incentive_preferences, lang);
            let sector = sector_fit(sme.sector.as_str(), &inv.sector_interests).0;
            if sector >= 1.0 {
                base
            } else {
                let pct = (sector * 100.0).round();
                let scaled = t(
                    lang,
                    format!(" (counted at {pct}%: the sector fit)"),
                    format!(" (រាប់បញ្ចូល {pct}%៖ តាមកម្រិតសមស្របនៃវិស័យ)"),
                    format!(" (업종 적합도에 따라 {pct}%만 반영)"),
                );
                format!("{base}{scaled}")
            }
        }
        Feature::Ticket => {
            let sought = usd(&sme.capital_sought, lang).map_or_else(
                || {
                    t(
                        lang,
                        "The SME names no amount".into(),
                        "សហគ្រាសមិនបានបញ្ជាក់ចំនួនទុន".into(),
                        "중소기업이 필요 자금을 밝히지 않았습니다".into(),
                    )
                },
                |a| {
                    t(
                        lang,
                        format!("Seeks {a}"),
                        format!("ស្វែងរកទុន {a}"),
                        format!("필요 자금 {a}"),
                    )
                },
            );
            let ticket = usd(&inv.ticket, lang).map_or_else(
                || {
                    t(
                        lang,
                        "the investor names no ticket size".into(),
                        "វិនិយោគិនមិនបានបញ្ជាក់ទំហំវិនិយោគ".into(),
                        "투자자가 투자 규모를 밝히지 않았습니다".into(),
                    )
                },
                |b| {
                    t(
                        lang,
                        format!("the investor's ticket is {b}"),
                        format!("ទំហំវិនិយោគរបស់វិនិយោគិន {b}"),
                        format!("투자자의 투자 규모 {b}"),
                    )
                },
            );
            clauses(lang, &[sought, ticket])
        }
        Feature::Partnership => {
            let sought = partnership_mask(&sme.partnership_types);
            let offered = partnership_mask(&inv.partnership_types);
            let (k, n) = ((sought & offered).count_ones(), sought.count_ones());
            if n == 0 {
                t(
                    lang,
                    "The SME names no partnership type".into(),
                    "សហគ្រាសមិនបានបញ្ជាក់ប្រភេទភាពជាដៃគូ".into(),
                    "중소기업이 협력 유형을 밝히지 않았습니다".into(),
                )
            } else {
                t(
                    lang,
                    format!("Offers {k} of the {n} partnership types the SME seeks"),
                    format!("ផ្ដល់ {k} ក្នុងចំណោម {n} ប្រភេទភាពជាដៃគូដែលសហគ្រាសស្វែងរក"),
                    format!("중소기업이 찾는 협력 유형 {n}개 중 {k}개를 제공합니다"),
                )
            }
        }
        Feature::Location => {
            let prov = sme.province.province();
            let name = match lang {
                Lang::En => &prov.name_en,
                Lang::Km => &prov.name_km,
                Lang::Ko => &prov.name_ko,
            };
            if inv.preferred_provinces.is_empty() {
                t(
                    lang,
                    format!("{name}: the investor takes any province"),
                    // Khmer's own colon (QA: an ASCII one inside a Khmer sentence).
                    format!("{name}៖ វិនិយោគិនទទួលគ្រប់ខេត្ត"),
                    format!("{name}: 투자자는 모든 지역을 고려합니다"),
                )
            } else if value > 0.0 {
                t(
                    lang,
                    format!("{name} is one of the investor's preferred provinces"),
                    format!("{name} ជាខេត្តមួយដែលវិនិយោគិនពេញចិត្ត"),
                    format!(
                        "{name}{} 투자자의 선호 지역입니다",
                        ko_particle(name, "은", "는", false)
                    ),
                )
            } else {
                t(
                    lang,
                    format!("{name} is outside the investor's preferred provinces"),
                    format!("{name} នៅក្រៅខេត្តដែលវិនិយោគិនពេញចិត្ត"),
                    format!(
                        "{name}{} 투자자의 선호 지역 밖입니다",
                        ko_particle(name, "은", "는", false)
                    ),
                )
            }
        }
    }
}

fn incentive_reason(facts: &IncentiveFacts, prefs: &[IncentivePreference], lang: Lang) -> String {
    // With no preference every SME counts at half (`features::NEUTRAL`), whatever the law
    // gives it: said, or half the points beside "the incentives do not cover this activity"
    // reads as a mistake (QA).
    let no_preference = || {
        t(
            lang,
            " — the investor names no incentive preference: counted at half for every SME".into(),
            " — វិនិយោគិនមិនបានបញ្ជាក់ការលើកទឹកចិត្តដែលចង់បាន៖ រាប់បញ្ចូលពាក់កណ្ដាលសម្រាប់គ្រប់សហគ្រាស".into(),
            " — 투자자가 원하는 인센티브를 밝히지 않아 모든 중소기업에 절반만 반영합니다".into(),
        )
    };
    if facts.negative_list {
        let covered = t(
            lang,
            // Said as what it means for the pair: QA read "negative list" as a ban on the
            // business, which may take investment like any other.
            "The law's investment incentives do not cover this activity (Sub-Decree 139's \
             list); investing in it is allowed"
                .into(),
            "ការលើកទឹកចិត្តវិនិយោគតាមច្បាប់មិនគ្របដណ្ដប់សកម្មភាពនេះទេ (បញ្ជីនៃអនុក្រឹត្យលេខ 139)៖ ការវិនិយោគលើវានៅតែអនុញ្ញាត".into(),
            "법이 정한 투자 인센티브는 이 업종에 적용되지 않습니다(시행령 제139호 목록). 투자 자체는 가능합니다".into(),
        );
        return if prefs.is_empty() {
            format!("{covered}{}", no_preference())
        } else {
            covered
        };
    }
    let mut parts: Vec<String> = Vec::new();
    if facts.tax_holiday_years > 0 {
        let y = facts.tax_holiday_years;
        parts.push(t(
            lang,
            format!("a QIP could get {y} years of income-tax exemption"),
            format!("គម្រោងវិនិយោគមានលក្ខណៈសម្បត្តិគ្រប់គ្រាន់ (QIP) អាចទទួលការលើកលែងពន្ធលើប្រាក់ចំណូល {y} ឆ្នាំ"),
            format!("적격투자사업(QIP)으로 법인세 {y}년 면제 가능"),
        ));
    } else if facts.sme_scheme_years > 0 {
        let y = facts.sme_scheme_years;
        parts.push(t(
            lang,
            format!("the SME scheme (Sub-Decree 124) could give {y} years of income-tax exemption"),
            format!("គម្រោងសហគ្រាសធុនតូច និងមធ្យម (អនុក្រឹត្យលេខ 124) អាចផ្ដល់ការលើកលែងពន្ធ {y} ឆ្នាំ"),
            format!("중소기업 제도(시행령 제124호)로 {y}년 면세 가능"),
        ));
    } else {
        parts.push(t(
            lang,
            "no tax holiday at the size sought".into(),
            "គ្មានការលើកលែងពន្ធនៅទំហំវិនិយោគនេះ".into(),
            "현재 규모로는 면세 혜택이 없습니다".into(),
        ));
    }
    if facts.ckfta_export_fit {
        parts.push(t(
            lang,
            "goods qualify for Korean tariff preferences under the CKFTA".into(),
            "ទំនិញមានសិទ្ធិទទួលអនុគ្រោះពន្ធគយកូរ៉េ ក្រោមកិច្ចព្រមព្រៀងពាណិជ្ជកម្មសេរីកម្ពុជា-កូរ៉េ (CKFTA)".into(),
            "한-캄보디아 FTA(CKFTA) 관세 특혜 대상 품목입니다".into(),
        ));
    }
    if facts.sez_location {
        parts.push(t(
            lang,
            "the province hosts special economic zones".into(),
            "ខេត្តនេះមានតំបន់សេដ្ឋកិច្ចពិសេស".into(),
            "해당 지역에 경제특구가 있습니다".into(),
        ));
    }
    let met = prefs
        .iter()
        .filter(|p| super::features::incentive_value(facts, **p) > 0.0)
        .count();
    let summary = if prefs.is_empty() {
        no_preference()
    } else {
        let n = prefs.len();
        let mut summary = t(
            lang,
            format!(" — meets {met} of the {n} incentives the investor looks for"),
            format!(" — បំពេញ {met} ក្នុងចំណោម {n} ការលើកទឹកចិត្តដែលវិនិយោគិនស្វែងរក"),
            format!(" — 투자자가 원하는 인센티브 {n}개 중 {met}개 충족"),
        );
        // A tax holiday shorter than the longest counts in part: said, or "meets 2 of 2" beside
        // 8 of 10 points reads as a mistake (QA, both the analyst and the owner).
        let years = facts.holiday_years();
        let longest = super::features::MAX_HOLIDAY_YEARS;
        if prefs.contains(&IncentivePreference::QipTaxHoliday)
            && years > 0
            && f64::from(years) < longest
        {
            summary.push_str(&t(
                lang,
                format!(" (a {years}-year tax holiday counts as {years} of the longest {longest})"),
                format!(" (ការលើកលែងពន្ធ {years} ឆ្នាំ រាប់ជា {years} ក្នុងចំណោមរយៈពេលវែងបំផុត {longest} ឆ្នាំ)"),
                format!(" (면세 {years}년은 최장 {longest}년 중 {years}년으로 반영)"),
            ));
        }
        summary
    };
    let prefix = t(
        lang,
        "Law on Investment 2021 (indicative): ".into(),
        "ច្បាប់ស្ដីពីវិនិយោគ 2021 (ប្រហាក់ប្រហែល)៖ ".into(),
        "2021 투자법 (참고용): ".into(),
    );
    format!("{prefix}{}{summary}", clauses(lang, &parts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::investor::InvestorRaw;
    use crate::domain::profile::{OrganizationType, PartnershipType};
    use crate::domain::sme::tests::{ctx, raw};
    use crate::domain::text::LocalizedTextRaw;

    fn investor() -> InvestorProfile {
        InvestorProfile::validate(InvestorRaw {
            name: LocalizedTextRaw {
                en: Some("Agro Fund".into()),
                ..Default::default()
            },
            description: LocalizedTextRaw {
                en: Some("Agro-processing".into()),
                ..Default::default()
            },
            organization_type: OrganizationType::VentureCapital,
            sector_interests: vec!["10".into()],
            excluded_sectors: vec![],
            ticket_min_usd: Some(100_000),
            ticket_max_usd: Some(1_000_000),
            partnership_types: vec![PartnershipType::Equity],
            preferred_provinces: vec!["KH-6".into()],
            preferred_digital_levels: vec![DigitalLevel::Basic],
            incentive_preferences: vec![IncentivePreference::KoreaFtaExport],
            languages: vec![],
            contact: crate::domain::contact::ContactRaw {
                email: Some("agro@example.kr".into()),
                ..Default::default()
            },
        })
        .unwrap()
    }

    #[test]
    fn a_shorter_tax_holiday_says_it_counts_in_part() {
        let facts = IncentiveFacts {
            negative_list: false,
            qip_eligible: true,
            tax_holiday_years: 6,
            sme_scheme_years: 0,
            ckfta_export_fit: true,
            sez_location: false,
            import_duty_exemption: true,
        };
        let prefs = [
            IncentivePreference::QipTaxHoliday,
            IncentivePreference::KoreaFtaExport,
        ];
        let value = super::super::features::incentive_fit(&facts, &prefs);
        assert!(value < 1.0, "{value}");
        let en = incentive_reason(&facts, &prefs, Lang::En);
        assert!(en.contains("meets 2 of the 2"), "{en}");
        assert!(
            en.ends_with("(a 6-year tax holiday counts as 6 of the longest 9)"),
            "{en}"
        );
        let ko = incentive_reason(&facts, &prefs, Lang::Ko);
        assert!(ko.contains("최장 9년 중 6년"), "{ko}");
        // The longest holiday, or no wish for one, says nothing more.
        let longest = IncentiveFacts {
            tax_holiday_years: 9,
            ..facts
        };
        assert!(!incentive_reason(&longest, &prefs, Lang::En).contains("counts as"));
        let fta_only = [IncentivePreference::KoreaFtaExport];
        assert!(!incentive_reason(&facts, &fta_only, Lang::En).contains("counts as"));
        // No preference counts at half for every SME, and says so, on the negative list too
        // (QA: half the points beside "the incentives do not cover this activity").
        let excluded = IncentiveFacts {
            negative_list: true,
            ..facts
        };
        for f in [facts, excluded] {
            assert!(incentive_reason(&f, &[], Lang::En).contains("counted at half"));
            assert!(incentive_reason(&f, &[], Lang::Ko).contains("절반만 반영"));
        }
        assert_eq!(
            super::super::features::incentive_fit(&excluded, &[]),
            super::super::features::NEUTRAL
        );
        assert!(!incentive_reason(&excluded, &fta_only, Lang::En).contains("half"));
    }

    #[test]
    fn a_gist_names_what_a_text_names_in_the_readers_words() {
        // A Khmer-only shop of Korean cosmetics, for a Korean reader (QA); "company" and
        // "investment" are said by everyone.
        let text = "ក្រុមហ៊ុនលក់គ្រឿងសំអាងកូរ៉េ នៅខេត្តសៀមរាប ត្រូវការវិនិយោគ";
        let ko = gist(text, Lang::Ko, 8);
        assert!(ko.contains(&"화장품") || ko.contains(&"케이뷰티"), "{ko:?}");
        assert!(ko.contains(&"시엠립"), "{ko:?}");
        assert!(!ko.contains(&"회사") && !ko.contains(&"투자"), "{ko:?}");
        assert_eq!(gist(text, Lang::Ko, 1).len(), 1);
        assert!(gist("ខ្ញុំ", Lang::Ko, 8).is_empty());
    }

    #[test]
    fn contributions_sum_to_the_score_and_reasons_follow_the_language() {
        let sme = SmeProfile::validate(raw(), &ctx()).unwrap();
        let inv = investor();
        let facts = IncentiveFacts {
            qip_eligible: true,
            tax_holiday_years: 6,
            ckfta_export_fit: true,
            ..Default::default()
        };
        let pair = Pair {
            sme: &sme,
            digital: DigitalLevel::Basic,
            incentives: facts,
            investor: &inv,
            text: 0.5,
            text_from: TextFrom::Investor,
            mentioned: Mentioned::default(),
        };
        let w = Weights::default();
        for lang in Lang::ALL {
            let b = explain(&pair, &w, lang);
            let sum: f64 = b.factors.iter().map(|f| f.contribution).sum();
            assert!((sum - b.score).abs() < 1e-12);
            assert_eq!(b.factors.len(), 7);
            assert!(b.factors.iter().all(|f| !f.reason.is_empty()));
            if lang == Lang::Km {
                assert!(b.factors[1].reason.contains("វិស័យ"));
            }
            if lang == Lang::Ko {
                assert!(b.factors[6].reason.contains("캄퐁톰"));
            }
        }
        let b = explain(&pair, &w, Lang::En);
        // Cashew (1030) under division 10, basic level wanted, CKFTA fit, capital 50k–200k
        // against a 100k–1M ticket (two thirds of the narrower range), equity sought and
        // offered, Kampong Thom preferred.
        let v: Vec<f64> = b.factors.iter().map(|f| f.value).collect();
        assert_eq!(v, vec![0.5, 1.0, 1.0, 1.0, 100_000.0 / 150_000.0, 1.0, 1.0]);
        // Reasons a reader can read: amounts grouped, level names in the reader's language.
        let reason = |f: Feature, lang: Lang| {
            explain(&pair, &w, lang)
                .factors
                .into_iter()
                .find(|x| x.feature == f)
                .map(|x| x.reason)
                .unwrap_or_default()
        };
        assert_eq!(
            reason(Feature::Ticket, Lang::En),
            "Seeks USD 50,000–200,000; the investor's ticket is USD 100,000–1,000,000"
        );
        assert_eq!(
            reason(Feature::Sector, Lang::En),
            format!(
                "Sector {} is within the investor's interest {}",
                isic().label("1030", Lang::En),
                isic().label("10", Lang::En)
            )
        );
        // The very class the investor names is said once, not "1030 is within 1030".
        let mut names_it = inv.clone();
        names_it.sector_interests = vec![crate::domain::sector::IsicCode::parse("1030").unwrap()];
        let same = Pair {
            investor: &names_it,
            ..pair
        };
        for lang in Lang::ALL {
            let said = explain(&same, &w, lang)
                .factors
                .into_iter()
                .find(|x| x.feature == Feature::Sector)
                .map(|x| x.reason)
                .unwrap_or_default();
            // Khmer names it without its code, for shop owners (QA).
            let codes = if lang == Lang::Km { 0 } else { 1 };
            assert_eq!(said.matches("1030").count(), codes, "{said}");
            assert_eq!(
                said.matches("ការកែច្នៃ និងការរក្សាទុកផ្លែឈើ").count(),
                usize::from(lang == Lang::Km),
                "{said}"
            );
        }
        // The TEXT value is relative to a best match; the reason says on whose list.
        assert!(reason(Feature::Text, Lang::En)
            .ends_with("(50% of the best text match among SMEs for this investor)"));
        let from_sme = explain(
            &Pair {
                text_from: TextFrom::Sme,
                ..pair
            },
            &w,
            Lang::Ko,
        );
        assert!(
            from_sme.factors[0].reason.contains("이 중소기업에게"),
            "{from_sme:?}"
        );
        // Words every profile of the corridor says are named only when nothing else is shared.
        let g = glossary();
        let id = |name: &str| {
            g.index_of(name)
                .unwrap_or_else(|| panic!("no concept {name}"))
        };
        let (cosmetics, usd, korea) = (id("cosmetics"), id("usd"), id("korea"));
        assert_eq!(named_concepts(&[cosmetics, usd, korea]), vec![cosmetics]);
        assert_eq!(named_concepts(&[usd, korea]), vec![usd, korea]);
        // The TEXT reason, in `lang`, for an investor and an SME whose texts say only this.
        let text_reason = |investor: LocalizedText, business: &str, lang: Lang| {
            let mut i = inv.clone();
            i.description = investor;
            let mut m = sme.clone();
            m.description = LocalizedText {
                en: Some(business.into()),
                km: None,
                ko: None,
            };
            let pair = Pair {
                sme: &m,
                investor: &i,
                ..pair
            };
            explain(&pair, &w, lang).factors[0].reason.clone()
        };
        let ko = |text: &str| LocalizedText {
            en: None,
            km: None,
            ko: Some(text.into()),
        };
        let en = |text: &str| LocalizedText {
            en: Some(text.into()),
            km: None,
            ko: None,
        };
        // Korean particles follow the word (화장품을, not 화장품을(를)).
        let text = text_reason(
            ko("화장품 유통 파트너를 찾습니다"),
            "We make cosmetics and need distribution partners.",
            Lang::Ko,
        );
        assert!(
            text.starts_with("양쪽 모두 화장품, 유통을 언급합니다"),
            "{text}"
        );
        assert!(!text.contains("파트너"), "{text}");
        // "Both mention" holds of both texts: natural cosmetics implies herbs, but an investor
        // who wrote only "천연 화장품" did not mention herbs (QA), though the herbal soap maker
        // did.
        let natural = || ko("천연 화장품 유통 파트너를 찾습니다");
        let text = text_reason(
            natural(),
            "We make herbal soap and natural cosmetics; distribution wanted.",
            Lang::En,
        );
        assert!(
            text.starts_with("Both mention natural cosmetics, distribution ("),
            "{text}"
        );
        // Only implied on one side: said as related, not as mentioned by both.
        let herbal = "Herbal remedies from Kampot.";
        let text = text_reason(natural(), herbal, Lang::En);
        assert!(
            text.starts_with("The descriptions touch on related things: herb ("),
            "{text}"
        );
        let text = text_reason(natural(), herbal, Lang::Ko);
        assert!(
            text.starts_with("양쪽 설명이 허브와 관련됩니다 ("),
            "{text}"
        );
        // A name two concepts share in a language is said once (education and training are
        // both 교육: QA saw "교육, 교육").
        let text = text_reason(
            en("We fund education and training."),
            "A school that runs training courses.",
            Lang::Ko,
        );
        assert!(text.starts_with("양쪽 모두 교육을 언급합니다 ("), "{text}");
        // Only what every profile says: said as general words, not as a reason (QA).
        let text = text_reason(
            en("We invest in companies in Cambodia."),
            "Our company mills rice in Cambodia and seeks investment.",
            Lang::En,
        );
        assert!(
            text.starts_with("Only general business words in common: "),
            "{text}"
        );
        // Sectors by name in the reader's language, with the code forms and filters use.
        assert_eq!(
            reason(Feature::Sector, Lang::En),
            "Sector Processing and preserving of fruit and vegetables (1030) is within the \
             investor's interest Manufacture of food products (10)"
        );
        // Khmer by name alone, for shop owners (QA: codes said nothing to them).
        let km = reason(Feature::Sector, Lang::Km);
        assert!(km.contains("ផលិតកម្មម្ហូបអាហារ") && !km.contains("(10)"), "{km}");
        assert!(reason(Feature::Sector, Lang::Ko).contains("식료품 제조업 (10)"));
        assert!(reason(Feature::Digital, Lang::Km).contains("មូលដ្ឋាន"));
        assert!(reason(Feature::Digital, Lang::Ko).contains("기초"));
        assert!(!reason(Feature::Digital, Lang::Ko).contains("BASIC"));
        // An open range says so, in words, not "?".
        let mut open = investor();
        open.ticket = UsdRange::default();
        let pair = Pair {
            investor: &open,
            ..pair
        };
        for lang in Lang::ALL {
            let r = explain(&pair, &w, lang)
                .factors
                .into_iter()
                .find(|x| x.feature == Feature::Ticket)
                .map(|x| x.reason)
                .unwrap_or_default();
            assert!(!r.contains('?'), "{r}");
        }
    }
}
