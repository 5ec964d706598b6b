//! Khmer word segmentation with a dictionary, for word-level evidence only.
//!
//! Khmer writes no space between words, so "is this query a word of the document" needs a
//! dictionary. The words are those of ICU's Khmer dictionary (compiled into the binary by
//! `icu_segmenter`'s `compiled_data`: nothing is read or downloaded at run time); the cut is
//! ours: the likeliest segmentation into those words under word counts taken from public Khmer
//! text (`data/khmer_word_counts.tsv`), a syllable no word covers being unlikely. ICU4X's own
//! dictionary segmenter takes the longest word from the left, which cuts ជាតិកម្ពុជា as
//! ជាតិក|ម្ពុ|ជា; against people's boundaries (khPOS, `eval_khmer_segmentation`) this one
//! is right more often. Its output is never the only way to find a text: the syllable n-grams of
//! `analyzer` still match wherever the syllables occur, so a word it splits wrongly is still
//! found; the words only decide what ranks first (`search::query`).

use std::collections::HashMap;
use std::sync::OnceLock;

use icu_collections::char16trie::{Char16Trie, TrieResult};
use icu_provider::{DataLocale, DataPayload, DataProvider, DataRequest, DataRequestMetadata};
use icu_segmenter::provider::{Baked, DictionaryForWordLineExtendedV1Marker};

thread_local! {
    /// ICU's Khmer dictionary: a trie of its words. One per thread: ICU4X 1.5's data handles
    /// are not `Sync` (without `icu_provider`'s `sync` feature), and loading one only points at
    /// static data. `None` only if the compiled-in data failed to load, which it does not: then
    /// no text has dictionary words, and search ranks by n-grams alone.
    static DICTIONARY: Option<DataPayload<DictionaryForWordLineExtendedV1Marker>> =
        "km".parse::<DataLocale>().ok().and_then(|locale| {
            Baked
                .load(DataRequest { locale: &locale, metadata: DataRequestMetadata::default() })
                .ok()?
                .take_payload()
                .ok()
        });
}

/// Longest passage segmented at once, in bytes: a longer one is segmented in windows of at most
/// this size, each ending where a syllable starts, so the work stays linear and small per call
/// (a window boundary is a forced cut, one in a thousand letters).
const MAX_PASSAGE_BYTES: usize = 3000;

/// Byte offsets where a word boundary falls inside `passage` (a run of Khmer letters with no
/// space, in the analyzer's spelling), excluding 0 and the end. Empty when the passage is one
/// word. Anything in it that is no Khmer letter or sign (punctuation, digits) is a piece of its
/// own, so a word before ។ or ៥ is still a word.
pub fn boundaries(passage: &str) -> Vec<usize> {
    boundaries_with(passage, costs())
}

/// The words of `passage` as [`boundaries`] cuts it, in order (the passage itself when it is
/// one word; none when it is empty).
pub fn words(passage: &str) -> Vec<&str> {
    let mut from = 0;
    let mut out = Vec::new();
    for at in boundaries(passage).into_iter().chain([passage.len()]) {
        if at > from {
            out.push(&passage[from..at]);
        }
        from = at;
    }
    out
}

/// [`boundaries`] under the given costs.
fn boundaries_with(passage: &str, costs: Costs) -> Vec<usize> {
    DICTIONARY.with(|dictionary| {
        let Some(d) = dictionary else {
            return Vec::new();
        };
        // Borrows the compiled-in trie: building it is free.
        let trie = Char16Trie::new(d.get().trie_data.clone());
        let mut cuts = Vec::new();
        let mut from = 0;
        while from < passage.len() {
            let to = window_end(passage, from);
            if from > 0 {
                cuts.push(from);
            }
            cuts.extend(starts(&pieces(&passage[from..to], &trie, costs)).map(|c| c + from));
            from = to;
        }
        cuts
    })
}

/// Where the window that starts at `from` ends: the passage's end when it is near, else the
/// last syllable start within [`MAX_PASSAGE_BYTES`] (or any character boundary, if none).
fn window_end(passage: &str, from: usize) -> usize {
    if passage.len() - from <= MAX_PASSAGE_BYTES {
        return passage.len();
    }
    let mut limit = from + MAX_PASSAGE_BYTES;
    while !passage.is_char_boundary(limit) {
        limit -= 1;
    }
    // `limit > from`: the window holds at least one character (see the assertion below).
    passage[from..limit]
        .char_indices()
        .rev()
        .map(|(i, _)| from + i)
        .find(|at| *at > from && super::analyzer::khmer_syllable_starts_at(passage, *at))
        .unwrap_or(limit)
}

// A window holds at least one character (4 bytes at most), so every window moves forward.
const _: () = assert!(MAX_PASSAGE_BYTES >= 4);

/// The boundaries between `pieces`.
fn starts(pieces: &[Piece]) -> impl Iterator<Item = usize> + '_ {
    pieces.iter().skip(1).map(|p| p.start)
}

/// What one piece of a segmentation is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A word of the dictionary.
    Word,
    /// Syllables no dictionary word covers (consecutive ones are one piece).
    Unknown,
    /// A character that is no Khmer letter or sign (punctuation, a digit): a piece of its own.
    Other,
}

/// One piece of a segmentation: a byte range of the passage.
#[derive(Clone, Copy, Debug)]
struct Piece {
    start: usize,
    end: usize,
    kind: Kind,
}

/// What a segmentation costs, per piece, in tenths of a nat (−10·ln p): the segmenter picks
/// the cheapest, i.e. the likeliest under a model of independent words.
#[derive(Clone, Copy, Debug)]
struct Costs<'a> {
    /// A dictionary word's cost by its spelling; `word` for one not listed.
    listed: Option<&'a HashMap<String, u32>>,
    /// A dictionary word not listed.
    word: u32,
    /// An orthographic syllable no dictionary word covers.
    unknown: u32,
}

impl Costs<'_> {
    /// Every dictionary word alike: the fewest words (maximal matching). Where training
    /// starts, and a row of the evaluation.
    #[cfg(test)]
    const UNIFORM: Costs<'static> = Costs {
        listed: None,
        word: 10,
        unknown: 15,
    };

    fn of(&self, word: &str) -> u32 {
        self.listed
            .and_then(|l| l.get(word).copied())
            .unwrap_or(self.word)
    }
}

/// The costs [`Costs`] borrows, owned: what word counts make of them.
struct Model {
    listed: HashMap<String, u32>,
    word: u32,
    unknown: u32,
}

impl Model {
    /// Costs from word counts: −10·ln(count / total), a listed word's count at least 1; a word
    /// not listed counts ½, an unknown syllable 1/20.
    fn from_counts(counts: &HashMap<String, u64>) -> Model {
        let total = counts.values().sum::<u64>().max(1) as f64;
        let cost = |count: f64| (10.0 * (total / count).ln()).round().max(0.0) as u32;
        let listed = counts
            .iter()
            .map(|(w, c)| (w.clone(), cost((*c).max(1) as f64)))
            .collect();
        Model {
            listed,
            word: cost(0.5),
            unknown: cost(0.05),
        }
    }

    fn costs(&self) -> Costs<'_> {
        Costs {
            listed: Some(&self.listed),
            word: self.word,
            unknown: self.unknown,
        }
    }
}

/// The costs the index uses: from `data/khmer_word_counts.tsv`, read once.
fn costs() -> Costs<'static> {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL
        .get_or_init(|| Model::from_counts(&word_counts()))
        .costs()
}

/// Whether `word` is a word of the dictionary, whole.
pub(crate) fn is_dictionary_word(word: &str) -> bool {
    DICTIONARY.with(|dictionary| {
        let Some(d) = dictionary else {
            return false;
        };
        let trie = Char16Trie::new(d.get().trie_data.clone());
        let mut walk = trie.iter();
        let mut last = TrieResult::NoMatch;
        for c in word.chars() {
            last = walk.next(c);
            if last == TrieResult::NoMatch {
                return false;
            }
        }
        matches!(
            last,
            TrieResult::Intermediate(_) | TrieResult::FinalValue(_)
        )
    })
}

/// How often each dictionary word occurs in public Khmer text (see the file's header).
const WORD_COUNTS: &str = include_str!("../../data/khmer_word_counts.tsv");

/// The rows of [`WORD_COUNTS`] (`word<TAB>count`; `#` comments and blank lines skipped; a word
/// listed twice counts both). The file is ours and checked by a test, so a bad row is skipped
/// rather than failing the index.
pub(crate) fn word_counts() -> HashMap<String, u64> {
    let mut counts: HashMap<String, u64> = HashMap::new();
    for (word, count) in WORD_COUNTS.lines().filter_map(count_row) {
        *counts.entry(word.to_string()).or_default() += count;
    }
    counts
}

fn count_row(line: &str) -> Option<(&str, u64)> {
    if line.starts_with('#') {
        return None;
    }
    let (word, count) = line.split_once('\t')?;
    Some((word, count.trim().parse().ok()?))
}

/// The pieces a Khmer passage can be cut into: its syllable starts (with the end) and the
/// dictionary words and unknown syllables between them, as edges of a graph whose paths are
/// the segmentations.
struct Lattice {
    /// Byte offsets where a piece may start or end: 0, each syllable start, each side of a
    /// character that is no Khmer letter or sign, the end.
    at: Vec<usize>,
    /// (from, to, cost, kind): indices into `at`, `to > from`; in order of `from`.
    edges: Vec<(usize, usize, u32, Kind)>,
}

impl Lattice {
    fn new(passage: &str, trie: &Char16Trie, costs: Costs) -> Lattice {
        let letter = super::analyzer::is_khmer_letter_or_sign;
        // Words start and end only where an orthographic syllable does.
        let mut at: Vec<usize> = Vec::new();
        let mut after_other = false;
        for (i, c) in passage.char_indices() {
            let other = !letter(c);
            if i == 0
                || other
                || after_other
                || super::analyzer::khmer_syllable_starts_at(passage, i)
            {
                at.push(i);
            }
            after_other = other;
        }
        at.push(passage.len());
        let mut edges = Vec::new();
        for k in 0..at.len() - 1 {
            let rest = &passage[at[k]..];
            if rest.chars().next().is_some_and(|c| !letter(c)) {
                edges.push((k, k + 1, 0, Kind::Other));
                continue;
            }
            edges.push((k, k + 1, costs.unknown, Kind::Unknown));
            let mut walk = trie.iter();
            for (offset, c) in rest.char_indices() {
                let end = at[k] + offset + c.len_utf8();
                match walk.next(c) {
                    TrieResult::NoMatch => break,
                    TrieResult::NoValue => {}
                    TrieResult::Intermediate(_) | TrieResult::FinalValue(_) => {
                        if let Ok(j) = at.binary_search(&end) {
                            edges.push((k, j, costs.of(&passage[at[k]..end]), Kind::Word));
                        }
                    }
                }
            }
        }
        debug_assert!(edges.windows(2).all(|w| w[0].0 <= w[1].0));
        Lattice { at, edges }
    }

    /// Per position, the cost of the cheapest path from it to the end.
    fn to_end(&self) -> Vec<u32> {
        let mut best = vec![u32::MAX; self.at.len()];
        best[self.at.len() - 1] = 0;
        // Edges are in order of their start and run left to right, so in reverse order every
        // edge's end is settled before the edge is read.
        for &(from, to, cost, _) in self.edges.iter().rev() {
            if best[to] != u32::MAX {
                best[from] = best[from].min(best[to].saturating_add(cost));
            }
        }
        best
    }
}

/// The cheapest segmentation of `passage` (at most [`MAX_PASSAGE_BYTES`] long), in order.
fn pieces(passage: &str, trie: &Char16Trie, costs: Costs) -> Vec<Piece> {
    let lattice = Lattice::new(passage, trie, costs);
    let to_end = lattice.to_end();
    let last = lattice.at.len() - 1;
    // From the start, the longest piece on a cheapest path: among segmentations of equal
    // cost, the one a reader scanning left to right takes (មួយ|ថា, not មួ|យថា), a dictionary
    // word before an unknown syllable of the same length. A run of unknown syllables is one
    // piece (a word the dictionary lacks).
    let mut out: Vec<Piece> = Vec::new();
    let mut k = 0;
    let mut e = 0;
    while k < last {
        while e < lattice.edges.len() && lattice.edges[e].0 < k {
            e += 1;
        }
        let mut next: Option<(usize, Kind)> = None;
        while e < lattice.edges.len() && lattice.edges[e].0 == k {
            let (_, to, cost, kind) = lattice.edges[e];
            let on_cheapest =
                to_end[to] != u32::MAX && to_end[to].saturating_add(cost) == to_end[k];
            let better = next.is_none_or(|(longest, was)| {
                to > longest || (to == longest && was == Kind::Unknown && kind != Kind::Unknown)
            });
            if on_cheapest && better {
                next = Some((to, kind));
            }
            e += 1;
        }
        let Some((to, kind)) = next else { break };
        match out.last_mut() {
            Some(piece) if kind == Kind::Unknown && piece.kind == Kind::Unknown => {
                piece.end = lattice.at[to]
            }
            _ => out.push(Piece {
                start: lattice.at[k],
                end: lattice.at[to],
                kind,
            }),
        }
        k = to;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(passage: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut from = 0;
        for at in boundaries(passage).into_iter().chain([passage.len()]) {
            out.push(&passage[from..at]);
            from = at;
        }
        out
    }

    #[test]
    fn the_dictionary_finds_words_in_unspaced_khmer() {
        // "We buy paddy" and "scandal": the words, not syllables.
        assert_eq!(words("យើងទិញស្រូវ"), ["យើង", "ទិញ", "ស្រូវ"]);
        assert!(!words("អាស្រូវ").contains(&"ស្រូវ"), "{:?}", words("អាស្រូវ"));
        assert_eq!(words("ស្រូវ"), ["ស្រូវ"]);
        assert!(boundaries("").is_empty());
        // The dictionary loaded (a failure would silently give no words).
        assert!(DICTIONARY.with(Option::is_some));
        // Text that is no Khmer gets no words, only cuts between its characters, never an error.
        assert!(boundaries("中文分词")
            .iter()
            .all(|at| "中文分词".is_char_boundary(*at)));
        // Issue 11's traps: the longer words are one word, the short ones words of their own.
        assert_eq!(words("រឿងអាស្រូវ"), ["រឿងអាស្រូវ"]);
        assert_eq!(words("លក់អាលុយមីញ៉ូមនិងលុយ"), ["លក់", "អាលុយមីញ៉ូម", "និង", "លុយ"]);
        assert_eq!(words("ទាក់ទាញទាប"), ["ទាក់ទាញ", "ទាប"]);
        assert_eq!(words("ចិញ្ចឹមទា"), ["ចិញ្ចឹម", "ទា"]);
    }

    #[test]
    fn the_likeliest_cut_beats_the_longest_word_first() {
        // ICU4X's own segmenter takes the longest word from the left and is left with pieces:
        // ជាតិក|ម្ពុ|ជា. The likeliest segmentation reads "national Cambodia".
        assert_eq!(words("ជាតិកម្ពុជា"), ["ជាតិ", "កម្ពុជា"]);
        // Two words either way (មួយ|ថា, មួ|យថា): the word counts pick the common one.
        assert_eq!(words("មួយថា"), ["មួយ", "ថា"]);
        // A loanword the dictionary lacks ("online") is cut into the one-syllable words it
        // happens to spell: why the words only rank and the syllable n-grams still decide
        // what is found.
        assert_eq!(words("លក់អនឡាញ"), ["លក់", "អន", "ឡា", "ញ"]);
        assert_eq!(words("ហ្វេសប៊ុក"), ["ហ្វេ", "ស", "ប៊ុ", "ក"]);
        // ICU4X's cut was ទានិ|ងមា|ន់ ("duck and chicken").
        assert_eq!(words("ទានិងមាន់"), ["ទា", "និង", "មាន់"]);
        // Punctuation and digits are pieces of their own: the word before them is a word.
        assert_eq!(words("ត្រី។"), ["ត្រី", "។"]);
        assert_eq!(words("ត្រី៥គីឡូ"), ["ត្រី", "៥", "គីឡូ"]);
        // Word boundaries only where an orthographic syllable starts: never before a subscript
        // or a dependent vowel.
        for passage in ["ប្រតិបត្តិការ", "ការប្រកួតប្រជែង", "សហគ្រាសធុនតូចនិងមធ្យម"]
        {
            for at in boundaries(passage) {
                assert!(
                    crate::search::analyzer::khmer_syllable_starts_at(passage, at),
                    "{passage} cut at {at}"
                );
            }
        }
        // A long unspaced passage is segmented in windows: words all along it.
        let long = "យើងទិញស្រូវ".repeat(200);
        assert!(long.len() > 2 * MAX_PASSAGE_BYTES);
        let words = words(&long);
        assert!(words.len() >= 590, "{}", words.len());
        assert!(
            words.iter().all(|w| w.len() <= "ស្រូវ".len() * 2),
            "{words:?}"
        );
    }

    #[test]
    fn the_word_counts_file_is_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for (n, line) in WORD_COUNTS.lines().enumerate() {
            if line.starts_with('#') {
                continue;
            }
            let row = count_row(line);
            assert!(row.is_some_and(|(_, c)| c >= 1), "line {}: {line:?}", n + 1);
            let word = row.map_or("", |(w, _)| w);
            assert!(
                !word.is_empty()
                    && word
                        .chars()
                        .all(crate::search::analyzer::is_khmer_letter_or_sign),
                "line {}: {line:?}",
                n + 1
            );
            assert!(seen.insert(word), "line {}: {word} twice", n + 1);
        }
    }

    #[test]
    fn the_word_counts_are_read_and_make_common_words_cheap() {
        let costs = costs();
        let listed = costs.listed.map_or(0, HashMap::len);
        assert!(listed > 10_000, "{listed} words listed");
        // បាន ("did/get") is among the commonest words, ស្រូវ ("paddy") rarer; a word not listed
        // costs more than any listed one, an unknown syllable more still.
        assert!(costs.of("បាន") < costs.of("ស្រូវ"));
        assert!(costs.of("ស្រូវ") < costs.word);
        assert!(costs.word < costs.unknown);
    }
}

#[cfg(test)]
mod eval {
    use std::collections::HashMap;

    use super::*;
    use crate::search::analyzer::{self, public_eval};

    #[derive(Default)]
    struct Counts {
        predicted: usize,
        predicted_right: usize,
        gold: usize,
        gold_found: usize,
        words: usize,
        words_right: usize,
        gold_words: usize,
        gold_words_found: usize,
    }

    /// The maximal runs of Khmer letters and signs in `text`, as byte ranges.
    fn khmer_runs(text: &str) -> Vec<(usize, usize)> {
        let mut runs = Vec::new();
        let mut start = None;
        for (at, c) in text.char_indices().chain([(text.len(), ' ')]) {
            match (
                start,
                at < text.len() && analyzer::is_khmer_letter_or_sign(c),
            ) {
                (None, true) => start = Some(at),
                (Some(s), false) => {
                    runs.push((s, at));
                    start = None;
                }
                _ => {}
            }
        }
        runs
    }

    /// One segmenter's boundaries against the annotators', inside each run of Khmer letters;
    /// a boundary inside a marked compound counts as right, not as missed. The segmenter reads
    /// the run in the analyzer's spelling, as in the index, and its cuts count where they fall
    /// on a syllable start (`analyzer::khmer_dictionary_words` drops the others).
    fn score(eval: &public_eval::PublicEval, segment: &dyn Fn(&str) -> Vec<usize>) -> Counts {
        let mut n = Counts::default();
        for doc in &eval.docs {
            let text = doc.text.as_str();
            for (a, b) in khmer_runs(text) {
                let whole: Vec<usize> = doc
                    .cuts
                    .iter()
                    .copied()
                    .filter(|c| *c > a && *c < b)
                    .collect();
                let any: Vec<usize> = whole
                    .iter()
                    .copied()
                    .chain(doc.inner_cuts.iter().copied().filter(|c| *c > a && *c < b))
                    .collect();
                let (spelling, syllables) = analyzer::khmer_spelling(&text[a..b]);
                let predicted: Vec<usize> = segment(&spelling)
                    .into_iter()
                    .filter_map(|c| syllables.iter().find(|(at, _)| *at == c))
                    .map(|(_, source)| a + source)
                    .filter(|c| *c > a)
                    .collect();
                n.predicted += predicted.len();
                n.predicted_right += predicted.iter().filter(|c| any.contains(c)).count();
                n.gold += whole.len();
                n.gold_found += whole.iter().filter(|c| predicted.contains(c)).count();
                let pieces = |cuts: &[usize]| -> Vec<(usize, usize)> {
                    let mut points = vec![a];
                    points.extend_from_slice(cuts);
                    points.push(b);
                    points.windows(2).map(|w| (w[0], w[1])).collect()
                };
                let gold_words = pieces(&whole);
                let words = pieces(&predicted);
                n.words += words.len();
                n.words_right += words
                    .iter()
                    .filter(|(s, e)| {
                        (*s == a || any.contains(s))
                            && (*e == b || any.contains(e))
                            && !whole.iter().any(|c| c > s && c < e)
                    })
                    .count();
                n.gold_words += gold_words.len();
                n.gold_words_found += gold_words.iter().filter(|w| words.contains(w)).count();
            }
        }
        n
    }

    fn print_score(name: &str, n: &Counts) {
        let r = |a: usize, b: usize| a as f64 / b.max(1) as f64;
        println!(
            "{name:<34} {:>10.3}  {:>8.3}  {:>6.3}  {:>6.3}",
            r(n.predicted_right, n.predicted),
            r(n.gold_found, n.gold),
            r(n.words_right, n.words),
            r(n.gold_words_found, n.gold_words),
        );
    }

    const HEADER: &str =
        "segmenter                          boundary P  boundary R  word P  word R";

    /// ICU4X's own dictionary segmenter (the one this module replaced), for comparison.
    fn greedy(passage: &str) -> Vec<usize> {
        thread_local! {
            static GREEDY: icu_segmenter::WordSegmenter =
                icu_segmenter::WordSegmenter::new_dictionary();
        }
        GREEDY.with(|s| {
            s.segment_str(passage)
                .filter(|at| *at > 0 && *at < passage.len())
                .collect()
        })
    }

    /// Word boundaries of the segmenters against the annotators' (khPOS, when
    /// `tests/data/khpos_eval.json` has been built): `cargo test --lib eval_khmer_segmentation
    /// -- --nocapture`.
    #[test]
    fn eval_khmer_segmentation() {
        let Some(eval) = public_eval::khpos() else {
            println!("SKIPPED: tests/data/khpos_eval.json is absent (tests/data/khpos_eval.py)");
            return;
        };
        println!("{HEADER}");
        let greedy = score(&eval, &greedy);
        print_score("ICU4X dictionary (greedy)", &greedy);
        print_score(
            "fewest words",
            &score(&eval, &|p| boundaries_with(p, Costs::UNIFORM)),
        );
        let chosen = score(&eval, &boundaries);
        print_score("word counts (chosen)", &chosen);
        // At the measured level (README): right more often than ICU4X's own cut, at both ends.
        let ratio = |a: usize, b: usize| a as f64 / b.max(1) as f64;
        assert!(ratio(chosen.predicted_right, chosen.predicted) >= 0.97);
        assert!(ratio(chosen.gold_found, chosen.gold) >= 0.91);
        assert!(ratio(chosen.words_right, chosen.words) > ratio(greedy.words_right, greedy.words));
    }

    /// Builds `data/khmer_word_counts.tsv` from raw Khmer text (run by hand, see the file's
    /// header): `KHKR_KHMER_CORPUS=<dir of .txt> cargo test --lib khmer_word_counts --
    /// --ignored --nocapture`. Spaces are removed first, so the counts come from this
    /// segmenter's own reading of the text (hard EM from the fewest-words segmentation), not
    /// from whoever put the spaces in.
    #[test]
    #[ignore = "builds data/khmer_word_counts.tsv from a corpus on disk"]
    fn khmer_word_counts() {
        let dir = std::env::var("KHKR_KHMER_CORPUS").unwrap_or_else(|_| "/tmp/oscar".into());
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        files.sort();
        let mut passages: Vec<String> = Vec::new();
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{file:?}: {e}"));
            for line in text.lines() {
                let joined: String = line.chars().filter(|c| !c.is_whitespace()).collect();
                for (a, b) in khmer_runs(&joined) {
                    let (run, _) = analyzer::khmer_spelling(&joined[a..b]);
                    if !run.is_empty() && run.len() <= MAX_PASSAGE_BYTES {
                        passages.push(run);
                    }
                }
            }
        }
        println!("{} files, {} passages", files.len(), passages.len());
        let khpos = public_eval::khpos();
        DICTIONARY.with(|d| {
            let d = d.as_ref().unwrap_or_else(|| panic!("no dictionary"));
            train(
                &passages,
                &Char16Trie::new(d.get().trie_data.clone()),
                khpos.as_ref(),
            );
        });
    }

    fn train(passages: &[String], trie: &Char16Trie, khpos: Option<&public_eval::PublicEval>) {
        let mut model: Option<Model> = None;
        let mut counts: HashMap<String, u64> = HashMap::new();
        for round in 1..=ROUNDS {
            let costs = model.as_ref().map_or(Costs::UNIFORM, Model::costs);
            counts.clear();
            for p in passages {
                for piece in pieces(p, trie, costs) {
                    if piece.kind == Kind::Word {
                        *counts
                            .entry(p[piece.start..piece.end].to_string())
                            .or_default() += 1;
                    }
                }
            }
            let next = Model::from_counts(&counts);
            if let Some(eval) = khpos {
                let costs = next.costs();
                if round == 1 {
                    println!("{HEADER}");
                }
                print_score(
                    &format!("round {round}: {} words", counts.len()),
                    &score(eval, &|p| starts(&pieces(p, trie, costs)).collect()),
                );
            }
            model = Some(next);
        }
        println!(
            "{} words read in all; {} kept (read at least {MIN_COUNT} times)",
            counts.values().sum::<u64>(),
            counts.values().filter(|c| **c >= MIN_COUNT).count()
        );
        let mut rows: Vec<(&String, &u64)> =
            counts.iter().filter(|(_, c)| **c >= MIN_COUNT).collect();
        rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let mut out = String::from(COUNTS_HEADER);
        for (word, count) in rows {
            out.push_str(&format!("{word}\t{count}\n"));
        }
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/khmer_word_counts.tsv");
        std::fs::write(path, out).unwrap_or_else(|e| panic!("{path}: {e}"));
    }

    const ROUNDS: usize = 3;
    const MIN_COUNT: u64 = 2;
    const COUNTS_HEADER: &str = "\
# Khmer word counts for the segmenter of src/search/khmer.rs: how often that segmenter reads each
# word of ICU's Khmer dictionary in public Khmer web text (hard EM: 3 rounds from the
# fewest-words cut; spaces are removed first, so the counts do not come from whoever put them
# in). Words read at least twice (the last round also counted the others, so the index's costs
# differ slightly from that round's). Only counts are kept, no text.
# Source: OSCAR 2019, Khmer, deduplicated (Ortiz Suarez, Sagot and Romary; packaging CC0, texts
# from Common Crawl), as split into files by github.com/phylypo/khmer-text-data at commit
# 9088dc7: oscar/seg_data/oscar_kh_1.txt to oscar_kh_5.txt.
# Rebuild (about 10 s):
#   for n in 1 2 3 4 5; do git -C <clone> show 9088dc7:oscar/seg_data/oscar_kh_$n.txt > /tmp/oscar/oscar_kh_$n.txt; done
#   KHKR_KHMER_CORPUS=/tmp/oscar cargo test --lib khmer_word_counts -- --ignored --nocapture
";
}
