//! The `incentives` query over HTTP: the cases of `shared/domain/incentives.md`, languages, bad
//! input, rules replaced with `--rules FILE`, and `khkr-match rules check`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{bin, error_code, TestServer};
use serde_json::{json, Value};

const QUERY: &str = "query($input: IncentiveInput!, $lang: Lang) {
  incentives(input: $input, lang: $lang) {
    qipStatus qipEligible negativeList group activity taxHolidayYears smeSchemeYears smeSize
    minimumInvestmentUsd postExemptionSteps { percentOfNormalTax years } customsExemptions
    ckftaExportFit sezLocation sezProvince registrationBody reasons sources notes caveat
    indicative rulesVersion
  }
}";

fn ask(s: &TestServer, input: Value, lang: &str) -> Value {
    s.ok(QUERY, json!({ "input": input, "lang": lang }))["incentives"].clone()
}

fn reasons(a: &Value) -> String {
    a["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .map(|r| r.as_str().expect("text"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn builtin_rules_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/incentive_rules.json")
}

fn builtin_rules() -> Value {
    let text = std::fs::read_to_string(builtin_rules_path()).expect("built-in rules file");
    serde_json::from_str(&text).expect("JSON")
}

/// Runs the binary to completion, failing the test if it runs for more than a minute (a server
/// that should have refused to start and did not).
fn run(args: &[&str]) -> Output {
    let mut child = Command::new(bin())
        .args(args)
        .env_remove("KHKR_RULES")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn khkr-match");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("khkr-match {args:?} did not exit");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("output")
}

#[test]
fn every_case_of_the_table_in_english() {
    let s = TestServer::start();

    // Cashew processing, Kampong Thom, USD 2,000,000.
    let a = ask(
        &s,
        json!({ "sectorCode": "1030", "provinceCode": "KH-6", "investmentUsd": 2_000_000 }),
        "EN",
    );
    assert_eq!(a["qipStatus"], "ELIGIBLE");
    assert_eq!(a["qipEligible"], true);
    assert_eq!(a["group"], 2);
    assert_eq!(a["taxHolidayYears"], 6);
    assert_eq!(
        a["postExemptionSteps"],
        json!([
            { "percentOfNormalTax": 25, "years": 2 },
            { "percentOfNormalTax": 50, "years": 2 },
            { "percentOfNormalTax": 75, "years": 2 }
        ])
    );
    assert_eq!(a["ckftaExportFit"], true);
    assert_eq!(a["registrationBody"], "PMIS");
    assert_eq!(a["indicative"], true);
    assert!(a["caveat"].as_str().unwrap().contains("not legal advice"));
    assert!(reasons(&a).contains("CKFTA"));
    assert!(a["sources"].to_string().contains("Sub-Decree No. 139"));

    // Software, Phnom Penh, USD 600,000.
    let a = ask(
        &s,
        json!({ "sectorCode": "6201", "provinceCode": "KH-12", "investmentUsd": 600_000 }),
        "EN",
    );
    assert_eq!(a["qipEligible"], true);
    assert_eq!(a["group"], 1);
    assert_eq!(a["taxHolidayYears"], 9);
    assert_eq!(a["sezProvince"], true);
    assert_eq!(a["sezLocation"], false);

    // Garments, Kandal, USD 3,000,000: customs by orientation.
    let garments =
        json!({ "sectorCode": "1410", "provinceCode": "KH-8", "investmentUsd": 3_000_000 });
    let a = ask(&s, garments.clone(), "EN");
    assert_eq!(
        (a["group"].clone(), a["taxHolidayYears"].clone()),
        (json!(3), json!(3))
    );
    assert_eq!(
        a["customsExemptions"],
        json!(["PRODUCTION_EQUIPMENT", "CONSTRUCTION_MATERIALS"])
    );
    let mut exporting = garments;
    exporting["exportOriented"] = json!(true);
    let a = ask(&s, exporting, "EN");
    assert_eq!(
        a["customsExemptions"],
        json!([
            "PRODUCTION_EQUIPMENT",
            "CONSTRUCTION_MATERIALS",
            "PRODUCTION_INPUTS"
        ])
    );
    assert!(reasons(&a).contains("export-oriented QIP"));

    // Minimart: negative list, and the SME scheme does not cover retail either.
    for input in [
        json!({ "sectorCode": "4711" }),
        json!({ "sectorCode": "4711", "provinceCode": "KH-3", "investmentUsd": 9_000_000, "employees": 40 }),
    ] {
        let a = ask(&s, input, "EN");
        assert_eq!(a["qipStatus"], "NEGATIVE_LIST");
        assert_eq!(a["negativeList"], true);
        assert_eq!(a["qipEligible"], false);
        assert_eq!(a["taxHolidayYears"], Value::Null);
        assert_eq!(a["smeSchemeYears"], Value::Null);
        let r = reasons(&a);
        assert!(
            r.contains("retail") && r.contains("not a priority sector of the SME scheme"),
            "{r}"
        );
    }

    // Restaurant.
    let a = ask(&s, json!({ "sectorCode": "5610" }), "EN");
    assert_eq!(a["negativeList"], true);
    assert!(reasons(&a).contains("restaurants"));

    // Food products, 30 staff, USD 150,000: below the QIP minimum, SME scheme 3 years (5 with
    // at least 60% local raw materials).
    let food = json!({ "sectorCode": "1079", "investmentUsd": 150_000, "employees": 30 });
    let a = ask(&s, food.clone(), "EN");
    assert_eq!(a["qipStatus"], "BELOW_MINIMUM");
    assert_eq!(a["minimumInvestmentUsd"], 500_000);
    assert_eq!(a["taxHolidayYears"], Value::Null);
    assert_eq!(a["smeSchemeYears"], 3);
    assert_eq!(a["smeSize"], "SMALL");
    assert!(reasons(&a).contains("USD 500,000"));
    let mut local = food;
    local["localRawMaterialShare"] = json!(0.7);
    assert_eq!(ask(&s, local, "EN")["smeSchemeYears"], 5);

    // Cosmetics, USD 400,000: below USD 1,000,000, not an SME-scheme sector, no holiday.
    let a = ask(
        &s,
        json!({ "sectorCode": "2023", "investmentUsd": 400_000 }),
        "EN",
    );
    assert_eq!(a["qipStatus"], "BELOW_MINIMUM");
    assert_eq!(a["minimumInvestmentUsd"], 1_000_000);
    assert_eq!(a["taxHolidayYears"], Value::Null);
    assert_eq!(a["smeSchemeYears"], Value::Null);
    let r = reasons(&a);
    assert!(
        r.contains("A project of at least USD 1,000,000 would qualify"),
        "{r}"
    );
    assert!(r.contains("No income-tax exemption applies"), "{r}");

    // Default language is English.
    let data = s.ok(
        "{ incentives(input: { sectorCode: \"5610\" }) { reasons rulesVersion } }",
        json!({}),
    );
    assert!(data["incentives"]["reasons"][0]
        .as_str()
        .unwrap()
        .starts_with("ISIC 5610"));
    assert_eq!(data["incentives"]["rulesVersion"], "2025.1");
}

#[test]
fn answers_in_khmer_and_korean_are_in_their_scripts() {
    let s = TestServer::start();
    let khmer = |t: &str| t.chars().any(|c| ('\u{1780}'..='\u{17FF}').contains(&c));
    let hangul = |t: &str| t.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c));
    for input in [
        json!({ "sectorCode": "1030", "provinceCode": "KH-6", "investmentUsd": 2_000_000 }),
        json!({ "sectorCode": "1079", "investmentUsd": 150_000, "employees": 30 }),
        json!({ "sectorCode": "4711" }),
    ] {
        let km = ask(&s, input.clone(), "KM");
        let ko = ask(&s, input.clone(), "KO");
        let en = ask(&s, input, "EN");
        for field in ["reasons", "sources"] {
            let km_texts = km[field].as_array().unwrap();
            let ko_texts = ko[field].as_array().unwrap();
            assert!(!km_texts.is_empty());
            assert!(
                km_texts.iter().all(|t| khmer(t.as_str().unwrap())),
                "{km:#}"
            );
            assert!(
                ko_texts.iter().all(|t| hangul(t.as_str().unwrap())),
                "{ko:#}"
            );
        }
        assert!(khmer(km["caveat"].as_str().unwrap()));
        assert!(hangul(ko["caveat"].as_str().unwrap()));
        // Same verdict whatever the language.
        for field in ["qipStatus", "taxHolidayYears", "smeSchemeYears", "group"] {
            assert_eq!(km[field], en[field]);
            assert_eq!(ko[field], en[field]);
        }
    }
}

#[test]
fn bad_input_is_refused_naming_the_field() {
    let s = TestServer::start();
    for (input, field) in [
        (json!({ "sectorCode": "9999" }), "input.sectorCode"),
        (json!({ "sectorCode": "10" }), "input.sectorCode"),
        (
            json!({ "sectorCode": "1079", "provinceCode": "KH-99" }),
            "input.provinceCode",
        ),
        (
            json!({ "sectorCode": "1079", "investmentUsd": -5 }),
            "input.investmentUsd",
        ),
        (
            json!({ "sectorCode": "1079", "employees": -1 }),
            "input.employees",
        ),
        (
            json!({ "sectorCode": "1079", "localRawMaterialShare": 1.5 }),
            "input.localRawMaterialShare",
        ),
        (
            json!({ "sectorCode": "1079", "localRawMaterialShare": -0.1 }),
            "input.localRawMaterialShare",
        ),
    ] {
        let body = s.gql(QUERY, json!({ "input": input, "lang": "EN" }));
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body:#}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body:#}");
    }
    // A division is not a project's sector: the message says which level it is.
    let body = s.gql(QUERY, json!({ "input": { "sectorCode": "10" } }));
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("division"));
    // Every bad field at once.
    let body = s.gql(
        QUERY,
        json!({ "input": { "sectorCode": "X", "provinceCode": "nowhere", "investmentUsd": -1 } }),
    );
    assert_eq!(
        body["errors"][0]["extensions"]["fields"],
        json!([
            "input.sectorCode",
            "input.provinceCode",
            "input.investmentUsd"
        ])
    );
    // An unknown language is the engine's to refuse, with the same code.
    let body = s.gql(
        QUERY,
        json!({ "input": { "sectorCode": "1079" }, "lang": "FR" }),
    );
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body:#}");
}

#[test]
fn a_rules_file_replaces_the_builtin_rules_without_a_rebuild() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut rules = builtin_rules();
    rules["version"] = json!("test-2");
    // Group 2 (food) becomes 7 years from USD 3,000,000.
    let group2 = &mut rules["tax_exemption"]["groups"][1];
    assert_eq!(group2["group"], 2);
    group2["years"] = json!(7);
    assert_eq!(group2["activities"][0]["id"], "food-processing");
    group2["activities"][0]["minimum_investment_usd"] = json!(3_000_000);
    let path = tmp.path().join("rules.json");
    std::fs::write(&path, serde_json::to_string_pretty(&rules).unwrap()).expect("write rules");

    let s = TestServer::start_with(&["--rules", path.to_str().expect("UTF-8 path")]);
    let cashew =
        json!({ "sectorCode": "1030", "provinceCode": "KH-6", "investmentUsd": 2_000_000 });
    let a = ask(&s, cashew, "EN");
    assert_eq!(a["rulesVersion"], "test-2");
    assert_eq!(a["qipStatus"], "BELOW_MINIMUM");
    assert_eq!(a["minimumInvestmentUsd"], 3_000_000);
    assert!(
        reasons(&a).contains("would qualify for 7 years"),
        "{}",
        reasons(&a)
    );
    let a = ask(
        &s,
        json!({ "sectorCode": "1030", "investmentUsd": 3_000_000 }),
        "EN",
    );
    assert_eq!(a["taxHolidayYears"], 7);
    // Untouched rules answer as before.
    let a = ask(
        &s,
        json!({ "sectorCode": "6201", "investmentUsd": 600_000 }),
        "EN",
    );
    assert_eq!(a["taxHolidayYears"], 9);
}

#[test]
fn an_invalid_rules_file_stops_the_start_with_a_clear_message() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut rules = builtin_rules();
    rules["negative_list"]["rules"][0]["isic"][0] = json!("4X");
    let bad = tmp.path().join("bad-rules.json");
    std::fs::write(&bad, rules.to_string()).expect("write rules");
    let db = tmp.path().join("khkr.db");
    let serve = |rules_file: &Path| {
        run(&[
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            &format!("sqlite:{}", db.display()),
            "--index-dir",
            tmp.path().join("index").to_str().unwrap(),
            "--rules",
            rules_file.to_str().unwrap(),
        ])
    };

    let out = serve(&bad);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad-rules.json"), "{stderr}");
    assert!(stderr.contains("negative_list/commerce"), "{stderr}");
    assert!(
        stderr.contains("\"4X\" is not an ISIC Rev.4 code"),
        "{stderr}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("listening on"));
    // Refused before anything was opened.
    assert!(!db.exists());

    let out = serve(&tmp.path().join("missing.json"));
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot read the rules file") && stderr.contains("missing.json"),
        "{stderr}"
    );
}

#[test]
fn rules_check_validates_a_file_and_names_its_problems() {
    let builtin = builtin_rules_path();
    let out = run(&["rules", "check", builtin.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("is valid"), "{stdout}");
    assert!(
        stdout.contains("version 2025.1, effective 2023-06-26 (indicative)"),
        "{stdout}"
    );
    assert!(stdout.contains("negative list: 11 rules"), "{stdout}");
    assert!(
        stdout.contains("tax-exemption group 1: 9 years"),
        "{stdout}"
    );
    assert!(stdout.contains("SEZ examples: 5"), "{stdout}");

    let tmp = tempfile::tempdir().expect("temp dir");
    let mut rules = builtin_rules();
    rules["tax_exemption"]["groups"][1]["activities"][2]["isic"] = json!(["20", "1200"]);
    rules["sez"]["examples"][4]["province"] = json!("KH-30");
    let broken = tmp.path().join("broken.json");
    std::fs::write(&broken, rules.to_string()).expect("write rules");
    let out = run(&["rules", "check", broken.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("broken.json"), "{stderr}");
    assert!(
        stderr.contains("tax_exemption/group 2/chemicals-cosmetics")
            && stderr.contains("ISIC 1200 is already listed in negative_list/tobacco"),
        "{stderr}"
    );
    assert!(
        stderr.contains("sez/examples/koh-kong-sez") && stderr.contains("KH-30"),
        "{stderr}"
    );

    std::fs::write(&broken, "{ not json").expect("write");
    let out = run(&["rules", "check", broken.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 1"));
}
