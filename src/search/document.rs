//! Domain profiles as index documents.
//!
//! Privacy: contact details are never indexed, and neither is the name of an ANONYMOUS SME —
//! otherwise a search for the firm's name would reveal which anonymous profile it is.

use tantivy::schema::Facet;
use tantivy::TantivyDocument;

use super::analyzer::whole_words;
use super::schema::{Fields, ANY, KIND_INVESTOR, KIND_SME};
use crate::domain::ids::ProfileId;
use crate::domain::investor::Investor;
use crate::domain::money::UsdRange;
use crate::domain::profile::Visibility;
use crate::domain::sector::isic;
use crate::domain::sme::{Sme, SmeProfile};
use crate::domain::text::{Lang, LocalizedText};
use crate::matching::glossary::glossary;

fn base(f: &Fields, kind: &str, id: ProfileId) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.kind, kind);
    doc.add_text(f.id, id.to_string());
    let bits = id.as_uuid().as_u128();
    doc.add_u64(f.id_hi, (bits >> 64) as u64);
    doc.add_u64(f.id_lo, bits as u64);
    doc
}

fn add_texts(
    doc: &mut TantivyDocument,
    fields: &[tantivy::schema::Field; 3],
    text: &LocalizedText,
) {
    for (i, lang) in Lang::ALL.iter().enumerate() {
        if let Some(t) = text.get(*lang) {
            doc.add_text(fields[i], t);
        }
    }
}

/// Adds the glossary concepts the texts mention to `field`, once each: the bare id (any
/// language; what queries score and the match ranking compares), `<lang>:<id>` per language
/// that mentions it (what a query in another language searches, see `search::query`), and
/// `name:<id>` when the name does (the first text, when `named`): a business's name says what
/// it is about, where a description also mentions what it uses and serves (QA: for 의류, 회계,
/// 학교 the garment makers, accounting firms and schools came after laundries, shops and
/// builders that mention clothes, accounting software or schools). Implied concepts included.
pub(super) fn add_concepts(
    doc: &mut TantivyDocument,
    field: tantivy::schema::Field,
    texts: &[&LocalizedText],
    named: bool,
) {
    let g = glossary();
    let mut any = std::collections::BTreeSet::new();
    for lang in Lang::ALL {
        let found = g.concepts_in(texts.iter().filter_map(|t| t.get(lang)));
        for c in &found {
            if let Some(concept) = g.concept(*c) {
                doc.add_text(field, concept_token(lang, &concept.id));
            }
        }
        any.extend(found);
    }
    for c in any {
        if let Some(concept) = g.concept(c) {
            doc.add_text(field, &concept.id);
        }
    }
    if let Some(name) = texts.first().filter(|_| named) {
        for c in g.concepts_in(name.texts()) {
            if let Some(concept) = g.concept(c) {
                doc.add_text(field, name_concept_token(&concept.id));
            }
        }
    }
}

/// The token of a concept the profile's name mentions (see [`add_concepts`]).
pub fn name_concept_token(id: &str) -> String {
    format!("name:{id}")
}

/// Adds the whole words of the texts to `field`, each once (see `analyzer::whole_words`).
pub(super) fn add_words(
    doc: &mut TantivyDocument,
    field: tantivy::schema::Field,
    texts: &[&LocalizedText],
) {
    let mut seen = std::collections::BTreeSet::new();
    for t in texts {
        for lang in Lang::ALL {
            for w in t.get(lang).map(whole_words).unwrap_or_default() {
                if seen.insert(w.clone()) {
                    doc.add_text(field, w);
                }
            }
        }
    }
}

/// The token of a concept mentioned in text of one language.
pub fn concept_token(lang: Lang, id: &str) -> String {
    format!("{}:{id}", lang.code())
}

fn add_money(doc: &mut TantivyDocument, f: &Fields, range: &UsdRange) {
    doc.add_i64(f.usd_min, range.min.unwrap_or(0));
    doc.add_i64(f.usd_max, range.max.unwrap_or(i64::MAX));
}

/// Bit masks and indexes shared with the fast scoring path (`search::features`).
pub mod codes {
    use crate::domain::digital::DigitalLevel;
    use crate::domain::profile::{IncentivePreference, PartnershipType};
    use crate::domain::province::{provinces, ProvinceCode};
    use crate::domain::sector::isic;

    pub fn node(code: &str) -> u64 {
        isic().index_of(code).map_or(u64::MAX, |i| i as u64)
    }

    /// 1–25 in national-code order.
    pub fn province(p: &ProvinceCode) -> u64 {
        provinces()
            .iter()
            .position(|x| x.iso == p.as_str())
            .map_or(0, |i| i as u64 + 1)
    }

    pub fn digital(l: DigitalLevel) -> u64 {
        l as u64
    }

    pub fn mask<T: PartialEq>(all: &[T], items: &[T]) -> u64 {
        items.iter().fold(0, |m, it| {
            m | all.iter().position(|x| x == it).map_or(0, |i| 1u64 << i)
        })
    }

    pub fn partnerships(items: &[PartnershipType]) -> u64 {
        u64::from(crate::matching::features::partnership_mask(items))
    }

    pub fn incentives(items: &[IncentivePreference]) -> u64 {
        mask(IncentivePreference::ALL, items)
    }

    pub const DIGITAL_LEVELS: [DigitalLevel; 3] = [
        DigitalLevel::Basic,
        DigitalLevel::Intermediate,
        DigitalLevel::Advanced,
    ];

    pub fn digitals(items: &[DigitalLevel]) -> u64 {
        mask(&DIGITAL_LEVELS, items)
    }

    pub fn provinces_mask(items: &[ProvinceCode]) -> u64 {
        items.iter().fold(0, |m, p| m | 1u64 << province(p))
    }
}

fn add_range(doc: &mut TantivyDocument, f: &Fields, range: &UsdRange) {
    doc.add_i64(f.range_min, range.min.unwrap_or(-1));
    doc.add_i64(f.range_max, range.max.unwrap_or(-1));
}

fn facet(doc: &mut TantivyDocument, f: &Fields, dimension: &str, value: &str) {
    doc.add_facet(f.facets, Facet::from_path([dimension, value]));
}

/// Adds each code once to `field`, and to `seen`.
fn add_unique(
    doc: &mut TantivyDocument,
    field: tantivy::schema::Field,
    seen: &mut Vec<String>,
    code: &str,
) {
    if !seen.iter().any(|s| s == code) {
        seen.push(code.to_string());
        doc.add_text(field, code);
    }
}

/// The texts of an SME that may be searched or compared: its description, and its name only when
/// the SME is PUBLIC. The index and the match ranking's text query both use this one rule, so an
/// ANONYMOUS SME's name can be found neither by a search nor by ranking an investor's text
/// against it.
pub fn sme_texts(p: &SmeProfile) -> (Option<&LocalizedText>, &LocalizedText) {
    let name = (p.visibility == Visibility::Public).then_some(&p.name);
    (name, &p.description)
}

pub fn sme_document(f: &Fields, sme: &Sme) -> TantivyDocument {
    let p = &sme.profile;
    let mut doc = base(f, KIND_SME, sme.id);
    let (name, description) = sme_texts(p);
    if let Some(name) = name {
        add_texts(&mut doc, &f.sme_name, name);
    }
    add_texts(&mut doc, &f.sme_description, description);
    let texts: Vec<&LocalizedText> = name.into_iter().chain([description]).collect();
    add_concepts(&mut doc, f.sme_concepts, &texts, name.is_some());
    add_words(&mut doc, f.sme_words, &texts);
    let mut seen = Vec::new();
    for class in std::iter::once(&p.sector).chain(&p.secondary_sectors) {
        for node in isic().lineage(class.as_str()) {
            add_unique(&mut doc, f.sector, &mut seen, &node.code);
        }
    }
    // Every section the business is in, as the sector filter reads its sectors (QA: the facet
    // counted main sectors only, and clicking "wholesale and retail (95)" gave 125 results).
    let mut sections: Vec<&str> = std::iter::once(&p.sector)
        .chain(&p.secondary_sectors)
        .map(|s| s.section())
        .collect();
    sections.sort_unstable();
    sections.dedup();
    for section in sections {
        facet(&mut doc, f, "section", section);
    }
    doc.add_text(f.province, p.province.as_str());
    facet(&mut doc, f, "province", p.province.as_str());
    doc.add_text(f.digital, sme.digital.level.as_str());
    facet(&mut doc, f, "digital", sme.digital.level.as_str());
    for t in &p.partnership_types {
        doc.add_text(f.partnership, t.as_str());
        facet(&mut doc, f, "partnership", t.as_str());
    }
    for l in &p.languages {
        doc.add_text(f.language, l.as_str());
    }
    add_money(&mut doc, f, &p.capital_sought);
    add_range(&mut doc, f, &p.capital_sought);
    doc.add_u64(f.sector_node, codes::node(p.sector.as_str()));
    doc.add_u64(f.province_idx, codes::province(&p.province));
    doc.add_u64(f.digital_idx, codes::digital(sme.digital.level));
    doc.add_u64(
        f.partnership_mask,
        codes::partnerships(&p.partnership_types),
    );
    doc.add_u64(f.employees, p.employees.map_or(0, |e| u64::from(e) + 1));
    doc
}

pub fn investor_document(f: &Fields, inv: &Investor) -> TantivyDocument {
    let p = &inv.profile;
    let mut doc = base(f, KIND_INVESTOR, inv.id);
    add_texts(&mut doc, &f.investor_name, &p.name);
    add_texts(&mut doc, &f.investor_description, &p.description);
    add_concepts(
        &mut doc,
        f.investor_concepts,
        &[&p.name, &p.description],
        true,
    );
    add_words(&mut doc, f.investor_words, &[&p.name, &p.description]);
    let mut seen = Vec::new();
    let mut sections = Vec::new();
    for code in &p.sector_interests {
        doc.add_text(f.sector_exact, code.as_str());
        for node in isic().lineage(code.as_str()) {
            add_unique(&mut doc, f.sector, &mut seen, &node.code);
        }
        if let Some(section) = isic().section_of(code.as_str()) {
            if !sections.contains(&section) {
                sections.push(section);
                facet(&mut doc, f, "section", section);
            }
        }
    }
    if p.sector_interests.is_empty() {
        doc.add_text(f.sector_exact, ANY);
        facet(&mut doc, f, "section", ANY);
    }
    if p.preferred_provinces.is_empty() {
        doc.add_text(f.province, ANY);
        facet(&mut doc, f, "province", ANY);
    }
    for pr in &p.preferred_provinces {
        doc.add_text(f.province, pr.as_str());
        facet(&mut doc, f, "province", pr.as_str());
    }
    if p.preferred_digital_levels.is_empty() {
        doc.add_text(f.digital, ANY);
        facet(&mut doc, f, "digital", ANY);
    }
    for l in &p.preferred_digital_levels {
        doc.add_text(f.digital, l.as_str());
        facet(&mut doc, f, "digital", l.as_str());
    }
    for t in &p.partnership_types {
        doc.add_text(f.partnership, t.as_str());
        facet(&mut doc, f, "partnership", t.as_str());
    }
    for l in &p.languages {
        doc.add_text(f.language, l.as_str());
    }
    add_money(&mut doc, f, &p.ticket);
    add_range(&mut doc, f, &p.ticket);
    for code in &p.sector_interests {
        doc.add_u64(f.interest_nodes, codes::node(code.as_str()));
    }
    for code in &p.excluded_sectors {
        doc.add_u64(f.excluded_nodes, codes::node(code.as_str()));
    }
    doc.add_u64(
        f.province_mask,
        codes::provinces_mask(&p.preferred_provinces),
    );
    doc.add_u64(f.digital_mask, codes::digitals(&p.preferred_digital_levels));
    doc.add_u64(
        f.incentive_mask,
        codes::incentives(&p.incentive_preferences),
    );
    doc.add_u64(
        f.partnership_mask,
        codes::partnerships(&p.partnership_types),
    );
    doc
}
