//! The index follows the database through SIGKILL: every acknowledged write is searchable after
//! a restart, and the index holds exactly the database's published profiles, no more.

mod common;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

/// What an id should look like after the restart.
#[derive(Debug, Clone, PartialEq)]
enum State {
    /// Published and findable by this word.
    Live(String),
    Archived,
}

/// A writer's log: a change it sent (`acked = false`) and then, if the answer came, the same
/// change acknowledged. A change sent but never answered may or may not have been committed.
#[derive(Debug, Clone)]
struct Event {
    id: String,
    state: State,
    acked: bool,
}

fn writer(base: String, bearer: String, thread: usize, log: Arc<Mutex<Vec<Event>>>) {
    let record = |id: &str, state: State, acked: bool| {
        log.lock().unwrap().push(Event {
            id: id.to_string(),
            state,
            acked,
        });
    };
    for i in 0.. {
        let word = token(thread * 100_000 + i);
        let mut input = sme_input();
        input["name"]["en"] = json!(format!("Shop {word}"));
        let Ok(data) = try_gql(&base, &bearer, PUBLISH_SME, json!({ "input": input })) else {
            return;
        };
        let id = data["publishSme"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        record(&id, State::Live(word), true);
        if i % 3 == 1 {
            let renamed = token(thread * 100_000 + 50_000 + i);
            let mut input = sme_input();
            input["name"]["en"] = json!(format!("Shop {renamed}"));
            let q = "mutation($id: ID!, $input: SmeInput!) { updateSme(id: $id, input: $input) { id } }";
            record(&id, State::Live(renamed.clone()), false);
            if try_gql(&base, &bearer, q, json!({ "id": id, "input": input })).is_err() {
                return;
            }
            record(&id, State::Live(renamed), true);
        }
        if i % 5 == 2 {
            let q = "mutation($id: ID!) { archiveSme(id: $id) { id } }";
            record(&id, State::Archived, false);
            if try_gql(&base, &bearer, q, json!({ "id": id })).is_err() {
                return;
            }
            record(&id, State::Archived, true);
        }
    }
}

fn indexed_ids(s: &TestServer) -> (i64, HashSet<String>) {
    let q = "query($after: String) { searchSmes(first: 100, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }";
    let mut out = HashSet::new();
    let mut after = Value::Null;
    loop {
        let r = s.ok(q, json!({ "after": after }))["searchSmes"].clone();
        for e in r["edges"].as_array().unwrap() {
            out.insert(e["node"]["id"].as_str().unwrap().to_string());
        }
        if r["pageInfo"]["hasNextPage"] != json!(true) {
            return (r["totalCount"].as_i64().unwrap(), out);
        }
        after = r["pageInfo"]["endCursor"].clone();
    }
}

fn find(s: &TestServer, word: &str) -> Vec<String> {
    let r = s.ok(
        "query($q: String) { searchSmes(query: $q) { edges { node { id } } } }",
        json!({ "q": word }),
    );
    r["searchSmes"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn sigkill_during_a_write_burst_loses_nothing_and_half_indexes_nothing() {
    for (round, run_for) in [150u64, 400, 800].into_iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let server = TestServer::start_in(dir.path(), &[]);
        let log = Arc::new(Mutex::new(Vec::new()));
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let (base, token, log) =
                    (server.base.clone(), server.sme_token.clone(), log.clone());
                std::thread::spawn(move || writer(base, token, t, log))
            })
            .collect();
        let started = Instant::now();
        // On a loaded machine the writers may start slowly: let a few writes land first, so
        // every round crashes in the middle of a burst rather than before it.
        while log.lock().unwrap().iter().filter(|e| e.acked).count() < 4
            && started.elapsed() < Duration::from_secs(20)
        {
            std::thread::sleep(Duration::from_millis(10));
        }
        std::thread::sleep(Duration::from_millis(run_for));
        server.crash();
        for t in threads {
            t.join().unwrap();
        }
        let events = log.lock().unwrap().clone();
        let acked = events.iter().filter(|e| e.acked).count();
        assert!(
            acked >= 4,
            "round {round}: {acked} writes acknowledged in {:?}",
            started.elapsed()
        );
        eprintln!("round {round}: killed after {run_for} ms with {acked} writes acknowledged");

        let restarted = TestServer::start_in(dir.path(), &[]);
        let holds = |id: &str, state: &State| match state {
            State::Live(word) => find(&restarted, word) == vec![id.to_string()],
            State::Archived => {
                let q = "query($id: ID!) { sme(id: $id) { id } }";
                restarted.ok(q, json!({ "id": id }))["sme"].is_null()
            }
        };
        // Every acknowledged change is there and searchable: each id shows its last
        // acknowledged state, or the state of a change sent after it that the crash cut off.
        let ids: HashSet<&str> = events.iter().map(|e| e.id.as_str()).collect();
        for id in ids {
            let mine: Vec<&Event> = events.iter().filter(|e| e.id == id).collect();
            let Some(last_ack) = mine.iter().rposition(|e| e.acked) else {
                continue;
            };
            let acked_state = &mine[last_ack].state;
            let cut_off = mine[last_ack + 1..]
                .iter()
                .find(|e| !e.acked)
                .map(|e| &e.state);
            assert!(
                holds(id, acked_state) || cut_off.is_some_and(|s| holds(id, s)),
                "round {round}: {id} should be {acked_state:?} (or {cut_off:?})"
            );
        }
        // The index is exactly the database's published set (nothing missing, nothing extra).
        let db_count = with_store(&restarted, |store| async move {
            let page = khkr_match::store::PageRequest {
                first: 0,
                after: None,
            };
            store.published_smes(page).await.expect("count").total_count
        });
        let (total, ids) = indexed_ids(&restarted);
        assert_eq!(
            total, db_count,
            "round {round}: index count equals database count"
        );
        assert_eq!(
            ids.len() as i64,
            db_count,
            "round {round}: every indexed id is published"
        );
        restarted.stop();
    }
}

/// A deleted index is rebuilt at start-up; `khkr-match reindex` rebuilds on demand.
#[test]
fn deleted_index_is_rebuilt_and_reindex_works() {
    let dir = tempfile::tempdir().unwrap();
    let first = TestServer::start_in(dir.path(), &[]);
    let mut words = Vec::new();
    for i in 0..15 {
        let w = token(900 + i);
        let mut input = sme_input();
        input["name"]["en"] = json!(format!("Shop {w}"));
        words.push((publish_sme(&first, input), w));
    }
    first.stop();
    std::fs::remove_dir_all(dir.path().join("index")).unwrap();
    let second = TestServer::start_in(dir.path(), &[]);
    for (id, w) in &words {
        assert_eq!(find(&second, w), vec![id.clone()]);
    }
    // While a server runs, reindex refuses rather than pull the index from under it.
    let db = format!("sqlite:{}", dir.path().join("khkr.db").display());
    let index_dir = dir.path().join("index");
    let out = std::process::Command::new(bin())
        .args(["reindex", "--database-url", &db, "--index-dir"])
        .arg(&index_dir)
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "reindex must refuse while the server holds the index"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("in use"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    second.stop();

    // Corrupt the index: the server notices and rebuilds.
    std::fs::write(index_dir.join("profiles").join("meta.json"), b"{ not json").unwrap();
    let out = std::process::Command::new(bin())
        .args(["reindex", "--database-url", &db, "--index-dir"])
        .arg(&index_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("indexed 15 profiles") && stdout.contains("docs/s"),
        "{stdout}"
    );
    std::fs::write(index_dir.join("profiles").join("meta.json"), b"{ not json").unwrap();
    let third = TestServer::start_in(dir.path(), &[]);
    let (total, _) = indexed_ids(&third);
    assert_eq!(total, 15);
}
