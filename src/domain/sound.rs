//! How a name sounds, across Latin letters and Hangul: enough to tell that 솜낭 is Somnang and
//! 준호 is Jun-ho, so that a message may not name a hidden business or a contact person by
//! writing the name in Korean letters (QA: "솜낭 건설을 소개합니다" passed where "Somnang" was
//! refused).
//!
//! Hangul is read by the Revised Romanization of Korean (initials, vowels and finals, each
//! syllable alone), then both sides are folded to a coarse key: the consonant pairs Korean
//! does not tell apart in borrowed names (b/p/v/f, d/t, g/k, j/ch, r/l), the digraphs of
//! Khmer romanization (kh, ph, th), vowel spellings (eo, eu, ae, ou, ee, y) and doubled
//! letters. It is a key for comparing, not a transliteration to show.

/// Revised Romanization of the initial consonants, in Unicode order (ㄱ ㄲ ㄴ …).
const INITIALS: [&str; 19] = [
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p",
    "h",
];

/// Revised Romanization of the vowels, in Unicode order (ㅏ ㅐ ㅑ …).
const VOWELS: [&str; 21] = [
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
    "wi", "yu", "eu", "ui", "i",
];

/// Revised Romanization of the finals, in Unicode order (none, ㄱ ㄲ ㄳ …).
const FINALS: [&str; 28] = [
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p",
    "t", "t", "ng", "t", "t", "k", "t", "p", "t",
];

/// A Hangul syllable's Revised Romanization, or `None` for any other character.
pub fn syllable_romanized(c: char) -> Option<String> {
    let code = u32::from(c).checked_sub(0xAC00).filter(|n| *n < 11_172)?;
    let (initial, vowel, last) = (code / 588, (code % 588) / 28, code % 28);
    Some(format!(
        "{}{}{}",
        INITIALS[initial as usize], VOWELS[vowel as usize], FINALS[last as usize]
    ))
}

/// The coarse sound key of Latin letters (others are skipped): see the module comment.
pub fn key(latin: &str) -> String {
    let lower: String = latin
        .chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    // Longer spellings first, so that "ch" is one sound before "h" is looked at alone.
    let mut folded = lower;
    for (from, to) in [
        ("kh", "k"),
        ("ph", "p"),
        ("th", "t"),
        ("sh", "s"),
        ("ch", "J"),
        // "Young" as Korean names spell 영 in Latin (So-young, Young-su); the Revised
        // Romanization says "yeong" (staff QA: 소영 and 영수 passed).
        ("you", "yo"),
        ("eo", "o"),
        ("eu", "u"),
        ("ae", "e"),
        ("oe", "e"),
        ("ou", "u"),
        ("oo", "u"),
        ("ee", "i"),
        ("ea", "e"),
    ] {
        folded = folded.replace(from, to);
    }
    let mut out = String::new();
    for c in folded.chars() {
        let c = match c {
            'b' | 'v' | 'f' => 'p',
            'd' => 't',
            'g' | 'q' | 'c' => 'k',
            'j' | 'J' | 'z' => 'j',
            'r' => 'l',
            'y' => 'i',
            'w' => continue,
            c => c,
        };
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// The most syllables a name's word takes in Hangul (솜낭, 쁘라삿, 반낙): longer runs are not
/// compared whole, so a message of 2,000 syllables costs 2,000 × this, not its square.
const MOST_SYLLABLES: usize = 6;

/// Syllables that end a Korean word as its particle (솜낭을, 소카가, 소영 님께). Not 이, 도 or
/// 만, which end Khmer names in Hangul too (보레이, 스레이).
const PARTICLES: &[char] = &['은', '는', '가', '을', '를', '와', '과', '의', '에', '께'];

/// Whether `text` writes the Latin `word` in Hangul, as it sounds: some run of two to
/// [`MOST_SYLLABLES`] syllables of one of its words has its key, of four letters at least so
/// that short words do not match by chance. The run starts the word, or follows its first
/// syllable (a surname: 이준호), and does not take in the word's final particle (솜낭을 is
/// 솜낭). So a name inside another word is not heard there (staff QA: 상공회의소가, 장소가 and
/// 사무소가 were refused as "sokha", for 소 and the particle 가).
pub fn said_in_hangul(text: &str, word: &str) -> bool {
    let wanted = key(word);
    if wanted.len() < 4 {
        return false;
    }
    text.split(|c: char| syllable_romanized(c).is_none())
        .any(|run| {
            let mut chars: Vec<char> = run.chars().collect();
            if chars.len() >= 2 && chars.last().is_some_and(|c| PARTICLES.contains(c)) {
                chars.pop();
            }
            let syllables: Vec<String> = chars.into_iter().filter_map(syllable_romanized).collect();
            (0..syllables.len().min(2)).any(|start| {
                (start + 2..=syllables.len().min(start + MOST_SYLLABLES))
                    .any(|end| key(&syllables[start..end].concat()) == wanted)
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hangul_is_romanized_by_the_revised_romanization() {
        let r = |s: &str| -> String { s.chars().filter_map(syllable_romanized).collect() };
        assert_eq!(r("솜낭"), "somnang");
        assert_eq!(r("준호"), "junho");
        assert_eq!(r("한울"), "hanul");
        assert_eq!(r("쏨낭"), "ssomnang");
        assert_eq!(syllable_romanized('a'), None);
    }

    #[test]
    fn names_are_heard_in_hangul() {
        assert!(said_in_hangul("솜낭 건설을 소개합니다", "Somnang"));
        assert!(said_in_hangul("쏨낭건설", "somnang"));
        assert!(said_in_hangul("준호 님을 소개합니다", "Jun-ho"));
        assert!(said_in_hangul("이준호", "junho"));
        assert!(said_in_hangul("소카 캐슈", "Sokha"));
        assert!(said_in_hangul("반낙 태양광", "Vannak"));
        assert!(said_in_hangul("첸다 세탁소", "Chenda"));
        // Not by chance: other words, and keys too short to tell.
        assert!(!said_in_hangul("건설 회사를 소개합니다", "Somnang"));
        assert!(!said_in_hangul("다", "Da"));
        assert!(!said_in_hangul("캐슈넛 가공", "Sokha"));
        // A name's sounds inside other words, before a particle (staff QA).
        for said in [
            "상공회의소가 첫 미팅을 주선하겠습니다.",
            "미팅 장소가 정해지면 알려드리겠습니다.",
            "사무소가 프놈펜에 있습니다.",
        ] {
            assert!(!said_in_hangul(said, "Sokha"), "{said}");
        }
        assert!(said_in_hangul("소카가 운영합니다", "Sokha"));
        assert!(said_in_hangul("솜낭을 소개합니다", "Somnang"));
        assert!(said_in_hangul("보레이 대표", "Borey"));
        assert!(said_in_hangul("소영 님께 연락드리세요", "So-young"));
        assert!(said_in_hangul("영수 님께", "Young-su"));
        // A long message is read in time linear in its length (QA's 2,001-syllable message).
        let long = "가".repeat(20_000);
        let started = std::time::Instant::now();
        assert!(!said_in_hangul(&long, "Somnang"));
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }
}
