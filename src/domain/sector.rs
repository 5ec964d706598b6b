//! The ISIC Rev.4 tree (UN Statistics Division), compiled in from `data/isic_rev4.csv`, with
//! Khmer and Korean titles of every node from `data/isic_i18n.csv`.
//!
//! Codes: a section is a letter (`C`), a division two digits (`10`), a group three (`107`), a
//! class four (`1079`). Profiles name classes; investor interests may name any level.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::text::Lang;

const ISIC_CSV: &str = include_str!("../../data/isic_rev4.csv");
const NAMES_CSV: &str = include_str!("../../data/isic_i18n.csv");

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IsicLevel {
    Section,
    Division,
    Group,
    Class,
}

impl IsicLevel {
    pub fn name(self) -> &'static str {
        match self {
            IsicLevel::Section => "section",
            IsicLevel::Division => "division",
            IsicLevel::Group => "group",
            IsicLevel::Class => "class",
        }
    }
}

#[derive(Debug, Clone)]
pub struct IsicNode {
    pub level: IsicLevel,
    pub code: String,
    pub parent: Option<String>,
    pub name_en: String,
    pub name_km: Option<String>,
    pub name_ko: Option<String>,
}

impl IsicNode {
    /// The node's title in `lang`: every node has one in each language (`data/isic_i18n.csv`);
    /// English where a title were ever missing.
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => None,
            Lang::Km => self.name_km.as_deref(),
            Lang::Ko => self.name_ko.as_deref(),
        }
        .unwrap_or(&self.name_en)
    }
}

/// The whole tree, indexed by code, with children in file order.
#[derive(Debug)]
pub struct IsicTree {
    nodes: Vec<IsicNode>,
    by_code: HashMap<String, usize>,
    children: HashMap<Option<String>, Vec<usize>>,
}

static TREE: LazyLock<IsicTree> = LazyLock::new(|| {
    // The data is compiled in and covered by unit tests, so a parse failure is a build defect.
    IsicTree::parse(ISIC_CSV, NAMES_CSV).expect("data/isic_rev4.csv is valid")
});

/// The compiled-in ISIC Rev.4 tree.
pub fn isic() -> &'static IsicTree {
    &TREE
}

impl IsicTree {
    fn parse(tree_csv: &str, names_csv: &str) -> Result<Self, String> {
        let mut i18n: HashMap<String, (String, String)> = HashMap::new();
        let mut rdr = csv::Reader::from_reader(names_csv.as_bytes());
        for rec in rdr.records() {
            let rec = rec.map_err(|e| e.to_string())?;
            i18n.insert(rec[0].to_string(), (rec[1].to_string(), rec[2].to_string()));
        }
        let mut nodes = Vec::new();
        let mut by_code = HashMap::new();
        let mut children: HashMap<Option<String>, Vec<usize>> = HashMap::new();
        let mut rdr = csv::Reader::from_reader(tree_csv.as_bytes());
        for rec in rdr.records() {
            let rec = rec.map_err(|e| e.to_string())?;
            let level = match &rec[0] {
                "section" => IsicLevel::Section,
                "division" => IsicLevel::Division,
                "group" => IsicLevel::Group,
                "class" => IsicLevel::Class,
                other => return Err(format!("unknown level {other}")),
            };
            let code = rec[1].to_string();
            let parent = Some(rec[2].to_string()).filter(|p| !p.is_empty());
            let (name_km, name_ko) = match i18n.get(&code) {
                Some((km, ko)) => (Some(km.clone()), Some(ko.clone())),
                None => (None, None),
            };
            let idx = nodes.len();
            by_code.insert(code.clone(), idx);
            children.entry(parent.clone()).or_default().push(idx);
            nodes.push(IsicNode {
                level,
                code,
                parent,
                name_en: rec[3].to_string(),
                name_km,
                name_ko,
            });
        }
        // A title for a code the tree lacks is a typo in the data, not a name to drop quietly.
        if let Some(unknown) = i18n.keys().find(|c| !by_code.contains_key(*c)) {
            return Err(format!(
                "a title for {unknown:?}, which is no ISIC Rev.4 code"
            ));
        }
        Ok(IsicTree {
            nodes,
            by_code,
            children,
        })
    }

    pub fn get(&self, code: &str) -> Option<&IsicNode> {
        self.by_code.get(code).map(|&i| &self.nodes[i])
    }

    /// Children of `parent`, or the 21 sections when `parent` is `None`.
    pub fn children(&self, parent: Option<&str>) -> impl Iterator<Item = &IsicNode> {
        self.children
            .get(&parent.map(str::to_string))
            .into_iter()
            .flatten()
            .map(|&i| &self.nodes[i])
    }

    pub fn all(&self) -> &[IsicNode] {
        &self.nodes
    }

    /// Position of a code in the tree's node list: a small stable number for compact storage.
    pub fn index_of(&self, code: &str) -> Option<usize> {
        self.by_code.get(code).copied()
    }

    /// The node and its ancestors, from the node up to its section.
    pub fn lineage(&self, code: &str) -> Vec<&IsicNode> {
        let mut out = Vec::new();
        let mut cur = self.get(code);
        while let Some(node) = cur {
            out.push(node);
            cur = node.parent.as_deref().and_then(|p| self.get(p));
        }
        out
    }

    /// A code as a reader is told it: its title in `lang`, then the code (`Manufacture of food
    /// products (10)`), since the code is what forms and filters use. A code outside the tree
    /// as it is.
    pub fn label(&self, code: &str, lang: Lang) -> String {
        match self.get(code) {
            Some(node) => format!("{} ({code})", node.name(lang)),
            None => code.to_string(),
        }
    }

    /// The section letter a code belongs to.
    pub fn section_of(&self, code: &str) -> Option<&str> {
        self.lineage(code).last().map(|n| n.code.as_str())
    }
}

/// An ISIC Rev.4 class (4 digits) that exists in the tree: the sector of a profile.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IsicClass(String);

impl IsicClass {
    pub fn parse(code: &str) -> Result<Self, String> {
        let node = IsicCode::parse(code)?;
        let n = isic().get(node.as_str()).map(|n| n.level);
        if n == Some(IsicLevel::Class) {
            Ok(IsicClass(node.0))
        } else {
            Err(format!(
                "{code:?} is an ISIC Rev.4 {}; a profile's sector must be a 4-digit class such as \"1079\"",
                n.map(IsicLevel::name).unwrap_or("code")
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn section(&self) -> &'static str {
        // A parsed class always has a section in the compiled tree.
        isic().section_of(&self.0).unwrap_or("")
    }
}

/// An ISIC Rev.4 code at any level that exists in the tree: an investor's interest.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IsicCode(String);

impl IsicCode {
    /// Accepts exact codes; section letters may be given in lower case.
    pub fn parse(code: &str) -> Result<Self, String> {
        let trimmed = code.trim();
        let normalised = if trimmed.len() == 1 {
            trimmed.to_ascii_uppercase()
        } else {
            trimmed.to_string()
        };
        if isic().get(&normalised).is_some() {
            Ok(IsicCode(normalised))
        } else {
            Err(format!("unknown ISIC Rev.4 code {code:?}"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `class` lies under this code (or is it).
    pub fn covers(&self, class: &IsicClass) -> bool {
        isic()
            .lineage(class.as_str())
            .iter()
            .any(|n| n.code == self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_has_the_published_shape() {
        let count = |l| isic().all().iter().filter(|n| n.level == l).count();
        assert_eq!(count(IsicLevel::Section), 21);
        assert_eq!(count(IsicLevel::Division), 88);
        assert_eq!(count(IsicLevel::Group), 238);
        assert_eq!(count(IsicLevel::Class), 419);
        assert_eq!(isic().children(None).count(), 21);
        assert!(isic()
            .children(None)
            .all(|s| s.name_km.is_some() && s.name_ko.is_some()));
    }

    /// A Khmer shop owner picks a class from the list in Khmer (before, 419 English titles).
    #[test]
    fn every_node_has_a_khmer_and_a_korean_title() {
        let khmer = |c: char| ('\u{1780}'..='\u{17FF}').contains(&c);
        let hangul = |c: char| ('\u{AC00}'..='\u{D7A3}').contains(&c);
        for n in isic().all() {
            let (km, ko) = (n.name_km.as_deref(), n.name_ko.as_deref());
            let (Some(km), Some(ko)) = (km, ko) else {
                panic!("{} {} has no Khmer or Korean title", n.code, n.name_en);
            };
            assert!(
                km.chars().any(khmer) && !km.chars().any(|c| c.is_ascii_alphabetic()),
                "{}: {km}",
                n.code
            );
            assert!(
                ko.chars().any(hangul) && !ko.chars().any(|c| c.is_ascii_alphabetic()),
                "{}: {ko}",
                n.code
            );
        }
        let bad = IsicTree::parse(ISIC_CSV, "code,name_km,name_ko\n0000,x,y\n");
        assert!(bad.is_err_and(|e| e.contains("0000")));
    }

    #[test]
    fn every_parent_exists_and_levels_nest() {
        for n in isic().all() {
            if let Some(p) = &n.parent {
                let parent = isic().get(p).expect("parent exists");
                assert!(parent.level < n.level, "{} under {}", n.code, p);
            } else {
                assert_eq!(n.level, IsicLevel::Section);
            }
        }
    }

    #[test]
    fn classes_and_codes() {
        let c = IsicClass::parse("1079").unwrap();
        assert_eq!(c.section(), "C");
        assert!(IsicClass::parse("107").unwrap_err().contains("group"));
        assert!(IsicClass::parse("9999").unwrap_err().contains("unknown"));
        assert!(IsicCode::parse("c").unwrap().covers(&c));
        assert!(IsicCode::parse("10").unwrap().covers(&c));
        assert!(!IsicCode::parse("G").unwrap().covers(&c));
        assert!(IsicCode::parse("ZZ").is_err());
    }
}
