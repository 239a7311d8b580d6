//! `module5 tasks` and `module5 verify` end to end against the AWS emulator:
//! every evidence rule on an empty account, a notebook started and running,
//! started and deleted, and started before the module.

use std::process::Output;

use aws_sdk_sagemaker::types as sm;
use serde_json::Value;

use crate::emulator::*;
use crate::live::{Seed, json};
use crate::util::*;

/// A learner who began the module `minutes_ago`.
fn learner_began(minutes_ago: u64) -> Learner {
    let learner = Learner::new();
    let began = std::time::SystemTime::now() - std::time::Duration::from_secs(minutes_ago * 60);
    let began = humantime::format_rfc3339_seconds(began).to_string();
    std::fs::create_dir_all(learner.home()).unwrap();
    std::fs::write(
        learner.progress_path(),
        format!(r#"{{"version": 2, "modules": {{"module5": {{"started_at": "{began}"}}}}}}"#),
    )
    .unwrap();
    learner
}

fn verify(learner: &Learner, emulator: &Emulator, args: &[&str]) -> Output {
    let mut all = vec!["module5", "verify"];
    all.extend_from_slice(args);
    let mut cmd = learner.command(&all);
    emulator.configure(&mut cmd);
    cmd.output().unwrap()
}

fn item<'a>(v: &'a Value, id: &str) -> &'a Value {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no item {id} in {v}"))
}

fn checklist(learner: &Learner) -> Value {
    let progress: Value = serde_json::from_str(&std::fs::read_to_string(learner.progress_path()).unwrap()).unwrap();
    progress["modules"]["module5"]["checklist"].clone()
}

/// A Studio domain with a JupyterLab space for ana.
fn studio(seed: &Seed) -> String {
    let domain = seed.domain("course", None);
    seed.profile(&domain, "ana");
    seed.space(&domain, "lab", "ana");
    domain
}

#[test]
fn an_empty_account_proves_nothing_and_passing_checks_do_not_tick_the_stop() {
    let emulator = Emulator::start();
    studio(&Seed::new(&emulator));
    let learner = learner_began(30);
    // The checks pass (nothing runs)…
    let mut cmd = learner.command(&["module5", "check", "--only", "studio-apps,notebook-instances"]);
    emulator.configure(&mut cmd);
    expect_code(&cmd.output().unwrap(), 0);
    // …yet nothing was started, so nothing is proven.
    let output = verify(&learner, &emulator, &["--format", "json"]);
    expect_code(&output, 1);
    let v = json(&output);
    assert_eq!(v["account"], ACCOUNT);
    for id in ["start-notebook", "stop-instances", "cost-optimization"] {
        assert_eq!(item(&v, id)["proven"], false, "{id}");
    }
    assert!(checklist(&learner).as_object().is_none_or(|c| c.is_empty()));
    let output = verify(&learner, &emulator, &["stop-instances"]);
    expect_code(&output, 1);
    let text = stdout(&output);
    assert!(text.contains("not proven yet"), "{text}");
    assert!(text.contains("aws sagemaker delete-app"), "the steps say how: {text}");
}

#[test]
fn a_notebook_started_and_running_proves_the_start_and_not_the_stop() {
    let emulator = Emulator::start();
    let seed = Seed::new(&emulator);
    let domain = studio(&seed);
    seed.app(
        &domain,
        "space:lab",
        sm::AppType::JupyterLab,
        "default",
        "ml.t3.medium",
        600,
    );
    let learner = learner_began(30);

    let output = verify(&learner, &emulator, &["start-notebook"]);
    expect_code(&output, 0);
    let text = stdout(&output);
    assert!(
        text.contains("Started: JupyterLab “lab/default” on ml.t3.medium"),
        "{text}"
    );
    assert!(
        text.contains("Checklist ticked: I can start a notebook on a specific instance"),
        "{text}"
    );
    let tick = &checklist(&learner)["start-notebook"];
    assert_eq!(tick["evidence"]["kind"], "task", "{tick}");
    assert_eq!(tick["evidence"]["account"], ACCOUNT);
    assert_eq!(tick["evidence"]["proofs"][0]["kind"], "JupyterLab");
    assert_eq!(tick["evidence"]["proofs"][0]["instance_type"], "ml.t3.medium");
    assert!(tick["evidence"]["proofs"][0]["created_at"].is_string());

    let output = verify(&learner, &emulator, &["stop-instances", "--format", "json"]);
    expect_code(&output, 1);
    let v = json(&output);
    let task = &item(&v, "stop-instances")["tasks"][0];
    assert_eq!(task["proven"], false);
    assert!(
        task["problems"][0]
            .as_str()
            .unwrap()
            .contains("JupyterLab app d-course/lab/default"),
        "{task}"
    );

    // The task list shows the start proven, with its evidence.
    let output = learner.run(&["module5", "tasks"]);
    expect_code(&output, 0);
    let text = stdout(&output);
    assert!(
        text.contains("✔ Start a notebook on an instance you choose (start-notebook)"),
        "{text}"
    );
    assert!(text.contains("✘ Stop what you started"), "{text}");
    // The report for the instructor names the kind of evidence.
    let out = learner.home().join("report.json");
    expect_code(&learner.run(&["module5", "report", "--out", out.to_str().unwrap()]), 0);
    let report: Value = serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    let start = report["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "start-notebook")
        .unwrap();
    assert_eq!(start["evidence"], "task");
}

#[test]
fn a_notebook_started_and_deleted_proves_both_start_and_stop() {
    let emulator = Emulator::start();
    let seed = Seed::new(&emulator);
    let domain = studio(&seed);
    seed.app(
        &domain,
        "space:lab",
        sm::AppType::JupyterLab,
        "default",
        "ml.t3.medium",
        900,
    );
    block_on(
        seed.sm
            .delete_app()
            .domain_id(&domain)
            .space_name("lab")
            .app_type(sm::AppType::JupyterLab)
            .app_name("default")
            .send(),
    )
    .unwrap();
    let learner = learner_began(30);
    let output = verify(&learner, &emulator, &["--format", "json"]);
    // cost-optimization is not proven (no budget), so the whole run exits 1.
    expect_code(&output, 1);
    let v = json(&output);
    assert_eq!(item(&v, "start-notebook")["proven"], true);
    assert_eq!(item(&v, "stop-instances")["proven"], true);
    assert_eq!(item(&v, "cost-optimization")["proven"], false);
    let ticks = checklist(&learner);
    assert_eq!(ticks["stop-instances"]["evidence"]["kind"], "task");
    assert_eq!(ticks["stop-instances"]["evidence"]["tasks"][0], "stop-notebook");
    // Asked for the stop alone, it is proven: exit 0.
    expect_code(&verify(&learner, &emulator, &["stop-instances"]), 0);
}

#[test]
fn a_notebook_started_before_the_module_does_not_count_and_the_sandbox_never_ticks() {
    let emulator = Emulator::start();
    let seed = Seed::new(&emulator);
    let domain = studio(&seed);
    // Three days ago; the learner began an hour ago.
    seed.app(
        &domain,
        "space:lab",
        sm::AppType::JupyterLab,
        "default",
        "ml.t3.medium",
        3 * 86400,
    );
    seed.notebook("old-notebook", "ml.t3.medium", 3 * 86400);
    let learner = learner_began(60);
    let output = verify(&learner, &emulator, &["start-notebook", "--format", "json"]);
    expect_code(&output, 1);
    assert_eq!(item(&json(&output), "start-notebook")["proven"], false);

    // The clean practice account proves the start and the stop, but never ticks.
    let output = learner.run(&["module5", "verify", "--sandbox", "clean"]);
    let text = stdout(&output);
    assert!(text.contains("never ticks the checklist"), "{text}");
    assert!(!text.contains("Checklist ticked"), "{text}");
    assert!(checklist(&learner).as_object().is_none_or(|c| c.is_empty()));
}

#[test]
fn an_unknown_item_or_no_credentials_cannot_run() {
    let learner = Learner::new();
    let output = learner.run(&["module5", "verify", "families"]);
    expect_code(&output, 2);
    assert!(
        stderr(&output).contains("start-notebook, stop-instances, cost-optimization"),
        "{}",
        stderr(&output)
    );
    // A task's id names the item it proves.
    let output = learner
        .command(&["module5", "verify", "stop-notebook"])
        .env("AWS_CONFIG_FILE", "/nonexistent/aws-config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials")
        .env("AWS_REGION", REGION)
        .env("HOME", learner.dir.path())
        .output()
        .unwrap();
    expect_code(&output, 2);
    assert!(stderr(&output).contains("no AWS credentials"), "{}", stderr(&output));
}

#[test]
fn a_notebook_instance_started_then_stopped_proves_both_and_tasks_lists_them() {
    let emulator = Emulator::start();
    let seed = Seed::new(&emulator);
    seed.notebook("course-nb", "ml.t3.medium", 300);
    let learner = learner_began(30);
    let output = verify(&learner, &emulator, &["stop-instances", "--format", "json"]);
    expect_code(&output, 1);
    let v = json(&output);
    let task = &item(&v, "stop-instances")["tasks"][0];
    assert!(
        task["problems"][0]
            .as_str()
            .unwrap()
            .contains("notebook instance course-nb"),
        "{task}"
    );
    block_on(
        seed.sm
            .stop_notebook_instance()
            .notebook_instance_name("course-nb")
            .send(),
    )
    .unwrap();
    let output = verify(&learner, &emulator, &["--format", "json"]);
    let v = json(&output);
    assert_eq!(item(&v, "start-notebook")["proven"], true, "{v}");
    assert_eq!(item(&v, "stop-instances")["proven"], true, "{v}");
    let proof = &item(&v, "stop-instances")["tasks"][0]["proof"];
    assert_eq!(proof["kind"], "NotebookInstance");
    assert_eq!(proof["name"], "course-nb");
    assert_eq!(proof["instance_type"], "ml.t3.medium");

    let output = learner.run(&["module5", "tasks", "--format", "json"]);
    expect_code(&output, 0);
    let list = json(&output);
    let proven: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["proven"] == true)
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(proven, ["start-notebook", "stop-notebook"]);
    assert_eq!(list[0]["evidence"]["account"], ACCOUNT);
    assert_eq!(list[0]["evidence"]["proof"]["name"], "course-nb");
}
