//! Configuration: command-line flags, else `KHKR_*` environment variables, else defaults.
//! clap resolves that order; this module only declares the settings and their defaults.

use std::net::SocketAddr;
use std::path::PathBuf;

/// The default database: a SQLite file in the working directory, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite:khkr-match.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_INDEX_DIR: &str = "index";

/// Where the data lives; shared by every subcommand that touches the database.
#[derive(Debug, Clone, clap::Args)]
pub struct StorageConfig {
    /// Database URL. `sqlite:PATH` (created if missing).
    #[arg(long, env = "KHKR_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
}

/// Settings of `khkr-match serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeConfig {
    /// Address to listen on; port 0 picks a free port (the chosen address is printed).
    #[arg(long, env = "KHKR_BIND", default_value = DEFAULT_BIND)]
    pub bind: SocketAddr,

    #[command(flatten)]
    pub storage: StorageConfig,

    /// Directory of the on-disk search index (derived data, rebuildable from the database).
    #[arg(long, env = "KHKR_INDEX_DIR", default_value = DEFAULT_INDEX_DIR)]
    pub index_dir: PathBuf,

    /// Load the demo data set (2,000 SMEs, 300 investors) when the database is empty.
    #[arg(long, env = "KHKR_DEMO")]
    pub demo: bool,

    /// Investment-incentive rules (JSON in the layout of `data/incentive_rules.json`), so a
    /// change in the law needs no rebuild; default: the rules built into the binary.
    #[arg(long = "rules", env = "KHKR_RULES", value_name = "FILE")]
    pub rules: Option<PathBuf>,
}

/// Settings of `khkr-match reindex`.
#[derive(Debug, Clone, clap::Args)]
pub struct IndexConfig {
    #[command(flatten)]
    pub storage: StorageConfig,

    /// Directory of the on-disk search index.
    #[arg(long, env = "KHKR_INDEX_DIR", default_value = DEFAULT_INDEX_DIR)]
    pub index_dir: PathBuf,
}
