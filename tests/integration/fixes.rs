//! `audit`, `audit --stop`, `fix budget`, `fix idle-shutdown` and
//! `iam-policy` against the emulator: what changes, what never changes
//! without consent, and what is logged.

use std::process::Output;

use aws_sdk_sagemaker::types as sm;
use serde_json::Value;

use crate::emulator::*;
use crate::live::{Seed, by_id, json, status};
use crate::util::*;

fn run(learner: &Learner, emulator: &Emulator, args: &[&str]) -> Output {
    emulator.run(learner, args)
}

/// The account as `check` sees it, without the parts that change with time.
fn state(learner: &Learner, emulator: &Emulator) -> Vec<(String, String, Value)> {
    let report = json(&run(learner, emulator, &["module5", "check", "--format", "json"]));
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let mut resources = c["resources"].clone();
            for r in resources.as_array_mut().unwrap() {
                let r = r.as_object_mut().unwrap();
                r.remove("running_seconds");
                r.remove("accrued_usd");
            }
            (
                c["id"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
                resources,
            )
        })
        .collect()
}

/// A neglected account: an app, a notebook instance, an endpoint, a
/// training job in progress; no budget, no idle shutdown.
fn neglected(emulator: &Emulator) -> (Seed, String) {
    let seed = Seed::new(emulator);
    let domain = seed.domain("course", None);
    seed.profile(&domain, "ana");
    seed.app(
        &domain,
        "ana",
        sm::AppType::KernelGateway,
        "datascience-1",
        "ml.m5.xlarge",
        9000,
    );
    seed.app(&domain, "ana", sm::AppType::JupyterServer, "default", "system", 9000);
    seed.notebook("forgotten", "ml.t3.medium", 3600);
    seed.endpoint("churn", "ml.m5.large", 1);
    (seed, domain)
}

fn app_status(seed: &Seed, domain: &str, app_type: sm::AppType, name: &str) -> String {
    let out = block_on(
        seed.sm
            .describe_app()
            .domain_id(domain)
            .user_profile_name("ana")
            .app_type(app_type)
            .app_name(name)
            .send(),
    )
    .unwrap();
    out.status().unwrap().as_str().to_string()
}

#[test]
fn audit_lists_what_bills_and_exits_1_then_0_once_stopped() {
    let emulator = Emulator::start();
    neglected(&emulator);
    let learner = Learner::new();
    let output = run(&learner, &emulator, &["module5", "audit", "--format", "json"]);
    expect_code(&output, 1);
    let audit = json(&output);
    let names: Vec<&str> = audit["running"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["datascience-1", "forgotten", "churn"],
        "the free JupyterServer is not listed"
    );
    let per_hour = audit["per_hour_usd"].as_f64().unwrap();
    // Each at the published figure of its kind's usage in the region.
    let expected: f64 = audit["running"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let figure = published_price(
                r["instance_type"].as_str().unwrap(),
                "eu-central-1",
                r["kind"].as_str().unwrap(),
            )
            .unwrap();
            assert_eq!(r["price_per_hour_usd"].as_f64(), Some(figure), "{r}");
            figure * r["count"].as_f64().unwrap()
        })
        .sum();
    assert_eq!(per_hour, round(expected));
    let hours = audit["hours_until_morning"].as_f64().unwrap();
    assert!((0.0..=24.0).contains(&hours));
    assert!((audit["by_morning_usd"].as_f64().unwrap() - per_hour * hours).abs() < 0.001);
    let text = stdout(&run(&learner, &emulator, &["module5", "audit"]));
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("KernelGateway datascience-1") && words.contains("more by 08:00 tomorrow"),
        "{text}"
    );
    // "By 08:00 tomorrow" names its zone: `--tz`, else TZ (Studio runs in UTC).
    let mut utc = learner.command(&["module5", "audit"]);
    emulator.configure(&mut utc);
    let utc = stdout(&utc.env("TZ", "UTC").output().unwrap());
    assert!(utc.contains("UTC time"), "{utc}");
    let zoned = run(
        &learner,
        &emulator,
        &["module5", "audit", "--tz", "America/Sao_Paulo", "--format", "json"],
    );
    assert_eq!(json(&zoned)["time_zone"], "America/Sao_Paulo");
    let bad = run(&learner, &emulator, &["module5", "audit", "--tz", "Mars/Olympus"]);
    expect_code(&bad, 2);
    assert!(stderr(&bad).contains("Mars/Olympus"), "{}", stderr(&bad));

    let stopped = run(
        &learner,
        &emulator,
        &["module5", "audit", "--stop", "--yes", "--include-endpoints"],
    );
    expect_code(&stopped, 0);
    let after = run(&learner, &emulator, &["module5", "audit"]);
    expect_code(&after, 0);
    let words = stdout(&after).split_whitespace().collect::<Vec<_>>().join(" ");
    // Nothing runs, but the stopped notebook instance's volume and the
    // domain's EFS still bill: never "Rest easy".
    assert!(words.contains("Nothing runs billing by the hour"), "{words}");
    assert!(!words.contains("Rest easy"), "{words}");
    assert!(
        words.contains("Still billing while stopped")
            && words.contains("notebook instance volume forgotten · 5.0 GB")
            && words.contains("domain EFS fs-"),
        "{words}"
    );
}

#[test]
fn dry_runs_change_nothing_and_log_nothing() {
    let emulator = Emulator::start();
    neglected(&emulator);
    let learner = Learner::new();
    let before = state(&learner, &emulator);
    let stop = run(
        &learner,
        &emulator,
        &["module5", "audit", "--stop", "--dry-run", "--include-endpoints"],
    );
    expect_code(&stop, 0);
    let out = stdout(&stop);
    assert!(out.contains("Dry run"), "{out}");
    assert!(
        out.contains(
            "sagemaker:DeleteApp DomainId=d-course UserProfileName=ana AppType=KernelGateway AppName=datascience-1"
        ),
        "{out}"
    );
    assert!(
        out.contains("$ aws sagemaker stop-notebook-instance --notebook-instance-name forgotten --region eu-central-1"),
        "{out}"
    );
    assert!(
        out.contains("$ aws sagemaker delete-endpoint --endpoint-name churn"),
        "{out}"
    );
    let budget = run(
        &learner,
        &emulator,
        &["module5", "fix", "budget", "--email", "ana@example.com", "--dry-run"],
    );
    expect_code(&budget, 0);
    assert!(
        stdout(&budget).contains("aws budgets create-budget --account-id 123456789012"),
        "{}",
        stdout(&budget)
    );
    let idle = run(&learner, &emulator, &["module5", "fix", "idle-shutdown", "--dry-run"]);
    expect_code(&idle, 0);
    assert!(
        stdout(&idle).contains("aws sagemaker update-domain --domain-id d-course"),
        "{}",
        stdout(&idle)
    );
    assert_eq!(state(&learner, &emulator), before, "the account is exactly as it was");
    assert!(learner.audit_log().is_empty());
}

#[test]
fn stopping_deletes_apps_and_stops_notebooks_but_never_endpoints_without_their_flag() {
    let emulator = Emulator::start();
    let (seed, domain) = neglected(&emulator);
    let learner = Learner::new();
    let output = run(&learner, &emulator, &["module5", "audit", "--stop", "--yes"]);
    expect_code(&output, 0);
    let out = stdout(&output);
    assert!(out.contains("--include-endpoints"), "{out}");
    assert!(
        out.contains("KernelGateway app d-course/ana/datascience-1 → Deleted"),
        "{out}"
    );
    assert!(out.contains("notebook instance forgotten → Stopped"), "{out}");
    assert!(out.contains("Your files stay"), "{out}");
    // Re-read the account itself.
    assert_eq!(
        app_status(&seed, &domain, sm::AppType::KernelGateway, "datascience-1"),
        "Deleted"
    );
    assert_eq!(
        app_status(&seed, &domain, sm::AppType::JupyterServer, "default"),
        "InService",
        "the free app is never touched"
    );
    let notebook = block_on(
        seed.sm
            .describe_notebook_instance()
            .notebook_instance_name("forgotten")
            .send(),
    )
    .unwrap();
    assert_eq!(notebook.notebook_instance_status().unwrap().as_str(), "Stopped");
    let endpoint = block_on(seed.sm.describe_endpoint().endpoint_name("churn").send()).unwrap();
    assert_eq!(endpoint.endpoint_status().unwrap().as_str(), "InService");
    let log = learner.audit_log();
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!(log[0]["call"], "sagemaker:DeleteApp");
    assert_eq!(log[0]["account"], ACCOUNT);
    assert_eq!(log[0]["region"], REGION);
    assert_eq!(log[1]["call"], "sagemaker:StopNotebookInstance");
    assert!(log.iter().all(|e| e["result"] == "ok"));
}

#[test]
fn nothing_changes_without_a_terminal_or_yes() {
    let emulator = Emulator::start();
    neglected(&emulator);
    let learner = Learner::new();
    let before = state(&learner, &emulator);
    for args in [
        &["module5", "audit", "--stop"][..],
        &["module5", "audit", "--stop", "--include-endpoints"][..],
        &["module5", "fix", "budget", "--email", "ana@example.com"][..],
        &["module5", "fix", "idle-shutdown"][..],
    ] {
        let output = run(&learner, &emulator, args);
        expect_code(&output, 2);
        assert!(stderr(&output).contains("--yes"), "{args:?}: {}", stderr(&output));
    }
    assert_eq!(state(&learner, &emulator), before);
    assert!(learner.audit_log().is_empty());
}

#[test]
fn a_failure_on_one_resource_is_reported_and_the_rest_are_stopped() {
    let emulator = Emulator::with(Options {
        faults: vec!["StopNotebookInstance=AccessDeniedException:400".into()],
        ..Options::default()
    });
    let (seed, domain) = neglected(&emulator);
    let learner = Learner::new();
    let output = run(
        &learner,
        &emulator,
        &["module5", "audit", "--stop", "--yes", "--include-endpoints"],
    );
    expect_code(&output, 1);
    let out = stdout(&output);
    assert!(out.contains("sagemaker:StopNotebookInstance is not allowed"), "{out}");
    assert_eq!(
        app_status(&seed, &domain, sm::AppType::KernelGateway, "datascience-1"),
        "Deleted"
    );
    assert!(out.contains("endpoint churn → Deleted"), "{out}");
    let log = learner.audit_log();
    let failed: Vec<&Value> = log.iter().filter(|e| e["result"] != "ok").collect();
    assert_eq!(failed.len(), 1, "{log:?}");
    assert_eq!(failed[0]["call"], "sagemaker:StopNotebookInstance");
}

#[test]
fn fix_budget_creates_the_course_budget_once() {
    let emulator = Emulator::start();
    let learner = Learner::new();
    let created = run(
        &learner,
        &emulator,
        &[
            "module5",
            "fix",
            "budget",
            "--email",
            "ana@example.com",
            "--amount",
            "50",
            "--yes",
        ],
    );
    expect_code(&created, 0);
    assert!(
        !stdout(&created).contains("ana@example.com"),
        "the address is masked in output"
    );
    let report = json(&run(
        &learner,
        &emulator,
        &["module5", "check", "--format", "json", "--only", "budget,budget-alerts"],
    ));
    assert_eq!(status(&report, "budget"), "pass");
    assert!(
        by_id(&report, "budget")["summary"]
            .as_str()
            .unwrap()
            .contains("limit 50.00 USD")
    );
    assert_eq!(status(&report, "budget-alerts"), "pass");
    let again = run(
        &learner,
        &emulator,
        &["module5", "fix", "budget", "--email", "ana@example.com", "--yes"],
    );
    expect_code(&again, 1);
    assert!(stdout(&again).contains("already exists"), "{}", stdout(&again));
    let log = learner.audit_log();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["call"], "budgets:ModifyBudget");
    assert!(
        !serde_json::to_string(&log).unwrap().contains("ana@example.com"),
        "no address in the log"
    );

    let no_email = run(&learner, &emulator, &["module5", "fix", "budget", "--yes"]);
    expect_code(&no_email, 2);
    assert!(stderr(&no_email).contains("--email"), "{}", stderr(&no_email));
    expect_code(
        &run(
            &learner,
            &emulator,
            &["module5", "fix", "budget", "--email", "nope", "--yes"],
        ),
        2,
    );
    expect_code(
        &run(
            &learner,
            &emulator,
            &[
                "module5", "fix", "budget", "--email", "a@b.co", "--amount", "-5", "--yes",
            ],
        ),
        2,
    );
}

#[test]
fn fix_idle_shutdown_updates_the_domain_or_a_profile_and_shows_before_and_after() {
    let emulator = Emulator::start();
    let seed = Seed::new(&emulator);
    let domain = seed.domain("course", None);
    seed.profile(&domain, "ana");
    let learner = Learner::new();
    let output = run(
        &learner,
        &emulator,
        &["module5", "fix", "idle-shutdown", "--minutes", "90", "--yes"],
    );
    expect_code(&output, 0);
    let out = stdout(&output);
    assert!(
        out.contains("Before (domain d-course): JupyterLab: off · Code Editor: off"),
        "{out}"
    );
    assert!(
        out.contains("After (domain d-course): JupyterLab: on, 90 min · Code Editor: on, 90 min"),
        "{out}"
    );
    let report = json(&run(
        &learner,
        &emulator,
        &["module5", "check", "--format", "json", "--only", "idle-shutdown"],
    ));
    assert_eq!(status(&report, "idle-shutdown"), "pass");

    let profile = run(
        &learner,
        &emulator,
        &[
            "module5",
            "fix",
            "idle-shutdown",
            "--scope",
            "user-profile",
            "--user-profile",
            "ana",
            "--yes",
        ],
    );
    expect_code(&profile, 0);
    assert!(
        stdout(&profile).contains("After (user profile d-course/ana): JupyterLab: on, 60 min"),
        "{}",
        stdout(&profile)
    );
    let log = learner.audit_log();
    let calls: Vec<&str> = log.iter().map(|e| e["call"].as_str().unwrap()).collect();
    assert_eq!(calls, ["sagemaker:UpdateDomain", "sagemaker:UpdateUserProfile"]);

    for bad in ["59", "525601", "-1"] {
        let output = run(
            &learner,
            &emulator,
            &["module5", "fix", "idle-shutdown", "--minutes", bad, "--yes"],
        );
        expect_code(&output, 2);
        assert!(stderr(&output).contains("60 to 525600"), "{}", stderr(&output));
    }
    expect_code(
        &run(
            &learner,
            &emulator,
            &["module5", "fix", "idle-shutdown", "--scope", "user-profile", "--yes"],
        ),
        2,
    );
    seed.domain("second", None);
    let which = run(&learner, &emulator, &["module5", "fix", "idle-shutdown", "--yes"]);
    expect_code(&which, 2);
    assert!(
        stderr(&which).contains("d-course") && stderr(&which).contains("d-second"),
        "{}",
        stderr(&which)
    );
}

#[test]
fn iam_policy_is_valid_json_with_read_only_actions_and_the_fixes_on_request() {
    let learner = Learner::new();
    let read_only = json(&learner.run(&["iam-policy"]));
    assert_eq!(read_only["Version"], "2012-10-17");
    let actions = read_only["Statement"][0]["Action"].as_array().unwrap();
    assert!(actions.contains(&Value::from("sagemaker:ListApps")));
    assert!(!actions.iter().any(|a| a.as_str().unwrap().contains("Delete")));
    let with_fixes = json(&learner.run(&["iam-policy", "--with-fixes"]));
    assert!(
        with_fixes["Statement"][1]["Action"]
            .as_array()
            .unwrap()
            .contains(&Value::from("sagemaker:DeleteApp"))
    );
}
