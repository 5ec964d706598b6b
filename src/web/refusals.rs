//! What a form says about an answer it cannot take, in the page language, for the wizard and
//! the mandate form alike.
//!
//! The use cases name a refused field for API clients ("too long: 5012 characters, at most
//! 5000"); a person on a phone needs to know what to change. These checks mirror the domain's
//! rules for the parts a form asks (text in one language, amounts typed by hand) so that every
//! problem is named at once and on the step that asks it. The domain stays the judge: an
//! answer these let through and it refuses still gets the form's general message.

use super::i18n::Tr;
use super::Form;
use crate::domain::amount::{self, AmountError, Currency};
use crate::domain::incentives::format_usd;
use crate::domain::money::MAX_USD;
use crate::domain::sme::{DESCRIPTION_MAX_CHARS, NAME_MAX_CHARS};
use crate::domain::text::{check_plain_text, check_visible, Lang};

/// The problem with a text typed in the page language, if any: nothing typed, more than
/// `max_chars` characters, nothing visible (only spaces, marks or format characters), or
/// characters that cannot be shown (controls).
pub fn text(tr: Tr, typed: Option<&str>, max_chars: usize) -> Option<String> {
    // Judged as typed, spaces around included, as the domain judges it (`text::clean`).
    let typed = typed.unwrap_or_default();
    if typed.trim().is_empty() {
        return Some(tr.t("error-text-required"));
    }
    let count = typed.chars().count();
    if count > max_chars {
        return Some(tr.t2(
            "error-text-too-long",
            ("max", max_chars.to_string()),
            ("count", count.to_string()),
        ));
    }
    if check_visible(typed).is_err() {
        return Some(tr.t("error-text-invisible"));
    }
    if check_plain_text(typed, max_chars).is_err() {
        return Some(tr.t("error-text-characters"));
    }
    None
}

/// The problems with a profile form's name and description (`text`), each with its field. A
/// profile being changed (the form has its `id`) may leave the page language's text empty: it
/// keeps its texts in other languages, and the use case refuses it if none is left.
pub fn name_and_description(tr: Tr, form: &Form) -> Vec<(&'static str, String)> {
    [
        ("name", NAME_MAX_CHARS),
        ("description", DESCRIPTION_MAX_CHARS),
    ]
    .into_iter()
    .filter(|(id, _)| form.get("id").is_none() || form.get(id).is_some())
    .filter_map(|(id, max)| {
        let typed = form.get(id);
        let problem = text(tr, typed, max).or_else(|| {
            // A description says something in words, as the use case asks
            // (`LocalizedText::parse_description`); a name may be a symbol.
            let words = crate::domain::text::check_words(typed.unwrap_or_default());
            (id == "description" && words.is_err()).then(|| tr.t("error-text-no-words"))
        });
        problem.map(|m| (id, m))
    })
    .collect()
}

/// What the use case would refuse in the name and description typed on this page for what
/// they tell (contact details, a hidden business's name: `visibility::own_texts_reveal`), said
/// on the step that asks them, next to the field. QA: the refusal came only at the last step,
/// whose link led back to a first step that showed nothing wrong.
pub fn own_texts(tr: Tr, form: &Form, name_hidden: bool) -> Vec<(&'static str, String)> {
    use crate::domain::text::LocalizedText;
    let typed = |id: &str| {
        let text = form.get(id).map(str::to_string);
        let mut t = LocalizedText::default();
        match tr.lang {
            Lang::En => t.en = text,
            Lang::Km => t.km = text,
            Lang::Ko => t.ko = text,
        }
        t
    };
    let checked = crate::service::visibility::own_texts_reveal(
        &typed("description"),
        &typed("name"),
        name_hidden,
        &crate::domain::contact::Contact::default(),
    );
    let Err(refused) = checked else {
        return Vec::new();
    };
    refused
        .0
        .iter()
        .filter_map(|fe| {
            let id = if fe.field.starts_with("input.name") {
                "name"
            } else {
                "description"
            };
            own_text_message(tr, &fe.field, &fe.message).map(|m| (id, m))
        })
        .collect()
}

/// A count as a person types it (`1,200`, `1 200`, Khmer or full-width digits): staff, a
/// year; `Err` when it is not a whole number. Amounts of money read more ways: [`amount`].
///
/// Invisible characters go (a Khmer keyboard's zero-width space: QA, "2015\u{200b}" was refused
/// with nothing to see), and so does a unit word after or before the number ("12 នាក់",
/// "ឆ្នាំ២០១៥", "12명", "2015년").
pub fn number(s: Option<&str>) -> Result<Option<i64>, ()> {
    const UNITS: &[&str] = &["នាក់", "ឆ្នាំ", "명", "년", "people", "staff"];
    let Some(s) = s else {
        return Ok(None);
    };
    let digits: String = crate::domain::text::ascii_digits(s)
        .chars()
        .filter(|c| !crate::domain::text::is_invisible(*c) && *c != ',')
        .collect();
    let mut digits = digits.as_str();
    for unit in UNITS {
        digits = digits.strip_suffix(unit).unwrap_or(digits);
        digits = digits.strip_prefix(unit).unwrap_or(digits);
    }
    if digits.is_empty() {
        return Ok(None);
    }
    digits.parse().map(Some).map_err(|_| ())
}

/// People working in a business as typed (optional, ១២ នាក់, 12명): a whole number up to the
/// domain's bound, or the message saying so.
pub fn employees(tr: Tr, typed: Option<&str>) -> Result<Option<i64>, String> {
    use crate::domain::sme::MAX_EMPLOYEES;
    match number(typed) {
        Ok(n) if n.is_none_or(|n| (0..=MAX_EMPLOYEES).contains(&n)) => Ok(n),
        // Grouped as every other number on the pages (QA: "from 0 to 100000").
        _ => Err(tr.t1("error-employees", "max", format_usd(MAX_EMPLOYEES))),
    }
}

/// The problems with a business's size as typed (both optional): people working in it
/// ([`employees`]), and the year it started, from 1900 to this year.
pub fn size(tr: Tr, employees: Option<&str>, founded: Option<&str>) -> Vec<(&'static str, String)> {
    use crate::domain::sme::{buddhist_era_years, EARLIEST_FOUNDED_YEAR};
    let mut out = Vec::new();
    if let Err(message) = self::employees(tr, employees) {
        out.push(("employees", message));
    }
    let this_year = i64::from(time::OffsetDateTime::now_utc().year());
    let range = || {
        tr.t2(
            "error-founded",
            ("first", EARLIEST_FOUNDED_YEAR.to_string()),
            ("last", this_year.to_string()),
        )
    };
    match number(founded) {
        Ok(None) => {}
        Ok(Some(y)) if (EARLIEST_FOUNDED_YEAR..=this_year).contains(&y) => {}
        // A year of the Buddhist era, as Cambodian papers date (QA): said so, with the years
        // it can be, rather than "enter a year from 1900 to 2026" for a year the owner knows.
        Ok(Some(y)) => out.push((
            "founded",
            match buddhist_era_years(y, this_year) {
                Some((early, late)) => tr.t2(
                    "error-founded-buddhist-era",
                    ("year", y.to_string()),
                    (
                        "common",
                        if early == late {
                            early.to_string()
                        } else {
                            format!("{early}/{late}")
                        },
                    ),
                ),
                None => range(),
            },
        )),
        Err(()) => out.push(("founded", range())),
    }
    out
}

/// The language of a refused profile text, from its field (`input.description.km`); `None`
/// for a field of no one language.
pub fn text_lang(field: &str) -> Option<Lang> {
    super::parse_lang(field.rsplit_once('.')?.1)
}

/// The page-language message for a profile text the use case refused because it tells what
/// the rules keep back (`visibility::own_texts_reveal`), more to the point than "fill this in".
/// It quotes the word taken for a hidden name, and says so when the text refused is in another
/// language than the page's: the form shows one language's text and keeps the others out of
/// sight (QA: a Khmer owner was told their text named the business, and it was the English one).
pub fn own_text_message(tr: Tr, field: &str, message: &str) -> Option<String> {
    use crate::service::visibility::{read_own_text_refusal, OwnTextRefusal};
    let said = match read_own_text_refusal(message)? {
        OwnTextRefusal::Contact(found) => {
            tr.t1("error-text-own-contact", "found", found.to_string())
        }
        OwnTextRefusal::HiddenName(word) => {
            tr.t1("error-text-hidden-name", "word", word.to_string())
        }
    };
    let other = text_lang(field).filter(|l| *l != tr.lang);
    Some(match other {
        Some(l) => tr.t2(
            "error-text-other-language",
            ("message", said),
            ("language", tr.t(&format!("lang-name-{}", l.code()))),
        ),
        None => said,
    })
}

/// The message for an amount that cannot be taken, in the page language.
pub fn amount_message(tr: Tr, why: AmountError) -> String {
    match why {
        AmountError::NotAnAmount => tr.t("error-investment"),
        AmountError::NotWhole => tr.t("error-amount-whole"),
        AmountError::AmbiguousDot => tr.t("error-amount-dot"),
        AmountError::OutOfRange => tr.t1("error-amount-range", "max", format_usd(MAX_USD)),
        AmountError::OtherCurrency(Currency::Won) => tr.t("error-amount-won"),
        AmountError::OtherCurrency(Currency::Riel) => tr.t("error-amount-riel"),
    }
}

/// An amount of US dollars as typed (`500000`, `500k`, `50만`, `៥សែន`: `domain::amount`), or
/// the message saying why it cannot be taken.
pub fn amount(tr: Tr, typed: Option<&str>) -> Result<Option<i64>, String> {
    amount::parse(typed.unwrap_or_default()).map_err(|why| amount_message(tr, why))
}

/// The problems with a range of amounts typed in fields `min_id` and `max_id` (not an amount;
/// not whole dollars; below 0 or above the largest amount the service takes; in won or riel;
/// smallest above largest), each with the field it belongs to, and the amounts as far as they
/// could be read.
pub fn amounts(
    tr: Tr,
    (min_id, min): (&'static str, Option<&str>),
    (max_id, max): (&'static str, Option<&str>),
) -> (Vec<(&'static str, String)>, Option<i64>, Option<i64>) {
    let mut problems = Vec::new();
    let mut read = |id: &'static str, typed: Option<&str>| match amount(tr, typed) {
        Ok(v) => v,
        Err(message) => {
            problems.push((id, message));
            None
        }
    };
    let (lo, hi) = (read(min_id, min), read(max_id, max));
    if let (Some(lo), Some(hi)) = (lo, hi) {
        if lo > hi {
            // Both as read, in dollars: `5000k` is five million, which a person meaning 5,000
            // learns only this way (QA).
            problems.push((
                min_id,
                tr.t2(
                    "error-range",
                    ("min", format_usd(lo)),
                    ("max", format_usd(hi)),
                ),
            ));
        }
    }
    (problems, lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_text_problem_has_its_own_message_in_each_language() {
        for lang in Lang::ALL {
            let tr = Tr::new(lang);
            let messages = [
                text(tr, None, 10),
                text(tr, Some("   "), 10),
                text(tr, Some(&"ក".repeat(11)), 10),
                text(tr, Some("\u{17b6}\u{17b7}"), 10),
                text(tr, Some("a\u{7}b"), 10),
            ]
            .map(|m| m.expect("refused"));
            assert_eq!(messages[0], messages[1], "nothing typed, twice");
            let distinct: std::collections::BTreeSet<&String> = messages[1..].iter().collect();
            assert_eq!(distinct.len(), 4, "{lang:?}: {messages:?}");
            assert!(messages[2].contains("10") && messages[2].contains("11"));
            assert_eq!(text(tr, Some("ហាងកាហ្វេ"), 10), None);
            // As typed, as the domain judges it: a control character at the end (U+000B is
            // white space too), spaces that take it over the limit.
            assert_eq!(text(tr, Some("ហាង\u{b}"), 10), Some(messages[4].clone()));
            assert_eq!(text(tr, Some("ហាង        "), 10), Some(messages[2].clone()));
        }
    }

    #[test]
    fn a_question_label_takes_no_colon_in_the_summary() {
        let tr = Tr::new(Lang::Km);
        let line = summary_line(tr, FormKind::Business, "description", "x");
        assert!(!line.contains("?៖") && line.ends_with("? x"), "{line}");
        let line = summary_line(tr, FormKind::Business, "phone", "x");
        assert!(line.ends_with("៖ x"), "{line}");
    }

    #[test]
    fn counts_read_past_invisible_characters_and_unit_words() {
        for (typed, read) in [
            ("12\u{200b}", 12),
            ("2015\u{200b}", 2015),
            ("១២ នាក់", 12),
            ("១២នាក់", 12),
            ("ឆ្នាំ២០១៥", 2015),
            ("12명", 12),
            ("2015년", 2015),
            ("1,200", 1200),
        ] {
            assert_eq!(number(Some(typed)), Ok(Some(read)), "{typed:?}");
        }
        assert_eq!(number(Some("\u{200b}")), Ok(None));
        assert_eq!(number(Some("10-15")), Err(()));
    }

    #[test]
    fn amounts_name_the_field_and_the_order() {
        let tr = Tr::new(Lang::En);
        let (problems, lo, hi) = amounts(tr, ("lo", Some("៥០០០០")), ("hi", Some("1,000")));
        assert_eq!((lo, hi), (Some(50_000), Some(1_000)));
        assert_eq!(
            problems,
            vec![(
                "lo",
                "The smallest amount, read as 50,000 US dollars, is above the largest, 1,000 US \
                 dollars"
                    .to_string()
            )]
        );
        let (problems, lo, _) = amounts(tr, ("lo", Some("a lot")), ("hi", Some("-5")));
        assert_eq!(lo, None);
        assert_eq!(
            problems.iter().map(|p| p.0).collect::<Vec<_>>(),
            vec!["lo", "hi"]
        );
        let (problems, ..) = amounts(tr, ("lo", Some("")), ("hi", None));
        assert!(problems.is_empty());
        let (problems, ..) = amounts(tr, ("lo", Some("3,000,000,000")), ("hi", None));
        assert_eq!(problems.len(), 1);
        assert!(problems[0].1.contains("2,147,483,647"), "{problems:?}");
        assert_ne!(problems[0].1, tr.t("error-investment"));
        let (problems, ..) = amounts(tr, ("lo", Some("99999999999999999999")), ("hi", Some("-1")));
        assert_eq!(problems.len(), 2);
        assert!(
            problems.iter().all(|p| p.1.contains("2,147,483,647")),
            "{problems:?}"
        );
        // Written the way analysts and owners write them.
        let (problems, lo, hi) = amounts(tr, ("lo", Some("5만")), ("hi", Some("$1.5m")));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!((lo, hi), (Some(50_000), Some(1_500_000)));
    }

    #[test]
    fn each_amount_problem_has_its_own_message_in_each_language() {
        for lang in Lang::ALL {
            let tr = Tr::new(lang);
            let messages: Vec<String> = ["many", "500.5", "-1", "5천만원", "៥សែនរៀល", "500.000"]
                .iter()
                .map(|typed| amount(tr, Some(typed)).expect_err(typed))
                .collect();
            let distinct: std::collections::BTreeSet<&String> = messages.iter().collect();
            assert_eq!(distinct.len(), messages.len(), "{lang:?}: {messages:?}");
            // The general message shows the short ways too, so people learn they may use them.
            assert!(messages[0].contains("500000"), "{}", messages[0]);
        }
    }
}

/// Which form a summary line belongs to: the same field id has another label on each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    Business,
    Mandate,
}

/// A line of a form's error summary: the field's label, then what to change. Several fields
/// can be refused with the same words ("Fill this in"), and the summary, read at the top of
/// the page, must say which field each line is about.
pub fn summary_line(tr: Tr, form: FormKind, id: &str, message: &str) -> String {
    let key = match (form, id) {
        (FormKind::Business, "name") => "wizard-name",
        (FormKind::Business, "description") => "wizard-description",
        (FormKind::Business, "sector") => "wizard-sector",
        (FormKind::Business, "province") => "wizard-province",
        (FormKind::Business, "employees") => "wizard-employees",
        (FormKind::Business, "founded") => "wizard-founded",
        (FormKind::Business, "capital_min") => "wizard-capital-min",
        (FormKind::Business, "capital_max") => "wizard-capital-max",
        (FormKind::Mandate, "name") => "mandate-name",
        (FormKind::Mandate, "description") => "mandate-description",
        (FormKind::Mandate, "organization") => "mandate-organization",
        (FormKind::Mandate, "sectors" | "sector") => "mandate-sectors",
        (FormKind::Mandate, "ticket_min" | "ticket_max") => "mandate-ticket",
        (FormKind::Mandate, "partnership") => "mandate-partnerships",
        (FormKind::Mandate, "provinces" | "province") => "mandate-provinces",
        (FormKind::Mandate, "level") => "mandate-levels",
        (FormKind::Mandate, "incentive") => "mandate-incentives",
        (_, "person") => "wizard-person",
        (_, "phone") => "wizard-phone",
        (_, "telegram") => "wizard-telegram",
        (_, "email") => "account-email",
        _ => return message.to_string(),
    };
    let field = tr.t(key);
    // A label that is a question ("What does the business do?") takes no colon after its
    // question mark (QA: "តើអាជីវកម្មធ្វើអ្វី?៖").
    let line = if field.ends_with(['?', '？']) {
        "error-summary-line-question"
    } else {
        "error-summary-line"
    };
    tr.t2(line, ("field", field), ("message", message.to_string()))
}
