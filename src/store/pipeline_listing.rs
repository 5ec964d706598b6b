//! The SQL of one page of the pipeline listing and of its total, for both backends: they differ
//! only in how a timestamp compares as an instant and in how placeholders are written (the
//! PostgreSQL store numbers the `?`s).

use time::OffsetDateTime;

use super::{PipelineFilter, PipelineOrder};
use crate::domain::pipeline::Stage;

/// 1 for a finished match, 0 for an open one: the first key of the longest-waiting order. The
/// stages are [`Stage::is_finished`]'s, so the SQL cannot drift from the domain's list.
fn finished_key() -> String {
    let stages: Vec<String> = Stage::ALL
        .into_iter()
        .filter(|s| s.is_finished())
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    format!(
        "(CASE WHEN m.stage IN ({}) THEN 1 ELSE 0 END)",
        stages.join(", ")
    )
}

/// What differs between the backends' SQL.
pub(crate) struct Dialect {
    /// `m.updated_at` as a value that orders as an instant.
    pub updated_at: &'static str,
    /// A bound RFC 3339 text as the same kind of value.
    pub time_param: &'static str,
    /// A cursor's time as that text, as the backend writes times (PostgreSQL truncates to the
    /// microsecond, where its cast would round).
    pub time_text: fn(OffsetDateTime) -> String,
    /// A condition that always holds.
    pub always: &'static str,
}

/// A page query (ending in `LIMIT ?`: the caller binds the limit last) and a count query over
/// the same filter, with their text arguments in order.
pub(crate) struct ListingSql {
    pub page: String,
    pub page_args: Vec<String>,
    pub count: String,
    pub count_args: Vec<String>,
}

/// `columns` is the select list of a record (`m.` columns); the SME is joined as `s`.
pub(crate) fn listing(
    f: &PipelineFilter,
    order: &PipelineOrder,
    columns: &str,
    d: &Dialect,
) -> ListingSql {
    let mut conds: Vec<String> = Vec::new();
    let mut args: Vec<String> = Vec::new();
    if let Some(stage) = f.stage {
        conds.push("m.stage = ?".into());
        args.push(stage.as_str().into());
    }
    if let Some(c) = f.curator {
        conds.push("m.curator_id = ?".into());
        args.push(c.to_string());
    }
    if !f.sector_prefixes.is_empty() {
        let ors: Vec<&str> = f
            .sector_prefixes
            .iter()
            .map(|_| "s.sector_code LIKE ?")
            .collect();
        conds.push(format!("({})", ors.join(" OR ")));
        args.extend(f.sector_prefixes.iter().map(|p| format!("{p}%")));
    }
    if let Some(p) = &f.province {
        conds.push("s.province_code = ?".into());
        args.push(p.clone());
    }
    if let Some(name) = &f.name {
        // Each word typed is asked for on its own, anywhere in either side's names, so spaces,
        // a Khmer keyboard's zero-width spaces, hyphens and punctuation typed or not typed do
        // not matter (QA: "kim young su" for Kim Young-su, "Co Ltd" for "Co., Ltd." and
        // ថាមពល<ZWSP>ព្រះអាទិត្យ found nothing). `%` and `_` typed are themselves; SQLite
        // lower-cases ASCII only, which is what Latin names need (Khmer and Korean have no case).
        let columns = [
            "s.name_en",
            "s.name_km",
            "s.name_ko",
            "i.name_en",
            "i.name_km",
            "i.name_ko",
        ];
        // One word in any of the names: the same condition for every word.
        let any_name = format!(
            "({})",
            columns
                .iter()
                .map(|c| format!("LOWER(COALESCE({c}, '')) LIKE ? ESCAPE '\\'"))
                .collect::<Vec<_>>()
                .join(" OR ")
        );
        // Only symbols typed ("%"): searched as typed, and found in no name.
        let mut words = name_words(name);
        if words.is_empty() {
            words.push(name.to_lowercase());
        }
        for word in words {
            let escaped: String = word
                .chars()
                .flat_map(|c| {
                    let escape = matches!(c, '%' | '_' | '\\').then_some('\\');
                    escape.into_iter().chain([c])
                })
                .collect();
            conds.push(any_name.clone());
            args.extend(columns.iter().map(|_| format!("%{escaped}%")));
        }
    }
    let from =
        "FROM matches m JOIN smes s ON s.id = m.sme_id JOIN investors i ON i.id = m.investor_id";
    // The total counts the whole filtered list, not just what follows the cursor.
    let filtered = if conds.is_empty() {
        d.always.to_string()
    } else {
        conds.join(" AND ")
    };
    let count = format!("SELECT COUNT(*) {from} WHERE {filtered}");
    let count_args = args.clone();
    let (after, after_args, order_by) = match order {
        PipelineOrder::Id { after } => (
            after.map(|_| "m.id > ?".to_string()),
            after.map(|id| vec![id.to_string()]).unwrap_or_default(),
            "m.id".to_string(),
        ),
        PipelineOrder::LongestWaiting { after } => (
            // The flag as a literal 0 or 1: every argument is bound as text, which would
            // compare as text with the number (on SQLite, any text is above any number).
            after.map(|(finished, _, _)| {
                format!(
                    "({}, {}, m.id) > ({}, {}, ?)",
                    finished_key(),
                    d.updated_at,
                    i32::from(finished),
                    d.time_param
                )
            }),
            after
                .map(|(_, at, id)| vec![(d.time_text)(at), id.to_string()])
                .unwrap_or_default(),
            format!("{}, {}, m.id", finished_key(), d.updated_at),
        ),
    };
    let (page_where, page_args) = match after {
        Some(cond) => (
            format!("{cond} AND {filtered}"),
            after_args.into_iter().chain(args).collect(),
        ),
        None => (filtered, args),
    };
    ListingSql {
        page: format!("SELECT {columns} {from} WHERE {page_where} ORDER BY {order_by} LIMIT ?"),
        page_args,
        count,
        count_args,
    }
}

/// The most words of a name filter asked for (a name has a few; each is a condition).
const NAME_WORDS: usize = 8;

/// The words of a name filter, lower-cased: runs of letters, digits and marks (a Khmer
/// vowel sign or subscript is part of its word), at most [`NAME_WORDS`].
fn name_words(typed: &str) -> Vec<String> {
    use unicode_normalization::char::is_combining_mark;
    typed
        .to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || is_combining_mark(c)))
        .filter(|w| !w.is_empty())
        .take(NAME_WORDS)
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod name_tests {
    use super::name_words;

    #[test]
    fn a_name_filter_is_read_as_words() {
        assert_eq!(name_words("Kim Young-su"), ["kim", "young", "su"]);
        assert_eq!(name_words("  sophal  fruit "), ["sophal", "fruit"]);
        assert_eq!(name_words("Co., Ltd."), ["co", "ltd"]);
        assert_eq!(name_words("ថាមពល\u{200b}ព្រះអាទិត្យ"), ["ថាមពល", "ព្រះអាទិត្យ"]);
        assert_eq!(name_words("100%_x"), ["100", "x"]);
        assert_eq!(name_words(&"a ".repeat(50)).len(), 8);
    }
}
