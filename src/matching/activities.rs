//! Which activities (ISIC classes) deal in a glossary concept, from `data/glossary_isic.tsv`.
//!
//! ISIC titles name industries, not things: nothing in "Growing of beverage crops" says coffee,
//! so an owner who types កាហ្វេ into an activity finder found nothing. The glossary already
//! knows កាហ្វេ, 커피 and coffee as one concept; this table says where a business dealing in it
//! is classified, so a finder can offer those classes. It is reference data for people choosing
//! a class, not a matching feature: a profile's sector is what its owner chose.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::glossary::{glossary, Glossary};
use crate::domain::sector::{isic, IsicLevel, IsicTree};

const DATA: &str = include_str!("../../data/glossary_isic.tsv");

/// The most classes one concept may list: a finder that offers a dozen classes for one word
/// has not helped anyone choose.
const MAX_CLASSES: usize = 5;

/// Concepts with the classes that deal in them, in the file's order.
pub struct Activities {
    /// (concept index in the glossary, class codes, most typical first).
    rows: Vec<(usize, Vec<String>)>,
}

impl Activities {
    /// Parses the TSV, checking every concept against `glossary` and every code against
    /// `tree` (a class, listed once per concept).
    pub fn parse(data: &str, glossary: &Glossary, tree: &IsicTree) -> Result<Self, String> {
        let mut rows = Vec::new();
        let mut seen = BTreeMap::new();
        let mut header_seen = false;
        for (n, line) in data.lines().enumerate() {
            let at = n + 1;
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            if !header_seen {
                if !line.starts_with("concept\t") {
                    return Err(format!("line {at}: expected the header row"));
                }
                header_seen = true;
                continue;
            }
            let mut cells = line.split('\t');
            let id = cells.next().unwrap_or_default().trim();
            let codes: Vec<String> = cells
                .next()
                .unwrap_or_default()
                .split_whitespace()
                .map(str::to_string)
                .collect();
            let concept = glossary
                .index_of(id)
                .ok_or_else(|| format!("line {at}: {id:?} is not a concept of the glossary"))?;
            if let Some(first) = seen.insert(id.to_string(), at) {
                return Err(format!("line {at}: {id} is listed on line {first} already"));
            }
            if codes.is_empty() || codes.len() > MAX_CLASSES {
                return Err(format!(
                    "line {at}: {id} lists {} classes, 1 to {MAX_CLASSES} are allowed",
                    codes.len()
                ));
            }
            for (i, code) in codes.iter().enumerate() {
                match tree.get(code) {
                    Some(node) if node.level == IsicLevel::Class => {}
                    _ => return Err(format!("line {at}: {code} is not an ISIC class")),
                }
                if codes[..i].contains(code) {
                    return Err(format!("line {at}: {code} is listed twice"));
                }
            }
            rows.push((concept, codes));
        }
        Ok(Activities { rows })
    }

    /// Each listed concept (by glossary index) with its classes, most typical first.
    pub fn rows(&self) -> impl Iterator<Item = (usize, &[String])> {
        self.rows.iter().map(|(c, codes)| (*c, codes.as_slice()))
    }

    /// The classes that deal in the concept with this glossary id.
    pub fn classes_of(&self, id: &str, glossary: &Glossary) -> &[String] {
        let Some(index) = glossary.index_of(id) else {
            return &[];
        };
        self.rows
            .iter()
            .find(|(c, _)| *c == index)
            .map_or(&[], |(_, codes)| codes.as_slice())
    }
}

/// The table shipped in the binary, parsed once. A broken file is a build defect that the
/// tests catch, so it falls back to no rows rather than take the site down.
pub fn activities() -> &'static Activities {
    static ACTIVITIES: OnceLock<Activities> = OnceLock::new();
    ACTIVITIES.get_or_init(|| {
        Activities::parse(DATA, glossary(), isic()).unwrap_or_else(|e| {
            tracing::error!("data/glossary_isic.tsv: {e}");
            Activities { rows: Vec::new() }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_table_parses_and_names_real_classes() {
        let table = Activities::parse(DATA, glossary(), isic()).expect("data/glossary_isic.tsv");
        assert!(table.rows().count() >= 600, "{}", table.rows().count());
        let g = glossary();
        // The cases that sent people away empty-handed: no class title names them.
        for (id, class) in [
            ("coffee", "0127"),
            ("coffee", "5630"),
            ("cafe", "5630"),
            ("cosmetics", "2023"),
            ("cashew", "0125"),
            ("phone_repair", "9512"),
        ] {
            assert!(
                table.classes_of(id, g).iter().any(|c| c == class),
                "{id} → {class}: {:?}",
                table.classes_of(id, g)
            );
        }
        // Places and firm words are not lines of business.
        for id in ["korea", "phnom_penh", "company", "investment"] {
            assert!(table.classes_of(id, g).is_empty(), "{id}");
        }
    }

    #[test]
    fn a_broken_row_is_named() {
        let (g, tree) = (glossary(), isic());
        let parse = |rows: &str| {
            Activities::parse(&format!("# c\nconcept\tclasses\tnote\n{rows}"), g, tree)
                .err()
                .unwrap_or_default()
        };
        assert!(parse("coffe\t0127\tx\n").contains("not a concept"));
        assert!(parse("coffee\t012\tx\n").contains("012 is not an ISIC class"));
        assert!(parse("coffee\t9999\tx\n").contains("not an ISIC class"));
        assert!(parse("coffee\t\tx\n").contains("0 classes"));
        assert!(parse("coffee\t0127 0127\tx\n").contains("twice"));
        assert!(parse("coffee\t0127\tx\ncoffee\t1079\ty\n").contains("line 3 already"));
        assert!(parse("coffee\t0111 0112 0113 0114 0115 0116\tx\n").contains("6 classes"));
        assert!(
            Activities::parse("coffee\t0127\n", g, tree).is_err(),
            "no header"
        );
    }
}
