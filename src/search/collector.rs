//! Exact top-k with keyset paging: scores every matching document and keeps the best `limit`
//! strictly after a cursor, in the order (whole words before parts of words, score descending,
//! id ascending), or, paging back, the `limit` that come just before a cursor.
//!
//! "Whole words" is a second query ([`KeysetTop::whole_words`]): a hit it does not match found
//! some query word only inside a longer word (ស្រូវ "paddy" inside អាស្រូវ "scandal", 마트 inside
//! 스마트폰). Such hits follow every other hit, whatever their scores, so that a page of
//! results can say where the words themselves end (issue 11).
//!
//! The id is a total tie-break (two fast fields holding its 128 bits), so pages neither repeat
//! nor skip documents, even when many share a score (a browse without text scores all alike).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::{Scorer, Weight};
use tantivy::{DocAddress, DocId, DocSet, Score, SegmentOrdinal, SegmentReader};

/// A position in the result order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rank {
    /// Some query word was found only inside a longer word: after every hit that is not.
    pub part_of_word: bool,
    pub score: Score,
    pub key: u128,
}

impl Rank {
    /// `Less` means `self` comes first.
    fn order(&self, other: &Rank) -> Ordering {
        self.part_of_word
            .cmp(&other.part_of_word)
            .then(other.score.total_cmp(&self.score))
            .then(self.key.cmp(&other.key))
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Hit {
    pub rank: Rank,
    pub address: DocAddress,
}

/// Which side of the cursor a page lies on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Page {
    /// The first `limit` hits strictly after the cursor (`None`: from the start).
    After(Option<Rank>),
    /// The last `limit` hits strictly before the cursor (`None`: up to the end).
    Before(Option<Rank>),
}

impl Page {
    /// Whether a hit at `rank` lies on this page's side of its cursor.
    fn admits(&self, rank: &Rank) -> bool {
        match self {
            Page::After(None) | Page::Before(None) => true,
            Page::After(Some(c)) => rank.order(c) == Ordering::Greater,
            Page::Before(Some(c)) => rank.order(c) == Ordering::Less,
        }
    }

    /// `Less` means `a` is kept before `b` when the page is full: the hits nearest the cursor.
    fn keep(&self, a: &Rank, b: &Rank) -> Ordering {
        match self {
            Page::After(_) => a.order(b),
            Page::Before(_) => b.order(a),
        }
    }
}

/// Heap entry: the greatest is the one to evict (the farthest from the cursor), so it sits on
/// top. Every entry of one heap carries the same page.
struct Entry(Hit, Page);

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.1.keep(&self.0.rank, &other.0.rank)
    }
}

pub struct KeysetTop {
    pub limit: usize,
    pub page: Page,
    pub hi_field: &'static str,
    pub lo_field: &'static str,
    /// The hits found with every query word as a word (see the module's comment); `None`: all
    /// are (a browse, or words that are words wherever they are found).
    pub whole_words: Option<Box<dyn Weight>>,
}

pub struct KeysetSegment {
    hi: Column<u64>,
    lo: Column<u64>,
    /// Walks the whole-word hits alongside the collected ones, which come in document order.
    whole_words: Option<Box<dyn Scorer>>,
    segment: SegmentOrdinal,
    limit: usize,
    page: Page,
    heap: BinaryHeap<Entry>,
}

impl Collector for KeysetTop {
    type Fruit = Vec<Hit>;
    type Child = KeysetSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<KeysetSegment> {
        Ok(KeysetSegment {
            hi: reader.fast_fields().u64(self.hi_field)?,
            lo: reader.fast_fields().u64(self.lo_field)?,
            whole_words: match &self.whole_words {
                Some(w) => Some(w.scorer(reader, 1.0)?),
                None => None,
            },
            segment,
            limit: self.limit,
            page: self.page,
            heap: BinaryHeap::with_capacity(self.limit + 1),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Hit>>) -> tantivy::Result<Vec<Hit>> {
        let mut all: Vec<Hit> = fruits.into_iter().flatten().collect();
        all.sort_by(|a, b| self.page.keep(&a.rank, &b.rank));
        all.truncate(self.limit);
        // Paging back, the nearest came first; a page always reads in the result order.
        if let Page::Before(_) = self.page {
            all.reverse();
        }
        Ok(all)
    }
}

impl SegmentCollector for KeysetSegment {
    type Fruit = Vec<Hit>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if self.limit == 0 {
            return;
        }
        let key = (u128::from(self.hi.first(doc).unwrap_or(0)) << 64)
            | u128::from(self.lo.first(doc).unwrap_or(0));
        let part_of_word = match &mut self.whole_words {
            None => false,
            Some(whole) => {
                // Documents are collected in increasing order, so the walk only goes forward
                // (an ended walk stands at TERMINATED, past every document).
                if whole.doc() < doc {
                    whole.seek(doc);
                }
                whole.doc() != doc
            }
        };
        let rank = Rank {
            part_of_word,
            score,
            key,
        };
        if !self.page.admits(&rank) {
            return;
        }
        if self.heap.len() == self.limit {
            // Full: only a hit nearer the cursor than the current farthest gets in.
            if let Some(farthest) = self.heap.peek() {
                if self.page.keep(&rank, &farthest.0.rank) != Ordering::Less {
                    return;
                }
            }
            self.heap.pop();
        }
        self.heap.push(Entry(
            Hit {
                rank,
                address: DocAddress::new(self.segment, doc),
            },
            self.page,
        ));
    }

    fn harvest(self) -> Vec<Hit> {
        self.heap.into_iter().map(|e| e.0).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_score_then_key() {
        let at = |score, key| Rank {
            part_of_word: false,
            score,
            key,
        };
        let (a, b, c) = (at(2.0, 9), at(1.0, 1), at(1.0, 2));
        assert_eq!(a.order(&b), Ordering::Less);
        assert_eq!(b.order(&c), Ordering::Less);
        assert_eq!(c.order(&c), Ordering::Equal);
        // A hit found inside a longer word follows the rest, however high its score.
        let part = Rank {
            part_of_word: true,
            score: 9.0,
            key: 0,
        };
        assert_eq!(c.order(&part), Ordering::Less);
    }

    #[test]
    fn a_page_back_keeps_the_hits_just_before_its_cursor() {
        let at = |score, key| Rank {
            part_of_word: false,
            score,
            key,
        };
        let cursor = at(1.0, 2);
        let back = Page::Before(Some(cursor));
        assert!(back.admits(&at(2.0, 9)) && back.admits(&at(1.0, 1)));
        assert!(!back.admits(&cursor) && !back.admits(&at(1.0, 3)));
        // Of two hits before the cursor, the nearer one (lower in the order) is kept first.
        assert_eq!(back.keep(&at(1.0, 1), &at(2.0, 9)), Ordering::Less);
        let forward = Page::After(Some(cursor));
        assert!(forward.admits(&at(1.0, 3)) && !forward.admits(&at(1.0, 1)));
        assert_eq!(forward.keep(&at(1.0, 3), &at(0.5, 1)), Ordering::Less);
    }
}
