//! The demo data set: realistic Cambodian SMEs and Korean investors, generated from a fixed seed.
//!
//! Every profile is a pure function of `(seed, i)`: item `i` draws from its own PRNG stream
//! (see [`rng`]), so a benchmark can generate item 999,999 without generating the ones before,
//! in any order and on any thread, and get the same bytes as `serve --demo`. Vocabulary lives
//! in static tables; a call allocates only the strings of the profile it returns.
//!
//! The data is invented. Names combine common Khmer given names or place words with a business
//! noun, and Korean organisation names are made from native Korean words; any resemblance to a
//! real business is accidental. E-mail domains end in `.example` (RFC 2606), so no message can
//! reach anyone.

mod investor;
mod people;
mod places;
mod rng;
mod sme;
mod sme_data;
mod text;

#[cfg(test)]
mod tests;

use crate::domain::investor::InvestorRaw;
use crate::domain::sme::SmeRaw;

/// The seed of the data set `serve --demo` loads.
pub const DEMO_SEED: u64 = 0x4b48_4b52_2026;
pub const DEMO_SMES: usize = 2_000;
pub const DEMO_INVESTORS: usize = 300;

/// The `i`-th SME of the set generated from `seed`: the same inputs always give the same profile.
pub fn sme(seed: u64, i: u64) -> SmeRaw {
    sme::generate(seed, i)
}

/// The `i`-th investor or partner of the set generated from `seed`.
///
/// The first eight items cover the eight organisation types in `OrganizationType::ALL` order;
/// later ones follow the weights of the kinds.
pub fn investor(seed: u64, i: u64) -> InvestorRaw {
    investor::generate(seed, i)
}

/// Round amounts in USD that capital sought and tickets are drawn from: people ask for
/// "50,000" or "1.5 million", not 47,312.
pub(crate) const AMOUNTS: [i64; 31] = [
    5_000, 8_000, 10_000, 15_000, 20_000, 25_000, 30_000, 40_000, 50_000, 60_000, 75_000, 100_000,
    120_000, 150_000, 200_000, 250_000, 300_000, 400_000, 500_000, 600_000, 750_000, 1_000_000,
    1_200_000, 1_500_000, 2_000_000, 2_500_000, 3_000_000, 4_000_000, 5_000_000, 8_000_000,
    10_000_000,
];

/// The index range of `AMOUNTS` within `[lo, hi]` (first at or above `lo`, last at or below
/// `hi`); an empty range comes back with `hi <= lo`.
pub(crate) fn amounts(lo: i64, hi: i64) -> (usize, usize) {
    let first = AMOUNTS
        .iter()
        .position(|&a| a >= lo)
        .unwrap_or(AMOUNTS.len() - 1);
    let last = AMOUNTS.iter().rposition(|&a| a <= hi).unwrap_or(0);
    (first, last)
}
