//! Scratch PostgreSQL schemas for tests: each test gets a schema of its own in the database
//! `KHKR_TEST_POSTGRES_URL` names (so tests run in parallel on one database), reached through a
//! URL whose connections have it as their `search_path`, and dropped with everything in it when
//! the guard is dropped. Without the variable, tests skip loudly.
#![allow(dead_code)] // each test file uses a different part of this helper

use sqlx::Connection;

/// The variable naming the test database, e.g. `postgres://postgres@127.0.0.1:5432/test`.
pub const ENV: &str = "KHKR_TEST_POSTGRES_URL";

/// A schema created for one test; dropped (CASCADE) on drop.
pub struct Schema {
    base: String,
    pub name: String,
    /// The base URL with `options=-csearch_path=<name>`: every connection of a pool opened on
    /// it creates and finds its tables in this schema.
    pub url: String,
}

/// The test database's URL, or `None` after printing the loud skip line for `test`.
pub fn base_url(test: &str) -> Option<String> {
    match std::env::var(ENV) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            eprintln!("SKIPPED: {test}: {ENV} not set (PostgreSQL tests need a database)");
            None
        }
    }
}

impl Schema {
    /// A fresh, empty schema for `test`, or `None` (skip, printed) without the variable.
    pub async fn create(test: &str) -> Option<Schema> {
        let base = base_url(test)?;
        let name = format!("khkr_t_{}", uuid::Uuid::new_v4().simple());
        let mut conn = sqlx::PgConnection::connect(&base)
            .await
            .unwrap_or_else(|e| panic!("connect to {ENV}: {e}"));
        sqlx::query(&format!("CREATE SCHEMA {name}"))
            .execute(&mut conn)
            .await
            .expect("create schema");
        conn.close().await.expect("close");
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-csearch_path%3D{name}");
        Some(Schema { base, name, url })
    }

    /// As [`create`](Self::create), from synchronous code (the end-to-end tests).
    pub fn create_blocking(test: &str) -> Option<Schema> {
        let test = test.to_string();
        // A thread of its own: the caller may or may not be inside a runtime.
        std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime")
                .block_on(Schema::create(&test))
        })
        .join()
        .expect("schema creation thread")
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        let (base, name) = (self.base.clone(), self.name.clone());
        // Drop runs inside or outside a runtime; a thread with its own runtime works in both.
        let dropped = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime")
                .block_on(async {
                    let mut conn = sqlx::PgConnection::connect(&base).await?;
                    sqlx::query(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
                        .execute(&mut conn)
                        .await?;
                    conn.close().await
                })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!(
                "warning: could not drop test schema {}: {dropped:?}",
                self.name
            );
        }
    }
}
