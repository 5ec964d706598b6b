//! Pure domain types and rules.
//!
//! Nothing here performs I/O or knows about GraphQL, HTTP, SQL or the search index: values go in,
//! values or [`validation::ValidationErrors`] come out. Reference data (ISIC tree, provinces) is
//! compiled into the binary from `data/` and parsed once on first use.

pub mod account;
pub mod amount;
pub mod contact;
pub mod digital;
pub mod ids;
pub mod incentives;
pub mod investor;
pub mod money;
pub mod notice;
pub mod pipeline;
pub mod profile;
pub mod province;
pub mod sector;
pub mod sme;
pub mod sound;
pub mod text;
pub mod validation;

use profile::ProfileStatus;
use validation::ValidationErrors;

/// Facts from outside the pure core that validation needs, handed in by the caller.
#[derive(Debug, Clone, Copy)]
pub struct ValidationContext {
    /// The current calendar year (UTC), bounding founding years.
    pub current_year: i32,
}

impl ValidationContext {
    pub fn at(now: time::OffsetDateTime) -> Self {
        ValidationContext {
            current_year: now.year(),
        }
    }

    fn founded_year(&self, year: Option<i64>) -> Result<Option<i32>, String> {
        let earliest = sme::EARLIEST_FOUNDED_YEAR;
        let latest = i64::from(self.current_year);
        match year {
            None => Ok(None),
            Some(y) if (earliest..=latest).contains(&y) => Ok(Some(y as i32)),
            Some(y) => match sme::buddhist_era_years(y, latest) {
                Some((early, late)) => Err(format!(
                    "must be between {earliest} and {latest} (got {y}, a year of the Buddhist \
                     era: {early} or {late} in the common era)"
                )),
                None => Err(format!("must be between {earliest} and {latest} (got {y})")),
            },
        }
    }
}

/// Status, timestamps and an optimistic-concurrency version, common to every profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lifecycle {
    pub status: ProfileStatus,
    pub created_at: time::OffsetDateTime,
    pub updated_at: time::OffsetDateTime,
    /// Starts at 1 and grows by one with each stored change; the store refuses a write whose
    /// expected version is stale, so two concurrent edits cannot silently overwrite each other.
    pub version: i64,
}

impl Lifecycle {
    pub fn published(now: time::OffsetDateTime) -> Self {
        Lifecycle {
            status: ProfileStatus::Published,
            created_at: now,
            updated_at: now,
            version: 1,
        }
    }

    /// The next version after an edit: archived profiles are read-only.
    pub fn revised(&self, now: time::OffsetDateTime) -> Result<Self, ValidationErrors> {
        if self.status == ProfileStatus::Archived {
            return Err(ValidationErrors::single(
                "id",
                "this profile is archived and can no longer be edited",
            ));
        }
        Ok(Lifecycle {
            updated_at: now,
            version: self.version + 1,
            ..self.clone()
        })
    }

    /// Archived; archiving twice changes nothing.
    pub fn archived(&self, now: time::OffsetDateTime) -> Self {
        if self.status == ProfileStatus::Archived {
            return self.clone();
        }
        Lifecycle {
            status: ProfileStatus::Archived,
            updated_at: now,
            version: self.version + 1,
            ..self.clone()
        }
    }
}
