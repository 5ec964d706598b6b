//! Khmer word segmentation with a dictionary, for word-level evidence only.
//!
//! Khmer writes no space between words, so "is this query a word of the document" needs a
//! dictionary. ICU4X's dictionary segmenter (the Khmer dictionary of ICU, compiled into the
//! binary by `icu_segmenter`'s `compiled_data`: nothing is read or downloaded at run time) cuts a
//! Khmer passage into words. Its output is never the only way to find a text: the syllable
//! n-grams of `analyzer` still match wherever the syllables occur, so a word the dictionary splits
//! wrongly (loanwords such as ហ្វេសប៊ុក) is still found; the words only decide what ranks first
//! (`search::query`).

use icu_provider::{
    DataError, DataErrorKind, DataProvider, DataRequest, DataResponse, KeyedDataMarker,
};
use icu_segmenter::provider::{
    Baked, DictionaryForWordLineExtendedV1Marker, DictionaryForWordOnlyAutoV1Marker,
    GraphemeClusterBreakDataV1Marker, WordBreakDataV1Marker,
};
use icu_segmenter::WordSegmenter;

thread_local! {
    /// One per thread: ICU4X 1.5's data handles are not `Sync` (without `icu_provider`'s `sync`
    /// feature), and building one only points at static data. `None` only if the compiled-in
    /// data failed to load, which it does not: then no text has dictionary words, and search
    /// ranks by n-grams alone, as before the dictionary.
    static SEGMENTER: Option<WordSegmenter> =
        WordSegmenter::try_new_dictionary_unstable(&WithoutCjDictionary).ok();
}

/// The compiled-in data, minus the Chinese/Japanese dictionary: `WordSegmenter::new_dictionary`
/// would link it (about 2 MB) although only Khmer is segmented. The segmenter treats a
/// missing dictionary as "no dictionary for that script".
struct WithoutCjDictionary;

impl DataProvider<DictionaryForWordOnlyAutoV1Marker> for WithoutCjDictionary {
    fn load(
        &self,
        req: DataRequest,
    ) -> Result<DataResponse<DictionaryForWordOnlyAutoV1Marker>, DataError> {
        Err(DataErrorKind::MissingLocale.with_req(DictionaryForWordOnlyAutoV1Marker::KEY, req))
    }
}

impl DataProvider<DictionaryForWordLineExtendedV1Marker> for WithoutCjDictionary {
    fn load(
        &self,
        req: DataRequest,
    ) -> Result<DataResponse<DictionaryForWordLineExtendedV1Marker>, DataError> {
        Baked.load(req)
    }
}

impl DataProvider<WordBreakDataV1Marker> for WithoutCjDictionary {
    fn load(&self, req: DataRequest) -> Result<DataResponse<WordBreakDataV1Marker>, DataError> {
        Baked.load(req)
    }
}

impl DataProvider<GraphemeClusterBreakDataV1Marker> for WithoutCjDictionary {
    fn load(
        &self,
        req: DataRequest,
    ) -> Result<DataResponse<GraphemeClusterBreakDataV1Marker>, DataError> {
        Baked.load(req)
    }
}

/// Longest passage handed to the segmenter, in bytes: a dictionary segmenter's work grows with
/// the passage, and a "word" of more than a few hundred bytes is garbage, not a word.
const MAX_PASSAGE_BYTES: usize = 3000;

/// Byte offsets where the dictionary puts a word boundary inside `passage` (a run of Khmer
/// letters with no space), excluding 0 and the end. Empty when the passage is one word, or too
/// long to segment.
pub fn boundaries(passage: &str) -> Vec<usize> {
    if passage.len() > MAX_PASSAGE_BYTES {
        return Vec::new();
    }
    SEGMENTER.with(|segmenter| match segmenter {
        Some(segmenter) => segmenter
            .segment_str(passage)
            .filter(|at| *at > 0 && *at < passage.len())
            .collect(),
        None => Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(passage: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut from = 0;
        for at in boundaries(passage).into_iter().chain([passage.len()]) {
            out.push(&passage[from..at]);
            from = at;
        }
        out
    }

    #[test]
    fn the_dictionary_finds_words_in_unspaced_khmer() {
        // "We buy paddy" and "scandal": the words, not syllables.
        assert_eq!(words("យើងទិញស្រូវ"), ["យើង", "ទិញ", "ស្រូវ"]);
        assert!(!words("អាស្រូវ").contains(&"ស្រូវ"), "{:?}", words("អាស្រូវ"));
        assert_eq!(words("ស្រូវ"), ["ស្រូវ"]);
        assert!(boundaries("").is_empty());
        // The segmenter was built (a failure would silently give no words).
        assert!(SEGMENTER.with(Option::is_some));
        // Han text has no dictionary here: one piece, never an error.
        assert!(boundaries("中文分词").len() <= 3);
        // Issue 11's traps: the longer words are one word, the short ones words of their own.
        assert_eq!(words("រឿងអាស្រូវ"), ["រឿងអាស្រូវ"]);
        assert_eq!(words("លក់អាលុយមីញ៉ូមនិងលុយ"), ["លក់", "អាលុយមីញ៉ូម", "និង", "លុយ"]);
        assert_eq!(words("ទាក់ទាញទាប"), ["ទាក់ទាញ", "ទាប"]);
        assert_eq!(words("ចិញ្ចឹមទា"), ["ចិញ្ចឹម", "ទា"]);
        // A loanword the dictionary lacks is cut in pieces: why the words only rank and the
        // syllable n-grams still decide what is found.
        assert_ne!(words("អនឡាញ"), ["អនឡាញ"]);
    }
}
