//! Error policy of the API.
//!
//! Every failure a resolver can return is a [`crate::service::ServiceError`] (`ApiError` here), and
//! every variant maps on purpose to one stable `extensions.code`:
//!
//! | variant      | code                    | message                                    |
//! |--------------|-------------------------|--------------------------------------------|
//! | `BadInput`   | `BAD_USER_INPUT`        | every offending field, named by path; `extensions.field` is the first, `extensions.fields` all |
//! | `NotFound`   | `NOT_FOUND`             | what was looked up                         |
//! | `Unauthenticated` | `UNAUTHENTICATED`  | no (valid) bearer token, or a failed log-in |
//! | `Forbidden`  | `FORBIDDEN`             | signed in, but not allowed (wrong role or not the owner) |
//! | `ProfileLimit` | `FORBIDDEN`           | the account has as many profiles on the site as one may: `extensions.reason` `PROFILE_LIMIT`, `extensions.limit` how many |
//! | `Conflict`   | `CONFLICT`              | the profile changed concurrently: reload and retry |
//! | `RateLimited` | `RATE_LIMITED`         | too many attempts; `extensions.retryAfter` is the seconds to wait (over HTTP also `Retry-After`, and 429 when nothing ran) |
//! | `Busy`       | `RATE_LIMITED`          | the server is saturated (a queue of rankings or password hashes is full): as above, with `extensions.reason` `SERVER_BUSY` |
//! | `Unavailable` | `UNAVAILABLE`          | the database cannot write now (`extensions.reason`: `READ_ONLY`, `DISK_FULL` or `IO_ERROR`); nothing was saved, retry later |
//! | `Internal`   | `INTERNAL_SERVER_ERROR` | generic, with a reference id; the detail goes to the log only |
//!
//! There is deliberately no blanket `From<anyhow::Error>`: a store failure is classified in the
//! service layer's `From<StoreError>`, so a `?` cannot turn a user's mistake into a 500 or leak
//! SQL to a client.
//! Errors that async-graphql raises itself (syntax, unknown fields, wrong argument types) get
//! their code in [`classify_engine_errors`].

use async_graphql::{ErrorExtensions, Response, Value};

pub use crate::service::{ServiceError as ApiError, ServiceResult as ApiResult};

impl ErrorExtensions for ApiError {
    fn extend(&self) -> async_graphql::Error {
        match self {
            ApiError::BadInput(errors) => async_graphql::Error::new(errors.to_string())
                .extend_with(|_, ext| {
                    ext.set("code", "BAD_USER_INPUT");
                    if let Some(first) = errors.0.first() {
                        ext.set("field", first.field.as_str());
                    }
                    let fields: Vec<Value> = errors
                        .0
                        .iter()
                        .map(|e| Value::from(e.field.as_str()))
                        .collect();
                    ext.set("fields", Value::List(fields));
                }),
            ApiError::NotFound { .. } => {
                async_graphql::Error::new(self.to_string()).extend_with(|_, ext| {
                    ext.set("code", "NOT_FOUND");
                })
            }
            ApiError::Conflict(msg) => async_graphql::Error::new(msg.as_str())
                .extend_with(|_, ext| ext.set("code", "CONFLICT")),
            ApiError::Unauthenticated(msg) => async_graphql::Error::new(msg.as_str())
                .extend_with(|_, ext| ext.set("code", "UNAUTHENTICATED")),
            ApiError::Forbidden(msg) => async_graphql::Error::new(msg.as_str())
                .extend_with(|_, ext| ext.set("code", "FORBIDDEN")),
            ApiError::ProfileLimit { limit } => {
                let limit = *limit;
                async_graphql::Error::new(self.to_string()).extend_with(move |_, ext| {
                    ext.set("code", "FORBIDDEN");
                    ext.set("reason", "PROFILE_LIMIT");
                    ext.set("limit", limit);
                })
            }
            ApiError::RateLimited {
                message,
                retry_after_secs,
            }
            | ApiError::Busy {
                message,
                retry_after_secs,
            } => {
                let secs = *retry_after_secs;
                // The same code for clients; a saturated server also says so.
                let busy = matches!(self, ApiError::Busy { .. });
                async_graphql::Error::new(message.as_str()).extend_with(move |_, ext| {
                    ext.set("code", "RATE_LIMITED");
                    ext.set("retryAfter", secs);
                    if busy {
                        ext.set("reason", "SERVER_BUSY");
                    }
                })
            }
            ApiError::Unavailable { reason, message } => {
                let reason = *reason;
                async_graphql::Error::new(message.as_str()).extend_with(move |_, ext| {
                    ext.set("code", "UNAVAILABLE");
                    ext.set("reason", reason);
                })
            }
            ApiError::Internal(detail) => {
                // The detail may hold SQL or paths: log it under a reference the client can quote.
                let reference = uuid::Uuid::now_v7().to_string();
                tracing::error!(%reference, %detail, "internal error");
                async_graphql::Error::new(format!(
                    "internal error (reference {reference}); the detail is in the server log"
                ))
                .extend_with(|_, ext| {
                    ext.set("code", "INTERNAL_SERVER_ERROR");
                    ext.set("reference", reference.as_str());
                })
            }
        }
    }
}

/// Converts a resolver result into what async-graphql returns, attaching the code.
pub fn gql<T>(r: ApiResult<T>) -> async_graphql::Result<T> {
    r.map_err(|e| e.extend())
}

/// Gives a code to errors async-graphql produced before any resolver ran.
///
/// Follows the codes GraphQL clients commonly expect: a query that does not parse is
/// `GRAPHQL_PARSE_FAILED`; an argument of the wrong type or an unknown enum value is the user's
/// input, `BAD_USER_INPUT`; any other validation failure is `GRAPHQL_VALIDATION_FAILED`.
pub fn classify_engine_errors(response: &mut Response) {
    cap_errors(response);
    // The engine quotes what it could not read (a parse error its whole source line, an
    // unknown operation its name) and a client sets how long that is: only the start is said,
    // so a megabyte sent is not a megabyte answered.
    const MESSAGE_CHARS: usize = 500;
    for err in &mut response.errors {
        if let Some((cut, _)) = err.message.char_indices().nth(MESSAGE_CHARS) {
            err.message.truncate(cut);
            err.message.push('…');
        }
    }
    for err in &mut response.errors {
        let has_code = err
            .extensions
            .as_ref()
            .is_some_and(|ext| ext.get("code").is_some());
        if has_code {
            continue;
        }
        let msg = err.message.as_str();
        let code =
            if msg.starts_with(" --> ") || msg.contains("expected ") && err.locations.is_empty() {
                "GRAPHQL_PARSE_FAILED"
            } else if msg.starts_with("Invalid value for argument")
                || msg.contains("Failed to parse")
                || msg.contains("Variable") && msg.contains("invalid")
            {
                "BAD_USER_INPUT"
            } else if response.data == Value::Null {
                "GRAPHQL_VALIDATION_FAILED"
            } else {
                "INTERNAL_SERVER_ERROR"
            };
        let ext = err.extensions.get_or_insert_with(Default::default);
        ext.set("code", code);
        // Every BAD_USER_INPUT names its field, the engine's too: the argument path it quotes
        // (`Invalid value for argument "input.organizationType", …`), with the unknown or
        // missing input field it names appended (`unknown field "fr"` → `input.name.fr`).
        if code == "BAD_USER_INPUT" {
            if let Some(field) = engine_field(&err.message) {
                ext.set("field", field.as_str());
                ext.set("fields", Value::List(vec![Value::from(field)]));
            }
        }
    }
}

/// Errors a response lists, at most: a document declaring 3,000 unused variables got 3,000
/// validation errors, 435 KB of answer to 100 KB of question (QA), and no client reads past
/// the first few.
pub const MAX_ERRORS: usize = 50;

/// Keeps the first [`MAX_ERRORS`] − 1 errors and says how many more there were in one last
/// error, coded as the first error it stands for (or not yet coded, for the engine's).
fn cap_errors(response: &mut Response) {
    if response.errors.len() <= MAX_ERRORS {
        return;
    }
    // In document order, so the same request lists the same errors (the engine's validation
    // reports them in no fixed order: QA round 2).
    response.errors.sort_by(|a, b| {
        let at = |e: &async_graphql::ServerError| e.locations.first().map(|p| (p.line, p.column));
        at(a).cmp(&at(b)).then_with(|| a.message.cmp(&b.message))
    });
    let kept = MAX_ERRORS - 1;
    let more = response.errors.len() - kept;
    let mut rest = response.errors.split_off(kept);
    let mut last = rest.swap_remove(0);
    last.message = format!(
        "{more} more errors like this one are not listed: {}",
        last.message
    );
    last.locations.clear();
    last.path.clear();
    response.errors.push(last);
}

/// The input path an engine coercion error is about, from its message.
fn engine_field(message: &str) -> Option<String> {
    let quoted = |after: &str| -> Option<String> {
        let rest = message.split_once(after)?.1;
        let rest = rest.strip_prefix('"')?;
        Some(rest.split_once('"')?.0.to_string())
    };
    let argument = quoted("argument ").or_else(|| quoted("variable "))?;
    let argument = argument.trim_start_matches('$').to_string();
    // `unknown field "fr"`, or a required one left out: `field "digitalIndicators" of type …`.
    Some(
        match quoted("unknown field ").or_else(|| quoted(", field ")) {
            Some(field) => format!("{argument}.{field}"),
            None => argument,
        },
    )
}
