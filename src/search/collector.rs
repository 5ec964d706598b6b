//! Exact top-k with keyset paging: scores every matching document and keeps the best `limit`
//! strictly after a cursor, in the order (score descending, id ascending).
//!
//! The id is a total tie-break (two fast fields holding its 128 bits), so pages neither repeat
//! nor skip documents, even when many share a score (a browse without text scores all alike).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// A position in the result order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rank {
    pub score: Score,
    pub key: u128,
}

impl Rank {
    /// `Less` means `self` comes first.
    fn order(&self, other: &Rank) -> Ordering {
        other
            .score
            .total_cmp(&self.score)
            .then(self.key.cmp(&other.key))
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Hit {
    pub rank: Rank,
    pub address: DocAddress,
}

/// Heap entry: the greatest is the one that comes last, so the heap's top is the one to evict.
struct Entry(Hit);

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
        self.0.rank.order(&other.0.rank)
    }
}

pub struct KeysetTop {
    pub limit: usize,
    pub after: Option<Rank>,
    pub hi_field: &'static str,
    pub lo_field: &'static str,
}

pub struct KeysetSegment {
    hi: Column<u64>,
    lo: Column<u64>,
    segment: SegmentOrdinal,
    limit: usize,
    after: Option<Rank>,
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
            segment,
            limit: self.limit,
            after: self.after,
            heap: BinaryHeap::with_capacity(self.limit + 1),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Hit>>) -> tantivy::Result<Vec<Hit>> {
        let mut all: Vec<Hit> = fruits.into_iter().flatten().collect();
        all.sort_by(|a, b| a.rank.order(&b.rank));
        all.truncate(self.limit);
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
        let rank = Rank { score, key };
        if let Some(after) = &self.after {
            if rank.order(after) != Ordering::Greater {
                return;
            }
        }
        if self.heap.len() == self.limit {
            // Full: only a hit better than the current worst gets in.
            if let Some(worst) = self.heap.peek() {
                if rank.order(&worst.0.rank) != Ordering::Less {
                    return;
                }
            }
            self.heap.pop();
        }
        self.heap.push(Entry(Hit {
            rank,
            address: DocAddress::new(self.segment, doc),
        }));
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
        let a = Rank { score: 2.0, key: 9 };
        let b = Rank { score: 1.0, key: 1 };
        let c = Rank { score: 1.0, key: 2 };
        assert_eq!(a.order(&b), Ordering::Less);
        assert_eq!(b.order(&c), Ordering::Less);
        assert_eq!(c.order(&c), Ordering::Equal);
    }
}
