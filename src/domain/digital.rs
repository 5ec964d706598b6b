//! Digital maturity: a questionnaire of concrete indicators scored into a level and 0–100.
//!
//! Tiers follow the levels in `shared/domain/README.md` (after the CDRI survey of Cambodian SMEs:
//! about 60% basic, 30% intermediate, 10% advanced). Points weigh what an indicator says about
//! day-to-day digital operations: back-office systems count more than a social-media page.

/// One yes/no question of the questionnaire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DigitalIndicator {
    SocialMedia,
    MessagingSales,
    EPayment,
    Website,
    OnlineStore,
    OnlineAdvertising,
    AccountingSoftware,
    DigitalInventory,
    Erp,
    Crm,
    EcommerceIntegration,
    CloudBackoffice,
    DataAnalytics,
    Cybersecurity,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DigitalLevel {
    Basic,
    Intermediate,
    Advanced,
}

impl DigitalLevel {
    pub const ALL: [DigitalLevel; 3] = [Self::Basic, Self::Intermediate, Self::Advanced];

    pub fn as_str(self) -> &'static str {
        match self {
            DigitalLevel::Basic => "BASIC",
            DigitalLevel::Intermediate => "INTERMEDIATE",
            DigitalLevel::Advanced => "ADVANCED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// A question: which level it evidences, its points, and its wording in en, km, ko.
#[derive(Debug, Clone, Copy)]
pub struct Question {
    pub indicator: DigitalIndicator,
    pub code: &'static str,
    pub tier: DigitalLevel,
    pub points: u32,
    pub en: &'static str,
    pub km: &'static str,
    pub ko: &'static str,
}

use DigitalIndicator as I;
use DigitalLevel as L;

/// The questionnaire; points sum to 100. Khmer and Korean wording is ours.
pub const QUESTIONNAIRE: [Question; 14] = [
    q(
        I::SocialMedia,
        "SOCIAL_MEDIA",
        L::Basic,
        5,
        "Does the business have a social-media page (e.g. Facebook, TikTok)?",
        "តើអាជីវកម្មមានទំព័របណ្ដាញសង្គម (ឧ. ហ្វេសប៊ុក តិកតុក) ដែរឬទេ?",
        "사업체가 소셜미디어 페이지(예: 페이스북, 틱톡)를 운영합니까?",
    ),
    q(
        I::MessagingSales,
        "MESSAGING_SALES",
        L::Basic,
        5,
        "Does it take orders through messaging apps (Telegram, Messenger)?",
        "តើទទួលការបញ្ជាទិញតាមកម្មវិធីផ្ញើសារ (តេឡេក្រាម មែសសិនជ័រ) ដែរឬទេ?",
        "메신저 앱(텔레그램, 메신저)으로 주문을 받습니까?",
    ),
    q(
        I::EPayment,
        "E_PAYMENT",
        L::Basic,
        10,
        "Does it accept electronic payments (KHQR/Bakong, ABA, Wing)?",
        "តើទទួលការទូទាត់តាមប្រព័ន្ធអេឡិចត្រូនិក (KHQR/បាគង ABA វីង) ដែរឬទេ?",
        "전자결제(KHQR/바콩, ABA, 윙)를 받습니까?",
    ),
    q(
        I::Website,
        "WEBSITE",
        L::Intermediate,
        8,
        "Does it run its own website?",
        "តើមានគេហទំព័រផ្ទាល់ខ្លួនដែរឬទេ?",
        "자체 웹사이트를 운영합니까?",
    ),
    q(
        I::OnlineStore,
        "ONLINE_STORE",
        L::Intermediate,
        8,
        "Does it sell through an online shop or marketplace?",
        "តើលក់តាមហាងអនឡាញ ឬទីផ្សារអនឡាញដែរឬទេ?",
        "온라인 쇼핑몰이나 오픈마켓에서 판매합니까?",
    ),
    q(
        I::OnlineAdvertising,
        "ONLINE_ADVERTISING",
        L::Intermediate,
        6,
        "Does it pay for online advertising?",
        "តើចំណាយលើការផ្សាយពាណិជ្ជកម្មអនឡាញដែរឬទេ?",
        "유료 온라인 광고를 집행합니까?",
    ),
    q(
        I::AccountingSoftware,
        "ACCOUNTING_SOFTWARE",
        L::Intermediate,
        8,
        "Does it keep its books in accounting software?",
        "តើប្រើកម្មវិធីគណនេយ្យសម្រាប់កត់ត្រាបញ្ជីដែរឬទេ?",
        "회계 소프트웨어로 장부를 관리합니까?",
    ),
    q(
        I::DigitalInventory,
        "DIGITAL_INVENTORY",
        L::Intermediate,
        8,
        "Does it track stock in a digital inventory system?",
        "តើគ្រប់គ្រងស្តុកទំនិញតាមប្រព័ន្ធឌីជីថលដែរឬទេ?",
        "디지털 재고관리 시스템을 사용합니까?",
    ),
    q(
        I::Erp,
        "ERP",
        L::Advanced,
        9,
        "Does it run an integrated ERP system?",
        "តើប្រើប្រព័ន្ធ ERP រួមបញ្ចូលគ្នាដែរឬទេ?",
        "통합 ERP 시스템을 운영합니까?",
    ),
    q(
        I::Crm,
        "CRM",
        L::Advanced,
        8,
        "Does it manage customers in a CRM?",
        "តើគ្រប់គ្រងអតិថិជនតាមប្រព័ន្ធ CRM ដែរឬទេ?",
        "CRM으로 고객을 관리합니까?",
    ),
    q(
        I::EcommerceIntegration,
        "ECOMMERCE_INTEGRATION",
        L::Advanced,
        8,
        "Are its online sales integrated with stock and accounting?",
        "តើការលក់អនឡាញភ្ជាប់ជាមួយស្តុក និងគណនេយ្យដែរឬទេ?",
        "온라인 판매가 재고·회계와 연동되어 있습니까?",
    ),
    q(
        I::CloudBackoffice,
        "CLOUD_BACKOFFICE",
        L::Advanced,
        7,
        "Does its back office run in the cloud?",
        "តើការិយាល័យខាងក្រោយដំណើរការលើក្លោដដែរឬទេ?",
        "백오피스를 클라우드에서 운영합니까?",
    ),
    q(
        I::DataAnalytics,
        "DATA_ANALYTICS",
        L::Advanced,
        6,
        "Does it analyse its sales or operations data to decide?",
        "តើវិភាគទិន្នន័យលក់ ឬប្រតិបត្តិការ ដើម្បីសម្រេចចិត្តដែរឬទេ?",
        "판매·운영 데이터를 분석해 의사결정을 합니까?",
    ),
    q(
        I::Cybersecurity,
        "CYBERSECURITY",
        L::Advanced,
        4,
        "Does it follow a cybersecurity practice (backups, two-factor login, updates)?",
        "តើអនុវត្តវិធានសន្តិសុខអ៊ីនធឺណិត (បម្រុងទុកទិន្នន័យ ការចូលពីរជំហាន ការធ្វើបច្ចុប្បន្នភាព) ដែរឬទេ?",
        "사이버보안 수칙(백업, 2단계 인증, 업데이트)을 지킵니까?",
    ),
];

#[allow(clippy::too_many_arguments)]
const fn q(
    indicator: DigitalIndicator,
    code: &'static str,
    tier: DigitalLevel,
    points: u32,
    en: &'static str,
    km: &'static str,
    ko: &'static str,
) -> Question {
    Question {
        indicator,
        code,
        tier,
        points,
        en,
        km,
        ko,
    }
}

impl DigitalIndicator {
    pub fn question(self) -> &'static Question {
        // Every indicator has exactly one question (unit-tested).
        QUESTIONNAIRE
            .iter()
            .find(|q| q.indicator == self)
            .unwrap_or(&QUESTIONNAIRE[0])
    }

    pub fn as_str(self) -> &'static str {
        self.question().code
    }

    pub fn parse(s: &str) -> Option<Self> {
        QUESTIONNAIRE
            .iter()
            .find(|q| q.code == s)
            .map(|q| q.indicator)
    }
}

/// The assessed level and score, stored with the profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DigitalAssessment {
    pub level: DigitalLevel,
    /// 0–100: the points of the indicators answered yes.
    pub score: u32,
}

/// Intermediate needs two intermediate tools (a website or shop *and* a back-office tool, say);
/// advanced needs that plus three advanced ones. A single stray "yes" does not lift a level,
/// which matches how the survey classes firms by the set of tools they actually run.
pub const INTERMEDIATE_MIN: usize = 2;
pub const ADVANCED_MIN: usize = 3;

/// The scoring rule in words, in `lang` (shown with the questionnaire).
pub fn rule_text(lang: super::text::Lang) -> String {
    use super::text::Lang;
    match lang {
        Lang::En => format!(
            "The score is the sum of the points of the indicators answered yes (100 in all). \
             INTERMEDIATE needs at least {INTERMEDIATE_MIN} intermediate indicators; \
             ADVANCED needs that and at least {ADVANCED_MIN} advanced ones; otherwise BASIC."
        ),
        Lang::Km => format!(
            "ពិន្ទុគឺជាផលបូកពិន្ទុនៃសូចនាករដែលឆ្លើយថា «បាទ/ចាស» (សរុប 100)។ \
             កម្រិតមធ្យមត្រូវការសូចនាករកម្រិតមធ្យមយ៉ាងតិច {INTERMEDIATE_MIN}។ \
             កម្រិតខ្ពស់ត្រូវការលក្ខខណ្ឌនោះ និងសូចនាករកម្រិតខ្ពស់យ៉ាងតិច {ADVANCED_MIN}។ \
             ក្រៅពីនេះ ជាកម្រិតមូលដ្ឋាន។"
        ),
        Lang::Ko => format!(
            "점수는 '예'로 답한 지표의 점수 합계입니다(총 100점). \
             중급(INTERMEDIATE)은 중급 지표가 {INTERMEDIATE_MIN}개 이상, \
             고급(ADVANCED)은 여기에 더해 고급 지표가 {ADVANCED_MIN}개 이상 필요하며, \
             그 외에는 기초(BASIC)입니다."
        ),
    }
}

/// Scores a set of indicators (duplicates count once).
pub fn assess(indicators: &[DigitalIndicator]) -> DigitalAssessment {
    let mut seen: Vec<DigitalIndicator> = indicators.to_vec();
    seen.sort();
    seen.dedup();
    let score = seen.iter().map(|i| i.question().points).sum();
    let tier_count = |t| seen.iter().filter(|i| i.question().tier == t).count();
    let intermediate = tier_count(DigitalLevel::Intermediate);
    let advanced = tier_count(DigitalLevel::Advanced);
    let level = if intermediate >= INTERMEDIATE_MIN && advanced >= ADVANCED_MIN {
        DigitalLevel::Advanced
    } else if intermediate >= INTERMEDIATE_MIN {
        DigitalLevel::Intermediate
    } else {
        DigitalLevel::Basic
    };
    DigitalAssessment { level, score }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_sum_to_100_and_codes_are_unique() {
        assert_eq!(QUESTIONNAIRE.iter().map(|q| q.points).sum::<u32>(), 100);
        for q in &QUESTIONNAIRE {
            assert_eq!(DigitalIndicator::parse(q.code), Some(q.indicator));
            assert_eq!(q.indicator.question().code, q.code);
        }
    }

    #[test]
    fn levels() {
        assert_eq!(assess(&[]).level, DigitalLevel::Basic);
        assert_eq!(assess(&[]).score, 0);
        let basic = assess(&[I::SocialMedia, I::MessagingSales, I::EPayment, I::Website]);
        assert_eq!((basic.level, basic.score), (L::Basic, 28));
        let mid = assess(&[I::SocialMedia, I::Website, I::AccountingSoftware, I::Erp]);
        assert_eq!(mid.level, L::Intermediate);
        let adv = assess(&[
            I::Website,
            I::OnlineStore,
            I::Erp,
            I::Crm,
            I::CloudBackoffice,
        ]);
        assert_eq!(adv.level, L::Advanced);
        // Advanced tools without the intermediate basics stay basic: the rule is cumulative.
        assert_eq!(assess(&[I::Erp, I::Crm, I::DataAnalytics]).level, L::Basic);
        let all: Vec<_> = QUESTIONNAIRE.iter().map(|q| q.indicator).collect();
        assert_eq!(assess(&all).score, 100);
        assert_eq!(assess(&[I::EPayment, I::EPayment]).score, 10);
    }
}
