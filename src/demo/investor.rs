//! The investor and partner generator: Korean organisations of every kind, with invented names.
//!
//! Kinds follow the actors named in shared/domain/README.md (KOICA-style agencies, ChildFund
//! Korea-style NGOs, Woori-style banks, e-commerce and payment firms, K-beauty and K-content
//! distributors); every name is invented from native Korean words and place names.

use crate::domain::contact::ContactRaw;
use crate::domain::digital::DigitalLevel as L;
use crate::domain::investor::InvestorRaw;
use crate::domain::profile::{
    IncentivePreference as I, OrganizationType as O, PartnershipType as P,
};
use crate::domain::sector::isic;
use crate::domain::text::LocalizedTextRaw;

use super::people::{KOREAN_CITIES, KOREAN_FAMILY, KOREAN_GIVEN, KOREAN_STEMS};
use super::rng::Rng;
use super::text::{fill, join_en, join_ko, slug, usd_en, usd_ko};
use super::{amounts, AMOUNTS};

const STREAM: u64 = 0x494e_5645_5354; // "INVEST"

/// (Korean, English).
type Pair = (&'static str, &'static str);

struct Kind {
    org: O,
    weight: u32,
    /// Name endings: (Korean, appended to the stem without a space; English, after a space).
    suffixes: &'static [Pair],
    /// What the organisation is, as a noun phrase ("벤처캐피탈", "venture capital firm").
    what: &'static [Pair],
    /// Sentences about the organisation itself.
    focus: &'static [Pair],
    /// Sentences about what it looks for in Cambodia.
    seeks: &'static [Pair],
    /// Alternative sets of ISIC interests (any level); an empty set means every sector.
    interests: &'static [&'static [&'static str]],
    /// `seeks[i]` describes `interests[i]` (an individual says what they back), rather than
    /// any sentence going with any set.
    paired: bool,
    /// Alternative exclusions; each lies inside or beside the interests, never above one.
    excluded: &'static [&'static [&'static str]],
    exclude_pct: u32,
    /// Ticket bounds in USD, and how often no ticket is given at all (grants in kind, say).
    ticket: (i64, i64),
    no_ticket_pct: u32,
    /// Partnership types offered; the first is the kind's core offer and always included.
    offers: &'static [P],
    provinces: &'static [&'static [&'static str]],
    anywhere_pct: u32,
    levels: &'static [&'static [L]],
    any_level_pct: u32,
    incentives: &'static [I],
    /// Founding-year range of organisations of this kind.
    founded: (i64, i64),
}

const SEZ: &[&str] = &["KH-12", "KH-18", "KH-20", "KH-1", "KH-9"];
const CAPITAL: &[&str] = &["KH-12"];
const GARMENT_BELT: &[&str] = &["KH-12", "KH-8", "KH-5", "KH-20"];
const CASHEW_BELT: &[&str] = &["KH-6", "KH-10", "KH-13", "KH-3"];
const RICE_BOWL: &[&str] = &["KH-2", "KH-1", "KH-14", "KH-21"];
const SOUTH_COAST: &[&str] = &["KH-7", "KH-23", "KH-5", "KH-18"];
const TOURISM: &[&str] = &["KH-17", "KH-12", "KH-18"];
const RURAL_NORTH: &[&str] = &["KH-17", "KH-13", "KH-22", "KH-6"];
const NORTH_EAST: &[&str] = &["KH-19", "KH-16", "KH-11", "KH-10"];
const SOUTH_EAST: &[&str] = &["KH-14", "KH-20", "KH-21", "KH-25"];

const KINDS: &[Kind] = &[
    Kind {
        org: O::VentureCapital,
        weight: 22,
        suffixes: &[("벤처스", "Ventures"), ("인베스트먼트", "Investment"), ("파트너스", "Partners"), ("캐피탈", "Capital")],
        what: &[("벤처캐피탈", "venture capital firm"), ("기술 전문 투자사", "technology investor"), ("초기 단계 투자사", "early-stage investor")],
        focus: &[
            ("현재 세 번째 펀드를 운용하며 동남아시아 기술 기업 20여 곳에 투자했습니다.",
             "It runs its third fund and has backed some twenty technology companies in Southeast Asia."),
            ("투자 후에는 한국 시장 진출과 후속 투자 유치를 돕습니다.",
             "After investing, it helps companies enter the Korean market and raise follow-on rounds."),
            ("창업자와 함께 제품 전략을 세우고 개발 조직을 키우는 것을 중시합니다.",
             "It works closely with founders on product strategy and on building engineering teams."),
        ],
        seeks: &[
            ("캄보디아에서는 핀테크, 전자상거래, 물류 플랫폼 분야의 시리즈 A 기업을 찾고 있습니다.",
             "In Cambodia it looks for Series A companies in fintech, e-commerce and logistics platforms."),
            ("매출이 검증되고 데이터로 의사결정을 하는 팀을 선호합니다.",
             "It prefers teams with proven revenue that make decisions from data."),
            ("프놈펜의 소프트웨어 기업과 함께 한국 기업용 SaaS를 현지화하는 데 관심이 있습니다.",
             "It wants to work with Phnom Penh software firms to localise Korean business SaaS."),
        ],
        interests: &[&["J", "6201", "4791"], &["62", "63", "6492"], &["6201", "6209", "5320", "4791"], &["J", "K"]],
        paired: false,
        excluded: &[&["9200"], &["6810"], &["1200", "9200"]],
        exclude_pct: 30,
        ticket: (200_000, 3_000_000),
        no_ticket_pct: 0,
        offers: &[P::Equity, P::TechnologyTransfer, P::JointVenture],
        provinces: &[CAPITAL, &["KH-12", "KH-17"]],
        anywhere_pct: 60,
        levels: &[&[L::Advanced], &[L::Intermediate, L::Advanced]],
        any_level_pct: 5,
        incentives: &[I::QipTaxHoliday, I::EnhancedDeductions],
        founded: (2005, 2021),
    },
    Kind {
        org: O::VentureCapital,
        weight: 14,
        suffixes: &[("임팩트", "Impact"), ("임팩트파트너스", "Impact Partners"), ("그린벤처스", "Green Ventures"), ("애그테크펀드", "Agritech Fund")],
        what: &[("임팩트 투자사", "impact investor"), ("농식품 전문 벤처캐피탈", "agri-food venture capital firm")],
        focus: &[
            ("농가 소득 향상과 환경 개선 효과를 수익과 함께 측정하는 임팩트 펀드를 운용합니다.",
             "It manages an impact fund that measures farmer income and environmental gains alongside returns."),
            ("투자 기업의 품질 인증과 수출 실무를 지원합니다.",
             "It supports investees with quality certification and export paperwork."),
        ],
        seeks: &[
            ("캄보디아의 쌀, 캐슈, 후추, 팜슈거 가공 기업에 특히 관심이 많습니다.",
             "In Cambodia it is most interested in processors of rice, cashew, pepper and palm sugar."),
            ("소농과 계약재배로 원료를 확보하는 중소 가공업체를 찾고 있습니다.",
             "It looks for small processors that source from smallholders under contract farming."),
            ("태양광과 재활용처럼 기후 대응에 기여하는 기업도 검토합니다.",
             "It also considers firms that help with climate action, such as solar installers and recyclers."),
        ],
        interests: &[&["A", "10"], &["0112", "1061", "1030", "1072"], &["A", "C", "3510", "3830"], &["01", "10", "8549", "8620"]],
        paired: false,
        excluded: &[&["0220", "1610"], &["1200"], &["9200"]],
        exclude_pct: 40,
        ticket: (100_000, 2_000_000),
        no_ticket_pct: 0,
        offers: &[P::Equity, P::ExportMarketAccess, P::TechnologyTransfer, P::Loan],
        provinces: &[CASHEW_BELT, RICE_BOWL, SOUTH_COAST],
        anywhere_pct: 50,
        levels: &[&[L::Intermediate, L::Advanced], &[L::Basic, L::Intermediate]],
        any_level_pct: 30,
        incentives: &[I::QipTaxHoliday, I::KoreaFtaExport, I::EnhancedDeductions],
        founded: (2010, 2022),
    },
    Kind {
        org: O::CorporateInvestor,
        weight: 14,
        suffixes: &[("식품", "Foods"), ("푸드", "Food Co."), ("F&B", "F&B")],
        what: &[("식품 기업", "food company"), ("식품 제조 그룹 계열사", "food-manufacturing group affiliate")],
        focus: &[
            ("국내에서 스낵과 간편식을 생산하며 원료의 상당 부분을 동남아에서 조달합니다.",
             "It makes snacks and ready meals in Korea and sources much of its raw material from Southeast Asia."),
            ("베트남과 태국에 이어 캄보디아에 원료 조달 거점을 만들고 있습니다.",
             "After Vietnam and Thailand, it is building a sourcing base in Cambodia."),
        ],
        seeks: &[
            ("캐슈, 망고, 쌀 등 원료를 안정적으로 공급할 가공 파트너를 찾습니다.",
             "It seeks processing partners that can supply cashew, mango and rice reliably."),
            ("HACCP 인증을 갖췄거나 준비 중인 식품 가공업체와의 합작을 검토합니다.",
             "It considers joint ventures with food processors that hold or are preparing HACCP certification."),
            ("한-캄보디아 FTA를 활용해 한국으로 수출할 수 있는 제품을 찾고 있습니다.",
             "It looks for products that can be exported to Korea under the Cambodia–Korea FTA."),
        ],
        interests: &[&["10", "11", "01"], &["1030", "1061", "1079", "0128"], &["C", "A"], &["10", "4630", "5610"]],
        paired: false,
        excluded: &[&["1200"], &["1101"], &["0220"]],
        exclude_pct: 35,
        ticket: (300_000, 5_000_000),
        no_ticket_pct: 10,
        offers: &[P::JointVenture, P::SupplyChain, P::Equity, P::ExportMarketAccess],
        provinces: &[CASHEW_BELT, RICE_BOWL, SEZ],
        anywhere_pct: 50,
        levels: &[&[L::Intermediate, L::Advanced]],
        any_level_pct: 70,
        incentives: &[I::KoreaFtaExport, I::QipTaxHoliday, I::ImportDutyExemption],
        founded: (1975, 2015),
    },
    Kind {
        org: O::CorporateInvestor,
        weight: 12,
        suffixes: &[("코스메틱", "Cosmetics"), ("뷰티", "Beauty"), ("바이오랩", "Biolab")],
        what: &[("화장품 기업", "cosmetics company"), ("K-뷰티 브랜드사", "K-beauty brand owner")],
        focus: &[
            ("스킨케어와 색조 브랜드를 운영하며 동남아 매출 비중을 늘리고 있습니다.",
             "It owns skincare and make-up brands and is growing its Southeast Asian sales."),
            ("열대 기후에 맞는 선케어 제품을 현지 파트너와 공동 개발한 경험이 있습니다.",
             "It has co-developed sun-care products for tropical climates with local partners."),
        ],
        seeks: &[
            ("캄보디아에서 자사 제품을 유통할 화장품 가게와 온라인 셀러를 찾고 있습니다.",
             "In Cambodia it is looking for beauty shops and online sellers to distribute its products."),
            ("GMP 기준을 갖춘 현지 제조사와의 OEM 생산을 검토합니다.",
             "It is considering OEM production with local makers that meet GMP standards."),
            ("쌀겨, 강황 등 캄보디아 천연 원료를 쓰는 브랜드와의 협업에 관심이 있습니다.",
             "It is interested in working with brands that use Cambodian natural ingredients such as rice bran and turmeric."),
        ],
        interests: &[&["2023", "4772", "9602"], &["20", "47"], &["2023", "4791", "4772"]],
        paired: false,
        excluded: &[&["2021"], &["4730"]],
        exclude_pct: 25,
        ticket: (100_000, 3_000_000),
        no_ticket_pct: 15,
        offers: &[P::Distribution, P::Manufacturing, P::JointVenture, P::Equity],
        provinces: &[CAPITAL, TOURISM],
        anywhere_pct: 55,
        levels: &[&[L::Intermediate, L::Advanced], &[L::Basic, L::Intermediate]],
        any_level_pct: 40,
        incentives: &[I::ImportDutyExemption, I::QipTaxHoliday, I::SezLocation],
        founded: (1990, 2018),
    },
    Kind {
        org: O::CorporateInvestor,
        weight: 8,
        suffixes: &[("전자", "Electronics"), ("일렉트릭", "Electric"), ("테크", "Tech")],
        what: &[("전자 기업", "electronics company"), ("전기·전자 부품 기업", "electrical components maker")],
        focus: &[
            ("가전과 자동차 전장 부품을 생산하며 동남아 생산 기지를 다변화하고 있습니다.",
             "It makes appliances and automotive electrical parts and is diversifying its Southeast Asian production."),
            ("협력사에 품질관리와 자동화 설비 노하우를 전수합니다.",
             "It passes quality-control and automation know-how on to its suppliers."),
        ],
        seeks: &[
            ("경제특구에 입주할 조립·부품 협력사를 찾고 있습니다.",
             "It looks for assembly and component partners willing to locate in a special economic zone."),
            ("와이어 하네스와 조명 부품을 생산할 합작 파트너를 검토합니다.",
             "It is considering joint-venture partners to make wire harnesses and lighting components."),
        ],
        interests: &[&["26", "27"], &["2610", "2630", "2740", "2930"], &["C", "3510"]],
        paired: false,
        excluded: &[&["1200"], &["1410"]],
        exclude_pct: 20,
        ticket: (500_000, 8_000_000),
        no_ticket_pct: 10,
        offers: &[P::Manufacturing, P::JointVenture, P::SupplyChain, P::TechnologyTransfer],
        provinces: &[SEZ, &["KH-18", "KH-20"]],
        anywhere_pct: 20,
        levels: &[&[L::Intermediate, L::Advanced]],
        any_level_pct: 50,
        incentives: &[I::SezLocation, I::ImportDutyExemption, I::QipTaxHoliday],
        founded: (1970, 2010),
    },
    Kind {
        org: O::CorporateInvestor,
        weight: 8,
        suffixes: &[("에너지", "Energy"), ("솔라", "Solar"), ("그린에너지", "Green Energy")],
        what: &[("에너지 기업", "energy company"), ("태양광 발전 사업자", "solar power developer")],
        focus: &[
            ("국내외에서 태양광 발전소와 에너지저장장치 사업을 하고 있습니다.",
             "It develops solar plants and energy-storage projects in Korea and abroad."),
            ("설치·유지보수 인력 교육 프로그램도 함께 운영합니다.",
             "It also runs training for installation and maintenance crews."),
        ],
        seeks: &[
            ("캄보디아의 지붕형 태양광 시공사와 합작을 원합니다.",
             "It wants joint ventures with Cambodian rooftop-solar installers."),
            ("공장과 냉장창고의 전력 비용을 줄이는 프로젝트를 찾고 있습니다.",
             "It looks for projects that cut power costs for factories and cold stores."),
            ("재활용과 폐기물 에너지화 기업에도 관심이 있습니다.",
             "It is also interested in recycling and waste-to-energy firms."),
        ],
        interests: &[&["D", "3510"], &["3510", "4321", "3830"], &["D", "E", "F"]],
        paired: false,
        excluded: &[&["0510"], &["0610", "0510"]],
        exclude_pct: 40,
        ticket: (200_000, 5_000_000),
        no_ticket_pct: 5,
        offers: &[P::JointVenture, P::Equity, P::TechnologyTransfer],
        provinces: &[SEZ, &["KH-5", "KH-12", "KH-8"]],
        anywhere_pct: 60,
        levels: &[&[L::Intermediate, L::Advanced]],
        any_level_pct: 60,
        incentives: &[I::QipTaxHoliday, I::ImportDutyExemption],
        founded: (1995, 2020),
    },
    Kind {
        org: O::CorporateInvestor,
        weight: 6,
        suffixes: &[("로지스틱스", "Logistics"), ("물류", "Logistics Co."), ("해운", "Shipping")],
        what: &[("물류 기업", "logistics company"), ("종합 물류 기업", "integrated logistics provider")],
        focus: &[
            ("한국과 동남아를 잇는 해상·육상 물류망을 운영합니다.",
             "It runs sea and road freight networks linking Korea and Southeast Asia."),
            ("콜드체인과 보세창고 운영 경험이 풍부합니다.",
             "It has long experience running cold chains and bonded warehouses."),
        ],
        seeks: &[
            ("프놈펜과 시아누크빌의 창고·운송 기업과의 합작을 검토합니다.",
             "It is considering joint ventures with warehousing and trucking firms in Phnom Penh and Sihanoukville."),
            ("태국·베트남 국경을 넘는 운송 역량을 갖춘 파트너를 찾습니다.",
             "It looks for partners able to move goods across the Thai and Vietnamese borders."),
        ],
        interests: &[&["H"], &["5210", "4923", "5320", "5224"], &["52", "49"]],
        paired: false,
        excluded: &[&["4911"], &["5110"]],
        exclude_pct: 30,
        ticket: (300_000, 5_000_000),
        no_ticket_pct: 5,
        offers: &[P::JointVenture, P::SupplyChain, P::Equity],
        provinces: &[SEZ, &["KH-12", "KH-18"]],
        anywhere_pct: 30,
        levels: &[&[L::Intermediate, L::Advanced]],
        any_level_pct: 40,
        incentives: &[I::SezLocation, I::QipTaxHoliday],
        founded: (1980, 2015),
    },
    Kind {
        org: O::Bank,
        weight: 14,
        suffixes: &[("은행 캄보디아", "Bank Cambodia"), ("뱅크 캄보디아", "Bank Cambodia Plc."), ("상업은행 캄보디아", "Commercial Bank Cambodia")],
        what: &[("은행", "bank"), ("상업은행", "commercial bank"), ("한국계 은행의 현지 법인", "local subsidiary of a Korean bank")],
        focus: &[
            ("캄보디아 전역에 지점을 두고 기업 대출과 무역금융을 제공합니다.",
             "It has branches across Cambodia and provides business loans and trade finance."),
            ("한국 기업과 거래하는 현지 중소기업에 우대 금리를 적용합니다.",
             "It offers preferential rates to local SMEs that trade with Korean companies."),
            ("대출 고객에게 재무 관리와 디지털 뱅킹 교육을 제공합니다.",
             "It gives borrowers training in financial management and digital banking."),
        ],
        seeks: &[
            ("장부를 투명하게 관리하고 현금 흐름이 안정적인 중소기업을 찾습니다.",
             "It looks for SMEs with transparent books and steady cash flow."),
            ("설비 투자와 운전자금이 필요한 제조·유통 기업을 우선 검토합니다.",
             "It gives priority to manufacturers and distributors that need equipment finance or working capital."),
            ("회계 소프트웨어로 장부를 관리하는 기업은 심사가 더 빠릅니다.",
             "Firms that keep their books in accounting software get faster credit decisions."),
        ],
        interests: &[&[], &["C", "G", "A"], &["C", "F", "G", "I"], &["A", "C"], &[]],
        paired: false,
        excluded: &[&["9200", "1200"], &["9200"], &["0220", "1610", "9200"]],
        exclude_pct: 70,
        ticket: (50_000, 5_000_000),
        no_ticket_pct: 0,
        offers: &[P::Loan, P::Training],
        provinces: &[CAPITAL, RICE_BOWL, TOURISM],
        anywhere_pct: 65,
        levels: &[&[L::Intermediate, L::Advanced], &[L::Intermediate]],
        any_level_pct: 15,
        incentives: &[],
        founded: (1960, 2012),
    },
    Kind {
        org: O::Bank,
        weight: 6,
        suffixes: &[("파이낸스 캄보디아", "Finance Cambodia"), ("캐피탈 캄보디아", "Capital Cambodia")],
        what: &[("여신전문금융회사", "specialised lender"), ("금융 그룹의 캄보디아 법인", "Cambodian arm of a Korean financial group")],
        focus: &[
            ("캄보디아 소액금융기관에 자금을 공급하고 지분을 보유하고 있습니다.",
             "It funds and holds stakes in Cambodian microfinance institutions."),
            ("모바일 대출 심사 시스템을 현지에 도입한 경험이 있습니다.",
             "It has introduced mobile credit-scoring systems locally."),
        ],
        seeks: &[
            ("농촌 대출 포트폴리오가 건전한 소액금융기관을 찾고 있습니다.",
             "It looks for microfinance institutions with healthy rural loan books."),
            ("여성 창업자에게 대출하는 기관과 협력하고자 합니다.",
             "It wants to work with lenders that serve women entrepreneurs."),
        ],
        interests: &[&["6492", "A", "47"], &["K", "A"], &["6492"]],
        paired: false,
        excluded: &[&["9200"], &["6511"]],
        exclude_pct: 40,
        ticket: (200_000, 5_000_000),
        no_ticket_pct: 0,
        offers: &[P::Loan, P::Equity, P::TechnologyTransfer],
        provinces: &[CAPITAL],
        anywhere_pct: 80,
        levels: &[&[L::Intermediate, L::Advanced]],
        any_level_pct: 30,
        incentives: &[],
        founded: (1990, 2018),
    },
    Kind {
        org: O::DevelopmentAgency,
        weight: 12,
        suffixes: &[("국제개발협력재단", "Foundation for International Development"), ("글로벌협력단", "Global Cooperation Agency"), ("개발협력센터", "Development Cooperation Center")],
        what: &[("국제개발협력 기관", "international development agency"), ("공적개발원조 수행 기관", "official development assistance agency")],
        focus: &[
            ("캄보디아에서 농촌 개발, 직업훈련, 보건 사업을 수행해 왔습니다.",
             "It has run rural development, vocational training and health programmes in Cambodia."),
            ("한국의 디지털 정부 경험을 캄보디아와 나누는 사업도 하고 있습니다.",
             "It also shares Korea's digital-government experience with Cambodian partners."),
            ("투자보다는 역량 강화 프로그램과 기술 자문 형태로 지원합니다.",
             "It supports partners through capacity building and technical advice rather than investment."),
        ],
        seeks: &[
            ("농산물 가공 중소기업의 품질 관리와 포장 개선을 돕고자 합니다.",
             "It aims to help agro-processing SMEs improve quality control and packaging."),
            ("디지털 전환을 막 시작한 소상공인을 대상으로 교육을 제공합니다.",
             "It offers training to small businesses just starting to go digital."),
            ("여성과 청년이 운영하는 지방 기업을 우선 지원합니다.",
             "It gives priority to provincial businesses run by women and young people."),
        ],
        interests: &[&["A", "C", "P", "Q"], &["01", "10", "85", "86"], &["A", "3510", "3830", "36"], &["P", "8549", "8522", "Q"]],
        paired: false,
        excluded: &[&["9200", "1200"], &["0220"], &["1200"]],
        exclude_pct: 50,
        ticket: (10_000, 300_000),
        no_ticket_pct: 50,
        offers: &[P::Training, P::TechnologyTransfer, P::ExportMarketAccess],
        provinces: &[RURAL_NORTH, NORTH_EAST, SOUTH_EAST, RICE_BOWL],
        anywhere_pct: 35,
        levels: &[&[L::Basic], &[L::Basic, L::Intermediate]],
        any_level_pct: 20,
        incentives: &[I::EnhancedDeductions, I::KoreaFtaExport],
        founded: (1991, 2015),
    },
    Kind {
        org: O::DevelopmentAgency,
        weight: 12,
        suffixes: &[("나눔재단", "Sharing Foundation"), ("희망나눔", "Hope Sharing"), ("어린이재단", "Children's Foundation"), ("지구촌나눔", "Global Neighbours")],
        what: &[("국제구호 비영리단체", "international non-profit"), ("아동복지 NGO", "child-welfare NGO")],
        focus: &[
            ("캄보디아 농촌 지역에서 아동 교육과 지역사회 개발 사업을 하고 있습니다.",
             "It runs child education and community development programmes in rural Cambodia."),
            ("학부모의 소득을 높이는 생계 지원 사업을 함께 운영합니다.",
             "It also runs livelihood programmes that raise parents' incomes."),
        ],
        seeks: &[
            ("지역 학교, 어학원, 직업훈련 기관과 협력하고자 합니다.",
             "It wants to partner with local schools, language centres and vocational trainers."),
            ("직조, 농업 등 마을 기반 사업체의 교육과 판로 개척을 돕습니다.",
             "It helps village businesses such as weaving groups and farms with training and market access."),
        ],
        interests: &[&["P", "Q", "A"], &["8549", "8522", "8510", "8620"], &["01", "03", "1312", "8549"]],
        paired: false,
        excluded: &[&["9200"], &["1200", "9200"]],
        exclude_pct: 40,
        ticket: (5_000, 50_000),
        no_ticket_pct: 60,
        offers: &[P::Training, P::TechnologyTransfer],
        provinces: &[RURAL_NORTH, NORTH_EAST, SOUTH_EAST],
        anywhere_pct: 25,
        levels: &[&[L::Basic]],
        any_level_pct: 40,
        incentives: &[],
        founded: (1985, 2015),
    },
    Kind {
        org: O::TradingDistributor,
        weight: 12,
        suffixes: &[("뷰티유통", "Beauty Distribution"), ("코스메틱트레이딩", "Cosmetics Trading")],
        what: &[("화장품 유통 기업", "cosmetics distributor"), ("K-뷰티 수출 전문 무역회사", "K-beauty export trading company")],
        focus: &[
            ("한국 중소 화장품 브랜드 40여 개를 동남아에 수출하고 있습니다.",
             "It exports some forty independent Korean beauty brands to Southeast Asia."),
            ("정품 인증과 유통기한 관리를 철저히 하는 것으로 알려져 있습니다.",
             "It is known for strict authenticity checks and shelf-life control."),
        ],
        seeks: &[
            ("캄보디아 전역의 화장품 가게, 약국, 온라인 셀러를 유통 파트너로 찾고 있습니다.",
             "It is looking for beauty shops, pharmacies and online sellers across Cambodia as distribution partners."),
            ("가품을 줄이기 위해 공식 판매점 네트워크를 만들고자 합니다.",
             "It wants to build a network of authorised resellers to push out counterfeits."),
            ("캄보디아 천연 원료 화장품을 한국에 소개하는 데도 관심이 있습니다.",
             "It is also interested in bringing Cambodian natural cosmetics to Korea."),
        ],
        interests: &[&["2023", "4772"], &["2023", "4772", "4791", "9602"], &["20", "4772"]],
        paired: false,
        excluded: &[&["2021"]],
        exclude_pct: 20,
        ticket: (20_000, 500_000),
        no_ticket_pct: 40,
        offers: &[P::Distribution, P::ExportMarketAccess, P::SupplyChain],
        provinces: &[CAPITAL, TOURISM],
        anywhere_pct: 60,
        levels: &[&[L::Basic, L::Intermediate], &[L::Intermediate, L::Advanced]],
        any_level_pct: 50,
        incentives: &[I::ImportDutyExemption, I::KoreaFtaExport],
        founded: (2000, 2021),
    },
    Kind {
        org: O::TradingDistributor,
        weight: 14,
        suffixes: &[("무역", "Trading"), ("상사", "Trading Co."), ("글로벌푸드", "Global Food")],
        what: &[("식품 수입 무역회사", "food import trading company"), ("농산물 무역상사", "agricultural trading house")],
        focus: &[
            ("동남아 농산물을 한국 대형마트와 식품 제조사에 공급합니다.",
             "It supplies Southeast Asian produce to Korean hypermarkets and food manufacturers."),
            ("한국 식품 안전 기준과 통관 절차에 대한 실무 경험이 많습니다.",
             "It has deep hands-on experience with Korean food-safety rules and customs."),
        ],
        seeks: &[
            ("캄폿 후추, 캐슈, 망고, 팜슈거를 한국에 수출할 공급업체를 찾고 있습니다.",
             "It is looking for suppliers of Kampot pepper, cashew, mango and palm sugar to export to Korea."),
            ("한-캄보디아 FTA 원산지 요건을 충족하는 가공식품을 우선 검토합니다.",
             "It gives priority to processed foods that meet the CKFTA rules of origin."),
            ("연간 물량을 계약할 수 있는 농가 조합과 가공업체를 원합니다.",
             "It wants farmer groups and processors able to commit to yearly volumes."),
        ],
        interests: &[&["01", "10"], &["0128", "1030", "1061", "1072", "1079"], &["A", "10", "11"], &["0122", "0125", "1030"]],
        paired: false,
        excluded: &[&["1200"], &["0220"], &["1101"]],
        exclude_pct: 30,
        ticket: (20_000, 1_000_000),
        no_ticket_pct: 40,
        offers: &[P::ExportMarketAccess, P::SupplyChain, P::Distribution],
        provinces: &[SOUTH_COAST, CASHEW_BELT, RICE_BOWL],
        anywhere_pct: 45,
        levels: &[&[L::Basic, L::Intermediate]],
        any_level_pct: 70,
        incentives: &[I::KoreaFtaExport, I::ImportDutyExemption],
        founded: (1985, 2020),
    },
    Kind {
        org: O::TradingDistributor,
        weight: 8,
        suffixes: &[("엔터테인먼트", "Entertainment"), ("콘텐츠", "Contents"), ("미디어", "Media")],
        what: &[("콘텐츠 유통 기업", "content distributor"), ("엔터테인먼트 기업", "entertainment company")],
        focus: &[
            ("한국 드라마, 예능, 애니메이션 판권을 동남아에 유통합니다.",
             "It distributes Korean drama, variety and animation rights across Southeast Asia."),
            ("현지 더빙과 자막 제작을 파트너사와 함께 진행합니다.",
             "It produces local dubbing and subtitles with partner studios."),
        ],
        seeks: &[
            ("크메르어 더빙과 콘텐츠 제작이 가능한 캄보디아 스튜디오를 찾고 있습니다.",
             "It is looking for Cambodian studios that can dub into Khmer and produce content."),
            ("K-팝 공연과 문화 행사를 함께 기획할 현지 파트너를 원합니다.",
             "It wants local partners to co-organise K-pop shows and cultural events."),
        ],
        interests: &[&["5911", "5913", "5920", "9000"], &["59", "60", "90"], &["J", "R"]],
        paired: false,
        excluded: &[&["9200"], &["6010"]],
        exclude_pct: 50,
        ticket: (50_000, 1_000_000),
        no_ticket_pct: 30,
        offers: &[P::Distribution, P::JointVenture],
        provinces: &[CAPITAL, TOURISM],
        anywhere_pct: 50,
        levels: &[&[L::Intermediate, L::Advanced]],
        any_level_pct: 50,
        incentives: &[],
        founded: (2000, 2020),
    },
    Kind {
        org: O::TechnologyProvider,
        weight: 12,
        suffixes: &[("페이", "Pay"), ("페이먼츠", "Payments"), ("핀테크", "Fintech")],
        what: &[("결제 서비스 기업", "payments company"), ("핀테크 기업", "fintech company")],
        focus: &[
            ("QR 결제와 가맹점 관리 앱을 동남아 여러 나라에서 운영합니다.",
             "It runs QR payments and merchant-management apps in several Southeast Asian countries."),
            ("캄보디아의 KHQR 표준과 연동되는 단말기를 공급합니다.",
             "It supplies terminals that work with Cambodia's KHQR standard."),
        ],
        seeks: &[
            ("아직 현금 위주로 영업하는 미니마트, 식당, 카페가 디지털 결제로 전환하도록 돕습니다.",
             "It helps minimarts, restaurants and cafés that still run on cash switch to digital payments."),
            ("가맹점에 무료 교육과 단말기를 제공할 지역 파트너를 찾습니다.",
             "It looks for local partners to give merchants free training and terminals."),
        ],
        interests: &[&["G", "I"], &["47", "5610", "5630"], &["4711", "4772", "5610", "5630", "9602"], &["G", "I", "S"]],
        paired: false,
        excluded: &[&["9200"], &["4730"]],
        exclude_pct: 30,
        ticket: (10_000, 200_000),
        no_ticket_pct: 70,
        offers: &[P::TechnologyTransfer, P::Training],
        provinces: &[CAPITAL, TOURISM, RICE_BOWL],
        anywhere_pct: 60,
        levels: &[&[L::Basic], &[L::Basic, L::Intermediate]],
        any_level_pct: 5,
        incentives: &[I::EnhancedDeductions],
        founded: (2010, 2022),
    },
    Kind {
        org: O::TechnologyProvider,
        weight: 10,
        suffixes: &[("커머스", "Commerce"), ("마켓", "Market"), ("몰", "Mall")],
        what: &[("전자상거래 플랫폼 기업", "e-commerce platform company"), ("온라인 마켓플레이스 운영사", "online marketplace operator")],
        focus: &[
            ("한국과 동남아에서 중소 판매자용 온라인몰 솔루션을 운영합니다.",
             "It runs online-store software for small sellers in Korea and Southeast Asia."),
            ("판매자에게 상품 촬영, 광고, 배송 연동 교육을 제공합니다.",
             "It trains sellers in product photography, advertising and delivery integration."),
        ],
        seeks: &[
            ("페이스북과 텔레그램으로 판매하는 캄보디아 셀러가 자체 온라인몰을 갖추도록 돕고자 합니다.",
             "It wants to help Cambodian sellers who sell on Facebook and Telegram build their own online stores."),
            ("캄보디아 식품과 수공예품을 한국 소비자에게 판매할 셀러를 찾습니다.",
             "It looks for sellers of Cambodian food and handicrafts to reach Korean shoppers."),
        ],
        interests: &[&["47", "4791"], &["4791", "1079", "2023", "1410"], &["G", "10", "13", "14"]],
        paired: false,
        excluded: &[&["4730"], &["1200"]],
        exclude_pct: 25,
        ticket: (20_000, 500_000),
        no_ticket_pct: 60,
        offers: &[P::TechnologyTransfer, P::Distribution, P::Training],
        provinces: &[CAPITAL, TOURISM],
        anywhere_pct: 70,
        levels: &[&[L::Basic, L::Intermediate], &[L::Basic]],
        any_level_pct: 10,
        incentives: &[I::EnhancedDeductions, I::KoreaFtaExport],
        founded: (2008, 2022),
    },
    Kind {
        org: O::TechnologyProvider,
        weight: 10,
        suffixes: &[("클라우드", "Cloud"), ("소프트", "Soft"), ("ERP", "ERP")],
        what: &[("클라우드 ERP 기업", "cloud ERP company"), ("회계 SaaS 기업", "accounting SaaS company")],
        focus: &[
            ("중소기업용 회계·재고·급여 클라우드 솔루션을 제공합니다.",
             "It provides cloud accounting, inventory and payroll software for small firms."),
            ("크메르어 화면과 캄보디아 세무 신고 양식을 지원합니다.",
             "Its software has a Khmer interface and Cambodian tax-filing forms."),
        ],
        seeks: &[
            ("엑셀이나 수기 장부에서 벗어나려는 제조·유통 중소기업을 찾습니다.",
             "It looks for manufacturers and distributors ready to move off spreadsheets and paper ledgers."),
            ("현지 회계법인과 함께 도입 교육을 진행하고자 합니다.",
             "It wants to run onboarding training together with local accounting firms."),
        ],
        interests: &[&["C", "G"], &["10", "14", "46", "47"], &["C", "G", "H", "6920"]],
        paired: false,
        excluded: &[&["9200"]],
        exclude_pct: 15,
        ticket: (10_000, 100_000),
        no_ticket_pct: 80,
        offers: &[P::TechnologyTransfer, P::Training],
        provinces: &[CAPITAL],
        anywhere_pct: 75,
        levels: &[&[L::Basic, L::Intermediate], &[L::Intermediate]],
        any_level_pct: 10,
        incentives: &[I::EnhancedDeductions],
        founded: (2005, 2021),
    },
    Kind {
        org: O::TechnologyProvider,
        weight: 8,
        suffixes: &[("디지털아카데미", "Digital Academy"), ("에듀테크", "Edutech"), ("코딩스쿨", "Coding School")],
        what: &[("디지털 교육 기업", "digital-skills training company"), ("에듀테크 기업", "edtech company")],
        focus: &[
            ("코딩, 디지털 마케팅, 전자상거래 교육 과정을 운영합니다.",
             "It runs courses in coding, digital marketing and e-commerce."),
            ("한국 정부 지원 사업으로 동남아 청년 교육을 진행해 왔습니다.",
             "It has trained young people in Southeast Asia under Korean government programmes."),
        ],
        seeks: &[
            ("캄보디아의 어학원, 직업학교와 함께 디지털 기초 교육을 확대하려 합니다.",
             "It wants to expand basic digital-skills training with Cambodian language centres and vocational schools."),
            ("소상공인에게 SNS 마케팅과 전자결제를 가르칠 파트너를 찾습니다.",
             "It looks for partners to teach small businesses social-media marketing and e-payments."),
        ],
        interests: &[&["P", "J"], &["85", "62"], &["8549", "8522", "6201"], &[]],
        paired: false,
        excluded: &[&["9200"]],
        exclude_pct: 15,
        ticket: (5_000, 50_000),
        no_ticket_pct: 80,
        offers: &[P::Training, P::TechnologyTransfer],
        provinces: &[CAPITAL, RURAL_NORTH, SOUTH_EAST],
        anywhere_pct: 60,
        levels: &[&[L::Basic], &[L::Basic, L::Intermediate]],
        any_level_pct: 5,
        incentives: &[I::EnhancedDeductions],
        founded: (2010, 2022),
    },
    Kind {
        org: O::Manufacturer,
        weight: 12,
        suffixes: &[("어패럴", "Apparel"), ("텍스타일", "Textile"), ("섬유", "Textile Co.")],
        what: &[("의류 제조 기업", "garment manufacturer"), ("봉제 OEM 전문 기업", "OEM apparel maker")],
        focus: &[
            ("글로벌 브랜드의 의류를 OEM 방식으로 생산합니다.",
             "It makes apparel for global brands on an OEM basis."),
            ("베트남과 인도네시아에 이어 캄보디아 생산 비중을 늘리고 있습니다.",
             "After Vietnam and Indonesia, it is moving more production to Cambodia."),
        ],
        seeks: &[
            ("하청 물량을 맡길 캄보디아 봉제 공장을 찾고 있습니다.",
             "It is looking for Cambodian sewing factories to take subcontract orders."),
            ("경제특구 내 공장과의 합작이나 장기 공급 계약을 검토합니다.",
             "It is considering joint ventures or long-term supply contracts with factories in special economic zones."),
            ("직원 교육과 품질관리 체계를 함께 구축할 파트너를 원합니다.",
             "It wants partners willing to build staff training and quality systems together."),
        ],
        interests: &[&["13", "14", "15"], &["1410", "1430", "1312", "1512"], &["C"]],
        paired: false,
        excluded: &[&["1610"], &["1200"]],
        exclude_pct: 30,
        ticket: (200_000, 5_000_000),
        no_ticket_pct: 30,
        offers: &[P::Manufacturing, P::SupplyChain, P::JointVenture, P::Training],
        provinces: &[GARMENT_BELT, SEZ, &["KH-20", "KH-18"]],
        anywhere_pct: 25,
        levels: &[&[L::Intermediate], &[L::Basic, L::Intermediate]],
        any_level_pct: 60,
        incentives: &[I::SezLocation, I::ImportDutyExemption, I::KoreaFtaExport, I::QipTaxHoliday],
        founded: (1975, 2015),
    },
    Kind {
        org: O::Manufacturer,
        weight: 8,
        suffixes: &[("전자", "Electronics"), ("정밀", "Precision"), ("부품", "Components")],
        what: &[("전자부품 제조 기업", "electronic components manufacturer"), ("조립 전문 제조사", "contract assembler")],
        focus: &[
            ("자동차용 전선과 조명 부품을 생산합니다.",
             "It produces automotive wiring and lighting components."),
            ("협력사에 금형과 자동화 설비를 지원합니다.",
             "It provides moulds and automation equipment to its suppliers."),
        ],
        seeks: &[
            ("바벳, 포이펫, 시아누크빌 경제특구에서 조립 협력사를 찾고 있습니다.",
             "It looks for assembly partners in the Bavet, Poipet and Sihanoukville special economic zones."),
            ("수입관세 면제 혜택을 받는 수출형 프로젝트를 선호합니다.",
             "It prefers export-oriented projects that qualify for import-duty exemptions."),
        ],
        interests: &[&["26", "27", "29"], &["2610", "2740", "2930", "2790"]],
        paired: false,
        excluded: &[&["1200"]],
        exclude_pct: 15,
        ticket: (500_000, 10_000_000),
        no_ticket_pct: 20,
        offers: &[P::Manufacturing, P::SupplyChain, P::JointVenture],
        provinces: &[SEZ, &["KH-20", "KH-1", "KH-18"]],
        anywhere_pct: 10,
        levels: &[&[L::Intermediate, L::Advanced]],
        any_level_pct: 50,
        incentives: &[I::SezLocation, I::ImportDutyExemption, I::QipTaxHoliday],
        founded: (1975, 2012),
    },
    Kind {
        org: O::Manufacturer,
        weight: 6,
        suffixes: &[("식품산업", "Food Industries"), ("패키징", "Packaging")],
        what: &[("식품 OEM 제조사", "food OEM manufacturer"), ("포장재 제조 기업", "packaging manufacturer")],
        focus: &[
            ("한국 유통업체의 자체 브랜드 식품과 포장재를 생산합니다.",
             "It produces private-label foods and packaging for Korean retailers."),
            ("식품 안전 인증과 포장 설계 노하우를 보유하고 있습니다.",
             "It has food-safety certification and packaging design know-how."),
        ],
        seeks: &[
            ("한국 시장용 제품을 위탁생산할 캄보디아 식품 가공업체를 찾습니다.",
             "It looks for Cambodian food processors to make products for the Korean market under contract."),
            ("현지에서 포장재를 공동 생산할 파트너를 검토합니다.",
             "It is considering partners for joint packaging production in Cambodia."),
        ],
        interests: &[&["10", "17", "22"], &["1030", "1079", "1701", "2220"]],
        paired: false,
        excluded: &[&["1200"]],
        exclude_pct: 20,
        ticket: (100_000, 2_000_000),
        no_ticket_pct: 30,
        offers: &[P::Manufacturing, P::SupplyChain, P::ExportMarketAccess],
        provinces: &[SEZ, CASHEW_BELT],
        anywhere_pct: 40,
        levels: &[&[L::Intermediate]],
        any_level_pct: 60,
        incentives: &[I::KoreaFtaExport, I::QipTaxHoliday, I::SezLocation],
        founded: (1985, 2018),
    },
    Kind {
        org: O::Individual,
        weight: 16,
        suffixes: &[],
        what: &[("엔젤투자자", "angel investor"), ("개인 투자자", "individual investor")],
        focus: &[
            ("프놈펜에 머무는 기간이 길어 투자한 기업을 자주 직접 찾아갑니다.",
             "The investor spends much of the year in Phnom Penh and visits portfolio companies often."),
            ("소규모 지분 투자와 함께 경영 조언을 제공합니다.",
             "Small equity stakes come with hands-on management advice."),
        ],
        seeks: &[
            ("카페, 한식당, 뷰티숍처럼 한국 문화와 연결된 소규모 사업에 관심이 있습니다.",
             "The investor is interested in small businesses linked to Korean culture, such as cafés, Korean restaurants and beauty salons."),
            ("젊은 창업자가 이끄는 IT·디자인 스타트업을 찾습니다.",
             "The investor is looking for IT and design start-ups led by young founders."),
            ("캄폿 후추처럼 이야기가 있는 농산물 브랜드에 투자하고 싶어 합니다.",
             "The investor would like to back farm brands with a story, such as Kampot pepper."),
        ],
        interests: &[&["5630", "5610", "9602"], &["6201", "7410", "J"], &["0128", "1072", "1030"]],
        paired: true,
        excluded: &[&["9200"]],
        exclude_pct: 20,
        ticket: (5_000, 300_000),
        no_ticket_pct: 5,
        offers: &[P::Equity, P::Loan, P::JointVenture],
        provinces: &[CAPITAL, TOURISM, SOUTH_COAST],
        anywhere_pct: 50,
        levels: &[&[L::Intermediate, L::Advanced], &[L::Basic, L::Intermediate]],
        any_level_pct: 50,
        incentives: &[I::QipTaxHoliday],
        founded: (1960, 1995),
    },
];

fn offer_phrase(p: P) -> Pair {
    match p {
        P::Equity => ("지분 투자", "equity"),
        P::Loan => ("대출", "loans"),
        P::JointVenture => ("합작투자", "joint ventures"),
        P::Distribution => ("유통 계약", "distribution agreements"),
        P::Manufacturing => ("OEM 위탁생산", "OEM manufacturing"),
        P::TechnologyTransfer => ("기술 이전", "technology transfer"),
        P::Training => ("교육 프로그램", "training programmes"),
        P::ExportMarketAccess => ("수출시장 진출 지원", "export market access"),
        P::SupplyChain => ("공급망 소싱", "supply-chain sourcing"),
    }
}

fn incentive_phrase(i: I) -> Pair {
    match i {
        I::QipTaxHoliday => ("QIP 법인세 면제", "QIP tax holidays"),
        I::ImportDutyExemption => ("수입관세 면제", "import-duty exemptions"),
        I::SezLocation => ("경제특구 입지 혜택", "SEZ location benefits"),
        I::KoreaFtaExport => (
            "한-캄보디아 FTA 수출 관세 혜택",
            "CKFTA tariff preferences on exports to Korea",
        ),
        I::EnhancedDeductions => (
            "교육·IT 비용 추가 공제",
            "enhanced deductions on training or IT spending",
        ),
    }
}

const INTRO: &[Pair] = &[
    (
        "{name:은} {city}에 본사를 둔 {what}입니다.",
        "{name} is {a_what} based in {city}.",
    ),
    (
        "{year}년 설립된 {name:은} {city}의 {what}입니다.",
        "Founded in {year}, {name} is {a_what} from {city}.",
    ),
    (
        "{name:은} 프놈펜에 현지 사무소를 둔 {what}입니다.",
        "{name} is {a_what} with a local office in Phnom Penh.",
    ),
    (
        "{city}에 기반을 둔 {what}인 {name:은} {since}년부터 캄보디아에서 활동해 왔습니다.",
        "{name}, {a_what} headquartered in {city}, has worked in Cambodia since {since}.",
    ),
];
const INTRO_PERSON: &[Pair] = &[
    (
        "{name:은} {city}에 사는 {what}입니다.",
        "{name} is {a_what} based in {city}.",
    ),
    (
        "{name:은} 캄보디아에서 10년 넘게 사업을 해 온 한국인 {what}입니다.",
        "{name} is a Korean {what} who has done business in Cambodia for more than ten years.",
    ),
    (
        "{name:은} IT 기업을 창업해 매각한 뒤 동남아 스타트업에 투자하는 {what}입니다.",
        "{name} founded and sold an IT company and now invests in Southeast Asian start-ups.",
    ),
];
const TICKET_BOTH: &[Pair] = &[
    (
        "한 건당 {min}부터 {max}까지 {types} 형태로 지원합니다.",
        "Tickets range from {min} to {max}, through {types}.",
    ),
    (
        "투자 규모는 {min}에서 {max} 사이이며, {types} 형태로 참여합니다.",
        "It commits {min} to {max} per deal, as {types}.",
    ),
];
const TICKET_MIN: &[Pair] = &[(
    "최소 {min} 이상의 건을 {types} 형태로 검토합니다.",
    "Deals start at {min}, structured as {types}.",
)];
const TICKET_MAX: &[Pair] = &[(
    "최대 {max}까지 {types} 형태로 지원합니다.",
    "It provides up to {max} per project through {types}.",
)];
const TICKET_NONE: &[Pair] = &[
    (
        "자금 투자보다는 {types:을} 중심으로 협력합니다.",
        "It works through {types} rather than cash investment.",
    ),
    (
        "{types:을} 통해 파트너와 협력합니다.",
        "It partners through {types}.",
    ),
];
const INCENTIVE: &[Pair] = &[
    (
        "특히 {list}에 관심이 많습니다.",
        "It pays close attention to {list}.",
    ),
    (
        "투자를 검토할 때 {list:을} 중요하게 봅니다.",
        "{list} weigh heavily when it reviews a deal.",
    ),
    (
        "{list:을} 받을 수 있는 프로젝트를 선호합니다.",
        "It favours projects that qualify for {list}.",
    ),
];

fn pick_pair(rng: &mut Rng, xs: &[Pair]) -> Pair {
    rng.pick(xs).copied().unwrap_or(("", ""))
}

fn kind(rng: &mut Rng) -> &'static Kind {
    let i = rng.weighted(KINDS.iter().map(|k| k.weight));
    KINDS.get(i).unwrap_or(&KINDS[0])
}

/// The kind with organisation type `org` (used to guarantee every type in the first items).
fn kind_of(org: O) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.org == org)
}

/// Whether `inner` lies under `outer` in the ISIC tree (or is it).
fn within(inner: &str, outer: &str) -> bool {
    isic().lineage(inner).iter().any(|n| n.code == outer)
}

fn ticket(rng: &mut Rng, k: &Kind) -> (Option<i64>, Option<i64>) {
    if rng.chance(k.no_ticket_pct) {
        return (None, None);
    }
    let (lo, hi) = amounts(k.ticket.0, k.ticket.1);
    if hi <= lo {
        return (AMOUNTS.get(lo).copied(), None);
    }
    let span = hi - lo;
    let min_i = lo + rng.below(span / 2 + 1);
    let max_i = (min_i + 2 + rng.below(span / 2 + 1)).min(hi);
    let (min, max) = (AMOUNTS.get(min_i).copied(), AMOUNTS.get(max_i).copied());
    match rng.below(10) {
        0 => (min, None),
        1 => (None, max),
        _ => (min, max),
    }
}

pub(crate) fn generate(seed: u64, i: u64) -> InvestorRaw {
    let mut rng = Rng::for_item(seed, STREAM, i);
    // The first items cycle through every organisation type so that even a small demo set shows
    // each kind; later items follow the weights.
    let k = match O::ALL.get(i as usize) {
        Some(org) => kind_of(*org).unwrap_or(&KINDS[0]),
        None => kind(&mut rng),
    };
    let person = k.org == O::Individual;

    let stem = pick_pair(&mut rng, KOREAN_STEMS);
    let family = pick_pair(&mut rng, KOREAN_FAMILY);
    let given = pick_pair(&mut rng, KOREAN_GIVEN);
    let (name_ko, name_en, name_for_text_ko) = if person {
        let ko = format!("{}{}", family.0, given.0);
        let en = format!("{} {}", family.1, given.1);
        if rng.chance(30) {
            (
                format!("{ko} 엔젤투자"),
                format!("{en} Angel Investments"),
                ko,
            )
        } else {
            (ko.clone(), en, ko)
        }
    } else {
        let suffix = pick_pair(&mut rng, k.suffixes);
        let ko = format!("{}{}", stem.0, suffix.0);
        (ko.clone(), format!("{} {}", stem.1, suffix.1), ko)
    };

    // Sectors: one alternative set of interests, and maybe exclusions that do not swallow one.
    let interest_i = rng.below(k.interests.len());
    let interests: Vec<String> = k
        .interests
        .get(interest_i)
        .map(|set| set.iter().map(|s| (*s).to_string()).collect())
        .unwrap_or_default();
    let excluded: Vec<String> = if rng.chance(k.exclude_pct) {
        rng.pick(k.excluded)
            .map(|set| {
                set.iter()
                    .filter(|ex| !interests.iter().any(|it| within(it, ex)))
                    .map(|s| (*s).to_string())
                    .collect()
            })
            .unwrap_or_default()
    } else {
        Vec::new()
    };

    let (ticket_min_usd, ticket_max_usd) = ticket(&mut rng, k);

    let mut offers: Vec<P> = k.offers.first().copied().into_iter().collect();
    let extra = rng.below(k.offers.len().min(3));
    for idx in rng.distinct(k.offers.len(), k.offers.len()) {
        if offers.len() > extra {
            break;
        }
        if let Some(p) = k.offers.get(idx) {
            if !offers.contains(p) {
                offers.push(*p);
            }
        }
    }

    let preferred_provinces: Vec<String> = if rng.chance(k.anywhere_pct) {
        Vec::new()
    } else {
        rng.pick(k.provinces)
            .map(|set| set.iter().map(|s| (*s).to_string()).collect())
            .unwrap_or_default()
    };
    let preferred_digital_levels: Vec<L> = if rng.chance(k.any_level_pct) {
        Vec::new()
    } else {
        rng.pick(k.levels)
            .map(|set| set.to_vec())
            .unwrap_or_default()
    };
    let incentive_preferences: Vec<I> = if k.incentives.is_empty() || rng.chance(20) {
        Vec::new()
    } else {
        let n = 1 + rng.below(k.incentives.len().min(3));
        rng.distinct(k.incentives.len(), n)
            .into_iter()
            .filter_map(|j| k.incentives.get(j).copied())
            .collect()
    };

    // ---- descriptions ----
    let city = pick_pair(&mut rng, KOREAN_CITIES);
    let what = pick_pair(&mut rng, k.what);
    let year = rng.range(k.founded.0, k.founded.1).to_string();
    let since = rng.range(2008, 2024).to_string();
    let intro = pick_pair(&mut rng, if person { INTRO_PERSON } else { INTRO });
    let vars_ko = |extra: &[(&'static str, &str)]| -> Vec<(&'static str, String)> {
        let mut v: Vec<(&'static str, String)> = vec![
            ("name", name_for_text_ko.clone()),
            ("city", city.0.to_string()),
            ("what", what.0.to_string()),
            ("year", year.clone()),
            ("since", since.clone()),
        ];
        v.extend(extra.iter().map(|(k, s)| (*k, (*s).to_string())));
        v
    };
    let vars_en = |extra: &[(&'static str, &str)]| -> Vec<(&'static str, String)> {
        let mut v: Vec<(&'static str, String)> = vec![
            ("name", name_en.clone()),
            ("city", city.1.to_string()),
            ("what", what.1.to_string()),
            ("a_what", with_article(what.1)),
            ("year", year.clone()),
            ("since", since.clone()),
        ];
        v.extend(extra.iter().map(|(k, s)| (*k, (*s).to_string())));
        v
    };
    let fill_owned = |t: &str, vars: &[(&'static str, String)]| -> String {
        let refs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        fill(t, &refs)
    };

    let mut ko: Vec<String> = vec![fill_owned(intro.0, &vars_ko(&[]))];
    let mut en: Vec<String> = vec![fill_owned(intro.1, &vars_en(&[]))];

    // Up to two of: focus, ticket, incentives; the "seeks" sentence always closes the text.
    let n_optional = 1 + rng.below(2);
    let mut optional = rng.distinct(3, n_optional);
    optional.sort_unstable();
    for slot in optional {
        match slot {
            0 => {
                let f = pick_pair(&mut rng, k.focus);
                ko.push(f.0.to_string());
                en.push(f.1.to_string());
            }
            1 => {
                let names_ko: Vec<&str> = offers.iter().map(|p| offer_phrase(*p).0).collect();
                let names_en: Vec<&str> = offers.iter().map(|p| offer_phrase(*p).1).collect();
                let (types_ko, types_en) = (join_ko(&names_ko), join_en(&names_en));
                let (min_ko, min_en) = ticket_min_usd
                    .map(|v| (usd_ko(v), usd_en(v)))
                    .unwrap_or_default();
                let (max_ko, max_en) = ticket_max_usd
                    .map(|v| (usd_ko(v), usd_en(v)))
                    .unwrap_or_default();
                let t = match (ticket_min_usd, ticket_max_usd) {
                    (Some(_), Some(_)) => pick_pair(&mut rng, TICKET_BOTH),
                    (Some(_), None) => pick_pair(&mut rng, TICKET_MIN),
                    (None, Some(_)) => pick_pair(&mut rng, TICKET_MAX),
                    (None, None) => pick_pair(&mut rng, TICKET_NONE),
                };
                ko.push(fill(
                    t.0,
                    &[("min", &min_ko), ("max", &max_ko), ("types", &types_ko)],
                ));
                en.push(fill(
                    t.1,
                    &[("min", &min_en), ("max", &max_en), ("types", &types_en)],
                ));
            }
            _ => {
                if incentive_preferences.is_empty() {
                    continue;
                }
                let list_ko: Vec<&str> = incentive_preferences
                    .iter()
                    .map(|x| incentive_phrase(*x).0)
                    .collect();
                let list_en: Vec<&str> = incentive_preferences
                    .iter()
                    .map(|x| incentive_phrase(*x).1)
                    .collect();
                let t = pick_pair(&mut rng, INCENTIVE);
                let (list_ko, list_en) = (join_ko(&list_ko), join_en(&list_en));
                ko.push(fill(t.0, &[("list", &list_ko)]));
                en.push(capitalise(&fill(t.1, &[("list", &list_en)])));
            }
        }
    }
    let s = match k.seeks.get(interest_i) {
        Some(s) if k.paired => *s,
        _ => pick_pair(&mut rng, k.seeks),
    };
    ko.push(s.0.to_string());
    en.push(s.1.to_string());

    let mut languages = vec!["ko".to_string(), "en".to_string()];
    if rng.chance(10) {
        languages.push("km".into());
    }

    let contact = contact(&mut rng, &name_en, family, given, person);

    InvestorRaw {
        name: LocalizedTextRaw {
            en: Some(name_en),
            km: None,
            ko: Some(name_ko),
        },
        description: LocalizedTextRaw {
            en: Some(en.join(" ")),
            km: None,
            ko: Some(ko.join(" ")),
        },
        organization_type: k.org,
        sector_interests: interests,
        excluded_sectors: excluded,
        ticket_min_usd,
        ticket_max_usd,
        partnership_types: offers,
        preferred_provinces,
        preferred_digital_levels,
        incentive_preferences,
        languages,
        contact,
    }
}

/// "a venture capital firm", "an impact investor", "an OEM apparel maker".
fn with_article(noun: &str) -> String {
    let vowel = noun.chars().next().is_some_and(|c| "aeiouAEIO".contains(c));
    format!("{} {noun}", if vowel { "an" } else { "a" })
}

/// Upper-cases the first letter (an incentive list can open a sentence).
fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn contact(rng: &mut Rng, org_en: &str, family: Pair, given: Pair, person: bool) -> ContactRaw {
    let given_slug = slug(given.1, '.', 20).replace('.', "");
    let family_slug = slug(family.1, '.', 20);
    let domain = if person {
        "mail.example".to_string()
    } else {
        format!("{}.example", slug(org_en, '-', 40))
    };
    let email = format!("{given_slug}.{family_slug}@{domain}");
    let phone = match rng.below(4) {
        0 => format!("+82 2 {} {}", rng.range(1000, 9999), rng.range(1000, 9999)),
        1 => format!("+82 10 {} {}", rng.range(1000, 9999), rng.range(1000, 9999)),
        2 => format!("+855 23 {} {}", rng.range(100, 999), rng.range(100, 999)),
        _ => format!(
            "+855 {} {} {}",
            ["12", "17", "77", "89", "92", "99"][rng.below(6)],
            rng.range(100, 999),
            rng.range(100, 999)
        ),
    };
    let person_name = if rng.chance(40) {
        format!("{}{}", family.0, given.0)
    } else {
        format!("{} {}", family.1, given.1)
    };
    let mut contact = ContactRaw {
        person: Some(person_name),
        email: rng.chance(90).then_some(email.clone()),
        phone: rng.chance(80).then_some(phone),
        telegram: rng
            .chance(35)
            .then(|| format!("{given_slug}_{family_slug}")),
    };
    // At least one way to be reached (`Contact::check`), without a draw of its own.
    if contact.email.is_none() && contact.phone.is_none() && contact.telegram.is_none() {
        contact.email = Some(email);
    }
    contact
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::province::ProvinceCode;
    use crate::domain::sector::IsicCode;

    #[test]
    fn every_code_in_the_tables_exists() {
        for k in KINDS {
            for code in k.interests.iter().chain(k.excluded).flat_map(|s| s.iter()) {
                assert!(IsicCode::parse(code).is_ok(), "{code}");
            }
            for p in k.provinces.iter().flat_map(|s| s.iter()) {
                assert!(ProvinceCode::parse(p).is_ok(), "{p}");
            }
            assert!(!k.offers.is_empty() && !k.what.is_empty() && !k.seeks.is_empty());
            assert!(k.org == O::Individual || !k.suffixes.is_empty());
            assert!(!k.paired || k.seeks.len() == k.interests.len());
        }
        for org in O::ALL {
            assert!(kind_of(*org).is_some(), "{org:?}");
        }
    }
}
