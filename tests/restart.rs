//! The database is the source of truth: a restart, clean or after SIGKILL, keeps every row that
//! a mutation acknowledged, byte for byte.

mod common;

use common::*;
use serde_json::{json, Value};

fn everything(s: &TestServer) -> Value {
    let q = format!(
        "{{ smes(first: 100) {{ totalCount edges {{ node {{ {SME_FIELDS} createdAt updatedAt }} }} }}
           investors(first: 100) {{ totalCount edges {{ node {{ {INVESTOR_FIELDS} createdAt updatedAt }} }} }} }}"
    );
    s.ok(&q, json!({}))
}

fn write_some(s: &TestServer) {
    for i in 0..12 {
        let mut input = sme_input();
        input["name"] = json!({ "km": format!("ហាងលេខ {i}"), "ko": format!("{i}번 가게") });
        let id = publish_sme(s, input);
        if i % 4 == 0 {
            let mut update = sme_input();
            update["employees"] = json!(i);
            s.as_sme().ok(
        "mutation($id: ID!, $input: SmeInput!) { updateSme(id: $id, input: $input) { id } }",
                json!({ "id": id, "input": update }),
            );
        }
        if i % 5 == 0 {
            s.as_sme().ok(
                "mutation($id: ID!) { archiveSme(id: $id) { id } }",
                json!({ "id": id }),
            );
        }
    }
    for _ in 0..4 {
        publish_investor(s, investor_input());
    }
}

#[test]
fn clean_restart_keeps_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let first = TestServer::start_in(dir.path(), &[]);
    write_some(&first);
    let before = everything(&first);
    assert_eq!(before["smes"]["totalCount"], 9);
    first.stop();
    let second = TestServer::start_in(dir.path(), &[]);
    assert!(
        everything(&second) == before,
        "same rows, same bytes after a restart"
    );
    let counts = row_counts(&second);
    assert_eq!((counts.0, counts.1), (12, 4), "archived rows are kept too");
    second.stop();
}

#[test]
fn acknowledged_writes_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let first = TestServer::start_in(dir.path(), &[]);
    write_some(&first);
    let before = everything(&first);
    first.crash();
    let second = TestServer::start_in(dir.path(), &[]);
    assert!(
        everything(&second) == before,
        "every acknowledged write survives SIGKILL"
    );
    // And the restarted server takes new writes.
    publish_sme(&second, sme_input());
    assert_eq!(everything(&second)["smes"]["totalCount"], 10);
}
