//! Compact per-segment feature arrays for exact match scoring.
//!
//! Reading fast-field columns document by document through tantivy's generic column API costs
//! more than the scoring itself, so each segment's columns are decoded once into plain arrays
//! (a few bytes per document) and kept until the segment leaves the index. Segments never
//! change once written, so an entry stays valid for the segment's life; deletions are applied
//! at query time from the segment's alive bitset.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::index::SegmentId;
use tantivy::{Searcher, SegmentReader};

use crate::domain::profile::PartnershipType;
use crate::matching::features::{partnership_mask, IncentiveFacts};

/// Marks documents that are not of the kind an array describes.
pub const NONE: u16 = u16::MAX;

/// What the incentive facts of an SME depend on, as stored in the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IncentiveKey {
    pub sector_node: u16,
    pub province: u8,
    /// The investment the SME seeks (capital max, else min), if any.
    pub investment: Option<i64>,
    pub employees: Option<u32>,
    pub export_oriented: bool,
}

impl IncentiveKey {
    /// The key of an SME profile: the same values `SegmentFeatures` reads back from the index.
    pub fn of(p: &crate::domain::sme::SmeProfile) -> Self {
        use super::document::codes;
        IncentiveKey {
            sector_node: u16::try_from(codes::node(p.sector.as_str())).unwrap_or(NONE),
            province: codes::province(&p.province) as u8,
            investment: p.capital_sought.max.or(p.capital_sought.min),
            employees: p.employees,
            export_oriented: p
                .partnership_types
                .contains(&PartnershipType::ExportMarketAccess),
        }
    }
}

/// Computes an SME's incentive facts (the investment-law rules, supplied by the caller).
pub type FactsFn = Arc<dyn Fn(&IncentiveKey) -> IncentiveFacts + Send + Sync>;

/// The facts function of a set of investment-law rules, for keys as the index stores them.
pub fn facts_from_rules(rules: Arc<crate::domain::incentives::Rules>) -> FactsFn {
    use crate::domain::province::{provinces, ProvinceCode};
    use crate::domain::sector::{isic, IsicClass};
    // Parsed once: the per-document path then only indexes into these tables.
    let classes: Vec<Option<IsicClass>> = isic()
        .all()
        .iter()
        .map(|n| IsicClass::parse(&n.code).ok())
        .collect();
    let provinces: Vec<Option<ProvinceCode>> = std::iter::once(None)
        .chain(provinces().iter().map(|p| ProvinceCode::parse(&p.iso).ok()))
        .collect();
    Arc::new(move |key: &IncentiveKey| {
        let Some(Some(class)) = classes.get(key.sector_node as usize) else {
            return IncentiveFacts::default();
        };
        let province = provinces
            .get(key.province as usize)
            .and_then(|p| p.as_ref());
        IncentiveFacts::from_rules(&crate::domain::incentives::facts(
            &rules,
            class,
            province,
            key.investment,
            key.employees,
            key.export_oriented,
        ))
    })
}

#[derive(Debug, Default)]
pub struct SmeColumns {
    /// ISIC node index of the primary class; [`NONE`] for documents that are not SMEs.
    pub class: Vec<u16>,
    pub province: Vec<u8>,
    pub digital: Vec<u8>,
    pub partnership: Vec<u16>,
    /// Packed [`IncentiveFacts`].
    pub incentive: Vec<u16>,
    /// Capital sought, as an index into `ranges`: SMEs ask for few distinct amounts, so a query
    /// scores each distinct range once instead of once per document.
    pub range: Vec<u32>,
    /// Distinct (min, max) pairs, -1 for an open bound.
    pub ranges: Vec<(i64, i64)>,
    pub key: Vec<u128>,
}

#[derive(Debug, Default)]
pub struct InvestorColumns {
    /// Documents that are investors.
    pub docs: Vec<u32>,
    /// Per investor (same order as `docs`): ISIC node indexes of interests and exclusions.
    pub interests: Vec<Vec<u16>>,
    pub excluded: Vec<Vec<u16>>,
    pub province_mask: Vec<u64>,
    pub digital_mask: Vec<u8>,
    pub incentive_mask: Vec<u8>,
    pub partnership: Vec<u16>,
    pub range_min: Vec<i64>,
    pub range_max: Vec<i64>,
    pub key: Vec<u128>,
}

#[derive(Debug, Default)]
pub struct SegmentFeatures {
    pub smes: SmeColumns,
    pub investors: InvestorColumns,
}

impl SegmentFeatures {
    fn build(reader: &SegmentReader, facts: &FactsFn) -> tantivy::Result<Self> {
        let ff = reader.fast_fields();
        let sector = ff.u64("sector_node")?;
        let province_idx = ff.u64("province_idx")?;
        let digital_idx = ff.u64("digital_idx")?;
        let partnership = ff.u64("partnership_mask")?;
        let employees = ff.u64("employees")?;
        let range_min = ff.i64("range_min")?;
        let range_max = ff.i64("range_max")?;
        let hi = ff.u64("id_hi")?;
        let lo = ff.u64("id_lo")?;
        let interests = ff.u64("interest_nodes")?;
        let excluded = ff.u64("excluded_nodes")?;
        let province_mask = ff.u64("province_mask")?;
        let digital_mask = ff.u64("digital_mask")?;
        let incentive_mask = ff.u64("incentive_mask")?;

        let n = reader.max_doc() as usize;
        let mut s = SmeColumns {
            class: vec![NONE; n],
            province: vec![0; n],
            digital: vec![0; n],
            partnership: vec![0; n],
            incentive: vec![0; n],
            range: vec![0; n],
            ranges: Vec::new(),
            key: vec![0; n],
        };
        let mut inv = InvestorColumns::default();
        // Facts depend on few distinct inputs; memoise so a large segment costs little.
        let mut memo: HashMap<IncentiveKey, u16> = HashMap::new();
        let mut range_ids: HashMap<(i64, i64), u32> = HashMap::new();
        // An SME that seeks export markets is treated as export-oriented (customs incentives).
        let export_bit = partnership_mask(&[PartnershipType::ExportMarketAccess]);
        for doc in 0..reader.max_doc() {
            let d = doc as usize;
            let key = (u128::from(hi.first(doc).unwrap_or(0)) << 64)
                | u128::from(lo.first(doc).unwrap_or(0));
            let rmin = range_min.first(doc).unwrap_or(-1);
            let rmax = range_max.first(doc).unwrap_or(-1);
            let pmask = partnership.first(doc).unwrap_or(0) as u16;
            if let Some(class) = sector.first(doc) {
                let class = u16::try_from(class).unwrap_or(NONE);
                let province = province_idx.first(doc).unwrap_or(0) as u8;
                let investment = [rmax, rmin].into_iter().find(|v| *v >= 0);
                let employees = employees
                    .first(doc)
                    .and_then(|e| e.checked_sub(1))
                    .map(|e| e as u32);
                let export_oriented = pmask & export_bit != 0;
                let ik = IncentiveKey {
                    sector_node: class,
                    province,
                    investment,
                    employees,
                    export_oriented,
                };
                let bits = *memo.entry(ik).or_insert_with(|| facts(&ik).pack());
                s.class[d] = class;
                s.province[d] = province;
                s.digital[d] = digital_idx.first(doc).unwrap_or(0) as u8;
                s.partnership[d] = pmask;
                s.incentive[d] = bits;
                let next = range_ids.len() as u32;
                let id = *range_ids.entry((rmin, rmax)).or_insert(next);
                if id == next {
                    s.ranges.push((rmin, rmax));
                }
                s.range[d] = id;
                s.key[d] = key;
            } else if province_mask.first(doc).is_some() {
                // Only investor documents carry a province mask.
                inv.docs.push(doc);
                inv.interests
                    .push(interests.values_for_doc(doc).map(|v| v as u16).collect());
                inv.excluded
                    .push(excluded.values_for_doc(doc).map(|v| v as u16).collect());
                inv.province_mask
                    .push(province_mask.first(doc).unwrap_or(0));
                inv.digital_mask
                    .push(digital_mask.first(doc).unwrap_or(0) as u8);
                inv.incentive_mask
                    .push(incentive_mask.first(doc).unwrap_or(0) as u8);
                inv.partnership.push(pmask);
                inv.range_min.push(rmin);
                inv.range_max.push(rmax);
                inv.key.push(key);
            }
        }
        Ok(SegmentFeatures {
            smes: s,
            investors: inv,
        })
    }
}

/// Feature arrays by segment, shared by every query.
pub struct FeatureCache {
    facts: FactsFn,
    segments: Mutex<HashMap<SegmentId, Arc<SegmentFeatures>>>,
}

impl FeatureCache {
    pub fn new(facts: FactsFn) -> Self {
        FeatureCache {
            facts,
            segments: Mutex::new(HashMap::new()),
        }
    }

    /// The arrays of every segment of `searcher`, building any that are missing, and forgetting
    /// segments that are gone (merged away).
    pub fn for_searcher(&self, searcher: &Searcher) -> tantivy::Result<Vec<Arc<SegmentFeatures>>> {
        let mut out = Vec::with_capacity(searcher.segment_readers().len());
        let mut missing = Vec::new();
        {
            let cache = self.lock();
            for (ord, reader) in searcher.segment_readers().iter().enumerate() {
                match cache.get(&reader.segment_id()) {
                    Some(f) => out.push(Some(f.clone())),
                    None => {
                        out.push(None);
                        missing.push(ord);
                    }
                }
            }
        }
        // Build outside the lock: a large segment takes a while and other queries go on.
        for ord in missing {
            let reader = &searcher.segment_readers()[ord];
            let built = Arc::new(SegmentFeatures::build(reader, &self.facts)?);
            self.lock().insert(reader.segment_id(), built.clone());
            out[ord] = Some(built);
        }
        let live: Vec<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(|r| r.segment_id())
            .collect();
        self.lock().retain(|id, _| live.contains(id));
        Ok(out.into_iter().flatten().collect())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SegmentId, Arc<SegmentFeatures>>> {
        // A panic while holding the lock leaves a map that is still consistent (inserts are
        // whole), so recover it rather than poison every later query.
        self.segments.lock().unwrap_or_else(|e| e.into_inner())
    }
}
