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

/// Each part's points, rounded so that they add up to the rounded total: people add the bars
/// up, and the page says the score is their sum. Rounding each alone could miss by a point or
/// two; here every part is rounded down and the points still missing go to the parts that lost
/// the most (largest remainder), so no part moves by a whole point or more.
///
/// `caps`, when given, bound each part (a part's points never exceed its weight's shown points,
/// "5 of 4" being what QA saw with custom weights); a part at its cap passes the point on.
/// A part whose feature fits fully (`full`) takes a missing point first, so it shows all its
/// points when the total allows: "13 of 14" beside a reason saying the sector fits fully read
/// as a contradiction (QA).
pub fn parts_in_points(
    total: f64,
    parts: &[f64],
    caps: Option<&[u32]>,
    full: Option<&[bool]>,
) -> Vec<u32> {
    let scaled: Vec<f64> = parts.iter().map(|p| (p * 100.0).max(0.0)).collect();
    let cap = |i: usize| caps.and_then(|c| c.get(i).copied()).unwrap_or(u32::MAX);
    let mut out: Vec<u32> = scaled
        .iter()
        .enumerate()
        .map(|(i, x)| (x.floor() as u32).min(cap(i)))
        .collect();
    let mut missing = (points(total) as usize).saturating_sub(out.iter().sum::<u32>() as usize);
    let mut by_remainder: Vec<usize> = (0..scaled.len()).collect();
    let is_full = |i: usize| full.and_then(|f| f.get(i).copied()).unwrap_or(false);
    by_remainder.sort_by(|&a, &b| {
        let (ra, rb) = (scaled[a] - scaled[a].floor(), scaled[b] - scaled[b].floor());
        is_full(b)
            .cmp(&is_full(a))
            .then(rb.total_cmp(&ra))
            .then(a.cmp(&b))
    });
    for &i in &by_remainder {
        if missing == 0 {
            break;
        }
        if out[i] < cap(i) {
            out[i] += 1;
            missing -= 1;
        }
    }
    out
}

/// A feature's name in the page language.
pub fn feature_name(tr: Tr, f: Feature) -> String {
    tr.t(&format!("feature-{}", f.as_str().to_ascii_lowercase()))
}

/// The explanation of `b` in `tr`'s language (the reasons come from the service already in the
/// language it was asked for).
pub fn score_view(tr: Tr, b: &Breakdown) -> ScoreView {
    let contributions: Vec<f64> = b.factors.iter().map(|f| f.contribution).collect();
    let weights: Vec<f64> = b.factors.iter().map(|f| f.weight).collect();
    // The weights sum to 1, so rounded the same way they sum to 100; each part is then at most
    // its weight's points.
    let weights = parts_in_points(1.0, &weights, None, None);
    let full: Vec<bool> = b.factors.iter().map(|f| f.value >= 1.0 - 1e-9).collect();
    let parts = parts_in_points(b.score, &contributions, Some(&weights), Some(&full));
    ScoreView {
        score: tr.t1("matches-score", "score", points(b.score)),
        percent: points(b.score),
        factors: b
            .factors
            .iter()
            .zip(parts.into_iter().zip(weights))
            .map(|(f, (part, weight))| FactorView {
                name: feature_name(tr, f.feature),
                points: tr.t2(
                    "feature-part",
                    ("points", part.to_string()),
                    ("weight", weight.to_string()),
                ),
                percent: points(f.value),
                reason: f.reason.clone(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_add_up_to_the_total_shown() {
        // Seven parts of 0.1046 each: rounded alone, 7 × 10 = 70 against a total of 73.
        let parts = [0.1046; 7];
        let total: f64 = parts.iter().sum();
        let shown = parts_in_points(total, &parts, None, None);
        assert_eq!(shown.iter().sum::<u32>(), points(total));
        assert_eq!(points(total), 73);
        // No part moves by a whole point: each is its value rounded down or up.
        assert!(shown.iter().all(|&p| p == 10 || p == 11), "{shown:?}");
        // The QA case: bars 15+20+10+4+10+12+0 = 71 under a total of 72.
        let parts = [0.1540, 0.2000, 0.1000, 0.0440, 0.1000, 0.1245, 0.0];
        let total: f64 = parts.iter().sum();
        assert_eq!(
            parts_in_points(total, &parts, None, None)
                .iter()
                .sum::<u32>(),
            points(total)
        );
        // A part is never above its weight: a full 0.045 of a 0.045 weight shown 4 of 4, not
        // 5 of 4, when the weight rounds down and the part would round up.
        let w = [0.305, 0.245, 0.1, 0.1, 0.1, 0.105, 0.045];
        let caps = parts_in_points(1.0, &w, None, None);
        let parts = [0.30, 0.2, 0.1, 0.1, 0.1, 0.1, 0.045];
        let total: f64 = parts.iter().sum();
        let shown = parts_in_points(total, &parts, Some(&caps), None);
        for (i, (p, c)) in shown.iter().zip(&caps).enumerate() {
            assert!(p <= c, "part {i}: {p} of {c} ({shown:?} / {caps:?})");
        }
        assert_eq!(shown.iter().sum::<u32>(), points(total));
        // Weights sum to 100.
        let w = [0.15, 0.25, 0.10, 0.10, 0.10, 0.25, 0.05];
        assert_eq!(
            parts_in_points(1.0, &w, None, None),
            vec![15, 25, 10, 10, 10, 25, 5]
        );
        // A fully fitting part shows all its points (QA: sector 13 of 14 beside "fits
        // fully"): custom weights 100/25/10/10/10/25/5 of 185, the sector's part full.
        let w = [100.0, 25.0, 10.0, 10.0, 10.0, 25.0, 5.0].map(|x| x / 185.0);
        let caps = parts_in_points(1.0, &w, None, None);
        let parts = [0.409, w[1], 0.05, 0.05, 0.02, 0.10, 0.0];
        let full = [false, true, false, false, false, false, false];
        let total: f64 = parts.iter().sum();
        let shown = parts_in_points(total, &parts, Some(&caps), Some(&full));
        assert_eq!(shown[1], caps[1], "{shown:?} of {caps:?}");
        assert_eq!(shown.iter().sum::<u32>(), points(total));
        let odd = [1.0 / 7.0; 7];
        assert_eq!(
            parts_in_points(1.0, &odd, None, None).iter().sum::<u32>(),
            100
        );
    }
}
