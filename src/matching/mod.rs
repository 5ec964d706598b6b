//! Pure scoring of (SME, investor) pairs: features in [0, 1], a weighted sum, an explanation.
//! No I/O and no index: `search::matcher` feeds it values from the index's fast fields, and the
//! API explains the top results with it.

pub mod activities;
pub mod explain;
pub mod features;
pub mod glossary;
pub mod weights;
