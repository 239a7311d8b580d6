//! Instructor mode against the emulator: a class of accounts reached by
//! AssumeRole (moto maps it into each role's account), one of them refused.

use std::process::Output;

use aws_sdk_sagemaker::types as sm;
use serde_json::Value;

use crate::emulator::*;
use crate::live::{Seed, json};
use crate::util::*;

fn run(learner: &Learner, emulator: &Emulator, args: &[&str]) -> Output {
    emulator.run(learner, args)
}

fn account(n: usize) -> String {
    format!("{:012}", 100_000_000_000u64 + n as u64)
}

const DENIED: &str = "arn:aws:iam::100000000099:role/CourseAudit";

/// Twenty students in four states, one whose role refuses us, one whose
/// profile does not exist.
fn class(emulator: &Emulator, dir: &std::path::Path) -> std::path::PathBuf {
    let mut roster = String::from(
        "[defaults]\nregion = \"eu-central-1\"\nrole_name = \"CourseAudit\"\nexternal_id = \"class-2026\"\n",
    );
    for n in 1..=20 {
        let seed = Seed::in_account(emulator, &account(n));
        let domain = seed.domain("course", (n % 4 != 3).then_some(60));
        seed.profile(&domain, "learner");
        match n % 4 {
            0 => seed.budget("SageMaker-Monthly-Budget", true),
            1 => seed.app(
                &domain,
                "learner",
                sm::AppType::KernelGateway,
                "forgotten",
                "ml.m5.xlarge",
                3600,
            ),
            2 => seed.notebook("forgotten", "ml.t3.medium", 3600),
            _ => {}
        }
        roster.push_str(&format!(
            "\n[[student]]\nname = \"Student {n:02}\"\naccount_id = \"{}\"\n",
            account(n)
        ));
    }
    roster.push_str(&format!(
        "\n[[student]]\nname = \"Denied Dora\"\nrole_arn = \"{DENIED}\"\n"
    ));
    roster.push_str("\n[[student]]\nname = \"Missing Profile\"\nprofile = \"no-such-profile\"\n");
    let path = dir.join("class.toml");
    std::fs::write(&path, roster).unwrap();
    path
}

pub(crate) fn row<'a>(book: &'a Value, name: &str) -> &'a Value {
    book["students"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no row {name}"))
}

/// The gradebook's students' names, in its order.
pub(crate) fn names(book: &Value) -> Vec<&str> {
    book["students"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect()
}

fn statuses(student: &Value) -> Vec<(String, String)> {
    student["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_class_of_twenty_is_verified_and_broken_students_are_their_own_rows() {
    let emulator = Emulator::with(Options {
        denied_roles: vec![DENIED.into()],
        ..Options::default()
    });
    let learner = Learner::new();
    let roster = class(&emulator, learner.dir.path());
    let out = learner.dir.path().join("gradebook.json");
    let output = run(
        &learner,
        &emulator,
        &[
            "instructor",
            "verify",
            roster.to_str().unwrap(),
            "--format",
            "json",
            "--concurrency",
            "6",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    expect_code(&output, 1);
    let book = json(&output);
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        stdout(&output),
        "--out gets the same gradebook"
    );
    assert_eq!(book["students"].as_array().unwrap().len(), 22);
    assert_eq!(book["summary"]["students"], 22);
    assert_eq!(book["summary"]["error"], 2);
    for n in 1..=20 {
        let student = row(&book, &format!("Student {n:02}"));
        assert_eq!(student["status"], "ok", "{student}");
        assert_eq!(student["account"], account(n), "each row is its own account");
        let got = statuses(student);
        let status = |id: &str| got.iter().find(|(i, _)| i == id).map(|(_, s)| s.as_str()).unwrap();
        let (apps, notebooks, budget, idle) = match n % 4 {
            0 => ("pass", "pass", "pass", "pass"),
            1 => ("fail", "pass", "fail", "pass"),
            2 => ("pass", "fail", "fail", "pass"),
            _ => ("pass", "pass", "fail", "fail"),
        };
        assert_eq!(
            (
                status("identity"),
                status("studio-apps"),
                status("notebook-instances"),
                status("budget"),
                status("idle-shutdown")
            ),
            ("pass", apps, notebooks, budget, idle),
            "student {n}"
        );
        let passed = got.iter().filter(|(_, s)| s == "pass").count();
        let evaluated = got
            .iter()
            .filter(|(_, s)| ["pass", "fail", "warn"].contains(&s.as_str()))
            .count();
        assert_eq!(
            student["score"],
            serde_json::json!({"passed": passed, "evaluated": evaluated})
        );
        // What the account itself proves: a notebook started in the last
        // 24 hours (still running, so not the stop, nor nothing billing).
        assert_eq!(student["on_account"]["total"], 4, "{student}");
        let proven = student["on_account"]["proven"].as_array().unwrap();
        assert_eq!(
            proven.iter().any(|p| p == "start-notebook"),
            n % 4 == 1 || n % 4 == 2,
            "student {n}: {student}"
        );
        assert!(!proven.iter().any(|p| p == "stop-instances"), "student {n}: {student}");
        assert!(!proven.iter().any(|p| p == "nothing-billing"), "student {n}: {student}");
    }
    let dora = row(&book, "Denied Dora");
    assert_eq!(dora["status"], "error");
    assert!(dora["error"].as_str().unwrap().contains("AccessDenied"), "{dora}");
    assert!(dora["error"].as_str().unwrap().contains(DENIED), "{dora}");
    let missing = row(&book, "Missing Profile");
    assert_eq!(missing["status"], "error");
    assert!(
        missing["error"].as_str().unwrap().contains("no-such-profile"),
        "{missing}"
    );
}

#[test]
fn csv_table_markdown_and_junit_carry_every_student() {
    let emulator = Emulator::with(Options {
        denied_roles: vec![DENIED.into()],
        ..Options::default()
    });
    let learner = Learner::new();
    let roster = class(&emulator, learner.dir.path());
    let roster = roster.to_str().unwrap();
    let csv = stdout(&run(
        &learner,
        &emulator,
        &[
            "instructor",
            "verify",
            roster,
            "--format",
            "csv",
            "--only",
            "studio-apps,budget",
        ],
    ));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "name,account,aws_region,status,passed,evaluated,on_account_proven,on_account_total,teardown_proven,\
         still_billing_per_hour_usd,still_billing_monthly_usd,still_billing_partial,studio-apps,budget,error"
    );
    assert_eq!(lines.len(), 23);
    // Student 01: an ml.m5.xlarge app runs (priced), the domain's EFS is tiny.
    assert_eq!(
        lines[1],
        format!(
            "Student 01,{},eu-central-1,ok,0,2,1,4,false,0.276,0.000002,false,fail,fail,",
            account(1)
        )
    );
    assert!(
        lines[21].starts_with("Denied Dora,100000000099,eu-central-1,error,,,,,"),
        "{}",
        lines[21]
    );

    // A Portuguese spreadsheet expects `;` (the comma is its decimal mark);
    // `--csv-delimiter` chooses.
    let pt = stdout(&run(
        &learner,
        &emulator,
        &[
            "--lang",
            "pt",
            "instructor",
            "verify",
            roster,
            "--format",
            "csv",
            "--only",
            "budget",
        ],
    ));
    assert_eq!(
        pt.lines().next().unwrap(),
        "name;account;aws_region;status;passed;evaluated;on_account_proven;on_account_total;teardown_proven;\
         still_billing_per_hour_usd;still_billing_monthly_usd;still_billing_partial;budget;error"
    );
    let chosen = stdout(&run(
        &learner,
        &emulator,
        &[
            "--lang",
            "pt",
            "instructor",
            "verify",
            roster,
            "--format",
            "csv",
            "--only",
            "budget",
            "--csv-delimiter",
            "\t",
        ],
    ));
    assert!(
        chosen.lines().next().unwrap().starts_with("name\taccount\t"),
        "{chosen}"
    );

    let table = stdout(&run(&learner, &emulator, &["instructor", "verify", roster]));
    assert!(
        table.contains("Student 20") && table.contains("What each student must do"),
        "{table}"
    );
    assert!(table.contains("studio-apps: 1 billable app(s) running"), "{table}");
    let md = stdout(&run(
        &learner,
        &emulator,
        &["instructor", "verify", roster, "--format", "markdown"],
    ));
    assert!(md.contains("| Student 04 | 100000000004 |"), "{md}");
    assert!(md.contains("| Teardown proven | Still billing |"), "{md}");
    let junit = stdout(&run(
        &learner,
        &emulator,
        &["instructor", "verify", roster, "--format", "junit"],
    ));
    let doc = roxmltree::Document::parse(&junit).unwrap();
    assert_eq!(
        doc.descendants().filter(|n| n.has_tag_name("testsuite")).count(),
        22,
        "one suite per student"
    );
}

#[test]
fn an_invalid_roster_exits_2_naming_file_line_and_field() {
    let learner = Learner::new();
    let path = learner.dir.path().join("bad.toml");
    std::fs::write(
        &path,
        "[[student]]\nname = \"Ana\"\nprofile = \"ana\"\n\n[[student]]\nname = \"Bruno\"\nregion = \"eu-central-1\"\n",
    )
    .unwrap();
    let output = learner.run(&["instructor", "verify", path.to_str().unwrap()]);
    expect_code(&output, 2);
    let err = stderr(&output);
    assert!(
        err.contains(&format!("{}:5:", path.display())) && err.contains("`profile`"),
        "{err}"
    );
    std::fs::write(&path, "[[student]\nname = \"Ana\"\n").unwrap();
    let output = learner.run(&["instructor", "verify", path.to_str().unwrap()]);
    expect_code(&output, 2);
    assert!(
        stderr(&output).contains(&format!("{}:1:", path.display())),
        "{}",
        stderr(&output)
    );
    expect_code(&learner.run(&["instructor", "verify", "/nonexistent/roster.toml"]), 2);
}

#[test]
fn learner_reports_merge_into_a_gradebook_and_wrong_accounts_are_flagged() {
    let emulator = Emulator::start();
    let seed = Seed::new(&emulator);
    seed.budget("SageMaker-Monthly-Budget", true);
    // Ana started a notebook and stopped it, and proves it with verify.
    let domain = seed.domain("course", None);
    seed.profile(&domain, "ana");
    seed.app(&domain, "ana", sm::AppType::JupyterLab, "lab", "ml.t3.medium", 600);
    block_on(
        seed.sm
            .delete_app()
            .domain_id(&domain)
            .user_profile_name("ana")
            .app_type(sm::AppType::JupyterLab)
            .app_name("lab")
            .send(),
    )
    .unwrap();
    let ana = Learner::new();
    // Every item at once: the start and the stop are proven, cost-optimization
    // is not (no idle shutdown), so the run exits 1.
    expect_code(&run(&ana, &emulator, &["module5", "verify"]), 1);
    // A learner checks their account, then exports the report.
    expect_code(
        &run(&ana, &emulator, &["module5", "check", "--only", "budget,studio-apps"]),
        0,
    );
    let report = ana.dir.path().join("ana.json");
    let written = run(
        &ana,
        &emulator,
        &[
            "module5",
            "report",
            "--out",
            report.to_str().unwrap(),
            "--name",
            "Ana Souza",
        ],
    );
    expect_code(&written, 0);
    let exported: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(exported["last_check"]["account"], ACCOUNT);
    assert_eq!(exported["checklist"].as_array().unwrap().len(), 8);
    assert_eq!(exported["quizzes"].as_array().unwrap().len(), 8);
    let item = |id: &str| {
        exported["checklist"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(item("stop-instances")["evidence"], "task");
    assert_eq!(item("start-notebook")["evidence"], "task");
    assert!(item("families")["evidence"].is_null(), "not ticked");

    let instructor = Learner::new();
    let roster = instructor.dir.path().join("class.toml");
    std::fs::write(
        &roster,
        "[[student]]\nname = \"Ana Souza\"\naccount_id = \"999999999999\"\nrole_name = \"CourseAudit\"\n",
    )
    .unwrap();
    let garbage = instructor.dir.path().join("garbage.json");
    std::fs::write(&garbage, "{ not json").unwrap();
    let output = instructor.run(&[
        "instructor",
        "collect",
        report.to_str().unwrap(),
        garbage.to_str().unwrap(),
        "--roster",
        roster.to_str().unwrap(),
        "--format",
        "json",
    ]);
    expect_code(&output, 1);
    let book = json(&output);
    let ana_row = row(&book, "Ana Souza");
    assert_eq!(ana_row["account"], ACCOUNT);
    assert!(
        ana_row["error"].as_str().unwrap().contains("roster says 999999999999"),
        "{ana_row}"
    );
    assert_eq!(
        statuses(ana_row),
        [
            ("studio-apps".to_string(), "pass".to_string()),
            ("budget".to_string(), "pass".to_string())
        ]
    );
    assert_eq!(ana_row["progress"]["checklist_total"], 8);
    assert_eq!(ana_row["progress"]["checklist_done"], 2);
    assert_eq!(
        ana_row["progress"]["evidence"],
        serde_json::json!({"start-notebook": "task", "stop-instances": "task"})
    );
    let bad = row(&book, "garbage");
    assert_eq!(bad["status"], "error");
    assert!(
        bad["error"]
            .as_str()
            .unwrap()
            .contains("not a readable sm-course report"),
        "{bad}"
    );
}

#[test]
fn the_role_template_is_cloudformation_for_a_read_only_role() {
    let learner = Learner::new();
    let output = learner.run(&["instructor", "role-template", "--instructor-account", "999988887777"]);
    expect_code(&output, 0);
    let text = stdout(&output);
    assert!(text.starts_with("AWSTemplateFormatVersion: '2010-09-09'"), "{text}");
    assert!(text.contains("sts:ExternalId") && text.contains("- sagemaker:ListApps"));
    assert!(!text.contains("Delete") && !text.contains("Update") && !text.contains("ModifyBudget"));
}

#[test]
fn the_roster_template_is_a_roster_collect_accepts_explained_in_each_language() {
    let learner = Learner::new();
    let report = learner.dir.path().join("ana.json");
    let args = [
        "module5",
        "report",
        "--out",
        report.to_str().unwrap(),
        "--name",
        "Ana Souza",
    ];
    expect_code(&learner.run(&args), 0);
    let mut templates = Vec::new();
    for lang in ["en", "pt"] {
        let output = learner.run(&["instructor", "roster-template", "--lang", lang]);
        expect_code(&output, 0);
        let template = stdout(&output);
        let roster = learner.dir.path().join(format!("class-{lang}.toml"));
        std::fs::write(&roster, &template).unwrap();
        // Read as a roster: the three example students, in order, Ana's report hers.
        let output = learner.run(&[
            "instructor",
            "collect",
            report.to_str().unwrap(),
            "--roster",
            roster.to_str().unwrap(),
            "--format",
            "json",
            "--lang",
            lang,
        ]);
        expect_code(&output, 1);
        let book = json(&output);
        assert_eq!(names(&book), ["Ana Souza", "Bruno Lima", "Carla Dias"], "{book}");
        assert_eq!(row(&book, "Ana Souza")["progress"]["checklist_total"], 8, "{book}");
        assert_eq!(row(&book, "Bruno Lima")["status"], "missing", "{book}");
        templates.push(template);
    }
    // The same roster, its explanations in each language.
    let data = |t: &str| -> Vec<String> {
        t.lines()
            .map(|l| l.split(" #").next().unwrap().trim_end().to_string())
            .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.contains("external_id"))
            .collect()
    };
    assert_eq!(data(&templates[0]), data(&templates[1]));
    assert_ne!(templates[0], templates[1]);
    assert!(templates[1].contains("# A lista da turma"), "{}", templates[1]);
}
