//! Accounts: roles and the password policy.
//!
//! The password policy follows NIST SP 800-63B: length over composition rules, and no password
//! from a list of common ones. Refused: fewer than [`PASSWORD_MIN_CHARS`] characters, blank
//! (whitespace only), one character repeated, and any of the 10,000 most common passwords
//! (`data/common-passwords/`), compared case-insensitively, also with trailing digits and
//! symbols removed (`password12` is `password` with a number on the end).

use super::contact::Email;
use super::ids::ProfileId;
use super::validation::{Checker, ValidationErrors};

/// Ids of accounts are UUIDv7 like every other id.
pub type UserId = ProfileId;

/// What an account may do. SME and INVESTOR accounts sign themselves up and own profiles;
/// STAFF (chamber curators) and ADMIN accounts are created by an operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Sme,
    Investor,
    Staff,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Sme => "SME",
            Role::Investor => "INVESTOR",
            Role::Staff => "STAFF",
            Role::Admin => "ADMIN",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Role::Sme, Role::Investor, Role::Staff, Role::Admin]
            .into_iter()
            .find(|r| r.as_str() == s.to_ascii_uppercase())
    }

    /// Staff and admins curate and see everything.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Staff | Role::Admin)
    }
}

/// Passwords are at least this long; length beats composition rules (NIST SP 800-63B).
pub const PASSWORD_MIN_CHARS: usize = 10;
pub const PASSWORD_MAX_CHARS: usize = 200;

/// The common-password list, lower-cased (built into the binary, parsed once).
static COMMON_PASSWORDS: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
    std::sync::LazyLock::new(|| {
        include_str!("../../data/common-passwords/passwords.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    });

/// A password as its keys mean it, whichever keyboard typed it: Khmer and full-width digits as
/// the digits they are, and an IME's full-width symbols and spaces as theirs
/// (`text::ascii_digit`), invisible characters (zero-width spaces, which
/// Khmer keyboards put between words, joiners, a byte-order mark, soft hyphens) left out, and composed as
/// Unicode NFC (a vowel typed as one character or as two). What is hashed and checked, and what
/// the length bound counts. QA: an owner signed up with "…៨៨" from the Khmer keyboard and
/// could not log in with "…88" from the phone's number keys, nor with the same words without
/// the zero-width spaces; a hidden field shows neither difference.
pub fn password_as_typed(password: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    password
        .chars()
        .filter(|c| {
            !matches!(
                c,
                '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
            )
        })
        .map(|c| {
            if c.is_ascii() {
                c
            } else {
                super::text::ascii_digit(c)
            }
        })
        .nfc()
        .collect()
}

/// Whether `password` is guessable whatever its length: blank, one repeated character, or a
/// common password (with or without trailing digits and symbols). Length is checked apart.
pub fn check_password(password: &str) -> Result<(), String> {
    if password.trim().is_empty() {
        return if password.is_empty() {
            Err(format!("must be at least {PASSWORD_MIN_CHARS} characters"))
        } else {
            Err("must not be blank".into())
        };
    }
    // As a reader sees it: Khmer and full-width digits are digits (QA: a Khmer keyboard types
    // ១២៣៤៥៦៧៨៩០, which passed where 1234567890 is refused).
    let lower = {
        use unicode_normalization::UnicodeNormalization;
        let seen: String = password.nfkc().collect();
        super::text::ascii_digits(&seen).to_lowercase()
    };
    let mut chars = lower.chars();
    if let Some(first) = chars.next() {
        if chars.all(|c| c == first) {
            return Err("must not be one character repeated".into());
        }
    }
    let base = lower.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation());
    if COMMON_PASSWORDS.contains(lower.as_str())
        || (base.chars().count() >= 4 && COMMON_PASSWORDS.contains(base))
        || is_guessable_in_khmer_or_korean(base)
    {
        return Err("is one of the most common passwords: choose a less guessable one".into());
    }
    Ok(())
}

/// The list of common passwords is of Latin ones; these are the first a Khmer or Korean
/// keyboard types (QA): the word "password", and the alphabet in order (4 letters or more).
fn is_guessable_in_khmer_or_korean(base: &str) -> bool {
    const WORDS: &[&str] = &["ពាក្យសម្ងាត់", "ពាក្យសំងាត់", "លេខសម្ងាត់", "비밀번호", "패스워드"];
    const ALPHABETS: &[&str] = &[
        "កខគឃងចឆជឈញដឋឌឍណតថទធនបផពភមយរលវសហឡអ",
        "가나다라마바사아자차카타파하",
    ];
    WORDS.contains(&base)
        || (base.chars().count() >= 4 && ALPHABETS.iter().any(|a| a.contains(base)))
}

/// Whether `password` is the account's e-mail address, or the address's name part (before the
/// @), give or take digits, symbols and spaces: the first thing someone who knows the address
/// tries (QA: an address was accepted as its own password; then `sokhachan2024`,
/// `2024sokha.chan` and full-width letters for sokha.chan@…). Compared by their letters alone,
/// as a reader sees them (NFKC, lower case).
fn is_own_address(password: &str, email: &str) -> bool {
    use unicode_normalization::UnicodeNormalization;
    let letters = |s: &str| -> String {
        s.nfkc()
            .flat_map(char::to_lowercase)
            .filter(|c| c.is_alphabetic())
            .collect()
    };
    let said = letters(password);
    let name = letters(email.split('@').next().unwrap_or_default());
    !name.is_empty() && (said == name || said == letters(email))
}

/// Why `password` cannot be the password of the account of `email`, if it cannot: guessable
/// (see [`check_password`]), the address itself, or outside the length bounds. One rule for
/// sign-ups, password changes and resets.
pub fn password_problem(password: &str, email: &str) -> Option<String> {
    // Judged as it is hashed: zero-width spaces are no characters of it (attacker QA:
    // "pass\u{200B}word123" passed as uncommon and then logged in as password123).
    let typed = password_as_typed(password);
    let password = typed.as_str();
    let n = password.chars().count();
    if let Err(reason) = check_password(password) {
        Some(reason)
    } else if is_own_address(password, email) {
        Some("must not be the account's e-mail address or its name part".into())
    } else if n < PASSWORD_MIN_CHARS {
        Some(format!("must be at least {PASSWORD_MIN_CHARS} characters"))
    } else if n > PASSWORD_MAX_CHARS {
        Some(format!("must be at most {PASSWORD_MAX_CHARS} characters"))
    } else {
        None
    }
}

/// A sign-up as submitted, checked.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub email: Email,
    pub password: String,
    pub role: Role,
}

impl NewAccount {
    /// `self_service`: only SME and INVESTOR accounts may sign themselves up.
    pub fn validate(
        email: &str,
        password: &str,
        role: Role,
        self_service: bool,
    ) -> Result<Self, ValidationErrors> {
        let mut c = Checker::new("input");
        let address = c.check("email", Email::parse(email));
        if let Some(reason) = password_problem(password, email) {
            c.fail("password", reason);
        }
        if self_service && role.is_staff() {
            c.fail(
                "role",
                "STAFF and ADMIN accounts are created by an operator (khkr-match user create)",
            );
        }
        c.finish(|| NewAccount {
            // Stored lower-case: addresses are matched case-insensitively at log-in.
            email: Email::parse(&address.expect("checked").as_str().to_ascii_lowercase())
                .expect("still valid"),
            password: password.to_string(),
            role,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_up_rules() {
        let ok = NewAccount::validate(
            "Sokha@Example.com",
            "correct horse battery",
            Role::Sme,
            true,
        )
        .unwrap();
        assert_eq!(ok.email.as_str(), "sokha@example.com");
        let err = NewAccount::validate("nope", "short", Role::Staff, true).unwrap_err();
        assert_eq!(
            err.fields(),
            vec!["input.email", "input.password", "input.role"]
        );
        assert!(NewAccount::validate("a@b.co", "long enough pw", Role::Staff, false).is_ok());
        assert_eq!(Role::parse("staff"), Some(Role::Staff));
    }

    #[test]
    fn a_password_is_judged_as_it_is_hashed() {
        // Invisible characters do not make a common password uncommon, a repeated one varied,
        // or a short one long (attacker QA).
        let repeated = "a\u{200B}".repeat(10);
        for p in [
            "pass\u{200B}word123",
            "1234\u{200B}567890",
            repeated.as_str(),
            "\u{AD}\u{AD}\u{AD}Xk9#mQ2",
        ] {
            assert!(password_problem(p, "x@y.example").is_some(), "{p:?}");
        }
        assert_eq!(password_as_typed("ab\u{AD}c៩"), "abc9");
    }

    #[test]
    fn password_policy() {
        for bad in [
            "aaaaaaaaaa",
            "          ",
            "password12",
            "Password123!",
            "qwertyuiop",
            "1234567890",
            "",
            // As a Khmer or Korean keyboard types them (QA).
            "១២៣៤៥៦៧៨៩០",
            "ពាក្យសម្ងាត់",
            "ពាក្យសម្ងាត់១២៣",
            "កខគឃងចឆជឈញ",
            "비밀번호1234",
            "가나다라마바사아",
        ] {
            let err = NewAccount::validate("a@b.co", bad, Role::Sme, true).unwrap_err();
            assert_eq!(err.fields(), vec!["input.password"], "{bad:?}");
        }
        for good in [
            "correct horse battery",
            "demo-3f9a1c-77b2e0",
            "캄보디아 투자 2026",
            "ស្ករត្នោតកំពង់ស្ពឺ២០២៦",
        ] {
            assert!(check_password(good).is_ok(), "{good:?}");
        }
        assert!(COMMON_PASSWORDS.len() >= 9_000);
        // The account's own address, or its name part give or take digits, symbols and spaces,
        // however written (QA round 2 of this rule: each of the last five passed).
        for bad in [
            "sokha.coffee@example.com",
            "Sokha.Coffee@Example.com",
            "sokha.coffee",
            "sokha.coffee2024!",
            "sokha.coffee77-2024",
            "sokhacoffee2024",
            "sokha.coffee 2024",
            "2024sokha.coffee",
            "ｓｏｋｈａ.ｃｏｆｆｅｅ2024",
            "sokha.coffee١٢٣٤٥",
        ] {
            let err =
                NewAccount::validate("sokha.coffee@example.com", bad, Role::Sme, true).unwrap_err();
            assert_eq!(err.fields(), vec!["input.password"], "{bad:?}");
        }
        // A password that holds the name among other words is the person's choice.
        assert!(
            password_problem("sokha.coffee at the market", "sokha.coffee@example.com").is_none()
        );
    }
}

/// An account as the rest of the service sees it (never with its password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub role: Role,
    pub created_at: time::OffsetDateTime,
}

/// Bearer tokens: SESSION tokens come from logging in and expire; API_KEY tokens are issued to
/// integrations by their owner and last until revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Session,
    ApiKey,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Session => "SESSION",
            TokenKind::ApiKey => "API_KEY",
        }
    }
}

/// How long a log-in lasts.
pub const SESSION_DAYS: i64 = 30;
