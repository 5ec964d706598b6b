//! khkr-match: matches Cambodian SMEs with Korean investors and partners.
//!
//! The binary (`src/main.rs`) is a thin CLI over this library so that tests and benchmarks drive
//! the same code the server runs. See `ARCHITECTURE.md` for the map.

pub mod api;
pub mod app;
pub mod auth;
pub mod bench;
pub mod cancel;
pub mod config;
pub mod demo;
pub mod domain;
pub mod events;
pub mod http;
pub mod mail;
pub mod matching;
pub mod search;
pub mod seed;
pub mod server;
pub mod service;
pub mod store;
pub mod web;
pub mod ws;
