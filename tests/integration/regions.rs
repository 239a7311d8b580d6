//! `--all-regions` and `--regions` against the emulator: what runs in other
//! regions is found, priced and stopped where it runs; regions that are not
//! enabled, denied or without SageMaker are skipped with a note, never an error.

use serde_json::Value;

use crate::emulator::*;
use crate::live::{Seed, by_id, json};
use crate::util::*;

/// Enabled for the account: three SageMaker regions, ap-east-1 (opted in but
/// denied by a policy) and a region SageMaker has no endpoint in.
const ENABLED: &str = "eu-central-1,us-east-1,ap-east-1:ENABLED,us-west-2,eu-west-9";

fn three_regions() -> Emulator {
    let emulator = Emulator::with(Options {
        enabled_regions: Some(ENABLED.into()),
        region_faults: vec!["ap-east-1=AccessDeniedException".into()],
        ..Options::default()
    });
    Seed::in_region(&emulator, "eu-central-1").notebook("frankfurt-nb", "ml.t3.medium", 3600);
    Seed::in_region(&emulator, "us-east-1").notebook("virginia-nb", "ml.m5.xlarge", 7200);
    Seed::in_region(&emulator, "us-west-2").endpoint("oregon-ep", "ml.m5.large", 2);
    emulator
}

fn regions_of(audit: &Value) -> Vec<(String, String)> {
    audit["running"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["name"].as_str().unwrap().into(), r["region"].as_str().unwrap().into()))
        .collect()
}

fn skipped(doc: &Value) -> Vec<(String, String)> {
    doc["skipped_regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["region"].as_str().unwrap().into(),
                s["reason"].as_str().unwrap().into(),
            )
        })
        .collect()
}

#[test]
fn all_regions_finds_what_runs_in_three_regions_and_skips_the_rest_with_a_note() {
    let emulator = three_regions();
    let learner = Learner::new();
    // One region, as before: only Frankfurt's notebook.
    let one = json(&emulator.run(&learner, &["module5", "audit", "--format", "json"]));
    assert_eq!(regions_of(&one), [("frankfurt-nb".into(), "eu-central-1".into())]);

    let output = emulator.run(&learner, &["module5", "audit", "--all-regions", "--format", "json"]);
    expect_code(&output, 1);
    let audit = json(&output);
    assert_eq!(
        regions_of(&audit),
        [
            ("frankfurt-nb".to_string(), "eu-central-1".to_string()),
            ("virginia-nb".into(), "us-east-1".into()),
            ("oregon-ep".into(), "us-west-2".into()),
        ]
    );
    assert_eq!(audit["region_source"], "enabled");
    assert_eq!(
        audit["regions"],
        serde_json::json!(["eu-central-1", "us-east-1", "us-west-2"])
    );
    assert_eq!(
        skipped(&audit),
        [
            ("eu-west-9".to_string(), "no-sagemaker".to_string()),
            ("ap-east-1".into(), "refused".into())
        ]
    );
    assert_eq!(
        audit["errors"],
        serde_json::json!([]),
        "a skipped region is not an error"
    );
    // Every region's prices add up, each region's own: the published
    // notebook-instance figures of eu-central-1 and us-east-1, and in
    // us-west-2, which has none, the course's figure for two instances.
    let expected = published_price("ml.t3.medium", "eu-central-1", "notebook-instance").unwrap()
        + published_price("ml.m5.xlarge", "us-east-1", "notebook-instance").unwrap()
        + 2.0 * course_price("ml.m5.large").unwrap();
    assert_eq!(published_price("ml.m5.large", "us-west-2", "endpoint"), None);
    assert_eq!(audit["per_hour_usd"].as_f64(), Some(round(expected)));

    let text = stdout(&emulator.run(&learner, &["module5", "audit", "--all-regions"]));
    let at = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("{needle:?} in:\n{text}"));
    assert!(at("eu-central-1\n") < at("frankfurt-nb") && at("frankfurt-nb") < at("us-east-1\n"));
    assert!(at("us-east-1\n") < at("virginia-nb") && at("us-west-2\n") < at("oregon-ep"));
    at("ap-east-1 skipped: the credentials were refused");
    at("eu-west-9 skipped: SageMaker AI has no endpoint there");
    at("audit --stop --all-regions");

    // The dry run names each resource's own region.
    let dry = emulator.run(
        &learner,
        &[
            "module5",
            "audit",
            "--all-regions",
            "--stop",
            "--dry-run",
            "--include-endpoints",
        ],
    );
    expect_code(&dry, 0);
    let dry = stdout(&dry);
    for command in [
        "stop-notebook-instance --notebook-instance-name frankfurt-nb --region eu-central-1",
        "stop-notebook-instance --notebook-instance-name virginia-nb --region us-east-1",
        "delete-endpoint --endpoint-name oregon-ep --region us-west-2",
    ] {
        assert!(dry.contains(command), "{command} in:\n{dry}");
    }
}

#[test]
fn without_list_regions_every_sagemaker_region_is_read_and_refusing_ones_are_skipped() {
    // account:ListRegions refused; two opt-in regions not enabled.
    let emulator = Emulator::with(Options {
        region_faults: vec![
            "af-south-1=UnrecognizedClientException".into(),
            "me-south-1=UnrecognizedClientException".into(),
        ],
        ..Options::default()
    });
    Seed::in_region(&emulator, "sa-east-1").notebook("sao-paulo-nb", "ml.t3.medium", 600);
    let learner = Learner::new();
    let output = emulator.run(&learner, &["module5", "audit", "--all-regions", "--format", "json"]);
    expect_code(&output, 1);
    let audit = json(&output);
    assert_eq!(audit["region_source"], "built-in");
    assert_eq!(
        regions_of(&audit),
        [("sao-paulo-nb".to_string(), "sa-east-1".to_string())]
    );
    assert_eq!(
        skipped(&audit),
        [
            ("af-south-1".to_string(), "refused".to_string()),
            ("me-south-1".into(), "refused".into())
        ]
    );
    assert_eq!(audit["regions"].as_array().unwrap().len(), 32);
    let text = stdout(&emulator.run(&learner, &["--lang", "pt", "module5", "audit", "--all-regions"]));
    assert!(text.contains("account:ListRegions não pôde ser lido"), "{text}");
    assert!(text.contains("af-south-1 pulada"), "{text}");
}

#[test]
fn stop_acts_in_each_resources_own_region_and_nowhere_else() {
    let emulator = three_regions();
    let learner = Learner::new();
    let output = emulator.run(
        &learner,
        &[
            "module5",
            "audit",
            "--regions",
            "us-east-1,us-west-2",
            "--stop",
            "--yes",
            "--include-endpoints",
            "--wait",
            "30",
        ],
    );
    expect_code(&output, 0);
    let notebook = |region: &str, name: &str| {
        let seed = Seed::in_region(&emulator, region);
        block_on(seed.sm.describe_notebook_instance().notebook_instance_name(name).send())
            .unwrap()
            .notebook_instance_status()
            .unwrap()
            .as_str()
            .to_string()
    };
    assert_eq!(notebook("us-east-1", "virginia-nb"), "Stopped");
    assert_eq!(notebook("eu-central-1", "frankfurt-nb"), "InService", "not asked for");
    let endpoints = block_on(Seed::in_region(&emulator, "us-west-2").sm.list_endpoints().send()).unwrap();
    assert!(endpoints.endpoints().is_empty(), "{endpoints:?}");
    // Each change is logged with the region it was made in.
    let log = std::fs::read_to_string(learner.home().join("audit.log")).unwrap();
    let regions: Vec<String> = log
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["region"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(regions, ["us-east-1", "us-west-2"]);

    let after = emulator.run(&learner, &["module5", "audit", "--regions", "us-east-1,us-west-2"]);
    expect_code(&after, 0);
    let words = stdout(&after).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("2 regions: us-east-1, us-west-2"), "{words}");
}

#[test]
fn check_covers_running_resources_in_every_region_with_each_fix_in_its_region() {
    let emulator = three_regions();
    let learner = Learner::new();
    let output = emulator.run(
        &learner,
        &[
            "module5",
            "check",
            "--format",
            "json",
            "--regions",
            "eu-central-1,us-east-1,ap-east-1",
        ],
    );
    expect_code(&output, 1);
    let report = json(&output);
    let notebooks = by_id(&report, "notebook-instances");
    assert_eq!(notebooks["status"], "fail");
    let found: Vec<(&str, &str)> = notebooks["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["name"].as_str().unwrap(), r["region"].as_str().unwrap()))
        .collect();
    assert_eq!(found, [("frankfurt-nb", "eu-central-1"), ("virginia-nb", "us-east-1")]);
    let commands = notebooks["remediation"]["commands"].as_array().unwrap();
    assert!(
        commands[0]
            .as_str()
            .unwrap()
            .ends_with("frankfurt-nb --region eu-central-1")
    );
    assert!(
        commands[1]
            .as_str()
            .unwrap()
            .ends_with("virginia-nb --region us-east-1")
    );
    // The denied region is a note, not an error; us-west-2 was not asked for.
    assert_eq!(by_id(&report, "endpoints")["status"], "pass");
    assert_eq!(
        report["sweep"]["regions"],
        serde_json::json!(["eu-central-1", "us-east-1"])
    );
    assert_eq!(
        skipped(&report["sweep"]),
        [("ap-east-1".to_string(), "refused".to_string())]
    );
}

#[test]
fn a_name_that_is_not_a_region_is_a_usage_error() {
    let learner = Learner::new();
    for args in [
        &["module5", "audit", "--regions", "eu-central-1,frankfurt"][..],
        &["module5", "check", "--regions", "EU central 1"][..],
        &["module5", "check", "--sandbox", "--all-regions"][..],
        &["module5", "audit", "--all-regions", "--regions", "us-east-1"][..],
    ] {
        let output = learner.run(args);
        expect_code(&output, 2);
    }
    let output = learner.run(&["module5", "audit", "--regions", "eu-central-1,frankfurt"]);
    assert!(
        stderr(&output).contains("`frankfurt` is not a region name"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_sweep_that_reads_no_region_promises_nothing_and_an_expired_session_skips_none() {
    let emulator = Emulator::with(Options {
        region_faults: vec![
            "us-east-1=AccessDeniedException".into(),
            "ap-south-1=ExpiredTokenException".into(),
        ],
        ..Options::default()
    });
    Seed::in_region(&emulator, "eu-central-1").notebook("frankfurt-nb", "ml.t3.medium", 3600);
    let learner = Learner::new();
    // The only region asked for refuses: no "rest easy", exit 1.
    let output = emulator.run(&learner, &["module5", "audit", "--regions", "us-east-1"]);
    expect_code(&output, 1);
    let text = stdout(&output);
    assert!(text.contains("No region could be read"), "{text}");
    assert!(!text.contains("Rest easy"), "{text}");
    // check: an error for what was asked, never the configured region's result.
    let output = emulator.run(
        &learner,
        &[
            "module5",
            "check",
            "--format",
            "json",
            "--regions",
            "us-east-1",
            "--only",
            "notebook-instances",
        ],
    );
    expect_code(&output, 1);
    let report = json(&output);
    let notebooks = by_id(&report, "notebook-instances");
    assert_eq!(notebooks["status"], "error", "{notebooks}");
    assert_eq!(
        notebooks["resources"],
        serde_json::json!([]),
        "frankfurt-nb was not asked for"
    );
    // An expired session is no region's doing: an error, never a skip.
    let output = emulator.run(
        &learner,
        &[
            "module5",
            "audit",
            "--regions",
            "eu-central-1,ap-south-1",
            "--format",
            "json",
        ],
    );
    expect_code(&output, 1);
    let audit = json(&output);
    assert_eq!(skipped(&audit), []);
    let errors = audit["errors"].as_array().unwrap();
    assert!(
        !errors.is_empty() && errors.iter().all(|e| e["region"] == "ap-south-1"),
        "{audit}"
    );
}
