//! Where the demo SMEs are: the 25 provinces with weights, and districts for finer addresses.

use std::sync::LazyLock;

use super::rng::Rng;

pub(crate) struct Province {
    pub iso: &'static str,
    /// Relative share of the national pattern of SMEs (out of about 1,000).
    pub weight: u32,
    /// The spelling English text uses; `data/provinces.csv` keeps the ministry's romanisation
    /// ("Siemreap"), descriptions use the one visitors and businesses write.
    pub en: &'static str,
    /// As in `data/provinces.csv` (checked by a test).
    pub km: &'static str,
    pub ko: &'static str,
}

const fn p(
    iso: &'static str,
    weight: u32,
    en: &'static str,
    km: &'static str,
    ko: &'static str,
) -> Province {
    Province {
        iso,
        weight,
        en,
        km,
        ko,
    }
}

/// Weights follow roughly where Cambodia's registered enterprises are: the capital dominates,
/// then the tourism, border-trade and farming hubs (our estimate after the NIS Economic Census
/// 2011 pattern; not an official distribution). The smallest provinces keep about 1% so that
/// every province shows up in the first 2,000 profiles.
pub(crate) const PROVINCES: [Province; 25] = [
    p(
        "KH-1",
        35,
        "Banteay Meanchey",
        "បន្ទាយមានជ័យ",
        "반테아이민체이",
    ),
    p("KH-2", 70, "Battambang", "បាត់ដំបង", "바탐방"),
    p("KH-3", 50, "Kampong Cham", "កំពង់ចាម", "캄퐁참"),
    p("KH-4", 22, "Kampong Chhnang", "កំពង់ឆ្នាំង", "캄퐁츠낭"),
    p("KH-5", 35, "Kampong Speu", "កំពង់ស្ពឺ", "캄퐁스푀"),
    p("KH-6", 25, "Kampong Thom", "កំពង់ធំ", "캄퐁톰"),
    p("KH-7", 30, "Kampot", "កំពត", "캄폿"),
    p("KH-8", 65, "Kandal", "កណ្ដាល", "칸달"),
    p("KH-9", 12, "Koh Kong", "កោះកុង", "코콩"),
    p("KH-10", 15, "Kratie", "ក្រចេះ", "크라체"),
    p("KH-11", 10, "Mondulkiri", "មណ្ឌលគិរី", "몬돌끼리"),
    p("KH-12", 300, "Phnom Penh", "រាជធានីភ្នំពេញ", "프놈펜"),
    p("KH-13", 10, "Preah Vihear", "ព្រះវិហារ", "프레아비히어"),
    p("KH-14", 35, "Prey Veng", "ព្រៃវែង", "프레이벵"),
    p("KH-15", 20, "Pursat", "ពោធិ៍សាត់", "푸르사트"),
    p("KH-16", 10, "Ratanakiri", "រតនគិរី", "라타나끼리"),
    p("KH-17", 90, "Siem Reap", "សៀមរាប", "시엠립"),
    p("KH-18", 45, "Sihanoukville", "ព្រះសីហនុ", "시아누크빌"),
    p("KH-19", 10, "Stung Treng", "ស្ទឹងត្រែង", "스퉁트렝"),
    p("KH-20", 25, "Svay Rieng", "ស្វាយរៀង", "스바이리엥"),
    p("KH-21", 35, "Takeo", "តាកែវ", "타케오"),
    p("KH-22", 10, "Oddar Meanchey", "ឧត្ដរមានជ័យ", "오다르민체이"),
    p("KH-23", 10, "Kep", "កែប", "켑"),
    p("KH-24", 10, "Pailin", "ប៉ៃលិន", "파일린"),
    p("KH-25", 22, "Tboung Khmum", "ត្បូងឃ្មុំ", "트봉크뭄"),
];

pub(crate) const PHNOM_PENH: usize = 11;

/// The province with ISO code `iso` (Phnom Penh for an unknown code: tables are tested).
pub(crate) fn by_iso(iso: &str) -> &'static Province {
    PROVINCES
        .iter()
        .find(|p| p.iso == iso)
        .unwrap_or(&PROVINCES[PHNOM_PENH])
}

/// A province drawn from the national pattern.
pub(crate) fn national(rng: &mut Rng) -> &'static Province {
    let i = rng.weighted(PROVINCES.iter().map(|p| p.weight));
    PROVINCES.get(i).unwrap_or(&PROVINCES[PHNOM_PENH])
}

/// A district (khan in Phnom Penh) with its English and Khmer names.
pub(crate) struct District {
    pub en: String,
    pub km: String,
}

const DISTRICTS_CSV: &str = include_str!("../../data/districts.csv");

/// Districts per province, in `PROVINCES` order. Parsed by hand (the file is simple, trusted
/// and compiled in) so the demo needs nothing beyond `std`.
static DISTRICTS: LazyLock<Vec<Vec<District>>> = LazyLock::new(|| {
    let mut out: Vec<Vec<District>> = (0..PROVINCES.len()).map(|_| Vec::new()).collect();
    for line in DISTRICTS_CSV.lines().skip(1) {
        let mut cols = line.split(',');
        let (Some(prov), Some(_), Some(en), Some(km)) =
            (cols.next(), cols.next(), cols.next(), cols.next())
        else {
            continue;
        };
        let iso = format!("KH-{}", prov.trim_start_matches('0'));
        let Some(idx) = PROVINCES.iter().position(|p| p.iso == iso) else {
            continue;
        };
        // A district named like its province ("Battambang, Battambang") adds nothing.
        if km == PROVINCES[idx].km || PROVINCES[idx].km.ends_with(km) {
            continue;
        }
        if let Some(list) = out.get_mut(idx) {
            list.push(District {
                en: en.trim_matches('"').to_string(),
                km: km.to_string(),
            });
        }
    }
    out
});

pub(crate) fn districts(province: &Province) -> &'static [District] {
    PROVINCES
        .iter()
        .position(|p| p.iso == province.iso)
        .and_then(|i| DISTRICTS.get(i))
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// A place phrase in the three languages: "Tuol Kouk, Phnom Penh" / "ខណ្ឌទួលគោក
/// រាជធានីភ្នំពេញ" / "프놈펜". Korean names the province only: district transliterations are
/// not standardised.
pub(crate) struct Place {
    pub en: String,
    pub km: String,
    pub ko: &'static str,
}

pub(crate) fn place(rng: &mut Rng, province: &'static Province) -> Place {
    let km_province = if province.iso == "KH-12" {
        province.km.to_string()
    } else {
        format!("ខេត្ត{}", province.km)
    };
    let district = if rng.chance(55) {
        rng.pick(districts(province))
    } else {
        None
    };
    match district {
        Some(d) => {
            // All of Phnom Penh's subdivisions are khans; elsewhere the file does not say which
            // districts are towns (ក្រុង) and which rural (ស្រុក), so the bare name is used, as
            // addresses in everyday Khmer often do.
            let km = if province.iso == "KH-12" {
                format!("ខណ្ឌ{} {km_province}", d.km)
            } else {
                format!("{} {km_province}", d.km)
            };
            Place {
                en: format!("{}, {}", d.en, province.en),
                km,
                ko: province.ko,
            }
        }
        None => Place {
            en: province.en.to_string(),
            km: km_province,
            ko: province.ko,
        },
    }
}
