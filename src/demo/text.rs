//! Sentence assembly in English, Khmer and Korean: template filling with Korean particles,
//! amounts, numerals and list joining.

/// One phrase in the three languages, in the order (en, km, ko).
pub(crate) type Tri = (&'static str, &'static str, &'static str);

/// Fills `{key}` placeholders from `vars`. `{key:은}` (also `:이`, `:을`, `:과`, `:로`) appends
/// the Korean particle that agrees with the value's last syllable, so templates can say
/// `{name:은}` and get 은 after a closed syllable and 는 after an open one. Unknown keys expand
/// to nothing (the tests check that no braces survive).
pub(crate) fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let spec = &after[..end];
        let (key, particle) = match spec.split_once(':') {
            Some((k, p)) => (k, Some(p)),
            None => (spec, None),
        };
        let value = vars
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
            .unwrap_or("");
        out.push_str(value);
        if let Some(p) = particle {
            out.push_str(josa(value, p));
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The final consonant (jongseong index, 0 = none) of how `word` ends when read aloud in
/// Korean. Latin letters and digits are read the Korean way (엠, 엘, 알, 일, 삼, …).
fn final_consonant(word: &str) -> u32 {
    let Some(c) = word.chars().rev().find(|c| c.is_alphanumeric()) else {
        return 0;
    };
    let code = c as u32;
    if (0xac00..=0xd7a3).contains(&code) {
        return (code - 0xac00) % 28;
    }
    // Jongseong indices: ㄱ 1, ㄴ 4, ㄹ 8, ㅁ 16, ㅇ 21.
    match c.to_ascii_uppercase() {
        'L' | 'R' | '1' | '7' | '8' => 8,
        'M' | '3' => 16,
        'N' => 4,
        '0' => 21,
        '6' => 1,
        _ => 0,
    }
}

/// The particle form agreeing with `word`: 은/는, 이/가, 을/를, 과/와, 으로/로.
pub(crate) fn josa(word: &str, particle: &str) -> &'static str {
    let jong = final_consonant(word);
    let closed = jong != 0;
    match particle {
        "은" | "는" => {
            if closed {
                "은"
            } else {
                "는"
            }
        }
        "이" | "가" => {
            if closed {
                "이"
            } else {
                "가"
            }
        }
        "을" | "를" => {
            if closed {
                "을"
            } else {
                "를"
            }
        }
        "과" | "와" => {
            if closed {
                "과"
            } else {
                "와"
            }
        }
        // ㄹ takes 로 like an open syllable (서울로, 프놈펜으로).
        "로" | "으로" => {
            if closed && jong != 8 {
                "으로"
            } else {
                "로"
            }
        }
        _ => "",
    }
}

/// `1234567` as `1,234,567` (the incentive phrases' grouping).
pub(crate) fn thousands(n: i64) -> String {
    crate::domain::incentives::format_usd(n)
}

/// An amount as English business text writes it: `USD 75,000`, `USD 1.5 million`.
pub(crate) fn usd_en(n: i64) -> String {
    if n >= 1_000_000 && n % 100_000 == 0 {
        let whole = n / 1_000_000;
        let tenth = (n % 1_000_000) / 100_000;
        if tenth == 0 {
            format!("USD {whole} million")
        } else {
            format!("USD {whole}.{tenth} million")
        }
    } else {
        format!("USD {}", thousands(n))
    }
}

/// An amount in Korean units (만 = 10,000): `7만 5천 달러`, `150만 달러`.
pub(crate) fn usd_ko(n: i64) -> String {
    let man = n / 10_000;
    let rest = n % 10_000;
    let mut out = String::new();
    if man > 0 {
        out.push_str(&thousands(man));
        out.push('만');
    }
    if rest >= 1_000 {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&(rest / 1_000).to_string());
        out.push('천');
    }
    if out.is_empty() {
        out.push_str(&n.to_string());
    }
    out.push_str(" 달러");
    out
}

/// An amount in Khmer text: Arabic digits with a dollar word, as Cambodian business posts and
/// price lists write it (`150,000 ដុល្លារ`).
pub(crate) fn usd_km(n: i64) -> String {
    format!("{} ដុល្លារ", thousands(n))
}

/// Digits in Khmer numerals (០–៩), as formal Khmer text writes years and counts.
pub(crate) fn khmer_digits(n: i64) -> String {
    n.to_string()
        .chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from_u32(0x17e0 + d).unwrap_or(c),
            None => c,
        })
        .collect()
}

/// "a", "a and b", "a, b and c"; "a and b, as well as c" when an item has its own "and".
pub(crate) fn join_en(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [a] => (*a).to_string(),
        [init @ .., last] if items.iter().any(|s| s.contains(" and ")) => {
            format!("{}, as well as {last}", init.join(", "))
        }
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Khmer lists separate items with spaces and put និង ("and") before the last, written
/// against it: "ក ខ និងគ". When an item has its own និង, ព្រមទាំង ("as well as") joins the
/// last instead, so the list does not read "ក និងខ និងគ".
pub(crate) fn join_km(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [a] => (*a).to_string(),
        [init @ .., last] if items.iter().any(|s| s.contains("និង")) => {
            format!("{} ព្រមទាំង{last}", init.join(" "))
        }
        [init @ .., last] => format!("{} និង{last}", init.join(" ")),
    }
}

/// Korean lists: "가와 나", "가, 나, 다" (the particle after the first of two agrees with it);
/// commas when an item has its own 와/과, so the list does not read "가와 나와 다".
pub(crate) fn join_ko(items: &[&str]) -> String {
    let nested = items.iter().any(|s| s.contains("와 ") || s.contains("과 "));
    match items {
        [] => String::new(),
        [a] => (*a).to_string(),
        [a, b] if !nested => format!("{a}{} {b}", josa(a, "과")),
        _ => items.join(", "),
    }
}

/// A lower-case ASCII slug of `text` (letters and digits, words joined by `sep`), at most
/// `max` bytes, cut at a word boundary.
pub(crate) fn slug(text: &str, sep: char, max: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let w = word.to_ascii_lowercase();
        let extra = usize::from(!out.is_empty()) + w.len();
        if out.len() + extra > max {
            break;
        }
        if !out.is_empty() {
            out.push(sep);
        }
        out.push_str(&w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn particles_agree() {
        assert_eq!(fill("{n:은}", &[("n", "프놈펜")]), "프놈펜은");
        assert_eq!(fill("{n:은}", &[("n", "소카")]), "소카는");
        assert_eq!(fill("{n:을}", &[("n", "화장품")]), "화장품을");
        assert_eq!(fill("{n:과}", &[("n", "유통업체")]), "유통업체와");
        assert_eq!(fill("{n:로}", &[("n", "서울")]), "서울로");
        assert_eq!(fill("{n:로}", &[("n", "프놈펜")]), "프놈펜으로");
        assert_eq!(fill("{n:로}", &[("n", "벤처캐피탈")]), "벤처캐피탈로");
        assert_eq!(fill("{n:을}", &[("n", "CRM")]), "CRM을");
        assert_eq!(fill("{n:을}", &[("n", "ERP")]), "ERP를");
        assert_eq!(fill("a {x} b {y}", &[("x", "1")]), "a 1 b ");
    }

    #[test]
    fn amounts_and_lists() {
        assert_eq!(usd_en(75_000), "USD 75,000");
        assert_eq!(usd_en(1_500_000), "USD 1.5 million");
        assert_eq!(usd_en(3_000_000), "USD 3 million");
        assert_eq!(usd_ko(75_000), "7만 5천 달러");
        assert_eq!(usd_ko(1_500_000), "150만 달러");
        assert_eq!(usd_ko(5_000), "5천 달러");
        assert_eq!(usd_ko(50_000_000), "5,000만 달러");
        assert_eq!(usd_km(150_000), "150,000 ដុល្លារ");
        assert_eq!(khmer_digits(2015), "២០១៥");
        assert_eq!(join_en(&["a", "b", "c"]), "a, b and c");
        assert_eq!(join_km(&["ក", "ខ", "គ"]), "ក ខ និងគ");
        assert_eq!(join_km(&["ក និងខ", "គ"]), "ក និងខ ព្រមទាំងគ");
        assert_eq!(join_en(&["a and b", "c"]), "a and b, as well as c");
        assert_eq!(
            join_ko(&["지분 투자", "기술 이전"]),
            "지분 투자와 기술 이전"
        );
        assert_eq!(
            join_ko(&["부티크와 온라인 판매자", "학교"]),
            "부티크와 온라인 판매자, 학교"
        );
        assert_eq!(
            slug("Sokha Cashew Co., Ltd.", '-', 20),
            "sokha-cashew-co-ltd"
        );
        assert_eq!(slug("Sokha Cashew Processing", '-', 12), "sokha-cashew");
    }
}
