//! Quality, measured: NDCG@5 of `matchesForInvestor` and `matchesForSme` on a labelled
//! mini-market (`tests/data/matching_eval.json`), published through the API of a real server.
//!
//! The labels (0-3) are an analyst's judgement by the domain rules (shared/domain), not by what
//! the features compute today; unjudged candidates count as 0. The test prints, per query, the
//! NDCG@5 of the default weights, of the defaults without the incentive feature, and of two
//! baselines (text relevance only, sector fit only), then the default top 5 with their feature
//! values (`cargo test --test matching_eval -- --nocapture`). It fails when the default ranking
//! drops below [`MIN_MEAN_NDCG`], when it stops beating text-only ranking by
//! [`MIN_GAIN_OVER_TEXT`], when an excluded sector leaks through, or when an explanation does not
//! add up to its score.

mod common;

use std::collections::HashMap;

use common::*;
use serde_json::{json, Value};

const DATA: &str = include_str!("data/matching_eval.json");

/// Cut-off of the metric: the first page a staff member reads.
const K: usize = 5;

/// The mean NDCG@5 the default weights must reach.
///
/// Measured when the set was written (19 queries, incentive facts from the Law-on-Investment
/// rules of commit 7c89b03): 0.949 with the default weights, 0.950 with the incentive feature
/// switched off, 0.65 ranking by sector fit alone and 0.30 by text alone. The threshold leaves
/// about 0.1 of slack, for two reasons. The incentive facts are still being wired and tuned,
/// and they move single queries a lot in both directions (see the `no-incent` column: -0.20
/// for the cosmetics distributor, +0.15 for the content distributor) even though the mean
/// barely moves. And equal scores are ordered by id, so a tie between a 3 and a 2 can swing a
/// query by 0.1 whatever the features say. One relevant candidate dropping off a first page
/// costs about 0.02 of the mean, so 0.85 allows a handful of such losses but not a ranking that
/// has fallen back towards sector fit alone.
const MIN_MEAN_NDCG: f64 = 0.85;

/// The combined ranking must beat text relevance alone by at least this much.
///
/// Text alone is what a plain search box gives; the structured features must buy a clearly
/// better first page. When the set was written, text alone scored 0.30 (gain 0.65): the TEXT
/// value was 0 for most pairs, since a Khmer-only and a Korean-only profile share no token and
/// the querying profile's own rare n-grams filled the term budget. With the glossary's concept
/// tokens (issue 11; a separate budget of concept terms in `search::matcher`) text alone
/// measures 0.760 and the default weights 0.975 (gain 0.215, `cargo test --test matching_eval
/// -- --nocapture`), so the bar is 0.15: the structured features must still add a clear margin
/// over a text ranking that now works across languages.
const MIN_GAIN_OVER_TEXT: f64 = 0.15;

const MATCH_FIELDS: &str =
    "score sme { id } investor { id } explanation { feature value weight contribution }";

const PUBLISH_SME_LEVEL: &str =
    "mutation($input: SmeInput!) { publishSme(input: $input) { id digitalLevel } }";

/// Which way a query ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// `matchesForInvestor`: the query is an investor, candidates are SMEs.
    Investor,
    /// `matchesForSme`: the query is an SME, candidates are investors.
    Sme,
}

impl Side {
    fn other(self) -> Side {
        match self {
            Side::Investor => Side::Sme,
            Side::Sme => Side::Investor,
        }
    }

    /// The field of a `Match` holding a profile of this side.
    fn field(self) -> &'static str {
        match self {
            Side::Investor => "investor",
            Side::Sme => "sme",
        }
    }

    /// The query ranking the other side for a profile of this side, with its id argument.
    fn query(self) -> String {
        let (field, arg) = match self {
            Side::Investor => ("matchesForInvestor", "investorId"),
            Side::Sme => ("matchesForSme", "smeId"),
        };
        format!(
            "query($id: ID!, $first: Int, $w: MatchWeightsInput) {{ \
             matches: {field}({arg}: $id, first: $first, weights: $w) {{ {MATCH_FIELDS} }} }}"
        )
    }
}

struct Judgement {
    candidate: String,
    rel: u32,
    why: String,
}

struct Query {
    side: Side,
    key: String,
    judgements: Vec<Judgement>,
}

impl Query {
    fn label(&self) -> String {
        format!("{} {}", self.side.field(), self.key)
    }

    fn rel(&self, candidate: &str) -> u32 {
        self.judgements
            .iter()
            .find(|j| j.candidate == candidate)
            .map_or(0, |j| j.rel)
    }
}

/// The published mini-market: data keys to ids and back.
struct Market {
    sme_ids: HashMap<String, String>,
    investor_ids: HashMap<String, String>,
    keys: HashMap<String, String>,
}

impl Market {
    fn ids(&mut self, side: Side) -> &mut HashMap<String, String> {
        match side {
            Side::Investor => &mut self.investor_ids,
            Side::Sme => &mut self.sme_ids,
        }
    }

    fn add(&mut self, side: Side, key: &str, id: String) {
        self.keys.insert(id.clone(), key.to_string());
        let known = self.ids(side).insert(key.to_string(), id);
        assert!(known.is_none(), "duplicate key {key}");
    }

    fn id(&self, side: Side, key: &str) -> &str {
        let ids = match side {
            Side::Investor => &self.investor_ids,
            Side::Sme => &self.sme_ids,
        };
        ids.get(key)
            .unwrap_or_else(|| panic!("unknown {side:?} key {key}"))
    }

    fn key(&self, id: &str) -> &str {
        self.keys.get(id).map_or("?", String::as_str)
    }
}

fn str_field<'a>(v: &'a Value, field: &str) -> &'a str {
    v[field]
        .as_str()
        .unwrap_or_else(|| panic!("`{field}` missing in {v}"))
}

/// The items in a fixed order unrelated to the data file's grouping. Equal scores are ranked
/// by id, that is by publication time, and the file lists related profiles together: published
/// in file order, a baseline that scores many candidates alike (text only, when no words are
/// shared) would be credited with the file's grouping.
fn scrambled(items: &[Value]) -> Vec<&Value> {
    let n = items.len();
    assert!(n > 1, "a market needs profiles");
    let gcd = |mut a: usize, mut b: usize| {
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a
    };
    let stride = (17..).find(|s| gcd(*s, n) == 1).expect("a stride");
    (0..n).map(|i| &items[i * stride % n]).collect()
}

fn publish_market(s: &TestServer, data: &Value) -> Market {
    let mut market = Market {
        sme_ids: HashMap::new(),
        investor_ids: HashMap::new(),
        keys: HashMap::new(),
    };
    for inv in scrambled(data["investors"].as_array().expect("investors")) {
        let id = publish_investor(s, inv["input"].clone());
        market.add(Side::Investor, str_field(inv, "key"), id);
    }
    for sme in scrambled(data["smes"].as_array().expect("smes")) {
        let key = str_field(sme, "key");
        let out = s
            .as_sme()
            .ok(PUBLISH_SME_LEVEL, json!({ "input": sme["input"] }))["publishSme"]
            .clone();
        // Several labels rest on the digital level; the questionnaire must assess what the
        // labeller assumed.
        assert_eq!(
            str_field(&out, "digitalLevel"),
            str_field(sme, "level"),
            "digital level of {key}"
        );
        market.add(Side::Sme, key, str_field(&out, "id").to_string());
    }
    market
}

fn parse_queries(data: &Value, market: &Market) -> Vec<Query> {
    data["queries"]
        .as_array()
        .expect("queries")
        .iter()
        .map(|q| {
            let side = match str_field(q, "side") {
                "investor" => Side::Investor,
                "sme" => Side::Sme,
                other => panic!("unknown side {other}"),
            };
            let key = str_field(q, "key").to_string();
            market.id(side, &key);
            let judgements: Vec<Judgement> = q["judgements"]
                .as_array()
                .expect("judgements")
                .iter()
                .map(|j| {
                    let candidate = str_field(j, "candidate").to_string();
                    market.id(side.other(), &candidate);
                    let rel = j["rel"].as_u64().expect("rel") as u32;
                    assert!(rel <= 3, "{key}/{candidate}: relevance {rel} outside 0-3");
                    let why = str_field(j, "why").to_string();
                    assert!(
                        !why.is_empty(),
                        "{key}/{candidate}: a label needs its reason"
                    );
                    Judgement {
                        candidate,
                        rel,
                        why,
                    }
                })
                .collect();
            let mut seen: Vec<&str> = judgements.iter().map(|j| j.candidate.as_str()).collect();
            seen.sort();
            seen.dedup();
            assert_eq!(
                seen.len(),
                judgements.len(),
                "{key}: a candidate judged twice"
            );
            assert!(
                judgements.iter().any(|j| j.rel > 0),
                "{key}: a query needs a relevant candidate for NDCG to be defined"
            );
            Query {
                side,
                key,
                judgements,
            }
        })
        .collect()
}

/// One returned match: the candidate's key, the score, and (feature, value) pairs.
struct Hit {
    key: String,
    score: f64,
    values: Vec<(String, f64)>,
}

/// Runs a query and checks what must hold of every answer: the explanation adds up to the
/// score, scores never increase down the list, and every match pairs with the query profile.
fn matches(
    s: &TestServer,
    market: &Market,
    side: Side,
    key: &str,
    first: usize,
    weights: Option<&Value>,
) -> Vec<Hit> {
    let (own, candidate) = (side.field(), side.other().field());
    let id = market.id(side, key);
    let vars = json!({ "id": id, "first": first, "w": weights });
    let data = s.ok(&side.query(), vars);
    let list = data["matches"].as_array().expect("matches");
    assert!(list.len() <= first);
    let mut hits = Vec::with_capacity(list.len());
    let mut previous = f64::INFINITY;
    for m in list {
        assert_eq!(
            m[own]["id"].as_str(),
            Some(id),
            "{key}: a match of another profile"
        );
        let score = m["score"].as_f64().expect("score");
        let factors = m["explanation"].as_array().expect("explanation");
        assert_eq!(factors.len(), 7, "{key}: one factor per feature");
        let sum: f64 = factors
            .iter()
            .map(|f| f["contribution"].as_f64().expect("contribution"))
            .sum();
        assert!(
            (sum - score).abs() < 1e-9,
            "{key}: contributions sum to {sum}, score is {score}"
        );
        for f in factors {
            let (v, w, c) = (
                f["value"].as_f64().unwrap(),
                f["weight"].as_f64().unwrap(),
                f["contribution"].as_f64().unwrap(),
            );
            assert!(
                (0.0..=1.0).contains(&v),
                "{key}: feature value {v} outside [0, 1]"
            );
            assert!(
                (v * w - c).abs() < 1e-12,
                "{key}: contribution is not value × weight"
            );
        }
        assert!(
            score <= previous,
            "{key}: scores increase down the list ({previous} then {score})"
        );
        previous = score;
        hits.push(Hit {
            key: market.key(str_field(&m[candidate], "id")).to_string(),
            score,
            values: factors
                .iter()
                .map(|f| {
                    (
                        str_field(f, "feature").to_string(),
                        f["value"].as_f64().unwrap(),
                    )
                })
                .collect(),
        });
    }
    hits
}

/// Discounted cumulative gain of graded labels in rank order: gain 2^rel - 1, discount
/// log2(rank + 1) with ranks from 1.
fn dcg(rels: impl IntoIterator<Item = u32>) -> f64 {
    rels.into_iter()
        .enumerate()
        .map(|(i, r)| (2f64.powi(r as i32) - 1.0) / ((i + 2) as f64).log2())
        .sum()
}

/// NDCG@K of a ranked list against every judged pair of the query (the ideal list is built
/// from all of them, so a relevant candidate the ranking never returns costs).
fn ndcg(query: &Query, ranked: &[Hit]) -> f64 {
    let got = dcg(ranked.iter().take(K).map(|h| query.rel(&h.key)));
    let mut ideal: Vec<u32> = query.judgements.iter().map(|j| j.rel).collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    got / dcg(ideal.into_iter().take(K))
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

#[test]
fn dcg_and_ndcg_follow_their_definitions() {
    // 3 at rank 1, 2 at rank 2, 0 at rank 3, 1 at rank 4.
    let d = dcg([3, 2, 0, 1]);
    let expected = 7.0 + 3.0 / 3f64.log2() + 0.0 + 1.0 / 5f64.log2();
    assert!((d - expected).abs() < 1e-12);
    let query = Query {
        side: Side::Investor,
        key: "q".into(),
        judgements: vec![
            Judgement {
                candidate: "a".into(),
                rel: 3,
                why: "x".into(),
            },
            Judgement {
                candidate: "b".into(),
                rel: 1,
                why: "x".into(),
            },
        ],
    };
    let hit = |k: &str| Hit {
        key: k.into(),
        score: 0.0,
        values: vec![],
    };
    assert_eq!(ndcg(&query, &[hit("a"), hit("b")]), 1.0);
    // An unjudged candidate counts as 0; a relevant one never returned still counts in the ideal.
    let partial = ndcg(&query, &[hit("z"), hit("a")]);
    assert!((partial - (7.0 / 3f64.log2()) / (7.0 + 1.0 / 3f64.log2())).abs() < 1e-12);
    assert_eq!(ndcg(&query, &[]), 0.0);
}

/// Per-query weights of the runs compared: the defaults, the defaults without the incentive
/// feature (how the ranking fares if the investment-law facts change or fail), and two
/// single-feature baselines.
fn runs() -> [(&'static str, Option<Value>); 4] {
    let only = |feature: &str| {
        let mut w = json!({ "text": 0, "sector": 0, "digital": 0, "incentive": 0, "ticket": 0, "partnership": 0, "location": 0 });
        w[feature] = json!(1);
        Some(w)
    };
    [
        ("default", None),
        ("no-incent", Some(json!({ "incentive": 0 }))),
        ("text", only("text")),
        ("sector", only("sector")),
    ]
}

/// The top K of a query as lines: candidate, label, score, feature values, the label's reason.
fn describe(q: &Query, ndcg: f64, hits: &[Hit]) -> String {
    let mut out = format!("\n{} — NDCG@{K} {ndcg:.3}\n", q.label());
    for (rank, h) in hits.iter().enumerate() {
        let values: Vec<String> = h
            .values
            .iter()
            .map(|(f, v)| format!("{}={v:.2}", f[..3].to_lowercase()))
            .collect();
        let judged = q.judgements.iter().find(|j| j.candidate == h.key);
        out.push_str(&format!(
            "  {}. {:<22} rel {} score {:.3}  [{}]{}\n",
            rank + 1,
            h.key,
            judged.map_or("-".to_string(), |j| j.rel.to_string()),
            h.score,
            values.join(" "),
            judged.map_or(String::new(), |j| format!("  ({})", j.why)),
        ));
    }
    let missed: Vec<String> = q
        .judgements
        .iter()
        .filter(|j| j.rel >= 2 && !hits.iter().any(|h| h.key == j.candidate))
        .map(|j| format!("{} (rel {})", j.candidate, j.rel))
        .collect();
    if !missed.is_empty() {
        out.push_str(&format!("  missed: {}\n", missed.join(", ")));
    }
    out
}

#[test]
fn ranking_quality_on_the_labelled_market() {
    let data: Value = serde_json::from_str(DATA).expect("tests/data/matching_eval.json");
    let s = TestServer::start();
    let market = publish_market(&s, &data);
    let queries = parse_queries(&data, &market);
    let judged: usize = queries.iter().map(|q| q.judgements.len()).sum();
    assert!(judged >= 40, "only {judged} judged pairs");

    let runs = runs();
    let mut table: Vec<Vec<f64>> = Vec::new();
    let mut details = String::new();
    for q in &queries {
        let mut row = Vec::with_capacity(runs.len());
        for (name, weights) in &runs {
            let hits = matches(&s, &market, q.side, &q.key, K, weights.as_ref());
            row.push(ndcg(q, &hits));
            if *name == "default" {
                details.push_str(&describe(q, row[0], &hits));
            }
        }
        table.push(row);
    }
    let means: Vec<f64> = (0..runs.len())
        .map(|i| mean(&table.iter().map(|r| r[i]).collect::<Vec<_>>()))
        .collect();

    let mut out = format!(
        "\nNDCG@{K} over {} queries, {judged} judged pairs\n{:<30}",
        queries.len(),
        "query"
    );
    for (name, _) in &runs {
        out.push_str(&format!(" {name:>9}"));
    }
    for (label, row) in queries
        .iter()
        .map(Query::label)
        .chain(["MEAN".to_string()])
        .zip(table.iter().chain([&means]))
    {
        out.push_str(&format!("\n{label:<30}"));
        for v in row {
            out.push_str(&format!(" {v:>9.3}"));
        }
    }
    eprintln!("{out}\n\nDefault top {K} (feature values: tex sec dig inc tic par loc):{details}");

    let (default, text) = (means[0], means[2]);
    assert!(
        default >= MIN_MEAN_NDCG,
        "mean NDCG@{K} {default:.3} is below {MIN_MEAN_NDCG}"
    );
    assert!(
        default - text >= MIN_GAIN_OVER_TEXT,
        "the combined ranking ({default:.3}) must beat text relevance alone ({text:.3}) by {MIN_GAIN_OVER_TEXT}"
    );
}

/// Excluded sectors are a hard filter: the pair never appears, from either side, however well
/// the rest fits (and the tobacco SME fits the impact fund's sector, instruments and ticket).
#[test]
fn excluded_sectors_never_match() {
    let data: Value = serde_json::from_str(DATA).expect("tests/data/matching_eval.json");
    let s = TestServer::start();
    let market = publish_market(&s, &data);
    let smes = market.sme_ids.len();
    let investors = market.investor_ids.len();
    for pair in data["never"].as_array().expect("never") {
        let (inv, sme) = (str_field(pair, "investor"), str_field(pair, "sme"));
        for (_, weights) in runs() {
            let hits = matches(&s, &market, Side::Investor, inv, 100, weights.as_ref());
            assert_eq!(
                hits.len(),
                smes - 1,
                "{inv}: every SME but the excluded one"
            );
            assert!(!hits.iter().any(|h| h.key == sme), "{sme} matched {inv}");
            let hits = matches(&s, &market, Side::Sme, sme, 100, weights.as_ref());
            assert!(!hits.iter().any(|h| h.key == inv), "{inv} matched {sme}");
            assert!(hits.len() < investors);
        }
    }
}
