//! The SME generator: one archetype, one place, one set of indicators per item, written up in
//! Khmer (always), English (almost always) and Korean (sometimes).

use crate::domain::contact::ContactRaw;
use crate::domain::digital::{DigitalIndicator as D, DigitalLevel};
use crate::domain::profile::{PartnershipType, Visibility};
use crate::domain::sme::SmeRaw;
use crate::domain::text::LocalizedTextRaw;

use super::people::{BRANDS, KHMER_FAMILY, KHMER_GIVEN};
use super::places::{self, Place, Province};
use super::rng::Rng;
use super::sme_data::{Affinity, Archetype, Size, ARCHETYPES};
use super::text::{
    fill, join_en, join_km, join_ko, khmer_digits, slug, usd_en, usd_km, usd_ko, Tri,
};
use super::{amounts, AMOUNTS};

const BLANK: Tri = ("", "", "");

/// Separates SME items from investor items drawn from the same seed.
const STREAM: u64 = 0x0053_4d45; // "SME"
/// Anonymity is drawn from a stream of its own, before any text is written: an ANONYMOUS
/// SME's texts must not contain the name it hides.
const VISIBILITY_STREAM: u64 = 0x0056_4953; // "VIS"

/// The latest founding year generated (the demo set describes the market as of 2026).
const LATEST_YEAR: i64 = 2025;

/// Share of profiles written only in Khmer (no English at all), in percent. Small: most
/// Cambodian SMEs that seek foreign partners publish an English version.
const KHMER_ONLY_PCT: u32 = 1;
/// Share that also publishes Korean text (the brief's ~15%).
const KOREAN_PCT: u32 = 15;
const ANONYMOUS_PCT: u32 = 10;

fn pick3(rng: &mut Rng, xs: &[Tri]) -> Tri {
    rng.pick(xs).copied().unwrap_or(BLANK)
}

fn pick_str(rng: &mut Rng, xs: &[&'static str]) -> &'static str {
    rng.pick(xs).copied().unwrap_or("")
}

fn archetype(rng: &mut Rng) -> &'static Archetype {
    let i = rng.weighted(ARCHETYPES.iter().map(|a| a.weight));
    ARCHETYPES.get(i).unwrap_or(&ARCHETYPES[0])
}

fn province(rng: &mut Rng, a: &Archetype) -> &'static Province {
    // A quarter of every trade follows the national pattern, so that (say) a few rice mills
    // appear outside the rice bowl and every province sees some of everything.
    if !a.provinces.is_empty() && rng.chance(75) {
        places::by_iso(pick_str(rng, a.provinces))
    } else {
        places::national(rng)
    }
}

fn employees(rng: &mut Rng, size: Size) -> i64 {
    let band = match size {
        Size::Micro => rng.weighted([80u32, 18, 2].into_iter()),
        Size::Small => rng.weighted([35u32, 55, 10].into_iter()),
        Size::Medium => rng.weighted([10u32, 50, 40].into_iter()),
    };
    match band {
        0 => rng.range(2, 9),
        1 => rng.range(10, 49),
        _ => rng.range(50, 100),
    }
}

/// Founding years lean recent (the minimum of two uniform draws): most Cambodian SMEs are young.
fn founded(rng: &mut Rng, since: i64) -> i64 {
    let span = (LATEST_YEAR - since).max(0);
    let back = rng.range(0, span).min(rng.range(0, span));
    LATEST_YEAR - back
}

/// The target digital level, by the trade's affinity. Mixed over the archetype weights these
/// give about 60% BASIC, 30% INTERMEDIATE, 10% ADVANCED: the CDRI split quoted in
/// shared/domain/README.md. The test `digital_levels_follow_cdri_split` measures it.
fn level(rng: &mut Rng, affinity: Affinity) -> DigitalLevel {
    let w: [u32; 3] = match affinity {
        Affinity::Low => [80, 18, 2],
        Affinity::Mid => [57, 33, 10],
        Affinity::High => [22, 45, 33],
    };
    match rng.weighted(w.into_iter()) {
        0 => DigitalLevel::Basic,
        1 => DigitalLevel::Intermediate,
        _ => DigitalLevel::Advanced,
    }
}

const INTERMEDIATE_TOOLS: [D; 5] = [
    D::Website,
    D::OnlineStore,
    D::OnlineAdvertising,
    D::AccountingSoftware,
    D::DigitalInventory,
];
const ADVANCED_TOOLS: [D; 6] = [
    D::Erp,
    D::Crm,
    D::EcommerceIntegration,
    D::CloudBackoffice,
    D::DataAnalytics,
    D::Cybersecurity,
];

/// Indicators that `digital::assess` scores at `target`: its rule is "two intermediate tools
/// for INTERMEDIATE, plus three advanced ones for ADVANCED", so a BASIC firm keeps at most one
/// intermediate tool and an INTERMEDIATE one at most two advanced tools.
fn indicators(rng: &mut Rng, target: DigitalLevel, always: &[D]) -> Vec<D> {
    let mut v: Vec<D> = always.to_vec();
    let (social, messaging, pay) = match target {
        DigitalLevel::Basic => (75, 50, 50),
        DigitalLevel::Intermediate => (95, 75, 85),
        DigitalLevel::Advanced => (98, 85, 95),
    };
    for (ind, pct) in [
        (D::SocialMedia, social),
        (D::MessagingSales, messaging),
        (D::EPayment, pay),
    ] {
        if rng.chance(pct) {
            v.push(ind);
        }
    }
    let (mid_lo, mid_hi, adv_lo, adv_hi) = match target {
        DigitalLevel::Basic => (0, i64::from(rng.chance(25)), 0, 0),
        DigitalLevel::Intermediate => (2, 4, 0, 2),
        DigitalLevel::Advanced => (2, 5, 3, 6),
    };
    let mid_n = rng.range(mid_lo, mid_hi);
    let adv_n = if adv_hi == 2 {
        // Intermediate firms mostly have no advanced tool; a few have one or two.
        rng.weighted([60u32, 30, 10].into_iter()) as i64
    } else {
        rng.range(adv_lo, adv_hi)
    };
    add_from(
        rng,
        &mut v,
        &INTERMEDIATE_TOOLS,
        mid_n,
        target == DigitalLevel::Basic,
    );
    add_from(rng, &mut v, &ADVANCED_TOOLS, adv_n, false);
    v.sort();
    v.dedup();
    v
}

/// Adds tools from `pool` until `v` holds `n` of them; with `cap`, never more than `n` in all
/// (a BASIC firm whose trade forces a website gets no second intermediate tool).
fn add_from(rng: &mut Rng, v: &mut Vec<D>, pool: &[D], n: i64, cap: bool) {
    let have = |v: &Vec<D>| v.iter().filter(|d| pool.contains(d)).count() as i64;
    if cap && have(v) >= n {
        return;
    }
    for i in rng.distinct(pool.len(), pool.len()) {
        if have(v) >= n {
            break;
        }
        if let Some(d) = pool.get(i) {
            if !v.contains(d) {
                v.push(*d);
            }
        }
    }
}

/// Capital sought: a range on the table of round amounts within the trade's bounds, larger
/// for larger firms; sometimes open-ended or absent (not every SME knows or says).
fn capital(rng: &mut Rng, a: &Archetype, staff: Option<i64>) -> (Option<i64>, Option<i64>) {
    let (lo, hi) = amounts(a.capital.0, a.capital.1);
    if hi <= lo || rng.chance(12) {
        return (None, None);
    }
    let span = hi - lo;
    // Bigger teams ask from higher up the trade's range.
    let lift = match staff {
        Some(n) if n >= 50 => span / 2,
        Some(n) if n >= 10 => span / 4,
        _ => 0,
    };
    let min_i = (lo + lift + rng.below(span / 2 + 1)).min(hi - 1);
    let max_i = (min_i + 1 + rng.below(4)).min(hi);
    let min = AMOUNTS.get(min_i).copied();
    let max = AMOUNTS.get(max_i).copied();
    match rng.below(20) {
        0 => (min, None),
        1 => (None, max),
        _ => (min, max),
    }
}

fn partnership_types(rng: &mut Rng, needs: &[PartnershipType]) -> Vec<PartnershipType> {
    let k = 1 + rng.weighted([45u32, 40, 15].into_iter());
    // The trade's most typical need comes first more often than not.
    let mut out: Vec<PartnershipType> = Vec::with_capacity(k);
    if rng.chance(60) {
        if let Some(first) = needs.first() {
            out.push(*first);
        }
    }
    for i in rng.distinct(needs.len(), needs.len()) {
        if out.len() >= k {
            break;
        }
        if let Some(p) = needs.get(i) {
            if !out.contains(p) {
                out.push(*p);
            }
        }
    }
    out
}

/// What an SME asks for, as the object of "seeks …".
fn need_phrase(p: PartnershipType) -> Tri {
    use PartnershipType as P;
    match p {
        P::Equity => ("equity investment", "ការវិនិយោគភាគហ៊ុន", "지분 투자"),
        P::Loan => ("a business loan", "ប្រាក់កម្ចីអាជីវកម្ម", "사업 자금 대출"),
        P::JointVenture => ("a joint-venture partner", "ដៃគូសហវិនិយោគ", "합작 투자"),
        P::Distribution => ("distribution partners", "ដៃគូចែកចាយ", "유통 협력"),
        P::Manufacturing => (
            "OEM manufacturing orders",
            "ការបញ្ជាទិញផលិតកម្មបែប OEM",
            "OEM 위탁생산",
        ),
        P::TechnologyTransfer => ("technology transfer", "ការផ្ទេរបច្ចេកវិទ្យា", "기술 이전"),
        P::Training => ("training for its staff", "ការបណ្ដុះបណ្ដាលសម្រាប់បុគ្គលិក", "직원 교육"),
        P::ExportMarketAccess => (
            "export-market access, especially to Korea",
            "ឱកាសចូលទីផ្សារនាំចេញ ជាពិសេសទីផ្សារកូរ៉េ",
            "한국 등 수출시장 진출",
        ),
        P::SupplyChain => (
            "reliable supply-chain partners",
            "ដៃគូខ្សែសង្វាក់ផ្គត់ផ្គង់ដែលអាចទុកចិត្តបាន",
            "안정적인 공급망 협력",
        ),
    }
}

const GOODS_GOALS: &[Tri] = &[
    ("expand production", "ពង្រីកការផលិត", "생산을 늘리기"),
    ("buy modern machinery", "ទិញម៉ាស៊ីនទំនើប", "최신 설비를 도입하기"),
    (
        "meet export quality standards",
        "ឈានដល់ស្តង់ដារគុណភាពសម្រាប់ការនាំចេញ",
        "수출 품질 기준을 충족하기",
    ),
    (
        "improve its packaging and branding",
        "កែលម្អការវេចខ្ចប់ និងម៉ាកយីហោ",
        "포장과 브랜드를 개선하기",
    ),
    (
        "reach buyers abroad",
        "ស្វែងរកអ្នកទិញនៅបរទេស",
        "해외 바이어를 찾기",
    ),
];

const SERVICE_GOALS: &[Tri] = &[
    ("open a second branch", "បើកសាខាទីពីរ", "두 번째 지점을 열기"),
    (
        "serve more customers",
        "បម្រើអតិថិជនបានច្រើនជាងមុន",
        "더 많은 고객을 응대하기",
    ),
    ("upgrade its equipment", "ធ្វើទំនើបកម្មឧបករណ៍", "장비를 개선하기"),
    (
        "raise the quality of its service",
        "លើកកម្ពស់គុណភាពសេវាកម្ម",
        "서비스 품질을 높이기",
    ),
    ("train new staff", "បណ្ដុះបណ្ដាលបុគ្គលិកថ្មី", "신규 직원을 교육하기"),
];

const DIGITAL_GOAL: Tri = (
    "move sales and bookkeeping online",
    "ធ្វើការលក់ និងការកត់ត្រាបញ្ជីតាមប្រព័ន្ធឌីជីថល",
    "판매와 장부 관리를 디지털로 전환하기",
);
const DIGITAL_GOAL_SERVICES: Tri = (
    "take bookings and payments online",
    "ទទួលការកក់ និងការទូទាត់តាមអនឡាញ",
    "예약과 결제를 온라인으로 받기",
);

const KINDS: &[Tri] = &[
    ("family business", "អាជីវកម្មគ្រួសារ", "가족 기업"),
    ("small business", "អាជីវកម្មខ្នាតតូច", "소규모 사업체"),
    ("local company", "ក្រុមហ៊ុនក្នុងស្រុក", "현지 기업"),
    ("small enterprise", "សហគ្រាសធុនតូច", "중소기업"),
    (
        "women-led business",
        "អាជីវកម្មដែលដឹកនាំដោយស្ត្រី",
        "여성이 이끄는 기업",
    ),
];
const MEDIUM_KIND: Tri = ("medium-sized enterprise", "សហគ្រាសធុនមធ្យម", "중견 중소기업");
const YOUNG_KIND: Tri = ("young company", "ក្រុមហ៊ុនថ្មី", "신생 기업");

// ---- sentence templates: several per slot and language, chosen independently per language,
// as a bilingual owner writes each version rather than translating word for word ----

const INTRO_EN: &[&str] = &[
    "{name} {does} in {place}.",
    "Based in {place}, {name} {does}.",
    "{name} is a {kind} in {place} that {does}.",
    "From its base in {place}, {name} {does}.",
    "{name}, a {kind} from {place}, {does}.",
    "In {place}, {name} {does}.",
];
const INTRO_KM: &[&str] = &[
    "{name} {does} នៅ{place}។",
    "{name} ជា{kind}មួយនៅ{place} ដែល{does}។",
    "ស្ថិតនៅ{place} {name} {does}។",
    "{name} គឺជា{kind}ដែល{does} នៅ{place}។",
    "យើងខ្ញុំ {name} {does} នៅ{place}។",
    "នៅ{place} {name} {does}។",
];
const INTRO_KO: &[&str] = &[
    "{name:은} {place}에서 {does} {kind}입니다.",
    "{place}에 자리한 {name:은} {does} {kind}입니다.",
    "{name:은} {does} {place}의 {kind}입니다.",
    "{place}의 {name:은} {does} 곳입니다.",
];

const HISTORY_BOTH_EN: &[&str] = &[
    "Founded in {year}, it now employs {n} people.",
    "The business started in {year} and has {n} staff today.",
    "Since opening in {year}, the team has grown to {n}.",
    "{name} was set up in {year}; {n} people work there now.",
];
const HISTORY_YEAR_EN: &[&str] = &[
    "It has been running since {year}.",
    "The business was founded in {year}.",
];
const HISTORY_STAFF_EN: &[&str] = &["The team has {n} people.", "It employs {n} staff."];
const HISTORY_BOTH_KM: &[&str] = &[
    "បង្កើតឡើងក្នុងឆ្នាំ{year} បច្ចុប្បន្នមានបុគ្គលិក {n} នាក់។",
    "អាជីវកម្មនេះចាប់ផ្ដើមតាំងពីឆ្នាំ{year} ហើយឥឡូវមានបុគ្គលិកចំនួន {n} នាក់។",
    "តាំងពីឆ្នាំ{year}មក ក្រុមការងាររបស់យើងបានកើនដល់ {n} នាក់។",
    "{name} បានបង្កើតឡើងនៅឆ្នាំ{year} ហើយមានបុគ្គលិក {n} នាក់។",
];
const HISTORY_YEAR_KM: &[&str] = &["យើងបានដំណើរការតាំងពីឆ្នាំ{year}។", "អាជីវកម្មនេះបង្កើតឡើងក្នុងឆ្នាំ{year}។"];
const HISTORY_STAFF_KM: &[&str] = &["យើងមានបុគ្គលិកចំនួន {n} នាក់។", "ក្រុមការងាររបស់យើងមាន {n} នាក់។"];
const HISTORY_BOTH_KO: &[&str] = &[
    "{year}년에 설립되었으며 현재 직원은 {n}명입니다.",
    "{year}년부터 운영해 왔고 지금은 {n}명이 함께 일합니다.",
    "{year}년 창업 이후 직원 {n}명 규모로 성장했습니다.",
];
const HISTORY_YEAR_KO: &[&str] = &[
    "{year}년부터 영업하고 있습니다.",
    "{year}년에 문을 열었습니다.",
];
const HISTORY_STAFF_KO: &[&str] = &["직원은 {n}명입니다.", "{n}명의 직원이 일하고 있습니다."];

const GOODS_EN: &[&str] = &[
    "Its products include {list}.",
    "Best sellers are {list}.",
    "The range covers {list}.",
    "Customers come for {list}.",
];
const SERVICES_EN: &[&str] = &[
    "Services include {list}.",
    "It offers {list}.",
    "Customers come for {list}.",
];
const GOODS_KM: &[&str] = &[
    "ផលិតផលសំខាន់ៗរបស់យើងមាន {list}។",
    "មុខទំនិញលក់ដាច់ជាងគេគឺ {list}។",
    "យើងមាន {list} សម្រាប់អតិថិជន។",
];
const SERVICES_KM: &[&str] = &[
    "សេវាកម្មរបស់យើងរួមមាន {list}។",
    "យើងផ្ដល់ {list}។",
    "អតិថិជនភាគច្រើនមករក {list}។",
];
const GOODS_KO: &[&str] = &[
    "주요 제품은 {list}입니다.",
    "{list} 등을 판매합니다.",
    "대표 상품은 {list}입니다.",
];
const SERVICES_KO: &[&str] = &["주요 서비스는 {list}입니다.", "{list} 등을 제공합니다."];

const MARKETS_EN: &[&str] = &[
    "Its main customers are {m}.",
    "Most sales go to {m}.",
    "Customers are mainly {m}.",
    "It serves {m}.",
];
const MARKETS_KM: &[&str] = &[
    "អតិថិជនសំខាន់ៗគឺ{m}។",
    "ភាគច្រើននៃអតិថិជនរបស់យើងគឺ{m}។",
    "ទីផ្សារសំខាន់របស់យើងគឺ{m}។",
];
const MARKETS_KO: &[&str] = &[
    "주요 고객은 {m}입니다.",
    "고객은 주로 {m}입니다.",
    "주로 {m:을} 대상으로 영업합니다.",
];

const SEEK_EN: &[&str] = &[
    "{name} seeks {p} to {goal}.",
    "To {goal}, the business is looking for {p}.",
    "The owner is looking for {p} in order to {goal}.",
    "The owners hope to find {p} in Korea so that the business can {goal}.",
    "Next, {name} wants to {goal} and would welcome {p}.",
];
const SEEK_CAP_EN: &[&str] = &[
    "The plan to {goal} needs about {cap}; the team would welcome {p}.",
    "{name} is raising around {cap} to {goal} and is open to {p}.",
];
const SEEK_KM: &[&str] = &[
    "{name} កំពុងស្វែងរក{p} ដើម្បី{goal}។",
    "ដើម្បី{goal} យើងត្រូវការ{p}។",
    "ម្ចាស់អាជីវកម្មចង់រកឃើញ{p} ដើម្បី{goal}។",
    "យើងសង្ឃឹមថានឹងរកបាន{p} ដើម្បី{goal}។",
];
const SEEK_CAP_KM: &[&str] = &[
    "ដើម្បី{goal} យើងត្រូវការដើមទុនប្រមាណ {cap} ហើយស្វាគមន៍{p}។",
    "គម្រោង{goal}ត្រូវការប្រហែល {cap} ហើយយើងកំពុងស្វែងរក{p}។",
];
const SEEK_KO: &[&str] = &[
    "{goal} 위해 한국 파트너를 통한 {p:을} 모색하고 있습니다.",
    "{name:은} {goal} 위해 {p:을} 희망합니다.",
    "{p}에 관심 있는 한국 파트너를 찾고 있으며, 이를 통해 {goal_plain} 합니다.",
];
const SEEK_CAP_KO: &[&str] = &["{goal} 위해 약 {cap}의 자금이 필요하며, {p:을} 희망합니다."];

/// Every generated SME text in the three languages, plus the name parts the contact needs.
struct Names {
    en: String,
    km: String,
    ko: String,
    brand_en: &'static str,
}

fn names(rng: &mut Rng, a: &Archetype, staff: Option<i64>) -> Names {
    let noun = pick3(rng, a.nouns);
    let brand = if rng.chance(65) {
        pick3(rng, KHMER_GIVEN)
    } else {
        pick3(rng, BRANDS)
    };
    let suffix = match rng.below(100) {
        0..=11 => " Co., Ltd.",
        12..=17 => " Enterprise",
        18..=21 if staff.is_some_and(|n| n >= 20) => " Group",
        _ => "",
    };
    let en = format!("{} {}{}", brand.0, noun.0, suffix);
    // Cambodian shop signs often carry a Latin brand inside the Khmer name.
    let km_base = if rng.chance(8) {
        format!("{} {}", noun.1, brand.0)
    } else {
        format!("{}{}", noun.1, brand.1)
    };
    let km = if suffix == " Co., Ltd." {
        format!("ក្រុមហ៊ុន {km_base} ឯ.ក")
    } else {
        km_base
    };
    let ko = format!("{} {}", brand.2, noun.2);
    Names {
        en,
        km,
        ko,
        brand_en: brand.0,
    }
}

/// The digital sentence, consistent with the indicators (a website is only mentioned when the
/// SME has one, and so on).
fn digital_sentence(
    rng: &mut Rng,
    ind: &[D],
    level: DigitalLevel,
    domain: Option<&str>,
    khmer_fb: bool,
) -> Tri3 {
    let has = |d: D| ind.contains(&d);
    let fb_km = if khmer_fb {
        "ទំព័រហ្វេសប៊ុករបស់យើង"
    } else {
        "ទំព័រ Facebook របស់យើង"
    };
    let mut channels: Vec<(String, String, &str)> = Vec::new();
    if has(D::SocialMedia) {
        channels.push(("our Facebook page".into(), fb_km.into(), "페이스북 페이지"));
    }
    if has(D::MessagingSales) {
        channels.push(("Telegram".into(), "តេឡេក្រាម".into(), "텔레그램"));
    }
    if has(D::Website) {
        channels.push(match domain {
            Some(domain) => (
                format!("our website {domain}"),
                format!("គេហទំព័រ {domain}"),
                "자체 웹사이트",
            ),
            None => (
                "our own website".into(),
                "គេហទំព័រផ្ទាល់ខ្លួន".into(),
                "자체 웹사이트",
            ),
        });
    }
    if has(D::OnlineStore) {
        channels.push((
            "online marketplaces".into(),
            "ទីផ្សារអនឡាញ".into(),
            "온라인 쇼핑몰",
        ));
    }
    let systems: Vec<Tri> = [
        (
            D::AccountingSoftware,
            ("accounting software", "កម្មវិធីគណនេយ្យ", "회계 소프트웨어"),
        ),
        (
            D::DigitalInventory,
            (
                "a digital inventory system",
                "ប្រព័ន្ធគ្រប់គ្រងស្តុកឌីជីថល",
                "디지털 재고관리 시스템",
            ),
        ),
        (D::Erp, ("an ERP system", "ប្រព័ន្ធ ERP", "ERP 시스템")),
        (D::Crm, ("a CRM", "ប្រព័ន្ធ CRM", "CRM")),
        (
            D::CloudBackoffice,
            (
                "a cloud back office",
                "ប្រព័ន្ធការិយាល័យលើក្លោដ",
                "클라우드 백오피스",
            ),
        ),
        (
            D::DataAnalytics,
            ("sales dashboards", "ផ្ទាំងវិភាគទិន្នន័យលក់", "판매 분석 대시보드"),
        ),
        (
            D::EcommerceIntegration,
            (
                "an online shop linked to stock and accounts",
                "ហាងអនឡាញដែលភ្ជាប់ជាមួយស្តុក និងគណនេយ្យ",
                "재고·회계와 연동된 온라인몰",
            ),
        ),
    ]
    .into_iter()
    .filter(|(d, _)| has(*d))
    .map(|(_, t)| t)
    .collect();

    let roll = rng.below(100);
    let choice = match level {
        DigitalLevel::Advanced if roll < 70 && !systems.is_empty() => Slot::Systems,
        DigitalLevel::Intermediate if roll < 30 && !systems.is_empty() => Slot::Systems,
        _ if roll < 80 && !channels.is_empty() => Slot::Channels,
        _ if has(D::EPayment) => Slot::Payments,
        _ if !channels.is_empty() => Slot::Channels,
        _ => Slot::Cash,
    };
    match choice {
        Slot::Channels => {
            let take = channels.len().min(3);
            let picked = &channels[..take];
            let en: Vec<&str> = picked.iter().map(|c| c.0.as_str()).collect();
            let km: Vec<&str> = picked.iter().map(|c| c.1.as_str()).collect();
            let ko: Vec<&str> = picked.iter().map(|c| c.2).collect();
            let (en, km, ko) = (join_en(&en), join_km(&km), join_ko(&ko));
            let t_en = pick_str(
                rng,
                &[
                    "Customers order through {c}.",
                    "Orders come in through {c}.",
                    "Most orders arrive via {c}.",
                ],
            );
            let t_km = pick_str(rng, &["អតិថិជនអាចកុម្ម៉ង់តាម{c}។", "យើងទទួលការបញ្ជាទិញតាម{c}។"]);
            let t_ko = pick_str(
                rng,
                &["주문은 {c:로} 받습니다.", "고객은 {c:로} 주문합니다."],
            );
            (
                fill(t_en, &[("c", &en)]),
                fill(t_km, &[("c", &km)]),
                fill(t_ko, &[("c", &ko)]),
            )
        }
        Slot::Payments => {
            let i = rng.below(2);
            (
                [
                    "Customers can pay by KHQR, ABA or Wing.",
                    "It accepts KHQR payments as well as cash.",
                ][i % 2]
                    .into(),
                [
                    "អតិថិជនអាចទូទាត់តាម KHQR, ABA ឬវីង។",
                    "យើងទទួលការទូទាត់តាម KHQR ក្រៅពីសាច់ប្រាក់។",
                ][i % 2]
                    .into(),
                [
                    "KHQR, ABA, 윙 결제가 가능합니다.",
                    "현금 외에 KHQR 결제도 받습니다.",
                ][i % 2]
                    .into(),
            )
        }
        Slot::Systems => {
            let take = systems.len().min(3);
            let picked = &systems[..take];
            let en: Vec<&str> = picked.iter().map(|t| t.0).collect();
            let km: Vec<&str> = picked.iter().map(|t| t.1).collect();
            let ko: Vec<&str> = picked.iter().map(|t| t.2).collect();
            let (en, km, ko) = (join_en(&en), join_km(&km), join_ko(&ko));
            let t_en = pick_str(
                rng,
                &[
                    "The business runs on {t}.",
                    "Day-to-day work is managed with {t}.",
                ],
            );
            let t_km = pick_str(
                rng,
                &["យើងគ្រប់គ្រងការងារប្រចាំថ្ងៃដោយប្រើ{t}។", "អាជីវកម្មនេះប្រើ{t}។"],
            );
            let t_ko = pick_str(
                rng,
                &["업무는 {t:로} 관리합니다.", "{t:을} 사용하고 있습니다."],
            );
            (
                fill(t_en, &[("t", &en)]),
                fill(t_km, &[("t", &km)]),
                fill(t_ko, &[("t", &ko)]),
            )
        }
        Slot::Cash => (
            "Sales are still mostly in cash, and the business has no Facebook page yet.".into(),
            "ការលក់ភាគច្រើននៅតែជាសាច់ប្រាក់ ហើយអាជីវកម្មនេះមិនទាន់មានទំព័រហ្វេសប៊ុកនៅឡើយទេ។".into(),
            "아직 대부분 현금으로 거래하며 페이스북 페이지도 없습니다.".into(),
        ),
    }
}

type Tri3 = (String, String, String);

enum Slot {
    Channels,
    Payments,
    Systems,
    Cash,
}

/// A list of 2–3 distinct items from `xs` in each language.
fn list3(rng: &mut Rng, xs: &[Tri], max: usize) -> Tri3 {
    let k = rng.range(2, max as i64) as usize;
    let idx = rng.distinct(xs.len(), k);
    let items: Vec<Tri> = idx.iter().filter_map(|&i| xs.get(i).copied()).collect();
    let en: Vec<&str> = items.iter().map(|t| t.0).collect();
    let km: Vec<&str> = items.iter().map(|t| t.1).collect();
    let ko: Vec<&str> = items.iter().map(|t| t.2).collect();
    (join_en(&en), join_km(&km), join_ko(&ko))
}

/// Farms, quarries and factories (ISIC divisions 01–33) make goods they could export; shops
/// and services grow locally, so generic goals differ.
fn producer(a: &Archetype) -> bool {
    a.isic
        .get(..2)
        .and_then(|d| d.parse::<u32>().ok())
        .is_some_and(|d| d <= 33)
}

/// The Korean -기 goal as a bare clause ("생산을 늘리기" → "생산을 늘리고자"), for templates
/// that end the sentence themselves.
fn goal_plain_ko(goal: &str) -> String {
    match goal.strip_suffix('기') {
        Some(stem) => format!("{stem}고자"),
        None => goal.to_string(),
    }
}

/// A sentence with its first letter upper-case ("the business roasts…" → "The business…").
fn capitalised(sentence: &str) -> String {
    let mut chars = sentence.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub(crate) fn generate(seed: u64, i: u64) -> SmeRaw {
    let mut rng = Rng::for_item(seed, STREAM, i);
    let a = archetype(&mut rng);
    let province = province(&mut rng, a);
    let place: Place = places::place(&mut rng, province);

    let staff = (!rng.chance(3)).then(|| employees(&mut rng, a.size));
    let year = (!rng.chance(5)).then(|| founded(&mut rng, a.since));
    let target = level(&mut rng, a.digital);
    let digital_indicators = indicators(&mut rng, target, a.always);
    let (cap_min, cap_max) = capital(&mut rng, a, staff);
    let ptypes = partnership_types(&mut rng, a.needs);

    let with_en = !rng.chance(KHMER_ONLY_PCT);
    let with_ko = rng.chance(KOREAN_PCT);
    let names = names(&mut rng, a, staff);
    let anonymous = Rng::for_item(seed, VISIBILITY_STREAM, i).chance(ANONYMOUS_PCT);
    // What the description calls the business: its name, or for an ANONYMOUS one a neutral
    // "the business" (the English sentences are capitalised at the end).
    let said = if anonymous {
        Names {
            en: "the business".to_string(),
            km: "អាជីវកម្មនេះ".to_string(),
            ko: "이 업체".to_string(),
            brand_en: names.brand_en,
        }
    } else {
        Names {
            en: names.en.clone(),
            km: names.km.clone(),
            ko: names.ko.clone(),
            brand_en: names.brand_en,
        }
    };
    let brand_slug = slug(names.brand_en, '-', 24);
    let domain = format!("{brand_slug}-{}.example", a.slug);

    // Shared facts of the description.
    let does = pick3(&mut rng, a.does);
    let kind = match (staff, year) {
        (Some(n), _) if n >= 50 => MEDIUM_KIND,
        (_, Some(y)) if y >= 2021 && rng.chance(50) => YOUNG_KIND,
        _ => pick3(&mut rng, KINDS),
    };
    let products = list3(&mut rng, a.products, 3);
    let markets = list3(&mut rng, a.markets, 2);
    let goal = if target == DigitalLevel::Basic && rng.chance(12) {
        if a.services {
            DIGITAL_GOAL_SERVICES
        } else {
            DIGITAL_GOAL
        }
    } else if !a.goals.is_empty() && rng.chance(60) {
        pick3(&mut rng, a.goals)
    } else if producer(a) {
        pick3(&mut rng, GOODS_GOALS)
    } else {
        pick3(&mut rng, SERVICE_GOALS)
    };
    let needs: Vec<Tri> = ptypes.iter().map(|p| need_phrase(*p)).collect();
    let need_en: Vec<&str> = needs.iter().map(|t| t.0).collect();
    let need_km: Vec<&str> = needs.iter().map(|t| t.1).collect();
    let need_ko: Vec<&str> = needs.iter().map(|t| t.2).collect();
    let (need_en, need_km, need_ko) = (join_en(&need_en), join_km(&need_km), join_ko(&need_ko));
    let cap = cap_max.or(cap_min);
    let khmer_numerals = rng.chance(70);
    let khmer_fb = rng.chance(70);
    // An ANONYMOUS business's address would name it (QA: phka-chhouk-solar.example).
    let shown_domain = (!anonymous).then_some(domain.as_str());
    let digital = digital_sentence(
        &mut rng,
        &digital_indicators,
        target,
        shown_domain,
        khmer_fb,
    );

    // Middle sentences: 0–2 of history, products, markets, digital, in a fixed reading order.
    let n_middle = rng.weighted([15u32, 40, 45].into_iter());
    let mut middle = rng.distinct(4, n_middle);
    middle.sort_unstable();

    let year_s = year.map(|y| y.to_string()).unwrap_or_default();
    let staff_s = staff.map(|n| n.to_string()).unwrap_or_default();
    // Years are written against ឆ្នាំ ("ឆ្នាំ២០១៥"), where Arabic digits would glue onto Khmer
    // letters; head counts stand between spaces and appear in either numeral system.
    let year_km = year.map(khmer_digits).unwrap_or_default();
    let staff_km = if khmer_numerals {
        staff.map(khmer_digits).unwrap_or_default()
    } else {
        staff_s.clone()
    };

    let mut en: Vec<String> = Vec::with_capacity(4);
    let mut km: Vec<String> = Vec::with_capacity(4);
    let mut ko: Vec<String> = Vec::with_capacity(4);

    let place_ko = place.ko;
    en.push(fill(
        pick_str(&mut rng, INTRO_EN),
        &[
            ("name", &said.en),
            ("does", does.0),
            ("place", &place.en),
            ("kind", kind.0),
        ],
    ));
    km.push(fill(
        pick_str(&mut rng, INTRO_KM),
        &[
            ("name", &said.km),
            ("does", does.1),
            ("place", &place.km),
            ("kind", kind.1),
        ],
    ));
    ko.push(fill(
        pick_str(&mut rng, INTRO_KO),
        &[
            ("name", &said.ko),
            ("does", does.2),
            ("place", place_ko),
            ("kind", kind.2),
        ],
    ));

    for slot in middle {
        match slot {
            0 => {
                let (ten, tkm, tko) = match (year.is_some(), staff.is_some()) {
                    (true, true) => (HISTORY_BOTH_EN, HISTORY_BOTH_KM, HISTORY_BOTH_KO),
                    (true, false) => (HISTORY_YEAR_EN, HISTORY_YEAR_KM, HISTORY_YEAR_KO),
                    (false, true) => (HISTORY_STAFF_EN, HISTORY_STAFF_KM, HISTORY_STAFF_KO),
                    (false, false) => continue,
                };
                en.push(fill(
                    pick_str(&mut rng, ten),
                    &[("name", &said.en), ("year", &year_s), ("n", &staff_s)],
                ));
                km.push(fill(
                    pick_str(&mut rng, tkm),
                    &[("name", &said.km), ("year", &year_km), ("n", &staff_km)],
                ));
                ko.push(fill(
                    pick_str(&mut rng, tko),
                    &[("year", &year_s), ("n", &staff_s)],
                ));
            }
            1 => {
                let (ten, tkm, tko) = if a.services {
                    (SERVICES_EN, SERVICES_KM, SERVICES_KO)
                } else {
                    (GOODS_EN, GOODS_KM, GOODS_KO)
                };
                en.push(fill(pick_str(&mut rng, ten), &[("list", &products.0)]));
                km.push(fill(pick_str(&mut rng, tkm), &[("list", &products.1)]));
                ko.push(fill(pick_str(&mut rng, tko), &[("list", &products.2)]));
            }
            2 => {
                en.push(fill(pick_str(&mut rng, MARKETS_EN), &[("m", &markets.0)]));
                km.push(fill(pick_str(&mut rng, MARKETS_KM), &[("m", &markets.1)]));
                ko.push(fill(pick_str(&mut rng, MARKETS_KO), &[("m", &markets.2)]));
            }
            _ => {
                en.push(digital.0.clone());
                km.push(digital.1.clone());
                ko.push(digital.2.clone());
            }
        }
    }

    let with_cap = cap.is_some() && rng.chance(35);
    let (cap_en, cap_km, cap_ko) = match cap {
        Some(c) => (usd_en(c), usd_km(c), usd_ko(c)),
        None => Default::default(),
    };
    let (sen, skm, sko) = if with_cap {
        (SEEK_CAP_EN, SEEK_CAP_KM, SEEK_CAP_KO)
    } else {
        (SEEK_EN, SEEK_KM, SEEK_KO)
    };
    en.push(fill(
        pick_str(&mut rng, sen),
        &[
            ("name", &said.en),
            ("p", &need_en),
            ("goal", goal.0),
            ("cap", &cap_en),
        ],
    ));
    km.push(fill(
        pick_str(&mut rng, skm),
        &[
            ("name", &said.km),
            ("p", &need_km),
            ("goal", goal.1),
            ("cap", &cap_km),
        ],
    ));
    let goal_plain = goal_plain_ko(goal.2);
    ko.push(fill(
        pick_str(&mut rng, sko),
        &[
            ("name", &said.ko),
            ("p", &need_ko),
            ("goal", goal.2),
            ("goal_plain", &goal_plain),
            ("cap", &cap_ko),
        ],
    ));

    let contact = contact(&mut rng, a, names.brand_en, &domain);
    let languages = languages(&mut rng, province, with_en, with_ko);
    let visibility = if anonymous {
        Some(Visibility::Anonymous)
    } else if rng.chance(50) {
        Some(Visibility::Public)
    } else {
        None
    };
    let secondary_sector_codes = if rng.chance(40) {
        let k = 1 + rng.below(a.secondary.len().min(2));
        rng.distinct(a.secondary.len(), k)
            .into_iter()
            .filter_map(|i| a.secondary.get(i).map(|s| (*s).to_string()))
            .collect()
    } else {
        Vec::new()
    };

    SmeRaw {
        name: LocalizedTextRaw {
            en: with_en.then_some(names.en),
            km: Some(names.km),
            ko: with_ko.then_some(names.ko),
        },
        description: LocalizedTextRaw {
            en: with_en.then(|| {
                en.iter()
                    .map(|sentence| capitalised(sentence))
                    .collect::<Vec<_>>()
                    .join(" ")
            }),
            km: Some(km.join(" ")),
            ko: with_ko.then(|| ko.join(" ")),
        },
        sector_code: a.isic.to_string(),
        secondary_sector_codes,
        province_code: province.iso.to_string(),
        employees: staff,
        founded_year: year,
        capital_sought_min_usd: cap_min,
        capital_sought_max_usd: cap_max,
        partnership_types: ptypes,
        digital_indicators,
        languages,
        contact,
        visibility,
    }
}

/// Border and coastal provinces where Thai or Vietnamese is a working language of trade.
const THAI_BORDER: [&str; 6] = ["KH-1", "KH-2", "KH-9", "KH-15", "KH-22", "KH-24"];
const VIET_BORDER: [&str; 9] = [
    "KH-7", "KH-10", "KH-14", "KH-16", "KH-20", "KH-21", "KH-23", "KH-25", "KH-11",
];

fn languages(rng: &mut Rng, province: &Province, with_en: bool, with_ko: bool) -> Vec<String> {
    let mut langs = vec!["km".to_string()];
    if with_en && rng.chance(75) {
        langs.push("en".into());
    }
    if rng.chance(if province.iso == "KH-12" { 18 } else { 8 }) {
        langs.push("zh".into());
    }
    if (with_ko && rng.chance(60)) || rng.chance(3) {
        langs.push("ko".into());
    }
    if rng.chance(if THAI_BORDER.contains(&province.iso) {
        30
    } else {
        2
    }) {
        langs.push("th".into());
    }
    if rng.chance(if VIET_BORDER.contains(&province.iso) {
        30
    } else {
        3
    }) {
        langs.push("vi".into());
    }
    langs
}

/// Mobile prefixes in use in Cambodia (operator ranges; 6-digit subscriber numbers), and the
/// newer prefixes with 7-digit numbers.
const PREFIX_6: [&str; 16] = [
    "12", "11", "17", "77", "78", "89", "92", "95", "99", "85", "61", "76", "10", "15", "16", "93",
];
const PREFIX_7: [&str; 6] = ["96", "97", "71", "88", "31", "60"];

fn phone(rng: &mut Rng) -> String {
    if rng.chance(75) {
        let p = pick_str(rng, &PREFIX_6);
        let (a, b) = (rng.range(100, 999), rng.range(100, 999));
        match rng.below(10) {
            0..=4 => format!("+855 {p} {a} {b}"),
            5..=7 => format!("0{p} {a} {b}"),
            _ => format!("0{p}-{a}-{b}"),
        }
    } else {
        let p = pick_str(rng, &PREFIX_7);
        let (a, b) = (rng.range(100, 999), rng.range(1000, 9999));
        if rng.chance(60) {
            format!("+855 {p} {a} {b}")
        } else {
            format!("0{p} {a} {b}")
        }
    }
}

fn contact(rng: &mut Rng, a: &Archetype, brand_en: &str, domain: &str) -> ContactRaw {
    let family = pick3(rng, KHMER_FAMILY);
    let given = pick3(rng, KHMER_GIVEN);
    let person = if rng.chance(25) {
        format!("{} {}", family.1, given.1)
    } else {
        format!("{} {}", family.0, given.0)
    };
    let given_slug = slug(given.0, '.', 20);
    let family_slug = slug(family.0, '.', 20);
    let local = match rng.below(6) {
        0 => "info".to_string(),
        1 => "sales".to_string(),
        2 => format!("{given_slug}.{family_slug}"),
        _ => given_slug.clone(),
    };
    let email = if rng.chance(8) {
        // Some owners use a personal mailbox rather than the business domain.
        format!(
            "{given_slug}.{family_slug}{}@mail.example",
            rng.range(1, 99)
        )
    } else {
        format!("{local}@{domain}")
    };
    let tg_pct = if matches!(a.digital, Affinity::High) {
        70
    } else {
        40
    };
    let telegram = rng.chance(tg_pct).then(|| {
        let base = format!("{}_{}", slug(brand_en, '_', 16), slug(a.slug, '_', 12));
        if rng.chance(30) {
            format!("@{base}{}", rng.range(1, 99))
        } else {
            base
        }
    });
    let person = rng.chance(92).then_some(person);
    let mut contact = ContactRaw {
        person,
        email: rng.chance(75).then_some(email.clone()),
        phone: rng.chance(95).then(|| phone(rng)),
        telegram,
    };
    // A business gives at least one way to reach it (the rule of `Contact::check`); the
    // mailbox is already made, so the draw of every other field stays as it was.
    if contact.email.is_none() && contact.phone.is_none() && contact.telegram.is_none() {
        contact.email = Some(email);
    }
    contact
}
