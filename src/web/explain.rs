//! A match score explained for people: the total as a bar, then one bar per feature with its
//! points and the reason in the page language. One view, shared by "my matches" (both sides)
//! and the staff pages (match page, ranked matches on a profile), drawn by
//! `templates/score.html`.

use super::i18n::Tr;
use crate::matching::explain::Breakdown;
use crate::matching::weights::Feature;

pub struct FactorView {
    pub name: String,
    pub points: String,
    pub percent: u32,
    pub reason: String,
}

/// A score and its parts, as finished strings and bar widths.
pub struct ScoreView {
    pub score: String,
    pub percent: u32,
    pub factors: Vec<FactorView>,
}

/// Points out of 100, rounded.
pub fn points(x: f64) -> u32 {
    (x * 100.0).round().clamp(0.0, 100.0) as u32
}

/// A feature's name in the page language.
pub fn feature_name(tr: Tr, f: Feature) -> String {
    tr.t(&format!("feature-{}", f.as_str().to_ascii_lowercase()))
}

/// The explanation of `b` in `tr`'s language (the reasons come from the service already in the
/// language it was asked for).
pub fn score_view(tr: Tr, b: &Breakdown) -> ScoreView {
    ScoreView {
        score: tr.t1("matches-score", "score", points(b.score)),
        percent: points(b.score),
        factors: b
            .factors
            .iter()
            .map(|f| FactorView {
                name: feature_name(tr, f.feature),
                points: tr.t2(
                    "feature-part",
                    ("points", format!("{:.0}", f.contribution * 100.0)),
                    ("weight", format!("{:.0}", f.weight * 100.0)),
                ),
                percent: points(f.value),
                reason: f.reason.clone(),
            })
            .collect(),
    }
}
