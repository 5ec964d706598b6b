//! The `khkr-match` command line: the binary's edge, where errors become `anyhow` reports.

use anyhow::Context;
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use khkr_match::config::{IndexConfig, ServeConfig, StorageConfig};

#[derive(Parser)]
#[command(
    name = "khkr-match",
    version,
    about = "Matches Cambodian SMEs with Korean investors and partners"
)]
struct Cli {
    /// Log format on standard error: `text` for people, `json` (one object per line, with
    /// timestamp, level, target, message and fields) for log collectors.
    #[arg(long, global = true, env = "KHKR_LOG_FORMAT", default_value = "text",
          value_parser = ["text", "json"])]
    log_format: String,

    #[command(subcommand)]
    command: Command,
}

// Parsed once per process: the size of the largest variant costs nothing worth a Box.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Run the GraphQL server (migrating the database first).
    Serve(ServeConfig),
    /// Create or upgrade the database schema, then exit.
    Migrate(StorageConfig),
    /// Rebuild the search index from the database (stop the server using it first).
    Reindex(IndexConfig),
    /// Manage accounts (STAFF and ADMIN accounts are created here, not through the API).
    #[command(subcommand)]
    User(UserCommand),
    /// Measure performance and print the figures.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Print the GraphQL schema (SDL); `schema.graphql` holds the same text.
    Schema,
    /// Investment-incentive rules files.
    #[command(subcommand)]
    Rules(RulesCommand),
}

#[derive(Subcommand)]
enum RulesCommand {
    /// Validate a rules file and print a summary; on problems, name each and exit non-zero.
    Check {
        /// The rules file (JSON, the layout of data/incentive_rules.json).
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account: `user create --email E --password P --role STAFF`.
    Create {
        #[arg(long)]
        email: String,
        /// At least 10 characters.
        #[arg(long)]
        password: String,
        /// SME, INVESTOR, STAFF or ADMIN.
        #[arg(long)]
        role: String,
        #[command(flatten)]
        storage: StorageConfig,
    },
    /// Set a new password for an account whose holder forgot theirs, where the site sends no
    /// e-mail: `user set-password --email E --password P`. Signs the account out everywhere.
    SetPassword {
        #[arg(long)]
        email: String,
        /// At least 10 characters; the same policy as on the site.
        #[arg(long)]
        password: String,
        #[command(flatten)]
        storage: StorageConfig,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Index build throughput and query latency (p50/p99) on generated data sets.
    Search {
        /// Data-set sizes (SMEs), comma-separated; the demo generator at each size.
        #[arg(long, value_delimiter = ',', default_value = "2000,100000")]
        sizes: Vec<usize>,
        /// Timed runs per query.
        #[arg(long, default_value_t = 200)]
        rounds: usize,
    },
    /// Match latency (p50/p99) of both match queries on generated data sets.
    Match {
        /// Data-set sizes (SMEs), comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "2000,100000,1000000")]
        sizes: Vec<usize>,
        /// Timed runs per query kind.
        #[arg(long, default_value_t = 200)]
        rounds: usize,
        /// Also rank the same data in a peer engine, side by side (only `postgres`).
        #[arg(long, value_parser = ["postgres"])]
        peer: Option<String>,
        /// The peer's database; a scratch schema is created in it and dropped at the end.
        #[arg(long, env = "KHKR_TEST_POSTGRES_URL")]
        peer_url: Option<String>,
    },
    /// Mixed load of ordinary users on a demo server, without and then with an attacker
    /// (fragment bombs, a password flood): throughput, p50/p99 per operation, errors, memory.
    /// Exits with 1 when ordinary requests got a 5xx, their p99 more than doubled under
    /// attack, or the server passed 1 GB.
    Load {
        /// Ordinary users, one connection each.
        #[arg(long, default_value_t = 64)]
        connections: usize,
        /// Length of each of the two phases.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
    },
    /// Render time (p50/p99) and weight of the web app's pages on a demo server.
    Pages {
        /// Timed requests per page.
        #[arg(long, default_value_t = 200)]
        rounds: usize,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let filter = EnvFilter::try_from_env("KHKR_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    if cli.log_format == "json" {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    } else {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .with_ansi(std::io::stderr().is_terminal())
            .init();
    }
    match cli.command {
        Command::Schema => {
            print!("{}", khkr_match::api::sdl());
            Ok(())
        }
        Command::Rules(RulesCommand::Check { file }) => rules_check(&file),
        Command::Migrate(storage) => runtime()?.block_on(async {
            let store = khkr_match::store::open(&storage.database_url)
                .await
                .with_context(|| {
                    format!(
                        "migrating {}",
                        khkr_match::store::redacted_url(&storage.database_url)
                    )
                })?;
            store.close().await;
            println!(
                "database {} is at the latest schema",
                khkr_match::store::redacted_url(&storage.database_url)
            );
            Ok(())
        }),
        Command::Bench(BenchCommand::Search { sizes, rounds }) => runtime()?.block_on(async {
            let mut figures = Vec::new();
            for n in sizes {
                figures.push(khkr_match::bench::search_bench(n, rounds.max(1)).await?);
            }
            khkr_match::bench::print_search(&figures);
            Ok(())
        }),
        Command::Bench(BenchCommand::Match {
            sizes,
            rounds,
            peer: Some(_),
            peer_url,
        }) => runtime()?.block_on(async {
            let url =
                peer_url.context("--peer postgres needs --peer-url or KHKR_TEST_POSTGRES_URL")?;
            let mut figures = Vec::new();
            for n in sizes {
                figures.push(khkr_match::bench::match_peer_bench(n, rounds.max(1), &url).await?);
            }
            khkr_match::bench::print_peer(&figures);
            Ok(())
        }),
        Command::Bench(BenchCommand::Match { sizes, rounds, .. }) => runtime()?.block_on(async {
            let mut figures = Vec::new();
            for n in sizes {
                figures.push(khkr_match::bench::match_bench(n, rounds.max(1)).await?);
            }
            khkr_match::bench::print_match(&figures);
            Ok(())
        }),
        Command::Bench(BenchCommand::Load {
            connections,
            seconds,
        }) => runtime()?.block_on(async {
            let figures =
                khkr_match::bench::load::load_bench(connections.max(1), seconds.max(1)).await?;
            if !khkr_match::bench::load::print_load(&figures) {
                anyhow::bail!("the load run did not meet the bar (see above)");
            }
            Ok(())
        }),
        Command::Bench(BenchCommand::Pages { rounds }) => runtime()?.block_on(async {
            let figures = khkr_match::bench::pages::pages_bench(rounds.max(1)).await?;
            khkr_match::bench::pages::print_pages(&figures, rounds.max(1));
            Ok(())
        }),
        Command::User(UserCommand::Create {
            email,
            password,
            role,
            storage,
        }) => runtime()?.block_on(create_user(email, password, role, storage)),
        Command::User(UserCommand::SetPassword {
            email,
            password,
            storage,
        }) => runtime()?.block_on(set_password(email, password, storage)),
        Command::Reindex(config) => runtime()?.block_on(reindex(config)),
        Command::Serve(config) => runtime()?.block_on(async {
            khkr_match::server::serve(&config, khkr_match::server::shutdown_signal())
                .await
                .context("serve")
        }),
    }
}

fn rules_check(file: &Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read the rules file {}", file.display()))?;
    let rules = khkr_match::domain::incentives::Rules::from_json(&text)
        .with_context(|| format!("the rules file {} is invalid", file.display()))?;
    println!("{} is valid", file.display());
    println!("{}", rules.summary());
    Ok(())
}

async fn reindex(config: IndexConfig) -> anyhow::Result<()> {
    let store = khkr_match::store::open(&config.storage.database_url)
        .await
        .with_context(|| {
            format!(
                "opening {}",
                khkr_match::store::redacted_url(&config.storage.database_url)
            )
        })?;
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {pos}/{len} profiles ({per_sec}, eta {eta})",
        )
        .context("progress bar template")?
        .progress_chars("=> "),
    );
    let progress = {
        let bar = bar.clone();
        Arc::new(move |done: u64, total: u64| {
            bar.set_length(total);
            bar.set_position(done);
        })
    };
    let started = Instant::now();
    let opened = khkr_match::search::index::rebuild(&config.index_dir, store.clone(), progress)
        .await
        .context("rebuilding the search index")?;
    bar.finish();
    let docs = opened.index.num_docs();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "indexed {docs} profiles in {secs:.2} s ({:.0} docs/s) into {}",
        docs as f64 / secs.max(1e-9),
        config.index_dir.display()
    );
    drop(opened);
    store.close().await;
    Ok(())
}

/// The database of `storage`, opened for a one-off command.
async fn open_store(
    storage: &StorageConfig,
) -> anyhow::Result<std::sync::Arc<dyn khkr_match::store::Store>> {
    khkr_match::store::open(&storage.database_url)
        .await
        .with_context(|| {
            format!(
                "opening {}",
                khkr_match::store::redacted_url(&storage.database_url)
            )
        })
}

async fn create_user(
    email: String,
    password: String,
    role: String,
    storage: StorageConfig,
) -> anyhow::Result<()> {
    use khkr_match::domain::account::Role;
    let role = Role::parse(&role)
        .with_context(|| format!("unknown role {role:?}: use SME, INVESTOR, STAFF or ADMIN"))?;
    let store = open_store(&storage).await?;
    let created =
        khkr_match::service::accounts::create_by_operator(store.as_ref(), &email, &password, role)
            .await;
    store.close().await;
    let user = created.map_err(|e| anyhow::anyhow!("creating {email}: {e}"))?;
    println!(
        "created {} account {} ({})",
        user.role.as_str(),
        user.email.as_str(),
        user.id
    );
    Ok(())
}

async fn set_password(
    email: String,
    password: String,
    storage: StorageConfig,
) -> anyhow::Result<()> {
    let store = open_store(&storage).await?;
    let set =
        khkr_match::service::accounts::set_password_by_operator(store.as_ref(), &email, &password)
            .await;
    store.close().await;
    let user = set.map_err(|e| anyhow::anyhow!("setting the password of {email}: {e}"))?;
    println!(
        "set a new password for {} ({}); it is signed out everywhere",
        user.email.as_str(),
        user.id
    );
    Ok(())
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}
