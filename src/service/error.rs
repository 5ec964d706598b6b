//! The errors of the application layer.
//!
//! Every use case fails with a [`ServiceError`]; each front end maps each variant on purpose
//! (GraphQL: one `extensions.code` per variant, see `api::errors`; pages: a status and a message
//! next to the field). There is deliberately no blanket `From<anyhow::Error>`: a store failure is
//! classified in `From<StoreError>`, so a `?` cannot turn a user's mistake into a 500 or leak SQL.

use crate::domain::validation::ValidationErrors;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Every offending field, named by its path in the request (`input.contact.email`).
    #[error("{0}")]
    BadInput(ValidationErrors),
    /// What was looked up does not exist, or the viewer may not know that it exists.
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },
    /// No (valid) credentials, or a failed log-in.
    #[error("{0}")]
    Unauthenticated(String),
    /// Signed in, but not allowed (wrong role, not the owner, not a party).
    #[error("{0}")]
    Forbidden(String),
    /// The account has as many profiles on the site as one may (`limit`,
    /// `--max-profiles-per-account`): one must be taken off before another is published.
    #[error("this account has {limit} profiles on the site, the most one account may have: take one off the site to publish another")]
    ProfileLimit { limit: usize },
    /// The record changed concurrently: reload and retry.
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts (per address or per account): retry after `retry_after_secs` seconds.
    #[error("{message}")]
    RateLimited {
        message: String,
        retry_after_secs: u64,
    },
    /// The server is saturated (a bounded queue of expensive work is full): the same code as
    /// [`ServiceError::RateLimited`] for clients, but not the client's doing, so it never counts
    /// against its address (`http::limits::Refusals`).
    #[error("{message}")]
    Busy {
        message: String,
        retry_after_secs: u64,
    },
    /// The database cannot write now (read-only, disk full, I/O error: `reason` is the
    /// [`crate::store::Fault`]'s name). The change was not saved; retrying later, once the
    /// operator fixed the cause, is safe (for `IO_ERROR`, read back first).
    #[error("{message}")]
    Unavailable {
        reason: &'static str,
        message: String,
    },
    /// A defect or an infrastructure failure; the detail is for the log only.
    #[error("internal error")]
    Internal(String),
}

pub type ServiceResult<T> = Result<T, ServiceError>;

impl ServiceError {
    pub fn bad_input(field: &str, message: impl Into<String>) -> Self {
        ServiceError::BadInput(ValidationErrors::single(field, message))
    }

    pub fn rate_limited(message: impl Into<String>, retry_after_secs: u64) -> Self {
        ServiceError::RateLimited {
            message: message.into(),
            retry_after_secs: retry_after_secs.max(1),
        }
    }

    pub fn busy(message: impl Into<String>, retry_after_secs: u64) -> Self {
        ServiceError::Busy {
            message: message.into(),
            retry_after_secs: retry_after_secs.max(1),
        }
    }

    pub fn not_found(what: &'static str, id: impl ToString) -> Self {
        ServiceError::NotFound {
            what,
            id: id.to_string(),
        }
    }
}

impl From<ValidationErrors> for ServiceError {
    fn from(e: ValidationErrors) -> Self {
        ServiceError::BadInput(e)
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict { .. } => ServiceError::Conflict(e.to_string()),
            StoreError::Unavailable { fault, ref source } => {
                // The operator's side of the message: which fault, and SQLite's own words.
                tracing::warn!(reason = fault.as_str(), error = %source, "database cannot write");
                let outcome = match fault {
                    crate::store::Fault::Io => {
                        "the change may not have been saved: check before \
                         trying again later"
                    }
                    _ => "nothing was changed: try again later",
                };
                ServiceError::Unavailable {
                    reason: fault.as_str(),
                    message: format!(
                        "the database cannot save changes right now ({fault}); {outcome}"
                    ),
                }
            }
            other => ServiceError::Internal(other.to_string()),
        }
    }
}
