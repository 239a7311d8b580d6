//! The HTML pages through the binary against the emulator, rendered in
//! headless Chromium: the class page (`instructor verify --format html`),
//! and a learner's `check` and `audit` pages. Screenshots go to
//! target/browser/ (named in the output; `cargo test -- --nocapture`).

use aws_sdk_sagemaker::types as sm;
use serde_json::Value;

use crate::browser::{Browser, artifacts, chromium};
use crate::emulator::*;
use crate::live::{Seed, json};
use crate::util::*;

const DENIED: &str = "arn:aws:iam::100000000099:role/CourseAudit";
/// A roster name and a resource name that would run script, load an image
/// or end the page's markup if they were not escaped.
const HOSTILE_NAME: &str =
    "<script>window.pwned=1;document.title='pwned'</script><img src=x onerror=\"window.pwned=2\">Eve";
const HOSTILE_APP: &str = "</td></tr></table><img src=http://127.0.0.1:9/x onerror=window.pwned=3>";

fn account(n: usize) -> String {
    format!("{:012}", 300_000_000_000u64 + n as u64)
}

/// Four students read through AssumeRole (a forgotten app, a notebook, a
/// budget, Eve's hostile names) and one whose role refuses us.
fn class(emulator: &Emulator, dir: &std::path::Path) -> std::path::PathBuf {
    let mut roster = String::from("[defaults]\nregion = \"eu-central-1\"\nrole_name = \"CourseAudit\"\n");
    for n in 1..=4 {
        let seed = Seed::in_account(emulator, &account(n));
        let domain = seed.domain("course", (n != 3).then_some(60));
        seed.profile(&domain, "learner");
        match n {
            1 => seed.app(
                &domain,
                "learner",
                sm::AppType::KernelGateway,
                "forgotten",
                "ml.m5.xlarge",
                3600,
            ),
            2 => seed.notebook("forgotten", "ml.t3.medium", 7200),
            3 => seed.budget("SageMaker-Monthly-Budget", true),
            _ => seed.app(
                &domain,
                "learner",
                sm::AppType::KernelGateway,
                HOSTILE_APP,
                "ml.t3.medium",
                600,
            ),
        }
        let name = match n {
            4 => HOSTILE_NAME.to_string(),
            n => format!("Student {n:02}"),
        };
        roster.push_str(&format!(
            "\n[[student]]\nname = {}\naccount_id = \"{}\"\n",
            toml_string(&name),
            account(n)
        ));
    }
    roster.push_str(&format!(
        "\n[[student]]\nname = \"Denied Dora\"\nrole_arn = \"{DENIED}\"\n"
    ));
    // Student 01's forgotten app, accepted until a date far away: muted.
    roster.push_str(&format!(
        "\n[[exception]]\ncheck = \"studio-apps\"\nresource = {{ kind = \"studio-app\", name = \"forgotten\" }}\n\
         account = \"{}\"\nreason = \"kept for the next module\"\nexpires = 2099-12-31\n",
        account(1)
    ));
    let path = dir.join("class.toml");
    std::fs::write(&path, roster).unwrap();
    path
}

/// The emulator, refusing Dora's role, with the class seeded in it.
fn seeded_class() -> (Emulator, Learner, std::path::PathBuf) {
    let emulator = Emulator::with(Options {
        denied_roles: vec![DENIED.into()],
        ..Options::default()
    });
    let learner = Learner::new();
    let roster = class(&emulator, learner.dir.path());
    (emulator, learner, roster)
}

fn toml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// What a JSON student's row should say: its status class and each check's.
fn expected_row(student: &Value) -> (String, Vec<String>) {
    let checks: Vec<String> = student["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("chk s-{}", c["status"].as_str().unwrap()))
        .collect();
    let failing = checks.iter().any(|c| c.ends_with("s-fail") || c.ends_with("s-error"));
    let standing = match (student["status"].as_str().unwrap(), failing) {
        ("error", _) => "st-unreadable",
        ("ok", true) => "st-attention",
        ("ok", false) => "st-passed",
        (other, _) => panic!("status {other}"),
    };
    (standing.to_string(), checks)
}

/// What the page shows in the browser, read from its DOM.
const FACTS: &str = r#"JSON.stringify({
  title: document.title,
  rows: Array.from(document.querySelectorAll('table.sortable > tbody')).map(function (b) {
    var reason = b.querySelector('td.reason');
    return {
      cls: b.className,
      name: b.querySelector('.name').textContent,
      checks: Array.from(b.querySelectorAll('td.chk')).map(function (c) { return c.className; }),
      reason: reason ? reason.textContent : null
    };
  }),
  scripts: document.scripts.length,
  images: document.images.length,
  frames: document.querySelectorAll('iframe, object, embed, link, a').length,
  pwned: window.pwned || null,
  text: document.body.textContent,
  headerColour: getComputedStyle(document.querySelector('header.top')).backgroundColor,
  overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth
})"#;

fn facts(browser: &mut Browser) -> Value {
    serde_json::from_str(browser.eval(FACTS).as_str().unwrap()).unwrap()
}

/// The page was drawn by its own style, ran nothing else, loaded nothing
/// (no request but the page's own file) and logged no error.
fn assert_self_contained(browser: &Browser, from: usize, url: &str, facts: &Value) {
    assert_eq!(
        browser.requests(from),
        [url.to_string()],
        "requests beyond the page itself"
    );
    assert!(browser.problems(from).is_empty(), "{:#?}", browser.problems(from));
    assert_eq!(facts["scripts"], 1, "only the page's own script");
    assert_eq!((facts["images"].as_u64(), facts["frames"].as_u64()), (Some(0), Some(0)));
    assert_eq!(facts["pwned"], Value::Null, "an injected script or handler ran");
    assert_eq!(facts["headerColour"], "rgb(16, 42, 67)", "the inline style was refused");
}

/// The request observer sees a request when there is one: a page with an
/// image on a local address is seen asking for it.
fn assert_the_observer_sees_requests(browser: &mut Browser, dir: &std::path::Path) {
    let control = dir.join("control.html");
    std::fs::write(
        &control,
        "<!DOCTYPE html><p>control</p><img src=\"http://127.0.0.1:9/x.png\">",
    )
    .unwrap();
    let from = browser.events.len();
    browser.open(&format!("file://{}", control.display()));
    assert!(
        browser.requests(from).iter().any(|u| u == "http://127.0.0.1:9/x.png"),
        "{:?}",
        browser.requests(from)
    );
}

/// At a phone's 390 px nothing is wider than the screen; a screenshot.
fn assert_fits_a_phone(browser: &mut Browser, screenshot: &str) {
    browser.viewport(390, 844, true);
    let narrow = facts(browser);
    let overflow = narrow["overflow"].as_i64().unwrap();
    assert!(overflow <= 0, "{overflow} px wider than 390 px");
    browser.screenshot(&artifacts().join(screenshot));
}

#[test]
fn the_class_page_renders_in_chromium_with_a_row_per_student_and_no_request() {
    let Some(chromium) = chromium() else { return };
    let (emulator, learner, roster) = seeded_class();
    let roster = roster.to_str().unwrap();
    let page = learner.dir.path().join("class.html");
    let output = emulator.run(
        &learner,
        &[
            "instructor",
            "verify",
            roster,
            "--format",
            "html",
            "--out",
            page.to_str().unwrap(),
        ],
    );
    expect_code(&output, 1);
    assert_eq!(
        std::fs::read_to_string(&page).unwrap(),
        stdout(&output),
        "--out gets the page"
    );
    let book = json(&emulator.run(&learner, &["instructor", "verify", roster, "--format", "json"]));
    let students = book["students"].as_array().unwrap();

    let mut browser = Browser::start(chromium);
    assert_the_observer_sees_requests(&mut browser, learner.dir.path());
    browser.viewport(1280, 900, false);
    let url = format!("file://{}", page.display());
    let from = browser.events.len();
    browser.open(&url);
    let seen = facts(&mut browser);
    assert_self_contained(&browser, from, &url, &seen);
    assert_eq!(seen["title"], "Class: Module 5 checks");
    // One row per student, in the roster's order, each as the JSON says.
    let rows = seen["rows"].as_array().unwrap();
    assert_eq!(rows.len(), students.len());
    for (row, student) in rows.iter().zip(students) {
        assert_eq!(row["name"], student["name"], "the name, as text");
        let (standing, checks) = expected_row(student);
        assert_eq!(row["cls"], standing, "{}", student["name"]);
        if student["status"] == "ok" {
            assert_eq!(row["checks"], serde_json::json!(checks), "{}", student["name"]);
        } else {
            assert_eq!(row["reason"], student["error"]);
            assert!(row["reason"].as_str().unwrap().contains("AccessDenied"), "{row}");
        }
    }
    assert_eq!(rows[3]["name"], HOSTILE_NAME);
    let muted = |checks: &Value| {
        checks
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["status"] == "muted" || *c == "chk s-muted")
            .count()
    };
    assert_eq!((muted(&students[0]["checks"]), muted(&rows[0]["checks"])), (1, 1));
    let text = seen["text"].as_str().unwrap();
    assert!(text.contains(HOSTILE_APP), "the hostile app's name is shown as text");
    browser.screenshot(&artifacts().join("class-1280.png"));

    // Sorted by what still bills, the costliest last; the unreadable row
    // (nothing known) after them.
    let monthly = |s: &Value| {
        let b = &s["still_billing"];
        b["per_hour_usd"].as_f64().unwrap() * 730.0 + b["storage_monthly_usd"].as_f64().unwrap()
    };
    let mut read: Vec<&Value> = students.iter().filter(|s| s["status"] == "ok").collect();
    read.sort_by(|a, b| monthly(a).total_cmp(&monthly(b)));
    let mut expected: Vec<&Value> = read.iter().map(|s| &s["name"]).collect();
    expected.push(&students[4]["name"]);
    browser.eval("document.querySelector('th[data-k=billing] button').click()");
    let sorted = facts(&mut browser);
    let names: Vec<&Value> = sorted["rows"].as_array().unwrap().iter().map(|r| &r["name"]).collect();
    assert_eq!(names, expected);
    assert!(monthly(read[0]) < monthly(read[read.len() - 1]));

    // On a phone: every row a card, nothing wider than the screen.
    assert_fits_a_phone(&mut browser, "class-390.png");
    assert!(browser.problems(from).is_empty(), "{:#?}", browser.problems(from));
}

#[test]
fn check_and_audit_give_a_learner_the_same_page_for_one_account() {
    let emulator = Emulator::start();
    let learner = Learner::new();
    let seed = Seed::new(&emulator);
    let domain = seed.domain("course", None);
    seed.profile(&domain, "learner");
    seed.app(
        &domain,
        "learner",
        sm::AppType::KernelGateway,
        HOSTILE_APP,
        "ml.m5.xlarge",
        3600,
    );
    seed.notebook("forgotten", "ml.t3.medium", 7200);

    let check = emulator.run(&learner, &["--lang", "pt", "module5", "check", "--format", "html"]);
    expect_code(&check, 1);
    let check_json = json(&emulator.run(&learner, &["module5", "check", "--format", "json"]));
    let audit = emulator.run(&learner, &["module5", "audit", "--format", "html"]);
    expect_code(&audit, 1);
    let audit_json = json(&emulator.run(&learner, &["module5", "audit", "--format", "json"]));
    let dir = learner.dir.path();
    std::fs::write(dir.join("check.html"), stdout(&check)).unwrap();
    std::fs::write(dir.join("audit.html"), stdout(&audit)).unwrap();

    let Some(chromium) = chromium() else { return };
    let mut browser = Browser::start(chromium);
    browser.viewport(1280, 900, false);
    let url = format!("file://{}", dir.join("check.html").display());
    let from = browser.events.len();
    browser.open(&url);
    let seen = facts(&mut browser);
    assert_self_contained(&browser, from, &url, &seen);
    // One row, in Portuguese, its checks as the JSON says, opened in full.
    let rows = seen["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    let statuses: Vec<String> = check_json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("chk s-{}", c["status"].as_str().unwrap()))
        .collect();
    assert_eq!(rows[0]["checks"], serde_json::json!(statuses));
    assert_eq!(rows[0]["cls"], "st-attention");
    let text = seen["text"].as_str().unwrap();
    assert!(
        text.contains("Sua conta") && text.contains("precisa de atenção"),
        "{text}"
    );
    assert!(text.contains(HOSTILE_APP));
    let open = browser.eval("document.querySelectorAll('details[open] .check').length");
    assert_eq!(open, check_json["checks"].as_array().unwrap().len());
    browser.screenshot(&artifacts().join("check-1280.png"));

    let url = format!("file://{}", dir.join("audit.html").display());
    let from = browser.events.len();
    browser.open(&url);
    let seen = facts(&mut browser);
    assert_self_contained(&browser, from, &url, &seen);
    let names: Vec<&str> = seen["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = audit_json["running"]
        .as_array()
        .unwrap()
        .iter()
        .chain(audit_json["storage"].as_array().unwrap())
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, expected);
    assert!(names.contains(&HOSTILE_APP));
    assert_fits_a_phone(&mut browser, "audit-390.png");
}

/// Where the open-file limit cannot hold `--concurrency` students'
/// connections (a hard limit of 200 here), fewer are read at once, said on
/// stderr, and every student is still read.
#[test]
fn a_class_is_read_no_wider_than_the_open_file_limit_allows() {
    let (emulator, learner, roster) = seeded_class();
    let args = [
        "instructor",
        "verify",
        roster.to_str().unwrap(),
        "--format",
        "json",
        "--concurrency",
        "32",
    ];
    // The same, free and under `ulimit -n 200` (soft and hard).
    let run = |script: &str| {
        let mut cmd = std::process::Command::new("sh");
        cmd.arg("-c")
            .arg(format!("{script}exec \"$SM_BIN\" \"$@\""))
            .arg("sm-course")
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("SM_BIN", BIN)
            .env("SM_COURSE_HOME", learner.home())
            .env("LANG", "en_US.UTF-8");
        emulator.configure(&mut cmd);
        cmd.output().unwrap()
    };
    let output = run("");
    let capped = run("ulimit -Sn 200 && ulimit -Hn 200 && ");
    expect_code(&capped, 1);
    assert!(
        stderr(&capped).contains("--concurrency 32 would open more connections than this system allows (200 open files): 6 students at a time"),
        "{}",
        stderr(&capped)
    );
    assert!(
        !stderr(&output).contains("would open more connections"),
        "{}",
        stderr(&output)
    );
    let (free, held) = (json(&output), json(&capped));
    let statuses = |book: &Value| -> Vec<Value> {
        book["students"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["status"].clone())
            .collect()
    };
    assert_eq!(statuses(&held), statuses(&free));
    assert_eq!(statuses(&held).iter().filter(|s| *s == "ok").count(), 4);
}
