//! Command-line conventions: completions past the first word, one manual
//! page, `--json`, numbers with their range, roster and e-mail errors that
//! say what was typed, exact dry runs, `--out` checked first, and nothing lost.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::emulator::*;
use crate::live::{Seed, json};
use crate::util::*;

/// What bash's completion function offers for `line` (the last word is the
/// one being completed), from the script `sm-course completions bash` prints.
fn bash_complete(script: &std::path::Path, line: &str) -> Vec<String> {
    let output = Command::new("bash")
        .arg("-c")
        .arg(
            r#"source "$1"
read -ra COMP_WORDS <<< "$2"
[[ "$2" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE="$2"
_sm__course sm-course "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}""#,
        )
        .arg("bash")
        .arg(script)
        .arg(line)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    stdout(&output).lines().map(str::to_string).collect()
}

#[test]
fn bash_completes_past_the_first_word() {
    let learner = Learner::new();
    let output = learner.run(&["completions", "bash"]);
    expect_code(&output, 0);
    let script = learner.dir.path().join("sm-course.bash");
    std::fs::write(&script, stdout(&output)).unwrap();
    assert_eq!(bash_complete(&script, "sm-course mod"), ["module5"]);
    assert_eq!(bash_complete(&script, "sm-course module5 che"), ["checklist", "check"]);
    assert_eq!(bash_complete(&script, "sm-course module5 fix bu"), ["budget"]);
    assert_eq!(
        bash_complete(&script, "sm-course module5 fix budget --dry"),
        ["--dry-run"]
    );
    assert_eq!(
        bash_complete(&script, "sm-course instructor verify --conc"),
        ["--concurrency"]
    );
    assert!(bash_complete(&script, "sm-course module5 audit --").contains(&"--json".to_string()));
}

#[test]
fn zsh_and_fish_scripts_name_every_subcommand_and_call_only_functions_they_define() {
    let learner = Learner::new();
    let zsh = stdout(&learner.run(&["completions", "zsh"]));
    // Every `_sm-course__…` function the script calls is defined in it.
    let defined: Vec<&str> = zsh
        .lines()
        .filter_map(|l| l.strip_prefix("(( $+functions[").and_then(|r| r.split(']').next()))
        .collect();
    assert!(
        defined.iter().any(|f| f.contains("module5__subcmd__check")),
        "{defined:?}"
    );
    for function in &defined {
        assert!(
            zsh.contains(&format!("{function}() {{")),
            "{function} is called but not defined"
        );
    }
    let fish = stdout(&learner.run(&["completions", "fish"]));
    assert!(
        fish.lines()
            .any(|l| l.contains("__fish_sm_course_using_subcommand module5") && l.contains("-a \"check\"")),
        "{fish}"
    );
    assert!(
        fish.lines()
            .any(|l| l.contains("module5; and __fish_seen_subcommand_from fix") && l.contains("budget")),
        "{fish}"
    );
}

#[test]
fn the_manual_documents_every_command_on_one_page() {
    let learner = Learner::new();
    let output = learner.run(&["man"]);
    expect_code(&output, 0);
    let page = stdout(&output);
    assert!(page.contains(".TH sm-course 1"), "{page}");
    for path in [
        "sm\\-course module5",
        "sm\\-course module5 check",
        "sm\\-course module5 fix budget",
        "sm\\-course module5 fix idle\\-shutdown",
        "sm\\-course module5 prices refresh",
        "sm\\-course instructor verify",
        "sm\\-course completions",
        "sm\\-course iam\\-policy",
    ] {
        assert!(page.contains(&format!(".SS \"{path}\"")), "{path} missing");
    }
    assert!(page.contains("\\-\\-concurrency"), "options are documented");
    // No page it refers to is missing: it refers to none (only its own title).
    assert_eq!(page.matches("(1)").count(), 0, "{page}");
    assert_eq!(page.matches(".TH ").count(), 1);
}

#[test]
fn json_is_format_json_wherever_format_exists() {
    let learner = Learner::new();
    for args in [
        &["module5", "checklist"][..],
        &["module5", "instances", "--family", "t3"][..],
        &["module5", "cost", "ml.t3.medium", "--hours", "2"][..],
        &["module5", "check", "--sandbox"][..],
    ] {
        let long = learner.run(&[args, &["--format", "json"]].concat());
        let short = learner.run(&[args, &["--json"]].concat());
        assert_eq!(short.status.code(), long.status.code(), "{args:?}");
        let value = |o: &std::process::Output| {
            let mut v: serde_json::Value = serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("{args:?}: {e}"));
            v.as_object_mut().map(|m| m.remove("generated_at"));
            v
        };
        assert_eq!(value(&short), value(&long), "{args:?}");
    }
    // Words after `--` are the measured command's own.
    let measured = learner.run(&["module5", "monitor", "--json", "--", "echo", "--json"]);
    expect_code(&measured, 0);
    assert!(stdout(&measured).contains("--json"), "{}", stdout(&measured));
    let both = learner.run(&["module5", "checklist", "--json", "--format", "text"]);
    expect_code(&both, 2);
    let none = learner.run(&["module5", "lesson", "--json"]);
    expect_code(&none, 2);
    assert!(stderr(&none).contains("unknown argument: --json"), "{}", stderr(&none));
}

#[test]
fn numbers_out_of_range_are_answered_with_the_range_in_the_learners_language() {
    let learner = Learner::new();
    let said = |args: &[&str]| {
        let output = learner.run(args);
        expect_code(&output, 2);
        stderr(&output).lines().next().unwrap_or_default().to_string()
    };
    assert_eq!(
        said(&["instructor", "verify", "class.toml", "--concurrency", "0"]),
        "error: 0 is out of range for --concurrency <CONCURRENCY>: use a whole number from 1 to 128"
    );
    assert_eq!(
        said(&[
            "--lang",
            "pt",
            "instructor",
            "verify",
            "class.toml",
            "--concurrency",
            "500"
        ]),
        "erro: 500 está fora do intervalo de --concurrency <CONCURRENCY>: use um número inteiro de 1 a 128"
    );
    assert_eq!(
        said(&[
            "module5",
            "fix",
            "budget",
            "--amount",
            "-5",
            "--email",
            "a@example.com",
            "--dry-run"
        ]),
        "error: invalid budget amount: -5 (use a number above zero, in USD)"
    );
    assert_eq!(
        said(&["module5", "cost", "ml.t3.medium", "--hours", "-2"]),
        "error: -2 is out of range for --hours <H>: use a number of 0 or more"
    );
    assert_eq!(
        said(&["--lang", "pt", "module5", "cost", "--monthly", "--hours-per-day", "25"]),
        "erro: 25 está fora do intervalo de --hours-per-day <HOURS_PER_DAY>: use um número de 0 a 24"
    );
    assert_eq!(
        said(&["module5", "monitor", "--interval", "-1"]),
        "error: -1 is out of range for --interval <INTERVAL>: use a whole number from 1 to 3600"
    );
    assert_eq!(
        said(&["module5", "audit", "--stop", "--wait", "soon"]),
        "error: soon is not a number (--wait <SECONDS> takes a number)"
    );
}

#[test]
fn a_roster_reports_every_problem_with_its_line_and_field_in_portuguese() {
    let learner = Learner::new();
    let path = learner.dir.path().join("turma.toml");
    std::fs::write(
        &path,
        "[defaults]\nrole_name = \"CourseAudit\"\n\n[[student]]\nname = \"Ana\"\nacount_id = \"111122223333\"\n\n\
         [[student]]\nname = \"Bruno\"\nprofile = \"bruno\"\nregion = 5\n",
    )
    .unwrap();
    let output = learner.run(&["--lang", "pt", "instructor", "verify", path.to_str().unwrap()]);
    expect_code(&output, 2);
    let err = stderr(&output);
    let file = path.display();
    assert!(
        err.starts_with(&format!("erro: o roster {file} tem 3 problemas:\n")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{file}:4: campo `profile`: “Ana” precisa de")),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{file}:6: campo `acount_id`: campo desconhecido (você quis dizer `account_id`?)"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{file}:11: campo `region`: o valor precisa ser um texto entre aspas"
        )),
        "{err}"
    );
    assert!(!err.contains("`-`") && !err.contains("unknown field"), "{err}");
}

#[test]
fn a_bad_address_is_shown_as_typed_and_asked_again_on_a_terminal() {
    let emulator = Emulator::start();
    let learner = Learner::new();
    // Without a terminal: exit 2, the address as it was typed.
    let output = emulator.run(
        &learner,
        &["module5", "fix", "budget", "--email", "ana.souza@", "--dry-run"],
    );
    expect_code(&output, 2);
    assert_eq!(
        stderr(&output).trim_end(),
        "error: invalid e-mail address: “ana.souza@” (an address looks like name@example.com)"
    );
    // On a terminal: shown, asked again, and the dry run's command carries
    // the address given, exactly.
    let mut cmd = learner.command(&["module5", "fix", "budget", "--email", "foo", "--dry-run"]);
    emulator.configure(&mut cmd);
    cmd.env("TERM", "xterm-256color").env("NO_COLOR", "1");
    let mut session = expectrl::Session::spawn(cmd).expect("spawn in a pty");
    session.get_process_mut().set_window_size(250, 40).unwrap();
    session.set_expect_timeout(Some(Duration::from_secs(15)));
    let mut expect = |text: &str| {
        if let Err(e) = session.expect(text) {
            panic!("waiting for {text:?}: {e}");
        }
    };
    expect("invalid e-mail address: “foo”");
    expect("E-mail address for the budget alerts:");
    session.send("ana.souza@example.com\r").unwrap();
    let mut expect = |text: &str| {
        if let Err(e) = session.expect(text) {
            panic!("waiting for {text:?}: {e}");
        }
    };
    expect("$ aws budgets create-budget --account-id 123456789012");
    expect(r#""Address":"ana.souza@example.com""#);
    match session.get_process().wait().unwrap() {
        expectrl::WaitStatus::Exited(_, code) => assert_eq!(code, 0),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_bad_out_is_refused_before_any_student_is_read_and_no_folder_is_made() {
    // Slow enough that reading the class takes seconds.
    let emulator = Emulator::with(Options {
        latency_ms: 1500,
        ..Options::default()
    });
    let learner = Learner::new();
    let roster = learner.dir.path().join("class.toml");
    std::fs::write(&roster, "[[student]]\nname = \"Ana\"\nprofile = \"default\"\n").unwrap();
    let file = learner.dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let missing = learner.dir.path().join("no-such-folder");
    for (out, said) in [
        (
            missing.join("x.csv"),
            format!("the folder {} does not exist", missing.display()),
        ),
        (learner.dir.path().to_path_buf(), "is a folder".to_string()),
        (
            file.join("x.csv"),
            format!("{} is a file, not a folder", file.display()),
        ),
    ] {
        let started = Instant::now();
        let output = emulator.run(
            &learner,
            &[
                "instructor",
                "verify",
                roster.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
        );
        let took = started.elapsed();
        expect_code(&output, 2);
        assert!(stderr(&output).contains(&said), "{}", stderr(&output));
        assert!(
            took < Duration::from_secs(1),
            "{out:?}: took {took:?}, so students were read"
        );
        assert!(stdout(&output).is_empty());
    }
    assert!(!missing.exists(), "no folder is created");
    let output = learner.run(&["module5", "report", "--out", missing.join("r.json").to_str().unwrap()]);
    expect_code(&output, 2);
    assert!(!missing.exists());
}

#[test]
fn a_late_write_failure_still_prints_the_gradebook() {
    let emulator = Emulator::with(Options {
        latency_ms: 1500,
        ..Options::default()
    });
    let learner = Learner::new();
    let roster = learner.dir.path().join("class.toml");
    std::fs::write(
        &roster,
        format!("[[student]]\nname = \"Ana\"\naccount_id = \"{ACCOUNT}\"\nrole_name = \"Audit\"\n"),
    )
    .unwrap();
    let folder = learner.dir.path().join("out");
    std::fs::create_dir(&folder).unwrap();
    let mut cmd = learner.command(&[
        "instructor",
        "verify",
        roster.to_str().unwrap(),
        "--format",
        "csv",
        "--out",
        folder.join("class.csv").to_str().unwrap(),
    ]);
    emulator.configure(&mut cmd);
    let child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    // The folder goes away while the class is read (each call takes 1.5 s).
    std::thread::sleep(Duration::from_millis(700));
    std::fs::remove_dir(&folder).unwrap();
    let output = child.wait_with_output().unwrap();
    expect_code(&output, 2);
    assert!(
        stdout(&output).starts_with("name,account,aws_region,status,passed,evaluated"),
        "the result is printed: {}",
        stdout(&output)
    );
    assert!(stdout(&output).contains("Ana,"), "{}", stdout(&output));
    assert!(stderr(&output).contains("class.csv"), "{}", stderr(&output));
}

#[test]
fn collect_lists_every_roster_student_and_nothing_evaluated_never_passes() {
    let emulator = Emulator::start();
    Seed::new(&emulator).budget("SageMaker-Monthly-Budget", true);
    let ana = Learner::new();
    let report = ana.dir.path().join("ana.json");
    // Ana exports before any live check: her report holds none.
    expect_code(
        &emulator.run(
            &ana,
            &[
                "module5",
                "report",
                "--out",
                report.to_str().unwrap(),
                "--name",
                "Ana Souza",
            ],
        ),
        0,
    );
    let instructor = Learner::new();
    let roster = instructor.dir.path().join("class.toml");
    std::fs::write(
        &roster,
        "[[student]]\nname = \"Ana Souza\"\nprofile = \"ana\"\n\n[[student]]\nname = \"Bruno Lima\"\nprofile = \"bruno\"\n",
    )
    .unwrap();
    let run = |format: &str| {
        instructor.run(&[
            "instructor",
            "collect",
            report.to_str().unwrap(),
            "--roster",
            roster.to_str().unwrap(),
            "--format",
            format,
        ])
    };
    let output = run("json");
    expect_code(&output, 1);
    let book = json(&output);
    let names = crate::instructor::names(&book);
    assert_eq!(names, ["Ana Souza", "Bruno Lima"], "every roster student, in its order");
    assert_eq!(book["students"][1]["status"], "missing");
    assert_eq!(book["students"][1]["error"], "no report received");
    assert_eq!(book["summary"]["all_passed"], 0, "0 of 0 checks is not passing: {book}");
    assert_eq!(book["summary"]["missing"], 1);
    let table = stdout(&run("table"));
    assert!(
        table.contains("Bruno Lima") && table.contains("no report received"),
        "{table}"
    );
    assert!(table.contains("no check was evaluated"), "{table}");
    assert!(table.contains("0 of 2 students passed everything"), "{table}");
    let csv = stdout(&run("csv"));
    assert!(csv.lines().any(|l| l.starts_with("Bruno Lima,,,missing,")), "{csv}");
}

#[test]
fn two_corrupt_progress_files_keep_two_backups() {
    let learner = Learner::new();
    std::fs::create_dir_all(learner.home()).unwrap();
    for junk in ["JUNK-A", "JUNK-B"] {
        std::fs::write(learner.progress_path(), junk).unwrap();
        let output = learner.run(&["module5", "checklist"]);
        expect_code(&output, 0);
        assert!(
            stderr(&output).contains("progress.json.corrupt-"),
            "{}",
            stderr(&output)
        );
    }
    let mut kept: Vec<String> = std::fs::read_dir(learner.home())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains(".corrupt-"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    kept.sort();
    assert_eq!(kept, ["JUNK-A", "JUNK-B"]);
}
