//! Korean query words as people type them: the stem behind particles, the copula and the
//! endings of `X하다` verbs.
//!
//! Documents need nothing of this: their Hangul bigrams contain the stem's bigrams wherever the
//! word is inflected (화장품을 holds 화장·장품). A query is the other way round: `화장품을` is a
//! phrase of 화장·장품·품을, and documents that say 화장품은 or 화장품 유통 lack 품을. So a query
//! word also searches for its stem, and the word matches a document when any of its forms does.
//! The full form stays one of the alternatives, so documents holding exactly what was typed
//! score higher (their BM25 adds up over both clauses) and no query loses a result it had.
//!
//! Why rules and not a morphological analyser: Lindera's ko-dic and mecab-ko-dic download their
//! dictionary at build time, which this project does not allow, and a dictionary compiled into
//! the crate is tens of megabytes for a job that is mostly "take the noun off its particle". The
//! rules are the closed class of particles and the productive endings of `X하다` / `X되다`
//! verbs and the copula 이다, which is what a search box receives (a noun with a particle, a
//! verbal noun with 하다). Irregular verbs (찾습니다 → 찾다) are not reduced.
//!
//! Two guards keep bare nouns precise: an ending is stripped only when at least two syllables
//! remain (a one-syllable stem's n-gram would match inside any word: 쌀을 loses its particle
//! only as a whole word, see [`one_syllable_stem`]), and a
//! particle whose form depends on the preceding sound is stripped only after the right sound
//! (가 only after a vowel, so 전문가 "expert" is not read as 전문 + 가; 과 only after a
//! consonant, so 소아과 stays whole).

/// What the syllable before an ending must end with.
#[derive(Clone, Copy, PartialEq, Eq)]
enum After {
    Any,
    /// A final consonant (받침): 을, 이, 은, 과, 으로 …
    Consonant,
    /// No final consonant: 를, 가, 는, 와 …
    Vowel,
    /// No final consonant, or final ㄹ: 로.
    VowelOrRieul,
}

/// Endings, longest first within their shape. Particles (조사), the copula (이다) and the
/// endings of 하다/되다/시키다 verbs after a verbal noun.
const ENDINGS: &[(&str, After)] = &[
    // X하다 verbs and adjectives: 판매하다, 유통하는, 수출합니다, 가공하여 …
    ("하겠습니다", After::Any),
    ("하였습니다", After::Any),
    ("했습니다", After::Any),
    ("하였으며", After::Any),
    ("하고있는", After::Any),
    ("하고있습니다", After::Any),
    ("합니다", After::Any),
    // QA: 가공하거나 in a mandate, 투자하고자, 수출합니까 …
    ("하였으나", After::Any),
    ("하시는", After::Any),
    ("하거나", After::Any),
    ("하고자", After::Any),
    ("합니까", After::Any),
    ("하도록", After::Any),
    ("하는지", After::Any),
    ("하세요", After::Any),
    ("하므로", After::Any),
    ("하였고", After::Any),
    ("하겠다", After::Any),
    ("했으며", After::Any),
    ("했고", After::Any),
    ("해요", After::Any),
    ("하였다", After::Any),
    ("하려는", After::Any),
    ("하려고", After::Any),
    ("하는데", After::Any),
    ("하기로", After::Any),
    ("하기에", After::Any),
    ("하기를", After::Any),
    ("하여야", After::Any),
    ("하면서", After::Any),
    ("했던", After::Any),
    ("하던", After::Any),
    ("했다", After::Any),
    ("하다", After::Any),
    ("하는", After::Any),
    ("하고", After::Any),
    ("해서", After::Any),
    ("하여", After::Any),
    ("하며", After::Any),
    ("하면", After::Any),
    ("하기", After::Any),
    ("해야", After::Any),
    ("하지", After::Any),
    ("할", After::Any),
    ("한", After::Any),
    ("함", After::Any),
    ("해", After::Any),
    // 되다 (passive) and 시키다 (causative) after a verbal noun.
    ("됩니다", After::Any),
    ("되었다", After::Any),
    ("되는", After::Any),
    ("되다", After::Any),
    ("되어", After::Any),
    ("됐다", After::Any),
    ("된", After::Any),
    ("시키는", After::Any),
    ("시키다", After::Any),
    ("시킨", After::Any),
    // The copula: 업체입니다, 회사이다, 회사다.
    ("입니다", After::Any),
    ("이라는", After::Consonant),
    ("라는", After::Vowel),
    ("이며", After::Consonant),
    ("이고", After::Consonant),
    ("이다", After::Consonant),
    ("이나", After::Consonant),
    // Particles, compound ones first.
    ("에서는", After::Any),
    ("에서도", After::Any),
    ("에서의", After::Any),
    ("에게서", After::Any),
    ("으로는", After::Consonant),
    ("으로서", After::Consonant),
    ("으로써", After::Consonant),
    ("으로의", After::Consonant),
    ("에서", After::Any),
    ("에게", After::Any),
    ("에는", After::Any),
    ("에도", After::Any),
    ("에의", After::Any),
    ("으로", After::Consonant),
    ("로는", After::VowelOrRieul),
    ("로서", After::VowelOrRieul),
    ("로써", After::VowelOrRieul),
    ("까지", After::Any),
    ("부터", After::Any),
    ("보다", After::Any),
    ("처럼", After::Any),
    ("마다", After::Any),
    ("한테", After::Any),
    ("과의", After::Consonant),
    ("와의", After::Vowel),
    ("을", After::Consonant),
    ("를", After::Vowel),
    ("이", After::Consonant),
    ("가", After::Vowel),
    ("은", After::Consonant),
    ("는", After::Vowel),
    ("과", After::Consonant),
    ("와", After::Vowel),
    ("로", After::VowelOrRieul),
    ("의", After::Any),
    ("에", After::Any),
    ("도", After::Any),
    ("만", After::Any),
];

/// Fewest syllables a stem keeps: a one-syllable stem would match inside any word.
const MIN_STEM_SYLLABLES: usize = 2;

/// A precomposed Hangul syllable (가–힣).
pub(crate) fn is_syllable(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// The final consonant index of a precomposed syllable (0 = none, 8 = ㄹ).
fn final_consonant(c: char) -> u32 {
    (u32::from(c) - 0xAC00) % 28
}

fn fits(last: char, after: After) -> bool {
    let jong = final_consonant(last);
    match after {
        After::Any => true,
        After::Consonant => jong != 0,
        After::Vowel => jong == 0,
        After::VowelOrRieul => jong == 0 || jong == 8,
    }
}

/// One ending off `word` (all precomposed syllables), if one applies.
fn strip_one(word: &[char]) -> Option<usize> {
    for (ending, after) in ENDINGS {
        let n = ending.chars().count();
        if word.len() < n + MIN_STEM_SYLLABLES {
            continue;
        }
        let stem = word.len() - n;
        if word[stem..].iter().copied().eq(ending.chars()) && fits(word[stem - 1], *after) {
            return Some(stem);
        }
    }
    None
}

/// Whether `s` is one of the particles or endings [`stems`] strips (를, 에서, 하는 …): what
/// follows a word written in another script (CCTV를, K-뷰티를) without being a word itself.
pub fn is_ending(s: &str) -> bool {
    ENDINGS.iter().any(|(e, _)| *e == s) || s == "들"
}

/// Shorter forms of a query word to search for besides the word itself: its stem, and the
/// stem without the plural 들 (기업들이 → 기업들, 기업). Empty when the word is not all
/// Hangul or carries no known ending. Punctuation around the word is ignored.
pub fn stems(word: &str) -> Vec<String> {
    let core = word.trim_matches(|c: char| !c.is_alphanumeric());
    let chars: Vec<char> = core.chars().collect();
    if chars.is_empty() || !chars.iter().all(|c| is_syllable(*c)) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut len = chars.len();
    // At most two rounds: an ending, then 들 or a particle left in front of it (회사들에게).
    for _ in 0..2 {
        let Some(stem) = strip_one(&chars[..len]) else {
            break;
        };
        len = stem;
        out.push(chars[..len].iter().collect::<String>());
        if len > MIN_STEM_SYLLABLES && chars[len - 1] == '들' {
            len -= 1;
            out.push(chars[..len].iter().collect::<String>());
        }
    }
    out
}

/// Korean words read at least once per million words of public text: wordfreq 3.1.1's list
/// (`data/common-words/ko.txt`, CC BY-SA 4.0; its `build.py` says how it was made).
const LISTED: &str = include_str!("../../data/common-words/ko.txt");

/// Whether `word` is on wordfreq's Korean list ([`LISTED`]).
pub fn is_listed(word: &str) -> bool {
    static WORDS: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    WORDS
        .get_or_init(|| super::word_list(LISTED))
        .contains(word)
}

/// Whether `word` is a Korean word for [`compound_parts`]: on wordfreq's list, or a Korean
/// form of the glossary (캐슈넛, which the list lacks: QA's 캐슈넛가공 found only cashew).
fn is_word(word: &str) -> bool {
    is_listed(word) || is_glossary_form(word)
}

/// Whether `word` is a Korean form of the glossary of two syllables or more (캐슈넛, 가공).
pub fn is_glossary_form(word: &str) -> bool {
    static FORMS: std::sync::OnceLock<std::collections::HashSet<String>> =
        std::sync::OnceLock::new();
    FORMS
        .get_or_init(|| {
            crate::matching::glossary::glossary()
                .concepts()
                .iter()
                .flat_map(|c| c.ko.iter())
                .filter(|f| f.chars().count() >= 2 && f.chars().all(is_syllable))
                .cloned()
                .collect()
        })
        .contains(word)
}

/// Most words a compound is cut into ([`compound_parts`]): two. With three, listed words of
/// two syllables line up by chance too often (QA: 수산물가공업 "seafood processing" came out as
/// 수산|물가|공업, so 물가 "price level" was a word of it and 가공 was not).
const MAX_COMPOUND_PARTS: usize = 2;

/// The words a Korean compound is written of, when the whole word is two listed words
/// ([`is_listed`]) of two syllables or more run together: 대형마트 → 대형, 마트; 화장품제조 →
/// 화장품, 제조. Korean writes compounds unspaced, and 마트 in 대형마트 ("hypermarket") is a
/// word of it, where 마트 in 스마트폰 is not (QA: Korean analysts' 마트 search put the investors
/// supplying 대형마트 below the line of matches inside longer words). A one-syllable piece is
/// never a word here: 스마트폰 is not 스마 + 트 + 폰, 전시장 ("exhibition hall") not 전시 + 장,
/// 재배포 ("redistribution") not 재배 + 포, so 시장 and 재배 stay inside them. Of several cuts,
/// the one with the fewest words, then the longest first word. Empty when there is none (a
/// word that is listed whole is not cut either: it is a word already).
pub fn compound_parts(word: &str) -> Vec<String> {
    compound_cut(word, MAX_COMPOUND_PARTS, is_word)
}

/// Most glossary forms a compound is cut into by [`glossary_parts`]: glossary forms are
/// business words, so three of them in a row are seldom there by chance.
const MAX_GLOSSARY_PARTS: usize = 3;

/// The glossary forms a Korean compound is written of, up to [`MAX_GLOSSARY_PARTS`] of them, by
/// the rules of [`compound_parts`]: what a search by some of the words reads a compound as (QA:
/// 캐슈넛가공수출 "cashew processing export" was read whole, as any of its concepts).
pub fn glossary_parts(word: &str) -> Vec<String> {
    compound_cut(word, MAX_GLOSSARY_PARTS, is_glossary_form)
}

/// `word` cut into at most `max_parts` pieces of two syllables or more, each `is_piece`.
fn compound_cut(word: &str, max_parts: usize, is_piece: fn(&str) -> bool) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let n = chars.len();
    // Two pieces of two syllables at least; past twelve syllables it is an unspaced phrase (a
    // sentence written without spaces), not a compound, and the search of cuts would grow.
    if !(4..=12).contains(&n) || !chars.iter().all(|c| is_syllable(*c)) || is_listed(word) {
        return Vec::new();
    }
    let piece = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    // best[i]: the fewest pieces that cover chars[i..], and where the first of them ends.
    let mut best: Vec<Option<(usize, usize)>> = vec![None; n + 1];
    best[n] = Some((0, n));
    for start in (0..n).rev() {
        for end in (start + 2..=n).rev() {
            let Some((count, _)) = best[end] else {
                continue;
            };
            // A piece is shorter than the word: a glossary form may be the whole word
            // (대형마트), which is then still cut into its listed words.
            let whole = start == 0 && end == n;
            if count + 1 > max_parts || whole || !is_piece(&piece(start, end)) {
                continue;
            }
            if best[start].is_none_or(|(c, _)| count + 1 < c) {
                best[start] = Some((count + 1, end));
            }
        }
    }
    let mut out = Vec::new();
    let mut at = 0;
    while at < n {
        let Some((_, end)) = best[at] else {
            return Vec::new();
        };
        out.push(piece(at, end));
        at = end;
    }
    if out.len() < 2 {
        return Vec::new();
    }
    out
}

/// Where a one-syllable stem is wanted: the two sides of a search take different risks.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Side {
    /// A query word: only particles that no common two-syllable noun ends with, so a query
    /// for 포도 (grape), 지도 (map), 회의 (meeting) or 결과 (result) is never read as 포 + 도,
    /// 지 + 도, 회 + 의 or 결 + 과.
    Query,
    /// A document's word: every particle (with its sound rule). A wrong cut here (포도 → 포)
    /// only adds a word that a one-syllable query might meet, which is rare; a right one lets
    /// 쌀을 find "쌀과 옥수수" and "쌀이".
    Index,
}

/// Particles a query word may lose down to one syllable (see [`Side::Query`]): the object and
/// topic markers and the locatives, which end no common two-syllable noun after the sound
/// they follow (마을 and 가을 end in 을 after a vowel, where 을 is not a particle).
///
/// Left out on purpose, each for the nouns it would cut: 이 (길이, 높이, 놀이), 가 (휴가, 주가),
/// 과/와 (결과, 성과, 기와), 도 (포도, 지도, 수도), 의 (회의, 합의), 로 (도로, 미로), 만 (불만).
const QUERY_SHORT_PARTICLES: &[(&str, After)] = &[
    ("에게서", After::Any),
    ("까지", After::Any),
    ("부터", After::Any),
    ("처럼", After::Any),
    ("마다", After::Any),
    ("한테", After::Any),
    ("보다", After::Any),
    ("에서", After::Any),
    ("에게", After::Any),
    ("을", After::Consonant),
    ("를", After::Vowel),
    ("은", After::Consonant),
    ("는", After::Vowel),
    ("에", After::Any),
];

/// The one-syllable noun behind a particle (쌀을 → 쌀, 차를 → 차), for whole-word evidence
/// only: a one-syllable stem's n-gram would match inside any word (쌀 in 쌀국수 is fine, but
/// 차 in 자동차 is not), so it is searched and indexed as a whole word, never as text. `None`
/// when the word is not one Hangul syllable and a particle.
pub fn one_syllable_stem(word: &str, side: Side) -> Option<String> {
    let core = word.trim_matches(|c: char| !c.is_alphanumeric());
    let chars: Vec<char> = core.chars().collect();
    if chars.len() < 2 || !chars.iter().all(|c| is_syllable(*c)) {
        return None;
    }
    let fits_particle = |ending: &str, after: After| {
        let n = ending.chars().count();
        n + 1 == chars.len()
            && chars[1..].iter().copied().eq(ending.chars())
            && fits(chars[0], after)
    };
    let found = match side {
        Side::Query => QUERY_SHORT_PARTICLES
            .iter()
            .any(|(ending, after)| fits_particle(ending, *after)),
        // Particles only: the copula and verb endings do not follow a one-syllable noun in
        // the same way (한 is "one", not 하 + ㄴ).
        Side::Index => ENDINGS
            .iter()
            .skip_while(|(ending, _)| *ending != "에서는")
            .any(|(ending, after)| fits_particle(ending, *after)),
    };
    found.then(|| chars[0].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(word: &str) -> Option<String> {
        stems(word).last().cloned()
    }

    #[test]
    fn particles_come_off_after_the_right_sound() {
        assert_eq!(first("화장품을"), Some("화장품".into()));
        assert_eq!(first("유통업체와"), Some("유통업체".into()));
        assert_eq!(first("캄보디아에서"), Some("캄보디아".into()));
        assert_eq!(first("캄보디아의"), Some("캄보디아".into()));
        assert_eq!(first("회사는"), Some("회사".into()));
        assert_eq!(first("한국으로"), Some("한국".into()));
        assert_eq!(first("서울로"), Some("서울".into()));
        assert_eq!(first("파트너를"), Some("파트너".into()));
        assert_eq!(first("중소기업들은"), Some("중소기업".into()));
        assert_eq!(first("투자자들에게"), Some("투자자".into()));
        // 가 follows vowels only, 과 consonants only: these are nouns, not noun + particle.
        assert_eq!(first("전문가"), None);
        assert_eq!(first("소아과"), None);
        // A one-syllable stem is not stripped.
        assert_eq!(first("쌀을"), None);
        assert_eq!(first("사과"), None);
    }

    #[test]
    fn one_syllable_nouns_lose_their_particle_as_words_only() {
        for (word, stem) in [
            ("쌀을", "쌀"),
            ("차를", "차"),
            ("꿀은", "꿀"),
            ("배에서", "배"),
        ] {
            assert_eq!(
                one_syllable_stem(word, Side::Query),
                Some(stem.into()),
                "{word}"
            );
            assert_eq!(
                one_syllable_stem(word, Side::Index),
                Some(stem.into()),
                "{word}"
            );
        }
        // Two-syllable nouns that end like a particle stay whole in a query.
        for word in [
            "포도", "지도", "회의", "결과", "마을", "가을", "사과", "도로", "쌀", "한",
        ] {
            assert_eq!(one_syllable_stem(word, Side::Query), None, "{word}");
        }
        // A document's word loses every particle after the right sound: 쌀과, 쌀이, 쌀도.
        for word in ["쌀과", "쌀이", "쌀도", "쌀의", "쌀만"] {
            assert_eq!(
                one_syllable_stem(word, Side::Index),
                Some("쌀".into()),
                "{word}"
            );
        }
        assert_eq!(
            one_syllable_stem("사과", Side::Index),
            None,
            "과 follows consonants"
        );
        assert_eq!(
            one_syllable_stem("한다", Side::Index),
            None,
            "not a particle"
        );
        assert_eq!(
            one_syllable_stem("화장품을", Side::Query),
            None,
            "longer stems: stems()"
        );
    }

    #[test]
    fn verb_endings_leave_the_verbal_noun() {
        for (word, stem) in [
            ("판매하다", "판매"),
            ("유통하는", "유통"),
            ("수출합니다", "수출"),
            ("투자합니다", "투자"),
            ("가공하여", "가공"),
            ("생산했다", "생산"),
            ("협력하고", "협력"),
            ("배송해서", "배송"),
            ("생산됩니다", "생산"),
            ("유통업체입니다", "유통업체"),
            ("가공하거나", "가공"),
            ("투자하고자", "투자"),
            ("수출합니까", "수출"),
            ("유통했고", "유통"),
        ] {
            assert_eq!(first(word), Some(stem.into()), "{word}");
        }
    }

    #[test]
    fn other_words_are_left_alone() {
        for word in [
            "화장품",
            "캄보디아",
            "한국",
            "cashew",
            "ស្វាយចន្ទី",
            "",
            "화장품2",
            "한",
        ] {
            assert!(stems(word).is_empty(), "{word}: {:?}", stems(word));
        }
        // Punctuation around the word does not hide the ending.
        assert_eq!(stems("화장품을,"), ["화장품"]);
    }

    #[test]
    fn compounds_are_cut_into_listed_words_of_two_syllables_or_more() {
        assert_eq!(compound_parts("대형마트"), ["대형", "마트"]);
        assert_eq!(compound_parts("화장품제조"), ["화장품", "제조"]);
        // What the tiers of search were built to keep apart stays whole: a one-syllable piece
        // is no word (스마트폰, 전시장, 재배포), and a listed word is not cut.
        assert_eq!(compound_parts("고등학교"), ["고등", "학교"]);
        assert_eq!(compound_parts("농산물가공"), ["농산물", "가공"]);
        assert_eq!(glossary_parts("캐슈넛가공수출"), ["캐슈넛", "가공", "수출"]);
        assert_eq!(glossary_parts("식품가공"), ["식품", "가공"]);
        assert!(glossary_parts("메타버스").is_empty());
        // Three listed words by chance are no compound (수산|물가|공업 for 수산물가공업); its
        // two glossary words are.
        assert_eq!(compound_parts("수산물가공업"), ["수산물", "가공업"]);
        // A glossary form is a word too, though the list lacks it (QA: 캐슈넛가공).
        assert_eq!(compound_parts("캐슈넛가공"), ["캐슈넛", "가공"]);
        for whole in ["스마트폰", "전시장", "재배포", "마트", "캄보디아"] {
            assert!(
                compound_parts(whole).is_empty(),
                "{whole}: {:?}",
                compound_parts(whole)
            );
        }
    }
}
