//! Properties over inputs nobody wrote by hand (issue 12): proptest generates them, 256 cases
//! per property (proptest's default; `PROPTEST_CASES` raises it for a longer run), and a failure is
//! shrunk to its smallest input. Each property drives the real code: the domain validators, the
//! digital self-check, the incentive engine, the GraphQL parser with our cost limit, the text
//! analyser and its Khmer segmenter, and the search path on a real tantivy index built from a
//! real SQLite store.
//!
//! What they hold: no input makes any of them panic; what a validator accepts is within its
//! bounds and visible; scores stay in range and never fall when an SME does more; a query's cost
//! is at least its number of fields; a search answers results or a clear refusal.

use std::sync::{Arc, OnceLock};

use proptest::prelude::*;

use khkr_match::domain::contact::ContactRaw;
use khkr_match::domain::digital::{assess, DigitalIndicator, QUESTIONNAIRE};
use khkr_match::domain::incentives::{
    assess as assess_incentives, IncentiveInput, IncentiveInputRaw, Rules,
};
use khkr_match::domain::investor::{InvestorProfile, InvestorRaw};
use khkr_match::domain::profile::PartnershipType;
use khkr_match::domain::sme::{SmeProfile, SmeRaw};
use khkr_match::domain::text::{check_visible, Lang, LocalizedTextRaw};
use khkr_match::domain::ValidationContext;

/// Text as people and attackers type it: Khmer, Hangul, Latin, digits, spaces, zero-width and
/// bidi controls, combining marks, emoji, and now and then nothing at all.
fn any_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::char::range('\u{1780}', '\u{17FF}'),
            3 => prop::char::range('\u{AC00}', '\u{D7A3}'),
            3 => prop::char::range('a', 'z'),
            1 => prop::char::range('0', '9'),
            2 => Just(' '),
            1 => prop::sample::select(vec![
                '\u{200B}', '\u{200C}', '\u{200D}', '\u{202E}', '\u{2066}', '\u{FEFF}', '\u{0301}',
                '\u{0000}', '\n', '\t', '😀', '"', '<', '&', '\\',
            ]),
        ],
        0..60,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(any_text())
}

/// Letters and spaces only: text a validator should accept, so its "accepted" side is exercised.
fn plain_text() -> impl Strategy<Value = String> {
    "[a-z\u{1780}-\u{17B3}\u{AC00}-\u{AC20}]{1,12}( [a-z\u{1780}-\u{17B3}]{1,10}){0,4}"
}

fn localized() -> impl Strategy<Value = LocalizedTextRaw> {
    prop_oneof![
        (opt_text(), opt_text(), opt_text()).prop_map(|(en, km, ko)| LocalizedTextRaw {
            en,
            km,
            ko
        }),
        (plain_text(), prop::option::of(plain_text())).prop_map(|(km, en)| LocalizedTextRaw {
            en,
            km: Some(km),
            ko: None
        }),
    ]
}

/// Mostly one of `good` (so the accepting side is reached), otherwise anything.
fn mostly(good: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(good).prop_map(str::to_string),
        1 => any_text(),
    ]
}

/// Mostly in `good`, sometimes absent, sometimes any 64-bit number.
fn mostly_in(good: std::ops::Range<i64>) -> impl Strategy<Value = Option<i64>> {
    prop_oneof![
        6 => good.prop_map(Some),
        2 => Just(None),
        1 => any::<i64>().prop_map(Some),
    ]
}

/// ISIC classes (what an SME's sector is), with codes of other levels and unknown ones.
const CLASSES: &[&str] = &[
    "1030", "1079", "1410", "2023", "0111", "4721", "C", "10", "9999", "",
];
/// Sector interests may be of any level.
const SECTORS: &[&str] = &["1030", "1079", "C", "10", "A", "4721", "9999", ""];
const PROVINCES: &[&str] = &["KH-12", "KH-6", "KH-2", "KH-25", "KH-99", "kh-12", ""];
const LANGUAGES: &[&str] = &["km", "en", "ko", "zh", "fr"];

fn code(real: &'static [&'static str]) -> impl Strategy<Value = String> {
    mostly(real)
}

fn contact() -> impl Strategy<Value = ContactRaw> {
    (
        prop::option::of(plain_text()),
        prop::option::of(mostly(&[
            "dara@shop.example",
            "minji@fund.example",
            "not an e-mail",
        ])),
        prop::option::of(mostly(&[
            "+855 12 345 678",
            "012 345 678",
            "+82 10 1234 5678",
        ])),
        prop::option::of(mostly(&["@dara_shop", "@minji"])),
    )
        .prop_map(|(person, email, phone, telegram)| ContactRaw {
            person,
            email,
            phone,
            telegram,
        })
}

fn sme_raw() -> impl Strategy<Value = SmeRaw> {
    (
        (
            localized(),
            localized(),
            code(CLASSES),
            prop::collection::vec(code(CLASSES), 0..3),
        ),
        (
            code(PROVINCES),
            mostly_in(0..5_000),
            mostly_in(1950..2027),
            mostly_in(0..1_000_000),
            mostly_in(0..10_000_000),
        ),
        (
            prop::collection::vec(prop::sample::select(PartnershipType::ALL.to_vec()), 0..12),
            prop::collection::vec(
                prop::sample::select(
                    QUESTIONNAIRE
                        .iter()
                        .map(|q| q.indicator)
                        .collect::<Vec<_>>(),
                ),
                0..20,
            ),
            prop::collection::vec(mostly(LANGUAGES), 0..4),
            contact(),
        ),
    )
        .prop_map(
            |(
                (name, description, sector_code, secondary_sector_codes),
                (province_code, employees, founded_year, min, max),
                (partnership_types, digital_indicators, languages, contact),
            )| SmeRaw {
                name,
                description,
                sector_code,
                secondary_sector_codes,
                province_code,
                employees,
                founded_year,
                capital_sought_min_usd: min,
                capital_sought_max_usd: max,
                partnership_types,
                digital_indicators,
                languages,
                contact,
                visibility: None,
            },
        )
}

fn investor_raw() -> impl Strategy<Value = InvestorRaw> {
    (
        (
            localized(),
            localized(),
            prop::collection::vec(code(SECTORS), 0..5),
        ),
        (
            prop::collection::vec(code(SECTORS), 0..3),
            mostly_in(0..1_000_000),
            mostly_in(0..50_000_000),
        ),
        (
            prop::collection::vec(code(PROVINCES), 0..5),
            prop::collection::vec(mostly(LANGUAGES), 0..4),
            contact(),
        ),
    )
        .prop_map(
            |(
                (name, description, sector_interests),
                (excluded_sectors, min, max),
                (preferred_provinces, languages, contact),
            )| InvestorRaw {
                name,
                description,
                organization_type: khkr_match::domain::profile::OrganizationType::Bank,
                sector_interests,
                excluded_sectors,
                ticket_min_usd: min,
                ticket_max_usd: max,
                partnership_types: vec![],
                preferred_provinces,
                preferred_digital_levels: vec![],
                incentive_preferences: vec![],
                languages,
                contact,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig {
        // A failure is printed, shrunk, to paste into a regression test; nothing is written
        // into the source tree.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// An SME is accepted or refused with named fields, never a panic; what is accepted has
    /// visible names within bounds, ordered capital and a digital score in range.
    #[test]
    fn sme_validation_accepts_only_what_it_can_show(raw in sme_raw()) {
        let ctx = ValidationContext::at(time::OffsetDateTime::now_utc());
        match SmeProfile::validate(raw, &ctx) {
            Ok(p) => {
                for lang in Lang::ALL {
                    if let Some(t) = p.name.get(lang) {
                        prop_assert!(check_visible(t).is_ok(), "{t:?}");
                        prop_assert!(t.chars().count() <= 200);
                    }
                }
                if let (Some(lo), Some(hi)) = (p.capital_sought.min, p.capital_sought.max) {
                    prop_assert!(lo <= hi);
                }
            }
            Err(errors) => {
                prop_assert!(!errors.0.is_empty());
                for e in &errors.0 {
                    prop_assert!(e.field.starts_with("input."), "{}", e.field);
                }
            }
        }
    }

    #[test]
    fn investor_validation_never_panics_and_names_fields(raw in investor_raw()) {
        match InvestorProfile::validate(raw) {
            Ok(p) => {
                if let (Some(lo), Some(hi)) = (p.ticket.min, p.ticket.max) {
                    prop_assert!(lo <= hi);
                }
            }
            Err(errors) => {
                prop_assert!(errors.0.iter().all(|e| e.field.starts_with("input.")));
            }
        }
    }

    /// The score is 0–100, and doing one more thing never lowers score or level.
    #[test]
    fn the_digital_score_is_bounded_and_monotonic(
        picked in prop::collection::vec(0usize..14, 0..20),
        extra in 0usize..14,
    ) {
        let base: Vec<DigitalIndicator> = picked.iter().map(|i| QUESTIONNAIRE[*i].indicator).collect();
        let a = assess(&base);
        prop_assert!(a.score <= 100);
        let mut more = base.clone();
        more.push(QUESTIONNAIRE[extra].indicator);
        let b = assess(&more);
        prop_assert!(b.score >= a.score);
        prop_assert!(b.level >= a.level);
    }

    /// Any request to the incentive engine: refused with named fields, or assessed with its
    /// reasons; never a panic, and the same answer twice.
    #[test]
    fn the_incentive_engine_answers_any_request(
        sector in code(CLASSES),
        province in prop::option::of(code(PROVINCES)),
        investment in mostly_in(0..100_000_000),
        employees in mostly_in(0..5_000),
        export in any::<Option<bool>>(),
        sez in any::<Option<bool>>(),
        share in prop::option::of(prop_oneof![any::<f64>(), 0.0f64..1.0]),
    ) {
        let raw = IncentiveInputRaw {
            sector_code: sector,
            province_code: province,
            investment_usd: investment,
            employees,
            export_oriented: export,
            in_sez: sez,
            local_raw_material_share: share,
        };
        if let Ok(input) = IncentiveInput::validate(raw) {
            let rules = Rules::builtin();
            let first = assess_incentives(rules, &input, Lang::Km);
            let again = assess_incentives(rules, &input, Lang::Km);
            prop_assert_eq!(format!("{first:?}"), format!("{again:?}"));
            if first.qip_eligible {
                prop_assert!(!first.negative_list);
            }
        }
    }

    /// Any text parses or is refused; our cost limit never panics on what parses, and a document
    /// that selects anything costs something.
    #[test]
    fn query_cost_is_defined_for_every_document(doc in graphql_document()) {
        if let Ok(parsed) = async_graphql::parser::parse_query(&doc) {
            match khkr_match::api::engine::cost(&parsed, &Default::default()) {
                Ok(cost) => prop_assert!(cost >= 1, "{doc}: {cost}"),
                Err(message) => prop_assert!(!message.is_empty()),
            }
        }
    }

    /// Every text a person can type goes through the search path: results, or a refusal that
    /// says why (no searchable word), never a panic.
    #[test]
    fn the_search_path_answers_any_query(text in any_text()) {
        let (index, searcher) = search_index();
        let req = khkr_match::search::query::SearchRequest {
            kind: khkr_match::search::query::Kind::Sme,
            text,
            filter: Default::default(),
            first: 10,
            page: khkr_match::search::query::Paging::After(None),
            lang: Lang::Km,
        };
        match khkr_match::search::query::search(index, &searcher, &req) {
            Ok(found) => prop_assert!(found.hits.len() <= 10),
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    /// The Khmer segmenter reads every text indexed: on any input, Khmer-heavy and longer than
    /// its window (issue 11), it cuts only between characters, in order, strictly inside, and
    /// the whole words built on it never panic.
    #[test]
    fn the_khmer_segmenter_cuts_any_text_between_characters(text in khmer_heavy_text()) {
        let cuts = khkr_match::search::khmer::boundaries(&text);
        prop_assert!(cuts.windows(2).all(|w| w[0] < w[1]), "{cuts:?}");
        prop_assert!(cuts.iter().all(|c| *c > 0 && *c < text.len() && text.is_char_boundary(*c)));
        let words = khkr_match::search::analyzer::whole_words(&text);
        prop_assert!(words.iter().all(|w| !w.is_empty()));
    }
}

/// Mostly Khmer letters, signs, COENG, punctuation and digits, with the odd joiner, mark, space or
/// other script; now and then longer than the segmenter's 3,000-byte window.
fn khmer_heavy_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        12 => prop::char::range('\u{1780}', '\u{17B3}'),
        6 => prop::char::range('\u{17B6}', '\u{17D3}'),
        2 => Just('\u{17D2}'),
        1 => prop::char::range('\u{17D4}', '\u{17F9}'),
        1 => prop::sample::select(vec![
            ' ', '\u{200B}', '\u{200C}', '\u{200D}', '\u{0301}', 'a', '가', '1', '😀',
        ]),
    ];
    prop_oneof![
        4 => prop::collection::vec(piece.clone(), 0..80),
        1 => prop::collection::vec(piece, 1000..1400),
    ]
    .prop_map(|cs| cs.into_iter().collect())
}

/// The generator reaches the validator's accepting side too, or the property above would only
/// ever test refusals.
#[test]
fn generated_smes_are_sometimes_valid() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let ctx = ValidationContext::at(time::OffsetDateTime::now_utc());
    let accepted = (0..300)
        .filter(|_| {
            let raw = sme_raw().new_tree(&mut runner).expect("a value").current();
            SmeProfile::validate(raw, &ctx).is_ok()
        })
        .count();
    eprintln!("{accepted} of 300 generated SMEs accepted");
    assert!(accepted >= 10, "{accepted} of 300 accepted");
}

/// GraphQL documents from a small grammar: nested selections, aliases, arguments, fragments
/// and spreads (also unknown and cyclic ones), plus raw noise.
fn graphql_document() -> impl Strategy<Value = String> {
    let field = prop::sample::select(vec![
        "smes",
        "sme",
        "edges",
        "node",
        "name",
        "en",
        "provinces",
        "code",
        "__typename",
        "matchesForInvestor",
        "searchSmes",
        "totalCount",
        "id",
    ]);
    let leaf = (field.clone(), prop::option::of(0u32..200)).prop_map(|(f, first)| match first {
        Some(n) => format!("{f}(first: {n})"),
        None => f.to_string(),
    });
    let selection = leaf.prop_recursive(4, 40, 5, move |inner| {
        (
            prop::option::of(prop::sample::select(vec!["a", "b", "c"])),
            prop::sample::select(vec![
                "smes",
                "edges",
                "node",
                "searchSmes",
                "matchesForInvestor",
            ]),
            prop::collection::vec(
                prop_oneof![
                    4 => inner,
                    1 => prop::sample::select(vec!["...F", "...G", "... on Query { id }"])
                        .prop_map(str::to_string),
                ],
                1..5,
            ),
        )
            .prop_map(|(alias, f, kids)| {
                let alias = alias.map(|a| format!("{a}: ")).unwrap_or_default();
                format!("{alias}{f} {{ {} }}", kids.join(" "))
            })
    });
    prop_oneof![
        8 => (selection.clone(), prop::option::of(selection)).prop_map(|(q, frag)| match frag {
            Some(f) => format!("query {{ {q} }} fragment F on Query {{ {f} }} fragment G on Query {{ ...F }}"),
            None => format!("{{ {q} }}"),
        }),
        1 => any_text(),
    ]
}

/// A real index of the first 200 demo SMEs, built once from a SQLite store as `reindex` does.
fn search_index() -> (
    &'static khkr_match::search::index::SearchIndex,
    tantivy::Searcher,
) {
    static INDEX: OnceLock<(
        tempfile::TempDir,
        Arc<khkr_match::search::index::SearchIndex>,
    )> = OnceLock::new();
    let (_, index) = INDEX.get_or_init(|| {
        let dir = tempfile::tempdir().expect("scratch dir");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let index = runtime.block_on(async {
            let url = format!("sqlite:{}", dir.path().join("p.db").display());
            let store: Arc<dyn khkr_match::store::Store> = Arc::new(
                khkr_match::store::sqlite::SqliteStore::open(&url)
                    .await
                    .expect("store"),
            );
            let now = time::OffsetDateTime::now_utc();
            let ctx = ValidationContext::at(now);
            let smes: Vec<_> = (0..200u64)
                .map(|i| {
                    let p = SmeProfile::validate(
                        khkr_match::demo::sme(khkr_match::demo::DEMO_SEED, i),
                        &ctx,
                    )
                    .expect("demo SME");
                    khkr_match::domain::sme::Sme::publish(
                        khkr_match::domain::ids::ProfileId::new_v7(),
                        None,
                        p,
                        now,
                    )
                })
                .collect();
            store.insert_batch(&smes, &[]).await.expect("insert");
            let opened = khkr_match::search::index::rebuild(
                &dir.path().join("index"),
                store,
                Arc::new(|_, _| {}),
            )
            .await
            .expect("index");
            opened.index
        });
        (dir, index)
    });
    let searcher = index.searcher();
    (index.as_ref(), searcher)
}
