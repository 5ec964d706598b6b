//! The `khkr-match` command line: the binary's edge, where errors become `anyhow` reports.

use anyhow::Context;
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use khkr_match::config::{ServeConfig, StorageConfig};

#[derive(Parser)]
#[command(name = "khkr-match", version, about = "Matches Cambodian SMEs with Korean investors and partners")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the GraphQL server (migrating the database first).
    Serve(ServeConfig),
    /// Create or upgrade the database schema, then exit.
    Migrate(StorageConfig),
    /// Print the GraphQL schema (SDL); `schema.graphql` holds the same text.
    Schema,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("KHKR_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match cli.command {
        Command::Schema => {
            print!("{}", khkr_match::api::sdl());
            Ok(())
        }
        Command::Migrate(storage) => runtime()?.block_on(async {
            let store = khkr_match::store::open(&storage.database_url)
                .await
                .with_context(|| format!("migrating {}", storage.database_url))?;
            store.close().await;
            println!("database {} is at the latest schema", storage.database_url);
            Ok(())
        }),
        Command::Serve(config) => runtime()?.block_on(async {
            khkr_match::server::serve(&config, khkr_match::server::shutdown_signal())
                .await
                .context("serve")
        }),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}
