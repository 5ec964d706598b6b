//! `schema.graphql` is the checked-in SDL of the live schema: this test fails when they drift.
//! To update it: `cargo run -q -- schema > schema.graphql`.

mod common;

#[test]
fn checked_in_schema_matches_the_binary() {
    let out = std::process::Command::new(common::bin())
        .arg("schema")
        .output()
        .expect("run khkr-match schema");
    assert!(out.status.success());
    let live = String::from_utf8(out.stdout).expect("UTF-8");
    let checked_in =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
            .expect("schema.graphql at the top level");
    assert!(
        live == checked_in,
        "schema.graphql is stale: run `cargo run -q -- schema > schema.graphql`"
    );
    // The contract names later work relies on, compared without descriptions, white space and
    // commas (the SDL prints described arguments one per line).
    let mut bare = String::new();
    for (i, part) in live.split("\"\"\"").enumerate() {
        if i % 2 == 0 {
            bare.push_str(part);
        }
    }
    let squeeze = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != ',')
            .collect()
    };
    let bare = squeeze(&bare);
    for name in [
        "publishSme(input: SmeInput!): Sme!",
        "updateSme(id: ID!, input: SmeInput!): Sme!",
        "archiveInvestor(id: ID!): Investor!",
        "smes(first: Int, after: String): SmeConnection!",
        "input LocalizedTextInput",
        "enum IncentivePreference",
    ] {
        assert!(bare.contains(&squeeze(name)), "schema lacks {name}");
    }
}
