//! One text analyzer for every searchable text field, at index time and at query time.
//!
//! Profiles mix Khmer, Korean and English, often in one sentence ("ហាងលក់ Samsung និង Apple
//! អនឡាញ"). The analyzer cuts the text into runs of one script and treats each run its own way:
//!
//! * **Latin and other alphabetic scripts, digits**: words, lowercased, ASCII-folded (café →
//!   cafe) and stemmed for English (processing → process). Khmer digits are written as ASCII
//!   digits so that ១២០ finds 120.
//! * **Khmer**: no word segmenter. Khmer puts spaces between phrases, not words, and every
//!   segmenter we looked at splits some words wrongly (ICU and charabia break loanwords such as
//!   ហ្វេសប៊ុក and អនឡាញ into pieces and glue ទទួលការ together; a CRF segmenter splits others).
//!   Whatever a segmenter does, the document and the query may be split differently, and then a
//!   word index misses. Instead the run is cut into orthographic syllables (a base letter with its
//!   subscripts, vowels and signs), and every pair of neighbouring syllables becomes a token, with
//!   every single syllable stacked at the same position. A query goes through the same steps, so a
//!   phrase query for a word matches wherever its syllables occur in that order, however anybody
//!   would segment the sentence. Zero-width spaces and joiners inside a Khmer passage do not
//!   break the syllable chain, because segmenters put them in arbitrary places (អន​ឡាញ) and a
//!   reader does not see them; a visible space does (issue 11): a two-syllable query must not
//!   match the last syllable of one phrase and the first of the next (`តប` in "ត្រីងៀត បង្គា").
//!   A word written with a space inside (ហ្វេស ប៊ុក) is found by the same query with the space.
//!   Besides the n-grams, [`whole_words`] gives the whole Khmer and Korean words for a field of
//!   their own, so that a query word found whole ranks above one found inside a longer word:
//!   for Khmer, the chunks between spaces and the words a dictionary finds in them
//!   (`search::khmer`, ICU4X). The dictionary only ranks; it never decides what is found, for
//!   the reasons above.
//! * **Hangul**: overlapping syllable bigrams, as Lucene's CJK analyzer does, so 화장품 finds
//!   화장품을 and 유통업체 finds 유통업체와, plus every syllable as a unigram so that one-syllable
//!   nouns (쌀, 꿀) followed by a particle are found too. Conjoining jamo are composed to syllables
//!   for the tokens only; the stored text is untouched.
//! * **Han and kana**: bigrams, with a unigram for an isolated character.
//!
//! The unigram choices were measured on `tests/data/analyzer_eval.json`: see the test
//! `eval_recall_precision` (run it with `--nocapture` to print the table). With bigrams only, every
//! one-syllable query (ត្រី fish, នំ cake, 쌀 rice, 꿀 honey) misses the documents where the word
//! is followed by more text; adding unigrams brings recall to 1.0 for a few false positives such as
//! ត្រីមាស (quarter) for ត្រី and 자동차 (car) for 차 (tea). Multi-syllable queries are unaffected,
//! since their unigrams are implied by their bigrams.
//!
//! Positions: within a run, the token built on syllable `i` is at position `first + i`, so a
//! multi-syllable word becomes a phrase query that tantivy matches exactly. Offsets are byte
//! offsets into the original text (a token spanning a joined space covers the space too).

use std::ops::Range;

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer,
    TokenizerManager,
};

/// Name under which [`register`] puts the analyzer; give it to every text field's
/// `TextFieldIndexing::set_tokenizer`.
pub const MULTI: &str = "khkr_multi";

/// Registers the analyzer under [`MULTI`] (call it on `Index::tokenizers()` before indexing or
/// parsing queries).
pub fn register(manager: &TokenizerManager) {
    manager.register(MULTI, analyzer());
}

/// The analyzer with the options chosen by measurement ([`Options::default`]).
pub fn analyzer() -> TextAnalyzer {
    analyzer_with(Options::default())
}

/// The analyzer with other options, for evaluation and experiments.
pub fn analyzer_with(options: Options) -> TextAnalyzer {
    // The filters only change alphabetic words: lowercasing, folding and the English stemmer
    // leave Khmer, Hangul and ideographic tokens as they are (checked by a test).
    TextAnalyzer::builder(MultiScriptTokenizer::new(options))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Which single syllables become tokens besides the syllable bigrams.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unigrams {
    /// Only a run of a single syllable yields a unigram (Lucene's CJK analyzer).
    Isolated,
    /// Every syllable yields a unigram, at the position of the bigram it starts.
    All,
}

/// Knobs of the analyzer; the defaults are the measured choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Unigrams for Khmer syllables.
    pub khmer_unigrams: Unigrams,
    /// Unigrams for Hangul syllables.
    pub hangul_unigrams: Unigrams,
    /// Which gaps between Khmer letters the bigram chain continues across.
    pub khmer_joins: Join,
}

/// Gaps inside a Khmer passage that Khmer n-grams bridge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Join {
    /// None: every gap ends the run.
    Never,
    /// Invisible gaps only (zero-width space, joiners): segmenters insert them anywhere, even
    /// inside a word (អន​ឡាញ), and a reader sees one word. A visible space ends the run, so a
    /// phrase never matches across it (issue 11: តប across "ត ប").
    Invisible,
    /// Visible spaces too (the choice before issue 11: found ហ្វេសប៊ុក in "ហ្វេស ប៊ុក", and
    /// every two-syllable query across the space between two phrases).
    Spaces,
}

impl Options {
    /// The configuration chosen by `eval_recall_precision`.
    pub const CHOSEN: Options = Options {
        khmer_unigrams: Unigrams::All,
        hangul_unigrams: Unigrams::All,
        khmer_joins: Join::Invisible,
    };
}

impl Default for Options {
    fn default() -> Self {
        Options::CHOSEN
    }
}

/// Longest alphabetic word kept, in bytes: longer ones are hashes, URLs or garbage.
pub(crate) const MAX_WORD_BYTES: usize = 100;
/// Most subscripts, vowels and signs kept in one Khmer syllable; real ones have at most five,
/// the bound keeps tokens short on garbage input.
const MAX_CLUSTER_PARTS: usize = 8;
/// Tokens kept allocated between texts, so one huge text does not pin its memory forever.
const RETAINED_TOKENS: usize = 4096;

pub(crate) const COENG: char = '\u{17D2}';
const KHMER_RO: char = '\u{179A}';
const KHMER_DA: char = '\u{178A}';
const KHMER_TA: char = '\u{178F}';
const KHMER_VOWEL_E: char = '\u{17C1}';
const KHMER_VOWEL_AA: char = '\u{17B6}';
const KHMER_VOWEL_II: char = '\u{17B8}';
const KHMER_VOWEL_OO: char = '\u{17C4}';
const KHMER_VOWEL_OE: char = '\u{17BE}';

/// The tokenizer at the head of [`analyzer`]: script runs, Khmer syllables, n-grams.
///
/// It keeps its token buffer between texts, so indexing allocates little once warmed up.
#[derive(Debug)]
pub struct MultiScriptTokenizer {
    options: Options,
    tokens: Vec<Token>,
    scratch: Scratch,
}

impl MultiScriptTokenizer {
    /// A tokenizer with the given options and empty buffers.
    pub fn new(options: Options) -> Self {
        MultiScriptTokenizer {
            options,
            tokens: Vec::new(),
            scratch: Scratch::default(),
        }
    }
}

impl Clone for MultiScriptTokenizer {
    // Buffers are per instance: a clone (one per indexing thread) starts empty.
    fn clone(&self) -> Self {
        MultiScriptTokenizer::new(self.options)
    }
}

impl Tokenizer for MultiScriptTokenizer {
    type TokenStream<'a> = MultiScriptTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> MultiScriptTokenStream<'a> {
        if self.tokens.len() > RETAINED_TOKENS {
            self.tokens.truncate(RETAINED_TOKENS);
            self.tokens.shrink_to(RETAINED_TOKENS);
        }
        let mut sink = Sink {
            tokens: &mut self.tokens,
            len: 0,
            position: 0,
        };
        tokenize(text, self.options, &mut sink, &mut self.scratch);
        let len = sink.len;
        MultiScriptTokenStream {
            tokens: &mut self.tokens[..len],
            next: 0,
            placeholder: Token::default(),
        }
    }
}

/// Tokens of one text, computed up front by [`MultiScriptTokenizer`].
pub struct MultiScriptTokenStream<'a> {
    tokens: &'a mut [Token],
    /// Index of the token after the current one.
    next: usize,
    /// Returned by `token()` before the first `advance()` or on an empty text.
    placeholder: Token,
}

impl TokenStream for MultiScriptTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        match self.next.checked_sub(1).and_then(|i| self.tokens.get(i)) {
            Some(token) => token,
            None => &self.placeholder,
        }
    }

    fn token_mut(&mut self) -> &mut Token {
        match self
            .next
            .checked_sub(1)
            .and_then(|i| self.tokens.get_mut(i))
        {
            Some(token) => token,
            None => &mut self.placeholder,
        }
    }
}

/// Writes tokens into a reused buffer; `len` counts the ones belonging to the current text.
struct Sink<'t> {
    tokens: &'t mut Vec<Token>,
    len: usize,
    /// Position of the next token that starts a new slot.
    position: usize,
}

impl Sink<'_> {
    /// Appends a token with empty text and returns it for filling in.
    fn open(&mut self, position: usize, source: Range<usize>) -> &mut Token {
        if self.len == self.tokens.len() {
            self.tokens.push(Token::default());
        }
        let token = &mut self.tokens[self.len];
        self.len += 1;
        token.text.clear();
        token.offset_from = source.start;
        token.offset_to = source.end;
        token.position = position;
        token.position_length = 1;
        token
    }

    fn discard_last(&mut self) {
        self.len -= 1;
    }
}

/// Per-run working memory, kept between texts.
#[derive(Debug, Default)]
struct Scratch {
    units: Vec<Unit>,
    unit_text: String,
    parts: Vec<Part>,
}

/// One syllable of a Khmer, Hangul or ideographic run.
#[derive(Debug)]
struct Unit {
    /// Bytes of the original text.
    source: Range<usize>,
    /// Normalized text, in `Scratch::unit_text`.
    text: Range<usize>,
}

/// A dependent piece of a Khmer syllable: a subscript (coeng + letter), a vowel or a sign.
#[derive(Debug)]
struct Part {
    /// Rank in the normalized order (see `khmer_part_rank`).
    rank: u8,
    source: Range<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    /// Starts or continues a word: letters of alphabetic scripts, digits.
    Word,
    /// Continues a word but never starts one: combining marks.
    WordMark,
    Khmer,
    Hangul,
    Ideograph,
    /// An invisible gap between words: spaces, tabs, zero-width space, joiners.
    Space,
    /// Anything else: punctuation, symbols, line breaks.
    Break,
}

fn tokenize(text: &str, options: Options, sink: &mut Sink, scratch: &mut Scratch) {
    let mut at = 0;
    while let Some(c) = char_at(text, at) {
        at = match classify(c) {
            Class::Word => word(text, at, sink),
            Class::Khmer => khmer_run(text, at, options, sink, scratch),
            Class::Hangul => hangul_run(text, at, options.hangul_unigrams, sink, scratch),
            Class::Ideograph => ideograph_run(text, at, sink, scratch),
            Class::WordMark | Class::Space | Class::Break => at + c.len_utf8(),
        };
    }
}

fn char_at(text: &str, at: usize) -> Option<char> {
    text.get(at..).and_then(|rest| rest.chars().next())
}

fn classify(c: char) -> Class {
    if c.is_ascii() {
        return match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' => Class::Word,
            ' ' | '\t' => Class::Space,
            _ => Class::Break,
        };
    }
    match u32::from(c) {
        // Khmer digits are numbers like any other.
        0x17E0..=0x17E9 => Class::Word,
        0x1780..=0x17D3 | 0x17DC | 0x17DD | 0x19E0..=0x19FF => Class::Khmer,
        // Khmer punctuation (។ ៕ ៖ ៗ …), the riel sign and numeric symbols.
        0x17D4..=0x17FF => Class::Break,
        0xAC00..=0xD7A3 | 0x1100..=0x11FF | 0x3131..=0x318E | 0xA960..=0xA97F | 0xD7B0..=0xD7FF => {
            Class::Hangul
        }
        0x3005 | 0x3041..=0x30FA | 0x30FC..=0x30FF | 0x31F0..=0x31FF | 0x3400..=0x4DBF => {
            Class::Ideograph
        }
        0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF66..=0xFF9F | 0x20000..=0x3134F => Class::Ideograph,
        // Zero-width space, joiners, word joiner, BOM: invisible, so they only separate.
        0x200B..=0x200D | 0x2060 | 0xFEFF => Class::Space,
        0x0085 | 0x2028 | 0x2029 => Class::Break,
        _ if c.is_whitespace() => Class::Space,
        _ if is_combining_mark(c) => Class::WordMark,
        _ if c.is_alphanumeric() => Class::Word,
        _ => Class::Break,
    }
}

/// Marks that continue a word without being letters themselves. Exact only for the generic
/// combining blocks; for Brahmic scripts (Thai, Lao, Myanmar, Indic) every non-letter that is not
/// their punctuation counts, which keeps their words whole.
fn is_combining_mark(c: char) -> bool {
    match u32::from(c) {
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A => true,
        0x064B..=0x065F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF => true,
        0xFE20..=0xFE2F => true,
        0x0964 | 0x0965 | 0x0970 | 0x0DF4 | 0x0E3F | 0x0E4F | 0x0E5A | 0x0E5B => false,
        0x104A..=0x104F => false,
        0x0900..=0x0EFF | 0x1000..=0x109F => !c.is_alphanumeric() && !c.is_whitespace(),
        _ => false,
    }
}

/// Reads one word (letters, digits, marks, inner apostrophes) and emits it as one token.
fn word(text: &str, start: usize, sink: &mut Sink) -> usize {
    let position = sink.position;
    let token = sink.open(position, start..start);
    let mut at = start;
    while let Some(c) = char_at(text, at) {
        let keep = match classify(c) {
            Class::Word | Class::WordMark => true,
            // "Cambodia's", "don’t": the stemmer strips a possessive 's.
            _ if c == '\'' || c == '\u{2019}' => {
                char_at(text, at + c.len_utf8()).is_some_and(|n| classify(n) == Class::Word)
            }
            // "40,000" is the number 40000, as people type it in a search box: the comma that
            // groups thousands is skipped, so either spelling finds the other (QA: `40000`
            // found nothing where profiles wrote 40,000, which read as 40 and 000).
            _ if c == ',' && groups_thousands(text, start, at) => {
                at += 1;
                continue;
            }
            _ => false,
        };
        if !keep {
            break;
        }
        token.text.push(ascii_digit(c).unwrap_or(c));
        at += c.len_utf8();
    }
    token.offset_to = at;
    if token.text.len() > MAX_WORD_BYTES {
        sink.discard_last();
        return at;
    }
    // A number said with Korean or Khmer units (5만, ៥សែន, 1억5천만) is also the number itself, at
    // the same position, so 50000 and 50,000 find "5만 달러" and the other way round (QA: 5만
    // found staff counts of 5). The units still go on to their own script's tokens.
    let digits = !token.text.is_empty() && token.text.bytes().all(|b| b.is_ascii_digit());
    // Not the 5 of 1억5천만: its number is the whole, read from the 1.
    let inside = text[..start]
        .chars()
        .next_back()
        .is_some_and(|c| KOREAN_UNITS.contains(&c));
    if let Some((value, end)) = (digits && !inside)
        .then(|| units_after(text, start, at))
        .flatten()
    {
        let number = sink.open(position, start..end);
        number.text.push_str(&value.to_string());
    }
    sink.position += 1;
    at
}

/// The most units one number is read with (see [`units_after`]).
const MAX_UNITS: usize = 8;

/// Units that multiply a number before them, as Korean and Khmer write amounts.
const KOREAN_UNITS: &[char] = &['십', '백', '천', '만', '억'];
const KHMER_UNITS: &[&str] = &["ម៉ឺន", "សែន", "លាន", "ពាន់", "រយ"];

/// The number that the digits `start..digits_end` of `text` and the units right after them say
/// ("5만" 50000, "៥សែន" 500000, "1억5천만" 150000000), and where the units end; `None` when no
/// unit follows. A Khmer unit counts only as a whole word (រយ is no unit in រយៈពេល).
fn units_after(text: &str, start: usize, digits_end: usize) -> Option<(i64, usize)> {
    let unit_at = |at: usize| -> Option<usize> {
        let rest = text.get(at..)?;
        if let Some(c) = rest.chars().next().filter(|c| KOREAN_UNITS.contains(c)) {
            return Some(c.len_utf8());
        }
        KHMER_UNITS.iter().find_map(|u| {
            let after = rest.strip_prefix(u)?.chars().next();
            let whole = !after.is_some_and(|c| ('\u{17B6}'..='\u{17D3}').contains(&c));
            whole.then_some(u.len())
        })
    };
    let mut end = digits_end;
    let mut units = 0;
    // No amount says more units than this (1억 2천 3백 5십만 has five); the bound keeps a run
    // of them ("៥សែន៥សែន…", 5,000 characters) linear, each of its numbers read a few units on.
    while units < MAX_UNITS {
        if let Some(len) = unit_at(end) {
            end += len;
            units += 1;
            continue;
        }
        // More digits and their unit ("1억5천만"), only once a unit has been read.
        let rest = text.get(end..).unwrap_or("");
        let more: usize = rest
            .chars()
            .take_while(|c| is_digit(*c))
            .map(char::len_utf8)
            .sum();
        match (units > 0 && more > 0)
            .then(|| unit_at(end + more))
            .flatten()
        {
            Some(len) => {
                end += more + len;
                units += 1;
            }
            None => break,
        }
    }
    if units == 0 {
        return None;
    }
    // Read as `domain::amount` reads a typed amount, which takes a group's digits apart from
    // the unit before them (1억 5천만).
    let mut said = String::new();
    let mut after_unit = false;
    for c in text.get(start..end)?.chars() {
        if after_unit && is_digit(c) {
            said.push(' ');
        }
        after_unit = !is_digit(c);
        said.push(c);
    }
    // A number is a number here, whatever its currency: the form reads a bare 억 as won and
    // refuses it, so it is read as dollars are written ($1억), for its value alone.
    let value = crate::domain::amount::parse(&format!("${said}"))
        .ok()
        .flatten()?;
    Some((value, end))
}

/// A query word that is a number said with Korean or Khmer units, optionally followed by the
/// word for dollars ("5만", "5만달러", "៥សែន"), as the number itself: what the index holds
/// for it next to its digits (see [`word`]), and what 50,000 is too.
pub fn number_said_with_units(word: &str) -> Option<i64> {
    let digits_end: usize = word
        .chars()
        .take_while(|c| is_digit(*c))
        .map(char::len_utf8)
        .sum();
    if digits_end == 0 {
        return None;
    }
    let (value, end) = units_after(word, 0, digits_end)?;
    is_currency_word(&word[end..]).then_some(value)
}

/// A currency's word after an amount, or nothing (5만달러, 10억원, ៥សែនរៀល): a query reads the
/// amount as its number whatever the currency, as the index does (QA: 10억원 found staff
/// counts of 10, and 10억 원 found 한국어학원 and 과수원 by 원).
pub fn is_currency_word(word: &str) -> bool {
    matches!(word, "" | "달러" | "불" | "원" | "리엘" | "ដុល្លារ" | "រៀល")
}

/// Whether the comma at `comma` groups the thousands of a number that starts at `start`: every
/// character of the word so far is a digit, 1–3 of them before the first comma, and exactly
/// three digits follow it, then something that is not a digit ("1,500,000", "៤០,០០០"; not
/// "1,2", "12,3456" or "a1,000"). A decimal point is not joined: "4.500" is 4.5 or 4500
/// depending on the writer.
fn groups_thousands(text: &str, start: usize, comma: usize) -> bool {
    let digits = |group: &str| group.chars().all(is_digit).then(|| group.chars().count());
    let Some(before) = text.get(start..comma) else {
        return false;
    };
    let mut groups = before.split(',');
    let first_ok = groups
        .next()
        .and_then(digits)
        .is_some_and(|n| (1..=3).contains(&n));
    if !first_ok || !groups.all(|g| digits(g) == Some(3)) {
        return false;
    }
    let mut after = text[comma + 1..].chars();
    (0..3).all(|_| after.next().is_some_and(is_digit)) && !after.next().is_some_and(is_digit)
}

/// The whole words of a text, one token each, for word-level evidence (`search::query` boosts
/// a query word found whole): Khmer words between spaces, zero-width spaces or punctuation,
/// in the analyzer's normalised spelling, followed by the dictionary words of such a chunk
/// when the dictionary cuts it (`search::khmer`: យើងទិញស្រូវ → យើងទិញស្រូវ, យើង, ទិញ, ស្រូវ),
/// and Korean words (eojeol) with their stems
/// (화장품을 → 화장품을, 화장품; 쌀과 → 쌀과, 쌀). Latin words are words already in the n-gram fields. A
/// change of script inside a chunk ends a word as a space does (ឆ្នាំ២០២៤ → ឆ្នាំ).
pub fn whole_words(text: &str) -> Vec<String> {
    whole_words_with(text, true)
}

/// [`whole_words`], with or without the dictionary words of Khmer chunks.
pub(crate) fn whole_words_with(text: &str, dictionary: bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut scratch = Scratch::default();
    for chunk in text.split(|c: char| matches!(classify(c), Class::Space | Class::Break)) {
        // A change of script ends a word as a space does (ឆ្នាំ២០២៤, "year 2024", or
        // ផលិតអង្ករ100តោន): without this, a Khmer word written against digits or Latin letters
        // would have no word-level evidence at all.
        // Hangul written partly as jamo is left out whole, as before: the n-gram analyzer
        // composes it, a run of syllables cut at a jamo would be a wrong word.
        let jamo = chunk
            .chars()
            .any(|c| classify(c) == Class::Hangul && !super::korean::is_syllable(c));
        let mut after_digit = false;
        for (script, run) in script_runs(chunk) {
            let glued_to_number = std::mem::replace(
                &mut after_digit,
                run.chars().next_back().is_some_and(|c| c.is_numeric()),
            );
            match script {
                // A run that starts with no base letter (a stray vowel sign) is no word.
                Script::Khmer if run.chars().next().is_some_and(is_khmer_base) => {
                    khmer_whole_words(run, dictionary, &mut scratch, &mut out)
                }
                // A syllable after a number is a counter (1차, 10개, 5000원), not the noun it
                // spells (차 "car/tea", 개 "dog"): no word.
                Script::Hangul if glued_to_number && run.chars().count() == 1 => {}
                Script::Hangul if !jamo && run.len() <= MAX_WORD_BYTES * 3 => {
                    let stems = super::korean::stems(run);
                    // The words of a compound, of the word as written or of its stem
                    // (대형마트에서 → 대형마트 → 대형, 마트), are words of the text too.
                    let parts: Vec<String> = std::iter::once(run)
                        .chain(stems.iter().map(String::as_str))
                        .flat_map(super::korean::compound_parts)
                        .collect();
                    out.push(run.to_string());
                    out.extend(stems);
                    out.extend(super::korean::one_syllable_stem(
                        run,
                        super::korean::Side::Index,
                    ));
                    out.extend(parts);
                }
                Script::Khmer | Script::Hangul | Script::Other => {}
            }
        }
    }
    out
}

/// The scripts [`whole_words`] tells apart inside a chunk between spaces.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    Khmer,
    /// Hangul syllables (the Korean words' stems are read from syllables only).
    Hangul,
    Other,
}

/// The maximal runs of one script in `chunk`, in order.
fn script_runs(chunk: &str) -> impl Iterator<Item = (Script, &str)> {
    let script = |c: char| {
        if classify(c) == Class::Khmer {
            Script::Khmer
        } else if super::korean::is_syllable(c) {
            Script::Hangul
        } else {
            Script::Other
        }
    };
    let mut rest = chunk;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let kind = script(first);
        let end = rest
            .char_indices()
            .find(|(_, c)| script(*c) != kind)
            .map_or(rest.len(), |(at, _)| at);
        let (run, tail) = rest.split_at(end);
        rest = tail;
        Some((kind, run))
    })
}

/// The whole word of a run of Khmer letters between spaces, punctuation or another script
/// (when short enough to be one), and its dictionary words when `dictionary` is set.
fn khmer_whole_words(run: &str, dictionary: bool, scratch: &mut Scratch, out: &mut Vec<String>) {
    let short = run.len() <= MAX_WORD_BYTES * 3;
    // A long unspaced Khmer passage (a sentence between two spaces) is no word itself, but
    // the dictionary finds the words in it (in windows, however long it is).
    if !short && !dictionary {
        return;
    }
    read_khmer_syllables(run, scratch);
    if short && !scratch.unit_text.is_empty() {
        out.push(scratch.unit_text.clone());
    }
    if dictionary {
        khmer_dictionary_words(scratch, out);
    }
}

/// The dictionary words of a query word written in Khmer letters only, normalised as in
/// [`whole_words`], when the dictionary cuts it in more than one (ការពារខ្លួន → ការពារ,
/// ខ្លួន); empty otherwise. A document that has them all as words has the query word as words.
pub fn dictionary_words(word: &str) -> Vec<String> {
    let mut out = Vec::new();
    if word.is_empty()
        || word.len() > MAX_WORD_BYTES * 3
        || !word.chars().all(|c| classify(c) == Class::Khmer)
    {
        return out;
    }
    let mut scratch = Scratch::default();
    read_khmer_syllables(word, &mut scratch);
    khmer_dictionary_words(&scratch, &mut out);
    out
}

/// Reads a run of Khmer letters into `scratch` (syllables and their normalised spelling).
fn read_khmer_syllables(run: &str, scratch: &mut Scratch) {
    scratch.units.clear();
    scratch.unit_text.clear();
    let mut at = 0;
    while at < run.len() {
        at = khmer_syllable(run, at, scratch);
    }
}

/// The orthographic syllables of a run of Khmer letters, in the normalised spelling: what
/// `search::khmer_variants` reads words by.
pub(crate) fn khmer_syllable_texts(run: &str) -> Vec<String> {
    let mut scratch = Scratch::default();
    read_khmer_syllables(run, &mut scratch);
    scratch
        .units
        .iter()
        .map(|u| scratch.unit_text[u.text.clone()].to_string())
        .collect()
}

/// A run of Khmer letters in the analyzer's normalised spelling, the spelling the dictionary
/// segmenter is handed (`search::khmer`), with where each syllable starts in it and in `run`.
pub(crate) fn khmer_spelling(run: &str) -> (String, Vec<(usize, usize)>) {
    let mut scratch = Scratch::default();
    read_khmer_syllables(run, &mut scratch);
    let starts = scratch
        .units
        .iter()
        .map(|u| (u.text.start, u.source.start))
        .collect();
    (scratch.unit_text, starts)
}

/// A Khmer letter or sign: what the analyzer reads into Khmer syllables (not Khmer
/// punctuation or digits).
pub(crate) fn is_khmer_letter_or_sign(c: char) -> bool {
    classify(c) == Class::Khmer
}

/// Appends the dictionary words (`search::khmer`) of the Khmer chunk whose syllables are in
/// `scratch`, in the normalised spelling, when the dictionary finds more than one. A boundary
/// that falls inside an orthographic syllable is ignored, so a word never starts with a
/// dependent vowel or subscript.
fn khmer_dictionary_words(scratch: &Scratch, out: &mut Vec<String>) {
    // The dictionary reads the normalised spelling: it spells ប្រតិបត្តិ with subscript TA and
    // splits the common ប្រតិបត្ដិ (subscript DA) inside a syllable.
    let boundaries = super::khmer::boundaries(&scratch.unit_text);
    if boundaries.is_empty() {
        return;
    }
    let mut words: Vec<String> = vec![String::new()];
    for (i, unit) in scratch.units.iter().enumerate() {
        if i > 0 && boundaries.binary_search(&unit.text.start).is_ok() {
            words.push(String::new());
        }
        if let Some(word) = words.last_mut() {
            word.push_str(&scratch.unit_text[unit.text.clone()]);
        }
    }
    if words.len() > 1 {
        out.extend(words.into_iter().filter(|w| !w.is_empty()));
    }
}

/// Whether `c` is a digit as the analyzer reads one: ASCII or Khmer (see [`ascii_digit`]).
pub(crate) fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ascii_digit(c).is_some()
}

/// Khmer digits as ASCII digits, so either spelling of a number finds the other.
fn ascii_digit(c: char) -> Option<char> {
    let value = u32::from(c).checked_sub(0x17E0).filter(|v| *v <= 9)?;
    char::from_digit(value, 10)
}

/// Reads a run of Khmer syllables and emits its n-grams.
fn khmer_run(
    text: &str,
    start: usize,
    options: Options,
    sink: &mut Sink,
    scratch: &mut Scratch,
) -> usize {
    scratch.units.clear();
    scratch.unit_text.clear();
    let mut at = start;
    loop {
        at = khmer_syllable(text, at, scratch);
        match char_at(text, at).map(classify) {
            Some(Class::Khmer) => {}
            Some(Class::Space) if options.khmer_joins != Join::Never => {
                let after_gap = skip_spaces(text, at);
                if char_at(text, after_gap).map(classify) != Some(Class::Khmer) {
                    break;
                }
                let invisible = text[at..after_gap].chars().all(is_invisible_gap);
                if options.khmer_joins == Join::Invisible && !invisible {
                    break;
                }
                at = after_gap;
            }
            _ => break,
        }
    }
    emit_ngrams(sink, scratch, options.khmer_unigrams);
    at
}

/// Zero-width space, joiners, word joiner, BOM: gaps a reader does not see.
fn is_invisible_gap(c: char) -> bool {
    matches!(u32::from(c), 0x200B..=0x200D | 0x2060 | 0xFEFF)
}

fn skip_spaces(text: &str, mut at: usize) -> usize {
    while let Some(c) = char_at(text, at).filter(|c| classify(*c) == Class::Space) {
        at += c.len_utf8();
    }
    at
}

/// Reads one orthographic syllable starting at `start` and appends it to `scratch.units`.
///
/// A syllable is a base (consonant, independent vowel) followed by subscripts (COENG + letter),
/// dependent vowels and signs. A syllable without a base (a stray mark) is kept as it is.
fn khmer_syllable(text: &str, start: usize, scratch: &mut Scratch) -> usize {
    scratch.parts.clear();
    let mut at = start;
    let base = char_at(text, at).filter(|c| is_khmer_base(*c));
    if let Some(b) = base {
        at += b.len_utf8();
    }
    while scratch.parts.len() < MAX_CLUSTER_PARTS {
        let Some(c) = char_at(text, at) else { break };
        if c == COENG {
            let letter_at = at + COENG.len_utf8();
            let letter = char_at(text, letter_at).filter(|l| is_khmer_letter(*l));
            let end = letter_at + letter.map_or(0, char::len_utf8);
            let rank = if letter == Some(KHMER_RO) { 3 } else { 2 };
            scratch.parts.push(Part {
                rank,
                source: at..end,
            });
            at = end;
        } else if let Some(rank) = khmer_part_rank(c) {
            let end = at + c.len_utf8();
            scratch.parts.push(Part {
                rank,
                source: at..end,
            });
            at = end;
        } else if is_ignored_in_syllable(c) {
            at += c.len_utf8();
        } else {
            break;
        }
    }
    if at == start {
        // Cannot happen for a Khmer-class character, but never loop forever on odd input.
        at += char_at(text, at).map_or(1, char::len_utf8);
    }
    write_khmer_syllable(text, start..at, base, scratch);
    at
}

fn is_khmer_base(c: char) -> bool {
    matches!(u32::from(c), 0x1780..=0x17B3 | 0x17DC | 0x19E0..=0x19FF)
}

/// Whether an orthographic syllable of Khmer `text` starts at byte `at`: a base letter
/// (consonant, independent vowel) that does not follow COENG (a letter after COENG is a
/// subscript of the syllable before). The rule [`khmer_syllable`] reads syllables by, for
/// callers that only need to count or align them (`matching::glossary`).
pub fn khmer_syllable_starts_at(text: &str, at: usize) -> bool {
    text.get(at..)
        .and_then(|rest| rest.chars().next())
        .is_some_and(is_khmer_base)
        && !text[..at].ends_with(COENG)
}

/// The orthographic syllables of Khmer `text` (ពន្ធ has two, ព and ន with its subscript ធ).
pub fn khmer_syllable_count(text: &str) -> usize {
    text.char_indices()
        .filter(|(at, _)| khmer_syllable_starts_at(text, *at))
        .count()
}

/// Letters that can follow COENG as a subscript.
fn is_khmer_letter(c: char) -> bool {
    matches!(u32::from(c), 0x1780..=0x17B3)
}

/// Rank of a vowel or sign in the normalized order: robat, subscripts (2, with subscript RO last
/// as 3), register shifters, vowels, other signs. Typists enter these in different orders that
/// render the same; sorting by rank makes them one token.
fn khmer_part_rank(c: char) -> Option<u8> {
    match u32::from(c) {
        0x17CC => Some(1),
        0x17C9 | 0x17CA => Some(4),
        0x17B6..=0x17C5 => Some(5),
        0x17C6..=0x17D1 | 0x17D3 | 0x17DD => Some(6),
        _ => None,
    }
}

/// Invisible characters inside a syllable: joiners that only pick glyph shapes and the
/// deprecated inherent vowels. They are dropped from the token text.
fn is_ignored_in_syllable(c: char) -> bool {
    matches!(u32::from(c), 0x200C | 0x200D | 0x17B4 | 0x17B5)
}

/// Appends the normalized text of one syllable: parts sorted by rank, subscript DA written as
/// subscript TA (they look the same and both spellings are common, e.g. បណ្ដុះ / បណ្តុះ), and
/// the two-piece spellings េ+ា and េ+ី written as the single vowels ោ and ើ.
fn write_khmer_syllable(
    text: &str,
    source: Range<usize>,
    base: Option<char>,
    scratch: &mut Scratch,
) {
    let Scratch {
        units,
        unit_text,
        parts,
    } = scratch;
    parts.sort_by_key(|part| part.rank);
    let text_start = unit_text.len();
    if let Some(b) = base {
        unit_text.push(b);
    }
    let mut i = 0;
    while i < parts.len() {
        let piece = &text[parts[i].source.clone()];
        let next = parts
            .get(i + 1)
            .and_then(|p| text[p.source.clone()].chars().next());
        let mut chars = piece.chars();
        match (chars.next(), chars.next()) {
            (Some(COENG), Some(KHMER_DA)) => {
                unit_text.push(COENG);
                unit_text.push(KHMER_TA);
            }
            (Some(KHMER_VOWEL_E), None) if next == Some(KHMER_VOWEL_AA) => {
                unit_text.push(KHMER_VOWEL_OO);
                i += 1;
            }
            (Some(KHMER_VOWEL_E), None) if next == Some(KHMER_VOWEL_II) => {
                unit_text.push(KHMER_VOWEL_OE);
                i += 1;
            }
            _ => unit_text.push_str(piece),
        }
        i += 1;
    }
    if unit_text.len() > text_start {
        units.push(Unit {
            source,
            text: text_start..unit_text.len(),
        });
    }
}

/// Reads a run of Hangul syllables (composing conjoining jamo) and emits its n-grams.
fn hangul_run(
    text: &str,
    start: usize,
    unigrams: Unigrams,
    sink: &mut Sink,
    scratch: &mut Scratch,
) -> usize {
    scratch.units.clear();
    scratch.unit_text.clear();
    let mut at = start;
    while let Some(c) = char_at(text, at).filter(|c| classify(*c) == Class::Hangul) {
        let (syllable, end) = compose_hangul(text, at, c);
        let text_start = scratch.unit_text.len();
        scratch.unit_text.push(syllable);
        scratch.units.push(Unit {
            source: at..end,
            text: text_start..scratch.unit_text.len(),
        });
        at = end;
    }
    emit_ngrams(sink, scratch, unigrams);
    at
}

/// Composes a leading consonant + vowel (+ trailing consonant) jamo sequence, or a precomposed
/// LV syllable + trailing consonant, into one syllable as NFC would. Returns the character to
/// index and the end of what it covers.
fn compose_hangul(text: &str, at: usize, c: char) -> (char, usize) {
    const S_BASE: u32 = 0xAC00;
    const T_COUNT: u32 = 28;
    const N_COUNT: u32 = 21 * T_COUNT;
    let mut end = at + c.len_utf8();
    let mut syllable = u32::from(c);
    if let Some(l) = syllable.checked_sub(0x1100).filter(|l| *l < 19) {
        let Some(v) = char_at(text, end).and_then(|n| u32::from(n).checked_sub(0x1161)) else {
            return (c, end);
        };
        if v >= 21 {
            return (c, end);
        }
        syllable = S_BASE + l * N_COUNT + v * T_COUNT;
        end += 3;
    }
    let is_lv =
        (S_BASE..S_BASE + 19 * N_COUNT).contains(&syllable) && (syllable - S_BASE) % T_COUNT == 0;
    if is_lv {
        let trailing = char_at(text, end).and_then(|n| u32::from(n).checked_sub(0x11A7));
        if let Some(t) = trailing.filter(|t| (1..T_COUNT).contains(t)) {
            syllable += t;
            end += 3;
        }
    }
    (char::from_u32(syllable).unwrap_or(c), end)
}

/// Reads a run of Han and kana characters and emits bigrams (unigram when isolated).
fn ideograph_run(text: &str, start: usize, sink: &mut Sink, scratch: &mut Scratch) -> usize {
    scratch.units.clear();
    scratch.unit_text.clear();
    let mut at = start;
    while let Some(c) = char_at(text, at).filter(|c| classify(*c) == Class::Ideograph) {
        let text_start = scratch.unit_text.len();
        scratch.unit_text.push(c);
        scratch.units.push(Unit {
            source: at..at + c.len_utf8(),
            text: text_start..scratch.unit_text.len(),
        });
        at += c.len_utf8();
    }
    emit_ngrams(sink, scratch, Unigrams::Isolated);
    at
}

/// Emits the bigram of each pair of neighbouring units at the position of the first, and the
/// unigrams `unigrams` asks for at their own positions, then moves the position past the run.
fn emit_ngrams(sink: &mut Sink, scratch: &Scratch, unigrams: Unigrams) {
    let units = &scratch.units;
    let with_unigrams = units.len() == 1 || unigrams == Unigrams::All;
    let first = sink.position;
    for (i, unit) in units.iter().enumerate() {
        let position = first + i;
        let text = &scratch.unit_text[unit.text.clone()];
        if with_unigrams {
            sink.open(position, unit.source.clone()).text.push_str(text);
        }
        if let Some(next) = units.get(i + 1) {
            let token = sink.open(position, unit.source.start..next.source.end);
            token.text.push_str(text);
            token.text.push_str(&scratch.unit_text[next.text.clone()]);
        }
    }
    let slots = if with_unigrams {
        units.len()
    } else {
        units.len().saturating_sub(1)
    };
    sink.position = first + slots;
}

/// The evaluation on text the project did not write (`tests/data/udhr_eval.json`, see its
/// `about`), read by the set-based evaluation here and the ranked one in `search::query`.
#[cfg(test)]
pub(crate) mod public_eval {
    use serde::Deserialize;

    #[derive(Deserialize)]
    pub(crate) struct PublicEval {
        pub docs: Vec<PublicDoc>,
        pub queries: Vec<PublicQuery>,
    }

    #[derive(Deserialize)]
    pub(crate) struct PublicDoc {
        pub id: String,
        pub text: String,
        /// khPOS only: the annotators' word boundaries, as byte offsets into `text`.
        #[serde(default)]
        pub cuts: Vec<usize>,
        /// khPOS only: boundaries inside a marked compound (after a prefix, between its words).
        #[serde(default)]
        pub inner_cuts: Vec<usize>,
    }

    #[derive(Deserialize)]
    pub(crate) struct PublicQuery {
        #[serde(rename = "type")]
        pub kind: String,
        pub q: String,
        pub expect: Vec<String>,
        /// khPOS only: the documents holding the query as a whole annotated word (compounds
        /// counted whole), where `expect` also counts a word of a compound.
        #[serde(default)]
        pub expect_whole: Vec<String>,
        /// A Korean verbal noun (it takes 하다 endings).
        #[serde(default)]
        pub verbal: bool,
    }

    pub(crate) fn udhr() -> PublicEval {
        serde_json::from_str(include_str!("../../tests/data/udhr_eval.json"))
            .unwrap_or_else(|e| panic!("tests/data/udhr_eval.json: {e}"))
    }

    /// `tests/data/khpos_eval.json` when it has been built (`tests/data/khpos_eval.py`): it is
    /// never committed, since its corpus is licensed for non-commercial use only.
    pub(crate) fn khpos() -> Option<PublicEval> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/khpos_eval.json");
        let text = std::fs::read_to_string(path).ok()?;
        Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet, HashMap};
    use std::fmt::Write as _;

    use serde::Deserialize;
    use tantivy::tokenizer::TokenizerManager;

    use super::*;

    fn tokens_with(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        analyzer
            .token_stream(text)
            .process(&mut |token| out.push(token.clone()));
        out
    }

    fn tokens(text: &str) -> Vec<Token> {
        tokens_with(&mut analyzer(), text)
    }

    fn texts(text: &str) -> Vec<String> {
        tokens(text).into_iter().map(|t| t.text).collect()
    }

    /// Tokens of the bare tokenizer, without lowercasing, folding or stemming.
    fn raw_tokens(text: &str) -> Vec<Token> {
        let mut tokenizer = MultiScriptTokenizer::new(Options::default());
        let mut out = Vec::new();
        tokenizer
            .token_stream(text)
            .process(&mut |token| out.push(token.clone()));
        out
    }

    #[test]
    fn latin_words_are_lowercased_folded_and_stemmed() {
        assert_eq!(
            texts("Processing Café DISTRIBUTORS, 2024 Cambodia's"),
            ["process", "cafe", "distributor", "2024", "cambodia"]
        );
    }

    #[test]
    fn mixed_khmer_and_latin() {
        let got = texts("ហាងលក់ Samsung និង Apple អនឡាញ");
        for expected in ["samsung", "appl", "ហាង", "លក់", "និង", "អន", "ឡាញ"]
        {
            assert!(
                got.iter().any(|t| t == expected),
                "{expected} missing in {got:?}"
            );
        }
        // Latin words interrupt Khmer runs: no bigram glues ក់ to និ across "Samsung".
        assert!(!got.iter().any(|t| t == "ក់និ"), "{got:?}");
    }

    #[test]
    fn khmer_syllables_and_bigrams() {
        let got: Vec<(usize, String)> = tokens("ហ្វេសប៊ុក")
            .into_iter()
            .map(|t| (t.position, t.text))
            .collect();
        let expected = [
            (0, "ហ្វេ"),
            (0, "ហ្វេស"),
            (1, "ស"),
            (1, "សប៊ុ"),
            (2, "ប៊ុ"),
            (2, "ប៊ុក"),
            (3, "ក"),
        ];
        let expected: Vec<(usize, String)> = expected
            .iter()
            .map(|(p, t)| (*p, (*t).to_string()))
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn khmer_spelling_variants_give_the_same_tokens() {
        // Subscript DA and TA look the same.
        assert_eq!(texts("បណ្ដុះបណ្ដាល"), texts("បណ្តុះបណ្តាល"));
        // ោ typed as េ + ា, ើ typed as េ + ី.
        assert_eq!(texts("ត្នោត"), texts("ត្ន\u{17C1}\u{17B6}ត"));
        assert_eq!(texts("ដើម"), texts("ដ\u{17C1}\u{17B8}ម"));
        // Subscript RO typed before the other subscript.
        assert_eq!(texts("ស្ត្រី"), texts("ស្រ្តី"));
        // Shifter after the vowel instead of before it.
        assert_eq!(texts("ប៊ុក"), texts("បុ៊ក"));
        // Zero-width non-joiner inside a syllable is invisible.
        assert_eq!(texts("កូរ៉េ"), texts("កូ\u{200C}រ៉េ"));
    }

    #[test]
    fn zero_width_space_separates_but_khmer_bigrams_bridge_it() {
        // In Latin text the zero-width space splits words.
        assert_eq!(texts("online\u{200B}shop"), ["onlin", "shop"]);
        // In Khmer it separates syllables (no token contains it) while the bigram chain
        // continues, so អនឡាញ is found in a segmenter's "អន​ឡាញ".
        let split = texts("អន\u{200B}ឡាញ");
        assert!(split.iter().all(|t| !t.contains('\u{200B}')), "{split:?}");
        assert_eq!(split, texts("អនឡាញ"));
        // Without joining, the halves stay apart.
        let options = Options {
            khmer_joins: Join::Never,
            ..Options::default()
        };
        let apart: Vec<String> = tokens_with(&mut analyzer_with(options), "អន\u{200B}ឡាញ")
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert!(!apart.iter().any(|t| t == "នឡា"), "{apart:?}");
    }

    #[test]
    fn whole_words_of_khmer_and_korean() {
        assert_eq!(
            whole_words("យើង\u{200B}ទិញ\u{200B}ស្រូវ ABA។ 화장품을 판매 Samsung폰"),
            ["យើង", "ទិញ", "ស្រូវ", "화장품을", "화장품", "판매", "폰"]
        );
        // A change of script ends a word as a space does: digits (Khmer or not) and Latin
        // letters written against a word leave it a word (before, such a chunk gave nothing).
        assert_eq!(whole_words("ឆ្នាំ២០២៤"), ["ឆ្នាំ"]);
        // A one-syllable counter after a number is no word (차 "car" is not in 1차 "first");
        // a longer word after a number is (2차협력사); a stray vowel sign is none.
        assert!(whole_words("1차 10개 5000원").is_empty());
        assert_eq!(whole_words("2차협력사")[0], "차협력사");
        assert!(whole_words("ក១ា").iter().all(|w| w != "ា"));
        // Hangul partly in jamo (가 + final ᆨ) is left to the n-grams, not cut at the jamo.
        assert!(whole_words("가\u{11A8}을").is_empty());
        assert_eq!(whole_words("ផលិតអង្ករ100តោន"), ["ផលិតអង្ករ", "ផលិត", "អង្ករ", "តោន"]);
        // Spelling variants are normalised as in the n-gram tokens.
        assert_eq!(whole_words("បណ្ដុះ"), whole_words("បណ្តុះ"));
        // Unspaced Khmer: the chunk, then its dictionary words; "scandal" is one word, so
        // ស្រូវ (paddy) is not a word of it.
        assert_eq!(whole_words("យើងទិញស្រូវ"), ["យើងទិញស្រូវ", "យើង", "ទិញ", "ស្រូវ"]);
        assert!(!whole_words("អាស្រូវ").contains(&"ស្រូវ".to_string()));
        // Words are normalised after segmentation: subscript DA as TA.
        assert!(whole_words("ការបណ្ដុះបណ្ដាល").contains(&"បណ្តុះបណ្តាល".to_string()));
    }

    #[test]
    fn a_visible_space_ends_a_khmer_run_an_invisible_one_does_not() {
        let spaced = texts("ត ប");
        assert!(!spaced.iter().any(|t| t == "តប"), "{spaced:?}");
        assert!(texts("ត\u{200B}ប").iter().any(|t| t == "តប"));
    }

    /// Issue 11: n-gram phrases never join across a script boundary, with or without a space.
    #[test]
    fn another_script_ends_a_khmer_run() {
        let got = raw_tokens("ជិតSamsungបន្ទាប់");
        assert!(!got.iter().any(|t| t.text == "តប"), "{got:?}");
        // The other script's token sits between, so no phrase of the two runs is contiguous.
        let pos = |text: &str| got.iter().find(|t| t.text == text).map(|t| t.position);
        assert_eq!(pos("Samsung"), pos("ត").map(|p| p + 1));
        assert_eq!(pos("ប"), pos("Samsung").map(|p| p + 1));
        assert!(!raw_tokens("ជិត한국បន្ទាប់").iter().any(|t| t.text == "តប"));
    }

    #[test]
    fn khmer_punctuation_and_digits() {
        let got = texts("ផលិត ១២០ តោន។ ល្អ");
        assert!(got.iter().any(|t| t == "120"), "{got:?}");
        assert!(got.iter().all(|t| !t.contains('។')), "{got:?}");
        // ។ ends the run: no bigram across it.
        assert!(!got.iter().any(|t| t == "នល្អ"), "{got:?}");
    }

    #[test]
    fn a_comma_that_groups_thousands_is_part_of_the_number() {
        let got =
            texts("$40,000 and 1,500,000 or ៤០,០០០; not 1,2 nor 12,3456 nor 1234,567 nor a1,000");
        for joined in ["40000", "1500000"] {
            assert_eq!(
                got.iter().filter(|t| *t == joined).count(),
                1 + usize::from(joined == "40000"),
                "{got:?}"
            );
        }
        for apart in ["1", "2", "12", "3456", "1234", "567", "a1", "000"] {
            assert!(got.iter().any(|t| t == apart), "{apart} in {got:?}");
        }
        let one = tokens("40,000");
        assert_eq!(one.len(), 1, "{one:?}");
        assert_eq!((one[0].offset_from, one[0].offset_to), (0, 6));
    }

    #[test]
    fn a_number_said_with_units_is_also_the_number() {
        let got = texts("약 5만 달러; ៥សែនរៀល; 1억5천만; ៣រយៈពេល; 5명");
        for number in ["5", "50000", "500000", "150000000", "3"] {
            assert!(got.iter().any(|t| t == number), "{number} in {got:?}");
        }
        assert!(!got.iter().any(|t| t == "300"), "រយៈ is no unit: {got:?}");
        // The units stay words of their own script.
        assert!(got.iter().any(|t| t == "만"), "{got:?}");
        // At the number's position, over the digits and their units.
        let all = tokens("5만 달러");
        let n = all.iter().find(|t| t.text == "50000").expect("the number");
        let five = all.iter().find(|t| t.text == "5").expect("the digits");
        assert_eq!(
            (n.position, n.offset_from),
            (five.position, five.offset_from)
        );
        assert_eq!(&"5만 달러"[n.offset_from..n.offset_to], "5만");
        assert_eq!(number_said_with_units("5만달러"), Some(50_000));
        assert_eq!(number_said_with_units("5명"), None);
        assert_eq!(number_said_with_units("만원"), None);
        assert_eq!(number_said_with_units("10억원"), Some(1_000_000_000));
        assert_eq!(number_said_with_units("៥សែនរៀល"), Some(500_000));
        assert_eq!(number_said_with_units("5원룸"), None);
    }

    #[test]
    fn hangul_bigrams_find_stems_inside_inflected_words() {
        assert_eq!(
            texts("화장품을"),
            ["화", "화장", "장", "장품", "품", "품을", "을"]
        );
        let options = Options {
            hangul_unigrams: Unigrams::Isolated,
            ..Options::default()
        };
        let bigrams: Vec<String> = tokens_with(&mut analyzer_with(options), "화장품을 쌀")
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(bigrams, ["화장", "장품", "품을", "쌀"]);
    }

    #[test]
    fn conjoining_jamo_are_composed_for_tokens_only() {
        let decomposed = "\u{110F}\u{1165}\u{1111}\u{1175}\u{1112}\u{1161}\u{11AB}";
        let got = tokens(decomposed);
        let got_texts: Vec<&str> = got.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(got_texts, ["커", "커피", "피", "피한", "한"]);
        // Offsets cover the jamo they were composed from.
        assert_eq!(
            &decomposed[got[1].offset_from..got[1].offset_to],
            "\u{110F}\u{1165}\u{1111}\u{1175}"
        );
        assert_eq!(
            &decomposed[got[4].offset_from..got[4].offset_to],
            "\u{1112}\u{1161}\u{11AB}"
        );
        // A precomposed LV syllable followed by a trailing jamo composes too.
        assert_eq!(texts("하\u{11AB}"), ["한"]);
    }

    #[test]
    fn ideographs_are_bigrams() {
        assert_eq!(texts("柬埔寨"), ["柬埔", "埔寨"]);
        assert_eq!(texts("米"), ["米"]);
    }

    #[test]
    fn empty_and_blank_input_give_no_tokens() {
        for text in ["", " ", "\u{200B}\u{200B}", " \t\n\r ", "។ ៕ , . !"] {
            assert!(tokens(text).is_empty(), "{text:?}");
        }
        // token() before advance() must not panic.
        let mut analyzer = analyzer();
        let stream = analyzer.token_stream("");
        assert_eq!(stream.token().text, "");
    }

    #[test]
    fn positions_are_consecutive_across_runs() {
        // Khmer run (4 syllables, unigrams at 0..=3), then a Latin word at 4, Hangul at 5.
        let got = tokens("ហាងលក់ Samsung 한국");
        let samsung = got.iter().find(|t| t.text == "samsung").map(|t| t.position);
        assert_eq!(samsung, Some(4));
        let korea = got.iter().find(|t| t.text == "한국").map(|t| t.position);
        assert_eq!(korea, Some(5));
    }

    /// Every token's offsets are char boundaries, and analyzing the slice they cover gives the
    /// token again: the offsets point at the text the token came from.
    #[test]
    fn offsets_slice_back_to_the_token_source() {
        let eval = load_eval();
        let mut analyzer = analyzer();
        let mut texts: Vec<String> = eval.docs.iter().map(|d| d.indexed_text()).collect();
        texts.push("Cambodia’s Café, 柬埔寨 and ហាងលក់ Samsung និង Apple អនឡាញ".to_string());
        for text in &texts {
            for token in tokens_with(&mut analyzer, text) {
                assert!(token.offset_from < token.offset_to, "{token:?} in {text}");
                let slice = text
                    .get(token.offset_from..token.offset_to)
                    .unwrap_or_else(|| panic!("{token:?} is not on char boundaries of {text}"));
                let again = tokens_with(&mut analyzer, slice);
                assert!(
                    again.iter().any(|t| t.text == token.text),
                    "{token:?} from {slice:?} gives {again:?}"
                );
            }
        }
    }

    #[test]
    fn filters_leave_non_latin_tokens_alone() {
        let eval = load_eval();
        for doc in &eval.docs {
            let text = doc.indexed_text();
            let raw = raw_tokens(&text);
            let filtered = tokens(&text);
            assert_eq!(raw.len(), filtered.len());
            for (r, f) in raw.iter().zip(&filtered) {
                if !r.text.chars().any(|c| c.is_ascii_alphabetic()) {
                    assert_eq!(r.text, f.text, "in {}", doc.id);
                }
                assert_eq!(
                    (r.offset_from, r.offset_to, r.position),
                    (f.offset_from, f.offset_to, f.position)
                );
            }
        }
    }

    #[test]
    fn long_input_is_fine() {
        let unit = "ក្រុមហ៊ុនកែច្នៃស្វាយចន្ទី Cashew processing 캄보디아 화장품 유통업체와 ";
        let mut text = String::new();
        while text.len() < 100_000 {
            text.push_str(unit);
        }
        // One huge word and a huge Khmer syllable must not produce huge tokens.
        text.push_str(&"x".repeat(5_000));
        text.push(' ');
        text.push('ក');
        text.push_str(&"\u{17B6}".repeat(5_000));
        // Runs of numbers with units and of thousands, as an attacker writes them: each number
        // is read a bounded way on (`MAX_UNITS`), each comma against its own word.
        text.push(' ');
        text.push_str(&"៥សែន".repeat(2_000));
        text.push(' ');
        text.push_str(&"5만".repeat(2_000));
        text.push(' ');
        text.push_str(&"1,000".repeat(2_000));
        let started = std::time::Instant::now();
        let got = tokens(&text);
        let elapsed = started.elapsed();
        println!("100 kB: {} tokens in {elapsed:?}", got.len());
        assert!(got.len() > 20_000);
        assert!(got.iter().all(|t| t.text.len() <= 2 * MAX_WORD_BYTES));
        let mut last = 0;
        for token in &got {
            assert!(token.position >= last, "positions go back at {token:?}");
            last = token.position;
        }
        // A second text reuses the buffers and gives the same result as a fresh analyzer.
        let mut reused = analyzer();
        let _ = tokens_with(&mut reused, &text);
        assert_eq!(tokens_with(&mut reused, "쌀 수출"), tokens("쌀 수출"));
    }

    /// Random strings built from the awkward characters (subscripts without letters, stray marks,
    /// lone jamo, joiners, combining accents) never panic and always give valid offsets.
    #[test]
    fn odd_input_gives_valid_tokens() {
        let pool: Vec<char> = "ក្រ\u{17D2}\u{17B6}\u{17C1}\u{17C9}\u{17CC}\u{17B4}ៗ។០ \u{200B}\u{200C}\u{200D}\u{2060}\n\
             a'’Ée\u{0301}9 한\u{1100}\u{1161}\u{11A8}\u{3131}柬カ\u{0E01}\u{0E48}.-"
            .chars()
            .collect();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut analyzer = analyzer();
        for _ in 0..2_000 {
            let mut text = String::new();
            for _ in 0..24 {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                let index = (state >> 33) as usize % pool.len();
                text.push(pool[index]);
            }
            let mut last_position = 0;
            for token in tokens_with(&mut analyzer, &text) {
                assert!(!token.text.is_empty(), "{text:?}");
                assert!(token.offset_from < token.offset_to, "{token:?} in {text:?}");
                assert!(
                    text.get(token.offset_from..token.offset_to).is_some(),
                    "{token:?} in {text:?}"
                );
                assert!(token.position >= last_position, "{token:?} in {text:?}");
                last_position = token.position;
            }
        }
    }

    /// The analyzer inside a real index: phrase queries from the query parser find Khmer and
    /// Korean words inside unsegmented text, and highlight ranges fall on the right text.
    #[test]
    fn works_in_a_tantivy_index() -> tantivy::Result<()> {
        use tantivy::collector::TopDocs;
        use tantivy::query::QueryParser;
        use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value};
        use tantivy::snippet::SnippetGenerator;
        use tantivy::{doc, Index, TantivyDocument};

        let mut builder = Schema::builder();
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(MULTI)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let body = builder.add_text_field(
            "body",
            TextOptions::default()
                .set_indexing_options(indexing)
                .set_stored(),
        );
        let index = Index::create_in_ram(builder.build());
        register(index.tokenizers());
        let mut writer = index.writer(15_000_000)?;
        let docs = [
            "ហាងរបស់យើងទទួលការកុម្ម៉ង់តាមអនឡាញ",
            "យើង\u{200B}ទទួលការ\u{200B}កុម្ម៉ង់\u{200B}តាម\u{200B}ហ្វេស\u{200B}ប៊ុក",
            "캄보디아 화장품 유통업체와 협력할 한국 투자자",
            "Korean investors in food processing",
        ];
        for text in docs {
            writer.add_document(doc!(body => text))?;
        }
        writer.commit()?;
        let searcher = index.reader()?.searcher();
        let parser = QueryParser::for_index(&index, vec![body]);
        let hits = |q: &str| -> tantivy::Result<BTreeSet<String>> {
            let query = parser
                .parse_query(q)
                .map_err(|e| tantivy::TantivyError::InvalidArgument(e.to_string()))?;
            let mut found = BTreeSet::new();
            for (_, address) in
                searcher.search(&query, &TopDocs::with_limit(10).order_by_score())?
            {
                let stored: TantivyDocument = searcher.doc(address)?;
                let text = stored
                    .get_first(body)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default();
                found.insert(text.to_string());
            }
            Ok(found)
        };
        let expect = |q: &str, wanted: &[usize]| -> tantivy::Result<()> {
            let got = hits(q)?;
            let wanted: BTreeSet<String> = wanted.iter().map(|i| docs[*i].to_string()).collect();
            assert_eq!(got, wanted, "query {q}");
            Ok(())
        };
        expect("ទទួល", &[0, 1])?;
        expect("អនឡាញ", &[0])?;
        expect("ហ្វេសប៊ុក", &[1])?;
        expect("화장품", &[2])?;
        expect("유통업체", &[2])?;
        expect("processing", &[3])?;
        expect("투자자 investors", &[2, 3])?;
        // Same syllables in another order are not the word.
        expect("ឡាញអន", &[])?;

        let query = parser
            .parse_query("ហ្វេសប៊ុក")
            .map_err(|e| tantivy::TantivyError::InvalidArgument(e.to_string()))?;
        let snippets = SnippetGenerator::create(&searcher, &*query, body)?;
        let snippet = snippets.snippet(docs[1]);
        // Overlapping bigram highlights merge into the whole word, joined space included.
        let html = snippet.to_html();
        assert!(html.ends_with("<b>ហ្វេស\u{200B}ប៊ុក</b>"), "{html}");
        assert_eq!(html.matches("<b>").count(), 1, "{html}");
        Ok(())
    }

    // ---- Evaluation ------------------------------------------------------------------------

    #[derive(Deserialize)]
    struct Eval {
        docs: Vec<EvalDoc>,
        queries: Vec<EvalQuery>,
    }

    #[derive(Deserialize)]
    struct EvalDoc {
        id: String,
        text: String,
        /// Store the document as conjoining jamo, as some Mac input does.
        #[serde(default)]
        nfd: bool,
    }

    impl EvalDoc {
        fn indexed_text(&self) -> String {
            if self.nfd {
                decompose_hangul(&self.text)
            } else {
                self.text.clone()
            }
        }
    }

    #[derive(Deserialize)]
    struct EvalQuery {
        lang: String,
        q: String,
        expect: Vec<String>,
    }

    fn load_eval() -> Eval {
        let eval: Eval = serde_json::from_str(include_str!("../../tests/data/analyzer_eval.json"))
            .unwrap_or_else(|e| panic!("tests/data/analyzer_eval.json: {e}"));
        let ids: BTreeSet<&str> = eval.docs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids.len(), eval.docs.len(), "duplicate document ids");
        for query in &eval.queries {
            for id in &query.expect {
                assert!(
                    ids.contains(id.as_str()),
                    "{}: unknown document {id}",
                    query.q
                );
            }
        }
        eval
    }

    fn decompose_hangul(text: &str) -> String {
        let mut out = String::new();
        for c in text.chars() {
            let Some(s) = u32::from(c).checked_sub(0xAC00).filter(|s| *s < 11_172) else {
                out.push(c);
                continue;
            };
            let jamo = [0x1100 + s / 588, 0x1161 + (s % 588) / 28, 0x11A7 + s % 28];
            for (i, j) in jamo.into_iter().enumerate() {
                if i < 2 || j != 0x11A7 {
                    out.extend(char::from_u32(j));
                }
            }
        }
        out
    }

    /// A document as the eval sees it: positions of each term.
    type Postings = HashMap<String, Vec<usize>>;

    fn postings(analyzer: &mut TextAnalyzer, text: &str) -> Postings {
        let mut postings = Postings::new();
        analyzer.token_stream(text).process(&mut |token| {
            postings
                .entry(token.text.clone())
                .or_default()
                .push(token.position);
        });
        postings
    }

    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Semantics {
        /// Terms at their relative positions, as the query parser's phrase queries ask.
        Phrase,
        /// Every term somewhere in the document.
        And,
    }

    /// Like tantivy's query parser: the query is split on whitespace, each piece is analyzed
    /// into one phrase (or a single term), and here every piece must match.
    fn matches(
        analyzer: &mut TextAnalyzer,
        query: &str,
        doc: &Postings,
        semantics: Semantics,
    ) -> bool {
        let mut any_piece = false;
        for piece in query.split_whitespace() {
            let terms: Vec<(usize, String)> = tokens_with(analyzer, piece)
                .into_iter()
                .map(|t| (t.position, t.text))
                .collect();
            let Some((first_position, first_text)) = terms.first() else {
                continue;
            };
            any_piece = true;
            let found = match semantics {
                Semantics::And => terms.iter().all(|(_, t)| doc.contains_key(t)),
                Semantics::Phrase => doc.get(first_text).is_some_and(|starts| {
                    starts.iter().any(|start| {
                        terms.iter().all(|(p, t)| {
                            let at = start + p - first_position;
                            doc.get(t).is_some_and(|ps| ps.contains(&at))
                        })
                    })
                }),
            };
            if !found {
                return false;
            }
        }
        any_piece
    }

    #[derive(Default, Clone, Copy)]
    struct Counts {
        true_positives: usize,
        false_positives: usize,
        false_negatives: usize,
    }

    impl Counts {
        fn recall(&self) -> f64 {
            ratio(
                self.true_positives,
                self.true_positives + self.false_negatives,
            )
        }
        fn precision(&self) -> f64 {
            ratio(
                self.true_positives,
                self.true_positives + self.false_positives,
            )
        }
    }

    fn ratio(a: usize, b: usize) -> f64 {
        if b == 0 {
            1.0
        } else {
            a as f64 / b as f64
        }
    }

    struct Report {
        /// (language, semantics) → counts.
        counts: HashMap<(String, &'static str), Counts>,
        /// Human-readable misses and false positives.
        errors: Vec<String>,
        tokens_per_doc: f64,
    }

    impl Report {
        fn get(&self, lang: &str, semantics: &'static str) -> Counts {
            let key = (lang.to_string(), semantics);
            self.counts.get(&key).copied().unwrap_or_default()
        }
    }

    fn evaluate(eval: &Eval, analyzer: &mut TextAnalyzer) -> Report {
        let docs: Vec<(String, Postings)> = eval
            .docs
            .iter()
            .map(|d| (d.id.clone(), postings(analyzer, &d.indexed_text())))
            .collect();
        let total_tokens: usize = docs
            .iter()
            .map(|(_, p)| p.values().map(Vec::len).sum::<usize>())
            .sum();
        let mut report = Report {
            counts: HashMap::new(),
            errors: Vec::new(),
            tokens_per_doc: total_tokens as f64 / docs.len() as f64,
        };
        for (semantics, name) in [(Semantics::Phrase, "phrase"), (Semantics::And, "and")] {
            for query in &eval.queries {
                let expected: BTreeSet<&str> = query.expect.iter().map(String::as_str).collect();
                let found: BTreeSet<&str> = docs
                    .iter()
                    .filter(|(_, p)| matches(analyzer, &query.q, p, semantics))
                    .map(|(id, _)| id.as_str())
                    .collect();
                for lang in [query.lang.clone(), "all".to_string()] {
                    let c = report.counts.entry((lang, name)).or_default();
                    c.true_positives += found.intersection(&expected).count();
                    c.false_positives += found.difference(&expected).count();
                    c.false_negatives += expected.difference(&found).count();
                }
                if semantics == Semantics::Phrase && found != expected {
                    report.errors.push(format!(
                        "{} {}: missed {:?}, extra {:?}",
                        query.lang,
                        query.q,
                        expected.difference(&found).collect::<Vec<_>>(),
                        found.difference(&expected).collect::<Vec<_>>()
                    ));
                }
            }
        }
        report
    }

    fn variant(khmer: Unigrams, hangul: Unigrams, joins: Join) -> TextAnalyzer {
        analyzer_with(Options {
            khmer_unigrams: khmer,
            hangul_unigrams: hangul,
            khmer_joins: joins,
        })
    }

    const LANGUAGES: [&str; 5] = ["km", "ko", "en", "mixed", "all"];

    fn table(reports: &[(&str, Report)]) -> String {
        let mut table = format!("{:<26}{:>8}", "variant", "tok/doc");
        for lang in LANGUAGES {
            let _ = write!(table, " | {lang:>5} R/P phrase  R/P and");
        }
        for (name, report) in reports {
            let _ = write!(table, "\n{name:<26}{:>8.1}", report.tokens_per_doc);
            for lang in LANGUAGES {
                let (phrase, and) = (report.get(lang, "phrase"), report.get(lang, "and"));
                let _ = write!(
                    table,
                    " | {:.2}/{:.2}      {:.2}/{:.2}",
                    phrase.recall(),
                    phrase.precision(),
                    and.recall(),
                    and.precision()
                );
            }
        }
        table
    }

    fn f1(counts: Counts) -> f64 {
        let (r, p) = (counts.recall(), counts.precision());
        if r + p == 0.0 {
            0.0
        } else {
            2.0 * r * p / (r + p)
        }
    }

    /// Korean queries as people type them: every Korean query of the evaluation set with a
    /// particle attached (the allomorph its last sound takes), and the verbal nouns among them
    /// with the common 하다 endings. Relevant documents are those of the bare query. "as typed"
    /// searches the inflected word alone (the behaviour before `search::korean`); "with stems"
    /// also searches its stems, as `search::query` does.
    /// `cargo test --lib eval_korean_inflected -- --nocapture` prints the table.
    #[test]
    fn eval_korean_inflected_queries() {
        const PARTICLES: &[(&str, &str)] = &[
            ("을", "를"),
            ("이", "가"),
            ("은", "는"),
            ("의", "의"),
            ("에", "에"),
            ("에서", "에서"),
            ("으로", "로"),
            ("과", "와"),
            ("도", "도"),
            ("만", "만"),
            ("까지", "까지"),
            ("부터", "부터"),
        ];
        const HADA: &[&str] = &[
            "하다",
            "하는",
            "한",
            "합니다",
            "했다",
            "하고",
            "해서",
            "하여",
        ];
        const VERBAL_NOUNS: &[&str] = &[
            "유통", "투자", "수출", "수입", "교육", "결제", "가공", "생산",
        ];
        let eval = load_eval();
        let mut analyzer = analyzer();
        let docs: Vec<(String, Postings, BTreeSet<String>)> = eval
            .docs
            .iter()
            .map(|d| {
                let text = d.indexed_text();
                let words = whole_words(&text).into_iter().collect();
                (d.id.clone(), postings(&mut analyzer, &text), words)
            })
            .collect();
        // (query type, stem length class, "typed"/"stems") → counts
        let mut counts: BTreeMap<(&str, &str, &str), Counts> = BTreeMap::new();
        let mut queries = 0;
        for query in eval.queries.iter().filter(|q| q.lang == "ko") {
            let base = query.q.as_str();
            let Some(last) = base.chars().last().filter(|c| ('가'..='힣').contains(c)) else {
                continue;
            };
            let consonant = (u32::from(last) - 0xAC00) % 28 != 0;
            let mut forms: Vec<(&str, String)> = PARTICLES
                .iter()
                .map(|(after_consonant, after_vowel)| {
                    let p = if consonant {
                        after_consonant
                    } else {
                        after_vowel
                    };
                    // 로 follows ㄹ too.
                    let p = if *p == "으로" && (u32::from(last) - 0xAC00) % 28 == 8 {
                        "로"
                    } else {
                        p
                    };
                    ("noun+particle", format!("{base}{p}"))
                })
                .collect();
            if VERBAL_NOUNS.contains(&base) {
                forms.extend(HADA.iter().map(|e| ("noun+하다", format!("{base}{e}"))));
            }
            let length = if base.chars().count() >= 2 {
                "stem >= 2 syllables"
            } else {
                "stem 1 syllable"
            };
            let expected: BTreeSet<&str> = query.expect.iter().map(String::as_str).collect();
            for (kind, typed) in forms {
                queries += 1;
                let stems = crate::search::korean::stems(&typed);
                let word_only = crate::search::korean::one_syllable_stem(
                    &typed,
                    crate::search::korean::Side::Query,
                );
                for (how, alternatives, word_only) in [
                    ("as typed", vec![typed.clone()], None),
                    (
                        "with stems",
                        std::iter::once(typed.clone()).chain(stems).collect(),
                        word_only.as_ref(),
                    ),
                ] {
                    let found: BTreeSet<&str> = docs
                        .iter()
                        .filter(|(_, p, words)| {
                            word_only.is_some_and(|w| words.contains(w))
                                || alternatives
                                    .iter()
                                    .any(|a| matches(&mut analyzer, a, p, Semantics::Phrase))
                        })
                        .map(|(id, _, _)| id.as_str())
                        .collect();
                    let c = counts.entry((kind, length, how)).or_default();
                    c.true_positives += found.intersection(&expected).count();
                    c.false_positives += found.difference(&expected).count();
                    c.false_negatives += expected.difference(&found).count();
                }
            }
        }
        println!("{queries} inflected Korean queries; R/P micro-averaged over relevant pairs");
        for ((kind, length, how), c) in &counts {
            println!(
                "{kind:<14} {length:<20} {how:<11} R {:.2} P {:.2} (relevant pairs {})",
                c.recall(),
                c.precision(),
                c.true_positives + c.false_negatives
            );
        }
        for kind in ["noun+particle", "noun+하다"] {
            let with = counts[&(kind, "stem >= 2 syllables", "with stems")];
            let typed = counts[&(kind, "stem >= 2 syllables", "as typed")];
            assert!(with.recall() >= 0.95, "{kind}: recall {:.2}", with.recall());
            assert!(with.recall() > typed.recall(), "{kind}: stems help");
            assert!(
                with.precision() >= 0.95,
                "{kind}: precision {:.2}",
                with.precision()
            );
        }
    }

    /// Recall and strict precision on text the project did not write, with relevance from
    /// independent segmenters (`tests/data/udhr_eval.json`, see its `about`), per language and
    /// query type; Korean nouns also with a particle and, for verbal nouns, with 하다 endings,
    /// searched as `search::query` does (the word, or its stem).
    /// `cargo test --lib eval_public_text -- --nocapture` prints the table.
    #[test]
    fn eval_public_text() {
        let eval = super::public_eval::udhr();
        let mut analyzer = analyzer();
        let docs: Vec<(String, Postings, BTreeSet<String>)> = eval
            .docs
            .iter()
            .map(|d| {
                let words = whole_words(&d.text).into_iter().collect();
                (d.id.clone(), postings(&mut analyzer, &d.text), words)
            })
            .collect();
        let mut counts: BTreeMap<String, Counts> = BTreeMap::new();
        let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for query in &eval.queries {
            let mut forms: Vec<(String, String)> = vec![(query.kind.clone(), query.q.clone())];
            let last = query.q.chars().last().unwrap_or(' ');
            if query.kind == "ko noun 2+ syllables" {
                let consonant = (u32::from(last) - 0xAC00) % 28 != 0;
                for (c, v) in [("을", "를"), ("이", "가"), ("은", "는"), ("과", "와")] {
                    let p = if consonant { c } else { v };
                    forms.push(("ko noun+particle".into(), format!("{}{p}", query.q)));
                }
                for p in ["의", "에", "에서", "도"] {
                    forms.push(("ko noun+particle".into(), format!("{}{p}", query.q)));
                }
                if query.verbal {
                    for e in ["하다", "하는", "한", "합니다", "하여"] {
                        forms.push(("ko noun+하다".into(), format!("{}{e}", query.q)));
                    }
                }
            }
            if query.kind == "ko noun 1 syllable" {
                let consonant = (u32::from(last) - 0xAC00) % 28 != 0;
                for (c, v) in [("을", "를"), ("은", "는"), ("에", "에"), ("에서", "에서")]
                {
                    let p = if consonant { c } else { v };
                    forms.push((
                        "ko 1-syllable noun+particle".into(),
                        format!("{}{p}", query.q),
                    ));
                }
            }
            let expected: BTreeSet<&str> = query.expect.iter().map(String::as_str).collect();
            let inflected: Vec<(String, String)> = forms
                .iter()
                .filter(|(kind, _)| kind.contains("noun+"))
                .map(|(kind, typed)| (format!("{kind}, as typed"), typed.clone()))
                .collect();
            for (kind, typed) in forms.into_iter().chain(inflected) {
                let as_typed = kind.ends_with("as typed");
                let alternatives: Vec<String> = if as_typed {
                    vec![typed.clone()]
                } else {
                    // As the query path reads a word (`query::analyse_words`): its Korean
                    // stems, or the other spelling of Khmer words written two ways.
                    std::iter::once(typed.clone())
                        .chain(crate::search::korean::stems(&typed))
                        .chain(crate::search::khmer_variants::variants().other_spelling(&typed))
                        .collect()
                };
                // A one-syllable stem finds documents only as one of their words.
                let word_only = (!as_typed)
                    .then(|| {
                        crate::search::korean::one_syllable_stem(
                            &typed,
                            crate::search::korean::Side::Query,
                        )
                    })
                    .flatten();
                let found: BTreeSet<&str> = docs
                    .iter()
                    .filter(|(_, p, words)| {
                        word_only.as_ref().is_some_and(|w| words.contains(w))
                            || alternatives
                                .iter()
                                .any(|a| matches(&mut analyzer, a, p, Semantics::Phrase))
                    })
                    .map(|(id, _, _)| id.as_str())
                    .collect();
                let c = counts.entry(kind.clone()).or_default();
                c.true_positives += found.intersection(&expected).count();
                c.false_positives += found.difference(&expected).count();
                c.false_negatives += expected.difference(&found).count();
                if found != expected {
                    errors.entry(kind).or_default().push(format!(
                        "{typed}: missed {}, extra {}",
                        expected.difference(&found).count(),
                        found.difference(&expected).count()
                    ));
                }
            }
        }
        println!(
            "{} documents, {} queries (types as below); R/P micro-averaged over relevant pairs",
            eval.docs.len(),
            eval.queries.len()
        );
        for (kind, c) in &counts {
            println!(
                "{kind:<22} R {:.2} P {:.2} (relevant pairs {}, false positives {})",
                c.recall(),
                c.precision(),
                c.true_positives + c.false_negatives,
                c.false_positives
            );
        }
        for (kind, list) in errors.iter().filter(|(k, _)| !k.ends_with("as typed")) {
            println!("{kind}: {} queries differ, e.g.", list.len());
            for e in list.iter().take(8) {
                println!("  {e}");
            }
        }
        // Regression guards at the measured level (see the README's search section).
        let at_least = |kind: &str, recall: f64, precision: f64| {
            let c = counts[kind];
            assert!(c.recall() >= recall, "{kind}: recall {:.2}", c.recall());
            assert!(
                c.precision() >= precision,
                "{kind}: precision {:.2}",
                c.precision()
            );
        };
        at_least("km 2+ syllables", 1.0, 0.78);
        at_least("ko noun 2+ syllables", 1.0, 0.93);
        at_least("ko noun+particle", 0.99, 0.93);
        at_least("ko noun+하다", 0.99, 0.95);
    }

    /// Measures recall and precision of the analyzer variants on the evaluation set and checks
    /// that the chosen one is the best. `cargo test --lib eval_recall_precision -- --nocapture`
    /// prints the table.
    #[test]
    fn eval_recall_precision() {
        use Unigrams::{All, Isolated};
        let eval = load_eval();
        let mut variants: Vec<(&str, TextAnalyzer)> = vec![
            ("bigrams, no join", variant(Isolated, Isolated, Join::Never)),
            ("bigrams", variant(Isolated, Isolated, Join::Invisible)),
            ("bi+unigrams, no join", variant(All, All, Join::Never)),
            ("bi+uni, join spaces (old)", variant(All, All, Join::Spaces)),
            (
                "km bi+uni, ko bigrams",
                variant(All, Isolated, Join::Invisible),
            ),
            (
                "km bigrams, ko bi+uni",
                variant(Isolated, All, Join::Invisible),
            ),
            ("bi+unigrams (chosen)", analyzer()),
        ];
        // Baseline: what a text field gets without this module.
        if let Some(default) = TokenizerManager::default().get("default") {
            variants.insert(0, ("tantivy default (words)", default));
        }
        let reports: Vec<(&str, Report)> = variants
            .iter_mut()
            .map(|(name, analyzer)| (*name, evaluate(&eval, analyzer)))
            .collect();
        println!(
            "{} documents, {} queries; R = recall, P = precision (micro-averaged)\n{}\n",
            eval.docs.len(),
            eval.queries.len(),
            table(&reports)
        );
        for (name, report) in &reports {
            if name.contains("chosen") || name.starts_with("bigrams") {
                println!("{name}: phrase-query errors:");
                for error in &report.errors {
                    println!("  {error}");
                }
            }
        }

        let Some((_, chosen)) = reports.iter().find(|(name, _)| name.contains("chosen")) else {
            panic!("no chosen variant");
        };
        // Every expected document is found, for every language, with phrase queries.
        for lang in ["km", "ko", "en", "mixed"] {
            assert_eq!(chosen.get(lang, "phrase").recall(), 1.0, "{lang} recall");
        }
        // The only false positives are the one-syllable traps (ត្រី in ត្រីមាស, 차 in 자동차).
        assert!(
            chosen.get("km", "phrase").precision() >= 0.95,
            "km precision"
        );
        assert!(
            chosen.get("ko", "phrase").precision() >= 0.95,
            "ko precision"
        );
        assert_eq!(chosen.get("en", "phrase").precision(), 1.0, "en precision");
        assert_eq!(
            chosen.get("mixed", "phrase").precision(),
            1.0,
            "mixed precision"
        );
        // No variant balances recall and precision better.
        let chosen_f1 = f1(chosen.get("all", "phrase"));
        for (name, report) in &reports {
            let other = f1(report.get("all", "phrase"));
            assert!(other <= chosen_f1 + 1e-9, "{name} beats the chosen variant");
        }
    }
}
