//! Amounts of US dollars as people type them into a form.
//!
//! A Korean analyst writes a ticket as `50만` or `1억 5천만`, an English one as `500k` or
//! `1.5m`, a Cambodian owner as `៥សែន` or `២លាន`, and all of them may add `$`, `USD` or the
//! word for dollars. A form that took only `500000` refused them all (issue 11: how people
//! really type). Read here, so the wizard, the mandate form and the incentives check agree.
//!
//! Numbers are read the way those languages count: Korean and Khmer group by units that
//! multiply everything before them in the group (`1억 5천만` is 1×억 + (5×천)×만), so small
//! units (십, 백, 천, ពាន់, hundred) multiply their own number and big ones (만, 억,
//! ម៉ឺន, សែន, លាន, k, m, b …) close a group. Arithmetic is exact (millionths of a dollar in
//! an `i128`), so `1.5k` is 1500 and `1.2345k` is refused as not a whole number of dollars,
//! never rounded.
//!
//! An amount in won or riel is refused by name: taking `5천만원` as 50,000,000 dollars would be
//! off by a factor of about 1,400, silently.

use super::money::MAX_USD;
use super::text::ascii_digits;

/// Why a typed amount cannot be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("not an amount of US dollars")]
    NotAnAmount,
    #[error("not a whole number of US dollars")]
    NotWhole,
    /// A dot between a digit and exactly three digits (`500.000`, `1.500k`, `1.000.000`):
    /// thousands to whoever writes numbers the European or Vietnamese way, a decimal point to
    /// the rest; read either way it would be off by a factor of 1,000, silently (QA: saved as
    /// $500, and `1.500k` as $1,500).
    #[error("a dot before three digits: a thousands separator or a decimal point")]
    AmbiguousDot,
    #[error("below 0 or above {MAX_USD} US dollars")]
    OutOfRange,
    #[error("an amount in {0:?}, not in US dollars")]
    OtherCurrency(Currency),
}

/// A currency people in this corridor may write by habit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Currency {
    /// Korean won: 원, ₩, KRW.
    Won,
    /// Cambodian riel: រៀល, ៛, KHR.
    Riel,
}

/// Millionths of a dollar per dollar: the finest decimal a typed number may carry.
const SCALE: i128 = 1_000_000;
const SCALE_DIGITS: usize = 6;

/// Units that multiply their own number only (`5천` in `3만5천`, ពាន់ in `៥ពាន់លាន`).
const SMALL_UNITS: &[(&str, i128)] = &[
    ("hundred", 100),
    ("រយ", 100),
    ("십", 10),
    ("백", 100),
    ("천", 1_000),
    ("ពាន់", 1_000),
];

/// Units that close a group: everything read since the last one is multiplied by them. Longer
/// spellings come before their prefixes (`million` before `m`).
const BIG_UNITS: &[(&str, i128)] = &[
    ("thousand", 1_000),
    ("million", 1_000_000),
    ("billion", 1_000_000_000),
    ("mil", 1_000_000),
    ("mn", 1_000_000),
    ("bn", 1_000_000_000),
    ("k", 1_000),
    ("m", 1_000_000),
    ("b", 1_000_000_000),
    ("만", 10_000),
    ("억", 100_000_000),
    ("조", 1_000_000_000_000),
    ("ម៉ឺន", 10_000),
    ("សែន", 100_000),
    ("ប៊ីលាន", 1_000_000_000),
    ("លាន", 1_000_000),
];

/// Ways of writing "US dollars" before or after the number, lower-cased, spaces removed.
const DOLLAR_PREFIXES: &[&str] = &["us$", "usd", "$"];
const DOLLAR_SUFFIXES: &[&str] = &[
    "us$",
    "usd",
    "$",
    "dollars",
    "dollar",
    "미국달러",
    "us달러",
    "달러",
    "불",
    "ដុល្លារអាមេរិក",
    "ដុល្លារ",
    "ដុល្លា",
];

/// The amount typed, in whole US dollars; `Ok(None)` when nothing was typed.
pub fn parse(typed: &str) -> Result<Option<i64>, AmountError> {
    let text = without_spaces(&ascii_digits(typed).to_lowercase());
    // A sentence's full stop ("50,000원.") is not part of the amount.
    let text = text.trim_end_matches(['.', '。', '!', '។']);
    if text.is_empty() {
        return Ok(None);
    }
    if let Some(c) = other_currency(text) {
        return Err(AmountError::OtherCurrency(c));
    }
    let mut rest = text;
    let prefixed = DOLLAR_PREFIXES.iter().find_map(|p| rest.strip_prefix(p));
    rest = prefixed.unwrap_or(rest);
    let suffixed = DOLLAR_SUFFIXES.iter().find_map(|s| rest.strip_suffix(s));
    rest = suffixed.unwrap_or(rest);
    // A bare 억 (10⁸) is won to whoever writes it: `5억` is half a billion won (about
    // $350,000), and read as dollars it was saved as $500,000,000, which no SME then fitted
    // (QA). Dollars in 억 say so (`5억 달러`).
    if rest.contains('억') && prefixed.is_none() && suffixed.is_none() {
        return Err(AmountError::OtherCurrency(Currency::Won));
    }
    let (negative, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    if has_thousands_dot(rest) {
        return Err(AmountError::AmbiguousDot);
    }
    let micro = read_groups(rest)?;
    if micro % SCALE != 0 {
        return Err(AmountError::NotWhole);
    }
    let dollars = micro / SCALE;
    if negative && dollars != 0 {
        return Err(AmountError::OutOfRange);
    }
    i64::try_from(dollars)
        .ok()
        .filter(|d| *d <= MAX_USD)
        .map(Some)
        .ok_or(AmountError::OutOfRange)
}

/// Whether a dot stands between a digit and exactly three digits (not four: `1.2345k` is a
/// decimal, refused as not whole dollars), with no comma before it (`1,500.000` can only be
/// commas for thousands and a decimal point).
fn has_thousands_dot(text: &str) -> bool {
    let b = text.as_bytes();
    (1..b.len()).any(|i| {
        b[i] == b'.'
            && !b[..i].contains(&b',')
            && b[i - 1].is_ascii_digit()
            && b.len() >= i + 4
            && b[i + 1..i + 4].iter().all(u8::is_ascii_digit)
            && !b.get(i + 4).is_some_and(u8::is_ascii_digit)
    })
}

/// The text without its spaces, except that a space between two digits becomes a thousands
/// separator (`25 000` is 25,000, checked like `25,000`), so two numbers typed apart
/// (`10000 50000`) are refused rather than read as one.
fn without_spaces(text: &str) -> String {
    // Invisible characters count as spaces (a Khmer keyboard's zero-width space: QA, "10000\u{200b}"
    // was refused with nothing to see). One pass: a gap between two digits is a thousands
    // separator.
    let mut out = String::new();
    let mut gap = false;
    for c in text.chars() {
        if crate::domain::text::is_invisible(c) {
            gap = true;
            continue;
        }
        let after_digit = out.chars().next_back().is_some_and(|p| p.is_ascii_digit());
        if gap && after_digit && c.is_ascii_digit() {
            out.push(',');
        }
        gap = false;
        out.push(c);
    }
    out
}

fn other_currency(text: &str) -> Option<Currency> {
    if text.contains(['₩', '￦'])
        || text.contains("krw")
        || text.ends_with('원')
        || text.ends_with("won")
    {
        Some(Currency::Won)
    } else if text.contains('៛')
        || text.contains("khr")
        || text.contains("រៀល")
        || text.ends_with("riel")
        || text.ends_with("riels")
    {
        Some(Currency::Riel)
    } else {
        None
    }
}

/// Reads terms (a number, then small units, then at most one big unit) to the end, in
/// millionths of a dollar.
fn read_groups(mut rest: &str) -> Result<i128, AmountError> {
    if rest.is_empty() {
        return Err(AmountError::NotAnAmount);
    }
    let mut total: i128 = 0;
    let mut group: i128 = 0;
    // Big units must come in decreasing order (`1억 5천만`, not `5만 1억`), and so must small
    // ones within a group (`3천5백`, not `5천5천`).
    let mut last_big = i128::MAX;
    let mut last_small = i128::MAX;
    // After a Latin unit only another Latin term may follow: `5k5` could mean 5,005 or 5,500.
    let mut after_latin = false;
    while !rest.is_empty() {
        let (number, after) = read_number(rest)?;
        rest = after;
        // A Korean or Khmer unit may stand for one of itself (천만 달러, ten million dollars);
        // a Latin one may not (`k` alone is no amount).
        let mut value = match number {
            Some(n) => n,
            None if unit_at(rest, SMALL_UNITS)
                .or_else(|| unit_at(rest, BIG_UNITS))
                .is_some_and(|(word, ..)| !word.is_ascii()) =>
            {
                SCALE
            }
            None => return Err(AmountError::NotAnAmount),
        };
        let mut small = 1;
        while let Some((_, unit, after)) = unit_at(rest, SMALL_UNITS) {
            small *= unit;
            value = value.checked_mul(unit).ok_or(AmountError::OutOfRange)?;
            rest = after;
        }
        if small > 1 {
            if small >= last_small {
                return Err(AmountError::NotAnAmount);
            }
            last_small = small;
        }
        group = group.checked_add(value).ok_or(AmountError::OutOfRange)?;
        match unit_at(rest, BIG_UNITS) {
            Some((word, unit, after)) => {
                if unit >= last_big {
                    return Err(AmountError::NotAnAmount);
                }
                last_big = unit;
                last_small = i128::MAX;
                after_latin = word.is_ascii();
                let closed = group.checked_mul(unit).ok_or(AmountError::OutOfRange)?;
                total = total.checked_add(closed).ok_or(AmountError::OutOfRange)?;
                group = 0;
                rest = after;
            }
            None if after_latin => return Err(AmountError::NotAnAmount),
            // `1억5` and `២លាន៥` are said for 1.5억 and 2.5 million, not 100,000,005: a bare
            // number of one or two digits after a Korean or Khmer unit is refused, not guessed
            // (`3만 5000` and `3만500` say what they mean).
            None if last_big < i128::MAX
                && small == 1
                && number.is_some_and(|n| n < 100 * SCALE) =>
            {
                return Err(AmountError::NotAnAmount)
            }
            None => {}
        }
    }
    total.checked_add(group).ok_or(AmountError::OutOfRange)
}

/// The unit of `units` that `text` starts with: its word, its value and the text after it.
fn unit_at<'a>(
    text: &'a str,
    units: &[(&'static str, i128)],
) -> Option<(&'static str, i128, &'a str)> {
    units
        .iter()
        .find_map(|(word, value)| text.strip_prefix(word).map(|after| (*word, *value, after)))
}

/// A number at the start of `text`: digits, thousands separated by commas in groups of three,
/// and a decimal part after a point; in millionths. `None` when `text` starts with no digit.
fn read_number(text: &str) -> Result<(Option<i128>, &str), AmountError> {
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .unwrap_or(text.len());
    let (literal, rest) = text.split_at(end);
    if literal.is_empty() {
        return Ok((None, rest));
    }
    let (whole, fraction) = match literal.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (literal, None),
    };
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or_default();
    // `1,5` is a European decimal or a slip; `1,500` is fifteen hundred.
    let grouped_well = !first.is_empty()
        && first.chars().all(|c| c.is_ascii_digit())
        && groups.all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()));
    let fraction_ok =
        fraction.is_none_or(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()));
    if !grouped_well || !fraction_ok {
        return Err(AmountError::NotAnAmount);
    }
    let digits: String = whole.chars().filter(|c| *c != ',').collect();
    // More digits than any amount has: out of range, not "not a number".
    if digits.trim_start_matches('0').len() > 24 {
        return Err(AmountError::OutOfRange);
    }
    let whole: i128 = digits.parse().map_err(|_| AmountError::NotAnAmount)?;
    let mut micro = whole.checked_mul(SCALE).ok_or(AmountError::OutOfRange)?;
    if let Some(f) = fraction {
        let f = f.trim_end_matches('0');
        if f.len() > SCALE_DIGITS {
            return Err(AmountError::NotWhole);
        }
        let padded = format!("{f:0<width$}", width = SCALE_DIGITS);
        micro += padded
            .parse::<i128>()
            .map_err(|_| AmountError::NotAnAmount)?;
    }
    Ok((Some(micro), rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(typed: &str) -> i64 {
        match parse(typed) {
            Ok(Some(v)) => v,
            other => panic!("{typed:?} read as {other:?}"),
        }
    }

    #[test]
    fn plain_numbers_read_as_before() {
        assert_eq!(parse(""), Ok(None));
        assert_eq!(parse("   "), Ok(None));
        assert_eq!(ok("500000"), 500_000);
        assert_eq!(ok("25,000"), 25_000);
        assert_eq!(ok("25 000"), 25_000);
        assert_eq!(ok("25\u{a0}000"), 25_000);
        assert_eq!(ok("៥០០០០"), 50_000);
        assert_eq!(ok("１２３"), 123);
        assert_eq!(ok("0"), 0);
        // A Khmer keyboard's zero-width spaces (QA): after the number, and between groups.
        assert_eq!(ok("10000\u{200b}"), 10_000);
        assert_eq!(ok("១០\u{200b}០០០"), 10_000);
        // Linear in what is typed: a long run of spaces is one gap.
        assert_eq!(ok(&format!("1{}000", " ".repeat(100_000))), 1_000);
        assert_eq!(ok("500.00"), 500);
        assert_eq!(ok("1,500.000"), 1_500);
    }

    #[test]
    fn how_analysts_and_owners_write_tickets() {
        // Korean: 만 groups of four digits, small units inside a group.
        assert_eq!(ok("5만"), 50_000);
        assert_eq!(ok("50만 달러"), 500_000);
        assert_eq!(ok("5만불"), 50_000);
        assert_eq!(ok("3만5천"), 35_000);
        assert_eq!(ok("3만 5000"), 35_000);
        assert_eq!(ok("3만500"), 30_500);
        assert_eq!(ok("5백만"), 5_000_000);
        assert_eq!(ok("천만 달러"), 10_000_000);
        assert_eq!(ok("1억 5천만 달러"), 150_000_000);
        assert_eq!(ok("$1억2천3백만"), 123_000_000);
        // A bare 억 is won (QA: 5억 was saved as $500,000,000); dollars in 억 say so, in any of
        // the ways people write it (QA round 2).
        assert_eq!(parse("5억"), Err(AmountError::OtherCurrency(Currency::Won)));
        for dollars in [
            "5억 달러",
            "5억 미국 달러",
            "5억 US달러",
            "$5억",
            "5억$",
            "5억 USD",
        ] {
            assert_eq!(ok(dollars), 500_000_000, "{dollars}");
        }
        assert_eq!(ok("2.5만"), 25_000);
        assert_eq!(ok("5,000만"), 50_000_000);
        // English shorthand and words.
        assert_eq!(ok("20k"), 20_000);
        assert_eq!(ok("$20K"), 20_000);
        assert_eq!(ok("1.5m"), 1_500_000);
        assert_eq!(ok("1.5 million"), 1_500_000);
        assert_eq!(ok("USD 2 mn"), 2_000_000);
        assert_eq!(ok("500 thousand dollars"), 500_000);
        assert_eq!(ok("5 hundred thousand"), 500_000);
        assert_eq!(ok("1m 500k"), 1_500_000);
        assert_eq!(ok("1.2b"), 1_200_000_000);
        // Khmer: ម៉ឺន ten thousand, សែន hundred thousand, លាន million, in Khmer digits too.
        assert_eq!(ok("៥សែន"), 500_000);
        assert_eq!(ok("៥ ម៉ឺន ដុល្លារ"), 50_000);
        assert_eq!(ok("២លាន៥សែន"), 2_500_000);
        assert_eq!(ok("1 លាន"), 1_000_000);
        assert_eq!(ok("៣ពាន់"), 3_000);
        assert_eq!(ok("1ពាន់លាន"), 1_000_000_000);
        assert_eq!(ok("៥រយ"), 500);
        assert_eq!(ok("៣ពាន់៥រយ"), 3_500);
        assert_eq!(ok("3천5백"), 3_500);
        assert_eq!(ok("50,000 달러."), 50_000);
    }

    #[test]
    fn what_is_refused_says_why() {
        use AmountError::*;
        for (typed, why) in [
            ("ច្រើន", NotAnAmount),
            ("many", NotAnAmount),
            ("k", NotAnAmount),
            ("1,5", NotAnAmount),
            ("1,50,000", NotAnAmount),
            ("1..5", NotAnAmount),
            ("5만 1억 달러", NotAnAmount),
            ("5kk", NotAnAmount),
            ("5 millions", NotAnAmount),
            // Two numbers typed apart are not one (QA: `10000 50000` read as 1,000,050,000).
            ("10000 50000", NotAnAmount),
            ("1 5", NotAnAmount),
            ("5천5천", NotAnAmount),
            ("5k5", NotAnAmount),
            ("1m 5", NotAnAmount),
            ("1억5 달러", NotAnAmount),
            ("២លាន៥", NotAnAmount),
            ("3만5", NotAnAmount),
            ("$", NotAnAmount),
            ("500.5", NotWhole),
            // Thousands to some, a decimal point to others (QA: 500.000 was saved as $500).
            ("500.000", AmbiguousDot),
            ("$1.500", AmbiguousDot),
            ("៥០០.០០០ ដុល្លារ", AmbiguousDot),
            // With a unit after it too, and in a number of several groups (QA round 2).
            ("1.500k", AmbiguousDot),
            ("1.500m", AmbiguousDot),
            ("500.000k", AmbiguousDot),
            ("1.000.000", AmbiguousDot),
            ("1.2345k", NotWhole),
            ("0.0000001", NotWhole),
            ("-500", OutOfRange),
            ("3b", OutOfRange),
            ("1조", OutOfRange),
            (&"9".repeat(60), OutOfRange),
            ("5천만원", OtherCurrency(Currency::Won)),
            ("₩50,000", OtherCurrency(Currency::Won)),
            ("50000 KRW", OtherCurrency(Currency::Won)),
            ("៥សែនរៀល", OtherCurrency(Currency::Riel)),
            ("200000៛", OtherCurrency(Currency::Riel)),
            ("￦50,000", OtherCurrency(Currency::Won)),
            ("50,000원.", OtherCurrency(Currency::Won)),
        ] {
            assert_eq!(parse(typed), Err(why), "{typed:?}");
        }
        assert_eq!(ok("-0"), 0);
        assert_eq!(ok(&MAX_USD.to_string()), MAX_USD);
        assert_eq!(parse(&(MAX_USD + 1).to_string()), Err(OutOfRange));
    }

    proptest::proptest! {
        /// Any amount the service takes, written with thousands separators, with a unit that
        /// divides it, or in Khmer digits, reads back as itself.
        #[test]
        fn every_amount_reads_back(n in 0..=MAX_USD) {
            let grouped = {
                let digits = n.to_string();
                let mut out = String::new();
                for (i, c) in digits.chars().enumerate() {
                    if i > 0 && (digits.len() - i) % 3 == 0 {
                        out.push(',');
                    }
                    out.push(c);
                }
                out
            };
            proptest::prop_assert_eq!(parse(&grouped), Ok(Some(n)));
            let khmer: String = n
                .to_string()
                .chars()
                .map(|c| char::from_u32(0x17E0 + c.to_digit(10).unwrap_or(0)).unwrap_or(c))
                .collect();
            proptest::prop_assert_eq!(parse(&khmer), Ok(Some(n)));
            if n % 10_000 == 0 {
                proptest::prop_assert_eq!(parse(&format!("{}만", n / 10_000)), Ok(Some(n)));
            }
            if n % 1_000 == 0 {
                proptest::prop_assert_eq!(parse(&format!("{}k", n / 1_000)), Ok(Some(n)));
            }
        }

        /// Whatever is typed, reading it ends with an answer, never a panic.
        #[test]
        fn anything_typed_gets_an_answer(s in "\\PC{0,40}") {
            let _ = parse(&s);
        }
    }
}
