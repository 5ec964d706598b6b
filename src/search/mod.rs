//! Full-text search over profiles with tantivy: a derived copy of the database, kept exactly in
//! step with it through the outbox, and rebuilt from it whenever it is missing or outdated.

pub mod analyzer;
pub mod collector;
pub mod document;
pub mod features;
pub mod index;
pub mod indexer;
pub mod khmer;
pub mod khmer_variants;
pub mod korean;
pub mod matcher;
pub mod query;
pub mod schema;
pub mod snippet;
pub mod spelling;

/// English words read at least once per million words of public text: wordfreq's list
/// (`data/common-words/en.txt`, CC BY-SA 4.0; its `build.py` says how it was made).
pub(crate) fn english_words() -> &'static std::collections::HashSet<&'static str> {
    static WORDS: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    WORDS.get_or_init(|| word_list(include_str!("../../data/common-words/en.txt")))
}

/// The words of a word-list file of `data/` (one a line; blank lines and `#` comments left
/// out), as its compiled-in text.
pub(crate) fn word_list(text: &'static str) -> std::collections::HashSet<&'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}
