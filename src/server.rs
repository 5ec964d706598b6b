//! Start-up and shutdown of `khkr-match serve`.

use std::future::Future;
use std::path::Path;
use std::sync::Arc;

use crate::api::build_schema;
use crate::app::App;
use crate::config::ServeConfig;
use crate::domain::incentives::{Rules, RulesError};
use crate::search::features::{facts_from_rules, FeatureCache};
use crate::search::index::{open_or_rebuild, SearchError};
use crate::search::{indexer, matcher};
use crate::store::{self, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    #[error("server failed: {0}")]
    Serve(std::io::Error),
    #[error(transparent)]
    Seed(#[from] crate::seed::SeedError),
    #[error("cannot read the rules file {path}: {source}")]
    RulesRead {
        path: String,
        source: std::io::Error,
    },
    #[error("the rules file {path} is invalid: {source}")]
    Rules { path: String, source: RulesError },
    #[error(transparent)]
    Mail(#[from] crate::mail::MailConfigError),
}

/// Runs the server until `shutdown` resolves, then drains requests and closes the database.
///
/// Prints `listening on http://ADDR` on standard output once the port is bound, so scripts and
/// tests that pass `--bind 127.0.0.1:0` learn the port that was picked.
pub async fn serve(
    config: &ServeConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    crate::auth::configure_pool(config.hash_threads, config.hash_queue);
    // First, so a bad rules file stops the start before anything is opened.
    let rules = load_rules(config.rules.as_deref())?;
    let mailer = crate::mail::Mailer::from_config(&config.mail)?;
    let public_url = config
        .mail
        .public_url
        .as_deref()
        .map(crate::mail::public_url)
        .transpose()?;
    let store = store::open(&config.storage.database_url).await?;
    tracing::info!(
        url = %store::redacted_url(&config.storage.database_url),
        "database ready"
    );
    // With `--demo`, one replica at a time seeds (accounts, data, matches); the others wait
    // for its turn to end and then find the work done.
    let (demo, seeding) = if config.demo {
        let lock = store.seed_lock().await?;
        let accounts = crate::seed::demo_accounts(store.as_ref()).await?;
        let owners = crate::seed::DemoOwners::of(&accounts);
        crate::seed::load_demo_if_empty(store.as_ref(), owners).await?;
        (Some(accounts), lock)
    } else {
        (None, None)
    };
    let opened = open_or_rebuild(&config.index_dir, store.clone(), Arc::new(log_progress)).await?;
    let search = opened.index.clone();
    let facts = facts_from_rules(rules.clone());
    let features = Arc::new(FeatureCache::new(facts.clone()));
    let warm = {
        let features = features.clone();
        Arc::new(move |searcher: &tantivy::Searcher| {
            if let Err(e) = matcher::warm(&features, searcher) {
                tracing::warn!(error = %e, "could not prepare match features");
            }
        })
    };
    let (indexer, indexer_task) = indexer::spawn(opened, store.clone(), Some(warm));
    // This replica's position in the database, and pruning of what every live replica has
    // applied (issue 13).
    let position_task =
        indexer::keep_position(indexer.clone(), store.clone(), config.replicas.times());
    // Other replicas' writes wake the indexer at once where the backend can push (PostgreSQL
    // LISTEN/NOTIFY); the indexer's poll covers the rest.
    let waker = indexer.clone();
    if store.watch_outbox(Arc::new(move || waker.wake())).await? {
        tracing::info!("indexer woken by database notifications");
    }
    // Catch up with every change the database has before taking requests, so that the first
    // query after a restart (even after a crash) sees exactly the published profiles.
    let head = store.outbox_head().await?;
    if head > indexer.applied() {
        eprintln!(
            "search index: applying changes {}..={head}",
            indexer.applied() + 1
        );
    }
    match indexer
        .wait_for(head, crate::search::indexer::VISIBILITY_TIMEOUT)
        .await
    {
        Ok(()) => {}
        // The database is the source of truth and answers: serve it, with the index behind
        // (searches miss the unapplied changes; /readyz says so) until the indexer's retries
        // get through, rather than refuse to start because of the index's disk.
        Err(crate::search::index::SearchError::NotCommitting(why)) => {
            tracing::error!(error = %why, applied = indexer.applied(), head,
                "search index cannot commit; serving with the index behind");
            eprintln!("search index cannot commit ({why}); starting with the index behind");
        }
        Err(e) => return Err(e.into()),
    }
    let app = App::new(
        store.clone(),
        search,
        indexer.clone(),
        features,
        facts,
        rules,
        config.ws_init_timeout,
        config.limits.clone(),
        public_url,
    );
    // Pipeline events reach subscribers on every replica where the backend can carry them.
    if app.events.relay_through(store.clone()).await? {
        tracing::info!("pipeline events relayed between replicas");
    }
    if let Some(accounts) = &demo {
        let owners = crate::seed::DemoOwners::of(accounts);
        let _ = app
            .uncapped
            .set(owners.sme.into_iter().chain(owners.investor).collect());
        crate::seed::demo_matches(&app, accounts).await?;
        crate::seed::print_accounts(accounts);
    }
    if let Some(lock) = seeding {
        lock.release().await;
    }
    // Notices are sent by this process once a relay is set; without one they wait in the
    // database (nothing is lost) and the log says so once.
    let (stop_mail, mail_stopped) = tokio::sync::watch::channel(false);
    let mail_task = match mailer {
        Some(m) => {
            tracing::info!(mailer = ?m, "e-mail notices sent through the SMTP relay");
            app.mail_relay
                .store(true, std::sync::atomic::Ordering::Relaxed);
            let _ = app.mailer.set(m.clone());
            Some(crate::mail::spawn(app.clone(), m, mail_stopped))
        }
        None => {
            tracing::info!(
                "no --smtp-url: e-mail notices are kept in the database until one is set"
            );
            None
        }
    };
    let router = crate::http::router(app.clone(), build_schema(app.clone()));
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|source| ServeError::Bind {
            addr: config.bind.to_string(),
            source,
        })?;
    let addr = listener.local_addr().map_err(ServeError::Serve)?;
    println!("listening on http://{addr}");
    tracing::info!(%addr, "GraphQL at /graphql, GraphiQL at /graphiql, the web app at /");
    // Upgraded WebSockets outlive axum's graceful shutdown, so they are told separately and
    // waited for (bounded) before the indexer and the database they use are stopped.
    let closing = app.clone();
    let shutdown = async move {
        shutdown.await;
        closing.shut_down();
    };
    let limits = crate::http::limits::ServeLimits {
        header_read_timeout: config.limits.header_read_timeout,
        max_connections: config.limits.max_connections,
        max_connections_per_client: config.limits.max_connections_per_client,
        shutdown_drain: config.limits.shutdown_drain,
        trusted_proxies: Arc::new(config.limits.trusted_proxies.clone()),
    };
    let result = crate::http::limits::serve(listener, router, limits, shutdown).await;
    app.connections_closed(SOCKETS_CLOSE_WITHIN).await;
    stop_mail.send_replace(true);
    if let Some(mut task) = mail_task {
        // A send in progress gets a moment to finish; one cut off is claimed again when its
        // lease ends (sent at least once), and the task is gone before the database closes.
        if tokio::time::timeout(SOCKETS_CLOSE_WITHIN, &mut task)
            .await
            .is_err()
        {
            task.abort();
            tracing::warn!("e-mail sender stopped mid-send; that notice is sent again later");
        }
    }
    indexer.stop();
    if let Err(e) = indexer_task.await {
        tracing::error!(error = %e, "indexer task failed");
    }
    let _ = position_task.await;
    store.close().await;
    result.map_err(ServeError::Serve)
}

/// How long open WebSockets get to close at shutdown before the server stops regardless.
const SOCKETS_CLOSE_WITHIN: std::time::Duration = std::time::Duration::from_secs(5);

/// The incentive rules of `path`, or the built-in ones; the only place a rules file is read.
pub fn load_rules(path: Option<&Path>) -> Result<Arc<Rules>, ServeError> {
    let rules = match path {
        None => Rules::builtin().clone(),
        Some(path) => {
            let shown = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|source| ServeError::RulesRead {
                path: shown.clone(),
                source,
            })?;
            Rules::from_json(&text).map_err(|source| ServeError::Rules {
                path: shown,
                source,
            })?
        }
    };
    tracing::info!(
        version = rules.version(),
        effective = %rules.effective_date(),
        file = %path.map_or("built-in".into(), |p| p.display().to_string()),
        "incentive rules loaded"
    );
    Ok(Arc::new(rules))
}

/// A progress line on standard error at every tenth of a rebuild.
fn log_progress(done: u64, total: u64) {
    let step = (total / 10).max(1);
    if done == 0 || done == total || done / step != done.saturating_sub(1_000) / step {
        eprintln!("search index: rebuilding from the database, {done}/{total} profiles");
    }
}

/// Resolves on Ctrl-C or SIGTERM, whichever comes first.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
