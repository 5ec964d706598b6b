//! Contact details: private to the owner (and, later, to accepted counterparts and staff).

use super::text::optional_plain;
use super::validation::Checker;

/// An e-mail address in the usual `local@domain.tld` shape (not RFC 5322 in full: addresses
/// with quoted local parts or IP-literal domains are refused, as most mail forms do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let bad = || Err(format!("{s:?} is not a valid e-mail address"));
        if s.len() > 254 {
            return bad();
        }
        let Some((local, domain)) = s.split_once('@') else {
            return bad();
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
            && labels
                .last()
                .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
        if local_ok && domain_ok {
            Ok(Email(s.to_string()))
        } else {
            bad()
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A phone number as people write it (`+855 12 345 678`, `012-345-678`): 8 to 15 digits; 9
/// to 11 written the country's own way with one leading 0 (Cambodia's 0 + 8 or 9, Korea's
/// 010-1234-5678), 10 or more written with `+` or `00` (QA: `012 345 67` was taken, a number
/// nobody answers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn parse(s: &str) -> Result<Self, String> {
        // Khmer and full-width digits are digits too (a Khmer keyboard types ០១២).
        let typed = super::text::ascii_digits(s);
        let s = typed.trim();
        let digits = s.chars().filter(|c| c.is_ascii_digit()).count();
        let shape_ok = s
            .chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || " -().".contains(c) || (c == '+' && i == 0));
        let n: String = s.chars().filter(char::is_ascii_digit).collect();
        let abroad = n.strip_prefix("00").unwrap_or(&n);
        let length_ok = if s.starts_with('+') || n.starts_with("00") {
            // Cambodia's and Korea's numbers by their own lengths (+855 and 8 or 9 digits, +82
            // and 9 or 10; QA round 2: "+855 12 345 67" was taken), others 10 to 15 in all.
            match abroad {
                a if a.starts_with("855") => (11..=12).contains(&a.len()),
                a if a.starts_with("82") => (11..=12).contains(&a.len()),
                a => (10..=15).contains(&a.len()),
            }
        } else if n.starts_with('0') {
            (9..=11).contains(&digits)
        } else {
            (8..=15).contains(&digits)
        };
        if shape_ok && length_ok {
            Ok(Phone(s.to_string()))
        } else {
            Err(format!(
                "{s:?} is not a phone number (e.g. \"012 345 678\" or \"+855 12 345 678\": 9 to 11 digits with a leading 0, 10 to 15 with +)"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as someone abroad dials it, and as they read it: written in a country's own
    /// way (a leading 0, no `+`), it gets that country's code instead of the 0 (`012 345 678`
    /// of a Cambodian business is `+855 12 345 678`; a Korean investor dialling 012… reaches
    /// nobody). Written with `+` or `00`, or with no country known, it is as written.
    pub fn international(&self, country_code: Option<&str>) -> (String, String) {
        let written = self.0.trim();
        let shown = match country_code {
            Some(cc) if written.starts_with('0') && !written.starts_with("00") => {
                format!("+{cc} {}", written[1..].trim_start_matches([' ', '-', '.']))
            }
            _ => written.to_string(),
        };
        let dial = shown
            .chars()
            .enumerate()
            .filter(|(i, c)| c.is_ascii_digit() || (*i == 0 && *c == '+'))
            .map(|(_, c)| c)
            .collect();
        (shown, dial)
    }
}

/// A Telegram username, stored without the leading `@`: 5–32 letters, digits or underscores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelegramHandle(String);

impl TelegramHandle {
    pub fn parse(s: &str) -> Result<Self, String> {
        let h = s.trim().trim_start_matches('@');
        let ok = (5..=32).contains(&h.len())
            && h.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && h.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
        if ok {
            Ok(TelegramHandle(h.to_string()))
        } else {
            Err(format!(
                "{s:?} is not a Telegram username (5 to 32 letters, digits or underscores, starting with a letter)"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    pub person: Option<String>,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub telegram: Option<TelegramHandle>,
}

#[derive(Debug, Clone, Default)]
pub struct ContactRaw {
    pub person: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub telegram: Option<String>,
}

fn optional<T>(
    s: Option<String>,
    parse: fn(&str) -> Result<T, String>,
) -> Result<Option<T>, String> {
    match s {
        Some(s) if !s.trim().is_empty() => parse(&s).map(Some),
        _ => Ok(None),
    }
}

/// The refusal of a contact with no e-mail, phone or Telegram.
pub const NO_WAY_TO_REACH: &str = "give at least one way to be reached: an e-mail address, a \
     phone number or a Telegram username (a partner sees it only after both sides accept an \
     introduction)";

impl Contact {
    /// Parses into `c`, naming fields `contact.email` and so on.
    pub fn check(c: &mut Checker, raw: ContactRaw) -> Option<Contact> {
        let person = c.check("contact.person", optional_plain(raw.person, 120));
        let email = c.check("contact.email", optional(raw.email, Email::parse));
        let phone = c.check("contact.phone", optional(raw.phone, Phone::parse));
        let telegram = c.check(
            "contact.telegram",
            optional(raw.telegram, TelegramHandle::parse),
        );
        // The pipeline ends in both sides reading each other's contact: a profile nobody can
        // reach makes every accepted introduction lead nowhere.
        if matches!(
            (&email, &phone, &telegram),
            (Some(None), Some(None), Some(None))
        ) {
            c.fail("contact", NO_WAY_TO_REACH);
            return None;
        }
        Some(Contact {
            person: person?,
            email: email?,
            phone: phone?,
            telegram: telegram?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for ok in ["sokha@example.com.kh", "a.b+c@mail.co.kr"] {
            assert!(Email::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "no-at",
            "a@b",
            "@x.com",
            "a@x..com",
            "a b@x.com",
            "a@-x.com",
            "a@x.c0m",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_local_number_gets_its_country_code_for_dialling_from_abroad() {
        let p = |s: &str| Phone::parse(s).unwrap();
        assert_eq!(
            p("012 345 678").international(Some("855")),
            ("+855 12 345 678".to_string(), "+85512345678".to_string())
        );
        assert_eq!(
            p("+82 10 1234 5678").international(Some("855")),
            ("+82 10 1234 5678".to_string(), "+821012345678".to_string())
        );
        assert_eq!(
            p("010-1234-5678").international(None),
            ("010-1234-5678".to_string(), "01012345678".to_string())
        );
        assert_eq!(
            p("(012) 345-678").international(Some("855")).1,
            "(012) 345-678"
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
        );
    }

    #[test]
    fn phones_and_handles() {
        // A Khmer keyboard's digits are digits.
        assert_eq!(
            Phone::parse("០១២ ៣៤៥ ៦៧៨").map(|p| p.as_str().to_string()),
            Ok("012 345 678".to_string())
        );
        assert!(Phone::parse("+855 12 345 678").is_ok());
        assert!(Phone::parse("012-345-678").is_ok());
        assert!(Phone::parse("12345").is_err());
        assert!(Phone::parse("+855 12 345 678 ext").is_err());
        // A digit short (QA), or a country code alone.
        assert!(Phone::parse("012 345 67").is_err());
        assert!(Phone::parse("+855 12 345").is_err());
        assert!(Phone::parse("+855 12 345 67").is_err());
        assert!(Phone::parse("+82 10 1234 5678").is_ok());
        assert!(Phone::parse("010-1234-5678").is_ok());
        // As a Korean input method types it.
        assert_eq!(
            Phone::parse("０１０－１２３４－５６７８").map(|p| p.as_str().to_string()),
            Ok("010-1234-5678".to_string())
        );
        assert_eq!(
            TelegramHandle::parse("@sokha_shop").unwrap().as_str(),
            "sokha_shop"
        );
        assert!(TelegramHandle::parse("@ab").is_err());
    }
}
