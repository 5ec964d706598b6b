//! GraphQL over WebSocket at `GET /graphql`: the `graphql-transport-ws` protocol of
//! enisdenjo/graphql-ws (`PROTOCOL.md`), the one GraphiQL, Apollo Client, urql and Relay speak.
//!
//! One task per socket reads client messages, runs each operation as a task of its own and is
//! the only writer to the socket, so the order `next`… then `complete` (or `error`) per
//! operation holds and nothing is sent for an operation the client has completed.
//!
//! ## The protocol as served here
//! - `connection_init` within `--ws-init-timeout` / `KHKR_WS_INIT_TIMEOUT` (default 10 s),
//!   else close **4408** `Connection initialisation timeout`; a second one closes **4429**
//!   `Too many initialisation requests`. Its payload may carry `{"Authorization": "Bearer <token>"}` (or
//!   `authorization`); no payload or no key means an anonymous connection. A token the store
//!   refuses (unknown, expired, revoked, not `Bearer`) closes **4403** `Forbidden`; a store
//!   failure closes **4500** (the reference implementation's internal-error code).
//! - `subscribe` before `connection_ack` closes **4401** `Unauthorized`; with an id already
//!   running (of any operation type, as the current protocol text says) closes **4409**
//!   `Subscriber for <id> already exists`. An id is free again once its operation completed.
//! - Every `subscribe` rebuilds the viewer from the token, exactly as an HTTP request does
//!   (`viewer_for`): a token revoked anywhere, even by another replica, fails the next
//!   operation with **4403**, and the viewer sees the profiles and connections of that moment.
//! - Queries and mutations run with `Schema::execute` (with the per-operation index snapshot of
//!   the HTTP path) and answer `next` then `complete`; subscriptions run with
//!   `Schema::execute_stream` and answer `next` per event then `complete` when the stream ends.
//!   A request that fails before execution (syntax, validation, variables: `data` null and no
//!   error with a path) or a subscription that cannot start (`data` null in its first result,
//!   e.g. an anonymous `pipelineEvents`) answers a single `error` instead, with the same
//!   `extensions.code`s as HTTP.
//! - `complete` from the client stops that operation (its stream is dropped); unknown ids are
//!   ignored, as the protocol allows. `ping` is answered by `pong` at any time; `pong` is
//!   ignored.
//! - Anything else (not JSON, unknown `type`, missing or mistyped fields, a server-only type,
//!   binary frames that are not UTF-8 JSON) closes **4400** with a short reason.
//!
//! ## Decisions the protocol leaves open
//! - **Subprotocol.** Only `graphql-transport-ws` is accepted. The legacy `graphql-ws` of
//!   subscriptions-transport-ws is deprecated upstream and has other messages. `PROTOCOL.md`
//!   does not say what to do when the client offers no supported subprotocol; the reference
//!   server (graphql-ws `makeServer`) accepts the handshake and closes at once with **4406**
//!   `Subprotocol not acceptable`, and so do we: a browser then sees a close code that says
//!   why, rather than an opaque failed handshake.
//! - **Bounds per socket.** At most [`MAX_OPERATIONS`] operations run at once; one more is
//!   refused with an `error` message (`extensions.code` `TOO_MANY_OPERATIONS`) rather than a
//!   closed socket, so the running subscriptions of a client that overshoots keep working. A
//!   message larger than [`MAX_MESSAGE_BYTES`] closes the socket with **1009** (Message Too
//!   Big). A client that stops reading for [`WRITE_TIMEOUT`] is dropped.
//! - **Revocation.** `logOut` and `revokeApiKey` announce the revocation through
//!   [`App::revoked`]; each socket that holds a matching token (by hash, or by account for API
//!   keys, whose hash the mutation does not know) re-checks its token in the store and closes
//!   **4403** when it is no longer valid. Its subscriptions end at once; queries and mutations
//!   already running get a moment to answer first (so `logOut` sent over the socket itself is
//!   answered `true` before the close).
//! - **Shutdown.** When the server stops, every socket closes with **1001** (Going Away); the
//!   server waits (at most 5 s) for them before it stops the indexer and closes the database.
//! - **Not done:** no server-initiated keep-alive. A peer that vanishes without a TCP close
//!   (half-open connection) holds its socket until the operating system notices.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::parser::types::OperationType;
use async_graphql::{ErrorExtensions, Request, Response, ServerError, Variables};
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::response::IntoResponse;
use futures_util::{SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tokio::sync::{broadcast, mpsc};
use tokio::task::{AbortHandle, JoinSet};

use crate::api::errors::{classify_engine_errors, ApiError};
use crate::api::ApiSchema;
use crate::app::{App, Revocation};
use crate::domain::account::UserId;
use crate::service::accounts::viewer_for;

/// The only WebSocket subprotocol served.
pub const PROTOCOL: &str = "graphql-transport-ws";
/// Operations one socket may run at once.
pub const MAX_OPERATIONS: usize = 100;
/// The largest message (and frame) a client may send, in bytes: far above any real query or
/// profile mutation, far below what would let one socket exhaust memory.
pub const MAX_MESSAGE_BYTES: usize = 256 * 1024;
/// How long one write to the socket may take before the client is deemed gone.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// After the server's close frame, how long to wait for the client's (so the close frame is
/// not lost to a TCP reset).
const CLOSE_GRACE: Duration = Duration::from_secs(2);
/// How long queries and mutations already running on a socket whose token was just revoked
/// get to deliver their result before the socket closes.
const REVOKED_GRACE: Duration = Duration::from_secs(2);
/// Results of running operations waiting for the socket writer.
const OUTBOX: usize = 64;

/// Close codes: graphql-transport-ws (44xx, 4500) and RFC 6455 (1xxx).
pub mod close {
    pub const GOING_AWAY: u16 = 1001;
    pub const MESSAGE_TOO_BIG: u16 = 1009;
    pub const BAD_REQUEST: u16 = 4400;
    pub const UNAUTHORIZED: u16 = 4401;
    pub const FORBIDDEN: u16 = 4403;
    pub const SUBPROTOCOL_NOT_ACCEPTABLE: u16 = 4406;
    pub const INIT_TIMEOUT: u16 = 4408;
    pub const SUBSCRIBER_EXISTS: u16 = 4409;
    pub const TOO_MANY_INITS: u16 = 4429;
    pub const INTERNAL: u16 = 4500;
}

/// Open WebSockets, in all and per client address (IPv6 per /64). An upgraded connection
/// leaves the HTTP connection count (`--max-connections`), and a socket stays open as long as
/// its client wants, so without a bound of their own one address could open sockets until the
/// process ran out of file descriptors and stopped accepting anyone.
#[derive(Default, Clone)]
pub struct Sockets(Arc<std::sync::Mutex<SocketCount>>);

#[derive(Default)]
struct SocketCount {
    total: usize,
    by_client: HashMap<std::net::IpAddr, usize>,
}

/// One open socket's place in [`Sockets`], given back when the socket ends.
pub struct SocketSlot {
    sockets: Sockets,
    client: Option<std::net::IpAddr>,
}

/// Why a socket was not opened.
#[derive(Debug, PartialEq, Eq)]
pub enum SocketRefusal {
    /// The server holds `--max-websockets` already.
    Full,
    /// This address holds `--max-websockets-per-client` already.
    ClientFull,
}

impl Sockets {
    /// A place for one more socket of `client`, or why there is none.
    pub fn take(
        &self,
        client: Option<std::net::IpAddr>,
        max_total: usize,
        max_per_client: usize,
    ) -> Result<SocketSlot, SocketRefusal> {
        let client = client.map(crate::http::limits::key);
        let mut count = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if count.total >= max_total {
            return Err(SocketRefusal::Full);
        }
        if let Some(ip) = client {
            let mine = count.by_client.entry(ip).or_default();
            if *mine >= max_per_client {
                return Err(SocketRefusal::ClientFull);
            }
            *mine += 1;
        }
        count.total += 1;
        Ok(SocketSlot {
            sockets: self.clone(),
            client,
        })
    }

    /// Sockets open now.
    pub fn open(&self) -> usize {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).total
    }
}

impl Drop for SocketSlot {
    fn drop(&mut self) {
        let mut count = self.sockets.0.lock().unwrap_or_else(|e| e.into_inner());
        count.total = count.total.saturating_sub(1);
        if let Some(ip) = self.client {
            if let Some(mine) = count.by_client.get_mut(&ip) {
                *mine = mine.saturating_sub(1);
                if *mine == 0 {
                    count.by_client.remove(&ip);
                }
            }
        }
    }
}

/// Upgrades `GET /graphql` and serves the socket until either side closes it; past the bounds
/// on open sockets the upgrade is refused with 503 (the server's) or 429 (this address's), and
/// Retry-After, before any socket exists.
pub fn upgrade(
    upgrade: WebSocketUpgrade,
    app: Arc<App>,
    schema: ApiSchema,
    client: Option<std::net::IpAddr>,
    in_flight: crate::http::limits::InFlight,
) -> axum::response::Response {
    use axum::http::{header, StatusCode};
    let slot = match app.sockets.take(
        client,
        app.limits.max_websockets,
        app.limits.max_websockets_per_client,
    ) {
        Ok(slot) => slot,
        Err(refusal) => {
            let (status, text) = match refusal {
                SocketRefusal::Full => (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the server holds as many WebSockets as it serves; try again later",
                ),
                SocketRefusal::ClientFull => (
                    StatusCode::TOO_MANY_REQUESTS,
                    "this address has as many WebSockets open as one client may; close one first",
                ),
            };
            tracing::debug!(?refusal, "WebSocket refused");
            return (status, [(header::RETRY_AFTER, "5")], text).into_response();
        }
    };
    let upgrade = upgrade
        .protocols([PROTOCOL])
        .max_message_size(MAX_MESSAGE_BYTES)
        .max_frame_size(MAX_MESSAGE_BYTES);
    let agreed = upgrade.selected_protocol().is_some();
    upgrade
        .on_upgrade(move |mut socket| async move {
            let _slot = slot;
            if agreed {
                Connection::new(app, schema, client, in_flight)
                    .run(socket)
                    .await;
            } else {
                let reason = Close::new(
                    close::SUBPROTOCOL_NOT_ACCEPTABLE,
                    "Subprotocol not acceptable",
                );
                say_goodbye(&mut socket, reason).await;
            }
        })
        .into_response()
}

/// Messages a client may send.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ClientMessage {
    ConnectionInit {
        #[serde(default)]
        payload: Option<serde_json::Value>,
    },
    Ping {},
    Pong {},
    Subscribe {
        id: String,
        payload: SubscribePayload,
    },
    Complete {
        id: String,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SubscribePayload {
    query: String,
    #[serde(default)]
    operation_name: Option<String>,
    #[serde(default)]
    variables: Option<serde_json::Map<String, serde_json::Value>>,
}

/// Messages the server sends.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ServerMessage<'a> {
    ConnectionAck,
    Pong,
    Next {
        id: &'a str,
        payload: &'a Response,
    },
    Error {
        id: &'a str,
        payload: &'a [ServerError],
    },
    Complete {
        id: &'a str,
    },
}

/// Why the server closes a socket.
#[derive(Debug)]
struct Close {
    code: u16,
    reason: String,
}

impl Close {
    fn new(code: u16, reason: impl Into<String>) -> Self {
        let mut reason = reason.into();
        // A close frame's reason is at most 123 bytes (RFC 6455 §5.5); cut on a char boundary.
        if reason.len() > 123 {
            let mut end = 120;
            while !reason.is_char_boundary(end) {
                end -= 1;
            }
            reason.truncate(end);
            reason.push_str("...");
        }
        Close { code, reason }
    }
}

/// What the socket does next: go on, close with a reason, or stop (the client is gone).
type Step = Result<(), Ending>;

enum Ending {
    Close(Close),
    Gone,
}

impl From<Close> for Ending {
    fn from(c: Close) -> Self {
        Ending::Close(c)
    }
}

/// How an operation task ended.
enum Outcome {
    /// A query's or mutation's one result: `next`, then `complete`.
    Result(Response),
    /// A stream ended (its `next` messages went through the outbox before).
    Complete,
    /// It could not start: `error`.
    Error(Vec<ServerError>),
}

/// A result of a running operation, for the socket writer.
struct Next {
    id: String,
    generation: u64,
    response: Response,
}

struct Finished {
    id: String,
    generation: u64,
    outcome: Outcome,
}

/// A running operation: which task, and which incarnation of the id (a completed id may be
/// reused at once, while the old task's last messages are still on their way).
struct Running {
    generation: u64,
    task: AbortHandle,
    /// A subscription (as opposed to a query or mutation, which ends by itself).
    streaming: bool,
}

/// Who the connection speaks for, once acknowledged.
struct Session {
    /// The `Authorization` value of `connection_init`, to rebuild the viewer per operation.
    authorization: Option<String>,
    /// SHA-256 of the token and its account: whose revocations concern this socket.
    token: Option<(String, UserId)>,
}

struct Connection {
    app: Arc<App>,
    schema: ApiSchema,
    /// The peer's address: every operation's viewer carries it, so the per-address limits
    /// hold on a socket as they do over HTTP.
    client: Option<std::net::IpAddr>,
    /// The bounds on requests in flight, which each query and mutation on the socket takes its
    /// share of as a request does (QA, an attacker: sixteen heavy searches on one socket ran
    /// at once, outside the four an address may run, and `{__typename}` from elsewhere took
    /// 4.8 s).
    in_flight: crate::http::limits::InFlight,
    init_received: bool,
    session: Option<Session>,
    running: HashMap<String, Running>,
    tasks: JoinSet<Finished>,
    generation: u64,
    outbox_tx: mpsc::Sender<Next>,
    outbox: mpsc::Receiver<Next>,
}

/// What woke the socket task.
enum Event {
    ShuttingDown,
    InitTimeout,
    Revocation(Result<Revocation, broadcast::error::RecvError>),
    Next(Next),
    Finished(Result<Finished, tokio::task::JoinError>),
    Incoming(Option<Result<Message, axum::Error>>),
}

impl Connection {
    fn new(
        app: Arc<App>,
        schema: ApiSchema,
        client: Option<std::net::IpAddr>,
        in_flight: crate::http::limits::InFlight,
    ) -> Self {
        let (outbox_tx, outbox) = mpsc::channel(OUTBOX);
        Connection {
            app,
            schema,
            client,
            in_flight,
            init_received: false,
            session: None,
            running: HashMap::new(),
            tasks: JoinSet::new(),
            generation: 0,
            outbox_tx,
            outbox,
        }
    }

    async fn run(mut self, mut socket: WebSocket) {
        // Subscribed first, so no revocation or shutdown between the checks below is missed.
        let mut revocations = self.app.revocations.subscribe();
        let mut shutting_down = self.app.shutting_down.subscribe();
        let init_deadline = tokio::time::sleep(self.app.ws_init_timeout);
        tokio::pin!(init_deadline);
        let ending = loop {
            let signed_in = self.session.as_ref().is_some_and(|s| s.token.is_some());
            let event = tokio::select! {
                biased;
                _ = shutting_down.wait_for(|stop| *stop) => Event::ShuttingDown,
                _ = &mut init_deadline, if self.session.is_none() => Event::InitTimeout,
                r = revocations.recv(), if signed_in => Event::Revocation(r),
                Some(finished) = self.tasks.join_next(), if !self.tasks.is_empty() => {
                    Event::Finished(finished)
                }
                Some(next) = self.outbox.recv() => Event::Next(next),
                incoming = socket.recv() => Event::Incoming(incoming),
            };
            let step = match event {
                Event::ShuttingDown => {
                    Err(Close::new(close::GOING_AWAY, "Server shutting down").into())
                }
                Event::InitTimeout => {
                    Err(Close::new(close::INIT_TIMEOUT, "Connection initialisation timeout").into())
                }
                Event::Revocation(r) => self.on_revocation(&mut socket, r).await,
                Event::Next(next) => self.forward(&mut socket, next).await,
                Event::Finished(finished) => self.on_finished(&mut socket, finished).await,
                Event::Incoming(None) => Err(Ending::Gone),
                Event::Incoming(Some(Err(e))) => Err(read_failure(e)),
                Event::Incoming(Some(Ok(message))) => self.on_message(&mut socket, message).await,
            };
            let step = match step {
                Ok(()) => flush(&mut socket).await,
                ending => ending,
            };
            if let Err(ending) = step {
                break ending;
            }
        };
        // Stop every operation before saying goodbye: nothing may run for a closed socket.
        self.tasks.shutdown().await;
        if let Ending::Close(reason) = ending {
            tracing::debug!(code = reason.code, reason = %reason.reason, "closing WebSocket");
            say_goodbye(&mut socket, reason).await;
        }
    }

    async fn on_message(&mut self, socket: &mut WebSocket, message: Message) -> Step {
        let text = match &message {
            Message::Text(t) => t.as_str(),
            // The reference server reads binary frames as text too.
            Message::Binary(b) => std::str::from_utf8(b)
                .map_err(|_| Close::new(close::BAD_REQUEST, "Invalid message: not UTF-8 text"))?,
            // Control frames: axum answers pings itself.
            Message::Ping(_) | Message::Pong(_) => return Ok(()),
            Message::Close(_) => return Err(Ending::Gone),
        };
        let parsed: ClientMessage = serde_json::from_str(text)
            .map_err(|e| Close::new(close::BAD_REQUEST, format!("Invalid message: {e}")))?;
        match parsed {
            ClientMessage::ConnectionInit { payload } => self.on_init(socket, payload).await,
            ClientMessage::Ping {} => send(socket, &ServerMessage::Pong).await,
            ClientMessage::Pong {} => Ok(()),
            ClientMessage::Subscribe { id, payload } => {
                self.on_subscribe(socket, id, payload).await
            }
            ClientMessage::Complete { id } => {
                if let Some(op) = self.running.remove(&id) {
                    op.task.abort();
                }
                Ok(())
            }
        }
    }

    async fn on_init(
        &mut self,
        socket: &mut WebSocket,
        payload: Option<serde_json::Value>,
    ) -> Step {
        if self.init_received {
            return Err(
                Close::new(close::TOO_MANY_INITS, "Too many initialisation requests").into(),
            );
        }
        self.init_received = true;
        let authorization = match payload {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::Object(mut fields)) => {
                match fields
                    .remove("Authorization")
                    .or_else(|| fields.remove("authorization"))
                {
                    None | Some(serde_json::Value::Null) => None,
                    Some(serde_json::Value::String(s)) => Some(s),
                    Some(_) => {
                        return Err(Close::new(
                            close::BAD_REQUEST,
                            "Invalid message: Authorization must be a string",
                        )
                        .into())
                    }
                }
            }
            Some(_) => {
                return Err(Close::new(
                    close::BAD_REQUEST,
                    "Invalid message: the connection_init payload must be an object",
                )
                .into())
            }
        };
        let viewer = match viewer_for(&self.app, authorization.as_deref()).await {
            Ok(v) => v,
            Err(ApiError::Unauthenticated(_)) => {
                return Err(Close::new(close::FORBIDDEN, "Forbidden").into())
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot check a WebSocket's token");
                return Err(Close::new(close::INTERNAL, "Internal server error").into());
            }
        };
        let token = match (viewer.token_hash.clone(), viewer.user.as_ref()) {
            (Some(hash), Some(user)) => Some((hash, user.id)),
            _ => None,
        };
        self.session = Some(Session {
            authorization,
            token,
        });
        send(socket, &ServerMessage::ConnectionAck).await
    }

    async fn on_subscribe(
        &mut self,
        socket: &mut WebSocket,
        id: String,
        payload: SubscribePayload,
    ) -> Step {
        let Some(session) = &self.session else {
            return Err(Close::new(close::UNAUTHORIZED, "Unauthorized").into());
        };
        if self.running.contains_key(&id) {
            return Err(Close::new(
                close::SUBSCRIBER_EXISTS,
                format!("Subscriber for {id} already exists"),
            )
            .into());
        }
        if self.running.len() >= MAX_OPERATIONS {
            let refusal = coded_error(
                format!("at most {MAX_OPERATIONS} operations may run at once on one connection: complete one first"),
                "TOO_MANY_OPERATIONS",
            );
            return refuse(socket, &id, refusal).await;
        }
        // The token is checked again for every operation, so a revocation made anywhere (even
        // one this server was not told of) takes effect here.
        let viewer = match viewer_for(&self.app, session.authorization.as_deref()).await {
            Ok(v) => v,
            Err(ApiError::Unauthenticated(_)) => {
                return Err(
                    Close::new(close::FORBIDDEN, "Forbidden: the token is no longer valid").into(),
                )
            }
            Err(e) => {
                let error = api_error(&e);
                return refuse(socket, &id, error).await;
            }
        };
        let mut viewer = viewer;
        viewer.client = self.client;
        let mut request = Request::new(payload.query).variables(Variables::from_json(
            serde_json::Value::Object(payload.variables.unwrap_or_default()),
        ));
        if let Some(name) = payload.operation_name {
            request = request.operation_name(name);
        }
        // Before any parse, as over HTTP.
        let max = self.app.limits.max_document_bytes;
        if let Some(error) = crate::api::engine::document_too_large(&request.query, max) {
            return refuse(socket, &id, error).await;
        }
        // The write rate limit, as over HTTP.
        if let Some(root) = mutation_root(&mut request) {
            if let Err(e) = crate::http::graphql::write_allowed(&self.app, &viewer, &root).await {
                return refuse(socket, &id, api_error(&e)).await;
            }
        }
        let mut request = request.data(Arc::new(viewer));
        self.generation += 1;
        let generation = self.generation;
        let schema = self.schema.clone();
        let outbox = self.outbox_tx.clone();
        let task_id = id.clone();
        let streaming = is_subscription(&mut request);
        let task = if streaming {
            self.tasks.spawn(async move {
                let outcome = stream(&schema, request, &task_id, generation, &outbox).await;
                Finished {
                    id: task_id,
                    generation,
                    outcome,
                }
            })
        } else {
            // One index snapshot per operation, as on the HTTP path.
            let request = request.data(self.app.search.searcher());
            let deadline = self.app.limits.request_timeout;
            let max_bytes = self.app.limits.max_response_bytes;
            let (in_flight, client) = (self.in_flight.clone(), self.client);
            self.tasks.spawn(async move {
                // The address's turn first, as over HTTP: its other operations and requests
                // wait, nobody else's do.
                let outcome = match in_flight.slot(client).await {
                    Some(slot) => {
                        let outcome = single(&schema, request, deadline, max_bytes).await;
                        drop(slot);
                        outcome
                    }
                    None => Outcome::Error(vec![coded_error(
                        crate::http::limits::FULL,
                        "SERVICE_UNAVAILABLE",
                    )]),
                };
                Finished {
                    id: task_id,
                    generation,
                    outcome,
                }
            })
        };
        self.running.insert(
            id,
            Running {
                generation,
                task,
                streaming,
            },
        );
        Ok(())
    }

    /// Sends a result on, unless the client completed that operation meanwhile.
    async fn forward(&mut self, socket: &mut WebSocket, next: Next) -> Step {
        if !self.is_current(&next.id, next.generation) {
            return Ok(());
        }
        send(
            socket,
            &ServerMessage::Next {
                id: &next.id,
                payload: &next.response,
            },
        )
        .await
    }

    async fn on_finished(
        &mut self,
        socket: &mut WebSocket,
        finished: Result<Finished, tokio::task::JoinError>,
    ) -> Step {
        // The task put its results in the outbox before it returned: send them first, so
        // `complete` never overtakes the last `next`.
        while let Ok(next) = self.outbox.try_recv() {
            self.forward(socket, next).await?;
        }
        match finished {
            Ok(f) => {
                if !self.is_current(&f.id, f.generation) {
                    return Ok(());
                }
                self.running.remove(&f.id);
                match f.outcome {
                    Outcome::Result(response) => {
                        let id = &f.id;
                        send(
                            socket,
                            &ServerMessage::Next {
                                id,
                                payload: &response,
                            },
                        )
                        .await?;
                        send(socket, &ServerMessage::Complete { id }).await
                    }
                    Outcome::Complete => send(socket, &ServerMessage::Complete { id: &f.id }).await,
                    Outcome::Error(errors) => {
                        send(
                            socket,
                            &ServerMessage::Error {
                                id: &f.id,
                                payload: &errors,
                            },
                        )
                        .await
                    }
                }
            }
            // Aborted by a client's `complete`: already forgotten.
            Err(e) if e.is_cancelled() => Ok(()),
            Err(e) => {
                tracing::error!(error = %e, "a WebSocket operation failed");
                let failed = self
                    .running
                    .iter()
                    .find(|(_, op)| op.task.id() == e.id())
                    .map(|(id, _)| id.clone());
                let Some(id) = failed else { return Ok(()) };
                self.running.remove(&id);
                let error = coded_error("internal error", "INTERNAL_SERVER_ERROR");
                refuse(socket, &id, error).await
            }
        }
    }

    async fn on_revocation(
        &mut self,
        socket: &mut WebSocket,
        notice: Result<Revocation, broadcast::error::RecvError>,
    ) -> Step {
        let Some((hash, user)) = self.session.as_ref().and_then(|s| s.token.clone()) else {
            return Ok(());
        };
        let concerned = match notice {
            Ok(Revocation::Token(h)) => h == hash,
            Ok(Revocation::TokensOf(u)) => u == user,
            // Missed notices might have named this token: check it to be safe.
            Err(broadcast::error::RecvError::Lagged(_)) => true,
            Err(broadcast::error::RecvError::Closed) => false,
        };
        if !concerned {
            return Ok(());
        }
        match self
            .app
            .store
            .token_user(&hash, OffsetDateTime::now_utc())
            .await
        {
            Ok(Some(_)) => Ok(()),
            Ok(None) => {
                self.finish_authorised(socket).await?;
                Err(Close::new(close::FORBIDDEN, "Forbidden: the token was revoked").into())
            }
            Err(e) => {
                // The token cannot be confirmed: closing is the safe side.
                tracing::error!(error = %e, "cannot re-check a WebSocket's token");
                Err(Close::new(close::INTERNAL, "Internal server error").into())
            }
        }
    }

    /// Before a revoked token's socket closes: its subscriptions stop now, while queries and
    /// mutations already running (authorised when they started, like HTTP requests in flight)
    /// get [`REVOKED_GRACE`] to deliver their result, so `logOut` sent over the socket itself
    /// is answered before the socket closes.
    async fn finish_authorised(&mut self, socket: &mut WebSocket) -> Step {
        self.running.retain(|_, op| {
            if op.streaming {
                op.task.abort();
            }
            !op.streaming
        });
        let deadline = tokio::time::sleep(REVOKED_GRACE);
        tokio::pin!(deadline);
        while !self.running.is_empty() {
            tokio::select! {
                _ = &mut deadline => break,
                Some(finished) = self.tasks.join_next() => {
                    self.on_finished(socket, finished).await?;
                }
                Some(next) = self.outbox.recv() => self.forward(socket, next).await?,
            }
        }
        Ok(())
    }

    fn is_current(&self, id: &str, generation: u64) -> bool {
        self.running
            .get(id)
            .is_some_and(|op| op.generation == generation)
    }
}

/// Runs a query or mutation: one result, or an `error` when it could not start. The HTTP
/// path's deadline and response bound hold here too: past the deadline the work is cancelled
/// and the answer is `TIMEOUT`; a result over `max_bytes` is replaced by RESPONSE_TOO_LARGE.
async fn single(
    schema: &ApiSchema,
    request: Request,
    deadline: Duration,
    max_bytes: usize,
) -> Outcome {
    let mut response = match tokio::time::timeout(deadline, schema.execute(request)).await {
        Ok(response) => response,
        Err(_) => crate::http::graphql::coded_response(
            "TIMEOUT",
            format!("the request ran longer than {deadline:?} and was cancelled"),
        ),
    };
    if encoded_over(&response, max_bytes) {
        response = crate::http::graphql::coded_response(
            "RESPONSE_TOO_LARGE",
            format!(
                "the response is over {max_bytes} bytes: ask for fewer items (`first`) or fewer fields"
            ),
        );
    }
    classify_engine_errors(&mut response);
    if failed_before_execution(&response) {
        Outcome::Error(response.errors)
    } else {
        Outcome::Result(response)
    }
}

/// Whether `response` encodes to more than `max` bytes of JSON; the encoding stops as soon as
/// it crosses the bound, so a huge answer is not written out just to be measured.
fn encoded_over(response: &Response, max: usize) -> bool {
    struct Count {
        n: usize,
        max: usize,
    }
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.n += buf.len();
            if self.n > self.max {
                return Err(std::io::Error::other("over the bound"));
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    serde_json::to_writer(&mut Count { n: 0, max }, response).is_err()
}

/// Runs a subscription: a `next` per event, or an `error` when it could not start.
async fn stream(
    schema: &ApiSchema,
    request: Request,
    id: &str,
    generation: u64,
    outbox: &mpsc::Sender<Next>,
) -> Outcome {
    let mut results = schema.execute_stream(request);
    let mut first = true;
    while let Some(mut response) = results.next().await {
        classify_engine_errors(&mut response);
        // Every event of a running subscription has data; a null first result is a
        // subscription that never started (invalid, or refused by its resolver).
        if first && response.data == async_graphql::Value::Null && !response.errors.is_empty() {
            return Outcome::Error(response.errors);
        }
        first = false;
        let next = Next {
            id: id.to_string(),
            generation,
            response,
        };
        if outbox.send(next).await.is_err() {
            break;
        }
    }
    Outcome::Complete
}

/// Syntax, validation and variable errors stop a request before any resolver runs: no data,
/// and no error carries a field path.
fn failed_before_execution(response: &Response) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty())
}

/// Whether the request's selected operation is a subscription. A document that does not
/// parse or names no such operation is not: `execute` then reports the problem.
fn is_subscription(request: &mut Request) -> bool {
    operation_kind(request).is_some_and(|(kind, _)| kind == OperationType::Subscription)
}

/// The root field of the mutation a request runs, if it runs one.
fn mutation_root(request: &mut Request) -> Option<String> {
    operation_kind(request)
        .filter(|(kind, _)| *kind == OperationType::Mutation)
        .map(|(_, root)| root)
}

/// The kind and root field of the operation a request runs (None when it does not parse or
/// names no operation it has: the engine reports that).
fn operation_kind(request: &mut Request) -> Option<(OperationType, String)> {
    let name = request.operation_name.clone();
    let doc = request.parsed_query().ok()?;
    let op = crate::api::engine::chosen_operation(&doc.operations, name.as_deref())?;
    Some((op.node.ty, crate::http::graphql::root_field(&op.node)))
}

/// A GraphQL error with a stable `extensions.code` and no location (it has no place in the
/// query).
fn coded_error(message: impl Into<String>, code: &str) -> ServerError {
    let mut error = ServerError::new(message, None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
    error
}

fn api_error(e: &ApiError) -> ServerError {
    let extended = e.extend();
    let mut error = ServerError::new(extended.message, None);
    error.extensions = extended.extensions;
    error
}

fn read_failure(e: axum::Error) -> Ending {
    // Capacity errors (a message over the limit) leave the socket writable: say why.
    let text = e.to_string();
    if text.contains("Space limit exceeded")
        || text.contains("too long")
        || text.contains("too big")
    {
        Close::new(close::MESSAGE_TOO_BIG, "Message too big").into()
    } else {
        tracing::debug!(error = %text, "WebSocket read failed");
        Ending::Gone
    }
}

/// Queues a message; [`flush`] writes what is queued. Writing once per event keeps a
/// `next` and its `complete` in one TCP segment: two small writes in a row would wait for the
/// client's delayed ACK (Nagle), about 40 ms per operation.
async fn send(socket: &mut WebSocket, message: &ServerMessage<'_>) -> Step {
    let text = match serde_json::to_string(message) {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, "cannot encode a WebSocket message");
            return Err(Close::new(close::INTERNAL, "Internal server error").into());
        }
    };
    match tokio::time::timeout(WRITE_TIMEOUT, socket.feed(Message::text(text))).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) | Err(_) => Err(Ending::Gone),
    }
}

/// Answers operation `id` with one `error` (it did not start).
async fn refuse(socket: &mut WebSocket, id: &str, error: ServerError) -> Step {
    send(
        socket,
        &ServerMessage::Error {
            id,
            payload: &[error],
        },
    )
    .await
}

async fn flush(socket: &mut WebSocket) -> Step {
    match tokio::time::timeout(WRITE_TIMEOUT, socket.flush()).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) | Err(_) => Err(Ending::Gone),
    }
}

/// Sends the close frame, then waits briefly for the client's, so the frame is not lost to a
/// TCP reset when the socket is dropped.
async fn say_goodbye(socket: &mut WebSocket, reason: Close) {
    let frame = CloseFrame {
        code: reason.code,
        reason: reason.reason.into(),
    };
    let sent = tokio::time::timeout(WRITE_TIMEOUT, socket.send(Message::Close(Some(frame)))).await;
    if !matches!(sent, Ok(Ok(()))) {
        return;
    }
    let _ = tokio::time::timeout(CLOSE_GRACE, async {
        while let Some(Ok(message)) = socket.recv().await {
            if matches!(message, Message::Close(_)) {
                break;
            }
        }
    })
    .await;
}
