//! Configuration: command-line flags, else `KHKR_*` environment variables, else defaults.
//! clap resolves that order; this module only declares the settings and their defaults.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The default database: a SQLite file in the working directory, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite:khkr-match.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_INDEX_DIR: &str = "index";
/// Seconds a WebSocket may stay open before its `connection_init`.
pub const DEFAULT_WS_INIT_TIMEOUT: &str = "10";

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

    /// Seconds a GraphQL WebSocket may stay open without sending `connection_init` before it is
    /// closed with 4408 (fractions allowed, e.g. 0.5).
    #[arg(long, env = "KHKR_WS_INIT_TIMEOUT", default_value = DEFAULT_WS_INIT_TIMEOUT,
          value_name = "SECONDS", value_parser = parse_seconds)]
    pub ws_init_timeout: Duration,

    /// Bounds on requests, connections and queries (see [`Limits`]).
    #[command(flatten)]
    pub limits: Limits,

    /// Outbox positions and pruning (see [`Replicas`]).
    #[command(flatten)]
    pub replicas: Replicas,

    /// E-mail notices (see [`Mail`]).
    #[command(flatten)]
    pub mail: Mail,

    /// Threads that hash passwords (argon2id, 19 MiB each while it runs); 0 means one per core.
    /// At most this many hashes are in flight, which bounds the memory log-ins can take.
    #[arg(long, env = "KHKR_HASH_THREADS", default_value = "0", value_name = "N")]
    pub hash_threads: usize,

    /// Log-ins and sign-ups that may wait for a hashing thread; past that they are refused at
    /// once with RATE_LIMITED (HTTP 429, `Retry-After`).
    #[arg(long, env = "KHKR_HASH_QUEUE", default_value = "64", value_name = "N")]
    pub hash_queue: usize,
}

/// Bounds that keep one client from taking the service down (issue 12). Each has a flag and a
/// `KHKR_*` variable; the README's configuration section lists them with their reasons.
#[derive(Debug, Clone, clap::Args)]
pub struct Limits {
    /// The largest cost of a GraphQL operation: each field 1, lists their `first` times their
    /// selection, fragments at each spread, ranking/search/writes more (`api::engine::cost`).
    #[arg(
        long,
        env = "KHKR_MAX_QUERY_COST",
        default_value = "10000",
        value_name = "N"
    )]
    pub max_query_cost: u64,

    /// The most aliases in one GraphQL document.
    #[arg(long, env = "KHKR_MAX_ALIASES", default_value = "30", value_name = "N")]
    pub max_aliases: usize,

    /// The most root fields of one query (a mutation always runs exactly one).
    #[arg(
        long,
        env = "KHKR_MAX_ROOT_FIELDS",
        default_value = "20",
        value_name = "N"
    )]
    pub max_root_fields: usize,

    /// The most searches and rankings (`searchSmes`, `searchInvestors`, `matchesForSme`,
    /// `matchesForInvestor`) one GraphQL operation runs.
    #[arg(long, env = "KHKR_MAX_SEARCHES", default_value = "5", value_name = "N")]
    pub max_searches: usize,

    /// The longest GraphQL document (the `query` text, not its variables) in bytes; a longer
    /// one is refused with code QUERY_TOO_LARGE before it is parsed.
    #[arg(
        long,
        env = "KHKR_MAX_DOCUMENT_BYTES",
        default_value = "32768",
        value_name = "BYTES"
    )]
    pub max_document_bytes: usize,

    /// Seconds a GraphQL request may run before it is cancelled with code TIMEOUT.
    #[arg(long, env = "KHKR_REQUEST_TIMEOUT", default_value = "10", value_name = "SECONDS",
          value_parser = parse_seconds)]
    pub request_timeout: Duration,

    /// The largest GraphQL response body in bytes; a larger one is replaced by an error with
    /// code RESPONSE_TOO_LARGE.
    #[arg(
        long,
        env = "KHKR_MAX_RESPONSE_BYTES",
        default_value = "4194304",
        value_name = "BYTES"
    )]
    pub max_response_bytes: usize,

    /// The largest request body in bytes; larger ones are refused with 413 (by their
    /// Content-Length before reading, or as soon as the bound is crossed).
    #[arg(
        long,
        env = "KHKR_MAX_BODY_BYTES",
        default_value = "2097152",
        value_name = "BYTES"
    )]
    pub max_body_bytes: usize,

    /// Seconds a client has to send a request body once its head has arrived; a slower body is
    /// refused with 408.
    #[arg(long, env = "KHKR_BODY_READ_TIMEOUT", default_value = "10", value_name = "SECONDS",
          value_parser = parse_seconds)]
    pub body_read_timeout: Duration,

    /// Seconds a connection has to send a complete request head, counted from when the server
    /// starts waiting for it: closes slowloris heads and idle keep-alive connections alike.
    #[arg(long, env = "KHKR_HEADER_READ_TIMEOUT", default_value = "10", value_name = "SECONDS",
          value_parser = parse_seconds)]
    pub header_read_timeout: Duration,

    /// Open HTTP connections at most; one more is answered 503 with Retry-After and closed.
    /// Keep it below the process's open-file limit (`ulimit -n`).
    #[arg(
        long,
        env = "KHKR_MAX_CONNECTIONS",
        default_value = "1024",
        value_name = "N"
    )]
    pub max_connections: usize,

    /// Open HTTP connections of one client address (IPv6 per /64); one more is answered 429
    /// with Retry-After and closed. A browser opens about six; an office behind one address,
    /// a few dozen. Without it one address held every connection with idle sockets and the
    /// site answered 503 to everyone else (QA). Connections from a `--trusted-proxy` are not
    /// counted (every client behind it shares its address). 0 turns it off.
    #[arg(
        long,
        env = "KHKR_MAX_CONNECTIONS_PER_CLIENT",
        default_value = "128",
        value_name = "N"
    )]
    pub max_connections_per_client: usize,

    /// Open WebSockets (GraphQL subscriptions) at most; one more upgrade is answered 503 with
    /// Retry-After. A socket leaves `--max-connections` once upgraded, so this bounds them.
    #[arg(
        long,
        env = "KHKR_MAX_WEBSOCKETS",
        default_value = "1024",
        value_name = "N"
    )]
    pub max_websockets: usize,

    /// Open WebSockets of one client address (IPv6 per /64); one more is answered 429. A page
    /// needs one; a few tabs, a few.
    #[arg(
        long,
        env = "KHKR_MAX_WEBSOCKETS_PER_CLIENT",
        default_value = "16",
        value_name = "N"
    )]
    pub max_websockets_per_client: usize,

    /// Requests running at once at most (health probes exempt); past it, 503 with Retry-After.
    #[arg(
        long,
        env = "KHKR_MAX_IN_FLIGHT",
        default_value = "256",
        value_name = "N"
    )]
    pub max_in_flight: usize,

    /// Requests of one client address running at once; its further requests wait their turn
    /// (in order), so many connections from one address get no more of the server than a few.
    /// Behind a reverse proxy, name it with `--trusted-proxy` so clients are told apart.
    #[arg(
        long,
        env = "KHKR_MAX_IN_FLIGHT_PER_CLIENT",
        default_value = "4",
        value_name = "N"
    )]
    pub max_in_flight_per_client: usize,

    /// Refused requests (QUERY_TOO_COMPLEX, or RATE_LIMITED for the client's own attempts, not
    /// for a saturated server) one address may have a minute (a count that drains at N a
    /// minute; IPv6 per /64) before its further requests are held before they run: 10 ms,
    /// doubling with each further refusal, up to 2 s, while it holds its own turn only
    /// (`--max-in-flight-per-client`).
    /// An attacker looping on refusals then costs the server a few requests a second instead of
    /// hundreds; nobody else waits. 0 turns the hold off.
    #[arg(
        long,
        env = "KHKR_REFUSALS_BEFORE_HOLD",
        default_value = "20",
        value_name = "N"
    )]
    pub refusals_before_hold: u32,

    /// Failed log-ins from one address before exponential back-off (1 s, 2 s, 4 s … 15 min;
    /// forgotten 15 min after the last failure). Refusals are RATE_LIMITED / 429.
    #[arg(
        long,
        env = "KHKR_LOGIN_FAILURES_PER_IP",
        default_value = "20",
        value_name = "N"
    )]
    pub login_failures_per_ip: u32,

    /// Failed log-ins on one account before exponential back-off; a successful log-in clears it.
    #[arg(
        long,
        env = "KHKR_LOGIN_FAILURES_PER_ACCOUNT",
        default_value = "5",
        value_name = "N"
    )]
    pub login_failures_per_account: u32,

    /// Sign-ups from one address before exponential back-off.
    #[arg(
        long,
        env = "KHKR_SIGNUPS_PER_IP",
        default_value = "20",
        value_name = "N"
    )]
    pub signups_per_ip: u32,

    /// Writes (mutations other than logIn/signUp) an account, or an anonymous address, may
    /// send in a burst; then `--writes-per-second`.
    #[arg(
        long,
        env = "KHKR_WRITE_BURST",
        default_value = "300",
        value_name = "N"
    )]
    pub write_burst: u32,

    /// Steady rate of writes per account (or anonymous address) once the burst is spent.
    #[arg(
        long,
        env = "KHKR_WRITES_PER_SECOND",
        default_value = "30",
        value_name = "N"
    )]
    pub writes_per_second: f64,

    /// Profiles (businesses and mandates together) one SME or investor account may have on
    /// the site at once; publishing one more is refused with FORBIDDEN (`extensions.reason`
    /// `PROFILE_LIMIT`) until one is taken off. An owner has a business or a few; without a
    /// bound, one account published 173 profiles of 15,000 characters each (QA, an attacker).
    /// 0 turns it off.
    #[arg(
        long,
        env = "KHKR_MAX_PROFILES_PER_ACCOUNT",
        default_value = "20",
        value_name = "N"
    )]
    pub max_profiles_per_account: usize,

    /// Browser origins allowed to call the API from other sites (CORS), e.g.
    /// `https://app.example.org`; comma-separated in the variable. None by default: no CORS
    /// headers are sent, so browsers on other origins cannot read answers.
    #[arg(
        long = "cors-origin",
        env = "KHKR_CORS_ORIGINS",
        value_delimiter = ',',
        value_name = "ORIGIN"
    )]
    pub cors_origins: Vec<String>,

    /// Addresses of reverse proxies in front of the server (e.g. `10.0.0.5`; comma-separated
    /// in the variable). A request from one of them is counted against the client address its
    /// `X-Forwarded-For` names (the rightmost address that is not a trusted proxy), for every
    /// per-address limit; from anyone else the header is ignored, so it cannot be forged.
    #[arg(
        long = "trusted-proxy",
        env = "KHKR_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_name = "IP"
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// A secret that lets a scraper read `/metrics` from another machine, sent as
    /// `Authorization: Bearer SECRET`. Without it, `/metrics` answers clients on this machine
    /// only (loopback, after `--trusted-proxy`): its counts of introductions, answers, log-ins
    /// and sign-ups are the business's, not the public's.
    #[arg(
        long,
        env = "KHKR_METRICS_TOKEN",
        value_name = "SECRET",
        hide_env_values = true
    )]
    pub metrics_token: Option<String>,

    /// Seconds open connections get to finish at shutdown before they are dropped.
    #[arg(long, env = "KHKR_SHUTDOWN_DRAIN", default_value = "10", value_name = "SECONDS",
          value_parser = parse_seconds)]
    pub shutdown_drain: Duration,
}

impl Limits {
    /// The rate limits, for [`crate::service::throttle::Throttle`].
    pub fn throttle(&self) -> crate::service::throttle::ThrottleConfig {
        crate::service::throttle::ThrottleConfig {
            login_failures_per_ip: self.login_failures_per_ip,
            login_failures_per_account: self.login_failures_per_account,
            signups_per_ip: self.signups_per_ip,
            write_burst: self.write_burst,
            writes_per_second: self.writes_per_second,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_query_cost: 10_000,
            max_aliases: 30,
            max_root_fields: 20,
            max_searches: 5,
            max_document_bytes: 32 * 1024,
            request_timeout: Duration::from_secs(10),
            max_response_bytes: 4 * 1024 * 1024,
            max_body_bytes: 2 * 1024 * 1024,
            body_read_timeout: Duration::from_secs(10),
            header_read_timeout: Duration::from_secs(10),
            max_connections: 1024,
            max_connections_per_client: 128,
            max_websockets: 1024,
            max_websockets_per_client: 16,
            max_in_flight: 256,
            max_in_flight_per_client: 4,
            refusals_before_hold: 20,
            shutdown_drain: Duration::from_secs(10),
            login_failures_per_ip: 20,
            login_failures_per_account: 5,
            signups_per_ip: 20,
            write_burst: 300,
            writes_per_second: 30.0,
            max_profiles_per_account: 20,
            cors_origins: Vec::new(),
            trusted_proxies: Vec::new(),
            metrics_token: None,
        }
    }
}

/// How a replica records its outbox position and prunes the outbox (issue 13). Each replica
/// prunes the entries every replica seen within the horizon has applied.
#[derive(Debug, Clone, clap::Args)]
pub struct Replicas {
    /// How long a replica may go unseen (no heartbeat) and still hold outbox pruning back.
    /// One gone for longer is left out; if it comes back after entries it needed were pruned,
    /// it rebuilds its index from the database at start (a progress line says so). A number
    /// with a unit: `90s`, `30m`, `24h`, `7d` (a bare number is seconds).
    #[arg(long, env = "KHKR_REPLICA_HORIZON", default_value = "24h", value_name = "DURATION",
          value_parser = parse_duration)]
    pub replica_horizon: Duration,

    /// How often a replica records its outbox position in the database (its heartbeat).
    #[arg(long, env = "KHKR_REPLICA_HEARTBEAT", default_value = "10s", value_name = "DURATION",
          value_parser = parse_duration)]
    pub replica_heartbeat: Duration,

    /// How often a replica deletes the outbox entries every live replica has applied.
    #[arg(long, env = "KHKR_OUTBOX_PRUNE_INTERVAL", default_value = "5m",
          value_name = "DURATION", value_parser = parse_duration)]
    pub outbox_prune_interval: Duration,
}

impl Replicas {
    pub fn times(&self) -> crate::search::indexer::ReplicaTimes {
        crate::search::indexer::ReplicaTimes {
            heartbeat: self.replica_heartbeat,
            prune_every: self.outbox_prune_interval,
            horizon: self.replica_horizon,
        }
    }
}

/// A positive duration: a number (fractions allowed) with a unit `s`, `m`, `h` or `d`, or a
/// bare number of seconds.
fn parse_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let (number, unit) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&t[..i], c),
        _ => (t, 's'),
    };
    let scale = match unit {
        's' => 1.0,
        'm' => 60.0,
        'h' => 3600.0,
        'd' => 86_400.0,
        _ => return Err(format!("`{s}`: the unit must be s, m, h or d (e.g. 24h)")),
    };
    let secs = parse_seconds(number).map_err(|_| {
        format!("`{s}` is not a duration: give a number and a unit, e.g. 90s, 30m, 24h")
    })?;
    Duration::try_from_secs_f64(secs.as_secs_f64() * scale).map_err(|e| format!("`{s}`: {e}"))
}

/// A positive, finite number of seconds. Zero is refused: a socket that never initialises
/// would hold its resources forever.
fn parse_seconds(s: &str) -> Result<Duration, String> {
    let secs: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number of seconds"))?;
    if secs.is_nan() || secs <= 0.0 {
        return Err(format!("`{s}`: give a number of seconds above 0"));
    }
    Duration::try_from_secs_f64(secs).map_err(|e| format!("`{s}`: {e}"))
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

#[cfg(test)]
mod duration_tests {
    use super::*;

    #[test]
    fn durations_take_a_unit() {
        assert_eq!(parse_duration("24h"), Ok(Duration::from_secs(86_400)));
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("1.5m"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("2d"), Ok(Duration::from_secs(172_800)));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("3w").is_err());
        assert!(parse_duration("h").is_err());
    }
}

/// E-mail notices of introductions and answers (`src/mail.rs`).
#[derive(Debug, Clone, clap::Args)]
pub struct Mail {
    /// SMTP relay to send notices through, `smtp://[USER:PASSWORD@]HOST[:PORT]` (plain SMTP:
    /// a relay on this host or network). Without it, notices are kept in the database and sent
    /// once a relay is set.
    #[arg(long, env = "KHKR_SMTP_URL", value_name = "URL")]
    pub smtp_url: Option<String>,

    /// The sender of notices, `Name <address>`.
    #[arg(
        long,
        env = "KHKR_MAIL_FROM",
        default_value = "KH–KR Match <noreply@localhost>",
        value_name = "MAILBOX"
    )]
    pub mail_from: String,

    /// The site's address as people reach it, for the links in notices and in the pipeline's
    /// spreadsheet (e.g. `https://match.example.org`); required with `--smtp-url`.
    #[arg(long, env = "KHKR_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,

    /// Seconds before the first retry of a notice the relay did not take; each further retry
    /// waits twice as long (at most six hours), and a notice is given up after ten attempts.
    #[arg(long, env = "KHKR_MAIL_RETRY", default_value = "60", value_name = "SECONDS",
          value_parser = parse_seconds)]
    pub mail_retry: Duration,
}
