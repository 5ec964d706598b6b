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

/// Longest passage handed to the segmenter, in bytes: its work grows with the passage, and a
/// "word" of more than a few hundred bytes is garbage, not a word.
const MAX_PASSAGE_BYTES: usize = 3000;

/// Byte offsets where a word boundary falls inside `passage` (a run of Khmer letters with no
/// space, in the analyzer's spelling), excluding 0 and the end. Empty when the passage is one
/// word, or too long to segment.
pub fn boundaries(passage: &str) -> Vec<usize> {
    boundaries_with(passage, costs())
}

/// [`boundaries`] under the given costs.
fn boundaries_with(passage: &str, costs: Costs) -> Vec<usize> {
    if passage.len() > MAX_PASSAGE_BYTES {
        return Vec::new();
    }
    DICTIONARY.with(|dictionary| match dictionary {
        Some(d) => starts(&pieces(
            passage,
            &Char16Trie::new(d.get().trie_data.clone()),
            costs,
        )),
        None => Vec::new(),
    })
}

/// The boundaries between `pieces`.
fn starts(pieces: &[(usize, usize, bool)]) -> Vec<usize> {
    pieces.iter().skip(1).map(|(start, _, _)| *start).collect()
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

    /// Costs from word counts: −10·ln(count / total), a listed word's count at least 1; a word
    /// not listed counts ½, an unknown syllable 1/20.
    fn from_counts(counts: &HashMap<String, u64>) -> (HashMap<String, u32>, u32, u32) {
        let total = counts.values().sum::<u64>().max(1) as f64;
        let cost = |count: f64| (10.0 * (total / count).ln()).round().max(0.0) as u32;
        let listed = counts
            .iter()
            .map(|(w, c)| (w.clone(), cost(*c as f64)))
            .collect();
        (listed, cost(0.5), cost(0.05))
    }
}

/// The costs the index uses: from `data/khmer_word_counts.tsv`, read once.
fn costs() -> Costs<'static> {
    static MODEL: OnceLock<(HashMap<String, u32>, u32, u32)> = OnceLock::new();
    let (listed, word, unknown) = MODEL.get_or_init(|| {
        let counts: HashMap<String, u64> = WORD_COUNTS
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let (word, count) = l.split_once('\t')?;
                Some((word.to_string(), count.trim().parse().ok()?))
            })
            .collect();
        Costs::from_counts(&counts)
    });
    Costs {
        listed: Some(listed),
        word: *word,
        unknown: *unknown,
    }
}

/// How often each dictionary word occurs in public Khmer text (see the file's header).
const WORD_COUNTS: &str = include_str!("../../data/khmer_word_counts.tsv");

/// The pieces a Khmer passage can be cut into: its syllable starts (with the end) and the
/// dictionary words and unknown syllables between them, as edges of a graph whose paths are
/// the segmentations.
struct Lattice {
    /// Byte offsets where a word may start or end: 0, each syllable start, the end.
    at: Vec<usize>,
    /// (from, to, cost, unknown): indices into `at`; `to > from`.
    edges: Vec<(usize, usize, u32, bool)>,
}

impl Lattice {
    fn new(passage: &str, trie: &Char16Trie, costs: Costs) -> Lattice {
        // Words start and end only where an orthographic syllable does.
        let mut at: Vec<usize> = passage
            .char_indices()
            .map(|(i, _)| i)
            .filter(|i| *i == 0 || super::analyzer::khmer_syllable_starts_at(passage, *i))
            .collect();
        at.push(passage.len());
        let mut edges = Vec::new();
        for k in 0..at.len() - 1 {
            edges.push((k, k + 1, costs.unknown, true));
            let mut walk = trie.iter();
            for (offset, c) in passage[at[k]..].char_indices() {
                let end = at[k] + offset + c.len_utf8();
                match walk.next(c) {
                    TrieResult::NoMatch => break,
                    TrieResult::NoValue => {}
                    TrieResult::Intermediate(_) | TrieResult::FinalValue(_) => {
                        if let Ok(j) = at.binary_search(&end) {
                            edges.push((k, j, costs.of(&passage[at[k]..end]), false));
                        }
                    }
                }
            }
        }
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

/// The cheapest segmentation of `passage` as (start, end, unknown) byte ranges in order.
fn pieces(passage: &str, trie: &Char16Trie, costs: Costs) -> Vec<(usize, usize, bool)> {
    let lattice = Lattice::new(passage, trie, costs);
    let to_end = lattice.to_end();
    let last = lattice.at.len() - 1;
    // From the start, the longest piece on a cheapest path: among segmentations of equal
    // cost, the one a reader scanning left to right takes (មួយ|ថា, not មួ|យថា). A run of
    // unknown syllables is one piece (a word the dictionary lacks).
    let mut out: Vec<(usize, usize, bool)> = Vec::new();
    let mut k = 0;
    let mut e = 0;
    while k < last {
        while e < lattice.edges.len() && lattice.edges[e].0 < k {
            e += 1;
        }
        let mut next: Option<(usize, bool)> = None;
        while e < lattice.edges.len() && lattice.edges[e].0 == k {
            let (_, to, cost, unknown) = lattice.edges[e];
            let on_cheapest =
                to_end[to] != u32::MAX && to_end[to].saturating_add(cost) == to_end[k];
            if on_cheapest && next.is_none_or(|(longest, _)| to > longest) {
                next = Some((to, unknown));
            }
            e += 1;
        }
        let Some((to, unknown)) = next else { break };
        match out.last_mut() {
            Some(piece) if unknown && piece.2 => piece.1 = lattice.at[to],
            _ => out.push((lattice.at[k], lattice.at[to], unknown)),
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
        // Han text has no dictionary here: one piece, never an error.
        assert!(boundaries("中文分词").is_empty());
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
        assert_ne!(words("លក់អនឡាញ"), ["លក់", "អនឡាញ"]);
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
        // A passage too long to be text is not segmented (the work grows with it).
        assert!(boundaries(&"ក".repeat(MAX_PASSAGE_BYTES)).is_empty());
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

    fn is_khmer_letter_or_sign(c: char) -> bool {
        matches!(u32::from(c), 0x1780..=0x17D3 | 0x17DD)
    }

    /// The maximal runs of Khmer letters and signs in `text`, as byte ranges.
    fn khmer_runs(text: &str) -> Vec<(usize, usize)> {
        let mut runs = Vec::new();
        let mut start = None;
        for (at, c) in text.char_indices().chain([(text.len(), ' ')]) {
            match (start, at < text.len() && is_khmer_letter_or_sign(c)) {
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
    /// a boundary inside a marked compound counts as right, not as missed.
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
                let predicted: Vec<usize> =
                    segment(&text[a..b]).into_iter().map(|c| c + a).collect();
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
        assert!(
            ratio(chosen.words_right, chosen.words) > ratio(greedy.words_right, greedy.words)
        );
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
                    let run = analyzer::khmer_spelling(&joined[a..b]);
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
        let mut model: Option<(HashMap<String, u32>, u32, u32)> = None;
        let mut counts: HashMap<String, u64> = HashMap::new();
        for round in 1..=ROUNDS {
            let costs = match &model {
                None => Costs::UNIFORM,
                Some((listed, word, unknown)) => Costs {
                    listed: Some(listed),
                    word: *word,
                    unknown: *unknown,
                },
            };
            counts.clear();
            for p in passages {
                for (start, end, unknown) in pieces(p, trie, costs) {
                    if !unknown {
                        *counts.entry(p[start..end].to_string()).or_default() += 1;
                    }
                }
            }
            let next = Costs::from_counts(&counts);
            if let Some(eval) = khpos {
                let costs = Costs {
                    listed: Some(&next.0),
                    word: next.1,
                    unknown: next.2,
                };
                if round == 1 {
                    println!("{HEADER}");
                }
                print_score(
                    &format!("round {round}: {} words", counts.len()),
                    &score(eval, &|p| starts(&pieces(p, trie, costs))),
                );
            }
            model = Some(next);
        }
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
# in). Words read at least twice. Only counts are kept, no text.
# Source: OSCAR 2019, Khmer, deduplicated (Ortiz Suarez, Sagot and Romary; packaging CC0, texts
# from Common Crawl), as split into files by github.com/phylypo/khmer-text-data at commit
# 9088dc7: oscar/seg_data/oscar_kh_1.txt to oscar_kh_5.txt.
# Rebuild (about 10 s):
#   for n in 1 2 3 4 5; do git -C <clone> show 9088dc7:oscar/seg_data/oscar_kh_$n.txt > /tmp/oscar/oscar_kh_$n.txt; done
#   KHKR_KHMER_CORPUS=/tmp/oscar cargo test --lib khmer_word_counts -- --ignored --nocapture
";
}
