//! Khmer words with two spellings of one sound: NIKAHIT (ំ) closing a syllable before a
//! consonant, or MO (ម) with that consonant written below it: សំរាប់ / សម្រាប់ "for",
//! តំលៃ / តម្លៃ "price", សំភារៈ / សម្ភារៈ "materials", ជំងឺ / ជម្ងឺ "disease". Both are common in
//! real text (the same UDHR translation writes សម្រាប់ three times and សំរាប់ once), and a search
//! for one must find the other, as a search for subscript DA finds subscript TA.
//!
//! They do not render alike, and not every NIKAHIT before a consonant alternates (អំពី "about"
//! has no MO spelling). So the words are a list, `data/khmer_spelling_variants.tsv`: words whose
//! two spellings are both words of ICU's Khmer dictionary (see the file's header). The index
//! keeps text as written; a query word holding a listed word also searches its other spelling
//! (`search::query`), and a glossary form its other spelling as a word of its own
//! (`matching::glossary`). Rewriting the index instead, by pairs of syllables, was tried and
//! dropped: the pairs also occur across word boundaries (រៀបចំ|ការ "organise the …" holds ចំការ
//! "farm"), so the rewrite cost queries their own text.
//!
//! Pure: the list is compiled in.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::analyzer::khmer_syllable_texts;

/// The list: `MO spelling<TAB>NIKAHIT spelling<TAB>…` (see the file's header).
const VARIANTS: &str = include_str!("../../data/khmer_spelling_variants.tsv");

/// The listed words, each spelling to the other, in the analyzer's normalised spelling.
pub struct Variants {
    other: HashMap<String, String>,
    /// The most syllables a listed word has.
    longest: usize,
}

/// The compiled-in list, read once.
pub fn variants() -> &'static Variants {
    static READ: OnceLock<Variants> = OnceLock::new();
    READ.get_or_init(|| Variants::parse(VARIANTS))
}

/// The listed words: (MO spelling, NIKAHIT spelling).
#[cfg(test)]
pub(crate) fn listed() -> impl Iterator<Item = (&'static str, &'static str)> {
    rows(VARIANTS)
}

/// The rows of the list: (MO spelling, NIKAHIT spelling).
fn rows(data: &str) -> impl Iterator<Item = (&str, &str)> {
    data.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut cols = l.split('\t');
            Some((cols.next()?, cols.next()?))
        })
}

impl Variants {
    fn parse(data: &str) -> Variants {
        let mut other = HashMap::new();
        let mut longest = 0;
        for (mo, nikahit) in rows(data) {
            let (m, n) = (khmer_syllable_texts(mo), khmer_syllable_texts(nikahit));
            longest = longest.max(m.len()).max(n.len());
            let (m, n) = (m.concat(), n.concat());
            other.insert(m.clone(), n.clone());
            other.insert(n, m);
        }
        Variants { other, longest }
    }

    /// `text` (Khmer letters, in the analyzer's normalised spelling) with every listed word in
    /// it written the other way: listed words are read from the left on syllable boundaries,
    /// the longest first. None when it holds none.
    pub fn other_spelling(&self, text: &str) -> Option<String> {
        let syllables = khmer_syllable_texts(text);
        let mut out = String::with_capacity(text.len() + 8);
        let mut changed = false;
        let mut i = 0;
        while i < syllables.len() {
            let longest = self.longest.min(syllables.len() - i);
            let listed = (1..=longest).rev().find_map(|n| {
                let word = syllables[i..i + n].concat();
                self.other.get(&word).map(|o| (n, o))
            });
            match listed {
                Some((n, other)) => {
                    out.push_str(other);
                    changed = true;
                    i += n;
                }
                None => {
                    out.push_str(&syllables[i]);
                    i += 1;
                }
            }
        }
        changed.then_some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::analyzer::COENG;

    /// The Khmer sign NIKAHIT (ំ).
    const NIKAHIT: char = '\u{17C6}';
    /// The Khmer consonant MO (ម).
    const MO: char = '\u{1798}';

    /// The Khmer consonants DA and TA: subscript DA is written as subscript TA in the analyzer's
    /// normalised spelling (they look alike).
    const DA: char = '\u{178A}';
    const TA: char = '\u{178F}';

    /// A consonant that can be written below MO (ក … អ).
    fn is_consonant(c: char) -> bool {
        matches!(u32::from(c), 0x1780..=0x17A2)
    }

    /// Whether `first` is one consonant with NIKAHIT (សំ) and `second` a syllable that can take
    /// MO before it as a subscript: it starts with a consonant and has no subscript or ROBAT of its
    /// own (those would have to be ordered around the new subscript).
    fn is_nikahit_pair(first: &str, second: &str) -> bool {
        let mut f = first.chars();
        let simple = matches!((f.next(), f.next(), f.next()), (Some(c), Some(NIKAHIT), None) if is_consonant(c));
        simple
            && second.chars().next().is_some_and(is_consonant)
            && !second.chars().any(|c| c == COENG || c == '\u{17CC}')
    }

    /// The MO spelling of a NIKAHIT pair of syllables: សំ, រា → ស, ម្រា (normalised: DA below MO
    /// is written TA, សំ, ដែ → ស, ម្តែ).
    fn mo_spelling(first: &str, second: &str) -> (String, String) {
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
            assert_eq!(v.other_spelling(mo).as_deref(), Some(nikahit));
            assert_eq!(v.other_spelling(nikahit).as_deref(), Some(mo));
        }
        // Inside a longer text, each listed word (longest first): ការសំរេចចិត្ត, price tags.
        assert_eq!(
            v.other_spelling("ការសម្រេចចិត្តលើតម្លៃ").as_deref(),
            Some("ការសំរេចចិត្តលើតំលៃ")
        );
        // Listed words only: no MO spelling for these, nor for the unlisted កំពង់ (whose first
        // syllables are those of កំពុង's) or កម្ពុជា.
        for word in ["អំពី", "ដំណើរ", "ធំ", "ធម្មជាតិ", "កំពង់ចាម", "កម្ពុជា", "រៀបចំ"]
        {
            assert_eq!(v.other_spelling(word), None, "{word}");
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
