//! Text in the product's three languages (English, Khmer, Korean).
//!
//! Text is stored exactly as the client sent it, byte for byte: Khmer is often typed with
//! zero-width spaces between words and any normalisation here would silently change it. Only
//! control characters are refused, and whitespace-only text counts as absent.

/// The languages profiles are written in and answers are given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Km,
    Ko,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Km, Lang::Ko];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Km => "km",
            Lang::Ko => "ko",
        }
    }
}

/// Up to one text per language; a valid value has at least one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocalizedText {
    pub en: Option<String>,
    pub km: Option<String>,
    pub ko: Option<String>,
}

/// Unchecked text straight from a client.
#[derive(Debug, Clone, Default)]
pub struct LocalizedTextRaw {
    pub en: Option<String>,
    pub km: Option<String>,
    pub ko: Option<String>,
}

impl LocalizedText {
    /// Accepts text of at most `max_chars` characters per language and requires one language.
    pub fn parse(raw: LocalizedTextRaw, max_chars: usize) -> Result<Self, String> {
        Self::parse_as(raw, max_chars, Lines::Many)
    }

    /// A profile's description: like [`parse`](Self::parse), and each language's text says
    /// something in words ([`check_words`]). A lone symbol is text (₭ in a price list), but a
    /// description of nothing else describes nothing.
    pub fn parse_description(raw: LocalizedTextRaw, max_chars: usize) -> Result<Self, String> {
        let text = Self::parse(raw, max_chars)?;
        for lang in Lang::ALL {
            if let Some(t) = text.get(lang) {
                check_words(t).map_err(|e| format!("{}: {e}", lang.code()))?;
            }
        }
        Ok(text)
    }

    /// A name: like [`parse`](Self::parse), on one line. A name is a line of a list, a
    /// letter's subject, a spreadsheet cell, so a line break or tab inside it is refused; the
    /// whitespace around it (a cell pasted with its newline) is dropped.
    pub fn parse_line(raw: LocalizedTextRaw, max_chars: usize) -> Result<Self, String> {
        Self::parse_as(raw, max_chars, Lines::One)
    }

    fn parse_as(raw: LocalizedTextRaw, max_chars: usize, lines: Lines) -> Result<Self, String> {
        let en = clean(raw.en, "en", max_chars, lines)?;
        let km = clean(raw.km, "km", max_chars, lines)?;
        let ko = clean(raw.ko, "ko", max_chars, lines)?;
        if en.is_none() && km.is_none() && ko.is_none() {
            return Err("give the text in at least one language (en, km or ko)".into());
        }
        Ok(LocalizedText { en, km, ko })
    }

    pub fn get(&self, lang: Lang) -> Option<&str> {
        match lang {
            Lang::En => self.en.as_deref(),
            Lang::Km => self.km.as_deref(),
            Lang::Ko => self.ko.as_deref(),
        }
    }

    /// The texts given, in en, km, ko order.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        Lang::ALL.into_iter().filter_map(|l| self.get(l))
    }

    /// The text in `lang`, else the first present in en, km, ko order.
    pub fn best(&self, lang: Lang) -> &str {
        self.get(lang)
            .or_else(|| Lang::ALL.iter().find_map(|l| self.get(*l)))
            .unwrap_or("")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lines {
    One,
    Many,
}

fn clean(
    text: Option<String>,
    lang: &str,
    max_chars: usize,
    lines: Lines,
) -> Result<Option<String>, String> {
    let Some(mut text) = text else {
        return Ok(None);
    };
    if text.trim().is_empty() {
        return Ok(None);
    }
    if lines == Lines::One {
        text = text.trim().to_string();
        if let Some(c) = text.chars().find(|c| {
            matches!(
                c,
                '\n' | '\r' | '\t' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
            )
        }) {
            let what = if c == '\t' { "a tab" } else { "a line break" };
            return Err(format!("{lang}: a name is one line; this one holds {what}"));
        }
    }
    check_plain_text(&text, max_chars).map_err(|e| format!("{lang}: {e}"))?;
    check_visible(&text).map_err(|e| format!("{lang}: {e}"))?;
    Ok(Some(text))
}

/// The Korean particle that follows `word`: `with` after a syllable that ends in a consonant
/// (책**을**), `without` after one that ends in a vowel (화장품 → 을, 유통 → 을, 커피 → 를), chosen
/// by the last Hangul syllable before any trailing code in brackets, digits or spaces (식료품
/// 제조업 (10) → 은). A word that ends in another script gives both, as Korean writes them
/// when it cannot tell: 을(를). With `rieul_as_vowel`, ㄹ counts as a vowel (으로/로).
pub fn ko_particle(word: &str, with: &str, without: &str, rieul_as_vowel: bool) -> String {
    // A number that ends a word of no Hangul (ISIC 4772; a Korean name's trailing code is
    // skipped below) is read aloud: its last sound is its last digit's (일, 이, 삼 …), or
    // 십, 백, 천, 만 after a zero, all consonants (QA: "ISIC 4772은(는)").
    let hangul = word.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c));
    let last_digit = word
        .trim_end()
        .chars()
        .next_back()
        .and_then(|c| c.to_digit(10));
    if let (false, Some(d)) = (hangul, last_digit) {
        let consonant = matches!(d, 0 | 1 | 3 | 6 | 7 | 8);
        let rieul = matches!(d, 1 | 7 | 8);
        return if !consonant || (rieul_as_vowel && rieul) {
            without.to_string()
        } else {
            with.to_string()
        };
    }
    let last = word
        .trim_end_matches(|c: char| c.is_ascii_digit() || " ()".contains(c))
        .chars()
        .next_back();
    match last.map(u32::from) {
        Some(c @ 0xAC00..=0xD7A3) => {
            let batchim = (c - 0xAC00) % 28;
            // 8 is ㄹ among the 28 finals.
            if batchim == 0 || (rieul_as_vowel && batchim == 8) {
                without.to_string()
            } else {
                with.to_string()
            }
        }
        _ => format!("{with}({without})"),
    }
}

/// Digits as people type them, in ASCII: Khmer digits (the Khmer keyboard's own, ១២៣) and
/// full-width ones (a Korean or Japanese IME's, １２３) become 0–9, and no-break spaces (typed as
/// thousands separators, `25 000`) plain spaces. Everything else is left as it is.
pub fn ascii_digits(s: &str) -> String {
    s.chars().map(ascii_digit).collect()
}

/// One character as [`ascii_digits`] reads it.
pub fn ascii_digit(c: char) -> char {
    match u32::from(c) {
        d @ 0x17E0..=0x17E9 => char::from_digit(d - 0x17E0, 10).unwrap_or(c),
        d @ 0xFF10..=0xFF19 => char::from_digit(d - 0xFF10, 10).unwrap_or(c),
        0xFF0C => ',',
        // The rest of a phone or an amount as a Korean or Japanese IME types it
        // (０１０－１２３４－５６７８).
        0xFF0B => '+',
        0xFF0D => '-',
        0xFF0E => '.',
        0xFF08 => '(',
        0xFF09 => ')',
        0x00A0 | 0x202F | 0x2007 | 0x3000 => ' ',
        _ => c,
    }
}

/// Refuses control characters (other than tab and line breaks) and text over `max_chars`
/// characters (Unicode scalar values, so Khmer and Korean get the same allowance as English).
pub fn check_plain_text(text: &str, max_chars: usize) -> Result<(), String> {
    let count = text.chars().count();
    if count > max_chars {
        return Err(format!("too long: {count} characters, at most {max_chars}"));
    }
    if let Some(c) = text
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(format!("contains the control character U+{:04X}", c as u32));
    }
    if let Some(c) = text.chars().find(|c| is_bidi_control(*c)) {
        return Err(format!(
            "contains the bidirectional control character U+{:04X}, which can disguise text",
            c as u32
        ));
    }
    // Tags are text only in a flag of a region (🏴 and tags: England, Scotland, Wales).
    let mut in_flag = false;
    for c in text.chars() {
        let tag = ('\u{E0020}'..='\u{E007F}').contains(&c);
        if is_tag_or_noncharacter(c) && !(tag && in_flag) {
            return Err(format!(
                "contains U+{:04X}, a character that is not text (a tag or a noncharacter)",
                c as u32
            ));
        }
        in_flag = c == '\u{1F3F4}' || (in_flag && tag && c != '\u{E007F}');
    }
    // Marks count across the invisible characters between them: a word joiner every four
    // marks let 120 of them stack (QA round 2).
    let mut run = 0;
    for c in text.chars() {
        run = if is_mark(c) {
            run + 1
        } else if is_invisible(c) && !c.is_whitespace() || is_format(c) {
            run
        } else {
            0
        };
        if run > MAX_MARKS_IN_A_ROW {
            return Err(format!(
                "stacks more than {MAX_MARKS_IN_A_ROW} combining marks on one letter, which \
                 draw over the text around it"
            ));
        }
    }
    Ok(())
}

/// Combining marks one letter may carry: Khmer writes up to three (a vowel sign, a nasal and
/// a sign: ុំ៏), Vietnamese typed decomposed two, an emoji keycap two. QA: an investor's name
/// of "A" and 190 acute accents drew over the site's header (a "Zalgo" name).
pub const MAX_MARKS_IN_A_ROW: usize = 4;

/// A format character (Unicode general category Cf: joiners, the word joiner, soft hyphen).
fn is_format(c: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    c.general_category() == GeneralCategory::Format
}

/// A combining mark (Unicode general category M), variation selectors included.
fn is_mark(c: char) -> bool {
    use unicode_properties::{GeneralCategoryGroup as G, UnicodeGeneralCategory};
    c.general_category_group() == G::Mark
}

/// Tag characters (U+E0000–E007F, invisible) and Unicode's noncharacters (U+FDD0–FDEF and the
/// last two code points of every plane), which no text needs.
fn is_tag_or_noncharacter(c: char) -> bool {
    let u = u32::from(c);
    (0xE0000..=0xE007F).contains(&u) || (0xFDD0..=0xFDEF).contains(&u) || (u & 0xFFFE) == 0xFFFE
}

/// Bidirectional embeddings, overrides and isolates (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI,
/// PDI). The plain marks LRM/RLM are allowed: they only nudge punctuation.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A character as a reader sees it, one for one (so what is found can be quoted from the text
/// as typed): its NFKC form where that is one character (full-width ｇｍａｉｌ, superscript and
/// subscript digits ⁰₁, circled ones, the small ﹫), the Cyrillic and Greek letters that look
/// like Latin ones as those (ТеІеgram, Ѕnorkelwhistle), ideographic full stops as dots and
/// division and fraction slashes as slashes (QA: each carried a phone, an address or a hidden
/// name past the checks that read Latin text). For the privacy checks, not for display or
/// search.
pub fn as_seen(c: char) -> char {
    use unicode_normalization::UnicodeNormalization;
    let mut nfkc = std::iter::once(c).nfkc();
    let c = match (nfkc.next(), nfkc.next()) {
        (Some(one), None) => one,
        _ => c,
    };
    match c {
        '\u{3002}' | '\u{FF61}' | '\u{2024}' => '.',
        '\u{2215}' | '\u{2044}' | '\u{29F8}' => '/',
        'а' | 'α' => 'a',
        'в' | 'ь' => 'b',
        'с' | 'ϲ' => 'c',
        'ԁ' => 'd',
        'е' | 'ε' => 'e',
        'һ' => 'h',
        'і' | 'ι' => 'i',
        'ј' => 'j',
        'к' | 'κ' => 'k',
        'м' => 'm',
        'п' | 'η' => 'n',
        'о' | 'ο' | 'σ' => 'o',
        'р' | 'ρ' => 'p',
        'ԛ' => 'q',
        'г' => 'r',
        'ѕ' => 's',
        'т' | 'τ' => 't',
        'υ' | 'ν' => 'v',
        'ԝ' | 'ω' => 'w',
        'х' | 'χ' => 'x',
        'у' | 'γ' => 'y',
        'А' | 'Α' => 'A',
        'В' | 'Β' => 'B',
        'С' | 'Ϲ' => 'C',
        'Е' | 'Ε' => 'E',
        'Н' | 'Η' => 'H',
        'І' | 'Ι' | 'Ӏ' => 'I',
        'Ј' => 'J',
        'К' | 'Κ' => 'K',
        'М' | 'Μ' => 'M',
        'Ν' => 'N',
        'О' | 'Ο' => 'O',
        'Р' | 'Ρ' => 'P',
        'Ѕ' => 'S',
        'Т' | 'Τ' => 'T',
        'Х' | 'Χ' => 'X',
        'У' | 'Υ' | 'Ү' => 'Y',
        'Ζ' => 'Z',
        _ => c,
    }
}

/// Characters that show nothing: whitespace, zero-width spaces and joiners, word joiners, the
/// byte-order mark, soft hyphens, Hangul and Khmer fillers, variation selectors.
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2060}'..='\u{2064}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
        )
}

/// Whether `c` shows something on its own: a letter, digit, punctuation mark or symbol that is
/// not one of the blanks above (nor the blank Braille pattern). Combining marks (a Khmer vowel
/// sign, an accent) need a base to show on; format characters (Arabic letter mark, tags,
/// interlinear annotation marks) never show.
fn is_visible(c: char) -> bool {
    use unicode_properties::{GeneralCategoryGroup as G, UnicodeGeneralCategory};
    !is_invisible(c)
        && c != '\u{2800}'
        && matches!(
            c.general_category_group(),
            G::Letter | G::Number | G::Punctuation | G::Symbol
        )
}

/// Refuses text that shows nothing (a name of zero-width spaces, of marks without a letter, of
/// format characters looks empty on every page).
pub fn check_visible(text: &str) -> Result<(), String> {
    if !text.chars().any(is_visible) {
        return Err("has no visible character".into());
    }
    Ok(())
}

/// A name or description says something in words: at least one letter or digit of any script,
/// not only symbols, punctuation or emoji (QA: a mandate described as "😀🙏🥜" was saved, and
/// ranked a stone quarry first, while a search of the same text is refused as having no word).
pub fn check_words(text: &str) -> Result<(), String> {
    if !text.chars().any(char::is_alphanumeric) {
        return Err("has no words: only symbols, punctuation or emoji".into());
    }
    Ok(())
}

/// An optional short free-text field (a person's name, say): absent when blank.
pub fn optional_plain(text: Option<String>, max_chars: usize) -> Result<Option<String>, String> {
    match text {
        Some(t) if !t.trim().is_empty() => {
            check_plain_text(&t, max_chars)?;
            check_visible(&t)?;
            Ok(Some(t))
        }
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(en: Option<&str>, km: Option<&str>, ko: Option<&str>) -> LocalizedTextRaw {
        LocalizedTextRaw {
            en: en.map(String::from),
            km: km.map(String::from),
            ko: ko.map(String::from),
        }
    }

    #[test]
    fn look_alikes_read_as_what_they_look_like() {
        let seen = |t: &str| t.chars().map(as_seen).collect::<String>();
        assert_eq!(seen("ТеІеgram"), "TeIegram");
        assert_eq!(seen("sokha﹫ｇｍａｉｌ。com"), "sokha@gmail.com");
        assert_eq!(seen("⁰⁹⁷ ₇₆₅ ④"), "097 765 4");
        assert_eq!(seen("t.me∕kps"), "t.me/kps");
        // One for one, and Khmer and Korean as written.
        let text = "ស្ករត្នោត 커피 café";
        assert_eq!(seen(text), text);
        assert_eq!(seen(text).chars().count(), text.chars().count());
    }

    #[test]
    fn keeps_khmer_bytes_exactly() {
        // Zero-width spaces separate Khmer words; they must survive untouched.
        let km = "ផលិត\u{200b}ស្រាបៀរ ";
        let t = LocalizedText::parse(raw(None, Some(km), None), 100).unwrap();
        assert_eq!(t.km.as_deref(), Some(km));
        assert_eq!(t.best(Lang::En), km);
    }

    #[test]
    fn digits_as_people_type_them() {
        assert_eq!(ascii_digits("១០០០"), "1000");
        assert_eq!(ascii_digits("１００，０００"), "100,000");
        assert_eq!(ascii_digits("25\u{a0}000"), "25 000");
        assert_eq!(ascii_digits("០១២ ៣៤៥ ៦៧៨"), "012 345 678");
        assert_eq!(ascii_digits("ស្រូវ 10"), "ស្រូវ 10");
    }

    #[test]
    fn requires_one_language() {
        assert!(LocalizedText::parse(raw(Some("  "), None, Some("")), 10).is_err());
    }

    #[test]
    fn counts_characters_not_bytes() {
        let ko = "가".repeat(10);
        assert!(LocalizedText::parse(raw(None, None, Some(&ko)), 10).is_ok());
        assert!(LocalizedText::parse(raw(None, None, Some(&ko)), 9).is_err());
    }

    #[test]
    fn a_name_is_one_line_without_its_pasted_newline() {
        let t = LocalizedText::parse_line(raw(Some("  Sokha Cashew\r\n"), None, None), 20).unwrap();
        assert_eq!(t.en.as_deref(), Some("Sokha Cashew"));
        for bad in [
            "Sokha\nCashew",
            "Sokha\r\nCashew",
            "Sokha\u{2028}Cashew",
            "Sokha\tCashew",
        ] {
            let err = LocalizedText::parse_line(raw(None, None, Some(bad)), 20).unwrap_err();
            assert!(err.starts_with("ko: a name is one line"), "{bad:?}: {err}");
        }
        // Descriptions keep their lines.
        assert!(LocalizedText::parse(raw(Some("one\ntwo"), None, None), 20).is_ok());
    }

    #[test]
    fn korean_particles_follow_the_last_syllable() {
        assert_eq!(ko_particle("화장품, 유통", "을", "를", false), "을");
        assert_eq!(ko_particle("커피", "을", "를", false), "를");
        assert_eq!(ko_particle("식료품 제조업 (10)", "은", "는", false), "은");
        assert_eq!(ko_particle("기초", "은", "는", false), "는");
        assert_eq!(ko_particle("cashew", "을", "를", false), "을(를)");
        // A code is read aloud (사천칠백칠십이, 천칠십구, 십).
        assert_eq!(ko_particle("ISIC 4772", "은", "는", false), "는");
        assert_eq!(ko_particle("1079", "은", "는", false), "는");
        assert_eq!(ko_particle("1073", "은", "는", false), "은");
        assert_eq!(ko_particle("10", "은", "는", false), "은");
        assert_eq!(ko_particle("생산 원자재", "을", "를", false), "를");
        assert_eq!(ko_particle("서울", "으로", "로", true), "로");
    }

    #[test]
    fn refuses_control_characters() {
        let err = LocalizedText::parse(raw(Some("a\u{0}b"), None, None), 10).unwrap_err();
        assert!(err.contains("U+0000"), "{err}");
        assert!(LocalizedText::parse(raw(Some("line\nbreak"), None, None), 20).is_ok());
    }

    #[test]
    fn a_description_says_something_in_words() {
        for none in ["😀🙏🥜", "!!!???...", "★ ★ ★", "\u{17D4}\u{17D5}"] {
            let err =
                LocalizedText::parse_description(raw(Some(none), None, None), 50).unwrap_err();
            assert!(err.contains("no words"), "{none}: {err}");
        }
        for some in ["7-Eleven", "😀 ស្ករ", "커피!", "2024"] {
            assert!(
                LocalizedText::parse_description(raw(Some(some), None, None), 50).is_ok(),
                "{some}"
            );
        }
    }

    #[test]
    fn refuses_invisible_and_bidi_text() {
        let err = LocalizedText::parse(raw(Some("\u{200b}\u{200b}"), None, None), 10).unwrap_err();
        assert!(err.contains("no visible"), "{err}");
        let err = LocalizedText::parse(raw(None, None, Some("\u{3164}\u{200d}")), 10).unwrap_err();
        assert!(err.starts_with("ko:"), "{err}");
        let err =
            LocalizedText::parse(raw(Some("abc\u{202e}gpj.exe"), None, None), 20).unwrap_err();
        assert!(err.contains("U+202E"), "{err}");
        assert!(optional_plain(Some("\u{2067}x".into()), 10).is_err());
        // Marks with nothing to sit on, format characters, the blank Braille pattern.
        for blank in [
            "\u{061C}",
            "\u{2800}",
            "\u{FFF9}\u{FFFA}\u{FFFB}",
            "\u{0301}\u{0301}",
            "\u{17B6}\u{17C6}\u{17D2}",
        ] {
            let err = LocalizedText::parse(raw(Some(blank), None, None), 10).unwrap_err();
            assert!(err.contains("no visible"), "{blank:?}: {err}");
        }
        // Real text in each script, and a lone symbol, still pass.
        for text in ["ស្រូវ", "화장품", "é", "₭", "5"] {
            assert!(
                LocalizedText::parse(raw(Some(text), None, None), 10).is_ok(),
                "{text}"
            );
        }
        assert!(optional_plain(Some("\u{feff}".into()), 10).is_err());
        // Tags and noncharacters are no text, even beside a letter.
        for odd in [
            "a\u{E0041}\u{E0042}",
            "a\u{FFFF}",
            "a\u{FDD0}",
            "a\u{10FFFE}",
        ] {
            let err = LocalizedText::parse(raw(Some(odd), None, None), 10).unwrap_err();
            assert!(err.contains("not text"), "{odd:?}: {err}");
        }
        // Visible text with ZWSP between Khmer words, and Korean, still pass untouched.
        assert!(
            LocalizedText::parse(raw(None, Some("ផលិត\u{200b}ស្រាបៀរ"), Some("한국 투자")), 20)
                .is_ok()
        );
    }

    #[test]
    fn refuses_marks_stacked_past_what_a_script_writes() {
        // QA: "A" and 190 acute accents drew over the site's header.
        let zalgo = format!("A{}", "\u{0301}".repeat(190));
        let err = LocalizedText::parse(raw(Some(&zalgo), None, None), 500).unwrap_err();
        assert!(err.contains("combining marks"), "{err}");
        let selectors = format!("a{}", "\u{FE0F}".repeat(150));
        assert!(LocalizedText::parse(raw(Some(&selectors), None, None), 500).is_err());
        // Invisible characters between them do not reset the count (QA round 2).
        let joined = format!("A{}", "\u{0301}\u{0301}\u{0301}\u{0301}\u{2060}".repeat(30));
        assert!(LocalizedText::parse(raw(Some(&joined), None, None), 500).is_err());
        // The flags of England and Scotland are tags after a black flag, and pass.
        let flags = "\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F} \u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}";
        assert!(LocalizedText::parse(raw(Some(flags), None, None), 50).is_ok());
        // Emoji joined by ZWJ pass.
        assert!(LocalizedText::parse(
            raw(Some("👩\u{200D}🌾 👨\u{200D}👩\u{200D}👧"), None, None),
            50
        )
        .is_ok());
        // What scripts write passes: Khmer vowel and signs, Vietnamese decomposed, a keycap.
        for text in ["ស្ត្រី ក៏ដោយ ឈ្មោះ ផ្ទុំ", "Vie\u{0302}\u{0301}t", "1\u{FE0F}\u{20E3}"]
        {
            assert!(
                LocalizedText::parse(raw(Some(text), None, None), 50).is_ok(),
                "{text}"
            );
        }
    }
}
