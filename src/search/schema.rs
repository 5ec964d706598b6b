//! The index schema: one index holds both kinds of profile, told apart by `kind`.
//!
//! Text fields are per language and analysed by the multi-script analyzer (`analyzer.rs`) at
//! indexing and query time alike. Filter fields are raw strings; facets are tantivy facets.
//! Bump [`SCHEMA_VERSION`] whenever fields or analysis change: an index written with another
//! version is rebuilt from the database at start-up.

use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST,
    INDEXED, STORED, STRING,
};

use super::analyzer;
use crate::domain::text::Lang;

/// 4: concept tokens of the trilingual glossary (`sme_concepts`, `investor_concepts`).
/// 5: whole words (`sme_words`, `investor_words`); Khmer n-grams no longer bridge a visible
/// space; a larger glossary (concept tokens change with it: bump when `data/glossary.tsv` does).
/// 6: the whole-word fields also hold the dictionary words of unspaced Khmer (`search::khmer`).
/// 7: and one-syllable Korean nouns behind a particle (쌀과 → 쌀; `korean::one_syllable_stem`).
/// 8: the glossary grows past 1,000 concepts (issue 11): new concept tokens.
/// 9: glossary forms from the cross-language evaluation's DEV half, one-syllable Khmer forms not
/// inside longer dictionary words, subscript RO typed first, Latin forms before Korean particles.
/// 10: round two on the DEV half: Korean forms of four syllables or more match spaced either
/// way, Korean forms marked as whole words (=미), new glossary forms.
/// 11: a change of script ends a whole word (ឆ្នាំ២០២៤ has the word ឆ្នាំ; before, a chunk that
/// mixed scripts gave no word at all).
/// 12: Khmer dictionary words from our own segmenter (the likeliest cut under word counts,
/// `search::khmer`), not ICU4X's longest-word-first one; so a one-syllable glossary form before
/// Khmer punctuation or a digit (ត្រី។) is a word there, and its concept token is indexed.
/// 13: glossary forms also match their other Khmer spelling (សំលៀកបំពាក់ for សម្លៀកបំពាក់,
/// `data/khmer_spelling_variants.tsv`) as whole words: new concept tokens.
/// 14: round three of glossary forms from the cross-language DEV half, against its blind
/// judgments (AI, 출간, 최고경영자, 컨설턴트, 공동벤처, 온라인쇼핑, សាជីវកម្ម, យានយន្ត).
/// 15: the words of a Korean compound are words of the text (대형마트 holds 마트:
/// `korean::compound_parts`).
/// 16: K-뷰티 and K뷰티 as forms of K-beauty (QA: the usual Korean spelling found 2 of 43);
/// a compound's words may be glossary forms (캐슈넛가공 holds 캐슈넛, 가공).
/// 17: "pay" is no form of payment ("it pays attention", QA).
/// 18: concepts a name mentions have a token of their own (`name:<id>`), and concept fields
/// keep no length: a profile naming many things no longer scores each of them lower (QA).
/// 19: an SME's section facet counts its secondary sectors' sections too, as the filter does.
/// 20: glossary forms an analyst typed and found nothing (QA): 팜슈가, 야자설탕 (palm sugar),
/// beauty and 뷰티 (cosmetics), 미용 (salon).
/// 21: readings an analyst met (QA): "developer" is no software development (property
/// developers), កញ្ចប់ and "package" no packaging (parcels), firewood no renewable energy, a
/// trading company no exporter.
/// 22: more readings QA met: a business named "Angkor" is not in Siem Reap (the temples are),
/// 창업 "founded" is no startup, 프로그램 and "application" (a training programme, a loan
/// application) no software.
/// 23: "medical" is healthcare and "educational" education (QA: `medical` found no investor
/// while 의료 found 5).
/// 24: "modifying a motorbike" (កែច្នៃម៉ូតូ) is no processing (QA: 식품가공업체 found 14
/// motorbike garages by កែច្នៃ).
/// 25–27: payment systems imply fintech; places are marked as such (see `git log`).
/// 28: a comma that groups thousands is part of the number (40,000 is the token 40000).
/// 29: a number said with Korean or Khmer units (5만, ៥សែន) is also the number (50000).
/// 30: rice noodles are a concept of their own, not every noodle (QA: 쌀국수 ranked marts
/// selling instant noodles 2nd to 5th); 라면 and មីកញ្ចប់ are instant noodles.
/// 31: a district's name is a place, not the concepts inside it (QA: Prasat Bakong was Bakong
/// the payment system).
/// 32: words QA met read wrongly: 양식 ("form") is no aquaculture, "tickets" (of a fund) no
/// ticketing, "chips" no snack, an entrepreneur no startup, a language named no language
/// school, a firm's or a lender's books no books; fruit jelly and ផ្លែឈើក្រៀម are found; 아동복지 "child welfare" holds no 아동복 "children's clothing"; KHQR and QR payment a concept of their own (not Bakong); K푸드, 포스기, and the
/// site's own spelling first for each province.
pub const SCHEMA_VERSION: u32 = 32;

/// FNV-1a hash of `data/glossary.tsv` and `data/districts.csv` as of [`SCHEMA_VERSION`]:
/// concept tokens are derived from them, so a test fails when either changes without a version
/// bump (and the old index would silently keep the old concepts).
pub const GLOSSARY_FINGERPRINT: u64 = 4_734_073_717_525_466_549;

/// Handles to every field, resolved once.
#[derive(Debug, Clone)]
pub struct Fields {
    pub kind: Field,
    /// The profile id as text: the delete term of an update.
    pub id: Field,
    /// The id's 128 bits, as two fast fields: a total order for keyset paging.
    pub id_hi: Field,
    pub id_lo: Field,
    /// Text fields per kind, so that word statistics (document frequency, BM25's idf) describe
    /// one side of the market: a match query asks how rare a word is among the candidates.
    pub sme_name: [Field; 3],
    pub sme_description: [Field; 3],
    pub investor_name: [Field; 3],
    pub investor_description: [Field; 3],
    /// The glossary concepts (`matching::glossary`) a profile's searchable texts mention, in any
    /// language, one untokenized id per concept, per kind like the text fields.
    pub sme_concepts: Field,
    pub investor_concepts: Field,
    /// Whole Khmer and Korean words of the searchable texts (`analyzer::whole_words`), one token
    /// each: a query word found whole outranks one found inside a longer word.
    pub sme_words: Field,
    pub investor_words: Field,
    /// ISIC codes a filter by sector prefix matches: every ancestor of the profile's classes
    /// (SMEs) or of the investor's interests.
    pub sector: Field,
    /// Investors only: the interest codes as given, or `*` for "every sector", so that a filter
    /// on a class also finds investors interested in its whole division or section.
    pub sector_exact: Field,
    pub province: Field,
    pub digital: Field,
    pub partnership: Field,
    pub language: Field,
    /// Capital sought (SME) or ticket (investor), open bounds as 0 and i64::MAX.
    pub usd_min: Field,
    pub usd_max: Field,
    pub facets: Field,
    // Fast fields for exact match scoring (see `search::features`). ISIC codes are stored as
    // their position in the compiled-in tree, provinces as 1–25 in national-code order.
    /// SMEs: the primary class.
    pub sector_node: Field,
    /// Investors: interests and exclusions.
    pub interest_nodes: Field,
    pub excluded_nodes: Field,
    /// SMEs: the province; investors: a bit per preferred province (0 = anywhere).
    pub province_idx: Field,
    pub province_mask: Field,
    /// SMEs: BASIC 0, INTERMEDIATE 1, ADVANCED 2; investors: a bit per wanted level (0 = any).
    pub digital_idx: Field,
    pub digital_mask: Field,
    /// Investors: a bit per incentive preference, in vocabulary order.
    pub incentive_mask: Field,
    /// Both: a bit per partnership type, in vocabulary order.
    pub partnership_mask: Field,
    /// SMEs: employees + 1 (0 = unknown).
    pub employees: Field,
    /// Capital sought or ticket as given (-1 = open), for the ticket feature.
    pub range_min: Field,
    pub range_max: Field,
}

/// Names of the text fields, as highlights report them (`name.km`, `description.en`).
pub fn text_field_label(kind: &str, lang: Lang) -> String {
    format!("{kind}.{}", lang.code())
}

impl Fields {
    pub fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let text = TextOptions::default().set_stored().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyzer::MULTI)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let money = NumericOptions::default().set_indexed().set_fast();
        let mut text_fields = |prefix: &str| -> [Field; 3] {
            Lang::ALL
                .map(|lang| b.add_text_field(&format!("{prefix}_{}", lang.code()), text.clone()))
        };
        let sme_name = text_fields("sme_name");
        let sme_description = text_fields("sme_description");
        let investor_name = text_fields("investor_name");
        let investor_description = text_fields("investor_description");
        // One token per concept id; frequencies for BM25, no positions (concepts are not
        // phrases).
        let concepts = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("raw")
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        // Concepts without a length: BM25's length norm marked down a concept of a profile that
        // names many (a garment maker's garment below a laundry's "clothes": QA).
        let concept_options = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("raw")
                .set_fieldnorms(false)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        let sme_concepts = b.add_text_field("sme_concepts", concept_options.clone());
        let investor_concepts = b.add_text_field("investor_concepts", concept_options);
        let sme_words = b.add_text_field("sme_words", concepts.clone());
        let investor_words = b.add_text_field("investor_words", concepts);
        let fields = Fields {
            kind: b.add_text_field("kind", STRING),
            id: b.add_text_field("id", STRING | STORED),
            id_hi: b.add_u64_field("id_hi", FAST),
            id_lo: b.add_u64_field("id_lo", FAST),
            sme_name,
            sme_description,
            investor_name,
            investor_description,
            sme_concepts,
            investor_concepts,
            sme_words,
            investor_words,
            sector: b.add_text_field("sector", STRING),
            sector_exact: b.add_text_field("sector_exact", STRING),
            province: b.add_text_field("province", STRING),
            digital: b.add_text_field("digital", STRING),
            partnership: b.add_text_field("partnership", STRING),
            language: b.add_text_field("language", STRING),
            usd_min: b.add_i64_field("usd_min", money.clone()),
            usd_max: b.add_i64_field("usd_max", money),
            facets: b.add_facet_field("facets", INDEXED),
            sector_node: b.add_u64_field("sector_node", FAST),
            interest_nodes: b.add_u64_field("interest_nodes", FAST),
            excluded_nodes: b.add_u64_field("excluded_nodes", FAST),
            province_idx: b.add_u64_field("province_idx", FAST),
            province_mask: b.add_u64_field("province_mask", FAST),
            digital_idx: b.add_u64_field("digital_idx", FAST),
            digital_mask: b.add_u64_field("digital_mask", FAST),
            incentive_mask: b.add_u64_field("incentive_mask", FAST),
            partnership_mask: b.add_u64_field("partnership_mask", FAST),
            employees: b.add_u64_field("employees", FAST),
            range_min: b.add_i64_field("range_min", FAST),
            range_max: b.add_i64_field("range_max", FAST),
        };
        (b.build(), fields)
    }

    /// The concept field of one kind.
    pub fn concepts(&self, kind: Kind) -> Field {
        match kind {
            Kind::Sme => self.sme_concepts,
            Kind::Investor => self.investor_concepts,
        }
    }

    /// The whole-word field of one kind.
    pub fn words(&self, kind: Kind) -> Field {
        match kind {
            Kind::Sme => self.sme_words,
            Kind::Investor => self.investor_words,
        }
    }

    /// The text fields of one kind with their labels, for queries and highlights.
    pub fn text_fields(&self, kind: Kind) -> Vec<(Field, String)> {
        let (name, description) = match kind {
            Kind::Sme => (self.sme_name, self.sme_description),
            Kind::Investor => (self.investor_name, self.investor_description),
        };
        let mut out = Vec::with_capacity(6);
        for (i, lang) in Lang::ALL.iter().enumerate() {
            out.push((name[i], text_field_label("name", *lang)));
            out.push((description[i], text_field_label("description", *lang)));
        }
        out
    }
}

/// The two kinds of profile in the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sme,
    Investor,
}

/// The two kinds of document, as the `kind` field stores them.
pub const KIND_SME: &str = "sme";
pub const KIND_INVESTOR: &str = "investor";
/// Marks "no preference" in multi-valued filter fields of investors.
pub const ANY: &str = "*";

/// FNV-1a (64 bits): a hash that is the same in every process and release, for fingerprints
/// (the glossary's) and tags (a search cursor's search).
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_glossary_bumps_the_schema_version() {
        // The districts' names are part of it: they hide the concept forms inside them.
        let now = fnv1a(
            &[
                include_bytes!("../../data/glossary.tsv").as_slice(),
                include_bytes!("../../data/districts.csv").as_slice(),
            ]
            .concat(),
        );
        assert_eq!(
            now, GLOSSARY_FINGERPRINT,
            "data/glossary.tsv or data/districts.csv changed: bump SCHEMA_VERSION (the index must be rebuilt with the \
             new concepts) and set GLOSSARY_FINGERPRINT to {now}"
        );
    }
}
