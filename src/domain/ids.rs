//! Profile identifiers: UUIDv7, so ids sort by creation time and serve as stable page cursors.

use std::fmt;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProfileId(Uuid);

impl ProfileId {
    /// A new time-ordered id. Generating ids reads the clock, so callers outside the pure core
    /// (store, API, demo loader) create them and hand them in.
    pub fn new_v7() -> Self {
        ProfileId(Uuid::now_v7())
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        Uuid::parse_str(s.trim())
            .map(ProfileId)
            .map_err(|_| format!("{s:?} is not a valid ID (expected a UUID)"))
    }

    /// The id whose 128 bits are `bits` (as the index stores them).
    pub fn from_u128(bits: u128) -> Self {
        ProfileId(Uuid::from_u128(bits))
    }

    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl fmt::Display for ProfileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Hyphenated lower-case: the same bytes in the database, cursors and the API.
        write!(f, "{}", self.0.hyphenated())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_orders() {
        let a = ProfileId::new_v7();
        let b = ProfileId::new_v7();
        assert!(a < b, "v7 ids are monotonic within a process");
        assert_eq!(ProfileId::parse(&a.to_string()).unwrap(), a);
        assert!(ProfileId::parse("nope").is_err());
    }
}
