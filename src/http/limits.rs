//! Bounds at the HTTP level, so a client cannot hold the server's connections, memory or
//! workers (issue 12).
//!
//! - [`serve`]: our own accept loop over hyper's HTTP/1 server (axum's `serve` has no timeouts).
//!   A connection must send a complete request head within `--header-read-timeout`, counted
//!   from the moment the server waits for it, so the same bound closes slowloris heads and idle
//!   keep-alive connections. At most `--max-connections` are open; one more is answered 503
//!   with `Retry-After` and closed; at most `--max-connections-per-client` of one address
//!   (IPv6 per /64), one more answered 429 and closed, so one address cannot take them all
//!   (QA: 1,100 idle sockets from one address made the site answer 503 to everyone else for
//!   as long as it kept them open). At shutdown every connection is told to finish its current
//!   request, and the drain is bounded by `--shutdown-drain`.
//! - [`in_flight`]: at most `--max-in-flight-per-client` requests of one address run at once;
//!   its further requests wait their turn (FIFO) without holding anything else, so one client
//!   with many connections (an attacker's loop, a script) gets a client's share of the server
//!   and not a share per connection. Then at most `--max-in-flight` requests run at once in all;
//!   past that, 503 + `Retry-After` at once instead of a growing queue. Health checks are
//!   exempt, so an overloaded server is not mistaken for a dead one.
//! - [`Refusals`]: an address whose requests keep being refused (QUERY_TOO_COMPLEX, or
//!   RATE_LIMITED for its own attempts, not for a saturated server) more than
//!   `--refusals-before-hold` times a minute has its further requests held before they run,
//!   10 ms doubling per refusal up to 2 s, inside its own turn.
//!   Refusing is cheap but not free: an attacker looping on fragment bombs and wrong passwords
//!   as fast as the refusals come back sent 600 requests a second in `bench load` and took
//!   CPU the ordinary users' p99 needed. Held, it gets `max-in-flight-per-client` requests per
//!   hold. The hold delays, it never refuses: a request held still runs and gets its own answer.
//! - [`body_limit`]: a request whose `Content-Length` is over `--max-body-bytes` is refused
//!   with 413 before any byte of the body is read; bodies without a length are bounded where
//!   they are read, within `--body-read-timeout` (408 past it) on every route
//!   (`graphql::read_body`).

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;

use super::graphql::Refusal;
pub(crate) use crate::service::throttle::address_key as key;

/// What [`serve`] needs of the configuration.
#[derive(Debug, Clone)]
pub struct ServeLimits {
    pub header_read_timeout: Duration,
    pub max_connections: usize,
    /// Per client address (IPv6 per /64); 0: no bound. Trusted proxies are not counted.
    pub max_connections_per_client: usize,
    pub shutdown_drain: Duration,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Arc<Vec<IpAddr>>,
}

/// The client a request comes from: the connection's peer, or, when the peer is a trusted
/// proxy, the rightmost address of `X-Forwarded-For` that is not itself a trusted proxy (the
/// left part of the header is whatever the client sent, so it is not believed).
pub fn client_addr(
    peer: SocketAddr,
    headers: &axum::http::HeaderMap,
    trusted: &[IpAddr],
) -> SocketAddr {
    if !trusted.contains(&peer.ip()) {
        return peer;
    }
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    forwarded
        .iter()
        .rev()
        .filter_map(|a| a.parse::<IpAddr>().ok())
        .find(|ip| !trusted.contains(ip))
        .map_or(peer, |ip| SocketAddr::new(ip, 0))
}

/// Seconds a refused client is asked to wait.
const RETRY_AFTER_SECS: u64 = 1;

/// Serves `router` on `listener` until `shutdown` resolves, then drains open connections for at
/// most `limits.shutdown_drain` before dropping them.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ServeLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let per_peer = Arc::new(PerPeer {
        max: limits.max_connections_per_client,
        open: Mutex::new(HashMap::new()),
    });
    let (closing, closing_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            // Reap finished connections so the set does not grow.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(pair) => pair,
                    Err(e) => {
                        // Out of file descriptors and the like: back off instead of spinning.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                // The address's own bound first: one address over it is refused without taking
                // a slot of the others.
                let peer_slot = if limits.trusted_proxies.contains(&peer.ip()) {
                    None
                } else {
                    match per_peer.take(peer.ip()) {
                        Ok(held) => held,
                        Err(()) => {
                            connections.spawn(refuse_connection(stream, ConnectionRefused::ThisClient));
                            continue;
                        }
                    }
                };
                let Ok(slot) = slots.clone().try_acquire_owned() else {
                    connections.spawn(refuse_connection(stream, ConnectionRefused::Everyone));
                    continue;
                };
                let router = router.clone();
                let mut closing = closing_rx.clone();
                let trusted = limits.trusted_proxies.clone();
                let header_read_timeout = limits.header_read_timeout;
                connections.spawn(async move {
                    let _slot = (slot, peer_slot);
                    let service = hyper::service::service_fn(move |mut request: Request<hyper::body::Incoming>| {
                        let client = client_addr(peer, request.headers(), &trusted);
                        request.extensions_mut().insert(ConnectInfo(client));
                        let mut router = router.clone();
                        async move {
                            let request = request.map(axum::body::Body::new);
                            tower_service::Service::call(&mut router, request).await
                        }
                    });
                    let connection = hyper::server::conn::http1::Builder::new()
                        .timer(TokioTimer::new())
                        .header_read_timeout(header_read_timeout)
                        .serve_connection(TokioIo::new(stream), service)
                        .with_upgrades();
                    tokio::pin!(connection);
                    tokio::select! {
                        result = connection.as_mut() => log_end(result),
                        _ = closing.changed() => {
                            connection.as_mut().graceful_shutdown();
                            log_end(connection.await);
                        }
                    }
                });
            }
        }
    }
    drop(listener);
    let _ = closing.send(true);
    let open = connections.len();
    let drained = tokio::time::timeout(limits.shutdown_drain, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            open,
            drain = ?limits.shutdown_drain,
            "connections still busy after the drain; closing them"
        );
        connections.abort_all();
    }
    Ok(())
}

fn log_end(result: Result<(), hyper::Error>) {
    if let Err(e) = result {
        // Timeouts and clients that hang up are routine; nothing to act on.
        tracing::debug!(error = %e, "connection ended");
    }
}

/// Open connections per client address, for `--max-connections-per-client`.
struct PerPeer {
    max: usize,
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One open connection of an address; counted until dropped (with its connection, or at its
/// upgrade to a WebSocket, which has bounds of its own).
struct PeerSlot {
    peers: Arc<PerPeer>,
    key: IpAddr,
}

impl PerPeer {
    /// A slot for a connection from `ip`: `Ok(None)` when the bound is off, `Err` when the
    /// address has its share open already.
    fn take(self: &Arc<Self>, ip: IpAddr) -> Result<Option<PeerSlot>, ()> {
        if self.max == 0 {
            return Ok(None);
        }
        let key = key(ip);
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let n = open.entry(key).or_insert(0);
        if *n >= self.max {
            return Err(());
        }
        *n += 1;
        Ok(Some(PeerSlot {
            peers: self.clone(),
            key,
        }))
    }
}

impl Drop for PeerSlot {
    fn drop(&mut self) {
        let mut open = self.peers.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = open.get_mut(&self.key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.key);
            }
        }
    }
}

/// Why a connection is refused before its request is read.
#[derive(Debug, Clone, Copy)]
enum ConnectionRefused {
    /// `--max-connections`: the server is full.
    Everyone,
    /// `--max-connections-per-client`: this address has its share open.
    ThisClient,
}

/// Answers a connection over a bound (503 when the server is full, 429 when its address has
/// its share) and closes it, without reading its request.
async fn refuse_connection(mut stream: TcpStream, why: ConnectionRefused) {
    let (status, code, message) = match why {
        ConnectionRefused::Everyone => (
            "503 Service Unavailable",
            "SERVICE_UNAVAILABLE",
            "too many open connections; retry shortly",
        ),
        ConnectionRefused::ThisClient => (
            "429 Too Many Requests",
            "RATE_LIMITED",
            "too many open connections from this address; close some and retry",
        ),
    };
    let body =
        format!(r#"{{"errors":[{{"message":"{message}","extensions":{{"code":"{code}"}}}}]}}"#);
    let answer = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json; charset=utf-8\r\n\
         retry-after: {RETRY_AFTER_SECS}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        let _ = stream.write_all(answer.as_bytes()).await;
        let _ = stream.shutdown().await;
    })
    .await;
}

/// The in-flight bounds' state: one permit per running request, in all and per address.
#[derive(Clone)]
pub struct InFlight {
    pub all: Arc<Semaphore>,
    per_client: Arc<PerClient>,
    refusals: Arc<Refusals>,
}

impl InFlight {
    pub fn new(max: usize, max_per_client: usize, refusals_before_hold: u32) -> Self {
        InFlight {
            all: Arc::new(Semaphore::new(max.max(1))),
            per_client: Arc::new(PerClient {
                limit: max_per_client.max(1),
                queues: Mutex::new(HashMap::new()),
            }),
            refusals: Arc::new(Refusals::new(refusals_before_hold)),
        }
    }

    /// Requests running now (for `/metrics`).
    pub fn running(&self, max: usize) -> usize {
        max.saturating_sub(self.all.available_permits())
    }
}

/// What a request or an operation turned away by `--max-in-flight` is told.
pub const FULL: &str = "the server is at its limit of requests in flight; retry shortly";

/// A running operation's share of the in-flight bounds when it is no request of its own (an
/// operation on a WebSocket): its address's turn and a slot of the whole, freed when dropped.
pub struct Slot {
    _turn: Option<ClientTurn>,
    _all: tokio::sync::OwnedSemaphorePermit,
}

impl InFlight {
    /// Waits for `ip`'s turn, as a request does, then takes a slot of the whole; `None` when
    /// the server is at its limit (a request would get 503).
    pub async fn slot(&self, ip: Option<IpAddr>) -> Option<Slot> {
        let turn = match ip {
            Some(ip) => self.per_client.turn(ip).await,
            None => None,
        };
        let all = self.all.clone().try_acquire_owned().ok()?;
        Some(Slot {
            _turn: turn,
            _all: all,
        })
    }
}

/// One semaphore per address with requests running or waiting; an address leaves the map when
/// its last request ends, so the map holds only the addresses active now.
struct PerClient {
    limit: usize,
    queues: Mutex<HashMap<IpAddr, Arc<Semaphore>>>,
}

/// A running request's place in its address's queue; frees it (and the address's entry when it
/// was the last) when the request ends or is dropped.
struct ClientTurn {
    permit: Option<OwnedSemaphorePermit>,
    queue: Arc<Semaphore>,
    ip: IpAddr,
    owner: Arc<PerClient>,
}

impl Drop for ClientTurn {
    fn drop(&mut self) {
        drop(self.permit.take());
        let mut queues = self.owner.queues.lock().unwrap_or_else(|e| e.into_inner());
        // Ours and the map's: nobody else runs or waits for this address.
        if Arc::strong_count(&self.queue) == 2 {
            queues.remove(&self.ip);
        }
    }
}

impl PerClient {
    async fn turn(self: &Arc<Self>, ip: IpAddr) -> Option<ClientTurn> {
        let queue = {
            let mut queues = self.queues.lock().unwrap_or_else(|e| e.into_inner());
            queues
                .entry(ip)
                .or_insert_with(|| Arc::new(Semaphore::new(self.limit)))
                .clone()
        };
        let mut turn = ClientTurn {
            permit: None,
            queue: queue.clone(),
            ip,
            owner: self.clone(),
        };
        // The semaphore is never closed; `None` only if it were.
        turn.permit = Some(queue.acquire_owned().await.ok()?);
        Some(turn)
    }
}

/// Marks a response as a refusal that counts against its address (see [`Refusals`]): set by the
/// GraphQL handler for QUERY_TOO_COMPLEX and for RATE_LIMITED of the client's own attempts
/// (log-in failures, sign-ups, writes), and by the pages for the latter. A saturated server's
/// refusal (`SERVER_BUSY`: a full queue of rankings or hashes) is not the client's doing and is
/// not marked.
#[derive(Clone, Copy, Debug)]
pub struct Refused;

/// The count of an address's refusals drains at `before_hold` per this long: "more than N a
/// minute" is what holds it, and a client refused now and then never is.
const REFUSAL_WINDOW: Duration = Duration::from_secs(60);
/// The first hold, doubled per further refusal.
const FIRST_HOLD: Duration = Duration::from_millis(10);
/// The longest hold: well under the request timeout, so a held request still completes.
const MAX_HOLD: Duration = Duration::from_secs(2);
/// Addresses remembered at most. Past it, drained ones are forgotten (at most once a second,
/// so a flood of new addresses cannot make every refusal sweep the map); if none has drained,
/// new addresses are not counted (the in-flight bounds still hold them).
const MAX_REFUSING_ADDRESSES: usize = 65_536;

/// Recent refusals per address, kept in memory: what they protect is this process's CPU, so a
/// count per replica is the right one (unlike the log-in limits, which are in the database).
/// IPv6 addresses count per /64, the block one subscriber gets.
pub struct Refusals {
    before_hold: u32,
    state: Mutex<RefusalState>,
}

struct RefusalState {
    /// Per address: the count as of the instant, before draining since.
    counts: HashMap<IpAddr, (f64, std::time::Instant)>,
    last_sweep: Option<std::time::Instant>,
}

impl Refusals {
    pub fn new(before_hold: u32) -> Self {
        Refusals {
            before_hold,
            state: Mutex::new(RefusalState {
                counts: HashMap::new(),
                last_sweep: None,
            }),
        }
    }

    /// Refusals drained per second.
    fn drain(&self) -> f64 {
        f64::from(self.before_hold) / REFUSAL_WINDOW.as_secs_f64()
    }

    fn now_count(&self, (count, at): (f64, std::time::Instant), now: std::time::Instant) -> f64 {
        (count - now.duration_since(at).as_secs_f64() * self.drain()).max(0.0)
    }

    /// How long the next request of `ip` is held: zero until its count is over `before_hold`,
    /// then 10 ms doubling per refusal past it, up to 2 s.
    pub fn hold(&self, ip: IpAddr) -> Duration {
        if self.before_hold == 0 {
            return Duration::ZERO;
        }
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let Some(entry) = state.counts.get(&key(ip)) else {
            return Duration::ZERO;
        };
        let excess =
            self.now_count(*entry, std::time::Instant::now()) - f64::from(self.before_hold);
        if excess <= 0.0 {
            return Duration::ZERO;
        }
        let doublings = (excess.ceil() as u32).saturating_sub(1).min(16);
        FIRST_HOLD.saturating_mul(1 << doublings).min(MAX_HOLD)
    }

    /// Counts one refusal of `ip`.
    pub fn refused(&self, ip: IpAddr) {
        if self.before_hold == 0 {
            return;
        }
        let now = std::time::Instant::now();
        let ip = key(ip);
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.counts.len() >= MAX_REFUSING_ADDRESSES && !state.counts.contains_key(&ip) {
            if state
                .last_sweep
                .is_some_and(|t| now.duration_since(t) < Duration::from_secs(1))
            {
                return;
            }
            state.last_sweep = Some(now);
            let drained: Vec<IpAddr> = state
                .counts
                .iter()
                .filter(|(_, e)| self.now_count(**e, now) == 0.0)
                .map(|(ip, _)| *ip)
                .collect();
            for ip in drained {
                state.counts.remove(&ip);
            }
            if state.counts.len() >= MAX_REFUSING_ADDRESSES {
                return;
            }
        }
        let count = state
            .counts
            .get(&ip)
            .map_or(0.0, |e| self.now_count(*e, now));
        state.counts.insert(ip, (count + 1.0, now));
    }
}

/// Paths exempt from the in-flight bound (liveness and readiness probes).
fn is_probe(path: &str) -> bool {
    matches!(path, "/healthz" | "/readyz")
}

/// Middleware: waits for the address's turn, then runs the request if a slot is free, else 503
/// + `Retry-After` at once.
pub async fn in_flight(State(slots): State<InFlight>, request: Request, next: Next) -> Response {
    if is_probe(request.uri().path()) {
        return next.run(request).await;
    }
    let ip = peer(request.extensions()).map(|addr| addr.ip());
    let _turn = match ip {
        Some(ip) => slots.per_client.turn(ip).await,
        None => None,
    };
    // Held inside the address's own turn, so only its own further requests wait behind it.
    if let Some(ip) = ip {
        let hold = slots.refusals.hold(ip);
        if !hold.is_zero() {
            tracing::debug!(%ip, ?hold, "holding a request of an address that keeps being refused");
            tokio::time::sleep(hold).await;
        }
    }
    let answer = match slots.all.try_acquire() {
        Ok(_permit) => next.run(request).await,
        Err(_) => busy(FULL),
    };
    if let Some(ip) = ip {
        if answer.extensions().get::<Refused>().is_some() {
            slots.refusals.refused(ip);
        }
    }
    answer
}

/// 503 with `Retry-After`, as a GraphQL-shaped JSON body.
pub fn busy(message: &str) -> Response {
    let mut answer = Refusal::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "SERVICE_UNAVAILABLE",
        message,
    )
    .into_response();
    answer
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
    answer
}

/// The CORS allow-list (exact origins, compared case-insensitively).
#[derive(Clone)]
pub struct Cors(pub Arc<Vec<String>>);

/// Middleware: CORS for the allowed origins only. A preflight (`OPTIONS` with
/// `Access-Control-Request-Method`) from an allowed origin is answered 204 here; any other
/// origin gets no CORS header at all, so the browser refuses to hand it the answer.
pub async fn cors(State(cors): State<Cors>, request: Request, next: Next) -> Response {
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|o| {
            cors.0
                .iter()
                .any(|a| a.eq_ignore_ascii_case(o.trim_end_matches('/')))
        })
        .and_then(|o| HeaderValue::from_str(o).ok());
    let Some(origin) = origin else {
        return next.run(request).await;
    };
    let preflight = request.method() == axum::http::Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut answer = if preflight {
        let mut answer = StatusCode::NO_CONTENT.into_response();
        let headers = answer.headers_mut();
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST"),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("authorization, content-type, accept"),
        );
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
        answer
    } else {
        next.run(request).await
    };
    let headers = answer.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.append(header::VARY, HeaderValue::from_static("origin"));
    answer
}

/// The body bounds' state: the largest body, and how long it may take to arrive.
#[derive(Clone, Copy)]
pub struct BodyLimit {
    pub max_bytes: usize,
    pub read_timeout: Duration,
}

/// Middleware: refuses a declared body over the limit with 413 before reading it; reads any
/// other body of a route but `/graphql` (which reads its own, to answer in GraphQL terms)
/// within `--body-read-timeout`, 408 past it. Handlers took their form bodies with axum's
/// extractor, which waits as long as the client likes: a body that never came held the
/// address's turn and a server-wide slot for ever.
pub async fn body_limit(State(limit): State<BodyLimit>, request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit.max_bytes as u64) {
        return Refusal::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            format!("the request body is over {} bytes", limit.max_bytes),
        )
        .into_response();
    }
    let bodiless = matches!(
        *request.method(),
        axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS
    );
    if bodiless || request.uri().path() == super::graphql::GRAPHQL_PATH || declared == Some(0) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    match super::graphql::read_body(body, limit.max_bytes, limit.read_timeout).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
                .await
        }
        Err(refusal) => refusal.into_response(),
    }
}

/// The client address of a request served by [`serve`] (see [`client_addr`]; absent under
/// other servers, e.g. tests that drive the router directly).
pub fn peer(request_extensions: &axum::http::Extensions) -> Option<SocketAddr> {
    request_extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_hold_an_address_after_its_free_ones_doubling_up_to_the_cap() {
        let r = Refusals::new(2);
        let (a, b): (IpAddr, IpAddr) = ("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap());
        let holds: Vec<Duration> = (0..14)
            .map(|_| {
                r.refused(a);
                r.hold(a)
            })
            .collect();
        // Two refusals leave the next request alone; more than two hold it.
        assert_eq!(holds[..2], [Duration::ZERO; 2]);
        assert_eq!(holds[2], FIRST_HOLD);
        assert_eq!(holds[3], FIRST_HOLD * 2);
        assert_eq!(holds[4], FIRST_HOLD * 4);
        assert_eq!(holds[13], MAX_HOLD, "capped");
        assert_eq!(r.hold(b), Duration::ZERO, "per address");
        // IPv6 counts per /64: another address of the same block is held too.
        let (c, d): (IpAddr, IpAddr) = (
            "2001:db8::1".parse().unwrap(),
            "2001:db8::2".parse().unwrap(),
        );
        for _ in 0..5 {
            r.refused(c);
        }
        assert!(r.hold(d) > Duration::ZERO);
        assert_eq!(r.hold("2001:db8:0:1::1".parse().unwrap()), Duration::ZERO);
        // Off when configured so.
        let off = Refusals::new(0);
        for _ in 0..100 {
            off.refused(a);
        }
        assert_eq!(off.hold(a), Duration::ZERO);
    }

    #[test]
    fn forwarded_for_is_believed_from_trusted_proxies_only() {
        let proxy: IpAddr = "10.0.0.5".parse().unwrap();
        let peer = SocketAddr::new(proxy, 5000);
        let mut h = axum::http::HeaderMap::new();
        h.insert("x-forwarded-for", "6.6.6.6, 203.0.113.9".parse().unwrap());
        // From the proxy: the rightmost address the proxy added.
        assert_eq!(
            client_addr(peer, &h, &[proxy]).ip().to_string(),
            "203.0.113.9"
        );
        // From anyone else: the header is ignored.
        let stranger = SocketAddr::new("198.51.100.1".parse().unwrap(), 5000);
        assert_eq!(client_addr(stranger, &h, &[proxy]), stranger);
        // A chain of trusted proxies is skipped; no header keeps the peer.
        let inner: IpAddr = "10.0.0.6".parse().unwrap();
        h.insert("x-forwarded-for", "203.0.113.9, 10.0.0.6".parse().unwrap());
        assert_eq!(
            client_addr(peer, &h, &[proxy, inner]).ip().to_string(),
            "203.0.113.9"
        );
        assert_eq!(
            client_addr(peer, &axum::http::HeaderMap::new(), &[proxy]),
            peer
        );
    }
}
