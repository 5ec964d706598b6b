//! Whether a word is everyday text in its language, or could point at one business.
//!
//! The description guard ([`super::visibility`]) refuses an ANONYMOUS SME's description that
//! holds a distinctive word of its hidden name ("Snorkelwhistle repairs motorbikes"), but not
//! the everyday words names are made of (golden, palm sugar, 좋은, ផ្កាយ). Which is which comes
//! from how often the word is read in public text:
//! - English and Korean: wordfreq's lists of words read at least once per million
//!   (`data/common-words/`, CC BY-SA 4.0; `build.py` there says how they were made);
//! - Khmer: the word counts the segmenter already uses (`data/khmer_word_counts.tsv`).

use std::collections::HashSet;
use std::sync::OnceLock;

fn english() -> &'static HashSet<&'static str> {
    crate::search::english_words()
}

fn khmer() -> &'static HashSet<String> {
    static WORDS: OnceLock<HashSet<String>> = OnceLock::new();
    WORDS.get_or_init(|| crate::search::khmer::word_counts().into_keys().collect())
}

/// Whether `word` (lower-cased, as the guard reads text) is everyday text: digits; a Khmer
/// word whose every dictionary piece is read in public Khmer text; a Latin or Korean word that
/// is a listed word, or listed words run together (handicraft, 케이뷰티, ricemill). `also`
/// names further everyday words (glossary forms, places) that the lists may lack.
///
/// A Latin piece is four letters or more (with an English plural's `s` taken off), a Korean
/// one two syllables or more: shorter ones would make nearly any word "run together" (권혜진
/// is not 권 + 혜진, zenora is not zen + ora).
pub fn is_common(word: &str, also: &dyn Fn(&str) -> bool) -> bool {
    if word.is_empty() || word.chars().all(|c| c.is_ascii_digit()) || also(word) {
        return true;
    }
    // A listed word whole, however short; pieces of a longer one are four letters or more
    // (QA round 3: "zenora" passed as "zen" + "ora", "kamvia" as "kam" + "via").
    if word.chars().all(|c| c.is_ascii_lowercase()) && listed_english(word) {
        return true;
    }
    if word
        .chars()
        .any(crate::search::analyzer::is_khmer_letter_or_sign)
    {
        return crate::search::khmer::words(word)
            .iter()
            .all(|p| khmer().contains(*p) || also(p));
    }
    // An adjective or a noun with a one-syllable ending or particle (좋은, 행복한, 한빛은):
    // wordfreq lists Korean stems apart from their endings.
    if let Some(stem) = word.strip_suffix(KOREAN_ENDINGS) {
        if stem.chars().all(crate::search::korean::is_syllable)
            && !stem.is_empty()
            && (crate::search::korean::is_listed(stem) || is_common(stem, also))
        {
            return true;
        }
    }
    // reach[at][free]: word[..at] splits into everyday pieces, `free` of them (at most one)
    // a short one: a Korean syllable no piece covers (팜 of 팜슈가 "palm sugar", a loanword
    // written together; never a whole word, so 소카 "Sokha" stays a name), or a listed Latin
    // word of three letters (tea of milktea; two of them made "zenora" zen + ora).
    // Whether word[..at] splits into everyday pieces, for each char boundary `at`.
    let ends: Vec<usize> = word
        .char_indices()
        .map(|(i, _)| i)
        .skip(1)
        .chain([word.len()])
        .collect();
    let mut reach = vec![[false; 2]; word.len() + 1];
    reach[0][0] = true;
    for from in std::iter::once(0).chain(ends.iter().copied()) {
        for free in 0..2 {
            if !reach[from][free] {
                continue;
            }
            // A piece is at most MAX_PIECE_CHARS long (the lists' words are shorter), so the
            // search is linear in the word: trying every piece of a long word was cubic (QA: a
            // description "@treetree…" of 1,600 letters took 15 s, of 4,900 over ten minutes).
            for &to in ends.iter().filter(|&&to| to > from).take(MAX_PIECE_CHARS) {
                let piece = &word[from..to];
                if is_piece(piece, also) {
                    reach[to][free] = true;
                } else if free == 0 && is_short_piece(piece) {
                    reach[to][1] = true;
                }
            }
        }
    }
    reach[word.len()].contains(&true)
}

/// The longest piece [`is_common`] tries: longer than any word of the lists that matters here.
const MAX_PIECE_CHARS: usize = 24;

/// A piece a longer word may hold once (see [`is_common`]): one Hangul syllable, or a listed
/// Latin word of three letters.
fn is_short_piece(piece: &str) -> bool {
    let count = piece.chars().count();
    (count == 1 && piece.chars().all(crate::search::korean::is_syllable))
        || (count == 3
            && piece.chars().all(|c| c.is_ascii_lowercase())
            && english().contains(piece))
}

/// One-syllable endings and particles after a Korean stem: adnominal 은/는/ㄴ-forms of
/// adjectives and verbs (좋은, 맛있는, 행복한, 된, 할), and the particles a name's word may carry.
const KOREAN_ENDINGS: &[char] = &[
    '은', '는', '을', '를', '의', '인', '한', '할', '된', '이', '가', '와', '과', '에', '도', '로',
];

fn is_piece(piece: &str, also: &dyn Fn(&str) -> bool) -> bool {
    let count = piece.chars().count();
    if piece.chars().all(|c| c.is_ascii_digit()) {
        return true;
    }
    if piece.chars().all(|c| c.is_ascii_lowercase()) {
        return count >= 4 && (listed_english(piece) || also(piece));
    }
    if piece.chars().all(crate::search::korean::is_syllable) {
        return count >= 2 && (crate::search::korean::is_listed(piece) || also(piece));
    }
    false
}

/// Whether a lower-case Latin word is in the English list, as it is or without an English
/// plural's `s`.
fn listed_english(word: &str) -> bool {
    english().contains(word)
        || word
            .strip_suffix('s')
            .is_some_and(|w| english().contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn common(word: &str) -> bool {
        is_common(word, &|_| false)
    }

    #[test]
    fn everyday_words_are_common_and_made_up_names_are_not() {
        for w in [
            "golden",
            "palm",
            "sugar",
            "lucky",
            "bakery",
            "ricemill",
            "cafes",
            "2024",
            "화장품",
            "케이뷰티",
            "커피",
            "좋은",
            "행복한",
            "맛있는",
            "팜슈가",
            "ស្ករ",
            "ត្នោត",
            "ផ្កាយមាស",
        ] {
            assert!(common(w), "{w}");
        }
        for w in [
            "snorkelwhistle",
            "veasna",
            "phkachhouk",
            "썸낭",
            "스노클휘슬",
            "zenora",
            "kamvia",
            "zq7",
        ] {
            assert!(!common(w), "{w}");
        }
        // What the caller adds counts too.
        assert!(is_common("veasna", &|w| w == "veasna"));
    }

    #[test]
    fn the_lists_are_read() {
        assert!(english().len() > 20_000, "{}", english().len());
        assert!(
            crate::search::korean::is_listed("마트") && crate::search::korean::is_listed("화장품")
        );
        assert!(khmer().len() > 10_000, "{}", khmer().len());
    }
}
