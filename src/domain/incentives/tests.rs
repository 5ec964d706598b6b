//! The cases of `shared/domain/incentives.md`, answered with the built-in rules.

use super::*;
use crate::domain::profile::PartnershipType;
use crate::domain::province::ProvinceCode;
use crate::domain::sector::{isic, IsicClass, IsicLevel};
use crate::domain::sme::{tests as sme_tests, SmeProfile};
use crate::domain::text::Lang;

fn project(
    sector: &str,
    province: Option<&str>,
    usd: Option<i64>,
    staff: Option<u32>,
) -> IncentiveInput {
    IncentiveInput {
        sector: IsicClass::parse(sector).unwrap(),
        province: province.map(|p| ProvinceCode::parse(p).unwrap()),
        investment_usd: usd,
        employees: staff,
        export_oriented: false,
        in_sez: false,
        local_raw_material_share: None,
    }
}

fn en(input: &IncentiveInput) -> IncentiveAssessment {
    assess(Rules::builtin(), input, Lang::En)
}

fn says(a: &IncentiveAssessment, needle: &str) -> bool {
    a.reasons.iter().any(|r| r.contains(needle))
}

fn cites(a: &IncentiveAssessment, needle: &str) -> bool {
    a.sources.iter().any(|s| s.contains(needle))
}

#[test]
fn cashew_processing_in_kampong_thom_is_a_group_2_qip_with_ckfta_fit() {
    let a = en(&project("1030", Some("KH-6"), Some(2_000_000), None));
    assert_eq!(a.qip_status, QipStatus::Eligible);
    assert!(a.qip_eligible && !a.negative_list);
    assert_eq!(a.group, Some(2));
    assert_eq!(a.tax_holiday_years, Some(6));
    assert_eq!(a.minimum_investment_usd, Some(500_000));
    assert_eq!(a.post_exemption_steps, vec![(25, 2), (50, 2), (75, 2)]);
    assert!(a.ckfta_export_fit);
    assert_eq!(a.registration_body, Some(RegistrationBody::Pmis));
    assert!(says(&a, "6 years"), "{:#?}", a.reasons);
    assert!(says(
        &a,
        "25% of the normal tax for 2 years, 50% for 2 years and 75% for 2 years"
    ));
    assert!(says(&a, "CKFTA"));
    assert!(cites(&a, "Sub-Decree No. 139"));
    assert!(cites(&a, "CKFTA"));
    assert!(a.indicative && a.caveat.contains("CDC"));
}

#[test]
fn software_in_phnom_penh_is_a_group_1_qip_for_nine_years() {
    let a = en(&project("6201", Some("KH-12"), Some(600_000), None));
    assert_eq!(a.qip_status, QipStatus::Eligible);
    assert_eq!((a.group, a.tax_holiday_years), (Some(1), Some(9)));
    assert_eq!(a.minimum_investment_usd, Some(500_000));
    assert!(!a.ckfta_export_fit);
    // Phnom Penh hosts an example zone; the project itself is not said to be in one.
    assert!(a.sez_province && !a.sez_location);
    assert!(says(&a, "Phnom Penh SEZ"));
}

#[test]
fn garments_in_kandal_are_a_group_3_qip_with_customs_by_orientation() {
    let mut p = project("1410", Some("KH-8"), Some(3_000_000), None);
    let a = en(&p);
    assert_eq!((a.group, a.tax_holiday_years), (Some(3), Some(3)));
    assert!(a.qip_eligible && a.ckfta_export_fit);
    assert_eq!(
        a.customs,
        vec![
            CustomsItem::ProductionEquipment,
            CustomsItem::ConstructionMaterials
        ]
    );
    p.export_oriented = true;
    let a = en(&p);
    assert_eq!(
        a.customs,
        vec![
            CustomsItem::ProductionEquipment,
            CustomsItem::ConstructionMaterials,
            CustomsItem::ProductionInputs
        ]
    );
    assert!(says(&a, "export-oriented QIP"));
    assert!(says(
        &a,
        "production equipment, construction materials and production inputs free of customs duty, special tax and VAT"
    ));
}

#[test]
fn minimart_is_on_the_negative_list_and_outside_the_sme_scheme() {
    for (province, usd, staff) in [
        (None, None, None),
        (Some("KH-12"), Some(10_000_000), Some(30)),
        (Some("KH-25"), Some(5_000), Some(12)),
    ] {
        let a = en(&project("4711", province, usd, staff));
        assert_eq!(a.qip_status, QipStatus::NegativeList);
        assert!(a.negative_list && !a.qip_eligible);
        assert_eq!(
            (a.group, a.tax_holiday_years, a.sme_scheme_years),
            (None, None, None)
        );
        assert!(a.customs.is_empty() && a.post_exemption_steps.is_empty());
        assert_eq!(a.registration_body, None);
        assert!(says(&a, "retail"), "{:#?}", a.reasons);
        assert!(says(&a, "not a priority sector of the SME scheme"));
        assert!(cites(&a, "Annex 1, Part 1"));
        assert!(cites(&a, "Sub-Decree No. 124"));
    }
}

#[test]
fn restaurant_is_on_the_negative_list() {
    let a = en(&project("5610", Some("KH-17"), Some(1_000_000), None));
    assert_eq!(a.qip_status, QipStatus::NegativeList);
    assert!(a.negative_list);
    assert!(says(&a, "restaurants"));
    assert_eq!(a.tax_holiday_years, None);
}

#[test]
fn small_food_maker_is_below_the_qip_minimum_but_in_the_sme_scheme() {
    let mut p = project("1079", None, Some(150_000), Some(30));
    let a = en(&p);
    assert_eq!(a.qip_status, QipStatus::BelowMinimum);
    assert!(!a.qip_eligible);
    assert_eq!(a.group, Some(2));
    assert_eq!(a.tax_holiday_years, None);
    assert_eq!(a.minimum_investment_usd, Some(500_000));
    assert_eq!(a.sme_size, Some(SmeSize::Small));
    assert_eq!(a.sme_scheme_years, Some(3));
    assert!(
        says(&a, "below its minimum investment of USD 500,000"),
        "{:#?}",
        a.reasons
    );
    assert!(says(&a, "or 5 years with at least 60% local raw materials"));
    assert!(!says(&a, "No income-tax exemption applies"));
    p.local_raw_material_share = Some(0.6);
    assert_eq!(en(&p).sme_scheme_years, Some(5));
    p.local_raw_material_share = Some(0.59);
    assert_eq!(en(&p).sme_scheme_years, Some(3));
}

#[test]
fn small_cosmetics_maker_gets_no_holiday_and_learns_what_size_would_qualify() {
    let a = en(&project("2023", None, Some(400_000), None));
    assert_eq!(a.qip_status, QipStatus::BelowMinimum);
    assert_eq!(a.group, Some(2));
    assert_eq!(a.minimum_investment_usd, Some(1_000_000));
    assert_eq!((a.tax_holiday_years, a.sme_scheme_years), (None, None));
    assert!(
        says(
            &a,
            "A project of at least USD 1,000,000 would qualify for 6 years"
        ),
        "{:#?}",
        a.reasons
    );
    assert!(says(&a, "not a priority sector of the SME scheme"));
    assert!(says(&a, "No income-tax exemption applies"));
}

#[test]
fn unlisted_activity_is_possibly_eligible_without_years() {
    // Rail transport: off the negative list (unlike road transport) and in no group.
    let a = en(&project("4911", None, Some(20_000_000), None));
    assert_eq!(a.qip_status, QipStatus::AskCdc);
    assert!(!a.qip_eligible && !a.negative_list);
    assert_eq!((a.group, a.tax_holiday_years), (None, None));
    assert!(says(
        &a,
        "possibly eligible, ask the Council for the Development of Cambodia"
    ));
    assert_eq!(a.registration_body, Some(RegistrationBody::Cdc));
}

#[test]
fn reasons_and_sources_are_in_the_requested_script() {
    let khmer = |s: &str| s.chars().any(|c| ('\u{1780}'..='\u{17FF}').contains(&c));
    let hangul = |s: &str| s.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c));
    let cases = [
        project("1030", Some("KH-6"), Some(2_000_000), None),
        project("6201", Some("KH-12"), Some(600_000), None),
        project("1410", Some("KH-8"), Some(3_000_000), None),
        project("4711", None, None, None),
        project("5610", None, None, None),
        project("1079", None, Some(150_000), Some(30)),
        project("2023", None, Some(400_000), None),
        project("4911", Some("KH-18"), None, Some(500)),
    ];
    for p in &cases {
        let km = assess(Rules::builtin(), p, Lang::Km);
        let ko = assess(Rules::builtin(), p, Lang::Ko);
        assert!(
            km.reasons.iter().chain(&km.sources).all(|r| khmer(r)),
            "{km:#?}"
        );
        assert!(
            ko.reasons.iter().chain(&ko.sources).all(|r| hangul(r)),
            "{ko:#?}"
        );
        assert!(khmer(&km.caveat) && hangul(&ko.caveat));
        // The numbers do not depend on the language.
        let en = en(p);
        assert_eq!(
            (km.qip_status, km.tax_holiday_years, km.sme_scheme_years),
            (en.qip_status, en.tax_holiday_years, en.sme_scheme_years)
        );
        assert_eq!(ko.reasons.len(), en.reasons.len());
    }
}

#[test]
fn facts_agree_with_assessments_for_every_class() {
    let rules = Rules::builtin();
    for node in isic().all().iter().filter(|n| n.level == IsicLevel::Class) {
        let p = project(&node.code, Some("KH-12"), Some(1_500_000), Some(40));
        let f = facts(
            rules,
            &p.sector,
            p.province.as_ref(),
            p.investment_usd,
            p.employees,
            false,
        );
        let a = assess(rules, &p, Lang::En);
        assert_eq!(f.qip, a.qip_status, "{}", node.code);
        assert_eq!(f.tax_holiday_years, a.tax_holiday_years, "{}", node.code);
        assert_eq!(f.sme_scheme_years, a.sme_scheme_years, "{}", node.code);
        assert_eq!(f.group, a.group, "{}", node.code);
        assert!(
            !a.reasons.is_empty() && !a.sources.is_empty(),
            "{}",
            node.code
        );
    }
}

#[test]
fn an_sme_is_assessed_from_its_profile() {
    let mut raw = sme_tests::raw();
    raw.capital_sought_min_usd = Some(100_000);
    raw.capital_sought_max_usd = Some(800_000);
    raw.partnership_types = vec![PartnershipType::ExportMarketAccess];
    let sme = SmeProfile::validate(raw, &sme_tests::ctx()).unwrap();
    let a = assess_sme(Rules::builtin(), &sme, Lang::En);
    // Cashew (1030) at the maximum sought, USD 800,000: a group-2 QIP, export-oriented.
    assert_eq!(a.tax_holiday_years, Some(6));
    assert!(a.customs.contains(&CustomsItem::ProductionInputs));
    assert!(!a.sez_location);
    let f = facts_sme(Rules::builtin(), &sme);
    assert_eq!(f.tax_holiday_years, Some(6));
    assert!(f.import_duty_exemption() && f.ckfta_export_fit);
    // 30 staff in food processing: the SME scheme applies too.
    assert_eq!(f.sme_scheme_years, Some(3));
    assert_eq!(f.holiday_years(), 6);
}

#[test]
fn input_validation_names_every_bad_field() {
    let raw = IncentiveInputRaw {
        sector_code: "10".into(),
        province_code: Some("KH-99".into()),
        investment_usd: Some(-1),
        employees: Some(-3),
        export_oriented: None,
        in_sez: None,
        local_raw_material_share: Some(1.5),
    };
    let err = IncentiveInput::validate(raw).unwrap_err();
    assert_eq!(
        err.fields(),
        vec![
            "input.sectorCode",
            "input.provinceCode",
            "input.investmentUsd",
            "input.employees",
            "input.localRawMaterialShare"
        ]
    );
    let ok = IncentiveInput::validate(IncentiveInputRaw {
        sector_code: "1079".into(),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(ok.province, None);
    assert!(!ok.export_oriented);
    let nan = IncentiveInputRaw {
        sector_code: "1079".into(),
        local_raw_material_share: Some(f64::NAN),
        ..Default::default()
    };
    assert!(IncentiveInput::validate(nan).is_err());
}
