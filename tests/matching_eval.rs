//! Quality, measured: NDCG@5 of `matchesForInvestor` and `matchesForSme` on labelled
//! mini-markets, each published through the API of its own real server. There are two parts
//! (issue 11): the TUNING part (`tests/data/matching_eval.json`), on which the default weights
//! were tuned, and the HELD-OUT part (`tests/data/matching_heldout.json`), a separate market
//! judged blind before any ranking ran on it, which says how the ranking generalises. Never tune
//! on the held-out part.
//!
//! The labels (0-3) are an analyst's judgement by the domain rules (shared/domain), not by what
//! the features compute today; unjudged candidates count as 0. For each part the test prints,
//! per query, the NDCG@5 of the default weights, of the defaults without the incentive
//! feature, and of two baselines (text relevance only, sector fit only), then the default top 5
//! with their feature values (`cargo test --test matching_eval -- --nocapture`). The tuning
//! part fails when the default ranking drops below [`MIN_MEAN_NDCG`] or stops beating
//! text-only ranking by [`MIN_GAIN_OVER_TEXT`]; the held-out part when it drops below
//! [`HELD_OUT_MIN_MEAN_NDCG`]; both when an excluded sector leaks through or an explanation
//! does not add up to its score.

mod common;

use std::collections::{HashMap, HashSet};

use common::*;
use serde_json::{json, Value};

/// One part of the evaluation: a labelled market in its own data file.
struct Part {
    /// How the output and failures name the part.
    name: &'static str,
    file: &'static str,
    data: &'static str,
}

/// The market the default weights were tuned on.
const TUNING: Part = Part {
    name: "tuning",
    file: "tests/data/matching_eval.json",
    data: include_str!("data/matching_eval.json"),
};

/// A market no weight was tuned on: new profiles, judged blind before any ranking ran on it.
const HELD_OUT: Part = Part {
    name: "held-out",
    file: "tests/data/matching_heldout.json",
    data: include_str!("data/matching_heldout.json"),
};

impl Part {
    fn parse(&self) -> Value {
        serde_json::from_str(self.data).unwrap_or_else(|e| panic!("{}: {e}", self.file))
    }
}

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
/// measures 0.789 and the default weights 0.977 (gain 0.188, `cargo test --test matching_eval
/// -- --nocapture`), so the bar was 0.15: the structured features must still add a clear margin
/// over a text ranking that now works across languages. Since places stopped counting as shared
/// text (LOCATION scores them), text alone measures 0.834 and the defaults 0.969 (gain 0.135):
/// the text got better and the default ranking did not move, so the bar is now 0.12.
const MIN_GAIN_OVER_TEXT: f64 = 0.12;

/// The mean NDCG@5 the default weights must reach on the held-out part.
///
/// The target is 0.90; this floor is not that target but what holds honestly now.
/// Measured when the part was written (25 queries, 210 pairs judged blind, defaults of commit
/// 2ff99db): 0.915 with the default weights, 0.914 without the incentive feature, 0.705 by text
/// alone and 0.693 by sector fit alone; with the 1,036-concept glossary 0.911 and 0.738 by text
/// alone, 0.912 and 0.742 after its tuning on the cross-language eval's DEV half, 0.912 and
/// 0.750 with the Khmer words written two ways and round 3 of that tuning. The floor is the
/// measured mean less 0.1, rounded down,
/// for the tuning part's reasons (ties are ordered by id, one query can swing by 0.2 or more,
/// the text feature is still moving), and because two queries already sit far below the mean
/// (0.22 for the women's impact fund, 0.63 for the subtitling SME). It catches a ranking that
/// falls back towards a single feature (both baselines are near 0.70), not a small loss.
const HELD_OUT_MIN_MEAN_NDCG: f64 = 0.81;

/// The held-out part must stay large enough to be worth its name (issue 11: at least 300
/// judged pairs over both parts, pairs whose only common ground is across languages among them).
const HELD_OUT_MIN_JUDGED: usize = 200;
const HELD_OUT_MIN_ACROSS: usize = 40;

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

/// A market profile's input with a way to be reached: the judged profiles were written before
/// a profile needed one, and no feature reads a contact, so an address of the profile's own
/// changes no ranking.
fn reachable(input: &Value, key: &str) -> Value {
    let mut input = input.clone();
    let c = &input["contact"];
    if ["email", "phone", "telegram"]
        .iter()
        .all(|f| c[*f].is_null())
    {
        let local: String = key.chars().filter(char::is_ascii_alphanumeric).collect();
        input["contact"]["email"] = json!(format!("{local}@eval.example"));
    }
    input
}

fn publish_market(s: &TestServer, data: &Value) -> Market {
    let mut market = Market {
        sme_ids: HashMap::new(),
        investor_ids: HashMap::new(),
        keys: HashMap::new(),
    };
    for inv in scrambled(data["investors"].as_array().expect("investors")) {
        let id = publish_investor(s, reachable(&inv["input"], str_field(inv, "key")));
        market.add(Side::Investor, str_field(inv, "key"), id);
    }
    for sme in scrambled(data["smes"].as_array().expect("smes")) {
        let key = str_field(sme, "key");
        let out = s.as_sme().ok(
            PUBLISH_SME_LEVEL,
            json!({ "input": reachable(&sme["input"], key) }),
        )["publishSme"]
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

/// The languages a profile's texts (name and description) are written in.
fn text_languages(profile: &Value) -> HashSet<&str> {
    ["name", "description"]
        .iter()
        .filter_map(|f| profile["input"][f].as_object())
        .flat_map(|texts| {
            texts
                .iter()
                .filter(|(_, t)| t.as_str().is_some_and(|t| !t.trim().is_empty()))
                .map(|(lang, _)| lang.as_str())
        })
        .collect()
}

/// What one part measured.
struct Evaluation {
    /// Mean NDCG@K per run of [`runs`], in that order.
    means: Vec<f64>,
    judged: usize,
    /// Judged pairs whose profiles share no language: beyond the codes, their only common
    /// ground is across languages.
    across: usize,
}

/// Publishes a part's market on its own server, ranks every query with every run, prints the
/// per-query table and the default top K labelled with the part's name, and returns the means.
/// Every answer is checked on the way (explanations add up, scores descend; see [`matches`]).
fn evaluate(part: &Part) -> Evaluation {
    let data = part.parse();
    let s = TestServer::start();
    let market = publish_market(&s, &data);
    let queries = parse_queries(&data, &market);
    let judged: usize = queries.iter().map(|q| q.judgements.len()).sum();
    assert!(judged >= 40, "{}: only {judged} judged pairs", part.name);

    let profiles = |side: Side| -> HashMap<&str, &Value> {
        let list = match side {
            Side::Investor => "investors",
            Side::Sme => "smes",
        };
        data[list]
            .as_array()
            .expect("profiles")
            .iter()
            .map(|p| (str_field(p, "key"), p))
            .collect()
    };
    let (investors, smes) = (profiles(Side::Investor), profiles(Side::Sme));
    let profile = |side: Side, key: &str| match side {
        Side::Investor => investors[key],
        Side::Sme => smes[key],
    };
    let (mut across, mut across_relevant) = (0, 0);
    for q in &queries {
        let own = text_languages(profile(q.side, &q.key));
        for j in &q.judgements {
            if own.is_disjoint(&text_languages(profile(q.side.other(), &j.candidate))) {
                across += 1;
                across_relevant += usize::from(j.rel > 0);
            }
        }
    }

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
        "\n[{}] {}: NDCG@{K} over {} queries, {judged} judged pairs ({across} across languages \
         only, {across_relevant} of them relevant)\n{:<30}",
        part.name,
        part.file,
        queries.len(),
        "query"
    );
    for (name, _) in &runs {
        out.push_str(&format!(" {name:>9}"));
    }
    for (label, row) in queries
        .iter()
        .map(Query::label)
        .chain([format!("MEAN ({})", part.name)])
        .zip(table.iter().chain([&means]))
    {
        out.push_str(&format!("\n{label:<30}"));
        for v in row {
            out.push_str(&format!(" {v:>9.3}"));
        }
    }
    eprintln!(
        "{out}\n\n[{}] default top {K} (feature values: tex sec dig inc tic par loc):{details}",
        part.name
    );
    Evaluation {
        means,
        judged,
        across,
    }
}

#[test]
fn ranking_quality_on_the_tuning_market() {
    let (default, text) = {
        let e = evaluate(&TUNING);
        (e.means[0], e.means[2])
    };
    assert!(
        default >= MIN_MEAN_NDCG,
        "tuning: mean NDCG@{K} {default:.3} is below {MIN_MEAN_NDCG}"
    );
    assert!(
        default - text >= MIN_GAIN_OVER_TEXT,
        "tuning: the combined ranking ({default:.3}) must beat text relevance alone ({text:.3}) by {MIN_GAIN_OVER_TEXT}"
    );
}

/// The held-out part asserts only what holds honestly today: its size, and a floor under the
/// measured mean (see [`HELD_OUT_MIN_MEAN_NDCG`]). Excluded sectors and explanations are checked
/// as for the tuning part.
#[test]
fn ranking_quality_on_the_held_out_market() {
    let e = evaluate(&HELD_OUT);
    assert!(
        e.judged >= HELD_OUT_MIN_JUDGED,
        "held-out: only {} judged pairs",
        e.judged
    );
    assert!(
        e.across >= HELD_OUT_MIN_ACROSS,
        "held-out: only {} pairs across languages only",
        e.across
    );
    let default = e.means[0];
    assert!(
        default >= HELD_OUT_MIN_MEAN_NDCG,
        "held-out: mean NDCG@{K} {default:.3} is below {HELD_OUT_MIN_MEAN_NDCG}"
    );
}

/// Excluded sectors are a hard filter: the pair never appears, from either side, however well
/// the rest fits (the tuning part's tobacco SME fits the impact fund's sector, instruments and
/// ticket; the held-out part's rice-wine distillery fits the women's fund's mission and ticket).
#[test]
fn excluded_sectors_never_match() {
    for part in [&TUNING, &HELD_OUT] {
        let data = part.parse();
        let s = TestServer::start();
        let market = publish_market(&s, &data);
        let smes = market.sme_ids.len();
        let investors = market.investor_ids.len();
        let never = data["never"].as_array().expect("never");
        assert!(
            !never.is_empty(),
            "{}: no excluded pair to check",
            part.name
        );
        for pair in never {
            let (inv, sme) = (str_field(pair, "investor"), str_field(pair, "sme"));
            let name = part.name;
            for (_, weights) in runs() {
                let hits = matches(&s, &market, Side::Investor, inv, 100, weights.as_ref());
                assert_eq!(
                    hits.len(),
                    smes - 1,
                    "{name}: {inv}: every SME but the excluded one"
                );
                assert!(
                    !hits.iter().any(|h| h.key == sme),
                    "{name}: {sme} matched {inv}"
                );
                let hits = matches(&s, &market, Side::Sme, sme, 100, weights.as_ref());
                assert!(
                    !hits.iter().any(|h| h.key == inv),
                    "{name}: {inv} matched {sme}"
                );
                assert!(hits.len() < investors);
            }
        }
    }
}

/// The seven features, in the order the weights are searched.
const FEATURES: [&str; 7] = [
    "text",
    "sector",
    "digital",
    "incentive",
    "ticket",
    "partnership",
    "location",
];

/// The default weights (README, `matching::Weights::default`), as the starting point.
const DEFAULT_WEIGHTS: [f64; 7] = [0.15, 0.25, 0.10, 0.10, 0.10, 0.25, 0.05];

fn weights_json(w: &[f64; 7]) -> Value {
    let mut out = json!({});
    for (name, v) in FEATURES.iter().zip(w) {
        out[*name] = json!(v);
    }
    out
}

/// A published part, ready to be ranked many times with different weights.
struct Published {
    s: TestServer,
    market: Market,
    queries: Vec<Query>,
}

impl Published {
    fn new(part: &Part) -> Self {
        let data = part.parse();
        let s = TestServer::start();
        let market = publish_market(&s, &data);
        let queries = parse_queries(&data, &market);
        Published { s, market, queries }
    }

    fn mean_ndcg(&self, w: &[f64; 7]) -> f64 {
        let weights = weights_json(w);
        let per_query: Vec<f64> = self
            .queries
            .iter()
            .map(|q| {
                let hits = matches(&self.s, &self.market, q.side, &q.key, K, Some(&weights));
                ndcg(q, &hits)
            })
            .collect();
        mean(&per_query)
    }
}

/// How weights are tuned, reproducibly: coordinate ascent on the TUNING part only, from the
/// defaults, moving one weight by a step (the others rescaled so the sum stays 1) and keeping a
/// move only when the tuning mean rises by more than [`TUNE_MIN_GAIN`] (so 19 queries' noise
/// does not pull the weights around); the step halves when no move helps. The held-out part is
/// then ranked once with the defaults and once with the tuned weights, for the report only.
/// `cargo test --test matching_eval tune_weights -- --ignored --nocapture`.
#[test]
#[ignore = "a tuning tool, run by hand (about a minute)"]
fn tune_weights_on_the_tuning_part() {
    const TUNE_MIN_GAIN: f64 = 0.002;
    let tuning = Published::new(&TUNING);
    let mut best = DEFAULT_WEIGHTS;
    let start = tuning.mean_ndcg(&best);
    let mut best_score = start;
    let mut step = 0.05;
    let mut evaluations = 1;
    while step >= 0.0125 {
        let mut moved = false;
        for i in 0..FEATURES.len() {
            for delta in [step, -step] {
                let mut w = best;
                w[i] = (w[i] + delta).max(0.0);
                let sum: f64 = w.iter().sum();
                if sum <= 0.0 {
                    continue;
                }
                for v in &mut w {
                    *v /= sum;
                }
                let score = tuning.mean_ndcg(&w);
                evaluations += 1;
                if score > best_score + TUNE_MIN_GAIN {
                    eprintln!(
                        "  {}{:+.4}: tuning {score:.3} (was {best_score:.3})",
                        FEATURES[i], delta
                    );
                    best = w;
                    best_score = score;
                    moved = true;
                }
            }
        }
        if !moved {
            step /= 2.0;
        }
    }
    drop(tuning);
    let held_out = Published::new(&HELD_OUT);
    let (held_default, held_tuned) = (
        held_out.mean_ndcg(&DEFAULT_WEIGHTS),
        held_out.mean_ndcg(&best),
    );
    let show = |w: &[f64; 7]| -> String {
        FEATURES
            .iter()
            .zip(w)
            .map(|(f, v)| format!("{f} {v:.3}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    eprintln!(
        "\n{evaluations} weightings tried on the tuning part\n\
         defaults: {}\n  tuning {start:.3}, held-out {held_default:.3}\n\
         tuned:    {}\n  tuning {best_score:.3}, held-out {held_tuned:.3}",
        show(&DEFAULT_WEIGHTS),
        show(&best),
    );
    assert!(best_score >= start, "coordinate ascent never goes down");
    assert!(
        (best.iter().sum::<f64>() - 1.0).abs() < 1e-9,
        "weights sum to 1"
    );
}
