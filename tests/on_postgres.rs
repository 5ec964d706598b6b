//! The end-to-end suites once more, on PostgreSQL (issue 13: "the whole suite on PostgreSQL as
//! on SQLite"). Each suite below is its own test file, included here as a module; in this test
//! binary `TestServer::start_with` (tests/common) starts every server on a fresh schema of the
//! `KHKR_TEST_POSTGRES_URL` database instead of a SQLite file. A server a test deliberately
//! starts over a directory of its own (`start_in`: restarts, crash and fault tests) stays on
//! SQLite, and the suites about one backend (store, store_postgres, postgres_e2e, crash,
//! faults, restart, properties) are not repeated. Without the variable each test says
//! `SKIPPED` and runs on SQLite.
//!
//! `cargo test --test on_postgres` runs just these; the test names carry the suite's name
//! (`web::…`).

// Each suite is a crate of its own elsewhere and says `mod common;` itself, so here the helper
// is compiled once per suite: harmless, since nothing in it must be unique per process (the
// bound on PostgreSQL schemas in use is held in lock files, see tests/common/postgres.rs).
#![allow(clippy::duplicate_mod)]

#[path = "accounts.rs"]
mod accounts;
#[path = "demo.rs"]
mod demo;
#[path = "graphiql.rs"]
mod graphiql;
#[path = "hardening.rs"]
mod hardening;
#[path = "http.rs"]
mod http;
#[path = "incentives.rs"]
mod incentives;
#[path = "introspection.rs"]
mod introspection;
#[path = "matching.rs"]
mod matching;
#[path = "matching_eval.rs"]
mod matching_eval;
#[path = "paging.rs"]
mod paging;
#[path = "pipeline.rs"]
mod pipeline;
#[path = "privacy.rs"]
mod privacy;
#[path = "profiles.rs"]
mod profiles;
#[path = "reference.rs"]
mod reference;
#[path = "search.rs"]
mod search;
#[path = "search_cross_language.rs"]
mod search_cross_language;
#[path = "subscriptions.rs"]
mod subscriptions;
#[path = "validation.rs"]
mod validation;
#[path = "web.rs"]
mod web;
#[path = "web_browser.rs"]
mod web_browser;
#[path = "web_introductions_browser.rs"]
mod web_introductions_browser;
#[path = "web_investor.rs"]
mod web_investor;
#[path = "web_investor_browser.rs"]
mod web_investor_browser;
#[path = "web_staff.rs"]
mod web_staff;
#[path = "web_staff_browser.rs"]
mod web_staff_browser;
