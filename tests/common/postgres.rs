//! Scratch PostgreSQL schemas for tests: each test gets a schema of its own in the database
//! `KHKR_TEST_POSTGRES_URL` names (so tests run in parallel on one database), reached through a
//! URL whose connections have it as their `search_path`, and dropped with everything in it when
//! the guard is dropped. Without the variable, tests skip loudly.
#![allow(dead_code)] // each test file uses a different part of this helper

use sqlx::Connection;

/// The variable naming the test database, e.g. `postgres://postgres@127.0.0.1:5432/test`.
pub const ENV: &str = "KHKR_TEST_POSTGRES_URL";

/// How many tests hold a schema at once. Each may open a pool or a server (up to 16
/// connections, more with replicas), and PostgreSQL allows 100 connections by default: on a
/// machine with many cores an unbounded number of parallel tests would run out.
const SLOTS: usize = 4;

/// One of the [`SLOTS`], held while its schema lives: a lock file in the temp directory, locked
/// with `flock(2)`. Files rather than a static semaphore because the bound must hold across every
/// copy of this module (tests/on_postgres.rs compiles it once per suite it includes) and across
/// test processes run at once; the lock goes with the process if it dies.
async fn take_slot() -> std::fs::File {
    loop {
        for i in 0..SLOTS {
            let path = std::env::temp_dir().join(format!("khkr-test-postgres-slot-{i}.lock"));
            let file = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            // `File::try_lock` would do, but it is newer than our rust-version (1.89 > 1.85).
            // SAFETY: `flock` takes a descriptor this function owns and no memory.
            let locked = unsafe {
                libc::flock(
                    std::os::fd::AsRawFd::as_raw_fd(&file),
                    libc::LOCK_EX | libc::LOCK_NB,
                )
            };
            if locked == 0 {
                return file;
            }
            let e = std::io::Error::last_os_error();
            if e.kind() != std::io::ErrorKind::WouldBlock {
                panic!("{}: {e}", path.display());
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
}

/// A schema created for one test; dropped (CASCADE) on drop.
pub struct Schema {
    base: String,
    pub name: String,
    /// The base URL with `options=-csearch_path=<name>`: every connection of a pool opened on
    /// it creates and finds its tables in this schema.
    pub url: String,
    _slot: std::fs::File,
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
        let slot = take_slot().await;
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
        Some(Schema {
            base,
            name,
            url,
            _slot: slot,
        })
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
