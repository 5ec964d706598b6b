//! Khmer words with two spellings of one sound: NIKAHIT (ំ) closing a syllable before a
//! consonant, or MO (ម) with that consonant written below it: សំរាប់ / សម្រាប់ "for",
//! តំលៃ / តម្លៃ "price", សំភារៈ / សម្ភារៈ "materials", ជំងឺ / ជម្ងឺ "disease". Both are common in
//! real text (the same UDHR translation writes សម្រាប់ three times and សំរាប់ once), and a search
//! for one must find the other, as a search for subscript DA finds subscript TA.
//!
//! They do not render alike, and not every NIKAHIT before a consonant alternates: អំពី "about"
//! and ដំណើរ "journey" have no MO spelling, and ធំ "big" ends a word before the next one. So the
//! analyzer writes a NIKAHIT spelling as the MO spelling only for the pairs of syllables of the
//! words listed in `data/khmer_spelling_variants.tsv`: words whose two spellings are both words
//! of ICU's Khmer dictionary (see the file's header). The rewrite keeps the number of
//! syllables (សំ|រា|ប់ becomes ស|ម្រា|ប់), so positions, phrases and highlights are unchanged.
//!
//! Pure: the list is compiled in.

use std::collections::HashSet;
use std::sync::OnceLock;

use super::analyzer::{khmer_syllable_texts, COENG};

/// The Khmer sign NIKAHIT (ំ).
pub(crate) const NIKAHIT: char = '\u{17C6}';
/// The Khmer consonant MO (ម).
const MO: char = '\u{1798}';

/// The list: `MO spelling<TAB>NIKAHIT spelling<TAB>…` (see the file's header).
const VARIANTS: &str = include_str!("../../data/khmer_spelling_variants.tsv");

/// The pairs of syllables, in the analyzer's normalised spelling, that are the NIKAHIT
/// spelling of a listed word: the first syllable (a consonant with NIKAHIT) followed by the
/// second, as one string.
pub struct Variants {
    nikahit_pairs: HashSet<String>,
}

/// The compiled-in list, read once.
pub fn variants() -> &'static Variants {
    static VARIANTS_READ: OnceLock<Variants> = OnceLock::new();
    VARIANTS_READ.get_or_init(|| Variants::parse(VARIANTS))
}

/// A consonant that can be written below MO (ក … អ).
fn is_consonant(c: char) -> bool {
    matches!(u32::from(c), 0x1780..=0x17A2)
}

/// Whether `first` is one consonant with NIKAHIT (សំ) and `second` a syllable that can take
/// MO before it as a subscript: it starts with a consonant and has no subscript or ROBAT of its
/// own (those would have to be ordered around the new subscript).
fn is_nikahit_pair(first: &str, second: &str) -> bool {
    let mut f = first.chars();
    let simple =
        matches!((f.next(), f.next(), f.next()), (Some(c), Some(NIKAHIT), None) if is_consonant(c));
    simple
        && second.chars().next().is_some_and(is_consonant)
        && !second.chars().any(|c| c == COENG || c == '\u{17CC}')
}

impl Variants {
    /// The pairs of each row whose two spellings differ only where NIKAHIT before a consonant
    /// stands for MO over it; other rows give nothing (a test checks that none does).
    fn parse(data: &str) -> Variants {
        let mut nikahit_pairs = HashSet::new();
        for row in data
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let mut cols = row.split('\t');
            let (Some(mo), Some(nikahit)) = (cols.next(), cols.next()) else {
                continue;
            };
            nikahit_pairs.extend(row_pairs(mo, nikahit));
        }
        Variants { nikahit_pairs }
    }

    /// Whether the syllable `first` followed by `second` (normalised spelling) is the NIKAHIT
    /// spelling of a listed word: then it is written `first` without NIKAHIT and `second` with
    /// MO over it ([`mo_spelling`]).
    pub fn folds(&self, first: &str, second: &str, key: &mut String) -> bool {
        if !is_nikahit_pair(first, second) {
            return false;
        }
        key.clear();
        key.push_str(first);
        key.push_str(second);
        self.nikahit_pairs.contains(key.as_str())
    }

    /// The other spelling of a Khmer text given as its syllables (normalised), when it has
    /// listed pairs in either spelling: every listed pair written the other way. None when it
    /// has none. For the glossary, which matches its forms against text as written.
    pub fn other_spelling(&self, syllables: &[String]) -> Option<String> {
        let mut out = String::new();
        let mut changed = false;
        let mut key = String::new();
        let mut i = 0;
        while i < syllables.len() {
            let (first, second) = (&syllables[i], syllables.get(i + 1));
            if let Some(second) = second {
                if self.folds(first, second, &mut key) {
                    let (a, b) = mo_spelling(first, second);
                    out.push_str(&a);
                    out.push_str(&b);
                    changed = true;
                    i += 2;
                    continue;
                }
                let listed = nikahit_spellings(first, second)
                    .into_iter()
                    .find(|(a, b)| self.folds(a, b, &mut key));
                if let Some((a, b)) = listed {
                    out.push_str(&a);
                    out.push_str(&b);
                    changed = true;
                    i += 2;
                    continue;
                }
            }
            out.push_str(first);
            i += 1;
        }
        changed.then_some(out)
    }
}

/// The Khmer consonants DA and TA: subscript DA is written as subscript TA in the analyzer's
/// normalised spelling (they look alike).
const DA: char = '\u{178A}';
const TA: char = '\u{178F}';

/// The MO spelling of a NIKAHIT pair of syllables: សំ, រា → ស, ម្រា (normalised: DA below MO
/// is written TA, សំ, ដែ → ស, ម្តែ).
pub fn mo_spelling(first: &str, second: &str) -> (String, String) {
    let first: String = first.chars().filter(|c| *c != NIKAHIT).collect();
    let mut second_mo = String::with_capacity(second.len() + 6);
    second_mo.push(MO);
    second_mo.push(COENG);
    match second.strip_prefix(DA) {
        Some(rest) => {
            second_mo.push(TA);
            second_mo.push_str(rest);
        }
        None => second_mo.push_str(second),
    }
    (first, second_mo)
}

/// The NIKAHIT spellings a MO pair of syllables may have (ស, ម្រា → សំ, រា), when it is one:
/// a bare consonant followed by MO with a consonant below it. Two when that consonant is TA,
/// which may have been DA (ស, ម្តី → សំ, តី or សំ, ដី).
fn nikahit_spellings(first: &str, second: &str) -> Vec<(String, String)> {
    let mut f = first.chars();
    if !matches!((f.next(), f.next()), (Some(c), None) if is_consonant(c)) {
        return Vec::new();
    }
    let Some(rest) = second.strip_prefix(MO).and_then(|r| r.strip_prefix(COENG)) else {
        return Vec::new();
    };
    let mut nikahit = String::from(first);
    nikahit.push(NIKAHIT);
    let mut out = vec![(nikahit.clone(), rest.to_string())];
    if let Some(after_ta) = rest.strip_prefix(TA) {
        out.push((nikahit, format!("{DA}{after_ta}")));
    }
    out.retain(|(a, b)| is_nikahit_pair(a, b));
    out
}

/// The NIKAHIT pairs (first and second syllable, as one string) where the NIKAHIT spelling
/// `nikahit` of a word differs from its MO spelling `mo`; empty when they differ otherwise.
fn row_pairs(mo: &str, nikahit: &str) -> Vec<String> {
    let (m, n) = (khmer_syllable_texts(mo), khmer_syllable_texts(nikahit));
    if m.len() != n.len() || m == n {
        return Vec::new();
    }
    let mut pairs = Vec::new();
    let mut i = 0;
    while i < n.len() {
        if m[i] == n[i] {
            i += 1;
            continue;
        }
        let Some(next) = n.get(i + 1) else {
            return Vec::new();
        };
        if !is_nikahit_pair(&n[i], next)
            || (m[i].clone(), m[i + 1].clone()) != mo_spelling(&n[i], next)
        {
            return Vec::new();
        }
        pairs.push(format!("{}{next}", n[i]));
        i += 2;
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syllables(text: &str) -> Vec<String> {
        khmer_syllable_texts(text)
    }

    #[test]
    fn every_row_is_a_nikahit_and_mo_pair_of_dictionary_words() {
        let mut rows = 0;
        for row in VARIANTS
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            rows += 1;
            let cols: Vec<&str> = row.split('\t').collect();
            let [mo, nikahit, ..] = cols[..] else {
                panic!("data/khmer_spelling_variants.tsv: {row:?}");
            };
            assert!(
                !row_pairs(mo, nikahit).is_empty(),
                "not a NIKAHIT/MO pair: {row:?}"
            );
            assert!(
                super::super::khmer::is_dictionary_word(mo),
                "{mo} not in the dictionary"
            );
            assert!(
                super::super::khmer::is_dictionary_word(nikahit),
                "{nikahit} not in the dictionary"
            );
        }
        assert!(rows >= 90, "{rows} rows");
    }

    #[test]
    fn the_two_spellings_are_each_other_s_other_spelling() {
        let v = variants();
        for (mo, nikahit) in [("សម្រាប់", "សំរាប់"), ("តម្លៃ", "តំលៃ"), ("សម្ភារៈ", "សំភារៈ")]
        {
            assert_eq!(v.other_spelling(&syllables(mo)).as_deref(), Some(nikahit));
            assert_eq!(v.other_spelling(&syllables(nikahit)).as_deref(), Some(mo));
        }
        // No MO spelling: left alone.
        // (Not កម្ពុជា: its ក|ម្ពុ is the MO spelling of កំពុង's first two syllables, and the
        // list is read by pairs of syllables.)
        for word in ["អំពី", "ដំណើរ", "ធំ", "ធម្មជាតិ"] {
            assert_eq!(v.other_spelling(&syllables(word)), None, "{word}");
        }
    }

    /// Builds data/khmer_spelling_variants.tsv from the dictionary and the word counts:
    /// `cargo test --lib khmer_spelling_variants_list -- --ignored --nocapture` (well under a
    /// second; writes the file and prints how many rows).
    #[test]
    #[ignore = "builds data/khmer_spelling_variants.tsv"]
    fn khmer_spelling_variants_list() {
        use super::super::khmer::{is_dictionary_word, word_counts};
        let counts = word_counts();
        let mut rows = std::collections::BTreeSet::new();
        for word in counts.keys() {
            let s = syllables(word);
            for i in 0..s.len().saturating_sub(1) {
                // The word in its MO spelling, with its NIKAHIT counterpart …
                for (a, b) in nikahit_spellings(&s[i], &s[i + 1]) {
                    let other: String = s[..i].concat() + &a + &b + &s[i + 2..].concat();
                    if is_dictionary_word(&other) {
                        rows.insert((word.clone(), other));
                    }
                }
                // … or in its NIKAHIT spelling, with its MO counterpart.
                if is_nikahit_pair(&s[i], &s[i + 1]) {
                    let (a, b) = mo_spelling(&s[i], &s[i + 1]);
                    let other: String = s[..i].concat() + &a + &b + &s[i + 2..].concat();
                    if is_dictionary_word(&other) {
                        rows.insert((other, word.clone()));
                    }
                }
            }
        }
        let count = |w: &str| counts.get(w).copied().unwrap_or(0);
        let mut out = String::from(HEADER);
        for (mo, nikahit) in &rows {
            out.push_str(&format!(
                "{mo}\t{nikahit}\t{}\t{}\n",
                count(mo),
                count(nikahit)
            ));
        }
        std::fs::write("data/khmer_spelling_variants.tsv", out)
            .unwrap_or_else(|e| panic!("data/khmer_spelling_variants.tsv: {e}"));
        println!("{} pairs", rows.len());
    }

    const HEADER: &str = "\
# Khmer words with two spellings of one sound: NIKAHIT before a consonant (សំរាប់) or MO with
# that consonant below it (សម្រាប់). The analyzer writes the NIKAHIT spelling of these words'
# syllables as the MO spelling, so a search for either finds both (src/search/khmer_variants.rs).
# A row is a word of data/khmer_word_counts.tsv (read in public Khmer web text) whose other
# spelling is also a word of ICU's Khmer dictionary (icu_segmenter 1.5 compiled data): both
# spellings are words, so the alternation is real. Built by
#   cargo test --lib khmer_spelling_variants_list -- --ignored --nocapture
# Columns: MO spelling, NIKAHIT spelling, how often each was read in that web text (counts of
# data/khmer_word_counts.tsv; 0: read fewer than twice).
";
}
