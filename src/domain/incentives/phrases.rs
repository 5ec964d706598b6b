//! The sentences of an assessment in English, Khmer and Korean.
//!
//! Names of activities, sources and zones come from the rules file; the sentence frames are here
//! because they carry numbers and grammar, not law. Amounts are written with Western digits and
//! thousands separators in every language, as Cambodian and Korean business documents do for
//! US-dollar sums.

use super::vocab::{CustomsItem, CustomsScope, RegistrationBody, SmeSize};
use crate::domain::text::{ko_particle, Lang};

/// 은 or 는 after an ISIC code, as the code is read aloud (4772 사천칠백칠십이 → 는).
fn topic(code: &str) -> String {
    ko_particle(code, "은", "는", false)
}

/// 을 or 를 after a list of things (생산 원자재 → 를; QA saw 원자재을(를)).
fn object(list: &str) -> String {
    ko_particle(list, "을", "를", false)
}

/// `2000000` -> `"2,000,000"`.
pub fn usd(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A list ending in "and": `a, b and c`.
fn and_list(lang: Lang, items: &[String]) -> String {
    let (sep, last) = match lang {
        Lang::En => (", ", " and "),
        Lang::Km => (" ", " និង "),
        Lang::Ko => (", ", " 및 "),
    };
    joined(items, sep, last)
}

/// A list ending in "or": `a, b or c`.
fn or_list(lang: Lang, items: &[String]) -> String {
    let (sep, last) = match lang {
        Lang::En => (", ", " or "),
        Lang::Km => (" ", " ឬ "),
        Lang::Ko => (", ", " 또는 "),
    };
    joined(items, sep, last)
}

fn joined(items: &[String], sep: &str, last: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., tail] => format!("{}{last}{tail}", init.join(sep)),
    }
}

pub fn negative(lang: Lang, code: &str, activity: &str) -> String {
    match lang {
        Lang::En => format!(
            "ISIC {code} falls under “{activity}” on the negative list: it cannot be a Qualified Investment Project (QIP) and gets no investment incentive."
        ),
        Lang::Km => format!(
            "ISIC {code} ស្ថិតក្នុង «{activity}» នៃបញ្ជីអវិជ្ជមាន៖ មិនអាចក្លាយជាគម្រោងវិនិយោគមានលក្ខណៈសម្បត្តិគ្រប់គ្រាន់ (QIP) ហើយមិនទទួលបានការលើកទឹកចិត្តវិនិយោគទេ។"
        ),
        Lang::Ko => format!(
            "ISIC {code}{} 네거티브 리스트의 「{activity}」에 해당하여 적격투자사업(QIP)이 될 수 없으며 투자 인센티브를 받지 못합니다.", topic(code)
        ),
    }
}

pub fn eligible(lang: Lang, code: &str, activity: &str, group: u8, inv: i64, min: i64) -> String {
    let (inv, min) = (usd(inv), usd(min));
    match lang {
        Lang::En => format!(
            "ISIC {code} ({activity}) is in tax-exemption group {group}, and the investment of USD {inv} reaches its minimum of USD {min}: the project can be a Qualified Investment Project (QIP)."
        ),
        Lang::Km => format!(
            "ISIC {code} ({activity}) ស្ថិតក្នុងក្រុមលើកលែងពន្ធទី {group} ហើយទុនវិនិយោគ {inv} ដុល្លារអាមេរិក បានដល់ទុនអប្បបរមា {min} ដុល្លារអាមេរិក៖ គម្រោងនេះអាចក្លាយជាគម្រោងវិនិយោគមានលក្ខណៈសម្បត្តិគ្រប់គ្រាន់ (QIP)។"
        ),
        Lang::Ko => format!(
            "ISIC {code}({activity}){} 세금 면제 그룹 {group}에 속하고 투자금 {inv}달러가 최소 투자금액 {min}달러 이상이므로 적격투자사업(QIP)이 될 수 있습니다.", topic(code)
        ),
    }
}

fn steps(lang: Lang, steps: &[(u8, u8)]) -> String {
    let parts: Vec<String> = steps
        .iter()
        .enumerate()
        .map(|(i, (pct, years))| match (lang, i) {
            (Lang::En, 0) => format!("{pct}% of the normal tax for {years} years"),
            (Lang::En, _) => format!("{pct}% for {years} years"),
            (Lang::Km, 0) => format!("{pct}% នៃពន្ធធម្មតារយៈពេល {years} ឆ្នាំ"),
            (Lang::Km, _) => format!("{pct}% រយៈពេល {years} ឆ្នាំ"),
            (Lang::Ko, 0) => format!("{years}년간 정상 세액의 {pct}%"),
            (Lang::Ko, _) => format!("{years}년간 {pct}%"),
        })
        .collect();
    and_list(lang, &parts)
}

pub fn holiday(lang: Lang, years: u8, after: &[(u8, u8)]) -> String {
    let then = steps(lang, after);
    match (lang, after.is_empty()) {
        (Lang::En, false) => format!(
            "Income-tax exemption for {years} years from the first income, with no prepayment tax meanwhile; then tax at {then}."
        ),
        (Lang::En, true) => format!(
            "Income-tax exemption for {years} years from the first income, with no prepayment tax meanwhile."
        ),
        (Lang::Km, false) => format!(
            "លើកលែងពន្ធលើប្រាក់ចំណូលរយៈពេល {years} ឆ្នាំ គិតពីឆ្នាំដែលមានប្រាក់ចំណូលដំបូង ដោយមិនបង់ប្រាក់រំដោះពន្ធក្នុងរយៈពេលនោះ បន្ទាប់មកបង់ពន្ធ {then}។"
        ),
        (Lang::Km, true) => format!(
            "លើកលែងពន្ធលើប្រាក់ចំណូលរយៈពេល {years} ឆ្នាំ គិតពីឆ្នាំដែលមានប្រាក់ចំណូលដំបូង ដោយមិនបង់ប្រាក់រំដោះពន្ធក្នុងរយៈពេលនោះ។"
        ),
        (Lang::Ko, false) => format!(
            "첫 소득 발생 시점부터 {years}년간 소득세가 면제되고(그동안 선납세도 면제), 그 후 {then}를 납부합니다."
        ),
        (Lang::Ko, true) => format!(
            "첫 소득 발생 시점부터 {years}년간 소득세가 면제됩니다(그동안 선납세도 면제)."
        ),
    }
}

pub fn below_minimum(
    lang: Lang,
    code: &str,
    activity: &str,
    group: u8,
    inv: i64,
    min: i64,
    years: u8,
) -> String {
    let (inv, min) = (usd(inv), usd(min));
    match lang {
        Lang::En => format!(
            "ISIC {code} ({activity}) is in tax-exemption group {group}, but USD {inv} is below its minimum investment of USD {min}: not a QIP at this size. A project of at least USD {min} would qualify for {years} years of income-tax exemption."
        ),
        Lang::Km => format!(
            "ISIC {code} ({activity}) ស្ថិតក្នុងក្រុមលើកលែងពន្ធទី {group} ប៉ុន្តែ {inv} ដុល្លារអាមេរិក ទាបជាងទុនវិនិយោគអប្បបរមា {min} ដុល្លារអាមេរិក៖ មិនមែនជា QIP ក្នុងទំហំនេះទេ។ គម្រោងដែលមានទុនវិនិយោគយ៉ាងតិច {min} ដុល្លារអាមេរិក នឹងមានសិទ្ធិទទួលការលើកលែងពន្ធលើប្រាក់ចំណូលរយៈពេល {years} ឆ្នាំ។"
        ),
        Lang::Ko => format!(
            "ISIC {code}({activity}){} 세금 면제 그룹 {group}에 속하지만, {inv}달러는 최소 투자금액 {min}달러에 못 미쳐 이 규모로는 QIP가 될 수 없습니다. {min}달러 이상의 사업이라면 {years}년간 소득세 면제를 받을 수 있습니다.", topic(code)
        ),
    }
}

pub fn investment_unknown(
    lang: Lang,
    code: &str,
    activity: &str,
    group: u8,
    min: i64,
    years: u8,
) -> String {
    let min = usd(min);
    match lang {
        Lang::En => format!(
            "ISIC {code} ({activity}) is in tax-exemption group {group}: a project of at least USD {min} would qualify for {years} years of income-tax exemption; give the investment amount to check."
        ),
        Lang::Km => format!(
            "ISIC {code} ({activity}) ស្ថិតក្នុងក្រុមលើកលែងពន្ធទី {group}៖ គម្រោងដែលមានទុនវិនិយោគយ៉ាងតិច {min} ដុល្លារអាមេរិក នឹងមានសិទ្ធិទទួលការលើកលែងពន្ធលើប្រាក់ចំណូលរយៈពេល {years} ឆ្នាំ។ សូមបញ្ជាក់ទំហំទុនវិនិយោគ ដើម្បីពិនិត្យ។"
        ),
        Lang::Ko => format!(
            "ISIC {code}({activity}){} 세금 면제 그룹 {group}에 속합니다. {min}달러 이상의 사업이라면 {years}년간 소득세 면제를 받을 수 있으니, 확인하려면 투자금액을 입력하십시오.", topic(code)
        ),
    }
}

pub fn ask_cdc(lang: Lang, code: &str) -> String {
    match lang {
        Lang::En => format!(
            "ISIC {code} is in no tax-exemption group and not on the negative list: possibly eligible, ask the Council for the Development of Cambodia (CDC); no exemption years are given here."
        ),
        Lang::Km => format!(
            "ISIC {code} មិនស្ថិតក្នុងក្រុមលើកលែងពន្ធណាមួយ ហើយក៏មិននៅក្នុងបញ្ជីអវិជ្ជមានដែរ៖ អាចមានសិទ្ធិ សូមសាកសួរក្រុមប្រឹក្សាអភិវឌ្ឍន៍កម្ពុជា (ក.អ.ក)។ ទីនេះមិនបញ្ជាក់ចំនួនឆ្នាំលើកលែងពន្ធទេ។"
        ),
        Lang::Ko => format!(
            "ISIC {code}{} 어느 세금 면제 그룹에도, 네거티브 리스트에도 속하지 않습니다. 대상이 될 수 있으니 캄보디아개발위원회(CDC)에 문의하십시오. 여기서는 면제 기간을 제시하지 않습니다.", topic(code)
        ),
    }
}

fn customs_item(lang: Lang, item: CustomsItem) -> &'static str {
    match (lang, item) {
        (Lang::En, CustomsItem::ProductionEquipment) => "production equipment",
        (Lang::En, CustomsItem::ConstructionMaterials) => "construction materials",
        (Lang::En, CustomsItem::ProductionInputs) => "production inputs",
        (Lang::Km, CustomsItem::ProductionEquipment) => "បរិក្ខារផលិតកម្ម",
        (Lang::Km, CustomsItem::ConstructionMaterials) => "សម្ភារសំណង់",
        (Lang::Km, CustomsItem::ProductionInputs) => "វត្ថុធាតុដើមសម្រាប់ផលិតកម្ម",
        (Lang::Ko, CustomsItem::ProductionEquipment) => "생산설비",
        (Lang::Ko, CustomsItem::ConstructionMaterials) => "건설자재",
        (Lang::Ko, CustomsItem::ProductionInputs) => "생산 원자재",
    }
}

pub fn customs(lang: Lang, scope: CustomsScope, items: &[CustomsItem]) -> String {
    let names: Vec<String> = items
        .iter()
        .map(|i| customs_item(lang, *i).to_string())
        .collect();
    let list = and_list(lang, &names);
    match (lang, scope) {
        (Lang::En, CustomsScope::ExportOriented) => format!(
            "As an export-oriented QIP it imports {list} free of customs duty, special tax and VAT."
        ),
        (Lang::En, CustomsScope::DomesticOriented) => format!(
            "As a domestic-oriented QIP it imports {list} free of customs duty, special tax and VAT (an export-oriented QIP would add production inputs)."
        ),
        (Lang::Km, CustomsScope::ExportOriented) => format!(
            "ក្នុងនាមជា QIP តម្រង់ទិសនាំចេញ ការនាំចូល{list} ត្រូវបានលើកលែងពន្ធគយ អាករពិសេស និងអាករលើតម្លៃបន្ថែម។"
        ),
        (Lang::Km, CustomsScope::DomesticOriented) => format!(
            "ក្នុងនាមជា QIP តម្រង់ទិសទីផ្សារក្នុងស្រុក ការនាំចូល{list} ត្រូវបានលើកលែងពន្ធគយ អាករពិសេស និងអាករលើតម្លៃបន្ថែម (QIP តម្រង់ទិសនាំចេញ ទទួលបានបន្ថែមលើវត្ថុធាតុដើមសម្រាប់ផលិតកម្ម)។"
        ),
        (Lang::Ko, CustomsScope::ExportOriented) => format!(
            "수출 지향 QIP로서 {list}{} 관세, 특별소비세, 부가가치세 없이 수입할 수 있습니다.", object(&list)
        ),
        (Lang::Ko, CustomsScope::DomesticOriented) => format!(
            "내수 지향 QIP로서 {list}{} 관세, 특별소비세, 부가가치세 없이 수입할 수 있습니다(수출 지향 QIP는 생산 원자재도 포함).", object(&list)
        ),
    }
}

pub fn sme_not_priority(lang: Lang, code: &str) -> String {
    match lang {
        Lang::En => format!(
            "ISIC {code} is not a priority sector of the SME scheme (Sub-Decree 124): no SME income-tax exemption."
        ),
        Lang::Km => format!(
            "ISIC {code} មិនមែនជាវិស័យអាទិភាពនៃគ្រោងការណ៍សហគ្រាសធុនតូច និងមធ្យម (អនុក្រឹត្យលេខ 124) ទេ៖ គ្មានការលើកលែងពន្ធលើប្រាក់ចំណូលសម្រាប់សហគ្រាសធុនតូច និងមធ្យមទេ។"
        ),
        Lang::Ko => format!(
            "ISIC {code}{} 중소기업 우대 제도(시행령 제124호)의 우선 분야가 아니므로 중소기업 소득세 면제를 받을 수 없습니다.", topic(code)
        ),
    }
}

fn size_name(lang: Lang, size: SmeSize) -> &'static str {
    match (lang, size) {
        (Lang::En, SmeSize::Small) => "small",
        (Lang::En, SmeSize::Medium) => "medium",
        (Lang::Km, SmeSize::Small) => "ធុនតូច",
        (Lang::Km, SmeSize::Medium) => "ធុនមធ្យម",
        (Lang::Ko, SmeSize::Small) => "소",
        (Lang::Ko, SmeSize::Medium) => "중",
    }
}

/// The conditions that extend the SME exemption, as a list ending in "or".
pub fn sme_conditions(lang: Lang, share_pct: u32, growth_pct: u32, cluster: bool) -> String {
    let mut items = match lang {
        Lang::En => vec![
            format!("at least {share_pct}% local raw materials"),
            format!("staff growth of at least {growth_pct}%"),
        ],
        Lang::Km => vec![
            format!("ប្រើវត្ថុធាតុដើមក្នុងស្រុកយ៉ាងតិច {share_pct}%"),
            format!("បង្កើនចំនួនបុគ្គលិកយ៉ាងតិច {growth_pct}%"),
        ],
        Lang::Ko => vec![
            format!("현지 원자재 사용 비율 {share_pct}% 이상"),
            format!("직원 수 {growth_pct}% 이상 증가"),
        ],
    };
    if cluster {
        items.push(
            match lang {
                Lang::En => "a place in an SME cluster",
                Lang::Km => "ស្ថិតនៅក្នុងចង្កោមសហគ្រាសធុនតូច និងមធ្យម",
                Lang::Ko => "중소기업 클러스터 입주",
            }
            .to_string(),
        );
    }
    or_list(lang, &items)
}

pub fn sme_fits(
    lang: Lang,
    size: SmeSize,
    staff: u32,
    activity: &str,
    base: u8,
    extended: u8,
    conditions: &str,
) -> String {
    let size = size_name(lang, size);
    match lang {
        Lang::En => format!(
            "SME scheme (Sub-Decree 124): a {size} enterprise ({staff} staff) in a priority sector ({activity}) gets {base} years of income-tax exemption, or {extended} years with {conditions}."
        ),
        Lang::Km => format!(
            "គ្រោងការណ៍សហគ្រាសធុនតូច និងមធ្យម (អនុក្រឹត្យលេខ 124)៖ សហគ្រាស{size} (បុគ្គលិក {staff} នាក់) ក្នុងវិស័យអាទិភាព ({activity}) ទទួលបានការលើកលែងពន្ធលើប្រាក់ចំណូលរយៈពេល {base} ឆ្នាំ ឬ {extended} ឆ្នាំ ប្រសិនបើ{conditions}។"
        ),
        Lang::Ko => format!(
            "중소기업 우대 제도(시행령 제124호): 우선 분야({activity})의 {size}기업(직원 {staff}명)은 {base}년간 소득세가 면제되며, {conditions} 시 {extended}년으로 늘어납니다."
        ),
    }
}

pub fn sme_extended(
    lang: Lang,
    size: SmeSize,
    staff: u32,
    activity: &str,
    extended: u8,
    actual_pct: u32,
    share_pct: u32,
) -> String {
    let size = size_name(lang, size);
    match lang {
        Lang::En => format!(
            "SME scheme (Sub-Decree 124): a {size} enterprise ({staff} staff) in a priority sector ({activity}) using {actual_pct}% local raw materials (at least {share_pct}% needed) gets {extended} years of income-tax exemption."
        ),
        Lang::Km => format!(
            "គ្រោងការណ៍សហគ្រាសធុនតូច និងមធ្យម (អនុក្រឹត្យលេខ 124)៖ សហគ្រាស{size} (បុគ្គលិក {staff} នាក់) ក្នុងវិស័យអាទិភាព ({activity}) ដែលប្រើវត្ថុធាតុដើមក្នុងស្រុក {actual_pct}% (តម្រូវយ៉ាងតិច {share_pct}%) ទទួលបានការលើកលែងពន្ធលើប្រាក់ចំណូលរយៈពេល {extended} ឆ្នាំ។"
        ),
        Lang::Ko => format!(
            "중소기업 우대 제도(시행령 제124호): 우선 분야({activity})의 {size}기업(직원 {staff}명)은 현지 원자재 사용 비율이 {actual_pct}%(기준 {share_pct}% 이상)이므로 {extended}년간 소득세가 면제됩니다."
        ),
    }
}

pub fn sme_staff_unknown(
    lang: Lang,
    activity: &str,
    (lo, hi): (u32, u32),
    base: u8,
    extended: u8,
    conditions: &str,
) -> String {
    match lang {
        Lang::En => format!(
            "SME scheme (Sub-Decree 124): a small or medium enterprise ({lo}–{hi} staff) in this priority sector ({activity}) would get {base} years of income-tax exemption, or {extended} years with {conditions}; give the number of staff to check."
        ),
        Lang::Km => format!(
            "គ្រោងការណ៍សហគ្រាសធុនតូច និងមធ្យម (អនុក្រឹត្យលេខ 124)៖ សហគ្រាសធុនតូច ឬមធ្យម (បុគ្គលិក {lo}–{hi} នាក់) ក្នុងវិស័យអាទិភាពនេះ ({activity}) នឹងទទួលបានការលើកលែងពន្ធលើប្រាក់ចំណូលរយៈពេល {base} ឆ្នាំ ឬ {extended} ឆ្នាំ ប្រសិនបើ{conditions}។ សូមបញ្ជាក់ចំនួនបុគ្គលិក ដើម្បីពិនិត្យ។"
        ),
        Lang::Ko => format!(
            "중소기업 우대 제도(시행령 제124호): 이 우선 분야({activity})의 중소기업(직원 {lo}–{hi}명)은 {base}년간 소득세가 면제되며, {conditions} 시 {extended}년으로 늘어납니다. 확인하려면 직원 수를 입력하십시오."
        ),
    }
}

pub fn sme_wrong_size(lang: Lang, staff: u32, (lo, hi): (u32, u32)) -> String {
    match lang {
        Lang::En => format!(
            "SME scheme (Sub-Decree 124): with {staff} staff the business is not a small or medium enterprise under the scheme ({lo}–{hi} staff)."
        ),
        Lang::Km => format!(
            "គ្រោងការណ៍សហគ្រាសធុនតូច និងមធ្យម (អនុក្រឹត្យលេខ 124)៖ ដោយមានបុគ្គលិក {staff} នាក់ អាជីវកម្មនេះមិនមែនជាសហគ្រាសធុនតូច ឬមធ្យមតាមគ្រោងការណ៍នេះទេ (បុគ្គលិក {lo}–{hi} នាក់)។"
        ),
        Lang::Ko => format!(
            "중소기업 우대 제도(시행령 제124호): 직원 {staff}명으로는 이 제도의 중소기업(직원 {lo}–{hi}명)에 해당하지 않습니다."
        ),
    }
}

pub fn no_holiday(lang: Lang) -> String {
    match lang {
        Lang::En => "No income-tax exemption applies to the project as described.",
        Lang::Km => "គម្រោងនេះ តាមការពិពណ៌នា មិនទទួលបានការលើកលែងពន្ធលើប្រាក់ចំណូលទេ។",
        Lang::Ko => "설명된 조건으로는 이 사업에 소득세 면제가 적용되지 않습니다.",
    }
    .to_string()
}

pub fn ckfta(lang: Lang, activity: &str) -> String {
    match lang {
        Lang::En => format!(
            "Goods of this activity ({activity}) made in Cambodia enter Korea at preferential tariffs under the CKFTA: a fit for export to Korea."
        ),
        Lang::Km => format!(
            "ទំនិញនៃសកម្មភាពនេះ ({activity}) ដែលផលិតនៅកម្ពុជា នាំចូលទៅកូរ៉េដោយអត្រាពន្ធអនុគ្រោះក្រោម CKFTA៖ សមស្របសម្រាប់ការនាំចេញទៅកូរ៉េ។"
        ),
        Lang::Ko => format!(
            "캄보디아에서 생산된 이 업종({activity})의 상품은 CKFTA에 따라 특혜 관세로 한국에 수입되므로 대한국 수출에 적합합니다."
        ),
    }
}

pub fn in_sez(lang: Lang) -> String {
    match lang {
        Lang::En => "In a special economic zone: a one-stop customs service, with QIP incentives on the same terms as outside the zones.",
        Lang::Km => "ស្ថិតក្នុងតំបន់សេដ្ឋកិច្ចពិសេស៖ មានសេវាគយច្រកចេញចូលតែមួយ ហើយការលើកទឹកចិត្ត QIP ដូចគ្នានឹងនៅក្រៅតំបន់។",
        Lang::Ko => "경제특구 입주: 원스톱 통관 서비스를 받으며, QIP 인센티브는 특구 밖과 같은 조건으로 적용됩니다.",
    }
    .to_string()
}

pub fn sez_province(lang: Lang, province: &str, zones: &[String]) -> String {
    let zones = and_list(lang, zones);
    match lang {
        Lang::En => format!(
            "{province} hosts special economic zones (for example {zones}): a zone address adds a one-stop customs service."
        ),
        Lang::Km => format!(
            "{province} មានតំបន់សេដ្ឋកិច្ចពិសេស (ឧទាហរណ៍ {zones})៖ ទីតាំងក្នុងតំបន់ផ្តល់សេវាគយច្រកចេញចូលតែមួយបន្ថែម។"
        ),
        Lang::Ko => format!(
            "{province}에는 경제특구가 있습니다(예: {zones}). 특구에 입주하면 원스톱 통관 서비스를 추가로 받습니다."
        ),
    }
}

pub fn registration(lang: Lang, body: RegistrationBody, threshold: i64) -> String {
    let t = usd(threshold);
    match (lang, body) {
        (Lang::En, RegistrationBody::Pmis) => format!(
            "Register with the Provincial/Municipal Investment Sub-Committee (PMIS): the investment is under USD {t}."
        ),
        (Lang::En, RegistrationBody::Cdc) => format!(
            "Register with the Council for the Development of Cambodia (CDC): the investment is USD {t} or more."
        ),
        (Lang::Km, RegistrationBody::Pmis) => format!(
            "ចុះបញ្ជីនៅអនុគណៈកម្មាធិការវិនិយោគរាជធានី-ខេត្ត៖ ទុនវិនិយោគក្រោម {t} ដុល្លារអាមេរិក។"
        ),
        (Lang::Km, RegistrationBody::Cdc) => format!(
            "ចុះបញ្ជីនៅក្រុមប្រឹក្សាអភិវឌ្ឍន៍កម្ពុជា (ក.អ.ក)៖ ទុនវិនិយោគចាប់ពី {t} ដុល្លារអាមេរិកឡើងទៅ។"
        ),
        (Lang::Ko, RegistrationBody::Pmis) => format!(
            "투자금이 {t}달러 미만이므로 주·시 투자소위원회(PMIS)에 등록합니다."
        ),
        (Lang::Ko, RegistrationBody::Cdc) => format!(
            "투자금이 {t}달러 이상이므로 캄보디아개발위원회(CDC)에 등록합니다."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_have_thousands_separators() {
        assert_eq!(usd(0), "0");
        assert_eq!(usd(999), "999");
        assert_eq!(usd(1000), "1,000");
        assert_eq!(usd(2_000_000), "2,000,000");
        assert_eq!(usd(-150_000), "-150,000");
    }

    #[test]
    fn lists_read_naturally() {
        let items = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        assert_eq!(and_list(Lang::En, &items), "a, b and c");
        assert_eq!(or_list(Lang::Ko, &items[..2]), "a 또는 b");
        assert_eq!(and_list(Lang::Km, &items[..1]), "a");
    }
}
