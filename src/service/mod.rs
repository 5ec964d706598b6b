//! The application layer: one function per use case, the only door to the store and the index.
//!
//! Every front end — GraphQL resolvers (`api`), web pages, the CLI, demo seeding, benchmarks —
//! calls these functions and nothing below them. Each use case authorises (role, ownership),
//! validates (in `domain`), writes (row and outbox entry in one transaction), waits until the
//! change is searchable, publishes its event, and returns domain values with the viewer's
//! visibility already applied ([`visibility`]). Front ends only translate: they hold no
//! business rule and never decide who may see what.
//!
//! Errors are [`ServiceError`]s; each front end maps every variant on purpose.

pub mod accounts;
pub mod common_words;
pub mod error;
pub mod incentives;
pub mod matching;
pub mod notices;
pub mod pipeline;
pub mod profiles;
pub mod queue;
pub mod reference;
pub mod search;
pub mod throttle;
pub mod viewer;
pub mod visibility;

pub use error::{ServiceError, ServiceResult};
pub use viewer::Viewer;

use crate::domain::ids::ProfileId;

/// Parses an id argument, naming the argument in the error.
pub fn parse_id(field: &str, id: &str) -> ServiceResult<ProfileId> {
    ProfileId::parse(id).map_err(|e| ServiceError::bad_input(field, e))
}

/// The refusal of an `after` argument that is no cursor of the list it was given to. It quotes
/// the start of the value only: a megabyte sent is not a megabyte answered.
pub fn not_a_cursor(field: &str, cursor: &str, of: &str) -> ServiceError {
    const QUOTED: usize = 60;
    let quoted: String = cursor.chars().take(QUOTED).collect();
    let more = if cursor.chars().nth(QUOTED).is_some() {
        "…"
    } else {
        ""
    };
    ServiceError::bad_input(
        field,
        format!("{quoted:?}{more} is not a cursor of this {of}"),
    )
}

/// Checks a page size argument `first`: `default` when absent, else within 0..=`max`.
pub fn page_size(first: Option<i32>, default: i32, max: i32) -> ServiceResult<usize> {
    page_size_of("first", first, default, max)
}

/// `page_size` for a size given under another name (`last`).
pub fn page_size_of(field: &str, n: Option<i32>, default: i32, max: i32) -> ServiceResult<usize> {
    let n = n.unwrap_or(default);
    if !(0..=max).contains(&n) {
        return Err(ServiceError::bad_input(
            field,
            format!("must be between 0 and {max} (got {n})"),
        ));
    }
    Ok(n as usize)
}
