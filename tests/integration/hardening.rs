//! Hostile names, secrets that must never show, and the install helpers.

use std::process::Stdio;

use aws_sdk_sagemaker::types as sm;

use crate::emulator::*;
use crate::live::Seed;
use crate::util::*;

const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const SESSION_TOKEN: &str = "FQoGZXIvYXdzEXAMPLESESSIONTOKENvalue";

#[test]
fn names_from_the_account_cannot_drive_the_terminal_or_break_reports() {
    let emulator = Emulator::start();
    let seed = Seed::new(&emulator);
    let domain = seed.domain("course", None);
    seed.profile(&domain, "ana");
    // An app name an attacker could choose: terminal escapes, Markdown and CSV syntax.
    let evil = "x\u{1b}]0;pwned\u{7}\u{1b}[31m|**=cmd()";
    seed.app(&domain, "ana", sm::AppType::KernelGateway, evil, "ml.t3.medium", 60);
    let learner = Learner::new();
    for format in ["text", "markdown", "junit"] {
        let mut cmd = learner.command(&["module5", "check", "--format", format, "--only", "studio-apps"]);
        emulator.configure(&mut cmd);
        let output = cmd.output().unwrap();
        let text = stdout(&output);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{format}: raw control characters in {text:?}"
        );
        assert!(
            text.contains("\\u{1b}"),
            "{format}: the escape is shown, escaped: {text}"
        );
    }
    let mut cmd = learner.command(&["module5", "check", "--format", "markdown", "--only", "studio-apps"]);
    emulator.configure(&mut cmd);
    let md = stdout(&cmd.output().unwrap());
    assert!(md.contains("\\|\\*\\*=cmd()"), "Markdown specials are escaped: {md}");
    let mut cmd = learner.command(&["module5", "audit"]);
    emulator.configure(&mut cmd);
    assert!(!stdout(&cmd.output().unwrap()).contains('\u{1b}'));
}

#[test]
fn no_credential_session_token_or_full_address_in_any_output_or_file() {
    let emulator = Emulator::start();
    let learner = Learner::new();
    let run = |args: &[&str]| {
        let mut cmd = learner.command(args);
        emulator.configure(&mut cmd);
        cmd.env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
            .env("AWS_SESSION_TOKEN", SESSION_TOKEN)
            .stdin(Stdio::null());
        cmd.output().unwrap()
    };
    let mut seen = String::new();
    // The dry run prints the exact command, the learner's own address in
    // it, on their screen; it is never written to a file or a report.
    let dry = run(&[
        "module5",
        "fix",
        "budget",
        "--email",
        "ana.souza@example.com",
        "--name",
        "Other",
        "--dry-run",
    ]);
    assert!(
        stdout(&dry).contains(r#""SubscriptionType":"EMAIL","Address":"ana.souza@example.com""#),
        "{}",
        stdout(&dry)
    );
    assert!(!both_streams(&dry).contains(SECRET_KEY) && !both_streams(&dry).contains(SESSION_TOKEN));
    for args in [
        &["module5", "fix", "budget", "--email", "ana.souza@example.com", "--yes"][..],
        &["module5", "check", "--format", "json", "-v"][..],
        &["module5", "check", "--format", "markdown"][..],
        &["module5", "audit", "--format", "json"][..],
        &[
            "module5",
            "report",
            "--out",
            learner.dir.path().join("report.json").to_str().unwrap(),
        ][..],
    ] {
        let output = run(args);
        seen.push_str(&stdout(&output));
        seen.push_str(&stderr(&output));
    }
    for file in ["progress.json", "audit.log"] {
        seen.push_str(&std::fs::read_to_string(learner.home().join(file)).unwrap_or_default());
    }
    seen.push_str(&std::fs::read_to_string(learner.dir.path().join("report.json")).unwrap());
    assert!(!seen.contains(SECRET_KEY), "the secret key leaked");
    assert!(!seen.contains(SESSION_TOKEN), "the session token leaked");
    assert!(!seen.contains("ana.souza@example.com"), "a full e-mail address leaked");
    assert!(seen.contains("a***@example.com"), "the masked address is shown");
}

fn both_streams(output: &std::process::Output) -> String {
    format!("{}{}", stdout(output), stderr(output))
}

#[test]
fn completions_and_the_man_page_come_from_the_command_line_definitions() {
    let learner = Learner::new();
    for shell in ["bash", "zsh", "fish"] {
        let output = learner.run(&["completions", shell]);
        expect_code(&output, 0);
        let script = stdout(&output);
        assert!(
            script.contains("sm-course") && script.contains("checklist") && script.contains("idle-shutdown"),
            "{shell}"
        );
    }
    expect_code(&learner.run(&["completions", "tcsh"]), 2);
    let man = learner.run(&["man"]);
    expect_code(&man, 0);
    let page = stdout(&man);
    assert!(page.starts_with(".ie") || page.contains(".TH sm-course 1"), "{page}");
    assert!(page.contains("module5"));
}

#[test]
fn verbose_shows_each_aws_call_with_its_duration() {
    let emulator = Emulator::start();
    let learner = Learner::new();
    let mut cmd = learner.command(&["module5", "check", "-v", "--only", "identity"]);
    emulator.configure(&mut cmd);
    let output = cmd.output().unwrap();
    expect_code(&output, 0);
    let err = stderr(&output);
    assert!(
        err.contains("STS.GetCallerIdentity") && err.contains("time.busy="),
        "{err}"
    );
    assert!(err.contains("SageMaker.ListApps"), "{err}");
    assert!(!stdout(&output).contains("time.busy"), "verbose output stays on stderr");
}

/// The writer the kill test runs in a child process: saves progress in a
/// loop, saying on stdout after each save which answer it confirmed. A no-op
/// unless the kill test starts it.
#[test]
fn progress_writer_child() {
    let Some(path) = std::env::var_os("SM_COURSE_KILL_WRITER") else {
        return;
    };
    let prefix = std::env::var("SM_COURSE_WRITER_PREFIX").unwrap_or_else(|_| "q".into());
    let count: u64 = std::env::var("SM_COURSE_WRITER_COUNT")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(u64::MAX);
    let store = sm_course::Store::at(path.into());
    let mut file = store.load(sm_course::Lang::En, &mut Vec::new());
    for n in 0..count {
        let module = file.modules.entry("module5".into()).or_default();
        module.answers.insert(
            format!("{prefix}{n:06}"),
            sm_course::Answer {
                choice: 1,
                correct: true,
                second_try: None,
                attempts: 1,
                at: "2026-11-28T00:00:00Z".into(),
            },
        );
        store.save(&file, sm_course::Lang::En).unwrap();
        println!("saved {n}");
    }
}

#[test]
fn a_kill_at_any_moment_leaves_a_progress_file_with_every_confirmed_answer() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("progress.json");
    for round in 0..12u64 {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "hardening::progress_writer_child",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("SM_COURSE_KILL_WRITER", &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let confirmed = std::sync::Arc::new(std::sync::Mutex::new(None::<u64>));
        let seen = confirmed.clone();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(n) = line.strip_prefix("saved ").and_then(|n| n.trim().parse().ok()) {
                    *seen.lock().unwrap() = Some(n);
                }
            }
        });
        // A different moment each round: somewhere in the middle of the loop.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos() as u64;
        std::thread::sleep(std::time::Duration::from_millis(150 + (nanos + round * 37) % 250));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        reader.join().unwrap();
        let last = confirmed
            .lock()
            .unwrap()
            .expect("the writer confirmed at least one save before the kill");
        let text = std::fs::read_to_string(&path).unwrap();
        let file: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("round {round}: corrupt file: {e}"));
        let answers = file["modules"]["module5"]["answers"].as_object().unwrap();
        let highest = answers
            .keys()
            .filter_map(|k| k.strip_prefix('q')?.parse::<u64>().ok())
            .max()
            .unwrap();
        assert!(
            highest >= last,
            "round {round}: answer {last} was confirmed but the file ends at {highest}"
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        std::fs::remove_file(&path).unwrap();
        for name in leftovers {
            let _ = std::fs::remove_file(dir.path().join(name));
        }
    }
}

/// Every fault the network or a broken service can produce on one call:
/// its checks report an error within a bounded time, the others still run,
/// nothing panics or hangs, and the exit code is 1.
#[test]
fn faults_on_one_call_are_errors_for_its_checks_within_a_bounded_time() {
    for fault in [
        "ListApps=reset",
        "ListApps=slow:8",
        "ListApps=InternalFailure:500",
        "ListApps=ServiceUnavailable:503",
        "ListApps=ThrottlingException:400",
        "ListApps=truncated",
        "ListApps=malformed",
        "ListApps=loop",
        "DescribeAlarms=malformed",
    ] {
        let emulator = Emulator::with(Options {
            faults: vec![fault.into()],
            ..Options::default()
        });
        let learner = Learner::new();
        let mut cmd = learner.command(&["module5", "check", "--format", "json"]);
        emulator.configure(&mut cmd);
        // Short enough to keep the test quick, long enough that the calls
        // that are not faulted answer on a loaded two-core machine (the one
        // emulator process serves every concurrent read of the check).
        // (The slow fault answers after 8 s: past one attempt's 6 s.)
        cmd.env("SM_COURSE_ATTEMPT_TIMEOUT_MS", "6000")
            .env("SM_COURSE_OPERATION_TIMEOUT_MS", "12000")
            .env("SM_COURSE_READ_TIMEOUT_MS", "13000");
        let started = std::time::Instant::now();
        let output = cmd.output().unwrap();
        let elapsed = started.elapsed();
        expect_code(&output, 1);
        let report: serde_json::Value =
            serde_json::from_str(&stdout(&output)).unwrap_or_else(|e| panic!("{fault}: {e}"));
        let status = |id: &str| crate::live::status(&report, id);
        let broken = if fault.starts_with("DescribeAlarms") {
            "long-running-alarm"
        } else {
            "studio-apps"
        };
        assert_eq!(
            status(broken),
            "error",
            "{fault}: {}",
            crate::live::by_id(&report, broken)
        );
        assert_eq!(
            status("identity"),
            "pass",
            "{fault}: {}",
            crate::live::by_id(&report, "identity")
        );
        assert_eq!(status("notebook-instances"), "pass", "{fault}");
        // A hang guard: the timeouts above bound every read.
        assert!(
            elapsed < std::time::Duration::from_secs(40),
            "{fault}: took {elapsed:?}"
        );
        eprintln!(
            "{fault}: {} in {elapsed:?}",
            crate::live::by_id(&report, broken)["summary"]
        );
    }
}

#[test]
fn two_processes_saving_at_once_lose_no_answer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("progress.json");
    let writers: Vec<_> = ["a", "b"]
        .iter()
        .map(|prefix| {
            std::process::Command::new(std::env::current_exe().unwrap())
                .args([
                    "--exact",
                    "hardening::progress_writer_child",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env("SM_COURSE_KILL_WRITER", &path)
                .env("SM_COURSE_WRITER_PREFIX", prefix)
                .env("SM_COURSE_WRITER_COUNT", "150")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut writer in writers {
        assert!(writer.wait().unwrap().success());
    }
    let file: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let answers = file["modules"]["module5"]["answers"].as_object().unwrap();
    assert_eq!(answers.keys().filter(|k| k.starts_with('a')).count(), 150);
    assert_eq!(
        answers.keys().filter(|k| k.starts_with('b')).count(),
        150,
        "every answer of both processes is there"
    );
}
