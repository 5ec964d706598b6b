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
