//! `teardown` against the emulator, on the issue's account: a domain with
//! its home EFS, two user profiles, a shared and a private space (the private
//! one with a running JupyterLab app), a stopped notebook instance. Each
//! level, AWS's order and refusals, a dry run that changes nothing, a run
//! stopped half-way (a refused call, Ctrl-C, a killed process) and run
//! again, the session's own resources kept inside Studio, the new task
//! proven, and the confirmations on a terminal.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use aws_sdk_sagemaker::types as sm;
use serde_json::Value;

use crate::emulator::*;
use crate::live::{Seed, json};
use crate::util::*;

const DOMAIN: &str = "d-course";

/// The issue's account. Returns the seed and the domain's home EFS id.
fn issue_account(emulator: &Emulator) -> (Seed, String) {
    let seed = Seed::new(emulator);
    let domain = seed.domain("course", None);
    assert_eq!(domain, DOMAIN);
    seed.profile(DOMAIN, "ana");
    seed.profile(DOMAIN, "bruno");
    seed.space(DOMAIN, "ana-lab", "ana");
    block_on(
        seed.sm
            .create_space()
            .domain_id(DOMAIN)
            .space_name("team")
            .ownership_settings(
                sm::OwnershipSettings::builder()
                    .owner_user_profile_name("bruno")
                    .build(),
            )
            .space_sharing_settings(
                sm::SpaceSharingSettings::builder()
                    .sharing_type(sm::SharingType::Shared)
                    .build(),
            )
            .space_settings(sm::SpaceSettings::builder().app_type(sm::AppType::JupyterLab).build())
            .send(),
    )
    .unwrap();
    seed.app(
        DOMAIN,
        "space:ana-lab",
        sm::AppType::JupyterLab,
        "default",
        "ml.t3.medium",
        3600,
    );
    seed.notebook("nb-old", "ml.t3.medium", 7200);
    block_on(seed.sm.stop_notebook_instance().notebook_instance_name("nb-old").send()).unwrap();
    let efs = home_efs(&seed);
    (seed, efs)
}

fn home_efs(seed: &Seed) -> String {
    block_on(seed.sm.describe_domain().domain_id(DOMAIN).send())
        .unwrap()
        .home_efs_file_system_id()
        .unwrap()
        .to_string()
}

fn efs_ids(emulator: &Emulator) -> Vec<String> {
    let efs = aws_sdk_efs::Client::new(&emulator.sdk());
    block_on(efs.describe_file_systems().send())
        .unwrap()
        .file_systems()
        .iter()
        .map(|f| f.file_system_id().to_string())
        .collect()
}

/// What the audit lists as billing: (running, storage), by kind and name.
fn billing(learner: &Learner, emulator: &Emulator) -> (Vec<String>, Vec<String>) {
    let audit = json(&emulator.run(learner, &["module5", "audit", "--format", "json"]));
    let names = |key: &str| -> Vec<String> {
        audit[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| format!("{} {}", r["kind"].as_str().unwrap(), r["name"].as_str().unwrap()))
            .collect()
    };
    (names("running"), names("storage"))
}

fn words(output: &Output) -> String {
    stdout(output).split_whitespace().collect::<Vec<_>>().join(" ")
}

fn journal(learner: &Learner) -> Option<Value> {
    let path = learner.home().join("journal").join(format!("teardown-{ACCOUNT}.json"));
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
}

/// Runs the domain teardown again: it must complete (exit 0) and leave
/// nothing billing. Returns what it said, continuing the earlier run.
fn completes_again(emulator: &Emulator, learner: &Learner) -> String {
    let again = emulator.run(learner, &["module5", "teardown", "--level", "domain", "--yes"]);
    expect_code(&again, 0);
    assert_eq!(billing(learner, emulator), (Vec::new(), Vec::new()));
    let said = words(&again);
    assert!(said.contains("Continuing the earlier run"), "{said}");
    said
}

#[test]
fn level_domain_leaves_nothing_billing_and_a_second_run_has_nothing_to_do() {
    let emulator = Emulator::start();
    let (seed, efs) = issue_account(&emulator);
    let learner = Learner::new();
    let (running, storage) = billing(&learner, &emulator);
    assert_eq!(running, ["studio-app default"]);
    assert_eq!(
        storage.len(),
        4,
        "two spaces, the notebook volume, the EFS: {storage:?}"
    );

    let output = emulator.run(&learner, &["module5", "teardown", "--level", "domain", "--yes"]);
    expect_code(&output, 0);
    let out = words(&output);
    // The plan first, with what each step deletes, then every step done.
    assert!(out.contains("Teardown plan (level domain)"), "{out}");
    assert!(
        out.contains("deletes: the files in space ana-lab's home directory"),
        "{out}"
    );
    assert!(out.contains(&format!("domain {DOMAIN} → Deleted")), "{out}");
    assert!(out.contains("Done: every step of the plan is complete."), "{out}");
    // Nothing bills: the inventory is empty and the home EFS is gone.
    assert_eq!(billing(&learner, &emulator), (Vec::new(), Vec::new()));
    assert!(!efs_ids(&emulator).contains(&efs), "the domain's EFS went with it");
    assert!(block_on(seed.sm.list_domains().send()).unwrap().domains().is_empty());
    // AWS's order, as the audit log recorded the calls.
    let calls: Vec<String> = learner
        .audit_log()
        .iter()
        .map(|e| e["call"].as_str().unwrap().to_string())
        .collect();
    let first = |call: &str| {
        calls
            .iter()
            .position(|c| c == call)
            .unwrap_or_else(|| panic!("{call}: {calls:?}"))
    };
    let last = |call: &str| calls.iter().rposition(|c| c == call).unwrap();
    assert!(
        last("sagemaker:DeleteApp") < first("sagemaker:DeleteSpace"),
        "{calls:?}"
    );
    assert!(
        last("sagemaker:DeleteSpace") < first("sagemaker:DeleteUserProfile"),
        "{calls:?}"
    );
    assert!(
        last("sagemaker:DeleteUserProfile") < first("sagemaker:DeleteDomain"),
        "{calls:?}"
    );
    assert!(calls.contains(&"sagemaker:DeleteNotebookInstance".to_string()));
    assert!(learner.audit_log().iter().all(|e| e["result"] == "ok"));
    let journal = journal(&learner).unwrap();
    assert_eq!(journal["finished"], true);
    assert!(
        journal["records"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["state"] == "done")
    );

    let again = emulator.run(&learner, &["module5", "teardown", "--level", "domain", "--yes"]);
    expect_code(&again, 0);
    let again = words(&again);
    assert!(again.contains("Nothing left to do at this level"), "{again}");
    assert!(again.contains("The last run, at"), "{again}");
    assert_eq!(learner.audit_log().len(), calls.len(), "nothing was done twice");
}

#[test]
fn each_level_goes_as_far_as_it_says_and_no_further() {
    let emulator = Emulator::start();
    let (seed, efs) = issue_account(&emulator);
    let learner = Learner::new();
    let spaces = || -> Vec<String> {
        let out = block_on(seed.sm.list_spaces().send()).unwrap();
        let mut names: Vec<String> = out
            .spaces()
            .iter()
            .map(|s| s.space_name().unwrap().to_string())
            .collect();
        names.sort();
        names
    };
    let compute = emulator.run(&learner, &["module5", "teardown", "--level", "compute", "--yes"]);
    expect_code(&compute, 0);
    assert!(words(&compute).contains("Your files stay"), "{}", stdout(&compute));
    let (running, storage) = billing(&learner, &emulator);
    assert!(running.is_empty(), "{running:?}");
    assert_eq!(storage.len(), 4, "compute only: {storage:?}");
    assert_eq!(spaces(), ["ana-lab", "team"]);

    let storage_run = emulator.run(&learner, &["module5", "teardown", "--level", "storage", "--yes"]);
    expect_code(&storage_run, 0);
    assert!(spaces().is_empty());
    let notebooks = block_on(seed.sm.list_notebook_instances().send()).unwrap();
    assert!(notebooks.notebook_instances().is_empty());
    let (_, storage) = billing(&learner, &emulator);
    assert_eq!(storage, [format!("domain-efs {efs}")], "the domain and its EFS stay");
    let profiles = block_on(seed.sm.list_user_profiles().send()).unwrap();
    assert_eq!(profiles.user_profiles().len(), 2);

    let domain = emulator.run(&learner, &["module5", "teardown", "--level", "domain", "--yes"]);
    expect_code(&domain, 0);
    assert_eq!(billing(&learner, &emulator), (Vec::new(), Vec::new()));
}

#[test]
fn a_dry_run_changes_nothing_and_prints_the_plan_as_json() {
    let emulator = Emulator::start();
    let (seed, efs) = issue_account(&emulator);
    let learner = Learner::new();
    let before = (billing(&learner, &emulator), efs_ids(&emulator));
    let output = emulator.run(
        &learner,
        &[
            "module5",
            "teardown",
            "--level",
            "domain",
            "--dry-run",
            "--format",
            "json",
        ],
    );
    expect_code(&output, 0);
    let plan = json(&output);
    assert_eq!(plan["level"], "domain");
    assert_eq!(plan["dry_run"], true);
    let steps = plan["steps"].as_array().unwrap();
    for step in steps {
        for field in [
            "order",
            "action",
            "kind",
            "name",
            "region",
            "saves_usd_per_month",
            "deletes_data",
        ] {
            assert!(step.get(field).is_some(), "{field} in {step}");
        }
    }
    let order = |kind: &str, name: &str| -> u64 {
        steps
            .iter()
            .find(|s| s["kind"] == kind && s["name"] == name)
            .unwrap_or_else(|| panic!("{kind} {name}: {plan}"))["order"]
            .as_u64()
            .unwrap()
    };
    assert!(order("studio-app", "default") < order("space", "ana-lab"));
    assert!(order("space", "ana-lab") < order("user-profile", "ana"));
    assert!(order("space", "team") < order("user-profile", "bruno"));
    assert!(order("user-profile", "bruno") < order("domain", DOMAIN));
    let domain = steps.iter().find(|s| s["kind"] == "domain").unwrap();
    assert!(domain["deletes_data"].as_str().unwrap().contains(&efs), "{domain}");
    assert!(domain["saves_usd_per_month"].as_f64().is_some());
    assert_eq!(plan["storage_after_usd_per_month"], 0.0);
    // The text dry run names each call and its `aws` command.
    let text = emulator.run(&learner, &["module5", "teardown", "--level", "domain", "--dry-run"]);
    expect_code(&text, 0);
    assert!(
        stdout(&text).contains(&format!(
            "$ aws sagemaker delete-domain --domain-id {DOMAIN} --retention-policy HomeEfsFileSystem=Delete --region {REGION}"
        )),
        "{}",
        stdout(&text)
    );
    assert_eq!(
        (billing(&learner, &emulator), efs_ids(&emulator)),
        before,
        "the account is as it was"
    );
    assert!(learner.audit_log().is_empty());
    assert!(journal(&learner).is_none(), "a dry run journals nothing");
    assert!(block_on(seed.sm.describe_domain().domain_id(DOMAIN).send()).is_ok());
}

#[test]
fn deleting_data_is_never_done_without_a_word_said_explicitly() {
    let emulator = Emulator::start();
    issue_account(&emulator);
    let learner = Learner::new();
    let before = billing(&learner, &emulator);
    // `--yes` without a terminal: only with the level said.
    let output = emulator.run(&learner, &["module5", "teardown", "--yes"]);
    expect_code(&output, 2);
    assert!(stderr(&output).contains("--level"), "{}", stderr(&output));
    // No terminal and no `--yes`: nothing either.
    let output = emulator.run(&learner, &["module5", "teardown", "--level", "storage"]);
    expect_code(&output, 2);
    assert!(stderr(&output).contains("--yes"), "{}", stderr(&output));
    assert_eq!(billing(&learner, &emulator), before);
    assert!(learner.audit_log().is_empty());
}

#[test]
fn a_refused_deletion_stops_what_depends_on_it_says_why_and_a_second_run_finishes() {
    let emulator = Emulator::with(Options {
        faults: vec!["DeleteUserProfile=AccessDeniedException:400@1".into()],
        ..Options::default()
    });
    issue_account(&emulator);
    let learner = Learner::new();
    let output = emulator.run(&learner, &["module5", "teardown", "--level", "domain", "--yes"]);
    expect_code(&output, 1);
    let out = words(&output);
    // AWS's refusal, what it kept from happening, and what to do.
    assert!(out.contains("sagemaker:DeleteUserProfile is not allowed"), "{out}");
    assert!(
        out.contains(&format!("domain {DOMAIN}: not done, because user profile {DOMAIN}/")),
        "{out}"
    );
    assert!(out.contains("run the same command again"), "{out}");
    // The rest is done: spaces and the notebook instance are gone.
    let (running, storage) = billing(&learner, &emulator);
    assert!(running.is_empty());
    assert_eq!(storage.len(), 1, "only the domain's EFS: {storage:?}");
    let journal = journal(&learner).unwrap();
    let states: Vec<&str> = journal["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["state"].as_str().unwrap())
        .collect();
    assert!(states.contains(&"failed") && states.contains(&"blocked"), "{states:?}");

    let again = completes_again(&emulator, &learner);
    assert!(again.contains("done by the earlier run"), "{again}");
}

#[test]
fn aws_own_refusal_is_reported_when_a_dependent_appears_behind_the_plans_back() {
    // A space made after the plan was read: DeleteDomain meets AWS's own
    // ResourceInUse, and the learner reads AWS's message.
    let emulator = Emulator::with(Options {
        deleting_seconds: Some(2.0),
        ..Options::default()
    });
    let (seed, _) = issue_account(&emulator);
    let learner = Learner::new();
    let mut cmd = learner.command(&["module5", "teardown", "--level", "domain", "--yes"]);
    emulator.configure(&mut cmd);
    let child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).spawn().unwrap();
    wait_for_journal(&learner, |j| {
        j["records"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["state"] == "sent" || r["state"] == "done")
    });
    seed.space(DOMAIN, "late", "ana");
    let output = child.wait_with_output().unwrap();
    expect_code(&output, 1);
    let out = words(&output);
    assert!(out.contains("ResourceInUse"), "{out}");
    assert!(out.contains("are associated with it"), "AWS's own words: {out}");
}

/// Waits (up to 60 s) until the teardown's journal satisfies `ready`.
fn wait_for_journal(learner: &Learner, ready: impl Fn(&Value) -> bool) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        if journal(learner).is_some_and(|j| ready(&j)) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the journal never got there: {:?}", journal(learner));
}

/// Starts a domain teardown and, once a step is done, sends `signal` to it.
fn interrupted(emulator: &Emulator, learner: &Learner, signal: &str) -> Output {
    let mut cmd = learner.command(&["module5", "teardown", "--level", "domain", "--yes"]);
    emulator.configure(&mut cmd);
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_journal(learner, |j| {
        j["records"].as_array().unwrap().iter().any(|r| r["state"] == "done")
    });
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    child.wait_with_output().unwrap()
}

#[test]
fn ctrl_c_finishes_the_call_in_flight_says_what_was_done_and_a_second_run_completes() {
    let emulator = Emulator::with(Options {
        deleting_seconds: Some(3.0),
        ..Options::default()
    });
    issue_account(&emulator);
    let learner = Learner::new();
    let output = interrupted(&emulator, &learner, "-INT");
    assert_eq!(
        output.status.code(),
        Some(130),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    let out = words(&output);
    assert!(out.contains("Interrupted (Ctrl-C):"), "{out}");
    assert!(out.contains("steps done"), "{out}");
    let journal = journal(&learner).unwrap();
    assert_eq!(journal["interrupted"], true);
    assert_eq!(journal["finished"], false);
    // Every call made was logged: none is left "being sent".
    assert!(
        journal["records"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["state"] != "sending"),
        "{journal}"
    );
    let calls = learner.audit_log().len();
    assert!(calls > 0);

    let again = completes_again(&emulator, &learner);
    assert!(!again.contains('✘'), "completes without an error: {again}");
}

#[test]
fn a_killed_teardown_run_again_completes_without_an_error() {
    let emulator = Emulator::with(Options {
        deleting_seconds: Some(3.0),
        ..Options::default()
    });
    issue_account(&emulator);
    let learner = Learner::new();
    let output = interrupted(&emulator, &learner, "-KILL");
    assert_eq!(output.status.code(), None, "killed");
    let again = completes_again(&emulator, &learner);
    assert!(!again.contains('✘'), "completes without an error: {again}");
}

/// Runs the binary as if inside the private space's JupyterLab app.
fn run_in_space(learner: &Learner, emulator: &Emulator, args: &[&str]) -> Output {
    let metadata = serde_json::json!({
        "AppType": "JupyterLab",
        "DomainId": DOMAIN,
        "SpaceName": "ana-lab",
        "UserProfileName": "",
        "ResourceArn": format!("arn:aws:sagemaker:{REGION}:{ACCOUNT}:app/{DOMAIN}/ana-lab/JupyterLab/default"),
        "ResourceName": "default",
    });
    let path = learner.dir.path().join("resource-metadata.json");
    std::fs::write(&path, metadata.to_string()).unwrap();
    let mut cmd = learner.command(args);
    emulator.configure(&mut cmd);
    cmd.env("SM_COURSE_STUDIO_METADATA", &path)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn inside_studio_the_sessions_space_profile_and_domain_are_kept_and_the_rest_goes() {
    let emulator = Emulator::start();
    let (seed, _) = issue_account(&emulator);
    let learner = Learner::new();
    let output = run_in_space(
        &learner,
        &emulator,
        &["module5", "teardown", "--level", "domain", "--yes"],
    );
    expect_code(&output, 0);
    let out = words(&output);
    assert!(out.contains("Left as it is"), "{out}");
    assert!(out.contains("space d-course/ana-lab: this session runs in it"), "{out}");
    assert!(out.contains("Finish from CloudShell or a laptop"), "{out}");
    let app = block_on(
        seed.sm
            .describe_app()
            .domain_id(DOMAIN)
            .space_name("ana-lab")
            .app_type(sm::AppType::JupyterLab)
            .app_name("default")
            .send(),
    )
    .unwrap();
    assert_eq!(app.status().unwrap().as_str(), "InService", "the session's app runs on");
    let spaces = block_on(seed.sm.list_spaces().send()).unwrap();
    let names: Vec<&str> = spaces.spaces().iter().map(|s| s.space_name().unwrap()).collect();
    assert_eq!(names, ["ana-lab"], "the shared space went");
    let profiles = block_on(seed.sm.list_user_profiles().send()).unwrap();
    let names: Vec<&str> = profiles
        .user_profiles()
        .iter()
        .map(|p| p.user_profile_name().unwrap())
        .collect();
    assert_eq!(names, ["ana"], "bruno went; ana owns the session's space");
    assert!(block_on(seed.sm.describe_domain().domain_id(DOMAIN).send()).is_ok());
}

#[test]
fn the_new_task_is_proven_when_nothing_bills_or_only_what_is_kept_with_a_reason() {
    let emulator = Emulator::start();
    issue_account(&emulator);
    let learner = Learner::new();
    let verify = |learner: &Learner| {
        let output = emulator.run(learner, &["module5", "verify", "nothing-billing", "--format", "json"]);
        (output.status.code(), json(&output))
    };
    let (code, v) = verify(&learner);
    assert_eq!(code, Some(1));
    let task = &v["items"][0]["tasks"][0];
    assert_eq!(task["proven"], false);
    assert!(
        task["still_storing"].as_array().unwrap().len() == 4 && task["still_billing"].as_array().unwrap().len() == 1,
        "{task}"
    );
    // Keep the shared space, with a reason; tear the rest down.
    let output = emulator.run(
        &learner,
        &[
            "module5",
            "teardown",
            "--level",
            "domain",
            "--yes",
            "--keep",
            "team",
            "--reason",
            "the next module uses it",
        ],
    );
    expect_code(&output, 0);
    assert!(
        words(&output).contains("kept by you: the next module uses it"),
        "{}",
        stdout(&output)
    );
    let (code, v) = verify(&learner);
    assert_eq!(code, Some(0), "{v}");
    let task = &v["items"][0]["tasks"][0];
    assert_eq!(task["proof"]["kind"], "NothingBilling");
    assert_eq!(task["proof"]["name"], REGION);
    assert!(
        task["message"]
            .as_str()
            .unwrap()
            .contains("team (the next module uses it)"),
        "{task}"
    );
    // The checklist is ticked by the task, with the account and the time;
    // the report carries it.
    let progress: Value = serde_json::from_str(&std::fs::read_to_string(learner.progress_path()).unwrap()).unwrap();
    let tick = &progress["modules"]["module5"]["checklist"]["nothing-billing"];
    assert_eq!(tick["evidence"]["kind"], "task");
    assert_eq!(tick["evidence"]["account"], ACCOUNT);
    assert!(tick["at"].is_string());
    let report = learner.dir.path().join("report.json");
    expect_code(
        &learner.run(&["module5", "report", "--out", report.to_str().unwrap()]),
        0,
    );
    let report: Value = serde_json::from_str(&std::fs::read_to_string(report).unwrap()).unwrap();
    assert_eq!(report["teardown"]["proven"], true);
    assert_eq!(report["teardown"]["account"], ACCOUNT);
    assert_eq!(report["teardown"]["kept"][0]["name"], "team");
    assert_eq!(report["teardown"]["kept"][0]["reason"], "the next module uses it");
}

/// Runs `teardown` in a pseudo-terminal.
fn tty(emulator: &Emulator, learner: &Learner, args: &[&str]) -> Pty {
    let mut all = vec!["module5", "teardown"];
    all.extend_from_slice(args);
    let mut cmd = learner.tty_command(&all);
    emulator.configure(&mut cmd);
    Pty::spawn(cmd, 250, Duration::from_secs(30))
}

#[test]
fn on_a_terminal_deleting_data_asks_for_the_domain_id_or_the_instances_name() {
    let emulator = Emulator::start();
    let (seed, _) = issue_account(&emulator);
    let learner = Learner::new();
    let mut tty = tty(&emulator, &learner, &["--level", "storage"]);
    tty.expect("Carry out these");
    tty.send(DOWN);
    tty.send(ENTER);
    // A wrong word keeps the domain's spaces; the right one deletes the instance.
    tty.expect(&format!("Type {DOMAIN} to confirm"));
    tty.send("d-other\r");
    tty.expect(&format!("Not confirmed: what depends on {DOMAIN} stays as it is."));
    tty.expect("Type nb-old to confirm");
    tty.send("nb-old\r");
    tty.expect("notebook instance nb-old → Deleted");
    assert_eq!(tty.exit_code(), 0, "teardown");
    let notebooks = block_on(seed.sm.list_notebook_instances().send()).unwrap();
    assert!(notebooks.notebook_instances().is_empty());
    let spaces = block_on(seed.sm.list_spaces().send()).unwrap();
    assert_eq!(spaces.spaces().len(), 2, "not confirmed: both spaces stay");

    // No to the plan: nothing at all.
    let mut tty = self::tty(&emulator, &learner, &["--level", "domain"]);
    tty.expect("Carry out these");
    tty.send(ENTER);
    tty.expect("Nothing was changed.");
    let spaces = block_on(seed.sm.list_spaces().send()).unwrap();
    assert_eq!(spaces.spaces().len(), 2);
}

#[test]
fn iam_policy_with_teardown_passes_parliament_with_nothing_above_low() {
    let learner = Learner::new();
    let parliament = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/emulator-venv/bin/parliament");
    // The emulator's setup installs parliament (tests/emulator/requirements.txt).
    drop(Emulator::start());
    for args in [
        &["iam-policy"][..],
        &["iam-policy", "--with-fixes"],
        &["iam-policy", "--with-teardown"],
    ] {
        let policy = learner.run(args);
        expect_code(&policy, 0);
        let doc = json(&policy);
        if args.contains(&"--with-teardown") {
            let teardown = doc["Statement"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["Sid"] == "SmCourseTeardown")
                .unwrap();
            assert!(
                teardown["Action"]
                    .as_array()
                    .unwrap()
                    .contains(&Value::from("sagemaker:DeleteDomain"))
            );
            assert!(teardown["Resource"].as_array().unwrap().iter().all(|r| r != "*"));
        }
        let mut lint = Command::new(&parliament)
            .args(["--json", "--minimum_severity", "MEDIUM"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("parliament is installed by scripts/emulator-setup");
        use std::io::Write;
        lint.stdin.take().unwrap().write_all(&policy.stdout).unwrap();
        let found = lint.wait_with_output().unwrap();
        assert_eq!(
            String::from_utf8_lossy(&found.stdout).trim(),
            "",
            "{args:?}: parliament found more than LOW: {}",
            String::from_utf8_lossy(&found.stderr)
        );
        assert_eq!(
            found.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&found.stderr)
        );
    }
}

#[test]
fn nothing_billing_is_judged_in_every_region_the_course_used_and_teardown_reaches_them() {
    let emulator = Emulator::start();
    // The course's first task was done in us-east-1; a notebook is left there.
    Seed::in_region(&emulator, "us-east-1").notebook("virginia-nb", "ml.t3.medium", 600);
    let learner = Learner::new();
    std::fs::create_dir_all(learner.home()).unwrap();
    let progress = serde_json::json!({
        "version": 2,
        "modules": {"module5": {"tasks": {"start-notebook": {
            "at": "2026-11-28T10:00:00Z", "account": ACCOUNT, "region": "us-east-1"
        }}}}
    });
    std::fs::write(learner.progress_path(), progress.to_string()).unwrap();
    let verify = || emulator.run(&learner, &["module5", "verify", "nothing-billing", "--format", "json"]);
    let output = verify();
    expect_code(&output, 1);
    let task = &json(&output)["items"][0]["tasks"][0];
    let names: Vec<&str> = task["still_billing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["virginia-nb"],
        "the configured region ({REGION}) is empty: {task}"
    );
    // The teardown of that region, then the proof names both regions.
    let output = emulator.run(
        &learner,
        &[
            "module5",
            "teardown",
            "--regions",
            "us-east-1",
            "--level",
            "storage",
            "--yes",
        ],
    );
    expect_code(&output, 0);
    assert!(
        words(&output).contains("notebook instance virginia-nb · us-east-1"),
        "{}",
        stdout(&output)
    );
    let output = verify();
    expect_code(&output, 0);
    let proof = &json(&output)["items"][0]["tasks"][0]["proof"];
    assert_eq!(proof["name"], format!("{REGION}, us-east-1"), "{proof}");
}
