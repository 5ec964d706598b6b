//! Amounts in whole US dollars, and the ranges SMEs seek and investors offer.

/// The largest amount taken: GraphQL's `Int` is a signed 32-bit integer, and strict clients
/// (graphql-js) refuse larger values in answers; above USD 2.1 billion an amount is a typing
/// mistake anyway, not an SME deal.
pub const MAX_USD: i64 = i32::MAX as i64;

/// An optional `[min, max]` in whole USD; either bound may be open. `min <= max` when both given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UsdRange {
    pub min: Option<i64>,
    pub max: Option<i64>,
}

impl UsdRange {
    /// Returns the error and the name of the bound it concerns (`"min"` or `"max"`).
    pub fn parse(min: Option<i64>, max: Option<i64>) -> Result<Self, (&'static str, String)> {
        for (which, v) in [("min", min), ("max", max)] {
            if let Some(v) = v {
                if v < 0 {
                    return Err((which, format!("must not be negative (got {v})")));
                }
                if v > MAX_USD {
                    return Err((which, format!("must be at most {MAX_USD} USD (got {v})")));
                }
            }
        }
        if let (Some(lo), Some(hi)) = (min, max) {
            if lo > hi {
                return Err(("min", format!("minimum {lo} is above maximum {hi}")));
            }
        }
        Ok(UsdRange { min, max })
    }

    /// Whether two ranges share any amount (open bounds are unbounded).
    pub fn overlaps(&self, other: &UsdRange) -> bool {
        let lo = self.min.unwrap_or(0).max(other.min.unwrap_or(0));
        let hi = self
            .max
            .unwrap_or(i64::MAX)
            .min(other.max.unwrap_or(i64::MAX));
        lo <= hi
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert!(UsdRange::parse(Some(10), Some(5)).is_err());
        assert_eq!(UsdRange::parse(Some(-1), None).unwrap_err().0, "min");
        assert_eq!(
            UsdRange::parse(None, Some(MAX_USD + 1)).unwrap_err().0,
            "max"
        );
        let a = UsdRange::parse(Some(10), Some(20)).unwrap();
        let b = UsdRange::parse(Some(20), None).unwrap();
        let c = UsdRange::parse(None, Some(9)).unwrap();
        assert!(a.overlaps(&b) && !a.overlaps(&c) && !b.overlaps(&c));
    }
}
