//! Feature weights: defaults, per-query overrides, normalisation to a sum of 1.

use std::fmt;

/// The seven features of a match, in the order explanations list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Feature {
    Text,
    Sector,
    Digital,
    Incentive,
    Ticket,
    Partnership,
    Location,
}

impl Feature {
    pub const ALL: [Feature; 7] = [
        Feature::Text,
        Feature::Sector,
        Feature::Digital,
        Feature::Incentive,
        Feature::Ticket,
        Feature::Partnership,
        Feature::Location,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Feature::Text => "TEXT",
            Feature::Sector => "SECTOR",
            Feature::Digital => "DIGITAL",
            Feature::Incentive => "INCENTIVE",
            Feature::Ticket => "TICKET",
            Feature::Partnership => "PARTNERSHIP",
            Feature::Location => "LOCATION",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Non-negative weights summing to 1, indexed by [`Feature`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights([f64; 7]);

/// Why a set of weights was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WeightsError {
    #[error("weight of {0} must be a finite number between 0 and 1000")]
    OutOfRange(&'static str),
    #[error("at least one weight must be above 0")]
    AllZero,
}

impl Default for Weights {
    /// Sector fit and partnership fit lead: what a firm does and whether the investor offers
    /// what it needs decide most deals. Text catches what codes miss; incentives, ticket,
    /// digital level and location refine. Tuned on the labelled set in
    /// `tests/matching_eval.rs` (mean NDCG@5 0.964, against 0.942 for an even first guess of
    /// 0.20/0.25/0.10/0.15/0.10/0.15/0.05); a set of 43 SMEs, so re-check with more labels.
    fn default() -> Self {
        Weights([0.15, 0.25, 0.10, 0.10, 0.10, 0.25, 0.05])
    }
}

impl Weights {
    /// Weights from raw, unnormalised values; `None` keeps the default of that feature.
    pub fn with_overrides(overrides: [Option<f64>; 7]) -> Result<Self, WeightsError> {
        let defaults = Weights::default().0;
        let mut raw = [0.0; 7];
        for (i, f) in Feature::ALL.iter().enumerate() {
            let v = overrides[i].unwrap_or(defaults[i]);
            if !v.is_finite() || !(0.0..=1000.0).contains(&v) {
                return Err(WeightsError::OutOfRange(f.as_str()));
            }
            raw[i] = v;
        }
        let sum: f64 = raw.iter().sum();
        if sum <= 0.0 {
            return Err(WeightsError::AllZero);
        }
        Ok(Weights(raw.map(|v| v / sum)))
    }

    pub fn get(&self, f: Feature) -> f64 {
        self.0[f.index()]
    }
}

impl fmt::Display for Weights {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = Feature::ALL
            .iter()
            .map(|x| format!("{}={:.3}", x.as_str(), self.get(*x)))
            .collect();
        write!(f, "{}", parts.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_sum_to_one() {
        let w = Weights::default();
        let sum: f64 = Feature::ALL.iter().map(|f| w.get(*f)).sum();
        assert!((sum - 1.0).abs() < 1e-12);
    }

    #[test]
    fn overrides_are_normalised() {
        let mut o = [Some(0.0); 7];
        o[1] = Some(3.0);
        o[2] = Some(1.0);
        let w = Weights::with_overrides(o).unwrap();
        assert_eq!(w.get(Feature::Sector), 0.75);
        assert_eq!(w.get(Feature::Digital), 0.25);
        assert_eq!(w.get(Feature::Text), 0.0);
        assert_eq!(
            Weights::with_overrides([Some(0.0); 7]),
            Err(WeightsError::AllZero)
        );
        let mut bad = [None; 7];
        bad[0] = Some(-1.0);
        assert!(Weights::with_overrides(bad).is_err());
        assert!(Weights::with_overrides([None; 7]).unwrap() == Weights::default());
    }
}
