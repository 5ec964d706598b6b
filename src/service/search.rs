//! Search of SMEs and of investors: free text in any of the three languages, filters, facets,
//! highlights and keyset paging over the index; the profiles themselves are read back from the
//! database (the source of truth) and pass through the visibility policy.

use std::collections::HashMap;

use super::error::{ServiceError, ServiceResult};
use super::profiles::{self, Kind, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use super::viewer::Viewer;
use super::visibility::Shown;
use crate::app::App;
use crate::domain::digital::DigitalLevel;
use crate::domain::ids::ProfileId;
use crate::domain::money::UsdRange;
use crate::domain::profile::{LanguageCode, PartnershipType};
use crate::domain::province::ProvinceCode;
use crate::domain::sector::IsicCode;
use crate::domain::text::{check_plain_text, Lang};
use crate::domain::validation::{Checker, ValidationErrors};
use crate::search::analyzer;
use crate::search::index::{SearchError, NO_SEARCHABLE_WORD, WORD_TOO_LONG};
use crate::search::query::{self as sq, Cursor, Paging, SearchRequest, MAX_QUERY_CHARS};

pub use crate::search::query::{Facets, Highlight, Kind as SearchKind};

/// A filter as a client sent it, unchecked.
#[derive(Debug, Clone, Default)]
pub struct FilterRaw {
    pub sector: Option<String>,
    pub provinces: Vec<String>,
    pub digital_levels: Vec<DigitalLevel>,
    pub min_usd: Option<i64>,
    pub max_usd: Option<i64>,
    pub partnership_types: Vec<PartnershipType>,
    pub languages: Vec<String>,
}

impl FilterRaw {
    /// Checks every field, naming failures `filter.<field>`.
    pub fn parse(self) -> Result<sq::Filter, ValidationErrors> {
        let mut c = Checker::new("filter");
        let sector = c.check(
            "sector",
            self.sector.map(|s| IsicCode::parse(&s)).transpose(),
        );
        let provinces = c.check_list("provinces", self.provinces, 25, |s| ProvinceCode::parse(&s));
        let languages = c.check_list("languages", self.languages, 20, |s| LanguageCode::parse(&s));
        let usd = match (self.min_usd, self.max_usd) {
            (None, None) => Some(None),
            (min, max) => match UsdRange::parse(min, max) {
                Ok(r) => Some(Some(r)),
                Err((which, msg)) => {
                    c.fail(if which == "min" { "minUsd" } else { "maxUsd" }, msg);
                    None
                }
            },
        };
        c.finish(|| sq::Filter {
            sector: sector.flatten(),
            provinces,
            digital_levels: each_once(self.digital_levels),
            usd: usd.flatten(),
            partnership_types: each_once(self.partnership_types),
            languages,
        })
    }
}

/// An enum list with each value once, in the order first given. A value repeated says nothing
/// more, and each entry becomes a clause of the query: 200,000 copies of LOAN (1.4 MB of
/// variables, under every size limit) held a search for seconds (QA).
fn each_once<T: PartialEq>(values: Vec<T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

/// What a client asks a search for.
#[derive(Debug, Clone, Default)]
pub struct SearchArgs {
    pub query: Option<String>,
    pub filter: FilterRaw,
    pub first: Option<i32>,
    pub after: Option<String>,
    /// Paging back: the page size, instead of `first`.
    pub last: Option<i32>,
    /// Paging back: the page ends just before this cursor, instead of starting after `after`.
    pub before: Option<String>,
    /// Highlights in this language come first.
    pub lang: Option<Lang>,
}

/// One result: the profile as the viewer may see it, its score and highlighted passages.
pub struct Found<T> {
    pub cursor: String,
    pub score: f64,
    /// Some query word was found only inside a longer word; such results follow the others.
    pub part_of_word: bool,
    pub highlights: Vec<Highlight>,
    pub node: Shown<T>,
}

/// A page of search results.
pub struct SearchPage<T> {
    pub total_count: i64,
    /// The first result's place in the whole list (1 for the first), as the page's cursor
    /// carried it: "Results 21–30 of 188".
    pub start: u64,
    /// More results follow the page (read forward), or it ends before a cursor (read back).
    pub has_next_page: bool,
    /// The page starts after a cursor (read forward), or more results precede it (read back).
    pub has_previous_page: bool,
    /// No profile has every word of the query: these have some of them.
    pub some_words: bool,
    /// With `some_words`, the words searched for, as the search read them.
    pub searched_words: Vec<String>,
    /// The search with misspelt words spelt as the glossary spells them, when this one finds
    /// nothing (or only some words) and that finds profiles with every word.
    pub did_you_mean: Option<String>,
    pub facets: Facets,
    pub hits: Vec<Found<T>>,
}

/// The searchable kinds and their index side.
pub trait Searchable: Kind {
    const SEARCH_KIND: SearchKind;
}

impl Searchable for crate::domain::sme::Sme {
    const SEARCH_KIND: SearchKind = SearchKind::Sme;
}

impl Searchable for crate::domain::investor::Investor {
    const SEARCH_KIND: SearchKind = SearchKind::Investor;
}

fn request(kind: SearchKind, args: SearchArgs) -> ServiceResult<SearchRequest> {
    let text = args.query.unwrap_or_default();
    check_plain_text(&text, MAX_QUERY_CHARS).map_err(|e| ServiceError::bad_input("query", e))?;
    let text = as_read(&text);
    if text.split_whitespace().count() > sq::MAX_QUERY_WORDS {
        return Err(ServiceError::bad_input("query", sq::TOO_MANY_WORDS));
    }
    let filter = args.filter.parse()?;
    let back = args.last.is_some() || args.before.is_some();
    if back {
        for (field, given) in [
            ("first", args.first.is_some()),
            ("after", args.after.is_some()),
        ] {
            if given {
                return Err(ServiceError::bad_input(
                    field,
                    "a page is read forward (first, after) or back (last, before), not both ways",
                ));
            }
        }
    }
    // The page size and the cursor, under the names of the way the page is read.
    let (size, cursor_field, raw) = if back {
        (("last", args.last), "before", args.before)
    } else {
        (("first", args.first), "after", args.after)
    };
    let first = super::page_size_of(size.0, size.1, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
    let refused = |c: &str| super::not_a_cursor(cursor_field, c, "search");
    let cursor = raw
        .as_deref()
        .map(|c| Cursor::parse(c).map_err(|_| refused(c)))
        .transpose()?;
    let page = if back {
        Paging::Before(cursor)
    } else {
        Paging::After(cursor)
    };
    let req = SearchRequest {
        kind,
        text,
        filter,
        first,
        page,
        lang: args.lang.unwrap_or(Lang::En),
    };
    // A cursor of another search would be read as a position in this one's order.
    match (cursor, raw) {
        (Some(c), Some(raw)) if !c.belongs_to(&req) => Err(refused(&raw)),
        _ => Ok(req),
    }
}

/// Searches published profiles of kind `K`. `searcher` is the request's index snapshot, so two
/// searches of one request see the same data.
pub async fn search<K: Searchable>(
    app: &App,
    v: &Viewer,
    searcher: Option<tantivy::Searcher>,
    args: SearchArgs,
) -> ServiceResult<SearchPage<K>> {
    let req = request(K::SEARCH_KIND, args)?;
    let page = req.page;
    let index = app.search.clone();
    let searcher = searcher.unwrap_or_else(|| index.searcher());
    let results = app
        .searches
        .run(v.client, move |_| sq::search(&index, &searcher, &req))
        .await?
        .map_err(|e| match e {
            SearchError::NoSearchableWord => ServiceError::bad_input("query", NO_SEARCHABLE_WORD),
            SearchError::WordTooLong => ServiceError::bad_input("query", WORD_TOO_LONG),
            SearchError::CursorOfOtherList => ServiceError::bad_input(
                match page {
                    Paging::Before(_) => "before",
                    Paging::After(_) => "after",
                },
                "this cursor is of this search's list as it was before profiles changed (it \
                 was answered by every word, now by some of them, or the other way): read the \
                 first page again",
            ),
            e => ServiceError::Internal(e.to_string()),
        })?;
    let ids: Vec<ProfileId> = results.hits.iter().map(|h| h.id).collect();
    let mut nodes: HashMap<ProfileId, Shown<K>> = profiles::published_by_ids::<K>(app, v, &ids)
        .await?
        .into_iter()
        .map(|n| (n.get().id(), n))
        .collect();
    // A profile whose name this viewer may not see, found in an index that still holds the
    // name (it was made ANONYMOUS since: the index applies a change a moment after the
    // database), is dropped, and not counted: the count would tell that the hidden name holds
    // the words. Only this page's are known; the others are counted until the index catches up.
    let mut stale = 0;
    let hits = results
        .hits
        .into_iter()
        .filter_map(|hit| {
            // A profile archived between the search and the read is dropped.
            let node = nodes.remove(&hit.id)?;
            if hit.name_indexed && node.name().is_none() {
                stale += 1;
                return None;
            }
            Some(Found {
                cursor: hit.cursor,
                score: f64::from(hit.score),
                part_of_word: hit.part_of_word,
                highlights: hit.highlights,
                node,
            })
        })
        .collect();
    let (has_next_page, has_previous_page) = match page {
        Paging::After(cursor) => (results.more, cursor.is_some()),
        Paging::Before(cursor) => (cursor.is_some(), results.more),
    };
    Ok(SearchPage {
        total_count: (results.total_count as i64 - stale).max(0),
        start: results.start,
        has_next_page,
        has_previous_page,
        some_words: results.some_words,
        searched_words: results.searched_words,
        did_you_mean: results.did_you_mean,
        facets: results.facets,
        hits,
    })
}

/// A query as a reader sees it: NFKC (full-width letters are letters, ｃｏｆｆｅｅ; Hangul typed
/// as jamo is syllables), and Latin letters without their accents, as the index folds them
/// (cáshew). QA: 커피 typed as jamo found 14 profiles where 커피 found 164, ｃｏｆｆｅｅ 80 and
/// c◌́offee none: the analyzer folded some of it, but glossary concepts and whole words compare
/// the text as it is.
fn as_read(query: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(query.len());
    let mut after_latin = false;
    for c in query.nfkc().collect::<String>().nfd() {
        if after_latin && is_combining_mark(c) {
            continue;
        }
        after_latin = c.is_ascii_alphabetic() || (after_latin && is_combining_mark(c));
        out.push(c);
    }
    // Words apart, however they are kept apart: a Khmer keyboard's zero-width space, a
    // comma, a slash (QA: កាហ្វេ​តែ, កាហ្វេ,តែ and កាហ្វេ/តែ found 159 profiles, កាហ្វេ តែ 87); not
    // a comma or slash between digits (1,000; ៤០,០០០; 24/7).
    let read: Vec<char> = out.nfc().collect();
    let spaced: String = read
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let digits_around = i > 0
                && analyzer::is_digit(read[i - 1])
                && read.get(i + 1).is_some_and(|c| analyzer::is_digit(*c));
            match c {
                '\u{200B}' | '、' | '，' | ';' | '|' => ' ',
                ',' | '/' if !digits_around => ' ',
                _ => c,
            }
        })
        .collect();
    // An amount said with units is searched as its number (5만 → 50000, ៥សែន → 500000), which
    // finds it written either way (`search::analyzer::number_said_with_units`; QA: 5만 found
    // staff counts of 5, and "5만 달러" firms seeking 1만 5천 달러).
    // Each word read once; a query with no such word keeps its spacing as typed.
    // A Korean verb said in everyday words is read as the noun of its trade (만드는 → 제조;
    // `search::query::plain_word`).
    let read: Vec<(&str, Option<i64>, Option<&str>)> = spaced
        .split_whitespace()
        .map(|w| (w, analyzer::number_said_with_units(w), sq::plain_word(w)))
        .collect();
    if read
        .iter()
        .all(|(_, n, noun)| n.is_none() && noun.is_none())
    {
        return spaced;
    }
    // A currency's word after an amount goes with it (10억 원 as 10억원): alone, 원 is found
    // inside 학원 and 과수원 (QA).
    let mut out: Vec<String> = Vec::new();
    let mut after_amount = false;
    for (w, number, noun) in read {
        if after_amount && analyzer::is_currency_word(w) {
            after_amount = false;
            continue;
        }
        after_amount = number.is_some();
        out.push(match (number, noun) {
            (Some(n), _) => n.to_string(),
            (None, Some(noun)) => noun.to_string(),
            (None, None) => w.to_string(),
        });
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_is_read_as_a_reader_sees_it() {
        let jamo: String = unicode_normalization::UnicodeNormalization::nfd("커피").collect();
        assert_eq!(as_read(&jamo), "커피");
        assert_eq!(as_read("ｃｏｆｆｅｅ"), "coffee");
        assert_eq!(as_read("c\u{301}a\u{301}shew Café"), "cashew Cafe");
        assert_eq!(as_read("កាហ្វេ\u{200B}តែ,ស្ករ/ទឹកដោះគោ"), "កាហ្វេ តែ ស្ករ ទឹកដោះគោ");
        assert_eq!(as_read("1,000 24/7"), "1,000 24/7");
        assert_eq!(as_read("៤០,០០០"), "៤០,០០០");
        // Amounts said with units, as their number (QA: 5만 found staff counts of 5).
        assert_eq!(as_read("5만 달러"), "50000");
        assert_eq!(as_read("10억 원"), "1000000000");
        assert_eq!(as_read("10억원 투자"), "1000000000 투자");
        assert_eq!(as_read("원 5만"), "원 50000");
        assert_eq!(as_read("5만달러 캐슈"), "50000 캐슈");
        assert_eq!(as_read("៥សែន"), "500000");
        assert_eq!(as_read("1억5천만"), "150000000");
        assert_eq!(as_read("5명 만두"), "5명 만두");
        // Verbs of a trade, as its noun (QA: 만드는 was left out, and shops came first).
        assert_eq!(as_read("화장품을 만드는 회사"), "화장품을 제조 회사");
        assert_eq!(as_read("커피를 볶는 곳"), "커피를 로스팅 곳");
        for same in ["ស្រូវ ស្ត្រី ផ្ទុំ", "화장품 유통", "rice mill"]
        {
            assert_eq!(as_read(same), same);
        }
    }

    #[test]
    fn a_value_given_many_times_is_one_clause() {
        let filter = FilterRaw {
            partnership_types: [PartnershipType::Loan, PartnershipType::Equity].repeat(100_000),
            digital_levels: vec![DigitalLevel::Basic; 100_000],
            ..FilterRaw::default()
        }
        .parse()
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            filter.partnership_types,
            [PartnershipType::Loan, PartnershipType::Equity]
        );
        assert_eq!(filter.digital_levels, [DigitalLevel::Basic]);
    }
}
