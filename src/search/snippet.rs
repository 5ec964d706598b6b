//! Highlight passages that begin and end on a word.
//!
//! tantivy cuts a passage where its first and last matching tokens start and end. Latin tokens
//! are words, but a Khmer or Korean token is a syllable n-gram, so a passage could begin in the
//! middle of a word (QA, a Khmer owner: "ងកាហ្វេ…", the tail of លក់ដូរ). A passage is widened to
//! the edges of the words it cuts: for Khmer, the words of the dictionary segmenter
//! ([`super::khmer`]); for other scripts, the letters between spaces and punctuation.

use std::ops::Range;

use tantivy::snippet::{collapse_overlapped_ranges, Snippet};

use super::analyzer::{is_khmer_letter_or_sign, khmer_spelling};

/// Most characters a passage is widened by at either end. A longer "word" (an unspaced Korean
/// sentence, Khmer letters the dictionary has no word for) keeps tantivy's cut, with its "…".
const MAX_WIDEN_CHARS: usize = 24;

/// Most bytes of a Khmer run on either side of a cut that are segmented to find the word there:
/// enough for the dictionary's cut near the middle to be the one the whole run would get.
const KHMER_CONTEXT_BYTES: usize = 300;

/// `snippet` of `text` (the field's text, trimmed, as the generator read it) as HTML: its
/// passage widened to whole words, the matches in `<b>`, and "…" where text was left out.
pub(crate) fn passage_html(text: &str, snippet: &Snippet, words: &[String]) -> String {
    if text.get(snippet.fragment_range()) != Some(snippet.fragment()) {
        // Not the text the snippet was made from: nothing to widen against.
        return snippet.to_html();
    }
    widened_html(text, snippet.fragment_range(), snippet.highlighted(), words)
}

/// `lit` of `text` in `<b>`, with about `context` characters on either side, widened to words:
/// a passage made without tantivy (a glossary concept's place in a text).
pub(crate) fn around_html(text: &str, lit: Range<usize>, context: usize) -> String {
    let start = text[..lit.start]
        .char_indices()
        .rev()
        .nth(context)
        .map_or(0, |(at, _)| at);
    let end = text[lit.end..]
        .char_indices()
        .nth(context)
        .map_or(text.len(), |(at, _)| lit.end + at);
    let lit = lit.start - start..lit.end - start;
    widened_html(text, start..end, std::slice::from_ref(&lit), &[])
}

/// The passage `range` of `text`, with `lit` (offsets in the passage) lit, widened to words.
fn widened_html(text: &str, range: Range<usize>, lit: &[Range<usize>], words: &[String]) -> String {
    let mut start = occurrence_around(text, range.start, words).map_or_else(
        || word_start(text, range.start),
        |o| o.start.min(range.start),
    );
    // Not from the punctuation that ended the sentence before (QA: "…, Sophea Dental").
    if start > 0 {
        let first_lit = lit
            .iter()
            .map(|r| r.start + range.start)
            .min()
            .unwrap_or(range.end);
        let rest = text[start..].trim_start_matches(|c: char| {
            c.is_whitespace() || matches!(c, ',' | '.' | ';' | ':' | '។' | '៕')
        });
        start = (text.len() - rest.len()).min(first_lit).max(start);
    }
    let end = occurrence_around(text, range.end, words)
        .map_or_else(|| word_end(text, range.end), |o| o.end.max(range.end));
    let mut html = String::with_capacity(end - start + 16);
    if !text[..start].trim().is_empty() {
        html.push('…');
    }
    let mut from = start;
    let lit: Vec<Range<usize>> = lit
        .iter()
        .map(|r| on_khmer_words(text, r.start + range.start..r.end + range.start, words))
        .filter(|r| r.start < r.end)
        .collect();
    for lit in collapse_overlapped_ranges(&lit) {
        if lit.start < from || lit.end > end {
            continue;
        }
        html.push_str(&escape_html(&text[from..lit.start]));
        html.push_str("<b>");
        html.push_str(&escape_html(&text[lit.clone()]));
        html.push_str("</b>");
        from = lit.end;
    }
    html.push_str(&escape_html(&text[from..end]));
    if !text[end..].trim().is_empty() {
        html.push('…');
    }
    html.trim().to_string()
}

/// A match in Khmer text moved onto the dictionary's words (QA, a Khmer owner: "ហា<b>ងតែ</b>",
/// "<b>ស្វាយច</b>ន្ទី"): the analyzer reads syllables, and a final consonant (ង of ហាង) reads as
/// the start of the next one, so a match began or ended inside a word. An edge inside an
/// occurrence of a query word goes to that occurrence's edge; an edge inside a dictionary word
/// goes inwards, off the piece of a word the match only grazes, or outwards to the word's edge
/// when that word is, or is part of, a query word. Any other word a match only grazes keeps the
/// match as it is: widened, a stray syllable lit the whole of ការិយាល័យ "office" for
/// ហាងកាហ្វេ, and ទឹកកក "ice" for ទឹកដោះគោ "milk" (QA round 2). Matches in other scripts are
/// left as they are (전자 inside 전자기기 is what matched, and shows so).
fn on_khmer_words(text: &str, lit: Range<usize>, words: &[String]) -> Range<usize> {
    let khmer_at = |at: usize| {
        text[..at]
            .chars()
            .next_back()
            .is_some_and(is_khmer_letter_or_sign)
            && text[at..]
                .chars()
                .next()
                .is_some_and(is_khmer_letter_or_sign)
    };
    // A word of a query word, not a longer word holding one: ទា "duck" inside ឥណទាន "credit"
    // stays lit as the part it is (the page says such hits hold the word only inside another).
    let asked = |word: &str| words.iter().any(|w| !w.is_empty() && w.contains(word));
    let mut start = lit.start;
    if let Some(o) = occurrence_around(text, start, words) {
        start = o.start;
    } else if khmer_at(start) {
        let (word_from, word_to) = word_around(text, start);
        if word_to < lit.end {
            start = word_to;
        } else if asked(&text[word_from..word_to]) {
            start = word_from;
        }
    }
    let mut end = lit.end;
    if let Some(o) = occurrence_around(text, end, words) {
        end = o.end;
    } else if khmer_at(end) {
        let (word_from, word_to) = word_around(text, end);
        if word_from > start {
            end = word_from;
        } else if asked(&text[word_from..word_to]) {
            end = word_to;
        }
    }
    start..end.max(start)
}

/// The occurrence of a query word in `text` that `at` falls strictly inside, if any: a passage
/// or a match is not cut there whatever the dictionary says (QA: អនឡាញ "online", which the
/// dictionary lacks, was shown as "…អន<b>ឡាញ</b>").
fn occurrence_around(text: &str, at: usize, words: &[String]) -> Option<Range<usize>> {
    words
        .iter()
        .filter(|w| w.chars().count() >= 2)
        .find_map(|w| {
            let from = floor_char_boundary(text, at.saturating_sub(w.len()));
            let to = ceil_char_boundary(text, (at + w.len()).min(text.len()));
            text[from..to]
                .match_indices(w.as_str())
                .map(|(i, _)| from + i..from + i + w.len())
                .find(|o| o.start < at && at < o.end)
        })
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// Text as HTML text: what a passage holds outside its `<b>`.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Where the word that `at` cuts begins (`at` itself when it cuts none).
fn word_start(text: &str, at: usize) -> usize {
    word_around(text, at).0
}

/// Where the word that `at` cuts ends (`at` itself when it cuts none).
fn word_end(text: &str, at: usize) -> usize {
    word_around(text, at).1
}

/// Where the word that `at` cuts begins and ends: in Khmer by the dictionary's cut, elsewhere
/// by the letters around it; either edge `at` itself when it cuts no word, or when the word
/// reaches more than [`MAX_WIDEN_CHARS`] away on that side.
fn word_around(text: &str, at: usize) -> (usize, usize) {
    let (Some(before), Some(after)) = (text[..at].chars().next_back(), text[at..].chars().next())
    else {
        return (at, at);
    };
    let near = |edge: usize| {
        let (a, b) = (edge.min(at), edge.max(at));
        text[a..b].chars().count() <= MAX_WIDEN_CHARS
    };
    if is_khmer_letter_or_sign(before) && is_khmer_letter_or_sign(after) {
        let (run, cuts) = khmer_cuts_around(text, at);
        let start = cuts
            .iter()
            .copied()
            .chain([run.start])
            .filter(|c| *c <= at)
            .max();
        let end = cuts
            .iter()
            .copied()
            .chain([run.end])
            .filter(|c| *c >= at)
            .min();
        return (
            start.filter(|c| near(*c)).unwrap_or(at),
            end.filter(|c| near(*c)).unwrap_or(at),
        );
    }
    if !in_word_at(text, at - before.len_utf8()) || !in_word_at(text, at) {
        return (at, at);
    }
    // The first character that is no part of the word on each side, within reach.
    let start = text[..at]
        .char_indices()
        .rev()
        .take(MAX_WIDEN_CHARS + 1)
        .find(|(i, _)| !in_word_at(text, *i))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = text[at..]
        .char_indices()
        .take(MAX_WIDEN_CHARS + 1)
        .find(|(i, _)| !in_word_at(text, at + i))
        .map_or(text.len(), |(i, _)| at + i);
    (
        Some(start).filter(|c| near(*c)).unwrap_or(at),
        Some(end).filter(|c| near(*c)).unwrap_or(at),
    )
}

/// Whether the character at byte `at` of `text` is part of a word: a letter, digit or mark,
/// or a comma, point, hyphen or apostrophe between two letters or digits (QA: a passage ended
/// "USD 40,…" for 40,000, and "province-…").
fn in_word_at(text: &str, at: usize) -> bool {
    let Some(c) = text[at..].chars().next() else {
        return false;
    };
    in_word(c)
        || (matches!(c, ',' | '.' | '-' | '\'' | '’')
            && text[..at].chars().next_back().is_some_and(in_word)
            && text[at + c.len_utf8()..]
                .chars()
                .next()
                .is_some_and(in_word))
}

/// A letter, digit or mark of a word written with spaces between words.
fn in_word(c: char) -> bool {
    c.is_alphanumeric() || is_khmer_letter_or_sign(c) || (!c.is_whitespace() && is_mark(c))
}

/// A combining mark (accents, Hangul tone marks): part of the letter before it.
fn is_mark(c: char) -> bool {
    matches!(u32::from(c), 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// The run of Khmer letters around `at` (at most [`KHMER_CONTEXT_BYTES`] on either side, from
/// a syllable's start), and the dictionary's word boundaries inside it, in `text`'s offsets.
fn khmer_cuts_around(text: &str, at: usize) -> (Range<usize>, Vec<usize>) {
    let mut start = at;
    for (i, c) in text[..at].char_indices().rev() {
        if !is_khmer_letter_or_sign(c) || at - i > KHMER_CONTEXT_BYTES {
            break;
        }
        start = i;
    }
    // A window that does not reach the run's start begins on a syllable.
    while start < at
        && text[..start]
            .chars()
            .next_back()
            .is_some_and(is_khmer_letter_or_sign)
        && !super::analyzer::khmer_syllable_starts_at(text, start)
    {
        start += text[start..].chars().next().map_or(1, char::len_utf8);
    }
    let mut end = at;
    for (i, c) in text[at..].char_indices() {
        if !is_khmer_letter_or_sign(c) || i > KHMER_CONTEXT_BYTES {
            break;
        }
        end = at + i + c.len_utf8();
    }
    let (spelt, syllables) = khmer_spelling(&text[start..end]);
    let cuts = super::khmer::boundaries(&spelt)
        .into_iter()
        .filter_map(|cut| {
            syllables
                .iter()
                .find(|(in_spelt, _)| *in_spelt == cut)
                .map(|(_, in_run)| start + in_run)
        })
        .collect();
    (start..end, cuts)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The passage tantivy would cut from `from` to `to` of `text` with `lit` lit, as HTML.
    fn widened(text: &str, passage: &str, lit: &str) -> String {
        widened_for(text, passage, lit, lit)
    }

    /// [`widened`] for a search of `query`.
    fn widened_for(text: &str, passage: &str, lit: &str, query: &str) -> String {
        let from = text.find(passage).expect("passage in text");
        let at = passage.find(lit).expect("lit in passage");
        let lit = at..at + lit.len();
        widened_html(
            text,
            from..from + passage.len(),
            std::slice::from_ref(&lit),
            &[query.to_string()],
        )
    }

    #[test]
    fn tantivys_own_passage_is_widened() {
        use tantivy::tokenizer::TokenStream as _;

        // The real generator, with the analyzer's own terms for កាហ្វេ, and room for little
        // more than the word: its passage starts inside ហាងលក់.
        let text = "យើងជាហាងលក់កាហ្វេល្អ ហើយយើងមានភេសជ្ជៈជាច្រើនប្រភេទទៀតនៅភ្នំពេញ";
        let mut analyzer = crate::search::analyzer::analyzer();
        let mut terms = std::collections::BTreeMap::new();
        {
            let mut stream = analyzer.token_stream("កាហ្វេ");
            while let Some(token) = stream.next() {
                terms.insert(token.text.clone(), 1.0);
            }
        }
        let field = tantivy::schema::Schema::builder().add_text_field("t", tantivy::schema::TEXT);
        let generator = tantivy::snippet::SnippetGenerator::new(terms, analyzer, field, 12);
        let snippet = generator.snippet(text);
        assert!(!snippet.is_empty());
        let html = passage_html(text, &snippet, &["កាហ្វេ".to_string()]);
        let shown = html.replace("<b>", "").replace("</b>", "");
        let shown = shown.trim_matches('…');
        let at = text.find(shown).expect("the passage is the text's");
        let words = crate::search::khmer::words("យើងជាហាងលក់កាហ្វេល្អ");
        let mut edges = vec![0];
        for w in words {
            edges.push(edges.last().copied().unwrap_or(0) + w.len());
        }
        // The test is of something: tantivy's own passage began inside a word.
        assert!(
            !edges.contains(&snippet.fragment_range().start),
            "{}",
            snippet.fragment()
        );
        assert!(edges.contains(&at), "{html} begins inside a word");
        assert!(html.contains("<b>"), "{html}");
    }

    #[test]
    fn a_khmer_passage_begins_and_ends_on_words() {
        // ហាងលក់កាហ្វេ "coffee shop": tantivy's passage began at ង, inside ហាង.
        let text = "យើងជាហាងលក់កាហ្វេល្អ នៅភ្នំពេញ";
        assert_eq!(widened(text, "ងលក់កាហ្វេល្", "កាហ្វេ"), "…ហាងលក់<b>កាហ្វេ</b>ល្អ…");
    }

    #[test]
    fn a_khmer_match_is_lit_on_whole_words() {
        // QA's cases: a final consonant lit with the next word, and half of a word lit.
        let text = "ហាងតែទឹកដោះគោ";
        assert_eq!(widened(text, text, "ងតែ"), "ហាង<b>តែ</b>ទឹកដោះគោ");
        let text = "រោងចក្រកែច្នៃគ្រាប់ស្វាយចន្ទីល្អ";
        assert_eq!(
            widened_for(text, text, "ស្វាយច", "ស្វាយចន្ទី"),
            "រោងចក្រកែច្នៃគ្រាប់<b>ស្វាយចន្ទី</b>ល្អ"
        );
        assert_eq!(
            widened_for(text, text, "យចន្ទី", "ស្វាយចន្ទី"),
            "រោងចក្រកែច្នៃគ្រាប់<b>ស្វាយចន្ទី</b>ល្អ"
        );
        // A stray syllable inside a word that is no query word stays as it matched: widened,
        // it lit whole words nobody searched for (QA round 2: ការិយាល័យ "office" for
        // ហាងកាហ្វេ, ទឹកកក "ice" for ទឹកដោះគោ "milk").
        assert_eq!(
            widened_for("និងការិយាល័យ", "និងការិយាល័យ", "កា", "ហាងកាហ្វេ"),
            "និង<b>កា</b>រិយាល័យ"
        );
        assert_eq!(
            widened_for("ទឹកកកនិងទឹកដោះគោ", "ទឹកកកនិងទឹកដោះគោ", "ទឹក", "ទឹកដោះគោ"),
            "<b>ទឹក</b>កកនិងទឹកដោះគោ"
        );
        // A query word inside a longer word stays lit as a part of it.
        assert_eq!(
            widened_for("សេវាឥណទានពិសេស", "សេវាឥណទានពិសេស", "ទា", "ទា"),
            "សេវាឥណ<b>ទា</b>នពិសេស"
        );
        // A query word the dictionary lacks is not cut (QA round 2: "…អន<b>ឡាញ</b>").
        assert_eq!(
            widened_for("យើងលក់អនឡាញ នៅខេត្តបាត់ដំបង", "ឡាញ នៅខេត្ត", "ឡាញ", "អនឡាញ"),
            "…<b>អនឡាញ</b> នៅខេត្តបាត់ដំបង"
        );
        // Korean is lit as it matched.
        let text = "전자기기 판매";
        assert_eq!(widened(text, text, "전자"), "<b>전자</b>기기 판매");
    }

    #[test]
    fn a_korean_or_latin_passage_begins_and_ends_on_words() {
        let text = "저희는 화장품제조 전문 기업입니다";
        assert_eq!(widened(text, "장품제", "품"), "…화장<b>품</b>제조…");
        let text = "we export cashew nuts";
        assert_eq!(widened(text, "ort cash", "cash"), "…export <b>cash</b>ew…");
        // A number or a hyphenated word is one word; a passage does not begin on a comma.
        let text = "It is raising around USD 40,000 in Kandal province-wide now";
        assert_eq!(
            widened(text, "raising around USD 40", "raising"),
            "…<b>raising</b> around USD 40,000…"
        );
        assert_eq!(
            widened(text, "Kandal province", "Kandal"),
            "…<b>Kandal</b> province-wide…"
        );
        let text = "Best in town, Sophea Dental Clinic";
        assert_eq!(widened(text, ", Sophea", "Sophea"), "…<b>Sophea</b>…");
    }

    #[test]
    fn a_passage_on_words_already_is_kept() {
        let text = "ផលិត កាហ្វេ ល្អ";
        assert_eq!(widened(text, "កាហ្វេ", "កាហ្វេ"), "…<b>កាហ្វេ</b>…");
        assert_eq!(widened(text, text, "ល្អ"), "ផលិត កាហ្វេ <b>ល្អ</b>");
    }
}
