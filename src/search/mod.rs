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
pub mod spelling;

/// The words of a word-list file of `data/` (one a line; blank lines and `#` comments left
/// out), as its compiled-in text.
pub(crate) fn word_list(text: &'static str) -> std::collections::HashSet<&'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}
