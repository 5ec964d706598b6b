//! Cambodia's 25 provinces (Phnom Penh included), compiled in from `data/provinces.csv`.

use std::sync::LazyLock;

const PROVINCES_CSV: &str = include_str!("../../data/provinces.csv");

#[derive(Debug, Clone)]
pub struct Province {
    /// National two-digit code, e.g. `12`.
    pub national_code: String,
    /// ISO 3166-2:KH code, e.g. `KH-12`: the code the API speaks.
    pub iso: String,
    pub name_en: String,
    pub name_km: String,
    pub name_ko: String,
}

static PROVINCES: LazyLock<Vec<Province>> = LazyLock::new(|| {
    let mut rdr = csv::Reader::from_reader(PROVINCES_CSV.as_bytes());
    rdr.records()
        .map(|r| {
            // Compiled-in data covered by unit tests: a failure here is a build defect.
            let r = r.expect("data/provinces.csv is valid CSV");
            Province {
                national_code: r[0].to_string(),
                iso: r[1].to_string(),
                name_en: r[2].to_string(),
                name_km: r[3].to_string(),
                name_ko: r[4].to_string(),
            }
        })
        .collect()
});

/// All provinces in national-code order.
pub fn provinces() -> &'static [Province] {
    &PROVINCES
}

/// A Cambodian province by its ISO 3166-2 code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProvinceCode(String);

impl ProvinceCode {
    /// Accepts `KH-12` (any case); refuses national codes and unknown ones with a hint.
    pub fn parse(code: &str) -> Result<Self, String> {
        let upper = code.trim().to_ascii_uppercase();
        if provinces().iter().any(|p| p.iso == upper) {
            Ok(ProvinceCode(upper))
        } else {
            Err(format!(
                "unknown province code {code:?}: use an ISO 3166-2:KH code from KH-1 to KH-25, e.g. \"KH-12\" for Phnom Penh"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn province(&self) -> &'static Province {
        // Parsed codes always exist in the compiled list.
        provinces()
            .iter()
            .find(|p| p.iso == self.0)
            .unwrap_or(&provinces()[0])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_25_with_three_names() {
        assert_eq!(provinces().len(), 25);
        for p in provinces() {
            assert!(!p.name_en.is_empty() && !p.name_km.is_empty() && !p.name_ko.is_empty());
            assert_eq!(
                p.iso,
                format!("KH-{}", p.national_code.trim_start_matches('0'))
            );
        }
    }

    #[test]
    fn parses_iso_codes() {
        assert_eq!(
            ProvinceCode::parse("kh-12").unwrap().province().name_en,
            "Phnom Penh"
        );
        assert!(ProvinceCode::parse("KH-26").is_err());
        assert!(ProvinceCode::parse("12").is_err());
    }
}
