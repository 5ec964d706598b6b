//! UI strings: one Fluent file per language (`locales/{en,km,ko}/main.ftl`), compiled into the
//! binary and parsed once. Keys name a meaning (`incentives-sector-hint`), never English text.
//!
//! A key missing in one language falls back to English at run time (a page never shows a raw
//! key to a person), but the unit test below fails on any key missing in any language, so a
//! release never relies on the fallback.

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

use crate::domain::text::Lang;

const SOURCES: [(Lang, &str); 3] = [
    (Lang::En, include_str!("../../locales/en/main.ftl")),
    (Lang::Km, include_str!("../../locales/km/main.ftl")),
    (Lang::Ko, include_str!("../../locales/ko/main.ftl")),
];

type Bundle = FluentBundle<FluentResource>;

struct Bundles {
    en: Bundle,
    km: Bundle,
    ko: Bundle,
}

fn bundle(lang: Lang, source: &'static str) -> Bundle {
    // The files are compiled in and checked by the tests below: a syntax error is a build
    // defect, reported loudly at the first page rather than hidden.
    let resource = FluentResource::try_new(source.to_string())
        .unwrap_or_else(|(_, errors)| panic!("locales/{}/main.ftl: {errors:?}", lang.code()));
    let id: unic_langid::LanguageIdentifier = lang.code().parse().unwrap_or_default();
    let mut b = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks: the values are plain numbers and names inside HTML, and the
    // marks would show up in copied text and break tests that look for the value.
    b.set_use_isolating(false);
    if let Err(errors) = b.add_resource(resource) {
        panic!("locales/{}/main.ftl: {errors:?}", lang.code());
    }
    b
}

static BUNDLES: LazyLock<Bundles> = LazyLock::new(|| Bundles {
    en: bundle(Lang::En, SOURCES[0].1),
    km: bundle(Lang::Km, SOURCES[1].1),
    ko: bundle(Lang::Ko, SOURCES[2].1),
});

fn of(lang: Lang) -> &'static Bundle {
    match lang {
        Lang::En => &BUNDLES.en,
        Lang::Km => &BUNDLES.km,
        Lang::Ko => &BUNDLES.ko,
    }
}

/// The strings of one language, for templates: `{{ tr.t("nav-home") }}`.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Self {
        Tr { lang }
    }

    /// "Label: value", with the page language's colon (Khmer writes ៖: QA saw an ASCII colon
    /// inside Khmer text).
    pub fn labelled(&self, label: &str, value: &str) -> String {
        match self.lang {
            Lang::Km => format!("{label}៖ {value}"),
            Lang::En | Lang::Ko => format!("{label}: {value}"),
        }
    }

    /// Whether there is a string for `key` (in English, so in every language: see the tests).
    pub fn has(&self, key: &str) -> bool {
        of(Lang::En).has_message(key)
    }

    /// The string for `key`.
    pub fn t(&self, key: &str) -> String {
        self.format(key, None)
    }

    /// The string for `key` with one argument.
    pub fn t1(&self, key: &str, name: &str, value: impl Into<Arg>) -> String {
        let mut args = FluentArgs::new();
        match value.into() {
            Arg::Text(s) => args.set(name.to_string(), FluentValue::from(s)),
            Arg::Number(n) => args.set(name.to_string(), FluentValue::from(n)),
        }
        self.format(key, Some(&args))
    }

    /// The string for `key` with two text arguments.
    pub fn t2(&self, key: &str, a: (&str, String), b: (&str, String)) -> String {
        self.texts(key, [a, b])
    }

    /// The string for `key` with three text arguments.
    pub fn t3(&self, key: &str, a: (&str, String), b: (&str, String), c: (&str, String)) -> String {
        self.texts(key, [a, b, c])
    }

    /// The string for `key` with any arguments (numbers among them select plural forms).
    pub fn args(&self, key: &str, args: &FluentArgs) -> String {
        self.format(key, Some(args))
    }

    fn texts<const N: usize>(&self, key: &str, values: [(&str, String); N]) -> String {
        let mut args = FluentArgs::new();
        for (name, value) in values {
            args.set(name.to_string(), FluentValue::from(value));
        }
        self.format(key, Some(&args))
    }

    fn format(&self, key: &str, args: Option<&FluentArgs>) -> String {
        for bundle in [of(self.lang), of(Lang::En)] {
            if let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                let s = bundle.format_pattern(pattern, args, &mut errors);
                if !errors.is_empty() {
                    tracing::warn!(key, lang = self.lang.code(), ?errors, "UI string");
                }
                return s.into_owned();
            }
        }
        tracing::error!(key, "UI string missing in every language");
        key.to_string()
    }
}

/// A Fluent argument: text or a number (numbers select plural forms).
pub enum Arg {
    Text(String),
    Number(f64),
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}
impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_string())
    }
}
impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Arg::Number(n as f64)
    }
}
impl From<usize> for Arg {
    fn from(n: usize) -> Self {
        // Counts of things on a page: far below 2^53, exact as f64.
        Arg::Number(n as f64)
    }
}
impl From<u32> for Arg {
    fn from(n: u32) -> Self {
        Arg::Number(f64::from(n))
    }
}
impl From<u8> for Arg {
    fn from(n: u8) -> Self {
        Arg::Number(f64::from(n))
    }
}

/// The message ids of one Fluent source, in file order.
pub fn keys(source: &str) -> Vec<String> {
    let resource = match FluentResource::try_new(source.to_string()) {
        Ok(r) => r,
        Err((r, _)) => r,
    };
    resource
        .entries()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_file_parses_without_errors() {
        for (lang, source) in SOURCES {
            if let Err((_, errors)) = FluentResource::try_new(source.to_string()) {
                panic!("locales/{}/main.ftl: {errors:?}", lang.code());
            }
        }
    }

    /// The test that keeps the three languages complete: a key in any file must be in all.
    #[test]
    fn every_key_exists_in_every_language() {
        let sets: Vec<(Lang, BTreeSet<String>)> = SOURCES
            .iter()
            .map(|(l, s)| (*l, keys(s).into_iter().collect()))
            .collect();
        let all: BTreeSet<&String> = sets.iter().flat_map(|(_, s)| s.iter()).collect();
        let mut missing = Vec::new();
        for (lang, set) in &sets {
            for key in &all {
                if !set.contains(*key) {
                    missing.push(format!("{}: {key}", lang.code()));
                }
            }
        }
        assert!(missing.is_empty(), "keys missing: {missing:#?}");
        assert!(all.len() > 100, "{} keys", all.len());
    }

    #[test]
    fn no_key_is_defined_twice() {
        for (lang, source) in SOURCES {
            let ks = keys(source);
            let set: BTreeSet<&String> = ks.iter().collect();
            assert_eq!(set.len(), ks.len(), "a duplicate key in {}", lang.code());
        }
    }

    #[test]
    fn arguments_and_plurals_format() {
        let en = Tr::new(Lang::En);
        assert_eq!(en.t1("search-results-count", "count", 1_i64), "One result");
        assert_eq!(en.t1("search-results-count", "count", 7_i64), "7 results");
        let ko = Tr::new(Lang::Ko);
        assert_eq!(
            ko.t1("home-count-smes", "count", 12_i64),
            "캄보디아 기업 12곳"
        );
        let km = Tr::new(Lang::Km);
        assert!(km.t("nav-home").starts_with("ទំព័រ"));
        // A key nobody defined shows itself rather than nothing.
        assert_eq!(en.t("no-such-key"), "no-such-key");
    }
}
