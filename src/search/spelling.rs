//! "Did you mean": the glossary's word nearest a misspelt query word.
//!
//! A search that finds nothing because a word is misspelt (cashw, 캐슈낫, កាហ្វែ) is a dead end
//! for a reader who does not know why: the page said "nothing found" and the owner tried
//! other words. The words people search for here are the trade's words, which the glossary
//! lists in the three languages; the nearest of them, by edits of letters (Latin, Khmer) or
//! of jamo (Hangul: one key pressed wrong changes one jamo of a syllable), is offered, and
//! only when it finds something (`query::search`). Pure: no index, no I/O.

use std::sync::OnceLock;

use super::korean;
use crate::matching::glossary::glossary;

/// A word's script, as the candidates are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Hangul,
    Khmer,
}

fn script_of(word: &str) -> Option<Script> {
    if word.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
        Some(Script::Latin)
    } else if word.chars().all(korean::is_syllable) {
        Some(Script::Hangul)
    } else if word.chars().all(super::analyzer::is_khmer_letter_or_sign) {
        Some(Script::Khmer)
    } else {
        None
    }
}

/// One candidate: the form as written, and the units it is compared by.
struct Candidate {
    form: String,
    units: Vec<char>,
}

/// The glossary's one-word forms by script, in the file's order.
fn candidates(script: Script) -> &'static [Candidate] {
    static ALL: OnceLock<[Vec<Candidate>; 3]> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        let mut by: [Vec<Candidate>; 3] = [Vec::new(), Vec::new(), Vec::new()];
        let mut seen = std::collections::HashSet::new();
        for c in glossary().concepts() {
            if c.id.starts_with('~') {
                continue;
            }
            for form in c.en.iter().chain(&c.km).chain(&c.ko) {
                // `=` marks a Korean form matched only as a word of its own.
                let form = form.trim_start_matches('=').to_lowercase();
                let Some(script) = script_of(&form) else {
                    continue;
                };
                if !seen.insert(form.clone()) {
                    continue;
                }
                let units = units(&form, script);
                by[script as usize].push(Candidate { form, units });
            }
        }
        by
    });
    &all[script as usize]
}

/// Whether `word` is a word of its language: on wordfreq's English or Korean list (an English
/// plural too), or in the Khmer dictionary.
fn is_a_word(word: &str, script: Script) -> bool {
    match script {
        Script::Latin => {
            let listed = super::english_words();
            listed.contains(word) || word.strip_suffix('s').is_some_and(|w| listed.contains(w))
        }
        // A compound of listed words is a word too: 식품가공업 "food processing business" was
        // offered 식품공업 "food industry" (QA).
        Script::Hangul => korean::is_listed(word) || !korean::compound_parts(word).is_empty(),
        Script::Khmer => super::khmer::is_dictionary_word(word),
    }
}

/// What a word is compared by: its letters, or for Hangul the jamo of its syllables.
fn units(word: &str, script: Script) -> Vec<char> {
    match script {
        Script::Hangul => word.chars().flat_map(jamo).collect(),
        _ => word.chars().collect(),
    }
}

/// A Hangul syllable's jamo (lead, vowel, and tail when it has one), by Unicode's arithmetic.
fn jamo(syllable: char) -> Vec<char> {
    let s = u32::from(syllable).wrapping_sub(0xAC00);
    if s >= 11_172 {
        return vec![syllable];
    }
    let (lead, vowel, tail) = (s / 588, (s % 588) / 28, s % 28);
    let mut out = vec![
        char::from_u32(0x1100 + lead).unwrap_or(syllable),
        char::from_u32(0x1161 + vowel).unwrap_or(syllable),
    ];
    if tail > 0 {
        out.push(char::from_u32(0x11A7 + tail).unwrap_or(syllable));
    }
    out
}

/// The most edits a word may be from its suggestion: one for short words, two for long ones
/// (a two-letter slip in a four-letter word is another word); `None` for words too short to
/// guess at.
fn allowed_edits(word: &str, script: Script) -> Option<usize> {
    let n = word.chars().count();
    match script {
        Script::Latin => match n {
            0..=3 => None,
            4..=6 => Some(1),
            _ => Some(2),
        },
        Script::Hangul => match n {
            0..=1 => None,
            2 => Some(1),
            _ => Some(2),
        },
        Script::Khmer => match n {
            0..=2 => None,
            3..=6 => Some(1),
            _ => Some(2),
        },
    }
}

/// Edits from `a` to `b` (insert, delete, substitute, or swap two neighbours), or `None` when
/// more than `max`.
fn edits(a: &[char], b: &[char], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for (j, cell) in d.iter_mut().enumerate().take(b.len() + 1) {
        *cell = j;
    }
    for i in 1..=a.len() {
        d[i * w] = i;
        let mut row_min = d[i * w];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
    }
    let v = d[a.len() * w + b.len()];
    (v <= max).then_some(v)
}

/// The glossary word nearest `word` (lower-case, as the query reads it), when one is close
/// enough and `word` is not one itself. A Korean word is compared without its particle or
/// ending (캐슈낫을 → 캐슈넛). Of equally near words, the one sharing the first letter, then
/// the glossary's order.
pub fn nearest(word: &str) -> Option<String> {
    let stems = korean::stems(word);
    let word = stems.first().map_or(word, String::as_str);
    let script = script_of(word)?;
    // A word of the language is spelt right, though the glossary lacks it: 바이오 "bio" is no
    // misspelt 바이어 "buyer", nor 소주 "soju" 수주 "order" (QA).
    if is_a_word(word, script) {
        return None;
    }
    let max = allowed_edits(word, script)?;
    let mine = units(word, script);
    let first = mine.first().copied();
    let mut best: Option<(usize, bool, &Candidate)> = None;
    for c in candidates(script) {
        let Some(d) = edits(&mine, &c.units, max) else {
            continue;
        };
        if d == 0 {
            return None;
        }
        let other_start = c.units.first().copied() != first;
        if best.is_none_or(|(bd, bo, _)| (d, other_start) < (bd, bo)) {
            best = Some((d, other_start, c));
        }
    }
    best.map(|(_, _, c)| c.form.clone())
}

/// The glossary's Khmer word that `word` is the unfinished start of: its last syllable lacks
/// a vowel or a subscript (QA: រោងចក for រោងចក្រ "factory" was cut into រោង + ចក and found
/// drying sheds; ស្វាយចន្ទ for ស្វាយចន្ទី "cashew" found mango farms). Only when what is
/// missing starts no syllable of its own, and `word` is no dictionary word; the shortest such
/// form.
fn completed(word: &str) -> Option<String> {
    if super::khmer::is_dictionary_word(word) {
        return None;
    }
    candidates(Script::Khmer)
        .iter()
        .filter(|c| c.form.len() > word.len() && c.form.starts_with(word))
        .filter(|c| {
            let rest = &c.form[word.len()..];
            rest.char_indices()
                .all(|(i, _)| !super::analyzer::khmer_syllable_starts_at(&c.form, word.len() + i))
                && !rest.contains(' ')
        })
        .min_by_key(|c| c.form.len())
        .map(|c| c.form.clone())
}

/// [`nearest`] for a word that may be several written together: an unspaced Khmer phrase
/// (លក់កាហ្វែនិងតែ: its misspelt piece respelt, លក់កាហ្វេនិងតែ) or a Korean compound of two
/// (캐스넛가공 → 캐슈넛가공). A Khmer phrase whose every piece is a dictionary word is spelt
/// right, and offered nothing unless the search found nothing (`weak`): លក់កាហ្វេ "sell coffee"
/// is no misspelt លីងកាហ្វេ "roast coffee" (QA), while កាហ្វ, cut by the dictionary into the
/// syllables កា and ហ្វ, is កាហ្វេ. One misspelt piece is respelt, the first.
pub fn respelt(word: &str, weak: bool) -> Option<String> {
    match script_of(word) {
        Some(Script::Khmer) => {
            if let Some(whole) = completed(word) {
                return Some(whole);
            }
            let pieces = super::analyzer::dictionary_words(word);
            if pieces.len() < 2 {
                return nearest(word);
            }
            let Some(bad) = pieces
                .iter()
                .position(|p| !super::khmer::is_dictionary_word(p))
            else {
                return if weak { nearest(word) } else { None };
            };
            // The longest run of pieces around the misspelt one (three at most) that is near a
            // glossary word: the slip of កាហ្វែ falls in its second piece, ហ្វែ, of កា + ហ្វែ,
            // and a piece alone is near too many short words.
            for len in (1..=3.min(pieces.len())).rev() {
                let first = bad.saturating_sub(len - 1);
                for start in first..=bad {
                    if start + len > pieces.len() {
                        break;
                    }
                    if let Some(fixed) = nearest(&pieces[start..start + len].concat()) {
                        return Some(format!(
                            "{}{fixed}{}",
                            pieces[..start].concat(),
                            pieces[start + len..].concat()
                        ));
                    }
                }
            }
            None
        }
        Some(Script::Hangul) => nearest(word).or_else(|| {
            let stems = korean::stems(word);
            let word = stems.first().map_or(word, String::as_str);
            // Spelt right as a whole: no piece of it is to be respelt (전자상거래 is no
            // 건재상 + 거래: QA).
            if is_a_word(word, Script::Hangul) || korean::is_glossary_form(word) {
                return None;
            }
            let chars: Vec<char> = word.chars().collect();
            let known = |w: &str| korean::is_listed(w) || korean::is_glossary_form(w);
            (2..chars.len().saturating_sub(1)).find_map(|cut| {
                let a: String = chars[..cut].iter().collect();
                let b: String = chars[cut..].iter().collect();
                if known(&b) {
                    nearest(&a).map(|a| a + &b)
                } else if known(&a) {
                    nearest(&b).map(|b| a + &b)
                } else {
                    None
                }
            })
        }),
        _ => nearest(word),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unfinished_khmer_word_is_offered_whole() {
        assert_eq!(respelt("រោងចក", false).as_deref(), Some("រោងចក្រ"));
        assert_eq!(respelt("ស្វាយចន្ទ", false).as_deref(), Some("ស្វាយចន្ទី"));
        // A word already, or a start that lacks a whole syllable: nothing to finish.
        assert_eq!(respelt("រោង", false), None);
        assert_eq!(respelt("ស្វាយ", false), None);
    }

    #[test]
    fn a_korean_compound_of_words_is_spelt_right() {
        for word in ["전자상거래", "식품가공업", "식품가공업체", "건재상거래"]
        {
            assert_eq!(respelt(word, false), None, "{word}");
            assert_eq!(respelt(word, true), None, "{word}");
        }
        // A slip in one of its words is still a slip.
        assert_eq!(respelt("캐스넛가공", false).as_deref(), Some("캐슈넛가공"));
    }

    #[test]
    fn a_misspelt_trade_word_is_offered_its_glossary_spelling() {
        assert_eq!(nearest("cashw").as_deref(), Some("cashew"));
        assert_eq!(nearest("casheww").as_deref(), Some("cashew"));
        assert_eq!(nearest("garmnet").as_deref(), Some("garment"));
        assert_eq!(nearest("cofee").as_deref(), Some("coffee"));
        // One jamo off (ㅓ typed as ㅏ), with a particle.
        assert_eq!(nearest("캐슈낫을").as_deref(), Some("캐슈넛"));
        assert_eq!(nearest("캐스넛").as_deref(), Some("캐슈넛"));
        assert_eq!(nearest("화장폼").as_deref(), Some("화장품"));
        // A glossary word is not corrected; short words and other scripts are not guessed at.
        assert_eq!(nearest("cashew"), None);
        assert_eq!(nearest("캐슈넛을"), None);
        assert_eq!(nearest("abc"), None);
        assert_eq!(nearest("sku-12"), None);
        assert_eq!(nearest("zzzzzzzz"), None);
    }

    /// The suggester against people's real misspellings, which the project did not write:
    /// Wikipedia's list of common misspellings (`tests/data/wikipedia_misspellings.txt`, its
    /// source and licence in its header). Of the pairs whose correct word the glossary has
    /// (a one-word form, or one with a plural s), how often the suggestion is that word (or any
    /// correction the line lists); of the others, how often something is suggested anyway
    /// (wrongly: the word meant is not one the glossary knows; the search offers it only when
    /// the typed word finds nothing and the suggestion finds something). Prints the figures;
    /// asserts floors under them.
    #[test]
    fn eval_did_you_mean() {
        let data = include_str!("../../tests/data/wikipedia_misspellings.txt");
        let known: std::collections::HashSet<&str> = candidates(Script::Latin)
            .iter()
            .map(|c| c.form.as_str())
            .collect();
        // The search reads a plural as its singular (potatos → potato is potatoes).
        let same = |a: &str, b: &str| {
            let plural = |long: &str, short: &str| {
                long.strip_suffix('s') == Some(short) || long.strip_suffix("es") == Some(short)
            };
            a == b || plural(a, b) || plural(b, a)
        };
        let (mut in_glossary, mut right, mut wrong, mut other, mut suggested) = (0, 0, 0, 0, 0);
        let mut misses = Vec::new();
        for line in data.lines().filter(|l| !l.starts_with('#')) {
            let Some((typo, fixes)) = line.split_once("->") else {
                continue;
            };
            let typo = typo.trim().to_lowercase();
            let fixes: Vec<String> = fixes.split(',').map(|f| f.trim().to_lowercase()).collect();
            let listed = fixes
                .iter()
                .any(|f| known.contains(f.as_str()) || known.contains(format!("{f}s").as_str()));
            let got = nearest(&typo);
            if listed {
                in_glossary += 1;
                match &got {
                    Some(g) if fixes.iter().any(|f| same(g, f)) => right += 1,
                    Some(g) => {
                        wrong += 1;
                        misses.push(format!("{typo} → {g} (meant {})", fixes.join(", ")));
                    }
                    None => misses.push(format!("{typo} → nothing (meant {})", fixes.join(", "))),
                }
            } else {
                other += 1;
                suggested += usize::from(got.is_some());
            }
        }
        let ratio = |a: usize, b: usize| a as f64 / b.max(1) as f64;
        println!(
            "misspellings of glossary words: {in_glossary}; right {right} ({:.2}), wrong {wrong} \
             ({:.2}), none {} ({:.2})",
            ratio(right, in_glossary),
            ratio(wrong, in_glossary),
            in_glossary - right - wrong,
            ratio(in_glossary - right - wrong, in_glossary)
        );
        println!(
            "misspellings of other words: {other}; a glossary word suggested for {suggested} ({:.2})",
            ratio(suggested, other)
        );
        for m in misses.iter().take(40) {
            println!("  {m}");
        }
        assert!(in_glossary >= 200, "{in_glossary}");
        // Measured 0.95 and 0.06; floors under them.
        assert!(
            ratio(right, in_glossary) >= 0.92,
            "{right} of {in_glossary}"
        );
        assert!(ratio(suggested, other) <= 0.08, "{suggested} of {other}");
    }

    #[test]
    fn a_phrase_written_unspaced_is_respelt_in_its_misspelt_piece() {
        // QA's cases: a slip inside an unspaced phrase or compound.
        assert_eq!(respelt("លក់កាហ្វែនិងតែ", false).as_deref(), Some("លក់កាហ្វេនិងតែ"));
        assert_eq!(respelt("캐스넛가공", true).as_deref(), Some("캐슈넛가공"));
        assert_eq!(respelt("화장퓸제조", true).as_deref(), Some("화장품제조"));
        // A phrase of real words is spelt right; a word the dictionary cuts into syllables is
        // respelt, as an unfinished word (`completed`) even when the search found something.
        assert_eq!(respelt("លក់កាហ្វេ", false), None);
        assert_eq!(respelt("កាហ្វេតែ", false), None);
        assert_eq!(respelt("កាហ្វ", true).as_deref(), Some("កាហ្វេ"));
        assert_eq!(respelt("កាហ្វ", false).as_deref(), Some("កាហ្វេ"));
    }

    #[test]
    fn edits_count_swaps_as_one() {
        let c = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(edits(&c("cahsew"), &c("cashew"), 2), Some(1));
        assert_eq!(edits(&c("cashew"), &c("cashew"), 0), Some(0));
        assert_eq!(edits(&c("rice"), &c("price"), 1), Some(1));
        assert_eq!(edits(&c("rice"), &c("pricey"), 1), None);
        assert_eq!(jamo('넛'), vec!['\u{1102}', '\u{1165}', '\u{11BA}']);
    }
}
